/*
 * agent.c - the per-user agent (`ccpool --agent`), started on demand by
 * the first wrapper (spawn.c) and gone after CCPOOL_AGENT_IDLE seconds
 * without work.
 *
 * One libevent loop drives discovery (or the CCPOOL_HOSTS list), the
 * wrappers' connections on the unix socket and the server connections
 * (agent_srv.c).  A wrapper speaks ccpool v1 frames (doc/client.md):
 *
 *   CCPL 1        -> CCPL 1 (go ahead) | RFSE MSG_ DONE 0 (compile locally)
 *   JOB_ .. JEND  -> [MSG_ where] KEEP* STAT .. DONE | RFSE MSG_ DONE
 *   CCPL 0        -> CCPL 1, MSG_ per host, DONE 0   (--hosts, -j)
 *
 * A hello's answer may follow MSG_ notices for the user's terminal (a
 * server pinned after the first set, an untrusted one: agent_notice).
 *
 * Start reading at agent_main(), then on_wrapper_frame().
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "agent/agent_int.h"
#include "common/sockdir.h"
#include "common/spawn.h"
#include "common/log.h"
#include "common/toolchain.h"

static void	ajob_free(struct ajob *j);
static void	ajob_place(struct ajob *j);

/* Idle exit: armed whenever no wrapper is connected. */
static void
idle_arm(struct agent *a)
{
	struct timeval	 tv;

	if (a->njobs > 0) {
		evtimer_del(a->idle_ev);
		return;
	}
	tv.tv_sec = a->idle_sec;
	tv.tv_usec = 0;
	evtimer_add(a->idle_ev, &tv);
}

static void
on_idle(evutil_socket_t fd, short what, void *arg)
{
	struct agent	*a = arg;

	(void)fd;
	(void)what;
	log_info("idle for %u s, exiting", a->idle_sec);
	event_base_loopbreak(a->base);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct agent	*a = arg;

	(void)what;
	log_info("signal %d, exiting", (int)sig);
	event_base_loopbreak(a->base);
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
/*
 * tc_name() of id, with the hash digits that tell it from the other
 * toolchains of the hosts known; into buf (TC_NAME_MAX bytes).
 */
static const char *
tc_shown(const struct agent *a, const char *id, char *buf)
{
	size_t		 i;
	unsigned	 k;
	int		 d, digits = 0;

	for (i = 0; i < a->nhosts; i++)
		for (k = 0; k < a->hosts[i]->ntc; k++)
			if ((d = tc_name_digits(id, a->hosts[i]->tc[k])) >
			    digits)
				digits = d;
	return tc_name(id, digits, buf, TC_NAME_MAX);
}

/*
 * Why no server takes a job of toolchain tcid (NULL: of any) now, in
 * doc/client.md's words, into buf: none known, none with the toolchain,
 * every one that has it down (with a cause heard) or untrusted, or all
 * full.  waited: the job waited for a slot (AGENT_SLOT_WAIT_MS).
 */
static const char *
none_why(struct agent *a, const char *tcid, int waited, char *buf,
    size_t len)
{
	struct ahost	*h, *down = NULL;
	uint64_t	 now = mono_ms();
	size_t		 i, have = 0, up = 0;
	char		 tcn[TC_NAME_MAX], fortc[TC_NAME_MAX + 8], note[200];
	char		 name[200];

	fortc[0] = '\0';
	if (tcid != NULL)
		snprintf(fortc, sizeof(fortc), " for %s", tc_shown(a, tcid,
		    tcn));
	for (i = 0; i < a->nhosts; i++) {
		h = a->hosts[i];
		if (h->gone || (tcid != NULL && !srv_has_tc(h, tcid)))
			continue;
		have++;
		if (h->untrusted[0] != '\0')
			continue;
		if (h->needprobe || h->nss == 0 || !place_up(&h->bo, now)) {
			if (down == NULL)
				down = h;
			continue;
		}
		up++;
	}
	srv_untrusted_note(a, note, sizeof(note));
	if (have == 0 && (tcid == NULL || a->nhosts == 0))
		snprintf(buf, len, "no server found%s", a->pinned ?
		    " in CCPOOL_HOSTS" : "");
	else if (have == 0)
		snprintf(buf, len, "no server has %s%s", tcn, note);
	else if (up == 0 && down != NULL) {
		log_escape(name, sizeof(name), down->name, strlen(down->name));
		snprintf(buf, len, "no server up%s (%s: %s)%s", fortc, name,
		    down->lasterr[0] != '\0' ? down->lasterr : "down", note);
	} else if (up == 0)
		snprintf(buf, len, "no trusted server%s%s", fortc, note);
	else
		snprintf(buf, len, "no server with a free slot%s%s%s", fortc,
		    waited ? " (waited 30 s)" : "", note);
	return buf;
}

static void
ajob_close_after_write(struct ajob *j)
{
	j->state = AJ_CLOSING;
	bufferevent_disable(j->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(j->bev)) == 0)
		ajob_free(j);
}

void
agent_notice(struct agent *a, const char *text)
{
	if (a->nnotes == AGENT_NOTES_MAX) {
		a->notes_lost++;
		return;
	}
	snprintf(a->notes[a->nnotes++], AGENT_NOTE_LEN, "%s", text);
}

/*
 * The notices waiting for the user (agent_notice) go to b as MSG_
 * frames, ahead of a hello's answer: the wrapper prints them on its
 * stderr.  Returns 0, or -1 when out of memory (then they wait on).
 */
static int
put_notices(struct agent *a, struct proto_buf *b)
{
	char	 line[AGENT_NOTE_LEN], path[sizeof(a->sockpath)];
	size_t	 n;
	unsigned i;

	for (i = 0; i < a->nnotes; i++)
		if (proto_put_payload(b, "MSG_", a->notes[i],
		    strlen(a->notes[i])) == -1)
			return -1;
	if (a->notes_lost > 0) {
		/* our log: the socket's name, .log for .sock */
		snprintf(path, sizeof(path), "%s", a->sockpath);
		if ((n = strlen(path)) > 5 && strcmp(path + n - 5, ".sock") == 0)
			snprintf(path + n - 5, sizeof(path) - n + 5, ".log");
		snprintf(line, sizeof(line), "WARNING: %u more server warnings "
		    "in %s", a->notes_lost, path);
		if (proto_put_payload(b, "MSG_", line, strlen(line)) == -1)
			return -1;
	}
	a->nnotes = a->notes_lost = 0;
	return 0;
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
	if ((hello && put_notices(j->a, &b) == -1) ||
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
	aplace_cpu_local(&j->a->cpu, j->a->cpu.lrun + 1, j->t_sent);
}

/*
 * Would a job like the last one be placed here?  Asked at a wrapper's
 * hello: a job placed here then compiles from its source at once, and
 * its preprocessing, which only a server needs, is never run.  The
 * answer is the placement's own (srv_pick), for the last job's
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
	(void)srv_pick(a, &like, &local);
	return local;
}

/* Answer a host query: CCPL 1, one MSG_ per host, DONE 0. */
static void
ajob_hosts(struct ajob *j)
{
	struct agent	*a = j->a;
	struct proto_buf b;
	char		 line[1024], name[200], tcs[480], esc[150];
	char		 tcn[TC_NAME_MAX];
	uint64_t	 now = mono_ms();
	size_t		 i, used;
	unsigned	 k;

	proto_buf_init(&b);
	if (put_notices(a, &b) == -1 ||
	    proto_hello_encode(&b, PROTO_VERSION) == -1)
		goto nomem;
	for (i = 0; i < a->nhosts; i++) {
		struct ahost *h = a->hosts[i];
		const char *state;

		log_escape(name, sizeof(name), h->name, strlen(h->name));
		tcs[0] = '\0';
		for (k = 0, used = 0; k < h->ntc && used < sizeof(tcs); k++)
			used += (size_t)snprintf(tcs + used,
			    sizeof(tcs) - used, "%s%s", k ? ", " : "",
			    tc_shown(a, h->tc[k], tcn));
		if (h->pinned && h->ntc == 0)
			snprintf(tcs, sizeof(tcs), "*");
		if (h->gone)
			state = "gone";
		else if (h->asking)
			state = "new";	/* CCPOOL_TRUST=explicit */
		else if (h->untrusted[0] != '\0')
			state = "UNTRUSTED";
		else if (!place_up(&h->bo, now))
			state = "down";
		else
			state = "up";
		if (h->untrusted[0] != '\0')
			log_escape(esc, sizeof(esc), h->untrusted,
			    strlen(h->untrusted));
		else
			log_escape(esc, sizeof(esc), h->lasterr,
			    strlen(h->lasterr));
		/* tab separated; escaped fields hold no tab */
		snprintf(line, sizeof(line), "%s\t%s\t%s\t%u\t%u\t%u\t%u\t"
		    "%lu\t%lu\t%s\t%s", name, h->where[0] ? h->where : "-",
		    state, h->slots, h->queue, h->free_slots, h->inflight,
		    h->ndone, h->nfail, tcs[0] ? tcs : "-", esc[0] ? esc : "-");
		if (proto_put_payload(&b, "MSG_", line, strlen(line)) == -1)
			goto nomem;
	}
	if (proto_put_value(&b, "DONE", 0) == -1)
		goto nomem;
	if (ajob_write(j, b.data, b.len) == 0)
		ajob_close_after_write(j);
	proto_buf_free(&b);
	return;
nomem:
	proto_buf_free(&b);
	ajob_free(j);
}

/* The wrapper's hello: go ahead, hold on (cold start), or go local. */
static void
ajob_hello(struct ajob *j, int query)
{
	struct agent	*a = j->a;
	struct proto_buf b;
	char		 why[600];
	int		 rc;

	srv_pins_check(a);	/* ccpool trust, forget: at once */
	if (!a->warm && (query || !srv_any_usable(a))) {
		j->state = AJ_HELD;	/* agent_hosts_changed lets it go */
		j->query = query;
		return;
	}
	if (query) {
		ajob_hosts(j);
		return;
	}
	/* no slot free now but a server to wait for: ajob_place waits */
	if (!srv_any_usable(a) && !srv_any_for(a, NULL)) {
		j->state = AJ_HELLO;
		ajob_refuse(j, PROTO_R_BUSY, "%s", none_why(a, NULL, 0, why,
		    sizeof(why)));
		return;
	}
	if (local_at_hello(a)) {
		j->state = AJ_HELLO;	/* the refusal's id is 0 */
		ajob_local(j, " (decided at its hello)");
		return;
	}
	proto_buf_init(&b);
	if (put_notices(a, &b) == -1 ||
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
agent_hosts_changed(struct agent *a)
{
	struct ajob	*j, *next;

	for (j = a->jobs; j != NULL; j = next) {
		next = j->next;
		if (j->state == AJ_HELD && (a->warm || srv_any_usable(a)))
			ajob_hello(j, j->query);
	}
}

static void
on_cold(evutil_socket_t fd, short what, void *arg)
{
	struct agent	*a = arg;

	(void)fd;
	(void)what;
	a->warm = 1;
	agent_hosts_changed(a);
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

/* The waiting jobs try again, the longest waiting first. */
static void
on_wait(evutil_socket_t fd, short what, void *arg)
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

static void
ajob_place(struct ajob *j)
{
	struct ahost	*h;
	char		 err[256], note[200], why[600];
	int		 local = 0, waited;

	while (j->ntried < AGENT_MAX_TRIES) {
		if ((h = srv_pick(j->a, j, &local)) == NULL)
			break;
		j->tried[j->ntried++] = h;
		j->wait_until = 0;
		if (srv_send(h, j, err, sizeof(err)) == 0) {
			log_debug("%s -> %s (%s): would finish first%s",
			    j->job.srcname, h->name, h->where, j->ntried > 1 ?
			    " (resent)" : "");
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
	if (!local && j->ntried == 0 && srv_any_for(j->a, j->tcid) &&
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
		ajob_refuse(j, PROTO_R_BUSY, "%s", none_why(j->a, j->tcid,
		    waited, why, sizeof(why)));
	else
		ajob_refuse(j, PROTO_R_BUSY, "%u server%s failed, last %s: %s",
		    j->ntried, j->ntried > 1 ? "s" : "",
		    j->tried[j->ntried - 1]->name,
		    j->tried[j->ntried - 1]->lasterr);
}

void
agent_job_failed(struct ajob *j, struct ahost *h, int fault, const char *why)
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
agent_job_answered(struct ajob *j, struct sconn *sc)
{
	struct ahost	*h = sc->h;
	struct ahost	*prev = j->ntried > 1 ? j->tried[j->ntried - 2] : NULL;
	struct proto_buf b;
	char		 where[(size_t)DISC_NAME_MAX * 4 + sizeof(h->where) + 8];
	char		 name[DISC_NAME_MAX * 4], why[sizeof(where) + 260];
	char		 pname[200];

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
	log_escape(name, sizeof(name), h->name, strlen(h->name));
	if (strcmp(name, h->where) == 0)	/* CCPOOL_HOSTS by address */
		snprintf(where, sizeof(where), "%s", name);
	else
		snprintf(where, sizeof(where), "%s (%s)", name, h->where);
	/* the place, a tab, the reason (doc/client.md's words) */
	if (prev != NULL && prev != h) {
		log_escape(pname, sizeof(pname), prev->name,
		    strlen(prev->name));
		snprintf(why, sizeof(why), "%s\twould finish first (resent "
		    "after %.60s: %.150s)", where, pname, prev->lasterr[0] !=
		    '\0' ? prev->lasterr : "failed");
	} else
		snprintf(why, sizeof(why), "%s\twould finish first", where);
	proto_buf_init(&b);
	if (proto_put_payload(&b, "MSG_", why, strlen(why)) == -1 ||
	    proto_buf_append(&b, sc->ans.data, sc->ans.len) == -1) {
		proto_buf_free(&b);
		ajob_free(j);
		return;
	}
	if (ajob_write(j, b.data, b.len) == 0)
		ajob_close_after_write(j);
	proto_buf_free(&b);
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
		if (proto_hello_decode(f, &version, err, sizeof(err)) == -1) {
			log_warnx("wrapper: %s", err);
			ajob_free(j);
			return;
		}
		ajob_hello(j, version == 0);
		return;
	case AJ_JOB:
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
		if ((n = proto_evpull(in, &j->a->dialect, &f, &p, err,
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
		if (proto_frame_parse(&j->a->dialect, j->fbuf.data, f.need,
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
		place_learn(aplace_speed(&j->a->local_spd, j->tcid, 1),
		    (double)(mono_ms() - j->t_sent), j->in_bytes,
		    j->stretch);
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
	proto_job_reader_free(&j->jr);
	proto_job_free(&j->job);
	proto_buf_free(&j->fwd);
	proto_buf_free(&j->fbuf);
	free(j);
}

/*
 * Drop a wrapper connection and its job.  The memory goes at the next
 * loop turn, so callers up the stack may still look at j->state (which
 * is AJ_DEAD from now on) but must do nothing else with it.
 */
static void
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
	j->state = AJ_DEAD;
	for (p = &a->jobs; *p != NULL; p = &(*p)->next)
		if (*p == j) {
			*p = j->next;
			break;
		}
	a->njobs--;
	if (j->sc != NULL)
		srv_cancel(j->sc);
	j->sc = NULL;
	bufferevent_disable(j->bev, EV_READ | EV_WRITE);
	bufferevent_setcb(j->bev, NULL, NULL, NULL, NULL);
	if (event_base_once(a->base, -1, EV_TIMEOUT, ajob_reap, j, &now) == -1)
		ajob_reap(-1, 0, j);	/* only at exit, nothing above us */
	idle_arm(a);
}

static void
on_accept(evutil_socket_t lfd, short what, void *arg)
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
	idle_arm(a);
	bufferevent_setcb(j->bev, wrapper_read, wrapper_write, wrapper_event,
	    j);
	bufferevent_enable(j->bev, EV_READ | EV_WRITE);
}

static unsigned
idle_seconds(void)
{
	const char	*v = getenv("CCPOOL_AGENT_IDLE");
	char		*end;
	long		 n;

	if (v == NULL || v[0] == '\0')
		return AGENT_IDLE_DEFAULT;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 || n > 86400L * 7)
		return AGENT_IDLE_DEFAULT;
	return (unsigned)n;
}

int
agent_main(void)
{
	struct agent	 a;
	struct timeval	 tv;
	char		 dir[256], tag[SPAWN_TAG_MAX], err[512];
	const char	*pl;
	int		 pidfd, busy, rc = 1;

	memset(&a, 0, sizeof(a));
	a.lfd = -1;
	log_init(1, LOG_USER);
	log_procinit("agent");
	log_setverbose(getenv("CCPOOL_VERBOSE") != NULL);
	signal(SIGPIPE, SIG_IGN);
	if (sockdir_prepare(getenv("XDG_RUNTIME_DIR"), "/tmp", getuid(), dir,
	    sizeof(dir), err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		return 1;
	}
	if (spawn_tag(tag, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		return 1;
	}
	if ((pidfd = spawn_agent_lock(dir, tag, &busy, err,
	    sizeof(err))) == -1) {
		log_warnx("%s", err);
		return busy ? 0 : 1;
	}
	/* what a wrapper with other settings is told (spawn_agent_differs) */
	if (spawn_agent_record(dir, tag, err, sizeof(err)) == -1)
		log_warnx("%s", err);
	if ((a.lfd = spawn_agent_listen(dir, tag, err, sizeof(err))) == -1) {
		log_warnx("%s", err);
		close(pidfd);
		return 1;
	}
	spawn_path(a.sockpath, sizeof(a.sockpath), dir, tag, "sock");
	proto_limits_default(&a.lim);
	if (proto_dialect_init(&a.dialect, PROTO_DIALECT_CCPOOL1, &a.lim, err,
	    sizeof(err)) == -1)
		fatalx("%s", err);
	a.idle_sec = idle_seconds();
	a.start_ms = mono_ms();
	/* under a CPU quota its CPUs are the machine (cpuquota.h) */
	a.cpu.ncpu = cpuquota_ncpu();
	a.have_quota = cpuquota_find(&a.quota) == 0 && a.quota.cpus > 0;
	a.px.rng = (uint64_t)getpid() << 32 ^ a.start_ms;
	pl = getenv("CCPOOL_PLACE_LOCAL");
	a.local_ok = pl == NULL || strcmp(pl, "0") != 0;
	if ((a.base = event_base_new()) == NULL || (a.tc = agent_tc_new()) ==
	    NULL)
		fatalx("out of memory");
	a.listen_ev = event_new(a.base, a.lfd, EV_READ | EV_PERSIST,
	    on_accept, &a);
	a.idle_ev = evtimer_new(a.base, on_idle, &a);
	a.cold_ev = evtimer_new(a.base, on_cold, &a);
	a.wait_ev = evtimer_new(a.base, on_wait, &a);
	a.sig_ev[0] = evsignal_new(a.base, SIGTERM, on_signal, &a);
	a.sig_ev[1] = evsignal_new(a.base, SIGINT, on_signal, &a);
	if (a.listen_ev == NULL || a.idle_ev == NULL || a.cold_ev == NULL ||
	    a.wait_ev == NULL ||
	    a.sig_ev[0] == NULL || a.sig_ev[1] == NULL)
		fatalx("out of memory");
	event_add(a.listen_ev, NULL);
	evsignal_add(a.sig_ev[0], NULL);
	evsignal_add(a.sig_ev[1], NULL);
	idle_arm(&a);
	if (srv_start(&a, err, sizeof(err)) == -1) {
		/* jobs compile locally until discovery works (retried) */
		log_warnx("%s", err);
		a.warm = 1;
	}
	tv.tv_sec = AGENT_COLD_MS / 1000;
	tv.tv_usec = (suseconds_t)(AGENT_COLD_MS % 1000) * 1000;
	if (!a.warm)
		evtimer_add(a.cold_ev, &tv);
	log_info("agent %ld started (%s, idle exit after %u s)",
	    (long)getpid(), a.pinned ? "CCPOOL_HOSTS" : "discovery",
	    a.idle_sec);
	event_base_dispatch(a.base);
	rc = 0;

	/* unlink first: a wrapper arriving now starts a new agent */
	unlink(a.sockpath);
	event_free(a.listen_ev);
	close(a.lfd);
	while (a.jobs != NULL)
		/* ajob_free unlinks it: not a use after free */
		ajob_free(a.jobs);	/* NOLINT(clang-analyzer-unix.Malloc) */
	event_base_loop(a.base, EVLOOP_NONBLOCK);	/* reap them */
	srv_stop(&a);
	agent_tc_free(a.tc);
	event_free(a.idle_ev);
	event_free(a.cold_ev);
	event_free(a.wait_ev);
	event_free(a.sig_ev[0]);
	event_free(a.sig_ev[1]);
	event_base_free(a.base);
	close(pidfd);
	return rc;
}
