/*
 * sandbox_lxfilter.c - the seccomp program of a "linux" sandbox job,
 * built once with common/confine.c (libseccomp) and exported as BPF, so
 * the child only installs it (confine_seccomp_install).  See
 * sandbox_lx.h; doc/server.md ("The job sandbox") says what it stops.
 */
#include <sys/socket.h>

#include <errno.h>
#include <sched.h>

#include <seccomp.h>

#include "common/confine.h"
#include "server/sandbox_lx.h"

/*
 * The seccomp program: EPERM for what a compiler never needs, that is
 * ptrace, CONFINE_DENY_BASE (which the runner denies too), mounts and
 * namespaces, and these.
 */
int
lxfilter_build(struct lx_static *st, char *err, size_t errlen)
{
	static const char *const deny[] = {
		"ptrace", CONFINE_DENY_BASE, CONFINE_DENY_MOUNT,
		"quotactl_fd", "process_madvise", "sethostname",
		"setdomainname", "_sysctl", "ustat", "sysfs", "mbind",
		"migrate_pages", "move_pages", "set_mempolicy",
		"memfd_secret", "vm86", "vm86old", "modify_ldt",
	};
	static const unsigned long nsflags[] = {
		CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
		CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
	};
	const uint32_t		 eperm = SCMP_ACT_ERRNO(EPERM);
	struct confine_filter	*f;
	struct scmp_arg_cmp	 c;
	size_t			 i;
	int			 rc = -1;

	if ((f = confine_filter_new(0, err, errlen)) == NULL)
		return -1;
	confine_filter_deny_act(f, CONFINE_EPERM);
	if (confine_filter_names(f, deny, sizeof(deny) / sizeof(deny[0]),
	    err, errlen) == -1)
		goto out;
	/* sockets: AF_UNIX only (the net namespace is empty anyway) */
	c = SCMP_A0(SCMP_CMP_NE, AF_UNIX);
	if (confine_filter_rule(f, eperm, "socket", 1, &c, err, errlen) ==
	    -1 || confine_filter_rule(f, eperm, "socketpair", 1, &c, err,
	    errlen) == -1)
		goto out;
	/* clone: threads and processes, never namespaces */
	for (i = 0; i < sizeof(nsflags) / sizeof(nsflags[0]); i++) {
		c = SCMP_A0(SCMP_CMP_MASKED_EQ, nsflags[i], nsflags[i]);
		if (confine_filter_rule(f, eperm, "clone", 1, &c, err,
		    errlen) == -1)
			goto out;
	}
	/* clone3 hides its flags in memory: ENOSYS makes libc use clone */
	if (confine_filter_rule(f, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL,
	    err, errlen) == -1)
		goto out;
	/* personality: only the query (0xffffffff) */
	c = SCMP_A0(SCMP_CMP_NE, 0xffffffffUL);
	if (confine_filter_rule(f, eperm, "personality", 1, &c, err,
	    errlen) == -1)
		goto out;
	/* Export the BPF once; the child only installs it. */
	rc = confine_filter_export(f, st->bpf, LX_BPF_MAX, &st->prog, err,
	    errlen);
out:
	confine_filter_free(f);
	return rc;
}
