/*
 * run.h - running a command here and capturing its output: the local
 * preprocessing of a job, and a compile here of its text (client/here.c).
 * Blocking; the caller's process waits for the command.
 */
#ifndef CCPOOL_RUN_H
#define CCPOOL_RUN_H

#include <stddef.h>

#include "common/proto.h"

/*
 * Run argv (argv[0] a path) with stdin on /dev/null, stdout appended to
 * out and stderr appended to errout (at most max bytes each).  Returns
 * the wait status, or -1 with err set (the output over max, a system
 * call failed).  The buffers stay the caller's.
 *
 * stdout goes to a memory file, read once the command is over: a pipe
 * would wake this process for every 64 KB of preprocessed text (measured:
 * a quarter of the wrapper's CPU time, in context switches and copies).
 * The command's file size limit (RLIMIT_FSIZE, max + 1) bounds what it
 * can write there, and in any file: a compile here whose object is over
 * the limit fails, and the caller compiles from the source as usual.
 * stderr, small as a rule, comes through a pipe.
 */
int	run_capture(const char *path, char *const argv[], struct proto_buf *out,
	    struct proto_buf *errout, size_t max, char *err, size_t errlen);

#endif
