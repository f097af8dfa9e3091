/*
 * fuzz_code.c - fuzz harness for the wrapper's count of code bytes
 * (client/code.c), over any bytes: the count never exceeds the input,
 * and a text without a '#' (no marker) is all code.  Any violation
 * aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/code.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*t = (const char *)data;
	uint64_t	 n = code_bytes(t, size);

	if (n > size)
		abort();
	/* a text with no '#' at all is all code */
	if (memchr(t, '#', size) == NULL && n != size)
		abort();
	return 0;
}
