/*
 * proto.h - the wire protocol codec: frames, dialects, ccpool v1 messages
 * and zstd bodies.  The specification is doc/protocol.md.
 *
 * The layers and their files:
 *   proto_frame.c  byte buffers, 12-byte frame headers, dialects (which
 *                  tokens exist, value or payload, how large);
 *   proto_zstd.c   zstd bodies with a hard output cap;
 *   proto_msg.c    ccpool v1 messages: names, field validators, hello
 *                  (proto_msg.h: what the three message files share);
 *   proto_job.c    the job: checker, encoder, reader;
 *   proto_result.c the answer: result, refusal, keepalive;
 *   proto_ev.c     frames out of a libevent buffer.
 * Start with proto_frame_parse() and proto_job_feed() (proto_job.c).
 * Everything here is pure library code (libc and libzstd, no I/O, no event
 * loop): the network process reads bytes, parses frames out of them and
 * feeds the frames to a message reader; the same readers run in the fuzz
 * harness.
 */
#ifndef CCPOOL_PROTO_H
#define CCPOOL_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROTO_VERSION		2	/* ccpool protocol version we speak */
#define PROTO_VERSION_OFFERS	2	/* from it: OFFR, PULL, DROP */
#define PROTO_VERSION_MIN	1	/* oldest one we still accept */
#define PROTO_HDRLEN		12	/* 4 token chars + 8 hex digits */
#define PROTO_KEEPALIVE_MS	200	/* server sends KEEP this often */
#define PROTO_KEEPALIVE_MISSES	3	/* client gives up after this many */
/* silence after which a client gives a server up: 3 misses + slack */
#define PROTO_KEEPALIVE_TIMEOUT_MS \
	(PROTO_KEEPALIVE_MS * PROTO_KEEPALIVE_MISSES + PROTO_KEEPALIVE_MS / 4)
#define PROTO_TCID_MAX		95	/* toolchain id bytes, as disc_txt */
#define PROTO_PATH_MAX		4096	/* CWD_, SRCN bytes */
#define PROTO_LANG_MAX		16	/* LANG payload bytes */
#define PROTO_GSS_MAX		65536	/* GSS_ payload bytes (kgss.h) */
/*
 * Default zstd level.  Every compress runs in a process that lives for one
 * job (the wrapper, the server's job), so the level's tables are fresh
 * pages each time: level 1 compresses 266 KB of preprocessed C in 2.5-3.0
 * ms and 305 page faults in a new process, level 3 in 3.4-3.8 ms and 485,
 * for a frame 6 % larger (doc/protocol.md, section 6).
 */
#define PROTO_ZLEVEL		1
#define PROTO_ZLEVEL_MAX	19	/* higher levels need big windows */
#define PROTO_ZWINDOWLOG_MAX	25	/* 32 MiB: decoder memory bound */

/* WANT flags. */
#define PROTO_WANT_DEPS		0x1u	/* send the dependency file back */
#define PROTO_WANT_ALL		PROTO_WANT_DEPS

/* Return values of the message readers. */
#define PROTO_MORE		0	/* feed the next frame */
#define PROTO_DONE		1	/* message complete */
#define PROTO_KEEPALIVE		2	/* a KEEP frame: reset the timer */

/*
 * Size limits, chosen by the caller (server configuration, client
 * defaults).  Every length from the network is checked against these
 * before anything is allocated.  Payload limits above UINT32_MAX are
 * clamped to it: a frame cannot say more.
 */
struct proto_limits {
	uint32_t	 max_argc;	/* ARGC */
	size_t		 max_arg;	/* one ARGV */
	size_t		 max_args_total;	/* all ARGV bytes of a job */
	size_t		 max_input_z;	/* ZDTI payload (compressed) */
	size_t		 max_input;	/* preprocessed source, uncompressed */
	size_t		 max_output_z;	/* ZDTO payload (compressed) */
	size_t		 max_output;	/* object file, uncompressed */
	size_t		 max_stdout;	/* SOUT */
	size_t		 max_stderr;	/* SERR */
	size_t		 max_deps;	/* DEPS */
	size_t		 max_msg;	/* MSG_ (refusal text) */
};

/* Fill *lim with the defaults written down in doc/protocol.md. */
void	proto_limits_default(struct proto_limits *lim);

/*
 * A growable byte buffer.  A zeroed struct (or proto_buf_init) is an empty
 * buffer; proto_buf_free releases the storage and leaves an empty buffer.
 * Functions returning int give 0, or -1 with errno ENOMEM (no memory) or
 * EOVERFLOW (size would overflow); the buffer is unchanged on failure.
 */
struct proto_buf {
	uint8_t		*data;
	size_t		 len;
	size_t		 cap;
};

void	proto_buf_init(struct proto_buf *b);
void	proto_buf_free(struct proto_buf *b);
void	proto_buf_reset(struct proto_buf *b);	/* len = 0, keeps storage */
int	proto_buf_reserve(struct proto_buf *b, size_t extra);
int	proto_buf_append(struct proto_buf *b, const void *p, size_t n);
/* Drop the first n bytes (n <= len), e.g. frames already parsed. */
void	proto_buf_consume(struct proto_buf *b, size_t n);

/*
 * Append one frame.  tok is 4 characters of [A-Z0-9_] (not a C string).
 * proto_put_payload writes the header with len and then the len bytes.
 * Returns 0, or -1 with errno EINVAL (bad token, len > UINT32_MAX) or
 * ENOMEM.  The hex digits are lowercase, as distcc writes them.
 */
int	proto_put_value(struct proto_buf *b, const char tok[4], uint32_t v);
int	proto_put_payload(struct proto_buf *b, const char tok[4],
	    const void *p, size_t len);
/*
 * Write the 12-byte header tok + v into hdr (for a payload whose length is
 * known only after it is written).  Returns 0, or -1 (EINVAL) for a bad
 * token.
 */
int	proto_header_write(uint8_t hdr[PROTO_HDRLEN], const char tok[4],
	    uint32_t v);

/* Dialects: the tokens a peer may send. */
enum proto_kind {
	PROTO_VALUE,		/* 8 hex digits are the value, no payload */
	PROTO_PAYLOAD		/* 8 hex digits are a length, bytes follow */
};

enum proto_dialect_id {
	PROTO_DIALECT_CCPOOL1,	/* ccpool protocol version 1 */
	PROTO_DIALECT_DISTCC	/* distcc protocol versions 1 and 2 */
};

#define PROTO_DIALECT_TOKENS	32

struct proto_token {
	char		 tok[4];
	enum proto_kind	 kind;
	uint32_t	 max;		/* payload tokens: largest length */
};

struct proto_dialect {
	const char	*name;		/* "ccpool1", "distcc" */
	size_t		 ntok;
	struct proto_token tok[PROTO_DIALECT_TOKENS];
};

/*
 * Build dialect id with the payload limits taken from lim (NULL: the
 * defaults).  Returns 0, or -1 with err set for an unknown id.
 */
int	proto_dialect_init(struct proto_dialect *d, enum proto_dialect_id id,
	    const struct proto_limits *lim, char *err, size_t errlen);
/* The entry for tok (4 chars), or NULL if the dialect has no such token. */
const struct proto_token *proto_dialect_lookup(const struct proto_dialect *d,
	    const char tok[4]);

/* One parsed frame.  data points into the buffer given to the parser. */
struct proto_frame {
	char		 tok[5];	/* NUL-terminated copy of the token */
	enum proto_kind	 kind;
	uint32_t	 value;		/* the value, or the payload length */
	const uint8_t	*data;		/* payload (len bytes); values: NULL */
	size_t		 len;		/* payload length, 0 for values */
	size_t		 need;		/* bytes the whole frame takes */
};

/*
 * Parse the frame at the start of buf (len bytes, untrusted).  Returns
 * the bytes the frame takes (> 0) with *f filled in; 0 if buf holds only
 * a valid prefix of a frame (f->need then says how many bytes the frame
 * needs in all, as far as known: 12 until the header is complete); -1 with
 * err set if the header is malformed (a token byte outside [A-Z0-9_], a
 * non-hex digit), names a token the dialect lacks, or gives a payload
 * length over the token's limit.  The verdict comes from the header
 * alone: a hostile length is refused before its payload arrives, and a
 * bad byte in a partial header is refused at once.
 */
ssize_t	proto_frame_parse(const struct proto_dialect *d, const uint8_t *buf,
	    size_t len, struct proto_frame *f, char *err, size_t errlen);

struct evbuffer;

/*
 * The next frame of d at the front of in (libevent's buffer of untrusted
 * bytes), made contiguous: proto_frame_parse() for a connection, the one
 * frame reader of the server's and the agent's sockets (proto_ev.c).
 * Returns f->need (> 0) with *f filled in and the frame's bytes at *p,
 * still in `in` (the caller drains f->need once done with them); 0 when
 * in holds only a valid prefix (f->need: the bytes the frame needs, as
 * far as known, for a read watermark; once the header is all there *f
 * has its token, kind and value, f->data NULL); -1 with err set for
 * bytes that are no frame of d, or out of memory.
 */
ssize_t	proto_evpull(struct evbuffer *in, const struct proto_dialect *d,
	    struct proto_frame *f, const uint8_t **p, char *err,
	    size_t errlen);

/*
 * zstd bodies.  proto_zcompress appends one zstd frame (with content size
 * and checksum) holding src to out; level is clamped to 1..PROTO_ZLEVEL_MAX.
 * proto_zdecompress appends to out the content of src, which must be
 * exactly one standard zstd frame (no skippable frame, nothing after it,
 * not truncated) decompressing to at most maxout bytes; output is
 * produced in bounded steps, so a bomb is refused after maxout + 1 bytes,
 * never allocated in full.  Both return 0, or -1 with err set (out is
 * then restored to its previous length).
 * proto_zcheck makes proto_zdecompress's checks of the frame's header and
 * extent without decompressing (the content may still be corrupt): 0 with
 * *size the declared content size (PROTO_ZSIZE_UNKNOWN if the frame does
 * not say), or -1 with err set.
 */
#define PROTO_ZSIZE_UNKNOWN	(~0ULL)
int	proto_zcompress(const void *src, size_t len, int level,
	    struct proto_buf *out, char *err, size_t errlen);
int	proto_zdecompress(const void *src, size_t len, size_t maxout,
	    struct proto_buf *out, char *err, size_t errlen);
int	proto_zcheck(const void *src, size_t len, size_t maxout,
	    unsigned long long *size, char *err, size_t errlen);

/* The languages of LANG. */
enum proto_lang {
	PROTO_LANG_C,
	PROTO_LANG_CXX,
	PROTO_LANG_OBJC,
	PROTO_LANG_OBJCXX,
	PROTO_LANG_COUNT
};

/* "c", "c++", "objective-c", "objective-c++"; NULL if out of range. */
const char *proto_lang_name(enum proto_lang l);

/* Refusal reason codes: wire values, never renumbered. */
enum proto_reason {
	PROTO_R_PROTO = 1,	/* malformed or unsupported protocol */
	PROTO_R_TOOLCHAIN,	/* unknown toolchain id */
	PROTO_R_NOTCOMPILE,	/* argv is not a single compile */
	PROTO_R_POLICY,		/* forbidden option */
	PROTO_R_TOOLARGE,	/* input or output over a limit */
	PROTO_R_BUSY,		/* no slot, queue full: try another server */
	PROTO_R_AUTH,		/* not authorised */
	PROTO_R_SHUTDOWN,	/* server stopping */
	PROTO_R_INTERNAL,	/* server-side failure */
	PROTO_R_LOCAL,		/* agent to wrapper only: placed here */
	PROTO_R_LAST = PROTO_R_LOCAL
};

/* "proto", "toolchain", ...; "unknown" for anything else. */
const char *proto_reason_name(uint32_t reason);

/*
 * A compile job.  After a complete decode every pointer is owned by the
 * job (proto_job_free releases them): strings are NUL-terminated and hold
 * no NUL, argv has argc entries and a NULL, src is the uncompressed
 * preprocessed source.  An encoder's caller fills it the same way.
 */
struct proto_job {
	uint32_t	 id;		/* job sequence id, never 0 */
	char		*tcid;		/* toolchain id */
	enum proto_lang	 lang;
	uint32_t	 argc;		/* >= 1 */
	char		**argv;		/* argv[0]: compiler name */
	char		*cwd;		/* client's working directory */
	char		*srcname;	/* source file as the user named it */
	uint32_t	 want;		/* PROTO_WANT_* */
	struct proto_buf src;		/* preprocessed source */
};

void	proto_job_init(struct proto_job *j);
void	proto_job_free(struct proto_job *j);	/* frees members, re-inits */

/*
 * Check a job as its decoder would, against lim (NULL: defaults).
 * Returns 0, or -1 with err set.
 */
int	proto_job_check(const struct proto_job *j,
	    const struct proto_limits *lim, char *err, size_t errlen);

/*
 * Append the frames of job j (JOB_ ... JEND) to out, compressing the
 * source at zlevel.  The job is checked first (proto_job_check with lim).
 * Returns 0, or -1 with err set (out then unchanged).
 */
int	proto_job_encode(const struct proto_job *j,
	    const struct proto_limits *lim, int zlevel, struct proto_buf *out,
	    char *err, size_t errlen);

/*
 * Incremental job decoder.  Init with the limits (copied; NULL: defaults),
 * then feed frames from proto_frame_parse (ccpool1 dialect) one at a time:
 * PROTO_MORE, PROTO_DONE (r->job is complete; take it with
 * proto_job_reader_take or leave it to proto_job_reader_free), or -1 with
 * err set (the reader is then dead: every later feed fails).  The frame's
 * payload is copied, so the caller's buffer may be reused at once.
 * A relay, which passes the frames on as they came to a peer that decodes
 * them itself, sets relay after init: ZDTI is then checked by
 * proto_zcheck (its content size must be declared) but not decompressed,
 * and job.src stays empty.  srclen is the source's size either way; relay
 * survives proto_job_reader_take.
 */
struct proto_job_reader {
	int		 relay;		/* set by the caller; see below */
	size_t		 srclen;	/* the source's size, once ZDTI is in */
	int		 state;
	uint32_t	 nargv;		/* ARGV frames seen */
	size_t		 argbytes;	/* their total length */
	struct proto_limits lim;
	struct proto_job job;
};

void	proto_job_reader_init(struct proto_job_reader *r,
	    const struct proto_limits *lim);
void	proto_job_reader_free(struct proto_job_reader *r);
int	proto_job_feed(struct proto_job_reader *r, const struct proto_frame *f,
	    char *err, size_t errlen);
/* Move the completed job to *j (which must be free) and reset r. */
void	proto_job_reader_take(struct proto_job_reader *r, struct proto_job *j);

/*
 * The answer to one job: a result, or a refusal (refused != 0: only
 * jobid, reason and msg are meaningful).  Buffers are owned by the result.
 */
struct proto_result {
	uint32_t	 jobid;
	int		 refused;
	uint32_t	 reason;	/* enum proto_reason, refusals only */
	char		*msg;		/* refusals only: printable UTF-8 */
	uint32_t	 status;	/* wait status: exit << 8, or signal */
	struct proto_buf out;		/* compiler stdout */
	struct proto_buf errout;	/* compiler stderr */
	struct proto_buf obj;		/* object; empty on failure */
	struct proto_buf deps;		/* dependency file, if wanted */
	uint32_t	 queue_ms;	/* time spent queued */
	uint32_t	 compile_ms;	/* time spent compiling */
};

void	proto_result_init(struct proto_result *res);
void	proto_result_free(struct proto_result *res);	/* frees, re-inits */

/*
 * Check an answer (result or refusal) to a job that asked for want, as
 * its decoder would.  Returns 0, or -1 with err set.
 */
int	proto_result_check(const struct proto_result *res, uint32_t want,
	    const struct proto_limits *lim, char *err, size_t errlen);

/*
 * Append the frames of result res (STAT ... DONE) to out, compressing the
 * object at zlevel; want is the job's WANT (DEPS must be empty without
 * PROTO_WANT_DEPS).  res->refused must be 0.  Returns 0 or -1 with err.
 */
int	proto_result_encode(const struct proto_result *res, uint32_t want,
	    const struct proto_limits *lim, int zlevel, struct proto_buf *out,
	    char *err, size_t errlen);

/*
 * Append a refusal (RFSE reason, MSG_ msg, DONE jobid) to out.  jobid is 0
 * for a refused hello.  msg is printable UTF-8 of at most lim->max_msg
 * bytes.  Returns 0 or -1 with err.
 */
int	proto_refusal_encode(uint32_t jobid, uint32_t reason, const char *msg,
	    const struct proto_limits *lim, struct proto_buf *out,
	    char *err, size_t errlen);

/* Append a keepalive (KEEP 0) to out.  Returns 0 or -1 (ENOMEM). */
int	proto_keepalive_encode(struct proto_buf *out);

/*
 * Incremental answer decoder for job jobid (0: the answer to a hello,
 * which can only be a refusal) that asked for want.  Feed frames: returns
 * PROTO_KEEPALIVE for each leading KEEP (reset the timeout),
 * PROTO_MORE, PROTO_DONE (r->res is complete: a result or a refusal), or
 * -1 with err set (the reader is then dead).
 */
struct proto_result_reader {
	int		 state;
	uint32_t	 jobid;
	uint32_t	 want;
	struct proto_limits lim;
	struct proto_result res;
};

void	proto_result_reader_init(struct proto_result_reader *r, uint32_t jobid,
	    uint32_t want, const struct proto_limits *lim);
void	proto_result_reader_free(struct proto_result_reader *r);
int	proto_result_feed(struct proto_result_reader *r,
	    const struct proto_frame *f, char *err, size_t errlen);
/* Move the completed answer to *res (which must be free) and reset r. */
void	proto_result_reader_take(struct proto_result_reader *r,
	    struct proto_result *res);

/*
 * Hello.  The client sends CCPL with the highest version it speaks; the
 * server answers CCPL with the version both will use
 * (proto_hello_choose), or refuses with RFSE PROTO, MSG_, DONE 0.
 */
int	proto_hello_encode(struct proto_buf *out, uint32_t version);
/*
 * If f is a CCPL frame, store its value in *version and return 0;
 * otherwise -1 with err set.
 */
int	proto_hello_decode(const struct proto_frame *f, uint32_t *version,
	    char *err, size_t errlen);
/*
 * Server side: the version to answer a client offering offered, given
 * that we speak min..max; -1 with err set if there is none.
 */
int	proto_hello_choose(uint32_t offered, uint32_t min, uint32_t max,
	    uint32_t *chosen, char *err, size_t errlen);

/*
 * Late binding (version 2, doc/protocol.md "Offers").  On an idle
 * connection the agent may offer a job instead of sending it: OFFR (the
 * job id) TCID LANG SIZE (input bytes, a hint).  The server queues the
 * offer and, once a slot is free for it, answers PULL (the id) FREE (its
 * free slots << 16 | offers waiting there, each capped at 0xffff); the
 * agent then sends that job (JOB_ with the same id) on the connection,
 * or DROP (the id) to withdraw the offer, before or after a PULL.  A
 * server that cannot take the offer answers a refusal (RFSE) with the id.
 */
struct proto_offer {
	uint32_t	 id;
	char		 tcid[PROTO_TCID_MAX + 1];
	enum proto_lang	 lang;
	uint32_t	 size;		/* preprocessed bytes, a hint */
};

struct proto_offer_reader {
	int		 state;		/* next frame; 4 done, -1 failed */
	struct proto_offer o;		/* complete once feed said DONE */
};

struct proto_pull {
	uint32_t	 id;
	unsigned	 free_slots;	/* the server's free slots now */
	unsigned	 waiting;	/* offers queued there now */
};

/* o is well formed: 0, or -1 with err set. */
int	proto_offer_check(const struct proto_offer *o, char *err,
	    size_t errlen);
/* Append OFFR TCID LANG SIZE: 0, or -1 with err set and out as it was. */
int	proto_offer_encode(const struct proto_offer *o, struct proto_buf *out,
	    char *err, size_t errlen);
void	proto_offer_reader_init(struct proto_offer_reader *r);
/* PROTO_MORE, PROTO_DONE (r->o complete), or -1 with err set. */
int	proto_offer_feed(struct proto_offer_reader *r,
	    const struct proto_frame *f, char *err, size_t errlen);
/* Append PULL FREE: 0, or -1 (id 0, no memory; out as it was). */
int	proto_pull_encode(const struct proto_pull *p, struct proto_buf *out);
/*
 * Read PULL then FREE; *state starts at 0 and is 0 again after DONE.
 * PROTO_MORE, PROTO_DONE (*p complete), or -1 with err set.
 */
int	proto_pull_feed(struct proto_pull *p, int *state,
	    const struct proto_frame *f, char *err, size_t errlen);
/* Append DROP: 0, or -1 (id 0, no memory). */
int	proto_drop_encode(uint32_t id, struct proto_buf *out);

#endif
