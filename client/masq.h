/*
 * masq.h - find the real compiler behind ccpool.
 *
 * ccpool runs as `ccpool gcc ...` or masquerades as the compiler itself
 * (a directory of symlinks gcc, cc, g++... -> ccpool put first in PATH).
 * Either way it must find the real compiler next in PATH and never
 * itself: every PATH entry whose candidate resolves to the same file as
 * /proc/self/exe (same st_dev and st_ino) is skipped.
 * Start reading at masq_find().
 */
#ifndef CCPOOL_MASQ_H
#define CCPOOL_MASQ_H

#include <stddef.h>
#include <sys/stat.h>

/*
 * Find compiler name (a bare name, or a path with a '/') in the colon
 * separated path (an empty entry means the current directory, as for
 * execvp), skipping any candidate that is the same file as self (the
 * stat of /proc/self/exe; NULL skips nothing).  On success writes an
 * absolute path to dst and returns 0; -1 with err set when nothing
 * suitable exists (or name with a '/' is ccpool itself).  Symlinks in the
 * result are kept as they are: clang picks its mode (clang++) from the
 * name it was run by.
 */
int	masq_find(const char *name, const char *path, const struct stat *self,
	    char *dst, size_t dstlen, char *err, size_t errlen);

/* 1 if argv0's last component is "ccpool" (wrapper mode), else 0. */
int	masq_is_ccpool(const char *argv0);

/* The last path component of s (s itself when it has no '/'). */
const char *masq_basename(const char *s);

/*
 * Create dir (0755 if missing) and in it a symlink to self_path for every
 * known compiler name found in path other than ccpool itself.  names
 * receives the created names, space separated (may be NULL).  Returns
 * the number of links made (>= 0), or -1 with err set.
 */
int	masq_make_dir(const char *dir, const char *path,
	    const char *self_path, const struct stat *self, char *names,
	    size_t nameslen, char *err, size_t errlen);

/*
 * The other half of keeping a masquerade directory current: remove from
 * dir every symlink that leads to ccpool (the same file as self) when its name is no compiler's any more or no
 * compiler of that name is left in path (ccpool itself aside).  Real
 * files and links elsewhere are never touched; a missing dir is empty.
 * names receives the removed names (may be NULL).  Returns how many
 * links went (>= 0), or -1 with err set.
 */
int	masq_prune_dir(const char *dir, const char *path,
	    const struct stat *self, char *names,
	    size_t nameslen, char *err, size_t errlen);

#endif
