/*
 * job_calib.c - the runner's calibration compile: the generated source
 * of calib.h compiled once at start, as a job of the runner's own making
 * that job_start() starts like a client's (the same sandbox, limits,
 * timeout and idle priority), so this server advertises a speed
 * (speed.h) before its first real job.  It takes no slot and nothing
 * waits for it; the runner hands its wait status here when it ends.
 * The runner detects its toolchains once, at start (a new compiler
 * needs a restart), so there is one calibration per runner.  See job.h;
 * start reading at job_calib_start().
 */
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/mono.h"
#include "server/calib.h"
#include "server/job.h"
#include "server/load.h"
#include "server/speed.h"

/* The calibration job with toolchain t, not started; NULL: no memory. */
static struct rjob *
calib_job(const struct job_env *env, const struct rtc *t)
{
	static const char *const args[] = CALIB_ARGS;
	const size_t	 nargs = sizeof(args) / sizeof(args[0]);
	struct rjob	*j;
	size_t		 i;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->fq.owner = j;
	j->env = env;
	j->tc = t;
	proto_job_init(&j->job);
	j->job.id = 1;
	j->job.lang = PROTO_LANG_C;
	if ((j->job.argv = calloc(nargs + 2, sizeof(char *))) == NULL)
		goto fail;
	if ((j->job.argv[0] = strdup(t->path)) == NULL)
		goto fail;
	for (j->job.argc = 1, i = 0; i < nargs; i++, j->job.argc++)
		if ((j->job.argv[j->job.argc] = strdup(args[i])) == NULL)
			goto fail;
	if ((j->job.tcid = strdup(t->id)) == NULL ||
	    (j->job.cwd = strdup("/")) == NULL ||
	    (j->job.srcname = strdup("calib.c")) == NULL ||
	    calib_source(&j->job.src) == -1)
		goto fail;
	j->t_queued = mono_ms();
	return j;
fail:
	job_free(j);
	return NULL;
}

int
job_calib_start(struct job_calib *c, const struct job_env *env,
    const struct rtc *tc, size_t ntc, unsigned running)
{
	const struct rtc *t;
	char		 err[256];

	if (!env->conf->calibrate) {
		log_info("speed: no calibration compile (calibrate = no): "
		    "learned from the first jobs");
		return -1;
	}
	if (c->j != NULL)
		return -1;
	if ((t = calib_pick(tc, ntc)) == NULL) {
		log_info("speed: no calibration compile: no C compiler");
		return -1;
	}
	if ((c->j = calib_job(env, t)) == NULL) {
		log_warnx("speed: no calibration compile: out of memory");
		return -1;
	}
	c->running = running;
	if (job_start(c->j, err, sizeof(err)) == -1) {
		log_warnx("speed: calibration compile did not start, ignored: "
		    "%s", err);
		job_free(c->j);
		c->j = NULL;
		return -1;
	}
	log_debug("speed: calibration compile with %s, pid %ld", t->name,
	    (long)c->j->pid);
	return 0;
}

/* Log why the calibration compile j (wait status st) failed. */
static void
calib_failed(const struct rjob *j, int st)
{
	if (j->end == JE_TIMEOUT)
		log_warnx("speed: calibration compile over job_timeout, "
		    "ignored");
	else if (WIFSIGNALED(st))
		log_warnx("speed: calibration compile killed by signal %d, "
		    "ignored", WTERMSIG(st));
	else
		log_warnx("speed: calibration compile with %s failed (exit "
		    "status %d), ignored", j->tc->name, WEXITSTATUS(st));
}

int
job_calib_end(struct job_calib *c, pid_t pid, int st, struct speed *spd,
    const struct fairq *fq, const struct load_state *ld)
{
	struct rjob	*j = c->j;
	uint64_t	 ms;
	unsigned	 n, ncpu = ld->ncpu, foreign_pct = load_foreign_pct(ld);
	int		 rc = 0;

	if (j == NULL || j->pid != pid)
		return -1;
	c->j = NULL;
	ms = mono_ms() - j->t_start;
	n = calib_running(c->running, fq->nrunning);
	if (j->end != JE_NONE || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		calib_failed(j, st);
	else if ((rc = speed_calibrate(spd, j->in_bytes, ms, n, ncpu,
	    foreign_pct)) == 1)
		log_info("speed: calibration compile of %llu KiB in %llu ms: "
		    "%u KiB/s (advertised: %u KiB per CPU-second; %u "
		    "running on %u CPUs, foreign load %u%%)",
		    (unsigned long long)(j->in_bytes / 1024),
		    (unsigned long long)ms, calib_rate(j->in_bytes, ms),
		    speed_kbps(spd), n, ncpu, foreign_pct);
	else
		log_info("speed: calibration compile of %llu KiB in %llu ms: "
		    "%u KiB/s (not used: %s)",
		    (unsigned long long)(j->in_bytes / 1024),
		    (unsigned long long)ms, calib_rate(j->in_bytes, ms),
		    spd->jobs > 0 ? "real jobs timed this server first" :
		    "too small or too quick to time");
	job_free(j);
	return rc;
}

void
job_calib_stop(struct job_calib *c)
{
	if (c->j == NULL)
		return;
	if (c->j->pid > 0)
		c->j->env->sbx->kill(c->j->pid);
	job_free(c->j);
	c->j = NULL;
}
