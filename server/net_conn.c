/*
 * net_conn.c - one client connection of ccpoold's network process (see
 * net.h for the other files).
 *
 * Made by nconn_new() once net_accept.c admitted its address; it has
 * PREAUTH_S seconds for the TLS 1.3 handshake (common/tls.h) and the
 * hello.  Then auth_conn() decides on the client's certificate and the
 * site policy (every decision is logged with the identity, rate-limited
 * while the peer is unknown); only accepted clients count toward
 * max_conns.  One strict state machine per connection over the frames of
 * common/proto.h:
 *
 *   HELLO --CCPL--> IDLE --JOB_..JEND--> (checks) --IPC_JOB--> WAIT
 *   WAIT --IPC_RESULT (forwarded as is)--> IDLE
 *   IDLE --OFFR..SIZE--> (net_offer.c) ... PULLED --JOB_ (its id)--> JOB
 *
 * Anything else ends the connection, with a refusal whenever one can be
 * sent (CLOSING: the refusal is flushed, then the socket closed).  While a
 * job waits or compiles the client gets a KEEP at once and then every
 * PROTO_KEEPALIVE_MS, so it notices a vanished server within a second.
 * If the client goes away mid-job, the runner is told to kill it
 * (IPC_CANCEL).  Start reading at conn_read() and conn_frame().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <zstd.h>

#include "common/ccargs.h"
#include "server/net.h"

#define EXIT_WAIT	5	/* seconds to flush answers at shutdown */

static void	auth_conn(struct conn *);

/*
 * The connection ends.  A job still with the runner is cancelled; its
 * answer (there is always one) is then dropped.
 */
void
nconn_free(struct conn *c)
{
	struct net	*n;

	if (c == NULL)
		return;
	n = c->n;
	if (c->pj != NULL) {
		if (c->state == CS_OFFER || c->state == CS_PULLED)
			log_debug("%s: went away, offer %u withdrawn",
			    c->peer, c->jobid);
		else
			log_info("%s: went away during job %u, compile "
			    "cancelled", c->peer, c->jobid);
		nrep_release(c);
	}
	if (c->state == CS_CLOSING)
		n->nclosing--;
	if (c->counted)
		n->nconns--;
	if (c->gated)
		gate_leave(&n->pre, c->family, c->addr);
	TAILQ_REMOVE(&n->conns, c, entry);
	if (c->keep != NULL)
		event_free(c->keep);
	if (c->deadline != NULL)
		event_free(c->deadline);
	proto_job_reader_free(&c->jr);
	proto_buf_free(&c->fwd);
	bufferevent_free(c->bev);
	free(c);
	nconn_maybe_exit(n);
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

/* A whole job arrived: check it and hand it to the runner. */
static void
job_complete(struct conn *c)
{
	struct net	*n = c->n;
	struct proto_job job;
	struct pjob	*pj;
	struct timeval	 tv = { 0, (suseconds_t)PROTO_KEEPALIVE_MS * 1000 };
	char		 why[256];

	proto_job_init(&job);
	proto_job_reader_take(&c->jr, &job);
	proto_job_reader_init(&c->jr, &n->lim);
	if (n->stopping) {
		nrep_refuse(c, job.id, PROTO_R_SHUTDOWN, "the server is "
		    "stopping");
		goto done;
	}
	if (nrep_tc_check(c, job.id, job.tcid) == -1)
		goto done;
	if (!has_mode(&job)) {
		nrep_decline(c, job.id, PROTO_R_NOTCOMPILE, "no -c or -S: "
		    "not a single compile");
		goto done;
	}
	if (ccargs_check((int)job.argc, job.argv, why, sizeof(why)) == -1) {
		nrep_decline(c, job.id, PROTO_R_POLICY, "compile options "
		    "refused: %s", why);
		goto done;
	}
	/* a pulled offer was counted as it came */
	if (n->conf.user_max_jobs > 0 && c->pj == NULL &&
	    nrep_jobs_of(n, c->who.fp) >= n->conf.user_max_jobs) {
		log_escape(why, sizeof(why), c->who.name, strlen(c->who.name));
		log_info("%s: job %u of %s (%s) declined: over user_max_jobs "
		    "(%u)", c->peer, job.id, why, c->who.fp,
		    n->conf.user_max_jobs);
		nrep_decline(c, job.id, PROTO_R_BUSY, "%s already has %u jobs "
		    "on this server, its limit (user_max_jobs)", why,
		    n->conf.user_max_jobs);
		goto done;
	}
	if ((pj = c->pj) == NULL) {	/* else: the runner holds a slot */
		if ((pj = calloc(1, sizeof(*pj))) == NULL)
			fatal("calloc");
		memcpy(pj->fp, c->who.fp, sizeof(pj->fp));
		do
			pj->key = ++n->nextkey;
		while (pj->key == 0);
		pj->jobid = job.id;
		pj->conn = c;
		TAILQ_INSERT_TAIL(&n->pjobs, pj, entry);
		c->pj = pj;
	}
	pj->want = job.want;
	if (ipc_send(n->runner, IPC_JOB, pj->key, c->fwd.data, c->fwd.len) ==
	    -1)
		fatal("ipc_send");
	log_debug("%s: job %u (key %u, %s, %zu bytes of source) to the "
	    "runner", c->peer, job.id, pj->key, job.tcid, job.src.len);
	nrep_state(c, CS_WAIT);
	if (c->keep == NULL &&
	    (c->keep = event_new(n->base, -1, EV_PERSIST, nrep_on_keep, c)) == NULL)
		fatalx("event_new");
	evtimer_add(c->keep, &tv);
	nrep_on_keep(-1, 0, c);	/* "arrived": the client's timer starts over */
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
	struct net	*n = c->n;
	unsigned long long size;

	if (memcmp(f->tok, "ZDTI", 4) != 0)
		return 0;
	if (f->value > n->lim.max_input_z) {
		nrep_refuse(c, c->jobid, PROTO_R_TOOLARGE, "compressed source "
		    "of %u bytes is over this server's limit of %zu",
		    (unsigned)f->value, n->lim.max_input_z);
		return -1;
	}
	if (f->data == NULL)
		return 0;
	size = ZSTD_getFrameContentSize(f->data, f->len);
	if (size != ZSTD_CONTENTSIZE_UNKNOWN &&
	    size != ZSTD_CONTENTSIZE_ERROR && size > n->lim.max_input) {
		nrep_refuse(c, c->jobid, PROTO_R_TOOLARGE, "source of %llu "
		    "bytes is over this server's max_input_mb (%u)", size,
		    n->conf.max_input_mb);
		return -1;
	}
	return 0;
}

/* The hello (CCPL): the version both speak, then idle (or kerberos). */
static void
conn_hello(struct conn *c, const struct proto_frame *f)
{
	struct net	*n = c->n;
	struct proto_buf b;
	uint32_t	 v, u;
	char		 err[256];

	if (proto_hello_decode(f, &v, err, sizeof(err)) == -1) {
		nrep_refuse(c, 0, PROTO_R_PROTO, "expected a hello (CCPL): %s",
		    err);
		return;
	}
	if (n->stopping) {
		nrep_refuse(c, 0, PROTO_R_SHUTDOWN, "the server is stopping");
		return;
	}
	if (proto_hello_choose(v, PROTO_VERSION_MIN, PROTO_VERSION, &u, err,
	    sizeof(err)) == -1) {
		nrep_refuse(c, 0, PROTO_R_PROTO, "%s", err);
		return;
	}
	proto_buf_init(&b);
	if (proto_hello_encode(&b, u) == -1)
		fatalx("out of memory");
	nrep_write(c, b.data, b.len);
	proto_buf_free(&b);
	c->version = u;
	if (n->trust == TLS_KRB5) {	/* the deadline runs on */
		nrep_state(c, CS_GSS);
		return;
	}
	evtimer_del(c->deadline);
	nrep_state(c, CS_IDLE);
}

/* One frame of a job (CS_JOB). */
static void
job_frame(struct conn *c, const struct proto_frame *f)
{
	char		 err[256];
	int		 rc;

	if (check_size(c, f) == -1)
		return;
	if ((rc = proto_job_feed(&c->jr, f, err, sizeof(err))) == -1) {
		nrep_refuse(c, c->jobid, PROTO_R_PROTO, "bad job: %s", err);
		return;
	}
	if (rc == PROTO_DONE)
		job_complete(c);
}

/* One complete frame (raw: its bytes on the wire). */
static void
conn_frame(struct conn *c, const struct proto_frame *f)
{
	struct net	*n = c->n;
	char		 err[256];

	switch (c->state) {
	case CS_HELLO:
		conn_hello(c, f);
		return;
	case CS_GSS:
		if (ngss_request(c, f, err, sizeof(err)) == -1) {
			nrep_refuse(c, 0, PROTO_R_AUTH, "%s", err);
			return;
		}
		nrep_state(c, CS_GSSWAIT);
		return;
	case CS_IDLE:
		if (n->trust == TLS_KRB5 && mono_ms() >= c->gss_until) {
			nrep_refuse(c, memcmp(f->tok, "JOB_", 4) == 0 ||
			    memcmp(f->tok, "OFFR", 4) == 0 ? f->value : 0,
			    PROTO_R_AUTH, "your Kerberos "
			    "ticket expired (run kinit); this connection "
			    "ends, a new one authenticates again");
			return;
		}
		if (c->version >= PROTO_VERSION_OFFERS &&
		    (memcmp(f->tok, "OFFR", 4) == 0 ||
		    memcmp(f->tok, "DROP", 4) == 0)) {
			nofr_frame(c, f);
			return;
		}
		c->jobid = memcmp(f->tok, "JOB_", 4) == 0 ? f->value : 0;
		nrep_state(c, CS_JOB);
		job_frame(c, f);
		return;
	case CS_OFFR:
		nofr_frame(c, f);
		return;
	case CS_OFFER:
		nofr_other(c, f);
		return;
	case CS_PULLED:		/* its job, or DROP (net_offer.c) */
		if (memcmp(f->tok, "JOB_", 4) != 0 || f->value != c->jobid) {
			nofr_other(c, f);
			return;
		}
		nrep_state(c, CS_JOB);
		/* FALLTHROUGH */
	case CS_JOB:
		job_frame(c, f);
		return;
	case CS_GSSWAIT:
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
	struct net	*n = c->n;
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct proto_frame f;
	const uint8_t	*p;
	ssize_t		 r;
	char		 err[256];

	if (!c->authed)
		return;		/* auth_conn() calls us once it has decided */
	while (c->state != CS_CLOSING && evbuffer_get_length(in) > 0) {
		if (c->state == CS_GSSWAIT) {
			nrep_refuse(c, 0, PROTO_R_PROTO, "data before the "
			    "Kerberos exchange ended");
			return;
		}
		if (c->state == CS_WAIT) {
			/* Version 1 has no pipelining. */
			nrep_refuse(c, c->jobid, PROTO_R_PROTO, "data while "
			    "job %u runs (pipelining is not part of "
			    "protocol 1)", c->jobid);
			return;
		}
		if ((r = proto_evpull(in, &n->dialect, &f, &p, err,
		    sizeof(err))) == -1) {
			nrep_refuse(c, c->jobid, PROTO_R_PROTO, "%s", err);
			return;
		}
		/* a size refused from the header, before its payload */
		if (f.tok[0] != '\0' && c->state != CS_HELLO &&
		    check_size(c, &f) == -1)
			return;
		if (r == 0) {
			bufferevent_setwatermark(bev, EV_READ, f.need, 0);
			return;
		}
		if (c->state == CS_JOB || ((c->state == CS_IDLE ||
		    c->state == CS_PULLED) && memcmp(f.tok, "JOB_", 4) == 0)) {
			struct ipc_job	 ij;

			/*
			 * Keep the raw frames (the runner decodes them again)
			 * after who sent them (struct ipc_job).
			 */
			memset(&ij, 0, sizeof(ij));
			memcpy(ij.client, c->who.fp, sizeof(ij.client));
			if ((c->state != CS_JOB && proto_buf_append(&c->fwd,
			    &ij, sizeof(ij)) == -1) ||
			    proto_buf_append(&c->fwd, p, f.need) == -1)
				fatalx("out of memory");
		}
		conn_frame(c, &f);
		evbuffer_drain(in, f.need);
		n->cnt.bytes_in += f.need;
		bufferevent_setwatermark(bev, EV_READ, PROTO_HDRLEN, 0);
	}
}

static void
conn_written(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;

	if (c->prio_pending && bufferevent_priority_set(bev, PRIO_CLIENT) == 0)
		c->prio_pending = 0;	/* else: an event queued, next time */
	if (c->state == CS_CLOSING)
		nconn_free(c);
	else
		nconn_maybe_exit(c->n);
}

static void
conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn	*c = arg;
	struct net	*n = c->n;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		if (c->state == CS_HELLO)
			auth_conn(c);
		return;
	}
	if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_READING)) {
		switch (c->state) {
		case CS_JOB:
		case CS_OFFR:
			nrep_refuse(c, c->jobid, PROTO_R_PROTO, "%s "
			    "incomplete after %d s without data", c->state ==
			    CS_JOB ? "job" : "offer", JOB_TIMEOUT);
			return;
		case CS_PULLED:	/* nconn_free gives the slot up */
			nrep_refuse(c, c->jobid, PROTO_R_PROTO, "offer %u "
			    "pulled, but neither its job nor DROP came within "
			    "%d s", c->jobid, PULL_TIMEOUT);
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
			n->preauth_failed_hook(n, c->peer, "TLS handshake "
			    "failed");
			log_debug("%s: TLS handshake: %s", c->peer, e != 0 &&
			    ERR_reason_error_string(e) != NULL ?
			    ERR_reason_error_string(e) : "failed");
		} else if (e != 0)
			log_info("%s: TLS: %s", c->peer,
			    ERR_reason_error_string(e) != NULL ?
			    ERR_reason_error_string(e) : "error");
		else
			log_debug("%s: %s", c->peer,
			    evutil_socket_error_to_string(
			    EVUTIL_SOCKET_ERROR()));
	}
	else if (what & BEV_EVENT_TIMEOUT)
		log_info("%s: not reading its answer, closed", c->peer);
	nconn_free(c);
}

/* The handshake and the hello did not come within PREAUTH_S. */
static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;
	struct net	*n = c->n;

	(void)fd;
	(void)what;
	if (c->state != CS_HELLO && c->state != CS_GSS &&
	    c->state != CS_GSSWAIT)
		return;
	n->preauth_failed_hook(n, c->peer, !c->authed ? "no TLS handshake "
	    "in time" : c->state == CS_HELLO ? "no hello in time" :
	    "no Kerberos authentication in time");
	if (!c->authed) {
		log_debug("%s: no TLS handshake within %d s", c->peer,
		    PREAUTH_S);
		nconn_free(c);
		return;
	}
	nrep_refuse(c, 0, PROTO_R_PROTO, "no %s within %d s", c->state ==
	    CS_HELLO ? "hello" : "Kerberos authentication", PREAUTH_S);
}

/*
 * An identified client (kind: "key", "user") may use the server if
 * there is room: it leaves the gate of unknown peers and counts toward
 * max_conns.  Returns 0, or -1 with c refused.
 */
static int
admit_client(struct conn *c, const char *kind, const char *name)
{
	struct net	*n = c->n;

	if (n->nconns >= n->conf.max_conns) {
		nrep_refuse(c, 0, PROTO_R_BUSY, "too many connections (%u)",
		    n->conf.max_conns);
		return -1;
	}
	gate_leave(&n->pre, c->family, c->addr);
	/*
	 * A bufferevent's priority may change only from its own callbacks
	 * (auth_conn runs in its event callback): changed from kauth's IPC
	 * callback while its events were queued, libevent 2.1's active
	 * queues broke and net spun (t_krb).  Kerberos clients get theirs
	 * in conn_written, once their GSS_ answer is written.
	 */
	if (n->trust == TLS_KRB5)
		c->prio_pending = 1;
	else
		bufferevent_priority_set(c->bev, PRIO_CLIENT);
	c->gated = 0;
	c->counted = 1;
	n->nconns++;
	log_info("%s: accepted %s %s (%s)", c->peer, kind, name, c->who.fp);
	return 0;
}

/* May user name (escaped: ename) with groups compile here? */
static int
user_allowed(struct conn *c, const char *ename)
{
	struct net	*n = c->n;

	if (srvconf_user_allowed(&n->conf, c->who.name,
	    (const char (*)[64])c->who.groups, c->who.ngroups))
		return 1;
	if (log_rate(&n->rl_auth, "refusals before the hello"))
		log_info("%s: refused user %s (%s): not in allow_users or "
		    "allow_groups", c->peer, ename, c->who.fp);
	nrep_refuse(c, 0, PROTO_R_AUTH, "user %s may not compile here "
	    "(allow_users, allow_groups)", ename);
	return 0;
}

void
nconn_gss_result(struct net *n, uint32_t id, const uint8_t *p, size_t len)
{
	struct ipc_gss_res r;
	struct proto_buf b;
	struct conn	*c;
	const uint8_t	*tok;
	size_t		 toklen, i;
	char		 name[IDENT_NAME_MAX * 4], pr[sizeof(r.principal) * 4];

	TAILQ_FOREACH(c, &n->conns, entry)
		if (c->state == CS_GSSWAIT && c->gss_key == id)
			break;
	if (c == NULL)
		return;		/* it went away meanwhile */
	if (ngss_result(p, len, &r, &tok, &toklen) == -1)
		fatalx("kauth: a malformed answer");
	if (!r.ok) {
		if (log_rate(&n->rl_auth, "refusals before the hello"))
			log_info("%s: refused Kerberos client: %s", c->peer,
			    r.why);
		nrep_refuse(c, 0, PROTO_R_AUTH, "%s", r.why);
		return;
	}
	memset(&c->who, 0, sizeof(c->who));
	snprintf(c->who.name, sizeof(c->who.name), "%s", r.user);
	snprintf(c->who.fp, sizeof(c->who.fp), "krb5:%s", r.user);
	for (i = 0; i < r.ngroups; i++)
		memcpy(c->who.groups[i], r.groups[i], sizeof(r.groups[i]));
	c->who.ngroups = r.ngroups;
	log_escape(name, sizeof(name), r.user, strlen(r.user));
	log_escape(pr, sizeof(pr), r.principal, strlen(r.principal));
	if (!user_allowed(c, name) || admit_client(c, "Kerberos user",
	    name) == -1)
		return;
	log_debug("%s: principal %s, ticket valid %u s more", c->peer, pr,
	    r.lifetime);
	c->gss_until = mono_ms() + (uint64_t)r.lifetime * 1000;
	evtimer_del(c->deadline);
	proto_buf_init(&b);
	if (proto_put_payload(&b, "GSS_", tok, toklen) == -1)
		fatalx("out of memory");
	nrep_write(c, b.data, b.len);
	proto_buf_free(&b);
	nrep_state(c, CS_IDLE);
	conn_read(c->bev, c);
}

/*
 * The handshake is done: decide whether this client may use the server,
 * and log the decision with its identity.  A refused client gets the
 * reason as a refusal frame, inside TLS.
 */
static void
auth_conn(struct conn *c)
{
	struct net	*n = c->n;
	SSL		*ssl = bufferevent_openssl_get_ssl(c->bev);
	char		 why[256], name[IDENT_NAME_MAX * 4];
	const char	*kind = n->trust == TLS_SITE ? "user" : "key";

	if (n->trust == TLS_KRB5) {
		/* who it is comes from its GSS_ frame, after the hello */
		c->authed = 1;
		conn_read(c->bev, c);
		return;
	}
	if (tls_peer_check(ssl, n->trust, 0, &c->who, why, sizeof(why)) ==
	    -1) {
		if (log_rate(&n->rl_auth, "refusals before the hello"))
			log_info("%s: refused %s %s: %s", c->peer, kind,
			    c->who.fp[0] != '\0' ? c->who.fp : "(none)", why);
		nrep_refuse(c, 0, PROTO_R_AUTH, "%s", why);
		return;
	}
	log_escape(name, sizeof(name), c->who.name, strlen(c->who.name));
	/* The address was checked at accept (admit). */
	if ((n->trust == TLS_SITE && !user_allowed(c, name)) ||
	    admit_client(c, kind, name) == -1)
		return;
	c->authed = 1;
	conn_read(c->bev, c);
}

int
nconn_new(struct net *n, int fd, int family, const uint8_t *addr,
    const char *peer)
{
	struct conn	*c;
	SSL		*ssl = NULL;
	struct timeval	 tv = { PREAUTH_S, 0 };

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -1;
	c->n = n;
	c->family = family;
	memcpy(c->addr, addr, sizeof(c->addr));
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	if ((c->deadline = evtimer_new(n->base, on_deadline, c)) == NULL ||
	    (ssl = SSL_new(n->tls)) == NULL ||
	    (c->bev = bufferevent_openssl_socket_new(n->base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		if (c->deadline != NULL)
			event_free(c->deadline);
		/* libevent freed ssl (BEV_OPT_CLOSE_ON_FREE) */
		free(c);
		return -1;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
	bufferevent_priority_set(c->bev, PRIO_UNKNOWN);
	event_priority_set(c->deadline, PRIO_UNKNOWN);
	c->gated = 1;
	c->num = ++n->nextconn;
	proto_job_reader_init(&c->jr, &n->lim);
	proto_buf_init(&c->fwd);
	TAILQ_INSERT_TAIL(&n->conns, c, entry);
	n->cnt.connections++;
	bufferevent_setcb(c->bev, conn_read, conn_written, conn_event, c);
	bufferevent_setwatermark(c->bev, EV_READ, 1, 0);
	nrep_state(c, CS_HELLO);
	evtimer_add(c->deadline, &tv);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	log_debug("%s: connected", c->peer);
	/* Who it is is known after the handshake: auth_conn(). */
	return 0;
}

void
nconn_answer(struct conn *c, const uint8_t *p, size_t len)
{
	nrep_keep_stop(c);
	nrep_write(c, p, len);
	nrep_state(c, CS_IDLE);
	/* Bytes that came while the job ran were refused already. */
}

static void
on_exit_timer(evutil_socket_t fd, short what, void *arg)
{
	struct net	*n = arg;

	(void)fd;
	(void)what;
	log_debug("exit: %u connections still had data", n->nconns +
	    n->nclosing);
	exit(0);
}

void
nconn_maybe_exit(struct net *n)
{
	struct conn	*c;
	struct timeval	 tv = { EXIT_WAIT, 0 };

	if (!n->runner_gone)
		return;
	TAILQ_FOREACH(c, &n->conns, entry)
		if (evbuffer_get_length(bufferevent_get_output(c->bev)) > 0) {
			if (n->exit_timer == NULL) {
				n->exit_timer = evtimer_new(n->base,
				    on_exit_timer, n);
				if (n->exit_timer == NULL ||
				    evtimer_add(n->exit_timer, &tv) == -1)
					exit(0);
			}
			return;
		}
	exit(0);
}
