/*
 * ccargs.c - the compiler option table both sides judge argv with (see
 * ccargs.h), and the server's check of a compile argv.
 *
 * Every argument is looked up in one table, ccargs_opts[], by its longest
 * matching name.  An entry says how the option takes its value, where it
 * goes (preprocessor, compile, both, nowhere) or why it keeps the job
 * local.  Anything the table does not know keeps the job local (wrapper)
 * or is refused (server): a wrong "local" costs speed, a wrong "remote"
 * costs correctness.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ccargs.h"
#include "common/ccargs_opt.h"
#include "common/err.h"

#define LOCAL(n, k, r)	{ n, k, D_NONE, S_LOCAL, r }

const struct ccargs_opt ccargs_opts[] = {
	/* what to do */
	{ "-c", K_FLAG, D_NONE, S_C, NULL },
	{ "-S", K_FLAG, D_NONE, S_S, NULL },
	{ "-E", K_FLAG, D_CPP, S_E, NULL },
	{ "-o", K_JS, D_NONE, S_O, NULL },
	{ "-x", K_JS, D_CPP, S_X, NULL },
	{ "-M", K_FLAG, D_CPP, S_M, NULL },
	{ "-MM", K_FLAG, D_CPP, S_M, NULL },
	{ "-MD", K_FLAG, D_CPP, S_MD, NULL },
	{ "-MMD", K_FLAG, D_CPP, S_MD, NULL },
	{ "-MF", K_JS, D_CPP, S_MF, NULL },
	{ "-MT", K_JS, D_CPP, S_MT, NULL },
	{ "-MQ", K_JS, D_CPP, S_MT, NULL },
	{ "-MP", K_FLAG, D_CPP, S_NONE, NULL },
	{ "-MG", K_FLAG, D_CPP, S_NONE, NULL },
	LOCAL("-MJ", K_JS, "-MJ"),

	/* preprocessor only */
	{ "-I", K_JS, D_CPP, S_NONE, NULL },
	{ "-D", K_JS, D_CPP | D_MAC, S_NONE, NULL },
	{ "-U", K_JS, D_CPP | D_MAC, S_NONE, NULL },
	{ "-A", K_JS, D_CPP, S_NONE, NULL },
	{ "-F", K_JS, D_CPP, S_NONE, NULL },
	/* text before the source's: clang's -frewrite-includes output would
	   name "<built-in>" first, which the object would take for its name */
	{ "-include", K_JS, D_CPP, S_NORW, "-include" },
	{ "-imacros", K_JS, D_CPP, S_NORW, "-imacros" },
	{ "-isystem", K_JS, D_CPP, S_NONE, NULL },
	{ "-isystem-after", K_JS, D_CPP, S_NONE, NULL },
	{ "-cxx-isystem", K_JS, D_CPP, S_NONE, NULL },
	{ "-idirafter", K_JS, D_CPP, S_NONE, NULL },
	{ "-iquote", K_JS, D_CPP, S_NONE, NULL },
	{ "-iprefix", K_JS, D_CPP, S_NONE, NULL },
	{ "-iwithprefix", K_JS, D_CPP, S_NONE, NULL },
	{ "-iwithprefixbefore", K_JS, D_CPP, S_NONE, NULL },
	{ "-isysroot", K_JS, D_CPP, S_NONE, NULL },
	{ "-imultilib", K_JS, D_CPP, S_NONE, NULL },
	{ "-imultiarch", K_JS, D_CPP, S_NONE, NULL },
	{ "-iframework", K_JS, D_CPP, S_NONE, NULL },
	{ "-ivfsoverlay", K_JS, D_CPP, S_NONE, NULL },
	{ "-nostdinc", K_FLAG, D_CPP, S_NONE, NULL },
	{ "-nostdinc++", K_FLAG, D_CPP, S_NONE, NULL },
	{ "-undef", K_FLAG, D_CPP, S_NORW, "-undef" },
	{ "-H", K_FLAG, D_CPP, S_NONE, NULL },
	{ "-remap", K_FLAG, D_CPP, S_NONE, NULL },
	{ "-traditional-cpp", K_FLAG, D_CPP, S_NORW, "-traditional-cpp" },
	{ "-finput-charset=", K_PREFIX, D_CPP, S_NONE, NULL },
	{ "-fworking-directory", K_FLAG, D_CPP, S_NONE, NULL },
	/* only change -E output; a compile ignores them, so must we */
	{ "-P", K_FLAG, D_NONE, S_NONE, NULL },
	{ "-C", K_FLAG, D_NONE, S_NONE, NULL },
	{ "-CC", K_FLAG, D_NONE, S_NONE, NULL },

	/* both: they also define macros or change the language */
	{ "-O", K_PREFIX, D_BOTH, S_NONE, NULL },
	{ "-f", K_PREFIX, D_BOTH, S_NONE, NULL },
	{ "-m", K_PREFIX, D_BOTH, S_NONE, NULL },
	{ "-g", K_PREFIX, D_BOTH, S_G, NULL },
	{ "-W", K_PREFIX, D_BOTH, S_NONE, NULL },
	{ "-Wa,", K_PREFIX, D_BOTH, S_WA, NULL },
	{ "-w", K_FLAG, D_BOTH, S_NONE, NULL },
	{ "-std=", K_PREFIX, D_BOTH, S_NONE, NULL },
	{ "-stdlib=", K_PREFIX, D_BOTH, S_NONE, NULL },
	{ "-ansi", K_FLAG, D_BOTH, S_NONE, NULL },
	{ "-pedantic", K_PREFIX, D_BOTH, S_NONE, NULL },
	{ "-trigraphs", K_FLAG, D_BOTH, S_NONE, NULL },
	{ "-p", K_FLAG, D_BOTH, S_NONE, NULL },
	{ "-pg", K_FLAG, D_BOTH, S_NONE, NULL },
	{ "-pipe", K_FLAG, D_BOTH, S_NONE, NULL },
	{ "-pthread", K_FLAG, D_BOTH, S_NONE, NULL },
	{ "--param", K_SEP, D_BOTH, S_NONE, NULL },
	{ "--param=", K_PREFIX, D_BOTH, S_NONE, NULL },
	{ "-target", K_SEP, D_BOTH, S_NONE, NULL },
	{ "--target=", K_PREFIX, D_BOTH, S_NONE, NULL },
	{ "-no-canonical-prefixes", K_FLAG, D_BOTH, S_NONE, NULL },
	{ "-Qunused-arguments", K_FLAG, D_BOTH, S_NONE, NULL },
	{ "-integrated-as", K_FLAG, D_BOTH, S_NONE, NULL },
	{ "-no-integrated-as", K_FLAG, D_BOTH, S_NONE, NULL },

	/*
	 * linking only: a compile with -c or -S ignores them, but clang's
	 * driver says so ("argument unused during compilation"), in the
	 * preprocessing as in a compile: cpp gets them and says it, as a
	 * compile here would (gcc says nothing of them either way)
	 */
	{ "-l", K_JS, D_CPP, S_NONE, NULL },
	{ "-L", K_JS, D_CPP, S_NONE, NULL },
	{ "-T", K_JS, D_CPP, S_NONE, NULL },
	{ "-u", K_JS, D_CPP, S_NONE, NULL },
	{ "-z", K_JS, D_CPP, S_NONE, NULL },
	{ "-Wl,", K_PREFIX, D_CPP, S_NONE, NULL },
	{ "-Xlinker", K_SEP, D_CPP, S_NONE, NULL },
	{ "-fuse-ld=", K_PREFIX, D_CPP, S_NONE, NULL },
	{ "-rtlib=", K_PREFIX, D_CPP, S_NONE, NULL },
	{ "-shared", K_PREFIX, D_CPP, S_NONE, NULL },
	{ "-static", K_PREFIX, D_CPP, S_NONE, NULL },
	{ "-nostdlib", K_PREFIX, D_CPP, S_NONE, NULL },
	{ "-nodefaultlibs", K_FLAG, D_CPP, S_NONE, NULL },
	{ "-nostartfiles", K_FLAG, D_CPP, S_NONE, NULL },
	{ "-nolibc", K_FLAG, D_CPP, S_NONE, NULL },
	{ "-rdynamic", K_FLAG, D_CPP, S_NONE, NULL },
	{ "-pie", K_FLAG, D_CPP, S_NONE, NULL },
	{ "-no-pie", K_FLAG, D_CPP, S_NONE, NULL },
	{ "-s", K_FLAG, D_CPP, S_NONE, NULL },
	{ "-r", K_FLAG, D_CPP, S_NONE, NULL },

	/* load code, or name a different toolchain: never on a server */
	LOCAL("-fplugin", K_PREFIX, "-fplugin"),
	LOCAL("-fpass-plugin", K_PREFIX, "-fplugin"),
	LOCAL("-specs=", K_PREFIX, "-specs="),
	LOCAL("--specs", K_PREFIX, "-specs="),
	LOCAL("-B", K_JS, "-B"),
	LOCAL("-wrapper", K_SEP, "-wrapper"),
	LOCAL("-iplugindir=", K_PREFIX, "-iplugindir"),
	LOCAL("--sysroot", K_SEP, "--sysroot"),
	LOCAL("--sysroot=", K_PREFIX, "--sysroot"),
	LOCAL("--gcc-toolchain", K_PREFIX, "--gcc-toolchain"),
	LOCAL("--gcc-install-dir", K_PREFIX, "--gcc-toolchain"),
	LOCAL("-resource-dir", K_JS, "-resource-dir"),
	LOCAL("-Xclang", K_SEP, "-Xclang"),
	LOCAL("-mllvm", K_SEP, "-mllvm"),
	LOCAL("-Xpreprocessor", K_SEP, "-Xpreprocessor"),
	LOCAL("-Xassembler", K_SEP, "-Xassembler"),
	LOCAL("-Wp,", K_PREFIX, "-Wp, preprocessor options"),
	LOCAL("-foffload", K_PREFIX, "-foffload"),
	/* result depends on the machine that compiles */
	LOCAL("-march=native", K_FLAG, "-march=native"),
	LOCAL("-mtune=native", K_FLAG, "-march=native"),
	LOCAL("-mcpu=native", K_FLAG, "-march=native"),

	/* read or write files beside the object, or only on this host */
	LOCAL("--coverage", K_FLAG, "coverage"),
	LOCAL("-fcoverage", K_PREFIX, "coverage"),
	LOCAL("-ftest-coverage", K_FLAG, "coverage"),
	LOCAL("-fprofile", K_PREFIX, "profile feedback"),
	LOCAL("-fauto-profile", K_PREFIX, "profile feedback"),
	LOCAL("-fcs-profile", K_PREFIX, "profile feedback"),
	LOCAL("-fbranch-probabilities", K_FLAG, "profile feedback"),
	LOCAL("-fmemory-profile", K_PREFIX, "profile feedback"),
	LOCAL("-save-temps", K_PREFIX, "-save-temps"),
	LOCAL("--save-temps", K_PREFIX, "-save-temps"),
	LOCAL("-fdump-", K_PREFIX, "-fdump-*"),
	LOCAL("-fcallgraph-info", K_PREFIX, "-fcallgraph-info"),
	LOCAL("-fstack-usage", K_FLAG, "-fstack-usage"),
	LOCAL("-fopt-info", K_PREFIX, "-fopt-info"),
	LOCAL("-fsave-optimization-record", K_PREFIX, "optimization record"),
	LOCAL("-foptimization-record", K_PREFIX, "optimization record"),
	LOCAL("-frecord-gcc-switches", K_FLAG, "-frecord-gcc-switches"),
	LOCAL("-frecord-command-line", K_FLAG, "-frecord-gcc-switches"),
	LOCAL("-fmodules", K_PREFIX, "modules"),
	LOCAL("-fmodule-", K_PREFIX, "modules"),
	LOCAL("-fcxx-modules", K_FLAG, "modules"),
	LOCAL("-fimplicit-module", K_PREFIX, "modules"),
	LOCAL("-fprebuilt-module", K_PREFIX, "modules"),
	LOCAL("-fbuild-session", K_PREFIX, "modules"),
	LOCAL("-fsanitize-ignorelist", K_PREFIX, "sanitizer list file"),
	LOCAL("-fsanitize-blacklist", K_PREFIX, "sanitizer list file"),
	LOCAL("-fsanitize-system-", K_PREFIX, "sanitizer list file"),
	LOCAL("-fsanitize-coverage-allowlist", K_PREFIX, "sanitizer list file"),
	LOCAL("-fsanitize-coverage-ignorelist", K_PREFIX,
	    "sanitizer list file"),
	LOCAL("-fsanitize-coverage-blocklist", K_PREFIX,
	    "sanitizer list file"),
	LOCAL("-fsanitize-coverage-whitelist", K_PREFIX,
	    "sanitizer list file"),
	LOCAL("-fsanitize-coverage-blacklist", K_PREFIX,
	    "sanitizer list file"),
	LOCAL("-fxray-attr-list", K_PREFIX, "xray list file"),
	LOCAL("-fxray-always-instrument", K_PREFIX, "xray list file"),
	LOCAL("-fxray-never-instrument", K_PREFIX, "xray list file"),
	LOCAL("-fbasic-block-sections=list", K_PREFIX, "list file"),
	LOCAL("-fthinlto-index", K_PREFIX, "-fthinlto-index"),
	LOCAL("-ftime-trace", K_PREFIX, "-ftime-trace"),
	LOCAL("-fproc-stat-report", K_PREFIX, "-fproc-stat-report"),
	LOCAL("-fcrash-diagnostics", K_PREFIX, "-fcrash-diagnostics-dir"),
	LOCAL("-fdiagnostics-format=json-file", K_FLAG, "diagnostics file"),
	LOCAL("-fdiagnostics-format=sarif-file", K_FLAG, "diagnostics file"),
	LOCAL("-fdebug-compilation-dir", K_PREFIX, "-fdebug-compilation-dir"),
	LOCAL("-ffile-compilation-dir", K_PREFIX, "-fdebug-compilation-dir"),
	LOCAL("-fno-working-directory", K_FLAG, "-fno-working-directory"),
	LOCAL("-fpreprocessed", K_FLAG, "-fpreprocessed"),
	LOCAL("-fdirectives-only", K_FLAG, "-fdirectives-only"),
	LOCAL("-fpch-", K_PREFIX, "precompiled header"),
	LOCAL("-include-pch", K_SEP, "precompiled header"),
	LOCAL("-fsyntax-only", K_FLAG, "-fsyntax-only"),
	LOCAL("-fcompare-debug", K_PREFIX, "-fcompare-debug"),
	LOCAL("-aux-info", K_SEP, "-aux-info"),
	LOCAL("-traditional", K_FLAG, "-traditional"),

	/* questions to the driver, and verbosity */
	LOCAL("-d", K_PREFIX, "-d option"),
	LOCAL("-v", K_FLAG, "-v"),
	LOCAL("-###", K_FLAG, "-v"),
	LOCAL("-print-", K_PREFIX, "query option"),
	LOCAL("--print-", K_PREFIX, "query option"),
	LOCAL("--help", K_PREFIX, "query option"),
	LOCAL("--version", K_FLAG, "query option"),
	LOCAL("--target-help", K_FLAG, "query option"),
	LOCAL("-time", K_PREFIX, "-time"),
	LOCAL("-pass-exit-codes", K_FLAG, "-pass-exit-codes"),
};

const size_t ccargs_nopts = sizeof(ccargs_opts) / sizeof(ccargs_opts[0]);

/* The -Wa, items that only change the object's own bytes. */
static const char *const wa_ok[] = {
	"--noexecstack", "--execstack", "-mrelax-relocations=yes",
	"-mrelax-relocations=no", "--compress-debug-sections",
	"--nocompress-debug-sections", "--compress-debug-sections=none",
	"--compress-debug-sections=zlib", "--compress-debug-sections=zlib-gnu",
	"--compress-debug-sections=zlib-gabi", "--fatal-warnings", "--warn",
	"--no-warn", "-W", "-mbig-obj", "--64", "--32", "-mx86-used-note=no",
	"-mx86-used-note=yes",
};

static const char *const lang_names[CCARGS_LANG_COUNT] = {
	"c", "c++", "objective-c", "objective-c++"
};

static const char *const lang_cpp[CCARGS_LANG_COUNT] = {
	"cpp-output", "c++-cpp-output", "objective-c-cpp-output",
	"objective-c++-cpp-output"
};

const char *
ccargs_lang_name(enum ccargs_lang lang)
{
	if ((unsigned)lang >= CCARGS_LANG_COUNT)
		return NULL;
	return lang_names[lang];
}

const char *
ccargs_lang_cpp_output(enum ccargs_lang lang)
{
	if ((unsigned)lang >= CCARGS_LANG_COUNT)
		return NULL;
	return lang_cpp[lang];
}

int
ccargs_lang_from_name(const char *name)
{
	int	 i;

	if (name == NULL)
		return -1;
	for (i = 0; i < CCARGS_LANG_COUNT; i++)
		if (strcmp(name, lang_names[i]) == 0)
			return i;
	return -1;
}

/* The contracts of the three helpers below are in ccargs_opt.h. */
const struct ccargs_opt *
ccargs_lookup(const char *a)
{
	const struct ccargs_opt *best = NULL;
	size_t		 i, n, bestn = 0;

	for (i = 0; i < ccargs_nopts; i++) {
		n = strlen(ccargs_opts[i].name);
		switch (ccargs_opts[i].kind) {
		case K_FLAG:
		case K_SEP:
			if (strcmp(a, ccargs_opts[i].name) != 0)
				continue;
			break;
		default:
			if (strncmp(a, ccargs_opts[i].name, n) != 0)
				continue;
			break;
		}
		if (best == NULL || n > bestn) {
			best = &ccargs_opts[i];
			bestn = n;
		}
	}
	return best;
}

int
ccargs_wa_harmless(const char *a)
{
	const char	*p = a + 4, *e;
	size_t		 i, n;

	if (*p == '\0')
		return 0;
	for (;;) {
		e = strchr(p, ',');
		n = e ? (size_t)(e - p) : strlen(p);
		for (i = 0; i < sizeof(wa_ok) / sizeof(wa_ok[0]); i++)
			if (strlen(wa_ok[i]) == n &&
			    strncmp(wa_ok[i], p, n) == 0)
				break;
		if (i == sizeof(wa_ok) / sizeof(wa_ok[0]))
			return 0;
		if (e == NULL)
			return 1;
		p = e + 1;
	}
}

int
ccargs_g_option(const char *a, int *debug, const char **reason)
{
	static const char *const level3[] = {
		"-g3", "-ggdb3", "-gstabs3", "-gstabs+3", "-gxcoff3",
		"-gxcoff+3", "-gvms3"
	};
	static const char *const on[] = {
		"-g", "-g1", "-g2", "-ggdb", "-ggdb1", "-ggdb2", "-glldb",
		"-gsce", "-gdbx", "-gcodeview", "-gstabs", "-gstabs+"
	};
	size_t	 i;

	for (i = 0; i < sizeof(level3) / sizeof(level3[0]); i++)
		if (strcmp(a, level3[i]) == 0) {
			*reason = "-g3 macro debug info";
			return 1;
		}
	if (strcmp(a, "-gsplit-dwarf") == 0 ||
	    strncmp(a, "-gsplit-dwarf=", 14) == 0) {
		*reason = "-gsplit-dwarf";
		return 1;
	}
	if (strcmp(a, "-grecord-command-line") == 0 ||
	    strcmp(a, "-grecord-gcc-switches") == 0) {
		*reason = "-grecord-command-line";
		return 1;
	}
	if (strcmp(a, "-gembed-source") == 0 || strcmp(a, "-gmodules") == 0) {
		*reason = a[2] == 'e' ? "-gembed-source" : "-gmodules";
		return 1;
	}
	if (strcmp(a, "-g0") == 0 || strcmp(a, "-ggdb0") == 0)
		*debug = 0;
	else if (strncmp(a, "-gdwarf", 7) == 0)
		*debug = 1;
	else
		for (i = 0; i < sizeof(on) / sizeof(on[0]); i++)
			if (strcmp(a, on[i]) == 0)
				*debug = 1;
	return 0;
}

int
ccargs_macro(const char *a)
{
	return a[0] == '-' && (a[1] == 'D' || a[1] == 'U') && a[2] != '\0';
}

int
ccargs_check(int argc, char *const argv[], char *why, size_t whylen)
{
	const struct ccargs_opt *o;
	const char	*a, *reason = NULL;
	size_t		 total = 0, alen;
	int		 i, mode = 0, debug = 0;

	if (argc < 2 || argc > CCARGS_ARGC_MAX || argv == NULL) {
		err_set(why, whylen, "%s", "bad argument count");
		return -1;
	}
	for (i = 1; i < argc; i++) {
		if ((a = argv[i]) == NULL) {
			err_set(why, whylen, "%s", "argv shorter than argc");
			return -1;
		}
		alen = strlen(a);
		total += alen;
		if (alen > CCARGS_ARG_MAX || total > CCARGS_TOTAL_MAX) {
			err_set(why, whylen, "%s", "arguments too long");
			return -1;
		}
		if (a[0] == '@') {
			err_set(why, whylen, "%s", "@file response file");
			return -1;
		}
		if (strncmp(a, "-fdebug-compilation-dir=", 24) == 0)
			continue;	/* added for clang, see args.h */
		if (a[0] != '-' || a[1] == '\0') {
			err_set(why, whylen, "%s", "input file in compile options");
			return -1;
		}
		if ((o = ccargs_lookup(a)) == NULL) {
			err_set(why, whylen, "%s", "unknown option");
			return -1;
		}
		if (o->special == S_C || o->special == S_S) {
			mode = 1;
			continue;
		}
		/* only text for the preprocessor, in one argument */
		if ((o->dest & D_MAC) && ccargs_macro(a))
			continue;
		if (!(o->dest & D_CC) || o->special == S_LOCAL) {
			err_set(why, whylen, "%s", o->special == S_LOCAL ? o->reason :
			    "option not allowed in a compile");
			return -1;
		}
		if (o->special == S_G && ccargs_g_option(a, &debug, &reason)) {
			err_set(why, whylen, "%s", reason);
			return -1;
		}
		if (o->special == S_WA && !ccargs_wa_harmless(a)) {
			err_set(why, whylen, "%s", "-Wa, assembler option");
			return -1;
		}
		if (o->kind == K_SEP || (o->kind == K_JS &&
		    a[strlen(o->name)] == '\0')) {
			if (i + 1 >= argc || argv[i + 1] == NULL) {
				err_set(why, whylen, "%s", "missing argument");
				return -1;
			}
			if (argv[i + 1][0] == '@') {
				err_set(why, whylen, "%s", "@file response file");
				return -1;
			}
			i++;
		}
	}
	if (!mode) {
		err_set(why, whylen, "%s", "no -c or -S");
		return -1;
	}
	return 0;
}
