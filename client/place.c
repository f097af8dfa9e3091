/*
 * place.c - job placement and backoff.  See place.h for the reasoning.
 */
#include "client/place.h"

unsigned
place_free(const struct place_cand *c, uint64_t now_ms)
{
	unsigned	 cap;

	if (!c->eligible || now_ms < c->down_until)
		return 0;
	if (c->inflight >= c->slots)
		return 0;
	cap = c->slots - c->inflight;
	return c->free_slots < cap ? c->free_slots : cap;
}

int
place_pick(const struct place_cand *c, size_t n, uint64_t now_ms)
{
	unsigned	 best = 0, f;
	size_t		 i;
	int		 pick = -1;

	for (i = 0; i < n && i < (size_t)INT32_MAX; i++) {
		f = place_free(&c[i], now_ms);
		if (f == 0)
			continue;
		if (pick == -1 || f > best ||
		    (f == best && c[i].inflight < c[pick].inflight)) {
			pick = (int)i;
			best = f;
		}
	}
	return pick;
}

void
place_failed(struct place_backoff *b, uint64_t now_ms)
{
	if (b->backoff_ms == 0)
		b->backoff_ms = PLACE_BACKOFF_MIN_MS;
	else if (b->backoff_ms < PLACE_BACKOFF_MAX_MS / 2)
		b->backoff_ms *= 2;
	else
		b->backoff_ms = PLACE_BACKOFF_MAX_MS;
	b->fails++;
	b->down_until = now_ms + b->backoff_ms;
}

void
place_succeeded(struct place_backoff *b)
{
	b->backoff_ms = 0;
	b->fails = 0;
	b->down_until = 0;
}

int
place_up(const struct place_backoff *b, uint64_t now_ms)
{
	return now_ms >= b->down_until;
}
