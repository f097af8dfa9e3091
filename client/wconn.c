/*
 * wconn.c - the wrapper's connection to its agent (see wconn.h; the
 * agent's side is agent/agent.c).  wconn_open() connects and greets,
 * wconn_exchange() sends one job and reads its answer, wconn_read() is
 * the one reader of the agent's frames.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/fdio.h"
#include "client/wconn.h"
#include "common/sockdir.h"
#include "common/spawn.h"

#define WCONN_SPAWN_WAIT_MS	2000	/* a new agent must answer by then */
#define WCONN_AGENT_TIMEOUT_MS	60000	/* silence from the agent: local */
#define WCONN_HELLO_TIMEOUT_MS	5000	/* hello (cold start waits 1 s) */
#define WCONN_NOTICES_MAX	16	/* agent's notices before a hello */

void
wconn_close(struct wconn *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	proto_buf_free(&c->in);
}

int
wconn_read(struct wconn *c, int timeout_ms, char *err, size_t errlen)
{
	struct proto_buf *in = &c->in;
	struct proto_frame *f = &c->f;
	struct pollfd	 pfd;
	ssize_t		 n, got;

	/* drop the frame returned last time */
	if (f->need > 0 && f->need <= in->len)
		proto_buf_consume(in, f->need);
	f->need = 0;
	for (;;) {
		n = proto_frame_parse(&c->d, in->data, in->len, f, err, errlen);
		if (n > 0)
			return 1;
		if (n == -1)
			return -1;
		if (proto_buf_reserve(in, (size_t)64 * 1024) == -1) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		if ((n = poll(&pfd, 1, timeout_ms)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}
		if (n == 0) {
			snprintf(err, errlen, "the agent said nothing for "
			    "%d s", timeout_ms / 1000);
			return -1;
		}
		got = read(c->fd, in->data + in->len, in->cap - in->len);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got == 0 && in->len == 0)
				return 0;
			snprintf(err, errlen, "the agent went away%s%s",
			    got == 0 ? "" : ": ", got == 0 ? "" :
			    strerror(errno));
			return -1;
		}
		in->len += (size_t)got;
	}
}

/*
 * A notice of the agent for the user (a server pinned on first use after
 * the first set, an untrusted one: areport_notice): always printed, on one
 * line, bytes outside printable ASCII as '?'.
 */
static void
notice(const struct proto_frame *f)
{
	char	 line[1100];
	size_t	 i, n = f->len < sizeof(line) - 1 ? f->len : sizeof(line) - 1;

	for (i = 0; i < n; i++)
		line[i] = f->data[i] >= 0x20 && f->data[i] < 0x7f ?
		    (char)f->data[i] : '?';
	line[n] = '\0';
	fprintf(stderr, "ccpool: %s\n", line);
}

/*
 * Connect to the agent (started once if need be) and send hello.  Returns
 * 0, or -1 with why set (c->fd may be open: the caller closes it).
 */
static int
send_hello(struct wconn *c, const char *self_exe, int verbose,
    uint32_t version, char *why, size_t whylen)
{
	struct proto_buf hello;
	char		 tag[SPAWN_TAG_MAX], err[256], note[512];
	int		 rc;

	if (sockdir_prepare(getenv("XDG_RUNTIME_DIR"), "/tmp", getuid(),
	    c->dir, sizeof(c->dir), err, sizeof(err)) == -1) {
		snprintf(why, whylen, "agent directory: %s", err);
		return -1;
	}
	if (spawn_tag(tag, err, sizeof(err)) == -1) {
		snprintf(why, whylen, "agent: %s", err);
		return -1;
	}
	if ((c->fd = spawn_connect(c->dir, tag, self_exe, WCONN_SPAWN_WAIT_MS,
	    err, sizeof(err))) == -1) {
		snprintf(why, whylen, "agent: %s", err);
		return -1;
	}
	/* an agent that keeps other settings is said once, not kept quiet */
	if (spawn_agent_differs(c->dir, tag, verbose, note, sizeof(note)) == 1)
		fprintf(stderr, "ccpool: %s\n", note);
	proto_buf_init(&hello);
	rc = proto_hello_encode(&hello, version) == -1 ||
	    fdio_write_all(c->fd, hello.data, hello.len) == -1;
	proto_buf_free(&hello);
	if (rc) {
		snprintf(why, whylen, "agent: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Read the agent's first frame after its notices for the user (printed,
 * at most WCONN_NOTICES_MAX) into c->f.  Returns 0, or -1 with why set.
 */
static int
read_greeting(struct wconn *c, char *why, size_t whylen)
{
	char	 err[256];
	int	 rc, n;

	for (n = 0; ; n++) {
		if ((rc = wconn_read(c, WCONN_HELLO_TIMEOUT_MS, err,
		    sizeof(err))) != 1) {
			snprintf(why, whylen, "agent: %s", rc == 0 ?
			    "closed the connection" : err);
			return -1;
		}
		if (memcmp(c->f.tok, "MSG_", 4) != 0)
			return 0;
		if (n == WCONN_NOTICES_MAX) {
			snprintf(why, whylen, "agent: too many notices");
			return -1;
		}
		notice(&c->f);
	}
}

/*
 * The agent's answer to hello was not hello: a refusal, RFSE MSG_ DONE 0,
 * its reason to go local, starting with the frame in c->f.  why receives
 * the reason.  Returns 1 when the agent placed the job here, else -1.
 */
static int
read_refusal(struct wconn *c, char *why, size_t whylen)
{
	struct proto_result_reader rr;
	char		 err[256];
	int		 rc, placed = -1;

	proto_result_reader_init(&rr, 0, 0, &c->lim);
	for (;;) {
		rc = proto_result_feed(&rr, &c->f, err, sizeof(err));
		if (rc == PROTO_DONE) {
			snprintf(why, whylen, "%s", rr.res.msg);
			if (rr.res.reason == PROTO_R_LOCAL)
				placed = 1;
			break;
		}
		if (rc == -1 || wconn_read(c, WCONN_HELLO_TIMEOUT_MS, err,
		    sizeof(err)) != 1) {
			snprintf(why, whylen, "agent: bad answer: %s", err);
			break;
		}
	}
	proto_result_reader_free(&rr);
	return placed;
}

int
wconn_open(struct wconn *c, const char *self_exe, int verbose,
    uint32_t version, char *why, size_t whylen)
{
	char		 err[256];
	uint32_t	 v;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	proto_limits_default(&c->lim);
	if (proto_dialect_init(&c->d, PROTO_DIALECT_CCPOOL1, &c->lim, why,
	    whylen) == -1)
		return -1;
	if (send_hello(c, self_exe, verbose, version, why, whylen) == -1 ||
	    read_greeting(c, why, whylen) == -1)
		goto fail;
	if (proto_hello_decode(&c->f, &v, err, sizeof(err)) == 0) {
		if (v != PROTO_VERSION) {
			snprintf(why, whylen, "agent speaks version %u",
			    (unsigned)v);
			goto fail;
		}
		return 0;
	}
	if (read_refusal(c, why, whylen) == 1)
		return 1;
fail:
	wconn_close(c);
	return -1;
}

int
wconn_exchange(struct wconn *c, struct proto_job *job, uint64_t code,
    struct proto_result *res, char *where, size_t wherelen, char *why,
    size_t whylen)
{
	struct proto_result_reader rr;
	struct proto_buf enc;
	char		 err[512];
	int		 rc;

	proto_buf_init(&enc);
	if (proto_put_value(&enc, "CODE", code > UINT32_MAX ? UINT32_MAX :
	    (uint32_t)code) == -1) {
		snprintf(err, sizeof(err), "out of memory");
		rc = -1;
	} else
		rc = proto_job_encode(job, &c->lim, PROTO_ZLEVEL, &enc, err,
		    sizeof(err));
	if (rc == 0 && fdio_write_all(c->fd, enc.data, enc.len) == -1) {
		snprintf(err, sizeof(err), "agent: %s", strerror(errno));
		rc = -1;
	}
	proto_buf_free(&enc);
	if (rc == -1) {
		snprintf(why, whylen, "%s", err);
		return -1;
	}
	/* the answer: [MSG_ where] KEEP* (STAT .. DONE | RFSE MSG_ DONE) */
	where[0] = '\0';
	proto_result_reader_init(&rr, job->id, job->want, &c->lim);
	for (;;) {
		if ((rc = wconn_read(c, WCONN_AGENT_TIMEOUT_MS, err,
		    sizeof(err))) != 1) {
			if (rc == 0)
				snprintf(err, sizeof(err), "went away");
			rc = -1;
			break;
		}
		if (where[0] == '\0' && memcmp(c->f.tok, "MSG_", 4) == 0 &&
		    rr.state == 0) {
			snprintf(where, wherelen, "%.*s", (int)(c->f.len < 256 ?
			    c->f.len : 256), (const char *)c->f.data);
			continue;
		}
		rc = proto_result_feed(&rr, &c->f, err, sizeof(err));
		if (rc == -1 || rc == PROTO_DONE)
			break;
	}
	if (rc == -1) {
		proto_result_reader_free(&rr);
		snprintf(why, whylen, "agent: %s", err);
		return -1;
	}
	proto_result_reader_take(&rr, res);
	proto_result_reader_free(&rr);
	return 0;
}
