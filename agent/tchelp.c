/*
 * tchelp.c - the agent's toolchain helper process; see tchelp.h.  The
 * helper's loop is helper_main(); the agent's side is tchelp_identify().
 * The helper trusts nothing the agent sends: a message is a path of at
 * most PATH_MAX - 1 bytes, NUL-terminated, absolute, or the helper exits.
 * A message "P" + 'c' or 'x' + such a path asks for the distcc probe
 * compiled here as C or C++ (tcprobe.c); the answer is "+" and its hash.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

#include "agent/adcc.h"
#include "agent/tchelp.h"
#include "common/confine.h"
#include "common/toolchain.h"

#define TCHELP_MSG	(PATH_MAX + 8)	/* the longest message either way */

static int	 tchelp_fd = -1;	/* agent's end; -1: not started */
static int	 tchelp_started;

/*
 * The helper's walls: writes only to /dev/null, no network, no mounts,
 * namespaces or ptrace.  A compiler that it runs gets the same.
 */
static int
helper_walls(char *err, size_t errlen)
{
	static const char *const deny[] = {
		"ptrace", CONFINE_DENY_BASE, CONFINE_DENY_MOUNT,
	};
	static const struct confine_path w[] = {
		{ "/dev/null", CONFINE_W },
	};
	struct confine_filter	*f;
	struct scmp_arg_cmp	 c;
	int			 rc = -1;

	if (confine_no_new_privs() == -1) {
		snprintf(err, errlen, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	if (confine_landlock(CONFINE_W, w, 1, err, errlen) == -1)
		return -1;
	if ((f = confine_filter_new(0, err, errlen)) == NULL)
		return -1;
	confine_filter_deny_act(f, CONFINE_EPERM);
	c = SCMP_A0(SCMP_CMP_NE, AF_UNIX);
	if (confine_filter_names(f, deny, sizeof(deny) / sizeof(deny[0]),
	    err, errlen) == 0 && confine_filter_rule(f, SCMP_ACT_ERRNO(EPERM),
	    "socket", 1, &c, err, errlen) == 0 &&
	    confine_filter_load(f, err, errlen) == 0)
		rc = 0;
	confine_filter_free(f);
	return rc;
}

/* The helper: answer each path until the agent closes its end. */
static void
helper_main(int fd)
{
	struct tc_info	*info;
	char		 msg[TCHELP_MSG], out[TCHELP_MSG], err[256], hex[65];
	ssize_t		 n;

	if ((info = malloc(sizeof(*info))) == NULL)
		_exit(1);
	for (;;) {
		n = recv(fd, msg, sizeof(msg), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);		/* the agent is gone */
		/* fail closed: exactly one absolute path with its NUL */
		if (n < 2 || n > PATH_MAX + 2 ||
		    memchr(msg, '\0', (size_t)n) != msg + n - 1)
			_exit(1);
		if (msg[0] == 'P' && (msg[1] == 'c' || msg[1] == 'x') &&
		    msg[2] == '/') {
			n = tcprobe_local(msg + 2, msg[1] == 'x', hex, err,
			    sizeof(err)) == -1 ?
			    snprintf(out, sizeof(out), "-%s", err) :
			    snprintf(out, sizeof(out), "+%s", hex);
		} else if (msg[0] != '/' || n > PATH_MAX)
			_exit(1);
		else if (tc_identify(msg, info, err, sizeof(err)) == -1)
			n = snprintf(out, sizeof(out), "-%s", err);
		else
			n = snprintf(out, sizeof(out), "+%s", info->id);
		if (send(fd, out, (size_t)n + 1, MSG_NOSIGNAL) == -1)
			_exit(0);
	}
}

int
tchelp_start(char *err, size_t errlen)
{
	pid_t	 pid;
	int	 sv[2], fd;

	tchelp_started = 1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		snprintf(err, errlen, "toolchain helper: socketpair: %s",
		    strerror(errno));
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "toolchain helper: fork: %s",
		    strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		/* nothing of the agent's but stdio and our end */
		close(sv[0]);
		for (fd = 3; fd < 1024; fd++)
			if (fd != sv[1])
				(void)close(fd);
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		(void)prctl(PR_SET_NAME, "ccpool-tchelp", 0, 0, 0);
		signal(SIGPIPE, SIG_IGN);
		if (helper_walls(err, errlen) == -1) {
			fprintf(stderr, "ccpool-agent: toolchain helper: %s\n",
			    err);
			_exit(1);
		}
		helper_main(sv[1]);
	}
	close(sv[1]);
	tchelp_fd = sv[0];
	return 0;
}

/* The helper is gone or answered what it never sends: drop it. */
static int
drop_helper(char *err, size_t errlen)
{
	snprintf(err, errlen, "the toolchain helper is gone");
	close(tchelp_fd);
	tchelp_fd = -1;
	return -1;
}

/*
 * One exchange with the helper: send prefix (plen bytes, 0 or 2) and
 * path with its NUL, receive the answer.  Returns the length of the
 * answer after its '+' (the NUL included) into ans (TCHELP_MSG bytes),
 * or -1 with err set: the helper's '-' reason, or drop_helper()'s if it
 * sent anything but one NUL-terminated answer.
 */
static ssize_t
ask(const char *prefix, size_t plen, const char *path, char *ans,
    char *err, size_t errlen)
{
	char		 msg[TCHELP_MSG];
	size_t		 len = strlen(path);
	ssize_t		 n;

	if (tchelp_fd == -1 || path[0] != '/' || len >= PATH_MAX) {
		snprintf(err, errlen, tchelp_fd == -1 ? "no toolchain helper" :
		    "bad compiler path");
		return -1;
	}
	memcpy(msg, prefix, plen);
	memcpy(msg + plen, path, len + 1);
	if (send(tchelp_fd, msg, plen + len + 1, MSG_NOSIGNAL) !=
	    (ssize_t)(plen + len + 1))
		goto gone;
	while ((n = recv(tchelp_fd, ans, TCHELP_MSG, 0)) == -1 &&
	    errno == EINTR)
		;
	/* fail closed: one NUL-terminated answer, '+' or '-' first */
	if (n < 2 || memchr(ans, '\0', (size_t)n) != ans + n - 1 ||
	    (ans[0] != '+' && ans[0] != '-'))
		goto gone;
	if (ans[0] == '-') {
		snprintf(err, errlen, "%s", ans + 1);
		return -1;
	}
	return n - 1;
gone:
	return drop_helper(err, errlen);
}

int
tchelp_identify(const char *path, char *id, size_t idlen, char *err,
    size_t errlen)
{
	struct tc_info	*info;
	char		 ans[TCHELP_MSG];
	ssize_t		 n;

	if (!tchelp_started) {
		if ((info = malloc(sizeof(*info))) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		n = tc_identify(path, info, err, errlen);
		if (n == 0)
			snprintf(id, idlen, "%s", info->id);
		free(info);
		return (int)n;
	}
	if ((n = ask("", 0, path, ans, err, errlen)) == -1)
		return -1;
	if ((size_t)n > idlen || (size_t)n - 1 >= TC_ID_MAX)
		return drop_helper(err, errlen);
	memcpy(id, ans + 1, (size_t)n);
	return 0;
}

int
tchelp_probe(const char *path, int cxx, char hex[65], char *err,
    size_t errlen)
{
	char		 ans[TCHELP_MSG];
	ssize_t		 n;

	if (!tchelp_started)
		return tcprobe_local(path, cxx, hex, err, errlen);
	if ((n = ask(cxx ? "Px" : "Pc", 2, path, ans, err, errlen)) == -1)
		return -1;
	if (n != 65)
		return drop_helper(err, errlen);
	memcpy(hex, ans + 1, 65);
	return 0;
}
