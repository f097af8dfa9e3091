/*
 * ls_print.c - lsdistcc's output formats: a table for people, JSON for
 * programs, and a DISTCC_HOSTS line for stock distcc.  Every string shown
 * came from the network; the TXT decoder already refused control bytes
 * and bad UTF-8, and json-c escapes the rest.  Toolchains are shown by
 * the names people read (tc_name: "g++ 12.2.0 x86_64-linux-gnu"), with
 * a hash's first digits only where two of the listed ids share a name;
 * the JSON keeps the ids beside them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/toolchain.h"
#include "lsdistcc/ls.h"

#define LS_NAMES_MAX	(DISC_TC_MAX * (TC_NAME_MAX + 2))

void
ls_row_from_host(struct ls_row *row, const struct disc_host *h)
{
	unsigned	 i;
	size_t		 o = 0;

	memset(row, 0, sizeof(*row));
	snprintf(row->name, sizeof(row->name), "%s", h->name);
	row->kind = disc_kind_name(h->kind);
	if (h->naddr > 0)
		snprintf(row->addr, sizeof(row->addr), "%s", h->addr[0].text);
	row->port = h->port;
	row->known = 1;
	if (h->kind == DISC_KIND_CCPOOL) {
		row->cpus = h->info.cpus;
		row->slots = h->info.slots;
		row->free_slots = h->info.free_slots;
		row->load = h->info.load;
		row->speed = h->info.speed;
		for (i = 0; i < h->info.ntc; i++)
			o += (size_t)snprintf(row->toolchains + o,
			    sizeof(row->toolchains) - o, "%s%s",
			    i ? "," : "", h->info.tc[i]);
		snprintf(row->security, sizeof(row->security), "%s",
		    h->info.security);
		snprintf(row->principal, sizeof(row->principal), "%s",
		    h->info.principal);
		snprintf(row->cluster, sizeof(row->cluster), "%s",
		    h->info.cluster);
		snprintf(row->id, sizeof(row->id), "%s", h->info.fingerprint);
	} else {
		/* distcc says nothing of what is free */
		row->cpus = h->distcc.cpus;
		row->slots = h->distcc.jobs;
		row->free_slots = h->distcc.jobs;
		if (h->distcc.cc_machine[0] != '\0')
			snprintf(row->toolchains, sizeof(row->toolchains),
			    "%s-%s", h->distcc.cc_machine,
			    h->distcc.cc_version);
		snprintf(row->security, sizeof(row->security), "none");
	}
}

/*
 * The name of toolchain tc of a ccpool row, told apart from every other
 * id of every ccpool row listed.
 */
static void
tc_listed_name(const struct ls_row *rows, size_t n, const char *tc,
    char *buf, size_t len)
{
	char		 ids[sizeof(rows[0].toolchains)], *id, *save = NULL;
	size_t		 i;
	int		 d, digits = 0;

	for (i = 0; i < n; i++) {
		if (strcmp(rows[i].kind, "ccpool") != 0)
			continue;
		memcpy(ids, rows[i].toolchains, sizeof(ids));
		for (id = strtok_r(ids, ",", &save); id != NULL;
		    id = strtok_r(NULL, ",", &save))
			if ((d = tc_name_digits(tc, id)) > digits)
				digits = d;
	}
	tc_name(tc, digits, buf, len);
}

/*
 * Every toolchain of row r by name, ", " between them: a ccpool row's
 * ids through tc_listed_name, a distcc row's "<machine>-<version>" (what
 * stock distccd says of its cc) as "cc <version> <machine>".
 */
static void
row_names(const struct ls_row *rows, size_t n, const struct ls_row *r,
    char *buf, size_t len)
{
	char		 ids[sizeof(r->toolchains)], *id, *save = NULL;
	char		 name[TC_NAME_MAX];
	const char	*dash;
	size_t		 o = 0;

	buf[0] = '\0';
	if (strcmp(r->kind, "ccpool") != 0) {
		if ((dash = strrchr(r->toolchains, '-')) != NULL)
			snprintf(buf, len, "cc %s %.*s", dash + 1,
			    (int)(dash - r->toolchains), r->toolchains);
		else
			snprintf(buf, len, "%s", r->toolchains);
		return;
	}
	memcpy(ids, r->toolchains, sizeof(ids));
	for (id = strtok_r(ids, ",", &save); id != NULL && o < len;
	    id = strtok_r(NULL, ",", &save)) {
		tc_listed_name(rows, n, id, name, sizeof(name));
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "",
		    name);
	}
}

static int
row_cmp(const void *a, const void *b)
{
	const struct ls_row *x = a, *y = b;
	int	 c = strcmp(x->name, y->name);

	return c != 0 ? c : strcmp(x->kind, y->kind);
}

void
ls_sort(struct ls_row *rows, size_t n)
{
	qsort(rows, n, sizeof(*rows), row_cmp);
}

/* addr:port, with brackets around IPv6 */
static void
hostport(char *buf, size_t len, const struct ls_row *r)
{
	if (strchr(r->addr, ':') != NULL)
		snprintf(buf, len, "[%s]:%u", r->addr, r->port);
	else
		snprintf(buf, len, "%s:%u", r->addr, r->port);
}

/* --status: the page's figures, or why there are none, under the row. */
static void
status_line(FILE *f, const struct ls_row *r)
{
	if (!r->statused || strcmp(r->kind, "ccpool") != 0)
		return;
	if (!r->has_status) {
		fprintf(f, "  status: %s\n", r->status_err);
		return;
	}
	fprintf(f, "  status: running %u, queued %u of %u, offered %u of %u "
	    "slots, foreign load %u%%, %lld jobs done (%lld failed), up %lld "
	    "s, ccpoold %s\n", r->st_running, r->st_queued, r->st_queue_max,
	    r->st_offered, r->st_slots, r->st_load, r->st_done, r->st_failed,
	    r->st_uptime, r->st_version);
}

/* The row's trust and, with --status, its page (or why none), into o. */
static void
trust_status_json(json_object *o, const struct ls_row *r)
{
	json_object	*s;

	json_object_object_add(o, "trust", json_object_new_string(r->trust));
	if (!r->statused || strcmp(r->kind, "ccpool") != 0)
		return;
	if (!r->has_status || (s = json_object_new_object()) == NULL) {
		json_object_object_add(o, "status", NULL);
		json_object_object_add(o, "status_error",
		    json_object_new_string(r->status_err));
		return;
	}
	json_object_object_add(s, "running", json_object_new_int64(
	    r->st_running));
	json_object_object_add(s, "queued", json_object_new_int64(
	    r->st_queued));
	json_object_object_add(s, "queue_max", json_object_new_int64(
	    r->st_queue_max));
	json_object_object_add(s, "slots", json_object_new_int64(
	    r->st_slots));
	json_object_object_add(s, "offered", json_object_new_int64(
	    r->st_offered));
	json_object_object_add(s, "foreign_load", json_object_new_int64(
	    r->st_load));
	json_object_object_add(s, "jobs_done", json_object_new_int64(
	    r->st_done));
	json_object_object_add(s, "jobs_failed", json_object_new_int64(
	    r->st_failed));
	json_object_object_add(s, "uptime_s", json_object_new_int64(
	    r->st_uptime));
	json_object_object_add(s, "version", json_object_new_string(
	    r->st_version));
	json_object_object_add(o, "status", s);
}

void
ls_print_table(FILE *f, const struct ls_row *rows, size_t n)
{
	char	 hp[DISC_ADDRSTR + 10], names[LS_NAMES_MAX];
	size_t	 i;
	int	 probed = n > 0 && rows[0].probed;

	fprintf(f, "%-20s %-24s %-6s %4s %5s %4s %4s %-5s %-14s %s%s\n",
	    "NAME", "ADDRESS", "KIND", "CPUS", "SLOTS", "FREE", "LOAD", "SEC",
	    "TRUST", probed ? "RTT      " : "", "TOOLCHAINS");
	for (i = 0; i < n; i++) {
		const struct ls_row *r = &rows[i];
		char	 rtt[16] = "";

		hostport(hp, sizeof(hp), r);
		if (r->probed) {
			if (r->up)
				snprintf(rtt, sizeof(rtt), "%.1fms", r->rtt_ms);
			else
				snprintf(rtt, sizeof(rtt), "down");
		}
		row_names(rows, n, r, names, sizeof(names));
		if (r->known)
			fprintf(f, "%-20s %-24s %-6s %4u %5u %4u %3u%% %-5s "
			    "%-14s %-*s%s\n", r->name, hp, r->kind, r->cpus,
			    r->slots, r->free_slots, r->load, r->security,
			    r->trust, probed ? 9 : 0, rtt,
			    names[0] ? names : "-");
		else
			fprintf(f, "%-20s %-24s %-6s %4s %5s %4s %4s %-5s "
			    "%-14s %-*s%s\n", r->name, hp, r->kind, "-", "-",
			    "-", "-", "-", r->trust, probed ? 9 : 0, rtt, "-");
		if (r->principal[0] != '\0')
			fprintf(f, "%-20s kerberos principal %s\n", "",
			    r->principal);
		status_line(f, r);
	}
}

/* What r's advert says (JSON null where nothing is known), into o. */
static void
advert_json(json_object *o, const struct ls_row *r)
{
	if (r->known) {
		json_object_object_add(o, "cpus",
		    json_object_new_int((int)r->cpus));
		json_object_object_add(o, "slots",
		    json_object_new_int((int)r->slots));
		json_object_object_add(o, "free",
		    json_object_new_int((int)r->free_slots));
		json_object_object_add(o, "load",
		    json_object_new_int((int)r->load));
		json_object_object_add(o, "speed", r->speed ?
		    json_object_new_int((int)r->speed) : NULL);
		json_object_object_add(o, "security",
		    json_object_new_string(r->security));
		if (r->principal[0] != '\0')
			json_object_object_add(o, "principal",
			    json_object_new_string(r->principal));
	} else {
		json_object_object_add(o, "cpus", NULL);
		json_object_object_add(o, "slots", NULL);
		json_object_object_add(o, "free", NULL);
		json_object_object_add(o, "load", NULL);
		json_object_object_add(o, "security", NULL);
	}
	if (r->cluster[0] != '\0')
		json_object_object_add(o, "cluster",
		    json_object_new_string(r->cluster));
	if (r->id[0] != '\0')
		json_object_object_add(o, "id", json_object_new_string(r->id));
}

int
ls_print_json(FILE *f, const struct ls_row *rows, size_t n)
{
	json_object	*arr = json_object_new_array();
	size_t		 i;

	if (arr == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		const struct ls_row *r = &rows[i];
		json_object	*o = json_object_new_object();
		json_object	*tcs = json_object_new_array();
		json_object	*tcn = json_object_new_array();
		char		*tc, *save = NULL, buf[sizeof(r->toolchains)];
		char		 name[LS_NAMES_MAX];

		if (o == NULL || tcs == NULL || tcn == NULL) {
			json_object_put(o);
			json_object_put(tcs);
			json_object_put(tcn);
			json_object_put(arr);
			return -1;
		}
		memcpy(buf, r->toolchains, sizeof(buf));
		for (tc = strtok_r(buf, ",", &save); tc != NULL;
		    tc = strtok_r(NULL, ",", &save)) {
			json_object_array_add(tcs, json_object_new_string(tc));
			if (strcmp(r->kind, "ccpool") == 0)
				tc_listed_name(rows, n, tc, name,
				    sizeof(name));
			else
				row_names(rows, n, r, name, sizeof(name));
			json_object_array_add(tcn,
			    json_object_new_string(name));
		}
		json_object_object_add(o, "name", json_object_new_string(r->name));
		json_object_object_add(o, "address",
		    json_object_new_string(r->addr));
		json_object_object_add(o, "port", json_object_new_int(r->port));
		json_object_object_add(o, "kind", json_object_new_string(r->kind));
		advert_json(o, r);
		json_object_object_add(o, "toolchains", tcs);
		json_object_object_add(o, "toolchain_names", tcn);
		trust_status_json(o, r);
		if (r->probed) {
			json_object_object_add(o, "up",
			    json_object_new_boolean(r->up));
			json_object_object_add(o, "rtt_ms", r->up ?
			    json_object_new_double(r->rtt_ms) : NULL);
		}
		json_object_array_add(arr, o);
	}
	fprintf(f, "%s\n", json_object_to_json_string_ext(arr,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
	return 0;
}

/*
 * A DISTCC_HOSTS line: "addr:port/limit" per host.  Only hosts that speak
 * distcc's protocol are listed (ccpool servers are reached through the
 * ccpool wrapper).
 */
void
ls_print_hosts(FILE *f, const struct ls_row *rows, size_t n)
{
	char	 hp[DISC_ADDRSTR + 10];
	size_t	 i;
	int	 first = 1;

	for (i = 0; i < n; i++) {
		const struct ls_row *r = &rows[i];

		if (strcmp(r->kind, "ccpool") == 0 || (r->probed && !r->up))
			continue;
		hostport(hp, sizeof(hp), r);
		if (r->known && r->slots > 0)
			fprintf(f, "%s%s/%u", first ? "" : " ", hp, r->slots);
		else
			fprintf(f, "%s%s", first ? "" : " ", hp);
		first = 0;
	}
	fprintf(f, "\n");
}
