/*
 * speed.h - how fast this server compiles, learned from its real jobs,
 * for its advert (the "speed" TXT key, discovery/disc_txt.h): KiB of
 * preprocessed source one CPU compiles per second.  A new client uses it
 * as its prior for this server until it has its own reports, so it
 * places well from its first job.  Pure arithmetic: the runner feeds it
 * each job that compiled cleanly, with the contention the job ran under,
 * and, before any job, its calibration compile (calib.h) as a seed.
 */
#ifndef CCPOOL_SPEED_H
#define CCPOOL_SPEED_H

#include <stdint.h>

#define SPEED_MIN_BYTES	4096	/* smaller jobs time start-up, not speed */
#define SPEED_EWMA	0.125	/* weight of a new job, steady state */
#define SPEED_MAX	1000000	/* KiB/s: as DISC_LIMIT_SPEED */

struct speed {
	double		 kbps;		/* KiB per CPU-second; 0: none yet */
	unsigned	 n;		/* figures folded in, a seed included */
	unsigned	 jobs;		/* real jobs folded in */
};

/*
 * Fold a job in: in_bytes of source compiled in wall_ms of wall clock
 * while running jobs (this one included) shared the CPUs that foreign
 * load (percent of the machine) left of ncpu.  Ignores jobs too small or
 * too quick to time.
 */
void	speed_learn(struct speed *s, uint64_t in_bytes, uint64_t wall_ms,
	    unsigned running, unsigned ncpu, unsigned foreign_pct);

/*
 * Seed the figure with a calibration compile, measured as a job (the
 * arguments of speed_learn), before any real job: it replaces an earlier
 * seed and counts as one figure, which the first real jobs average with
 * and the moving average then forgets.  Once real jobs were folded in it
 * is ignored: they time the clients' own code.  Returns 1 if it seeded
 * the figure, 0 if it was ignored (after jobs, or too small or too
 * quick to time).
 */
int	speed_calibrate(struct speed *s, uint64_t in_bytes, uint64_t wall_ms,
	    unsigned running, unsigned ncpu, unsigned foreign_pct);

/* The figure to advertise: 1..SPEED_MAX, or 0 before the first job
 * or seed. */
unsigned speed_kbps(const struct speed *s);

#endif
