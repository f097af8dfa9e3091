/*
 * wrap.c - the wrapper's entry points: one compile job (wrap_compile) and
 * the queries --hosts and -j (wrap_hosts); see wrap.h, and doc/client.md
 * for the whole path of a job.
 *
 * wrap_compile(): argv analysis (client/args.h) -> not distributable:
 * exec the real compiler (client/here.c).  Otherwise the remote path
 * (client/remote.c): hello to the agent (client/wconn.c, which may say
 * "local"), local preprocessing, the job to the agent, and its answer
 * written out: object atomically (outfile.c), stdout, exit status.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/args.h"
#include "client/here.h"
#include "client/masq.h"
#include "client/outfile.h"
#include "client/remote.h"
#include "client/wconn.h"
#include "client/wrap.h"
#include "common/cpuquota.h"

int
wrap_hosts(const char *self_exe, int jobs)
{
	struct wconn	 c;
	char		 why[512], err[256], line[1100];
	char		*f[11], *p;
	long		 cores = cpuquota_ncpu(), slots = 0;
	int		 rc, i, n = 0;

	if (cores < 1)
		cores = 1;
	if (wconn_open(&c, self_exe, 0, 0, why, sizeof(why)) != 0) {
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
		if ((rc = wconn_read(&c, 10000, err, sizeof(err))) != 1) {
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
		here_exec(w, why);
	}
	/* the job's strings outlive args_job_clear: here_exec may need them */
	snprintf(src, sizeof(src), "%s", w->src);
	w->src = src;
	outfile_catch_signals();
	rc = remote_compile(w, &wj);
	args_job_clear(&wj.aj);
	return rc;
}
