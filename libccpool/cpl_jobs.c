/*
 * cpl_jobs.c - the agent's answer to JOBS, parsed (cpl_jobs_parse: pure,
 * fuzzed by tests/fuzz/fuzz_jobs.c), and its public accessors
 * (ccpool_jobs_*, ccpool_job_*, ccpool_phase_name).  The answer is
 * untrusted bytes: frames through proto_frame_parse, each line through
 * jobline_parse, every count bounded.  The client that asks is
 * cpl_jobc.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/jobline.h"
#include "common/mono.h"
#include "common/proto.h"
#include "libccpool/cpl.h"

_Static_assert((int)CCPOOL_PHASE_FAILED == (int)JOBLINE_FAILED &&
    (int)CCPOOL_PHASE_WAIT == (int)JOBLINE_WAIT &&
    (int)CCPOOL_PHASE_LOCAL == (int)JOBLINE_LOCAL,
    "enum ccpool_phase follows enum jobline_phase");

void
cpl_jobs_clear(struct ccpool_jobs *j)
{
	if (j == NULL)
		return;
	free(j->v);
	memset(j, 0, sizeof(*j));
}

/* One MSG_ line into out. */
static int
add_line(struct ccpool_jobs *out, size_t *cap, const struct proto_frame *f,
    char *err, size_t errlen)
{
	struct jobline	*v;
	char		 why[128];
	size_t		 ncap;

	if (out->n == CPL_JOBS_MAX) {
		err_set(err, errlen, "more than %d jobs", CPL_JOBS_MAX);
		return -1;
	}
	if (out->n == *cap) {
		ncap = *cap == 0 ? 64 : *cap * 2;
		if ((v = realloc(out->v, ncap * sizeof(*v))) == NULL) {
			err_set(err, errlen, "out of memory");
			return -1;
		}
		out->v = v;
		*cap = ncap;
	}
	if (jobline_parse((const char *)f->data, f->len, &out->v[out->n],
	    why, sizeof(why)) == -1) {
		err_set(err, errlen, "job %zu: %s", out->n + 1, why);
		return -1;
	}
	out->n++;
	return 0;
}

/* One frame at position pos (0: the first) of the answer. */
static int
on_frame(const struct proto_frame *f, size_t pos, struct ccpool_jobs *out,
    size_t *cap, char *err, size_t errlen)
{
	if (pos == 0) {
		if (memcmp(f->tok, "CCPL", 4) == 0 && f->value == 1)
			return 0;
		if (memcmp(f->tok, "RFSE", 4) == 0)
			err_set(err, errlen, "the agent refused the query");
		else
			err_set(err, errlen, "%s %u where CCPL 1 was due",
			    f->tok, (unsigned)f->value);
		return -1;
	}
	if (memcmp(f->tok, "MSG_", 4) == 0)
		return add_line(out, cap, f, err, errlen);
	if (memcmp(f->tok, "DONE", 4) == 0 && f->value == 0)
		return 1;
	err_set(err, errlen, "%s out of place", f->tok);
	return -1;
}

int
cpl_jobs_parse(const uint8_t *buf, size_t len, struct ccpool_jobs *out,
    char *err, size_t errlen)
{
	struct proto_dialect d;
	struct proto_frame f;
	char		 why[160];
	size_t		 off = 0, pos, cap = 0;
	ssize_t		 n;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if (proto_dialect_init(&d, PROTO_DIALECT_CCPOOL1, NULL, why,
	    sizeof(why)) == -1) {
		err_set(err, errlen, "%s", why);
		return -1;
	}
	for (pos = 0;; pos++) {
		n = proto_frame_parse(&d, buf + off, len - off, &f, why,
		    sizeof(why));
		if (n == -1) {
			err_set(err, errlen, "garbage: %s", why);
			goto fail;
		}
		if (n == 0) {
			cpl_jobs_clear(out);
			return 0;
		}
		off += (size_t)n;
		if ((rc = on_frame(&f, pos, out, &cap, err, errlen)) == -1)
			goto fail;
		if (rc == 1)
			break;
	}
	if (off != len) {
		err_set(err, errlen, "%zu bytes after DONE", len - off);
		goto fail;
	}
	return 1;
fail:
	cpl_jobs_clear(out);
	return -1;
}

/* --- the public accessors --- */

const char *
ccpool_phase_name(enum ccpool_phase p)
{
	return jobline_phase_name((enum jobline_phase)p);
}

size_t
ccpool_jobs_count(const struct ccpool_jobs *j)
{
	return j != NULL ? j->n : 0;
}

/* Job i, or NULL out of range. */
static const struct jobline *
job(const struct ccpool_jobs *j, size_t i)
{
	return j != NULL && i < j->n ? &j->v[i] : NULL;
}

uint64_t
ccpool_job_id(const struct ccpool_jobs *j, size_t i)
{
	return job(j, i) != NULL ? job(j, i)->id : 0;
}

const char *
ccpool_job_file(const struct ccpool_jobs *j, size_t i)
{
	return job(j, i) != NULL ? job(j, i)->file : "";
}

const char *
ccpool_job_host(const struct ccpool_jobs *j, size_t i)
{
	return job(j, i) != NULL ? job(j, i)->host : "";
}

enum ccpool_phase
ccpool_job_phase(const struct ccpool_jobs *j, size_t i)
{
	return job(j, i) != NULL ? (enum ccpool_phase)job(j, i)->phase :
	    CCPOOL_PHASE_FAILED;
}

int64_t
ccpool_job_start_ms(const struct ccpool_jobs *j, size_t i)
{
	return job(j, i) != NULL ? job(j, i)->start_ms : -1;
}

int64_t
ccpool_job_end_ms(const struct ccpool_jobs *j, size_t i)
{
	return job(j, i) != NULL ? job(j, i)->end_ms : -1;
}

int64_t
ccpool_job_bytes_out(const struct ccpool_jobs *j, size_t i)
{
	return job(j, i) != NULL ? job(j, i)->bytes_out : 0;
}

int64_t
ccpool_job_bytes_in(const struct ccpool_jobs *j, size_t i)
{
	return job(j, i) != NULL ? job(j, i)->bytes_in : 0;
}

int
ccpool_job_status(const struct ccpool_jobs *j, size_t i)
{
	return job(j, i) != NULL ? job(j, i)->status : -1;
}

int64_t
ccpool_jobs_age_ms(const struct ccpool_jobs *j)
{
	uint64_t	 now = mono_ms();

	if (j == NULL)
		return -1;
	return now > j->when ? (int64_t)(now - j->when) : 0;
}
