/*
 * outfile.h - write an output file (an object from a server) atomically.
 *
 * The bytes go to a temporary file in the output's own directory, which
 * replaces the output with rename() only once complete.  Whatever happens
 * before outfile_commit() (an error, a kill, Ctrl-C) leaves the old
 * output as it was: never a truncated or half-written object.  The final
 * file gets mode 0666 & ~umask, like a compiler's output.
 * Use: outfile_new, outfile_write..., outfile_commit, outfile_free.
 */
#ifndef CCPOOL_OUTFILE_H
#define CCPOOL_OUTFILE_H

#include <stddef.h>

struct outfile;

/*
 * Create the temporary file for path (".<name>.ccpool.XXXXXX" next to
 * it).  Returns NULL with err set (directory not writable, path too
 * long, out of memory).
 */
struct outfile	*outfile_new(const char *path, char *err, size_t errlen);

/*
 * The temporary file's path, for a program that writes the output itself
 * (a compiler's -o) before outfile_commit(); then do not outfile_write.
 */
const char	*outfile_tmp_path(const struct outfile *o);

/* Append len bytes.  Returns 0, or -1 with err set (disk full...). */
int		 outfile_write(struct outfile *o, const void *buf, size_t len,
		    char *err, size_t errlen);

/*
 * Close the temporary file and rename it over the output.  Returns 0, or
 * -1 with err set (the temporary file is then removed by outfile_free).
 */
int		 outfile_commit(struct outfile *o, char *err, size_t errlen);

/* Remove the temporary file unless committed, and free o. */
void		 outfile_free(struct outfile *o);

/*
 * Install SIGINT/SIGTERM/SIGHUP/SIGPIPE handlers that remove the current
 * temporary file (if any) and then die of the same signal, so an
 * interrupted build leaves no litter behind.  Call once in a program.
 */
void		 outfile_catch_signals(void);

#endif
