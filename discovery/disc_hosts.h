/*
 * disc_hosts.h - the live table of compile hosts seen on the LAN.
 *
 * Keyed by service instance (kind + instance name).  One instance is often
 * seen several times: over IPv4 and IPv6 and on several interfaces.  Each
 * sighting is kept apart; the host is the merge of its sightings and goes
 * away with its last one.  The caller (disc_browse.c, or a test) feeds
 * sightings in and hears of add/update/remove through one callback.
 * Plain data structure: no Avahi, no I/O.
 */
#ifndef CCPOOL_DISC_HOSTS_H
#define CCPOOL_DISC_HOSTS_H

#include <netinet/in.h>
#include <sys/socket.h>
#include <stdint.h>
#include <time.h>

#include "discovery/disc_txt.h"

#define DISC_NAME_MAX	64	/* DNS label (63) + NUL */
#define DISC_HOSTNAME_MAX 256
#define DISC_ADDR_MAX	8	/* addresses kept per host */
#define DISC_ADDRSTR	(INET6_ADDRSTRLEN + 17)	/* "fe80::1%ifname" */

enum disc_kind {
	DISC_KIND_CCPOOL,
	DISC_KIND_DISTCC
};

enum disc_event {
	DISC_HOST_ADD,
	DISC_HOST_UPDATE,
	DISC_HOST_REMOVE
};

/* One resolved address of a host. */
struct disc_addr {
	int		 family;	/* AF_INET or AF_INET6 */
	int		 ifindex;	/* scope for link-local IPv6 */
	char		 text[DISC_ADDRSTR];	/* numeric, with %scope */
};

/* One resolver answer: an instance seen on one interface and protocol. */
struct disc_sighting {
	enum disc_kind	 kind;
	char		 name[DISC_NAME_MAX];
	char		 hostname[DISC_HOSTNAME_MAX];
	int		 ifindex;
	int		 proto;		/* AF_INET/AF_INET6: the mDNS transport */
	uint16_t	 port;
	struct disc_addr addr;
	struct disc_info info;		/* DISC_KIND_CCPOOL */
	struct disc_distcc_info distcc;	/* DISC_KIND_DISTCC */
};

/* The merged view of one service instance. */
struct disc_host {
	enum disc_kind	 kind;
	char		 name[DISC_NAME_MAX];
	char		 hostname[DISC_HOSTNAME_MAX];
	uint16_t	 port;
	unsigned	 naddr;
	struct disc_addr addr[DISC_ADDR_MAX];	/* IPv4 first */
	struct disc_info info;
	struct disc_distcc_info distcc;
	time_t		 first_seen;
	time_t		 last_seen;
};

struct disc_hosts;

/* Called after the table changed; h stays valid during the call only. */
typedef void	(*disc_hosts_cb)(enum disc_event ev, const struct disc_host *h,
		    void *arg);

struct disc_hosts *disc_hosts_new(disc_hosts_cb cb, void *arg);
void		 disc_hosts_free(struct disc_hosts *t);

/*
 * Record a sighting at time now.  Creates the host (ADD) or merges it
 * (UPDATE, only when something visible changed).  Returns 0, or -1 on
 * out-of-memory or a table that is full (it holds at most
 * DISC_HOSTS_MAX instances, so a flood of adverts cannot exhaust memory).
 */
#define DISC_HOSTS_MAX	4096
int		 disc_hosts_seen(struct disc_hosts *t,
		    const struct disc_sighting *s, time_t now);

/*
 * The browser lost the instance on (ifindex, proto); ifindex -1 means on
 * every interface and proto -1 on every protocol.  REMOVE when no
 * sighting is left.
 */
void		 disc_hosts_lost(struct disc_hosts *t, enum disc_kind kind,
		    const char *name, int ifindex, int proto);

/*
 * Mark every sighting stale at time now (avahi-daemon went away: we keep
 * what we knew for a grace period, and a fresh sighting un-stales it).
 */
void		 disc_hosts_mark_stale(struct disc_hosts *t, time_t now);

/* Drop sightings stale for more than max_age seconds. Returns hosts removed. */
unsigned	 disc_hosts_expire(struct disc_hosts *t, time_t now,
		    time_t max_age);

size_t		 disc_hosts_count(const struct disc_hosts *t);
/* The i-th host, 0 <= i < count, in no particular order. */
const struct disc_host *disc_hosts_at(const struct disc_hosts *t, size_t i);
const struct disc_host *disc_hosts_find(const struct disc_hosts *t,
		    enum disc_kind kind, const char *name);

const char	*disc_kind_name(enum disc_kind kind);

struct sockaddr_storage;
/*
 * A numeric address as in struct disc_addr (with an optional %scope) and
 * a port, as a sockaddr for connect().  Returns 0, or -1 if text is not a
 * numeric address.  No name lookup ever happens.
 */
int		 disc_addr_sockaddr(const char *text, uint16_t port,
		    struct sockaddr_storage *ss, socklen_t *sslen);

/*
 * A browser's warning: fmt formatted (at most 511 bytes) and handed to
 * warn(msg, arg); nothing if warn is NULL.
 */
void		 disc_warnf(void (*warn)(const char *, void *), void *arg,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
