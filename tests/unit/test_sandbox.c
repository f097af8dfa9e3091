/*
 * test_sandbox.c - the "linux" job sandbox (server/sandbox_linux.c and
 * its parts, sandbox_lx.h) from the inside: jobs that are /bin/sh scripts or a small helper program
 * (compiled here, run as the "compiler" so its directory is bound like a
 * toolchain's) try to read /etc/shadow and /root, write outside their
 * directory, open sockets, make namespaces, escape with setsid, fork-bomb,
 * burn CPU, write too much and allocate too much.  Also: the job is pid
 * 1, has no capabilities, can write its own directory, has no /proc (no
 * host file there to open, none for gcc to quote), and gcc compiles
 * inside.  Skipped, with a message, where user namespaces are missing.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "server/sandbox.c"
#include "server/sandbox_util.c"
#include "server/sandbox_none.c"
#include "server/sandbox_lxroot.c"
#include "server/sandbox_lxfilter.c"
#include "server/sandbox_lxchild.c"
#include "server/sandbox_linux.c"

static char	 top[64];		/* scratch, removed at the end */
static char	 helper[128];		/* the helper binary, "" if none */
static char	 why_not[256];		/* why the sandbox cannot run */
static int	 njob;

static const char helper_src[] =
    "#define _GNU_SOURCE\n"
    "#include <sys/ioctl.h>\n"
    "#include <sys/mount.h>\n"
    "#include <sys/ptrace.h>\n"
    "#include <sys/socket.h>\n"
    "#include <sys/syscall.h>\n"
    "#include <linux/capability.h>\n"
    "#include <net/if.h>\n"
    "#include <sched.h>\n"
    "#include <errno.h>\n"
    "#include <fcntl.h>\n"
    "#include <stdio.h>\n"
    "#include <stdlib.h>\n"
    "#include <string.h>\n"
    "#include <unistd.h>\n"
    "int main(int c, char **v) {\n"
    "  if (c < 2) return 2;\n"
    "  if (!strcmp(v[1], \"inet\")) {\n"
    "    int s = socket(AF_INET, SOCK_STREAM, 0);\n"
    "    printf(\"inet %d %d\\n\", s, s < 0 ? errno : 0);\n"
    "    s = socket(AF_INET6, SOCK_DGRAM, 0);\n"
    "    printf(\"inet6 %d %d\\n\", s, s < 0 ? errno : 0);\n"
    "    s = socket(AF_NETLINK, SOCK_RAW, 0);\n"
    "    printf(\"netlink %d %d\\n\", s, s < 0 ? errno : 0);\n"
    "    s = socket(AF_UNIX, SOCK_STREAM, 0);\n"
    "    printf(\"unix %d\\n\", s >= 0);\n"
    "  } else if (!strcmp(v[1], \"ns\")) {\n"
    "    printf(\"unshare %d\\n\", unshare(CLONE_NEWUSER) < 0 ? errno : 0);\n"
    "    printf(\"mount %d\\n\", mount(\"none\", \"/\", \"tmpfs\", 0, 0) < 0 ? errno : 0);\n"
    "    printf(\"ptrace %d\\n\", ptrace(PTRACE_TRACEME, 0, 0, 0) < 0 ? errno : 0);\n"
    "  } else if (!strcmp(v[1], \"fork\")) {\n"
    "    int n = 0, e = 0;\n"
    "    for (int i = 0; i < 2000; i++) {\n"
    "      pid_t p = fork();\n"
    "      if (p == 0) { pause(); _exit(0); }\n"
    "      if (p < 0) { e = errno; break; }\n"
    "      n++;\n"
    "    }\n"
    "    printf(\"forked %d %d\\n\", n, e);\n"
    "    fflush(stdout);\n"
    "    for (;;) pause();\n"
    "  } else if (!strcmp(v[1], \"alloc\")) {\n"
    "    void *p = malloc((size_t)1 << 30);\n"
    "    printf(\"alloc %d\\n\", p != NULL);\n"
    "  } else if (!strcmp(v[1], \"caps\")) {\n"
    "    struct __user_cap_header_struct h = {\n"
    "      _LINUX_CAPABILITY_VERSION_3, 0 };\n"
    "    struct __user_cap_data_struct d[2];\n"
    "    if (syscall(SYS_capget, &h, d) < 0) return 1;\n"
    "    printf(\"CapEff %08x%08x\\n\", d[1].effective, d[0].effective);\n"
    "  } else if (!strcmp(v[1], \"ifs\")) {\n"
    "    int s = socket(AF_UNIX, SOCK_DGRAM, 0);\n"
    "    for (int i = 1; i < 4096; i++) {\n"
    "      struct ifreq r;\n"
    "      memset(&r, 0, sizeof(r));\n"
    "      r.ifr_ifindex = i;\n"
    "      if (ioctl(s, SIOCGIFNAME, &r) < 0) continue;\n"
    "      if (ioctl(s, SIOCGIFFLAGS, &r) < 0) return 1;\n"
    "      printf(\"if %s %s\\n\", r.ifr_name,\n"
    "          r.ifr_flags & IFF_UP ? \"up\" : \"down\");\n"
    "    }\n"
    "  } else if (!strcmp(v[1], \"open\")) {\n"
    "    for (int i = 2; i < c; i++) {\n"
    "      int fd = open(v[i], O_RDONLY);\n"
    "      printf(\"open %s %d\\n\", v[i], fd < 0 ? errno : 0);\n"
    "    }\n"
    "  }\n"
    "  return 0;\n"
    "}\n";

/* Remove the scratch tree (small; never follows symlinks). */
static void
rm_rf(const char *path)
{
	char	 cmd[PATH_MAX + 32];

	if (strncmp(path, "/tmp/ccpool-test-sbx.", 21) != 0)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	(void)!system(cmd);
}

static int
suite_init(void)
{
	char	 err[256], cmd[512], src[128];
	FILE	*f;

	snprintf(top, sizeof(top), "/tmp/ccpool-test-sbx.XXXXXX");
	if (mkdtemp(top) == NULL || chmod(top, 0755) == -1)
		return -1;
	if (sbx_linux.check(err, sizeof(err)) == -1) {
		snprintf(why_not, sizeof(why_not), "%s", err);
		fprintf(stderr, "\n  test_sandbox: SKIPPED, the linux sandbox "
		    "cannot run here: %s\n", err);
		return 0;
	}
	/* the helper: built with the host's gcc, if there is one */
	snprintf(src, sizeof(src), "%s/helper.c", top);
	snprintf(cmd, sizeof(cmd), "%s/tools", top);
	if (mkdir(cmd, 0755) == -1 || (f = fopen(src, "w")) == NULL)
		return -1;
	fputs(helper_src, f);
	fclose(f);
	snprintf(helper, sizeof(helper), "%s/tools/sbxhelper", top);
	snprintf(cmd, sizeof(cmd), "gcc -O1 -o %s %s 2>/dev/null", helper,
	    src);
	if (system(cmd) != 0) {
		fprintf(stderr, "\n  test_sandbox: no gcc: helper tests "
		    "skipped\n");
		helper[0] = '\0';
	}
	return 0;
}

static int
suite_clean(void)
{
	rm_rf(top);
	return 0;
}

/* A job to run; fill the fields the test cares about. */
struct job {
	char		 dir[128];
	const char	*path;
	char		*argv[16];
	struct sbx_spec	 s;
	int		 status;
	char		 out[8192];
	char		 err[8192];
	double		 ms;
};

static int
skipped(void)
{
	if (why_not[0] == '\0')
		return 0;
	CU_PASS("linux sandbox unavailable: test skipped");
	return 1;
}

static void
job_init(struct job *j, const char *path)
{
	memset(j, 0, sizeof(*j));
	snprintf(j->dir, sizeof(j->dir), "%s/job%d", top, ++njob);
	CU_ASSERT_FATAL(mkdir(j->dir, 0700) == 0);
	j->path = path;
	j->argv[0] = (char *)path;
	j->s.dir = j->dir;
	j->s.path = path;
	j->s.argv = j->argv;
	j->s.out_file = "stdout";
	j->s.err_file = "stderr";
	j->s.cpu_sec = 10;
	j->s.fsize = 16 << 20;
}

static void
slurp(const char *dir, const char *name, char *buf, size_t len)
{
	char	 p[300];
	ssize_t	 n;
	int	 fd;

	buf[0] = '\0';
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	if ((n = read(fd, buf, len - 1)) > 0)
		buf[n] = '\0';
	close(fd);
}

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * Spawn j, wait at most limit_ms for it (then kill it through the ops),
 * reap it and read its outputs.  Returns the pid it had, or -1.
 */
static pid_t
job_run(struct job *j, int limit_ms, void (*while_running)(pid_t))
{
	char	 err[256];
	double	 t0 = now_ms();
	pid_t	 pid, r;

	if ((pid = sbx_linux.spawn(&j->s, err, sizeof(err))) == -1) {
		fprintf(stderr, "spawn: %s\n", err);
		CU_FAIL("spawn failed");
		return -1;
	}
	if (while_running != NULL)
		while_running(pid);
	for (;;) {
		r = waitpid(pid, &j->status, WNOHANG);
		if (r == pid)
			break;
		if (now_ms() - t0 > limit_ms) {
			sbx_linux.kill(pid);
			(void)waitpid(pid, &j->status, 0);
			break;
		}
		usleep(5000);
	}
	j->ms = now_ms() - t0;
	slurp(j->dir, "stdout", j->out, sizeof(j->out));
	slurp(j->dir, "stderr", j->err, sizeof(j->err));
	return pid;
}

static void
sh_job(struct job *j, const char *script)
{
	job_init(j, "/bin/sh");
	j->argv[1] = (char *)"-c";
	j->argv[2] = (char *)script;
	j->argv[3] = NULL;
}

static void
test_basics(void)
{
	struct job	 j;
	char		 want[200];

	if (skipped())
		return;
	sh_job(&j, "echo pid=$$; echo cwd=$(pwd); echo tmp=$TMPDIR; "
	    "id -u; uname -n; echo hi >file && "
	    "mkdir d && echo ok >d/x && echo written");
	job_run(&j, 10000, NULL);
	CU_ASSERT(WIFEXITED(j.status) && WEXITSTATUS(j.status) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(j.out, "pid=1\n"));
	snprintf(want, sizeof(want), "cwd=%s\n", j.dir);
	CU_ASSERT_PTR_NOT_NULL(strstr(j.out, want));
	snprintf(want, sizeof(want), "tmp=%s\n", j.dir);
	CU_ASSERT_PTR_NOT_NULL(strstr(j.out, want));
	/* the runner's uid; a root runner's jobs run as nobody */
	snprintf(want, sizeof(want), "\n%ld\n", geteuid() == 0 ? 65534L :
	    (long)geteuid());
	CU_ASSERT_PTR_NOT_NULL(strstr(j.out, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(j.out, "ccpool-job\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(j.out, "written"));
	snprintf(want, sizeof(want), "%s/d/x", j.dir);
	CU_ASSERT(access(want, F_OK) == 0);
	if (j.err[0] != '\0')
		fprintf(stderr, "stderr: %s\n", j.err);
	/* no capabilities (capget: there is no /proc/self/status) */
	if (helper[0] == '\0')
		return;
	job_init(&j, helper);
	j.argv[1] = (char *)"caps";
	job_run(&j, 10000, NULL);
	CU_ASSERT_STRING_EQUAL(j.out, "CapEff 0000000000000000\n");
}

static void
test_no_secrets(void)
{
	struct job	 j;

	if (skipped())
		return;
	sh_job(&j, "for f in /etc/shadow /etc/passwd /root /home /var "
	    "/boot /run /sys /etc/ssh; do test -e $f && echo SEEN $f; done; "
	    "cat /etc/shadow; ls /root; ls /; ls /etc; ls /dev; true");
	job_run(&j, 10000, NULL);
	CU_ASSERT(WIFEXITED(j.status) && WEXITSTATUS(j.status) == 0);
	CU_ASSERT_PTR_NULL(strstr(j.out, "SEEN"));
	CU_ASSERT_PTR_NULL(strstr(j.out, "root:"));
	/* /dev holds exactly null, urandom, zero */
	CU_ASSERT_PTR_NOT_NULL(strstr(j.out, "null\nurandom\nzero\n"));
	if (strstr(j.out, "SEEN") != NULL)
		fprintf(stderr, "out: %s\n", j.out);
}

static void
test_no_writes_outside(void)
{
	struct job	 j;
	char		 p[300];

	if (skipped())
		return;
	sh_job(&j, "for f in /usr/pwned /etc/pwned /pwned /dev/pwned "
	    "/proc/pwned ../pwned /tmp/../pwned; do "
	    "echo x >$f 2>/dev/null && echo WROTE $f; done; "
	    "mkdir /usr/x 2>/dev/null && echo MADE; "
	    "echo x >/dev/null && echo devnull-ok; "
	    "head -c 4 /dev/urandom | wc -c");
	job_run(&j, 10000, NULL);
	CU_ASSERT(WIFEXITED(j.status) && WEXITSTATUS(j.status) == 0);
	CU_ASSERT_PTR_NULL(strstr(j.out, "WROTE"));
	CU_ASSERT_PTR_NULL(strstr(j.out, "MADE"));
	CU_ASSERT_PTR_NOT_NULL(strstr(j.out, "devnull-ok"));
	CU_ASSERT_PTR_NOT_NULL(strstr(j.out, "4\n"));
	CU_ASSERT(access("/usr/pwned", F_OK) == -1);
	snprintf(p, sizeof(p), "%s/pwned", top);
	CU_ASSERT(access(p, F_OK) == -1);
	if (strstr(j.out, "WROTE") != NULL)
		fprintf(stderr, "out: %s\n", j.out);
}

static void
test_network_and_syscalls(void)
{
	struct job	 j;

	if (skipped() || helper[0] == '\0')
		return;
	job_init(&j, helper);
	j.argv[1] = (char *)"inet";
	job_run(&j, 10000, NULL);
	CU_ASSERT(WIFEXITED(j.status) && WEXITSTATUS(j.status) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(j.out, "inet -1 1\n"));	/* EPERM */
	CU_ASSERT_PTR_NOT_NULL(strstr(j.out, "inet6 -1 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(j.out, "netlink -1 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(j.out, "unix 1\n"));
	job_init(&j, helper);
	j.argv[1] = (char *)"ns";
	job_run(&j, 10000, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(j.out, "unshare 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(j.out, "mount 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(j.out, "ptrace 1\n"));
	if (strstr(j.out, "ptrace 1\n") == NULL)
		fprintf(stderr, "out: %s err: %s\n", j.out, j.err);
	/* only lo, and it is down (ioctls: there is no /proc/net/dev) */
	job_init(&j, helper);
	j.argv[1] = (char *)"ifs";
	job_run(&j, 10000, NULL);
	CU_ASSERT_STRING_EQUAL(j.out, "if lo down\n");
}

/* Count the live processes in the pid namespace of pid (from outside). */
static int
ns_count(pid_t pid)
{
	char		 p[300], want[64], got[64];
	struct dirent	*de;
	DIR		*d;
	ssize_t		 n;
	int		 count = 0;

	snprintf(p, sizeof(p), "/proc/%ld/ns/pid", (long)pid);
	if ((n = readlink(p, want, sizeof(want) - 1)) <= 0)
		return 0;
	want[n] = '\0';
	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(p, sizeof(p), "/proc/%s/ns/pid", de->d_name);
		if ((n = readlink(p, got, sizeof(got) - 1)) <= 0)
			continue;
		got[n] = '\0';
		if (strcmp(got, want) == 0)
			count++;
	}
	closedir(d);
	return count;
}

/* Processes whose command line is "sleep 7771". */
static int
count_sleepers(void)
{
	char		 p[300], buf[64];
	struct dirent	*de;
	DIR		*d;
	ssize_t		 n;
	int		 fd, count = 0;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(p, sizeof(p), "/proc/%s/cmdline", de->d_name);
		if ((fd = open(p, O_RDONLY | O_CLOEXEC)) == -1)
			continue;
		n = read(fd, buf, sizeof(buf));
		close(fd);
		if (n == 11 && memcmp(buf, "sleep\0" "7771\0", 11) == 0)
			count++;
	}
	closedir(d);
	return count;
}

static int	 seen_running;

static void
wait_sleepers(pid_t pid)
{
	int	 i;

	(void)pid;
	for (i = 0; i < 400 && count_sleepers() < 2; i++)
		usleep(5000);
	seen_running = count_sleepers();
}

static void
test_kill_tree(void)
{
	struct job	 j;
	int		 i;

	if (skipped())
		return;
	sh_job(&j, "setsid sleep 7771 & (setsid sleep 7771 &) ; sleep 1; "
	    "exec sleep 100");
	job_run(&j, 2000, wait_sleepers);
	CU_ASSERT(seen_running >= 2);
	CU_ASSERT(WIFSIGNALED(j.status) && WTERMSIG(j.status) == SIGKILL);
	for (i = 0; i < 100 && count_sleepers() > 0; i++)
		usleep(10000);
	CU_ASSERT_EQUAL(count_sleepers(), 0);
}

static int	 bomb_peak;
static const char *bomb_dir;	/* the job's, when its stdout says when */

/*
 * Count the job's processes for a second, or, with bomb_dir, until its
 * stdout says it is done forking (at most 60 s: a job runs at SCHED_IDLE
 * and on a busy machine may wait long for a CPU).
 */
static void
watch_bomb(pid_t pid)
{
	char	 out[64];
	int	 i, n;

	for (i = 0; i < 6000; i++) {
		n = ns_count(pid);
		if (n > bomb_peak)
			bomb_peak = n;
		if (i >= 100 && bomb_dir == NULL)
			break;
		if (i >= 10 && bomb_dir != NULL) {
			slurp(bomb_dir, "stdout", out, sizeof(out));
			if (strchr(out, '\n') != NULL)
				break;
		}
		usleep(10000);
	}
}

static void
test_fork_bomb(void)
{
	struct job	 j;

	if (skipped() || helper[0] == '\0')
		return;
	bomb_peak = 0;
	job_init(&j, helper);
	j.argv[1] = (char *)"fork";
	j.s.nproc = 32;
	bomb_dir = j.dir;	/* killed once it has said how far it got */
	job_run(&j, 1000, watch_bomb);
	bomb_dir = NULL;
	/* the helper forks until EAGAIN, then its children wait forever */
	CU_ASSERT(bomb_peak > 1 && bomb_peak <= 32);
	CU_ASSERT(WIFSIGNALED(j.status) && WTERMSIG(j.status) == SIGKILL);
	CU_ASSERT(strncmp(j.out, "forked ", 7) == 0 &&
	    atoi(j.out + 7) < 32 && strstr(j.out, " 11\n") != NULL);
	fprintf(stderr, "[fork bomb: peak %d processes, %s] ", bomb_peak,
	    j.out);
	/* the shell bomb, bounded by the same limit and killed */
	bomb_peak = 0;
	sh_job(&j, "b() { b & b & wait; }; b 2>/dev/null");
	j.s.nproc = 32;
	job_run(&j, 1500, watch_bomb);
	CU_ASSERT(bomb_peak <= 32);
	fprintf(stderr, "[shell bomb: peak %d, status %#x] ", bomb_peak,
	    j.status);
	{
		pid_t p = fork();	/* and we can still fork */

		if (p == 0)
			_exit(0);
		CU_ASSERT(p > 0 && waitpid(p, NULL, 0) == p);
	}
}

static void
test_limits(void)
{
	struct job	 j;
	struct stat	 st;
	char		 p[300];

	if (skipped())
		return;
	/* CPU: pid 1 ignores SIGXCPU, so the hard limit's SIGKILL ends it */
	/* (wall limits far above 2 s of CPU: a job runs at SCHED_IDLE, and
	   make check may share the machine; tests/cpu_first.sh) */
	sh_job(&j, "while :; do :; done");
	j.s.cpu_sec = 1;
	job_run(&j, 60000, NULL);
	CU_ASSERT(WIFSIGNALED(j.status) && (WTERMSIG(j.status) == SIGKILL ||
	    WTERMSIG(j.status) == SIGXCPU));
	CU_ASSERT(j.ms < 59000);	/* the rlimit, not our wall limit */
	/* a child of pid 1 gets SIGXCPU */
	sh_job(&j, "sh -c 'while :; do :; done'; echo status=$?");
	j.s.cpu_sec = 1;
	job_run(&j, 60000, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(j.out, "status=152"));
	/* file size */
	sh_job(&j, "head -c 3000000 /dev/zero >big; echo status=$?");
	j.s.fsize = 1 << 20;
	job_run(&j, 10000, NULL);
	snprintf(p, sizeof(p), "%s/big", j.dir);
	CU_ASSERT(stat(p, &st) == 0 && st.st_size == 1 << 20);
	CU_ASSERT_PTR_NOT_NULL(strstr(j.out, "status=153"));
	/* memory */
	if (helper[0] != '\0') {
		job_init(&j, helper);
		j.argv[1] = (char *)"alloc";
		j.s.as_bytes = 256 << 20;
		job_run(&j, 10000, NULL);
		CU_ASSERT_PTR_NOT_NULL(strstr(j.out, "alloc 0\n"));
	}
}

static void
test_gcc(void)
{
	struct job	 j;
	char		 p[300];
	FILE		*f;

	if (skipped())
		return;
	if (access("/usr/bin/gcc", X_OK) == -1) {
		CU_PASS("no gcc");
		return;
	}
	job_init(&j, "/usr/bin/gcc");
	snprintf(p, sizeof(p), "%s/t.c", j.dir);
	CU_ASSERT_FATAL((f = fopen(p, "w")) != NULL);
	fputs("#include <stdio.h>\nint f(int x) { printf(\"%d\", x); "
	    "return x * 3; }\n", f);
	fclose(f);
	j.argv[1] = (char *)"-O2";
	j.argv[2] = (char *)"-c";
	j.argv[3] = (char *)"t.c";
	j.argv[4] = (char *)"-o";
	j.argv[5] = (char *)"t.o";
	j.argv[6] = NULL;
	j.s.as_bytes = 2048ull << 20;
	job_run(&j, 30000, NULL);
	CU_ASSERT(WIFEXITED(j.status) && WEXITSTATUS(j.status) == 0);
	snprintf(p, sizeof(p), "%s/t.o", j.dir);
	CU_ASSERT(access(p, F_OK) == 0);
	if (j.err[0] != '\0')
		fprintf(stderr, "gcc stderr: %s\n", j.err);
}

/* The first line of a host file (at most len - 1 bytes), "" if none. */
static void
first_line(const char *path, char *buf, size_t len)
{
	FILE	*f;

	buf[0] = '\0';
	if ((f = fopen(path, "re")) == NULL)
		return;
	if (fgets(buf, (int)len, f) == NULL)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* Does text hold the host's line?  (Lines too short to tell: no.) */
static int
leaks(const char *text, const char *line)
{
	return strlen(line) >= 8 && strstr(text, line) != NULL;
}

/* Write text to dir/name. */
static void
put_file(const char *dir, const char *name, const char *text)
{
	char	 p[300];
	FILE	*f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	CU_ASSERT_FATAL((f = fopen(p, "w")) != NULL);
	fputs(text, f);
	fclose(f);
}

/*
 * No /proc: nothing of the host's to open (the job's own file opens, so
 * the probe works), and gcc, told by line markers that its source is a
 * /proc file, has no line of it to quote, while it does quote a file of
 * the job's; the assembler's .include finds nothing either.
 */
static void
test_no_proc(void)
{
	static const char *const files[] = {
		"/proc/cmdline", "/proc/version", "/proc/self/mountinfo",
		"/proc/mounts", "/proc/cpuinfo", "/proc/meminfo",
		"/proc/self/status", "/proc/1/mountinfo",
		"/proc/sys/kernel/osrelease", "/proc",
	};
	struct job	 j;
	struct utsname	 u;
	char		 want[300], cmdline[128], version[128], *p;
	size_t		 i;
	int		 n;

	if (skipped())
		return;
	first_line("/proc/cmdline", cmdline, sizeof(cmdline));
	first_line("/proc/version", version, sizeof(version));
	CU_ASSERT_FATAL(uname(&u) == 0);
	if (helper[0] != '\0') {
		job_init(&j, helper);
		j.argv[1] = (char *)"open";
		j.argv[2] = (char *)helper;
		for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
			j.argv[3 + i] = (char *)files[i];
		job_run(&j, 10000, NULL);
		CU_ASSERT(WIFEXITED(j.status) && WEXITSTATUS(j.status) == 0);
		snprintf(want, sizeof(want), "open %s 0\n", helper);
		CU_ASSERT_PTR_NOT_NULL(strstr(j.out, want));
		for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			snprintf(want, sizeof(want), "open %s %d\n", files[i],
			    ENOENT);
			CU_ASSERT_PTR_NOT_NULL(strstr(j.out, want));
		}
		if (strstr(j.out, "/proc/cmdline 2\n") == NULL)
			fprintf(stderr, "out: %s\n", j.out);
	}
	sh_job(&j, "cat /proc/cmdline /proc/version /proc/self/mountinfo "
	    "/proc/mounts /proc/cpuinfo; ls -a /; true");
	job_run(&j, 10000, NULL);
	CU_ASSERT(WIFEXITED(j.status) && WEXITSTATUS(j.status) == 0);
	CU_ASSERT(!leaks(j.out, cmdline) && !leaks(j.out, version));
	CU_ASSERT_PTR_NULL(strstr(j.out, "proc\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(j.out, "usr\n"));

	if (access("/usr/bin/gcc", X_OK) == -1)
		return;
	job_init(&j, "/usr/bin/gcc");
	put_file(j.dir, "ctl.h", "int control_line_seen;\n");
	put_file(j.dir, "job.i",
	    "# 1 \"ctl.h\"\nint a0 = ;\n# 1 \"job.c\"\nint b0;\n"
	    "# 1 \"/proc/cmdline\"\nint a1 = ;\n# 1 \"job.c\"\nint b1;\n"
	    "# 1 \"/proc/version\"\nint a2 = ;\n# 1 \"job.c\"\nint b2;\n"
	    "# 1 \"/proc/self/mountinfo\"\nint a3 = ;\n# 1 \"job.c\"\n"
	    "int b3;\n# 1 \"/proc/mounts\"\nint a4 = ;\n# 1 \"job.c\"\n"
	    "int b4;\n# 1 \"/proc/cpuinfo\"\nint a5 = ;\n");
	j.argv[1] = (char *)"-x";
	j.argv[2] = (char *)"cpp-output";
	j.argv[3] = (char *)"-c";
	j.argv[4] = (char *)"job.i";
	j.argv[5] = (char *)"-o";
	j.argv[6] = (char *)"job.o";
	j.argv[7] = NULL;
	j.s.as_bytes = 2048ull << 20;
	job_run(&j, 30000, NULL);
	CU_ASSERT(WIFEXITED(j.status) && WEXITSTATUS(j.status) == 1);
	/* gcc quotes a file it can read, and took the markers */
	CU_ASSERT_PTR_NOT_NULL(strstr(j.err, "| int control_line_seen;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(j.err, "/proc/cmdline:1:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(j.err, "/proc/cpuinfo:1:"));
	/* but no line of /proc: the control's is the only one quoted */
	for (n = 0, p = j.err; (p = strstr(p, "    1 | ")) != NULL; p++)
		n++;
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT(!leaks(j.err, cmdline) && !leaks(j.err, version) &&
	    !leaks(j.err, u.release));
	CU_ASSERT_PTR_NULL(strstr(j.err, "ccpool-job"));
	if (n != 1)
		fprintf(stderr, "gcc stderr: %s\n", j.err);
	/* as's .include */
	job_init(&j, "/usr/bin/gcc");
	put_file(j.dir, "job.i",
	    "__asm__(\".include \\\"/proc/version\\\"\");\n");
	j.argv[1] = (char *)"-x";
	j.argv[2] = (char *)"cpp-output";
	j.argv[3] = (char *)"-c";
	j.argv[4] = (char *)"job.i";
	j.argv[5] = (char *)"-o";
	j.argv[6] = (char *)"job.o";
	j.argv[7] = NULL;
	j.s.as_bytes = 2048ull << 20;
	job_run(&j, 30000, NULL);
	CU_ASSERT(WIFEXITED(j.status) && WEXITSTATUS(j.status) == 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(j.err, "/proc/version"));
	CU_ASSERT(!leaks(j.err, version) && !leaks(j.err, u.release));
	CU_ASSERT_PTR_NULL(strstr(j.err, "no such instruction"));
}

/* What the job's process runs at, read from outside while it sleeps. */
static int	 prio_policy = -2, prio_nice = -100;
static char	 prio_ag[64];

static void
read_prio(pid_t pid)
{
	char	 p[64], comm[32] = "";
	int	 i;

	/* until the job has exec'd sleep: set-up is over */
	for (i = 0; i < 400 && strcmp(comm, "sleep\n") != 0; i++) {
		snprintf(p, sizeof(p), "/proc/%ld", (long)pid);
		slurp(p, "comm", comm, sizeof(comm));
		if (strcmp(comm, "sleep\n") != 0)
			usleep(5000);
	}
	prio_policy = sched_getscheduler(pid);
	errno = 0;
	prio_nice = getpriority(PRIO_PROCESS, (id_t)pid);
	slurp(p, "autogroup", prio_ag, sizeof(prio_ag));
}

/*
 * The job runs at the lowest priority: SCHED_IDLE, nice 19, and with
 * autogroup scheduling on its session's group at nice 19 too (set while
 * the host's /proc is still there: the job's root has none).
 */
static void
test_priority(void)
{
	struct job	 j;
	char		 ag[8] = "";

	if (skipped())
		return;
	job_init(&j, "/bin/sleep");
	j.argv[1] = (char *)"1";
	j.argv[2] = NULL;
	job_run(&j, 10000, read_prio);
	CU_ASSERT(WIFEXITED(j.status) && WEXITSTATUS(j.status) == 0);
	CU_ASSERT_EQUAL(prio_policy, SCHED_IDLE);
	CU_ASSERT_EQUAL(prio_nice, 19);
	slurp("/proc/sys/kernel", "sched_autogroup_enabled", ag, sizeof(ag));
	if (ag[0] == '1') {
		if (strstr(prio_ag, " nice 19\n") == NULL)
			fprintf(stderr, "autogroup: %s\n", prio_ag);
		CU_ASSERT_PTR_NOT_NULL(strstr(prio_ag, " nice 19\n"));
	}
}

/* A compiler that does not exist fails with the sandbox's own message. */
static void
test_missing_compiler(void)
{
	struct job	 j;

	if (skipped())
		return;
	job_init(&j, "/usr/bin/no-such-compiler");
	job_run(&j, 10000, NULL);
	CU_ASSERT(WIFEXITED(j.status) && WEXITSTATUS(j.status) == 127);
	CU_ASSERT(strncmp(j.err, "ccpoold: cannot run the compiler:", 33) ==
	    0);
}

int
init_sandbox_tests(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("sandbox", suite_init, suite_clean)) == NULL)
		return -1;
	if (CU_add_test(s, "basics: pid 1, cwd, uid, no caps, writes",
	    test_basics) == NULL ||
	    CU_add_test(s, "no /etc/shadow, /root, ...", test_no_secrets) ==
	    NULL ||
	    CU_add_test(s, "no writes outside the job", test_no_writes_outside)
	    == NULL ||
	    CU_add_test(s, "no network, no namespaces, no ptrace",
	    test_network_and_syscalls) == NULL ||
	    CU_add_test(s, "kill takes setsid'd escapers", test_kill_tree) ==
	    NULL ||
	    CU_add_test(s, "fork bomb contained", test_fork_bomb) == NULL ||
	    CU_add_test(s, "cpu, file size, memory limits", test_limits) ==
	    NULL ||
	    CU_add_test(s, "gcc compiles inside", test_gcc) == NULL ||
	    CU_add_test(s, "no /proc: nothing to open, nothing for gcc to "
	    "quote", test_no_proc) == NULL ||
	    CU_add_test(s, "SCHED_IDLE, nice 19, autogroup at 19",
	    test_priority) == NULL ||
	    CU_add_test(s, "missing compiler", test_missing_compiler) == NULL)
		return -1;
	return 0;
}
