/*
 * test_place.c - job placement (estimated free places, queues, toolchain and
 * exclusion, down servers), the 1 s .. 60 s doubling backoff, and the
 * expected-finish-time policy: faster and idler hosts win, speed is
 * learned from reports, the local machine competes, power of two choices
 * spreads many clients over equal hosts, decisions repeat with a seed;
 * late binding's offers (place_offer): best first, toolchain and backoff
 * kept, a full host still a candidate, the advertised speed used, offers
 * spread over equal hosts, much slower hosts left out; the per-file
 * history (place_hist) and a job's cost in the estimates and offers.
 */
#include <math.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "agent/place.c"

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

/*
 * A server's queue: a job may wait there for the next free slot, so the
 * slot never idles while a job crosses the network; the wait counts in
 * the finish time but not in the contention a compile runs under.
 */
static void
test_queue(void)
{
	struct place_cand c, d;
	struct place_ctx x;
	struct place_job j = { 10 * 1024, 0 };
	double		 e0, e1, st;

	c = cand(1, 1, 0);
	c.queue = 1;
	CU_ASSERT_EQUAL(place_free(&c, 0), 2);
	c = cand(1, 0, 1);	/* our job runs: the queue place is left */
	c.queue = 1;
	CU_ASSERT_EQUAL(place_free(&c, 0), 1);
	c = cand(1, 1, 1);	/* advert not counting it yet: still one */
	c.queue = 1;
	CU_ASSERT_EQUAL(place_free(&c, 0), 1);
	c = cand(1, 0, 2);	/* running and queued: full */
	c.queue = 1;
	CU_ASSERT_EQUAL(place_free(&c, 0), 0);
	c = cand(0, 0, 0);	/* no slot on offer: no queue either */
	c.queue = 3;
	CU_ASSERT_EQUAL(place_free(&c, 0), 0);

	memset(&x, 0, sizeof(x));
	c = cand(1, 1, 0);
	c.queue = 1;
	c.cpus = 1;
	c.ms_per_kb = 10;
	d = c;
	d.free_slots = 0;
	d.inflight = 1;
	e0 = place_eta(&c, &x, &j, 0, &st);
	CU_ASSERT_DOUBLE_EQUAL(st, 1.0, 1e-9);
	e1 = place_eta(&d, &x, &j, 0, &st);
	/* behind one job of the same size: about twice as long */
	CU_ASSERT(e1 > 1.9 * e0 && e1 < 2.1 * e0);
	CU_ASSERT_DOUBLE_EQUAL(st, 1.0, 1e-9);	/* alone once it runs */
	/* a free slot on a slower server (it would idle) beats a queue
	 * place on a fast one, up to PLACE_IDLE_RATIO times the finish */
	c = cand(1, 1, 0);
	c.cpus = 1;
	c.ms_per_kb = 30;
	CU_ASSERT_EQUAL(place_choose((struct place_cand[]){ d, c }, 2, &x, &j,
	    0), 1);
	c.ms_per_kb = 50;
	CU_ASSERT_EQUAL(place_choose((struct place_cand[]){ d, c }, 2, &x, &j,
	    0), 0);
	/* an idle local core is such a CPU too */
	x.local_idle = 1;
	x.local.ms_per_kb = 30;
	CU_ASSERT_EQUAL(place_choose((struct place_cand[]){ d, c }, 2, &x, &j,
	    0), PLACE_LOCAL);
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

static struct place_cand
ecand(unsigned cpus, unsigned freeslots, unsigned load, double ms_per_kb)
{
	struct place_cand c;

	c = cand(cpus, freeslots, 0);
	c.cpus = cpus;
	c.load = load;
	c.ms_per_kb = ms_per_kb;
	return c;
}

static struct place_ctx
ctx(uint64_t seed, unsigned local_idle)
{
	struct place_ctx x;

	memset(&x, 0, sizeof(x));
	x.rng = seed;
	x.local_idle = local_idle;
	x.local.ms_per_kb = 1.0;
	x.local.n = 10;
	return x;
}

static const struct place_job job100k = { 100 * 1024, 0 };

/* Choose often with different seeds; count picks per index. */
static void
choose_many(const struct place_cand *c, size_t n, unsigned local_idle,
    unsigned tries, unsigned *count, unsigned *nlocal)
{
	struct place_ctx x;
	unsigned	 t;
	int		 r;

	*nlocal = 0;
	for (t = 0; t < tries; t++) {
		x = ctx(1000 + t, local_idle);
		r = place_choose(c, n, &x, &job100k, 0);
		if (r >= 0)
			count[r]++;
		else if (r == PLACE_LOCAL)
			(*nlocal)++;
	}
}

static void
test_eta(void)
{
	struct place_cand c;
	struct place_ctx x = ctx(1, 0);
	double		 e, st;

	c = ecand(8, 8, 0, 0.5);	/* idle, twice our speed */
	e = place_eta(&c, &x, &job100k, 0, &st);
	CU_ASSERT_DOUBLE_EQUAL(st, 1.0, 1e-9);
	/* 0.5 RTT + 125 KiB at 1 Gbit/s + 50 ms */
	CU_ASSERT_DOUBLE_EQUAL(e, 0.5 + 128000.0 / 125000.0 + 50.0, 1e-6);
	c = ecand(8, 8, 50, 0.5);	/* owner uses half: still a core */
	e = place_eta(&c, &x, &job100k, 0, &st);
	CU_ASSERT_DOUBLE_EQUAL(st, 1.0, 1e-9);
	c = ecand(4, 1, 50, 0.5);	/* 3 jobs + ours on 2 cores */
	e = place_eta(&c, &x, &job100k, 0, &st);
	CU_ASSERT_DOUBLE_EQUAL(st, 2.0, 1e-9);
	CU_ASSERT(e > 100.0);
	c = ecand(4, 0, 0, 0.5);	/* full */
	CU_ASSERT(place_eta(&c, &x, &job100k, 0, NULL) < 0);
	c = ecand(4, 4, 0, 0);		/* never seen: prior / speed */
	c.speed = 2.0;
	e = place_eta(&c, &x, &job100k, 0, NULL);
	CU_ASSERT(e > 50.0 && e < 53.0);
	CU_ASSERT(place_eta_local(&x, &job100k) < 0);	/* no idle core */
	x.local_idle = 1;
	CU_ASSERT_DOUBLE_EQUAL(place_eta_local(&x, &job100k), 100.0, 1e-9);
}

static void
test_prefers_fast_idle(void)
{
	struct place_cand c[3];
	unsigned	 cnt[3] = { 0 }, nl;

	c[0] = ecand(8, 8, 0, 1.0);
	c[1] = ecand(8, 8, 0, 0.4);	/* 2.5x faster */
	c[2] = ecand(8, 8, 0, 1.0);
	choose_many(c, 3, 0, 200, cnt, &nl);
	CU_ASSERT_EQUAL(cnt[1], 200);	/* alone among the good ones */
	/* the fast one is a busy desktop: its owner takes 7 of 8 cores */
	memset(cnt, 0, sizeof(cnt));
	c[1] = ecand(8, 6, 90, 0.4);
	choose_many(c, 3, 0, 200, cnt, &nl);
	CU_ASSERT_EQUAL(cnt[1], 0);
	CU_ASSERT_EQUAL(cnt[0] + cnt[2], 200);
	/* full or backing off: never */
	memset(cnt, 0, sizeof(cnt));
	c[0] = ecand(8, 0, 0, 0.1);
	c[2] = ecand(8, 8, 0, 0.1);
	c[2].down_until = 10;
	choose_many(c, 3, 0, 50, cnt, &nl);
	CU_ASSERT_EQUAL(cnt[1], 50);
}

static void
test_learn(void)
{
	struct place_speed s;
	struct place_cand c[2];
	struct place_ctx x;
	int		 i;

	memset(&s, 0, sizeof(s));
	place_learn(&s, 200, 100 * 1024, 1.0);
	CU_ASSERT_DOUBLE_EQUAL(s.ms_per_kb, 2.0, 1e-9);
	place_learn(&s, 100, 100 * 1024, 1.0);
	CU_ASSERT_DOUBLE_EQUAL(s.ms_per_kb, 1.5, 1e-9);	/* mean of 2 */
	place_learn(&s, 400, 100 * 1024, 2.0);	/* slowed by contention */
	CU_ASSERT_DOUBLE_EQUAL(s.ms_per_kb, 1.0 / 3 * 2 + 1.5 * 2 / 3, 1e-9);
	CU_ASSERT_EQUAL(s.n, 3);
	place_learn(&s, 100, 0, 1.0);		/* nonsense: ignored */
	place_learn(&s, NAN, 1024, 1.0);
	place_learn(&s, 100, 1024, 0.0);
	CU_ASSERT_EQUAL(s.n, 3);
	/* converges on a host that became 3x faster */
	for (i = 0; i < 40; i++)
		place_learn(&s, 50, 100 * 1024, 1.0);
	CU_ASSERT_DOUBLE_EQUAL(s.ms_per_kb, 0.5, 0.01);

	/* two hosts never seen look alike; reports tell them apart */
	c[0] = ecand(4, 4, 0, 0);
	c[1] = ecand(4, 4, 0, 0);
	memset(&s, 0, sizeof(s));
	for (i = 0; i < 5; i++)
		place_learn(&s, 33, 100 * 1024, 1.0);	/* 3x local */
	c[1].ms_per_kb = s.ms_per_kb;
	for (i = 0; i < 20; i++) {
		x = ctx((uint64_t)i, 0);
		CU_ASSERT_EQUAL(place_choose(c, 2, &x, &job100k, 0), 1);
	}
}

static void
test_local(void)
{
	struct place_cand c[2];
	unsigned	 cnt[2] = { 0 }, nl;

	c[0] = ecand(8, 8, 0, 2.0);	/* slower than us */
	c[1] = ecand(8, 8, 0, 2.0);
	choose_many(c, 2, 2, 100, cnt, &nl);
	CU_ASSERT_EQUAL(nl, 100);	/* idle and faster: local */
	memset(cnt, 0, sizeof(cnt));
	choose_many(c, 2, 0, 100, cnt, &nl);
	CU_ASSERT_EQUAL(nl, 0);		/* no idle core: remote */
	CU_ASSERT_EQUAL(cnt[0] + cnt[1], 100);
	memset(cnt, 0, sizeof(cnt));
	c[1] = ecand(8, 8, 0, 0.3);	/* a fast server beats local */
	choose_many(c, 2, 2, 100, cnt, &nl);
	CU_ASSERT_EQUAL(nl, 0);
	CU_ASSERT_EQUAL(cnt[1], 100);
	/* no server place: an idle local core takes it, else none */
	{
		struct place_ctx x = ctx(3, 2);

		c[0].free_slots = c[1].free_slots = 0;
		CU_ASSERT_EQUAL(place_choose(c, 2, &x, &job100k, 0),
		    PLACE_LOCAL);
		CU_ASSERT_EQUAL(place_choose(c, 0, &x, &job100k, 0),
		    PLACE_LOCAL);
		x.local_idle = 0;
		CU_ASSERT_EQUAL(place_choose(c, 2, &x, &job100k, 0),
		    PLACE_NONE);
		CU_ASSERT_EQUAL(place_choose(c, 0, &x, &job100k, 0),
		    PLACE_NONE);
	}
}

/*
 * 100 clients read the same advert of 10 equal idle hosts with 8 free
 * slots each and each place one job: always taking the best would send
 * all 100 to one host; the better of two random ones spreads them.
 */
static void
test_herd(void)
{
	struct place_cand c[10];
	unsigned	 cnt[10] = { 0 }, nl, i, max = 0, used = 0;

	for (i = 0; i < 10; i++)
		c[i] = ecand(8, 8, 0, 1.0);
	choose_many(c, 10, 0, 100, cnt, &nl);
	for (i = 0; i < 10; i++) {
		if (cnt[i] > max)
			max = cnt[i];
		if (cnt[i])
			used++;
	}
	CU_ASSERT(max <= 25);		/* no host gets more than 25% */
	CU_ASSERT(used >= 8);
	/* and good beats bad: a 3x slower host is not in the draw */
	memset(cnt, 0, sizeof(cnt));
	c[3].ms_per_kb = 3.0;
	choose_many(c, 10, 0, 100, cnt, &nl);
	CU_ASSERT_EQUAL(cnt[3], 0);
}

static void
test_backoff_respected(void)
{
	struct place_cand c[2];
	struct place_backoff b;
	struct place_ctx x = ctx(7, 0);
	int		 i;

	memset(&b, 0, sizeof(b));
	c[0] = ecand(8, 8, 0, 0.2);	/* best, but fails */
	c[1] = ecand(8, 8, 0, 1.0);
	place_failed(&b, 1000);
	c[0].down_until = b.down_until;
	for (i = 0; i < 20; i++)
		CU_ASSERT_EQUAL(place_choose(c, 2, &x, &job100k, 1500), 1);
	CU_ASSERT_EQUAL(place_choose(c, 2, &x, &job100k, 2000), 0);
	c[1].eligible = 0;		/* tried already */
	CU_ASSERT_EQUAL(place_choose(c, 2, &x, &job100k, 1999), PLACE_NONE);
}

static void
test_deterministic(void)
{
	struct place_cand c[16];
	struct place_ctx x, y;
	uint64_t	 r1 = 42, r2 = 42;
	int		 i, a[200], same = 1;

	for (i = 0; i < 16; i++)
		c[i] = ecand(4 + (unsigned)i % 3, 1 + (unsigned)i % 4,
		    (unsigned)i * 5, 1.0 + (i % 5) * 0.01);
	x = ctx(99, 0);
	y = ctx(99, 0);
	for (i = 0; i < 200; i++)
		a[i] = place_choose(c, 16, &x, &job100k, 0);
	for (i = 0; i < 200; i++)
		if (place_choose(c, 16, &y, &job100k, 0) != a[i])
			same = 0;
	CU_ASSERT(same);
	CU_ASSERT_EQUAL(x.rng, y.rng);
	CU_ASSERT_EQUAL(place_random(&r1), place_random(&r2));
	/* another seed, other choices somewhere */
	y = ctx(100, 0);
	same = 1;
	for (i = 0; i < 200; i++)
		if (place_choose(c, 16, &y, &job100k, 0) != a[i])
			same = 0;
	CU_ASSERT(!same);
}

static void
test_offer(void)
{
	struct place_cand c[10];
	struct place_ctx x = ctx(5, 0);
	size_t		 out[PLACE_OFFER_MAX], n, i, k;
	unsigned	 cnt[10] = { 0 }, used = 0;

	for (i = 0; i < 10; i++)
		c[i] = ecand(8, 8, 0, 1.0);
	c[2].eligible = 0;		/* wrong toolchain */
	c[4].down_until = 5000;		/* backing off */
	c[6].free_slots = 0;		/* full: an offer waits there */
	c[6].ms_per_kb = 0.2;
	n = place_offer(c, 10, &x, &job100k, 1000, out, 4);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_EQUAL(out[0], 6);	/* full, but 5x faster: best */
	for (i = 0; i < n; i++) {
		CU_ASSERT(out[i] != 2 && out[i] != 4);
		for (k = i + 1; k < n; k++)
			CU_ASSERT(out[i] != out[k]);
		if (i > 0)
			CU_ASSERT(place_eta_wait(&c[out[i - 1]], &x, &job100k,
			    1000) <= place_eta_wait(&c[out[i]], &x, &job100k,
			    1000));
	}
	/* equal hosts: 100 jobs' offers spread over all of them */
	for (i = 0; i < 10; i++)
		c[i] = ecand(8, 8, 0, 1.0);
	for (i = 0; i < 100; i++) {
		n = place_offer(c, 10, &x, &job100k, 0, out, 2);
		CU_ASSERT_EQUAL(n, 2);
		cnt[out[0]]++;
		cnt[out[1]]++;
	}
	for (i = 0; i < 10; i++) {
		CU_ASSERT(cnt[i] <= 40);
		if (cnt[i])
			used++;
	}
	CU_ASSERT_EQUAL(used, 10);
	/* a 3x slower host (100 ms more for this job): never drawn */
	c[3].ms_per_kb = 3.0;
	for (i = 0; i < 100; i++) {
		n = place_offer(c, 10, &x, &job100k, 0, out, 8);
		for (k = 0; k < n; k++)
			CU_ASSERT(out[k] != 3);
	}
	/* offers queued there (as last told) count as jobs ahead */
	c[0] = ecand(8, 8, 0, 1.0);
	c[1] = c[0];
	c[1].waiting = 16;
	CU_ASSERT(place_eta_wait(&c[1], &x, &job100k, 0) >
	    place_eta_wait(&c[0], &x, &job100k, 0));
	/* the advertised speed, for a host never heard from */
	c[1] = c[0];
	c[0].ms_per_kb = 0;
	c[0].speed = 2.0;
	c[1].ms_per_kb = 0;
	CU_ASSERT(place_eta_wait(&c[0], &x, &job100k, 0) <
	    place_eta_wait(&c[1], &x, &job100k, 0));
	/* nothing eligible, or k = 0: no offer */
	for (i = 0; i < 10; i++)
		c[i].eligible = 0;
	CU_ASSERT_EQUAL(place_offer(c, 10, &x, &job100k, 0, out, 4), 0);
}

/* Per-file history: keys, costs, replacement; a cost's effect on offers. */
static void
test_hist(void)
{
	static struct place_hist h;
	char		*a1[] = { "/usr/bin/cc", "-c", "a.c", "-o", "a.o" };
	char		*a2[] = { "/usr/bin/cc", "-c", "b.c", "-o", "b.o" };
	uint64_t	 k1, k2;
	size_t		 i;

	memset(&h, 0, sizeof(h));
	k1 = place_hist_key("/src", a1, 5);
	k2 = place_hist_key("/src", a2, 5);
	CU_ASSERT(k1 != 0 && k2 != 0 && k1 != k2);
	CU_ASSERT_EQUAL(place_hist_key("/src", a1, 5), k1);
	CU_ASSERT(place_hist_key("/other", a1, 5) != k1);
	CU_ASSERT(place_hist_key("/src", a1, 4) != k1);
	CU_ASSERT(place_hist_key(NULL, NULL, 0) != 0);
	/* unknown: 0; 300 ms for 100 KiB at 1 ms/KiB: cost 3 */
	CU_ASSERT_EQUAL(place_hist_cost(&h, k1), 0);
	place_hist_note(&h, k1, 300, 100 * 1024, 1.0, 1.0);
	CU_ASSERT(fabs(place_hist_cost(&h, k1) - 3.0) < 1e-9);
	CU_ASSERT_EQUAL(place_hist_cost(&h, k2), 0);
	/* a 2x faster host, and a job that shared its CPU (stretch 2) */
	place_hist_note(&h, k2, 100, 100 * 1024, 2.0, 0.5);
	CU_ASSERT(fabs(place_hist_cost(&h, k2) - 1.0) < 1e-9);
	/* the next compile counts half */
	place_hist_note(&h, k1, 100, 100 * 1024, 1.0, 1.0);
	CU_ASSERT(fabs(place_hist_cost(&h, k1) - 2.0) < 1e-9);
	/* nonsense is ignored */
	place_hist_note(&h, k1, NAN, 100 * 1024, 1.0, 1.0);
	place_hist_note(&h, k1, 100, 0, 1.0, 1.0);
	place_hist_note(&h, k1, 100, 1024, 1.0, 0);
	place_hist_note(&h, k1, -1, 1024, 1.0, 1.0);
	place_hist_note(&h, 0, 100, 1024, 1.0, 1.0);
	CU_ASSERT(fabs(place_hist_cost(&h, k1) - 2.0) < 1e-9);
	CU_ASSERT_EQUAL(place_hist_cost(&h, 0), 0);
	/* a full set: the least recently noted key goes */
	memset(&h, 0, sizeof(h));
	for (i = 0; i < PLACE_HIST_WAYS; i++)	/* all in set 8 */
		place_hist_note(&h, 8 + i * PLACE_HIST_SLOTS, 100, 1024, 1.0,
		    1.0);
	place_hist_note(&h, 8, 100, 1024, 1.0, 1.0);	/* noted again */
	place_hist_note(&h, 8 + PLACE_HIST_WAYS * PLACE_HIST_SLOTS, 100, 1024,
	    1.0, 1.0);
	CU_ASSERT(place_hist_cost(&h, 8) > 0);
	CU_ASSERT_EQUAL(place_hist_cost(&h, 8 + PLACE_HIST_SLOTS), 0);
	for (i = 2; i <= PLACE_HIST_WAYS; i++)
		CU_ASSERT(place_hist_cost(&h, 8 + i * PLACE_HIST_SLOTS) > 0);
}

static void
test_cost(void)
{
	struct place_cand c[2];
	struct place_ctx x = ctx(3, 0);
	struct place_job j = { 100 * 1024, 0 }, jl = { 100 * 1024, 4.0 };
	struct place_speed s1, s2;
	size_t		 out[PLACE_OFFER_MAX];
	double		 e1, e4, fixed;

	/* the compile part of the estimate scales with the cost */
	c[0] = ecand(8, 8, 0, 1.0);
	e1 = place_eta(&c[0], &x, &j, 0, NULL);
	e4 = place_eta(&c[0], &x, &jl, 0, NULL);
	fixed = e1 - 100.0;
	CU_ASSERT(fabs(e4 - fixed - 400.0) < 1e-6);
	x.local_idle = 1;
	CU_ASSERT(fabs(place_eta_local(&x, &jl) - 4 *
	    place_eta_local(&x, &j)) < 1e-6);
	x.local_idle = 0;
	/*
	 * late binding, jobs ahead counted at the mean size: a 3x host with
	 * every slot busy and 4 offers queued, a 2x host idle.  A job of
	 * cost 1 goes to the idle one; a 4x longer one waits for the fast.
	 */
	x.mean_kb = 100;
	x.offer_power = 0.1;	/* the best only, for the test */
	c[0] = ecand(8, 0, 0, 1.0 / 3);
	c[0].waiting = 4;
	c[1] = ecand(8, 8, 0, 0.5);
	CU_ASSERT_EQUAL(place_offer(c, 2, &x, &j, 0, out, 1), 1);
	CU_ASSERT_EQUAL(out[0], 1);
	CU_ASSERT_EQUAL(place_offer(c, 2, &x, &jl, 0, out, 1), 1);
	CU_ASSERT_EQUAL(out[0], 0);
	/* mean_kb 0: as before, the queue stretches the job by its own size */
	x.mean_kb = 0;
	CU_ASSERT(fabs(place_eta_wait(&c[0], &x, &jl, 0) - fixed -
	    400.0 / 3 * 13 / 8) < 1e-6);
	/* a long job does not make its host look slow */
	memset(&s1, 0, sizeof(s1));
	memset(&s2, 0, sizeof(s2));
	place_learn(&s1, 100, 100 * 1024, 1.0);
	place_learn_job(&s2, 400, &jl, 1.0);
	CU_ASSERT(fabs(s1.ms_per_kb - s2.ms_per_kb) < 1e-9);
	place_learn_job(&s2, 100, &j, 1.0);
	CU_ASSERT(fabs(s1.ms_per_kb - s2.ms_per_kb) < 1e-9);
}

/* no history: a cost from the code bytes, relative to the mean job's */
static void
test_code_cost(void)
{
	struct place_ctx x;
	double	 k = PLACE_CODE_WEIGHT;

	memset(&x, 0, sizeof(x));
	/* the mean unknown, or no input: unknown (0) */
	CU_ASSERT_EQUAL(place_code_cost(&x, 1000, 100), 0);
	x.code_frac = 0.1;
	CU_ASSERT_EQUAL(place_code_cost(&x, 0, 0), 0);
	/* a job of the mean's share costs 1, more code more */
	CU_ASSERT(fabs(place_code_cost(&x, 1000, 100) - 1) < 1e-9);
	CU_ASSERT(fabs(place_code_cost(&x, 1000, 300) - (1 + 0.3 * k) /
	    (1 + 0.1 * k)) < 1e-9);
	/* no code at all: only the headers' share */
	CU_ASSERT(fabs(place_code_cost(&x, 1000, 0) - 1 / (1 + 0.1 * k)) <
	    1e-9);
	/* more code than input: clamped to all of it */
	CU_ASSERT(fabs(place_code_cost(&x, 1000, 5000) - (1 + k) /
	    (1 + 0.1 * k)) < 1e-9);
	/* a nonsense mean: unknown */
	x.code_frac = 2;
	CU_ASSERT_EQUAL(place_code_cost(&x, 1000, 100), 0);
	x.code_frac = NAN;
	CU_ASSERT_EQUAL(place_code_cost(&x, 1000, 100), 0);
}

int
init_place_tests(void)
{
	CU_pSuite s = CU_add_suite("place", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "free slot estimate", test_free_estimate) ||
	    !CU_add_test(s, "queue", test_queue) ||
	    !CU_add_test(s, "backoff", test_backoff) ||
	    !CU_add_test(s, "finish time estimate", test_eta) ||
	    !CU_add_test(s, "prefers fast and idle", test_prefers_fast_idle) ||
	    !CU_add_test(s, "learns speed", test_learn) ||
	    !CU_add_test(s, "local competes", test_local) ||
	    !CU_add_test(s, "no herding", test_herd) ||
	    !CU_add_test(s, "backoff respected", test_backoff_respected) ||
	    !CU_add_test(s, "deterministic", test_deterministic) ||
	    !CU_add_test(s, "late binding offers", test_offer) ||
	    !CU_add_test(s, "per-file history", test_hist) ||
	    !CU_add_test(s, "job cost", test_cost) ||
	    !CU_add_test(s, "cost from code", test_code_cost))
		return -1;
	return 0;
}
