/*
 * dcc_conn.c - ccpoold's distcc listener, in the network process: stock
 * distcc clients (protocols 1 and 2, server/dcc_wire.h) on distcc_port,
 * when distcc_compat = yes.
 *
 * The distcc protocol has no authentication and no encryption, so the
 * listener opens only when the administrator named the networks that may
 * use it (distcc_allow; it has no default), and an address outside them
 * is closed at accept, before any byte is read.  A connection holds a
 * place in a gate of its own (server/gate.h) while it lives, carries one
 * request (DCC_REQ_S in all, JOB_TIMEOUT without a byte), and its job
 * is made into a ccpool job (dcc_req_job: the same argv policy) and sent
 * to the runner like any other, as client "distcc:<address>" for the
 * fair share: the same sandbox, limits, admission and queue.  The
 * answer, or any refusal, goes back as distcc's answer: a refusal is a
 * failed compile (non-zero STAT, the reason as SERR), which makes stock
 * distcc compile locally.  Then the connection closes, as distccd's do.
 * Called by net.c only (dcc_start, dcc_result); start reading at
 * on_accept() and dconn_read().
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "server/dcc_conn.h"
#include "server/dcc_wire.h"

#define DCC_MAX		256	/* distcc connections in all */
#define DCC_ADDR	128	/* ... from one address */
#define DCC_REQ_S	120	/* seconds for a whole request */
#define DCC_IDLE_S	60	/* seconds without a byte in a request */
#define DCC_WRITE_S	60	/* seconds for the client to take data */

enum dstate { DS_READ, DS_WAIT, DS_CLOSING };

struct dconn {
	TAILQ_ENTRY(dconn) entry;
	struct net	*n;
	struct bufferevent *bev;
	char		 peer[INET6_ADDRSTRLEN + 8];
	char		 client[IDENT_FP_LEN];	/* "distcc:<address>" */
	int		 family;
	uint8_t		 addr[16];
	enum dstate	 state;
	struct dcc_req	 req;
	uint32_t	 version;	/* the client's, once known */
	struct pjob	*pj;		/* while DS_WAIT */
	struct event	*deadline;
};
TAILQ_HEAD(dconnq, dconn);

/* The listener's state; one per net process. */
static struct dcc {
	struct net	*n;
	struct proto_dialect dialect;
	struct gate	 gate;
	struct dconnq	 conns;
	struct log_rate	 rl;		/* refusals at accept */
	unsigned long	 jobs;		/* sent to the runner */
	uint32_t	 nextid;
	struct event	*lis[2 * SRVCONF_LISTEN_MAX];
	size_t		 nlis;
	struct event	*resume;	/* accepting again after EMFILE */
} D;

static void	dconn_free(struct dconn *);

static void
dconn_write(struct dconn *c, const struct proto_buf *b)
{
	if (bufferevent_write(c->bev, b->data, b->len) == -1)
		fatalx("bufferevent_write: out of memory");
	c->n->cnt.bytes_out += b->len;
}

/* Write the answer in b and close once it is written. */
static void
dconn_finish(struct dconn *c, const struct proto_buf *b)
{
	struct timeval	 wt = { DCC_WRITE_S, 0 };

	dconn_write(c, b);
	c->state = DS_CLOSING;
	bufferevent_disable(c->bev, EV_READ);
	bufferevent_set_timeouts(c->bev, NULL, &wt);
}

/*
 * Refuse c's request: a failed compile with distcc exit code code and
 * the reason as its stderr, then close; reason counts on the status page.
 */
static void __attribute__((format(printf, 4, 5)))
dconn_refuse(struct dconn *c, int code, uint32_t reason, const char *fmt,
    ...)
{
	struct proto_buf b;
	va_list		 ap;
	char		 msg[600], err[256];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (reason <= PROTO_R_LAST)
		c->n->cnt.refused[reason]++;
	log_info("%s: distcc job refused (%s): %s", c->client,
	    proto_reason_name(reason), msg);
	proto_buf_init(&b);
	if (dcc_refusal_encode(c->version, code, msg, &b, err, sizeof(err)) ==
	    -1)
		fatalx("cannot encode a distcc refusal: %s", err);
	dconn_finish(c, &b);
	proto_buf_free(&b);
}

/* Jobs of client with the runner now. */
static unsigned
jobs_of(const struct net *n, const char *client)
{
	struct pjob	*pj;
	unsigned	 k = 0;

	TAILQ_FOREACH(pj, &n->pjobs, entry)
		k += pj->dc != NULL && strcmp(pj->fp, client) == 0;
	return k;
}

/* Hand job (the request made a ccpool job) to the runner. */
static void
dconn_send(struct dconn *c, const struct proto_job *job)
{
	struct net	*n = c->n;
	struct proto_buf b;
	struct ipc_job	 ij;
	struct pjob	*pj;
	char		 err[256], src[64];

	proto_buf_init(&b);
	memset(&ij, 0, sizeof(ij));
	memcpy(ij.client, c->client, sizeof(ij.client));
	if (proto_buf_append(&b, &ij, sizeof(ij)) == -1)
		fatalx("out of memory");
	if (proto_job_encode(job, &n->lim, PROTO_ZLEVEL, &b, err,
	    sizeof(err)) == -1) {
		proto_buf_free(&b);
		dconn_refuse(c, DCC_EXIT_BAD_ARGUMENTS, PROTO_R_PROTO, "%s",
		    err);
		return;
	}
	if ((pj = calloc(1, sizeof(*pj))) == NULL)
		fatal("calloc");
	memcpy(pj->fp, c->client, sizeof(pj->fp));
	do
		pj->key = ++n->nextkey;
	while (pj->key == 0);
	pj->jobid = job->id;
	pj->want = job->want;
	pj->dcc = 1;
	pj->dc = c;
	TAILQ_INSERT_TAIL(&n->pjobs, pj, entry);
	c->pj = pj;
	c->state = DS_WAIT;
	D.jobs++;
	if (ipc_send(n->runner, IPC_JOB, pj->key, b.data, b.len) == -1)
		fatal("ipc_send");
	proto_buf_free(&b);
	log_escape(src, sizeof(src), job->srcname, strlen(job->srcname));
	log_debug("%s: distcc job %u (key %u, %s, %s, %zu bytes of source) "
	    "to the runner", c->client, job->id, pj->key, job->tcid, src,
	    job->src.len);
}

/* The request is complete: check it as a ccpool job, then run it. */
static void
dconn_request(struct dconn *c)
{
	struct net	*n = c->n;
	struct proto_job job;
	uint32_t	 reason;
	int		 code;
	char		 err[512];

	if (n->stopping) {
		dconn_refuse(c, DCC_EXIT_BUSY, PROTO_R_SHUTDOWN, "the server "
		    "is stopping");
		return;
	}
	proto_job_init(&job);
	if (++D.nextid == 0)
		D.nextid = 1;
	if (dcc_req_job(&c->req, n->tc, n->ntc, D.nextid, &job, &code,
	    &reason, err, sizeof(err)) == -1) {
		dconn_refuse(c, code, reason, "%s", err);
		return;
	}
	dcc_req_free(&c->req);
	if (n->conf.user_max_jobs > 0 &&
	    jobs_of(n, c->client) >= n->conf.user_max_jobs)
		dconn_refuse(c, DCC_EXIT_BUSY, PROTO_R_BUSY, "%s already has "
		    "%u jobs on this server, its limit (user_max_jobs)",
		    c->client, n->conf.user_max_jobs);
	else
		dconn_send(c, &job);
	proto_job_free(&job);
}

static void
dconn_read(struct bufferevent *bev, void *arg)
{
	struct dconn	*c = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct proto_frame f;
	const uint8_t	*p;
	ssize_t		 r;
	int		 rc, code;
	char		 err[256];

	while (c->state == DS_READ && evbuffer_get_length(in) > 0) {
		if ((r = proto_evpull(in, &D.dialect, &f, &p, err,
		    sizeof(err))) == -1) {
			dconn_refuse(c, DCC_EXIT_PROTOCOL, PROTO_R_PROTO,
			    "not a distcc request: %s", err);
			return;
		}
		if (r == 0) {
			bufferevent_setwatermark(bev, EV_READ, f.need, 0);
			return;
		}
		rc = dcc_req_feed(&c->req, &f, &code, err, sizeof(err));
		c->version = c->req.version;
		evbuffer_drain(in, f.need);
		c->n->cnt.bytes_in += f.need;
		bufferevent_setwatermark(bev, EV_READ, PROTO_HDRLEN, 0);
		if (rc == -1) {
			dconn_refuse(c, code, code == DCC_EXIT_BAD_ARGUMENTS ?
			    PROTO_R_TOOLARGE : PROTO_R_PROTO, "%s", err);
			return;
		}
		if (rc == PROTO_DONE) {
			evtimer_del(c->deadline);
			bufferevent_set_timeouts(bev, NULL, NULL);
			dconn_request(c);
		}
	}
	if (c->state == DS_WAIT && evbuffer_get_length(in) > 0) {
		log_info("%s: distcc client sent more than one request; "
		    "closed", c->client);
		dconn_free(c);
	}
}

static void
dconn_written(struct bufferevent *bev, void *arg)
{
	struct dconn	*c = arg;

	(void)bev;
	if (c->state == DS_CLOSING)
		dconn_free(c);
}

static void
dconn_event(struct bufferevent *bev, short what, void *arg)
{
	struct dconn	*c = arg;

	(void)bev;
	if ((what & BEV_EVENT_TIMEOUT) && c->state == DS_READ) {
		dconn_refuse(c, DCC_EXIT_TIMEOUT, PROTO_R_PROTO, "request "
		    "incomplete after %d s without data", DCC_IDLE_S);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT)
		log_info("%s: distcc client not reading its answer, closed",
		    c->client);
	else if (c->state != DS_CLOSING)
		log_debug("%s: distcc connection closed", c->client);
	dconn_free(c);
}

static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct dconn	*c = arg;

	(void)fd;
	(void)what;
	if (c->state == DS_READ)
		dconn_refuse(c, DCC_EXIT_TIMEOUT, PROTO_R_PROTO, "request "
		    "incomplete after %d s", DCC_REQ_S);
}

static void
dconn_free(struct dconn *c)
{
	struct net	*n = c->n;

	if (c->pj != NULL) {
		c->pj->dc = NULL;
		if (ipc_send(n->runner, IPC_CANCEL, c->pj->key, NULL, 0) == -1)
			fatal("ipc_send");
		log_info("%s: distcc client went away, compile cancelled",
		    c->client);
	}
	gate_leave(&D.gate, c->family, c->addr);
	TAILQ_REMOVE(&D.conns, c, entry);
	event_free(c->deadline);
	dcc_req_free(&c->req);
	bufferevent_free(c->bev);
	free(c);
}

/* Close the oldest distcc connection of victim (the gate's choice). */
static void
drop_oldest(const struct gate_addr *v)
{
	struct dconn	*c;

	TAILQ_FOREACH(c, &D.conns, entry)
		if (c->family == v->family &&
		    memcmp(c->addr, v->addr, sizeof(c->addr)) == 0) {
			log_info("%s: distcc connection dropped for a "
			    "newcomer", c->client);
			dconn_free(c);
			return;
		}
}

/*
 * May family/addr use the listener, and is there a place for it?  The
 * address first (distcc_allow), before any byte is read.
 */
static int
dcc_admit(struct net *n, int family, const uint8_t *addr, const char *peer)
{
	struct gate_addr victim;

	if (!srvconf_distcc_allowed(&n->conf, family, addr)) {
		n->not_allowed++;
		if (log_rate(&D.rl, "distcc refusals at accept"))
			log_info("%s: distcc connection refused: not in "
			    "distcc_allow", peer);
		return -1;
	}
	switch (gate_enter(&D.gate, family, addr, &victim)) {
	case GATE_REFUSE:
		if (log_rate(&D.rl, "distcc refusals at accept"))
			log_info("%s: distcc connection refused: no place "
			    "(%d, %d per address)", peer, DCC_MAX, DCC_ADDR);
		return -1;
	case GATE_EVICT:
		drop_oldest(&victim);
		break;
	case GATE_ADMIT:
		break;
	}
	return 0;
}

static void
dcc_accepted(struct net *n, int fd, const struct sockaddr *sa)
{
	struct dconn	*c;
	struct timeval	 rt = { DCC_IDLE_S, 0 }, wt = { DCC_WRITE_S, 0 };
	struct timeval	 dl = { DCC_REQ_S, 0 };
	char		 peer[INET6_ADDRSTRLEN + 8], a[INET6_ADDRSTRLEN];
	uint8_t		 addr[16];
	int		 family;

	if (nacc_peer_addr(sa, &family, addr, peer, sizeof(peer)) == -1 ||
	    dcc_admit(n, family, addr, peer) == -1) {
		evutil_closesocket(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->deadline = evtimer_new(n->base, on_deadline, c)) == NULL ||
	    (c->bev = bufferevent_socket_new(n->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		fatalx("distcc connection: out of memory");
	c->n = n;
	c->family = family;
	memcpy(c->addr, addr, sizeof(c->addr));
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	inet_ntop(family, addr, a, sizeof(a));
	snprintf(c->client, sizeof(c->client), "distcc:%s", a);
	dcc_req_init(&c->req, &n->lim);
	TAILQ_INSERT_TAIL(&D.conns, c, entry);
	n->cnt.connections++;
	bufferevent_priority_set(c->bev, PRIO_CLIENT);
	bufferevent_setcb(c->bev, dconn_read, dconn_written, dconn_event, c);
	bufferevent_setwatermark(c->bev, EV_READ, PROTO_HDRLEN, 0);
	bufferevent_set_timeouts(c->bev, &rt, &wt);
	evtimer_add(c->deadline, &dl);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	log_debug("%s: distcc connection", c->client);
}

static void
set_listening(int on)
{
	size_t	 i;

	for (i = 0; i < D.nlis; i++)
		if (on)
			event_add(D.lis[i], NULL);
		else
			event_del(D.lis[i]);
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
 * Accept at most 32 a turn.  Out of descriptors or memory the connection
 * would stay in the backlog and wake us at once again: pause 250 ms.
 */
static void
on_accept(evutil_socket_t lfd, short what, void *arg)
{
	struct sockaddr_storage ss;
	struct timeval	 tv = { 0, 250 * 1000 };
	socklen_t	 sl;
	int		 fd, i;

	(void)what;
	for (i = 0; i < 32; i++) {
		sl = sizeof(ss);
		fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK |
		    SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == ECONNABORTED || errno == EPROTO ||
			    errno == EPERM)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR) {
				if (log_rate(&D.rl, "distcc accept errors"))
					log_warnx("distcc accept: %s; pausing",
					    strerror(errno));
				set_listening(0);
				evtimer_add(D.resume, &tv);
			}
			return;
		}
		dcc_accepted(arg, fd, (struct sockaddr *)&ss);
	}
}

void
dcc_start(struct net *n)
{
	static const uint8_t any[16];
	struct event	*ev;
	size_t		 i, want = n->conf.nlisten ? n->conf.nlisten : 2;
	unsigned	 got = 0;
	char		 err[256];
	int		 fd;

	if (!n->conf.distcc_compat)
		return;
	if (n->conf.ndistcc_allow == 0) {
		log_warnx("distcc_compat = yes, but distcc_allow names no "
		    "network: the distcc listener does not start (stock "
		    "distcc has no authentication, so it has no default)");
		return;
	}
	D.n = n;
	TAILQ_INIT(&D.conns);
	gate_init(&D.gate, DCC_MAX, DCC_ADDR);
	if ((D.resume = evtimer_new(n->base, on_resume, NULL)) == NULL)
		fatalx("evtimer_new");
	if (proto_dialect_init(&D.dialect, PROTO_DIALECT_DISTCC, &n->lim, err,
	    sizeof(err)) == -1)
		fatalx("%s", err);
	for (i = 0; i < want; i++) {
		if (n->conf.nlisten == 0)
			fd = nacc_listen_on(i == 0 ? AF_INET : AF_INET6, any,
			    n->conf.distcc_port, "distcc");
		else
			fd = nacc_listen_on(n->conf.listen[i].family,
			    n->conf.listen[i].addr, n->conf.distcc_port,
			    "distcc");
		if (fd == -1)
			continue;
		if ((ev = event_new(n->base, fd, EV_READ | EV_PERSIST,
		    on_accept, n)) == NULL ||
		    event_priority_set(ev, PRIO_UNKNOWN) == -1 ||
		    event_add(ev, NULL) == -1)
			fatalx("distcc listener event");
		if (D.nlis < sizeof(D.lis) / sizeof(D.lis[0]))
			D.lis[D.nlis++] = ev;
		got++;
	}
	if (got == 0)
		fatalx("cannot listen on distcc port %u", n->conf.distcc_port);
}

/* The runner's reason as distcc's exit code. */
static int
code_of(uint32_t reason)
{
	switch (reason) {
	case PROTO_R_BUSY:
	case PROTO_R_SHUTDOWN:
		return DCC_EXIT_BUSY;
	case PROTO_R_TOOLCHAIN:
		return DCC_EXIT_COMPILER_MISSING;
	case PROTO_R_TOOLARGE:
		return DCC_EXIT_BAD_ARGUMENTS;
	case PROTO_R_PROTO:
		return DCC_EXIT_PROTOCOL;
	default:
		return DCC_EXIT_ACCESS_DENIED;
	}
}

/* Decode the runner's answer (net.c checked it already). */
static void
answer(struct dconn *c, const struct pjob *pj, const uint8_t *p, size_t len)
{
	struct net	*n = c->n;
	struct proto_result_reader rr;
	struct proto_frame f;
	struct proto_buf b;
	char		 err[256];
	ssize_t		 got;
	int		 rc = PROTO_MORE;

	proto_buf_init(&b);
	proto_result_reader_init(&rr, pj->jobid, pj->want, &n->lim);
	while (len > 0 && rc != PROTO_DONE) {
		if ((got = proto_frame_parse(&n->dialect, p, len, &f, err,
		    sizeof(err))) <= 0 ||
		    (rc = proto_result_feed(&rr, &f, err, sizeof(err))) == -1)
			fatalx("runner: malformed answer");
		p += got;
		len -= (size_t)got;
	}
	if (rr.res.refused) {
		if (rr.res.reason <= PROTO_R_LAST)
			n->cnt.refused[rr.res.reason]++;
		log_info("%s: distcc job %u refused by the runner (%s)",
		    c->client, pj->jobid, proto_reason_name(rr.res.reason));
		rc = dcc_refusal_encode(c->version, code_of(rr.res.reason),
		    rr.res.msg != NULL ? rr.res.msg : "refused", &b, err,
		    sizeof(err));
	} else {
		n->cnt.jobs_done++;
		n->cnt.jobs_failed += rr.res.status != 0;
		log_info("%s: distcc job %u compiled, status %#x, %zu bytes "
		    "of object", c->client, pj->jobid, rr.res.status,
		    rr.res.obj.len);
		rc = dcc_answer_encode(c->version, rr.res.status,
		    &rr.res.errout, &rr.res.out, &rr.res.obj, &b, err,
		    sizeof(err));
	}
	if (rc == -1)
		fatalx("cannot encode a distcc answer: %s", err);
	proto_result_reader_free(&rr);
	dconn_finish(c, &b);
	proto_buf_free(&b);
}

void
dcc_result(struct net *n, struct pjob *pj, const uint8_t *p, size_t len)
{
	struct dconn	*c = pj->dc;

	(void)n;
	if (c != NULL) {
		c->pj = NULL;
		answer(c, pj, p, len);
	}
	free(pj);
}
