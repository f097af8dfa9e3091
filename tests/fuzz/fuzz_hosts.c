/*
 * fuzz_hosts.c - fuzz harness for the CCPOOL_HOSTS parser (hostspec.c).
 *
 * The input, cut at its first NUL, is parsed.  A refusal must come with a
 * terminated, escaped reason.  Whatever is accepted must be sane (no
 * empty host, a port, slots in range, no byte outside the allowed sets)
 * and must print back to a list that parses to the very same entries;
 * any violation aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/hostspec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hostspec a[HOSTSPEC_MAX], b[HOSTSPEC_MAX];
	static char	 s[8192], again[HOSTSPEC_MAX * (HOSTSPEC_NAME_MAX + 16)];
	char		 err[128];
	size_t		 i, used = 0;
	int		 n, m;

	if (size >= sizeof(s))
		size = sizeof(s) - 1;
	memcpy(s, data, size);
	s[size] = '\0';
	memset(err, 'x', sizeof(err));
	n = hostspec_parse(s, a, HOSTSPEC_MAX, err, sizeof(err));
	if (n == -1) {
		if (memchr(err, '\0', sizeof(err)) == NULL)
			abort();
		for (i = 0; err[i] != '\0'; i++)
			if ((unsigned char)err[i] < 0x20 ||
			    (unsigned char)err[i] > 0x7e)
				abort();	/* unescaped bytes in reason */
		return 0;
	}
	if (n < 0 || n > HOSTSPEC_MAX)
		abort();
	again[0] = '\0';
	for (i = 0; i < (size_t)n; i++) {
		const char *h = a[i].host;

		if (h[0] == '\0' || a[i].port == 0 ||
		    a[i].slots > HOSTSPEC_SLOTS_MAX ||
		    strlen(h) >= HOSTSPEC_NAME_MAX ||
		    strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789-._:%") != strlen(h))
			abort();
		used += (size_t)snprintf(again + used, sizeof(again) - used,
		    strchr(h, ':') ? "[%s]:%u" : "%s:%u", h, a[i].port);
		if (a[i].slots)
			used += (size_t)snprintf(again + used,
			    sizeof(again) - used, "/%u", a[i].slots);
		used += (size_t)snprintf(again + used, sizeof(again) - used,
		    " ");
		if (used >= sizeof(again))
			abort();
	}
	m = hostspec_parse(again, b, HOSTSPEC_MAX, err, sizeof(err));
	if (m != n || memcmp(a, b, (size_t)n * sizeof(a[0])) != 0)
		abort();
	return 0;
}
