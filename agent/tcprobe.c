/*
 * tcprobe.c - the toolchain probe compiled here: a few lines of
 * preprocessed C (or C++) whose assembly depends on the compiler's
 * version string (.ident), its target (type sizes, alignment, calling
 * convention, instructions) and its default code generation (PIC, stack
 * protector).  A distccd whose compiler turns it into the same bytes
 * (adcc_probe.c) is taken for the same compiler.  Runs in the toolchain
 * helper (tchelp.c), never in the confined agent: fork, execve with no
 * shell, LC_ALL=C, the text on stdin, the assembly read from stdout up to
 * TCPROBE_OUT_MAX bytes, killed after TC_TIMEOUT_MS.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "agent/adcc.h"
#include "common/mono.h"
#include "common/toolchain.h"

#define TCPROBE_OUT_MAX	(256 * 1024)

static const char probe_text[] =
	"# 1 \"ccpool-probe.c\"\n"
	"struct ccpool_probe_s { char c; long l; double d; void *p; };\n"
	"extern int ccpool_probe_ext;\n"
	"long\n"
	"ccpool_probe(long x, double d, const char *s)\n"
	"{\n"
	"\tlong n = ccpool_probe_ext;\n"
	"\twhile (*s)\n"
	"\t\tn = n * 31 + *s++;\n"
	"\treturn n + x * (long)sizeof(struct ccpool_probe_s) +\n"
	"\t    (long)(d * 0.5) + (long)__alignof__(struct ccpool_probe_s);\n"
	"}\n";

const char *
tcprobe_text(int cxx, size_t *len)
{
	(void)cxx;		/* the text is both C and C++ */
	*len = sizeof(probe_text) - 1;
	return probe_text;
}

void
tcprobe_hash(const void *p, size_t len, char hex[65])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0, i;

	if (EVP_Digest(p, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32) {
		hex[0] = '\0';
		return;
	}
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

static void
child(const char *path, int cxx, int in, int out)
{
	char	*env[] = { "LC_ALL=C", "PATH=/usr/local/bin:/usr/bin:/bin",
	    NULL };
	char	*argv[] = { (char *)path, "-pipe", "-S", "-x",
	    cxx ? "c++-cpp-output" : "cpp-output", "-o", "-", "-", NULL };
	int	 null;

	if (dup2(in, 0) == -1 || dup2(out, 1) == -1)
		_exit(127);
	if ((null = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1 ||
	    dup2(null, 2) == -1)
		_exit(127);
	execve(path, argv, env);
	_exit(127);
}

/* Read the child's stdout into buf until EOF, the cap or the deadline. */
static ssize_t
drain(int fd, char *buf, size_t cap, uint64_t deadline)
{
	struct pollfd	 p = { fd, POLLIN, 0 };
	size_t		 len = 0;
	ssize_t		 n;
	uint64_t	 now;

	for (;;) {
		if ((now = mono_ms()) >= deadline)
			return -1;
		if (poll(&p, 1, (int)(deadline - now)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (len == cap)
			return -1;
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? (ssize_t)len : -1;
		len += (size_t)n;
	}
}

int
tcprobe_local(const char *path, int cxx, char hex[65], char *err,
    size_t errlen)
{
	int		 in[2] = { -1, -1 }, out[2] = { -1, -1 }, st = 0;
	char		*buf = NULL;
	const char	*text;
	size_t		 tlen;
	ssize_t		 n = -1;
	pid_t		 pid;

	text = tcprobe_text(cxx, &tlen);
	if ((buf = malloc(TCPROBE_OUT_MAX)) == NULL ||
	    pipe2(in, O_CLOEXEC) == -1 || pipe2(out, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "probe: %s", strerror(errno));
		goto fail;
	}
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "probe: fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0)
		child(path, cxx, in[0], out[1]);
	close(in[0]);
	close(out[1]);
	in[0] = out[1] = -1;
	/* the text is far below a pipe's capacity: this never blocks */
	n = write(in[1], text, tlen) == (ssize_t)tlen ? 0 : -1;
	close(in[1]);		/* EOF: the compiler reads to the end first */
	in[1] = -1;
	if (n == 0)
		n = drain(out[0], buf, TCPROBE_OUT_MAX,
		    mono_ms() + TC_TIMEOUT_MS);
	if (n == -1)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	if (n <= 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(err, errlen, "probe: %s -S failed here", path);
		goto fail;
	}
	tcprobe_hash(buf, (size_t)n, hex);
	free(buf);
	close(out[0]);
	return hex[0] != '\0' ? 0 : -1;
fail:
	free(buf);
	if (in[0] != -1)
		close(in[0]);
	if (in[1] != -1)
		close(in[1]);
	if (out[0] != -1)
		close(out[0]);
	if (out[1] != -1)
		close(out[1]);
	return -1;
}
