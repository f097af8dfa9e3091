/*
 * priv.h - the Linux privilege-separation layers of ccpoold: switching
 * to the dedicated user, an empty read-only filesystem for the network
 * process, the work directory, and one seccomp filter per process
 * (priv_seccomp.c).  no_new_privs, capabilities and Landlock come from
 * common/confine.h.
 * Library code: every function returns 0 or -1 with err set, and none
 * exits or prints.  proc.c (proc_enter_sandbox) decides which layer each
 * process gets; the "Privilege separation" section of doc/server.md has
 * the picture.
 */
#ifndef CCPOOL_PRIV_H
#define CCPOOL_PRIV_H

#include <stddef.h>
#include <sys/types.h>

#define PRIV_USER_DEFAULT	"ccpoold"
#define PRIV_USER_MAX		32	/* bytes of a user name, incl. NUL */

/* The user the processes run as once privilege is dropped. */
struct priv_user {
	char		 name[PRIV_USER_MAX];
	uid_t		 uid;
	gid_t		 gid;
};

/* The seccomp filters, one per process. */
enum priv_filter {
	PRIV_FILTER_NET,	/* allow-list: event loop, TLS, HTTP */
	PRIV_FILTER_PUB,	/* allow-list: D-Bus client, /proc reads */
	PRIV_FILTER_PUB_DNS,	/* the same, and IP sockets (dns_update) */
	PRIV_FILTER_RUNNER	/* deny-list: what a job runner never needs */
};

/*
 * Whether name is acceptable as a user name (1) or not (0): 1 to 31
 * bytes of [A-Za-z0-9_.-], not starting with '-' or '.'.
 */
int	priv_user_name_ok(const char *name);

/*
 * Look name up in the password database into *u.  -1 with err set if
 * there is no such user (the message says how to create one) or it is
 * root.
 */
int	priv_user_lookup(const char *name, struct priv_user *u, char *err,
	    size_t errlen);

/*
 * Become u for good: setgroups to u's group only, setresgid,
 * setresuid, then verify that the real, effective and saved ids are u's
 * and that neither setuid(0) nor setgid(0) succeeds.  Needs root (or
 * CAP_SETUID+CAP_SETGID).  -1 with err set on any failure: the caller
 * must then not go on.
 */
int	priv_drop(const struct priv_user *u, char *err, size_t errlen);

/*
 * Leave the filesystem: a new mount namespace (and, when the caller is
 * not root, a new user namespace first, which is what lets an
 * unprivileged and single-threaded process do it) whose only mount is an
 * empty read-only tmpfs, made the root with pivot_root; the old root is
 * detached, so no path, not even "..", leads back to it.  Descriptors
 * already open (sockets, the IPC channels) keep working.  Capabilities
 * gained in a new user namespace are dropped again.  If userns is set,
 * a user namespace is made even as root (tests use this).  -1 with err
 * set, naming the step that failed.
 */
int	priv_empty_root(int userns, char *err, size_t errlen);

/*
 * Make sure dir, the parent of the runner's private work directory,
 * exists and is usable by uid/gid.  A missing dir is made mode 0700
 * (owned by uid/gid when the caller is root).  An existing one must be a
 * directory that uid can write and search (see priv_dir_usable).  -1
 * with err set.
 */
int	priv_workdir(const char *dir, uid_t uid, gid_t gid, char *err,
	    size_t errlen);

/*
 * Pure: whether a directory of this mode and owner can be written and
 * searched by uid/gid (its owner, its group or anyone).  1 or 0.
 */
int	priv_dir_usable(mode_t mode, uid_t owner, gid_t group, uid_t uid,
	    gid_t gid);

/*
 * Pure: describe a wait status of a ccpoold child for the log into buf:
 * "exited 3", "killed by signal 9 (SIGKILL)", and for SIGSYS a hint that
 * the seccomp filter stopped a system call.  Returns buf.
 */
const char *priv_exit_reason(int status, char *buf, size_t len);

/*
 * Install the seccomp filter f on the calling process (and what it
 * forks).  The caller must have called confine_no_new_privs (or hold
 * CAP_SYS_ADMIN).  Allow-lists kill the process on any other system
 * call (SIGSYS, SCMP_ACT_KILL_PROCESS); the runner's deny-list kills it
 * on a listed one.  -1 with err set.
 */
int	priv_seccomp(enum priv_filter f, char *err, size_t errlen);

/*
 * The system call names of filter f: the allowed ones for an
 * allow-list, the denied ones for a deny-list; *n gets their number.
 * The table is static (for tests and documentation).
 */
const char *const *priv_seccomp_names(enum priv_filter f, size_t *n);

/* Whether filter f is an allow-list (1) or a deny-list (0). */
int	priv_seccomp_is_allow(enum priv_filter f);

#endif
