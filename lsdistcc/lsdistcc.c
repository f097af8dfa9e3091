/*
 * lsdistcc.c - lists the live compile hosts of the LAN: ccpoold servers
 * (_ccpool._tcp) and stock distccd (_distcc._tcp), found by mDNS with
 * nothing configured, or by DNS names for sites without mDNS.
 *
 * main() parses options (parse_opts), runs a disc_browser on a libevent
 * loop for the settle time, or forever with --watch (browse_rows), then
 * probes (ls_probe.c) and prints (ls_print.c).  With --status the
 * hosts and each ccpool server's status page come through the public
 * library instead (ls_status.c).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "discovery/disc_browse.h"
#include "lsdistcc/ls.h"

#define DISTCC_PORT	3632

static void
usage(FILE *f)
{
	fprintf(f,
"usage: lsdistcc [-t seconds] [-p] [-c cluster] [--status]\n"
"                [--json | --hosts | --watch]\n"
"       lsdistcc [-t seconds] [-P port] [--json | --hosts] name|pattern ...\n"
"\n"
"With no names, lists ccpool and distcc hosts found by mDNS (avahi-daemon).\n"
"With names or printf patterns such as distcc%%d, looks them up in DNS\n"
"and probes each by TCP.\n"
"\n"
"  -t seconds   how long to listen (default 2; with --watch: run time)\n"
"  -p           probe each host by TCP connect and show the latency\n"
"  -c cluster   only ccpool hosts of this cluster\n"
"  -P port      port for DNS mode (default %d)\n"
"  --json       print a JSON array\n"
"  --hosts      print a DISTCC_HOSTS line for stock distcc\n"
"  --watch      keep printing hosts as they come, change and go\n"
"  --status     each ccpool server's status page beside its advert\n"
"  -h, --help   this text\n"
"  --version    print the version\n"
"Exit status: 0 hosts found, 1 none, 2 usage error or no avahi-daemon.\n",
	    DISTCC_PORT);
}

/* A usage error: why, then where to read more; the caller exits 2. */
static int
usage_err(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "lsdistcc: %s\n", why);
	fprintf(stderr, "Try 'lsdistcc --help' for more information.\n");
	return 2;
}

static void
on_warn(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "lsdistcc: %s\n", msg);
}

static void
on_watch_event(enum disc_event ev, const struct disc_host *h, void *arg)
{
	struct ls_row	 row;
	struct timespec	 now;
	struct tm	 tm;
	char		 ts[32];
	size_t		 n;

	(void)arg;
	ls_row_from_host(&row, h);
	ls_trust(&row, 1);
	clock_gettime(CLOCK_REALTIME, &now);
	localtime_r(&now.tv_sec, &tm);
	n = strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	snprintf(ts + n, sizeof(ts) - n, ".%03ld", now.tv_nsec / 1000000);
	if (ev == DISC_HOST_REMOVE)
		printf("%s - %s %s\n", ts, row.kind, row.name);
	else
		printf("%s %c %s %s %s:%u cpus=%u slots=%u free=%u load=%u%% "
		    "sec=%s trust=%s\n", ts, ev == DISC_HOST_ADD ? '+' : '~',
		    row.kind, row.name, row.addr, row.port, row.cpus,
		    row.slots, row.free_slots, row.load, row.security,
		    row.trust);
	fflush(stdout);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

/* What the command line asks for. */
struct opts {
	double		 settle;	/* -t: seconds to browse */
	long		 port;		/* -P: distcc port for DNS names */
	int		 json, hosts, watch, probe, status;
	int		 timed;		/* -t given */
	const char	*cluster;	/* -c */
};

/*
 * Parse the options of argv into *o.  Returns -1 to go on (optind at the
 * first name), or the exit status: 0 after --help or --version, 2 after
 * a usage error, which it reports.
 */
static int
parse_opts(int argc, char *argv[], struct opts *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "hosts", no_argument, NULL, 'H' },
		{ "watch", no_argument, NULL, 'W' },
		{ "status", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char	*end;
	int	 ch;

	memset(o, 0, sizeof(*o));
	o->settle = 2.0;
	o->port = DISTCC_PORT;
	while ((ch = getopt_long(argc, argv, "t:pc:P:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 't':
			o->settle = strtod(optarg, &end);
			if (*end != '\0' ||
			    !(o->settle > 0 && o->settle <= 86400))
				return usage_err("-t: seconds, more than 0 "
				    "and at most 86400");
			o->timed = 1;
			break;
		case 'p':
			o->probe = 1;
			break;
		case 'c':
			o->cluster = optarg;
			break;
		case 'P':
			o->port = strtol(optarg, &end, 10);
			if (*end != '\0' || o->port < 1 || o->port > 65535)
				return usage_err("-P: a port number, 1 to "
				    "65535");
			break;
		case 'J':
			o->json = 1;
			break;
		case 'H':
			o->hosts = 1;
			break;
		case 'W':
			o->watch = 1;
			break;
		case 'S':
			o->status = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("lsdistcc %s\n", VERSION);
			return 0;
		default:
			return usage_err(NULL);	/* getopt said why */
		}
	}
	if (o->json + o->hosts + o->watch > 1 || (o->watch && optind < argc))
		return usage_err("--json, --hosts and --watch exclude each "
		    "other (and --watch takes no names)");
	if (o->status && (o->hosts || o->watch || optind < argc))
		return usage_err("--status lists mDNS hosts: not with "
		    "--hosts, --watch or names");
	return -1;
}

/*
 * Browse mDNS on base for o->settle seconds (with --watch: printing what
 * changes, until a signal or -t) with the browser *bp, which the caller
 * frees.  Without --watch, a row for each host found into *rows, *nrows.
 * 0, or -1 after saying why on stderr.
 */
static int
browse_rows(struct event_base *base, const struct opts *o,
    struct disc_browser **bp, struct ls_row **rows, size_t *nrows)
{
	struct disc_browse_opts	 bo;
	struct disc_browser	*b;
	struct timeval		 tv;
	char			 err[256];
	size_t			 i;

	memset(&bo, 0, sizeof(bo));
	bo.cluster = o->cluster;
	bo.ccpool = bo.distcc = 1;
	bo.no_fail = o->watch;
	bo.warn = on_warn;
	*bp = b = disc_browser_new(base, &bo,
	    o->watch ? on_watch_event : NULL, NULL, err, sizeof(err));
	if (b == NULL) {
		fprintf(stderr, "lsdistcc: %s\n", err);
		return -1;
	}
	tv.tv_sec = (time_t)o->settle;
	tv.tv_usec = (suseconds_t)((o->settle - (double)tv.tv_sec) * 1e6);
	if (!o->watch || o->timed)
		event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	if (o->watch)
		return 0;
	*nrows = disc_hosts_count(disc_browser_hosts(b));
	if (*nrows > 0 && (*rows = calloc(*nrows, sizeof(**rows))) == NULL) {
		fprintf(stderr, "lsdistcc: out of memory\n");
		return -1;
	}
	for (i = 0; i < *nrows; i++)
		ls_row_from_host(&(*rows)[i],
		    disc_hosts_at(disc_browser_hosts(b), i));
	return 0;
}

int
main(int argc, char *argv[])
{
	struct opts		 o;
	struct disc_browser	*b = NULL;
	struct event_base	*base;
	struct event		*sigint, *sigterm;
	struct ls_row		*rows = NULL;
	size_t			 nrows = 0;
	char			 err[256];
	int			 rc;

	if ((rc = parse_opts(argc, argv, &o)) != -1)
		return rc;
	if ((base = event_base_new()) == NULL) {
		fprintf(stderr, "lsdistcc: out of memory\n");
		return 2;
	}
	sigint = evsignal_new(base, SIGINT, on_signal, base);
	sigterm = evsignal_new(base, SIGTERM, on_signal, base);
	if (sigint == NULL || sigterm == NULL) {
		fprintf(stderr, "lsdistcc: out of memory\n");
		return 2;
	}
	evsignal_add(sigint, NULL);
	evsignal_add(sigterm, NULL);

	if (optind < argc) {
		/* DNS mode, for sites without mDNS */
		for (; optind < argc; optind++)
			if (ls_dns_rows(argv[optind], (uint16_t)o.port, &rows,
			    &nrows, err, sizeof(err)) == -1) {
				fprintf(stderr, "lsdistcc: %s\n", err);
				return 2;
			}
		o.probe = 1;	/* a name that resolves may still be down */
	} else if (o.status) {
		if (ls_status_rows(base, o.settle, o.cluster, &rows, &nrows,
		    err, sizeof(err)) == -1) {
			fprintf(stderr, "lsdistcc: %s\n", err);
			return 2;
		}
	} else {
		if (browse_rows(base, &o, &b, &rows, &nrows) == -1)
			return 2;
		if (o.watch)
			goto out;
	}
	if (o.probe && ls_probe(base, rows, nrows, 1000) == -1) {
		fprintf(stderr, "lsdistcc: out of memory\n");
		return 2;
	}
	ls_trust(rows, nrows);
	ls_sort(rows, nrows);
	if (o.json)
		ls_print_json(stdout, rows, nrows);
	else if (o.hosts)
		ls_print_hosts(stdout, rows, nrows);
	else if (nrows > 0)
		ls_print_table(stdout, rows, nrows);
	else
		fprintf(stderr, "lsdistcc: no hosts found\n");
out:
	disc_browser_free(b);
	event_free(sigint);
	event_free(sigterm);
	event_base_free(base);
	free(rows);
	return nrows > 0 || o.watch ? 0 : 1;
}
