/*
 * test_httpd.c - the status page's request parser (server/httpd.c):
 * GET and HEAD with HTTP/1.0 and 1.1, keep-alive rules, incomplete heads,
 * and every kind of bad head with its HTTP status.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "server/httpd.c"

static ssize_t
parse(const char *s, struct httpd_req *r, int *status)
{
	char	 err[128];

	return httpd_parse(s, strlen(s), r, status, err, sizeof(err));
}

static void
test_good(void)
{
	struct httpd_req r;
	int	 st;
	const char *g = "GET /status HTTP/1.1\r\nHost: h1\r\n\r\n";

	CU_ASSERT_EQUAL(parse(g, &r, &st), (ssize_t)strlen(g));
	CU_ASSERT_STRING_EQUAL(r.path, "/status");
	CU_ASSERT(r.keepalive && !r.head);
	CU_ASSERT_EQUAL(parse("HEAD /status HTTP/1.0\n\n", &r, &st), 23);
	CU_ASSERT(r.head && !r.keepalive);
	CU_ASSERT(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
	    &r, &st) > 0);
	CU_ASSERT(r.keepalive);
	CU_ASSERT(parse("GET / HTTP/1.1\r\nConnection: foo, close\r\n\r\n",
	    &r, &st) > 0);
	CU_ASSERT(!r.keepalive);
	CU_ASSERT(parse("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", &r,
	    &st) > 0);
	/* pipelined: only the first head is taken */
	CU_ASSERT_EQUAL(parse("GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n",
	    &r, &st), 19);
	CU_ASSERT_STRING_EQUAL(r.path, "/a");
}

static void
test_incomplete(void)
{
	struct httpd_req r;
	int	 st;

	CU_ASSERT_EQUAL(parse("", &r, &st), 0);
	CU_ASSERT_EQUAL(parse("GET /status HTTP/1.1\r\n", &r, &st), 0);
	CU_ASSERT_EQUAL(parse("GET /status HTTP/1.1\r\nHost: x\r\n\r", &r,
	    &st), 0);
}

static void
test_bad(void)
{
	static char big[HTTPD_HEAD_MAX + 100];
	struct httpd_req r;
	char	 line[HTTPD_PATH_MAX + 64], err[128];
	int	 st, i;
	static const struct { const char *req; int status; } bad[] = {
		{ "POST /status HTTP/1.1\r\n\r\n", 405 },
		{ "DELETE / HTTP/1.1\r\n\r\n", 405 },
		{ "GET /status HTTP/2.0\r\n\r\n", 505 },
		{ "GET /status HTTP/1.1x\r\n\r\n", 400 },
		{ "GET /status\r\n\r\n", 400 },
		{ "GET  /status HTTP/1.1\r\n\r\n", 400 },
		{ "GET status HTTP/1.1\r\n\r\n", 400 },
		{ "G(T / HTTP/1.1\r\n\r\n", 400 },
		{ "\r\n", 400 },
		{ "GET /a\x01 HTTP/1.1\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nNo colon\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\n: empty name\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\n folded\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 400 },
		{ "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 400 },
	};

	for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
		st = 0;
		CU_ASSERT_EQUAL(parse(bad[i].req, &r, &st), -1);
		CU_ASSERT_EQUAL(st, bad[i].status);
		if (st != bad[i].status)
			fprintf(stderr, "\n%d: %d for %s", i, st, bad[i].req);
	}
	/* a NUL in the request line */
	CU_ASSERT_EQUAL(httpd_parse("GET /\0 HTTP/1.1\r\n\r\n", 20, &r, &st, err,
	    sizeof(err)), -1);
	/* a target too long */
	snprintf(line, sizeof(line), "GET /%0*d HTTP/1.1\r\n\r\n",
	    HTTPD_PATH_MAX, 0);
	CU_ASSERT_EQUAL(parse(line, &r, &st), -1);
	CU_ASSERT_EQUAL(st, 414);
	/* a head that never ends */
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	CU_ASSERT_EQUAL(parse(big, &r, &st), -1);
	CU_ASSERT_EQUAL(st, 431);
	/* too many header lines */
	strcpy(big, "GET / HTTP/1.1\r\n");
	for (i = 0; i <= HTTPD_HEADERS_MAX; i++)
		strcat(big, "A: b\r\n");
	strcat(big, "\r\n");
	CU_ASSERT_EQUAL(parse(big, &r, &st), -1);
	CU_ASSERT_EQUAL(st, 431);
}

int
init_httpd_tests(void)
{
	CU_pSuite s = CU_add_suite("httpd", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "good heads", test_good) ||
	    !CU_add_test(s, "incomplete heads", test_incomplete) ||
	    !CU_add_test(s, "bad heads", test_bad))
		return -1;
	return 0;
}
