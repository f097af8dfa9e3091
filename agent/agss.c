/*
 * agss.c - kerberos mode in the agent: one GSS-API exchange (krb5,
 * mutual authentication) inside each new TLS connection to a server
 * that advertises sec=krb5, bound to that connection (common/kgss.h).
 * The ticket comes from the user's credential cache; the agent never
 * sees a password.  The server is authenticated by its answer (the
 * AP-REP, which only a holder of the service key can make): until it
 * is checked, not one byte of a job is written (sconn.c keeps them in
 * sc->pending).  Start reading at agss_start().
 */
#include <stdio.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5.h>

#include "agent/agent_int.h"
#include "common/kgss.h"

/* The user's words for a failure to get or use a ticket. */
static void
why_set(OM_uint32 maj, OM_uint32 min, const char *princ, char *err,
    size_t errlen)
{
	char	 m[200];

	if (GSS_ROUTINE_ERROR(maj) == GSS_S_CREDENTIALS_EXPIRED ||
	    min == (OM_uint32)KRB5KRB_AP_ERR_TKT_EXPIRED)
		snprintf(err, errlen, "your Kerberos ticket expired (run "
		    "kinit)");
	else if (GSS_ROUTINE_ERROR(maj) == GSS_S_NO_CRED ||
	    min == (OM_uint32)KRB5_FCC_NOFILE ||
	    min == (OM_uint32)KRB5_CC_NOTFOUND)
		snprintf(err, errlen, "no Kerberos ticket (run kinit): %s",
		    kgss_status(maj, min, m, sizeof(m)));
	else if (min == (OM_uint32)KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN)
		snprintf(err, errlen, "your realm's KDC does not know %.100s "
		    "(a server of another realm?)", princ);
	else
		snprintf(err, errlen, "Kerberos: %s", kgss_status(maj, min, m,
		    sizeof(m)));
}

void
agss_free(struct sconn *sc)
{
	OM_uint32	 min;

	if (sc->gctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&min, &sc->gctx, GSS_C_NO_BUFFER);
}

/* One step of the initiator: in is the server's token or empty. */
static OM_uint32
step(struct sconn *sc, gss_buffer_t in, gss_buffer_t out, OM_uint32 *min,
    OM_uint32 *flags)
{
	struct gss_channel_bindings_struct b;
	uint8_t		 app[KGSS_CB_APPLEN];
	gss_buffer_desc	 nb;
	gss_name_t	 target = GSS_C_NO_NAME;
	OM_uint32	 maj, m2;

	nb.value = sc->h->krb;
	nb.length = strlen(sc->h->krb);
	maj = gss_import_name(min, &nb, (gss_OID)GSS_KRB5_NT_PRINCIPAL_NAME,
	    &target);
	if (GSS_ERROR(maj))
		return maj;
	kgss_bindings(&b, app, sc->cb);
	maj = gss_init_sec_context(min, GSS_C_NO_CREDENTIAL, &sc->gctx,
	    target, (gss_OID)gss_mech_krb5, GSS_C_MUTUAL_FLAG, 0, &b, in,
	    NULL, out, flags, NULL);
	gss_release_name(&m2, &target);
	return maj;
}

int
agss_start(struct sconn *sc, SSL *ssl, struct proto_buf *out, char *err,
    size_t errlen)
{
	gss_buffer_desc	 tok = GSS_C_EMPTY_BUFFER;
	OM_uint32	 maj, min = 0, flags = 0;
	int		 rc = -1;

	if (kgss_tls_binding(ssl, sc->cb, err, errlen) == -1)
		return -1;
	maj = step(sc, GSS_C_NO_BUFFER, &tok, &min, &flags);
	if (maj != GSS_S_CONTINUE_NEEDED)	/* mutual: the AP-REP next */
		why_set(maj, min, sc->h->krb, err, errlen);
	else if (tok.length == 0 || tok.length > KGSS_TOKEN_MAX)
		snprintf(err, errlen, "Kerberos: a token of %zu bytes",
		    tok.length);
	else if (proto_put_payload(out, "GSS_", tok.value, tok.length) == -1)
		snprintf(err, errlen, "out of memory");
	else
		rc = 0;
	gss_release_buffer(&min, &tok);
	if (rc == -1)
		agss_free(sc);
	return rc;
}

int
agss_finish(struct sconn *sc, const struct proto_frame *f, char *err,
    size_t errlen)
{
	gss_buffer_desc	 in, tok = GSS_C_EMPTY_BUFFER;
	OM_uint32	 maj, min = 0, flags = 0;
	int		 rc = -1;

	in.value = (void *)(uintptr_t)f->data;
	in.length = f->len;
	maj = step(sc, &in, &tok, &min, &flags);
	if (GSS_ERROR(maj))
		snprintf(err, errlen, "the server failed Kerberos mutual "
		    "authentication (its keytab does not match %.100s?): "
		    "%s", sc->h->krb, kgss_status(maj, min, (char[160]){ 0 },
		    160));
	else if (maj != GSS_S_COMPLETE || !(flags & GSS_C_MUTUAL_FLAG))
		snprintf(err, errlen, "the server's Kerberos answer does not "
		    "complete mutual authentication");
	else
		rc = 0;
	gss_release_buffer(&min, &tok);
	agss_free(sc);		/* TLS protects the rest: no more use */
	return rc;
}

int
agss_hello(struct sconn *sc, char *err, size_t errlen)
{
	struct proto_buf b;
	size_t		 n = sc->pending.len;
	int		 rc = 0;

	snprintf(err, errlen, "out of memory");
	if (strcmp(sc->h->sec, "krb5") != 0 || sc->h->krb[0] == '\0') {
		if (bufferevent_write(sc->bev, sc->pending.data, n) == -1)
			return -1;
		proto_buf_free(&sc->pending);
		return 0;
	}
	proto_buf_init(&b);
	/* the hello is the first frame of pending (sconn_new, _send) */
	if (proto_buf_append(&b, sc->pending.data, PROTO_HDRLEN) == -1 ||
	    agss_start(sc, bufferevent_openssl_get_ssl(sc->bev), &b, err,
	    errlen) == -1 || bufferevent_write(sc->bev, b.data, b.len) == -1)
		rc = -2;
	proto_buf_free(&b);
	if (rc < 0)
		return rc;
	memmove(sc->pending.data, sc->pending.data + PROTO_HDRLEN, n -
	    PROTO_HDRLEN);
	sc->pending.len = n - PROTO_HDRLEN;
	return 0;
}
