/*
 * proto_zstd.c - zstd bodies of the wire protocol (ZDTI, ZDTO); see
 * proto.h and doc/protocol.md.
 *
 * Decompression takes hostile input, so before any output is produced
 * the frame is checked whole: it must start with the zstd magic (no
 * skippable frames), be complete, and end exactly where the payload ends;
 * a declared content size over the cap is refused at once.  Output is
 * then produced in growing steps that never exceed the cap by more than
 * one byte, so a decompression bomb costs at most maxout + 1 bytes.  The
 * decoder's window is capped too (PROTO_ZWINDOWLOG_MAX) to bound its own
 * memory.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <zstd.h>

#include "common/err.h"
#include "common/proto.h"

#define Z_MINSTEP	((size_t)64 * 1024)

int
proto_zcompress(const void *src, size_t len, int level,
    struct proto_buf *out, char *err, size_t errlen)
{
	ZSTD_CCtx *cc = NULL;
	size_t	 bound, r, old = out->len;

	if (level < 1)
		level = 1;
	if (level > PROTO_ZLEVEL_MAX)
		level = PROTO_ZLEVEL_MAX;
	bound = ZSTD_compressBound(len);
	if (ZSTD_isError(bound) || bound == 0) {
		err_set(err, errlen, "zstd: %zu bytes too large to compress",
		    len);
		goto fail;
	}
	if (proto_buf_reserve(out, bound) == -1) {
		err_set(err, errlen, "zstd: out of memory");
		goto fail;
	}
	if ((cc = ZSTD_createCCtx()) == NULL) {
		err_set(err, errlen, "zstd: cannot create context");
		goto fail;
	}
	if (ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel,
	    level)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag,
	    1))) {
		err_set(err, errlen, "zstd: cannot set parameters");
		goto fail;
	}
	r = ZSTD_compress2(cc, out->data + out->len, bound,
	    len ? src : "", len);
	if (ZSTD_isError(r)) {
		err_set(err, errlen, "zstd: %s", ZSTD_getErrorName(r));
		goto fail;
	}
	out->len += r;
	ZSTD_freeCCtx(cc);
	return 0;
fail:
	ZSTD_freeCCtx(cc);
	out->len = old;
	return -1;
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

int
proto_zcheck(const void *src, size_t len, size_t maxout,
    unsigned long long *size, char *err, size_t errlen)
{
	unsigned long long csz;
	size_t	 fsz;

	if (len < 4 || le32(src) != ZSTD_MAGICNUMBER) {
		err_set(err, errlen, "zstd: not a zstd frame");
		return -1;
	}
	fsz = ZSTD_findFrameCompressedSize(src, len);
	if (ZSTD_isError(fsz)) {
		err_set(err, errlen, "zstd: truncated or corrupt frame (%s)",
		    ZSTD_getErrorName(fsz));
		return -1;
	}
	if (fsz != len) {
		err_set(err, errlen, "zstd: %zu bytes after the frame",
		    len - fsz);
		return -1;
	}
	csz = ZSTD_getFrameContentSize(src, len);
	if (csz == ZSTD_CONTENTSIZE_ERROR) {
		err_set(err, errlen, "zstd: bad frame header");
		return -1;
	}
	if (csz != ZSTD_CONTENTSIZE_UNKNOWN && csz > maxout) {
		err_set(err, errlen, "zstd: content of %llu bytes over the "
		    "limit of %zu", csz, maxout);
		return -1;
	}
	*size = csz == ZSTD_CONTENTSIZE_UNKNOWN ? PROTO_ZSIZE_UNKNOWN : csz;
	return 0;
}

int
proto_zdecompress(const void *src, size_t len, size_t maxout,
    struct proto_buf *out, char *err, size_t errlen)
{
	ZSTD_DCtx *dc = NULL;
	ZSTD_inBuffer in;
	ZSTD_outBuffer ob;
	unsigned long long csz;
	size_t	 r, old = out->len, produced = 0, cap, step, inpos;

	cap = maxout < SIZE_MAX ? maxout + 1 : SIZE_MAX;
	if (proto_zcheck(src, len, maxout, &csz, err, errlen) == -1)
		goto fail;
	if ((dc = ZSTD_createDCtx()) == NULL) {
		err_set(err, errlen, "zstd: cannot create context");
		goto fail;
	}
	if (ZSTD_isError(ZSTD_DCtx_setParameter(dc, ZSTD_d_windowLogMax,
	    PROTO_ZWINDOWLOG_MAX))) {
		err_set(err, errlen, "zstd: cannot set parameters");
		goto fail;
	}
	in.src = src;
	in.size = len;
	in.pos = 0;
	for (;;) {
		/* Grow by doubling, never past maxout + 1 in all. */
		step = produced > Z_MINSTEP ? produced : Z_MINSTEP;
		if (step > cap - produced)
			step = cap - produced;
		if (proto_buf_reserve(out, step) == -1) {
			err_set(err, errlen, "zstd: out of memory");
			goto fail;
		}
		ob.dst = out->data + out->len;
		ob.size = step;
		ob.pos = 0;
		inpos = in.pos;
		r = ZSTD_decompressStream(dc, &ob, &in);
		if (ZSTD_isError(r)) {
			err_set(err, errlen, "zstd: %s", ZSTD_getErrorName(r));
			goto fail;
		}
		out->len += ob.pos;
		produced += ob.pos;
		if (produced > maxout) {
			err_set(err, errlen, "zstd: content over the limit of "
			    "%zu bytes", maxout);
			goto fail;
		}
		if (r == 0)
			break;	/* frame complete and flushed */
		if (ob.pos < ob.size && in.pos == in.size) {
			err_set(err, errlen, "zstd: truncated frame");
			goto fail;
		}
		if (ob.pos == 0 && in.pos == inpos) {
			err_set(err, errlen, "zstd: no progress");
			goto fail;
		}
	}
	if (in.pos != in.size) {
		err_set(err, errlen, "zstd: bytes after the frame");
		goto fail;
	}
	ZSTD_freeDCtx(dc);
	return 0;
fail:
	ZSTD_freeDCtx(dc);
	out->len = old;
	return -1;
}
