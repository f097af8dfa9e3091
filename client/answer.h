/*
 * answer.h - judging the answer of a compile of a job's preprocessed text
 * (a server's, or one here): does it stand, or is the job compiled again
 * here from the source so that its diagnostics are exactly a local
 * compile's?  Pure code: no I/O.  The rules and the measurements behind
 * them: doc/client.md, "Diagnostics".
 */
#ifndef CCPOOL_ANSWER_H
#define CCPOOL_ANSWER_H

#include <stddef.h>
#include <stdint.h>

/*
 * Whether the answer of a compile of the job's text (wait status st, its
 * stderr e of elen bytes) is exactly what a compile here from the source
 * would print, so that it stands and no second compile is run.  rewrite:
 * the text was made with -frewrite-includes (args_rewrite_includes), not
 * plain -E; cpperr: bytes the preprocessing printed; tty: our stderr is
 * a terminal.  Returns 1, or 0 with why set (compile again here).
 */
int	answer_exact(int rewrite, uint32_t st, const uint8_t *e, size_t elen,
	    size_t cpperr, int tty, char *why, size_t whylen);

#endif
