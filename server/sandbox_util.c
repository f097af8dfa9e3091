/*
 * sandbox_util.c - what every job sandbox does in a job's child before
 * exec: the lowest priority (sbx_lowest_priority), the failure report
 * the runner recognises (sbx_child_fail), closing inherited descriptors.
 * Async-signal-safe throughout; see sandbox_util.h.
 */
#include <sys/resource.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server/sandbox_util.h"

/* ioprio_set(2) has no libc wrapper; see linux/ioprio.h. */
#define IOPRIO_CLASS_SHIFT	13
#define SBX_AUTOGROUP_TRIES	30	/* 10 ms each: 3 of the kernel's windows */
#define IOPRIO_CLASS_IDLE	3
#define IOPRIO_WHO_PROCESS	1

int
sbx_lowest_priority(const char **what)
{
	struct sched_param sp;
	struct rlimit	 rl;
	int		 fd;

	memset(&sp, 0, sizeof(sp));
	*what = "sched_setscheduler SCHED_IDLE";
	if (sched_setscheduler(0, SCHED_IDLE, &sp) == -1)
		return -1;
	*what = "setpriority 19";
	if (setpriority(PRIO_PROCESS, 0, 19) == -1)
		return -1;
	/*
	 * The job leads a session of its own (setsid), so with autogroup
	 * scheduling on (a desktop without systemd's cpu controller) it is
	 * a group of its own that competes with the owner's session at
	 * equal weight, SCHED_IDLE or not: give the group the lowest weight
	 * too.  No such file (autogroup off or absent): nothing to do.
	 * Without CAP_SYS_ADMIN the kernel takes one such change per 100 ms
	 * on the whole machine and answers EAGAIN to the rest: jobs that
	 * start together retry for up to SBX_AUTOGROUP_TRIES * 10 ms.
	 */
	if ((fd = open("/proc/self/autogroup", O_WRONLY | O_CLOEXEC)) != -1) {
		const struct timespec tick = { 0, 10L * 1000 * 1000 };
		int	 i;

		for (i = 0; i < SBX_AUTOGROUP_TRIES; i++) {
			if (write(fd, "19", 2) == 2 || (errno != EAGAIN &&
			    errno != EINTR))
				break;	/* best effort: the job runs anyway */
			(void)nanosleep(&tick, NULL);
		}
		(void)close(fd);
	}
	*what = "ioprio_set IOPRIO_CLASS_IDLE";
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
	    IOPRIO_CLASS_IDLE << IOPRIO_CLASS_SHIFT) == -1)
		return -1;
	*what = "setrlimit NICE";
	rl.rlim_cur = rl.rlim_max = 0;
	return setrlimit(RLIMIT_NICE, &rl);
}

void
sbx_child_fail(const char *what)
{
	char	 num[16];
	int	 e = errno, i = (int)sizeof(num);

	do
		num[--i] = (char)('0' + e % 10);
	while ((e /= 10) > 0 && i > 0);
	(void)!write(2, "ccpoold: cannot run the compiler: ", 34);
	(void)!write(2, what, strlen(what));
	(void)!write(2, ": errno ", 8);
	(void)!write(2, num + i, sizeof(num) - (size_t)i);
	(void)!write(2, "\n", 1);
	_exit(127);
}

void
sbx_close_from3(void)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0) == 0)
		return;
#endif
	for (int fd = 3; fd < 65536; fd++)
		(void)close(fd);
}
