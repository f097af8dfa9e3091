/*
 * ajtab.h - the agent's table of its user's jobs, for the JOBS query
 * (doc/client.md, "Queries"): every job running, and a ring of the last
 * AJTAB_RING finished ones.  A record (struct ajrec) lives in its job
 * (struct ajob) while it runs and is copied into the ring when it ends.
 * Pure: no I/O, the time (ms, mono_ms's clock) is passed in.  Start
 * reading at ajtab_start(), then ajtab_encode().
 */
#ifndef CCPOOL_AJTAB_H
#define CCPOOL_AJTAB_H

#include <stdint.h>

#include "common/jobline.h"
#include "common/proto.h"

#define AJTAB_RING	256	/* finished jobs kept */
#define AJTAB_RUN_MAX	1024	/* running jobs told at most (the oldest) */
#define AJTAB_FORMAT	1	/* JOBS's value: the answer's format */

struct ajrec {
	struct ajrec		*prev, *next;	/* the running list */
	int			 running;	/* in it */
	uint64_t		 id;
	enum jobline_phase	 phase;
	uint64_t		 t_start, t_end;	/* ms */
	uint64_t		 bytes_out, bytes_in;
	int			 status;	/* exit status; -1 unknown */
	char			 host[JOBLINE_HOST_MAX];	/* escaped */
	char			 file[JOBLINE_FILE_MAX];	/* escaped */
};

struct ajtab {
	uint64_t		 nextid;
	struct ajrec		*head, *tail;	/* running, oldest first */
	unsigned		 nrun;
	struct ajrec		 ring[AJTAB_RING];
	unsigned		 first, nring;	/* oldest finished, count */
};

void	ajtab_init(struct ajtab *t);

/*
 * Record r (the caller's, zeroed or ended before) as a new job of file
 * (raw, as the wrapper named it; NULL: not known) in phase ph, at now.
 * It gets the next id and joins the running list.
 */
void	ajtab_start(struct ajtab *t, struct ajrec *r, const char *file,
	    enum jobline_phase ph, uint64_t now);

/* Where r runs: a server's name (raw, from the network), "" here. */
void	ajtab_host(struct ajrec *r, const char *host);

/*
 * r ended at now in phase ph (done or failed) with exit status (-1:
 * unknown): out of the running list, a copy into the ring (the oldest
 * finished job makes room).  Not running: nothing.
 */
void	ajtab_end(struct ajtab *t, struct ajrec *r, enum jobline_phase ph,
	    int status, uint64_t now);

/*
 * The exit status of a wait status as a shell tells it: the exit code,
 * or 128 + the signal.
 */
int	ajtab_exit_status(uint32_t wstatus);

/*
 * The answer to JOBS at now into b: CCPL 1, one MSG_ per job (a jobline,
 * oldest id first: the ring and at most AJTAB_RUN_MAX running), DONE 0.
 * At most (AJTAB_RING + AJTAB_RUN_MAX) * (JOBLINE_MAX + 12) + 24 bytes.
 * Returns 0, or -1 when out of memory.
 */
int	ajtab_encode(const struct ajtab *t, uint64_t now, struct proto_buf *b);

#endif
