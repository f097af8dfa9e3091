/*
 * sandbox_lxroot.c - the root of a "linux" sandbox job: a small tmpfs
 * holding read-only binds of /usr, the merged-usr links, a few /etc
 * files, /dev/null, zero, urandom, the toolchain's own tree if it lies
 * elsewhere, and the job directory read-write at its own path; no /proc.
 * The plan is made in the parent (lxroot_plan_static once,
 * lxroot_plan_job per job; they may allocate), the child only runs it
 * (lxroot_mount, lxroot_build: system calls only).  See sandbox_lx.h.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/sandbox_lx.h"
#include "server/sandbox_util.h"

/* The plan (parent side). */

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
covered(const struct lx_static *st, const char *abs)
{
	size_t	 i, n;

	for (i = 0; i < st->nop; i++) {
		if (st->op[i].kind != LX_BIND_DIR)
			continue;
		n = strlen(st->op[i].src);
		if (strncmp(abs, st->op[i].src, n) == 0 &&
		    (abs[n] == '/' || abs[n] == '\0'))
			return 1;
	}
	return 0;
}

int
lxroot_plan_static(struct lx_static *st, char *err, size_t errlen)
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

	st->nop = 0;
	for (i = 0; i < sizeof(tops) / sizeof(tops[0]); i++)
		if (add_path(st->op, &st->nop, LX_OPS_MAX, tops[i], 0, err,
		    errlen) == -1)
			return -1;
	if (add_op(st->op, &st->nop, LX_OPS_MAX, LX_MKDIR, NULL, "/dev",
	    "mkdir") == NULL) {
		snprintf(err, errlen, "mount plan too long");
		return -1;
	}
	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		if (access(devs[i], F_OK) == -1) {
			snprintf(err, errlen, "%s: %s", devs[i],
			    strerror(errno));
			return -1;
		}
		if (add_path(st->op, &st->nop, LX_OPS_MAX, devs[i], 1, err,
		    errlen) == -1)
			return -1;
	}
	return 0;
}

int
lxroot_plan_job(struct lx_job *J, char *err, size_t errlen)
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
		if (cand[k] == NULL || cand[k][0] != '/' || covered(J->st, cand[k]))
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

/* The root (child side: async-signal-safe calls only). */

/* Run the plan's steps; cwd is the new root. */
static void
run_ops(const struct lx_op *ops, size_t n)
{
	size_t	 i;
	int	 fd;

	for (i = 0; i < n; i++) {
		const struct lx_op *o = &ops[i];

		switch (o->kind) {
		case LX_MKDIR:
			if (mkdir(o->dst, 0755) == -1 && errno != EEXIST)
				sbx_child_fail(o->dst);
			break;
		case LX_SYMLINK:
			if (symlink(o->src, o->dst) == -1 && errno != EEXIST)
				sbx_child_fail(o->dst);
			break;
		case LX_BIND_FILE:
			if ((fd = open(o->dst, O_WRONLY | O_CREAT | O_CLOEXEC,
			    0644)) == -1)
				sbx_child_fail(o->dst);
			(void)close(fd);
			if (mount(o->src, o->dst, NULL, MS_BIND, NULL) == -1 ||
			    mount(NULL, o->dst, NULL, o->flags, NULL) == -1)
				sbx_child_fail(o->what);
			break;
		case LX_BIND_DIR:
			if (mkdir(o->dst, 0755) == -1 && errno != EEXIST)
				sbx_child_fail(o->dst);
			if (mount(o->src, o->dst, NULL, MS_BIND, NULL) == -1 ||
			    mount(NULL, o->dst, NULL, o->flags, NULL) == -1)
				sbx_child_fail(o->what);
			break;
		}
	}
}

int
lxroot_mount(const struct lx_job *J)
{
	int	 dirfd;

	if ((dirfd = open(J->s->dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		sbx_child_fail("job directory");
	if (mount("ccpool-job", J->s->dir, "tmpfs", MS_NOSUID | MS_NODEV |
	    MS_NOEXEC, J->root_opts) == -1)
		sbx_child_fail("mount namespace: tmpfs root");
	if (chdir(J->s->dir) == -1)
		sbx_child_fail("chdir root");
	return dirfd;
}

/* "/proc/self/fd/N" of fd into buf (32 bytes), without snprintf. */
static void
fd_path(int fd, char *buf)
{
	uint64_t v = (uint64_t)fd;
	char	 num[12];
	int	 i = (int)sizeof(num);

	do
		num[--i] = (char)('0' + v % 10);
	while ((v /= 10) > 0 && i > 0);
	memcpy(buf, "/proc/self/fd/", 14);
	memcpy(buf + 14, num + i, sizeof(num) - (size_t)i);
	buf[14 + sizeof(num) - (size_t)i] = '\0';
}

void
lxroot_build(const struct lx_job *J, int dirfd)
{
	char		 fdpath[32];

	run_ops(J->st->op, J->st->nop);
	run_ops(J->op, J->nop);
	fd_path(dirfd, fdpath);
	if (mount(fdpath, J->rel_dir, NULL, MS_BIND, NULL) == -1 ||
	    mount(NULL, J->rel_dir, NULL, MS_BIND | MS_REMOUNT | J->dir_flags,
	    NULL) == -1)
		sbx_child_fail("bind job directory");
	(void)close(dirfd);
	if (symlink(J->s->dir, "tmp") == -1 && errno != EEXIST)
		sbx_child_fail("tmp link");
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
		sbx_child_fail("pivot_root");
	if (umount2(".", MNT_DETACH) == -1)
		sbx_child_fail("detach old root");
	if (chdir("/") == -1 || mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT |
	    MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == -1)
		sbx_child_fail("read-only root");
	if (chdir(J->s->dir) == -1)
		sbx_child_fail("chdir job directory");
}
