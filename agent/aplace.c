/*
 * aplace.c - the agent's placement inputs: speed tables, RTT smoothing,
 * local idle cores.  See aplace.h.
 */
#include <stdlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

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
