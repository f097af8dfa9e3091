/*
 * test_code.c - the wrapper's count of a preprocessed text's code bytes
 * (client/code.c): gcc's and clang's line markers, system headers and
 * pseudo-files left out, `#line`, and text that only looks like a marker
 * (no quoted name, an unterminated name, no newline at the end).
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "client/code.c"

static uint64_t
count(const char *s)
{
	return code_bytes(s, strlen(s));
}

/* gcc -E of a file that includes a system header and a header of its own */
static void
test_gcc(void)
{
	const char *t =
	    "# 0 \"x.c\"\n"
	    "# 0 \"<built-in>\"\n"
	    "# 0 \"<command-line>\"\n"
	    "# 1 \"/usr/include/stdc-predef.h\" 1 3 4\n"
	    "# 0 \"<command-line>\" 2\n"
	    "# 1 \"x.c\"\n"
	    "# 1 \"/usr/include/stdio.h\" 1 3 4\n"
	    "extern int printf(const char *, ...);\n"	/* system: 0 */
	    "# 2 \"x.c\" 2\n"
	    "# 1 \"x.h\" 1\n"
	    "int h(void);\n"				/* 13 */
	    "# 3 \"x.c\" 2\n"
	    "int main(void) { return h(); }\n";		/* 31 */

	CU_ASSERT_EQUAL(count(t), 13 + 31);
}

static void
test_forms(void)
{
	/* text before any marker counts; #line and tabs are markers */
	CU_ASSERT_EQUAL(count("int a;\n"), 7);
	CU_ASSERT_EQUAL(count("#line 7 \"/usr/x.h\" 3\nint a;\n"), 0);
	CU_ASSERT_EQUAL(count("#\t7\t\"s.h\"\t1\t3\t4\nint a;\n#\t8 \"x.c\"\nb;\n"),
	    3);
	/* flags: only a 3 of its own marks a system header */
	CU_ASSERT_EQUAL(count("# 1 \"x.h\" 1 33\nint a;\n"), 7);
	CU_ASSERT_EQUAL(count("# 1 \"x.h\" 13\nint a;\n"), 7);
	/* a quote escaped in the name; flags after it */
	CU_ASSERT_EQUAL(count("# 1 \"a\\\"b 3\" 3\nint a;\n"), 0);
	CU_ASSERT_EQUAL(count("# 1 \"a\\\"b 3\"\nint a;\n"), 7);
	/* the last line without a newline */
	CU_ASSERT_EQUAL(count("# 1 \"x.c\"\nint a;"), 6);
	CU_ASSERT_EQUAL(count(""), 0);
}

/* what only looks like a marker is text, and the state stays */
static void
test_malformed(void)
{
	const char *bad[] = {
		"#\n", "# \n", "#x 1 \"a\"\n", "# 1\n", "# 1 a.h\n",
		"# 1 \"unterminated 3\n", "#line\n", "#pragma once\n",
		"# 1 \"x\\\"\n",
	};
	size_t	 i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char	 t[128];

		/* in a system header: not counted, and still in it after */
		n = (size_t)snprintf(t, sizeof(t), "# 1 \"s.h\" 3\n%sx;\n",
		    bad[i]);
		CU_ASSERT_EQUAL(code_bytes(t, n), 0);
		/* in code: counted as text */
		CU_ASSERT_EQUAL(count(bad[i]), strlen(bad[i]));
	}
	/* NUL bytes are text */
	CU_ASSERT_EQUAL(code_bytes("a\0b\n# 1 \"<x>\"\nc\n", 17), 4);
}

int
init_code_tests(void)
{
	CU_pSuite s = CU_add_suite("code", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "gcc -E", test_gcc) ||
	    !CU_add_test(s, "marker forms", test_forms) ||
	    !CU_add_test(s, "malformed markers", test_malformed))
		return -1;
	return 0;
}
