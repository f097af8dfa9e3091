/*
 * test_outfile.c - atomic output files: the old output survives anything
 * short of a commit, a commit replaces it whole with compiler-like mode,
 * and no temporary file is ever left behind.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "client/outfile.c"
#include "tests/unit/tmpdir.h"

static char	 top[64];


static int
nfiles(const char *dir)
{
	DIR		*d = opendir(dir);
	struct dirent	*de;
	int		 n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
put(const char *path, const char *s)
{
	FILE	*f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(s, f);
	fclose(f);
}

static int
content_is(const char *path, const char *s)
{
	char	 buf[256];
	FILE	*f = fopen(path, "r");
	size_t	 n;

	if (f == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strcmp(buf, s) == 0;
}

static void
test_commit(void)
{
	struct outfile	*o;
	char		 path[128], err[256];
	struct stat	 st;
	mode_t		 old;

	tmpdir_make(top, sizeof(top), "outfile");
	snprintf(path, sizeof(path), "%s/x.o", top);
	put(path, "old");
	old = umask(022);
	o = outfile_new(path, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(nfiles(top), 2);	/* x.o and the temp */
	CU_ASSERT_EQUAL(outfile_write(o, "new ", 4, err, sizeof(err)), 0);
	CU_ASSERT(content_is(path, "old"));	/* untouched meanwhile */
	CU_ASSERT_EQUAL(outfile_write(o, "object", 6, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(outfile_commit(o, err, sizeof(err)), 0);
	outfile_free(o);
	umask(old);
	CU_ASSERT(content_is(path, "new object"));
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0644);
	CU_ASSERT_EQUAL(nfiles(top), 1);
	tmpdir_remove(top);
}

static void
test_abandon(void)
{
	struct outfile	*o;
	char		 path[128], err[256];

	tmpdir_make(top, sizeof(top), "outfile");
	snprintf(path, sizeof(path), "%s/x.o", top);
	put(path, "old");
	o = outfile_new(path, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(outfile_write(o, "half", 4, err, sizeof(err)), 0);
	outfile_free(o);	/* failure mid-way */
	CU_ASSERT(content_is(path, "old"));
	CU_ASSERT_EQUAL(nfiles(top), 1);
	outfile_free(NULL);
	tmpdir_remove(top);
}

static void
test_relative_and_errors(void)
{
	struct outfile	*o;
	char		 cwd[512], err[256], path[128];

	tmpdir_make(top, sizeof(top), "outfile");
	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof(cwd)));
	CU_ASSERT_EQUAL_FATAL(chdir(top), 0);
	o = outfile_new("rel.o", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(outfile_commit(o, err, sizeof(err)), 0);
	outfile_free(o);
	CU_ASSERT(content_is("rel.o", ""));
	CU_ASSERT_EQUAL(chdir(cwd), 0);
	snprintf(path, sizeof(path), "%s/nodir/x.o", top);
	CU_ASSERT_PTR_NULL(outfile_new(path, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nodir"));
	CU_ASSERT_PTR_NULL(outfile_new("", err, sizeof(err)));
	/* rename onto a directory fails: temp removed, directory intact */
	snprintf(path, sizeof(path), "%s/adir", top);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
	o = outfile_new(path, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(outfile_commit(o, err, sizeof(err)), -1);
	outfile_free(o);
	CU_ASSERT_EQUAL(nfiles(top), 2);	/* rel.o and adir */
	tmpdir_remove(top);
}

/* A kill mid-write (SIGTERM with the handler) leaves no litter. */
static void
test_signal_cleanup(void)
{
	char	 path[128], err[256];
	pid_t	 pid;
	int	 status;

	tmpdir_make(top, sizeof(top), "outfile");
	snprintf(path, sizeof(path), "%s/x.o", top);
	put(path, "old");
	if ((pid = fork()) == 0) {
		struct outfile *o;

		outfile_catch_signals();
		o = outfile_new(path, err, sizeof(err));
		if (o == NULL || outfile_write(o, "half", 4, err,
		    sizeof(err)) == -1)
			_exit(3);
		raise(SIGTERM);
		_exit(4);
	}
	CU_ASSERT_FATAL(pid > 0);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	CU_ASSERT(content_is(path, "old"));
	CU_ASSERT_EQUAL(nfiles(top), 1);
	tmpdir_remove(top);
}

int
init_outfile_tests(void)
{
	CU_pSuite s = CU_add_suite("outfile", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "commit replaces whole", test_commit) ||
	    !CU_add_test(s, "abandon keeps old", test_abandon) ||
	    !CU_add_test(s, "relative path, errors",
	    test_relative_and_errors) ||
	    !CU_add_test(s, "signal removes temp", test_signal_cleanup))
		return -1;
	return 0;
}
