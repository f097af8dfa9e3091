/*
 * fuzz_cert.c - fuzz harness for what ccpool reads out of a peer's
 * certificate (common/ident.c): the key fingerprint, the name (CN) and
 * the groups (OU entries) that site policy and the logs use.
 *
 * The input is DER.  Whatever OpenSSL accepts must give a well-formed
 * fingerprint (or a clean failure), a terminated name and at most
 * IDENT_GROUPS_MAX terminated, non-empty groups without a NUL inside;
 * any violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "common/ident.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 fp[IDENT_FP_LEN], cn[IDENT_NAME_MAX];
	char		 groups[IDENT_GROUPS_MAX][IDENT_NAME_MAX];
	const uint8_t	*p = data;
	X509		*x;
	size_t		 n, i;

	if (size > 65536 || (x = d2i_X509(NULL, &p, (long)size)) == NULL)
		return 0;
	if (ident_fp(x, fp) == 0 && !ident_fp_valid(fp))
		abort();
	memset(cn, 'x', sizeof(cn));
	ident_cn(x, cn);
	if (memchr(cn, '\0', sizeof(cn)) == NULL)
		abort();
	memset(groups, 'x', sizeof(groups));
	if ((n = ident_groups(x, groups)) > IDENT_GROUPS_MAX)
		abort();
	for (i = 0; i < n; i++)
		if (memchr(groups[i], '\0', IDENT_NAME_MAX) == NULL ||
		    groups[i][0] == '\0')
			abort();
	X509_free(x);
	return 0;
}
