/*
 * load.h - the arithmetic of foreign load and offered slots (pure: no
 * I/O, no clock; the runner feeds it samples, see loadmon.h).
 *
 * "Foreign" load is the CPU time the machine spent on anything but our
 * jobs (the desktop's owner, other daemons, steal), as a number of CPUs,
 * smoothed by an exponentially weighted moving average (faster when the
 * load rises than when it falls: the owner comes first).  From it and
 * from memory pressure (PSI, or MemAvailable) load_update() decides how
 * many of the configured slots are on offer, with hysteresis: a slot
 * goes as soon as the smoothed load needs it, and comes back only when
 * the load has stayed clearly below the line for a few samples.
 * doc/server.md ("Load and offered slots") has the rules in prose.
 * Start reading at load_update().
 */
#ifndef CCPOOL_LOAD_H
#define CCPOOL_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LOAD_TAU_UP_MS	1500	/* EWMA time constant, load rising */
#define LOAD_TAU_DOWN_MS 4000	/* ... and falling */
#define LOAD_HYST	30	/* percent of a CPU below the line to grow */
#define LOAD_GROW_N	3	/* samples below it before a slot returns */
#define LOAD_JOB_MB	256	/* memory a typical compile needs */
#define LOAD_PSI_PCT	10	/* mem PSI some avg10, %: no new job */

/* One sample of the machine and of us, taken at one instant. */
struct load_sample {
	uint64_t	 t_ms;		/* monotonic clock */
	uint64_t	 busy;		/* /proc/stat: non-idle jiffies, all CPUs */
	uint64_t	 total;		/* /proc/stat: all jiffies, all CPUs */
	uint64_t	 ours_us;	/* CPU time of us and our jobs, total */
	int		 psi_ok;	/* mem_some10 is valid */
	unsigned	 mem_some10;	/* memory PSI "some avg10", 1/100 % */
	int		 avail_ok;	/* avail_mb is valid */
	uint64_t	 avail_mb;	/* MemAvailable */
	int		 used_ok;	/* mem_used is valid */
	unsigned	 mem_used;	/* memory in use, % of the machine or
					 * of its cgroup's memory.max */
	unsigned	 running;	/* jobs running now */
};

/* The state between samples, and the figures of the last one. */
struct load_state {
	unsigned	 slots;		/* configured */
	unsigned	 ncpu;		/* CPUs of the machine */
	unsigned	 tolerance;	/* foreign load ignored, % of one CPU */
	unsigned	 psi_hold;	/* mem PSI from which no new job, 1/100 % */
	unsigned	 psi_shed;	/* ... and one slot less than running */
	int		 have_prev;
	struct load_sample prev;
	double		 foreign;	/* smoothed, CPUs */
	unsigned	 cpu_offer;	/* slots the CPU rule offers */
	unsigned	 grow_n;	/* samples in a row that allow more */
	unsigned	 offered;	/* the answer: cpu and memory rules */
	const char	*why;		/* what limits offered, for logs */
};

/* Start with all slots offered and no load. */
void	load_init(struct load_state *st, unsigned slots, unsigned ncpu,
	    unsigned tolerance);

/* A new configuration: slots and tolerance; keeps the smoothed load. */
void	load_configure(struct load_state *st, unsigned slots,
	    unsigned tolerance);

/*
 * The memory PSI rule: no new job from pct percent ("some avg10"), one
 * slot less than running from 2.5 pct; pct 100 turns the rule off.
 * load_init sets pct 10.
 */
void	load_memory(struct load_state *st, unsigned pct);

/*
 * Feed one sample.  Returns the slots on offer now (0..slots).  The
 * first sample only sets the baseline; a sample whose counters went
 * backwards (a counter reset, a job's time lost) is a new baseline too.
 */
unsigned load_update(struct load_state *st, const struct load_sample *s);

/* The smoothed foreign load in percent of the whole machine, 0..100. */
unsigned load_foreign_pct(const struct load_state *st);

/* Parsers of /proc and cgroup text (NUL-terminated); 0 or -1. */

/* A process from /proc/PID/stat. */
struct load_proc {
	pid_t		 pid;
	pid_t		 ppid;
	uint64_t	 ticks;		/* utime + stime + cutime + cstime */
};
int	load_parse_pidstat(const char *text, struct load_proc *p);

/*
 * CPU ticks of root and all its descendants among the n processes of v
 * (any order; v is reordered).  A process that died and was reaped is
 * in its parent's cutime/cstime, so the sum only grows.
 */
uint64_t load_tree_ticks(struct load_proc *v, size_t n, pid_t root);

/* usage_usec of a cgroup v2 cpu.stat. */
int	load_parse_cpustat(const char *text, uint64_t *usage_us);

/* "some avg10=X.YY" of a PSI file, in 1/100 %. */
int	load_parse_psi(const char *text, unsigned *some10);

/* MemAvailable of /proc/meminfo, in MiB. */
int	load_parse_meminfo(const char *text, uint64_t *avail_mb);

/* Memory in use of /proc/meminfo: 1 - MemAvailable / MemTotal, in %. */
int	load_parse_memused(const char *text, unsigned *pct);

/*
 * A cgroup v2 memory.max: 0 with the limit in *bytes, 1 for "max" (no
 * limit), -1 if malformed.
 */
int	load_parse_memmax(const char *text, uint64_t *bytes);

/* used of limit in percent, rounded, 0..100 (0 when limit is 0). */
unsigned load_used_pct(uint64_t used, uint64_t limit);

#endif
