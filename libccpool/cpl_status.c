/*
 * cpl_status.c - the status page parser; see cpl_status.h.
 *
 * json-c builds the tree (bounded depth, whole input consumed), then
 * each known key is fetched with the type it must have and checked
 * against its range.  Start reading at cpl_status_parse().
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "libccpool/cpl_status.h"

#define DEPTH_MAX	8	/* the page nests 3 deep today */

static int
bad(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * The integer at key of o into *v, lo <= *v <= hi.  A missing key is an
 * error unless optional (then *v is left as it is).
 */
static int
get_int(json_object *o, const char *key, int64_t lo, int64_t hi,
    int optional, int64_t *v, char *err, size_t errlen)
{
	json_object	*x;
	int64_t		 n;

	if (!json_object_object_get_ex(o, key, &x)) {
		if (optional)
			return 0;
		return bad(err, errlen, "\"%s\" missing", key);
	}
	if (!json_object_is_type(x, json_type_int))
		return bad(err, errlen, "\"%s\" is not an integer", key);
	/* json-c clamps what int64 cannot hold: hi < INT64_MAX refuses it */
	n = json_object_get_int64(x);
	if (n < lo || n > hi)
		return bad(err, errlen, "\"%s\" out of range (%lld to %lld)",
		    key, (long long)lo, (long long)hi);
	*v = n;
	return 0;
}

static int
get_uint(json_object *o, const char *key, unsigned hi, unsigned *v,
    char *err, size_t errlen)
{
	int64_t	 n = 0;	/* get_int sets it unless it fails */

	if (get_int(o, key, 0, hi, 0, &n, err, errlen) == -1)
		return -1;
	*v = (unsigned)n;
	return 0;
}

/* A string of 1 to cap-1 bytes, strict UTF-8 without controls. */
static int
get_str(json_object *o, const char *key, char *out, size_t cap, char *err,
    size_t errlen)
{
	json_object	*x;
	const char	*s;
	size_t		 n;

	if (!json_object_object_get_ex(o, key, &x))
		return bad(err, errlen, "\"%s\" missing", key);
	if (!json_object_is_type(x, json_type_string))
		return bad(err, errlen, "\"%s\" is not a string", key);
	s = json_object_get_string(x);
	n = (size_t)json_object_get_string_len(x);
	if (n == 0 || n >= cap)
		return bad(err, errlen, "\"%s\" empty or longer than %zu "
		    "bytes", key, cap - 1);
	/* also refuses a NUL inside (a control character) */
	if (!disc_utf8_valid(s, n))
		return bad(err, errlen, "\"%s\" is not clean UTF-8", key);
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

static int
get_bool(json_object *o, const char *key, int *v, char *err, size_t errlen)
{
	json_object	*x;

	if (!json_object_object_get_ex(o, key, &x))
		return bad(err, errlen, "\"%s\" missing", key);
	if (!json_object_is_type(x, json_type_boolean))
		return bad(err, errlen, "\"%s\" is not a boolean", key);
	*v = json_object_get_boolean(x);
	return 0;
}

static int
parse_tcs(json_object *o, struct cpl_status *st, char *err, size_t errlen)
{
	json_object	*a, *t;
	size_t		 i, n;
	char		 e[128];

	if (!json_object_object_get_ex(o, "toolchains", &a))
		return bad(err, errlen, "\"toolchains\" missing");
	if (!json_object_is_type(a, json_type_array))
		return bad(err, errlen, "\"toolchains\" is not an array");
	if ((n = json_object_array_length(a)) > DISC_TC_MAX)
		return bad(err, errlen, "more than %d toolchains",
		    DISC_TC_MAX);
	for (i = 0; i < n; i++) {
		t = json_object_array_get_idx(a, i);
		if (!json_object_is_type(t, json_type_object))
			return bad(err, errlen, "toolchain %zu is not an "
			    "object", i);
		if (get_str(t, "id", st->tc[i].id, sizeof(st->tc[i].id), e,
		    sizeof(e)) == -1 || get_str(t, "compiler",
		    st->tc[i].compiler, sizeof(st->tc[i].compiler), e,
		    sizeof(e)) == -1)
			return bad(err, errlen, "toolchain %zu: %s", i, e);
	}
	st->ntc = (unsigned)n;
	return 0;
}

/* Refusal reasons: short lower-case names, each a counter. */
static int
parse_refused(json_object *c, struct cpl_status *st, char *err,
    size_t errlen)
{
	json_object	*r;
	char		 e[128];

	if (!json_object_object_get_ex(c, "refused", &r))
		return 0;	/* optional */
	if (!json_object_is_type(r, json_type_object))
		return bad(err, errlen, "\"refused\" is not an object");
	json_object_object_foreach(r, key, val) {
		struct cpl_refused *f;
		size_t	 n = strlen(key);

		(void)val;
		if (st->nrefused == CPL_REFUSED_MAX)
			return bad(err, errlen, "more than %d refusal reasons",
			    CPL_REFUSED_MAX);
		if (n == 0 || n >= CPL_REASON_MAX ||
		    strspn(key, "abcdefghijklmnopqrstuvwxyz_") != n)
			return bad(err, errlen, "a refusal reason is not a "
			    "short lower-case name");
		f = &st->refused[st->nrefused];
		if (get_int(r, key, 0, CPL_COUNT_MAX, 0, &f->count, e,
		    sizeof(e)) == -1)
			return bad(err, errlen, "refused: %s", e);
		memcpy(f->reason, key, n + 1);
		st->nrefused++;
	}
	return 0;
}

static int
parse_counters(json_object *o, struct cpl_status *st, char *err,
    size_t errlen)
{
	json_object	*c;
	char		 e[128];

	if (!json_object_object_get_ex(o, "counters", &c))
		return bad(err, errlen, "\"counters\" missing");
	if (!json_object_is_type(c, json_type_object))
		return bad(err, errlen, "\"counters\" is not an object");
	if (get_int(c, "connections", 0, CPL_COUNT_MAX, 0, &st->conns_total,
	    e, sizeof(e)) == -1 ||
	    get_int(c, "jobs_done", 0, CPL_COUNT_MAX, 0, &st->jobs_done, e,
	    sizeof(e)) == -1 ||
	    get_int(c, "jobs_failed", 0, st->jobs_done, 0, &st->jobs_failed,
	    e, sizeof(e)) == -1 ||
	    get_int(c, "bytes_in", 0, CPL_COUNT_MAX, 0, &st->bytes_in, e,
	    sizeof(e)) == -1 ||
	    get_int(c, "bytes_out", 0, CPL_COUNT_MAX, 0, &st->bytes_out, e,
	    sizeof(e)) == -1 ||
	    parse_refused(c, st, e, sizeof(e)) == -1)
		return bad(err, errlen, "counters: %s", e);
	return 0;
}

/* The top-level figures, in the page's order. */
static int
parse_top(json_object *o, struct cpl_status *st, char *err, size_t errlen)
{
	int64_t	 n = 0;	/* get_int sets it unless it fails */

	if (get_str(o, "name", st->name, sizeof(st->name), err, errlen) ||
	    get_str(o, "version", st->version, sizeof(st->version), err,
	    errlen) ||
	    get_int(o, "protocol", 1, 65535, 0, &n, err, errlen))
		return -1;
	st->protocol = (unsigned)n;
	if (get_str(o, "cluster", st->cluster, sizeof(st->cluster), err,
	    errlen) ||
	    get_int(o, "uptime_s", 0, CPL_COUNT_MAX, 0, &st->uptime_s, err,
	    errlen) ||
	    get_bool(o, "stopping", &st->stopping, err, errlen) ||
	    get_uint(o, "slots", CPL_SLOTS_MAX, &st->slots, err, errlen) ||
	    get_uint(o, "offered", st->slots, &st->offered, err, errlen) ||
	    get_uint(o, "foreign_load", 100, &st->foreign_load, err,
	    errlen) ||
	    get_uint(o, "running", CPL_SLOTS_MAX, &st->running, err,
	    errlen) ||
	    get_uint(o, "queued", CPL_SLOTS_MAX, &st->queued, err, errlen) ||
	    get_uint(o, "queue_max", CPL_SLOTS_MAX, &st->queue_max, err,
	    errlen) ||
	    get_uint(o, "connections", CPL_CONNS_MAX, &st->connections, err,
	    errlen))
		return -1;
	return 0;
}

/* The array at key of o (required), its length in *n. */
static json_object *
get_array(json_object *o, const char *key, size_t *n, char *err,
    size_t errlen)
{
	json_object	*a;

	if (!json_object_object_get_ex(o, key, &a)) {
		bad(err, errlen, "\"%s\" missing", key);
		return NULL;
	}
	if (!json_object_is_type(a, json_type_array)) {
		bad(err, errlen, "\"%s\" is not an array", key);
		return NULL;
	}
	*n = json_object_array_length(a);
	return a;
}

/* Element i of a, which must be an object; what names a for errors. */
static json_object *
get_elem(json_object *a, size_t i, const char *what, char *err,
    size_t errlen)
{
	json_object	*x = json_object_array_get_idx(a, i);

	if (!json_object_is_type(x, json_type_object)) {
		bad(err, errlen, "%s %zu is not an object", what, i);
		return NULL;
	}
	return x;
}

/* slot_states: one per configured slot; the first ones are kept. */
static int
parse_slots(json_object *o, struct cpl_status *st, char *err, size_t errlen)
{
	static const char *const names[] = { "idle", "busy", "closed" };
	struct cpl_slot	 sl;
	json_object	*a, *x;
	size_t		 i, n;
	char		 word[16], e[128];

	if ((a = get_array(o, "slot_states", &n, err, errlen)) == NULL)
		return -1;
	if (n != st->slots)
		return bad(err, errlen, "\"slot_states\" has %zu entries for "
		    "%u slots", n, st->slots);
	for (i = 0; i < n; i++) {
		if ((x = get_elem(a, i, "slot", err, errlen)) == NULL)
			return -1;
		if (get_str(x, "state", word, sizeof(word), e,
		    sizeof(e)) == -1 ||
		    get_int(x, "since_ms", 0, CPL_COUNT_MAX, 0, &sl.since_ms,
		    e, sizeof(e)) == -1)
			return bad(err, errlen, "slot %zu: %s", i, e);
		for (sl.state = 0; sl.state < CPL_SLOT_OTHER; sl.state++)
			if (strcmp(word, names[sl.state]) == 0)
				break;
		if (i < CPL_SLOT_STATES_MAX)
			st->slot[st->nslot++] = sl;
	}
	return 0;
}

/* recent: the jobs that ended, newest first; the newest are kept. */
static int
parse_recent(json_object *o, struct cpl_status *st, char *err,
    size_t errlen)
{
	struct cpl_recent r;
	json_object	*a, *x;
	size_t		 i, n;
	int64_t		 slot;
	char		 e[128];

	if ((a = get_array(o, "recent", &n, err, errlen)) == NULL)
		return -1;
	for (i = 0; i < n && i < CPL_RECENT_MAX; i++) {
		if ((x = get_elem(a, i, "recent job", err, errlen)) == NULL)
			return -1;
		memset(&r, 0, sizeof(r));
		if (get_int(x, "slot", 0, CPL_SLOTS_MAX, 0, &slot, e,
		    sizeof(e)) == -1 ||
		    get_int(x, "end_ms", 0, CPL_COUNT_MAX, 0, &r.end_ms, e,
		    sizeof(e)) == -1 ||
		    get_int(x, "ms", 0, CPL_COUNT_MAX, 0, &r.ms, e,
		    sizeof(e)) == -1 ||
		    get_str(x, "toolchain", r.tc, sizeof(r.tc), e,
		    sizeof(e)) == -1 ||
		    get_bool(x, "ok", &r.ok, e, sizeof(e)) == -1)
			return bad(err, errlen, "recent job %zu: %s", i, e);
		r.slot = (unsigned)slot;
		st->recent[st->nrecent++] = r;
	}
	return 0;
}

/* The integers of array key of h, each 0..hi, into v[i * stride]. */
static int
hist_series(json_object *h, const char *key, size_t n, int64_t hi,
    unsigned *v, char *err, size_t errlen)
{
	json_object	*a, *x;
	size_t		 i, len, from;
	int64_t		 k;

	if ((a = get_array(h, key, &len, err, errlen)) == NULL)
		return -1;
	if (len != n)
		return bad(err, errlen, "\"%s\" has %zu samples, \"load\" "
		    "%zu", key, len, n);
	from = n > CPL_HIST_MAX ? n - CPL_HIST_MAX : 0;
	for (i = from; i < n; i++) {
		x = json_object_array_get_idx(a, i);
		if (!json_object_is_type(x, json_type_int) ||
		    (k = json_object_get_int64(x)) < 0 || k > hi)
			return bad(err, errlen, "\"%s\" sample %zu is not an "
			    "integer from 0 to %lld", key, i, (long long)hi);
		v[i - from] = (unsigned)k;
	}
	return 0;
}

/* history: the last samples, oldest first; the newest are kept. */
static int
parse_history(json_object *o, struct cpl_status *st, char *err,
    size_t errlen)
{
	unsigned	 load[CPL_HIST_MAX], mem[CPL_HIST_MAX];
	unsigned	 run[CPL_HIST_MAX];
	json_object	*h;
	int64_t		 iv;
	size_t		 i, n;
	char		 e[128];

	if (!json_object_object_get_ex(o, "history", &h))
		return bad(err, errlen, "\"history\" missing");
	if (!json_object_is_type(h, json_type_object))
		return bad(err, errlen, "\"history\" is not an object");
	if (get_int(h, "interval_ms", 1, 86400000, 0, &iv, e,
	    sizeof(e)) == -1)
		return bad(err, errlen, "history: %s", e);
	if (iv != CPL_HIST_INTERVAL_MS)
		return 0;	/* not what the accessors promise: skipped */
	if (get_array(h, "load", &n, e, sizeof(e)) == NULL ||
	    hist_series(h, "load", n, 100, load, e, sizeof(e)) == -1 ||
	    hist_series(h, "mem", n, 100, mem, e, sizeof(e)) == -1 ||
	    hist_series(h, "running", n, CPL_SLOTS_MAX, run, e,
	    sizeof(e)) == -1)
		return bad(err, errlen, "history: %s", e);
	st->nhist = n > CPL_HIST_MAX ? CPL_HIST_MAX : (unsigned)n;
	for (i = 0; i < st->nhist; i++) {
		st->hist[i].load = (uint8_t)load[i];
		st->hist[i].mem = (uint8_t)mem[i];
		st->hist[i].running = run[i];
	}
	return 0;
}

/* schema, and from 2 on its fields (cpl_status.h). */
static int
parse_schema2(json_object *o, struct cpl_status *st, char *err,
    size_t errlen)
{
	int64_t	 v = 1;

	if (get_int(o, "schema", 1, 65535, 1, &v, err, errlen) == -1)
		return -1;
	st->schema = (unsigned)v;
	if (v < 2)
		return 0;
	if (parse_slots(o, st, err, errlen) == -1 ||
	    parse_recent(o, st, err, errlen) == -1 ||
	    parse_history(o, st, err, errlen) == -1)
		return -1;
	return 0;
}

int
cpl_status_parse(const char *json, size_t len, struct cpl_status *out,
    char *err, size_t errlen)
{
	struct json_tokener	*tok;
	json_object		*o = NULL;
	size_t			 end;
	int			 rc = -1;

	memset(out, 0, sizeof(*out));
	if (len > CPL_STATUS_MAX)
		return bad(err, errlen, "status page larger than %d bytes",
		    CPL_STATUS_MAX);
	if (len == 0)
		return bad(err, errlen, "empty status page");
	if ((tok = json_tokener_new_ex(DEPTH_MAX)) == NULL)
		return bad(err, errlen, "out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, json, (int)len);
	if (o == NULL) {
		enum json_tokener_error je = json_tokener_get_error(tok);

		if (je == json_tokener_continue)
			bad(err, errlen, "status page cut short");
		else
			bad(err, errlen, "not JSON: %s",
			    json_tokener_error_desc(je));
		goto out;
	}
	/* nothing but white space after the value */
	for (end = json_tokener_get_parse_end(tok); end < len; end++)
		if (strchr(" \t\r\n", json[end]) == NULL || json[end] == '\0') {
			bad(err, errlen, "bytes after the JSON value");
			goto out;
		}
	if (!json_object_is_type(o, json_type_object)) {
		bad(err, errlen, "status page is not a JSON object");
		goto out;
	}
	if (parse_top(o, out, err, errlen) == -1 ||
	    parse_tcs(o, out, err, errlen) == -1 ||
	    parse_counters(o, out, err, errlen) == -1 ||
	    parse_schema2(o, out, err, errlen) == -1)
		goto out;
	rc = 0;
out:
	json_object_put(o);
	json_tokener_free(tok);
	return rc;
}
