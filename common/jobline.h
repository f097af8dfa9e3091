/*
 * jobline.h - one job of the agent's JOBS answer as a line of text: the
 * agent writes it (agent/ajtab.c), libccpool reads it
 * (libccpool/cpl_jobs.c), doc/client.md ("Queries") is its reference.
 * Nine fields, a tab between them, in this order:
 *
 *   id phase start end out in status host file
 *
 * id: the agent's job counter; phase: a word of jobline_phase_name;
 * start, end: ms before the answer was made (end -1 while it runs);
 * out, in: bytes sent to and received from servers; status: the
 * compiler's exit status, -1 while it runs or when unknown; host: the
 * server's name or "" (here, or not placed yet); file: the source as the
 * wrapper named it.  host and file are escaped (log_escape): printable
 * ASCII, no tab.  Pure: no I/O.  Start reading at jobline_parse().
 */
#ifndef CCPOOL_JOBLINE_H
#define CCPOOL_JOBLINE_H

#include <stddef.h>
#include <stdint.h>

/* The order of libccpool's enum ccpool_phase. */
enum jobline_phase {
	JOBLINE_WAIT,
	JOBLINE_CPP,
	JOBLINE_SEND,
	JOBLINE_COMPILE,
	JOBLINE_RECEIVE,
	JOBLINE_LOCAL,
	JOBLINE_DONE,
	JOBLINE_FAILED,
	JOBLINE_NPHASES
};

#define JOBLINE_HOST_MAX	260	/* an escaped DNS-SD name, with NUL */
#define JOBLINE_FILE_MAX	260	/* an escaped, shortened file, NUL */
#define JOBLINE_MAX		1024	/* a whole line: one MSG_ frame */

struct jobline {
	uint64_t		 id;
	enum jobline_phase	 phase;
	int64_t			 start_ms;	/* ms before the answer */
	int64_t			 end_ms;	/* -1: running */
	int64_t			 bytes_out, bytes_in;
	int			 status;	/* -1: running or unknown */
	char			 host[JOBLINE_HOST_MAX];
	char			 file[JOBLINE_FILE_MAX];
};

/* "wait", "cpp", ..., "failed"; "unknown" out of range. */
const char	*jobline_phase_name(enum jobline_phase p);

/*
 * The line of l into buf (len bytes, no newline, NUL-terminated).
 * host and file must be escaped already (jobline_escape).  Returns its
 * length, or -1 when it does not fit.
 */
int		 jobline_format(const struct jobline *l, char *buf, size_t len);

/*
 * A name from the wrapper or the network, escaped (log_escape) and
 * bounded for a line into dst (JOBLINE_FILE_MAX or JOBLINE_HOST_MAX
 * bytes, at least 8): a name too long escaped keeps its end (the file
 * name) after "...", never half an escape.
 */
void		 jobline_escape(char *dst, size_t dstlen, const char *src);

/*
 * Parse one line of len bytes (no NUL needed) into *l.  Returns 0, or -1
 * with err set: a field missing or extra, a number out of range, an
 * unknown phase, a byte outside printable ASCII, a line too long.
 */
int		 jobline_parse(const char *buf, size_t len, struct jobline *l,
		    char *err, size_t errlen);

#endif
