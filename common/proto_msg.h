/*
 * proto_msg.h - what the three files of ccpool v1 messages share, not for
 * use outside them: proto_msg.c defines these, proto_job.c (the job) and
 * proto_result.c (result, refusal, keepalive) use them.  The public API
 * is proto.h.
 *
 * The validators take untrusted bytes (s, len: not NUL-terminated) or a
 * decoded value, return 0 if it is acceptable and -1 with the reason in
 * err otherwise; the readers and the checkers call the same ones, so
 * what an encoder emits decodes to the same struct.
 */
#ifndef CCPOOL_PROTO_MSG_H
#define CCPOOL_PROTO_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "common/proto.h"

/* A toolchain id: 1..PROTO_TCID_MAX bytes of [A-Za-z0-9._+-]. */
int	proto_check_tcid(const uint8_t *s, size_t len, char *err,
	    size_t errlen);
/* s is one of the language names: *l set, 0; -1 otherwise (no err). */
int	proto_parse_lang(const uint8_t *s, size_t len, enum proto_lang *l);
/* A string to become a C string: no NUL inside, min..max bytes. */
int	proto_check_str(const char *what, const uint8_t *s, size_t len,
	    size_t min, size_t max, char *err, size_t errlen);
/* CWD_: a string of 1..PROTO_PATH_MAX bytes starting with '/'. */
int	proto_check_cwd(const uint8_t *s, size_t len, char *err,
	    size_t errlen);
/* MSG_: 1..lim->max_msg bytes of printable UTF-8. */
int	proto_check_msg(const uint8_t *s, size_t len,
	    const struct proto_limits *lim, char *err, size_t errlen);
/* STAT: a wait status (an exit code or a terminating signal). */
int	proto_check_status(uint32_t st, char *err, size_t errlen);
/* WANT: no flags outside PROTO_WANT_ALL. */
int	proto_check_want(uint32_t want, char *err, size_t errlen);
/* RFSE: a reason in 1..PROTO_R_LAST. */
int	proto_check_reason(uint32_t reason, char *err, size_t errlen);
/* len is at most max ("what: N bytes over the limit" otherwise). */
int	proto_check_size(const char *what, size_t len, size_t max, char *err,
	    size_t errlen);
/* lim, or the defaults written to *def when lim is NULL. */
const struct proto_limits *proto_deflim(const struct proto_limits *lim,
	    struct proto_limits *def);

/*
 * Append tok with the zstd compression of src (len bytes) as payload,
 * one zstd frame of at most maxz bytes; for len 0 the payload is empty
 * unless always is set.  0, or -1 with err set and out as it was.
 */
int	proto_put_zpayload(struct proto_buf *out, const char tok[4],
	    const void *src, size_t len, int always, size_t maxz, int zlevel,
	    char *err, size_t errlen);
/* Append tok with the bytes of the C string s: 0, or -1 (no memory). */
int	proto_put_str(struct proto_buf *out, const char tok[4], const char *s);

/*
 * A NUL-terminated copy of f's payload, which the caller checked for
 * NULs; the caller frees it.  NULL when out of memory.
 */
char	*proto_dupstr(const struct proto_frame *f);
/* f's token is tok and its kind is kind: 0, or -1 with err set. */
int	proto_expect(const struct proto_frame *f, const char *tok,
	    enum proto_kind kind, char *err, size_t errlen);

#endif
