/*
 * test_cpuquota.c - the parsers behind CPU quota detection (cpuquota.c):
 * /proc/self/cgroup lines for v1 controllers and the v2 "0::" line,
 * cpu.max, and the walk over a real (if absent, skipped) cgroup tree.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "common/cpuquota.c"

static void
test_parse_cgroup(void)
{
	const char	*v1 = "9:name=systemd:/\n4:memory:/x/y\n2:cpuacct:/lab/h5\n"
			    "1:cpu:/lab/h5\n0::/\n";
	const char	*mixed = "3:cpu,cpuacct:/a/b\n0::/user.slice/u.scope";
	char		 p[64];

	CU_ASSERT_EQUAL(cpuquota_parse_cgroup(v1, "cpu", p, sizeof(p)), 0);
	CU_ASSERT_STRING_EQUAL(p, "/lab/h5");
	CU_ASSERT_EQUAL(cpuquota_parse_cgroup(v1, "cpuacct", p, sizeof(p)), 0);
	CU_ASSERT_STRING_EQUAL(p, "/lab/h5");
	CU_ASSERT_EQUAL(cpuquota_parse_cgroup(v1, "", p, sizeof(p)), 0);
	CU_ASSERT_STRING_EQUAL(p, "/");
	CU_ASSERT_EQUAL(cpuquota_parse_cgroup(v1, "cpuset", p, sizeof(p)), -1);
	CU_ASSERT_EQUAL(cpuquota_parse_cgroup(mixed, "cpu", p, sizeof(p)), 0);
	CU_ASSERT_STRING_EQUAL(p, "/a/b");
	CU_ASSERT_EQUAL(cpuquota_parse_cgroup(mixed, "cpuacct", p, sizeof(p)),
	    0);
	CU_ASSERT_EQUAL(cpuquota_parse_cgroup(mixed, "", p, sizeof(p)), 0);
	CU_ASSERT_STRING_EQUAL(p, "/user.slice/u.scope");
	/* "cpu" is not "cpuacct" or "cpuset", and paths must be absolute */
	CU_ASSERT_EQUAL(cpuquota_parse_cgroup("1:cpuset:/a\n", "cpu", p,
	    sizeof(p)), -1);
	CU_ASSERT_EQUAL(cpuquota_parse_cgroup("1:cpu:a\n", "cpu", p,
	    sizeof(p)), -1);
	CU_ASSERT_EQUAL(cpuquota_parse_cgroup("1:cpu:/long/path\n", "cpu", p,
	    4), -1);
	CU_ASSERT_EQUAL(cpuquota_parse_cgroup("", "cpu", p, sizeof(p)), -1);
	CU_ASSERT_EQUAL(cpuquota_parse_cgroup("garbage\n::\n", "", p,
	    sizeof(p)), -1);
}

/* /proc/stat's aggregate line, wherever it is in the text. */
static void
test_parse_procstat(void)
{
	uint64_t	 busy = 0, total = 0;

	CU_ASSERT_EQUAL(cpuquota_parse_procstat("cpu  100 20 30 800 50 1 4 0 "
	    "7 0\ncpu0 50 10 15 400 25 0 2 0 0 0\n", &busy, &total), 0);
	CU_ASSERT_EQUAL(total, 1005);	/* guest (7) is inside user */
	CU_ASSERT_EQUAL(busy, 155);
	CU_ASSERT_EQUAL(cpuquota_parse_procstat("intr 1 2 3\ncpu  1 2 3 4\n",
	    &busy, &total), 0);
	CU_ASSERT_EQUAL(total, 10);
	CU_ASSERT_EQUAL(busy, 6);
	CU_ASSERT_EQUAL(cpuquota_parse_procstat("cpu  1 2 3 4", &busy, &total),
	    0);			/* no newline at the end */
	CU_ASSERT_EQUAL(cpuquota_parse_procstat("cpu0 1 2 3 4\n", &busy,
	    &total), -1);
	CU_ASSERT_EQUAL(cpuquota_parse_procstat("cpu  1 2 3\n", &busy, &total),
	    -1);
	CU_ASSERT_EQUAL(cpuquota_parse_procstat("cpu  1 2 x 4\n", &busy,
	    &total), -1);
	CU_ASSERT_EQUAL(cpuquota_parse_procstat("cpu  99999999999999999999999 "
	    "1 2 3\n", &busy, &total), -1);	/* over 64 bits */
	CU_ASSERT_EQUAL(cpuquota_parse_procstat("", &busy, &total), -1);
}

static void
test_parse_max(void)
{
	double	 c = 0;

	CU_ASSERT_EQUAL(cpuquota_parse_max("max 100000\n", &c), 1);
	CU_ASSERT_EQUAL(cpuquota_parse_max("45000 100000\n", &c), 0);
	CU_ASSERT_DOUBLE_EQUAL(c, 0.45, 1e-9);
	CU_ASSERT_EQUAL(cpuquota_parse_max("150000 100000", &c), 0);
	CU_ASSERT_DOUBLE_EQUAL(c, 1.5, 1e-9);
	CU_ASSERT_EQUAL(cpuquota_parse_max("0 100000\n", &c), -1);
	CU_ASSERT_EQUAL(cpuquota_parse_max("x 100000\n", &c), -1);
	CU_ASSERT_EQUAL(cpuquota_parse_max("100000\n", &c), -1);
	CU_ASSERT_EQUAL(cpuquota_parse_max("", &c), -1);
}

/* Time under a quota in the machine's own CPUs. */
static void
test_machine_us(void)
{
	struct cpuquota	 q;

	memset(&q, 0, sizeof(q));
	q.cpus = 0.3;		/* one CPU of 0.3 speed: all of it is 1 s */
	CU_ASSERT_EQUAL(cpuquota_machine_us(&q, 1, 300000), 1000000);
	q.cpus = 1.5;		/* two CPUs of 0.75 */
	CU_ASSERT_EQUAL(cpuquota_machine_us(&q, 2, 750000), 1000000);
	q.cpus = 0;		/* no quota: as is */
	CU_ASSERT_EQUAL(cpuquota_machine_us(&q, 1, 12345), 12345);
}

static void
test_path_up(void)
{
	char	 p[32] = "/a/b/c";

	CU_ASSERT_EQUAL(cpuquota_path_up(p), 0);
	CU_ASSERT_STRING_EQUAL(p, "/a/b");
	CU_ASSERT_EQUAL(cpuquota_path_up(p), 0);
	CU_ASSERT_EQUAL(cpuquota_path_up(p), 0);
	CU_ASSERT_STRING_EQUAL(p, "/");
	CU_ASSERT_EQUAL(cpuquota_path_up(p), -1);
}

static void
test_find(void)
{
	struct cpuquota	 q;
	uint64_t	 a, b;

	/* Whatever this machine has: consistent answers, never a crash. */
	if (cpuquota_find(&q) == 0) {
		CU_ASSERT(q.cpus > 0);
		CU_ASSERT_EQUAL(cpuquota_usage_us(&q, &a), 0);
		CU_ASSERT_EQUAL(cpuquota_usage_us(&q, &b), 0);
		CU_ASSERT(b >= a);
	}
	CU_ASSERT(cpuquota_ncpu() >= 1);
}

int
init_cpuquota_tests(void)
{
	CU_pSuite s = CU_add_suite("cpuquota", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "cgroup lines", test_parse_cgroup) ||
	    !CU_add_test(s, "cpu.max", test_parse_max) ||
	    !CU_add_test(s, "/proc/stat", test_parse_procstat) ||
	    !CU_add_test(s, "machine time", test_machine_us) ||
	    !CU_add_test(s, "path up", test_path_up) ||
	    !CU_add_test(s, "this machine", test_find))
		return -1;
	return 0;
}
