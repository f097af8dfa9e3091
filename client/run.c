/*
 * run.c - running a command here and capturing its stdout (a memory file)
 * and stderr (a pipe); see run.h.  Start reading at run_capture().
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "client/run.h"

/*
 * The child's side: stdin from /dev/null, stdout into the memory file
 * mfd, stderr into the pipe's end ewr, the file size limit fsz, then
 * path.  Does not return.
 */
static void __attribute__((noreturn))
run_child(const char *path, char *const argv[], int mfd, int ewr,
    const struct rlimit *fsz)
{
	int nul = open("/dev/null", O_RDONLY);

	if (nul == -1 || dup2(nul, 0) == -1 || dup2(mfd, 1) == -1 ||
	    dup2(ewr, 2) == -1 || setrlimit(RLIMIT_FSIZE, fsz) == -1)
		_exit(127);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGXFSZ, SIG_DFL);
	execv(path, argv);
	fprintf(stderr, "ccpool: %s: %s\n", path, strerror(errno));
	_exit(127);
}

/*
 * Read the command's stderr from the pipe erd into errout until its end.
 * Returns 1 when it was over max bytes (or out of memory: reading
 * stopped), else 0.
 */
static int
run_read_err(int erd, struct proto_buf *errout, size_t max)
{
	ssize_t		 n;

	for (;;) {
		if (proto_buf_reserve(errout, (size_t)4096) == -1)
			return 1;
		n = read(erd, errout->data + errout->len,
		    errout->cap - errout->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		errout->len += (size_t)n;
		if (errout->len > max)
			return 1;
	}
}

/*
 * Append the memory file mfd, the command's stdout, to out once the
 * command is over (wait status status; over: its stderr was too long).
 * Returns 0, or -1 with err set.
 */
static int
run_read_out(int mfd, int status, int over, struct proto_buf *out,
    size_t max, char *err, size_t errlen)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 got;

	if (fstat(mfd, &st) == -1) {
		snprintf(err, errlen, "fstat: %s", strerror(errno));
		return -1;
	}
	if (over || (uintmax_t)st.st_size > max ||
	    (WIFSIGNALED(status) && WTERMSIG(status) == SIGXFSZ)) {
		snprintf(err, errlen, "output over %zu bytes", max);
		return -1;
	}
	if (proto_buf_reserve(out, (size_t)st.st_size) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (got = 0; got < (size_t)st.st_size; got += (size_t)n) {
		n = pread(mfd, out->data + out->len + got,
		    (size_t)st.st_size - got, (off_t)got);
		if (n == -1 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0) {
			snprintf(err, errlen, "reading the output: %s",
			    n == 0 ? "short" : strerror(errno));
			return -1;
		}
	}
	out->len += got;
	return 0;
}

int
run_capture(const char *path, char *const argv[], struct proto_buf *out,
    struct proto_buf *errout, size_t max, char *err, size_t errlen)
{
	struct rlimit	 fsz;
	int		 ep[2] = { -1, -1 }, mfd, status = -1, over;
	pid_t		 pid;

	if ((mfd = memfd_create("ccpool-out", MFD_CLOEXEC)) == -1) {
		snprintf(err, errlen, "memfd_create: %s", strerror(errno));
		return -1;
	}
	if (pipe2(ep, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto done;
	}
	fsz.rlim_cur = fsz.rlim_max = max < RLIM_INFINITY - 1 ? max + 1 :
	    RLIM_INFINITY;
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		goto done;
	}
	if (pid == 0)
		run_child(path, argv, mfd, ep[1], &fsz);
	close(ep[1]);
	ep[1] = -1;
	over = run_read_err(ep[0], errout, max);
	close(ep[0]);		/* a command still writing gets SIGPIPE */
	ep[0] = -1;
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			status = -1;
			goto done;
		}
	if (run_read_out(mfd, status, over, out, max, err, errlen) == -1)
		status = -1;
done:
	close(mfd);
	if (ep[0] != -1)
		close(ep[0]);
	if (ep[1] != -1)
		close(ep[1]);
	return status;
}
