/*
 * agent_int.h - the agent's internal types, shared by agent.c (the loop,
 * wrapper connections and jobs), agent_srv.c (host table and server
 * connections) and agent_tc.c (toolchain identification cache).
 *
 * A job (struct ajob) is one wrapper connection: hello, one job request,
 * one answer.  A server (struct ahost) comes from discovery or from
 * CCPOOL_HOSTS and owns its connections (struct sconn); an idle
 * connection waits on its host's list for the next job, so a compile pays
 * no connect and no handshake.
 */
#ifndef CCPOOL_AGENT_INT_H
#define CCPOOL_AGENT_INT_H

#include <sys/socket.h>
#include <sys/types.h>
#include <stdint.h>
#include <time.h>

#include "agent/agent.h"
#include "agent/aplace.h"
#include "agent/place.h"
#include "common/trust.h"
#include "common/ident.h"
#include "common/proto.h"
#include "common/tls.h"
#include "discovery/disc_hosts.h"
#include "common/cpuquota.h"
#include "common/mono.h"

struct event_base;
struct event;
struct bufferevent;
struct disc_browser;

#define AGENT_PINNED_SLOTS	4	/* CCPOOL_HOSTS entry without /N */
#define AGENT_BADTC_MAX		8	/* toolchains a pinned host refused */
#define AGENT_CONNECT_SEC	3	/* TCP connect timeout */
#define AGENT_BROWSE_RETRY	10	/* s between tries to start discovery */
#define AGENT_WARM_MAX		16	/* connections opened ahead of jobs */
#define AGENT_SLOT_WAIT_MS	30000	/* a job waits this long for a slot */
#define AGENT_SLOT_POLL_MS	50	/* how often waiting jobs try again */
#define AGENT_NOTES_MAX		8	/* notices waiting for a wrapper */
#define AGENT_NOTE_LEN		1024	/* a MSG_ frame's most, with NUL */
/*
 * TCP on server connections: unacknowledged data fails the connection
 * after AGENT_TCP_USER_TIMEOUT_MS (a write to a vanished host), and an
 * idle connection is probed after AGENT_TCP_KEEPIDLE s, every
 * AGENT_TCP_KEEPINTVL s, AGENT_TCP_KEEPCNT times.
 */
#define AGENT_TCP_USER_TIMEOUT_MS	1500
#define AGENT_TCP_KEEPIDLE	5
#define AGENT_TCP_KEEPINTVL	2
#define AGENT_TCP_KEEPCNT	2

struct ajob;

/* One connection to a server. */
struct sconn {
	struct sconn		*next;		/* host's idle list */
	struct ahost		*h;
	struct bufferevent	*bev;
	enum { SC_CONNECTING, SC_HELLO, SC_IDLE, SC_JOB } state;
	int			 reused;	/* served a job before */
	int			 got_answer;	/* a frame of this job's answer */
	int			 hello_refused;	/* the server refused us */
	uint32_t		 nextid;
	struct ajob		*job;
	struct proto_buf	 pending;	/* job frames until verified */
	struct proto_result_reader rr;
	struct proto_buf	 ans;		/* raw answer frames, no KEEP */
	uint64_t		 t_hello_us;	/* hello sent (RTT sample) */
};

/* One server. */
struct ahost {
	struct agent		*a;
	char			 name[DISC_NAME_MAX];
	char			 where[DISC_ADDRSTR + 8];	/* "addr:port" */
	struct sockaddr_storage	 ss[DISC_ADDR_MAX];
	socklen_t		 sslen[DISC_ADDR_MAX];
	unsigned		 nss;
	unsigned		 cur;		/* address in use */
	uint16_t		 port;
	int			 pinned;	/* from CCPOOL_HOSTS */
	int			 gone;		/* left the LAN */
	char			 fp[IDENT_FP_LEN];	/* advertised key */
	char			 seen[IDENT_FP_LEN];	/* its last handshake's */
	char			 sec[DISC_SEC_MAX];	/* advertised mode */
	char			 untrusted[512];	/* "": may get jobs */
	int			 asking;	/* waits for `ccpool trust` */
	int			 noted;		/* trust_act + 1 told the user */
	unsigned		 slots, free_slots, queue;
	unsigned		 cpus, load;	/* advertised */
	double			 srtt_ms;	/* smoothed RTT; 0: unmeasured */
	struct aplace_speeds	 spd;		/* learned, per toolchain */
	/*
	 * The connection died (timeout, reset, refused): no job goes there
	 * until a probe (a warm-up connection's hello) has come back.
	 */
	int			 needprobe;
	struct event		*probe_ev;
	unsigned		 ntc;
	char			 tc[DISC_TC_MAX][DISC_TC_LEN];
	unsigned		 nbadtc;
	char			 badtc[AGENT_BADTC_MAX][PROTO_TCID_MAX + 1];
	unsigned		 inflight;	/* our jobs there */
	unsigned		 freed;		/* of ours ended since the advert */
	struct place_backoff	 bo;
	struct sconn		*idle;
	unsigned		 nconn;
	unsigned long		 ndone, nfail;
	char			 lasterr[160];
};

/* One wrapper connection and its job. */
struct ajob {
	struct ajob		*next;
	struct agent		*a;
	struct bufferevent	*bev;
	/* AJ_LOCAL: placed here; the wrapper's compiler holds the socket
	 * open until it exits */
	enum { AJ_HELLO, AJ_HELD, AJ_JOB, AJ_RUN, AJ_LOCAL, AJ_CLOSING,
	    AJ_DEAD }		 state;
	int			 query;		/* CCPL 0: --hosts, -j */
	struct proto_job_reader	 jr;
	struct proto_job	 job;
	struct proto_buf	 fwd;		/* LANG .. ZDTI frames as sent */
	struct proto_buf	 fbuf;		/* the frame being handled */
	char			 tcid[PROTO_TCID_MAX + 1];
	unsigned		 ntried;
	struct ahost		*tried[AGENT_MAX_TRIES];
	int			 stale_retry;	/* a reused conn died: once */
	struct sconn		*sc;
	uint64_t		 t0;		/* ms, job received */
	uint64_t		 t_sent;	/* ms, sent to its current server */
	uint64_t		 in_bytes;	/* preprocessed source */
	double			 stretch;	/* contention placement assumed */
	uint64_t		 wait_until;	/* ms: waiting for a slot; 0: no */
	uint64_t		 wait_round;	/* last on_wait round that tried */
};

struct agent {
	struct event_base	*base;
	struct event		*listen_ev;
	struct event		*idle_ev;
	struct event		*cold_ev;
	struct event		*sig_ev[2];
	int			 lfd;
	char			 sockpath[256];
	struct disc_browser	*browser;
	struct event		*browse_ev;	/* retries disc_browser_new */
	int			 pinned;	/* CCPOOL_HOSTS in use */
	struct ahost		**hosts;
	size_t			 nhosts, caphosts;
	struct ajob		*jobs;
	unsigned		 njobs;
	uint64_t		 start_ms;
	int			 warm;		/* cold start over */
	unsigned		 idle_sec;
	struct proto_dialect	 dialect;
	struct proto_limits	 lim;
	struct agent_tc		*tc;
	struct event		*wait_ev;	/* jobs waiting for a slot */
	SSL_CTX			*tls;
	enum tls_trust		 trust;
	char			 myfp[IDENT_FP_LEN];
	char			 pins[512];	/* known_servers file */
	struct trust_policy	 tp;		/* CCPOOL_TRUST, the first set */
	struct timespec		 pins_mtime;	/* the file as last judged by */
	off_t			 pins_size;
	ino_t			 pins_ino;
	/* for the user's terminal: each goes with the next hello's answer */
	char			 notes[AGENT_NOTES_MAX][AGENT_NOTE_LEN];
	unsigned		 nnotes, notes_lost;
	struct aplace_cpu	 cpu;		/* local idle cores */
	struct cpuquota		 quota;		/* ... under this quota */
	int			 have_quota;
	struct aplace_speeds	 local_spd;	/* local compile speed */
	struct place_ctx	 px;		/* placement's random state... */
	int			 local_ok;	/* CCPOOL_LOCAL_FIRST not 0 */
	/* the last job's toolchain and (averaged) size: what a hello is
	 * placed as, before its preprocessing (ajob_hello) */
	char			 last_tcid[PROTO_TCID_MAX + 1];
	uint64_t		 last_in_bytes;
};


/* agent.c: a host changed (came, got free slots): held jobs may go. */
void		 agent_hosts_changed(struct agent *a);
/*
 * agent.c: a line (printable) the user must see on the terminal: the
 * next wrapper that says hello prints it on its stderr.  At most
 * AGENT_NOTES_MAX wait; more are counted and pointed to the log.
 */
void		 agent_notice(struct agent *a, const char *text);
/* agent.c: the server answered job j (res raw frames in sc->ans). */
void		 agent_job_answered(struct ajob *j, struct sconn *sc);
/*
 * agent.c: job j failed on server h (its connection is gone or back
 * idle); fault says what to do next; why (printable) for the log and,
 * under CCPOOL_VERBOSE, the user.
 */
enum {
	AGENT_F_HOST,	/* the server's fault: back off, try another */
	AGENT_F_STALE,	/* a reused connection had died: same server again */
	AGENT_F_TC,	/* the server lacks the toolchain: try another */
	AGENT_F_JOB	/* the job itself was refused: compile locally */
};
void		 agent_job_failed(struct ajob *j, struct ahost *h, int fault,
		    const char *why);

/* agent_srv.c */
int		 srv_start(struct agent *a, char *err, size_t errlen);
void		 srv_stop(struct agent *a);
/*
 * Judge every server again if known_servers changed since it was last
 * read (`ccpool trust`, `ccpool forget` while the agent runs); called at
 * each wrapper's hello, so one stat() per job.
 */
void		 srv_pins_check(struct agent *a);
int		 srv_any_usable(struct agent *a);
/*
 * Is there a server that could take a job of toolchain tcid (NULL: of
 * any), once one of its slots is free (up, trusted, with the toolchain)?
 */
int		 srv_any_for(struct agent *a, const char *tcid);
/*
 * "" or " (untrusted: NAME: why[, and N more])" for a message saying why
 * a job stays local, so CCPOOL_VERBOSE shows rogue or changed servers.
 * Writes to buf (len bytes) and returns it.
 */
const char	*srv_untrusted_note(struct agent *a, char *buf, size_t len);
/*
 * Where job j goes: a server, or NULL with *local set (here would finish
 * first) or clear (no server with a free slot).
 */
struct ahost	*srv_pick(struct agent *a, struct ajob *j, int *local);
int		 srv_send(struct ahost *h, struct ajob *j, char *err,
		    size_t errlen);
void		 srv_cancel(struct sconn *sc);
void		 srv_release(struct sconn *sc);
int		 srv_has_tc(const struct ahost *h, const char *tcid);
void		 srv_bad_tc(struct ahost *h, const char *tcid);

/* agent_tc.c: toolchain id of the compiler at path, cached. */
struct agent_tc;
struct agent_tc	*agent_tc_new(void);
void		 agent_tc_free(struct agent_tc *c);
int		 agent_tc_lookup(struct agent_tc *c, const char *path,
		    char *tcid, size_t tcidlen, char *err, size_t errlen);

#endif
