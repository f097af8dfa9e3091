/*
 * test_statlog.c - the status page's memory (server/statlog.c) and the
 * schema 2 fields net_status.c writes from it: slot states and since
 * when (busy, idle from index 0, closed from the top), the recent jobs
 * newest first and bounded, the minute's ring oldest first; and the page
 * never holds a file name, argument, user or client address.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "libccpool/cpl_status.h"
#include "server/statlog.c"
#include "server/net_status.c"

static struct statlog	 L;

static void
test_states(void)
{
	statlog_init(&L, 100);
	statlog_slots(&L, 4, 4, 100);
	CU_ASSERT_EQUAL(L.slots, 4);
	CU_ASSERT_EQUAL(L.slot[3].state, STATLOG_IDLE);
	statlog_start(&L, 0, 200);
	statlog_start(&L, 2, 300);
	CU_ASSERT_EQUAL(L.slot[0].state, STATLOG_BUSY);
	CU_ASSERT_EQUAL(L.slot[0].since, 200);
	CU_ASSERT_EQUAL(L.slot[1].state, STATLOG_IDLE);
	CU_ASSERT_EQUAL(L.slot[1].since, 100);
	CU_ASSERT_EQUAL(L.slot[2].since, 300);
	/* the owner takes two slots: the highest free ones close */
	statlog_slots(&L, 4, 2, 400);
	CU_ASSERT_EQUAL(L.slot[1].state, STATLOG_CLOSED);
	CU_ASSERT_EQUAL(L.slot[1].since, 400);
	CU_ASSERT_EQUAL(L.slot[3].state, STATLOG_CLOSED);
	CU_ASSERT_EQUAL(L.slot[2].state, STATLOG_BUSY);
	CU_ASSERT_EQUAL(L.slot[2].since, 300);
	/* offered 3 with 2 busy: one idle, the lowest free */
	statlog_slots(&L, 4, 3, 500);
	CU_ASSERT_EQUAL(L.slot[1].state, STATLOG_IDLE);
	CU_ASSERT_EQUAL(L.slot[1].since, 500);
	CU_ASSERT_EQUAL(L.slot[3].state, STATLOG_CLOSED);
	CU_ASSERT_EQUAL(L.slot[3].since, 400);	/* unchanged */
	/* slot 0 ends: idle again, since then */
	statlog_end(&L, 0, 300, "tc-a", 1, 600);
	CU_ASSERT_EQUAL(L.slot[0].state, STATLOG_IDLE);
	CU_ASSERT_EQUAL(L.slot[0].since, 600);
	CU_ASSERT_EQUAL(L.nbusy, 1);
	/* nothing offered: every free slot closed */
	statlog_slots(&L, 4, 0, 700);
	CU_ASSERT_EQUAL(L.slot[0].state, STATLOG_CLOSED);
	CU_ASSERT_EQUAL(L.slot[2].state, STATLOG_BUSY);
	/* out of range and doubled events change nothing */
	statlog_start(&L, STATLOG_SLOTS_MAX, 800);
	statlog_start(&L, 2, 800);
	CU_ASSERT_EQUAL(L.nbusy, 1);
	CU_ASSERT_EQUAL(L.slot[2].since, 300);
	/* more slots than kept */
	statlog_slots(&L, 5000, 5000, 900);
	CU_ASSERT_EQUAL(L.slots, STATLOG_SLOTS_MAX);
	CU_ASSERT_EQUAL(L.slot[STATLOG_SLOTS_MAX - 1].state, STATLOG_IDLE);
	CU_ASSERT_STRING_EQUAL(statlog_state_name(STATLOG_CLOSED), "closed");
}

static void
test_recent(void)
{
	const struct statlog_job *j;
	char	 tc[32];
	int	 i;

	statlog_init(&L, 0);
	CU_ASSERT_PTR_NULL(statlog_recent(&L, 0));
	for (i = 0; i < STATLOG_RECENT + 5; i++) {
		snprintf(tc, sizeof(tc), "tc-%d", i);
		statlog_start(&L, (unsigned)i % 3, (uint64_t)i * 10);
		statlog_end(&L, (unsigned)i % 3, (uint32_t)i, tc, i % 2,
		    (uint64_t)i * 10 + 5);
	}
	CU_ASSERT_EQUAL(L.nrecent, STATLOG_RECENT);
	j = statlog_recent(&L, 0);
	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT_STRING_EQUAL(j->tc, "tc-36");
	CU_ASSERT_EQUAL(j->ms, 36);
	CU_ASSERT_EQUAL(j->slot, 0);
	CU_ASSERT_EQUAL(j->ok, 0);
	CU_ASSERT_EQUAL(j->end, 365);
	j = statlog_recent(&L, STATLOG_RECENT - 1);
	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT_STRING_EQUAL(j->tc, "tc-5");
	CU_ASSERT_EQUAL(j->ok, 1);
	CU_ASSERT_PTR_NULL(statlog_recent(&L, STATLOG_RECENT));
	CU_ASSERT_EQUAL(L.nbusy, 0);
}

static void
test_history(void)
{
	const struct statlog_sample *s;
	int	 i;

	statlog_init(&L, 0);
	CU_ASSERT_PTR_NULL(statlog_hist(&L, 0));
	statlog_sample(&L, 5, 50, 1);
	s = statlog_hist(&L, 0);
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT(s->load == 5 && s->mem == 50 && s->running == 1);
	for (i = 1; i < STATLOG_HIST + 10; i++)
		statlog_sample(&L, (unsigned)i, 300, 70000);
	CU_ASSERT_EQUAL(L.nhist, STATLOG_HIST);
	s = statlog_hist(&L, 0);	/* the oldest kept */
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT_EQUAL(s->load, 10);
	CU_ASSERT_EQUAL(s->mem, 100);
	CU_ASSERT_EQUAL(s->running, UINT16_MAX);
	s = statlog_hist(&L, STATLOG_HIST - 1);
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT_EQUAL(s->load, 69 > 100 ? 100 : 69);
	CU_ASSERT_PTR_NULL(statlog_hist(&L, STATLOG_HIST));
}

/* The JSON page of net n, parsed; the caller puts it. */
static json_object *
page(struct net *n, char **text)
{
	*text = nstat_body(n, "/status");
	CU_ASSERT_FATAL(*text != NULL);
	return json_tokener_parse(*text);
}

static void
test_page(void)
{
	static struct net n;	/* large */
	struct ipc_jobev ev;
	struct pjob	 pj;
	struct conn	 c;
	json_object	*o, *a, *x, *y;
	char		*text;
	int		 i;

	memset(&n, 0, sizeof(n));
	TAILQ_INIT(&n.conns);
	TAILQ_INIT(&n.pjobs);
	snprintf(n.conf.name, sizeof(n.conf.name), "build1");
	snprintf(n.conf.cluster, sizeof(n.conf.cluster), "default");
	/* a client with a job in flight: its address and key */
	memset(&c, 0, sizeof(c));
	snprintf(c.peer, sizeof(c.peer), "192.0.2.77:40000");
	snprintf(c.who.name, sizeof(c.who.name), "alice-secret-user");
	TAILQ_INSERT_TAIL(&n.conns, &c, entry);
	memset(&pj, 0, sizeof(pj));
	snprintf(pj.fp, sizeof(pj.fp), "SHA256:secretfingerprint");
	pj.conn = &c;
	TAILQ_INSERT_TAIL(&n.pjobs, &pj, entry);
	statlog_init(&n.sl, mono_ms());
	n.load.slots = 3;
	n.load.offered = 2;
	n.load.running = 1;
	nstat_load(&n);
	for (i = 0; i < 2; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.what = IPC_JOBEV_START;
		ev.slot = (uint32_t)i;
		nstat_jobev(&n, (const uint8_t *)&ev, sizeof(ev));
	}
	ev.what = IPC_JOBEV_END;
	ev.slot = 1;
	ev.ms = 1234;
	ev.ok = 1;
	snprintf(ev.tc, sizeof(ev.tc), "gcc-12.2.0-x86_64-linux-gnu-75e9");
	nstat_jobev(&n, (const uint8_t *)&ev, sizeof(ev));
	statlog_sample(&n.sl, 12, 34, 1);

	o = page(&n, &text);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT(json_object_object_get_ex(o, "schema", &x) &&
	    json_object_get_int(x) == 2);
	CU_ASSERT_FATAL(json_object_object_get_ex(o, "slot_states", &a));
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(a), 3);
	x = json_object_array_get_idx(a, 0);
	CU_ASSERT(json_object_object_get_ex(x, "state", &y) &&
	    strcmp(json_object_get_string(y), "busy") == 0);
	CU_ASSERT(json_object_object_get_ex(x, "since_ms", &y) &&
	    json_object_get_int64(y) >= 0);
	x = json_object_array_get_idx(a, 1);
	CU_ASSERT(json_object_object_get_ex(x, "state", &y) &&
	    strcmp(json_object_get_string(y), "idle") == 0);
	x = json_object_array_get_idx(a, 2);
	CU_ASSERT(json_object_object_get_ex(x, "state", &y) &&
	    strcmp(json_object_get_string(y), "closed") == 0);
	CU_ASSERT_FATAL(json_object_object_get_ex(o, "recent", &a));
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(a), 1);
	x = json_object_array_get_idx(a, 0);
	/* exactly these keys, nothing else of a job */
	CU_ASSERT_EQUAL(json_object_object_length(x), 5);
	CU_ASSERT(json_object_object_get_ex(x, "slot", &y) &&
	    json_object_get_int(y) == 1);
	CU_ASSERT(json_object_object_get_ex(x, "ms", &y) &&
	    json_object_get_int(y) == 1234);
	CU_ASSERT(json_object_object_get_ex(x, "ok", &y) &&
	    json_object_get_boolean(y));
	CU_ASSERT(json_object_object_get_ex(x, "end_ms", &y));
	CU_ASSERT(json_object_object_get_ex(x, "toolchain", &y));
	CU_ASSERT_FATAL(json_object_object_get_ex(o, "history", &x));
	CU_ASSERT(json_object_object_get_ex(x, "interval_ms", &y) &&
	    json_object_get_int(y) == 1000);
	CU_ASSERT(json_object_object_get_ex(x, "mem", &y) &&
	    json_object_array_length(y) == 1 &&
	    json_object_get_int(json_object_array_get_idx(y, 0)) == 34);
	/* privacy: no client address, user, key, file or argument */
	CU_ASSERT_PTR_NULL(strstr(text, "192.0.2.77"));
	CU_ASSERT_PTR_NULL(strstr(text, "alice"));
	CU_ASSERT_PTR_NULL(strstr(text, "secretfingerprint"));
	CU_ASSERT_PTR_NULL(strstr(text, ".c\""));
	CU_ASSERT_PTR_NULL(strstr(text, "\"-"));
	json_object_put(o);
	/* what libccpool reads of it */
	{
		static struct cpl_status cs;
		char	 e[256];

		CU_ASSERT_EQUAL(cpl_status_parse(text, strlen(text), &cs, e,
		    sizeof(e)), 0);
		CU_ASSERT_EQUAL(cs.schema, 2);
		CU_ASSERT_EQUAL(cs.nslot, 3);
		CU_ASSERT_EQUAL(cs.nrecent, 1);
		CU_ASSERT_EQUAL(cs.nhist, 1);
	}
	free(text);
	/* a toolchain id with characters JSON must escape */
	snprintf(ev.tc, sizeof(ev.tc), "a\"b\\c\x01d");
	ev.slot = 0;
	nstat_jobev(&n, (const uint8_t *)&ev, sizeof(ev));
	o = page(&n, &text);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT(json_object_object_get_ex(o, "recent", &a) &&
	    json_object_object_get_ex(json_object_array_get_idx(a, 0),
	    "toolchain", &y) &&
	    strcmp(json_object_get_string(y), "a\"b\\c\x01d") == 0);
	json_object_put(o);
	free(text);
}

/* A slot event has no room for anything but its figures. */
static void
test_jobev_layout(void)
{
	CU_ASSERT_EQUAL(sizeof(struct ipc_jobev), 4 * sizeof(uint32_t) +
	    PROTO_TCID_MAX + 1);
}

int
init_statlog_tests(void)
{
	CU_pSuite s = CU_add_suite("statlog", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "slot states", test_states) ||
	    !CU_add_test(s, "recent jobs", test_recent) ||
	    !CU_add_test(s, "the last minute", test_history) ||
	    !CU_add_test(s, "schema 2 page, nothing private",
	    test_page) ||
	    !CU_add_test(s, "slot event layout", test_jobev_layout))
		return -1;
	return 0;
}
