/*
 * dcc_args.c - a stock distcc request made into a ccpool job (see
 * dcc_wire.h): its compiler by name, its input file's language, and its
 * options under the one argv policy of common/ccargs.c.
 *
 * distcc sends the whole compile command, e.g. "x86_64-linux-gnu-gcc -O2
 * -c a.c -o a.o", with the preprocessed a.c as DOTI.  The runner runs
 * "<compiler> <options> -x <lang>-cpp-output -o job.o job.i" (doc/
 * server.md, section 3), so the input file and -o are taken out here and
 * what is left must pass ccargs_check(), exactly as a ccpool job's argv:
 * nothing that loads code (-fplugin=, -specs=, -B, -wrapper), reads or
 * writes files (@file, -o elsewhere) or runs anything else.  Start at
 * dcc_req_job().
 */
#include <stdlib.h>
#include <string.h>

#include "common/ccargs.h"
#include "common/ccargs_opt.h"
#include "common/err.h"
#include "server/dcc_wire.h"

/* The language of a source file name by its suffix; -1 if none. */
static int
lang_of(const char *name)
{
	static const struct {
		const char	*suffix;
		enum proto_lang	 lang;
	} s[] = {
		{ ".c", PROTO_LANG_C }, { ".i", PROTO_LANG_C },
		{ ".cc", PROTO_LANG_CXX }, { ".cp", PROTO_LANG_CXX },
		{ ".cxx", PROTO_LANG_CXX }, { ".cpp", PROTO_LANG_CXX },
		{ ".CPP", PROTO_LANG_CXX }, { ".c++", PROTO_LANG_CXX },
		{ ".C", PROTO_LANG_CXX }, { ".ii", PROTO_LANG_CXX },
		{ ".m", PROTO_LANG_OBJC }, { ".mi", PROTO_LANG_OBJC },
		{ ".mm", PROTO_LANG_OBJCXX }, { ".M", PROTO_LANG_OBJCXX },
		{ ".mii", PROTO_LANG_OBJCXX },
	};
	const char	*dot = strrchr(name, '.');
	size_t		 i;

	if (dot == NULL || strchr(dot, '/') != NULL)
		return -1;
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (strcmp(dot, s[i].suffix) == 0)
			return (int)s[i].lang;
	return -1;
}

/* The toolchain one of whose names is name, or NULL. */
static const struct ipc_tc *
tc_named(const struct ipc_tc *tc, size_t ntc, const char *name)
{
	size_t		 i, n = strlen(name);
	const char	*p;

	for (i = 0; i < ntc; i++)
		for (p = tc[i].alias; (p = strstr(p, name)) != NULL; p += n)
			if ((p == tc[i].alias || p[-1] == ' ') &&
			    (p[n] == ' ' || p[n] == '\0'))
				return &tc[i];
	return NULL;
}

/* Does argument a take the next one as its value? */
static int
takes_next(const char *a)
{
	const struct ccargs_opt *o = ccargs_lookup(a);

	return o != NULL && (o->kind == K_SEP ||
	    (o->kind == K_JS && strcmp(a, o->name) == 0));
}

/*
 * Split r's argv into kept (argv[0] and the options; pointers into r)
 * and the input file.  Returns 0, or -1 with err set.
 */
static int
split(const struct dcc_req *r, char **kept, uint32_t *nkept,
    const char **input, char *err, size_t errlen)
{
	uint32_t i, k = 0;
	const char *a;

	*input = NULL;
	kept[k++] = r->argv[0];
	for (i = 1; i < r->argc; i++) {
		a = r->argv[i];
		if (strcmp(a, "-o") == 0) {
			i++;	/* and its file: the runner names its own */
			continue;
		}
		if (strncmp(a, "-o", 2) == 0)
			continue;
		if (a[0] == '-' || a[0] == '@') {
			kept[k++] = r->argv[i];
			if (takes_next(a) && i + 1 < r->argc)
				kept[k++] = r->argv[++i];
			continue;
		}
		if (*input != NULL) {
			err_set(err, errlen, "more than one input file");
			return -1;
		}
		*input = a;
	}
	if (*input == NULL) {
		err_set(err, errlen, "no input file");
		return -1;
	}
	kept[k] = NULL;
	*nkept = k;
	return 0;
}

static int
has_mode(char *const *argv, uint32_t argc)
{
	uint32_t i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "-S") == 0)
			return 1;
	return 0;
}

/* j takes copies of kept and the strings, and r's source. */
static int
fill_job(struct dcc_req *r, const struct ipc_tc *t, int lang, uint32_t id,
    char **kept, uint32_t nkept, const char *input, struct proto_job *j)
{
	uint32_t i;

	j->id = id;
	j->lang = (enum proto_lang)lang;
	j->want = 0;
	if ((j->tcid = strdup(t->id)) == NULL ||
	    (j->cwd = strdup("/")) == NULL ||
	    (j->srcname = strdup(input)) == NULL ||
	    (j->argv = calloc((size_t)nkept + 1, sizeof(char *))) == NULL)
		return -1;
	for (i = 0; i < nkept; i++, j->argc++)
		if ((j->argv[i] = strdup(kept[i])) == NULL)
			return -1;
	j->src = r->src;
	proto_buf_init(&r->src);
	return 0;
}

int
dcc_req_job(struct dcc_req *r, const struct ipc_tc *tc, size_t ntc,
    uint32_t id, struct proto_job *j, int *code, uint32_t *reason,
    char *err, size_t errlen)
{
	const struct ipc_tc *t;
	const char	*input;
	char		**kept, why[256];
	uint32_t	 nkept = 0;
	int		 lang, rc = -1;

	*code = DCC_EXIT_COMPILER_MISSING;
	*reason = PROTO_R_TOOLCHAIN;
	if (strchr(r->argv[0], '/') != NULL) {
		err_set(err, errlen, "compiler named by a path; distcc jobs "
		    "name a compiler by its name (gcc, cc, ...)");
		return -1;
	}
	if ((t = tc_named(tc, ntc, r->argv[0])) == NULL) {
		err_set(err, errlen, "no compiler of that name here (the "
		    "names on this server's status page's toolchains)");
		return -1;
	}
	*code = DCC_EXIT_ACCESS_DENIED;
	*reason = PROTO_R_NOTCOMPILE;
	if ((kept = calloc((size_t)r->argc + 1, sizeof(char *))) == NULL) {
		err_set(err, errlen, "out of memory");
		return -1;
	}
	if (split(r, kept, &nkept, &input, err, errlen) == -1)
		goto done;
	if ((lang = lang_of(input)) == -1) {
		err_set(err, errlen, "input file is not C, C++ or "
		    "Objective-C by its name");
		goto done;
	}
	if (!has_mode(kept, nkept)) {
		err_set(err, errlen, "no -c or -S: not a single compile");
		goto done;
	}
	*reason = PROTO_R_POLICY;
	if (ccargs_check((int)nkept, kept, why, sizeof(why)) == -1) {
		err_set(err, errlen, "compile options refused: %s", why);
		goto done;
	}
	*code = DCC_EXIT_OUT_OF_MEMORY;
	*reason = PROTO_R_INTERNAL;
	if (fill_job(r, t, lang, id, kept, nkept, input, j) == -1) {
		proto_job_free(j);
		err_set(err, errlen, "out of memory");
		goto done;
	}
	rc = 0;
done:
	free(kept);
	return rc;
}
