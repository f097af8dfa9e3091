/*
 * standalone.c - a driver for LLVMFuzzerTestOneInput harnesses without
 * libFuzzer, so every harness builds and runs in a plain `make check`.
 *
 * Usage: fuzz_X [-n count] [file...]
 * Runs each file once, then `count` inputs made by mutating the files
 * (bit flips, truncation, splices, random bytes) with a fixed seed, so a
 * failure is reproducible.  `make fuzz` runs the same harness under
 * libFuzzer instead.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAXIN	(64 * 1024)

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

int
main(int argc, char *argv[])
{
	static uint8_t	 seeds[64][MAXIN];
	static size_t	 seedlen[64];
	static uint8_t	 buf[MAXIN];
	unsigned long	 count = 0, i;
	int		 nseeds = 0, a = 1;

	if (argc > 2 && strcmp(argv[1], "-n") == 0) {
		count = strtoul(argv[2], NULL, 10);
		a = 3;
	}
	for (; a < argc; a++) {
		FILE	*f = fopen(argv[a], "rb");
		size_t	 n;

		if (f == NULL) {
			perror(argv[a]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
		if (nseeds < 64) {
			memcpy(seeds[nseeds], buf, n);
			seedlen[nseeds++] = n;
		}
	}
	for (i = 0; i < count; i++) {
		size_t	 len, j, k;
		int	 s;

		if (nseeds == 0) {
			len = rnd() % 512;
			for (j = 0; j < len; j++)
				buf[j] = (uint8_t)rnd();
			LLVMFuzzerTestOneInput(buf, len);
			continue;
		}
		s = (int)(rnd() % (uint32_t)nseeds);
		len = seedlen[s];
		memcpy(buf, seeds[s], len);
		for (k = 1 + rnd() % 4; k > 0; k--) {
			switch (rnd() % 5) {
			case 0:	/* flip a bit */
				if (len)
					buf[rnd() % len] ^= (uint8_t)(1u << (rnd() % 8));
				break;
			case 1:	/* random byte */
				if (len)
					buf[rnd() % len] = (uint8_t)rnd();
				break;
			case 2:	/* truncate */
				if (len)
					len = rnd() % len;
				break;
			case 3:	/* splice another seed's tail */
				j = seedlen[rnd() % (uint32_t)nseeds];
				if (len < MAXIN / 2 && j < MAXIN / 2) {
					int o = (int)(rnd() % (uint32_t)nseeds);
					size_t at = len ? rnd() % len : 0;
					memcpy(buf + at, seeds[o], seedlen[o]);
					len = at + seedlen[o];
				}
				break;
			default: /* interesting values */
				if (len) {
					static const uint8_t v[] = { 0, 0xff,
					    0x7f, 0x80, '=', ',', 0xc0 };
					buf[rnd() % len] = v[rnd() % sizeof(v)];
				}
				break;
			}
		}
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("%d seeds, %lu generated inputs: no crash\n", nseeds, count);
	return 0;
}
