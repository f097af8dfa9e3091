/*
 * job_finish.c - what a finished job answers: the refusal for a job the
 * runner killed (cancelled, timed out, cut off at shutdown) or that hit
 * one of its limits (CPU time, file size, memory, the sandbox's system
 * calls), or its outputs (stderr, stdout, the object) encoded as a
 * protocol result.  See job.h; start reading at job_finish().
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/mono.h"
#include "server/job.h"

/* Fill ref with reason and message; returns -1 (job_finish's answer). */
static int
refuse(struct job_refusal *ref, uint32_t reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
refuse(struct job_refusal *ref, uint32_t reason, const char *fmt, ...)
{
	va_list		 ap;

	ref->reason = reason;
	va_start(ap, fmt);
	vsnprintf(ref->msg, sizeof(ref->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Read dir/name into out (reset first), at most max bytes.  Returns 0,
 * 1 if the file is larger than max (out then empty), or -1 (errno; ENOENT
 * if there is no such file).
 */
static int
read_file(const char *dir, const char *name, size_t max,
    struct proto_buf *out)
{
	char		 path[PATH_MAX];
	struct stat	 st;
	ssize_t		 n;
	int		 fd, rc = -1;

	proto_buf_reset(out);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto done;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto done;
	}
	if ((uint64_t)st.st_size > max) {
		rc = 1;
		goto done;
	}
	if (proto_buf_reserve(out, (size_t)st.st_size + 1) == -1)
		goto done;
	for (;;) {
		if (out->len > max) {
			proto_buf_reset(out);
			rc = 1;
			goto done;
		}
		n = read(fd, out->data + out->len, out->cap - out->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto done;
		if (n == 0)
			break;
		out->len += (size_t)n;
		if (out->len == out->cap && proto_buf_reserve(out, 65536) == -1)
			goto done;
	}
	rc = 0;
done:
	close(fd);
	return rc;
}

static uint32_t
ms_between(uint64_t a, uint64_t b)
{
	return b < a ? 0 : (b - a > UINT32_MAX ? UINT32_MAX :
	    (uint32_t)(b - a));
}

/* Whether a file in dir is at least limit bytes long. */
static int
file_at_limit(const char *dir, uint64_t limit)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	int		 found = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL)
		found = fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		    (uint64_t)st.st_size >= limit;
	closedir(d);
	return found;
}

/*
 * Did a failed compile (wait status st) hit one of the job's limits?
 * Returns the refusal reason with the client's message in why, or 0 for
 * an ordinary failure.  errout is the compiler's stderr, NULL when not
 * read yet (then only the signal that ended the compiler counts; in a
 * sandbox the compiler is pid 1 and ignores SIGXCPU and SIGXFSZ, so the
 * files it left and what its children said count too).
 */
static uint32_t
limit_reason(struct rjob *j, int st, const struct proto_buf *errout,
    char *why, size_t len)
{
	const struct proto_limits *lim = j->env->lim;
	uint64_t	 fsize = (lim->max_stderr > lim->max_output ?
			    lim->max_stderr : lim->max_output) + 1;
	const char	*e = errout != NULL ? (const char *)errout->data : "";
	size_t		 n = errout != NULL ? errout->len : 0;
	unsigned	 cpu = j->env->conf->job_timeout + 5;

#define SAID(s)	(n > 0 && memmem(e, n, s, strlen(s)) != NULL)
	if (st == 0)
		return 0;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU)
		goto cpu;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGXFSZ)
		goto fsize;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS) {
		snprintf(why, len, "the compiler made a system call this "
		    "server's sandbox forbids (killed by SIGSYS)");
		return PROTO_R_POLICY;
	}
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
		snprintf(why, len, "the compiler was killed (SIGKILL): it "
		    "exceeded the CPU time limit (%u s) or ran out of memory",
		    cpu);
		return PROTO_R_TOOLARGE;
	}
	if (errout == NULL)
		return 0;
	if (file_at_limit(j->dir, fsize) || SAID("File size limit exceeded"))
		goto fsize;
	if (SAID("CPU time limit exceeded"))
		goto cpu;
	if (SAID("out of memory") || SAID("memory exhausted") ||
	    SAID("Cannot allocate memory")) {
		snprintf(why, len, "the compile ran out of memory (this "
		    "server's limit: max_mem_mb %u)", j->env->conf->max_mem_mb);
		return PROTO_R_TOOLARGE;
	}
	return 0;
cpu:
	snprintf(why, len, "the compile exceeded the CPU time limit (%u s)",
	    cpu);
	return PROTO_R_TOOLARGE;
fsize:
	snprintf(why, len, "the compile exceeded the file size limit "
	    "(%llu bytes)", (unsigned long long)fsize);
	return PROTO_R_TOOLARGE;
#undef SAID
}

/* The refusal of a job the runner killed; 0 if it was not killed. */
static int
killed(const struct rjob *j, struct job_refusal *ref)
{
	switch (j->end) {
	case JE_CANCEL:
		/* Every IPC_JOB gets one IPC_RESULT, so net can forget it. */
		return refuse(ref, PROTO_R_INTERNAL, "cancelled: the client "
		    "went away");
	case JE_TIMEOUT:
		return refuse(ref, PROTO_R_TOOLARGE, "the compile took longer "
		    "than this server's job_timeout (%u s)",
		    j->env->conf->job_timeout);
	case JE_SHUTDOWN:
		return refuse(ref, PROTO_R_SHUTDOWN, "the server is stopping "
		    "and cut the compile off");
	case JE_NONE:
		break;
	}
	return 0;
}

/* The compiler's stderr into res, and the limits it tells of. */
static int
read_errout(struct rjob *j, int st, struct proto_result *res,
    struct job_refusal *ref)
{
	char		 err[256];
	uint32_t	 why;
	int		 rc;

	if ((why = limit_reason(j, st, NULL, err, sizeof(err))) != 0)
		return refuse(ref, why, "%s", err);
	if ((rc = read_file(j->dir, JOB_SERR_FILE, j->env->lim->max_stderr,
	    &res->errout)) != 0) {
		if (rc == 1)
			return refuse(ref, PROTO_R_TOOLARGE, "the compiler "
			    "wrote more than %zu bytes to stderr",
			    j->env->lim->max_stderr);
		return refuse(ref, PROTO_R_INTERNAL, "server: the "
		    "compiler's stderr is missing");
	}
	if ((why = limit_reason(j, st, &res->errout, err, sizeof(err))) != 0)
		return refuse(ref, why, "%s", err);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127 && res->errout.len > 8 &&
	    memcmp(res->errout.data, "ccpoold:", 8) == 0)
		/* Our own child failed before exec (sandbox_none.c). */
		return refuse(ref, PROTO_R_INTERNAL, "server could not start "
		    "the compiler");
	return 0;
}

/* stdout and, after success, the object into res. */
static int
read_outputs(struct rjob *j, int st, struct proto_result *res,
    struct job_refusal *ref)
{
	const struct proto_limits *lim = j->env->lim;
	int		 rc;

	if ((rc = read_file(j->dir, JOB_SOUT_FILE, lim->max_stdout,
	    &res->out)) != 0)
		return refuse(ref, rc == 1 ? PROTO_R_TOOLARGE :
		    PROTO_R_INTERNAL, "the compiler's stdout is %s",
		    rc == 1 ? "over the limit" : "missing");
	res->status = (uint32_t)st & 0xffff;
	if (st != 0)
		return 0;
	rc = read_file(j->dir, JOB_OUT_FILE, lim->max_output, &res->obj);
	if (rc == 1)
		return refuse(ref, PROTO_R_TOOLARGE, "the object is larger "
		    "than this server's max_output_mb (%u)",
		    j->env->conf->max_output_mb);
	if (rc == -1)
		return refuse(ref, PROTO_R_INTERNAL, "server: the compiler "
		    "succeeded but wrote no object");
	/*
	 * DEPS stays empty even when wanted: a compile of preprocessed
	 * text has no dependencies to report; the client writes its .d
	 * file while preprocessing (args.h).
	 */
	return 0;
}

int
job_finish(struct rjob *j, int st, struct proto_buf *enc,
    struct job_refusal *ref)
{
	struct proto_result res;
	char		 err[256];
	uint64_t	 now = mono_ms();
	int		 rc = -1;

	proto_result_init(&res);
	if (killed(j, ref) == -1 || read_errout(j, st, &res, ref) == -1 ||
	    read_outputs(j, st, &res, ref) == -1)
		goto done;
	res.jobid = j->job.id;
	res.queue_ms = ms_between(j->t_queued, j->t_start);
	res.compile_ms = ms_between(j->t_start, now);
	if (proto_result_encode(&res, j->job.want, j->env->lim, PROTO_ZLEVEL,
	    enc, err, sizeof(err)) == -1) {
		/* E.g. the object compresses worse than max_output_z. */
		refuse(ref, PROTO_R_TOOLARGE, "the result does not fit the "
		    "protocol limits: %s", err);
		goto done;
	}
	log_debug("job %u: status %#x, %zu bytes of object, %u ms", j->key,
	    res.status, res.obj.len, res.compile_ms);
	rc = 0;
done:
	proto_result_free(&res);
	return rc;
}
