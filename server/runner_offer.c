/*
 * runner_offer.c - an offer in the runner: the IPC_OFFER message
 * checked, its queue entry, and the slot held for it once pulled
 * (IPC_PULL).  See runner_offer.h; the decisions are runner.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/mono.h"
#include "server/runner_offer.h"

void
roffer_check(const uint8_t *p, struct ipc_offer *io)
{
	memcpy(io, p, sizeof(*io));
	if (memchr(io->client, '\0', sizeof(io->client)) == NULL ||
	    memchr(io->tcid, '\0', sizeof(io->tcid)) == NULL || io->id == 0 ||
	    proto_lang_name(io->lang) == NULL)
		fatalx("net sent a malformed offer");
}

struct offerq_ent *
roffer_new(uint32_t key, const struct ipc_offer *io)
{
	struct offerq_ent *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		fatal("calloc");
	e->key = key;
	memcpy(e->client, io->client, sizeof(e->client));
	e->o.id = io->id;
	memcpy(e->o.tcid, io->tcid, sizeof(e->o.tcid));
	e->o.lang = (enum proto_lang)io->lang;
	e->o.size = io->size;
	return e;
}

struct rjob *
roffer_reserve(struct fairq *fq, const struct offerq *oq,
    struct offerq_ent *e, const struct job_env *env, struct ipc_chan *net)
{
	struct ipc_pull	 pl;
	struct rjob	*j;
	unsigned	 slots;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		fatal("calloc");
	j->key = e->key;
	j->fq.owner = j;
	j->env = env;
	proto_job_init(&j->job);
	memcpy(j->fq.client, e->client, sizeof(j->fq.client));
	j->offer = e->o;
	j->reserved = 1;
	j->t_queued = mono_ms();
	fairq_started(fq, &j->fq, j->t_queued);
	free(e);
	slots = fairq_slots(fq);
	memset(&pl, 0, sizeof(pl));
	pl.free_slots = slots > fq->nrunning ? slots - fq->nrunning : 0;
	pl.waiting = oq->n;
	log_debug("job %u: offer %u pulled (%u bytes offered)", j->key,
	    j->offer.id, j->offer.size);
	if (ipc_send(net, IPC_PULL, j->key, &pl, sizeof(pl)) == -1)
		fatal("ipc_send");
	return j;
}
