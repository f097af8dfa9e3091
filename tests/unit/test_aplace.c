/*
 * test_aplace.c - the agent's placement inputs: speed tables per host and
 * toolchain (lookup, creation, LRU replacement, the base rate of unknown
 * hosts), RTT smoothing, local idle cores from /proc/stat samples, the
 * local decision they lead place_choose() to, and the agent's side over
 * its host table (toolchains per host, servers usable now or later).
 */
#include <math.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "agent/aplace.c"

/* stubs: no distccd host in these tests (agent/adcc.h) */
int
adcc_has_tc(const struct ahost *h, const char *tcid, int *pending)
{
	(void)h;
	(void)tcid;
	if (pending != NULL)
		*pending = 0;
	return 0;
}

void
adcc_want(struct agent *a, const struct ajob *j)
{
	(void)a;
	(void)j;
}

static void
test_speed_table(void)
{
	struct aplace_speeds t;
	struct place_speed *s, *s2;
	char		 tc[32], big[APLACE_TC_LEN + 4];
	unsigned	 i;

	memset(&t, 0, sizeof(t));
	CU_ASSERT_PTR_NULL(aplace_speed(&t, "gcc-12", 0));
	s = aplace_speed(&t, "gcc-12", 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->n, 0);
	place_learn(s, 100, 10 * 1024, 1);
	CU_ASSERT_DOUBLE_EQUAL(s->ms_per_kb, 10.0, 1e-9);
	s2 = aplace_speed(&t, "gcc-12", 0);
	CU_ASSERT_PTR_EQUAL(s, s2);
	CU_ASSERT_EQUAL(t.n, 1);
	/* another toolchain learns apart */
	s2 = aplace_speed(&t, "clang-14", 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s2);
	CU_ASSERT_EQUAL(s2->n, 0);
	/* full: the least recently used goes, gcc-12 (just used) stays */
	for (i = 0; i < APLACE_TC_MAX; i++) {
		CU_ASSERT_PTR_NOT_NULL(aplace_speed(&t, "gcc-12", 0));
		snprintf(tc, sizeof(tc), "tc-%u", i);
		CU_ASSERT_PTR_NOT_NULL(aplace_speed(&t, tc, 1));
	}
	CU_ASSERT_EQUAL(t.n, APLACE_TC_MAX);
	CU_ASSERT_PTR_NOT_NULL(aplace_speed(&t, "gcc-12", 0));
	CU_ASSERT_PTR_NULL(aplace_speed(&t, "clang-14", 0));
	CU_ASSERT_PTR_NULL(aplace_speed(&t, "tc-0", 0));
	/* an id too long for the table is refused, not cut */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_PTR_NULL(aplace_speed(&t, big, 1));
}

static void
test_base_rate(void)
{
	struct aplace_speeds a, b, c;
	struct aplace_speeds *t[4] = { &a, &b, &c, NULL };

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	CU_ASSERT_DOUBLE_EQUAL(aplace_base_rate(t, 4, "gcc"),
	    PLACE_PRIOR_MS_PER_KB, 1e-9);
	place_learn(aplace_speed(&a, "gcc", 1), 40, 10 * 1024, 1);
	place_learn(aplace_speed(&b, "gcc", 1), 20, 10 * 1024, 1);
	place_learn(aplace_speed(&c, "clang", 1), 500, 10 * 1024, 1);
	(void)aplace_speed(&c, "gcc", 1);	/* made, never learned */
	CU_ASSERT_DOUBLE_EQUAL(aplace_base_rate(t, 4, "gcc"), 3.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(aplace_base_rate(t, 4, "clang"), 50.0, 1e-9);
}

static void
test_rtt(void)
{
	double	 s = 0;
	int	 i;

	aplace_rtt(&s, NAN);
	aplace_rtt(&s, -1);
	aplace_rtt(&s, 1e9);
	CU_ASSERT_EQUAL(s, 0);
	aplace_rtt(&s, 0.8);
	CU_ASSERT_DOUBLE_EQUAL(s, 0.8, 1e-12);
	/* one outlier moves it by an eighth only */
	aplace_rtt(&s, 8.8);
	CU_ASSERT_DOUBLE_EQUAL(s, 1.8, 1e-12);
	/* a lasting change is followed */
	for (i = 0; i < 60; i++)
		aplace_rtt(&s, 0.2);
	CU_ASSERT(fabs(s - 0.2) < 0.01);
	/* a 0 sample is "very small", never "unmeasured" */
	s = 0;
	aplace_rtt(&s, 0);
	CU_ASSERT(s > 0);
}

static void
test_cpu_idle(void)
{
	struct aplace_cpu c;

	memset(&c, 0, sizeof(c));
	c.ncpu = 4;
	CU_ASSERT(aplace_cpu_due(&c, 0));
	/* before a window is measured: no local place */
	CU_ASSERT_EQUAL(aplace_local_free(&c, 0), 0);
	aplace_cpu_update(&c, 1000, 10000, 1000);
	CU_ASSERT_EQUAL(aplace_local_free(&c, 0), 0);
	CU_ASSERT(!aplace_cpu_due(&c, 1100));
	CU_ASSERT(aplace_cpu_due(&c, 1000 + APLACE_CPU_WINDOW_MS));
	/* 3.9 cores busy (ours or not): no local job */
	aplace_cpu_update(&c, 1000 + 390, 10000 + 400, 1250);
	CU_ASSERT_DOUBLE_EQUAL(c.idle_cores, 0.1, 1e-9);
	CU_ASSERT_EQUAL(aplace_local_free(&c, 0), 0);
	CU_ASSERT_EQUAL(aplace_local_free(&c, 1), 0);
	/* a core idle: one place per core not compiling for us */
	aplace_cpu_update(&c, 1390 + 75, 10400 + 100, 1500);
	CU_ASSERT_DOUBLE_EQUAL(c.idle_cores, 1.0, 1e-9);
	CU_ASSERT_EQUAL(aplace_local_free(&c, 0), 4);
	CU_ASSERT_EQUAL(aplace_local_free(&c, 1), 3);
	CU_ASSERT_EQUAL(aplace_local_free(&c, 4), 0);
	CU_ASSERT_EQUAL(aplace_local_free(&c, 9), 0);
	/* counters that went back: the estimate is kept */
	aplace_cpu_update(&c, 10, 20, 1800);
	CU_ASSERT_DOUBLE_EQUAL(c.idle_cores, 1.0, 1e-9);
	/*
	 * A window the machine was all busy, but half of it one local job of
	 * ours at nice 19 (taking what the rest left): its core counts.
	 */
	aplace_cpu_update(&c, 1000, 10000, 2000);
	aplace_cpu_local(&c, 1, 2000);
	aplace_cpu_local(&c, 0, 2125);
	aplace_cpu_update(&c, 1000 + 100, 10000 + 100, 2250);
	CU_ASSERT_DOUBLE_EQUAL(c.idle_cores, 0.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(c.ours_cores, 0.5, 1e-9);
	CU_ASSERT_EQUAL(aplace_local_free(&c, 0), 4);
	/* none of ours ran: all busy with other work, no place */
	aplace_cpu_update(&c, 1100 + 100, 10100 + 100, 2500);
	CU_ASSERT_DOUBLE_EQUAL(c.ours_cores, 0.0, 1e-9);
	CU_ASSERT_EQUAL(aplace_local_free(&c, 0), 0);
}

static struct place_cand
srv(unsigned slots, unsigned freeslots, unsigned load, double ms_per_kb)
{
	struct place_cand c;

	memset(&c, 0, sizeof(c));
	c.eligible = 1;
	c.slots = c.cpus = slots;
	c.free_slots = freeslots;
	c.load = load;
	c.rtt_ms = 0.2;
	c.ms_per_kb = ms_per_kb;
	return c;
}

/* What the agent decides: remote unless local is clearly better. */
static void
test_local_decision(void)
{
	struct place_ctx x;
	struct place_job j = { 100 * 1024, 0 };
	struct place_cand c[2];
	struct place_speed ls;
	int		 i, local;

	memset(&x, 0, sizeof(x));
	x.rng = 7;
	/* idle servers as fast as we are: remote, even with idle cores */
	c[0] = srv(4, 4, 0, 2.0);
	c[1] = srv(4, 4, 0, 2.0);
	aplace_ctx_fill(&x, 2.0, NULL, 2, 0, 2);
	for (i = 0; i < 20; i++)
		CU_ASSERT(place_choose(c, 2, &x, &j, 0) >= 0);
	/* the owners of both are busy (90% foreign load): local */
	c[0] = srv(4, 4, 90, 2.0);
	c[1] = srv(4, 4, 90, 2.0);
	CU_ASSERT_EQUAL(place_choose(c, 2, &x, &j, 0), PLACE_LOCAL);
	/* ... but not without an idle core here */
	aplace_ctx_fill(&x, 2.0, NULL, 0, 0, 2);
	CU_ASSERT(place_choose(c, 2, &x, &j, 0) >= 0);
	/* servers learned twice as slow as the base: local */
	c[0] = srv(4, 4, 0, 4.0);
	c[1] = srv(4, 4, 0, 4.0);
	aplace_ctx_fill(&x, 2.0, NULL, 1, 0, 2);
	CU_ASSERT_EQUAL(place_choose(c, 2, &x, &j, 0), PLACE_LOCAL);
	/* no server with a free slot and no idle core: none */
	c[0] = srv(4, 0, 0, 2.0);
	c[1] = srv(4, 0, 0, 2.0);
	aplace_ctx_fill(&x, 2.0, NULL, 0, 0, 2);
	CU_ASSERT_EQUAL(place_choose(c, 2, &x, &j, 0), PLACE_NONE);
	/* nonsense base rate: the prior */
	aplace_ctx_fill(&x, NAN, NULL, 1, 0, 2);
	CU_ASSERT_DOUBLE_EQUAL(x.local.ms_per_kb, PLACE_PRIOR_MS_PER_KB *
	    APLACE_LOCAL_PENALTY, 1e-9);
	/* over many draws with one loaded host, the fast one gets most */
	c[0] = srv(4, 4, 0, 2.0);
	c[1] = srv(4, 4, 90, 2.0);
	aplace_ctx_fill(&x, 2.0, NULL, 0, 0, 2);
	for (i = 0, local = 0; i < 100; i++)
		local += place_choose(c, 2, &x, &j, 0) == 0;
	CU_ASSERT(local == 100);
	/* a local speed learned from local compiles replaces the prior */
	c[0] = srv(1, 1, 0, 2.0);
	c[1] = srv(1, 1, 0, 2.0);
	memset(&ls, 0, sizeof(ls));
	place_learn(&ls, 100.0, 100 * 1024, 1.0);	/* 1 ms/KiB */
	aplace_ctx_fill(&x, 2.0, &ls, 1, 0, 1);
	CU_ASSERT_DOUBLE_EQUAL(x.local.ms_per_kb, 1.0, 1e-9);
	CU_ASSERT_EQUAL(place_choose(c, 2, &x, &j, 0), PLACE_LOCAL);
	/* ... stretched by our local jobs already running on the core */
	aplace_ctx_fill(&x, 2.0, &ls, 1, 2, 1);
	CU_ASSERT_DOUBLE_EQUAL(x.local_stretch, 3.0, 1e-9);
	CU_ASSERT(place_choose(c, 2, &x, &j, 0) >= 0);
}

/* The agent's side: toolchains per host, servers usable now or later. */
static void
test_host_table(void)
{
	static struct agent a;
	static struct ahost h[2];
	struct ahost	*hp[2] = { &h[0], &h[1] };

	a.hosts = hp;
	a.nhosts = 2;
	/* advertised: has what its advert lists, whatever it refused */
	h[0].a = &a;
	h[0].nss = 1;
	h[0].slots = 2;
	h[0].ntc = 1;
	snprintf(h[0].tc[0], sizeof(h[0].tc[0]), "gcc-12");
	CU_ASSERT(aplace_has_tc(&h[0], "gcc-12"));
	CU_ASSERT(!aplace_has_tc(&h[0], "clang-14"));
	aplace_bad_tc(&h[0], "gcc-12");
	CU_ASSERT(aplace_has_tc(&h[0], "gcc-12"));
	CU_ASSERT_EQUAL(h[0].nbadtc, 0);
	/* pinned (CCPOOL_HOSTS): has any until it refused it, once */
	h[1].a = &a;
	h[1].pinned = 1;
	h[1].nss = 1;
	h[1].slots = 4;
	CU_ASSERT(aplace_has_tc(&h[1], "clang-14"));
	aplace_bad_tc(&h[1], "clang-14");
	aplace_bad_tc(&h[1], "clang-14");
	CU_ASSERT(!aplace_has_tc(&h[1], "clang-14"));
	CU_ASSERT_EQUAL(h[1].nbadtc, 1);
	CU_ASSERT(aplace_has_tc(&h[1], "gcc-12"));
	/* all full: none usable now, but gcc-12 has servers to wait for */
	CU_ASSERT(!aplace_any_usable(&a));
	CU_ASSERT(aplace_any_for(&a, "gcc-12"));
	CU_ASSERT(aplace_any_for(&a, NULL));
	CU_ASSERT(!aplace_any_for(&a, "clang-14"));
	h[1].free_slots = 1;
	CU_ASSERT(aplace_any_usable(&a));
	/* untrusted, or waiting for a probe: neither */
	snprintf(h[1].untrusted, sizeof(h[1].untrusted), "refused");
	CU_ASSERT(!aplace_any_usable(&a));
	CU_ASSERT(aplace_any_for(&a, "gcc-12"));
	h[0].needprobe = 1;
	CU_ASSERT(!aplace_any_for(&a, "gcc-12"));
}

/*
 * A host's advertised speed is the prior, in our jobs' units (the scale
 * of the hosts that have reports), and counts as PLACE_PRIOR_REPORTS of
 * them (place_rate).
 */
static void
test_prior(void)
{
	struct ahost	 h, g, *hs[2] = { &h, &g };
	struct place_speed *s;

	memset(&h, 0, sizeof(h));
	memset(&g, 0, sizeof(g));
	CU_ASSERT_DOUBLE_EQUAL(aplace_prior(&h, 0.7, 1), 0.7, 1e-9);
	h.speed = 500;		/* 500 KiB/s: 2 ms per KiB */
	CU_ASSERT_DOUBLE_EQUAL(aplace_prior(&h, 0.7, 1), 2.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(aplace_prior(&h, 0, 1), 2.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(aplace_prior(&h, 0, 3), 6.0, 1e-9);
	/* no host with both: scale 1; g learned 3x its advert: 3 */
	CU_ASSERT_DOUBLE_EQUAL(aplace_advert_scale(hs, 2, "gcc"), 1.0, 1e-9);
	g.speed = 1000;		/* 1 ms per KiB advertised */
	s = aplace_speed(&g.spd, "gcc", 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	place_learn(s, 300, 100 * 1024, 1.0);	/* 3 ms per KiB learned */
	CU_ASSERT_DOUBLE_EQUAL(aplace_advert_scale(hs, 2, "gcc"), 3.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(aplace_advert_scale(hs, 2, "clang"), 1.0,
	    1e-9);
	/* the prior and one report: (4 x 6 + 1 x 3) / 5 */
	CU_ASSERT_DOUBLE_EQUAL(place_rate(s, 6.0), (PLACE_PRIOR_REPORTS *
	    6.0 + 3.0) / (PLACE_PRIOR_REPORTS + 1), 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(place_rate(s, 0), 3.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(place_rate(NULL, 6.0), 6.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(place_rate(NULL, 0), 0, 1e-9);
}

int
init_aplace_tests(void)
{
	CU_pSuite s = CU_add_suite("aplace", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "speed table", test_speed_table) ||
	    !CU_add_test(s, "base rate", test_base_rate) ||
	    !CU_add_test(s, "advertised speed prior", test_prior) ||
	    !CU_add_test(s, "rtt smoothing", test_rtt) ||
	    !CU_add_test(s, "local idle cores", test_cpu_idle) ||
	    !CU_add_test(s, "local decision", test_local_decision) ||
	    !CU_add_test(s, "host table", test_host_table))
		return -1;
	return 0;
}
