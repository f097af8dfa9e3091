/*
 * trust.c - open mode's trust policy; see trust.h.  Every text it makes
 * holds the server's name and keys escaped, and every command it
 * suggests quotes the name for the shell (trust_quote).
 */
#include <stdio.h>
#include <string.h>

#include "common/trust.h"
#include "common/log.h"

int
trust_mode_parse(const char *value, enum trust_mode *mode)
{
	if (value == NULL || value[0] == '\0' ||
	    strcmp(value, "first-use") == 0)
		*mode = TRUST_FIRST_USE;
	else if (strcmp(value, "explicit") == 0)
		*mode = TRUST_EXPLICIT;
	else
		return -1;
	return 0;
}

void
trust_policy_init(struct trust_policy *p, enum trust_mode mode, int npins,
    uint64_t now)
{
	p->mode = mode;
	/* an unreadable file (-1) is no proof that the LAN is new */
	p->firstset_end = mode == TRUST_FIRST_USE && npins == 0 ?
	    now + TRUST_FIRSTSET_MS : 0;
}

char *
trust_quote(char *dst, size_t len, const char *name)
{
	char	 esc[TRUST_QUOTE_MAX];
	size_t	 i, o = 0;

	if (len < 3) {
		if (len > 0)
			dst[0] = '\0';
		return dst;
	}
	log_escape(esc, sizeof(esc), name, strlen(name));
	dst[o++] = '\'';
	for (i = 0; esc[i] != '\0' && o + 5 < len; i++) {
		if (esc[i] == '\'') {
			memcpy(dst + o, "'\\''", 4);	/* close, \', open */
			o += 4;
		} else
			dst[o++] = esc[i];
	}
	dst[o++] = '\'';
	dst[o] = '\0';
	return dst;
}

void
trust_decide(const struct trust_policy *p, const struct pin_look *l,
    const struct trust_subject *s, uint64_t now, struct trust_verdict *v)
{
	char	 q[TRUST_QUOTE_MAX], qo[TRUST_QUOTE_MAX];
	char	 fp[IDENT_FP_LEN * 4], w[120], at[128] = "";

	memset(v, 0, sizeof(*v));
	trust_quote(q, sizeof(q), s->name);
	log_escape(fp, sizeof(fp), s->fp, strlen(s->fp));
	if (s->where != NULL && s->where[0] != '\0') {
		log_escape(w, sizeof(w), s->where, strlen(s->where));
		snprintf(at, sizeof(at), " (%s)", w);
	}
	switch (l->state) {
	case PIN_SAME:
		v->act = TRUST_USE;
		snprintf(v->word, sizeof(v->word), "pinned");
		return;
	case PIN_KNOWN:
		/* its holder is a server the user trusts already */
		trust_quote(qo, sizeof(qo), l->other);
		v->act = TRUST_PIN;
		snprintf(v->word, sizeof(v->word), "pinned as %.140s", qo);
		snprintf(v->why, sizeof(v->why), "its key is pinned already "
		    "as %s", qo);
		return;
	case PIN_NEW:
		break;
	case PIN_CHANGED:
		v->act = TRUST_DENY;
		v->loud = 1;
		snprintf(v->word, sizeof(v->word), "UNTRUSTED (key changed)");
		snprintf(v->why, sizeof(v->why), "its key changed: pinned %s, "
		    "now %s; if the change is expected: ccpool forget %s",
		    l->old, fp, q);
		return;
	case PIN_ALIAS:
		trust_quote(qo, sizeof(qo), l->other);
		v->act = TRUST_DENY;
		v->loud = 1;
		snprintf(v->word, sizeof(v->word), "UNTRUSTED (alternative "
		    "name of %.100s, another key)", qo);
		snprintf(v->why, sizeof(v->why), "%s is Avahi's alternative "
		    "name of %s, pinned to %s, but holds %s: %s restarted "
		    "with a new key, or an impostor; no job goes there (if "
		    "%s was reinstalled: ccpool forget %s; ccpool trust %s)",
		    q, qo, l->old, fp, qo, qo, qo, q);
		return;
	case PIN_REFUSED:
		v->act = TRUST_DENY;
		snprintf(v->word, sizeof(v->word), "UNTRUSTED (refused)");
		snprintf(v->why, sizeof(v->why), "refused by you (key %s); "
		    "ccpool forget %s undoes it", l->old, q);
		return;
	}
	if (p->mode == TRUST_EXPLICIT) {
		v->act = TRUST_ASK;
		v->loud = 1;
		snprintf(v->word, sizeof(v->word), "new (run: ccpool trust "
		    "%.120s)", q);
		snprintf(v->why, sizeof(v->why), "new server %s%s, key %s: no "
		    "job until you trust it (CCPOOL_TRUST=explicit): ccpool "
		    "trust %s%s%s", q, at, fp, q, s->advertised ? "" : " ",
		    s->advertised ? "" : fp);
		return;
	}
	snprintf(v->word, sizeof(v->word), "new");
	if (p->firstset_end != 0 && now < p->firstset_end) {
		v->act = TRUST_PIN;
		snprintf(v->why, sizeof(v->why), "first use, while the agent "
		    "learns the LAN");
		return;
	}
	v->act = TRUST_PIN_WARN;
	v->loud = 1;
	snprintf(v->why, sizeof(v->why), "WARNING: new server %s%s pinned on "
	    "first use, key %s; if you do not know it: ccpool trust --refuse "
	    "%s", q, at, fp, q);
}
