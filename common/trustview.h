/*
 * trustview.h - what this user's agent makes of a host's advert, read
 * only: the rules of the agent's advert check (agent/atrust.c,
 * atrust_advert, and trust.h), as one word and a flag, for lsdistcc's
 * TRUST column and libccpool's ccpool_host_trust().  No key is made,
 * nothing is pinned; the handshake checks the rest when the agent
 * connects.  Start reading at tview_judge().
 */
#ifndef CCPOOL_TRUSTVIEW_H
#define CCPOOL_TRUSTVIEW_H

#include <stddef.h>

#include "common/trust.h"

#define TVIEW_WORD_MAX	160

enum tview_kind {
	TVIEW_CCPOOL,		/* a ccpoold's advert */
	TVIEW_DISTCC,		/* a distccd */
	TVIEW_OTHER		/* no advert (a DNS name): nothing to judge */
};

/* The user's side of the verdict. */
struct tview_user {
	enum trust_mode	 mode;		/* CCPOOL_TRUST as the agent reads it */
	int		 site;		/* an identity with a CA in it */
	int		 havepins;	/* pins names known_servers */
	int		 distcc;	/* CCPOOL_DISTCC=1: the agent sends
					   plaintext jobs to distccds */
	char		 pins[512];
};

/*
 * Read the user's side from the environment (CCPOOL_TRUST: a value the
 * agent does not know means explicit) and files (identity.pem: a site
 * member?; the path of known_servers).  Files that are missing mean no
 * site and no pin.
 */
void	tview_user_load(struct tview_user *u);

/*
 * The verdict on a host of kind k advertising security ("open", "site"),
 * its DNS-SD name and key fp ("sha256:<hex>" or ""): into word (len
 * bytes) "pinned", "pinned as NAME", "new", "new (run: ccpool trust
 * NAME)", "site", "site only" (a site server, the user not in a site),
 * "UNTRUSTED (why)", "none (distcc)" (or "none (distcc, used:
 * CCPOOL_DISTCC=1)", then usable), "-" (TVIEW_OTHER), "?" (the pins
 * could not be read).  Returns 1 when the agent would send the host
 * jobs, else 0.
 */
int	tview_judge(const struct tview_user *u, enum tview_kind k,
	    const char *security, const char *name, const char *fp,
	    char *word, size_t len);

#endif
