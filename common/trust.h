/*
 * trust.h - open mode's trust policy: what the agent does with a
 * server's key, from what known_servers says of it (pin.h) and the
 * user's choice of CCPOOL_TRUST.  The agent acts on the verdict;
 * lsdistcc shows it (the TRUST column), so both read the same rules.
 * Pure logic: no I/O, no clock.  Start reading at trust_decide().
 *
 * The first set: an agent that starts in first-use mode with no line in
 * known_servers is learning the LAN, and the keys it pins within
 * TRUST_FIRSTSET_MS of its start are pinned with an info line.  Every
 * key pinned after that (a later agent, or the same agent later) is a
 * new key on the LAN: pinned with a warning the user sees on the
 * terminal.  Under CCPOOL_TRUST=explicit nothing is pinned by itself.
 */
#ifndef CCPOOL_TRUST_H
#define CCPOOL_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "common/pin.h"

#define TRUST_FIRSTSET_MS	5000
/* a quoted name (trust_quote): an mDNS name (63 bytes) escaped fits */
#define TRUST_QUOTE_MAX		264

enum trust_mode {
	TRUST_FIRST_USE,	/* pin a new server's key on first use */
	TRUST_EXPLICIT		/* only keys the user pinned: ccpool trust */
};

struct trust_policy {
	enum trust_mode	 mode;
	uint64_t	 firstset_end;	/* ms: keys pinned before it are the
					   first set; 0: there is none */
};

/* What the agent does with a server. */
enum trust_act {
	TRUST_USE,	/* pinned to this key */
	TRUST_PIN,	/* pin it with an info line: the first set, or a
			   key pinned already under another name */
	TRUST_PIN_WARN,	/* pin it and warn the user: a new key on the LAN */
	TRUST_ASK,	/* explicit mode: no job until `ccpool trust NAME` */
	TRUST_DENY	/* no job: changed key, Avahi alternative name of a
			   pinned server, refused by the user */
};

/* The server judged; name and fp come from the network. */
struct trust_subject {
	const char	*name;
	const char	*fp;		/* its key (advertised or shown) */
	const char	*where;		/* "addr:port", or NULL */
	int		 advertised;	/* found by mDNS (not CCPOOL_HOSTS):
					   `ccpool trust NAME` finds its key */
};

struct trust_verdict {
	enum trust_act	 act;
	int		 loud;		/* the user must hear of it */
	/* printable, network bytes escaped: for the agent's log, ccpool
	   --hosts and the user's terminal ("" for TRUST_USE) */
	char		 why[2304];
	/* short, for lsdistcc's TRUST column */
	char		 word[160];
};

/*
 * CCPOOL_TRUST's value: NULL, "" or "first-use" is TRUST_FIRST_USE,
 * "explicit" TRUST_EXPLICIT.  Returns 0, or -1 for anything else (the
 * caller fails closed: explicit).
 */
int	trust_mode_parse(const char *value, enum trust_mode *mode);

/*
 * The policy of an agent started at now (ms) in mode, with npins lines
 * in known_servers: a first set only in first-use mode with no line.
 */
void	trust_policy_init(struct trust_policy *p, enum trust_mode mode,
	    int npins, uint64_t now);

/*
 * The verdict on s, whose lookup in known_servers is l (pin_check), at
 * now (ms, the clock of trust_policy_init).
 */
void	trust_decide(const struct trust_policy *p, const struct pin_look *l,
	    const struct trust_subject *s, uint64_t now,
	    struct trust_verdict *v);

/*
 * name as a shell word for a command the user may paste: escaped
 * (log_escape) and single-quoted, so that no name from the network can
 * inject anything.  Writes to dst (len bytes) and returns it.
 */
char	*trust_quote(char *dst, size_t len, const char *name);

#endif
