/*
 * aplace.h - what the agent learns and measures for placement (place.h
 * decides): compile speed per host and toolchain, smoothed round-trip
 * times, and how many local cores are idle.  Pure logic: the agent
 * (agent_srv.c) reads the clocks, sockets and /proc/stat and passes the
 * figures in, so everything here is testable with made-up numbers.
 * Start reading at aplace_ctx_fill().
 */
#ifndef CCPOOL_APLACE_H
#define CCPOOL_APLACE_H

#include <stddef.h>
#include <stdint.h>

#include "client/place.h"

#define APLACE_TC_MAX		8	/* toolchains remembered per host */
#define APLACE_TC_LEN		96	/* a toolchain id and its NUL */
#define APLACE_RTT_GAIN		0.125	/* weight of a new RTT sample */
#define APLACE_RTT_MAX_MS	10000.0	/* larger samples are nonsense */
/*
 * A local compile takes a core that preprocessing for the remote jobs,
 * linking and the user's own work need: it counts as this much slower
 * than the same compile on an idle server.  So the local machine wins
 * only against loaded or slower servers.
 */
#define APLACE_LOCAL_PENALTY	1.5
#define APLACE_LOCAL_RESERVE	0.5	/* idle cores kept for the rest */
#define APLACE_CPU_WINDOW_MS	250	/* /proc/stat sampling period */

/* Learned speeds of one host (or of the local machine), by toolchain. */
struct aplace_speeds {
	struct {
		char		 tc[APLACE_TC_LEN];
		struct place_speed s;
		uint64_t	 used;		/* LRU stamp */
	}		 e[APLACE_TC_MAX];
	unsigned	 n;
	uint64_t	 clock;
};

/*
 * The entry of toolchain tc in t.  With create, a missing one is made
 * (replacing the least recently used when full); without, NULL when
 * missing.  The pointer is valid until the next create call on t.
 */
struct place_speed *aplace_speed(struct aplace_speeds *t, const char *tc,
	    int create);

/*
 * Fold an RTT sample (ms) into *srtt (0: none yet): the first sample is
 * taken as is, later ones with gain APLACE_RTT_GAIN, like TCP's SRTT.
 * Negative, NaN and absurd samples are ignored.
 */
void	aplace_rtt(double *srtt, double sample_ms);

/* Local CPU use from /proc/stat samples. */
struct aplace_cpu {
	unsigned	 ncpu;		/* cores online, >= 1 */
	int		 have;		/* a previous sample exists */
	uint64_t	 busy, total;	/* previous sample, clock ticks */
	uint64_t	 t_ms;		/* when it was taken */
	double		 idle_cores;	/* over the last window */
	unsigned	 granted;	/* local jobs given since then */
};

/*
 * Parse the aggregate "cpu " line of /proc/stat text into busy and total
 * ticks (idle and iowait count as not busy).  Returns 0, or -1 if text
 * has no such line.
 */
int	aplace_cpu_parse(const char *text, uint64_t *busy, uint64_t *total);

/*
 * A new sample at now_ms.  The idle cores of the window since the
 * previous sample replace the old estimate (the first sample only
 * records; until a window is measured no core counts as idle: the local
 * machine is never preferred blind), and the count of local jobs granted
 * starts over.
 */
void	aplace_cpu_update(struct aplace_cpu *c, uint64_t busy, uint64_t total,
	    uint64_t now_ms);

/* 1 if a new sample is due at now_ms (APLACE_CPU_WINDOW_MS passed). */
int	aplace_cpu_due(const struct aplace_cpu *c, uint64_t now_ms);

/*
 * Local cores free for one more job now: the idle cores of the last
 * window, less APLACE_LOCAL_RESERVE, less the local jobs granted since.
 */
unsigned aplace_cpu_idle(const struct aplace_cpu *c);

/*
 * The compile rate (ms per KiB) of toolchain tc when nothing better is
 * known: the mean of what the n tables learned for it, or
 * PLACE_PRIOR_MS_PER_KB when none did.
 */
double	aplace_base_rate(struct aplace_speeds *const *t, size_t n,
	    const char *tc);

/*
 * Fill x's local side: idle cores, and a local rate of base_rate times
 * APLACE_LOCAL_PENALTY (the agent never sees a local compile, so local
 * speed is assumed equal to a server's).  x->rng is left alone.
 */
void	aplace_ctx_fill(struct place_ctx *x, double base_rate,
	    unsigned local_idle);

#endif
