/*
 * log.h - logging in the OpenBSD daemon shape.
 *
 * Programs call log_init() once, log_procinit() in each child process, and
 * then the log_* functions.  In the foreground (debug) messages go to
 * stderr, otherwise to syslog.  fatal() and fatalx() exit; library code must
 * never call them.  Untrusted strings must go through log_escape() first.
 */
#ifndef CCPOOL_LOG_H
#define CCPOOL_LOG_H

#include <stdarg.h>
#include <stddef.h>

void	log_init(int debug, int facility);
void	log_procinit(const char *procname);
void	log_setverbose(int verbose);
int	log_getverbose(void);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/*
 * Rate limits for lines that hostile peers can cause (one struct per kind
 * of line): log_rate() says whether one more such line may be written now,
 * at most LOG_RATE_BURST in LOG_RATE_WINDOW seconds.  When a window opens
 * after lines were held back, it first logs how many (at info level, with
 * what naming the kind).
 */
#define LOG_RATE_BURST	10
#define LOG_RATE_WINDOW	10
struct log_rate {
	long long	 start;		/* the window's start, monotonic s */
	unsigned	 n;		/* lines in this window */
	unsigned long	 held;		/* lines held back in it */
};
int	log_rate(struct log_rate *, const char *what);

/*
 * Send libevent's own messages (warnings and errors only) to our log,
 * rate-limited; call once per process after log_procinit().
 */
void	log_libevent(void);

/*
 * Copy at most len bytes of untrusted src into dst (size dstlen, always
 * NUL-terminated) with every byte outside printable ASCII written as \xHH.
 * Returns dst, so it can be used inside a log call.
 */
char	*log_escape(char *dst, size_t dstlen, const void *src, size_t len);

#endif
