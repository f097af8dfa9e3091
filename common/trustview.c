/*
 * trustview.c - what this user's agent would make of a host's advert;
 * see trustview.h.  The same rules as the agent's advert check
 * (agent/atrust.c, atrust_advert), read-only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ident.h"
#include "common/pin.h"
#include "common/trustview.h"

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
tview_user_load(struct tview_user *u)
{
	const char	*v;

	memset(u, 0, sizeof(*u));
	u->site = user_is_site();
	u->distcc = (v = getenv("CCPOOL_DISTCC")) != NULL &&
	    strcmp(v, "1") == 0;
	u->havepins = ident_user_path("known_servers", u->pins,
	    sizeof(u->pins), NULL, 0) == 0;
	/* as the agent: a value it does not know means explicit */
	if (trust_mode_parse(getenv("CCPOOL_TRUST"), &u->mode) == -1)
		u->mode = TRUST_EXPLICIT;
}

/* Open mode: the pins and the policy (trust.h) on an advertised key. */
static int
judge_open(const struct tview_user *u, const char *name, const char *fp,
    char *word, size_t len)
{
	struct trust_policy pol;
	struct trust_subject s;
	struct trust_verdict v;
	struct pin_look	 l;

	if (u->havepins && pin_check(u->pins, name, fp, &l, NULL, 0) == -1) {
		snprintf(word, len, "?");
		return 0;
	}
	if (!u->havepins)
		memset(&l, 0, sizeof(l));	/* PIN_NEW */
	/* the first set is the agent's to know: none here */
	trust_policy_init(&pol, u->mode, 1, 0);
	memset(&s, 0, sizeof(s));
	s.name = name;
	s.fp = fp;
	s.advertised = 1;
	trust_decide(&pol, &l, &s, 0, &v);
	snprintf(word, len, "%s", v.word);
	return v.act == TRUST_USE || v.act == TRUST_PIN ||
	    v.act == TRUST_PIN_WARN;
}

int
tview_judge(const struct tview_user *u, enum tview_kind k,
    const char *security, const char *name, const char *fp, char *word,
    size_t len)
{
	int	 site = strcmp(security, "site") == 0;

	switch (k) {
	case TVIEW_DISTCC:
		/* plaintext: the agent uses it only when opted in */
		snprintf(word, len, "%s", u->distcc ?
		    "none (distcc, used: CCPOOL_DISTCC=1)" : "none (distcc)");
		return u->distcc;
	case TVIEW_OTHER:
		snprintf(word, len, "-");
		return 0;
	case TVIEW_CCPOOL:
		break;
	}
	if (u->site) {
		snprintf(word, len, "%s", site ? "site" :
		    "UNTRUSTED (not site)");
		return site;
	}
	if (site) {
		snprintf(word, len, "site only");
		return 0;
	}
	if (strcmp(security, "krb5") == 0) {
		/* its keytab proves it at each connection: no pin */
		snprintf(word, len, "kerberos (needs a ticket)");
		return 1;
	}
	if (!ident_fp_valid(fp)) {
		snprintf(word, len, "UNTRUSTED (no key)");
		return 0;
	}
	return judge_open(u, name, fp, word, len);
}
