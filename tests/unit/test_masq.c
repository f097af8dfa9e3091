/*
 * test_masq.c - the real compiler is found next in PATH and never ccpool
 * itself, with temporary directories of symlinks standing in for a
 * masquerade directory; the masquerade directory maker links compiler
 * names only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "client/masq.c"

static char	 top[64];
static char	 self[128];	/* stands in for /proc/self/exe */
static struct stat selfst;

static void
mkexe(const char *path, mode_t mode)
{
	FILE	*f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("#!/bin/sh\nexit 0\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(chmod(path, mode), 0);
}

static void
setup(void)
{
	char	 p[256];

	snprintf(top, sizeof(top), "/tmp/ccpool-test-masq.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(top));
	snprintf(self, sizeof(self), "%s/ccpool", top);
	mkexe(self, 0755);
	CU_ASSERT_EQUAL_FATAL(stat(self, &selfst), 0);
	/* m1, m2: masquerade dirs (symlinks to ccpool); real: compilers */
	snprintf(p, sizeof(p), "%s/m1", top);
	CU_ASSERT_EQUAL(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/m2", top);
	CU_ASSERT_EQUAL(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/real", top);
	CU_ASSERT_EQUAL(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/m1/gcc", top);
	CU_ASSERT_EQUAL(symlink(self, p), 0);
	snprintf(p, sizeof(p), "%s/m2/gcc", top);
	CU_ASSERT_EQUAL(symlink("../ccpool", p), 0);	/* relative link */
	snprintf(p, sizeof(p), "%s/real/gcc", top);
	mkexe(p, 0755);
	snprintf(p, sizeof(p), "%s/real/cc", top);
	mkexe(p, 0644);		/* not executable */
	snprintf(p, sizeof(p), "%s/real/clang", top);
	CU_ASSERT_EQUAL(mkdir(p, 0755), 0);	/* a directory */
	snprintf(p, sizeof(p), "%s/real/g++-12", top);
	mkexe(p, 0755);
	snprintf(p, sizeof(p), "%s/real/gcc-ar-12", top);
	mkexe(p, 0755);
	snprintf(p, sizeof(p), "%s/real/clang-format", top);
	mkexe(p, 0755);
	snprintf(p, sizeof(p), "%s/real/x86_64-linux-gnu-gcc-12", top);
	mkexe(p, 0755);
}

static void
teardown(void)
{
	char	 cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

static void
test_skip_self(void)
{
	char	 path[512], dst[256], want[256], err[256];

	setup();
	snprintf(path, sizeof(path), "%s/m1:%s/m2:%s/real:/nonexistent", top,
	    top, top);
	snprintf(want, sizeof(want), "%s/real/gcc", top);
	CU_ASSERT_EQUAL(masq_find("gcc", path, &selfst, dst, sizeof(dst), err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(dst, want);
	/* without the self check the first symlink wins */
	snprintf(want, sizeof(want), "%s/m1/gcc", top);
	CU_ASSERT_EQUAL(masq_find("gcc", path, NULL, dst, sizeof(dst), err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(dst, want);
	/* only ccpool in PATH: nothing found, never itself */
	snprintf(path, sizeof(path), "%s/m1:%s/m2", top, top);
	CU_ASSERT_EQUAL(masq_find("gcc", path, &selfst, dst, sizeof(dst), err,
	    sizeof(err)), -1);
	/* non-executable files and directories are skipped */
	snprintf(path, sizeof(path), "%s/real", top);
	CU_ASSERT_EQUAL(masq_find("cc", path, &selfst, dst, sizeof(dst), err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(masq_find("clang", path, &selfst, dst, sizeof(dst),
	    err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(masq_find("", path, &selfst, dst, sizeof(dst),
	    err, sizeof(err)), -1);
	teardown();
}

static void
test_explicit_path_and_relative(void)
{
	char	 path[512], dst[256], want[256], err[256], cwd[512], p[256];

	setup();
	snprintf(p, sizeof(p), "%s/m1/gcc", top);
	CU_ASSERT_EQUAL(masq_find(p, NULL, &selfst, dst, sizeof(dst), err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ccpool itself"));
	snprintf(p, sizeof(p), "%s/real/gcc", top);
	CU_ASSERT_EQUAL(masq_find(p, NULL, &selfst, dst, sizeof(dst), err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(dst, p);
	/* relative names and empty PATH entries are made absolute */
	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof(cwd)));
	CU_ASSERT_EQUAL_FATAL(chdir(top), 0);
	snprintf(want, sizeof(want), "%s/real/gcc", top);
	CU_ASSERT_EQUAL(masq_find("real/gcc", NULL, &selfst, dst, sizeof(dst),
	    err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(dst, want);
	snprintf(path, sizeof(path), "m1::real");
	CU_ASSERT_EQUAL(chdir("real"), 0);
	snprintf(path, sizeof(path), "../m1:");
	CU_ASSERT_EQUAL(masq_find("gcc", path, &selfst, dst, sizeof(dst), err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(dst, want);
	CU_ASSERT_EQUAL(chdir(cwd), 0);
	teardown();
}

static void
test_names(void)
{
	CU_ASSERT(masq_is_ccpool("ccpool"));
	CU_ASSERT(masq_is_ccpool("/usr/bin/ccpool"));
	CU_ASSERT(!masq_is_ccpool("/usr/lib/ccpool/gcc"));
	CU_ASSERT(!masq_is_ccpool("ccpool-x"));
	CU_ASSERT(!masq_is_ccpool(NULL));
	CU_ASSERT(compiler_name("gcc"));
	CU_ASSERT(compiler_name("clang++"));
	CU_ASSERT(compiler_name("gcc-12"));
	CU_ASSERT(compiler_name("clang-14"));
	CU_ASSERT(compiler_name("x86_64-linux-gnu-g++-12"));
	CU_ASSERT(compiler_name("aarch64-linux-gnu-gcc"));
	CU_ASSERT(!compiler_name("gcc-ar-12"));
	CU_ASSERT(!compiler_name("clang-format"));
	CU_ASSERT(!compiler_name("clang-14-foo"));
	CU_ASSERT(!compiler_name("gcc-"));
	CU_ASSERT(!compiler_name("ccpool"));
	CU_ASSERT(!compiler_name("x86_64-linux-gnu-ld"));
}

static void
test_make_dir(void)
{
	char	 path[512], dir[200], names[256], err[256], lnk[300],
		 tgt[256], dst[256];
	ssize_t	 n;
	int	 made;

	setup();
	snprintf(dir, sizeof(dir), "%s/masq", top);
	snprintf(path, sizeof(path), "%s:%s/m1:%s/real", dir, top, top);
	made = masq_make_dir(dir, path, self, &selfst, names, sizeof(names),
	    err, sizeof(err));
	CU_ASSERT_EQUAL(made, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(names, "gcc"));
	CU_ASSERT_PTR_NOT_NULL(strstr(names, "g++-12"));
	CU_ASSERT_PTR_NOT_NULL(strstr(names, "x86_64-linux-gnu-gcc-12"));
	CU_ASSERT_PTR_NULL(strstr(names, "gcc-ar"));
	CU_ASSERT_PTR_NULL(strstr(names, "clang"));
	snprintf(lnk, sizeof(lnk), "%s/gcc", dir);
	n = readlink(lnk, tgt, sizeof(tgt) - 1);
	CU_ASSERT_FATAL(n > 0);
	tgt[n] = '\0';
	CU_ASSERT_STRING_EQUAL(tgt, self);
	/* the new links are skipped: gcc is still the real one */
	snprintf(lnk, sizeof(lnk), "%s/real/gcc", top);
	CU_ASSERT_EQUAL(masq_find("gcc", path, &selfst, dst, sizeof(dst), err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(dst, lnk);
	/* running it again is harmless */
	CU_ASSERT(masq_make_dir(dir, path, self, &selfst, names,
	    sizeof(names), err, sizeof(err)) >= 0);
	teardown();
}

/* links for compilers gone, or not compilers, go; the rest stays */
static void
test_prune_dir(void)
{
	char	 path[512], dir[200], names[256], err[256], p[300];
	struct stat st;

	setup();
	snprintf(dir, sizeof(dir), "%s/masq", top);
	snprintf(path, sizeof(path), "%s:%s/real", dir, top);
	CU_ASSERT_EQUAL(masq_make_dir(dir, path, self, &selfst, names,
	    sizeof(names), err, sizeof(err)), 3);
	/* nothing gone yet */
	CU_ASSERT_EQUAL(masq_prune_dir(dir, path, &selfst, names,
	    sizeof(names), err, sizeof(err)), 0);
	/* g++-12 uninstalled; a stray link to ccpool; a foreign link and a
	 * real file that must stay */
	snprintf(p, sizeof(p), "%s/real/g++-12", top);
	CU_ASSERT_EQUAL(unlink(p), 0);
	snprintf(p, sizeof(p), "%s/ls", dir);
	CU_ASSERT_EQUAL(symlink(self, p), 0);
	snprintf(p, sizeof(p), "%s/cc", dir);
	CU_ASSERT_EQUAL(symlink("/bin/true", p), 0);
	snprintf(p, sizeof(p), "%s/clang", dir);
	mkexe(p, 0755);
	CU_ASSERT_EQUAL(masq_prune_dir(dir, path, &selfst, names,
	    sizeof(names), err, sizeof(err)), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(names, "g++-12"));
	CU_ASSERT_PTR_NOT_NULL(strstr(names, "ls"));
	snprintf(p, sizeof(p), "%s/gcc", dir);
	CU_ASSERT_EQUAL(lstat(p, &st), 0);
	snprintf(p, sizeof(p), "%s/cc", dir);
	CU_ASSERT_EQUAL(lstat(p, &st), 0);
	snprintf(p, sizeof(p), "%s/clang", dir);
	CU_ASSERT_EQUAL(lstat(p, &st), 0);
	/* a missing directory has nothing to prune */
	snprintf(p, sizeof(p), "%s/none", top);
	CU_ASSERT_EQUAL(masq_prune_dir(p, path, &selfst, names,
	    sizeof(names), err, sizeof(err)), 0);
	teardown();
}

int
init_masq_tests(void)
{
	CU_pSuite s = CU_add_suite("masq", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "PATH search skips ccpool", test_skip_self) ||
	    !CU_add_test(s, "explicit and relative paths",
	    test_explicit_path_and_relative) ||
	    !CU_add_test(s, "names", test_names) ||
	    !CU_add_test(s, "masquerade dir", test_make_dir) ||
	    !CU_add_test(s, "masquerade dir pruned", test_prune_dir))
		return -1;
	return 0;
}
