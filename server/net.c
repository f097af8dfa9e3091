/*
 * net.c - ccpoold's network process: the only one that reads bytes from
 * clients.
 *
 * Accepts TCP connections (port 3633, IPv4 and IPv6).  At accept, before
 * any byte is read, an address that may not use the server is closed and
 * the others get one of a few places for connections that have not proved
 * who they are yet (server/gate.h): PREAUTH_S seconds for the TLS 1.3
 * handshake (common/tls.h) and the hello.  Then auth_conn() decides on the
 * client's certificate and the site policy (every decision is logged with
 * the identity, rate-limited while the peer is unknown); only accepted
 * clients count toward max_conns.  One strict state machine per
 * connection over the frames of common/proto.h:
 *
 *   HELLO --CCPL--> IDLE --JOB_..JEND--> (checks) --IPC_JOB--> WAIT
 *   WAIT --IPC_RESULT (forwarded as is)--> IDLE
 *
 * Anything else ends the connection, with a refusal whenever one can be
 * sent (CLOSING: the refusal is flushed, then the socket closed).  While a
 * job waits or compiles the client gets a KEEP at once and then every
 * PROTO_KEEPALIVE_MS, so it notices a vanished server within a second.
 * If the client goes away mid-job, the runner is told to kill it
 * (IPC_CANCEL).  Also serves the HTTP status page (GET /status, JSON,
 * server/httpd.h) behind its own gate.  Events have three priorities:
 * accepted clients and the other processes' channels (PRIO_CLIENT) come
 * before listeners and unknown peers (PRIO_UNKNOWN), and a listener takes
 * at most ACCEPT_BATCH connections a turn, so a flood of connections
 * delays no job.  Running out of descriptors pauses accepting for
 * ACCEPT_PAUSE_MS instead of spinning.
 * Start reading at on_listen(), conn_read() and conn_frame().
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/err.h>
#include <json-c/json.h>
#include <zstd.h>

#include "client/args.h"
#include "common/ident.h"
#include "common/log.h"
#include "common/tls.h"
#include "server/gate.h"
#include "server/httpd.h"
#include "server/server.h"

#define PREAUTH_S	3	/* seconds from accept to the hello */
#define PREAUTH_MAX	128	/* connections before their hello, in all */
#define PREAUTH_ADDR	32	/* ... from one address */
#define STATUS_MAX	32	/* status page connections, in all */
#define STATUS_ADDR	4	/* ... from one address */
/* What a flood can hold beyond max_conns fits in SRV_NET_FDS (server.h). */
_Static_assert(PREAUTH_MAX + STATUS_MAX + 64 <= SRV_NET_FDS(0),
    "descriptors beyond max_conns");
#define ACCEPT_BATCH	32	/* accepts per listener per loop turn */
#define PRIO_CLIENT	1	/* event priorities, of PRIO_N; 1 is the */
#define PRIO_UNKNOWN	2	/* default (libevent: PRIO_N / 2) */
#define PRIO_N		3
#define ACCEPT_PAUSE_MS	250	/* no accept after EMFILE, ENFILE ... */
#define REFUSED_LOG_S	10	/* one summary of refusals at accept */
#define JOB_TIMEOUT	60	/* seconds without a byte inside a job */
#define IDLE_TIMEOUT	300	/* seconds between jobs */
#define WRITE_TIMEOUT	60	/* seconds for the client to take data */
#define EXIT_WAIT	5	/* seconds to flush answers at shutdown */
#define LOCAL_NETS_MAX	32	/* interface subnets open mode accepts */

enum cstate { CS_HELLO, CS_IDLE, CS_JOB, CS_WAIT, CS_CLOSING };

struct pjob;

struct conn {
	TAILQ_ENTRY(conn) entry;
	struct bufferevent *bev;
	uint64_t	 num;		/* for logs */
	char		 peer[INET6_ADDRSTRLEN + 8];
	int		 family;
	uint8_t		 addr[16];
	int		 authed;	/* TLS done and the client accepted */
	int		 gated;		/* holds a place in N.pre */
	int		 counted;	/* counts in N.nconns */
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

struct counters {
	uint64_t	 connections;
	uint64_t	 jobs_done;	/* results delivered */
	uint64_t	 jobs_failed;	/* of which the compiler failed */
	uint64_t	 refused[PROTO_R_LAST + 1];
	uint64_t	 bytes_in;
	uint64_t	 bytes_out;
};

static struct net {
	struct event_base *base;
	struct srvconf	 conf;
	struct proto_limits lim;
	struct proto_dialect dialect;
	struct ipc_chan	*parent;
	struct ipc_chan	*runner;
	struct event	*lis[4 * SRVCONF_LISTEN_MAX];	/* both ports */
	size_t		 nlis;
	struct event	*resume;	/* accepting again after EMFILE */
	struct httpd	*httpd;
	struct gate	 pre;		/* before the hello (jobs port) */
	struct gate	 st;		/* status page */
	struct event	*refused_ev;	/* the summary of refusals at accept */
	unsigned long	 not_allowed;	/* refused at accept: address */
	unsigned long	 preauth_failed; /* handshake or hello never came */
	unsigned long	 logged_full, logged_evicted;
	char		 last_refused[INET6_ADDRSTRLEN + 8];
	struct log_rate	 rl_auth;	/* lines about unknown peers */
	SSL_CTX		*tls;		/* jobs port */
	SSL_CTX		*tls_status;	/* status port: no client cert */
	enum tls_trust	 trust;
	struct srvconf_cidr local[LOCAL_NETS_MAX];	/* open: who may */
	size_t		 nlocal;
	struct connq	 conns;
	unsigned	 nconns;	/* accepted clients, CLOSING too */
	unsigned	 nclosing;
	struct pjobq	 pjobs;
	uint32_t	 nextkey;
	uint64_t	 nextconn;
	struct ipc_tc	 tc[SRV_TC_MAX];
	size_t		 ntc;
	int		 tc_complete;
	struct ipc_load	 load;
	struct counters	 cnt;
	time_t		 started;
	int		 stopping;
	int		 runner_gone;
	struct event	*exit_timer;
} N;

static void	conn_free(struct conn *);
static void	conn_refuse(struct conn *, uint32_t, uint32_t, const char *,
		    ...) __attribute__((format(printf, 4, 5)));
static void	conn_decline(struct conn *, uint32_t, uint32_t, const char *,
		    ...) __attribute__((format(printf, 4, 5)));
static void	refuse(struct conn *, int, uint32_t, uint32_t, const char *,
		    va_list) __attribute__((format(printf, 5, 0)));
static void	conn_set_state(struct conn *, enum cstate);
static void	auth_conn(struct conn *);
static int	addr_allowed(int, const uint8_t *);
static void	maybe_exit(void);
static void	note_refused(const char *, const char *);

/* Connections. */

static void
conn_write(struct conn *c, const void *p, size_t len)
{
	if (bufferevent_write(c->bev, p, len) == -1)
		fatalx("bufferevent_write: out of memory");
	N.cnt.bytes_out += len;
}

static void
conn_set_state(struct conn *c, enum cstate s)
{
	struct timeval	 rt = { 0, 0 }, wt = { WRITE_TIMEOUT, 0 };

	c->state = s;
	if (s == CS_IDLE)
		c->jobid = 0;
	switch (s) {
	case CS_IDLE:
		rt.tv_sec = IDLE_TIMEOUT;
		break;
	case CS_JOB:
		rt.tv_sec = JOB_TIMEOUT;
		break;
	case CS_HELLO:		/* c->deadline */
	case CS_WAIT:
	case CS_CLOSING:
		break;
	}
	bufferevent_set_timeouts(c->bev, rt.tv_sec ? &rt : NULL, &wt);
}

/*
 * Send a refusal for jobid.  conn_refuse then closes the connection once
 * the refusal is written (the stream can no longer be trusted);
 * conn_decline keeps it for the next job (a well-formed job that this
 * server will not run).
 */
static void
refuse(struct conn *c, int close_after, uint32_t jobid, uint32_t reason,
    const char *fmt, va_list ap)
{
	struct proto_buf b;
	char		 msg[600], err[256];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (reason <= PROTO_R_LAST)
		N.cnt.refused[reason]++;
	if (c->state != CS_HELLO || log_rate(&N.rl_auth, "refusals before "
	    "the hello"))
		log_info("%s: refused job %u (%s): %s", c->peer, jobid,
		    proto_reason_name(reason), msg);
	proto_buf_init(&b);
	if (proto_refusal_encode(jobid, reason, msg, &N.lim, &b, err,
	    sizeof(err)) == -1)
		fatalx("cannot encode a refusal: %s", err);
	conn_write(c, b.data, b.len);
	proto_buf_free(&b);
	if (!close_after) {
		conn_set_state(c, CS_IDLE);
		return;
	}
	if (c->state != CS_CLOSING) {
		/* still counted (nconns or a gate place) until it is freed */
		N.nclosing++;
		conn_set_state(c, CS_CLOSING);
	}
	bufferevent_disable(c->bev, EV_READ);
}

static void
conn_refuse(struct conn *c, uint32_t jobid, uint32_t reason, const char *fmt,
    ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	refuse(c, 1, jobid, reason, fmt, ap);
	va_end(ap);
}

static void
conn_decline(struct conn *c, uint32_t jobid, uint32_t reason,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	refuse(c, 0, jobid, reason, fmt, ap);
	va_end(ap);
}

static void
keep_stop(struct conn *c)
{
	if (c->keep != NULL)
		evtimer_del(c->keep);
}

/*
 * The connection ends.  A job still with the runner is cancelled; its
 * answer (there is always one) is then dropped.
 */
static void
conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	if (c->pj != NULL) {
		c->pj->conn = NULL;
		if (ipc_send(N.runner, IPC_CANCEL, c->pj->key, NULL, 0) == -1)
			fatal("ipc_send");
		log_info("%s: went away during job %u, compile cancelled",
		    c->peer, c->jobid);
	}
	if (c->state == CS_CLOSING)
		N.nclosing--;
	if (c->counted)
		N.nconns--;
	if (c->gated)
		gate_leave(&N.pre, c->family, c->addr);
	TAILQ_REMOVE(&N.conns, c, entry);
	if (c->keep != NULL)
		event_free(c->keep);
	if (c->deadline != NULL)
		event_free(c->deadline);
	proto_job_reader_free(&c->jr);
	proto_buf_free(&c->fwd);
	bufferevent_free(c->bev);
	free(c);
	maybe_exit();
}

static void
on_keep(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;
	struct proto_buf b;

	(void)fd;
	(void)what;
	proto_buf_init(&b);
	if (proto_keepalive_encode(&b) == -1)
		fatalx("out of memory");
	conn_write(c, b.data, b.len);
	proto_buf_free(&b);
}

static int
tc_known(const char *id)
{
	size_t	 i;

	for (i = 0; i < N.ntc; i++)
		if (strcmp(N.tc[i].id, id) == 0)
			return 1;
	return 0;
}

static int
has_mode(const struct proto_job *j)
{
	uint32_t i;

	for (i = 1; i < j->argc; i++)
		if (strcmp(j->argv[i], "-c") == 0 ||
		    strcmp(j->argv[i], "-S") == 0)
			return 1;
	return 0;
}

/* Jobs of the client key fp with the runner now. */
static unsigned
jobs_of(const char *fp)
{
	struct pjob	*pj;
	unsigned	 n = 0;

	TAILQ_FOREACH(pj, &N.pjobs, entry)
		n += pj->conn != NULL && strcmp(pj->fp, fp) == 0;
	return n;
}

/* A whole job arrived: check it and hand it to the runner. */
static void
job_complete(struct conn *c)
{
	struct proto_job job;
	struct pjob	*pj;
	struct timeval	 tv = { 0, (suseconds_t)PROTO_KEEPALIVE_MS * 1000 };
	char		 why[256];

	proto_job_init(&job);
	proto_job_reader_take(&c->jr, &job);
	proto_job_reader_init(&c->jr, &N.lim);
	if (N.stopping) {
		conn_refuse(c, job.id, PROTO_R_SHUTDOWN, "the server is "
		    "stopping");
		goto done;
	}
	if (!tc_known(job.tcid)) {
		conn_decline(c, job.id, PROTO_R_TOOLCHAIN, "this server has no "
		    "toolchain %s (its %zu toolchains are on its status page)",
		    job.tcid, N.ntc);
		goto done;
	}
	if (!has_mode(&job)) {
		conn_decline(c, job.id, PROTO_R_NOTCOMPILE, "no -c or -S: "
		    "not a single compile");
		goto done;
	}
	if (args_cc_check((int)job.argc, job.argv, why, sizeof(why)) == -1) {
		conn_decline(c, job.id, PROTO_R_POLICY, "compile options "
		    "refused: %s", why);
		goto done;
	}
	if (N.conf.user_max_jobs > 0 &&
	    jobs_of(c->who.fp) >= N.conf.user_max_jobs) {
		log_escape(why, sizeof(why), c->who.name, strlen(c->who.name));
		log_info("%s: job %u of %s (%s) declined: over user_max_jobs "
		    "(%u)", c->peer, job.id, why, c->who.fp,
		    N.conf.user_max_jobs);
		conn_decline(c, job.id, PROTO_R_BUSY, "%s already has %u jobs "
		    "on this server, its limit (user_max_jobs)", why,
		    N.conf.user_max_jobs);
		goto done;
	}
	if ((pj = calloc(1, sizeof(*pj))) == NULL)
		fatal("calloc");
	memcpy(pj->fp, c->who.fp, sizeof(pj->fp));
	do
		pj->key = ++N.nextkey;
	while (pj->key == 0);
	pj->jobid = job.id;
	pj->want = job.want;
	pj->conn = c;
	TAILQ_INSERT_TAIL(&N.pjobs, pj, entry);
	c->pj = pj;
	if (ipc_send(N.runner, IPC_JOB, pj->key, c->fwd.data, c->fwd.len) ==
	    -1)
		fatal("ipc_send");
	log_debug("%s: job %u (key %u, %s, %zu bytes of source) to the "
	    "runner", c->peer, job.id, pj->key, job.tcid, job.src.len);
	conn_set_state(c, CS_WAIT);
	if (c->keep == NULL &&
	    (c->keep = event_new(N.base, -1, EV_PERSIST, on_keep, c)) == NULL)
		fatalx("event_new");
	evtimer_add(c->keep, &tv);
	on_keep(-1, 0, c);	/* "arrived": the client's timer starts over */
done:
	proto_buf_free(&c->fwd);
	proto_job_free(&job);
}

/*
 * Size checks that deserve TOOLARGE rather than PROTO, made from the
 * header before the payload is waited for (f: header parsed, no payload
 * yet) and from the zstd frame header once it is here.  Returns 0, or -1
 * after refusing.
 */
static int
check_size(struct conn *c, const struct proto_frame *f)
{
	unsigned long long n;

	if (memcmp(f->tok, "ZDTI", 4) != 0)
		return 0;
	if (f->value > N.lim.max_input_z) {
		conn_refuse(c, c->jobid, PROTO_R_TOOLARGE, "compressed source "
		    "of %u bytes is over this server's limit of %zu",
		    (unsigned)f->value, N.lim.max_input_z);
		return -1;
	}
	if (f->data == NULL)
		return 0;
	n = ZSTD_getFrameContentSize(f->data, f->len);
	if (n != ZSTD_CONTENTSIZE_UNKNOWN && n != ZSTD_CONTENTSIZE_ERROR &&
	    n > N.lim.max_input) {
		conn_refuse(c, c->jobid, PROTO_R_TOOLARGE, "source of %llu "
		    "bytes is over this server's max_input_mb (%u)", n,
		    N.conf.max_input_mb);
		return -1;
	}
	return 0;
}

/* One complete frame (raw: its bytes on the wire). */
static void
conn_frame(struct conn *c, const struct proto_frame *f)
{
	struct proto_buf b;
	uint32_t	 v, u;
	char		 err[256];
	int		 rc;

	switch (c->state) {
	case CS_HELLO:
		if (proto_hello_decode(f, &v, err, sizeof(err)) == -1) {
			conn_refuse(c, 0, PROTO_R_PROTO, "expected a hello "
			    "(CCPL): %s", err);
			return;
		}
		if (N.stopping) {
			conn_refuse(c, 0, PROTO_R_SHUTDOWN, "the server is "
			    "stopping");
			return;
		}
		if (proto_hello_choose(v, PROTO_VERSION_MIN, PROTO_VERSION, &u,
		    err, sizeof(err)) == -1) {
			conn_refuse(c, 0, PROTO_R_PROTO, "%s", err);
			return;
		}
		proto_buf_init(&b);
		if (proto_hello_encode(&b, u) == -1)
			fatalx("out of memory");
		conn_write(c, b.data, b.len);
		proto_buf_free(&b);
		evtimer_del(c->deadline);
		conn_set_state(c, CS_IDLE);
		return;
	case CS_IDLE:
		c->jobid = 0;
		if (memcmp(f->tok, "JOB_", 4) == 0)
			c->jobid = f->value;
		conn_set_state(c, CS_JOB);
		/* FALLTHROUGH */
	case CS_JOB:
		if (check_size(c, f) == -1)
			return;
		rc = proto_job_feed(&c->jr, f, err, sizeof(err));
		if (rc == -1) {
			conn_refuse(c, c->jobid, PROTO_R_PROTO, "bad job: %s",
			    err);
			return;
		}
		if (rc == PROTO_DONE)
			job_complete(c);
		return;
	case CS_WAIT:
	case CS_CLOSING:
		break;
	}
	fatalx("conn_frame in state %d", c->state);
}

static void
conn_read(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct proto_frame f;
	const uint8_t	*p;
	size_t		 avail, n;
	ssize_t		 r;
	char		 err[256];

	if (!c->authed)
		return;		/* auth_conn() calls us once it has decided */
	while (c->state != CS_CLOSING &&
	    (avail = evbuffer_get_length(in)) > 0) {
		if (c->state == CS_WAIT) {
			/* Version 1 has no pipelining. */
			conn_refuse(c, c->jobid, PROTO_R_PROTO, "data while "
			    "job %u runs (pipelining is not part of "
			    "protocol 1)", c->jobid);
			return;
		}
		n = avail < PROTO_HDRLEN ? avail : PROTO_HDRLEN;
		p = evbuffer_pullup(in, (ssize_t)n);
		r = proto_frame_parse(&N.dialect, p, n, &f, err, sizeof(err));
		if (r == -1) {
			conn_refuse(c, c->jobid, PROTO_R_PROTO, "%s", err);
			return;
		}
		if (n < PROTO_HDRLEN) {
			bufferevent_setwatermark(bev, EV_READ, PROTO_HDRLEN, 0);
			return;
		}
		if (c->state != CS_HELLO && check_size(c, &f) == -1)
			return;
		if (avail < f.need) {
			bufferevent_setwatermark(bev, EV_READ, f.need, 0);
			return;
		}
		if ((p = evbuffer_pullup(in, (ssize_t)f.need)) == NULL)
			fatalx("evbuffer_pullup: out of memory");
		r = proto_frame_parse(&N.dialect, p, f.need, &f, err,
		    sizeof(err));
		if (r <= 0)
			fatalx("frame parse changed its mind");
		if (c->state == CS_IDLE || c->state == CS_JOB) {
			struct ipc_job	 ij;

			/*
			 * Keep the raw frames (the runner decodes them again)
			 * after who sent them (struct ipc_job).
			 */
			memset(&ij, 0, sizeof(ij));
			memcpy(ij.client, c->who.fp, sizeof(ij.client));
			if ((c->state == CS_IDLE && proto_buf_append(&c->fwd,
			    &ij, sizeof(ij)) == -1) ||
			    proto_buf_append(&c->fwd, p, f.need) == -1)
				fatalx("out of memory");
		}
		conn_frame(c, &f);
		evbuffer_drain(in, f.need);
		N.cnt.bytes_in += f.need;
		bufferevent_setwatermark(bev, EV_READ, PROTO_HDRLEN, 0);
	}
}

static void
conn_written(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;

	(void)bev;
	if (c->state == CS_CLOSING)
		conn_free(c);
	else
		maybe_exit();
}

static void
conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn	*c = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		if (c->state == CS_HELLO)
			auth_conn(c);
		return;
	}
	if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_READING)) {
		switch (c->state) {
		case CS_JOB:
			conn_refuse(c, c->jobid, PROTO_R_PROTO, "job "
			    "incomplete after %d s without data", JOB_TIMEOUT);
			return;
		default:
			log_debug("%s: idle, closed", c->peer);
			break;
		}
	} else if (what & BEV_EVENT_EOF) {
		if (c->state == CS_JOB)
			log_info("%s: connection closed in the middle of job "
			    "%u", c->peer, c->jobid);
		else
			log_debug("%s: closed", c->peer);
	} else if (what & BEV_EVENT_ERROR) {
		unsigned long e = bufferevent_get_openssl_error(bev);

		if (!c->authed) {
			N.preauth_failed++;
			note_refused(c->peer, "TLS handshake failed");
			log_debug("%s: TLS handshake: %s", c->peer, e != 0 &&
			    ERR_reason_error_string(e) != NULL ?
			    ERR_reason_error_string(e) : "failed");
		} else if (e != 0)
			log_info("%s: TLS: %s", c->peer,
			    ERR_reason_error_string(e) != NULL ?
			    ERR_reason_error_string(e) : "error");
		else
			log_debug("%s: %s", c->peer,
			    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	}
	else if (what & BEV_EVENT_TIMEOUT)
		log_info("%s: not reading its answer, closed", c->peer);
	conn_free(c);
}

/* Address bytes of sa for the access list. */
static int
peer_addr(const struct sockaddr *sa, int *family, uint8_t addr[16],
    char *text, size_t textlen)
{
	char	 a[INET6_ADDRSTRLEN];

	memset(addr, 0, 16);
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;

		*family = AF_INET;
		memcpy(addr, &s4->sin_addr, 4);
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(text, textlen, "%s:%u", a, ntohs(s4->sin_port));
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		*family = AF_INET6;
		memcpy(addr, &s6->sin6_addr, 16);
		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(text, textlen, "[%s]:%u", a, ntohs(s6->sin6_port));
		return 0;
	}
	return -1;
}

/* Forget what was refused so far: it is logged. */
static void
refused_reset(void)
{
	N.not_allowed = N.preauth_failed = 0;
	N.logged_full = N.pre.full_addr + N.st.full_addr;
	N.logged_evicted = N.pre.evicted + N.st.evicted;
	N.last_refused[0] = '\0';
}

/*
 * What was refused at accept or before the hello, at most one line per
 * REFUSED_LOG_S: a flood of connections must not become a flood of log
 * lines.  A quiet window ends the summaries; the next refusal is logged
 * at once again (note_refused).
 */
static void
on_refused_log(evutil_socket_t fd, short what, void *arg)
{
	struct timeval	 tv = { REFUSED_LOG_S, 0 };
	unsigned long	 full, evicted;

	(void)fd;
	(void)what;
	(void)arg;
	full = N.pre.full_addr + N.st.full_addr - N.logged_full;
	evicted = N.pre.evicted + N.st.evicted - N.logged_evicted;
	if (N.not_allowed == 0 && N.preauth_failed == 0 && full == 0 &&
	    evicted == 0)
		return;
	log_info("in the last %d s: %lu connections from addresses that may "
	    "not use the server (last %s), %lu over the places for "
	    "unauthenticated ones (%u, %u per address; status %u, %u), %lu "
	    "dropped for newcomers, %lu without a hello within %d s",
	    REFUSED_LOG_S, N.not_allowed, N.last_refused[0] != '\0' ?
	    N.last_refused : "none", full, PREAUTH_MAX, PREAUTH_ADDR,
	    STATUS_MAX, STATUS_ADDR, evicted, N.preauth_failed, PREAUTH_S);
	refused_reset();
	evtimer_add(N.refused_ev, &tv);
}

/*
 * A connection was refused or dropped (the caller counted it): the
 * first after a quiet window is logged at once, with peer and why, the
 * rest go into on_refused_log's summary.
 */
static void
note_refused(const char *peer, const char *why)
{
	struct timeval	 tv = { REFUSED_LOG_S, 0 };

	if (evtimer_pending(N.refused_ev, NULL))
		return;
	log_info("%s: %s (more such are summed up every %d s)", peer, why,
	    REFUSED_LOG_S);
	refused_reset();
	evtimer_add(N.refused_ev, &tv);
}

/* The handshake and the hello did not come within PREAUTH_S. */
static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;

	(void)fd;
	(void)what;
	if (c->state != CS_HELLO)
		return;
	N.preauth_failed++;
	note_refused(c->peer, c->authed ? "no hello in time" :
	    "no TLS handshake in time");
	if (!c->authed) {
		log_debug("%s: no TLS handshake within %d s", c->peer,
		    PREAUTH_S);
		conn_free(c);
		return;
	}
	conn_refuse(c, 0, PROTO_R_PROTO, "no hello within %d s", PREAUTH_S);
}

/* Close the oldest connection of victim still before its hello. */
static void
drop_oldest_preauth(const struct gate_addr *v)
{
	struct conn	*c;

	TAILQ_FOREACH(c, &N.conns, entry)
		if (c->gated && c->family == v->family &&
		    memcmp(c->addr, v->addr, sizeof(c->addr)) == 0) {
			log_debug("%s: dropped before its hello for a "
			    "newcomer", c->peer);
			conn_free(c);
			return;
		}
}

/*
 * The checks made at accept, before any byte is read: the address, then
 * a place in gate g.  Returns 0 with family, addr and peer set, or -1
 * with fd closed.
 */
static int
admit(evutil_socket_t fd, const struct sockaddr *sa, struct gate *g,
    int *family, uint8_t addr[16], char *peer, size_t peerlen)
{
	struct gate_addr victim;

	if (peer_addr(sa, family, addr, peer, peerlen) == -1) {
		evutil_closesocket(fd);
		return -1;
	}
	if (!addr_allowed(*family, addr)) {
		N.not_allowed++;
		snprintf(N.last_refused, sizeof(N.last_refused), "%s", peer);
		*strrchr(N.last_refused, ':') = '\0';	/* no port */
		note_refused(peer, "refused: this address may not use the "
		    "server (allow list)");
		evutil_closesocket(fd);
		return -1;
	}
	switch (gate_enter(g, *family, addr, &victim)) {
	case GATE_REFUSE:
		note_refused(peer, "refused: no place for another "
		    "connection before its hello");
		evutil_closesocket(fd);
		return -1;
	case GATE_EVICT:
		note_refused(peer, "took the place of the oldest connection "
		    "before its hello of the address that holds the most");
		if (g == &N.pre)
			drop_oldest_preauth(&victim);
		else
			httpd_drop_oldest(N.httpd, victim.family, victim.addr);
		break;
	case GATE_ADMIT:
		break;
	}
	return 0;
}

/* A new connection to the jobs port. */
static void
job_accepted(int fd, const struct sockaddr *sa)
{
	struct conn	*c;
	SSL		*ssl = NULL;
	struct timeval	 tv = { PREAUTH_S, 0 };

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("calloc");
		evutil_closesocket(fd);
		return;
	}
	if (admit(fd, sa, &N.pre, &c->family, c->addr, c->peer,
	    sizeof(c->peer)) == -1) {
		free(c);
		return;
	}
	if ((c->deadline = evtimer_new(N.base, on_deadline, c)) == NULL ||
	    (ssl = SSL_new(N.tls)) == NULL ||
	    (c->bev = bufferevent_openssl_socket_new(N.base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		gate_leave(&N.pre, c->family, c->addr);
		if (c->deadline != NULL)
			event_free(c->deadline);
		SSL_free(ssl);
		free(c);
		evutil_closesocket(fd);
		return;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
	bufferevent_priority_set(c->bev, PRIO_UNKNOWN);
	event_priority_set(c->deadline, PRIO_UNKNOWN);
	c->gated = 1;
	c->num = ++N.nextconn;
	proto_job_reader_init(&c->jr, &N.lim);
	proto_buf_init(&c->fwd);
	TAILQ_INSERT_TAIL(&N.conns, c, entry);
	N.cnt.connections++;
	bufferevent_setcb(c->bev, conn_read, conn_written, conn_event, c);
	bufferevent_setwatermark(c->bev, EV_READ, 1, 0);
	conn_set_state(c, CS_HELLO);
	evtimer_add(c->deadline, &tv);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	log_debug("%s: connected", c->peer);
	/* Who it is is known after the handshake: auth_conn(). */
}

static void
status_closed(int family, const uint8_t *addr)
{
	gate_leave(&N.st, family, addr);
}

/* A new connection to the status port. */
static void
status_accepted(int fd, const struct sockaddr *sa)
{
	char		 peer[INET6_ADDRSTRLEN + 8];
	uint8_t		 addr[16];
	int		 family;

	if (admit(fd, sa, &N.st, &family, addr, peer, sizeof(peer)) == -1)
		return;
	if (httpd_take(N.httpd, fd, family, addr, peer) == -1)
		log_warnx("%s: status connection: out of memory", peer);
}

static void
set_listening(int on)
{
	size_t	 i;

	for (i = 0; i < N.nlis; i++)
		if (on)
			event_add(N.lis[i], NULL);
		else
			event_del(N.lis[i]);
}

static void
on_resume(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	set_listening(1);
}

/*
 * A listening socket is readable: accept at most ACCEPT_BATCH, then let
 * the loop serve the rest.  Out of descriptors (EMFILE, ENFILE) or
 * memory, the connection would stay in the backlog and wake us at once
 * again: every listener pauses for ACCEPT_PAUSE_MS instead.
 */
static void
on_listen(evutil_socket_t lfd, short what, void *arg)
{
	static struct log_rate rate;
	struct sockaddr_storage ss;
	struct timeval	 tv = { 0, ACCEPT_PAUSE_MS * 1000 };
	socklen_t	 sl;
	int		 fd, i, status = arg != NULL;

	(void)what;
	for (i = 0; i < ACCEPT_BATCH; i++) {
		sl = sizeof(ss);
		fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK |
		    SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == ECONNABORTED || errno == EPROTO ||
			    errno == EPERM)
				continue;	/* that one went away */
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return;
			if (log_rate(&rate, "accept errors"))
				log_warnx("accept: %s; not accepting for %d ms "
				    "(%u clients, %u before their hello, %u on "
				    "the status page)", strerror(errno),
				    ACCEPT_PAUSE_MS, N.nconns, N.pre.total,
				    N.st.total);
			set_listening(0);
			evtimer_add(N.resume, &tv);
			return;
		}
		if (status)
			status_accepted(fd, (struct sockaddr *)&ss);
		else
			job_accepted(fd, (struct sockaddr *)&ss);
	}
}

/* May a peer at family/addr use the server (before its identity)? */
static int
addr_allowed(int family, const uint8_t *addr)
{
	struct srvconf	 lc;

	if (N.conf.nallow > 0 || N.trust == TLS_SITE)
		return srvconf_allowed(&N.conf, family, addr);
	/* open mode: the subnets of our own interfaces */
	memset(&lc, 0, sizeof(lc));
	lc.nallow = (unsigned)N.nlocal;
	memcpy(lc.allow, N.local, N.nlocal * sizeof(N.local[0]));
	return N.nlocal > 0 && srvconf_allowed(&lc, family, addr);
}

/*
 * The handshake is done: decide whether this client may use the server,
 * and log the decision with its identity.  A refused client gets the
 * reason as a refusal frame, inside TLS.
 */
static void
auth_conn(struct conn *c)
{
	SSL		*ssl = bufferevent_openssl_get_ssl(c->bev);
	char		 why[256], name[IDENT_NAME_MAX * 4];
	const char	*kind = N.trust == TLS_SITE ? "user" : "key";

	if (tls_peer_check(ssl, N.trust, 0, &c->who, why, sizeof(why)) ==
	    -1) {
		if (log_rate(&N.rl_auth, "refusals before the hello"))
			log_info("%s: refused %s %s: %s", c->peer, kind,
			    c->who.fp[0] != '\0' ? c->who.fp : "(none)", why);
		conn_refuse(c, 0, PROTO_R_AUTH, "%s", why);
		return;
	}
	log_escape(name, sizeof(name), c->who.name, strlen(c->who.name));
	/* The address was checked at accept (admit). */
	if (N.trust == TLS_SITE && !srvconf_user_allowed(&N.conf,
	    c->who.name, (const char (*)[64])c->who.groups,
	    c->who.ngroups)) {
		if (log_rate(&N.rl_auth, "refusals before the hello"))
			log_info("%s: refused user %s (%s): not in "
			    "allow_users or allow_groups", c->peer, name,
			    c->who.fp);
		conn_refuse(c, 0, PROTO_R_AUTH, "user %s may not compile "
		    "here (allow_users, allow_groups)", name);
		return;
	}
	/* Accepted clients only count toward max_conns. */
	if (N.nconns >= N.conf.max_conns) {
		conn_refuse(c, 0, PROTO_R_BUSY, "too many connections (%u)",
		    N.conf.max_conns);
		return;
	}
	gate_leave(&N.pre, c->family, c->addr);
	bufferevent_priority_set(c->bev, PRIO_CLIENT);
	c->gated = 0;
	c->counted = 1;
	N.nconns++;
	c->authed = 1;
	log_info("%s: accepted %s %s (%s)", c->peer, kind, name, c->who.fp);
	conn_read(c->bev, c);
}

/* The subnets of this machine's interfaces, for open mode. */
static void
local_nets(void)
{
	struct ifaddrs	*ifa, *i;
	const uint8_t	*a, *m;
	size_t		 len, b;

	if (getifaddrs(&ifa) == -1) {
		log_warn("getifaddrs: open mode will refuse every client");
		return;
	}
	for (i = ifa; i != NULL && N.nlocal < LOCAL_NETS_MAX; i = i->ifa_next) {
		struct srvconf_cidr *e = &N.local[N.nlocal];

		if (i->ifa_addr == NULL || i->ifa_netmask == NULL)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			a = (const uint8_t *)&((struct sockaddr_in *)
			    (void *)i->ifa_addr)->sin_addr;
			m = (const uint8_t *)&((struct sockaddr_in *)
			    (void *)i->ifa_netmask)->sin_addr;
			len = 4;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			a = ((struct sockaddr_in6 *)(void *)
			    i->ifa_addr)->sin6_addr.s6_addr;
			m = ((struct sockaddr_in6 *)(void *)
			    i->ifa_netmask)->sin6_addr.s6_addr;
			len = 16;
		} else
			continue;
		memset(e, 0, sizeof(*e));
		e->family = i->ifa_addr->sa_family;
		for (b = 0; b < len; b++) {
			e->addr[b] = a[b] & m[b];
			e->prefix += (unsigned)__builtin_popcount(m[b]);
		}
		N.nlocal++;
	}
	freeifaddrs(ifa);
}

/* The runner's answers. */

/* Check the runner's bytes with the client's reader; fatal if bad. */
static int
check_answer(const struct pjob *pj, const uint8_t *p, size_t len,
    uint32_t *reason, uint32_t *status)
{
	struct proto_result_reader rr;
	struct proto_frame f;
	char		 err[256];
	ssize_t		 n;
	int		 rc = PROTO_MORE, refused;

	proto_result_reader_init(&rr, pj->jobid, pj->want, &N.lim);
	while (len > 0) {
		if (rc == PROTO_DONE)
			fatalx("runner: trailing bytes after an answer");
		if ((n = proto_frame_parse(&N.dialect, p, len, &f, err,
		    sizeof(err))) <= 0)
			fatalx("runner: malformed answer: %s", n == 0 ?
			    "truncated" : err);
		if ((rc = proto_result_feed(&rr, &f, err, sizeof(err))) == -1 ||
		    rc == PROTO_KEEPALIVE)
			fatalx("runner: malformed answer: %s", rc == -1 ? err :
			    "keepalive");
		p += n;
		len -= (size_t)n;
	}
	if (rc != PROTO_DONE)
		fatalx("runner: incomplete answer");
	refused = rr.res.refused;
	*reason = rr.res.reason;
	*status = rr.res.status;
	proto_result_reader_free(&rr);
	return refused;
}

static void
on_result(uint32_t key, const uint8_t *p, size_t len)
{
	struct pjob	*pj;
	struct conn	*c;
	uint32_t	 reason = 0, status = 0;
	int		 refused;

	TAILQ_FOREACH(pj, &N.pjobs, entry)
		if (pj->key == key)
			break;
	if (pj == NULL)
		fatalx("runner answered unknown job key %u", key);
	refused = check_answer(pj, p, len, &reason, &status);
	TAILQ_REMOVE(&N.pjobs, pj, entry);
	c = pj->conn;
	free(pj);
	if (c == NULL) {
		maybe_exit();
		return;		/* the client went away; answer dropped */
	}
	c->pj = NULL;
	keep_stop(c);
	if (c->state == CS_CLOSING)
		return;		/* it broke the protocol meanwhile */
	if (refused) {
		if (reason <= PROTO_R_LAST)
			N.cnt.refused[reason]++;
		log_info("%s: job %u refused by the runner (%s)", c->peer,
		    c->jobid, proto_reason_name(reason));
	} else {
		N.cnt.jobs_done++;
		if (status != 0)
			N.cnt.jobs_failed++;
		log_debug("%s: job %u done, status %#x", c->peer, c->jobid,
		    status);
	}
	conn_write(c, p, len);
	conn_set_state(c, CS_IDLE);
	/* Bytes that came while the job ran were refused already. */
}

static void
on_runner(struct ipc_chan *ch, const struct ipc_hdr *h, const uint8_t *p,
    void *arg)
{
	(void)ch;
	(void)arg;
	if (h->type == IPC_RESULT)
		on_result(h->id, p, h->len);
	else
		fatalx("runner: unexpected %s", ipc_type_name(h->type));
}

static void
on_runner_fail(struct ipc_chan *ch, const char *why, void *arg)
{
	(void)ch;
	(void)arg;
	if (!N.stopping || strcmp(why, "closed") != 0)
		fatalx("channel to runner: %s", why);
	N.runner_gone = 1;
	maybe_exit();
}

/* Shutdown. */

static void
on_exit_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	log_debug("exit: %u connections still had data", N.nconns + N.nclosing);
	exit(0);
}

/* Exit once the runner is gone and every answer is written. */
static void
maybe_exit(void)
{
	struct conn	*c;
	struct timeval	 tv = { EXIT_WAIT, 0 };

	if (!N.runner_gone)
		return;
	TAILQ_FOREACH(c, &N.conns, entry)
		if (evbuffer_get_length(bufferevent_get_output(c->bev)) > 0) {
			if (N.exit_timer == NULL) {
				N.exit_timer = evtimer_new(N.base,
				    on_exit_timer, NULL);
				if (N.exit_timer == NULL ||
				    evtimer_add(N.exit_timer, &tv) == -1)
					exit(0);
			}
			return;
		}
	exit(0);
}

/* Status page. */

static json_object *
status_json(void)
{
	json_object	*o, *cnt, *ref, *tcs, *t;
	char		 host[256];
	uint32_t	 r;
	size_t		 i;

	o = json_object_new_object();
	if (N.conf.name[0] != '\0')
		json_object_object_add(o, "name",
		    json_object_new_string(N.conf.name));
	else {
		if (gethostname(host, sizeof(host)) == -1)
			host[0] = '\0';
		host[sizeof(host) - 1] = '\0';
		json_object_object_add(o, "name", json_object_new_string(host));
	}
	json_object_object_add(o, "version", json_object_new_string(VERSION));
	json_object_object_add(o, "protocol", json_object_new_int(
	    PROTO_VERSION));
	json_object_object_add(o, "cluster",
	    json_object_new_string(N.conf.cluster));
	json_object_object_add(o, "uptime_s", json_object_new_int64(
	    (int64_t)(time(NULL) - N.started)));
	json_object_object_add(o, "stopping",
	    json_object_new_boolean(N.stopping));
	json_object_object_add(o, "slots", json_object_new_int64(N.load.slots));
	json_object_object_add(o, "offered",
	    json_object_new_int64(N.load.offered));
	json_object_object_add(o, "foreign_load",
	    json_object_new_int64(N.load.foreign));
	json_object_object_add(o, "running",
	    json_object_new_int64(N.load.running));
	json_object_object_add(o, "queued",
	    json_object_new_int64(N.load.queued));
	json_object_object_add(o, "queue_max",
	    json_object_new_int64(N.load.queue_max));
	json_object_object_add(o, "connections",
	    json_object_new_int64(N.nconns));
	tcs = json_object_new_array();
	for (i = 0; i < N.ntc; i++) {
		t = json_object_new_object();
		json_object_object_add(t, "id",
		    json_object_new_string(N.tc[i].id));
		json_object_object_add(t, "compiler",
		    json_object_new_string(N.tc[i].name));
		json_object_array_add(tcs, t);
	}
	json_object_object_add(o, "toolchains", tcs);
	cnt = json_object_new_object();
	json_object_object_add(cnt, "connections",
	    json_object_new_int64((int64_t)N.cnt.connections));
	json_object_object_add(cnt, "jobs_done",
	    json_object_new_int64((int64_t)N.cnt.jobs_done));
	json_object_object_add(cnt, "jobs_failed",
	    json_object_new_int64((int64_t)N.cnt.jobs_failed));
	ref = json_object_new_object();
	for (r = 1; r <= PROTO_R_LAST; r++)
		json_object_object_add(ref, proto_reason_name(r),
		    json_object_new_int64((int64_t)N.cnt.refused[r]));
	json_object_object_add(cnt, "refused", ref);
	json_object_object_add(cnt, "bytes_in",
	    json_object_new_int64((int64_t)N.cnt.bytes_in));
	json_object_object_add(cnt, "bytes_out",
	    json_object_new_int64((int64_t)N.cnt.bytes_out));
	json_object_object_add(o, "counters", cnt);
	return o;
}

/* httpd's body for GET /status (the only path it asks for). */
static char *
status_body(const char *path)
{
	json_object	*o;
	char		*body;

	(void)path;
	o = status_json();
	if (asprintf(&body, "%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN)) == -1)
		body = NULL;
	json_object_put(o);
	return body;
}

/* Listening sockets. */

/* A listening TCP socket on family/addr/port, or -1 (logged). */
static int
listen_on(int family, const uint8_t *addr, unsigned port, const char *what)
{
	struct sockaddr_storage ss;
	socklen_t	 sl;
	int		 fd, one = 1;
	char		 a[INET6_ADDRSTRLEN];

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		memcpy(&s4->sin_addr, addr, 4);
		sl = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		memcpy(&s6->sin6_addr, addr, 16);
		sl = sizeof(*s6);
	}
	inet_ntop(family, addr, a, sizeof(a));
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		log_warn("%s: socket for %s", what, a);
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) == -1 ||
	    listen(fd, 1024) == -1) {
		log_warn("%s: %s port %u", what, a, port);
		close(fd);
		return -1;
	}
	log_info("%s on %s%s%s port %u", what, family == AF_INET6 ? "[" : "",
	    a, family == AF_INET6 ? "]" : "", port);
	return fd;
}

/* Run fn on every configured address (all IPv4 and IPv6 by default). */
static size_t
each_address(unsigned port, const char *what,
    void (*fn)(int fd, void *arg), void *arg)
{
	static const uint8_t any[16];
	size_t		 i, n = 0;
	int		 fd;

	if (N.conf.nlisten == 0) {
		if ((fd = listen_on(AF_INET, any, port, what)) != -1) {
			fn(fd, arg);
			n++;
		}
		if ((fd = listen_on(AF_INET6, any, port, what)) != -1) {
			fn(fd, arg);
			n++;
		}
		return n;
	}
	for (i = 0; i < N.conf.nlisten; i++)
		if ((fd = listen_on(N.conf.listen[i].family,
		    N.conf.listen[i].addr, port, what)) != -1) {
			fn(fd, arg);
			n++;
		}
	return n;
}

/* arg: non-NULL for the status port. */
static void
add_listener(int fd, void *arg)
{
	struct event	*ev;

	if (N.nlis >= sizeof(N.lis) / sizeof(N.lis[0]))
		fatalx("too many listeners");
	if ((ev = event_new(N.base, fd, EV_READ | EV_PERSIST, on_listen,
	    arg)) == NULL || event_priority_set(ev, PRIO_UNKNOWN) == -1 ||
	    event_add(ev, NULL) == -1)
		fatalx("listener event");
	N.lis[N.nlis++] = ev;
}

/* The parent. */

/*
 * A new revocation list (SIGHUP): use it for new connections and check
 * every open one again, closing those of keys it revokes.
 */
static void
new_crl(const uint8_t *pem, size_t len)
{
	struct conn	*c, *next;
	struct tls_peer	 p;
	char		 err[256];

	if (N.trust != TLS_SITE)
		return;
	if (tls_ctx_set_crl(N.tls, pem, len, err, sizeof(err)) == -1) {
		log_warnx("new revocation list not used: %s", err);
		return;
	}
	log_info("revocation list reloaded");
	for (c = TAILQ_FIRST(&N.conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (!c->authed || c->state == CS_CLOSING ||
		    tls_peer_check(bufferevent_openssl_get_ssl(c->bev),
		    N.trust, 0, &p, err, sizeof(err)) == 0)
			continue;
		log_info("%s: dropped user %s (%s): %s", c->peer, c->who.name,
		    c->who.fp, err);
		conn_free(c);
	}
}

static void
on_parent(struct ipc_chan *ch, const struct ipc_hdr *h, const uint8_t *p,
    void *arg)
{
	struct srvconf	 nc;

	(void)ch;
	(void)arg;
	switch (h->type) {
	case IPC_CONF:
		memcpy(&nc, p, sizeof(nc));
		/* What net may change live; the parent kept the rest. */
		N.conf.max_conns = nc.max_conns;
		N.conf.nallow = nc.nallow;
		memcpy(N.conf.allow, nc.allow, sizeof(N.conf.allow));
		memcpy(N.conf.cluster, nc.cluster, sizeof(N.conf.cluster));
		memcpy(N.conf.name, nc.name, sizeof(N.conf.name));
		N.conf.cluster[sizeof(N.conf.cluster) - 1] = '\0';
		N.conf.name[sizeof(N.conf.name) - 1] = '\0';
		log_debug("configuration reloaded");
		break;
	case IPC_SHUTDOWN:
		log_debug("stopping: new jobs are refused");
		N.stopping = 1;
		break;
	case IPC_TC:
		if (N.tc_complete) {
			N.tc_complete = 0;
			N.ntc = 0;
		}
		if (N.ntc < SRV_TC_MAX) {
			memcpy(&N.tc[N.ntc], p, sizeof(N.tc[0]));
			N.tc[N.ntc].id[sizeof(N.tc[0].id) - 1] = '\0';
			N.tc[N.ntc].name[sizeof(N.tc[0].name) - 1] = '\0';
			N.ntc++;
		}
		break;
	case IPC_TC_END:
		N.tc_complete = 1;
		break;
	case IPC_LOAD:
		memcpy(&N.load, p, sizeof(N.load));
		break;
	case IPC_CRL:
		new_crl(p, h->len);
		break;
	default:
		fatalx("parent: unexpected %s", ipc_type_name(h->type));
	}
}

static void
on_parent_fail(struct ipc_chan *ch, const char *why, void *arg)
{
	(void)ch;
	(void)arg;
	fatalx("channel to parent: %s", why);
}

void
net_main(const struct srvconf *conf, struct srv_fds *fds)
{
	struct ipc_rules rules;
	struct ident	 id;
	char		 err[256];
	size_t		 i;
	int		 trust;

	log_procinit("net");
	log_libevent();
	memset(&N, 0, sizeof(N));
	N.conf = *conf;
	N.started = time(NULL);
	TAILQ_INIT(&N.conns);
	TAILQ_INIT(&N.pjobs);
	srvconf_limits(&N.conf, &N.lim);
	if (proto_dialect_init(&N.dialect, PROTO_DIALECT_CCPOOL1, &N.lim, err,
	    sizeof(err)) == -1)
		fatalx("%s", err);
	/*
	 * ZDTI's length is checked by check_size(), so that an honest
	 * oversized source gets TOOLARGE, not PROTO.
	 */
	for (i = 0; i < N.dialect.ntok; i++)
		if (memcmp(N.dialect.tok[i].tok, "ZDTI", 4) == 0)
			N.dialect.tok[i].max = UINT32_MAX;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);

	if ((N.base = event_base_new()) == NULL ||
	    event_base_priority_init(N.base, PRIO_N) == -1)
		fatalx("event_base_new");
	srv_ipc_rules(&rules, SRV_NET_FROM_PARENT, &N.lim);
	if ((N.parent = ipc_chan_new(N.base, fds->parent, &rules, on_parent,
	    on_parent_fail, NULL, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	srv_ipc_rules(&rules, SRV_NET_FROM_RUNNER, &N.lim);
	if ((N.runner = ipc_chan_new(N.base, fds->peer, &rules, on_runner,
	    on_runner_fail, NULL, err, sizeof(err))) == NULL)
		fatalx("%s", err);

	/* The key is read here, before the sandbox; only SSL_CTX keeps it. */
	if (ident_load(&id, N.conf.identity, err, sizeof(err)) == -1)
		fatalx("identity: %s", err);
	if ((trust = tls_trust_parse(N.conf.trust)) == -1)
		fatalx("trust mode %s", N.conf.trust);
	N.trust = (enum tls_trust)trust;
	if ((N.tls = tls_ctx_new(TLS_SERVER, &id, N.trust, N.conf.crl, err,
	    sizeof(err))) == NULL || (N.tls_status = tls_ctx_new(
	    TLS_SERVER_ANON, &id, N.trust, NULL, err, sizeof(err))) == NULL)
		fatalx("TLS: %s", err);
	ident_clear(&id);
	local_nets();
	gate_init(&N.pre, PREAUTH_MAX, PREAUTH_ADDR);
	gate_init(&N.st, STATUS_MAX, STATUS_ADDR);
	if ((N.resume = evtimer_new(N.base, on_resume, NULL)) == NULL ||
	    (N.refused_ev = evtimer_new(N.base, on_refused_log, NULL)) ==
	    NULL)
		fatalx("evtimer_new");
	if (each_address(N.conf.port, "jobs", add_listener, NULL) == 0)
		fatalx("cannot listen on port %u", N.conf.port);
	if (N.conf.status_port != 0) {
		static const struct httpd_ops ops = { status_body,
		    status_closed };

		if ((N.httpd = httpd_new(N.base, N.tls_status, &ops,
		    PRIO_UNKNOWN, err,
		    sizeof(err))) == NULL)
			fatalx("status page: %s", err);
		if (each_address(N.conf.status_port, "status", add_listener,
		    &N) == 0)
			fatalx("cannot listen on status port %u",
			    N.conf.status_port);
	}
	proc_enter_sandbox("net");
	event_base_dispatch(N.base);
	fatalx("event loop ended");
}
