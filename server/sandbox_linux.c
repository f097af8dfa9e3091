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
 * Everything that needs memory or can fail slowly is prepared before the
 * clone: the static part of the mount plan and the seccomp program once
 * (lx_init, from check() or the first spawn), the per-job part in spawn.
 * The child then makes only system calls (async-signal-safe) until
 * execve.  Start reading at lx_spawn() and lx_child().  doc/server.md
 * ("Job sandbox") says what each layer stops and what it does not.
 */
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/filter.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

#include "common/confine.h"
#include "common/log.h"
#include "server/sandbox.h"

#define LX_PATH		"PATH=/usr/local/bin:/usr/bin:/bin"
#define LX_NS		(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | \
			    CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)
#define LX_NPROC	64	/* processes of one job, by default */
#define LX_NOFILE	1024	/* descriptors of one process */
#define LX_OPS_MAX	48	/* steps of the static mount plan */
#define LX_JOB_OPS	16	/* steps of one job's own plan */
#define LX_BPF_MAX	1024	/* seccomp instructions */
#define LX_ROOT_OPTS	"size=1m,nr_inodes=512,mode=0755,uid=%ld,gid=%ld"
/*
 * A runner that is root does not run jobs as root: the kernel exempts
 * real uid 0 from RLIMIT_NPROC, and root-owned files would stay within
 * reach.  Its jobs get this uid and gid (nobody), mapped by the parent.
 */
#define LX_JOB_ID	65534


/* One step of building the root, paths relative to it. */
enum lx_kind { LX_MKDIR, LX_SYMLINK, LX_BIND_DIR, LX_BIND_FILE };

struct lx_op {
	enum lx_kind	 kind;
	char		 src[PATH_MAX];	/* bind source or link target */
	char		 dst[PATH_MAX];	/* relative to the new root */
	unsigned long	 flags;		/* remount flags of a bind */
	const char	*what;		/* for error messages */
};

/* Prepared once: the static root, the seccomp program, Landlock. */
static struct {
	int		 ready;
	struct lx_op	 op[LX_OPS_MAX];
	size_t		 nop;
	struct sock_filter bpf[LX_BPF_MAX];
	struct sock_fprog prog;
	int		 ll_abi;	/* Landlock ABI, 0: none */
	uint64_t	 ll_write;	/* handled write accesses */
	char		 init_err[256];
} L;

/* What one job's child needs, all built before the clone. */
struct lx_job {
	const struct sbx_spec *s;
	struct lx_op	 op[LX_JOB_OPS];	/* per-job steps */
	size_t		 nop;
	char		 rel_dir[PATH_MAX];	/* s->dir without the '/' */
	unsigned long	 dir_flags;		/* its remount flags */
	char		 uid_map[64], gid_map[64];
	char		 root_opts[128];	/* tmpfs options of the root */
	int		 priv;			/* runner is root */
	int		 sync[2];		/* priv: "maps written" */
	char		*envp[5];
	char		 tmpdir[PATH_MAX + 8];
	int		 errfd, outfd, nullfd;
};

static int	lx_check(char *, size_t);

/* Preparation (parent side; may allocate). */

/* Mount flags a read-only bind of path must keep (locked in a userns). */
static int
ro_flags(const char *path, unsigned long *flags)
{
	struct statvfs	 sv;

	if (statvfs(path, &sv) == -1)
		return -1;
	*flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		*flags |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		*flags |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		*flags |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		*flags |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		*flags |= MS_RELATIME;
	else if (!(sv.f_flag & ST_NOATIME))
		*flags |= MS_STRICTATIME;
	return 0;
}

static struct lx_op *
add_op(struct lx_op *ops, size_t *n, size_t max, enum lx_kind kind,
    const char *src, const char *dst, const char *what)
{
	struct lx_op	*o;

	if (*n >= max)
		return NULL;
	o = &ops[(*n)++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->what = what;
	if (src != NULL)
		snprintf(o->src, sizeof(o->src), "%s", src);
	snprintf(o->dst, sizeof(o->dst), "%s", dst[0] == '/' ? dst + 1 : dst);
	return o;
}

/*
 * Add the steps that make the absolute path abs exist in the new root,
 * as host's: a symlink is copied, a directory or file is bound
 * read-only (nodev unless dev), anything absent is skipped.  Parent
 * directories are made first.  Returns 0, or -1 with err set.
 */
static int
add_path(struct lx_op *ops, size_t *n, size_t max, const char *abs, int dev,
    char *err, size_t errlen)
{
	struct stat	 st;
	char		 tmp[PATH_MAX], target[PATH_MAX];
	struct lx_op	*o;
	ssize_t		 len;
	char		*p;

	if (lstat(abs, &st) == -1)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s", abs);
	for (p = strchr(tmp + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (add_op(ops, n, max, LX_MKDIR, NULL, tmp, "mkdir") == NULL)
			goto full;
		*p = '/';
	}
	if (S_ISLNK(st.st_mode)) {
		if ((len = readlink(abs, target, sizeof(target) - 1)) <= 0)
			return 0;
		target[len] = '\0';
		if (add_op(ops, n, max, LX_SYMLINK, target, abs, "symlink") ==
		    NULL)
			goto full;
		return 0;
	}
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) &&
	    !S_ISCHR(st.st_mode))
		return 0;
	if ((o = add_op(ops, n, max, S_ISDIR(st.st_mode) ? LX_BIND_DIR :
	    LX_BIND_FILE, abs, abs, abs)) == NULL)
		goto full;
	if (ro_flags(abs, &o->flags) == -1) {
		snprintf(err, errlen, "statvfs %s: %s", abs, strerror(errno));
		return -1;
	}
	if (dev)
		o->flags |= MS_NOEXEC;
	else
		o->flags |= MS_NODEV;
	return 0;
full:
	snprintf(err, errlen, "mount plan too long");
	return -1;
}

/*
 * Is abs inside (or equal to) a directory the static plan binds?  Then
 * a toolchain there is visible already.
 */
static int
covered(const char *abs)
{
	size_t	 i, n;

	for (i = 0; i < L.nop; i++) {
		if (L.op[i].kind != LX_BIND_DIR)
			continue;
		n = strlen(L.op[i].src);
		if (strncmp(abs, L.op[i].src, n) == 0 &&
		    (abs[n] == '/' || abs[n] == '\0'))
			return 1;
	}
	return 0;
}

/*
 * The seccomp program: EPERM for what a compiler never needs, that is
 * ptrace, CONFINE_DENY_BASE (which the runner denies too), mounts and
 * namespaces, and these.
 */
static int
build_seccomp(char *err, size_t errlen)
{
	static const char *const deny[] = {
		"ptrace", CONFINE_DENY_BASE, CONFINE_DENY_MOUNT,
		"quotactl_fd", "process_madvise", "sethostname",
		"setdomainname", "_sysctl", "ustat", "sysfs", "mbind",
		"migrate_pages", "move_pages", "set_mempolicy",
		"memfd_secret", "vm86", "vm86old", "modify_ldt",
	};
	static const unsigned long nsflags[] = {
		CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
		CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
	};
	const uint32_t		 eperm = SCMP_ACT_ERRNO(EPERM);
	struct confine_filter	*f;
	struct scmp_arg_cmp	 c;
	size_t			 i;
	int			 rc = -1;

	if ((f = confine_filter_new(0, err, errlen)) == NULL)
		return -1;
	confine_filter_deny_act(f, CONFINE_EPERM);
	if (confine_filter_names(f, deny, sizeof(deny) / sizeof(deny[0]),
	    err, errlen) == -1)
		goto out;
	/* sockets: AF_UNIX only (the net namespace is empty anyway) */
	c = SCMP_A0(SCMP_CMP_NE, AF_UNIX);
	if (confine_filter_rule(f, eperm, "socket", 1, &c, err, errlen) ==
	    -1 || confine_filter_rule(f, eperm, "socketpair", 1, &c, err,
	    errlen) == -1)
		goto out;
	/* clone: threads and processes, never namespaces */
	for (i = 0; i < sizeof(nsflags) / sizeof(nsflags[0]); i++) {
		c = SCMP_A0(SCMP_CMP_MASKED_EQ, nsflags[i], nsflags[i]);
		if (confine_filter_rule(f, eperm, "clone", 1, &c, err,
		    errlen) == -1)
			goto out;
	}
	/* clone3 hides its flags in memory: ENOSYS makes libc use clone */
	if (confine_filter_rule(f, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL,
	    err, errlen) == -1)
		goto out;
	/* personality: only the query (0xffffffff) */
	c = SCMP_A0(SCMP_CMP_NE, 0xffffffffUL);
	if (confine_filter_rule(f, eperm, "personality", 1, &c, err,
	    errlen) == -1)
		goto out;
	/* Export the BPF once; the child only installs it. */
	rc = confine_filter_export(f, L.bpf, LX_BPF_MAX, &L.prog, err, errlen);
out:
	confine_filter_free(f);
	return rc;
}

/*
 * Build the static part once: what every job's root holds.  Returns 0,
 * or -1 with err set (kept for later calls).
 */
static int
lx_init(char *err, size_t errlen)
{
	static const char *const tops[] = {
		"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64",
		"/libx32", "/etc/ld.so.cache", "/etc/alternatives",
		"/etc/os-release", "/etc/lsb-release", "/etc/debian_version",
	};
	static const char *const devs[] = {
		"/dev/null", "/dev/zero", "/dev/urandom",
	};
	size_t	 i;

	if (L.ready == 1)
		return 0;
	if (L.ready == -1) {
		snprintf(err, errlen, "%s", L.init_err);
		return -1;
	}
	L.nop = 0;
	for (i = 0; i < sizeof(tops) / sizeof(tops[0]); i++)
		if (add_path(L.op, &L.nop, LX_OPS_MAX, tops[i], 0, L.init_err,
		    sizeof(L.init_err)) == -1)
			goto fail;
	if (add_op(L.op, &L.nop, LX_OPS_MAX, LX_MKDIR, NULL, "/dev",
	    "mkdir") == NULL)
		goto full;
	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		if (access(devs[i], F_OK) == -1) {
			snprintf(L.init_err, sizeof(L.init_err), "%s: %s",
			    devs[i], strerror(errno));
			goto fail;
		}
		if (add_path(L.op, &L.nop, LX_OPS_MAX, devs[i], 1, L.init_err,
		    sizeof(L.init_err)) == -1)
			goto fail;
	}
	if (build_seccomp(L.init_err, sizeof(L.init_err)) == -1)
		goto fail;
	/* Landlock's ABI and the write accesses it can handle (0: none) */
	L.ll_abi = confine_ll_abi();
	L.ll_write = confine_ll_write(L.ll_abi);
	L.ready = 1;
	return 0;
full:
	snprintf(L.init_err, sizeof(L.init_err), "mount plan too long");
fail:
	L.ready = -1;
	snprintf(err, errlen, "%s", L.init_err);
	return -1;
}

/*
 * The per-job steps: the job directory's parents, and the toolchain's
 * own tree if it lies outside what every root has (a cross compiler in
 * /opt/x/bin: /opt/x is bound read-only).
 */
static int
plan_job(struct lx_job *J, char *err, size_t errlen)
{
	const struct sbx_spec *s = J->s;
	char		 buf[PATH_MAX], real[PATH_MAX], *p;
	const char	*cand[2];
	size_t		 i, k;

	J->nop = 0;
	if (s->dir[0] != '/' || strlen(s->dir) >= sizeof(J->rel_dir) ||
	    strcmp(s->dir, "/") == 0) {
		snprintf(err, errlen, "job directory %s: not absolute",
		    s->dir);
		return -1;
	}
	cand[0] = s->path;
	cand[1] = realpath(s->path, real) != NULL ? real : NULL;
	for (k = 0; k < 2; k++) {
		if (cand[k] == NULL || cand[k][0] != '/' || covered(cand[k]))
			continue;
		snprintf(buf, sizeof(buf), "%s", cand[k]);
		if ((p = strrchr(buf, '/')) == NULL || p == buf)
			continue;
		*p = '\0';				/* its directory */
		if ((p = strrchr(buf, '/')) != NULL && p != buf &&
		    strcmp(p, "/bin") == 0)
			*p = '\0';			/* a prefix/bin */
		for (i = 0; i < J->nop; i++)
			if (J->op[i].kind == LX_BIND_DIR &&
			    strcmp(J->op[i].src, buf) == 0)
				break;
		if (i < J->nop)
			continue;
		if (strncmp(s->dir, buf, strlen(buf)) == 0 &&
		    (s->dir[strlen(buf)] == '/' ||
		    s->dir[strlen(buf)] == '\0')) {
			snprintf(err, errlen, "the compiler %s is inside the "
			    "job's own directory tree", s->path);
			return -1;
		}
		if (add_path(J->op, &J->nop, LX_JOB_OPS, buf, 0, err,
		    errlen) == -1)
			return -1;
	}
	snprintf(J->rel_dir, sizeof(J->rel_dir), "%s", s->dir + 1);
	snprintf(buf, sizeof(buf), "%s", s->dir);
	for (p = strchr(buf + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (add_op(J->op, &J->nop, LX_JOB_OPS, LX_MKDIR, NULL, buf,
		    "mkdir") == NULL) {
			snprintf(err, errlen, "mount plan too long");
			return -1;
		}
		*p = '/';
	}
	if (add_op(J->op, &J->nop, LX_JOB_OPS, LX_MKDIR, NULL, s->dir,
	    "mkdir") == NULL) {
		snprintf(err, errlen, "mount plan too long");
		return -1;
	}
	if (ro_flags(s->dir, &J->dir_flags) == -1) {
		snprintf(err, errlen, "statvfs %s: %s", s->dir,
		    strerror(errno));
		return -1;
	}
	/* the job directory stays writable */
	J->dir_flags = (J->dir_flags & ~(unsigned long)MS_RDONLY) | MS_NODEV;
	return 0;
}

/* The child (async-signal-safe calls only). */

/* Write "ccpoold: cannot run the compiler: what: errno N" and exit 127. */
static void
lx_fail(const char *what)
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

static void
lx_write_proc(const char *file, const char *text)
{
	int	 fd;

	if ((fd = open(file, O_WRONLY | O_CLOEXEC)) == -1)
		lx_fail(file);
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		lx_fail(file);
	(void)close(fd);
}

static void
lx_limit(int res, uint64_t cur, uint64_t max, const char *what)
{
	struct rlimit	 rl;

	rl.rlim_cur = (rlim_t)cur;
	rl.rlim_max = (rlim_t)max;
	if (setrlimit(res, &rl) == -1)
		lx_fail(what);
}

/* Run the plan's steps; cwd is the new root. */
static void
lx_ops(const struct lx_op *ops, size_t n)
{
	size_t	 i;
	int	 fd;

	for (i = 0; i < n; i++) {
		const struct lx_op *o = &ops[i];

		switch (o->kind) {
		case LX_MKDIR:
			if (mkdir(o->dst, 0755) == -1 && errno != EEXIST)
				lx_fail(o->dst);
			break;
		case LX_SYMLINK:
			if (symlink(o->src, o->dst) == -1 && errno != EEXIST)
				lx_fail(o->dst);
			break;
		case LX_BIND_FILE:
			if ((fd = open(o->dst, O_WRONLY | O_CREAT | O_CLOEXEC,
			    0644)) == -1)
				lx_fail(o->dst);
			(void)close(fd);
			if (mount(o->src, o->dst, NULL, MS_BIND, NULL) == -1 ||
			    mount(NULL, o->dst, NULL, o->flags, NULL) == -1)
				lx_fail(o->what);
			break;
		case LX_BIND_DIR:
			if (mkdir(o->dst, 0755) == -1 && errno != EEXIST)
				lx_fail(o->dst);
			if (mount(o->src, o->dst, NULL, MS_BIND, NULL) == -1 ||
			    mount(NULL, o->dst, NULL, o->flags, NULL) == -1)
				lx_fail(o->what);
			break;
		}
	}
}

/* Landlock: writes only beneath the job directory and to /dev/null. */
static void
lx_landlock(const struct lx_job *J)
{
	int	 rs;

	if (L.ll_abi == 0)
		return;
	if ((rs = confine_ll_new(L.ll_write)) == -1)
		lx_fail("landlock: ruleset");
	if (confine_ll_add(rs, J->s->dir, L.ll_write, 0) == -1)
		lx_fail("landlock: job directory rule");
	/* a file: confine_ll_add keeps its file rights (write, truncate) */
	if (confine_ll_add(rs, "/dev/null", L.ll_write, 0) == -1)
		lx_fail("landlock: /dev/null rule");
	if (confine_ll_restrict(rs) == -1)
		lx_fail("landlock: restrict");
}

/*
 * The cloned child: pid 1 of its namespaces.  Builds the root on a tmpfs
 * mounted over the job directory's path (the directory itself is bound
 * back from a descriptor), pivots into it, drops everything and execs.
 * Never returns.
 */
static void
lx_child(const struct lx_job *J)
{
	const struct sbx_spec *s = J->s;
	char		 fdpath[32];
	sigset_t	 none;
	uint64_t	 v;
	int		 dirfd, sig;

	if (dup2(J->errfd, 2) == -1)
		_exit(127);
	for (sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	/* the runner gone: pid 1 dies, and the kernel kills the rest */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
		lx_fail("prctl PDEATHSIG");
	if (J->priv) {
		/* the parent maps LX_JOB_ID; become it, with no groups */
		char	 c;

		(void)close(J->sync[1]);
		if (read(J->sync[0], &c, 1) != 1)
			lx_fail("user namespace: uid map");
		(void)close(J->sync[0]);
		if (setgroups(0, NULL) == -1)
			lx_fail("user namespace: setgroups");
	} else {
		/*
		 * A runner that switched users is not dumpable, so its
		 * /proc files (ours too) belong to root: take them back.
		 */
		if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) == -1)
			lx_fail("prctl DUMPABLE");
		lx_write_proc("/proc/self/setgroups", "deny");
		lx_write_proc("/proc/self/uid_map", J->uid_map);
		lx_write_proc("/proc/self/gid_map", J->gid_map);
	}
	if (setsid() == -1)
		lx_fail("setsid");
	{
		const char *what;

		/* here, while the host's /proc is there: the new session's
		   autogroup is set through /proc/self/autogroup */
		if (sbx_lowest_priority(&what) == -1)
			lx_fail(what);
	}
	(void)sethostname("ccpool-job", 10);

	/* the root: a tmpfs over the job directory's own path */
	if ((dirfd = open(s->dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		lx_fail("job directory");
	if (mount("ccpool-job", s->dir, "tmpfs", MS_NOSUID | MS_NODEV |
	    MS_NOEXEC, J->root_opts) == -1)
		lx_fail("mount namespace: tmpfs root");
	if (chdir(s->dir) == -1)
		lx_fail("chdir root");
	/*
	 * A root runner's child was kuid 0 (unmapped) so far, which let it
	 * through the runner's 0700 directories; from here on it is
	 * LX_JOB_ID and keeps its capabilities in the namespace (uid 0 is
	 * not mapped, so the kernel sees no root losing its rights).
	 */
	if (J->priv && (setresgid(LX_JOB_ID, LX_JOB_ID, LX_JOB_ID) == -1 ||
	    setresuid(LX_JOB_ID, LX_JOB_ID, LX_JOB_ID) == -1))
		lx_fail("user namespace: setresuid");
	lx_ops(L.op, L.nop);
	lx_ops(J->op, J->nop);
	v = (uint64_t)dirfd;
	{
		/* "/proc/self/fd/N" without snprintf */
		char	 num[12];
		int	 i = (int)sizeof(num);

		do
			num[--i] = (char)('0' + v % 10);
		while ((v /= 10) > 0 && i > 0);
		memcpy(fdpath, "/proc/self/fd/", 14);
		memcpy(fdpath + 14, num + i, sizeof(num) - (size_t)i);
		fdpath[14 + sizeof(num) - (size_t)i] = '\0';
	}
	if (mount(fdpath, J->rel_dir, NULL, MS_BIND, NULL) == -1 ||
	    mount(NULL, J->rel_dir, NULL, MS_BIND | MS_REMOUNT | J->dir_flags,
	    NULL) == -1)
		lx_fail("bind job directory");
	(void)close(dirfd);
	if (symlink(s->dir, "tmp") == -1 && errno != EEXIST)
		lx_fail("tmp link");
	/*
	 * No /proc.  gcc, cc1, cc1plus and as never open it; clang asks it
	 * only for its own path (/proc/self/exe) and the names of open
	 * files (/proc/self/fd) and falls back to realpath(3) for both.  A
	 * job makes its compiler quote any file it can name (a line marker
	 * "# 1 \"/proc/cmdline\"", as's .include), and even a pid-only proc
	 * (subset=pid) has /proc/self/mountinfo: the host's devices, paths
	 * and mount options.
	 */
	if (syscall(SYS_pivot_root, ".", ".") == -1)
		lx_fail("pivot_root");
	if (umount2(".", MNT_DETACH) == -1)
		lx_fail("detach old root");
	if (chdir("/") == -1 || mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT |
	    MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == -1)
		lx_fail("read-only root");
	if (chdir(s->dir) == -1)
		lx_fail("chdir job directory");

	if (dup2(J->nullfd, 0) == -1 || dup2(J->outfd, 1) == -1)
		lx_fail("stdin/stdout");
	if (syscall(SYS_close_range, 3U, ~0U, 0) == -1)
		for (int fd = 3; fd < 65536; fd++)
			(void)close(fd);

	lx_limit(RLIMIT_CORE, 0, 0, "setrlimit CORE");
	if (s->cpu_sec)	/* SIGXCPU first, SIGKILL a second later */
		lx_limit(RLIMIT_CPU, s->cpu_sec, s->cpu_sec + 1,
		    "setrlimit CPU");
	if (s->fsize)
		lx_limit(RLIMIT_FSIZE, s->fsize, s->fsize, "setrlimit FSIZE");
	if (s->as_bytes)
		lx_limit(RLIMIT_AS, s->as_bytes, s->as_bytes,
		    "setrlimit AS");
	v = s->nproc ? s->nproc : LX_NPROC;
	lx_limit(RLIMIT_NPROC, v, v, "setrlimit NPROC");
	v = s->nofile ? s->nofile : LX_NOFILE;
	{
		struct rlimit	 cur;

		/* never above what ccpoold has (a lower LimitNOFILE) */
		if (getrlimit(RLIMIT_NOFILE, &cur) == 0 && cur.rlim_max < v)
			v = cur.rlim_max;
	}
	lx_limit(RLIMIT_NOFILE, v, v, "setrlimit NOFILE");

	if (confine_no_new_privs() == -1)
		lx_fail("no_new_privs");
	{
		const char *what;

		if (confine_drop_caps(1, &what) == -1)
			lx_fail(what);
	}
	lx_landlock(J);
	if (confine_seccomp_install(&L.prog) == -1)
		lx_fail("seccomp");
	execve(s->path, s->argv, J->envp);
	lx_fail(s->path);
}

/* The ops. */

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

static pid_t
lx_spawn(const struct sbx_spec *s, char *err, size_t errlen)
{
	struct lx_job	*J;
	pid_t		 pid = -1;
	int		 dfd = -1, e;

	if (lx_init(err, errlen) == -1)
		return -1;
	if ((J = calloc(1, sizeof(*J))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	J->s = s;
	J->errfd = J->outfd = J->nullfd = -1;
	if (plan_job(J, err, errlen) == -1)
		goto done;
	J->sync[0] = J->sync[1] = -1;
	if ((J->priv = geteuid() == 0)) {
		snprintf(J->uid_map, sizeof(J->uid_map), "%d %d 1\n",
		    LX_JOB_ID, LX_JOB_ID);
		memcpy(J->gid_map, J->uid_map, sizeof(J->gid_map));
		if (give_dir(s->dir, err, errlen) == -1)
			goto done;
		if (pipe2(J->sync, O_CLOEXEC) == -1) {
			snprintf(err, errlen, "pipe: %s", strerror(errno));
			goto done;
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
	if ((size_t)snprintf(J->tmpdir, sizeof(J->tmpdir), "TMPDIR=%s",
	    s->dir) >= sizeof(J->tmpdir)) {
		snprintf(err, errlen, "job directory name too long");
		goto done;
	}
	J->envp[0] = (char *)LX_PATH;
	J->envp[1] = J->tmpdir;
	J->envp[2] = (char *)"LC_ALL=C";
	J->envp[3] = (char *)"GCC_COLORS=";
	J->envp[4] = NULL;
	/* The outputs are made here, as the runner; the child only uses them. */
	if ((dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (J->errfd = openat(dfd, s->err_file, O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC | O_NOFOLLOW, 0600)) == -1 ||
	    (J->outfd = openat(dfd, s->out_file, O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC | O_NOFOLLOW, 0600)) == -1 ||
	    (J->nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "job files in %s: %s", s->dir,
		    strerror(errno));
		goto done;
	}
	pid = (pid_t)syscall(SYS_clone, (unsigned long)(LX_NS | SIGCHLD),
	    NULL, NULL, NULL, NULL);
	if (pid == 0)
		lx_child(J);		/* never returns */
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
done:
	if (J->sync[0] != -1)
		close(J->sync[0]);
	if (J->sync[1] != -1)
		close(J->sync[1]);
	if (dfd != -1)
		close(dfd);
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
	if (rc == 0 && L.ll_abi == 0)
		log_warnx("sandbox linux: Landlock is not available in this "
		    "kernel: the optional write-restriction layer is off");
	else if (rc == 0)
		log_debug("sandbox linux: all layers work (Landlock ABI %d)",
		    L.ll_abi);
	return rc;
}

const struct sandbox_ops sbx_linux = {
	"linux",
	lx_check,
	lx_spawn,
	lx_kill,
};
