/*
 * pin.c - the known_servers file of open mode; see pin.h.  Lines are
 * "NAME FINGERPRINT"; the fingerprint is the last field, so a name may
 * hold spaces.  Malformed lines are skipped, never trusted.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "client/pin.h"
#include "common/err.h"
#include "common/ident.h"

#define PIN_LINE_MAX	512

/* Split line into name and fingerprint; 0, or -1 if malformed. */
static int
pin_split(char *line, char **name, char **fp)
{
	char	*sp;

	line[strcspn(line, "\n")] = '\0';
	if ((sp = strrchr(line, ' ')) == NULL || sp == line)
		return -1;
	*sp = '\0';
	*name = line;
	*fp = sp + 1;
	return ident_fp_valid(*fp) ? 0 : -1;
}

int
pin_check(const char *path, const char *name, const char *fp, char *old,
    char *err, size_t errlen)
{
	char	 line[PIN_LINE_MAX], *n, *f;
	FILE	*fh;
	int	 st = PIN_NEW;

	if ((fh = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return PIN_NEW;
		err_set(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (st != PIN_CHANGED && fgets(line, sizeof(line), fh) != NULL) {
		if (pin_split(line, &n, &f) == -1 || strcmp(n, name) != 0)
			continue;
		if (strcmp(f, fp) == 0)
			st = PIN_SAME;
		else {
			snprintf(old, IDENT_FP_LEN, "%s", f);
			st = PIN_CHANGED;
		}
	}
	fclose(fh);
	return st;
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

int
pin_forget(const char *path, const char *name, char *err, size_t errlen)
{
	char	 tmp[PATH_MAX], line[PIN_LINE_MAX], copy[PIN_LINE_MAX];
	char	*n, *f;
	FILE	*in, *out;
	int	 fd, gone = 0;

	if ((in = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		err_set(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    sizeof(tmp) || (fd = mkostemp(tmp, O_CLOEXEC)) == -1 ||
	    (out = fdopen(fd, "w")) == NULL) {
		err_set(err, errlen, "%s: cannot rewrite", path);
		fclose(in);
		return -1;
	}
	while (fgets(line, sizeof(line), in) != NULL) {
		memcpy(copy, line, sizeof(copy));
		if (pin_split(copy, &n, &f) == 0 && strcmp(n, name) == 0) {
			gone++;
			continue;
		}
		fputs(line, out);
	}
	fclose(in);
	if (fclose(out) != 0 || rename(tmp, path) == -1) {
		err_set(err, errlen, "%s: cannot rewrite", path);
		(void)unlink(tmp);
		return -1;
	}
	return gone;
}
