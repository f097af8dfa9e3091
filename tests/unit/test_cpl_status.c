/*
 * test_cpl_status.c - the status page parser (libccpool/cpl_status.c):
 * the page of doc/server.md read whole, unknown keys skipped, and every
 * kind of hostile page refused with a reason: wrong types, ranges, bad
 * strings, depth, trailing bytes, cut short, too large.
 */
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/CUnit.h>

#include "libccpool/cpl.h"
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
	CU_ASSERT_EQUAL(parse(GOOD_HEAD "\"schema\":1,\"slot\":[{\"state\":"
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

/* Schema 2: 8 slots as GOOD_FIGS says. */
#define S2_SLOTS "\"slot_states\":[{\"state\":\"busy\",\"since_ms\":1500}," \
	"{\"state\":\"busy\",\"since_ms\":20},{\"state\":\"idle\"," \
	"\"since_ms\":0},{\"state\":\"idle\",\"since_ms\":7}," \
	"{\"state\":\"idle\",\"since_ms\":7},{\"state\":\"idle\",\"since_ms\":7}," \
	"{\"state\":\"closed\",\"since_ms\":60000},{\"state\":\"draining\"," \
	"\"since_ms\":1}],"
#define S2_RECENT "\"recent\":[{\"slot\":2,\"end_ms\":40,\"ms\":812," \
	"\"toolchain\":\"gcc-12.2.0-x86_64-linux-gnu-75e997ec6229\",\"ok\":true}," \
	"{\"slot\":0,\"end_ms\":900,\"ms\":3,\"toolchain\":\"clang-14\"," \
	"\"ok\":false}],"
#define S2_HIST "\"history\":{\"interval_ms\":1000,\"load\":[0,5,100]," \
	"\"mem\":[40,41,42],\"running\":[0,2,1]}"
#define S2_HEAD GOOD_HEAD "\"schema\":2," GOOD_FIGS GOOD_TCS GOOD_CNT
/* GOOD_CNT closes the object: open it again for the schema 2 fields */
static char page2[8192];

static const char *
mk2(const char *slots, const char *recent, const char *hist)
{
	size_t	 n = strlen(S2_HEAD) - 1;	/* without the last } */

	memcpy(page2, S2_HEAD, n);
	snprintf(page2 + n, sizeof(page2) - n, ",%s%s%s}", slots, recent,
	    hist);
	return page2;
}

static void
test_schema2(void)
{
	struct ccpool_status cs;

	CU_ASSERT_EQUAL_FATAL(parse(mk2(S2_SLOTS, S2_RECENT, S2_HIST)), 0);
	CU_ASSERT_EQUAL(st.schema, 2);
	CU_ASSERT_EQUAL_FATAL(st.nslot, 8);
	CU_ASSERT_EQUAL(st.slot[0].state, CPL_SLOT_BUSY);
	CU_ASSERT_EQUAL(st.slot[0].since_ms, 1500);
	CU_ASSERT_EQUAL(st.slot[6].state, CPL_SLOT_CLOSED);
	CU_ASSERT_EQUAL(st.slot[7].state, CPL_SLOT_OTHER);
	CU_ASSERT_EQUAL_FATAL(st.nrecent, 2);
	CU_ASSERT_EQUAL(st.recent[0].slot, 2);
	CU_ASSERT_EQUAL(st.recent[0].ms, 812);
	CU_ASSERT_EQUAL(st.recent[1].ok, 0);
	CU_ASSERT_STRING_EQUAL(st.recent[1].tc, "clang-14");
	CU_ASSERT_EQUAL_FATAL(st.nhist, 3);
	CU_ASSERT_EQUAL(st.hist[2].load, 100);
	CU_ASSERT_EQUAL(st.hist[1].running, 2);

	/* the public accessors over it */
	cs.s = st;
	CU_ASSERT_EQUAL(ccpool_status_schema(&cs), 2);
	CU_ASSERT_EQUAL(ccpool_status_slot_state(&cs, 0), CCPOOL_SLOT_BUSY);
	CU_ASSERT_EQUAL(ccpool_status_slot_state(&cs, 2), CCPOOL_SLOT_IDLE);
	CU_ASSERT_EQUAL(ccpool_status_slot_state(&cs, 6),
	    CCPOOL_SLOT_CLOSED);
	CU_ASSERT_EQUAL(ccpool_status_slot_state(&cs, 7),
	    CCPOOL_SLOT_UNKNOWN);
	CU_ASSERT_EQUAL(ccpool_status_slot_state(&cs, 8),
	    CCPOOL_SLOT_UNKNOWN);
	CU_ASSERT_EQUAL(ccpool_status_slot_since_ms(&cs, 6), 60000);
	CU_ASSERT_EQUAL(ccpool_status_slot_since_ms(&cs, 8), -1);
	CU_ASSERT_STRING_EQUAL(ccpool_slot_state_name(CCPOOL_SLOT_CLOSED),
	    "closed");
	CU_ASSERT_STRING_EQUAL(ccpool_slot_state_name(CCPOOL_SLOT_UNKNOWN),
	    "unknown");
	CU_ASSERT_EQUAL(ccpool_status_nrecent(&cs), 2);
	CU_ASSERT_EQUAL(ccpool_status_recent_slot(&cs, 0), 2);
	CU_ASSERT_EQUAL(ccpool_status_recent_end_ms(&cs, 1), 900);
	CU_ASSERT_EQUAL(ccpool_status_recent_ms(&cs, 0), 812);
	CU_ASSERT_STRING_EQUAL(ccpool_status_recent_toolchain(&cs, 1),
	    "clang-14");
	CU_ASSERT_EQUAL(ccpool_status_recent_ok(&cs, 0), 1);
	CU_ASSERT_PTR_NULL(ccpool_status_recent_toolchain(&cs, 2));
	CU_ASSERT_EQUAL(ccpool_status_recent_end_ms(&cs, 2), -1);
	CU_ASSERT_EQUAL(ccpool_status_history_len(&cs), 3);
	CU_ASSERT_EQUAL(ccpool_status_history_load(&cs, 1), 5);
	CU_ASSERT_EQUAL(ccpool_status_history_mem(&cs, 2), 42);
	CU_ASSERT_EQUAL(ccpool_status_history_running(&cs, 1), 2);
	CU_ASSERT_EQUAL(ccpool_status_history_load(&cs, 3), 0);

	/* schema 1 (no key): none of it */
	CU_ASSERT_EQUAL_FATAL(parse(GOOD), 0);
	cs.s = st;
	CU_ASSERT_EQUAL(ccpool_status_schema(&cs), 1);
	CU_ASSERT_EQUAL(ccpool_status_slot_state(&cs, 0),
	    CCPOOL_SLOT_UNKNOWN);
	CU_ASSERT_EQUAL(ccpool_status_nrecent(&cs), 0);
	CU_ASSERT_EQUAL(ccpool_status_history_len(&cs), 0);
	/* a later schema: the fields we know are read */
	CU_ASSERT_EQUAL(parse(mk2(S2_SLOTS, S2_RECENT, S2_HIST)), 0);
	/* history at another interval: skipped, not refused */
	CU_ASSERT_EQUAL(parse(mk2(S2_SLOTS, S2_RECENT, "\"history\":{"
	    "\"interval_ms\":5000,\"load\":\"x\"}")), 0);
	CU_ASSERT_EQUAL(st.nhist, 0);
	CU_ASSERT_EQUAL(st.nrecent, 2);
}

static void
test_schema2_bad(void)
{
	refused(mk2("", S2_RECENT, S2_HIST), "\"slot_states\" missing");
	refused(mk2("\"slot_states\":{},", S2_RECENT, S2_HIST),
	    "\"slot_states\" is not an array");
	refused(mk2("\"slot_states\":[],", S2_RECENT, S2_HIST),
	    "0 entries for 8 slots");
	refused(mk2("\"slot_states\":[1,2,3,4,5,6,7,8],", S2_RECENT, S2_HIST),
	    "slot 0 is not an object");
	refused(mk2("\"slot_states\":[{\"state\":\"idle\",\"since_ms\":-1},"
	    "1,2,3,4,5,6,7],", S2_RECENT, S2_HIST), "slot 0: \"since_ms\" out "
	    "of range");
	refused(mk2("\"slot_states\":[{\"state\":\"\\u0001\",\"since_ms\":1},"
	    "1,2,3,4,5,6,7],", S2_RECENT, S2_HIST), "slot 0: \"state\"");
	refused(mk2("\"slot_states\":[{\"state\":\"a-very-long-state-word\","
	    "\"since_ms\":1},1,2,3,4,5,6,7],", S2_RECENT, S2_HIST), "slot 0");
	refused(mk2(S2_SLOTS, "", S2_HIST), "\"recent\" missing");
	refused(mk2(S2_SLOTS, "\"recent\":[{\"slot\":0,\"end_ms\":1,"
	    "\"ms\":1,\"toolchain\":\"t\",\"ok\":1}],", S2_HIST),
	    "recent job 0: \"ok\" is not a boolean");
	refused(mk2(S2_SLOTS, "\"recent\":[{\"slot\":0,\"end_ms\":1,"
	    "\"ms\":1.5,\"toolchain\":\"t\",\"ok\":true}],", S2_HIST),
	    "recent job 0: \"ms\" is not an integer");
	refused(mk2(S2_SLOTS, "\"recent\":[{\"slot\":0,\"end_ms\":1,"
	    "\"ms\":1,\"ok\":true}],", S2_HIST),
	    "recent job 0: \"toolchain\" missing");
	refused(mk2(S2_SLOTS, "\"recent\":[null],", S2_HIST),
	    "recent job 0 is not an object");
	refused(mk2(S2_SLOTS, "\"recent\":[]", ""), "\"history\" missing");
	refused(mk2(S2_SLOTS, S2_RECENT, "\"history\":[]"),
	    "\"history\" is not an object");
	refused(mk2(S2_SLOTS, S2_RECENT, "\"history\":{\"load\":[]}"),
	    "history: \"interval_ms\" missing");
	refused(mk2(S2_SLOTS, S2_RECENT, "\"history\":{\"interval_ms\":1000,"
	    "\"load\":[1],\"mem\":[1,2],\"running\":[1]}"),
	    "\"mem\" has 2 samples");
	refused(mk2(S2_SLOTS, S2_RECENT, "\"history\":{\"interval_ms\":1000,"
	    "\"load\":[101],\"mem\":[1],\"running\":[1]}"),
	    "\"load\" sample 0");
	refused(mk2(S2_SLOTS, S2_RECENT, "\"history\":{\"interval_ms\":1000,"
	    "\"load\":[1],\"mem\":[\"1\"],\"running\":[1]}"),
	    "\"mem\" sample 0");
	refused(mk2(S2_SLOTS, S2_RECENT, "\"history\":{\"interval_ms\":1000,"
	    "\"load\":[1],\"mem\":[1]}"), "\"running\" missing");
	refused(GOOD_HEAD "\"schema\":0," GOOD_FIGS GOOD_TCS GOOD_CNT,
	    "\"schema\" out of range");
	refused(GOOD_HEAD "\"schema\":\"2\"," GOOD_FIGS GOOD_TCS GOOD_CNT,
	    "\"schema\" is not an integer");
}

/* Only what fits is kept: 256 slots, 32 jobs, the last 60 samples. */
static void
test_schema2_limits(void)
{
	static char	 big[CPL_STATUS_MAX];
	size_t		 n = 0, i;

#define ADD(...) n += (size_t)snprintf(big + n, sizeof(big) - n, __VA_ARGS__)
	ADD(GOOD_HEAD "\"schema\":2,\"slots\":300,\"offered\":300,"
	    "\"foreign_load\":0,\"running\":0,\"queued\":0,"
	    "\"queue_max\":0,\"connections\":0," GOOD_TCS);
	ADD("\"counters\":{\"connections\":1,\"jobs_done\":1,"
	    "\"jobs_failed\":0,\"bytes_in\":0,\"bytes_out\":0},");
	ADD("\"slot_states\":[");
	for (i = 0; i < 300; i++)
		ADD("%s{\"state\":\"%s\",\"since_ms\":%zu}", i ? "," : "",
		    i < 256 ? "idle" : "busy", i);
	ADD("],\"recent\":[");
	for (i = 0; i < 40; i++)
		ADD("%s{\"slot\":%zu,\"end_ms\":%zu,\"ms\":1,"
		    "\"toolchain\":\"t\",\"ok\":true}", i ? "," : "", i, i);
	ADD("],\"history\":{\"interval_ms\":1000,\"load\":[");
	for (i = 0; i < 70; i++)
		ADD("%s%zu", i ? "," : "", i);
	ADD("],\"mem\":[");
	for (i = 0; i < 70; i++)
		ADD("%s1", i ? "," : "");
	ADD("],\"running\":[");
	for (i = 0; i < 70; i++)
		ADD("%s2", i ? "," : "");
	ADD("]}}");
#undef ADD
	CU_ASSERT_FATAL(n < sizeof(big));
	CU_ASSERT_EQUAL_FATAL(cpl_status_parse(big, n, &st, err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(st.nslot, CPL_SLOT_STATES_MAX);
	CU_ASSERT_EQUAL(st.slot[255].since_ms, 255);
	CU_ASSERT_EQUAL(st.slot[255].state, CPL_SLOT_IDLE);
	CU_ASSERT_EQUAL(st.nrecent, CPL_RECENT_MAX);
	CU_ASSERT_EQUAL(st.recent[31].slot, 31);
	CU_ASSERT_EQUAL(st.nhist, CPL_HIST_MAX);
	CU_ASSERT_EQUAL(st.hist[0].load, 10);	/* the oldest 10 dropped */
	CU_ASSERT_EQUAL(st.hist[59].load, 69);
	CU_ASSERT_EQUAL(st.hist[59].running, 2);
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
	    !CU_add_test(s, "every prefix refused", test_every_prefix) ||
	    !CU_add_test(s, "schema 2 read", test_schema2) ||
	    !CU_add_test(s, "schema 2 malformed", test_schema2_bad) ||
	    !CU_add_test(s, "schema 2 limits", test_schema2_limits))
		return -1;
	return 0;
}
