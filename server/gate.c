/*
 * gate.c - admission of connections that have not proved who they are;
 * gate.h has the contract.  A linear table: it holds at most total_max
 * (some hundreds) addresses and is walked once per accept.
 */
#include <sys/socket.h>

#include <string.h>

#include "server/gate.h"

void
gate_init(struct gate *g, unsigned total_max, unsigned addr_max)
{
	memset(g, 0, sizeof(*g));
	g->total_max = total_max > GATE_ADDRS_MAX ? GATE_ADDRS_MAX :
	    total_max;
	g->addr_max = addr_max;
}

static size_t
addr_len(int family)
{
	return family == AF_INET6 ? 16 : family == AF_INET ? 4 : 0;
}

static struct gate_addr *
find(struct gate *g, int family, const uint8_t *addr)
{
	size_t	 i;

	for (i = 0; i < GATE_ADDRS_MAX; i++)
		if (g->a[i].n > 0 && g->a[i].family == family &&
		    memcmp(g->a[i].addr, addr, addr_len(family)) == 0)
			return &g->a[i];
	return NULL;
}

enum gate_verdict
gate_enter(struct gate *g, int family, const uint8_t *addr,
    struct gate_addr *victim)
{
	struct gate_addr *e, *heavy = NULL;
	unsigned	 mine;
	size_t		 i;

	e = find(g, family, addr);
	mine = e != NULL ? e->n : 0;
	if (mine >= g->addr_max) {
		g->full_addr++;
		return GATE_REFUSE;
	}
	if (g->total >= g->total_max) {
		for (i = 0; i < GATE_ADDRS_MAX; i++)
			if (g->a[i].n > 0 && (heavy == NULL ||
			    g->a[i].n > heavy->n))
				heavy = &g->a[i];
		/* Only a heavier address gives way: no churn among equals. */
		if (heavy == NULL || heavy->n <= mine + 1) {
			g->full_addr++;
			return GATE_REFUSE;
		}
		*victim = *heavy;
	}
	if (e == NULL) {
		for (i = 0; i < GATE_ADDRS_MAX && g->a[i].n > 0; i++)
			;
		if (i == GATE_ADDRS_MAX) {	/* total_max <= the table */
			g->full_addr++;
			return GATE_REFUSE;
		}
		e = &g->a[i];
		memset(e, 0, sizeof(*e));
		e->family = family;
		memcpy(e->addr, addr, addr_len(family));
	}
	e->n++;
	g->total++;
	if (heavy != NULL) {
		g->evicted++;
		return GATE_EVICT;
	}
	return GATE_ADMIT;
}

void
gate_leave(struct gate *g, int family, const uint8_t *addr)
{
	struct gate_addr *e;

	if ((e = find(g, family, addr)) == NULL)
		return;
	e->n--;
	g->total--;
}
