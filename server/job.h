/*
 * job.h - one compile job of the runner: what it holds, how it starts
 * (job_start.c: its directory, the input, the compiler's argv, the
 * sandbox's spawn, the timeout) and what it answers when it ends
 * (job_finish.c: its outputs, the limits it hit, the encoded result).
 *
 * The calibration compile (job_calib.c, calib.h) is a job of the
 * runner's own making that starts the same way and times this machine.
 *
 * The runner (runner.c) owns the jobs, the queue (fairq.h) and the
 * channels: these files never send a message; they return what to send.
 * What they need of the runner comes in struct job_env, which every job
 * points at.  A job is queued, then running, then finished; it can be
 * cancelled (the client went away) or time out at any point, and its
 * process group is killed then (enum jend says why).
 */
#ifndef CCPOOL_JOB_H
#define CCPOOL_JOB_H

#include <sys/types.h>

#include <limits.h>
#include <stdint.h>

#include "common/proto.h"
#include "common/toolchain.h"
#include "server/fairq.h"
#include "server/sandbox.h"
#include "server/srvconf.h"

struct event;
struct event_base;

/* The files of a job directory. */
#define JOB_IN_FILE	"job.i"
#define JOB_OUT_FILE	"job.o"
#define JOB_SOUT_FILE	"stdout"
#define JOB_SERR_FILE	"stderr"

/* A toolchain we run: id, real path, the names that lead to it. */
struct rtc {
	char		 id[PROTO_TCID_MAX + 1];
	char		 name[64];	/* tc_name(): "g++ 12.2.0 x86_64-..." */
	char		 path[PATH_MAX];
	unsigned	 langs;		/* TC_LANG_* */
	int		 clang;
	char		 alias[TC_ALIAS_MAX][64];
	size_t		 nalias;
};

/* What jobs use of the runner's state; the runner keeps it current. */
struct job_env {
	struct event_base *base;
	const struct srvconf *conf;	/* job_timeout, max_mem_mb, ... */
	const struct proto_limits *lim;
	const struct sandbox_ops *sbx;
	const char	*workdir;	/* the runner's private directory */
};

/* Why a job's process group was killed, if it was. */
enum jend { JE_NONE, JE_CANCEL, JE_TIMEOUT, JE_SHUTDOWN };

struct rjob {
	struct fairq_ent fq;		/* client, queue; fq.owner is this */
	uint32_t	 key;		/* IPC id, chosen by net */
	struct proto_job job;
	const struct rtc *tc;
	const struct job_env *env;
	uint64_t	 t_queued;
	uint64_t	 t_start;
	uint64_t	 in_bytes;	/* preprocessed source, for speed.h */
	pid_t		 pid;		/* 0 until started */
	int		 reserved;	/* a pulled offer's slot, held for its
					 * job (fq running, pid 0) */
	struct proto_offer offer;	/* reserved: what was offered */
	enum jend	 end;
	char		 dir[PATH_MAX];
	char		 exe[PATH_MAX];	/* what is exec'd, see job_start.c */
	struct event	*timer;
};

/* A job's refusal: the protocol's reason and the client's message. */
struct job_refusal {
	uint32_t	 reason;	/* PROTO_R_* */
	char		 msg[512];
};

/*
 * Start j (queued; tc and env set): a fresh directory under the work
 * directory with the input (j->job.src is freed: it is on disk), the
 * compiler through env->sbx, and the job_timeout timer, which kills the
 * job and marks it JE_TIMEOUT.  Sets t_start, dir, exe, pid.  Returns 0,
 * or -1 with err set (the job did not start; the caller refuses it and
 * frees it).
 */
int	job_start(struct rjob *j, char *err, size_t errlen);

/*
 * The compiler of j exited with wait status st: collect its outputs.
 * Returns 0 with the encoded protocol result in enc (a buffer the caller
 * made and frees), or -1 with ref filled: the job was killed (j->end),
 * hit a limit, or its outputs are missing or too large.
 */
int	job_finish(struct rjob *j, int st, struct proto_buf *enc,
	    struct job_refusal *ref);

/*
 * Take the job net sent (IPC_JOB: struct ipc_job, then the frames of
 * one job, len bytes at p) into j (env set): its client into j->fq, the
 * job decoded into j->job with d.  Fatal if malformed, or if j holds a
 * pulled offer's slot and the client is not the offer's.
 */
void	job_take(struct rjob *j, const struct proto_dialect *d,
	    const uint8_t *p, size_t len);

/* Free j: its timer, its directory and all in it, its job.  NULL: no-op. */
void	job_free(struct rjob *j);

/* Remove dir and everything in it; never follows symlinks.  Logs. */
void	job_rm_tree(const char *dir);

struct load_state;
struct speed;

/* The calibration compile, while it runs. */
struct job_calib {
	struct rjob	*j;		/* NULL: none running */
	unsigned	 running;	/* client jobs running at its start */
};

/*
 * Start the calibration compile (calib.h) through job_start(), unless
 * env->conf says calibrate = no, with the toolchain calib_pick() takes of
 * the ntc in tc; running: client jobs running now.  It takes no slot: a
 * client's job never waits for it.  Logs why it did not start (no C
 * compiler, ...); never fatal.  Returns 0 if it started, else -1.
 */
int	job_calib_start(struct job_calib *c, const struct job_env *env,
	    const struct rtc *tc, size_t ntc, unsigned running);

/*
 * Process pid exited with wait status st (reaped).  If it was the
 * calibration compile: seed spd with its timing (speed_calibrate) under
 * the contention it ran under (the client jobs running in fq at its start
 * or end, the foreign load of ld), log the figure or why it failed (never
 * fatal), free it.  Returns 1 if spd changed, 0 if not, -1 if pid was not
 * its.
 */
int	job_calib_end(struct job_calib *c, pid_t pid, int st,
	    struct speed *spd, const struct fairq *fq,
	    const struct load_state *ld);

/* Kill and free the calibration compile if it runs (the runner stops). */
void	job_calib_stop(struct job_calib *c);

#endif
