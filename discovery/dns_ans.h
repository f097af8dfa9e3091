/*
 * dns_ans.h - turns unicast DNS answers (wire-format packets from the
 * resolver) into what DNS-SD browsing needs: the instances a PTR lists,
 * an instance's SRV and TXT, a target's addresses, the domains a
 * b._dns-sd._udp PTR names.
 *
 * The packets come from the network through the resolver, so they are
 * hostile input: ldns parses them (no hand-written DNS parser here), and
 * this file only picks the records of the asked name (following CNAMEs in
 * the answer), checks their sizes and returns plain C data.  Pure code:
 * no I/O.  dns_browse.c drives it; tests/fuzz/fuzz_dnsans.c fuzzes it.
 */
#ifndef CCPOOL_DNS_ANS_H
#define CCPOOL_DNS_ANS_H

#include <stddef.h>
#include <stdint.h>

#include "discovery/disc_hosts.h"

#define DNS_NAME_STR	1025	/* a name in presentation form, escaped */
#define DNS_PTR_MAX	64	/* PTR records kept from one answer */

/* One PTR target: the full name, and its first label (the instance). */
struct dns_ptr {
	char	 target[DNS_NAME_STR];
	char	 label[DISC_NAME_MAX];	/* "" when not a valid instance */
};

/*
 * Each takes the answer packet (pkt, len) to a query for qname (text
 * form).  They return 0 with the records found (possibly none: NXDOMAIN
 * or no data) and *ttl the smallest TTL among them (0 when none), or -1
 * with err set when the packet is malformed or a record breaks a limit.
 */

/* PTR records: at most max into out, *n of them. */
int	dns_ans_ptr(const uint8_t *pkt, size_t len, const char *qname,
	    struct dns_ptr *out, unsigned max, unsigned *n, uint32_t *ttl,
	    char *err, size_t errlen);

/* The SRV record of lowest priority: target and port; *n is 0 or 1. */
int	dns_ans_srv(const uint8_t *pkt, size_t len, const char *qname,
	    char target[DNS_NAME_STR], uint16_t *port, unsigned *n,
	    uint32_t *ttl, char *err, size_t errlen);

/*
 * The one TXT record as rdata (<len><bytes>...) into buf (cap bytes),
 * *rlen bytes; *n is 0 or 1.  Two TXT records, or one over cap bytes,
 * are refused (-1).
 */
int	dns_ans_txt(const uint8_t *pkt, size_t len, const char *qname,
	    uint8_t *buf, size_t cap, size_t *rlen, unsigned *n,
	    uint32_t *ttl, char *err, size_t errlen);

/* The first A or AAAA record (by family of qtype) as numeric text. */
int	dns_ans_addr(const uint8_t *pkt, size_t len, const char *qname,
	    int family, struct disc_addr *out, unsigned *n, uint32_t *ttl,
	    char *err, size_t errlen);

#endif
