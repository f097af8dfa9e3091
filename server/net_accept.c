/*
 * net_accept.c - what ccpoold's network process does before a connection
 * is a client (see net.h for the other files).
 *
 * Listens on the jobs port and the status port (IPv4 and IPv6).  At
 * accept, before any byte is read, an address that may not use the
 * server is closed, and the others get one of a few places for
 * connections that have not proved who they are yet (server/gate.h;
 * the status port has its own, smaller gate).  A listener takes at most
 * ACCEPT_BATCH connections a turn at a lower event priority than the
 * clients', so a flood of connections delays no job; running out of
 * descriptors pauses accepting for ACCEPT_PAUSE_MS instead of spinning.
 * Refusals are logged at once after a quiet spell, then summed up every
 * REFUSED_LOG_S.  Start reading at on_listen() and admit().
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/net.h"

/* What a flood can hold beyond max_conns fits in SRV_NET_FDS (server.h). */
_Static_assert(PREAUTH_MAX + STATUS_MAX + 64 <= SRV_NET_FDS(0),
    "descriptors beyond max_conns");
#define ACCEPT_BATCH	32	/* accepts per listener per loop turn */
#define ACCEPT_PAUSE_MS	250	/* no accept after EMFILE, ENFILE ... */
#define REFUSED_LOG_S	10	/* one summary of refusals at accept */
#define LISTEN_BACKLOG	1024


/* Address bytes of sa for the access list. */
int
nacc_peer_addr(const struct sockaddr *sa, int *family, uint8_t addr[16],
    char *text, size_t textlen)
{
	char	 a[INET6_ADDRSTRLEN];

	memset(addr, 0, 16);
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;

		*family = AF_INET;
		memcpy(addr, &s4->sin_addr, 4);
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(text, textlen, "%s:%u", a, ntohs(s4->sin_port));
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		*family = AF_INET6;
		memcpy(addr, &s6->sin6_addr, 16);
		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(text, textlen, "[%s]:%u", a, ntohs(s6->sin6_port));
		return 0;
	}
	return -1;
}

/* Forget what was refused so far: it is logged. */
static void
refused_reset(struct net *n)
{
	n->not_allowed = n->preauth_failed = 0;
	n->logged_full = n->pre.full_addr + n->st.full_addr;
	n->logged_evicted = n->pre.evicted + n->st.evicted;
	n->last_refused[0] = '\0';
}

/*
 * What was refused at accept or before the hello, at most one line per
 * REFUSED_LOG_S: a flood of connections must not become a flood of log
 * lines.  A quiet window ends the summaries; the next refusal is logged
 * at once again (note_refused).
 */
static void
on_refused_log(evutil_socket_t fd, short what, void *arg)
{
	struct net	*n = arg;
	struct timeval	 tv = { REFUSED_LOG_S, 0 };
	unsigned long	 full, evicted;

	(void)fd;
	(void)what;
	full = n->pre.full_addr + n->st.full_addr - n->logged_full;
	evicted = n->pre.evicted + n->st.evicted - n->logged_evicted;
	if (n->not_allowed == 0 && n->preauth_failed == 0 && full == 0 &&
	    evicted == 0)
		return;
	log_info("in the last %d s: %lu connections from addresses that may "
	    "not use the server (last %s), %lu over the places for "
	    "unauthenticated ones (%u, %u per address; status %u, %u), %lu "
	    "dropped for newcomers, %lu without a hello within %d s",
	    REFUSED_LOG_S, n->not_allowed, n->last_refused[0] != '\0' ?
	    n->last_refused : "none", full, PREAUTH_MAX, PREAUTH_ADDR,
	    STATUS_MAX, STATUS_ADDR, evicted, n->preauth_failed, PREAUTH_S);
	refused_reset(n);
	evtimer_add(n->refused_ev, &tv);
}

/*
 * A connection was refused or dropped (the caller counted it): the
 * first after a quiet window is logged at once, with peer and why, the
 * rest go into on_refused_log's summary.
 */
static void
note_refused(struct net *n, const char *peer, const char *why)
{
	struct timeval	 tv = { REFUSED_LOG_S, 0 };

	if (evtimer_pending(n->refused_ev, NULL))
		return;
	log_info("%s: %s (more such are summed up every %d s)", peer, why,
	    REFUSED_LOG_S);
	refused_reset(n);
	evtimer_add(n->refused_ev, &tv);
}

/* net_conn.c's hook: a connection failed before it was authenticated. */
static void
preauth_failed(struct net *n, const char *peer, const char *why)
{
	n->preauth_failed++;
	note_refused(n, peer, why);
}

/* Close the oldest connection of victim still before its hello. */
static void
drop_oldest_preauth(struct net *n, const struct gate_addr *v)
{
	struct conn	*c;

	TAILQ_FOREACH(c, &n->conns, entry)
		if (c->gated && c->family == v->family &&
		    memcmp(c->addr, v->addr, sizeof(c->addr)) == 0) {
			log_debug("%s: dropped before its hello for a "
			    "newcomer", c->peer);
			nconn_free(c);
			return;
		}
}

/* May a peer at family/addr use the server (before its identity)? */
static int
addr_allowed(const struct net *n, int family, const uint8_t *addr)
{
	struct srvconf	 lc;

	/* site and kerberos users are authenticated: any address */
	if (n->conf.nallow > 0 || n->trust != TLS_OPEN)
		return srvconf_allowed(&n->conf, family, addr);
	/* open mode: the subnets of our own interfaces */
	memset(&lc, 0, sizeof(lc));
	lc.nallow = (unsigned)n->nlocal;
	memcpy(lc.allow, n->local, n->nlocal * sizeof(n->local[0]));
	return n->nlocal > 0 && srvconf_allowed(&lc, family, addr);
}

/*
 * The checks made at accept, before any byte is read: the address, then
 * a place in gate g.  Returns 0 with family, addr and peer set, or -1
 * with fd closed.
 */
static int
admit(struct net *n, evutil_socket_t fd, const struct sockaddr *sa,
    struct gate *g, int *family, uint8_t addr[16], char *peer, size_t peerlen)
{
	struct gate_addr victim;

	if (nacc_peer_addr(sa, family, addr, peer, peerlen) == -1) {
		evutil_closesocket(fd);
		return -1;
	}
	if (!addr_allowed(n, *family, addr)) {
		n->not_allowed++;
		snprintf(n->last_refused, sizeof(n->last_refused), "%s", peer);
		*strrchr(n->last_refused, ':') = '\0';	/* no port */
		note_refused(n, peer, "refused: this address may not use the "
		    "server (allow list)");
		evutil_closesocket(fd);
		return -1;
	}
	switch (gate_enter(g, *family, addr, &victim)) {
	case GATE_REFUSE:
		note_refused(n, peer, "refused: no place for another "
		    "connection before its hello");
		evutil_closesocket(fd);
		return -1;
	case GATE_EVICT:
		note_refused(n, peer, "took the place of the oldest connection "
		    "before its hello of the address that holds the most");
		if (g == &n->pre)
			drop_oldest_preauth(n, &victim);
		else
			httpd_drop_oldest(n->httpd, victim.family, victim.addr);
		break;
	case GATE_ADMIT:
		break;
	}
	return 0;
}

/* A new connection to the jobs port. */
static void
job_accepted(struct net *n, int fd, const struct sockaddr *sa)
{
	char		 peer[INET6_ADDRSTRLEN + 8];
	uint8_t		 addr[16];
	int		 family;

	if (admit(n, fd, sa, &n->pre, &family, addr, peer, sizeof(peer)) == -1)
		return;
	if (nconn_new(n, fd, family, addr, peer) == -1) {
		log_warnx("%s: out of memory", peer);
		gate_leave(&n->pre, family, addr);
		evutil_closesocket(fd);
	}
}

static void
status_closed(void *arg, int family, const uint8_t *addr)
{
	struct net	*n = arg;

	gate_leave(&n->st, family, addr);
}

/* A new connection to the status port. */
static void
status_accepted(struct net *n, int fd, const struct sockaddr *sa)
{
	char		 peer[INET6_ADDRSTRLEN + 8];
	uint8_t		 addr[16];
	int		 family;

	if (admit(n, fd, sa, &n->st, &family, addr, peer, sizeof(peer)) == -1)
		return;
	if (httpd_take(n->httpd, fd, family, addr, peer) == -1)
		log_warnx("%s: status connection: out of memory", peer);
}

static void
set_listening(struct net *n, int on)
{
	size_t	 i;

	for (i = 0; i < n->nlis; i++)
		if (on)
			event_add(n->lis[i], NULL);
		else
			event_del(n->lis[i]);
}

static void
on_resume(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	set_listening(arg, 1);
}

/*
 * A listening socket is readable: accept at most ACCEPT_BATCH, then let
 * the loop serve the rest.  Out of descriptors (EMFILE, ENFILE) or
 * memory, the connection would stay in the backlog and wake us at once
 * again: every listener pauses for ACCEPT_PAUSE_MS instead.
 */
static void
accept_batch(struct net *n, evutil_socket_t lfd, int status)
{
	struct sockaddr_storage ss;
	struct timeval	 tv = { 0, ACCEPT_PAUSE_MS * 1000L };
	socklen_t	 sl;
	int		 fd, i;

	for (i = 0; i < ACCEPT_BATCH; i++) {
		/*
		 * accept4 fills ss for a TCP listener; zeroed, an address
		 * it did not fill is family 0, which admit refuses.
		 */
		memset(&ss, 0, sizeof(ss));
		sl = sizeof(ss);
		fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK |
		    SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == ECONNABORTED || errno == EPROTO ||
			    errno == EPERM)
				continue;	/* that one went away */
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return;
			if (log_rate(&n->rl_accept, "accept errors"))
				log_warnx("accept: %s; not accepting for %d ms "
				    "(%u clients, %u before their hello, %u on "
				    "the status page)", strerror(errno),
				    ACCEPT_PAUSE_MS, n->nconns, n->pre.total,
				    n->st.total);
			set_listening(n, 0);
			evtimer_add(n->resume, &tv);
			return;
		}
		if (status)
			status_accepted(n, fd, (struct sockaddr *)&ss);
		else
			job_accepted(n, fd, (struct sockaddr *)&ss);
	}
}

static void
on_listen_jobs(evutil_socket_t lfd, short what, void *arg)
{
	(void)what;
	accept_batch(arg, lfd, 0);
}

static void
on_listen_status(evutil_socket_t lfd, short what, void *arg)
{
	(void)what;
	accept_batch(arg, lfd, 1);
}

/* The subnets of this machine's interfaces, for open mode. */
static void
local_nets(struct net *n)
{
	struct ifaddrs	*ifa, *i;
	const uint8_t	*a, *m;
	size_t		 len, b;

	if (getifaddrs(&ifa) == -1) {
		log_warn("getifaddrs: open mode will refuse every client");
		return;
	}
	for (i = ifa; i != NULL && n->nlocal < LOCAL_NETS_MAX;
	    i = i->ifa_next) {
		struct srvconf_cidr *e = &n->local[n->nlocal];

		if (i->ifa_addr == NULL || i->ifa_netmask == NULL)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			a = (const uint8_t *)&((struct sockaddr_in *)
			    (void *)i->ifa_addr)->sin_addr;
			m = (const uint8_t *)&((struct sockaddr_in *)
			    (void *)i->ifa_netmask)->sin_addr;
			len = 4;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			a = ((struct sockaddr_in6 *)(void *)
			    i->ifa_addr)->sin6_addr.s6_addr;
			m = ((struct sockaddr_in6 *)(void *)
			    i->ifa_netmask)->sin6_addr.s6_addr;
			len = 16;
		} else
			continue;
		memset(e, 0, sizeof(*e));
		e->family = i->ifa_addr->sa_family;
		for (b = 0; b < len; b++) {
			e->addr[b] = a[b] & m[b];
			e->prefix += (unsigned)__builtin_popcount(m[b]);
		}
		n->nlocal++;
	}
	freeifaddrs(ifa);
}

/* A listening TCP socket on family/addr/port, or -1 (logged). */
int
nacc_listen_on(int family, const uint8_t *addr, unsigned port, const char *what)
{
	struct sockaddr_storage ss;
	socklen_t	 sl;
	int		 fd, one = 1;
	char		 a[INET6_ADDRSTRLEN];

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		memcpy(&s4->sin_addr, addr, 4);
		sl = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		memcpy(&s6->sin6_addr, addr, 16);
		sl = sizeof(*s6);
	}
	inet_ntop(family, addr, a, sizeof(a));
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		log_warn("%s: socket for %s", what, a);
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) == -1 ||
	    listen(fd, LISTEN_BACKLOG) == -1) {
		log_warn("%s: %s port %u", what, a, port);
		close(fd);
		return -1;
	}
	log_info("%s on %s%s%s port %u", what, family == AF_INET6 ? "[" : "",
	    a, family == AF_INET6 ? "]" : "", port);
	return fd;
}

/* Listen on port (status: the status port) on every configured address
 * (all IPv4 and IPv6 by default); returns how many sockets. */
static size_t
listen_all(struct net *n, unsigned port, int status)
{
	static const uint8_t any[16];
	const char	*what = status ? "status" : "jobs";
	struct event	*ev;
	size_t		 i, got = 0;
	size_t		 want = n->conf.nlisten ? n->conf.nlisten : 2;
	int		 fd;

	for (i = 0; i < want; i++) {
		if (n->conf.nlisten == 0)
			fd = nacc_listen_on(i == 0 ? AF_INET : AF_INET6, any, port,
			    what);
		else
			fd = nacc_listen_on(n->conf.listen[i].family,
			    n->conf.listen[i].addr, port, what);
		if (fd == -1)
			continue;
		if (n->nlis >= sizeof(n->lis) / sizeof(n->lis[0]))
			fatalx("too many listeners");
		if ((ev = event_new(n->base, fd, EV_READ | EV_PERSIST, status ?
		    on_listen_status : on_listen_jobs, n)) == NULL ||
		    event_priority_set(ev, PRIO_UNKNOWN) == -1 ||
		    event_add(ev, NULL) == -1)
			fatalx("listener event");
		n->lis[n->nlis++] = ev;
		got++;
	}
	return got;
}

void
nacc_start(struct net *n)
{
	static const struct httpd_ops ops = { nstat_body, status_closed };
	char		 err[256];

	local_nets(n);
	gate_init(&n->pre, PREAUTH_MAX, PREAUTH_ADDR);
	gate_init(&n->st, STATUS_MAX, STATUS_ADDR);
	n->preauth_failed_hook = preauth_failed;
	if ((n->resume = evtimer_new(n->base, on_resume, n)) == NULL ||
	    (n->refused_ev = evtimer_new(n->base, on_refused_log, n)) == NULL)
		fatalx("evtimer_new");
	if (listen_all(n, n->conf.port, 0) == 0)
		fatalx("cannot listen on port %u", n->conf.port);
	if (n->conf.status_port == 0)
		return;
	if ((n->httpd = httpd_new(n->base, n->tls_status, &ops, n,
	    PRIO_UNKNOWN, err, sizeof(err))) == NULL)
		fatalx("status page: %s", err);
	if (listen_all(n, n->conf.status_port, 1) == 0)
		fatalx("cannot listen on status port %u", n->conf.status_port);
}
