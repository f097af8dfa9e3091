/*
 * wrap.h - the wrapper side of one compile job, and of the queries
 * (--hosts, -j) it sends to the agent.  Synchronous, blocking I/O.
 * Start reading at wrap_compile().
 */
#ifndef CCPOOL_WRAP_H
#define CCPOOL_WRAP_H

#include "client/wjob.h"	/* struct wrap_ctx */

/*
 * Run the compile job: remotely through the agent when possible, else
 * locally (here_exec(), client/here.h).  Returns the exit status for
 * main() (or does not return: it execs the real compiler).
 */
int	wrap_compile(struct wrap_ctx *w);

/*
 * `ccpool --hosts` (jobs 0: print the agent's host table) and `ccpool -j`
 * (jobs 1: print a make -j value).  Returns the exit status.
 */
int	wrap_hosts(const char *self_exe, int jobs);

#endif
