/*
 * ls_status.c - lsdistcc --status: the hosts and each ccpool server's
 * status page, through the public library (libccpool/ccpool.h) on
 * lsdistcc's libevent loop.  ls_status_rows() browses, waits for the
 * pages, and turns each struct ccpool_host into an ls_row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "libccpool/ccpool.h"
#include "lsdistcc/ls.h"

#define FETCH_TIMEOUT_MS	3000

static void
on_warn(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "lsdistcc: %s\n", msg);
}

/* 1 while a ccpool server's first page (or its error) has not come. */
static int
waiting(const struct ccpool_mon *m)
{
	const struct ccpool_host *h;
	size_t	 i;

	for (i = 0; i < ccpool_mon_count(m); i++) {
		h = ccpool_mon_host(m, i);
		if (ccpool_host_status_age_ms(h) < 0 &&
		    ccpool_host_status_error(h) == NULL)
			return 1;
	}
	return 0;
}

static void
status_of(struct ls_row *r, const struct ccpool_host *h)
{
	const struct ccpool_status *st = ccpool_host_status(h);
	const char *why = ccpool_host_status_error(h);

	r->statused = 1;
	if (st == NULL) {
		snprintf(r->status_err, sizeof(r->status_err), "%s",
		    why != NULL ? why : "no answer yet");
		return;
	}
	r->has_status = 1;
	r->st_running = ccpool_status_running(st);
	r->st_queued = ccpool_status_queued(st);
	r->st_queue_max = ccpool_status_queue_max(st);
	r->st_slots = ccpool_status_slots(st);
	r->st_offered = ccpool_status_offered(st);
	r->st_load = ccpool_status_foreign_load(st);
	r->st_done = (long long)ccpool_status_jobs_done(st);
	r->st_failed = (long long)ccpool_status_jobs_failed(st);
	r->st_uptime = (long long)ccpool_status_uptime(st);
	snprintf(r->st_version, sizeof(r->st_version), "%s",
	    ccpool_status_version(st));
}

static void
row_of(struct ls_row *r, const struct ccpool_host *h)
{
	size_t	 i, o = 0;

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", ccpool_host_name(h));
	r->kind = ccpool_kind_name(ccpool_host_kind(h));
	if (ccpool_host_naddr(h) > 0)
		snprintf(r->addr, sizeof(r->addr), "%s",
		    ccpool_host_addr(h, 0));
	r->port = ccpool_host_port(h);
	r->known = 1;
	r->cpus = ccpool_host_cpus(h);
	r->slots = ccpool_host_slots(h);
	r->free_slots = ccpool_host_free_slots(h);
	r->load = ccpool_host_load(h);
	for (i = 0; i < ccpool_host_ntoolchains(h) &&
	    o < sizeof(r->toolchains); i++)
		o += (size_t)snprintf(r->toolchains + o,
		    sizeof(r->toolchains) - o, "%s%s", i ? "," : "",
		    ccpool_host_toolchain(h, i));
	if (ccpool_host_kind(h) == CCPOOL_KIND_CCPOOL) {
		snprintf(r->security, sizeof(r->security), "%s",
		    ccpool_host_security(h));
		snprintf(r->cluster, sizeof(r->cluster), "%s",
		    ccpool_host_cluster(h));
		snprintf(r->id, sizeof(r->id), "%s",
		    ccpool_host_fingerprint(h));
	} else {
		/* distcc says nothing of what is free */
		r->free_slots = r->slots;
		snprintf(r->security, sizeof(r->security), "none");
	}
	status_of(r, h);
}

/* Run base for ms milliseconds. */
static void
run_for(struct event_base *base, long ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

int
ls_status_rows(struct event_base *base, double settle, const char *cluster,
    struct ls_row **rows, size_t *n, char *err, size_t errlen)
{
	struct ccpool_mon_opts	 o;
	struct ccpool_evpoll	*ep;
	struct ccpool_mon	*m;
	long			 waited;
	size_t			 i;

	if ((ep = ccpool_evpoll_new(base)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ccpool_mon_opts_init(&o);
	o.cluster = cluster;
	o.timeout_ms = FETCH_TIMEOUT_MS;
	o.warn = on_warn;
	if ((m = ccpool_mon_new(ccpool_evpoll_get(ep), &o, NULL, NULL, err,
	    errlen)) == NULL) {
		ccpool_evpoll_free(ep);
		return -1;
	}
	run_for(base, (long)(settle * 1000));
	/* a host seen late gets its fetch's time, no more */
	for (waited = 0; waiting(m) && !event_base_got_break(base) &&
	    waited < FETCH_TIMEOUT_MS + 500; waited += 100)
		run_for(base, 100);
	*n = ccpool_mon_count(m);
	if (*n > 0 && (*rows = calloc(*n, sizeof(**rows))) == NULL) {
		snprintf(err, errlen, "out of memory");
		*n = 0;
		ccpool_mon_free(m);
		ccpool_evpoll_free(ep);
		return -1;
	}
	for (i = 0; i < *n; i++)
		row_of(&(*rows)[i], ccpool_mon_host(m, i));
	ccpool_mon_free(m);
	ccpool_evpoll_free(ep);
	return 0;
}
