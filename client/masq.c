/*
 * masq.c - PATH search for the real compiler, skipping ccpool itself, and
 * the masquerade directory maker.  See masq.h.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/masq.h"

const char *
masq_basename(const char *s)
{
	const char	*p = strrchr(s, '/');

	return p == NULL ? s : p + 1;
}

int
masq_is_ccpool(const char *argv0)
{
	return argv0 != NULL && strcmp(masq_basename(argv0), "ccpool") == 0;
}

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a != NULL && b != NULL && a->st_dev == b->st_dev &&
	    a->st_ino == b->st_ino;
}

/* 1 if cand is an executable regular file other than self. */
static int
usable(const char *cand, const struct stat *self)
{
	struct stat	 st;

	if (stat(cand, &st) == -1 || !S_ISREG(st.st_mode))
		return 0;
	if (same_file(&st, self))
		return 0;
	return access(cand, X_OK) == 0;
}

/* dst = dir/name made absolute with the current directory. */
static int
absjoin(char *dst, size_t dstlen, const char *dir, size_t dirlen,
    const char *name)
{
	char	 cwd[PATH_MAX];
	int	 n;

	if (dirlen > 0 && dir[0] == '/')
		n = snprintf(dst, dstlen, "%.*s/%s", (int)dirlen, dir, name);
	else {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			return -1;
		if (dirlen == 0 || (dirlen == 1 && dir[0] == '.'))
			n = snprintf(dst, dstlen, "%s/%s", cwd, name);
		else
			n = snprintf(dst, dstlen, "%s/%.*s/%s", cwd,
			    (int)dirlen, dir, name);
	}
	return n < 0 || (size_t)n >= dstlen ? -1 : 0;
}

int
masq_find(const char *name, const char *path, const struct stat *self,
    char *dst, size_t dstlen, char *err, size_t errlen)
{
	const char	*p, *colon;
	char		 cand[PATH_MAX];
	size_t		 dirlen;

	if (name == NULL || name[0] == '\0') {
		snprintf(err, errlen, "no compiler named");
		return -1;
	}
	if (strchr(name, '/') != NULL) {
		const char *slash = strrchr(name, '/');

		if (absjoin(cand, sizeof(cand), name,
		    (size_t)(slash - name), slash + 1) == -1) {
			snprintf(err, errlen, "%s: path too long", name);
			return -1;
		}
		if (name[0] == '/')
			snprintf(cand, sizeof(cand), "%s", name);
		if (!usable(cand, self)) {
			struct stat st;

			if (stat(cand, &st) == 0 && same_file(&st, self))
				snprintf(err, errlen, "%s is ccpool itself; "
				    "name the real compiler", name);
			else
				snprintf(err, errlen, "%s: not an executable "
				    "file", name);
			return -1;
		}
		if (snprintf(dst, dstlen, "%s", cand) >= (int)dstlen) {
			snprintf(err, errlen, "%s: path too long", name);
			return -1;
		}
		return 0;
	}
	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = colon + 1) {
		colon = strchr(p, ':');
		dirlen = colon == NULL ? strlen(p) : (size_t)(colon - p);
		if (absjoin(cand, sizeof(cand), p, dirlen, name) == 0 &&
		    usable(cand, self)) {
			if (snprintf(dst, dstlen, "%s", cand) >= (int)dstlen)
				break;
			return 0;
		}
		if (colon == NULL)
			break;
	}
	snprintf(err, errlen, "%s: no such compiler in PATH (other than "
	    "ccpool itself)", name);
	return -1;
}

/* Whether s is "" or digits and dots only: the version tail of gcc-12. */
static int
version_tail(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if ((*s < '0' || *s > '9') && *s != '.')
			return 0;
	return 1;
}

/* Whether a file name in PATH looks like a C/C++ compiler driver. */
static int
compiler_name(const char *n)
{
	static const char *const plain[] = { "cc", "c++", "gcc", "g++",
	    "clang", "clang++" };
	static const char *const stem[] = { "gcc-", "g++-", "clang-",
	    "clang++-" };
	const char	*t;
	size_t		 i, len;

	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (strcmp(n, plain[i]) == 0)
			return 1;
	/* a target triplet: x86_64-linux-gnu-gcc[-12] */
	if ((t = strstr(n, "-linux-gnu-")) != NULL)
		n = t + strlen("-linux-gnu-");
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (strcmp(n, plain[i]) == 0 && t != NULL)
			return 1;
	for (i = 0; i < sizeof(stem) / sizeof(stem[0]); i++) {
		len = strlen(stem[i]);
		if (strncmp(n, stem[i], len) == 0 && version_tail(n + len))
			return 1;
	}
	return 0;
}

/* Add name to the space separated list (bounded; truncation is fine). */
static void
list_add(char *names, size_t nameslen, const char *name)
{
	size_t	 used;

	if (names == NULL || nameslen == 0)
		return;
	used = strlen(names);
	snprintf(names + used, nameslen - used, "%s%s", used ? " " : "",
	    name);
}

static int
link_one(const char *dir, const char *name, const char *path,
    const char *self_path, const struct stat *self, char *err,
    size_t errlen)
{
	char	 real[PATH_MAX], lnk[PATH_MAX], e[256];
	struct stat st;

	if (masq_find(name, path, self, real, sizeof(real), e,
	    sizeof(e)) == -1)
		return 0;
	if (snprintf(lnk, sizeof(lnk), "%s/%s", dir, name) >=
	    (int)sizeof(lnk))
		return 0;
	if (lstat(lnk, &st) == 0) {
		if (!S_ISLNK(st.st_mode))
			return 0;	/* never replace a real file */
		if (unlink(lnk) == -1) {
			snprintf(err, errlen, "unlink %s: %s", lnk,
			    strerror(errno));
			return -1;
		}
	}
	if (symlink(self_path, lnk) == -1) {
		snprintf(err, errlen, "symlink %s: %s", lnk, strerror(errno));
		return -1;
	}
	return 1;
}

int
masq_make_dir(const char *dir, const char *path, const char *self_path,
    const struct stat *self, char *names, size_t nameslen, char *err,
    size_t errlen)
{
	const char	*p, *colon;
	char		 d[PATH_MAX];
	struct dirent	*de;
	DIR		*dh;
	int		 made = 0, r;

	if (names != NULL && nameslen > 0)
		names[0] = '\0';
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "mkdir %s: %s", dir, strerror(errno));
		return -1;
	}
	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = colon + 1) {
		colon = strchr(p, ':');
		snprintf(d, sizeof(d), "%.*s", colon == NULL ? (int)strlen(p) :
		    (int)(colon - p), p);
		if (d[0] == '/' && (dh = opendir(d)) != NULL) {
			while ((de = readdir(dh)) != NULL) {
				char lnk[PATH_MAX];
				struct stat st;

				if (!compiler_name(de->d_name))
					continue;
				/* first one in PATH wins, as for the shell */
				snprintf(lnk, sizeof(lnk), "%s/%s", dir,
				    de->d_name);
				if (lstat(lnk, &st) == 0)
					continue;
				r = link_one(dir, de->d_name, path, self_path,
				    self, err, errlen);
				if (r == -1) {
					closedir(dh);
					return -1;
				}
				if (r == 1) {
					list_add(names, nameslen, de->d_name);
					made++;
				}
			}
			closedir(dh);
		}
		if (colon == NULL)
			break;
	}
	return made;
}

/* 1 if lnk is a symlink that leads to ccpool (the same file as self). */
static int
ours(const char *lnk, const struct stat *self)
{
	struct stat	 st;

	if (lstat(lnk, &st) == -1 || !S_ISLNK(st.st_mode))
		return 0;
	return stat(lnk, &st) == 0 && same_file(&st, self);
}

int
masq_prune_dir(const char *dir, const char *path, const struct stat *self, char *names, size_t nameslen, char *err,
    size_t errlen)
{
	char		 lnk[PATH_MAX], real[PATH_MAX], e[256];
	struct dirent	*de;
	DIR		*dh;
	int		 gone = 0;

	if (names != NULL && nameslen > 0)
		names[0] = '\0';
	if ((dh = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(dh)) != NULL) {
		if (snprintf(lnk, sizeof(lnk), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(lnk) || !ours(lnk, self))
			continue;
		if (compiler_name(de->d_name) && masq_find(de->d_name, path,
		    self, real, sizeof(real), e, sizeof(e)) == 0)
			continue;	/* its compiler is still there */
		if (unlink(lnk) == -1) {
			snprintf(err, errlen, "unlink %s: %s", lnk,
			    strerror(errno));
			closedir(dh);
			return -1;
		}
		list_add(names, nameslen, de->d_name);
		gone++;
	}
	closedir(dh);
	return gone;
}
