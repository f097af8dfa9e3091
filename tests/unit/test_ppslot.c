/*
 * test_ppslot.c - the bound on local preprocessing: the limit from
 * CCPOOL_PREPROCESS_MAX or the cores, N slots and no more, a waiter
 * gets the slot a holder releases, and a killed holder frees its slot.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "client/ppslot.h"
#include "tests/unit/tmpdir.h"

static char	 top[64];


static void
test_limit(void)
{
	CU_ASSERT_EQUAL(ppslot_limit(NULL, 8), 9);
	CU_ASSERT_EQUAL(ppslot_limit("", 2), 3);
	CU_ASSERT_EQUAL(ppslot_limit("4", 8), 4);
	CU_ASSERT_EQUAL(ppslot_limit("0", 8), 0);	/* no bound */
	CU_ASSERT_EQUAL(ppslot_limit("-1", 8), 9);
	CU_ASSERT_EQUAL(ppslot_limit("4x", 8), 9);
	CU_ASSERT_EQUAL(ppslot_limit("99999", 8), 9);
	CU_ASSERT_EQUAL(ppslot_limit(NULL, 0), 2);
	CU_ASSERT_EQUAL(ppslot_limit(NULL, -1), 2);
	CU_ASSERT_EQUAL(ppslot_limit(NULL, 1L << 20), PPSLOT_MAX);
}

/* A child that tries to take a slot without waiting: exit 0 if it did. */
static int
child_try(unsigned n)
{
	int	 st;
	pid_t	 pid = fork();

	if (pid == 0) {
		char	 err[256];
		int	 fd, waited;

		/* ppslot_take blocks when all are held: the alarm ends it */
		alarm(1);
		fd = ppslot_take(top, n, &waited, err, sizeof(err));
		_exit(fd >= 0 && !waited ? 0 : 1);
	}
	if (pid == -1 || waitpid(pid, &st, 0) == -1)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 2;
}

static void
test_bound(void)
{
	char	 err[256];
	int	 a, b, waited;

	tmpdir_make(top, sizeof(top), "ppslot");
	a = ppslot_take(top, 2, &waited, err, sizeof(err));
	CU_ASSERT(a >= 0);
	CU_ASSERT_EQUAL(waited, 0);
	b = ppslot_take(top, 2, &waited, err, sizeof(err));
	CU_ASSERT(b >= 0);
	CU_ASSERT_EQUAL(waited, 0);
	/* both held: another process cannot get one (killed by the alarm) */
	CU_ASSERT_NOT_EQUAL(child_try(2), 0);
	ppslot_release(b);
	CU_ASSERT_EQUAL(child_try(2), 0);
	ppslot_release(a);
	ppslot_release(-1);
	/* bad counts and directories are errors, not hangs */
	CU_ASSERT_EQUAL(ppslot_take(top, 0, NULL, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(ppslot_take("/nonexistent/x", 2, NULL, err,
	    sizeof(err)), -1);
	CU_ASSERT(strstr(err, "/nonexistent/x") != NULL);
	tmpdir_remove(top);
}

static void
test_wait_and_crash(void)
{
	char		 err[256];
	int		 a, fd, waited, st, p[2];
	pid_t		 pid;
	struct timespec	 t0, t1;
	char		 c;

	tmpdir_make(top, sizeof(top), "ppslot");
	/* a holder that dies (SIGKILL) frees its slot */
	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (ppslot_take(top, 1, NULL, err, sizeof(err)) < 0)
			_exit(1);
		(void)!write(p[1], "x", 1);
		pause();
		_exit(0);
	}
	close(p[1]);
	CU_ASSERT_EQUAL(read(p[0], &c, 1), 1);
	close(p[0]);
	CU_ASSERT_NOT_EQUAL(child_try(1), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	fd = ppslot_take(top, 1, &waited, err, sizeof(err));
	CU_ASSERT(fd >= 0);
	/* a waiter gets the slot when the holder lets it go */
	pid = fork();
	if (pid == 0) {
		/* shares the parent's lock until it exits (fork keeps it) */
		usleep(200 * 1000);
		_exit(0);
	}
	a = fork();
	if (a == 0) {
		int w, f;

		close(fd);	/* the parent's lock is not ours */
		f = ppslot_take(top, 1, &w, err, sizeof(err));
		_exit(f >= 0 && w ? 0 : 1);
	}
	usleep(100 * 1000);
	ppslot_release(fd);
	CU_ASSERT_EQUAL(waitpid(a, &st, 0), a);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	waitpid(pid, &st, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CU_ASSERT(t1.tv_sec - t0.tv_sec < 5);
	tmpdir_remove(top);
}

int
init_ppslot_tests(void)
{
	CU_pSuite s = CU_add_suite("ppslot", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "limit", test_limit) ||
	    !CU_add_test(s, "at most N", test_bound) ||
	    !CU_add_test(s, "wait, crash-safe", test_wait_and_crash))
		return -1;
	return 0;
}
