/*
 * kgss.h - what both ends of kerberos mode share (the agent initiates,
 * ccpoold's kauth process accepts): the channel binding to the TLS
 * connection and GSS-API status messages.
 *
 * Kerberos mode runs one GSS-API exchange (the krb5 mechanism, mutual
 * authentication) inside each TLS 1.3 connection, after the hello: the
 * client sends a GSS_ frame, the server answers with its own GSS_ frame
 * (the AP-REP) or a refusal.  Both ends bind the exchange to their TLS
 * connection with the TLS exporter (RFC 9266, "tls-exporter"), so a token
 * taken from one connection is refused on any other: a rogue server that
 * relays a client's token to a real server gets nothing.
 */
#ifndef CCPOOL_KGSS_H
#define CCPOOL_KGSS_H

#include <stddef.h>
#include <stdint.h>

#include <gssapi/gssapi.h>
#include <openssl/ssl.h>

#define KGSS_CB_LEN	32	/* bytes of the TLS exporter we bind to */
#define KGSS_CB_PREFIX	"tls-exporter:"
#define KGSS_CB_APPLEN	(sizeof(KGSS_CB_PREFIX) - 1 + KGSS_CB_LEN)
#define KGSS_TOKEN_MAX	65536	/* largest GSS_ payload either end takes */
#define KGSS_PRINC_MAX	256	/* a principal's name, with its NUL */

/*
 * The channel binding of a finished TLS 1.3 connection: 32 bytes of its
 * exporter with label "EXPORTER-Channel-Binding" and no context (RFC
 * 9266).  Returns 0, or -1 with err set.
 */
int	kgss_tls_binding(SSL *ssl, uint8_t cb[KGSS_CB_LEN], char *err,
	    size_t errlen);

/*
 * Fill *b (no addresses) with application data "tls-exporter:" + cb,
 * written into app (KGSS_CB_APPLEN bytes, kept by the caller while *b is
 * in use).
 */
void	kgss_bindings(struct gss_channel_bindings_struct *b,
	    uint8_t app[KGSS_CB_APPLEN], const uint8_t cb[KGSS_CB_LEN]);

/*
 * The GSS-API's words for major/minor (the krb5 mechanism's for minor),
 * "; "-joined into buf.  Returns buf.
 */
char	*kgss_status(OM_uint32 major, OM_uint32 minor, char *buf, size_t len);

/*
 * Whether s (len bytes, not NUL-terminated) may name a principal in an
 * advert or a configuration: 3 to KGSS_PRINC_MAX - 1 printable ASCII
 * bytes without spaces, quotes or backslashes, with one '@' after at
 * least one other byte ("service/host@REALM").
 */
int	kgss_principal_ok(const char *s, size_t len);

#endif /* CCPOOL_KGSS_H */
