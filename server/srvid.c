/*
 * srvid.c - the server's identity at start-up: where its key file lives,
 * making it on first start, its fingerprint, and the trust mode that
 * follows from it.  Called by the parent before it forks (see
 * srvid_resolve in server.h); the network process loads the key again
 * for TLS before it enters its sandbox, so no other process keeps it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/ident.h"
#include "server/server.h"

/* The default identity file: systemd's StateDirectory, else by user. */
static int
default_path(char *out, size_t outlen, char *err, size_t errlen)
{
	const char	*sd = getenv("STATE_DIRECTORY");
	const char	*xd = getenv("XDG_DATA_HOME"), *h = getenv("HOME");
	int		 n;

	if (sd != NULL && sd[0] == '/')
		n = snprintf(out, outlen, "%.*s/identity.pem",
		    (int)strcspn(sd, ":"), sd);
	else if (geteuid() == 0)
		n = snprintf(out, outlen, "/var/lib/ccpoold/identity.pem");
	else if (xd != NULL && xd[0] == '/')
		n = snprintf(out, outlen, "%s/ccpoold/identity.pem", xd);
	else if (h != NULL && h[0] == '/')
		n = snprintf(out, outlen, "%s/.local/share/ccpoold/identity.pem",
		    h);
	else {
		err_set(err, errlen, "no place for the identity: set "
		    "identity = /path in the configuration");
		return -1;
	}
	if (n < 0 || (size_t)n >= outlen) {
		err_set(err, errlen, "identity path too long");
		return -1;
	}
	return 0;
}

int
srvid_resolve(struct srvconf *c, char *err, size_t errlen)
{
	struct ident	 id;
	char		 host[SRVCONF_NAME_MAX], e[400];
	int		 site;

	if (c->identity[0] == '\0' && default_path(c->identity,
	    sizeof(c->identity), err, errlen) == -1)
		return -1;
	if (c->name[0] != '\0')
		snprintf(host, sizeof(host), "%s", c->name);
	else if (gethostname(host, sizeof(host)) == -1 || host[0] == '\0')
		snprintf(host, sizeof(host), "ccpoold");
	host[sizeof(host) - 1] = '\0';
	if (ident_load_or_make(&id, c->identity, host, e, sizeof(e)) == -1) {
		err_set(err, errlen, "identity: %s", e);
		return -1;
	}
	site = id.cas != NULL && sk_X509_num(id.cas) > 0;
	snprintf(c->fingerprint, sizeof(c->fingerprint), "%s", id.fp);
	ident_clear(&id);
	if (strcmp(c->auth, "gssapi") == 0) {
		if (strcmp(c->trust, "site") == 0) {
			err_set(err, errlen, "auth = gssapi: Kerberos "
			    "replaces site mode's user certificates (trust = "
			    "site cannot be kept)");
			return -1;
		}
		snprintf(c->trust, sizeof(c->trust), "krb5");
		return srvkrb_resolve(c, err, errlen);
	}
	if (strcmp(c->trust, "auto") == 0)
		snprintf(c->trust, sizeof(c->trust), "%s", site ? "site" :
		    "open");
	if (strcmp(c->trust, "site") == 0 && !site) {
		err_set(err, errlen, "trust = site, but %s is not issued by a "
		    "cluster CA (see `ccpool ca issue --host`)", c->identity);
		return -1;
	}
	if (c->crl[0] != '\0' && access(c->crl, R_OK) == -1) {
		err_set(err, errlen, "crl %s: cannot read it", c->crl);
		return -1;
	}
	return 0;
}
