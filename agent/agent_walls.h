/*
 * agent_walls.h - the walls of ccpool-agent, the one client process that
 * parses hostile bytes (server frames, mDNS TXT records) while it holds
 * the user's key: no_new_privs, Landlock and a seccomp allow-list, put up
 * by agent_main.c before the agent's loop starts.  What each wall allows
 * and why: doc/client.md ("The agent's walls").
 */
#ifndef CCPOOL_AGENT_WALLS_H
#define CCPOOL_AGENT_WALLS_H

#include <stddef.h>

struct confine_filter;

/*
 * The agent's seccomp allow-list, built but not loaded: anything it does
 * not name kills the process (SIGSYS).  NULL with err set.
 */
struct confine_filter *agent_walls_filter(char *err, size_t errlen);

/*
 * Put up every wall on the calling process, for good: no_new_privs;
 * Landlock (when the kernel has it): read and write only in sockdir (the
 * agent's socket directory) and confdir (~/.config/ccpool), read /etc,
 * /usr, /lib*, /proc/stat, /proc/self, /sys/fs/cgroup, nothing executed;
 * then agent_walls_filter().  Both directories must exist; confdir may
 * be NULL (no HOME: the agent has no identity).  Returns 0,
 * or -1 with err set (the caller must not go on).
 */
int	agent_walls_up(const char *sockdir, const char *confdir, char *err,
	    size_t errlen);

#endif
