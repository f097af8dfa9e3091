/*
 * pub_dns.c - ccpoold's DNS-SD records in the site's DNS, by RFC 2136
 * dynamic update signed with TSIG; see pub_dns.h.
 *
 * ldns builds the update (zone section, then deletions before additions
 * in the update section, which the primary applies in order and as one),
 * signs it (ldns_update_pkt_tsig_add), sends it over UDP with TCP
 * fallback and checks the answer's TSIG.  The primary is the dns_update
 * server, else the MNAME of the zone's SOA, found through the resolvers
 * of /etc/resolv.conf (read in pubdns_new, before the sandbox).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "common/log.h"
#include "common/mono.h"
#include "server/pub_dns.h"

struct pubdns {
	ldns_resolver	*look;		/* resolv.conf's: finds the primary */
	ldns_resolver	*up;		/* the primary, with the TSIG key */
	ldns_rdf	*zone, *svc, *inst, *host;
	char		 zname[256];
	char		 primary[INET6_ADDRSTRLEN];
	uint16_t	 port;
	uint32_t	 ttl;
	struct sockaddr_storage self;	/* our address toward the primary */
	int		 registered;
	struct disc_info last;
	uint64_t	 next_ms;	/* no update before */
	uint64_t	 sent_ms;	/* last accepted update */
};

/* label + "." + suffix as a name, label raw (any bytes but NUL). */
static ldns_rdf *
name_under(const char *label, const ldns_rdf *suffix)
{
	uint8_t		 w[66];
	size_t		 n = strlen(label);
	ldns_rdf	*r;

	if (n == 0 || n > 63)
		return NULL;
	w[0] = (uint8_t)n;
	memcpy(w + 1, label, n);
	w[n + 1] = 0;
	if ((r = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, n + 2, w)) ==
	    NULL)
		return NULL;
	if (ldns_dname_cat(r, suffix) != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(r);
		return NULL;
	}
	return r;
}

/*
 * The key file: one line "[alg:]name:secret".  Sets the TSIG of d->up.
 * The secret is wiped from our buffers (ldns keeps its copy).
 */
static int
key_load(struct pubdns *d, const char *path, char *err, size_t errlen)
{
	char	 line[512], *alg = "hmac-sha256", *name, *sec, *c;
	FILE	*f;
	int	 rc = -1;

	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "key file %s: %m", path);
		return -1;
	}
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	name = line;
	if ((c = strchr(line, ':')) != NULL && strchr(c + 1, ':') != NULL) {
		*c = '\0';
		alg = line;
		name = c + 1;
	}
	if ((sec = strchr(name, ':')) == NULL || sec == name ||
	    sec[1] == '\0') {
		snprintf(err, errlen, "key file %s: want one line "
		    "[algorithm:]name:secret", path);
		goto out;
	}
	*sec++ = '\0';
	ldns_resolver_set_tsig_keyname(d->up, name);
	ldns_resolver_set_tsig_algorithm(d->up, alg);
	ldns_resolver_set_tsig_keydata(d->up, sec);
	rc = 0;
out:
	explicit_bzero(line, sizeof(line));
	return rc;
}

/* Point d->up at addr (numeric).  Returns 0 or -1. */
static int
primary_set(struct pubdns *d, const char *addr)
{
	ldns_rdf	*a;
	int		 rc;

	a = ldns_rdf_new_frm_str(strchr(addr, ':') != NULL ?
	    LDNS_RDF_TYPE_AAAA : LDNS_RDF_TYPE_A, addr);
	if (a == NULL)
		return -1;
	rc = ldns_resolver_push_nameserver(d->up, a) == LDNS_STATUS_OK ?
	    0 : -1;
	ldns_rdf_deep_free(a);
	if (rc == 0)
		snprintf(d->primary, sizeof(d->primary), "%s", addr);
	return rc;
}

/* The zone's primary: its SOA MNAME's first address. */
static int
primary_find(struct pubdns *d, char *err, size_t errlen)
{
	ldns_rdf	*mname = NULL;
	ldns_rr_list	*addrs;
	char		*s;
	int		 rc = -1;

	if (d->look == NULL || ldns_update_soa_mname(d->zone, d->look,
	    LDNS_RR_CLASS_IN, &mname) != LDNS_STATUS_OK || mname == NULL) {
		snprintf(err, errlen, "no SOA for zone %s", d->zname);
		return -1;
	}
	addrs = ldns_get_rr_list_addr_by_name(d->look, mname,
	    LDNS_RR_CLASS_IN, 0);
	if (addrs != NULL && ldns_rr_list_rr_count(addrs) > 0 &&
	    (s = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(addrs, 0), 0))) !=
	    NULL) {
		rc = primary_set(d, s);
		free(s);
	}
	if (rc == -1)
		snprintf(err, errlen, "no address for the primary of %s",
		    d->zname);
	ldns_rr_list_deep_free(addrs);
	ldns_rdf_deep_free(mname);
	return rc;
}

/* Our source address toward the primary (a connected UDP socket). */
static int
self_find(struct pubdns *d, char *err, size_t errlen)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 len = sizeof(ss);
	int			 fd, v6 = strchr(d->primary, ':') != NULL;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = v6 ? AF_INET6 : AF_INET;
	if ((v6 ? inet_pton(AF_INET6, d->primary, &s6->sin6_addr) :
	    inet_pton(AF_INET, d->primary, &s4->sin_addr)) != 1)
		return -1;
	if (v6)
		s6->sin6_port = htons(53);
	else
		s4->sin_port = htons(53);
	if ((fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&ss, v6 ? sizeof(*s6) :
	    sizeof(*s4)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&d->self, &len) == -1) {
		snprintf(err, errlen, "no route to the primary %s: %m",
		    d->primary);
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

struct pubdns *
pubdns_new(const char *spec, const char *instance, const char *host,
    uint16_t port, unsigned ttl, char *err, size_t errlen)
{
	struct pubdns	*d;
	char		 zone[256], key[256], srv[64] = "";
	struct timeval	 tv = { PUBDNS_TIMEOUT_SEC, 0 };

	if (sscanf(spec, "%255s %255s %63s", zone, key, srv) < 2) {
		snprintf(err, errlen, "dns_update: zone key-file [server]");
		return NULL;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->up = ldns_resolver_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(d);
		return NULL;
	}
	snprintf(d->zname, sizeof(d->zname), "%s", zone);
	d->port = port;
	d->ttl = ttl;
	ldns_resolver_set_fallback(d->up, true);	/* TCP if truncated */
	ldns_resolver_set_timeout(d->up, tv);
	ldns_resolver_set_retry(d->up, 2);
	if (ldns_str2rdf_dname(&d->zone, zone) != LDNS_STATUS_OK ||
	    (d->svc = ldns_dname_new_frm_str(DISC_SERVICE)) == NULL ||
	    ldns_dname_cat(d->svc, d->zone) != LDNS_STATUS_OK ||
	    (d->inst = name_under(instance, d->svc)) == NULL ||
	    (d->host = name_under(host, d->zone)) == NULL) {
		snprintf(err, errlen, "dns_update: bad zone, instance or "
		    "host name");
		goto fail;
	}
	if (key_load(d, key, err, errlen) == -1)
		goto fail;
	if (srv[0] != '\0') {
		if (primary_set(d, srv) == -1) {
			snprintf(err, errlen, "dns_update: bad server %s", srv);
			goto fail;
		}
	} else if (ldns_resolver_new_frm_file(&d->look, NULL) !=
	    LDNS_STATUS_OK)
		d->look = NULL;	/* said at the first update */
	return d;
fail:
	pubdns_free(d);
	return NULL;
}

/* A record of owner, type, class and TTL with no data yet; NULL: OOM. */
static ldns_rr *
rr_mk(ldns_rr_list *l, const ldns_rdf *owner, ldns_rr_type t,
    ldns_rr_class c, uint32_t ttl)
{
	ldns_rr		*rr;
	ldns_rdf	*o;

	if ((rr = ldns_rr_new()) == NULL)
		return NULL;
	if ((o = ldns_rdf_clone(owner)) == NULL ||
	    !ldns_rr_list_push_rr(l, rr)) {
		ldns_rdf_deep_free(o);
		ldns_rr_free(rr);
		return NULL;
	}
	ldns_rr_set_owner(rr, o);
	ldns_rr_set_type(rr, t);
	ldns_rr_set_class(rr, c);
	ldns_rr_set_ttl(rr, ttl);
	return rr;
}

/* Append rdf to rr (NULL rdf: out of memory).  0 or -1. */
static int
rr_add(ldns_rr *rr, ldns_rdf *rdf)
{
	if (rr == NULL || rdf == NULL || !ldns_rr_push_rdf(rr, rdf)) {
		ldns_rdf_deep_free(rdf);
		return -1;
	}
	return 0;
}

/* Our address record of class c (IN to add, NONE to delete it). */
static int
addr_rr(struct pubdns *d, ldns_rr_list *l, ldns_rr_class c, uint32_t ttl)
{
	const struct sockaddr_in	*s4 = (void *)&d->self;
	const struct sockaddr_in6	*s6 = (void *)&d->self;

	if (d->self.ss_family == AF_INET6)
		return rr_add(rr_mk(l, d->host, LDNS_RR_TYPE_AAAA, c, ttl),
		    ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA, 16,
		    &s6->sin6_addr));
	return rr_add(rr_mk(l, d->host, LDNS_RR_TYPE_A, c, ttl),
	    ldns_rdf_new_frm_data(LDNS_RDF_TYPE_A, 4, &s4->sin_addr));
}

/*
 * The update section of a registration: delete what the instance and
 * host names held, then add PTR, SRV, TXT and the address.
 */
static int
reg_list(struct pubdns *d, ldns_rr_list *l, const uint8_t *txt, size_t tlen)
{
	ldns_rr		*rr;
	size_t		 i;

	if (rr_mk(l, d->inst, LDNS_RR_TYPE_ANY, LDNS_RR_CLASS_ANY, 0) ==
	    NULL || rr_mk(l, d->host, LDNS_RR_TYPE_A, LDNS_RR_CLASS_ANY, 0) ==
	    NULL || rr_mk(l, d->host, LDNS_RR_TYPE_AAAA, LDNS_RR_CLASS_ANY,
	    0) == NULL)
		return -1;
	if (rr_add(rr_mk(l, d->svc, LDNS_RR_TYPE_PTR, LDNS_RR_CLASS_IN,
	    d->ttl), ldns_rdf_clone(d->inst)) == -1)
		return -1;
	rr = rr_mk(l, d->inst, LDNS_RR_TYPE_SRV, LDNS_RR_CLASS_IN, d->ttl);
	if (rr_add(rr, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, 0)) == -1 ||
	    rr_add(rr, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, 0)) == -1 ||
	    rr_add(rr, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16,
	    d->port)) == -1 || rr_add(rr, ldns_rdf_clone(d->host)) == -1)
		return -1;
	rr = rr_mk(l, d->inst, LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_IN, d->ttl);
	for (i = 0; i < tlen; i += 1 + (size_t)txt[i])
		if (rr_add(rr, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_STR,
		    1 + (size_t)txt[i], txt + i)) == -1)
			return -1;
	return addr_rr(d, l, LDNS_RR_CLASS_IN, d->ttl);
}

/* The update section of a withdrawal: our PTR, the instance, address. */
static int
unreg_list(struct pubdns *d, ldns_rr_list *l)
{
	if (rr_add(rr_mk(l, d->svc, LDNS_RR_TYPE_PTR, LDNS_RR_CLASS_NONE, 0),
	    ldns_rdf_clone(d->inst)) == -1 ||
	    rr_mk(l, d->inst, LDNS_RR_TYPE_ANY, LDNS_RR_CLASS_ANY, 0) == NULL)
		return -1;
	return addr_rr(d, l, LDNS_RR_CLASS_NONE, 0);
}

/* Sign and send the update l; 0, or -1 with err saying who refused. */
static int
send_update(struct pubdns *d, const ldns_rr_list *l, char *err,
    size_t errlen)
{
	ldns_pkt		*p, *ans = NULL;
	ldns_rdf		*z;
	ldns_status		 st;
	ldns_lookup_table	*rc;
	int			 r = -1;

	if ((z = ldns_rdf_clone(d->zone)) == NULL ||
	    (p = ldns_update_pkt_new(z, LDNS_RR_CLASS_IN, NULL, l, NULL)) ==
	    NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((st = ldns_update_pkt_tsig_add(p, d->up)) != LDNS_STATUS_OK) {
		snprintf(err, errlen, "cannot sign: %s",
		    ldns_get_errorstr_by_id(st));
		goto out;
	}
	st = ldns_resolver_send_pkt(&ans, d->up, p);
	if (ans != NULL && ldns_pkt_get_rcode(ans) != LDNS_RCODE_NOERROR) {
		rc = ldns_lookup_by_id(ldns_rcodes, ldns_pkt_get_rcode(ans));
		snprintf(err, errlen, "update of zone %s refused by %s: %s%s",
		    d->zname, d->primary, rc != NULL ? rc->name : "error",
		    ldns_pkt_get_rcode(ans) == LDNS_RCODE_NOTAUTH ?
		    " (the server did not accept our TSIG key)" : "");
	} else if (st == LDNS_STATUS_CRYPTO_TSIG_BOGUS)
		snprintf(err, errlen, "update of zone %s refused by %s: it "
		    "did not accept our TSIG key (its answer is not signed "
		    "with it)", d->zname, d->primary);
	else if (st != LDNS_STATUS_OK)
		snprintf(err, errlen, "update of zone %s at %s: %s", d->zname,
		    d->primary, ldns_get_errorstr_by_id(st));
	else
		r = 0;
out:
	ldns_pkt_free(ans);
	ldns_pkt_free(p);
	return r;
}

int
pubdns_tick(struct pubdns *d, const struct disc_info *info, char *err,
    size_t errlen)
{
	uint8_t		 txt[DISC_TXT_MAX];
	ldns_rr_list	*l;
	uint64_t	 now = mono_ms();
	int		 tlen, r = -1;

	if (now < d->next_ms || (d->registered &&
	    !disc_info_meaningful_change(&d->last, info) &&
	    now - d->sent_ms < (uint64_t)PUBDNS_REASSERT_SEC * 1000))
		return 0;
	d->next_ms = now + (uint64_t)PUBDNS_RETRY_SEC * 1000;
	if ((tlen = disc_txt_encode(info, txt, sizeof(txt), err, errlen)) < 0)
		return -1;
	if (d->primary[0] == '\0' && primary_find(d, err, errlen) == -1)
		return -1;
	if (self_find(d, err, errlen) == -1)
		return -1;
	if ((l = ldns_rr_list_new()) == NULL ||
	    reg_list(d, l, txt, (size_t)tlen) == -1) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if ((r = send_update(d, l, err, errlen)) == 0) {
		if (!d->registered)
			log_info("dns: registered in zone %s at %s (TTL %u s)",
			    d->zname, d->primary, d->ttl);
		d->registered = 1;
		d->last = *info;
		d->sent_ms = now;
		d->next_ms = now + (uint64_t)PUBDNS_MIN_SEC * 1000;
		r = 1;
	}
out:
	ldns_rr_list_deep_free(l);
	return r;
}

void
pubdns_free(struct pubdns *d)
{
	ldns_rr_list	*l;
	char		 err[256];

	if (d == NULL)
		return;
	if (d->registered && (l = ldns_rr_list_new()) != NULL) {
		if (unreg_list(d, l) == -1)
			log_warnx("dns: withdrawal: out of memory");
		else if (send_update(d, l, err, sizeof(err)) == 0)
			log_info("dns: records withdrawn from zone %s",
			    d->zname);
		else
			log_warnx("dns: withdrawal: %s", err);
		ldns_rr_list_deep_free(l);
	}
	ldns_resolver_deep_free(d->look);
	ldns_resolver_deep_free(d->up);
	ldns_rdf_deep_free(d->zone);
	ldns_rdf_deep_free(d->svc);
	ldns_rdf_deep_free(d->inst);
	ldns_rdf_deep_free(d->host);
	free(d);
}
