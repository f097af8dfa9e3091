/*
 * ident.h - who a ccpool program is: a private key, its certificate and,
 * for a site member, the cluster CA that issued it.
 *
 * One PEM file holds all of it (key first, then the certificate, then
 * CA certificates), mode 0600.  An identity that does not exist yet is
 * made on first use: an Ed25519 key and a self-signed certificate, so
 * that every server and user has a stable key without configuration.
 * The fingerprint that users compare, pin and see in adverts is
 * "sha256:" + hex SHA-256 of the DER SubjectPublicKeyInfo: it names the
 * key, not the certificate, so re-issuing a certificate for the same key
 * keeps it.  Library code (OpenSSL); errors come back as strings.
 */
#ifndef CCPOOL_IDENT_H
#define CCPOOL_IDENT_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#define IDENT_FP_LEN	72	/* "sha256:" + 64 hex + NUL */
#define IDENT_NAME_MAX	64	/* CN bytes incl. NUL */
#define IDENT_GROUPS_MAX 16	/* OU entries read from a certificate */

struct ident {
	EVP_PKEY	*key;
	X509		*cert;
	STACK_OF(X509)	*cas;		/* issuer certificates; may be empty */
	char		 fp[IDENT_FP_LEN];
};

/*
 * Load the identity in path, or, if path does not exist, make one
 * (Ed25519, self-signed, CN=cn, valid 100 years), write it atomically
 * with mode 0600 (the directory is created 0700 if missing) and load
 * that.  Two processes racing get the same identity.  Returns 0, or -1
 * with err set; *id is then cleared.
 */
int	ident_load_or_make(struct ident *id, const char *path, const char *cn,
	    char *err, size_t errlen);

/*
 * Load an existing identity file.  Refuses a file that group or others
 * can read, a key that does not match the certificate, or a missing key
 * or certificate.  Returns 0, or -1 with err set.
 */
int	ident_load(struct ident *id, const char *path, char *err,
	    size_t errlen);

/* Free what *id holds (the key is wiped by OpenSSL) and zero it. */
void	ident_clear(struct ident *id);

/* Fingerprint of cert's public key into out (IDENT_FP_LEN). 0 or -1. */
int	ident_fp(X509 *cert, char *out);

/*
 * The same hash as curl's --pinnedpubkey wants it: "sha256//" + base64.
 * Takes a fingerprint string; 0, or -1 if fp is malformed.
 */
int	ident_fp_curlpin(const char *fp, char *out, size_t outlen);

/* Is s a well-formed fingerprint? */
int	ident_fp_valid(const char *s);

/* cert's subject CN into out (IDENT_NAME_MAX); "" if none. */
void	ident_cn(X509 *cert, char *out);

/*
 * The OU entries of cert's subject (groups of a site user) into
 * groups[IDENT_GROUPS_MAX][IDENT_NAME_MAX]; returns how many.
 */
size_t	ident_groups(X509 *cert, char groups[][IDENT_NAME_MAX]);

/*
 * Write key, cert and cas as one PEM file at path, mode 0600, atomically
 * (a temporary file, then link(): fails if path exists unless replace).
 */
int	ident_write(const char *path, EVP_PKEY *key, X509 *cert,
	    STACK_OF(X509) *cas, int replace, char *err, size_t errlen);

/* A new Ed25519 key, or NULL. */
EVP_PKEY *ident_newkey(void);

/* What a certificate is for (extensions ident_cert_new() puts in). */
enum ident_role {
	IDENT_SELF,	/* open mode: self-signed, client and server auth */
	IDENT_CA,	/* a cluster CA: CA:TRUE, keyCertSign, cRLSign */
	IDENT_HOST,	/* a site server: serverAuth */
	IDENT_USER	/* a site user: clientAuth, groups as OU */
};

/*
 * A new certificate for key: subject CN=cn plus one OU per group, signed
 * by issuer_key with issuer's subject (both NULL: self-signed), a random
 * 127-bit serial, valid from an hour ago for days days.  Returns it, or
 * NULL with err set.
 */
X509	*ident_cert_new(EVP_PKEY *key, enum ident_role role, const char *cn,
	    char *const *groups, size_t ngroups, X509 *issuer,
	    EVP_PKEY *issuer_key, unsigned days, char *err, size_t errlen);

/* mkdir -p of path's directory, new parts mode 0700.  0 or -1. */
int	ident_mkdir_parent(const char *path, char *err, size_t errlen);

/* Where a program keeps its state: the directory for file name under
 * $XDG_CONFIG_HOME/ccpool (or ~/.config/ccpool) into out. 0 or -1. */
int	ident_user_path(const char *name, char *out, size_t outlen,
	    char *err, size_t errlen);

#endif
