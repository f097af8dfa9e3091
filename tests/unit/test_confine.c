/*
 * test_confine.c - common/confine.c, each wall in a forked child: the
 * capability drop, no_new_privs, Landlock (read-only paths, a read-write
 * directory, a file rule), and seccomp filters (an allow-list kills what
 * it does not name, a deny-list kills or fails with EPERM what it names,
 * an exported program installed without libseccomp, names this machine
 * lacks skipped).
 */
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "common/confine.c"
#include "tests/unit/inchild.h"


static int
caps_gone(void)
{
	struct __user_cap_header_struct	 h;
	struct __user_cap_data_struct	 d[2];
	const char			*what;

	if (confine_drop_caps(0, &what) == -1) {
		fprintf(stderr, "%s: %s\n", what, strerror(errno));
		return 10;
	}
	memset(&h, 0, sizeof(h));
	h.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capget, &h, d) == -1)
		return 11;
	if (d[0].effective || d[0].permitted || d[0].inheritable ||
	    d[1].effective || d[1].permitted || d[1].inheritable)
		return 12;
	if (prctl(PR_CAPBSET_READ, 0, 0, 0, 0) != 0)	/* CAP_CHOWN */
		return 13;
	if (prctl(PR_CAPBSET_READ, 21, 0, 0, 0) != 0)	/* CAP_SYS_ADMIN */
		return 14;
	if (getuid() == 0 && (setuid(1) != -1 || errno != EPERM) &&
	    getuid() == 0)
		return 15;
	return 0;
}

static int
nnp_set(void)
{
	if (confine_no_new_privs() == -1)
		return 10;
	return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 11;
}

static void
test_caps_nnp(void)
{
	int	 st;

	st = in_child(caps_gone);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = in_child(nnp_set);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void
test_ll_rights(void)
{
	CU_ASSERT_EQUAL(confine_ll_read(0), 0);
	CU_ASSERT_EQUAL(confine_ll_write(0), 0);
	CU_ASSERT_EQUAL(confine_ll_exec(0), 0);
	CU_ASSERT_EQUAL(confine_ll_read(1), LANDLOCK_ACCESS_FS_READ_FILE |
	    LANDLOCK_ACCESS_FS_READ_DIR);
	CU_ASSERT(!(confine_ll_write(1) & LANDLOCK_ACCESS_FS_REFER));
	CU_ASSERT(confine_ll_write(2) & LANDLOCK_ACCESS_FS_REFER);
	CU_ASSERT(!(confine_ll_write(2) & LANDLOCK_ACCESS_FS_TRUNCATE));
	CU_ASSERT(confine_ll_write(3) & LANDLOCK_ACCESS_FS_TRUNCATE);
	CU_ASSERT(!(confine_ll_write(3) & confine_ll_read(3)));
	CU_ASSERT_EQUAL(confine_ll_exec(1), LANDLOCK_ACCESS_FS_EXECUTE);
}

/* Read-only: /proc/stat; nothing else, not even a write to /tmp. */
static int
ll_read_only(void)
{
	static const struct confine_path p[] = {
		{ "/proc/stat", CONFINE_R }, { "/no/such", CONFINE_R },
	};
	char	 err[256];
	int	 fd, r;

	if (confine_no_new_privs() == -1)
		return 10;
	r = confine_landlock(CONFINE_R | CONFINE_W | CONFINE_X, p, 2, err,
	    sizeof(err));
	if (r == -1) {
		fprintf(stderr, "confine_landlock: %s\n", err);
		return 11;
	}
	if (r == 0)
		return 0;	/* no Landlock here: nothing to check */
	if ((fd = open("/proc/stat", O_RDONLY | O_CLOEXEC)) == -1)
		return 12;
	close(fd);
	if (open("/etc/passwd", O_RDONLY | O_CLOEXEC) != -1 || errno != EACCES)
		return 13;
	if (open("/proc/self/mem", O_RDONLY | O_CLOEXEC) != -1)
		return 14;
	if (mkdir("/tmp/ccpool-test-confine-ll", 0700) != -1)
		return 15;
	if (open("/proc/stat", O_WRONLY | O_CLOEXEC) != -1)
		return 16;
	return 0;
}

static char	 rw_dir[64] = "/tmp/ccpool-test-confine.XXXXXX";
static char	 other_dir[64] = "/tmp/ccpool-test-confine.XXXXXX";

/* Read-write in rw_dir, read /etc/hostname; other_dir is out of reach. */
static int
ll_read_write(void)
{
	struct confine_path p[2];
	char	 path[128], other[128], err[256];
	int	 fd, r;

	p[0].path = rw_dir;
	p[0].access = CONFINE_R | CONFINE_W;
	p[1].path = "/etc/hostname";
	p[1].access = CONFINE_R | CONFINE_W;	/* a file: write, no make */
	if (confine_no_new_privs() == -1)
		return 10;
	/* execution not handled: stays allowed */
	if ((r = confine_landlock(CONFINE_R | CONFINE_W, p, 2, err,
	    sizeof(err))) == -1) {
		fprintf(stderr, "confine_landlock: %s\n", err);
		return 11;
	}
	if (r == 0)
		return 0;
	snprintf(path, sizeof(path), "%s/f", rw_dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) == -1)
		return 12;
	close(fd);
	snprintf(path, sizeof(path), "%s/f", rw_dir);
	snprintf(other, sizeof(other), "%s/f", other_dir);
	if (rename(path, other) != -1)
		return 13;	/* nothing moves out of it */
	snprintf(path, sizeof(path), "%s/d", rw_dir);
	if (mkdir(path, 0700) == -1 || rmdir(path) == -1)
		return 14;
	snprintf(path, sizeof(path), "%s/f", other_dir);
	if (open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600) != -1 ||
	    errno != EACCES)
		return 15;
	if (open("/etc/passwd", O_RDONLY | O_CLOEXEC) != -1)
		return 16;
	if ((fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC)) == -1)
		return 17;
	close(fd);
	return 0;
}

static void
test_landlock(void)
{
	char	 path[128];
	int	 st;

	st = in_child(ll_read_only);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (mkdtemp(rw_dir) == NULL || mkdtemp(other_dir) == NULL) {
		CU_FAIL("mkdtemp");
		return;
	}
	st = in_child(ll_read_write);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	snprintf(path, sizeof(path), "%s/f", rw_dir);
	(void)unlink(path);
	snprintf(path, sizeof(path), "%s/f", other_dir);
	CU_ASSERT(access(path, F_OK) == -1);
	(void)rmdir(rw_dir);
	(void)rmdir(other_dir);
}

/* The least a process needs to get to a system call and exit. */
#define TEST_ALLOW "read", "write", "close", "exit", "exit_group", \
	"brk", "mmap", "munmap", "fstat", "newfstatat", "rt_sigreturn", \
	"rt_sigprocmask", "futex", "getpid", "gettid"

static int
allow_list(struct confine_filter **out)
{
	static const char *const names[] = { TEST_ALLOW, "no_such_call" };
	struct confine_filter	*f;
	char			 err[256];

	if (confine_no_new_privs() == -1 ||
	    (f = confine_filter_new(1, err, sizeof(err))) == NULL)
		return -1;
	if (confine_filter_names(f, names, sizeof(names) / sizeof(names[0]),
	    err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		confine_filter_free(f);
		return -1;
	}
	*out = f;
	return 0;
}

/* An allow-list: getpid is fine, getppid kills. */
static int
allow_kills(void)
{
	struct confine_filter	*f;
	char			 err[256];

	if (allow_list(&f) == -1)
		return 10;
	if (confine_filter_load(f, err, sizeof(err)) == -1)
		return 11;
	confine_filter_free(f);
	(void)syscall(SYS_getpid);
	(void)syscall(SYS_getppid);
	return 12;
}

/* A deny-list whose names kill. */
static int
deny_kills(void)
{
	static const char *const names[] = { "ptrace", CONFINE_DENY_BASE };
	struct confine_filter	*f;
	char			 err[256];

	if (confine_no_new_privs() == -1 ||
	    (f = confine_filter_new(0, err, sizeof(err))) == NULL ||
	    confine_filter_names(f, names, sizeof(names) / sizeof(names[0]),
	    err, sizeof(err)) == -1 ||
	    confine_filter_load(f, err, sizeof(err)) == -1)
		return 10;
	confine_filter_free(f);
	if (getppid() <= 0)	/* not named: allowed */
		return 11;
	(void)syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);
	return 12;
}

static struct sock_filter	 bpf[1024];
static struct sock_fprog	 prog;

/* The exported EPERM deny-list installed with no libseccomp call. */
static int
exported(void)
{
	if (confine_no_new_privs() == -1 ||
	    confine_seccomp_install(&prog) == -1)
		return 10;
	if (syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0) != -1 ||
	    errno != EPERM)
		return 11;
	if (syscall(SYS_bpf, 0, NULL, 0) != -1 || errno != EPERM)
		return 12;
	if (getppid() <= 0)
		return 13;
	return 0;
}

static void
test_seccomp(void)
{
	static const char *const names[] = { "ptrace", CONFINE_DENY_BASE,
	    CONFINE_DENY_MOUNT, "vm86" /* not on x86_64: skipped */ };
	struct confine_filter	*f;
	char			 err[256];
	int			 st;

	st = in_child(allow_kills);
	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	st = in_child(deny_kills);
	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);

	f = confine_filter_new(0, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	confine_filter_deny_act(f, CONFINE_EPERM);
	CU_ASSERT_EQUAL(confine_filter_names(f, names, sizeof(names) /
	    sizeof(names[0]), err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(confine_filter_export(f, bpf, 1024, &prog, err,
	    sizeof(err)), 0);
	CU_ASSERT(prog.len > 10 && prog.filter == bpf);
	/* a buffer too small is refused, not overrun */
	CU_ASSERT_EQUAL(confine_filter_export(f, bpf, 4, &prog, err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(confine_filter_export(f, bpf, 1024, &prog, err,
	    sizeof(err)), 0);
	/* a name libseccomp does not know is an error in a single rule */
	CU_ASSERT_EQUAL(confine_filter_rule(f, SCMP_ACT_ALLOW, "no_such",
	    0, NULL, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no_such"));
	confine_filter_free(f);
	confine_filter_free(NULL);
	st = in_child(exported);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int
init_confine_tests(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("confine", NULL, NULL)) == NULL)
		return -1;
	if (CU_add_test(s, "capabilities dropped, no_new_privs",
	    test_caps_nnp) == NULL ||
	    CU_add_test(s, "Landlock rights per ABI", test_ll_rights) ==
	    NULL ||
	    CU_add_test(s, "Landlock: read-only, read-write, a file",
	    test_landlock) == NULL ||
	    CU_add_test(s, "seccomp: allow-list, deny-lists, exported",
	    test_seccomp) == NULL)
		return -1;
	return 0;
}
