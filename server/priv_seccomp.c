/*
 * priv_seccomp.c - the seccomp filters of ccpoold's processes, built
 * with libseccomp.  See priv.h.
 *
 *   net     allow-list: what a libevent loop, OpenSSL TLS and evhttp on
 *           already open sockets need.  File opens and new sockets fail
 *           with EACCES rather than kill: libraries probe files now and
 *           then, and the empty root has nothing to find anyway.
 *   pub     allow-list: an Avahi client on libdbus (it reconnects to the
 *           system bus socket, so AF_UNIX sockets and file reads stay)
 *           and reads of /proc/stat and /proc/meminfo.
 *   runner  deny-list: what a job runner never needs (ptrace, kernel
 *           modules, kexec, bpf, perf, keyrings, io_uring, ...).  It
 *           keeps clone/unshare/mount/pivot_root/setns for the job
 *           sandbox; jobs inherit the filter.
 * Anything an allow-list does not name kills the process (SIGSYS), and
 * so does a 32-bit or x32 call on x86_64: the parent logs which process
 * died and how.  Sanitizer builds need a few more system calls (their
 * runtime, LeakSanitizer at exit above all): those are added only when
 * built with -fsanitize=address (see PRIV_SANITIZED).
 */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <seccomp.h>

#include "server/priv.h"	/* PRIV_SANITIZED */

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Every process with an allow-list: memory, signals, time, the loop. */
#define BASE_ALLOW							\
	"read", "write", "readv", "writev", "close", "fstat", "newfstatat", \
	"lseek", "brk", "mmap", "munmap", "mremap", "madvise", "mprotect", \
	"futex", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",	\
	"sigaltstack", "restart_syscall", "clock_gettime", "clock_getres", \
	"gettimeofday", "time", "nanosleep", "clock_nanosleep", "getpid", \
	"gettid", "getuid", "geteuid", "getgid", "getegid", "getrandom", \
	"exit", "exit_group", "epoll_wait", "epoll_pwait", "epoll_pwait2", \
	"epoll_ctl", "poll", "ppoll", "select", "pselect6", "fcntl",	\
	"accept", "accept4", "recvfrom", "recvmsg", "sendto", "sendmsg", \
	"shutdown", "getsockname", "getpeername", "setsockopt",		\
	"getsockopt", "uname"	/* gethostname() */

/*
 * What the sanitizer runtimes call: LeakSanitizer stops the world at
 * exit with a ptrace'ing clone, reads /proc/self/maps, and reports.
 */
#define SAN_ALLOW							\
	"clone", "ptrace", "wait4", "prctl", "sched_yield", "getppid",	\
	"readlink", "openat", "open", "getdents64", "pipe2", "dup2",	\
	"sched_getaffinity", "setrlimit", "getrlimit", "prlimit64",	\
	"msync", "mincore"

static const char *const net_allow[] = {
	BASE_ALLOW,
#ifdef PRIV_SANITIZED
	SAN_ALLOW,
#endif
};

static const char *const pub_allow[] = {
	BASE_ALLOW,
	/* files: /proc/stat, /proc/meminfo, what libdbus reads */
	"openat", "open", "statx", "access", "faccessat", "faccessat2",
	"readlink", "readlinkat", "getdents64", "pread64",
	/* the D-Bus connection (socket is AF_UNIX only, see below) */
	"connect", "socketpair", "pipe2", "eventfd2", "getppid",
	"sched_getaffinity", "getresuid", "getresgid",
#ifdef PRIV_SANITIZED
	SAN_ALLOW,
#endif
};

static const char *const runner_deny[] = {
#ifndef PRIV_SANITIZED
	"ptrace",	/* LeakSanitizer needs it at exit */
#endif
	"process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
	"kexec_load", "kexec_file_load", "init_module", "finit_module",
	"delete_module", "bpf", "perf_event_open", "keyctl", "add_key",
	"request_key", "reboot", "swapon", "swapoff", "acct",
	"settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
	"iopl", "ioperm", "quotactl", "lookup_dcookie", "open_by_handle_at",
	"name_to_handle_at", "syslog", "vhangup", "uselib", "userfaultfd",
	"fanotify_init", "io_uring_setup", "io_uring_enter",
	"io_uring_register", "nfsservctl"
};

const char *const *
priv_seccomp_names(enum priv_filter f, size_t *n)
{
	switch (f) {
	case PRIV_FILTER_NET:
		*n = NELEM(net_allow);
		return net_allow;
	case PRIV_FILTER_PUB:
		*n = NELEM(pub_allow);
		return pub_allow;
	case PRIV_FILTER_RUNNER:
		break;
	}
	*n = NELEM(runner_deny);
	return runner_deny;
}

int
priv_seccomp_is_allow(enum priv_filter f)
{
	return f != PRIV_FILTER_RUNNER;
}

/* Add one rule for the system call called name.  -1 with err set. */
static int
rule(scmp_filter_ctx ctx, uint32_t action, const char *name,
    unsigned ncmp, const struct scmp_arg_cmp *cmp, char *err,
    size_t errlen)
{
	int	 nr, e;

	if ((nr = seccomp_syscall_resolve_name(name)) == __NR_SCMP_ERROR) {
		snprintf(err, errlen, "seccomp: unknown system call %s",
		    name);
		return -1;
	}
	if ((e = seccomp_rule_add_array(ctx, action, nr, ncmp, cmp)) < 0) {
		snprintf(err, errlen, "seccomp: rule for %s: %s", name,
		    strerror(-e));
		return -1;
	}
	return 0;
}

/* The allow-lists' rules with arguments; f is net or pub. */
static int
special(scmp_filter_ctx ctx, enum priv_filter f, char *err, size_t errlen)
{
	/* evbuffer_read asks FIONREAD; stdio asks isatty (TCGETS). */
	static const unsigned long ioctls[] = { FIONREAD, FIONBIO, FIOCLEX,
	    TCGETS };
	struct scmp_arg_cmp	 c;
	size_t			 i;

	for (i = 0; i < NELEM(ioctls); i++) {
		c = SCMP_A1(SCMP_CMP_EQ, ioctls[i]);
		if (rule(ctx, SCMP_ACT_ALLOW, "ioctl", 1, &c, err, errlen) ==
		    -1)
			return -1;
	}
	/* abort() and raise(): signals to ourselves only. */
	c = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid());
	if (rule(ctx, SCMP_ACT_ALLOW, "tgkill", 1, &c, err, errlen) == -1)
		return -1;
	if (f == PRIV_FILTER_PUB) {
		c = SCMP_A0(SCMP_CMP_EQ, AF_UNIX);
		if (rule(ctx, SCMP_ACT_ALLOW, "socket", 1, &c, err, errlen) ==
		    -1)
			return -1;
		return 0;
	}
#ifndef PRIV_SANITIZED
	if (rule(ctx, SCMP_ACT_ERRNO(EACCES), "openat", 0, NULL, err,
	    errlen) == -1 || rule(ctx, SCMP_ACT_ERRNO(EACCES), "open", 0,
	    NULL, err, errlen) == -1)
		return -1;
#endif
	if (rule(ctx, SCMP_ACT_ERRNO(EACCES), "socket", 0, NULL, err,
	    errlen) == -1 || rule(ctx, SCMP_ACT_ERRNO(EACCES), "connect", 0,
	    NULL, err, errlen) == -1)
		return -1;
	return 0;
}

int
priv_seccomp(enum priv_filter f, char *err, size_t errlen)
{
	scmp_filter_ctx		 ctx;
	const char *const	*names;
	size_t			 n, i;
	int			 allow = priv_seccomp_is_allow(f), e;

	names = priv_seccomp_names(f, &n);
	ctx = seccomp_init(allow ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_ALLOW);
	if (ctx == NULL) {
		snprintf(err, errlen, "seccomp_init failed");
		return -1;
	}
	/* A foreign ABI (int 0x80, x32) would bypass the rules. */
	if ((e = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS)) < 0) {
		snprintf(err, errlen, "seccomp: bad-arch action: %s",
		    strerror(-e));
		goto fail;
	}
	for (i = 0; i < n; i++)
		if (rule(ctx, allow ? SCMP_ACT_ALLOW : SCMP_ACT_KILL_PROCESS,
		    names[i], 0, NULL, err, errlen) == -1)
			goto fail;
	if (allow && special(ctx, f, err, errlen) == -1)
		goto fail;
	if ((e = seccomp_load(ctx)) < 0) {
		snprintf(err, errlen, "seccomp_load: %s", strerror(-e));
		goto fail;
	}
	seccomp_release(ctx);
	return 0;
fail:
	seccomp_release(ctx);
	return -1;
}
