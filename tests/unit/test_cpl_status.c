/*
 * test_cpl_status.c - the status page parser (libccpool/cpl_status.c):
 * the page of doc/server.md read whole, unknown keys skipped, and every
 * kind of hostile page refused with a reason: wrong types, ranges, bad
 * strings, depth, trailing bytes, cut short, too large.
 */
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/CUnit.h>

#include "libccpool/cpl_status.c"

#define GOOD_HEAD "{\"name\":\"build1\",\"version\":\"0.1.0\",\"protocol\":1," \
	"\"cluster\":\"default\",\"uptime_s\":42,\"stopping\":false,"
#define GOOD_FIGS "\"slots\":8,\"offered\":6,\"foreign_load\":25," \
	"\"running\":2,\"queued\":0,\"queue_max\":6,\"connections\":3,"
#define GOOD_TCS "\"toolchains\":[{\"id\":\"gcc-12.2.0-x86_64-linux-gnu-" \
	"75e997ec6229\",\"compiler\":\"gcc 12.2.0\"}],"
#define GOOD_CNT "\"counters\":{\"connections\":17,\"jobs_done\":120," \
	"\"jobs_failed\":2,\"refused\":{\"proto\":0,\"busy\":3}," \
	"\"bytes_in\":10485760,\"bytes_out\":5242880}}"
#define GOOD GOOD_HEAD GOOD_FIGS GOOD_TCS GOOD_CNT

static struct cpl_status st;
static char err[256];

static int
parse(const char *s)
{
	err[0] = '\0';
	return cpl_status_parse(s, strlen(s), &st, err, sizeof(err));
}

/* Refused, with a reason that contains want. */
static void
refused(const char *json, const char *want)
{
	int	 rc = parse(json);

	CU_ASSERT_EQUAL(rc, -1);
	if (rc != -1 || strstr(err, want) == NULL)
		fprintf(stderr, "\n  page %.60s...: rc %d, '%s' (want '%s')\n",
		    json, rc, err, want);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
}

static void
test_good(void)
{
	CU_ASSERT_EQUAL_FATAL(parse(GOOD), 0);
	CU_ASSERT_STRING_EQUAL(st.name, "build1");
	CU_ASSERT_STRING_EQUAL(st.version, "0.1.0");
	CU_ASSERT_EQUAL(st.protocol, 1);
	CU_ASSERT_STRING_EQUAL(st.cluster, "default");
	CU_ASSERT_EQUAL(st.uptime_s, 42);
	CU_ASSERT_EQUAL(st.stopping, 0);
	CU_ASSERT_EQUAL(st.slots, 8);
	CU_ASSERT_EQUAL(st.offered, 6);
	CU_ASSERT_EQUAL(st.foreign_load, 25);
	CU_ASSERT_EQUAL(st.running, 2);
	CU_ASSERT_EQUAL(st.queued, 0);
	CU_ASSERT_EQUAL(st.queue_max, 6);
	CU_ASSERT_EQUAL(st.connections, 3);
	CU_ASSERT_EQUAL_FATAL(st.ntc, 1);
	CU_ASSERT_STRING_EQUAL(st.tc[0].compiler, "gcc 12.2.0");
	CU_ASSERT_EQUAL(st.conns_total, 17);
	CU_ASSERT_EQUAL(st.jobs_done, 120);
	CU_ASSERT_EQUAL(st.jobs_failed, 2);
	CU_ASSERT_EQUAL(st.bytes_in, 10485760);
	CU_ASSERT_EQUAL(st.bytes_out, 5242880);
	CU_ASSERT_EQUAL_FATAL(st.nrefused, 2);
	/* as the server writes it: a line */
	CU_ASSERT_EQUAL(parse(GOOD "\n"), 0);
	CU_ASSERT_EQUAL(parse(" \t" GOOD " \r\n "), 0);
}

static void
test_unknown_keys(void)
{
	/* a later schema adds fields: skipped, nested ones too */
	CU_ASSERT_EQUAL(parse(GOOD_HEAD "\"schema\":2,\"slot\":[{\"state\":"
	    "\"idle\"},{\"state\":\"compiling\"}],\"load\":{\"1m\":[1,2]},"
	    GOOD_FIGS GOOD_TCS GOOD_CNT), 0);
	CU_ASSERT_EQUAL(st.slots, 8);
	/* counters.refused is optional */
	CU_ASSERT_EQUAL(parse(GOOD_HEAD GOOD_FIGS GOOD_TCS "\"counters\":{"
	    "\"connections\":1,\"jobs_done\":1,\"jobs_failed\":0,"
	    "\"bytes_in\":0,\"bytes_out\":0}}"), 0);
	CU_ASSERT_EQUAL(st.nrefused, 0);
}

static void
test_not_json(void)
{
	refused("", "empty");
	refused("{", "cut short");
	refused("nonsense", "not JSON");
	refused("[1,2]", "not a JSON object");
	refused("\"build1\"", "not a JSON object");
	refused(GOOD "x", "JSON");
	refused(GOOD GOOD, "JSON");
	refused("{'name':'a'}", "not JSON");
	refused("{\"name\":\"a\",}", "not JSON");
	/* a NUL after the value is trailing bytes, not an end */
	CU_ASSERT_EQUAL(cpl_status_parse(GOOD "\0", sizeof(GOOD), &st, err,
	    sizeof(err)), -1);
}

static void
test_types(void)
{
	refused("{\"name\":1}", "\"name\" is not a string");
	refused("{}", "\"name\" missing");
	refused(GOOD_HEAD "\"slots\":\"8\"}", "\"slots\" is not an integer");
	refused(GOOD_HEAD "\"slots\":8.0}", "\"slots\" is not an integer");
	refused(GOOD_HEAD "\"slots\":1e3}", "\"slots\" is not an integer");
	refused(GOOD_HEAD "\"slots\":null}", "\"slots\" is not an integer");
	refused(GOOD_HEAD "\"slots\":true}", "\"slots\" is not an integer");
	refused("{\"name\":\"a\",\"version\":\"1\",\"protocol\":1,"
	    "\"cluster\":\"c\",\"uptime_s\":1,\"stopping\":0}",
	    "\"stopping\" is not a boolean");
	refused(GOOD_HEAD GOOD_FIGS "\"toolchains\":{}}",
	    "\"toolchains\" is not an array");
	refused(GOOD_HEAD GOOD_FIGS "\"toolchains\":[1]}", "toolchain 0 is "
	    "not an object");
	refused(GOOD_HEAD GOOD_FIGS "\"toolchains\":[{\"id\":\"a\"}]}",
	    "toolchain 0: \"compiler\" missing");
	refused(GOOD_HEAD GOOD_FIGS GOOD_TCS "\"counters\":[]}",
	    "\"counters\" is not an object");
	refused(GOOD_HEAD GOOD_FIGS "\"toolchains\":[]}", "\"counters\" missing");
}

static void
test_ranges(void)
{
	refused(GOOD_HEAD "\"slots\":-1}", "\"slots\" out of range");
	refused(GOOD_HEAD "\"slots\":16385}", "\"slots\" out of range");
	refused(GOOD_HEAD "\"slots\":99999999999999999999999999}",
	    "\"slots\" out of range");
	refused(GOOD_HEAD "\"slots\":-99999999999999999999999999}",
	    "\"slots\" out of range");
	refused(GOOD_HEAD "\"slots\":2,\"offered\":3}",
	    "\"offered\" out of range");
	refused(GOOD_HEAD "\"slots\":2,\"offered\":1,\"foreign_load\":101}",
	    "\"foreign_load\" out of range");
	refused("{\"name\":\"a\",\"version\":\"1\",\"protocol\":0}",
	    "\"protocol\" out of range");
	refused("{\"name\":\"a\",\"version\":\"1\",\"protocol\":1,"
	    "\"cluster\":\"c\",\"uptime_s\":9007199254740993}",
	    "\"uptime_s\" out of range");
	refused(GOOD_HEAD GOOD_FIGS GOOD_TCS "\"counters\":{\"connections\":"
	    "1,\"jobs_done\":1,\"jobs_failed\":2,\"bytes_in\":0,"
	    "\"bytes_out\":0}}", "\"jobs_failed\" out of range");
	refused(GOOD_HEAD GOOD_FIGS GOOD_TCS "\"counters\":{\"connections\":"
	    "1,\"jobs_done\":1,\"jobs_failed\":0,\"bytes_in\":0,"
	    "\"bytes_out\":0,\"refused\":{\"Busy\":1}}}", "refusal reason");
	refused(GOOD_HEAD GOOD_FIGS GOOD_TCS "\"counters\":{\"connections\":"
	    "1,\"jobs_done\":1,\"jobs_failed\":0,\"bytes_in\":0,"
	    "\"bytes_out\":0,\"refused\":{\"busy\":-1}}}",
	    "\"busy\" out of range");
}

static void
test_strings(void)
{
	char	 big[400];

	refused("{\"name\":\"\"}", "\"name\" empty");
	refused("{\"name\":\"a\\u0000b\"}", "\"name\" is not clean UTF-8");
	refused("{\"name\":\"a\\u001bb\"}", "\"name\" is not clean UTF-8");
	refused("{\"name\":\"a\\u009bb\"}", "\"name\" is not clean UTF-8");
	refused("{\"name\":\"\xff\xfe\"}", "not");
	refused("{\"name\":\"\xc0\xaf\"}", "not");
	memset(big, 'a', sizeof(big));
	memcpy(big, "{\"name\":\"", 9);
	memcpy(big + sizeof(big) - 3, "\"}", 3);
	refused(big, "longer than 255 bytes");
	/* a UTF-8 name is fine */
	CU_ASSERT_EQUAL(parse("{\"name\":\"b\\u00e9\\u4e2d\",\"version\":"
	    "\"1\",\"protocol\":1,\"cluster\":\"c\",\"uptime_s\":1,"
	    "\"stopping\":false," GOOD_FIGS GOOD_TCS GOOD_CNT), 0);
	CU_ASSERT_STRING_EQUAL(st.name, "b\xc3\xa9\xe4\xb8\xad");
}

static void
test_bounds(void)
{
	char	*p;
	size_t	 n, i;

	/* deeper than the page ever nests */
	refused(GOOD_HEAD "\"x\":[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]}",
	    "not JSON");
	/* 17 toolchains */
	p = malloc(4096);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	n = (size_t)snprintf(p, 4096, "%s", GOOD_HEAD GOOD_FIGS
	    "\"toolchains\":[");
	for (i = 0; i < 17; i++)
		n += (size_t)snprintf(p + n, 4096 - n, "%s{\"id\":\"t%zu\","
		    "\"compiler\":\"c\"}", i ? "," : "", i);
	snprintf(p + n, 4096 - n, "]," GOOD_CNT);
	refused(p, "more than 16 toolchains");
	free(p);
	/* larger than a page may be */
	p = malloc(CPL_STATUS_MAX + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memset(p, ' ', CPL_STATUS_MAX + 1);
	memcpy(p, GOOD, strlen(GOOD));
	p[CPL_STATUS_MAX + 1] = '\0';
	refused(p, "larger than");
	p[CPL_STATUS_MAX] = '\0';
	CU_ASSERT_EQUAL(parse(p), 0);	/* at the limit: white space */
	free(p);
}

static void
test_every_prefix(void)
{
	const char	*g = GOOD;
	size_t		 i, n = strlen(g);

	/* no prefix of a page is a page; none crashes */
	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL(cpl_status_parse(g, i, &st, err,
		    sizeof(err)), -1);
	CU_ASSERT_EQUAL(cpl_status_parse(g, n, &st, err, sizeof(err)), 0);
}

int
init_cpl_status_tests(void)
{
	CU_pSuite s = CU_add_suite("cpl_status", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "the documented page", test_good) ||
	    !CU_add_test(s, "unknown keys skipped", test_unknown_keys) ||
	    !CU_add_test(s, "not JSON, not an object, trailing bytes",
	    test_not_json) ||
	    !CU_add_test(s, "wrong types", test_types) ||
	    !CU_add_test(s, "out of range", test_ranges) ||
	    !CU_add_test(s, "bad strings", test_strings) ||
	    !CU_add_test(s, "depth, count and size bounds", test_bounds) ||
	    !CU_add_test(s, "every prefix refused", test_every_prefix))
		return -1;
	return 0;
}
