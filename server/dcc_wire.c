/*
 * dcc_wire.c - the distcc request reader, the answer and LZO with a hard
 * output cap; see dcc_wire.h.  Start at dcc_req_feed(): one state per
 * token a request holds, every length checked before an allocation.
 */
#include <stdlib.h>
#include <string.h>

#include <lzo/lzo1x.h>

#include "common/err.h"
#include "server/dcc_wire.h"

enum { DR_DIST, DR_ARGC, DR_ARGV, DR_DOTI, DR_DONE, DR_DEAD };

#define LZO_FIRST_CAP	((size_t)64 * 1024)	/* first output guess */

void
dcc_req_init(struct dcc_req *r, const struct proto_limits *lim)
{
	memset(r, 0, sizeof(*r));
	if (lim != NULL)
		r->lim = *lim;
	else
		proto_limits_default(&r->lim);
	r->state = DR_DIST;
}

void
dcc_req_free(struct dcc_req *r)
{
	struct proto_limits lim = r->lim;
	uint32_t	 i;

	if (r->argv != NULL)
		for (i = 0; i < r->argc; i++)
			free(r->argv[i]);
	free(r->argv);
	proto_buf_free(&r->src);
	dcc_req_init(r, &lim);
}

static int
lzo_ready(char *err, size_t errlen)
{
	static int	 done;

	if (!done && lzo_init() != LZO_E_OK) {
		err_set(err, errlen, "liblzo2 does not initialise");
		return -1;
	}
	done = 1;
	return 0;
}

int
dcc_lzo_compress(const void *src, size_t len, struct proto_buf *out,
    char *err, size_t errlen)
{
	static lzo_align_t work[(LZO1X_1_MEM_COMPRESS + sizeof(lzo_align_t) -
	    1) / sizeof(lzo_align_t)];
	size_t		 bound = len + len / 16 + 64 + 3;
	lzo_uint	 olen = bound;

	if (lzo_ready(err, errlen) == -1)
		return -1;
	if (bound < len || proto_buf_reserve(out, bound) == -1) {
		err_set(err, errlen, "out of memory");
		return -1;
	}
	if (lzo1x_1_compress(src, len, out->data + out->len, &olen, work) !=
	    LZO_E_OK || olen > bound) {
		err_set(err, errlen, "LZO compression failed");
		return -1;
	}
	out->len += olen;
	return 0;
}

int
dcc_lzo_decompress(const void *src, size_t len, size_t maxout,
    struct proto_buf *out, int *toolarge, char *err, size_t errlen)
{
	size_t		 cap = len > LZO_FIRST_CAP / 4 ? len * 4 : LZO_FIRST_CAP;
	lzo_uint	 olen;
	int		 rc;

	*toolarge = 0;
	if (lzo_ready(err, errlen) == -1)
		return -1;
	if (len == 0)
		return 0;	/* distcc sends nothing for an empty body */
	if (cap < len || cap > maxout)
		cap = maxout;
	for (;;) {
		if (proto_buf_reserve(out, cap) == -1) {
			err_set(err, errlen, "out of memory");
			return -1;
		}
		olen = cap;
		rc = lzo1x_decompress_safe(src, len, out->data + out->len,
		    &olen, NULL);
		if (rc == LZO_E_OK && olen <= cap) {
			out->len += olen;
			return 0;
		}
		if (rc != LZO_E_OUTPUT_OVERRUN) {
			err_set(err, errlen, "corrupt LZO1X data (liblzo2 "
			    "error %d)", rc);
			return -1;
		}
		if (cap >= maxout) {
			*toolarge = 1;
			err_set(err, errlen, "source over %zu bytes after LZO "
			    "decompression", maxout);
			return -1;
		}
		cap = cap > maxout / 2 ? maxout : cap * 2;
	}
}

/* A value frame that must be token tok. */
static int
want_tok(const struct proto_frame *f, const char *tok, char *err,
    size_t errlen)
{
	if (memcmp(f->tok, tok, 4) == 0)
		return 0;
	err_set(err, errlen, "expected %s, got %s", tok, f->tok);
	return -1;
}

static int
feed_dist(struct dcc_req *r, const struct proto_frame *f, int *code,
    char *err, size_t errlen)
{
	if (want_tok(f, "DIST", err, errlen) == -1)
		return -1;
	r->version = f->value;
	if (f->value == DCC_VERSION_PUMP) {
		*code = DCC_EXIT_PROTOCOL;
		err_set(err, errlen, "distcc protocol 3 (pump mode) is not "
		    "supported by ccpoold; use protocol 1 or 2 (host/N or "
		    "host/N,lzo without cpp)");
		return -1;
	}
	if (f->value < DCC_VERSION_MIN || f->value > DCC_VERSION_MAX) {
		err_set(err, errlen, "distcc protocol %u is not supported "
		    "(1 and 2 are)", (unsigned)f->value);
		return -1;
	}
	r->state = DR_ARGC;
	return PROTO_MORE;
}

static int
feed_argc(struct dcc_req *r, const struct proto_frame *f, int *code,
    char *err, size_t errlen)
{
	if (want_tok(f, "ARGC", err, errlen) == -1)
		return -1;
	if (f->value < 1 || f->value > r->lim.max_argc) {
		*code = DCC_EXIT_BAD_ARGUMENTS;
		err_set(err, errlen, "ARGC %u not 1..%u", (unsigned)f->value,
		    (unsigned)r->lim.max_argc);
		return -1;
	}
	if ((r->argv = calloc((size_t)f->value + 1, sizeof(char *))) ==
	    NULL) {
		*code = DCC_EXIT_OUT_OF_MEMORY;
		err_set(err, errlen, "out of memory");
		return -1;
	}
	r->argc = f->value;
	r->state = DR_ARGV;
	return PROTO_MORE;
}

static int
feed_argv(struct dcc_req *r, const struct proto_frame *f, int *code,
    char *err, size_t errlen)
{
	char	*a;

	if (want_tok(f, "ARGV", err, errlen) == -1)
		return -1;
	if (f->len > r->lim.max_arg ||
	    f->len > r->lim.max_args_total - r->argbytes) {
		*code = DCC_EXIT_BAD_ARGUMENTS;
		err_set(err, errlen, "arguments over %zu bytes (or one over "
		    "%zu)", r->lim.max_args_total, r->lim.max_arg);
		return -1;
	}
	if (f->len > 0 && memchr(f->data, '\0', f->len) != NULL) {
		err_set(err, errlen, "ARGV %u holds a NUL byte",
		    (unsigned)r->nargv);
		return -1;
	}
	if (r->nargv == 0 && f->len == 0) {
		err_set(err, errlen, "empty compiler name");
		return -1;
	}
	if ((a = malloc(f->len + 1)) == NULL) {
		*code = DCC_EXIT_OUT_OF_MEMORY;
		err_set(err, errlen, "out of memory");
		return -1;
	}
	if (f->len > 0)
		memcpy(a, f->data, f->len);
	a[f->len] = '\0';
	r->argv[r->nargv++] = a;
	r->argbytes += f->len;
	if (r->nargv == r->argc)
		r->state = DR_DOTI;
	return PROTO_MORE;
}

static int
feed_doti(struct dcc_req *r, const struct proto_frame *f, int *code,
    char *err, size_t errlen)
{
	int	 toolarge;

	if (want_tok(f, "DOTI", err, errlen) == -1)
		return -1;
	if (r->version == 1) {
		if (f->len > r->lim.max_input) {
			*code = DCC_EXIT_BAD_ARGUMENTS;
			err_set(err, errlen, "source of %zu bytes is over the "
			    "limit of %zu", f->len, r->lim.max_input);
			return -1;
		}
		if (proto_buf_append(&r->src, f->data, f->len) == -1) {
			*code = DCC_EXIT_OUT_OF_MEMORY;
			err_set(err, errlen, "out of memory");
			return -1;
		}
	} else if (dcc_lzo_decompress(f->data, f->len, r->lim.max_input,
	    &r->src, &toolarge, err, errlen) == -1) {
		if (toolarge)
			*code = DCC_EXIT_BAD_ARGUMENTS;
		return -1;
	}
	r->state = DR_DONE;
	return PROTO_DONE;
}

int
dcc_req_feed(struct dcc_req *r, const struct proto_frame *f, int *code,
    char *err, size_t errlen)
{
	int	 rc = -1;

	*code = DCC_EXIT_PROTOCOL;
	switch (r->state) {
	case DR_DIST:
		rc = feed_dist(r, f, code, err, errlen);
		break;
	case DR_ARGC:
		rc = feed_argc(r, f, code, err, errlen);
		break;
	case DR_ARGV:
		rc = feed_argv(r, f, code, err, errlen);
		break;
	case DR_DOTI:
		rc = feed_doti(r, f, code, err, errlen);
		break;
	case DR_DONE:
		err_set(err, errlen, "%s after a complete request", f->tok);
		break;
	default:
		err_set(err, errlen, "the request was refused already");
		break;
	}
	if (rc == -1)
		r->state = DR_DEAD;
	return rc;
}

/* One body: plain, or LZO1X for version 2 and up. */
static int
put_body(struct proto_buf *out, uint32_t version, const char *tok,
    const struct proto_buf *b, char *err, size_t errlen)
{
	uint8_t		 hdr[PROTO_HDRLEN] = { 0 };
	size_t		 at = out->len;

	if (b == NULL || b->len == 0)
		return proto_put_value(out, tok, 0) == -1 ? -1 : 0;
	if (version < 2)
		return proto_put_payload(out, tok, b->data, b->len);
	if (proto_buf_append(out, hdr, sizeof(hdr)) == -1 ||
	    dcc_lzo_compress(b->data, b->len, out, err, errlen) == -1 ||
	    out->len - at - PROTO_HDRLEN > UINT32_MAX) {
		out->len = at;
		return -1;
	}
	proto_header_write(out->data + at, tok,
	    (uint32_t)(out->len - at - PROTO_HDRLEN));
	return 0;
}

int
dcc_answer_encode(uint32_t version, uint32_t status,
    const struct proto_buf *serr, const struct proto_buf *sout,
    const struct proto_buf *obj, struct proto_buf *out, char *err,
    size_t errlen)
{
	size_t	 at = out->len;

	err_set(err, errlen, "out of memory");
	if (proto_put_value(out, "DONE", version) == -1 ||
	    proto_put_value(out, "STAT", status) == -1 ||
	    put_body(out, version, "SERR", serr, err, errlen) == -1 ||
	    put_body(out, version, "SOUT", sout, err, errlen) == -1 ||
	    put_body(out, version, "DOTO", status == 0 ? obj : NULL, err,
	    errlen) == -1) {
		out->len = at;
		return -1;
	}
	return 0;
}

int
dcc_refusal_encode(uint32_t version, int code, const char *msg,
    struct proto_buf *out, char *err, size_t errlen)
{
	struct proto_buf e;
	int	 rc = -1;

	proto_buf_init(&e);
	if (version < DCC_VERSION_MIN || version > DCC_VERSION_PUMP)
		version = DCC_VERSION_MIN;
	if (proto_buf_append(&e, "ccpoold: ", 9) == 0 &&
	    proto_buf_append(&e, msg, strlen(msg)) == 0 &&
	    proto_buf_append(&e, "\n", 1) == 0)
		rc = dcc_answer_encode(version, (uint32_t)(code & 0x7f) << 8,
		    &e, NULL, NULL, out, err, errlen);
	else
		err_set(err, errlen, "out of memory");
	proto_buf_free(&e);
	return rc;
}
