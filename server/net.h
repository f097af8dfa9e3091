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
 *   net_status.c  the status page's JSON
 *
 * Calls go down that list only (net.c -> net_accept.c -> net_conn.c,
 * net_status.c); what net_conn.c reports upward goes through struct
 * net's hooks.  The one struct net lives in net_main() and is passed
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

#define PREAUTH_S	3	/* seconds from accept to the hello */
#define PREAUTH_MAX	128	/* connections before their hello, in all */
#define PREAUTH_ADDR	32	/* ... from one address */
#define STATUS_MAX	32	/* status page connections, in all */
#define STATUS_ADDR	4	/* ... from one address */
#define PRIO_CLIENT	1	/* event priorities, of PRIO_N; 1 is the */
#define PRIO_UNKNOWN	2	/* default (libevent: PRIO_N / 2) */
#define PRIO_N		3
#define LOCAL_NETS_MAX	32	/* interface subnets open mode accepts */

enum cstate { CS_HELLO, CS_IDLE, CS_JOB, CS_WAIT, CS_CLOSING };

struct net;
struct pjob;

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
	struct event	*deadline;	/* PREAUTH_S from accept to hello */
	struct tls_peer	 who;
	enum cstate	 state;
	struct proto_job_reader jr;
	struct proto_buf fwd;		/* the current job's frames, raw */
	uint32_t	 jobid;		/* from JOB_, 0 before */
	struct pjob	*pj;		/* while CS_WAIT */
	struct event	*keep;		/* keepalive timer */
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

/* Write the runner's answer (raw frames) to c, which waits for no job now. */
void	nconn_answer(struct conn *c, const uint8_t *p, size_t len);

/*
 * Once the runner is gone (n->runner_gone) exit as soon as every answer
 * is written, or after a few seconds.
 */
void	nconn_maybe_exit(struct net *n);

/* net_status.c */

/* httpd's body for GET /status (arg: the struct net); malloc'ed. */
char	*nstat_body(void *arg, const char *path);

#endif
