/*
 * ajob.c - the agent's wrapper connections and their jobs (struct ajob):
 * a wrapper's hello, its job, where the job goes (aplace_pick), retries
 * on another server, the wait for a slot, and the answer or refusal
 * sent back.  A wrapper speaks ccpool v1 frames (doc/client.md):
 *
 *   CCPL 1        -> CCPL 1 (go ahead) | RFSE MSG_ DONE 0 (compile locally)
 *   JOB_ .. JEND  -> [MSG_ where] KEEP* STAT .. DONE | RFSE MSG_ DONE
 *   CCPL 0        -> CCPL 1, MSG_ per host, DONE 0   (--hosts, -j)
 *
 * A hello's answer may follow MSG_ notices for the user's terminal (a
 * server pinned after the first set, an untrusted one: areport_notice).
 * A job is offered first (late binding, once): to a few servers, the
 * first to pull it gets it, the others' offers are withdrawn; with no
 * pull in time, or no server that takes offers, it is placed as before.
 * The server side reports back through the callbacks ajob_hosts_changed,
 * ajob_answered, ajob_failed, ajob_pulled and ajob_offer_lost (struct
 * agent_cb).  Start reading at
 * ajob_accept(), then on_wrapper_frame().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "agent/agent_int.h"
#include "common/log.h"

static void	ajob_place(struct ajob *j);

void
ajob_idle_arm(struct agent *a)
{
	struct timeval	 tv;
	uint64_t	 now = mono_ms(), left;

	if (a->njobs > 0) {
		evtimer_del(a->idle_ev);
		return;
	}
	/* the deadline stays while only JOBS queries come and go */
	if (a->idle_at == 0)
		a->idle_at = now + (uint64_t)a->idle_sec * 1000;
	left = a->idle_at > now ? a->idle_at - now : 0;
	tv.tv_sec = (time_t)(left / 1000);
	tv.tv_usec = (suseconds_t)(left % 1000) * 1000;
	evtimer_add(a->idle_ev, &tv);
}

/* Write bytes to the wrapper; on failure the wrapper is dropped. */
static int
ajob_write(struct ajob *j, const void *p, size_t len)
{
	if (bufferevent_write(j->bev, p, len) == -1) {
		log_warnx("out of memory writing to a wrapper");
		ajob_free(j);
		return -1;
	}
	return 0;
}


/* Finish the connection once everything written has gone out. */
static void
ajob_close_after_write(struct ajob *j)
{
	j->state = AJ_CLOSING;
	bufferevent_disable(j->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(j->bev)) == 0)
		ajob_free(j);
}

/*
 * The last answer to the wrapper: b if built is 1 (then the connection
 * closes once it has gone out), else the wrapper is dropped.  Frees b.
 */
static void
ajob_answer_last(struct ajob *j, struct proto_buf *b, int built)
{
	if (!built)
		ajob_free(j);
	else if (ajob_write(j, b->data, b->len) == 0)
		ajob_close_after_write(j);
	proto_buf_free(b);
}

/*
 * Tell the wrapper to compile locally: a refusal of the hello (jobid 0)
 * or of the job, with a printable reason.
 */
static void
ajob_refuse(struct ajob *j, uint32_t reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Write the refusal (reason, printable msg) of j's hello (jobid 0) or job
 * to the wrapper.  Returns 0, or -1 when j is gone.
 */
static int
ajob_send_refusal(struct ajob *j, uint32_t reason, const char *msg)
{
	struct proto_buf b;
	char		 err[128];
	int		 rc, hello = j->state == AJ_HELLO || j->state == AJ_HELD;

	proto_buf_init(&b);
	if ((hello && areport_put_notices(j->a, &b) == -1) ||
	    proto_refusal_encode(hello ? 0 : j->job.id, reason, msg,
	    &j->a->lim, &b, err, sizeof(err)) == -1) {
		log_warnx("refusal: %s", err);
		proto_buf_free(&b);
		ajob_free(j);
		return -1;
	}
	rc = ajob_write(j, b.data, b.len);
	proto_buf_free(&b);
	return rc;
}

static void
ajob_refuse(struct ajob *j, uint32_t reason, const char *fmt, ...)
{
	char		 raw[512], msg[1024];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	log_escape(msg, sizeof(msg), raw, strlen(raw));
	if (msg[0] == '\0')
		snprintf(msg, sizeof(msg), "refused");
	if (j->job.srcname != NULL)
		log_info("%s here: %s", j->job.srcname, msg);
	/* the wrapper compiles it itself: a failure it falls back from */
	ajtab_end(j->a->jtab, &j->rec, JOBLINE_FAILED, -1, mono_ms());
	if (ajob_send_refusal(j, reason, msg) == 0)
		ajob_close_after_write(j);
}

/*
 * Placed here: the wrapper compiles the job itself (at nice 19: behind
 * the preprocessing that feeds the servers) and its compiler keeps the
 * connection open until it exits: the agent counts the job as running
 * here until then and learns the local speed from the time it took
 * (wrapper_event; not for a job placed at its hello, whose compile
 * preprocesses too and whose size is not known).
 */
static void
ajob_local(struct ajob *j, const char *note)
{
	char	 raw[300], msg[600];

	snprintf(raw, sizeof(raw), "would finish first%s", note);
	log_escape(msg, sizeof(msg), raw, strlen(raw));
	log_info("%s here: %s", j->job.srcname ? j->job.srcname :
	    "a job at its hello", msg);
	if (ajob_send_refusal(j, PROTO_R_LOCAL, msg) == -1)
		return;		/* j is gone */
	j->state = AJ_LOCAL;
	j->t_sent = mono_ms();
	if (!j->rec.running)	/* placed at its hello: no name known */
		ajtab_start(j->a->jtab, &j->rec, j->job.srcname,
		    JOBLINE_LOCAL, j->t_sent);
	j->rec.phase = JOBLINE_LOCAL;
	ajtab_host(&j->rec, "");
	aplace_cpu_local(&j->a->cpu, j->a->cpu.lrun + 1, j->t_sent);
}

/*
 * Would a job like the last one be placed here?  Asked at a wrapper's
 * hello: a job placed here then compiles from its source at once, and
 * its preprocessing, which only a server needs, is never run.  The
 * answer is the placement's own (aplace_pick), for the last job's
 * toolchain and its sizes' running average; no job yet: no.
 */
static int
local_at_hello(struct agent *a)
{
	struct ajob	 like;
	int		 local = 0;

	if (!a->local_ok || a->last_tcid[0] == '\0')
		return 0;
	memset(&like, 0, sizeof(like));
	like.a = a;
	snprintf(like.tcid, sizeof(like.tcid), "%s", a->last_tcid);
	like.in_bytes = a->last_in_bytes;
	(void)aplace_pick(a, &like, &local);
	return local;
}

/* Answer a host query: CCPL 1, one MSG_ per host, DONE 0. */
static void
ajob_hosts(struct ajob *j)
{
	struct proto_buf b;

	proto_buf_init(&b);
	ajob_answer_last(j, &b, areport_put_notices(j->a, &b) == 0 &&
	    proto_hello_encode(&b, PROTO_VERSION) == 0 &&
	    areport_hosts(j->a, &b) == 0 &&
	    proto_put_value(&b, "DONE", 0) == 0);
}

/* The wrapper's hello: go ahead, hold on (cold start), or go local. */
static void
ajob_hello(struct ajob *j, int query)
{
	struct agent	*a = j->a;
	struct proto_buf b;
	char		 why[600];
	int		 rc;

	ahost_pins_check(a);	/* ccpool trust, forget: at once */
	if (!a->warm && (query || !aplace_any_usable(a))) {
		j->state = AJ_HELD;	/* ajob_hosts_changed lets it go */
		j->query = query;
		return;
	}
	if (query) {
		ajob_hosts(j);
		return;
	}
	/* no slot free now but a server to wait for: ajob_place waits */
	if (!aplace_any_usable(a) && !aplace_any_for(a, NULL)) {
		j->state = AJ_HELLO;
		ajob_refuse(j, PROTO_R_BUSY, "%s", areport_none_why(a, NULL, 0,
		    why, sizeof(why)));
		return;
	}
	if (local_at_hello(a)) {
		j->state = AJ_HELLO;	/* the refusal's id is 0 */
		ajob_local(j, " (decided at its hello)");
		return;
	}
	proto_buf_init(&b);
	if (areport_put_notices(a, &b) == -1 ||
	    proto_hello_encode(&b, PROTO_VERSION) == -1) {
		proto_buf_free(&b);
		ajob_free(j);
		return;
	}
	rc = ajob_write(j, b.data, b.len);
	proto_buf_free(&b);
	if (rc == 0) {
		j->state = AJ_JOB;
		proto_job_reader_init(&j->jr, &a->lim);
		j->jr.relay = 1;
	}
}

void
ajob_hosts_changed(struct agent *a)
{
	struct ajob	*j, *next;

	for (j = a->jobs; j != NULL; j = next) {
		next = j->next;
		if (j->state == AJ_HELD && (a->warm || aplace_any_usable(a)))
			ajob_hello(j, j->query);
	}
}

/* The wrapper's job is complete: identify the toolchain, place it. */
static void
ajob_ready(struct ajob *j)
{
	char	 err[512];

	/* the server gets j->fwd as it came: the source is not decoded */
	j->in_bytes = j->jr.srclen;
	proto_job_reader_take(&j->jr, &j->job);
	j->t0 = mono_ms();
	ajtab_start(j->a->jtab, &j->rec, j->job.srcname, JOBLINE_WAIT, j->t0);
	if (j->job.argv[0][0] != '/') {
		ajob_refuse(j, PROTO_R_PROTO, "ARGV[0] is not the absolute "
		    "path of the compiler");
		return;
	}
	if (agent_tc_lookup(j->a->tc, j->job.argv[0], j->tcid,
	    sizeof(j->tcid), err, sizeof(err)) == -1) {
		ajob_refuse(j, PROTO_R_TOOLCHAIN, "toolchain of %s: %s",
		    j->job.argv[0], err);
		return;
	}
	snprintf(j->a->last_tcid, sizeof(j->a->last_tcid), "%s", j->tcid);
	/* how long this file took before, against a job of its size */
	j->hkey = place_hist_key(j->job.cwd, j->job.argv, j->job.argc);
	j->cost = place_hist_cost(&j->a->hist, j->hkey);
	if (j->has_code)
		aplace_code_guess(j->a, j);
	j->a->last_in_bytes = j->a->last_in_bytes == 0 ? j->in_bytes :
	    (3 * j->a->last_in_bytes + j->in_bytes) / 4;
	j->state = AJ_RUN;
	ajob_place(j);
}

/* Try the jobs waiting for a slot again in a moment. */
static void
wait_arm(struct agent *a)
{
	struct timeval	 tv = { 0, (suseconds_t)AGENT_SLOT_POLL_MS * 1000 };

	if (a->wait_ev != NULL && !evtimer_pending(a->wait_ev, NULL))
		evtimer_add(a->wait_ev, &tv);
}

static int
waiting(const struct ajob *j, uint64_t round)
{
	return j->state == AJ_RUN && j->sc == NULL && j->wait_until != 0 &&
	    j->wait_round != round;
}

void
ajob_wait(evutil_socket_t fd, short what, void *arg)
{
	struct agent	*a = arg;
	struct ajob	*j, *oldest;
	static uint64_t	 round;

	(void)fd;
	(void)what;
	round++;
	for (;;) {
		oldest = NULL;
		for (j = a->jobs; j != NULL; j = j->next)
			if (waiting(j, round) && (oldest == NULL ||
			    j->wait_until < oldest->wait_until))
				oldest = j;
		if (oldest == NULL)
			break;
		oldest->wait_round = round;
		ajob_place(oldest);	/* may free it */
	}
	for (j = a->jobs; j != NULL; j = j->next)
		if (j->state == AJ_RUN && j->sc == NULL && j->wait_until != 0) {
			wait_arm(a);
			break;
		}
}

/* j's frames went to h (how: why there), for the JOBS query and log. */
static void
ajob_sent(struct ajob *j, struct ahost *h, const char *how)
{
	/* JOB_, TCID, the wrapper's frames, JEND */
	j->rec.bytes_out += (size_t)3 * PROTO_HDRLEN + strlen(j->tcid) +
	    j->fwd.len;
	ajtab_host(&j->rec, h->name);
	log_debug("%s -> %s (%s): %s%s, cost %.2f", j->job.srcname, h->name,
	    h->where, how, j->ntried > 1 ? " (resent)" : "", j->cost);
}

/*
 * No server pulled j within its expected local compile time: here takes
 * it if a local core is idle (the servers' figures said one would pull
 * it sooner, and none did: a core here is a place that pulls too, as in
 * tools/sim); else the offers stand, looked at again every
 * AGENT_SLOT_POLL_MS, until AGENT_SLOT_WAIT_MS after they were made:
 * then j is placed as without offers.  Offers on servers that went
 * silent meanwhile are withdrawn; once none is left j is placed at once.
 * At the first look j is also offered to every server that may take it
 * (aoffer_widen), not only to those that looked best.
 */
static void
offer_expired(evutil_socket_t fd, short what, void *arg)
{
	struct ajob	*j = arg;
	struct timeval	 tv = { 0, (suseconds_t)AGENT_SLOT_POLL_MS * 1000 };

	(void)fd;
	(void)what;
	if (aplace_local_idle(j->a, mono_ms()) > 0) {
		aoffer_withdraw(j);
		ajob_local(j, " (no server pulled it in time)");
		return;
	}
	if (mono_ms() < j->offer_until && aoffer_prune(j) > 0) {
		aoffer_widen(j);
		evtimer_add(j->offer_ev, &tv);
		return;
	}
	if (j->noffers > 0)
		log_debug("%s: no server pulled it in %d ms", j->job.srcname,
		    AGENT_SLOT_WAIT_MS);
	else
		log_debug("%s: its offers were on servers gone silent",
		    j->job.srcname);
	aoffer_withdraw(j);
	ajob_place(j);
}

void
ajob_pulled(struct ajob *j, struct sconn *sc)
{
	struct ahost	*h = sc->h;

	switch (aoffer_pulled(j, sc)) {
	case 1:
		ajob_sent(j, h, "pulled its offer first");
		break;
	case -1:
		ajob_place(j);
		break;
	}
}

void
ajob_offer_lost(struct ajob *j, struct sconn *sc, const char *why)
{
	if (aoffer_lost(j, sc, why))
		ajob_place(j);
}

static void
ajob_place(struct ajob *j)
{
	struct ahost	*h;
	char		 err[256], note[200], why[600];
	int		 local = 0, waited;

	if (!j->offered && aoffer_start(j, offer_expired) == 0)
		return;
	while (j->ntried < AGENT_MAX_TRIES) {
		if ((h = aplace_pick(j->a, j, &local)) == NULL)
			break;
		j->tried[j->ntried++] = h;
		j->wait_until = 0;
		if (sconn_send(h, j, err, sizeof(err)) == 0) {
			ajob_sent(j, h, "would finish first");
			return;
		}
		place_failed(&h->bo, mono_ms());
		h->nfail++;
		snprintf(h->lasterr, sizeof(h->lasterr), "%.150s", err);
	}
	/*
	 * Every slot is taken and no local core is idle: compiling here
	 * would only slow the preprocessing that feeds the servers, so the
	 * job waits for a slot (bounded), as a server's queue would.
	 */
	if (!local && j->ntried == 0 && aplace_any_for(j->a, j->tcid) &&
	    (j->wait_until == 0 || mono_ms() < j->wait_until)) {
		if (j->wait_until == 0) {
			j->wait_until = mono_ms() + AGENT_SLOT_WAIT_MS;
			wait_arm(j->a);
		}
		return;
	}
	waited = j->wait_until != 0;
	j->wait_until = 0;
	if (local && j->ntried > 0) {
		h = j->tried[j->ntried - 1];
		snprintf(note, sizeof(note), " (after %.60s: %.120s)", h->name,
		    h->lasterr[0] != '\0' ? h->lasterr : "failed");
		ajob_local(j, note);
	} else if (local)
		ajob_local(j, "");
	else if (j->ntried == 0)
		ajob_refuse(j, PROTO_R_BUSY, "%s", areport_none_why(j->a,
		    j->tcid, waited, why, sizeof(why)));
	else
		ajob_refuse(j, PROTO_R_BUSY, "%u server%s failed, last %s: %s",
		    j->ntried, j->ntried > 1 ? "s" : "",
		    j->tried[j->ntried - 1]->name,
		    j->tried[j->ntried - 1]->lasterr);
}

void
ajob_failed(struct ajob *j, struct ahost *h, int fault, const char *why)
{
	log_info("%s on %s (%s): %s, %llu ms after it was sent",
	    j->job.srcname, h->name, h->where, why,
	    (unsigned long long)(mono_ms() - j->t_sent));
	snprintf(h->lasterr, sizeof(h->lasterr), "%s", why);
	switch (fault) {
	case AGENT_F_JOB:
		ajob_refuse(j, PROTO_R_POLICY, "%s: %s", h->name, why);
		return;
	case AGENT_F_STALE:
		if (!j->stale_retry) {
			/* the same server once more, on a fresh connection */
			j->stale_retry = 1;
			j->ntried--;
			break;
		}
		/* FALLTHROUGH */
	case AGENT_F_HOST:
		place_failed(&h->bo, mono_ms());
		h->nfail++;
		break;
	default:
		break;
	}
	ajob_place(j);
}

void
ajob_answered(struct ajob *j, struct sconn *sc)
{
	struct ahost	*h = sc->h;
	struct ahost	*prev = j->ntried > 1 ? j->tried[j->ntried - 2] : NULL;
	struct proto_buf b;
	char		 why[AREPORT_WHERE_LEN];

	j->sc = NULL;		/* the caller gives sc back to its host */
	place_succeeded(&h->bo);
	h->ndone++;
	h->lasterr[0] = '\0';
	log_debug("%s done on %s in %llu ms", j->job.srcname, h->name,
	    (unsigned long long)(mono_ms() - j->t0));
	/* the answer's last frame is DONE <server's id>: make it ours */
	if (sc->ans.len < PROTO_HDRLEN) {
		ajob_refuse(j, PROTO_R_INTERNAL, "empty answer");
		return;
	}
	proto_header_write(sc->ans.data + sc->ans.len - PROTO_HDRLEN, "DONE",
	    j->job.id);
	j->rec.bytes_in = sc->ans.len;
	ajtab_end(j->a->jtab, &j->rec, j->rstatus == 0 ? JOBLINE_DONE :
	    JOBLINE_FAILED, ajtab_exit_status(j->rstatus), mono_ms());
	areport_where(h, prev, why, sizeof(why));
	proto_buf_init(&b);
	ajob_answer_last(j, &b,
	    proto_put_payload(&b, "MSG_", why, strlen(why)) == 0 &&
	    proto_buf_append(&b, sc->ans.data, sc->ans.len) == 0);
}

/*
 * JOBS <format>: the user's jobs (ajstat_answer), then close.  Only the
 * socket's owner gets here (ajob_accept checks the peer's uid).  A query
 * does not keep the agent alive: it leaves the idle deadline as it was.
 */
static void
ajob_jobs(struct ajob *j, uint32_t format)
{
	struct agent	*a = j->a;
	struct proto_buf b;

	j->monitor = 1;
	a->njobs--;
	ajob_idle_arm(a);
	if (format != AJTAB_FORMAT) {
		log_warnx("wrapper: JOBS format %u unknown", (unsigned)format);
		ajob_free(j);
		return;
	}
	proto_buf_init(&b);
	if (ajstat_answer(a, &b) == -1) {
		log_warnx("JOBS: out of memory");
		ajob_answer_last(j, &b, 0);
	} else
		ajob_answer_last(j, &b, 1);
}

/* One frame from the wrapper (j may be dead afterwards: see ajob_free). */
static void
on_wrapper_frame(struct ajob *j, const struct proto_frame *f,
    const uint8_t *raw)
{
	char		 err[256];
	uint32_t	 version;
	int		 rc;

	switch (j->state) {
	case AJ_HELLO:
		if (memcmp(f->tok, "JOBS", 4) == 0) {
			ajob_jobs(j, f->value);
			return;
		}
		j->a->idle_at = 0;	/* a wrapper: the agent is in use */
		if (proto_hello_decode(f, &version, err, sizeof(err)) == -1) {
			log_warnx("wrapper: %s", err);
			ajob_free(j);
			return;
		}
		ajob_hello(j, version == 0);
		return;
	case AJ_JOB:
		if (memcmp(f->tok, "CODE", 4) == 0 && !j->has_code) {
			j->code_bytes = f->value;	/* ours: not forwarded */
			j->has_code = 1;
			return;
		}
		rc = proto_job_feed(&j->jr, f, err, sizeof(err));
		if (rc == -1) {
			log_warnx("wrapper: bad job: %s", err);
			ajob_free(j);
			return;
		}
		/* keep what goes to the server as is, but for our ids */
		if (memcmp(f->tok, "JOB_", 4) != 0 &&
		    memcmp(f->tok, "TCID", 4) != 0 &&
		    memcmp(f->tok, "JEND", 4) != 0 &&
		    proto_buf_append(&j->fwd, raw, f->need) == -1) {
			ajob_free(j);
			return;
		}
		if (rc == PROTO_DONE)
			ajob_ready(j);
		return;
	default:
		log_warnx("wrapper: %.4s out of turn", f->tok);
		ajob_free(j);
		return;
	}
}

static void
wrapper_read(struct bufferevent *bev, void *arg)
{
	struct ajob	*j = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct proto_frame f;
	const uint8_t	*p;
	char		 err[256];
	ssize_t		 n;

	if (j->state == AJ_LOCAL) {
		/* nothing more is expected: ignore it */
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	while (j->state == AJ_HELLO || j->state == AJ_JOB) {
		if ((n = proto_evpull(in, &j->a->wdialect, &f, &p, err,
		    sizeof(err))) == -1)
			goto bad;
		if (n == 0)
			return;
		/* a copy, so the frame outlives the input buffer */
		proto_buf_reset(&j->fbuf);
		if (proto_buf_append(&j->fbuf, p, f.need) == -1) {
			snprintf(err, sizeof(err), "out of memory");
			goto bad;
		}
		evbuffer_drain(in, f.need);
		if (proto_frame_parse(&j->a->wdialect, j->fbuf.data, f.need,
		    &f, err, sizeof(err)) != (ssize_t)j->fbuf.len)
			goto bad;
		on_wrapper_frame(j, &f, j->fbuf.data);
	}
	return;
bad:
	log_warnx("wrapper: garbage: %s", err);
	ajob_free(j);
}

static void
wrapper_write(struct bufferevent *bev, void *arg)
{
	struct ajob	*j = arg;

	(void)bev;
	if (j->state == AJ_CLOSING)
		ajob_free(j);
}

static void
wrapper_event(struct bufferevent *bev, short what, void *arg)
{
	struct ajob	*j = arg;

	(void)bev;
	if (j->state == AJ_LOCAL && (what & BEV_EVENT_EOF) && j->in_bytes > 0)
		/* the local compile ended: how fast was it? */
		aplace_learn(j->a, j, aplace_speed(&j->a->local_spd, j->tcid,
		    1), (double)(mono_ms() - j->t_sent));
	/* the wrapper went away (done, Ctrl-C...): drop its job everywhere */
	ajob_free(j);
}

static void
ajob_reap(evutil_socket_t fd, short what, void *arg)
{
	struct ajob	*j = arg;

	(void)fd;
	(void)what;
	bufferevent_free(j->bev);
	if (j->offer_ev != NULL)
		event_free(j->offer_ev);
	proto_job_reader_free(&j->jr);
	proto_job_free(&j->job);
	proto_buf_free(&j->fwd);
	proto_buf_free(&j->fbuf);
	free(j);
}

void
ajob_free(struct ajob *j)
{
	struct agent	*a;
	struct ajob	**p;
	struct timeval	 now = { 0, 0 };

	if (j == NULL || j->state == AJ_DEAD)
		return;
	a = j->a;
	if (j->state == AJ_LOCAL && a->cpu.lrun > 0)
		aplace_cpu_local(&a->cpu, a->cpu.lrun - 1, mono_ms());
	/* a job here ends when its compiler closes the socket: its status
	 * is not the agent's to see; any other ends unanswered */
	ajtab_end(a->jtab, &j->rec, j->state == AJ_LOCAL ? JOBLINE_DONE :
	    JOBLINE_FAILED, -1, mono_ms());
	j->state = AJ_DEAD;
	for (p = &a->jobs; *p != NULL; p = &(*p)->next)
		if (*p == j) {
			*p = j->next;
			break;
		}
	if (!j->monitor)
		a->njobs--;
	if (j->sc != NULL)
		sconn_cancel(j->sc);
	j->sc = NULL;
	aoffer_withdraw(j);
	bufferevent_disable(j->bev, EV_READ | EV_WRITE);
	bufferevent_setcb(j->bev, NULL, NULL, NULL, NULL);
	if (event_base_once(a->base, -1, EV_TIMEOUT, ajob_reap, j, &now) == -1)
		ajob_reap(-1, 0, j);	/* only at exit, nothing above us */
	ajob_idle_arm(a);
}

void
ajob_accept(evutil_socket_t lfd, short what, void *arg)
{
	struct agent	*a = arg;
	struct ajob	*j;
	struct ucred	 cred;
	socklen_t	 len = sizeof(cred);
	int		 fd;

	(void)what;
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd == -1) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("accept");
		return;
	}
	/* the directory is 0700 already; check the peer all the same */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    cred.uid != getuid()) {
		log_warnx("refusing a connection from uid %ld",
		    (long)cred.uid);
		close(fd);
		return;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->bev = bufferevent_socket_new(a->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		log_warnx("out of memory");
		free(j);
		close(fd);
		return;
	}
	j->a = a;
	j->state = AJ_HELLO;
	proto_job_reader_init(&j->jr, &a->lim);
	proto_job_init(&j->job);
	j->next = a->jobs;
	a->jobs = j;
	a->njobs++;
	ajob_idle_arm(a);
	bufferevent_setcb(j->bev, wrapper_read, wrapper_write, wrapper_event,
	    j);
	bufferevent_enable(j->bev, EV_READ | EV_WRITE);
}
