/*
 * trustcmd.c - `ccpool trust`: open mode's pins by hand.  Pins the key a
 * server advertises (heard by mDNS for a moment) or the key the user
 * gives, refuses a server, forgets one, lists them.  It runs inside
 * ccpool-agent (which links OpenSSL and Avahi; the wrapper does not),
 * prints for a person, and leaves the work to common/pin.c.  A running
 * agent reads the changed file at the next wrapper's hello.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "agent/agent.h"
#include "common/pin.h"
#include "common/trust.h"
#include "common/ident.h"
#include "discovery/disc_browse.h"

#define TRUSTCMD_BROWSE_SEC	2	/* how long to listen for adverts */

static void
trustcmd_help(void)
{
	printf(
"usage: ccpool trust NAME [KEY]\n"
"       ccpool trust --refuse NAME [KEY]\n"
"       ccpool trust --forget NAME\n"
"       ccpool trust --list\n"
"\n"
"  NAME [KEY]          pin server NAME to KEY (sha256:..., as ccpoold -n\n"
"                      prints it on the server), or to the key NAME\n"
"                      advertises now; the key is printed: compare it\n"
"  --refuse NAME [KEY] NAME gets no job whatever its key, nor does its key\n"
"                      (KEY, or the one pinned or advertised) under any name\n"
"  --forget NAME       forget what is pinned or refused for NAME\n"
"  --list              the pinned and refused keys\n"
"  --help, -h          this text\n"
"Under CCPOOL_TRUST=explicit only the servers pinned this way get jobs.\n"
"See ccpool(1).\n");
}

static int
trustcmd_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "ccpool trust: %s\n", why);
	fprintf(stderr, "Try 'ccpool trust --help' for more information.\n");
	return 2;
}

/* An error of the command (err: why).  Returns the exit status, 1. */
static int
trustcmd_fail(const char *err)
{
	fprintf(stderr, "ccpool trust: %s\n", err);
	return 1;
}

/* What `ccpool trust` heard of the name it looks for. */
struct advert {
	const char	*name;
	unsigned	 n;		/* distinct keys heard */
	char		 fp[IDENT_FP_LEN];
	char		 where[DISC_ADDRSTR + 8];
};

static void
on_advert(enum disc_event ev, const struct disc_host *h, void *arg)
{
	struct advert	*ad = arg;

	if (ev == DISC_HOST_REMOVE || h->kind != DISC_KIND_CCPOOL ||
	    strcmp(h->name, ad->name) != 0 ||
	    !ident_fp_valid(h->info.fingerprint) ||
	    (ad->n > 0 && strcmp(ad->fp, h->info.fingerprint) == 0))
		return;
	ad->n++;
	snprintf(ad->fp, sizeof(ad->fp), "%s", h->info.fingerprint);
	if (h->naddr > 0)
		snprintf(ad->where, sizeof(ad->where), "%s:%u",
		    h->addr[0].text, h->port);
}

/*
 * The key name advertises in our cluster (CCPOOL_CLUSTER), heard for
 * TRUSTCMD_BROWSE_SEC, into ad.  Returns 0, or -1 with err set (no
 * avahi-daemon, no such advert, several keys).
 */
static int
advertised_key(const char *name, struct advert *ad, char *err,
    size_t errlen)
{
	struct disc_browse_opts	 bo;
	struct disc_browser	*b;
	struct event_base	*base;
	struct timeval		 tv = { TRUSTCMD_BROWSE_SEC, 0 };
	const char		*cluster = getenv("CCPOOL_CLUSTER");

	memset(ad, 0, sizeof(*ad));
	ad->name = name;
	memset(&bo, 0, sizeof(bo));
	bo.cluster = cluster != NULL && cluster[0] != '\0' ? cluster :
	    "default";
	bo.ccpool = 1;
	if ((base = event_base_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((b = disc_browser_new(base, &bo, on_advert, ad, err, errlen)) ==
	    NULL) {
		event_base_free(base);
		return -1;
	}
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	disc_browser_free(b);
	event_base_free(base);
	if (ad->n == 1)
		return 0;
	if (ad->n == 0)
		snprintf(err, errlen, "no ccpool server of cluster %s "
		    "advertises this name (lsdistcc lists them); or give its "
		    "key: ccpool trust NAME sha256:...", bo.cluster);
	else
		snprintf(err, errlen, "servers advertise this name with "
		    "different keys: give the one to trust (ccpoold -n prints "
		    "it on the server): ccpool trust NAME sha256:...");
	return -1;
}

static void
list_cb(const char *name, const char *fp, int refused, void *arg)
{
	char	 q[TRUST_QUOTE_MAX];

	(void)arg;
	printf("%-24s %s %s\n", trust_quote(q, sizeof(q), name), fp,
	    refused ? "refused" : "pinned");
}

/* ccpool trust --list: the pins of path.  Returns the exit status. */
static int
trustcmd_list(const char *path)
{
	char	 err[512];
	int	 n;

	if ((n = pin_each(path, list_cb, NULL, err, sizeof(err))) == -1)
		return trustcmd_fail(err);
	if (n == 0)
		printf("no server pinned (%s)\n", path);
	return 0;
}

/* ccpool trust --forget NAME (q: NAME quoted).  Returns the exit status. */
static int
trustcmd_forget(const char *path, const char *name, const char *q)
{
	char	 err[512];
	int	 n;

	if ((n = pin_forget(path, name, err, sizeof(err))) == -1)
		return trustcmd_fail(err);
	printf("%d line%s of %s forgotten\n", n, n == 1 ? "" : "s", q);
	return 0;
}

int
trustcmd_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "forget", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "list", no_argument, NULL, 'l' },
		{ "refuse", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct advert	 ad;
	struct pin_look	 l;
	char		 path[PATH_MAX], err[512], q[TRUST_QUOTE_MAX];
	const char	*name, *key, *how = "given";
	int		 ch, mode = 0;

	optind = 0;	/* a fresh scan of this argv (glibc) */
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			trustcmd_help();
			return 0;
		case 'f':
		case 'l':
		case 'r':
			if (mode != 0)
				return trustcmd_usage("--forget, --list and "
				    "--refuse exclude each other");
			mode = ch;
			break;
		default:
			return trustcmd_usage(NULL);
		}
	}
	if (ident_user_path("known_servers", path, sizeof(path), err,
	    sizeof(err)) == -1)
		goto fail;
	if (mode == 'l') {
		if (optind != argc)
			return trustcmd_usage("--list takes no operands");
		return trustcmd_list(path);
	}
	if (optind == argc || argc - optind > (mode == 'f' ? 1 : 2) ||
	    argv[optind][0] == '\0')
		return trustcmd_usage("NAME [KEY]?");
	name = argv[optind];
	key = argv[optind + 1];
	trust_quote(q, sizeof(q), name);
	if (mode == 'f')
		return trustcmd_forget(path, name, q);
	if (key != NULL && !ident_fp_valid(key))
		return trustcmd_usage("KEY: sha256: and 64 hex digits, as "
		    "ccpoold -n prints it");
	if (key != NULL)
		;
	else if (mode == 'r' && pin_check(path, name, "", &l, err,
	    sizeof(err)) == PIN_CHANGED) {
		key = l.old;		/* the key it is pinned to */
		how = "pinned";
	} else if (advertised_key(name, &ad, err, sizeof(err)) == -1)
		goto fail;
	else {
		key = ad.fp;
		how = "advertised";
		printf("%s advertises key %s from %s\n", q, key, ad.where);
	}
	if (pin_set(path, name, key, mode == 'r', err, sizeof(err)) == -1)
		goto fail;
	if (mode == 'r')
		printf("refused %s (%s key %s): it gets no job, nor does that "
		    "key under any name; ccpool forget %s undoes it\n", q, how,
		    key, q);
	else
		printf("pinned %s to key %s\ncheck it against what the server "
		    "prints (ccpoold -n, or its log at start); if it differs: "
		    "ccpool trust --refuse %s\n", q, key, q);
	return 0;
fail:
	return trustcmd_fail(err);
}
