/*
 * test_disc_hosts.c - host table: merging of sightings from several
 * interfaces and protocols, events, loss, staleness and expiry, bounds.
 */
#include <arpa/inet.h>
#include <stdio.h>

#include <CUnit/CUnit.h>

#include "discovery/disc_hosts.c"

static int	 nadd, nupd, nrem;
static struct disc_host last;

static void
on_event(enum disc_event ev, const struct disc_host *h, void *arg)
{
	(void)arg;
	last = *h;
	if (ev == DISC_HOST_ADD)
		nadd++;
	else if (ev == DISC_HOST_UPDATE)
		nupd++;
	else
		nrem++;
}

static struct disc_hosts *
fresh(void)
{
	nadd = nupd = nrem = 0;
	memset(&last, 0, sizeof(last));
	return disc_hosts_new(on_event, NULL);
}

static void
sighting(struct disc_sighting *s, const char *name, int ifindex, int proto,
    const char *addr, unsigned freeslots)
{
	memset(s, 0, sizeof(*s));
	s->kind = DISC_KIND_CCPOOL;
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->hostname, sizeof(s->hostname), "%s.local", name);
	s->ifindex = ifindex;
	s->proto = proto;
	s->port = 3633;
	s->addr.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	s->addr.ifindex = ifindex;
	snprintf(s->addr.text, sizeof(s->addr.text), "%s", addr);
	s->info.cpus = 4;
	s->info.slots = 4;
	s->info.free_slots = freeslots;
}

static void
test_merge_interfaces_and_protocols(void)
{
	struct disc_hosts *t = fresh();
	struct disc_sighting s;
	const struct disc_host *h;

	sighting(&s, "h1", 2, AF_INET6, "fe80::1%eth0", 4);
	CU_ASSERT_EQUAL(disc_hosts_seen(t, &s, 100), 0);
	sighting(&s, "h1", 2, AF_INET, "198.18.0.11", 4);
	CU_ASSERT_EQUAL(disc_hosts_seen(t, &s, 101), 0);
	sighting(&s, "h1", 3, AF_INET, "198.18.1.11", 4);
	CU_ASSERT_EQUAL(disc_hosts_seen(t, &s, 102), 0);
	/* the same address again from another interface adds nothing */
	sighting(&s, "h1", 4, AF_INET, "198.18.1.11", 4);
	CU_ASSERT_EQUAL(disc_hosts_seen(t, &s, 103), 0);
	CU_ASSERT_EQUAL(disc_hosts_count(t), 1);
	CU_ASSERT_EQUAL(nadd, 1);
	h = disc_hosts_find(t, DISC_KIND_CCPOOL, "h1");
	CU_ASSERT_FATAL(h != NULL);
	CU_ASSERT_EQUAL(h->naddr, 3);
	CU_ASSERT_EQUAL(h->addr[0].family, AF_INET);	/* IPv4 first */
	CU_ASSERT_EQUAL(h->addr[1].family, AF_INET);
	CU_ASSERT_STRING_EQUAL(h->addr[2].text, "fe80::1%eth0");
	CU_ASSERT_EQUAL(h->first_seen, 100);
	CU_ASSERT_EQUAL(h->last_seen, 103);
	disc_hosts_free(t);
}

static void
test_update_only_on_change(void)
{
	struct disc_hosts *t = fresh();
	struct disc_sighting s;

	sighting(&s, "h1", 2, AF_INET, "198.18.0.11", 4);
	disc_hosts_seen(t, &s, 1);
	disc_hosts_seen(t, &s, 2);	/* same data: no event */
	CU_ASSERT_EQUAL(nupd, 0);
	sighting(&s, "h1", 2, AF_INET, "198.18.0.11", 1);
	disc_hosts_seen(t, &s, 3);
	CU_ASSERT_EQUAL(nupd, 1);
	CU_ASSERT_EQUAL(last.info.free_slots, 1);
	/* kinds are separate namespaces */
	s.kind = DISC_KIND_DISTCC;
	disc_hosts_seen(t, &s, 4);
	CU_ASSERT_EQUAL(nadd, 2);
	CU_ASSERT_EQUAL(disc_hosts_count(t), 2);
	disc_hosts_free(t);
}

static void
test_lost(void)
{
	struct disc_hosts *t = fresh();
	struct disc_sighting s;

	sighting(&s, "h1", 2, AF_INET, "198.18.0.11", 4);
	disc_hosts_seen(t, &s, 1);
	sighting(&s, "h1", 2, AF_INET6, "fe80::1%eth0", 4);
	disc_hosts_seen(t, &s, 1);
	CU_ASSERT_EQUAL(nupd, 1);	/* gained an address */
	nupd = 0;
	disc_hosts_lost(t, DISC_KIND_CCPOOL, "h1", 2, AF_INET6);
	CU_ASSERT_EQUAL(nrem, 0);
	CU_ASSERT_EQUAL(nupd, 1);	/* lost an address */
	CU_ASSERT_EQUAL(last.naddr, 1);
	disc_hosts_lost(t, DISC_KIND_CCPOOL, "nothere", -1, -1);
	disc_hosts_lost(t, DISC_KIND_DISTCC, "h1", -1, -1);
	CU_ASSERT_EQUAL(nrem, 0);
	disc_hosts_lost(t, DISC_KIND_CCPOOL, "h1", 2, AF_INET);
	CU_ASSERT_EQUAL(nrem, 1);
	CU_ASSERT_STRING_EQUAL(last.name, "h1");
	CU_ASSERT_EQUAL(disc_hosts_count(t), 0);
	disc_hosts_free(t);
}

static void
test_lost_wildcard(void)
{
	struct disc_hosts *t = fresh();
	struct disc_sighting s;

	sighting(&s, "h1", 2, AF_INET, "198.18.0.11", 4);
	disc_hosts_seen(t, &s, 1);
	sighting(&s, "h1", 3, AF_INET6, "fe80::1%eth1", 4);
	disc_hosts_seen(t, &s, 1);
	sighting(&s, "h2", 3, AF_INET, "198.18.0.12", 4);
	disc_hosts_seen(t, &s, 1);
	disc_hosts_lost(t, DISC_KIND_CCPOOL, "h1", -1, -1);
	CU_ASSERT_EQUAL(nrem, 1);
	CU_ASSERT_PTR_NULL(disc_hosts_find(t, DISC_KIND_CCPOOL, "h1"));
	CU_ASSERT_PTR_NOT_NULL(disc_hosts_find(t, DISC_KIND_CCPOOL, "h2"));
	disc_hosts_free(t);
}

static void
test_stale_and_expire(void)
{
	struct disc_hosts *t = fresh();
	struct disc_sighting s;

	sighting(&s, "h1", 2, AF_INET, "198.18.0.11", 4);
	disc_hosts_seen(t, &s, 10);
	sighting(&s, "h2", 2, AF_INET, "198.18.0.12", 4);
	disc_hosts_seen(t, &s, 10);
	CU_ASSERT_EQUAL(disc_hosts_expire(t, 1000, 5), 0);	/* fresh */
	disc_hosts_mark_stale(t, 20);
	CU_ASSERT_EQUAL(disc_hosts_expire(t, 24, 5), 0);	/* grace */
	/* h2 comes back after the daemon restarts: no longer stale */
	disc_hosts_seen(t, &s, 22);
	CU_ASSERT_EQUAL(disc_hosts_expire(t, 30, 5), 1);
	CU_ASSERT_EQUAL(nrem, 1);
	CU_ASSERT_STRING_EQUAL(last.name, "h1");
	CU_ASSERT_PTR_NOT_NULL(disc_hosts_find(t, DISC_KIND_CCPOOL, "h2"));
	disc_hosts_free(t);
}

static void
test_bounded(void)
{
	struct disc_hosts *t = fresh();
	struct disc_sighting s;
	char	 name[32];
	int	 i, rc = 0;

	for (i = 0; i < DISC_HOSTS_MAX && rc == 0; i++) {
		snprintf(name, sizeof(name), "h%d", i);
		sighting(&s, name, 2, AF_INET, "198.18.0.1", 1);
		rc = disc_hosts_seen(t, &s, 1);
	}
	CU_ASSERT_EQUAL(rc, 0);
	sighting(&s, "onetoomany", 2, AF_INET, "198.18.0.1", 1);
	CU_ASSERT_EQUAL(disc_hosts_seen(t, &s, 1), -1);
	CU_ASSERT_EQUAL(disc_hosts_count(t), DISC_HOSTS_MAX);
	/* many interfaces for one instance stay bounded too */
	for (i = 0; i < 100; i++) {
		sighting(&s, "h1", 100 + i, AF_INET, "198.18.0.2", 1);
		CU_ASSERT_EQUAL(disc_hosts_seen(t, &s, 2), 0);
	}
	disc_hosts_free(t);
	disc_hosts_free(NULL);
}

int
init_disc_hosts_tests(void)
{
	CU_pSuite s = CU_add_suite("disc_hosts", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "merge interfaces and protocols",
	    test_merge_interfaces_and_protocols) ||
	    !CU_add_test(s, "update only on change",
	    test_update_only_on_change) ||
	    !CU_add_test(s, "lost sightings", test_lost) ||
	    !CU_add_test(s, "lost everywhere", test_lost_wildcard) ||
	    !CU_add_test(s, "stale and expire", test_stale_and_expire) ||
	    !CU_add_test(s, "bounded", test_bounded))
		return -1;
	return 0;
}
