/*
 * pin.c - the known_servers file of open mode; see pin.h.  Lines are
 * "NAME FINGERPRINT" or "NAME !FINGERPRINT" (refused); the fingerprint is
 * the last field, so a name may hold spaces.  Malformed lines are
 * skipped, never trusted.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/pin.h"
#include "common/err.h"
#include "common/ident.h"

#define PIN_LINE_MAX	512
/*
 * Avahi shortens a long name to fit " #N" into a 63-byte label (and cuts
 * a split UTF-8 character): an alternative this long may derive from a
 * longer name that starts with its base.
 */
#define PIN_ALT_CUT	56

/* Split line into name, fingerprint and refusal; 0, or -1 if malformed. */
static int
pin_split(char *line, char **name, char **fp, int *refused)
{
	char	*sp;

	line[strcspn(line, "\n")] = '\0';
	if ((sp = strrchr(line, ' ')) == NULL || sp == line)
		return -1;
	*sp = '\0';
	*name = line;
	*fp = sp + 1;
	*refused = **fp == '!';
	if (*refused)
		(*fp)++;
	return ident_fp_valid(*fp) ? 0 : -1;
}

int
pin_alt_base(const char *name, char *base, size_t len)
{
	const char	*h = strrchr(name, '#'), *p;

	if (h == NULL || h < name + 2 || h[-1] != ' ' || h[1] < '1' ||
	    h[1] > '9' || (h[1] == '1' && h[2] == '\0'))
		return 0;
	for (p = h + 1; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return 0;
	if ((size_t)(h - 1 - name) >= len)
		return 0;
	memcpy(base, name, (size_t)(h - 1 - name));
	base[h - 1 - name] = '\0';
	return 1;
}

/* Is pinned the name that name's alternative base derives from? */
static int
pin_is_base(const char *name, const char *base, const char *pinned)
{
	size_t	 n = strlen(base);

	return strcmp(pinned, base) == 0 || (strlen(name) >= PIN_ALT_CUT &&
	    strlen(pinned) > n && strncmp(pinned, base, n) == 0);
}

int
pin_check(const char *path, const char *name, const char *fp,
    struct pin_look *l, char *err, size_t errlen)
{
	char	 line[PIN_LINE_MAX], base[PIN_NAME_MAX], *n, *f;
	char	 k_refused[IDENT_FP_LEN] = "", k_changed[IDENT_FP_LEN] = "";
	char	 k_base[IDENT_FP_LEN] = "", n_base[PIN_NAME_MAX] = "";
	char	 n_known[PIN_NAME_MAX] = "";
	FILE	*fh;
	int	 refused, alt, base_same = 0;

	memset(l, 0, sizeof(*l));
	l->state = PIN_NEW;
	if ((fh = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return PIN_NEW;
		err_set(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	alt = pin_alt_base(name, base, sizeof(base));
	while (fgets(line, sizeof(line), fh) != NULL) {
		if (pin_split(line, &n, &f, &refused) == -1)
			continue;
		if (refused) {
			if (k_refused[0] == '\0' && (strcmp(n, name) == 0 ||
			    strcmp(f, fp) == 0))
				snprintf(k_refused, sizeof(k_refused), "%s", f);
		} else if (strcmp(n, name) == 0) {
			if (strcmp(f, fp) == 0)
				l->state = PIN_SAME;
			else if (k_changed[0] == '\0')
				snprintf(k_changed, sizeof(k_changed), "%s", f);
		} else {
			if (strcmp(f, fp) == 0 && n_known[0] == '\0')
				snprintf(n_known, sizeof(n_known), "%s", n);
			if (alt && pin_is_base(name, base, n)) {
				if (strcmp(f, fp) == 0)
					base_same = 1;
				else if (k_base[0] == '\0') {
					snprintf(k_base, sizeof(k_base), "%s",
					    f);
					snprintf(n_base, sizeof(n_base), "%s",
					    n);
				}
			}
		}
	}
	fclose(fh);
	/* the strictest verdict wins: a refusal, then a contradicted pin */
	if (k_refused[0] != '\0') {
		l->state = PIN_REFUSED;
		memcpy(l->old, k_refused, sizeof(l->old));
	} else if (k_changed[0] != '\0') {
		l->state = PIN_CHANGED;
		memcpy(l->old, k_changed, sizeof(l->old));
	} else if (l->state == PIN_SAME)
		;
	else if (k_base[0] != '\0' && !base_same) {
		l->state = PIN_ALIAS;
		memcpy(l->old, k_base, sizeof(l->old));
		memcpy(l->other, n_base, sizeof(l->other));
	} else if (n_known[0] != '\0') {
		l->state = PIN_KNOWN;
		memcpy(l->other, n_known, sizeof(l->other));
	}
	return (int)l->state;
}

int
pin_add(const char *path, const char *name, const char *fp, char *err,
    size_t errlen)
{
	char	 line[PIN_LINE_MAX];
	int	 fd, n;

	if (strchr(name, '\n') != NULL || !ident_fp_valid(fp) ||
	    (n = snprintf(line, sizeof(line), "%s %s\n", name, fp)) < 0 ||
	    (size_t)n >= sizeof(line)) {
		err_set(err, errlen, "cannot pin '%s': bad name or key", name);
		return -1;
	}
	if (ident_mkdir_parent(path, err, errlen) == -1)
		return -1;
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) == -1 || write(fd, line, (size_t)n) != n) {
		err_set(err, errlen, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * Rewrite the file without name's lines, plus add (a whole line, or
 * NULL) at its end, through a temporary file renamed over it.  Returns
 * how many lines of name went, or -1.
 */
static int
pin_rewrite(const char *path, const char *name, const char *add, char *err,
    size_t errlen)
{
	char	 tmp[PATH_MAX], line[PIN_LINE_MAX], copy[PIN_LINE_MAX];
	char	*n, *f;
	FILE	*in, *out;
	int	 fd, refused, gone = 0;

	if ((in = fopen(path, "re")) == NULL && (errno != ENOENT ||
	    add == NULL)) {
		if (errno == ENOENT)
			return 0;	/* nothing to forget */
		err_set(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (in == NULL && ident_mkdir_parent(path, err, errlen) == -1)
		return -1;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    sizeof(tmp) || (fd = mkostemp(tmp, O_CLOEXEC)) == -1 ||
	    (out = fdopen(fd, "w")) == NULL) {
		err_set(err, errlen, "%s: cannot rewrite", path);
		if (in != NULL)
			fclose(in);
		return -1;
	}
	while (in != NULL && fgets(line, sizeof(line), in) != NULL) {
		memcpy(copy, line, sizeof(copy));
		if (pin_split(copy, &n, &f, &refused) == 0 &&
		    strcmp(n, name) == 0) {
			gone++;
			continue;
		}
		fputs(line, out);
	}
	if (in != NULL)
		fclose(in);
	if (add != NULL)
		fputs(add, out);
	if (fclose(out) != 0 || rename(tmp, path) == -1) {
		err_set(err, errlen, "%s: cannot rewrite", path);
		(void)unlink(tmp);
		return -1;
	}
	return gone;
}

int
pin_set(const char *path, const char *name, const char *fp, int refused,
    char *err, size_t errlen)
{
	char	 line[PIN_LINE_MAX];
	int	 n;

	if (strchr(name, '\n') != NULL || name[0] == '\0' ||
	    !ident_fp_valid(fp) || (n = snprintf(line, sizeof(line),
	    "%s %s%s\n", name, refused ? "!" : "", fp)) < 0 ||
	    (size_t)n >= sizeof(line)) {
		err_set(err, errlen, "cannot pin '%s': bad name or key", name);
		return -1;
	}
	return pin_rewrite(path, name, line, err, errlen) == -1 ? -1 : 0;
}

int
pin_forget(const char *path, const char *name, char *err, size_t errlen)
{
	return pin_rewrite(path, name, NULL, err, errlen);
}

int
pin_each(const char *path, void (*cb)(const char *, const char *, int,
    void *), void *arg, char *err, size_t errlen)
{
	char	 line[PIN_LINE_MAX], *n, *f;
	FILE	*fh;
	int	 refused, count = 0;

	if ((fh = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		err_set(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fh) != NULL) {
		if (pin_split(line, &n, &f, &refused) == -1)
			continue;
		count++;
		if (cb != NULL)
			cb(n, f, refused, arg);
	}
	fclose(fh);
	return count;
}
