/*
 * test_cgweight.c - the "are jobs below the owner's work" check
 * (cgweight.c) over fake cgroup trees in a temporary directory: v2 and v1
 * weights on the path, cpu.idle, the root CPU cgroup with and without
 * autogroup, missing files and malformed text.  cpuquota.c (the parsers
 * it shares) is linked in by test_cpuquota.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "server/cgweight.c"

static char	 T[64];		/* the temporary directory */
static char	 MI2[512];	/* mountinfo: cgroup2 at T/v2 */
static char	 MI1[512];	/* mountinfo: v1 cpu at T/cpu */
static char	 WHY[512];

/* Write text to T/rel, making its directories. */
static void
put(const char *rel, const char *text)
{
	char	 path[PATH_MAX + 64], *s;
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", T, rel);
	for (s = path + strlen(T) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		CU_ASSERT_FATAL(mkdir(path, 0755) == 0 || errno == EEXIST);
		*s = '/';
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/* A directory T/rel (and its parents). */
static void
dir(const char *rel)
{
	char	 path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s/.keep", T, rel);
	put(path + strlen(T) + 1, "");
}

static int
setup(void)
{
	snprintf(T, sizeof(T), "/tmp/ccpool-test-cgweight.XXXXXX");
	if (mkdtemp(T) == NULL)
		return -1;
	snprintf(MI2, sizeof(MI2), "22 1 0:20 / /proc rw - proc proc rw\n"
	    "30 23 0:26 / %s/v2 rw,nosuid,nodev - cgroup2 cgroup2 "
	    "rw,nsdelegate\n", T);
	snprintf(MI1, sizeof(MI1), "31 23 0:28 / %s rw - tmpfs tmpfs rw\n"
	    "40 31 0:37 / %s/systemd rw - cgroup cgroup rw,name=systemd\n"
	    "32 31 0:29 / %s/cpu rw,relatime - cgroup cgroup rw,cpu,cpuacct\n",
	    T, T, T);
	return 0;
}

/* Outside any test: no CU_ASSERT (tmpdir_remove has one). */
static int
teardown(void)
{
	char	 cmd[sizeof(T) + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", T);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_v2_ancestor(void)
{
	const char	*cg = "0::/ccpool.slice/ccpoold.service\n";

	put("v2/ccpool.slice/cpu.weight", "1\n");
	put("v2/ccpool.slice/ccpoold.service/cpu.weight", "100\n");
	put("v2/ccpool.slice/ccpoold.service/cpu.idle", "0\n");
	CU_ASSERT_EQUAL(cgweight_judge(cg, MI2, 1, WHY, sizeof(WHY)), 1);
	CU_ASSERT_STRING_EQUAL(WHY, "cgroup /ccpool.slice has cpu.weight 1");
	/* the threshold: 10 is low, 11 is not */
	put("v2/ccpool.slice/cpu.weight", "10\n");
	CU_ASSERT_EQUAL(cgweight_judge(cg, MI2, 1, WHY, sizeof(WHY)), 1);
	put("v2/ccpool.slice/cpu.weight", "11\n");
	CU_ASSERT_EQUAL(cgweight_judge(cg, MI2, 1, WHY, sizeof(WHY)), 0);
}

static void
test_v2_unprotected(void)
{
	const char	*cg = "0::/system.slice/ccpoold.service\n";

	put("v2/system.slice/cpu.weight", "100\n");
	put("v2/system.slice/ccpoold.service/cpu.weight", "5000\n");
	CU_ASSERT_EQUAL(cgweight_judge(cg, MI2, 0, WHY, sizeof(WHY)), 0);
	/* the top one is named: it is what competes with user.slice */
	CU_ASSERT_STRING_EQUAL(WHY, "compete as cgroup /system.slice "
	    "(cpu.weight 100) with the machine's other cgroups");
	/* a low weight below ours does not protect us */
	put("v2/system.slice/ccpoold.service/x/cpu.weight", "1\n");
	CU_ASSERT_EQUAL(cgweight_judge(cg, MI2, 0, WHY, sizeof(WHY)), 0);
}

static void
test_v2_no_controller(void)
{
	const char	*cg = "0::/user.slice/session-1.scope\n";

	/* no cpu controller on the path: the root CPU group */
	dir("v2/user.slice/session-1.scope");
	put("v2/user.slice/cgroup.controllers", "memory pids\n");
	/* (with autogroup, each job's session is at nice 19) */
	CU_ASSERT_EQUAL(cgweight_judge(cg, MI2, 1, WHY, sizeof(WHY)), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(WHY, "autogroup on"));
	CU_ASSERT_EQUAL(cgweight_judge(cg, MI2, 0, WHY, sizeof(WHY)), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(WHY, "root CPU cgroup"));
	/* the root itself, as on a machine without systemd */
	CU_ASSERT_EQUAL(cgweight_judge("0::/\n", MI2, 1, WHY, sizeof(WHY)),
	    1);
}

static void
test_v2_namespace_root(void)
{
	/* a container's cgroup namespace: "/" is its own cgroup */
	put("v2/cpu.weight", "1\n");
	CU_ASSERT_EQUAL(cgweight_judge("0::/\n", MI2, 1, WHY, sizeof(WHY)), 1);
	CU_ASSERT_STRING_EQUAL(WHY, "cgroup / has cpu.weight 1");
	put("v2/cpu.weight", "100\n");
	CU_ASSERT_EQUAL(cgweight_judge("0::/\n", MI2, 1, WHY, sizeof(WHY)), 0);
	CU_ASSERT_EQUAL(unlink(strcat(strcpy(WHY, T), "/v2/cpu.weight")), 0);
}

static void
test_v1_shares(void)
{
	/* hybrid: the v1 cpu line wins over the v2 one */
	const char	*cg = "9:name=systemd:/lab/h1\n"
			    "3:cpu,cpuacct:/lab/h1\n0::/lab/h1\n";

	put("cpu/cpu.shares", "1024\n");
	put("cpu/lab/cpu.shares", "1024\n");
	put("cpu/lab/h1/cpu.shares", "2\n");
	CU_ASSERT_EQUAL(cgweight_judge(cg, MI1, 1, WHY, sizeof(WHY)), 1);
	CU_ASSERT_STRING_EQUAL(WHY, "cgroup /lab/h1 has cpu.shares 2");
	put("cpu/lab/h1/cpu.shares", "100\n");
	CU_ASSERT_EQUAL(cgweight_judge(cg, MI1, 1, WHY, sizeof(WHY)), 1);
	put("cpu/lab/h1/cpu.shares", "1024\n");
	CU_ASSERT_EQUAL(cgweight_judge(cg, MI1, 1, WHY, sizeof(WHY)), 0);
	CU_ASSERT_STRING_EQUAL(WHY, "compete as cgroup /lab (cpu.shares "
	    "1024) with the machine's other cgroups");
	/* the root's shares mean nothing: never protection */
	put("cpu/cpu.shares", "2\n");
	CU_ASSERT_EQUAL(cgweight_judge(cg, MI1, 0, WHY, sizeof(WHY)), 0);
	/* in the root cpu cgroup: protected, autogroup or not */
	CU_ASSERT_EQUAL(cgweight_judge("1:cpu:/\n", MI1, 1, WHY,
	    sizeof(WHY)), 1);
	CU_ASSERT_EQUAL(cgweight_judge("1:cpu:/\n", MI1, 0, WHY,
	    sizeof(WHY)), 1);
}

static void
test_idle(void)
{
	put("v2/idle.slice/cpu.weight", "100\n");
	put("v2/idle.slice/cpu.idle", "1\n");
	put("v2/idle.slice/d.service/cpu.weight", "100\n");
	CU_ASSERT_EQUAL(cgweight_judge("0::/idle.slice/d.service\n", MI2, 1,
	    WHY, sizeof(WHY)), 1);
	CU_ASSERT_STRING_EQUAL(WHY, "cgroup /idle.slice has cpu.idle 1");
	put("cpu/lab/h2/cpu.shares", "1024\n");
	put("cpu/lab/h2/cpu.idle", "1\n");
	CU_ASSERT_EQUAL(cgweight_judge("1:cpu:/lab/h2\n", MI1, 1, WHY,
	    sizeof(WHY)), 1);
	CU_ASSERT_STRING_EQUAL(WHY, "cgroup /lab/h2 has cpu.idle 1");
}

static void
test_missing(void)
{
	char	 mi[256];

	/* our cgroup's directory is not there */
	CU_ASSERT_EQUAL(cgweight_judge("0::/gone.slice/x.service\n", MI2, 1,
	    WHY, sizeof(WHY)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(WHY, "cannot see cgroup"));
	/* nothing mounted, or not the hierarchy we are in */
	CU_ASSERT_EQUAL(cgweight_judge("0::/\n", "", 1, WHY, sizeof(WHY)),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(WHY, "not mounted"));
	CU_ASSERT_EQUAL(cgweight_judge("1:cpu:/lab/h1\n", MI2, 1, WHY,
	    sizeof(WHY)), -1);
	/* a mount whose root is elsewhere in the hierarchy */
	snprintf(mi, sizeof(mi), "32 31 0:29 /other %s/cpu rw - cgroup "
	    "cgroup rw,cpu\n", T);
	CU_ASSERT_EQUAL(cgweight_judge("1:cpu:/lab/h1\n", mi, 1, WHY,
	    sizeof(WHY)), -1);
	/* v1, where every cgroup has cpu.shares: none readable */
	dir("cpu/bare/one");
	CU_ASSERT_EQUAL(cgweight_judge("1:cpu:/bare/one\n", MI1, 1, WHY,
	    sizeof(WHY)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(WHY, "cannot read cpu.shares"));
	/* no cgroup line at all */
	CU_ASSERT_EQUAL(cgweight_judge("", MI2, 1, WHY, sizeof(WHY)), -1);
}

static void
test_malformed(void)
{
	const char	*cg = "0::/m.slice/m.service\n";

	CU_ASSERT_EQUAL(cgweight_judge("garbage\n:::\n1:cpu:relative\n",
	    MI1, 1, WHY, sizeof(WHY)), -1);
	CU_ASSERT_EQUAL(cgweight_judge(cg, "garbage\n - \n\n", 1, WHY,
	    sizeof(WHY)), -1);
	/* an unreadable weight is skipped, the next one up counts */
	put("v2/m.slice/cpu.weight", "100\n");
	put("v2/m.slice/m.service/cpu.weight", "abc\n");
	put("v2/m.slice/m.service/cpu.idle", "1x\n");
	CU_ASSERT_EQUAL(cgweight_judge(cg, MI2, 1, WHY, sizeof(WHY)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(WHY, "/m.slice (cpu.weight 100)"));
	put("v2/m.slice/m.service/cpu.weight", "5 6\n");
	put("v2/m.slice/cpu.weight", "-1\n");
	CU_ASSERT_EQUAL(cgweight_judge(cg, MI2, 0, WHY, sizeof(WHY)), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(WHY, "autogroup off"));
	put("v2/m.slice/cpu.weight", "99999999999999999999999\n");
	CU_ASSERT_EQUAL(cgweight_judge(cg, MI2, 0, WHY, sizeof(WHY)), 1);
	/* a tiny reason buffer is cut, not overrun */
	put("v2/m.slice/cpu.weight", "1\n");
	memset(WHY, 'x', sizeof(WHY));
	CU_ASSERT_EQUAL(cgweight_judge(cg, MI2, 0, WHY, 8), 1);
	CU_ASSERT_EQUAL(strlen(WHY), 7);
	CU_ASSERT_EQUAL(WHY[8], 'x');
}

static void
test_this_machine(void)
{
	int	 rc;

	WHY[0] = '\0';
	rc = cgweight_check(WHY, sizeof(WHY));
	CU_ASSERT(rc >= -1 && rc <= 1);
	CU_ASSERT(WHY[0] != '\0');
}

int
init_cgweight_tests(void)
{
	CU_pSuite s = CU_add_suite("cgweight", setup, teardown);

	if (s == NULL ||
	    !CU_add_test(s, "v2 low-weight ancestor", test_v2_ancestor) ||
	    !CU_add_test(s, "v2 normal weights", test_v2_unprotected) ||
	    !CU_add_test(s, "v2 without cpu controller",
	    test_v2_no_controller) ||
	    !CU_add_test(s, "v2 namespace root", test_v2_namespace_root) ||
	    !CU_add_test(s, "v1 cpu.shares", test_v1_shares) ||
	    !CU_add_test(s, "cpu.idle", test_idle) ||
	    !CU_add_test(s, "missing files", test_missing) ||
	    !CU_add_test(s, "malformed text", test_malformed) ||
	    !CU_add_test(s, "this machine", test_this_machine))
		return -1;
	return 0;
}
