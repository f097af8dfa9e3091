/*
 * pub_dns.h - ccpoold's registration in unicast DNS-SD: RFC 2136 dynamic
 * updates signed with TSIG (ldns builds, signs and sends them), for
 * clients beyond the LAN (discovery/dns_browse.h).
 *
 * Driven by pub.c: pubdns_new before the sandbox (it reads the key file
 * and /etc/resolv.conf), pubdns_tick with the advert's live figures as
 * often as it likes (the records change at most every PUBDNS_MIN_SEC and
 * only when disc_info_meaningful_change says so: unicast DNS is no place
 * for mDNS's one-second updates), pubdns_free at shutdown, which deletes
 * the records.  Registers _ccpool._tcp.<zone> PTR <instance>, the
 * instance's SRV and TXT (the mDNS TXT schema) and <host>.<zone> A/AAAA
 * (the address this host reaches the zone's primary from).
 */
#ifndef CCPOOL_PUB_DNS_H
#define CCPOOL_PUB_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "discovery/disc_txt.h"

#define PUBDNS_MIN_SEC		30	/* between two updates of the TXT */
#define PUBDNS_RETRY_SEC	30	/* after a failed update */
#define PUBDNS_TIMEOUT_SEC	3	/* per update sent */
#define PUBDNS_REASSERT_SEC	600	/* re-sent unchanged records, in case
					   the zone lost them */

struct pubdns;

/*
 * spec is the dns_update setting "zone key-file [server]"; the key file
 * holds one line "[algorithm:]name:base64-secret" (algorithm
 * hmac-sha256 by default), as knsupdate -y or nsupdate -y take it.
 * instance is the service instance label, host the host's label (its
 * name up to the first dot).  Returns NULL with err set.
 */
struct pubdns	*pubdns_new(const char *spec, const char *instance,
		    const char *host, uint16_t port, unsigned ttl, char *err,
		    size_t errlen);

/*
 * Register or refresh with info when due.  Returns 1 when an update was
 * accepted, 0 when none was due, -1 with err set when one failed (it is
 * retried PUBDNS_RETRY_SEC later).
 */
int		 pubdns_tick(struct pubdns *d, const struct disc_info *info,
		    char *err, size_t errlen);

/* Delete the records (when registered) and free; NULL is a no-op. */
void		 pubdns_free(struct pubdns *d);

#endif
