/*
 * aplace.h - what the agent learns and measures for placement (place.h
 * decides): compile speed per host and toolchain, smoothed round-trip
 * times, and how many local cores are idle.  The first part is pure
 * logic: the callers read the clocks, sockets and /proc/stat and pass
 * the figures in, so it is testable with made-up numbers.  The second
 * part is the agent's side: it turns the host table into candidates,
 * takes the samples of the local cores and picks where a job goes
 * (aplace_pick), all of one job's placement in one file.  Start reading
 * at aplace_ctx_fill(), then aplace_pick().
 */
#ifndef CCPOOL_APLACE_H
#define CCPOOL_APLACE_H

#include <stddef.h>
#include <stdint.h>

#include "agent/place.h"

#define APLACE_TC_MAX		8	/* toolchains remembered per host */
#define APLACE_TC_LEN		96	/* a toolchain id and its NUL */
#define APLACE_RTT_GAIN		0.125	/* weight of a new RTT sample */
#define APLACE_RTT_MAX_MS	10000.0	/* larger samples are nonsense */
/*
 * Until a local compile has been timed, one counts as this much slower
 * than the same compile on an average server (it runs at nice 19, behind
 * the preprocessing that feeds the servers, and preprocesses again).
 */
#define APLACE_LOCAL_PENALTY	1.5
/* Idle cores needed to start a local job. */
#define APLACE_LOCAL_MIN_IDLE	0.25
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

/*
 * Local CPU use from /proc/stat (or CPU quota) samples, and the share of
 * it our own local jobs took: they run at nice 19 and soak up whatever
 * the rest leaves, so the cores they used count as free for the next.
 */
struct aplace_cpu {
	unsigned	 ncpu;		/* cores to plan with, >= 1 */
	int		 have;		/* a previous sample exists */
	uint64_t	 busy, total;	/* previous sample, any one unit */
	uint64_t	 t_ms;		/* when it was taken */
	double		 idle_cores;	/* over the last window */
	double		 ours_cores;	/* ... held by our local jobs */
	unsigned	 lrun;		/* our local jobs running now
					   (jobs in AJ_LOCAL) */
	uint64_t	 lt_ms;		/* since then */
	double		 lsum_ms;	/* job-ms of them in this window */
};


/*
 * A new sample at now_ms.  The idle cores of the window since the
 * previous sample replace the old estimate (the first sample only
 * records; until a window is measured no core counts as idle: the local
 * machine is never preferred blind).
 */
void	aplace_cpu_update(struct aplace_cpu *c, uint64_t busy, uint64_t total,
	    uint64_t now_ms);

/* Our local jobs running changed to running at now_ms. */
void	aplace_cpu_local(struct aplace_cpu *c, unsigned running,
	    uint64_t now_ms);

/* 1 if a new sample is due at now_ms (APLACE_CPU_WINDOW_MS passed). */
int	aplace_cpu_due(const struct aplace_cpu *c, uint64_t now_ms);

/*
 * Local places for one more job now, with running local jobs of ours:
 * one per core not running one; none at all when the last window had
 * less than APLACE_LOCAL_MIN_IDLE cores idle or held by our local jobs
 * (the machine is busy, feeding the servers or with other work: they
 * get the job).
 */
unsigned aplace_local_free(const struct aplace_cpu *c, unsigned running);

/*
 * The compile rate (ms per KiB) of toolchain tc when nothing better is
 * known: the mean of what the n tables learned for it, or
 * PLACE_PRIOR_MS_PER_KB when none did.
 */
double	aplace_base_rate(struct aplace_speeds *const *t, size_t n,
	    const char *tc);

/*
 * Fill x's local side: free local places, the rate of local compiles
 * (learned, from their times, or else base_rate times
 * APLACE_LOCAL_PENALTY) and the stretch a new one runs under: the
 * running ones and it share ncpu cores.  x->rng is left alone.
 */
void	aplace_ctx_fill(struct place_ctx *x, double base_rate,
	    const struct place_speed *learned, unsigned local_free,
	    unsigned running, unsigned ncpu);

/* The agent's side (struct agent, ahost, ajob: agent_int.h). */
struct agent;
struct ahost;
struct ajob;

/*
 * The adverts' speeds (KiB of the server's calibration unit per
 * CPU-second) in the units of our own jobs: the sum of the rates we
 * learned (ms per KiB of a job of cost 1) over the sum of the advertised
 * ones (1000 / speed), over the n hosts that have both for tc; 1 when
 * none has.  A project whose code compiles slower per KiB than the
 * calibration unit makes every advertised rate that much slower.
 */
double	aplace_advert_scale(struct ahost *const *h, size_t n, const char *tc);

/*
 * A host's rate before our reports from it (place_rate's prior): what it
 * advertises, times scale (aplace_advert_scale), else base (the mean of
 * the hosts we know, aplace_base_rate).
 */
double	aplace_prior(const struct ahost *h, double base, double scale);

/*
 * Does h offer toolchain tcid?  A pinned host (CCPOOL_HOSTS, no advert)
 * is assumed to until it refused it (aplace_bad_tc).
 */
int	aplace_has_tc(const struct ahost *h, const char *tcid);

/* Pinned host h refused toolchain tcid: remember it (bounded). */
void	aplace_bad_tc(struct ahost *h, const char *tcid);

/*
 * Is there a server that could take a job of toolchain tcid (NULL: of
 * any), once one of its slots is free (up, trusted, with the toolchain)?
 */
int	aplace_any_for(struct agent *a, const char *tcid);

/* Has any server a free place (slot or queue) for a job now? */
int	aplace_any_usable(struct agent *a);

/*
 * A new sample of a's local idle cores at now (ms), when one is due:
 * under a CPU quota (a container, a slice) the quota's usage, in
 * microseconds of quota-sized CPUs; else /proc/stat.  The agent takes
 * the first at start, so the first job sees a measured window.
 */
void	aplace_sample(struct agent *a, uint64_t now);

/*
 * Job j came with its code bytes (CODE): fold them into the agent's
 * running means (place_ctx.code_frac) and, when its file has no history
 * (j->cost 0), guess its cost from them (place_code_cost).
 */
void	aplace_code_guess(struct agent *a, struct ajob *j);

/* Local places free for one more job now (aplace_local_free on a fresh
 * sample; 0 when local placement is off). */
unsigned aplace_local_idle(struct agent *a, uint64_t now);

/*
 * Where job j goes: a server, or NULL with *local set (here would finish
 * first) or clear (no server with a free slot).  Sets j->stretch (the
 * contention place_eta() assumed) and advances a's random state.
 */
struct ahost *aplace_pick(struct agent *a, struct ajob *j, int *local);

/*
 * Late binding: up to k servers (at most PLACE_OFFER_MAX) to offer job j
 * to, best first, into out (place_offer(); only servers of protocol
 * version PROTO_VERSION_OFFERS or later, never a distccd), and in
 * *wait_ms how long to wait for a pull: AGENT_OFFER_FACTOR times the
 * job's compile time here, within AGENT_OFFER_MIN_MS..AGENT_SLOT_WAIT_MS.
 * wide: every eligible server may be drawn, none weighed out for being
 * slower than the best (a job no server pulled in time).  Returns how
 * many.  With local not NULL, first asks place_choose() on the same
 * candidates: if an idle local core would finish first, returns 0 with
 * *local set (no offer needed).
 */
size_t	aplace_offers(struct agent *a, struct ajob *j, int wide,
	    struct ahost **out, size_t k, uint64_t *wait_ms, int *local);

/*
 * Job j compiled cleanly in ms where sp is the learned speed (a host's
 * for its toolchain, or the local one; NULL: nothing): the file's history
 * (a->hist: how long this file takes against a job of its size) and sp
 * learn from it.
 */
void	aplace_learn(struct agent *a, const struct ajob *j,
	    struct place_speed *sp, double ms);

#endif
