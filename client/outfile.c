/*
 * outfile.c - atomic output files: temp file in the same directory, then
 * rename().  See outfile.h.  The path of the temporary file being written
 * is kept in a static buffer so a signal handler can unlink it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/outfile.h"

struct outfile {
	int	 fd;
	int	 committed;
	char	 path[PATH_MAX];
	char	 tmp[PATH_MAX];
};

/* The temporary file in progress, for the signal handler. */
static char		 outfile_pending[PATH_MAX];
static volatile sig_atomic_t outfile_have_pending;

static void
pending_set(const char *tmp)
{
	outfile_have_pending = 0;
	if (tmp != NULL) {
		snprintf(outfile_pending, sizeof(outfile_pending), "%s", tmp);
		outfile_have_pending = 1;
	}
}

static void
on_fatal_signal(int sig)
{
	if (outfile_have_pending)
		unlink(outfile_pending);
	signal(sig, SIG_DFL);
	raise(sig);
}

void
outfile_catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct sigaction sa;
	size_t		 i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		/* keep a signal ignored by our parent ignored (nohup) */
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

static mode_t
file_mode(void)
{
	mode_t	 mask;

	mask = umask(0);
	umask(mask);
	return (S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH) &
	    ~mask;
}

struct outfile *
outfile_new(const char *path, char *err, size_t errlen)
{
	struct outfile	*o;
	const char	*slash;
	int		 n;

	if (path == NULL || path[0] == '\0') {
		snprintf(err, errlen, "empty output path");
		return NULL;
	}
	if ((o = calloc(1, sizeof(*o))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	o->fd = -1;
	if (snprintf(o->path, sizeof(o->path), "%s", path) >=
	    (int)sizeof(o->path))
		goto toolong;
	slash = strrchr(path, '/');
	if (slash == NULL)
		n = snprintf(o->tmp, sizeof(o->tmp), ".%s.ccpool.XXXXXX",
		    path);
	else
		n = snprintf(o->tmp, sizeof(o->tmp), "%.*s/.%s.ccpool.XXXXXX",
		    (int)(slash - path), path, slash + 1);
	if (n < 0 || (size_t)n >= sizeof(o->tmp))
		goto toolong;
	if ((o->fd = mkostemp(o->tmp, O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "cannot create a file next to %s: %s",
		    path, strerror(errno));
		free(o);
		return NULL;
	}
	pending_set(o->tmp);
	return o;
toolong:
	snprintf(err, errlen, "output path too long");
	free(o);
	return NULL;
}

const char *
outfile_tmp_path(const struct outfile *o)
{
	return o->tmp;
}

int
outfile_write(struct outfile *o, const void *buf, size_t len, char *err,
    size_t errlen)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = write(o->fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "write %s: %s", o->path,
			    n == 0 ? "no progress" : strerror(errno));
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
outfile_commit(struct outfile *o, char *err, size_t errlen)
{
	int	 fd = o->fd;

	o->fd = -1;
	if (fchmod(fd, file_mode()) == -1) {
		snprintf(err, errlen, "chmod %s: %s", o->tmp, strerror(errno));
		close(fd);
		return -1;
	}
	/* close() reports late write errors on NFS */
	if (close(fd) == -1) {
		snprintf(err, errlen, "write %s: %s", o->path,
		    strerror(errno));
		return -1;
	}
	if (rename(o->tmp, o->path) == -1) {
		snprintf(err, errlen, "rename to %s: %s", o->path,
		    strerror(errno));
		return -1;
	}
	o->committed = 1;
	pending_set(NULL);
	return 0;
}

void
outfile_free(struct outfile *o)
{
	if (o == NULL)
		return;
	if (o->fd != -1)
		close(o->fd);
	if (!o->committed) {
		unlink(o->tmp);
		pending_set(NULL);
	}
	free(o);
}
