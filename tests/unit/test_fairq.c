/*
 * test_fairq.c - the runner's slots, queue and fair share
 * (server/fairq.c): the limits the load leaves (slots, a queue shrunk in
 * proportion), admission (start, wait, refuse), first come first served
 * within a client, the client with fewer jobs running first, round robin
 * between equals, no start without a free slot, the newest queued jobs
 * trimmed first, and the share table when more clients come than it
 * recalls.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "server/fairq.c"

#define NJOB	80

static struct fairq	 q;
static struct fairq_ent	 ent[NJOB];
static int		 ids[NJOB];

/* A fresh queue with these limits. */
static void
setup(unsigned slots, unsigned queue, unsigned offered)
{
	size_t	 i;

	fairq_init(&q);
	fairq_limits(&q, slots, queue, offered);
	memset(ent, 0, sizeof(ent));
	for (i = 0; i < NJOB; i++) {
		ids[i] = (int)i;
		ent[i].owner = &ids[i];
	}
}

/* Queue job i of client c. */
static void
push(int i, const char *c)
{
	snprintf(ent[i].client, sizeof(ent[i].client), "%s", c);
	fairq_push(&q, &ent[i]);
}

/* Start the next job at time now; its index, or -1 if none started. */
static int
next(uint64_t now)
{
	struct fairq_ent *e;

	if ((e = fairq_next(&q)) == NULL)
		return -1;
	CU_ASSERT_EQUAL(e->state, FAIRQ_OUT);
	fairq_started(&q, e, now);
	CU_ASSERT_EQUAL(e->state, FAIRQ_RUNNING);
	return *(int *)e->owner;
}

static void
test_limits(void)
{
	setup(8, 16, 8);
	CU_ASSERT_EQUAL(fairq_slots(&q), 8);
	CU_ASSERT_EQUAL(fairq_queue_max(&q), 16);
	fairq_limits(&q, 8, 16, 12);		/* more than configured */
	CU_ASSERT_EQUAL(fairq_slots(&q), 8);
	CU_ASSERT_EQUAL(fairq_queue_max(&q), 16);
	fairq_limits(&q, 8, 16, 4);
	CU_ASSERT_EQUAL(fairq_slots(&q), 4);
	CU_ASSERT_EQUAL(fairq_queue_max(&q), 8);
	fairq_limits(&q, 8, 10, 3);		/* 30 / 8 rounds up */
	CU_ASSERT_EQUAL(fairq_queue_max(&q), 4);
	fairq_limits(&q, 8, 10, 0);
	CU_ASSERT_EQUAL(fairq_slots(&q), 0);
	CU_ASSERT_EQUAL(fairq_queue_max(&q), 0);
	fairq_limits(&q, 0, 5, 0);		/* no slots configured */
	CU_ASSERT_EQUAL(fairq_slots(&q), 0);
	CU_ASSERT_EQUAL(fairq_queue_max(&q), 5);
}

static void
test_admit(void)
{
	setup(2, 2, 2);
	CU_ASSERT_EQUAL(fairq_admit(&q), FAIRQ_START);
	fairq_started(&q, &ent[0], 1);
	CU_ASSERT_EQUAL(fairq_admit(&q), FAIRQ_START);
	fairq_started(&q, &ent[1], 2);
	CU_ASSERT_EQUAL(q.nrunning, 2);
	CU_ASSERT_EQUAL(fairq_admit(&q), FAIRQ_WAIT);
	push(2, "a");
	CU_ASSERT_EQUAL(fairq_admit(&q), FAIRQ_WAIT);
	push(3, "a");
	CU_ASSERT_EQUAL(q.nqueued, 2);
	CU_ASSERT_EQUAL(fairq_admit(&q), FAIRQ_FULL);
	/* the owner takes a slot: still full, the queue is smaller too */
	fairq_limits(&q, 2, 2, 1);
	CU_ASSERT_EQUAL(fairq_admit(&q), FAIRQ_FULL);
	/* a job ends: its slot is free */
	fairq_limits(&q, 2, 2, 2);
	fairq_remove(&q, &ent[0]);
	CU_ASSERT_EQUAL(ent[0].state, FAIRQ_OUT);
	CU_ASSERT_EQUAL(q.nrunning, 1);
	CU_ASSERT_EQUAL(fairq_admit(&q), FAIRQ_START);
	/* a queued job cancelled */
	fairq_remove(&q, &ent[2]);
	CU_ASSERT_EQUAL(q.nqueued, 1);
	CU_ASSERT_PTR_EQUAL(TAILQ_FIRST(&q.queue), &ent[3]);
	fairq_remove(&q, &ent[2]);		/* out already: nothing */
	CU_ASSERT_EQUAL(q.nqueued, 1);
}

static void
test_fifo_one_client(void)
{
	int	 i;

	setup(1, 10, 1);
	for (i = 0; i < 5; i++)
		push(i, "a");
	for (i = 0; i < 5; i++) {
		CU_ASSERT_EQUAL(next((uint64_t)i + 1), i);
		CU_ASSERT_EQUAL(next(100), -1);		/* the slot is taken */
		fairq_remove(&q, &ent[i]);
	}
	CU_ASSERT_EQUAL(next(100), -1);			/* nothing waits */
	CU_ASSERT_EQUAL(q.nqueued, 0);
	CU_ASSERT_EQUAL(q.nrunning, 0);
}

/* A client with fewer jobs running goes first, though it came later. */
static void
test_fewest_running_first(void)
{
	setup(4, 20, 4);
	push(0, "big");
	push(1, "big");
	push(2, "big");
	push(3, "big");
	push(4, "small");
	CU_ASSERT_EQUAL(next(10), 0);	/* nobody runs: the oldest */
	CU_ASSERT_EQUAL(next(11), 4);	/* small runs nothing, big one */
	CU_ASSERT_EQUAL(next(12), 1);
	CU_ASSERT_EQUAL(next(13), 2);
	CU_ASSERT_EQUAL(next(14), -1);	/* 4 slots, 4 running */
	CU_ASSERT_EQUAL(q.nrunning, 4);
	CU_ASSERT_EQUAL(q.nqueued, 1);
	push(5, "small");
	fairq_remove(&q, &ent[0]);	/* big: 2 running, small: 1 */
	CU_ASSERT_EQUAL(next(15), 5);
	fairq_remove(&q, &ent[1]);
	CU_ASSERT_EQUAL(next(16), 3);
}

/* Equal running counts: the client served least recently goes first. */
static void
test_round_robin(void)
{
	int	 order[6], i;

	setup(1, 20, 1);
	push(0, "a");
	push(1, "a");
	push(2, "a");
	push(3, "b");
	push(4, "b");
	push(5, "c");
	for (i = 0; i < 6; i++) {
		order[i] = next((uint64_t)(i + 1) * 100);
		CU_ASSERT(order[i] >= 0);
		if (order[i] >= 0)
			fairq_remove(&q, &ent[order[i]]);
	}
	/* a (queued first), then b and c never served, then a, b, a */
	CU_ASSERT_EQUAL(order[0], 0);
	CU_ASSERT_EQUAL(order[1], 3);
	CU_ASSERT_EQUAL(order[2], 5);
	CU_ASSERT_EQUAL(order[3], 1);
	CU_ASSERT_EQUAL(order[4], 4);
	CU_ASSERT_EQUAL(order[5], 2);
}

/* Trim: the newest queued jobs go first, down to the smaller queue. */
static void
test_trim(void)
{
	struct fairq_ent *e;
	int	 i;

	setup(4, 8, 4);
	for (i = 0; i < 4; i++)
		fairq_started(&q, &ent[i], (uint64_t)i);
	for (i = 4; i < 12; i++)
		push(i, i % 2 ? "odd" : "even");
	CU_ASSERT_PTR_NULL(fairq_trim(&q));	/* 8 fit a queue of 8 */
	fairq_limits(&q, 4, 8, 1);		/* queue: 2 */
	for (i = 11; i >= 6; i--) {
		e = fairq_trim(&q);
		CU_ASSERT_PTR_EQUAL(e, &ent[i]);
		if (e != NULL)
			CU_ASSERT_EQUAL(e->state, FAIRQ_OUT);
	}
	CU_ASSERT_PTR_NULL(fairq_trim(&q));
	CU_ASSERT_EQUAL(q.nqueued, 2);
	CU_ASSERT_EQUAL(q.nrunning, 4);		/* never touched */
	CU_ASSERT_PTR_NULL(fairq_next(&q));	/* 1 slot, 4 running */
}

/* More clients than the share table holds: the least recent is reused. */
static void
test_share_table(void)
{
	char	 name[16];
	int	 i;

	setup(NJOB, NJOB, NJOB);
	for (i = 0; i < FAIRQ_SHARE_MAX + 1; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		snprintf(ent[i].client, sizeof(ent[i].client), "%s", name);
		fairq_started(&q, &ent[i], (uint64_t)i + 1);
	}
	/* c0, served first, was forgotten for the last one */
	CU_ASSERT_PTR_NULL(share_of(&q, "c0", 0));
	CU_ASSERT_PTR_NOT_NULL(share_of(&q, "c1", 0));
	snprintf(name, sizeof(name), "c%d", FAIRQ_SHARE_MAX);
	CU_ASSERT_PTR_NOT_NULL(share_of(&q, name, 0));
	if (share_of(&q, name, 0) != NULL)
		CU_ASSERT_EQUAL(share_of(&q, name, 0)->last,
		    (uint64_t)FAIRQ_SHARE_MAX + 1);
	CU_ASSERT_EQUAL(q.nrunning, FAIRQ_SHARE_MAX + 1);
}

/* Slot indices: the lowest free one at start, freed at the end. */
static void
test_slot_index(void)
{
	int	 i;

	setup(4, 8, 4);
	for (i = 0; i < 4; i++)
		push(i, "c");
	for (i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(next(1), i);
		CU_ASSERT_EQUAL(ent[i].slot, (unsigned)i);
	}
	/* 1 and 3 end: the next two take 1, then 3 */
	fairq_remove(&q, &ent[1]);
	fairq_remove(&q, &ent[3]);
	CU_ASSERT_EQUAL(ent[1].slot, 1);	/* kept after the end */
	push(4, "c");
	push(5, "c");
	CU_ASSERT_EQUAL(next(2), 4);
	CU_ASSERT_EQUAL(ent[4].slot, 1);
	CU_ASSERT_EQUAL(next(2), 5);
	CU_ASSERT_EQUAL(ent[5].slot, 3);
	/* a queued job removed frees nothing */
	push(6, "c");
	fairq_remove(&q, &ent[6]);
	fairq_remove(&q, &ent[0]);
	push(7, "c");
	CU_ASSERT_EQUAL(next(3), 7);
	CU_ASSERT_EQUAL(ent[7].slot, 0);
	/* the offer shrank to 2 while 4 run: the next start is index 0 */
	fairq_limits(&q, 4, 8, 2);
	fairq_remove(&q, &ent[7]);
	fairq_remove(&q, &ent[2]);
	fairq_remove(&q, &ent[4]);
	push(8, "c");
	CU_ASSERT_EQUAL(next(4), 8);
	CU_ASSERT_EQUAL(ent[8].slot, 0);
}

int
init_fairq_tests(void)
{
	CU_pSuite s = CU_add_suite("fairq", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "limits", test_limits) ||
	    !CU_add_test(s, "admission", test_admit) ||
	    !CU_add_test(s, "first come first served", test_fifo_one_client) ||
	    !CU_add_test(s, "fewest running first",
	    test_fewest_running_first) ||
	    !CU_add_test(s, "round robin", test_round_robin) ||
	    !CU_add_test(s, "trim the newest", test_trim) ||
	    !CU_add_test(s, "share table", test_share_table) ||
	    !CU_add_test(s, "slot index", test_slot_index))
		return -1;
	return 0;
}
