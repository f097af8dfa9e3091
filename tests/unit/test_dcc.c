/*
 * test_dcc.c - the distcc listener's pure parts (server/dcc_wire.c,
 * server/dcc_args.c): the request reader for protocols 1 and 2, malformed
 * and hostile requests (each a clear error, never a crash), LZO bombs,
 * the answer, and the argv policy (CVE-2004-2687 and its variants).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "server/dcc_wire.c"
#include "server/dcc_args.c"

static const char TCID[] = "gcc-12.2.0-x86_64-linux-gnu-75e997ec6229";
static const char SRC[] = "# 1 \"a.c\"\nint f(void) { return 1; }\n";

static struct ipc_tc *
fake_tc(void)
{
	static struct ipc_tc t;

	memset(&t, 0, sizeof(t));
	snprintf(t.id, sizeof(t.id), "%s", TCID);
	snprintf(t.name, sizeof(t.name), "gcc 12.2.0");
	snprintf(t.alias, sizeof(t.alias), "gcc cc gcc-12 "
	    "x86_64-linux-gnu-gcc x86_64-linux-gnu-gcc-12");
	return &t;
}

/* A request: version, argv (NULL-terminated), the source. */
static void
request(struct proto_buf *b, uint32_t version, const char *const *argv,
    const char *src)
{
	uint32_t	 n = 0;

	proto_buf_init(b);
	while (argv[n] != NULL)
		n++;
	CU_ASSERT_FATAL(proto_put_value(b, "DIST", version) == 0);
	CU_ASSERT_FATAL(proto_put_value(b, "ARGC", n) == 0);
	for (n = 0; argv[n] != NULL; n++)
		CU_ASSERT_FATAL(proto_put_payload(b, "ARGV", argv[n],
		    strlen(argv[n])) == 0);
	if (version == 1) {
		CU_ASSERT_FATAL(proto_put_payload(b, "DOTI", src,
		    strlen(src)) == 0);
	} else {
		struct proto_buf z;
		char		 err[128];

		proto_buf_init(&z);
		CU_ASSERT_FATAL(dcc_lzo_compress(src, strlen(src), &z, err,
		    sizeof(err)) == 0);
		CU_ASSERT_FATAL(proto_put_payload(b, "DOTI", z.data, z.len) ==
		    0);
		proto_buf_free(&z);
	}
}

/*
 * Feed the bytes of b to r, frame by frame.  Returns the last feed's
 * answer (PROTO_DONE, PROTO_MORE, -1); a frame the dialect refuses is -2.
 */
static int
feed_all(struct dcc_req *r, const uint8_t *p, size_t len, int *code,
    char *err, size_t errlen)
{
	struct proto_dialect d;
	struct proto_frame f;
	ssize_t		 got;
	int		 rc = PROTO_MORE;

	CU_ASSERT_FATAL(proto_dialect_init(&d, PROTO_DIALECT_DISTCC, &r->lim,
	    err, errlen) == 0);
	while (len > 0 && rc != -1) {
		if ((got = proto_frame_parse(&d, p, len, &f, err, errlen)) <= 0)
			return got == 0 ? PROTO_MORE : -2;
		rc = dcc_req_feed(r, &f, code, err, errlen);
		p += got;
		len -= (size_t)got;
	}
	return rc;
}

/* The job a request with argv makes; 0 or -1 with err and code. */
static int
job_of(const char *const *argv, struct proto_job *j, int *code, char *err,
    size_t errlen)
{
	struct dcc_req	 r;
	struct proto_buf b;
	uint32_t	 reason;
	int		 rc;

	request(&b, 1, argv, SRC);
	dcc_req_init(&r, NULL);
	CU_ASSERT_FATAL(feed_all(&r, b.data, b.len, code, err, errlen) ==
	    PROTO_DONE);
	proto_job_init(j);
	rc = dcc_req_job(&r, fake_tc(), 1, 7, j, code, &reason, err, errlen);
	dcc_req_free(&r);
	proto_buf_free(&b);
	return rc;
}

static void
test_v1(void)
{
	static const char *const argv[] = { "x86_64-linux-gnu-gcc", "-O2",
	    "-c", "a.c", "-o", "a.o", NULL };
	struct proto_job j;
	char		 err[256];
	int		 code;

	CU_ASSERT_FATAL(job_of(argv, &j, &code, err, sizeof(err)) == 0);
	CU_ASSERT_STRING_EQUAL(j.tcid, TCID);
	CU_ASSERT_EQUAL(j.lang, PROTO_LANG_C);
	CU_ASSERT_EQUAL(j.argc, 3);
	CU_ASSERT_STRING_EQUAL(j.argv[0], "x86_64-linux-gnu-gcc");
	CU_ASSERT_STRING_EQUAL(j.argv[1], "-O2");
	CU_ASSERT_STRING_EQUAL(j.argv[2], "-c");
	CU_ASSERT_PTR_NULL(j.argv[3]);
	CU_ASSERT_STRING_EQUAL(j.srcname, "a.c");
	CU_ASSERT(j.src.len == strlen(SRC) &&
	    memcmp(j.src.data, SRC, j.src.len) == 0);
	CU_ASSERT(proto_job_check(&j, NULL, err, sizeof(err)) == 0);
	proto_job_free(&j);
}

static void
test_v2(void)
{
	static const char *const argv[] = { "g++", "-c", "x.cpp", NULL };
	struct dcc_req	 r;
	struct proto_buf b;
	char		 err[256];
	int		 code;

	request(&b, 2, argv, SRC);
	dcc_req_init(&r, NULL);
	CU_ASSERT(feed_all(&r, b.data, b.len, &code, err, sizeof(err)) ==
	    PROTO_DONE);
	CU_ASSERT_EQUAL(r.version, 2);
	CU_ASSERT(r.src.len == strlen(SRC) &&
	    memcmp(r.src.data, SRC, r.src.len) == 0);
	dcc_req_free(&r);
	proto_buf_free(&b);
}

static void
test_pump(void)
{
	static const char *const argv[] = { "gcc", "-c", "a.c", NULL };
	struct dcc_req	 r;
	struct proto_buf b, a;
	char		 err[256];
	int		 code;

	request(&b, 3, argv, SRC);
	dcc_req_init(&r, NULL);
	CU_ASSERT(feed_all(&r, b.data, b.len, &code, err, sizeof(err)) == -1);
	CU_ASSERT(strstr(err, "pump") != NULL);
	CU_ASSERT_EQUAL(code, DCC_EXIT_PROTOCOL);
	proto_buf_init(&a);
	CU_ASSERT(dcc_refusal_encode(r.version, code, err, &a, err,
	    sizeof(err)) == 0);
	CU_ASSERT(a.len > 24 && memcmp(a.data, "DONE00000003STAT00006d00",
	    24) == 0);
	proto_buf_free(&a);
	dcc_req_free(&r);
	proto_buf_free(&b);
}

/* One malformed stream: a clear error, never PROTO_DONE. */
static void
bad(const char *what, const void *p, size_t len, const char *expect)
{
	struct dcc_req	 r;
	char		 err[256] = "";
	int		 code, rc;

	dcc_req_init(&r, NULL);
	rc = feed_all(&r, p, len, &code, err, sizeof(err));
	if (rc != -1 && rc != -2)
		fprintf(stderr, "%s: rc %d\n", what, rc);
	CU_ASSERT(rc == -1 || rc == -2);
	if (strstr(err, expect) == NULL)
		fprintf(stderr, "%s: \"%s\" lacks \"%s\"\n", what, err,
		    expect);
	CU_ASSERT(strstr(err, expect) != NULL);
	dcc_req_free(&r);
}

static void
test_malformed(void)
{
	static const char order[] = "ARGC00000001";
	static const char v9[] = "DIST00000009";
	static const char argc0[] = "DIST00000001ARGC00000000";
	static const char argcbig[] = "DIST00000001ARGCffffffff";
	static const char nul[] = "DIST00000001ARGC00000001ARGV00000003g\0c";
	static const char empty[] = "DIST00000001ARGC00000001ARGV00000000";
	static const char junk[] = "DIST00000001ARGC0000000gARGV";
	static const char token[] = "DIST00000001EVIL00000001";
	static const char twice[] = "DIST00000001ARGC00000001ARGV00000003gcc"
	    "DOTI00000000DOTI00000000";
	static const char lzo[] = "DIST00000002ARGC00000001ARGV00000003gcc"
	    "DOTI00000004\x11\x22\x33\x44";

	bad("order", order, sizeof(order) - 1, "expected DIST");
	bad("version 9", v9, sizeof(v9) - 1, "not supported");
	bad("argc 0", argc0, sizeof(argc0) - 1, "ARGC 0");
	bad("argc huge", argcbig, sizeof(argcbig) - 1, "ARGC");
	bad("nul", nul, sizeof(nul) - 1, "NUL");
	bad("empty name", empty, sizeof(empty) - 1, "empty compiler");
	bad("junk hex", junk, sizeof(junk) - 1, "");
	bad("unknown token", token, sizeof(token) - 1, "");
	bad("two DOTI", twice, sizeof(twice) - 1, "after a complete");
	bad("corrupt lzo", lzo, sizeof(lzo) - 1, "LZO");
}

static void
test_limits(void)
{
	struct proto_limits lim;
	struct proto_buf z, out;
	struct dcc_req	 r;
	uint8_t		*zero;
	char		 err[256];
	int		 toolarge, code;
	size_t		 n = (size_t)4 << 20;

	/* an LZO bomb: 4 MiB of zeros against a 1 MiB cap */
	zero = calloc(1, n);
	CU_ASSERT_FATAL(zero != NULL);
	proto_buf_init(&z);
	proto_buf_init(&out);
	CU_ASSERT_FATAL(dcc_lzo_compress(zero, n, &z, err, sizeof(err)) == 0);
	CU_ASSERT(z.len < n / 100);
	CU_ASSERT(dcc_lzo_decompress(z.data, z.len, 1 << 20, &out, &toolarge,
	    err, sizeof(err)) == -1 && toolarge);
	CU_ASSERT(out.len == 0);
	CU_ASSERT(dcc_lzo_decompress(z.data, z.len, n, &out, &toolarge, err,
	    sizeof(err)) == 0 && out.len == n);
	free(zero);
	proto_buf_free(&out);
	/* a plain source over max_input */
	proto_limits_default(&lim);
	lim.max_input = 16;
	dcc_req_init(&r, &lim);
	proto_buf_init(&out);
	CU_ASSERT(proto_put_value(&out, "DIST", 1) == 0 &&
	    proto_put_value(&out, "ARGC", 1) == 0 &&
	    proto_put_payload(&out, "ARGV", "gcc", 3) == 0 &&
	    proto_put_payload(&out, "DOTI", SRC, strlen(SRC)) == 0);
	CU_ASSERT(feed_all(&r, out.data, out.len, &code, err, sizeof(err)) ==
	    -1);
	CU_ASSERT_EQUAL(code, DCC_EXIT_BAD_ARGUMENTS);
	dcc_req_free(&r);
	proto_buf_free(&out);
	proto_buf_free(&z);
}

/* The answer decodes back, plain and LZO. */
static void
test_answer(void)
{
	struct proto_buf e, o, obj, a, x;
	struct proto_dialect d;
	struct proto_frame f;
	char		 err[128];
	uint32_t	 v;
	ssize_t		 got;
	const uint8_t	*p;
	size_t		 len;
	int		 tl;

	proto_buf_init(&e);
	proto_buf_init(&o);
	proto_buf_init(&obj);
	CU_ASSERT(proto_buf_append(&e, "warning\n", 8) == 0);
	CU_ASSERT(proto_buf_append(&obj, SRC, strlen(SRC)) == 0);
	CU_ASSERT(proto_dialect_init(&d, PROTO_DIALECT_DISTCC, NULL, err,
	    sizeof(err)) == 0);
	for (v = 1; v <= 2; v++) {
		proto_buf_init(&a);
		CU_ASSERT_FATAL(dcc_answer_encode(v, 0, &e, &o, &obj, &a, err,
		    sizeof(err)) == 0);
		p = a.data;
		len = a.len;
		while (len > 0 && (got = proto_frame_parse(&d, p, len, &f, err,
		    sizeof(err))) > 0) {
			if (strcmp(f.tok, "DONE") == 0) {
				CU_ASSERT_EQUAL(f.value, v);
			}
			if (strcmp(f.tok, "DOTO") == 0) {
				proto_buf_init(&x);
				if (v == 1) {
					CU_ASSERT(proto_buf_append(&x, f.data,
					    f.len) == 0);
				} else {
					CU_ASSERT(dcc_lzo_decompress(f.data,
					    f.len, 1 << 20, &x, &tl, err,
					    sizeof(err)) == 0);
				}
				CU_ASSERT(x.len == obj.len && memcmp(x.data,
				    obj.data, x.len) == 0);
				proto_buf_free(&x);
			}
			p += got;
			len -= (size_t)got;
		}
		CU_ASSERT_EQUAL(len, 0);
		proto_buf_free(&a);
	}
	/* a failed compile sends no object */
	proto_buf_init(&a);
	CU_ASSERT(dcc_answer_encode(1, 1 << 8, &e, &o, &obj, &a, err,
	    sizeof(err)) == 0);
	CU_ASSERT(a.len >= 12 && memcmp(a.data + a.len - 12, "DOTO00000000",
	    12) == 0);
	proto_buf_free(&a);
	proto_buf_free(&e);
	proto_buf_free(&o);
	proto_buf_free(&obj);
}

/* One refused argv: -1, and err holds expect. */
static void
refused(const char *const *argv, const char *expect)
{
	struct proto_job j;
	char		 err[256] = "";
	int		 code;

	CU_ASSERT(job_of(argv, &j, &code, err, sizeof(err)) == -1);
	if (strstr(err, expect) == NULL)
		fprintf(stderr, "%s: \"%s\" lacks \"%s\"\n", argv[1], err,
		    expect);
	CU_ASSERT(strstr(err, expect) != NULL);
	CU_ASSERT(code > 0 && code < 128);
	proto_job_free(&j);
}

static void
test_attacks(void)
{
	/* CVE-2004-2687: the "compiler" is a shell */
	static const char *const sh[] = { "sh", "-c", "touch /tmp/pwned",
	    "#", "-c", "a.c", NULL };
	static const char *const binsh[] = { "/bin/sh", "-c", "id", "-c",
	    "a.c", NULL };
	static const char *const wrapper[] = { "gcc", "-wrapper",
	    "/bin/sh,-c,touch /tmp/pwned", "-c", "a.c", NULL };
	static const char *const bopt[] = { "gcc", "-B/tmp/evil", "-c", "a.c",
	    NULL };
	static const char *const bsep[] = { "gcc", "-B", "/tmp/evil", "-c",
	    "a.c", NULL };
	static const char *const plugin[] = { "gcc", "-fplugin=/tmp/e.so",
	    "-c", "a.c", NULL };
	static const char *const specs[] = { "gcc", "-specs=/tmp/e.specs",
	    "-c", "a.c", NULL };
	static const char *const atfile[] = { "gcc", "@/tmp/opts", "-c",
	    "a.c", NULL };
	static const char *const nomode[] = { "gcc", "a.c", "-o", "a", NULL };
	static const char *const two[] = { "gcc", "-c", "a.c", "b.c", NULL };
	static const char *const noinput[] = { "gcc", "-c", NULL };
	static const char *const asm_[] = { "gcc", "-c", "a.s", NULL };
	static const char *const outside[] = { "gcc", "-c", "a.c", "-o",
	    "/tmp/outside/pwned.o", NULL };
	struct proto_job j;
	char		 err[256];
	int		 code;
	uint32_t	 i;

	refused(sh, "no compiler of that name");
	refused(binsh, "path");
	refused(wrapper, "refused");
	refused(bopt, "refused");
	refused(bsep, "refused");
	refused(plugin, "refused");
	refused(specs, "refused");
	refused(atfile, "refused");
	refused(nomode, "no -c or -S");
	refused(two, "more than one input");
	refused(noinput, "no input file");
	refused(asm_, "not C");
	/* -o is never passed on: the runner writes its own job.o */
	CU_ASSERT_FATAL(job_of(outside, &j, &code, err, sizeof(err)) == 0);
	for (i = 0; i < j.argc; i++)
		CU_ASSERT(strstr(j.argv[i], "outside") == NULL &&
		    strcmp(j.argv[i], "-o") != 0);
	proto_job_free(&j);
}

int
init_dcc_tests(void)
{
	CU_pSuite s = CU_add_suite("dcc", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "protocol 1 request to a job", test_v1) ||
	    !CU_add_test(s, "protocol 2 (LZO)", test_v2) ||
	    !CU_add_test(s, "pump mode refused", test_pump) ||
	    !CU_add_test(s, "malformed requests", test_malformed) ||
	    !CU_add_test(s, "limits and LZO bombs", test_limits) ||
	    !CU_add_test(s, "answers", test_answer) ||
	    !CU_add_test(s, "attacks on the argv", test_attacks))
		return -1;
	return 0;
}
