/*
 * disc_browse.h - finds compile hosts on the LAN through Avahi.
 *
 * Browses _ccpool._tcp and/or _distcc._tcp on every interface and
 * protocol, resolves each instance, decodes its TXT record (hostile input:
 * a bad advert is dropped with a warning) and keeps a struct disc_hosts
 * table up to date.  Runs on the caller's loop: any AvahiPoll
 * (disc_browser_new_poll; libevent's through disc_poll.h, GLib's from
 * avahi-glib), or a libevent base (disc_browser_new).  With no_fail it
 * waits for avahi-daemon to appear and survives it going away and coming
 * back; hosts seen before are kept for a grace period meanwhile.
 */
#ifndef CCPOOL_DISC_BROWSE_H
#define CCPOOL_DISC_BROWSE_H

#include <avahi-common/watch.h>

#include "discovery/disc_hosts.h"

struct event_base;
struct disc_browser;

struct disc_browse_opts {
	const char	*cluster;	/* keep ccpool adverts of this cluster
					   only; NULL keeps every cluster */
	int		 ccpool;	/* browse _ccpool._tcp */
	int		 distcc;	/* browse _distcc._tcp */
	int		 no_fail;	/* wait for / survive avahi-daemon */
	/* optional: told about dropped adverts and daemon state changes;
	 * msg holds no unescaped untrusted bytes */
	void		(*warn)(const char *msg, void *arg);
	void		*warn_arg;
};

/*
 * Start browsing on the loop behind api (which must outlive the
 * browser): every watch and timeout, Avahi's and our two timers, goes
 * through it.  cb hears of every host added, updated or removed.
 * Returns NULL with err set when avahi-daemon is not reachable (unless
 * no_fail) or on out-of-memory.
 */
struct disc_browser *disc_browser_new_poll(const AvahiPoll *api,
		    const struct disc_browse_opts *opts, disc_hosts_cb cb,
		    void *arg, char *err, size_t errlen);

/* The same on a libevent base, through a disc_poll the browser owns. */
struct disc_browser *disc_browser_new(struct event_base *base,
		    const struct disc_browse_opts *opts, disc_hosts_cb cb,
		    void *arg, char *err, size_t errlen);

/* Frees everything it made through the AvahiPoll; NULL is a no-op. */
void		 disc_browser_free(struct disc_browser *b);

/* The live table; owned by the browser. */
const struct disc_hosts *disc_browser_hosts(const struct disc_browser *b);

/* 1 while connected to avahi-daemon and browsing. */
int		 disc_browser_running(const struct disc_browser *b);

/* Seconds stale hosts are kept after avahi-daemon went away. */
#define DISC_STALE_GRACE	30

#endif
