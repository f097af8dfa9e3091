/*
 * ccargs.h - the compiler argv policy both sides share: which options a
 * compile may carry (one table, common/ccargs.c), the server's check of a
 * compile argv a client sent, and the source languages.
 *
 * Pure code: no I/O.  The wrapper's analysis of the user's command line
 * (args_parse(), client/args.h) is built on the same table, so what the
 * wrapper sends is exactly what the server accepts.
 */
#ifndef CCPOOL_CCARGS_H
#define CCPOOL_CCARGS_H

#include <stddef.h>

#define CCARGS_ARGC_MAX	4096	/* as proto_limits max_argc */
#define CCARGS_ARG_MAX	((size_t)64 * 1024)	/* bytes of one argument */
#define CCARGS_TOTAL_MAX	((size_t)2 * 1024 * 1024) /* bytes of all arguments */

/* Source languages; the same order as enum proto_lang (common/proto.h). */
enum ccargs_lang {
	CCARGS_LANG_C,
	CCARGS_LANG_CXX,
	CCARGS_LANG_OBJC,
	CCARGS_LANG_OBJCXX,
	CCARGS_LANG_COUNT
};

/*
 * Server side: check a compile argv received from a client (argv[0] is
 * skipped; argc entries).  Accepts only -c or -S and options that
 * args_parse() (client/args.c) puts into cc_argv (plus -fdebug-compilation-dir=
 * for clang, and the joined -D and -U of args_rewrite_includes()): no
 * input file, no -o, no -x, no other preprocessor option, no option that
 * loads code or reads or writes files.  Returns 0 if safe to run (the
 * server then adds -x, -o and the input), -1 with the reason in why
 * otherwise.
 */
int	 ccargs_check(int argc, char *const argv[], char *why,
	    size_t whylen);

/*
 * Whether a, an argument of a compile argv, is a macro option (-D..., or
 * -U...) that args_rewrite_includes() put there: clang's driver drops
 * them for preprocessed input, so the compile passes each one as
 * "-Xclang" a.  Used by the server and by a compile placed here alike.
 */
int	 ccargs_macro(const char *a);

/* "c", "c++", "objective-c", "objective-c++"; NULL if out of range. */
const char	*ccargs_lang_name(enum ccargs_lang lang);

/*
 * The -x name of the preprocessed form, the same for gcc and clang:
 * "cpp-output", "c++-cpp-output", "objective-c-cpp-output",
 * "objective-c++-cpp-output"; NULL if out of range.
 */
const char	*ccargs_lang_cpp_output(enum ccargs_lang lang);

/* The language of a name from ccargs_lang_name(); -1 if unknown. */
int		 ccargs_lang_from_name(const char *name);

#endif
