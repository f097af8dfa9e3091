/*
 * dccproto.c - distcc protocol 1: the request encoder and the answer
 * reader.  See dccproto.h.  The reader is a small state machine over the
 * five answer frames, in the only order a distccd sends them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "agent/dccproto.h"

enum {
	R_DONE,		/* expecting DONE <version> */
	R_STAT,
	R_SERR,
	R_SOUT,
	R_DOTO,
	R_END,		/* complete */
	R_DEAD		/* an error was reported */
};

static const char *const want_tok[] = { "DONE", "STAT", "SERR", "SOUT",
	"DOTO" };

int
dccproto_req_encode(struct proto_buf *out, uint32_t version, int argc,
    char *const argv[], const void *src, size_t len,
    const struct proto_limits *lim, char *err, size_t errlen)
{
	struct proto_limits	 def;
	size_t			 old = out->len, alen, total = 0;
	int			 i;

	if (lim == NULL) {
		proto_limits_default(&def);
		lim = &def;
	}
	if (argc < 1 || (uint32_t)argc > lim->max_argc || argv[0] == NULL ||
	    argv[0][0] == '\0') {
		snprintf(err, errlen, "distcc request: bad argument count");
		return -1;
	}
	if (len > lim->max_input) {
		snprintf(err, errlen, "distcc request: source of %zu bytes "
		    "over the limit", len);
		return -1;
	}
	if (proto_put_value(out, "DIST", version) == -1 ||
	    proto_put_value(out, "ARGC", (uint32_t)argc) == -1)
		goto oom;
	for (i = 0; i < argc; i++) {
		if (argv[i] == NULL ||
		    (alen = strlen(argv[i])) > lim->max_arg ||
		    (total += alen) > lim->max_args_total) {
			snprintf(err, errlen, "distcc request: argument %d "
			    "missing or too long", i);
			out->len = old;
			return -1;
		}
		if (proto_put_payload(out, "ARGV", argv[i], alen) == -1)
			goto oom;
	}
	if (proto_put_payload(out, "DOTI", src, len) == -1)
		goto oom;
	return 0;
oom:
	out->len = old;
	snprintf(err, errlen, "distcc request: %s", strerror(errno));
	return -1;
}

void
dccproto_reader_init(struct dccproto_reader *r, uint32_t version,
    const struct proto_limits *lim)
{
	memset(r, 0, sizeof(*r));
	r->version = version;
	if (lim != NULL)
		r->lim = *lim;
	else
		proto_limits_default(&r->lim);
	r->state = R_DONE;
}

void
dccproto_reader_free(struct dccproto_reader *r)
{
	proto_buf_free(&r->ans.errout);
	proto_buf_free(&r->ans.out);
	proto_buf_free(&r->ans.obj);
	r->state = R_DEAD;
}

/* A wait status a real compiler's end can have: an exit or a signal. */
static int
status_ok(uint32_t st)
{
	if ((st & 0x7f) == 0)			/* exited: code in bits 8-15 */
		return (st & ~0xff00u) == 0;
	if ((st & 0xff) == 0x7f)		/* stopped: never an end */
		return 0;
	return (st & ~0xffu) == 0;		/* signalled, maybe cored */
}

/* Store payload f in b, at most max bytes.  Returns 0 or -1 with err. */
static int
take(struct proto_buf *b, const struct proto_frame *f, size_t max,
    char *err, size_t errlen)
{
	if (f->len > max) {
		snprintf(err, errlen, "distcc answer: %s of %zu bytes over "
		    "the limit of %zu", f->tok, f->len, max);
		return -1;
	}
	if (proto_buf_append(b, f->data, f->len) == -1) {
		snprintf(err, errlen, "distcc answer: out of memory");
		return -1;
	}
	return 0;
}

static int
feed(struct dccproto_reader *r, const struct proto_frame *f, char *err,
    size_t errlen)
{
	struct dccproto_ans *a = &r->ans;

	if (r->state >= R_END) {
		snprintf(err, errlen, "distcc answer: %.4s after its end",
		    f->tok);
		return -1;
	}
	if (memcmp(f->tok, want_tok[r->state], 4) != 0) {
		snprintf(err, errlen, "distcc answer: %.4s where %s belongs",
		    f->tok, want_tok[r->state]);
		return -1;
	}
	switch (r->state) {
	case R_DONE:
		if (f->value != r->version) {
			snprintf(err, errlen, "distcc answer: protocol %u, "
			    "asked for %u", (unsigned)f->value,
			    (unsigned)r->version);
			return -1;
		}
		break;
	case R_STAT:
		if (!status_ok(f->value)) {
			snprintf(err, errlen, "distcc answer: impossible "
			    "wait status 0x%x", (unsigned)f->value);
			return -1;
		}
		a->status = f->value;
		break;
	case R_SERR:
		if (take(&a->errout, f, r->lim.max_stderr, err, errlen) == -1)
			return -1;
		break;
	case R_SOUT:
		if (take(&a->out, f, r->lim.max_stdout, err, errlen) == -1)
			return -1;
		break;
	case R_DOTO:
		if (a->status != 0 && f->len != 0) {
			snprintf(err, errlen, "distcc answer: an object from "
			    "a failed compile");
			return -1;
		}
		if (a->status == 0 && f->len == 0) {
			snprintf(err, errlen, "distcc answer: a clean "
			    "compile without an object");
			return -1;
		}
		if (take(&a->obj, f, r->lim.max_output, err, errlen) == -1)
			return -1;
		break;
	}
	r->state++;
	return r->state == R_END ? PROTO_DONE : PROTO_MORE;
}

int
dccproto_ans_feed(struct dccproto_reader *r, const struct proto_frame *f,
    char *err, size_t errlen)
{
	int	 rc;

	if (r->state == R_DEAD) {
		snprintf(err, errlen, "distcc answer: reader failed before");
		return -1;
	}
	if ((rc = feed(r, f, err, errlen)) == -1)
		r->state = R_DEAD;
	return rc;
}
