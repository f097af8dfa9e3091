/*
 * kauth.c - ccpoold's Kerberos acceptor process (kerberos mode only).
 *
 * It holds the service's keys and nothing else: they are copied from the
 * keytab into memory while the process is still root (srvkrb.h), then
 * it switches to the user and enters its sandbox (no network sockets,
 * a read-only view of the system's configuration for krb5.conf and NSS).
 * net never sees a key: it sends each client's GSS-API token with the
 * channel binding of that client's TLS connection (IPC_GSS_REQ), and
 * kauth answers who the client is, or why not (IPC_GSS_RES).
 *
 * A token is accepted only if it is the krb5 mechanism, the client asked
 * for mutual authentication, and the token carries the binding of the
 * very TLS connection it came on (GSS_C_CHANNEL_BOUND_FLAG): a token
 * replayed or relayed on another connection has another binding.  The
 * principal maps to a local name with krb5's aname-to-localname rules
 * (auth_to_local in krb5.conf; by default the default realm's principals
 * only), and the groups come from the system (getgrouplist: NSS, so LDAP
 * through sssd or nslcd works).  Each exchange is one round and keeps no
 * state here: a context is made and deleted per token.
 */
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

#include "common/ident.h"
#include "common/kgss.h"
#include "common/log.h"
#include "server/server.h"
#include "server/srvkrb.h"

#define GROUPS_SCAN	1024	/* a user's groups looked at, at most */

_Static_assert(sizeof(((struct ipc_gss_res *)0)->user) == IDENT_NAME_MAX,
    "user name size");
_Static_assert(sizeof(((struct ipc_gss_res *)0)->groups) /
    sizeof(((struct ipc_gss_res *)0)->groups[0]) == IDENT_GROUPS_MAX,
    "groups");
_Static_assert(IPC_GSS_TOKEN_MAX == KGSS_TOKEN_MAX, "token size");
_Static_assert(sizeof(((struct ipc_gss_req *)0)->cb) == KGSS_CB_LEN,
    "binding size");

static struct kauth {
	struct event_base *base;
	struct srvconf	 conf;
	struct ipc_chan	*parent;
	struct ipc_chan	*net;
	krb5_context	 kctx;
	krb5_keytab	 kt;		/* MEMORY: the service's keys */
	gss_cred_id_t	 cred;
} K;

/* The groups of user that allow_groups names (all, up to 16, if unset). */
static void
groups_of(const char *user, struct ipc_gss_res *r)
{
	struct passwd	*pw;
	struct group	*gr;
	gid_t		 g[GROUPS_SCAN];
	int		 n = GROUPS_SCAN, i;

	if ((pw = getpwnam(user)) == NULL)
		return;		/* no account here: allow_users only */
	if (getgrouplist(user, pw->pw_gid, g, &n) == -1)
		n = GROUPS_SCAN;	/* more than we look at */
	for (i = 0; i < n && r->ngroups < IDENT_GROUPS_MAX; i++) {
		if ((gr = getgrgid(g[i])) == NULL ||
		    strlen(gr->gr_name) >= IDENT_NAME_MAX)
			continue;
		if (K.conf.allow_groups[0] != '\0' &&
		    !srvconf_group_listed(&K.conf, gr->gr_name))
			continue;
		snprintf(r->groups[r->ngroups++], IDENT_NAME_MAX, "%s",
		    gr->gr_name);
	}
}

/* A local name we pass on: printable, no separators of our lists. */
static int
name_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len >= IDENT_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] <= 0x20 || s[i] > 0x7e || s[i] == ',' || s[i] == '/')
			return 0;
	return 1;
}

/* Who the authenticated src is: principal, local name, groups. */
static int
identify(gss_name_t src, struct ipc_gss_res *r)
{
	gss_buffer_desc	 b = GSS_C_EMPTY_BUFFER;
	OM_uint32	 maj, min;
	char		 msg[256];

	maj = gss_display_name(&min, src, &b, NULL);
	if (GSS_ERROR(maj) || b.length >= sizeof(r->principal)) {
		snprintf(r->why, sizeof(r->why), "the client's name: %s",
		    GSS_ERROR(maj) ? kgss_status(maj, min, msg, sizeof(msg)) :
		    "too long");
		gss_release_buffer(&min, &b);
		return -1;
	}
	memcpy(r->principal, b.value, b.length);
	gss_release_buffer(&min, &b);
	maj = gss_localname(&min, src, (gss_OID)gss_mech_krb5, &b);
	if (GSS_ERROR(maj) || !name_ok(b.value, b.length)) {
		snprintf(r->why, sizeof(r->why), "principal %.120s has no "
		    "local user name here (another realm, or no "
		    "auth_to_local rule for it)", r->principal);
		gss_release_buffer(&min, &b);
		return -1;
	}
	memcpy(r->user, b.value, b.length);
	gss_release_buffer(&min, &b);
	groups_of(r->user, r);
	return 0;
}

/* Why an accepted context is still refused, or NULL. */
static const char *
flags_why(OM_uint32 flags, gss_OID mech)
{
	if (mech == GSS_C_NO_OID || !gss_oid_equal(mech, gss_mech_krb5))
		return "not the Kerberos 5 mechanism";
	if (!(flags & GSS_C_CHANNEL_BOUND_FLAG))
		return "the token is not bound to this TLS connection (the "
		    "client sent no channel binding)";
	if (!(flags & GSS_C_MUTUAL_FLAG))
		return "the client did not ask for mutual authentication";
	return NULL;
}

/* One token: the verdict into *r, the answer token into *out. */
static void
accept_one(const uint8_t cb[KGSS_CB_LEN], const uint8_t *tok, size_t len,
    struct ipc_gss_res *r, gss_buffer_t out)
{
	struct gss_channel_bindings_struct b;
	uint8_t		 app[KGSS_CB_APPLEN];
	gss_ctx_id_t	 ctx = GSS_C_NO_CONTEXT;
	gss_buffer_desc	 in;
	gss_name_t	 src = GSS_C_NO_NAME;
	gss_OID		 mech = GSS_C_NO_OID;
	OM_uint32	 maj, min, flags = 0, life = 0;
	const char	*why;
	char		 msg[200];

	kgss_bindings(&b, app, cb);
	in.value = (void *)(uintptr_t)tok;
	in.length = len;
	maj = gss_accept_sec_context(&min, &ctx, K.cred, &in, &b, &src,
	    &mech, out, &flags, &life, NULL);
	if (maj == GSS_S_BAD_BINDINGS)
		snprintf(r->why, sizeof(r->why), "the token is bound to "
		    "another TLS connection (replayed or relayed)");
	else if (GSS_ERROR(maj))
		snprintf(r->why, sizeof(r->why), "Kerberos: %s",
		    kgss_status(maj, min, msg, sizeof(msg)));
	else if (maj & GSS_S_CONTINUE_NEEDED)
		snprintf(r->why, sizeof(r->why), "the exchange needs more "
		    "than one round: not the Kerberos 5 mechanism");
	else if ((why = flags_why(flags, mech)) != NULL)
		snprintf(r->why, sizeof(r->why), "%s", why);
	else if (identify(src, r) == 0) {
		r->ok = 1;
		r->lifetime = life;
	}
	if (!r->ok)
		gss_release_buffer(&min, out);
	gss_release_name(&min, &src);
	gss_delete_sec_context(&min, &ctx, GSS_C_NO_BUFFER);
}

static void
on_net(struct ipc_chan *ch, const struct ipc_hdr *h, const uint8_t *p,
    void *arg)
{
	struct ipc_gss_req q;
	struct ipc_gss_res r;
	struct proto_buf m;
	gss_buffer_desc	 out = GSS_C_EMPTY_BUFFER;
	OM_uint32	 min;

	(void)arg;
	memset(&r, 0, sizeof(r));
	if (h->len <= sizeof(q))
		snprintf(r.why, sizeof(r.why), "an empty token");
	else {
		memcpy(&q, p, sizeof(q));
		accept_one(q.cb, p + sizeof(q), h->len - sizeof(q), &r, &out);
	}
	proto_buf_init(&m);
	if (proto_buf_append(&m, &r, sizeof(r)) == -1 ||
	    (out.length > 0 && (out.length > IPC_GSS_TOKEN_MAX ||
	    proto_buf_append(&m, out.value, out.length) == -1)) ||
	    ipc_send(ch, IPC_GSS_RES, h->id, m.data, m.len) == -1)
		fatalx("kauth: cannot answer net");
	proto_buf_free(&m);
	gss_release_buffer(&min, &out);
}

static void
on_parent(struct ipc_chan *ch, const struct ipc_hdr *h, const uint8_t *p,
    void *arg)
{
	(void)ch;
	(void)arg;
	if (h->type == IPC_SHUTDOWN)
		exit(0);
	memcpy(&K.conf, p, sizeof(K.conf));	/* IPC_CONF: a reload */
}

static void
on_fail(struct ipc_chan *ch, const char *why, void *arg)
{
	(void)ch;
	/* net or the parent went away: nothing is left to do */
	if (strcmp(why, "closed") == 0)
		exit(0);
	fatalx("channel to %s: %s", (const char *)arg, why);
}

/* The keys into memory and the acceptor's credential, still as root. */
static void
load_keys(void)
{
	krb5_principal	 princ;
	OM_uint32	 maj, min;
	char		 err[512];

	if (krb5_init_context(&K.kctx) != 0)
		fatalx("kauth: cannot start krb5");
	if (srvkrb_keys(&K.conf, K.kctx, &K.kt, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (krb5_parse_name(K.kctx, K.conf.gss_principal, &princ) != 0)
		fatalx("kauth: %s: not a principal", K.conf.gss_principal);
	maj = gss_krb5_import_cred(&min, NULL, princ, K.kt, &K.cred);
	krb5_free_principal(K.kctx, princ);
	if (GSS_ERROR(maj))
		fatalx("kauth: the keys of %s: %s", K.conf.gss_principal,
		    kgss_status(maj, min, err, sizeof(err)));
}

void
kauth_main(const struct srvconf *c, struct srv_fds *fds)
{
	struct ipc_rules rules;
	struct proto_limits lim;
	char		 err[256];

	log_procinit("kauth");
	log_libevent();
	memset(&K, 0, sizeof(K));
	K.conf = *c;
	/*
	 * No replay cache: every token must carry the binding of its own
	 * TLS connection (flags_why), which a replay on another one cannot;
	 * and the sandbox leaves no file to keep a cache in.
	 */
	if (setenv("KRB5RCACHETYPE", "none", 1) == -1)
		fatal("setenv");
	load_keys();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	if ((K.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	srvconf_limits(c, &lim);
	srv_ipc_rules(&rules, SRV_KAUTH_FROM_PARENT, &lim);
	if ((K.parent = ipc_chan_new(K.base, fds->parent, &rules, on_parent,
	    on_fail, (void *)"parent", err, sizeof(err))) == NULL)
		fatalx("%s", err);
	srv_ipc_rules(&rules, SRV_KAUTH_FROM_NET, &lim);
	if ((K.net = ipc_chan_new(K.base, fds->kauth, &rules, on_net, on_fail,
	    (void *)"net", err, sizeof(err))) == NULL)
		fatalx("%s", err);
	proc_enter_sandbox("kauth");
	log_info("kerberos: accepting tickets for %s", c->gss_principal);
	event_base_dispatch(K.base);
	fatalx("event loop ended");
}
