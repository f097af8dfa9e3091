/*
 * topjson.c - ccpool-top --json: the snapshot (top.h) as one JSON object
 * (json-c), for scripts and tests.  Pure, as topmodel.c.  The fields are
 * listed in ccpool-top(1).
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "top/top.h"

static void
put_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void
put_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static struct json_object *
host_status(const struct top_host *h)
{
	struct json_object *o = json_object_new_object(), *a;
	char		 strip[TOP_STRIP_S + 1];
	size_t		 i;

	put_int(o, "age_ms", h->age_ms);
	put_int(o, "slots", h->st_slots);
	put_int(o, "offered", h->offered);
	put_int(o, "running", h->running);
	put_int(o, "queued", h->queued);
	put_int(o, "queue_max", h->queue_max);
	put_int(o, "foreign_load", h->foreign_load);
	/* one strip a slot: the last minute, oldest first, now last */
	a = json_object_new_array();
	for (i = 0; i < h->nslot; i++) {
		top_strip(h, i, strip, TOP_STRIP_S);
		json_object_array_add(a, json_object_new_string(strip));
	}
	json_object_object_add(o, "activity", a);
	return o;
}

static struct json_object *
host_obj(const struct top_host *h)
{
	struct json_object *o = json_object_new_object();

	put_str(o, "name", h->name);
	put_str(o, "kind", h->kind);
	put_str(o, "trust", h->trust);
	json_object_object_add(o, "usable", json_object_new_boolean(h->usable));
	put_int(o, "cpus", h->cpus);
	put_int(o, "slots", h->slots);
	put_int(o, "free_slots", h->free_slots);
	put_int(o, "load", h->load);
	put_int(o, "my_jobs", h->my_jobs);
	json_object_object_add(o, "status",
	    h->has_status ? host_status(h) : NULL);
	json_object_object_add(o, "status_error", h->status_error[0] ?
	    json_object_new_string(h->status_error) : NULL);
	return o;
}

static struct json_object *
job_obj(const struct top_job *j)
{
	struct json_object *o = json_object_new_object();

	put_int(o, "id", (int64_t)j->id);
	put_str(o, "file", j->file);
	put_str(o, "host", j->host);
	put_str(o, "phase", j->phase);
	put_int(o, "start_ms", j->start_ms);
	put_int(o, "end_ms", j->end_ms);
	put_int(o, "status", j->status);
	return o;
}

/* The snapshot as JSON text, to free(); NULL on out-of-memory. */
char *
top_json(const struct top_snap *s)
{
	struct json_object *o = json_object_new_object(), *a, *c;
	char		*out;
	size_t		 i;

	json_object_object_add(o, "avahi", json_object_new_boolean(s->running));
	if (!s->running)
		put_str(o, "avahi_error", s->avahi_error);
	a = json_object_new_array();
	for (i = 0; i < s->nhost; i++)
		json_object_array_add(a, host_obj(&s->host[i]));
	json_object_object_add(o, "hosts", a);
	if (s->has_jobs) {
		a = json_object_new_array();
		for (i = 0; i < s->njob; i++)
			json_object_array_add(a, job_obj(&s->job[i]));
	} else
		a = NULL;
	json_object_object_add(o, "jobs", a);
	json_object_object_add(o, "jobs_error", s->has_jobs ? NULL :
	    json_object_new_string(s->jobs_error));
	c = json_object_new_object();
	put_int(c, "slots", s->cap_slots);
	put_int(c, "free", s->cap_free);
	put_int(c, "jobs", s->cap_jobs);
	json_object_object_add(o, "capacity", c);
	out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return out;
}
