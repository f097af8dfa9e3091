/*
 * test_disc_txt.c - the TXT record codec: round trips, every refusal of
 * the ccpool and distcc decoders (table-driven, one named case each), the
 * encoder's own checks, strict UTF-8, and the re-publish thresholds.
 *
 * Records are written here as lists of "key=value" C strings and turned
 * into rdata by mkrec(); cases that need raw bytes (NUL, bad length
 * bytes, size limits) build them by hand.
 */
#include <stdio.h>

#include <CUnit/CUnit.h>

#include "discovery/disc_txt.c"
#include "discovery/disc_txt_check.c"

#define NSTR	24

/* The required keys of a valid minimal ccpool record. */
static const char *const base[] = {
	"txtvers=1", "proto=1", "cluster=lab", "cpus=4", "slots=8", "free=8",
	NULL
};

/* Append one string (len bytes) to rdata buf at *off. */
static void
add(uint8_t *buf, size_t *off, const char *s, size_t len)
{
	buf[(*off)++] = (uint8_t)len;
	memcpy(buf + *off, s, len);
	*off += len;
}

/* Rdata of the NULL-terminated strings in list; returns its length. */
static size_t
mkrec(uint8_t *buf, const char *const *list)
{
	size_t	 off = 0;

	for (; *list != NULL; list++)
		add(buf, &off, *list, strlen(*list));
	return off;
}

/*
 * Rdata of base without the string whose key is drop (NULL: none), plus
 * the strings of extra.
 */
static size_t
mkbase(uint8_t *buf, const char *drop, const char *const *extra)
{
	const char *const *p;
	size_t	 off = 0, dl = drop ? strlen(drop) : 0;

	for (p = base; *p != NULL; p++)
		if (drop == NULL || strncmp(*p, drop, dl) != 0 ||
		    (*p)[dl] != '=')
			add(buf, &off, *p, strlen(*p));
	for (p = extra; p != NULL && *p != NULL; p++)
		add(buf, &off, *p, strlen(*p));
	return off;
}

static void
full_info(struct disc_info *i)
{
	memset(i, 0, sizeof(*i));
	i->schema = DISC_TXT_SCHEMA;
	i->proto = 3;
	snprintf(i->cluster, sizeof(i->cluster), "b\xc3\xbcro=7 \xe2\x82\xac");
	snprintf(i->fingerprint, sizeof(i->fingerprint), "sha256:%s",
	    "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef");
	i->cpus = 16;
	i->slots = 20;
	i->free_slots = 7;
	i->load = 35;
	i->mem_free_mb = 12345;
	i->ntc = 3;
	snprintf(i->tc[0], DISC_TC_LEN, "gcc-12.2.0-x86_64-linux-gnu");
	snprintf(i->tc[1], DISC_TC_LEN, "clang_15+abi.1");
	snprintf(i->tc[2], DISC_TC_LEN, "g++-12");
	snprintf(i->security, sizeof(i->security), "site");
	i->status_port = 8080;
	i->speed = 2345;
}

static void
min_info(struct disc_info *i)
{
	memset(i, 0, sizeof(*i));
	i->schema = 1;
	i->proto = 1;
	snprintf(i->cluster, sizeof(i->cluster), "x");
	i->cpus = 1;
	snprintf(i->security, sizeof(i->security), "open");
}

static void
test_roundtrip_full(void)
{
	struct disc_info a, b;
	uint8_t	 buf[DISC_TXT_MAX], buf2[DISC_TXT_MAX];
	char	 err[128];
	int	 n, n2;

	full_info(&a);
	n = disc_txt_encode(&a, buf, sizeof(buf), err, sizeof(err));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(disc_txt_decode(buf, (size_t)n, &b, err, sizeof(err)),
	    0);
	CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof(a)), 0);
	CU_ASSERT_STRING_EQUAL(b.tc[1], "clang_15+abi.1");
	CU_ASSERT_EQUAL(b.status_port, 8080);
	n2 = disc_txt_encode(&b, buf2, sizeof(buf2), err, sizeof(err));
	CU_ASSERT_EQUAL(n, n2);
	CU_ASSERT_EQUAL(memcmp(buf, buf2, (size_t)n), 0);
	/* exactly fits, then one byte short */
	CU_ASSERT_EQUAL(disc_txt_encode(&a, buf2, (size_t)n, err,
	    sizeof(err)), n);
	CU_ASSERT_EQUAL(disc_txt_encode(&a, buf2, (size_t)n - 1, err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "does not fit"));
}

static void
test_roundtrip_minimal(void)
{
	static const char *const want[] = {
		"txtvers=1", "proto=1", "cluster=x", "cpus=1", "slots=0",
		"free=0", "queue=0", "load=0", "mem=0", "sec=open", NULL
	};
	struct disc_info a, b;
	uint8_t	 buf[DISC_TXT_MAX], exp[DISC_TXT_MAX];
	char	 err[128];
	size_t	 el;
	int	 n;

	min_info(&a);
	n = disc_txt_encode(&a, buf, sizeof(buf), err, sizeof(err));
	el = mkrec(exp, want);
	CU_ASSERT_EQUAL_FATAL(n, (int)el);
	CU_ASSERT_EQUAL(memcmp(buf, exp, el), 0);	/* fixed key order */
	CU_ASSERT_EQUAL(disc_txt_decode(buf, (size_t)n, &b, err, sizeof(err)),
	    0);
	CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof(a)), 0);
}

/* Decoding the bare required keys fills in the defaults. */
static void
test_decode_defaults(void)
{
	struct disc_info i;
	uint8_t	 buf[DISC_TXT_MAX];
	char	 err[128];
	size_t	 n = mkbase(buf, NULL, NULL);

	CU_ASSERT_EQUAL_FATAL(disc_txt_decode(buf, n, &i, err, sizeof(err)),
	    0);
	CU_ASSERT_EQUAL(i.schema, 1);
	CU_ASSERT_STRING_EQUAL(i.cluster, "lab");
	CU_ASSERT_EQUAL(i.cpus, 4);
	CU_ASSERT_EQUAL(i.slots, 8);
	CU_ASSERT_EQUAL(i.free_slots, 8);
	CU_ASSERT_EQUAL(i.load, 0);
	CU_ASSERT_EQUAL(i.mem_free_mb, 0);
	CU_ASSERT_EQUAL(i.ntc, 0);
	CU_ASSERT_STRING_EQUAL(i.fingerprint, "");
	CU_ASSERT_STRING_EQUAL(i.security, "open");
	CU_ASSERT_EQUAL(i.status_port, 0);
}

/* A record decode must accept, with a check on the result. */
struct good {
	const char	*name;
	const char	*drop;
	const char	*extra[NSTR];
};

static const struct good goods[] = {
	{ "unknown keys ignored", NULL,
	  { "color=blue", "x-future=\x01\xff=", "tcx=1", "tc=2",
	    "tc0x=1", "abcdefghijklmnopqrstuvwxyz012345=ok", NULL } },
	{ "higher txtvers", "txtvers", { "txtvers=7", "gpu=1", NULL } },
	{ "key case ignored", "cpus", { "CPUS=4", NULL } },
	{ "'=' and UTF-8 in cluster", "cluster",
	  { "cluster=a=b \xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e", NULL } },
	{ "63-byte cluster", "cluster",
	  { "cluster=123456789012345678901234567890123456789012345678901"
	    "234567890123", NULL } },
	{ "empty id is unknown", NULL, { "id=", NULL } },
	{ "limits", NULL,
	  { "load=100", "mem=16777216", "status=65535", "sec=site",
	    "tc0=a", NULL } },
	{ "ten digits", "proto", { "proto=0000065535", NULL } },
	{ "sixteen toolchains", NULL,
	  { "tc0=a", "tc1=b", "tc2=c", "tc3=d", "tc4=e", "tc5=f", "tc6=g",
	    "tc7=h", "tc8=i", "tc9=j", "tc10=k", "tc11=l", "tc12=m",
	    "tc13=n", "tc14=o", "TC15=p", NULL } },
	{ "toolchains in any order", NULL, { "tc1=b", "tc0=a", NULL } },
};

static void
test_decode_accepts(void)
{
	struct disc_info i;
	uint8_t	 buf[DISC_TXT_MAX];
	char	 err[128];
	size_t	 k, n;

	for (k = 0; k < sizeof(goods) / sizeof(goods[0]); k++) {
		const struct good *g = &goods[k];
		int	 r;

		n = mkbase(buf, g->drop, g->extra);
		err[0] = '\0';
		r = disc_txt_decode(buf, n, &i, err, sizeof(err));
		if (r != 0)
			fprintf(stderr, "\n  case \"%s\": refused: %s\n",
			    g->name, err);
		CU_ASSERT_EQUAL(r, 0);
	}
	/* and the values were read */
	n = mkbase(buf, "txtvers", goods[1].extra);
	CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &i, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(i.schema, 7);
	CU_ASSERT_EQUAL(i.cpus, 4);
	n = mkbase(buf, "cluster", goods[3].extra);
	CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &i, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(i.cluster,
	    "a=b \xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e");
	n = mkbase(buf, NULL, goods[6].extra);
	CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &i, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(i.load, 100);
	CU_ASSERT_EQUAL(i.mem_free_mb, DISC_LIMIT_MEM_MB);
	CU_ASSERT_EQUAL(i.status_port, 65535);
	CU_ASSERT_STRING_EQUAL(i.security, "site");
	n = mkbase(buf, NULL, goods[8].extra);
	CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &i, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(i.ntc, 16);
	CU_ASSERT_STRING_EQUAL(i.tc[15], "p");
	n = mkbase(buf, NULL, goods[9].extra);
	CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &i, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(i.ntc, 2);
	CU_ASSERT_STRING_EQUAL(i.tc[0], "a");
}

/* A record decode must refuse, and a word its reason must contain. */
struct bad {
	const char	*name;
	const char	*drop;
	const char	*extra[NSTR];
	const char	*why;
};

#define LONG33	"abcdefghijklmnopqrstuvwxyz0123456"
#define HEX64	"0123456789abcdef0123456789abcdef" \
		"0123456789abcdef0123456789abcdef"
#define TC96	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const struct bad bads[] = {
	/* framing */
	{ "string without '='", NULL, { "flag", NULL }, "no '='" },
	{ "empty key", NULL, { "=x", NULL }, "empty key" },
	{ "key of 33 bytes", NULL, { LONG33 "=1", NULL }, "longer" },
	{ "control byte in key", NULL, { "a\x01=1", NULL }, "non-printable" },
	{ "high byte in key", NULL, { "\xc3\xa9=1", NULL }, "non-printable" },
	{ "duplicate key", NULL, { "cpus=4", NULL }, "duplicate key \"cpus\"" },
	{ "duplicate key, other case", NULL, { "CpUs=4", NULL },
	  "duplicate" },
	{ "duplicate unknown key", NULL, { "foo=1", "FOO=2", NULL },
	  "duplicate" },
	{ "duplicate toolchain", NULL, { "tc0=a", "TC0=a", NULL },
	  "duplicate" },
	/* numbers */
	{ "negative number", "cpus", { "cpus=-4", NULL }, "decimal" },
	{ "plus sign", "cpus", { "cpus=+4", NULL }, "decimal" },
	{ "leading space", "cpus", { "cpus= 4", NULL }, "decimal" },
	{ "trailing space", "cpus", { "cpus=4 ", NULL }, "decimal" },
	{ "trailing junk", "cpus", { "cpus=4x", NULL }, "decimal" },
	{ "hex number", "cpus", { "cpus=0x4", NULL }, "decimal" },
	{ "empty number", "cpus", { "cpus=", NULL }, "decimal" },
	{ "eleven digits", "cpus", { "cpus=00000000004", NULL }, "digits" },
	{ "overflow 2^32", "txtvers", { "txtvers=4294967296", NULL },
	  "range" },
	{ "overflow 10 nines", "slots", { "slots=9999999999", NULL },
	  "range" },
	{ "cpus 0", "cpus", { "cpus=0", NULL }, "cpus: out of range" },
	{ "cpus 100000", "cpus", { "cpus=100000", NULL }, "range" },
	{ "cpus 4097", "cpus", { "cpus=4097", NULL }, "range" },
	{ "slots 16385", "slots", { "slots=16385", NULL }, "range" },
	{ "free > slots", "free", { "free=9", NULL }, "more than slots" },
	{ "txtvers 0", "txtvers", { "txtvers=0", NULL }, "txtvers" },
	{ "proto 0", "proto", { "proto=0", NULL }, "proto" },
	{ "proto 65536", "proto", { "proto=65536", NULL }, "proto" },
	{ "load 101", NULL, { "load=101", NULL }, "load" },
	{ "mem too big", NULL, { "mem=16777217", NULL }, "mem" },
	{ "status 0", NULL, { "status=0", NULL }, "status" },
	{ "status 65536", NULL, { "status=65536", NULL }, "status" },
	/* cluster */
	{ "empty cluster", "cluster", { "cluster=", NULL }, "empty" },
	{ "64-byte cluster", "cluster",
	  { "cluster=1234567890123456789012345678901234567890123456789012"
	    "345678901234", NULL }, "longer" },
	{ "overlong '/'", "cluster", { "cluster=a\xc0\xaf", NULL }, "UTF-8" },
	{ "overlong 3-byte", "cluster", { "cluster=\xe0\x80\xaf", NULL },
	  "UTF-8" },
	{ "overlong 4-byte", "cluster", { "cluster=\xf0\x8f\xbf\xbf", NULL },
	  "UTF-8" },
	{ "surrogate", "cluster", { "cluster=\xed\xa0\x80", NULL }, "UTF-8" },
	{ "past U+10FFFF", "cluster", { "cluster=\xf4\x90\x80\x80", NULL },
	  "UTF-8" },
	{ "lead byte F5", "cluster", { "cluster=\xf5\x80\x80\x80", NULL },
	  "UTF-8" },
	{ "byte FF", "cluster", { "cluster=a\xff", NULL }, "UTF-8" },
	{ "truncated 2-byte", "cluster", { "cluster=ab\xc3", NULL }, "UTF-8" },
	{ "truncated 3-byte", "cluster", { "cluster=\xe2\x82", NULL },
	  "UTF-8" },
	{ "bad continuation", "cluster", { "cluster=\xe2\x28\xa1", NULL },
	  "UTF-8" },
	{ "stray continuation", "cluster", { "cluster=\x80", NULL }, "UTF-8" },
	{ "escape in cluster", "cluster", { "cluster=\x1b[31mred", NULL },
	  "control" },
	{ "tab in cluster", "cluster", { "cluster=a\tb", NULL }, "control" },
	{ "newline in cluster", "cluster", { "cluster=a\nb", NULL },
	  "control" },
	{ "DEL in cluster", "cluster", { "cluster=a\x7f", NULL }, "control" },
	{ "C1 CSI in cluster", "cluster", { "cluster=a\xc2\x9b", NULL },
	  "control" },
	/* id, sec */
	{ "id without prefix", NULL, { "id=" HEX64, NULL }, "id" },
	{ "id md5", NULL, { "id=md5:" HEX64, NULL }, "id" },
	{ "id uppercase hex", NULL,
	  { "id=sha256:0123456789ABCDEF0123456789abcdef"
	    "0123456789abcdef0123456789abcdef", NULL }, "id" },
	{ "id short", NULL, { "id=sha256:0123", NULL }, "id" },
	{ "id long", NULL, { "id=sha256:" HEX64 "0", NULL }, "id" },
	{ "sec unknown", NULL, { "sec=closed", NULL }, "sec" },
	{ "sec uppercase", NULL, { "sec=OPEN", NULL }, "sec" },
	{ "sec empty", NULL, { "sec=", NULL }, "sec" },
	{ "krb5 without krb", NULL, { "sec=krb5", NULL }, "krb:" },
	{ "krb without krb5", NULL, { "sec=open",
	  "krb=ccpool/h1@LAB.TEST", NULL }, "krb:" },
	{ "krb without realm", NULL, { "sec=krb5", "krb=ccpool/h1", NULL },
	  "krb:" },
	{ "krb without service", NULL, { "sec=krb5", "krb=alice@LAB.TEST",
	  NULL }, "krb:" },
	{ "krb with a space", NULL, { "sec=krb5",
	  "krb=ccpool/h 1@LAB.TEST", NULL }, "krb:" },
	{ "krb with two realms", NULL, { "sec=krb5",
	  "krb=ccpool/h1@A@B", NULL }, "krb:" },
	{ "krb with a quote", NULL, { "sec=krb5",
	  "krb=ccpool/\"h1@LAB.TEST", NULL }, "krb:" },
	/* toolchains */
	{ "tc gap", NULL, { "tc0=a", "tc2=c", NULL }, "contiguous" },
	{ "tc not from 0", NULL, { "tc1=a", NULL }, "contiguous" },
	{ "tc16", NULL,
	  { "tc0=a", "tc1=b", "tc2=c", "tc3=d", "tc4=e", "tc5=f", "tc6=g",
	    "tc7=h", "tc8=i", "tc9=j", "tc10=k", "tc11=l", "tc12=m",
	    "tc13=n", "tc14=o", "tc15=p", "tc16=q", NULL },
	  "too many toolchains" },
	{ "tc with huge index", NULL, { "tc0=a", "tc99999999999999=b", NULL },
	  "too many toolchains" },
	{ "tc leading zero", NULL, { "tc0=a", "tc01=b", NULL },
	  "leading zero" },
	{ "tc with space", NULL, { "tc0=gcc 12", NULL }, "tc0" },
	{ "tc with slash", NULL, { "tc0=../gcc", NULL }, "tc0" },
	{ "tc with UTF-8", NULL, { "tc0=gcc\xc3\xa9", NULL }, "tc0" },
	{ "tc empty", NULL, { "tc0=", NULL }, "tc0" },
	{ "tc 96 bytes", NULL, { "tc0=" TC96, NULL }, "tc0" },
	/* required keys */
	{ "missing txtvers", "txtvers", { NULL }, "missing txtvers" },
	{ "missing proto", "proto", { NULL }, "missing proto" },
	{ "missing cluster", "cluster", { NULL }, "missing cluster" },
	{ "missing cpus", "cpus", { NULL }, "missing cpus" },
	{ "missing slots", "slots", { NULL }, "missing slots" },
	{ "missing free", "free", { NULL }, "missing free" },
};

static void
test_decode_refuses(void)
{
	struct disc_info i;
	uint8_t	 buf[DISC_TXT_MAX * 2];
	char	 err[128];
	size_t	 k, n;

	for (k = 0; k < sizeof(bads) / sizeof(bads[0]); k++) {
		const struct bad *b = &bads[k];
		int	 r;

		n = mkbase(buf, b->drop, b->extra);
		memset(err, 0, sizeof(err));
		r = disc_txt_decode(buf, n, &i, err, sizeof(err));
		if (r != -1 || strstr(err, b->why) == NULL)
			fprintf(stderr, "\n  case \"%s\": r=%d err=\"%s\", "
			    "wanted \"%s\"\n", b->name, r, err, b->why);
		CU_ASSERT_EQUAL(r, -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, b->why));
		/* the reason never carries raw bytes */
		CU_ASSERT_TRUE(disc_utf8_valid(err, strlen(err)));
		for (r = 0; err[r] != '\0'; r++)
			CU_ASSERT_TRUE(err[r] >= 0x20 && err[r] < 0x7f);
	}
}

/* Framing and size cases that need raw bytes. */
static void
test_decode_raw(void)
{
	struct disc_info i;
	uint8_t	 buf[DISC_TXT_MAX + 300];
	char	 err[128], pad[200];
	size_t	 n, room;

	/* a length byte that runs past the end */
	n = mkbase(buf, NULL, NULL);
	buf[n++] = 5;
	buf[n++] = 'a';
	buf[n++] = '=';
	CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &i, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "past the end"));
	/* a lone length byte at the end */
	n = mkbase(buf, NULL, NULL);
	buf[n++] = 1;
	CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &i, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "past the end"));
	/* the record cut short inside its first string */
	n = mkbase(buf, NULL, NULL);
	CU_ASSERT_EQUAL(disc_txt_decode(buf, 4, &i, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "string 1 runs past"));

	/* NUL inside the cluster name */
	n = 0;
	add(buf, &n, "txtvers=1", 9);
	add(buf, &n, "proto=1", 7);
	add(buf, &n, "cluster=ab\0cd", 13);
	add(buf, &n, "cpus=1", 6);
	add(buf, &n, "slots=1", 7);
	add(buf, &n, "free=1", 6);
	CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &i, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cluster"));
	/* binary, NUL included, in an unknown key's value is ignored */
	n = mkbase(buf, NULL, NULL);
	add(buf, &n, "blob=\0\xff\x01", 8);
	CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &i, err, sizeof(err)), 0);
	/* NUL inside a number */
	n = mkbase(buf, "cpus", NULL);
	add(buf, &n, "cpus=4\0", 7);
	CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &i, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cpus"));

	/* exactly DISC_TXT_MAX bytes is fine, one more is not */
	n = mkbase(buf, NULL, NULL);
	memset(pad, 'v', sizeof(pad));
	memcpy(pad, "padNNNN=", 8);
	while (n < DISC_TXT_MAX) {
		room = DISC_TXT_MAX - n - 1;
		if (room > 150 + 20)
			room = 150;
		snprintf(pad + 3, 5, "%04zu", n);
		pad[7] = '=';
		add(buf, &n, pad, room);
	}
	CU_ASSERT_EQUAL_FATAL(n, DISC_TXT_MAX);
	CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &i, err, sizeof(err)), 0);
	add(buf, &n, "", 0);
	CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &i, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "more than 1300"));
	memset(buf + n, 0, 200);
	CU_ASSERT_EQUAL(disc_txt_decode(buf, n + 200, &i, err, sizeof(err)),
	    -1);

	/* empty: no strings, one empty string */
	CU_ASSERT_EQUAL(disc_txt_decode(buf, 0, &i, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing txtvers"));
	buf[0] = 0;
	CU_ASSERT_EQUAL(disc_txt_decode(buf, 1, &i, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing txtvers"));
	/* a stray empty string amid the others is skipped */
	n = 0;
	add(buf, &n, "", 0);
	n += mkbase(buf + n, NULL, NULL);
	add(buf, &n, "", 0);
	CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &i, err, sizeof(err)), 0);
	/* NULL err is allowed */
	CU_ASSERT_EQUAL(disc_txt_decode(buf, 0, &i, NULL, 0), -1);
}

/* Error text names an unknown key escaped, never raw. */
static void
test_decode_err_escaped(void)
{
	static const char *const x[] = { "a\"\\b=1", "A\"\\B=2", NULL };
	struct disc_info i;
	uint8_t	 buf[DISC_TXT_MAX];
	char	 err[128];
	size_t	 n = mkbase(buf, NULL, x);

	CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &i, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "duplicate key \"A\\x22\\x5cB\"");
	/* a tiny err buffer is still terminated */
	CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &i, err, 5), -1);
	CU_ASSERT_EQUAL(strlen(err), 4);
}

static void
test_encode_refuses(void)
{
	struct disc_info a;
	uint8_t	 buf[DISC_TXT_MAX * 2];
	char	 err[128];
	unsigned j;

#define REFUSE(mod, word) do {						\
	full_info(&a);							\
	mod;								\
	err[0] = '\0';							\
	CU_ASSERT_EQUAL(disc_txt_encode(&a, buf, sizeof(buf), err,	\
	    sizeof(err)), -1);						\
	CU_ASSERT_PTR_NOT_NULL(strstr(err, word));			\
} while (0)
	REFUSE(a.schema = 0, "txtvers");
	REFUSE(a.proto = 0, "proto");
	REFUSE(a.proto = 70000, "proto");
	REFUSE(a.cluster[0] = '\0', "cluster");
	REFUSE(memset(a.cluster, 'a', sizeof(a.cluster)), "cluster");
	REFUSE(a.cluster[1] = '\x1b', "cluster");
	REFUSE(a.cluster[1] = '\xc0', "cluster");
	REFUSE(a.fingerprint[7] = 'X', "id");
	REFUSE(memset(a.fingerprint, 'a', sizeof(a.fingerprint)), "id");
	REFUSE(a.cpus = 0, "cpus");
	REFUSE(a.cpus = DISC_LIMIT_CPUS + 1, "cpus");
	REFUSE(a.slots = DISC_LIMIT_CPUS * 4 + 1, "slots");
	REFUSE(a.free_slots = a.slots + 1, "free");
	REFUSE(a.load = 101, "load");
	REFUSE(a.mem_free_mb = DISC_LIMIT_MEM_MB + 1, "mem");
	REFUSE(a.ntc = DISC_TC_MAX + 1, "toolchains");
	REFUSE(a.tc[1][0] = '\0', "tc1");
	REFUSE(a.tc[2][1] = '/', "tc2");
	REFUSE(memset(a.tc[0], 'a', DISC_TC_LEN), "tc0");
	REFUSE(a.security[0] = '\0', "sec");
	REFUSE(strcpy(a.security, "none"), "sec");
	REFUSE(memset(a.security, 'a', sizeof(a.security)), "sec");
	REFUSE(a.status_port = 65536, "status");
	/* valid fields, but more than DISC_TXT_MAX in all */
	REFUSE(do {
		a.ntc = DISC_TC_MAX;
		for (j = 0; j < DISC_TC_MAX; j++) {
			memset(a.tc[j], 'a', DISC_TC_LEN - 1);
			a.tc[j][DISC_TC_LEN - 1] = '\0';
		}
	} while (0), "does not fit");
#undef REFUSE
	full_info(&a);
	CU_ASSERT_EQUAL(disc_txt_encode(&a, buf, 10, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(disc_txt_encode(NULL, buf, 10, err, sizeof(err)), -1);
}

static void
test_utf8(void)
{
	CU_ASSERT_TRUE(disc_utf8_valid("", 0));
	CU_ASSERT_TRUE(disc_utf8_valid("plain ascii ~", 13));
	CU_ASSERT_TRUE(disc_utf8_valid("\xc2\xa0", 2));		/* U+00A0 */
	CU_ASSERT_TRUE(disc_utf8_valid("\xdf\xbf", 2));		/* U+07FF */
	CU_ASSERT_TRUE(disc_utf8_valid("\xe0\xa0\x80", 3));	/* U+0800 */
	CU_ASSERT_TRUE(disc_utf8_valid("\xed\x9f\xbf", 3));	/* U+D7FF */
	CU_ASSERT_TRUE(disc_utf8_valid("\xee\x80\x80", 3));	/* U+E000 */
	CU_ASSERT_TRUE(disc_utf8_valid("\xef\xbf\xbd", 3));	/* U+FFFD */
	CU_ASSERT_TRUE(disc_utf8_valid("\xf0\x90\x80\x80", 4));	/* U+10000 */
	CU_ASSERT_TRUE(disc_utf8_valid("\xf4\x8f\xbf\xbf", 4));	/* U+10FFFF */
	CU_ASSERT_FALSE(disc_utf8_valid("a\0b", 3));
	CU_ASSERT_FALSE(disc_utf8_valid("\x1f", 1));
	CU_ASSERT_FALSE(disc_utf8_valid("\x7f", 1));
	CU_ASSERT_FALSE(disc_utf8_valid("\xc2\x80", 2));	/* C1 */
	CU_ASSERT_FALSE(disc_utf8_valid("\xc2\x9f", 2));
	CU_ASSERT_FALSE(disc_utf8_valid("\xc1\xbf", 2));	/* overlong */
	CU_ASSERT_FALSE(disc_utf8_valid("\xe0\x9f\xbf", 3));
	CU_ASSERT_FALSE(disc_utf8_valid("\xf0\x8f\xbf\xbf", 4));
	CU_ASSERT_FALSE(disc_utf8_valid("\xed\xa0\x80", 3));	/* D800 */
	CU_ASSERT_FALSE(disc_utf8_valid("\xed\xbf\xbf", 3));	/* DFFF */
	CU_ASSERT_FALSE(disc_utf8_valid("\xf4\x90\x80\x80", 4));
	CU_ASSERT_FALSE(disc_utf8_valid("\xf8\x88\x80\x80\x80", 5));
	CU_ASSERT_FALSE(disc_utf8_valid("\xe2\x82", 2));	/* truncated */
	CU_ASSERT_FALSE(disc_utf8_valid("\xf0\x90\x80", 3));
	/* length bounds the scan: the rest of a valid sequence is past it */
	CU_ASSERT_FALSE(disc_utf8_valid("\xe2\x82\xac", 2));
	CU_ASSERT_TRUE(disc_utf8_valid("\xe2\x82\xac", 3));
	CU_ASSERT_FALSE(disc_utf8_valid(NULL, 1));
}

/* distcc */

static void
stock(struct disc_distcc_info *d)
{
	memset(d, 0, sizeof(*d));
	d->cpus = 2;
	d->jobs = 4;
	snprintf(d->version, sizeof(d->version), "3.4");
	snprintf(d->gnuhost, sizeof(d->gnuhost), "x86_64-pc-linux-gnu");
	snprintf(d->cc_version, sizeof(d->cc_version), "12.2.0");
	snprintf(d->cc_machine, sizeof(d->cc_machine), "x86_64-linux-gnu");
}

static const char *const stock_rec[] = {
	"txtvers=1", "cpus=2", "jobs=4", "distcc=3.4",
	"gnuhost=x86_64-pc-linux-gnu", "cc_version=12.2.0",
	"cc_machine=x86_64-linux-gnu", NULL
};

static void
test_distcc_stock(void)
{
	struct disc_distcc_info d, want;
	struct disc_info ci;
	uint8_t	 buf[DISC_TXT_MAX], buf2[DISC_TXT_MAX];
	char	 err[128];
	size_t	 n = mkrec(buf, stock_rec);
	int	 m;

	CU_ASSERT_EQUAL_FATAL(disc_txt_decode_distcc(buf, n, &d, err,
	    sizeof(err)), 0);
	stock(&want);
	CU_ASSERT_EQUAL(memcmp(&d, &want, sizeof(d)), 0);
	CU_ASSERT_STRING_EQUAL(d.cc_machine, "x86_64-linux-gnu");
	/* our encoding is the stock record, byte for byte */
	m = disc_txt_encode_distcc(&d, buf2, sizeof(buf2), err, sizeof(err));
	CU_ASSERT_EQUAL_FATAL(m, (int)n);
	CU_ASSERT_EQUAL(memcmp(buf, buf2, n), 0);
	/* a ccpool decoder refuses it (no proto, cluster...) */
	CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &ci, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing"));
}

static void
test_distcc_tolerant(void)
{
	/* distcc 3.2 and older: no jobs; no cc_* if the compiler is silent */
	static const char *const old[] = {
		"txtvers=1", "cpus=8", "distcc=3.2rc1",
		"gnuhost=aarch64-unknown-linux-gnu", "future=x", NULL
	};
	struct disc_distcc_info d;
	uint8_t	 buf[DISC_TXT_MAX];
	char	 err[128];
	size_t	 n = mkrec(buf, old);

	CU_ASSERT_EQUAL_FATAL(disc_txt_decode_distcc(buf, n, &d, err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(d.cpus, 8);
	CU_ASSERT_EQUAL(d.jobs, 0);
	CU_ASSERT_STRING_EQUAL(d.version, "3.2rc1");
	CU_ASSERT_STRING_EQUAL(d.cc_version, "");
	CU_ASSERT_STRING_EQUAL(d.cc_machine, "");
	buf[0] = 0;
	CU_ASSERT_EQUAL(disc_txt_decode_distcc(buf, 1, &d, err, sizeof(err)),
	    0);
	CU_ASSERT_EQUAL(d.cpus, 0);
}

struct dbad {
	const char	*name;
	const char	*rec[NSTR];
	const char	*why;
};

static const struct dbad dbads[] = {
	{ "no '='", { "txtvers=1", "cpus", NULL }, "no '='" },
	{ "empty key", { "=2", NULL }, "empty key" },
	{ "duplicate", { "cpus=2", "cpus=2", NULL }, "duplicate" },
	{ "duplicate, other case", { "gnuhost=a", "GNUHOST=a", NULL },
	  "duplicate" },
	{ "negative cpus", { "cpus=-1", NULL }, "cpus" },
	{ "word cpus", { "cpus=two", NULL }, "cpus" },
	{ "cpus overflow", { "cpus=4294967296", NULL }, "cpus" },
	{ "cpus absurd", { "cpus=100000", NULL }, "cpus" },
	{ "jobs absurd", { "jobs=99999", NULL }, "jobs" },
	{ "txtvers 0", { "txtvers=0", NULL }, "txtvers" },
	{ "txtvers junk", { "txtvers=1.0", NULL }, "txtvers" },
	{ "cc_version too long", { "cc_version=12.2.0-aaaaaaaaaaaaaaaaaaaaaaaaa",
	  NULL }, "cc_version: longer" },
	{ "distcc too long",
	  { "distcc=3.4aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL },
	  "distcc: longer" },
	{ "cc_machine too long",
	  { "cc_machine=x86_64-linux-gnuxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx", NULL }, "cc_machine: longer" },
	{ "escape in gnuhost", { "gnuhost=x86\x1b]0;pwn\x07", NULL },
	  "gnuhost: a non-printable" },
	{ "high byte in cc_machine", { "cc_machine=x86\xc3\xa9", NULL },
	  "cc_machine: a non-printable" },
	{ "newline in distcc", { "distcc=3.4\n", NULL }, "non-printable" },
};

static void
test_distcc_refuses(void)
{
	struct disc_distcc_info d;
	uint8_t	 buf[DISC_TXT_MAX + 10];
	char	 err[128];
	size_t	 k, n;

	for (k = 0; k < sizeof(dbads) / sizeof(dbads[0]); k++) {
		const struct dbad *b = &dbads[k];
		int	 r;

		n = mkrec(buf, b->rec);
		memset(err, 0, sizeof(err));
		r = disc_txt_decode_distcc(buf, n, &d, err, sizeof(err));
		if (r != -1 || strstr(err, b->why) == NULL)
			fprintf(stderr, "\n  case \"%s\": r=%d err=\"%s\", "
			    "wanted \"%s\"\n", b->name, r, err, b->why);
		CU_ASSERT_EQUAL(r, -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, b->why));
	}
	/* truncated length byte */
	n = mkrec(buf, stock_rec);
	buf[n++] = 40;
	CU_ASSERT_EQUAL(disc_txt_decode_distcc(buf, n, &d, err, sizeof(err)),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "past the end"));
	/* oversized */
	memset(buf, 0, DISC_TXT_MAX + 1);
	CU_ASSERT_EQUAL(disc_txt_decode_distcc(buf, DISC_TXT_MAX + 1, &d, err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "more than"));
	/* NUL in a text field */
	n = 0;
	add(buf, &n, "distcc=3\0.4", 11);
	CU_ASSERT_EQUAL(disc_txt_decode_distcc(buf, n, &d, err, sizeof(err)),
	    -1);
}

static void
test_distcc_encode(void)
{
	struct disc_distcc_info a, b;
	uint8_t	 buf[DISC_TXT_MAX];
	char	 err[128];
	int	 n;

	/* an empty struct still writes every key */
	memset(&a, 0, sizeof(a));
	n = disc_txt_encode_distcc(&a, buf, sizeof(buf), err, sizeof(err));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(disc_txt_decode_distcc(buf, (size_t)n, &b, err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof(a)), 0);
	CU_ASSERT_EQUAL(buf[0], 9);
	CU_ASSERT_EQUAL(memcmp(buf + 1, "txtvers=1", 9), 0);

	stock(&a);
	a.cpus = DISC_LIMIT_CPUS + 1;
	CU_ASSERT_EQUAL(disc_txt_encode_distcc(&a, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	stock(&a);
	a.jobs = DISC_LIMIT_CPUS * 4 + 1;
	CU_ASSERT_EQUAL(disc_txt_encode_distcc(&a, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	stock(&a);
	a.gnuhost[2] = '\n';
	CU_ASSERT_EQUAL(disc_txt_encode_distcc(&a, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "gnuhost"));
	stock(&a);
	memset(a.cc_version, '1', sizeof(a.cc_version));
	CU_ASSERT_EQUAL(disc_txt_encode_distcc(&a, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cc_version"));
	stock(&a);
	CU_ASSERT_EQUAL(disc_txt_encode_distcc(&a, buf, 20, err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "does not fit"));
}

/* re-publish thresholds */

/* The optional speed key: absent is 0, 1..DISC_LIMIT_SPEED, else refused. */
static void
test_speed_key(void)
{
	static const char *const ok[] = { "speed=1", NULL };
	static const char *const big[] = { "speed=1000000", NULL };
	static const char *const bad[][2] = { { "speed=0", NULL },
		{ "speed=1000001", NULL }, { "speed=", NULL },
		{ "speed=12k", NULL }, { "speed=-3", NULL } };
	struct disc_info i;
	uint8_t	 buf[DISC_TXT_MAX];
	char	 err[128];
	size_t	 n, k;

	n = mkbase(buf, NULL, NULL);
	CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &i, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(i.speed, 0);
	n = mkbase(buf, NULL, ok);
	CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &i, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(i.speed, 1);
	n = mkbase(buf, NULL, big);
	CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &i, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(i.speed, DISC_LIMIT_SPEED);
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		n = mkbase(buf, NULL, bad[k]);
		CU_ASSERT_EQUAL(disc_txt_decode(buf, n, &i, err, sizeof(err)),
		    -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "speed"));
	}
	/* encode: written only when measured, refused when absurd */
	min_info(&i);
	n = (size_t)disc_txt_encode(&i, buf, sizeof(buf), err, sizeof(err));
	CU_ASSERT(memmem(buf, n, "speed=", 6) == NULL);
	i.speed = 812;
	n = (size_t)disc_txt_encode(&i, buf, sizeof(buf), err, sizeof(err));
	CU_ASSERT(memmem(buf, n, "\x09speed=812", 10) != NULL);
	i.speed = DISC_LIMIT_SPEED + 1;
	CU_ASSERT_EQUAL(disc_txt_encode(&i, buf, sizeof(buf), err,
	    sizeof(err)), -1);
}

static void
test_meaningful_change(void)
{
	struct disc_info a, b;

	full_info(&a);
	b = a;
	CU_ASSERT_FALSE(disc_info_meaningful_change(&a, &b));

#define CHANGED(mod, want) do {						\
	b = a;								\
	mod;								\
	CU_ASSERT_EQUAL(!!disc_info_meaningful_change(&a, &b), want);	\
	CU_ASSERT_EQUAL(!!disc_info_meaningful_change(&b, &a), want);	\
} while (0)
	CHANGED(b.slots++, 1);
	CHANGED(b.free_slots--, 1);
	CHANGED(b.cpus++, 1);
	CHANGED(b.proto++, 1);
	CHANGED(b.status_port = 0, 1);
	CHANGED(b.ntc--, 1);
	CHANGED(b.tc[1][0] = 'x', 1);
	CHANGED(b.tc[5][0] = 'x', 0);		/* past ntc: not in the advert */
	CHANGED(b.fingerprint[0] = '\0', 1);
	CHANGED(b.cluster[0] = 'c', 1);
	CHANGED(strcpy(b.security, "open"), 1);
	/* speed: 10%, or known / unknown */
	CHANGED(b.speed = 2345 + 200, 0);
	CHANGED(b.speed = 2345 + 300, 1);
	CHANGED(b.speed = 0, 1);
	/* load: 10 points */
	CHANGED(b.load = a.load + 9, 0);
	CHANGED(b.load = a.load - 9, 0);
	CHANGED(b.load = a.load + 10, 1);
	CHANGED(b.load = a.load - 10, 1);
	/* mem: 10% of the larger value */
	a.mem_free_mb = 1000;
	CHANGED(b.mem_free_mb = 1099, 0);	/* 99 < 109.9 */
	CHANGED(b.mem_free_mb = 1111, 0);	/* 111 < 111.1 */
	CHANGED(b.mem_free_mb = 1112, 1);	/* 112 >= 111.2 */
	CHANGED(b.mem_free_mb = 901, 0);	/* 99 < 100 */
	CHANGED(b.mem_free_mb = 900, 1);	/* 100 >= 100 */
	a.mem_free_mb = 0;
	CHANGED(b.mem_free_mb = 1, 1);
	CHANGED(b.mem_free_mb = 0, 0);
	a.mem_free_mb = DISC_LIMIT_MEM_MB;
	CHANGED(b.mem_free_mb = DISC_LIMIT_MEM_MB - 1, 0);
	CHANGED(b.mem_free_mb = 0, 1);
#undef CHANGED
}

/* Kerberos servers: sec=krb5 with their principal, both ways. */
static void
test_krb(void)
{
	static const char *const ok[] = { "sec=krb5",
	    "krb=ccpool/h1.lab.test@LAB.TEST", NULL };
	struct disc_info i, j;
	uint8_t	 buf[DISC_TXT_MAX];
	char	 err[128];
	int	 n;

	n = (int)mkbase(buf, NULL, ok);
	CU_ASSERT_EQUAL(disc_txt_decode(buf, (size_t)n, &i, err, sizeof(err)),
	    0);
	CU_ASSERT_STRING_EQUAL(i.security, "krb5");
	CU_ASSERT_STRING_EQUAL(i.principal, "ccpool/h1.lab.test@LAB.TEST");
	n = disc_txt_encode(&i, buf, sizeof(buf), err, sizeof(err));
	CU_ASSERT_TRUE(n > 0);
	CU_ASSERT_EQUAL(disc_txt_decode(buf, (size_t)n, &j, err, sizeof(err)),
	    0);
	CU_ASSERT_STRING_EQUAL(j.principal, i.principal);
	/* the encoder refuses what the decoder would */
	snprintf(i.security, sizeof(i.security), "open");
	CU_ASSERT_EQUAL(disc_txt_encode(&i, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	snprintf(i.security, sizeof(i.security), "krb5");
	i.principal[0] = '\0';
	CU_ASSERT_EQUAL(disc_txt_encode(&i, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	memset(i.principal, 'a', sizeof(i.principal));
	CU_ASSERT_EQUAL(disc_txt_encode(&i, buf, sizeof(buf), err,
	    sizeof(err)), -1);
}

int
init_disc_txt_tests(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("disc_txt", NULL, NULL)) == NULL)
		return -1;
	if (CU_add_test(s, "round trip, full", test_roundtrip_full) == NULL ||
	    CU_add_test(s, "round trip, minimal",
	    test_roundtrip_minimal) == NULL ||
	    CU_add_test(s, "decode defaults", test_decode_defaults) == NULL ||
	    CU_add_test(s, "decode accepts", test_decode_accepts) == NULL ||
	    CU_add_test(s, "decode refuses", test_decode_refuses) == NULL ||
	    CU_add_test(s, "decode raw framing", test_decode_raw) == NULL ||
	    CU_add_test(s, "errors escaped", test_decode_err_escaped) == NULL ||
	    CU_add_test(s, "encode refuses", test_encode_refuses) == NULL ||
	    CU_add_test(s, "strict UTF-8", test_utf8) == NULL ||
	    CU_add_test(s, "kerberos servers", test_krb) == NULL ||
	    CU_add_test(s, "distcc stock record", test_distcc_stock) == NULL ||
	    CU_add_test(s, "distcc tolerant", test_distcc_tolerant) == NULL ||
	    CU_add_test(s, "distcc refuses", test_distcc_refuses) == NULL ||
	    CU_add_test(s, "distcc encode", test_distcc_encode) == NULL ||
	    CU_add_test(s, "speed key", test_speed_key) == NULL ||
	    CU_add_test(s, "meaningful change",
	    test_meaningful_change) == NULL)
		return -1;
	return 0;
}
