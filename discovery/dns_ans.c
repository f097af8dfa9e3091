/*
 * dns_ans.c - the records of a DNS answer that DNS-SD browsing uses; see
 * dns_ans.h.  ldns parses the packet; here we select records by type and
 * owner (the asked name, or the end of a CNAME chain in the answer) and
 * turn them into bounded C data.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#include "discovery/dns_ans.h"

#define CNAME_HOPS	8

struct ans {
	ldns_pkt	*pkt;
	ldns_rdf	*owner;	/* the name whose records we want */
	ldns_rr_list	*an;
};

static void
ans_free(struct ans *a)
{
	ldns_pkt_free(a->pkt);
	ldns_rdf_deep_free(a->owner);
}

/* The CNAME target of name in the answer section, or NULL. */
static const ldns_rdf *
cname_of(ldns_rr_list *an, const ldns_rdf *name)
{
	size_t	 i;
	ldns_rr	*rr;

	for (i = 0; i < ldns_rr_list_rr_count(an); i++) {
		rr = ldns_rr_list_rr(an, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
		    ldns_rr_rd_count(rr) == 1 &&
		    ldns_dname_compare(ldns_rr_owner(rr), name) == 0)
			return ldns_rr_rdf(rr, 0);
	}
	return NULL;
}

/*
 * Parse pkt and settle the owner to look for.  Returns 0, or -1 with err
 * set.  On success *a must be freed with ans_free.
 */
static int
ans_open(struct ans *a, const uint8_t *pkt, size_t len, const char *qname,
    char *err, size_t errlen)
{
	const ldns_rdf	*next;
	ldns_status	 st;
	int		 hop;

	memset(a, 0, sizeof(*a));
	if ((st = ldns_wire2pkt(&a->pkt, pkt, len)) != LDNS_STATUS_OK) {
		snprintf(err, errlen, "malformed answer: %s",
		    ldns_get_errorstr_by_id(st));
		return -1;
	}
	if (ldns_str2rdf_dname(&a->owner, qname) != LDNS_STATUS_OK) {
		snprintf(err, errlen, "bad name asked");
		ans_free(a);
		return -1;
	}
	a->an = ldns_pkt_answer(a->pkt);
	for (hop = 0; hop < CNAME_HOPS; hop++) {
		if ((next = cname_of(a->an, a->owner)) == NULL ||
		    ldns_rdf_get_type(next) != LDNS_RDF_TYPE_DNAME)
			break;
		ldns_rdf_deep_free(a->owner);
		if ((a->owner = ldns_rdf_clone(next)) == NULL) {
			snprintf(err, errlen, "out of memory");
			ldns_pkt_free(a->pkt);
			return -1;
		}
	}
	return 0;
}

/* The i-th record of type t owned by a->owner, or NULL past the last. */
static ldns_rr *
ans_next(struct ans *a, ldns_rr_type t, size_t *i)
{
	ldns_rr	*rr;

	for (; *i < ldns_rr_list_rr_count(a->an); (*i)++) {
		rr = ldns_rr_list_rr(a->an, *i);
		if (ldns_rr_get_type(rr) == t &&
		    ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN &&
		    ldns_dname_compare(ldns_rr_owner(rr), a->owner) == 0) {
			(*i)++;
			return rr;
		}
	}
	return NULL;
}

static void
min_ttl(uint32_t *ttl, unsigned n, const ldns_rr *rr)
{
	if (n == 0 || ldns_rr_ttl(rr) < *ttl)
		*ttl = ldns_rr_ttl(rr);
}

/* rdf, a domain name, in presentation form into out. Returns 0 or -1. */
static int
name_str(const ldns_rdf *rdf, char out[DNS_NAME_STR])
{
	char	*s;
	size_t	 n;

	if (rdf == NULL || ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME ||
	    (s = ldns_rdf2str(rdf)) == NULL)
		return -1;
	n = strlen(s);
	if (n >= DNS_NAME_STR) {
		free(s);
		return -1;
	}
	memcpy(out, s, n + 1);
	free(s);
	return 0;
}

/*
 * The first label of name, raw, as an instance name: printable UTF-8 of
 * at most DISC_NAME_MAX - 1 bytes, else "".
 */
static void
first_label(const ldns_rdf *name, char out[DISC_NAME_MAX])
{
	const uint8_t	*d = ldns_rdf_data(name);
	size_t		 n = ldns_rdf_size(name);

	out[0] = '\0';
	if (n < 2 || d[0] == 0 || (size_t)d[0] + 1 > n ||
	    d[0] >= DISC_NAME_MAX || memchr(d + 1, '\0', d[0]) != NULL ||
	    !disc_utf8_valid((const char *)d + 1, d[0]))
		return;
	memcpy(out, d + 1, d[0]);
	out[d[0]] = '\0';
}

int
dns_ans_ptr(const uint8_t *pkt, size_t len, const char *qname,
    struct dns_ptr *out, unsigned max, unsigned *n, uint32_t *ttl,
    char *err, size_t errlen)
{
	struct ans	 a;
	ldns_rr		*rr;
	size_t		 i = 0;

	*n = 0;
	*ttl = 0;
	if (ans_open(&a, pkt, len, qname, err, errlen) == -1)
		return -1;
	while (*n < max && (rr = ans_next(&a, LDNS_RR_TYPE_PTR, &i)) != NULL) {
		if (ldns_rr_rd_count(rr) != 1 ||
		    name_str(ldns_rr_rdf(rr, 0), out[*n].target) == -1) {
			snprintf(err, errlen, "bad PTR record");
			ans_free(&a);
			return -1;
		}
		first_label(ldns_rr_rdf(rr, 0), out[*n].label);
		min_ttl(ttl, *n, rr);
		(*n)++;
	}
	ans_free(&a);
	return 0;
}

int
dns_ans_srv(const uint8_t *pkt, size_t len, const char *qname,
    char target[DNS_NAME_STR], uint16_t *port, unsigned *n, uint32_t *ttl,
    char *err, size_t errlen)
{
	struct ans	 a;
	ldns_rr		*rr;
	size_t		 i = 0;
	unsigned	 prio, best = 0x10000;

	*n = 0;
	*ttl = 0;
	if (ans_open(&a, pkt, len, qname, err, errlen) == -1)
		return -1;
	while ((rr = ans_next(&a, LDNS_RR_TYPE_SRV, &i)) != NULL) {
		if (ldns_rr_rd_count(rr) != 4 ||
		    ldns_rdf_size(ldns_rr_rdf(rr, 0)) != 2 ||
		    ldns_rdf_size(ldns_rr_rdf(rr, 2)) != 2) {
			snprintf(err, errlen, "bad SRV record");
			ans_free(&a);
			return -1;
		}
		prio = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		if (prio >= best)
			continue;
		if (name_str(ldns_rr_rdf(rr, 3), target) == -1) {
			snprintf(err, errlen, "bad SRV target");
			ans_free(&a);
			return -1;
		}
		best = prio;
		*port = ldns_rdf2native_int16(ldns_rr_rdf(rr, 2));
		min_ttl(ttl, *n, rr);
		*n = 1;
	}
	ans_free(&a);
	return 0;
}

int
dns_ans_txt(const uint8_t *pkt, size_t len, const char *qname, uint8_t *buf,
    size_t cap, size_t *rlen, unsigned *n, uint32_t *ttl, char *err,
    size_t errlen)
{
	struct ans	 a;
	ldns_rr		*rr;
	const ldns_rdf	*s;
	size_t		 i = 0, k, sz;

	*n = 0;
	*ttl = 0;
	*rlen = 0;
	if (ans_open(&a, pkt, len, qname, err, errlen) == -1)
		return -1;
	while ((rr = ans_next(&a, LDNS_RR_TYPE_TXT, &i)) != NULL) {
		if (*n > 0) {
			snprintf(err, errlen, "more than one TXT record");
			goto fail;
		}
		for (k = 0; k < ldns_rr_rd_count(rr); k++) {
			s = ldns_rr_rdf(rr, k);
			sz = ldns_rdf_size(s);
			if (ldns_rdf_get_type(s) != LDNS_RDF_TYPE_STR ||
			    sz < 1 || ldns_rdf_data(s)[0] != sz - 1) {
				snprintf(err, errlen, "bad TXT string");
				goto fail;
			}
			if (*rlen + sz > cap) {
				snprintf(err, errlen, "TXT record over %zu "
				    "bytes", cap);
				goto fail;
			}
			memcpy(buf + *rlen, ldns_rdf_data(s), sz);
			*rlen += sz;
		}
		*ttl = ldns_rr_ttl(rr);
		*n = 1;
	}
	ans_free(&a);
	return 0;
fail:
	ans_free(&a);
	return -1;
}

int
dns_ans_addr(const uint8_t *pkt, size_t len, const char *qname, int family,
    struct disc_addr *out, unsigned *n, uint32_t *ttl, char *err,
    size_t errlen)
{
	struct ans	 a;
	ldns_rr		*rr;
	const ldns_rdf	*r;
	size_t		 i = 0, want = family == AF_INET6 ? 16 : 4;

	*n = 0;
	*ttl = 0;
	if (ans_open(&a, pkt, len, qname, err, errlen) == -1)
		return -1;
	rr = ans_next(&a, family == AF_INET6 ? LDNS_RR_TYPE_AAAA :
	    LDNS_RR_TYPE_A, &i);
	if (rr != NULL) {
		r = ldns_rr_rd_count(rr) == 1 ? ldns_rr_rdf(rr, 0) : NULL;
		if (r == NULL || ldns_rdf_size(r) != want) {
			snprintf(err, errlen, "bad address record");
			ans_free(&a);
			return -1;
		}
		memset(out, 0, sizeof(*out));
		out->family = family;
		inet_ntop(family, ldns_rdf_data(r), out->text,
		    sizeof(out->text));
		*ttl = ldns_rr_ttl(rr);
		*n = 1;
	}
	ans_free(&a);
	return 0;
}
