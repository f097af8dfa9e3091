/*
 * runner_tc.c - the runner's toolchains: detected at start (and
 * reported to the parent, IPC_TC ... IPC_TC_END), found by id, named for
 * messages.  See runner_tc.h.
 */
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "server/runner_tc.h"

const struct rtc *
rtc_find(const struct rtc *tc, size_t ntc, const char *id)
{
	size_t	 i;

	for (i = 0; i < ntc; i++)
		if (strcmp(tc[i].id, id) == 0)
			return &tc[i];
	return NULL;
}

/*
 * tc_name() of id, with the hash digits that tell it from this server's
 * toolchains of the same name; into buf (TC_NAME_MAX bytes).
 */
const char *
rtc_shown(const struct rtc *tc, size_t ntc, const char *id, char *buf)
{
	size_t	 i;
	int	 d, digits = 0;

	for (i = 0; i < ntc; i++)
		if ((d = tc_name_digits(id, tc[i].id)) > digits)
			digits = d;
	return tc_name(id, digits, buf, TC_NAME_MAX);
}

/* t's names, space-separated, into out (len bytes; what fits). */
static void
tc_alias_list(const struct rtc *t, char *out, size_t len)
{
	size_t	 i, k = 0, a;

	out[0] = '\0';
	for (i = 0; i < t->nalias; i++) {
		a = strlen(t->alias[i]);
		if (k + a + 2 > len)
			break;
		if (k > 0)
			out[k++] = ' ';
		memcpy(out + k, t->alias[i], a + 1);
		k += a;
	}
}

size_t
rtc_detect(struct rtc *tc, size_t max, struct ipc_chan *parent)
{
	struct tc_list	 list;
	struct ipc_tc	 m;
	size_t		 i, k, n = 0;
	char		 err[256], name[TC_NAME_MAX];

	if (tc_detect(&list, NULL, err, sizeof(err)) == -1)
		fatalx("toolchain detection: %s", err);
	for (i = 0; i < list.nwarn; i++)
		log_debug("toolchain detection: %s", list.warn[i]);
	for (i = 0; i < list.n && n < max; i++) {
		const struct tc_entry *e = &list.e[i];
		struct rtc *t = &tc[n];

		if (rtc_find(tc, n, e->info.id) != NULL ||
		    e->info.path[0] != '/')
			continue;
		memset(t, 0, sizeof(*t));
		snprintf(t->id, sizeof(t->id), "%s", e->info.id);
		snprintf(t->path, sizeof(t->path), "%s", e->info.path);
		t->langs = e->info.langs;
		t->clang = strcmp(e->info.family, "clang") == 0;
		for (k = 0; k < e->nalias && k < TC_ALIAS_MAX; k++)
			if (strlen(e->alias[k]) < sizeof(t->alias[0]) &&
			    strchr(e->alias[k], '/') == NULL)
				snprintf(t->alias[t->nalias++],
				    sizeof(t->alias[0]), "%s", e->alias[k]);
		n++;
	}
	tc_list_free(&list);
	/* named once all are known: two of one name show their hashes */
	for (i = 0; i < n; i++) {
		snprintf(tc[i].name, sizeof(tc[i].name), "%s",
		    rtc_shown(tc, n, tc[i].id, name));
		log_info("toolchain %s: %s (id %s)", name, tc[i].path,
		    tc[i].id);
	}
	if (n == 0)
		log_warnx("no compiler found on PATH: every job will be "
		    "refused");
	for (i = 0; i < n; i++) {
		memset(&m, 0, sizeof(m));
		memcpy(m.id, tc[i].id, sizeof(m.id));
		memcpy(m.name, tc[i].name, sizeof(m.name));
		tc_alias_list(&tc[i], m.alias, sizeof(m.alias));
		if (ipc_send(parent, IPC_TC, 0, &m, sizeof(m)) == -1)
			fatal("ipc_send");
	}
	if (ipc_send(parent, IPC_TC_END, 0, NULL, 0) == -1)
		fatal("ipc_send");
	return n;
}


uint32_t
rtc_admit(const struct rtc *tc, size_t ntc, const char *tcid,
    enum proto_lang lang, const struct rtc **t, char *msg, size_t len)
{
	char		 tcname[TC_NAME_MAX];

	if ((*t = rtc_find(tc, ntc, tcid)) == NULL) {
		snprintf(msg, len, "this server has no toolchain %s",
		    rtc_shown(tc, ntc, tcid, tcname));
		return PROTO_R_TOOLCHAIN;
	}
	if (((*t)->langs & (1u << lang)) == 0) {
		snprintf(msg, len, "toolchain %s cannot compile %s on this "
		    "server", (*t)->name, proto_lang_name(lang));
		return PROTO_R_TOOLCHAIN;
	}
	return 0;
}
