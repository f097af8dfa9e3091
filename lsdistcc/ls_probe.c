/*
 * ls_probe.c - lsdistcc's reachability checks: concurrent TCP connects
 * with a bounded timeout (-p), and DNS lookups of names or name patterns
 * for sites without mDNS, as the original lsdistcc does.
 */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

#include "common/mono.h"
#include "lsdistcc/ls.h"

struct probe {
	struct ls_row		*row;
	struct bufferevent	*bev;
	uint64_t		 start;	/* mono_us() at connect */
	int			*pending;
	struct event_base	*base;
};


static void
probe_done(struct probe *p, int up)
{
	p->row->up = up;
	if (up)
		p->row->rtt_ms = (double)(mono_us() - p->start) / 1e3;
	bufferevent_free(p->bev);
	p->bev = NULL;
	if (--*p->pending == 0)
		event_base_loopexit(p->base, NULL);
}

static void
probe_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	probe_done(arg, (what & BEV_EVENT_CONNECTED) != 0);
}

int
ls_probe(struct event_base *base, struct ls_row *rows, size_t n,
    int timeout_ms)
{
	struct probe	*probes;
	struct timeval	 tv = { timeout_ms / 1000,
	    (suseconds_t)(timeout_ms % 1000) * 1000 };
	size_t		 i;
	int		 pending = 0;

	if (n == 0)
		return 0;
	if ((probes = calloc(n, sizeof(*probes))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		struct sockaddr_storage ss;
		socklen_t sslen;

		rows[i].probed = 1;
		rows[i].up = 0;
		if (disc_addr_sockaddr(rows[i].addr, rows[i].port, &ss,
		    &sslen) == -1)
			continue;
		probes[i].row = &rows[i];
		probes[i].pending = &pending;
		probes[i].base = base;
		probes[i].bev = bufferevent_socket_new(base, -1,
		    BEV_OPT_CLOSE_ON_FREE);
		if (probes[i].bev == NULL)
			continue;
		bufferevent_setcb(probes[i].bev, NULL, NULL, probe_event,
		    &probes[i]);
		bufferevent_set_timeouts(probes[i].bev, &tv, &tv);
		probes[i].start = mono_us();
		pending++;
		if (bufferevent_socket_connect(probes[i].bev,
		    (struct sockaddr *)&ss, (int)sslen) == -1) {
			bufferevent_free(probes[i].bev);
			probes[i].bev = NULL;
			pending--;
		}
	}
	if (pending > 0) {
		/* every probe has its own timeout; this is a backstop */
		struct timeval	 limit = { tv.tv_sec + 1, tv.tv_usec };

		event_base_loopexit(base, &limit);
		event_base_dispatch(base);
	}
	for (i = 0; i < n; i++)
		if (probes[i].bev != NULL)
			bufferevent_free(probes[i].bev);
	free(probes);
	return 0;
}

/* Add a row for name if it resolves; returns 1 added, 0 not, -1 OOM. */
static int
dns_row(const char *name, uint16_t port, struct ls_row **rows, size_t *n)
{
	struct addrinfo	 hints, *res;
	struct ls_row	*nr;
	char		 serv[8];

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	snprintf(serv, sizeof(serv), "%u", port);
	if (getaddrinfo(name, serv, &hints, &res) != 0)
		return 0;
	if ((nr = reallocarray(*rows, *n + 1, sizeof(**rows))) == NULL) {
		freeaddrinfo(res);
		return -1;
	}
	*rows = nr;
	nr = &(*rows)[(*n)++];
	memset(nr, 0, sizeof(*nr));
	snprintf(nr->name, sizeof(nr->name), "%s", name);
	nr->kind = "dns";
	nr->port = port;
	getnameinfo(res->ai_addr, res->ai_addrlen, nr->addr, sizeof(nr->addr),
	    NULL, 0, NI_NUMERICHOST);
	freeaddrinfo(res);
	return 1;
}

/* Whether s holds exactly one %d and no other conversion. */
static int
is_pattern(const char *s)
{
	const char	*p;
	int		 nd = 0;

	for (p = s; (p = strchr(p, '%')) != NULL; p += 2) {
		if (p[1] != 'd')
			return -1;
		nd++;
	}
	return nd == 1 ? 1 : nd == 0 ? 0 : -1;
}

int
ls_dns_rows(const char *name, uint16_t port, struct ls_row **rows, size_t *n,
    char *err, size_t errlen)
{
	char	 host[DISC_HOSTNAME_MAX];
	int	 i, misses = 0, added = 0, r;

	switch (is_pattern(name)) {
	case 0:
		if ((r = dns_row(name, port, rows, n)) == -1)
			goto oom;
		return r;
	case 1:
		break;
	default:
		snprintf(err, errlen, "a host pattern may hold one %%d only");
		return -1;
	}
	for (i = 1; i <= 1000 && misses < 3; i++) {
		/* the pattern was checked above to hold exactly one %d */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		if (snprintf(host, sizeof(host), name, i) >= (int)sizeof(host))
#pragma GCC diagnostic pop
			break;
		if ((r = dns_row(host, port, rows, n)) == -1)
			goto oom;
		misses = r ? 0 : misses + 1;
		added += r;
	}
	return added;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}
