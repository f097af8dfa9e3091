/*
 * disc_poll.c - AvahiPoll over libevent; see disc_poll.h.
 *
 * The contract we implement (avahi-common/watch.h): a watch reports the
 * events that fired through watch_get_events() while its callback runs; a
 * timeout's struct timeval is an absolute gettimeofday() time, NULL means
 * disabled and a time in the past means "as soon as possible"; watches and
 * timeouts may be updated or freed from inside any callback, their own
 * included.
 */
#include <stdlib.h>
#include <sys/time.h>

#include <event2/event.h>

#include "discovery/disc_poll.h"

struct disc_poll {
	AvahiPoll		 api;	/* first: api.userdata is us */
	struct event_base	*base;
};

struct AvahiWatch {
	struct disc_poll	*poll;
	struct event		*ev;
	int			 fd;
	AvahiWatchEvent		 want;
	AvahiWatchEvent		 got;	/* valid during the callback */
	AvahiWatchCallback	 cb;
	void			*arg;
};

struct AvahiTimeout {
	struct event		*ev;
	AvahiTimeoutCallback	 cb;
	void			*arg;
};

static void
watch_fire(evutil_socket_t fd, short what, void *arg)
{
	AvahiWatch	*w = arg;

	w->got = 0;
	if (what & EV_READ)
		w->got |= AVAHI_WATCH_IN;
	if (what & EV_WRITE)
		w->got |= AVAHI_WATCH_OUT;
	/* HUP and ERR make the descriptor readable; Avahi reads and sees. */
	w->cb(w, fd, w->got, w->arg);
	/* w may be freed now. */
}

static int
watch_arm(AvahiWatch *w, AvahiWatchEvent events)
{
	short	 what = EV_PERSIST;

	if (w->ev != NULL) {
		event_free(w->ev);
		w->ev = NULL;
	}
	w->want = events;
	if (events & (AVAHI_WATCH_IN | AVAHI_WATCH_ERR | AVAHI_WATCH_HUP))
		what |= EV_READ;
	if (events & AVAHI_WATCH_OUT)
		what |= EV_WRITE;
	if (!(what & (EV_READ | EV_WRITE)))
		return 0;	/* nothing wanted: stay idle */
	w->ev = event_new(w->poll->base, w->fd, what, watch_fire, w);
	if (w->ev == NULL || event_add(w->ev, NULL) == -1)
		return -1;
	return 0;
}

static AvahiWatch *
watch_new(const AvahiPoll *api, int fd, AvahiWatchEvent events,
    AvahiWatchCallback cb, void *arg)
{
	AvahiWatch	*w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->poll = api->userdata;
	w->fd = fd;
	w->cb = cb;
	w->arg = arg;
	if (watch_arm(w, events) == -1) {
		if (w->ev != NULL)
			event_free(w->ev);
		free(w);
		return NULL;
	}
	return w;
}

static void
watch_update(AvahiWatch *w, AvahiWatchEvent events)
{
	/* Avahi has no way to hear of a failure here; event_add of an
	 * existing descriptor only fails on out-of-memory. */
	(void)watch_arm(w, events);
}

static AvahiWatchEvent
watch_get_events(AvahiWatch *w)
{
	return w->got;
}

static void
watch_free(AvahiWatch *w)
{
	if (w == NULL)
		return;
	if (w->ev != NULL)
		event_free(w->ev);
	free(w);
}

static void
timeout_fire(evutil_socket_t fd, short what, void *arg)
{
	AvahiTimeout	*t = arg;

	(void)fd;
	(void)what;
	t->cb(t, t->arg);
}

/* Arm t for the absolute time tv; NULL disables it. */
static void
timeout_arm(AvahiTimeout *t, const struct timeval *tv)
{
	struct timeval	 now, delta = { 0, 0 };

	evtimer_del(t->ev);
	if (tv == NULL)
		return;
	gettimeofday(&now, NULL);
	if (tv->tv_sec > now.tv_sec ||
	    (tv->tv_sec == now.tv_sec && tv->tv_usec > now.tv_usec))
		timersub(tv, &now, &delta);
	evtimer_add(t->ev, &delta);
}

static AvahiTimeout *
timeout_new(const AvahiPoll *api, const struct timeval *tv,
    AvahiTimeoutCallback cb, void *arg)
{
	struct disc_poll *p = api->userdata;
	AvahiTimeout	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->cb = cb;
	t->arg = arg;
	if ((t->ev = evtimer_new(p->base, timeout_fire, t)) == NULL) {
		free(t);
		return NULL;
	}
	timeout_arm(t, tv);
	return t;
}

static void
timeout_update(AvahiTimeout *t, const struct timeval *tv)
{
	timeout_arm(t, tv);
}

static void
timeout_free(AvahiTimeout *t)
{
	if (t == NULL)
		return;
	event_free(t->ev);
	free(t);
}

struct disc_poll *
disc_poll_new(struct event_base *base)
{
	struct disc_poll *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->base = base;
	p->api.userdata = p;
	p->api.watch_new = watch_new;
	p->api.watch_update = watch_update;
	p->api.watch_get_events = watch_get_events;
	p->api.watch_free = watch_free;
	p->api.timeout_new = timeout_new;
	p->api.timeout_update = timeout_update;
	p->api.timeout_free = timeout_free;
	return p;
}

const AvahiPoll *
disc_poll_get(struct disc_poll *p)
{
	return &p->api;
}

void
disc_poll_free(struct disc_poll *p)
{
	free(p);
}

struct event_base *
disc_poll_base(const AvahiPoll *api)
{
	if (api == NULL || api->watch_new != watch_new)
		return NULL;	/* another loop's AvahiPoll (GLib's...) */
	return ((const struct disc_poll *)api->userdata)->base;
}
