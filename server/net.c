/*
 * net.c - ccpoold's network process: the only one that reads bytes from
 * clients.  This file is the process: its set-up (net_main), the
 * channels to the parent (configuration, toolchains, load, revocation
 * lists, shutdown) and to the runner (each job's answer, checked with
 * the client's own reader and forwarded as is; its slot events go to
 * the status page).  The connections are in
 * net_accept.c and net_conn.c, the status page in net_status.c; net.h
 * says how they fit.  Events have three priorities: accepted clients and
 * the other processes' channels (PRIO_CLIENT) come before listeners and
 * unknown peers (PRIO_UNKNOWN).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/bufferevent_ssl.h>

#include "server/dcc_conn.h"
#include "server/net.h"

/*
 * The loop's base: a flood of unknown peers' handshakes yields to the
 * loop every UNKNOWN_BATCH callbacks or UNKNOWN_SLICE_US (by default
 * libevent runs every active callback of a priority before it polls
 * again, and a client's KEEP waited behind seconds of them); NULL if
 * libevent fails.
 */
static struct event_base *
new_base(void)
{
	struct event_config *cfg;
	struct event_base *b = NULL;
	struct timeval	 tv = { 0, UNKNOWN_SLICE_US };

	if ((cfg = event_config_new()) == NULL)
		return NULL;
	if (event_config_set_max_dispatch_interval(cfg, &tv, UNKNOWN_BATCH,
	    PRIO_UNKNOWN) == 0)
		b = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return b;
}

/* Check the runner's bytes with the client's reader; fatal if bad. */
static int
check_answer(const struct net *n, const struct pjob *pj, const uint8_t *p,
    size_t len, uint32_t *reason, uint32_t *status)
{
	struct proto_result_reader rr;
	struct proto_frame f;
	char		 err[256];
	ssize_t		 got;
	int		 rc = PROTO_MORE, refused;

	proto_result_reader_init(&rr, pj->jobid, pj->want, &n->lim);
	while (len > 0) {
		if (rc == PROTO_DONE)
			fatalx("runner: trailing bytes after an answer");
		if ((got = proto_frame_parse(&n->dialect, p, len, &f, err,
		    sizeof(err))) <= 0)
			fatalx("runner: malformed answer: %s", got == 0 ?
			    "truncated" : err);
		if ((rc = proto_result_feed(&rr, &f, err, sizeof(err))) == -1 ||
		    rc == PROTO_KEEPALIVE)
			fatalx("runner: malformed answer: %s", rc == -1 ? err :
			    "keepalive");
		p += got;
		len -= (size_t)got;
	}
	if (rc != PROTO_DONE)
		fatalx("runner: incomplete answer");
	refused = rr.res.refused;
	*reason = rr.res.reason;
	*status = rr.res.status;
	proto_result_reader_free(&rr);
	return refused;
}

static void
on_result(struct net *n, uint32_t key, const uint8_t *p, size_t len)
{
	struct pjob	*pj;
	struct conn	*c;
	uint32_t	 reason = 0, status = 0;
	int		 refused;

	TAILQ_FOREACH(pj, &n->pjobs, entry)
		if (pj->key == key)
			break;
	if (pj == NULL)
		fatalx("runner answered unknown job key %u", key);
	refused = check_answer(n, pj, p, len, &reason, &status);
	TAILQ_REMOVE(&n->pjobs, pj, entry);
	if (pj->dcc) {
		dcc_result(n, pj, p, len);
		return;
	}
	c = pj->conn;
	free(pj);
	if (c == NULL) {
		nconn_maybe_exit(n);
		return;		/* the client went away; answer dropped */
	}
	c->pj = NULL;
	if (c->state == CS_CLOSING)
		return;		/* it broke the protocol meanwhile */
	if (refused) {
		if (reason <= PROTO_R_LAST)
			n->cnt.refused[reason]++;
		log_info("%s: job %u refused by the runner (%s)", c->peer,
		    c->jobid, proto_reason_name(reason));
	} else {
		n->cnt.jobs_done++;
		if (status != 0)
			n->cnt.jobs_failed++;
		log_debug("%s: job %u done, status %#x", c->peer, c->jobid,
		    status);
	}
	nconn_answer(c, p, len);
}

static void
on_runner(struct ipc_chan *ch, const struct ipc_hdr *h, const uint8_t *p,
    void *arg)
{
	(void)ch;
	if (h->type == IPC_RESULT)
		on_result(arg, h->id, p, h->len);
	else if (h->type == IPC_JOBEV)
		nstat_jobev(arg, p, h->len);
	else if (h->type == IPC_PULL)
		nofr_pull(arg, h->id, p, h->len);
	else
		fatalx("runner: unexpected %s", ipc_type_name(h->type));
}

static void
on_kauth(struct ipc_chan *ch, const struct ipc_hdr *h, const uint8_t *p,
    void *arg)
{
	(void)ch;
	nconn_gss_result(arg, h->id, p, h->len);	/* IPC_GSS_RES only */
}

static void
on_kauth_fail(struct ipc_chan *ch, const char *why, void *arg)
{
	(void)ch;
	(void)arg;
	fatalx("channel to kauth: %s", why);
}

static void
on_runner_fail(struct ipc_chan *ch, const char *why, void *arg)
{
	struct net	*n = arg;

	(void)ch;
	if (!n->stopping || strcmp(why, "closed") != 0)
		fatalx("channel to runner: %s", why);
	n->runner_gone = 1;
	nconn_maybe_exit(n);
}

/*
 * A new revocation list (SIGHUP): use it for new connections and check
 * every open one again, closing those of keys it revokes.
 */
static void
new_crl(struct net *n, const uint8_t *pem, size_t len)
{
	struct conn	*c, *next;
	struct tls_peer	 p;
	char		 err[256];

	if (n->trust != TLS_SITE)
		return;
	if (tls_ctx_set_crl(n->tls, pem, len, err, sizeof(err)) == -1) {
		log_warnx("new revocation list not used: %s", err);
		return;
	}
	log_info("revocation list reloaded");
	for (c = TAILQ_FIRST(&n->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (!c->authed || c->state == CS_CLOSING ||
		    tls_peer_check(bufferevent_openssl_get_ssl(c->bev),
		    n->trust, 0, &p, err, sizeof(err)) == 0)
			continue;
		log_info("%s: dropped user %s (%s): %s", c->peer, c->who.name,
		    c->who.fp, err);
		nconn_free(c);
	}
}

static void
on_parent(struct ipc_chan *ch, const struct ipc_hdr *h, const uint8_t *p,
    void *arg)
{
	struct net	*n = arg;
	struct srvconf	 nc;

	(void)ch;
	switch (h->type) {
	case IPC_CONF:
		memcpy(&nc, p, sizeof(nc));
		/* What net may change live; the parent kept the rest. */
		n->conf.max_conns = nc.max_conns;
		n->conf.nallow = nc.nallow;
		memcpy(n->conf.allow, nc.allow, sizeof(n->conf.allow));
		n->conf.ndistcc_allow = nc.ndistcc_allow;
		memcpy(n->conf.distcc_allow, nc.distcc_allow,
		    sizeof(n->conf.distcc_allow));
		memcpy(n->conf.cluster, nc.cluster, sizeof(n->conf.cluster));
		memcpy(n->conf.name, nc.name, sizeof(n->conf.name));
		n->conf.cluster[sizeof(n->conf.cluster) - 1] = '\0';
		n->conf.name[sizeof(n->conf.name) - 1] = '\0';
		log_debug("configuration reloaded");
		break;
	case IPC_SHUTDOWN:
		log_debug("stopping: new jobs are refused");
		n->stopping = 1;
		break;
	case IPC_TC:
		if (n->tc_complete) {
			n->tc_complete = 0;
			n->ntc = 0;
		}
		if (n->ntc < SRV_TC_MAX) {
			memcpy(&n->tc[n->ntc], p, sizeof(n->tc[0]));
			n->tc[n->ntc].id[sizeof(n->tc[0].id) - 1] = '\0';
			n->tc[n->ntc].name[sizeof(n->tc[0].name) - 1] = '\0';
			n->ntc++;
		}
		break;
	case IPC_TC_END:
		n->tc_complete = 1;
		break;
	case IPC_LOAD:
		memcpy(&n->load, p, sizeof(n->load));
		nstat_load(n);
		break;
	case IPC_CRL:
		new_crl(n, p, h->len);
		break;
	default:
		fatalx("parent: unexpected %s", ipc_type_name(h->type));
	}
}

static void
on_parent_fail(struct ipc_chan *ch, const char *why, void *arg)
{
	(void)ch;
	(void)arg;
	fatalx("channel to parent: %s", why);
}

void
net_main(const struct srvconf *conf, struct srv_fds *fds)
{
	static struct net net;	/* the process's state, passed explicitly */
	struct net	*n = &net;
	struct ipc_rules rules;
	struct ident	 id;
	char		 err[256];
	size_t		 i;
	int		 trust;

	log_procinit("net");
	log_libevent();
	n->conf = *conf;
	n->started = time(NULL);
	TAILQ_INIT(&n->conns);
	TAILQ_INIT(&n->pjobs);
	srvconf_limits(&n->conf, &n->lim);
	if (proto_dialect_init(&n->dialect, PROTO_DIALECT_CCPOOL1, &n->lim, err,
	    sizeof(err)) == -1)
		fatalx("%s", err);
	/*
	 * ZDTI's length is checked by check_size() (net_conn.c), so that an
	 * honest oversized source gets TOOLARGE, not PROTO.
	 */
	for (i = 0; i < n->dialect.ntok; i++)
		if (memcmp(n->dialect.tok[i].tok, "ZDTI", 4) == 0)
			n->dialect.tok[i].max = UINT32_MAX;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);

	if ((n->base = new_base()) == NULL ||
	    event_base_priority_init(n->base, PRIO_N) == -1)
		fatalx("event_base_new");
	srv_ipc_rules(&rules, SRV_NET_FROM_PARENT, &n->lim);
	if ((n->parent = ipc_chan_new(n->base, fds->parent, &rules, on_parent,
	    on_parent_fail, n, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	srv_ipc_rules(&rules, SRV_NET_FROM_RUNNER, &n->lim);
	if ((n->runner = ipc_chan_new(n->base, fds->peer, &rules, on_runner,
	    on_runner_fail, n, err, sizeof(err))) == NULL)
		fatalx("%s", err);

	if (fds->kauth != -1) {
		srv_ipc_rules(&rules, SRV_NET_FROM_KAUTH, &n->lim);
		if ((n->kauth = ipc_chan_new(n->base, fds->kauth, &rules,
		    on_kauth, on_kauth_fail, n, err, sizeof(err))) == NULL)
			fatalx("%s", err);
	}
	/* The key is read here, before the sandbox; only SSL_CTX keeps it. */
	if (ident_load(&id, n->conf.identity, err, sizeof(err)) == -1)
		fatalx("identity: %s", err);
	if ((trust = tls_trust_parse(n->conf.trust)) == -1)
		fatalx("trust mode %s", n->conf.trust);
	n->trust = (enum tls_trust)trust;
	if (n->trust == TLS_KRB5 && n->kauth == NULL)
		fatalx("kerberos mode without its kauth process");
	/* kerberos: who the client is comes from GSS-API, not a cert */
	if ((n->tls = tls_ctx_new(n->trust == TLS_KRB5 ? TLS_SERVER_ANON :
	    TLS_SERVER, &id, n->trust, n->conf.crl, err,
	    sizeof(err))) == NULL || (n->tls_status = tls_ctx_new(
	    TLS_SERVER_ANON, &id, n->trust, NULL, err, sizeof(err))) == NULL)
		fatalx("TLS: %s", err);
	ident_clear(&id);
	nstat_start(n);
	nacc_start(n);
	dcc_start(n);
	proc_enter_sandbox("net");
	event_base_dispatch(n->base);
	fatalx("event loop ended");
}
