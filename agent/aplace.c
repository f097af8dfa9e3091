/*
 * aplace.c - the agent's placement inputs: speed tables, RTT smoothing,
 * local idle cores (pure logic), then the agent's side of placement:
 * candidates from its host table, the samples of the local cores, and
 * the pick (aplace_pick) that place_choose() decides.  See aplace.h.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent/adcc.h"
#include "agent/agent_int.h"
#include "agent/aplace.h"

struct place_speed *
aplace_speed(struct aplace_speeds *t, const char *tc, int create)
{
	unsigned	 i, old = 0;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->e[i].tc, tc) == 0) {
			t->e[i].used = ++t->clock;
			return &t->e[i].s;
		}
	if (!create || strlen(tc) >= APLACE_TC_LEN)
		return NULL;
	if (t->n < APLACE_TC_MAX)
		i = t->n++;
	else {
		for (i = 1; i < APLACE_TC_MAX; i++)
			if (t->e[i].used < t->e[old].used)
				old = i;
		i = old;
	}
	memset(&t->e[i], 0, sizeof(t->e[i]));
	memcpy(t->e[i].tc, tc, strlen(tc) + 1);
	t->e[i].used = ++t->clock;
	return &t->e[i].s;
}

void
aplace_rtt(double *srtt, double sample_ms)
{
	if (!isfinite(sample_ms) || sample_ms < 0 ||
	    sample_ms > APLACE_RTT_MAX_MS)
		return;
	if (sample_ms == 0)
		sample_ms = 0.001;	/* 0 means "not measured" to place.c */
	if (*srtt <= 0)
		*srtt = sample_ms;
	else
		*srtt += APLACE_RTT_GAIN * (sample_ms - *srtt);
}

void
aplace_cpu_update(struct aplace_cpu *c, uint64_t busy, uint64_t total,
    uint64_t now_ms)
{
	double		 idle;

	if (c->ncpu == 0)
		c->ncpu = 1;
	aplace_cpu_local(c, c->lrun, now_ms);
	if (c->have && total > c->total && busy >= c->busy &&
	    busy - c->busy <= total - c->total) {
		idle = 1.0 - (double)(busy - c->busy) /
		    (double)(total - c->total);
		c->idle_cores = idle * c->ncpu;
		c->ours_cores = now_ms > c->t_ms ?
		    c->lsum_ms / (double)(now_ms - c->t_ms) : 0;
		if (c->ours_cores > c->ncpu - c->idle_cores)
			c->ours_cores = c->ncpu - c->idle_cores;
	} else if (!c->have)
		c->idle_cores = c->ours_cores = 0;	/* claim nothing */
	/* else: no tick passed (or the counters went back): keep it */
	c->busy = busy;
	c->total = total;
	c->t_ms = now_ms;
	c->have = 1;
	c->lsum_ms = 0;
}

void
aplace_cpu_local(struct aplace_cpu *c, unsigned running, uint64_t now_ms)
{
	if (c->lt_ms != 0 && now_ms > c->lt_ms)
		c->lsum_ms += (double)c->lrun * (double)(now_ms - c->lt_ms);
	c->lt_ms = now_ms;
	c->lrun = running;
}

int
aplace_cpu_due(const struct aplace_cpu *c, uint64_t now_ms)
{
	return !c->have || now_ms < c->t_ms ||
	    now_ms - c->t_ms >= APLACE_CPU_WINDOW_MS;
}

unsigned
aplace_local_free(const struct aplace_cpu *c, unsigned running)
{
	unsigned	 n = c->ncpu ? c->ncpu : 1;

	if (running >= n || !(c->have && c->idle_cores + c->ours_cores >=
	    APLACE_LOCAL_MIN_IDLE))
		return 0;
	return n - running;
}

double
aplace_base_rate(struct aplace_speeds *const *t, size_t n, const char *tc)
{
	struct place_speed *s;
	double		 sum = 0;
	size_t		 i, k = 0;

	for (i = 0; i < n; i++) {
		if (t[i] == NULL ||
		    (s = aplace_speed(t[i], tc, 0)) == NULL ||
		    s->n == 0 || !(s->ms_per_kb > 0))
			continue;
		sum += s->ms_per_kb;
		k++;
	}
	return k > 0 ? sum / (double)k : PLACE_PRIOR_MS_PER_KB;
}

void
aplace_ctx_fill(struct place_ctx *x, double base_rate,
    const struct place_speed *learned, unsigned local_free,
    unsigned running, unsigned ncpu)
{
	if (!(base_rate > 0) || !isfinite(base_rate))
		base_rate = PLACE_PRIOR_MS_PER_KB;
	if (learned != NULL && learned->n > 0 && learned->ms_per_kb > 0)
		x->local = *learned;
	else {
		x->local.ms_per_kb = base_rate * APLACE_LOCAL_PENALTY;
		x->local.n = 1;
	}
	x->local_idle = local_free;
	x->local_stretch = ((double)running + 1.0) / (ncpu ? ncpu : 1);
	if (x->local_stretch < 1.0)
		x->local_stretch = 1.0;
}

/* The agent's side: its host table and clocks in, a decision out. */

int
aplace_has_tc(const struct ahost *h, const char *tcid)
{
	unsigned	 i;

	if (h->dcc != NULL)	/* a distccd: probed for it (adcc.h) */
		return adcc_has_tc(h, tcid, NULL);
	if (h->pinned) {
		/* no advert: assume it has it until it says otherwise */
		for (i = 0; i < h->nbadtc; i++)
			if (strcmp(h->badtc[i], tcid) == 0)
				return 0;
		return 1;
	}
	for (i = 0; i < h->ntc; i++)
		if (strcmp(h->tc[i], tcid) == 0)
			return 1;
	return 0;
}

void
aplace_bad_tc(struct ahost *h, const char *tcid)
{
	if (!h->pinned || !aplace_has_tc(h, tcid))
		return;
	if (h->nbadtc == AGENT_BADTC_MAX)
		h->nbadtc--;	/* forget the oldest-but-one; bounded */
	snprintf(h->badtc[h->nbadtc++], sizeof(h->badtc[0]), "%s", tcid);
}

static void
fill_cand(struct place_cand *c, const struct ahost *h, const char *tcid)
{
	int	 pending = 0;

	memset(c, 0, sizeof(*c));
	c->eligible = !h->gone && h->nss > 0 && h->untrusted[0] == '\0' &&
	    !h->needprobe && (tcid == NULL || aplace_has_tc(h, tcid));
	c->slots = h->slots;
	/*
	 * The advert lags a second or so: a slot one of our jobs freed since
	 * is free already (without this, every slot turnover waits for the
	 * next advert).
	 */
	c->free_slots = h->free_slots + h->freed < h->slots ?
	    h->free_slots + h->freed : h->slots;
	c->queue = h->queue;
	c->inflight = h->inflight;
	c->down_until = h->bo.down_until;
	/* a distccd being probed for tcid: eligible, but no slot yet */
	if (h->dcc != NULL && tcid != NULL && !c->eligible &&
	    !adcc_has_tc(h, tcid, &pending) && pending && !h->gone &&
	    h->nss > 0 && !h->needprobe) {
		c->eligible = 1;
		c->free_slots = c->queue = 0;
		c->inflight = c->slots;
	}
}

int
aplace_any_for(struct agent *a, const char *tcid)
{
	struct place_cand c;
	uint64_t	 now = mono_ms();
	size_t		 i;

	for (i = 0; i < a->nhosts; i++) {
		fill_cand(&c, a->hosts[i], tcid);
		if (c.eligible && c.slots > 0 && place_up(&a->hosts[i]->bo,
		    now))
			return 1;
	}
	return 0;
}

int
aplace_any_usable(struct agent *a)
{
	struct place_cand c;
	uint64_t	 now = mono_ms();
	size_t		 i;

	for (i = 0; i < a->nhosts; i++) {
		fill_cand(&c, a->hosts[i], NULL);
		if (place_free(&c, now) > 0)
			return 1;
	}
	return 0;
}

void
aplace_sample(struct agent *a, uint64_t now)
{
	char		 buf[512];
	uint64_t	 busy, total;
	ssize_t		 n;
	int		 fd;

	if (!aplace_cpu_due(&a->cpu, now))
		return;
	if (a->have_quota && cpuquota_usage_us(&a->quota, &busy) == 0) {
		busy = cpuquota_machine_us(&a->quota, a->cpu.ncpu, busy);
		total = now * 1000 * a->cpu.ncpu;
		aplace_cpu_update(&a->cpu, busy, total, now);
		return;
	}
	if ((fd = open("/proc/stat", O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';		/* the "cpu " line comes first */
	if (cpuquota_parse_procstat(buf, &busy, &total) == 0)
		aplace_cpu_update(&a->cpu, busy, total, now);
}

double
aplace_advert_scale(struct ahost *const *h, size_t n, const char *tc)
{
	struct place_speed *s;
	double		 learned = 0, advert = 0;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (h[i]->speed == 0 ||
		    (s = aplace_speed(&h[i]->spd, tc, 0)) == NULL ||
		    s->n == 0 || !(s->ms_per_kb > 0))
			continue;
		learned += s->ms_per_kb;
		advert += 1000.0 / (double)h[i]->speed;
	}
	return learned > 0 && advert > 0 ? learned / advert : 1.0;
}

double
aplace_prior(const struct ahost *h, double base, double scale)
{
	if (h->speed > 0)
		return scale * 1000.0 / (double)h->speed;
	return base;
}

/*
 * The candidates for job j (a->nhosts of them, the caller frees) and
 * a->px filled for it; NULL when out of memory or no host is known.
 */
static struct place_cand *
cands(struct agent *a, struct ajob *j, uint64_t now)
{
	struct place_cand *c;
	struct aplace_speeds **t;
	double		 base, scale;
	size_t		 i;
	unsigned	 k;

	if (a->nhosts == 0)
		return NULL;
	c = calloc(a->nhosts, sizeof(*c));
	t = calloc(a->nhosts, sizeof(struct aplace_speeds *));
	if (c == NULL || t == NULL) {
		free(c);
		free(t);
		return NULL;
	}
	for (i = 0; i < a->nhosts; i++)
		t[i] = &a->hosts[i]->spd;
	/* a host never measured is taken as fast as the others */
	base = aplace_base_rate(t, a->nhosts, j->tcid);
	free(t);
	scale = aplace_advert_scale(a->hosts, a->nhosts, j->tcid);
	for (i = 0; i < a->nhosts; i++) {
		struct ahost *h = a->hosts[i];

		fill_cand(&c[i], h, j->tcid);
		for (k = 0; k < j->ntried; k++)
			if (j->tried[k] == h)
				c[i].eligible = 0;
		c[i].cpus = h->cpus;
		c[i].load = h->load;
		c[i].rtt_ms = h->srtt_ms;
		/* a stale advert (a frozen server) still holds our offers */
		c[i].waiting = h->waiting > h->nheld ? h->waiting : h->nheld;
		/* our reports, the advert (or the others') a prior */
		c[i].ms_per_kb = place_rate(aplace_speed(&h->spd, j->tcid, 0),
		    aplace_prior(h, base, scale));
	}
	aplace_ctx_fill(&a->px, base, aplace_speed(&a->local_spd, j->tcid, 0),
	    aplace_local_idle(a, now), a->cpu.lrun, a->cpu.ncpu);
	a->px.mean_kb = (double)a->last_in_bytes / 1024.0;
	return c;
}

void
aplace_code_guess(struct agent *a, struct ajob *j)
{
	uint64_t	 code = j->code_bytes < j->in_bytes ? j->code_bytes :
			    j->in_bytes;

	if (a->code_in == 0) {
		a->code_in = j->in_bytes;
		a->code_sum = code;
	} else {
		a->code_in = (3 * a->code_in + j->in_bytes) / 4;
		a->code_sum = (3 * a->code_sum + code) / 4;
	}
	a->px.code_frac = a->code_in > 0 ? (double)a->code_sum /
	    (double)a->code_in : 0;
	if (j->cost == 0)
		j->cost = place_code_cost(&a->px, j->in_bytes, code);
}

unsigned
aplace_local_idle(struct agent *a, uint64_t now)
{
	aplace_sample(a, now);
	return a->local_ok ? aplace_local_free(&a->cpu, a->cpu.lrun) : 0;
}

struct ahost *
aplace_pick(struct agent *a, struct ajob *j, int *local)
{
	struct place_cand *c;
	struct place_job pj;
	uint64_t	 now = mono_ms();
	int		 pick;

	*local = 0;
	if (a->nhosts == 0)
		return NULL;
	adcc_want(a, j);	/* distccd hosts: probe for j's toolchain */
	if ((c = cands(a, j, now)) == NULL)
		return NULL;
	pj.in_bytes = j->in_bytes;
	pj.cost = j->cost;
	pick = place_choose(c, a->nhosts, &a->px, &pj, now);
	j->stretch = 1;
	if (pick >= 0)
		(void)place_eta(&c[pick], &a->px, &pj, now, &j->stretch);
	free(c);
	if (pick == PLACE_LOCAL) {
		j->stretch = a->px.local_stretch;
		*local = 1;
		return NULL;
	}
	return pick < 0 ? NULL : a->hosts[pick];
}

size_t
aplace_offers(struct agent *a, struct ajob *j, int wide, struct ahost **out,
    size_t k, uint64_t *wait_ms, int *local)
{
	struct place_cand *c;
	struct place_ctx x;
	struct place_job pj;
	uint64_t	 now = mono_ms();
	size_t		 idx[PLACE_OFFER_MAX], i, m;
	double		 rate, ms;

	if (k > PLACE_OFFER_MAX)
		k = PLACE_OFFER_MAX;
	if (local != NULL) {
		*local = 0;
		adcc_want(a, j);	/* as aplace_pick */
	}
	if ((c = cands(a, j, now)) == NULL)
		return 0;
	pj.in_bytes = j->in_bytes;
	pj.cost = j->cost;
	/* an idle local core that would finish first needs no offer */
	if (local != NULL && place_choose(c, a->nhosts, &a->px, &pj, now) ==
	    PLACE_LOCAL) {
		free(c);
		*local = 1;
		return 0;
	}
	x = a->px;	/* as cands() filled it; wide changes the copy */
	for (i = 0; i < a->nhosts; i++)
		if (a->hosts[i]->dcc != NULL ||
		    a->hosts[i]->proto < PROTO_VERSION_OFFERS)
			c[i].eligible = 0;	/* they take no offer */
	if (wide) {
		x.offer_ratio = 1e9;	/* every candidate, none weighed out */
		x.offer_power = 1e12;
	}
	m = place_offer(c, a->nhosts, &x, &pj, now, idx, k);
	a->px.rng = x.rng;
	free(c);
	for (i = 0; i < m; i++)
		out[i] = a->hosts[idx[i]];
	/* the job's compile time here, had it a core of its own */
	rate = a->px.local.n > 0 && a->px.local.ms_per_kb > 0 ?
	    a->px.local.ms_per_kb : PLACE_PRIOR_MS_PER_KB;
	ms = AGENT_OFFER_FACTOR * rate * (j->cost > 0 ? j->cost : 1) *
	    (double)j->in_bytes / 1024.0;
	*wait_ms = ms < AGENT_OFFER_MIN_MS ? AGENT_OFFER_MIN_MS :
	    ms > AGENT_SLOT_WAIT_MS ? AGENT_SLOT_WAIT_MS : (uint64_t)ms;
	return m;
}

void
aplace_learn(struct agent *a, const struct ajob *j, struct place_speed *sp,
    double ms)
{
	struct place_job pj;

	if (sp == NULL)
		return;
	place_hist_note(&a->hist, j->hkey, ms, j->in_bytes, j->stretch,
	    sp->ms_per_kb);
	pj.in_bytes = j->in_bytes;
	pj.cost = j->cost;
	place_learn_job(sp, ms, &pj, j->stretch);
}
