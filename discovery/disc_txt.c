/*
 * disc_txt.c - the TXT record codec; see disc_txt.h and doc/txt-schema.md.
 *
 * Decoding runs on bytes from anyone on the LAN, so it is done in two
 * strict passes: txt_split() walks the rdata and checks the framing of
 * every string (length bytes, "key=value", key syntax, duplicates), then
 * the schema pass (disc_txt_decode, disc_txt_decode_distcc) checks each
 * value it knows with the checks of disc_txt_check.c.  Encoding runs the
 * same value checks on the struct before writing, so what we emit always
 * decodes to the same struct.  Only libc is used, so the two files build
 * alone into a fuzz harness.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "discovery/disc_txt.h"
#include "discovery/disc_txt_check.h"

#define TXT_KEY_MAX	32	/* longest key we accept, even unknown */
#define TXT_STR_MAX	(DISC_TXT_MAX / 3 + 1)	/* "<len>k=" is 3 bytes */
#define TXT_NUM_DIGITS	10

/* One "key=value" string of a record, pointing into the rdata. */
struct txt_str {
	const uint8_t	*key;
	size_t		 klen;
	const uint8_t	*val;
	size_t		 vlen;
};

/* The ccpool keys; the tc<N> keys are recognised apart. */
enum ckey {
	K_TXTVERS, K_PROTO, K_CLUSTER, K_ID, K_CPUS, K_SLOTS, K_FREE,
	K_LOAD, K_MEM, K_SEC, K_STATUS, K_QUEUE, K_KRB, K_SPEED, K_NKEYS
};

static const char *const ckey_name[K_NKEYS] = {
	"txtvers", "proto", "cluster", "id", "cpus", "slots", "free",
	"load", "mem", "sec", "status", "queue", "krb", "speed"
};

enum dkey {
	D_TXTVERS, D_CPUS, D_JOBS, D_DISTCC, D_GNUHOST, D_CC_VERSION,
	D_CC_MACHINE, D_NKEYS
};

static const char *const dkey_name[D_NKEYS] = {
	"txtvers", "cpus", "jobs", "distcc", "gnuhost", "cc_version",
	"cc_machine"
};

/*
 * Write untrusted bytes s (len) into dst (dstlen, NUL-terminated) with
 * anything but printable ASCII, '"' and '\\' written as \xHH, so an error
 * message can name what it refused.  Returns dst.
 */
static const char *
txt_escape(char *dst, size_t dstlen, const uint8_t *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t	 i, o = 0;

	if (dstlen == 0)
		return dst;
	for (i = 0; i < len; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' &&
		    s[i] != '\\') {
			if (o + 1 >= dstlen)
				break;
			dst[o++] = (char)s[i];
		} else {
			if (o + 4 >= dstlen)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[s[i] >> 4];
			dst[o++] = hex[s[i] & 0xf];
		}
	}
	dst[o] = '\0';
	return dst;
}

static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Whether key (klen bytes) is name, ignoring ASCII case (RFC 6763 6.4). */
static int
key_is(const uint8_t *key, size_t klen, const char *name)
{
	size_t	 i;

	if (strlen(name) != klen)
		return 0;
	for (i = 0; i < klen; i++)
		if (ascii_lower(key[i]) != name[i])
			return 0;
	return 1;
}

static int
key_eq(const struct txt_str *a, const struct txt_str *b)
{
	size_t	 i;

	if (a->klen != b->klen)
		return 0;
	for (i = 0; i < a->klen; i++)
		if (ascii_lower(a->key[i]) != ascii_lower(b->key[i]))
			return 0;
	return 1;
}

/*
 * Split rdata buf (len) into its key=value strings, checking the framing:
 * size, length bytes, '=', key syntax, duplicate keys.  Zero-length strings
 * are skipped (RFC 6763 writes an empty record as one).  Fills v (room for
 * TXT_STR_MAX) and *n.  Returns 0, or -1 with err set.
 */
static int
txt_split(const uint8_t *buf, size_t len, struct txt_str *v, size_t *n,
    char *err, size_t errlen)
{
	const uint8_t	*s, *eq;
	size_t		 off = 0, l, i, k, idx = 0;
	char		 esc[TXT_KEY_MAX * 4 + 1];

	*n = 0;
	if (len > DISC_TXT_MAX) {
		err_set(err, errlen, "TXT record of %zu bytes, more than %d",
		    len, DISC_TXT_MAX);
		return -1;
	}
	if (len > 0 && buf == NULL) {
		err_set(err, errlen, "no TXT record");
		return -1;
	}
	while (off < len) {
		idx++;
		l = buf[off];
		if (l > len - off - 1) {
			err_set(err, errlen, "string %zu runs past the end of "
			    "the record", idx);
			return -1;
		}
		s = buf + off + 1;
		off += 1 + l;
		if (l == 0)
			continue;
		if ((eq = memchr(s, '=', l)) == NULL) {
			err_set(err, errlen, "string %zu has no '='", idx);
			return -1;
		}
		k = (size_t)(eq - s);
		if (k == 0) {
			err_set(err, errlen, "string %zu has an empty key", idx);
			return -1;
		}
		if (k > TXT_KEY_MAX) {
			err_set(err, errlen, "string %zu has a key longer than "
			    "%d bytes", idx, TXT_KEY_MAX);
			return -1;
		}
		for (i = 0; i < k; i++)
			if (s[i] < 0x20 || s[i] > 0x7e) {
				err_set(err, errlen, "string %zu has a key with "
				    "a non-printable byte", idx);
				return -1;
			}
		if (*n >= TXT_STR_MAX) {	/* cannot happen: 3 bytes each */
			err_set(err, errlen, "too many strings");
			return -1;
		}
		v[*n].key = s;
		v[*n].klen = k;
		v[*n].val = s + k + 1;
		v[*n].vlen = l - k - 1;
		for (i = 0; i < *n; i++)
			if (key_eq(&v[i], &v[*n])) {
				err_set(err, errlen, "duplicate key \"%s\"",
				    txt_escape(esc, sizeof(esc), s, k));
				return -1;
			}
		(*n)++;
	}
	return 0;
}

/*
 * Parse a plain decimal number (digits only, 1 to 10 of them) in
 * [min, max] into *out.  Returns 0, or -1 with err naming key.
 */
static int
txt_num(const struct txt_str *t, const char *key, uint64_t min, uint64_t max,
    unsigned *out, char *err, size_t errlen)
{
	uint64_t	 x = 0;
	size_t		 i;

	if (t->vlen == 0 || t->vlen > TXT_NUM_DIGITS) {
		err_set(err, errlen, "%s: not a decimal number of 1 to %d "
		    "digits", key, TXT_NUM_DIGITS);
		return -1;
	}
	for (i = 0; i < t->vlen; i++) {
		if (t->val[i] < '0' || t->val[i] > '9') {
			err_set(err, errlen, "%s: not a plain decimal number",
			    key);
			return -1;
		}
		x = x * 10 + (uint64_t)(t->val[i] - '0');
	}
	if (x < min || x > max) {
		err_set(err, errlen, "%s: out of range %llu..%llu", key,
		    (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	*out = (unsigned)x;
	return 0;
}

/*
 * If key is "tc<N>" (N decimal), its N into *idx (saturated at
 * DISC_TC_MAX) and 1; 0 if the key is not of that shape (an unknown key).
 * N with a leading zero is -1 (refused: it would alias another tc<N>).
 */
static int
tc_key(const struct txt_str *t, unsigned long *idx)
{
	size_t	 i;

	if (t->klen < 3 || ascii_lower(t->key[0]) != 't' ||
	    ascii_lower(t->key[1]) != 'c')
		return 0;
	*idx = 0;
	for (i = 2; i < t->klen; i++) {
		if (t->key[i] < '0' || t->key[i] > '9')
			return 0;
		if (*idx < DISC_TC_MAX)
			*idx = *idx * 10 + (unsigned long)(t->key[i] - '0');
	}
	if (t->klen > 3 && t->key[2] == '0')
		return -1;
	if (*idx > DISC_TC_MAX)
		*idx = DISC_TC_MAX;
	return 1;
}

/*
 * Sort the n strings of v by key: a ccpool key into k (K_NKEYS slots),
 * tc<N> into tc (DISC_TC_MAX slots), both zeroed here; other keys (of a
 * later schema) are ignored.  Returns 0, or -1 with err set (tc<N> with
 * a leading zero, or N too large).
 */
static int
txt_sort_keys(const struct txt_str *v, size_t n,
    const struct txt_str *k[K_NKEYS], const struct txt_str *tc[DISC_TC_MAX],
    char *err, size_t errlen)
{
	const struct txt_str *t;
	unsigned long	 idx;
	size_t		 i;
	unsigned	 j;
	int		 r;

	for (j = 0; j < K_NKEYS; j++)
		k[j] = NULL;
	for (j = 0; j < DISC_TC_MAX; j++)
		tc[j] = NULL;
	for (i = 0; i < n; i++) {
		t = &v[i];
		for (j = 0; j < K_NKEYS; j++)
			if (key_is(t->key, t->klen, ckey_name[j])) {
				k[j] = t;	/* txt_split refused duplicates */
				break;
			}
		if (j < K_NKEYS)
			continue;
		if ((r = tc_key(t, &idx)) == -1) {
			err_set(err, errlen, "toolchain key with a leading "
			    "zero");
			return -1;
		}
		if (r == 1) {
			if (idx >= DISC_TC_MAX) {
				err_set(err, errlen, "too many toolchains "
				    "(tc%d is the last)", DISC_TC_MAX - 1);
				return -1;
			}
			tc[idx] = t;
		}
		/* anything else is a key from a later schema: ignored */
	}
	return 0;
}

/*
 * The toolchains tc0, tc1 ... (tc: DISC_TC_MAX slots, NULL where
 * absent) into info: contiguous from tc0, each checked.  0, or -1 with
 * err set.
 */
static int
txt_decode_tcs(const struct txt_str *const tc[DISC_TC_MAX],
    struct disc_info *info, char *err, size_t errlen)
{
	unsigned	 j;

	for (j = 0; j < DISC_TC_MAX && tc[j] != NULL; j++) {
		if (disc_txt_check_tc(tc[j]->val, tc[j]->vlen, j, err,
		    errlen) == -1)
			return -1;
		memcpy(info->tc[j], tc[j]->val, tc[j]->vlen);
	}
	info->ntc = j;
	for (; j < DISC_TC_MAX; j++)
		if (tc[j] != NULL) {
			err_set(err, errlen, "toolchains not contiguous: tc%u "
			    "without tc%u", j, info->ntc);
			return -1;
		}
	return 0;
}

int
disc_txt_decode(const uint8_t *buf, size_t len, struct disc_info *info,
    char *err, size_t errlen)
{
	struct txt_str	 v[TXT_STR_MAX];
	const struct txt_str *t;
	const struct txt_str *k[K_NKEYS];
	const struct txt_str *tc[DISC_TC_MAX];
	size_t		 n;
	unsigned	 j;

	memset(info, 0, sizeof(*info));
	if (txt_split(buf, len, v, &n, err, errlen) == -1 ||
	    txt_sort_keys(v, n, k, tc, err, errlen) == -1)
		return -1;
	for (j = 0; j < K_NKEYS; j++)
		if (k[j] == NULL && (j == K_TXTVERS || j == K_PROTO ||
		    j == K_CLUSTER || j == K_CPUS || j == K_SLOTS ||
		    j == K_FREE)) {
			err_set(err, errlen, "missing %s", ckey_name[j]);
			return -1;
		}
	if (txt_num(k[K_TXTVERS], "txtvers", 1, UINT32_MAX, &info->schema,
	    err, errlen) == -1 ||
	    txt_num(k[K_PROTO], "proto", 1, 65535, &info->proto, err,
	    errlen) == -1)
		return -1;
	t = k[K_CLUSTER];
	if (disc_txt_check_cluster(t->val, t->vlen, err, errlen) == -1)
		return -1;
	memcpy(info->cluster, t->val, t->vlen);
	if ((t = k[K_ID]) != NULL) {
		if (disc_txt_check_fpr(t->val, t->vlen, err, errlen) == -1)
			return -1;
		memcpy(info->fingerprint, t->val, t->vlen);
	}
	if (txt_num(k[K_CPUS], "cpus", 1, DISC_LIMIT_CPUS, &info->cpus, err,
	    errlen) == -1 ||
	    txt_num(k[K_SLOTS], "slots", 0, TXT_SLOTS_MAX, &info->slots, err,
	    errlen) == -1 ||
	    txt_num(k[K_FREE], "free", 0, TXT_SLOTS_MAX, &info->free_slots,
	    err, errlen) == -1)
		return -1;
	if (info->free_slots > info->slots) {
		err_set(err, errlen, "free: more than slots");
		return -1;
	}
	if (k[K_LOAD] != NULL && txt_num(k[K_LOAD], "load", 0, 100,
	    &info->load, err, errlen) == -1)
		return -1;
	if (k[K_QUEUE] != NULL && txt_num(k[K_QUEUE], "queue", 0,
	    TXT_SLOTS_MAX, &info->queue, err, errlen) == -1)
		return -1;
	if (k[K_MEM] != NULL && txt_num(k[K_MEM], "mem", 0, DISC_LIMIT_MEM_MB,
	    &info->mem_free_mb, err, errlen) == -1)
		return -1;
	if ((t = k[K_SEC]) != NULL) {
		if (disc_txt_check_sec(t->val, t->vlen, err, errlen) == -1)
			return -1;
		memcpy(info->security, t->val, t->vlen);
	} else
		memcpy(info->security, "open", 5);
	if ((t = k[K_KRB]) != NULL) {
		if (disc_txt_check_krb(t->val, t->vlen, err, errlen) == -1)
			return -1;
		memcpy(info->principal, t->val, t->vlen);
	}
	if ((strcmp(info->security, "krb5") == 0) != (info->principal[0] !=
	    '\0')) {
		err_set(err, errlen, "krb: given exactly when sec is krb5");
		return -1;
	}
	if (k[K_STATUS] != NULL && txt_num(k[K_STATUS], "status", 1, 65535,
	    &info->status_port, err, errlen) == -1)
		return -1;
	if (k[K_SPEED] != NULL && txt_num(k[K_SPEED], "speed", 1,
	    DISC_LIMIT_SPEED, &info->speed, err, errlen) == -1)
		return -1;
	return txt_decode_tcs(tc, info, err, errlen);
}

/* An rdata being written: at most cap bytes, and never past DISC_TXT_MAX. */
struct txt_w {
	uint8_t		*buf;
	size_t		 cap;
	size_t		 off;
};

static int
put(struct txt_w *w, const char *key, const char *val, char *err,
    size_t errlen)
{
	size_t	 kl = strlen(key), vl = strlen(val), l = kl + 1 + vl;

	if (l > 255) {
		err_set(err, errlen, "%s: string longer than 255 bytes", key);
		return -1;
	}
	if (w->off + 1 + l > w->cap || w->off + 1 + l > DISC_TXT_MAX) {
		err_set(err, errlen, "TXT record does not fit in %zu bytes",
		    w->cap < DISC_TXT_MAX ? w->cap : (size_t)DISC_TXT_MAX);
		return -1;
	}
	w->buf[w->off] = (uint8_t)l;
	memcpy(w->buf + w->off + 1, key, kl);
	w->buf[w->off + 1 + kl] = '=';
	memcpy(w->buf + w->off + 2 + kl, val, vl);
	w->off += 1 + l;
	return 0;
}

static int
putnum(struct txt_w *w, const char *key, unsigned x, char *err,
    size_t errlen)
{
	char	 num[16];

	snprintf(num, sizeof(num), "%u", x);
	return put(w, key, num, err, errlen);
}

int
disc_txt_encode(const struct disc_info *info, uint8_t *buf, size_t cap,
    char *err, size_t errlen)
{
	struct txt_w	 w = { buf, cap, 0 };
	char		 key[16];
	unsigned	 i;

	if (info == NULL || buf == NULL) {
		err_set(err, errlen, "nothing to encode");
		return -1;
	}
	if (disc_txt_info_check(info, err, errlen) == -1)
		return -1;
	if (putnum(&w, "txtvers", info->schema, err, errlen) == -1 ||
	    putnum(&w, "proto", info->proto, err, errlen) == -1 ||
	    put(&w, "cluster", info->cluster, err, errlen) == -1 ||
	    (info->fingerprint[0] != '\0' &&
	    put(&w, "id", info->fingerprint, err, errlen) == -1) ||
	    putnum(&w, "cpus", info->cpus, err, errlen) == -1 ||
	    putnum(&w, "slots", info->slots, err, errlen) == -1 ||
	    putnum(&w, "free", info->free_slots, err, errlen) == -1 ||
	    putnum(&w, "queue", info->queue, err, errlen) == -1 ||
	    putnum(&w, "load", info->load, err, errlen) == -1 ||
	    putnum(&w, "mem", info->mem_free_mb, err, errlen) == -1 ||
	    put(&w, "sec", info->security, err, errlen) == -1 ||
	    (info->principal[0] != '\0' &&
	    put(&w, "krb", info->principal, err, errlen) == -1) ||
	    (info->status_port != 0 &&
	    putnum(&w, "status", info->status_port, err, errlen) == -1) ||
	    (info->speed != 0 &&
	    putnum(&w, "speed", info->speed, err, errlen) == -1))
		return -1;
	for (i = 0; i < info->ntc; i++) {
		snprintf(key, sizeof(key), "tc%u", i);
		if (put(&w, key, info->tc[i], err, errlen) == -1)
			return -1;
	}
	return (int)w.off;
}

int
disc_txt_decode_distcc(const uint8_t *buf, size_t len,
    struct disc_distcc_info *info, char *err, size_t errlen)
{
	struct txt_str	 v[TXT_STR_MAX];
	const struct txt_str *t;
	unsigned	 j, vers;
	size_t		 n, i, cap;
	char		*dst;

	memset(info, 0, sizeof(*info));
	if (txt_split(buf, len, v, &n, err, errlen) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		t = &v[i];
		for (j = 0; j < D_NKEYS; j++)
			if (key_is(t->key, t->klen, dkey_name[j]))
				break;
		dst = NULL;
		cap = 0;
		switch (j) {
		case D_TXTVERS:
			if (txt_num(t, "txtvers", 1, UINT32_MAX, &vers, err,
			    errlen) == -1)
				return -1;
			break;
		case D_CPUS:
			if (txt_num(t, "cpus", 0, DISC_LIMIT_CPUS, &info->cpus,
			    err, errlen) == -1)
				return -1;
			break;
		case D_JOBS:
			if (txt_num(t, "jobs", 0, TXT_SLOTS_MAX, &info->jobs,
			    err, errlen) == -1)
				return -1;
			break;
		case D_DISTCC:
			dst = info->version;
			cap = sizeof(info->version);
			break;
		case D_GNUHOST:
			dst = info->gnuhost;
			cap = sizeof(info->gnuhost);
			break;
		case D_CC_VERSION:
			dst = info->cc_version;
			cap = sizeof(info->cc_version);
			break;
		case D_CC_MACHINE:
			dst = info->cc_machine;
			cap = sizeof(info->cc_machine);
			break;
		default:	/* unknown key: ignored */
			break;
		}
		if (dst != NULL) {
			if (disc_txt_check_dtext(t->val, t->vlen, cap,
			    dkey_name[j], err, errlen) == -1)
				return -1;
			memcpy(dst, t->val, t->vlen);
		}
	}
	return 0;
}

int
disc_txt_encode_distcc(const struct disc_distcc_info *info, uint8_t *buf,
    size_t cap, char *err, size_t errlen)
{
	struct txt_w	 w = { buf, cap, 0 };
	const char	*f[4];
	size_t		 fcap[4], len;
	unsigned	 i;

	if (info == NULL || buf == NULL) {
		err_set(err, errlen, "nothing to encode");
		return -1;
	}
	if (info->cpus > DISC_LIMIT_CPUS) {
		err_set(err, errlen, "cpus: out of range 0..%d",
		    DISC_LIMIT_CPUS);
		return -1;
	}
	if (info->jobs > TXT_SLOTS_MAX) {
		err_set(err, errlen, "jobs: out of range 0..%d", TXT_SLOTS_MAX);
		return -1;
	}
	f[0] = info->version;
	fcap[0] = sizeof(info->version);
	f[1] = info->gnuhost;
	fcap[1] = sizeof(info->gnuhost);
	f[2] = info->cc_version;
	fcap[2] = sizeof(info->cc_version);
	f[3] = info->cc_machine;
	fcap[3] = sizeof(info->cc_machine);
	for (i = 0; i < 4; i++) {
		if (disc_txt_field_len(f[i], fcap[i], &len) == -1) {
			err_set(err, errlen, "%s: not terminated",
			    dkey_name[D_DISTCC + i]);
			return -1;
		}
		if (disc_txt_check_dtext((const uint8_t *)f[i], len, fcap[i],
		    dkey_name[D_DISTCC + i], err, errlen) == -1)
			return -1;
	}
	if (put(&w, "txtvers", "1", err, errlen) == -1 ||
	    putnum(&w, "cpus", info->cpus, err, errlen) == -1 ||
	    putnum(&w, "jobs", info->jobs, err, errlen) == -1)
		return -1;
	for (i = 0; i < 4; i++)
		if (put(&w, dkey_name[D_DISTCC + i], f[i], err, errlen) == -1)
			return -1;
	return (int)w.off;
}

/*
 * Whether b moved from a by 10% of the larger value or more.  0 against
 * non-zero (unknown against known) is a 100% move, so it counts.
 */
static int
mem_moved(uint64_t a, uint64_t b)
{
	uint64_t	 hi = a > b ? a : b, d = a > b ? a - b : b - a;

	return d != 0 && d * 10 >= hi;
}

/* Nonzero if speed went from or to unknown, or moved by 10% or more. */
static int
speed_moved(unsigned a, unsigned b)
{
	if (a == 0 || b == 0)
		return a != b;
	return (uint64_t)(a > b ? a - b : b - a) * 10 >= (uint64_t)(a > b ?
	    a : b);
}

/*
 * Nonzero if a and b differ in anything a browser acts on: every field
 * but load, mem and speed exactly (toolchains up to ntc only), load by 10
 * points, mem and speed by 10% (see mem_moved, speed_moved).
 */
int
disc_info_meaningful_change(const struct disc_info *a,
    const struct disc_info *b)
{
	unsigned	 i;

	if (a->schema != b->schema || a->proto != b->proto ||
	    a->cpus != b->cpus || a->slots != b->slots ||
	    a->free_slots != b->free_slots || a->queue != b->queue ||
	    a->status_port != b->status_port || a->ntc != b->ntc ||
	    strncmp(a->cluster, b->cluster, sizeof(a->cluster)) != 0 ||
	    strncmp(a->fingerprint, b->fingerprint,
	    sizeof(a->fingerprint)) != 0 ||
	    strncmp(a->security, b->security, sizeof(a->security)) != 0)
		return 1;
	for (i = 0; i < a->ntc && i < DISC_TC_MAX; i++)
		if (strncmp(a->tc[i], b->tc[i], DISC_TC_LEN) != 0)
			return 1;
	if ((a->load > b->load ? a->load - b->load : b->load - a->load) >= 10)
		return 1;
	if (speed_moved(a->speed, b->speed))
		return 1;
	return mem_moved(a->mem_free_mb, b->mem_free_mb);
}
