/*
 * pubtest.c - a small advert publisher for the lab tests: publishes one
 * _ccpool._tcp instance through the discovery library and changes it on
 * command, so discovery can be tested before (and apart from) ccpoold.
 *
 * usage: pubtest [-n name] [-p port] [-c cluster] [-C cpus] [-s slots]
 *                [-f free] [-T toolchain] [-D distcc-port]
 *                [-S status-port] [-I sha256:<hex>]
 * stdin commands, one per line: "free N", "load N", "quit".
 * Prints "established NAME" once avahi-daemon has the advert up, and
 * "sent N" after each command with the number of TXT updates sent.
 * SIGTERM or end of input withdraws the advert and exits 0.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "discovery/disc_publish.h"

struct state {
	struct disc_publisher	*pub;
	struct disc_info	 info;
	struct event_base	*base;
	struct event		*tick;
	int			 told;
};

static void
on_warn(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "pubtest: %s\n", msg);
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct state	*st = arg;

	(void)fd;
	(void)what;
	if (!st->told && disc_publisher_established(st->pub)) {
		printf("established %s\n", disc_publisher_name(st->pub));
		fflush(stdout);
		st->told = 1;
	}
}

static void
on_stdin(evutil_socket_t fd, short what, void *arg)
{
	struct state	*st = arg;
	char		 line[128], err[128];
	unsigned	 v;
	ssize_t		 n;

	(void)what;
	n = read(fd, line, sizeof(line) - 1);
	if (n <= 0) {
		event_base_loopbreak(st->base);
		return;
	}
	line[n] = '\0';
	if (sscanf(line, "free %u", &v) == 1)
		st->info.free_slots = v;
	else if (sscanf(line, "load %u", &v) == 1)
		st->info.load = v;
	else if (strncmp(line, "quit", 4) == 0) {
		event_base_loopbreak(st->base);
		return;
	}
	if (disc_publisher_update(st->pub, &st->info, err, sizeof(err)) == -1)
		fprintf(stderr, "pubtest: %s\n", err);
	printf("sent %lu\n", disc_publisher_updates_sent(st->pub));
	fflush(stdout);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

int
main(int argc, char *argv[])
{
	struct state	 st;
	struct disc_distcc_info dinfo;
	struct timeval	 tv = { 0, 100000 };
	struct event	*ev_in, *ev_term;
	const char	*name = NULL;
	char		 err[256];
	long		 port = 3633, dport = 0;
	int		 ch;

	memset(&st, 0, sizeof(st));
	st.info.schema = DISC_TXT_SCHEMA;
	st.info.proto = 1;
	snprintf(st.info.cluster, sizeof(st.info.cluster), "default");
	snprintf(st.info.security, sizeof(st.info.security), "open");
	st.info.cpus = st.info.slots = st.info.free_slots = 2;
	while ((ch = getopt(argc, argv, "n:p:c:C:s:f:T:D:S:I:")) != -1) {
		switch (ch) {
		case 'n': name = optarg; break;
		case 'p': port = atol(optarg); break;
		case 'c':
			snprintf(st.info.cluster, sizeof(st.info.cluster),
			    "%s", optarg);
			break;
		case 'C': st.info.cpus = (unsigned)atoi(optarg); break;
		case 's': st.info.slots = (unsigned)atoi(optarg); break;
		case 'f': st.info.free_slots = (unsigned)atoi(optarg); break;
		case 'T':
			if (st.info.ntc < DISC_TC_MAX)
				snprintf(st.info.tc[st.info.ntc++], DISC_TC_LEN,
				    "%s", optarg);
			break;
		case 'D': dport = atol(optarg); break;
		case 'S':
			st.info.status_port = (unsigned)atoi(optarg);
			break;
		case 'I':
			snprintf(st.info.fingerprint,
			    sizeof(st.info.fingerprint), "%s", optarg);
			break;
		default:
			fprintf(stderr, "usage: see pubtest.c\n");
			return 2;
		}
	}
	if (port < 1 || port > 65535 || dport < 0 || dport > 65535) {
		fprintf(stderr, "pubtest: bad port\n");
		return 2;
	}
	st.base = event_base_new();
	st.pub = disc_publisher_new(st.base, name, (uint16_t)port, &st.info,
	    on_warn, NULL, err, sizeof(err));
	if (st.pub == NULL) {
		fprintf(stderr, "pubtest: %s\n", err);
		return 1;
	}
	if (dport != 0) {
		memset(&dinfo, 0, sizeof(dinfo));
		dinfo.cpus = st.info.cpus;
		dinfo.jobs = st.info.slots;
		snprintf(dinfo.version, sizeof(dinfo.version), "3.4");
		snprintf(dinfo.gnuhost, sizeof(dinfo.gnuhost), "x86_64-pc-linux-gnu");
		snprintf(dinfo.cc_version, sizeof(dinfo.cc_version), "12");
		snprintf(dinfo.cc_machine, sizeof(dinfo.cc_machine),
		    "x86_64-linux-gnu");
		if (disc_publisher_set_distcc(st.pub, (uint16_t)dport, &dinfo,
		    err, sizeof(err)) == -1) {
			fprintf(stderr, "pubtest: %s\n", err);
			return 1;
		}
	}
	st.tick = event_new(st.base, -1, EV_PERSIST, on_tick, &st);
	event_add(st.tick, &tv);
	ev_in = event_new(st.base, 0, EV_READ | EV_PERSIST, on_stdin, &st);
	event_add(ev_in, NULL);
	ev_term = evsignal_new(st.base, SIGTERM, on_signal, st.base);
	event_add(ev_term, NULL);
	event_base_dispatch(st.base);
	disc_publisher_free(st.pub);	/* goodbye */
	event_free(st.tick);
	event_free(ev_in);
	event_free(ev_term);
	event_base_free(st.base);
	return 0;
}
