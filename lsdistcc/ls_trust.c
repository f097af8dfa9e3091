/*
 * ls_trust.c - what this user's agent would make of each listed host:
 * the same rules as the agent's advert check (agent/agent_srv.c,
 * advert_trust, and common/trust.h), read-only: no key is made, nothing
 * is pinned.  The handshake checks the rest when the agent connects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/pin.h"
#include "common/trust.h"
#include "common/ident.h"
#include "lsdistcc/ls.h"

/* Is the user a site member (an installed identity with a CA in it)? */
static int
user_is_site(void)
{
	struct ident	 id;
	char		 path[512];
	int		 site;

	if (ident_user_path("identity.pem", path, sizeof(path), NULL, 0) ==
	    -1 || ident_load(&id, path, NULL, 0) == -1)
		return 0;
	site = id.cas != NULL && sk_X509_num(id.cas) > 0;
	ident_clear(&id);
	return site;
}

void
ls_trust(struct ls_row *rows, size_t n)
{
	struct trust_policy pol;
	struct trust_subject s;
	struct trust_verdict v;
	struct pin_look	 l;
	enum trust_mode	 mode;
	char		 pins[512];
	size_t		 i;
	int		 site = user_is_site(), havepins;

	havepins = ident_user_path("known_servers", pins, sizeof(pins), NULL,
	    0) == 0;
	/* as the agent: a value it does not know means explicit */
	if (trust_mode_parse(getenv("CCPOOL_TRUST"), &mode) == -1)
		mode = TRUST_EXPLICIT;
	trust_policy_init(&pol, mode, 1, 0);	/* the first set is the
						   agent's to know */
	for (i = 0; i < n; i++) {
		struct ls_row *r = &rows[i];
		const char *t;

		if (strcmp(r->kind, "distcc") == 0)
			t = "none (distcc)";
		else if (strcmp(r->kind, "ccpool") != 0 || !r->known)
			t = "-";
		else if (site)
			t = strcmp(r->security, "site") == 0 ? "site" :
			    "UNTRUSTED (not site)";
		else if (strcmp(r->security, "site") == 0)
			t = "site only";
		else if (!ident_fp_valid(r->id))
			t = "UNTRUSTED (no key)";
		else if (havepins && pin_check(pins, r->name, r->id, &l, NULL,
		    0) == -1)
			t = "?";
		else {
			if (!havepins)
				memset(&l, 0, sizeof(l));	/* PIN_NEW */
			memset(&s, 0, sizeof(s));
			s.name = r->name;
			s.fp = r->id;
			s.advertised = 1;
			trust_decide(&pol, &l, &s, 0, &v);
			t = v.word;
		}
		snprintf(r->trust, sizeof(r->trust), "%s", t);
	}
}
