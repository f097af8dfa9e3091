/*
 * ls_trust.c - what this user's agent would make of each listed host:
 * the same rules as the agent's advert check (client/agent_srv.c,
 * advert_trust), read-only: no key is made, nothing is pinned.  The
 * handshake checks the rest when the agent connects.
 */
#include <stdio.h>
#include <string.h>

#include "client/pin.h"
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
	char	 pins[512], old[IDENT_FP_LEN];
	size_t	 i;
	int	 site = user_is_site(), havepins;

	havepins = ident_user_path("known_servers", pins, sizeof(pins), NULL,
	    0) == 0;
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
		else if (!havepins)
			t = "new";
		else switch (pin_check(pins, r->name, r->id, old, NULL, 0)) {
		case PIN_SAME:
			t = "pinned";
			break;
		case PIN_CHANGED:
			t = "UNTRUSTED (key changed)";
			break;
		case PIN_NEW:
			t = "new";
			break;
		default:
			t = "?";
			break;
		}
		snprintf(r->trust, sizeof(r->trust), "%s", t);
	}
}
