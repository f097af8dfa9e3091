/*
 * test_place.c - job placement (estimated free slots, ties, toolchain and
 * exclusion, down servers) and the 1 s .. 60 s doubling backoff.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "client/place.c"

static struct place_cand
cand(unsigned slots, unsigned freeslots, unsigned inflight)
{
	struct place_cand c;

	memset(&c, 0, sizeof(c));
	c.eligible = 1;
	c.slots = slots;
	c.free_slots = freeslots;
	c.inflight = inflight;
	return c;
}

static void
test_free_estimate(void)
{
	struct place_cand c;

	c = cand(4, 4, 0);
	CU_ASSERT_EQUAL(place_free(&c, 0), 4);
	c = cand(4, 4, 3);	/* advert not yet counting our 3 jobs */
	CU_ASSERT_EQUAL(place_free(&c, 0), 1);
	c = cand(4, 1, 3);	/* advert counting them: not twice */
	CU_ASSERT_EQUAL(place_free(&c, 0), 1);
	c = cand(4, 0, 2);	/* others use the rest */
	CU_ASSERT_EQUAL(place_free(&c, 0), 0);
	c = cand(4, 4, 4);	/* never more of ours than slots */
	CU_ASSERT_EQUAL(place_free(&c, 0), 0);
	c = cand(4, 4, 9);
	CU_ASSERT_EQUAL(place_free(&c, 0), 0);
	c = cand(0, 0, 0);
	CU_ASSERT_EQUAL(place_free(&c, 0), 0);
	c = cand(4, 4, 0);
	c.eligible = 0;
	CU_ASSERT_EQUAL(place_free(&c, 0), 0);
	c = cand(4, 4, 0);
	c.down_until = 1000;
	CU_ASSERT_EQUAL(place_free(&c, 999), 0);
	CU_ASSERT_EQUAL(place_free(&c, 1000), 4);
}

static void
test_pick(void)
{
	struct place_cand c[4];

	memset(c, 0, sizeof(c));

	CU_ASSERT_EQUAL(place_pick(c, 0, 0), -1);
	c[0] = cand(4, 1, 0);
	c[1] = cand(8, 6, 2);
	c[2] = cand(8, 8, 4);
	c[3] = cand(2, 2, 0);
	CU_ASSERT_EQUAL(place_pick(c, 4, 0), 1);	/* min(6, 6) = 6 */
	c[1].eligible = 0;				/* tried already */
	CU_ASSERT_EQUAL(place_pick(c, 4, 0), 2);	/* min(8, 4) = 4 */
	c[2].down_until = 50;
	CU_ASSERT_EQUAL(place_pick(c, 4, 10), 3);	/* 2 beats 1 */
	/* a tie goes to the one with fewer of our jobs */
	c[0] = cand(4, 2, 2);
	c[3] = cand(2, 2, 0);
	CU_ASSERT_EQUAL(place_pick(c, 4, 10), 3);
	c[3] = cand(2, 2, 2);
	c[0] = cand(4, 0, 0);
	CU_ASSERT_EQUAL(place_pick(c, 4, 10), -1);	/* all full: local */
	CU_ASSERT_EQUAL(place_pick(c, 4, 50), 2);	/* back up */
}

static void
test_backoff(void)
{
	static const unsigned want[] = { 1000, 2000, 4000, 8000, 16000,
	    32000, 60000, 60000 };
	struct place_backoff b;
	size_t	 i;

	memset(&b, 0, sizeof(b));
	CU_ASSERT(place_up(&b, 0));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		place_failed(&b, 100000);
		CU_ASSERT_EQUAL(b.backoff_ms, want[i]);
		CU_ASSERT_EQUAL(b.down_until, 100000 + want[i]);
		CU_ASSERT_EQUAL(b.fails, i + 1);
		CU_ASSERT(!place_up(&b, 100000 + want[i] - 1));
		CU_ASSERT(place_up(&b, 100000 + want[i]));
	}
	place_succeeded(&b);
	CU_ASSERT(place_up(&b, 0));
	CU_ASSERT_EQUAL(b.fails, 0);
	place_failed(&b, 5);
	CU_ASSERT_EQUAL(b.backoff_ms, 1000);	/* starts over */
}

int
init_place_tests(void)
{
	CU_pSuite s = CU_add_suite("place", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "free slot estimate", test_free_estimate) ||
	    !CU_add_test(s, "pick", test_pick) ||
	    !CU_add_test(s, "backoff", test_backoff))
		return -1;
	return 0;
}
