/*
 * speed.c - the server's compile speed, learned from its jobs.  See
 * speed.h.
 */
#include "server/speed.h"

/*
 * KiB per CPU-second of a compile (speed_learn's arguments); 0 if it is
 * too small or too quick to time.
 */
static double
rate(uint64_t in_bytes, uint64_t wall_ms, unsigned running, unsigned ncpu,
    unsigned foreign_pct)
{
	double		 avail, share;

	if (in_bytes < SPEED_MIN_BYTES || wall_ms == 0 || ncpu == 0)
		return 0;
	if (foreign_pct > 100)
		foreign_pct = 100;
	if (running == 0)
		running = 1;
	/* the job's share of a CPU: our jobs split what the owner leaves */
	avail = (double)ncpu * (100.0 - foreign_pct) / 100.0;
	share = avail / running;
	if (share > 1.0)
		share = 1.0;
	if (share < 0.05)
		share = 0.05;
	return ((double)in_bytes / 1024.0) / ((double)wall_ms / 1000.0 * share);
}

void
speed_learn(struct speed *s, uint64_t in_bytes, uint64_t wall_ms,
    unsigned running, unsigned ncpu, unsigned foreign_pct)
{
	double		 v, alpha;

	if (!((v = rate(in_bytes, wall_ms, running, ncpu, foreign_pct)) > 0))
		return;
	if (s->n == 0 || !(s->kbps > 0))
		s->kbps = v;
	else {
		/* the mean of the first jobs, then a moving average */
		alpha = 1.0 / (s->n + 1);
		if (alpha < SPEED_EWMA)
			alpha = SPEED_EWMA;
		s->kbps += alpha * (v - s->kbps);
	}
	if (s->n < UINT32_MAX)
		s->n++;
	if (s->jobs < UINT32_MAX)
		s->jobs++;
}

int
speed_calibrate(struct speed *s, uint64_t in_bytes, uint64_t wall_ms,
    unsigned running, unsigned ncpu, unsigned foreign_pct)
{
	double		 v;

	if (s->jobs > 0)
		return 0;
	if (!((v = rate(in_bytes, wall_ms, running, ncpu, foreign_pct)) > 0))
		return 0;
	s->kbps = v;
	s->n = 1;
	return 1;
}

unsigned
speed_kbps(const struct speed *s)
{
	if (s->n == 0 || !(s->kbps > 0))
		return 0;
	if (s->kbps >= SPEED_MAX)
		return SPEED_MAX;
	return s->kbps < 1.0 ? 1 : (unsigned)(s->kbps + 0.5);
}
