/*
 * test_speed.c - the server's learned compile speed: the first jobs
 * averaged, contention and foreign load taken out, tiny and instant jobs
 * ignored, the advertised figure clamped; the calibration compile's seed
 * (its contention taken out, refined by real jobs, never over them).
 */
#include <CUnit/CUnit.h>

#include "server/speed.c"

static void
test_learn(void)
{
	struct speed	 s = { 0, 0, 0 };

	CU_ASSERT_EQUAL(speed_kbps(&s), 0);
	/* 400 KiB in 1 s alone on 4 CPUs: 400 KiB/s */
	speed_learn(&s, 400 * 1024, 1000, 1, 4, 0);
	CU_ASSERT_EQUAL(speed_kbps(&s), 400);
	/* 8 jobs on 4 CPUs: each had half a CPU, 2 s is the same speed */
	speed_learn(&s, 400 * 1024, 2000, 8, 4, 0);
	CU_ASSERT_EQUAL(speed_kbps(&s), 400);
	/* owner takes half of 4 CPUs, 4 jobs: again half a CPU each */
	speed_learn(&s, 400 * 1024, 2000, 4, 4, 50);
	CU_ASSERT_EQUAL(speed_kbps(&s), 400);
	CU_ASSERT_EQUAL(s.n, 3);
	/* ignored: too small, no time, no CPU */
	speed_learn(&s, SPEED_MIN_BYTES - 1, 1, 1, 4, 0);
	speed_learn(&s, 400 * 1024, 0, 1, 4, 0);
	speed_learn(&s, 400 * 1024, 10, 1, 0, 0);
	CU_ASSERT_EQUAL(s.n, 3);
	CU_ASSERT_EQUAL(speed_kbps(&s), 400);
}

static void
test_average(void)
{
	struct speed	 s = { 0, 0, 0 };
	unsigned	 i;

	/* the mean of the first two */
	speed_learn(&s, 100 * 1024, 1000, 1, 1, 0);
	speed_learn(&s, 300 * 1024, 1000, 1, 1, 0);
	CU_ASSERT_EQUAL(speed_kbps(&s), 200);
	/* then it follows a lasting change */
	for (i = 0; i < 100; i++)
		speed_learn(&s, 800 * 1024, 1000, 1, 1, 0);
	CU_ASSERT(speed_kbps(&s) >= 790 && speed_kbps(&s) <= 800);
	/* one outlier moves it by at most SPEED_EWMA of the gap */
	speed_learn(&s, 8 * 1024, 1000, 1, 1, 0);
	CU_ASSERT(speed_kbps(&s) >= 690);
}

static void
test_clamp(void)
{
	struct speed	 s = { 0, 0, 0 };

	/* absurdly fast: the advert's limit */
	speed_learn(&s, (uint64_t)1 << 40, 1, 1, 1, 0);
	CU_ASSERT_EQUAL(speed_kbps(&s), SPEED_MAX);
	/* very slow (the owner took every CPU): never 0, which means none */
	s.n = 0;
	speed_learn(&s, SPEED_MIN_BYTES, 100000, 64, 1, 100);
	CU_ASSERT_EQUAL(speed_kbps(&s), 1);
}

static void
test_seed(void)
{
	struct speed	 s = { 0, 0, 0 };

	/* before any job: advertised at once */
	CU_ASSERT_EQUAL(speed_calibrate(&s, 320 * 1024, 200, 1, 4, 0), 1);
	CU_ASSERT_EQUAL(speed_kbps(&s), 1600);
	CU_ASSERT_EQUAL(s.jobs, 0);
	/* a later one replaces it: 3 jobs beside it on 2 CPUs, half a CPU */
	CU_ASSERT_EQUAL(speed_calibrate(&s, 320 * 1024, 400, 4, 2, 0), 1);
	CU_ASSERT_EQUAL(speed_kbps(&s), 1600);
	/* the owner took 3 of 4 CPUs: one CPU was left for it */
	CU_ASSERT_EQUAL(speed_calibrate(&s, 320 * 1024, 400, 1, 4, 75), 1);
	CU_ASSERT_EQUAL(speed_kbps(&s), 800);
	CU_ASSERT_EQUAL(s.n, 1);
	/* too small or too quick to time: ignored, the seed stays */
	CU_ASSERT_EQUAL(speed_calibrate(&s, SPEED_MIN_BYTES - 1, 10, 1, 4, 0),
	    0);
	CU_ASSERT_EQUAL(speed_calibrate(&s, 320 * 1024, 0, 1, 4, 0), 0);
	CU_ASSERT_EQUAL(speed_kbps(&s), 800);
}

static void
test_seed_refined(void)
{
	struct speed	 s = { 0, 0, 0 };
	unsigned	 i;

	CU_ASSERT_EQUAL(speed_calibrate(&s, 1000 * 1024, 1000, 1, 1, 0), 1);
	/* the first real job: the mean of the seed and the job */
	speed_learn(&s, 200 * 1024, 1000, 1, 1, 0);
	CU_ASSERT_EQUAL(speed_kbps(&s), 600);
	CU_ASSERT_EQUAL(s.jobs, 1);
	/* a calibration now keeps what the jobs taught */
	CU_ASSERT_EQUAL(speed_calibrate(&s, 5000 * 1024, 1000, 1, 1, 0), 0);
	CU_ASSERT_EQUAL(speed_kbps(&s), 600);
	/* the jobs then take over from the seed */
	for (i = 0; i < 60; i++)
		speed_learn(&s, 200 * 1024, 1000, 1, 1, 0);
	CU_ASSERT(speed_kbps(&s) >= 200 && speed_kbps(&s) <= 202);
	CU_ASSERT_EQUAL(speed_calibrate(&s, 5000 * 1024, 1000, 1, 1, 0), 0);
	CU_ASSERT(speed_kbps(&s) <= 202);
}

int
init_speed_tests(void)
{
	CU_pSuite s = CU_add_suite("speed", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "learns from jobs", test_learn) ||
	    !CU_add_test(s, "averages", test_average) ||
	    !CU_add_test(s, "clamped", test_clamp) ||
	    !CU_add_test(s, "seeded by a calibration", test_seed) ||
	    !CU_add_test(s, "seed refined by jobs", test_seed_refined))
		return -1;
	return 0;
}
