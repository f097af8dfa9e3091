/*
 * srvkrb.h - the service principal and its keys (kerberos mode): what
 * the parent checks at start (srvkrb_resolve, server.h) and what the
 * kauth process loads before it drops root.
 */
#ifndef CCPOOL_SERVER_SRVKRB_H
#define CCPOOL_SERVER_SRVKRB_H

#include <krb5.h>

#include "server/srvconf.h"

/*
 * Copy the keys of c->gss_principal from c->keytab into a new MEMORY
 * keytab (*mem, for this process alone), so the file is read once, as
 * root.  Returns the number of keys (> 0), or -1 with err set: the file
 * is unreadable, or holds no key for the principal.
 */
int	srvkrb_keys(const struct srvconf *c, krb5_context ctx,
	    krb5_keytab *mem, char *err, size_t errlen);

#endif /* CCPOOL_SERVER_SRVKRB_H */
