/*
 * proto_job.c - the job message of ccpool protocol version 1 (JOB_ ...
 * JEND): its checker, its encoder and its incremental reader.  See
 * proto.h, doc/protocol.md and proto_msg.c, which holds the validators
 * the three share.
 *
 * The reader is a state machine fed one frame at a time: each state
 * expects one token (ARGV argc times), so a missing, repeated or
 * out-of-order frame is an error, and a reader that failed once stays
 * failed.  Start reading at proto_job_feed().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/proto.h"
#include "common/proto_msg.h"

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

	lim = proto_deflim(lim, &def);
	if (j->id == 0) {
		err_set(err, errlen, "JOB_: id 0 is reserved");
		return -1;
	}
	if (j->tcid == NULL || proto_check_tcid((const uint8_t *)j->tcid,
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
		if (proto_check_str("ARGV", (const uint8_t *)j->argv[i], n,
		    i == 0 ? 1 : 0, lim->max_arg, err, errlen) == -1)
			return -1;
		total += n;
	}
	if (proto_check_size("ARGV total", total, lim->max_args_total, err,
	    errlen) == -1)
		return -1;
	if (j->cwd == NULL || proto_check_cwd((const uint8_t *)j->cwd,
	    strlen(j->cwd), err, errlen) == -1) {
		if (j->cwd == NULL)
			err_set(err, errlen, "CWD_: missing");
		return -1;
	}
	if (j->srcname == NULL || proto_check_str("SRCN",
	    (const uint8_t *)j->srcname, strlen(j->srcname), 1,
	    PROTO_PATH_MAX, err, errlen) == -1) {
		if (j->srcname == NULL)
			err_set(err, errlen, "SRCN: missing");
		return -1;
	}
	if (proto_check_want(j->want, err, errlen) == -1)
		return -1;
	return proto_check_size("source", j->src.len, lim->max_input, err,
	    errlen);
}

int
proto_job_encode(const struct proto_job *j, const struct proto_limits *lim,
    int zlevel, struct proto_buf *out, char *err, size_t errlen)
{
	struct proto_limits def;
	size_t	 start = out->len;
	uint32_t i;

	lim = proto_deflim(lim, &def);
	if (proto_job_check(j, lim, err, errlen) == -1)
		return -1;
	if (proto_put_value(out, "JOB_", j->id) == -1 ||
	    proto_put_str(out, "TCID", j->tcid) == -1 ||
	    proto_put_str(out, "LANG", proto_lang_name(j->lang)) == -1 ||
	    proto_put_value(out, "ARGC", j->argc) == -1)
		goto nomem;
	for (i = 0; i < j->argc; i++)
		if (proto_put_str(out, "ARGV", j->argv[i]) == -1)
			goto nomem;
	if (proto_put_str(out, "CWD_", j->cwd) == -1 ||
	    proto_put_str(out, "SRCN", j->srcname) == -1 ||
	    proto_put_value(out, "WANT", j->want) == -1)
		goto nomem;
	if (proto_put_zpayload(out, "ZDTI", j->src.data, j->src.len, 1,
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

/* ARGC: the count, and room for as many ARGV frames (and a NULL). */
static int
job_argc(struct proto_job_reader *r, const struct proto_frame *f,
    char *err, size_t errlen)
{
	struct proto_job *j = &r->job;

	if (f->value < 1 || f->value > r->lim.max_argc) {
		err_set(err, errlen, "ARGC: %u not 1..%u",
		    (unsigned)f->value, (unsigned)r->lim.max_argc);
		return -1;
	}
	/* bounded by max_argc, so this allocation is too */
	if ((j->argv = calloc((size_t)f->value + 1,
	    sizeof(*j->argv))) == NULL) {
		err_set(err, errlen, "out of memory");
		return -1;
	}
	j->argc = f->value;
	r->nargv = 0;
	r->argbytes = 0;
	return 0;
}

/* One ARGV frame: within max_arg, and within what max_args_total left. */
static int
job_argv(struct proto_job_reader *r, const struct proto_frame *f,
    char *err, size_t errlen)
{
	struct proto_job *j = &r->job;
	char	*s;

	if (proto_check_str("ARGV", f->data, f->len, r->nargv == 0 ? 1 : 0,
	    r->lim.max_arg, err, errlen) == -1)
		return -1;
	if (f->len > r->lim.max_args_total - r->argbytes) {
		err_set(err, errlen, "ARGV: more than %zu bytes in all",
		    r->lim.max_args_total);
		return -1;
	}
	if ((s = proto_dupstr(f)) == NULL) {
		err_set(err, errlen, "out of memory");
		return -1;
	}
	j->argv[r->nargv++] = s;
	r->argbytes += f->len;
	return 0;
}

/*
 * ZDTI: the source, decompressed into the job; a relay (r->relay) only
 * checks the zstd frame and notes its content size, which must be there.
 */
static int
job_zdti(struct proto_job_reader *r, const struct proto_frame *f,
    char *err, size_t errlen)
{
	struct proto_job *j = &r->job;
	unsigned long long zsize;

	if (proto_check_size("ZDTI", f->len, r->lim.max_input_z, err,
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
		return 0;
	}
	if (proto_zdecompress(f->data, f->len, r->lim.max_input,
	    &j->src, err, errlen) == -1)
		return -1;
	r->srclen = j->src.len;
	return 0;
}

/*
 * The state for f (past J_ARGV once argc are in), and f must be its token
 * and kind: 0, or -1 with err set.
 */
static int
job_expect(struct proto_job_reader *r, const struct proto_frame *f,
    char *err, size_t errlen)
{
	if (r->state == J_ARGV && r->nargv == r->job.argc)
		r->state = J_CWD;
	if (r->state >= J_DONE) {
		err_set(err, errlen, "%.4s after the end of the job", f->tok);
		return -1;
	}
	return proto_expect(f, jtok[r->state], jkind[r->state], err, errlen);
}

/* One frame of the job: checked against the state, stored, state on. */
static int
job_frame(struct proto_job_reader *r, const struct proto_frame *f,
    char *err, size_t errlen)
{
	struct proto_job *j = &r->job;

	if (job_expect(r, f, err, errlen) == -1)
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
		if (proto_check_tcid(f->data, f->len, err, errlen) == -1)
			return -1;
		if ((j->tcid = proto_dupstr(f)) == NULL)
			goto nomem;
		break;
	case J_LANG:
		if (proto_parse_lang(f->data, f->len, &j->lang) == -1) {
			err_set(err, errlen, "LANG: unknown language");
			return -1;
		}
		break;
	case J_ARGC:
		if (job_argc(r, f, err, errlen) == -1)
			return -1;
		break;
	case J_ARGV:
		if (job_argv(r, f, err, errlen) == -1)
			return -1;
		return 0;	/* stay in J_ARGV until argc are in */
	case J_CWD:
		if (proto_check_cwd(f->data, f->len, err, errlen) == -1)
			return -1;
		if ((j->cwd = proto_dupstr(f)) == NULL)
			goto nomem;
		break;
	case J_SRCN:
		if (proto_check_str("SRCN", f->data, f->len, 1,
		    PROTO_PATH_MAX, err, errlen) == -1)
			return -1;
		if ((j->srcname = proto_dupstr(f)) == NULL)
			goto nomem;
		break;
	case J_WANT:
		if (proto_check_want(f->value, err, errlen) == -1)
			return -1;
		j->want = f->value;
		break;
	case J_ZDTI:
		if (job_zdti(r, f, err, errlen) == -1)
			return -1;
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

