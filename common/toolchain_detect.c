/*
 * toolchain_detect.c - the compilers in a PATH (see toolchain.h).
 *
 * Start at tc_detect(): it walks the PATH directories, candidate()
 * decides which file names are compilers, examine() identifies each one
 * with tc_identify() (toolchain.c) and folds names of the same binary
 * into aliases; candidates that fail become warnings (warn()), bounded.
 * File names are untrusted: shown through safe_name() only.
 */
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/toolchain.h"

#define TC_DIRS_MAX	64		/* PATH entries looked at */

/*
 * Is a file with this name a compiler driver to look at?  gcc, g++, cc,
 * c++, clang, clang++; gcc-N, g++-N, clang-N, clang++-N; and
 * <a>-<b>...-gcc, -g++ with an optional -N (a cross compiler's triple
 * has a dash; c99-gcc, a script around gcc, has none).
 */
static int
candidate(const char *name)
{
	static const char *const plain[] = {
		"gcc", "g++", "cc", "c++", "clang", "clang++"
	};
	static const char *const versioned[] = {
		"gcc", "g++", "clang", "clang++"
	};
	char		 stem[NAME_MAX + 1];
	const char	*dash;
	size_t		 i, n;

	if (strlen(name) > NAME_MAX)
		return 0;
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (strcmp(name, plain[i]) == 0)
			return 1;
	snprintf(stem, sizeof(stem), "%s", name);
	/* drop a "-12" or "-12.2" */
	if ((dash = strrchr(stem, '-')) != NULL && dash[1] >= '0' &&
	    dash[1] <= '9' && dash[strspn(dash + 1, "0123456789.") + 1] ==
	    '\0') {
		stem[dash - stem] = '\0';
		for (i = 0; i < sizeof(versioned) / sizeof(versioned[0]); i++)
			if (strcmp(stem, versioned[i]) == 0)
				return 1;
	}
	n = strlen(stem);
	if (n > 4 && (strcmp(stem + n - 4, "-gcc") == 0 ||
	    strcmp(stem + n - 4, "-g++") == 0)) {
		stem[n - 4] = '\0';
		if (strchr(stem, '-') == NULL || stem[0] == '-' ||
		    stem[0] == '.')
			return 0;
		for (i = 0; stem[i] != '\0'; i++)
			if (strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
			    stem[i]) == NULL)
				return 0;
		return 1;
	}
	return 0;
}

static void	warn(struct tc_list *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* Keep a warning (bounded; the last slot says that more were lost). */
static void
warn(struct tc_list *l, const char *fmt, ...)
{
	char	 buf[512];
	va_list	 ap;

	if (l->nwarn >= TC_WARN_MAX)
		return;
	if (l->nwarn == TC_WARN_MAX - 1)
		snprintf(buf, sizeof(buf), "more warnings not kept");
	else {
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
	}
	if ((l->warn[l->nwarn] = strdup(buf)) != NULL)
		l->nwarn++;
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Printable copy of an untrusted file name for a warning. */
static const char *
safe_name(const char *s, char *buf, size_t len)
{
	size_t	 i;

	for (i = 0; i + 1 < len && s[i] != '\0'; i++)
		buf[i] = ((unsigned char)s[i] > 0x20 &&
		    (unsigned char)s[i] < 0x7f) ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

/* Add name to e's aliases unless there or full. */
static int
add_alias(struct tc_entry *e, const char *name)
{
	size_t	 i;

	for (i = 0; i < e->nalias; i++)
		if (strcmp(e->alias[i], name) == 0)
			return 0;
	if (e->nalias >= TC_ALIAS_MAX)
		return 0;
	if ((e->alias[e->nalias] = strdup(name)) == NULL)
		return -1;
	e->nalias++;
	return 0;
}

/* Look at one candidate file dir/name.  -1 only on out of memory. */
static int
examine(struct tc_list *l, const char *dir, const char *name)
{
	struct tc_entry	*ne;
	struct tc_info	 info;
	char		 full[PATH_MAX], real[PATH_MAX], why[256], sn[64];
	size_t		 i;
	int		 n;

	n = snprintf(full, sizeof(full), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(full) || !tc_executable(full) ||
	    realpath(full, real) == NULL)
		return 0;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->e[i].info.path, real) == 0)
			return add_alias(&l->e[i], name);
	if (tc_identify(full, &info, why, sizeof(why)) == -1) {
		warn(l, "%s: %s", safe_name(full, sn, sizeof(sn)), why);
		return 0;
	}
	if ((ne = reallocarray(l->e, l->n + 1, sizeof(*ne))) == NULL)
		return -1;
	l->e = ne;
	memset(&l->e[l->n], 0, sizeof(l->e[l->n]));
	l->e[l->n].info = info;
	l->n++;
	return add_alias(&l->e[l->n - 1], name);
}

void
tc_list_free(struct tc_list *l)
{
	size_t	 i, j;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		for (j = 0; j < l->e[i].nalias; j++)
			free(l->e[i].alias[j]);
	free(l->e);
	for (i = 0; i < l->nwarn; i++)
		free(l->warn[i]);
	memset(l, 0, sizeof(*l));
}

int
tc_detect(struct tc_list *l, const char *path_env, char *err, size_t errlen)
{
	char		*copy = NULL, *dir, *save = NULL, **names = NULL, **nn;
	struct dirent	*de;
	DIR		*d;
	size_t		 nnames = 0, cap, i, examined = 0;
	int		 ndirs = 0;

	memset(l, 0, sizeof(*l));
	if (path_env == NULL && (path_env = getenv("PATH")) == NULL)
		path_env = "/usr/bin:/bin";
	if ((copy = strdup(path_env)) == NULL)
		goto oom;
	for (dir = strtok_r(copy, ":", &save); dir != NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		if (++ndirs > TC_DIRS_MAX) {
			warn(l, "PATH: more than %d directories", TC_DIRS_MAX);
			break;
		}
		if ((d = opendir(dir)) == NULL)
			continue;
		nnames = cap = 0;
		while ((de = readdir(d)) != NULL) {
			if (!candidate(de->d_name))
				continue;
			if (nnames == cap) {
				cap = cap ? cap * 2 : 16;
				if ((nn = reallocarray(names, cap,
				    sizeof(*nn))) == NULL) {
					closedir(d);
					goto oom_names;
				}
				names = nn;
			}
			if ((names[nnames] = strdup(de->d_name)) == NULL) {
				closedir(d);
				goto oom_names;
			}
			nnames++;
		}
		closedir(d);
		/* readdir order is arbitrary; aliases should not be */
		if (nnames > 1)
			qsort(names, nnames, sizeof(*names), namecmp);
		for (i = 0; i < nnames; i++) {
			if (examined++ == TC_EXAMINE_MAX)
				warn(l, "more than %d candidates: rest skipped",
				    TC_EXAMINE_MAX);
			if (examined > TC_EXAMINE_MAX)
				continue;
			if (examine(l, dir, names[i]) == -1)
				goto oom_names;
		}
		for (i = 0; i < nnames; i++)
			free(names[i]);
	}
	free(names);
	free(copy);
	return 0;
 oom_names:
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
 oom:
	free(copy);
	tc_list_free(l);
	err_set(err, errlen, "out of memory");
	return -1;
}
