/*
 * confine.c - capabilities, no_new_privs, Landlock and seccomp for the
 * processes that confine themselves; see confine.h.  The capability,
 * no_new_privs, Landlock-rule and install functions are raw system calls
 * (a cloned child may use them); the seccomp builders wrap libseccomp
 * and may allocate.  Start reading at confine_landlock() and
 * confine_filter_new().
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/capability.h>
#include <linux/landlock.h>
#include <linux/securebits.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

#include "common/confine.h"

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER	(1ULL << 13)	/* Linux 5.19 */
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)	/* Linux 6.2 */
#endif
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION	(1U << 0)
#endif

/* The rights that apply to a file (not only to a directory). */
#define LL_FILE_RIGHTS	(LANDLOCK_ACCESS_FS_EXECUTE |			\
	    LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |	\
	    LANDLOCK_ACCESS_FS_TRUNCATE)

struct confine_filter {
	scmp_filter_ctx	 ctx;
	int		 allow;
	uint32_t	 deny;		/* the deny-list's action */
};

int
confine_drop_caps(int lock, const char **what)
{
	struct __user_cap_header_struct	 h;
	struct __user_cap_data_struct	 d[2];
	int				 c;

	*what = "capabilities: bounding set";
	for (c = 0; c < 64; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == -1) {
			if (errno == EINVAL)
				break;	/* past the last capability */
			return -1;
		}
	*what = "capabilities: securebits";
	if (lock && prctl(PR_SET_SECUREBITS, SECBIT_NOROOT |
	    SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
	    SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED, 0, 0, 0)
	    == -1)
		return -1;
	/* no ambient set before Linux 4.3: nothing to clear then */
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	*what = "capabilities: capset";
	memset(&h, 0, sizeof(h));
	memset(d, 0, sizeof(d));
	h.version = _LINUX_CAPABILITY_VERSION_3;
	return syscall(SYS_capset, &h, d) == -1 ? -1 : 0;
}

int
confine_no_new_privs(void)
{
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ? -1 : 0;
}

/* Landlock. */

int
confine_ll_abi(void)
{
	long	 abi;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	return abi < 1 ? 0 : (int)abi;
}

uint64_t
confine_ll_read(int abi)
{
	return abi < 1 ? 0 : LANDLOCK_ACCESS_FS_READ_FILE |
	    LANDLOCK_ACCESS_FS_READ_DIR;
}

uint64_t
confine_ll_write(int abi)
{
	uint64_t	 w;

	if (abi < 1)
		return 0;
	w = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
	    LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
	    LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
	    LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
	    LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;
	if (abi >= 2)
		w |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		w |= LANDLOCK_ACCESS_FS_TRUNCATE;
	return w;
}

uint64_t
confine_ll_exec(int abi)
{
	return abi < 1 ? 0 : LANDLOCK_ACCESS_FS_EXECUTE;
}

int
confine_ll_new(uint64_t handled)
{
	struct landlock_ruleset_attr	 ra;

	memset(&ra, 0, sizeof(ra));
	ra.handled_access_fs = handled;
	return (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof(ra), 0);
}

int
confine_ll_add(int ruleset, const char *path, uint64_t access, int optional)
{
	struct landlock_path_beneath_attr pb;
	struct stat			 st;
	int				 fd, e;

	if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1)
		return optional ? 0 : -1;	/* absent: nothing to allow */
	memset(&pb, 0, sizeof(pb));
	pb.parent_fd = fd;
	pb.allowed_access = access;
	/* a file takes only file rights (EINVAL otherwise) */
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		pb.allowed_access &= LL_FILE_RIGHTS;
	if (pb.allowed_access == 0) {
		(void)close(fd);
		return 0;
	}
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH,
	    &pb, 0) == -1) {
		e = errno;
		(void)close(fd);
		errno = e;
		return -1;
	}
	(void)close(fd);
	return 0;
}

int
confine_ll_restrict(int ruleset)
{
	int	 rc, e;

	rc = (int)syscall(SYS_landlock_restrict_self, ruleset, 0);
	e = errno;
	(void)close(ruleset);
	errno = e;
	return rc == -1 ? -1 : 0;
}

/* CONFINE_R/W/X bits as the kernel's rights of abi. */
static uint64_t
ll_rights(int abi, unsigned bits)
{
	return ((bits & CONFINE_R) ? confine_ll_read(abi) : 0) |
	    ((bits & CONFINE_W) ? confine_ll_write(abi) : 0) |
	    ((bits & CONFINE_X) ? confine_ll_exec(abi) : 0);
}

int
confine_landlock(unsigned handled, const struct confine_path *p, size_t n,
    char *err, size_t errlen)
{
	size_t	 i;
	int	 abi, rs;

	if ((abi = confine_ll_abi()) == 0)
		return 0;
	if ((rs = confine_ll_new(ll_rights(abi, handled))) == -1) {
		snprintf(err, errlen, "landlock_create_ruleset: %s",
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++)
		if (confine_ll_add(rs, p[i].path, ll_rights(abi, (unsigned)
		    p[i].access & handled), 1) == -1) {
			snprintf(err, errlen, "landlock_add_rule %s: %s",
			    p[i].path, strerror(errno));
			(void)close(rs);
			return -1;
		}
	if (confine_ll_restrict(rs) == -1) {
		snprintf(err, errlen, "landlock_restrict_self: %s",
		    strerror(errno));
		return -1;
	}
	return 1;
}

/* Seccomp. */

struct confine_filter *
confine_filter_new(int allow, char *err, size_t errlen)
{
	struct confine_filter	*f;
	int			 e;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->allow = allow;
	f->deny = SCMP_ACT_KILL_PROCESS;
	if ((f->ctx = seccomp_init(allow ? SCMP_ACT_KILL_PROCESS :
	    SCMP_ACT_ALLOW)) == NULL) {
		snprintf(err, errlen, "seccomp_init failed");
		free(f);
		return NULL;
	}
	/* A foreign ABI (int 0x80, x32) would bypass the rules. */
	if ((e = seccomp_attr_set(f->ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS)) < 0) {
		snprintf(err, errlen, "seccomp: bad-arch action: %s",
		    strerror(-e));
		confine_filter_free(f);
		return NULL;
	}
	return f;
}

void
confine_filter_free(struct confine_filter *f)
{
	if (f == NULL)
		return;
	seccomp_release(f->ctx);
	free(f);
}

void
confine_filter_deny_act(struct confine_filter *f, enum confine_act act)
{
	f->deny = act == CONFINE_EPERM ? SCMP_ACT_ERRNO(EPERM) :
	    SCMP_ACT_KILL_PROCESS;
}

int
confine_filter_rule(struct confine_filter *f, uint32_t action,
    const char *name, unsigned ncmp, const struct scmp_arg_cmp *cmp,
    char *err, size_t errlen)
{
	int	 nr, e;

	if ((nr = seccomp_syscall_resolve_name(name)) == __NR_SCMP_ERROR) {
		snprintf(err, errlen, "seccomp: unknown system call %s",
		    name);
		return -1;
	}
	if ((e = seccomp_rule_add_array(f->ctx, action, nr, ncmp, cmp)) < 0) {
		snprintf(err, errlen, "seccomp: rule for %s: %s", name,
		    strerror(-e));
		return -1;
	}
	return 0;
}

int
confine_filter_names(struct confine_filter *f, const char *const *names,
    size_t n, char *err, size_t errlen)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		/* not on this architecture (vm86 on x86_64, ...) */
		if (seccomp_syscall_resolve_name(names[i]) < 0)
			continue;
		if (confine_filter_rule(f, f->allow ? SCMP_ACT_ALLOW : f->deny,
		    names[i], 0, NULL, err, errlen) == -1)
			return -1;
	}
	return 0;
}

int
confine_filter_load(struct confine_filter *f, char *err, size_t errlen)
{
	int	 e;

	if ((e = seccomp_load(f->ctx)) < 0) {
		snprintf(err, errlen, "seccomp_load: %s", strerror(-e));
		return -1;
	}
	return 0;
}

int
confine_filter_export(struct confine_filter *f, struct sock_filter *buf,
    size_t max, struct sock_fprog *prog, char *err, size_t errlen)
{
	ssize_t	 len;
	int	 fd, e;

	if ((fd = memfd_create("ccpool-seccomp", MFD_CLOEXEC)) == -1) {
		snprintf(err, errlen, "seccomp: memfd_create: %s",
		    strerror(errno));
		return -1;
	}
	if ((e = seccomp_export_bpf(f->ctx, fd)) < 0) {
		snprintf(err, errlen, "seccomp: exporting the filter: %s",
		    strerror(-e));
		close(fd);
		return -1;
	}
	len = pread(fd, buf, max * sizeof(buf[0]), 0);
	close(fd);
	if (len <= 0 || (size_t)len % sizeof(buf[0]) != 0 ||
	    (size_t)len == max * sizeof(buf[0])) {
		snprintf(err, errlen, "seccomp: cannot export the filter");
		return -1;
	}
	prog->len = (unsigned short)((size_t)len / sizeof(buf[0]));
	prog->filter = buf;
	return 0;
}

int
confine_seccomp_install(const struct sock_fprog *prog)
{
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) == -1 ?
	    -1 : 0;
}
