/*
 * test_srvconf.c - ccpoold's configuration (server/srvconf.c): defaults,
 * a file using every key, one named case per malformed line (each must
 * fail with its line number and leave the configuration untouched), the
 * access list, srvconf_load on missing and odd files, and the limits.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "server/srvconf.c"

static int
parse(struct srvconf *c, const char *text, char *err, size_t errlen)
{
	return srvconf_parse(c, text, strlen(text), err, errlen);
}

static void
test_defaults(void)
{
	struct srvconf	 c;

	srvconf_defaults(&c, 6);
	CU_ASSERT(c.port == 3633 && c.status_port == 3634);
	CU_ASSERT(c.slots == 6 && c.queue == 6);
	CU_ASSERT(c.load_tolerance == 25 && c.memory_pressure == 10);
	CU_ASSERT(c.publish == 1 && c.distcc_compat == 0 && c.calibrate == 1);
	CU_ASSERT(c.distcc_port == 3632 && c.ndistcc_allow == 0);
	CU_ASSERT(strcmp(c.cluster, "default") == 0);
	CU_ASSERT(strcmp(c.sandbox, "linux") == 0);
	CU_ASSERT(c.name[0] == '\0' && c.nlisten == 0 && c.nallow == 0);
	CU_ASSERT(c.job_timeout == 300 && c.grace == 30);
	CU_ASSERT(c.workdir[0] == '/');
	srvconf_defaults(&c, 0);
	CU_ASSERT(c.slots == 1 && c.queue == 1);
	srvconf_defaults(&c, 100000);
	CU_ASSERT(c.slots == SRVCONF_SLOTS_MAX);
}

static void
test_full(void)
{
	struct srvconf	 c;
	char		 err[256];
	const char	*text =
	    "# ccpoold.conf\n"
	    "\n"
	    "port = 4000\n"
	    "status_port=0\n"
	    "  slots =\t3   # three\n"
	    "queue = 0\r\n"
	    "cluster = lab-7\n"
	    "name = build host \xc3\xa9\n"
	    "max_input_mb = 64\n"
	    "max_output_mb = 32\n"
	    "max_mem_mb = 0\n"
	    "memory_pressure = 100\n"
	    "job_timeout = 20\n"
	    "grace = 0\n"
	    "max_conns = 9\n"
	    "publish = no\n"
	    "calibrate = no\n"
	    "distcc_compat = yes\n"
	    "distcc_port = 3700\n"
	    "distcc_allow = 10.9.0.0/16\n"
	    "distcc_allow = 10.8.0.1\n"
	    "workdir = /var/tmp\n"
	    "sandbox = none\n"
	    "listen = 127.0.0.1\n"
	    "listen = ::1\n"
	    "allow = 10.1.0.0/16\n"
	    "allow = fd00::/8\n"
	    "allow = 192.168.5.9";	/* no final newline */

	srvconf_defaults(&c, 2);
	CU_ASSERT_FATAL(parse(&c, text, err, sizeof(err)) == 0);
	CU_ASSERT(c.port == 4000 && c.status_port == 0);
	CU_ASSERT(c.slots == 3 && c.queue == 0);
	CU_ASSERT(c.memory_pressure == 100);
	CU_ASSERT(c.distcc_compat == 1 && c.distcc_port == 3700 &&
	    c.ndistcc_allow == 2);
	{
		static const uint8_t in[4] = { 10, 9, 3, 4 }, out[4] = { 10, 8,
		    0, 2 };

		CU_ASSERT(srvconf_distcc_allowed(&c, AF_INET, in) == 1);
		CU_ASSERT(srvconf_distcc_allowed(&c, AF_INET, out) == 0);
	}
	CU_ASSERT(strcmp(c.cluster, "lab-7") == 0);
	CU_ASSERT(strcmp(c.name, "build host \xc3\xa9") == 0);
	CU_ASSERT(c.max_input_mb == 64 && c.max_output_mb == 32);
	CU_ASSERT(c.max_mem_mb == 0 && c.job_timeout == 20 && c.grace == 0);
	CU_ASSERT(c.max_conns == 9 && c.publish == 0 && c.calibrate == 0);
	CU_ASSERT(strcmp(c.workdir, "/var/tmp") == 0);
	CU_ASSERT(c.nlisten == 2 && c.listen[0].family == AF_INET &&
	    c.listen[1].family == AF_INET6);
	CU_ASSERT(strcmp(c.listen[1].text, "::1") == 0);
	CU_ASSERT(c.nallow == 3 && c.allow[0].prefix == 16 &&
	    c.allow[1].prefix == 8 && c.allow[2].prefix == 32);
	/* an empty file changes nothing */
	CU_ASSERT(parse(&c, "", err, sizeof(err)) == 0 && c.port == 4000);
	CU_ASSERT(parse(&c, "\n\n# only comments\n", err, sizeof(err)) == 0);
}

struct bad {
	const char	*name;
	const char	*text;
	const char	*want;		/* in the error */
};

static const struct bad bads[] = {
	{ "no equals", "port 3633\n", "line 1" },
	{ "no value", "port =\n", "empty value" },
	{ "no key", "= 5\n", "expected a key" },
	{ "key with junk", "po-rt = 5\n", "expected key = value" },
	{ "uppercase key", "Port = 5\n", "expected a key" },
	{ "unknown key", "portt = 5\n", "unknown key" },
	{ "port 0", "port = 0\n", "port: not a number from 1 to 65535" },
	{ "port too big", "port = 65536\n", "port" },
	{ "negative", "port = -1\n", "port" },
	{ "plus sign", "port = +1\n", "port" },
	{ "trailing junk", "port = 12x\n", "port" },
	{ "hex", "port = 0x10\n", "port" },
	{ "huge number", "slots = 99999999999999999999999\n", "slots" },
	{ "slots 0", "slots = 0\n", "slots" },
	{ "queue too big", "queue = 4097\n", "queue" },
	{ "memory_pressure 0", "memory_pressure = 0\n", "memory_pressure" },
	{ "memory_pressure 101", "memory_pressure = 101\n", "memory_pressure" },
	{ "space in number", "port = 36 33\n", "port" },
	{ "second line", "port = 1\nslots = x\n", "line 2" },
	{ "duplicate", "port = 1\nport = 2\n", "given twice" },
	{ "bad bool", "publish = maybe\n", "yes or no" },
	{ "distcc_allow bad", "distcc_allow = 10.0.0.0/33\n", "distcc_allow" },
	{ "distcc_port 0", "distcc_port = 0\n", "distcc_port" },
	{ "sandbox unknown", "sandbox = jail\n", "must be \"linux\"" },
	{ "workdir relative", "workdir = tmp\n", "absolute" },
	{ "workdir dotdot", "workdir = /tmp/../etc\n", ".." },
	{ "listen bad", "listen = 1.2.3\n", "listen" },
	{ "listen name", "listen = localhost\n", "listen" },
	{ "listen brackets", "listen = [::1]\n", "listen" },
	{ "allow prefix 33", "allow = 10.0.0.0/33\n", "allow" },
	{ "allow prefix 129", "allow = ::/129\n", "allow" },
	{ "allow empty prefix", "allow = 10.0.0.0/\n", "allow" },
	{ "allow no address", "allow = /8\n", "allow" },
	{ "allow junk prefix", "allow = 10.0.0.0/8x\n", "allow" },
	{ "cluster too long", "cluster = "
	    "0123456789012345678901234567890123456789012345678901234567890123\n",
	    "longer than 63" },
	{ "control char", "cluster = a\x01" "b\n", "control" },
	{ "tab inside value", "cluster = a\tb\n", "control" },
	{ "bad UTF-8", "name = \xff\xfe\n", "UTF-8" },
	{ "escape sequence", "name = \x1b[31m\n", "control" },
};

static void
test_malformed(void)
{
	struct srvconf	 c, saved;
	char		 err[256];
	size_t		 i;

	srvconf_defaults(&c, 2);
	saved = c;
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		err[0] = '\0';
		if (parse(&c, bads[i].text, err, sizeof(err)) != -1) {
			fprintf(stderr, "\n  accepted: %s\n", bads[i].name);
			CU_FAIL("malformed line accepted");
			continue;
		}
		if (strstr(err, bads[i].want) == NULL ||
		    strncmp(err, "line ", 5) != 0) {
			fprintf(stderr, "\n  %s: error \"%s\" lacks \"%s\"\n",
			    bads[i].name, err, bads[i].want);
			CU_FAIL("wrong error");
		}
		CU_ASSERT(memcmp(&c, &saved, sizeof(c)) == 0);
	}
}

static void
test_raw_limits(void)
{
	struct srvconf	 c, saved;
	char		 err[256], *big, line[2100];
	size_t		 i;

	srvconf_defaults(&c, 2);
	saved = c;
	/* a NUL byte inside a line */
	CU_ASSERT(srvconf_parse(&c, "port = 1\0\n", 10, err, sizeof(err)) ==
	    -1);
	CU_ASSERT(strstr(err, "NUL") != NULL);
	/* a line over SRVCONF_LINE_MAX */
	memset(line, ' ', sizeof(line));
	memcpy(line + sizeof(line) - 12, "port = 1234", 11);
	line[sizeof(line) - 1] = '\n';
	CU_ASSERT(srvconf_parse(&c, line, sizeof(line), err, sizeof(err)) ==
	    -1);
	CU_ASSERT(strstr(err, "longer") != NULL);
	/* a file over SRVCONF_FILE_MAX, even if every line is fine */
	big = malloc(SRVCONF_FILE_MAX + 2);
	CU_ASSERT_FATAL(big != NULL);
	memset(big, '\n', SRVCONF_FILE_MAX + 1);
	CU_ASSERT(srvconf_parse(&c, big, SRVCONF_FILE_MAX + 1, err,
	    sizeof(err)) == -1);
	CU_ASSERT(srvconf_parse(&c, big, SRVCONF_FILE_MAX, err,
	    sizeof(err)) == 0);
	free(big);
	CU_ASSERT(memcmp(&c, &saved, sizeof(c)) == 0);
	/* too many listen and allow entries */
	big = calloc(1, 8192);
	CU_ASSERT_FATAL(big != NULL);
	for (i = 0; i <= SRVCONF_LISTEN_MAX; i++)
		strcat(big, "listen = 127.0.0.1\n");
	CU_ASSERT(parse(&c, big, err, sizeof(err)) == -1);
	CU_ASSERT(strstr(err, "line 9") != NULL);
	big[0] = '\0';
	for (i = 0; i <= SRVCONF_ALLOW_MAX; i++)
		strcat(big, "allow = 10.0.0.0/8\n");
	CU_ASSERT(parse(&c, big, err, sizeof(err)) == -1);
	CU_ASSERT(strstr(err, "line 65") != NULL);
	free(big);
	CU_ASSERT(memcmp(&c, &saved, sizeof(c)) == 0);
}

static int
allowed(const struct srvconf *c, const char *addr)
{
	uint8_t	 a[16];

	memset(a, 0, sizeof(a));
	if (inet_pton(AF_INET, addr, a) == 1)
		return srvconf_allowed(c, AF_INET, a);
	if (inet_pton(AF_INET6, addr, a) == 1)
		return srvconf_allowed(c, AF_INET6, a);
	return -1;
}

static void
test_allow(void)
{
	struct srvconf	 c;
	char		 err[256];

	srvconf_defaults(&c, 1);
	CU_ASSERT(allowed(&c, "203.0.113.9") == 1);	/* empty: everyone */
	CU_ASSERT(allowed(&c, "2001:db8::1") == 1);
	CU_ASSERT_FATAL(parse(&c, "allow = 192.168.1.77/24\n"
	    "allow = 2001:db8:1::/48\nallow = 10.9.8.7\n", err,
	    sizeof(err)) == 0);
	CU_ASSERT(allowed(&c, "192.168.1.200") == 1);	/* host bits cleared */
	CU_ASSERT(allowed(&c, "192.168.2.1") == 0);
	CU_ASSERT(allowed(&c, "10.9.8.7") == 1);
	CU_ASSERT(allowed(&c, "10.9.8.6") == 0);
	CU_ASSERT(allowed(&c, "2001:db8:1:ffff::5") == 1);
	CU_ASSERT(allowed(&c, "2001:db8:2::5") == 0);
	CU_ASSERT(allowed(&c, "::ffff:192.168.1.3") == 1);	/* mapped */
	CU_ASSERT(allowed(&c, "::ffff:192.168.3.3") == 0);
	CU_ASSERT(allowed(&c, "::1") == 0);
	srvconf_defaults(&c, 1);
	CU_ASSERT_FATAL(parse(&c, "allow = 0.0.0.0/0\nallow = 10.0.0.0/9\n",
	    err, sizeof(err)) == 0);
	CU_ASSERT(allowed(&c, "1.2.3.4") == 1);
	CU_ASSERT(allowed(&c, "fe80::1") == 0);		/* v4 only */
	srvconf_defaults(&c, 1);
	CU_ASSERT_FATAL(parse(&c, "allow = 10.128.0.0/9\n", err,
	    sizeof(err)) == 0);
	CU_ASSERT(allowed(&c, "10.200.0.1") == 1);
	CU_ASSERT(allowed(&c, "10.127.255.255") == 0);
}

static void
test_load(void)
{
	struct srvconf	 c, saved;
	char		 dir[] = "/tmp/test_srvconf.XXXXXX", path[64], err[512];
	FILE		*f;

	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	srvconf_defaults(&c, 2);
	saved = c;
	snprintf(path, sizeof(path), "%s/none.conf", dir);
	CU_ASSERT(srvconf_load(&c, path, 0, err, sizeof(err)) == 0);
	CU_ASSERT(memcmp(&c, &saved, sizeof(c)) == 0);
	CU_ASSERT(srvconf_load(&c, path, 1, err, sizeof(err)) == -1);
	CU_ASSERT(strstr(err, path) != NULL);
	CU_ASSERT(srvconf_load(&c, dir, 0, err, sizeof(err)) == -1);
	snprintf(path, sizeof(path), "%s/ok.conf", dir);
	CU_ASSERT_FATAL((f = fopen(path, "w")) != NULL);
	fputs("slots = 5\nqueue = 7\n", f);
	fclose(f);
	CU_ASSERT(srvconf_load(&c, path, 1, err, sizeof(err)) == 0);
	CU_ASSERT(c.slots == 5 && c.queue == 7);
	CU_ASSERT_FATAL((f = fopen(path, "w")) != NULL);
	fputs("slots = 6\nqueue = seven\n", f);
	fclose(f);
	CU_ASSERT(srvconf_load(&c, path, 1, err, sizeof(err)) == -1);
	CU_ASSERT(strstr(err, "line 2") != NULL && strstr(err, path) != NULL);
	CU_ASSERT(c.slots == 5);
	unlink(path);
	rmdir(dir);
}

static void
test_limits(void)
{
	struct srvconf	 c;
	struct proto_limits lim;
	char		 err[256];

	srvconf_defaults(&c, 2);
	CU_ASSERT_FATAL(parse(&c, "max_input_mb = 10\nmax_output_mb = 4\n",
	    err, sizeof(err)) == 0);
	srvconf_limits(&c, &lim);
	CU_ASSERT(lim.max_input == 10u << 20);
	CU_ASSERT(lim.max_input_z >= lim.max_input);
	CU_ASSERT(lim.max_output == 4u << 20);
	CU_ASSERT(lim.max_stderr == 4u << 20 && lim.max_deps == 4u << 20);
	CU_ASSERT(lim.max_msg == 1024 && lim.max_argc == 4096);
	srvconf_defaults(&c, 2);
	srvconf_limits(&c, &lim);
	CU_ASSERT(lim.max_stdout == 16u << 20);
}

/* Kerberos mode's keys: auth, keytab, gss_principal, and their checks. */
static void
test_krb(void)
{
	struct srvconf	 c;
	char		 err[256];

	srvconf_defaults(&c, 2);
	CU_ASSERT_STRING_EQUAL(c.auth, "tls");
	CU_ASSERT_STRING_EQUAL(c.keytab, SRVCONF_KEYTAB);
	CU_ASSERT_EQUAL(parse(&c, "auth = gssapi\nkeytab = /etc/k.keytab\n"
	    "gss_principal = ccpool/b1.example.org@EXAMPLE.ORG\n"
	    "allow_groups = dev, ops\n", err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.auth, "gssapi");
	CU_ASSERT_STRING_EQUAL(c.gss_principal,
	    "ccpool/b1.example.org@EXAMPLE.ORG");
	CU_ASSERT_TRUE(srvconf_group_listed(&c, "ops"));
	CU_ASSERT_FALSE(srvconf_group_listed(&c, "op"));
	srvconf_defaults(&c, 2);
	CU_ASSERT_EQUAL(parse(&c, "auth = krb\n", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "tls or gssapi"));
	CU_ASSERT_EQUAL(parse(&c, "keytab = k.keytab\n", err, sizeof(err)),
	    -1);
	CU_ASSERT_EQUAL(parse(&c, "gss_principal = alice@EXAMPLE.ORG\n", err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(parse(&c, "gss_principal = ccpool/b1\n", err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(parse(&c, "gss_principal = ccpool/b 1@X\n", err,
	    sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(c.auth, "tls");	/* refused: unchanged */
}

/* dns_update = zone key-file [server], dns_ttl (issue 18) */
static void
test_dns_update(void)
{
	static const char *const bad[] = {
		"dns_update = lab.example\n",
		"dns_update = lab.example key\n",
		"dns_update = lab.example /k 1.2.3\n",
		"dns_update = lab/example /k\n",
		"dns_update = lab.example /k 1.2.3.4 x\n",
		"dns_ttl = 1\n",
	};
	struct srvconf	 c;
	char		 err[256];
	size_t		 i;

	srvconf_defaults(&c, 2);
	CU_ASSERT_EQUAL(c.dns_ttl, 60);
	CU_ASSERT_STRING_EQUAL(c.dns_update, "");
	CU_ASSERT_EQUAL(parse(&c, "dns_update = lab.example /etc/k.key "
	    "198.18.0.13\ndns_ttl = 5\n", err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.dns_update, "lab.example /etc/k.key "
	    "198.18.0.13");
	CU_ASSERT_EQUAL(c.dns_ttl, 5);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		srvconf_defaults(&c, 2);
		CU_ASSERT_EQUAL(parse(&c, bad[i], err, sizeof(err)), -1);
	}
}

int
init_srvconf_tests(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("srvconf", NULL, NULL)) == NULL)
		return -1;
	if (CU_add_test(s, "defaults", test_defaults) == NULL ||
	    CU_add_test(s, "every key", test_full) == NULL ||
	    CU_add_test(s, "malformed lines", test_malformed) == NULL ||
	    CU_add_test(s, "raw limits", test_raw_limits) == NULL ||
	    CU_add_test(s, "allow list", test_allow) == NULL ||
	    CU_add_test(s, "load", test_load) == NULL ||
	    CU_add_test(s, "limits", test_limits) == NULL ||
	    CU_add_test(s, "kerberos keys", test_krb) == NULL ||
	    CU_add_test(s, "dns_update", test_dns_update) == NULL)
		return -1;
	return 0;
}
