/*
 * test_ident.c - identities, the cluster CA, the TLS peer check and open
 * mode's pins.  Handshakes run in memory over a BIO pair, so the checks
 * see real certificates, real chains and a real revocation list:
 *   - an identity is made once (0600), reloaded with the same key, and a
 *     world-readable file is refused;
 *   - a site user certificate carries its name and groups; a revoked one,
 *     a self-signed one, or a user certificate offered as a host are
 *     refused with a reason; open mode takes any key;
 *   - pins: new, same, changed, forgotten;
 *   - a failed connection in words: refused, unreachable, timed out,
 *     closed are not TLS failures (tls_conn_why).
 */
#include <sys/stat.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/pin.h"
#include "common/ca.h"
#include "common/ident.h"
#include "common/tls.h"

static char	 tdir[64];

static void
path(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", tdir, name);
}

static int
suite_init(void)
{
	snprintf(tdir, sizeof(tdir), "/tmp/ccpool-test-ident.XXXXXX");
	return mkdtemp(tdir) == NULL ? -1 : 0;
}

static int
suite_clean(void)
{
	char	 cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_make_load(void)
{
	struct ident	 a, b;
	struct stat	 st;
	char		 p[256], err[256], pin[80];

	path(p, sizeof(p), "sub/dir/id.pem");
	CU_ASSERT_EQUAL_FATAL(ident_load_or_make(&a, p, "alice@x", err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(stat(p, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	CU_ASSERT(ident_fp_valid(a.fp));
	CU_ASSERT_EQUAL_FATAL(ident_load_or_make(&b, p, "other", err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(a.fp, b.fp);	/* made once */
	CU_ASSERT_EQUAL(ident_fp_curlpin(a.fp, pin, sizeof(pin)), 0);
	CU_ASSERT_EQUAL(strncmp(pin, "sha256//", 8), 0);
	CU_ASSERT_EQUAL(strlen(pin), 8 + 44);
	ident_clear(&a);
	ident_clear(&b);
	CU_ASSERT_EQUAL(chmod(p, 0644), 0);
	CU_ASSERT_EQUAL(ident_load(&a, p, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "readable by others"));
	CU_ASSERT_PTR_NULL(a.key);
	path(p, sizeof(p), "nosuch.pem");
	CU_ASSERT_EQUAL(ident_load(&a, p, err, sizeof(err)), -1);
	CU_ASSERT(!ident_fp_valid("sha256:xyz"));
	CU_ASSERT(!ident_fp_valid(""));
	ident_clear(NULL);
}

/* Handshake client and server contexts in memory; 0 if both finish. */
static int
handshake(SSL_CTX *cctx, SSL_CTX *sctx, SSL **cs, SSL **ss)
{
	BIO	*bc, *bs;
	int	 i, cd = 0, sd = 0;

	*cs = SSL_new(cctx);
	*ss = SSL_new(sctx);
	if (*cs == NULL || *ss == NULL ||
	    BIO_new_bio_pair(&bc, 0, &bs, 0) != 1)
		return -1;
	SSL_set_bio(*cs, bc, bc);
	SSL_set_bio(*ss, bs, bs);
	SSL_set_connect_state(*cs);
	SSL_set_accept_state(*ss);
	for (i = 0; i < 100 && !(cd && sd); i++) {
		if (!cd)
			cd = SSL_do_handshake(*cs) == 1;
		if (!sd)
			sd = SSL_do_handshake(*ss) == 1;
	}
	return cd && sd ? 0 : -1;
}

static SSL_CTX *
ctx_for(const char *file, enum tls_side side, enum tls_trust trust,
    const char *crl)
{
	struct ident	 id;
	SSL_CTX		*ctx;
	char		 p[256], err[256];

	path(p, sizeof(p), file);
	if (ident_load_or_make(&id, p, "self", err, sizeof(err)) == -1)
		return NULL;
	ctx = tls_ctx_new(side, &id, trust, crl, err, sizeof(err));
	ident_clear(&id);
	return ctx;
}

static void
test_site(void)
{
	struct tls_peer	 peer;
	SSL_CTX		*host, *alice, *bob, *self, *host_as_client;
	SSL		*c, *s;
	char		 ca[256], p[256], crl[256], fp[IDENT_FP_LEN];
	char		 serial[CA_SERIAL_MAX], err[256];

	path(ca, sizeof(ca), "ca");
	path(crl, sizeof(crl), "ca/crl.pem");
	CU_ASSERT_EQUAL_FATAL(ca_init(ca, "testsite", fp, err, sizeof(err)),
	    0);
	CU_ASSERT_EQUAL(ca_init(ca, "again", fp, err, sizeof(err)), -1);
	path(p, sizeof(p), "h1.pem");
	CU_ASSERT_EQUAL_FATAL(ca_issue(ca, IDENT_HOST, "h1", NULL, 30, p,
	    serial, err, sizeof(err)), 0);
	path(p, sizeof(p), "alice.pem");
	CU_ASSERT_EQUAL_FATAL(ca_issue(ca, IDENT_USER, "alice", "dev,ci", 30,
	    p, serial, err, sizeof(err)), 0);
	path(p, sizeof(p), "bob.pem");
	CU_ASSERT_EQUAL_FATAL(ca_issue(ca, IDENT_USER, "bob", NULL, 30, p,
	    serial, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ca_issue(ca, IDENT_USER, "-bad", NULL, 30, p, serial,
	    err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(ca_issue(ca, IDENT_HOST, "h2", "g", 30, p, serial,
	    err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(ca_revoke(ca, "bob", err, sizeof(err)), 1);
	CU_ASSERT_EQUAL(ca_revoke(ca, "bob", err, sizeof(err)), 0);

	host = ctx_for("h1.pem", TLS_SERVER, TLS_SITE, crl);
	alice = ctx_for("alice.pem", TLS_CLIENT, TLS_SITE, crl);
	bob = ctx_for("bob.pem", TLS_CLIENT, TLS_SITE, crl);
	self = ctx_for("self.pem", TLS_CLIENT, TLS_OPEN, NULL);
	host_as_client = ctx_for("alice.pem", TLS_SERVER, TLS_SITE, crl);
	CU_ASSERT_PTR_NOT_NULL_FATAL(host);
	CU_ASSERT_PTR_NOT_NULL_FATAL(alice);
	CU_ASSERT_PTR_NOT_NULL_FATAL(bob);
	CU_ASSERT_PTR_NOT_NULL_FATAL(self);
	CU_ASSERT_PTR_NOT_NULL_FATAL(host_as_client);
	/* a site ctx needs a CA-issued identity */
	CU_ASSERT_PTR_NULL(ctx_for("self.pem", TLS_SERVER, TLS_SITE, NULL));

	/* alice: accepted both ways, with her name and groups */
	CU_ASSERT_EQUAL_FATAL(handshake(alice, host, &c, &s), 0);
	CU_ASSERT_EQUAL(tls_peer_check(s, TLS_SITE, 0, &peer, err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(peer.name, "alice");
	CU_ASSERT_EQUAL_FATAL(peer.ngroups, 2);
	CU_ASSERT_STRING_EQUAL(peer.groups[0], "dev");
	CU_ASSERT_STRING_EQUAL(peer.groups[1], "ci");
	CU_ASSERT_EQUAL(tls_peer_check(c, TLS_SITE, 1, &peer, err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(peer.name, "h1");
	SSL_free(c);
	SSL_free(s);

	/* bob is revoked */
	CU_ASSERT_EQUAL_FATAL(handshake(bob, host, &c, &s), 0);
	CU_ASSERT_EQUAL(tls_peer_check(s, TLS_SITE, 0, &peer, err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "revoked"));
	CU_ASSERT_STRING_EQUAL(peer.name, "bob");	/* logged with it */
	SSL_free(c);
	SSL_free(s);

	/* a self-signed key is no site user... */
	CU_ASSERT_EQUAL_FATAL(handshake(self, host, &c, &s), 0);
	CU_ASSERT_EQUAL(tls_peer_check(s, TLS_SITE, 0, &peer, err,
	    sizeof(err)), -1);
	/* ...and the client (open) sees the site server's key */
	CU_ASSERT_EQUAL(tls_peer_check(c, TLS_OPEN, 1, &peer, err,
	    sizeof(err)), 0);
	CU_ASSERT(ident_fp_valid(peer.fp));
	SSL_free(c);
	SSL_free(s);

	/* a user certificate cannot pass for a host */
	CU_ASSERT_EQUAL_FATAL(handshake(alice, host_as_client, &c, &s), 0);
	CU_ASSERT_EQUAL(tls_peer_check(c, TLS_SITE, 1, &peer, err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "purpose"));
	SSL_free(c);
	SSL_free(s);

	/* alice revoked later: a reloaded list refuses her at once */
	{
		FILE	*f;
		char	 pem[8192];
		size_t	 n;

		CU_ASSERT_EQUAL(ca_revoke(ca, "alice", err, sizeof(err)), 1);
		f = fopen(crl, "r");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		n = fread(pem, 1, sizeof(pem), f);
		fclose(f);
		CU_ASSERT_EQUAL(tls_ctx_set_crl(host, "junk", 4, err,
		    sizeof(err)), -1);
		CU_ASSERT_EQUAL(tls_ctx_set_crl(host, pem, n, err,
		    sizeof(err)), 0);
		CU_ASSERT_EQUAL_FATAL(handshake(alice, host, &c, &s), 0);
		CU_ASSERT_EQUAL(tls_peer_check(s, TLS_SITE, 0, &peer, err,
		    sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "revoked"));
		SSL_free(c);
		SSL_free(s);
	}

	SSL_CTX_free(host);
	SSL_CTX_free(alice);
	SSL_CTX_free(bob);
	SSL_CTX_free(self);
	SSL_CTX_free(host_as_client);
}

static void
test_open(void)
{
	struct tls_peer	 peer;
	struct ident	 id;
	SSL_CTX		*srv, *cli, *anon;
	SSL		*c, *s;
	char		 p[256], err[256];

	srv = ctx_for("srv.pem", TLS_SERVER, TLS_OPEN, NULL);
	cli = ctx_for("cli.pem", TLS_CLIENT, TLS_OPEN, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cli);
	CU_ASSERT_EQUAL_FATAL(handshake(cli, srv, &c, &s), 0);
	CU_ASSERT_STRING_EQUAL(SSL_get_version(c), "TLSv1.3");
	CU_ASSERT_EQUAL(tls_peer_check(s, TLS_OPEN, 0, &peer, err,
	    sizeof(err)), 0);
	path(p, sizeof(p), "cli.pem");
	CU_ASSERT_EQUAL_FATAL(ident_load(&id, p, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(peer.fp, id.fp);	/* the key, as pinned */
	ident_clear(&id);
	SSL_free(c);
	SSL_free(s);

	/* a client without a certificate: handshake ends, check refuses */
	anon = SSL_CTX_new(TLS_client_method());
	CU_ASSERT_PTR_NOT_NULL_FATAL(anon);
	CU_ASSERT_EQUAL_FATAL(handshake(anon, srv, &c, &s), 0);
	CU_ASSERT_EQUAL(tls_peer_check(s, TLS_OPEN, 0, &peer, err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no client certificate"));
	SSL_free(c);
	SSL_free(s);
	SSL_CTX_free(anon);
	SSL_CTX_free(srv);
	SSL_CTX_free(cli);
	CU_ASSERT_EQUAL(tls_trust_parse("open"), TLS_OPEN);
	CU_ASSERT_EQUAL(tls_trust_parse("site"), TLS_SITE);
	CU_ASSERT_EQUAL(tls_trust_parse("auto"), -1);
}

static void
test_pins(void)
{
	const char	*k1 = "sha256:1111111111111111111111111111111111111111"
			    "111111111111111111111111";
	const char	*k2 = "sha256:2222222222222222222222222222222222222222"
			    "222222222222222222222222";
	struct pin_look	 l;
	char		 p[256], err[256];
	FILE		*f;

	path(p, sizeof(p), "known_servers");
	CU_ASSERT_EQUAL(pin_check(p, "h1", k1, &l, err, sizeof(err)),
	    PIN_NEW);
	CU_ASSERT_EQUAL(pin_add(p, "h1", k1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(pin_add(p, "pub1 #2", k2, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(pin_add(p, "bad\nname", k2, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(pin_add(p, "h9", "sha256:short", err, sizeof(err)),
	    -1);
	/* garbage lines are skipped, never trusted */
	f = fopen(p, "a");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f, "h3\nh3 sha256:zz\n\n  \n");
	fclose(f);
	CU_ASSERT_EQUAL(pin_check(p, "h1", k1, &l, err, sizeof(err)),
	    PIN_SAME);
	CU_ASSERT_EQUAL(pin_check(p, "h1", k2, &l, err, sizeof(err)),
	    PIN_CHANGED);
	CU_ASSERT_STRING_EQUAL(l.old, k1);
	CU_ASSERT_EQUAL(pin_check(p, "pub1 #2", k2, &l, err, sizeof(err)),
	    PIN_SAME);
	CU_ASSERT_EQUAL(pin_check(p, "h3", k1, &l, err, sizeof(err)),
	    PIN_KNOWN);	/* h1's key: see test_trust.c */
	CU_ASSERT_EQUAL(pin_forget(p, "h1", err, sizeof(err)), 1);
	CU_ASSERT_EQUAL(pin_check(p, "h1", k1, &l, err, sizeof(err)),
	    PIN_NEW);
	CU_ASSERT_EQUAL(pin_check(p, "pub1 #2", k2, &l, err, sizeof(err)),
	    PIN_SAME);
}

/* tls_conn_why(): a dead server is not a TLS failure. */
static void
test_conn_why(void)
{
	char		 b[128];
	unsigned long	 tls, eof;

	tls = ERR_PACK(ERR_LIB_SSL, 0, SSL_R_WRONG_VERSION_NUMBER);
	eof = ERR_PACK(ERR_LIB_SSL, 0, SSL_R_UNEXPECTED_EOF_WHILE_READING);
	/* as libevent reports a refused connect: SSL_ERROR_SYSCALL, errno */
	CU_ASSERT_STRING_EQUAL(tls_conn_why(b, sizeof(b), 1, 0,
	    SSL_ERROR_SYSCALL, ECONNREFUSED, TCP_CLOSE), "connection refused");
	CU_ASSERT_STRING_EQUAL(tls_conn_why(b, sizeof(b), 1, 0,
	    SSL_ERROR_SYSCALL, EHOSTUNREACH, TCP_CLOSE), "no route to host");
	CU_ASSERT_STRING_EQUAL(tls_conn_why(b, sizeof(b), 1, 0,
	    SSL_ERROR_SYSCALL, ECONNRESET, TCP_CLOSE),
	    "connection reset by peer");
	CU_ASSERT_STRING_EQUAL(tls_conn_why(b, sizeof(b), 1, 0, 0,
	    ENETUNREACH, -1), "network is unreachable");
	CU_ASSERT_STRING_EQUAL(tls_conn_why(b, sizeof(b), 1, 1, 0, 0,
	    TCP_SYN_SENT), "no answer to connect (timed out)");
	CU_ASSERT_STRING_EQUAL(tls_conn_why(b, sizeof(b), 1, 1, 0, 0,
	    TCP_ESTABLISHED), "TLS handshake timed out");
	CU_ASSERT_STRING_EQUAL(tls_conn_why(b, sizeof(b), 0, 1, 0, 0,
	    TCP_ESTABLISHED), "timed out");
	/* a real TLS failure, and a peer that closed mid-handshake */
	CU_ASSERT_STRING_EQUAL(tls_conn_why(b, sizeof(b), 1, 0, tls, 0,
	    TCP_CLOSE), "TLS handshake failed: wrong version number");
	CU_ASSERT_STRING_EQUAL(tls_conn_why(b, sizeof(b), 1, 0, eof, 0,
	    TCP_CLOSE), "connection closed during the TLS handshake");
	CU_ASSERT_STRING_EQUAL(tls_conn_why(b, sizeof(b), 1, 0,
	    SSL_ERROR_SYSCALL, 0, TCP_CLOSE_WAIT),
	    "connection closed during the TLS handshake");
	CU_ASSERT_STRING_EQUAL(tls_conn_why(b, sizeof(b), 0, 0, 0, 0, -1),
	    "connection closed");
	CU_ASSERT_STRING_EQUAL(tls_conn_why(b, sizeof(b), 0, 0, 0, EAGAIN,
	    TCP_ESTABLISHED), "connection closed");	/* a stale errno */
	CU_ASSERT_STRING_EQUAL(tls_conn_why(b, 11, 1, 0, SSL_ERROR_SYSCALL,
	    ECONNREFUSED, -1), "connection");
}

int
init_ident_tests(void)
{
	CU_pSuite s = CU_add_suite("ident", suite_init, suite_clean);

	if (s == NULL ||
	    !CU_add_test(s, "make and load", test_make_load) ||
	    !CU_add_test(s, "site CA and TLS", test_site) ||
	    !CU_add_test(s, "open mode TLS", test_open) ||
	    !CU_add_test(s, "connection failures in words", test_conn_why) ||
	    !CU_add_test(s, "pins", test_pins))
		return -1;
	return 0;
}
