/*
 * fuzz_txt.c - fuzz harness for the TXT record decoders (disc_txt.c).
 *
 * Every input goes through both decoders.  Whatever one accepts must
 * encode (the encoder checks what the decoder checked), decode again to
 * the very same struct, and encode again to the very same bytes; any
 * violation aborts.  Runs under libFuzzer (make fuzz) or
 * tests/fuzz/standalone.c (make check).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "discovery/disc_txt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

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
