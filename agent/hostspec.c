/*
 * hostspec.c - CCPOOL_HOSTS parser.  See hostspec.h.  Each entry is cut
 * out of the string first, then split into host, port and slots from the
 * right; host names are checked against the DNS character set, bracketed
 * or bare IPv6 addresses against hex digits, dots, colons and a %scope.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "agent/hostspec.h"
#include "common/log.h"

static int
is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',';
}

/* Parse 1..max decimal digits of [s, s+len).  Returns -1 if invalid. */
static long
number(const char *s, size_t len, long max)
{
	long	 v = 0;
	size_t	 i;

	if (len == 0 || len > 6)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v > max ? -1 : v;
}

/* A DNS name or IPv4 literal: letters, digits, '-', '.', '_'. */
static int
valid_name(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len >= HOSTSPEC_NAME_MAX || s[0] == '-' ||
	    s[0] == '.')
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		    s[i] == '.' || s[i] == '_'))
			return 0;
	return 1;
}

/* An IPv6 literal with an optional %scope (interface name). */
static int
valid_v6(const char *s, size_t len)
{
	size_t	 i, colons = 0;
	int	 scope = 0;

	if (len < 2 || len >= HOSTSPEC_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		if (scope) {
			if (!((s[i] >= 'a' && s[i] <= 'z') ||
			    (s[i] >= 'A' && s[i] <= 'Z') ||
			    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
			    s[i] == '.' || s[i] == '_'))
				return 0;
		} else if (s[i] == '%') {
			if (i == 0 || i + 1 == len)
				return 0;
			scope = 1;
		} else if (s[i] == ':')
			colons++;
		else if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F') || s[i] == '.'))
			return 0;
	}
	return colons >= 2;
}

/* Parse one entry [e, e+len) into *h. */
/*
 * The "/slots" suffix of entry e (*len bytes), if any: h->slots set and
 * *len cut before the slash.  Returns 0, or -1 with err set.
 */
static int
parse_slots(const char *e, size_t *len, struct hostspec *h, const char *esc,
    char *err, size_t errlen)
{
	const char	*slash;
	long		 v;

	if ((slash = memchr(e, '/', *len)) == NULL)
		return 0;
	v = number(slash + 1, *len - (size_t)(slash - e) - 1,
	    HOSTSPEC_SLOTS_MAX);
	if (v < 1) {
		snprintf(err, errlen, "%s: bad slot count (1-%d)", esc,
		    HOSTSPEC_SLOTS_MAX);
		return -1;
	}
	h->slots = (unsigned)v;
	*len = (size_t)(slash - e);
	return 0;
}

static int
parse_entry(const char *e, size_t len, struct hostspec *h, char *err,
    size_t errlen)
{
	char		 esc[64];
	const char	*host, *colon;
	size_t		 hostlen, i;
	long		 v;

	memset(h, 0, sizeof(*h));
	h->port = HOSTSPEC_PORT;
	log_escape(esc, sizeof(esc), e, len);
	if (len >= sizeof(HOSTSPEC_DISTCC) - 1 && strncasecmp(e,
	    HOSTSPEC_DISTCC, sizeof(HOSTSPEC_DISTCC) - 1) == 0) {
		h->distcc = 1;
		h->port = HOSTSPEC_DISTCC_PORT;
		e += sizeof(HOSTSPEC_DISTCC) - 1;
		len -= sizeof(HOSTSPEC_DISTCC) - 1;
	}

	if (parse_slots(e, &len, h, esc, err, errlen) == -1)
		return -1;
	host = e;
	hostlen = len;
	if (len > 0 && e[0] == '[') {
		const char *close = memchr(e, ']', len);

		if (close == NULL) {
			snprintf(err, errlen, "%s: missing ]", esc);
			return -1;
		}
		host = e + 1;
		hostlen = (size_t)(close - e) - 1;
		if (!valid_v6(host, hostlen)) {
			snprintf(err, errlen, "%s: bad IPv6 address", esc);
			return -1;
		}
		if ((size_t)(close - e) + 1 < len) {
			if (close[1] != ':') {
				snprintf(err, errlen, "%s: junk after ]", esc);
				return -1;
			}
			colon = close + 1;
			goto port;
		}
		goto done;
	}
	/* several colons and no brackets: a bare IPv6 address, no port */
	for (i = 0, colon = NULL; i < len; i++)
		if (e[i] == ':') {
			if (colon != NULL) {
				if (!valid_v6(e, len)) {
					snprintf(err, errlen, "%s: bad IPv6 "
					    "address", esc);
					return -1;
				}
				goto done;
			}
			colon = e + i;
		}
	if (colon != NULL)
		hostlen = (size_t)(colon - e);
	if (!valid_name(host, hostlen)) {
		snprintf(err, errlen, "%s: bad host name", esc);
		return -1;
	}
	if (colon == NULL)
		goto done;
port:
	v = number(colon + 1, len - (size_t)(colon - e) - 1, 65535);
	if (v < 1) {
		snprintf(err, errlen, "%s: bad port", esc);
		return -1;
	}
	h->port = (uint16_t)v;
done:
	memcpy(h->host, host, hostlen);
	h->host[hostlen] = '\0';
	return 0;
}

int
hostspec_parse(const char *s, struct hostspec *hs, size_t max, char *err,
    size_t errlen)
{
	size_t	 n = 0, len, i;

	if (s == NULL)
		return 0;
	for (;;) {
		while (is_sep(*s))
			s++;
		if (*s == '\0')
			break;
		for (len = 0; s[len] != '\0' && !is_sep(s[len]); len++)
			;
		if (n == max) {
			snprintf(err, errlen, "more than %zu hosts", max);
			return -1;
		}
		if (parse_entry(s, len, &hs[n], err, errlen) == -1)
			return -1;
		for (i = 0; i < n; i++)
			if (hs[i].port == hs[n].port &&
			    strcasecmp(hs[i].host, hs[n].host) == 0) {
				snprintf(err, errlen, "%s:%u listed twice",
				    hs[n].host, hs[n].port);
				return -1;
			}
		n++;
		s += len;
	}
	return (int)n;
}
