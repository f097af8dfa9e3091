/*
 * sandbox_lxchild.c - the cloned child of a "linux" sandbox job, pid 1
 * of its namespaces, from clone to execve: its ids in the new user
 * namespace, its session and priority, its root (sandbox_lxroot.c), its
 * descriptors and rlimits, then no_new_privs, no capabilities, Landlock
 * and seccomp.  Async-signal-safe calls only: everything it uses was
 * prepared in struct lx_job (sandbox_linux.c).  Any failure writes the
 * step to the job's stderr and exits 127 (sbx_child_fail).  Start
 * reading at lxchild_main().
 */
#include <sys/prctl.h>
#include <sys/resource.h>

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "common/confine.h"
#include "server/sandbox_lx.h"
#include "server/sandbox_util.h"

#define LX_NPROC	64	/* processes of one job, by default */
#define LX_NOFILE	1024	/* descriptors of one process */

static void
write_proc(const char *file, const char *text)
{
	int	 fd;

	if ((fd = open(file, O_WRONLY | O_CLOEXEC)) == -1)
		sbx_child_fail(file);
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		sbx_child_fail(file);
	(void)close(fd);
}

static void
limit(int res, uint64_t cur, uint64_t max, const char *what)
{
	struct rlimit	 rl;

	rl.rlim_cur = (rlim_t)cur;
	rl.rlim_max = (rlim_t)max;
	if (setrlimit(res, &rl) == -1)
		sbx_child_fail(what);
}

/*
 * stderr to the job's file, default signals, death with the runner, the
 * ids of the user namespace, a session of its own at the lowest
 * priority.
 */
static void
child_ids(const struct lx_job *J)
{
	const char	*what;
	sigset_t	 none;
	int		 sig;

	if (dup2(J->errfd, 2) == -1)
		_exit(127);
	for (sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	/* the runner gone: pid 1 dies, and the kernel kills the rest */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
		sbx_child_fail("prctl PDEATHSIG");
	if (J->priv) {
		/* the parent maps LX_JOB_ID; become it, with no groups */
		char	 c;

		(void)close(J->sync[1]);
		if (read(J->sync[0], &c, 1) != 1)
			sbx_child_fail("user namespace: uid map");
		(void)close(J->sync[0]);
		if (setgroups(0, NULL) == -1)
			sbx_child_fail("user namespace: setgroups");
	} else {
		/*
		 * A runner that switched users is not dumpable, so its
		 * /proc files (ours too) belong to root: take them back.
		 */
		if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) == -1)
			sbx_child_fail("prctl DUMPABLE");
		write_proc("/proc/self/setgroups", "deny");
		write_proc("/proc/self/uid_map", J->uid_map);
		write_proc("/proc/self/gid_map", J->gid_map);
	}
	if (setsid() == -1)
		sbx_child_fail("setsid");
	/* here, while the host's /proc is there: the new session's
	   autogroup is set through /proc/self/autogroup */
	if (sbx_lowest_priority(&what) == -1)
		sbx_child_fail(what);
	(void)sethostname("ccpool-job", 10);
}

/* The root: a tmpfs over the job directory's own path (lxroot). */
static void
child_root(const struct lx_job *J)
{
	int	 dirfd;

	dirfd = lxroot_mount(J);
	/*
	 * A root runner's child was kuid 0 (unmapped) so far, which let it
	 * through the runner's 0700 directories; from here on it is
	 * LX_JOB_ID and keeps its capabilities in the namespace (uid 0 is
	 * not mapped, so the kernel sees no root losing its rights).
	 */
	if (J->priv && (setresgid(LX_JOB_ID, LX_JOB_ID, LX_JOB_ID) == -1 ||
	    setresuid(LX_JOB_ID, LX_JOB_ID, LX_JOB_ID) == -1))
		sbx_child_fail("user namespace: setresuid");
	lxroot_build(J, dirfd);
}

/* stdin, stdout, nothing else open; the rlimits of s. */
static void
child_limits(const struct lx_job *J)
{
	const struct sbx_spec *s = J->s;
	struct rlimit	 cur;
	uint64_t	 v;

	if (dup2(J->nullfd, 0) == -1 || dup2(J->outfd, 1) == -1)
		sbx_child_fail("stdin/stdout");
	sbx_close_from3();
	limit(RLIMIT_CORE, 0, 0, "setrlimit CORE");
	if (s->cpu_sec)	/* SIGXCPU first, SIGKILL a second later */
		limit(RLIMIT_CPU, s->cpu_sec, s->cpu_sec + 1,
		    "setrlimit CPU");
	if (s->fsize)
		limit(RLIMIT_FSIZE, s->fsize, s->fsize, "setrlimit FSIZE");
	if (s->as_bytes)
		limit(RLIMIT_AS, s->as_bytes, s->as_bytes, "setrlimit AS");
	v = s->nproc ? s->nproc : LX_NPROC;
	limit(RLIMIT_NPROC, v, v, "setrlimit NPROC");
	v = s->nofile ? s->nofile : LX_NOFILE;
	/* never above what ccpoold has (a lower LimitNOFILE) */
	if (getrlimit(RLIMIT_NOFILE, &cur) == 0 && cur.rlim_max < v)
		v = cur.rlim_max;
	limit(RLIMIT_NOFILE, v, v, "setrlimit NOFILE");
}

/* Landlock: writes only beneath the job directory and to /dev/null. */
static void
child_landlock(const struct lx_job *J)
{
	int	 rs;

	if (J->st->ll_abi == 0)
		return;
	if ((rs = confine_ll_new(J->st->ll_write)) == -1)
		sbx_child_fail("landlock: ruleset");
	if (confine_ll_add(rs, J->s->dir, J->st->ll_write, 0) == -1)
		sbx_child_fail("landlock: job directory rule");
	/* a file: confine_ll_add keeps its file rights (write, truncate) */
	if (confine_ll_add(rs, "/dev/null", J->st->ll_write, 0) == -1)
		sbx_child_fail("landlock: /dev/null rule");
	if (confine_ll_restrict(rs) == -1)
		sbx_child_fail("landlock: restrict");
}

/* The walls (common/confine.h): no_new_privs, caps, Landlock, seccomp. */
static void
child_walls(const struct lx_job *J)
{
	const char	*what;

	if (confine_no_new_privs() == -1)
		sbx_child_fail("no_new_privs");
	if (confine_drop_caps(1, &what) == -1)
		sbx_child_fail(what);
	child_landlock(J);
	if (confine_seccomp_install(&J->st->prog) == -1)
		sbx_child_fail("seccomp");
}

/*
 * The cloned child: pid 1 of its namespaces.  Builds the root on a tmpfs
 * mounted over the job directory's path (the directory itself is bound
 * back from a descriptor), pivots into it, drops everything and execs.
 */
void
lxchild_main(const struct lx_job *J)
{
	child_ids(J);
	child_root(J);
	child_limits(J);
	child_walls(J);
	execve(J->s->path, J->s->argv, J->envp);
	sbx_child_fail(J->s->path);
}
