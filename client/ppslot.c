/*
 * ppslot.c - slots for local preprocessing, held with flock().  See
 * ppslot.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "client/ppslot.h"

unsigned
ppslot_limit(const char *env, long ncpu)
{
	char	*end;
	long	 v;

	if (env != NULL && env[0] != '\0') {
		errno = 0;
		v = strtol(env, &end, 10);
		if (errno == 0 && *end == '\0' && v >= 0 && v <= PPSLOT_MAX)
			return (unsigned)v;
	}
	if (ncpu < 1)
		ncpu = 1;
	if (ncpu >= PPSLOT_MAX)
		ncpu = PPSLOT_MAX - 1;
	return (unsigned)ncpu + 1;
}

/* Open slot i's lock file in dir; -1 with err set. */
static int
slot_open(const char *dir, unsigned i, char *err, size_t errlen)
{
	char	 path[512];
	int	 fd, n;

	n = snprintf(path, sizeof(path), "%s/pp-%u.lock", dir, i);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(err, errlen, "slot path too long");
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY,
	    0600);
	if (fd == -1)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return fd;
}

int
ppslot_take(const char *dir, unsigned n, int *waited, char *err,
    size_t errlen)
{
	unsigned	 i, k, start;
	int		 fd;

	if (waited != NULL)
		*waited = 0;
	if (n == 0 || n > PPSLOT_MAX) {
		snprintf(err, errlen, "bad slot count %u", n);
		return -1;
	}
	start = (unsigned)getpid() % n;
	for (k = 0; k < n; k++) {
		i = (start + k) % n;
		if ((fd = slot_open(dir, i, err, errlen)) == -1)
			return -1;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			snprintf(err, errlen, "flock: %s", strerror(errno));
			close(fd);
			return -1;
		}
		close(fd);
	}
	/* all held: wait for ours (holders are short-lived preprocessors) */
	if (waited != NULL)
		*waited = 1;
	if ((fd = slot_open(dir, start, err, errlen)) == -1)
		return -1;
	while (flock(fd, LOCK_EX) == -1) {
		if (errno == EINTR)
			continue;
		snprintf(err, errlen, "flock: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

void
ppslot_release(int fd)
{
	if (fd != -1)
		close(fd);	/* the lock goes with the last descriptor */
}
