/*
 * say.h - the job's verbose lines on stderr under CCPOOL_VERBOSE
 * (doc/client.md, "Verbose lines"): where it ran and why.
 */
#ifndef CCPOOL_SAY_H
#define CCPOOL_SAY_H

#include <stddef.h>
#include <stdint.h>

#include "client/wjob.h"

/* One line "ccpool: ..." on stderr when w->verbose, else nothing. */
void	say_line(const struct wrap_ctx *w, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * The job's name in verbose lines: its source, else its output (the
 * last -o: a link's program), else its first argument that looks like a
 * file to compile (a header to precompile), else the compiler's name.
 * Points into w's strings.
 */
const char *say_job_name(const struct wrap_ctx *w);

/* Remember that the job waited ms for a preprocessing slot. */
void	say_pp_waited(uint64_t ms);

/*
 * ", N ms waiting for a preprocessing slot" into buf (len bytes), or ""
 * when the job waited for none.  Returns buf.
 */
const char *say_pp_note(char *buf, size_t len);

#endif
