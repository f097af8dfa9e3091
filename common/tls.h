/*
 * tls.h - TLS 1.3 contexts for ccpool connections and the check of who
 * is at the other end.
 *
 * Both ends always present a certificate.  The handshake itself accepts
 * any well-formed certificate (it proves the peer holds the key); the
 * decision is taken right after it, by tls_peer_check(), so that the
 * refused side gets a clear reason over the encrypted channel and the
 * decision is logged with the identity it concerned:
 *   open: the peer is its key fingerprint; the caller compares it with
 *         the pinned or advertised one (client) or accepts any key from
 *         an allowed address (server);
 *   site: the peer's chain must verify to the cluster CA, with the right
 *         role (serverAuth for a host, clientAuth for a user) and not be
 *         in the CA's revocation list.
 */
#ifndef CCPOOL_TLS_H
#define CCPOOL_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "common/ident.h"

enum tls_trust {
	TLS_OPEN,
	TLS_SITE,
	TLS_KRB5	/* server: TLS as open mode, then GSS-API (kgss.h) */
};

/* Who the peer is, after the handshake. */
struct tls_peer {
	char		 fp[IDENT_FP_LEN];
	char		 name[IDENT_NAME_MAX];	/* subject CN */
	char		 groups[IDENT_GROUPS_MAX][IDENT_NAME_MAX];
	size_t		 ngroups;
};

/* Which side the context is for. */
enum tls_side {
	TLS_SERVER,		/* ccpoold jobs port: a peer cert is asked */
	TLS_SERVER_ANON,	/* status port: no peer cert asked */
	TLS_CLIENT
};

/*
 * A TLS 1.3-only context presenting id (its key, certificate and CA
 * chain).  For TLS_SITE, id->cas are the trust anchors and crl (a PEM
 * file; NULL or "" for none) the revocation list.  Returns the context,
 * or NULL with err set.
 */
SSL_CTX	*tls_ctx_new(enum tls_side side, const struct ident *id,
	    enum tls_trust trust, const char *crl, char *err, size_t errlen);

/*
 * Replace the revocation list of a site context with the CRLs in pem
 * (len bytes): a new store with the same trust anchors.  Later handshakes
 * and tls_peer_check() use it.  Returns 0, or -1 with err set (the old
 * list stays).
 */
int	 tls_ctx_set_crl(SSL_CTX *ctx, const void *pem, size_t len, char *err,
	    size_t errlen);

/* Parse a trust mode name ("open", "site"); -1 if neither. */
int	 tls_trust_parse(const char *s);
const char *tls_trust_name(enum tls_trust t);

/*
 * Identify the peer of a finished handshake into *p and, for TLS_SITE,
 * check its chain against the context's CA and revocation list for the
 * role of the peer (a server checks users, a client checks hosts).
 * Returns 0 if the peer is acceptable so far, or -1 with a reason for
 * the peer in err ("no client certificate", "certificate revoked", ...);
 * *p is filled whenever a certificate was presented.
 */
int	 tls_peer_check(SSL *ssl, enum tls_trust trust, int peer_is_server,
	    struct tls_peer *p, char *err, size_t errlen);

/*
 * Why a TLS connection failed, in words that name the real cause: a
 * server that is down, gone or unreachable is not a TLS failure.
 * handshaking: it failed before the handshake was over; timed_out: our
 * timer fired; ssl_err: an error the TLS layer kept (libevent's
 * bufferevent_get_openssl_error(), the most telling one; 0: none; a
 * value of no OpenSSL library, such as SSL_ERROR_SYSCALL, means the
 * socket failed); sock_err: the socket's errno (0, EAGAIN, EINTR,
 * EINPROGRESS: none, left over from another call); tcp_state: the
 * socket's TCP state (TCP_INFO's tcpi_state; -1: unknown).  Writes
 * "connection refused", "no answer to connect (timed out)", "TLS
 * handshake failed: wrong version number", ... into buf (len bytes) and
 * returns buf.
 */
const char *tls_conn_why(char *buf, size_t len, int handshaking,
	    int timed_out, unsigned long ssl_err, int sock_err, int tcp_state);

#endif
