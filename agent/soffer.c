/*
 * soffer.c - the frames of late binding on a server connection
 * (sconn.c): the offer the agent writes and the server's PULL, read as
 * hostile bytes like everything a server sends.
 */
#include <stdio.h>
#include <string.h>

#include "agent/agent_int.h"

int
soffer_encode(const struct ajob *j, uint32_t id, struct proto_buf *b,
    char *err, size_t errlen)
{
	struct proto_offer o;

	memset(&o, 0, sizeof(o));
	o.id = id;
	snprintf(o.tcid, sizeof(o.tcid), "%s", j->tcid);
	o.lang = j->job.lang;
	o.size = j->in_bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)j->in_bytes;
	return proto_offer_encode(&o, b, err, errlen);
}

int
soffer_pull(struct sconn *sc, const struct proto_frame *f, char *err,
    size_t errlen)
{
	struct ahost	*h = sc->h;
	int		 rc;

	rc = proto_pull_feed(&sc->pull, &sc->pst, f, err, errlen);
	if (rc != PROTO_DONE)
		return rc;
	if (sc->pull.id != sc->offer_id) {
		snprintf(err, errlen, "PULL of job %u, offered %u",
		    (unsigned)sc->pull.id, (unsigned)sc->offer_id);
		return -1;
	}
	/* fresher than the advert */
	h->free_slots = sc->pull.free_slots < h->slots ? sc->pull.free_slots :
	    h->slots;
	h->waiting = sc->pull.waiting;
	h->freed = 0;
	return PROTO_DONE;
}
