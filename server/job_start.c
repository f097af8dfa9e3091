/*
 * job_start.c - how the runner starts a job and throws it away: a fresh
 * directory under the runner's work directory, the input written there,
 * the compiler's argv, the sandbox's spawn (sandbox.h), the job_timeout
 * timer; and the removal of the directory in every case.  See job.h;
 * start reading at job_start().
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/ccargs.h"
#include "common/ipc.h"
#include "common/log.h"
#include "common/mono.h"
#include "server/job.h"

#define MIB		(1024ull * 1024ull)

/*
 * The file to run for a job: the toolchain's real path, or, if the
 * client ran it by one of its names (gcc, cc, ...) and that name is a
 * link to the same file beside it, that name; the driver then calls
 * itself as locally in its own messages ("gcc: error: ...").  Writes to
 * out (PATH_MAX bytes).
 */
static void
exec_path(const struct rtc *t, const char *argv0, char *out)
{
	struct stat	 a, b;
	const char	*base = strrchr(argv0, '/');
	const char	*slash = strrchr(t->path, '/');
	size_t		 i;

	snprintf(out, PATH_MAX, "%s", t->path);
	base = base != NULL ? base + 1 : argv0;
	for (i = 0; i < t->nalias; i++)
		if (strcmp(t->alias[i], base) == 0)
			break;
	if (i == t->nalias || slash == NULL)
		return;
	if ((size_t)snprintf(out, PATH_MAX, "%.*s/%s", (int)(slash - t->path),
	    t->path, base) >= PATH_MAX || stat(out, &a) == -1 ||
	    stat(t->path, &b) == -1 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino)
		snprintf(out, PATH_MAX, "%s", t->path);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP || flag == FTW_D || flag == FTW_DNR)
		(void)rmdir(path);
	else
		(void)unlink(path);
	return 0;
}

void
job_rm_tree(const char *dir)
{
	if (dir[0] == '\0')
		return;
	if (nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) == -1 &&
	    errno != ENOENT)
		log_warn("remove %s", dir);
}

/* Write len bytes of p to a new file dir/name. */
static int
write_file(const char *dir, const char *name, const void *p, size_t len)
{
	char		 path[PATH_MAX];
	const uint8_t	*b = p;
	ssize_t		 n;
	int		 fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1)
		return -1;
	while (len > 0) {
		if ((n = write(fd, b, len)) == -1) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		b += n;
		len -= (size_t)n;
	}
	return close(fd);
}

/* Decode the frames of one job; fatal if they are not exactly one job. */
static void
decode_job(const struct proto_dialect *d, const struct proto_limits *lim,
    const uint8_t *p, size_t len, struct proto_job *job)
{
	struct proto_job_reader jr;
	struct proto_frame f;
	char		 err[256];
	ssize_t		 n;
	int		 rc = PROTO_MORE;

	proto_job_reader_init(&jr, lim);
	while (len > 0) {
		if (rc == PROTO_DONE)
			fatalx("net sent a job with trailing bytes");
		if ((n = proto_frame_parse(d, p, len, &f, err,
		    sizeof(err))) <= 0)
			fatalx("net sent a malformed job: %s", n == 0 ?
			    "truncated" : err);
		if ((rc = proto_job_feed(&jr, &f, err, sizeof(err))) == -1)
			fatalx("net sent a malformed job: %s", err);
		p += n;
		len -= (size_t)n;
	}
	if (rc != PROTO_DONE)
		fatalx("net sent an incomplete job");
	proto_job_reader_take(&jr, job);
	proto_job_reader_free(&jr);
}

void
job_take(struct rjob *j, const struct proto_dialect *d, const uint8_t *p,
    size_t len)
{
	if (len < sizeof(struct ipc_job) ||
	    memchr(p, '\0', sizeof(struct ipc_job)) == NULL)
		fatalx("net sent a job without its client");
	if (j->reserved && strcmp(j->fq.client, (const char *)p) != 0)
		fatalx("net sent job %u of another client", j->key);
	memcpy(j->fq.client, p, sizeof(j->fq.client));
	decode_job(d, j->env->lim, p + sizeof(struct ipc_job),
	    len - sizeof(struct ipc_job), &j->job);
}

void
job_free(struct rjob *j)
{
	if (j == NULL)
		return;
	if (j->timer != NULL)
		event_free(j->timer);
	if (j->dir[0] != '\0')
		job_rm_tree(j->dir);
	proto_job_free(&j->job);
	free(j);
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct rjob	*j = arg;

	(void)fd;
	(void)what;
	if (j->pid > 0 && j->end == JE_NONE) {
		log_info("job %u: over job_timeout (%u s), killed", j->key,
		    j->env->conf->job_timeout);
		j->end = JE_TIMEOUT;
		j->env->sbx->kill(j->pid);
	}
}

/* Whether argv already holds arg's option (text up to and with '='). */
static int
has_prefix_arg(const struct proto_job *job, const char *prefix)
{
	size_t	 i, n = strlen(prefix);

	for (i = 1; i < job->argc; i++)
		if (strncmp(job->argv[i], prefix, n) == 0)
			return 1;
	return 0;
}

/*
 * Build the compiler's argv: the toolchain's own absolute path as
 * argv[0], the client's compile options, what client/args.h says a
 * remote compile needs, then -x, -o and the input.  The macro options of
 * a clang job whose text only had its includes rewritten go to the
 * compiler proper (-Xclang -DX=1): clang's driver drops -D and -U for
 * preprocessed input (args_rewrite_includes).  Strings are borrowed
 * from j except the returned array and *extra (both freed by the caller).
 */
static char **
build_argv(struct rjob *j, char **extra)
{
	const char	*xlang;
	char		**av;
	size_t		 n = 0, i;

	*extra = NULL;
	xlang = ccargs_lang_cpp_output((enum ccargs_lang)j->job.lang);
	if (xlang == NULL)
		return NULL;
	if ((av = calloc(2 * (size_t)j->job.argc + 12, sizeof(*av))) == NULL)
		return NULL;
	av[n++] = j->exe;
	for (i = 1; i < j->job.argc; i++) {
		if (j->tc->clang && ccargs_macro(j->job.argv[i]))
			av[n++] = (char *)"-Xclang";
		av[n++] = j->job.argv[i];
	}
	/*
	 * clang takes DW_AT_comp_dir from its cwd (the job directory);
	 * gcc from the .i (see args.h).  Give clang the client's.
	 */
	if (j->tc->clang && !has_prefix_arg(&j->job,
	    "-fdebug-compilation-dir=")) {
		if (asprintf(extra, "-fdebug-compilation-dir=%s",
		    j->job.cwd) == -1) {
			*extra = NULL;
			free(av);
			return NULL;
		}
		av[n++] = *extra;
	}
	av[n++] = (char *)"-x";
	av[n++] = (char *)xlang;
	av[n++] = (char *)"-o";
	av[n++] = (char *)JOB_OUT_FILE;
	av[n++] = (char *)JOB_IN_FILE;
	av[n] = NULL;
	return av;
}

/* The job directory with the input in it; -1 with err set. */
static int
make_dir(struct rjob *j, char *err, size_t errlen)
{
	snprintf(j->dir, sizeof(j->dir), "%s/jobXXXXXX", j->env->workdir);
	if (mkdtemp(j->dir) == NULL) {
		snprintf(err, errlen, "mkdtemp: %s", strerror(errno));
		j->dir[0] = '\0';
		return -1;
	}
	if (write_file(j->dir, JOB_IN_FILE, j->job.src.data,
	    j->job.src.len) == -1) {
		snprintf(err, errlen, "writing the input: %s",
		    strerror(errno));
		return -1;
	}
	j->in_bytes = j->job.src.len;
	proto_buf_free(&j->job.src);	/* on disk now */
	return 0;
}

/* Spawn the compiler of j with argv av in the sandbox; -1 with err. */
static int
spawn(struct rjob *j, char **av, char *err, size_t errlen)
{
	const struct proto_limits *lim = j->env->lim;
	const struct srvconf *conf = j->env->conf;
	struct sbx_spec	 s;
	size_t		 fmax;

	fmax = lim->max_output;
	if (lim->max_stderr > fmax)
		fmax = lim->max_stderr;
	memset(&s, 0, sizeof(s));
	s.dir = j->dir;
	s.path = j->exe;
	s.argv = av;
	s.out_file = JOB_SOUT_FILE;
	s.err_file = JOB_SERR_FILE;
	s.cpu_sec = (uint64_t)conf->job_timeout + 5;
	s.fsize = (uint64_t)fmax + 1;	/* over the limit: SIGXFSZ */
	s.as_bytes = (uint64_t)conf->max_mem_mb * MIB;
	if ((j->pid = j->env->sbx->spawn(&s, err, errlen)) == -1) {
		j->pid = 0;
		return -1;
	}
	return 0;
}

int
job_start(struct rjob *j, char *err, size_t errlen)
{
	struct timeval	 tv;
	char		*extra = NULL, **av = NULL;
	int		 rc = -1;

	j->t_start = mono_ms();
	if (make_dir(j, err, errlen) == -1)
		goto out;
	exec_path(j->tc, j->job.argv[0], j->exe);
	if ((av = build_argv(j, &extra)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (spawn(j, av, err, errlen) == -1)
		goto out;
	j->timer = evtimer_new(j->env->base, on_timeout, j);
	tv.tv_sec = j->env->conf->job_timeout;
	tv.tv_usec = 0;
	if (j->timer == NULL || evtimer_add(j->timer, &tv) == -1)
		fatalx("evtimer");
	log_debug("job %u: started pid %ld in %s (queued %llu ms)", j->key,
	    (long)j->pid, j->dir,
	    (unsigned long long)(j->t_start - j->t_queued));
	rc = 0;
out:
	free(av);
	free(extra);
	return rc;
}
