/*
 * toolchain.c - toolchain identity (see toolchain.h).
 *
 * Start at tc_identify(): resolve() finds the driver, run() executes it
 * once per question with a deadline, parse_version() tells gcc from clang
 * and takes the version, sha256_file() hashes the binary, driver_of()
 * names the driver, make_id() builds the id; tc_name() reads one back
 * for people.  tc_detect(), which walks the PATH directories, is in
 * toolchain_detect.c.  Everything a compiler prints
 * is untrusted: bounded, checked against a strict charset, never echoed
 * into an error unfiltered.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "common/err.h"
#include "common/mono.h"
#include "common/toolchain.h"

#define TC_HASH_MAX	((off_t)1 << 30)	/* bytes of a driver hashed */

/* Tests shorten this. */
static int	tc_timeout_ms = TC_TIMEOUT_MS;

int
tc_executable(const char *p)
{
	struct stat	 st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(p, X_OK) == 0;
}

/*
 * Find the driver: name as is when it holds a slash, else the first
 * executable dir/name in $PATH.  exe gets the path to run (argv[0]
 * matters to drivers: clang++ vs clang), real its realpath().
 */
static int
resolve(const char *name, char exe[PATH_MAX], char real[PATH_MAX],
    char *err, size_t errlen)
{
	const char	*path, *p, *e;
	size_t		 dl;
	int		 n;

	if (name == NULL || *name == '\0') {
		err_set(err, errlen, "empty compiler name");
		return -1;
	}
	if (strchr(name, '/') != NULL) {
		if (strlen(name) >= PATH_MAX) {
			err_set(err, errlen, "compiler path too long");
			return -1;
		}
		memcpy(exe, name, strlen(name) + 1);
	} else {
		if ((path = getenv("PATH")) == NULL)
			path = "/usr/bin:/bin";
		for (p = path;; p = e + 1) {
			e = strchr(p, ':');
			dl = e ? (size_t)(e - p) : strlen(p);
			if (dl > 0 && dl < PATH_MAX) {
				n = snprintf(exe, PATH_MAX, "%.*s/%s", (int)dl,
				    p, name);
				if (n > 0 && n < PATH_MAX && tc_executable(exe))
					break;
			}
			if (e == NULL) {
				err_set(err, errlen, "not found in PATH");
				return -1;
			}
		}
	}
	if (!tc_executable(exe)) {
		err_set(err, errlen, "not an executable file");
		return -1;
	}
	if (realpath(exe, real) == NULL) {
		err_set(err, errlen, "realpath: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Kill pid and its process group, and wait for it. */
static void
kill_reap(pid_t pid, int *status)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) == -1 && errno == EINTR)
		;
}

/* Wait for pid until deadline; kill its process group after that. */
static int
reap(pid_t pid, int64_t deadline, int *status)
{
	struct timespec	 ts = { 0, 2000000L };
	pid_t		 r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r == -1 && errno != EINTR)
			return -1;
		if ((int64_t)mono_ms() >= deadline) {
			kill_reap(pid, status);
			return -1;
		}
		nanosleep(&ts, NULL);
	}
}

/*
 * Read the driver's stdout from fd into out until EOF, at most outlen - 1
 * bytes (not terminated here).  Returns the bytes read, or -1 with err
 * set: the deadline passed, a read failed, or there was more output.
 */
static ssize_t
read_output(int fd, char *out, size_t outlen, int64_t deadline, char *err,
    size_t errlen)
{
	struct pollfd	 pfd;
	size_t		 n = 0;
	ssize_t		 r;
	int		 wait;

	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		wait = (int)(deadline - (int64_t)mono_ms());
		if (wait <= 0) {
			err_set(err, errlen, "timed out");
			return -1;
		}
		if (poll(&pfd, 1, wait) == -1) {
			if (errno == EINTR)
				continue;
			err_set(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}
		if (pfd.revents == 0)
			continue;
		r = read(fd, out + n, outlen - 1 - n);
		if (r == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			err_set(err, errlen, "read: %s", strerror(errno));
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == outlen - 1) {
			char	 c;

			/* full: one more byte means too much output */
			if (read(fd, &c, 1) != 0) {
				err_set(err, errlen, "too much output");
				return -1;
			}
			break;
		}
	}
	return (ssize_t)n;
}

/*
 * Run "exe arg" with a minimal environment and read its stdout into out
 * (outlen bytes, NUL-terminated).  Returns 0 if it exited 0 within the
 * deadline with at most outlen - 1 bytes of output; else -1 and err.
 */
static int
run(const char *exe, const char *arg, char *out, size_t outlen, char *err,
    size_t errlen)
{
	char		*argv[3], *envp[3], pathenv[1024];
	const char	*path;
	int64_t		 deadline;
	size_t		 n;
	ssize_t		 r;
	pid_t		 pid;
	int		 p[2] = { -1, -1 }, devnull, status, rc = -1;

	argv[0] = (char *)exe;
	argv[1] = (char *)arg;
	argv[2] = NULL;
	if ((path = getenv("PATH")) == NULL ||
	    strlen(path) >= sizeof(pathenv) - 5)
		path = "/usr/bin:/bin";
	snprintf(pathenv, sizeof(pathenv), "PATH=%s", path);
	envp[0] = "LC_ALL=C";
	envp[1] = pathenv;
	envp[2] = NULL;

	if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1) {
		err_set(err, errlen, "/dev/null: %s", strerror(errno));
		return -1;
	}
	if (pipe2(p, O_CLOEXEC) == -1) {
		err_set(err, errlen, "pipe: %s", strerror(errno));
		close(devnull);
		return -1;
	}
	deadline = (int64_t)mono_ms() + tc_timeout_ms;
	if ((pid = fork()) == -1) {
		err_set(err, errlen, "fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		/* only async-signal-safe calls until execve */
		setpgid(0, 0);
		if (dup2(devnull, 0) == -1 || dup2(p[1], 1) == -1 ||
		    dup2(devnull, 2) == -1)
			_exit(127);
		execve(exe, argv, envp);
		_exit(127);
	}
	setpgid(pid, pid);	/* whichever runs first; ignore the loser */
	close(p[1]);
	p[1] = -1;

	if ((r = read_output(p[0], out, outlen, deadline, err,
	    errlen)) == -1) {
		kill_reap(pid, &status);
		goto fail;
	}
	n = (size_t)r;
	out[n] = '\0';
	if (reap(pid, deadline, &status) == -1) {
		err_set(err, errlen, "timed out");
		goto fail;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		err_set(err, errlen, "%s failed", arg);
		goto fail;
	}
	if (memchr(out, '\0', n) != NULL) {
		err_set(err, errlen, "NUL byte in output");
		goto fail;
	}
	rc = 0;
 fail:
	close(devnull);
	if (p[0] != -1)
		close(p[0]);
	if (p[1] != -1)
		close(p[1]);
	return rc;
}

/* Cut s at its first newline. */
static void
chomp(char *s)
{
	s[strcspn(s, "\r\n")] = '\0';
}

/* A version: a digit, then digits and dots, shorter than max. */
static int
valid_version(const char *s, size_t max)
{
	size_t	 i;

	if (s[0] < '0' || s[0] > '9')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if ((s[i] < '0' || s[i] > '9') && s[i] != '.')
			return 0;
	return i < max && s[i - 1] != '.';
}

/* A target triple: [A-Za-z0-9._-], at least one dash, shorter than max. */
static int
valid_target(const char *s, size_t max)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", s[i]) == NULL)
			return 0;
	return i > 0 && i < max && strchr(s, '-') != NULL &&
	    s[0] != '-' && s[0] != '.';
}

/*
 * Tell the family from --version output: clang says "clang version X",
 * gcc's copyright line names the Free Software Foundation.  For clang the
 * version comes from the same line; for gcc it is left empty (the caller
 * asks -dumpfullversion).  Returns 0, or -1 if neither.
 */
static int
parse_version(const char *text, char *family, size_t famlen, char *version,
    size_t verlen)
{
	const char	*p;
	size_t		 n;

	if ((p = strstr(text, "clang version ")) != NULL) {
		p += strlen("clang version ");
		n = strspn(p, "0123456789.");
		if (n == 0 || n >= verlen)
			return -1;
		memcpy(version, p, n);
		version[n] = '\0';
		if (!valid_version(version, verlen))
			return -1;
		snprintf(family, famlen, "clang");
		return 0;
	}
	if (strstr(text, "Free Software Foundation") != NULL) {
		version[0] = '\0';
		snprintf(family, famlen, "gcc");
		return 0;
	}
	return -1;
}

int
tc_id_valid(const char *s)
{
	size_t	 i, dashes = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-", s[i]) == NULL)
			return 0;
		if (s[i] == '-')
			dashes++;
	}
	return i > 0 && i < TC_ID_MAX && dashes >= 3;
}

/*
 * The driver's name for the id, from its family and the file name of
 * the binary (real path): gcc or clang, or g++ or clang++ when that name,
 * without a version suffix such as "-12", ends in "++".
 */
static void
driver_of(struct tc_info *info)
{
	const char	*base = strrchr(info->path, '/');
	size_t		 n;
	int		 cxx;

	base = base != NULL ? base + 1 : info->path;
	n = strlen(base);
	/* drop a "-12" or "-12.2" */
	while (n > 0 && ((base[n - 1] >= '0' && base[n - 1] <= '9') ||
	    base[n - 1] == '.'))
		n--;
	if (n == strlen(base) || n == 0 || base[n - 1] != '-')
		n = strlen(base);
	else
		n--;
	cxx = n >= 2 && base[n - 1] == '+' && base[n - 2] == '+';
	if (strcmp(info->family, "clang") == 0)
		snprintf(info->driver, sizeof(info->driver), "%s",
		    cxx ? "clang++" : "clang");
	else
		snprintf(info->driver, sizeof(info->driver), "%s",
		    cxx ? "g++" : "gcc");
}

/* "<driver>-<version>-<target>-<12 hex>" into info->id. */
static int
make_id(struct tc_info *info, char *err, size_t errlen)
{
	int	 n;

	n = snprintf(info->id, sizeof(info->id), "%s-%s-%s-%.12s",
	    info->driver[0] != '\0' ? info->driver : info->family,
	    info->version, info->target, info->sha256);
	if (n < 0 || (size_t)n >= sizeof(info->id) ||
	    !tc_id_valid(info->id) || strlen(info->sha256) != 64) {
		err_set(err, errlen, "cannot form a toolchain id");
		info->id[0] = '\0';
		return -1;
	}
	return 0;
}

/* The parts of an id; 0, or -1 when it is not of make_id()'s shape. */
struct idparts {
	const char	*driver, *version, *target, *hash;
	int		 ldriver, lversion, ltarget, lhash;
};

static int
id_split(const char *id, struct idparts *p)
{
	const char	*d1, *d2, *last;
	size_t		 i;

	memset(p, 0, sizeof(*p));
	if (!tc_id_valid(id) || (d1 = strchr(id, '-')) == NULL ||
	    (d2 = strchr(d1 + 1, '-')) == NULL ||
	    (last = strrchr(id, '-')) == d2)
		return -1;
	p->driver = id;
	p->ldriver = (int)(d1 - id);
	p->version = d1 + 1;
	p->lversion = (int)(d2 - d1 - 1);
	p->target = d2 + 1;
	p->ltarget = (int)(last - d2 - 1);
	p->hash = last + 1;
	p->lhash = (int)strlen(last + 1);
	if (p->ldriver == 0 || p->lversion == 0 || p->lhash == 0 ||
	    p->version[0] < '0' || p->version[0] > '9')
		return -1;
	for (i = 0; i < (size_t)p->lhash; i++)
		if (strchr("0123456789abcdef", p->hash[i]) == NULL)
			return -1;
	return 0;
}

const char *
tc_name(const char *id, int digits, char *buf, size_t len)
{
	struct idparts	 p;
	size_t		 i;

	if (len == 0)
		return buf;
	if (id_split(id, &p) == -1) {
		/* as it is, but only the id charset reaches a terminal */
		for (i = 0; i + 1 < len && id[i] != '\0'; i++)
			buf[i] = strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-",
			    id[i]) != NULL ? id[i] : '?';
		buf[i] = '\0';
		return buf;
	}
	if (digits > p.lhash)
		digits = p.lhash;
	snprintf(buf, len, "%.*s %.*s %.*s%s%.*s", p.ldriver, p.driver,
	    p.lversion, p.version, p.ltarget, p.target, digits > 0 ? " #" : "",
	    digits > 0 ? digits : 0, p.hash);
	return buf;
}

int
tc_name_digits(const char *id, const char *other)
{
	struct idparts	 a, b;
	int		 i;

	if (strcmp(id, other) == 0 || id_split(id, &a) == -1 ||
	    id_split(other, &b) == -1 ||
	    a.hash - a.driver != b.hash - b.driver ||
	    strncmp(a.driver, b.driver, (size_t)(a.hash - a.driver)) != 0)
		return 0;
	for (i = 0; i < a.lhash && i < b.lhash && a.hash[i] == b.hash[i]; i++)
		;
	return i + 1 < TC_NAME_DIGITS ? TC_NAME_DIGITS : i + 1;
}

/* SHA-256 of the file at path, as 64 hex digits into hex. */
static int
sha256_file(const char *path, char hex[65], char *err, size_t errlen)
{
	unsigned char	 buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;
	EVP_MD_CTX	*ctx = NULL;
	off_t		 total = 0;
	ssize_t		 r;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		err_set(err, errlen, "open: %s", strerror(errno));
		return -1;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		err_set(err, errlen, "sha256: cannot initialise");
		goto fail;
	}
	for (;;) {
		if ((r = read(fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			err_set(err, errlen, "read: %s", strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		if ((total += r) > TC_HASH_MAX) {
			err_set(err, errlen, "driver binary too large");
			goto fail;
		}
		if (EVP_DigestUpdate(ctx, buf, (size_t)r) != 1) {
			err_set(err, errlen, "sha256 failed");
			goto fail;
		}
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32) {
		err_set(err, errlen, "sha256 failed");
		goto fail;
	}
	for (i = 0; i < mdlen; i++)
		snprintf(hex + (size_t)i * 2, 3, "%02x", md[i]);
	rc = 0;
 fail:
	EVP_MD_CTX_free(ctx);
	close(fd);
	return rc;
}

/* For gcc: which cc1 variants does the driver find? */
static unsigned
gcc_langs(const char *exe)
{
	static const struct {
		const char	*arg;
		unsigned	 lang;
	} t[] = {
		{ "-print-prog-name=cc1plus", TC_LANG_CXX },
		{ "-print-prog-name=cc1obj", TC_LANG_OBJC },
		{ "-print-prog-name=cc1objplus", TC_LANG_OBJCXX },
	};
	char		 out[TC_OUTPUT_MAX];
	unsigned	 langs = TC_LANG_C;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (run(exe, t[i].arg, out, sizeof(out), NULL, 0) == -1)
			continue;
		chomp(out);
		/* found: an absolute path; not found: the bare name */
		if (out[0] == '/' && tc_executable(out))
			langs |= t[i].lang;
	}
	return langs;
}

int
tc_identify(const char *path, struct tc_info *out, char *err, size_t errlen)
{
	char	 exe[PATH_MAX], buf[TC_OUTPUT_MAX], why[128];

	memset(out, 0, sizeof(*out));
	if (resolve(path, exe, out->path, err, errlen) == -1)
		goto fail;
	if (run(exe, "--version", buf, sizeof(buf), why, sizeof(why)) == -1) {
		err_set(err, errlen, "--version: %s", why);
		goto fail;
	}
	if (parse_version(buf, out->family, sizeof(out->family), out->version,
	    sizeof(out->version)) == -1) {
		err_set(err, errlen, "not gcc or clang");
		goto fail;
	}
	if (strcmp(out->family, "gcc") == 0) {
		if (run(exe, "-dumpfullversion", buf, sizeof(buf), why,
		    sizeof(why)) == -1) {
			err_set(err, errlen, "-dumpfullversion: %s", why);
			goto fail;
		}
		chomp(buf);
		if (!valid_version(buf, sizeof(out->version))) {
			err_set(err, errlen, "not gcc or clang (version)");
			goto fail;
		}
		memcpy(out->version, buf, strlen(buf) + 1);	/* checked */
	}
	if (run(exe, "-dumpmachine", buf, sizeof(buf), why, sizeof(why)) ==
	    -1) {
		err_set(err, errlen, "-dumpmachine: %s", why);
		goto fail;
	}
	chomp(buf);
	if (!valid_target(buf, sizeof(out->target))) {
		err_set(err, errlen, "odd target");
		goto fail;
	}
	memcpy(out->target, buf, strlen(buf) + 1);	/* checked */
	if (strcmp(out->family, "clang") == 0)
		out->langs = TC_LANG_C | TC_LANG_CXX | TC_LANG_OBJC |
		    TC_LANG_OBJCXX;
	else
		out->langs = gcc_langs(exe);
	driver_of(out);
	if (sha256_file(out->path, out->sha256, err, errlen) == -1 ||
	    make_id(out, err, errlen) == -1)
		goto fail;
	return 0;
 fail:
	memset(out, 0, sizeof(*out));
	return -1;
}
