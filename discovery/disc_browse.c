/*
 * disc_browse.c - Avahi service browsing into the host table; see
 * disc_browse.h.
 *
 * State machine after Avahi's client-browse-services example: the client
 * callback creates the service browsers once the client runs; a browser's
 * NEW starts a resolver per (interface, protocol, instance), REMOVE drops
 * it.  Unlike the example, resolvers are kept alive until the instance
 * goes away: a live resolver reports again whenever the TXT record
 * changes, which is how free-slot updates reach us.  On disconnection the
 * client is freed (with everything it owned) and made anew.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/timeval.h>

#include "common/log.h"
#include "discovery/disc_browse.h"
#include "discovery/disc_poll.h"
#include "discovery/dns_browse.h"

struct resolv {
	struct resolv		*next;
	struct disc_browser	*b;
	AvahiServiceResolver	*r;
	enum disc_kind		 kind;
	AvahiIfIndex		 ifindex;
	AvahiProtocol		 proto;
	char			 name[DISC_NAME_MAX];
};

struct disc_browser {
	const AvahiPoll		*api;	/* the caller's loop */
	struct disc_poll	*own;	/* made by disc_browser_new, or NULL */
	AvahiClient		*client;
	AvahiServiceBrowser	*sb[2];		/* ccpool, distcc */
	struct resolv		*resolvers;
	struct disc_hosts	*hosts;
	struct disc_browse_opts	 opts;
	char			 cluster[DISC_CLUSTER_MAX];
	AvahiTimeout		*expire_to;	/* drops stale hosts */
	AvahiTimeout		*reconnect_to;
	int			 running;
	struct dns_browser	*dns;	/* unicast DNS-SD, or NULL */
};

static void	client_cb(AvahiClient *, AvahiClientState, void *);

/* Arm t to fire ms milliseconds from now. */
static void
arm(struct disc_browser *b, AvahiTimeout *t, unsigned ms)
{
	struct timeval	 tv;

	b->api->timeout_update(t, avahi_elapse_time(&tv, ms, 0));
}

/* warn(b, fmt, ...): to the browser's warn callback */
#define warn(b, ...)	disc_warnf((b)->opts.warn, (b)->opts.warn_arg, \
			    __VA_ARGS__)

static struct resolv **
resolv_find(struct disc_browser *b, enum disc_kind kind, AvahiIfIndex ifindex,
    AvahiProtocol proto, const char *name)
{
	struct resolv	**rp;

	for (rp = &b->resolvers; *rp != NULL; rp = &(*rp)->next)
		if ((*rp)->kind == kind && (*rp)->ifindex == ifindex &&
		    (*rp)->proto == proto && strcmp((*rp)->name, name) == 0)
			return rp;
	return NULL;
}

static void
resolv_drop(struct resolv **rp)
{
	struct resolv	*r = *rp;

	*rp = r->next;
	if (r->r != NULL)
		avahi_service_resolver_free(r->r);
	free(r);
}

static int
af_of(AvahiProtocol p)
{
	return p == AVAHI_PROTO_INET6 ? AF_INET6 : AF_INET;
}

/*
 * Turn Avahi's TXT list into wire rdata for our strict decoders.  Returns
 * the length, or -1 when the record is larger than we accept.
 */
static int
txt_rdata(AvahiStringList *txt, uint8_t *buf, size_t cap)
{
	AvahiStringList	*l;
	size_t		 total = 0;

	for (l = txt; l != NULL; l = avahi_string_list_get_next(l)) {
		size_t	 n = avahi_string_list_get_size(l);

		if (n > 255)
			return -1;
		total += 1 + n;
		if (total > cap)
			return -1;
	}
	return (int)avahi_string_list_serialize(txt, buf, cap);
}

/*
 * The resolved address a, seen on ifindex, into *addr: numeric text, and
 * "%<interface>" after an IPv6 link-local one, which needs its scope.
 */
static void
addr_of(struct disc_addr *addr, const AvahiAddress *a, AvahiIfIndex ifindex)
{
	char	 ifname[IF_NAMESIZE] = "";
	size_t	 n;

	addr->family = a->proto == AVAHI_PROTO_INET6 ? AF_INET6 : AF_INET;
	addr->ifindex = ifindex;
	avahi_address_snprint(addr->text, sizeof(addr->text), a);
	if (addr->family == AF_INET6 &&
	    strncasecmp(addr->text, "fe80:", 5) == 0 &&
	    if_indextoname((unsigned)ifindex, ifname) != NULL) {
		n = strlen(addr->text);
		snprintf(addr->text + n, sizeof(addr->text) - n, "%%%s",
		    ifname);
	}
}

static void
resolve_cb(AvahiServiceResolver *sr, AvahiIfIndex ifindex,
    AvahiProtocol proto, AvahiResolverEvent event, const char *name,
    const char *type, const char *domain, const char *host_name,
    const AvahiAddress *a, uint16_t port, AvahiStringList *txt,
    AvahiLookupResultFlags flags, void *arg)
{
	struct resolv		*r = arg;
	struct disc_browser	*b = r->b;
	struct disc_sighting	 s;
	uint8_t			 rdata[DISC_TXT_MAX];
	char			 err[128], ename[4 * DISC_NAME_MAX];
	int			 len;

	(void)sr;
	(void)type;
	(void)domain;
	(void)flags;
	log_escape(ename, sizeof(ename), name, strlen(name));
	if (event != AVAHI_RESOLVER_FOUND) {
		/* Gone silent or timed out: forget this sighting. */
		struct resolv **rp = resolv_find(b, r->kind, ifindex, proto,
		    r->name);

		disc_hosts_lost(b->hosts, r->kind, r->name, ifindex,
		    af_of(proto));
		if (rp != NULL)
			resolv_drop(rp);
		return;
	}
	memset(&s, 0, sizeof(s));
	s.kind = r->kind;
	memcpy(s.name, r->name, sizeof(s.name));
	if (strlen(host_name) >= sizeof(s.hostname)) {
		warn(b, "advert %s: host name too long, ignored", ename);
		return;
	}
	memcpy(s.hostname, host_name, strlen(host_name) + 1);
	s.ifindex = ifindex;
	s.proto = af_of(proto);
	s.port = port;
	if (port == 0) {
		warn(b, "advert %s: port 0, ignored", ename);
		goto drop;
	}
	addr_of(&s.addr, a, ifindex);
	if ((len = txt_rdata(txt, rdata, sizeof(rdata))) < 0) {
		warn(b, "advert %s: TXT record too large, ignored", ename);
		goto drop;
	}
	if (r->kind == DISC_KIND_CCPOOL) {
		if (disc_txt_decode(rdata, (size_t)len, &s.info, err,
		    sizeof(err)) == -1) {
			warn(b, "advert %s: %s, ignored", ename, err);
			goto drop;
		}
		if (b->opts.cluster != NULL &&
		    strcmp(s.info.cluster, b->cluster) != 0)
			goto drop;	/* another cluster's: not ours */
	} else if (disc_txt_decode_distcc(rdata, (size_t)len, &s.distcc,
	    err, sizeof(err)) == -1) {
		warn(b, "distcc advert %s: %s, ignored", ename, err);
		goto drop;
	}
	if (disc_hosts_seen(b->hosts, &s, time(NULL)) == -1)
		warn(b, "advert %s: host table full, ignored", ename);
	return;
drop:
	/* A host whose advert turned bad or foreign is not kept stale. */
	disc_hosts_lost(b->hosts, r->kind, r->name, ifindex, af_of(proto));
}

static void
browse_cb(AvahiServiceBrowser *sb, AvahiIfIndex ifindex, AvahiProtocol proto,
    AvahiBrowserEvent event, const char *name, const char *type,
    const char *domain, AvahiLookupResultFlags flags, void *arg)
{
	struct disc_browser	*b = arg;
	enum disc_kind		 kind = sb == b->sb[1] ? DISC_KIND_DISTCC :
				    DISC_KIND_CCPOOL;
	struct resolv		*r, **rp;

	(void)flags;
	switch (event) {
	case AVAHI_BROWSER_NEW:
		if (strlen(name) >= DISC_NAME_MAX ||
		    resolv_find(b, kind, ifindex, proto, name) != NULL)
			return;
		if ((r = calloc(1, sizeof(*r))) == NULL)
			return;
		r->b = b;
		r->kind = kind;
		r->ifindex = ifindex;
		r->proto = proto;
		memcpy(r->name, name, strlen(name) + 1);
		/* Resolve the address of the transport's own family. */
		r->r = avahi_service_resolver_new(b->client, ifindex, proto,
		    name, type, domain, proto, 0, resolve_cb, r);
		if (r->r == NULL) {
			free(r);
			return;
		}
		r->next = b->resolvers;
		b->resolvers = r;
		break;
	case AVAHI_BROWSER_REMOVE:
		if ((rp = resolv_find(b, kind, ifindex, proto, name)) != NULL)
			resolv_drop(rp);
		disc_hosts_lost(b->hosts, kind, name, ifindex, af_of(proto));
		break;
	case AVAHI_BROWSER_FAILURE:
		warn(b, "browser failed: %s", avahi_strerror(
		    avahi_client_errno(avahi_service_browser_get_client(sb))));
		break;
	case AVAHI_BROWSER_ALL_FOR_NOW:
	case AVAHI_BROWSER_CACHE_EXHAUSTED:
		break;
	}
}

/* Free the client and everything it owns (browsers and resolvers). */
static void
client_drop(struct disc_browser *b)
{
	struct resolv	*r, *next;

	for (r = b->resolvers; r != NULL; r = next) {
		next = r->next;
		free(r);	/* its AvahiServiceResolver dies with client */
	}
	b->resolvers = NULL;
	b->sb[0] = b->sb[1] = NULL;
	if (b->client != NULL)
		avahi_client_free(b->client);
	b->client = NULL;
	b->running = 0;
}

static int
start_browsers(struct disc_browser *b, AvahiClient *c)
{
	if (b->opts.ccpool && b->sb[0] == NULL &&
	    (b->sb[0] = avahi_service_browser_new(c, AVAHI_IF_UNSPEC,
	    AVAHI_PROTO_UNSPEC, DISC_SERVICE, NULL, 0, browse_cb, b)) == NULL)
		return -1;
	if (b->opts.distcc && b->sb[1] == NULL &&
	    (b->sb[1] = avahi_service_browser_new(c, AVAHI_IF_UNSPEC,
	    AVAHI_PROTO_UNSPEC, DISC_DISTCC_SERVICE, NULL, 0, browse_cb,
	    b)) == NULL)
		return -1;
	return 0;
}

static void
reconnect(struct disc_browser *b)
{
	int	 error;

	b->client = avahi_client_new(b->api, AVAHI_CLIENT_NO_FAIL, client_cb,
	    b, &error);
	if (b->client == NULL) {
		warn(b, "avahi client: %s; retrying", avahi_strerror(error));
		arm(b, b->reconnect_to, 1000);
	}
}

static void
client_cb(AvahiClient *c, AvahiClientState state, void *arg)
{
	struct disc_browser *b = arg;

	switch (state) {
	case AVAHI_CLIENT_S_RUNNING:
		if (start_browsers(b, c) == -1) {
			warn(b, "cannot browse: %s",
			    avahi_strerror(avahi_client_errno(c)));
			return;
		}
		b->running = 1;
		break;
	case AVAHI_CLIENT_FAILURE:
		b->running = 0;
		if (avahi_client_errno(c) != AVAHI_ERR_DISCONNECTED ||
		    !b->opts.no_fail) {
			warn(b, "avahi client failed: %s",
			    avahi_strerror(avahi_client_errno(c)));
			return;
		}
		warn(b, "avahi-daemon went away; waiting for it");
		disc_hosts_mark_stale(b->hosts, time(NULL));
		/* Made anew from the loop, not inside its own callback. */
		arm(b, b->reconnect_to, 0);
		break;
	case AVAHI_CLIENT_CONNECTING:
	case AVAHI_CLIENT_S_REGISTERING:
	case AVAHI_CLIENT_S_COLLISION:
		b->running = 0;
		break;
	}
}

static void
reconnect_cb(AvahiTimeout *t, void *arg)
{
	struct disc_browser *b = arg;

	b->api->timeout_update(t, NULL);	/* one-shot */
	if (b->client != NULL && !b->running)
		client_drop(b);
	if (b->client == NULL)
		reconnect(b);
}

static void
expire_cb(AvahiTimeout *t, void *arg)
{
	struct disc_browser *b = arg;

	(void)t;
	arm(b, b->expire_to, 1000);
	disc_hosts_expire(b->hosts, time(NULL), DISC_STALE_GRACE);
}

/*
 * Unicast DNS-SD (dns_browse.h) into the same table, on a libevent loop:
 * the caller's, when its AvahiPoll is a disc_poll.
 */
static void
dns_start(struct disc_browser *b)
{
	struct dns_browse_opts	 o;
	struct event_base	*base;
	char			 err[256];

	if ((base = disc_poll_base(b->api)) == NULL)
		return;
	memset(&o, 0, sizeof(o));
	dns_browse_opts_env(&o);
	o.cluster = b->opts.cluster;
	o.ccpool = b->opts.ccpool;
	o.distcc = b->opts.distcc;
	o.warn = b->opts.warn;
	o.warn_arg = b->opts.warn_arg;
	b->dns = dns_browser_new(base, b->hosts, &o, err, sizeof(err));
	if (b->dns == NULL && err[0] != '\0')
		warn(b, "no unicast DNS-SD: %s", err);
}

struct disc_browser *
disc_browser_new_poll(const AvahiPoll *api,
    const struct disc_browse_opts *opts, disc_hosts_cb cb, void *arg,
    char *err, size_t errlen)
{
	struct disc_browser *b;
	struct timeval	 tv;
	int		 error;

	if ((b = calloc(1, sizeof(*b))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	b->api = api;
	b->opts = *opts;
	if (opts->cluster != NULL) {
		if (strlen(opts->cluster) >= sizeof(b->cluster)) {
			snprintf(err, errlen, "cluster name too long");
			goto fail;
		}
		memcpy(b->cluster, opts->cluster, strlen(opts->cluster) + 1);
		b->opts.cluster = b->cluster;
	}
	if ((b->hosts = disc_hosts_new(cb, arg)) == NULL ||
	    (b->expire_to = api->timeout_new(api,
	    avahi_elapse_time(&tv, 1000, 0), expire_cb, b)) == NULL ||
	    (b->reconnect_to = api->timeout_new(api, NULL, reconnect_cb,
	    b)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	b->client = avahi_client_new(api,
	    opts->no_fail ? AVAHI_CLIENT_NO_FAIL : 0, client_cb, b, &error);
	if (b->client == NULL) {
		if (error == AVAHI_ERR_NO_DAEMON ||
		    error == AVAHI_ERR_DISCONNECTED)
			snprintf(err, errlen, "avahi-daemon is not running "
			    "(start it: systemctl start avahi-daemon)");
		else
			snprintf(err, errlen, "avahi client: %s",
			    avahi_strerror(error));
		goto fail;
	}
	dns_start(b);
	return b;
fail:
	disc_browser_free(b);
	return NULL;
}

struct disc_browser *
disc_browser_new(struct event_base *base, const struct disc_browse_opts *opts,
    disc_hosts_cb cb, void *arg, char *err, size_t errlen)
{
	struct disc_browser *b;
	struct disc_poll *p;

	if ((p = disc_poll_new(base)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((b = disc_browser_new_poll(disc_poll_get(p), opts, cb, arg, err,
	    errlen)) == NULL) {
		disc_poll_free(p);
		return NULL;
	}
	b->own = p;
	return b;
}

void
disc_browser_free(struct disc_browser *b)
{
	if (b == NULL)
		return;
	dns_browser_free(b->dns);
	client_drop(b);
	if (b->expire_to != NULL)
		b->api->timeout_free(b->expire_to);
	if (b->reconnect_to != NULL)
		b->api->timeout_free(b->reconnect_to);
	disc_poll_free(b->own);	/* after every watch and timeout */
	disc_hosts_free(b->hosts);
	free(b);
}

const struct disc_hosts *
disc_browser_hosts(const struct disc_browser *b)
{
	return b->hosts;
}

int
disc_browser_running(const struct disc_browser *b)
{
	return b->running;
}
