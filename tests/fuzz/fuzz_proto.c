/*
 * fuzz_proto.c - fuzz harness for the wire protocol codec (proto_*.c).
 *
 * The input is a byte stream as it would arrive on a connection.  It is
 * cut into frames by proto_frame_parse (ccpool1 and distcc dialects, with
 * the frame invariants checked: sizes, payload position, header re-emitted
 * the same), and fed to a job reader (and a relay's job reader beside
 * it), to an answer reader for job 1, and
 * to an answer reader for a hello (job 0).  Whatever a reader accepts must
 * pass the checker, encode, decode again to an equal struct, and encode
 * again to the very same bytes; proto_evpull, fed the stream in pieces,
 * must cut it as proto_frame_parse does; any violation aborts.  Runs under
 * libFuzzer (make fuzz) or tests/fuzz/standalone.c (make check).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "common/proto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define JOBID	1

/* Small limits: a tiny input must not make us inflate 256 MiB. */
static void
limits(struct proto_limits *lim)
{
	proto_limits_default(lim);
	lim->max_argc = 64;
	lim->max_arg = 4096;
	lim->max_args_total = 16384;
	lim->max_input = 1 << 20;
	lim->max_input_z = 1 << 16;
	lim->max_output = 1 << 20;
	lim->max_output_z = 1 << 16;
	lim->max_stdout = 1 << 16;
	lim->max_stderr = 1 << 16;
	lim->max_deps = 1 << 16;
}

static void
check_err(const char *err, size_t errlen)
{
	if (memchr(err, '\0', errlen) == NULL || err[0] == '\0')
		abort();	/* a refusal without a terminated reason */
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c;
}

/* Parse one frame and check what the parser promises. */
static ssize_t
frame(const struct proto_dialect *d, const uint8_t *buf, size_t len,
    struct proto_frame *f)
{
	const struct proto_token *t;
	struct proto_buf hb;
	char	 err[160];
	ssize_t	 n;
	size_t	 i;

	memset(err, 'x', sizeof(err));
	n = proto_frame_parse(d, buf, len, f, err, sizeof(err));
	if (n == -1) {
		check_err(err, sizeof(err));
		return -1;
	}
	if (n == 0) {
		if (f->need <= len || f->need < PROTO_HDRLEN)
			abort();
		return 0;
	}
	if ((size_t)n > len || (t = proto_dialect_lookup(d, f->tok)) == NULL ||
	    t->kind != f->kind || strlen(f->tok) != 4)
		abort();
	if (f->kind == PROTO_VALUE && (n != PROTO_HDRLEN ||
	    f->data != NULL || f->len != 0))
		abort();
	if (f->kind == PROTO_PAYLOAD && ((size_t)n != PROTO_HDRLEN + f->len ||
	    f->data != buf + PROTO_HDRLEN || f->len != f->value ||
	    f->len > t->max))
		abort();
	/* the header we would write is the one we read, up to hex case */
	proto_buf_init(&hb);
	if (proto_put_value(&hb, f->tok, f->value) == -1)
		abort();
	for (i = 0; i < PROTO_HDRLEN; i++)
		if ((i < 4 ? buf[i] : lower(buf[i])) != hb.data[i])
			abort();
	proto_buf_free(&hb);
	return n;
}

static int
bufeq(const struct proto_buf *a, const struct proto_buf *b)
{
	return a->len == b->len && (a->len == 0 ||
	    memcmp(a->data, b->data, a->len) == 0);
}

static int
job_equal(const struct proto_job *a, const struct proto_job *b)
{
	uint32_t i;

	if (a->id != b->id || strcmp(a->tcid, b->tcid) != 0 ||
	    a->lang != b->lang || a->argc != b->argc ||
	    strcmp(a->cwd, b->cwd) != 0 ||
	    strcmp(a->srcname, b->srcname) != 0 || a->want != b->want ||
	    !bufeq(&a->src, &b->src) || a->argv[a->argc] != NULL ||
	    b->argv[b->argc] != NULL)
		return 0;
	for (i = 0; i < a->argc; i++)
		if (strcmp(a->argv[i], b->argv[i]) != 0)
			return 0;
	return 1;
}

static int
result_equal(const struct proto_result *a, const struct proto_result *b)
{
	if (a->jobid != b->jobid || a->refused != b->refused)
		return 0;
	if (a->refused)
		return a->reason == b->reason && strcmp(a->msg, b->msg) == 0;
	return a->status == b->status && bufeq(&a->out, &b->out) &&
	    bufeq(&a->errout, &b->errout) && bufeq(&a->obj, &b->obj) &&
	    bufeq(&a->deps, &b->deps) && a->queue_ms == b->queue_ms &&
	    a->compile_ms == b->compile_ms;
}

/* Decode exactly one job from the whole of buf, or abort. */
static void
redecode_job(const struct proto_dialect *d, const struct proto_limits *lim,
    const struct proto_buf *b, struct proto_job *j)
{
	struct proto_job_reader r;
	struct proto_frame f;
	char	 err[160];
	size_t	 off = 0;
	ssize_t	 n;
	int	 rc = PROTO_MORE;

	proto_job_reader_init(&r, lim);
	while (rc == PROTO_MORE) {
		if ((n = frame(d, b->data + off, b->len - off, &f)) <= 0)
			abort();
		off += (size_t)n;
		if ((rc = proto_job_feed(&r, &f, err, sizeof(err))) == -1)
			abort();
	}
	if (rc != PROTO_DONE || off != b->len)
		abort();
	proto_job_reader_take(&r, j);
	proto_job_reader_free(&r);
}

static void
job_roundtrip(const struct proto_dialect *d, const struct proto_limits *lim,
    const struct proto_job *a)
{
	struct proto_job b;
	struct proto_buf e1, e2;
	char	 err[160];

	proto_buf_init(&e1);
	proto_buf_init(&e2);
	if (proto_job_check(a, lim, err, sizeof(err)) == -1 ||
	    proto_job_encode(a, lim, 1, &e1, err, sizeof(err)) == -1)
		abort();
	redecode_job(d, lim, &e1, &b);
	if (!job_equal(a, &b))
		abort();
	if (proto_job_encode(&b, lim, 1, &e2, err, sizeof(err)) == -1 ||
	    !bufeq(&e1, &e2))
		abort();
	proto_job_free(&b);
	proto_buf_free(&e1);
	proto_buf_free(&e2);
}

/*
 * The same frames to a relay's reader (the agent's: ZDTI checked, not
 * decompressed), alongside: it must fail cleanly or decode the same job
 * without its source, and whenever both readers finish a job together
 * they agree on the source's size.  *live: the relay is still reading.
 */
static void
relay_feed(struct proto_job_reader *rr, int *live, const struct
    proto_frame *f, int rc, const struct proto_job_reader *full)
{
	struct proto_job j;
	char	 err[160];
	size_t	 srclen = full->srclen;
	int	 rrc;

	if (!*live)
		return;
	memset(err, 'x', sizeof(err));
	rrc = proto_job_feed(rr, f, err, sizeof(err));
	if (rrc == -1) {
		check_err(err, sizeof(err));
		*live = 0;
		return;
	}
	if (rrc == PROTO_DONE) {
		if (rc == PROTO_DONE && rr->srclen != srclen)
			abort();
		proto_job_reader_take(rr, &j);
		if (j.src.len != 0 || rr->relay != 1)
			abort();
		proto_job_free(&j);
	} else if (rrc != PROTO_MORE)
		abort();
}

static void
jobs(const struct proto_dialect *d, const struct proto_limits *lim,
    const uint8_t *data, size_t size)
{
	struct proto_job_reader r, rr;
	struct proto_job j;
	struct proto_frame f;
	char	 err[160];
	size_t	 off = 0;
	ssize_t	 n;
	int	 rc, rlive = 1;

	proto_job_reader_init(&r, lim);
	proto_job_reader_init(&rr, lim);
	rr.relay = 1;
	while ((n = frame(d, data + off, size - off, &f)) > 0) {
		off += (size_t)n;
		memset(err, 'x', sizeof(err));
		rc = proto_job_feed(&r, &f, err, sizeof(err));
		relay_feed(&rr, &rlive, &f, rc, &r);
		if (rc == -1) {
			check_err(err, sizeof(err));
			/* dead for good */
			if (proto_job_feed(&r, &f, err, sizeof(err)) != -1)
				abort();
			break;
		}
		if (rc == PROTO_DONE) {
			proto_job_reader_take(&r, &j);
			job_roundtrip(d, lim, &j);
			proto_job_free(&j);
		} else if (rc != PROTO_MORE)
			abort();
	}
	proto_job_reader_free(&r);
	proto_job_reader_free(&rr);
}

static void
encode_answer(const struct proto_result *a, uint32_t want,
    const struct proto_limits *lim, struct proto_buf *out)
{
	char	 err[160];

	if (proto_result_check(a, want, lim, err, sizeof(err)) == -1)
		abort();
	if (a->refused) {
		if (proto_refusal_encode(a->jobid, a->reason, a->msg, lim, out,
		    err, sizeof(err)) == -1)
			abort();
	} else if (proto_result_encode(a, want, lim, 1, out, err,
	    sizeof(err)) == -1)
		abort();
}

static void
answer_roundtrip(const struct proto_dialect *d,
    const struct proto_limits *lim, uint32_t jobid, uint32_t want,
    const struct proto_result *a)
{
	struct proto_result_reader r;
	struct proto_result b;
	struct proto_buf e1, e2;
	struct proto_frame f;
	char	 err[160];
	size_t	 off = 0;
	ssize_t	 n;
	int	 rc = PROTO_MORE;

	proto_buf_init(&e1);
	proto_buf_init(&e2);
	encode_answer(a, want, lim, &e1);
	proto_result_reader_init(&r, jobid, want, lim);
	while (rc == PROTO_MORE) {
		if ((n = frame(d, e1.data + off, e1.len - off, &f)) <= 0)
			abort();
		off += (size_t)n;
		if ((rc = proto_result_feed(&r, &f, err, sizeof(err))) == -1)
			abort();
	}
	if (rc != PROTO_DONE || off != e1.len)
		abort();
	proto_result_reader_take(&r, &b);
	if (!result_equal(a, &b))
		abort();
	encode_answer(&b, want, lim, &e2);
	if (!bufeq(&e1, &e2))
		abort();
	proto_result_free(&b);
	proto_result_reader_free(&r);
	proto_buf_free(&e1);
	proto_buf_free(&e2);
}

static void
answers(const struct proto_dialect *d, const struct proto_limits *lim,
    uint32_t jobid, uint32_t want, const uint8_t *data, size_t size)
{
	struct proto_result_reader r;
	struct proto_result res;
	struct proto_frame f;
	char	 err[160];
	size_t	 off = 0;
	ssize_t	 n;
	int	 rc;

	proto_result_reader_init(&r, jobid, want, lim);
	while ((n = frame(d, data + off, size - off, &f)) > 0) {
		off += (size_t)n;
		memset(err, 'x', sizeof(err));
		rc = proto_result_feed(&r, &f, err, sizeof(err));
		if (rc == -1) {
			check_err(err, sizeof(err));
			break;
		}
		if (rc == PROTO_DONE) {
			proto_result_reader_take(&r, &res);
			if (res.jobid != jobid || (jobid == 0 && !res.refused))
				abort();
			answer_roundtrip(d, lim, jobid, want, &res);
			proto_result_free(&res);
		} else if (rc != PROTO_MORE && rc != PROTO_KEEPALIVE)
			abort();
	}
	proto_result_reader_free(&r);
}

/*
 * Offers and pulls (version 2): whatever a reader accepts encodes to
 * frames that read back the same; a failed offer reader stays failed.
 */
static void
offer_roundtrip(const struct proto_dialect *d, const struct proto_offer *o)
{
	struct proto_offer_reader r;
	struct proto_frame f;
	struct proto_buf b;
	char	 err[160];
	size_t	 off = 0;
	ssize_t	 n;
	int	 rc = PROTO_MORE;

	proto_buf_init(&b);
	proto_offer_reader_init(&r);
	if (proto_offer_encode(o, &b, err, sizeof(err)) == -1)
		abort();
	while (rc == PROTO_MORE) {
		if ((n = frame(d, b.data + off, b.len - off, &f)) <= 0)
			abort();
		off += (size_t)n;
		rc = proto_offer_feed(&r, &f, err, sizeof(err));
	}
	if (rc != PROTO_DONE || off != b.len || r.o.id != o->id ||
	    r.o.lang != o->lang || r.o.size != o->size ||
	    strcmp(r.o.tcid, o->tcid) != 0)
		abort();
	proto_buf_free(&b);
}

static void
pull_roundtrip(const struct proto_dialect *d, const struct proto_pull *p)
{
	struct proto_pull q;
	struct proto_frame f;
	struct proto_buf b;
	char	 err[160];
	size_t	 off = 0;
	ssize_t	 n;
	int	 rc = PROTO_MORE, st = 0;

	proto_buf_init(&b);
	if (proto_pull_encode(p, &b) == -1)
		abort();
	while (rc == PROTO_MORE) {
		if ((n = frame(d, b.data + off, b.len - off, &f)) <= 0)
			abort();
		off += (size_t)n;
		rc = proto_pull_feed(&q, &st, &f, err, sizeof(err));
	}
	if (rc != PROTO_DONE || off != b.len || q.id != p->id ||
	    q.free_slots != p->free_slots || q.waiting != p->waiting)
		abort();
	proto_buf_free(&b);
}

static void
offers(const struct proto_dialect *d, const uint8_t *data, size_t size)
{
	struct proto_offer_reader r;
	struct proto_pull p;
	struct proto_frame f;
	char	 err[160];
	size_t	 off = 0;
	ssize_t	 n;
	int	 rc, pst = 0, olive = 1;

	proto_offer_reader_init(&r);
	while ((n = frame(d, data + off, size - off, &f)) > 0) {
		off += (size_t)n;
		memset(err, 'x', sizeof(err));
		rc = olive ? proto_offer_feed(&r, &f, err, sizeof(err)) :
		    PROTO_MORE;
		if (rc == -1) {
			check_err(err, sizeof(err));
			if (proto_offer_feed(&r, &f, err, sizeof(err)) != -1)
				abort();
			olive = 0;
		} else if (rc == PROTO_DONE) {
			offer_roundtrip(d, &r.o);
			proto_offer_reader_init(&r);
		}
		memset(err, 'x', sizeof(err));
		rc = proto_pull_feed(&p, &pst, &f, err, sizeof(err));
		if (rc == -1) {
			check_err(err, sizeof(err));
			pst = 0;
		} else if (rc == PROTO_DONE)
			pull_roundtrip(d, &p);
		else if (rc != PROTO_MORE || pst != 1)
			abort();
	}
}

/* The distcc dialect: only the framing is ours to check. */
static void
distcc(const struct proto_limits *lim, const uint8_t *data, size_t size)
{
	struct proto_dialect d;
	struct proto_frame f;
	size_t	 off = 0;
	ssize_t	 n;

	if (proto_dialect_init(&d, PROTO_DIALECT_DISTCC, lim, NULL, 0) == -1)
		abort();
	while ((n = frame(&d, data + off, size - off, &f)) > 0)
		off += (size_t)n;
}

/*
 * proto_evpull over the same stream arriving in pieces (their sizes
 * taken from the data itself): every frame it gives is the one
 * proto_frame_parse finds at the same offset of the whole stream, and a
 * refusal comes at the same offset too.
 */
static void
evpull(const struct proto_dialect *d, const uint8_t *data, size_t size)
{
	struct evbuffer	*in;
	struct proto_frame f, g;
	const uint8_t	*p;
	char		 err[256];
	size_t		 fed = 0, off = 0, step;
	ssize_t		 r, w;

	if ((in = evbuffer_new()) == NULL)
		abort();
	for (;;) {
		r = proto_evpull(in, d, &f, &p, err, sizeof(err));
		w = proto_frame_parse(d, data + off, fed - off, &g, NULL, 0);
		if (r != w)
			abort();	/* a different verdict */
		if (r == -1) {
			check_err(err, sizeof(err));
			break;
		}
		if (r > 0) {
			if (f.need != g.need || memcmp(p, data + off, f.need) ||
			    f.len != g.len || (f.len > 0 && f.data != p +
			    PROTO_HDRLEN))
				abort();
			evbuffer_drain(in, f.need);
			off += f.need;
			continue;
		}
		if (fed == size)
			break;
		step = 1 + data[fed] % 37;	/* pieces of 1..37 bytes */
		if (step > size - fed)
			step = size - fed;
		evbuffer_add(in, data + fed, step);
		fed += step;
	}
	evbuffer_free(in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_limits lim;
	struct proto_dialect d;

	limits(&lim);
	if (proto_dialect_init(&d, PROTO_DIALECT_CCPOOL1, &lim, NULL, 0) == -1)
		abort();
	jobs(&d, &lim, data, size);
	answers(&d, &lim, JOBID, PROTO_WANT_DEPS, data, size);
	answers(&d, &lim, 0, 0, data, size);
	offers(&d, data, size);
	distcc(&lim, data, size);
	evpull(&d, data, size);
	return 0;
}
