/*
 * ajstat.c - the agent's answer to JOBS (doc/client.md, "Queries"): the
 * phase of each running job, read off what the agent sees of it when
 * asked, then the table (ajtab.c) encoded.  Reads the jobs and their
 * server connections, changes nothing of them.
 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "agent/agent_int.h"
#include "common/mono.h"

/*
 * Placed here: local.  No connection: waiting for a place (or between
 * two servers).  Bytes of the answer came: receive.  The job's bytes
 * still queued for the socket, or the handshake not done: send.  Else
 * the server has it all: compile.
 */
static void
refresh(struct ajob *j)
{
	struct ajrec	*r = &j->rec;
	struct sconn	*sc = j->sc;

	if (!r->running)
		return;
	if (j->state == AJ_LOCAL)
		r->phase = JOBLINE_LOCAL;
	else if (sc == NULL)
		r->phase = JOBLINE_WAIT;
	else if (sc->got_answer) {
		r->phase = JOBLINE_RECEIVE;
		r->bytes_in = sc->ans.len +
		    evbuffer_get_length(bufferevent_get_input(sc->bev));
	} else if (sc->state != SC_CONNECTING &&
	    evbuffer_get_length(bufferevent_get_output(sc->bev)) == 0)
		r->phase = JOBLINE_COMPILE;
	else
		r->phase = JOBLINE_SEND;
}

int
ajstat_answer(struct agent *a, struct proto_buf *b)
{
	struct ajob	*j;

	for (j = a->jobs; j != NULL; j = j->next)
		refresh(j);
	return ajtab_encode(a->jtab, mono_ms(), b);
}
