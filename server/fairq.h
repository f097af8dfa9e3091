/*
 * fairq.h - the runner's slots and queue, and the fair share between
 * clients.  Pure logic: no I/O, no clock (the caller passes the time), no
 * allocation; the runner (server/runner.c) owns the jobs.
 *
 * A job is a struct fairq_ent that the caller embeds in its own job and
 * points back at it (owner).  It is out, then queued (fairq_push), then
 * running (fairq_started), then out again (fairq_remove).  fairq_admit()
 * says what to do with a new job, fairq_next() which queued job starts
 * when a slot is free, fairq_trim() which queued jobs no longer fit a
 * queue that shrank.  The limits are the configured slots and queue and
 * the slots the load leaves on offer (load.h), set by fairq_limits().
 * Start reading at fairq_next().
 */
#ifndef CCPOOL_FAIRQ_H
#define CCPOOL_FAIRQ_H

#include <sys/queue.h>

#include <stdint.h>

#define FAIRQ_CLIENT_MAX 72	/* a client's name: its key fingerprint */
#define FAIRQ_SHARE_MAX	64	/* clients whose last start is recalled */
#define FAIRQ_SLOTS_MAX	1024	/* slot indices (SRVCONF_SLOTS_MAX) */

enum fairq_state { FAIRQ_OUT, FAIRQ_QUEUED, FAIRQ_RUNNING };

/* One job as the queue sees it; embedded in the caller's job. */
struct fairq_ent {
	TAILQ_ENTRY(fairq_ent) entry;
	char		 client[FAIRQ_CLIENT_MAX];	/* NUL-terminated */
	void		*owner;		/* the caller's job */
	enum fairq_state state;
	unsigned	 slot;		/* running: its slot index, the lowest
					 * free one when it started; kept
					 * after it ends */
};
TAILQ_HEAD(fairq_list, fairq_ent);

/* The state; the caller may walk both lists but changes them only here. */
struct fairq {
	struct fairq_list queue;	/* oldest first */
	struct fairq_list running;	/* in start order */
	unsigned	 nqueued;
	unsigned	 nrunning;
	unsigned	 slots;		/* configured */
	unsigned	 queue_max;	/* configured */
	unsigned	 offered;	/* slots the load leaves */
	uint32_t	 taken[FAIRQ_SLOTS_MAX / 32];	/* slot indices */
	struct fairq_share {
		char	 client[FAIRQ_CLIENT_MAX];
		uint64_t last;		/* ms its last job started */
	}		 share[FAIRQ_SHARE_MAX];
};

/* What to do with a new job. */
enum fairq_admit {
	FAIRQ_START,	/* a slot is free: start it now */
	FAIRQ_WAIT,	/* queue it (fairq_push) */
	FAIRQ_FULL	/* refuse it: slots busy, queue full */
};

/* Empty lists, no share history, no slots until fairq_limits(). */
void	fairq_init(struct fairq *q);

/*
 * The configured slots and queue, and the slots on offer now (more than
 * slots counts as slots).  Takes effect for the next decision; nothing
 * running is touched.
 */
void	fairq_limits(struct fairq *q, unsigned slots, unsigned queue,
	    unsigned offered);

/* The slots admission uses now: the configured ones the load leaves. */
unsigned fairq_slots(const struct fairq *q);

/*
 * The queue for fairq_slots(): the configured one, shrunk in
 * proportion (rounded up) while fewer slots are on offer.
 */
unsigned fairq_queue_max(const struct fairq *q);

/* Jobs of client running now (a held slot counts). */
unsigned fairq_running_of(const struct fairq *q, const char *client);

/* Admission of a new job: start, wait or refuse (see above). */
enum fairq_admit fairq_admit(const struct fairq *q);

/* Queue e (out) at the tail; client must be set. */
void	fairq_push(struct fairq *q, struct fairq_ent *e);

/*
 * The queued job to start now, taken out of the queue (out, not yet
 * running), or NULL when no slot is free or nothing waits.  Fair share:
 * the oldest queued job of the client with the fewest jobs running and,
 * among those, the one served least recently (round robin), so one
 * user's make -j64 does not starve another's make -j4.
 */
struct fairq_ent *fairq_next(struct fairq *q);

/*
 * e (out) started at now_ms: it is running, its client just served, and
 * e->slot is the lowest slot index no running job holds (the status
 * page draws one strip per slot).
 */
void	fairq_started(struct fairq *q, struct fairq_ent *e, uint64_t now_ms);

/*
 * Take e out of the queue or the running list (out: nothing); a running
 * job's slot index is free again.
 */
void	fairq_remove(struct fairq *q, struct fairq_ent *e);

/*
 * The most recent queued job beyond fairq_queue_max(), taken out of the
 * queue; NULL when the queue fits.  Call until NULL after the limits
 * shrank.
 */
struct fairq_ent *fairq_trim(struct fairq *q);

#endif
