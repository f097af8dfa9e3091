/*
 * topmodel.c - ccpool-top's frame: a snapshot (top.h) turned into lines
 * of text of a given width and height, the same for the curses screen
 * and for --once.  Pure: no library, no terminal, no clock (the snapshot
 * carries every age).  Start reading at top_render().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "top/top.h"

#define BAR_W	12	/* the slots bar, brackets included */
#define NAME_W	16
#define TRUST_W	12
#define STRIP_PRE 7	/* "  s12 |" before a strip */
#define JOBS_MIN 6	/* lines kept for the jobs before strips show */

struct top_snap *
top_snap_new(void)
{
	return calloc(1, sizeof(struct top_snap));
}

void
top_snap_free(struct top_snap *s)
{
	if (s == NULL)
		return;
	free(s->host);
	free(s);
}

int
top_snap_hosts(struct top_snap *s, size_t n)
{
	struct top_host	*h = NULL;

	if (n > 0 && (h = calloc(n, sizeof(*h))) == NULL)
		return -1;
	free(s->host);
	s->host = h;
	s->nhost = n;
	return 0;
}

/* The user's running jobs per host, by the host's DNS-SD name. */
void
top_snap_mine(struct top_snap *s)
{
	size_t		 i, k;

	for (k = 0; k < s->nhost; k++)
		s->host[k].my_jobs = 0;
	for (i = 0; i < s->njob; i++) {
		if (!s->job[i].running || s->job[i].host[0] == '\0')
			continue;
		for (k = 0; k < s->nhost; k++)
			if (strcmp(s->host[k].name, s->job[i].host) == 0) {
				s->host[k].my_jobs++;
				break;
			}
	}
}

/* Slots in use and offered: the status page's figures, else the advert's. */
static unsigned
host_total(const struct top_host *h)
{
	return h->has_status ? h->offered : h->slots;
}

static unsigned
host_used(const struct top_host *h)
{
	if (h->has_status)
		return h->running;
	return h->slots > h->free_slots ? h->slots - h->free_slots : 0;
}

static unsigned
host_free(const struct top_host *h)
{
	unsigned	 t = host_total(h), u = host_used(h);

	return t > u ? t - u : 0;
}

static int
cmp_name(const void *a, const void *b)
{
	const struct top_host *x = a, *y = b;
	int		 c = strcmp(x->name, y->name);

	return c != 0 ? c : strcmp(x->kind, y->kind);
}

static int
cmp_busy(const void *a, const void *b)
{
	unsigned	 x = host_used(a), y = host_used(b);

	return x != y ? (x < y ? 1 : -1) : cmp_name(a, b);
}

static int
cmp_free(const void *a, const void *b)
{
	unsigned	 x = host_free(a), y = host_free(b);

	return x != y ? (x < y ? 1 : -1) : cmp_name(a, b);
}

void
top_snap_sort(struct top_snap *s, enum top_sort by)
{
	int		(*cmp)(const void *, const void *) = cmp_name;

	if (by == TOP_SORT_BUSY)
		cmp = cmp_busy;
	else if (by == TOP_SORT_FREE)
		cmp = cmp_free;
	if (s->nhost > 1)
		qsort(s->host, s->nhost, sizeof(s->host[0]), cmp);
}

const char *
top_sort_name(enum top_sort by)
{
	switch (by) {
	case TOP_SORT_BUSY:
		return "busy";
	case TOP_SORT_FREE:
		return "free";
	default:
		return "name";
	}
}

/*
 * A bar of width bytes (brackets included, width >= 3) and its NUL into
 * dst: used of total cells '#', the rest '.'; all '-' when nothing is
 * offered.  A slot in use shows at least one '#'.
 */
void
top_bar(char *dst, size_t width, unsigned used, unsigned total)
{
	size_t		 cells = width - 2, fill, i;

	if (used > total)
		used = total;
	fill = total == 0 ? 0 : (used * cells + total / 2) / total;
	if (used > 0 && fill == 0)
		fill = 1;
	dst[0] = '[';
	for (i = 0; i < cells; i++)
		dst[1 + i] = total == 0 ? '-' : i < fill ? '#' : '.';
	dst[width - 1] = ']';
	dst[width] = '\0';
}

/* Whether a recent job of slot ran within [a, b) ms before the page. */
static int
slot_busy_in(const struct top_host *h, size_t slot, int64_t a, int64_t b)
{
	size_t		 i;

	for (i = 0; i < h->nrecent; i++) {
		const struct top_recent *r = &h->recent[i];

		if (r->slot == slot && r->end_ms < b && r->end_ms + r->ms > a)
			return 1;
	}
	return 0;
}

/*
 * The slot's last width seconds (at most a minute), oldest left, now at
 * the right: its current state for as long as the page says it held,
 * '#' where a recent job ran, '.' before; blanks beyond a minute or for
 * a slot the page does not describe.  dst gets width bytes and a NUL.
 */
void
top_strip(const struct top_host *h, size_t slot, char *dst, size_t width)
{
	size_t		 p, k;
	int64_t		 a, since;
	char		 cur;

	for (p = 0; p < width; p++) {
		k = width - 1 - p;		/* seconds ago */
		dst[p] = TOP_SLOT_UNKNOWN;
		if (slot >= h->nslot || k >= TOP_STRIP_S)
			continue;
		cur = h->slot_state[slot];
		since = h->slot_since_ms[slot];
		/* the second k..k+1 ago, in ms before the page was made */
		a = (int64_t)k * 1000 - (h->age_ms > 0 ? h->age_ms : 0);
		if (slot_busy_in(h, slot, a, a + 1000))
			dst[p] = TOP_SLOT_BUSY;
		else if (since < 0 || a < since)
			dst[p] = cur;
		else
			dst[p] = TOP_SLOT_IDLE;
	}
	dst[width] = '\0';
}

/* the frame being written */
struct frame {
	struct top_line	*l;
	size_t		 n, nmax, width;
};

static void
add(struct frame *f, enum top_line_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
add(struct frame *f, enum top_line_kind kind, const char *fmt, ...)
{
	va_list		 ap;
	size_t		 w = f->width + 1;

	if (f->n >= f->nmax)
		return;
	if (w > TOP_LINE_MAX)
		w = TOP_LINE_MAX;
	f->l[f->n].kind = kind;
	va_start(ap, fmt);
	vsnprintf(f->l[f->n].text, w, fmt, ap);
	va_end(ap);
	f->n++;
}

static void
host_line(struct frame *f, const struct top_host *h)
{
	char		 bar[BAR_W + 1], q[16];

	top_bar(bar, BAR_W, host_used(h), host_total(h));
	if (h->has_status)
		snprintf(q, sizeof(q), "%u", h->queued);
	else
		snprintf(q, sizeof(q), "-");
	add(f, TOP_L_HOST, "%-*.*s %-*.*s %s %3u/%-3u %5s %3u%% %4u",
	    NAME_W, NAME_W, h->name, TRUST_W, TRUST_W, h->trust, bar,
	    host_used(h), host_total(h), q,
	    h->has_status ? h->foreign_load : h->load, h->my_jobs);
}

/* The host's strips, or one line of why it has none; lines written. */
static size_t
host_strips(struct frame *f, const struct top_host *h, int count_only)
{
	char		 strip[TOP_STRIP_S + 1];
	size_t		 i, w;

	if (h->nslot == 0) {
		if (h->status_error[0] == '\0')
			return 0;
		if (!count_only)
			add(f, TOP_L_NOTE, "  status: %s", h->status_error);
		return 1;
	}
	if (count_only)
		return h->nslot;
	w = f->width > STRIP_PRE + 1 ? f->width - STRIP_PRE - 1 : 1;
	if (w > TOP_STRIP_S)
		w = TOP_STRIP_S;
	for (i = 0; i < h->nslot; i++) {
		top_strip(h, i, strip, w);
		add(f, TOP_L_STRIP, "  s%-2zu |%s|", i, strip);
	}
	return h->nslot;
}

/* A job's line: how long it ran (or has run), where, what. */
static void
job_line(struct frame *f, const struct top_job *j)
{
	int64_t		 ms = j->running ? j->start_ms :
			    j->start_ms - j->end_ms;

	if (ms < 0)
		ms = 0;
	add(f, TOP_L_JOB, "%6llu %-8s %-*.*s %5lld.%llds %s",
	    (unsigned long long)j->id, j->phase, NAME_W, NAME_W,
	    j->host[0] != '\0' ? j->host : "(here)", (long long)(ms / 1000),
	    (long long)(ms % 1000 / 100), j->file);
}

/* The jobs section in at most room lines (0: no limit). */
static void
jobs_section(struct frame *f, const struct top_snap *s, size_t room)
{
	size_t		 i, nrun = 0, left;

	if (!s->has_jobs) {
		add(f, TOP_L_NOTE, "your jobs: %s", s->jobs_error[0] != '\0' ?
		    s->jobs_error : "not known yet");
		return;
	}
	for (i = 0; i < s->njob; i++)
		nrun += s->job[i].running;
	add(f, TOP_L_HEAD, "YOUR JOBS: %zu running, %zu finished", nrun,
	    s->njob - nrun);
	left = room == 0 ? s->njob : room - 1;
	for (i = 0; i < s->njob && left > 0; i++)	/* running, oldest */
		if (s->job[i].running) {
			job_line(f, &s->job[i]);
			left--;
		}
	for (i = s->njob; i > 0 && left > 0; i--)	/* then the newest */
		if (!s->job[i - 1].running) {
			job_line(f, &s->job[i - 1]);
			left--;
		}
}

static size_t
usable_count(const struct top_snap *s)
{
	size_t		 i, n = 0;

	for (i = 0; i < s->nhost; i++)
		n += s->host[i].usable != 0;
	return n;
}

/*
 * The frame of s, sorted as by says (for the title: s is sorted by the
 * caller), into at most nmax lines of at most width bytes (0: as wide as
 * a line holds) for a screen of height lines (0: no limit, every strip
 * and job).  With too few lines the strips go first, then jobs, then
 * hosts beyond those that fit (one line says how many).  Returns the
 * number of lines written.
 */
size_t
top_render(const struct top_snap *s, struct top_line *l, size_t nmax,
    size_t width, size_t height, enum top_sort by)
{
	struct frame	 f = { l, 0, nmax, width ? width : TOP_LINE_MAX - 1 };
	size_t		 i, fixed, room = 0, nstrip = 0, hosts = s->nhost;
	int		 strips = 1, jobs = 1;

	if (height != 0 && height < nmax)
		f.nmax = height;
	add(&f, TOP_L_TITLE, "ccpool top: %zu hosts, %zu usable; sorted by %s",
	    s->nhost, usable_count(s), top_sort_name(by));
	if (!s->running)
		add(&f, TOP_L_NOTE, "%s", s->avahi_error[0] ?
		    s->avahi_error : "avahi-daemon: not connected");
	fixed = f.n + 2 + 1;		/* + head, footer, jobs head */
	for (i = 0; i < s->nhost; i++)
		nstrip += host_strips(&f, &s->host[i], 1);
	if (height != 0 && fixed + hosts > height) {
		/* the jobs' line says how many hosts more */
		hosts = height > fixed ? height - fixed : 0;
		strips = jobs = 0;
	} else if (height != 0) {
		room = height - fixed - hosts + 1;	/* the jobs' head too */
		strips = nstrip + JOBS_MIN <= room;
		if (strips)
			room -= nstrip;
	}
	if (s->nhost == 0)
		add(&f, TOP_L_NOTE, "no hosts found yet");
	else
		add(&f, TOP_L_HEAD, "%-*s %-*s %-*s %-7s %5s %4s %4s", NAME_W,
		    "HOST", TRUST_W, "TRUST", BAR_W, "SLOTS", "USED", "QUEUE",
		    "LOAD", "MINE");
	for (i = 0; i < hosts; i++) {
		host_line(&f, &s->host[i]);
		if (strips)
			host_strips(&f, &s->host[i], 0);
	}
	if (hosts < s->nhost)
		add(&f, TOP_L_NOTE, "... and %zu more hosts", s->nhost - hosts);
	if (jobs)
		jobs_section(&f, s, room);
	if (height != 0)	/* the footer on the last line */
		f.nmax = nmax < height ? nmax : height;
	if (f.n == f.nmax && f.n > 0)
		f.n--;
	add(&f, TOP_L_FOOTER, "capacity: %u slots, %u free; suggested make -j%u",
	    s->cap_slots, s->cap_free, s->cap_jobs);
	return f.n;
}
