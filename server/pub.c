/*
 * pub.c - ccpoold's mDNS publisher process.
 *
 * Advertises the server (discovery/disc_publish.h) once the runner's
 * toolchain list is complete, and keeps the advert's live figures fresh:
 * slots and free slots from the runner's load (relayed by the parent),
 * and once a second free memory.  The runner measures the load: "slots"
 * in the advert is what it offers now (fewer than configured while the
 * desktop's owner is busy, see server/load.h), "load" the foreign CPU
 * load (everything but our jobs) in percent of the machine.  If
 * the publisher cannot even be created (no D-Bus system bus), the server
 * keeps serving and the publisher is tried again every 10 s.  On
 * IPC_SHUTDOWN it frees the publisher, which withdraws the adverts at
 * once (goodbye packets), and exits.  Waits for avahi-daemon if there is
 * none, as disc_publisher does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/log.h"
#include "discovery/disc_publish.h"
#include "common/cpuquota.h"
#include "server/dcc_cc.h"
#include "server/pub_dns.h"
#include "server/server.h"

#define PUB_RETRY_SEC	10	/* when even D-Bus is missing */

static struct pub {
	struct event_base *base;
	struct srvconf	 conf;
	struct ipc_chan	*parent;
	struct disc_publisher *dp;
	struct disc_info info;
	int		 dcc;		/* advertise the distcc listener too */
	struct disc_distcc_info dcc_info;
	int		 tc_complete;
	int		 warned;	/* said once that we cannot advertise */
	uint64_t	 retry_at;	/* next disc_publisher_new attempt */
	struct event	*tick;
	struct pubdns	*dns;		/* dns_update: unicast DNS-SD */
} P;

/* MemAvailable in MiB, 0 if unknown. */
static unsigned
mem_free_mb(void)
{
	char		 line[256];
	unsigned long long kb = 0;
	FILE		*f;

	if ((f = fopen("/proc/meminfo", "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "MemAvailable:", 13) == 0) {
			kb = strtoull(line + 13, NULL, 10);
			break;
		}
	fclose(f);
	kb /= 1024;
	return kb > DISC_LIMIT_MEM_MB ? DISC_LIMIT_MEM_MB : (unsigned)kb;
}

static void
on_warn(const char *msg, void *arg)
{
	(void)arg;
	log_info("mdns: %s", msg);
}

/* The unicast DNS-SD records, at pub_dns.h's pace. */
static void
publish_dns(void)
{
	char	 err[256];

	if (P.dns != NULL && P.tc_complete &&
	    pubdns_tick(P.dns, &P.info, err, sizeof(err)) == -1)
		log_warnx("dns: %s (retrying in %d s)", err, PUBDNS_RETRY_SEC);
}

static void
publish(void)
{
	char	 err[256];

	publish_dns();

	if (P.dp != NULL) {
		if (disc_publisher_update(P.dp, &P.info, err, sizeof(err)) ==
		    -1)
			log_warnx("advert update: %s", err);
		return;
	}
	if (!P.tc_complete)
		return;
	if (mono_ms() < P.retry_at)
		return;
	P.dp = disc_publisher_new(P.base, P.conf.name[0] ? P.conf.name : NULL,
	    (uint16_t)P.conf.port, &P.info, on_warn, NULL, err, sizeof(err));
	if (P.dp == NULL) {
		/*
		 * Without a D-Bus system bus even AVAHI_CLIENT_NO_FAIL
		 * fails: keep serving, try again later.
		 */
		if (!P.warned)
			log_warnx("cannot advertise yet (%s); retrying every "
			    "%d s", err, PUB_RETRY_SEC);
		P.warned = 1;
		P.retry_at = mono_ms() + (uint64_t)PUB_RETRY_SEC * 1000;
		return;
	}
	log_info("advertising %s on port %u (%u toolchains)", DISC_SERVICE,
	    P.conf.port, P.info.ntc);
	if (P.dcc && disc_publisher_set_distcc(P.dp,
	    (uint16_t)P.conf.distcc_port, &P.dcc_info, err, sizeof(err)) == -1)
		log_warnx("distcc advert: %s", err);
	else if (P.dcc)
		log_info("advertising %s on port %u for cc %s %s",
		    DISC_DISTCC_SERVICE, P.conf.distcc_port,
		    P.dcc_info.cc_machine, P.dcc_info.cc_version);
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	P.info.mem_free_mb = mem_free_mb();
	publish();
}

static void
on_parent(struct ipc_chan *ch, const struct ipc_hdr *h, const uint8_t *p,
    void *arg)
{
	struct ipc_load	 l;
	struct ipc_tc	 t;
	struct srvconf	 nc;

	(void)ch;
	(void)arg;
	switch (h->type) {
	case IPC_CONF:
		memcpy(&nc, p, sizeof(nc));
		memcpy(P.info.cluster, nc.cluster, sizeof(P.info.cluster));
		P.info.cluster[sizeof(P.info.cluster) - 1] = '\0';
		publish();
		break;
	case IPC_SHUTDOWN:
		pubdns_free(P.dns);		/* records deleted */
		disc_publisher_free(P.dp);	/* goodbye */
		P.dp = NULL;
		log_debug("advert withdrawn");
		exit(0);
	case IPC_TC:
		memcpy(&t, p, sizeof(t));
		t.id[sizeof(t.id) - 1] = '\0';
		if (P.info.ntc < DISC_TC_MAX)
			snprintf(P.info.tc[P.info.ntc++], DISC_TC_LEN, "%s",
			    t.id);
		else
			log_info("toolchain %s not advertised (at most %d "
			    "fit an advert)", t.id, DISC_TC_MAX);
		break;
	case IPC_TC_END:
		P.tc_complete = 1;
		publish();
		break;
	case IPC_LOAD:
		memcpy(&l, p, sizeof(l));
		P.info.slots = l.offered;
		P.info.free_slots = l.running >= l.offered ? 0 :
		    l.offered - l.running;
		P.info.queue = l.queue_max;
		P.info.load = l.foreign > 100 ? 100 : l.foreign;
		P.info.speed = l.speed > DISC_LIMIT_SPEED ? DISC_LIMIT_SPEED :
		    l.speed;
		publish();
		break;
	default:
		fatalx("parent: unexpected %s", ipc_type_name(h->type));
	}
}

static void
on_parent_fail(struct ipc_chan *ch, const char *why, void *arg)
{
	(void)ch;
	(void)arg;
	disc_publisher_free(P.dp);
	pubdns_free(P.dns);
	fatalx("channel to parent: %s", why);
}

/* dns_update: read the key and resolv.conf now, before the sandbox. */
static void
dns_init(const struct srvconf *c)
{
	char	 host[256] = "", err[256];

	if (c->dns_update[0] == '\0')
		return;
	if (gethostname(host, sizeof(host) - 1) == -1 || host[0] == '\0')
		fatalx("dns_update: no host name");
	host[strcspn(host, ".")] = '\0';
	P.dns = pubdns_new(c->dns_update, c->name[0] ? c->name : host, host,
	    (uint16_t)c->port, c->dns_ttl, err, sizeof(err));
	if (P.dns == NULL)
		fatalx("dns_update: %s", err);
}

void
pub_main(const struct srvconf *c, struct srv_fds *fds)
{
	struct ipc_rules rules;
	struct timeval	 tv = { 1, 0 };
	struct proto_limits lim;
	unsigned	 ncpu = cpuquota_ncpu();	/* before Landlock */
	char		 err[256];

	log_procinit("pub");
	log_libevent();
	memset(&P, 0, sizeof(P));
	P.conf = *c;
	P.info.schema = DISC_TXT_SCHEMA;
	P.info.proto = PROTO_VERSION;
	snprintf(P.info.cluster, sizeof(P.info.cluster), "%s", c->cluster);
	P.info.cpus = ncpu > DISC_LIMIT_CPUS ? DISC_LIMIT_CPUS : ncpu;
	P.info.slots = P.info.free_slots = c->slots;
	snprintf(P.info.security, sizeof(P.info.security), "%s", c->trust);
	if (strcmp(c->trust, "krb5") == 0)
		snprintf(P.info.principal, sizeof(P.info.principal), "%s",
		    c->gss_principal);
	snprintf(P.info.fingerprint, sizeof(P.info.fingerprint), "%s",
	    c->fingerprint);
	P.info.status_port = c->status_port;
	P.info.mem_free_mb = mem_free_mb();
	if (c->distcc_compat && c->ndistcc_allow > 0) {
		/* cc runs now, before the sandbox */
		if (dcc_cc_info(&P.dcc_info, P.info.cpus, c->slots + c->queue,
		    err, sizeof(err)) == -1)
			log_warnx("no distcc advert: %s", err);
		else
			P.dcc = 1;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);

	if ((P.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	srvconf_limits(c, &lim);
	srv_ipc_rules(&rules, SRV_PUB_FROM_PARENT, &lim);
	if ((P.parent = ipc_chan_new(P.base, fds->parent, &rules, on_parent,
	    on_parent_fail, NULL, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	P.tick = event_new(P.base, -1, EV_PERSIST, on_tick, NULL);
	if (P.tick == NULL || evtimer_add(P.tick, &tv) == -1)
		fatalx("evtimer");
	dns_init(c);
	proc_enter_sandbox(P.dns != NULL ? "pub-dns" : "pub");
	event_base_dispatch(P.base);
	fatalx("event loop ended");
}
