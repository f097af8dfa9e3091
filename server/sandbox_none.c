/*
 * sandbox_none.c - the "none" job sandbox: a process group, rlimits, a
 * private directory and a minimal environment; see sandbox.h for what it
 * does NOT do.  The child runs only async-signal-safe calls between fork
 * and exec (the runner has an event loop and may have allocated).
 */
#include <sched.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "server/sandbox.h"
#include "server/sandbox_util.h"

/* The compiler's environment: no user settings, C locale, no colours. */
#define SBX_PATH	"PATH=/usr/local/bin:/usr/bin:/bin"

static int
none_check(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	return 0;
}

static void
set_limit(int res, uint64_t v)
{
	struct rlimit	 rl;

	rl.rlim_cur = rl.rlim_max = (rlim_t)v;
	if (setrlimit(res, &rl) == -1)
		sbx_child_fail("setrlimit");
}

static pid_t
none_spawn(const struct sbx_spec *s, char *err, size_t errlen)
{
	char		 tmpdir[300];
	char		*envp[5];
	sigset_t	 all;
	pid_t		 pid;
	const char	*what;
	int		 fd;

	/* Built before fork: the child must not allocate. */
	if ((size_t)snprintf(tmpdir, sizeof(tmpdir), "TMPDIR=%s", s->dir) >=
	    sizeof(tmpdir)) {
		snprintf(err, errlen, "job directory name too long");
		return -1;
	}
	envp[0] = (char *)SBX_PATH;
	envp[1] = tmpdir;
	envp[2] = (char *)"LC_ALL=C";
	envp[3] = (char *)"GCC_COLORS=";
	envp[4] = NULL;

	switch ((pid = fork())) {
	case -1:
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	case 0:
		break;
	default:
		/*
		 * The child makes itself a session (and group) leader.
		 * Until it has, kill() below still reaches it by pid, and
		 * it cannot have children before it does.
		 */
		return pid;
	}

	/* Child. */
	sigemptyset(&all);
	for (int sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);
	(void)sigprocmask(SIG_SETMASK, &all, NULL);
	if (chdir(s->dir) == -1)
		_exit(127);
	if ((fd = open(s->err_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1 || dup2(fd, 2) == -1)
		_exit(127);
	if (setsid() == -1)
		sbx_child_fail("setsid");
	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1 ||
	    dup2(fd, 0) == -1)
		sbx_child_fail("/dev/null");
	if ((fd = open(s->out_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1 || dup2(fd, 1) == -1)
		sbx_child_fail("stdout file");
	sbx_close_from3();
	set_limit(RLIMIT_CORE, 0);
	if (s->cpu_sec)
		set_limit(RLIMIT_CPU, s->cpu_sec);
	if (s->fsize)
		set_limit(RLIMIT_FSIZE, s->fsize);
	if (s->as_bytes)
		set_limit(RLIMIT_AS, s->as_bytes);
	if (sbx_lowest_priority(&what) == -1)
		sbx_child_fail(what);
	execve(s->path, s->argv, envp);
	sbx_child_fail(s->path);
}

/*
 * The group catches every process the compiler started, unless one of
 * them made its own session: only a PID namespace or a cgroup (the
 * security issue) closes that gap.
 */
static void
none_kill(pid_t pid)
{
	if (pid <= 1)
		return;
	(void)kill(-pid, SIGKILL);
	(void)kill(pid, SIGKILL);
}

const struct sandbox_ops sbx_none = {
	"none",
	none_check,
	none_spawn,
	none_kill,
};
