/*
 * sandbox_lx.h - the parts of the "linux" job sandbox (sandbox_linux.c)
 * and what passes between them.  Only those files include it.
 *
 *   sandbox_linux.c     the ops: prepares the static part once, a job's
 *                       part per spawn, clones the child, writes a root
 *                       runner's id maps, kills, checks;
 *   sandbox_lxroot.c    the job's root: the mount plan (parent side) and
 *                       building the root from it (child side);
 *   sandbox_lxfilter.c  the job's seccomp program;
 *   sandbox_lxchild.c   the cloned child, from clone to execve.
 *
 * Everything that needs memory or can fail slowly is prepared before the
 * clone into struct lx_static (once) and struct lx_job (per job); the
 * child then makes only system calls (async-signal-safe).  Calls go only
 * down that list.
 */
#ifndef CCPOOL_SANDBOX_LX_H
#define CCPOOL_SANDBOX_LX_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>

#include "server/sandbox.h"

#define LX_OPS_MAX	48	/* steps of the static mount plan */
#define LX_JOB_OPS	16	/* steps of one job's own plan */
#define LX_BPF_MAX	1024	/* seccomp instructions */
/*
 * A runner that is root does not run jobs as root: the kernel exempts
 * real uid 0 from RLIMIT_NPROC, and root-owned files would stay within
 * reach.  Its jobs get this uid and gid (nobody), mapped by the parent.
 */
#define LX_JOB_ID	65534

/* One step of building the root, paths relative to it. */
enum lx_kind { LX_MKDIR, LX_SYMLINK, LX_BIND_DIR, LX_BIND_FILE };

struct lx_op {
	enum lx_kind	 kind;
	char		 src[PATH_MAX];	/* bind source or link target */
	char		 dst[PATH_MAX];	/* relative to the new root */
	unsigned long	 flags;		/* remount flags of a bind */
	const char	*what;		/* for error messages */
};

/* Prepared once: the static root, the seccomp program, Landlock. */
struct lx_static {
	struct lx_op	 op[LX_OPS_MAX];
	size_t		 nop;
	struct sock_filter bpf[LX_BPF_MAX];
	struct sock_fprog prog;
	int		 ll_abi;	/* Landlock ABI, 0: none */
	uint64_t	 ll_write;	/* handled write accesses */
};

/* What one job's child needs, all built before the clone. */
struct lx_job {
	const struct sbx_spec *s;
	const struct lx_static *st;
	struct lx_op	 op[LX_JOB_OPS];	/* per-job steps */
	size_t		 nop;
	char		 rel_dir[PATH_MAX];	/* s->dir without the '/' */
	unsigned long	 dir_flags;		/* its remount flags */
	char		 uid_map[64], gid_map[64];
	char		 root_opts[128];	/* tmpfs options of the root */
	int		 priv;			/* runner is root */
	int		 sync[2];		/* priv: "maps written" */
	char		*envp[5];
	char		 tmpdir[PATH_MAX + 8];
	int		 errfd, outfd, nullfd;
};

/* sandbox_lxroot.c, parent side (may allocate; -1 with err set). */

/*
 * The static plan into st->op: read-only binds of /usr, the merged-usr
 * links, a few /etc files, /dev/null, zero and urandom.
 */
int	lxroot_plan_static(struct lx_static *st, char *err, size_t errlen);

/*
 * J's own plan (J->s and J->st set): the job directory's parents, and
 * the toolchain's tree if it lies outside the static plan (a cross
 * compiler in /opt/x/bin: /opt/x is bound read-only); rel_dir and
 * dir_flags.
 */
int	lxroot_plan_job(struct lx_job *J, char *err, size_t errlen);

/* sandbox_lxroot.c, child side (on failure sbx_child_fail). */

/*
 * Mount the root's tmpfs over the job directory's own path and enter
 * it.  Returns a descriptor of the job directory itself, for
 * lxroot_build to bind back.
 */
int	lxroot_mount(const struct lx_job *J);

/*
 * Run both plans in the root (the cwd), bind the job directory back
 * from dirfd (closed), link /tmp to it, pivot into the root, detach the
 * old one, make the root read-only and enter the job directory.
 */
void	lxroot_build(const struct lx_job *J, int dirfd);

/* sandbox_lxfilter.c: the job's seccomp program into st (bpf, prog). */
int	lxfilter_build(struct lx_static *st, char *err, size_t errlen);

/* sandbox_lxchild.c: the cloned child (J fully prepared).  No return. */
void	lxchild_main(const struct lx_job *J) __attribute__((noreturn));

#endif
