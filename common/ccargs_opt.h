/*
 * ccargs_opt.h - the option table's entries, for the two readers of
 * ccargs_opts[]: the server's ccargs_check() and the wrapper's
 * args_parse() (client/args.c).  Not part of any other interface.
 */
#ifndef CCPOOL_CCARGS_OPT_H
#define CCPOOL_CCARGS_OPT_H

#include <stddef.h>
#include <stdint.h>

/* How an option takes its value. */
enum {
	K_FLAG,		/* exactly the name, no value */
	K_SEP,		/* exactly the name; the value is the next argument */
	K_JS,		/* name then value joined, or name alone and the
			   value in the next argument */
	K_PREFIX	/* any argument starting with the name */
};

/* Where an option goes. */
#define D_NONE	0x0	/* dropped: ignored by a compile with -c/-S */
#define D_CPP	0x1	/* cpp_argv */
#define D_CC	0x2	/* cc_argv */
#define D_BOTH	(D_CPP | D_CC)
#define D_MAC	0x4	/* a macro option: to the compile too, joined, when
			   cpp only rewrites includes (args_rewrite_includes) */

/* What args_parse() does beyond copying. */
enum {
	S_NONE,
	S_LOCAL,	/* keeps the job local: reason */
	S_C, S_S, S_E, S_O, S_X,
	S_M,		/* -M, -MM: dependencies instead of compiling */
	S_MD,		/* -MD, -MMD */
	S_MF, S_MT,	/* -MF; -MT and -MQ */
	S_G,		/* -g* */
	S_WA,		/* -Wa, */
	S_NORW		/* keeps plain -E preprocessing: reason */
};

struct ccargs_opt {
	const char	*name;
	uint8_t		 kind;
	uint8_t		 dest;
	uint8_t		 special;
	const char	*reason;	/* S_LOCAL */
};


/* The table, sorted by nothing: ccargs_lookup() takes the longest match. */
extern const struct ccargs_opt	ccargs_opts[];
extern const size_t		ccargs_nopts;

/*
 * The table entry for argument a: the longest name that matches, so that
 * "-MD" beats "-M" and "-march=native" beats "-m".  NULL: unknown.
 */
const struct ccargs_opt	*ccargs_lookup(const char *a);

/* Does the -Wa, list in a (after "-Wa,") only hold harmless items? */
int	ccargs_wa_harmless(const char *a);

/*
 * A -g option: 1 if it keeps the job local (*reason set), else 0 with
 * *debug updated.
 */
int	ccargs_g_option(const char *a, int *debug, const char **reason);

#endif
