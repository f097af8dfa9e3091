/*
 * disc_publish.h - advertises a ccpoold on the LAN through Avahi.
 *
 * Publishes one _ccpool._tcp instance with the TXT record of a struct
 * disc_info, optionally a distcc-compatible _distcc._tcp instance (with
 * its cc_machine/cc_version subtype) so stock distcc +zeroconf clients can
 * find a distcc-compatible listener.  Changes are re-published only when
 * disc_info_meaningful_change() says so and at most once per
 * DISC_PUBLISH_INTERVAL_MS, so a LAN of a thousand servers does not flood.
 * Survives avahi-daemon restarts; name collisions get Avahi's alternative
 * names.  Freeing the publisher withdraws the adverts at once (goodbye).
 */
#ifndef CCPOOL_DISC_PUBLISH_H
#define CCPOOL_DISC_PUBLISH_H

#include <stdint.h>

#include "discovery/disc_txt.h"

#define DISC_PUBLISH_INTERVAL_MS	1000

struct event_base;
struct disc_publisher;

/*
 * Start publishing instance name (NULL: the host name) on port with info.
 * warn (may be NULL) hears of collisions, failures and reconnections.
 * Waits for avahi-daemon if it is not running yet.  Returns NULL with err
 * set if info is invalid or on out-of-memory.
 */
struct disc_publisher *disc_publisher_new(struct event_base *base,
		    const char *name, uint16_t port,
		    const struct disc_info *info,
		    void (*warn)(const char *msg, void *arg), void *warn_arg,
		    char *err, size_t errlen);

/* New live figures; sent if meaningful, within the rate limit. -1: invalid. */
int		 disc_publisher_update(struct disc_publisher *p,
		    const struct disc_info *info, char *err, size_t errlen);

/* Also publish a distcc-compatible record for a listener on port
 * (0 withdraws it).  -1: invalid info. */
int		 disc_publisher_set_distcc(struct disc_publisher *p,
		    uint16_t port, const struct disc_distcc_info *info,
		    char *err, size_t errlen);

/* The instance name in use (it changes after a collision). */
const char	*disc_publisher_name(const struct disc_publisher *p);
/* 1 once avahi-daemon confirmed the adverts are on the network. */
int		 disc_publisher_established(const struct disc_publisher *p);
/* Number of TXT updates actually sent (for rate tests and status). */
unsigned long	 disc_publisher_updates_sent(const struct disc_publisher *p);

/* Withdraws every advert (goodbye packets) and frees p. */
void		 disc_publisher_free(struct disc_publisher *p);

#endif
