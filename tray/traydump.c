/*
 * traydump.c - `ccpool-tray --dump`: the model the window shows, as text
 * (one line per fact, for people and grep) or JSON (json-c, for jq).
 * Reads a snapshot only; the caller took it.
 */
#include <string.h>

#include <json-c/json.h>

#include "tray/traymodel.h"

void
tray_dump_text(const struct tray_snap *s, FILE *f)
{
	char	 buf[256];
	size_t	 i;

	tray_label(s, buf, sizeof(buf));
	fprintf(f, "state %s icon %s\n", tray_state_name(tray_state(s)),
	    tray_state_icon(tray_state(s)));
	fprintf(f, "label %s\n", buf);
	fprintf(f, "capacity slots %u free %u jobs %u\n", s->cap_slots,
	    s->cap_free, s->cap_jobs);
	for (i = 0; i < s->nhost; i++) {
		const struct tray_host *h = &s->host[i];

		fprintf(f, "host %s kind %s trust \"%s\" slots %u free %u "
		    "load %u", h->name, h->distcc ? "distcc" : "ccpool",
		    h->trust, h->slots, h->free_slots, h->load);
		if (h->has_status)
			fprintf(f, " status running %u offered %u queued %u "
			    "recent %zu\n", h->running, h->offered, h->queued,
			    h->nrecent);
		else
			fprintf(f, " status none (%s)\n", h->status_err);
	}
	if (!s->jobs_ok)
		fprintf(f, "agent %s\n", s->jobs_err);
	for (i = 0; i < s->njob; i++) {
		tray_job_line(&s->job[i], buf, sizeof(buf));
		fprintf(f, "job %llu %s\n", (unsigned long long)s->job[i].id,
		    buf);
	}
}

static void
put_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void
put_int(json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static json_object *
host_json(const struct tray_host *h)
{
	json_object	*o = json_object_new_object();

	put_str(o, "name", h->name);
	put_str(o, "kind", h->distcc ? "distcc" : "ccpool");
	put_str(o, "trust", h->trust);
	put_int(o, "usable", h->usable);
	put_int(o, "slots", h->slots);
	put_int(o, "free", h->free_slots);
	put_int(o, "load", h->load);
	if (h->has_status) {
		json_object *st = json_object_new_object();

		put_int(st, "slots", h->st_slots);
		put_int(st, "offered", h->offered);
		put_int(st, "running", h->running);
		put_int(st, "queued", h->queued);
		put_int(st, "queue_max", h->queue_max);
		put_int(st, "recent", (int64_t)h->nrecent);
		json_object_object_add(o, "status", st);
	} else {
		json_object_object_add(o, "status", NULL);
		put_str(o, "status_error", h->status_err);
	}
	return o;
}

static json_object *
job_json(const struct tray_job *j)
{
	json_object	*o = json_object_new_object();
	char		 line[256];

	tray_job_line(j, line, sizeof(line));
	put_int(o, "id", (int64_t)j->id);
	put_str(o, "file", j->file);
	put_str(o, "host", j->host);
	put_str(o, "line", line);
	put_int(o, "running", tray_job_running(j));
	return o;
}

/* 0, or -1 on out-of-memory or a write error. */
int
tray_dump_json(const struct tray_snap *s, FILE *f)
{
	json_object	*o, *a;
	char		 label[256];
	size_t		 i;
	int		 rc;

	if ((o = json_object_new_object()) == NULL)
		return -1;
	tray_label(s, label, sizeof(label));
	put_str(o, "state", tray_state_name(tray_state(s)));
	put_str(o, "icon", tray_state_icon(tray_state(s)));
	put_str(o, "label", label);
	put_int(o, "slots", s->cap_slots);
	put_int(o, "free", s->cap_free);
	put_int(o, "jobs_suggested", s->cap_jobs);
	a = json_object_new_array();
	for (i = 0; i < s->nhost; i++)
		json_object_array_add(a, host_json(&s->host[i]));
	json_object_object_add(o, "hosts", a);
	a = json_object_new_array();
	for (i = 0; i < s->njob; i++)
		json_object_array_add(a, job_json(&s->job[i]));
	json_object_object_add(o, "jobs", a);
	if (!s->jobs_ok)
		put_str(o, "agent_error", s->jobs_err);
	rc = fprintf(f, "%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return rc < 0 ? -1 : 0;
}
