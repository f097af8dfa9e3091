/*
 * test_calib.c - the calibration compile's pieces (server/calib.c): the
 * generated source is the same bytes every time and on every machine
 * (its length and hash are pinned: a change makes the speeds of two
 * versions incomparable, so it must be deliberate), of the stated size,
 * plain preprocessed C that the system's compiler accepts without a
 * warning; the toolchain picked (gcc first, else the first C compiler);
 * the rate and the contention counted.
 */
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "server/calib.c"
#include "tests/unit/tmpdir.h"

/* What calib_source() makes today; see the comment at the top. */
#define PIN_LEN		328773
#define PIN_FNV		0xb243296e69a0fabcull

static uint64_t
fnv1a(const uint8_t *p, size_t n)
{
	uint64_t	 h = 0xcbf29ce484222325ull;

	while (n-- > 0)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

static void
test_source(void)
{
	struct proto_buf a, b;
	size_t		 i;

	proto_buf_init(&a);
	proto_buf_init(&b);
	CU_ASSERT_EQUAL_FATAL(calib_source(&a), 0);
	/* appended after what the buffer held, the same bytes */
	CU_ASSERT_EQUAL_FATAL(proto_buf_append(&b, "x", 1), 0);
	CU_ASSERT_EQUAL_FATAL(calib_source(&b), 0);
	CU_ASSERT_EQUAL_FATAL(b.len, a.len + 1);
	CU_ASSERT(memcmp(a.data, b.data + 1, a.len) == 0);
	/* the stated size */
	CU_ASSERT(a.len >= CALIB_SRC_BYTES);
	CU_ASSERT(a.len < CALIB_SRC_BYTES + CALIB_STEP_MAX);
	/* plain text, as a preprocessor leaves it */
	for (i = 0; i < a.len; i++)
		if (a.data[i] != '\n' && a.data[i] != '\t' &&
		    (a.data[i] < ' ' || a.data[i] > '~'))
			break;
	CU_ASSERT_EQUAL(i, a.len);
	CU_ASSERT_PTR_NULL(memmem(a.data, a.len, "#include", 8));
	CU_ASSERT_PTR_NULL(memmem(a.data, a.len, "#define", 7));
	CU_ASSERT_PTR_NOT_NULL(memmem(a.data, a.len, "\ncalib_f0(", 10));
	/* pinned */
	CU_ASSERT_EQUAL(a.len, PIN_LEN);
	CU_ASSERT_EQUAL(fnv1a(a.data, a.len), PIN_FNV);
	if (a.len != PIN_LEN || fnv1a(a.data, a.len) != PIN_FNV)
		fprintf(stderr, "calib_source: %zu bytes, FNV-1a 0x%llxull\n",
		    a.len, (unsigned long long)fnv1a(a.data, a.len));
	proto_buf_free(&a);
	proto_buf_free(&b);
}

/* The system's compiler takes the source as preprocessed C, cleanly. */
static void
test_source_compiles(void)
{
	struct proto_buf s;
	char		 dir[PATH_MAX], path[PATH_MAX + 16];
	char		 cmd[3 * PATH_MAX];
	FILE		*f;
	int		 st;

	if (system("command -v cc >/dev/null 2>&1") != 0) {
		fprintf(stderr, "SKIP: no cc to compile the source\n");
		return;
	}
	proto_buf_init(&s);
	CU_ASSERT_EQUAL_FATAL(calib_source(&s), 0);
	tmpdir_make(dir, sizeof(dir), "calib");
	snprintf(path, sizeof(path), "%s/calib.i", dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f = fopen(path, "w"));
	CU_ASSERT_EQUAL(fwrite(s.data, 1, s.len, f), s.len);
	CU_ASSERT_EQUAL(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "cc -std=c99 -pedantic-errors -Wall "
	    "-Werror -fsyntax-only -x cpp-output '%s'", path);
	st = system(cmd);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	tmpdir_remove(dir);
	proto_buf_free(&s);
}

/* A toolchain for calib_pick(). */
static void
tc_set(struct rtc *t, const char *name, int clang, unsigned langs)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->id, sizeof(t->id), "%s-id", name);
	snprintf(t->name, sizeof(t->name), "%s 12.2.0 x86_64-linux-gnu",
	    name);
	t->clang = clang;
	t->langs = langs;
}

static void
test_pick(void)
{
	struct rtc	 tc[5];

	memset(tc, 0, sizeof(tc));
	CU_ASSERT_PTR_NULL(calib_pick(tc, 0));
	tc_set(&tc[0], "clang++", 1, TC_LANG_CXX);
	tc_set(&tc[1], "clang", 1, TC_LANG_C | TC_LANG_OBJC);
	tc_set(&tc[2], "g++", 0, TC_LANG_CXX);
	tc_set(&tc[3], "g++", 0, TC_LANG_C | TC_LANG_CXX);
	tc_set(&tc[4], "gcc", 0, TC_LANG_C | TC_LANG_OBJC);
	/* gcc first, though a g++ that compiles C comes before it */
	CU_ASSERT_PTR_EQUAL(calib_pick(tc, 5), &tc[4]);
	/* else the gcc family's other driver that compiles C */
	CU_ASSERT_PTR_EQUAL(calib_pick(tc, 4), &tc[3]);
	/* else the first that compiles C */
	CU_ASSERT_PTR_EQUAL(calib_pick(tc, 3), &tc[1]);
	/* none compiles C */
	CU_ASSERT_PTR_NULL(calib_pick(tc, 1));
	tc[4].langs = TC_LANG_CXX;
	tc[3].langs = TC_LANG_CXX;
	CU_ASSERT_PTR_EQUAL(calib_pick(tc, 5), &tc[1]);
}

static void
test_arith(void)
{
	/* 320 KiB in 200 ms */
	CU_ASSERT_EQUAL(calib_rate(320 * 1024, 200), 1600);
	CU_ASSERT_EQUAL(calib_rate(320 * 1024, 0), 0);
	CU_ASSERT_EQUAL(calib_rate(1024, 3), 333);
	CU_ASSERT_EQUAL(calib_rate(UINT64_MAX, 1), UINT32_MAX);
	/* itself, and the most jobs that ran beside it */
	CU_ASSERT_EQUAL(calib_running(0, 0), 1);
	CU_ASSERT_EQUAL(calib_running(2, 1), 3);
	CU_ASSERT_EQUAL(calib_running(1, 4), 5);
	CU_ASSERT_EQUAL(calib_running(UINT32_MAX, 0), UINT32_MAX);
}

int
init_calib_tests(void)
{
	CU_pSuite s = CU_add_suite("calib", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "source: fixed, sized, plain C", test_source) ||
	    !CU_add_test(s, "source compiles", test_source_compiles) ||
	    !CU_add_test(s, "toolchain picked", test_pick) ||
	    !CU_add_test(s, "rate and contention", test_arith))
		return -1;
	return 0;
}
