/*
 * disc_poll.h - drives Avahi from our libevent loop.
 *
 * An AvahiPoll implementation (the seven callbacks of avahi-common/watch.h)
 * over a caller-owned struct event_base, so the discovery library needs no
 * thread and no second main loop.  Create one per event_base, pass
 * disc_poll_get() to avahi_client_new(), free it after every Avahi object
 * that uses it.
 */
#ifndef CCPOOL_DISC_POLL_H
#define CCPOOL_DISC_POLL_H

#include <avahi-common/watch.h>

struct event_base;
struct disc_poll;

/* Returns NULL on out-of-memory. The base stays owned by the caller. */
struct disc_poll	*disc_poll_new(struct event_base *base);
const AvahiPoll		*disc_poll_get(struct disc_poll *p);
/* All watches and timeouts must have been freed (Avahi objects first). */
void			 disc_poll_free(struct disc_poll *p);
/* The event_base behind api when api is a disc_poll's, else NULL. */
struct event_base	*disc_poll_base(const AvahiPoll *api);

#endif
