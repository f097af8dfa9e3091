/*
 * sandbox_util.h - what the job sandboxes (sandbox_none.c,
 * sandbox_linux.c and its parts) share in a job's child between fork or
 * clone and execve.  Every function here is async-signal-safe: system
 * calls only, no allocation, no stdio.  The registry of sandboxes
 * (sandbox.c) does not use them; the interface is sandbox.h.
 */
#ifndef CCPOOL_SANDBOX_UTIL_H
#define CCPOOL_SANDBOX_UTIL_H

/*
 * In a job's child before exec (every sandbox): the lowest priority
 * there is, so the desktop's owner barely notices the job: SCHED_IDLE,
 * nice 19, its autogroup (if any) at nice 19, the idle I/O class, and
 * RLIMIT_NICE 0 so the job cannot raise any of them again.  Returns 0,
 * or -1 with errno set (what failed is in *what).
 */
int	sbx_lowest_priority(const char **what);

/*
 * Write "ccpoold: cannot run the compiler: what: errno N" to stderr
 * (the job's stderr file by then) and _exit(127); the runner recognises
 * the prefix (job_finish.c).
 */
void	sbx_child_fail(const char *what) __attribute__((noreturn));

/* Close every descriptor above 2. */
void	sbx_close_from3(void);

#endif
