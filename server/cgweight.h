/*
 * cgweight.h - are our jobs really below the owner's work?  SCHED_IDLE
 * and nice rank a task only against tasks of the same CPU cgroup (and,
 * in the root CPU cgroup, of the same autogroup, that is session).  A
 * job of ours in a cgroup of normal weight, such as system.slice beside
 * the desktop's user.slice, takes as much CPU as the owner's whole
 * cgroup.  Jobs are protected when some cgroup on ccpoold's path has a
 * tiny CPU weight (ccpool.slice, CPUWeight=1) or is an idle cgroup.
 *
 * The parent calls cgweight_check() once at start and logs the verdict;
 * cgweight_judge() is the decision over given texts, for the tests.
 * Library code: no logging.
 */
#ifndef CCPOOL_CGWEIGHT_H
#define CCPOOL_CGWEIGHT_H

#include <stddef.h>

/* At most this is a low weight (defaults: 100 and 1024). */
#define CGWEIGHT_V2_LOW		10	/* cgroup v2 cpu.weight */
#define CGWEIGHT_V1_LOW		100	/* cgroup v1 cpu.shares */

/*
 * Judge from cgroup (the text of /proc/self/cgroup), mountinfo (the text
 * of /proc/self/mountinfo; the cgroup files are read under the mount
 * points it names) and autogroup (kernel.sched_autogroup_enabled: 1 on,
 * 0 off or absent).  The cgroups from ours up to the root are looked at,
 * the root excluded: cgroup v1 "cpu" when /proc/self/cgroup has it, else
 * cgroup v2.  Low: v2 cpu.weight <= CGWEIGHT_V2_LOW, v1 cpu.shares <=
 * CGWEIGHT_V1_LOW, or cpu.idle 1.
 *
 * Returns 1 (protected), 0 (not) or -1 (cannot tell), always with a
 * one-line reason in why (naming the cgroup and its weight), which the
 * caller completes into a log message.
 */
int	cgweight_judge(const char *cgroup, const char *mountinfo,
	    int autogroup, char *why, size_t whylen);

/* cgweight_judge() over this process's own files.  Never slow: a few
 * small files; a missing one gives -1 with the reason. */
int	cgweight_check(char *why, size_t whylen);

#endif
