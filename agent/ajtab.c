/*
 * ajtab.c - the agent's table of its user's jobs and the JOBS answer;
 * see ajtab.h.  The phases of a running job are set by its owner
 * (ajob.c, ajstat.c) from what the agent sees; this file keeps records.
 */
#include <stdlib.h>
#include <string.h>

#include "agent/ajtab.h"

void
ajtab_init(struct ajtab *t)
{
	memset(t, 0, sizeof(*t));
	t->nextid = 1;
}

void
ajtab_start(struct ajtab *t, struct ajrec *r, const char *file,
    enum jobline_phase ph, uint64_t now)
{
	memset(r, 0, sizeof(*r));
	r->id = t->nextid++;
	r->phase = ph;
	r->t_start = now;
	r->status = -1;
	jobline_escape(r->file, sizeof(r->file), file != NULL ? file : "");
	r->running = 1;
	r->prev = t->tail;
	if (t->tail != NULL)
		t->tail->next = r;
	else
		t->head = r;
	t->tail = r;
	t->nrun++;
}

void
ajtab_host(struct ajrec *r, const char *host)
{
	jobline_escape(r->host, sizeof(r->host), host);
}

void
ajtab_end(struct ajtab *t, struct ajrec *r, enum jobline_phase ph,
    int status, uint64_t now)
{
	struct ajrec	*slot;

	if (!r->running)
		return;
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		t->head = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	else
		t->tail = r->prev;
	t->nrun--;
	r->running = 0;
	r->prev = r->next = NULL;
	r->phase = ph;
	r->status = status;
	r->t_end = now;
	if (t->nring == AJTAB_RING) {
		slot = &t->ring[t->first];
		t->first = (t->first + 1) % AJTAB_RING;
	} else
		slot = &t->ring[(t->first + t->nring++) % AJTAB_RING];
	*slot = *r;
}

int
ajtab_exit_status(uint32_t wstatus)
{
	if ((wstatus & 0x7f) != 0)
		return 128 + (int)(wstatus & 0x7f);
	return (int)((wstatus >> 8) & 0xff);
}

static int
by_id(const void *a, const void *b)
{
	const struct ajrec *x = *(const struct ajrec *const *)a;
	const struct ajrec *y = *(const struct ajrec *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int64_t
ago(uint64_t now, uint64_t t)
{
	return now > t ? (int64_t)(now - t) : 0;
}

/* One record as a MSG_ frame. */
static int
put_rec(const struct ajrec *r, uint64_t now, struct proto_buf *b)
{
	struct jobline	 l;
	char		 line[JOBLINE_MAX + 1];
	int		 n;

	memset(&l, 0, sizeof(l));
	l.id = r->id;
	l.phase = r->phase;
	l.start_ms = ago(now, r->t_start);
	l.end_ms = r->running ? -1 : ago(now, r->t_end);
	l.bytes_out = (int64_t)r->bytes_out;
	l.bytes_in = (int64_t)r->bytes_in;
	l.status = r->status;
	memcpy(l.host, r->host, sizeof(l.host));
	memcpy(l.file, r->file, sizeof(l.file));
	if ((n = jobline_format(&l, line, sizeof(line))) == -1)
		return 0;	/* cannot happen: the fields are bounded */
	return proto_put_payload(b, "MSG_", line, (size_t)n);
}

int
ajtab_encode(const struct ajtab *t, uint64_t now, struct proto_buf *b)
{
	const struct ajrec **v;
	const struct ajrec *r;
	size_t		 n = 0, i;
	int		 rc = -1;

	if ((v = calloc(AJTAB_RING + AJTAB_RUN_MAX,
	    sizeof(const struct ajrec *))) == NULL)
		return -1;
	for (i = 0; i < t->nring; i++)
		v[n++] = &t->ring[(t->first + i) % AJTAB_RING];
	for (r = t->head, i = 0; r != NULL && i < AJTAB_RUN_MAX; r = r->next,
	    i++)
		v[n++] = r;
	qsort(v, n, sizeof(const struct ajrec *), by_id);
	if (proto_hello_encode(b, 1) == -1)
		goto out;
	for (i = 0; i < n; i++)
		if (put_rec(v[i], now, b) == -1)
			goto out;
	if (proto_put_value(b, "DONE", 0) == -1)
		goto out;
	rc = 0;
out:
	free(v);
	return rc;
}
