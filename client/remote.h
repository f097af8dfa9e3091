/*
 * remote.h - the remote path of one distributable job: hello to the agent
 * (which may place the job here), preprocessing here where the headers
 * are, the job to the agent, and its answer written out exactly as a
 * local compile would have (object atomically, stdout, stderr, status).
 */
#ifndef CCPOOL_REMOTE_H
#define CCPOOL_REMOTE_H

#include "client/wjob.h"

/*
 * Run the job wj (distributable, its cpp_argv[0] the real compiler) of
 * command w through the agent.  Returns the exit status for main() when
 * the server's answer stands; otherwise does not return: it compiles
 * here (client/here.h) for any refusal, failure or inexact answer.
 */
int	remote_compile(struct wrap_ctx *w, struct wjob *wj);

#endif
