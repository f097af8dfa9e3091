/*
 * fuzz_http.c - fuzz harness for the status page's request parser
 * (server/httpd.c, httpd_parse).
 *
 * The input is what a client sends.  The parser must never read past it
 * or HTTPD_HEAD_MAX; an accepted head must be a prefix of the input that
 * ends with an empty line, with a path that starts with '/' and holds
 * printable ASCII only; a refusal must carry one of the statuses the
 * contract names; a head that is not complete must be shorter than
 * HTTPD_HEAD_MAX; and parsing the same bytes again gives the same answer.
 * Any violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/httpd.c"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct httpd_req r, r2;
	char		 err[128], *copy;
	ssize_t		 n, n2;
	int		 st, st2;
	size_t		 i;

	/* an exact-size copy: ASan sees a read past the input */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	n = httpd_parse(copy, size, &r, &st, err, sizeof(err));
	n2 = httpd_parse(copy, size, &r2, &st2, err, sizeof(err));
	if (n != n2 || (n == -1 && st != st2))
		abort();
	if (n > 0) {
		if ((size_t)n > size || (size_t)n > HTTPD_HEAD_MAX ||
		    copy[n - 1] != '\n' || r.path[0] != '/' ||
		    strlen(r.path) >= HTTPD_PATH_MAX ||
		    memcmp(&r, &r2, sizeof(r)) != 0)
			abort();
		for (i = 0; r.path[i] != '\0'; i++)
			if ((unsigned char)r.path[i] <= 0x20 ||
			    (unsigned char)r.path[i] >= 0x7f)
				abort();
	} else if (n == 0) {
		if (size >= HTTPD_HEAD_MAX)
			abort();
	} else if (st != 400 && st != 405 && st != 414 && st != 431 &&
	    st != 505)
		abort();
	free(copy);
	return 0;
}
