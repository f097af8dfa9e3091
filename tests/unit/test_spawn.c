/*
 * test_spawn.c - agent files: the key (one agent per network namespace,
 * checked in a child that unshares its own, and per keyed setting; the
 * same key for the rest), no agent started in a namespace without a
 * network, the settings an agent keeps told once to a wrapper whose
 * differ, one agent per key (the pid lock), the listening socket
 * replacing a stale one, and connecting without starting anything.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "common/spawn.c"
#include "tests/unit/tmpdir.h"

/* Everything spawn_tag reads, and settings it must not read. */
static const char *const envs[] = {
	"CCPOOL_HOSTS", "CCPOOL_CLUSTER", "CCPOOL_PLACE_LOCAL",
	"CCPOOL_TRUST", "DBUS_SYSTEM_BUS_ADDRESS", "XDG_CONFIG_HOME", "HOME",
	"CCPOOL_AGENT_IDLE", "CCPOOL_VERBOSE", "CCPOOL_PREPROCESS_MAX", "PATH"
};
#define NENVS	(sizeof(envs) / sizeof(envs[0]))
static char	*saved[NENVS];

static void
env_save(void)
{
	size_t	 i;

	for (i = 0; i < NENVS; i++) {
		const char *v = getenv(envs[i]);

		saved[i] = v != NULL ? strdup(v) : NULL;
		if (i < 5 || i >= 7)	/* keep HOME and XDG_CONFIG_HOME */
			unsetenv(envs[i]);
	}
	setenv("PATH", "/usr/bin:/bin", 1);
}

static void
env_restore(void)
{
	size_t	 i;

	for (i = 0; i < NENVS; i++) {
		if (saved[i] != NULL)
			setenv(envs[i], saved[i], 1);
		else
			unsetenv(envs[i]);
		free(saved[i]);
		saved[i] = NULL;
	}
}

/* The tag now; fatal if it cannot be had. */
static void
tag_now(char tag[SPAWN_TAG_MAX])
{
	char	 err[256];

	CU_ASSERT_EQUAL_FATAL(spawn_tag(tag, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(strlen(tag), 17);
	CU_ASSERT_EQUAL(tag[0], '-');
}

/* The tag with name set to value (NULL: unset), then name unset again. */
static void
tag_with(char tag[SPAWN_TAG_MAX], const char *name, const char *value)
{
	if (value != NULL)
		setenv(name, value, 1);
	else
		unsetenv(name);
	tag_now(tag);
	unsetenv(name);
}

static void
test_tag_settings(void)
{
	/* each changes what the agent discovers or decides */
	static const char *const keyed[][2] = {
		{ "CCPOOL_HOSTS", "h1 h2" },
		{ "CCPOOL_CLUSTER", "elsewhere" },
		{ "CCPOOL_PLACE_LOCAL", "0" },
		{ "CCPOOL_TRUST", "explicit" },
		{ "DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/tmp/other-bus" },
		{ "XDG_CONFIG_HOME", "/tmp/other-config" },
	};
	/* the same agent: the same behaviour, or not the agent's to read */
	static const char *const same[][2] = {
		{ "CCPOOL_HOSTS", "" },
		{ "CCPOOL_CLUSTER", "" },
		{ "CCPOOL_CLUSTER", "default" },
		{ "CCPOOL_PLACE_LOCAL", "1" },
		{ "CCPOOL_PLACE_LOCAL", "" },
		{ "CCPOOL_TRUST", "" },
		{ "CCPOOL_TRUST", "first-use" },
		{ "CCPOOL_AGENT_IDLE", "5" },
		{ "CCPOOL_VERBOSE", "1" },
		{ "CCPOOL_PREPROCESS_MAX", "3" },
		{ "PATH", "/opt/x/bin:/usr/bin" },
	};
	char	 base[SPAWN_TAG_MAX], t[SPAWN_TAG_MAX], c[SPAWN_TAG_MAX],
		 d[SPAWN_TAG_MAX];
	char	 all[sizeof(keyed) / sizeof(keyed[0])][SPAWN_TAG_MAX];
	size_t	 i, j;

	env_save();
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/tmp/some-home", 1);
	tag_now(base);
	tag_now(t);
	CU_ASSERT_STRING_EQUAL(base, t);
	for (i = 0; i < sizeof(keyed) / sizeof(keyed[0]); i++) {
		tag_with(all[i], keyed[i][0], keyed[i][1]);
		CU_ASSERT_STRING_NOT_EQUAL(all[i], base);
		for (j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(all[i], all[j]);
	}
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		tag_with(t, same[i][0], same[i][1]);
		CU_ASSERT_STRING_EQUAL(t, base);
		if (strcmp(t, base) != 0)
			fprintf(stderr, "%s=%s changed the key\n", same[i][0],
			    same[i][1]);
	}
	/* a CCPOOL_TRUST the agent does not know is explicit, as it reads it */
	tag_with(c, "CCPOOL_TRUST", "explicit");
	tag_with(d, "CCPOOL_TRUST", "bogus");
	CU_ASSERT_STRING_EQUAL(c, d);
	/* HOME is read when XDG_CONFIG_HOME is not set */
	tag_with(t, "HOME", "/tmp/another-home");
	CU_ASSERT_STRING_NOT_EQUAL(t, base);
	setenv("HOME", "/tmp/some-home", 1);
	/* ("ab", "") and ("a", "b") are different configurations */
	setenv("CCPOOL_HOSTS", "ab", 1);
	tag_now(c);
	setenv("CCPOOL_HOSTS", "a", 1);
	setenv("CCPOOL_CLUSTER", "b", 1);
	tag_now(d);
	CU_ASSERT_STRING_NOT_EQUAL(c, d);
	env_restore();
	CU_ASSERT_EQUAL(spawn_path(t, sizeof(t), "/r", "-0123456789abcdef",
	    "sock"), -1);	/* does not fit: refused, not cut */
	{
		char p[128];

		CU_ASSERT_EQUAL(spawn_path(p, sizeof(p), "/run/x", base,
		    "sock"), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(p, "/run/x/agent-"));
		CU_ASSERT_EQUAL(spawn_path(p, sizeof(p), "/run/x", "", "pid"),
		    0);
		CU_ASSERT_STRING_EQUAL(p, "/run/x/agent.pid");
	}
}

/* What a child that unshared its network namespace found. */
struct nsres {
	int	 unshared;		/* unshare(CLONE_NEWNET) worked */
	char	 tag[SPAWN_TAG_MAX];	/* its key */
	char	 sibling[SPAWN_TAG_MAX];/* its child's key, same namespace */
	int	 offline;		/* netns_offline() with lo only */
	int	 refused;		/* spawn_connect refused to start */
	int	 lockless;		/* ... and made no lock file */
	int	 hosts_tried;		/* with CCPOOL_HOSTS it tried */
	int	 online;		/* !netns_offline() with a veth up */
};

/* The key of a forked child of the caller, written into tag. */
static int
child_tag(char tag[SPAWN_TAG_MAX])
{
	char	 err[256];
	pid_t	 pid;
	int	 p[2], st;

	memset(tag, 0, SPAWN_TAG_MAX);
	if (pipe(p) == -1 || (pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		close(p[0]);
		if (spawn_tag(tag, err, sizeof(err)) == -1)
			_exit(1);
		_exit(write(p[1], tag, SPAWN_TAG_MAX) == SPAWN_TAG_MAX ? 0 : 1);
	}
	close(p[1]);
	st = read(p[0], tag, SPAWN_TAG_MAX) == SPAWN_TAG_MAX ? 0 : -1;
	close(p[0]);
	waitpid(pid, NULL, 0);
	return st;
}

static void
in_new_netns(const char *top, struct nsres *r)
{
	char	 err[256], lock[256], tag[SPAWN_TAG_MAX];

	if (unshare(CLONE_NEWNET) == -1)
		return;
	r->unshared = 1;
	if (spawn_tag(r->tag, err, sizeof(err)) == -1 ||
	    child_tag(r->sibling) == -1)
		return;
	r->offline = netns_offline();
	/* no network, no CCPOOL_HOSTS: no agent is started */
	unsetenv("CCPOOL_HOSTS");
	memcpy(tag, r->tag, sizeof(tag));
	r->refused = spawn_connect(top, tag, "/nonexistent/ccpool", 100, err,
	    sizeof(err)) == -1 && strstr(err, "no interface") != NULL;
	spawn_path(lock, sizeof(lock), top, tag, "lock");
	r->lockless = access(lock, F_OK) == -1;
	/* with CCPOOL_HOSTS (a server on loopback, maybe) it tries */
	setenv("CCPOOL_HOSTS", "127.0.0.1", 1);
	r->hosts_tried = spawn_connect(top, tag, "/nonexistent/ccpool", 100,
	    err, sizeof(err)) == -1 && strstr(err, "no interface") == NULL &&
	    access(lock, F_OK) == 0;
	unsetenv("CCPOOL_HOSTS");
	/* an interface up with an address: a network (veth: no traffic) */
	if (system("PATH=/usr/sbin:/sbin:/usr/bin:/bin; "
	    "ip link add ccpt0 type veth peer name ccpt1 && "
	    "ip addr add 198.18.255.1/32 dev ccpt0 && "
	    "ip link set ccpt0 up") == 0)
		r->online = !netns_offline();
}

static void
test_tag_netns(void)
{
	struct nsres	 r;
	char		 top[64], mine[SPAWN_TAG_MAX], twin[SPAWN_TAG_MAX];
	pid_t		 pid;
	int		 p[2], st;

	tmpdir_make(top, sizeof(top), "spawn");
	tag_now(mine);
	/* another process of this namespace: the same key */
	CU_ASSERT_EQUAL_FATAL(child_tag(twin), 0);
	CU_ASSERT_STRING_EQUAL(twin, mine);
	/* a child of its own namespace: another key (needs root) */
	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	pid = fork();
	CU_ASSERT_FATAL(pid != -1);
	if (pid == 0) {
		memset(&r, 0, sizeof(r));
		close(p[0]);
		in_new_netns(top, &r);
		_exit(write(p[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(p[1]);
	memset(&r, 0, sizeof(r));
	CU_ASSERT_EQUAL(read(p[0], &r, sizeof(r)), (ssize_t)sizeof(r));
	close(p[0]);
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CU_ASSERT_EQUAL(r.unshared, 1);
	CU_ASSERT_EQUAL(strlen(r.tag), 17);
	CU_ASSERT_STRING_NOT_EQUAL(r.tag, mine);
	CU_ASSERT_STRING_EQUAL(r.sibling, r.tag);
	CU_ASSERT_EQUAL(r.offline, 1);
	CU_ASSERT_EQUAL(r.refused, 1);
	CU_ASSERT_EQUAL(r.lockless, 1);
	CU_ASSERT_EQUAL(r.hosts_tried, 1);
	CU_ASSERT_EQUAL(r.online, 1);
	tmpdir_remove(top);
}

/* Lines in path, or -1. */
static int
lines_of(const char *path)
{
	FILE	*f = fopen(path, "r");
	int	 c, n = 0;

	if (f == NULL)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static void
test_record_differs(void)
{
	char	 top[64], err[256], note[512], env[256], want[64];
	const char *tag = "-00000000000000aa";

	env_save();
	tmpdir_make(top, sizeof(top), "spawn");
	/* no agent recorded anything: nothing to say */
	setenv("CCPOOL_AGENT_IDLE", "5", 1);
	CU_ASSERT_EQUAL(spawn_agent_differs(top, tag, 1, note, sizeof(note)),
	    0);
	/* an agent started with CCPOOL_AGENT_IDLE=600, not verbose */
	setenv("CCPOOL_AGENT_IDLE", "600", 1);
	CU_ASSERT_EQUAL_FATAL(spawn_agent_record(top, tag, err, sizeof(err)),
	    0);
	spawn_path(env, sizeof(env), top, tag, "env");
	CU_ASSERT_EQUAL(lines_of(env), 3);
	/* a wrapper like it: nothing */
	CU_ASSERT_EQUAL(spawn_agent_differs(top, tag, 0, note, sizeof(note)),
	    0);
	/* another idle time: said once, with the agent's pid and values */
	setenv("CCPOOL_AGENT_IDLE", "5", 1);
	CU_ASSERT_EQUAL(spawn_agent_differs(top, tag, 0, note, sizeof(note)),
	    1);
	CU_ASSERT_PTR_NOT_NULL(strstr(note, "CCPOOL_AGENT_IDLE=600 (yours: 5)"));
	snprintf(want, sizeof(want), "(pid %ld)", (long)getpid());
	CU_ASSERT_PTR_NOT_NULL(strstr(note, want));
	CU_ASSERT_EQUAL(spawn_agent_differs(top, tag, 0, note, sizeof(note)),
	    0);
	CU_ASSERT_EQUAL(spawn_agent_differs(top, tag, 0, note, sizeof(note)),
	    0);
	/* yet another value is another note, once */
	unsetenv("CCPOOL_AGENT_IDLE");
	CU_ASSERT_EQUAL(spawn_agent_differs(top, tag, 0, note, sizeof(note)),
	    1);
	CU_ASSERT_PTR_NOT_NULL(strstr(note, "(yours: unset)"));
	CU_ASSERT_EQUAL(spawn_agent_differs(top, tag, 0, note, sizeof(note)),
	    0);
	/* a verbose wrapper hears that the agent's log is not verbose */
	setenv("CCPOOL_AGENT_IDLE", "600", 1);
	setenv("CCPOOL_VERBOSE", "1", 1);
	CU_ASSERT_EQUAL(spawn_agent_differs(top, tag, 1, note, sizeof(note)),
	    1);
	CU_ASSERT_PTR_NOT_NULL(strstr(note, "CCPOOL_VERBOSE unset"));
	CU_ASSERT_PTR_NULL(strstr(note, "CCPOOL_AGENT_IDLE"));
	CU_ASSERT_EQUAL(spawn_agent_differs(top, tag, 1, note, sizeof(note)),
	    0);
	/* a new agent of that key: told again */
	unsetenv("CCPOOL_VERBOSE");
	CU_ASSERT_EQUAL(spawn_agent_record(top, tag, err, sizeof(err)), 0);
	setenv("CCPOOL_AGENT_IDLE", "5", 1);
	CU_ASSERT_EQUAL(spawn_agent_differs(top, tag, 0, note, sizeof(note)),
	    1);
	/* another key's agent recorded nothing */
	CU_ASSERT_EQUAL(spawn_agent_differs(top, "-00000000000000bb", 0, note,
	    sizeof(note)), 0);
	/* a value with a newline stays on its line */
	setenv("CCPOOL_AGENT_IDLE", "5\nCCPOOL_VERBOSE=1", 1);
	CU_ASSERT_EQUAL(spawn_agent_record(top, tag, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(lines_of(env), 3);
	setenv("CCPOOL_VERBOSE", "1", 1);
	CU_ASSERT_EQUAL(spawn_agent_differs(top, tag, 1, note, sizeof(note)),
	    1);
	CU_ASSERT_PTR_NOT_NULL(strstr(note, "CCPOOL_VERBOSE unset"));
	tmpdir_remove(top);
	env_restore();
}

static void
test_lock_listen_connect(void)
{
	char	 top[64], err[256], sock[256];
	int	 l1, l2, busy, s, c;

	tmpdir_make(top, sizeof(top), "spawn");
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
	tmpdir_remove(top);
}

int
init_spawn_tests(void)
{
	CU_pSuite s = CU_add_suite("spawn", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "key: keyed settings and the rest",
	    test_tag_settings) ||
	    !CU_add_test(s, "key: network namespace; none started offline",
	    test_tag_netns) ||
	    !CU_add_test(s, "kept settings told once", test_record_differs) ||
	    !CU_add_test(s, "lock, listen, connect",
	    test_lock_listen_connect))
		return -1;
	return 0;
}
