/*
 * idcmd.c - `ccpool id`, `ccpool forget` and `ccpool ca`: the user's
 * identity, open mode's pins, and a site's certificate authority.  They
 * run inside ccpool-agent (which links OpenSSL; the wrapper does not) and
 * print for a person.  The work is in common/ident.c, common/ca.c and
 * client/pin.c; this file parses arguments and reports.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/agent.h"
#include "client/pin.h"
#include "common/ca.h"
#include "common/ident.h"

static void
idcmd_usage(void)
{
	fprintf(stderr,
"usage: ccpool id [--install FILE]\n"
"       ccpool forget NAME\n"
"       ccpool ca init [--dir DIR] [--name NAME]\n"
"       ccpool ca issue (--host NAME | --user NAME [--groups a,b])\n"
"                       [--days N] [-o FILE] [--dir DIR]\n"
"       ccpool ca revoke NAME|SERIAL [--dir DIR]\n"
"       ccpool ca crl [--dir DIR]\n");
}

/* This user's default identity name: user@host. */
static void
default_cn(char *cn, size_t len)
{
	char		 host[64];
	const char	*user = getenv("USER");

	if (gethostname(host, sizeof(host)) == -1)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	snprintf(cn, len, "%.30s@%.30s", user != NULL ? user : "user", host);
}

static int
cmd_id(int argc, char *argv[])
{
	struct ident	 id, in;
	char		 path[PATH_MAX], old[PATH_MAX + 8], cn[IDENT_NAME_MAX];
	char		 err[512];

	if (ident_user_path("identity.pem", path, sizeof(path), err,
	    sizeof(err)) == -1)
		goto fail;
	if (argc == 3 && strcmp(argv[1], "--install") == 0) {
		if (ident_load(&in, argv[2], err, sizeof(err)) == -1)
			goto fail;
		if (in.cas == NULL || sk_X509_num(in.cas) == 0) {
			fprintf(stderr, "ccpool: %s holds no CA certificate: "
			    "not issued by `ccpool ca issue --user`\n",
			    argv[2]);
			ident_clear(&in);
			return 1;
		}
		snprintf(old, sizeof(old), "%s.old", path);
		if (access(path, F_OK) == 0 && rename(path, old) == 0)
			printf("previous identity kept as %s\n", old);
		if (ident_write(path, in.key, in.cert, in.cas, 1, err,
		    sizeof(err)) == -1) {
			ident_clear(&in);
			goto fail;
		}
		ident_clear(&in);
		printf("installed; restart the agent to use it: "
		    "pkill -u $USER ccpool-agent\n");
	} else if (argc != 1) {
		idcmd_usage();
		return 2;
	}
	default_cn(cn, sizeof(cn));
	if (ident_load_or_make(&id, path, cn, err, sizeof(err)) == -1)
		goto fail;
	ident_cn(id.cert, cn);
	printf("%s\nname %s\nmode %s\nfile %s\n", id.fp, cn,
	    id.cas != NULL && sk_X509_num(id.cas) > 0 ? "site" : "open", path);
	ident_clear(&id);
	return 0;
fail:
	fprintf(stderr, "ccpool: %s\n", err);
	return 1;
}

static int
cmd_forget(int argc, char *argv[])
{
	char	 path[PATH_MAX], err[512];
	int	 n;

	if (argc != 2) {
		idcmd_usage();
		return 2;
	}
	if (ident_user_path("known_servers", path, sizeof(path), err,
	    sizeof(err)) == -1 || (n = pin_forget(path, argv[1], err,
	    sizeof(err))) == -1) {
		fprintf(stderr, "ccpool: %s\n", err);
		return 1;
	}
	printf("%d pinned key%s of %s forgotten\n", n, n == 1 ? "" : "s",
	    argv[1]);
	return 0;
}

static int
cmd_ca(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "host", required_argument, NULL, 'H' },
		{ "user", required_argument, NULL, 'U' },
		{ "groups", required_argument, NULL, 'g' },
		{ "days", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 }
	};
	char		 dir[PATH_MAX], out[PATH_MAX], fp[IDENT_FP_LEN];
	char		 serial[CA_SERIAL_MAX], err[512], *end;
	const char	*name = "ccpool-site", *who = NULL, *groups = NULL;
	const char	*sub, *o = NULL;
	enum ident_role	 role = IDENT_SELF;
	unsigned long	 days = CA_DEFAULT_DAYS;
	int		 ch, n;

	if (argc < 2) {
		idcmd_usage();
		return 2;
	}
	sub = argv[1];
	if (ident_user_path("ca", dir, sizeof(dir), err, sizeof(err)) == -1)
		goto fail;
	optind = 2;
	while ((ch = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			snprintf(dir, sizeof(dir), "%s", optarg);
			break;
		case 'n':
			name = optarg;
			break;
		case 'H':
		case 'U':
			if (who != NULL) {
				idcmd_usage();
				return 2;
			}
			who = optarg;
			role = ch == 'H' ? IDENT_HOST : IDENT_USER;
			break;
		case 'g':
			groups = optarg;
			break;
		case 'D':
			if (optarg == NULL) {
				idcmd_usage();
				return 2;
			}
			days = strtoul(optarg, &end, 10);
			if (*end != '\0' || days == 0 || days > 36500) {
				fprintf(stderr, "ccpool: --days: 1..36500\n");
				return 2;
			}
			break;
		case 'o':
			o = optarg;
			break;
		default:
			idcmd_usage();
			return 2;
		}
	}
	if (strcmp(sub, "init") == 0 && optind == argc) {
		if (ca_init(dir, name, fp, err, sizeof(err)) == -1)
			goto fail;
		printf("CA %s made in %s\nCA key %s\nrevocation list %s/crl.pem"
		    "\n", name, dir, fp, dir);
		return 0;
	}
	if (strcmp(sub, "issue") == 0 && optind == argc && who != NULL) {
		if (o == NULL)
			snprintf(out, sizeof(out), "%s.pem", who);
		else
			snprintf(out, sizeof(out), "%s", o);
		if (groups != NULL && role != IDENT_USER) {
			fprintf(stderr, "ccpool: --groups is for --user\n");
			return 2;
		}
		if (ca_issue(dir, role, who, groups, (unsigned)days, out, serial,
		    err, sizeof(err)) == -1)
			goto fail;
		printf("issued %s %s (serial %s) in %s\n", role == IDENT_HOST ?
		    "host" : "user", who, serial, out);
		printf(role == IDENT_HOST ? "install it as the server's "
		    "identity (/var/lib/ccpoold/identity.pem, mode 600)\n" :
		    "the user installs it with: ccpool id --install %s\n", out);
		return 0;
	}
	if (strcmp(sub, "revoke") == 0 && optind == argc - 1) {
		if ((n = ca_revoke(dir, argv[optind], err, sizeof(err))) <= 0)
			goto fail;
		printf("%d certificate%s revoked; copy %s/crl.pem to every "
		    "server (its crl = file) and send ccpoold a SIGHUP\n", n,
		    n == 1 ? "" : "s", dir);
		return 0;
	}
	if (strcmp(sub, "crl") == 0 && optind == argc) {
		if (ca_crl(dir, err, sizeof(err)) == -1)
			goto fail;
		printf("%s/crl.pem rewritten\n", dir);
		return 0;
	}
	idcmd_usage();
	return 2;
fail:
	fprintf(stderr, "ccpool: %s\n", err);
	return 1;
}

int
idcmd_main(int argc, char *argv[])
{
	if (strcmp(argv[0], "id") == 0)
		return cmd_id(argc, argv);
	if (strcmp(argv[0], "forget") == 0)
		return cmd_forget(argc, argv);
	if (strcmp(argv[0], "ca") == 0)
		return cmd_ca(argc, argv);
	idcmd_usage();
	return 2;
}
