/*
 * runner.c - ccpoold's job runner process.
 *
 * Detects the toolchains once, at start, reports them to the parent and
 * times a calibration compile (job_calib.c) for its speed, then takes
 * jobs from the network process (IPC_JOB: the job's protocol frames,
 * decoded again here with the same strict reader), runs each in a fresh
 * directory under a private 0700 work directory through the sandbox ops
 * (sandbox.h), and answers with IPC_RESULT (a protocol result or refusal,
 * encoded here).  Owns the slots and the queue (fairq.h: admission and
 * fair share between clients); reports its load to the parent on every
 * change.  A job starts in job_start.c and its answer is made in
 * job_finish.c (job.h); this file sends it.  Start reading at on_net()
 * and schedule().
 *
 * Slots on offer: once a second the runner samples the machine and its
 * own CPU time (loadmon.h) and load_update() (load.h) says how many of
 * the configured slots the desktop's owner leaves us; admission uses
 * that figure (fairq_slots), the advert shows it.  Running jobs are never
 * killed for it; jobs queued beyond the smaller queue are refused busy.
 *
 * A job's life is in job.h; its directory is removed in every case, the
 * work directory when the process exits.
 */
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/log.h"
#include "common/toolchain.h"
#include "server/load.h"
#include "common/cpuquota.h"
#include "server/fairq.h"
#include "server/job.h"
#include "server/runner_offer.h"
#include "server/runner_tc.h"
#include "server/loadmon.h"
#include "server/offerq.h"
#include "server/sandbox.h"
#include "server/server.h"
#include "server/speed.h"

static struct runner {
	struct event_base *base;
	struct srvconf	 conf;
	struct proto_limits lim;
	struct proto_dialect dialect;
	const struct sandbox_ops *sbx;
	struct job_env	 env;		/* what jobs see of the above */
	struct ipc_chan	*parent;
	struct ipc_chan	*net;
	char		 workdir[512];
	pid_t		 pid;
	struct rtc	 tc[SRV_TC_MAX];
	size_t		 ntc;
	struct fairq	 fq;		/* queued and running jobs */
	struct offerq	 oq;		/* offers waiting (late binding) */
	struct load_state ld;		/* foreign load, offered slots */
	struct speed	 spd;		/* learned from clean compiles */
	struct job_calib cal;		/* the calibration compile */
	struct event	*loadtick;
	int		 sample_warned;
	int		 stopping;
	struct event	*grace;
	struct event	*sigchld;
} R;

_Static_assert(sizeof(((struct ipc_job *)0)->client) == FAIRQ_CLIENT_MAX,
    "a job's client is the queue's");

static void	send_load(void);
static void	maybe_drained(void);

/* Refuse job key (client job id jobid) with reason and message. */
static void
send_refusal(uint32_t key, uint32_t jobid, uint32_t reason, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
send_refusal(uint32_t key, uint32_t jobid, uint32_t reason, const char *fmt,
    ...)
{
	struct proto_buf b;
	char		 msg[512], err[256];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	proto_buf_init(&b);
	if (proto_refusal_encode(jobid, reason, msg, &R.lim, &b, err,
	    sizeof(err)) == -1)
		fatalx("cannot encode a refusal: %s", err);
	log_debug("job %u: refused (%s): %s", key, proto_reason_name(reason),
	    msg);
	if (ipc_send(R.net, IPC_RESULT, key, b.data, b.len) == -1)
		fatal("ipc_send");
	proto_buf_free(&b);
}

static void
remove_workdir(void)
{
	if (getpid() == R.pid && R.workdir[0] != '\0')
		job_rm_tree(R.workdir);
}

/* Jobs. */

static struct rjob *
job_by_key(struct fairq_list *q, uint32_t key)
{
	struct fairq_ent *e;
	struct rjob	*j;

	TAILQ_FOREACH(e, q, entry)
		if ((j = e->owner)->key == key)
			return j;
	return NULL;
}

static struct rjob *
job_by_pid(pid_t pid)
{
	struct fairq_ent *e;
	struct rjob	*j;

	TAILQ_FOREACH(e, &R.fq.running, entry)
		if ((j = e->owner)->pid == pid)
			return j;
	return NULL;
}

/*
 * Tell net (the status page) that j took its slot, or left it after its
 * compile; ok: the compiler succeeded.  Only the slot, the time, the
 * toolchain (ours) and ok cross: nothing of the job's files, arguments
 * or client.
 */
static void
send_jobev(const struct rjob *j, uint32_t what, int ok)
{
	struct ipc_jobev ev;
	uint64_t	 ms = mono_ms() - j->t_start;

	memset(&ev, 0, sizeof(ev));
	ev.what = what;
	ev.slot = j->fq.slot;
	if (what == IPC_JOBEV_END) {
		ev.ms = ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
		ev.ok = ok != 0;
		snprintf(ev.tc, sizeof(ev.tc), "%s", j->tc->id);
	}
	if (ipc_send(R.net, IPC_JOBEV, 0, &ev, sizeof(ev)) == -1)
		fatal("ipc_send");
}

/* Start j (out of the queue); refuse it if it cannot start. */
static void
run_job(struct rjob *j)
{
	char		 err[256];

	if (job_start(j, err, sizeof(err)) == -1) {
		log_warnx("job %u: %s", j->key, err);
		send_refusal(j->key, j->job.id, PROTO_R_INTERNAL,
		    "server: %s", err);
		fairq_remove(&R.fq, &j->fq);	/* a pulled offer's slot */
		job_free(j);
		return;
	}
	if (j->fq.state != FAIRQ_RUNNING)	/* else it held its slot */
		fairq_started(&R.fq, &j->fq, j->t_start);
	send_jobev(j, IPC_JOBEV_START, 0);
}

/* The limits of the queue: the configuration and the load's offer. */
static void
sync_limits(void)
{
	fairq_limits(&R.fq, R.conf.slots, R.conf.queue, R.ld.offered);
}

/*
 * Refuse, as busy, the most recent queued jobs beyond fairq_queue_max():
 * the offer shrank, and they would wait for the owner to finish.
 */
static void
trim_queue(void)
{
	struct fairq_ent *e;
	struct rjob	*j;

	while ((e = fairq_trim(&R.fq)) != NULL) {
		j = e->owner;
		send_refusal(j->key, j->job.id, PROTO_R_BUSY, "this server's "
		    "owner needs its CPUs now: %u of %u slots on offer",
		    fairq_slots(&R.fq), R.conf.slots);
		job_free(j);
	}
}

/*
 * Start queued jobs while slots are free, by fair share (fairq.h); then
 * pull offers into the slots still free (offerq.h).
 */
static void
schedule(void)
{
	struct fairq_ent *e;
	struct offerq_ent *o;

	trim_queue();
	while (!R.stopping && (e = fairq_next(&R.fq)) != NULL)
		run_job(e->owner);
	while (!R.stopping && fairq_admit(&R.fq) == FAIRQ_START &&
	    (o = offerq_pick(&R.oq, &R.fq)) != NULL) {
		offerq_remove(&R.oq, o);
		(void)roffer_reserve(&R.fq, &R.oq, o, &R.env, R.net);
	}
	send_load();
}

/* Free j, which held a pulled offer's slot, after its answer. */
static void
unreserve(struct rjob *j)
{
	fairq_remove(&R.fq, &j->fq);
	job_free(j);
	schedule();
	maybe_drained();
}

/*
 * A clean compile times this machine: fold it into R.spd, for the
 * advert (sent with the load, send_load()).
 */
static void
learn_speed(const struct rjob *j, int st)
{
	if (j->end != JE_NONE || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
	    j->t_start == 0)
		return;
	speed_learn(&R.spd, j->in_bytes, mono_ms() - j->t_start,
	    R.fq.nrunning, R.ld.ncpu, load_foreign_pct(&R.ld));
}

/*
 * The compiler of j exited with wait status st: answer net with its
 * result or refusal (job_finish.c), clean up, start what waits.
 */
static void
job_done(struct rjob *j, int st)
{
	struct job_refusal ref;
	struct proto_buf enc;
	int		 rc;

	learn_speed(j, st);
	fairq_remove(&R.fq, &j->fq);
	proto_buf_init(&enc);
	rc = job_finish(j, st, &enc, &ref);
	send_jobev(j, IPC_JOBEV_END, rc == 0 && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0);
	if (rc == -1)
		send_refusal(j->key, j->job.id, ref.reason, "%s", ref.msg);
	else if (ipc_send(R.net, IPC_RESULT, j->key, enc.data, enc.len) == -1)
		fatal("ipc_send");
	proto_buf_free(&enc);
	job_free(j);
	schedule();
	maybe_drained();
}

static void
on_sigchld(evutil_socket_t fd, short what, void *arg)
{
	siginfo_t	 si;
	struct rjob	*j;
	int		 st;
	pid_t		 pid;

	(void)fd;
	(void)what;
	(void)arg;
	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == -1 ||
		    si.si_pid == 0)
			break;
		pid = si.si_pid;
		/*
		 * Still a zombie: its pid, and so its group id, cannot be
		 * reused yet.  Kill whatever it left behind, then reap.
		 */
		R.sbx->kill(pid);
		while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
			;
		if ((j = job_by_pid(pid)) != NULL)
			job_done(j, st);
		if (job_calib_end(&R.cal, pid, st, &R.spd, &R.fq, &R.ld) > 0)
			send_load();
	}
}

/* Messages from net. */

/* Refuse j, a new job, as busy: slots and queue are full. */
static void
refuse_busy(const struct rjob *j)
{
	unsigned	 slots = fairq_slots(&R.fq);

	if (slots == 0)
		send_refusal(j->key, j->job.id, PROTO_R_BUSY, "no slot on "
		    "offer: this server's owner needs its CPUs or memory now "
		    "(%u slots configured)", R.conf.slots);
	else if (slots < R.conf.slots)
		send_refusal(j->key, j->job.id, PROTO_R_BUSY, "all %u slots "
		    "on offer are busy (%u configured, fewer while the owner "
		    "works) and the queue (%u) is full", slots, R.conf.slots,
		    fairq_queue_max(&R.fq));
	else
		send_refusal(j->key, j->job.id, PROTO_R_BUSY, "all %u slots "
		    "are busy and the queue (%u) is full", R.conf.slots,
		    R.conf.queue);
}

/*
 * May a job (or an offer) of toolchain tcid and language lang run here?
 * 0 with *tc set, or the reason to refuse it with msg (len bytes) set.
 */
static uint32_t
admissible(const char *tcid, enum proto_lang lang, const struct rtc **tc,
    char *msg, size_t len)
{
	if (R.stopping) {
		snprintf(msg, len, "the server is stopping");
		return PROTO_R_SHUTDOWN;
	}
	return rtc_admit(R.tc, R.ntc, tcid, lang, tc, msg, len);
}

/* The job of a pulled offer came (j holds its slot): run it there. */
static void
pulled_job(struct rjob *j, const uint8_t *p, size_t len)
{
	uint32_t	 reason;
	char		 msg[300];

	job_take(j, &R.dialect, p, len);
	j->reserved = 0;
	if (j->job.id != j->offer.id)
		fatalx("net sent job %u for offer %u", j->job.id, j->offer.id);
	if (strcmp(j->job.tcid, j->offer.tcid) != 0) {
		reason = PROTO_R_PROTO;
		snprintf(msg, sizeof(msg), "job %u names toolchain %.40s, its "
		    "offer %.40s", j->job.id, j->job.tcid, j->offer.tcid);
	} else
		reason = admissible(j->job.tcid, j->job.lang, &j->tc, msg,
		    sizeof(msg));
	if (reason != 0) {
		send_refusal(j->key, j->job.id, reason, "%s", msg);
		unreserve(j);
		return;
	}
	run_job(j);
	schedule();
}

static void
on_job(uint32_t key, const uint8_t *p, size_t len)
{
	struct rjob	*j;
	uint32_t	 reason;
	char		 msg[300];

	if ((j = job_by_key(&R.fq.running, key)) != NULL && j->reserved) {
		pulled_job(j, p, len);
		return;
	}
	if (j != NULL || job_by_key(&R.fq.queue, key) != NULL ||
	    offerq_find(&R.oq, key) != NULL)
		fatalx("net reused job key %u", key);
	if ((j = calloc(1, sizeof(*j))) == NULL)
		fatal("calloc");
	j->key = key;
	j->fq.owner = j;
	j->env = &R.env;
	proto_job_init(&j->job);
	job_take(j, &R.dialect, p, len);
	j->t_queued = mono_ms();
	if ((reason = admissible(j->job.tcid, j->job.lang, &j->tc, msg,
	    sizeof(msg))) != 0) {
		send_refusal(key, j->job.id, reason, "%s", msg);
		job_free(j);
		return;
	}
	switch (fairq_admit(&R.fq)) {
	case FAIRQ_START:
		run_job(j);
		send_load();
		return;
	case FAIRQ_FULL:
		refuse_busy(j);
		job_free(j);
		return;
	case FAIRQ_WAIT:
		break;
	}
	fairq_push(&R.fq, &j->fq);
	send_load();
}

/* An offer (IPC_OFFER): refused, or queued until a slot is free. */
static void
on_offer(uint32_t key, const uint8_t *p)
{
	struct ipc_offer io;
	struct offerq_ent *e;
	const struct rtc *tc;
	uint32_t	 reason;
	char		 msg[300];

	roffer_check(p, &io);
	if (job_by_key(&R.fq.queue, key) != NULL || offerq_find(&R.oq, key) !=
	    NULL || job_by_key(&R.fq.running, key) != NULL)
		fatalx("net reused job key %u", key);
	if ((reason = admissible(io.tcid, io.lang, &tc, msg, sizeof(msg))) !=
	    0) {
		send_refusal(key, io.id, reason, "%s", msg);
		return;
	}
	e = roffer_new(key, &io);
	if (offerq_push(&R.oq, e) == -1) {
		send_refusal(key, io.id, PROTO_R_BUSY, "%u offers wait here "
		    "already, its limit", R.oq.n);
		free(e);
		return;
	}
	schedule();
}

static void
on_cancel(uint32_t key)
{
	struct offerq_ent *o;
	struct rjob	*j;

	if ((o = offerq_find(&R.oq, key)) != NULL) {
		offerq_remove(&R.oq, o);
		send_refusal(key, o->o.id, PROTO_R_INTERNAL, "offer withdrawn");
		free(o);
		send_load();
		maybe_drained();
		return;
	}
	if ((j = job_by_key(&R.fq.running, key)) != NULL && j->reserved) {
		send_refusal(key, j->offer.id, PROTO_R_INTERNAL, "offer "
		    "withdrawn after its pull");
		unreserve(j);
		return;
	}

	if ((j = job_by_key(&R.fq.queue, key)) != NULL) {
		fairq_remove(&R.fq, &j->fq);
		send_refusal(key, j->job.id, PROTO_R_INTERNAL, "cancelled: "
		    "the client went away");
		job_free(j);
		send_load();
		maybe_drained();
		return;
	}
	if ((j = job_by_key(&R.fq.running, key)) != NULL &&
	    j->end == JE_NONE) {
		j->end = JE_CANCEL;
		R.sbx->kill(j->pid);	/* job_done cleans up */
	}
	/* Else it already finished: its result crossed the cancel. */
}

static void
on_net(struct ipc_chan *c, const struct ipc_hdr *h, const uint8_t *p,
    void *arg)
{
	(void)c;
	(void)arg;
	switch (h->type) {
	case IPC_JOB:
		on_job(h->id, p, h->len);
		break;
	case IPC_CANCEL:
		on_cancel(h->id);
		break;
	case IPC_OFFER:
		on_offer(h->id, p);
		break;
	default:
		fatalx("net: unexpected %s", ipc_type_name(h->type));
	}
}

static void
on_net_fail(struct ipc_chan *c, const char *why, void *arg)
{
	(void)c;
	(void)arg;
	fatalx("channel to net: %s", why);
}

/* Load. */

/*
 * Once a second: sample, let load_update() decide the slots on offer,
 * and act on a change (start queued jobs, or refuse those beyond the
 * smaller queue).
 */
static void
on_load_tick(evutil_socket_t fd, short what, void *arg)
{
	struct load_sample s;
	unsigned	 before = fairq_slots(&R.fq);
	char		 err[256];

	(void)fd;
	(void)what;
	(void)arg;
	if (loadmon_sample(&s, err, sizeof(err)) == -1) {
		if (!R.sample_warned)
			log_warnx("load: %s; offering every slot", err);
		R.sample_warned = 1;
		return;
	}
	s.running = R.fq.nrunning;
	(void)load_update(&R.ld, &s);
	sync_limits();
	if (fairq_slots(&R.fq) != before)
		log_info("load: %u of %u slots on offer (limited by: %s; "
		    "foreign CPU load %u%%, memory PSI %u.%02u%%)",
		    fairq_slots(&R.fq), R.conf.slots, R.ld.why[0] ? R.ld.why :
		    "nothing", load_foreign_pct(&R.ld), s.psi_ok ?
		    s.mem_some10 / 100 : 0, s.psi_ok ? s.mem_some10 % 100 : 0);
	schedule();	/* and send_load() */
}

/* Messages from the parent. */

static void
send_load(void)
{
	static struct ipc_load last;
	struct ipc_load	 l;

	memset(&l, 0, sizeof(l));
	l.slots = R.conf.slots;
	l.offered = fairq_slots(&R.fq);
	l.running = R.fq.nrunning;
	l.queued = R.fq.nqueued;
	l.queue_max = fairq_queue_max(&R.fq);
	l.foreign = load_foreign_pct(&R.ld);
	l.mem_psi = R.ld.prev.psi_ok ? R.ld.prev.mem_some10 : 0;
	l.mem_avail_mb = R.ld.prev.avail_ok ? (R.ld.prev.avail_mb > UINT32_MAX ?
	    UINT32_MAX : (uint32_t)R.ld.prev.avail_mb) : 0;
	l.mem_used = R.ld.prev.used_ok ? R.ld.prev.mem_used : 0;
	l.speed = speed_kbps(&R.spd);
	l.offers = R.oq.n;
	if (memcmp(&l, &last, sizeof(l)) == 0)
		return;
	last = l;
	if (ipc_send(R.parent, IPC_LOAD, 0, &l, sizeof(l)) == -1)
		fatal("ipc_send");
}

static void
maybe_drained(void)
{
	if (!R.stopping || R.fq.nrunning > 0 || R.fq.nqueued > 0 ||
	    R.oq.n > 0)
		return;
	log_debug("all jobs ended");
	ipc_flush(R.net);
	if (ipc_send(R.parent, IPC_DRAINED, 0, NULL, 0) == -1)
		fatal("ipc_send");
	ipc_flush(R.parent);
	job_calib_stop(&R.cal);
	remove_workdir();
	R.workdir[0] = '\0';
	exit(0);
}

static void
on_grace(evutil_socket_t fd, short what, void *arg)
{
	struct fairq_ent *e;
	struct rjob	*j;

	(void)fd;
	(void)what;
	(void)arg;
	TAILQ_FOREACH(e, &R.fq.running, entry)
		if ((j = e->owner)->end == JE_NONE && !j->reserved) {
			log_info("job %u: still running after %u s of grace, "
			    "killed", j->key, R.conf.grace);
			j->end = JE_SHUTDOWN;
			R.sbx->kill(j->pid);
		}
}

static void
start_shutdown(void)
{
	struct fairq_ent *e;
	struct offerq_ent *o;
	struct rjob	*j;
	struct timeval	 tv;

	if (R.stopping)
		return;
	R.stopping = 1;
	while ((o = TAILQ_FIRST(&R.oq.list)) != NULL) {
		offerq_remove(&R.oq, o);
		send_refusal(o->key, o->o.id, PROTO_R_SHUTDOWN, "the server "
		    "is stopping");
		free(o);
	}
	while ((e = TAILQ_FIRST(&R.fq.queue)) != NULL) {
		j = e->owner;
		fairq_remove(&R.fq, e);
		send_refusal(j->key, j->job.id, PROTO_R_SHUTDOWN, "the server "
		    "is stopping");
		job_free(j);
	}
	send_load();
	if (R.fq.nrunning > 0)
		log_info("stopping: %u jobs may run for %u s more",
		    R.fq.nrunning, R.conf.grace);
	tv.tv_sec = R.conf.grace;
	tv.tv_usec = 0;
	R.grace = evtimer_new(R.base, on_grace, NULL);
	if (R.grace == NULL || evtimer_add(R.grace, &tv) == -1)
		fatalx("evtimer");
	maybe_drained();
}

static void
on_parent(struct ipc_chan *c, const struct ipc_hdr *h, const uint8_t *p,
    void *arg)
{
	struct srvconf	 nc;

	(void)c;
	(void)arg;
	switch (h->type) {
	case IPC_CONF:
		/* Only what is safe to change while running; see parent.c. */
		memcpy(&nc, p, sizeof(nc));
		R.conf.slots = nc.slots;
		R.conf.queue = nc.queue;
		R.conf.job_timeout = nc.job_timeout;
		R.conf.grace = nc.grace;
		R.conf.max_mem_mb = nc.max_mem_mb;
		R.conf.load_tolerance = nc.load_tolerance;
		R.conf.memory_pressure = nc.memory_pressure;
		load_configure(&R.ld, R.conf.slots, R.conf.load_tolerance);
		load_memory(&R.ld, R.conf.memory_pressure);
		offerq_bound(&R.oq, R.conf.slots);
		sync_limits();
		log_debug("configuration reloaded: %u slots, queue %u",
		    R.conf.slots, R.conf.queue);
		schedule();
		break;
	case IPC_SHUTDOWN:
		start_shutdown();
		break;
	default:
		fatalx("parent: unexpected %s", ipc_type_name(h->type));
	}
}

static void
on_parent_fail(struct ipc_chan *c, const char *why, void *arg)
{
	struct fairq_ent *e;

	(void)c;
	(void)arg;
	TAILQ_FOREACH(e, &R.fq.running, entry)
		if (((struct rjob *)e->owner)->pid > 0)
			R.sbx->kill(((struct rjob *)e->owner)->pid);
	job_calib_stop(&R.cal);
	fatalx("channel to parent: %s", why);
}

/* The configured sandbox, checked, and the jobs' work directory. */
static void
sandbox_and_workdir(void)
{
	char	 err[256];

	if ((R.sbx = sbx_lookup(R.conf.sandbox)) == NULL)
		fatalx("no sandbox %s", R.conf.sandbox);
	if (R.sbx->check(err, sizeof(err)) == -1)
		fatalx("sandbox %s does not work here, no job will run: %s "
		    "(sandbox = none in the configuration runs jobs without "
		    "isolation)", R.sbx->name, err);
	if (R.sbx == &sbx_none)
		log_warnx("*** sandbox = none: compile jobs run WITHOUT "
		    "isolation, with this daemon's rights; any client can "
		    "read and write what this user can ***");
	snprintf(R.workdir, sizeof(R.workdir), "%s/ccpoold.XXXXXX",
	    R.conf.workdir);
	if (mkdtemp(R.workdir) == NULL) {
		R.workdir[0] = '\0';
		fatal("mkdtemp in %s", R.conf.workdir);
	}
	if (atexit(remove_workdir) != 0)
		fatalx("atexit");
	log_debug("work directory %s", R.workdir);
}

void
runner_main(const struct srvconf *c, struct srv_fds *fds)
{
	struct ipc_rules rules;
	struct timeval	 tick = { 1, 0 };
	unsigned	 ncpu;
	char		 mach[PATH_MAX + 64];
	char		 err[256];

	log_procinit("runner");
	log_libevent();
	memset(&R, 0, sizeof(R));
	R.conf = *c;
	R.pid = getpid();
	fairq_init(&R.fq);
	offerq_init(&R.oq, R.conf.slots);
	srvconf_limits(&R.conf, &R.lim);
	if (proto_dialect_init(&R.dialect, PROTO_DIALECT_CCPOOL1, &R.lim, err,
	    sizeof(err)) == -1)
		fatalx("%s", err);
	sandbox_and_workdir();

	if ((R.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	R.env.base = R.base;
	R.env.conf = &R.conf;
	R.env.lim = &R.lim;
	R.env.sbx = R.sbx;
	R.env.workdir = R.workdir;
	srv_ipc_rules(&rules, SRV_RUNNER_FROM_PARENT, &R.lim);
	if ((R.parent = ipc_chan_new(R.base, fds->parent, &rules, on_parent,
	    on_parent_fail, NULL, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	srv_ipc_rules(&rules, SRV_RUNNER_FROM_NET, &R.lim);
	if ((R.net = ipc_chan_new(R.base, fds->peer, &rules, on_net,
	    on_net_fail, NULL, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	R.sigchld = evsignal_new(R.base, SIGCHLD, on_sigchld, NULL);
	if (R.sigchld == NULL || evsignal_add(R.sigchld, NULL) == -1)
		fatalx("evsignal");
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);	/* the parent tells us to stop */

	R.ntc = rtc_detect(R.tc, SRV_TC_MAX, R.parent);
	ncpu = cpuquota_ncpu();
	load_init(&R.ld, R.conf.slots, ncpu, R.conf.load_tolerance);
	load_memory(&R.ld, R.conf.memory_pressure);
	sync_limits();
	log_info("load: measured against %s; our CPU time from the %s; "
	    "foreign load above %u%% of a CPU costs slots",
	    loadmon_machine(mach, sizeof(mach)), loadmon_method(),
	    R.conf.load_tolerance);
	R.loadtick = event_new(R.base, -1, EV_PERSIST, on_load_tick, NULL);
	if (R.loadtick == NULL || evtimer_add(R.loadtick, &tick) == -1)
		fatalx("evtimer");
	on_load_tick(-1, 0, NULL);	/* the baseline */
	send_load();
	proc_enter_sandbox("runner");
	(void)job_calib_start(&R.cal, &R.env, R.tc, R.ntc, R.fq.nrunning);
	event_base_dispatch(R.base);
	fatalx("event loop ended");
}
