/*
 * dcc_wire.h - the stock distcc protocol, versions 1 and 2, as ccpoold's
 * distcc listener speaks it (doc/server.md, "distcc compatibility").
 *
 * A request is DIST <version>, ARGC <n>, n times ARGV <string>, then
 * DOTI <preprocessed source>; the answer is DONE <version>, STAT <wait
 * status>, SERR <stderr>, SOUT <stdout>, DOTO <object> (DOTO 0 when the
 * compile failed).  Version 2 is version 1 with every body (DOTI, SERR,
 * SOUT, DOTO) LZO1X-compressed.  Version 3 (pump mode: headers sent, the
 * preprocessor run on the server) is refused.  Frames are the 12-byte
 * headers of common/proto.h (the PROTO_DIALECT_DISTCC dialect).
 *
 * Pure library code (libc, liblzo2; no I/O, no event loop): the network
 * process (server/dcc_conn.c) feeds it frames, tests/unit/test_dcc.c and
 * the fuzz harness tests/fuzz/fuzz_dcc.c drive it directly.  The files:
 * dcc_wire.c (the request reader, the answer, LZO with a hard output
 * cap) and dcc_args.c (a request's argv made into a ccpool job under the
 * same policy as any ccpool job).  Start with dcc_req_feed().
 */
#ifndef CCPOOL_SERVER_DCC_WIRE_H
#define CCPOOL_SERVER_DCC_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "common/ipc.h"
#include "common/proto.h"

#define DCC_VERSION_MIN	1
#define DCC_VERSION_MAX	2
#define DCC_VERSION_PUMP 3	/* refused */

/* distcc's own exit codes (its exitcode.h), for a refusal's STAT. */
#define DCC_EXIT_BAD_ARGUMENTS	101
#define DCC_EXIT_OUT_OF_MEMORY	105
#define DCC_EXIT_PROTOCOL	109
#define DCC_EXIT_COMPILER_MISSING 110
#define DCC_EXIT_ACCESS_DENIED	113
#define DCC_EXIT_BUSY		114
#define DCC_EXIT_TIMEOUT	118

/*
 * Incremental request reader.  Init with the limits (copied; NULL: the
 * defaults); feed the frames of one request in order: PROTO_MORE,
 * PROTO_DONE (the request is complete: version, argc, argv and src are
 * set and owned by r), or -1 with err set and *code the distcc exit code
 * that fits (DCC_EXIT_PROTOCOL, or DCC_EXIT_BAD_ARGUMENTS for a size
 * over a limit); the reader is then dead.  Sizes are checked before
 * anything is allocated: ARGC against max_argc, each ARGV against
 * max_arg, all of them against max_args_total, the source (after LZO)
 * against max_input.
 */
struct dcc_req {
	int		 state;
	uint32_t	 version;	/* from DIST, once read */
	uint32_t	 argc;
	uint32_t	 nargv;		/* ARGV frames seen */
	size_t		 argbytes;
	char		**argv;		/* argc + 1 entries, NULL-terminated */
	struct proto_buf src;		/* preprocessed source, plain */
	struct proto_limits lim;
};

void	dcc_req_init(struct dcc_req *r, const struct proto_limits *lim);
void	dcc_req_free(struct dcc_req *r);	/* frees, re-inits */
int	dcc_req_feed(struct dcc_req *r, const struct proto_frame *f,
	    int *code, char *err, size_t errlen);

/*
 * Append the answer to a compile to out: DONE version, STAT status, SERR,
 * SOUT, and DOTO with obj if status is 0 (else DOTO 0), the bodies
 * LZO1X-compressed for version 2 and up.  Returns 0, or -1 with err set
 * (out of memory, or a compressor failure; out then unchanged).
 */
int	dcc_answer_encode(uint32_t version, uint32_t status,
	    const struct proto_buf *serr, const struct proto_buf *sout,
	    const struct proto_buf *obj, struct proto_buf *out, char *err,
	    size_t errlen);

/*
 * Append a refusal to out: the answer of a compile that failed with exit
 * code code (< 128, so stock distcc runs the compile locally instead) and
 * "ccpoold: <msg>" as its stderr.  version: the client's, if known
 * (else 1).  Returns 0 or -1 as dcc_answer_encode.
 */
int	dcc_refusal_encode(uint32_t version, int code, const char *msg,
	    struct proto_buf *out, char *err, size_t errlen);

/*
 * LZO1X: dcc_lzo_compress appends the compressed form of src to out;
 * dcc_lzo_decompress appends the content of src, at most maxout bytes
 * (a bomb is refused once it would exceed maxout, never allocated in
 * full; *toolarge is then set).  Both return 0 or -1 with err set (out
 * restored to its previous length).
 */
int	dcc_lzo_compress(const void *src, size_t len, struct proto_buf *out,
	    char *err, size_t errlen);
int	dcc_lzo_decompress(const void *src, size_t len, size_t maxout,
	    struct proto_buf *out, int *toolarge, char *err, size_t errlen);

/*
 * Make the complete request r into ccpool job j (which must be free):
 * the toolchain one of whose names (tc[i].alias) is argv[0], a bare name
 * as distccd's masquerade rule wants; the language from the input
 * file's suffix; argv without the input file and -o (the runner adds
 * its own); no -c or -S, or anything ccargs_check() refuses, is refused
 * as for a ccpool job.  The source moves from r to j.  id: the job's id
 * (not 0).  Returns 0, or -1 with *code (a distcc exit code), *reason
 * (the ccpool refusal reason, for the counters) and err set.
 */
int	dcc_req_job(struct dcc_req *r, const struct ipc_tc *tc, size_t ntc,
	    uint32_t id, struct proto_job *j, int *code, uint32_t *reason,
	    char *err, size_t errlen);

#endif
