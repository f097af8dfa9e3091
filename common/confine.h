/*
 * confine.h - the walls a process puts up around itself on Linux:
 * capabilities, no_new_privs, Landlock and seccomp.  One module for
 * ccpoold's children (server/priv.c, priv_seccomp.c), the job sandbox
 * (server/sandbox_linux.c) and the client's agent (agent/agent_walls.c).
 *
 * Two kinds of functions.  Those marked "async-signal-safe" make system
 * calls only: they may run in a child between clone and execve, and they
 * report failure as -1 with errno set (and *what naming the step where
 * there is one).  The others may allocate (libseccomp) and give their
 * reason in err.  None exits or prints.
 */
#ifndef CCPOOL_CONFINE_H
#define CCPOOL_CONFINE_H

#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>	/* struct sock_filter, sock_fprog */

/*
 * Built with AddressSanitizer (and so LeakSanitizer), whose exit check
 * needs a few more system calls in an allow-list.
 */
#if defined(__SANITIZE_ADDRESS__)
#define CONFINE_SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CONFINE_SANITIZED	1
#endif
#endif

/*
 * System calls no process of ours ever makes: kernel modules, kexec,
 * bpf, perf, keyrings, io_uring, the clock, swap, quotas, handles that
 * bypass path checks, another process's memory.  ptrace is not here:
 * LeakSanitizer needs it in sanitizer builds, so each list says.  Names
 * this architecture lacks are skipped (confine_filter_names).
 */
#define CONFINE_DENY_BASE						\
	"process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",	\
	"kexec_load", "kexec_file_load", "init_module", "finit_module",	\
	"delete_module", "bpf", "perf_event_open", "keyctl", "add_key",	\
	"request_key", "reboot", "swapon", "swapoff", "acct",		\
	"settimeofday", "clock_settime", "clock_adjtime", "adjtimex",	\
	"iopl", "ioperm", "quotactl", "lookup_dcookie",			\
	"open_by_handle_at", "name_to_handle_at", "syslog", "vhangup",	\
	"uselib", "userfaultfd", "fanotify_init", "io_uring_setup",	\
	"io_uring_enter", "io_uring_register", "nfsservctl"

/* Mounts and namespaces: what only a sandbox builder needs. */
#define CONFINE_DENY_MOUNT						\
	"mount", "umount2", "pivot_root", "chroot", "unshare", "setns",	\
	"fsopen", "fsconfig", "fsmount", "fspick", "open_tree",		\
	"move_mount", "mount_setattr"

/* Capabilities. */

/*
 * Drop every capability for good: the bounding set, the ambient set,
 * then effective, permitted and inheritable.  lock: also set and lock
 * the securebits (no root fix-ups on exec or setuid), which needs
 * CAP_SETPCAP, so only before the drop.  Async-signal-safe.
 */
int	confine_drop_caps(int lock, const char **what);

/* prctl(PR_SET_NO_NEW_PRIVS).  Async-signal-safe. */
int	confine_no_new_privs(void);

/* Landlock. */

/* The kernel's Landlock ABI version, 0 if it has none.  Async-safe. */
int	confine_ll_abi(void);

/* What abi lets a ruleset handle: reads (files and directories). */
uint64_t confine_ll_read(int abi);

/* ... writes: write, truncate, make, remove, link across directories. */
uint64_t confine_ll_write(int abi);

/* ... execution of files. */
uint64_t confine_ll_exec(int abi);

/*
 * A new ruleset that handles the accesses in handled (nothing handled
 * stays allowed everywhere).  Returns its descriptor (close-on-exec).
 * Async-signal-safe.
 */
int	confine_ll_new(uint64_t handled);

/*
 * Allow access beneath path (a directory) or to it (a file: the
 * directory rights are left out).  An absent path is skipped when
 * optional (returns 0).  Async-signal-safe.
 */
int	confine_ll_add(int ruleset, const char *path, uint64_t access,
	    int optional);

/* Enforce the ruleset on the caller and what it forks; closes it. */
int	confine_ll_restrict(int ruleset);

/* One directory or file of a Landlock profile and what it may do. */
struct confine_path {
	const char	*path;
	uint64_t	 access;	/* CONFINE_R, _W, _X (below) */
};

/* Kinds of access of struct confine_path, mapped to the kernel's. */
#define CONFINE_R	0x1	/* read files, list directories */
#define CONFINE_W	0x2	/* write, create, remove, rename within */
#define CONFINE_X	0x4	/* execute */

/*
 * Landlock for the caller: from now on it (and what it forks) may read,
 * write and execute (as handled says, CONFINE_ bits) only the n paths
 * given, each as its own bits say; absent paths are skipped.  Needs
 * no_new_privs.  Returns 1 when applied, 0 when the kernel has no
 * Landlock (nothing changed), -1 with err set.
 */
int	confine_landlock(unsigned handled, const struct confine_path *p,
	    size_t n, char *err, size_t errlen);

/* Seccomp, built with libseccomp. */

struct confine_filter;

/*
 * A filter under construction.  allow: an allow-list (every system call
 * not named kills the process, SIGSYS); else a deny-list (everything not
 * named is allowed).  Either way a call of a foreign ABI (int 0x80, x32)
 * kills.  NULL with err set.
 */
struct confine_filter *confine_filter_new(int allow, char *err,
	    size_t errlen);

/* Free f (NULL: nothing). */
void	confine_filter_free(struct confine_filter *f);

/*
 * Give the n system calls of names action: allow-lists allow them,
 * deny-lists kill (kill) or fail them with EPERM (!kill).  A name this
 * architecture lacks is skipped.  -1 with err set.
 */
int	confine_filter_names(struct confine_filter *f,
	    const char *const *names, size_t n, char *err, size_t errlen);

/*
 * Action for the deny-list's names (confine_filter_names) and the
 * filter's own: CONFINE_KILL kills the process, CONFINE_EPERM fails the
 * call.  The default is CONFINE_KILL.
 */
enum confine_act { CONFINE_KILL, CONFINE_EPERM };
void	confine_filter_deny_act(struct confine_filter *f, enum confine_act);

/*
 * One rule with argument comparisons: the system call called name gets
 * action (a libseccomp SCMP_ACT_*) when all ncmp comparisons (struct
 * scmp_arg_cmp, from <seccomp.h>) hold.  -1 with err set.
 */
struct scmp_arg_cmp;
int	confine_filter_rule(struct confine_filter *f, uint32_t action,
	    const char *name, unsigned ncmp, const struct scmp_arg_cmp *cmp,
	    char *err, size_t errlen);

/* Install f on the caller (needs no_new_privs).  -1 with err set. */
int	confine_filter_load(struct confine_filter *f, char *err,
	    size_t errlen);

/*
 * Export f as a BPF program into buf (max instructions) and prog, for a
 * child that may not allocate (confine_seccomp_install).  -1 with err.
 */
int	confine_filter_export(struct confine_filter *f, struct sock_filter *buf,
	    size_t max, struct sock_fprog *prog, char *err, size_t errlen);

/* Install an exported program on the caller.  Async-signal-safe. */
int	confine_seccomp_install(const struct sock_fprog *prog);

#endif
