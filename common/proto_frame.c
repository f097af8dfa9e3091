/*
 * proto_frame.c - the framing layer of the wire protocol: byte buffers,
 * the 12-byte frame header shared with distcc, and dialects.  See proto.h
 * and doc/protocol.md.
 *
 * proto_frame_parse() is the one place where raw bytes from the network
 * are first looked at.  It decides everything from the header: token
 * syntax, token known to the dialect, value or payload, payload length
 * within the token's limit.  Only then may a caller wait for (and buffer)
 * the payload.  Only libc is used (zstd.h just for ZSTD_COMPRESSBOUND in
 * the default limits).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "common/err.h"
#include "common/proto.h"

#define KIB	((size_t)1024)
#define MIB	(KIB * 1024)

void
proto_limits_default(struct proto_limits *lim)
{
	memset(lim, 0, sizeof(*lim));
	lim->max_argc = 4096;
	lim->max_arg = 64 * KIB;
	lim->max_args_total = 2 * MIB;
	lim->max_input = 256 * MIB;
	lim->max_input_z = ZSTD_COMPRESSBOUND(256 * MIB);
	lim->max_output = 256 * MIB;
	lim->max_output_z = ZSTD_COMPRESSBOUND(256 * MIB);
	lim->max_stdout = 16 * MIB;
	lim->max_stderr = 16 * MIB;
	lim->max_deps = 16 * MIB;
	lim->max_msg = 1024;
}

/* Buffers. */

void
proto_buf_init(struct proto_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
proto_buf_free(struct proto_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	proto_buf_init(b);
}

void
proto_buf_reset(struct proto_buf *b)
{
	b->len = 0;
}

int
proto_buf_reserve(struct proto_buf *b, size_t extra)
{
	size_t	 need, ncap;
	uint8_t	*p;

	if (extra > SIZE_MAX - b->len) {
		errno = EOVERFLOW;
		return -1;
	}
	need = b->len + extra;
	if (need <= b->cap)
		return 0;
	ncap = b->cap < 256 ? 256 : b->cap;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if ((p = realloc(b->data, ncap)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	b->data = p;
	b->cap = ncap;
	return 0;
}

int
proto_buf_append(struct proto_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (proto_buf_reserve(b, n) == -1)
		return -1;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

void
proto_buf_consume(struct proto_buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
}

/* Frames. */

static int
tokchar(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
tokvalid(const char tok[4])
{
	int	 i;

	for (i = 0; i < 4; i++)
		if (!tokchar((uint8_t)tok[i]))
			return 0;
	return 1;
}

int
proto_header_write(uint8_t hdr[PROTO_HDRLEN], const char tok[4], uint32_t v)
{
	static const char hex[] = "0123456789abcdef";
	int	 i;

	if (!tokvalid(tok)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(hdr, tok, 4);
	for (i = 0; i < 8; i++)
		hdr[4 + i] = (uint8_t)hex[(v >> (28 - 4 * i)) & 0xf];
	return 0;
}

static int
put_header(struct proto_buf *b, const char tok[4], uint32_t v)
{
	uint8_t	 h[PROTO_HDRLEN];

	if (proto_header_write(h, tok, v) == -1)
		return -1;
	return proto_buf_append(b, h, sizeof(h));
}

int
proto_put_value(struct proto_buf *b, const char tok[4], uint32_t v)
{
	return put_header(b, tok, v);
}

int
proto_put_payload(struct proto_buf *b, const char tok[4], const void *p,
    size_t len)
{
	size_t	 old = b->len;

	if (len > UINT32_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (proto_buf_reserve(b, PROTO_HDRLEN + len) == -1)
		return -1;
	if (put_header(b, tok, (uint32_t)len) == -1 ||
	    proto_buf_append(b, p, len) == -1) {
		b->len = old;
		return -1;
	}
	return 0;
}

/* Escape header bytes for an error message (never echo raw bytes). */
static const char *
hdresc(char *dst, size_t dstlen, const uint8_t *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t	 i, o = 0;

	for (i = 0; i < len && o + 5 <= dstlen; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' &&
		    s[i] != '\\')
			dst[o++] = (char)s[i];
		else {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[s[i] >> 4];
			dst[o++] = hex[s[i] & 0xf];
		}
	}
	if (dstlen > 0)
		dst[o < dstlen ? o : dstlen - 1] = '\0';
	return dst;
}

ssize_t
proto_frame_parse(const struct proto_dialect *d, const uint8_t *buf,
    size_t len, struct proto_frame *f, char *err, size_t errlen)
{
	const struct proto_token *t;
	char	 esc[PROTO_HDRLEN * 4 + 1];
	size_t	 i, n = len < PROTO_HDRLEN ? len : PROTO_HDRLEN;
	uint32_t v = 0;
	int	 h;

	memset(f, 0, sizeof(*f));
	f->need = PROTO_HDRLEN;
	for (i = 0; i < n && i < 4; i++)
		if (!tokchar(buf[i])) {
			err_set(err, errlen, "bad token \"%s\": byte %zu "
			    "outside [A-Z0-9_]", hdresc(esc, sizeof(esc), buf,
			    n), i);
			return -1;
		}
	for (i = 4; i < n; i++) {
		if ((h = hexval(buf[i])) == -1) {
			err_set(err, errlen, "bad header \"%s\": byte %zu "
			    "not a hex digit", hdresc(esc, sizeof(esc), buf,
			    n), i);
			return -1;
		}
		v = (v << 4) | (uint32_t)h;
	}
	if (n >= 4 && (t = proto_dialect_lookup(d, (const char *)buf)) ==
	    NULL) {
		err_set(err, errlen, "unknown token %.4s in %s dialect", buf,
		    d->name);
		return -1;
	}
	if (n < PROTO_HDRLEN)
		return 0;
	memcpy(f->tok, buf, 4);
	f->tok[4] = '\0';
	f->kind = t->kind;
	f->value = v;
	if (t->kind == PROTO_VALUE)
		return PROTO_HDRLEN;
	if (v > t->max) {
		err_set(err, errlen, "%s payload of %u bytes over the limit "
		    "of %u", f->tok, (unsigned)v, (unsigned)t->max);
		return -1;
	}
	f->len = v;
	f->need = PROTO_HDRLEN + (size_t)v;
	if (len < f->need)
		return 0;
	f->data = buf + PROTO_HDRLEN;
	return (ssize_t)f->need;
}

/* Dialects. */

/* Which limit a payload token's maximum comes from. */
enum tlim {
	L_NONE, L_TCID, L_LANG, L_ARG, L_PATH, L_INPUT_Z, L_INPUT_ANY,
	L_OUTPUT_Z, L_OUTPUT_ANY, L_STDOUT, L_STDERR, L_DEPS, L_MSG, L_GSS
};

struct tokdef {
	char		 tok[4];
	enum proto_kind	 kind;
	enum tlim	 lim;
};

/* Both directions of ccpool v1; the message readers enforce who says what. */
static const struct tokdef ccpool1_tokens[] = {
	{ "CCPL", PROTO_VALUE, L_NONE },
	{ "JOB_", PROTO_VALUE, L_NONE },
	{ "TCID", PROTO_PAYLOAD, L_TCID },
	{ "LANG", PROTO_PAYLOAD, L_LANG },
	{ "ARGC", PROTO_VALUE, L_NONE },
	{ "ARGV", PROTO_PAYLOAD, L_ARG },
	{ "CWD_", PROTO_PAYLOAD, L_PATH },
	{ "SRCN", PROTO_PAYLOAD, L_PATH },
	{ "WANT", PROTO_VALUE, L_NONE },
	{ "ZDTI", PROTO_PAYLOAD, L_INPUT_Z },
	{ "JEND", PROTO_VALUE, L_NONE },
	{ "KEEP", PROTO_VALUE, L_NONE },
	{ "RFSE", PROTO_VALUE, L_NONE },
	{ "MSG_", PROTO_PAYLOAD, L_MSG },
	{ "STAT", PROTO_VALUE, L_NONE },
	{ "SOUT", PROTO_PAYLOAD, L_STDOUT },
	{ "SERR", PROTO_PAYLOAD, L_STDERR },
	{ "ZDTO", PROTO_PAYLOAD, L_OUTPUT_Z },
	{ "DEPS", PROTO_PAYLOAD, L_DEPS },
	{ "TIMQ", PROTO_VALUE, L_NONE },
	{ "TIMC", PROTO_VALUE, L_NONE },
	{ "DONE", PROTO_VALUE, L_NONE },
	{ "GSS_", PROTO_PAYLOAD, L_GSS },	/* kerberos mode (kgss.h) */
	{ "OFFR", PROTO_VALUE, L_NONE },	/* version 2: offers */
	{ "SIZE", PROTO_VALUE, L_NONE },
	{ "PULL", PROTO_VALUE, L_NONE },
	{ "FREE", PROTO_VALUE, L_NONE },
	{ "DROP", PROTO_VALUE, L_NONE },
};

/*
 * distcc protocol versions 1 (plain) and 2 (DOTI/DOTO LZO-compressed):
 * the payload limit of DOTI/DOTO is the larger of the plain and the
 * compressed one, since either may arrive.
 */
static const struct tokdef distcc_tokens[] = {
	{ "DIST", PROTO_VALUE, L_NONE },
	{ "ARGC", PROTO_VALUE, L_NONE },
	{ "ARGV", PROTO_PAYLOAD, L_ARG },
	{ "DOTI", PROTO_PAYLOAD, L_INPUT_ANY },
	{ "DONE", PROTO_VALUE, L_NONE },
	{ "STAT", PROTO_VALUE, L_NONE },
	{ "SERR", PROTO_PAYLOAD, L_STDERR },
	{ "SOUT", PROTO_PAYLOAD, L_STDOUT },
	{ "DOTO", PROTO_PAYLOAD, L_OUTPUT_ANY },
};

/* A payload limit that a frame can state and a ssize_t can count. */
static uint32_t
clamp32(size_t v)
{
	if (v > (size_t)SSIZE_MAX - PROTO_HDRLEN)
		v = (size_t)SSIZE_MAX - PROTO_HDRLEN;
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static size_t
maxsz(size_t a, size_t b)
{
	return a > b ? a : b;
}

static uint32_t
tokmax(enum tlim l, const struct proto_limits *lim)
{
	switch (l) {
	case L_TCID:
		return PROTO_TCID_MAX;
	case L_LANG:
		return PROTO_LANG_MAX;
	case L_GSS:
		return PROTO_GSS_MAX;
	case L_ARG:
		return clamp32(lim->max_arg);
	case L_PATH:
		return PROTO_PATH_MAX;
	case L_INPUT_Z:
		return clamp32(lim->max_input_z);
	case L_INPUT_ANY:
		return clamp32(maxsz(lim->max_input, lim->max_input_z));
	case L_OUTPUT_Z:
		return clamp32(lim->max_output_z);
	case L_OUTPUT_ANY:
		return clamp32(maxsz(lim->max_output, lim->max_output_z));
	case L_STDOUT:
		return clamp32(lim->max_stdout);
	case L_STDERR:
		return clamp32(lim->max_stderr);
	case L_DEPS:
		return clamp32(lim->max_deps);
	case L_MSG:
		return clamp32(lim->max_msg);
	case L_NONE:
	default:
		return 0;
	}
}

int
proto_dialect_init(struct proto_dialect *d, enum proto_dialect_id id,
    const struct proto_limits *lim, char *err, size_t errlen)
{
	struct proto_limits def;
	const struct tokdef *t;
	size_t	 i, n;

	if (lim == NULL) {
		proto_limits_default(&def);
		lim = &def;
	}
	memset(d, 0, sizeof(*d));
	switch (id) {
	case PROTO_DIALECT_CCPOOL1:
		d->name = "ccpool1";
		t = ccpool1_tokens;
		n = sizeof(ccpool1_tokens) / sizeof(ccpool1_tokens[0]);
		break;
	case PROTO_DIALECT_DISTCC:
		d->name = "distcc";
		t = distcc_tokens;
		n = sizeof(distcc_tokens) / sizeof(distcc_tokens[0]);
		break;
	default:
		err_set(err, errlen, "unknown dialect %d", (int)id);
		return -1;
	}
	for (i = 0; i < n; i++) {
		memcpy(d->tok[i].tok, t[i].tok, 4);
		d->tok[i].kind = t[i].kind;
		d->tok[i].max = t[i].kind == PROTO_PAYLOAD ?
		    tokmax(t[i].lim, lim) : 0;
	}
	d->ntok = n;
	return 0;
}

const struct proto_token *
proto_dialect_lookup(const struct proto_dialect *d, const char tok[4])
{
	size_t	 i;

	for (i = 0; i < d->ntok; i++)
		if (memcmp(d->tok[i].tok, tok, 4) == 0)
			return &d->tok[i];
	return NULL;
}
