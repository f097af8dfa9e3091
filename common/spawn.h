/*
 * spawn.h - reach the per-user agent, starting it on demand.
 *
 * The wrapper connects to <sockdir>/agent<tag>.sock, the agent of its
 * network namespace and configuration (spawn_tag).  When nothing answers
 * it takes agent<tag>.lock (flock), tries again (another wrapper may
 * have just started it) and otherwise starts `ccpool --agent` detached
 * (double fork, setsid, stdio on /dev/null and agent<tag>.log), then
 * waits for the socket to answer, still holding the lock: with make -j64
 * exactly one agent is started and the other wrappers wait for it on the
 * lock.  The agent itself holds agent<tag>.pid locked for its whole life
 * (spawn_agent_lock), so a second agent never runs.
 * Start reading at spawn_tag(), then spawn_connect().
 */
#ifndef CCPOOL_SPAWN_H
#define CCPOOL_SPAWN_H

#include <stddef.h>

/*
 * One agent per network namespace and configuration.  A unix socket
 * path reaches across network namespaces, but an agent only sees the
 * LAN of the namespace it was started in, so every name carries a tag:
 * "-" and 16 hex digits of a hash (FNV-1a 64) of what the agent would
 * discover or decide with, as the agent reads it:
 *   - the network namespace (/proc/self/ns/net: st_dev and st_ino);
 *   - CCPOOL_HOSTS, CCPOOL_CLUSTER (unset or empty: "default"),
 *     CCPOOL_PLACE_LOCAL (only "0" or not), CCPOOL_TRUST (first-use or
 *     explicit),
 *     DBUS_SYSTEM_BUS_ADDRESS (which avahi-daemon discovery asks);
 *   - the configuration directory (XDG_CONFIG_HOME or HOME: the identity,
 *     the pins of known_servers, the CRL).
 * Files: agent<tag>.sock .lock .pid .log .env .told.  The settings that
 * change neither (CCPOOL_AGENT_IDLE, CCPOOL_VERBOSE) are not keyed: the
 * agent records its own (spawn_agent_record) and a wrapper whose differ
 * hears of it once (spawn_agent_differs).
 */
#define SPAWN_TAG_MAX	18

/*
 * The revision of the wrapper's conventions with its agent (doc/client.md,
 * "Wrapper and agent: the local protocol"), part of every tag: a wrapper
 * never talks to an agent of other conventions.  After an upgrade the
 * old agent serves the wrappers still running and exits when idle.
 * 2: CODE before the job.
 */
#define SPAWN_LOCAL_REV	"2"

/*
 * The tag of this process's configuration (from its environment).
 * Returns 0, or -1 with err set when the network namespace cannot be
 * told (no /proc): then no agent may be shared.
 */
int	spawn_tag(char tag[SPAWN_TAG_MAX], char *err, size_t errlen);

/* dst = <sockdir>/agent<tag>.<ext>.  Returns 0, or -1 if too long. */
int	spawn_path(char *dst, size_t dstlen, const char *sockdir,
	    const char *tag, const char *ext);

/*
 * Connect to the agent of sockdir, starting it with self_exe --agent if
 * needed (self_exe NULL: never start it).  An agent is not started in a
 * network namespace with no interface but loopback up, unless
 * CCPOOL_HOSTS is set: it could reach no server (a build sandbox would
 * otherwise start one agent per compile).  Waits at most wait_ms for a
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
 * For the agent, with the pid lock held and before it listens: write the
 * settings it keeps whatever a later wrapper's say into <sockdir>/
 * agent<tag>.env, and forget what wrappers were told about the last
 * agent (agent<tag>.told).  Returns 0, or -1 with err set.
 */
int	spawn_agent_record(const char *sockdir, const char *tag, char *err,
	    size_t errlen);

/*
 * For a wrapper connected to the agent of sockdir and tag: whether that
 * agent runs with settings other than this process's (CCPOOL_AGENT_IDLE;
 * CCPOOL_VERBOSE when verbose, the wrapper's own wish, is set while the
 * agent's was not).  Returns 1 with a one-line note for the user the
 * first time this agent differs so from a wrapper (a line in
 * agent<tag>.told says so to the next ones), else 0.
 */
int	spawn_agent_differs(const char *sockdir, const char *tag, int verbose,
	    char *note, size_t notelen);

/*
 * For the agent: bind and listen on <sockdir>/agent.sock, replacing a
 * stale socket (call with the pid lock held).  Returns the listening
 * socket (non-blocking, close-on-exec) or -1 with err set.
 */
int	spawn_agent_listen(const char *sockdir, const char *tag, char *err,
	    size_t errlen);

#endif
