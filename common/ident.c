/*
 * ident.c - identity files: make, load, write, fingerprint; and the one
 * certificate builder that both self-signed identities and the cluster
 * CA (common/ca.c) use.  See ident.h.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/err.h"
#include "common/ident.h"

#define SELF_DAYS	36500	/* a self-signed identity never expires */

/* The reason of the last OpenSSL error, for err_set(). */
static const char *
ssl_reason(void)
{
	unsigned long	 e = ERR_get_error();
	const char	*r;

	ERR_clear_error();
	if (e == 0 || (r = ERR_reason_error_string(e)) == NULL)
		return "unknown OpenSSL error";
	return r;
}

void
ident_clear(struct ident *id)
{
	if (id == NULL)
		return;
	EVP_PKEY_free(id->key);
	X509_free(id->cert);
	sk_X509_pop_free(id->cas, X509_free);
	memset(id, 0, sizeof(*id));
}

int
ident_fp(X509 *cert, char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char	*der = NULL, md[32];
	unsigned	 mdlen = 0;
	int		 n;

	out[0] = '\0';
	if (cert == NULL || (n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert),
	    &der)) <= 0)
		return -1;
	if (EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != sizeof(md)) {
		OPENSSL_free(der);
		return -1;
	}
	OPENSSL_free(der);
	memcpy(out, "sha256:", 7);
	for (size_t i = 0; i < mdlen; i++) {
		out[7 + 2 * i] = hex[md[i] >> 4];
		out[8 + 2 * i] = hex[md[i] & 0xf];
	}
	out[7 + 2 * (size_t)mdlen] = '\0';
	return 0;
}

int
ident_fp_valid(const char *s)
{
	if (strncmp(s, "sha256:", 7) != 0 || strlen(s) != IDENT_FP_LEN - 1)
		return 0;
	for (s += 7; *s != '\0'; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

static unsigned
hexval(char c)
{
	return c <= '9' ? (unsigned)(c - '0') : (unsigned)(c - 'a' + 10);
}

int
ident_fp_curlpin(const char *fp, char *out, size_t outlen)
{
	unsigned char	 md[32];
	char		 b64[64];

	if (!ident_fp_valid(fp) || outlen < 8 + 45)
		return -1;
	/* ident_fp_valid(): lower-case hex digits only */
	for (size_t i = 0; i < 32; i++)
		md[i] = (unsigned char)(hexval(fp[7 + 2 * i]) << 4 |
		    hexval(fp[8 + 2 * i]));
	if (EVP_EncodeBlock((unsigned char *)b64, md, 32) != 44)
		return -1;
	snprintf(out, outlen, "sha256//%s", b64);
	return 0;
}

void
ident_cn(X509 *cert, char *out)
{
	out[0] = '\0';
	if (cert == NULL || X509_NAME_get_text_by_NID(
	    X509_get_subject_name(cert), NID_commonName, out,
	    IDENT_NAME_MAX) < 0)
		out[0] = '\0';
}

size_t
ident_groups(X509 *cert, char groups[][IDENT_NAME_MAX])
{
	X509_NAME	*nm = X509_get_subject_name(cert);
	int		 i = -1;
	size_t		 n = 0;

	while (n < IDENT_GROUPS_MAX && (i = X509_NAME_get_index_by_NID(nm,
	    NID_organizationalUnitName, i)) >= 0) {
		ASN1_STRING *s = X509_NAME_ENTRY_get_data(
		    X509_NAME_get_entry(nm, i));
		int len = ASN1_STRING_length(s);

		if (len <= 0 || len >= IDENT_NAME_MAX)
			continue;
		memcpy(groups[n], ASN1_STRING_get0_data(s), (size_t)len);
		groups[n][len] = '\0';
		if (strlen(groups[n]) == (size_t)len)	/* no NUL inside */
			n++;
	}
	return n;
}

EVP_PKEY *
ident_newkey(void)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
}

static int
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*e;
	int		 ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if ((e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return -1;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok == 1 ? 0 : -1;
}

X509 *
ident_cert_new(EVP_PKEY *key, enum ident_role role, const char *cn,
    char *const *groups, size_t ngroups, X509 *issuer, EVP_PKEY *issuer_key,
    unsigned days, char *err, size_t errlen)
{
	X509		*x;
	X509_NAME	*nm;
	BIGNUM		*bn = NULL;
	size_t		 i;
	int		 ok;

	if ((x = X509_new()) == NULL || (bn = BN_new()) == NULL)
		goto fail;
	if (X509_set_version(x, 2) != 1 || BN_rand(bn, 127, BN_RAND_TOP_ANY,
	    BN_RAND_BOTTOM_ANY) != 1 ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), (int)days, 0, NULL) ==
	    NULL || X509_set_pubkey(x, key) != 1)
		goto fail;
	nm = X509_get_subject_name(x);
	if (X509_NAME_add_entry_by_NID(nm, NID_commonName, MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0) != 1)
		goto fail;
	for (i = 0; i < ngroups; i++)
		if (X509_NAME_add_entry_by_NID(nm, NID_organizationalUnitName,
		    MBSTRING_UTF8, (const unsigned char *)groups[i], -1, -1,
		    0) != 1)
			goto fail;
	if (issuer == NULL) {
		issuer = x;
		issuer_key = key;
	}
	if (X509_set_issuer_name(x, X509_get_subject_name(issuer)) != 1)
		goto fail;
	switch (role) {
	case IDENT_CA:
		ok = add_ext(x, issuer, NID_basic_constraints,
		    "critical,CA:TRUE,pathlen:0") == 0 &&
		    add_ext(x, issuer, NID_key_usage,
		    "critical,keyCertSign,cRLSign") == 0;
		break;
	case IDENT_HOST:
		ok = add_ext(x, issuer, NID_basic_constraints,
		    "critical,CA:FALSE") == 0 &&
		    add_ext(x, issuer, NID_ext_key_usage, "serverAuth") == 0;
		break;
	case IDENT_USER:
		ok = add_ext(x, issuer, NID_basic_constraints,
		    "critical,CA:FALSE") == 0 &&
		    add_ext(x, issuer, NID_ext_key_usage, "clientAuth") == 0;
		break;
	default:
		ok = add_ext(x, issuer, NID_basic_constraints,
		    "critical,CA:FALSE") == 0;
		break;
	}
	if (!ok || add_ext(x, issuer, NID_subject_key_identifier, "hash") ==
	    -1 || (issuer != x && add_ext(x, issuer,
	    NID_authority_key_identifier, "keyid:always") == -1))
		goto fail;
	if (X509_sign(x, issuer_key, NULL) <= 0)
		goto fail;
	BN_free(bn);
	return x;
fail:
	err_set(err, errlen, "cannot make a certificate: %s", ssl_reason());
	BN_free(bn);
	X509_free(x);
	return NULL;
}

int
ident_mkdir_parent(const char *path, char *err, size_t errlen)
{
	char	 d[PATH_MAX], *p;

	if (strlen(path) >= sizeof(d)) {
		err_set(err, errlen, "%s: name too long", path);
		return -1;
	}
	memcpy(d, path, strlen(path) + 1);
	if ((p = strrchr(d, '/')) == NULL || p == d)
		return 0;
	*p = '\0';
	for (p = d + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(d, 0700) == -1 && errno != EEXIST) {
			err_set(err, errlen, "mkdir %s: %s", d,
			    strerror(errno));
			return -1;
		}
		if ((*p = c) == '\0')
			break;
	}
	return 0;
}

int
ident_write(const char *path, EVP_PKEY *key, X509 *cert, STACK_OF(X509) *cas,
    int replace, char *err, size_t errlen)
{
	char		 tmp[PATH_MAX];
	BIO		*b = NULL;
	int		 fd = -1, i, rc = -1;

	if (ident_mkdir_parent(path, err, errlen) == -1)
		return -1;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    sizeof(tmp)) {
		err_set(err, errlen, "%s: name too long", path);
		return -1;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		err_set(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	/* mkostemp made it 0600 already. */
	if ((b = BIO_new_fd(fd, BIO_NOCLOSE)) == NULL ||
	    (key != NULL && PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0,
	    NULL, NULL) != 1) ||
	    (cert != NULL && PEM_write_bio_X509(b, cert) != 1)) {
		err_set(err, errlen, "%s: %s", path, ssl_reason());
		goto out;
	}
	for (i = 0; cas != NULL && i < sk_X509_num(cas); i++)
		if (PEM_write_bio_X509(b, sk_X509_value(cas, i)) != 1) {
			err_set(err, errlen, "%s: %s", path, ssl_reason());
			goto out;
		}
	if (BIO_flush(b) != 1 || fsync(fd) == -1) {
		err_set(err, errlen, "%s: write failed", path);
		goto out;
	}
	if (replace ? rename(tmp, path) == -1 : link(tmp, path) == -1) {
		err_set(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	BIO_free(b);
	close(fd);
	if (rc == -1 || !replace)
		(void)unlink(tmp);
	return rc;
}

int
ident_load(struct ident *id, const char *path, char *err, size_t errlen)
{
	struct stat	 st;
	BIO		*b = NULL;
	X509		*x;
	int		 fd;

	memset(id, 0, sizeof(*id));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		err_set(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		err_set(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	if (st.st_mode & 077) {
		err_set(err, errlen, "%s: readable by others (mode %03o); "
		    "chmod 600 it", path, (unsigned)(st.st_mode & 0777));
		close(fd);
		return -1;
	}
	if ((b = BIO_new_fd(fd, BIO_CLOSE)) == NULL) {
		close(fd);
		err_set(err, errlen, "out of memory");
		return -1;
	}
	id->key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	id->cert = PEM_read_bio_X509(b, NULL, NULL, NULL);
	if (id->key == NULL || id->cert == NULL) {
		err_set(err, errlen, "%s: no %s in it", path, id->key == NULL ?
		    "private key" : "certificate");
		goto fail;
	}
	if ((id->cas = sk_X509_new_null()) == NULL)
		goto fail;
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
		if (sk_X509_push(id->cas, x) <= 0) {
			X509_free(x);
			goto fail;
		}
	ERR_clear_error();	/* the end of the file */
	if (X509_check_private_key(id->cert, id->key) != 1) {
		err_set(err, errlen, "%s: the key does not match the "
		    "certificate", path);
		goto fail;
	}
	if (ident_fp(id->cert, id->fp) == -1) {
		err_set(err, errlen, "%s: cannot hash the key", path);
		goto fail;
	}
	BIO_free(b);
	return 0;
fail:
	if (err != NULL && errlen > 0 && err[0] == '\0')
		err_set(err, errlen, "%s: %s", path, ssl_reason());
	BIO_free(b);
	ident_clear(id);
	return -1;
}

int
ident_load_or_make(struct ident *id, const char *path, const char *cn,
    char *err, size_t errlen)
{
	EVP_PKEY	*key;
	X509		*x;
	int		 rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (access(path, F_OK) == 0 || errno != ENOENT)
		return ident_load(id, path, err, errlen);
	if ((key = ident_newkey()) == NULL) {
		err_set(err, errlen, "cannot make a key: %s", ssl_reason());
		return -1;
	}
	x = ident_cert_new(key, IDENT_SELF, cn, NULL, 0, NULL, NULL,
	    SELF_DAYS, err, errlen);
	rc = x == NULL ? -1 : ident_write(path, key, x, NULL, 0, err, errlen);
	EVP_PKEY_free(key);
	X509_free(x);
	/* Lost a race with another process: its identity is the one. */
	if (rc == -1 && (x == NULL || access(path, F_OK) == -1))
		return -1;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	return ident_load(id, path, err, errlen);
}

int
ident_user_path(const char *name, char *out, size_t outlen, char *err,
    size_t errlen)
{
	const char	*x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
	int		 n;

	if (x != NULL && x[0] == '/')
		n = snprintf(out, outlen, "%s/ccpool/%s", x, name);
	else if (h != NULL && h[0] == '/')
		n = snprintf(out, outlen, "%s/.config/ccpool/%s", h, name);
	else {
		err_set(err, errlen, "neither XDG_CONFIG_HOME nor HOME is "
		    "set to an absolute path");
		return -1;
	}
	if (n < 0 || (size_t)n >= outlen) {
		err_set(err, errlen, "configuration path too long");
		return -1;
	}
	return 0;
}
