/*
 * place.h - where the agent sends a job, and how it backs off from
 * servers that fail.  Pure logic: no I/O, time passed in.
 *
 * A server is a candidate for a job when it offers the job's toolchain,
 * has not been tried for that job yet and is not backing off.  Its free
 * capacity is estimated as min(advertised free slots, slots - our own jobs
 * in flight there): the advert lags (at most a second) and may or may not
 * count our latest jobs yet; the min never counts them twice in the steady
 * state and never sends more jobs than the server has slots.  The
 * candidate with the most estimated free slots wins (ties: fewer of our
 * jobs in flight, then the lowest index).  None with a free slot: the job
 * is compiled locally; `make -j` was sized for that.
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

struct place_cand {
	int		 eligible;	/* right toolchain, not tried yet */
	unsigned	 slots;		/* slots the server offers */
	unsigned	 free_slots;	/* advertised free now */
	unsigned	 inflight;	/* our jobs running there */
	uint64_t	 down_until;	/* ms clock; 0 or past: up */
};

/* Backoff state of one server. */
struct place_backoff {
	uint64_t	 down_until;	/* ms; 0: never failed */
	unsigned	 backoff_ms;	/* last backoff; 0: healthy */
	unsigned	 fails;		/* in a row */
};

/* Estimated free slots of c for us now (0 if down or not eligible). */
unsigned place_free(const struct place_cand *c, uint64_t now_ms);

/* Index of the best candidate at now_ms, or -1 if none has a free slot. */
int	place_pick(const struct place_cand *c, size_t n, uint64_t now_ms);

/* Record a failure at now_ms: down for the next backoff step. */
void	place_failed(struct place_backoff *b, uint64_t now_ms);

/* Record a success: healthy again. */
void	place_succeeded(struct place_backoff *b);

/* 1 if b lets the server be used at now_ms. */
int	place_up(const struct place_backoff *b, uint64_t now_ms);

#endif
