/*
 * cpl_site.c - the cluster CA a site server's status page is verified
 * against: the CA certificates of this user's identity (identity.pem,
 * the one the agent uses; ccpool id --install puts it there) and the
 * site's revocation list beside it (crl.pem), as the agent reads them
 * (agent/atrust.c, atrust_start).  Nothing is made here: a user without
 * an identity, or with a self-signed one, has no site CA, and site
 * servers' pages are then not fetched (cpl_model.c, judge()).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "common/ident.h"
#include "libccpool/cpl.h"

X509_STORE *
cpl_site_store(const struct ident *id, const char *crl, char *why,
    size_t len)
{
	X509_STORE	*store;
	X509_LOOKUP	*lu;
	int		 i;

	if (id->cas == NULL || sk_X509_num(id->cas) == 0) {
		snprintf(why, len, "a site server: this user is no site "
		    "member (identity.pem holds no cluster CA; ccpool id "
		    "--install)");
		return NULL;
	}
	if ((store = X509_STORE_new()) == NULL)
		goto fail;
	for (i = 0; i < sk_X509_num(id->cas); i++)
		if (X509_STORE_add_cert(store, sk_X509_value(id->cas, i)) != 1)
			goto fail;
	if (crl != NULL && access(crl, R_OK) == 0) {
		if ((lu = X509_STORE_add_lookup(store, X509_LOOKUP_file())) ==
		    NULL || X509_load_crl_file(lu, crl, X509_FILETYPE_PEM) <= 0) {
			snprintf(why, len, "a site server: the revocation list "
			    "%s is unreadable", crl);
			ERR_clear_error();
			X509_STORE_free(store);
			return NULL;
		}
		X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
	}
	ERR_clear_error();
	return store;
fail:
	snprintf(why, len, "a site server: out of memory");
	ERR_clear_error();
	X509_STORE_free(store);
	return NULL;
}

X509_STORE *
cpl_site_load(char *why, size_t len)
{
	struct ident	 id;
	X509_STORE	*store;
	char		 path[512], crl[512], err[CPL_ERR_MAX - 64];

	if (ident_user_path("identity.pem", path, sizeof(path), err,
	    sizeof(err)) == -1 || ident_user_path("crl.pem", crl, sizeof(crl),
	    err, sizeof(err)) == -1) {
		snprintf(why, len, "a site server: %s", err);
		return NULL;
	}
	if (access(path, F_OK) == -1) {
		snprintf(why, len, "a site server: this user has no identity "
		    "(a site member's comes from its CA: ccpool id --install)");
		return NULL;
	}
	err[0] = '\0';
	if (ident_load(&id, path, err, sizeof(err)) == -1) {
		snprintf(why, len, "a site server: %s", err);
		return NULL;
	}
	store = cpl_site_store(&id, crl, why, len);
	ident_clear(&id);
	return store;
}
