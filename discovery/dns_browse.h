/*
 * dns_browse.h - finds compile hosts beyond the LAN through unicast
 * DNS-SD (RFC 6763 over the site's own DNS).
 *
 * Browses _ccpool._tcp and/or _distcc._tcp in the domains the caller
 * names (CCPOOL_DOMAINS) and in those the search domains of
 * /etc/resolv.conf announce (b._dns-sd._udp and lb._dns-sd._udp PTRs),
 * resolves each instance (PTR -> SRV + TXT -> A/AAAA) with libunbound on
 * the caller's libevent base (no thread, no second loop; TCP fallback and
 * DNSSEC validation are libunbound's), refreshes every answer when its
 * TTL runs out, and feeds the same struct disc_hosts table as the mDNS
 * browser (disc_browse.c, which owns it): sightings with ifindex
 * DNS_IFINDEX.  TXT records pass the same strict decoder and cluster
 * filter as mDNS ones; an instance whose key fingerprint a host of
 * another name already has is merged into that host (one server seen by
 * both paths is one host).
 */
#ifndef CCPOOL_DNS_BROWSE_H
#define CCPOOL_DNS_BROWSE_H

#include <stddef.h>

#include "discovery/disc_hosts.h"

struct event_base;
struct dns_browser;

#define DNS_IFINDEX	0	/* the "interface" of unicast DNS sightings */
#define DNS_DOMAINS_MAX	16	/* domains browsed */
#define DNS_INST_MAX	512	/* instances followed */
#define DNS_RETRY_SEC	30	/* after a failed lookup */
#define DNS_REFRESH_MAX	3600	/* longest wait between refreshes */

struct dns_browse_opts {
	const char	*cluster;	/* NULL: every cluster */
	int		 ccpool;
	int		 distcc;
	/* domains to browse, separated by commas or blanks; "none" turns
	 * unicast DNS-SD off (search domains included) */
	const char	*domains;
	int		 search;	/* ask the search domains too */
	/* validated answers only (secure), else bogus ones are refused and
	 * the rest used; trust_anchor: a file in unbound's format */
	const char	*trust_anchor;
	void		(*warn)(const char *msg, void *arg);
	void		*warn_arg;
};

/*
 * Fill o from the environment: CCPOOL_DOMAINS (the domains), CCPOOL_DNS_TA
 * (a trust anchor file: then only DNSSEC-secure answers count).  The
 * strings stay owned by the environment.
 */
void	dns_browse_opts_env(struct dns_browse_opts *o);

/*
 * Start browsing on base, feeding hosts (which must outlive the
 * browser).  Returns NULL with err set on failure, or NULL with err ""
 * when there is nothing to browse (no domain named, none announced by a
 * search domain, or "none").
 */
struct dns_browser *dns_browser_new(struct event_base *base,
		    struct disc_hosts *hosts, const struct dns_browse_opts *o,
		    char *err, size_t errlen);

/* Cancels every query; NULL is a no-op.  Hosts it fed stay in the table. */
void		 dns_browser_free(struct dns_browser *b);

#endif
