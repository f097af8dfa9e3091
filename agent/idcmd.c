/*
 * idcmd.c - `ccpool id`, `ccpool forget` and `ccpool ca`: the user's
 * identity, open mode's pins, and a site's certificate authority.  They
 * run inside ccpool-agent (which links OpenSSL; the wrapper does not) and
 * print for a person.  The work is in common/ident.c, common/ca.c and
 * common/pin.c; this file parses arguments and reports.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "common/pin.h"
#include "common/ca.h"
#include "common/ident.h"

/* `ccpool id|forget|ca --help`: one text for the three, on stdout. */
static void
idcmd_help(void)
{
	printf(
"usage: ccpool id [--install FILE]\n"
"       ccpool forget NAME\n"
"       ccpool ca init [--dir DIR] [--name NAME]\n"
"       ccpool ca issue (--host NAME | --user NAME [--groups a,b])\n"
"                       [--days N] [-o FILE] [--dir DIR]\n"
"       ccpool ca revoke NAME|SERIAL [--dir DIR]\n"
"       ccpool ca crl [--dir DIR]\n"
"\n"
"  id                 your key's fingerprint, name, mode and file\n"
"  id --install FILE  use an identity issued by ccpool ca issue --user\n"
"  forget NAME        forget the key pinned for server NAME (open mode)\n"
"  ca init            make a site CA in DIR (default ~/.config/ccpool/ca)\n"
"  ca issue           a host's or user's identity signed by the CA, in\n"
"                     FILE (default NAME.pem), valid N days (default %d)\n"
"  ca revoke          revoke a name's or serial's certificates\n"
"  ca crl             write the CA's revocation list again\n"
"  --help, -h         this text\n"
"See ccpool(1).\n", CA_DEFAULT_DAYS);
}

/* A usage error of `ccpool cmd`: why, and where to read more.  Returns 2. */
static int
idcmd_usage(const char *cmd, const char *why)
{
	if (why != NULL)
		fprintf(stderr, "ccpool %s: %s\n", cmd, why);
	fprintf(stderr, "Try 'ccpool %s --help' for more information.\n",
	    cmd);
	return 2;
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
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "install", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 }
	};
	struct ident	 id, in;
	char		 path[PATH_MAX], old[PATH_MAX + 8], cn[IDENT_NAME_MAX];
	char		 err[512];
	const char	*install = NULL;
	int		 ch;

	optind = 0;	/* a fresh scan of this argv (glibc) */
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			idcmd_help();
			return 0;
		case 'i':
			install = optarg;
			break;
		default:
			return idcmd_usage("id", NULL);
		}
	}
	if (optind != argc)
		return idcmd_usage("id", "no operands are taken");
	if (ident_user_path("identity.pem", path, sizeof(path), err,
	    sizeof(err)) == -1)
		goto fail;
	if (install != NULL) {
		if (ident_load(&in, install, err, sizeof(err)) == -1)
			goto fail;
		if (in.cas == NULL || sk_X509_num(in.cas) == 0) {
			fprintf(stderr, "ccpool: %s holds no CA certificate: "
			    "not issued by `ccpool ca issue --user`\n",
			    install);
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
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char		 path[PATH_MAX], err[512];
	const char	*name;
	int		 ch, n;

	optind = 0;	/* a fresh scan of this argv (glibc) */
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			idcmd_help();
			return 0;
		default:
			return idcmd_usage("forget", NULL);
		}
	}
	if (optind != argc - 1)
		return idcmd_usage("forget", "one server name is needed");
	name = argv[optind];
	if (ident_user_path("known_servers", path, sizeof(path), err,
	    sizeof(err)) == -1 || (n = pin_forget(path, name, err,
	    sizeof(err))) == -1) {
		fprintf(stderr, "ccpool: %s\n", err);
		return 1;
	}
	printf("%d pinned key%s of %s forgotten\n", n, n == 1 ? "" : "s",
	    name);
	return 0;
}

/* `ccpool ca`'s options. */
struct ca_opts {
	char		 dir[PATH_MAX];		/* "": ~/.config/ccpool/ca */
	const char	*name;			/* the CA's */
	const char	*who;			/* --host or --user NAME */
	const char	*groups;
	const char	*o;			/* -o FILE */
	enum ident_role	 role;
	unsigned long	 days;
};

/*
 * Read `ccpool ca`'s options into co.  Options may come before or after
 * the subcommand (GNU order): the operands, sub first, end up at
 * argv[optind].  Returns -1 to go on, else the command's exit status
 * (--help, a usage error).
 */
static int
ca_options(int argc, char *argv[], struct ca_opts *co)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "host", required_argument, NULL, 'H' },
		{ "user", required_argument, NULL, 'U' },
		{ "groups", required_argument, NULL, 'g' },
		{ "days", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char		*end;
	int		 ch;

	memset(co, 0, sizeof(*co));
	co->name = "ccpool-site";
	co->role = IDENT_SELF;
	co->days = CA_DEFAULT_DAYS;
	optind = 0;	/* a fresh scan of this argv (glibc) */
	while ((ch = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			snprintf(co->dir, sizeof(co->dir), "%s", optarg);
			break;
		case 'n':
			co->name = optarg;
			break;
		case 'H':
		case 'U':
			if (co->who != NULL)
				return idcmd_usage("ca", "one --host or "
				    "--user");
			co->who = optarg;
			co->role = ch == 'H' ? IDENT_HOST : IDENT_USER;
			break;
		case 'g':
			co->groups = optarg;
			break;
		case 'D':
			if (optarg == NULL)	/* required; the analyzer wants it */
				return idcmd_usage("ca", NULL);
			co->days = strtoul(optarg, &end, 10);
			if (*end != '\0' || co->days == 0 || co->days > 36500)
				return idcmd_usage("ca", "--days: 1..36500");
			break;
		case 'o':
			co->o = optarg;
			break;
		case 'h':
			idcmd_help();
			return 0;
		default:
			return idcmd_usage("ca", NULL);
		}
	}
	return -1;
}

/* A failed `ccpool ca`: say why (err) and exit 1. */
static int
ca_fail(const char *err)
{
	fprintf(stderr, "ccpool: %s\n", err);
	return 1;
}

/* `ccpool ca issue` with co->who set.  Returns the exit status. */
static int
ca_issue_cmd(const struct ca_opts *co)
{
	char		 out[PATH_MAX], serial[CA_SERIAL_MAX], err[512];

	if (co->o == NULL)
		snprintf(out, sizeof(out), "%s.pem", co->who);
	else
		snprintf(out, sizeof(out), "%s", co->o);
	if (co->groups != NULL && co->role != IDENT_USER)
		return idcmd_usage("ca", "--groups is for --user");
	if (ca_issue(co->dir, co->role, co->who, co->groups,
	    (unsigned)co->days, out, serial, err, sizeof(err)) == -1)
		return ca_fail(err);
	printf("issued %s %s (serial %s) in %s\n", co->role == IDENT_HOST ?
	    "host" : "user", co->who, serial, out);
	printf(co->role == IDENT_HOST ? "install it as the server's "
	    "identity (/var/lib/ccpoold/identity.pem, mode 600)\n" :
	    "the user installs it with: ccpool id --install %s\n", out);
	return 0;
}

static int
cmd_ca(int argc, char *argv[])
{
	struct ca_opts	 co;
	char		 fp[IDENT_FP_LEN], err[512];
	const char	*sub, *dir;
	int		 n;

	if ((n = ca_options(argc, argv, &co)) != -1)
		return n;
	dir = co.dir;
	if (optind == argc)
		return idcmd_usage("ca", "init, issue, revoke or crl?");
	sub = argv[optind++];
	if (dir[0] == '\0' && ident_user_path("ca", co.dir, sizeof(co.dir),
	    err, sizeof(err)) == -1)
		return ca_fail(err);
	if (strcmp(sub, "init") == 0 && optind == argc) {
		if (ca_init(dir, co.name, fp, err, sizeof(err)) == -1)
			return ca_fail(err);
		printf("CA %s made in %s\nCA key %s\nrevocation list %s/crl.pem"
		    "\n", co.name, dir, fp, dir);
		return 0;
	}
	if (strcmp(sub, "issue") == 0 && optind == argc && co.who != NULL)
		return ca_issue_cmd(&co);
	if (strcmp(sub, "revoke") == 0 && optind == argc - 1) {
		if ((n = ca_revoke(dir, argv[optind], err, sizeof(err))) <= 0)
			return ca_fail(err);
		printf("%d certificate%s revoked; copy %s/crl.pem to every "
		    "server (its crl = file) and send ccpoold a SIGHUP\n", n,
		    n == 1 ? "" : "s", dir);
		return 0;
	}
	if (strcmp(sub, "crl") == 0 && optind == argc) {
		if (ca_crl(dir, err, sizeof(err)) == -1)
			return ca_fail(err);
		printf("%s/crl.pem rewritten\n", dir);
		return 0;
	}
	if (strcmp(sub, "issue") == 0 && co.who == NULL)
		return idcmd_usage("ca", "issue: --host NAME or --user NAME");
	if (strcmp(sub, "init") != 0 && strcmp(sub, "issue") != 0 &&
	    strcmp(sub, "revoke") != 0 && strcmp(sub, "crl") != 0)
		return idcmd_usage("ca", "init, issue, revoke or crl?");
	return idcmd_usage("ca", strcmp(sub, "revoke") == 0 ?
	    "revoke: one NAME or SERIAL" : "no operands are taken");
}

int
idcmd_main(int argc, char *argv[])
{
	/* argv[0] names the command in getopt's messages */
	if (strcmp(argv[0], "id") == 0) {
		argv[0] = (char *)"ccpool id";
		return cmd_id(argc, argv);
	}
	if (strcmp(argv[0], "forget") == 0) {
		argv[0] = (char *)"ccpool forget";
		return cmd_forget(argc, argv);
	}
	if (strcmp(argv[0], "ca") == 0) {
		argv[0] = (char *)"ccpool ca";
		return cmd_ca(argc, argv);
	}
	if (strcmp(argv[0], "trust") == 0) {
		argv[0] = (char *)"ccpool trust";
		return trustcmd_main(argc, argv);
	}
	fprintf(stderr, "ccpool-agent: %s: no such command (id, trust, "
	    "forget, ca)\n", argv[0]);
	fprintf(stderr, "Try 'ccpool-agent --help' for more information.\n");
	return 2;
}
