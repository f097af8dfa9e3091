/*
 * disc_txt_check.h - the value checks of the TXT record codec, defined in
 * disc_txt_check.c and used by disc_txt.c; not for use elsewhere (the
 * public API is disc_txt.h).  The checks take a value's bytes (s, len:
 * untrusted, not NUL-terminated) and return 0 if the schema allows it,
 * or -1 with the reason in err.
 */
#ifndef CCPOOL_DISC_TXT_CHECK_H
#define CCPOOL_DISC_TXT_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "discovery/disc_txt.h"

#define TXT_SLOTS_MAX	16384	/* DISC_LIMIT_CPUS * 4 */

/* cluster=: 1..DISC_CLUSTER_MAX - 1 bytes, disc_utf8_valid(). */
int	disc_txt_check_cluster(const uint8_t *s, size_t len, char *err,
	    size_t errlen);
/* id=: "" (unknown) or "sha256:" and 64 lowercase hex digits. */
int	disc_txt_check_fpr(const uint8_t *s, size_t len, char *err,
	    size_t errlen);
/* tc<i>=: 1..DISC_TC_LEN - 1 bytes of [A-Za-z0-9._+-]. */
int	disc_txt_check_tc(const uint8_t *s, size_t len, unsigned i,
	    char *err, size_t errlen);
/* sec=: "open", "site" or "krb5". */
int	disc_txt_check_sec(const uint8_t *s, size_t len, char *err,
	    size_t errlen);
/* krb=: a service principal, service/host@REALM (common/kgss.h). */
int	disc_txt_check_krb(const uint8_t *s, size_t len, char *err,
	    size_t errlen);
/* A distcc text field (key names it): printable ASCII, under cap bytes. */
int	disc_txt_check_dtext(const uint8_t *s, size_t len, size_t cap,
	    const char *key, char *err, size_t errlen);
/* The length of the string in s[cap] into *len: 0, or -1 without a NUL. */
int	disc_txt_field_len(const char *s, size_t cap, size_t *len);
/* Every field of info as decoding would check it: 0, or -1 with err. */
int	disc_txt_info_check(const struct disc_info *info, char *err,
	    size_t errlen);

#endif
