/*
 * runner.c - ccpoold's job runner process.
 *
 * Detects the toolchains at start and reports them to the parent, then
 * takes jobs from the network process (IPC_JOB: the job's protocol frames,
 * decoded again here with the same strict reader), runs each in a fresh
 * directory under a private 0700 work directory through the sandbox ops
 * (sandbox.h), and answers with IPC_RESULT (a protocol result or refusal,
 * encoded here).  Owns the slots and the queue; reports its load to the
 * parent on every change.  Start reading at on_net() and job_start().
 *
 * Slots on offer: once a second the runner samples the machine and its
 * own CPU time (loadmon.h) and load_update() (load.h) says how many of
 * the configured slots the desktop's owner leaves us; admission uses
 * that figure (eff_slots), the advert shows it.  Running jobs are never
 * killed for it; jobs queued beyond the smaller queue are refused busy.
 *
 * A job is queued, then running, then finished (job_finish); it can be
 * cancelled (the client went away) or time out at any point, and its
 * process group is killed then.  Job directories are removed in every
 * case, the work directory when the process exits.
 */
#include <sys/queue.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/ccargs.h"
#include "common/log.h"
#include "common/toolchain.h"
#include "server/load.h"
#include "common/cpuquota.h"
#include "server/loadmon.h"
#include "server/sandbox.h"
#include "server/server.h"

#define IN_FILE		"job.i"
#define OUT_FILE	"job.o"
#define SOUT_FILE	"stdout"
#define SERR_FILE	"stderr"
#define MIB		(1024ull * 1024ull)

/* A toolchain we run: id, real path, the names that lead to it. */
struct rtc {
	char		 id[PROTO_TCID_MAX + 1];
	char		 name[64];	/* tc_name(): "g++ 12.2.0 x86_64-..." */
	char		 path[PATH_MAX];
	unsigned	 langs;		/* TC_LANG_* */
	int		 clang;
	char		 alias[TC_ALIAS_MAX][64];
	size_t		 nalias;
};

enum jend { JE_NONE, JE_CANCEL, JE_TIMEOUT, JE_SHUTDOWN };

#define SHARE_MAX	64	/* clients whose last start fair share recalls */

struct rjob {
	TAILQ_ENTRY(rjob) entry;
	uint32_t	 key;		/* IPC id, chosen by net */
	char		 client[72];	/* its key fingerprint: fair share */
	struct proto_job job;
	const struct rtc *tc;
	uint64_t	 t_queued;
	uint64_t	 t_start;
	pid_t		 pid;		/* 0 while queued */
	enum jend	 end;		/* why it was killed, if it was */
	char		 dir[PATH_MAX];
	char		 exe[PATH_MAX];	/* what is exec'd, see exec_path */
	struct event	*timer;
};
TAILQ_HEAD(rjobq, rjob);

static struct runner {
	struct event_base *base;
	struct srvconf	 conf;
	struct proto_limits lim;
	struct proto_dialect dialect;
	const struct sandbox_ops *sbx;
	struct ipc_chan	*parent;
	struct ipc_chan	*net;
	char		 workdir[512];
	pid_t		 pid;
	struct rtc	 tc[SRV_TC_MAX];
	size_t		 ntc;
	struct rjobq	 queue;
	struct rjobq	 running;
	unsigned	 nqueued;
	struct share {
		char	 client[72];
		uint64_t last;		/* ms its last job started */
	}		 share[SHARE_MAX];
	unsigned	 nrunning;
	struct load_state ld;		/* foreign load, offered slots */
	struct event	*loadtick;
	int		 sample_warned;
	int		 stopping;
	struct event	*grace;
	struct event	*sigchld;
} R;

static void	job_start(struct rjob *);
static struct share *share_of(const char *, int);
static void	job_free(struct rjob *);
static void	send_load(void);
static void	maybe_drained(void);

/* Refuse job key (client job id jobid) with reason and message. */
static void
send_refusal(uint32_t key, uint32_t jobid, uint32_t reason, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
send_refusal(uint32_t key, uint32_t jobid, uint32_t reason, const char *fmt,
    ...)
{
	struct proto_buf b;
	char		 msg[512], err[256];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	proto_buf_init(&b);
	if (proto_refusal_encode(jobid, reason, msg, &R.lim, &b, err,
	    sizeof(err)) == -1)
		fatalx("cannot encode a refusal: %s", err);
	log_debug("job %u: refused (%s): %s", key, proto_reason_name(reason),
	    msg);
	if (ipc_send(R.net, IPC_RESULT, key, b.data, b.len) == -1)
		fatal("ipc_send");
	proto_buf_free(&b);
}

/* Toolchains. */

static const struct rtc *
tc_find(const char *id)
{
	size_t	 i;

	for (i = 0; i < R.ntc; i++)
		if (strcmp(R.tc[i].id, id) == 0)
			return &R.tc[i];
	return NULL;
}

/*
 * tc_name() of id, with the hash digits that tell it from this server's
 * toolchains of the same name; into buf (TC_NAME_MAX bytes).
 */
static const char *
tc_shown(const char *id, char *buf)
{
	size_t	 i;
	int	 d, digits = 0;

	for (i = 0; i < R.ntc; i++)
		if ((d = tc_name_digits(id, R.tc[i].id)) > digits)
			digits = d;
	return tc_name(id, digits, buf, TC_NAME_MAX);
}

static void
detect_toolchains(void)
{
	struct tc_list	 list;
	struct ipc_tc	 m;
	size_t		 i, k;
	char		 err[256], name[TC_NAME_MAX];

	if (tc_detect(&list, NULL, err, sizeof(err)) == -1)
		fatalx("toolchain detection: %s", err);
	for (i = 0; i < list.nwarn; i++)
		log_debug("toolchain detection: %s", list.warn[i]);
	for (i = 0; i < list.n && R.ntc < SRV_TC_MAX; i++) {
		const struct tc_entry *e = &list.e[i];
		struct rtc *t = &R.tc[R.ntc];

		if (tc_find(e->info.id) != NULL || e->info.path[0] != '/')
			continue;
		memset(t, 0, sizeof(*t));
		snprintf(t->id, sizeof(t->id), "%s", e->info.id);
		snprintf(t->path, sizeof(t->path), "%s", e->info.path);
		t->langs = e->info.langs;
		t->clang = strcmp(e->info.family, "clang") == 0;
		for (k = 0; k < e->nalias && k < TC_ALIAS_MAX; k++)
			if (strlen(e->alias[k]) < sizeof(t->alias[0]) &&
			    strchr(e->alias[k], '/') == NULL)
				snprintf(t->alias[t->nalias++],
				    sizeof(t->alias[0]), "%s", e->alias[k]);
		R.ntc++;
	}
	tc_list_free(&list);
	/* named once all are known: two of one name show their hashes */
	for (i = 0; i < R.ntc; i++) {
		snprintf(R.tc[i].name, sizeof(R.tc[i].name), "%s",
		    tc_shown(R.tc[i].id, name));
		log_info("toolchain %s: %s (id %s)", name, R.tc[i].path,
		    R.tc[i].id);
	}
	if (R.ntc == 0)
		log_warnx("no compiler found on PATH: every job will be "
		    "refused");
	for (i = 0; i < R.ntc; i++) {
		memset(&m, 0, sizeof(m));
		memcpy(m.id, R.tc[i].id, sizeof(m.id));
		memcpy(m.name, R.tc[i].name, sizeof(m.name));
		if (ipc_send(R.parent, IPC_TC, 0, &m, sizeof(m)) == -1)
			fatal("ipc_send");
	}
	if (ipc_send(R.parent, IPC_TC_END, 0, NULL, 0) == -1)
		fatal("ipc_send");
}

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

/* Directories. */

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

/* Remove dir and everything in it; never follows symlinks. */
static void
rm_tree(const char *dir)
{
	if (dir[0] == '\0')
		return;
	if (nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) == -1 &&
	    errno != ENOENT)
		log_warn("remove %s", dir);
}

static void
remove_workdir(void)
{
	if (getpid() == R.pid && R.workdir[0] != '\0')
		rm_tree(R.workdir);
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

/* Jobs. */

static struct rjob *
job_by_key(struct rjobq *q, uint32_t key)
{
	struct rjob	*j;

	TAILQ_FOREACH(j, q, entry)
		if (j->key == key)
			return j;
	return NULL;
}

static struct rjob *
job_by_pid(pid_t pid)
{
	struct rjob	*j;

	TAILQ_FOREACH(j, &R.running, entry)
		if (j->pid == pid)
			return j;
	return NULL;
}

static void
job_free(struct rjob *j)
{
	if (j == NULL)
		return;
	if (j->timer != NULL)
		event_free(j->timer);
	if (j->dir[0] != '\0')
		rm_tree(j->dir);
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
		    R.conf.job_timeout);
		j->end = JE_TIMEOUT;
		R.sbx->kill(j->pid);
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
	av[n++] = (char *)OUT_FILE;
	av[n++] = (char *)IN_FILE;
	av[n] = NULL;
	return av;
}

static void
job_start(struct rjob *j)
{
	struct sbx_spec	 s;
	struct timeval	 tv;
	char		 err[256], *extra = NULL, **av = NULL;
	size_t		 fmax;

	j->t_start = mono_ms();
	snprintf(j->dir, sizeof(j->dir), "%s/jobXXXXXX", R.workdir);
	if (mkdtemp(j->dir) == NULL) {
		snprintf(err, sizeof(err), "mkdtemp: %s", strerror(errno));
		j->dir[0] = '\0';
		goto fail;
	}
	if (write_file(j->dir, IN_FILE, j->job.src.data, j->job.src.len) ==
	    -1) {
		snprintf(err, sizeof(err), "writing the input: %s",
		    strerror(errno));
		goto fail;
	}
	proto_buf_free(&j->job.src);	/* on disk now */
	exec_path(j->tc, j->job.argv[0], j->exe);
	if ((av = build_argv(j, &extra)) == NULL) {
		snprintf(err, sizeof(err), "out of memory");
		goto fail;
	}
	fmax = R.lim.max_output;
	if (R.lim.max_stderr > fmax)
		fmax = R.lim.max_stderr;
	memset(&s, 0, sizeof(s));
	s.dir = j->dir;
	s.path = j->exe;
	s.argv = av;
	s.out_file = SOUT_FILE;
	s.err_file = SERR_FILE;
	s.cpu_sec = (uint64_t)R.conf.job_timeout + 5;
	s.fsize = (uint64_t)fmax + 1;	/* over the limit: SIGXFSZ */
	s.as_bytes = (uint64_t)R.conf.max_mem_mb * MIB;
	if ((j->pid = R.sbx->spawn(&s, err, sizeof(err))) == -1) {
		j->pid = 0;
		goto fail;
	}
	free(av);
	free(extra);
	j->timer = evtimer_new(R.base, on_timeout, j);
	tv.tv_sec = R.conf.job_timeout;
	tv.tv_usec = 0;
	if (j->timer == NULL || evtimer_add(j->timer, &tv) == -1)
		fatalx("evtimer");
	TAILQ_INSERT_TAIL(&R.running, j, entry);
	share_of(j->client, 1)->last = j->t_start;
	R.nrunning++;
	log_debug("job %u: started pid %ld in %s (queued %llu ms)", j->key,
	    (long)j->pid, j->dir,
	    (unsigned long long)(j->t_start - j->t_queued));
	return;
fail:
	free(av);
	free(extra);
	log_warnx("job %u: %s", j->key, err);
	send_refusal(j->key, j->job.id, PROTO_R_INTERNAL, "server: %s", err);
	job_free(j);
}

/* Jobs of client running now. */
static unsigned
running_of(const char *client)
{
	struct rjob	*j;
	unsigned	 n = 0;

	TAILQ_FOREACH(j, &R.running, entry)
		n += strcmp(j->client, client) == 0;
	return n;
}

/* The fair share entry of client; with make, the least recent is reused. */
static struct share *
share_of(const char *client, int make)
{
	struct share	*e, *old = &R.share[0];

	for (e = R.share; e < R.share + SHARE_MAX; e++) {
		if (strcmp(e->client, client) == 0)
			return e;
		if (e->last < old->last)
			old = e;
	}
	if (!make)
		return NULL;
	memset(old, 0, sizeof(*old));
	snprintf(old->client, sizeof(old->client), "%s", client);
	return old;
}

/*
 * Fair share between clients: the next job is the oldest queued job of
 * the client with the fewest jobs running and, among those, the one
 * served least recently (round robin), so one user's make -j64 does not
 * starve another's make -j4.
 */
static struct rjob *
fair_next(void)
{
	struct rjob	*j, *best = NULL;
	struct share	*e;
	unsigned	 n, bestn = 0;
	uint64_t	 last, bestlast = 0;

	TAILQ_FOREACH(j, &R.queue, entry) {
		n = running_of(j->client);
		last = (e = share_of(j->client, 0)) != NULL ? e->last : 0;
		if (best == NULL || n < bestn ||
		    (n == bestn && last < bestlast)) {
			best = j;
			bestn = n;
			bestlast = last;
		}
	}
	return best;
}

/* The slots admission uses now: the configured ones the load leaves. */
static unsigned
eff_slots(void)
{
	return R.ld.offered < R.conf.slots ? R.ld.offered : R.conf.slots;
}

/* The queue for eff_slots(): the configured one, shrunk in proportion. */
static unsigned
eff_queue(void)
{
	unsigned	 s = eff_slots();

	if (s >= R.conf.slots || R.conf.slots == 0)
		return R.conf.queue;
	return (unsigned)(((uint64_t)R.conf.queue * s + R.conf.slots - 1) /
	    R.conf.slots);
}

/*
 * Refuse, as busy, the most recent queued jobs beyond eff_queue(): the
 * offer shrank, and they would wait for the owner to finish.
 */
static void
trim_queue(void)
{
	struct rjob	*j;

	while (R.nqueued > eff_queue() &&
	    (j = TAILQ_LAST(&R.queue, rjobq)) != NULL) {
		TAILQ_REMOVE(&R.queue, j, entry);
		R.nqueued--;
		send_refusal(j->key, j->job.id, PROTO_R_BUSY, "this server's "
		    "owner needs its CPUs now: %u of %u slots on offer",
		    eff_slots(), R.conf.slots);
		job_free(j);
	}
}

/* Start queued jobs while slots are free. */
static void
schedule(void)
{
	struct rjob	*j;

	trim_queue();
	while (!R.stopping && R.nrunning < eff_slots() &&
	    (j = fair_next()) != NULL) {
		TAILQ_REMOVE(&R.queue, j, entry);
		R.nqueued--;
		job_start(j);
	}
	send_load();
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
	uint64_t	 fsize = (R.lim.max_stderr > R.lim.max_output ?
			    R.lim.max_stderr : R.lim.max_output) + 1;
	const char	*e = errout != NULL ? (const char *)errout->data : "";
	size_t		 n = errout != NULL ? errout->len : 0;
	unsigned	 cpu = R.conf.job_timeout + 5;

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
		    "server's limit: max_mem_mb %u)", R.conf.max_mem_mb);
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

/*
 * The compiler exited with wait status st: collect its outputs, answer
 * net, clean up.
 */
static void
job_finish(struct rjob *j, int st)
{
	struct proto_result res;
	struct proto_buf enc;
	char		 err[256];
	uint64_t	 now = mono_ms();
	uint32_t	 why;
	int		 rc;

	TAILQ_REMOVE(&R.running, j, entry);
	R.nrunning--;
	proto_result_init(&res);
	proto_buf_init(&enc);
	switch (j->end) {
	case JE_CANCEL:
		/* Every IPC_JOB gets one IPC_RESULT, so net can forget it. */
		send_refusal(j->key, j->job.id, PROTO_R_INTERNAL, "cancelled: "
		    "the client went away");
		goto done;
	case JE_TIMEOUT:
		send_refusal(j->key, j->job.id, PROTO_R_TOOLARGE, "the compile "
		    "took longer than this server's job_timeout (%u s)",
		    R.conf.job_timeout);
		goto done;
	case JE_SHUTDOWN:
		send_refusal(j->key, j->job.id, PROTO_R_SHUTDOWN, "the server "
		    "is stopping and cut the compile off");
		goto done;
	case JE_NONE:
		break;
	}
	if ((why = limit_reason(j, st, NULL, err, sizeof(err))) != 0) {
		send_refusal(j->key, j->job.id, why, "%s", err);
		goto done;
	}
	if ((rc = read_file(j->dir, SERR_FILE, R.lim.max_stderr,
	    &res.errout)) != 0) {
		if (rc == 1)
			send_refusal(j->key, j->job.id, PROTO_R_TOOLARGE,
			    "the compiler wrote more than %zu bytes to stderr",
			    R.lim.max_stderr);
		else
			send_refusal(j->key, j->job.id, PROTO_R_INTERNAL,
			    "server: the compiler's stderr is missing");
		goto done;
	}
	if ((why = limit_reason(j, st, &res.errout, err, sizeof(err))) != 0) {
		send_refusal(j->key, j->job.id, why, "%s", err);
		goto done;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127 && res.errout.len > 8 &&
	    memcmp(res.errout.data, "ccpoold:", 8) == 0) {
		/* Our own child failed before exec (sandbox_none.c). */
		send_refusal(j->key, j->job.id, PROTO_R_INTERNAL, "server "
		    "could not start the compiler");
		goto done;
	}
	if ((rc = read_file(j->dir, SOUT_FILE, R.lim.max_stdout,
	    &res.out)) != 0) {
		send_refusal(j->key, j->job.id, rc == 1 ? PROTO_R_TOOLARGE :
		    PROTO_R_INTERNAL, "the compiler's stdout is %s",
		    rc == 1 ? "over the limit" : "missing");
		goto done;
	}
	res.status = (uint32_t)st & 0xffff;
	if (st == 0) {
		rc = read_file(j->dir, OUT_FILE, R.lim.max_output, &res.obj);
		if (rc == 1) {
			send_refusal(j->key, j->job.id, PROTO_R_TOOLARGE,
			    "the object is larger than this server's "
			    "max_output_mb (%u)", R.conf.max_output_mb);
			goto done;
		}
		if (rc == -1) {
			send_refusal(j->key, j->job.id, PROTO_R_INTERNAL,
			    "server: the compiler succeeded but wrote no "
			    "object");
			goto done;
		}
		/*
		 * DEPS stays empty even when wanted: a compile of
		 * preprocessed text has no dependencies to report; the
		 * client writes its .d file while preprocessing (args.h).
		 */
	}
	res.jobid = j->job.id;
	res.queue_ms = ms_between(j->t_queued, j->t_start);
	res.compile_ms = ms_between(j->t_start, now);
	if (proto_result_encode(&res, j->job.want, &R.lim, PROTO_ZLEVEL, &enc,
	    err, sizeof(err)) == -1) {
		/* E.g. the object compresses worse than max_output_z. */
		send_refusal(j->key, j->job.id, PROTO_R_TOOLARGE, "the result "
		    "does not fit the protocol limits: %s", err);
		goto done;
	}
	if (ipc_send(R.net, IPC_RESULT, j->key, enc.data, enc.len) == -1)
		fatal("ipc_send");
	log_debug("job %u: status %#x, %zu bytes of object, %u ms", j->key,
	    res.status, res.obj.len, res.compile_ms);
done:
	proto_result_free(&res);
	proto_buf_free(&enc);
	job_free(j);
	schedule();
	maybe_drained();
}

static void
on_sigchld(evutil_socket_t fd, short what, void *arg)
{
	siginfo_t	 si;
	struct rjob	*j;
	int		 st;
	pid_t		 pid;

	(void)fd;
	(void)what;
	(void)arg;
	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == -1 ||
		    si.si_pid == 0)
			break;
		pid = si.si_pid;
		/*
		 * Still a zombie: its pid, and so its group id, cannot be
		 * reused yet.  Kill whatever it left behind, then reap.
		 */
		R.sbx->kill(pid);
		while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
			;
		if ((j = job_by_pid(pid)) != NULL)
			job_finish(j, st);
	}
}

/* Messages from net. */

/* Decode the frames of one job; fatal if they are not exactly one job. */
static void
decode_job(const uint8_t *p, size_t len, struct proto_job *job)
{
	struct proto_job_reader jr;
	struct proto_frame f;
	char		 err[256];
	ssize_t		 n;
	int		 rc = PROTO_MORE;

	proto_job_reader_init(&jr, &R.lim);
	while (len > 0) {
		if (rc == PROTO_DONE)
			fatalx("net sent a job with trailing bytes");
		if ((n = proto_frame_parse(&R.dialect, p, len, &f, err,
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

static void
on_job(uint32_t key, const uint8_t *p, size_t len)
{
	struct rjob	*j;
	char		 tcname[TC_NAME_MAX];

	if (job_by_key(&R.queue, key) != NULL ||
	    job_by_key(&R.running, key) != NULL)
		fatalx("net reused job key %u", key);
	if ((j = calloc(1, sizeof(*j))) == NULL)
		fatal("calloc");
	j->key = key;
	proto_job_init(&j->job);
	if (len < sizeof(struct ipc_job) ||
	    memchr(p, '\0', sizeof(struct ipc_job)) == NULL)
		fatalx("net sent a job without its client");
	memcpy(j->client, p, sizeof(j->client));
	decode_job(p + sizeof(struct ipc_job), len - sizeof(struct ipc_job),
	    &j->job);
	j->t_queued = mono_ms();
	if (R.stopping) {
		send_refusal(key, j->job.id, PROTO_R_SHUTDOWN, "the server is "
		    "stopping");
		job_free(j);
		return;
	}
	if ((j->tc = tc_find(j->job.tcid)) == NULL) {
		send_refusal(key, j->job.id, PROTO_R_TOOLCHAIN, "this server "
		    "has no toolchain %s", tc_shown(j->job.tcid, tcname));
		job_free(j);
		return;
	}
	if ((j->tc->langs & (1u << j->job.lang)) == 0) {
		send_refusal(key, j->job.id, PROTO_R_TOOLCHAIN, "toolchain %s "
		    "cannot compile %s on this server", j->tc->name,
		    proto_lang_name(j->job.lang));
		job_free(j);
		return;
	}
	if (R.nrunning < eff_slots()) {
		job_start(j);
		send_load();
		return;
	}
	if (R.nqueued >= eff_queue()) {
		if (eff_slots() == 0)
			send_refusal(key, j->job.id, PROTO_R_BUSY, "no slot "
			    "on offer: this server's owner needs its CPUs or "
			    "memory now (%u slots configured)", R.conf.slots);
		else if (eff_slots() < R.conf.slots)
			send_refusal(key, j->job.id, PROTO_R_BUSY, "all %u "
			    "slots on offer are busy (%u configured, fewer "
			    "while the owner works) and the queue (%u) is "
			    "full", eff_slots(), R.conf.slots, eff_queue());
		else
			send_refusal(key, j->job.id, PROTO_R_BUSY, "all %u "
			    "slots are busy and the queue (%u) is full",
			    R.conf.slots, R.conf.queue);
		job_free(j);
		return;
	}
	TAILQ_INSERT_TAIL(&R.queue, j, entry);
	R.nqueued++;
	send_load();
}

static void
on_cancel(uint32_t key)
{
	struct rjob	*j;

	if ((j = job_by_key(&R.queue, key)) != NULL) {
		TAILQ_REMOVE(&R.queue, j, entry);
		R.nqueued--;
		send_refusal(key, j->job.id, PROTO_R_INTERNAL, "cancelled: "
		    "the client went away");
		job_free(j);
		send_load();
		maybe_drained();
		return;
	}
	if ((j = job_by_key(&R.running, key)) != NULL && j->end == JE_NONE) {
		j->end = JE_CANCEL;
		R.sbx->kill(j->pid);	/* job_finish cleans up */
	}
	/* Else it already finished: its result crossed the cancel. */
}

static void
on_net(struct ipc_chan *c, const struct ipc_hdr *h, const uint8_t *p,
    void *arg)
{
	(void)c;
	(void)arg;
	switch (h->type) {
	case IPC_JOB:
		on_job(h->id, p, h->len);
		break;
	case IPC_CANCEL:
		on_cancel(h->id);
		break;
	default:
		fatalx("net: unexpected %s", ipc_type_name(h->type));
	}
}

static void
on_net_fail(struct ipc_chan *c, const char *why, void *arg)
{
	(void)c;
	(void)arg;
	fatalx("channel to net: %s", why);
}

/* Load. */

/*
 * Once a second: sample, let load_update() decide the slots on offer,
 * and act on a change (start queued jobs, or refuse those beyond the
 * smaller queue).
 */
static void
on_load_tick(evutil_socket_t fd, short what, void *arg)
{
	struct load_sample s;
	unsigned	 before = eff_slots();
	char		 err[256];

	(void)fd;
	(void)what;
	(void)arg;
	if (loadmon_sample(&s, err, sizeof(err)) == -1) {
		if (!R.sample_warned)
			log_warnx("load: %s; offering every slot", err);
		R.sample_warned = 1;
		return;
	}
	s.running = R.nrunning;
	(void)load_update(&R.ld, &s);
	if (eff_slots() != before)
		log_info("load: %u of %u slots on offer (limited by: %s; "
		    "foreign CPU load %u%%, memory PSI %u.%02u%%)",
		    eff_slots(), R.conf.slots, R.ld.why[0] ? R.ld.why :
		    "nothing", load_foreign_pct(&R.ld), s.psi_ok ?
		    s.mem_some10 / 100 : 0, s.psi_ok ? s.mem_some10 % 100 : 0);
	schedule();	/* and send_load() */
}

/* Messages from the parent. */

static void
send_load(void)
{
	static struct ipc_load last;
	struct ipc_load	 l;

	memset(&l, 0, sizeof(l));
	l.slots = R.conf.slots;
	l.offered = eff_slots();
	l.running = R.nrunning;
	l.queued = R.nqueued;
	l.queue_max = eff_queue();
	l.foreign = load_foreign_pct(&R.ld);
	l.mem_psi = R.ld.prev.psi_ok ? R.ld.prev.mem_some10 : 0;
	l.mem_avail_mb = R.ld.prev.avail_ok ? (R.ld.prev.avail_mb > UINT32_MAX ?
	    UINT32_MAX : (uint32_t)R.ld.prev.avail_mb) : 0;
	if (memcmp(&l, &last, sizeof(l)) == 0)
		return;
	last = l;
	if (ipc_send(R.parent, IPC_LOAD, 0, &l, sizeof(l)) == -1)
		fatal("ipc_send");
}

static void
maybe_drained(void)
{
	if (!R.stopping || R.nrunning > 0 || R.nqueued > 0)
		return;
	log_debug("all jobs ended");
	ipc_flush(R.net);
	if (ipc_send(R.parent, IPC_DRAINED, 0, NULL, 0) == -1)
		fatal("ipc_send");
	ipc_flush(R.parent);
	remove_workdir();
	R.workdir[0] = '\0';
	exit(0);
}

static void
on_grace(evutil_socket_t fd, short what, void *arg)
{
	struct rjob	*j;

	(void)fd;
	(void)what;
	(void)arg;
	TAILQ_FOREACH(j, &R.running, entry)
		if (j->end == JE_NONE) {
			log_info("job %u: still running after %u s of grace, "
			    "killed", j->key, R.conf.grace);
			j->end = JE_SHUTDOWN;
			R.sbx->kill(j->pid);
		}
}

static void
start_shutdown(void)
{
	struct rjob	*j;
	struct timeval	 tv;

	if (R.stopping)
		return;
	R.stopping = 1;
	while ((j = TAILQ_FIRST(&R.queue)) != NULL) {
		TAILQ_REMOVE(&R.queue, j, entry);
		R.nqueued--;
		send_refusal(j->key, j->job.id, PROTO_R_SHUTDOWN, "the server "
		    "is stopping");
		job_free(j);
	}
	send_load();
	if (R.nrunning > 0)
		log_info("stopping: %u jobs may run for %u s more",
		    R.nrunning, R.conf.grace);
	tv.tv_sec = R.conf.grace;
	tv.tv_usec = 0;
	R.grace = evtimer_new(R.base, on_grace, NULL);
	if (R.grace == NULL || evtimer_add(R.grace, &tv) == -1)
		fatalx("evtimer");
	maybe_drained();
}

static void
on_parent(struct ipc_chan *c, const struct ipc_hdr *h, const uint8_t *p,
    void *arg)
{
	struct srvconf	 nc;

	(void)c;
	(void)arg;
	switch (h->type) {
	case IPC_CONF:
		/* Only what is safe to change while running; see parent.c. */
		memcpy(&nc, p, sizeof(nc));
		R.conf.slots = nc.slots;
		R.conf.queue = nc.queue;
		R.conf.job_timeout = nc.job_timeout;
		R.conf.grace = nc.grace;
		R.conf.max_mem_mb = nc.max_mem_mb;
		R.conf.load_tolerance = nc.load_tolerance;
		load_configure(&R.ld, R.conf.slots, R.conf.load_tolerance);
		log_debug("configuration reloaded: %u slots, queue %u",
		    R.conf.slots, R.conf.queue);
		schedule();
		break;
	case IPC_SHUTDOWN:
		start_shutdown();
		break;
	default:
		fatalx("parent: unexpected %s", ipc_type_name(h->type));
	}
}

static void
on_parent_fail(struct ipc_chan *c, const char *why, void *arg)
{
	struct rjob	*j;

	(void)c;
	(void)arg;
	TAILQ_FOREACH(j, &R.running, entry)
		R.sbx->kill(j->pid);
	fatalx("channel to parent: %s", why);
}

void
runner_main(const struct srvconf *c, struct srv_fds *fds)
{
	struct ipc_rules rules;
	struct timeval	 tick = { 1, 0 };
	unsigned	 ncpu;
	char		 mach[PATH_MAX + 64];
	char		 err[256];

	log_procinit("runner");
	log_libevent();
	memset(&R, 0, sizeof(R));
	R.conf = *c;
	R.pid = getpid();
	TAILQ_INIT(&R.queue);
	TAILQ_INIT(&R.running);
	srvconf_limits(&R.conf, &R.lim);
	if (proto_dialect_init(&R.dialect, PROTO_DIALECT_CCPOOL1, &R.lim, err,
	    sizeof(err)) == -1)
		fatalx("%s", err);
	if ((R.sbx = sbx_lookup(R.conf.sandbox)) == NULL)
		fatalx("no sandbox %s", R.conf.sandbox);
	if (R.sbx->check(err, sizeof(err)) == -1)
		fatalx("sandbox %s does not work here, no job will run: %s "
		    "(sandbox = none in the configuration runs jobs without "
		    "isolation)", R.sbx->name, err);
	if (R.sbx == &sbx_none)
		log_warnx("*** sandbox = none: compile jobs run WITHOUT "
		    "isolation, with this daemon's rights; any client can "
		    "read and write what this user can ***");
	snprintf(R.workdir, sizeof(R.workdir), "%s/ccpoold.XXXXXX",
	    R.conf.workdir);
	if (mkdtemp(R.workdir) == NULL) {
		R.workdir[0] = '\0';
		fatal("mkdtemp in %s", R.conf.workdir);
	}
	if (atexit(remove_workdir) != 0)
		fatalx("atexit");
	log_debug("work directory %s", R.workdir);

	if ((R.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	srv_ipc_rules(&rules, SRV_RUNNER_FROM_PARENT, &R.lim);
	if ((R.parent = ipc_chan_new(R.base, fds->parent, &rules, on_parent,
	    on_parent_fail, NULL, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	srv_ipc_rules(&rules, SRV_RUNNER_FROM_NET, &R.lim);
	if ((R.net = ipc_chan_new(R.base, fds->peer, &rules, on_net,
	    on_net_fail, NULL, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	R.sigchld = evsignal_new(R.base, SIGCHLD, on_sigchld, NULL);
	if (R.sigchld == NULL || evsignal_add(R.sigchld, NULL) == -1)
		fatalx("evsignal");
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);	/* the parent tells us to stop */

	detect_toolchains();
	ncpu = cpuquota_ncpu();
	load_init(&R.ld, R.conf.slots, ncpu, R.conf.load_tolerance);
	log_info("load: measured against %s; our CPU time from the %s; "
	    "foreign load above %u%% of a CPU costs slots",
	    loadmon_machine(mach, sizeof(mach)), loadmon_method(),
	    R.conf.load_tolerance);
	R.loadtick = event_new(R.base, -1, EV_PERSIST, on_load_tick, NULL);
	if (R.loadtick == NULL || evtimer_add(R.loadtick, &tick) == -1)
		fatalx("evtimer");
	on_load_tick(-1, 0, NULL);	/* the baseline */
	send_load();
	proc_enter_sandbox("runner");
	event_base_dispatch(R.base);
	fatalx("event loop ended");
}
