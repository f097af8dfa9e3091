/*
 * args.h - can this compiler command line be distributed, and how to split
 * it into a local preprocessing command and a remote compile command.
 *
 * Pure code: no I/O, no exec.  The wrapper calls args_parse() on its argv;
 * the server calls ccargs_check() (common/ccargs.h) on the compile argv a
 * client sent; both read the one option table there.
 * Start reading at args_parse().  The option table in common/ccargs.c says, option
 * by option, where each one goes (preprocessor, compiler, both, dropped)
 * or why it keeps a job local.
 *
 * How a job runs (checked by hand against gcc 12.2 and clang 14.0.6 on
 * Debian 12, see below):
 *
 *   client, in the user's cwd:  cpp_argv            > job.i   (+ .d file)
 *   server, in a job directory: cc_argv -x ccargs_lang_cpp_output(lang)
 *                                   -o job.o job.i
 *
 * The object is byte-identical to a plain local compile for both compilers
 * without -g, and the .d file is byte-identical in every case (-MD, -MMD,
 * -MF, -MT, -MQ, -MP; with and without -o; -c and -S).
 *
 * Debug information (-g), what experiment showed:
 *
 * - gcc: DW_AT_comp_dir is NOT the cwd of the compile of the .i.  With -g,
 *   `gcc -E` writes the cwd into the .i as a line marker (# 1 "/cwd//",
 *   -fworking-directory is on by default), and cc1 takes comp_dir from
 *   there.  So the server needs no prefix map and no chdir, and must not
 *   be given -fdebug-compilation-dir (gcc 12 rejects it).  DW_AT_producer
 *   (-grecord-gcc-switches is the default) records neither -fpreprocessed
 *   (what -x cpp-output turns into) nor any -f*-prefix-map, so extra maps
 *   would be harmless, but none is needed.  -fno-working-directory breaks
 *   this and keeps the job local.
 * - clang: comp_dir is the cwd of the compile.  The server must add
 *   -fdebug-compilation-dir=<client cwd> (clang 14 accepts it), which
 *   composes with the user's own -fdebug-prefix-map (clang applies one
 *   map, not a chain, so adding -fdebug-prefix-map=<jobdir>=<cwd> instead
 *   breaks when the user maps the cwd too).  The producer string holds no
 *   switches unless -grecord-command-line, which keeps the job local.  Use
 *   args_cc_append() on the client, or the server adds it itself.
 * - Both: the line table's COLUMN numbers differ on lines where a macro
 *   expanded to text of another length (the .i has the expanded text).
 *   This is inherent in distributing preprocessed text (distcc has it
 *   too); lines, files, comp_dir, producer are identical.  gcc's
 *   -fdirectives-only would keep columns but puts "-fdirectives-only"
 *   into DW_AT_producer, so it is not used.
 * - clang with DWARF 5 (its default): a local compile stores the MD5 of
 *   each source file in the line table; a compile from a .i cannot, so
 *   the file table differs (debuggers do not care).  With -gdwarf-4 and
 *   no column shifts the clang object is byte-identical.
 * - -g3 (macro info), -gsplit-dwarf (.dwo beside the object),
 *   -grecord-command-line and -gembed-source keep the job local.
 */
#ifndef CCPOOL_ARGS_H
#define CCPOOL_ARGS_H

#include <stddef.h>

#include "common/ccargs.h"

#define ARGS_REASON_LEN	80

/*
 * The analysis of one compiler argv.  Everything a pointer refers to is
 * owned by the struct (copies, not pointers into argv); release it with
 * args_job_clear().
 */
struct args_job {
	int		 distributable;	/* 1: may compile remotely */
	char		 reason[ARGS_REASON_LEN]; /* when 0: why, printable */
	enum ccargs_lang	 lang;
	char		 mode;		/* 'c' (object) or 'S' (assembly) */
	int		 debug;		/* -g in effect (clang comp_dir) */
	char		*source;	/* the one source, as the user named it */
	char		*output;	/* -o, or the name the compiler derives */
	char		*depfile;	/* -MD/-MMD file written by cpp, or NULL */
	char		**cpp_argv;	/* run locally: preprocessed text to
					   stdout (NULL-terminated) */
	char		**cc_argv;	/* for the server: argv[0], -c or -S,
					   compile options only; no input,
					   no -o, no -x (NULL-terminated) */
	int		 cpp_argc;
	int		 cc_argc;
	char		**mac_argv;	/* -D and -U options, joined ("-DX=1"),
					   in order (NULL-terminated) */
	int		 mac_argc;
	char		 norw[ARGS_REASON_LEN]; /* why args_rewrite_includes()
					   cannot apply; "" if it can */
	int		 rewrite;	/* 1 once args_rewrite_includes() */
};

/*
 * Analyse argv (argc entries; argv[0] the compiler as typed) into *job,
 * which need not be initialised.  Returns 0: job->distributable says
 * whether the job may go remote, and when it may not, job->reason says
 * why and the caller runs the original argv locally.  Returns -1 with err
 * set only on an internal failure (out of memory, argc < 1); *job is then
 * cleared.  Every hostile argv gets 0 and a reason, never a crash.
 */
int	 args_parse(int argc, char *const argv[], struct args_job *job,
	    char *err, size_t errlen);

/* Free what args_parse() stored in *job and zero it.  NULL: no-op. */
void	 args_job_clear(struct args_job *job);

/*
 * Append one argument (copied) to job->cc_argv, e.g. the
 * -fdebug-compilation-dir=<cwd> a clang job needs.  Returns 0, or -1 with
 * err set (out of memory, job not distributable, too many arguments).
 */
int	 args_cc_append(struct args_job *job, const char *arg, char *err,
	    size_t errlen);

/*
 * Clang only: preprocess with -frewrite-includes instead of -E.  The text
 * then holds every header inline but its macros unexpanded and its
 * comments, so the server's compile (-x cpp-output, as ever) expands the
 * macros itself and its diagnostics are a local compile's, byte for byte
 * (caret lines, "expanded from macro" notes, warnings that clang silences
 * inside macros; measured on tests/diag, see doc/client.md).  For that
 * cc_argv gets the -D and -U options (mac_argv), which a compile of
 * preprocessed text takes only as -Xclang -D... (ccargs_macro()).
 *
 * Returns 1 when the job was switched (job->rewrite), 0 when it keeps
 * plain -E (job->norw says why: -include, -imacros, -undef,
 * -traditional-cpp), -1 with err set (out of memory, not distributable:
 * the job must not be sent then).
 */
int	 args_rewrite_includes(struct args_job *job, char *err, size_t errlen);

#endif
