/*
 * hostspec.h - parse CCPOOL_HOSTS, the hand-pinned list of servers.
 *
 *   CCPOOL_HOSTS="h1 h2:4000 198.18.0.12 [fe80::1%eth0]:3633 ::1 h3/8"
 *
 * Entries are separated by spaces, tabs, newlines or commas.  Each is a
 * host name or a numeric address, an optional :port (bracket an IPv6
 * address to give a port) and an optional /slots, the most jobs to send
 * there at once (default: what the server says).  An entry
 * `distcc://host[:port][/slots]` names a plain distccd (port 3632, 2
 * slots by default), used only with CCPOOL_DISTCC=1 (agent/adcc.h).
 * The string comes from
 * the environment, so it is checked strictly: a bad entry refuses the
 * whole list with a reason.
 */
#ifndef CCPOOL_HOSTSPEC_H
#define CCPOOL_HOSTSPEC_H

#include <stddef.h>
#include <stdint.h>

#define HOSTSPEC_MAX		64	/* entries */
#define HOSTSPEC_NAME_MAX	256	/* bytes incl. NUL */
#define HOSTSPEC_PORT		3633	/* default ccpoold port */
#define HOSTSPEC_SLOTS_MAX	1024
#define HOSTSPEC_DISTCC		"distcc://"
#define HOSTSPEC_DISTCC_PORT	3632

struct hostspec {
	char		 host[HOSTSPEC_NAME_MAX];	/* name or address,
							   no brackets */
	uint16_t	 port;
	unsigned	 slots;		/* 0: not given */
	int		 distcc;	/* distcc://: a plain distccd */
};

/*
 * Parse s into hs[0..max-1].  Returns the number of entries (0 for an
 * empty or blank string), or -1 with err set (bad syntax, bad port or
 * slots, too many entries, duplicate host:port).
 */
int	hostspec_parse(const char *s, struct hostspec *hs, size_t max,
	    char *err, size_t errlen);

#endif
