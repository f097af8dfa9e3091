/*
 * dccproto.h - distcc protocol 1 messages on the shared frames
 * (proto.h's PROTO_DIALECT_DISTCC): the request a distcc client sends
 * (DIST ARGC ARGV... DOTI) and a reader of the answer a distccd sends
 * back (DONE STAT SERR SOUT DOTO).  doc/protocol.md, section 9, says how
 * the two protocols share the 12-byte header.
 *
 * Pure library code, like proto_*.c: no I/O.  The caller cuts frames out
 * of the bytes it read (proto_frame_parse or proto_evpull with the distcc
 * dialect, whose payload limits come from struct proto_limits) and feeds
 * them one by one.  Every byte of an answer is hostile: the reader checks
 * the order, the protocol version, the wait status and every size, and a
 * violation is an error with a reason, never a crash.  Protocol 2 (LZO
 * bodies) and 3 (pump) are not spoken: a DONE of another version is an
 * error.  Start reading at dccproto_ans_feed().
 */
#ifndef CCPOOL_DCCPROTO_H
#define CCPOOL_DCCPROTO_H

#include <stddef.h>
#include <stdint.h>

#include "common/proto.h"

#define DCCPROTO_VERSION	1	/* distcc protocol version we speak */
#define DCCPROTO_PORT		3632	/* distccd's port */

/*
 * Append a distcc request to out: DIST version, ARGC argc, argc ARGV
 * frames, DOTI with the len bytes of src (the preprocessed source).
 * argv[0] is the compiler's name; no argument may be longer than
 * lim->max_arg nor src than lim->max_input (lim NULL: the defaults).
 * Returns 0, or -1 with err set (out then unchanged).
 */
int	dccproto_req_encode(struct proto_buf *out, uint32_t version,
	    int argc, char *const argv[], const void *src, size_t len,
	    const struct proto_limits *lim, char *err, size_t errlen);

/* A distccd's answer, complete once dccproto_ans_feed said PROTO_DONE. */
struct dccproto_ans {
	uint32_t	 status;	/* wait status: exit << 8, or signal */
	struct proto_buf errout;	/* SERR: the compiler's stderr */
	struct proto_buf out;		/* SOUT: its stdout */
	struct proto_buf obj;		/* DOTO: the object; empty on failure */
};

/* Incremental reader of one answer to a request of version `version`. */
struct dccproto_reader {
	int		 state;
	uint32_t	 version;
	struct proto_limits lim;
	struct dccproto_ans ans;
};

/* Init r for an answer of version (limits copied; NULL: defaults). */
void	dccproto_reader_init(struct dccproto_reader *r, uint32_t version,
	    const struct proto_limits *lim);
/* Free what r holds; r may be initialised again. */
void	dccproto_reader_free(struct dccproto_reader *r);
/*
 * Feed one frame of the distcc dialect: PROTO_MORE, PROTO_DONE (r->ans
 * is complete), or -1 with err set (out of order, another version, an
 * impossible wait status, an object with a failed compile or none with a
 * clean one, a size over its limit, out of memory); after -1 every later
 * feed fails too.  The payload is copied.
 */
int	dccproto_ans_feed(struct dccproto_reader *r, const struct proto_frame *f,
	    char *err, size_t errlen);

#endif
