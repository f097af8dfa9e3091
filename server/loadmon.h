/*
 * loadmon.h - where the runner's load samples come from (see load.h for
 * what is done with them): /proc/stat for the machine, our own CPU time
 * from a cgroup v2 of our own when we can make one, else from /proc (the
 * runner and every process below it, its reaped jobs included), memory
 * pressure from /proc/pressure/memory and MemAvailable.
 */
#ifndef CCPOOL_LOADMON_H
#define CCPOOL_LOADMON_H

#include <stddef.h>

#include "server/load.h"

/*
 * In the runner, before it gives up root (called from the parent's
 * fork): try to make the cgroup v2 "ccpoold-runner.PID" below the
 * current one and move the calling process (and so every job it will
 * start) into it; stale empty ones of earlier runs are removed.  Never
 * fails: without a cgroup, loadmon_sample() walks /proc instead.
 * loadmon_method() says which, and why.
 */
void	loadmon_cgroup_enter(void);

/* "cgroup /sys/fs/cgroup/..." or "/proc process tree (why)". */
const char *loadmon_method(void);

/*
 * What the load is measured against, into buf: the whole machine, or the
 * cgroup whose CPU quota makes it the machine (cpuquota.h).
 */
const char *loadmon_machine(char *buf, size_t len);

/*
 * Fill s (all but running) now.  Returns 0, or -1 with err set when even
 * /proc/stat cannot be read (then s is no use).  Missing PSI or
 * MemAvailable only clear psi_ok / avail_ok.
 */
int	loadmon_sample(struct load_sample *s, char *err, size_t errlen);

#endif
