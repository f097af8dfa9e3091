/*
 * spawn.c - connect to the per-user agent of this network namespace and
 * configuration, or start it exactly once; what a wrapper is told when
 * the agent it found keeps other settings.  See spawn.h.  Start reading
 * at spawn_tag(), then spawn_connect().
 */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
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

#include "common/sockdir.h"
#include "common/spawn.h"
#include "common/trust.h"
#include "common/ident.h"

#define SPAWN_TOLD_MAX	8192	/* notes told about one agent, at most */

/* h folded with s's length, then s: ("a", "b") is not ("ab", "") */
static uint64_t
fnv(uint64_t h, const char *s)
{
	const unsigned char *p;
	size_t		 n = strlen(s);
	int		 i;

	for (i = 0; i < 8; i++) {
		h ^= (n >> (8 * i)) & 0xff;
		h *= 0x100000001b3ULL;		/* FNV-1a 64 */
	}
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* h folded with name and its value, dflt when it is unset or empty. */
static uint64_t
fnv_env(uint64_t h, const char *name, const char *dflt)
{
	const char	*v = getenv(name);

	return fnv(fnv(h, name), v != NULL && v[0] != '\0' ? v : dflt);
}

int
spawn_tag(char tag[SPAWN_TAG_MAX], char *err, size_t errlen)
{
	struct stat	 st;
	char		 buf[1024], e[128];
	const char	*pl;
	enum trust_mode	 tm;
	uint64_t	 h = 0xcbf29ce484222325ULL;

	/* the namespace's own inode; st_dev is nsfs's */
	if (stat("/proc/self/ns/net", &st) == -1) {
		snprintf(err, errlen, "/proc/self/ns/net: %s (the network "
		    "namespace must be known to share an agent)",
		    strerror(errno));
		return -1;
	}
	snprintf(buf, sizeof(buf), "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	h = fnv(fnv(h, "netns"), buf);
	h = fnv(fnv(h, "local protocol"), SPAWN_LOCAL_REV);
	/* each as the agent reads it, so equal behaviour is one agent */
	h = fnv_env(h, "CCPOOL_HOSTS", "");
	h = fnv_env(h, "CCPOOL_CLUSTER", "default");	/* agent/ahost.c */
	pl = getenv("CCPOOL_PLACE_LOCAL");		/* agent_main() */
	h = fnv(fnv(h, "CCPOOL_PLACE_LOCAL"), pl != NULL &&
	    strcmp(pl, "0") == 0 ? "0" : "1");
	pl = getenv("CCPOOL_LATE");			/* agent_main() */
	h = fnv(fnv(h, "CCPOOL_LATE"), pl != NULL &&
	    strcmp(pl, "1") == 0 ? "1" : "0");
	pl = getenv("CCPOOL_DISTCC");			/* agent/adcc.c */
	h = fnv(fnv(h, "CCPOOL_DISTCC"), pl != NULL &&
	    strcmp(pl, "1") == 0 ? "1" : "0");
	/* agent/atrust.c: a value it does not know is explicit */
	if (trust_mode_parse(getenv("CCPOOL_TRUST"), &tm) == -1)
		tm = TRUST_EXPLICIT;
	h = fnv(fnv(h, "CCPOOL_TRUST"), tm == TRUST_EXPLICIT ? "explicit" :
	    "first-use");
	h = fnv_env(h, "DBUS_SYSTEM_BUS_ADDRESS", "");	/* avahi-client's */
	/* agent/agss.c: the ticket cache and krb5.conf it uses */
	h = fnv_env(h, "KRB5CCNAME", "");
	h = fnv_env(h, "KRB5_CONFIG", "");
	/* identity, known_servers, crl.pem: none is one more key */
	if (ident_user_path("", buf, sizeof(buf), e, sizeof(e)) == -1)
		buf[0] = '\0';
	h = fnv(fnv(h, "config"), buf);
	snprintf(tag, SPAWN_TAG_MAX, "-%016llx", (unsigned long long)h);
	return 0;
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

/*
 * Whether this network namespace has no interface up but loopback (a
 * sandbox's `unshare -n`): an agent started here would reach no server.
 * 0 when it cannot tell.
 */
static int
netns_offline(void)
{
	struct ifaddrs	*all, *i;
	int		 off = 1;

	if (getifaddrs(&all) == -1)
		return 0;
	for (i = all; i != NULL && off; i = i->ifa_next)
		if (i->ifa_addr != NULL && (i->ifa_addr->sa_family == AF_INET ||
		    i->ifa_addr->sa_family == AF_INET6) &&
		    (i->ifa_flags & IFF_UP) && !(i->ifa_flags & IFF_LOOPBACK))
			off = 0;
	freeifaddrs(all);
	return off;
}

int
spawn_connect(const char *sockdir, const char *tag, const char *self_exe,
    int wait_ms, char *err, size_t errlen)
{
	char		 sock[256], lock[256];
	const char	*hosts = getenv("CCPOOL_HOSTS");
	int		 s, lfd, waited;

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
	if ((hosts == NULL || hosts[0] == '\0') && netns_offline()) {
		snprintf(err, errlen, "no agent started: this network "
		    "namespace has no interface up but loopback");
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

/*
 * The settings an agent keeps for its life whatever later wrappers say,
 * as it reads them (agent.c), one "NAME=value" line each: control
 * characters as '?', so a line stays a line, and cut at 64 bytes.
 */
static void
kept_settings(char *buf, size_t len)
{
	const char	*idle = getenv("CCPOOL_AGENT_IDLE");
	char		 v[65];
	size_t		 i;

	snprintf(v, sizeof(v), "%s", idle != NULL ? idle : "");
	for (i = 0; v[i] != '\0'; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			v[i] = '?';
	snprintf(buf, len, "CCPOOL_AGENT_IDLE=%s\nCCPOOL_VERBOSE=%d\n", v,
	    getenv("CCPOOL_VERBOSE") != NULL);
}

int
spawn_agent_record(const char *sockdir, const char *tag, char *err,
    size_t errlen)
{
	char	 path[256], tmp[256], told[256], buf[256];
	int	 fd, n;

	if (spawn_path(path, sizeof(path), sockdir, tag, "env") == -1 ||
	    spawn_path(tmp, sizeof(tmp), sockdir, tag, "env.new") == -1 ||
	    spawn_path(told, sizeof(told), sockdir, tag, "told") == -1) {
		snprintf(err, errlen, "socket directory path too long");
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "pid=%ld\n", (long)getpid());
	kept_settings(buf + n, sizeof(buf) - (size_t)n);
	n = (int)strlen(buf);
	/* renamed into place: a wrapper reads the old file or this one */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1 || write(fd, buf, (size_t)n) != n) {
		snprintf(err, errlen, "write %s: %s", tmp, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "rename %s: %s", tmp, strerror(errno));
		return -1;
	}
	if (unlink(told) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "unlink %s: %s", told, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Read up to len - 1 bytes of path into buf (NUL-terminated).  Returns
 * the length, or -1.
 */
static ssize_t
read_small(const char *path, char *buf, size_t len)
{
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* The value of line "NAME=value" in text into v (vlen); 0, or -1 if none. */
static int
line_value(const char *text, const char *name, char *v, size_t vlen)
{
	const char	*p = text, *e;
	size_t		 nl = strlen(name);

	for (; *p != '\0'; p = *e == '\n' ? e + 1 : e) {
		e = p + strcspn(p, "\n");
		if ((size_t)(e - p) > nl && strncmp(p, name, nl) == 0 &&
		    p[nl] == '=') {
			snprintf(v, vlen, "%.*s", (int)(e - p - nl - 1),
			    p + nl + 1);
			return 0;
		}
	}
	return -1;
}

/*
 * Whether note is told already about this agent (a line of the file
 * told); if not, record it.  Returns 1 when the caller is the first to
 * tell, else 0.  A file we cannot use means telling: better twice than
 * never.
 */
static int
tell_once(const char *told, const char *note)
{
	char		 buf[SPAWN_TOLD_MAX + 1], line[1024];
	const char	*p, *e;
	ssize_t		 n;
	size_t		 len;
	int		 fd, first = 1;

	len = (size_t)snprintf(line, sizeof(line), "%s\n", note);
	if (len >= sizeof(line))
		len = sizeof(line) - 1;
	fd = open(told, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1)
		return 1;
	while (flock(fd, LOCK_EX) == -1)
		if (errno != EINTR) {
			close(fd);
			return 1;
		}
	if ((n = pread(fd, buf, sizeof(buf) - 1, 0)) < 0)
		n = 0;
	buf[n] = '\0';
	for (p = buf; *p != '\0' && first; p = *e != '\0' ? e + 1 : e) {
		e = p + strcspn(p, "\n");
		if ((size_t)(e - p) + 1 == len && memcmp(p, line, len - 1) == 0)
			first = 0;
	}
	/* so many notes about one agent: the rest were told already */
	if (first && (size_t)n + len > SPAWN_TOLD_MAX)
		first = 0;
	if (first && pwrite(fd, line, len, n) != (ssize_t)len) {
		/* told now, and maybe by the next wrapper again */
	}
	close(fd);	/* releases the lock */
	return first;
}

int
spawn_agent_differs(const char *sockdir, const char *tag, int verbose,
    char *note, size_t notelen)
{
	char	 path[256], told[256], text[512], mine[256], pid[32], a[80],
		 m[80], what[256];
	size_t	 w;

	if (spawn_path(path, sizeof(path), sockdir, tag, "env") == -1 ||
	    spawn_path(told, sizeof(told), sockdir, tag, "told") == -1 ||
	    read_small(path, text, sizeof(text)) <= 0)
		return 0;	/* an agent that records nothing */
	kept_settings(mine, sizeof(mine));
	what[0] = '\0';
	if (line_value(text, "CCPOOL_AGENT_IDLE", a, sizeof(a)) == 0 &&
	    line_value(mine, "CCPOOL_AGENT_IDLE", m, sizeof(m)) == 0 &&
	    strcmp(a, m) != 0)
		snprintf(what, sizeof(what), "CCPOOL_AGENT_IDLE%s%s (yours: %s)",
		    a[0] ? "=" : " ", a[0] ? a : "unset", m[0] ? m : "unset");
	w = strlen(what);
	if (verbose && line_value(text, "CCPOOL_VERBOSE", a, sizeof(a)) == 0 &&
	    strcmp(a, "0") == 0)
		snprintf(what + w, sizeof(what) - w,
		    "%sCCPOOL_VERBOSE unset (yours: set)", w ? ", " : "");
	if (what[0] == '\0')
		return 0;
	if (line_value(text, "pid", pid, sizeof(pid)) == -1)
		snprintf(pid, sizeof(pid), "?");
	snprintf(note, notelen, "the running agent (pid %s) keeps the "
	    "settings it started with until it exits: %s; stop it (kill %s) "
	    "for one with yours", pid, what, pid);
	return tell_once(told, note);
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
