/*
 * srvkrb.c - kerberos mode at start-up: the service principal and its
 * keytab (srvkrb.h, srvkrb_resolve in server.h).  The parent checks
 * both before it forks, so a server with no key for the principal it
 * would advertise does not start; kauth.c loads the keys again, as root,
 * into memory.
 */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/err.h"
#include "common/kgss.h"
#include "server/server.h"
#include "server/srvkrb.h"

/* krb5's message for code, into err after what. */
static void
kerr(krb5_context ctx, krb5_error_code code, const char *what, char *err,
    size_t errlen)
{
	const char	*m = krb5_get_error_message(ctx, code);

	err_set(err, errlen, "%s: %s", what, m);
	krb5_free_error_message(ctx, m);
}

/* This host's canonical name (the DNS's, else gethostname's). */
static void
fqdn(char *out, size_t len)
{
	struct addrinfo	 hints, *ai = NULL;
	char		 host[256];

	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_CANONNAME;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &ai) == 0 && ai != NULL &&
	    ai->ai_canonname != NULL)
		snprintf(out, len, "%s", ai->ai_canonname);
	else
		snprintf(out, len, "%s", host);
	if (ai != NULL)
		freeaddrinfo(ai);
}

int
srvkrb_resolve(struct srvconf *c, char *err, size_t errlen)
{
	krb5_context	 ctx;
	krb5_keytab	 mem = NULL;
	krb5_error_code	 code;
	char		*realm = NULL, host[256];
	int		 rc = -1;

	if ((code = krb5_init_context(&ctx)) != 0) {
		err_set(err, errlen, "kerberos: cannot start krb5 (%d)",
		    (int)code);
		return -1;
	}
	if (c->gss_principal[0] == '\0') {
		if ((code = krb5_get_default_realm(ctx, &realm)) != 0) {
			kerr(ctx, code, "kerberos: no default realm in "
			    "krb5.conf, and no gss_principal", err, errlen);
			goto out;
		}
		fqdn(host, sizeof(host));
		snprintf(c->gss_principal, sizeof(c->gss_principal),
		    "ccpool/%.120s@%.120s", host, realm);
		if (!kgss_principal_ok(c->gss_principal,
		    strlen(c->gss_principal))) {
			err_set(err, errlen, "kerberos: %s: not a principal "
			    "name; set gss_principal", c->gss_principal);
			goto out;
		}
	}
	if (srvkrb_keys(c, ctx, &mem, err, errlen) > 0)
		rc = 0;
out:
	if (mem != NULL)
		krb5_kt_close(ctx, mem);
	krb5_free_default_realm(ctx, realm);
	krb5_free_context(ctx);
	return rc;
}

/* Copy the entries of princ from the open keytab kt into mem. */
static int
copy_keys(krb5_context ctx, krb5_keytab kt, krb5_principal princ,
    krb5_keytab mem, char *err, size_t errlen)
{
	krb5_kt_cursor	 cur;
	krb5_keytab_entry e;
	krb5_error_code	 code;
	int		 n = 0;

	if ((code = krb5_kt_start_seq_get(ctx, kt, &cur)) != 0) {
		kerr(ctx, code, "keytab", err, errlen);
		return -1;
	}
	while (krb5_kt_next_entry(ctx, kt, &e, &cur) == 0) {
		if (krb5_principal_compare(ctx, e.principal, princ) &&
		    krb5_kt_add_entry(ctx, mem, &e) == 0)
			n++;
		krb5_free_keytab_entry_contents(ctx, &e);
	}
	krb5_kt_end_seq_get(ctx, kt, &cur);
	return n;
}

int
srvkrb_keys(const struct srvconf *c, krb5_context ctx, krb5_keytab *mem,
    char *err, size_t errlen)
{
	krb5_principal	 princ = NULL;
	krb5_keytab	 kt = NULL;
	krb5_error_code	 code;
	char		 name[300], what[400];
	int		 n = -1;

	*mem = NULL;
	snprintf(what, sizeof(what), "kerberos: keytab %s", c->keytab);
	if (access(c->keytab, R_OK) == -1) {
		err_set(err, errlen, "%s: cannot read it (make it with "
		    "kadmin: ktadd -k %s %s)", what, c->keytab,
		    c->gss_principal);
		return -1;
	}
	snprintf(name, sizeof(name), "MEMORY:ccpoold-%ld", (long)getpid());
	if ((code = krb5_parse_name(ctx, c->gss_principal, &princ)) != 0 ||
	    (code = krb5_kt_resolve(ctx, c->keytab, &kt)) != 0 ||
	    (code = krb5_kt_resolve(ctx, name, mem)) != 0) {
		kerr(ctx, code, what, err, errlen);
		goto out;
	}
	n = copy_keys(ctx, kt, princ, *mem, err, errlen);
	if (n == 0)
		err_set(err, errlen, "%s holds no key for %s (kadmin: ktadd "
		    "-k %s %s)", what, c->gss_principal, c->keytab,
		    c->gss_principal);
out:
	if (n <= 0 && *mem != NULL) {
		krb5_kt_close(ctx, *mem);
		*mem = NULL;
	}
	if (kt != NULL)
		krb5_kt_close(ctx, kt);
	krb5_free_principal(ctx, princ);
	return n > 0 ? n : -1;
}
