/*
 * say.c - the job's verbose lines (see say.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "client/masq.h"
#include "client/say.h"

/*
 * For the job's verbose line: how long it waited for a preprocessing
 * slot (remote.c), said with the place.
 */
static uint64_t	pp_wait_ms;

void
say_line(const struct wrap_ctx *w, const char *fmt, ...)
{
	char	 msg[1024];
	va_list	 ap;

	if (!w->verbose)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "ccpool: %s\n", msg);
}

void
say_pp_waited(uint64_t ms)
{
	pp_wait_ms = ms;
}

const char *
say_pp_note(char *buf, size_t len)
{
	buf[0] = '\0';
	if (pp_wait_ms > 0)
		snprintf(buf, len, ", %llu ms waiting for a preprocessing slot",
		    (unsigned long long)pp_wait_ms);
	return buf;
}

const char *
say_job_name(const struct wrap_ctx *w)
{
	const char	*dot;
	int		 i;

	if (w->src != NULL)
		return w->src;
	for (i = w->argc - 1; i > 0; i--) {
		if (strcmp(w->argv[i - 1], "-o") == 0)
			return w->argv[i];
		if (strncmp(w->argv[i], "-o", 2) == 0 && w->argv[i][2] != '\0')
			return w->argv[i] + 2;
	}
	for (i = 1; i < w->argc; i++)
		if (w->argv[i][0] != '-' && (dot = strrchr(w->argv[i], '.')) !=
		    NULL && strchr("chimsCHS", dot[1]) != NULL)
			return w->argv[i];
	return masq_basename(w->argv[0]);
}
