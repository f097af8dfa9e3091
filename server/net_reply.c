/*
 * net_reply.c - what the network process writes to a client connection
 * and the checks jobs and offers share (see net.h): bytes out, the
 * state's timeouts, refusals (closing) and declines (the connection
 * stays), keepalives, a job or offer with the runner given up.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/net.h"

void
nrep_write(struct conn *c, const void *p, size_t len)
{
	struct net	*n = c->n;

	if (bufferevent_write(c->bev, p, len) == -1)
		fatalx("bufferevent_write: out of memory");
	n->cnt.bytes_out += len;
}

void
nrep_state(struct conn *c, enum cstate s)
{
	struct timeval	 rt = { 0, 0 }, wt = { WRITE_TIMEOUT, 0 };

	c->state = s;
	if (s == CS_IDLE)
		c->jobid = 0;
	switch (s) {
	case CS_IDLE:
		rt.tv_sec = IDLE_TIMEOUT;
		break;
	case CS_OFFER:		/* an offer waits: idle, for the client */
		rt.tv_sec = IDLE_TIMEOUT;
		break;
	case CS_JOB:
	case CS_OFFR:
		rt.tv_sec = JOB_TIMEOUT;
		break;
	case CS_PULLED:		/* a slot waits for the job */
		rt.tv_sec = PULL_TIMEOUT;
		break;
	case CS_HELLO:		/* c->deadline */
	case CS_GSS:
	case CS_GSSWAIT:
	case CS_WAIT:
	case CS_CLOSING:
		break;
	}
	bufferevent_set_timeouts(c->bev, rt.tv_sec ? &rt : NULL, &wt);
}

void
nrep_release(struct conn *c)
{
	if (c->pj == NULL)
		return;
	c->pj->conn = NULL;
	if (ipc_send(c->n->runner, IPC_CANCEL, c->pj->key, NULL, 0) == -1)
		fatal("ipc_send");
	c->pj = NULL;
}

/*
 * Send a refusal for jobid.  nrep_refuse then closes the connection once
 * the refusal is written (the stream can no longer be trusted);
 * nrep_decline keeps it for the next job (a well-formed job that this
 * server will not run).
 */
static void
refuse(struct conn *c, int close_after, uint32_t jobid, uint32_t reason,
    const char *fmt, va_list ap)
{
	struct net	*n = c->n;
	struct proto_buf b;
	char		 msg[600], err[256];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (reason <= PROTO_R_LAST)
		n->cnt.refused[reason]++;
	if (c->counted || log_rate(&n->rl_auth, "refusals before "
	    "the hello"))
		log_info("%s: refused job %u (%s): %s", c->peer, jobid,
		    proto_reason_name(reason), msg);
	proto_buf_init(&b);
	if (proto_refusal_encode(jobid, reason, msg, &n->lim, &b, err,
	    sizeof(err)) == -1)
		fatalx("cannot encode a refusal: %s", err);
	nrep_write(c, b.data, b.len);
	proto_buf_free(&b);
	if (!close_after) {
		nrep_release(c);	/* a pulled offer's slot */
		nrep_state(c, CS_IDLE);
		return;
	}
	if (c->state != CS_CLOSING) {
		/* still counted (nconns or a gate place) until it is freed */
		n->nclosing++;
		nrep_state(c, CS_CLOSING);
	}
	bufferevent_disable(c->bev, EV_READ);
}

void
nrep_refuse(struct conn *c, uint32_t jobid, uint32_t reason, const char *fmt,
    ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	refuse(c, 1, jobid, reason, fmt, ap);
	va_end(ap);
}

void
nrep_decline(struct conn *c, uint32_t jobid, uint32_t reason,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	refuse(c, 0, jobid, reason, fmt, ap);
	va_end(ap);
}

void
nrep_keep_stop(struct conn *c)
{
	if (c->keep != NULL)
		evtimer_del(c->keep);
}

void
nrep_on_keep(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;
	struct proto_buf b;

	(void)fd;
	(void)what;
	proto_buf_init(&b);
	if (proto_keepalive_encode(&b) == -1)
		fatalx("out of memory");
	nrep_write(c, b.data, b.len);
	proto_buf_free(&b);
}

int
nrep_tc_check(struct conn *c, uint32_t jobid, const char *id)
{
	const struct net *n = c->n;
	size_t	 i;

	for (i = 0; i < n->ntc; i++)
		if (strcmp(n->tc[i].id, id) == 0)
			return 0;
	if (n->ntc == 0 && !n->tc_complete)
		nrep_decline(c, jobid, PROTO_R_BUSY, "this server is still "
		    "finding its toolchains");
	else
		nrep_decline(c, jobid, PROTO_R_TOOLCHAIN, "this server has no "
		    "toolchain %s (its %zu toolchains are on its status page)",
		    id, n->ntc);
	return -1;
}

/* Jobs of the client key fp with the runner now. */
unsigned
nrep_jobs_of(const struct net *n, const char *fp)
{
	struct pjob	*pj;
	unsigned	 k = 0;

	TAILQ_FOREACH(pj, &n->pjobs, entry)
		k += pj->conn != NULL && strcmp(pj->fp, fp) == 0;
	return k;
}

