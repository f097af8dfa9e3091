/*
 * proto_result.c - the answer to a job in ccpool protocol version 1: a
 * result (STAT ... DONE) or a refusal (RFSE MSG_ DONE), with keepalives
 * (KEEP) before it; their checker, encoders and incremental reader.  See
 * proto.h, doc/protocol.md and proto_msg.c, which holds the validators
 * shared with the job (proto_job.c).
 *
 * The reader is a state machine fed one frame at a time: each state
 * expects one token, so a missing, repeated or out-of-order frame is an
 * error, and a reader that failed once stays failed.  Start reading at
 * proto_result_feed().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/proto.h"
#include "common/proto_msg.h"

void
proto_result_init(struct proto_result *res)
{
	memset(res, 0, sizeof(*res));
	proto_buf_init(&res->out);
	proto_buf_init(&res->errout);
	proto_buf_init(&res->obj);
	proto_buf_init(&res->deps);
}

void
proto_result_free(struct proto_result *res)
{
	if (res == NULL)
		return;
	free(res->msg);
	proto_buf_free(&res->out);
	proto_buf_free(&res->errout);
	proto_buf_free(&res->obj);
	proto_buf_free(&res->deps);
	proto_result_init(res);
}

int
proto_result_check(const struct proto_result *res, uint32_t want,
    const struct proto_limits *lim, char *err, size_t errlen)
{
	struct proto_limits def;

	lim = proto_deflim(lim, &def);
	if (proto_check_want(want, err, errlen) == -1)
		return -1;
	if (res->refused) {
		if (proto_check_reason(res->reason, err, errlen) == -1)
			return -1;
		if (res->msg == NULL) {
			err_set(err, errlen, "MSG_: missing");
			return -1;
		}
		return proto_check_msg((const uint8_t *)res->msg, strlen(res->msg),
		    lim, err, errlen);
	}
	if (res->jobid == 0) {
		err_set(err, errlen, "DONE: a result for job 0");
		return -1;
	}
	if (proto_check_status(res->status, err, errlen) == -1 ||
	    proto_check_size("SOUT", res->out.len, lim->max_stdout, err,
	    errlen) == -1 ||
	    proto_check_size("SERR", res->errout.len, lim->max_stderr, err,
	    errlen) == -1 ||
	    proto_check_size("object", res->obj.len, lim->max_output, err,
	    errlen) == -1 ||
	    proto_check_size("DEPS", res->deps.len, lim->max_deps, err,
	    errlen) == -1)
		return -1;
	if (res->status != 0 && res->obj.len != 0) {
		err_set(err, errlen, "ZDTO: an object from a failed compile");
		return -1;
	}
	if (!(want & PROTO_WANT_DEPS) && res->deps.len != 0) {
		err_set(err, errlen, "DEPS: not wanted");
		return -1;
	}
	return 0;
}

int
proto_result_encode(const struct proto_result *res, uint32_t want,
    const struct proto_limits *lim, int zlevel, struct proto_buf *out,
    char *err, size_t errlen)
{
	struct proto_limits def;
	size_t	 start = out->len;

	lim = proto_deflim(lim, &def);
	if (res->refused) {
		err_set(err, errlen, "a refusal is not a result");
		return -1;
	}
	if (proto_result_check(res, want, lim, err, errlen) == -1)
		return -1;
	if (proto_put_value(out, "STAT", res->status) == -1 ||
	    proto_put_payload(out, "SOUT", res->out.data, res->out.len) == -1 ||
	    proto_put_payload(out, "SERR", res->errout.data,
	    res->errout.len) == -1)
		goto nomem;
	if (proto_put_zpayload(out, "ZDTO", res->obj.data, res->obj.len, 0,
	    lim->max_output_z, zlevel, err, errlen) == -1)
		goto fail;
	if (proto_put_payload(out, "DEPS", res->deps.data,
	    res->deps.len) == -1 ||
	    proto_put_value(out, "TIMQ", res->queue_ms) == -1 ||
	    proto_put_value(out, "TIMC", res->compile_ms) == -1 ||
	    proto_put_value(out, "DONE", res->jobid) == -1)
		goto nomem;
	return 0;
nomem:
	err_set(err, errlen, "out of memory");
fail:
	out->len = start;
	return -1;
}

int
proto_refusal_encode(uint32_t jobid, uint32_t reason, const char *msg,
    const struct proto_limits *lim, struct proto_buf *out, char *err,
    size_t errlen)
{
	struct proto_limits def;
	size_t	 start = out->len;

	lim = proto_deflim(lim, &def);
	if (proto_check_reason(reason, err, errlen) == -1)
		return -1;
	if (msg == NULL) {
		err_set(err, errlen, "MSG_: missing");
		return -1;
	}
	if (proto_check_msg((const uint8_t *)msg, strlen(msg), lim, err,
	    errlen) == -1)
		return -1;
	if (proto_put_value(out, "RFSE", reason) == -1 ||
	    proto_put_str(out, "MSG_", msg) == -1 ||
	    proto_put_value(out, "DONE", jobid) == -1) {
		err_set(err, errlen, "out of memory");
		out->len = start;
		return -1;
	}
	return 0;
}

int
proto_keepalive_encode(struct proto_buf *out)
{
	return proto_put_value(out, "KEEP", 0);
}

/* The answer reader's states. */
enum rstate {
	R_START,			/* KEEP*, then RFSE or STAT */
	R_MSG, R_RDONE,			/* refusal */
	R_SOUT, R_SERR, R_ZDTO, R_DEPS, R_TIMQ, R_TIMC, R_DONE,	/* result */
	R_COMPLETE, R_DEAD
};

static const char *const rtok[R_COMPLETE] = {
	"STAT", "MSG_", "DONE", "SOUT", "SERR", "ZDTO", "DEPS", "TIMQ", "TIMC",
	"DONE"
};

static const enum proto_kind rkind[R_COMPLETE] = {
	PROTO_VALUE, PROTO_PAYLOAD, PROTO_VALUE, PROTO_PAYLOAD, PROTO_PAYLOAD,
	PROTO_PAYLOAD, PROTO_PAYLOAD, PROTO_VALUE, PROTO_VALUE, PROTO_VALUE
};

void
proto_result_reader_init(struct proto_result_reader *r, uint32_t jobid,
    uint32_t want, const struct proto_limits *lim)
{
	memset(r, 0, sizeof(*r));
	if (lim != NULL)
		r->lim = *lim;
	else
		proto_limits_default(&r->lim);
	r->jobid = jobid;
	r->want = want;
	r->state = R_START;
	proto_result_init(&r->res);
}

void
proto_result_reader_free(struct proto_result_reader *r)
{
	if (r == NULL)
		return;
	proto_result_free(&r->res);
	r->state = R_DEAD;
}

void
proto_result_reader_take(struct proto_result_reader *r,
    struct proto_result *res)
{
	struct proto_limits lim = r->lim;

	*res = r->res;
	proto_result_init(&r->res);
	proto_result_reader_init(r, r->jobid, r->want, &lim);
}

static int
copy_payload(const char *what, struct proto_buf *b,
    const struct proto_frame *f, size_t max, char *err, size_t errlen)
{
	if (proto_check_size(what, f->len, max, err, errlen) == -1)
		return -1;
	if (proto_buf_append(b, f->data, f->len) == -1) {
		err_set(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/*
 * The first frame of an answer, in R_START: a KEEP (only while a job is
 * out, r->jobid not 0) or RFSE.  1 with *rc what the feed returns when it
 * was one of those, 0 when the frame is for the STAT state, -1 with err
 * set.
 */
static int
result_start(struct proto_result_reader *r, const struct proto_frame *f,
    int *rc, char *err, size_t errlen)
{
	if (memcmp(f->tok, "KEEP", 4) == 0 && r->jobid != 0) {
		if (proto_expect(f, "KEEP", PROTO_VALUE, err, errlen) == -1)
			return -1;
		if (f->value != 0) {
			err_set(err, errlen, "KEEP: value %u, not 0",
			    (unsigned)f->value);
			return -1;
		}
		*rc = PROTO_KEEPALIVE;
		return 1;
	}
	if (memcmp(f->tok, "RFSE", 4) == 0) {
		if (proto_expect(f, "RFSE", PROTO_VALUE, err, errlen) == -1 ||
		    proto_check_reason(f->value, err, errlen) == -1)
			return -1;
		r->res.refused = 1;
		r->res.reason = f->value;
		r->state = R_MSG;
		*rc = PROTO_MORE;
		return 1;
	}
	if (r->jobid == 0) {
		err_set(err, errlen, "expected RFSE, got %.4s", f->tok);
		return -1;
	}
	return 0;
}

/* ZDTO: the object; an empty payload is none, and none after a failure. */
static int
result_zdto(struct proto_result_reader *r, const struct proto_frame *f,
    char *err, size_t errlen)
{
	struct proto_result *res = &r->res;

	if (proto_check_size("ZDTO", f->len, r->lim.max_output_z, err,
	    errlen) == -1)
		return -1;
	if (f->len == 0)
		return 0;	/* no object */
	if (proto_zdecompress(f->data, f->len, r->lim.max_output,
	    &res->obj, err, errlen) == -1)
		return -1;
	if (res->status != 0 && res->obj.len != 0) {
		err_set(err, errlen, "ZDTO: an object from a failed "
		    "compile");
		return -1;
	}
	return 0;
}

/* One frame of the answer: checked against the state, stored, state on. */
static int
result_frame(struct proto_result_reader *r, const struct proto_frame *f,
    char *err, size_t errlen)
{
	struct proto_result *res = &r->res;
	int	 rc, first;

	if (r->state >= R_COMPLETE) {
		err_set(err, errlen, "%.4s after the end of the answer",
		    f->tok);
		return -1;
	}
	if (r->state == R_START &&
	    (first = result_start(r, f, &rc, err, errlen)) != 0)
		return first == -1 ? -1 : rc;
	if (proto_expect(f, rtok[r->state], rkind[r->state], err, errlen) == -1)
		return -1;
	switch (r->state) {
	case R_START:
		if (proto_check_status(f->value, err, errlen) == -1)
			return -1;
		res->status = f->value;
		r->state = R_SOUT;
		return PROTO_MORE;
	case R_MSG:
		if (proto_check_msg(f->data, f->len, &r->lim, err,
		    errlen) == -1)
			return -1;
		if ((res->msg = proto_dupstr(f)) == NULL) {
			err_set(err, errlen, "out of memory");
			return -1;
		}
		r->state = R_RDONE;
		return PROTO_MORE;
	case R_RDONE:
	case R_DONE:
		if (f->value != r->jobid) {
			err_set(err, errlen, "DONE: job %u, expected %u",
			    (unsigned)f->value, (unsigned)r->jobid);
			return -1;
		}
		res->jobid = f->value;
		break;
	case R_SOUT:
		if (copy_payload("SOUT", &res->out, f, r->lim.max_stdout, err,
		    errlen) == -1)
			return -1;
		break;
	case R_SERR:
		if (copy_payload("SERR", &res->errout, f, r->lim.max_stderr,
		    err, errlen) == -1)
			return -1;
		break;
	case R_ZDTO:
		if (result_zdto(r, f, err, errlen) == -1)
			return -1;
		break;
	case R_DEPS:
		if (!(r->want & PROTO_WANT_DEPS) && f->len != 0) {
			err_set(err, errlen, "DEPS: not wanted");
			return -1;
		}
		if (copy_payload("DEPS", &res->deps, f, r->lim.max_deps, err,
		    errlen) == -1)
			return -1;
		break;
	case R_TIMQ:
		res->queue_ms = f->value;
		break;
	case R_TIMC:
		res->compile_ms = f->value;
		break;
	default:
		err_set(err, errlen, "bad reader state");
		return -1;
	}
	r->state = r->state == R_RDONE ? R_COMPLETE : r->state + 1;
	return r->state == R_COMPLETE ? PROTO_DONE : PROTO_MORE;
}

int
proto_result_feed(struct proto_result_reader *r, const struct proto_frame *f,
    char *err, size_t errlen)
{
	int	 rc;

	if (r->state == R_DEAD) {
		err_set(err, errlen, "answer reader failed earlier");
		return -1;
	}
	if ((rc = result_frame(r, f, err, errlen)) == -1)
		r->state = R_DEAD;
	return rc;
}
