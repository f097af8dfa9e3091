/*
 * kgss.c - the channel binding and status messages of kerberos mode
 * (kgss.h).
 */
#include <stdio.h>
#include <string.h>

#include <gssapi/gssapi_krb5.h>

#include "common/err.h"
#include "common/kgss.h"

#define CB_LABEL	"EXPORTER-Channel-Binding"

int
kgss_tls_binding(SSL *ssl, uint8_t cb[KGSS_CB_LEN], char *err, size_t errlen)
{
	if (ssl == NULL || SSL_version(ssl) != TLS1_3_VERSION) {
		err_set(err, errlen, "channel binding: not a TLS 1.3 "
		    "connection");
		return -1;
	}
	if (SSL_export_keying_material(ssl, cb, KGSS_CB_LEN, CB_LABEL,
	    strlen(CB_LABEL), NULL, 0, 0) != 1) {
		err_set(err, errlen, "channel binding: the TLS exporter "
		    "failed");
		return -1;
	}
	return 0;
}

void
kgss_bindings(struct gss_channel_bindings_struct *b,
    uint8_t app[KGSS_CB_APPLEN], const uint8_t cb[KGSS_CB_LEN])
{
	size_t	 pl = sizeof(KGSS_CB_PREFIX) - 1;

	memset(b, 0, sizeof(*b));
	memcpy(app, KGSS_CB_PREFIX, pl);
	memcpy(app + pl, cb, KGSS_CB_LEN);
	b->initiator_addrtype = GSS_C_AF_NULLADDR;
	b->acceptor_addrtype = GSS_C_AF_NULLADDR;
	b->application_data.length = KGSS_CB_APPLEN;
	b->application_data.value = app;
}

/* Append the messages of one status code (kind: GSS_C_GSS_CODE, _MECH). */
static void
status_add(OM_uint32 code, int kind, char *buf, size_t len)
{
	OM_uint32	 min, ctx = 0;
	gss_buffer_desc	 m;
	size_t		 off;
	int		 n = 0;

	do {
		if (gss_display_status(&min, code, kind, (gss_OID)gss_mech_krb5,
		    &ctx, &m) != GSS_S_COMPLETE)
			return;
		off = strlen(buf);
		if (off < len)
			snprintf(buf + off, len - off, "%s%.*s", off > 0 ?
			    "; " : "", (int)m.length, (const char *)m.value);
		gss_release_buffer(&min, &m);
	} while (ctx != 0 && ++n < 4);
}

char *
kgss_status(OM_uint32 major, OM_uint32 minor, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (GSS_ERROR(major))
		status_add(major, GSS_C_GSS_CODE, buf, len);
	if (minor != 0)
		status_add(minor, GSS_C_MECH_CODE, buf, len);
	if (buf[0] == '\0')
		snprintf(buf, len, "GSS-API major status %#x", major);
	return buf;
}

int
kgss_principal_ok(const char *s, size_t len)
{
	size_t	 i, at = 0;
	int	 nat = 0;

	if (len < 3 || len >= KGSS_PRINC_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] <= 0x20 || s[i] > 0x7e || s[i] == '"' ||
		    s[i] == '\\')
			return 0;
		if (s[i] == '@') {
			nat++;
			at = i;
		}
	}
	return nat == 1 && at > 0 && at + 1 < len;
}
