/*
 * test_trustview.c - the trust verdict shared by lsdistcc and libccpool
 * (common/trustview.c) on a real known_servers file:
 *   - a distccd: usable only with CCPOOL_DISTCC=1 (u.distcc), and the
 *     word says so; a host without an advert: a word, never usable;
 *   - a site member: site servers only; a user outside a site: no site
 *     server ("site only");
 *   - open mode: no key, pinned, pinned under another name, a changed
 *     key, a refusal, Avahi's alternative name of a pinned server with
 *     another key; a new key: usable on first use, not under explicit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "common/trustview.c"
#include "tests/unit/tmpdir.h"

#define K1	"sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define K2	"sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define K3	"sha256:3333333333333333333333333333333333333333333333333333333333333333"
#define K4	"sha256:4444444444444444444444444444444444444444444444444444444444444444"

static char		 dir[64];
static struct tview_user u;

static int
judge(enum tview_kind k, const char *sec, const char *name, const char *fp,
    const char *want)
{
	char	 w[TVIEW_WORD_MAX];
	int	 ok;

	memset(w, 'x', sizeof(w));
	ok = tview_judge(&u, k, sec, name, fp, w, sizeof(w));
	CU_ASSERT_STRING_EQUAL(w, want);
	if (strcmp(w, want) != 0)
		fprintf(stderr, "\n%s: got \"%s\", want \"%s\"\n", name, w,
		    want);
	return ok;
}

static void
setup_user(int site, enum trust_mode mode)
{
	FILE	*f;

	memset(&u, 0, sizeof(u));
	u.site = site;
	u.mode = mode;
	u.havepins = 1;
	snprintf(u.pins, sizeof(u.pins), "%s/known_servers", dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f = fopen(u.pins, "w"));
	fprintf(f, "h1 %s\nh2 %s\n", K1, K2);
	fprintf(f, "bad !%s\n", K3);
	fclose(f);
}

static void
test_kinds(void)
{
	tmpdir_make(dir, sizeof(dir), "tview");
	setup_user(0, TRUST_FIRST_USE);
	CU_ASSERT_EQUAL(judge(TVIEW_DISTCC, "", "d1", "", "none (distcc)"),
	    0);
	u.distcc = 1;
	CU_ASSERT_EQUAL(judge(TVIEW_DISTCC, "", "d1", "",
	    "none (distcc, used: CCPOOL_DISTCC=1)"), 1);
	u.distcc = 0;
	CU_ASSERT_EQUAL(judge(TVIEW_OTHER, "", "x", "", "-"), 0);
	CU_ASSERT_EQUAL(judge(TVIEW_CCPOOL, "site", "s1", K1, "site only"),
	    0);
	u.site = 1;
	CU_ASSERT_EQUAL(judge(TVIEW_CCPOOL, "site", "s1", K1, "site"), 1);
	CU_ASSERT_EQUAL(judge(TVIEW_CCPOOL, "open", "h1", K1,
	    "UNTRUSTED (not site)"), 0);
	tmpdir_remove(dir);
}

static void
test_open(void)
{
	tmpdir_make(dir, sizeof(dir), "tview");
	setup_user(0, TRUST_FIRST_USE);
	CU_ASSERT_EQUAL(judge(TVIEW_CCPOOL, "open", "h9", "",
	    "UNTRUSTED (no key)"), 0);
	CU_ASSERT_EQUAL(judge(TVIEW_CCPOOL, "open", "h1", K1, "pinned"), 1);
	CU_ASSERT_EQUAL(judge(TVIEW_CCPOOL, "open", "h1", K2,
	    "UNTRUSTED (key changed)"), 0);
	CU_ASSERT_EQUAL(judge(TVIEW_CCPOOL, "open", "h3", K1,
	    "pinned as 'h1'"), 1);
	CU_ASSERT_EQUAL(judge(TVIEW_CCPOOL, "open", "h1 #2", K4,
	    "UNTRUSTED (alternative name of 'h1', another key)"), 0);
	CU_ASSERT_EQUAL(judge(TVIEW_CCPOOL, "open", "bad", K3,
	    "UNTRUSTED (refused)"), 0);
	CU_ASSERT_EQUAL(judge(TVIEW_CCPOOL, "open", "h7",
	    "sha256:7777777777777777777777777777777777777777777777777777777777777777",
	    "new"), 1);
	u.mode = TRUST_EXPLICIT;
	CU_ASSERT_EQUAL(judge(TVIEW_CCPOOL, "open", "h7",
	    "sha256:7777777777777777777777777777777777777777777777777777777777777777",
	    "new (run: ccpool trust 'h7')"), 0);
	CU_ASSERT_EQUAL(judge(TVIEW_CCPOOL, "open", "h2", K2, "pinned"), 1);
	/* no pins file at all: new */
	u.mode = TRUST_FIRST_USE;
	u.havepins = 0;
	CU_ASSERT_EQUAL(judge(TVIEW_CCPOOL, "open", "h1", K1, "new"), 1);
	tmpdir_remove(dir);
}

int
init_trustview_tests(void)
{
	CU_pSuite s = CU_add_suite("trustview", NULL, NULL);

	if (s == NULL ||
	    CU_add_test(s, "kinds and site", test_kinds) == NULL ||
	    CU_add_test(s, "open mode", test_open) == NULL)
		return -1;
	return 0;
}
