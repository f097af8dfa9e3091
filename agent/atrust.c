/*
 * atrust.c - the agent's trust in its servers: the user's identity and
 * the TLS context made from it (atrust_start), open mode's policy over
 * known_servers (common/trust.h) applied to adverts (atrust_advert) and
 * again when the pin file changes (atrust_rejudge), and the check of
 * each handshake (atrust_verify).  A verdict that denies marks the host
 * untrusted (ahost.untrusted): no job goes there.  Nothing here touches
 * a connection or the host table's list; the user hears of verdicts
 * through the agent's notice callback (agent_int.h).  Start reading at
 * atrust_verify().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "agent/agent_int.h"
#include "common/pin.h"
#include "common/log.h"


/*
 * Mark h untrusted (no job goes there) and say so, loudly for what
 * looks like an attack; a reason it had already is not logged again.
 */
static void
untrust(struct ahost *h, int loud, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
untrust(struct ahost *h, int loud, const char *fmt, ...)
{
	char	 why[sizeof(h->untrusted)];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (strcmp(why, h->untrusted) == 0)
		return;
	memcpy(h->untrusted, why, sizeof(h->untrusted));
	if (loud)
		log_warnx("UNTRUSTED server %s: %s", h->name, h->untrusted);
	else
		log_info("untrusted server %s: %s", h->name, h->untrusted);
}

/*
 * The verdict of open mode's policy (common/trust.h) on h showing key
 * fp.  Returns 0, or -1 with err set when known_servers is unreadable.
 */
static int
judge(struct agent *a, struct ahost *h, const char *fp,
    struct trust_verdict *v, char *err, size_t errlen)
{
	struct trust_subject s;
	struct pin_look	 l;

	if (pin_check(a->pins, h->name, fp, &l, err, errlen) == -1)
		return -1;
	s.name = h->name;
	s.fp = fp;
	s.where = h->where;
	s.advertised = !h->pinned;
	trust_decide(&a->tp, &l, &s, mono_ms(), v);
	return 0;
}

/*
 * A verdict the user must hear of goes to the terminal too (the next
 * wrapper prints it), once per server and kind of verdict.
 */
static void
tell(struct ahost *h, const struct trust_verdict *v)
{
	char	 q[TRUST_QUOTE_MAX], line[AGENT_NOTE_LEN];

	if (!v->loud || h->noted == (int)v->act + 1)
		return;
	h->noted = (int)v->act + 1;
	/* one MSG_ frame (proto max_msg): cut what could not fit */
	if (v->act == TRUST_DENY)
		snprintf(line, sizeof(line), "WARNING: untrusted server %s: "
		    "%.700s", trust_quote(q, sizeof(q), h->name), v->why);
	else
		snprintf(line, sizeof(line), "%.1000s", v->why);
	h->a->cb->notice(h->a, line);
}

/*
 * Untrust h for verdict v (TRUST_ASK, TRUST_DENY) and tell the user.
 * Returns 0 if v lets h have jobs (h untouched), else -1.
 */
static int
verdict_apply(struct ahost *h, const struct trust_verdict *v)
{
	if (v->act != TRUST_ASK && v->act != TRUST_DENY)
		return 0;
	h->asking = v->act == TRUST_ASK;
	untrust(h, v->loud, "%s", v->why);
	tell(h, v);
	return -1;
}

/*
 * What an advert alone tells about trust; the handshake checks the rest
 * (atrust_verify).  Open: the advertised key must not contradict a pin, be
 * refused, or take the Avahi alternative name of a server pinned to
 * another key ("h1 #2"); under CCPOOL_TRUST=explicit it must be pinned.
 * Site: only site servers.
 */
void
atrust_advert(struct agent *a, struct ahost *h)
{
	struct trust_verdict v;
	char	 err[256];

	h->asking = 0;
	if (a->trust == TLS_SITE) {
		if (strcmp(h->sec, "site") != 0)
			untrust(h, 0, "not a member of this site (it says "
			    "\"%s\")", h->sec[0] ? h->sec : "nothing");
		else
			h->untrusted[0] = '\0';
		return;
	}
	if (strcmp(h->sec, "site") == 0) {
		untrust(h, 0, "a site server: it needs a user certificate "
		    "from its CA (ccpool id --install)");
		return;
	}
	if (strcmp(h->sec, "krb5") == 0) {
		/* its keytab authenticates it, at each connection (agss.c) */
		if (h->krb_retry == 0)
			h->untrusted[0] = '\0';
		return;
	}
	if (!ident_fp_valid(h->fp)) {
		untrust(h, 0, "its advert carries no key fingerprint");
		return;
	}
	if (judge(a, h, h->fp, &v, err, sizeof(err)) == -1) {
		untrust(h, 0, "%s", err);
		return;
	}
	if (verdict_apply(h, &v) == 0)
		h->untrusted[0] = '\0';	/* pinned, or pinned at its
						   handshake */
}

int
atrust_pins_changed(struct agent *a)
{
	struct stat	 st;
	int		 changed;

	if (stat(a->pins, &st) == -1)
		memset(&st, 0, sizeof(st));	/* none: it pins nothing */
	changed = st.st_ino != a->pins_ino || st.st_size != a->pins_size ||
	    st.st_mtim.tv_sec != a->pins_mtime.tv_sec ||
	    st.st_mtim.tv_nsec != a->pins_mtime.tv_nsec;
	a->pins_ino = st.st_ino;
	a->pins_size = st.st_size;
	a->pins_mtime = st.st_mtim;
	return changed;
}

/*
 * Open mode's policy: CCPOOL_TRUST (a value we do not know fails closed:
 * explicit) and the first set (trust.h), from the pins the agent starts
 * with.
 */
static void
policy_start(struct agent *a)
{
	const char	*v = getenv("CCPOOL_TRUST");
	enum trust_mode	 mode;
	char		 err[256];
	int		 n;

	if (trust_mode_parse(v, &mode) == -1) {
		log_warnx("CCPOOL_TRUST=%s is neither first-use nor explicit: "
		    "taken as explicit", v);
		mode = TRUST_EXPLICIT;
	}
	if ((n = pin_each(a->pins, NULL, NULL, err, sizeof(err))) == -1)
		log_warnx("%s", err);
	trust_policy_init(&a->tp, mode, n, mono_ms());
	(void)atrust_pins_changed(a);	/* as it is now: judged as hosts come */
	if (mode == TRUST_EXPLICIT)
		log_info("trust: explicit (CCPOOL_TRUST): only servers pinned "
		    "with ccpool trust get jobs");
	else if (a->tp.firstset_end != 0)
		log_info("trust: first use; no server pinned yet: the servers "
		    "pinned in the next %d s are the first set, pinned "
		    "quietly; any later one is reported", TRUST_FIRSTSET_MS /
		    1000);
	else
		log_info("trust: first use; %d server%s pinned: a new one is "
		    "reported", n, n == 1 ? "" : "s");
}

int
atrust_start(struct agent *a, char *err, size_t errlen)
{
	struct ident	 id;
	char		 path[512], crl[512], cn[IDENT_NAME_MAX], host[64];
	const char	*user = getenv("USER");

	if (ident_user_path("identity.pem", path, sizeof(path), err,
	    errlen) == -1 || ident_user_path("crl.pem", crl, sizeof(crl), err,
	    errlen) == -1 || ident_user_path("known_servers", a->pins,
	    sizeof(a->pins), err, errlen) == -1)
		return -1;
	if (gethostname(host, sizeof(host)) == -1)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	snprintf(cn, sizeof(cn), "%.30s@%.30s", user != NULL ? user : "user",
	    host);
	if (ident_load_or_make(&id, path, cn, err, errlen) == -1)
		return -1;
	a->trust = id.cas != NULL && sk_X509_num(id.cas) > 0 ? TLS_SITE :
	    TLS_OPEN;
	if (a->trust == TLS_OPEN)
		policy_start(a);
	memcpy(a->myfp, id.fp, sizeof(a->myfp));
	a->tls = tls_ctx_new(TLS_CLIENT, &id, a->trust, a->trust == TLS_SITE &&
	    access(crl, R_OK) == 0 ? crl : NULL, err, errlen);
	ident_clear(&id);
	if (a->tls == NULL)
		return -1;
	log_info("identity %s (%s mode)", a->myfp, tls_trust_name(a->trust));
	return 0;
}

void
atrust_krb_failed(struct ahost *h, const char *why)
{
	char	 line[AGENT_NOTE_LEN];

	h->krb_retry = mono_ms() + AGENT_KRB_RETRY_MS;
	if (strcmp(why, h->untrusted) == 0)
		return;		/* said already */
	untrust(h, 0, "%s", why);
	snprintf(line, sizeof(line), "ccpool: %s: %.700s; jobs go elsewhere "
	    "or stay here", h->name, why);
	h->a->cb->notice(h->a, line);
}

void
atrust_stop(struct agent *a)
{
	SSL_CTX_free(a->tls);
	a->tls = NULL;
}

void
atrust_rejudge(struct agent *a, struct ahost *h)
{
	struct trust_verdict v;
	char		 err[256];

	if (!h->pinned) {
		atrust_advert(a, h);
		return;
	}
	if (h->seen[0] != '\0' && judge(a, h, h->seen, &v, err,
	    sizeof(err)) == -1) {
		untrust(h, 0, "%s", err);
		return;
	}
	/* never verified: its first handshake judges it */
	if (h->seen[0] == '\0' || verdict_apply(h, &v) == 0) {
		h->untrusted[0] = '\0';
		h->asking = 0;
	}
}

int
atrust_verify(struct ahost *h, SSL *ssl)
{
	struct agent	*a = h->a;
	struct tls_peer	 p;
	struct trust_verdict v;
	char		 why[256];

	if (tls_peer_check(ssl, a->trust, 1, &p, why, sizeof(why)) == -1) {
		untrust(h, 1, "%s", why);
		return -1;
	}
	if (a->trust == TLS_SITE)
		goto ok;
	if (h->fp[0] != '\0' && strcmp(h->fp, p.fp) != 0) {
		untrust(h, 1, "it holds key %s, not the advertised %s", p.fp,
		    h->fp);
		return -1;
	}
	if (strcmp(h->sec, "krb5") == 0 && h->krb[0] != '\0') {
		/* no pin: the Kerberos exchange that follows decides */
		memcpy(h->seen, p.fp, sizeof(h->seen));
		goto ok;
	}
	memcpy(h->seen, p.fp, sizeof(h->seen));
	if (judge(a, h, p.fp, &v, why, sizeof(why)) == -1) {
		untrust(h, 0, "%s", why);
		return -1;
	}
	if (verdict_apply(h, &v) == -1)
		return -1;
	if (v.act == TRUST_PIN || v.act == TRUST_PIN_WARN) {
		if (pin_add(a->pins, h->name, p.fp, why, sizeof(why)) == -1)
			log_warnx("%s", why);
		if (v.act == TRUST_PIN)
			log_info("pinned %s to key %s (%s)", h->name, p.fp,
			    v.why);
		else {
			log_warnx("%s", v.why);
			tell(h, &v);
		}
	}
ok:
	log_debug("%s: TLS with %s", h->name, p.fp);
	return 0;
}

const char *
atrust_note(struct agent *a, char *buf, size_t len)
{
	struct ahost	*first = NULL;
	size_t		 i, n = 0;
	char		 name[DISC_NAME_MAX * 4], why[sizeof(first->untrusted) * 4];

	buf[0] = '\0';
	for (i = 0; i < a->nhosts; i++)
		if (!a->hosts[i]->gone && a->hosts[i]->untrusted[0] != '\0' &&
		    n++ == 0)
			first = a->hosts[i];
	if (first == NULL)
		return buf;
	log_escape(name, sizeof(name), first->name, strlen(first->name));
	log_escape(why, sizeof(why), first->untrusted,
	    strlen(first->untrusted));
	if (n > 1)
		snprintf(buf, len, " (untrusted: %s: %s, and %zu more)", name,
		    why, n - 1);
	else
		snprintf(buf, len, " (untrusted: %s: %s)", name, why);
	return buf;
}
