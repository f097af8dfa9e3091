/*
 * ipc.c - typed messages between daemon processes; see ipc.h.
 *
 * The first half is pure (ipc_parse, ipc_compose); the second runs it on
 * a bufferevent (struct ipc_chan).  The read callback waits until a whole
 * message is buffered (the low watermark is set to its size), makes it
 * contiguous and hands it to the owner.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "common/ipc.h"

static const char *const ipc_names[IPC_TYPE_COUNT] = {
	[IPC_NONE] = "none",
	[IPC_CONF] = "conf",
	[IPC_SHUTDOWN] = "shutdown",
	[IPC_TC] = "tc",
	[IPC_TC_END] = "tc_end",
	[IPC_LOAD] = "load",
	[IPC_JOB] = "job",
	[IPC_CANCEL] = "cancel",
	[IPC_RESULT] = "result",
	[IPC_DRAINED] = "drained",
	[IPC_CRL] = "crl",
	[IPC_JOBEV] = "jobev",
	[IPC_GSS_REQ] = "gss_req",
	[IPC_GSS_RES] = "gss_res",
	[IPC_OFFER] = "offer",
	[IPC_PULL] = "pull",
};

const char *
ipc_type_name(uint32_t type)
{
	if (type >= IPC_TYPE_COUNT)
		return "unknown";
	return ipc_names[type];
}

void
ipc_rule_fixed(struct ipc_rules *r, enum ipc_type t, uint32_t len)
{
	if (t <= IPC_NONE || t >= IPC_TYPE_COUNT)
		return;
	r->accept |= 1u << t;
	r->len[t].min = len;
	r->len[t].max = len;
}

void
ipc_rule_var(struct ipc_rules *r, enum ipc_type t, uint32_t max)
{
	if (t <= IPC_NONE || t >= IPC_TYPE_COUNT)
		return;
	r->accept |= 1u << t;
	r->len[t].min = 0;
	r->len[t].max = max;
}

ssize_t
ipc_parse(const struct ipc_rules *r, const uint8_t *buf, size_t len,
    struct ipc_hdr *h, const uint8_t **payload, size_t *need, char *err,
    size_t errlen)
{
	struct ipc_hdr	 hdr;

	*need = IPC_HDRLEN;
	if (len < IPC_HDRLEN)
		return 0;
	memcpy(&hdr, buf, IPC_HDRLEN);
	if (hdr.type == IPC_NONE || hdr.type >= IPC_TYPE_COUNT ||
	    (r->accept & (1u << hdr.type)) == 0) {
		snprintf(err, errlen, "unexpected message type %u (%s)",
		    hdr.type, ipc_type_name(hdr.type));
		return -1;
	}
	if (hdr.len < r->len[hdr.type].min || hdr.len > r->len[hdr.type].max) {
		if (r->len[hdr.type].min == r->len[hdr.type].max)
			snprintf(err, errlen, "%s message of %u bytes, "
			    "expected %u", ipc_type_name(hdr.type), hdr.len,
			    r->len[hdr.type].min);
		else
			snprintf(err, errlen, "%s message of %u bytes, "
			    "expected %u to %u", ipc_type_name(hdr.type),
			    hdr.len, r->len[hdr.type].min,
			    r->len[hdr.type].max);
		return -1;
	}
	/* hdr.len <= UINT32_MAX: no overflow on 64-bit size_t. */
	*need = IPC_HDRLEN + (size_t)hdr.len;
	if (len < *need)
		return 0;
	*h = hdr;
	*payload = buf + IPC_HDRLEN;
	return (ssize_t)*need;
}

/* The header of a message about to be sent; -1 (EINVAL) if it is bad. */
static int
hdr_make(struct ipc_hdr *hdr, enum ipc_type type, uint32_t id,
    const void *p, size_t len)
{
	if (type <= IPC_NONE || type >= IPC_TYPE_COUNT || len > UINT32_MAX ||
	    (len > 0 && p == NULL)) {
		errno = EINVAL;
		return -1;
	}
	memset(hdr, 0, sizeof(*hdr));
	hdr->type = type;
	hdr->len = (uint32_t)len;
	hdr->id = id;
	return 0;
}

int
ipc_compose(struct proto_buf *out, enum ipc_type type, uint32_t id,
    const void *p, size_t len)
{
	struct ipc_hdr	 hdr;

	if (hdr_make(&hdr, type, id, p, len) == -1)
		return -1;
	if (proto_buf_reserve(out, IPC_HDRLEN + len) == -1)
		return -1;
	(void)proto_buf_append(out, &hdr, IPC_HDRLEN);
	if (len > 0)
		(void)proto_buf_append(out, p, len);
	return 0;
}

/* Channels. */

struct ipc_chan {
	struct bufferevent	*bev;
	struct ipc_rules	 rules;
	ipc_msg_cb		 msg;
	ipc_fail_cb		 fail;
	void			*arg;
	int			 dead;
};

static void
chan_die(struct ipc_chan *c, const char *why)
{
	if (c->dead)
		return;
	c->dead = 1;
	bufferevent_disable(c->bev, EV_READ);
	c->fail(c, why, c->arg);
}

static void
chan_read(struct bufferevent *bev, void *arg)
{
	struct ipc_chan	*c = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct ipc_hdr	 h;
	const uint8_t	*p, *payload;
	size_t		 avail, need;
	ssize_t		 n;
	char		 err[160];

	while (!c->dead) {
		avail = evbuffer_get_length(in);
		if (avail < IPC_HDRLEN) {
			bufferevent_setwatermark(bev, EV_READ, IPC_HDRLEN, 0);
			return;
		}
		p = evbuffer_pullup(in, IPC_HDRLEN);
		n = ipc_parse(&c->rules, p, IPC_HDRLEN, &h, &payload, &need,
		    err, sizeof(err));
		if (n == -1) {
			chan_die(c, err);
			return;
		}
		if (n == 0 && avail < need) {
			/* Wake up only when all of it is here. */
			bufferevent_setwatermark(bev, EV_READ, need, 0);
			return;
		}
		if ((p = evbuffer_pullup(in, (ssize_t)need)) == NULL) {
			chan_die(c, "out of memory");
			return;
		}
		n = ipc_parse(&c->rules, p, need, &h, &payload, &need, err,
		    sizeof(err));
		if (n <= 0) {
			chan_die(c, n == 0 ? "internal: short message" : err);
			return;
		}
		c->msg(c, &h, payload, c->arg);
		evbuffer_drain(in, (size_t)n);
	}
}

static void
chan_event(struct bufferevent *bev, short what, void *arg)
{
	struct ipc_chan	*c = arg;
	char		 why[160];

	(void)bev;
	if (what & BEV_EVENT_EOF)
		chan_die(c, "closed");
	else if (what & BEV_EVENT_ERROR) {
		snprintf(why, sizeof(why), "%s %s", what & BEV_EVENT_READING ?
		    "read" : "write", strerror(EVUTIL_SOCKET_ERROR()));
		chan_die(c, why);
	}
}

struct ipc_chan *
ipc_chan_new(struct event_base *base, int fd, const struct ipc_rules *rules,
    ipc_msg_cb msg, ipc_fail_cb fail, void *arg, char *err, size_t errlen)
{
	struct ipc_chan	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		return NULL;
	}
	if (evutil_make_socket_nonblocking(fd) == -1 ||
	    evutil_make_socket_closeonexec(fd) == -1) {
		snprintf(err, errlen, "fcntl: %s", strerror(errno));
		goto fail;
	}
	c->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		snprintf(err, errlen, "bufferevent_socket_new failed");
		goto fail;
	}
	c->rules = *rules;
	c->msg = msg;
	c->fail = fail;
	c->arg = arg;
	bufferevent_setcb(c->bev, chan_read, NULL, chan_event, c);
	bufferevent_setwatermark(c->bev, EV_READ, IPC_HDRLEN, 0);
	if (bufferevent_enable(c->bev, EV_READ | EV_WRITE) == -1) {
		snprintf(err, errlen, "bufferevent_enable failed");
		bufferevent_free(c->bev);
		free(c);
		return NULL;
	}
	return c;
fail:
	close(fd);
	free(c);
	return NULL;
}

int
ipc_send(struct ipc_chan *c, enum ipc_type type, uint32_t id, const void *p,
    size_t len)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	struct ipc_hdr	 hdr;

	if (hdr_make(&hdr, type, id, p, len) == -1)
		return -1;
	if (evbuffer_expand(out, IPC_HDRLEN + len) == -1 ||
	    evbuffer_add(out, &hdr, IPC_HDRLEN) == -1 ||
	    (len > 0 && evbuffer_add(out, p, len) == -1)) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

size_t
ipc_pending(const struct ipc_chan *c)
{
	return evbuffer_get_length(bufferevent_get_output(c->bev));
}

void
ipc_flush(struct ipc_chan *c)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	evutil_socket_t	 fd = bufferevent_getfd(c->bev);
	int		 fl;

	if (fd == -1 || (fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1)
		return;
	/* A bufferevent keeps the front of its output frozen for itself. */
	(void)evbuffer_unfreeze(out, 1);
	while (evbuffer_get_length(out) > 0)
		if (evbuffer_write(out, fd) <= 0 && errno != EINTR)
			break;
	(void)evbuffer_freeze(out, 1);
	(void)fcntl(fd, F_SETFL, fl);
}

void
ipc_chan_free(struct ipc_chan *c)
{
	if (c == NULL)
		return;
	bufferevent_free(c->bev);
	free(c);
}
