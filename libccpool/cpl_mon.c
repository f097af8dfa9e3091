/*
 * cpl_mon.c - the monitor: browser events into the model, fetches of
 * status pages, the caller's callback; see ccpool.h and cpl.h.
 *
 * Three things drive it, all from the caller's AvahiPoll: the browser's
 * host events (on_host), the end of a fetch (on_fetched) and one timer
 * for the next fetch due (on_tick).  Each of them ends in schedule(),
 * which starts what is due and arms the timer for the rest.  The user's
 * jobs come from their agent on a timer of their own (cpl_jobc.c,
 * on_jobs).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <avahi-common/timeval.h>

#include "common/mono.h"
#include "discovery/disc_browse.h"
#include "libccpool/cpl.h"

struct ccpool_mon {
	const AvahiPoll		*api;
	struct ccpool_mon_opts	 opts;
	char			 cluster[DISC_CLUSTER_MAX];
	struct disc_browser	*browser;
	struct cpl_fetch	*fetch;
	AvahiTimeout		*tick;
	struct cpl_model	 model;
	ccpool_mon_cb		 cb;
	void			*arg;
	int			 closing;
	struct cpl_jobc		*jobc;		/* opts.jobs */
};

void
ccpool_mon_opts_init(struct ccpool_mon_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->version = CCPOOL_MON_OPTS_VERSION;
	o->distcc = 1;
	o->status = 1;
	o->interval_ms = 2000;
	o->timeout_ms = 3000;
	o->jobs = 1;
	o->jobs_interval_ms = 1000;
}

static void
tell(struct ccpool_mon *m, enum ccpool_event ev, const struct ccpool_host *h)
{
	if (m->cb != NULL && !m->closing)
		m->cb(m, ev, h, m->arg);
}

/* Start every fetch that is due; arm the timer for the next one. */
static void
schedule(struct ccpool_mon *m)
{
	struct ccpool_host	*h;
	struct cpl_req		*req;
	struct timeval		 tv;
	uint64_t		 now, next;
	char			 err[CPL_ERR_MAX];

	if (m->fetch == NULL || m->closing)
		return;
	now = mono_ms();
	while ((h = cpl_model_due(&m->model, now, &next)) != NULL) {
		req = cpl_fetch_start(m->fetch, h->url, h->pin, h->site,
		    m->opts.timeout_ms, h, err, sizeof(err));
		cpl_model_started(&m->model, h, req, now);
		if (req == NULL) {
			cpl_host_result(h, NULL, 0, err, now);
			tell(m, CCPOOL_STATUS, h);
		}
	}
	if (next == CPL_NO_TIME)
		m->api->timeout_update(m->tick, NULL);
	else
		m->api->timeout_update(m->tick, avahi_elapse_time(&tv,
		    (unsigned)(next - now), 0));
}

static void
on_tick(AvahiTimeout *t, void *arg)
{
	struct ccpool_mon *m = arg;

	m->api->timeout_update(t, NULL);
	schedule(m);
}

static void
on_fetched(void *owner, const char *body, size_t len, const char *fail,
    void *arg)
{
	struct ccpool_mon	*m = arg;
	struct ccpool_host	*h = owner;

	cpl_model_ended(&m->model, h);
	cpl_host_result(h, body, len, fail, mono_ms());
	tell(m, CCPOOL_STATUS, h);
	schedule(m);
}

/* Stop h's fetch in flight, if any. */
static void
cancel(struct ccpool_mon *m, struct ccpool_host *h)
{
	if (h->req == NULL)
		return;
	cpl_fetch_cancel(m->fetch, h->req);
	cpl_model_ended(&m->model, h);
}

static void
on_host(enum disc_event ev, const struct disc_host *dh, void *arg)
{
	struct ccpool_mon	*m = arg;
	struct ccpool_host	*h;
	int			 what, refetch;

	if (m->closing)
		return;
	what = cpl_model_apply(&m->model, ev, dh, mono_ms(), &h, &refetch);
	if (what == -1) {
		if (ev != DISC_HOST_REMOVE && m->opts.warn != NULL)
			m->opts.warn("out of memory: a host is missing",
			    m->opts.warn_arg);
		return;
	}
	if (refetch || what == CCPOOL_HOST_LEFT)
		cancel(m, h);
	tell(m, (enum ccpool_event)what, h);
	if (what == CCPOOL_HOST_LEFT)
		cpl_host_free(h);
	schedule(m);
}

/* The agent answered, or could not be asked. */
static void
on_jobs(const struct ccpool_jobs *j, const char *err, void *arg)
{
	struct ccpool_mon	*m = arg;

	(void)j;
	(void)err;
	tell(m, CCPOOL_JOBS, NULL);
}

/* Copy and check the caller's options. */
static int
take_opts(struct ccpool_mon *m, const struct ccpool_mon_opts *o, char *err,
    size_t errlen)
{
	ccpool_mon_opts_init(&m->opts);
	if (o == NULL)
		return 0;
	if (o->version != CCPOOL_MON_OPTS_VERSION && o->version != 1) {
		snprintf(err, errlen, "ccpool_mon_opts: version %u, this "
		    "library knows 1 to %d (use ccpool_mon_opts_init)",
		    o->version, CCPOOL_MON_OPTS_VERSION);
		return -1;
	}
	/* a version 1 struct ends before jobs: those keep the defaults */
	if (o->version == 1)
		memcpy(&m->opts, o, offsetof(struct ccpool_mon_opts, jobs));
	else
		m->opts = *o;
	if (o->cluster != NULL) {
		if (strlen(o->cluster) >= sizeof(m->cluster)) {
			snprintf(err, errlen, "cluster name too long");
			return -1;
		}
		memcpy(m->cluster, o->cluster, strlen(o->cluster) + 1);
		m->opts.cluster = m->cluster;
	}
	if (o->interval_ms < 250 || o->timeout_ms < 100 ||
	    o->interval_ms > 86400000 || o->timeout_ms > 600000) {
		snprintf(err, errlen, "ccpool_mon_opts: interval_ms 250 to "
		    "86400000, timeout_ms 100 to 600000");
		return -1;
	}
	if (m->opts.jobs_interval_ms < 100 ||
	    m->opts.jobs_interval_ms > 86400000) {
		snprintf(err, errlen, "ccpool_mon_opts: jobs_interval_ms 100 "
		    "to 86400000");
		return -1;
	}
	return 0;
}

struct ccpool_mon *
ccpool_mon_new(const AvahiPoll *api, const struct ccpool_mon_opts *opts,
    ccpool_mon_cb cb, void *arg, char *err, size_t errlen)
{
	struct ccpool_mon	*m;
	struct disc_browse_opts	 bo;
	X509_STORE		*site;
	char			 why[CPL_ERR_MAX];

	if (api == NULL) {
		snprintf(err, errlen, "no AvahiPoll given");
		return NULL;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->api = api;
	m->cb = cb;
	m->arg = arg;
	if (take_opts(m, opts, err, errlen) == -1)
		goto fail;
	cpl_model_init(&m->model, m->opts.status, m->opts.interval_ms);
	if ((m->tick = api->timeout_new(api, NULL, on_tick, m)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (m->opts.status && (m->fetch = cpl_fetch_new(api, on_fetched, m,
	    err, errlen)) == NULL)
		goto fail;
	if (m->fetch != NULL) {
		/* read once: a user made a site member later restarts */
		site = cpl_site_load(why, sizeof(why));
		cpl_model_site(&m->model, site != NULL, why);
		cpl_fetch_set_site(m->fetch, site);
	}
	if (m->opts.jobs && (m->jobc = cpl_jobc_new(api,
	    m->opts.jobs_interval_ms, on_jobs, m)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	memset(&bo, 0, sizeof(bo));
	bo.cluster = m->opts.cluster;
	bo.ccpool = 1;
	bo.distcc = m->opts.distcc;
	bo.no_fail = m->opts.no_fail;
	bo.warn = m->opts.warn;
	bo.warn_arg = m->opts.warn_arg;
	if ((m->browser = disc_browser_new_poll(api, &bo, on_host, m, err,
	    errlen)) == NULL)
		goto fail;
	return m;
fail:
	ccpool_mon_free(m);
	return NULL;
}

void
ccpool_mon_free(struct ccpool_mon *m)
{
	size_t	 i;

	if (m == NULL)
		return;
	m->closing = 1;
	disc_browser_free(m->browser);
	cpl_jobc_free(m->jobc);
	for (i = 0; i < m->model.n; i++)
		cancel(m, m->model.v[i]);
	cpl_fetch_free(m->fetch);
	cpl_model_clear(&m->model);
	if (m->tick != NULL)
		m->api->timeout_free(m->tick);
	free(m);
}

int
ccpool_mon_running(const struct ccpool_mon *m)
{
	return m->browser != NULL && disc_browser_running(m->browser);
}

size_t
ccpool_mon_count(const struct ccpool_mon *m)
{
	return m->model.n;
}

const struct ccpool_host *
ccpool_mon_host(const struct ccpool_mon *m, size_t i)
{
	return i < m->model.n ? m->model.v[i] : NULL;
}

const struct ccpool_jobs *
ccpool_mon_jobs(const struct ccpool_mon *m)
{
	return cpl_jobc_jobs(m->jobc);
}

const char *
ccpool_mon_jobs_error(const struct ccpool_mon *m)
{
	return cpl_jobc_error(m->jobc);
}
