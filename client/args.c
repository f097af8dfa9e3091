/*
 * args.c - compiler argv analysis (see args.h for the contract and for
 * what experiments showed about debug information).
 *
 * Every argument is looked up in one table, ccargs_opts[], by its longest
 * matching name.  An entry says how the option takes its value, where it
 * goes (preprocessor, compile, both, nowhere) or why it keeps the job
 * local.  args_parse() walks argv once (scan_input for an input,
 * scan_option for an option), building cpp_argv and cc_argv as it goes,
 * then decides (decide) and finishes both argvs (finish).  Anything the
 * table does not know keeps the job local: a wrong "local" costs speed, a
 * wrong "remote" costs correctness.
 * ccargs_check() uses the same table on the server side.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/args.h"
#include "common/ccargs_opt.h"
#include "common/err.h"

static const struct {
	const char	*name;
	enum ccargs_lang	 lang;
} xlang[] = {
	{ "c", CCARGS_LANG_C },
	{ "c++", CCARGS_LANG_CXX },
	{ "objective-c", CCARGS_LANG_OBJC },
	{ "objective-c++", CCARGS_LANG_OBJCXX },
	{ "cpp-output", CCARGS_LANG_C },
	{ "c++-cpp-output", CCARGS_LANG_CXX },
	{ "objective-c-cpp-output", CCARGS_LANG_OBJC },
	{ "objc-cpp-output", CCARGS_LANG_OBJC },
	{ "objective-c++-cpp-output", CCARGS_LANG_OBJCXX },
	{ "objc++-cpp-output", CCARGS_LANG_OBJCXX },
};

/* Source suffixes (after the last dot) gcc compiles without -x. */
static const struct {
	const char	*suffix;
	enum ccargs_lang	 lang;
} suffixes[] = {
	{ "c", CCARGS_LANG_C }, { "i", CCARGS_LANG_C },
	{ "cc", CCARGS_LANG_CXX }, { "cp", CCARGS_LANG_CXX },
	{ "cxx", CCARGS_LANG_CXX }, { "cpp", CCARGS_LANG_CXX },
	{ "CPP", CCARGS_LANG_CXX }, { "c++", CCARGS_LANG_CXX },
	{ "C", CCARGS_LANG_CXX }, { "ii", CCARGS_LANG_CXX },
	{ "m", CCARGS_LANG_OBJC }, { "mi", CCARGS_LANG_OBJC },
	{ "mm", CCARGS_LANG_OBJCXX }, { "M", CCARGS_LANG_OBJCXX },
	{ "mii", CCARGS_LANG_OBJCXX },
};

/*
 * Is the input a header gcc would precompile (x.h -> x.h.gch): a header
 * suffix without -x, or an -x ...-header?  Such a command is a
 * precompiled header build, kept here, and said so.
 */
static int
pch_input(const char *src, const char *x)
{
	static const char *const hdr[] = {
		"h", "hh", "H", "hp", "hxx", "hpp", "HPP", "h++", "tcc",
	};
	const char	*base, *dot;
	size_t		 i, n;

	if (x != NULL)
		return (n = strlen(x)) > 7 && strcmp(x + n - 7, "-header") == 0;
	base = strrchr(src, '/');
	base = base ? base + 1 : src;
	if ((dot = strrchr(base, '.')) == NULL || dot == base)
		return 0;
	for (i = 0; i < sizeof(hdr) / sizeof(hdr[0]); i++)
		if (strcmp(dot + 1, hdr[i]) == 0)
			return 1;
	return 0;
}

/* The language of a source named s without -x, or -1 if not a source. */
static int
suffix_lang(const char *s)
{
	const char	*base, *dot;
	size_t		 i;

	base = strrchr(s, '/');
	base = base ? base + 1 : s;
	/* gcc: ".c" alone has no suffix (clang disagrees; be careful) */
	if ((dot = strrchr(base, '.')) == NULL || dot == base)
		return -1;
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (strcmp(dot + 1, suffixes[i].suffix) == 0)
			return suffixes[i].lang;
	return -1;
}

/*
 * Whether src is a build system's probe of the compiler: autoconf's
 * conftest.* (configure), CMake's try_compile directories, Meson's
 * meson-private.  They run one at a time, are tiny, and many are meant
 * to fail: a server only adds its round trip (and a failure was compiled
 * again here for its diagnostics).
 */
static int
configure_test(const char *src)
{
	static const char *const dirs[] = {
		"CMakeTmp/", "CMakeScratch/", "meson-private/"
	};
	const char	*base, *p;
	size_t		 i;

	base = strrchr(src, '/');
	base = base ? base + 1 : src;
	if (strncmp(base, "conftest.", 9) == 0)
		return 1;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		for (p = src; (p = strstr(p, dirs[i])) != NULL; p++)
			if (p == src || p[-1] == '/')
				return 1;
	return 0;
}

/*
 * The basename of src without its suffix followed by ext, as gcc names
 * the output of a compile without -o (".hid.c" -> ".hid.o", "c" -> "c.o").
 */
static char *
derive(const char *src, const char *ext)
{
	const char	*base, *dot;
	char		*r;
	size_t		 n;

	base = strrchr(src, '/');
	base = base ? base + 1 : src;
	dot = strrchr(base, '.');
	n = (dot != NULL && dot != base) ? (size_t)(dot - base) : strlen(base);
	if ((r = malloc(n + strlen(ext) + 1)) == NULL)
		return NULL;
	memcpy(r, base, n);
	memcpy(r + n, ext, strlen(ext) + 1);
	return r;
}

/*
 * The -MD file gcc picks for output out: the suffix of out's last
 * component (from its last dot, even a leading one) replaced by ".d",
 * or ".d" appended ("y.obj" -> "y.d", "a.b/c" -> "a.b/c.d",
 * ".hid" -> ".d").  Checked against gcc 12 and clang 14.
 */
static char *
dep_name(const char *out)
{
	const char	*base, *dot;
	char		*r;
	size_t		 n;

	base = strrchr(out, '/');
	base = base ? base + 1 : out;
	dot = strrchr(base, '.');
	n = dot ? (size_t)(dot - out) : strlen(out);
	if ((r = malloc(n + 3)) == NULL)
		return NULL;
	memcpy(r, out, n);
	memcpy(r + n, ".d", 3);
	return r;
}

/* A growing NULL-terminated argv. */
struct vec {
	char	**v;
	int	  n;
	int	  cap;
};

/*
 * Whether the compile in cc may warn about a missing FALLTHROUGH comment
 * (gcc's -Wimplicit-fallthrough, which -Wextra turns on; clang reads no
 * comments for it): then cpp keeps the comments (-C), or the server
 * would warn where a local compile does not (and a -Werror build would
 * fail).  Otherwise they only cost: with -C the text of server/runner.c
 * was 3.3 times longer (874 KB) and took 1.5 times the CPU to make.
 * Objects are the same either way (line markers keep the lines).
 */
static int
fallthrough_warned(const struct vec *cc)
{
	int		 i;

	for (i = 0; i < cc->n; i++)
		if (cc->v[i] != NULL && (strcmp(cc->v[i], "-W") == 0 ||
		    strncmp(cc->v[i], "-Wextra", 7) == 0 ||
		    strncmp(cc->v[i], "-Wimplicit-fallthrough", 22) == 0))
			return 1;
	return 0;
}

static int
vec_push(struct vec *v, const char *s)
{
	char	**nv;

	if (v->n + 2 > v->cap) {
		int ncap = v->cap ? v->cap * 2 : 16;

		if ((nv = reallocarray(v->v, (size_t)ncap, sizeof(*nv))) ==
		    NULL)
			return -1;
		v->v = nv;
		v->cap = ncap;
	}
	if ((v->v[v->n] = strdup(s)) == NULL)
		return -1;
	v->v[++v->n] = NULL;
	return 0;
}

/*
 * Push opt and val joined into one argument ("-MQ" "x.o" -> "-MQx.o"), so
 * that a value starting with a dash cannot be read as an option.
 */
static int
vec_push2(struct vec *v, const char *opt, const char *val)
{
	char	*s;
	int	 rc;

	if (asprintf(&s, "%s%s", opt, val) == -1)
		return -1;
	rc = vec_push(v, s);
	free(s);
	return rc;
}

static void
vec_free(char **v)
{
	char	**p;

	if (v == NULL)
		return;
	for (p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

void
args_job_clear(struct args_job *job)
{
	if (job == NULL)
		return;
	free(job->source);
	free(job->output);
	free(job->depfile);
	vec_free(job->cpp_argv);
	vec_free(job->cc_argv);
	vec_free(job->mac_argv);
	memset(job, 0, sizeof(*job));
}

/* Copy a piece of untrusted text into a reason, printable and short. */
static void
reason_with(struct args_job *job, const char *what, const char *arg)
{
	char	 safe[32];
	size_t	 i;

	for (i = 0; i < sizeof(safe) - 1 && arg[i] != '\0'; i++) {
		unsigned char c = (unsigned char)arg[i];

		safe[i] = (c > 0x20 && c < 0x7f) ? (char)c : '?';
	}
	safe[i] = '\0';
	snprintf(job->reason, sizeof(job->reason), "%s%s%s", what, safe,
	    arg[i] != '\0' ? "..." : "");
}

/* What the walk over argv found, and the argvs it builds. */
struct scan {
	const char	*opt_reason;	/* first option keeping it local */
	const char	*in_reason;	/* the input's reason, if not a source */
	int		 unknown;	/* index of an unknown option, or 0 */
	int		 c, S, E, M, md, mf, mt;
	int		 ninputs, noutputs;
	const char	*src;		/* argv[] of the first input */
	const char	*out;		/* argv[] of the last -o value */
	int		 lang;		/* of src */
	const char	*badx;		/* unsupported -x of the input */
	const char	*mf_name;
	int		 pch;		/* the input is a header to precompile */
	const char	*xbad;		/* the -x in effect if unsupported */
	int		 xlang;		/* the -x language in effect, or -1 */
	struct vec	 cpp, cc, mac;	/* cpp_argv, cc_argv, mac_argv */
};

static void
scan_free(struct scan *s)
{
	vec_free(s->cpp.v);
	vec_free(s->cc.v);
	vec_free(s->mac.v);
}

/*
 * The sizes ccargs.h allows (argc, each argument, all of them), and
 * gcc's @file, which it expands wherever it is, even an option's value.
 * Returns 0, or 1 with job->reason set (not distributable).
 */
static int
scan_limits(int argc, char *const argv[], struct args_job *job,
    struct scan *s)
{
	size_t		 total = 0, alen;
	int		 i;

	if (argc > CCARGS_ARGC_MAX) {
		snprintf(job->reason, sizeof(job->reason),
		    "too many arguments");
		return 1;
	}
	for (i = 0; i < argc; i++) {
		if (argv[i] == NULL) {
			snprintf(job->reason, sizeof(job->reason),
			    "argv shorter than argc");
			return 1;
		}
		alen = strlen(argv[i]);
		total += alen;
		if (alen > CCARGS_ARG_MAX || total > CCARGS_TOTAL_MAX) {
			snprintf(job->reason, sizeof(job->reason),
			    "arguments too long");
			return 1;
		}
		if (i > 0 && argv[i][0] == '@' && s->opt_reason == NULL)
			s->opt_reason = "@file response file";
	}
	return 0;
}

/*
 * An input file a, in the -x in effect: the first one is the source.
 * Returns 0, or -1 (out of memory).
 */
static int
scan_input(struct scan *s, const char *a)
{
	if (s->ninputs++ == 0) {
		s->src = a;
		s->pch = pch_input(a, s->xbad != NULL ? s->xbad :
		    s->xlang >= 0 ? "" : NULL);
		if (strcmp(a, "-") == 0)
			s->in_reason = "stdin input";
		else if (a[0] == '\0')
			s->in_reason = "empty file name";
		else if (s->xbad != NULL)
			s->badx = s->xbad;
		else if (s->xlang >= 0)
			s->lang = s->xlang;
		else if ((s->lang = suffix_lang(a)) < 0)
			s->in_reason = "not a C/C++ source";
	}
	return vec_push(&s->cpp, a);
}

/*
 * The value of option o, argv[*i]: joined (-Ifoo) or the next argument
 * (-I foo: *i moves past it, *sep is set).  Returns 0 with *val set (NULL:
 * the option takes none), or 1 when the option is skipped (its value is
 * missing: noted in s).
 */
static int
scan_value(struct scan *s, const struct ccargs_opt *o, int argc,
    char *const argv[], int *i, const char **val, int *sep)
{
	const char	*a = argv[*i];

	*val = NULL;
	*sep = 0;
	if (o->kind == K_SEP || (o->kind == K_JS &&
	    a[strlen(o->name)] == '\0')) {
		if (*i + 1 >= argc) {
			if (s->opt_reason == NULL)
				s->opt_reason = "missing argument";
			return 1;
		}
		*val = argv[++*i];
		*sep = 1;
		/* gcc reads "-I -" or "-I ''" unlike "-I-": refuse */
		if (((*val)[0] == '-' || (*val)[0] == '\0') &&
		    o->special != S_LOCAL && s->opt_reason == NULL &&
		    !(o->special == S_O && strcmp(*val, "-") == 0))
			s->opt_reason = "odd option value";
	} else if (o->kind == K_JS)
		*val = a + strlen(o->name);
	if (*val == NULL && (o->special == S_MF || o->special == S_O ||
	    o->special == S_X))
		return 1;	/* cannot happen: these take values */
	return 0;
}

/* -x val: the language of the inputs after it ("none": by suffix). */
static void
scan_x(struct scan *s, const char *val)
{
	size_t		 j;

	s->xbad = NULL;
	s->xlang = -1;
	if (strcmp(val, "none") == 0)
		return;
	for (j = 0; j < sizeof(xlang) / sizeof(xlang[0]); j++)
		if (strcmp(val, xlang[j].name) == 0)
			s->xlang = (int)xlang[j].lang;
	if (s->xlang < 0)
		s->xbad = val;
}

/*
 * -MF val: the dependency file cpp writes, which must not be stdout.
 * The other dependency options (-M, -MD, -MT) only set their flag.
 */
static void
scan_mf(struct scan *s, const char *val)
{
	s->mf = 1;
	s->mf_name = val;
	if ((val[0] == '\0' || strcmp(val, "-") == 0) &&
	    s->opt_reason == NULL)
		s->opt_reason = "dependencies to stdout";
}

/*
 * What option o (the argument a, its value val) says about the job, by
 * its table entry's special kind: a reason to keep it local, a mode, an
 * output, a language, debug information, no -frewrite-includes.
 */
static void
scan_special(struct scan *s, struct args_job *job,
    const struct ccargs_opt *o, const char *a, const char *val)
{
	const char	*greason = NULL;

	switch (o->special) {
	case S_LOCAL:
		if (s->opt_reason == NULL)
			s->opt_reason = o->reason;
		break;
	case S_C:
		s->c = 1;
		break;
	case S_S:
		s->S = 1;
		break;
	case S_E:
		s->E = 1;
		break;
	case S_M:
		s->M = 1;
		break;
	case S_MD:
		s->md = 1;
		break;
	case S_MF:
		scan_mf(s, val);
		break;
	case S_MT:
		s->mt = 1;
		break;
	case S_O:
		s->noutputs++;
		s->out = val;
		break;
	case S_X:
		scan_x(s, val);
		break;
	case S_G:
		if (ccargs_g_option(a, &job->debug, &greason) &&
		    s->opt_reason == NULL)
			s->opt_reason = greason;
		break;
	case S_WA:
		if (!ccargs_wa_harmless(a) && s->opt_reason == NULL)
			s->opt_reason = "-Wa, assembler option";
		break;
	case S_NORW:
		if (job->norw[0] == '\0')
			snprintf(job->norw, sizeof(job->norw), "%s",
			    o->reason);
		break;
	default:
		break;
	}
}

/*
 * The option argv[*i] (*i moves past a separate value): noted in s and
 * job, and pushed to the argvs its table entry names.  An option the
 * table does not know is noted (the first one).  Returns 0, or -1 (out
 * of memory).
 */
static int
scan_option(struct scan *s, struct args_job *job, int argc,
    char *const argv[], int *i)
{
	const struct ccargs_opt *o;
	const char	*a = argv[*i], *val;
	int		 sep;

	if ((o = ccargs_lookup(a)) == NULL) {
		if (s->unknown == 0)
			s->unknown = *i;
		return 0;
	}
	if (scan_value(s, o, argc, argv, i, &val, &sep) == 1)
		return 0;
	scan_special(s, job, o, a, val);
	if ((o->dest & D_CPP) && (vec_push(&s->cpp, a) == -1 ||
	    (sep && vec_push(&s->cpp, val) == -1)))
		return -1;
	if ((o->dest & D_CC) && (vec_push(&s->cc, a) == -1 ||
	    (sep && vec_push(&s->cc, val) == -1)))
		return -1;
	if ((o->dest & D_MAC) && val != NULL &&
	    vec_push2(&s->mac, o->name, val) == -1)
		return -1;
	return 0;
}

/*
 * Decide, the most telling reason first: job->reason says why the job
 * stays here, or stays "" (distributable if there is a source).
 */
static void
decide(struct args_job *job, const struct scan *s, char *const argv[])
{
	if (s->E)
		snprintf(job->reason, sizeof(job->reason), "-E");
	else if (s->M)
		snprintf(job->reason, sizeof(job->reason),
		    "-M without compile");
	else if (s->pch)
		snprintf(job->reason, sizeof(job->reason),
		    "precompiled header");
	else if (!s->c && !s->S)
		snprintf(job->reason, sizeof(job->reason), "%s",
		    s->ninputs ? "linking" : "no -c or -S");
	else if (s->opt_reason != NULL)
		snprintf(job->reason, sizeof(job->reason), "%s",
		    s->opt_reason);
	else if (s->unknown)
		reason_with(job, "unsupported option ", argv[s->unknown]);
	else if (s->ninputs == 0)
		snprintf(job->reason, sizeof(job->reason), "no input file");
	else if (s->ninputs > 1)
		snprintf(job->reason, sizeof(job->reason), "several sources");
	else if (s->in_reason != NULL)
		snprintf(job->reason, sizeof(job->reason), "%s", s->in_reason);
	else if (configure_test(s->src))
		snprintf(job->reason, sizeof(job->reason), "configure test");
	else if (s->badx)
		reason_with(job, "unsupported -x ", s->badx);
	else if (s->noutputs > 1)
		snprintf(job->reason, sizeof(job->reason), "several -o");
	else if (s->out != NULL && strcmp(s->out, "-") == 0)
		snprintf(job->reason, sizeof(job->reason), "output to stdout");
	else if (s->out != NULL && (s->out[0] == '\0' ||
	    s->out[strlen(s->out) - 1] == '/'))
		snprintf(job->reason, sizeof(job->reason), "bad output name");
}

/*
 * -MD/-MMD: under -E the driver would take the dependency target and
 * file from the wrong output; name both as a compile would.  The default
 * target is quoted as -MQ quotes ("$" -> "$$").  Both are added in joined
 * form (-MQx.o, -MFx.d).  Returns 0, or -1 (out of memory).
 */
static int
finish_deps(struct args_job *job, struct scan *s)
{
	char	*tmp;

	if (!s->mt) {
		if (s->out != NULL)
			tmp = strdup(s->out);
		else
			tmp = derive(s->src, ".o");
		if (tmp == NULL || vec_push2(&s->cpp, "-MQ", tmp) == -1) {
			free(tmp);
			return -1;
		}
		free(tmp);
	}
	if (s->mf)
		job->depfile = strdup(s->mf_name);
	else
		job->depfile = dep_name(job->output);
	if (job->depfile == NULL)
		return -1;
	if (!s->mf && vec_push2(&s->cpp, "-MF", job->depfile) == -1)
		return -1;
	return 0;
}

/*
 * Distributable: the mode, language, source and output into job, and
 * both argvs finished.  Returns 0, or -1 (out of memory).
 */
static int
finish(struct args_job *job, struct scan *s)
{
	job->mode = s->S ? 'S' : 'c';	/* gcc: -S wins over -c */
	job->lang = (enum ccargs_lang)s->lang;
	if (s->S)
		s->cc.v[1][1] = 'S';
	if ((job->source = strdup(s->src)) == NULL)
		return -1;
	if (s->out != NULL)
		job->output = strdup(s->out);
	else
		job->output = derive(s->src, s->S ? ".s" : ".o");
	if (job->output == NULL)
		return -1;
	if (vec_push(&s->cpp, "-E") == -1 ||
	    (fallthrough_warned(&s->cc) && vec_push(&s->cpp, "-C") == -1))
		return -1;
	if (s->md && finish_deps(job, s) == -1)
		return -1;
	return 0;
}

/*
 * The server adds the input itself: a compile option whose value names
 * the source is odd.  Then the job is not distributable: everything
 * finish() stored is dropped, job->reason says why.  Returns 1 then,
 * else 0.
 */
static int
names_source(struct args_job *job, struct scan *s)
{
	int	 j;

	for (j = 1; j < s->cc.n; j++)
		if (strcmp(s->cc.v[j], job->source) == 0)
			break;
	if (j == s->cc.n)
		return 0;
	free(job->source);
	free(job->output);
	free(job->depfile);
	job->source = job->output = job->depfile = NULL;
	scan_free(s);
	snprintf(job->reason, sizeof(job->reason),
	    "option value names the source");
	job->norw[0] = '\0';
	job->debug = 0;
	job->mode = 0;
	job->lang = 0;
	return 1;
}

int
args_parse(int argc, char *const argv[], struct args_job *job, char *err,
    size_t errlen)
{
	struct scan	 s;
	int		 i;

	memset(job, 0, sizeof(*job));
	memset(&s, 0, sizeof(s));
	s.lang = -1;
	s.xlang = -1;
	if (argc < 1 || argv == NULL || argv[0] == NULL) {
		err_set(err, errlen, "empty argv");
		return -1;
	}
	if (scan_limits(argc, argv, job, &s))
		return 0;
	if (vec_push(&s.cpp, argv[0]) == -1 || vec_push(&s.cc, argv[0]) == -1 ||
	    vec_push(&s.cc, "-c") == -1)
		goto oom;
	/* one pass: inputs and options, in order (-x applies to what follows) */
	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-' || argv[i][1] == '\0') {
			if (scan_input(&s, argv[i]) == -1)
				goto oom;
		} else if (scan_option(&s, job, argc, argv, &i) == -1)
			goto oom;
	}
	decide(job, &s, argv);
	if (job->reason[0] != '\0' || s.src == NULL) {
		scan_free(&s);
		job->debug = 0;
		job->norw[0] = '\0';
		return 0;
	}
	if (finish(job, &s) == -1)
		goto oom;
	if (names_source(job, &s))
		return 0;
	job->cpp_argv = s.cpp.v;
	job->cpp_argc = s.cpp.n;
	job->cc_argv = s.cc.v;
	job->cc_argc = s.cc.n;
	job->mac_argv = s.mac.v;
	job->mac_argc = s.mac.n;
	job->distributable = 1;
	return 0;
 oom:
	scan_free(&s);
	args_job_clear(job);
	err_set(err, errlen, "out of memory");
	return -1;
}

int
args_cc_append(struct args_job *job, const char *arg, char *err,
    size_t errlen)
{
	struct vec	 v;

	if (!job->distributable || job->cc_argv == NULL) {
		err_set(err, errlen, "job not distributable");
		return -1;
	}
	if (job->cc_argc + 1 > CCARGS_ARGC_MAX) {
		err_set(err, errlen, "too many arguments");
		return -1;
	}
	v.v = job->cc_argv;
	v.n = job->cc_argc;
	v.cap = job->cc_argc + 1;	/* at least; forces a checked grow */
	if (vec_push(&v, arg) == -1) {
		err_set(err, errlen, "out of memory");
		return -1;
	}
	job->cc_argv = v.v;
	job->cc_argc = v.n;
	return 0;
}

int
args_rewrite_includes(struct args_job *job, char *err, size_t errlen)
{
	struct vec	 cpp, cc;
	int		 i;

	if (!job->distributable || job->cpp_argv == NULL) {
		err_set(err, errlen, "job not distributable");
		return -1;
	}
	if (job->rewrite)
		return 1;
	if (job->norw[0] != '\0')
		return 0;
	if (job->cc_argc + job->mac_argc > CCARGS_ARGC_MAX ||
	    job->cpp_argc + 1 > CCARGS_ARGC_MAX) {
		snprintf(job->norw, sizeof(job->norw), "too many arguments");
		return 0;
	}
	cpp.v = job->cpp_argv;
	cpp.n = cpp.cap = job->cpp_argc;	/* forces a checked grow */
	if (vec_push(&cpp, "-frewrite-includes") == -1)
		goto oom;
	job->cpp_argv = cpp.v;
	job->cpp_argc = cpp.n;
	cc.v = job->cc_argv;
	cc.n = cc.cap = job->cc_argc;
	for (i = 0; i < job->mac_argc; i++)
		if (vec_push(&cc, job->mac_argv[i]) == -1) {
			job->cc_argv = cc.v;
			job->cc_argc = cc.n;
			goto oom;
		}
	job->cc_argv = cc.v;
	job->cc_argc = cc.n;
	job->rewrite = 1;
	return 1;
 oom:
	err_set(err, errlen, "out of memory");
	return -1;
}
