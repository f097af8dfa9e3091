/*
 * proto_msg.c - the messages of ccpool protocol version 1: hello, job,
 * result, refusal, keepalive.  See proto.h and doc/protocol.md.
 *
 * Each direction has a checker, an encoder and an incremental reader.
 * The reader is a state machine fed one frame at a time (frames come
 * from proto_frame_parse): each state expects exactly one token, so a
 * missing, repeated or out-of-order frame is an error, and a reader that
 * failed once stays failed.  Every field is checked as it arrives with the
 * same validators that proto_job_check() and proto_result_check() use,
 * and the encoders run those checks first, so whatever we emit decodes to
 * the very same struct.  Start reading at proto_job_feed().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/proto.h"

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

static int
check_tcid(const uint8_t *s, size_t len, char *err, size_t errlen)
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

static int
parse_lang(const uint8_t *s, size_t len, enum proto_lang *l)
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
static int
check_str(const char *what, const uint8_t *s, size_t len, size_t min,
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

static int
check_cwd(const uint8_t *s, size_t len, char *err, size_t errlen)
{
	if (check_str("CWD_", s, len, 1, PROTO_PATH_MAX, err, errlen) == -1)
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

static int
check_msg(const uint8_t *s, size_t len, const struct proto_limits *lim,
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
static int
check_status(uint32_t st, char *err, size_t errlen)
{
	uint32_t sig = st & 0x7f;

	if (sig == 0 ? (st & 0xffff00ffu) == 0 : (sig != 0x7f && st <= 0xff))
		return 0;
	err_set(err, errlen, "STAT: %#x is not an exit or signal status",
	    (unsigned)st);
	return -1;
}

static int
check_want(uint32_t want, char *err, size_t errlen)
{
	if ((want & ~PROTO_WANT_ALL) != 0) {
		err_set(err, errlen, "WANT: unknown flags %#x",
		    (unsigned)(want & ~PROTO_WANT_ALL));
		return -1;
	}
	return 0;
}

static int
check_reason(uint32_t reason, char *err, size_t errlen)
{
	if (reason < 1 || reason > PROTO_R_LAST) {
		err_set(err, errlen, "RFSE: unknown reason %u",
		    (unsigned)reason);
		return -1;
	}
	return 0;
}

static int
check_size(const char *what, size_t len, size_t max, char *err,
    size_t errlen)
{
	if (len > max) {
		err_set(err, errlen, "%s: %zu bytes over the limit of %zu",
		    what, len, max);
		return -1;
	}
	return 0;
}

static const struct proto_limits *
deflim(const struct proto_limits *lim, struct proto_limits *def)
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
static int
put_zpayload(struct proto_buf *out, const char tok[4], const void *src,
    size_t len, int always, size_t maxz, int zlevel, char *err,
    size_t errlen)
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

static int
put_str(struct proto_buf *out, const char tok[4], const char *s)
{
	return proto_put_payload(out, tok, s, strlen(s));
}

/* Jobs. */

void
proto_job_init(struct proto_job *j)
{
	memset(j, 0, sizeof(*j));
	proto_buf_init(&j->src);
}

void
proto_job_free(struct proto_job *j)
{
	uint32_t i;

	if (j == NULL)
		return;
	free(j->tcid);
	if (j->argv != NULL)
		for (i = 0; i < j->argc; i++)
			free(j->argv[i]);
	free(j->argv);
	free(j->cwd);
	free(j->srcname);
	proto_buf_free(&j->src);
	proto_job_init(j);
}

int
proto_job_check(const struct proto_job *j, const struct proto_limits *lim,
    char *err, size_t errlen)
{
	struct proto_limits def;
	size_t	 total = 0, n;
	uint32_t i;

	lim = deflim(lim, &def);
	if (j->id == 0) {
		err_set(err, errlen, "JOB_: id 0 is reserved");
		return -1;
	}
	if (j->tcid == NULL || check_tcid((const uint8_t *)j->tcid,
	    strlen(j->tcid), err, errlen) == -1) {
		if (j->tcid == NULL)
			err_set(err, errlen, "TCID: missing");
		return -1;
	}
	if (proto_lang_name(j->lang) == NULL) {
		err_set(err, errlen, "LANG: unknown language");
		return -1;
	}
	if (j->argc < 1 || j->argc > lim->max_argc) {
		err_set(err, errlen, "ARGC: %u not 1..%u", (unsigned)j->argc,
		    (unsigned)lim->max_argc);
		return -1;
	}
	if (j->argv == NULL) {
		err_set(err, errlen, "ARGV: missing");
		return -1;
	}
	for (i = 0; i < j->argc; i++) {
		if (j->argv[i] == NULL) {
			err_set(err, errlen, "ARGV %u: missing", (unsigned)i);
			return -1;
		}
		n = strlen(j->argv[i]);
		if (check_str("ARGV", (const uint8_t *)j->argv[i], n,
		    i == 0 ? 1 : 0, lim->max_arg, err, errlen) == -1)
			return -1;
		total += n;
	}
	if (check_size("ARGV total", total, lim->max_args_total, err,
	    errlen) == -1)
		return -1;
	if (j->cwd == NULL || check_cwd((const uint8_t *)j->cwd,
	    strlen(j->cwd), err, errlen) == -1) {
		if (j->cwd == NULL)
			err_set(err, errlen, "CWD_: missing");
		return -1;
	}
	if (j->srcname == NULL || check_str("SRCN",
	    (const uint8_t *)j->srcname, strlen(j->srcname), 1,
	    PROTO_PATH_MAX, err, errlen) == -1) {
		if (j->srcname == NULL)
			err_set(err, errlen, "SRCN: missing");
		return -1;
	}
	if (check_want(j->want, err, errlen) == -1)
		return -1;
	return check_size("source", j->src.len, lim->max_input, err, errlen);
}

int
proto_job_encode(const struct proto_job *j, const struct proto_limits *lim,
    int zlevel, struct proto_buf *out, char *err, size_t errlen)
{
	struct proto_limits def;
	size_t	 start = out->len;
	uint32_t i;

	lim = deflim(lim, &def);
	if (proto_job_check(j, lim, err, errlen) == -1)
		return -1;
	if (proto_put_value(out, "JOB_", j->id) == -1 ||
	    put_str(out, "TCID", j->tcid) == -1 ||
	    put_str(out, "LANG", lang_names[j->lang]) == -1 ||
	    proto_put_value(out, "ARGC", j->argc) == -1)
		goto nomem;
	for (i = 0; i < j->argc; i++)
		if (put_str(out, "ARGV", j->argv[i]) == -1)
			goto nomem;
	if (put_str(out, "CWD_", j->cwd) == -1 ||
	    put_str(out, "SRCN", j->srcname) == -1 ||
	    proto_put_value(out, "WANT", j->want) == -1)
		goto nomem;
	if (put_zpayload(out, "ZDTI", j->src.data, j->src.len, 1,
	    lim->max_input_z, zlevel, err, errlen) == -1)
		goto fail;
	if (proto_put_value(out, "JEND", j->id) == -1)
		goto nomem;
	return 0;
nomem:
	err_set(err, errlen, "out of memory");
fail:
	out->len = start;
	return -1;
}

/* The job reader's states, one per expected token. */
enum jstate {
	J_JOB, J_TCID, J_LANG, J_ARGC, J_ARGV, J_CWD, J_SRCN, J_WANT, J_ZDTI,
	J_JEND, J_DONE, J_DEAD
};

static const char *const jtok[J_DONE] = {
	"JOB_", "TCID", "LANG", "ARGC", "ARGV", "CWD_", "SRCN", "WANT", "ZDTI",
	"JEND"
};

static const enum proto_kind jkind[J_DONE] = {
	PROTO_VALUE, PROTO_PAYLOAD, PROTO_PAYLOAD, PROTO_VALUE, PROTO_PAYLOAD,
	PROTO_PAYLOAD, PROTO_PAYLOAD, PROTO_VALUE, PROTO_PAYLOAD, PROTO_VALUE
};

void
proto_job_reader_init(struct proto_job_reader *r,
    const struct proto_limits *lim)
{
	memset(r, 0, sizeof(*r));
	if (lim != NULL)
		r->lim = *lim;
	else
		proto_limits_default(&r->lim);
	r->state = J_JOB;
	proto_job_init(&r->job);
}

void
proto_job_reader_free(struct proto_job_reader *r)
{
	if (r == NULL)
		return;
	proto_job_free(&r->job);
	r->state = J_DEAD;
}

void
proto_job_reader_take(struct proto_job_reader *r, struct proto_job *j)
{
	struct proto_limits lim = r->lim;
	int		 relay = r->relay;

	*j = r->job;
	proto_job_init(&r->job);
	proto_job_reader_init(r, &lim);
	r->relay = relay;
}

/* A NUL-terminated copy of a payload already checked for NULs. */
static char *
dupstr(const struct proto_frame *f)
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
static int
expect(const struct proto_frame *f, const char *tok, enum proto_kind kind,
    char *err, size_t errlen)
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

static int
job_frame(struct proto_job_reader *r, const struct proto_frame *f,
    char *err, size_t errlen)
{
	struct proto_job *j = &r->job;
	unsigned long long zsize;
	char	*s;

	if (r->state == J_ARGV && r->nargv == j->argc)
		r->state = J_CWD;
	if (r->state >= J_DONE) {
		err_set(err, errlen, "%.4s after the end of the job", f->tok);
		return -1;
	}
	if (expect(f, jtok[r->state], jkind[r->state], err, errlen) == -1)
		return -1;
	switch (r->state) {
	case J_JOB:
		if (f->value == 0) {
			err_set(err, errlen, "JOB_: id 0 is reserved");
			return -1;
		}
		j->id = f->value;
		break;
	case J_TCID:
		if (check_tcid(f->data, f->len, err, errlen) == -1)
			return -1;
		if ((j->tcid = dupstr(f)) == NULL)
			goto nomem;
		break;
	case J_LANG:
		if (parse_lang(f->data, f->len, &j->lang) == -1) {
			err_set(err, errlen, "LANG: unknown language");
			return -1;
		}
		break;
	case J_ARGC:
		if (f->value < 1 || f->value > r->lim.max_argc) {
			err_set(err, errlen, "ARGC: %u not 1..%u",
			    (unsigned)f->value, (unsigned)r->lim.max_argc);
			return -1;
		}
		/* bounded by max_argc, so this allocation is too */
		if ((j->argv = calloc((size_t)f->value + 1,
		    sizeof(*j->argv))) == NULL)
			goto nomem;
		j->argc = f->value;
		r->nargv = 0;
		r->argbytes = 0;
		break;
	case J_ARGV:
		if (check_str("ARGV", f->data, f->len, r->nargv == 0 ? 1 : 0,
		    r->lim.max_arg, err, errlen) == -1)
			return -1;
		if (f->len > r->lim.max_args_total - r->argbytes) {
			err_set(err, errlen, "ARGV: more than %zu bytes in all",
			    r->lim.max_args_total);
			return -1;
		}
		if ((s = dupstr(f)) == NULL)
			goto nomem;
		j->argv[r->nargv++] = s;
		r->argbytes += f->len;
		return 0;	/* stay in J_ARGV until argc are in */
	case J_CWD:
		if (check_cwd(f->data, f->len, err, errlen) == -1)
			return -1;
		if ((j->cwd = dupstr(f)) == NULL)
			goto nomem;
		break;
	case J_SRCN:
		if (check_str("SRCN", f->data, f->len, 1, PROTO_PATH_MAX, err,
		    errlen) == -1)
			return -1;
		if ((j->srcname = dupstr(f)) == NULL)
			goto nomem;
		break;
	case J_WANT:
		if (check_want(f->value, err, errlen) == -1)
			return -1;
		j->want = f->value;
		break;
	case J_ZDTI:
		if (check_size("ZDTI", f->len, r->lim.max_input_z, err,
		    errlen) == -1)
			return -1;
		if (r->relay) {
			if (proto_zcheck(f->data, f->len, r->lim.max_input,
			    &zsize, err, errlen) == -1)
				return -1;
			if (zsize == PROTO_ZSIZE_UNKNOWN) {
				err_set(err, errlen, "ZDTI: no content size");
				return -1;
			}
			r->srclen = (size_t)zsize;
			break;
		}
		if (proto_zdecompress(f->data, f->len, r->lim.max_input,
		    &j->src, err, errlen) == -1)
			return -1;
		r->srclen = j->src.len;
		break;
	case J_JEND:
		if (f->value != j->id) {
			err_set(err, errlen, "JEND: id %u does not match JOB_ "
			    "%u", (unsigned)f->value, (unsigned)j->id);
			return -1;
		}
		break;
	default:
		err_set(err, errlen, "bad reader state");
		return -1;
	}
	r->state++;
	return 0;
nomem:
	err_set(err, errlen, "out of memory");
	return -1;
}

int
proto_job_feed(struct proto_job_reader *r, const struct proto_frame *f,
    char *err, size_t errlen)
{
	if (r->state == J_DEAD) {
		err_set(err, errlen, "job reader failed earlier");
		return -1;
	}
	if (job_frame(r, f, err, errlen) == -1) {
		r->state = J_DEAD;
		return -1;
	}
	return r->state == J_DONE ? PROTO_DONE : PROTO_MORE;
}

/* Results and refusals. */

void
proto_result_init(struct proto_result *res)
{
	memset(res, 0, sizeof(*res));
	proto_buf_init(&res->out);
	proto_buf_init(&res->errout);
	proto_buf_init(&res->obj);
	proto_buf_init(&res->deps);
}

void
proto_result_free(struct proto_result *res)
{
	if (res == NULL)
		return;
	free(res->msg);
	proto_buf_free(&res->out);
	proto_buf_free(&res->errout);
	proto_buf_free(&res->obj);
	proto_buf_free(&res->deps);
	proto_result_init(res);
}

int
proto_result_check(const struct proto_result *res, uint32_t want,
    const struct proto_limits *lim, char *err, size_t errlen)
{
	struct proto_limits def;

	lim = deflim(lim, &def);
	if (check_want(want, err, errlen) == -1)
		return -1;
	if (res->refused) {
		if (check_reason(res->reason, err, errlen) == -1)
			return -1;
		if (res->msg == NULL) {
			err_set(err, errlen, "MSG_: missing");
			return -1;
		}
		return check_msg((const uint8_t *)res->msg, strlen(res->msg),
		    lim, err, errlen);
	}
	if (res->jobid == 0) {
		err_set(err, errlen, "DONE: a result for job 0");
		return -1;
	}
	if (check_status(res->status, err, errlen) == -1 ||
	    check_size("SOUT", res->out.len, lim->max_stdout, err,
	    errlen) == -1 ||
	    check_size("SERR", res->errout.len, lim->max_stderr, err,
	    errlen) == -1 ||
	    check_size("object", res->obj.len, lim->max_output, err,
	    errlen) == -1 ||
	    check_size("DEPS", res->deps.len, lim->max_deps, err,
	    errlen) == -1)
		return -1;
	if (res->status != 0 && res->obj.len != 0) {
		err_set(err, errlen, "ZDTO: an object from a failed compile");
		return -1;
	}
	if (!(want & PROTO_WANT_DEPS) && res->deps.len != 0) {
		err_set(err, errlen, "DEPS: not wanted");
		return -1;
	}
	return 0;
}

int
proto_result_encode(const struct proto_result *res, uint32_t want,
    const struct proto_limits *lim, int zlevel, struct proto_buf *out,
    char *err, size_t errlen)
{
	struct proto_limits def;
	size_t	 start = out->len;

	lim = deflim(lim, &def);
	if (res->refused) {
		err_set(err, errlen, "a refusal is not a result");
		return -1;
	}
	if (proto_result_check(res, want, lim, err, errlen) == -1)
		return -1;
	if (proto_put_value(out, "STAT", res->status) == -1 ||
	    proto_put_payload(out, "SOUT", res->out.data, res->out.len) == -1 ||
	    proto_put_payload(out, "SERR", res->errout.data,
	    res->errout.len) == -1)
		goto nomem;
	if (put_zpayload(out, "ZDTO", res->obj.data, res->obj.len, 0,
	    lim->max_output_z, zlevel, err, errlen) == -1)
		goto fail;
	if (proto_put_payload(out, "DEPS", res->deps.data,
	    res->deps.len) == -1 ||
	    proto_put_value(out, "TIMQ", res->queue_ms) == -1 ||
	    proto_put_value(out, "TIMC", res->compile_ms) == -1 ||
	    proto_put_value(out, "DONE", res->jobid) == -1)
		goto nomem;
	return 0;
nomem:
	err_set(err, errlen, "out of memory");
fail:
	out->len = start;
	return -1;
}

int
proto_refusal_encode(uint32_t jobid, uint32_t reason, const char *msg,
    const struct proto_limits *lim, struct proto_buf *out, char *err,
    size_t errlen)
{
	struct proto_limits def;
	size_t	 start = out->len;

	lim = deflim(lim, &def);
	if (check_reason(reason, err, errlen) == -1)
		return -1;
	if (msg == NULL) {
		err_set(err, errlen, "MSG_: missing");
		return -1;
	}
	if (check_msg((const uint8_t *)msg, strlen(msg), lim, err,
	    errlen) == -1)
		return -1;
	if (proto_put_value(out, "RFSE", reason) == -1 ||
	    put_str(out, "MSG_", msg) == -1 ||
	    proto_put_value(out, "DONE", jobid) == -1) {
		err_set(err, errlen, "out of memory");
		out->len = start;
		return -1;
	}
	return 0;
}

int
proto_keepalive_encode(struct proto_buf *out)
{
	return proto_put_value(out, "KEEP", 0);
}

/* The answer reader's states. */
enum rstate {
	R_START,			/* KEEP*, then RFSE or STAT */
	R_MSG, R_RDONE,			/* refusal */
	R_SOUT, R_SERR, R_ZDTO, R_DEPS, R_TIMQ, R_TIMC, R_DONE,	/* result */
	R_COMPLETE, R_DEAD
};

static const char *const rtok[R_COMPLETE] = {
	"STAT", "MSG_", "DONE", "SOUT", "SERR", "ZDTO", "DEPS", "TIMQ", "TIMC",
	"DONE"
};

static const enum proto_kind rkind[R_COMPLETE] = {
	PROTO_VALUE, PROTO_PAYLOAD, PROTO_VALUE, PROTO_PAYLOAD, PROTO_PAYLOAD,
	PROTO_PAYLOAD, PROTO_PAYLOAD, PROTO_VALUE, PROTO_VALUE, PROTO_VALUE
};

void
proto_result_reader_init(struct proto_result_reader *r, uint32_t jobid,
    uint32_t want, const struct proto_limits *lim)
{
	memset(r, 0, sizeof(*r));
	if (lim != NULL)
		r->lim = *lim;
	else
		proto_limits_default(&r->lim);
	r->jobid = jobid;
	r->want = want;
	r->state = R_START;
	proto_result_init(&r->res);
}

void
proto_result_reader_free(struct proto_result_reader *r)
{
	if (r == NULL)
		return;
	proto_result_free(&r->res);
	r->state = R_DEAD;
}

void
proto_result_reader_take(struct proto_result_reader *r,
    struct proto_result *res)
{
	struct proto_limits lim = r->lim;

	*res = r->res;
	proto_result_init(&r->res);
	proto_result_reader_init(r, r->jobid, r->want, &lim);
}

static int
copy_payload(const char *what, struct proto_buf *b,
    const struct proto_frame *f, size_t max, char *err, size_t errlen)
{
	if (check_size(what, f->len, max, err, errlen) == -1)
		return -1;
	if (proto_buf_append(b, f->data, f->len) == -1) {
		err_set(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int
result_frame(struct proto_result_reader *r, const struct proto_frame *f,
    char *err, size_t errlen)
{
	struct proto_result *res = &r->res;

	if (r->state >= R_COMPLETE) {
		err_set(err, errlen, "%.4s after the end of the answer",
		    f->tok);
		return -1;
	}
	if (r->state == R_START) {
		if (memcmp(f->tok, "KEEP", 4) == 0 && r->jobid != 0) {
			if (expect(f, "KEEP", PROTO_VALUE, err, errlen) == -1)
				return -1;
			if (f->value != 0) {
				err_set(err, errlen, "KEEP: value %u, not 0",
				    (unsigned)f->value);
				return -1;
			}
			return PROTO_KEEPALIVE;
		}
		if (memcmp(f->tok, "RFSE", 4) == 0) {
			if (expect(f, "RFSE", PROTO_VALUE, err, errlen) == -1 ||
			    check_reason(f->value, err, errlen) == -1)
				return -1;
			res->refused = 1;
			res->reason = f->value;
			r->state = R_MSG;
			return PROTO_MORE;
		}
		if (r->jobid == 0) {
			err_set(err, errlen, "expected RFSE, got %.4s", f->tok);
			return -1;
		}
	}
	if (expect(f, rtok[r->state], rkind[r->state], err, errlen) == -1)
		return -1;
	switch (r->state) {
	case R_START:
		if (check_status(f->value, err, errlen) == -1)
			return -1;
		res->status = f->value;
		r->state = R_SOUT;
		return PROTO_MORE;
	case R_MSG:
		if (check_msg(f->data, f->len, &r->lim, err, errlen) == -1)
			return -1;
		if ((res->msg = dupstr(f)) == NULL) {
			err_set(err, errlen, "out of memory");
			return -1;
		}
		r->state = R_RDONE;
		return PROTO_MORE;
	case R_RDONE:
	case R_DONE:
		if (f->value != r->jobid) {
			err_set(err, errlen, "DONE: job %u, expected %u",
			    (unsigned)f->value, (unsigned)r->jobid);
			return -1;
		}
		res->jobid = f->value;
		break;
	case R_SOUT:
		if (copy_payload("SOUT", &res->out, f, r->lim.max_stdout, err,
		    errlen) == -1)
			return -1;
		break;
	case R_SERR:
		if (copy_payload("SERR", &res->errout, f, r->lim.max_stderr,
		    err, errlen) == -1)
			return -1;
		break;
	case R_ZDTO:
		if (check_size("ZDTO", f->len, r->lim.max_output_z, err,
		    errlen) == -1)
			return -1;
		if (f->len == 0)
			break;	/* no object */
		if (proto_zdecompress(f->data, f->len, r->lim.max_output,
		    &res->obj, err, errlen) == -1)
			return -1;
		if (res->status != 0 && res->obj.len != 0) {
			err_set(err, errlen, "ZDTO: an object from a failed "
			    "compile");
			return -1;
		}
		break;
	case R_DEPS:
		if (!(r->want & PROTO_WANT_DEPS) && f->len != 0) {
			err_set(err, errlen, "DEPS: not wanted");
			return -1;
		}
		if (copy_payload("DEPS", &res->deps, f, r->lim.max_deps, err,
		    errlen) == -1)
			return -1;
		break;
	case R_TIMQ:
		res->queue_ms = f->value;
		break;
	case R_TIMC:
		res->compile_ms = f->value;
		break;
	default:
		err_set(err, errlen, "bad reader state");
		return -1;
	}
	r->state = r->state == R_RDONE ? R_COMPLETE : r->state + 1;
	return r->state == R_COMPLETE ? PROTO_DONE : PROTO_MORE;
}

int
proto_result_feed(struct proto_result_reader *r, const struct proto_frame *f,
    char *err, size_t errlen)
{
	int	 rc;

	if (r->state == R_DEAD) {
		err_set(err, errlen, "answer reader failed earlier");
		return -1;
	}
	if ((rc = result_frame(r, f, err, errlen)) == -1)
		r->state = R_DEAD;
	return rc;
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
	if (expect(f, "CCPL", PROTO_VALUE, err, errlen) == -1)
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
