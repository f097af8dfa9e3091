/*
 * offerq.c - the runner's queue of offers, pure logic; see offerq.h.
 * Start reading at offerq_pick().
 */
#include <string.h>

#include "server/offerq.h"

void
offerq_init(struct offerq *q, unsigned slots)
{
	memset(q, 0, sizeof(*q));
	TAILQ_INIT(&q->list);
	offerq_bound(q, slots);
}

void
offerq_bound(struct offerq *q, unsigned slots)
{
	uint64_t	 m = (uint64_t)slots * OFFERQ_PER_SLOT;

	q->max = m < OFFERQ_MIN ? OFFERQ_MIN : m > UINT32_MAX ? UINT32_MAX :
	    (unsigned)m;
}

int
offerq_push(struct offerq *q, struct offerq_ent *e)
{
	if (q->n >= q->max)
		return -1;
	e->seq = q->nextseq++;
	TAILQ_INSERT_TAIL(&q->list, e, entry);
	q->n++;
	return 0;
}

struct offerq_ent *
offerq_find(const struct offerq *q, uint32_t key)
{
	struct offerq_ent *e;

	TAILQ_FOREACH(e, &q->list, entry)
		if (e->key == key)
			return e;
	return NULL;
}

void
offerq_remove(struct offerq *q, struct offerq_ent *e)
{
	TAILQ_REMOVE(&q->list, e, entry);
	q->n--;
}

/* a goes before b (running: their clients' jobs running). */
static int
before(const struct offerq_ent *a, unsigned ra, const struct offerq_ent *b,
    unsigned rb)
{
	if (ra != rb)
		return ra < rb;
	if (a->o.size != b->o.size)
		return a->o.size > b->o.size;
	return a->seq < b->seq;
}

struct offerq_ent *
offerq_pick(const struct offerq *q, const struct fairq *fq)
{
	struct offerq_ent *e, *best = NULL;
	unsigned	 n, bestn = 0;

	TAILQ_FOREACH(e, &q->list, entry) {
		n = fairq_running_of(fq, e->client);
		if (best == NULL || before(e, n, best, bestn)) {
			best = e;
			bestn = n;
		}
	}
	return best;
}
