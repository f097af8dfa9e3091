/*
 * dns_browse.c - unicast DNS-SD browsing into the host table; see
 * dns_browse.h.
 *
 * Two lists: domains (search domains asked for b/lb._dns-sd._udp, and
 * browse domains asked for the services' PTRs) and instances (one per
 * PTR target, resolved SRV + TXT, then A + AAAA of the SRV target).  Every
 * entry has its own query slots and a due time; a one-second tick starts
 * the lookups that are due (TTL-driven refresh), and each entry acts once
 * all its slots have answered (dom_done, inst_done).  Start reading at
 * dns_browser_new, then tick.
 */
#include <errno.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/event.h>
#include <unbound.h>
#include <unbound-event.h>

#include "common/log.h"
#include "common/mono.h"
#include "discovery/dns_ans.h"
#include "discovery/dns_browse.h"

#define RR_A		1
#define RR_PTR		12
#define RR_TXT		16
#define RR_AAAA		28
#define RR_SRV		33
#define RCODE_NXDOMAIN	3
#define SEC_BOGUS	1
#define SEC_SECURE	2

struct dns_browser;

/* One outstanding (or finished) query of an entry. */
struct qslot {
	struct dns_browser	*b;
	void			*owner;	/* struct dom or struct inst */
	int			 which;	/* index in the owner's slots */
	int			 busy;
	int			 id;	/* libunbound's async id */
};

enum { DOM_SEARCH, DOM_BROWSE };
#define DOM_SLOT	10	/* a domain's slots are 10 and 11 */
#define NEG_SEC		30	/* refresh of a browse domain with nothing */
#define NEG_SEARCH_SEC	300	/* of a search domain that announces none */

struct dom {
	struct dom	*next;
	int		 role;		/* DOM_SEARCH or DOM_BROWSE */
	char		 name[DNS_NAME_STR];
	uint64_t	 due;		/* mono ms */
	unsigned	 pend;
	uint32_t	 ttl;
	int		 failed;
	struct qslot	 q[2];		/* b/lb, or ccpool/distcc PTR */
};

enum { Q_SRV, Q_TXT, Q_A, Q_AAAA, Q_N };

struct inst {
	struct inst	*next;
	struct dom	*dom;
	enum disc_kind	 kind;
	char		 target[DNS_NAME_STR];	/* the instance's name */
	char		 name[DISC_NAME_MAX];	/* its first label */
	char		 fed[DISC_NAME_MAX];	/* name fed to the table */
	int		 seen;		/* in the last PTR answer */
	uint64_t	 due;
	unsigned	 pend;
	uint32_t	 ttl;
	int		 failed;	/* a lookup failed: retry soon */
	char		 host[DNS_NAME_STR];	/* SRV target */
	uint16_t	 port;
	int		 have_srv, have_txt;
	uint8_t		 txt[DISC_TXT_MAX];
	size_t		 txtlen;
	struct disc_addr addr[2];	/* IPv4, IPv6 */
	int		 have_addr[2];
	int		 fed_addr[2];
	struct qslot	 q[Q_N];
};

struct dns_browser {
	struct event_base	*base;
	struct ub_ctx		*ub;
	struct disc_hosts	*hosts;
	struct dns_browse_opts	 opts;
	char			 cluster[DISC_CLUSTER_MAX];
	int			 need_secure;
	unsigned		 ndom, ninst;
	struct dom		*doms;
	struct inst		*insts;
	struct event		*tick;
};

static void	on_answer(void *, int, void *, int, int, char *, int);
static void	inst_done(struct inst *);
static struct dom *add_domain(struct dns_browser *, const char *, size_t,
		    int);

/* warn(b, fmt, ...): to the browser's warn callback */
#define warn(b, ...)	disc_warnf((b)->opts.warn, (b)->opts.warn_arg, \
			    __VA_ARGS__)

/* A name for a log line: escaped, bounded. */
static const char *
esc(const char *s, char *buf, size_t len)
{
	log_escape(buf, len, s, strlen(s));
	return buf;
}

/* Seconds until a refresh of records of this TTL, clamped. */
static uint64_t
refresh_ms(uint32_t ttl, int failed)
{
	if (failed)
		return (uint64_t)DNS_RETRY_SEC * 1000;
	if (ttl < 2)
		ttl = 2;
	if (ttl > DNS_REFRESH_MAX)
		ttl = DNS_REFRESH_MAX;
	return ((uint64_t)ttl + 1) * 1000;	/* let caches expire first */
}

static void
slot_init(struct qslot *q, struct dns_browser *b, void *owner, int which)
{
	q->b = b;
	q->owner = owner;
	q->which = which;
	q->busy = 0;
}

static void
slot_cancel(struct qslot *q)
{
	if (q->busy && q->id != 0)
		ub_cancel(q->b->ub, q->id);
	q->busy = 0;
}

/*
 * Ask name/type through slot q; *pend counts it.  Returns 0, or -1 when
 * libunbound refused the query (not counted).
 */
static int
ask(struct qslot *q, const char *name, int type, unsigned *pend)
{
	int	 r;

	q->busy = 1;
	q->id = 0;
	(*pend)++;
	r = ub_resolve_event(q->b->ub, name, type, 1, q, on_answer, &q->id);
	if (r != 0) {
		warn(q->b, "dns lookup: %s", ub_strerror(r));
		if (q->busy) {
			q->busy = 0;
			(*pend)--;
		}
		return -1;
	}
	return 0;
}

/* --- domains ------------------------------------------------------------- */

static struct dom *
dom_add(struct dns_browser *b, const char *name, int role)
{
	struct dom	*d;
	size_t		 n = strlen(name);

	for (d = b->doms; d != NULL; d = d->next)
		if (d->role == role && strcasecmp(d->name, name) == 0)
			return d;
	if (n == 0 || n >= DNS_NAME_STR || b->ndom >= DNS_DOMAINS_MAX ||
	    (d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	memcpy(d->name, name, n + 1);
	d->role = role;
	slot_init(&d->q[0], b, d, DOM_SLOT);
	slot_init(&d->q[1], b, d, DOM_SLOT + 1);
	d->next = b->doms;
	b->doms = d;
	b->ndom++;
	return d;
}

/* The name slot i of d asks for, or NULL when the slot is unused. */
static const char *
dom_qname(struct dns_browser *b, struct dom *d, int i, char *qn, size_t len)
{
	static const char *const search[2] = { "b._dns-sd._udp.",
	    "lb._dns-sd._udp." };
	const char	*svc[2] = { b->opts.ccpool ? DISC_SERVICE "." : NULL,
			    b->opts.distcc ? DISC_DISTCC_SERVICE "." : NULL };
	const char	*p = d->role == DOM_SEARCH ? search[i] : svc[i];

	if (p == NULL)
		return NULL;
	snprintf(qn, len, "%s%s", p, d->name);
	return qn;
}

static void
dom_ask(struct dns_browser *b, struct dom *d)
{
	char		 qn[DNS_NAME_STR + 32];
	int		 i;

	d->ttl = 0;
	d->failed = 0;
	for (i = 0; i < 2; i++) {
		if (dom_qname(b, d, i, qn, sizeof(qn)) == NULL)
			continue;
		if (ask(&d->q[i], qn, RR_PTR, &d->pend) == -1)
			d->failed = 1;
	}
	if (d->pend == 0)
		d->due = mono_ms() + refresh_ms(0, 1);
}

/* --- instances ----------------------------------------------------------- */

/* The slot's family index: 0 IPv4, 1 IPv6. */
#define FAM(i)		((i) == 0 ? AF_INET : AF_INET6)

static void
inst_lose(struct dns_browser *b, struct inst *in)
{
	if (in->fed[0] != '\0')
		disc_hosts_lost(b->hosts, in->kind, in->fed, DNS_IFINDEX, -1);
	in->fed[0] = '\0';
	in->fed_addr[0] = in->fed_addr[1] = 0;
}

static void
inst_free(struct dns_browser *b, struct inst **ip)
{
	struct inst	*in = *ip;
	int		 i;

	*ip = in->next;
	for (i = 0; i < Q_N; i++)
		slot_cancel(&in->q[i]);
	inst_lose(b, in);
	free(in);
	b->ninst--;
}

static struct inst *
inst_get(struct dns_browser *b, struct dom *d, enum disc_kind kind,
    const struct dns_ptr *p)
{
	struct inst	*in;
	int		 i;

	for (in = b->insts; in != NULL; in = in->next)
		if (in->dom == d && in->kind == kind &&
		    strcasecmp(in->target, p->target) == 0)
			return in;
	if (b->ninst >= DNS_INST_MAX || (in = calloc(1, sizeof(*in))) == NULL)
		return NULL;
	in->dom = d;
	in->kind = kind;
	memcpy(in->target, p->target, sizeof(in->target));
	memcpy(in->name, p->label, sizeof(in->name));
	for (i = 0; i < Q_N; i++)
		slot_init(&in->q[i], b, in, i);
	in->next = b->insts;
	b->insts = in;
	b->ninst++;
	return in;
}

static void
inst_ask(struct dns_browser *b, struct inst *in)
{
	(void)b;
	in->ttl = 0;
	in->failed = 0;
	in->have_srv = in->have_txt = 0;
	in->have_addr[0] = in->have_addr[1] = 0;
	if (ask(&in->q[Q_SRV], in->target, RR_SRV, &in->pend) == -1 ||
	    ask(&in->q[Q_TXT], in->target, RR_TXT, &in->pend) == -1)
		in->failed = 1;
	if (in->pend == 0)
		inst_done(in);
}

static void
ttl_min(uint32_t *ttl, uint32_t t, int first)
{
	if (first || t < *ttl)
		*ttl = t;
}

/*
 * The name to feed in->kind's table under: in->name, or the name of a
 * host that already has the same key fingerprint (one server, two paths).
 */
static const char *
inst_table_name(struct dns_browser *b, struct inst *in,
    const struct disc_info *info)
{
	const struct disc_host	*h;
	size_t			 i, n = disc_hosts_count(b->hosts);

	if (in->kind != DISC_KIND_CCPOOL || info->fingerprint[0] == '\0')
		return in->name;
	for (i = 0; i < n; i++) {
		h = disc_hosts_at(b->hosts, i);
		if (h->kind == in->kind && strcmp(h->name, in->name) != 0 &&
		    strcmp(h->info.fingerprint, info->fingerprint) == 0)
			return h->name;
	}
	return in->name;
}

/* Decode in's TXT into s.  Returns 0, or -1 (said why) to drop it. */
static int
inst_decode(struct dns_browser *b, struct inst *in, struct disc_sighting *s)
{
	char	 err[128], e[4 * DISC_NAME_MAX];

	if (in->kind == DISC_KIND_DISTCC) {
		if (disc_txt_decode_distcc(in->txt, in->txtlen, &s->distcc,
		    err, sizeof(err)) == 0)
			return 0;
		warn(b, "dns: distcc advert %s: %s, ignored",
		    esc(in->name, e, sizeof(e)), err);
		return -1;
	}
	if (disc_txt_decode(in->txt, in->txtlen, &s->info, err,
	    sizeof(err)) == -1) {
		warn(b, "dns: advert %s: %s, ignored",
		    esc(in->name, e, sizeof(e)), err);
		return -1;
	}
	if (b->opts.cluster != NULL &&
	    strcmp(s->info.cluster, b->cluster) != 0)
		return -1;	/* another cluster's */
	return 0;
}

/* Feed what in resolved to into the table, or drop it. */
static void
inst_commit(struct dns_browser *b, struct inst *in)
{
	struct disc_sighting	 s;
	const char		*name;
	size_t			 n;
	int			 i;

	if (!in->have_srv || !in->have_txt || in->port == 0 ||
	    (!in->have_addr[0] && !in->have_addr[1])) {
		inst_lose(b, in);
		return;
	}
	memset(&s, 0, sizeof(s));
	s.kind = in->kind;
	if (inst_decode(b, in, &s) == -1) {
		inst_lose(b, in);
		return;
	}
	name = inst_table_name(b, in, &s.info);
	if (in->fed[0] != '\0' && strcmp(in->fed, name) != 0)
		inst_lose(b, in);
	memcpy(s.name, name, strlen(name) + 1);
	n = strlen(in->host);
	if (n > 0 && in->host[n - 1] == '.')
		n--;	/* as Avahi writes host names */
	if (n >= sizeof(s.hostname))
		n = sizeof(s.hostname) - 1;
	memcpy(s.hostname, in->host, n);
	s.ifindex = DNS_IFINDEX;
	s.port = in->port;
	for (i = 0; i < 2; i++) {
		if (!in->have_addr[i]) {
			if (in->fed_addr[i])
				disc_hosts_lost(b->hosts, in->kind, name,
				    DNS_IFINDEX, FAM(i));
			in->fed_addr[i] = 0;
			continue;
		}
		s.proto = FAM(i);
		s.addr = in->addr[i];
		if (disc_hosts_seen(b->hosts, &s, time(NULL)) == 0)
			in->fed_addr[i] = 1;
	}
	if (in->fed_addr[0] || in->fed_addr[1])
		memcpy(in->fed, name, strlen(name) + 1);
}

static void
inst_done(struct inst *in)
{
	struct dns_browser *b = in->q[0].b;

	in->due = mono_ms() + refresh_ms(in->ttl, in->failed);
	if (!in->failed)	/* a resolver failure keeps what we knew */
		inst_commit(b, in);
}

/* One of in's answers (slot i); false answers were turned into n = 0. */
static void
inst_answer(struct dns_browser *b, struct inst *in, int i,
    const uint8_t *pkt, size_t len)
{
	char		 err[128], e[4 * DISC_NAME_MAX];
	uint32_t	 ttl = 0;
	unsigned	 n = 0;
	int		 r = 0, first = in->ttl == 0;

	switch (i) {
	case Q_SRV:
		r = dns_ans_srv(pkt, len, in->target, in->host, &in->port, &n,
		    &ttl, err, sizeof(err));
		if (r == 0 && n == 1) {
			in->have_srv = 1;
			if (ask(&in->q[Q_A], in->host, RR_A, &in->pend) == -1 ||
			    ask(&in->q[Q_AAAA], in->host, RR_AAAA,
			    &in->pend) == -1)
				in->failed = 1;
		}
		break;
	case Q_TXT:
		r = dns_ans_txt(pkt, len, in->target, in->txt,
		    sizeof(in->txt), &in->txtlen, &n, &ttl, err, sizeof(err));
		in->have_txt = r == 0 && n == 1;
		break;
	default:
		r = dns_ans_addr(pkt, len, in->host, FAM(i - Q_A),
		    &in->addr[i - Q_A], &n, &ttl, err, sizeof(err));
		in->have_addr[i - Q_A] = r == 0 && n == 1;
		break;
	}
	if (r == -1)
		warn(b, "dns: advert %s: %s, ignored",
		    esc(in->name, e, sizeof(e)), err);
	if (r == 0 && n > 0)
		ttl_min(&in->ttl, ttl, first);
}

/* --- domain answers ------------------------------------------------------ */

/* A PTR answer of browse domain d for kind: follow what it lists. */
static void
dom_browse_answer(struct dns_browser *b, struct dom *d, enum disc_kind kind,
    const struct dns_ptr *p, unsigned n)
{
	struct inst	*in, **ip;
	unsigned	 k;

	for (in = b->insts; in != NULL; in = in->next)
		if (in->dom == d && in->kind == kind)
			in->seen = 0;
	for (k = 0; k < n; k++) {
		if (p[k].label[0] == '\0' ||
		    (in = inst_get(b, d, kind, &p[k])) == NULL)
			continue;
		in->seen = 1;
		if (in->due == 0 && in->pend == 0)
			inst_ask(b, in);
	}
	for (ip = &b->insts; *ip != NULL;) {
		in = *ip;
		if (in->dom == d && in->kind == kind && !in->seen)
			inst_free(b, ip);	/* gone from the PTR */
		else
			ip = &in->next;
	}
}

static void
dom_answer(struct dns_browser *b, struct dom *d, int i, const uint8_t *pkt,
    size_t len)
{
	struct dns_ptr	*p;
	char		 qn[DNS_NAME_STR + 32], err[128], e[256];
	uint32_t	 ttl;
	unsigned	 n, k;

	if (dom_qname(b, d, i, qn, sizeof(qn)) == NULL ||
	    (p = calloc(DNS_PTR_MAX, sizeof(*p))) == NULL) {
		d->failed = 1;
		return;
	}
	if (dns_ans_ptr(pkt, len, qn, p, DNS_PTR_MAX, &n, &ttl, err,
	    sizeof(err)) == -1) {
		warn(b, "dns: %s: %s, ignored", esc(qn, e, sizeof(e)), err);
		n = 0;
	}
	if (d->role == DOM_BROWSE)
		dom_browse_answer(b, d, i == 0 ? DISC_KIND_CCPOOL :
		    DISC_KIND_DISTCC, p, n);
	else
		for (k = 0; k < n; k++) {
			struct dom *nd = add_domain(b, p[k].target,
			    strlen(p[k].target), DOM_BROWSE);

			if (nd != NULL && nd->due == 0 && nd->pend == 0)
				dom_ask(b, nd);	/* new: browse it now */
		}
	if (n > 0)
		ttl_min(&d->ttl, ttl, d->ttl == 0);
	else if (d->ttl == 0)	/* the other slot may still say more */
		d->ttl = d->role == DOM_SEARCH ? NEG_SEARCH_SEC : NEG_SEC;
	free(p);
}

/* --- libunbound's answers, the tick, life cycle -------------------------- */

static void
on_answer(void *arg, int rcode, void *packet, int len, int sec, char *bogus,
    int ratelimited)
{
	struct qslot		*q = arg;
	struct dns_browser	*b = q->b;
	const uint8_t		*pkt = packet;
	size_t			 plen = len > 0 ? (size_t)len : 0;
	char			 e[256];

	(void)ratelimited;
	q->busy = 0;
	if ((rcode != 0 && rcode != RCODE_NXDOMAIN) || pkt == NULL) {
		pkt = NULL;	/* the resolver failed: try again soon */
	} else if (sec == SEC_BOGUS) {
		warn(b, "dns: DNSSEC-bogus answer refused (%s)",
		    bogus != NULL ? esc(bogus, e, sizeof(e)) : "no reason");
		pkt = NULL;
	} else if (b->need_secure && sec != SEC_SECURE) {
		warn(b, "dns: answer not DNSSEC-validated, ignored (a trust "
		    "anchor is set)");
		pkt = NULL;
	}
	if (q->which >= DOM_SLOT) {
		struct dom *d = q->owner;

		if (pkt != NULL)
			dom_answer(b, d, q->which - DOM_SLOT, pkt, plen);
		else
			d->failed = 1;
		if (--d->pend == 0)
			d->due = mono_ms() + refresh_ms(d->ttl, d->failed);
	} else {
		struct inst *in = q->owner;

		if (pkt != NULL)
			inst_answer(b, in, q->which, pkt, plen);
		else
			in->failed = 1;
		if (--in->pend == 0)
			inst_done(in);
	}
}

static void
tick(evutil_socket_t fd, short what, void *arg)
{
	struct dns_browser	*b = arg;
	struct dom		*d;
	struct inst		*in, *next;
	uint64_t		 now = mono_ms();

	(void)fd;
	(void)what;
	for (d = b->doms; d != NULL; d = d->next)
		if (d->pend == 0 && d->due <= now)
			dom_ask(b, d);
	for (in = b->insts; in != NULL; in = next) {
		next = in->next;
		if (in->pend == 0 && in->due != 0 && in->due <= now)
			inst_ask(b, in);
	}
}

void
dns_browse_opts_env(struct dns_browse_opts *o)
{
	o->domains = getenv("CCPOOL_DOMAINS");
	o->trust_anchor = getenv("CCPOOL_DNS_TA");
	o->search = 1;
}

/*
 * A domain as written by a user or a PTR, without its final dot; NULL
 * when it is .local (mDNS's), bad, or there are too many.
 */
static struct dom *
add_domain(struct dns_browser *b, const char *name, size_t n, int role)
{
	char	 d[DNS_NAME_STR];

	while (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0 || n >= sizeof(d))
		return NULL;
	memcpy(d, name, n);
	d[n] = '\0';
	if (strcasecmp(d, "local") == 0)
		return NULL;
	return dom_add(b, d, role);
}

/* The domains of opts and the search domains.  Returns -1 on "none". */
static int
domains_init(struct dns_browser *b)
{
	const char		*s = b->opts.domains;
	struct __res_state	 rs;
	size_t			 n;
	int			 i;

	while (s != NULL && *s != '\0') {
		s += strspn(s, ", \t");
		n = strcspn(s, ", \t");
		if (n == 4 && strncasecmp(s, "none", 4) == 0)
			return -1;
		add_domain(b, s, n, DOM_BROWSE);
		s += n;
	}
	if (!b->opts.search)
		return 0;
	memset(&rs, 0, sizeof(rs));
	if (res_ninit(&rs) != 0)
		return 0;
	for (i = 0; i < MAXDNSRCH && rs.dnsrch[i] != NULL; i++)
		add_domain(b, rs.dnsrch[i], strlen(rs.dnsrch[i]), DOM_SEARCH);
	res_nclose(&rs);
	return 0;
}

struct dns_browser *
dns_browser_new(struct event_base *base, struct disc_hosts *hosts,
    const struct dns_browse_opts *o, char *err, size_t errlen)
{
	struct dns_browser	*b;
	struct timeval		 tv = { 1, 0 };
	int			 r;

	err[0] = '\0';
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	b->base = base;
	b->hosts = hosts;
	b->opts = *o;
	if (o->cluster != NULL) {
		snprintf(b->cluster, sizeof(b->cluster), "%s", o->cluster);
		b->opts.cluster = b->cluster;
	}
	if (domains_init(b) == -1 || b->ndom == 0)
		goto fail;	/* nothing to browse: err "" */
	b->opts.domains = NULL;
	b->opts.trust_anchor = NULL;
	if ((b->ub = ub_ctx_create_event(base)) == NULL) {
		snprintf(err, errlen, "libunbound: cannot create a context");
		goto fail;
	}
	if ((r = ub_ctx_resolvconf(b->ub, NULL)) != 0) {
		snprintf(err, errlen, "libunbound: /etc/resolv.conf: %s",
		    ub_strerror(r));
		goto fail;
	}
	if (o->trust_anchor != NULL && o->trust_anchor[0] != '\0') {
		if ((r = ub_ctx_add_ta_file(b->ub, o->trust_anchor)) != 0) {
			snprintf(err, errlen, "trust anchor %s: %s",
			    o->trust_anchor, ub_strerror(r));
			goto fail;
		}
		b->need_secure = 1;
	}
	if ((b->tick = event_new(base, -1, EV_PERSIST, tick, b)) == NULL ||
	    event_add(b->tick, &tv) == -1) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	event_active(b->tick, EV_TIMEOUT, 0);	/* the first lookups now */
	return b;
fail:
	dns_browser_free(b);
	return NULL;
}

void
dns_browser_free(struct dns_browser *b)
{
	struct dom	*d;

	struct inst	*in;

	if (b == NULL)
		return;
	for (in = b->insts; in != NULL; in = in->next)
		in->fed[0] = '\0';	/* the table outlives us: no REMOVE */
	while (b->insts != NULL)
		inst_free(b, &b->insts);
	while ((d = b->doms) != NULL) {
		b->doms = d->next;
		slot_cancel(&d->q[0]);
		slot_cancel(&d->q[1]);
		free(d);
	}
	if (b->tick != NULL)
		event_free(b->tick);
	if (b->ub != NULL)
		ub_ctx_delete(b->ub);
	free(b);
}
