/*
 * statlog.c - the status page's memory of slots, recent jobs and the
 * last minute; pure, see statlog.h.  Start reading at restate().
 */
#include <stdio.h>
#include <string.h>

#include "server/statlog.h"

void
statlog_init(struct statlog *l, uint64_t now)
{
	size_t	 i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < STATLOG_SLOTS_MAX; i++)
		l->slot[i].since = now;
}

/*
 * Give each configured slot its state (statlog.h), and a new since to
 * those whose state changed.  Free slots are idle from index 0 up while
 * the offer leaves room beside the busy ones, closed above.
 */
static void
restate(struct statlog *l, uint64_t now)
{
	unsigned	 i, idle, st;

	idle = l->offered > l->nbusy ? l->offered - l->nbusy : 0;
	for (i = 0; i < l->slots; i++) {
		if (l->slot[i].busy)
			st = STATLOG_BUSY;
		else if (idle > 0) {
			st = STATLOG_IDLE;
			idle--;
		} else
			st = STATLOG_CLOSED;
		if (st != l->slot[i].state) {
			l->slot[i].state = (uint8_t)st;
			l->slot[i].since = now;
		}
	}
}

void
statlog_slots(struct statlog *l, unsigned slots, unsigned offered,
    uint64_t now)
{
	unsigned	 i;

	if (slots > STATLOG_SLOTS_MAX)
		slots = STATLOG_SLOTS_MAX;
	/* a slot configured anew begins now, idle */
	for (i = l->slots; i < slots; i++)
		if (!l->slot[i].busy) {
			l->slot[i].state = STATLOG_IDLE;
			l->slot[i].since = now;
		}
	l->slots = slots;
	l->offered = offered < slots ? offered : slots;
	restate(l, now);
}

void
statlog_start(struct statlog *l, unsigned slot, uint64_t now)
{
	if (slot >= STATLOG_SLOTS_MAX || l->slot[slot].busy)
		return;
	l->slot[slot].busy = 1;
	l->nbusy++;
	restate(l, now);
}

void
statlog_end(struct statlog *l, unsigned slot, uint32_t ms, const char *tc,
    int ok, uint64_t now)
{
	struct statlog_job *j;

	if (slot < STATLOG_SLOTS_MAX && l->slot[slot].busy) {
		l->slot[slot].busy = 0;
		l->nbusy--;
		restate(l, now);
	}
	j = &l->recent[l->rnext];
	l->rnext = (l->rnext + 1) % STATLOG_RECENT;
	if (l->nrecent < STATLOG_RECENT)
		l->nrecent++;
	memset(j, 0, sizeof(*j));
	j->slot = slot;
	j->end = now;
	j->ms = ms;
	j->ok = ok != 0;
	snprintf(j->tc, sizeof(j->tc), "%s", tc);
}

void
statlog_sample(struct statlog *l, unsigned load, unsigned mem,
    unsigned running)
{
	struct statlog_sample *s = &l->hist[l->hnext];

	s->load = (uint8_t)(load > 100 ? 100 : load);
	s->mem = (uint8_t)(mem > 100 ? 100 : mem);
	s->running = (uint16_t)(running > UINT16_MAX ? UINT16_MAX : running);
	l->hnext = (l->hnext + 1) % STATLOG_HIST;
	if (l->nhist < STATLOG_HIST)
		l->nhist++;
}

const struct statlog_job *
statlog_recent(const struct statlog *l, size_t i)
{
	if (i >= l->nrecent)
		return NULL;
	return &l->recent[(l->rnext + STATLOG_RECENT - 1 - i) %
	    STATLOG_RECENT];
}

const struct statlog_sample *
statlog_hist(const struct statlog *l, size_t i)
{
	if (i >= l->nhist)
		return NULL;
	return &l->hist[(l->hnext + STATLOG_HIST - l->nhist + i) %
	    STATLOG_HIST];
}

const char *
statlog_state_name(enum statlog_state st)
{
	switch (st) {
	case STATLOG_IDLE:
		return "idle";
	case STATLOG_BUSY:
		return "busy";
	case STATLOG_CLOSED:
		return "closed";
	}
	return "idle";
}
