/*
 * sandbox_linux.c - the "linux" job sandbox: every compile runs as pid 1
 * of fresh user, mount, pid, net, ipc and uts namespaces, in a root of
 * its own (a small tmpfs holding read-only binds of /usr, the merged-usr
 * links, a few /etc files, /dev/null, zero, urandom, and the job
 * directory read-write at its own path; no /proc), with no network, no
 * capabilities, no_new_privs, a seccomp filter, Landlock (writes only in
 * the job directory) where the kernel has it, and rlimits on CPU time,
 * file size, address space, processes and descriptors.
 *
 * This file is the ops (sandbox.h) and the parent's side.  Everything
 * that needs memory or can fail slowly is prepared before the clone: the
 * static part of the mount plan (sandbox_lxroot.c) and the seccomp
 * program (sandbox_lxfilter.c) once (lx_init, from check() or the first
 * spawn), the per-job part in spawn.  The child (sandbox_lxchild.c) then
 * makes only system calls (async-signal-safe) until execve.  Start
 * reading at lx_spawn(), then lxchild_main().  sandbox_lx.h lists the
 * parts; doc/server.md ("Job sandbox") says what each layer stops and
 * what it does not.
 */
#include <sys/syscall.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/confine.h"
#include "common/log.h"
#include "server/sandbox.h"
#include "server/sandbox_lx.h"

#define LX_PATH		"PATH=/usr/local/bin:/usr/bin:/bin"
#define LX_NS		(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | \
			    CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)
#define LX_ROOT_OPTS	"size=1m,nr_inodes=512,mode=0755,uid=%ld,gid=%ld"

/* Prepared once: the static root, the seccomp program, Landlock. */
static struct {
	int		 ready;		/* 1: done, -1: failed (init_err) */
	struct lx_static st;
	char		 init_err[256];
} L;

/*
 * Build the static part once: what every job's root holds, the seccomp
 * program, Landlock's ABI.  Returns 0, or -1 with err set (kept for
 * later calls).
 */
static int
lx_init(char *err, size_t errlen)
{
	if (L.ready == 1)
		return 0;
	if (L.ready == -1) {
		snprintf(err, errlen, "%s", L.init_err);
		return -1;
	}
	if (lxroot_plan_static(&L.st, L.init_err, sizeof(L.init_err)) ==
	    -1 || lxfilter_build(&L.st, L.init_err, sizeof(L.init_err)) ==
	    -1) {
		L.ready = -1;
		snprintf(err, errlen, "%s", L.init_err);
		return -1;
	}
	/* Landlock's ABI and the write accesses it can handle (0: none) */
	L.st.ll_abi = confine_ll_abi();
	L.st.ll_write = confine_ll_write(L.st.ll_abi);
	L.ready = 1;
	return 0;
}

/* The parent's side of a job. */

/*
 * Root runner: hand the job directory and what is in it (the input) to
 * LX_JOB_ID, the only id the job has.  The runner, root, still reads and
 * removes it all.
 */
static int
give_dir(const char *dir, char *err, size_t errlen)
{
	struct dirent	*de;
	DIR		*d;
	int		 fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || (d = fdopendir(fd)) == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		(void)fchownat(fd, de->d_name, LX_JOB_ID, LX_JOB_ID,
		    AT_SYMLINK_NOFOLLOW);
	}
	if (fchown(fd, LX_JOB_ID, LX_JOB_ID) == -1) {
		snprintf(err, errlen, "chown %s: %s", dir, strerror(errno));
		closedir(d);
		return -1;
	}
	closedir(d);
	return 0;
}

/* Root runner: write the child's id maps, then let it go on. */
static int
map_child(pid_t pid, struct lx_job *J, char *err, size_t errlen)
{
	static const char *const files[] = { "uid_map", "gid_map" };
	char		 path[64];
	const char	*text;
	size_t		 i;
	int		 fd;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/proc/%ld/%s", (long)pid,
		    files[i]);
		text = i == 0 ? J->uid_map : J->gid_map;
		if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1 ||
		    write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
			snprintf(err, errlen, "user namespace: writing %s: %s",
			    path, strerror(errno));
			if (fd != -1)
				close(fd);
			return -1;
		}
		close(fd);
	}
	if (write(J->sync[1], "x", 1) != 1) {
		snprintf(err, errlen, "user namespace: sync: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The ids of J's child: a root runner maps LX_JOB_ID (and hands it the
 * job directory; the child waits on J->sync for the maps), anyone else
 * maps itself.  Then the root's tmpfs options, for the same ids.
 */
static int
lx_job_ids(struct lx_job *J, char *err, size_t errlen)
{
	if ((J->priv = geteuid() == 0)) {
		snprintf(J->uid_map, sizeof(J->uid_map), "%d %d 1\n",
		    LX_JOB_ID, LX_JOB_ID);
		memcpy(J->gid_map, J->uid_map, sizeof(J->gid_map));
		if (give_dir(J->s->dir, err, errlen) == -1)
			return -1;
		if (pipe2(J->sync, O_CLOEXEC) == -1) {
			snprintf(err, errlen, "pipe: %s", strerror(errno));
			return -1;
		}
	} else {
		snprintf(J->uid_map, sizeof(J->uid_map), "%ld %ld 1\n",
		    (long)geteuid(), (long)geteuid());
		snprintf(J->gid_map, sizeof(J->gid_map), "%ld %ld 1\n",
		    (long)getegid(), (long)getegid());
	}
	snprintf(J->root_opts, sizeof(J->root_opts), LX_ROOT_OPTS,
	    J->priv ? (long)LX_JOB_ID : (long)geteuid(),
	    J->priv ? (long)LX_JOB_ID : (long)getegid());
	return 0;
}

/*
 * The compiler's environment (no user settings, C locale, no colours)
 * and its descriptors: the outputs are made here, as the runner; the
 * child only uses them.
 */
static int
lx_job_files(struct lx_job *J, char *err, size_t errlen)
{
	const struct sbx_spec *s = J->s;
	int		 dfd, rc = 0;

	if ((size_t)snprintf(J->tmpdir, sizeof(J->tmpdir), "TMPDIR=%s",
	    s->dir) >= sizeof(J->tmpdir)) {
		snprintf(err, errlen, "job directory name too long");
		return -1;
	}
	J->envp[0] = (char *)LX_PATH;
	J->envp[1] = J->tmpdir;
	J->envp[2] = (char *)"LC_ALL=C";
	J->envp[3] = (char *)"GCC_COLORS=";
	J->envp[4] = NULL;
	if ((dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (J->errfd = openat(dfd, s->err_file, O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC | O_NOFOLLOW, 0600)) == -1 ||
	    (J->outfd = openat(dfd, s->out_file, O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC | O_NOFOLLOW, 0600)) == -1 ||
	    (J->nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "job files in %s: %s", s->dir,
		    strerror(errno));
		rc = -1;
	}
	if (dfd != -1)
		close(dfd);
	return rc;
}

/* Clone J's child into its namespaces; its pid, or -1 with err set. */
static pid_t
lx_clone(struct lx_job *J, char *err, size_t errlen)
{
	pid_t	 pid;
	int	 e;

	pid = (pid_t)syscall(SYS_clone, (unsigned long)(LX_NS | SIGCHLD),
	    NULL, NULL, NULL, NULL);
	if (pid == 0)
		lxchild_main(J);	/* never returns */
	if (pid == -1) {
		e = errno;
		snprintf(err, errlen, "cannot create the job's namespaces "
		    "(user, mount, pid, net, ipc, uts): %s%s", strerror(e),
		    e == EPERM || e == ENOSPC || e == EINVAL ? " (unprivileged "
		    "user namespaces disabled? see user.max_user_namespaces, "
		    "kernel.unprivileged_userns_clone, "
		    "kernel.apparmor_restrict_unprivileged_userns)" : "");
	} else if (J->priv && map_child(pid, J, err, errlen) == -1) {
		(void)kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
		pid = -1;
	}
	return pid;
}

/* The ops. */

static pid_t
lx_spawn(const struct sbx_spec *s, char *err, size_t errlen)
{
	struct lx_job	*J;
	pid_t		 pid = -1;

	if (lx_init(err, errlen) == -1)
		return -1;
	if ((J = calloc(1, sizeof(*J))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	J->s = s;
	J->st = &L.st;
	J->errfd = J->outfd = J->nullfd = -1;
	J->sync[0] = J->sync[1] = -1;
	if (lxroot_plan_job(J, err, errlen) == 0 &&
	    lx_job_ids(J, err, errlen) == 0 &&
	    lx_job_files(J, err, errlen) == 0)
		pid = lx_clone(J, err, errlen);
	if (J->sync[0] != -1)
		close(J->sync[0]);
	if (J->sync[1] != -1)
		close(J->sync[1]);
	if (J->errfd != -1)
		close(J->errfd);
	if (J->outfd != -1)
		close(J->outfd);
	if (J->nullfd != -1)
		close(J->nullfd);
	free(J);
	return pid;
}

/*
 * The compiler is pid 1 of its pid namespace: killing it makes the
 * kernel kill every process of the namespace, setsid'd ones included.
 */
static void
lx_kill(pid_t pid)
{
	if (pid <= 1)
		return;
	(void)kill(pid, SIGKILL);
}

/*
 * A trial job: /bin/true through every layer in a scratch directory.
 * Returns 0, or -1 with err naming the layer that failed.
 */
static int
lx_check(char *err, size_t errlen)
{
	struct sbx_spec	 s;
	char		 dir[] = "/tmp/ccpool-sbxcheck.XXXXXX", path[64];
	char		 msg[256], *argv[2];
	ssize_t		 n;
	pid_t		 pid;
	int		 st, fd, rc = -1;

	if (lx_init(err, errlen) == -1)
		return -1;
	if (mkdtemp(dir) == NULL) {
		snprintf(err, errlen, "trial: mkdtemp: %s", strerror(errno));
		return -1;
	}
	memset(&s, 0, sizeof(s));
	argv[0] = (char *)"/bin/true";
	argv[1] = NULL;
	s.dir = dir;
	s.path = argv[0];
	s.argv = argv;
	s.out_file = "out";
	s.err_file = "err";
	s.cpu_sec = 5;
	s.fsize = 1 << 20;
	if ((pid = lx_spawn(&s, err, errlen)) == -1)
		goto out;
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			snprintf(err, errlen, "trial: waitpid: %s",
			    strerror(errno));
			goto out;
		}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		rc = 0;
		goto out;
	}
	msg[0] = '\0';
	snprintf(path, sizeof(path), "%s/err", dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		if ((n = read(fd, msg, sizeof(msg) - 1)) > 0) {
			msg[n] = '\0';
			msg[strcspn(msg, "\n")] = '\0';
		} else
			msg[0] = '\0';
		close(fd);
	}
	if (strncmp(msg, "ccpoold: cannot run the compiler: ", 34) == 0)
		memmove(msg, msg + 34, strlen(msg + 34) + 1);
	snprintf(err, errlen, "trial job failed (status %#x): %s", st,
	    msg[0] != '\0' ? msg : "no reason given");
out:
	snprintf(path, sizeof(path), "%s/err", dir);
	(void)unlink(path);
	snprintf(path, sizeof(path), "%s/out", dir);
	(void)unlink(path);
	(void)rmdir(dir);
	if (rc == 0 && L.st.ll_abi == 0)
		log_warnx("sandbox linux: Landlock is not available in this "
		    "kernel: the optional write-restriction layer is off");
	else if (rc == 0)
		log_debug("sandbox linux: all layers work (Landlock ABI %d)",
		    L.st.ll_abi);
	return rc;
}

const struct sandbox_ops sbx_linux = {
	"linux",
	lx_check,
	lx_spawn,
	lx_kill,
};
