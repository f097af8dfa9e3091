/*
 * cpuquota.h - the CPUs this machine really has when it runs under a CPU
 * quota: a container, a systemd slice with CPUQuota=, or a lab host.
 *
 * When the cgroup a process starts in (or one of its ancestors) carries
 * a quota (cgroup v2 cpu.max, v1 cpu.cfs_quota_us), "the machine" is
 * that cgroup: its quota is the capacity and its CPU usage the busy
 * time.  ccpoold takes its CPUs advertised, default slots and owner's
 * load from it; the agent its local cores and how idle they are.
 * Without a quota the machine is the machine (/proc/stat, the CPUs our
 * affinity allows).  Library code: no logging.
 */
#ifndef CCPOOL_CPUQUOTA_H
#define CCPOOL_CPUQUOTA_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

struct cpuquota {
	double		 cpus;		/* quota / period */
	int		 v2;		/* usage from cpu.stat, else cpuacct */
	char		 usage[PATH_MAX];	/* the file to read usage from */
	char		 where[PATH_MAX];	/* the cgroup directory, for logs */
};

/*
 * Find the deepest cgroup of ours with a CPU quota, reading
 * /proc/self/cgroup and /proc/self/mountinfo.  Returns 0 and fills *q,
 * or -1 when there is none (or no cgroup filesystem is visible).
 */
int	cpuquota_find(struct cpuquota *q);

/* The cgroup's CPU time so far, microseconds.  0 or -1. */
int	cpuquota_usage_us(const struct cpuquota *q, uint64_t *us);

/*
 * CPU time us, used under q, counted in the machine's own CPUs: ncpu
 * CPUs (cpuquota_ncpu()) of quota / ncpu speed each, so an owner using
 * all of a 0.3-CPU quota keeps that one CPU busy.  us itself when q has
 * no quota.
 */
uint64_t cpuquota_machine_us(const struct cpuquota *q, unsigned ncpu,
	    uint64_t us);

/* The CPUs to plan with: ceil(quota) if there is one, else online CPUs
 * (or fewer, those our affinity allows: a cpuset). */
unsigned cpuquota_ncpu(void);

/*
 * The aggregate "cpu " line of /proc/stat text (NUL-terminated): busy
 * and total jiffies of the machine (idle and iowait count as not busy;
 * guest time is inside user).  0, or -1 if text has no such line of at
 * least four numbers.  The one reader of /proc/stat for ccpoold's load
 * and the agent's local cores.
 */
int	cpuquota_parse_procstat(const char *text, uint64_t *busy,
	    uint64_t *total);

/* Parsers, exposed for the tests. */

/*
 * The next line of the NUL-terminated text at *s, without its newline,
 * into line (cap bytes); *s moves past it.  Lines too long for line are
 * skipped.  Returns 1 with a line, 0 at the end of the text.
 */
int	cpuquota_line(const char **s, char *line, size_t cap);

/*
 * The path of controller's cgroup in the text of /proc/self/cgroup
 * ("" controller: the v2 line "0::").  0 or -1.
 */
int	cpuquota_parse_cgroup(const char *text, const char *controller,
	    char *path, size_t cap);

/* cpu.max ("max 100000", "45000 100000") into *cpus; 0 (quota), 1 (no
 * quota) or -1 (malformed). */
int	cpuquota_parse_max(const char *text, double *cpus);

/* Path helpers, shared with cgweight.c. */

/*
 * One line of /proc/self/mountinfo: if it mounts the v1 hierarchy holding
 * controller (or cgroup2 for controller ""), copy its mount point to mnt
 * and its root inside the hierarchy to root and return 0; else -1.
 */
int	cpuquota_parse_mount(const char *line, const char *controller,
	    char *mnt, size_t mcap, char *root, size_t rcap);

/*
 * The directory of cgroup path (a path in the hierarchy) under a mount at
 * mnt whose root is root.  0, or -1 when path is not under root (or out
 * does not hold it).
 */
int	cpuquota_cg_dir(const char *mnt, const char *root, const char *path,
	    char *out, size_t cap);

/* Drop the last component of a hierarchy path in place; -1 at "/". */
int	cpuquota_path_up(char *p);

#endif
