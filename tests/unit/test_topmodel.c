/*
 * test_topmodel.c - ccpool-top's frame (top/topmodel.c) and its JSON
 * (top/topjson.c) from snapshots made by hand: the slots bar, the
 * per-slot strip of the last minute (current state, recent jobs, the
 * page's age), the layout for a large and a tiny terminal, no hosts, no
 * avahi-daemon, no agent, the orders, the user's jobs per host.  No
 * library, no terminal, no clock.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "top/topmodel.c"
#include "top/topjson.c"

#define NL	512

static struct top_line lines[NL];

static void
mkhost(struct top_host *h, const char *name, unsigned offered,
    unsigned running)
{
	size_t		 i;

	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", name);
	snprintf(h->kind, sizeof(h->kind), "ccpool");
	snprintf(h->trust, sizeof(h->trust), "pinned");
	h->usable = 1;
	h->slots = offered;
	h->free_slots = offered - running;
	h->has_status = 1;
	h->st_slots = h->offered = offered;
	h->running = running;
	h->queued = 1;
	h->foreign_load = 7;
	h->nslot = offered;
	for (i = 0; i < offered; i++) {
		h->slot_state[i] = i < running ? TOP_SLOT_BUSY : TOP_SLOT_IDLE;
		h->slot_since_ms[i] = 10000;
	}
}

/* Two hosts, h2 busier, and three jobs of the user's. */
static struct top_snap *
mksnap(void)
{
	struct top_snap	*s = top_snap_new();

	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT_FATAL(top_snap_hosts(s, 2) == 0);
	s->running = 1;
	mkhost(&s->host[0], "h2", 4, 3);
	mkhost(&s->host[1], "h1", 4, 1);
	s->has_jobs = 1;
	s->njob = 3;
	s->job[0] = (struct top_job){ 7, "a.c", "h2", "compile", 1, 1500,
	    -1, -1 };
	s->job[1] = (struct top_job){ 8, "b.c", "h2", "done", 0, 900, 100, 0 };
	s->job[2] = (struct top_job){ 9, "c.c", "", "cpp", 1, 50, -1, -1 };
	s->cap_slots = 8;
	s->cap_free = 4;
	s->cap_jobs = 12;
	return s;
}

static int
has_line(size_t n, enum top_line_kind kind, const char *text)
{
	size_t		 i;

	for (i = 0; i < n; i++)
		if (lines[i].kind == kind && strstr(lines[i].text, text))
			return 1;
	return 0;
}

static size_t
count_kind(size_t n, enum top_line_kind kind)
{
	size_t		 i, c = 0;

	for (i = 0; i < n; i++)
		c += lines[i].kind == kind;
	return c;
}

static void
test_bar(void)
{
	char		 b[32];

	top_bar(b, 12, 3, 8);
	CU_ASSERT_STRING_EQUAL(b, "[####......]");
	top_bar(b, 12, 0, 0);
	CU_ASSERT_STRING_EQUAL(b, "[----------]");
	top_bar(b, 12, 1, 100);		/* one slot in use shows */
	CU_ASSERT_STRING_EQUAL(b, "[#.........]");
	top_bar(b, 5, 9, 4);		/* more than offered: full */
	CU_ASSERT_STRING_EQUAL(b, "[###]");
}

static void
test_strip(void)
{
	struct top_host	 h;
	char		 st[TOP_STRIP_S + 8];

	mkhost(&h, "h", 3, 1);
	h.slot_since_ms[0] = 5000;	/* busy for 5 s */
	h.recent[0] = (struct top_recent){ 0, 20000, 3000, 1 };
	h.recent[1] = (struct top_recent){ 1, 0, 2000, 1 };
	h.nrecent = 2;
	h.slot_state[2] = TOP_SLOT_CLOSED;
	h.slot_since_ms[2] = -1;	/* closed, since when unknown */
	top_strip(&h, 0, st, 30);
	/* now at the right: 5 s busy, 15 idle, a 3 s job 20..23 s ago */
	CU_ASSERT_STRING_EQUAL(st, "......." "###" "..............." "#####");
	top_strip(&h, 1, st, 4);	/* idle now, its job ended at once */
	CU_ASSERT_STRING_EQUAL(st, "..##");
	top_strip(&h, 2, st, 4);
	CU_ASSERT_STRING_EQUAL(st, "----");
	top_strip(&h, 3, st, 3);	/* no such slot */
	CU_ASSERT_STRING_EQUAL(st, "   ");
	top_strip(&h, 2, st, TOP_STRIP_S + 2);	/* beyond a minute: blank */
	CU_ASSERT_EQUAL(st[0], ' ');
	CU_ASSERT_EQUAL(st[1], ' ');
	CU_ASSERT_EQUAL(st[2], '-');
	/* a page 2 s old: what it saw moves 2 s to the left */
	h.age_ms = 2000;
	top_strip(&h, 1, st, 6);
	CU_ASSERT_STRING_EQUAL(st, "..##..");
}

static void
test_render_full(void)
{
	struct top_snap	*s = mksnap();
	size_t		 n;

	top_snap_mine(s);
	top_snap_sort(s, TOP_SORT_NAME);
	n = top_render(s, lines, NL, 0, 0, TOP_SORT_NAME);
	CU_ASSERT(has_line(n, TOP_L_TITLE, "2 hosts, 2 usable"));
	CU_ASSERT(has_line(n, TOP_L_HEAD, "HOST"));
	CU_ASSERT_EQUAL(count_kind(n, TOP_L_HOST), 2);
	CU_ASSERT_EQUAL(count_kind(n, TOP_L_STRIP), 8);	/* 4 + 4 slots */
	CU_ASSERT_EQUAL(count_kind(n, TOP_L_JOB), 3);
	CU_ASSERT(has_line(n, TOP_L_HEAD, "2 running, 1 finished"));
	CU_ASSERT(has_line(n, TOP_L_JOB, "(here)"));
	CU_ASSERT_EQUAL(lines[n - 1].kind, TOP_L_FOOTER);
	CU_ASSERT(strstr(lines[n - 1].text, "8 slots, 4 free; suggested "
	    "make -j12") != NULL);
	/* h1 first, by name; its row: bar, used/offered, queue, load, mine */
	CU_ASSERT(strncmp(lines[2].text, "h1 ", 3) == 0);
	CU_ASSERT(strstr(lines[2].text, "pinned") != NULL);
	CU_ASSERT(strstr(lines[2].text, "[###.......]   1/4       1   7%    0")
	    != NULL);
	CU_ASSERT(has_line(n, TOP_L_HOST, "3/4       1   7%    1"));
	CU_ASSERT(has_line(n, TOP_L_STRIP, "  s0  |"));
	top_snap_free(s);
}

static void
test_render_tiny(void)
{
	struct top_snap	*s = mksnap();
	size_t		 n, i, h;

	/* 24 lines: everything but fewer jobs... and strips go first */
	n = top_render(s, lines, NL, 80, 12, TOP_SORT_NAME);
	CU_ASSERT(n <= 12);
	CU_ASSERT_EQUAL(count_kind(n, TOP_L_STRIP), 0);
	CU_ASSERT_EQUAL(count_kind(n, TOP_L_HOST), 2);
	CU_ASSERT_EQUAL(lines[n - 1].kind, TOP_L_FOOTER);
	/* every size down to one line: never more lines, footer last */
	for (h = 1; h < 20; h++) {
		n = top_render(s, lines, NL, 10, h, TOP_SORT_NAME);
		CU_ASSERT(n >= 1 && n <= h);
		CU_ASSERT_EQUAL(lines[n - 1].kind, TOP_L_FOOTER);
		for (i = 0; i < n; i++)
			CU_ASSERT(strlen(lines[i].text) <= 10);
	}
	/* hosts beyond the screen are counted */
	n = top_render(s, lines, NL, 80, 5, TOP_SORT_NAME);
	CU_ASSERT(has_line(n, TOP_L_NOTE, "and 1 more hosts"));
	CU_ASSERT_EQUAL(count_kind(n, TOP_L_HOST), 1);
	CU_ASSERT_EQUAL(n, 5);
	n = top_render(s, lines, NL, 80, 6, TOP_SORT_NAME);
	CU_ASSERT_EQUAL(count_kind(n, TOP_L_HOST), 2);
	/* the whole frame fits in 40 lines: strips shown */
	n = top_render(s, lines, NL, 80, 40, TOP_SORT_NAME);
	CU_ASSERT_EQUAL(count_kind(n, TOP_L_STRIP), 8);
	CU_ASSERT_EQUAL(count_kind(n, TOP_L_JOB), 3);
	/* nmax below the height bounds it too */
	n = top_render(s, lines, 3, 80, 40, TOP_SORT_NAME);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(lines[2].kind, TOP_L_FOOTER);
	top_snap_free(s);
}

static void
test_render_empty(void)
{
	struct top_snap	*s = top_snap_new();
	size_t		 n;

	snprintf(s->jobs_error, sizeof(s->jobs_error),
	    "the agent is not running");
	n = top_render(s, lines, NL, 0, 0, TOP_SORT_NAME);
	CU_ASSERT(has_line(n, TOP_L_NOTE, "avahi-daemon: not connected"));
	CU_ASSERT(has_line(n, TOP_L_NOTE, "no hosts found yet"));
	CU_ASSERT(has_line(n, TOP_L_NOTE, "your jobs: the agent is not "
	    "running"));
	CU_ASSERT(has_line(n, TOP_L_FOOTER, "0 slots"));
	/* a host without a page says why, in place of its strips */
	CU_ASSERT_FATAL(top_snap_hosts(s, 1) == 0);
	s->running = 1;
	snprintf(s->host[0].name, sizeof(s->host[0].name), "d1");
	snprintf(s->host[0].status_error, sizeof(s->host[0].status_error),
	    "a distccd has no status page");
	s->host[0].slots = 2;
	s->host[0].free_slots = 2;
	n = top_render(s, lines, NL, 0, 0, TOP_SORT_NAME);
	CU_ASSERT(has_line(n, TOP_L_NOTE, "  status: a distccd has no"));
	CU_ASSERT(has_line(n, TOP_L_HOST, "0/2       -"));
	CU_ASSERT(!has_line(n, TOP_L_NOTE, "avahi-daemon"));
	top_snap_free(s);
}

static void
test_sort_mine(void)
{
	struct top_snap	*s = mksnap();

	top_snap_sort(s, TOP_SORT_NAME);
	CU_ASSERT_STRING_EQUAL(s->host[0].name, "h1");
	top_snap_sort(s, TOP_SORT_BUSY);
	CU_ASSERT_STRING_EQUAL(s->host[0].name, "h2");
	top_snap_sort(s, TOP_SORT_FREE);
	CU_ASSERT_STRING_EQUAL(s->host[0].name, "h1");
	CU_ASSERT_STRING_EQUAL(top_sort_name(TOP_SORT_FREE), "free");
	top_snap_mine(s);
	CU_ASSERT_EQUAL(s->host[0].my_jobs, 0);	/* h1 */
	CU_ASSERT_EQUAL(s->host[1].my_jobs, 1);	/* h2: job 8 is done */
	CU_ASSERT_FATAL(top_snap_hosts(s, 0) == 0);
	CU_ASSERT_EQUAL(s->nhost, 0);
	top_snap_free(s);
	top_snap_free(NULL);
}

static void
test_json(void)
{
	struct top_snap	*s = mksnap();
	struct json_object *o, *h, *v;
	char		*js;

	top_snap_mine(s);
	top_snap_sort(s, TOP_SORT_NAME);
	js = top_json(s);
	CU_ASSERT_FATAL(js != NULL);
	o = json_tokener_parse(js);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT(json_object_object_get_ex(o, "hosts", &v) &&
	    json_object_array_length(v) == 2);
	h = json_object_array_get_idx(v, 1);
	CU_ASSERT(json_object_object_get_ex(h, "name", &v) &&
	    strcmp(json_object_get_string(v), "h2") == 0);
	CU_ASSERT(json_object_object_get_ex(h, "my_jobs", &v) &&
	    json_object_get_int(v) == 1);
	CU_ASSERT(json_object_object_get_ex(h, "status", &v) &&
	    json_object_object_get_ex(v, "activity", &v) &&
	    json_object_array_length(v) == 4 &&
	    json_object_get_string_len(json_object_array_get_idx(v, 0)) ==
	    TOP_STRIP_S);
	CU_ASSERT(json_object_object_get_ex(o, "jobs", &v) &&
	    json_object_array_length(v) == 3);
	CU_ASSERT(json_object_object_get_ex(o, "capacity", &v) &&
	    json_object_object_get_ex(v, "jobs", &v) &&
	    json_object_get_int(v) == 12);
	json_object_put(o);
	free(js);
	/* no agent: jobs null, the reason beside */
	s->has_jobs = 0;
	snprintf(s->jobs_error, sizeof(s->jobs_error), "no agent");
	js = top_json(s);
	o = json_tokener_parse(js);
	CU_ASSERT(json_object_object_get_ex(o, "jobs", &v) && v == NULL);
	CU_ASSERT(json_object_object_get_ex(o, "jobs_error", &v) &&
	    strcmp(json_object_get_string(v), "no agent") == 0);
	json_object_put(o);
	free(js);
	top_snap_free(s);
}

int
init_topmodel_tests(void)
{
	CU_pSuite s = CU_add_suite("topmodel", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "the slots bar", test_bar) ||
	    !CU_add_test(s, "a slot's last minute", test_strip) ||
	    !CU_add_test(s, "a full frame", test_render_full) ||
	    !CU_add_test(s, "small terminals", test_render_tiny) ||
	    !CU_add_test(s, "no hosts, no avahi, no agent", test_render_empty) ||
	    !CU_add_test(s, "orders and my jobs", test_sort_mine) ||
	    !CU_add_test(s, "JSON", test_json))
		return -1;
	return 0;
}
