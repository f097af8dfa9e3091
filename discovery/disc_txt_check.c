/*
 * disc_txt_check.c - the value checks of the TXT record codec (see
 * disc_txt.h and doc/txt-schema.md): strict UTF-8, and each field of an
 * advert, on the bytes of a record (decode) and on a struct (encode, via
 * disc_txt_info_check()), so the two passes take and refuse the same
 * values.  disc_txt.c holds the framing, the decoders and the encoders;
 * disc_txt_check.h declares what it uses from here.  Only libc.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/kgss.h"
#include "discovery/disc_txt.h"
#include "discovery/disc_txt_check.h"

#define FPR_PREFIX	"sha256:"
#define FPR_HEXLEN	64

/* Code point at s (len bytes, len > 0) into *cp; returns its length or 0. */
static size_t
utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
	uint32_t	 c = s[0], min;
	size_t		 need, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xc2)		/* stray continuation, or overlong 2-byte */
		return 0;
	if (c < 0xe0) {
		need = 1;
		c &= 0x1f;
		min = 0x80;
	} else if (c < 0xf0) {
		need = 2;
		c &= 0x0f;
		min = 0x800;
	} else if (c < 0xf5) {
		need = 3;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	if (len - 1 < need)
		return 0;
	for (i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return need + 1;
}

/*
 * Strict UTF-8 (no overlong forms, surrogates or code points past
 * U+10FFFF, nothing truncated) without control characters: C0 (which
 * includes NUL), DEL and C1 are all refused, as they can steer a terminal.
 * Returns 1 if s (len bytes) is such a string, 0 if not.
 */
int
disc_utf8_valid(const char *s, size_t len)
{
	const uint8_t	*p = (const uint8_t *)s;
	uint32_t	 cp;
	size_t		 i = 0, n;

	if (len > 0 && s == NULL)
		return 0;
	while (i < len) {
		if ((n = utf8_decode(p + i, len - i, &cp)) == 0)
			return 0;
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return 0;
		i += n;
	}
	return 1;
}

/* Value checks shared by encode and decode; each returns 0 or -1. */

int
disc_txt_check_cluster(const uint8_t *s, size_t len, char *err, size_t errlen)
{
	if (len == 0) {
		err_set(err, errlen, "cluster: empty");
		return -1;
	}
	if (len >= DISC_CLUSTER_MAX) {
		err_set(err, errlen, "cluster: longer than %d bytes",
		    DISC_CLUSTER_MAX - 1);
		return -1;
	}
	if (!disc_utf8_valid((const char *)s, len)) {
		err_set(err, errlen, "cluster: bad UTF-8 or a control "
		    "character");
		return -1;
	}
	return 0;
}

/* "" (unknown) or "sha256:" and 64 lowercase hex digits. */
int
disc_txt_check_fpr(const uint8_t *s, size_t len, char *err, size_t errlen)
{
	size_t	 i, pl = strlen(FPR_PREFIX);

	if (len == 0)
		return 0;
	if (len != pl + FPR_HEXLEN || memcmp(s, FPR_PREFIX, pl) != 0)
		goto bad;
	for (i = pl; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			goto bad;
	return 0;
bad:
	err_set(err, errlen, "id: not \"sha256:\" and 64 lowercase hex "
	    "digits");
	return -1;
}

int
disc_txt_check_tc(const uint8_t *s, size_t len, unsigned i, char *err,
    size_t errlen)
{
	size_t	 j;

	if (len == 0 || len >= DISC_TC_LEN) {
		err_set(err, errlen, "tc%u: length not 1..%d", i,
		    DISC_TC_LEN - 1);
		return -1;
	}
	for (j = 0; j < len; j++)
		if (!((s[j] >= 'a' && s[j] <= 'z') ||
		    (s[j] >= 'A' && s[j] <= 'Z') ||
		    (s[j] >= '0' && s[j] <= '9') ||
		    s[j] == '.' || s[j] == '_' || s[j] == '+' || s[j] == '-')) {
			err_set(err, errlen, "tc%u: a byte outside "
			    "[A-Za-z0-9._+-]", i);
			return -1;
		}
	return 0;
}

int
disc_txt_check_sec(const uint8_t *s, size_t len, char *err, size_t errlen)
{
	if ((len == 4 && memcmp(s, "open", 4) == 0) ||
	    (len == 4 && memcmp(s, "site", 4) == 0) ||
	    (len == 4 && memcmp(s, "krb5", 4) == 0))
		return 0;
	err_set(err, errlen, "sec: not \"open\", \"site\" or \"krb5\"");
	return -1;
}

/* A Kerberos principal: service/host@REALM, printable, no quotes. */
int
disc_txt_check_krb(const uint8_t *s, size_t len, char *err, size_t errlen)
{
	if (len < DISC_KRB_MAX && kgss_principal_ok((const char *)s, len) &&
	    memchr(s, '/', len) != NULL)
		return 0;
	err_set(err, errlen, "krb: not a service principal "
	    "(service/host@REALM, printable, under %d bytes)", DISC_KRB_MAX);
	return -1;
}

/* A distcc text field: printable ASCII that fits cap bytes with its NUL. */
int
disc_txt_check_dtext(const uint8_t *s, size_t len, size_t cap, const char *key,
    char *err, size_t errlen)
{
	size_t	 i;

	if (len >= cap) {
		err_set(err, errlen, "%s: longer than %zu bytes", key, cap - 1);
		return -1;
	}
	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e) {
			err_set(err, errlen, "%s: a non-printable byte", key);
			return -1;
		}
	return 0;
}

/* Length of the string in a char array, or -1 if it has no NUL. */
int
disc_txt_field_len(const char *s, size_t cap, size_t *len)
{
	const char	*z = memchr(s, '\0', cap);

	if (z == NULL)
		return -1;
	*len = (size_t)(z - s);
	return 0;
}

/* The figures of info: cpus, slots, free, queue, load, mem. */
static int
info_check_counts(const struct disc_info *info, char *err, size_t errlen)
{
	if (info->cpus < 1 || info->cpus > DISC_LIMIT_CPUS) {
		err_set(err, errlen, "cpus: out of range 1..%d",
		    DISC_LIMIT_CPUS);
		return -1;
	}
	if (info->slots > TXT_SLOTS_MAX) {
		err_set(err, errlen, "slots: out of range 0..%d",
		    TXT_SLOTS_MAX);
		return -1;
	}
	if (info->free_slots > info->slots) {
		err_set(err, errlen, "free: more than slots");
		return -1;
	}
	if (info->queue > TXT_SLOTS_MAX) {
		err_set(err, errlen, "queue: out of range 0..%d",
		    TXT_SLOTS_MAX);
		return -1;
	}
	if (info->load > 100) {
		err_set(err, errlen, "load: out of range 0..100");
		return -1;
	}
	if (info->mem_free_mb > DISC_LIMIT_MEM_MB) {
		err_set(err, errlen, "mem: out of range 0..%u",
		    DISC_LIMIT_MEM_MB);
		return -1;
	}
	if (info->speed > DISC_LIMIT_SPEED) {
		err_set(err, errlen, "speed: out of range 0..%d",
		    DISC_LIMIT_SPEED);
		return -1;
	}
	return 0;
}

/*
 * Check every field of info as decode would.  Returns 0, or -1 with err.
 */
int
disc_txt_info_check(const struct disc_info *info, char *err, size_t errlen)
{
	size_t		 len;
	unsigned	 i;

	if (info->schema == 0) {
		err_set(err, errlen, "txtvers: 0 is invalid");
		return -1;
	}
	if (info->proto < 1 || info->proto > 65535) {
		err_set(err, errlen, "proto: out of range 1..65535");
		return -1;
	}
	if (disc_txt_field_len(info->cluster, sizeof(info->cluster),
	    &len) == -1) {
		err_set(err, errlen, "cluster: not terminated");
		return -1;
	}
	if (disc_txt_check_cluster((const uint8_t *)info->cluster, len, err,
	    errlen) == -1)
		return -1;
	if (disc_txt_field_len(info->fingerprint, sizeof(info->fingerprint),
	    &len) == -1) {
		err_set(err, errlen, "id: not terminated");
		return -1;
	}
	if (disc_txt_check_fpr((const uint8_t *)info->fingerprint, len, err,
	    errlen) == -1)
		return -1;
	if (info_check_counts(info, err, errlen) == -1)
		return -1;
	if (info->ntc > DISC_TC_MAX) {
		err_set(err, errlen, "too many toolchains (at most %d)",
		    DISC_TC_MAX);
		return -1;
	}
	for (i = 0; i < info->ntc; i++) {
		if (disc_txt_field_len(info->tc[i], DISC_TC_LEN, &len) == -1) {
			err_set(err, errlen, "tc%u: not terminated", i);
			return -1;
		}
		if (disc_txt_check_tc((const uint8_t *)info->tc[i], len, i, err,
		    errlen) == -1)
			return -1;
	}
	if (disc_txt_field_len(info->security, sizeof(info->security),
	    &len) == -1 ||
	    disc_txt_check_sec((const uint8_t *)info->security, len, err,
	    errlen) == -1) {
		err_set(err, errlen, "sec: not \"open\", \"site\" or "
		    "\"krb5\"");
		return -1;
	}
	if (disc_txt_field_len(info->principal, sizeof(info->principal),
	    &len) == -1 || (len > 0 && disc_txt_check_krb((const uint8_t *)
	    info->principal, len, err, errlen) == -1) || (len > 0) !=
	    (strcmp(info->security, "krb5") == 0)) {
		err_set(err, errlen, "krb: a service principal exactly when "
		    "sec is krb5");
		return -1;
	}
	if (info->status_port > 65535) {
		err_set(err, errlen, "status: out of range 0..65535");
		return -1;
	}
	return 0;
}

