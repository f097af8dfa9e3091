/*
 * fuzz_txt.c - fuzz harness for the TXT record decoders (disc_txt.c).
 *
 * Every input goes through both decoders.  Whatever one accepts must
 * encode (the encoder checks what the decoder checked), decode again to
 * the very same struct, and encode again to the very same bytes; the
 * toolchain ids it accepts are read back into the names people see
 * (tc_name, lsdistcc and the logs), which must be terminated, fit
 * TC_NAME_MAX and hold only the id charset and spaces; any
 * violation aborts.  Runs under libFuzzer (make fuzz) or
 * tests/fuzz/standalone.c (make check).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/toolchain.h"
#include "discovery/disc_txt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Every id's name, beside every other id as lsdistcc shows them. */
static void
names(const struct disc_info *a)
{
	char		 name[TC_NAME_MAX];
	unsigned	 i, k;
	size_t		 n;
	int		 d, dmax;

	for (i = 0; i < a->ntc; i++) {
		dmax = 0;
		for (k = 0; k < a->ntc; k++)
			if ((d = tc_name_digits(a->tc[i], a->tc[k])) > dmax)
				dmax = d;
		memset(name, 'x', sizeof(name));
		tc_name(a->tc[i], dmax, name, sizeof(name));
		if (memchr(name, '\0', sizeof(name)) == NULL)
			abort();
		n = strlen(name);
		if (n == 0 || strspn(name, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-# ") != n)
			abort();
		/* two different ids never read the same */
		for (k = 0; k < i; k++) {
			char	 other[TC_NAME_MAX];
			int	 e = 0, dd;
			unsigned m;

			for (m = 0; m < a->ntc; m++)
				if ((dd = tc_name_digits(a->tc[k],
				    a->tc[m])) > e)
					e = dd;
			tc_name(a->tc[k], e, other, sizeof(other));
			if (strcmp(a->tc[i], a->tc[k]) != 0 &&
			    strcmp(name, other) == 0)
				abort();
		}
	}
}

static void
ccpool(const uint8_t *data, size_t size)
{
	struct disc_info a, b;
	uint8_t	 enc[DISC_TXT_MAX], enc2[DISC_TXT_MAX];
	char	 err[128];
	int	 n, n2;

	memset(err, 'x', sizeof(err));
	if (disc_txt_decode(data, size, &a, err, sizeof(err)) == -1) {
		if (memchr(err, '\0', sizeof(err)) == NULL)
			abort();	/* reason not terminated */
		return;
	}
	if ((n = disc_txt_encode(&a, enc, sizeof(enc), err, sizeof(err))) < 0)
		abort();
	if (disc_txt_decode(enc, (size_t)n, &b, err, sizeof(err)) == -1)
		abort();
	if (memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	if (disc_info_meaningful_change(&a, &b))
		abort();
	n2 = disc_txt_encode(&b, enc2, sizeof(enc2), err, sizeof(err));
	if (n2 != n || memcmp(enc, enc2, (size_t)n) != 0)
		abort();
	names(&a);
}

static void
distcc(const uint8_t *data, size_t size)
{
	struct disc_distcc_info a, b;
	uint8_t	 enc[DISC_TXT_MAX], enc2[DISC_TXT_MAX];
	char	 err[128];
	int	 n, n2;

	if (disc_txt_decode_distcc(data, size, &a, err, sizeof(err)) == -1)
		return;
	n = disc_txt_encode_distcc(&a, enc, sizeof(enc), err, sizeof(err));
	if (n < 0)
		abort();
	if (disc_txt_decode_distcc(enc, (size_t)n, &b, err, sizeof(err)) == -1)
		abort();
	if (memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	n2 = disc_txt_encode_distcc(&b, enc2, sizeof(enc2), err, sizeof(err));
	if (n2 != n || memcmp(enc, enc2, (size_t)n) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ccpool(data, size);
	distcc(data, size);
	return 0;
}
