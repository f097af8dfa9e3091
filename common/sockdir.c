/*
 * sockdir.c - choose, create and check the agent's private directory.
 * See sockdir.h.  The checks run on a descriptor opened with O_NOFOLLOW,
 * so a symlink swapped in after mkdir() is refused, not followed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/sockdir.h"

#define SUN_PATH_MAX	(sizeof(((struct sockaddr_un *)0)->sun_path))

int
sockdir_join(char *dst, size_t dstlen, const char *dir, const char *name)
{
	size_t	 d = strlen(dir), n = strlen(name);

	/* measured first: a path that does not fit is refused, not cut */
	if (d + 1 + n >= dstlen || d + 1 + n >= SUN_PATH_MAX)
		return -1;
	snprintf(dst, dstlen, "%s/%s", dir, name);
	return 0;
}

/* fstat-based check of an open directory descriptor. */
static int
check_fd(int fd, const char *dir, uid_t uid, char *err, size_t errlen)
{
	struct stat	 st;

	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", dir);
		return -1;
	}
	if (st.st_uid != uid) {
		snprintf(err, errlen, "%s: owned by uid %lu, not %lu", dir,
		    (unsigned long)st.st_uid, (unsigned long)uid);
		return -1;
	}
	if ((st.st_mode & 07777) != S_IRWXU) {
		snprintf(err, errlen, "%s: mode %04o, must be 0700", dir,
		    (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

static int
open_dir(const char *dir, char *err, size_t errlen)
{
	int	 fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ELOOP || errno == ENOTDIR)
			snprintf(err, errlen, "%s: a symlink or not a "
			    "directory", dir);
		else
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
	}
	return fd;
}

int
sockdir_check(const char *dir, uid_t uid, char *err, size_t errlen)
{
	int	 fd, rc;

	if ((fd = open_dir(dir, err, errlen)) == -1)
		return -1;
	rc = check_fd(fd, dir, uid, err, errlen);
	close(fd);
	return rc;
}

/* Whether xdg is usable as the user's runtime directory. */
static int
xdg_usable(const char *xdg, uid_t uid)
{
	struct stat	 st;

	if (xdg == NULL || xdg[0] != '/')
		return 0;
	if (lstat(xdg, &st) == -1 || !S_ISDIR(st.st_mode))
		return 0;
	return st.st_uid == uid && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/* The directory's path (sockdir_prepare) into dst; 0, or -1 with err. */
static int
pick(const char *xdg, const char *tmp, uid_t uid, char *dst, size_t dstlen,
    char *err, size_t errlen)
{
	char	 probe[SUN_PATH_MAX + 1];
	int	 n;

	if (xdg_usable(xdg, uid))
		n = snprintf(dst, dstlen, "%s/ccpool", xdg);
	else
		n = snprintf(dst, dstlen, "%s/ccpool-%lu", tmp,
		    (unsigned long)uid);
	if (n < 0 || (size_t)n >= dstlen ||
	    sockdir_join(probe, sizeof(probe), dst, SOCKDIR_LONGEST) == -1) {
		snprintf(err, errlen, "socket directory path too long");
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
sockdir_locate(const char *xdg, const char *tmp, uid_t uid, char *dst,
    size_t dstlen, char *err, size_t errlen)
{
	struct stat	 st;

	if (pick(xdg, tmp, uid, dst, dstlen, err, errlen) == -1)
		return -1;
	if (lstat(dst, &st) == -1 && errno == ENOENT) {
		snprintf(err, errlen, "%s: %s", dst, strerror(errno));
		return -1;	/* errno stays ENOENT */
	}
	if (sockdir_check(dst, uid, err, errlen) == -1) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

int
sockdir_prepare(const char *xdg, const char *tmp, uid_t uid, char *dst,
    size_t dstlen, char *err, size_t errlen)
{
	int	 fd, created = 0;

	if (pick(xdg, tmp, uid, dst, dstlen, err, errlen) == -1)
		return -1;
	if (mkdir(dst, S_IRWXU) == 0)
		created = 1;
	else if (errno != EEXIST) {
		snprintf(err, errlen, "mkdir %s: %s", dst, strerror(errno));
		return -1;
	}
	if ((fd = open_dir(dst, err, errlen)) == -1)
		return -1;
	/* a restrictive umask may have taken bits away from our own dir */
	if (created && fchmod(fd, S_IRWXU) == -1) {
		snprintf(err, errlen, "chmod %s: %s", dst, strerror(errno));
		close(fd);
		return -1;
	}
	if (check_fd(fd, dst, uid, err, errlen) == -1) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
