/*
 * log.c - see log.h.  stderr in the foreground, syslog otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <event2/event.h>

#include "common/log.h"
#include "common/mono.h"

static int	 log_debug_mode = 1;
static int	 log_verbose;
static const char *log_procname;

void
log_init(int debug, int facility)
{
	log_debug_mode = debug;
	log_verbose = debug;
	if (!debug)
		openlog(program_invocation_short_name, LOG_PID | LOG_NDELAY,
		    facility);
	tzset();
}

void
log_procinit(const char *procname)
{
	if (procname != NULL)
		log_procname = procname;
}

void
log_setverbose(int verbose)
{
	log_verbose = verbose;
}

int
log_getverbose(void)
{
	return log_verbose;
}

static void
log_vwrite(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char	 msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_debug_mode) {
		if (log_procname != NULL)
			fprintf(stderr, "%s[%s]: %s%s%s\n",
			    program_invocation_short_name, log_procname, msg,
			    suffix ? ": " : "", suffix ? suffix : "");
		else
			fprintf(stderr, "%s: %s%s%s\n",
			    program_invocation_short_name, msg,
			    suffix ? ": " : "", suffix ? suffix : "");
		fflush(stderr);
	} else
		syslog(pri, "%s%s%s%s%s", log_procname ? log_procname : "",
		    log_procname ? ": " : "", msg, suffix ? ": " : "",
		    suffix ? suffix : "");
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_ERR, fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERR, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, fmt, ap, strerror(saved));
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}

char *
log_escape(char *dst, size_t dstlen, const void *src, size_t len)
{
	const unsigned char *s = src;
	size_t	 i, o = 0;

	if (dstlen == 0)
		return dst;
	for (i = 0; i < len && o + 1 < dstlen; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
			dst[o++] = (char)s[i];
		else {
			if (o + 5 > dstlen)
				break;
			snprintf(dst + o, dstlen - o, "\\x%02x", s[i]);
			o += 4;
		}
	}
	dst[o] = '\0';
	return dst;
}

int
log_rate(struct log_rate *r, const char *what)
{
	long long	 now = (long long)(mono_ms() / 1000);

	if (now - r->start >= LOG_RATE_WINDOW) {
		if (r->held > 0)
			log_info("%lu more lines like this not logged in %d s "
			    "(%s)", r->held, LOG_RATE_WINDOW, what);
		r->start = now;
		r->n = 0;
		r->held = 0;
	}
	if (r->n >= LOG_RATE_BURST) {
		r->held++;
		return 0;
	}
	r->n++;
	return 1;
}

static void
log_from_libevent(int severity, const char *msg)
{
	static struct log_rate rate;
	char	 m[512];

	if (severity < EVENT_LOG_WARN || !log_rate(&rate, "libevent"))
		return;
	log_escape(m, sizeof(m), msg, strlen(msg));
	log_warnx("libevent: %s", m);
}

void
log_libevent(void)
{
	event_set_log_callback(log_from_libevent);
}
