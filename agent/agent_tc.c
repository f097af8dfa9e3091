/*
 * agent_tc.c - toolchain ids of the wrappers' compilers, cached.
 *
 * Identifying a compiler (tc_identify, common/toolchain.h) runs it, which
 * costs tens of milliseconds; the agent's toolchain helper (tchelp.c)
 * does it once per compiler file.
 * The cache key is (path, st_dev, st_ino, st_size, st_mtime), so an
 * upgraded compiler at the same path is identified again.  Bounded: the
 * least recently used entry makes room.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "agent/agent_int.h"
#include "agent/tchelp.h"
#include "common/toolchain.h"

#define TC_CACHE_MAX	64

struct tcc_entry {
	char		*path;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	uint64_t	 used;
	char		 tcid[PROTO_TCID_MAX + 1];
};

struct agent_tc {
	struct tcc_entry	 e[TC_CACHE_MAX];
	size_t		 n;
	uint64_t	 clock;
};

struct agent_tc *
agent_tc_new(void)
{
	return calloc(1, sizeof(struct agent_tc));
}

void
agent_tc_free(struct agent_tc *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		free(c->e[i].path);
	free(c);
}

static int
same(const struct tcc_entry *e, const char *path, const struct stat *st)
{
	return e->dev == st->st_dev && e->ino == st->st_ino &&
	    e->size == st->st_size &&
	    e->mtime.tv_sec == st->st_mtim.tv_sec &&
	    e->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	    strcmp(e->path, path) == 0;
}

int
agent_tc_lookup(struct agent_tc *c, const char *path, char *tcid,
    size_t tcidlen, char *err, size_t errlen)
{
	struct tcc_entry	*e;
	struct stat	 st;
	char		 id[PROTO_TCID_MAX + 1];
	size_t		 i, victim = 0;

	if (stat(path, &st) == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	for (i = 0; i < c->n; i++)
		if (same(&c->e[i], path, &st)) {
			c->e[i].used = ++c->clock;
			snprintf(tcid, tcidlen, "%s", c->e[i].tcid);
			return 0;
		}
	/* the helper runs it: the agent itself never executes anything */
	if (tchelp_identify(path, id, sizeof(id), err, errlen) == -1)
		return -1;
	if (c->n < TC_CACHE_MAX)
		victim = c->n++;
	else {
		for (i = 1; i < c->n; i++)
			if (c->e[i].used < c->e[victim].used)
				victim = i;
		free(c->e[victim].path);
	}
	e = &c->e[victim];
	memset(e, 0, sizeof(*e));
	if ((e->path = strdup(path)) == NULL) {
		c->n--;
		if (victim != c->n)
			*e = c->e[c->n];
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->size = st.st_size;
	e->mtime = st.st_mtim;
	e->used = ++c->clock;
	snprintf(e->tcid, sizeof(e->tcid), "%s", id);
	snprintf(tcid, tcidlen, "%s", id);
	return 0;
}
