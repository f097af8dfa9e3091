/*
 * test_trust.c - open mode's pins (common/pin.c) and the trust policy on
 * them (common/trust.c), on real known_servers files:
 *   - lookups: new, same, changed, a known key under a new name, Avahi's
 *     alternative name of a pinned server, a refusal; malformed lines
 *     pin nothing; pin_set replaces, pin_forget removes;
 *   - the first set: only an agent that starts with no pin in first-use
 *     mode pins quietly, and only for TRUST_FIRSTSET_MS; later pins warn;
 *   - the collision rule: "h1 #2" with another key than h1's gets no job
 *     and says why, with the same key it is h1 and is pinned quietly;
 *   - explicit mode: nothing is pinned by itself, until the user's pin;
 *   - names from the network are quoted safely in suggested commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "common/pin.c"
#include "common/trust.c"

#define K1	"sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define K2	"sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define K3	"sha256:3333333333333333333333333333333333333333333333333333333333333333"

static char	 top[64];

/* A fresh known_servers holding text; its path into p. */
static void
pins_file(char *p, size_t len, const char *text)
{
	FILE	*f;

	snprintf(p, len, "%s/known_servers", top);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
}

static int
look(const char *p, const char *name, const char *fp, struct pin_look *l)
{
	char	 err[256];

	return pin_check(p, name, fp, l, err, sizeof(err));
}

static void
test_alt_base(void)
{
	char	 b[PIN_NAME_MAX];

	CU_ASSERT_EQUAL(pin_alt_base("h1 #2", b, sizeof(b)), 1);
	CU_ASSERT_STRING_EQUAL(b, "h1");
	CU_ASSERT_EQUAL(pin_alt_base("build box #17", b, sizeof(b)), 1);
	CU_ASSERT_STRING_EQUAL(b, "build box");
	CU_ASSERT_EQUAL(pin_alt_base("h1 #10", b, sizeof(b)), 1);
	/* not what avahi_alternative_service_name makes */
	CU_ASSERT_EQUAL(pin_alt_base("h1", b, sizeof(b)), 0);
	CU_ASSERT_EQUAL(pin_alt_base("h1 #1", b, sizeof(b)), 0);
	CU_ASSERT_EQUAL(pin_alt_base("h1 #02", b, sizeof(b)), 0);
	CU_ASSERT_EQUAL(pin_alt_base("h1 #", b, sizeof(b)), 0);
	CU_ASSERT_EQUAL(pin_alt_base("h1#2", b, sizeof(b)), 0);
	CU_ASSERT_EQUAL(pin_alt_base("h1 #2a", b, sizeof(b)), 0);
	CU_ASSERT_EQUAL(pin_alt_base(" #2", b, sizeof(b)), 0);
	CU_ASSERT_EQUAL(pin_alt_base("h1 #2", b, 2), 0);	/* no room */
}

static void
test_lookup(void)
{
	char		 p[256], err[256];
	struct pin_look	 l;

	pins_file(p, sizeof(p), "h1 " K1 "\nh3\nh3 sha256:zz\n\n  \n"
	    "h4 !" K3 "\n");
	CU_ASSERT_EQUAL(look(p, "h1", K1, &l), PIN_SAME);
	CU_ASSERT_EQUAL(look(p, "h1", K2, &l), PIN_CHANGED);
	CU_ASSERT_STRING_EQUAL(l.old, K1);
	/* malformed lines pin nothing */
	CU_ASSERT_EQUAL(look(p, "h3", K2, &l), PIN_NEW);
	CU_ASSERT_EQUAL(look(p, "h5", K2, &l), PIN_NEW);
	/* h1's key under a new name: the same server */
	CU_ASSERT_EQUAL(look(p, "h1.lan", K1, &l), PIN_KNOWN);
	CU_ASSERT_STRING_EQUAL(l.other, "h1");
	/* a refusal holds for the name whatever its key, and for the key */
	CU_ASSERT_EQUAL(look(p, "h4", K2, &l), PIN_REFUSED);
	CU_ASSERT_STRING_EQUAL(l.old, K3);
	CU_ASSERT_EQUAL(look(p, "h6", K3, &l), PIN_REFUSED);
	/* a missing file pins nothing; an unreadable one is an error */
	snprintf(p, sizeof(p), "%s/none", top);
	CU_ASSERT_EQUAL(look(p, "h1", K1, &l), PIN_NEW);
	snprintf(p, sizeof(p), "%s/known_servers/x", top);
	CU_ASSERT_EQUAL(pin_check(p, "h1", K1, &l, err, sizeof(err)), -1);
}

static void
test_alias(void)
{
	char		 p[256], longname[64], alt[64];
	struct pin_look	 l;

	pins_file(p, sizeof(p), "h1 " K1 "\n");
	CU_ASSERT_EQUAL(look(p, "h1 #2", K2, &l), PIN_ALIAS);
	CU_ASSERT_STRING_EQUAL(l.other, "h1");
	CU_ASSERT_STRING_EQUAL(l.old, K1);
	CU_ASSERT_EQUAL(look(p, "h1 #3", K2, &l), PIN_ALIAS);
	/* h1 itself, re-registered while its old record lingered */
	CU_ASSERT_EQUAL(look(p, "h1 #2", K1, &l), PIN_KNOWN);
	/* not an alternative of h1 */
	CU_ASSERT_EQUAL(look(p, "h11 #2", K2, &l), PIN_NEW);
	CU_ASSERT_EQUAL(look(p, "h1-2", K2, &l), PIN_NEW);
	/* once the user pinned "h1 #2" (ccpool trust), it is a server */
	CU_ASSERT_EQUAL(pin_add(p, "h1 #2", K2, NULL, 0), 0);
	CU_ASSERT_EQUAL(look(p, "h1 #2", K2, &l), PIN_SAME);
	/* Avahi shortens a long name to make room for " #2" */
	memset(longname, 'x', 63);
	longname[63] = '\0';
	snprintf(alt, sizeof(alt), "%.59s #2", longname);
	pins_file(p, sizeof(p), "");
	CU_ASSERT_EQUAL(pin_add(p, longname, K1, NULL, 0), 0);
	CU_ASSERT_EQUAL(look(p, alt, K2, &l), PIN_ALIAS);
	CU_ASSERT_STRING_EQUAL(l.other, longname);
}

static void
each_cb(const char *name, const char *fp, int refused, void *arg)
{
	char	*out = arg;
	size_t	 n = strlen(out);

	snprintf(out + n, 512 - n, "%s=%c%.8s;", name, refused ? '!' : ' ',
	    fp + 7);
}

static void
test_set_forget(void)
{
	char		 p[256], err[256], out[512] = "";
	struct pin_look	 l;

	pins_file(p, sizeof(p), "h1 " K1 "\nh2 " K2 "\nh1 " K3 "\n");
	CU_ASSERT_EQUAL(pin_each(p, NULL, NULL, err, sizeof(err)), 3);
	CU_ASSERT_EQUAL(pin_set(p, "h1", K2, 0, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(look(p, "h1", K2, &l), PIN_SAME);
	CU_ASSERT_EQUAL(pin_set(p, "h2", K2, 1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(look(p, "h2", K2, &l), PIN_REFUSED);
	/* h1 shares the refused key: refused too */
	CU_ASSERT_EQUAL(look(p, "h1", K2, &l), PIN_REFUSED);
	CU_ASSERT_EQUAL(pin_each(p, each_cb, out, err, sizeof(err)), 2);
	CU_ASSERT_STRING_EQUAL(out, "h1= 22222222;h2=!22222222;");
	CU_ASSERT_EQUAL(pin_forget(p, "h2", err, sizeof(err)), 1);
	CU_ASSERT_EQUAL(pin_forget(p, "h2", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(look(p, "h1", K2, &l), PIN_SAME);
	CU_ASSERT_EQUAL(pin_set(p, "bad\nname", K1, 0, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(pin_set(p, "h1", "sha256:short", 0, err,
	    sizeof(err)), -1);
	/* pin_set makes a missing file; forgetting in one is no error */
	snprintf(p, sizeof(p), "%s/fresh", top);
	CU_ASSERT_EQUAL(pin_forget(p, "h1", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(pin_set(p, "h1", K1, 0, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(look(p, "h1", K1, &l), PIN_SAME);
}

static void
test_mode(void)
{
	enum trust_mode	 m = TRUST_EXPLICIT;

	CU_ASSERT_EQUAL(trust_mode_parse(NULL, &m), 0);
	CU_ASSERT_EQUAL(m, TRUST_FIRST_USE);
	CU_ASSERT_EQUAL(trust_mode_parse("explicit", &m), 0);
	CU_ASSERT_EQUAL(m, TRUST_EXPLICIT);
	CU_ASSERT_EQUAL(trust_mode_parse("", &m), 0);
	CU_ASSERT_EQUAL(m, TRUST_FIRST_USE);
	CU_ASSERT_EQUAL(trust_mode_parse("first-use", &m), 0);
	CU_ASSERT_EQUAL(m, TRUST_FIRST_USE);
	CU_ASSERT_EQUAL(trust_mode_parse("Explicit", &m), -1);
	CU_ASSERT_EQUAL(trust_mode_parse("tofu", &m), -1);
}

/* The verdict on name/fp against the file p under policy t at now. */
static enum trust_act
judge(const struct trust_policy *t, const char *p, const char *name,
    const char *fp, uint64_t now, struct trust_verdict *v)
{
	struct trust_subject s = { name, fp, "198.18.0.14:3633", 1 };
	struct pin_look	 l;

	CU_ASSERT_NOT_EQUAL(look(p, name, fp, &l), -1);
	trust_decide(t, &l, &s, now, v);
	return v->act;
}

static void
test_first_set(void)
{
	struct trust_policy t;
	struct trust_verdict v;
	char		 p[256], err[256];
	uint64_t	 t0 = 1000000;

	/* an agent that starts with no pin learns the LAN for a while */
	pins_file(p, sizeof(p), "# nothing yet\n");
	trust_policy_init(&t, TRUST_FIRST_USE, pin_each(p, NULL, NULL, err,
	    sizeof(err)), t0);
	CU_ASSERT_EQUAL(t.firstset_end, t0 + TRUST_FIRSTSET_MS);
	CU_ASSERT_EQUAL(judge(&t, p, "h1", K1, t0 + 800, &v), TRUST_PIN);
	CU_ASSERT_EQUAL(v.loud, 0);
	CU_ASSERT_STRING_EQUAL(v.word, "new");
	CU_ASSERT_EQUAL(pin_add(p, "h1", K1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(judge(&t, p, "h1", K1, t0 + 900, &v), TRUST_USE);
	CU_ASSERT_STRING_EQUAL(v.word, "pinned");
	/* the first set is over: a new key on the LAN is news */
	CU_ASSERT_EQUAL(judge(&t, p, "h2", K2, t0 + TRUST_FIRSTSET_MS - 1,
	    &v), TRUST_PIN);
	CU_ASSERT_EQUAL(judge(&t, p, "h2", K2, t0 + TRUST_FIRSTSET_MS, &v),
	    TRUST_PIN_WARN);
	CU_ASSERT_EQUAL(v.loud, 1);
	CU_ASSERT_STRING_EQUAL(v.why, "WARNING: new server 'h2' "
	    "(198.18.0.14:3633) pinned on first use, key " K2 "; if you do "
	    "not know it: ccpool trust --refuse 'h2'");
	/* the next agent finds a pin: it has no first set at all */
	trust_policy_init(&t, TRUST_FIRST_USE, pin_each(p, NULL, NULL, err,
	    sizeof(err)), t0);
	CU_ASSERT_EQUAL(t.firstset_end, 0);
	CU_ASSERT_EQUAL(judge(&t, p, "h2", K2, t0, &v), TRUST_PIN_WARN);
	/* a key pinned already under another name is no news */
	CU_ASSERT_EQUAL(judge(&t, p, "h1.lan", K1, t0, &v), TRUST_PIN);
	CU_ASSERT_EQUAL(v.loud, 0);
	/* an unreadable file is no proof that the LAN is new */
	trust_policy_init(&t, TRUST_FIRST_USE, -1, t0);
	CU_ASSERT_EQUAL(t.firstset_end, 0);
}

static void
test_collision(void)
{
	struct trust_policy t;
	struct trust_verdict v;
	char		 p[256];

	pins_file(p, sizeof(p), "h1 " K1 "\n");
	trust_policy_init(&t, TRUST_FIRST_USE, 1, 0);
	CU_ASSERT_EQUAL(judge(&t, p, "h1 #2", K2, 10, &v), TRUST_DENY);
	CU_ASSERT_EQUAL(v.loud, 1);
	CU_ASSERT_STRING_EQUAL(v.word, "UNTRUSTED (alternative name of 'h1', "
	    "another key)");
	CU_ASSERT_PTR_NOT_NULL(strstr(v.why, "'h1 #2' is Avahi's alternative "
	    "name of 'h1', pinned to " K1 ", but holds " K2 ": 'h1' restarted "
	    "with a new key, or an impostor"));
	/* not even in the first set: the collision is with a pin */
	trust_policy_init(&t, TRUST_FIRST_USE, 0, 0);
	CU_ASSERT_EQUAL(judge(&t, p, "h1 #2", K2, 10, &v), TRUST_DENY);
	/* nor in explicit mode */
	trust_policy_init(&t, TRUST_EXPLICIT, 1, 0);
	CU_ASSERT_EQUAL(judge(&t, p, "h1 #2", K2, 10, &v), TRUST_DENY);
	/* with h1's own key it is h1 */
	CU_ASSERT_EQUAL(judge(&t, p, "h1 #2", K1, 10, &v), TRUST_PIN);
	/* a changed key and a refusal say so too */
	CU_ASSERT_EQUAL(judge(&t, p, "h1", K2, 10, &v), TRUST_DENY);
	CU_ASSERT_STRING_EQUAL(v.word, "UNTRUSTED (key changed)");
	CU_ASSERT_PTR_NOT_NULL(strstr(v.why, "ccpool forget 'h1'"));
	pins_file(p, sizeof(p), "h1 !" K1 "\n");
	CU_ASSERT_EQUAL(judge(&t, p, "h1", K1, 10, &v), TRUST_DENY);
	CU_ASSERT_STRING_EQUAL(v.word, "UNTRUSTED (refused)");
	CU_ASSERT_EQUAL(v.loud, 0);
}

static void
test_explicit(void)
{
	struct trust_policy t;
	struct trust_verdict v;
	struct trust_subject s = { "h9:3633", K2, NULL, 0 };
	struct pin_look	 l;
	char		 p[256], err[256];

	/* no first set, even with no pin: nothing is pinned by itself */
	pins_file(p, sizeof(p), "");
	trust_policy_init(&t, TRUST_EXPLICIT, 0, 0);
	CU_ASSERT_EQUAL(t.firstset_end, 0);
	CU_ASSERT_EQUAL(judge(&t, p, "h9", K2, 1, &v), TRUST_ASK);
	CU_ASSERT_EQUAL(v.loud, 1);
	CU_ASSERT_STRING_EQUAL(v.word, "new (run: ccpool trust 'h9')");
	CU_ASSERT_PTR_NOT_NULL(strstr(v.why, "no job until you trust it"));
	/* a CCPOOL_HOSTS name has no advert: the command names the key */
	CU_ASSERT_EQUAL(look(p, s.name, s.fp, &l), PIN_NEW);
	trust_decide(&t, &l, &s, 1, &v);
	CU_ASSERT_EQUAL(v.act, TRUST_ASK);
	CU_ASSERT_PTR_NOT_NULL(strstr(v.why, "ccpool trust 'h9:3633' " K2));
	/* the user's pin (ccpool trust h9) lets it in */
	CU_ASSERT_EQUAL(pin_set(p, "h9", K2, 0, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(judge(&t, p, "h9", K2, 2, &v), TRUST_USE);
	/* and a pinned key under a new name is the same server */
	CU_ASSERT_EQUAL(judge(&t, p, "h9 #2", K2, 2, &v), TRUST_PIN);
}

static void
test_quote(void)
{
	char	 q[TRUST_QUOTE_MAX], small[8];

	CU_ASSERT_STRING_EQUAL(trust_quote(q, sizeof(q), "h1 #2"), "'h1 #2'");
	CU_ASSERT_STRING_EQUAL(trust_quote(q, sizeof(q), "a'b"), "'a'\\''b'");
	CU_ASSERT_STRING_EQUAL(trust_quote(q, sizeof(q), "x\n$(rm -rf ~)"),
	    "'x\\x0a$(rm -rf ~)'");
	CU_ASSERT_STRING_EQUAL(trust_quote(small, sizeof(small),
	    "''''''''"), "''\\'''");
	CU_ASSERT_EQUAL(trust_quote(small, sizeof(small), "abcdefghij")[0],
	    '\'');
	CU_ASSERT_EQUAL(small[strlen(small) - 1], '\'');
}

static int
suite_init(void)
{
	snprintf(top, sizeof(top), "/tmp/ccpool-test-trust.XXXXXX");
	return mkdtemp(top) == NULL ? -1 : 0;
}

/* Outside any test: no CU_ASSERT (tmpdir_remove has one). */
static int
suite_clean(void)
{
	char	 cmd[sizeof(top) + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

int
init_trust_tests(void)
{
	CU_pSuite s = CU_add_suite("trust", suite_init, suite_clean);

	if (s == NULL ||
	    !CU_add_test(s, "Avahi alternative names", test_alt_base) ||
	    !CU_add_test(s, "pin lookups", test_lookup) ||
	    !CU_add_test(s, "collision lookups", test_alias) ||
	    !CU_add_test(s, "set, refuse, forget", test_set_forget) ||
	    !CU_add_test(s, "CCPOOL_TRUST", test_mode) ||
	    !CU_add_test(s, "the first set", test_first_set) ||
	    !CU_add_test(s, "the collision rule", test_collision) ||
	    !CU_add_test(s, "explicit mode", test_explicit) ||
	    !CU_add_test(s, "names quoted for the shell", test_quote))
		return -1;
	return 0;
}
