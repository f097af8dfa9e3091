/*
 * test_offerq.c - the runner's queue of offers (server/offerq.c): the
 * client with the fewest jobs running first, then the largest offer,
 * then the oldest among equal sizes; the bound (16 per slot, at least
 * 64) and a full queue; find and remove (a cancelled offer).
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "server/fairq.h"
#include "server/offerq.c"

#define NOFF	80

static struct offerq	 oq;
static struct fairq	 fq;
static struct offerq_ent off[NOFF];
static struct fairq_ent	 run[8];

static void
setup(unsigned slots)
{
	offerq_init(&oq, slots);
	fairq_init(&fq);
	fairq_limits(&fq, slots, 0, slots);
	memset(off, 0, sizeof(off));
	memset(run, 0, sizeof(run));
}

/* Queue offer i (key i + 1) of client c, size sz; push's result. */
static int
offer(int i, const char *c, uint32_t sz)
{
	off[i].key = (uint32_t)i + 1;
	snprintf(off[i].client, sizeof(off[i].client), "%s", c);
	off[i].o.id = (uint32_t)i + 100;
	off[i].o.size = sz;
	return offerq_push(&oq, &off[i]);
}

/* Client c runs one more job (in fq). */
static void
running(int i, const char *c)
{
	snprintf(run[i].client, sizeof(run[i].client), "%s", c);
	fairq_started(&fq, &run[i], 1);
}

/* Pick and take out; the index, or -1. */
static int
pull(void)
{
	struct offerq_ent *e;

	if ((e = offerq_pick(&oq, &fq)) == NULL)
		return -1;
	offerq_remove(&oq, e);
	return (int)(e - off);
}

static void
test_lpt_then_age(void)
{
	setup(4);
	CU_ASSERT_EQUAL(offer(0, "a", 100), 0);
	CU_ASSERT_EQUAL(offer(1, "a", 900), 0);
	CU_ASSERT_EQUAL(offer(2, "a", 500), 0);
	CU_ASSERT_EQUAL(offer(3, "a", 900), 0);
	CU_ASSERT_EQUAL(oq.n, 4);
	CU_ASSERT_EQUAL(pull(), 1);	/* largest, older of two */
	CU_ASSERT_EQUAL(pull(), 3);
	CU_ASSERT_EQUAL(pull(), 2);
	CU_ASSERT_EQUAL(pull(), 0);
	CU_ASSERT_EQUAL(pull(), -1);
	CU_ASSERT_EQUAL(oq.n, 0);
}

static void
test_fair_first(void)
{
	setup(4);
	running(0, "a");
	running(1, "a");
	running(2, "b");
	CU_ASSERT_EQUAL(offer(0, "a", 5000), 0);	/* big, but a runs 2 */
	CU_ASSERT_EQUAL(offer(1, "b", 10), 0);
	CU_ASSERT_EQUAL(offer(2, "b", 20), 0);
	CU_ASSERT_EQUAL(offer(3, "c", 1), 0);		/* c runs nothing */
	CU_ASSERT_EQUAL(pull(), 3);
	running(3, "c");
	CU_ASSERT_EQUAL(pull(), 2);	/* b (1 running) before a (2) */
	running(4, "b");
	/* a and b both run 2 now: the largest offer */
	CU_ASSERT_EQUAL(pull(), 0);
	CU_ASSERT_EQUAL(pull(), 1);
	CU_ASSERT_EQUAL(pull(), -1);
}

static void
test_bound(void)
{
	int	 i;

	setup(1);
	CU_ASSERT_EQUAL(oq.max, OFFERQ_MIN);
	for (i = 0; i < OFFERQ_MIN; i++)
		CU_ASSERT_EQUAL(offer(i, "a", 1), 0);
	CU_ASSERT_EQUAL(offer(OFFERQ_MIN, "b", 1), -1);
	CU_ASSERT_EQUAL(oq.n, OFFERQ_MIN);
	offerq_bound(&oq, 5);
	CU_ASSERT_EQUAL(oq.max, 80);
	CU_ASSERT_EQUAL(offer(OFFERQ_MIN, "b", 1), 0);
	offerq_bound(&oq, 0);
	CU_ASSERT_EQUAL(oq.max, OFFERQ_MIN);
	CU_ASSERT_EQUAL(oq.n, OFFERQ_MIN + 1);	/* queued ones stay */
	CU_ASSERT_EQUAL(offer(OFFERQ_MIN + 1, "b", 1), -1);
}

static void
test_cancel(void)
{
	struct offerq_ent *e;

	setup(2);
	CU_ASSERT_EQUAL(offer(0, "a", 10), 0);
	CU_ASSERT_EQUAL(offer(1, "a", 30), 0);
	CU_ASSERT_EQUAL(offer(2, "a", 20), 0);
	CU_ASSERT_PTR_NULL(offerq_find(&oq, 99));
	e = offerq_find(&oq, 2);
	CU_ASSERT_PTR_EQUAL(e, &off[1]);
	offerq_remove(&oq, e);
	CU_ASSERT_PTR_NULL(offerq_find(&oq, 2));
	CU_ASSERT_EQUAL(oq.n, 2);
	CU_ASSERT_EQUAL(pull(), 2);
	CU_ASSERT_EQUAL(pull(), 0);
	CU_ASSERT_PTR_NULL(offerq_pick(&oq, &fq));
}

int
init_offerq_tests(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("offerq", NULL, NULL)) == NULL ||
	    CU_add_test(s, "largest first, then oldest", test_lpt_then_age) ==
	    NULL ||
	    CU_add_test(s, "fewest running first", test_fair_first) == NULL ||
	    CU_add_test(s, "bound", test_bound) == NULL ||
	    CU_add_test(s, "cancel", test_cancel) == NULL)
		return -1;
	return 0;
}
