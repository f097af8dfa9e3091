/*
 * wrap.c - the wrapper side of one compile job (see wrap.h, and
 * doc/client.md for the whole path of a job).
 *
 * wrap_compile(): argv analysis (client/args.h) -> not distributable:
 * exec the real compiler.  Otherwise hello to the agent (which may say
 * "local"), local preprocessing, the job to the agent, and its answer
 * written out: object atomically (outfile.c), stdout, exit status.
 *
 * The rule that keeps output exact: only a clean remote compile (status
 * 0, nothing on stderr) is used.  Anything else (a refusal, a failed
 * server, a compile error, a warning) runs the original command here,
 * because a compiler quotes the source lines of its diagnostics from the
 * source files, which the server does not have.  The preprocessor's own
 * stderr is held back until then, so nothing is ever printed twice.
 * Blocking I/O throughout; every byte from the agent is parsed with the
 * protocol's own readers.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client/args.h"
#include "client/masq.h"
#include "client/outfile.h"
#include "client/ppslot.h"
#include "common/sockdir.h"
#include "common/spawn.h"
#include "client/wrap.h"
#include "common/cpuquota.h"
#include "common/mono.h"
#include "common/proto.h"

#define WRAP_SPAWN_WAIT_MS	2000	/* a new agent must answer by then */
#define WRAP_AGENT_TIMEOUT_MS	60000	/* silence from the agent: local */
#define WRAP_HELLO_TIMEOUT_MS	5000	/* hello (cold start waits 1 s) */
#define WRAP_NOTICES_MAX	16	/* agent's notices before a hello */

/*
 * For the job's verbose line (doc/client.md, "Verbose lines"): how long
 * it waited for a preprocessing slot (pp_take), said with the place.
 */
static uint64_t	pp_wait_ms;

static void	vsay(const struct wrap_ctx *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* One line on stderr under CCPOOL_VERBOSE. */
static void
vsay(const struct wrap_ctx *w, const char *fmt, ...)
{
	char	 msg[1024];
	va_list	 ap;

	if (!w->verbose)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "ccpool: %s\n", msg);
}

/* ", N ms waiting for a preprocessing slot", or "" when it took none. */
static const char *
pp_note(char *buf, size_t len)
{
	buf[0] = '\0';
	if (pp_wait_ms > 0)
		snprintf(buf, len, ", %llu ms waiting for a preprocessing slot",
		    (unsigned long long)pp_wait_ms);
	return buf;
}

/*
 * The job's name in verbose lines: its source, else its output (the
 * last -o: a link's program), else its first argument that looks like a
 * file to compile (a header to precompile), else the compiler's name.
 */
static const char *
job_name(const struct wrap_ctx *w)
{
	const char	*dot;
	int		 i;

	if (w->src != NULL)
		return w->src;
	for (i = w->argc - 1; i > 0; i--) {
		if (strcmp(w->argv[i - 1], "-o") == 0)
			return w->argv[i];
		if (strncmp(w->argv[i], "-o", 2) == 0 && w->argv[i][2] != '\0')
			return w->argv[i] + 2;
	}
	for (i = 1; i < w->argc; i++)
		if (w->argv[i][0] != '-' && (dot = strrchr(w->argv[i], '.')) !=
		    NULL && strchr("chimsCHS", dot[1]) != NULL)
			return w->argv[i];
	return masq_basename(w->argv[0]);
}

void
wrap_local(const struct wrap_ctx *w, const char *why)
{
	char	 note[80];

	vsay(w, "%s here: %s%s", job_name(w), why, pp_note(note,
	    sizeof(note)));
	fflush(stderr);
	execv(w->real, w->argv);
	fprintf(stderr, "ccpool: %s: %s\n", w->real, strerror(errno));
	_exit(127);
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n == -1 && errno == ENOTSOCK)
			n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Read the next frame from the agent into *f (payload in fb).  Returns 1
 * with a frame, 0 on a clean EOF before any byte, -1 with err set
 * (garbage, timeout, short read).  The frame's bytes stay in fb until
 * the next call.
 */
static int
read_frame(int fd, const struct proto_dialect *d, struct proto_buf *in,
    struct proto_frame *f, int timeout_ms, char *err, size_t errlen)
{
	struct pollfd	 pfd;
	ssize_t		 n, got;

	/* drop the frame returned last time */
	if (f->need > 0 && f->need <= in->len)
		proto_buf_consume(in, f->need);
	f->need = 0;
	for (;;) {
		n = proto_frame_parse(d, in->data, in->len, f, err, errlen);
		if (n > 0)
			return 1;
		if (n == -1)
			return -1;
		if (proto_buf_reserve(in, (size_t)64 * 1024) == -1) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if ((n = poll(&pfd, 1, timeout_ms)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}
		if (n == 0) {
			snprintf(err, errlen, "the agent said nothing for "
			    "%d s", timeout_ms / 1000);
			return -1;
		}
		got = read(fd, in->data + in->len, in->cap - in->len);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got == 0 && in->len == 0)
				return 0;
			snprintf(err, errlen, "the agent went away%s%s",
			    got == 0 ? "" : ": ", got == 0 ? "" :
			    strerror(errno));
			return -1;
		}
		in->len += (size_t)got;
	}
}

/*
 * Run argv (argv[0] a path) with stdin on /dev/null, stdout into out and
 * stderr into errout (at most max bytes each).  Returns the wait status,
 * or -1 with err set.
 *
 * stdout goes to a memory file, read once the command is over: a pipe
 * would wake this process for every 64 KB of preprocessed text (measured:
 * a quarter of the wrapper's CPU time, in context switches and copies).
 * The command's file size limit (RLIMIT_FSIZE, max + 1) bounds what it
 * can write there, and in any file: a compile here whose object is over
 * the limit fails, and the caller compiles from the source as usual.
 * stderr, small as a rule, comes through a pipe.
 */
static int
run_capture(const char *path, char *const argv[], struct proto_buf *out,
    struct proto_buf *errout, size_t max, char *err, size_t errlen)
{
	struct stat	 st;
	struct rlimit	 fsz;
	int		 ep[2] = { -1, -1 }, mfd, status = -1, over = 0;
	ssize_t		 n;
	size_t		 got;
	pid_t		 pid;

	if ((mfd = memfd_create("ccpool-out", MFD_CLOEXEC)) == -1) {
		snprintf(err, errlen, "memfd_create: %s", strerror(errno));
		return -1;
	}
	if (pipe2(ep, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto done;
	}
	fsz.rlim_cur = fsz.rlim_max = max < RLIM_INFINITY - 1 ? max + 1 :
	    RLIM_INFINITY;
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		goto done;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		if (nul == -1 || dup2(nul, 0) == -1 || dup2(mfd, 1) == -1 ||
		    dup2(ep[1], 2) == -1 || setrlimit(RLIMIT_FSIZE, &fsz) == -1)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGXFSZ, SIG_DFL);
		execv(path, argv);
		fprintf(stderr, "ccpool: %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(ep[1]);
	ep[1] = -1;
	for (;;) {
		if (proto_buf_reserve(errout, (size_t)4096) == -1) {
			over = 1;
			break;
		}
		n = read(ep[0], errout->data + errout->len,
		    errout->cap - errout->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		errout->len += (size_t)n;
		if (errout->len > max) {
			over = 1;
			break;
		}
	}
	close(ep[0]);		/* a command still writing gets SIGPIPE */
	ep[0] = -1;
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			status = -1;
			goto done;
		}
	if (fstat(mfd, &st) == -1) {
		snprintf(err, errlen, "fstat: %s", strerror(errno));
		status = -1;
		goto done;
	}
	if (over || (uintmax_t)st.st_size > max ||
	    (WIFSIGNALED(status) && WTERMSIG(status) == SIGXFSZ)) {
		snprintf(err, errlen, "output over %zu bytes", max);
		status = -1;
		goto done;
	}
	if (proto_buf_reserve(out, (size_t)st.st_size) == -1) {
		snprintf(err, errlen, "out of memory");
		status = -1;
		goto done;
	}
	for (got = 0; got < (size_t)st.st_size; got += (size_t)n) {
		n = pread(mfd, out->data + out->len + got,
		    (size_t)st.st_size - got, (off_t)got);
		if (n == -1 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0) {
			snprintf(err, errlen, "reading the output: %s",
			    n == 0 ? "short" : strerror(errno));
			status = -1;
			goto done;
		}
	}
	out->len += got;
done:
	close(mfd);
	if (ep[0] != -1)
		close(ep[0]);
	if (ep[1] != -1)
		close(ep[1]);
	return status;
}

/*
 * What the wrapper needs of the argv analysis (client/args.h): the
 * preprocessing argv, the compile argv for the server (no input, no -o,
 * no -x), the output.
 */
struct wjob {
	struct args_job	 aj;
	const char	*output;
	const char	*srcname;
	enum proto_lang	 lang;
};

/* The agent connection of one job. */
struct wconn {
	int		 fd;
	char		 dir[256];	/* the agent's private directory */
	struct proto_dialect d;
	struct proto_limits lim;
	struct proto_buf in;
	struct proto_frame f;
};

static void
wconn_close(struct wconn *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	proto_buf_free(&c->in);
}

/*
 * A notice of the agent for the user (a server pinned on first use after
 * the first set, an untrusted one: agent_notice): always printed, on one
 * line, bytes outside printable ASCII as '?'.
 */
static void
notice(const struct proto_frame *f)
{
	char	 line[1100];
	size_t	 i, n = f->len < sizeof(line) - 1 ? f->len : sizeof(line) - 1;

	for (i = 0; i < n; i++)
		line[i] = f->data[i] >= 0x20 && f->data[i] < 0x7f ?
		    (char)f->data[i] : '?';
	line[n] = '\0';
	fprintf(stderr, "ccpool: %s\n", line);
}

/*
 * Connect to the agent and say hello (version 0: a host query).  Returns
 * 0 (go ahead), 1 with why set (placed here: the connection stays open,
 * see here_from_source) or -1 with why set (compile locally: no agent,
 * or the agent said so).
 */
static int
wconn_open(struct wconn *c, const struct wrap_ctx *w, uint32_t version,
    char *why, size_t whylen)
{
	struct proto_result_reader rr;
	struct proto_buf hello;
	char		 tag[SPAWN_TAG_MAX], err[256], note[512];
	char		*dir;
	uint32_t	 v;
	int		 rc, n;

	memset(c, 0, sizeof(*c));
	dir = c->dir;
	c->fd = -1;
	proto_limits_default(&c->lim);
	if (proto_dialect_init(&c->d, PROTO_DIALECT_CCPOOL1, &c->lim, why,
	    whylen) == -1)
		return -1;
	if (sockdir_prepare(getenv("XDG_RUNTIME_DIR"), "/tmp", getuid(), dir,
	    sizeof(c->dir), err, sizeof(err)) == -1) {
		snprintf(why, whylen, "agent directory: %s", err);
		return -1;
	}
	if (spawn_tag(tag, err, sizeof(err)) == -1) {
		snprintf(why, whylen, "agent: %s", err);
		return -1;
	}
	if ((c->fd = spawn_connect(dir, tag, w->self_exe, WRAP_SPAWN_WAIT_MS,
	    err, sizeof(err))) == -1) {
		snprintf(why, whylen, "agent: %s", err);
		return -1;
	}
	/* an agent that keeps other settings is said once, not kept quiet */
	if (spawn_agent_differs(dir, tag, w->verbose, note, sizeof(note)) == 1)
		fprintf(stderr, "ccpool: %s\n", note);
	proto_buf_init(&hello);
	rc = proto_hello_encode(&hello, version) == -1 ||
	    write_all(c->fd, hello.data, hello.len) == -1;
	proto_buf_free(&hello);
	if (rc) {
		snprintf(why, whylen, "agent: %s", strerror(errno));
		goto fail;
	}
	for (n = 0; ; n++) {
		if ((rc = read_frame(c->fd, &c->d, &c->in, &c->f,
		    WRAP_HELLO_TIMEOUT_MS, err, sizeof(err))) != 1) {
			snprintf(why, whylen, "agent: %s", rc == 0 ?
			    "closed the connection" : err);
			goto fail;
		}
		/* the agent's notices for the user come first */
		if (memcmp(c->f.tok, "MSG_", 4) != 0)
			break;
		if (n == WRAP_NOTICES_MAX) {
			snprintf(why, whylen, "agent: too many notices");
			goto fail;
		}
		notice(&c->f);
	}
	if (proto_hello_decode(&c->f, &v, err, sizeof(err)) == 0) {
		if (v != PROTO_VERSION) {
			snprintf(why, whylen, "agent speaks version %u",
			    (unsigned)v);
			goto fail;
		}
		return 0;
	}
	/* a refusal: RFSE MSG_ DONE 0, the agent's reason to go local */
	proto_result_reader_init(&rr, 0, 0, &c->lim);
	for (;;) {
		rc = proto_result_feed(&rr, &c->f, err, sizeof(err));
		if (rc == PROTO_DONE) {
			snprintf(why, whylen, "%s", rr.res.msg);
			if (rr.res.reason == PROTO_R_LOCAL) {
				proto_result_reader_free(&rr);
				return 1;
			}
			break;
		}
		if (rc == -1 || read_frame(c->fd, &c->d, &c->in, &c->f,
		    WRAP_HELLO_TIMEOUT_MS, err, sizeof(err)) != 1) {
			snprintf(why, whylen, "agent: bad answer: %s", err);
			break;
		}
	}
	proto_result_reader_free(&rr);
fail:
	wconn_close(c);
	return -1;
}

/*
 * Send the job and read the answer into *res.  where receives the
 * agent's note of the server used.  Returns 0, or -1 with why set.
 */
static int
exchange(struct wconn *c, struct proto_job *job, struct proto_result *res,
    char *where, size_t wherelen, char *why, size_t whylen)
{
	struct proto_result_reader rr;
	struct proto_buf enc;
	char		 err[512];
	int		 rc;

	proto_buf_init(&enc);
	rc = proto_job_encode(job, &c->lim, PROTO_ZLEVEL, &enc, err,
	    sizeof(err));
	if (rc == 0 && write_all(c->fd, enc.data, enc.len) == -1) {
		snprintf(err, sizeof(err), "agent: %s", strerror(errno));
		rc = -1;
	}
	proto_buf_free(&enc);
	if (rc == -1) {
		snprintf(why, whylen, "%s", err);
		return -1;
	}
	/* the answer: [MSG_ where] KEEP* (STAT .. DONE | RFSE MSG_ DONE) */
	where[0] = '\0';
	proto_result_reader_init(&rr, job->id, job->want, &c->lim);
	for (;;) {
		if ((rc = read_frame(c->fd, &c->d, &c->in, &c->f,
		    WRAP_AGENT_TIMEOUT_MS, err, sizeof(err))) != 1) {
			if (rc == 0)
				snprintf(err, sizeof(err), "went away");
			rc = -1;
			break;
		}
		if (where[0] == '\0' && memcmp(c->f.tok, "MSG_", 4) == 0 &&
		    rr.state == 0) {
			snprintf(where, wherelen, "%.*s", (int)(c->f.len < 256 ?
			    c->f.len : 256), (const char *)c->f.data);
			continue;
		}
		rc = proto_result_feed(&rr, &c->f, err, sizeof(err));
		if (rc == -1 || rc == PROTO_DONE)
			break;
	}
	if (rc == -1) {
		proto_result_reader_free(&rr);
		snprintf(why, whylen, "agent: %s", err);
		return -1;
	}
	proto_result_reader_take(&rr, res);
	proto_result_reader_free(&rr);
	return 0;
}

/*
 * Take a preprocessing slot (ppslot.h) in the agent's directory.
 * Returns its descriptor, or -1 when unbounded or on any error: the
 * bound must never fail a build.
 */
static int
pp_take(const struct wrap_ctx *w, const struct wconn *c)
{
	char		 err[256];
	unsigned	 n;
	uint64_t	 t0 = mono_ms();
	int		 fd, waited;

	/* the cores we have: a quota or cpuset, not the machine's count */
	n = ppslot_limit(getenv("CCPOOL_PREPROCESS_MAX"),
	    (long)cpuquota_ncpu());
	if (n == 0)
		return -1;
	if ((fd = ppslot_take(c->dir, n, &waited, err, sizeof(err))) == -1)
		vsay(w, "%s: preprocessing slot: %s (going on without one)",
		    w->src, err);
	else if (waited)	/* said with the job's place */
		pp_wait_ms = mono_ms() - t0;
	return fd;
}

/* Drop everything and compile here with the original argv. */
static void
go_local(struct wrap_ctx *w, struct wconn *c, struct proto_buf *src,
    struct proto_buf *cpperr, const char *why)
{
	wconn_close(c);
	proto_buf_free(src);
	proto_buf_free(cpperr);
	wrap_local(w, why);
}

/*
 * Make the text of clang -frewrite-includes ready for a compile of
 * preprocessed text (-x cpp-output), in place: such a compile names the
 * object's file symbol after the text's first line marker, and the
 * `# 1 "<built-in>"` that comes before the source's own would give the
 * symbol that name.  Returns NULL, or why the job must be compiled here:
 * the text asks for what only this machine knows (the source file's
 * time, the depth of includes that are inline now, a file's time for a
 * dependency pragma) or, with sde (SOURCE_DATE_EPOCH set), for a date,
 * which the server's compiler would take from its own clock.
 */
static const char *
rw_text(struct proto_buf *src, int sde)
{
	static const char first[] = "# 1 \"<built-in>\"\n";
	static const struct {
		const char	*tok;
		int		 sde;
	} here[] = {
		{ "__TIMESTAMP__", 0 }, { "__INCLUDE_LEVEL__", 0 },
		{ "GCC dependency", 0 }, { "clang dependency", 0 },
		{ "__DATE__", 1 }, { "__TIME__", 1 },
	};
	size_t		 n = sizeof(first) - 1, i;

	if (src->len > n + 5 && memcmp(src->data, first, n) == 0 &&
	    memcmp(src->data + n, "# 1 \"", 5) == 0 &&
	    src->data[n + 5] != '<') {
		memmove(src->data, src->data + n, src->len - n);
		src->len -= n;
	}
	for (i = 0; i < sizeof(here) / sizeof(here[0]); i++)
		if ((sde || !here[i].sde) && memmem(src->data, src->len,
		    here[i].tok, strlen(here[i].tok)) != NULL)
			return here[i].tok;
	return NULL;
}

/*
 * Whether the answer of a compile of the job's text (wait status st, its
 * stderr e of elen bytes), a server's or one here, is exactly what a
 * compile here from the source would print, so that it stands and no
 * second compile is run.  cpperr: bytes the preprocessing printed; tty:
 * our stderr is a terminal.  Returns 1, or 0 with why set (compile again
 * here).  The rules and the measurements behind them: doc/client.md,
 * "Diagnostics".
 */
static int
answer_exact(const struct wjob *wj, uint32_t st, const uint8_t *e,
    size_t elen, size_t cpperr, int tty, char *why, size_t whylen)
{
	const char	*kind = st != 0 ? "compile error" : "warnings";
	const char	*l, *end = (const char *)e + elen, *nl, *colon;

	why[0] = '\0';
	if (st == 0 && elen == 0)
		return 1;
	/* plain -E: macros expanded, and gcc quotes the source files */
	if (!wj->aj.rewrite) {
		snprintf(why, whylen, "%s", kind);
		return 0;
	}
	/* the compiler picks colours and widths for a terminal */
	if (tty) {
		snprintf(why, whylen, "%s, for a terminal", kind);
		return 0;
	}
	/* the server preprocesses again: said twice, or only once */
	if (cpperr > 0) {
		snprintf(why, whylen, "%s, after the preprocessor's", kind);
		return 0;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) > 1) {
		snprintf(why, whylen, "the compiler failed (status %#x)",
		    (unsigned)st);
		return 0;
	}
	/*
	 * The driver's own lines ("clang: error: unable to execute ...",
	 * "clang-14: warning: ..."), a crash, a file the compile wanted:
	 * the server's, not the source's.
	 */
	for (l = (const char *)e; l < end; l = nl + 1) {
		if ((nl = memchr(l, '\n', (size_t)(end - l))) == NULL)
			nl = end;
		colon = memchr(l, ':', (size_t)(nl - l));
		if ((nl - l >= 5 && memcmp(l, "clang", 5) == 0 &&
		    colon != NULL && colon + 1 < nl && colon[1] == ' ') ||
		    memmem(l, (size_t)(nl - l), "PLEASE submit", 13) != NULL ||
		    memmem(l, (size_t)(nl - l), "file not found", 14) !=
		    NULL) {
			snprintf(why, whylen, "%s, in the compiler's own words",
			    kind);
			return 0;
		}
	}
	return 1;
}

/*
 * Compile the preprocessed text src here as a server would (the job's
 * argv, its macro options as -Xclang ones, -x LANG FILE -o OUTPUT), into
 * wj's output; the compiler's stdout and stderr (at most max bytes each)
 * into *out and *eo, its wait status into *st.  Returns 0 when the
 * compiler ran (its object in place if *st is 0), else -1 with err set:
 * the caller compiles from the source then, as after a remote compile
 * whose diagnostics are not exact (answer_exact).
 */
static int
compile_here(const struct wrap_ctx *w, const struct wjob *wj,
    char *const *argv, const struct proto_buf *src, size_t max,
    struct proto_buf *out, struct proto_buf *eo, int *st, char *err,
    size_t errlen)
{
	struct outfile	*o = NULL;
	const char	*tmp, *xlang;
	char		 in[PATH_MAX], **av = NULL;
	size_t		 n = 0, i, k;
	int		 fd, rc = -1;

	err[0] = '\0';
	if ((xlang = ccargs_lang_cpp_output(wj->aj.lang)) == NULL) {
		snprintf(err, errlen, "no language");
		return -1;
	}
	if ((tmp = getenv("TMPDIR")) == NULL || tmp[0] != '/')
		tmp = "/tmp";
	if ((size_t)snprintf(in, sizeof(in), "%s/ccpool-XXXXXX", tmp) >=
	    sizeof(in) || (fd = mkostemp(in, O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "temporary file in %s: %s", tmp,
		    strerror(errno));
		return -1;
	}
	if (write_all(fd, src->data, src->len) == -1) {
		snprintf(err, errlen, "temporary file: %s", strerror(errno));
		(void)close(fd);
		goto done;
	}
	(void)close(fd);
	if ((o = outfile_new(wj->output, err, errlen)) == NULL)
		goto done;
	while (argv[n] != NULL)
		n++;
	if ((av = calloc(2 * n + 6, sizeof(*av))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	for (i = 0, k = 0; i < n; i++) {
		if (wj->aj.rewrite && ccargs_macro(argv[i]))
			av[k++] = (char *)"-Xclang";
		av[k++] = argv[i];
	}
	n = k;
	av[n++] = (char *)"-x";
	av[n++] = (char *)xlang;
	av[n++] = (char *)"-o";
	av[n++] = (char *)outfile_tmp_path(o);
	av[n++] = in;
	if ((*st = run_capture(w->real, av, out, eo, max, err, errlen)) !=
	    -1 && (*st != 0 || outfile_commit(o, err, errlen) == 0))
		rc = 0;
done:
	(void)unlink(in);
	free(av);
	outfile_free(o);
	return rc;
}

/* Behind the preprocessing that feeds the servers, and the user's work. */
static void
nice_19(const struct wrap_ctx *w)
{
	errno = 0;
	if (nice(19) == -1 && errno != 0)
		vsay(w, "nice: %s", strerror(errno));
}

/*
 * Compile here from the source with the agent's connection c open across
 * exec: the compiler holds it until it exits, which tells the agent the
 * local place is free again.  Does not return.
 */
static void
here_from_source(const struct wrap_ctx *w, struct wconn *c, const char *why)
{
	int	 fl;

	proto_buf_free(&c->in);
	if ((fl = fcntl(c->fd, F_GETFD)) != -1)
		(void)fcntl(c->fd, F_SETFD, fl & ~FD_CLOEXEC);
	wrap_local(w, why);
}

/*
 * The agent placed the job here: compile the text already preprocessed,
 * at nice 19 (behind the preprocessing that feeds the servers), and keep
 * the agent's connection open until the compile is over: its end tells
 * the agent the local place is free again and how long the compile took.
 * An answer that is not exactly a compile from the source's
 * (answer_exact) compiles from the source instead (the connection still
 * open across exec).  Does not return.
 */
static void
placed_here(struct wrap_ctx *w, struct wjob *wj, struct wconn *c,
    struct proto_job *job, struct proto_result *res, struct proto_buf *src,
    struct proto_buf *cpperr)
{
	struct proto_buf out, eo;
	char		 why[300], err[512], note[80], again[400];
	int		 st;

	snprintf(why, sizeof(why), "%s", res->msg);
	proto_result_free(res);
	nice_19(w);
	proto_buf_init(&out);
	proto_buf_init(&eo);
	if (compile_here(w, wj, job->argv, src, c->lim.max_output, &out, &eo,
	    &st, err, sizeof(err)) == 0 && answer_exact(wj, (uint32_t)st,
	    eo.data, eo.len, cpperr->len, isatty(2), err, sizeof(err))) {
		if (cpperr->len > 0)
			write_all(2, cpperr->data, cpperr->len);
		if (eo.len > 0)
			write_all(2, eo.data, eo.len);
		if (out.len > 0)
			write_all(1, out.data, out.len);
		vsay(w, "%s here: %s%s%s", wj->srcname, why, eo.len > 0 ?
		    ", its diagnostics exact" : "", pp_note(note,
		    sizeof(note)));
		exit(WEXITSTATUS(st));	/* closes the agent's connection */
	}
	proto_buf_free(&out);
	proto_buf_free(&eo);
	proto_buf_free(src);
	proto_buf_free(cpperr);
	snprintf(again, sizeof(again), "%s; %s, compiled again from the "
	    "source", why, err[0] != '\0' ? err : "diagnostics");
	here_from_source(w, c, again);
}

static int
remote(struct wrap_ctx *w, struct wjob *wj)
{
	struct wconn	 c;
	struct proto_job job;
	struct proto_result res;
	struct proto_buf src, cpperr;
	struct outfile	*o;
	char		 why[1024], err[512], cwd[PATH_MAX], where[300];
	char		 note[80], *reason;
	const char	*ask;
	uint64_t	 t0 = mono_ms();
	int		 status, pp;

	switch (wconn_open(&c, w, PROTO_VERSION, why, sizeof(why))) {
	case -1:
		wrap_local(w, why);
		break;
	case 1:		/* placed here before preprocessing: none needed */
		nice_19(w);
		here_from_source(w, &c, why);
		break;
	}

	/* preprocess here, where the headers are; its stderr held back */
	proto_buf_init(&src);
	proto_buf_init(&cpperr);
	pp = pp_take(w, &c);
	status = run_capture(w->real, wj->aj.cpp_argv, &src, &cpperr,
	    c.lim.max_input, err, sizeof(err));
	ppslot_release(pp);
	if (status == -1) {
		snprintf(why, sizeof(why), "preprocessing: %s", err);
		go_local(w, &c, &src, &cpperr, why);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		go_local(w, &c, &src, &cpperr, "preprocessing failed");
	if (wj->aj.rewrite && (ask = rw_text(&src,
	    getenv("SOURCE_DATE_EPOCH") != NULL)) != NULL) {
		snprintf(why, sizeof(why), "the text asks for %s", ask);
		go_local(w, &c, &src, &cpperr, why);
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		go_local(w, &c, &src, &cpperr, "no working directory");

	proto_job_init(&job);
	job.id = 1;
	job.tcid = "unknown";		/* the agent puts the real one */
	job.lang = wj->lang;
	job.argc = (uint32_t)wj->aj.cc_argc;
	job.argv = wj->aj.cc_argv;
	/* how the agent finds the toolchain (doc/client.md) */
	free(job.argv[0]);
	if ((job.argv[0] = strdup(w->real)) == NULL)
		go_local(w, &c, &src, &cpperr, "out of memory");
	job.cwd = cwd;
	job.srcname = (char *)wj->srcname;
	job.want = 0;			/* dependency files are made here */
	job.src = src;
	proto_result_init(&res);
	if (exchange(&c, &job, &res, where, sizeof(where), why,
	    sizeof(why)) == -1)
		go_local(w, &c, &src, &cpperr, why);
	if (res.refused && res.reason == PROTO_R_LOCAL)
		placed_here(w, wj, &c, &job, &res, &src, &cpperr);
	wconn_close(&c);
	/* the agent's note: the place, a tab, the reason */
	if ((reason = strchr(where, '\t')) != NULL)
		*reason++ = '\0';
	else
		reason = (char *)"would finish first";
	if (res.refused) {
		snprintf(why, sizeof(why), "%s", res.msg);
		proto_result_free(&res);
		go_local(w, &c, &src, &cpperr, why);
	}
	if (!answer_exact(wj, res.status, res.errout.data, res.errout.len,
	    cpperr.len, isatty(2), err, sizeof(err))) {
		/*
		 * A compile error or a warning that a compile here would
		 * not print the same (gcc quotes source lines from files
		 * the server does not have): reported once, by that run.
		 */
		snprintf(why, sizeof(why), "%s on %s, compiled again here for "
		    "exact diagnostics", err, where[0] ? where : "the server");
		proto_result_free(&res);
		go_local(w, &c, &src, &cpperr, why);
	}
	if (res.status != 0) {
		/* a failure exactly as here: its words, its status */
		proto_buf_free(&src);
		proto_buf_free(&cpperr);
		write_all(2, res.errout.data, res.errout.len);
		if (res.out.len > 0)
			write_all(1, res.out.data, res.out.len);
		vsay(w, "%s -> %s: %s; failed there, its diagnostics exact",
		    wj->srcname, where[0] ? where : "?", reason);
		status = WEXITSTATUS(res.status);
		proto_result_free(&res);
		return status;
	}
	proto_buf_free(&src);
	if ((o = outfile_new(wj->output, err, sizeof(err))) == NULL ||
	    outfile_write(o, res.obj.data, res.obj.len, err,
	    sizeof(err)) == -1 || outfile_commit(o, err, sizeof(err)) == -1) {
		outfile_free(o);
		proto_result_free(&res);
		go_local(w, &c, &src, &cpperr, err);
	}
	outfile_free(o);
	/* the preprocessor's warnings (#warning...), then the compiler's */
	if (cpperr.len > 0)
		write_all(2, cpperr.data, cpperr.len);
	if (res.errout.len > 0)
		write_all(2, res.errout.data, res.errout.len);
	if (res.out.len > 0)
		write_all(1, res.out.data, res.out.len);
	vsay(w, "%s -> %s: %s; %llu ms, %u ms in its queue%s", wj->srcname,
	    where[0] ? where : "?", reason,
	    (unsigned long long)(mono_ms() - t0), (unsigned)res.queue_ms,
	    pp_note(note, sizeof(note)));
	proto_result_free(&res);
	proto_buf_free(&cpperr);
	return 0;
}

int
wrap_hosts(const char *self_exe, int jobs)
{
	struct wrap_ctx	 w;
	struct wconn	 c;
	char		 why[512], err[256], line[1100];
	char		*f[11], *p;
	long		 cores = cpuquota_ncpu(), slots = 0;
	int		 rc, i, n = 0;

	memset(&w, 0, sizeof(w));
	w.self_exe = self_exe;
	if (cores < 1)
		cores = 1;
	if (wconn_open(&c, &w, 0, why, sizeof(why)) != 0) {
		if (jobs) {
			printf("%ld\n", cores);
			return 0;
		}
		fprintf(stderr, "ccpool: %s\n", why);
		return 1;
	}
	if (!jobs)
		printf("%-20s %-24s %-9s %5s %5s %5s %5s %7s %5s  %s\n",
		    "NAME", "ADDRESS", "STATE", "SLOTS", "QUEUE", "FREE",
		    "MINE", "DONE", "FAIL", "TOOLCHAINS / LAST ERROR");
	for (;;) {
		if ((rc = read_frame(c.fd, &c.d, &c.in, &c.f, 10000, err,
		    sizeof(err))) != 1) {
			fprintf(stderr, "ccpool: agent: %s\n", rc == 0 ?
			    "closed the connection" : err);
			wconn_close(&c);
			return 1;
		}
		if (memcmp(c.f.tok, "DONE", 4) == 0)
			break;
		if (memcmp(c.f.tok, "MSG_", 4) != 0 ||
		    c.f.len >= sizeof(line)) {
			fprintf(stderr, "ccpool: agent: unexpected %s\n",
			    c.f.tok);
			wconn_close(&c);
			return 1;
		}
		memcpy(line, c.f.data, c.f.len);
		line[c.f.len] = '\0';
		for (i = 0, p = line; i < 11 && p != NULL; i++)
			f[i] = strsep(&p, "\t");
		if (i < 11)
			continue;
		n++;
		/* -j: every place a job can run or wait on a server */
		if (strcmp(f[2], "up") == 0)
			slots += strtol(f[3], NULL, 10) +
			    strtol(f[4], NULL, 10);
		if (!jobs)
			printf("%-20s %-24s %-9s %5s %5s %5s %5s %7s %5s  "
			    "%s%s%s\n", f[0], f[1], f[2], f[3], f[4], f[5],
			    f[6], f[7], f[8], f[9], strcmp(f[10], "-") ?
			    " / " : "", strcmp(f[10], "-") ? f[10] : "");
	}
	wconn_close(&c);
	if (jobs)
		printf("%ld\n", slots + cores);
	else if (n == 0)
		fprintf(stderr, "ccpool: no servers known\n");
	return 0;
}

/*
 * Whether the compiler at path real is clang: by its name, or the name of
 * what it links to (cc -> clang, through /etc/alternatives).
 */
static int
is_clang(const char *real)
{
	char	 buf[PATH_MAX];

	if (strncmp(masq_basename(real), "clang", 5) == 0)
		return 1;
	return realpath(real, buf) != NULL &&
	    strncmp(masq_basename(buf), "clang", 5) == 0;
}

/*
 * Fill *wj from the argv analysis.  Returns 1 if the job is
 * distributable, 0 with why set if not (the caller runs argv locally).
 */
static int
analyse(struct wrap_ctx *w, struct wjob *wj, char *why, size_t whylen)
{
	char		 err[256], cwd[PATH_MAX + 32];
	const char	*opt = "-fdebug-compilation-dir=", *env;
	int		 clang;

	memset(wj, 0, sizeof(*wj));
	if (args_parse(w->argc, w->argv, &wj->aj, err, sizeof(err)) == -1) {
		snprintf(why, whylen, "argv analysis: %s", err);
		return 0;
	}
	w->src = wj->aj.source;		/* may be NULL: linking... */
	if (!wj->aj.distributable) {
		snprintf(why, whylen, "%s", wj->aj.reason);
		return 0;
	}
	/* the preprocessor by full path too (see main) */
	free(wj->aj.cpp_argv[0]);
	if ((wj->aj.cpp_argv[0] = strdup(w->real)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return 0;
	}
	wj->output = wj->aj.output;
	wj->srcname = wj->aj.source;
	wj->lang = (enum proto_lang)wj->aj.lang;
	/*
	 * clang takes DW_AT_comp_dir from the cwd of the compile, which on
	 * the server is a job directory: name ours (args.h).  gcc takes it
	 * from the preprocessed text and rejects the option.
	 */
	clang = is_clang(w->real);
	if (wj->aj.debug && clang) {
		if (getcwd(cwd + strlen(opt), PATH_MAX) == NULL) {
			snprintf(why, whylen, "no working directory");
			return 0;
		}
		memcpy(cwd, opt, strlen(opt));	/* NOLINT: cwd is terminated by getcwd */
		if (args_cc_append(&wj->aj, cwd, err, sizeof(err)) == -1) {
			snprintf(why, whylen, "%s", err);
			return 0;
		}
	}
	/* clang: the server expands the macros, diagnostics exact (args.h) */
	if (clang && ((env = getenv("CCPOOL_REWRITE_INCLUDES")) == NULL ||
	    strcmp(env, "0") != 0) &&
	    args_rewrite_includes(&wj->aj, err, sizeof(err)) == -1) {
		snprintf(why, whylen, "%s", err);
		return 0;
	}
	return 1;
}

int
wrap_compile(struct wrap_ctx *w)
{
	struct wjob	 wj;
	char		 why[512], src[256];
	int		 rc;

	if (!analyse(w, &wj, why, sizeof(why))) {
		if (w->src != NULL) {
			snprintf(src, sizeof(src), "%s", w->src);
			w->src = src;
		}
		args_job_clear(&wj.aj);
		wrap_local(w, why);
	}
	/* the job's strings outlive args_job_clear: wrap_local may need them */
	snprintf(src, sizeof(src), "%s", w->src);
	w->src = src;
	outfile_catch_signals();
	rc = remote(w, &wj);
	args_job_clear(&wj.aj);
	return rc;
}
