/*
 * test_dccproto.c - distcc protocol 1 (agent/dccproto.c): the request
 * as distccd reads it, and the answer reader against well-formed and
 * malformed answers (out of order, other versions, impossible statuses,
 * objects that cannot be, oversized parts): a clear error, no crash.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "agent/dccproto.c"

/* Feed every frame of buf (len bytes) to r; the last feed's result. */
static int
feed_all(struct dccproto_reader *r, const void *buf, size_t len, char *err,
    size_t errlen)
{
	struct proto_dialect d;
	struct proto_frame f;
	const uint8_t	*p = buf;
	ssize_t		 n;
	int		 rc = PROTO_MORE;

	if (proto_dialect_init(&d, PROTO_DIALECT_DISTCC, &r->lim, err,
	    errlen) == -1)
		return -2;
	while (len > 0) {
		if ((n = proto_frame_parse(&d, p, len, &f, err, errlen)) <= 0)
			return n == 0 ? -3 : -1;
		if ((rc = dccproto_ans_feed(r, &f, err, errlen)) == -1)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return rc;
}

static void
test_request(void)
{
	struct proto_buf b;
	char		*argv[] = { "gcc", "-O2", "-c", "-o", "x.o", "x.i" };
	char		 err[128];
	const char	*want = "DIST00000001ARGC00000006ARGV00000003gcc"
	    "ARGV00000003-O2ARGV00000002-cARGV00000002-oARGV00000003x.o"
	    "ARGV00000003x.iDOTI00000004int;";

	proto_buf_init(&b);
	CU_ASSERT_EQUAL_FATAL(dccproto_req_encode(&b, 1, 6, argv, "int;", 4,
	    NULL, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(b.len, strlen(want));
	CU_ASSERT_EQUAL(memcmp(b.data, want, b.len), 0);
	CU_ASSERT_EQUAL(dccproto_req_encode(&b, 1, 0, argv, "", 0, NULL, err,
	    sizeof(err)), -1);
	argv[0] = "";
	CU_ASSERT_EQUAL(dccproto_req_encode(&b, 1, 1, argv, "", 0, NULL, err,
	    sizeof(err)), -1);
	proto_buf_free(&b);
}

static void
test_answer_ok(void)
{
	struct dccproto_reader r;
	char		 err[128];
	const char	*ok = "DONE00000001STAT00000000SERR00000002w\n"
	    "SOUT00000000DOTO00000003ELF";
	const char	*bad = "DONE00000001STAT00000100SERR00000004err\n"
	    "SOUT00000000DOTO00000000";

	dccproto_reader_init(&r, 1, NULL);
	CU_ASSERT_EQUAL(feed_all(&r, ok, strlen(ok), err, sizeof(err)),
	    PROTO_DONE);
	CU_ASSERT_EQUAL(r.ans.status, 0);
	CU_ASSERT_EQUAL(r.ans.errout.len, 2);
	CU_ASSERT_EQUAL(r.ans.obj.len, 3);
	dccproto_reader_free(&r);
	dccproto_reader_init(&r, 1, NULL);
	CU_ASSERT_EQUAL(feed_all(&r, bad, strlen(bad), err, sizeof(err)),
	    PROTO_DONE);
	CU_ASSERT_EQUAL(r.ans.status, 0x100);
	CU_ASSERT_EQUAL(r.ans.obj.len, 0);
	dccproto_reader_free(&r);
}

/* Each of these is refused with a reason, never accepted. */
static void
test_answer_bad(void)
{
	static const char *const bad[] = {
		"DONE00000002",				/* version 2 */
		"STAT00000000",				/* no DONE */
		"DONE00000001SERR00000000",		/* no STAT */
		"DONE00000001STAT0000007f",		/* stopped */
		"DONE00000001STAT00010000",		/* > 16 bits */
		"DONE00000001STAT00000000SERR00000000SOUT00000000"
		    "DOTO00000000",			/* clean, no object */
		"DONE00000001STAT00000100SERR00000000SOUT00000000"
		    "DOTO00000001x",			/* failed, an object */
		"DONE00000001STAT00000000SERR00000000SOUT00000000"
		    "DOTO00000001xDONE00000001",	/* after the end */
		"DONE00000001STAT00000000SERR00000100",	/* over the limit */
		"DONE00000001STAT00000000SOUT00000000",	/* SOUT before SERR */
		"DONEzzzzzzzz",				/* not hex */
		"DOTIffffffff",				/* not an answer */
		"DONE00000001DONE00000001",		/* twice */
	};
	struct dccproto_reader r;
	struct proto_frame f;
	char		 err[128];
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dccproto_reader_init(&r, 1, NULL);
		r.lim.max_stderr = 16;
		err[0] = '\0';
		CU_ASSERT(feed_all(&r, bad[i], strlen(bad[i]), err,
		    sizeof(err)) < 0 || r.state != R_END);
		dccproto_reader_free(&r);
	}
	/* a dead reader stays dead */
	dccproto_reader_init(&r, 1, NULL);
	memset(&f, 0, sizeof(f));
	memcpy(f.tok, "STAT", 5);
	CU_ASSERT_EQUAL(dccproto_ans_feed(&r, &f, err, sizeof(err)), -1);
	CU_ASSERT(err[0] != '\0');
	memcpy(f.tok, "DONE", 5);
	f.value = 1;
	CU_ASSERT_EQUAL(dccproto_ans_feed(&r, &f, err, sizeof(err)), -1);
	dccproto_reader_free(&r);
}

int
init_dccproto_tests(void)
{
	CU_pSuite s = CU_add_suite("dccproto", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "request", test_request) ||
	    !CU_add_test(s, "clean and failed answers", test_answer_ok) ||
	    !CU_add_test(s, "malformed answers", test_answer_bad))
		return -1;
	return 0;
}
