/*
 * spawn.c - connect to the per-user agent or start it exactly once.
 * See spawn.h.  Start reading at spawn_connect().
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client/sockdir.h"
#include "client/spawn.h"

void
spawn_tag(char tag[SPAWN_TAG_MAX])
{
	const char	*v[2];
	uint64_t	 h = 0xcbf29ce484222325ULL;	/* FNV-1a 64 */
	const unsigned char *p;
	int		 i;

	v[0] = getenv("CCPOOL_HOSTS");
	v[1] = getenv("CCPOOL_CLUSTER");
	if ((v[0] == NULL || v[0][0] == '\0') &&
	    (v[1] == NULL || v[1][0] == '\0')) {
		tag[0] = '\0';
		return;
	}
	for (i = 0; i < 2; i++) {
		for (p = (const unsigned char *)(v[i] ? v[i] : ""); *p; p++) {
			h ^= *p;
			h *= 0x100000001b3ULL;
		}
		h ^= 0xff;	/* separator: ("a", "b") != ("ab", "") */
		h *= 0x100000001b3ULL;
	}
	snprintf(tag, SPAWN_TAG_MAX, "-%016llx", (unsigned long long)h);
}

int
spawn_path(char *dst, size_t dstlen, const char *sockdir, const char *tag,
    const char *ext)
{
	char	 name[64];

	snprintf(name, sizeof(name), "agent%s.%s", tag, ext);
	return sockdir_join(dst, dstlen, sockdir, name);
}

int
spawn_connect_once(const char *path)
{
	struct sockaddr_un sun;
	int		 s;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(s, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		int saved = errno;

		close(s);
		errno = saved;
		return -1;
	}
	return s;
}

/*
 * Start self_exe --agent fully detached: the child calls setsid() and
 * forks again so the agent is re-parented to init and never becomes a
 * zombie of this (short-lived) wrapper or of make.
 */
static int
start_agent(const char *sockdir, const char *tag, const char *self_exe,
    char *err, size_t errlen)
{
	char	 logpath[256];
	pid_t	 pid;
	int	 status;

	if (spawn_path(logpath, sizeof(logpath), sockdir, tag, "log") == -1) {
		snprintf(err, errlen, "socket directory path too long");
		return -1;
	}
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int	 fd;

		if (setsid() == -1)
			_exit(1);
		signal(SIGHUP, SIG_IGN);
		if ((pid = fork()) != 0)
			_exit(pid == -1 ? 1 : 0);
		if ((fd = open("/dev/null", O_RDWR)) == -1 ||
		    dup2(fd, 0) == -1 || dup2(fd, 1) == -1)
			_exit(1);
		if (fd > 2)
			close(fd);
		fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
		    0600);
		if (fd == -1 || dup2(fd, 2) == -1)
			_exit(1);
		if (fd > 2)
			close(fd);
		/*
		 * Nothing else of the wrapper's: make's jobserver pipe or a
		 * pipe someone reads to EOF must not be held for the
		 * agent's whole life.
		 */
		closefrom(3);
		if (chdir("/") == -1)
			_exit(1);
		umask(077);
		/* restore what the wrapper may have changed */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execl(self_exe, "ccpool", "--agent", (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "could not start the agent");
		return -1;
	}
	return 0;
}

static void
sleep_ms(int ms)
{
	struct timespec	 ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int
spawn_connect(const char *sockdir, const char *tag, const char *self_exe,
    int wait_ms, char *err, size_t errlen)
{
	char	 sock[256], lock[256];
	int	 s, lfd, waited;

	if (spawn_path(sock, sizeof(sock), sockdir, tag, "sock") == -1 ||
	    spawn_path(lock, sizeof(lock), sockdir, tag, "lock") == -1) {
		snprintf(err, errlen, "socket directory path too long");
		return -1;
	}
	if ((s = spawn_connect_once(sock)) != -1)
		return s;
	if (errno != ENOENT && errno != ECONNREFUSED) {
		snprintf(err, errlen, "connect %s: %s", sock, strerror(errno));
		return -1;
	}
	if (self_exe == NULL) {
		snprintf(err, errlen, "no agent running");
		return -1;
	}
	lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lfd == -1) {
		snprintf(err, errlen, "open %s: %s", lock, strerror(errno));
		return -1;
	}
	while (flock(lfd, LOCK_EX) == -1)
		if (errno != EINTR) {
			snprintf(err, errlen, "flock %s: %s", lock,
			    strerror(errno));
			close(lfd);
			return -1;
		}
	/* whoever held the lock before us may have started it */
	if ((s = spawn_connect_once(sock)) != -1)
		goto out;
	if (start_agent(sockdir, tag, self_exe, err, errlen) == -1)
		goto out;
	for (waited = 0; waited < wait_ms; waited += 5) {
		if ((s = spawn_connect_once(sock)) != -1)
			goto out;
		sleep_ms(5);
	}
	snprintf(err, errlen, "the agent did not answer within %d ms "
	    "(see %s/agent%s.log)", wait_ms, sockdir, tag);
out:
	close(lfd);	/* releases the lock */
	return s;
}

int
spawn_agent_lock(const char *sockdir, const char *tag, int *busy, char *err,
    size_t errlen)
{
	char	 path[256], buf[32];
	int	 fd, n;

	*busy = 0;
	if (spawn_path(path, sizeof(path), sockdir, tag, "pid") == -1) {
		snprintf(err, errlen, "socket directory path too long");
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		snprintf(err, errlen, "open %s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		*busy = errno == EWOULDBLOCK;
		snprintf(err, errlen, "%s: %s", path, *busy ?
		    "another agent is running" : strerror(errno));
		close(fd);
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, (size_t)n, 0) != n) {
		snprintf(err, errlen, "write %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
spawn_agent_listen(const char *sockdir, const char *tag, char *err,
    size_t errlen)
{
	struct sockaddr_un sun;
	char		 path[256];
	int		 s;

	if (spawn_path(path, sizeof(path), sockdir, tag, "sock") == -1) {
		snprintf(err, errlen, "socket directory path too long");
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	/* we hold the pid lock: any socket there is a dead agent's */
	if (unlink(path) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "unlink %s: %s", path, strerror(errno));
		return -1;
	}
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (bind(s, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(s, 256) == -1) {
		snprintf(err, errlen, "bind %s: %s", path, strerror(errno));
		close(s);
		return -1;
	}
	return s;
}
