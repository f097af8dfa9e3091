/*
 * cpuquota.c - find a CPU quota on our own cgroup (v2 or v1) and read the
 * cgroup's CPU time; see cpuquota.h.  Start at cpuquota_find().
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cpuquota.h"

/* Read path into buf (cap bytes, NUL-terminated); length or -1. */
static ssize_t
slurp(const char *path, char *buf, size_t cap)
{
	ssize_t	 n, len = 0;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((size_t)len + 1 < cap &&
	    (n = read(fd, buf + len, cap - 1 - (size_t)len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return len;
}

/* Is word one of the comma-separated words of list? */
static int
has_word(const char *list, const char *word)
{
	size_t	 n = strlen(word);

	for (;;) {
		if (strncmp(list, word, n) == 0 &&
		    (list[n] == ',' || list[n] == '\0'))
			return 1;
		if ((list = strchr(list, ',')) == NULL)
			return 0;
		list++;
	}
}

int
cpuquota_line(const char **s, char *line, size_t cap)
{
	const char	*p, *nl;
	size_t		 n;

	while (**s != '\0') {
		p = *s;
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		*s = nl != NULL ? nl + 1 : p + n;
		if (n < cap) {
			memcpy(line, p, n);
			line[n] = '\0';
			return 1;
		}
	}
	return 0;
}

int
cpuquota_parse_cgroup(const char *text, const char *controller, char *path,
    size_t cap)
{
	char		 line[PATH_MAX + 256], *ctl, *p;
	const char	*s = text;

	while (cpuquota_line(&s, line, sizeof(line))) {
		/* hierarchy-id:controllers:path */
		if ((ctl = strchr(line, ':')) == NULL ||
		    (p = strchr(ctl + 1, ':')) == NULL)
			continue;
		*ctl++ = '\0';
		*p++ = '\0';
		if (controller[0] == '\0' ? strcmp(line, "0") != 0 ||
		    ctl[0] != '\0' : !has_word(ctl, controller))
			continue;
		if (p[0] != '/' || strlen(p) >= cap)
			return -1;
		memcpy(path, p, strlen(p) + 1);
		return 0;
	}
	return -1;
}

int
cpuquota_parse_procstat(const char *text, uint64_t *busy, uint64_t *total)
{
	char		 line[512], *p, *end;
	uint64_t	 v[8];
	int		 n, i;

	while (cpuquota_line(&text, line, sizeof(line)) == 1) {
		if (strncmp(line, "cpu ", 4) != 0)
			continue;
		/* user nice system idle iowait irq softirq steal */
		memset(v, 0, sizeof(v));
		for (p = line + 4, n = 0; n < 8; n++) {
			while (*p == ' ')
				p++;
			if (*p < '0' || *p > '9')
				break;
			errno = 0;
			v[n] = strtoull(p, &end, 10);
			if (errno != 0)
				return -1;
			p = end;
		}
		if (n < 4)
			return -1;
		for (*total = 0, i = 0; i < n; i++)
			*total += v[i];
		*busy = *total - v[3] - v[4];
		return 0;
	}
	return -1;
}

int
cpuquota_parse_max(const char *text, double *cpus)
{
	char		*end;
	double		 q, p;

	if (strncmp(text, "max", 3) == 0)
		return 1;
	q = strtod(text, &end);
	if (end == text || *end != ' ')
		return -1;
	p = strtod(end + 1, &end);
	if (!(q > 0) || !(p > 0) || (*end != '\n' && *end != '\0'))
		return -1;
	*cpus = q / p;
	return 0;
}

int
cpuquota_parse_mount(const char *line, const char *controller, char *mnt,
    size_t mcap, char *root, size_t rcap)
{
	char		 r[512], mp[512], type[32], sopts[512];
	const char	*dash;

	if ((dash = strstr(line, " - ")) == NULL ||
	    sscanf(line, "%*s %*s %*s %511s %511s", r, mp) != 2 ||
	    sscanf(dash + 3, "%31s %*s %511s", type, sopts) != 2 ||
	    strchr(mp, '\\') != NULL || strchr(r, '\\') != NULL)
		return -1;
	if (controller[0] == '\0' ? strcmp(type, "cgroup2") != 0 :
	    strcmp(type, "cgroup") != 0 || !has_word(sopts, controller))
		return -1;
	if (strlen(mp) >= mcap || strlen(r) >= rcap)
		return -1;
	snprintf(mnt, mcap, "%s", mp);
	snprintf(root, rcap, "%s", r);
	return 0;
}

/*
 * The mount point of the hierarchy holding controller (v1), or of cgroup2
 * (controller ""), and its root inside the hierarchy.  0 or -1.
 */
static int
mount_of(const char *controller, char *mnt, size_t mcap, char *root,
    size_t rcap)
{
	char	 line[1024];
	FILE	*f;
	int	 found = 0;

	if ((f = fopen("/proc/self/mountinfo", "re")) == NULL)
		return -1;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = cpuquota_parse_mount(line, controller, mnt, mcap, root,
		    rcap) == 0;
	fclose(f);
	return found ? 0 : -1;
}

int
cpuquota_cg_dir(const char *mnt, const char *root, const char *path, char *out,
    size_t cap)
{
	size_t	 rl = strlen(root);
	int	 n;

	if (strcmp(root, "/") == 0)
		rl = 0;
	else if (strncmp(path, root, rl) != 0 || (path[rl] != '/' &&
	    path[rl] != '\0'))
		return -1;	/* our cgroup is not under this mount */
	n = snprintf(out, cap, "%s%s", mnt, path + rl);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int
cpuquota_path_up(char *p)
{
	char	*sl = strrchr(p, '/');

	if (sl == NULL || p[1] == '\0')
		return -1;
	if (sl == p)
		sl[1] = '\0';
	else
		*sl = '\0';
	return 0;
}

static int
find_v2(struct cpuquota *q)
{
	char	 mnt[512], root[512], path[PATH_MAX], dir[PATH_MAX], f[PATH_MAX];
	char	 buf[128];
	double	 cpus;

	if (slurp("/proc/self/cgroup", f, sizeof(f)) <= 0 ||
	    cpuquota_parse_cgroup(f, "", path, sizeof(path)) == -1 ||
	    mount_of("", mnt, sizeof(mnt), root, sizeof(root)) == -1)
		return -1;
	do {
		if (cpuquota_cg_dir(mnt, root, path, dir, sizeof(dir)) == -1)
			return -1;
		if ((size_t)snprintf(f, sizeof(f), "%s/cpu.max", dir) >=
		    sizeof(f) || slurp(f, buf, sizeof(buf)) <= 0 ||
		    cpuquota_parse_max(buf, &cpus) != 0)
			continue;
		q->cpus = cpus;
		q->v2 = 1;
		snprintf(q->where, sizeof(q->where), "%s", dir);
		if ((size_t)snprintf(q->usage, sizeof(q->usage), "%s/cpu.stat",
		    dir) >= sizeof(q->usage))
			return -1;
		return 0;
	} while (cpuquota_path_up(path) == 0);
	return -1;
}

/*
 * v1: the quota in the cpu hierarchy, the usage of the same cgroup in the
 * cpuacct one (when both give us the same path, as every cgroup manager
 * does).
 */
static int
find_v1(struct cpuquota *q)
{
	char	 mnt[512], root[512], amnt[512], aroot[512], f[PATH_MAX];
	char	 path[PATH_MAX], apath[PATH_MAX], dir[PATH_MAX];
	char	 adir[PATH_MAX], buf[64];
	long long quota, period;

	if (slurp("/proc/self/cgroup", f, sizeof(f)) <= 0 ||
	    cpuquota_parse_cgroup(f, "cpu", path, sizeof(path)) == -1 ||
	    cpuquota_parse_cgroup(f, "cpuacct", apath, sizeof(apath)) == -1 ||
	    strcmp(path, apath) != 0 ||
	    mount_of("cpu", mnt, sizeof(mnt), root, sizeof(root)) == -1 ||
	    mount_of("cpuacct", amnt, sizeof(amnt), aroot, sizeof(aroot)) == -1)
		return -1;
	do {
		if (cpuquota_cg_dir(mnt, root, path, dir, sizeof(dir)) == -1 ||
		    cpuquota_cg_dir(amnt, aroot, path, adir,
		    sizeof(adir)) == -1)
			return -1;
		if ((size_t)snprintf(f, sizeof(f), "%s/cpu.cfs_quota_us",
		    dir) >= sizeof(f) || slurp(f, buf, sizeof(buf)) <= 0 ||
		    (quota = strtoll(buf, NULL, 10)) <= 0 ||
		    (size_t)snprintf(f, sizeof(f), "%s/cpu.cfs_period_us",
		    dir) >= sizeof(f) || slurp(f, buf, sizeof(buf)) <= 0 ||
		    (period = strtoll(buf, NULL, 10)) <= 0)
			continue;
		q->cpus = (double)quota / (double)period;
		q->v2 = 0;
		snprintf(q->where, sizeof(q->where), "%s", dir);
		if ((size_t)snprintf(q->usage, sizeof(q->usage),
		    "%s/cpuacct.usage", adir) >= sizeof(q->usage))
			return -1;
		return 0;
	} while (cpuquota_path_up(path) == 0);
	return -1;
}

int
cpuquota_find(struct cpuquota *q)
{
	memset(q, 0, sizeof(*q));
	if (find_v2(q) == 0 || find_v1(q) == 0)
		return 0;
	memset(q, 0, sizeof(*q));
	return -1;
}

int
cpuquota_usage_us(const struct cpuquota *q, uint64_t *us)
{
	char		 buf[2048], *s;

	if (slurp(q->usage, buf, sizeof(buf)) <= 0)
		return -1;
	if (!q->v2) {
		*us = strtoull(buf, NULL, 10) / 1000;	/* ns */
		return 0;
	}
	if ((s = strstr(buf, "usage_usec ")) == NULL)
		return -1;
	*us = strtoull(s + 11, NULL, 10);
	return 0;
}

uint64_t
cpuquota_machine_us(const struct cpuquota *q, unsigned ncpu, uint64_t us)
{
	if (!(q->cpus > 0))
		return us;
	return (uint64_t)((double)us * ncpu / q->cpus);
}

unsigned
cpuquota_ncpu(void)
{
	struct cpuquota	 q;
	long		 n = sysconf(_SC_NPROCESSORS_ONLN);
	double		 c;
	cpu_set_t	 set;

	/* a cpuset (container, pinned service) allows fewer */
	if (sched_getaffinity(0, sizeof(set), &set) == 0 &&
	    CPU_COUNT(&set) >= 1 && CPU_COUNT(&set) < n)
		n = CPU_COUNT(&set);
	if (n < 1)
		n = 1;
	if (cpuquota_find(&q) == 0) {
		c = ceil(q.cpus - 1e-9);
		if (c >= 1 && c < (double)n)
			return (unsigned)c;
	}
	return (unsigned)n;
}
