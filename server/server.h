/*
 * server.h - what the processes of ccpoold share: their entry points, the
 * IPC rules of each channel, and small helpers.
 *
 * ccpoold is four processes, one file each (OpenBSD privsep shape):
 *
 *   parent.c  options, configuration, forks the others, relays the
 *             runner's toolchain list and load to net and pub, signals.
 *             Never reads a network byte.
 *   net.c     the only process that talks to clients: accepts TCP, parses
 *             the protocol (common/proto.h), enforces limits and the
 *             access list, keepalives, the HTTP status page.
 *   runner.c  the job runner: toolchains, slots, queue, job directories,
 *             starts compilers through the sandbox (sandbox.h), results.
 *   pub.c     the mDNS advert (discovery/disc_publish.h).
 *   kauth.c   kerberos mode only: the service's keys, in memory, and
 *             the GSS-API acceptor; takes tokens from net, answers who
 *             the client is (srvkrb.c settles the principal at start).
 *
 * Channels (socketpairs made by the parent before forking):
 *   parent <-> net, parent <-> runner, parent <-> pub: control;
 *   net <-> kauth: GSS-API tokens and verdicts (kerberos mode);
 *   net <-> runner: jobs and results, directly, so a 256 MiB object is
 *   not copied through a third process and the parent never even holds
 *   network bytes.
 * The message types are in common/ipc.h; doc/server.md has the table.
 */
#ifndef CCPOOL_SERVER_H
#define CCPOOL_SERVER_H

#include <stdint.h>

#include "common/ipc.h"
#include "common/mono.h"
#include "common/proto.h"
#include "server/srvconf.h"

#define SRV_TC_MAX	64	/* toolchains a server detects */

/* Who receives on a channel: selects the IPC rules. */
enum srv_chan {
	SRV_PARENT_FROM_RUNNER,
	SRV_PARENT_FROM_OTHER,	/* net, pub: they send nothing */
	SRV_NET_FROM_PARENT,
	SRV_NET_FROM_RUNNER,
	SRV_RUNNER_FROM_PARENT,
	SRV_RUNNER_FROM_NET,
	SRV_PUB_FROM_PARENT,
	SRV_KAUTH_FROM_PARENT,
	SRV_KAUTH_FROM_NET,
	SRV_NET_FROM_KAUTH
};

/* Descriptors a child gets from the parent. */
struct srv_fds {
	int		 parent;	/* control channel to the parent */
	int		 peer;		/* net <-> runner; -1 for pub */
	int		 kauth;		/* net <-> kauth, or -1 */
};

/*
 * Fill *r with the rules for what arrives on channel ch, with job and
 * result sizes bounded by lim.
 */
void	srv_ipc_rules(struct ipc_rules *r, enum srv_chan ch,
	    const struct proto_limits *lim);

/* Largest IPC_JOB / IPC_RESULT payload that lim allows. */
uint32_t srv_job_msg_max(const struct proto_limits *lim);
uint32_t srv_result_msg_max(const struct proto_limits *lim);

struct priv_user;

/*
 * Privilege separation (doc/server.md).  The parent calls proc_priv_init
 * before forking: drop is 1 when it runs as root and the children must
 * switch to u.  proc_drop_user switches the calling process to u now
 * (a no-op when drop is 0 or done); fatal if it cannot.
 */
void	proc_priv_init(int drop, const struct priv_user *u);
void	proc_drop_user(const char *proc);

/*
 * Raise the soft RLIMIT_NOFILE towards PROC_NOFILE (as far as the hard
 * limit allows), before forking, so that a flood of connections meets
 * net's own caps (net.c) rather than EMFILE.  Warns when the result is
 * under need, the descriptors max_conns and those caps may take.
 * Returns the soft limit now.
 */
#define PROC_NOFILE	65536
#define SRV_NET_FDS(max_conns)	((unsigned long)(max_conns) + 256)
unsigned long proc_raise_nofile(unsigned long need);

/*
 * Each child calls this before it handles its first untrusted byte,
 * with proc "net", "runner" or "pub": net leaves the filesystem (an
 * empty read-only root in its own mount namespace); every one switches
 * to the user (if not done yet), becomes non-dumpable, sets
 * no_new_privs, pub gets a read-only Landlock
 * view, and each loads its seccomp filter (priv_seccomp.c).  Fatal on
 * any failure: a child never runs with less isolation than intended.
 */
void	proc_enter_sandbox(const char *proc);

/*
 * Settle the identity for c (srvid.c): fill the default identity path,
 * make the key pair on first start, set c->fingerprint, and turn trust
 * "auto" into "open" or "site" by who issued it.  -1 with err set.
 */
int	srvid_resolve(struct srvconf *c, char *err, size_t errlen);

/*
 * Kerberos mode (auth = gssapi), called by srvid_resolve: the service
 * principal (gss_principal, by default ccpool/<fqdn>@<default realm>)
 * into c->gss_principal, and a check that c->keytab holds keys for it.
 * -1 with err set (the daemon then does not start).
 */
int	srvkrb_resolve(struct srvconf *c, char *err, size_t errlen);

/* Process entry points; they do not return. */
void	net_main(const struct srvconf *c, struct srv_fds *fds)
	    __attribute__((noreturn));
void	runner_main(const struct srvconf *c, struct srv_fds *fds)
	    __attribute__((noreturn));
void	pub_main(const struct srvconf *c, struct srv_fds *fds)
	    __attribute__((noreturn));
void	kauth_main(const struct srvconf *c, struct srv_fds *fds)
	    __attribute__((noreturn));


#endif
