/*
 * adcc.c - the agent's connections to plain distccd hosts: one TCP
 * connection per job (or per toolchain probe), distcc protocol 1
 * (agent/dccproto.h), plaintext.  The job's preprocessed source, which
 * the wrapper sent zstd-compressed, is decompressed here and sent as
 * DOTI with the job's compile options, an output and an input name of
 * the job's language (distccd's own temporary files take their place);
 * the answer, hostile bytes read through the distcc dialect's bounded
 * frames and dccproto's reader, becomes a ccpool answer (STAT .. DONE)
 * for the wrapper, which judges it as any server's.  A distccd says
 * nothing while it compiles, so the answer waits up to ADCC_ANSWER_SEC;
 * TCP keepalive (asock_opts) notices a vanished host sooner.  Start
 * reading at adcc_send().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "agent/adcc.h"
#include "agent/agent_int.h"
#include "agent/dccproto.h"
#include "common/log.h"

#define ADCC_ARGV_EXTRA	4	/* -o OUT IN, NULL */

struct adcc_conn {
	struct proto_dialect	 d;		/* distcc's, a->lim's sizes */
	struct dccproto_reader	 rd;
	struct adcc_probe	*probe;		/* a probe, not a job */
	adcc_probe_cb		 done;		/* ... its end */
	int			 warm;		/* reachability only */
	int			 connected;
	uint64_t		 t0;		/* ms, request queued */
};

static void	conn_read(struct bufferevent *, void *);
static void	conn_event(struct bufferevent *, short, void *);

static void
conn_timeouts(struct sconn *sc, int sec)
{
	struct timeval	 tv = { sec, 0 };

	bufferevent_set_timeouts(sc->bev, &tv, &tv);
}

static void
conn_free(struct sconn *sc)
{
	if (sc == NULL)
		return;
	if (sc->job != NULL && sc->h->inflight > 0)
		sc->h->inflight--;
	if (sc->job != NULL && sc->h->freed < sc->h->slots)
		sc->h->freed++;
	sc->h->nconn--;
	bufferevent_free(sc->bev);
	dccproto_reader_free(&sc->dcc->rd);
	proto_buf_free(&sc->ans);
	free(sc->dcc);
	free(sc);
}

/* A TCP connection to h, nothing written yet.  NULL with err set. */
static struct sconn *
conn_new(struct ahost *h, char *err, size_t errlen)
{
	struct sconn	*sc;
	char		 e[128];

	if ((sc = calloc(1, sizeof(*sc))) == NULL ||
	    (sc->dcc = calloc(1, sizeof(*sc->dcc))) == NULL ||
	    proto_dialect_init(&sc->dcc->d, PROTO_DIALECT_DISTCC, &h->a->lim,
	    e, sizeof(e)) == -1 ||
	    (sc->bev = bufferevent_socket_new(h->a->base, -1,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		if (sc != NULL)
			free(sc->dcc);
		free(sc);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	sc->h = h;
	sc->state = SC_JOB;
	dccproto_reader_init(&sc->dcc->rd, DCCPROTO_VERSION, &h->a->lim);
	h->nconn++;
	bufferevent_setcb(sc->bev, conn_read, NULL, conn_event, sc);
	conn_timeouts(sc, AGENT_CONNECT_SEC);
	bufferevent_enable(sc->bev, EV_READ | EV_WRITE);
	if (asock_connect(sc->bev, h, err, errlen) == -1) {
		conn_free(sc);
		return NULL;
	}
	sc->dcc->t0 = mono_ms();
	return sc;
}

/* The input file name distccd gets: its suffix says the language. */
static const char *
input_name(enum proto_lang l)
{
	switch (l) {
	case PROTO_LANG_CXX:
		return "ccpool.ii";
	case PROTO_LANG_OBJC:
		return "ccpool.mi";
	case PROTO_LANG_OBJCXX:
		return "ccpool.mii";
	default:
		return "ccpool.i";
	}
}

/* The job's preprocessed source, out of its ZDTI frame, into src. */
static int
job_source(struct agent *a, const struct ajob *j, struct proto_buf *src,
    char *err, size_t errlen)
{
	struct proto_frame f;
	size_t		 off = 0;
	ssize_t		 n;

	while (off < j->fwd.len) {
		n = proto_frame_parse(&a->dialect, j->fwd.data + off,
		    j->fwd.len - off, &f, err, errlen);
		if (n <= 0) {
			if (n == 0)
				snprintf(err, errlen, "a job cut short");
			return -1;
		}
		if (memcmp(f.tok, "ZDTI", 4) == 0)
			return proto_zdecompress(f.data, f.len, a->lim.max_input,
			    src, err, errlen);
		off += (size_t)n;
	}
	snprintf(err, errlen, "a job without its source");
	return -1;
}

/* Queue the request (argv, src) on sc.  Returns 0 or -1 with err. */
static int
conn_request(struct sconn *sc, int argc, char **argv, const void *src,
    size_t len, char *err, size_t errlen)
{
	struct proto_buf b;
	int		 rc = -1;

	proto_buf_init(&b);
	if (dccproto_req_encode(&b, DCCPROTO_VERSION, argc, argv, src, len,
	    &sc->h->a->lim, err, errlen) == 0) {
		if (bufferevent_write(sc->bev, b.data, b.len) == -1)
			snprintf(err, errlen, "out of memory");
		else
			rc = 0;
	}
	proto_buf_free(&b);
	return rc;
}

const char *
adcc_name(const struct ahost *h, const char *tcid)
{
	unsigned	 i;

	for (i = 0; h->dcc != NULL && i < h->dcc->np; i++)
		if (h->dcc->p[i].state == ADCC_P_OK &&
		    strcmp(h->dcc->p[i].tcid, tcid) == 0)
			return h->dcc->p[i].name;
	return NULL;
}

int
adcc_send(struct ahost *h, struct ajob *j, char *err, size_t errlen)
{
	struct sconn	*sc = NULL;
	struct proto_buf src;
	const char	*name = adcc_name(h, j->tcid);
	char		**argv = NULL;
	uint32_t	 i, n = 0;
	int		 rc = -1;

	proto_buf_init(&src);
	if (name == NULL || (j->job.want & PROTO_WANT_DEPS)) {
		snprintf(err, errlen, "distccd: %s", name == NULL ?
		    "toolchain not probed" : "cannot send a dependency file");
		return -1;
	}
	if (job_source(h->a, j, &src, err, errlen) == -1)
		goto out;
	if ((argv = calloc(j->job.argc + ADCC_ARGV_EXTRA,
	    sizeof(*argv))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	argv[n++] = (char *)name;	/* by name: distccd's masquerade */
	for (i = 1; i < j->job.argc; i++)
		argv[n++] = j->job.argv[i];
	argv[n++] = "-o";
	argv[n++] = "ccpool.o";
	argv[n++] = (char *)input_name(j->job.lang);
	if ((sc = conn_new(h, err, errlen)) == NULL ||
	    conn_request(sc, (int)n, argv, src.data, src.len, err,
	    errlen) == -1)
		goto out;
	sc->job = j;
	j->sc = sc;
	j->t_sent = mono_ms();
	h->inflight++;
	rc = 0;
out:
	if (rc == -1 && sc != NULL)
		conn_free(sc);
	free(argv);
	proto_buf_free(&src);
	return rc;
}

int
adcc_probe_send(struct ahost *h, struct adcc_probe *p, adcc_probe_cb done,
    char *err, size_t errlen)
{
	struct sconn	*sc;
	const char	*text;
	size_t		 len;
	char		*argv[] = { p->name, "-S", "-o", "ccpool-probe.o",
	    p->cxx ? "ccpool-probe.ii" : "ccpool-probe.i", NULL };

	text = tcprobe_text(p->cxx, &len);
	if ((sc = conn_new(h, err, errlen)) == NULL)
		return -1;
	if (conn_request(sc, 5, argv, text, len, err, errlen) == -1) {
		conn_free(sc);
		return -1;
	}
	sc->dcc->probe = p;
	sc->dcc->done = done;
	return 0;
}

void
adcc_warm(struct ahost *h)
{
	struct sconn	*sc;
	char		 err[256];

	if (!h->needprobe || h->gone || h->nss == 0 || h->nconn > 0 ||
	    !place_up(&h->bo, mono_ms()))
		return;
	if ((sc = conn_new(h, err, sizeof(err))) == NULL) {
		log_debug("%s: %s", h->name, err);
		return;
	}
	sc->dcc->warm = 1;
}

void
adcc_cancel(struct sconn *sc)
{
	if (sc == NULL)
		return;
	if (sc->job != NULL)
		sc->job->sc = NULL;
	conn_free(sc);
}

/* sc failed (why, printable); the job, probe or check hears of it. */
static void
conn_fail(struct sconn *sc, int fault, int lost, const char *why)
{
	struct ahost	*h = sc->h;
	struct ajob	*j = sc->job;
	struct adcc_probe *p = sc->dcc->probe;
	adcc_probe_cb	 done = sc->dcc->done;
	int		 warm = sc->dcc->warm;

	if (j != NULL)
		j->sc = NULL;
	conn_free(sc);
	if (lost || warm) {
		if (warm)
			place_failed(&h->bo, mono_ms());
		asock_lost(h);
	}
	if (j != NULL)
		h->a->cb->job_failed(j, h, fault, why);
	else if (p != NULL)
		done(h, p, 0, why);
	else
		log_info("%s: probe failed: %s", h->name, why);
}

/* The probe's answer: the same assembly as here, from a clean compile? */
static void
probe_answered(struct sconn *sc)
{
	struct dccproto_ans *a = &sc->dcc->rd.ans;
	struct adcc_probe *p = sc->dcc->probe;
	adcc_probe_cb	 done = sc->dcc->done;
	struct ahost	*h = sc->h;
	char		 hex[65], why[160], esc[100];
	size_t		 n;

	if (a->status != 0) {
		n = a->errout.len < 60 ? a->errout.len : 60;
		log_escape(esc, sizeof(esc), (const char *)a->errout.data, n);
		snprintf(why, sizeof(why), "probe: the compile failed there "
		    "(status 0x%x%s%s)", (unsigned)a->status, n ? ": " : "",
		    esc);
	} else {
		tcprobe_hash(a->obj.data, a->obj.len, hex);
		snprintf(why, sizeof(why), "%s", strcmp(hex, p->hash) == 0 ?
		    "" : "probe: its compiler differs from ours");
	}
	conn_free(sc);
	done(h, p, why[0] == '\0', why);
}

/* The job's answer: into a ccpool answer for the wrapper. */
static void
job_answered(struct sconn *sc)
{
	struct dccproto_ans *a = &sc->dcc->rd.ans;
	struct ajob	*j = sc->job;
	struct ahost	*h = sc->h;
	struct proto_result res;
	struct place_speed *sp;
	uint64_t	 ms = mono_ms() - j->t_sent;
	char		 err[256];

	proto_result_init(&res);
	res.jobid = j->job.id;
	res.status = a->status;
	res.out = a->out;
	res.errout = a->errout;
	res.obj = a->obj;
	memset(&a->out, 0, sizeof(a->out));
	memset(&a->errout, 0, sizeof(a->errout));
	memset(&a->obj, 0, sizeof(a->obj));
	res.compile_ms = ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
	if (proto_result_encode(&res, j->job.want, &h->a->lim, PROTO_ZLEVEL,
	    &sc->ans, err, sizeof(err)) == -1) {
		proto_result_free(&res);
		conn_fail(sc, AGENT_F_HOST, 0, err);
		return;
	}
	if (res.status == 0 && (sp = aplace_speed(&h->spd, j->tcid, 1)) !=
	    NULL)
		/* no TIMC: the wall time, round trip and transfer included */
		aplace_learn(h->a, j, sp, (double)ms);
	proto_result_free(&res);
	asock_rtt(sc->bev, &h->srtt_ms);
	h->needprobe = 0;
	sc->job = NULL;
	h->a->cb->job_answered(j, sc);	/* clears j->sc */
	if (h->inflight > 0)
		h->inflight--;
	if (h->freed < h->slots)
		h->freed++;
	conn_free(sc);
}

static void
conn_read(struct bufferevent *bev, void *arg)
{
	struct sconn	*sc = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct proto_frame f;
	const uint8_t	*p;
	char		 err[256], why[300];
	ssize_t		 n;
	int		 rc;

	if (sc->dcc->warm || (sc->job == NULL && sc->dcc->probe == NULL)) {
		conn_fail(sc, AGENT_F_HOST, 0, "spoke out of turn");
		return;
	}
	for (;;) {
		n = proto_evpull(in, &sc->dcc->d, &f, &p, err, sizeof(err));
		if (n == 0)
			return;
		if (n == -1 || (rc = dccproto_ans_feed(&sc->dcc->rd, &f, err,
		    sizeof(err))) == -1) {
			snprintf(why, sizeof(why), "bad answer: %s", err);
			conn_fail(sc, AGENT_F_HOST, 0, why);
			return;
		}
		evbuffer_drain(in, f.need);
		if (rc == PROTO_DONE)
			break;
	}
	if (sc->dcc->probe != NULL)
		probe_answered(sc);
	else
		job_answered(sc);
}

/*
 * Connected after all?  A connect timeout can fire late, behind a turn
 * of the loop that the toolchain helper held up (a slow compiler), once
 * the connection is up already.
 */
static int
peer_ok(struct sconn *sc)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	int			 fd = bufferevent_getfd(sc->bev);

	return fd != -1 && getpeername(fd, (struct sockaddr *)&ss,
	    &len) == 0;
}

static void
conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct sconn	*sc = arg;
	struct ahost	*h = sc->h;
	int		 err = EVUTIL_SOCKET_ERROR();
	char		 why[160], buf[200];

	(void)bev;
	if ((what & BEV_EVENT_CONNECTED) || (!sc->dcc->connected &&
	    (what & BEV_EVENT_TIMEOUT) && peer_ok(sc))) {
		if (sc->dcc->connected)
			return;		/* a CONNECTED after peer_ok */
		sc->dcc->connected = 1;
		if (sc->dcc->warm) {
			log_info("%s answers again", h->name);
			h->needprobe = 0;
			place_succeeded(&h->bo);
			conn_free(sc);
			h->a->cb->hosts_changed(h->a);
			return;
		}
		conn_timeouts(sc, ADCC_ANSWER_SEC);
		bufferevent_enable(sc->bev, EV_READ | EV_WRITE);
		return;
	}
	if (!sc->dcc->connected) {
		if (h->nss > 0)
			h->cur = (h->cur + 1) % h->nss;
		snprintf(buf, sizeof(buf), "connect %s: %s", h->where,
		    asock_why(sc->bev, 1, what, err, why, sizeof(why)));
		conn_fail(sc, AGENT_F_HOST, 1, buf);
		return;
	}
	if ((what & BEV_EVENT_TIMEOUT) || err == ETIMEDOUT) {
		snprintf(buf, sizeof(buf), "no answer for %d s",
		    ADCC_ANSWER_SEC);
		conn_fail(sc, AGENT_F_HOST, 1, buf);
		return;
	}
	/* distccd closes without a word on what it refuses: the compiler
	 * has no masquerade link there, an option it does not take */
	conn_fail(sc, AGENT_F_HOST, 0, (what & BEV_EVENT_EOF) ?
	    "distccd closed the connection without an answer" :
	    asock_why(sc->bev, 0, what, err, why, sizeof(why)));
}
