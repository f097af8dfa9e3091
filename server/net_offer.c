/*
 * net_offer.c - an offer on a client connection (protocol version 2,
 * "late binding": proto.h, doc/protocol.md "Offers"; see net.h for the
 * other files).
 *
 * On an idle connection the client may offer a job (OFFR TCID LANG
 * SIZE) instead of sending it.  The offer gets the checks a job gets
 * before the runner (stopping, toolchain, user_max_jobs: offers count as
 * jobs) and goes to the runner as IPC_OFFER under a fresh key (CS_OFFER).
 * Once the runner holds a slot for it (IPC_PULL), the client is asked
 * for the job (PULL FREE; CS_PULLED) and has PULL_TIMEOUT seconds to
 * send it (JOB_ with the offer's id: net_conn.c reads and checks it as
 * any job, under the offer's key) or to withdraw it (DROP).  A DROP
 * while the offer waits, or after its pull, gives it up (IPC_CANCEL: the
 * runner's answer is dropped, as for a client gone) and is answered with
 * the offer's end, a refusal (busy, "withdrawn"), so the client knows
 * the connection serves again.  A refusal of the offer by the runner is
 * forwarded like a job's; a DROP that crossed it is ignored.  No KEEP
 * while an offer waits: the client is not waiting for this server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/proto_msg.h"
#include "server/net.h"

/* A whole offer arrived: check it and hand it to the runner. */
static void
offer_complete(struct conn *c)
{
	struct net	*n = c->n;
	const struct proto_offer *o = &c->orr.o;
	struct ipc_offer io;
	struct pjob	*pj;
	char		 who[256];

	c->last_offer = o->id;	/* until a DROP: one may cross its end */
	if (n->stopping) {
		nrep_refuse(c, o->id, PROTO_R_SHUTDOWN, "the server is "
		    "stopping");
		return;
	}
	if (nrep_tc_check(c, o->id, o->tcid) == -1)
		return;
	if (n->conf.user_max_jobs > 0 &&
	    nrep_jobs_of(n, c->who.fp) >= n->conf.user_max_jobs) {
		log_escape(who, sizeof(who), c->who.name, strlen(c->who.name));
		nrep_decline(c, o->id, PROTO_R_BUSY, "%s already has %u jobs "
		    "or offers on this server, its limit (user_max_jobs)",
		    who, n->conf.user_max_jobs);
		return;
	}
	if ((pj = calloc(1, sizeof(*pj))) == NULL)
		fatal("calloc");
	memcpy(pj->fp, c->who.fp, sizeof(pj->fp));
	do
		pj->key = ++n->nextkey;
	while (pj->key == 0);
	pj->jobid = o->id;
	pj->conn = c;
	TAILQ_INSERT_TAIL(&n->pjobs, pj, entry);
	c->pj = pj;
	memset(&io, 0, sizeof(io));
	memcpy(io.client, c->who.fp, sizeof(io.client));
	snprintf(io.tcid, sizeof(io.tcid), "%s", o->tcid);
	io.id = o->id;
	io.lang = o->lang;
	io.size = o->size;
	if (ipc_send(n->runner, IPC_OFFER, pj->key, &io, sizeof(io)) == -1)
		fatal("ipc_send");
	log_debug("%s: offer %u (key %u, %s, %u bytes) to the runner",
	    c->peer, o->id, pj->key, o->tcid, o->size);
	nrep_state(c, CS_OFFER);
}

void
nofr_frame(struct conn *c, const struct proto_frame *f)
{
	char		 err[256];
	int		 rc;

	if (c->state == CS_IDLE && memcmp(f->tok, "DROP", 4) == 0) {
		if (f->value != 0 && f->value == c->last_offer) {
			c->last_offer = 0;	/* it crossed the offer's end */
			return;
		}
		nrep_refuse(c, 0, PROTO_R_PROTO, "DROP of job %u, which is "
		    "not offered", (unsigned)f->value);
		return;
	}
	if (c->state == CS_IDLE) {
		proto_offer_reader_init(&c->orr);
		c->last_offer = 0;
		c->jobid = f->value;
		nrep_state(c, CS_OFFR);
	}
	if ((rc = proto_offer_feed(&c->orr, f, err, sizeof(err))) == -1) {
		nrep_refuse(c, c->jobid, PROTO_R_PROTO, "bad offer: %s", err);
		return;
	}
	if (rc == PROTO_DONE)
		offer_complete(c);
}

/* The client withdrew its offer (DROP): give it up, and end it. */
static void
offer_dropped(struct conn *c)
{
	struct proto_buf b;
	uint32_t	 id = c->jobid;
	char		 msg[64], err[256];

	log_debug("%s: offer %u withdrawn%s", c->peer, id, c->state ==
	    CS_PULLED ? " after its pull" : "");
	nrep_release(c);
	c->last_offer = 0;
	snprintf(msg, sizeof(msg), "offer %u withdrawn", id);
	proto_buf_init(&b);
	if (proto_refusal_encode(id, PROTO_R_BUSY, msg, &c->n->lim, &b, err,
	    sizeof(err)) == -1)
		fatalx("cannot encode a refusal: %s", err);
	nrep_write(c, b.data, b.len);
	proto_buf_free(&b);
	nrep_state(c, CS_IDLE);
}

void
nofr_other(struct conn *c, const struct proto_frame *f)
{
	char		 err[256];

	if (proto_expect(f, "DROP", PROTO_VALUE, err, sizeof(err)) == 0 &&
	    f->value == c->jobid) {
		offer_dropped(c);
		return;
	}
	nrep_refuse(c, c->jobid, PROTO_R_PROTO, "offer %u %s: expected %s "
	    "%u, not %.4s %u", c->jobid, c->state == CS_PULLED ? "pulled" :
	    "waits", c->state == CS_PULLED ? "its job (JOB_) or DROP" :
	    "DROP", c->jobid, f->tok, (unsigned)f->value);
}

void
nofr_pull(struct net *n, uint32_t key, const uint8_t *p, size_t len)
{
	struct ipc_pull	 ip;
	struct proto_pull pl;
	struct proto_buf b;
	struct pjob	*pj;
	struct conn	*c;

	TAILQ_FOREACH(pj, &n->pjobs, entry)
		if (pj->key == key)
			break;
	if (pj == NULL || pj->dcc || len != sizeof(ip))
		fatalx("runner pulled unknown offer key %u", key);
	if ((c = pj->conn) == NULL || c->state != CS_OFFER)
		return;	/* withdrawn or gone: the runner has our cancel */
	memcpy(&ip, p, sizeof(ip));
	pl.id = c->jobid;
	pl.free_slots = ip.free_slots;
	pl.waiting = ip.waiting;
	proto_buf_init(&b);
	if (proto_pull_encode(&pl, &b) == -1)
		fatalx("out of memory");
	nrep_write(c, b.data, b.len);
	proto_buf_free(&b);
	log_debug("%s: offer %u pulled", c->peer, c->jobid);
	nrep_state(c, CS_PULLED);
}
