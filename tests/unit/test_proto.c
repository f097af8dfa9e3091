/*
 * test_proto.c - the wire protocol codec: frame headers (valid, partial,
 * malformed, over limit), the distcc dialect, job/result/refusal round
 * trips (whole and byte by byte), every ordering error (each frame
 * dropped, repeated, swapped with its neighbour), field checks, limits,
 * and zstd bodies (round trip, bomb, truncation, trailing bytes).
 *
 * Streams are made by the encoders and cut into frames by split(), so the
 * ordering tests mutate real encoder output rather than hand-made bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/CUnit.h>
#include <event2/buffer.h>

#include "common/proto_frame.c"
#include "common/proto_zstd.c"
#include "common/proto_msg.c"
#include "common/proto_job.c"
#include "common/proto_result.c"
#include "common/proto_ev.c"

#define MAXFR	64

/* A stream cut into frames. */
struct frames {
	size_t	 n;
	size_t	 off[MAXFR];
	size_t	 len[MAXFR];
};

static void
split(const struct proto_buf *b, struct frames *fr)
{
	struct proto_dialect d;
	struct proto_frame f;
	size_t	 off = 0;
	ssize_t	 n;

	proto_dialect_init(&d, PROTO_DIALECT_CCPOOL1, NULL, NULL, 0);
	fr->n = 0;
	while (off < b->len && fr->n < MAXFR) {
		n = proto_frame_parse(&d, b->data + off, b->len - off, &f,
		    NULL, 0);
		CU_ASSERT_FATAL(n > 0);
		fr->off[fr->n] = off;
		fr->len[fr->n++] = (size_t)n;
		off += (size_t)n;
	}
	CU_ASSERT_FATAL(off == b->len);
}

/* Append frame i of src (cut as fr) to out. */
static void
addframe(struct proto_buf *out, const struct proto_buf *src,
    const struct frames *fr, size_t i)
{
	CU_ASSERT_FATAL(proto_buf_append(out, src->data + fr->off[i],
	    fr->len[i]) == 0);
}

/*
 * Parse the stream in buf and feed it to a job reader with limits lim.
 * Returns 1 (a job, left in *j), 0 (ran out of bytes), -1 (refused).
 */
static int
run_job(const uint8_t *buf, size_t len, const struct proto_limits *lim,
    struct proto_job *j, char *err, size_t errlen)
{
	struct proto_dialect d;
	struct proto_job_reader r;
	struct proto_frame f;
	size_t	 off = 0;
	ssize_t	 n;
	int	 rc;

	proto_dialect_init(&d, PROTO_DIALECT_CCPOOL1, lim, NULL, 0);
	proto_job_reader_init(&r, lim);
	proto_job_init(j);
	for (;;) {
		n = proto_frame_parse(&d, buf + off, len - off, &f, err,
		    errlen);
		if (n <= 0) {
			proto_job_reader_free(&r);
			return (int)n;
		}
		off += (size_t)n;
		rc = proto_job_feed(&r, &f, err, errlen);
		if (rc == -1) {
			proto_job_reader_free(&r);
			return -1;
		}
		if (rc == PROTO_DONE) {
			proto_job_reader_take(&r, j);
			proto_job_reader_free(&r);
			/* trailing frames are a caller matter; report them */
			return off == len ? 1 : 2;
		}
	}
}

/* The same for an answer; *nkeep counts keepalives. */
static int
run_result(const uint8_t *buf, size_t len, uint32_t jobid, uint32_t want,
    const struct proto_limits *lim, struct proto_result *res, int *nkeep,
    char *err, size_t errlen)
{
	struct proto_dialect d;
	struct proto_result_reader r;
	struct proto_frame f;
	size_t	 off = 0;
	ssize_t	 n;
	int	 rc;

	proto_dialect_init(&d, PROTO_DIALECT_CCPOOL1, lim, NULL, 0);
	proto_result_reader_init(&r, jobid, want, lim);
	proto_result_init(res);
	if (nkeep != NULL)
		*nkeep = 0;
	for (;;) {
		n = proto_frame_parse(&d, buf + off, len - off, &f, err,
		    errlen);
		if (n <= 0) {
			proto_result_reader_free(&r);
			return (int)n;
		}
		off += (size_t)n;
		rc = proto_result_feed(&r, &f, err, errlen);
		if (rc == -1) {
			proto_result_reader_free(&r);
			return -1;
		}
		if (rc == PROTO_KEEPALIVE && nkeep != NULL)
			(*nkeep)++;
		if (rc == PROTO_DONE) {
			proto_result_reader_take(&r, res);
			proto_result_reader_free(&r);
			return off == len ? 1 : 2;
		}
	}
}

static char *
xstrdup(const char *s)
{
	char	*p = strdup(s);

	CU_ASSERT_FATAL(p != NULL);
	return p;
}

static const char *const sample_argv[] = {
	"gcc", "-O2", "-g", "", "-DX=\"a b\"", "-fPIC", "-c", NULL
};
static const char sample_src[] =
    "# 1 \"hello.c\"\nint main(void) { return 0; }\n";

static void
sample_job(struct proto_job *j)
{
	size_t	 i, n;

	proto_job_init(j);
	j->id = 42;
	j->tcid = xstrdup("gcc-12.2.0-x86_64-linux-gnu");
	j->lang = PROTO_LANG_CXX;
	for (n = 0; sample_argv[n] != NULL; n++)
		;
	j->argc = (uint32_t)n;
	j->argv = calloc(n + 1, sizeof(*j->argv));
	CU_ASSERT_FATAL(j->argv != NULL);
	for (i = 0; i < n; i++)
		j->argv[i] = xstrdup(sample_argv[i]);
	j->cwd = xstrdup("/home/u/src/proj");
	j->srcname = xstrdup("sub/hello world.cc");
	j->want = PROTO_WANT_DEPS;
	CU_ASSERT_FATAL(proto_buf_append(&j->src, sample_src,
	    sizeof(sample_src) - 1) == 0);
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
	    !bufeq(&a->src, &b->src))
		return 0;
	for (i = 0; i < a->argc; i++)
		if (strcmp(a->argv[i], b->argv[i]) != 0)
			return 0;
	return b->argv[b->argc] == NULL;
}

static void
sample_result(struct proto_result *res)
{
	static const char obj[] = "\177ELF\2\1\1\0\0\0 an object of sorts";
	static const char warn[] =
	    "hello.c:1: warning: \033[1mbold\033[0m\n";

	proto_result_init(res);
	res->jobid = 42;
	res->status = 0;
	CU_ASSERT_FATAL(proto_buf_append(&res->out, "out\n", 4) == 0);
	CU_ASSERT_FATAL(proto_buf_append(&res->errout, warn,
	    sizeof(warn) - 1) == 0);
	CU_ASSERT_FATAL(proto_buf_append(&res->obj, obj, sizeof(obj)) == 0);
	CU_ASSERT_FATAL(proto_buf_append(&res->deps, "hello.o: hello.c\n",
	    17) == 0);
	res->queue_ms = 17;
	res->compile_ms = 1234;
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

/* Frames. */

static void
test_frame_valid(void)
{
	struct proto_dialect d, dd;
	struct proto_frame f;
	const uint8_t *two = (const uint8_t *)"ARGV00000002hiDONE0000002A";
	char	 err[128];

	CU_ASSERT_FATAL(proto_dialect_init(&d, PROTO_DIALECT_CCPOOL1, NULL,
	    err, sizeof(err)) == 0);
	CU_ASSERT_FATAL(proto_dialect_init(&dd, PROTO_DIALECT_DISTCC, NULL,
	    err, sizeof(err)) == 0);
	CU_ASSERT(proto_frame_parse(&dd, (const uint8_t *)"DIST00000001", 12,
	    &f, err, sizeof(err)) == 12);
	CU_ASSERT_STRING_EQUAL(f.tok, "DIST");
	CU_ASSERT(f.kind == PROTO_VALUE && f.value == 1 && f.data == NULL &&
	    f.len == 0);
	/* upper and lower case hex both read */
	CU_ASSERT(proto_frame_parse(&d, (const uint8_t *)"ARGCdeadBEEF", 12,
	    &f, err, sizeof(err)) == 12);
	CU_ASSERT(f.value == 0xdeadbeef);
	CU_ASSERT(proto_frame_parse(&d, two, 26, &f, err, sizeof(err)) == 14);
	CU_ASSERT(f.kind == PROTO_PAYLOAD && f.len == 2 && f.value == 2 &&
	    f.data == two + 12 && f.need == 14);
	CU_ASSERT(proto_frame_parse(&d, two + 14, 12, &f, err,
	    sizeof(err)) == 12);
	CU_ASSERT(f.value == 42);
	/* a 0-length payload is a whole frame of 12 bytes */
	CU_ASSERT(proto_frame_parse(&d, (const uint8_t *)"SOUT00000000", 12,
	    &f, err, sizeof(err)) == 12);
	CU_ASSERT(f.kind == PROTO_PAYLOAD && f.len == 0 && f.data != NULL);
}

static void
test_frame_partial(void)
{
	struct proto_dialect d;
	struct proto_frame f;
	const uint8_t *p = (const uint8_t *)"MSG_00000005hello";
	char	 err[128];
	size_t	 i;

	proto_dialect_init(&d, PROTO_DIALECT_CCPOOL1, NULL, NULL, 0);
	for (i = 0; i < 17; i++) {
		CU_ASSERT(proto_frame_parse(&d, p, i, &f, err,
		    sizeof(err)) == 0);
		CU_ASSERT(f.need == (i < 12 ? 12u : 17u));
	}
	CU_ASSERT(proto_frame_parse(&d, p, 17, &f, err, sizeof(err)) == 17);
	CU_ASSERT(proto_frame_parse(&d, p, 0, &f, err, sizeof(err)) == 0);
}

static void
test_frame_malformed(void)
{
	static const struct {
		const char	*name;
		const char	*hdr;
		size_t		 len;
	} bad[] = {
		{ "bad hex g", "DONE0000000g", 12 },
		{ "hex with space", "DONE 0000001", 12 },
		{ "hex with plus", "DONE+0000001", 12 },
		{ "hex with minus", "DONE-0000001", 12 },
		{ "0x prefix", "DONE0x000001", 12 },
		{ "lowercase token", "done00000001", 12 },
		{ "space in token", "DO E00000001", 12 },
		{ "NUL in token", "DO\0E00000001", 12 },
		{ "high byte in token", "DO\xc3\xa9" "0000001", 12 },
		{ "unknown token", "XXXX00000000", 12 },
		{ "distcc token in ccpool", "DOTI00000000", 12 },
		{ "bad token, partial", "d", 1 },
		{ "bad hex, partial", "DONE00z", 7 },
		{ "unknown token, partial", "XXXX0", 5 },
		{ "arg over 64 KiB", "ARGV00010001", 12 },
		{ "huge ZDTI", "ZDTIffffffff", 12 },
		{ "long message", "MSG_00000401", 12 },
		{ "long toolchain", "TCID00000060", 12 },
		{ "long LANG", "LANG00000011", 12 },
		{ "long CWD_", "CWD_00001001", 12 },
	};
	struct proto_dialect d;
	struct proto_frame f;
	char	 err[128];
	size_t	 i;

	proto_dialect_init(&d, PROTO_DIALECT_CCPOOL1, NULL, NULL, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (proto_frame_parse(&d, (const uint8_t *)bad[i].hdr,
		    bad[i].len, &f, err, sizeof(err)) != -1) {
			fprintf(stderr, "accepted: %s\n", bad[i].name);
			CU_FAIL("malformed header accepted");
		}
		CU_ASSERT(err[0] != '\0');
		/* the reason never carries raw control or high bytes */
		{
			const char *c;

			for (c = err; *c != '\0'; c++)
				CU_ASSERT((unsigned char)*c >= 0x20 &&
				    (unsigned char)*c < 0x7f);
		}
	}
	/* exactly at the limits: accepted (header only, so 0: need more) */
	CU_ASSERT(proto_frame_parse(&d, (const uint8_t *)"ARGV00010000", 12,
	    &f, err, sizeof(err)) == 0 && f.need == 12 + 65536);
	CU_ASSERT(proto_frame_parse(&d, (const uint8_t *)"MSG_00000400", 12,
	    &f, err, sizeof(err)) == 0);
	CU_ASSERT(proto_frame_parse(&d, (const uint8_t *)"TCID0000005f", 12,
	    &f, err, sizeof(err)) == 0);
}

static void
test_frame_put(void)
{
	struct proto_buf b;
	struct proto_dialect d;
	struct proto_frame f;
	char	 err[128];

	proto_buf_init(&b);
	proto_dialect_init(&d, PROTO_DIALECT_CCPOOL1, NULL, NULL, 0);
	CU_ASSERT(proto_put_value(&b, "STAT", 0xABCDEF01u) == 0);
	CU_ASSERT(b.len == 12 && memcmp(b.data, "STATabcdef01", 12) == 0);
	CU_ASSERT(proto_put_payload(&b, "SERR", "xyz", 3) == 0);
	CU_ASSERT(b.len == 27 && memcmp(b.data + 12, "SERR00000003xyz",
	    15) == 0);
	CU_ASSERT(proto_put_payload(&b, "SERR", NULL, 0) == 0);
	CU_ASSERT(b.len == 39);
	errno = 0;
	CU_ASSERT(proto_put_value(&b, "st_t", 1) == -1 && errno == EINVAL);
	CU_ASSERT(proto_put_payload(&b, "A B_", "x", 1) == -1);
	CU_ASSERT(b.len == 39);
	CU_ASSERT(proto_frame_parse(&d, b.data + 12, b.len - 12, &f, err,
	    sizeof(err)) == 15);
	CU_ASSERT(f.len == 3 && memcmp(f.data, "xyz", 3) == 0);
	proto_buf_consume(&b, 27);
	CU_ASSERT(b.len == 12 && memcmp(b.data, "SERR00000000", 12) == 0);
	proto_buf_free(&b);
	CU_ASSERT(b.data == NULL && b.len == 0);
	proto_buf_free(NULL);
}

static void
test_dialect_distcc(void)
{
	struct proto_dialect d;
	struct proto_buf b;
	struct proto_frame f;
	static const char *const toks[] = {
		"DIST", "ARGC", "ARGV", "ARGV", "ARGV", "DOTI"
	};
	char	 err[128];
	size_t	 off = 0, i = 0;
	ssize_t	 n;

	proto_buf_init(&b);
	proto_dialect_init(&d, PROTO_DIALECT_DISTCC, NULL, NULL, 0);
	CU_ASSERT_STRING_EQUAL(d.name, "distcc");
	proto_put_value(&b, "DIST", 1);
	proto_put_value(&b, "ARGC", 3);
	proto_put_payload(&b, "ARGV", "gcc", 3);
	proto_put_payload(&b, "ARGV", "-c", 2);
	proto_put_payload(&b, "ARGV", "x.c", 3);
	proto_put_payload(&b, "DOTI", "int x;\n", 7);
	while (off < b.len) {
		n = proto_frame_parse(&d, b.data + off, b.len - off, &f, err,
		    sizeof(err));
		CU_ASSERT_FATAL(n > 0);
		CU_ASSERT_FATAL(i < 6);
		CU_ASSERT_STRING_EQUAL(f.tok, toks[i]);
		i++;
		off += (size_t)n;
	}
	CU_ASSERT(i == 6);
	/* the answer tokens are known, ours are not */
	CU_ASSERT(proto_dialect_lookup(&d, "DOTO") != NULL);
	CU_ASSERT(proto_dialect_lookup(&d, "SERR")->kind == PROTO_PAYLOAD);
	CU_ASSERT(proto_dialect_lookup(&d, "STAT")->kind == PROTO_VALUE);
	CU_ASSERT(proto_frame_parse(&d, (const uint8_t *)"JOB_00000001", 12,
	    &f, err, sizeof(err)) == -1);
	CU_ASSERT(proto_frame_parse(&d, (const uint8_t *)"ZDTO00000000", 12,
	    &f, err, sizeof(err)) == -1);
	CU_ASSERT(proto_dialect_init(&d, (enum proto_dialect_id)7, NULL, err,
	    sizeof(err)) == -1);
	proto_buf_free(&b);
}

/* Round trips. */

static void
test_job_roundtrip(void)
{
	struct proto_job a, b, c;
	struct proto_buf enc, enc2;
	struct proto_dialect d;
	struct proto_job_reader r;
	struct proto_frame f;
	char	 err[128];
	size_t	 off, have;
	ssize_t	 n;
	int	 rc = PROTO_MORE, jobs = 0;

	proto_buf_init(&enc);
	proto_buf_init(&enc2);
	sample_job(&a);
	CU_ASSERT_FATAL(proto_job_encode(&a, NULL, PROTO_ZLEVEL, &enc, err,
	    sizeof(err)) == 0);
	CU_ASSERT(memcmp(enc.data, "JOB_0000002aTCID0000001b", 24) == 0);
	CU_ASSERT(run_job(enc.data, enc.len, NULL, &b, err, sizeof(err)) == 1);
	CU_ASSERT(job_equal(&a, &b));
	CU_ASSERT(b.argv[3][0] == '\0');	/* empty argument kept */
	CU_ASSERT(proto_job_encode(&b, NULL, PROTO_ZLEVEL, &enc2, err,
	    sizeof(err)) == 0);
	CU_ASSERT(bufeq(&enc, &enc2));
	proto_job_free(&b);

	/* two jobs back to back, delivered one byte at a time */
	a.id = 43;
	a.lang = PROTO_LANG_OBJC;
	a.want = 0;
	proto_buf_reset(&a.src);	/* empty source is still one frame */
	CU_ASSERT_FATAL(proto_job_encode(&a, NULL, 1, &enc, err,
	    sizeof(err)) == 0);
	proto_dialect_init(&d, PROTO_DIALECT_CCPOOL1, NULL, NULL, 0);
	proto_job_reader_init(&r, NULL);
	off = 0;
	for (have = 1; have <= enc.len; have++) {
		n = proto_frame_parse(&d, enc.data + off, have - off, &f, err,
		    sizeof(err));
		CU_ASSERT_FATAL(n >= 0);
		if (n == 0)
			continue;
		off += (size_t)n;
		rc = proto_job_feed(&r, &f, err, sizeof(err));
		CU_ASSERT_FATAL(rc >= 0);
		if (rc == PROTO_DONE) {
			proto_job_reader_take(&r, &c);
			CU_ASSERT(c.id == (jobs == 0 ? 42u : 43u));
			if (jobs == 1)
				CU_ASSERT(job_equal(&a, &c));
			proto_job_free(&c);
			jobs++;
		}
	}
	CU_ASSERT(jobs == 2 && off == enc.len);
	proto_job_reader_free(&r);
	proto_job_reader_free(NULL);
	proto_job_free(&a);
	proto_job_free(NULL);
	proto_buf_free(&enc);
	proto_buf_free(&enc2);
}

static void
test_result_roundtrip(void)
{
	struct proto_result a, b;
	struct proto_buf enc, enc2;
	char	 err[128];
	int	 nkeep;

	proto_buf_init(&enc);
	proto_buf_init(&enc2);
	sample_result(&a);
	CU_ASSERT(proto_keepalive_encode(&enc) == 0);
	CU_ASSERT(proto_keepalive_encode(&enc) == 0);
	CU_ASSERT_FATAL(proto_result_encode(&a, PROTO_WANT_DEPS, NULL,
	    PROTO_ZLEVEL, &enc, err, sizeof(err)) == 0);
	CU_ASSERT(run_result(enc.data, enc.len, 42, PROTO_WANT_DEPS, NULL, &b,
	    &nkeep, err, sizeof(err)) == 1);
	CU_ASSERT(nkeep == 2);
	CU_ASSERT(result_equal(&a, &b));
	CU_ASSERT(proto_result_encode(&b, PROTO_WANT_DEPS, NULL, PROTO_ZLEVEL,
	    &enc2, err, sizeof(err)) == 0);
	CU_ASSERT(enc2.len == enc.len - 24 &&
	    memcmp(enc2.data, enc.data + 24, enc2.len) == 0);
	proto_result_free(&b);

	/* a failed compile: exit 1, no object, no deps */
	proto_buf_reset(&enc);
	a.status = 1 << 8;
	proto_buf_reset(&a.obj);
	proto_buf_reset(&a.deps);
	CU_ASSERT_FATAL(proto_result_encode(&a, 0, NULL, 1, &enc, err,
	    sizeof(err)) == 0);
	CU_ASSERT(run_result(enc.data, enc.len, 42, 0, NULL, &b, NULL, err,
	    sizeof(err)) == 1);
	CU_ASSERT(result_equal(&a, &b));
	proto_result_free(&b);

	/* killed by a signal, with core */
	proto_buf_reset(&enc);
	a.status = 9 | 0x80;
	CU_ASSERT_FATAL(proto_result_encode(&a, 0, NULL, 1, &enc, err,
	    sizeof(err)) == 0);
	CU_ASSERT(run_result(enc.data, enc.len, 42, 0, NULL, &b, NULL, err,
	    sizeof(err)) == 1);
	CU_ASSERT(b.status == 0x89);
	proto_result_free(&b);
	proto_result_free(&a);
	proto_result_free(NULL);
	proto_buf_free(&enc);
	proto_buf_free(&enc2);
}

static void
test_refusal_roundtrip(void)
{
	struct proto_result b;
	struct proto_buf enc;
	struct proto_dialect d;
	struct proto_frame f;
	const char *msg = "queue full (8 waiting) \xe2\x80\x94 try another";
	char	 err[128];
	uint32_t v;
	int	 nkeep;

	proto_buf_init(&enc);
	CU_ASSERT(proto_keepalive_encode(&enc) == 0);
	CU_ASSERT_FATAL(proto_refusal_encode(42, PROTO_R_BUSY, msg, NULL,
	    &enc, err, sizeof(err)) == 0);
	CU_ASSERT(run_result(enc.data, enc.len, 42, 0, NULL, &b, &nkeep, err,
	    sizeof(err)) == 1);
	CU_ASSERT(nkeep == 1);
	CU_ASSERT(b.refused && b.reason == PROTO_R_BUSY && b.jobid == 42);
	CU_ASSERT_STRING_EQUAL(b.msg, msg);
	CU_ASSERT(proto_result_check(&b, 0, NULL, err, sizeof(err)) == 0);
	proto_result_free(&b);

	/* a refused hello: job 0, no keepalive allowed before it */
	proto_buf_reset(&enc);
	CU_ASSERT_FATAL(proto_refusal_encode(0, PROTO_R_PROTO, "version 9 "
	    "unsupported", NULL, &enc, err, sizeof(err)) == 0);
	CU_ASSERT(run_result(enc.data, enc.len, 0, 0, NULL, &b, NULL, err,
	    sizeof(err)) == 1);
	CU_ASSERT(b.refused && b.reason == PROTO_R_PROTO && b.jobid == 0);
	proto_result_free(&b);
	proto_buf_reset(&enc);
	proto_keepalive_encode(&enc);
	proto_refusal_encode(0, PROTO_R_PROTO, "no", NULL, &enc, err,
	    sizeof(err));
	CU_ASSERT(run_result(enc.data, enc.len, 0, 0, NULL, &b, NULL, err,
	    sizeof(err)) == -1);
	proto_result_free(&b);

	/* hello */
	proto_buf_reset(&enc);
	proto_dialect_init(&d, PROTO_DIALECT_CCPOOL1, NULL, NULL, 0);
	CU_ASSERT(proto_hello_encode(&enc, PROTO_VERSION) == 0);
	CU_ASSERT(proto_frame_parse(&d, enc.data, enc.len, &f, err,
	    sizeof(err)) == 12);
	CU_ASSERT(proto_hello_decode(&f, &v, err, sizeof(err)) == 0 &&
	    v == PROTO_VERSION);
	CU_ASSERT(proto_frame_parse(&d, (const uint8_t *)"KEEP00000000", 12,
	    &f, err, sizeof(err)) == 12);
	CU_ASSERT(proto_hello_decode(&f, &v, err, sizeof(err)) == -1);
	CU_ASSERT(proto_hello_choose(5, 1, 2, &v, err, sizeof(err)) == 0 &&
	    v == 2);
	CU_ASSERT(proto_hello_choose(1, 1, 2, &v, err, sizeof(err)) == 0 &&
	    v == 1);
	CU_ASSERT(proto_hello_choose(0, 1, 2, &v, err, sizeof(err)) == -1);
	CU_ASSERT(proto_hello_choose(1, 2, 3, &v, err, sizeof(err)) == -1);
	proto_buf_free(&enc);
}

/* Ordering: each frame dropped, repeated, swapped with the next. */

typedef int (*runfn)(const struct proto_buf *, char *, size_t);

static int
run_job_buf(const struct proto_buf *b, char *err, size_t errlen)
{
	struct proto_job j;
	int	 rc = run_job(b->data, b->len, NULL, &j, err, errlen);

	proto_job_free(&j);
	return rc;
}

static int
run_res_buf(const struct proto_buf *b, char *err, size_t errlen)
{
	struct proto_result r;
	int	 rc = run_result(b->data, b->len, 42, PROTO_WANT_DEPS, NULL, &r,
	    NULL, err, errlen);

	proto_result_free(&r);
	return rc;
}

static void
check_orderings(const struct proto_buf *enc, runfn run, const char *what)
{
	struct frames fr;
	struct proto_buf m;
	char	 err[128];
	size_t	 i, k;
	int	 rc;

	proto_buf_init(&m);
	split(enc, &fr);
	CU_ASSERT_FATAL(run(enc, err, sizeof(err)) == 1);
	for (i = 0; i < fr.n; i++) {
		/* dropped: an error, or (last frame) never complete */
		proto_buf_reset(&m);
		for (k = 0; k < fr.n; k++)
			if (k != i)
				addframe(&m, enc, &fr, k);
		rc = run(&m, err, sizeof(err));
		if (rc != (i == fr.n - 1 ? 0 : -1)) {
			fprintf(stderr, "%s: frame %zu dropped: %d\n", what,
			    i, rc);
			CU_FAIL("dropped frame not refused");
		}
		/* repeated: always an error (or after the end, trailing) */
		proto_buf_reset(&m);
		for (k = 0; k < fr.n; k++) {
			addframe(&m, enc, &fr, k);
			if (k == i)
				addframe(&m, enc, &fr, k);
		}
		rc = run(&m, err, sizeof(err));
		if (rc != (i == fr.n - 1 ? 2 : -1)) {
			fprintf(stderr, "%s: frame %zu repeated: %d\n", what,
			    i, rc);
			CU_FAIL("repeated frame not refused");
		}
		/* swapped with the next one, if that is a different token */
		if (i + 1 < fr.n && memcmp(enc->data + fr.off[i],
		    enc->data + fr.off[i + 1], 4) != 0) {
			proto_buf_reset(&m);
			for (k = 0; k < fr.n; k++)
				addframe(&m, enc, &fr,
				    k == i ? i + 1 : k == i + 1 ? i : k);
			rc = run(&m, err, sizeof(err));
			if (rc != -1) {
				fprintf(stderr, "%s: frames %zu,%zu swapped: "
				    "%d\n", what, i, i + 1, rc);
				CU_FAIL("swapped frames not refused");
			}
		}
	}
	proto_buf_free(&m);
}

static void
test_ordering(void)
{
	struct proto_job j;
	struct proto_result r;
	struct proto_buf enc;
	char	 err[128];

	proto_buf_init(&enc);
	sample_job(&j);
	CU_ASSERT_FATAL(proto_job_encode(&j, NULL, 1, &enc, err,
	    sizeof(err)) == 0);
	check_orderings(&enc, run_job_buf, "job");
	proto_job_free(&j);

	proto_buf_reset(&enc);
	sample_result(&r);
	CU_ASSERT_FATAL(proto_result_encode(&r, PROTO_WANT_DEPS, NULL, 1,
	    &enc, err, sizeof(err)) == 0);
	check_orderings(&enc, run_res_buf, "result");
	proto_result_free(&r);

	proto_buf_reset(&enc);
	CU_ASSERT_FATAL(proto_refusal_encode(42, PROTO_R_POLICY, "-fplugin "
	    "is not allowed", NULL, &enc, err, sizeof(err)) == 0);
	check_orderings(&enc, run_res_buf, "refusal");

	/* a keepalive after the answer began */
	proto_buf_reset(&enc);
	proto_put_value(&enc, "STAT", 0);
	proto_keepalive_encode(&enc);
	CU_ASSERT(run_res_buf(&enc, err, sizeof(err)) == -1);
	/* a keepalive with a value */
	proto_buf_reset(&enc);
	proto_put_value(&enc, "KEEP", 1);
	CU_ASSERT(run_res_buf(&enc, err, sizeof(err)) == -1);
	/* a job frame in an answer, an answer frame in a job */
	proto_buf_reset(&enc);
	proto_put_value(&enc, "JOB_", 42);
	CU_ASSERT(run_res_buf(&enc, err, sizeof(err)) == -1);
	proto_buf_reset(&enc);
	proto_put_value(&enc, "STAT", 0);
	CU_ASSERT(run_job_buf(&enc, err, sizeof(err)) == -1);
	proto_buf_free(&enc);
}

static void
test_reader_dead(void)
{
	struct proto_job_reader r;
	struct proto_result_reader rr;
	struct proto_frame f;
	struct proto_dialect d;
	char	 err[128];

	proto_dialect_init(&d, PROTO_DIALECT_CCPOOL1, NULL, NULL, 0);
	proto_job_reader_init(&r, NULL);
	proto_frame_parse(&d, (const uint8_t *)"JOB_00000000", 12, &f, err,
	    sizeof(err));
	CU_ASSERT(proto_job_feed(&r, &f, err, sizeof(err)) == -1);
	proto_frame_parse(&d, (const uint8_t *)"JOB_00000001", 12, &f, err,
	    sizeof(err));
	CU_ASSERT(proto_job_feed(&r, &f, err, sizeof(err)) == -1);
	proto_job_reader_free(&r);

	proto_result_reader_init(&rr, 7, 0, NULL);
	proto_frame_parse(&d, (const uint8_t *)"KEEP00000000", 12, &f, err,
	    sizeof(err));
	CU_ASSERT(proto_result_feed(&rr, &f, err, sizeof(err)) ==
	    PROTO_KEEPALIVE);
	proto_frame_parse(&d, (const uint8_t *)"STAT0000007f", 12, &f, err,
	    sizeof(err));
	CU_ASSERT(proto_result_feed(&rr, &f, err, sizeof(err)) == -1);
	proto_frame_parse(&d, (const uint8_t *)"STAT00000000", 12, &f, err,
	    sizeof(err));
	CU_ASSERT(proto_result_feed(&rr, &f, err, sizeof(err)) == -1);
	proto_result_reader_free(&rr);
}

/* Field checks. */

/* Write a job's frames by hand from these fields, bypassing the checks. */
static void
raw_job(struct proto_buf *b, const char *tcid, const char *lang,
    uint32_t argc, const char *const *argv, size_t nargv, const char *cwd,
    const void *srcn, size_t srcnlen, uint32_t want, uint32_t endid)
{
	struct proto_buf z;
	size_t	 i;

	proto_buf_init(&z);
	proto_buf_reset(b);
	proto_put_value(b, "JOB_", 5);
	proto_put_payload(b, "TCID", tcid, strlen(tcid));
	proto_put_payload(b, "LANG", lang, strlen(lang));
	proto_put_value(b, "ARGC", argc);
	for (i = 0; i < nargv; i++)
		proto_put_payload(b, "ARGV", argv[i], strlen(argv[i]));
	proto_put_payload(b, "CWD_", cwd, strlen(cwd));
	proto_put_payload(b, "SRCN", srcn, srcnlen);
	proto_put_value(b, "WANT", want);
	CU_ASSERT_FATAL(proto_zcompress("x", 1, 1, &z, NULL, 0) == 0);
	proto_put_payload(b, "ZDTI", z.data, z.len);
	proto_put_value(b, "JEND", endid);
	proto_buf_free(&z);
}

static void
test_job_fields(void)
{
	static const char *const av[] = { "cc", "-c", "" };
	static const char *const av0[] = { "", "-c" };
	struct proto_buf b;
	struct proto_job j;
	char	 err[128];

	proto_buf_init(&b);
	raw_job(&b, "gcc-12", "c", 2, av, 2, "/", "a.c", 3, 1, 5);
	CU_ASSERT(run_job_buf(&b, err, sizeof(err)) == 1);
	raw_job(&b, "gcc-12", "objective-c++", 3, av, 3, "/x", "a.c", 3, 0, 5);
	CU_ASSERT(run_job_buf(&b, err, sizeof(err)) == 1);
#define REFUSE(...) do {						\
	raw_job(&b, __VA_ARGS__);					\
	if (run_job_buf(&b, err, sizeof(err)) != -1) {			\
		fprintf(stderr, "accepted: %s\n", #__VA_ARGS__);	\
		CU_FAIL("bad job accepted");				\
	}								\
} while (0)
	REFUSE("gcc 12", "c", 2, av, 2, "/", "a.c", 3, 0, 5);
	REFUSE("", "c", 2, av, 2, "/", "a.c", 3, 0, 5);
	REFUSE("gcc/12", "c", 2, av, 2, "/", "a.c", 3, 0, 5);
	REFUSE("gcc", "C", 2, av, 2, "/", "a.c", 3, 0, 5);
	REFUSE("gcc", "c ", 2, av, 2, "/", "a.c", 3, 0, 5);
	REFUSE("gcc", "", 2, av, 2, "/", "a.c", 3, 0, 5);
	REFUSE("gcc", "c", 0, av, 0, "/", "a.c", 3, 0, 5);
	REFUSE("gcc", "c", 2, av0, 2, "/", "a.c", 3, 0, 5);
	REFUSE("gcc", "c", 2, av, 2, "x", "a.c", 3, 0, 5);
	REFUSE("gcc", "c", 2, av, 2, "", "a.c", 3, 0, 5);
	REFUSE("gcc", "c", 2, av, 2, "/", "", 0, 0, 5);
	REFUSE("gcc", "c", 2, av, 2, "/", "a\0c", 3, 0, 5);
	REFUSE("gcc", "c", 2, av, 2, "/", "a.c", 3, 2, 5);
	REFUSE("gcc", "c", 2, av, 2, "/", "a.c", 3, 0x80000000u, 5);
	REFUSE("gcc", "c", 2, av, 2, "/", "a.c", 3, 0, 6);
	REFUSE("gcc", "c", 2, av, 2, "/", "a.c", 3, 0, 0);
#undef REFUSE
	/* a NUL inside an argument */
	proto_buf_reset(&b);
	proto_put_value(&b, "JOB_", 5);
	proto_put_payload(&b, "TCID", "g", 1);
	proto_put_payload(&b, "LANG", "c", 1);
	proto_put_value(&b, "ARGC", 1);
	proto_put_payload(&b, "ARGV", "cc\0-x", 5);
	CU_ASSERT(run_job_buf(&b, err, sizeof(err)) == -1);
	/* a ZDTI that is not zstd */
	raw_job(&b, "g", "c", 1, av, 1, "/", "a.c", 3, 0, 5);
	{
		uint8_t	*p = memmem(b.data, b.len, "ZDTI", 4);

		CU_ASSERT_FATAL(p != NULL);
		p[12] ^= 0xff;
	}
	CU_ASSERT(run_job_buf(&b, err, sizeof(err)) == -1);

	/* the encoder refuses what the decoder would */
	sample_job(&j);
	proto_buf_reset(&b);
	j.id = 0;
	CU_ASSERT(proto_job_encode(&j, NULL, 1, &b, err, sizeof(err)) == -1);
	j.id = 1;
	j.lang = PROTO_LANG_COUNT;
	CU_ASSERT(proto_job_encode(&j, NULL, 1, &b, err, sizeof(err)) == -1);
	j.lang = PROTO_LANG_C;
	j.want = 4;
	CU_ASSERT(proto_job_encode(&j, NULL, 1, &b, err, sizeof(err)) == -1);
	j.want = 0;
	j.cwd[0] = 'x';
	CU_ASSERT(proto_job_encode(&j, NULL, 1, &b, err, sizeof(err)) == -1);
	j.cwd[0] = '/';
	j.argv[0][0] = '\0';
	CU_ASSERT(proto_job_encode(&j, NULL, 1, &b, err, sizeof(err)) == -1);
	j.argv[0][0] = 'g';
	j.tcid[0] = '/';
	CU_ASSERT(proto_job_encode(&j, NULL, 1, &b, err, sizeof(err)) == -1);
	j.tcid[0] = 'g';
	CU_ASSERT(b.len == 0);
	CU_ASSERT(proto_job_encode(&j, NULL, 1, &b, err, sizeof(err)) == 0);
	proto_job_free(&j);
	proto_buf_free(&b);
}

static void
test_result_fields(void)
{
	static const uint32_t okst[] = { 0, 1 << 8, 255 << 8, 1, 9, 0x8b, 126 };
	static const uint32_t badst[] = {
		0x7f, 0xff, 0x10000, 0x101, 0x180, 0x1ff00, 0x80, 0xffffffffu
	};
	struct proto_result a, b;
	struct proto_buf enc;
	char	 err[128];
	size_t	 i;

	proto_buf_init(&enc);
	sample_result(&a);
	proto_buf_reset(&a.obj);
	for (i = 0; i < sizeof(okst) / sizeof(okst[0]); i++) {
		a.status = okst[i];
		CU_ASSERT(proto_result_check(&a, 1, NULL, err,
		    sizeof(err)) == 0);
	}
	for (i = 0; i < sizeof(badst) / sizeof(badst[0]); i++) {
		a.status = badst[i];
		CU_ASSERT(proto_result_check(&a, 1, NULL, err,
		    sizeof(err)) == -1);
		proto_buf_reset(&enc);
		proto_put_value(&enc, "STAT", badst[i]);
		CU_ASSERT(run_res_buf(&enc, err, sizeof(err)) == -1);
	}
	proto_result_free(&a);

	/* an object from a failed compile */
	sample_result(&a);
	a.status = 1 << 8;
	CU_ASSERT(proto_result_check(&a, 1, NULL, err, sizeof(err)) == -1);
	a.status = 0;
	CU_ASSERT(proto_result_encode(&a, PROTO_WANT_DEPS, NULL, 1, &enc,
	    err, sizeof(err)) == 0);
	{
		uint8_t	*p = memmem(enc.data, enc.len, "STAT00000000", 12);

		CU_ASSERT_FATAL(p != NULL);
		memcpy(p, "STAT00000100", 12);
	}
	CU_ASSERT(run_res_buf(&enc, err, sizeof(err)) == -1);

	/* deps not wanted */
	proto_buf_reset(&enc);
	CU_ASSERT(proto_result_encode(&a, 0, NULL, 1, &enc, err,
	    sizeof(err)) == -1);
	CU_ASSERT(enc.len == 0);
	CU_ASSERT(proto_result_encode(&a, PROTO_WANT_DEPS, NULL, 1, &enc,
	    err, sizeof(err)) == 0);
	CU_ASSERT(run_result(enc.data, enc.len, 42, 0, NULL, &b, NULL, err,
	    sizeof(err)) == -1);
	proto_result_free(&b);
	/* wrong job id in DONE */
	CU_ASSERT(run_result(enc.data, enc.len, 41, 1, NULL, &b, NULL, err,
	    sizeof(err)) == -1);
	proto_result_free(&b);
	/* job 0 expects a refusal only */
	CU_ASSERT(run_result(enc.data, enc.len, 0, 1, NULL, &b, NULL, err,
	    sizeof(err)) == -1);
	proto_result_free(&b);
	CU_ASSERT(proto_result_encode(&a, 8, NULL, 1, &enc, err,
	    sizeof(err)) == -1);
	a.refused = 1;
	CU_ASSERT(proto_result_encode(&a, 0, NULL, 1, &enc, err,
	    sizeof(err)) == -1);
	proto_result_free(&a);

	/* refusals: reasons and messages */
	proto_buf_reset(&enc);
	CU_ASSERT(proto_refusal_encode(1, 0, "x", NULL, &enc, err,
	    sizeof(err)) == -1);
	CU_ASSERT(proto_refusal_encode(1, PROTO_R_LAST + 1, "x", NULL, &enc,
	    err, sizeof(err)) == -1);
	CU_ASSERT(proto_refusal_encode(1, 1, "", NULL, &enc, err,
	    sizeof(err)) == -1);
	CU_ASSERT(proto_refusal_encode(1, 1, NULL, NULL, &enc, err,
	    sizeof(err)) == -1);
	CU_ASSERT(proto_refusal_encode(1, 1, "a\nb", NULL, &enc, err,
	    sizeof(err)) == -1);
	CU_ASSERT(proto_refusal_encode(1, 1, "a\033[2J", NULL, &enc, err,
	    sizeof(err)) == -1);
	CU_ASSERT(proto_refusal_encode(1, 1, "a\x7f", NULL, &enc, err,
	    sizeof(err)) == -1);
	CU_ASSERT(proto_refusal_encode(1, 1, "\xc2\x85", NULL, &enc, err,
	    sizeof(err)) == -1);	/* C1 NEL */
	CU_ASSERT(proto_refusal_encode(1, 1, "\xc0\xaf", NULL, &enc, err,
	    sizeof(err)) == -1);	/* overlong */
	CU_ASSERT(proto_refusal_encode(1, 1, "\xed\xa0\x80", NULL, &enc, err,
	    sizeof(err)) == -1);	/* surrogate */
	CU_ASSERT(proto_refusal_encode(1, 1, "\xf4\x90\x80\x80", NULL, &enc,
	    err, sizeof(err)) == -1);	/* above U+10FFFF */
	CU_ASSERT(proto_refusal_encode(1, 1, "\xe2\x82", NULL, &enc, err,
	    sizeof(err)) == -1);	/* truncated */
	CU_ASSERT(enc.len == 0);
	CU_ASSERT(proto_refusal_encode(1, 1, "caf\xc3\xa9 \xf0\x9f\x94\xa5",
	    NULL, &enc, err, sizeof(err)) == 0);
	{
		char	 big[1026];

		memset(big, 'm', sizeof(big) - 1);
		big[1025] = '\0';
		CU_ASSERT(proto_refusal_encode(1, 1, big, NULL, &enc, err,
		    sizeof(err)) == -1);
		big[1024] = '\0';
		CU_ASSERT(proto_refusal_encode(1, 1, big, NULL, &enc, err,
		    sizeof(err)) == 0);
	}
	/* an unknown reason on the wire */
	proto_buf_reset(&enc);
	proto_put_value(&enc, "RFSE", 99);
	CU_ASSERT(run_res_buf(&enc, err, sizeof(err)) == -1);
	proto_buf_free(&enc);
}

static void
test_names(void)
{
	static const char *const want[] = {
		"proto", "toolchain", "notcompile", "policy", "toolarge",
		"busy", "auth", "shutdown", "internal", "local"
	};
	uint32_t i;

	for (i = 1; i <= PROTO_R_LAST; i++)
		CU_ASSERT_STRING_EQUAL(proto_reason_name(i), want[i - 1]);
	CU_ASSERT(PROTO_R_BUSY == 6 && PROTO_R_INTERNAL == 9 &&
	    PROTO_R_LOCAL == 10);
	CU_ASSERT_STRING_EQUAL(proto_reason_name(0), "unknown");
	CU_ASSERT_STRING_EQUAL(proto_reason_name(11), "unknown");
	CU_ASSERT_STRING_EQUAL(proto_lang_name(PROTO_LANG_C), "c");
	CU_ASSERT_STRING_EQUAL(proto_lang_name(PROTO_LANG_OBJCXX),
	    "objective-c++");
	CU_ASSERT(proto_lang_name(PROTO_LANG_COUNT) == NULL);
}

/* Limits. */

static void
test_limits(void)
{
	struct proto_limits lim;
	struct proto_job j, k;
	struct proto_buf enc;
	char	 err[128];
	char	*arg, *saved;
	uint32_t i;

	proto_limits_default(&lim);
	CU_ASSERT(lim.max_argc == 4096 && lim.max_arg == 65536 &&
	    lim.max_input == 256u << 20 && lim.max_output == 256u << 20 &&
	    lim.max_msg == 1024);
	proto_buf_init(&enc);

	/* argc: 5 arguments against a limit of 4 */
	lim.max_argc = 4;
	sample_job(&j);
	j.argc = 5;
	saved = j.argv[5];
	j.argv[5] = NULL;
	CU_ASSERT(proto_job_encode(&j, &lim, 1, &enc, err, sizeof(err)) == -1);
	CU_ASSERT(proto_job_encode(&j, NULL, 1, &enc, err, sizeof(err)) == 0);
	CU_ASSERT(run_job(enc.data, enc.len, &lim, &k, err, sizeof(err)) ==
	    -1);
	proto_job_free(&k);
	lim.max_argc = 5;
	CU_ASSERT(run_job(enc.data, enc.len, &lim, &k, err, sizeof(err)) == 1);
	proto_job_free(&k);
	j.argv[5] = saved;
	j.argc = 7;
	proto_job_free(&j);

	/* argument length: the dialect refuses the header */
	proto_limits_default(&lim);
	lim.max_arg = 4;
	sample_job(&j);
	proto_buf_reset(&enc);
	CU_ASSERT(proto_job_encode(&j, &lim, 1, &enc, err, sizeof(err)) == -1);
	CU_ASSERT(proto_job_encode(&j, NULL, 1, &enc, err, sizeof(err)) == 0);
	CU_ASSERT(run_job(enc.data, enc.len, &lim, &k, err, sizeof(err)) ==
	    -1);
	CU_ASSERT(strstr(err, "limit") != NULL);
	proto_job_free(&k);
	lim.max_arg = 9;	/* the longest sample argument */
	CU_ASSERT(run_job(enc.data, enc.len, &lim, &k, err, sizeof(err)) == 1);
	proto_job_free(&k);

	/* total argument bytes */
	lim.max_arg = 65536;
	lim.max_args_total = 20;
	CU_ASSERT(run_job(enc.data, enc.len, &lim, &k, err, sizeof(err)) ==
	    -1);
	proto_job_free(&k);
	proto_job_free(&j);

	/* one argument of exactly 64 KiB passes the default, +1 does not */
	sample_job(&j);
	arg = malloc(65537);
	CU_ASSERT_FATAL(arg != NULL);
	memset(arg, 'D', 65536);
	arg[65536] = '\0';
	free(j.argv[1]);
	j.argv[1] = arg;
	proto_buf_reset(&enc);
	CU_ASSERT(proto_job_encode(&j, NULL, 1, &enc, err, sizeof(err)) == 0);
	CU_ASSERT(run_job(enc.data, enc.len, NULL, &k, err, sizeof(err)) == 1);
	proto_job_free(&k);
	j.argv[1] = realloc(arg, 65538);
	CU_ASSERT_FATAL(j.argv[1] != NULL);
	strcat(j.argv[1], "D");
	proto_buf_reset(&enc);
	CU_ASSERT(proto_job_encode(&j, NULL, 1, &enc, err, sizeof(err)) == -1);
	proto_job_free(&j);

	/* input size: uncompressed and compressed */
	proto_limits_default(&lim);
	lim.max_input = 1000;
	sample_job(&j);
	proto_buf_reset(&j.src);
	for (i = 0; i < 1001; i++)
		proto_buf_append(&j.src, "a", 1);
	proto_buf_reset(&enc);
	CU_ASSERT(proto_job_encode(&j, &lim, 1, &enc, err, sizeof(err)) == -1);
	CU_ASSERT(proto_job_encode(&j, NULL, 1, &enc, err, sizeof(err)) == 0);
	CU_ASSERT(run_job(enc.data, enc.len, &lim, &k, err, sizeof(err)) ==
	    -1);
	proto_job_free(&k);
	lim.max_input = 1001;
	CU_ASSERT(run_job(enc.data, enc.len, &lim, &k, err, sizeof(err)) == 1);
	CU_ASSERT(k.src.len == 1001);
	proto_job_free(&k);
	lim.max_input_z = 8;
	CU_ASSERT(run_job(enc.data, enc.len, &lim, &k, err, sizeof(err)) ==
	    -1);
	proto_job_free(&k);
	proto_job_free(&j);

	/* output limits on the answer side */
	{
		struct proto_result a, b;

		sample_result(&a);
		proto_buf_reset(&enc);
		CU_ASSERT(proto_result_encode(&a, 1, NULL, 1, &enc, err,
		    sizeof(err)) == 0);
		proto_limits_default(&lim);
		lim.max_output = a.obj.len - 1;
		CU_ASSERT(proto_result_encode(&a, 1, &lim, 1, &enc, err,
		    sizeof(err)) == -1);
		CU_ASSERT(run_result(enc.data, enc.len, 42, 1, &lim, &b, NULL,
		    err, sizeof(err)) == -1);
		proto_result_free(&b);
		proto_limits_default(&lim);
		lim.max_stderr = 3;
		CU_ASSERT(run_result(enc.data, enc.len, 42, 1, &lim, &b, NULL,
		    err, sizeof(err)) == -1);
		proto_result_free(&b);
		proto_limits_default(&lim);
		lim.max_deps = 3;
		CU_ASSERT(run_result(enc.data, enc.len, 42, 1, &lim, &b, NULL,
		    err, sizeof(err)) == -1);
		proto_result_free(&b);
		proto_result_free(&a);
	}
	proto_buf_free(&enc);
}

/* zstd. */

static void
test_zstd_roundtrip(void)
{
	static const size_t sizes[] = { 0, 1, 100, 70000, 3 << 20 };
	struct proto_buf src, z, out;
	char	 err[128];
	size_t	 i, k;
	uint32_t x = 12345;

	proto_buf_init(&src);
	proto_buf_init(&z);
	proto_buf_init(&out);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		proto_buf_reset(&src);
		proto_buf_reset(&z);
		proto_buf_reset(&out);
		CU_ASSERT_FATAL(proto_buf_reserve(&src, sizes[i]) == 0);
		for (k = 0; k < sizes[i]; k++) {
			x = x * 1103515245u + 12345u;
			src.data[k] = (uint8_t)((x >> 16) % 7 + 'a');
		}
		src.len = sizes[i];
		CU_ASSERT(proto_zcompress(src.data, src.len,
		    i == 4 ? PROTO_ZLEVEL_MAX + 5 : (int)i - 1, &z, err,
		    sizeof(err)) == 0);
		/* appends after what is there already */
		CU_ASSERT(proto_buf_append(&out, "pre", 3) == 0);
		CU_ASSERT(proto_zdecompress(z.data, z.len, sizes[i], &out,
		    err, sizeof(err)) == 0);
		CU_ASSERT(out.len == 3 + sizes[i] &&
		    memcmp(out.data, "pre", 3) == 0 &&
		    (sizes[i] == 0 || memcmp(out.data + 3, src.data,
		    sizes[i]) == 0));
		/* one byte short of the content: refused, out restored */
		if (sizes[i] > 0) {
			CU_ASSERT(proto_zdecompress(z.data, z.len,
			    sizes[i] - 1, &out, err, sizeof(err)) == -1);
			CU_ASSERT(out.len == 3 + sizes[i]);
		}
	}
	proto_buf_free(&src);
	proto_buf_free(&z);
	proto_buf_free(&out);
}

/*
 * Compress n MiB of zeros in a stream, so the frame does not declare its
 * size (pledge: declare it).
 */
static void
zeros_frame(struct proto_buf *z, size_t mib, int pledge)
{
	static uint8_t zero[1 << 20];
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	ZSTD_inBuffer in;
	ZSTD_outBuffer ob;
	size_t	 i, r;
	uint8_t	 tmp[1 << 16];

	CU_ASSERT_FATAL(cc != NULL);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 1);
	if (pledge)
		ZSTD_CCtx_setPledgedSrcSize(cc, (unsigned long long)mib << 20);
	for (i = 0; i < mib; i++) {
		in.src = zero;
		in.size = sizeof(zero);
		in.pos = 0;
		do {
			ob.dst = tmp;
			ob.size = sizeof(tmp);
			ob.pos = 0;
			r = ZSTD_compressStream2(cc, &ob, &in,
			    i + 1 == mib ? ZSTD_e_end : ZSTD_e_continue);
			CU_ASSERT_FATAL(!ZSTD_isError(r));
			proto_buf_append(z, tmp, ob.pos);
		} while (in.pos < in.size || (i + 1 == mib && r != 0));
	}
	ZSTD_freeCCtx(cc);
}

static void
test_zstd_bomb(void)
{
	struct proto_buf z, out;
	char	 err[128];

	proto_buf_init(&z);
	proto_buf_init(&out);
	zeros_frame(&z, 1024, 0);	/* 1 GiB of zeros */
	CU_ASSERT(z.len < 1 << 20);
	CU_ASSERT(ZSTD_getFrameContentSize(z.data, z.len) ==
	    ZSTD_CONTENTSIZE_UNKNOWN);
	CU_ASSERT(proto_zdecompress(z.data, z.len, 1 << 20, &out, err,
	    sizeof(err)) == -1);
	CU_ASSERT(out.len == 0);
	CU_ASSERT(out.cap <= 4u << 20);	/* never allocated in full */
	CU_ASSERT(strstr(err, "limit") != NULL);
	proto_buf_free(&out);

	/* declared size over the cap: refused before any output */
	proto_buf_reset(&z);
	zeros_frame(&z, 1024, 1);
	CU_ASSERT(ZSTD_getFrameContentSize(z.data, z.len) == 1ull << 30);
	CU_ASSERT(proto_zdecompress(z.data, z.len, 1 << 20, &out, err,
	    sizeof(err)) == -1);
	CU_ASSERT(out.cap == 0);

	/* and a small one within the cap decodes */
	proto_buf_reset(&z);
	zeros_frame(&z, 2, 0);
	CU_ASSERT(proto_zdecompress(z.data, z.len, 2 << 20, &out, err,
	    sizeof(err)) == 0);
	CU_ASSERT(out.len == 2 << 20);
	proto_buf_free(&z);
	proto_buf_free(&out);
}

/*
 * Feed the frames of enc to a relay's reader r (ZDTI's payload replaced by
 * zdti when not NULL) until it is done or fails; its last answer.
 */
static int
relay_feed(const struct proto_buf *enc, const struct proto_buf *zdti,
    struct proto_job_reader *r, char *err, size_t errlen)
{
	struct proto_dialect d;
	struct proto_frame f;
	size_t	 off = 0;
	ssize_t	 n;
	int	 rc = PROTO_MORE;

	proto_dialect_init(&d, PROTO_DIALECT_CCPOOL1, NULL, NULL, 0);
	proto_job_reader_init(r, NULL);
	r->relay = 1;
	while (rc == PROTO_MORE && off < enc->len) {
		n = proto_frame_parse(&d, enc->data + off, enc->len - off, &f,
		    err, errlen);
		CU_ASSERT_FATAL(n > 0);
		off += (size_t)n;
		if (zdti != NULL && memcmp(f.tok, "ZDTI", 4) == 0) {
			f.data = zdti->data;
			f.len = zdti->len;
		}
		rc = proto_job_feed(r, &f, err, errlen);
	}
	return rc;
}

/*
 * A relay's reader (the agent's) checks ZDTI without decompressing it:
 * the same job, no source, its size known; a frame that does not say its
 * size, or says too much, or is cut short, is refused.
 */
static void
test_job_relay(void)
{
	struct proto_job a, b;
	struct proto_buf enc, z;
	struct proto_job_reader r;
	unsigned long long size;
	char	 err[128];

	proto_buf_init(&enc);
	proto_buf_init(&z);
	sample_job(&a);
	CU_ASSERT_FATAL(proto_job_encode(&a, NULL, PROTO_ZLEVEL, &enc, err,
	    sizeof(err)) == 0);
	CU_ASSERT_FATAL(relay_feed(&enc, NULL, &r, err, sizeof(err)) ==
	    PROTO_DONE);
	CU_ASSERT(r.srclen == a.src.len);
	proto_job_reader_take(&r, &b);
	CU_ASSERT(r.relay == 1);	/* kept for the next job */
	CU_ASSERT(b.src.len == 0);
	CU_ASSERT(b.id == a.id && strcmp(b.tcid, a.tcid) == 0);
	CU_ASSERT(b.argc == a.argc && strcmp(b.argv[1], a.argv[1]) == 0);
	proto_job_free(&b);
	proto_job_reader_free(&r);

	/* proto_zcheck alone: size, over the cap, cut short, garbage */
	CU_ASSERT_FATAL(proto_zcompress(a.src.data, a.src.len, 1, &z, err,
	    sizeof(err)) == 0);
	CU_ASSERT(proto_zcheck(z.data, z.len, a.src.len, &size, err,
	    sizeof(err)) == 0);
	CU_ASSERT(size == a.src.len);
	CU_ASSERT(proto_zcheck(z.data, z.len, a.src.len - 1, &size, err,
	    sizeof(err)) == -1);
	CU_ASSERT(strstr(err, "limit") != NULL);
	CU_ASSERT(proto_zcheck(z.data, z.len - 1, a.src.len, &size, err,
	    sizeof(err)) == -1);
	CU_ASSERT(proto_zcheck("abcdefgh", 8, a.src.len, &size, err,
	    sizeof(err)) == -1);
	CU_ASSERT(strstr(err, "not a zstd frame") != NULL);

	/* a frame without its size: decoded by a server, refused by a relay */
	proto_buf_reset(&z);
	zeros_frame(&z, 2, 0);	/* streamed: its size is not in it */
	CU_ASSERT(proto_zcheck(z.data, z.len, 2 << 20, &size, err,
	    sizeof(err)) == 0);
	CU_ASSERT(size == PROTO_ZSIZE_UNKNOWN);
	CU_ASSERT(relay_feed(&enc, &z, &r, err, sizeof(err)) == -1);
	CU_ASSERT(strstr(err, "no content size") != NULL);
	proto_job_reader_free(&r);
	proto_job_free(&a);
	proto_buf_free(&enc);
	proto_buf_free(&z);
}

static void
test_zstd_malformed(void)
{
	struct proto_buf src, z, m, out;
	char	 err[128];
	size_t	 i, cut;
	static const uint8_t skippable[] = {
		0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 'a', 'b', 'c', 'd'
	};

	proto_buf_init(&src);
	proto_buf_init(&z);
	proto_buf_init(&m);
	proto_buf_init(&out);
	for (i = 0; i < 5000; i++)
		proto_buf_append(&src, i % 3 ? "abc" : "xyzw", i % 3 ? 3 : 4);
	CU_ASSERT_FATAL(proto_zcompress(src.data, src.len, 3, &z, err,
	    sizeof(err)) == 0);

	/* truncated at every length */
	for (cut = 0; cut < z.len; cut++) {
		CU_ASSERT(proto_zdecompress(z.data, cut, src.len, &out, err,
		    sizeof(err)) == -1);
		CU_ASSERT(out.len == 0);
	}
	/* trailing garbage: a byte, a second frame, a skippable frame */
	proto_buf_append(&m, z.data, z.len);
	proto_buf_append(&m, "", 1);
	CU_ASSERT(proto_zdecompress(m.data, m.len, src.len * 2, &out, err,
	    sizeof(err)) == -1);
	CU_ASSERT(strstr(err, "after") != NULL);
	proto_buf_reset(&m);
	proto_buf_append(&m, z.data, z.len);
	proto_buf_append(&m, z.data, z.len);
	CU_ASSERT(proto_zdecompress(m.data, m.len, src.len * 2, &out, err,
	    sizeof(err)) == -1);
	proto_buf_reset(&m);
	proto_buf_append(&m, z.data, z.len);
	proto_buf_append(&m, skippable, sizeof(skippable));
	CU_ASSERT(proto_zdecompress(m.data, m.len, src.len * 2, &out, err,
	    sizeof(err)) == -1);
	/* a skippable frame alone, no frame, not zstd */
	CU_ASSERT(proto_zdecompress(skippable, sizeof(skippable), 100, &out,
	    err, sizeof(err)) == -1);
	CU_ASSERT(proto_zdecompress("", 0, 100, &out, err, sizeof(err)) ==
	    -1);
	CU_ASSERT(proto_zdecompress("hello, world", 12, 100, &out, err,
	    sizeof(err)) == -1);
	/* corrupted content: the checksum (or the decoder) catches it */
	proto_buf_reset(&m);
	proto_buf_append(&m, z.data, z.len);
	m.data[m.len - 2] ^= 0x55;
	CU_ASSERT(proto_zdecompress(m.data, m.len, src.len, &out, err,
	    sizeof(err)) == -1);
	CU_ASSERT(out.len == 0);
	/* intact it decodes */
	CU_ASSERT(proto_zdecompress(z.data, z.len, src.len, &out, err,
	    sizeof(err)) == 0);
	CU_ASSERT(bufeq(&out, &src));
	proto_buf_free(&src);
	proto_buf_free(&z);
	proto_buf_free(&m);
	proto_buf_free(&out);
}

/*
 * proto_evpull: frames out of a libevent buffer fed a few bytes at a
 * time, as a socket would: a partial header, a header whose payload is
 * not all there (token and value known, the size for a watermark), a
 * whole frame left in the buffer for the caller to drain, a bad byte.
 */
static void
test_evpull(void)
{
	struct proto_dialect d;
	struct proto_frame f;
	struct evbuffer	*in;
	const uint8_t	*p;
	char		 err[160];
	static const char two[] = "SOUT00000003abcKEEP00000000";

	proto_dialect_init(&d, PROTO_DIALECT_CCPOOL1, NULL, NULL, 0);
	CU_ASSERT_FATAL((in = evbuffer_new()) != NULL);
	CU_ASSERT_EQUAL(proto_evpull(in, &d, &f, &p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(f.need, PROTO_HDRLEN);
	evbuffer_add(in, two, 5);		/* "SOUT0" */
	CU_ASSERT_EQUAL(proto_evpull(in, &d, &f, &p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(f.need, PROTO_HDRLEN);
	CU_ASSERT_PTR_NULL(p);
	evbuffer_add(in, two + 5, 9);		/* the header and "ab" */
	CU_ASSERT_EQUAL(proto_evpull(in, &d, &f, &p, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(f.tok, "SOUT");
	CU_ASSERT_EQUAL(f.value, 3);
	CU_ASSERT_EQUAL(f.need, PROTO_HDRLEN + 3);
	CU_ASSERT_PTR_NULL(f.data);
	evbuffer_add(in, two + 14, sizeof(two) - 1 - 14);
	CU_ASSERT_EQUAL(proto_evpull(in, &d, &f, &p, err, sizeof(err)), 15);
	CU_ASSERT(f.len == 3 && memcmp(f.data, "abc", 3) == 0);
	CU_ASSERT(p != NULL && memcmp(p, "SOUT", 4) == 0);
	CU_ASSERT_EQUAL(evbuffer_get_length(in), sizeof(two) - 1);
	evbuffer_drain(in, f.need);
	CU_ASSERT_EQUAL(proto_evpull(in, &d, &f, &p, err, sizeof(err)), 12);
	CU_ASSERT_STRING_EQUAL(f.tok, "KEEP");
	evbuffer_drain(in, f.need);
	evbuffer_add(in, "SO\x01", 3);		/* refused at once */
	CU_ASSERT_EQUAL(proto_evpull(in, &d, &f, &p, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "byte 2"));
	evbuffer_drain(in, 3);
	evbuffer_add(in, "ZDTIffffffff", 12);	/* over the limit */
	CU_ASSERT_EQUAL(proto_evpull(in, &d, &f, &p, err, sizeof(err)), -1);
	evbuffer_free(in);
}

int
init_proto_tests(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("proto", NULL, NULL)) == NULL)
		return -1;
	if (CU_add_test(s, "frame valid", test_frame_valid) == NULL ||
	    CU_add_test(s, "frame partial", test_frame_partial) == NULL ||
	    CU_add_test(s, "frame malformed", test_frame_malformed) == NULL ||
	    CU_add_test(s, "frame put", test_frame_put) == NULL ||
	    CU_add_test(s, "distcc dialect", test_dialect_distcc) == NULL ||
	    CU_add_test(s, "job round trip", test_job_roundtrip) == NULL ||
	    CU_add_test(s, "result round trip", test_result_roundtrip) ==
	    NULL ||
	    CU_add_test(s, "refusal and hello", test_refusal_roundtrip) ==
	    NULL ||
	    CU_add_test(s, "ordering errors", test_ordering) == NULL ||
	    CU_add_test(s, "dead readers", test_reader_dead) == NULL ||
	    CU_add_test(s, "job fields", test_job_fields) == NULL ||
	    CU_add_test(s, "result fields", test_result_fields) == NULL ||
	    CU_add_test(s, "names", test_names) == NULL ||
	    CU_add_test(s, "limits", test_limits) == NULL ||
	    CU_add_test(s, "zstd round trip", test_zstd_roundtrip) == NULL ||
	    CU_add_test(s, "zstd bomb", test_zstd_bomb) == NULL ||
	    CU_add_test(s, "zstd malformed", test_zstd_malformed) == NULL ||
	    CU_add_test(s, "job relay", test_job_relay) == NULL ||
	    CU_add_test(s, "frames from a libevent buffer", test_evpull) ==
	    NULL)
		return -1;
	return 0;
}
