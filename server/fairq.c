/*
 * fairq.c - the runner's slots, queue and fair share between clients;
 * pure logic, see fairq.h.  The runner (runner.c) drives it; start
 * reading at fairq_next().
 */
#include <stdio.h>
#include <string.h>

#include "server/fairq.h"

void
fairq_init(struct fairq *q)
{
	memset(q, 0, sizeof(*q));
	TAILQ_INIT(&q->queue);
	TAILQ_INIT(&q->running);
}

void
fairq_limits(struct fairq *q, unsigned slots, unsigned queue,
    unsigned offered)
{
	q->slots = slots;
	q->queue_max = queue;
	q->offered = offered;
}

unsigned
fairq_slots(const struct fairq *q)
{
	return q->offered < q->slots ? q->offered : q->slots;
}

unsigned
fairq_queue_max(const struct fairq *q)
{
	unsigned	 s = fairq_slots(q);

	if (s >= q->slots || q->slots == 0)
		return q->queue_max;
	return (unsigned)(((uint64_t)q->queue_max * s + q->slots - 1) /
	    q->slots);
}

enum fairq_admit
fairq_admit(const struct fairq *q)
{
	if (q->nrunning < fairq_slots(q))
		return FAIRQ_START;
	if (q->nqueued >= fairq_queue_max(q))
		return FAIRQ_FULL;
	return FAIRQ_WAIT;
}

void
fairq_push(struct fairq *q, struct fairq_ent *e)
{
	TAILQ_INSERT_TAIL(&q->queue, e, entry);
	e->state = FAIRQ_QUEUED;
	q->nqueued++;
}

unsigned
fairq_running_of(const struct fairq *q, const char *client)
{
	const struct fairq_ent *e;
	unsigned	 n = 0;

	TAILQ_FOREACH(e, &q->running, entry)
		n += strcmp(e->client, client) == 0;
	return n;
}

/*
 * The fair share entry of client, or NULL; with make, a new one instead
 * of NULL, in place of the least recently served.
 */
static struct fairq_share *
share_of(struct fairq *q, const char *client, int make)
{
	struct fairq_share *s, *old = &q->share[0];

	for (s = q->share; s < q->share + FAIRQ_SHARE_MAX; s++) {
		if (strcmp(s->client, client) == 0)
			return s;
		if (s->last < old->last)
			old = s;
	}
	if (!make)
		return NULL;
	memset(old, 0, sizeof(*old));
	snprintf(old->client, sizeof(old->client), "%s", client);
	return old;
}

/* The fair choice among the queued jobs (fairq.h), or NULL. */
static struct fairq_ent *
fair_pick(struct fairq *q)
{
	struct fairq_ent *e, *best = NULL;
	struct fairq_share *s;
	unsigned	 n, bestn = 0;
	uint64_t	 last, bestlast = 0;

	TAILQ_FOREACH(e, &q->queue, entry) {
		n = fairq_running_of(q, e->client);
		last = (s = share_of(q, e->client, 0)) != NULL ? s->last : 0;
		if (best == NULL || n < bestn ||
		    (n == bestn && last < bestlast)) {
			best = e;
			bestn = n;
			bestlast = last;
		}
	}
	return best;
}

struct fairq_ent *
fairq_next(struct fairq *q)
{
	struct fairq_ent *e;

	if (q->nrunning >= fairq_slots(q) || (e = fair_pick(q)) == NULL)
		return NULL;
	fairq_remove(q, e);
	return e;
}

/*
 * The lowest free slot index, now taken.  There is always one: a job
 * starts only while fewer than fairq_slots() <= FAIRQ_SLOTS_MAX run.
 */
static unsigned
slot_take(struct fairq *q)
{
	unsigned	 i;

	for (i = 0; i < FAIRQ_SLOTS_MAX; i++)
		if ((q->taken[i / 32] & (1u << (i % 32))) == 0) {
			q->taken[i / 32] |= 1u << (i % 32);
			return i;
		}
	return FAIRQ_SLOTS_MAX - 1;	/* not reached */
}

void
fairq_started(struct fairq *q, struct fairq_ent *e, uint64_t now_ms)
{
	e->slot = slot_take(q);
	TAILQ_INSERT_TAIL(&q->running, e, entry);
	e->state = FAIRQ_RUNNING;
	q->nrunning++;
	share_of(q, e->client, 1)->last = now_ms;
}

void
fairq_remove(struct fairq *q, struct fairq_ent *e)
{
	switch (e->state) {
	case FAIRQ_QUEUED:
		TAILQ_REMOVE(&q->queue, e, entry);
		q->nqueued--;
		break;
	case FAIRQ_RUNNING:
		TAILQ_REMOVE(&q->running, e, entry);
		q->nrunning--;
		if (e->slot < FAIRQ_SLOTS_MAX)
			q->taken[e->slot / 32] &= ~(1u << (e->slot % 32));
		break;
	case FAIRQ_OUT:
		break;
	}
	e->state = FAIRQ_OUT;
}

struct fairq_ent *
fairq_trim(struct fairq *q)
{
	struct fairq_ent *e;

	if (q->nqueued <= fairq_queue_max(q) ||
	    (e = TAILQ_LAST(&q->queue, fairq_list)) == NULL)
		return NULL;
	fairq_remove(q, e);
	return e;
}
