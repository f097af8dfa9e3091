/*
 * dcc_conn.h - the network process's distcc listener (server/dcc_conn.c),
 * as net.c sees it.  Only net.c includes it.
 */
#ifndef CCPOOL_SERVER_DCC_CONN_H
#define CCPOOL_SERVER_DCC_CONN_H

#include "server/net.h"

/*
 * Open the distcc listener if distcc_compat is on and distcc_allow names
 * a network (else say why in the log and do nothing).  Before the
 * sandbox; fatal if no socket could be bound.
 */
void	dcc_start(struct net *n);

/*
 * The runner's answer (p, len: checked already) to distcc job pj, which
 * the caller took off n->pjobs: sent back as distcc's answer if the
 * client is still there.  Frees pj.
 */
void	dcc_result(struct net *n, struct pjob *pj, const uint8_t *p,
	    size_t len);

#endif
