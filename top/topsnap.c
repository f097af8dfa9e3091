/*
 * topsnap.c - ccpool-top's snapshot filled from libccpool: the monitor's
 * hosts (advert, trust verdict, status page with its per-slot states and
 * recent jobs), the user's jobs from their agent, the capacity.  The one
 * file besides top.c that calls the library, through its public header
 * only; everything after it reads the snapshot (top.h).
 */
#include <stdio.h>
#include <string.h>

#include <ccpool.h>

#include "top/top.h"
#include "top/topsnap.h"

static void
copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

static char
slot_char(enum ccpool_slot_state st)
{
	switch (st) {
	case CCPOOL_SLOT_IDLE:
		return TOP_SLOT_IDLE;
	case CCPOOL_SLOT_BUSY:
		return TOP_SLOT_BUSY;
	case CCPOOL_SLOT_CLOSED:
		return TOP_SLOT_CLOSED;
	default:
		return TOP_SLOT_UNKNOWN;
	}
}

/* The status page's figures, its slots and its recent jobs. */
static void
fill_status(struct top_host *t, const struct ccpool_status *st)
{
	size_t		 i, n;

	t->has_status = 1;
	t->st_slots = ccpool_status_slots(st);
	t->offered = ccpool_status_offered(st);
	t->running = ccpool_status_running(st);
	t->queued = ccpool_status_queued(st);
	t->queue_max = ccpool_status_queue_max(st);
	t->foreign_load = ccpool_status_foreign_load(st);
	if (ccpool_status_schema(st) < 2)
		return;
	n = t->st_slots < TOP_SLOT_MAX ? t->st_slots : TOP_SLOT_MAX;
	for (i = 0; i < n; i++) {
		t->slot_state[i] = slot_char(ccpool_status_slot_state(st, i));
		t->slot_since_ms[i] = ccpool_status_slot_since_ms(st, i);
	}
	t->nslot = n;
	n = ccpool_status_nrecent(st);
	if (n > TOP_RECENT_MAX)
		n = TOP_RECENT_MAX;	/* newest first: the oldest go */
	for (i = 0; i < n; i++) {
		t->recent[i].slot = ccpool_status_recent_slot(st, i);
		t->recent[i].end_ms = ccpool_status_recent_end_ms(st, i);
		t->recent[i].ms = ccpool_status_recent_ms(st, i);
		t->recent[i].ok = ccpool_status_recent_ok(st, i);
	}
	t->nrecent = n;
}

static void
fill_host(struct top_host *t, const struct ccpool_host *h)
{
	const struct ccpool_status *st = ccpool_host_status(h);

	copy(t->name, sizeof(t->name), ccpool_host_name(h));
	copy(t->kind, sizeof(t->kind),
	    ccpool_kind_name(ccpool_host_kind(h)));
	copy(t->trust, sizeof(t->trust), ccpool_host_trust(h));
	t->usable = ccpool_host_usable(h);
	t->cpus = ccpool_host_cpus(h);
	t->slots = ccpool_host_slots(h);
	t->free_slots = ccpool_host_free_slots(h);
	t->load = ccpool_host_load(h);
	copy(t->status_error, sizeof(t->status_error),
	    ccpool_host_status_error(h));
	t->age_ms = ccpool_host_status_age_ms(h);
	if (st != NULL)
		fill_status(t, st);
}

/* The user's jobs, the newest TOP_JOB_MAX, oldest first. */
static void
fill_jobs(struct top_snap *s, const struct ccpool_mon *m)
{
	const struct ccpool_jobs *j = ccpool_mon_jobs(m);
	size_t		 i, n, first;
	struct top_job	*t;
	enum ccpool_phase p;

	s->njob = 0;
	if (j == NULL) {
		s->has_jobs = 0;
		copy(s->jobs_error, sizeof(s->jobs_error),
		    ccpool_mon_jobs_error(m));
		return;
	}
	s->has_jobs = 1;
	n = ccpool_jobs_count(j);
	first = n > TOP_JOB_MAX ? n - TOP_JOB_MAX : 0;
	for (i = first; i < n; i++) {
		t = &s->job[s->njob++];
		p = ccpool_job_phase(j, i);
		t->id = ccpool_job_id(j, i);
		copy(t->file, sizeof(t->file), ccpool_job_file(j, i));
		copy(t->host, sizeof(t->host), ccpool_job_host(j, i));
		copy(t->phase, sizeof(t->phase), ccpool_phase_name(p));
		t->running = p != CCPOOL_PHASE_DONE && p != CCPOOL_PHASE_FAILED;
		t->start_ms = ccpool_job_start_ms(j, i);
		t->end_ms = ccpool_job_end_ms(j, i);
		t->status = ccpool_job_status(j, i);
	}
}

int
top_snap_fill(struct top_snap *s, const struct ccpool_mon *m)
{
	size_t		 i, n = m != NULL ? ccpool_mon_count(m) : 0;

	if (top_snap_hosts(s, n) == -1)
		return -1;
	s->running = m != NULL && ccpool_mon_running(m);
	if (s->running)
		s->avahi_error[0] = '\0';
	else if (s->avahi_error[0] == '\0')
		copy(s->avahi_error, sizeof(s->avahi_error),
		    "avahi-daemon: not connected, waiting for it");
	for (i = 0; i < n; i++)
		fill_host(&s->host[i], ccpool_mon_host(m, i));
	if (m != NULL) {
		fill_jobs(s, m);
		ccpool_mon_capacity(m, &s->cap_slots, &s->cap_free,
		    &s->cap_jobs);
	}
	top_snap_mine(s);
	return 0;
}
