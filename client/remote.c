/*
 * remote.c - the remote path of one job (see remote.h; doc/client.md for
 * the whole path).  Start reading at remote_compile().
 *
 * The rule that keeps output exact: only a clean remote compile (status
 * 0, nothing on stderr) is used, or a failure whose words are exactly a
 * local compile's (answer_exact).  Anything else (a refusal, a failed
 * server, a compile error, a warning) runs the original command here,
 * because a compiler quotes the source lines of its diagnostics from the
 * source files, which the server does not have.  The preprocessor's own
 * stderr is held back until then, so nothing is ever printed twice.
 */
#include <sys/wait.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/answer.h"
#include "client/code.h"
#include "client/fdio.h"
#include "client/here.h"
#include "client/outfile.h"
#include "client/ppslot.h"
#include "client/remote.h"
#include "client/run.h"
#include "client/say.h"
#include "client/wconn.h"
#include "common/cpuquota.h"
#include "common/mono.h"

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
		say_line(w, "%s: preprocessing slot: %s (going on without one)",
		    w->src, err);
	else if (waited)	/* said with the job's place */
		say_pp_waited(mono_ms() - t0);
	return fd;
}

/* Drop everything and compile here with the original argv. */
static void __attribute__((noreturn))
go_local(struct wrap_ctx *w, struct wconn *c, struct proto_buf *src,
    struct proto_buf *cpperr, const char *why)
{
	wconn_close(c);
	proto_buf_free(src);
	proto_buf_free(cpperr);
	here_exec(w, why);
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
 * Preprocess here, where the headers are, into *src (initialised here);
 * its stderr held back in *cpperr.  Any failure, or a text that asks for
 * what only this machine knows (rw_text), compiles here: does not return
 * then.
 */
static void
preprocess(struct wrap_ctx *w, struct wjob *wj, struct wconn *c,
    struct proto_buf *src, struct proto_buf *cpperr)
{
	char		 why[1024], err[512];
	const char	*ask;
	int		 status, pp;

	proto_buf_init(src);
	proto_buf_init(cpperr);
	pp = pp_take(w, c);
	status = run_capture(w->real, wj->aj.cpp_argv, src, cpperr,
	    c->lim.max_input, err, sizeof(err));
	ppslot_release(pp);
	if (status == -1) {
		snprintf(why, sizeof(why), "preprocessing: %s", err);
		go_local(w, c, src, cpperr, why);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		go_local(w, c, src, cpperr, "preprocessing failed");
	if (wj->aj.rewrite && (ask = rw_text(src,
	    getenv("SOURCE_DATE_EPOCH") != NULL)) != NULL) {
		snprintf(why, sizeof(why), "the text asks for %s", ask);
		go_local(w, c, src, cpperr, why);
	}
}

/*
 * Fill *job for the agent: wj's compile argv (argv[0] the real compiler,
 * how the agent finds the toolchain: doc/client.md), cwd, the text src.
 * Out of memory compiles here: does not return then.
 */
static void
job_fill(struct wrap_ctx *w, struct wjob *wj, struct wconn *c,
    struct proto_job *job, char *cwd, struct proto_buf *src,
    struct proto_buf *cpperr)
{
	proto_job_init(job);
	job->id = 1;
	job->tcid = "unknown";		/* the agent puts the real one */
	job->lang = wj->lang;
	job->argc = (uint32_t)wj->aj.cc_argc;
	job->argv = wj->aj.cc_argv;
	free(job->argv[0]);
	if ((job->argv[0] = strdup(w->real)) == NULL)
		go_local(w, c, src, cpperr, "out of memory");
	job->cwd = cwd;
	job->srcname = (char *)wj->srcname;
	job->want = 0;			/* dependency files are made here */
	job->src = *src;
}

/*
 * The server's compile failed exactly as one here would: its words, its
 * stdout, its status (returned).  Frees src, cpperr and *res.
 */
static int
failed_there(struct wrap_ctx *w, struct wjob *wj, struct proto_result *res,
    const char *where, const char *reason, struct proto_buf *src,
    struct proto_buf *cpperr)
{
	int	 status;

	proto_buf_free(src);
	proto_buf_free(cpperr);
	fdio_write_all(2, res->errout.data, res->errout.len);
	if (res->out.len > 0)
		fdio_write_all(1, res->out.data, res->out.len);
	say_line(w, "%s -> %s: %s; failed there, its diagnostics exact",
	    wj->srcname, where[0] ? where : "?", reason);
	status = WEXITSTATUS(res->status);
	proto_result_free(res);
	return status;
}

/*
 * The answer *res of the place where (the agent's note: the place, a
 * tab, the reason) written out: the object (atomically), the
 * preprocessor's warnings (#warning...), then the compiler's, stdout.
 * Returns the exit status; a refusal, an answer that is not exact or an
 * object that cannot be written compiles here (does not return then).
 * t0: when the job started, for the verbose line.  Frees everything.
 */
static int
take_answer(struct wrap_ctx *w, struct wjob *wj, struct wconn *c,
    struct proto_result *res, char *where, struct proto_buf *src,
    struct proto_buf *cpperr, uint64_t t0)
{
	struct outfile	*o;
	char		 why[1024], err[512], note[80], *reason;

	if ((reason = strchr(where, '\t')) != NULL)
		*reason++ = '\0';
	else
		reason = (char *)"would finish first";
	if (res->refused) {
		snprintf(why, sizeof(why), "%s", res->msg);
		proto_result_free(res);
		go_local(w, c, src, cpperr, why);
	}
	if (!answer_exact(wj->aj.rewrite, res->status, res->errout.data,
	    res->errout.len, cpperr->len, isatty(2), err, sizeof(err))) {
		/*
		 * A compile error or a warning that a compile here would
		 * not print the same (gcc quotes source lines from files
		 * the server does not have): reported once, by that run.
		 */
		snprintf(why, sizeof(why), "%s on %s, compiled again here for "
		    "exact diagnostics", err, where[0] ? where : "the server");
		proto_result_free(res);
		go_local(w, c, src, cpperr, why);
	}
	if (res->status != 0)
		return failed_there(w, wj, res, where, reason, src, cpperr);
	proto_buf_free(src);
	if ((o = outfile_new(wj->output, err, sizeof(err))) == NULL ||
	    outfile_write(o, res->obj.data, res->obj.len, err,
	    sizeof(err)) == -1 || outfile_commit(o, err, sizeof(err)) == -1) {
		outfile_free(o);
		proto_result_free(res);
		go_local(w, c, src, cpperr, err);
	}
	outfile_free(o);
	if (cpperr->len > 0)
		fdio_write_all(2, cpperr->data, cpperr->len);
	if (res->errout.len > 0)
		fdio_write_all(2, res->errout.data, res->errout.len);
	if (res->out.len > 0)
		fdio_write_all(1, res->out.data, res->out.len);
	say_line(w, "%s -> %s: %s; %llu ms, %u ms in its queue%s", wj->srcname,
	    where[0] ? where : "?", reason,
	    (unsigned long long)(mono_ms() - t0), (unsigned)res->queue_ms,
	    say_pp_note(note, sizeof(note)));
	proto_result_free(res);
	proto_buf_free(cpperr);
	return 0;
}

int
remote_compile(struct wrap_ctx *w, struct wjob *wj)
{
	struct wconn	 c;
	struct proto_job job;
	struct proto_result res;
	struct proto_buf src, cpperr;
	char		 why[1024], cwd[PATH_MAX], where[300];
	uint64_t	 t0 = mono_ms();

	switch (wconn_open(&c, w->self_exe, w->verbose, PROTO_VERSION, why,
	    sizeof(why))) {
	case -1:
		here_exec(w, why);
		break;
	case 1:		/* placed here before preprocessing: none needed */
		here_nice(w);
		here_from_source(w, &c, why);
		break;
	}
	preprocess(w, wj, &c, &src, &cpperr);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		go_local(w, &c, &src, &cpperr, "no working directory");
	job_fill(w, wj, &c, &job, cwd, &src, &cpperr);
	proto_result_init(&res);
	if (wconn_exchange(&c, &job, code_bytes((const char *)src.data, src.len), &res,
	    where, sizeof(where), why, sizeof(why)) == -1)
		go_local(w, &c, &src, &cpperr, why);
	if (res.refused && res.reason == PROTO_R_LOCAL)
		here_placed(w, wj, &c, &job, &res, &src, &cpperr);
	wconn_close(&c);
	return take_answer(w, wj, &c, &res, where, &src, &cpperr, t0);
}
