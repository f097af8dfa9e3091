/*
 * test_agent_walls.c - the agent's walls (agent/agent_walls.c) and its
 * toolchain helper (agent/tchelp.c), in forked children that put up the
 * very profile ccpool-agent runs under: what the agent does at run time
 * still works (its directories, /etc, sockets, a compiler identified by
 * the helper), and a forbidden system call (ptrace, execve, fork, mount)
 * kills it with SIGSYS.
 */
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
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

#include "agent/agent_walls.c"
#include "agent/tchelp.c"
#include "agent/tcprobe.c"
#include "tests/unit/inchild.h"

static char	 aw_sock[64] = "/tmp/ccpool-test-aw-sock.XXXXXX";
static char	 aw_conf[64] = "/tmp/ccpool-test-aw-conf.XXXXXX";
static char	 aw_other[64] = "/tmp/ccpool-test-aw-other.XXXXXX";


static int
aw_up(void)
{
	char	 err[512];

	if (agent_walls_up(aw_sock, aw_conf, err, sizeof(err)) == -1) {
		fprintf(stderr, "agent_walls_up: %s\n", err);
		return -1;
	}
	return 0;
}

/* What the agent does at run time, then ptrace: SIGSYS. */
static int
aw_runtime(void)
{
	char	 path[128], buf[128];
	int	 fd, s;

	if (aw_up() == -1)
		return 10;
	snprintf(path, sizeof(path), "%s/known_servers.tmp", aw_conf);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) == -1 ||
	    write(fd, "x\n", 2) != 2)
		return 11;
	close(fd);
	snprintf(buf, sizeof(buf), "%s/known_servers", aw_conf);
	if (rename(path, buf) == -1 || unlink(buf) == -1)
		return 12;
	if ((fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC)) == -1 &&
	    errno != ENOENT)
		return 13;
	if (fd != -1)
		close(fd);
	if ((fd = open("/proc/stat", O_RDONLY | O_CLOEXEC)) == -1)
		return 14;
	close(fd);
	if ((s = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 15;
	close(s);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 16;
	close(s);
	/* a family it never uses fails, and does not kill */
	if (socket(AF_PACKET, SOCK_RAW, 0) != -1 || errno != EAFNOSUPPORT)
		return 17;
	if (socket(AF_NETLINK, SOCK_RAW, 0) != -1 || errno != EAFNOSUPPORT)
		return 18;
	/* the walls' Landlock: nothing outside its two directories */
	snprintf(path, sizeof(path), "%s/f", aw_other);
	if (confine_ll_abi() > 0 && open(path, O_WRONLY | O_CREAT |
	    O_CLOEXEC, 0600) != -1)
		return 19;
	if (confine_ll_abi() > 0 && open("/root/.profile", O_RDONLY |
	    O_CLOEXEC) != -1)
		return 20;
	(void)syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);
	return 21;
}

static int
aw_execve(void)
{
	char	*argv[] = { (char *)"/bin/true", NULL };

	if (aw_up() == -1)
		return 10;
	execve(argv[0], argv, argv + 1);
	return 11;
}

static int
aw_fork(void)
{
	if (aw_up() == -1)
		return 10;
	(void)syscall(SYS_fork);
	(void)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	return 11;
}

static int
aw_mount(void)
{
	if (aw_up() == -1)
		return 10;
	(void)mount("none", aw_other, "tmpfs", 0, NULL);
	return 11;
}

/* The helper started before the walls identifies a compiler after. */
static int
aw_helper(void)
{
	char	 err[512], id[96];

	if (tchelp_start(err, sizeof(err)) == -1) {
		fprintf(stderr, "tchelp_start: %s\n", err);
		return 10;
	}
	if (aw_up() == -1)
		return 11;
	if (tchelp_identify("/usr/bin/cc", id, sizeof(id), err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "tchelp_identify: %s\n", err);
		return 12;
	}
	if (strlen(id) < 8)
		return 13;
	if (tchelp_identify("/no/such/cc", id, sizeof(id), err,
	    sizeof(err)) != -1)
		return 14;
	if (tchelp_identify("relative/cc", id, sizeof(id), err,
	    sizeof(err)) != -1)
		return 15;
	/* the helper is still there after refusals */
	if (tchelp_identify("/usr/bin/cc", id, sizeof(id), err,
	    sizeof(err)) == -1)
		return 16;
	return 0;
}

static void
test_walls(void)
{
	int	 st;

	if (mkdtemp(aw_sock) == NULL || mkdtemp(aw_conf) == NULL ||
	    mkdtemp(aw_other) == NULL) {
		CU_FAIL("mkdtemp");
		return;
	}
	st = in_child(aw_runtime);
	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	if (WIFEXITED(st))
		fprintf(stderr, "aw_runtime exited %d\n", WEXITSTATUS(st));
	st = in_child(aw_execve);
	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	st = in_child(aw_fork);
	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	st = in_child(aw_mount);
	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	if (access("/usr/bin/cc", X_OK) == 0) {
		st = in_child(aw_helper);
		CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	(void)rmdir(aw_sock);
	(void)rmdir(aw_conf);
	(void)rmdir(aw_other);
}

int
init_agent_walls_tests(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("agent_walls", NULL, NULL)) == NULL)
		return -1;
	if (CU_add_test(s, "the agent's profile: run time works, ptrace, "
	    "execve, fork, mount kill", test_walls) == NULL)
		return -1;
	return 0;
}
