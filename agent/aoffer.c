/*
 * aoffer.c - late binding of one job (doc/client.md "Late binding"):
 * the job is offered to a few servers (aplace_offers), the first to have
 * a slot for it pulls it and gets it, the other offers are withdrawn.
 * No pull within the job's expected local compile time: an idle local
 * core takes it if it would finish first (ajob.c), or it waits on, up to AGENT_SLOT_WAIT_MS;
 * then, or once every offer is refused or lost, the caller places it as
 * without offers.  Offers are made once per job.
 */
#include <stdio.h>
#include <sys/time.h>

#include <event2/event.h>

#include "agent/agent_int.h"
#include "common/log.h"

void
aoffer_withdraw(struct ajob *j)
{
	while (j->noffers > 0)
		sconn_withdraw(j->offers[--j->noffers]);
	if (j->offer_ev != NULL)
		evtimer_del(j->offer_ev);
}

/* Forget sc among j's offers: 1 if it was one, else 0. */
static int
forget(struct ajob *j, const struct sconn *sc)
{
	unsigned	 i;

	for (i = 0; i < j->noffers; i++)
		if (j->offers[i] == sc) {
			j->offers[i] = j->offers[--j->noffers];
			return 1;
		}
	return 0;
}

int
aoffer_start(struct ajob *j, void (*expired)(evutil_socket_t, short, void *))
{
	struct ahost	*h[AGENT_OFFERS];
	struct sconn	*sc;
	struct timeval	 tv;
	uint64_t	 wait;
	size_t		 i, n;
	char		 err[256];
	int		 local;

	j->offered = 1;
	if (!j->a->late || j->ntried > 0)
		return -1;
	/* none when an idle local core would finish first (local) */
	n = aplace_offers(j->a, j, 0, h, AGENT_OFFERS, &wait, &local);
	for (i = 0; i < n; i++) {
		if ((sc = sconn_offer(h[i], j, err, sizeof(err))) != NULL)
			j->offers[j->noffers++] = sc;
		else
			log_debug("%s: no offer: %s", h[i]->name, err);
	}
	if (j->noffers == 0)
		return -1;
	if (j->offer_ev == NULL && (j->offer_ev = evtimer_new(j->a->base,
	    expired, j)) == NULL) {
		aoffer_withdraw(j);
		return -1;
	}
	j->offer_until = mono_ms() + AGENT_SLOT_WAIT_MS;
	tv.tv_sec = (time_t)(wait / 1000);
	tv.tv_usec = (suseconds_t)(wait % 1000) * 1000;
	evtimer_add(j->offer_ev, &tv);
	log_debug("%s offered to %u servers for %llu ms (%u local cores "
	    "idle)", j->job.srcname, j->noffers, (unsigned long long)wait,
	    j->a->px.local_idle);
	return 0;
}

int
aoffer_pulled(struct ajob *j, struct sconn *sc)
{
	struct ahost	*h = sc->h;
	char		 err[256];

	if (!forget(j, sc) || j->state != AJ_RUN || j->sc != NULL ||
	    j->ntried >= AGENT_MAX_TRIES) {
		sconn_withdraw(sc);
		return 0;
	}
	aoffer_withdraw(j);	/* the others */
	j->tried[j->ntried++] = h;
	if (sconn_take_offer(sc, err, sizeof(err)) == -1) {
		snprintf(h->lasterr, sizeof(h->lasterr), "%.150s", err);
		return -1;
	}
	return 1;
}

int
aoffer_lost(struct ajob *j, struct sconn *sc, const char *why)
{
	if (!forget(j, sc))
		return 0;
	log_debug("%s: an offer ended: %s", j->job.srcname, why);
	if (j->noffers > 0 || j->state != AJ_RUN || j->sc != NULL)
		return 0;
	aoffer_withdraw(j);
	return 1;
}

unsigned
aoffer_prune(struct ajob *j)
{
	unsigned	 i = 0;

	while (i < j->noffers)
		if (j->offers[i]->h->needprobe) {
			sconn_withdraw(j->offers[i]);
			j->offers[i] = j->offers[--j->noffers];
		} else
			i++;
	return j->noffers;
}

void
aoffer_widen(struct ajob *j)
{
	struct ahost	*h[AGENT_OFFERS];
	struct sconn	*sc;
	uint64_t	 wait;
	size_t		 i, n;
	unsigned	 k;
	char		 err[256];

	if (j->widened)
		return;
	j->widened = 1;
	n = aplace_offers(j->a, j, 1, h, AGENT_OFFERS, &wait, NULL);
	for (i = 0; i < n && j->noffers < AGENT_OFFERS; i++) {
		for (k = 0; k < j->noffers; k++)
			if (j->offers[k]->h == h[i])
				break;
		if (k < j->noffers)
			continue;	/* it holds the job already */
		if ((sc = sconn_offer(h[i], j, err, sizeof(err))) != NULL)
			j->offers[j->noffers++] = sc;
	}
	log_debug("%s: not pulled in time: now on %u servers",
	    j->job.srcname, j->noffers);
}
