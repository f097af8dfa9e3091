/*
 * tmpdir.h - a fresh directory under /tmp for one test, and its removal,
 * for the suites that touch the filesystem.  Header-only: test files
 * include the .c under test, then this.
 */
#ifndef CCPOOL_TEST_TMPDIR_H
#define CCPOOL_TEST_TMPDIR_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/CUnit.h>

/* Make /tmp/ccpool-test-NAME.XXXXXX into dir (len bytes); fatal if not. */
static inline void
tmpdir_make(char *dir, size_t len, const char *name)
{
	snprintf(dir, len, "/tmp/ccpool-test-%s.XXXXXX", name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
}

/* Remove dir and everything in it. */
static inline void
tmpdir_remove(const char *dir)
{
	char	 cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

#endif
