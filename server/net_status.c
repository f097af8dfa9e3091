/*
 * net_status.c - the status page's JSON (doc/server.md, "Status page"):
 * aggregate figures only, no file names, nothing a client sent.
 */
#include <stdio.h>
#include <unistd.h>

#include <json-c/json.h>

#include "server/net.h"

static json_object *
status_json(const struct net *n)
{
	json_object	*o, *cnt, *ref, *tcs, *t;
	char		 host[256];
	uint32_t	 r;
	size_t		 i;

	o = json_object_new_object();
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
	json_object	*o;
	char		*body;

	(void)path;
	o = status_json(arg);
	if (asprintf(&body, "%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN)) == -1)
		body = NULL;
	json_object_put(o);
	return body;
}
