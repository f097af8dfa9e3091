/*
 * traysnap.c - a snapshot of the monitor (traymodel.h) through the public
 * accessors of libccpool only: the hosts and their adverts, their status
 * pages (slots, the last finished jobs), the user's jobs from their
 * agent, the capacity.  Times are moved from "before the page was made"
 * to "before now" by adding the page's age.  Names from the network are
 * copied with control characters replaced, so that nothing drawn or
 * printed later carries them.
 */
#include <string.h>

#include "tray/traysnap.h"

/* Copies src into dst (size n), control bytes turned into '?'. */
static void
copy_clean(char *dst, size_t n, const char *src)
{
	size_t	 i;

	if (src == NULL)
		src = "";
	for (i = 0; i + 1 < n && src[i] != '\0'; i++)
		dst[i] = ((unsigned char)src[i] < 0x20 || src[i] == 0x7f) ?
		    '?' : src[i];
	dst[i] = '\0';
}

static void
fill_status(struct tray_host *t, const struct ccpool_host *h,
    const struct ccpool_status *st)
{
	int64_t	 age = ccpool_host_status_age_ms(h);
	size_t	 i, n;

	if (age < 0)
		age = 0;
	t->has_status = 1;
	t->st_slots = ccpool_status_slots(st);
	t->offered = ccpool_status_offered(st);
	t->running = ccpool_status_running(st);
	t->queued = ccpool_status_queued(st);
	t->queue_max = ccpool_status_queue_max(st);
	t->nslot = t->st_slots < TRAY_SLOTS_MAX ? t->st_slots : TRAY_SLOTS_MAX;
	for (i = 0; i < t->nslot; i++) {
		int64_t since = ccpool_status_slot_since_ms(st, i);

		t->slot[i] = ccpool_status_slot_state(st, i);
		t->since_ms[i] = since < 0 ? -1 : since + age;
	}
	n = ccpool_status_nrecent(st);
	t->nrecent = n < TRAY_RECENT_MAX ? n : TRAY_RECENT_MAX;
	for (i = 0; i < t->nrecent; i++) {
		t->recent[i].slot = ccpool_status_recent_slot(st, i);
		t->recent[i].end_ms = ccpool_status_recent_end_ms(st, i) + age;
		t->recent[i].ms = ccpool_status_recent_ms(st, i);
		t->recent[i].ok = ccpool_status_recent_ok(st, i);
	}
}

static int
fill_host(struct tray_snap *s, const struct ccpool_host *h)
{
	const struct ccpool_status *st;
	struct tray_host *t;

	if ((t = tray_snap_add_host(s)) == NULL)
		return -1;
	copy_clean(t->name, sizeof(t->name), ccpool_host_name(h));
	copy_clean(t->trust, sizeof(t->trust), ccpool_host_trust(h));
	copy_clean(t->fingerprint, sizeof(t->fingerprint),
	    ccpool_host_fingerprint(h));
	t->distcc = ccpool_host_kind(h) == CCPOOL_KIND_DISTCC;
	t->usable = ccpool_host_usable(h);
	t->slots = ccpool_host_slots(h);
	t->free_slots = ccpool_host_free_slots(h);
	t->load = ccpool_host_load(h);
	if ((st = ccpool_host_status(h)) != NULL)
		fill_status(t, h, st);
	else
		copy_clean(t->status_err, sizeof(t->status_err),
		    ccpool_host_status_error(h));
	return 0;
}

static int
fill_jobs(struct tray_snap *s, const struct ccpool_jobs *js)
{
	int64_t	 age = ccpool_jobs_age_ms(js);
	size_t	 i, n = ccpool_jobs_count(js);

	if (age < 0)
		age = 0;
	for (i = 0; i < n; i++) {
		struct tray_job *j = tray_snap_add_job(s);
		int64_t end = ccpool_job_end_ms(js, i);

		if (j == NULL)
			return -1;
		j->id = ccpool_job_id(js, i);
		copy_clean(j->file, sizeof(j->file), ccpool_job_file(js, i));
		copy_clean(j->host, sizeof(j->host), ccpool_job_host(js, i));
		j->phase = ccpool_job_phase(js, i);
		j->start_ms = ccpool_job_start_ms(js, i) + age;
		j->end_ms = end < 0 ? -1 : end + age;
		j->status = ccpool_job_status(js, i);
	}
	return 0;
}

/*
 * Fills s (cleared first) from m.  prev, when not NULL, is the snapshot
 * before: the agent "died" when it stops answering while jobs of its
 * last answer ran.  0, or -1 on out-of-memory (s then partial).
 */
int
tray_snap_take(struct tray_snap *s, const struct ccpool_mon *m,
    const struct tray_snap *prev)
{
	const struct ccpool_jobs *js;
	size_t	 i, n;

	tray_snap_clear(s);
	s->mon_running = ccpool_mon_running(m);
	ccpool_mon_capacity(m, &s->cap_slots, &s->cap_free, &s->cap_jobs);
	n = ccpool_mon_count(m);
	for (i = 0; i < n; i++)
		if (fill_host(s, ccpool_mon_host(m, i)) == -1)
			return -1;
	tray_snap_sort(s);
	if ((js = ccpool_mon_jobs(m)) != NULL) {
		s->jobs_ok = 1;
		return fill_jobs(s, js);
	}
	copy_clean(s->jobs_err, sizeof(s->jobs_err), ccpool_mon_jobs_error(m));
	if (s->jobs_err[0] == '\0')
		copy_clean(s->jobs_err, sizeof(s->jobs_err), "no answer yet");
	if (prev != NULL) {
		s->agent_died = prev->agent_died;
		for (i = 0; i < prev->njob && prev->jobs_ok; i++)
			if (tray_job_running(&prev->job[i]))
				s->agent_died = 1;
	}
	return 0;
}
