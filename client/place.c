/*
 * place.c - job placement and backoff.  See place.h for the reasoning.
 */
#include <math.h>

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

uint64_t
place_random(uint64_t *state)
{
	uint64_t	 z;

	z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double
job_kb(const struct place_job *j)
{
	return (double)(j->in_bytes ? j->in_bytes : 1) / 1024.0;
}

static double
local_rate(const struct place_ctx *x)
{
	return x->local.ms_per_kb > 0 ? x->local.ms_per_kb :
	    PLACE_PRIOR_MS_PER_KB;
}

double
place_eta(const struct place_cand *c, const struct place_ctx *x,
    const struct place_job *j, uint64_t now_ms, double *stretch)
{
	double		 rate, cpus, avail, busy, st, bw, rtt, bytes;
	unsigned	 f;

	if ((f = place_free(c, now_ms)) == 0)
		return -1;
	if (c->ms_per_kb > 0)
		rate = c->ms_per_kb;
	else
		rate = local_rate(x) / (c->speed > 0 ? c->speed : 1.0);
	/*
	 * Our jobs run at idle priority: the owner's foreign load takes its
	 * share of the CPUs first, the jobs already there and ours share
	 * the rest.
	 */
	cpus = c->cpus ? c->cpus : (c->slots ? c->slots : 1);
	avail = cpus * (100.0 - (c->load > 100 ? 100 : c->load)) / 100.0;
	if (avail < 0.25)
		avail = 0.25;
	busy = (double)(c->slots - f);
	st = (busy + 1.0) / avail;
	if (st < 1.0)
		st = 1.0;
	if (stretch != NULL)
		*stretch = st;
	bw = x->lan_bytes_per_ms > 0 ? x->lan_bytes_per_ms :
	    PLACE_LAN_BYTES_PER_MS;
	rtt = c->rtt_ms > 0 ? c->rtt_ms : PLACE_RTT_MS;
	bytes = (double)j->in_bytes * (1.0 + PLACE_OUT_RATIO);
	return rtt + bytes / bw + rate * job_kb(j) * st;
}

double
place_eta_local(const struct place_ctx *x, const struct place_job *j)
{
	if (x->local_idle == 0)
		return -1;
	return local_rate(x) * job_kb(j);
}

/* Candidate index of the k-th (from 0) good one. */
static size_t
nth_good(const struct place_cand *c, size_t n, const struct place_ctx *x,
    const struct place_job *j, uint64_t now_ms, double lim, size_t k,
    double *eta)
{
	size_t		 i;
	double		 e;

	for (i = 0; i < n; i++) {
		e = place_eta(&c[i], x, j, now_ms, NULL);
		if (e < 0 || e > lim)
			continue;
		if (k-- == 0) {
			*eta = e;
			return i;
		}
	}
	return n;	/* not reached when k < number of good ones */
}

int
place_choose(const struct place_cand *c, size_t n, struct place_ctx *x,
    const struct place_job *j, uint64_t now_ms)
{
	double		 e, best = -1, lim, ea = 0, eb = 0, loc;
	size_t		 i, ngood = 0, a, b, ia, ib;

	if (n > (size_t)INT32_MAX)
		n = (size_t)INT32_MAX;
	for (i = 0; i < n; i++) {
		e = place_eta(&c[i], x, j, now_ms, NULL);
		if (e >= 0 && (best < 0 || e < best))
			best = e;
	}
	if (best < 0)
		return PLACE_NONE;
	lim = best * PLACE_GOOD_RATIO + PLACE_GOOD_SLACK_MS;
	for (i = 0; i < n; i++) {
		e = place_eta(&c[i], x, j, now_ms, NULL);
		if (e >= 0 && e <= lim)
			ngood++;
	}
	if (ngood == 0)
		return PLACE_NONE;	/* cannot happen: best itself is good */
	a = (size_t)(place_random(&x->rng) % ngood);
	ia = nth_good(c, n, x, j, now_ms, lim, a, &ea);
	if (ia >= n)
		return PLACE_NONE;	/* cannot happen: same sums twice */
	if (ngood > 1) {
		b = (size_t)(place_random(&x->rng) % (ngood - 1));
		if (b >= a)
			b++;
		ib = nth_good(c, n, x, j, now_ms, lim, b, &eb);
		if (ib < n && eb < ea) {
			ia = ib;
			ea = eb;
		}
	}
	loc = place_eta_local(x, j);
	if (loc >= 0 && loc <= ea)
		return PLACE_LOCAL;
	return (int)ia;
}

void
place_learn(struct place_speed *s, double ms, uint64_t in_bytes,
    double stretch)
{
	double		 v, alpha;

	if (in_bytes == 0 || !isfinite(ms) || ms < 0 ||
	    !isfinite(stretch) || stretch <= 0)
		return;
	if (stretch < 1.0)
		stretch = 1.0;
	v = ms / stretch / ((double)in_bytes / 1024.0);
	if (v <= 0)
		v = 1e-6;	/* a 0 ms report: very fast, not "unknown" */
	if (s->n == 0 || s->ms_per_kb <= 0)
		s->ms_per_kb = v;
	else {
		/* the mean of the first reports, then a moving average */
		alpha = 1.0 / (s->n + 1);
		if (alpha < PLACE_EWMA_ALPHA)
			alpha = PLACE_EWMA_ALPHA;
		s->ms_per_kb += alpha * (v - s->ms_per_kb);
	}
	if (s->n < UINT32_MAX)
		s->n++;
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
