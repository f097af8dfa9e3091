/*
 * test_load.c - foreign load and offered slots (server/load.c), fed with
 * synthetic /proc samples: the parsers of /proc/stat, /proc/PID/stat,
 * cpu.stat, PSI and meminfo; our jobs' CPU time is not foreign; a busy
 * owner takes slots at once and gives them back only after a calm
 * spell; no flapping at the line; the tolerance knob; memory pressure.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "server/load.c"

/* A 2-CPU machine at 100 jiffies per CPU and second. */
#define HZ	100

struct feed {
	struct load_state st;
	struct load_sample s;
};

static void
feed_init(struct feed *f, unsigned slots, unsigned tolerance)
{
	memset(f, 0, sizeof(*f));
	load_init(&f->st, slots, 2, tolerance);
	f->s.t_ms = 1000;
	f->s.total = 1000000;
	f->s.busy = 1000;
	(void)load_update(&f->st, &f->s);	/* baseline */
}

/*
 * One second in which the machine was busy for busy_cpus CPUs, of which
 * ours_cpus were our jobs.  Returns the slots on offer after it.
 */
static unsigned
second(struct feed *f, double busy_cpus, double ours_cpus)
{
	f->s.t_ms += 1000;
	f->s.total += 2 * HZ;
	f->s.busy += (uint64_t)(busy_cpus * HZ + 0.5);
	f->s.ours_us += (uint64_t)(ours_cpus * 1e6 + 0.5);
	return load_update(&f->st, &f->s);
}

static void
test_parse_pidstat(void)
{
	struct load_proc p;

	/* a comm with spaces and parentheses, tpgid -1 */
	CU_ASSERT_EQUAL(load_parse_pidstat("4242 (cc1 (x) y) S 4200 4242 4242 "
	    "0 -1 4194304 100 0 0 0 250 30 7 3 20 0 1 0 12345 1000 100\n",
	    &p), 0);
	CU_ASSERT_EQUAL(p.pid, 4242);
	CU_ASSERT_EQUAL(p.ppid, 4200);
	CU_ASSERT_EQUAL(p.ticks, 250 + 30 + 7 + 3);
	CU_ASSERT_EQUAL(load_parse_pidstat("1 (init) S 0 1 1 0 -1 0 0 0 0 0 "
	    "1 2 3 4\n", &p), 0);
	CU_ASSERT_EQUAL(p.ticks, 10);
	CU_ASSERT_EQUAL(load_parse_pidstat("12 (x) S 1 2 3\n", &p), -1);
	CU_ASSERT_EQUAL(load_parse_pidstat("12 x S 1 2 3\n", &p), -1);
	CU_ASSERT_EQUAL(load_parse_pidstat("", &p), -1);
	CU_ASSERT_EQUAL(load_parse_pidstat("0 (x) S 1 0 0 0 0 0 0 0 0 0 1 1 "
	    "1 1\n", &p), -1);
}

static void
test_tree(void)
{
	/* 10 runner; 11, 12 jobs; 13 cc1 of 11; 14 as of 13; 20 others */
	struct load_proc v[] = {
		{ 14, 13, 5 }, { 1, 0, 1000 }, { 11, 10, 100 },
		{ 20, 1, 7000 }, { 13, 11, 300 }, { 10, 1, 9 },
		{ 12, 10, 40 }, { 21, 20, 800 },
	};

	CU_ASSERT_EQUAL(load_tree_ticks(v, 8, 10), 9 + 100 + 40 + 300 + 5);
	CU_ASSERT_EQUAL(load_tree_ticks(v, 8, 13), 305);
	CU_ASSERT_EQUAL(load_tree_ticks(v, 8, 99), 0);
	CU_ASSERT_EQUAL(load_tree_ticks(v, 0, 10), 0);
}

static void
test_parse_other(void)
{
	uint64_t us = 0, mb = 0;
	unsigned p = 0;

	CU_ASSERT_EQUAL(load_parse_cpustat("usage_usec 123456\nuser_usec 1\n"
	    "system_usec 2\n", &us), 0);
	CU_ASSERT_EQUAL(us, 123456);
	CU_ASSERT_EQUAL(load_parse_cpustat("user_usec 1\nusage_usec 77\n",
	    &us), 0);
	CU_ASSERT_EQUAL(us, 77);
	CU_ASSERT_EQUAL(load_parse_cpustat("user_usec 1\n", &us), -1);

	CU_ASSERT_EQUAL(load_parse_psi("some avg10=12.34 avg60=1.00 "
	    "avg300=0.00 total=5\nfull avg10=1.00 avg60=0.00 avg300=0.00 "
	    "total=1\n", &p), 0);
	CU_ASSERT_EQUAL(p, 1234);
	CU_ASSERT_EQUAL(load_parse_psi("some avg10=0.5 avg60=0.00", &p), 0);
	CU_ASSERT_EQUAL(p, 50);
	CU_ASSERT_EQUAL(load_parse_psi("some avg10=100.00 avg60=0", &p), 0);
	CU_ASSERT_EQUAL(p, 10000);
	CU_ASSERT_EQUAL(load_parse_psi("full avg10=1.00 avg60=0", &p), -1);
	CU_ASSERT_EQUAL(load_parse_psi("some avg60=1.00\nfull avg10=2.00 x",
	    &p), -1);
	CU_ASSERT_EQUAL(load_parse_psi("some avg10=101.00 avg60=0", &p), -1);
	CU_ASSERT_EQUAL(load_parse_psi("some avg10=1.0x avg60=0", &p), -1);

	CU_ASSERT_EQUAL(load_parse_meminfo("MemTotal: 16000000 kB\nMemFree: "
	    "1 kB\nMemAvailable:    2097152 kB\n", &mb), 0);
	CU_ASSERT_EQUAL(mb, 2048);
	CU_ASSERT_EQUAL(load_parse_meminfo("MemTotal: 1 kB\n", &mb), -1);
	/* memory in use, for the status page's history */
	{
		unsigned pct;
		uint64_t lim;

		CU_ASSERT_EQUAL(load_parse_memused("MemTotal: 16000000 kB\n"
		    "MemFree: 1 kB\nMemAvailable: 4000000 kB\n", &pct), 0);
		CU_ASSERT_EQUAL(pct, 75);
		CU_ASSERT_EQUAL(load_parse_memused("MemTotal: 0 kB\n"
		    "MemAvailable: 0 kB\n", &pct), -1);
		CU_ASSERT_EQUAL(load_parse_memused("MemAvailable: 5 kB\n",
		    &pct), -1);
		CU_ASSERT_EQUAL(load_parse_memmax("max\n", &lim), 1);
		CU_ASSERT_EQUAL(load_parse_memmax("1073741824\n", &lim), 0);
		CU_ASSERT_EQUAL(lim, 1073741824u);
		CU_ASSERT_EQUAL(load_parse_memmax("maximal\n", &lim), -1);
		CU_ASSERT_EQUAL(load_used_pct(1, 3), 33);
		CU_ASSERT_EQUAL(load_used_pct(5, 3), 100);
		CU_ASSERT_EQUAL(load_used_pct(5, 0), 0);
		CU_ASSERT_EQUAL(load_used_pct(UINT64_MAX / 2, UINT64_MAX), 50);
	}
}

static void
test_ours_not_foreign(void)
{
	struct feed f;
	int	 i;

	feed_init(&f, 2, 25);
	/* both CPUs busy, all of it our jobs: nothing foreign */
	for (i = 0; i < 10; i++)
		CU_ASSERT_EQUAL(second(&f, 2.0, 2.0), 2);
	CU_ASSERT_EQUAL(load_foreign_pct(&f.st), 0);
	/* a second of half a CPU of the owner's: smoothed away */
	CU_ASSERT_EQUAL(second(&f, 2.0, 1.5), 2);
	/* the owner goes on using one CPU: it costs one slot */
	for (i = 0; i < 10; i++)
		(void)second(&f, 2.0, 1.0);
	CU_ASSERT_EQUAL(second(&f, 2.0, 1.0), 1);
	CU_ASSERT(load_foreign_pct(&f.st) >= 48 &&
	    load_foreign_pct(&f.st) <= 50);
	CU_ASSERT_STRING_EQUAL(f.st.why, "foreign CPU load");
}

static void
test_shrink_and_return(void)
{
	struct feed f;
	unsigned n;
	int	 i, back = -1;

	feed_init(&f, 4, 25);
	CU_ASSERT_EQUAL(second(&f, 0.0, 0.0), 4);
	/* the owner starts two CPU hogs: two slots go within 2 s */
	(void)second(&f, 2.0, 0.0);
	CU_ASSERT_EQUAL(second(&f, 2.0, 0.0), 2);
	for (i = 0; i < 10; i++)
		CU_ASSERT_EQUAL(second(&f, 2.0, 0.0), 2);
	CU_ASSERT_EQUAL(load_foreign_pct(&f.st), 100);
	/* the hogs stop: not back at the first calm second, but soon */
	CU_ASSERT_EQUAL(second(&f, 0.0, 0.0), 2);
	for (i = 0; i < 30 && back < 0; i++)
		if ((n = second(&f, 0.0, 0.0)) == 4)
			back = i;
	CU_ASSERT(back >= 2 && back <= 15);
	CU_ASSERT_EQUAL(load_foreign_pct(&f.st) < 15, 1);
	CU_ASSERT_STRING_EQUAL(f.st.why, "");
}

static void
test_no_flapping(void)
{
	struct feed f;
	unsigned n, prev, changes = 0;
	int	 i;

	feed_init(&f, 2, 25);
	/* around the line of one slot (1.25 CPUs): 1.15 .. 1.35 */
	prev = second(&f, 1.25, 0.0);
	for (i = 0; i < 60; i++) {
		n = second(&f, i % 2 ? 1.35 : 1.15, 0.0);
		changes += n != prev;
		prev = n;
	}
	CU_ASSERT(changes <= 1);
}

static void
test_tolerance(void)
{
	struct feed f;
	int	 i;

	/* a quarter of a CPU of background noise costs nothing... */
	feed_init(&f, 2, 25);
	for (i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(second(&f, 0.2, 0.0), 2);
	/* ...unless the administrator tolerates nothing */
	feed_init(&f, 2, 0);
	CU_ASSERT_EQUAL(second(&f, 0.2, 0.0), 1);
	/* a large tolerance: the owner costs no slot at all */
	feed_init(&f, 2, 200);
	for (i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(second(&f, 2.0, 0.0), 2);
	/* a reload keeps the measured load */
	load_configure(&f.st, 2, 25);
	CU_ASSERT_EQUAL(second(&f, 2.0, 0.0), 0);
	/* more slots: they come as a slot returns, after a calm spell */
	load_configure(&f.st, 8, 25);
	(void)second(&f, 2.0, 0.0);
	(void)second(&f, 2.0, 0.0);
	CU_ASSERT_EQUAL(second(&f, 2.0, 0.0), 5);	/* 6 needs < 1.95 */
	for (i = 0; i < 5; i++)
		(void)second(&f, 1.8, 0.0);
	CU_ASSERT_EQUAL(second(&f, 1.8, 0.0), 6);
}

static void
test_memory(void)
{
	struct feed f;

	feed_init(&f, 4, 25);
	f.s.psi_ok = 1;
	f.s.running = 3;
	f.s.mem_some10 = 200;		/* 2 %: fine */
	CU_ASSERT_EQUAL(second(&f, 0.0, 0.0), 4);
	f.s.mem_some10 = 1500;		/* 15 %: no new job */
	CU_ASSERT_EQUAL(second(&f, 0.0, 0.0), 3);
	CU_ASSERT_STRING_EQUAL(f.st.why, "memory pressure (PSI): holding");
	f.s.mem_some10 = 4000;		/* 40 %: one fewer */
	CU_ASSERT_EQUAL(second(&f, 0.0, 0.0), 2);
	f.s.running = 0;
	CU_ASSERT_EQUAL(second(&f, 0.0, 0.0), 0);
	f.s.mem_some10 = 0;
	CU_ASSERT_EQUAL(second(&f, 0.0, 0.0), 4);
	/* memory_pressure = 20: 15 % is fine, 50 % sheds */
	load_memory(&f.st, 20);
	f.s.running = 3;
	f.s.mem_some10 = 1500;
	CU_ASSERT_EQUAL(second(&f, 0.0, 0.0), 4);
	f.s.mem_some10 = 5000;
	CU_ASSERT_EQUAL(second(&f, 0.0, 0.0), 2);
	/* memory_pressure = 100: the rule is off, even at 100 % */
	load_memory(&f.st, 100);
	f.s.mem_some10 = 10000;
	CU_ASSERT_EQUAL(second(&f, 0.0, 0.0), 4);
	f.s.mem_some10 = 0;
	/* no PSI: MemAvailable, LOAD_JOB_MB per new job */
	f.s.psi_ok = 0;
	f.s.avail_ok = 1;
	f.s.running = 1;
	f.s.avail_mb = 2 * LOAD_JOB_MB + 10;
	CU_ASSERT_EQUAL(second(&f, 0.0, 0.0), 3);
	CU_ASSERT_STRING_EQUAL(f.st.why, "little memory available");
	f.s.avail_mb = 100000;
	CU_ASSERT_EQUAL(second(&f, 0.0, 0.0), 4);
}

static void
test_counters_backwards(void)
{
	struct feed f;

	feed_init(&f, 2, 25);
	CU_ASSERT_EQUAL(second(&f, 2.0, 0.0), 0);
	/* a job's time lost (ours went back): a new baseline, no jump */
	f.s.ours_us = 0;
	f.s.t_ms += 1000;
	f.s.total += 200;
	CU_ASSERT_EQUAL(load_update(&f.st, &f.s), 0);
	/* the same instant twice: nothing divides by zero */
	CU_ASSERT_EQUAL(load_update(&f.st, &f.s), 0);
	CU_ASSERT(load_foreign_pct(&f.st) <= 100);
}

int
init_load_tests(void)
{
	CU_pSuite s = CU_add_suite("load", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "parse /proc/PID/stat", test_parse_pidstat) ||
	    !CU_add_test(s, "process tree", test_tree) ||
	    !CU_add_test(s, "parse cpu.stat, PSI, meminfo",
	    test_parse_other) ||
	    !CU_add_test(s, "our jobs are not foreign", test_ours_not_foreign) ||
	    !CU_add_test(s, "shrink at once, return slowly",
	    test_shrink_and_return) ||
	    !CU_add_test(s, "no flapping", test_no_flapping) ||
	    !CU_add_test(s, "tolerance", test_tolerance) ||
	    !CU_add_test(s, "memory pressure", test_memory) ||
	    !CU_add_test(s, "counters backwards", test_counters_backwards))
		return -1;
	return 0;
}
