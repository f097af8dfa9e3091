/*
 * unitwall.c - the seccomp walls of a systemd unit, for a lab without
 * systemd as PID 1 (t_deb.sh): loads one filter like the one systemd
 * builds from the unit's options, then execs the command.  The shell
 * around it reads the unit and passes its options; the file system
 * walls are mounts made by that shell.  Every rule answers an error,
 * as SystemCallErrorNumber= does; a call from another architecture is
 * refused (SystemCallArchitectures=native: libseccomp's default).
 *
 *   unitwall [-d syscall]... [-f family]... [-n namespace]... [-m] [-p]
 *            [-r] [-s] -- command [args]
 *
 *   -d  SystemCallFilter=~: deny this call (EPERM); unknown names skipped
 *   -f  RestrictAddressFamilies=: allow this family (unix, inet, inet6,
 *       netlink); once one is given, socket() of any other fails
 *   -n  RestrictNamespaces=: allow this namespace type (user mnt pid net
 *       ipc uts cgroup); once one is given, clone, unshare and setns of
 *       any other fail, and clone3 fails with ENOSYS (its flags are in
 *       memory, which a filter cannot read: glibc falls back to clone)
 *   -m  MemoryDenyWriteExecute=: no writable and executable mapping,
 *       no mprotect to executable
 *   -p  LockPersonality=: personality() only sets PER_LINUX
 *   -r  RestrictRealtime=: no SCHED_FIFO, SCHED_RR, SCHED_DEADLINE
 *   -s  RestrictSUIDSGID=: no set-user-ID or set-group-ID file modes
 */
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define UW_FAMILY_MAX	64	/* above AF_MAX of any kernel here */

static const struct { const char *name; int family; } families[] = {
	{ "unix", AF_UNIX }, { "inet", AF_INET }, { "inet6", AF_INET6 },
	{ "netlink", AF_NETLINK },
};
static const struct { const char *name; unsigned long flag; } nstypes[] = {
	{ "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS },
	{ "pid", CLONE_NEWPID }, { "net", CLONE_NEWNET },
	{ "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
	{ "cgroup", CLONE_NEWCGROUP },
};
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
die(const char *what, int rc)
{
	fprintf(stderr, "unitwall: %s: %s\n", what, strerror(-rc));
	exit(1);
}

static void
add(scmp_filter_ctx ctx, int err, const char *name, unsigned n,
    const struct scmp_arg_cmp *cmp)
{
	int	 nr = seccomp_syscall_resolve_name(name), rc;

	if (nr == __NR_SCMP_ERROR)
		return;		/* not a call of this architecture */
	rc = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(err), nr, n, cmp);
	if (rc < 0)
		die(name, rc);
}

/* socket() of every family but the allowed ones (bits of allow) */
static void
restrict_families(scmp_filter_ctx ctx, unsigned long long allow)
{
	struct scmp_arg_cmp	 c;
	int			 f;

	for (f = 0; f < UW_FAMILY_MAX; f++) {
		if (allow & (1ULL << f))
			continue;
		c = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)f);
		add(ctx, EAFNOSUPPORT, "socket", 1, &c);
	}
	c = SCMP_A0(SCMP_CMP_GE, UW_FAMILY_MAX);
	add(ctx, EAFNOSUPPORT, "socket", 1, &c);
}

static void
restrict_ns(scmp_filter_ctx ctx, unsigned long allow)
{
	struct scmp_arg_cmp	 c;
	size_t			 i;

	for (i = 0; i < NELEM(nstypes); i++) {
		unsigned long f = nstypes[i].flag;

		if (allow & f)
			continue;
		c = SCMP_A0(SCMP_CMP_MASKED_EQ, f, f);
		add(ctx, EPERM, "clone", 1, &c);
		add(ctx, EPERM, "unshare", 1, &c);
		c = SCMP_A1(SCMP_CMP_MASKED_EQ, f, f);
		add(ctx, EPERM, "setns", 1, &c);
	}
	c = SCMP_A1(SCMP_CMP_EQ, 0);	/* setns of any type */
	add(ctx, EPERM, "setns", 1, &c);
	add(ctx, ENOSYS, "clone3", 0, NULL);
}

static void
deny_wx(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp	 c;

	c = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC | PROT_WRITE,
	    PROT_EXEC | PROT_WRITE);
	add(ctx, EPERM, "mmap", 1, &c);
	c = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC);
	add(ctx, EPERM, "mprotect", 1, &c);
	add(ctx, EPERM, "pkey_mprotect", 1, &c);
	c = SCMP_A2(SCMP_CMP_MASKED_EQ, SHM_EXEC, SHM_EXEC);
	add(ctx, EPERM, "shmat", 1, &c);
}

/* as systemd does: personality(x) fails for any x but PER_LINUX (0),
   the query 0xffffffff included */
static void
lock_personality(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp	 c = SCMP_A0(SCMP_CMP_NE, 0);

	add(ctx, EPERM, "personality", 1, &c);
}

static void
no_realtime(scmp_filter_ctx ctx)
{
	static const int policy[] = { SCHED_FIFO, SCHED_RR, 6 /* DEADLINE */ };
	struct scmp_arg_cmp	 c;
	size_t			 i;

	for (i = 0; i < NELEM(policy); i++) {
		c = SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)policy[i]);
		add(ctx, EPERM, "sched_setscheduler", 1, &c);
	}
}

static void
no_suid(scmp_filter_ctx ctx)
{
	static const unsigned long bit[] = { S_ISUID, S_ISGID };
	struct scmp_arg_cmp	 c, o[2];
	size_t			 i;

	for (i = 0; i < NELEM(bit); i++) {
		c = SCMP_A1(SCMP_CMP_MASKED_EQ, bit[i], bit[i]);
		add(ctx, EPERM, "chmod", 1, &c);
		add(ctx, EPERM, "fchmod", 1, &c);
		add(ctx, EPERM, "creat", 1, &c);
		c = SCMP_A2(SCMP_CMP_MASKED_EQ, bit[i], bit[i]);
		add(ctx, EPERM, "fchmodat", 1, &c);
		o[0] = SCMP_A1(SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT);
		o[1] = SCMP_A2(SCMP_CMP_MASKED_EQ, bit[i], bit[i]);
		add(ctx, EPERM, "open", 2, o);
		o[0] = SCMP_A2(SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT);
		o[1] = SCMP_A3(SCMP_CMP_MASKED_EQ, bit[i], bit[i]);
		add(ctx, EPERM, "openat", 2, o);
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: unitwall [-d syscall]... [-f family]... "
	    "[-n namespace]... [-m] [-p] [-r] [-s] -- command [args]\n");
	exit(2);
}

static size_t
lookup_family(const char *s)
{
	size_t	 i;

	for (i = 0; i < NELEM(families); i++)
		if (strcmp(s, families[i].name) == 0)
			return i;
	usage();
	return 0;
}

static size_t
lookup_ns(const char *s)
{
	size_t	 i;

	for (i = 0; i < NELEM(nstypes); i++)
		if (strcmp(s, nstypes[i].name) == 0)
			return i;
	usage();
	return 0;
}

int
main(int argc, char *argv[])
{
	scmp_filter_ctx		 ctx;
	unsigned long long	 fam = 0;
	unsigned long		 ns = 0;
	int			 ch, rc, any_f = 0, any_n = 0, m = 0, p = 0,
				 r = 0, s = 0;

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		die("seccomp_init", -ENOMEM);
	while ((ch = getopt(argc, argv, "d:f:n:mprs")) != -1) {
		switch (ch) {
		case 'd':
			add(ctx, EPERM, optarg, 0, NULL);
			break;
		case 'f':
			fam |= 1ULL << families[lookup_family(optarg)].family;
			any_f = 1;
			break;
		case 'n':
			ns |= nstypes[lookup_ns(optarg)].flag;
			any_n = 1;
			break;
		case 'm': m = 1; break;
		case 'p': p = 1; break;
		case 'r': r = 1; break;
		case 's': s = 1; break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	if (any_f)
		restrict_families(ctx, fam);
	if (any_n)
		restrict_ns(ctx, ns);
	if (m)
		deny_wx(ctx);
	if (p)
		lock_personality(ctx);
	if (r)
		no_realtime(ctx);
	if (s)
		no_suid(ctx);
	if ((rc = seccomp_load(ctx)) < 0)
		die("seccomp_load", rc);
	seccomp_release(ctx);
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "unitwall: %s: %s\n", argv[optind], strerror(errno));
	return 127;
}
