/*
 * load.c - foreign load and offered slots: the arithmetic and the
 * parsers of /proc, PSI and cgroup text.  Pure library code (no I/O);
 * see load.h, and loadmon.c for where the samples come from.
 */
#include <stdlib.h>
#include <string.h>

#include "server/load.h"

void
load_init(struct load_state *st, unsigned slots, unsigned ncpu,
    unsigned tolerance)
{
	memset(st, 0, sizeof(*st));
	st->ncpu = ncpu < 1 ? 1 : ncpu;
	st->slots = slots;
	st->tolerance = tolerance;
	st->cpu_offer = st->offered = slots;
	st->why = "";
	load_memory(st, LOAD_PSI_PCT);
}

void
load_memory(struct load_state *st, unsigned pct)
{
	if (pct >= 100) {
		st->psi_hold = st->psi_shed = ~0u;
		return;
	}
	st->psi_hold = pct * 100;
	st->psi_shed = pct * 250;
}

void
load_configure(struct load_state *st, unsigned slots, unsigned tolerance)
{
	if (st->cpu_offer > slots || st->cpu_offer == st->slots)
		st->cpu_offer = slots;
	if (st->offered > slots || st->offered == st->slots)
		st->offered = slots;
	st->slots = slots;
	st->tolerance = tolerance;
	st->grow_n = 0;
}

/* Smallest integer >= x, for 0 <= x < 2^32. */
static unsigned
ceil_u(double x)
{
	unsigned u;

	if (x <= 0)
		return 0;
	if (x >= 4294967295.0)
		return 4294967295u;
	u = (unsigned)x;
	return (double)u < x ? u + 1 : u;
}

/* Slots left when excess percent of a CPU is taken away from slots. */
static unsigned
slots_left(unsigned slots, double excess)
{
	unsigned take = ceil_u(excess / 100.0);

	return take >= slots ? 0 : slots - take;
}

/*
 * The CPU rule, with hysteresis, on the smoothed load.  Taking k slots
 * away covers foreign load up to the line tolerance + 100 k (percent of
 * a CPU).  A slot goes as soon as the load crosses its line; it comes
 * back only when the load is LOAD_HYST below the line (half the line
 * for the last one when the tolerance is small), LOAD_GROW_N times in
 * a row.
 */
static void
cpu_rule(struct load_state *st)
{
	double	 f = st->foreign * 100.0, line, margin;
	unsigned target = slots_left(st->slots, f - st->tolerance);
	unsigned k, up = st->cpu_offer;

	if (target < st->cpu_offer) {
		st->cpu_offer = target;
		st->grow_n = 0;
		return;
	}
	for (k = 0; k < st->slots - st->cpu_offer; k++) {
		line = st->tolerance + 100.0 * k;
		margin = line / 2 < LOAD_HYST ? line / 2 : LOAD_HYST;
		if (f <= line - margin || f < 0.5) {
			up = st->slots - k;
			break;
		}
	}
	if (up <= st->cpu_offer) {
		st->grow_n = 0;
		return;
	}
	if (++st->grow_n >= LOAD_GROW_N) {
		st->cpu_offer = up;
		st->grow_n = 0;
	}
}

/* The memory rules, on the latest sample: a cap on offered slots. */
static unsigned
mem_cap(const struct load_state *st, const struct load_sample *s,
    const char **why)
{
	unsigned cap = ~0u;
	uint64_t more;

	if (s->psi_ok && s->mem_some10 >= st->psi_shed) {
		cap = s->running > 0 ? s->running - 1 : 0;
		*why = "memory pressure (PSI): shedding";
	} else if (s->psi_ok && s->mem_some10 >= st->psi_hold) {
		cap = s->running;
		*why = "memory pressure (PSI): holding";
	}
	if (s->avail_ok) {
		more = s->avail_mb / LOAD_JOB_MB;
		if (more < ~0u && s->running + more < cap) {
			cap = s->running + (unsigned)more;
			*why = "little memory available";
		}
	}
	return cap;
}

unsigned
load_update(struct load_state *st, const struct load_sample *s)
{
	const struct load_sample *p = &st->prev;
	const char *why = "";
	double	 dt, busy, ours, f, alpha;
	unsigned cap;

	if (st->have_prev && s->t_ms > p->t_ms && s->total > p->total &&
	    s->busy >= p->busy && s->ours_us >= p->ours_us &&
	    s->busy - p->busy <= s->total - p->total) {
		dt = (double)(s->t_ms - p->t_ms);
		busy = (double)st->ncpu * (double)(s->busy - p->busy) /
		    (double)(s->total - p->total);
		ours = (double)(s->ours_us - p->ours_us) / (dt * 1000.0);
		f = busy - ours;
		if (f < 0)
			f = 0;
		if (f > st->ncpu)
			f = st->ncpu;
		if (st->have_prev == 1)
			st->foreign = f;	/* the first figure */
		else {
			alpha = dt / ((f > st->foreign ? LOAD_TAU_UP_MS :
			    LOAD_TAU_DOWN_MS) + dt);
			st->foreign += alpha * (f - st->foreign);
		}
		st->have_prev = 2;
		cpu_rule(st);
	} else if (!st->have_prev)
		st->have_prev = 1;
	st->prev = *s;
	cap = mem_cap(st, s, &why);
	st->offered = st->cpu_offer < cap ? st->cpu_offer : cap;
	st->why = st->offered < st->cpu_offer ? why :
	    st->cpu_offer < st->slots ? "foreign CPU load" : "";
	return st->offered;
}

unsigned
load_foreign_pct(const struct load_state *st)
{
	double	 pct = st->foreign * 100.0 / st->ncpu + 0.5;

	return pct >= 100 ? 100 : pct <= 0 ? 0 : (unsigned)pct;
}

/* Parsers. */

/*
 * Up to max unsigned decimal numbers from *s, separated by spaces; *s
 * is left after the last.  Returns how many were read.
 */
static int
numbers(const char **s, uint64_t *v, int max)
{
	const char *p = *s;
	int	 n = 0;

	while (n < max) {
		while (*p == ' ')
			p++;
		if (*p < '0' || *p > '9')
			break;
		v[n] = 0;
		while (*p >= '0' && *p <= '9') {
			if (v[n] > (UINT64_MAX - 9) / 10)
				return n;	/* absurd: stop here */
			v[n] = v[n] * 10 + (uint64_t)(*p++ - '0');
		}
		n++;
	}
	*s = p;
	return n;
}

int
load_parse_pidstat(const char *text, struct load_proc *p)
{
	const char *s = strrchr(text, ')');	/* comm may hold anything */
	uint64_t v[14];
	int	 i;

	/* ") S ppid pgrp session tty tpgid flags minflt cminflt majflt
	 * cmajflt utime stime cutime cstime" */
	if (s == NULL || s[1] != ' ' || s[2] == '\0' || s[3] != ' ')
		return -1;
	s += 4;
	for (i = 0; i < 14; i++)
		if (numbers(&s, &v[i], 1) != 1) {
			/* tty and tpgid may be negative: count them as 0 */
			if (*s != '-' || (i != 3 && i != 4))
				return -1;
			s++;
			if (numbers(&s, &v[i], 1) != 1)
				return -1;
			v[i] = 0;
		}
	p->pid = (pid_t)strtol(text, NULL, 10);
	if (p->pid <= 0 || v[0] > INT32_MAX)
		return -1;
	p->ppid = (pid_t)v[0];
	p->ticks = v[10] + v[11] + v[12] + v[13];
	return 0;
}

static int
by_ppid(const void *a, const void *b)
{
	const struct load_proc *x = a, *y = b;

	return x->ppid < y->ppid ? -1 : x->ppid > y->ppid;
}

uint64_t
load_tree_ticks(struct load_proc *v, size_t n, pid_t root)
{
	struct load_proc key, *hit;
	pid_t	*todo;
	size_t	 ntodo = 0, i, lo, hi, mid;
	uint64_t sum = 0;

	if (n == 0 || (todo = calloc(n, sizeof(*todo))) == NULL)
		return 0;
	qsort(v, n, sizeof(*v), by_ppid);
	for (i = 0; i < n; i++)
		if (v[i].pid == root) {
			sum += v[i].ticks;
			todo[ntodo++] = root;
			break;
		}
	/* Breadth first: each process is a child of one parent only. */
	while (ntodo > 0) {
		key.ppid = todo[--ntodo];
		lo = 0;
		hi = n;
		while (lo < hi) {	/* first with ppid >= key.ppid */
			mid = lo + (hi - lo) / 2;
			if (v[mid].ppid < key.ppid)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (hit = v + lo; hit < v + n && hit->ppid == key.ppid;
		    hit++) {
			if (hit->pid == root || ntodo >= n)
				continue;	/* a cycle: impossible */
			sum += hit->ticks;
			todo[ntodo++] = hit->pid;
		}
	}
	free(todo);
	return sum;
}

int
load_parse_cpustat(const char *text, uint64_t *usage_us)
{
	const char *s = text;

	while (s != NULL && *s != '\0') {
		if (strncmp(s, "usage_usec ", 11) == 0) {
			s += 11;
			return numbers(&s, usage_us, 1) == 1 ? 0 : -1;
		}
		if ((s = strchr(s, '\n')) != NULL)
			s++;
	}
	return -1;
}

int
load_parse_psi(const char *text, unsigned *some10)
{
	const char *s, *nl = strchr(text, '\n');
	uint64_t ip = 0, fp = 0;
	int	 digits = 0;

	if (strncmp(text, "some ", 5) != 0 ||
	    (s = strstr(text, " avg10=")) == NULL || (nl != NULL && nl < s))
		return -1;
	s += 7;
	if (numbers(&s, &ip, 1) != 1 || ip > 100)
		return -1;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++)
			if (digits < 2) {
				fp = fp * 10 + (uint64_t)(*s - '0');
				digits++;
			}
	}
	if (*s != ' ' && *s != '\n' && *s != '\0')
		return -1;
	while (digits++ < 2)
		fp *= 10;
	*some10 = (unsigned)(ip * 100 + fp);
	return 0;
}

/* The kB of the /proc/meminfo line key ("MemTotal:") into *kb. */
static int
meminfo_kb(const char *text, const char *key, uint64_t *kb)
{
	const char *s = text;
	size_t	 n = strlen(key);

	while (s != NULL && *s != '\0') {
		if (strncmp(s, key, n) == 0) {
			s += n;
			return numbers(&s, kb, 1) == 1 ? 0 : -1;
		}
		if ((s = strchr(s, '\n')) != NULL)
			s++;
	}
	return -1;
}

int
load_parse_meminfo(const char *text, uint64_t *avail_mb)
{
	uint64_t kb;

	if (meminfo_kb(text, "MemAvailable:", &kb) == -1)
		return -1;
	*avail_mb = kb / 1024;
	return 0;
}

int
load_parse_memused(const char *text, unsigned *pct)
{
	uint64_t total, avail;

	if (meminfo_kb(text, "MemTotal:", &total) == -1 ||
	    meminfo_kb(text, "MemAvailable:", &avail) == -1 || total == 0)
		return -1;
	*pct = load_used_pct(avail < total ? total - avail : 0, total);
	return 0;
}

int
load_parse_memmax(const char *text, uint64_t *bytes)
{
	const char *s = text;

	if (strncmp(text, "max", 3) == 0 && (text[3] == '\n' ||
	    text[3] == '\0'))
		return 1;
	if (numbers(&s, bytes, 1) != 1 || *bytes == 0)
		return -1;
	return 0;
}

unsigned
load_used_pct(uint64_t used, uint64_t limit)
{
	if (limit == 0)
		return 0;
	if (used >= limit)
		return 100;
	/* rounded; no overflow: used < limit, and both below 2^64 / 100
	 * for any memory a machine has, else scaled down first */
	if (limit > UINT64_MAX / 100) {
		used /= 1024;
		limit /= 1024;
	}
	return (unsigned)((used * 100 + limit / 2) / limit);
}
