/*
 * ppslot.h - a bound on the wrapper's local preprocessing.  A `make -j64`
 * through the cluster runs 64 wrappers at once, and every one of them
 * preprocesses here; the servers compile, but the client's cores would
 * thrash.  So a wrapper preprocesses only while it holds one of N slots:
 * the files pp-0.lock .. pp-<N-1>.lock in the agent's private directory
 * (sockdir.h), each held with flock().  The kernel drops a lock when its
 * holder dies, so a killed wrapper never leaks a slot.
 * N is ncpu + 1, or CCPOOL_PREPROCESS_MAX (0: no bound).
 * Start reading at ppslot_take().
 */
#ifndef CCPOOL_PPSLOT_H
#define CCPOOL_PPSLOT_H

#include <stddef.h>

#define PPSLOT_MAX	1024	/* largest N accepted */

/*
 * N from the value of CCPOOL_PREPROCESS_MAX (env, may be NULL) and the
 * number of cores online: env when it is a number 0..PPSLOT_MAX (0: no
 * bound), else ncpu + 1.
 */
unsigned ppslot_limit(const char *env, long ncpu);

/*
 * Take one of the n slots in dir (an existing private directory),
 * blocking while all are held.  Tries every slot without waiting first
 * (starting at one picked from the pid, so wrappers spread), then waits
 * on one.  *waited (if not NULL) is set to 1 if it had to wait.  Returns
 * the descriptor that holds the slot (close-on-exec; ppslot_release or
 * the process's death frees it), or -1 with err set (the caller then
 * goes on without a slot: the bound must never fail a build).
 */
int	ppslot_take(const char *dir, unsigned n, int *waited, char *err,
	    size_t errlen);

/* Give the slot back (fd from ppslot_take; -1 is a no-op). */
void	ppslot_release(int fd);

#endif
