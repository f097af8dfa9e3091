/*
 * net_status.c - the status page (doc/status.md): its JSON, aggregate
 * figures only, no file names, nothing a client sent; and what it
 * remembers between requests (server/statlog.h), fed by the runner's
 * slot events, its load and a one-second timer.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/mono.h"
#include "server/net.h"

#define STATUS_SCHEMA	2

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct net	*n = arg;

	(void)fd;
	(void)what;
	statlog_sample(&n->sl, n->load.foreign, n->load.mem_used,
	    n->load.running);
}

void
nstat_start(struct net *n)
{
	struct timeval	 tv = { STATLOG_INTERVAL_MS / 1000, 0 };

	statlog_init(&n->sl, mono_ms());
	n->sl_tick = event_new(n->base, -1, EV_PERSIST, on_tick, n);
	if (n->sl_tick == NULL || evtimer_add(n->sl_tick, &tv) == -1)
		fatalx("evtimer");
}

void
nstat_load(struct net *n)
{
	statlog_slots(&n->sl, n->load.slots, n->load.offered, mono_ms());
}

void
nstat_jobev(struct net *n, const uint8_t *p, size_t len)
{
	struct ipc_jobev ev;

	if (len != sizeof(ev))
		fatalx("runner sent a slot event of %zu bytes", len);
	memcpy(&ev, p, sizeof(ev));
	if ((ev.what != IPC_JOBEV_START && ev.what != IPC_JOBEV_END) ||
	    ev.slot >= STATLOG_SLOTS_MAX ||
	    memchr(ev.tc, '\0', sizeof(ev.tc)) == NULL)
		fatalx("runner sent a malformed slot event");
	if (ev.what == IPC_JOBEV_START)
		statlog_start(&n->sl, ev.slot, mono_ms());
	else
		statlog_end(&n->sl, ev.slot, ev.ms, ev.tc, ev.ok != 0,
		    mono_ms());
}

/* Milliseconds from t to now, 0 if t is later. */
static int64_t
ago(uint64_t now, uint64_t t)
{
	return now > t ? (int64_t)(now - t) : 0;
}

/* s as a JSON string: quoted, with quotes, backslashes and controls escaped. */
static void
write_str(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	fputc('"', f);
}

/* The samples of the minute, one figure of each (which: 0, 1, 2). */
static void
write_series(FILE *f, const struct statlog *l, const char *key, int which)
{
	const struct statlog_sample *h;
	size_t		 i;

	fprintf(f, ",\"%s\":[", key);
	for (i = 0; (h = statlog_hist(l, i)) != NULL; i++)
		fprintf(f, "%s%u", i > 0 ? "," : "", which == 0 ? h->load :
		    which == 1 ? h->mem : h->running);
	fputc(']', f);
}

/*
 * slot_states, recent and history (schema 2), written by hand after the
 * other fields: numbers, fixed words and toolchain ids only, and json-c's
 * objects would cost ten times as much for 32 jobs and 180 samples.
 */
static void
schema2_write(FILE *f, const struct statlog *l)
{
	const struct statlog_job *j;
	uint64_t	 now = mono_ms();
	size_t		 i;

	fputs(",\"slot_states\":[", f);
	for (i = 0; i < l->slots; i++)
		fprintf(f, "%s{\"state\":\"%s\",\"since_ms\":%lld}",
		    i > 0 ? "," : "", statlog_state_name(l->slot[i].state),
		    (long long)ago(now, l->slot[i].since));
	fputs("],\"recent\":[", f);
	for (i = 0; (j = statlog_recent(l, i)) != NULL; i++) {
		fprintf(f, "%s{\"slot\":%u,\"end_ms\":%lld,\"ms\":%u,"
		    "\"toolchain\":", i > 0 ? "," : "", j->slot,
		    (long long)ago(now, j->end), j->ms);
		write_str(f, j->tc);
		fprintf(f, ",\"ok\":%s}", j->ok ? "true" : "false");
	}
	fprintf(f, "],\"history\":{\"interval_ms\":%d", STATLOG_INTERVAL_MS);
	write_series(f, l, "load", 0);
	write_series(f, l, "mem", 1);
	write_series(f, l, "running", 2);
	fputs("}", f);
}

static json_object *
status_json(const struct net *n)
{
	json_object	*o, *cnt, *ref, *tcs, *t;
	char		 host[256];
	uint32_t	 r;
	size_t		 i;

	o = json_object_new_object();
	json_object_object_add(o, "schema", json_object_new_int(
	    STATUS_SCHEMA));
	if (n->conf.name[0] != '\0')
		json_object_object_add(o, "name",
		    json_object_new_string(n->conf.name));
	else {
		if (gethostname(host, sizeof(host)) == -1)
			host[0] = '\0';
		host[sizeof(host) - 1] = '\0';
		json_object_object_add(o, "name", json_object_new_string(host));
	}
	json_object_object_add(o, "version", json_object_new_string(VERSION));
	json_object_object_add(o, "protocol", json_object_new_int(
	    PROTO_VERSION));
	json_object_object_add(o, "cluster",
	    json_object_new_string(n->conf.cluster));
	json_object_object_add(o, "uptime_s", json_object_new_int64(
	    (int64_t)(time(NULL) - n->started)));
	json_object_object_add(o, "stopping",
	    json_object_new_boolean(n->stopping));
	json_object_object_add(o, "slots",
	    json_object_new_int64(n->load.slots));
	json_object_object_add(o, "offered",
	    json_object_new_int64(n->load.offered));
	json_object_object_add(o, "offers",
	    json_object_new_int64(n->load.offers));
	json_object_object_add(o, "foreign_load",
	    json_object_new_int64(n->load.foreign));
	json_object_object_add(o, "running",
	    json_object_new_int64(n->load.running));
	json_object_object_add(o, "queued",
	    json_object_new_int64(n->load.queued));
	json_object_object_add(o, "queue_max",
	    json_object_new_int64(n->load.queue_max));
	json_object_object_add(o, "connections",
	    json_object_new_int64(n->nconns));
	tcs = json_object_new_array();
	for (i = 0; i < n->ntc; i++) {
		t = json_object_new_object();
		json_object_object_add(t, "id",
		    json_object_new_string(n->tc[i].id));
		json_object_object_add(t, "compiler",
		    json_object_new_string(n->tc[i].name));
		json_object_array_add(tcs, t);
	}
	json_object_object_add(o, "toolchains", tcs);
	cnt = json_object_new_object();
	json_object_object_add(cnt, "connections",
	    json_object_new_int64((int64_t)n->cnt.connections));
	json_object_object_add(cnt, "jobs_done",
	    json_object_new_int64((int64_t)n->cnt.jobs_done));
	json_object_object_add(cnt, "jobs_failed",
	    json_object_new_int64((int64_t)n->cnt.jobs_failed));
	ref = json_object_new_object();
	for (r = 1; r <= PROTO_R_LAST; r++)
		json_object_object_add(ref, proto_reason_name(r),
		    json_object_new_int64((int64_t)n->cnt.refused[r]));
	json_object_object_add(cnt, "refused", ref);
	json_object_object_add(cnt, "bytes_in",
	    json_object_new_int64((int64_t)n->cnt.bytes_in));
	json_object_object_add(cnt, "bytes_out",
	    json_object_new_int64((int64_t)n->cnt.bytes_out));
	json_object_object_add(o, "counters", cnt);
	return o;
}

char *
nstat_body(void *arg, const char *path)
{
	const struct net *n = arg;
	json_object	*o;
	const char	*top;
	char		*body = NULL;
	size_t		 len, size;
	FILE		*f;

	(void)path;
	o = status_json(n);
	top = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	len = top != NULL ? strlen(top) : 0;
	/* the object without its closing brace, then schema 2's fields */
	if (len >= 2 && top[len - 1] == '}' &&
	    (f = open_memstream(&body, &size)) != NULL) {
		fwrite(top, 1, len - 1, f);
		schema2_write(f, &n->sl);
		fputs("}\n", f);
		if ((ferror(f) != 0) | (fclose(f) != 0)) {
			free(body);
			body = NULL;
		}
	}
	json_object_put(o);
	return body;
}
