/*
 * sim.c - a discrete-event simulator of compile placement on a LAN.
 *
 * Replays a build recorded by tools/sim/record.sh (per file: preprocess
 * ms, compile ms, bytes in and out) for U users at once, each on his own
 * 4-core client running make -jN, over H compile hosts of 1x..3x speed,
 * a quarter of them desktops whose owners' foreign load comes and goes,
 * on a 1 Gbit/s LAN.  These policies place the jobs:
 *
 *   ccpool         late binding (place_late()), the wire protocol: the
 *                  agent offers each job (OFFR) to servers drawn by the
 *                  real place_offer() from adverts that carry the
 *                  servers' speed; a server pulls (PULL) offers while it
 *                  has a free slot, largest job first; the first pull
 *                  gets the job, the other offers and late pulls get a
 *                  DROP.  With a warm per-file history (place_job.cost).
 *   ccpool-cold    the same without the history: the first build.
 *   ccpool-push    the previous protocol: the real place_choose() on each
 *                  user's view (adverts rate-limited by the real
 *                  disc_info_meaningful_change and DISC_PUBLISH_INTERVAL_MS,
 *                  its own jobs in flight, speeds learned from reports,
 *                  backoff after a BUSY answer); servers run slots jobs
 *                  and queue as many, then answer BUSY.
 *   distcc         every client walks the same host list (localhost/2
 *                  first) and takes the first host where it holds a free
 *                  slot lock; servers queue without bound.
 *   icecream       one central scheduler with a global queue and exact
 *                  state gives each job to the fastest host with a free
 *                  slot; -1p: the same as one process with a finite rate;
 *                  -fail: and it dies mid-build.
 *
 * The SIM_* environment variables (see main()) override late binding's
 * parameters, to explore them with -1 (SIM_HEDGE=1.4: hedged copies on
 * servers that much faster, not part of the protocol; SIM_DEBUG=n: the
 * n jobs that finished last).
 *
 * CPUs are shared: a machine runs its jobs at speed * min(1, free CPUs /
 * jobs), where the owner's foreign load takes its CPUs first (our jobs run
 * at idle priority).  Everything is deterministic for a seed.
 *
 * Start reading at main(), then run_one() and the event handlers.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/place.h"
#include "discovery/disc_publish.h"
#include "discovery/disc_txt.h"

#define SIM_RTT_MS	0.5
#define SIM_BW		125000.0	/* bytes per ms: 1 Gbit/s */
#define SIM_LCORES	4		/* cores of each user's client */
#define SIM_DISTCC_LOCAL 2		/* distcc's localhost/2 */
#define SIM_TRIES	3		/* as AGENT_MAX_TRIES */
#define SIM_ON_MS	20000.0		/* mean busy period of an owner */
#define SIM_OFF_MS	40000.0		/* mean idle period */
#define SIM_MINSHARE	0.02		/* idle priority still gets this */
#define SIM_EV_MAX	50000000UL	/* bound on events per run */
#define SIM_OFFERS_MAX	8
static unsigned	 sim_offers = 8;	/* late binding: offers per job */
#define SIM_SCHED_MS	0.05		/* icecream-1p: per message */
#define SIM_SCHED_FAIL_MS 300.0		/* icecream-fail: scheduler dies */
#define SIM_TARGET	1.10		/* issue 17: ccpool / icecream */
static double	 sim_steal = 1.0;	/* late binding: see lb_local() */
static double	 sim_oratio = 0;	/* place_ctx.offer_ratio */
static double	 sim_opower = 0;	/* place_ctx.offer_power */
static double	 sim_stagger = 0;	/* ms before the other offers */
static double	 sim_sfactor = 0;
static double	 sim_tol = 0;
static int	 sim_lpt = 1;
static int	 sim_hist = 1;		/* warm per-file history */
static int	 sim_meankb = 1;	/* place_ctx.mean_kb set */
static int	 sim_pullcost = 0;	/* servers pull by expected ms */
static int	 sim_code = 1;		/* no history: place_code_cost */
static int	 sim_prior = 1;		/* place_rate: the advert a prior */
static int	 sim_fresh = 1;
static double	 sim_hedge = 0;	/* speed-up a hedge needs; 0: none */

enum { POL_CCPOOL, POL_COLD, POL_PUSH, POL_DISTCC, POL_ICECREAM, POL_ICE1,
	POL_ICEFAIL, POL_N };
static const char *polname[POL_N] = { "ccpool", "ccpool-cold",
	"ccpool-push", "distcc", "icecream", "icecream-1p", "icecream-fail" };
#define IS_LATE(p)	((p) == POL_CCPOOL || (p) == POL_COLD)
#define IS_CCPOOL(p)	(IS_LATE(p) || (p) == POL_PUSH)
#define HEDGING(s)	(IS_LATE((s)->pol) && sim_hedge > 0)
#define IS_ICE(p)	((p) == POL_ICECREAM || (p) == POL_ICE1 || \
			    (p) == POL_ICEFAIL)

struct fifo {
	int		*v;
	unsigned	 head, len, cap;
};

struct tfile {
	char		 name[96];
	double		 pre_ms, comp_ms;
	uint64_t	 in, out;
	uint64_t	 code;		/* bytes outside system headers */
	int		 has_code;	/* the trace has that column */
};

/* A machine: compile host or client.  Processor sharing over its tasks. */
struct mach {
	double		 speed;
	unsigned	 cpus, slots, qcap;
	int		 desktop, owner_on;
	double		 fdemand;	/* CPUs the owner uses now */
	uint64_t	 frng;		/* the owner's own random stream */
	int		*run;		/* job ids */
	unsigned	 nrun, caprun;
	struct fifo	 q;		/* jobs waiting for a slot */
	double		 last;
	uint64_t	 ver;
	double		 busy;		/* integral of CPUs used by us */
	unsigned	 assigned;	/* icecream: jobs given by scheduler */
	struct fifo	 rq;		/* late binding: offers queued */
	unsigned	 inbound;	/* pulled, job not here yet */
	struct disc_info cur, sent;	/* advert */
	double		 sent_t;
	int		 adv_pending;
	unsigned long	 npub;
};

enum { J_PRE, J_PLACED, J_REMOTE, J_LOCAL };

struct sjob {
	int		 user, file, state, host, mach;
	double		 rem, t_run, stretch;
	unsigned	 ntried;
	int		 tried[SIM_TRIES];
	int		 offer[SIM_OFFERS_MAX];	/* resv ids; -1: none */
	unsigned	 noffer;
	double		 t_ready;	/* offered at */
	int		 copy;		/* its hedge (id), or -1 */
	int		 orig;		/* a hedge: the job it copies; else -1 */
	int		 done, killed;
	double		 t_pre, t_go, t_end;	/* SIM_DEBUG */
	double		 cost;		/* place_job.cost it was placed with */
};

/* A late-binding offer (a reservation) of one job to one host. */
enum { R_NEW, R_SENT, R_QUEUED, R_PULLED, R_DEAD };
struct resv {
	int		 job, host, state;
};

struct user {
	int		 mach;
	unsigned	 next, running, jmax, npre;
	struct fifo	 prewait;	/* jobs waiting to preprocess */
	struct fifo	 dwait;		/* distcc: jobs waiting for a lock */
	unsigned	*locks;		/* distcc: per host, [nhosts] local */
	unsigned	*inflight;	/* ccpool */
	struct place_backoff *bo;
	struct place_speed *sp;
	struct place_ctx ctx;
	struct fifo	 pend;		/* late binding: jobs offered */
	struct place_hist *hist;	/* per-file history (place_hist) */
	struct disc_info *view;		/* hosts as their last message said */
	double		*viewt;		/* ... at this time; 0: never */
	unsigned	*vwait;		/* ... with this many offers queued */
};

enum { EV_MDONE, EV_ARRIVE, EV_RESULT, EV_BUSY, EV_FOREIGN, EV_ADVERT,
	EV_SREQ, EV_SFREE, EV_OFFER, EV_PULL, EV_DROP, EV_STALE,
	EV_SREQ_IN, EV_SFREE_IN, EV_STEAL, EV_OFFER_SEND, EV_KILL, EV_SDIE };

struct ev {
	double		 t;
	uint64_t	 seq, ver;
	int		 type, a;
};

struct sim {
	int		 pol;
	const struct tfile *tf;
	unsigned	 nfiles, nhosts, nusers;
	struct mach	*m;		/* nhosts hosts, then nusers clients */
	struct user	*u;
	struct sjob	*j;
	unsigned	 njobs, ndone;
	struct ev	*heap;
	size_t		 nheap, capheap;
	uint64_t	 seq;
	unsigned long	 nev;
	double		 now, makespan;
	struct fifo	 sq;		/* icecream: the global queue */
	struct place_cand *cand;
	struct resv	*rv;		/* late binding: every offer */
	unsigned	 nrv, caprv;
	size_t		*pick;
	uint64_t	*hkey;		/* per file: its place_hist_key() */
	int		 hist;		/* the policy knows that history */
	double		 sbusy;		/* icecream-1p: scheduler busy until */
	/* results */
	unsigned long	 nbusy, nlocal, nremote, nmsg, nstale, nhedge;
};

static unsigned	 desktop_pct = 25;	/* -d */
static unsigned	 nseeds = 20;		/* -n: the table averages these */

static void	*xcalloc(size_t, size_t);

static void *
xcalloc(size_t n, size_t sz)
{
	void	*p;

	if ((p = calloc(n ? n : 1, sz)) == NULL) {
		perror("sim: calloc");
		exit(2);
	}
	return p;
}

static double
urand(uint64_t *r)
{
	return (double)(place_random(r) >> 11) / 9007199254740992.0;
}

static double
exprand(uint64_t *r, double mean)
{
	return -mean * log(1.0 - urand(r));
}

/* Events: a binary heap ordered by time, then by insertion. */

static int
ev_less(const struct ev *a, const struct ev *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void
ev_push(struct sim *s, double t, int type, int a, uint64_t ver)
{
	struct ev	 e, tmp;
	size_t		 i;

	if (s->nheap == s->capheap) {
		s->capheap = s->capheap ? s->capheap * 2 : 1024;
		struct ev *nh = realloc(s->heap, s->capheap * sizeof(*nh));

		if (nh == NULL) {
			perror("sim: realloc");
			exit(2);
		}
		s->heap = nh;
	}
	e.t = t;
	e.seq = s->seq++;
	e.type = type;
	e.a = a;
	e.ver = ver;
	i = s->nheap++;
	s->heap[i] = e;
	while (i > 0 && ev_less(&s->heap[i], &s->heap[(i - 1) / 2])) {
		tmp = s->heap[i];
		s->heap[i] = s->heap[(i - 1) / 2];
		s->heap[(i - 1) / 2] = tmp;
		i = (i - 1) / 2;
	}
}

static struct ev
ev_pop(struct sim *s)
{
	struct ev	 top = s->heap[0], tmp;
	size_t		 i = 0, c;

	s->heap[0] = s->heap[--s->nheap];
	for (;;) {
		c = 2 * i + 1;
		if (c >= s->nheap)
			break;
		if (c + 1 < s->nheap && ev_less(&s->heap[c + 1], &s->heap[c]))
			c++;
		if (!ev_less(&s->heap[c], &s->heap[i]))
			break;
		tmp = s->heap[i];
		s->heap[i] = s->heap[c];
		s->heap[c] = tmp;
		i = c;
	}
	return top;
}

/* Machines: processor sharing. */

static double
m_avail(const struct mach *m)
{
	double	 a = (double)m->cpus - m->fdemand;

	return a < SIM_MINSHARE * m->cpus ? SIM_MINSHARE * m->cpus : a;
}

static double
m_rate(const struct mach *m)
{
	double	 a = m_avail(m);

	if (m->nrun == 0)
		return 0;
	return m->speed * (a >= m->nrun ? 1.0 : a / m->nrun);
}

static void
m_advance(struct sim *s, struct mach *m)
{
	double	 dt = s->now - m->last, r = m_rate(m), a;
	unsigned i;

	if (dt > 0 && m->nrun > 0) {
		for (i = 0; i < m->nrun; i++)
			s->j[m->run[i]].rem -= dt * r;
		a = m_avail(m);
		m->busy += dt * (a < m->nrun ? a : m->nrun);
	}
	m->last = s->now;
}

static void
m_resched(struct sim *s, struct mach *m)
{
	double	 r, min = -1;
	unsigned i;

	m->ver++;
	if (m->nrun == 0)
		return;
	r = m_rate(m);
	for (i = 0; i < m->nrun; i++)
		if (min < 0 || s->j[m->run[i]].rem < min)
			min = s->j[m->run[i]].rem;
	if (min < 1e-6)
		min = 0;	/* due now: rounding must not loop */
	ev_push(s, s->now + min / r, EV_MDONE, (int)(m - s->m), m->ver);
}

/* Start job id on machine m with work ms (at speed 1). */
static void
m_start(struct sim *s, struct mach *m, int id, double work)
{
	m_advance(s, m);
	if (m->nrun == m->caprun) {
		m->caprun = m->caprun ? m->caprun * 2 : 16;
		int *nr = realloc(m->run, m->caprun * sizeof(*nr));

		if (nr == NULL) {
			perror("sim: realloc");
			exit(2);
		}
		m->run = nr;
	}
	m->run[m->nrun++] = id;
	s->j[id].rem = work;
	s->j[id].mach = (int)(m - s->m);
	s->j[id].t_run = s->now;
	m_resched(s, m);
}

/* FIFOs of job ids; a job is in a given FIFO at most once: cap = jobs. */
static void
fifo_init(struct fifo *f, unsigned cap)
{
	f->v = xcalloc(cap, sizeof(int));
	f->cap = cap;
	f->head = f->len = 0;
}

static void
fifo_push(struct fifo *f, int v)
{
	if (f->len == f->cap) {
		fprintf(stderr, "sim: FIFO overflow\n");
		exit(2);
	}
	f->v[(f->head + f->len++) % f->cap] = v;
}

static int
fifo_pop(struct fifo *f)
{
	int	 v = f->v[f->head];

	f->head = (f->head + 1) % f->cap;
	f->len--;
	return v;
}

/* Adverts (ccpool): the real meaningful-change test and rate limit. */

static void
adv_fill(struct mach *m)
{
	unsigned used = m->nrun + m->q.len;

	m->cur.slots = m->slots;
	m->cur.free_slots = used >= m->slots ? 0 : m->slots - used;
	m->cur.load = (unsigned)(100.0 * m->fdemand / m->cpus + 0.5);
	if (m->cur.load > 100)
		m->cur.load = 100;
}

/* The figures of m changed; force: the interval is over (EV_ADVERT). */
static void
adv_send(struct sim *s, struct mach *m, int force)
{
	if (!IS_CCPOOL(s->pol))
		return;
	adv_fill(m);
	if (!disc_info_meaningful_change(&m->sent, &m->cur))
		return;
	if (force || s->now - m->sent_t >= DISC_PUBLISH_INTERVAL_MS) {
		m->sent = m->cur;
		m->sent_t = s->now;
		m->npub++;
	} else if (!m->adv_pending) {
		m->adv_pending = 1;
		ev_push(s, m->sent_t + DISC_PUBLISH_INTERVAL_MS, EV_ADVERT,
		    (int)(m - s->m), 0);
	}
}

static void
adv_touch(struct sim *s, struct mach *m)
{
	adv_send(s, m, 0);
}

/* Jobs. */

static void	place(struct sim *, int);
struct user;
static double	local_ms(const struct user *, const struct sjob *,
		    const struct sim *);
static void	make_start(struct sim *, struct user *);

static void
send_remote(struct sim *s, int id, int h, double delay)
{
	const struct tfile *f = &s->tf[s->j[id].file];

	s->j[id].host = h;
	s->j[id].t_go = s->now;
	s->j[id].state = J_REMOTE;
	s->nremote++;
	ev_push(s, s->now + delay + SIM_RTT_MS / 2 + (double)f->in / SIM_BW,
	    EV_ARRIVE, id, 0);
}

static void
run_local(struct sim *s, int id)
{
	struct user *u = &s->u[s->j[id].user];

	s->j[id].state = J_LOCAL;
	s->j[id].host = -1;
	s->j[id].t_go = s->now;
	s->nlocal++;
	m_start(s, &s->m[u->mach], id, s->tf[s->j[id].file].comp_ms);
}

/* The candidates as user u sees them for job j. */
static void
fill_cand(struct sim *s, struct sjob *j, struct user *u)
{
	unsigned	 h, k;

	for (h = 0; h < s->nhosts; h++) {
		struct place_cand *c = &s->cand[h];
		struct mach *m = &s->m[h];

		memset(c, 0, sizeof(*c));
		c->eligible = 1;
		for (k = 0; k < j->ntried; k++)
			if (j->tried[k] == (int)h)
				c->eligible = 0;
		c->slots = m->sent.slots;
		c->free_slots = m->sent.free_slots;
		c->inflight = u->inflight[h];
		c->down_until = u->bo[h].down_until;
		c->cpus = m->cpus;
		c->load = m->sent.load;
		c->rtt_ms = SIM_RTT_MS;
		c->ms_per_kb = u->sp[h].ms_per_kb;
		/* the advert's measured speed (late binding's servers) */
		if (IS_LATE(s->pol)) {
			c->speed = m->speed;
			if (sim_prior)
				c->ms_per_kb = place_rate(&u->sp[h],
				    u->ctx.local.ms_per_kb / m->speed);
			if (sim_fresh && u->viewt[h] > m->sent_t) {
				c->free_slots = u->view[h].free_slots;
				c->load = u->view[h].load;
				c->waiting = u->vwait[h];
			}
		}
	}
}

static void
place_ccpool(struct sim *s, int id)
{
	struct sjob	*j = &s->j[id];
	struct user	*u = &s->u[j->user];
	struct mach	*cl = &s->m[u->mach];
	struct place_job pj;
	int		 r;
	uint64_t	 now = (uint64_t)s->now;

	fill_cand(s, j, u);
	memset(&pj, 0, sizeof(pj));
	pj.in_bytes = s->tf[j->file].in;
	u->ctx.local_idle = cl->nrun >= cl->cpus ? 0 : cl->cpus - cl->nrun;
	r = place_choose(s->cand, s->nhosts, &u->ctx, &pj, now);
	if (r < 0) {
		run_local(s, id);
		return;
	}
	place_eta(&s->cand[r], &u->ctx, &pj, now, &j->stretch);
	u->inflight[r]++;
	s->nmsg += 2;	/* job, answer */
	send_remote(s, id, r, 0);
}

/*
 * Late binding.  The client offers a job to SIM_OFFERS hosts chosen by
 * place_offer(); a host queues offers and, while it has a usable slot,
 * pulls the oldest: the client sends the job to the first host that
 * pulls it and cancels its other offers; a pull for a job already gone
 * gets NONE.  A host's usable slots are its slots less the CPUs its
 * owner uses (it knows them exactly, unlike an advert).
 */
static unsigned
lb_usable(const struct mach *m)
{
	double	 a = (double)m->cpus - m->fdemand + sim_tol * m->cpus;
	unsigned n = a <= 0 ? 0 : (unsigned)(a + 0.5);

	return n < m->slots ? n : m->slots;
}

/*
 * The offer a host pulls first: the largest job (longest processing
 * time first), the oldest among equals; drops cancelled offers on the
 * way.  -1: none left.
 */
static int
lb_take(struct sim *s, struct fifo *q)
{
	unsigned i, n = 0, best = 0;
	int	 r, found = 0;
	uint64_t sz, bsz = 0;

	for (i = 0; i < q->len; i++) {
		r = q->v[(q->head + i) % q->cap];
		if (s->rv[r].state == R_DEAD)
			continue;
		q->v[(q->head + n) % q->cap] = r;
		sz = s->tf[s->j[s->rv[r].job].file].in;
		if (sim_pullcost && s->j[s->rv[r].job].cost > 0)
			sz = (uint64_t)(sz * s->j[s->rv[r].job].cost);
		if (!found || sz > bsz) {
			best = n;
			bsz = sz;
			found = 1;
		}
		n++;
	}
	q->len = n;
	if (!found)
		return -1;
	r = q->v[(q->head + best) % q->cap];
	for (i = best; i + 1 < n; i++)
		q->v[(q->head + i) % q->cap] = q->v[(q->head + i + 1) % q->cap];
	q->len--;
	return r;
}

static void
lb_pump(struct sim *s, struct mach *m)
{
	int	 r;

	while (m->rq.len > 0 && m->nrun + m->inbound < lb_usable(m)) {
		r = sim_lpt ? lb_take(s, &m->rq) : fifo_pop(&m->rq);
		if (r < 0)
			break;
		if (s->rv[r].state == R_DEAD)
			continue;	/* cancelled while queued */
		s->rv[r].state = R_PULLED;
		m->inbound++;
		s->nmsg++;
		ev_push(s, s->now + SIM_RTT_MS / 2, EV_PULL, r, 0);
	}
}

static void
lb_cancel_others(struct sim *s, struct sjob *j, int keep)
{
	unsigned k, nk = 0;
	int	 r;

	for (k = 0; k < j->noffer; k++) {
		r = j->offer[k];
		if (r == keep || s->rv[r].state == R_DEAD ||
		    s->rv[r].state == R_PULLED)
			continue;
		if (keep >= 0 && HEDGING(s) && s->m[s->rv[r].host].speed >=
		    sim_hedge * s->m[s->rv[keep].host].speed) {
			j->offer[nk++] = r;	/* may hedge the job */
			continue;
		}
		if (s->rv[r].state == R_NEW) {	/* never sent */
			s->rv[r].state = R_DEAD;
			s->u[j->user].inflight[s->rv[r].host]--;
			continue;
		}
		s->nmsg++;
		ev_push(s, s->now + SIM_RTT_MS / 2, EV_DROP, r, 0);
	}
	j->noffer = nk;
}

/*
 * When the k-th offer leaves: once the better ones had the time the job
 * would lose on the k-th host (its expected finish less the best's), or
 * sim_stagger at least.
 */
static double
lb_delay(struct sim *s, struct user *u, const struct place_job *pj,
    size_t k)
{
	uint64_t now = (uint64_t)s->now;
	double	 d;

	d = sim_sfactor * (place_eta_wait(&s->cand[s->pick[k]], &u->ctx, pj,
	    now) - place_eta_wait(&s->cand[s->pick[0]], &u->ctx, pj, now));
	return d > sim_stagger ? d : sim_stagger;
}

static void
place_late(struct sim *s, int id)
{
	struct sjob	*j = &s->j[id];
	struct user	*u = &s->u[j->user];
	struct mach	*cl = &s->m[u->mach];
	struct place_job pj;
	size_t		 n, k;
	uint64_t	 now = (uint64_t)s->now;
	int		 r;

	fill_cand(s, j, u);
	pj.in_bytes = s->tf[j->file].in;
	pj.cost = s->hist ? place_hist_cost(u->hist, s->hkey[j->file]) :
	    sim_code && s->tf[j->file].has_code ? place_code_cost(&u->ctx,
	    pj.in_bytes, s->tf[j->file].code) : 0;
	j->cost = pj.cost;
	u->ctx.local_idle = cl->nrun >= cl->cpus ? 0 : cl->cpus - cl->nrun;
	if (place_choose(s->cand, s->nhosts, &u->ctx, &pj, now) ==
	    PLACE_LOCAL) {
		run_local(s, id);
		return;
	}
	n = place_offer(s->cand, s->nhosts, &u->ctx, &pj, now, s->pick,
	    sim_offers);
	if (n == 0) {
		run_local(s, id);
		return;
	}
	j->noffer = 0;
	j->t_ready = s->now;
	for (k = 0; k < n; k++) {
		r = (int)s->nrv++;
		if (s->nrv > s->caprv) {
			fprintf(stderr, "sim: offers overflow\n");
			exit(2);
		}
		s->rv[r].job = id;
		s->rv[r].host = (int)s->pick[k];
		s->rv[r].state = R_NEW;
		j->offer[j->noffer++] = r;
		u->inflight[s->pick[k]]++;
		/* the best at once, the others if it has not pulled soon */
		ev_push(s, s->now + (k ? lb_delay(s, u, &pj, k) : 0),
		    EV_OFFER_SEND, r, 0);
	}
	fifo_push(&u->pend, id);
	ev_push(s, s->now + sim_steal * local_ms(u, j, s), EV_STEAL,
	    j->user, 0);
}

/* The local compile time the agent expects for j. */
static double
local_ms(const struct user *u, const struct sjob *j, const struct sim *s)
{
	return u->ctx.local.ms_per_kb * (double)s->tf[j->file].in / 1024 *
	    (j->cost > 0 ? j->cost : 1.0);
}

/*
 * A message from host h reaches user u: it carries the host's figures
 * (free slots, load, offers queued), fresher than its advert.
 */
static void
lb_heard(struct sim *s, struct user *u, int h)
{
	struct mach *m = &s->m[h];

	adv_fill(m);
	u->view[h] = m->cur;
	u->vwait[h] = m->rq.len;
	u->viewt[h] = s->now;
}

/*
 * A host at least sim_hedge times faster than the one running job id
 * pulled one of its offers: a copy runs there too, the first result
 * wins and the other copy is killed (tail at scale: hedged requests).
 */
static void
lb_hedge(struct sim *s, int id, int h)
{
	struct sjob	*j = &s->j[id];
	int		 c = id + (int)s->njobs;

	memset(&s->j[c], 0, sizeof(s->j[c]));
	s->j[c].user = j->user;
	s->j[c].file = j->file;
	s->j[c].orig = id;
	s->j[c].copy = -1;
	s->j[c].stretch = 1.0;
	s->j[c].cost = j->cost;
	j->copy = c;
	lb_cancel_others(s, j, -1);
	s->nhedge++;
	s->nmsg += 2;
	s->u[j->user].inflight[h]++;
	send_remote(s, c, h, 0);
	s->nremote--;	/* counted apart */
}

/* The other copy of a hedged job that finished: kill it. */
static void
lb_kill_other(struct sim *s, int id)
{
	struct sjob	*j = &s->j[id];
	int		 o = j->orig >= 0 ? j->orig : j->copy;

	if (o < 0 || s->j[o].done)
		return;
	s->j[o].done = 1;
	s->u[j->user].inflight[s->j[o].host]--;
	s->nmsg++;
	ev_push(s, s->now + SIM_RTT_MS / 2, EV_KILL, o, 0);
}

static void
on_kill(struct sim *s, int id)
{
	struct sjob	*j = &s->j[id];
	struct mach	*m = &s->m[j->host];
	unsigned	 i;

	for (i = 0; i < m->nrun; i++)
		if (m->run[i] == id)
			break;
	if (i == m->nrun) {
		j->killed = 1;	/* not there yet, or finished */
		return;
	}
	m_advance(s, m);
	m->run[i] = m->run[--m->nrun];
	m_resched(s, m);
	lb_pump(s, m);
}

/* An offer leaves the client, unless its job is placed already. */
static void
on_offer_send(struct sim *s, int r)
{
	struct resv *v = &s->rv[r];
	struct sjob *j = &s->j[v->job];

	if (v->state == R_DEAD)
		return;
	if (j->state != J_PLACED) {
		v->state = R_DEAD;
		s->u[j->user].inflight[v->host]--;
		return;
	}
	v->state = R_SENT;
	s->nmsg++;
	ev_push(s, s->now + SIM_RTT_MS / 2, EV_OFFER, r, 0);
}

/* An offer reaches its host. */
static void
on_offer(struct sim *s, int r)
{
	struct mach *m = &s->m[s->rv[r].host];

	if (s->rv[r].state == R_DEAD)
		return;		/* its cancel overtook it: forget it */
	s->rv[r].state = R_QUEUED;
	fifo_push(&m->rq, r);
	lb_pump(s, m);
}

/* A host's pull reaches the client: the job, or NONE. */
static void
on_pull(struct sim *s, int r)
{
	struct resv	*v = &s->rv[r];
	struct sjob	*j = &s->j[v->job];
	struct user	*u = &s->u[j->user];

	u->inflight[v->host]--;
	lb_heard(s, u, v->host);
	if (j->state == J_REMOTE && !j->done && j->copy < 0 &&
	    HEDGING(s) && s->m[v->host].speed >=
	    sim_hedge * s->m[j->host].speed) {
		lb_hedge(s, v->job, v->host);
		return;
	}
	if (j->state != J_PLACED) {
		s->nmsg++;
		s->nstale++;
		ev_push(s, s->now + SIM_RTT_MS / 2, EV_STALE, v->host, 0);
		return;
	}
	lb_cancel_others(s, j, r);
	j->stretch = 1.0;	/* a pulled job has a CPU to itself */
	s->nmsg += 2;	/* job, answer */
	u->inflight[v->host]++;		/* until its result */
	send_remote(s, v->job, v->host, 0);
}

static void
on_cancel(struct sim *s, int r)
{
	struct resv *v = &s->rv[r];
	struct user *u = &s->u[s->j[v->job].user];

	if (v->state == R_SENT || v->state == R_QUEUED) {
		v->state = R_DEAD;
		u->inflight[v->host]--;
	}
}

/*
 * A local core is free: the oldest offered job that has waited longer
 * than its local compile would take runs here instead.
 */
static void
lb_local(struct sim *s, struct user *u)
{
	struct mach	*cl = &s->m[u->mach];
	struct fifo	*f = &u->pend;
	struct sjob	*j;
	unsigned	 i, n = 0;
	int		 id;

	/* every job due, not only the oldest: their timeouts differ */
	for (i = 0; i < f->len; i++) {
		id = f->v[(f->head + i) % f->cap];
		j = &s->j[id];
		if (j->state != J_PLACED)
			continue;
		if (cl->nrun < cl->cpus &&
		    s->now - j->t_ready >= sim_steal * local_ms(u, j, s)) {
			lb_cancel_others(s, j, -1);
			run_local(s, id);
			continue;
		}
		f->v[(f->head + n++) % f->cap] = id;
	}
	f->len = n;
}

/* distcc: first entry of the list where this client holds a free lock. */
static int
distcc_slot(struct sim *s, struct user *u, int id)
{
	unsigned h;

	if (u->locks[s->nhosts] < SIM_DISTCC_LOCAL) {
		u->locks[s->nhosts]++;
		run_local(s, id);
		return 1;
	}
	for (h = 0; h < s->nhosts; h++)
		if (u->locks[h] < s->m[h].cpus) {
			u->locks[h]++;
			send_remote(s, id, (int)h, 0);
			return 1;
		}
	return 0;
}

static void
distcc_retry(struct sim *s, struct user *u)
{
	int	 id;

	while (u->dwait.len > 0) {
		id = u->dwait.v[u->dwait.head];
		if (!distcc_slot(s, u, id))
			break;
		(void)fifo_pop(&u->dwait);
	}
}

/*
 * icecream: the next job of the global queue: the oldest, or with the
 * history ccpool has (s->hist) the longest expected compile first.
 */
static int
sched_pop(struct sim *s)
{
	struct fifo	*q = &s->sq;
	unsigned	 i, best = 0;
	int		 id;

	if (!s->hist)
		return fifo_pop(q);
	for (i = 1; i < q->len; i++)
		if (s->tf[s->j[q->v[(q->head + i) % q->cap]].file].comp_ms >
		    s->tf[s->j[q->v[(q->head + best) % q->cap]].file].comp_ms)
			best = i;
	id = q->v[(q->head + best) % q->cap];
	for (i = best; i > 0; i--)
		q->v[(q->head + i) % q->cap] = q->v[(q->head + i - 1) % q->cap];
	q->head = (q->head + 1) % q->cap;
	q->len--;
	return id;
}

/* icecream: the scheduler gives queued jobs to the fastest free hosts. */
static void
sched_dispatch(struct sim *s)
{
	unsigned h, best;
	double	 v, bv;
	int	 id;

	while (s->sq.len > 0) {
		best = s->nhosts;
		bv = 0;
		for (h = 0; h < s->nhosts; h++) {
			struct mach *m = &s->m[h];
			double a = m_avail(m);

			if (m->assigned >= m->slots)
				continue;
			v = m->speed * (a >= m->assigned + 1 ? 1.0 :
			    a / (m->assigned + 1));
			if (best == s->nhosts || v > bv) {
				best = h;
				bv = v;
			}
		}
		if (best == s->nhosts)
			return;
		id = sched_pop(s);
		s->m[best].assigned++;
		/* the answer reaches the client, which then sends the job */
		send_remote(s, id, (int)best, SIM_RTT_MS / 2);
	}
}

/*
 * A message reaches the scheduler.  The idealised one handles it at
 * once; icecream-1p is one process that takes SIM_SCHED_MS per message,
 * in arrival order.
 */
static void
sched_msg(struct sim *s, int type, int a)
{
	double	 t = s->now;

	if (s->pol == POL_ICEFAIL && s->now >= SIM_SCHED_FAIL_MS) {
		/* no scheduler: icecream's daemon compiles locally */
		if (type == EV_SREQ_IN)
			run_local(s, a);
		return;
	}
	if (s->pol == POL_ICE1 || s->pol == POL_ICEFAIL) {
		t = (s->sbusy > s->now ? s->sbusy : s->now) + SIM_SCHED_MS;
		s->sbusy = t;
	}
	ev_push(s, t, type == EV_SREQ_IN ? EV_SREQ : EV_SFREE, a, 0);
}

static void
place(struct sim *s, int id)
{
	struct user *u = &s->u[s->j[id].user];

	s->j[id].state = J_PLACED;
	s->j[id].t_pre = s->now;
	switch (s->pol) {
	case POL_CCPOOL:
	case POL_COLD:
		place_late(s, id);
		break;
	case POL_PUSH:
		place_ccpool(s, id);
		break;
	case POL_DISTCC:
		if (u->dwait.len > 0 || !distcc_slot(s, u, id))
			fifo_push(&u->dwait, id);
		break;
	case POL_ICECREAM:
	case POL_ICE1:
	case POL_ICEFAIL:
		s->nmsg += 5;	/* request, answer, job, result, end */
		ev_push(s, s->now + SIM_RTT_MS / 2, EV_SREQ_IN, id, 0);
		break;
	}
}

static void
pre_start(struct sim *s, struct user *u, int id)
{
	u->npre++;
	s->j[id].state = J_PRE;
	m_start(s, &s->m[u->mach], id, s->tf[s->j[id].file].pre_ms);
}

static void
make_start(struct sim *s, struct user *u)
{
	int	 id;

	while (u->running < u->jmax && u->next < s->nfiles) {
		id = (int)((u - s->u) * s->nfiles + u->next);
		s->j[id].user = (int)(u - s->u);
		s->j[id].file = (int)u->next++;
		u->running++;
		if (u->npre < SIM_LCORES)
			pre_start(s, u, id);
		else
			fifo_push(&u->prewait, id);
	}
}

static void
job_done(struct sim *s, int id)
{
	struct user *u = &s->u[s->j[id].user];

	u->running--;
	s->j[id].t_end = s->now;
	s->ndone++;
	s->makespan = s->now;
	make_start(s, u);
}

/* A task finished on machine m. */
static void
task_done(struct sim *s, struct mach *m, int id)
{
	struct sjob	*j = &s->j[id];
	struct user	*u = &s->u[j->user];
	const struct tfile *f = &s->tf[j->file];
	int		 nid;

	if (j->state == J_PRE) {
		u->npre--;
		if (u->prewait.len > 0) {
			nid = fifo_pop(&u->prewait);
			pre_start(s, u, nid);
		}
		place(s, id);
		if (IS_LATE(s->pol))
			lb_local(s, u);
	} else if (j->state == J_LOCAL) {
		if (s->pol == POL_DISTCC) {
			u->locks[s->nhosts]--;
			distcc_retry(s, u);
		}
		if (IS_LATE(s->pol))
			lb_local(s, u);
		job_done(s, id);
	} else {	/* remote compile over: answer, next in queue */
		j->t_run = s->now - j->t_run;
		ev_push(s, s->now + SIM_RTT_MS / 2 + (double)f->out / SIM_BW,
		    EV_RESULT, id, 0);
		if (m->q.len > 0) {
			nid = fifo_pop(&m->q);
			m_start(s, m, nid, s->tf[s->j[nid].file].comp_ms);
		}
		if (IS_ICE(s->pol))
			ev_push(s, s->now + SIM_RTT_MS / 2, EV_SFREE_IN,
			    (int)(m - s->m), 0);
		if (IS_LATE(s->pol))
			lb_pump(s, m);
		adv_touch(s, m);
	}
}

static void
on_mdone(struct sim *s, struct mach *m)
{
	unsigned i;
	int	 done[64];
	unsigned nd = 0;

	m_advance(s, m);
	/* collect every task at (or within rounding of) its end */
	for (i = 0; i < m->nrun && nd < 64;) {
		if (s->j[m->run[i]].rem <= 1e-6) {
			done[nd++] = m->run[i];
			m->run[i] = m->run[--m->nrun];
		} else
			i++;
	}
	m_resched(s, m);
	for (i = 0; i < nd; i++)
		task_done(s, m, done[i]);
}

static void
on_arrive(struct sim *s, int id)
{
	struct sjob	*j = &s->j[id];
	struct mach	*m = &s->m[j->host];
	struct user	*u = &s->u[j->user];

	if (IS_LATE(s->pol)) {
		/* pulled: its slot was kept for it */
		m->inbound--;
		if (j->killed) {
			lb_pump(s, m);
			return;
		}
		m_start(s, m, id, s->tf[j->file].comp_ms);
	} else if (m->nrun < m->slots)
		m_start(s, m, id, s->tf[j->file].comp_ms);
	else if (!IS_CCPOOL(s->pol) || m->q.len < m->qcap) {
		j->t_run = -1;
		fifo_push(&m->q, id);
	} else {
		s->nbusy++;
		s->nmsg++;
		ev_push(s, s->now + SIM_RTT_MS / 2, EV_BUSY, id, 0);
		(void)u;
	}
	adv_touch(s, m);
}

static void
on_result(struct sim *s, int id)
{
	struct sjob	*j = &s->j[id];
	struct user	*u = &s->u[j->user];
	struct place_job pj;
	int		 h = j->host;

	if (IS_LATE(s->pol)) {
		lb_heard(s, u, h);
		if (j->done)	/* the other copy won (and counted it) */
			return;
		j->done = 1;
		lb_kill_other(s, id);
		lb_cancel_others(s, j, -1);
		if (j->orig >= 0) {
			u->inflight[h]--;
			s->j[j->orig].done = 1;
			job_done(s, j->orig);
			return;
		}
	}
	if (IS_CCPOOL(s->pol)) {
		u->inflight[h]--;
		place_succeeded(&u->bo[h]);
		/* the history first, from the host's speed as known so far */
		pj.in_bytes = s->tf[j->file].in;
		pj.cost = j->cost;
		if (s->hist)
			place_hist_note(u->hist, s->hkey[j->file], j->t_run,
			    pj.in_bytes, j->stretch, u->sp[h].ms_per_kb);
		place_learn_job(&u->sp[h], j->t_run, &pj, j->stretch);
	} else if (s->pol == POL_DISTCC) {
		u->locks[h]--;
		distcc_retry(s, u);
	}
	job_done(s, id);
}

static void
on_busy(struct sim *s, int id)
{
	struct sjob	*j = &s->j[id];
	struct user	*u = &s->u[j->user];
	int		 h = j->host;

	u->inflight[h]--;
	place_failed(&u->bo[h], (uint64_t)s->now);
	j->tried[j->ntried++] = h;
	if (j->ntried >= SIM_TRIES)
		run_local(s, id);
	else
		place(s, id);
}

static void
on_foreign(struct sim *s, struct mach *m)
{
	m_advance(s, m);
	m->owner_on = !m->owner_on;
	m->fdemand = m->owner_on ?
	    m->cpus * (0.5 + 0.5 * urand(&m->frng)) : 0;
	m_resched(s, m);
	adv_touch(s, m);
	if (IS_ICE(s->pol))
		sched_dispatch(s);
	if (IS_LATE(s->pol))
		lb_pump(s, m);
	ev_push(s, s->now + exprand(&m->frng, m->owner_on ? SIM_ON_MS :
	    SIM_OFF_MS), EV_FOREIGN, (int)(m - s->m), 0);
}

/* SIM_DEBUG: the jobs that finished last, and where they ran. */
static void
debug_tail(const struct sim *s)
{
	unsigned i, k, n = (unsigned)atoi(getenv("SIM_DEBUG"));
	const struct sjob *j;
	static char done[1 << 20];

	memset(done, 0, s->njobs);
	for (k = 0; k < n && k < s->njobs; k++) {
		int best = -1;

		for (i = 0; i < s->njobs; i++)
			if (!done[i] && (best < 0 ||
			    s->j[i].t_end > s->j[best].t_end))
				best = (int)i;
		done[best] = 1;
		j = &s->j[best];
		fprintf(stderr, "%s u%d %-28s pre_end %6.1f go %6.1f (+%5.1f) "
		    "end %6.1f host %4d speed %.1f comp %5.0f\n", polname[s->pol],
		    j->user, s->tf[j->file].name, j->t_pre, j->t_go,
		    j->t_go - j->t_pre, j->t_end, j->host,
		    j->host >= 0 ? s->m[j->host].speed : 1.0,
		    s->tf[j->file].comp_ms);
	}
}

struct result {
	double		 makespan, ideal, bound, util;
	unsigned long	 nbusy, nlocal, nremote, npub;
	double		 pubrate, msgs;	/* msgs: messages per remote job */
	double		 fbusy, flocal, fremote;	/* means, for averaging */
	double		 hedge, none;	/* hedged jobs, NONE answers */
};

/* x += y / n, figure by figure (counts rounded at the end). */
static void
result_add(struct result *x, const struct result *y, unsigned n)
{
	x->makespan += y->makespan / n;
	x->ideal += y->ideal / n;
	x->bound += y->bound / n;
	x->util += y->util / n;
	x->pubrate += y->pubrate / n;
	x->msgs += y->msgs / n;
	x->hedge += y->hedge / n;
	x->none += y->none / n;
	x->fbusy += (double)y->nbusy / n;
	x->flocal += (double)y->nlocal / n;
	x->fremote += (double)y->nremote / n;
	x->nbusy = (unsigned long)(x->fbusy + 0.5);
	x->nlocal = (unsigned long)(x->flocal + 0.5);
	x->nremote = (unsigned long)(x->fremote + 0.5);
}

static const unsigned cpuchoice[] = { 4, 4, 8, 8, 16 };

/*
 * One run: policy pol, nhosts hosts, nusers users, all starting at 0.
 * Hosts and owners' load depend only on seed and nhosts, so the three
 * policies meet the same LAN.
 */
static int
run_one(const struct tfile *tf, unsigned nfiles, int pol, unsigned nhosts,
    unsigned nusers, uint64_t seed, struct result *res)
{
	struct sim	 s;
	uint64_t	 r = seed ^ ((uint64_t)nhosts << 32);
	double		 cap = 0, comp = 0, pre = 0, longest = 0, slots = 0;
	double		 onfrac = SIM_ON_MS / (SIM_ON_MS + SIM_OFF_MS), busy = 0;
	double		 corems = 0;
	unsigned	 h, i, jmax;
	unsigned long	 npub = 0;
	struct ev	 e;

	memset(&s, 0, sizeof(s));
	s.pol = pol;
	s.hist = sim_hist && (pol == POL_CCPOOL || IS_ICE(pol));
	s.tf = tf;
	s.nfiles = nfiles;
	s.nhosts = nhosts;
	s.nusers = nusers;
	s.m = xcalloc(nhosts + nusers, sizeof(*s.m));
	s.u = xcalloc(nusers, sizeof(*s.u));
	s.njobs = nfiles * nusers;
	s.j = xcalloc(2 * s.njobs, sizeof(*s.j));	/* hedges after */
	for (i = 0; i < 2 * s.njobs; i++)
		s.j[i].copy = s.j[i].orig = -1;
	fifo_init(&s.sq, s.njobs);
	s.cand = xcalloc(nhosts, sizeof(*s.cand));
	s.pick = xcalloc(SIM_OFFERS_MAX, sizeof(*s.pick));
	s.caprv = s.njobs * sim_offers;
	s.rv = xcalloc(s.caprv, sizeof(*s.rv));

	for (h = 0; h < nhosts; h++) {
		struct mach *m = &s.m[h];

		m->speed = 1.0 + 0.5 * (double)(place_random(&r) % 5);
		m->cpus = cpuchoice[place_random(&r) % 5];
		m->slots = m->qcap = m->cpus;
		m->desktop = place_random(&r) % 100 < desktop_pct;
		m->frng = r ^ (h * 0x9e3779b97f4a7c15ULL);
		fifo_init(&m->q, s.njobs);
		fifo_init(&m->rq, s.caprv);
		cap += m->speed * m->cpus * (m->desktop ? 1 - onfrac * 0.75 :
		    1);
		slots += m->cpus;
		m->cur.cpus = m->cpus;
		m->cur.slots = m->slots;
		m->cur.free_slots = m->slots;
		m->sent = m->cur;
		m->sent_t = -DISC_PUBLISH_INTERVAL_MS;
		if (m->desktop) {
			/* start in a random phase */
			m->owner_on = urand(&m->frng) < onfrac;
			m->owner_on = !m->owner_on;
			s.now = 0;
			on_foreign(&s, m);
		}
	}
	for (i = 0; i < nfiles; i++) {
		comp += tf[i].comp_ms;
		pre += tf[i].pre_ms;
		if (tf[i].pre_ms + tf[i].comp_ms / 3.0 > longest)
			longest = tf[i].pre_ms + tf[i].comp_ms / 3.0;
	}
	/* make -jN: enough to fill each user's share of the cluster */
	jmax = (unsigned)ceil(slots / nusers) + SIM_LCORES;
	if (jmax < 2 * SIM_LCORES)
		jmax = 2 * SIM_LCORES;
	if (jmax > 256)
		jmax = 256;
	for (i = 0; i < nusers; i++) {
		struct user *u = &s.u[i];
		struct mach *cl = &s.m[nhosts + i];

		cl->speed = 1.0;
		cl->cpus = cl->slots = SIM_LCORES;
		u->mach = (int)(nhosts + i);
		u->jmax = jmax;
		fifo_init(&u->prewait, s.njobs);
		fifo_init(&u->dwait, s.njobs);
		fifo_init(&u->pend, s.njobs);
		u->view = xcalloc(nhosts, sizeof(*u->view));
		u->viewt = xcalloc(nhosts, sizeof(*u->viewt));
		u->vwait = xcalloc(nhosts, sizeof(*u->vwait));
		u->locks = xcalloc(nhosts + 1, sizeof(unsigned));
		u->inflight = xcalloc(nhosts, sizeof(unsigned));
		u->bo = xcalloc(nhosts, sizeof(*u->bo));
		u->sp = xcalloc(nhosts, sizeof(*u->sp));
		u->ctx.rng = seed * 1000003 + i;
		/* the agent knows its own speed from earlier local builds */
		u->ctx.local.ms_per_kb = 0;
		u->ctx.lan_bytes_per_ms = SIM_BW;
		u->ctx.offer_ratio = sim_oratio;
		u->ctx.offer_power = sim_opower;
		cap += SIM_LCORES;
	}
	{
		uint64_t in = 0, code = 0;

		for (i = 0; i < nfiles; i++) {
			in += tf[i].in;
			code += tf[i].code;
		}
		for (i = 0; i < nusers; i++) {
			s.u[i].ctx.local.ms_per_kb = comp / ((double)in / 1024);
			s.u[i].ctx.local.n = 100;
			if (sim_meankb && IS_LATE(pol))
				s.u[i].ctx.mean_kb = (double)in / 1024 / nfiles;
			/* what the agent's running means approach */
			s.u[i].ctx.code_frac = (double)code / (double)in;
		}
		/*
		 * The history's key of each file; a warm history: each
		 * file's local compile in an earlier build of the same tree.
		 */
		s.hkey = xcalloc(nfiles, sizeof(*s.hkey));
		for (i = 0; i < nfiles; i++) {
			char *argv[] = { "/usr/bin/cc", "-c",
			    (char *)tf[i].name };

			s.hkey[i] = place_hist_key("/home/user/ccpool", argv, 3);
		}
		for (i = 0; i < nusers && s.hist; i++) {
			s.u[i].hist = xcalloc(1, sizeof(*s.u[i].hist));
			for (h = 0; h < nfiles; h++)
				place_hist_note(s.u[i].hist, s.hkey[h],
				    tf[h].comp_ms, tf[h].in, 1.0,
				    s.u[i].ctx.local.ms_per_kb);
		}
	}
	for (h = 0; h < nhosts; h++)
		s.m[h].npub = 0;	/* the LAN saw the start state already */
	s.now = 0;
	if (pol == POL_ICEFAIL)
		ev_push(&s, SIM_SCHED_FAIL_MS, EV_SDIE, 0, 0);
	for (i = 0; i < nusers; i++)
		make_start(&s, &s.u[i]);

	while (s.ndone < s.njobs && s.nheap > 0 && s.nev < SIM_EV_MAX) {
		e = ev_pop(&s);
		s.nev++;
		s.now = e.t;
		switch (e.type) {
		case EV_MDONE:
			if (e.ver == s.m[e.a].ver)
				on_mdone(&s, &s.m[e.a]);
			break;
		case EV_ARRIVE:
			on_arrive(&s, e.a);
			break;
		case EV_RESULT:
			on_result(&s, e.a);
			break;
		case EV_BUSY:
			on_busy(&s, e.a);
			break;
		case EV_FOREIGN:
			on_foreign(&s, &s.m[e.a]);
			break;
		case EV_ADVERT:
			s.m[e.a].adv_pending = 0;
			adv_send(&s, &s.m[e.a], 1);
			break;
		case EV_SREQ:
			if (pol == POL_ICEFAIL && s.now >= SIM_SCHED_FAIL_MS) {
				run_local(&s, e.a);
				break;
			}
			fifo_push(&s.sq, e.a);
			sched_dispatch(&s);
			break;
		case EV_SDIE:	/* its queue is lost: the clients compile */
			while (s.sq.len > 0)
				run_local(&s, fifo_pop(&s.sq));
			break;
		case EV_SFREE:
			if (pol == POL_ICEFAIL && s.now >= SIM_SCHED_FAIL_MS)
				break;
			s.m[e.a].assigned--;
			sched_dispatch(&s);
			break;
		case EV_SREQ_IN:
		case EV_SFREE_IN:
			sched_msg(&s, e.type, e.a);
			break;
		case EV_OFFER:
			on_offer(&s, e.a);
			break;
		case EV_PULL:
			on_pull(&s, e.a);
			break;
		case EV_OFFER_SEND:
			on_offer_send(&s, e.a);
			break;
		case EV_KILL:
			on_kill(&s, e.a);
			break;
		case EV_STEAL:
			lb_local(&s, &s.u[e.a]);
			break;
		case EV_DROP:
			on_cancel(&s, e.a);
			break;
		case EV_STALE:
			s.m[e.a].inbound--;
			lb_pump(&s, &s.m[e.a]);
			break;
		}
	}
	if (s.ndone < s.njobs) {
		fprintf(stderr, "sim: %s H=%u U=%u stopped after %lu events "
		    "with %u of %u jobs done\n", polname[pol], nhosts, nusers,
		    s.nev, s.ndone, s.njobs);
		return -1;
	}
	for (h = 0; h < nhosts; h++) {
		m_advance(&s, &s.m[h]);
		busy += s.m[h].busy;
		corems += (double)s.m[h].cpus * s.makespan;
		npub += s.m[h].npub;
	}
	if (getenv("SIM_DEBUG"))
		debug_tail(&s);
	res->makespan = s.makespan;
	res->ideal = comp * nusers / cap;
	res->bound = res->ideal;
	if (longest > res->bound)
		res->bound = longest;
	if (pre / SIM_LCORES > res->bound)
		res->bound = pre / SIM_LCORES;
	res->util = corems > 0 ? busy / corems : 0;
	res->nbusy = s.nbusy;
	res->nlocal = s.nlocal;
	res->nremote = s.nremote;
	res->msgs = s.nremote > s.nbusy ? (double)s.nmsg /
	    (double)(s.nremote - s.nbusy) : 0;
	res->hedge = (double)s.nhedge;
	res->none = (double)s.nstale;
	res->npub = npub;
	res->pubrate = s.makespan > 0 ? npub / (s.makespan / 1000) : 0;

	for (h = 0; h < nhosts + nusers; h++) {
		free(s.m[h].run);
		free(s.m[h].q.v);
		free(s.m[h].rq.v);
	}
	for (i = 0; i < nusers; i++) {
		free(s.u[i].prewait.v);
		free(s.u[i].dwait.v);
		free(s.u[i].pend.v);
		free(s.u[i].view);
		free(s.u[i].viewt);
		free(s.u[i].vwait);
		free(s.u[i].locks);
		free(s.u[i].inflight);
		free(s.u[i].bo);
		free(s.u[i].sp);
		free(s.u[i].hist);
	}
	free(s.m);
	free(s.u);
	free(s.j);
	free(s.rv);
	free(s.pick);
	free(s.hkey);
	free(s.sq.v);
	free(s.cand);
	free(s.heap);
	return 0;
}

/* Trace: tab-separated, '#' comments, one header line. */
static struct tfile *
load_trace(const char *path, unsigned *n)
{
	FILE		*fp;
	char		 line[512];
	struct tfile	*tf = NULL, t;
	unsigned	 cap = 0;
	unsigned long long in, out, code;
	int		 k;

	*n = 0;
	if ((fp = fopen(path, "re")) == NULL) {
		fprintf(stderr, "sim: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (line[0] == '#' || strncmp(line, "file\t", 5) == 0)
			continue;
		memset(&t, 0, sizeof(t));
		k = sscanf(line, "%95[^\t]\t%lf\t%lf\t%llu\t%llu\t%llu",
		    t.name, &t.pre_ms, &t.comp_ms, &in, &out, &code);
		if (k < 5 || t.pre_ms < 0 || t.comp_ms < 0) {
			fprintf(stderr, "sim: %s: bad line: %s", path, line);
			exit(2);
		}
		t.in = in;
		t.out = out;
		t.code = k == 6 ? code : 0;
		t.has_code = k == 6;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			struct tfile *ntf = realloc(tf, cap * sizeof(*tf));

			if (ntf == NULL) {
				perror("sim: realloc");
				exit(2);
			}
			tf = ntf;
		}
		tf[(*n)++] = t;
	}
	fclose(fp);
	if (*n == 0) {
		fprintf(stderr, "sim: %s: no jobs\n", path);
		exit(2);
	}
	return tf;
}

static const unsigned hostset[] = { 10, 100, 1000 };
static const unsigned userset[] = { 1, 10, 50 };
#define NH	(sizeof(hostset) / sizeof(hostset[0]))
#define NU	(sizeof(userset) / sizeof(userset[0]))

static struct result results[NH][NU][POL_N];

/* mDNS: the size of a full advert and the packets its updates cost. */
struct mdns {
	int		 rdata;
	unsigned	 pkt4, pkt6, wire4, wire6;
	double		 pps, bps, mbit;
};

static void
mdns_figures(struct mdns *d, double updates_per_s)
{
	struct disc_info i;
	uint8_t		 buf[DISC_TXT_MAX];
	char		 err[128];
	unsigned	 k, name, msg;
	static const char *tcs[] = { "gcc", "g++", "clang", "clang++" };

	memset(&i, 0, sizeof(i));
	i.schema = DISC_TXT_SCHEMA;
	i.proto = 1;
	snprintf(i.cluster, sizeof(i.cluster), "default");
	snprintf(i.fingerprint, sizeof(i.fingerprint), "sha256:%064d", 0);
	i.cpus = 16;
	i.slots = 16;
	i.free_slots = 12;
	i.load = 35;
	i.mem_free_mb = 123456;
	i.ntc = 4;
	for (k = 0; k < i.ntc; k++)
		snprintf(i.tc[k], DISC_TC_LEN, "%s-12.2.0-x86_64-linux-gnu-"
		    "0123456789ab", tcs[k]);
	snprintf(i.security, sizeof(i.security), "open");
	i.status_port = 3634;
	d->rdata = disc_txt_encode(&i, buf, sizeof(buf), err, sizeof(err));
	if (d->rdata < 0) {
		fprintf(stderr, "sim: disc_txt_encode: %s\n", err);
		exit(2);
	}
	/* "build-host-0123._ccpool._tcp.local": 15-byte instance label */
	name = 1 + 15 + 1 + 7 + 1 + 4 + 1 + 5 + 1;
	msg = 12 + name + 10 + (unsigned)d->rdata;	/* header + TXT RR */
	d->pkt4 = msg + 8 + 20;
	d->pkt6 = msg + 8 + 40;
	/* Ethernet header + FCS, preamble and inter-frame gap */
	d->wire4 = d->pkt4 + 18 + 20;
	d->wire6 = d->pkt6 + 18 + 20;
	/* each update announced twice (RFC 6762 8.3, 8.4) on IPv4 and IPv6 */
	d->pps = updates_per_s * 2 * 2;
	d->bps = updates_per_s * 2 * (d->wire4 + d->wire6);
	d->mbit = d->bps * 8 / 1e6;
}

static double
svg_x(unsigned hosts, double x0, double w)
{
	return x0 + w * (log10(hosts) - 1) / 2;
}

static double
svg_y(double ratio, double y0, double h)
{
	double	 v = log10(ratio < 1 ? 1 : ratio);

	if (v > 4)
		v = 4;
	return y0 + h - h * v / 4;	/* 1 .. 10000 */
}

static int
write_svg(const char *path)
{
	static const char *color[POL_N] = { "#1f77b4", "#17becf", "#d62728",
		"#2ca02c", "#9467bd", "#8c564b" };
	FILE		*fp;
	unsigned	 u, h, p, t;
	double		 x0, y0 = 40, w = 200, ht = 220;

	if ((fp = fopen(path, "we")) == NULL) {
		fprintf(stderr, "sim: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"860\" "
	    "height=\"330\" font-family=\"sans-serif\" font-size=\"11\">\n"
	    "<rect width=\"860\" height=\"330\" fill=\"white\"/>\n"
	    "<text x=\"430\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">"
	    "makespan / ideal vs hosts (log-log), per concurrent users"
	    "</text>\n");
	for (u = 0; u < NU; u++) {
		x0 = 60 + u * 270.0;
		fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
		    "%u user%s</text>\n", x0 + w / 2, y0 - 6, userset[u],
		    userset[u] > 1 ? "s" : "");
		fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"none\" stroke=\"#888\"/>\n",
		    x0, y0, w, ht);
		for (t = 0; t <= 4; t++) {
			double y = y0 + ht - ht * t / 4;

			fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"#ddd\"/>\n", x0, y, x0 + w, y);
			fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"end\">%g</text>\n", x0 - 4, y + 4,
			    pow(10, t));
		}
		for (h = 0; h < NH; h++)
			fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"middle\">%u</text>\n",
			    svg_x(hostset[h], x0, w), y0 + ht + 14,
			    hostset[h]);
		fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
		    "hosts</text>\n", x0 + w / 2, y0 + ht + 28);
		for (p = 0; p < POL_N; p++) {
			fprintf(fp, "<polyline fill=\"none\" stroke=\"%s\" "
			    "stroke-width=\"2\" points=\"", color[p]);
			for (h = 0; h < NH; h++) {
				struct result *r = &results[h][u][p];

				fprintf(fp, "%s%.1f,%.1f", h ? " " : "",
				    svg_x(hostset[h], x0, w),
				    svg_y(r->makespan / r->ideal, y0, ht));
			}
			fprintf(fp, "\"/>\n");
			for (h = 0; h < NH; h++) {
				struct result *r = &results[h][u][p];

				fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" "
				    "r=\"3\" fill=\"%s\"/>\n",
				    svg_x(hostset[h], x0, w),
				    svg_y(r->makespan / r->ideal, y0, ht),
				    color[p]);
			}
		}
	}
	for (p = 0; p < POL_N; p++)
		fprintf(fp, "<rect x=\"%u\" y=\"312\" width=\"14\" height=\"4\" "
		    "fill=\"%s\"/><text x=\"%u\" y=\"318\">%s</text>\n",
		    130 + p * 110, color[p], 148 + p * 110, polname[p]);
	fprintf(fp, "</svg>\n");
	if (fclose(fp) != 0) {
		fprintf(stderr, "sim: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
write_md(const char *path, const char *trace, const struct tfile *tf,
    unsigned nfiles, uint64_t seed)
{
	FILE		*fp;
	unsigned	 h, u, p, i;
	double		 comp = 0, pre = 0, in = 0, out = 0, maxc = 0, pub;
	struct mdns	 worst, seen;
	struct result	*r;

	for (i = 0; i < nfiles; i++) {
		comp += tf[i].comp_ms;
		pre += tf[i].pre_ms;
		in += (double)tf[i].in;
		out += (double)tf[i].out;
		if (tf[i].comp_ms > maxc)
			maxc = tf[i].comp_ms;
	}
	/* publishes per second of 1000 hosts as simulated, busiest run */
	pub = 0;
	for (u = 0; u < NU; u++)
		if (results[NH - 1][u][POL_CCPOOL].pubrate > pub)
			pub = results[NH - 1][u][POL_CCPOOL].pubrate;
	mdns_figures(&worst, 1000.0 * 1000 / DISC_PUBLISH_INTERVAL_MS);
	mdns_figures(&seen, pub);

	if ((fp = fopen(path, "we")) == NULL) {
		fprintf(stderr, "sim: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(fp, "# Placement at scale: the simulator\n\n"
	    "Generated by `make sim` (tools/sim/sim.c, seeds %llu..%llu, "
	    "every figure the mean of the %u runs); do not edit by "
	    "hand.\n\n", (unsigned long long)seed,
	    (unsigned long long)(seed + nseeds - 1), nseeds);
	fprintf(fp, "## Model\n\n"
	    "* Jobs: `%s`, recorded by `tools/sim/record.sh` (a real build "
	    "of ccpool's own tree, one `cc -E` and one `cc -c` of the `.i` "
	    "per file): %u files, %.1f s of compile and %.1f s of "
	    "preprocessing, the longest compile %.0f ms, %.1f MB in and "
	    "%.1f MB out.  Speed 1 is the machine that recorded it.\n",
	    trace, nfiles, comp / 1000, pre / 1000, maxc, in / 1e6, out / 1e6);
	fprintf(fp, "* Hosts: speed 1, 1.5, 2, 2.5 or 3; 4, 4, 8, 8 or 16 "
	    "CPUs, one slot per CPU.  %u%% are desktops whose owner comes "
	    "and goes (busy %.0f s, idle %.0f s on average, exponential) "
	    "and while busy takes 50..100%% of the CPUs before our jobs "
	    "(which run at idle priority).  A machine shares its free CPUs "
	    "among its jobs.\n", desktop_pct, SIM_ON_MS / 1000,
	    SIM_OFF_MS / 1000);
	fprintf(fp, "* Users: each on his own %d-core client of speed 1, "
	    "running `make -jN` with N = (host slots / users) + %d, at "
	    "least %d; preprocessing runs locally, at most %d at once.  All "
	    "users start together and each builds the whole project.\n",
	    SIM_LCORES, SIM_LCORES, 2 * SIM_LCORES, SIM_LCORES);
	fprintf(fp, "* LAN: %.1f ms round trip, 1 Gbit/s per transfer "
	    "(sources and objects uncompressed; no congestion).\n",
	    SIM_RTT_MS);
	fprintf(fp, "* **ccpool** (late binding, the wire protocol of "
	    "doc/client.md: OFFR, PULL, DROP; no job ever runs twice): "
	    "servers advertise their measured speed, which the agent "
	    "counts as %.0f reports of its own (`place_rate`).  For each "
	    "job the "
	    "agent first asks the real `place_choose` (`agent/place.c`) "
	    "whether a local core is idle and would finish first; if not, "
	    "`place_offer` draws %u servers (weight exp(-(finish - best) / "
	    "%.0f ms); finish from the advert's speed and load, the busy "
	    "slots and queued offers it last heard of, its own offers "
	    "there, each job ahead of ours counted at the mean size of "
	    "its jobs, `place_ctx.mean_kb`) and sends an OFFR to each at "
	    "once.  A server queues offers and, while it has a free slot "
	    "(its slots less the CPUs its owner uses, which it knows at "
	    "once), sends a PULL for the largest offered job (input bytes; "
	    "oldest among equals); the agent sends the job to the first "
	    "server that pulls and a DROP to every other server it offered "
	    "the job to; a PULL for a job already placed gets a DROP.  "
	    "Every PULL and result carries the server's free slots and "
	    "queued offers, fresher than its advert.  An offered job not "
	    "pulled within %.0fx its expected local compile time runs on "
	    "the next free local core (and its offers are dropped).  "
	    "**Warm history**: the agent remembers each file's last "
	    "compile time (`place_hist`, keyed by source and arguments, "
	    "as ninja's .ninja_log; `place_job.cost`: this file's time "
	    "over a job of its size): the model fills it with the trace's "
	    "compile times, as one earlier build of the same tree on the "
	    "client would, and each result updates it (`place_hist_note`, "
	    "from the host's learned speed) as the agent would; the first "
	    "build ever is **ccpool-cold**: no history, each job's cost "
	    "guessed from its code bytes (the preprocessed bytes outside "
	    "system headers, the trace's `code_bytes`; `place_code_cost`, "
	    "against the byte-weighted mean of the trace's files, which "
	    "the agent's running means approach).  "
	    "Messages per remote job: OFFR (each), PULL (each "
	    "server that pulls), job, result, DROP (each offer not pulled, "
	    "each late PULL).\n", PLACE_PRIOR_REPORTS, sim_offers,
	    PLACE_OFFER_TEMP_MS, sim_steal);
	fprintf(fp, "* **ccpool-push** (today's protocol): `place_choose` "
	    "on each user's view, speeds learned from reports (the "
	    "advert's speed not used), power of two choices, the adverts as "
	    "published under the real rate limit "
	    "(`disc_info_meaningful_change`, at most one per %d ms) plus "
	    "its own jobs in flight.  A server runs slots jobs, queues as "
	    "many, then answers BUSY (the client backs off that host, "
	    "`place_failed`, and tries another; after %d tries, local).\n",
	    DISC_PUBLISH_INTERVAL_MS, SIM_TRIES);
	fprintf(fp, "* **distcc**: every client walks the same list, "
	    "`localhost/%d` first, and takes the first entry where it "
	    "holds a free slot (slots = CPUs); it knows only its own jobs; "
	    "servers queue without bound.\n", SIM_DISTCC_LOCAL);
	fprintf(fp, "* **icecream** (idealised): one central scheduler "
	    "with a global queue and the exact state of every host gives "
	    "each job to the fastest host with a free slot, at once (one "
	    "extra round trip per job); it has the same history as "
	    "ccpool: its queue is longest expected compile first (without "
	    "it, FIFO, it is 9%% slower at 10 hosts x 10 and x 50 users "
	    "(1.74 and 5.15 s), the same elsewhere).  **icecream-1p**: the same "
	    "scheduler as one process that takes %.2f ms per message "
	    "(a job's request and its end: %.0f messages / s at most), "
	    "in arrival order.  **icecream-fail**: icecream-1p whose "
	    "scheduler dies %.0f ms into the build; from then on every "
	    "job compiles on its client (what icecream's daemon does "
	    "without a scheduler).  Messages per job: request, answer, "
	    "job, result, end.\n", SIM_SCHED_MS, 1000 / SIM_SCHED_MS,
	    SIM_SCHED_FAIL_MS);
	fprintf(fp, "* ideal = total compile CPU / total capacity (hosts' "
	    "CPUs x speed less the owners' mean load, plus the users' "
	    "cores); bound = max(ideal, the longest file's preprocessing + "
	    "compile at speed 3, a user's preprocessing on %d cores): no "
	    "policy can beat the bound.  util = CPU time our jobs got on "
	    "the hosts / (host CPUs x makespan).\n\n", SIM_LCORES);

	fprintf(fp, "## Makespan\n\n"
	    "Makespan in seconds.  ccpool / icecream: the target is at "
	    "most %.2f in every row.\n\n"
	    "| hosts | users | ideal | bound ", SIM_TARGET);
	for (p = 0; p < POL_N; p++)
		fprintf(fp, "| %s ", polname[p]);
	fprintf(fp, "| ccpool / icecream | ccpool-cold / icecream | "
	    "ccpool / icecream-1p | ccpool / distcc |\n"
	    "|---:|---:|---:|---:|");
	for (p = 0; p < POL_N; p++)
		fprintf(fp, "---:|");
	fprintf(fp, "---:|---:|---:|---:|\n");
	for (h = 0; h < NH; h++)
		for (u = 0; u < NU; u++) {
			r = results[h][u];
			fprintf(fp, "| %u | %u | %.2f | %.2f ", hostset[h],
			    userset[u], r[0].ideal / 1000, r[0].bound / 1000);
			for (p = 0; p < POL_N; p++)
				fprintf(fp, "| %.2f ", r[p].makespan / 1000);
			fprintf(fp, "| %.2f | %.2f | %.2f | %.2f |\n",
			    r[POL_CCPOOL].makespan / r[POL_ICECREAM].makespan,
			    r[POL_COLD].makespan / r[POL_ICECREAM].makespan,
			    r[POL_CCPOOL].makespan / r[POL_ICE1].makespan,
			    r[POL_CCPOOL].makespan / r[POL_DISTCC].makespan);
		}
	fprintf(fp, "\n![makespan / ideal](sim.svg)\n\n");
	fprintf(fp, "## ccpool's placement in detail\n\n"
	    "Per run (all users); messages per job: every message of the "
	    "placement protocol over the jobs compiled remotely; util: "
	    "CPU time our jobs got on the hosts / (host CPUs x "
	    "makespan).\n\n"
	    "| hosts | users | remote jobs | local jobs | DROPs of late "
	    "PULLs | messages / job | cold: messages / job | util | push: "
	    "BUSY answers | push: "
	    "messages / job | icecream: messages / job | adverts "
	    "published / s |\n"
	    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (h = 0; h < NH; h++)
		for (u = 0; u < NU; u++) {
			r = &results[h][u][POL_CCPOOL];
			fprintf(fp, "| %u | %u | %lu | %lu | %.0f | "
			    "%.2f | %.2f | %.0f%% | %lu | %.2f | %.2f | %.1f |\n",
			    hostset[h], userset[u], r->nremote, r->nlocal,
			    r->none, r->msgs, results[h][u][POL_COLD].msgs,
			    100 * r->util,
			    results[h][u][POL_PUSH].nbusy,
			    results[h][u][POL_PUSH].msgs,
			    results[h][u][POL_ICECREAM].msgs, r->pubrate);
		}
	fprintf(fp, "\n## mDNS traffic of 1000 servers\n\n"
	    "A full advert (4 toolchain ids, a fingerprint, every key; "
	    "encoded by the real `disc_txt_encode`) is %d bytes of TXT "
	    "rdata.  An update is an unsolicited response carrying that "
	    "TXT record: %u bytes as an IPv4 packet, %u as IPv6, %u and %u "
	    "bytes on the wire with Ethernet framing, preamble and gap.  "
	    "Avahi announces a changed record at least twice (RFC 6762 "
	    "8.3, 8.4), on IPv4 and on IPv6.\n\n", worst.rdata, worst.pkt4,
	    worst.pkt6, worst.wire4, worst.wire6);
	fprintf(fp, "| case | updates / s | packets / s | bytes / s | "
	    "Mbit/s | of 1 Gbit/s |\n|---|---:|---:|---:|---:|---:|\n");
	fprintf(fp, "| worst: every server changes every %d ms | %.0f | "
	    "%.0f | %.0f | %.1f | %.2f%% |\n", DISC_PUBLISH_INTERVAL_MS,
	    1000.0 * 1000 / DISC_PUBLISH_INTERVAL_MS, worst.pps, worst.bps,
	    worst.mbit, worst.mbit / 10);
	fprintf(fp, "| simulated: 1000 hosts, busiest run above | %.0f | "
	    "%.0f | %.0f | %.1f | %.2f%% |\n\n", pub, seen.pps, seen.bps,
	    seen.mbit, seen.mbit / 10);
	fprintf(fp, "Every host on the LAN receives every one of these "
	    "multicast packets.  Without the rate limit a server would "
	    "publish on every job start and end; queries, cache refreshes "
	    "(at 80%% of the TTL) and goodbyes are rare beside the "
	    "updates and not counted.\n\n"
	    "## Limits of the model\n\n"
	    "* No network congestion, no compression, no link step; no "
	    "host dies (icecream-fail's scheduler does).\n"
	    "* The warm history starts exact (the model's compile time of "
	    "a file is the same in every build and scales exactly with "
	    "host speed; a real one is from the last build, edits and "
	    "noise included); icecream's queue order uses the exact times "
	    "throughout.  Without history (ccpool-cold) the agent guesses "
	    "a job's cost from its code bytes: on this trace a file's "
	    "compile time follows them with a correlation of 0.95 (its "
	    "input bytes: 0.42), and the guess is within 0.66-1.57 x of "
	    "the true time for 80%% of the files (from its size alone: "
	    "0.41-2.24 x).  The longest file, 939 ms, is 460 kB, near the "
	    "mean size, but 22%% of it is code against 6.5%% on average: "
	    "its guessed cost is 3.32, its true one 3.56; with 50 users "
	    "in lockstep their 50 copies of it become ready together.\n"
	    "* Users start in lockstep (the same client speed, the same "
	    "start): every file's 50 copies are offered in the same "
	    "millisecond from the same stale adverts, the worst case for "
	    "a placement without a central scheduler.\n"
	    "* Compile time scales exactly with host speed; real speed "
	    "differs per file (caches, memory).\n"
	    "* icecream is idealised: exact global state at zero cost but "
	    "one round trip.\n"
	    "* The project is small (%u files): with 100 or 1000 hosts and "
	    "few users the makespan is bounded by the longest file and by "
	    "preprocessing, whatever the policy; compare with the bound.\n",
	    nfiles);
	if (fclose(fp) != 0) {
		fprintf(stderr, "sim: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: sim [-d desktop%%] [-n seeds] [-s seed] [-o doc.md] [-g plot.svg] "
	    "trace.tsv\n"
	    "       sim [-s seed] -1 -p policy -H hosts -U users trace.tsv\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct tfile	*tf;
	unsigned	 nfiles, h, u, p, one = 0, oh = 10, ou = 1;
	uint64_t	 seed = 1;
	const char	*md = NULL, *svg = NULL;
	int		 ch, opol = POL_CCPOOL;
	struct timespec	 t0, t1;
	struct result	 r;

	while ((ch = getopt(argc, argv, "1d:g:H:n:o:p:s:U:")) != -1) {
		switch (ch) {
		case '1':
			one = 1;
			break;
		case 'd':
			desktop_pct = (unsigned)strtoul(optarg, NULL, 10);
			if (desktop_pct > 100)
				usage();
			break;
		case 'g':
			svg = optarg;
			break;
		case 'H':
			oh = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'n':
			nseeds = (unsigned)strtoul(optarg, NULL, 10);
			if (nseeds == 0 || nseeds > 1000)
				usage();
			break;
		case 'o':
			md = optarg;
			break;
		case 'p':
			for (opol = 0; opol < POL_N; opol++)
				if (strcmp(optarg, polname[opol]) == 0)
					break;
			if (opol == POL_N)
				usage();
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		case 'U':
			ou = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || oh == 0 || ou == 0 || oh > 100000 ||
	    ou > 10000)
		usage();
	if (getenv("SIM_OFFERS"))
		sim_offers = (unsigned)atoi(getenv("SIM_OFFERS"));
	if (getenv("SIM_STEAL"))
		sim_steal = atof(getenv("SIM_STEAL"));
	if (getenv("SIM_STAGGER"))
		sim_stagger = atof(getenv("SIM_STAGGER"));
	if (getenv("SIM_SFACTOR"))
		sim_sfactor = atof(getenv("SIM_SFACTOR"));
	if (getenv("SIM_TOL"))
		sim_tol = atof(getenv("SIM_TOL"));
	if (getenv("SIM_HEDGE"))
		sim_hedge = atof(getenv("SIM_HEDGE"));
	if (getenv("SIM_FRESH"))
		sim_fresh = atoi(getenv("SIM_FRESH"));
	if (getenv("SIM_HIST"))
		sim_hist = atoi(getenv("SIM_HIST"));
	if (getenv("SIM_MEANKB"))
		sim_meankb = atoi(getenv("SIM_MEANKB"));
	if (getenv("SIM_PRIOR"))
		sim_prior = atoi(getenv("SIM_PRIOR"));
	if (getenv("SIM_CODE"))
		sim_code = atoi(getenv("SIM_CODE"));
	if (getenv("SIM_PULLCOST"))
		sim_pullcost = atoi(getenv("SIM_PULLCOST"));
	if (getenv("SIM_LPT"))
		sim_lpt = atoi(getenv("SIM_LPT"));
	if (getenv("SIM_OPOWER"))
		sim_opower = atof(getenv("SIM_OPOWER"));
	if (getenv("SIM_ORATIO"))
		sim_oratio = atof(getenv("SIM_ORATIO"));
	tf = load_trace(argv[optind], &nfiles);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (one) {
		if (run_one(tf, nfiles, opol, oh, ou, seed, &r) == -1)
			return 1;
		printf("%s\t%u\t%u\t%.3f\t%.3f\t%.3f\t%.2f\t%.3f\t%lu\t%lu\t"
		    "%lu\n", polname[opol], oh, ou, r.makespan / 1000,
		    r.ideal / 1000, r.bound / 1000, r.makespan / r.ideal,
		    r.util, r.nremote, r.nlocal, r.nbusy);
		free(tf);
		return 0;
	}
	printf("policy\thosts\tusers\tmakespan_s\tideal_s\tbound_s\tratio\t"
	    "util\tremote\tlocal\tbusy\n");
	for (h = 0; h < NH; h++)
		for (u = 0; u < NU; u++)
			for (p = 0; p < POL_N; p++) {
				struct result *x = &results[h][u][p], y;
				unsigned k;

				memset(x, 0, sizeof(*x));
				for (k = 0; k < nseeds; k++) {
					if (run_one(tf, nfiles, (int)p,
					    hostset[h], userset[u], seed + k,
					    &y) == -1)
						return 1;
					result_add(x, &y, nseeds);
				}
				printf("%s\t%u\t%u\t%.3f\t%.3f\t%.3f\t%.2f\t"
				    "%.3f\t%lu\t%lu\t%lu\n", polname[p],
				    hostset[h], userset[u], x->makespan / 1000,
				    x->ideal / 1000, x->bound / 1000,
				    x->makespan / x->ideal, x->util,
				    x->nremote, x->nlocal, x->nbusy);
				fflush(stdout);
			}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "sim: %zu runs in %.1f s\n", NH * NU * POL_N * nseeds,
	    (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (md != NULL && write_md(md, argv[optind], tf, nfiles, seed) == -1)
		return 1;
	if (svg != NULL && write_svg(svg) == -1)
		return 1;
	free(tf);
	return 0;
}
