/*
 * place.h - where the agent sends a job, and how it backs off from
 * servers that fail.  Pure logic: no I/O; the clock and the random source
 * are passed in, so a decision is deterministic given both.
 *
 * A server is a candidate for a job when it offers the job's toolchain,
 * has not been tried for that job yet and is not backing off.  Its free
 * places are its slots and its queue: estimated as min(advertised free
 * slots + queue, slots + queue - our own jobs in flight there): the
 * advert lags (at most a second) and may or may not count our latest jobs
 * yet; the min never counts them twice in the steady state and never sends
 * more jobs than the server can take.  A job in the queue starts the
 * moment a slot frees, so a server's slots never idle while the next job
 * crosses the network.
 *
 * place_choose() (expected finish time): for each candidate with a free
 * place, finish = round trip + transfer of the job's bytes at LAN speed +
 * the job's compile time there.  The compile time is the job's size times
 * the host's learned speed for the toolchain (an EWMA of server-reported
 * compile times per input kilobyte, place_learn()), or for a host never
 * seen the local speed scaled by the host's CPU speed relative to ours,
 * stretched by the jobs ahead of ours: the CPUs the owner's foreign load
 * leaves over work through the jobs running and queued there, then ours.
 * The local machine is a candidate too while it has a free place (a core
 * not compiling for us), at its own learned speed, stretched the same
 * way by our local jobs.  A CPU that would idle otherwise (a free slot,
 * a local core) comes first, as long as it finishes within
 * PLACE_IDLE_RATIO of the best place: a queue place only waits for a
 * CPU that is busy anyway, and taking it would leave the idle one idle.
 * To keep many clients that read
 * the same advert from all taking the same best host, the pick is the
 * better of two candidates drawn at random among the good ones (finish
 * within PLACE_GOOD_RATIO of the best, "power of two choices").
 *
 * None with a free place: PLACE_NONE (the agent lets the job wait for
 * one, or compiles it locally).
 *
 * A server that fails (refused or dropped connection, timeout, BUSY,
 * garbage) is marked down for 1 s, doubling on each failure in a row up
 * to 60 s; one success clears it.
 */
#ifndef CCPOOL_PLACE_H
#define CCPOOL_PLACE_H

#include <stdint.h>
#include <stddef.h>

#define PLACE_BACKOFF_MIN_MS	1000
#define PLACE_BACKOFF_MAX_MS	60000

#define PLACE_PRIOR_MS_PER_KB	1.0	/* compile speed before any report */
#define PLACE_EWMA_ALPHA	0.25	/* weight of a new report, steady state */
#define PLACE_RTT_MS		0.5	/* round trip when not measured */
#define PLACE_LAN_BYTES_PER_MS	125000.0	/* 1 Gbit/s */
#define PLACE_OUT_RATIO		0.25	/* object bytes per input byte */
#define PLACE_GOOD_RATIO	1.25	/* "good": finish <= best * this */
#define PLACE_GOOD_SLACK_MS	2.0	/* ... + this */
#define PLACE_IDLE_RATIO	2.0
#define PLACE_OFFER_RATIO	100.0	/* offers: finish <= best * this */
#define PLACE_OFFER_TEMP_MS	5.0 	/* offers: weight exp(-(eta-best)/this) */
#define PLACE_OFFER_MAX		8	/* offers per job at most */
#define PLACE_OFFER_FREE	4	/* ... and no more once this many
					 * of them show a free slot */	/* an idle CPU wins up to best * this */

#define PLACE_NONE		(-1)	/* no server: compile locally */
#define PLACE_LOCAL		(-2)	/* local would finish first */

struct place_cand {
	int		 eligible;	/* right toolchain, not tried yet */
	unsigned	 slots;		/* slots the server offers */
	unsigned	 free_slots;	/* advertised free now */
	unsigned	 queue;		/* advertised queue places */
	unsigned	 inflight;	/* our jobs running there */
	uint64_t	 down_until;	/* ms clock; 0 or past: up */
	/* used by place_choose() only; all zero means "unknown" */
	unsigned	 cpus;		/* advertised; 0: as many as slots */
	unsigned	 load;		/* advertised foreign load, % */
	double		 speed;		/* CPU speed relative to local; 0: 1 */
	double		 rtt_ms;	/* measured round trip; 0: PLACE_RTT_MS */
	double		 ms_per_kb;	/* learned (struct place_speed); 0: none */
	unsigned	 waiting;	/* offers queued there, as last told */
};

/* Backoff state of one server. */
struct place_backoff {
	uint64_t	 down_until;	/* ms; 0: never failed */
	unsigned	 backoff_ms;	/* last backoff; 0: healthy */
	unsigned	 fails;		/* in a row */
};

/* Speed learned for one host and toolchain (or the local machine). */
struct place_speed {
	double		 ms_per_kb;	/* compile ms per KiB input; 0: none */
	unsigned	 n;		/* reports folded in */
};

/* What place_choose() knows besides the candidates.  The caller owns it. */
struct place_ctx {
	uint64_t	 rng;		/* random state; any seed, 0 included */
	struct place_speed local;	/* local compiles of this toolchain */
	unsigned	 local_idle;	/* local places free now; 0: none */
	double		 local_stretch;	/* contention of a new local job; 0: 1 */
	double		 lan_bytes_per_ms;	/* 0: PLACE_LAN_BYTES_PER_MS */
	double		 offer_ratio;	/* > 1: place_offer's (sim, tests) */
	double		 offer_power;	/* > 0: place_offer's (sim, tests) */
	double		 mean_kb;	/* mean input KiB of our jobs; 0: none */
	double		 code_frac;	/* our jobs' code bytes per input byte
					 * (place_code_cost); 0: none */
};

/* The job being placed. */
struct place_job {
	uint64_t	 in_bytes;	/* preprocessed source */
	double		 cost;		/* compile time / a job of its size's,
					 * from this file's history
					 * (place_hist_cost()); 0: 1, unknown */
};

/* Estimated free places (slots and queue) of c for us now (0 if down
 * or not eligible). */
unsigned place_free(const struct place_cand *c, uint64_t now_ms);

/*
 * Expected-finish-time placement.  Returns the index of the chosen
 * candidate, PLACE_LOCAL when the local machine has an idle core and
 * would finish first, or PLACE_NONE when no candidate has a free slot.
 * Advances x->rng; reads nothing else that changes.
 */
int	place_choose(const struct place_cand *c, size_t n,
	    struct place_ctx *x, const struct place_job *j, uint64_t now_ms);

/*
 * Expected finish of job j on c in ms from now, or a negative value if c
 * has no free place for us.  *stretch (if not NULL) gets the CPU
 * contention factor (>= 1) the job will run under once started (queue
 * waits excluded: the server reports them apart), for place_learn().
 */
double	place_eta(const struct place_cand *c, const struct place_ctx *x,
	    const struct place_job *j, uint64_t now_ms, double *stretch);

/* Expected local finish in ms, or a negative value if no place is free. */
double	place_eta_local(const struct place_ctx *x, const struct place_job *j);

/*
 * Fold a report into s: a compile of in_bytes took ms (wall clock, as
 * the server's TIMC says) under the contention factor stretch (what
 * place_eta() assumed, or 1).  Ignores nonsense (zero sizes, NaN).
 */
void	place_learn(struct place_speed *s, double ms, uint64_t in_bytes,
	    double stretch);

/*
 * Expected finish of j on c in ms, counting the jobs ahead of ours when
 * c has no free place (a late-bound offer waits for one there): each as
 * long as a job of x->mean_kb there (0: as long as ours, j's length
 * times the queue's); -1 if c is down or not eligible.
 */
double	place_eta_wait(const struct place_cand *c, const struct place_ctx *x,
	    const struct place_job *j, uint64_t now_ms);

/*
 * Late binding: the servers to offer job j to.  Fills out[] with up to k
 * candidate indices drawn at random among the good ones (place_eta_wait()
 * within PLACE_OFFER_RATIO of the best), best first; returns how many.
 * The first of them with a free slot pulls the job; the others forget
 * the offer.  Advances x->rng.
 */
size_t	place_offer(const struct place_cand *c, size_t n,
	    struct place_ctx *x, const struct place_job *j, uint64_t now_ms,
	    size_t *out, size_t k);

/*
 * Fold a report into s as place_learn() does, for a job placed with a
 * cost (struct place_job): the host's speed for a job of cost 1, so that
 * a long file does not make its host look slow.
 */
void	place_learn_job(struct place_speed *s, double ms,
	    const struct place_job *j, double stretch);

/*
 * Per-file history: each source file's compile cost relative to a job of
 * its size, as its last compiles showed (ninja's .ninja_log keeps such a
 * record), so that the agent tells a long compile from a short one of the
 * same size (place_job.cost).  A fixed table of PLACE_HIST_SLOTS entries
 * in sets of PLACE_HIST_WAYS; a new file replaces the set's least
 * recently noted one.  The caller owns it; all zero is empty.
 *
 * The agent, per job:
 *   key = place_hist_key(job.cwd, job.argv, job.argc);
 *   pj.cost = place_hist_cost(h, key);   (0: unknown, taken as 1)
 *   ... place_choose() / place_offer() with pj ...
 * and on its result (compile ms, under stretch, on the host whose
 * learned speed is sp, or the local one):
 *   place_hist_note(h, key, ms, in_bytes, stretch, sp->ms_per_kb);
 *   place_learn_job(sp, ms, &pj, stretch);
 */
#define PLACE_HIST_SLOTS	4096	/* power of 2 */
#define PLACE_HIST_WAYS		4
#define PLACE_HIST_ALPHA	0.5	/* weight of the newest compile */

struct place_hist_ent {
	uint64_t	 key;		/* 0: empty */
	double		 cost;
	uint32_t	 n;		/* compiles folded in */
	uint32_t	 used;		/* clock of the last note */
};

struct place_hist {
	struct place_hist_ent e[PLACE_HIST_SLOTS];
	uint32_t	 clock;
};

/* The key of a compile: its working directory and arguments (the source
 * file and the object among them).  Never 0.  NULL strings count as "". */
uint64_t place_hist_key(const char *cwd, char *const *argv, size_t argc);

/*
 * Record a compile of key: ms (wall clock) under the contention factor
 * stretch, in_bytes of input, on a host compiling ms_per_kb for a job of
 * cost 1 (its learned speed, struct place_speed).  Ignores nonsense
 * (zero sizes or speeds, NaN, key 0).
 */
void	place_hist_note(struct place_hist *h, uint64_t key, double ms,
	    uint64_t in_bytes, double stretch, double ms_per_kb);

/* The cost of key's file as its history says, or 0 if it has none. */
double	place_hist_cost(const struct place_hist *h, uint64_t key);

/*
 * A file's first compile, with no history: its cost guessed from its
 * code.  An optimising compile spends its time on the code it generates,
 * not on the declarations of system headers, so what predicts its length
 * is the preprocessed text's bytes outside system headers (code_bytes,
 * cpp's line markers say which; client/code.c counts them): on ccpool's
 * own 72 files a compile's time follows them with a correlation of 0.95,
 * and its input bytes with 0.42 (tools/sim/trace-ccpool.tsv).  The fit
 * there, ms = a * in + b * code, gives b / a = 298 (PLACE_CODE_WEIGHT).
 * Relative to a job of its size whose code is x->code_frac of its input
 * (the byte-weighted mean of the caller's jobs), as place_job.cost is.
 * Returns 0 (unknown, taken as 1) when x->code_frac is unknown (0) or
 * in_bytes is 0; the caller calls it only for a job whose code_bytes it
 * knows.
 */
#define PLACE_CODE_WEIGHT	298.0
double	place_code_cost(const struct place_ctx *x, uint64_t in_bytes,
	    uint64_t code_bytes);

/*
 * A host's compile speed for placement, ms per KiB of a job of cost 1:
 * what its reports taught (s, NULL or none: nothing) and what it
 * advertised (prior; 0: nothing), the advert counting as
 * PLACE_PRIOR_REPORTS reports.  A report is one job's time over its
 * size and guessed cost, and a guess can be far off on a first build;
 * the advert is a calibrated measurement.  0 when neither is known.
 */
#define PLACE_PRIOR_REPORTS	8.0
double	place_rate(const struct place_speed *s, double prior);

/* Next value of the injected random source (splitmix64). */
uint64_t place_random(uint64_t *state);

/* Record a failure at now_ms: down for the next backoff step. */
void	place_failed(struct place_backoff *b, uint64_t now_ms);

/* Record a success: healthy again. */
void	place_succeeded(struct place_backoff *b);

/* 1 if b lets the server be used at now_ms. */
int	place_up(const struct place_backoff *b, uint64_t now_ms);

#endif
