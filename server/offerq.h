/*
 * offerq.h - the runner's queue of offers (protocol version 2, "late
 * binding": proto.h).  Pure logic: no I/O, no clock, no allocation; the
 * runner (server/runner.c) owns the entries and the slots (fairq.h).
 *
 * An offer waits here until a slot is free for it; then offerq_pick()
 * says which one the runner pulls: the fair choice first (the client
 * with the fewest jobs running, as fairq_next() has it), then among that
 * client's offers the largest (longest processing time first, so the
 * big compiles of a build do not end it alone), the oldest among equal
 * sizes.  The queue is bounded (offerq_bound()); an offer beyond it is
 * refused busy.  Start reading at offerq_pick().
 */
#ifndef CCPOOL_OFFERQ_H
#define CCPOOL_OFFERQ_H

#include <sys/queue.h>

#include <stdint.h>

#include "common/proto.h"
#include "server/fairq.h"

#define OFFERQ_PER_SLOT	16	/* offers queued per configured slot */
#define OFFERQ_MIN	64	/* ... and at least this many */

/* One offer; embedded in the caller's own record (or used as is). */
struct offerq_ent {
	TAILQ_ENTRY(offerq_ent) entry;
	uint32_t	 key;		/* the IPC key net chose */
	char		 client[FAIRQ_CLIENT_MAX];	/* NUL-terminated */
	struct proto_offer o;
	uint64_t	 seq;		/* arrival order, set by offerq_push */
};
TAILQ_HEAD(offerq_list, offerq_ent);

struct offerq {
	struct offerq_list list;	/* oldest first */
	unsigned	 n;
	unsigned	 max;
	uint64_t	 nextseq;
};

/* Empty, bounded for slots (offerq_bound). */
void	offerq_init(struct offerq *q, unsigned slots);

/*
 * The bound for slots configured: OFFERQ_PER_SLOT each, at least
 * OFFERQ_MIN.  Offers queued beyond a smaller new bound stay.
 */
void	offerq_bound(struct offerq *q, unsigned slots);

/* Queue e (key, client, o set): 0, or -1 if the queue is full. */
int	offerq_push(struct offerq *q, struct offerq_ent *e);

/* The queued offer of key, or NULL. */
struct offerq_ent *offerq_find(const struct offerq *q, uint32_t key);

/* Take e (queued) out. */
void	offerq_remove(struct offerq *q, struct offerq_ent *e);

/*
 * The offer to pull next (see above), left in the queue, or NULL if none
 * waits.  fq: the running jobs, for the fair share; the caller decides
 * whether a slot is free.
 */
struct offerq_ent *offerq_pick(const struct offerq *q, const struct fairq *fq);

#endif
