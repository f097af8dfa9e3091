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

/* The job's cost relative to a job of its size: 1 unless known. */
static double
job_cost(const struct place_job *j)
{
	return j->cost > 0 && j->cost < 1e6 ? j->cost : 1.0;
}

static double
local_rate(const struct place_ctx *x)
{
	return x->local.ms_per_kb > 0 ? x->local.ms_per_kb :
	    PLACE_PRIOR_MS_PER_KB;
}

/* The host's compile speed for the toolchain: ms per KiB of input. */
static double
host_rate(const struct place_cand *c, const struct place_ctx *x)
{
	if (c->ms_per_kb > 0)
		return c->ms_per_kb;
	return local_rate(x) / (c->speed > 0 ? c->speed : 1.0);
}

/*
 * The CPUs the owner's foreign load leaves over: our jobs run at idle
 * priority, the owner takes his share first, the jobs already there and
 * ours share the rest.
 */
static double
host_avail(const struct place_cand *c)
{
	double		 cpus, avail;

	cpus = c->cpus ? c->cpus : (c->slots ? c->slots : 1);
	avail = cpus * (100.0 - (c->load > 100 ? 100 : c->load)) / 100.0;
	return avail < 0.25 ? 0.25 : avail;
}

/*
 * Expected finish of j on c with busy jobs ahead of ours on avail CPUs:
 * the round trip, the transfer both ways, then the compile, stretched by
 * the jobs ahead (wait_typ 0: our own job's length stands for theirs, as
 * in a FIFO queue of look-alike jobs; else each job ahead counts
 * wait_typ ms at c's speed, ours its own length: late binding).
 */
static double
eta_tail(const struct place_cand *c, const struct place_ctx *x,
    const struct place_job *j, double busy, double avail, double wait_typ)
{
	double		 rate, st, bw, rtt, bytes, own;

	rate = host_rate(c, x);
	st = (busy + 1.0) / avail;
	if (st < 1.0)
		st = 1.0;
	bw = x->lan_bytes_per_ms > 0 ? x->lan_bytes_per_ms :
	    PLACE_LAN_BYTES_PER_MS;
	rtt = c->rtt_ms > 0 ? c->rtt_ms : PLACE_RTT_MS;
	bytes = (double)j->in_bytes * (1.0 + PLACE_OUT_RATIO);
	own = rate * job_kb(j) * job_cost(j);
	if (!(wait_typ > 0))
		return rtt + bytes / bw + own * st;
	return rtt + bytes / bw + own + (st - 1.0) * rate * wait_typ;
}

double
place_eta(const struct place_cand *c, const struct place_ctx *x,
    const struct place_job *j, uint64_t now_ms, double *stretch)
{
	double		 avail, busy, run;
	unsigned	 f;

	if ((f = place_free(c, now_ms)) == 0)
		return -1;
	avail = host_avail(c);
	/* jobs ahead of ours, running or queued */
	busy = (double)c->slots + (double)c->queue - (double)f;
	if (stretch != NULL) {
		run = busy + 1.0 < c->slots ? busy + 1.0 : (double)c->slots;
		*stretch = run / avail < 1.0 ? 1.0 : run / avail;
	}
	return eta_tail(c, x, j, busy, avail, 0);
}

double
place_eta_local(const struct place_ctx *x, const struct place_job *j)
{
	if (x->local_idle == 0)
		return -1;
	return local_rate(x) * job_kb(j) * job_cost(j) *
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

double
place_rate(const struct place_speed *s, double prior)
{
	double	 n;

	if (s == NULL || s->n == 0 || !(s->ms_per_kb > 0))
		return prior > 0 ? prior : 0;
	if (!(prior > 0))
		return s->ms_per_kb;
	n = s->n;
	return (PLACE_PRIOR_REPORTS * prior + n * s->ms_per_kb) /
	    (PLACE_PRIOR_REPORTS + n);
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

/*
 * Expected finish of j on c whether or not it has a free place now: the
 * jobs ahead of ours are the busy slots the advert shows, or our own
 * jobs and offers there if more; a host down or not eligible: -1.
 */
double
place_eta_wait(const struct place_cand *c, const struct place_ctx *x,
    const struct place_job *j, uint64_t now_ms)
{
	double		 busy;
	unsigned	 used;

	if (!c->eligible || now_ms < c->down_until || c->slots == 0)
		return -1;
	used = c->free_slots < c->slots ? c->slots - c->free_slots : 0;
	busy = (double)(c->inflight > used + c->waiting ? c->inflight :
	    used + c->waiting);
	return eta_tail(c, x, j, busy, host_avail(c), x->mean_kb);
}

/* e^-x for x >= 0 without libm (the agent does not link it). */
static double
expneg(double x)
{
	double		 t;
	int		 k = 0;

	if (!(x > 0))
		return 1.0;
	if (x > 40)
		return 0;
	while (x > 0.5) {
		x /= 2;
		k++;
	}
	t = 1 - x * (1 - x / 2 * (1 - x / 3 * (1 - x / 4 * (1 - x / 5))));
	while (k-- > 0)
		t *= t;
	return t;
}

/*
 * Weight of candidate i in place_offer()'s draw: exp(-(eta - best) /
 * temperature), 0 if it is not a candidate, is too far behind or is
 * drawn already.
 */
static double
offer_weight(const struct place_cand *c, size_t i, struct place_ctx *x,
    const struct place_job *j, uint64_t now_ms, double best,
    const size_t *out, size_t m)
{
	double		 e, lim;
	size_t		 t;

	for (t = 0; t < m; t++)
		if (out[t] == i)
			return 0;
	if ((e = place_eta_wait(&c[i], x, j, now_ms)) < 0)
		return 0;
	lim = best * (x->offer_ratio > 1.0 ? x->offer_ratio :
	    PLACE_OFFER_RATIO) + PLACE_GOOD_SLACK_MS;
	if (e > lim)
		return 0;
	return expneg((e - best) / (x->offer_power > 0 ? x->offer_power :
	    PLACE_OFFER_TEMP_MS));
}

size_t
place_offer(const struct place_cand *c, size_t n, struct place_ctx *x,
    const struct place_job *j, uint64_t now_ms, size_t *out, size_t k)
{
	double		 e, best = -1, w, tot, r;
	size_t		 i, m, t, v;

	for (i = 0; i < n; i++) {
		e = place_eta_wait(&c[i], x, j, now_ms);
		if (e >= 0 && (best < 0 || e < best))
			best = e;
	}
	if (k > PLACE_OFFER_MAX)
		k = PLACE_OFFER_MAX;
	if (best < 0 || k == 0)
		return 0;

	/*
	 * k draws without replacement, each candidate in proportion to its
	 * weight: every good host may get the offer, a faster one more
	 * often, so clients that read the same stale adverts spread their
	 * offers, and a host far behind the best gets none.
	 */
	for (m = 0; m < k; m++) {
		for (i = 0, tot = 0; i < n; i++)
			tot += offer_weight(c, i, x, j, now_ms, best, out, m);
		if (!(tot > 0))
			break;
		r = (double)(place_random(&x->rng) >> 11) /
		    9007199254740992.0 * tot;
		for (i = 0, v = n; i < n; i++) {
			w = offer_weight(c, i, x, j, now_ms, best, out, m);
			if (w <= 0)
				continue;
			v = i;		/* the last one, against rounding */
			if (r < w)
				break;
			r -= w;
		}
		out[m] = v;
	}
	/* best first: the order the offers go out in */
	for (i = 1; i < m; i++)
		for (t = i; t > 0 && place_eta_wait(&c[out[t]], x, j, now_ms) <
		    place_eta_wait(&c[out[t - 1]], x, j, now_ms); t--) {
			v = out[t];
			out[t] = out[t - 1];
			out[t - 1] = v;
		}
	return m;
}

double
place_code_cost(const struct place_ctx *x, uint64_t in_bytes,
    uint64_t code_bytes)
{
	double	 f;

	if (in_bytes == 0 || !(x->code_frac > 0 && x->code_frac <= 1))
		return 0;
	f = code_bytes >= in_bytes ? 1 : (double)code_bytes / (double)in_bytes;
	return (1 + PLACE_CODE_WEIGHT * f) /
	    (1 + PLACE_CODE_WEIGHT * x->code_frac);
}

void
place_learn_job(struct place_speed *s, double ms, const struct place_job *j,
    double stretch)
{
	place_learn(s, ms / job_cost(j), j->in_bytes, stretch);
}

/* FNV-1a, 64 bits, over the bytes of str and its terminating NUL. */
static uint64_t
fnv_str(uint64_t h, const char *str)
{
	const unsigned char *p = (const unsigned char *)(str ? str : "");

	do {
		h ^= *p;
		h *= 0x100000001b3ULL;
	} while (*p++ != '\0');
	return h;
}

uint64_t
place_hist_key(const char *cwd, char *const *argv, size_t argc)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	size_t		 i;

	h = fnv_str(h, cwd);
	for (i = 0; argv != NULL && i < argc; i++)
		h = fnv_str(h, argv[i]);
	return h ? h : 1;
}

/* The entry of key in h, or NULL. */
static const struct place_hist_ent *
hist_find(const struct place_hist *h, uint64_t key)
{
	size_t		 set, w;

	set = (size_t)(key & (PLACE_HIST_SLOTS - 1)) & ~(size_t)
	    (PLACE_HIST_WAYS - 1);
	for (w = 0; w < PLACE_HIST_WAYS; w++)
		if (h->e[set + w].key == key)
			return &h->e[set + w];
	return NULL;
}

void
place_hist_note(struct place_hist *h, uint64_t key, double ms,
    uint64_t in_bytes, double stretch, double ms_per_kb)
{
	struct place_hist_ent *e;
	size_t		 set, w, old;
	double		 v;

	if (key == 0 || in_bytes == 0 || !isfinite(ms) || ms < 0 ||
	    !isfinite(stretch) || stretch <= 0 || !isfinite(ms_per_kb) ||
	    ms_per_kb <= 0)
		return;
	if (stretch < 1.0)
		stretch = 1.0;
	v = ms / stretch / (ms_per_kb * ((double)in_bytes / 1024.0));
	if (!isfinite(v))
		return;
	if (v < 1e-3)
		v = 1e-3;	/* within job_cost()'s bounds */
	if (v > 1e5)
		v = 1e5;
	h->clock++;
	if ((e = (struct place_hist_ent *)hist_find(h, key)) != NULL) {
		e->cost += PLACE_HIST_ALPHA * (v - e->cost);
		e->n += e->n < UINT32_MAX;
		e->used = h->clock;
		return;
	}
	set = (size_t)(key & (PLACE_HIST_SLOTS - 1)) & ~(size_t)
	    (PLACE_HIST_WAYS - 1);
	for (w = 0, old = set; w < PLACE_HIST_WAYS; w++) {
		if (h->e[set + w].key == 0) {
			old = set + w;
			break;
		}
		/* unsigned difference: right across the clock's wrap */
		if (h->clock - h->e[set + w].used > h->clock - h->e[old].used)
			old = set + w;
	}
	e = &h->e[old];
	e->key = key;
	e->cost = v;
	e->n = 1;
	e->used = h->clock;
}

double
place_hist_cost(const struct place_hist *h, uint64_t key)
{
	const struct place_hist_ent *e;

	if (key == 0 || (e = hist_find(h, key)) == NULL)
		return 0;
	return e->cost;
}
