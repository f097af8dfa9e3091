/*
 * loadmon.c - the runner's load samples: reads /proc and, when it could
 * make one, its own cgroup v2.  The arithmetic is in load.c; see
 * loadmon.h.  Start reading at loadmon_sample().
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cpuquota.h"
#include "server/loadmon.h"
#include "server/server.h"

#define CG_PREFIX	"ccpoold-runner."
#define PROCS_MAX	(1u << 20)	/* processes we look at, at most */

static struct {
	int		 cpufd;		/* our cgroup's cpu.stat, or -1 */
	char		 method[PATH_MAX + 640];
	long		 hz;
	int		 quota;		/* 0: not looked, 1: none, 2: Q */
	struct cpuquota	 Q;		/* the machine is this cgroup */
	unsigned	 qcpus;		/* cpuquota_ncpu() then */
} M = { .cpufd = -1 };

/*
 * Read the file at path (relative to dirfd, or absolute) into buf (cap
 * bytes, NUL-terminated).  Returns the length, or -1 with errno set.
 */
static ssize_t
read_text(int dirfd, const char *path, char *buf, size_t cap)
{
	ssize_t	 n, len = 0;
	int	 fd;

	if ((fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((size_t)len + 1 < cap) {
		n = read(fd, buf + len, cap - 1 - (size_t)len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return len;
}

/* The mount point of cgroup v2 (whose root is "/") into mnt. */
static int
cgroup2_mount(char *mnt, size_t cap)
{
	char	 line[1024], root[512], mp[512];
	FILE	*f;
	int	 found = 0;

	if ((f = fopen("/proc/self/mountinfo", "re")) == NULL)
		return -1;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		/* id parent maj:min root mountpoint ... - fstype source */
		if (strstr(line, " - cgroup2 ") == NULL ||
		    sscanf(line, "%*s %*s %*s %511s %511s", root, mp) != 2)
			continue;
		if (strcmp(root, "/") == 0 && strchr(mp, '\\') == NULL &&
		    strlen(mp) < cap) {
			snprintf(mnt, cap, "%s", mp);
			found = 1;
		}
	}
	fclose(f);
	return found ? 0 : -1;
}

/* Our cgroup v2 path ("0::/a/b") into path. */
static int
cgroup2_self(char *path, size_t cap)
{
	char	 buf[4096];

	if (read_text(AT_FDCWD, "/proc/self/cgroup", buf, sizeof(buf)) <= 0)
		return -1;
	return cpuquota_parse_cgroup(buf, "", path, cap);
}

/* Remove the empty cgroups earlier runners left in dir (busy: kept). */
static void
remove_stale(const char *dir)
{
	struct dirent	*de;
	DIR		*d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, CG_PREFIX, strlen(CG_PREFIX)) == 0)
			(void)unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
	closedir(d);
}

void
loadmon_cgroup_enter(void)
{
	char	 mnt[512], self[PATH_MAX], dir[PATH_MAX], now[PATH_MAX];
	char	 why[512];
	int	 fd = -1, made = 0;
	size_t	 n;

	M.cpufd = -1;
	if (cgroup2_mount(mnt, sizeof(mnt)) == -1) {
		snprintf(why, sizeof(why), "no cgroup v2 mounted");
		goto fail;
	}
	if (cgroup2_self(self, sizeof(self)) == -1) {
		snprintf(why, sizeof(why), "not in a cgroup v2");
		goto fail;
	}
	if (strcmp(self, "/") == 0)
		self[0] = '\0';
	if ((size_t)snprintf(dir, sizeof(dir), "%s%s", mnt, self) >=
	    sizeof(dir) - 32) {
		snprintf(why, sizeof(why), "cgroup path too long");
		goto fail;
	}
	remove_stale(dir);
	n = strlen(dir);
	snprintf(dir + n, sizeof(dir) - n, "/%s%ld", CG_PREFIX,
	    (long)getpid());
	if (mkdir(dir, 0755) == -1) {
		snprintf(why, sizeof(why), "mkdir %.200s: %s", dir,
		    strerror(errno));
		goto fail;
	}
	made = 1;
	snprintf(now, sizeof(now), "%s/cgroup.procs", dir);
	if ((fd = open(now, O_WRONLY | O_CLOEXEC)) == -1 ||
	    write(fd, "0\n", 2) != 2) {
		snprintf(why, sizeof(why), "joining %.200s: %s", dir,
		    strerror(errno));
		goto fail;
	}
	close(fd);
	snprintf(now, sizeof(now), "%s/cpu.stat", dir);
	if ((M.cpufd = open(now, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(why, sizeof(why), "%.200s: %s", now,
		    strerror(errno));
		goto fail;
	}
	snprintf(M.method, sizeof(M.method), "cgroup %s", dir);
	return;
fail:
	if (fd != -1)
		close(fd);
	if (made)	/* still empty: the join failed */
		(void)rmdir(dir);
	snprintf(M.method, sizeof(M.method), "/proc process tree (no cgroup: "
	    "%s)", why);
}

const char *
loadmon_method(void)
{
	if (M.method[0] == '\0')
		snprintf(M.method, sizeof(M.method), "/proc process tree");
	return M.method;
}

const char *
loadmon_machine(char *buf, size_t len)
{
	struct cpuquota	 q;

	if (cpuquota_find(&q) == 0)
		snprintf(buf, len, "the cgroup %s (a CPU quota of %.2f CPUs)",
		    q.where, q.cpus);
	else
		snprintf(buf, len, "the whole machine (/proc/stat)");
	return buf;
}

/* Our CPU time from our cgroup's cpu.stat; -1 if unreadable. */
static int
ours_cgroup(uint64_t *us)
{
	char	 buf[1024];
	ssize_t	 n;

	if ((n = pread(M.cpufd, buf, sizeof(buf) - 1, 0)) <= 0)
		return -1;
	buf[n] = '\0';
	return load_parse_cpustat(buf, us);
}

/* Our CPU time from /proc: this process and all below it. */
static int
ours_proc(uint64_t *us)
{
	struct load_proc *v = NULL, *nv;
	struct dirent	*de;
	size_t		 n = 0, cap = 0;
	char		 path[300], buf[1024];
	DIR		*d;
	int		 pfd;
	uint64_t	 ticks;

	if (M.hz <= 0 && (M.hz = sysconf(_SC_CLK_TCK)) <= 0)
		M.hz = 100;
	if ((d = opendir("/proc")) == NULL)
		return -1;
	pfd = dirfd(d);
	while ((de = readdir(d)) != NULL && n < PROCS_MAX) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL)
				break;
			v = nv;
		}
		snprintf(path, sizeof(path), "%s/stat", de->d_name);
		/* gone since readdir, or unreadable: not ours to count */
		if (read_text(pfd, path, buf, sizeof(buf)) > 0 &&
		    load_parse_pidstat(buf, &v[n]) == 0)
			n++;
	}
	closedir(d);
	ticks = load_tree_ticks(v, n, getpid());
	free(v);
	*us = ticks * (1000000 / (uint64_t)M.hz);
	return 0;
}

/*
 * Memory in use into s: of the cgroup that is the machine (a CPU quota)
 * when it has a memory.max of its own (v2), else of the machine.
 */
static void
mem_used(struct load_sample *s)
{
	char	 buf[4096], path[PATH_MAX + 32];
	uint64_t lim, cur;
	const char *p;

	if (M.quota == 2 && M.Q.v2) {
		snprintf(path, sizeof(path), "%s/memory.max", M.Q.where);
		if (read_text(AT_FDCWD, path, buf, sizeof(buf)) > 0 &&
		    load_parse_memmax(buf, &lim) == 0) {
			snprintf(path, sizeof(path), "%s/memory.current",
			    M.Q.where);
			p = buf;
			if (read_text(AT_FDCWD, path, buf, sizeof(buf)) > 0 &&
			    load_parse_memmax(p, &cur) == 0) {
				s->mem_used = load_used_pct(cur, lim);
				s->used_ok = 1;
				return;
			}
		}
	}
	s->used_ok = read_text(AT_FDCWD, "/proc/meminfo", buf,
	    sizeof(buf)) > 0 && load_parse_memused(buf, &s->mem_used) == 0;
}

/*
 * Memory pressure into s: of the cgroup that is the machine (a CPU
 * quota, v2) when it has a memory.pressure, else of the machine.
 */
static void
mem_psi(struct load_sample *s)
{
	char	 buf[1024], path[PATH_MAX + 32];

	if (M.quota == 2 && M.Q.v2) {
		snprintf(path, sizeof(path), "%s/memory.pressure", M.Q.where);
		if (read_text(AT_FDCWD, path, buf, sizeof(buf)) > 0 &&
		    load_parse_psi(buf, &s->mem_some10) == 0) {
			s->psi_ok = 1;
			return;
		}
	}
	s->psi_ok = read_text(AT_FDCWD, "/proc/pressure/memory", buf,
	    sizeof(buf)) > 0 && load_parse_psi(buf, &s->mem_some10) == 0;
}

int
loadmon_sample(struct load_sample *s, char *err, size_t errlen)
{
	char	 buf[4096];

	memset(s, 0, sizeof(s[0]));
	errno = 0;
	s->t_ms = mono_ms();
	if (M.quota == 0) {
		M.quota = cpuquota_find(&M.Q) == 0 ? 2 : 1;
		M.qcpus = cpuquota_ncpu();
	}
	if (M.quota == 2) {
		/* under a CPU quota the machine is that cgroup */
		if (cpuquota_usage_us(&M.Q, &s->busy) == -1) {
			snprintf(err, errlen, "%s: %s", M.Q.usage,
			    strerror(errno));
			return -1;
		}
		s->total = s->t_ms * 1000 * M.qcpus;
	} else if (read_text(AT_FDCWD, "/proc/stat", buf, sizeof(buf)) <= 0 ||
	    cpuquota_parse_procstat(buf, &s->busy, &s->total) == -1) {
		snprintf(err, errlen, "/proc/stat: %s", errno ? strerror(errno) :
		    "unexpected contents");
		return -1;
	}
	if ((M.cpufd != -1 ? ours_cgroup(&s->ours_us) :
	    ours_proc(&s->ours_us)) == -1) {
		snprintf(err, errlen, "our CPU time: %s", strerror(errno));
		return -1;
	}
	if (M.quota == 2) {
		/* both in the machine's own CPUs */
		s->busy = cpuquota_machine_us(&M.Q, M.qcpus, s->busy);
		s->ours_us = cpuquota_machine_us(&M.Q, M.qcpus, s->ours_us);
	}
	mem_psi(s);
	s->avail_ok = read_text(AT_FDCWD, "/proc/meminfo", buf,
	    sizeof(buf)) > 0 && load_parse_meminfo(buf, &s->avail_mb) == 0;
	mem_used(s);
	return 0;
}
