/*
 * cgweight.c - does a cgroup of ours carry a low CPU weight, so that our
 * SCHED_IDLE jobs also yield to other cgroups?  See cgweight.h.  The
 * path and mountinfo parsing is cpuquota.c's; start at cgweight_judge().
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/cgweight.h"
#include "common/cpuquota.h"

#define CGW_MOUNTINFO_MAX	(4u << 20)	/* bytes of mountinfo read */

/*
 * Read the file at path into a new NUL-terminated buffer of at most max
 * bytes (the rest is ignored).  Returns it (free() it) or NULL.
 */
static char *
read_all(const char *path, size_t max)
{
	char	*buf = NULL, *nb;
	size_t	 len = 0, cap = 0;
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= max)
				break;
			cap = cap == 0 ? 4096 : cap * 2;
			if (cap > max)
				cap = max;
			if ((nb = realloc(buf, cap)) == NULL)
				goto fail;
			buf = nb;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (buf == NULL && (buf = malloc(1)) == NULL)
		return NULL;
	buf[len] = '\0';
	return buf;
fail:
	close(fd);
	free(buf);
	return NULL;
}

/*
 * The number in file name of cgroup directory dir ("100\n") into *v.
 * 0, or -1 when the file is missing, unreadable or not a number.
 */
static int
read_num(const char *dir, const char *name, long *v)
{
	char	 path[PATH_MAX], buf[64], *end;
	ssize_t	 n;
	int	 fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path) || (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (buf[0] < '0' || buf[0] > '9')
		return -1;
	errno = 0;
	*v = strtol(buf, &end, 10);
	if (errno != 0 || (*end != '\n' && *end != '\0'))
		return -1;
	return 0;
}

/*
 * The mount of our cgroup's hierarchy (controller "cpu" for v1, "" for
 * v2) in the mountinfo text under which path is visible: its directory
 * into dir.  A hierarchy may be mounted more than once (containers bind
 * parts of it); the first mount that shows path wins.  0 or -1.
 */
static int
find_mount(const char *mountinfo, const char *controller, const char *path,
    char *mnt, char *root, size_t cap, char *dir, size_t dcap)
{
	char		 line[4096];
	const char	*s = mountinfo;

	while (cpuquota_line(&s, line, sizeof(line))) {
		if (cpuquota_parse_mount(line, controller, mnt, cap, root,
		    cap) == 0 && cpuquota_cg_dir(mnt, root, path, dir,
		    dcap) == 0)
			return 0;
	}
	return -1;
}

/*
 * The verdict when every task of the machine is in one CPU group: ours.
 * With autogroup on, each job's session is a group of its own, which
 * sbx_lowest_priority() puts at nice 19 too.  1, with the reason in why.
 */
static int
root_verdict(int autogroup, char *why, size_t whylen)
{
	if (autogroup == 1) {
		snprintf(why, whylen, "ccpoold is in the root CPU cgroup, "
		    "autogroup on: each job's session runs at nice 19");
		return 1;
	}
	snprintf(why, whylen, "ccpoold is in the root CPU cgroup, autogroup "
	    "off: jobs yield to every other task");
	return 1;
}

int
cgweight_judge(const char *cgroup, const char *mountinfo, int autogroup,
    char *why, size_t whylen)
{
	char		 path[PATH_MAX], p[PATH_MAX], dir[PATH_MAX];
	char		 mnt[512], root[512], top[PATH_MAX];
	const char	*wfile, *ctl;
	struct stat	 st;
	long		 v, low, topw = -1;
	int		 v1;

	v1 = cpuquota_parse_cgroup(cgroup, "cpu", path, sizeof(path)) == 0;
	ctl = v1 ? "cpu" : "";
	if (!v1 && cpuquota_parse_cgroup(cgroup, "", path, sizeof(path)) ==
	    -1) {
		snprintf(why, whylen, "no cpu cgroup in /proc/self/cgroup");
		return -1;
	}
	if (find_mount(mountinfo, ctl, path, mnt, root, sizeof(mnt), dir,
	    sizeof(dir)) == -1) {
		snprintf(why, whylen, "the %s hierarchy showing cgroup %s is "
		    "not mounted here", v1 ? "cgroup v1 cpu" : "cgroup v2",
		    path);
		return -1;
	}
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		snprintf(why, whylen, "cannot see cgroup %s at %s", path, dir);
		return -1;
	}
	wfile = v1 ? "cpu.shares" : "cpu.weight";
	low = v1 ? CGWEIGHT_V1_LOW : CGWEIGHT_V2_LOW;
	memcpy(p, path, strlen(path) + 1);
	top[0] = '\0';
	/*
	 * Up to the root.  v1's root has cpu.shares but no siblings to share
	 * with: skipped.  v2's root has neither file, except when it is the
	 * root of a cgroup namespace (a container), whose cgroup counts.
	 */
	for (;;) {
		if ((v1 && strcmp(p, "/") == 0) ||
		    cpuquota_cg_dir(mnt, root, p, dir, sizeof(dir)) == -1)
			break;
		if (read_num(dir, "cpu.idle", &v) == 0 && v == 1) {
			snprintf(why, whylen, "cgroup %s has cpu.idle 1", p);
			return 1;
		}
		/* v2 without the cpu controller on p: not a CPU group */
		if (read_num(dir, wfile, &v) == 0) {
			if (v <= low) {
				snprintf(why, whylen, "cgroup %s has %s %ld",
				    p, wfile, v);
				return 1;
			}
			memcpy(top, p, strlen(p) + 1);
			topw = v;
		}
		if (cpuquota_path_up(p) == -1)
			break;
	}
	if (top[0] != '\0') {
		snprintf(why, whylen, "compete as cgroup %s (%s %ld) with the "
		    "machine's other cgroups", top, wfile, topw);
		return 0;
	}
	if (v1 && strcmp(path, "/") != 0) {
		snprintf(why, whylen, "cannot read cpu.shares of cgroup %s",
		    path);
		return -1;
	}
	return root_verdict(autogroup, why, whylen);
}

int
cgweight_check(char *why, size_t whylen)
{
	char	*cg, *mi, *ag;
	int	 rc, autogroup;

	cg = read_all("/proc/self/cgroup", 65536);
	mi = read_all("/proc/self/mountinfo", CGW_MOUNTINFO_MAX);
	ag = read_all("/proc/sys/kernel/sched_autogroup_enabled", 64);
	/* no such file: a kernel without autogroup */
	autogroup = ag != NULL && ag[0] == '1';
	if (cg == NULL || mi == NULL) {
		snprintf(why, whylen, "cannot read /proc/self/%s",
		    cg == NULL ? "cgroup" : "mountinfo");
		rc = -1;
	} else
		rc = cgweight_judge(cg, mi, autogroup, why, whylen);
	free(cg);
	free(mi);
	free(ag);
	return rc;
}
