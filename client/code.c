/*
 * code.c - the bytes of a preprocessed text outside system headers (see
 * code.h).  One pass over the text, a line at a time; nothing is copied.
 */
#include <string.h>

#include "client/code.h"

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * If line (n bytes, no newline) is a line marker, return 1 with *sys
 * set to whether the lines after it come from a system header or a
 * pseudo-file; else 0.
 */
static int
marker(const char *p, size_t n, int *sys)
{
	const char	*e = p + n;

	if (n < 2 || p[0] != '#')
		return 0;
	p++;
	if ((size_t)(e - p) >= 4 && memcmp(p, "line", 4) == 0)
		p += 4;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (p == e || !is_digit(*p))
		return 0;
	while (p < e && is_digit(*p))
		p++;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (p == e || *p != '"')
		return 0;
	*sys = p + 1 < e && p[1] == '<';
	for (p++; p < e && *p != '"'; p++)	/* the name, escapes kept */
		if (*p == '\\' && p + 1 < e)
			p++;
	if (p == e)
		return 0;
	for (p++; p < e; p++)			/* flags: 1 2 3 4 */
		if (*p == '3' && (p[-1] == ' ' || p[-1] == '\t') &&
		    (p + 1 == e || p[1] == ' ' || p[1] == '\t'))
			*sys = 1;
	return 1;
}

uint64_t
code_bytes(const char *text, size_t len)
{
	const char	*p = text, *e = text + len, *nl;
	uint64_t	 n = 0;
	size_t		 ll;
	int		 sys = 0, s;

	while (p < e) {
		nl = memchr(p, '\n', (size_t)(e - p));
		ll = nl != NULL ? (size_t)(nl - p) : (size_t)(e - p);
		if (marker(p, ll, &s))
			sys = s;
		else if (!sys)
			n += ll + (nl != NULL);
		p += ll + (nl != NULL);
	}
	return n;
}
