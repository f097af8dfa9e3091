/*
 * proc.c - helpers every ccpoold process uses: privilege separation
 * (which layers of priv.h each process gets), the clock, the descriptor
 * limit.  See server.h.  The IPC rules of each channel: ipcrules.c.
 */
#include <sys/prctl.h>
#include <sys/resource.h>

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/confine.h"	/* CONFINE_SANITIZED */
#ifdef CONFINE_SANITIZED
#include <sanitizer/lsan_interface.h>
#endif

#include "common/log.h"
#include "server/priv.h"
#include "server/server.h"

/* What the parent decided before forking; the children inherit it. */
static struct proc_priv {
	int		 drop;		/* started as root: switch to user */
	struct priv_user user;
} PV;

void
proc_priv_init(int drop, const struct priv_user *u)
{
	memset(&PV, 0, sizeof(PV));
	PV.drop = drop;
	if (u != NULL)
		PV.user = *u;
}

void
proc_drop_user(const char *proc)
{
	char	 err[256];

	if (!PV.drop || getuid() == PV.user.uid)
		return;
	if (priv_drop(&PV.user, err, sizeof(err)) == -1)
		fatalx("%s: cannot switch to user %s: %s", proc, PV.user.name,
		    err);
}

/*
 * pub keeps the filesystem for the D-Bus socket, but needs to read only
 * these (libdbus may answer a peer's GetMachineId); Landlock takes the
 * rest, above all the runner's /proc/PID/mem (the runner is dumpable).
 * Connecting to the bus socket by path is not a Landlock right.
 */
static void
pub_landlock(void)
{
	static const struct confine_path paths[] = {
		{ "/proc/stat", CONFINE_R }, { "/proc/meminfo", CONFINE_R },
		{ "/etc/machine-id", CONFINE_R },
		{ "/var/lib/dbus/machine-id", CONFINE_R },
	};
	char	 err[256];
	int	 r;

	/* every access handled: only these reads are left */
	r = confine_landlock(CONFINE_R | CONFINE_W | CONFINE_X, paths,
	    sizeof(paths) / sizeof(paths[0]), err, sizeof(err));
	if (r == -1)
		fatalx("pub: %s", err);
	if (r == 0)
		log_info("pub: the kernel has no Landlock: pub may read "
		    "whatever its user may (seccomp still applies)");
}

/*
 * kauth reads krb5.conf and its includes, NSS's configuration, modules
 * and files (getgrouplist), nothing else; it writes nothing.  Talking to
 * sssd or nscd by socket path is not a Landlock right.
 */
static void
kauth_landlock(void)
{
	static const struct confine_path paths[] = {
		{ "/etc", CONFINE_R }, { "/usr", CONFINE_R },
		{ "/lib", CONFINE_R }, { "/lib64", CONFINE_R },
		{ "/var/lib/sss", CONFINE_R }, { "/dev/urandom", CONFINE_R },
		{ "/proc/sys/crypto", CONFINE_R },
	};
	char	 err[256];
	int	 r;

	r = confine_landlock(CONFINE_R | CONFINE_W | CONFINE_X, paths,
	    sizeof(paths) / sizeof(paths[0]), err, sizeof(err));
	if (r == -1)
		fatalx("kauth: %s", err);
}

void
proc_enter_sandbox(const char *proc)
{
	enum priv_filter f;
	char		 err[256];
	int		 isnet = strcmp(proc, "net") == 0;

#ifdef CONFINE_SANITIZED
	/*
	 * LeakSanitizer's exit check needs /proc and ptrace, which the
	 * allow-lists do not give: net and pub check once, now, and not
	 * at exit (the runner keeps its exit check).
	 */
	if (strcmp(proc, "runner") != 0)
		__lsan_do_leak_check();
#endif
	if (isnet) {
		/*
		 * As root the mount namespace needs no user namespace, so
		 * do it before the switch; as anyone else a user namespace
		 * comes first (priv_empty_root chooses).
		 */
		if (priv_empty_root(0, err, sizeof(err)) == -1)
			fatalx("%s: cannot leave the filesystem: %s", proc,
			    err);
		f = PRIV_FILTER_NET;
	} else if (strcmp(proc, "pub") == 0 || strcmp(proc, "kauth") == 0)
		f = PRIV_FILTER_PUB;	/* AF_UNIX sockets, file reads */
	else if (strcmp(proc, "pub-dns") == 0)
		f = PRIV_FILTER_PUB_DNS;
	else if (strcmp(proc, "runner") == 0)
		f = PRIV_FILTER_RUNNER;
	else
		fatalx("no sandbox for a %s process", proc);
	proc_drop_user(proc);
	/*
	 * No process of the same uid may ptrace a child or open its
	 * /proc/PID/mem (the kernel did this on the switch from root; say
	 * it for the non-root case too).  A job's first process makes
	 * itself dumpable again before it writes its own uid_map
	 * (sandbox_linux.c), so the runner need not be.
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("%s: PR_SET_DUMPABLE", proc);
	if (confine_no_new_privs() == -1)
		fatal("%s: PR_SET_NO_NEW_PRIVS", proc);
	if (strcmp(proc, "pub") == 0 || strcmp(proc, "pub-dns") == 0)
		pub_landlock();
	else if (strcmp(proc, "kauth") == 0)
		kauth_landlock();
	if (priv_seccomp(f, err, sizeof(err)) == -1)
		fatalx("%s: %s", proc, err);
	log_debug("%s process sandboxed: uid %ld, %s, no_new_privs, seccomp "
	    "%s", proc, (long)getuid(), isnet ? "empty read-only root" :
	    strncmp(proc, "pub", 3) == 0 ? "reads only /proc/stat, /proc/meminfo "
	    "(Landlock)" : strcmp(proc, "kauth") == 0 ? "reads only system "
	    "configuration (Landlock)" : "filesystem kept", priv_seccomp_is_allow(f) ?
	    "allow-list" : "deny-list");
}

unsigned long
proc_raise_nofile(unsigned long need)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return 0;
	if (rl.rlim_cur < PROC_NOFILE && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max < PROC_NOFILE ? rl.rlim_max :
		    PROC_NOFILE;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur < need)
		log_warnx("only %lu descriptors (RLIMIT_NOFILE, hard limit "
		    "%lu) for about %lu connections: raise LimitNOFILE or "
		    "lower max_conns", (unsigned long)rl.rlim_cur,
		    (unsigned long)rl.rlim_max, need);
	return (unsigned long)rl.rlim_cur;
}
