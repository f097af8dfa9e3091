/*
 * proto_msg.c - the messages of ccpool protocol version 1, the common
 * part: names, the field validators, the encoding helpers and the hello.
 * The job lives in proto_job.c, the answer (result, refusal, keepalive)
 * in proto_result.c; the helpers they share are declared in proto_msg.h.
 * See proto.h and doc/protocol.md.
 *
 * Each direction has a checker, an encoder and an incremental reader.
 * The reader is a state machine fed one frame at a time (frames come
 * from proto_frame_parse): each state expects exactly one token, so a
 * missing, repeated or out-of-order frame is an error, and a reader that
 * failed once stays failed.  Every field is checked as it arrives with the
 * same validators (here) that proto_job_check() and proto_result_check()
 * use, and the encoders run those checks first, so whatever we emit
 * decodes to the very same struct.  Start reading at proto_job_feed() in
 * proto_job.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/proto.h"
#include "common/proto_msg.h"

/* Names. */

static const char *const lang_names[PROTO_LANG_COUNT] = {
	"c", "c++", "objective-c", "objective-c++"
};

const char *
proto_lang_name(enum proto_lang l)
{
	if ((unsigned)l >= PROTO_LANG_COUNT)
		return NULL;
	return lang_names[l];
}

static const char *const reason_names[PROTO_R_LAST + 1] = {
	NULL, "proto", "toolchain", "notcompile", "policy", "toolarge",
	"busy", "auth", "shutdown", "internal", "local"
};

const char *
proto_reason_name(uint32_t reason)
{
	if (reason < 1 || reason > PROTO_R_LAST)
		return "unknown";
	return reason_names[reason];
}

/* Field validators, shared by the readers and the checkers. */

int
proto_check_tcid(const uint8_t *s, size_t len, char *err, size_t errlen)
{
	size_t	 i;

	if (len == 0 || len > PROTO_TCID_MAX) {
		err_set(err, errlen, "TCID: length not 1..%d", PROTO_TCID_MAX);
		return -1;
	}
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '_' || s[i] == '+' || s[i] == '-')) {
			err_set(err, errlen, "TCID: a byte outside "
			    "[A-Za-z0-9._+-]");
			return -1;
		}
	return 0;
}

int
proto_parse_lang(const uint8_t *s, size_t len, enum proto_lang *l)
{
	int	 i;

	for (i = 0; i < PROTO_LANG_COUNT; i++)
		if (strlen(lang_names[i]) == len &&
		    memcmp(lang_names[i], s, len) == 0) {
			*l = (enum proto_lang)i;
			return 0;
		}
	return -1;
}

/* A string that becomes a C string: no NUL inside, length in range. */
int
proto_check_str(const char *what, const uint8_t *s, size_t len, size_t min,
    size_t max, char *err, size_t errlen)
{
	if (len < min || len > max) {
		err_set(err, errlen, "%s: length %zu not %zu..%zu", what, len,
		    min, max);
		return -1;
	}
	if (len > 0 && memchr(s, '\0', len) != NULL) {
		err_set(err, errlen, "%s: holds a NUL byte", what);
		return -1;
	}
	return 0;
}

int
proto_check_cwd(const uint8_t *s, size_t len, char *err, size_t errlen)
{
	if (proto_check_str("CWD_", s, len, 1, PROTO_PATH_MAX, err,
	    errlen) == -1)
		return -1;
	if (s[0] != '/') {
		err_set(err, errlen, "CWD_: not an absolute path");
		return -1;
	}
	return 0;
}

/*
 * Printable UTF-8: well-formed (no overlong forms, no surrogates, nothing
 * above U+10FFFF) and free of C0 and C1 controls and DEL.
 */
static int
check_text(const uint8_t *s, size_t len)
{
	size_t	 i = 0, n, k;
	uint32_t cp, min;

	while (i < len) {
		if (s[i] < 0x80) {
			if (s[i] < 0x20 || s[i] == 0x7f)
				return -1;
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			n = 1;
			cp = s[i] & 0x1f;
			min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = s[i] & 0x0f;
			min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			n = 3;
			cp = s[i] & 0x07;
			min = 0x10000;
		} else
			return -1;
		if (n > len - i - 1)
			return -1;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x80 && cp <= 0x9f))
			return -1;
		i += n + 1;
	}
	return 0;
}

int
proto_check_msg(const uint8_t *s, size_t len, const struct proto_limits *lim,
    char *err, size_t errlen)
{
	if (len == 0 || len > lim->max_msg) {
		err_set(err, errlen, "MSG_: length %zu not 1..%zu", len,
		    lim->max_msg);
		return -1;
	}
	if (check_text(s, len) == -1) {
		err_set(err, errlen, "MSG_: not printable UTF-8");
		return -1;
	}
	return 0;
}

/*
 * A wait status as waitpid() gives it and distcc sends it: an exit code
 * in bits 8-15 with the low byte zero, or a terminating signal (1..126)
 * in bits 0-6, maybe with the core flag (bit 7), and nothing above.
 */
int
proto_check_status(uint32_t st, char *err, size_t errlen)
{
	uint32_t sig = st & 0x7f;

	if (sig == 0 ? (st & 0xffff00ffu) == 0 : (sig != 0x7f && st <= 0xff))
		return 0;
	err_set(err, errlen, "STAT: %#x is not an exit or signal status",
	    (unsigned)st);
	return -1;
}

int
proto_check_want(uint32_t want, char *err, size_t errlen)
{
	if ((want & ~PROTO_WANT_ALL) != 0) {
		err_set(err, errlen, "WANT: unknown flags %#x",
		    (unsigned)(want & ~PROTO_WANT_ALL));
		return -1;
	}
	return 0;
}

int
proto_check_reason(uint32_t reason, char *err, size_t errlen)
{
	if (reason < 1 || reason > PROTO_R_LAST) {
		err_set(err, errlen, "RFSE: unknown reason %u",
		    (unsigned)reason);
		return -1;
	}
	return 0;
}

int
proto_check_size(const char *what, size_t len, size_t max, char *err,
    size_t errlen)
{
	if (len > max) {
		err_set(err, errlen, "%s: %zu bytes over the limit of %zu",
		    what, len, max);
		return -1;
	}
	return 0;
}

const struct proto_limits *
proto_deflim(const struct proto_limits *lim, struct proto_limits *def)
{
	if (lim != NULL)
		return lim;
	proto_limits_default(def);
	return def;
}

/* Encoding helpers. */

/*
 * Append tok with the zstd compression of src (len bytes) as payload, one
 * zstd frame of at most maxz bytes.  For len 0 the payload is empty
 * unless always is set (ZDTI is never empty; an empty ZDTO means "no
 * object").
 */
int
proto_put_zpayload(struct proto_buf *out, const char tok[4],
    const void *src, size_t len, int always, size_t maxz, int zlevel,
    char *err, size_t errlen)
{
	uint8_t	 hdr[PROTO_HDRLEN];
	size_t	 start = out->len, zlen;

	memset(hdr, 0, sizeof(hdr));
	if (proto_buf_append(out, hdr, sizeof(hdr)) == -1) {
		err_set(err, errlen, "out of memory");
		return -1;
	}
	if ((len > 0 || always) &&
	    proto_zcompress(src, len, zlevel, out, err, errlen) == -1)
		goto fail;
	zlen = out->len - start - PROTO_HDRLEN;
	if (zlen > maxz || zlen > UINT32_MAX) {
		err_set(err, errlen, "%.4s: %zu compressed bytes over the "
		    "limit of %zu", tok, zlen, maxz);
		goto fail;
	}
	if (proto_header_write(out->data + start, tok, (uint32_t)zlen) == -1) {
		err_set(err, errlen, "bad token");
		goto fail;
	}
	return 0;
fail:
	out->len = start;
	return -1;
}

int
proto_put_str(struct proto_buf *out, const char tok[4], const char *s)
{
	return proto_put_payload(out, tok, s, strlen(s));
}

/* A NUL-terminated copy of a payload already checked for NULs. */
char *
proto_dupstr(const struct proto_frame *f)
{
	char	*s;

	if ((s = malloc(f->len + 1)) == NULL)
		return NULL;
	if (f->len > 0)
		memcpy(s, f->data, f->len);
	s[f->len] = '\0';
	return s;
}

/* The frame's token and kind must be tok and kind. */
int
proto_expect(const struct proto_frame *f, const char *tok,
    enum proto_kind kind, char *err, size_t errlen)
{
	if (memcmp(f->tok, tok, 4) != 0) {
		err_set(err, errlen, "expected %.4s, got %.4s", tok, f->tok);
		return -1;
	}
	if (f->kind != kind || (kind == PROTO_PAYLOAD && f->len > 0 &&
	    f->data == NULL)) {
		err_set(err, errlen, "%.4s: wrong frame kind", tok);
		return -1;
	}
	return 0;
}

/* Hello. */

int
proto_hello_encode(struct proto_buf *out, uint32_t version)
{
	return proto_put_value(out, "CCPL", version);
}

int
proto_hello_decode(const struct proto_frame *f, uint32_t *version,
    char *err, size_t errlen)
{
	if (proto_expect(f, "CCPL", PROTO_VALUE, err, errlen) == -1)
		return -1;
	*version = f->value;
	return 0;
}

int
proto_hello_choose(uint32_t offered, uint32_t min, uint32_t max,
    uint32_t *chosen, char *err, size_t errlen)
{
	if (offered < min || min > max) {
		err_set(err, errlen, "client speaks up to version %u, this "
		    "server %u to %u", (unsigned)offered, (unsigned)min,
		    (unsigned)max);
		return -1;
	}
	*chosen = offered < max ? offered : max;
	return 0;
}
