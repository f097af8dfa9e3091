/*
 * cpl_evpoll.c - ccpool_evpoll: the library's AvahiPoll for libevent
 * programs, which is discovery/disc_poll.c under the public name.
 */
#include "discovery/disc_poll.h"
#include "libccpool/ccpool.h"

struct ccpool_evpoll *
ccpool_evpoll_new(struct event_base *base)
{
	return (struct ccpool_evpoll *)disc_poll_new(base);
}

const AvahiPoll *
ccpool_evpoll_get(struct ccpool_evpoll *p)
{
	return disc_poll_get((struct disc_poll *)p);
}

void
ccpool_evpoll_free(struct ccpool_evpoll *p)
{
	disc_poll_free((struct disc_poll *)p);
}

const char *
ccpool_version(void)
{
	return VERSION;
}
