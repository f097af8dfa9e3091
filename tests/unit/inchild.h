/*
 * inchild.h - run a test step in a forked child, for the suites whose
 * step cannot be undone in the test process (no_new_privs, seccomp,
 * Landlock, dropped capabilities).  Header-only, as tmpdir.h.
 */
#ifndef CCPOOL_TEST_INCHILD_H
#define CCPOOL_TEST_INCHILD_H

#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

/*
 * Fork; the child runs fn and _exits with its result.  Returns the wait
 * status, or -1 if fork failed.
 */
static inline int
in_child(int (*fn)(void))
{
	pid_t	 pid;
	int	 st = -1;

	fflush(NULL);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0)
		_exit(fn());
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	return st;
}

#endif
