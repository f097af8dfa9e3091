/*
 * tls.c - TLS contexts and the peer check; see tls.h.  The handshake's
 * own verification is told to accept (accept_any) so that the checks in
 * tls_peer_check() are the single place where trust is decided.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "common/err.h"
#include "common/tls.h"

static int
accept_any(int ok, X509_STORE_CTX *ctx)
{
	(void)ok;
	(void)ctx;
	return 1;
}

int
tls_trust_parse(const char *s)
{
	if (strcmp(s, "open") == 0)
		return TLS_OPEN;
	if (strcmp(s, "site") == 0)
		return TLS_SITE;
	if (strcmp(s, "krb5") == 0)
		return TLS_KRB5;
	return -1;
}

const char *
tls_trust_name(enum tls_trust t)
{
	return t == TLS_SITE ? "site" : t == TLS_KRB5 ? "krb5" : "open";
}

/* Load every CRL in b into store; what names the source in errors. */
static int
load_crl_bio(X509_STORE *store, BIO *b, const char *path, char *err,
    size_t errlen)
{
	X509_CRL	*crl;
	int		 n = 0;

	while ((crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL)) != NULL) {
		if (X509_STORE_add_crl(store, crl) != 1) {
			X509_CRL_free(crl);
			BIO_free(b);
			err_set(err, errlen, "revocation list %s: cannot use "
			    "it", path);
			return -1;
		}
		X509_CRL_free(crl);
		n++;
	}
	ERR_clear_error();
	BIO_free(b);
	if (n == 0) {
		err_set(err, errlen, "revocation list %s: no CRL in it", path);
		return -1;
	}
	X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
	return 0;
}

/* Load every CRL in the PEM file path into store. */
static int
load_crl(X509_STORE *store, const char *path, char *err, size_t errlen)
{
	BIO	*b;

	if ((b = BIO_new_file(path, "r")) == NULL) {
		err_set(err, errlen, "revocation list %s: cannot open", path);
		ERR_clear_error();
		return -1;
	}
	return load_crl_bio(store, b, path, err, errlen);
}

int
tls_ctx_set_crl(SSL_CTX *ctx, const void *pem, size_t len, char *err,
    size_t errlen)
{
	STACK_OF(X509_OBJECT) *objs;
	X509_STORE	*store;
	X509		*x;
	BIO		*b;
	int		 i;

	if (len > INT_MAX || (store = X509_STORE_new()) == NULL) {
		err_set(err, errlen, "out of memory");
		return -1;
	}
	objs = X509_STORE_get0_objects(SSL_CTX_get_cert_store(ctx));
	for (i = 0; i < sk_X509_OBJECT_num(objs); i++)
		if ((x = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs,
		    i))) != NULL && X509_STORE_add_cert(store, x) != 1)
			goto fail;
	if ((b = BIO_new_mem_buf(pem, (int)len)) == NULL ||
	    load_crl_bio(store, b, "(reloaded)", err, errlen) == -1)
		goto fail;
	SSL_CTX_set_cert_store(ctx, store);	/* frees the old one */
	return 0;
fail:
	if (err != NULL && errlen > 0 && err[0] == '\0')
		err_set(err, errlen, "cannot build the new store");
	ERR_clear_error();
	X509_STORE_free(store);
	return -1;
}

SSL_CTX *
tls_ctx_new(enum tls_side side, const struct ident *id, enum tls_trust trust,
    const char *crl, char *err, size_t errlen)
{
	SSL_CTX		*ctx;
	X509_STORE	*store;
	int		 i, mode;

	ctx = SSL_CTX_new(side == TLS_CLIENT ? TLS_client_method() :
	    TLS_server_method());
	if (ctx == NULL) {
		err_set(err, errlen, "SSL_CTX_new failed");
		return NULL;
	}
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_use_certificate(ctx, id->cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, id->key) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		err_set(err, errlen, "cannot use the identity for TLS");
		goto fail;
	}
	for (i = 0; id->cas != NULL && i < sk_X509_num(id->cas); i++)
		if (SSL_CTX_add1_chain_cert(ctx, sk_X509_value(id->cas, i)) !=
		    1) {
			err_set(err, errlen, "cannot add the CA certificate");
			goto fail;
		}
	store = SSL_CTX_get_cert_store(ctx);
	if (trust == TLS_SITE) {
		if (id->cas == NULL || sk_X509_num(id->cas) == 0) {
			err_set(err, errlen, "site mode needs an identity "
			    "issued by the cluster CA (with the CA "
			    "certificate in it)");
			goto fail;
		}
		for (i = 0; i < sk_X509_num(id->cas); i++)
			if (X509_STORE_add_cert(store,
			    sk_X509_value(id->cas, i)) != 1) {
				err_set(err, errlen, "cannot trust the CA");
				goto fail;
			}
		if (crl != NULL && crl[0] != '\0' &&
		    load_crl(store, crl, err, errlen) == -1)
			goto fail;
	}
	mode = side == TLS_SERVER_ANON ? SSL_VERIFY_NONE : SSL_VERIFY_PEER;
	SSL_CTX_set_verify(ctx, mode, accept_any);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 0);
	/* a peer that closes without close_notify has simply gone */
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_IGNORE_UNEXPECTED_EOF);
	ERR_clear_error();
	return ctx;
fail:
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return NULL;
}

/* Verify cert (with the peer's chain) against the context's store. */
static int
verify_site(SSL *ssl, X509 *cert, int peer_is_server, char *err,
    size_t errlen)
{
	X509_STORE_CTX	*vc;
	X509_STORE	*store = SSL_CTX_get_cert_store(SSL_get_SSL_CTX(ssl));
	STACK_OF(X509)	*chain = SSL_get_peer_cert_chain(ssl);
	int		 ok, e;

	if ((vc = X509_STORE_CTX_new()) == NULL ||
	    X509_STORE_CTX_init(vc, store, cert, chain) != 1) {
		X509_STORE_CTX_free(vc);
		err_set(err, errlen, "out of memory");
		return -1;
	}
	X509_STORE_CTX_set_default(vc, peer_is_server ? "ssl_server" :
	    "ssl_client");
	ok = X509_verify_cert(vc);
	e = X509_STORE_CTX_get_error(vc);
	X509_STORE_CTX_free(vc);
	ERR_clear_error();
	if (ok == 1)
		return 0;
	err_set(err, errlen, "%s certificate not accepted by the cluster "
	    "CA: %s", peer_is_server ? "server" : "client",
	    X509_verify_cert_error_string(e));
	return -1;
}

int
tls_peer_check(SSL *ssl, enum tls_trust trust, int peer_is_server,
    struct tls_peer *p, char *err, size_t errlen)
{
	X509	*cert;
	int	 rc = 0;

	memset(p, 0, sizeof(*p));
	if ((cert = SSL_get1_peer_certificate(ssl)) == NULL) {
		err_set(err, errlen, "no %s certificate was presented",
		    peer_is_server ? "server" : "client");
		return -1;
	}
	if (ident_fp(cert, p->fp) == -1) {
		err_set(err, errlen, "cannot hash the peer's key");
		rc = -1;
	} else {
		ident_cn(cert, p->name);
		p->ngroups = ident_groups(cert, p->groups);
		if (trust == TLS_SITE)
			rc = verify_site(ssl, cert, peer_is_server, err,
			    errlen);
	}
	X509_free(cert);
	return rc;
}

const char *
tls_conn_why(char *buf, size_t len, int handshaking, int timed_out,
    unsigned long ssl_err, int sock_err, int tcp_state)
{
	const char	*r;

	if (len == 0)
		return buf;
	if (timed_out) {
		if (tcp_state == TCP_SYN_SENT)
			snprintf(buf, len, "no answer to connect (timed out)");
		else if (handshaking && tcp_state == TCP_ESTABLISHED)
			snprintf(buf, len, "TLS handshake timed out");
		else
			snprintf(buf, len, "timed out");
		return buf;
	}
	if (ssl_err != 0 && ERR_GET_LIB(ssl_err) != 0) {
		/* the peer closed the socket: the TLS layer says "eof" */
		if (ERR_GET_LIB(ssl_err) == ERR_LIB_SSL &&
		    ERR_GET_REASON(ssl_err) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
			snprintf(buf, len, "%s", handshaking ? "connection "
			    "closed during the TLS handshake" :
			    "connection closed");
		else if ((r = ERR_reason_error_string(ssl_err)) != NULL)
			snprintf(buf, len, "%s: %s", handshaking ? "TLS "
			    "handshake failed" : "TLS error", r);
		else
			snprintf(buf, len, "%s", handshaking ? "TLS handshake "
			    "failed" : "TLS error");
		return buf;
	}
	/* the socket's own error: refused, reset, unreachable... (errno
	 * values that are no failure are left over from another call) */
	if (sock_err != 0 && sock_err != EAGAIN && sock_err != EWOULDBLOCK &&
	    sock_err != EINTR && sock_err != EINPROGRESS) {
		snprintf(buf, len, "%s", strerror(sock_err));
		buf[0] = (char)tolower((unsigned char)buf[0]);
	} else
		snprintf(buf, len, "%s", handshaking ? "connection closed "
		    "during the TLS handshake" : "connection closed");
	return buf;
}
