/*
 * traybars.c - the Gantt strip of the monitor window as bars: per slot of
 * a host, what its status page says it does now (busy or closed since
 * some time) and the jobs it finished; per job of the user, its span
 * coloured by its phase.  Everything clipped to the last window_ms.
 * tray_draw.c only scales these to pixels.
 */
#include "tray/traymodel.h"

/* Adds [from, to] (ms before now) clipped to the window; 0 if dropped. */
static int
add(struct tray_bar *out, size_t *n, size_t max, int64_t window_ms,
    const struct tray_bar *b)
{
	struct tray_bar c = *b;

	if (*n >= max || c.from_ms < c.to_ms || c.to_ms > window_ms)
		return 0;
	if (c.to_ms < 0)
		c.to_ms = 0;
	if (c.from_ms > window_ms)
		c.from_ms = window_ms;
	out[(*n)++] = c;
	return 1;
}

/*
 * A slot busy or closed for since_ms before the page goes back that far
 * and lasts until now (the page is the latest word on it).  A finished
 * job ran from end + ms to end.  Slots beyond nslot get no row.
 */
size_t
tray_host_bars(const struct tray_host *h, int64_t window_ms,
    struct tray_bar *out, size_t max)
{
	struct tray_bar	 b = { 0 };
	size_t		 i, n = 0;

	if (!h->has_status)
		return 0;
	for (i = 0; i < h->nslot; i++) {
		if (h->slot[i] != CCPOOL_SLOT_BUSY &&
		    h->slot[i] != CCPOOL_SLOT_CLOSED)
			continue;
		b.row = i;
		b.kind = h->slot[i] == CCPOOL_SLOT_BUSY ? TRAY_BAR_BUSY :
		    TRAY_BAR_CLOSED;
		b.from_ms = h->since_ms[i] < 0 ? window_ms : h->since_ms[i];
		b.to_ms = 0;
		add(out, &n, max, window_ms, &b);
	}
	for (i = 0; i < h->nrecent; i++) {
		const struct tray_recent *r = &h->recent[i];

		if (r->slot >= h->nslot)
			continue;
		b.row = r->slot;
		b.kind = r->ok ? TRAY_BAR_OK : TRAY_BAR_FAILED;
		b.to_ms = r->end_ms;
		b.from_ms = r->end_ms + (r->ms > 0 ? r->ms : 0);
		add(out, &n, max, window_ms, &b);
	}
	return n;
}

#define LANES_MAX	64

/*
 * The user's jobs packed into rows ("lanes", as many as ran at once):
 * oldest first, each in the first row free by its start.  Jobs that
 * ended before the window get none; *nrows is the rows used.
 */
size_t
tray_job_bars(const struct tray_snap *s, int64_t window_ms, size_t row0,
    struct tray_bar *out, size_t max, size_t *nrows)
{
	struct tray_bar	 b = { 0 };
	int64_t		 lane_to[LANES_MAX];
	size_t		 i, l, n = 0, lanes = 0;

	for (i = 0; i < s->njob; i++) {
		const struct tray_job *j = &s->job[i];

		b.kind = TRAY_BAR_PHASE;
		b.phase = j->phase;
		b.from_ms = j->start_ms;
		b.to_ms = j->end_ms < 0 ? 0 : j->end_ms;
		if (b.to_ms > window_ms)
			continue;
		for (l = 0; l < lanes && lane_to[l] < b.from_ms; l++)
			;
		if (l == lanes && lanes < LANES_MAX)
			lanes++;
		if (l == LANES_MAX)
			l = LANES_MAX - 1;	/* overdrawn, never lost */
		lane_to[l] = b.to_ms;
		b.row = row0 + l;
		add(out, &n, max, window_ms, &b);
	}
	*nrows = lanes;
	return n;
}
