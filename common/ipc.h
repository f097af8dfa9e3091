/*
 * ipc.h - typed messages between the processes of one daemon.
 *
 * ccpoold is several processes (server/parent.c, net.c, runner.c, pub.c)
 * joined by socketpairs.  Every message is a 12-byte header (type, length,
 * id; host byte order, it never leaves the machine) and exactly len bytes
 * of payload.  One enum lists every message type.  Each receiver says,
 * per channel, which types it accepts and how long each may be (a
 * fixed-size struct must match exactly, a variable one has a maximum);
 * the verdict comes from the header alone, before the payload is read.
 * A message that breaks the rules is malformed, and the receiver treats
 * that as fatal (fail closed): the channel reports an error and the
 * process calls fatalx().
 *
 * Two layers: ipc_parse()/ipc_compose() are pure (no I/O; the fuzz
 * harness tests/fuzz/fuzz_ipc.c drives them), struct ipc_chan runs them
 * on a libevent bufferevent.  Start with ipc_parse().
 */
#ifndef CCPOOL_IPC_H
#define CCPOOL_IPC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/proto.h"

#define IPC_HDRLEN	12

/*
 * All message types of ccpoold.  Wire values are local to one daemon
 * instance (all processes come from one binary), but are kept stable for
 * readability of traces.  Directions are documented in doc/server.md.
 */
enum ipc_type {
	IPC_NONE = 0,		/* never valid */
	IPC_CONF,		/* parent -> all: struct srvconf */
	IPC_SHUTDOWN,		/* parent -> all: empty, stop gracefully */
	IPC_TC,			/* runner -> parent -> net, pub: ipc_tc */
	IPC_TC_END,		/* same path: empty, the list is complete */
	IPC_LOAD,		/* runner -> parent -> net, pub: ipc_load */
	IPC_JOB,		/* net -> runner: struct ipc_job, then the
				 * JOB_..JEND frames; id: job */
	IPC_CANCEL,		/* net -> runner: empty; id: job to kill */
	IPC_RESULT,		/* runner -> net: RFSE or STAT..DONE; id: job */
	IPC_DRAINED,		/* runner -> parent: empty, all jobs ended */
	IPC_CRL,		/* parent -> net: the revocation list, PEM */
	IPC_JOBEV,		/* runner -> net: ipc_jobev, a slot taken or
				 * freed (status page) */
	IPC_GSS_REQ,		/* net -> kauth: ipc_gss_req, then a client's
				 * GSS-API token; id: the connection */
	IPC_GSS_RES,		/* kauth -> net: ipc_gss_res, then the
				 * server's token; id: the connection */
	IPC_OFFER,		/* net -> runner: struct ipc_offer; id: the
				 * offer's key (its job's, once pulled) */
	IPC_PULL,		/* runner -> net: struct ipc_pull, a slot is
				 * held for the offer; id: its key */
	IPC_TYPE_COUNT
};

/* Message header.  id: a job key for job messages, else 0. */
struct ipc_hdr {
	uint32_t	 type;
	uint32_t	 len;
	uint32_t	 id;
};

/* One toolchain the runner detected (IPC_TC). */
struct ipc_tc {
	char		 id[PROTO_TCID_MAX + 1];	/* NUL-terminated */
	char		 name[64];	/* e.g. "gcc", for the status page */
	/* the names it is run by (gcc cc x86_64-linux-gnu-gcc ...),
	 * space-separated: a stock distcc job names its compiler so */
	char		 alias[1024];
};

#define IPC_CRL_MAX	(4u << 20)	/* bytes of a revocation list */

/*
 * Kerberos mode (server/kauth.c): a client's token with the channel
 * binding of its TLS connection (common/kgss.h), and the verdict.
 */
#define IPC_GSS_TOKEN_MAX	65536	/* = KGSS_TOKEN_MAX */
struct ipc_gss_req {
	uint8_t		 cb[32];	/* KGSS_CB_LEN bytes of the exporter */
};
struct ipc_gss_res {
	uint32_t	 ok;		/* 1: authenticated; the rest is set */
	uint32_t	 lifetime;	/* seconds the ticket is still valid */
	uint32_t	 ngroups;	/* of groups[] */
	char		 principal[256];	/* the client, NUL-terminated */
	char		 user[64];	/* its local name (IDENT_NAME_MAX) */
	char		 groups[16][64];	/* what allow_groups names */
	char		 why[256];	/* !ok: the reason, for log and client */
};

/* What precedes a job's frames in IPC_JOB: who sent it (fair share). */
struct ipc_job {
	char		 client[72];	/* key fingerprint, NUL-terminated */
};

/*
 * A client's offer of a job (IPC_OFFER, protocol version 2, proto.h
 * "Late binding"): who (as in struct ipc_job) and what it would be.
 * The runner queues it and, once a slot is free for it, holds that slot
 * and answers IPC_PULL; the job then comes as IPC_JOB with the same key.
 * An offer refused, or cancelled (IPC_CANCEL) while it waits or holds its
 * slot, is answered with an IPC_RESULT refusal, like a job.
 */
struct ipc_offer {
	char		 client[72];	/* key fingerprint, NUL-terminated */
	char		 tcid[PROTO_TCID_MAX + 1];	/* NUL-terminated */
	uint32_t	 id;		/* the client's job id */
	uint32_t	 lang;		/* enum proto_lang */
	uint32_t	 size;		/* input bytes, a hint */
};

/* A slot is held for an offer (IPC_PULL): what PULL FREE tells. */
struct ipc_pull {
	uint32_t	 free_slots;	/* free after this one was taken */
	uint32_t	 waiting;	/* offers still queued */
};

/*
 * The runner's occupancy and what it offers (IPC_LOAD), sent on every
 * change.  offered and queue_max are what admission uses now: the
 * configured slots shrink while the machine's owner is busy or memory
 * is short (server/load.h).
 */
struct ipc_load {
	uint32_t	 slots;		/* configured */
	uint32_t	 offered;	/* on offer now, <= slots */
	uint32_t	 running;
	uint32_t	 queued;
	uint32_t	 queue_max;	/* for offered */
	uint32_t	 foreign;	/* foreign CPU load, % of the machine */
	uint32_t	 mem_psi;	/* memory PSI some avg10, 1/100 % */
	uint32_t	 mem_avail_mb;	/* MemAvailable; 0: unknown */
	uint32_t	 mem_used;	/* memory in use, % of the machine or
					 * of its cgroup's limit; 0: unknown */
	uint32_t	 speed;		/* KiB/s per CPU (server/speed.h);
					 * 0: not measured yet */
	uint32_t	 offers;	/* offers queued (IPC_OFFER) */
};

/*
 * A job took a slot or left it (IPC_JOBEV, runner -> net, for the status
 * page): the slot index (the lowest free one at start), and at the end
 * how long it compiled, its toolchain (one of the runner's own ids, never
 * what the client sent) and whether it succeeded.  Nothing else of a job
 * crosses: no file, argument, user or address.
 */
#define IPC_JOBEV_START	1
#define IPC_JOBEV_END	2
struct ipc_jobev {
	uint32_t	 what;		/* IPC_JOBEV_START or _END */
	uint32_t	 slot;		/* < SRVCONF_SLOTS_MAX */
	uint32_t	 ms;		/* _END: compile time */
	uint32_t	 ok;		/* _END: 1 if the compiler succeeded */
	char		 tc[PROTO_TCID_MAX + 1];	/* _END; NUL-terminated */
};

/*
 * What a receiver accepts on one channel.  A type is accepted if its bit
 * (1u << type) is set in accept; its payload must then be between min
 * and max bytes (min == max: a fixed-size struct).
 */
struct ipc_rules {
	uint32_t	 accept;
	struct {
		uint32_t min;
		uint32_t max;
	}		 len[IPC_TYPE_COUNT];
};

/* "conf", "job", ...; "unknown" for anything else. */
const char	*ipc_type_name(uint32_t type);

/* Accept type with a fixed length (ipc_rule_fixed) or a range. */
void	ipc_rule_fixed(struct ipc_rules *r, enum ipc_type t, uint32_t len);
void	ipc_rule_var(struct ipc_rules *r, enum ipc_type t, uint32_t max);

/*
 * Parse the message at the start of buf (len bytes).  Returns the bytes
 * the whole message takes (> 0) with *h and *payload (inside buf) set; 0
 * if more bytes are needed (*need then says how many the message takes
 * in all, as far as known: IPC_HDRLEN until the header is complete); -1
 * with err set if the header breaks the rules (type not accepted, length
 * out of range).  The verdict needs only the header.
 */
ssize_t	ipc_parse(const struct ipc_rules *r, const uint8_t *buf, size_t len,
	    struct ipc_hdr *h, const uint8_t **payload, size_t *need,
	    char *err, size_t errlen);

/*
 * Append one message (header, then the len bytes of p) to out.  Returns
 * 0, or -1 with errno EINVAL (bad type, len > UINT32_MAX) or ENOMEM.
 */
int	ipc_compose(struct proto_buf *out, enum ipc_type type, uint32_t id,
	    const void *p, size_t len);

/*
 * A channel: one end of a socketpair driven by an event_base.  msg is
 * called once per well-formed message (payload valid only during the
 * call; msg may send but must not free the channel).  fail is called
 * once when the channel dies: why is "closed" on EOF, else the reason
 * (malformed message, read or write error); the owner then frees the
 * channel (most processes call fatalx).  Reading stops after fail.
 */
struct event_base;
struct ipc_chan;

typedef void	(*ipc_msg_cb)(struct ipc_chan *c, const struct ipc_hdr *h,
		    const uint8_t *payload, void *arg);
typedef void	(*ipc_fail_cb)(struct ipc_chan *c, const char *why,
		    void *arg);

/*
 * Take over fd (made non-blocking and close-on-exec; closed by
 * ipc_chan_free).  rules is copied.  Returns NULL with err set on
 * failure (fd is then closed too).
 */
struct ipc_chan	*ipc_chan_new(struct event_base *base, int fd,
		    const struct ipc_rules *rules, ipc_msg_cb msg,
		    ipc_fail_cb fail, void *arg, char *err, size_t errlen);
/* Queue one message; -1 (ENOMEM, EINVAL) if it cannot be queued. */
int		 ipc_send(struct ipc_chan *c, enum ipc_type type, uint32_t id,
		    const void *p, size_t len);
/* Bytes queued but not yet written. */
size_t		 ipc_pending(const struct ipc_chan *c);
/* Write everything queued, blocking; for the last words before exit. */
void		 ipc_flush(struct ipc_chan *c);
void		 ipc_chan_free(struct ipc_chan *c);

#endif
