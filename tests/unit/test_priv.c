/*
 * test_priv.c - privilege separation helpers (server/priv.c,
 * server/priv_seccomp.c): user names, the work directory permission rule,
 * wait statuses for the log, the shape of the seccomp lists, and, in
 * forked children, that each filter really kills or allows what it
 * should, that the empty root is empty, and (as root) the user switch.
 * Landlock and the filter builder are common/confine.c's: test_confine.c.
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "server/priv.c"
#include "server/priv_seccomp.c"
#include "tests/unit/inchild.h"

static void
test_user_name(void)
{
	CU_ASSERT(priv_user_name_ok("ccpoold"));
	CU_ASSERT(priv_user_name_ok("_ccpool"));
	CU_ASSERT(priv_user_name_ok("nobody"));
	CU_ASSERT(priv_user_name_ok("a.b-c_1"));
	CU_ASSERT(!priv_user_name_ok(""));
	CU_ASSERT(!priv_user_name_ok("-root"));
	CU_ASSERT(!priv_user_name_ok(".."));
	CU_ASSERT(!priv_user_name_ok("a b"));
	CU_ASSERT(!priv_user_name_ok("a/b"));
	CU_ASSERT(!priv_user_name_ok("0123456789012345678901234567890123"));
}

static void
test_user_lookup(void)
{
	struct priv_user u;
	char		 err[512];

	CU_ASSERT_EQUAL(priv_user_lookup("nobody", &u, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(u.name, "nobody");
	CU_ASSERT_NOT_EQUAL(u.uid, 0);
	CU_ASSERT_EQUAL(priv_user_lookup("root", &u, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unprivileged"));
	CU_ASSERT_EQUAL(priv_user_lookup("ccpool-no-such-user", &u, err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "useradd --system"));
}

static void
test_dir_usable(void)
{
	/* owner */
	CU_ASSERT(priv_dir_usable(0700, 100, 100, 100, 100));
	CU_ASSERT(!priv_dir_usable(0500, 100, 100, 100, 100));
	/* the owner class wins even when others may write */
	CU_ASSERT(!priv_dir_usable(0577, 100, 200, 100, 200));
	/* group */
	CU_ASSERT(priv_dir_usable(0770, 0, 200, 100, 200));
	CU_ASSERT(!priv_dir_usable(0750, 0, 200, 100, 200));
	/* others: /tmp */
	CU_ASSERT(priv_dir_usable(01777, 0, 0, 100, 100));
	CU_ASSERT(!priv_dir_usable(0755, 0, 0, 100, 100));
	/* root may */
	CU_ASSERT(priv_dir_usable(0700, 100, 100, 0, 0));
}

static void
test_workdir(void)
{
	char	 base[] = "/tmp/ccpool-test-priv.XXXXXX", d[64], err[512];
	struct stat st;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(base));
	snprintf(d, sizeof(d), "%s/w", base);
	CU_ASSERT_EQUAL(priv_workdir(d, getuid(), getgid(), err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(stat(d, &st), 0);
	CU_ASSERT(S_ISDIR(st.st_mode));
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0700);
	/* again: exists, fine */
	CU_ASSERT_EQUAL(priv_workdir(d, getuid(), getgid(), err,
	    sizeof(err)), 0);
	/* someone else's 0700 directory is refused, with the reason */
	if (getuid() == 0) {
		CU_ASSERT_EQUAL(priv_workdir(d, 65534, 65534, err,
		    sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "not writable"));
	}
	rmdir(d);
	rmdir(base);
}

static void
test_exit_reason(void)
{
	char	 b[512];

	CU_ASSERT_STRING_EQUAL(priv_exit_reason(3 << 8, b, sizeof(b)),
	    "exited 3");
	CU_ASSERT_STRING_EQUAL(priv_exit_reason(SIGKILL, b, sizeof(b)),
	    "killed by signal 9 (SIGKILL)");
	priv_exit_reason(SIGSYS, b, sizeof(b));
	CU_ASSERT_PTR_NOT_NULL(strstr(b, "SIGSYS"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b, "seccomp"));
}

static int
has(enum priv_filter f, const char *name)
{
	const char *const *v;
	size_t		 n, i;

	v = priv_seccomp_names(f, &n);
	for (i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return 1;
	return 0;
}

static void
test_lists(void)
{
	static const char *const never[] = { "execve", "execveat", "fork",
	    "vfork", "unshare", "setns", "mount", "chroot", "pivot_root",
	    "kill", "process_vm_writev", "bpf", "init_module", "setuid",
	    "setresuid", "capset", "seccomp" };
	static const char *const runner_needs[] = { "clone", "clone3",
	    "unshare", "mount", "umount2", "pivot_root", "execve", "wait4",
	    "waitid", "kill", "setns", "sethostname", "prctl", "seccomp" };
	static const char *const runner_never[] = { "kexec_load",
	    "init_module", "finit_module", "bpf", "perf_event_open",
	    "keyctl", "add_key", "process_vm_writev", "io_uring_setup" };
	const enum priv_filter all[] = { PRIV_FILTER_NET, PRIV_FILTER_PUB,
	    PRIV_FILTER_RUNNER };
	const char *const *v;
	size_t		 n, i, j, k;

	for (k = 0; k < 3; k++) {
		v = priv_seccomp_names(all[k], &n);
		CU_ASSERT(n > 0);
		for (i = 0; i < n; i++) {
			/* every name is a system call of this machine */
			CU_ASSERT(seccomp_syscall_resolve_name(v[i]) !=
			    __NR_SCMP_ERROR);
#ifndef CONFINE_SANITIZED
			for (j = i + 1; j < n; j++)
				CU_ASSERT(strcmp(v[i], v[j]) != 0);
#else
			(void)j;
#endif
		}
	}
	CU_ASSERT(priv_seccomp_is_allow(PRIV_FILTER_NET));
	CU_ASSERT(priv_seccomp_is_allow(PRIV_FILTER_PUB));
	CU_ASSERT(!priv_seccomp_is_allow(PRIV_FILTER_RUNNER));
	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
		CU_ASSERT(!has(PRIV_FILTER_NET, never[i]));
		CU_ASSERT(!has(PRIV_FILTER_PUB, never[i]));
	}
#ifndef CONFINE_SANITIZED
	CU_ASSERT(!has(PRIV_FILTER_NET, "openat"));
	CU_ASSERT(!has(PRIV_FILTER_NET, "ptrace"));
	CU_ASSERT(has(PRIV_FILTER_RUNNER, "ptrace"));
#endif
	CU_ASSERT(!has(PRIV_FILTER_NET, "socket"));
	CU_ASSERT(!has(PRIV_FILTER_NET, "connect"));
	CU_ASSERT(has(PRIV_FILTER_NET, "getrandom"));	/* OpenSSL */
	CU_ASSERT(has(PRIV_FILTER_NET, "accept4"));
	CU_ASSERT(has(PRIV_FILTER_PUB, "connect"));	/* D-Bus */
	CU_ASSERT(has(PRIV_FILTER_PUB, "openat"));	/* /proc/stat */
	for (i = 0; i < sizeof(runner_needs) / sizeof(runner_needs[0]); i++)
		CU_ASSERT(!has(PRIV_FILTER_RUNNER, runner_needs[i]));
	for (i = 0; i < sizeof(runner_never) / sizeof(runner_never[0]); i++)
		CU_ASSERT(has(PRIV_FILTER_RUNNER, runner_never[i]));
}


static int
net_filter(void)
{
	char	 err[256];

	if (confine_no_new_privs() == -1 ||
	    priv_seccomp(PRIV_FILTER_NET, err, sizeof(err)) == -1)
		return 10;
	return 0;
}

static int
net_allowed(void)
{
	int	 sv[2] = { -1, -1 };

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return 9;
	if (net_filter() != 0)
		return 10;
	/* the loop's bread and butter still works */
	if (write(sv[0], "x", 1) != 1 || getpid() <= 0)
		return 11;
	if (close(sv[0]) == -1)
		return 12;
#ifndef CONFINE_SANITIZED
	/* files and new sockets fail softly */
	if (open("/etc/passwd", O_RDONLY | O_CLOEXEC) != -1 || errno != EACCES)
		return 13;
#endif
	if (socket(AF_INET, SOCK_STREAM, 0) != -1 || errno != EACCES)
		return 14;
	return 0;
}

static int
net_denied(void)
{
	if (net_filter() != 0)
		return 10;
	(void)syscall(SYS_execve, "/bin/true", NULL, NULL);
	return 0;	/* should have been killed */
}

static int
pub_works(void)
{
	char	 err[256], buf[64];
	int	 fd, s;

	if (confine_no_new_privs() == -1 ||
	    priv_seccomp(PRIV_FILTER_PUB, err, sizeof(err)) == -1)
		return 10;
	if ((fd = open("/proc/stat", O_RDONLY | O_CLOEXEC)) == -1 ||
	    read(fd, buf, sizeof(buf)) <= 0)
		return 11;
	close(fd);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 12;
	close(s);
	/* only AF_UNIX: this one kills */
	(void)socket(AF_INET, SOCK_STREAM, 0);
	return 0;
}

/* pub-dns (dns_update): IP sockets for the updates, still no others */
static int
pubdns_works(void)
{
	char	 err[256];
	int	 s;

	if (confine_no_new_privs() == -1 ||
	    priv_seccomp(PRIV_FILTER_PUB_DNS, err, sizeof(err)) == -1)
		return 10;
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return 11;
	close(s);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 12;
	close(s);
	(void)socket(AF_NETLINK, SOCK_RAW, 0);	/* this one kills */
	return 0;
}

static int
runner_works(void)
{
	char	 err[256];
	pid_t	 p;
	int	 st;

	if (confine_no_new_privs() == -1 ||
	    priv_seccomp(PRIV_FILTER_RUNNER, err, sizeof(err)) == -1)
		return 10;
	/* fork and wait stay */
	if ((p = fork()) == -1)
		return 11;
	if (p == 0)
		_exit(7);
	if (waitpid(p, &st, 0) != p || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 7)
		return 12;
	/* bpf kills */
	(void)syscall(SYS_bpf, 0, NULL, 0);
	return 0;
}

static void
test_filters(void)
{
	int	 st;

	st = in_child(net_allowed);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = in_child(net_denied);
	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	st = in_child(pub_works);
	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	st = in_child(pubdns_works);
	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	st = in_child(runner_works);
	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
}

/* The empty root: nothing in /, no /etc, no /proc, cannot write. */
static int
check_empty(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	if ((d = opendir("/")) == NULL)
		return 11;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	if (n != 0)
		return 12;
	if (open("/etc/passwd", O_RDONLY | O_CLOEXEC) != -1)
		return 13;
	if (access("/proc/self", F_OK) != -1 || access("/../etc", F_OK) != -1)
		return 14;
	if (mkdir("/x", 0700) != -1)
		return 15;
	return 0;
}

static int
empty_userns(void)
{
	char	 err[256];

	if (priv_empty_root(1, err, sizeof(err)) == -1) {
		fprintf(stderr, "priv_empty_root(userns): %s\n", err);
		return 10;
	}
	return check_empty();
}

static int
empty_root(void)
{
	char	 err[256];

	if (priv_empty_root(0, err, sizeof(err)) == -1) {
		fprintf(stderr, "priv_empty_root: %s\n", err);
		return 10;
	}
	return check_empty();
}

static int
drop_nobody(void)
{
	struct priv_user u;
	char		 err[512];

	if (priv_user_lookup("nobody", &u, err, sizeof(err)) == -1)
		return 10;
	if (priv_drop(&u, err, sizeof(err)) == -1) {
		fprintf(stderr, "priv_drop: %s\n", err);
		return 11;
	}
	if (getuid() != u.uid || geteuid() != u.uid || getgid() != u.gid)
		return 12;
	if (setuid(0) != -1 || open("/etc/shadow", O_RDONLY) != -1)
		return 13;
	/* and the unprivileged path of the empty root works for it */
	return empty_root();
}

static void
test_empty_root(void)
{
	int	 st;

	st = in_child(empty_userns);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = in_child(empty_root);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void
test_drop(void)
{
	int	 st;

	if (getuid() != 0)
		return;		/* needs root */
	st = in_child(drop_nobody);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int
init_priv_tests(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("priv", NULL, NULL)) == NULL)
		return -1;
	if (CU_add_test(s, "user names", test_user_name) == NULL ||
	    CU_add_test(s, "user lookup", test_user_lookup) == NULL ||
	    CU_add_test(s, "directory permission rule",
	    test_dir_usable) == NULL ||
	    CU_add_test(s, "work directory", test_workdir) == NULL ||
	    CU_add_test(s, "exit reasons", test_exit_reason) == NULL ||
	    CU_add_test(s, "seccomp lists", test_lists) == NULL ||
	    CU_add_test(s, "seccomp filters in a child", test_filters) ==
	    NULL ||
	    CU_add_test(s, "empty root", test_empty_root) == NULL ||
	    CU_add_test(s, "switch to nobody (root only)", test_drop) == NULL)
		return -1;
	return 0;
}
