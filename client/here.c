/*
 * here.c - compiling a job on this machine (see here.h): here_exec() for
 * the original command, here_placed() for the text the agent placed here.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/answer.h"
#include "client/fdio.h"
#include "client/here.h"
#include "client/outfile.h"
#include "client/run.h"
#include "client/say.h"

void
here_exec(const struct wrap_ctx *w, const char *why)
{
	char	 note[80];

	say_line(w, "%s here: %s%s", say_job_name(w), why, say_pp_note(note,
	    sizeof(note)));
	fflush(stderr);
	execv(w->real, w->argv);
	fprintf(stderr, "ccpool: %s: %s\n", w->real, strerror(errno));
	_exit(127);
}

void
here_nice(const struct wrap_ctx *w)
{
	errno = 0;
	if (nice(19) == -1 && errno != 0)
		say_line(w, "nice: %s", strerror(errno));
}

void
here_from_source(const struct wrap_ctx *w, struct wconn *c, const char *why)
{
	int	 fl;

	proto_buf_free(&c->in);
	if ((fl = fcntl(c->fd, F_GETFD)) != -1)
		(void)fcntl(c->fd, F_SETFD, fl & ~FD_CLOEXEC);
	here_exec(w, why);
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
	if (fdio_write_all(fd, src->data, src->len) == -1) {
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

void
here_placed(struct wrap_ctx *w, struct wjob *wj, struct wconn *c,
    struct proto_job *job, struct proto_result *res, struct proto_buf *src,
    struct proto_buf *cpperr)
{
	struct proto_buf out, eo;
	char		 why[300], err[512], note[80], again[400];
	int		 st;

	snprintf(why, sizeof(why), "%s", res->msg);
	proto_result_free(res);
	here_nice(w);
	proto_buf_init(&out);
	proto_buf_init(&eo);
	if (compile_here(w, wj, job->argv, src, c->lim.max_output, &out, &eo,
	    &st, err, sizeof(err)) == 0 && answer_exact(wj->aj.rewrite,
	    (uint32_t)st, eo.data, eo.len, cpperr->len, isatty(2), err,
	    sizeof(err))) {
		if (cpperr->len > 0)
			fdio_write_all(2, cpperr->data, cpperr->len);
		if (eo.len > 0)
			fdio_write_all(2, eo.data, eo.len);
		if (out.len > 0)
			fdio_write_all(1, out.data, out.len);
		say_line(w, "%s here: %s%s%s", wj->srcname, why, eo.len > 0 ?
		    ", its diagnostics exact" : "", say_pp_note(note,
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
