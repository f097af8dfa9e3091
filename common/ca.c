/*
 * ca.c - the cluster CA: init, issue, revoke, and the revocation list.
 * Certificates are made by ident_cert_new(); this file keeps the CA's
 * books (issued.tsv, revoked.tsv) and signs the CRL.  See ca.h.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/ca.h"
#include "common/err.h"

#define CA_DAYS		3650	/* the CA certificate */
#define CRL_DAYS	3650	/* a revocation list stays valid */
#define CA_LINE_MAX	1024

static int
path_in(char *out, size_t outlen, const char *dir, const char *name,
    char *err, size_t errlen)
{
	int	 n = snprintf(out, outlen, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= outlen) {
		err_set(err, errlen, "%s: name too long", dir);
		return -1;
	}
	return 0;
}

int
ca_name_valid(const char *name)
{
	size_t	 n = strlen(name);

	if (n == 0 || n >= IDENT_NAME_MAX || name[0] == '-' || name[0] == '.')
		return 0;
	for (; *name != '\0'; name++)
		if (!((*name >= 'a' && *name <= 'z') ||
		    (*name >= 'A' && *name <= 'Z') ||
		    (*name >= '0' && *name <= '9') || *name == '.' ||
		    *name == '_' || *name == '-'))
			return 0;
	return 1;
}

/* Append one line to dir/name (created 0600). */
static int
append_line(const char *dir, const char *name, const char *line, char *err,
    size_t errlen)
{
	char	 p[PATH_MAX];
	int	 fd;
	size_t	 len = strlen(line);

	if (path_in(p, sizeof(p), dir, name, err, errlen) == -1)
		return -1;
	if ((fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) ==
	    -1 || write(fd, line, len) != (ssize_t)len || fsync(fd) == -1) {
		err_set(err, errlen, "%s: %s", p, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int
load_ca(const char *dir, struct ident *ca, char *err, size_t errlen)
{
	char	 p[PATH_MAX];

	if (path_in(p, sizeof(p), dir, "ca.pem", err, errlen) == -1)
		return -1;
	if (ident_load(ca, p, err, errlen) == -1)
		return -1;
	return 0;
}

int
ca_init(const char *dir, const char *name, char *fp, char *err,
    size_t errlen)
{
	char		 p[PATH_MAX];
	EVP_PKEY	*key = NULL;
	X509		*x = NULL;
	int		 rc = -1;

	if (!ca_name_valid(name)) {
		err_set(err, errlen, "CA name '%s': use 1..63 of A-Z a-z 0-9 "
		    ". _ -", name);
		return -1;
	}
	if (path_in(p, sizeof(p), dir, "ca.pem", err, errlen) == -1)
		return -1;
	if (access(p, F_OK) == 0) {
		err_set(err, errlen, "%s exists: this directory holds a CA "
		    "already", p);
		return -1;
	}
	if ((key = ident_newkey()) == NULL) {
		err_set(err, errlen, "cannot make a key");
		return -1;
	}
	if ((x = ident_cert_new(key, IDENT_CA, name, NULL, 0, NULL, NULL,
	    CA_DAYS, err, errlen)) == NULL)
		goto out;
	if (ident_write(p, key, x, NULL, 0, err, errlen) == -1)
		goto out;
	if (ident_fp(x, fp) == -1) {
		err_set(err, errlen, "cannot hash the CA key");
		goto out;
	}
	rc = ca_crl(dir, err, errlen);
out:
	EVP_PKEY_free(key);
	X509_free(x);
	return rc;
}

int
ca_issue(const char *dir, enum ident_role role, const char *name,
    const char *groups, unsigned days, const char *out, char *serial,
    char *err, size_t errlen)
{
	struct ident	 ca;
	EVP_PKEY	*key = NULL;
	X509		*x = NULL;
	STACK_OF(X509)	*cas = NULL;
	char		 gbuf[CA_LINE_MAX / 2], *g[IDENT_GROUPS_MAX], *s, *hex;
	char		 line[CA_LINE_MAX];
	size_t		 ng = 0;
	BIGNUM		*bn;
	int		 rc = -1;

	if (role != IDENT_HOST && role != IDENT_USER) {
		err_set(err, errlen, "issue: for a host or a user only");
		return -1;
	}
	if (!ca_name_valid(name)) {
		err_set(err, errlen, "name '%s': use 1..63 of A-Z a-z 0-9 . _ "
		    "-", name);
		return -1;
	}
	if (groups != NULL && strlen(groups) >= sizeof(gbuf)) {
		err_set(err, errlen, "too many groups");
		return -1;
	}
	snprintf(gbuf, sizeof(gbuf), "%s", groups != NULL ? groups : "");
	for (s = strtok(gbuf, ","); s != NULL; s = strtok(NULL, ",")) {
		if (!ca_name_valid(s) || ng == IDENT_GROUPS_MAX) {
			err_set(err, errlen, "group '%s': invalid or more "
			    "than %d groups", s, IDENT_GROUPS_MAX);
			return -1;
		}
		g[ng++] = s;
	}
	if (role == IDENT_HOST && ng > 0) {
		err_set(err, errlen, "groups are for users, not hosts");
		return -1;
	}
	if (load_ca(dir, &ca, err, errlen) == -1)
		return -1;
	if ((key = ident_newkey()) == NULL) {
		err_set(err, errlen, "cannot make a key");
		goto out;
	}
	if ((x = ident_cert_new(key, role, name, g, ng, ca.cert, ca.key, days,
	    err, errlen)) == NULL)
		goto out;
	if ((cas = sk_X509_new_null()) == NULL ||
	    sk_X509_push(cas, ca.cert) <= 0) {
		err_set(err, errlen, "out of memory");
		goto out;
	}
	if (ident_write(out, key, x, cas, 0, err, errlen) == -1)
		goto out;
	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	hex = bn != NULL ? BN_bn2hex(bn) : NULL;
	BN_free(bn);
	if (hex == NULL) {
		err_set(err, errlen, "out of memory");
		goto out;
	}
	snprintf(serial, CA_SERIAL_MAX, "%s", hex);
	OPENSSL_free(hex);
	snprintf(line, sizeof(line), "%s\t%s\t%s\t%s\t%lld\n", serial,
	    role == IDENT_HOST ? "host" : "user", name,
	    groups != NULL && groups[0] != '\0' ? groups : "-",
	    (long long)time(NULL) + (long long)days * 86400);
	rc = append_line(dir, "issued.tsv", line, err, errlen);
out:
	sk_X509_free(cas);	/* ca.cert is freed with ca */
	EVP_PKEY_free(key);
	X509_free(x);
	ident_clear(&ca);
	return rc;
}

/* Is serial listed in dir/revoked.tsv? */
static int
is_revoked(const char *dir, const char *serial)
{
	char	 p[PATH_MAX], line[CA_LINE_MAX];
	FILE	*f;
	int	 found = 0;

	if (path_in(p, sizeof(p), dir, "revoked.tsv", NULL, 0) == -1 ||
	    (f = fopen(p, "re")) == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strncmp(line, serial, strlen(serial)) == 0 &&
		    line[strlen(serial)] == '\t';
	fclose(f);
	return found;
}

int
ca_revoke(const char *dir, const char *what, char *err, size_t errlen)
{
	char	 p[PATH_MAX], line[CA_LINE_MAX], out[CA_LINE_MAX];
	FILE	*f;
	int	 n = 0;

	if (path_in(p, sizeof(p), dir, "issued.tsv", err, errlen) == -1)
		return -1;
	if ((f = fopen(p, "re")) == NULL) {
		err_set(err, errlen, "%s: %s", p, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *serial = strtok(line, "\t"), *name;

		(void)strtok(NULL, "\t");
		name = strtok(NULL, "\t");
		if (serial == NULL || name == NULL || (strcmp(serial, what) !=
		    0 && strcmp(name, what) != 0) || is_revoked(dir, serial))
			continue;
		snprintf(out, sizeof(out), "%s\t%lld\n", serial,
		    (long long)time(NULL));
		if (append_line(dir, "revoked.tsv", out, err, errlen) == -1) {
			fclose(f);
			return -1;
		}
		n++;
	}
	fclose(f);
	if (n == 0) {
		err_set(err, errlen, "no certificate named or numbered '%s' "
		    "that is not revoked already", what);
		return 0;
	}
	return ca_crl(dir, err, errlen) == -1 ? -1 : n;
}

/*
 * Add to crl an entry for each "<serial hex>\t<time>" line of f (the
 * revoked.tsv ledger; other lines are skipped), t being scratch.  0, or
 * -1 when OpenSSL fails.
 */
static int
crl_add_revoked(X509_CRL *crl, FILE *f, ASN1_TIME *t)
{
	char		 line[CA_LINE_MAX];
	BIGNUM		*bn = NULL;
	int		 rc = -1;

	while (fgets(line, sizeof(line), f) != NULL) {
		X509_REVOKED	*r;
		ASN1_INTEGER	*ai;
		char		*serial = strtok(line, "\t\n");
		char		*when = strtok(NULL, "\t\n");

		if (serial == NULL || when == NULL ||
		    BN_hex2bn(&bn, serial) == 0)
			continue;
		time_t		 tr = (time_t)strtoll(when, NULL, 10);

		ai = BN_to_ASN1_INTEGER(bn, NULL);
		if ((r = X509_REVOKED_new()) == NULL || ai == NULL ||
		    X509_time_adj_ex(t, 0, 0, &tr) == NULL ||
		    X509_REVOKED_set_revocationDate(r, t) != 1 ||
		    X509_REVOKED_set_serialNumber(r, ai) != 1 ||
		    X509_CRL_add0_revoked(crl, r) != 1) {
			ASN1_INTEGER_free(ai);
			X509_REVOKED_free(r);
			goto out;
		}
		ASN1_INTEGER_free(ai);
	}
	rc = 0;
out:
	BN_free(bn);
	return rc;
}

/*
 * Write crl to the file p as PEM.  Public (servers read it, mode 0644);
 * written whole to p.new, then renamed.  0, or -1 with err set.
 */
static int
crl_write(X509_CRL *crl, const char *p, char *err, size_t errlen)
{
	char	 tmp[PATH_MAX];
	BIO	*b = NULL;
	int	 fd, rc = -1;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", p) >=
	    sizeof(tmp) || (fd = open(tmp, O_WRONLY | O_CREAT |
	    O_TRUNC | O_CLOEXEC, 0644)) == -1) {
		err_set(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if ((b = BIO_new_fd(fd, BIO_CLOSE)) == NULL) {
		close(fd);
		err_set(err, errlen, "cannot make the revocation list");
		return -1;
	}
	if (PEM_write_bio_X509_CRL(b, crl) != 1 || BIO_flush(b) != 1 ||
	    rename(tmp, p) == -1)
		err_set(err, errlen, "%s: cannot write", p);
	else
		rc = 0;
	BIO_free(b);
	return rc;
}

int
ca_crl(const char *dir, char *err, size_t errlen)
{
	struct ident	 ca;
	X509_CRL	*crl = NULL;
	ASN1_TIME	*t = NULL;
	FILE		*f = NULL;
	char		 p[PATH_MAX];
	int		 rc = -1;

	if (load_ca(dir, &ca, err, errlen) == -1)
		return -1;
	if ((crl = X509_CRL_new()) == NULL || (t = ASN1_TIME_new()) == NULL ||
	    X509_CRL_set_version(crl, 1) != 1 ||
	    X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca.cert)) !=
	    1 || X509_gmtime_adj(t, 0) == NULL ||
	    X509_CRL_set1_lastUpdate(crl, t) != 1 ||
	    X509_time_adj_ex(t, CRL_DAYS, 0, NULL) == NULL ||
	    X509_CRL_set1_nextUpdate(crl, t) != 1)
		goto ssl_fail;
	if (path_in(p, sizeof(p), dir, "revoked.tsv", err, errlen) == -1)
		goto out;
	if ((f = fopen(p, "re")) != NULL) {
		if (crl_add_revoked(crl, f, t) == -1)
			goto ssl_fail;
	} else if (errno != ENOENT) {
		err_set(err, errlen, "%s: %s", p, strerror(errno));
		goto out;
	}
	if (X509_CRL_sort(crl) != 1 || X509_CRL_sign(crl, ca.key, NULL) <= 0)
		goto ssl_fail;
	if (path_in(p, sizeof(p), dir, "crl.pem", err, errlen) == -1)
		goto out;
	if (crl_write(crl, p, err, errlen) == -1)
		goto out;
	rc = 0;
	goto out;
ssl_fail:
	err_set(err, errlen, "cannot make the revocation list");
out:
	ERR_clear_error();
	if (f != NULL)
		fclose(f);
	ASN1_TIME_free(t);
	X509_CRL_free(crl);
	ident_clear(&ca);
	return rc;
}
