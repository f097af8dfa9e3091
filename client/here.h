/*
 * here.h - compiling a job on this machine: the original command exec'd
 * (no agent, not distributable, a refusal, an answer that is not exact),
 * or, when the agent placed the job here, its text already preprocessed.
 * Neither function returns: the process becomes the compiler, or exits
 * with its status.
 */
#ifndef CCPOOL_HERE_H
#define CCPOOL_HERE_H

#include "client/wconn.h"
#include "client/wjob.h"
#include "common/proto.h"

/*
 * Compile here: exec the real compiler with the original argv.  Under
 * CCPOOL_VERBOSE first says why on stderr.  Never returns.
 */
void	here_exec(const struct wrap_ctx *w, const char *why)
	    __attribute__((noreturn));

/* Nice 19: behind the preprocessing that feeds the servers, and the
 * user's work. */
void	here_nice(const struct wrap_ctx *w);

/*
 * Compile here from the source with the agent's connection c open across
 * exec: the compiler holds it until it exits, which tells the agent the
 * local place is free again.  Never returns.
 */
void	here_from_source(const struct wrap_ctx *w, struct wconn *c,
	    const char *why) __attribute__((noreturn));

/*
 * The agent placed the job here (res: its refusal with PROTO_R_LOCAL,
 * freed here): compile the text src already preprocessed (cpperr: what
 * the preprocessing printed) with job's argv, at nice 19, and keep the
 * agent's connection c open until the compile is over: its end tells the
 * agent the local place is free again and how long the compile took.  An
 * answer that is not exactly a compile from the source's (answer_exact)
 * compiles from the source instead (the connection still open across
 * exec).  Never returns.
 */
void	here_placed(struct wrap_ctx *w, struct wjob *wj, struct wconn *c,
	    struct proto_job *job, struct proto_result *res,
	    struct proto_buf *src, struct proto_buf *cpperr)
	    __attribute__((noreturn));

#endif
