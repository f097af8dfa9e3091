/*
 * test_hostspec.c - CCPOOL_HOSTS parsing: names, IPv4, bracketed and bare
 * IPv6 with scopes, ports, slots, separators, and strict refusals.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "agent/hostspec.c"

static void
test_valid(void)
{
	struct hostspec	 h[8];
	char		 err[256];

	CU_ASSERT_EQUAL(hostspec_parse(NULL, h, 8, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(hostspec_parse(" \t,\n", h, 8, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(hostspec_parse("h1 h2:4000, 198.18.0.12/8 "
	    "[fe80::1%eth0]:3634 ::1 [::2]/3 my_host.lan", h, 8, err,
	    sizeof(err)), 7);
	CU_ASSERT_STRING_EQUAL(h[0].host, "h1");
	CU_ASSERT_EQUAL(h[0].port, 3633);
	CU_ASSERT_EQUAL(h[0].slots, 0);
	CU_ASSERT_STRING_EQUAL(h[1].host, "h2");
	CU_ASSERT_EQUAL(h[1].port, 4000);
	CU_ASSERT_STRING_EQUAL(h[2].host, "198.18.0.12");
	CU_ASSERT_EQUAL(h[2].slots, 8);
	CU_ASSERT_STRING_EQUAL(h[3].host, "fe80::1%eth0");
	CU_ASSERT_EQUAL(h[3].port, 3634);
	CU_ASSERT_STRING_EQUAL(h[4].host, "::1");
	CU_ASSERT_EQUAL(h[4].port, 3633);
	CU_ASSERT_STRING_EQUAL(h[5].host, "::2");
	CU_ASSERT_EQUAL(h[5].slots, 3);
	CU_ASSERT_STRING_EQUAL(h[6].host, "my_host.lan");
	/* a plain distccd: port 3632 unless given */
	CU_ASSERT_EQUAL_FATAL(hostspec_parse("distcc://h1/4 DISTCC://h2:4000 "
	    "h3", h, 8, err, sizeof(err)), 3);
	CU_ASSERT(h[0].distcc && h[1].distcc && !h[2].distcc);
	CU_ASSERT_STRING_EQUAL(h[0].host, "h1");
	CU_ASSERT_EQUAL(h[0].port, 3632);
	CU_ASSERT_EQUAL(h[0].slots, 4);
	CU_ASSERT_EQUAL(h[1].port, 4000);
	CU_ASSERT_EQUAL(hostspec_parse("distcc://", h, 8, err, sizeof(err)),
	    -1);
}

static void
test_invalid(void)
{
	static const char *const bad[] = {
		"h1:", "h1:0", "h1:65536", "h1:12345678", "h1:x", ":80",
		"h1/0", "h1/", "h1/1025", "h1/-1", "[::1", "[::1]x",
		"[::1]:", "[zz::1]", "[]", "-h", ".h", "h\x01", "h;rm",
		"h1 h1", "h1:3633 H1", "fe80::1%", "%eth0::1", "h1:2:3x",
		"a/b/c", "h1:80/", "\xc3\xa9t\xc3\xa9",
	};
	struct hostspec	 h[4];
	char		 err[256];
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(hostspec_parse(bad[i], h, 4, err,
		    sizeof(err)), -1);
		CU_ASSERT(err[0] != '\0');
		CU_ASSERT_PTR_NULL(strchr(err, '\x01'));
	}
	/* too many */
	CU_ASSERT_EQUAL(hostspec_parse("a b c d e", h, 4, err, sizeof(err)),
	    -1);
	CU_ASSERT_EQUAL(hostspec_parse("a b c d", h, 4, err, sizeof(err)), 4);
	/* the same host on two ports is two servers */
	CU_ASSERT_EQUAL(hostspec_parse("a:1 a:2", h, 4, err, sizeof(err)), 2);
}

int
init_hostspec_tests(void)
{
	CU_pSuite s = CU_add_suite("hostspec", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "valid lists", test_valid) ||
	    !CU_add_test(s, "invalid lists", test_invalid))
		return -1;
	return 0;
}
