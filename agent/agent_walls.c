/*
 * agent_walls.c - the agent's confinement profile (see agent_walls.h),
 * built from common/confine.h.  The allow-list is what a libevent loop,
 * OpenSSL TLS client connections, a libdbus/Avahi client and the
 * agent's files need, found with strace over the lab's builds; the agent
 * never forks or executes (its toolchain helper, tchelp.c, runs
 * compilers).  Until agent.c offers a hook after its set-up, the walls go
 * up before it, so the list also holds what the set-up needs (mkdir of
 * the socket and config directories, flock, bind and listen).
 */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/sockios.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <krb5.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <seccomp.h>

#include "agent/agent_walls.h"
#include "common/confine.h"

#ifdef CONFINE_SANITIZED
#include <sanitizer/lsan_interface.h>
#endif

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const agent_allow[] = {
	/* memory, signals, time, ids */
	"read", "write", "readv", "writev", "pread64", "pwrite64", "close",
	"fstat", "newfstatat", "statx", "lseek", "brk", "mmap", "munmap",
	"mremap", "madvise", "mprotect", "futex", "rt_sigaction",
	"rt_sigprocmask", "rt_sigreturn", "sigaltstack", "restart_syscall",
	"clock_gettime", "clock_getres", "gettimeofday", "time",
	"nanosleep", "clock_nanosleep", "getpid", "gettid", "getppid",
	"getuid", "geteuid", "getgid", "getegid", "getresuid", "getresgid",
	"getgroups", "getrandom", "uname", "sysinfo", "sched_getaffinity",
	"sched_yield", "getrlimit", "prlimit64", "umask", "exit",
	"exit_group",
	/* the event loop */
	"epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
	"epoll_pwait2", "poll", "ppoll", "select", "pselect6", "eventfd2",
	"timerfd_create", "timerfd_settime", "pipe2", "fcntl", "dup",
	"dup3",
	/* sockets: wrappers, servers, the system bus, DNS */
	"socketpair", "connect", "accept", "accept4", "bind", "listen",
	"recvfrom", "recvmsg", "recvmmsg", "sendto", "sendmsg", "sendmmsg",
	"shutdown", "getsockname", "getpeername", "setsockopt",
	"getsockopt",
	/* files: Landlock says which */
	"openat", "open", "access", "faccessat", "faccessat2", "readlink",
	"readlinkat", "getdents64", "getcwd", "unlink", "unlinkat",
	"rename", "renameat", "renameat2", "mkdir", "mkdirat", "fchmod",
	"flock", "fsync", "fdatasync", "ftruncate", "link", "linkat",
#ifdef CONFINE_SANITIZED
	/* LeakSanitizer at exit: a ptrace'ing clone, /proc/self/maps */
	"clone", "ptrace", "wait4", "prctl", "dup2", "setrlimit", "msync",
	"mincore",
#endif
};

/* The calls allowed with some arguments only. */
static int
special(struct confine_filter *f, char *err, size_t errlen)
{
	/*
	 * libevent asks FIONREAD; stdio asks isatty (TCGETS); discovery
	 * names a link-local address's interface (if_indextoname)
	 */
	static const unsigned long ioctls[] = { FIONREAD, FIONBIO, FIOCLEX,
	    TCGETS, SIOCGIFNAME, SIOCGIFINDEX };
	static const int families[] = { AF_UNIX, AF_INET, AF_INET6 };
	struct scmp_arg_cmp	 c[1];
	size_t			 i;

	for (i = 0; i < NELEM(ioctls); i++) {
		c[0] = SCMP_A1(SCMP_CMP_EQ, ioctls[i]);
		if (confine_filter_rule(f, SCMP_ACT_ALLOW, "ioctl", 1, c, err,
		    errlen) == -1)
			return -1;
	}
	for (i = 0; i < NELEM(families); i++) {
		c[0] = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)families[i]);
		if (confine_filter_rule(f, SCMP_ACT_ALLOW, "socket", 1, c, err,
		    errlen) == -1)
			return -1;
	}
	/* any other family (a probe of netlink, packet sockets) fails */
	for (i = 0; i < AF_INET6; i++) {
		if (i == AF_UNIX || i == AF_INET)
			continue;
		c[0] = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)i);
		if (confine_filter_rule(f, SCMP_ACT_ERRNO(EAFNOSUPPORT),
		    "socket", 1, c, err, errlen) == -1)
			return -1;
	}
	c[0] = SCMP_A0(SCMP_CMP_GT, AF_INET6);
	if (confine_filter_rule(f, SCMP_ACT_ERRNO(EAFNOSUPPORT), "socket", 1,
	    c, err, errlen) == -1)
		return -1;
	/* abort() and raise(): signals to ourselves only */
	c[0] = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid());
	if (confine_filter_rule(f, SCMP_ACT_ALLOW, "tgkill", 1, c, err,
	    errlen) == -1 || confine_filter_rule(f, SCMP_ACT_ALLOW, "kill", 1,
	    c, err, errlen) == -1)
		return -1;
	return 0;
}

struct confine_filter *
agent_walls_filter(char *err, size_t errlen)
{
	struct confine_filter	*f;

	if ((f = confine_filter_new(1, err, errlen)) == NULL)
		return NULL;
	if (confine_filter_names(f, agent_allow, NELEM(agent_allow), err,
	    errlen) == -1 || special(f, err, errlen) == -1) {
		confine_filter_free(f);
		return NULL;
	}
	return f;
}

#define KRB_PATHS	5	/* KRB5_CONFIG files read, and the cache */

/*
 * Kerberos (common/kgss.h): the files KRB5_CONFIG names (under /etc they
 * are readable anyway), and the directory of the user's ticket cache
 * when it is a file or a DIR collection: read and write, since new
 * service tickets are stored into it and kinit replaces the file (a
 * rule on the file itself would not outlive that).  A KEYRING or KCM
 * cache needs no path.  Adds up to KRB_PATHS entries to p from *n on,
 * their names kept in buf.
 */
static void
krb_paths(struct confine_path *p, size_t *n, char buf[KRB_PATHS][PATH_MAX])
{
	const char	*cfg = getenv("KRB5_CONFIG"), *cc;
	krb5_context	 ctx;
	size_t		 k = 0, w;

	while (cfg != NULL && *cfg != '\0' && k < KRB_PATHS - 1) {
		w = strcspn(cfg, ":");
		if (w > 0 && w < PATH_MAX && cfg[0] == '/') {
			snprintf(buf[k], PATH_MAX, "%.*s", (int)w, cfg);
			p[(*n)++] = (struct confine_path){ buf[k++], CONFINE_R };
		}
		cfg += w + (cfg[w] == ':');
	}
	if (krb5_init_context(&ctx) != 0)
		return;
	if ((cc = krb5_cc_default_name(ctx)) != NULL) {
		if (strncmp(cc, "FILE:", 5) == 0)
			cc += 5;
		else if (strncmp(cc, "DIR:", 4) == 0)
			cc += 4 + (cc[4] == ':');
		if (cc[0] == '/' && strlen(cc) < PATH_MAX) {
			snprintf(buf[k], PATH_MAX, "%s", cc);
			/* a DIR collection's own directory, or the file's */
			if (access(buf[k], F_OK) == -1 ||
			    strncmp(krb5_cc_default_name(ctx), "DIR:", 4) != 0)
				(void)dirname(buf[k]);	/* in place: '/' */
			p[(*n)++] = (struct confine_path){ buf[k],
			    CONFINE_R | CONFINE_W };
		}
	}
	krb5_free_context(ctx);
}

int
agent_walls_up(const char *sockdir, const char *confdir, char *err,
    size_t errlen)
{
	static char	 kbuf[KRB_PATHS][PATH_MAX];
	static const struct confine_path fixed[] = {
		/* resolv.conf, hosts, nsswitch.conf, ssl, machine-id */
		{ "/etc", CONFINE_R },
		/* libraries (NSS modules), openssl.cnf, zoneinfo */
		{ "/usr", CONFINE_R }, { "/lib", CONFINE_R },
		{ "/lib64", CONFINE_R }, { "/lib32", CONFINE_R },
		{ "/var/lib/dbus/machine-id", CONFINE_R },
		/* idle cores, and the quota they are counted under */
		{ "/proc/stat", CONFINE_R }, { "/proc/self", CONFINE_R },
		{ "/sys/fs/cgroup", CONFINE_R },
		{ "/dev/null", CONFINE_R | CONFINE_W },
		{ "/dev/urandom", CONFINE_R },
	};
	struct confine_path paths[NELEM(fixed) + 2 + KRB_PATHS];
	struct confine_filter	*f;
	size_t			 n = NELEM(fixed);
	int			 rc;

#ifdef CONFINE_SANITIZED
	/*
	 * LeakSanitizer's exit check stops the world with a ptrace'ing
	 * clone and reads /proc, inside the walls: the lab's SAN runs saw
	 * a teardown hang after the agents were told to stop.  Check once
	 * now, as ccpoold's net and pub do (server/proc.c), not at exit.
	 */
	__lsan_do_leak_check();
#endif
	memcpy(paths, fixed, sizeof(fixed));
	paths[n++] = (struct confine_path){ sockdir, CONFINE_R | CONFINE_W };
	if (confdir != NULL)	/* no config directory: skip it */
		paths[n++] = (struct confine_path){ confdir,
		    CONFINE_R | CONFINE_W };
	krb_paths(paths, &n, kbuf);
	if (confine_no_new_privs() == -1) {
		snprintf(err, errlen, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	/* every access handled: nothing is executed */
	if (confine_landlock(CONFINE_R | CONFINE_W | CONFINE_X, paths, n, err,
	    errlen) == -1)
		return -1;
	if ((f = agent_walls_filter(err, errlen)) == NULL)
		return -1;
	rc = confine_filter_load(f, err, errlen);
	confine_filter_free(f);
	return rc;
}
