/*
 * spawn.h - reach the per-user agent, starting it on demand.
 *
 * The wrapper connects to <sockdir>/agent.sock.  When nothing answers it
 * takes <sockdir>/agent.lock (flock), tries again (another wrapper may
 * have just started it) and otherwise starts `ccpool --agent` detached
 * (double fork, setsid, stdio on /dev/null and <sockdir>/agent.log), then
 * waits for the socket to answer, still holding the lock: with make -j64
 * exactly one agent is started and the other wrappers wait for it on the
 * lock.  The agent itself holds <sockdir>/agent.pid locked for its whole
 * life (spawn_agent_lock), so a second agent never runs.
 */
#ifndef CCPOOL_SPAWN_H
#define CCPOOL_SPAWN_H

#include <stddef.h>

/*
 * One agent per configuration: agents started with different
 * CCPOOL_HOSTS or CCPOOL_CLUSTER values must not answer for each other,
 * so their files carry a tag: "" when both are unset, else "-" and 16 hex
 * digits of a hash of both.  Files: agent<tag>.sock .lock .pid .log.
 */
#define SPAWN_TAG_MAX	18

/* The tag of this process's configuration (from its environment). */
void	spawn_tag(char tag[SPAWN_TAG_MAX]);

/* dst = <sockdir>/agent<tag>.<ext>.  Returns 0, or -1 if too long. */
int	spawn_path(char *dst, size_t dstlen, const char *sockdir,
	    const char *tag, const char *ext);

/*
 * Connect to the agent of sockdir, starting it with self_exe --agent if
 * needed (self_exe NULL: never start it).  Waits at most wait_ms for a
 * new agent.  Returns a connected, blocking, close-on-exec socket, or -1
 * with err set.
 */
int	spawn_connect(const char *sockdir, const char *tag,
	    const char *self_exe, int wait_ms, char *err, size_t errlen);

/* Connect to the socket at path once.  Returns the socket or -1 (errno). */
int	spawn_connect_once(const char *path);

/*
 * For the agent: lock <sockdir>/agent.pid for the life of the process
 * and write our pid into it.  Returns the descriptor (keep it open), or
 * -1 with err set (another agent holds it: then *busy is set to 1).
 */
int	spawn_agent_lock(const char *sockdir, const char *tag, int *busy,
	    char *err, size_t errlen);

/*
 * For the agent: bind and listen on <sockdir>/agent.sock, replacing a
 * stale socket (call with the pid lock held).  Returns the listening
 * socket (non-blocking, close-on-exec) or -1 with err set.
 */
int	spawn_agent_listen(const char *sockdir, const char *tag, char *err,
	    size_t errlen);

#endif
