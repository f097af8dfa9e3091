/*
 * test_sockdir.c - the agent's private directory: chosen under
 * XDG_RUNTIME_DIR or /tmp, created 0700, and refused when it is a
 * symlink, not a directory, someone else's or open to others.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "common/sockdir.c"
#include "tests/unit/tmpdir.h"

static char	 top[64];


static void
test_create_in_tmp(void)
{
	char		 dir[256], err[256], want[256];
	struct stat	 st;
	mode_t		 old;

	tmpdir_make(top, sizeof(top), "sockdir");
	old = umask(0277);	/* a hostile umask must not weaken or break it */
	CU_ASSERT_EQUAL(sockdir_prepare(NULL, top, getuid(), dir, sizeof(dir),
	    err, sizeof(err)), 0);
	umask(old);
	snprintf(want, sizeof(want), "%s/ccpool-%lu", top,
	    (unsigned long)getuid());
	CU_ASSERT_STRING_EQUAL(dir, want);
	CU_ASSERT_EQUAL_FATAL(lstat(dir, &st), 0);
	CU_ASSERT(S_ISDIR(st.st_mode));
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0700);
	/* a second call accepts the existing directory */
	CU_ASSERT_EQUAL(sockdir_prepare(NULL, top, getuid(), dir, sizeof(dir),
	    err, sizeof(err)), 0);
	/* someone else's directory is refused */
	CU_ASSERT_EQUAL(sockdir_check(dir, getuid() + 1, err, sizeof(err)),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "owned by"));
	/* open to others: refused, and not repaired behind our back */
	CU_ASSERT_EQUAL(chmod(dir, 0755), 0);
	CU_ASSERT_EQUAL(sockdir_prepare(NULL, top, getuid(), dir, sizeof(dir),
	    err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "0755"));
	CU_ASSERT_EQUAL(chmod(dir, 0711), 0);
	CU_ASSERT_EQUAL(sockdir_check(dir, getuid(), err, sizeof(err)), -1);
	tmpdir_remove(top);
}

static void
test_symlink_and_file_refused(void)
{
	char	 dir[256], err[256], real[256], name[256];

	tmpdir_make(top, sizeof(top), "sockdir");
	snprintf(real, sizeof(real), "%s/elsewhere", top);
	CU_ASSERT_EQUAL_FATAL(mkdir(real, 0700), 0);
	snprintf(name, sizeof(name), "%s/ccpool-%lu", top,
	    (unsigned long)getuid());
	CU_ASSERT_EQUAL_FATAL(symlink(real, name), 0);
	CU_ASSERT_EQUAL(sockdir_prepare(NULL, top, getuid(), dir, sizeof(dir),
	    err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "symlink"));
	CU_ASSERT_EQUAL(unlink(name), 0);
	/* a plain file in its place */
	{
		FILE *f = fopen(name, "w");

		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fclose(f);
		CU_ASSERT_EQUAL(chmod(name, 0700), 0);
	}
	CU_ASSERT_EQUAL(sockdir_prepare(NULL, top, getuid(), dir, sizeof(dir),
	    err, sizeof(err)), -1);
	tmpdir_remove(top);
}

static void
test_xdg(void)
{
	char	 dir[256], err[256], want[300], xdg[200];

	tmpdir_make(top, sizeof(top), "sockdir");
	snprintf(xdg, sizeof(xdg), "%s/run", top);
	CU_ASSERT_EQUAL_FATAL(mkdir(xdg, 0700), 0);
	CU_ASSERT_EQUAL(sockdir_prepare(xdg, top, getuid(), dir, sizeof(dir),
	    err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s/ccpool", xdg);
	CU_ASSERT_STRING_EQUAL(dir, want);
	/* not ours, relative, missing or empty: fall back to tmp */
	snprintf(want, sizeof(want), "%s/ccpool-%lu", top,
	    (unsigned long)(getuid() + 1));
	CU_ASSERT_EQUAL(sockdir_prepare(xdg, top, getuid() + 1, dir,
	    sizeof(dir), err, sizeof(err)), -1);	/* made, not ours */
	snprintf(want, sizeof(want), "%s/ccpool-%lu", top,
	    (unsigned long)getuid());
	CU_ASSERT_EQUAL(sockdir_prepare("run", top, getuid(), dir,
	    sizeof(dir), err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(dir, want);
	CU_ASSERT_EQUAL(sockdir_prepare("", top, getuid(), dir,
	    sizeof(dir), err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(dir, want);
	CU_ASSERT_EQUAL(sockdir_prepare("/nonexistent/ccpool-test", top,
	    getuid(), dir, sizeof(dir), err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(dir, want);
	/* world-writable runtime dir: not trusted */
	CU_ASSERT_EQUAL(chmod(xdg, 0777), 0);
	CU_ASSERT_EQUAL(sockdir_prepare(xdg, top, getuid(), dir, sizeof(dir),
	    err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(dir, want);
	tmpdir_remove(top);
}

static void
test_too_long(void)
{
	char	 dir[512], err[256], tmp[200], j[16];

	memset(tmp, 'a', sizeof(tmp) - 1);
	tmp[0] = '/';
	tmp[sizeof(tmp) - 1] = '\0';
	CU_ASSERT_EQUAL(sockdir_prepare(NULL, tmp, getuid(), dir, sizeof(dir),
	    err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "too long"));
	CU_ASSERT_EQUAL(sockdir_join(j, sizeof(j), "/tmp/x", "agent.sock"),
	    -1);
	CU_ASSERT_EQUAL(sockdir_join(dir, sizeof(dir), "/tmp/x", "agent.sock"),
	    0);
	CU_ASSERT_STRING_EQUAL(dir, "/tmp/x/agent.sock");
}

int
init_sockdir_tests(void)
{
	CU_pSuite s = CU_add_suite("sockdir", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "create in tmp, check", test_create_in_tmp) ||
	    !CU_add_test(s, "symlink and file refused",
	    test_symlink_and_file_refused) ||
	    !CU_add_test(s, "XDG_RUNTIME_DIR", test_xdg) ||
	    !CU_add_test(s, "too long", test_too_long))
		return -1;
	return 0;
}
