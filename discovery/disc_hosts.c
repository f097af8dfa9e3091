/*
 * disc_hosts.c - the live host table; see disc_hosts.h.
 *
 * A small array of entries, each the sightings of one instance plus their
 * merged view.  Linear search: a LAN has hundreds of hosts, not millions,
 * and the table is bounded by DISC_HOSTS_MAX.
 */
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "discovery/disc_hosts.h"

#define SIGHT_MAX	32	/* interfaces x protocols per instance */

struct sight {
	struct disc_sighting	 s;
	time_t			 seen;
	time_t			 stale_since;	/* 0: fresh */
};

struct entry {
	struct disc_host	 host;
	struct sight		 sight[SIGHT_MAX];
	unsigned		 nsight;
};

struct disc_hosts {
	struct entry		**e;
	size_t			 n, cap;
	disc_hosts_cb		 cb;
	void			*arg;
};

const char *
disc_kind_name(enum disc_kind kind)
{
	return kind == DISC_KIND_DISTCC ? "distcc" : "ccpool";
}

struct disc_hosts *
disc_hosts_new(disc_hosts_cb cb, void *arg)
{
	struct disc_hosts *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->cb = cb;
	t->arg = arg;
	return t;
}

void
disc_hosts_free(struct disc_hosts *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->e[i]);
	free(t->e);
	free(t);
}

static long
find_index(const struct disc_hosts *t, enum disc_kind kind, const char *name)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if (t->e[i]->host.kind == kind &&
		    strcmp(t->e[i]->host.name, name) == 0)
			return (long)i;
	return -1;
}

static void
add_addr(struct disc_host *h, const struct disc_addr *a)
{
	unsigned	 i;

	if (a->text[0] == '\0')
		return;
	for (i = 0; i < h->naddr; i++)
		if (strcmp(h->addr[i].text, a->text) == 0)
			return;
	if (h->naddr < DISC_ADDR_MAX)
		h->addr[h->naddr++] = *a;
}

/*
 * Recompute the merged view from the sightings: the newest sighting gives
 * the advertised data, addresses are the union (IPv4 first, then IPv6).
 */
static void
merge(struct entry *e)
{
	struct disc_host *h = &e->host;
	const struct sight *newest = NULL;
	unsigned	 i;
	int		 pass;

	for (i = 0; i < e->nsight; i++)
		if (newest == NULL || e->sight[i].seen >= newest->seen)
			newest = &e->sight[i];
	h->naddr = 0;
	memset(h->addr, 0, sizeof(h->addr));
	if (newest == NULL)
		return;
	memcpy(h->hostname, newest->s.hostname, sizeof(h->hostname));
	h->port = newest->s.port;
	h->info = newest->s.info;
	h->distcc = newest->s.distcc;
	h->last_seen = newest->seen;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < e->nsight; i++)
			if ((e->sight[i].s.addr.family == AF_INET) ==
			    (pass == 0))
				add_addr(h, &e->sight[i].s.addr);
}

/* Whether a and b differ in anything a user of the table would see. */
static int
host_differs(const struct disc_host *a, const struct disc_host *b)
{
	unsigned	 i;

	if (strcmp(a->hostname, b->hostname) != 0 || a->port != b->port ||
	    a->naddr != b->naddr)
		return 1;
	for (i = 0; i < a->naddr; i++)
		if (a->addr[i].family != b->addr[i].family ||
		    a->addr[i].ifindex != b->addr[i].ifindex ||
		    strcmp(a->addr[i].text, b->addr[i].text) != 0)
			return 1;
	/* both are copies of zero-filled, decoder-written structs */
	return memcmp(&a->info, &b->info, sizeof(a->info)) != 0 ||
	    memcmp(&a->distcc, &b->distcc, sizeof(a->distcc)) != 0;
}

static void
remove_at(struct disc_hosts *t, size_t i)
{
	struct entry	*e = t->e[i];

	t->e[i] = t->e[--t->n];
	if (t->cb != NULL)
		t->cb(DISC_HOST_REMOVE, &e->host, t->arg);
	free(e);
}

int
disc_hosts_seen(struct disc_hosts *t, const struct disc_sighting *s,
    time_t now)
{
	struct entry	*e;
	struct disc_host before;
	long		 idx;
	unsigned	 i;

	idx = find_index(t, s->kind, s->name);
	if (idx < 0) {
		if (t->n >= DISC_HOSTS_MAX)
			return -1;
		if (t->n == t->cap) {
			size_t	 ncap = t->cap ? t->cap * 2 : 16;
			struct entry **ne = reallocarray(t->e, ncap,
			    sizeof(struct entry *));

			if (ne == NULL)
				return -1;
			t->e = ne;
			t->cap = ncap;
		}
		if ((e = calloc(1, sizeof(*e))) == NULL)
			return -1;
		e->host.kind = s->kind;
		memcpy(e->host.name, s->name, sizeof(e->host.name));
		e->host.name[sizeof(e->host.name) - 1] = '\0';
		e->host.first_seen = now;
		e->sight[0].s = *s;
		e->sight[0].seen = now;
		e->nsight = 1;
		merge(e);
		t->e[t->n++] = e;
		if (t->cb != NULL)
			t->cb(DISC_HOST_ADD, &e->host, t->arg);
		return 0;
	}
	e = t->e[idx];
	before = e->host;
	for (i = 0; i < e->nsight; i++)
		if (e->sight[i].s.ifindex == s->ifindex &&
		    e->sight[i].s.proto == s->proto)
			break;
	if (i == e->nsight) {
		if (e->nsight == SIGHT_MAX)
			i = 0;	/* replace the oldest slot: bounded */
		else
			e->nsight++;
	}
	e->sight[i].s = *s;
	e->sight[i].seen = now;
	e->sight[i].stale_since = 0;
	merge(e);
	if (host_differs(&before, &e->host) && t->cb != NULL)
		t->cb(DISC_HOST_UPDATE, &e->host, t->arg);
	return 0;
}

/* Drop sighting j of entry idx; removes the entry when it was the last. */
static void
drop_sight(struct disc_hosts *t, size_t idx, unsigned j)
{
	struct entry	*e = t->e[idx];
	struct disc_host before = e->host;

	e->sight[j] = e->sight[--e->nsight];
	if (e->nsight == 0) {
		remove_at(t, idx);
		return;
	}
	merge(e);
	if (host_differs(&before, &e->host) && t->cb != NULL)
		t->cb(DISC_HOST_UPDATE, &e->host, t->arg);
}

void
disc_hosts_lost(struct disc_hosts *t, enum disc_kind kind, const char *name,
    int ifindex, int proto)
{
	long		 idx = find_index(t, kind, name);
	unsigned	 j;

	if (idx < 0)
		return;
	for (j = t->e[idx]->nsight; j-- > 0; ) {
		const struct disc_sighting *s = &t->e[idx]->sight[j].s;

		if ((ifindex == -1 || s->ifindex == ifindex) &&
		    (proto == -1 || s->proto == proto)) {
			unsigned left = t->e[idx]->nsight - 1;

			drop_sight(t, (size_t)idx, j);
			if (left == 0)
				return;
		}
	}
}

void
disc_hosts_mark_stale(struct disc_hosts *t, time_t now)
{
	size_t		 i;
	unsigned	 j;

	for (i = 0; i < t->n; i++)
		for (j = 0; j < t->e[i]->nsight; j++)
			if (t->e[i]->sight[j].stale_since == 0)
				t->e[i]->sight[j].stale_since = now;
}

unsigned
disc_hosts_expire(struct disc_hosts *t, time_t now, time_t max_age)
{
	unsigned	 removed = 0, j;
	size_t		 i = 0;

	while (i < t->n) {
		struct entry *e = t->e[i];
		int	 gone = 0;

		for (j = e->nsight; j-- > 0; ) {
			time_t	 st = e->sight[j].stale_since;

			if (st != 0 && now - st > max_age) {
				if (e->nsight == 1) {
					drop_sight(t, i, j);
					removed++;
					gone = 1;
					break;
				}
				drop_sight(t, i, j);
			}
		}
		if (!gone)
			i++;
	}
	return removed;
}

size_t
disc_hosts_count(const struct disc_hosts *t)
{
	return t->n;
}

const struct disc_host *
disc_hosts_at(const struct disc_hosts *t, size_t i)
{
	return i < t->n ? &t->e[i]->host : NULL;
}

const struct disc_host *
disc_hosts_find(const struct disc_hosts *t, enum disc_kind kind,
    const char *name)
{
	long	 idx = find_index(t, kind, name);

	return idx < 0 ? NULL : &t->e[idx]->host;
}

int
disc_addr_sockaddr(const char *text, uint16_t port, struct sockaddr_storage *ss,
    socklen_t *sslen)
{
	struct addrinfo	 hints, *res;
	char		 serv[8];

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(serv, sizeof(serv), "%u", port);
	if (getaddrinfo(text, serv, &hints, &res) != 0)
		return -1;
	if (res->ai_addrlen > sizeof(*ss)) {
		freeaddrinfo(res);
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

void
disc_warnf(void (*warn)(const char *, void *), void *arg, const char *fmt,
    ...)
{
	char	 msg[512];
	va_list	 ap;

	if (warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn(msg, arg);
}
