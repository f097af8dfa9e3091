/*
 * test_dns.c - unicast DNS-SD: dns_ans.c on answers built by ldns (the
 * records of the asked name only, CNAMEs followed, limits, malformed
 * packets), and the browser's merge of a DNS sighting into the host of
 * the same key fingerprint seen by mDNS (dns_browse.c).
 */
#include <stdio.h>

#include <CUnit/CUnit.h>
#include <ldns/ldns.h>

#include "discovery/dns_browse.c"

static uint8_t	*wire;
static size_t	 wlen;

/* The answer packet to qname with the records rrs (presentation form). */
static void
answer(const char *qname, const char *const *rrs, size_t n)
{
	ldns_pkt	*p;
	ldns_rr		*rr;
	size_t		 i;

	free(wire);
	CU_ASSERT_FATAL(ldns_pkt_query_new_frm_str(&p, qname,
	    LDNS_RR_TYPE_ANY, LDNS_RR_CLASS_IN, 0) == LDNS_STATUS_OK);
	ldns_pkt_set_qr(p, true);
	for (i = 0; i < n; i++) {
		CU_ASSERT_FATAL(ldns_rr_new_frm_str(&rr, rrs[i], 0, NULL,
		    NULL) == LDNS_STATUS_OK);
		ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	}
	CU_ASSERT_FATAL(ldns_pkt2wire(&wire, p, &wlen) == LDNS_STATUS_OK);
	ldns_pkt_free(p);
}

#define Q	"_ccpool._tcp.lab.example."
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
test_ptr(void)
{
	static const char *const rrs[] = {
		Q " 30 IN PTR h1." Q, Q " 5 IN PTR My\\032Server." Q,
		Q " 9 IN PTR bad\\007." Q, "other.example. 5 IN PTR x." Q,
	};
	struct dns_ptr	 p[8];
	unsigned	 n;
	uint32_t	 ttl;
	char		 err[128];

	answer(Q, rrs, NELEM(rrs));
	CU_ASSERT_EQUAL(dns_ans_ptr(wire, wlen, Q, p, 8, &n, &ttl, err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(n, 3);	/* not the other owner's */
	CU_ASSERT_EQUAL(ttl, 5);
	CU_ASSERT_STRING_EQUAL(p[0].label, "h1");
	CU_ASSERT_STRING_EQUAL(p[0].target, "h1." Q);
	CU_ASSERT_STRING_EQUAL(p[1].label, "My Server");
	CU_ASSERT_STRING_EQUAL(p[2].label, "");	/* a control byte */
	CU_ASSERT_EQUAL(dns_ans_ptr(wire, wlen, Q, p, 1, &n, &ttl, err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(n, 1);	/* bounded by max */
	CU_ASSERT_EQUAL(dns_ans_ptr(wire, 20, Q, p, 8, &n, &ttl, err,
	    sizeof(err)), -1);	/* truncated */
	CU_ASSERT(strstr(err, "malformed") != NULL);
}

static void
test_srv_txt(void)
{
	static const char *const srv[] = {
		"h1." Q " 5 IN SRV 10 0 1 far.lab.example.",
		"h1." Q " 5 IN SRV 0 0 3633 h1.lab.example.",
	};
	static const char *const two[] = {
		"h1." Q " 5 IN TXT \"a=1\"", "h1." Q " 5 IN TXT \"b=1\"",
	};
	static const char *const one[] = { "h1." Q " 5 IN TXT \"a=1\" \"bc\"" };
	char		 t[DNS_NAME_STR], err[128];
	uint8_t		 buf[DISC_TXT_MAX];
	size_t		 rlen;
	uint16_t	 port = 0;
	unsigned	 n;
	uint32_t	 ttl;

	answer("h1." Q, srv, NELEM(srv));
	CU_ASSERT_EQUAL(dns_ans_srv(wire, wlen, "h1." Q, t, &port, &n, &ttl,
	    err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(port, 3633);	/* the lowest priority */
	CU_ASSERT_STRING_EQUAL(t, "h1.lab.example.");
	answer("h1." Q, two, NELEM(two));
	CU_ASSERT_EQUAL(dns_ans_txt(wire, wlen, "h1." Q, buf, sizeof(buf),
	    &rlen, &n, &ttl, err, sizeof(err)), -1);
	CU_ASSERT(strstr(err, "more than one") != NULL);
	answer("h1." Q, one, NELEM(one));
	CU_ASSERT_EQUAL(dns_ans_txt(wire, wlen, "h1." Q, buf, sizeof(buf),
	    &rlen, &n, &ttl, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(rlen, 7);
	CU_ASSERT(memcmp(buf, "\3a=1\2bc", 7) == 0);
	CU_ASSERT_EQUAL(dns_ans_txt(wire, wlen, "h1." Q, buf, 5, &rlen, &n,
	    &ttl, err, sizeof(err)), -1);	/* over the limit */
	CU_ASSERT(strstr(err, "over") != NULL);
}

static void
test_addr_cname(void)
{
	static const char *const rrs[] = {
		"h1.lab.example. 5 IN CNAME real.lab.example.",
		"real.lab.example. 7 IN A 198.18.0.11",
		"real.lab.example. 7 IN AAAA 2001:db8::1",
	};
	static const char *const loop[] = {
		"a.example. 5 IN CNAME b.example.",
		"b.example. 5 IN CNAME a.example.",
	};
	struct disc_addr a;
	char		 err[128];
	unsigned	 n;
	uint32_t	 ttl;

	answer("h1.lab.example.", rrs, NELEM(rrs));
	CU_ASSERT_EQUAL(dns_ans_addr(wire, wlen, "h1.lab.example.", AF_INET,
	    &a, &n, &ttl, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_STRING_EQUAL(a.text, "198.18.0.11");
	CU_ASSERT_EQUAL(dns_ans_addr(wire, wlen, "h1.lab.example.", AF_INET6,
	    &a, &n, &ttl, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(a.text, "2001:db8::1");
	answer("a.example.", loop, NELEM(loop));
	CU_ASSERT_EQUAL(dns_ans_addr(wire, wlen, "a.example.", AF_INET, &a,
	    &n, &ttl, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(n, 0);	/* a loop ends, with nothing */
}

static int	 nadd, nrem;

static void
on_host(enum disc_event ev, const struct disc_host *h, void *arg)
{
	(void)h;
	(void)arg;
	nadd += ev == DISC_HOST_ADD;
	nrem += ev == DISC_HOST_REMOVE;
}

/* A server seen by mDNS as "desk" and in DNS as "h1": one host. */
static void
test_merge_by_fingerprint(void)
{
	struct dns_browser	 b;
	struct inst		 in;
	struct disc_sighting	 s;
	const struct disc_host	*h;
	char			 err[128];
	int			 len;

	memset(&b, 0, sizeof(b));
	b.hosts = disc_hosts_new(on_host, NULL);
	CU_ASSERT_FATAL(b.hosts != NULL);
	memset(&s, 0, sizeof(s));
	snprintf(s.name, sizeof(s.name), "desk");
	s.ifindex = 2;
	s.proto = AF_INET;
	s.port = 3633;
	s.addr.family = AF_INET;
	snprintf(s.addr.text, sizeof(s.addr.text), "198.18.0.11");
	s.info.schema = s.info.proto = 1;
	s.info.cpus = 1;
	snprintf(s.info.cluster, sizeof(s.info.cluster), "default");
	snprintf(s.info.security, sizeof(s.info.security), "open");
	snprintf(s.info.fingerprint, sizeof(s.info.fingerprint),
	    "sha256:%064d", 7);
	CU_ASSERT_EQUAL(disc_hosts_seen(b.hosts, &s, 1), 0);

	memset(&in, 0, sizeof(in));
	in.kind = DISC_KIND_CCPOOL;
	snprintf(in.name, sizeof(in.name), "h1");
	snprintf(in.host, sizeof(in.host), "h1.lab.example.");
	in.port = 3633;
	in.have_srv = in.have_txt = in.have_addr[0] = 1;
	in.addr[0] = s.addr;
	len = disc_txt_encode(&s.info, in.txt, sizeof(in.txt), err,
	    sizeof(err));
	CU_ASSERT_FATAL(len > 0);
	in.txtlen = (size_t)len;
	inst_commit(&b, &in);
	CU_ASSERT_EQUAL(disc_hosts_count(b.hosts), 1);
	CU_ASSERT_STRING_EQUAL(in.fed, "desk");
	/* DNS loses it: mDNS still has it */
	inst_lose(&b, &in);
	CU_ASSERT_EQUAL(nrem, 0);
	h = disc_hosts_find(b.hosts, DISC_KIND_CCPOOL, "desk");
	CU_ASSERT(h != NULL);
	/* a bad TXT in DNS: dropped, not fed */
	in.txt[0] = 200;
	inst_commit(&b, &in);
	CU_ASSERT_STRING_EQUAL(in.fed, "");
	CU_ASSERT_EQUAL(nadd, 1);
	disc_hosts_free(b.hosts);
	free(wire);
	wire = NULL;
}

int
init_dns_tests(void)
{
	CU_pSuite s = CU_add_suite("dns", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "PTR answers", test_ptr) ||
	    !CU_add_test(s, "SRV and TXT answers", test_srv_txt) ||
	    !CU_add_test(s, "addresses and CNAMEs", test_addr_cname) ||
	    !CU_add_test(s, "merge by key fingerprint",
	    test_merge_by_fingerprint))
		return -1;
	return 0;
}
