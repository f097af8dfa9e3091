/*
 * test_traymodel.c - ccpool-tray's model (tray/traymodel.c, traybars.c,
 * traydump.c) over hand-made snapshots, without GTK and without the
 * library: the state and its icon, the label, the menu lines, the
 * differences that make notifications, the Gantt bars (clipping, slot
 * states, finished jobs, the user's jobs packed into lanes) and the dump.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "tray/traymodel.c"
#include "tray/traybars.c"
#include "tray/traydump.c"

static struct tray_host *
host(struct tray_snap *s, const char *name, const char *trust)
{
	struct tray_host *h = tray_snap_add_host(s);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	snprintf(h->name, sizeof(h->name), "%s", name);
	snprintf(h->trust, sizeof(h->trust), "%s", trust);
	h->slots = 4;
	h->free_slots = 3;
	h->usable = 1;
	return h;
}

static struct tray_job *
job(struct tray_snap *s, enum ccpool_phase p, int64_t start, int64_t end)
{
	struct tray_job *j = tray_snap_add_job(s);

	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	j->id = s->njob;
	snprintf(j->file, sizeof(j->file), "src/f%zu.c", s->njob);
	snprintf(j->host, sizeof(j->host), "h1");
	j->phase = p;
	j->start_ms = start;
	j->end_ms = end;
	return j;
}

static void
test_state(void)
{
	struct tray_snap s;

	tray_snap_init(&s);
	CU_ASSERT_EQUAL(tray_state(&s), TRAY_NONE);
	CU_ASSERT_STRING_EQUAL(tray_state_icon(TRAY_NONE), "network-offline");
	host(&s, "h1", "pinned");
	CU_ASSERT_EQUAL(tray_state(&s), TRAY_IDLE);
	job(&s, CCPOOL_PHASE_DONE, 5000, 4000);
	CU_ASSERT_EQUAL(tray_state(&s), TRAY_IDLE);
	job(&s, CCPOOL_PHASE_COMPILE, 1000, -1);
	CU_ASSERT_EQUAL(tray_state(&s), TRAY_WORKING);
	host(&s, "h2", "UNTRUSTED (key changed)");
	CU_ASSERT_EQUAL(tray_state(&s), TRAY_WARNING);
	CU_ASSERT_STRING_EQUAL(tray_state_icon(TRAY_WARNING), "dialog-warning");
	tray_snap_clear(&s);
	s.agent_died = 1;	/* even with no host: the user must know */
	CU_ASSERT_EQUAL(tray_state(&s), TRAY_WARNING);
	tray_snap_clear(&s);
}

static void
test_label(void)
{
	struct tray_snap s;
	char		 buf[128], line[256];

	tray_snap_init(&s);
	tray_label(&s, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "no hosts");
	host(&s, "h1", "pinned");
	s.cap_slots = 4;
	s.cap_free = 3;
	tray_label(&s, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "1 host \u00b7 3/4 slots free");
	host(&s, "h2", "new");
	s.cap_slots = 24;
	s.cap_free = 18;
	job(&s, CCPOOL_PHASE_SEND, 1500, -1);
	tray_label(&s, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2 hosts \u00b7 18/24 slots free \u00b7 "
	    "1 job");
	tray_label(&s, buf, 8);		/* cut, terminated */
	CU_ASSERT_EQUAL(strlen(buf), 7);
	tray_job_line(&s.job[0], line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "f1.c \u2192 h1 (send, 1.5 s)");
	s.host[0].load = 12;
	tray_host_line(&s.host[0], line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "h1 \u2014 3/4 free, load 12% \u00b7 "
	    "pinned");
	tray_snap_clear(&s);
}

static void
test_diff(void)
{
	struct tray_snap	a, b;
	struct tray_event	ev[8];
	size_t			n;

	tray_snap_init(&a);
	tray_snap_init(&b);
	host(&a, "h2", "pinned");
	host(&a, "h1", "pinned");
	host(&a, "h3", "new");
	host(&b, "h4", "new");
	host(&b, "h3", "UNTRUSTED (key changed)");
	host(&b, "h1", "pinned");
	tray_snap_sort(&a);
	tray_snap_sort(&b);
	CU_ASSERT_STRING_EQUAL(a.host[0].name, "h1");
	n = tray_diff(&a, &b, ev, 8);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(ev[0].kind, TRAY_EV_LEFT);
	CU_ASSERT_STRING_EQUAL(ev[0].name, "h2");
	CU_ASSERT_EQUAL(ev[1].kind, TRAY_EV_TRUST);
	CU_ASSERT_STRING_EQUAL(ev[1].was, "new");
	CU_ASSERT_STRING_EQUAL(ev[1].now, "UNTRUSTED (key changed)");
	CU_ASSERT_EQUAL(ev[2].kind, TRAY_EV_JOINED);
	CU_ASSERT_STRING_EQUAL(ev[2].name, "h4");
	CU_ASSERT_EQUAL(tray_diff(&a, &b, ev, 1), 1);	/* bounded */
	CU_ASSERT_EQUAL(tray_diff(&b, &b, ev, 8), 0);
	/* a new key under the same verdict is a change too */
	snprintf(b.host[0].fingerprint, sizeof(b.host[0].fingerprint), "x");
	CU_ASSERT_EQUAL(tray_diff(&a, &b, ev, 8), 4);
	CU_ASSERT_PTR_NOT_NULL(tray_snap_find(&b, "h4"));
	CU_ASSERT_PTR_NULL(tray_snap_find(&b, "h2"));
	tray_snap_clear(&a);
	tray_snap_clear(&b);
}

static void
test_host_bars(void)
{
	struct tray_snap s;
	struct tray_host *h;
	struct tray_bar	 b[16];
	size_t		 n;

	tray_snap_init(&s);
	h = host(&s, "h1", "pinned");
	CU_ASSERT_EQUAL(tray_host_bars(h, TRAY_WINDOW_MS, b, 16), 0);
	h->has_status = 1;
	h->nslot = 3;
	h->slot[0] = CCPOOL_SLOT_BUSY;
	h->since_ms[0] = 2500;
	h->slot[1] = CCPOOL_SLOT_CLOSED;
	h->since_ms[1] = 90000;		/* clipped to the window */
	h->slot[2] = CCPOOL_SLOT_IDLE;
	h->nrecent = 3;
	h->recent[0] = (struct tray_recent){ 2, 1000, 3000, 1 };
	h->recent[1] = (struct tray_recent){ 0, 70000, 500, 0 }; /* gone */
	h->recent[2] = (struct tray_recent){ 7, 1000, 500, 1 }; /* no row */
	n = tray_host_bars(h, TRAY_WINDOW_MS, b, 16);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(b[0].row, 0);
	CU_ASSERT_EQUAL(b[0].kind, TRAY_BAR_BUSY);
	CU_ASSERT_EQUAL(b[0].from_ms, 2500);
	CU_ASSERT_EQUAL(b[0].to_ms, 0);
	CU_ASSERT_EQUAL(b[1].kind, TRAY_BAR_CLOSED);
	CU_ASSERT_EQUAL(b[1].from_ms, TRAY_WINDOW_MS);
	CU_ASSERT_EQUAL(b[2].row, 2);
	CU_ASSERT_EQUAL(b[2].kind, TRAY_BAR_OK);
	CU_ASSERT_EQUAL(b[2].from_ms, 4000);
	CU_ASSERT_EQUAL(b[2].to_ms, 1000);
	CU_ASSERT_EQUAL(tray_host_bars(h, TRAY_WINDOW_MS, b, 1), 1);
	tray_snap_clear(&s);
}

static void
test_job_bars(void)
{
	struct tray_snap s;
	struct tray_bar	 b[16];
	size_t		 n, lanes;

	tray_snap_init(&s);
	job(&s, CCPOOL_PHASE_DONE, 9000, 5000);		/* lane 0 */
	job(&s, CCPOOL_PHASE_DONE, 8000, 6000);		/* lane 1 */
	job(&s, CCPOOL_PHASE_COMPILE, 4000, -1);	/* lane 0 again */
	job(&s, CCPOOL_PHASE_DONE, 99000, 80000);	/* before the window */
	job(&s, CCPOOL_PHASE_WAIT, 5500, -1);		/* lane 1 again */
	n = tray_job_bars(&s, TRAY_WINDOW_MS, 10, b, 16, &lanes);
	CU_ASSERT_EQUAL_FATAL(n, 4);
	CU_ASSERT_EQUAL(lanes, 2);
	CU_ASSERT_EQUAL(b[0].row, 10);
	CU_ASSERT_EQUAL(b[1].row, 11);
	CU_ASSERT_EQUAL(b[2].row, 10);
	CU_ASSERT_EQUAL(b[2].phase, CCPOOL_PHASE_COMPILE);
	CU_ASSERT_EQUAL(b[2].to_ms, 0);
	CU_ASSERT_EQUAL(b[3].row, 11);
	CU_ASSERT_EQUAL(b[3].kind, TRAY_BAR_PHASE);
	tray_snap_clear(&s);
}

static void
test_dump(void)
{
	struct tray_snap s;
	char		*buf = NULL;
	size_t		 len = 0;
	FILE		*f;

	tray_snap_init(&s);
	host(&s, "h1", "pinned")->has_status = 1;
	host(&s, "h2", "new");
	s.jobs_ok = 0;
	snprintf(s.jobs_err, sizeof(s.jobs_err), "the agent is not running");
	f = open_memstream(&buf, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	tray_dump_text(&s, f);
	CU_ASSERT_EQUAL(tray_dump_json(&s, f), 0);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "state idle icon network-idle\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "host h1 kind ccpool trust "
	    "\"pinned\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "host h2 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "agent the agent is not running"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"name\": \"h2\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"agent_error\""));
	free(buf);
	tray_snap_clear(&s);
}

int
init_traymodel_tests(void)
{
	CU_pSuite s = CU_add_suite("traymodel", NULL, NULL);

	if (s == NULL ||
	    CU_add_test(s, "state and icon", test_state) == NULL ||
	    CU_add_test(s, "label and menu lines", test_label) == NULL ||
	    CU_add_test(s, "joins, departures, trust", test_diff) == NULL ||
	    CU_add_test(s, "a host's slot bars", test_host_bars) == NULL ||
	    CU_add_test(s, "the user's jobs in lanes", test_job_bars) == NULL ||
	    CU_add_test(s, "text and JSON dump", test_dump) == NULL)
		return -1;
	return 0;
}
