/*
 * test_spawn.c - agent files: the configuration tag, one agent per
 * configuration (the pid lock), the listening socket replacing a stale
 * one, and connecting without starting anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "client/spawn.c"

static void
test_tag(void)
{
	char	 a[SPAWN_TAG_MAX], b[SPAWN_TAG_MAX], c[SPAWN_TAG_MAX],
		 d[SPAWN_TAG_MAX], p[128];

	unsetenv("CCPOOL_HOSTS");
	unsetenv("CCPOOL_CLUSTER");
	spawn_tag(a);
	CU_ASSERT_STRING_EQUAL(a, "");
	setenv("CCPOOL_HOSTS", "h1 h2", 1);
	spawn_tag(b);
	CU_ASSERT_EQUAL(strlen(b), 17);
	CU_ASSERT_EQUAL(b[0], '-');
	setenv("CCPOOL_HOSTS", "h1 h3", 1);
	spawn_tag(c);
	CU_ASSERT_STRING_NOT_EQUAL(b, c);
	/* ("ab", "") and ("a", "b") are different configurations */
	setenv("CCPOOL_HOSTS", "ab", 1);
	spawn_tag(c);
	setenv("CCPOOL_HOSTS", "a", 1);
	setenv("CCPOOL_CLUSTER", "b", 1);
	spawn_tag(d);
	CU_ASSERT_STRING_NOT_EQUAL(c, d);
	unsetenv("CCPOOL_HOSTS");
	unsetenv("CCPOOL_CLUSTER");
	CU_ASSERT_EQUAL(spawn_path(p, sizeof(p), "/run/x", b, "sock"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "/run/x/agent-"));
	CU_ASSERT_EQUAL(spawn_path(p, sizeof(p), "/run/x", "", "pid"), 0);
	CU_ASSERT_STRING_EQUAL(p, "/run/x/agent.pid");
}

static void
test_lock_listen_connect(void)
{
	char	 top[64], err[256], sock[256];
	int	 l1, l2, busy, s, c;

	snprintf(top, sizeof(top), "/tmp/ccpool-test-spawn.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(top));
	l1 = spawn_agent_lock(top, "", &busy, err, sizeof(err));
	CU_ASSERT(l1 >= 0);
	CU_ASSERT_EQUAL(busy, 0);
	/* a second agent of the same configuration is refused */
	l2 = spawn_agent_lock(top, "", &busy, err, sizeof(err));
	CU_ASSERT_EQUAL(l2, -1);
	CU_ASSERT_EQUAL(busy, 1);
	/* another configuration may run beside it */
	l2 = spawn_agent_lock(top, "-0123456789abcdef", &busy, err,
	    sizeof(err));
	CU_ASSERT(l2 >= 0);
	close(l2);
	/* nothing listening, not allowed to start: error, no agent */
	CU_ASSERT_EQUAL(spawn_connect(top, "", NULL, 100, err, sizeof(err)),
	    -1);
	/* a stale socket file is replaced */
	spawn_path(sock, sizeof(sock), top, "", "sock");
	{
		FILE *f = fopen(sock, "w");

		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fclose(f);
	}
	s = spawn_agent_listen(top, "", err, sizeof(err));
	CU_ASSERT_FATAL(s >= 0);
	c = spawn_connect(top, "", NULL, 100, err, sizeof(err));
	CU_ASSERT(c >= 0);
	if (c >= 0)
		close(c);
	close(s);
	close(l1);
	snprintf(err, sizeof(err), "rm -rf '%s'", top);
	CU_ASSERT_EQUAL(system(err), 0);
}

int
init_spawn_tests(void)
{
	CU_pSuite s = CU_add_suite("spawn", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "configuration tag", test_tag) ||
	    !CU_add_test(s, "lock, listen, connect",
	    test_lock_listen_connect))
		return -1;
	return 0;
}
