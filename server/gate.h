/*
 * gate.h - admission of connections that have not proved who they are.
 *
 * net.c asks the gate at accept(2), before any TLS byte, whether a new
 * connection from an address may take a place among the connections still
 * in their handshake (jobs port) or among the status page's connections.
 * A gate bounds them in all and per address, so that one host (or a few)
 * holding idle or half-open connections cannot take every place: when the
 * gate is full, the oldest connection of the address that holds the most
 * places gives its place to a newcomer from an address that holds fewer.
 * Plain bookkeeping, no I/O: tests/unit/test_gate.c drives it directly.
 */
#ifndef CCPOOL_GATE_H
#define CCPOOL_GATE_H

#include <stddef.h>
#include <stdint.h>

#define GATE_ADDRS_MAX	512	/* distinct addresses tracked (>= any total) */

struct gate_addr {
	int		 family;	/* AF_INET, AF_INET6; 0: free entry */
	uint8_t		 addr[16];
	unsigned	 n;		/* places this address holds */
};

struct gate {
	unsigned	 total_max;	/* places in all (<= GATE_ADDRS_MAX) */
	unsigned	 addr_max;	/* places of one address */
	unsigned	 total;		/* places held now */
	struct gate_addr a[GATE_ADDRS_MAX];
	/* counts since gate_init, for the logs */
	unsigned long	 full_addr;	/* refused: the address holds addr_max */
	unsigned long	 evicted;	/* places taken from the heaviest */
};

enum gate_verdict {
	GATE_ADMIT,		/* a place is taken */
	GATE_EVICT,		/* taken; *victim must give its place up */
	GATE_REFUSE		/* no place: close the connection now */
};

/* Empty gate of total_max places in all, addr_max per address. */
void	gate_init(struct gate *, unsigned total_max, unsigned addr_max);

/*
 * A connection from family/addr (4 or 16 address bytes) asks for a place.
 * GATE_ADMIT: it has one.  GATE_EVICT: it has one, and the caller must
 * close the oldest connection of *victim (an address holding more places
 * than the newcomer's), then call gate_leave for it.  GATE_REFUSE: the
 * address already holds addr_max places, or the gate is full of
 * addresses holding no more than this one.
 */
enum gate_verdict gate_enter(struct gate *, int family, const uint8_t *addr,
	    struct gate_addr *victim);

/* A connection from family/addr gives its place back (it is decided). */
void	gate_leave(struct gate *, int family, const uint8_t *addr);

#endif
