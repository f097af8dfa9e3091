/*
 * sandbox.h - how the runner starts and stops one compile.
 *
 * The runner (server/job_start.c) never forks a compiler itself: it
 * fills a struct sbx_spec and calls the ops of the sandbox sbx_lookup
 * (sandbox.c) found by name.  "none" (sandbox_none.c) isolates
 * nothing beyond what every job gets anyway: its own session and process
 * group (so the whole tree can be killed), resource limits (CPU time,
 * file size, address space, no core files), a fresh private directory as
 * its working directory and TMPDIR, stdin from /dev/null, no inherited
 * descriptors, and a minimal environment.  It runs the compiler as the
 * daemon's own user.  "linux" (sandbox_linux.c, the default) adds user,
 * mount, pid, net, ipc and uts namespaces, a minimal read-only root,
 * no_new_privs, no capabilities, a seccomp filter, Landlock where the
 * kernel has it (those four from common/confine.h), and process and
 * descriptor limits; doc/server.md says what each layer stops.  What
 * both do in a job's child (the lowest priority, ...) is sandbox_util.h.
 */
#ifndef CCPOOL_SANDBOX_H
#define CCPOOL_SANDBOX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One compile to start. */
struct sbx_spec {
	const char	*dir;		/* job directory: cwd and TMPDIR */
	const char	*path;		/* compiler, absolute */
	char *const	*argv;		/* argv[0] is path */
	const char	*out_file;	/* stdout goes here (in dir) */
	const char	*err_file;	/* stderr goes here (in dir) */
	uint64_t	 cpu_sec;	/* RLIMIT_CPU; 0: none */
	uint64_t	 fsize;		/* RLIMIT_FSIZE, bytes; 0: none */
	uint64_t	 as_bytes;	/* RLIMIT_AS; 0: none */
	uint64_t	 nproc;		/* RLIMIT_NPROC (linux); 0: default */
	uint64_t	 nofile;	/* RLIMIT_NOFILE (linux); 0: default */
};

struct sandbox_ops {
	const char	*name;
	/*
	 * Check the sandbox works on this system.  Returns 0, or -1 with
	 * err set: the daemon then refuses to start.
	 */
	int		(*check)(char *err, size_t errlen);
	/*
	 * Start the compile.  Returns the pid (also the process group id
	 * and session id of the job), or -1 with err set.
	 */
	pid_t		(*spawn)(const struct sbx_spec *s, char *err,
			    size_t errlen);
	/*
	 * Kill everything the job started (pid from spawn).  Call it only
	 * while pid is not yet reaped (a zombie still holds the pid and so
	 * the group id), e.g. after waitid(WNOWAIT) saw it exit.
	 */
	void		(*kill)(pid_t pid);
};

/* The sandbox called name, or NULL if there is none by that name. */
const struct sandbox_ops *sbx_lookup(const char *name);

extern const struct sandbox_ops sbx_none;
extern const struct sandbox_ops sbx_linux;

#endif
