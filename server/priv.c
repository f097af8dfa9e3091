/*
 * priv.c - switching to the dedicated user, the empty root of the
 * network process, the work directory, and wait statuses for the log.
 * See priv.h; the seccomp filters are in priv_seccomp.c, capabilities,
 * no_new_privs and Landlock in common/confine.c, and proc.c applies all
 * of it in each process.
 */
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/confine.h"
#include "server/priv.h"

/* Where the empty tmpfs is mounted before it becomes the root. */
#define PRIV_EMPTY_AT	"/tmp"

int
priv_user_name_ok(const char *name)
{
	size_t	 i;

	if (name[0] == '\0' || name[0] == '-' || name[0] == '.')
		return 0;
	for (i = 0; name[i] != '\0'; i++) {
		if (i >= PRIV_USER_MAX - 1)
			return 0;
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '_' || name[i] == '.' || name[i] == '-'))
			return 0;
	}
	return 1;
}

int
priv_user_lookup(const char *name, struct priv_user *u, char *err,
    size_t errlen)
{
	struct passwd	 pw, *res = NULL;
	char		 buf[16384];
	int		 e;

	memset(u, 0, sizeof(*u));
	if (!priv_user_name_ok(name)) {
		snprintf(err, errlen, "bad user name");
		return -1;
	}
	e = getpwnam_r(name, &pw, buf, sizeof(buf), &res);
	if (res == NULL) {
		if (e != 0 && e != ENOENT && e != ESRCH)
			snprintf(err, errlen, "user %s: %s", name,
			    strerror(e));
		else
			snprintf(err, errlen, "user %s does not exist: "
			    "create it with `useradd --system "
			    "--no-create-home --shell /usr/sbin/nologin %s` "
			    "(make install does), or name another with -u "
			    "or the user key", name, name);
		return -1;
	}
	if (pw.pw_uid == 0 || pw.pw_gid == 0) {
		snprintf(err, errlen, "user %s has uid or gid 0: ccpoold "
		    "needs an unprivileged user", name);
		return -1;
	}
	snprintf(u->name, sizeof(u->name), "%s", name);
	u->uid = pw.pw_uid;
	u->gid = pw.pw_gid;
	return 0;
}

int
priv_drop(const struct priv_user *u, char *err, size_t errlen)
{
	uid_t	 r, e, s;
	gid_t	 rg, eg, sg, groups[2];
	int	 n;

	if (setgroups(1, &u->gid) == -1) {
		snprintf(err, errlen, "setgroups: %s", strerror(errno));
		return -1;
	}
	if (setresgid(u->gid, u->gid, u->gid) == -1) {
		snprintf(err, errlen, "setresgid: %s", strerror(errno));
		return -1;
	}
	if (setresuid(u->uid, u->uid, u->uid) == -1) {
		snprintf(err, errlen, "setresuid: %s", strerror(errno));
		return -1;
	}
	/* Trust nothing: check every id, and that root is out of reach. */
	if (getresuid(&r, &e, &s) == -1 || r != u->uid || e != u->uid ||
	    s != u->uid || getresgid(&rg, &eg, &sg) == -1 || rg != u->gid ||
	    eg != u->gid || sg != u->gid) {
		snprintf(err, errlen, "ids not changed to %s", u->name);
		return -1;
	}
	n = getgroups(2, groups);
	if (n < 0 || n > 1 || (n == 1 && groups[0] != u->gid)) {
		snprintf(err, errlen, "supplementary groups not dropped");
		return -1;
	}
	if (setuid(0) != -1 || seteuid(0) != -1 || setgid(0) != -1 ||
	    setegid(0) != -1) {
		snprintf(err, errlen, "could regain root after the switch "
		    "to %s", u->name);
		return -1;
	}
	return 0;
}

int
priv_empty_root(int userns, char *err, size_t errlen)
{
	const char	*what;
	int		 flags = CLONE_NEWNS;

	if (userns || geteuid() != 0)
		flags |= CLONE_NEWUSER;
	if (unshare(flags) == -1) {
		snprintf(err, errlen, "unshare(%s): %s%s",
		    flags & CLONE_NEWUSER ? "user+mount" : "mount",
		    strerror(errno), flags & CLONE_NEWUSER ? " (are "
		    "unprivileged user namespaces disabled? see sysctl "
		    "user.max_user_namespaces)" : "");
		return -1;
	}
	/* Nothing we mount here may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1) {
		snprintf(err, errlen, "make / private: %s", strerror(errno));
		return -1;
	}
	if (mount("ccpool-empty", PRIV_EMPTY_AT, "tmpfs", MS_RDONLY |
	    MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,nr_inodes=2,mode=0555")
	    == -1) {
		snprintf(err, errlen, "mount tmpfs on %s: %s", PRIV_EMPTY_AT,
		    strerror(errno));
		return -1;
	}
	if (chdir(PRIV_EMPTY_AT) == -1) {
		snprintf(err, errlen, "chdir %s: %s", PRIV_EMPTY_AT,
		    strerror(errno));
		return -1;
	}
	/*
	 * pivot_root(".", ".") stacks the old root on the new one; the
	 * detaching umount then takes it away for good (chroot alone
	 * would leave it reachable to a process that can call chroot).
	 */
	if (syscall(SYS_pivot_root, ".", ".") == -1) {
		snprintf(err, errlen, "pivot_root: %s", strerror(errno));
		return -1;
	}
	if (umount2(".", MNT_DETACH) == -1) {
		snprintf(err, errlen, "umount old root: %s", strerror(errno));
		return -1;
	}
	if (chdir("/") == -1) {
		snprintf(err, errlen, "chdir /: %s", strerror(errno));
		return -1;
	}
	/* The new user namespace gave us every capability inside it. */
	if ((flags & CLONE_NEWUSER) && confine_drop_caps(0, &what) == -1) {
		snprintf(err, errlen, "%s: %s", what, strerror(errno));
		return -1;
	}
	return 0;
}

int
priv_dir_usable(mode_t mode, uid_t owner, gid_t group, uid_t uid, gid_t gid)
{
	if (uid == 0)
		return 1;
	/* The kernel uses the first class that matches, not the best. */
	if (uid == owner)
		return (mode & 0300) == 0300;
	if (gid == group)
		return (mode & 0030) == 0030;
	return (mode & 0003) == 0003;
}

int
priv_workdir(const char *dir, uid_t uid, gid_t gid, char *err,
    size_t errlen)
{
	struct stat	 st;
	int		 fd, made = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 &&
	    errno == ENOENT) {
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "work directory %s: mkdir: %s",
			    dir, strerror(errno));
			return -1;
		}
		made = 1;
		/* No symlink planted between mkdir and open is followed. */
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
		    O_NOFOLLOW);
	}
	if (fd == -1) {
		snprintf(err, errlen, "work directory %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (made && geteuid() == 0 && fchown(fd, uid, gid) == -1) {
		snprintf(err, errlen, "work directory %s: chown: %s", dir,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "work directory %s: %s", dir,
		    strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (!priv_dir_usable(st.st_mode, st.st_uid, st.st_gid, uid, gid)) {
		snprintf(err, errlen, "work directory %s (owner %lu, mode "
		    "%03o) is not writable by uid %lu: chown it to the "
		    "server's user or set another workdir", dir,
		    (unsigned long)st.st_uid, (unsigned)(st.st_mode & 0777),
		    (unsigned long)uid);
		return -1;
	}
	return 0;
}

const char *
priv_exit_reason(int status, char *buf, size_t len)
{
	const char	*abbr;
	int		 sig;

	if (WIFEXITED(status)) {
		snprintf(buf, len, "exited %d", WEXITSTATUS(status));
		return buf;
	}
	if (!WIFSIGNALED(status)) {
		snprintf(buf, len, "stopped (status 0x%x)", (unsigned)status);
		return buf;
	}
	sig = WTERMSIG(status);
	abbr = sigabbrev_np(sig);
	snprintf(buf, len, "killed by signal %d (SIG%s)%s", sig,
	    abbr != NULL ? abbr : "?", sig == SIGSYS ? ": its seccomp "
	    "filter stopped a system call it does not allow (the kernel "
	    "log, dmesg or audit type=SECCOMP, names it: syscall=N)" : "");
	return buf;
}
