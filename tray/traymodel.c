/*
 * traymodel.c - the tray's model over a snapshot (traymodel.h): the
 * state and its icon, the label, the menu's lines and the differences
 * between two snapshots that deserve a notification.  Pure functions of
 * their arguments; tray_main.c calls them once per refresh.
 */
#include <stdlib.h>
#include <string.h>

#include "tray/traymodel.h"

void
tray_snap_init(struct tray_snap *s)
{
	memset(s, 0, sizeof(*s));
}

void
tray_snap_clear(struct tray_snap *s)
{
	free(s->host);
	free(s->job);
	tray_snap_init(s);
}

/* Grows *p (of *cap elements of size sz) to hold one more than n. */
static int
grow(void **p, size_t *cap, size_t n, size_t sz)
{
	size_t	 ncap;
	void	*np;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	if ((np = reallocarray(*p, ncap, sz)) == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

struct tray_host *
tray_snap_add_host(struct tray_snap *s)
{
	struct tray_host *h;

	if (grow((void **)&s->host, &s->hcap, s->nhost, sizeof(*h)) == -1)
		return NULL;
	h = &s->host[s->nhost++];
	memset(h, 0, sizeof(*h));
	return h;
}

struct tray_job *
tray_snap_add_job(struct tray_snap *s)
{
	struct tray_job *j;

	if (grow((void **)&s->job, &s->jcap, s->njob, sizeof(*j)) == -1)
		return NULL;
	j = &s->job[s->njob++];
	memset(j, 0, sizeof(*j));
	j->end_ms = -1;
	j->status = -1;
	return j;
}

static int
host_cmp(const void *a, const void *b)
{
	const struct tray_host *x = a, *y = b;
	int c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return x->distcc - y->distcc;
}

void
tray_snap_sort(struct tray_snap *s)
{
	if (s->nhost > 1)
		qsort(s->host, s->nhost, sizeof(s->host[0]), host_cmp);
}

/* By name, the ccpoold first when a distccd has the same name. */
const struct tray_host *
tray_snap_find(const struct tray_snap *s, const char *name)
{
	size_t	 i;

	for (i = 0; i < s->nhost; i++)
		if (strcmp(s->host[i].name, name) == 0)
			return &s->host[i];
	return NULL;
}

int
tray_job_running(const struct tray_job *j)
{
	return j->phase != CCPOOL_PHASE_DONE &&
	    j->phase != CCPOOL_PHASE_FAILED && j->end_ms < 0;
}

int
tray_host_untrusted(const struct tray_host *h)
{
	return strncmp(h->trust, "UNTRUSTED", 9) == 0;
}

/* Warning first (it needs the user), then no host, working, idle. */
enum tray_state
tray_state(const struct tray_snap *s)
{
	size_t	 i;

	if (s->agent_died)
		return TRAY_WARNING;
	for (i = 0; i < s->nhost; i++)
		if (tray_host_untrusted(&s->host[i]))
			return TRAY_WARNING;
	if (s->nhost == 0)
		return TRAY_NONE;
	for (i = 0; i < s->njob; i++)
		if (tray_job_running(&s->job[i]))
			return TRAY_WORKING;
	return TRAY_IDLE;
}

const char *
tray_state_name(enum tray_state st)
{
	switch (st) {
	case TRAY_NONE:
		return "none";
	case TRAY_IDLE:
		return "idle";
	case TRAY_WORKING:
		return "working";
	case TRAY_WARNING:
		return "warning";
	}
	return "?";
}

/*
 * Icons of the freedesktop naming specification, present in every
 * theme (Adwaita included), so nothing needs installing.
 */
const char *
tray_state_icon(enum tray_state st)
{
	switch (st) {
	case TRAY_NONE:
		return "network-offline";
	case TRAY_IDLE:
		return "network-idle";
	case TRAY_WORKING:
		return "network-transmit-receive";
	case TRAY_WARNING:
		return "dialog-warning";
	}
	return "network-offline";
}

void
tray_label(const struct tray_snap *s, char *buf, size_t len)
{
	size_t	 i, run = 0;
	int	 n;

	for (i = 0; i < s->njob; i++)
		run += tray_job_running(&s->job[i]);
	if (s->nhost == 0)
		n = snprintf(buf, len, "no hosts");
	else
		n = snprintf(buf, len, "%zu host%s \u00b7 %u/%u slots free",
		    s->nhost, s->nhost == 1 ? "" : "s", s->cap_free,
		    s->cap_slots);
	if (n >= 0 && (size_t)n < len && run > 0)
		snprintf(buf + n, len - n, " \u00b7 %zu job%s", run,
		    run == 1 ? "" : "s");
}

void
tray_host_line(const struct tray_host *h, char *buf, size_t len)
{
	if (h->distcc)
		snprintf(buf, len, "%s \u2014 distcc, %u slots", h->name,
		    h->slots);
	else if (h->has_status)
		snprintf(buf, len, "%s \u2014 %u/%u busy, queue %u, "
		    "load %u%% \u00b7 %s", h->name, h->running, h->offered,
		    h->queued, h->load, h->trust);
	else
		snprintf(buf, len, "%s \u2014 %u/%u free, load %u%% \u00b7 %s",
		    h->name, h->free_slots, h->slots, h->load, h->trust);
}

/* The phase words of ccpool_phase_name(), kept here: no library call. */
static const char *
phase_word(enum ccpool_phase p)
{
	static const char *const w[] = { "wait", "cpp", "send", "compile",
	    "receive", "local", "done", "failed" };

	return (size_t)p < sizeof(w) / sizeof(w[0]) ? w[p] : "?";
}

void
tray_job_line(const struct tray_job *j, char *buf, size_t len)
{
	const char	*base = strrchr(j->file, '/');
	int64_t		 ms = j->start_ms - (j->end_ms < 0 ? 0 : j->end_ms);

	base = base != NULL ? base + 1 : j->file;
	snprintf(buf, len, "%s \u2192 %s (%s, %lld.%lld s)", base,
	    j->host[0] != '\0' ? j->host : "here", phase_word(j->phase),
	    (long long)(ms / 1000), (long long)(ms % 1000 / 100));
}

static void
event(struct tray_event *ev, size_t *n, size_t max, enum tray_ev_kind k,
    const struct tray_host *was, const struct tray_host *now)
{
	struct tray_event *e;

	if (*n >= max)
		return;
	e = &ev[(*n)++];
	memset(e, 0, sizeof(*e));
	e->kind = k;
	snprintf(e->name, sizeof(e->name), "%s", now ? now->name : was->name);
	if (was != NULL)
		snprintf(e->was, sizeof(e->was), "%s", was->trust);
	if (now != NULL)
		snprintf(e->now, sizeof(e->now), "%s", now->trust);
}

/*
 * Joins, departures and changes of key or of trust verdict, matching
 * hosts by name and kind.  Both snapshots must be sorted.
 */
size_t
tray_diff(const struct tray_snap *old, const struct tray_snap *new_,
    struct tray_event *ev, size_t max)
{
	size_t	 i = 0, j = 0, n = 0;
	int	 c;

	while (i < old->nhost || j < new_->nhost) {
		if (i == old->nhost)
			c = 1;
		else if (j == new_->nhost)
			c = -1;
		else
			c = host_cmp(&old->host[i], &new_->host[j]);
		if (c < 0)
			event(ev, &n, max, TRAY_EV_LEFT, &old->host[i++], NULL);
		else if (c > 0)
			event(ev, &n, max, TRAY_EV_JOINED, NULL,
			    &new_->host[j++]);
		else {
			if (strcmp(old->host[i].trust, new_->host[j].trust) ||
			    strcmp(old->host[i].fingerprint,
			    new_->host[j].fingerprint))
				event(ev, &n, max, TRAY_EV_TRUST,
				    &old->host[i], &new_->host[j]);
			i++;
			j++;
		}
	}
	return n;
}
