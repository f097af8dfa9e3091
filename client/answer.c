/*
 * answer.c - whether a compile's answer is exactly a local compile's
 * (see answer.h; doc/client.md, "Diagnostics").
 */
#include <sys/wait.h>

#include <stdio.h>
#include <string.h>

#include "client/answer.h"

/*
 * Whether stderr e (elen bytes) holds a line in the compiler's own words,
 * not the source's: the driver's ("clang: error: unable to execute ...",
 * "clang-14: warning: ..."), a crash's, a file the compile wanted.  Such
 * a line is the server's, not what a compile here would print.
 */
static int
own_words(const uint8_t *e, size_t elen)
{
	const char	*l, *end = (const char *)e + elen, *nl, *colon;

	for (l = (const char *)e; l < end; l = nl + 1) {
		if ((nl = memchr(l, '\n', (size_t)(end - l))) == NULL)
			nl = end;
		colon = memchr(l, ':', (size_t)(nl - l));
		if ((nl - l >= 5 && memcmp(l, "clang", 5) == 0 &&
		    colon != NULL && colon + 1 < nl && colon[1] == ' ') ||
		    memmem(l, (size_t)(nl - l), "PLEASE submit", 13) != NULL ||
		    memmem(l, (size_t)(nl - l), "file not found", 14) !=
		    NULL)
			return 1;
	}
	return 0;
}

int
answer_exact(int rewrite, uint32_t st, const uint8_t *e, size_t elen,
    size_t cpperr, int tty, char *why, size_t whylen)
{
	const char	*kind = st != 0 ? "compile error" : "warnings";

	why[0] = '\0';
	if (st == 0 && elen == 0)
		return 1;
	/* plain -E: macros expanded, and gcc quotes the source files */
	if (!rewrite) {
		snprintf(why, whylen, "%s", kind);
		return 0;
	}
	/* the compiler picks colours and widths for a terminal */
	if (tty) {
		snprintf(why, whylen, "%s, for a terminal", kind);
		return 0;
	}
	/* the server preprocesses again: said twice, or only once */
	if (cpperr > 0) {
		snprintf(why, whylen, "%s, after the preprocessor's", kind);
		return 0;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) > 1) {
		snprintf(why, whylen, "the compiler failed (status %#x)",
		    (unsigned)st);
		return 0;
	}
	if (own_words(e, elen)) {
		snprintf(why, whylen, "%s, in the compiler's own words", kind);
		return 0;
	}
	return 1;
}
