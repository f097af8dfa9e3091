/*
 * runner_offer.h - the runner's side of an offer (protocol version 2,
 * "late binding": common/ipc.h IPC_OFFER, IPC_PULL): the message checked
 * and made a queue entry (offerq.h), and a slot held for a pulled offer.
 * The runner (server/runner.c) decides when; these only do.
 */
#ifndef CCPOOL_RUNNER_OFFER_H
#define CCPOOL_RUNNER_OFFER_H

#include <stdint.h>

#include "common/ipc.h"
#include "server/fairq.h"
#include "server/job.h"
#include "server/offerq.h"

/*
 * IPC_OFFER's payload p (its size checked by the IPC rules) into *io;
 * fatal if malformed (strings not terminated, id 0, unknown language).
 */
void	roffer_check(const uint8_t *p, struct ipc_offer *io);

/* A new queue entry (malloc'ed) for the offer io of key. */
struct offerq_ent *roffer_new(uint32_t key, const struct ipc_offer *io);

/*
 * A slot of fq is free for e (out of oq; freed here): a new job of env
 * holds it (running in fq, pid 0, reserved, its offer kept), and net is
 * asked to pull the job (IPC_PULL with the slots left free and oq's
 * offers).  Returns the job; fatal if out of memory.
 */
struct rjob *roffer_reserve(struct fairq *fq, const struct offerq *oq,
	    struct offerq_ent *e, const struct job_env *env,
	    struct ipc_chan *net);

#endif
