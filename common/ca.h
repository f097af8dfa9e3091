/*
 * ca.h - the cluster certificate authority of a ccpool site.
 *
 * A CA is a directory (mode 0700):
 *   ca.pem       the CA's key and certificate (0600)
 *   issued.tsv   serial, role, name, groups, expiry of every certificate
 *                issued, one per line
 *   revoked.tsv  serial, time of every revoked certificate
 *   crl.pem      the signed revocation list to copy to every server
 * Library code: returns -1 with err set, prints nothing.
 */
#ifndef CCPOOL_CA_H
#define CCPOOL_CA_H

#include <stddef.h>

#include "common/ident.h"

#define CA_SERIAL_MAX	48	/* hex serial incl. NUL */
#define CA_DEFAULT_DAYS	825

/*
 * Make a new CA in dir (created 0700; must not hold a CA yet) named name,
 * and an empty revocation list.  Writes the CA's fingerprint to fp.
 */
int	ca_init(const char *dir, const char *name, char *fp, char *err,
	    size_t errlen);

/*
 * Issue a new key and certificate for a host (role IDENT_HOST) or a user
 * (IDENT_USER, groups is a comma-separated list or NULL) called name,
 * valid days days, and write them with the CA certificate as one identity
 * file at out (must not exist; mode 0600).  Records it in issued.tsv and
 * writes its serial (hex) to serial.
 */
int	ca_issue(const char *dir, enum ident_role role, const char *name,
	    const char *groups, unsigned days, const char *out, char *serial,
	    char *err, size_t errlen);

/*
 * Revoke every certificate whose serial or name is what, and rewrite
 * crl.pem.  Returns how many were revoked (0: none matched, an error),
 * or -1 with err set.
 */
int	ca_revoke(const char *dir, const char *what, char *err, size_t errlen);

/* Rewrite crl.pem from revoked.tsv (valid 10 years). */
int	ca_crl(const char *dir, char *err, size_t errlen);

/* Is name usable as a host, user or group name (1..63 of [A-Za-z0-9._-])? */
int	ca_name_valid(const char *name);

#endif
