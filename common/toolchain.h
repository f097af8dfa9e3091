/*
 * toolchain.h - which compiler is this: driver, version, target, and a
 * hash of the driver binary, folded into one toolchain id that clients
 * and servers compare ("g++-12.2.0-x86_64-linux-gnu-0123456789ab"), and
 * the name a person reads for it (tc_name: "g++ 12.2.0 x86_64-linux-gnu").
 *
 * tc_identify() runs the compiler a few times (fork + execve, no shell,
 * environment LC_ALL=C and PATH only, stdin /dev/null, stderr discarded,
 * bounded output, killed after TC_TIMEOUT_MS) and hashes its real path
 * with OpenSSL (toolchain.c).  tc_detect() finds the compilers in a PATH
 * (toolchain_detect.c).  Library code: nothing is printed, problems come
 * back as strings.
 *
 * Languages: gcc drivers (gcc, cc, g++, cross gcc) always do C, and C++,
 * Objective-C, Objective-C++ when the driver finds cc1plus, cc1obj,
 * cc1objplus (-print-prog-name); the driver name (gcc vs g++) does not
 * matter for a compile with -c.  clang drivers do all four.  The id still
 * names the driver, as its binary's file name says (a name ending in
 * "++", such as x86_64-linux-gnu-g++-12, is g++ or clang++): g++ is a
 * binary of its own with its own hash, and a person must tell it from
 * gcc.  clang++ is usually a link to clang, hence the same toolchain.
 *
 * No on-disk cache here: the agent keeps ids in memory, keyed by path,
 * st_dev, st_ino, st_size and st_mtim (agent/agent_tc.c).
 */
#ifndef CCPOOL_TOOLCHAIN_H
#define CCPOOL_TOOLCHAIN_H

#include <limits.h>
#include <stddef.h>

#define TC_ID_MAX	96	/* id bytes incl. NUL, as DISC_TC_LEN */
#define TC_VERSION_MAX	24	/* version bytes incl. NUL */
#define TC_TARGET_MAX	48	/* target triple bytes incl. NUL */
#define TC_TIMEOUT_MS	5000	/* one run of the compiler */
#define TC_OUTPUT_MAX	4096	/* bytes of its stdout we read */
#define TC_EXAMINE_MAX	256	/* candidate files tc_detect() looks at */
#define TC_ALIAS_MAX	16	/* names kept per compiler */
#define TC_WARN_MAX	32	/* warnings kept by tc_detect() */
#define TC_NAME_MAX	112	/* tc_name() bytes incl. NUL */
#define TC_NAME_DIGITS	4	/* fewest hash digits tc_name() shows */

#define TC_LANG_C	0x1
#define TC_LANG_CXX	0x2
#define TC_LANG_OBJC	0x4
#define TC_LANG_OBJCXX	0x8

struct tc_info {
	char		 path[PATH_MAX];	/* real path of the driver */
	char		 family[8];		/* "gcc" or "clang" */
	char		 driver[8];	/* gcc, g++, clang, clang++ */
	char		 version[TC_VERSION_MAX];	/* "12.2.0" */
	char		 target[TC_TARGET_MAX];	/* -dumpmachine */
	char		 sha256[65];		/* of the driver, hex */
	unsigned	 langs;			/* TC_LANG_* */
	char		 id[TC_ID_MAX];
};

/* One compiler found by tc_detect(), with every name that leads to it. */
struct tc_entry {
	struct tc_info	 info;
	char		*alias[TC_ALIAS_MAX];	/* file names, e.g. "cc" */
	size_t		 nalias;
};

struct tc_list {
	struct tc_entry	*e;
	size_t		 n;
	char		*warn[TC_WARN_MAX];	/* why candidates were skipped */
	size_t		 nwarn;
};

/*
 * Identify the compiler named path: a path with a slash, or a name looked
 * up in $PATH.  Fills *out and returns 0, or returns -1 with the reason
 * in err (not found, not gcc or clang, timeout, odd output).
 */
int	 tc_identify(const char *path, struct tc_info *out, char *err,
	    size_t errlen);

/*
 * Find the compilers in path_env (a PATH value; NULL: $PATH): gcc, g++,
 * cc, c++, clang, clang++, their -N versions, and cross compilers
 * (<triple>-gcc, <triple>-g++, <triple>-gcc-N, ...).  Compilers with the
 * same real path are one entry with several aliases; candidates that fail
 * identification become warnings.  At most TC_EXAMINE_MAX files are
 * looked at.  *list need not be initialised; free it with
 * tc_list_free().  Returns 0, or -1 with err set (out of memory).
 */
int	 tc_detect(struct tc_list *list, const char *path_env, char *err,
	    size_t errlen);

/* Free what tc_detect() stored in *list and zero it.  NULL: no-op. */
void	 tc_list_free(struct tc_list *list);

/* Is the file at p a regular file this process may execute? */
int	 tc_executable(const char *p);

/* Is s a well-formed toolchain id (charset, length, shape)? */
int	 tc_id_valid(const char *s);

/*
 * The name a person reads for toolchain id: its driver, version and
 * target, "g++ 12.2.0 x86_64-linux-gnu" for the id
 * "g++-12.2.0-x86_64-linux-gnu-dd91977c184e".  digits > 0 adds that many
 * hex digits of the driver's hash, " #dd91", to tell apart two ids of the
 * same name (tc_name_digits says how many).  An id of another shape is
 * shown as it is, any byte outside the id charset as '?'.  Writes at
 * most len bytes (TC_NAME_MAX is enough) into buf and returns buf.
 */
const char *tc_name(const char *id, int digits, char *buf, size_t len);

/*
 * The hash digits tc_name() needs to tell id from other: 0 when their
 * names differ anyway (or the ids are equal), else the first digit where
 * their hashes differ, at least TC_NAME_DIGITS.  A caller showing a list
 * takes the largest over the others shown beside id.
 */
int	 tc_name_digits(const char *id, const char *other);

#endif
