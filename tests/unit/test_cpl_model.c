/*
 * test_cpl_model.c - the monitor's model (libccpool/cpl_model.c) driven
 * by hand, and the public accessors over it (cpl_access.c): joins,
 * changes and departures; which hosts are fetched (a ccpoold with a
 * status port and a key only, pinned in curl's form); the rate (one start
 * per interval, one request in flight per host, CPL_INFLIGHT_MAX in all);
 * a new key or address drops the page and refetches; results and errors.
 * The clock is passed in: no test waits.
 */
#include <stdio.h>

#include <CUnit/CUnit.h>

#include "libccpool/cpl_model.c"
#include "libccpool/cpl_access.c"

#define FP1 "sha256:0123456789abcdef0123456789abcdef" \
	"0123456789abcdef0123456789abcdef"
#define FP2 "sha256:ffffffffffffffffffffffffffffffff" \
	"ffffffffffffffffffffffffffffffff"

static const char page[] = "{\"name\":\"h1\",\"version\":\"0.1.0\","
	"\"protocol\":1,\"cluster\":\"lab\",\"uptime_s\":5,\"stopping\":false,"
	"\"slots\":4,\"offered\":4,\"foreign_load\":0,\"running\":3,"
	"\"queued\":1,\"queue_max\":4,\"connections\":2,\"toolchains\":[],"
	"\"counters\":{\"connections\":1,\"jobs_done\":7,\"jobs_failed\":1,"
	"\"bytes_in\":10,\"bytes_out\":20}}";

/* A fake request: the model only stores and compares the pointer. */
static struct cpl_req *fake = (struct cpl_req *)&fake;

static void
dhost(struct disc_host *d, enum disc_kind kind, const char *name,
    const char *addr, unsigned sport, const char *fp)
{
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->hostname, sizeof(d->hostname), "%s.local", name);
	d->port = 3633;
	d->naddr = 1;
	d->addr[0].family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	snprintf(d->addr[0].text, sizeof(d->addr[0].text), "%s", addr);
	if (kind == DISC_KIND_CCPOOL) {
		snprintf(d->info.cluster, sizeof(d->info.cluster), "lab");
		snprintf(d->info.security, sizeof(d->info.security), "open");
		snprintf(d->info.fingerprint, sizeof(d->info.fingerprint),
		    "%s", fp);
		d->info.status_port = sport;
		d->info.cpus = 4;
		d->info.slots = 4;
		d->info.free_slots = 2;
		d->info.load = 10;
		d->info.ntc = 1;
		snprintf(d->info.tc[0], sizeof(d->info.tc[0]), "gcc-12-x");
	} else {
		d->distcc.cpus = 2;
		d->distcc.jobs = 3;
	}
}

static int
apply(struct cpl_model *m, enum disc_event ev, const struct disc_host *d,
    uint64_t now, struct ccpool_host **h, int *refetch)
{
	return cpl_model_apply(m, ev, d, now, h, refetch);
}

static void
test_join_fetchable(void)
{
	struct cpl_model	 m;
	struct disc_host	 d;
	struct ccpool_host	*h;
	char			 pin[CPL_PIN_MAX];
	uint64_t		 next;
	int			 re;

	cpl_model_init(&m, 1, 2000);
	dhost(&d, DISC_KIND_CCPOOL, "h1", "10.0.0.1", 3634, FP1);
	CU_ASSERT_EQUAL(apply(&m, DISC_HOST_ADD, &d, 1000, &h, &re),
	    CCPOOL_HOST_JOINED);
	CU_ASSERT_EQUAL(re, 0);
	CU_ASSERT_EQUAL(m.n, 1);
	CU_ASSERT_TRUE(h->fetchable);
	CU_ASSERT_STRING_EQUAL(h->url, "https://10.0.0.1:3634/status");
	CU_ASSERT_EQUAL_FATAL(ident_fp_curlpin(FP1, pin, sizeof(pin)), 0);
	CU_ASSERT_STRING_EQUAL(h->pin, pin);
	CU_ASSERT_EQUAL(strncmp(h->pin, "sha256//", 8), 0);
	/* accessors */
	CU_ASSERT_STRING_EQUAL(ccpool_host_name(h), "h1");
	CU_ASSERT_STRING_EQUAL(ccpool_host_hostname(h), "h1.local");
	CU_ASSERT_EQUAL(ccpool_host_kind(h), CCPOOL_KIND_CCPOOL);
	CU_ASSERT_STRING_EQUAL(ccpool_kind_name(ccpool_host_kind(h)),
	    "ccpool");
	CU_ASSERT_EQUAL(ccpool_host_port(h), 3633);
	CU_ASSERT_EQUAL(ccpool_host_naddr(h), 1);
	CU_ASSERT_STRING_EQUAL(ccpool_host_addr(h, 0), "10.0.0.1");
	CU_ASSERT_PTR_NULL(ccpool_host_addr(h, 1));
	CU_ASSERT_STRING_EQUAL(ccpool_host_cluster(h), "lab");
	CU_ASSERT_STRING_EQUAL(ccpool_host_security(h), "open");
	CU_ASSERT_STRING_EQUAL(ccpool_host_fingerprint(h), FP1);
	CU_ASSERT_EQUAL(ccpool_host_cpus(h), 4);
	CU_ASSERT_EQUAL(ccpool_host_slots(h), 4);
	CU_ASSERT_EQUAL(ccpool_host_free_slots(h), 2);
	CU_ASSERT_EQUAL(ccpool_host_load(h), 10);
	CU_ASSERT_EQUAL(ccpool_host_ntoolchains(h), 1);
	CU_ASSERT_STRING_EQUAL(ccpool_host_toolchain(h, 0), "gcc-12-x");
	CU_ASSERT_PTR_NULL(ccpool_host_toolchain(h, 1));
	CU_ASSERT_EQUAL(ccpool_host_status_port(h), 3634);
	CU_ASSERT_PTR_NULL(ccpool_host_status(h));
	CU_ASSERT_PTR_NULL(ccpool_host_status_error(h));
	CU_ASSERT_EQUAL(ccpool_host_status_age_ms(h), -1);
	/* due at once */
	CU_ASSERT_PTR_EQUAL(cpl_model_due(&m, 1000, &next), h);
	cpl_model_clear(&m);
}

static void
test_not_fetchable(void)
{
	struct cpl_model	 m;
	struct disc_host	 d;
	struct ccpool_host	*h;
	uint64_t		 next;
	int			 re;

	cpl_model_init(&m, 1, 2000);
	dhost(&d, DISC_KIND_DISTCC, "d1", "10.0.0.2", 0, "");
	apply(&m, DISC_HOST_ADD, &d, 0, &h, &re);
	CU_ASSERT_FALSE(h->fetchable);
	CU_ASSERT_PTR_NOT_NULL(strstr(ccpool_host_status_error(h), "distcc"));
	CU_ASSERT_EQUAL(ccpool_host_slots(h), 3);
	CU_ASSERT_EQUAL(ccpool_host_cpus(h), 2);
	CU_ASSERT_STRING_EQUAL(ccpool_host_cluster(h), "");
	CU_ASSERT_STRING_EQUAL(ccpool_host_fingerprint(h), "");
	/* no key: never fetched unpinned */
	dhost(&d, DISC_KIND_CCPOOL, "nokey", "10.0.0.3", 3634, "");
	apply(&m, DISC_HOST_ADD, &d, 0, &h, &re);
	CU_ASSERT_FALSE(h->fetchable);
	CU_ASSERT_PTR_NOT_NULL(strstr(ccpool_host_status_error(h), "no key"));
	/* no status port */
	dhost(&d, DISC_KIND_CCPOOL, "noport", "10.0.0.4", 0, FP1);
	apply(&m, DISC_HOST_ADD, &d, 0, &h, &re);
	CU_ASSERT_FALSE(h->fetchable);
	CU_ASSERT_PTR_NOT_NULL(strstr(ccpool_host_status_error(h),
	    "no status port"));
	CU_ASSERT_PTR_NULL(cpl_model_due(&m, 0, &next));
	CU_ASSERT_EQUAL(next, CPL_NO_TIME);
	cpl_model_clear(&m);
	/* status off: nothing fetched, and it says so */
	cpl_model_init(&m, 0, 2000);
	dhost(&d, DISC_KIND_CCPOOL, "h1", "10.0.0.1", 3634, FP1);
	apply(&m, DISC_HOST_ADD, &d, 0, &h, &re);
	CU_ASSERT_FALSE(h->fetchable);
	CU_ASSERT_PTR_NULL(cpl_model_due(&m, 0, &next));
	cpl_model_clear(&m);
}

/* A site server: fetched only with the site CA, verified then. */
static void
test_site(void)
{
	struct cpl_model	 m;
	struct disc_host	 d;
	struct ccpool_host	*h;
	int			 re;

	cpl_model_init(&m, 1, 2000);
	cpl_model_site(&m, 0, "a site server: no site member");
	dhost(&d, DISC_KIND_CCPOOL, "s1", "10.0.0.1", 3634, FP1);
	snprintf(d.info.security, sizeof(d.info.security), "site");
	apply(&m, DISC_HOST_ADD, &d, 0, &h, &re);
	CU_ASSERT_FALSE(h->fetchable);
	CU_ASSERT_STRING_EQUAL(ccpool_host_status_error(h),
	    "a site server: no site member");
	/* an open server beside it is fetched as before */
	dhost(&d, DISC_KIND_CCPOOL, "o1", "10.0.0.2", 3634, FP1);
	apply(&m, DISC_HOST_ADD, &d, 0, &h, &re);
	CU_ASSERT_TRUE(h->fetchable);
	CU_ASSERT_FALSE(h->site);
	cpl_model_clear(&m);

	cpl_model_init(&m, 1, 2000);
	cpl_model_site(&m, 1, NULL);
	dhost(&d, DISC_KIND_CCPOOL, "s1", "10.0.0.1", 3634, FP1);
	apply(&m, DISC_HOST_ADD, &d, 0, &h, &re);
	CU_ASSERT_TRUE(h->fetchable);
	CU_ASSERT_FALSE(h->site);
	cpl_model_started(&m, h, fake, 0);
	/* the same key turns site: what was fetched open no longer holds */
	snprintf(d.info.security, sizeof(d.info.security), "site");
	apply(&m, DISC_HOST_UPDATE, &d, 10, &h, &re);
	CU_ASSERT_TRUE(h->fetchable);
	CU_ASSERT_TRUE(h->site);
	CU_ASSERT_EQUAL(re, 1);
	CU_ASSERT_EQUAL(strncmp(h->pin, "sha256//", 8), 0);	/* still */
	cpl_model_ended(&m, h);
	cpl_model_clear(&m);
}

static void
test_rate(void)
{
	struct cpl_model	 m;
	struct disc_host	 d;
	struct ccpool_host	*h, *x;
	uint64_t		 next;
	int			 re;

	cpl_model_init(&m, 1, 2000);
	dhost(&d, DISC_KIND_CCPOOL, "h1", "10.0.0.1", 3634, FP1);
	apply(&m, DISC_HOST_ADD, &d, 1000, &h, &re);
	CU_ASSERT_PTR_EQUAL(cpl_model_due(&m, 1000, &next), h);
	cpl_model_started(&m, h, fake, 1000);
	CU_ASSERT_EQUAL(m.inflight, 1);
	/* in flight: not again, even when due */
	CU_ASSERT_PTR_NULL(cpl_model_due(&m, 5000, &next));
	cpl_model_ended(&m, h);
	CU_ASSERT_EQUAL(m.inflight, 0);
	cpl_host_result(h, page, strlen(page), NULL, 1100);
	/* the next start one interval after the last */
	CU_ASSERT_PTR_NULL(cpl_model_due(&m, 2999, &next));
	CU_ASSERT_EQUAL(next, 3000);
	CU_ASSERT_PTR_EQUAL(cpl_model_due(&m, 3000, &next), h);
	/* a fetch slower than the interval: the next waits for it */
	cpl_model_started(&m, h, fake, 3000);
	CU_ASSERT_PTR_NULL(cpl_model_due(&m, 9000, &next));
	cpl_model_ended(&m, h);
	CU_ASSERT_PTR_EQUAL(cpl_model_due(&m, 9000, &next), h);
	/* an advert update that changes nothing fetched: page kept */
	d.info.free_slots = 0;
	CU_ASSERT_EQUAL(apply(&m, DISC_HOST_UPDATE, &d, 9000, &x, &re),
	    CCPOOL_HOST_CHANGED);
	CU_ASSERT_PTR_EQUAL(x, h);
	CU_ASSERT_EQUAL(re, 0);
	CU_ASSERT_PTR_NOT_NULL(ccpool_host_status(h));
	CU_ASSERT_EQUAL(ccpool_host_free_slots(h), 0);
	cpl_model_clear(&m);
}

static void
test_results(void)
{
	struct cpl_model	 m;
	struct disc_host	 d;
	struct ccpool_host	*h;
	const struct ccpool_status *st;
	int			 re;

	cpl_model_init(&m, 1, 2000);
	dhost(&d, DISC_KIND_CCPOOL, "h1", "10.0.0.1", 3634, FP1);
	apply(&m, DISC_HOST_ADD, &d, 0, &h, &re);
	cpl_host_result(h, page, strlen(page), NULL, 10);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st = ccpool_host_status(h));
	CU_ASSERT_PTR_NULL(ccpool_host_status_error(h));
	CU_ASSERT_STRING_EQUAL(ccpool_status_name(st), "h1");
	CU_ASSERT_EQUAL(ccpool_status_running(st), 3);
	CU_ASSERT_EQUAL(ccpool_status_queued(st), 1);
	CU_ASSERT_EQUAL(ccpool_status_offered(st), 4);
	CU_ASSERT_EQUAL(ccpool_status_jobs_done(st), 7);
	CU_ASSERT_EQUAL(ccpool_status_bytes_out(st), 20);
	CU_ASSERT_EQUAL(ccpool_status_ntoolchains(st), 0);
	CU_ASSERT_PTR_NULL(ccpool_status_toolchain_id(st, 0));
	CU_ASSERT_TRUE(ccpool_host_status_age_ms(h) >= 0);
	/* a failure drops the page: no stale figures shown as fresh */
	cpl_host_result(h, NULL, 0, "SSL: public key does not match pinned "
	    "public key", 20);
	CU_ASSERT_PTR_NULL(ccpool_host_status(h));
	CU_ASSERT_PTR_NOT_NULL(strstr(ccpool_host_status_error(h), "pinned"));
	/* a bad page is an error with the parser's reason */
	cpl_host_result(h, "{\"name\":5}", 10, NULL, 30);
	CU_ASSERT_PTR_NULL(ccpool_host_status(h));
	CU_ASSERT_PTR_NOT_NULL(strstr(ccpool_host_status_error(h),
	    "bad status page: \"name\" is not a string"));
	cpl_host_result(h, page, strlen(page), NULL, 40);
	CU_ASSERT_PTR_NOT_NULL(ccpool_host_status(h));
	CU_ASSERT_PTR_NULL(ccpool_host_status_error(h));
	cpl_model_clear(&m);
}

static void
test_new_key_refetches(void)
{
	struct cpl_model	 m;
	struct disc_host	 d;
	struct ccpool_host	*h;
	uint64_t		 next;
	int			 re;
	char			 oldpin[CPL_PIN_MAX];

	cpl_model_init(&m, 1, 2000);
	dhost(&d, DISC_KIND_CCPOOL, "h1", "10.0.0.1", 3634, FP1);
	apply(&m, DISC_HOST_ADD, &d, 0, &h, &re);
	cpl_model_started(&m, h, fake, 0);
	cpl_model_ended(&m, h);
	cpl_host_result(h, page, strlen(page), NULL, 10);
	memcpy(oldpin, h->pin, sizeof(oldpin));
	cpl_model_started(&m, h, fake, 2000);	/* in flight */
	snprintf(d.info.fingerprint, sizeof(d.info.fingerprint), FP2);
	CU_ASSERT_EQUAL(apply(&m, DISC_HOST_UPDATE, &d, 2100, &h, &re),
	    CCPOOL_HOST_CHANGED);
	CU_ASSERT_EQUAL(re, 1);		/* the caller cancels */
	CU_ASSERT_PTR_NULL(ccpool_host_status(h));
	CU_ASSERT_STRING_NOT_EQUAL(h->pin, oldpin);
	cpl_model_ended(&m, h);
	CU_ASSERT_PTR_EQUAL(cpl_model_due(&m, 2100, &next), h);
	/* a new address too, with nothing in flight: refetch = 0 */
	snprintf(d.addr[0].text, sizeof(d.addr[0].text), "fe80::1%%eth0");
	apply(&m, DISC_HOST_UPDATE, &d, 2200, &h, &re);
	CU_ASSERT_EQUAL(re, 0);
	CU_ASSERT_STRING_EQUAL(h->url, "https://[fe80::1%25eth0]:3634/status");
	/* the key gone from the advert: not fetched, and says why */
	d.info.fingerprint[0] = '\0';
	apply(&m, DISC_HOST_UPDATE, &d, 2300, &h, &re);
	CU_ASSERT_FALSE(h->fetchable);
	CU_ASSERT_PTR_NOT_NULL(strstr(ccpool_host_status_error(h), "no key"));
	CU_ASSERT_EQUAL(ccpool_host_status_age_ms(h) >= 0, 1);
	cpl_model_clear(&m);
}

static void
test_leave_and_cap(void)
{
	struct cpl_model	 m;
	struct disc_host	 d;
	struct ccpool_host	*h, *first = NULL;
	uint64_t		 next;
	char			 name[16];
	int			 re, i, started = 0;

	cpl_model_init(&m, 1, 2000);
	for (i = 0; i < CPL_INFLIGHT_MAX + 8; i++) {
		snprintf(name, sizeof(name), "h%d", i);
		dhost(&d, DISC_KIND_CCPOOL, name, "10.0.0.1", 3634, FP1);
		CU_ASSERT_EQUAL(apply(&m, DISC_HOST_ADD, &d, 0, &h, &re),
		    CCPOOL_HOST_JOINED);
		if (first == NULL)
			first = h;
	}
	CU_ASSERT_EQUAL(m.n, CPL_INFLIGHT_MAX + 8);
	while ((h = cpl_model_due(&m, 0, &next)) != NULL) {
		cpl_model_started(&m, h, fake, 0);
		started++;
	}
	CU_ASSERT_EQUAL(started, CPL_INFLIGHT_MAX);
	/* one leaves while in flight: out of the model, the caller cancels */
	dhost(&d, DISC_KIND_CCPOOL, "h0", "10.0.0.1", 3634, FP1);
	CU_ASSERT_EQUAL(apply(&m, DISC_HOST_REMOVE, &d, 0, &h, &re),
	    CCPOOL_HOST_LEFT);
	CU_ASSERT_PTR_EQUAL(h, first);
	CU_ASSERT_PTR_NOT_NULL(h->req);
	cpl_model_ended(&m, h);
	cpl_host_free(h);
	CU_ASSERT_EQUAL(m.n, CPL_INFLIGHT_MAX + 7);
	/* a slot in flight freed: one more may start */
	CU_ASSERT_PTR_NOT_NULL(cpl_model_due(&m, 0, &next));
	/* a removal of a host never seen */
	dhost(&d, DISC_KIND_CCPOOL, "ghost", "10.0.0.1", 3634, FP1);
	CU_ASSERT_EQUAL(apply(&m, DISC_HOST_REMOVE, &d, 0, &h, &re), -1);
	cpl_model_clear(&m);
}

static void
test_url(void)
{
	char	 u[CPL_URL_MAX];

	CU_ASSERT_EQUAL(cpl_url("192.168.1.2", 1, u, sizeof(u)), 0);
	CU_ASSERT_STRING_EQUAL(u, "https://192.168.1.2:1/status");
	CU_ASSERT_EQUAL(cpl_url("2001:db8::1", 65535, u, sizeof(u)), 0);
	CU_ASSERT_STRING_EQUAL(u, "https://[2001:db8::1]:65535/status");
	CU_ASSERT_EQUAL(cpl_url("fe80::1%eth0", 3634, u, 10), -1);
}

int
init_cpl_model_tests(void)
{
	CU_pSuite s = CU_add_suite("cpl_model", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "a ccpoold joins, pinned", test_join_fetchable) ||
	    !CU_add_test(s, "what is not fetched says why",
	    test_not_fetchable) ||
	    !CU_add_test(s, "site servers: with the site CA only", test_site) ||
	    !CU_add_test(s, "one start per interval, one in flight",
	    test_rate) ||
	    !CU_add_test(s, "pages, errors, bad pages", test_results) ||
	    !CU_add_test(s, "a new key or address refetches",
	    test_new_key_refetches) ||
	    !CU_add_test(s, "departures and the in-flight cap",
	    test_leave_and_cap) ||
	    !CU_add_test(s, "URLs", test_url))
		return -1;
	return 0;
}
