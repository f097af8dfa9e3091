/*
 * proto_ev.c - frames out of a libevent buffer: the one loop that every
 * socket reader of ours (ccpoold's clients, the agent's wrappers and
 * servers) would otherwise write for itself.  See proto.h.
 */
#include <event2/buffer.h>

#include "common/err.h"
#include "common/proto.h"

ssize_t
proto_evpull(struct evbuffer *in, const struct proto_dialect *d,
    struct proto_frame *f, const uint8_t **p, char *err, size_t errlen)
{
	size_t		 avail = evbuffer_get_length(in), n;
	ssize_t		 r;

	n = avail < PROTO_HDRLEN ? avail : PROTO_HDRLEN;
	*p = NULL;
	if (n == 0)
		return proto_frame_parse(d, (const uint8_t *)"", 0, f, err,
		    errlen);
	/* the header first: a bad byte or a hostile length is refused
	   before the rest is waited for */
	if ((*p = evbuffer_pullup(in, (ssize_t)n)) == NULL)
		goto oom;
	if ((r = proto_frame_parse(d, *p, n, f, err, errlen)) == -1 ||
	    n < PROTO_HDRLEN || avail < f->need) {
		*p = NULL;
		return r == -1 ? -1 : 0;
	}
	if ((*p = evbuffer_pullup(in, (ssize_t)f->need)) == NULL)
		goto oom;
	if ((r = proto_frame_parse(d, *p, f->need, f, err, errlen)) <= 0) {
		if (r == 0)
			err_set(err, errlen, "a frame parsed twice differs");
		return -1;
	}
	return r;
oom:
	err_set(err, errlen, "out of memory");
	return -1;
}
