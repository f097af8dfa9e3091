/*
 * test_cpl_site.c - the site CA of libccpool's status fetches
 * (libccpool/cpl_site.c): a CA made with common/ca.c; a host it issued
 * verifies for a server, a host of another CA does not, nor a user's
 * certificate (clientAuth, not serverAuth), nor a revoked host; a
 * self-signed identity or none at all gives no store and says why.
 */
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/CUnit.h>

#include "common/ca.h"
#include "libccpool/cpl_site.c"

static char	 tdir[64];

static int
suite_init(void)
{
	snprintf(tdir, sizeof(tdir), "/tmp/ccpool-test-site.XXXXXX");
	return mkdtemp(tdir) == NULL ? -1 : 0;
}

static int
suite_clean(void)
{
	char	 cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* dir/name under the test's directory into out (256 bytes). */
static const char *
tpath(char *out, const char *name)
{
	snprintf(out, 256, "%s/%s", tdir, name);
	return out;
}

/* Does the certificate of the identity file p verify as a server? */
static int
verifies(X509_STORE *store, const char *p)
{
	struct ident	 id;
	X509_STORE_CTX	*vc;
	char		 err[256];
	int		 ok;

	if (ident_load(&id, p, err, sizeof(err)) == -1)
		return -2;
	vc = X509_STORE_CTX_new();
	ok = vc != NULL && X509_STORE_CTX_init(vc, store, id.cert,
	    id.cas) == 1 && X509_STORE_CTX_set_default(vc, "ssl_server") ==
	    1 && X509_verify_cert(vc) == 1;
	X509_STORE_CTX_free(vc);
	ident_clear(&id);
	return ok;
}

static void
test_store(void)
{
	struct ident	 u;
	X509_STORE	*st;
	char		 ca[256], rogue[256], p[256], crl[256], fp[IDENT_FP_LEN];
	char		 serial[CA_SERIAL_MAX], err[256], why[CPL_ERR_MAX];

	CU_ASSERT_EQUAL_FATAL(ca_init(tpath(ca, "ca"), "labsite", fp, err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(ca_init(tpath(rogue, "rogue"), "rogue", fp, err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(ca_issue(ca, IDENT_HOST, "h1", NULL, 30,
	    tpath(p, "h1.pem"), serial, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ca_issue(ca, IDENT_HOST, "h2", NULL, 30,
	    tpath(p, "h2.pem"), serial, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ca_issue(rogue, IDENT_HOST, "h1", NULL, 30,
	    tpath(p, "evil.pem"), serial, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ca_issue(ca, IDENT_USER, "alice", "dev", 30,
	    tpath(p, "alice.pem"), serial, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ca_revoke(ca, "h2", err, sizeof(err)), 1);

	/* alice's identity: the site CA; no list first */
	CU_ASSERT_EQUAL_FATAL(ident_load(&u, tpath(p, "alice.pem"), err,
	    sizeof(err)), 0);
	st = cpl_site_store(&u, NULL, why, sizeof(why));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(verifies(st, tpath(p, "h1.pem")), 1);
	CU_ASSERT_EQUAL(verifies(st, tpath(p, "evil.pem")), 0);
	CU_ASSERT_EQUAL(verifies(st, tpath(p, "alice.pem")), 0);
	CU_ASSERT_EQUAL(verifies(st, tpath(p, "h2.pem")), 1);
	X509_STORE_free(st);
	/* with the site's list: the revoked h2 no longer */
	tpath(crl, "ca/crl.pem");
	st = cpl_site_store(&u, crl, why, sizeof(why));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(verifies(st, tpath(p, "h1.pem")), 1);
	CU_ASSERT_EQUAL(verifies(st, tpath(p, "h2.pem")), 0);
	X509_STORE_free(st);
	ident_clear(&u);
}

static void
test_no_site(void)
{
	struct ident	 u;
	X509_STORE	*st;
	char		 p[256], home[256], err[256], why[CPL_ERR_MAX];

	/* a self-signed identity: not a site member */
	CU_ASSERT_EQUAL_FATAL(ident_load_or_make(&u, tpath(p, "self.pem"),
	    "bob", err, sizeof(err)), 0);
	CU_ASSERT_PTR_NULL(cpl_site_store(&u, NULL, why, sizeof(why)));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "no site member"));
	ident_clear(&u);
	/* no identity at all: nothing is made */
	setenv("XDG_CONFIG_HOME", tpath(home, "cfg"), 1);
	st = cpl_site_load(why, sizeof(why));
	CU_ASSERT_PTR_NULL(st);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "no identity"));
	CU_ASSERT_EQUAL(access(tpath(p, "cfg/ccpool/identity.pem"), F_OK), -1);
	unsetenv("XDG_CONFIG_HOME");
}

int
init_cpl_site_tests(void)
{
	CU_pSuite s = CU_add_suite("cpl_site", suite_init, suite_clean);

	if (s == NULL ||
	    !CU_add_test(s, "the site CA: its hosts, not others", test_store) ||
	    !CU_add_test(s, "no site identity: why", test_no_site))
		return -1;
	return 0;
}
