/*
 * sconn.c - the agent's connections to servers: a connection per job in
 * flight plus idle ones kept for the next (struct sconn, on its host's
 * idle list), each a small state machine: CONNECTING (TCP, TLS), the
 * handshake judged (atrust_verify) before any byte is written, HELLO,
 * then JOB and IDLE in turn.  Everything a server sends is hostile: it
 * goes through proto_evpull and the result reader, and anything
 * malformed, oversized, late or out of order fails the job on that
 * server and closes the connection.  The agent hears of answers and
 * failures through its callbacks (struct agent_cb, agent_int.h) and
 * decides where the job goes next.  Start reading at sconn_send().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>

#include "agent/adcc.h"
#include "agent/agent_int.h"
#include "common/log.h"

static void	sconn_free(struct sconn *sc);
static struct sconn *sconn_new(struct ahost *h, char *err, size_t errlen);
static void	sconn_read(struct bufferevent *, void *);
static void	sconn_event(struct bufferevent *, short, void *);

/* h went silent: asock_lost, and its idle connections are as dead. */
static void
host_lost(struct ahost *h)
{
	sconn_drop_idle(h);
	asock_lost(h);
}

/* One of our jobs on h ended (answered, refused or failed). */
static void
host_job_ended(struct ahost *h)
{
	if (h->inflight > 0)
		h->inflight--;
	if (h->freed < h->slots)
		h->freed++;
}

void
sconn_drop_idle(struct ahost *h)
{
	while (h->idle != NULL)
		/* sconn_free unlinks it: not a use after free */
		sconn_free(h->idle);	/* NOLINT(clang-analyzer-unix.Malloc) */
}

void
sconn_warm(struct ahost *h)
{
	struct sconn	*sc;
	size_t		 i;
	unsigned	 total = 0;
	char		 err[256];

	if (h->dcc != NULL) {
		adcc_warm(h);	/* a distccd: no hello to warm up */
		return;
	}
	if (h->gone || h->untrusted[0] != '\0' || h->nss == 0 ||
	    h->nconn > 0 || !place_up(&h->bo, mono_ms()))
		return;
	for (i = 0; i < h->a->nhosts; i++)
		total += h->a->hosts[i]->nconn;
	if (total >= AGENT_WARM_MAX && !h->needprobe)
		return;
	if ((sc = sconn_new(h, err, sizeof(err))) == NULL) {
		log_debug("%s: %s", h->name, err);
		return;
	}
	if (proto_hello_encode(&sc->pending, PROTO_VERSION) == -1)
		sconn_free(sc);
}

static void
idle_unlink(struct sconn *sc)
{
	struct sconn	**p;

	for (p = &sc->h->idle; *p != NULL; p = &(*p)->next)
		if (*p == sc) {
			*p = sc->next;
			break;
		}
	sc->next = NULL;
}

/* sc's offer (or its withdrawal) is over: no longer held at sc->h. */
static void
held_end(struct sconn *sc)
{
	if (sc->held) {
		sc->held = 0;
		sc->h->nheld--;
	}
}

static void
sconn_free(struct sconn *sc)
{
	if (sc == NULL)
		return;
	held_end(sc);
	if (sc->state == SC_IDLE)
		idle_unlink(sc);
	if (sc->job != NULL)
		host_job_ended(sc->h);
	sc->h->nconn--;
	bufferevent_free(sc->bev);
	proto_result_reader_free(&sc->rr);
	proto_buf_free(&sc->ans);
	proto_buf_free(&sc->pending);
	agss_free(sc);
	free(sc);
}

static struct sconn *
sconn_new(struct ahost *h, char *err, size_t errlen)
{
	struct sconn	*sc;
	SSL		*ssl = NULL;

	if ((sc = calloc(1, sizeof(*sc))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	sc->h = h;
	sc->nextid = 1;
	proto_result_reader_init(&sc->rr, 0, 0, &h->a->lim);
	proto_buf_init(&sc->pending);
	if ((ssl = SSL_new(h->a->tls)) == NULL ||
	    (sc->bev = bufferevent_openssl_socket_new(h->a->base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		/* libevent freed ssl (BEV_OPT_CLOSE_ON_FREE) */
		snprintf(err, errlen, "out of memory");
		free(sc);
		return NULL;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(sc->bev, 1);
	h->nconn++;
	sc->state = SC_CONNECTING;
	bufferevent_setcb(sc->bev, sconn_read, NULL, sconn_event, sc);
	asock_timeouts(sc);
	bufferevent_enable(sc->bev, EV_READ | EV_WRITE);
	if (asock_connect(sc->bev, h, err, errlen) == -1) {
		sconn_free(sc);
		return NULL;
	}
	/*
	 * Nothing is written before atrust_verify() accepted the server: the
	 * hello and the first job wait in sc->pending.
	 */
	return sc;
}

/* Before the server is verified, frames wait in sc->pending. */
static int
preauth(const struct sconn *sc)
{
	return sc->state == SC_CONNECTING || sc->state == SC_HELLO ||
	    sc->state == SC_GSS;
}

/* b to the server: written, or held until it is verified; 0 or -1. */
static int
sconn_put(struct sconn *sc, const struct proto_buf *b)
{
	return preauth(sc) ? proto_buf_append(&sc->pending, b->data, b->len) :
	    bufferevent_write(sc->bev, b->data, b->len);
}

/* A connection to h for the next job or offer: an idle one, or new. */
static struct sconn *
sconn_take(struct ahost *h, uint32_t *id, struct proto_buf *b, char *err,
    size_t errlen)
{
	struct sconn	*sc;

	if ((sc = h->idle) != NULL) {
		idle_unlink(sc);
		sc->state = SC_JOB;
		sc->reused = 1;
	} else if ((sc = sconn_new(h, err, errlen)) == NULL)
		return NULL;
	*id = sc->nextid++;
	if (sc->nextid == 0)
		sc->nextid = 1;
	proto_buf_init(b);
	if (sc->state == SC_CONNECTING &&
	    proto_hello_encode(b, PROTO_VERSION) == -1) {
		snprintf(err, errlen, "out of memory");
		proto_buf_free(b);
		sconn_free(sc);
		return NULL;
	}
	return sc;
}

/* Job j to sc under id, after what b holds already; 0 or -1 (err). */
static int
put_job(struct sconn *sc, struct ajob *j, uint32_t id, struct proto_buf *b,
    char *err, size_t errlen)
{
	struct ahost	*h = sc->h;

	if (proto_put_value(b, "JOB_", id) == -1 ||
	    proto_put_payload(b, "TCID", j->tcid, strlen(j->tcid)) == -1 ||
	    proto_buf_append(b, j->fwd.data, j->fwd.len) == -1 ||
	    proto_put_value(b, "JEND", id) == -1 || sconn_put(sc, b) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	proto_result_reader_free(&sc->rr);
	proto_result_reader_init(&sc->rr, id, j->job.want, &h->a->lim);
	proto_buf_reset(&sc->ans);
	sc->got_answer = 0;
	sc->job = j;
	j->sc = sc;
	j->t_sent = mono_ms();
	h->inflight++;
	if (!preauth(sc))
		sc->state = SC_JOB;
	asock_timeouts(sc);
	return 0;
}

int
sconn_send(struct ahost *h, struct ajob *j, char *err, size_t errlen)
{
	struct sconn	*sc;
	struct proto_buf b;
	uint32_t	 id;
	int		 rc;

	if (h->dcc != NULL)
		return adcc_send(h, j, err, errlen);
	if ((sc = sconn_take(h, &id, &b, err, errlen)) == NULL)
		return -1;
	rc = put_job(sc, j, id, &b, err, errlen);
	proto_buf_free(&b);
	if (rc == -1)
		sconn_free(sc);
	return rc;
}

struct sconn *
sconn_offer(struct ahost *h, struct ajob *j, char *err, size_t errlen)
{
	struct sconn	*sc;
	struct proto_buf b;
	uint32_t	 id;

	if ((sc = sconn_take(h, &id, &b, err, errlen)) == NULL)
		return NULL;
	if (soffer_encode(j, id, &b, err, errlen) == -1 ||
	    sconn_put(sc, &b) == -1) {
		snprintf(err, errlen, "out of memory");
		proto_buf_free(&b);
		sconn_free(sc);
		return NULL;
	}
	proto_buf_free(&b);
	proto_result_reader_free(&sc->rr);
	proto_result_reader_init(&sc->rr, id, 0, &h->a->lim);
	sc->offer = j;
	sc->offer_id = id;
	sc->pst = 0;
	sc->held = 1;
	h->nheld++;
	if (!preauth(sc))
		sc->state = SC_OFFER;
	asock_timeouts(sc);
	return sc;
}

int
sconn_take_offer(struct sconn *sc, char *err, size_t errlen)
{
	struct ajob	*j = sc->offer;
	struct proto_buf b;
	int		 rc;

	sc->offer = NULL;
	held_end(sc);
	proto_buf_init(&b);
	rc = put_job(sc, j, sc->offer_id, &b, err, errlen);
	proto_buf_free(&b);
	if (rc == -1)
		sconn_free(sc);
	return rc;
}

void
sconn_withdraw(struct sconn *sc)
{
	struct proto_buf b;

	sc->offer = NULL;
	proto_buf_init(&b);
	if (proto_drop_encode(sc->offer_id, &b) == -1 ||
	    sconn_put(sc, &b) == -1) {
		proto_buf_free(&b);
		sconn_free(sc);
		return;
	}
	proto_buf_free(&b);
	if (preauth(sc))
		sc->dropping = 1;	/* authed() makes it DROPPING */
	else
		sc->state = SC_DROPPING;
	asock_timeouts(sc);
}

void
sconn_cancel(struct sconn *sc)
{
	if (sc != NULL && sc->dcc != NULL) {
		adcc_cancel(sc);
		return;
	}
	/* the server is in the middle of the job: the connection is lost */
	if (sc != NULL)
		sc->job->sc = NULL;
	sconn_free(sc);
}

void
sconn_release(struct sconn *sc)
{
	struct ahost	*h = sc->h;

	if (sc->job != NULL) {
		sc->job->sc = NULL;
		sc->job = NULL;
		host_job_ended(h);
	}
	held_end(sc);
	if (h->gone || evbuffer_get_length(bufferevent_get_input(sc->bev))) {
		sconn_free(sc);
		return;
	}
	sc->state = SC_IDLE;
	sc->next = h->idle;
	h->idle = sc;
	asock_timeouts(sc);
}

/*
 * The job on sc failed.  The connection is closed; the agent (ajob.c)
 * decides where the job goes next.
 */
static void
sconn_fail(struct sconn *sc, int fault, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
sconn_fail(struct sconn *sc, int fault, const char *fmt, ...)
{
	struct ajob	*j = sc->job, *o = sc->offer;
	struct ahost	*h = sc->h;
	char		 why[256];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (j != NULL)
		j->sc = NULL;
	sconn_free(sc);
	if (j != NULL)
		h->a->cb->job_failed(j, h, fault, why);
	else if (o != NULL) {
		if (fault == AGENT_F_HOST) {
			place_failed(&h->bo, mono_ms());
			h->nfail++;
		}
		snprintf(h->lasterr, sizeof(h->lasterr), "%.150s", why);
		h->a->cb->offer_lost(o, sc, why);
	} else if (h->needprobe) {
		log_info("%s: probe failed: %s", h->name, why);
		place_failed(&h->bo, mono_ms());
		host_lost(h);
	} else
		log_debug("%s: idle connection: %s", h->name, why);
}

/* A refusal of the job (not of the hello) on sc. */
static void
on_refusal(struct sconn *sc, const struct proto_result *res)
{
	struct ajob	*j = sc->job, *o = sc->offer;
	struct ahost	*h = sc->h;
	char		 msg[300];
	int		 fault;

	log_escape(msg, sizeof(msg), res->msg, strlen(res->msg));
	switch (res->reason) {
	case PROTO_R_TOOLCHAIN:
		aplace_bad_tc(h, (j != NULL ? j : o)->tcid);
		fault = AGENT_F_TC;
		break;
	case PROTO_R_NOTCOMPILE:
	case PROTO_R_POLICY:
	case PROTO_R_TOOLARGE:
		fault = AGENT_F_JOB;	/* any server would say the same */
		break;
	default:		/* busy, shutdown, auth, internal, proto */
		fault = AGENT_F_HOST;
		break;
	}
	if (sc->hello_refused) {
		log_warnx("server %s refused us: %s", h->name, msg);
		if (res->reason == PROTO_R_AUTH && h->krb[0] != '\0')
			atrust_krb_failed(h, msg);
		if (j != NULL) {
			sc->job = NULL;
			j->sc = NULL;
			host_job_ended(h);
		}
		sc->offer = NULL;
		sconn_free(sc);
	} else
		/* a refusal ends cleanly: the connection can serve again */
		sconn_release(sc);
	if (j != NULL) {
		h->a->cb->job_failed(j, h, fault, msg);
		return;
	}
	/* an offer's hello refused: the server's reason, as for a job */
	place_failed(&h->bo, mono_ms());
	h->nfail++;
	snprintf(h->lasterr, sizeof(h->lasterr), "%.150s", msg);
	h->a->cb->offer_lost(o, sc, msg);
}

/*
 * The server ended the offer on sc with res: refused it, or ended a
 * withdrawn one (DROPPING).  The connection serves again.
 */
static void
offer_ended(struct sconn *sc, const struct proto_result *res)
{
	struct ajob	*o = sc->offer;
	char		 msg[300];

	if (!res->refused) {
		sconn_fail(sc, AGENT_F_HOST, "a result for an offer");
		return;
	}
	log_escape(msg, sizeof(msg), res->msg, strlen(res->msg));
	if (o != NULL && res->reason == PROTO_R_TOOLCHAIN)
		aplace_bad_tc(sc->h, o->tcid);
	if (o != NULL)	/* the server's words, if the job stays here */
		snprintf(sc->h->lasterr, sizeof(sc->h->lasterr), "%.150s",
		    msg);
	sc->offer = NULL;
	sconn_release(sc);
	if (o != NULL) {
		log_debug("%s: offer of %s refused: %s", sc->h->name,
		    o->job.srcname, msg);
		sc->h->a->cb->offer_lost(o, sc, msg);
	}
}

/* The answer on sc is complete (its bytes are drained from the input). */
static void
sconn_done(struct sconn *sc)
{
	struct proto_result res;

	struct ajob	*j = sc->job;
	struct place_speed *sp;

	proto_result_init(&res);
	proto_result_reader_take(&sc->rr, &res);
	if (sc->state == SC_OFFER || sc->state == SC_DROPPING) {
		offer_ended(sc, &res);
		proto_result_free(&res);
		return;
	}
	if (sc->h->needprobe && !sc->hello_refused) {
		/* an answer is as good a sign of life as a probe's */
		log_info("%s answers again", sc->h->name);
		sc->h->needprobe = 0;
	}
	if (res.refused)
		on_refusal(sc, &res);
	else {
		/* a clean compile teaches the host's speed for the toolchain */
		if (res.status == 0 && !sc->hello_refused &&
		    (sp = aplace_speed(&sc->h->spd, j->tcid, 1)) != NULL)
			aplace_learn(sc->h->a, j, sp, (double)res.compile_ms);
		asock_rtt(sc->bev, &sc->h->srtt_ms);
		j->rstatus = res.status;	/* for the JOBS query */
		sc->h->a->cb->job_answered(j, sc);
		sconn_release(sc);
	}
	proto_result_free(&res);
}

/*
 * The server on sc is who we want (its handshake verified, and for a
 * Kerberos server its answer checked): the held job frames go now.
 * Returns 2 for a warm-up connection (sconn_read idles it), 0 to read
 * the job's answer, -1 if sc was freed.
 */
static int
authed(struct sconn *sc)
{
	if (sc->pending.len > 0 && bufferevent_write(sc->bev,
	    sc->pending.data, sc->pending.len) == -1) {
		sconn_fail(sc, AGENT_F_HOST, "out of memory");
		return -1;
	}
	proto_buf_free(&sc->pending);
	if (sc->offer != NULL || sc->dropping) {
		sc->state = sc->offer != NULL ? SC_OFFER : SC_DROPPING;
		sc->dropping = 0;
		asock_timeouts(sc);
		return 0;
	}
	if (sc->job == NULL)
		return 2;
	sc->state = SC_JOB;
	asock_timeouts(sc);
	return 0;
}

/*
 * The server refused us before a job (what: "hello", "Kerberos"), its
 * first frame f: a warm-up connection fails at once (-1, sc freed); a
 * job's or an offer's goes on to read the refusal's reason as its
 * answer (0).
 */
static int
refused_early(struct sconn *sc, const struct proto_frame *f, const char *what)
{
	if (sc->job == NULL && sc->offer == NULL) {
		sconn_fail(sc, AGENT_F_HOST, "%s refused (%s)", what,
		    proto_reason_name(f->value));
		return -1;
	}
	proto_result_reader_free(&sc->rr);
	proto_result_reader_init(&sc->rr, 0, 0, &sc->h->a->lim);
	sc->hello_refused = 1;
	sc->state = SC_JOB;
	return 0;
}

/*
 * One frame from the server on sc.  Returns 0 to go on, 1 when the
 * answer is complete, 2 when a warm-up hello was answered, 3 when an
 * offer was pulled, -1 if sc was freed.
 */
static int
sconn_frame(struct sconn *sc, const struct proto_frame *f, const uint8_t *raw)
{
	char		 err[256];
	uint32_t	 version;
	int		 rc;

	switch (sc->state) {
	case SC_CONNECTING:
	case SC_HELLO:
		if (memcmp(f->tok, "CCPL", 4) == 0) {
			if (proto_hello_decode(f, &version, err,
			    sizeof(err)) == -1 ||
			    version < PROTO_VERSION_MIN ||
			    version > PROTO_VERSION) {
				sconn_fail(sc, AGENT_F_HOST, "hello: server "
				    "chose version %u", (unsigned)f->value);
				return -1;
			}
			if (sc->t_hello_us != 0)
				aplace_rtt(&sc->h->srtt_ms, (double)(mono_us() -
				    sc->t_hello_us) / 1000.0);
			if (sc->gctx != GSS_C_NO_CONTEXT) {
				sc->state = SC_GSS;	/* its answer next */
				return 0;
			}
			return authed(sc);
		}
		/* a refused hello (RFSE MSG_ DONE 0): read it for its reason */
		if (refused_early(sc, f, "hello") == -1)
			return -1;
		break;
	case SC_GSS:
		if (memcmp(f->tok, "GSS_", 4) == 0) {
			if (agss_finish(sc, f, err, sizeof(err)) == -1) {
				atrust_krb_failed(sc->h, err);
				sconn_fail(sc, AGENT_F_HOST, "%s", err);
				return -1;
			}
			return authed(sc);
		}
		/* refused (RFSE MSG_ DONE 0): read it for its reason */
		agss_free(sc);
		if (refused_early(sc, f, "Kerberos") == -1)
			return -1;
		break;
	case SC_IDLE:
		sconn_fail(sc, AGENT_F_HOST, "%.4s on an idle connection",
		    f->tok);
		return -1;
	case SC_JOB:
		break;
	case SC_OFFER:
	case SC_DROPPING:
		if (sc->pst == 0 && memcmp(f->tok, "PULL", 4) != 0)
			break;		/* a refusal ends the offer */
		if ((rc = soffer_pull(sc, f, err, sizeof(err))) == -1) {
			sconn_fail(sc, AGENT_F_HOST, "bad pull: %s", err);
			return -1;
		}
		return rc == PROTO_DONE && sc->state == SC_OFFER ? 3 : 0;
	}
	rc = proto_result_feed(&sc->rr, f, err, sizeof(err));
	if (rc == -1) {
		sconn_fail(sc, AGENT_F_HOST, "bad answer: %s", err);
		return -1;
	}
	if (rc == PROTO_KEEPALIVE)
		return 0;	/* the read timeout restarts by itself */
	sc->got_answer = 1;
	if (proto_buf_append(&sc->ans, raw, f->need) == -1) {
		sconn_fail(sc, AGENT_F_HOST, "out of memory");
		return -1;
	}
	return rc == PROTO_DONE ? 1 : 0;
}

/*
 * Parse whole frames off the front of in.  The header decides the
 * verdict, so a hostile length is refused before its payload arrives.
 */
static void
sconn_read(struct bufferevent *bev, void *arg)
{
	struct sconn	*sc = arg;
	struct ahost	*h;
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct proto_frame f;
	const uint8_t	*p;
	char		 err[256];
	size_t		 need;
	ssize_t		 n;

	for (;;) {
		if ((n = proto_evpull(in, &sc->h->a->dialect, &f, &p, err,
		    sizeof(err))) == -1) {
			sconn_fail(sc, AGENT_F_HOST, "garbage: %s", err);
			return;
		}
		if (n == 0)
			return;
		need = f.need;
		switch (sconn_frame(sc, &f, p)) {
		case -1:
			return;
		case 1:
			evbuffer_drain(in, need);
			sconn_done(sc);
			return;
		case 2:
			evbuffer_drain(in, need);
			h = sc->h;
			if (h->needprobe) {
				log_info("%s answers again", h->name);
				h->needprobe = 0;
				place_succeeded(&h->bo);
			}
			sconn_release(sc);	/* may free sc */
			/* verified: held jobs may go there now */
			h->a->cb->hosts_changed(h->a);
			return;
		case 3:
			evbuffer_drain(in, need);
			sc->h->a->cb->offer_pulled(sc->offer, sc);
			return;
		}
		evbuffer_drain(in, need);
	}
}

/* Why sc's connection failed (asock_why). */
static const char *
conn_why(struct sconn *sc, short what, int err, char *buf, size_t len)
{
	return asock_why(sc->bev, sc->state == SC_CONNECTING, what, err, buf,
	    len);
}

/*
 * An event on sc, which carries neither job nor offer: a probe's hello,
 * an idle connection, or a withdrawn offer's (DROPPING).
 */
static void
jobless_event(struct sconn *sc, short what, int err)
{
	struct ahost	*h = sc->h;
	char		 why[256];

	if (sc->state == SC_HELLO && h->needprobe) {
		sconn_fail(sc, AGENT_F_HOST, "hello: %s",
		    conn_why(sc, what, err, why, sizeof(why)));
		return;
	}
	if (sc->state == SC_DROPPING && (what & BEV_EVENT_TIMEOUT))
		/* a live server ends a withdrawn offer at once */
		log_info("%s: no answer to a withdrawn offer in %d s",
		    h->name, AGENT_CONNECT_SEC);
	else if (sc->state == SC_IDLE && (what & BEV_EVENT_ERROR) &&
	    err == ETIMEDOUT)
		/* TCP keepalive: the host vanished while we idled */
		log_info("%s: idle connection timed out", h->name);
	else {
		sconn_free(sc);		/* an idle connection closed or aged */
		return;
	}
	sconn_free(sc);
	if (!h->needprobe) {
		place_failed(&h->bo, mono_ms());
		host_lost(h);
	}
}

static void
sconn_event(struct bufferevent *bev, short what, void *arg)
{
	struct sconn	*sc = arg;
	struct ahost	*h = sc->h;
	int		 err = EVUTIL_SOCKET_ERROR(), rc;
	char		 why[256];

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		if (atrust_verify(h, bufferevent_openssl_get_ssl(sc->bev)) ==
		    -1) {
			sconn_fail(sc, AGENT_F_HOST, "untrusted: %s",
			    h->untrusted);
			return;
		}
		if ((rc = agss_hello(sc, why, sizeof(why))) < 0) {
			if (rc == -2)
				atrust_krb_failed(h, why);
			sconn_fail(sc, AGENT_F_HOST, "%s", why);
			return;
		}
		sc->state = SC_HELLO;
		sc->t_hello_us = mono_us();
		asock_timeouts(sc);
		return;
	}
	if (sc->state == SC_CONNECTING) {
		/* next time, try the host's next address */
		if (h->nss > 0)
			h->cur = (h->cur + 1) % h->nss;
		if (sc->job != NULL)
			host_lost(h);
		sconn_fail(sc, AGENT_F_HOST, "connect %s: %s", h->where,
		    conn_why(sc, what, err, why, sizeof(why)));
		return;
	}
	if (sc->job == NULL && sc->offer == NULL) {
		jobless_event(sc, what, err);
		return;
	}
	if ((what & BEV_EVENT_TIMEOUT) || err == ETIMEDOUT) {
		/* silent: a frozen process, a dead link, a vanished host */
		host_lost(h);
		sconn_fail(sc, AGENT_F_HOST, "no answer for %d ms",
		    PROTO_KEEPALIVE_TIMEOUT_MS);
		return;
	}
	/*
	 * A reused connection that dies before any answer most likely
	 * timed out idle on the server's side: not the server's fault.
	 */
	if (!(sc->reused && !sc->got_answer))
		host_lost(h);
	sconn_fail(sc, sc->reused && !sc->got_answer ? AGENT_F_STALE :
	    AGENT_F_HOST, "%s", conn_why(sc, what, err, why, sizeof(why)));
}
