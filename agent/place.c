/*
 * place.c - job placement and backoff.  See place.h for the reasoning.
 */
#include <math.h>

#include "agent/place.h"

unsigned
place_free(const struct place_cand *c, uint64_t now_ms)
{
	uint64_t	 all, adv;

	if (!c->eligible || now_ms < c->down_until || c->slots == 0)
		return 0;
	all = (uint64_t)c->slots + c->queue;
	if (c->inflight >= all)
		return 0;
	adv = (uint64_t)c->free_slots + c->queue;
	return (unsigned)(adv < all - c->inflight ? adv : all - c->inflight);
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
	double		 rate, cpus, avail, busy, st, run, bw, rtt, bytes;
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
	/* jobs ahead of ours, running or queued */
	busy = (double)c->slots + (double)c->queue - (double)f;
	if (stretch != NULL) {
		run = busy + 1.0 < c->slots ? busy + 1.0 : (double)c->slots;
		*stretch = run / avail < 1.0 ? 1.0 : run / avail;
	}
	st = (busy + 1.0) / avail;
	if (st < 1.0)
		st = 1.0;
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
	return local_rate(x) * job_kb(j) *
	    (x->local_stretch > 1.0 ? x->local_stretch : 1.0);
}

/*
 * Expected finish of j on c, or -1: no free place, or (with idle_only)
 * no free slot: a queue place only.
 */
static double
eta_if(const struct place_cand *c, const struct place_ctx *x,
    const struct place_job *j, uint64_t now_ms, int idle_only)
{
	if (idle_only && place_free(c, now_ms) <= c->queue)
		return -1;
	return place_eta(c, x, j, now_ms, NULL);
}

/*
 * The better of two candidates drawn at random among the good ones (eta
 * at most lim), or n if none is good; *eta gets its finish time.
 */
static size_t
two_choices(const struct place_cand *c, size_t n, struct place_ctx *x,
    const struct place_job *j, uint64_t now_ms, int idle_only, double lim,
    double *eta)
{
	double		 e;
	size_t		 i, ngood = 0, a, b, pick = n;

	for (i = 0; i < n; i++) {
		e = eta_if(&c[i], x, j, now_ms, idle_only);
		if (e >= 0 && e <= lim)
			ngood++;
	}
	if (ngood == 0)
		return n;
	a = (size_t)(place_random(&x->rng) % ngood);
	b = a;
	if (ngood > 1) {
		b = (size_t)(place_random(&x->rng) % (ngood - 1));
		if (b >= a)
			b++;
	}
	for (i = 0, ngood = 0; i < n; i++) {
		e = eta_if(&c[i], x, j, now_ms, idle_only);
		if (e < 0 || e > lim)
			continue;
		if ((ngood == a || ngood == b) && (pick == n || e < *eta)) {
			pick = i;
			*eta = e;
		}
		ngood++;
	}
	return pick;
}

/* The best finish among candidates, -1 if none has a place. */
static double
best_eta(const struct place_cand *c, size_t n, const struct place_ctx *x,
    const struct place_job *j, uint64_t now_ms, int idle_only)
{
	double		 e, best = -1;
	size_t		 i;

	for (i = 0; i < n; i++) {
		e = eta_if(&c[i], x, j, now_ms, idle_only);
		if (e >= 0 && (best < 0 || e < best))
			best = e;
	}
	return best;
}

int
place_choose(const struct place_cand *c, size_t n, struct place_ctx *x,
    const struct place_job *j, uint64_t now_ms)
{
	double		 best, bidle, loc, lim, e = 0;
	size_t		 pick;

	if (n > (size_t)INT32_MAX)
		n = (size_t)INT32_MAX;
	best = best_eta(c, n, x, j, now_ms, 0);
	loc = place_eta_local(x, j);
	if (loc >= 0 && (best < 0 || loc < best))
		best = loc;
	if (best < 0)
		return PLACE_NONE;
	/*
	 * A CPU that would idle first: a free slot, or a local core, unless
	 * it is much slower than the best place (a queued one) at the end of
	 * a build.  A queue place waits for a CPU that is busy anyway.
	 */
	lim = best * PLACE_IDLE_RATIO + PLACE_GOOD_SLACK_MS;
	if ((bidle = best_eta(c, n, x, j, now_ms, 1)) >= 0 && bidle <= lim) {
		pick = two_choices(c, n, x, j, now_ms, 1,
		    bidle * PLACE_GOOD_RATIO + PLACE_GOOD_SLACK_MS, &e);
		if (loc >= 0 && loc <= lim && (pick >= n || loc <= e))
			return PLACE_LOCAL;
		return pick < n ? (int)pick : PLACE_NONE;
	}
	if (loc >= 0 && loc <= lim)
		return PLACE_LOCAL;
	pick = two_choices(c, n, x, j, now_ms, 0,
	    best * PLACE_GOOD_RATIO + PLACE_GOOD_SLACK_MS, &e);
	return pick < n ? (int)pick : PLACE_NONE;
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
