/*
 * statlog.h - what the status page remembers between requests (schema 2,
 * doc/status.md): the state of each slot and since when, the last jobs
 * that ended, and one sample a second of the last minute.
 *
 * Pure: no I/O, no clock, no allocation.  The network process feeds it
 * (server/net.c: the runner's IPC_JOBEV and IPC_LOAD, a one-second
 * timer) and net_status.c reads it to write the page.  It holds only
 * slot indices, times, toolchain ids and a success bit: nothing of a
 * job's files, arguments, user or address ever reaches it.  Start
 * reading at statlog_start().
 */
#ifndef CCPOOL_STATLOG_H
#define CCPOOL_STATLOG_H

#include <stddef.h>
#include <stdint.h>

#include "common/proto.h"

#define STATLOG_SLOTS_MAX	1024	/* SRVCONF_SLOTS_MAX */
#define STATLOG_RECENT		32	/* jobs that ended, kept */
#define STATLOG_HIST		60	/* samples, one a second */
#define STATLOG_INTERVAL_MS	1000

enum statlog_state { STATLOG_IDLE, STATLOG_BUSY, STATLOG_CLOSED };

struct statlog_slot {
	uint8_t		 busy;		/* a job holds it */
	uint8_t		 state;		/* enum statlog_state, as shown */
	uint64_t	 since;		/* ms, when state began */
};

struct statlog_job {
	unsigned	 slot;
	uint64_t	 end;		/* ms, when it ended */
	uint32_t	 ms;		/* compile time */
	int		 ok;
	char		 tc[PROTO_TCID_MAX + 1];
};

struct statlog_sample {
	uint8_t		 load;		/* foreign load, % of the machine */
	uint8_t		 mem;		/* memory in use, % */
	uint16_t	 running;
};

struct statlog {
	unsigned	 slots;		/* configured, <= STATLOG_SLOTS_MAX */
	unsigned	 offered;
	unsigned	 nbusy;		/* jobs holding a slot, any index */
	struct statlog_slot slot[STATLOG_SLOTS_MAX];
	struct statlog_job recent[STATLOG_RECENT];	/* a ring */
	unsigned	 nrecent, rnext;
	struct statlog_sample hist[STATLOG_HIST];	/* a ring */
	unsigned	 nhist, hnext;
};

/* No slots, no jobs, no samples; every state begins at now (ms). */
void	statlog_init(struct statlog *l, uint64_t now);

/*
 * The configured slots and those on offer (IPC_LOAD), at now.  Slot i
 * is busy while a job holds it, else idle while fewer than offered jobs
 * run, counting from index 0, else closed (the owner's load): the
 * highest free indices close first.
 */
void	statlog_slots(struct statlog *l, unsigned slots, unsigned offered,
	    uint64_t now);

/* A job took slot (< STATLOG_SLOTS_MAX) at now; ignored beyond. */
void	statlog_start(struct statlog *l, unsigned slot, uint64_t now);

/*
 * The job of slot ended at now after ms of compiling, with toolchain tc
 * (copied, cut to fit) and ok: the slot is free and the job is the
 * newest of the recent ones (the oldest of STATLOG_RECENT goes).
 */
void	statlog_end(struct statlog *l, unsigned slot, uint32_t ms,
	    const char *tc, int ok, uint64_t now);

/* One second's sample: percentages clamped to 100. */
void	statlog_sample(struct statlog *l, unsigned load, unsigned mem,
	    unsigned running);

/* Recent job i, 0 the newest; NULL when i >= nrecent. */
const struct statlog_job *statlog_recent(const struct statlog *l, size_t i);

/* Sample i, 0 the oldest; NULL when i >= nhist. */
const struct statlog_sample *statlog_hist(const struct statlog *l,
	    size_t i);

/* "idle", "busy", "closed". */
const char *statlog_state_name(enum statlog_state st);

#endif
