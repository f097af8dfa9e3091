/*
 * dcc_cc.c - what ccpoold's distcc advert says of its default compiler:
 * the output of `cc -dumpversion` and `cc -dumpmachine`, as distccd 3.4
 * puts them in its TXT record and its subtype
 * (_<machine>--<version>._sub._distcc._tcp), which stock distcc
 * +zeroconf clients browse for their own `cc`.  Called by the publisher
 * process (server/pub.c) once, before its sandbox: it runs cc, without a
 * shell, with stdin and stderr on /dev/null, its output bounded, killed
 * after DCC_CC_TIMEOUT_MS.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/mono.h"
#include "server/dcc_cc.h"

#define DCC_CC_TIMEOUT_MS	5000

/* First word of `cc arg`'s output into out (len bytes); 0 or -1. */
static int
cc_says(const char *arg, char *out, size_t len, char *err, size_t errlen)
{
	int		 p[2], st, nul;
	pid_t		 pid;
	size_t		 got = 0;
	ssize_t		 r;
	uint64_t	 end = mono_ms() + DCC_CC_TIMEOUT_MS;
	struct pollfd	 pfd;

	if (pipe2(p, O_CLOEXEC) == -1) {
		err_set(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) == -1) {
		err_set(err, errlen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		nul = open("/dev/null", O_RDWR);
		if (nul == -1 || dup2(nul, 0) == -1 || dup2(p[1], 1) == -1 ||
		    dup2(nul, 2) == -1)
			_exit(127);
		execlp("cc", "cc", arg, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	while (got + 1 < len && mono_ms() < end) {
		if (poll(&pfd, 1, (int)(end - mono_ms())) <= 0)
			break;
		if ((r = read(p[0], out + got, len - 1 - got)) <= 0)
			break;
		got += (size_t)r;
	}
	close(p[0]);
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	out[got] = '\0';
	out[strcspn(out, " \t\r\n")] = '\0';
	if (out[0] == '\0') {
		err_set(err, errlen, "cc %s said nothing", arg);
		return -1;
	}
	return 0;
}

int
dcc_cc_info(struct disc_distcc_info *info, unsigned cpus, unsigned jobs,
    char *err, size_t errlen)
{
	memset(info, 0, sizeof(*info));
	info->cpus = cpus;
	info->jobs = jobs;
	snprintf(info->version, sizeof(info->version), "ccpoold-%s", VERSION);
	if (cc_says("-dumpversion", info->cc_version,
	    sizeof(info->cc_version), err, errlen) == -1 ||
	    cc_says("-dumpmachine", info->cc_machine,
	    sizeof(info->cc_machine), err, errlen) == -1)
		return -1;
	snprintf(info->gnuhost, sizeof(info->gnuhost), "%s",
	    info->cc_machine);
	return 0;
}
