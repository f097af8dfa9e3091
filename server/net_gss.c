/*
 * net_gss.c - kerberos mode in the network process: a client's GSS_
 * frame to kauth, and kauth's verdict read back (see net.h; net_conn.c
 * drives the connection).  net holds no key and judges no token: it
 * adds the channel binding of the client's own TLS connection, which
 * only it knows, and checks the shape of what kauth answers.
 */
#include <string.h>

#include <event2/bufferevent_ssl.h>

#include "common/kgss.h"
#include "server/net.h"

int
ngss_request(struct conn *c, const struct proto_frame *f, char *err,
    size_t errlen)
{
	struct net	*n = c->n;
	struct ipc_gss_req q;
	struct proto_buf m;
	int		 rc;

	if (memcmp(f->tok, "GSS_", 4) != 0 || f->len == 0) {
		snprintf(err, errlen, "expected a Kerberos token (GSS_), got "
		    "%s", f->tok);
		return -1;
	}
	if (kgss_tls_binding(bufferevent_openssl_get_ssl(c->bev), q.cb, err,
	    errlen) == -1)
		return -1;
	c->gss_key = ++n->nextgss;
	proto_buf_init(&m);
	rc = proto_buf_append(&m, &q, sizeof(q)) == -1 ||
	    proto_buf_append(&m, f->data, f->len) == -1 ||
	    ipc_send(n->kauth, IPC_GSS_REQ, c->gss_key, m.data, m.len) == -1;
	proto_buf_free(&m);
	if (rc)
		fatalx("cannot reach kauth");
	return 0;
}

/* Is s (cap bytes) a NUL-terminated string? */
static int
terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

int
ngss_result(const uint8_t *p, size_t len, struct ipc_gss_res *r,
    const uint8_t **tok, size_t *toklen)
{
	size_t	 i;

	if (len < sizeof(*r))
		return -1;
	memcpy(r, p, sizeof(*r));
	*tok = p + sizeof(*r);
	*toklen = len - sizeof(*r);
	if (!terminated(r->why, sizeof(r->why)) || !terminated(r->principal,
	    sizeof(r->principal)) || !terminated(r->user, sizeof(r->user)) ||
	    r->ngroups > sizeof(r->groups) / sizeof(r->groups[0]))
		return -1;
	for (i = 0; i < r->ngroups; i++)
		if (!terminated(r->groups[i], sizeof(r->groups[i])))
			return -1;
	return 0;
}
