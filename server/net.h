/*
 * net.h - the network process's own header: its state and the seams
 * between its files.  Nothing outside net*.c includes it.
 *
 *   net.c         the process: set-up, the parent's and the runner's
 *                 channels, a result back to its client, reloads
 *   net_accept.c  listeners, the checks at accept (address, the gates of
 *                 server/gate.h), the summary of refusals, the status
 *                 port's connections
 *   net_conn.c    one client connection: authentication after the TLS
 *                 handshake, the protocol state machine, a job to the
 *                 runner, keepalives, refusals, the end
 *   net_offer.c   an offer (version 2, late binding): read, checked,
 *                 to the runner; its pull, its drop
 *   net_reply.c   writes, refusals, the state's timeouts, the checks
 *                 jobs and offers share
 *   net_gss.c     kerberos mode: a token to kauth with its channel
 *                 binding, kauth's verdict checked
 *   net_status.c  the status page's JSON, and what it remembers
 *                 (statlog.h: slots, recent jobs, the last minute)
 *
 * Calls go down that list only (net.c -> net_accept.c -> net_conn.c ->
 * net_offer.c -> net_reply.c, net_gss.c, net_status.c); what net_conn.c reports upward goes through
 * struct net's hooks.  The one struct net lives in net_main() and is passed
 * explicitly.
 */
#ifndef CCPOOL_SERVER_NET_H
#define CCPOOL_SERVER_NET_H

#include <sys/queue.h>
#include <netinet/in.h>
#include <time.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <openssl/ssl.h>

#include "common/ident.h"
#include "common/log.h"
#include "common/proto.h"
#include "common/tls.h"
#include "server/gate.h"
#include "server/httpd.h"
#include "server/server.h"
#include "server/statlog.h"

#define PREAUTH_S	3	/* seconds from accept to the hello */
#define PREAUTH_MAX	128	/* connections before their hello, in all */
#define PREAUTH_ADDR	32	/* ... from one address */
#define STATUS_MAX	32	/* status page connections, in all */
#define STATUS_ADDR	4	/* ... from one address */
#define PRIO_CLIENT	1	/* event priorities, of PRIO_N; 1 is the */
#define PRIO_UNKNOWN	2	/* default (libevent: PRIO_N / 2) */
#define PRIO_N		3
/*
 * PRIO_UNKNOWN callbacks in a row before the loop polls again (so due
 * timers, the clients' KEEPs among them, and PRIO_CLIENT events run):
 * at most this many, or this long.
 */
#define UNKNOWN_BATCH	16
#define UNKNOWN_SLICE_US	5000
#define LOCAL_NETS_MAX	32	/* interface subnets open mode accepts */

/* kerberos mode: HELLO --CCPL--> GSS --GSS_--> GSSWAIT --kauth--> IDLE */
/*
 * offers (version 2): IDLE --OFFR..SIZE--> OFFR --IPC_OFFER--> OFFER
 * --IPC_PULL--> PULLED --JOB_..JEND--> JOB ... --> WAIT; DROP --> IDLE
 */
enum cstate { CS_HELLO, CS_GSS, CS_GSSWAIT, CS_IDLE, CS_JOB, CS_WAIT,
	CS_CLOSING, CS_OFFR, CS_OFFER, CS_PULLED };

#define JOB_TIMEOUT	60	/* seconds without a byte inside a job */
#define IDLE_TIMEOUT	300	/* seconds between jobs */
#define WRITE_TIMEOUT	60	/* seconds for the client to take data */
#define PULL_TIMEOUT	5	/* seconds from a PULL to its job (or DROP) */

struct net;
struct pjob;
struct dconn;
struct sockaddr;

/* A client connection to the jobs port. */
struct conn {
	TAILQ_ENTRY(conn) entry;
	struct net	*n;
	struct bufferevent *bev;
	uint64_t	 num;		/* for logs */
	char		 peer[INET6_ADDRSTRLEN + 8];
	int		 family;
	uint8_t		 addr[16];
	int		 authed;	/* TLS done and the client accepted */
	int		 gated;		/* holds a place in n->pre */
	int		 counted;	/* counts in n->nconns */
	int		 prio_pending;	/* PRIO_CLIENT once a callback of its
					   own runs (conn_written) */
	struct event	*deadline;	/* PREAUTH_S from accept to hello */
	struct tls_peer	 who;
	enum cstate	 state;
	struct proto_job_reader jr;
	struct proto_buf fwd;		/* the current job's frames, raw */
	uint32_t	 jobid;		/* from JOB_ or OFFR, 0 before */
	struct pjob	*pj;		/* while CS_WAIT, and an offer's from
					   CS_OFFER until its job is sent */
	unsigned	 version;	/* the protocol version chosen */
	struct proto_offer_reader orr;	/* CS_OFFR */
	uint32_t	 last_offer;	/* ended without a DROP: one may
					   still come (crossed), ignored */
	struct event	*keep;		/* keepalive timer */
	uint32_t	 gss_key;	/* kerberos: its IPC_GSS_REQ id */
	uint64_t	 gss_until;	/* kerberos: the ticket ends (mono ms) */
};
TAILQ_HEAD(connq, conn);

/* A job handed to the runner; lives until its IPC_RESULT arrives. */
struct pjob {
	TAILQ_ENTRY(pjob) entry;
	uint32_t	 key;
	uint32_t	 jobid;
	uint32_t	 want;
	char		 fp[IDENT_FP_LEN];	/* the client's key */
	struct conn	*conn;		/* NULL once the client went away */
	int		 dcc;		/* a distcc job (server/dcc_conn.c) */
	struct dconn	*dc;		/* its connection; NULL once gone */
};
TAILQ_HEAD(pjobq, pjob);

/* The status page's counters. */
struct counters {
	uint64_t	 connections;
	uint64_t	 jobs_done;	/* results delivered */
	uint64_t	 jobs_failed;	/* of which the compiler failed */
	uint64_t	 refused[PROTO_R_LAST + 1];
	uint64_t	 bytes_in;
	uint64_t	 bytes_out;
};

struct net {
	struct event_base *base;
	struct srvconf	 conf;
	struct proto_limits lim;
	struct proto_dialect dialect;
	struct ipc_chan	*parent;
	struct ipc_chan	*runner;
	struct ipc_chan	*kauth;		/* kerberos mode, else NULL */
	uint32_t	 nextgss;	/* IPC_GSS_REQ ids */
	SSL_CTX		*tls;		/* jobs port */
	SSL_CTX		*tls_status;	/* status port: no client cert */
	enum tls_trust	 trust;

	/* net_accept.c */
	struct event	*lis[4 * SRVCONF_LISTEN_MAX];	/* both ports */
	size_t		 nlis;
	struct event	*resume;	/* accepting again after EMFILE */
	struct log_rate	 rl_accept;	/* accept errors */
	struct httpd	*httpd;
	struct gate	 pre;		/* before the hello (jobs port) */
	struct gate	 st;		/* status page */
	struct event	*refused_ev;	/* the summary of refusals */
	unsigned long	 not_allowed;	/* refused at accept: address */
	unsigned long	 preauth_failed; /* handshake or hello never came */
	unsigned long	 logged_full, logged_evicted;
	char		 last_refused[INET6_ADDRSTRLEN + 8];
	struct srvconf_cidr local[LOCAL_NETS_MAX];	/* open: who may */
	size_t		 nlocal;

	/* net_conn.c */
	struct log_rate	 rl_auth;	/* lines about unknown peers */
	struct connq	 conns;
	unsigned	 nconns;	/* accepted clients, CLOSING too */
	unsigned	 nclosing;
	struct pjobq	 pjobs;
	uint32_t	 nextkey;
	uint64_t	 nextconn;
	struct event	*exit_timer;
	/*
	 * A connection failed before it was authenticated (why: its TLS
	 * handshake or its hello never came): set by net_accept.c, which
	 * counts and logs it.
	 */
	void		(*preauth_failed_hook)(struct net *, const char *peer,
			    const char *why);

	/* net.c, from the parent and the runner */
	struct ipc_tc	 tc[SRV_TC_MAX];
	size_t		 ntc;
	int		 tc_complete;
	struct ipc_load	 load;
	struct counters	 cnt;
	struct statlog	 sl;		/* net_status.c: slots, recent, minute */
	struct event	*sl_tick;
	time_t		 started;
	int		 stopping;
	int		 runner_gone;
};

/* net_accept.c */

/*
 * Listen on the jobs port (and the status port unless it is 0) on every
 * configured address, with the gates and the refusal log set up; fatal
 * if a port gets no socket at all.
 */
void	nacc_start(struct net *n);

/* A listening TCP socket on family/addr/port (what: for the log), or -1. */
int	nacc_listen_on(int family, const uint8_t *addr, unsigned port,
	    const char *what);

/* The address of sa for the access lists, and as text ("a:port"). */
int	nacc_peer_addr(const struct sockaddr *sa, int *family,
	    uint8_t addr[16], char *text, size_t textlen);

/* net_conn.c */

/*
 * A client on fd (peer, family/addr: the accepted address, holding a
 * place in n->pre) begins its TLS handshake.  Returns 0; -1 when out of
 * memory, with fd and the place still the caller's.
 */
int	nconn_new(struct net *n, int fd, int family, const uint8_t *addr,
	    const char *peer);

/* The connection ends; a job of it still with the runner is cancelled. */
void	nconn_free(struct conn *c);

/*
 * kauth's verdict (IPC_GSS_RES, id: the connection's gss_key, p: len
 * bytes, checked here) on a client's GSS-API token: the client is
 * accepted and gets the server's token, or refused with the reason.
 */
void	nconn_gss_result(struct net *n, uint32_t id, const uint8_t *p,
	    size_t len);

/* Write the runner's answer (raw frames) to c, which waits for no job now. */
void	nconn_answer(struct conn *c, const uint8_t *p, size_t len);

/*
 * Once the runner is gone (n->runner_gone) exit as soon as every answer
 * is written, or after a few seconds.
 */
void	nconn_maybe_exit(struct net *n);

/* net_offer.c */

/*
 * A frame of an offer (c in CS_IDLE, version 2, or CS_OFFR): once the
 * offer is whole it is checked as a job would be and goes to the runner
 * (CS_OFFER), or is declined or refused.  A DROP in CS_IDLE is ignored
 * if it crossed the end of c's last offer, else refused.
 */
void	nofr_frame(struct conn *c, const struct proto_frame *f);

/*
 * A frame of c in CS_OFFER or CS_PULLED other than the pulled job's
 * JOB_: DROP of the offer gives it up and is answered with the offer's
 * end, a refusal (CS_IDLE); anything else is refused and the connection
 * closed.
 */
void	nofr_other(struct conn *c, const struct proto_frame *f);

/* The runner holds a slot for offer key (IPC_PULL, len bytes at p). */
void	nofr_pull(struct net *n, uint32_t key, const uint8_t *p, size_t len);

/* net_reply.c */

/* Write len bytes at p to c. */
void	nrep_write(struct conn *c, const void *p, size_t len);

/* c is in state s now, with its read timeout. */
void	nrep_state(struct conn *c, enum cstate s);

/*
 * Refuse jobid with reason and a message: nrep_refuse closes the
 * connection once the refusal is written; nrep_decline keeps it (idle)
 * and gives up a pulled offer's slot (nrep_release).
 */
void	nrep_refuse(struct conn *c, uint32_t jobid, uint32_t reason,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void	nrep_decline(struct conn *c, uint32_t jobid, uint32_t reason,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * c's offer (or pulled offer) is given up: the runner is told
 * (IPC_CANCEL; its answer is dropped) and c holds no job.  No-op
 * without one.
 */
void	nrep_release(struct conn *c);

/* The keepalive timer's callback (arg: the conn), and its stop. */
void	nrep_on_keep(evutil_socket_t fd, short what, void *arg);
void	nrep_keep_stop(struct conn *c);

/*
 * Job or offer jobid of c is for toolchain id: 0 if this server has it;
 * else -1 after declining it: BUSY while the runner's first list of
 * toolchains is not in yet (the client tries again; a server that just
 * started on a busy machine may take seconds to run its compilers),
 * TOOLCHAIN when the list does not have it.
 */
int	nrep_tc_check(struct conn *c, uint32_t jobid, const char *id);

/* Jobs and offers of the client key fp with the runner now. */
unsigned nrep_jobs_of(const struct net *n, const char *fp);

/* net_gss.c */

/*
 * Send the GSS_ frame f of c, with c's channel binding, to kauth (as
 * c->gss_key).  -1 with err set if f is not a token or the binding
 * cannot be had; fatal if kauth cannot be reached.
 */
int	ngss_request(struct conn *c, const struct proto_frame *f, char *err,
	    size_t errlen);

/*
 * kauth's answer p (len bytes) into *r, the server's token into
 * *tok and *toklen; -1 if malformed (strings not terminated, too many
 * groups).
 */
int	ngss_result(const uint8_t *p, size_t len, struct ipc_gss_res *r,
	    const uint8_t **tok, size_t *toklen);

/* net_status.c */

/* httpd's body for GET /status (arg: the struct net); malloc'ed. */
char	*nstat_body(void *arg, const char *path);

/* The page's memory (n->sl) begins, with its one-second sample timer. */
void	nstat_start(struct net *n);

/* The runner's IPC_JOBEV (len bytes at p); fatal if malformed. */
void	nstat_jobev(struct net *n, const uint8_t *p, size_t len);

/* n->load changed: the slots configured and on offer. */
void	nstat_load(struct net *n);

#endif
