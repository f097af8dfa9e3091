/*
 * disc_publish.c - Avahi publishing with a rate limit; see disc_publish.h.
 *
 * State machine after Avahi's client-publish-service example: the client
 * callback registers the entry group once the client runs and resets it on
 * a host name collision; the group callback picks an alternative service
 * name on a service name collision.  On disconnection the client (and the
 * group it owns) is freed and made anew with AVAHI_CLIENT_NO_FAIL, which
 * waits for the daemon to return.  Live figures go out with
 * avahi_entry_group_update_service_txt_strlst() from update_send(), which
 * only runs when the change is meaningful and the interval has passed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <avahi-client/client.h>
#include <avahi-client/publish.h>
#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <event2/event.h>

#include "common/mono.h"
#include "discovery/disc_poll.h"
#include "discovery/disc_publish.h"

struct disc_publisher {
	struct event_base	*base;
	struct disc_poll	*poll;
	AvahiClient		*client;
	AvahiEntryGroup		*group;
	char			*name;		/* avahi_malloc'd */
	uint16_t		 port;
	struct disc_info	 info;		/* latest figures */
	struct disc_info	 sent;		/* what the LAN last saw */
	uint64_t		 sent_ms;	/* when (monotonic) */
	uint16_t		 distcc_port;	/* 0: none */
	struct disc_distcc_info	 distcc;
	struct event		*update_ev;	/* deferred update */
	struct event		*reconnect_ev;
	int			 established;
	unsigned long		 updates;
	void			(*warn)(const char *, void *);
	void			*warn_arg;
};

static void	client_cb(AvahiClient *, AvahiClientState, void *);

static void
pwarn(struct disc_publisher *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
pwarn(struct disc_publisher *p, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	if (p->warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->warn(msg, p->warn_arg);
}

/* An Avahi string list of TXT rdata (len < 0: encoding failed), or NULL. */
static AvahiStringList *
rdata_list(const uint8_t *rdata, int len)
{
	AvahiStringList	*l = NULL;

	if (len < 0 || avahi_string_list_parse(rdata, (size_t)len, &l) < 0)
		return NULL;
	return l;
}

/* The TXT list of info, or NULL (invalid info or out of memory). */
static AvahiStringList *
txt_list(const struct disc_info *info)
{
	uint8_t		 rdata[DISC_TXT_MAX];
	char		 err[128];

	return rdata_list(rdata, disc_txt_encode(info, rdata, sizeof(rdata),
	    err, sizeof(err)));
}

static AvahiStringList *
distcc_list(const struct disc_distcc_info *info)
{
	uint8_t		 rdata[DISC_TXT_MAX];
	char		 err[128];

	return rdata_list(rdata, disc_txt_encode_distcc(info, rdata,
	    sizeof(rdata), err, sizeof(err)));
}

static void	create_services(struct disc_publisher *, AvahiClient *);

static void
collision_rename(struct disc_publisher *p)
{
	char	*n = avahi_alternative_service_name(p->name);

	pwarn(p, "service name collision: renaming \"%s\" to \"%s\"",
	    p->name, n);
	avahi_free(p->name);
	p->name = n;
}

static void
group_cb(AvahiEntryGroup *g, AvahiEntryGroupState state, void *arg)
{
	struct disc_publisher *p = arg;

	switch (state) {
	case AVAHI_ENTRY_GROUP_ESTABLISHED:
		p->established = 1;
		break;
	case AVAHI_ENTRY_GROUP_COLLISION:
		p->established = 0;
		collision_rename(p);
		create_services(p, avahi_entry_group_get_client(g));
		break;
	case AVAHI_ENTRY_GROUP_FAILURE:
		p->established = 0;
		pwarn(p, "advert failed: %s", avahi_strerror(
		    avahi_client_errno(avahi_entry_group_get_client(g))));
		break;
	case AVAHI_ENTRY_GROUP_UNCOMMITED:
	case AVAHI_ENTRY_GROUP_REGISTERING:
		break;
	}
}

/* distcc's form of a subtype label part: lower case, [a-z0-9] else '-'. */
static void
distcc_label(char *dst, size_t len, const char *src)
{
	size_t	 i;

	for (i = 0; src[i] != '\0' && i + 1 < len; i++) {
		char	 c = src[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		dst[i] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ?
		    c : '-';
	}
	dst[i] = '\0';
}

/*
 * "_<machine>--<version>._sub._distcc._tcp", the subtype stock distcc
 * clients browse for (e.g. _x86-64-linux-gnu--12-2-0).  -1 if the first
 * label would not fit a DNS label.
 */
static int
distcc_subtype(const struct disc_distcc_info *d, char *buf, size_t len)
{
	char	 m[sizeof(d->cc_machine)], v[sizeof(d->cc_version)];
	int	 n;

	distcc_label(m, sizeof(m), d->cc_machine);
	distcc_label(v, sizeof(v), d->cc_version);
	if (strlen(m) + strlen(v) + 3 > 63)
		return -1;
	n = snprintf(buf, len, "_%s--%s._sub.%s", m, v, DISC_DISTCC_SERVICE);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

/* (Re)register every record in the group; handles name collisions. */
static void
create_services(struct disc_publisher *p, AvahiClient *c)
{
	AvahiStringList	*txt = NULL;
	char		 sub[160];
	int		 r;

	if (p->group == NULL &&
	    (p->group = avahi_entry_group_new(c, group_cb, p)) == NULL) {
		pwarn(p, "avahi_entry_group_new: %s",
		    avahi_strerror(avahi_client_errno(c)));
		return;
	}
	avahi_entry_group_reset(p->group);
	for (;;) {
		if ((txt = txt_list(&p->info)) == NULL)
			goto fail;
		r = avahi_entry_group_add_service_strlst(p->group,
		    AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, 0, p->name,
		    DISC_SERVICE, NULL, NULL, p->port, txt);
		avahi_string_list_free(txt);
		txt = NULL;
		if (r == 0 && p->distcc_port != 0) {
			if ((txt = distcc_list(&p->distcc)) == NULL)
				goto fail;
			r = avahi_entry_group_add_service_strlst(p->group,
			    AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, 0, p->name,
			    DISC_DISTCC_SERVICE, NULL, NULL, p->distcc_port,
			    txt);
			avahi_string_list_free(txt);
			txt = NULL;
			if (r == 0 && distcc_subtype(&p->distcc, sub,
			    sizeof(sub)) == 0)
				r = avahi_entry_group_add_service_subtype(
				    p->group, AVAHI_IF_UNSPEC,
				    AVAHI_PROTO_UNSPEC, 0, p->name,
				    DISC_DISTCC_SERVICE, NULL, sub);
		}
		if (r != AVAHI_ERR_COLLISION)
			break;
		collision_rename(p);
		avahi_entry_group_reset(p->group);
	}
	if (r < 0 || (r = avahi_entry_group_commit(p->group)) < 0) {
		pwarn(p, "cannot publish: %s", avahi_strerror(r));
		return;
	}
	p->sent = p->info;
	p->sent_ms = mono_ms();
	return;
fail:
	pwarn(p, "cannot build the TXT record");
}

static void
update_send(struct disc_publisher *p)
{
	AvahiStringList	*txt;
	int		 r;

	/* Not registered (yet): create_services() will publish p->info. */
	if (p->group == NULL || avahi_entry_group_is_empty(p->group))
		return;
	if ((txt = txt_list(&p->info)) == NULL)
		return;
	r = avahi_entry_group_update_service_txt_strlst(p->group,
	    AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, 0, p->name, DISC_SERVICE,
	    NULL, txt);
	avahi_string_list_free(txt);
	if (r < 0) {
		/* p->sent stays: the next update tries again */
		pwarn(p, "cannot update the advert: %s", avahi_strerror(r));
		return;
	}
	p->sent = p->info;
	p->sent_ms = mono_ms();
	p->updates++;
}

static void
update_ev_cb(evutil_socket_t fd, short what, void *arg)
{
	struct disc_publisher *p = arg;

	(void)fd;
	(void)what;
	if (disc_info_meaningful_change(&p->sent, &p->info))
		update_send(p);
}

int
disc_publisher_update(struct disc_publisher *p, const struct disc_info *info,
    char *err, size_t errlen)
{
	uint8_t		 rdata[DISC_TXT_MAX];
	uint64_t	 now, due;

	if (disc_txt_encode(info, rdata, sizeof(rdata), err, errlen) < 0)
		return -1;
	p->info = *info;
	if (!disc_info_meaningful_change(&p->sent, &p->info))
		return 0;
	now = mono_ms();
	due = p->sent_ms + DISC_PUBLISH_INTERVAL_MS;
	if (now >= due)
		update_send(p);
	else if (!evtimer_pending(p->update_ev, NULL)) {
		struct timeval tv = { (time_t)((due - now) / 1000),
		    (suseconds_t)((due - now) % 1000) * 1000 };

		evtimer_add(p->update_ev, &tv);
	}
	return 0;
}

int
disc_publisher_set_distcc(struct disc_publisher *p, uint16_t port,
    const struct disc_distcc_info *info, char *err, size_t errlen)
{
	uint8_t		 rdata[DISC_TXT_MAX];

	if (port != 0 && disc_txt_encode_distcc(info, rdata, sizeof(rdata),
	    err, errlen) < 0)
		return -1;
	p->distcc_port = port;
	if (port != 0)
		p->distcc = *info;
	if (p->client != NULL &&
	    avahi_client_get_state(p->client) == AVAHI_CLIENT_S_RUNNING)
		create_services(p, p->client);
	return 0;
}

static void
reconnect_ev_cb(evutil_socket_t fd, short what, void *arg)
{
	struct disc_publisher *p = arg;
	int	 error;

	(void)fd;
	(void)what;
	if (p->client != NULL) {
		avahi_client_free(p->client);	/* frees the group too */
		p->client = NULL;
		p->group = NULL;
	}
	p->client = avahi_client_new(disc_poll_get(p->poll),
	    AVAHI_CLIENT_NO_FAIL, client_cb, p, &error);
	if (p->client == NULL) {
		struct timeval	 tv = { 1, 0 };

		pwarn(p, "avahi client: %s; retrying", avahi_strerror(error));
		evtimer_add(p->reconnect_ev, &tv);
	}
}

static void
client_cb(AvahiClient *c, AvahiClientState state, void *arg)
{
	struct disc_publisher *p = arg;
	struct timeval	 now = { 0, 0 };

	switch (state) {
	case AVAHI_CLIENT_S_RUNNING:
		create_services(p, c);
		break;
	case AVAHI_CLIENT_S_COLLISION:
	case AVAHI_CLIENT_S_REGISTERING:
		/* Host name changed or clashed: withdraw until running. */
		p->established = 0;
		if (p->group != NULL)
			avahi_entry_group_reset(p->group);
		break;
	case AVAHI_CLIENT_FAILURE:
		p->established = 0;
		pwarn(p, "avahi-daemon connection lost (%s); waiting for it",
		    avahi_strerror(avahi_client_errno(c)));
		evtimer_add(p->reconnect_ev, &now);
		break;
	case AVAHI_CLIENT_CONNECTING:
		break;
	}
}

struct disc_publisher *
disc_publisher_new(struct event_base *base, const char *name, uint16_t port,
    const struct disc_info *info, void (*warn)(const char *, void *),
    void *warn_arg, char *err, size_t errlen)
{
	struct disc_publisher *p;
	uint8_t		 rdata[DISC_TXT_MAX];
	char		 host[256];
	int		 error;

	if (disc_txt_encode(info, rdata, sizeof(rdata), err, errlen) < 0)
		return NULL;
	if (port == 0) {
		snprintf(err, errlen, "port 0");
		return NULL;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL)
		goto oom;
	p->base = base;
	p->port = port;
	p->info = *info;
	p->warn = warn;
	p->warn_arg = warn_arg;
	if (name == NULL) {
		if (gethostname(host, sizeof(host)) == -1)
			snprintf(host, sizeof(host), "ccpoold");
		host[sizeof(host) - 1] = '\0';
		host[strcspn(host, ".")] = '\0';
		name = host;
	}
	if (strlen(name) == 0 || strlen(name) >= 64) {
		snprintf(err, errlen, "service name must be 1-63 bytes");
		disc_publisher_free(p);
		return NULL;
	}
	if ((p->name = avahi_strdup(name)) == NULL ||
	    (p->poll = disc_poll_new(base)) == NULL ||
	    (p->update_ev = evtimer_new(base, update_ev_cb, p)) == NULL ||
	    (p->reconnect_ev = evtimer_new(base, reconnect_ev_cb, p)) == NULL)
		goto oom;
	p->client = avahi_client_new(disc_poll_get(p->poll),
	    AVAHI_CLIENT_NO_FAIL, client_cb, p, &error);
	if (p->client == NULL) {
		snprintf(err, errlen, "avahi client: %s",
		    avahi_strerror(error));
		disc_publisher_free(p);
		return NULL;
	}
	return p;
oom:
	snprintf(err, errlen, "out of memory");
	disc_publisher_free(p);
	return NULL;
}

const char *
disc_publisher_name(const struct disc_publisher *p)
{
	return p->name;
}

int
disc_publisher_established(const struct disc_publisher *p)
{
	return p->established;
}

unsigned long
disc_publisher_updates_sent(const struct disc_publisher *p)
{
	return p->updates;
}

void
disc_publisher_free(struct disc_publisher *p)
{
	if (p == NULL)
		return;
	if (p->client != NULL)
		avahi_client_free(p->client);	/* withdraws: goodbye */
	if (p->update_ev != NULL)
		event_free(p->update_ev);
	if (p->reconnect_ev != NULL)
		event_free(p->reconnect_ev);
	disc_poll_free(p->poll);
	avahi_free(p->name);
	free(p);
}
