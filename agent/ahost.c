/*
 * ahost.c - the agent's host table: one struct ahost per server, fed by
 * discovery (on_disc: a server's advert, as disc_browse delivers it) or
 * pinned by CCPOOL_HOSTS (resolved once, at start), judged by atrust.c
 * as its advert comes and whenever known_servers changes, and warmed up
 * (a connection opened ahead of its first job, sconn.c).  A host whose
 * connection died is probed again from here (on_probe).  The agent hears
 * of new or freed hosts through its hosts_changed callback.  Start
 * reading at ahost_start().
 */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include <event2/event.h>

#include "agent/adcc.h"
#include "agent/agent_int.h"
#include "agent/hostspec.h"
#include "common/log.h"
#include "discovery/disc_browse.h"

static void	on_probe(evutil_socket_t, short, void *);

static struct ahost *
host_find(struct agent *a, const char *name)
{
	size_t	 i;

	for (i = 0; i < a->nhosts; i++)
		if (strcmp(a->hosts[i]->name, name) == 0)
			return a->hosts[i];
	return NULL;
}

static struct ahost *
host_add(struct agent *a, const char *name)
{
	struct ahost	*h, **nh;
	size_t		 cap;

	if (a->nhosts >= DISC_HOSTS_MAX)
		return NULL;
	if (a->nhosts == a->caphosts) {
		cap = a->caphosts ? a->caphosts * 2 : 16;
		if ((nh = reallocarray(a->hosts, cap,
		    sizeof(struct ahost *))) == NULL)
			return NULL;
		a->hosts = nh;
		a->caphosts = cap;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if ((h->probe_ev = evtimer_new(a->base, on_probe, h)) == NULL) {
		free(h);
		return NULL;
	}
	h->a = a;
	snprintf(h->name, sizeof(h->name), "%s", name);
	a->hosts[a->nhosts++] = h;
	return h;
}


/* Numeric address text (maybe with %scope) and port to a sockaddr. */
static int
host_set_addr(struct ahost *h, unsigned i, const char *text, uint16_t port)
{
	return disc_addr_sockaddr(text, port, &h->ss[i], &h->sslen[i]);
}

static void
host_where(struct ahost *h, const char *addr)
{
	if (strchr(addr, ':') != NULL)
		snprintf(h->where, sizeof(h->where), "[%s]:%u", addr, h->port);
	else
		snprintf(h->where, sizeof(h->where), "%s:%u", addr, h->port);
}

/* Probe timer of h: probe once its backoff is over and nothing hangs. */
static void
on_probe(evutil_socket_t fd, short what, void *arg)
{
	struct ahost	*h = arg;
	struct timeval	 tv = { 0, (suseconds_t)200 * 1000 };
	uint64_t	 now = mono_ms();

	(void)fd;
	(void)what;
	if (!h->needprobe || h->gone || h->untrusted[0] != '\0')
		return;
	if (place_up(&h->bo, now) && h->nconn == 0) {
		sconn_warm(h);
		if (h->nconn > 0)
			return;		/* its end re-arms us if it fails */
		place_failed(&h->bo, now);	/* not even a connect */
	}
	if (!place_up(&h->bo, now)) {
		tv.tv_sec = (time_t)((h->bo.down_until - now) / 1000);
		tv.tv_usec = (suseconds_t)((h->bo.down_until - now) % 1000) *
		    1000;
	}
	evtimer_add(h->probe_ev, &tv);
}

/* Do x and y share an address (a machine), whatever their ports? */
static int
same_machine(const struct ahost *x, const struct ahost *y)
{
	const struct sockaddr_in	*a4, *b4;
	const struct sockaddr_in6	*a6, *b6;
	unsigned			 i, j;

	for (i = 0; i < x->nss; i++)
		for (j = 0; j < y->nss; j++) {
			if (x->ss[i].ss_family != y->ss[j].ss_family)
				continue;
			a4 = (const struct sockaddr_in *)&x->ss[i];
			b4 = (const struct sockaddr_in *)&y->ss[j];
			a6 = (const struct sockaddr_in6 *)&x->ss[i];
			b6 = (const struct sockaddr_in6 *)&y->ss[j];
			if (x->ss[i].ss_family == AF_INET ?
			    a4->sin_addr.s_addr == b4->sin_addr.s_addr :
			    memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0)
				return 1;
		}
	return 0;
}

/*
 * A distccd advert from a machine whose ccpoold we know (ccpoold's own
 * distcc_compat port, or a distccd beside it) is not used: that machine
 * gets its jobs over ccpool's authenticated protocol, never in plaintext.
 * Marks every such distcc host gone; h is the host whose advert just
 * came (nothing when it is gone).
 */
static void
dcc_shadow(struct agent *a, struct ahost *h)
{
	struct ahost	*o, *d;
	size_t		 i;

	for (i = 0; i < a->nhosts && !h->gone; i++) {
		o = a->hosts[i];
		if (o == h || o->gone || (o->dcc == NULL) == (h->dcc == NULL) ||
		    !same_machine(o, h))
			continue;
		d = h->dcc != NULL ? h : o;
		d->gone = 1;
		log_info("%s: not used: that machine runs a ccpoold, which "
		    "gets its jobs over ccpool's protocol", d->name);
	}
}

/*
 * A _distcc._tcp advert (CCPOOL_DISTCC=1 only): a plain distccd, named
 * "distcc:NAME" beside the ccpool servers.  Its load is not advertised:
 * its slots are counted (adcc.h).
 */
static void
on_disc_dcc(struct agent *a, enum disc_event ev, const struct disc_host *dh)
{
	struct ahost	*h;
	char		 name[DISC_NAME_MAX];
	unsigned	 i, n = 0;

	snprintf(name, sizeof(name), "distcc:%.56s", dh->name);
	h = host_find(a, name);
	if (ev == DISC_HOST_REMOVE) {
		if (h != NULL)
			h->gone = 1;
		return;
	}
	if (h == NULL && ((h = host_add(a, name)) == NULL ||
	    adcc_host_init(h, 0, &dh->distcc) == -1)) {
		log_warnx("host table full or out of memory");
		return;
	}
	if (ev == DISC_HOST_ADD || h->gone) {
		place_succeeded(&h->bo);
		log_info("distccd %s came (plaintext, unauthenticated)",
		    h->name);
	}
	h->port = dh->port;
	for (i = 0; i < dh->naddr && i < DISC_ADDR_MAX; i++)
		if (host_set_addr(h, n, dh->addr[i].text, dh->port) == 0)
			n++;
	h->nss = n;
	if (h->cur >= n)
		h->cur = 0;
	if (n > 0)
		host_where(h, dh->addr[h->cur].text);
	h->gone = n == 0;
	adcc_host_advert(h, &dh->distcc);
	dcc_shadow(a, h);
	a->cb->hosts_changed(a);
}

/* Discovery told us about h: copy what placement needs. */
static void
on_disc(enum disc_event ev, const struct disc_host *dh, void *arg)
{
	struct agent	*a = arg;
	struct ahost	*h;
	unsigned	 i, n = 0;

	if (dh->kind == DISC_KIND_DISTCC && a->dcc_ok)
		on_disc_dcc(a, ev, dh);
	if (dh->kind != DISC_KIND_CCPOOL)
		return;
	h = host_find(a, dh->name);
	if (ev == DISC_HOST_REMOVE) {
		if (h != NULL) {
			h->gone = 1;
			sconn_drop_idle(h);
			log_info("host %s left", h->name);
		}
		return;
	}
	if (h == NULL) {
		if ((h = host_add(a, dh->name)) == NULL) {
			log_warnx("host table full or out of memory");
			return;
		}
		log_info("host %s came", h->name);
	} else if (ev == DISC_HOST_ADD || h->gone) {
		/* advertised anew: a restarted server gets a fresh chance
		 * (a failing one that keeps its advert keeps its backoff) */
		place_succeeded(&h->bo);
		log_info("host %s came back", h->name);
	}
	if (dh->port != h->port)
		sconn_drop_idle(h);
	h->port = dh->port;
	for (i = 0; i < dh->naddr && i < DISC_ADDR_MAX; i++)
		if (host_set_addr(h, n, dh->addr[i].text, dh->port) == 0)
			n++;
	if (n != h->nss)
		sconn_drop_idle(h);
	h->nss = n;
	if (h->cur >= n)
		h->cur = 0;
	if (n > 0)
		host_where(h, dh->addr[h->cur].text);
	/* an advert from a protocol we cannot speak makes the host unusable */
	h->gone = n == 0 || dh->info.proto < PROTO_VERSION_MIN;
	if (strcmp(h->fp, dh->info.fingerprint) != 0 ||
	    strcmp(h->sec, dh->info.security) != 0 ||
	    strcmp(h->krb, dh->info.principal) != 0 || ev == DISC_HOST_ADD) {
		snprintf(h->fp, sizeof(h->fp), "%s", dh->info.fingerprint);
		snprintf(h->sec, sizeof(h->sec), "%s", dh->info.security);
		snprintf(h->krb, sizeof(h->krb), "%s", dh->info.principal);
		sconn_drop_idle(h);
		atrust_advert(a, h);
	}
	h->slots = dh->info.slots;
	h->free_slots = dh->info.free_slots;
	h->queue = dh->info.queue;
	h->freed = 0;	/* the advert counts what ended before it */
	h->cpus = dh->info.cpus;
	h->load = dh->info.load;
	h->speed = dh->info.speed;
	h->proto = dh->info.proto;
	h->ntc = dh->info.ntc <= DISC_TC_MAX ? dh->info.ntc : DISC_TC_MAX;
	for (i = 0; i < h->ntc; i++)
		memcpy(h->tc[i], dh->info.tc[i], DISC_TC_LEN);
	dcc_shadow(a, h);
	sconn_warm(h);
	a->cb->hosts_changed(a);
}

static void
on_disc_warn(const char *msg, void *arg)
{
	(void)arg;
	log_info("discovery: %s", msg);
}

/*
 * A distcc:// entry of CCPOOL_HOSTS: a plain distccd, with no advert to
 * tell its compiler (probed, adcc.h).  Without CCPOOL_DISTCC=1 it stays
 * unused and says why.  Returns 0, or -1 when it is not to be resolved.
 */
static int
pin_dcc(struct agent *a, struct ahost *h, unsigned slots)
{
	if (adcc_host_init(h, slots, NULL) == -1) {
		h->gone = 1;
		return -1;
	}
	if (!a->dcc_ok) {
		log_warnx("CCPOOL_HOSTS: %s is a distccd: unused without "
		    "CCPOOL_DISTCC=1", h->name);
		snprintf(h->lasterr, sizeof(h->lasterr), "a distccd: unused "
		    "without CCPOOL_DISTCC=1");
		h->gone = 1;
		return -1;
	}
	return 0;
}

/* CCPOOL_HOSTS: resolve each entry once, at start. */
static int
pin_hosts(struct agent *a, const char *spec, char *err, size_t errlen)
{
	struct hostspec	 hs[HOSTSPEC_MAX];
	struct addrinfo	 hints, *res, *ai;
	struct ahost	*h;
	char		 name[DISC_NAME_MAX], serv[8], num[NI_MAXHOST];
	int		 n, i, rc;

	if ((n = hostspec_parse(spec, hs, HOSTSPEC_MAX, err, errlen)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s%.48s:%u", hs[i].distcc ?
		    HOSTSPEC_DISTCC : "", hs[i].host,
		    hs[i].port);
		if ((h = host_add(a, name)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		h->pinned = 1;
		h->port = hs[i].port;
		h->slots = h->free_slots = hs[i].slots ? hs[i].slots :
		    AGENT_PINNED_SLOTS;
		if (hs[i].distcc && pin_dcc(a, h, hs[i].slots) == -1)
			continue;
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_NUMERICSERV;
		snprintf(serv, sizeof(serv), "%u", hs[i].port);
		if ((rc = getaddrinfo(hs[i].host, serv, &hints, &res)) != 0) {
			log_warnx("CCPOOL_HOSTS: %s: %s", hs[i].host,
			    gai_strerror(rc));
			h->gone = 1;
			snprintf(h->lasterr, sizeof(h->lasterr), "%s",
			    gai_strerror(rc));
			continue;
		}
		for (ai = res; ai != NULL && h->nss < DISC_ADDR_MAX;
		    ai = ai->ai_next) {
			if (ai->ai_addrlen > sizeof(h->ss[0]))
				continue;
			memcpy(&h->ss[h->nss], ai->ai_addr, ai->ai_addrlen);
			h->sslen[h->nss++] = ai->ai_addrlen;
		}
		freeaddrinfo(res);
		if (h->nss == 0 || getnameinfo((struct sockaddr *)&h->ss[0],
		    h->sslen[0], num, sizeof(num), NULL, 0,
		    NI_NUMERICHOST) != 0) {
			h->gone = 1;
			continue;
		}
		host_where(h, num);
		sconn_warm(h);
	}
	return 0;
}

static int
browse(struct agent *a, char *err, size_t errlen)
{
	struct disc_browse_opts	 bo;
	const char		*cluster = getenv("CCPOOL_CLUSTER");

	memset(&bo, 0, sizeof(bo));
	bo.cluster = cluster != NULL && cluster[0] != '\0' ? cluster :
	    "default";
	bo.ccpool = 1;
	bo.distcc = a->dcc_ok;	/* plain distccd hosts: opt-in */
	bo.no_fail = 1;
	bo.warn = on_disc_warn;
	a->browser = disc_browser_new(a->base, &bo, on_disc, a, err, errlen);
	return a->browser == NULL ? -1 : 0;
}

/*
 * no_fail covers avahi-daemon coming and going, not a missing system
 * bus: then try again now and then (jobs meanwhile compile locally).
 */
static void
on_browse_retry(evutil_socket_t fd, short what, void *arg)
{
	struct agent	*a = arg;
	struct timeval	 tv = { AGENT_BROWSE_RETRY, 0 };
	char		 err[256];

	(void)fd;
	(void)what;
	if (browse(a, err, sizeof(err)) == 0) {
		log_info("discovery started");
		return;
	}
	evtimer_add(a->browse_ev, &tv);
}

int
ahost_start(struct agent *a, char *err, size_t errlen)
{
	struct timeval	 tv = { AGENT_BROWSE_RETRY, 0 };
	const char	*spec = getenv("CCPOOL_HOSTS");

	if (spec != NULL && spec[0] != '\0') {
		a->pinned = 1;
		a->warm = 1;	/* nothing to wait for */
		return pin_hosts(a, spec, err, errlen);
	}
	if (browse(a, err, errlen) == 0)
		return 0;
	if ((a->browse_ev = evtimer_new(a->base, on_browse_retry, a)) != NULL)
		evtimer_add(a->browse_ev, &tv);
	return -1;
}

void
ahost_stop(struct agent *a)
{
	size_t	 i;

	disc_browser_free(a->browser);
	a->browser = NULL;
	if (a->browse_ev != NULL)
		event_free(a->browse_ev);
	a->browse_ev = NULL;
	for (i = 0; i < a->nhosts; i++) {
		sconn_drop_idle(a->hosts[i]);
		event_free(a->hosts[i]->probe_ev);
		adcc_host_free(a->hosts[i]);
		free(a->hosts[i]);
	}
	free(a->hosts);
	a->hosts = NULL;
	a->nhosts = a->caphosts = 0;
}

void
ahost_pins_check(struct agent *a)
{
	struct ahost	*h;
	size_t		 i;
	uint64_t	 now = mono_ms();
	int		 was, pins, due;

	pins = a->trust == TLS_OPEN && atrust_pins_changed(a);
	for (i = 0; i < a->nhosts; i++) {
		h = a->hosts[i];
		if (h->dcc != NULL)
			continue;	/* no key to judge: plaintext */
		/* a Kerberos failure is tried again after a while */
		due = h->krb_retry != 0 && now >= h->krb_retry;
		if (!pins && !due)
			continue;
		if (due)
			h->krb_retry = 0;
		was = h->untrusted[0] != '\0';
		atrust_rejudge(a, h);
		if (h->untrusted[0] != '\0' && !was) {
			/* refused or forgotten: not even an idle connection */
			log_info("%s: no job goes there any more", h->name);
			sconn_drop_idle(h);
		} else if (h->untrusted[0] == '\0' && was) {
			log_info("%s: trusted now", h->name);
			sconn_warm(h);
		}
	}
}
