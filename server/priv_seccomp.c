/*
 * priv_seccomp.c - the seccomp filters of ccpoold's processes, built
 * with common/confine.c (libseccomp).  See priv.h.
 *
 *   net     allow-list: what a libevent loop, OpenSSL TLS and evhttp on
 *           already open sockets need.  File opens and new sockets fail
 *           with EACCES rather than kill: libraries probe files now and
 *           then, and the empty root has nothing to find anyway.
 *   pub     allow-list: an Avahi client on libdbus (it reconnects to the
 *           system bus socket, so AF_UNIX sockets and file reads stay)
 *           and reads of /proc/stat and /proc/meminfo.
 *   runner  deny-list: what a job runner never needs (ptrace and
 *           CONFINE_DENY_BASE: kernel modules, kexec, bpf, perf,
 *           keyrings, io_uring, ...; the job sandbox denies these too).  It
 *           keeps clone/unshare/mount/pivot_root/setns for the job
 *           sandbox; jobs inherit the filter.
 * Anything an allow-list does not name kills the process (SIGSYS), and
 * so does a 32-bit or x32 call on x86_64: the parent logs which process
 * died and how.  Sanitizer builds need a few more system calls (their
 * runtime, LeakSanitizer at exit above all): those are added only when
 * built with -fsanitize=address (CONFINE_SANITIZED, common/confine.h).
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

#include "common/confine.h"
#include "server/priv.h"

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
#ifdef CONFINE_SANITIZED
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
#ifdef CONFINE_SANITIZED
	SAN_ALLOW,
#endif
};

static const char *const runner_deny[] = {
#ifndef CONFINE_SANITIZED
	"ptrace",	/* LeakSanitizer needs it at exit */
#endif
	CONFINE_DENY_BASE
};

const char *const *
priv_seccomp_names(enum priv_filter f, size_t *n)
{
	switch (f) {
	case PRIV_FILTER_NET:
		*n = NELEM(net_allow);
		return net_allow;
	case PRIV_FILTER_PUB:
	case PRIV_FILTER_PUB_DNS:
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

/* The allow-lists' rules with arguments; f is net or pub. */
static int
special(struct confine_filter *cf, enum priv_filter f, char *err,
    size_t errlen)
{
	/* evbuffer_read asks FIONREAD; stdio asks isatty (TCGETS). */
	static const unsigned long ioctls[] = { FIONREAD, FIONBIO, FIOCLEX,
	    TCGETS };
	const uint32_t		 eacces = SCMP_ACT_ERRNO(EACCES);
	struct scmp_arg_cmp	 c;
	size_t			 i;

	for (i = 0; i < NELEM(ioctls); i++) {
		c = SCMP_A1(SCMP_CMP_EQ, ioctls[i]);
		if (confine_filter_rule(cf, SCMP_ACT_ALLOW, "ioctl", 1, &c,
		    err, errlen) == -1)
			return -1;
	}
	/* abort() and raise(): signals to ourselves only. */
	c = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid());
	if (confine_filter_rule(cf, SCMP_ACT_ALLOW, "tgkill", 1, &c, err,
	    errlen) == -1)
		return -1;
	if (f == PRIV_FILTER_PUB_DNS) {
		/* dynamic DNS updates (pub_dns.c): UDP and TCP to the DNS */
		c = SCMP_A0(SCMP_CMP_EQ, AF_INET);
		if (confine_filter_rule(cf, SCMP_ACT_ALLOW, "socket", 1, &c,
		    err, errlen) == -1)
			return -1;
		c = SCMP_A0(SCMP_CMP_EQ, AF_INET6);
		if (confine_filter_rule(cf, SCMP_ACT_ALLOW, "socket", 1, &c,
		    err, errlen) == -1)
			return -1;
	}
	if (f == PRIV_FILTER_PUB || f == PRIV_FILTER_PUB_DNS) {
		c = SCMP_A0(SCMP_CMP_EQ, AF_UNIX);
		return confine_filter_rule(cf, SCMP_ACT_ALLOW, "socket", 1, &c,
		    err, errlen);
	}
#ifndef CONFINE_SANITIZED
	if (confine_filter_rule(cf, eacces, "openat", 0, NULL, err,
	    errlen) == -1 || confine_filter_rule(cf, eacces, "open", 0, NULL,
	    err, errlen) == -1)
		return -1;
#endif
	if (confine_filter_rule(cf, eacces, "socket", 0, NULL, err,
	    errlen) == -1 || confine_filter_rule(cf, eacces, "connect", 0,
	    NULL, err, errlen) == -1)
		return -1;
	return 0;
}

int
priv_seccomp(enum priv_filter f, char *err, size_t errlen)
{
	struct confine_filter	*cf;
	const char *const	*names;
	size_t			 n;
	int			 allow = priv_seccomp_is_allow(f), rc = -1;

	names = priv_seccomp_names(f, &n);
	if ((cf = confine_filter_new(allow, err, errlen)) == NULL)
		return -1;
	if (confine_filter_names(cf, names, n, err, errlen) == 0 &&
	    (!allow || special(cf, f, err, errlen) == 0) &&
	    confine_filter_load(cf, err, errlen) == 0)
		rc = 0;
	confine_filter_free(cf);
	return rc;
}
