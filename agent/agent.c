/*
 * agent.c - the per-user agent (`ccpool --agent`), started on demand by
 * the first wrapper (spawn.c) and gone after CCPOOL_AGENT_IDLE seconds
 * without work.
 *
 * One libevent loop drives discovery or the CCPOOL_HOSTS list (ahost.c),
 * the wrappers' connections on the unix socket and their jobs (ajob.c)
 * and the server connections (sconn.c).  This file sets the agent up,
 * runs the loop and takes it down; the server side reports to the jobs
 * only through the callbacks set here (struct agent_cb).
 *
 * Start reading at agent_main(), then ajob.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "agent/adcc.h"
#include "agent/agent_int.h"
#include "common/sockdir.h"
#include "common/spawn.h"
#include "common/log.h"

/* How the server side reports to the jobs (agent_int.h). */
static const struct agent_cb agent_cb = {
	.hosts_changed = ajob_hosts_changed,
	.notice = areport_notice,
	.job_answered = ajob_answered,
	.job_failed = ajob_failed,
	.offer_pulled = ajob_pulled,
	.offer_lost = ajob_offer_lost,
};

static void
on_idle(evutil_socket_t fd, short what, void *arg)
{
	struct agent	*a = arg;

	(void)fd;
	(void)what;
	log_info("idle for %u s, exiting", a->idle_sec);
	event_base_loopbreak(a->base);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct agent	*a = arg;

	(void)what;
	log_info("signal %d, exiting", (int)sig);
	event_base_loopbreak(a->base);
}

/* Cold start over: jobs held for discovery go now, wherever they can. */
static void
on_cold(evutil_socket_t fd, short what, void *arg)
{
	struct agent	*a = arg;

	(void)fd;
	(void)what;
	a->warm = 1;
	ajob_hosts_changed(a);
}

static unsigned
idle_seconds(void)
{
	const char	*v = getenv("CCPOOL_AGENT_IDLE");
	char		*end;
	long		 n;

	if (v == NULL || v[0] == '\0')
		return AGENT_IDLE_DEFAULT;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 || n > 86400L * 7)
		return AGENT_IDLE_DEFAULT;
	return (unsigned)n;
}

/*
 * The agent's rendezvous with its wrappers (common/sockdir.h, spawn.h):
 * the private directory, the lock that makes this agent the only one for
 * its settings (its descriptor into *pidfd), the record of the settings
 * and the listening socket (a->lfd, a->sockpath).  Returns 0, or -1
 * after logging why with the process's exit status in *status (0 when
 * another agent holds the lock).
 */
static int
rendezvous(struct agent *a, int *pidfd, int *status)
{
	char	 dir[256], tag[SPAWN_TAG_MAX], err[512];
	int	 busy;

	*status = 1;
	if (sockdir_prepare(getenv("XDG_RUNTIME_DIR"), "/tmp", getuid(), dir,
	    sizeof(dir), err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		return -1;
	}
	if (spawn_tag(tag, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		return -1;
	}
	if ((*pidfd = spawn_agent_lock(dir, tag, &busy, err,
	    sizeof(err))) == -1) {
		log_warnx("%s", err);
		*status = busy ? 0 : 1;
		return -1;
	}
	/* what a wrapper with other settings is told (spawn_agent_differs) */
	if (spawn_agent_record(dir, tag, err, sizeof(err)) == -1)
		log_warnx("%s", err);
	if ((a->lfd = spawn_agent_listen(dir, tag, err, sizeof(err))) == -1) {
		log_warnx("%s", err);
		close(*pidfd);
		return -1;
	}
	spawn_path(a->sockpath, sizeof(a->sockpath), dir, tag, "sock");
	return 0;
}

/* The agent's settings: protocol limits, environment, local CPUs. */
static void
settings(struct agent *a)
{
	const char	*pl;
	char		 err[512];

	proto_limits_default(&a->lim);
	if (proto_dialect_init(&a->dialect, PROTO_DIALECT_CCPOOL1, &a->lim,
	    err, sizeof(err)) == -1)
		fatalx("%s", err);
	/* a wrapper may ask for the user's jobs too, and says a job's code
	 * bytes (doc/client.md) */
	a->wdialect = a->dialect;
	if (a->wdialect.ntok + 2 > PROTO_DIALECT_TOKENS)
		fatalx("no room for JOBS and CODE in the dialect");
	memcpy(a->wdialect.tok[a->wdialect.ntok].tok, "JOBS", 4);
	a->wdialect.tok[a->wdialect.ntok++].kind = PROTO_VALUE;
	memcpy(a->wdialect.tok[a->wdialect.ntok].tok, "CODE", 4);
	a->wdialect.tok[a->wdialect.ntok++].kind = PROTO_VALUE;
	a->idle_sec = idle_seconds();
	a->start_ms = mono_ms();
	/* under a CPU quota its CPUs are the machine (cpuquota.h) */
	a->cpu.ncpu = cpuquota_ncpu();
	a->have_quota = cpuquota_find(&a->quota) == 0 && a->quota.cpus > 0;
	a->px.rng = (uint64_t)getpid() << 32 ^ a->start_ms;
	pl = getenv("CCPOOL_PLACE_LOCAL");
	a->local_ok = pl == NULL || strcmp(pl, "0") != 0;
	pl = getenv("CCPOOL_LATE");
	/* opt-in: the office benchmark is slower with it (README) */
	a->late = pl != NULL && strcmp(pl, "1") == 0;
	a->dcc_ok = adcc_enabled();	/* plain distccd hosts: opt-in */
	a->cb = &agent_cb;
}

/* The loop and its events: the socket, idle exit, cold start, signals. */
static void
events_new(struct agent *a)
{
	if ((a->base = event_base_new()) == NULL || (a->tc = agent_tc_new()) ==
	    NULL || (a->jtab = malloc(sizeof(*a->jtab))) == NULL)
		fatalx("out of memory");
	ajtab_init(a->jtab);
	a->listen_ev = event_new(a->base, a->lfd, EV_READ | EV_PERSIST,
	    ajob_accept, a);
	a->idle_ev = evtimer_new(a->base, on_idle, a);
	a->cold_ev = evtimer_new(a->base, on_cold, a);
	a->wait_ev = evtimer_new(a->base, ajob_wait, a);
	a->sig_ev[0] = evsignal_new(a->base, SIGTERM, on_signal, a);
	a->sig_ev[1] = evsignal_new(a->base, SIGINT, on_signal, a);
	if (a->listen_ev == NULL || a->idle_ev == NULL || a->cold_ev == NULL ||
	    a->wait_ev == NULL ||
	    a->sig_ev[0] == NULL || a->sig_ev[1] == NULL)
		fatalx("out of memory");
	event_add(a->listen_ev, NULL);
	evsignal_add(a->sig_ev[0], NULL);
	evsignal_add(a->sig_ev[1], NULL);
}

/*
 * The server side: the first sample of the local cores (so the first
 * job sees a measured window), the identity and TLS (atrust.c), then the
 * hosts (ahost.c).  Returns 0, or -1 with err set: jobs then compile
 * locally until discovery works (it is retried).
 */
static int
servers_start(struct agent *a, char *err, size_t errlen)
{
	aplace_sample(a, mono_ms());
	if (atrust_start(a, err, errlen) == -1)
		return -1;	/* no identity: every job compiles here */
	return ahost_start(a, err, errlen);
}

/* Take everything down, the socket first: a new wrapper starts anew. */
static void
teardown(struct agent *a, int pidfd)
{
	/* unlink first: a wrapper arriving now starts a new agent */
	unlink(a->sockpath);
	event_free(a->listen_ev);
	close(a->lfd);
	while (a->jobs != NULL)
		/* ajob_free unlinks it: not a use after free */
		ajob_free(a->jobs);	/* NOLINT(clang-analyzer-unix.Malloc) */
	event_base_loop(a->base, EVLOOP_NONBLOCK);	/* reap them */
	ahost_stop(a);
	atrust_stop(a);
	agent_tc_free(a->tc);
	event_free(a->idle_ev);
	event_free(a->cold_ev);
	event_free(a->wait_ev);
	event_free(a->sig_ev[0]);
	event_free(a->sig_ev[1]);
	event_base_free(a->base);
	free(a->jtab);
	close(pidfd);
}

int
agent_main(void)
{
	struct agent	 a;
	struct timeval	 tv;
	char		 err[512];
	int		 pidfd, status;

	memset(&a, 0, sizeof(a));
	a.lfd = -1;
	log_init(1, LOG_USER);
	log_procinit("agent");
	log_setverbose(getenv("CCPOOL_VERBOSE") != NULL);
	signal(SIGPIPE, SIG_IGN);
	if (rendezvous(&a, &pidfd, &status) == -1)
		return status;
	settings(&a);
	events_new(&a);
	ajob_idle_arm(&a);
	if (servers_start(&a, err, sizeof(err)) == -1) {
		/* jobs compile locally until discovery works (retried) */
		log_warnx("%s", err);
		a.warm = 1;
	}
	tv.tv_sec = AGENT_COLD_MS / 1000;
	tv.tv_usec = (suseconds_t)(AGENT_COLD_MS % 1000) * 1000;
	if (!a.warm)
		evtimer_add(a.cold_ev, &tv);
	log_info("agent %ld started (%s, idle exit after %u s)",
	    (long)getpid(), a.pinned ? "CCPOOL_HOSTS" : "discovery",
	    a.idle_sec);
	event_base_dispatch(a.base);
	teardown(&a, pidfd);
	return 0;
}
