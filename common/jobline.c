/*
 * jobline.c - one job of the agent's JOBS answer as a line: write it,
 * escape its names, read it back; see jobline.h.  The reader takes the
 * agent's bytes as untrusted (a library reads them): every field is
 * checked for its syntax and range, nothing is assumed of the writer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/jobline.h"
#include "common/log.h"

#define NFIELDS	9

static const char *const phases[JOBLINE_NPHASES] = {
	"wait", "cpp", "send", "compile", "receive", "local", "done", "failed"
};

const char *
jobline_phase_name(enum jobline_phase p)
{
	if ((unsigned)p >= JOBLINE_NPHASES)
		return "unknown";
	return phases[p];
}

int
jobline_format(const struct jobline *l, char *buf, size_t len)
{
	int	 n;

	n = snprintf(buf, len, "%" PRIu64 "\t%s\t%" PRId64 "\t%" PRId64 "\t%"
	    PRId64 "\t%" PRId64 "\t%d\t%s\t%s", l->id,
	    jobline_phase_name(l->phase), l->start_ms, l->end_ms,
	    l->bytes_out, l->bytes_in, l->status, l->host, l->file);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return n;
}

void
jobline_escape(char *dst, size_t dstlen, const char *src)
{
	size_t	 n = strlen(src), from, len, k;
	char	 tmp[JOBLINE_MAX + 8];

	if (dstlen < 8)
		return;
	/* at most the last 255 bytes matter: escaped, 4 chars each */
	from = n > 255 ? n - 255 : 0;
	log_escape(tmp, sizeof(tmp), src + from, n - from);
	len = strlen(tmp);
	if (from == 0 && len < dstlen) {
		memcpy(dst, tmp, len + 1);
		return;
	}
	/* keep the end, never half an escape ("\xNN": a '\\' starts one) */
	from = len > dstlen - 4 ? len - (dstlen - 4) : 0;
	for (k = 1; k <= 3 && k <= from; k++)
		if (tmp[from - k] == '\\') {
			from = from - k + 4;
			break;
		}
	snprintf(dst, dstlen, "...%s", tmp + from);
}

/* A decimal integer in [min, max], the whole of s (NUL-terminated). */
static int
num(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char		*end;
	long long	 v;

	if (s[0] == '\0' || (s[0] != '-' && (s[0] < '0' || s[0] > '9')))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
unum(const char *s, uint64_t *out)
{
	char			*end;
	unsigned long long	 v;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* Split line (NUL-terminated, modified) at tabs into exactly NFIELDS. */
static int
split(char *line, char *f[NFIELDS])
{
	size_t	 n = 0;
	char	*p = line;

	for (;;) {
		if (n == NFIELDS)
			return -1;
		f[n++] = p;
		if ((p = strchr(p, '\t')) == NULL)
			break;
		*p++ = '\0';
	}
	return n == NFIELDS ? 0 : -1;
}

static int
name_field(const char *s, char *dst, size_t dstlen)
{
	size_t	 n = strlen(s);

	if (n >= dstlen)
		return -1;
	memcpy(dst, s, n + 1);
	return 0;
}

int
jobline_parse(const char *buf, size_t len, struct jobline *l, char *err,
    size_t errlen)
{
	char		 line[JOBLINE_MAX + 1], *f[NFIELDS];
	int64_t		 st;
	size_t		 i;
	int		 p;

	memset(l, 0, sizeof(*l));
	if (len > JOBLINE_MAX) {
		err_set(err, errlen, "job line of %zu bytes", len);
		return -1;
	}
	for (i = 0; i < len; i++)
		if (((unsigned char)buf[i] < 0x20 && buf[i] != '\t') ||
		    (unsigned char)buf[i] >= 0x7f) {
			err_set(err, errlen, "job line: byte 0x%02x",
			    (unsigned char)buf[i]);
			return -1;
		}
	memcpy(line, buf, len);
	line[len] = '\0';
	if (split(line, f) == -1) {
		err_set(err, errlen, "job line: not %d fields", NFIELDS);
		return -1;
	}
	for (p = 0; p < JOBLINE_NPHASES; p++)
		if (strcmp(f[1], phases[p]) == 0)
			break;
	if (p == JOBLINE_NPHASES) {
		err_set(err, errlen, "job line: unknown phase");
		return -1;
	}
	l->phase = (enum jobline_phase)p;
	if (unum(f[0], &l->id) == -1 ||
	    num(f[2], 0, INT64_MAX, &l->start_ms) == -1 ||
	    num(f[3], -1, INT64_MAX, &l->end_ms) == -1 ||
	    num(f[4], 0, INT64_MAX, &l->bytes_out) == -1 ||
	    num(f[5], 0, INT64_MAX, &l->bytes_in) == -1 ||
	    num(f[6], -1, 255, &st) == -1) {
		err_set(err, errlen, "job line: bad number");
		return -1;
	}
	l->status = (int)st;
	if (name_field(f[7], l->host, sizeof(l->host)) == -1 ||
	    name_field(f[8], l->file, sizeof(l->file)) == -1) {
		err_set(err, errlen, "job line: name too long");
		return -1;
	}
	return 0;
}
