/*
 * parent.c - ccpoold's parent process and main().
 *
 * Reads the options and the configuration, forks the runner, the network
 * process and the mDNS publisher (server.h has the picture), and then
 * only relays the runner's toolchain list and load to net and pub, and
 * handles signals: SIGHUP reloads the configuration, SIGTERM/SIGINT stop
 * (the advert goes at once, new jobs are refused, running jobs get
 * `grace` seconds, then the processes exit in turn).  It never reads a
 * byte from the network.  If a child dies unexpectedly the parent stops
 * the others and exits 1: fail closed.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/confine.h"
#include "common/log.h"
#include "server/cgweight.h"
#include "server/loadmon.h"
#include "server/priv.h"
#include "common/cpuquota.h"
#include "server/sandbox.h"
#include "server/server.h"

enum { P_RUNNER, P_NET, P_PUB, P_KAUTH, P_COUNT };
#define NALL	(2 * P_COUNT + 4)	/* every socketpair end */

static const char *const pnames[P_COUNT] = { "runner", "net", "pub",
    "kauth" };

static struct parent {
	struct event_base *base;
	struct srvconf	 conf;
	const char	*conf_path;
	int		 conf_must_exist;
	unsigned	 cli_port;	/* -p, 0: from the configuration */
	int		 cli_nopublish;	/* -P */
	const char	*cli_user;	/* -u, NULL: from the configuration */
	int		 root;		/* started as root: switch to user */
	struct priv_user user;
	struct srvconf	 raw;		/* as the file said at start */
	pid_t		 pid[P_COUNT];
	struct ipc_chan	*chan[P_COUNT];
	int		 stopping;
	int		 failed;
} PP;

#define USAGE	"usage: ccpoold [-dnPv] [-f file] [-p port] [-u user]\n"

/* --help: the synopsis and the options on stdout. */
static void
help(void)
{
	printf(USAGE
"\n"
"The ccpool compile server; see ccpoold(8).\n"
"\n"
"  -d          stay in the foreground, log to stderr\n"
"  -f file     configuration file (default %s)\n"
"  -n          check the configuration and exit\n"
"  -p port     listen for jobs on this port\n"
"  -P          do not advertise over mDNS\n"
"  -u user     run as this user when started as root\n"
"  -v          also log debug messages\n"
"  --help      this text\n"
"  --version   print the version\n", SRVCONF_PATH);
}

/* A usage error: what was wrong (getopt said it, or why), exit 2. */
static void
usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "ccpoold: %s\n", why);
	fprintf(stderr, USAGE "Try 'ccpoold --help' for more information.\n");
	exit(2);
}

/* Defaults, then the file, then the command line.  -1 with err set. */
static int
load_conf(struct srvconf *c, char *err, size_t errlen)
{
	/* a CPU quota on our cgroup counts (cpuquota.h) */
	srvconf_defaults(c, cpuquota_ncpu());
	if (srvconf_load(c, PP.conf_path, PP.conf_must_exist, err, errlen) ==
	    -1)
		return -1;
	if (PP.cli_port != 0)
		c->port = PP.cli_port;
	if (PP.cli_nopublish)
		c->publish = 0;
	if (PP.cli_user != NULL)
		snprintf(c->user, sizeof(c->user), "%s", PP.cli_user);
	if (sbx_lookup(c->sandbox) == NULL) {
		snprintf(err, errlen, "no sandbox \"%s\"", c->sandbox);
		return -1;
	}
	return 0;	/* srvid_resolve: at start only, see main() */
}

static void
send_all(enum ipc_type t, const void *p, size_t len)
{
	int	 i;

	for (i = 0; i < P_COUNT; i++)
		if (PP.chan[i] != NULL && ipc_send(PP.chan[i], t, 0, p, len) ==
		    -1)
			fatal("ipc_send");
}

static void
stop(void)
{
	if (PP.stopping)
		return;
	PP.stopping = 1;
	log_info("stopping");
	/* The advert first, so clients stop choosing us at once. */
	if (PP.chan[P_PUB] != NULL && ipc_send(PP.chan[P_PUB], IPC_SHUTDOWN,
	    0, NULL, 0) == -1)
		fatal("ipc_send");
	if (PP.chan[P_NET] != NULL && ipc_send(PP.chan[P_NET], IPC_SHUTDOWN,
	    0, NULL, 0) == -1)
		fatal("ipc_send");
	if (PP.chan[P_RUNNER] != NULL && ipc_send(PP.chan[P_RUNNER],
	    IPC_SHUTDOWN, 0, NULL, 0) == -1)
		fatal("ipc_send");
}

/*
 * SIGHUP: the network process cannot open files, so the parent reads the
 * revocation list (a file the administrator installed) and sends it over.
 */
static void
send_crl(void)
{
	char	*pem = NULL;
	size_t	 len = 0;
	FILE	*f;

	if (PP.conf.crl[0] == '\0' || PP.chan[P_NET] == NULL)
		return;
	if ((f = fopen(PP.conf.crl, "re")) == NULL ||
	    (pem = malloc(IPC_CRL_MAX)) == NULL ||
	    (len = fread(pem, 1, IPC_CRL_MAX, f)) == 0 || !feof(f))
		log_warnx("reload: crl %s: cannot read it (or over %u bytes); "
		    "the previous list stays", PP.conf.crl, IPC_CRL_MAX);
	else if (ipc_send(PP.chan[P_NET], IPC_CRL, 0, pem, len) == -1)
		fatal("ipc_send");
	if (f != NULL)
		fclose(f);
	free(pem);
}

/* SIGHUP: settings that need new sockets or processes keep their value. */
static void
reload(void)
{
	struct srvconf	 nc;
	char		 err[512];

	if (load_conf(&nc, err, sizeof(err)) == -1) {
		log_warnx("reload failed, configuration unchanged: %s", err);
		return;
	}
	/*
	 * The identity was resolved (its key read or made) at start, as
	 * root; the parent may not read the key any more.  Compare what
	 * the file says now with what it said then.
	 */
	if (strcmp(nc.identity, PP.raw.identity) != 0 ||
	    strcmp(nc.trust, PP.raw.trust) != 0)
		log_warnx("reload: identity or trust changed; restart "
		    "ccpoold to apply it");
	memcpy(nc.identity, PP.conf.identity, sizeof(nc.identity));
	memcpy(nc.trust, PP.conf.trust, sizeof(nc.trust));
	memcpy(nc.fingerprint, PP.conf.fingerprint, sizeof(nc.fingerprint));
	/* settled at start by srvid_resolve: "" and auto mean the same */
	if (nc.identity[0] == '\0')
		memcpy(nc.identity, PP.conf.identity, sizeof(nc.identity));
	if (strcmp(nc.trust, "auto") == 0)
		memcpy(nc.trust, PP.conf.trust, sizeof(nc.trust));
	memcpy(nc.fingerprint, PP.conf.fingerprint, sizeof(nc.fingerprint));
#define KEEP(f, what)							\
	if (memcmp(&nc.f, &PP.conf.f, sizeof(nc.f)) != 0) {		\
		log_warnx("reload: %s changed; restart ccpoold to apply "	\
		    "it", what);					\
		memcpy(&nc.f, &PP.conf.f, sizeof(nc.f));		\
	}
	KEEP(port, "port");
	KEEP(status_port, "status_port");
	KEEP(nlisten, "listen");
	KEEP(listen, "listen");
	KEEP(max_input_mb, "max_input_mb");
	KEEP(max_output_mb, "max_output_mb");
	KEEP(publish, "publish");
	KEEP(calibrate, "calibrate");
	KEEP(distcc_compat, "distcc_compat");
	KEEP(distcc_port, "distcc_port");
	KEEP(name, "name");
	KEEP(workdir, "workdir");
	KEEP(sandbox, "sandbox");
	KEEP(user, "user");
	KEEP(identity, "identity");
	KEEP(trust, "trust");
#undef KEEP
	PP.conf = nc;
	send_all(IPC_CONF, &PP.conf, sizeof(PP.conf));
	send_crl();
	log_info("configuration reloaded");
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	int	 st, i, alive = 0;
	pid_t	 pid;
	char	 why[256];

	(void)what;
	(void)arg;
	switch (sig) {
	case SIGHUP:
		if (!PP.stopping)
			reload();
		return;
	case SIGTERM:
	case SIGINT:
		stop();
		return;
	case SIGCHLD:
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
			for (i = 0; i < P_COUNT; i++) {
				if (PP.pid[i] != pid)
					continue;
				PP.pid[i] = 0;
				if (!PP.stopping || !WIFEXITED(st) ||
				    WEXITSTATUS(st) != 0) {
					log_warnx("%s process (pid %ld) %s%s",
					    pnames[i], (long)pid,
					    priv_exit_reason(st, why,
					    sizeof(why)), PP.stopping ? "" :
					    "; stopping");
					PP.failed = 1;
				}
				ipc_chan_free(PP.chan[i]);
				PP.chan[i] = NULL;
			}
		}
		if (PP.failed && !PP.stopping) {
			/* Fail closed: the others go too. */
			PP.stopping = 1;
			for (i = 0; i < P_COUNT; i++)
				if (PP.pid[i] > 0)
					kill(PP.pid[i], SIGKILL);
		}
		for (i = 0; i < P_COUNT; i++)
			alive += PP.pid[i] > 0;
		if (alive == 0)
			event_base_loopbreak(PP.base);
		return;
	}
}

/* Relay the runner's news to net and pub. */
static void
on_runner(struct ipc_chan *ch, const struct ipc_hdr *h, const uint8_t *p,
    void *arg)
{
	(void)ch;
	(void)arg;
	switch (h->type) {
	case IPC_TC:
	case IPC_TC_END:
	case IPC_LOAD:
		if (PP.chan[P_NET] != NULL && ipc_send(PP.chan[P_NET], h->type,
		    0, p, h->len) == -1)
			fatal("ipc_send");
		if (PP.chan[P_PUB] != NULL && ipc_send(PP.chan[P_PUB], h->type,
		    0, p, h->len) == -1)
			fatal("ipc_send");
		break;
	case IPC_DRAINED:
		log_debug("runner: all jobs ended");
		break;
	default:
		fatalx("runner: unexpected %s", ipc_type_name(h->type));
	}
}

static void
on_other(struct ipc_chan *ch, const struct ipc_hdr *h, const uint8_t *p,
    void *arg)
{
	(void)ch;
	(void)p;
	(void)arg;
	fatalx("unexpected %s from a child", ipc_type_name(h->type));
}

static void
on_chan_fail(struct ipc_chan *ch, const char *why, void *arg)
{
	(void)ch;
	/* EOF: the child is exiting; SIGCHLD tells us how. */
	if (strcmp(why, "closed") != 0)
		log_warnx("channel to %s: %s", (const char *)arg, why);
}

/*
 * The children are forked: the parent switches to the user too.  It
 * keeps no privilege: what it does from now on (relay messages, signal
 * and reap its children, which have the same uid, re-read the
 * configuration file on SIGHUP, which must therefore be readable by the
 * user) needs none; settings that would need root again (ports, the
 * work directory, the user) only change on a restart.  Not dumpable, so
 * a child of the same uid cannot ptrace it, and no_new_privs.
 */
static void
drop_parent(void)
{
	char	 err[256];

	if (PP.root && priv_drop(&PP.user, err, sizeof(err)) == -1)
		fatalx("parent: cannot switch to user %s: %s", PP.user.name,
		    err);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("PR_SET_DUMPABLE");
	if (confine_no_new_privs() == -1)
		fatal("PR_SET_NO_NEW_PRIVS");
}

/*
 * Fork one child running fn with fds; it first closes every descriptor
 * of all[] (n entries, -1 for none) that is not one of its own.
 */
static pid_t
spawn(int idx, void (*fn)(const struct srvconf *, struct srv_fds *),
    struct srv_fds *fds, const int *all, size_t n)
{
	pid_t	 pid;
	size_t	 i;

	switch ((pid = fork())) {
	case -1:
		fatal("fork");
	case 0:
		for (i = 0; i < n; i++)
			if (all[i] != -1 && all[i] != fds->parent &&
			    all[i] != fds->peer && all[i] != fds->kauth)
				close(all[i]);
		/*
		 * The runner and pub need no root at all: they switch to
		 * the user at once (the runner detects compilers and makes
		 * its work directory as that user).  net binds its ports
		 * and loads its keys first, and kauth its Kerberos keys;
		 * they switch in proc_enter_sandbox, still before their
		 * first untrusted byte.
		 */
		if (idx == P_RUNNER)
			loadmon_cgroup_enter();	/* may need root */
		if (idx != P_NET && idx != P_KAUTH)
			proc_drop_user(pnames[idx]);
		fn(&PP.conf, fds);
		/* NOTREACHED */
	default:
		break;
	}
	log_debug("%s process is pid %ld", pnames[idx], (long)pid);
	return pid;
}

/* The options that are not PP's (those go straight into PP). */
struct opts {
	int	 debug;		/* -d */
	int	 verbose;	/* -v */
	int	 check;		/* -n */
};

/*
 * Parse argv: -f, -p, -P and -u into PP, -d, -n and -v into *o.  Exits
 * 0 after --help and --version, 2 on a usage error (usage()).
 */
static void
parse_opts(int argc, char *argv[], struct opts *o)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*arg;
	int		 ch;

	memset(o, 0, sizeof(*o));
	PP.conf_path = SRVCONF_PATH;
	while ((ch = getopt_long(argc, argv, "df:np:Pu:v", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd':
			o->debug = 1;
			break;
		case 'f':
			PP.conf_path = optarg;
			PP.conf_must_exist = 1;
			break;
		case 'n':
			o->check = 1;
			break;
		case 'p':
			arg = optarg;
			PP.cli_port = 0;
			for (; *arg >= '0' && *arg <= '9' &&
			    PP.cli_port <= 65535; arg++)
				PP.cli_port = PP.cli_port * 10 +
				    (unsigned)(*arg - '0');
			if (*arg != '\0' || PP.cli_port == 0 ||
			    PP.cli_port > 65535)
				usage("-p: a port number, 1 to 65535");
			break;
		case 'P':
			PP.cli_nopublish = 1;
			break;
		case 'u':
			if (!priv_user_name_ok(optarg))
				usage("-u: not a user name");
			PP.cli_user = optarg;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			help();
			exit(0);
		case 'V':
			printf("ccpoold %s\n", VERSION);
			exit(0);
		default:
			usage(NULL);	/* getopt said what was wrong */
		}
	}
	if (optind != argc)
		usage("no operands are taken");
}

/*
 * The configuration at start, into PP: the file, the identity (the key,
 * made if need be) and the user to run as.  Fatal on an error.
 */
static void
start_conf(void)
{
	static char	 abspath[PATH_MAX];
	char		 err[512];

	/* daemon() changes to /: SIGHUP must still find a relative -f. */
	if (PP.conf_path[0] != '/' && realpath(PP.conf_path, abspath) != NULL)
		PP.conf_path = abspath;
	if (load_conf(&PP.conf, err, sizeof(err)) == -1)
		fatalx("%s", err);
	PP.raw = PP.conf;
	if (srvid_resolve(&PP.conf, err, sizeof(err)) == -1)
		fatalx("%s", err);
	PP.root = geteuid() == 0;
	if (PP.root) {
		if (priv_user_lookup(PP.conf.user, &PP.user, err,
		    sizeof(err)) == -1)
			fatalx("%s", err);
	} else {
		PP.user.uid = getuid();
		PP.user.gid = getgid();
	}
}

/*
 * The socketpairs (ctl[i]: the parent's end [0] and child i's [1], -1
 * for pub when not publishing and for kauth outside kerberos mode; peer:
 * runner <-> net; ka: net <-> kauth), then the children.
 */
static void
start_children(int ctl[P_COUNT][2], int peer[2])
{
	struct srv_fds	 fds;
	int		 all[NALL], ka[2] = { -1, -1 }, i, krb;
	size_t		 n;

	krb = strcmp(PP.conf.trust, "krb5") == 0;
	for (i = 0; i < P_COUNT; i++) {
		ctl[i][0] = ctl[i][1] = -1;
		if ((i == P_PUB && !PP.conf.publish) || (i == P_KAUTH && !krb))
			continue;
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
		    ctl[i]) == -1)
			fatal("socketpair");
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, peer) == -1 ||
	    (krb && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    ka) == -1))
		fatal("socketpair");
	for (i = 0, n = 0; i < P_COUNT; i++) {
		all[n++] = ctl[i][0];
		all[n++] = ctl[i][1];
	}
	all[n++] = peer[0];
	all[n++] = peer[1];
	all[n++] = ka[0];
	all[n++] = ka[1];

	/* Children first: they must not inherit the parent's event base. */
	fds.parent = ctl[P_RUNNER][1];
	fds.peer = peer[1];
	fds.kauth = -1;
	PP.pid[P_RUNNER] = spawn(P_RUNNER, runner_main, &fds, all, NALL);
	if (krb) {
		fds.parent = ctl[P_KAUTH][1];
		fds.peer = -1;
		fds.kauth = ka[1];
		PP.pid[P_KAUTH] = spawn(P_KAUTH, kauth_main, &fds, all, NALL);
	}
	fds.parent = ctl[P_NET][1];
	fds.peer = peer[0];
	fds.kauth = ka[0];
	PP.pid[P_NET] = spawn(P_NET, net_main, &fds, all, NALL);
	fds.kauth = -1;
	if (PP.conf.publish) {
		fds.parent = ctl[P_PUB][1];
		fds.peer = -1;
		PP.pid[P_PUB] = spawn(P_PUB, pub_main, &fds, all, NALL);
	} else
		log_info("not advertising (publish = no)");
	if (ka[0] != -1) {
		close(ka[0]);
		close(ka[1]);
	}
}

/*
 * The parent's channels to its children on PP.base, over the parent's
 * ends of ctl; the children's ends are closed here.
 */
static void
open_channels(int ctl[P_COUNT][2])
{
	struct ipc_rules rules;
	struct proto_limits lim;
	char		 err[512];
	int		 i;

	srvconf_limits(&PP.conf, &lim);
	for (i = 0; i < P_COUNT; i++) {
		if (ctl[i][1] != -1)
			close(ctl[i][1]);
		if (ctl[i][0] == -1)
			continue;
		srv_ipc_rules(&rules, i == P_RUNNER ? SRV_PARENT_FROM_RUNNER :
		    SRV_PARENT_FROM_OTHER, &lim);	/* net, pub, kauth */
		PP.chan[i] = ipc_chan_new(PP.base, ctl[i][0], &rules,
		    i == P_RUNNER ? on_runner : on_other, on_chan_fail,
		    (void *)pnames[i], err, sizeof(err));
		if (PP.chan[i] == NULL)
			fatalx("%s", err);
	}
}

/* cgweight_check()'s verdict cgw, with its reason why, in the log. */
static void
log_cgweight(int cgw, const char *why)
{
	if (cgw == 0)
		log_warnx("jobs run SCHED_IDLE but %s: run ccpoold from "
		    "ccpoold.service (ccpool.slice, CPUWeight=1) to keep the "
		    "owner's work first", why);
	else if (cgw == 1)
		log_info("jobs yield to the owner's work: %s", why);
	else
		log_info("cannot tell whether jobs yield to other cgroups: %s",
		    why);
}

int
main(int argc, char *argv[])
{
	struct opts	 o;
	struct event	*sig[4];
	int		 ctl[P_COUNT][2], peer[2], i, cgw;
	size_t		 n;
	const int	 sigs[4] = { SIGHUP, SIGTERM, SIGINT, SIGCHLD };
	char		 err[512], cgwhy[512];

	parse_opts(argc, argv, &o);
	log_init(1, LOG_DAEMON);	/* stderr until we daemonize */
	log_setverbose(o.verbose);
	start_conf();
	if (o.check) {
		fprintf(stderr, "configuration OK\nidentity %s (%s mode): %s\n",
		    PP.conf.identity, PP.conf.trust, PP.conf.fingerprint);
		return 0;
	}
	if (!o.debug) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init(0, LOG_DAEMON);
		log_setverbose(o.verbose);
	}
	log_procinit("parent");
	log_libevent();
	(void)proc_raise_nofile(SRV_NET_FDS(PP.conf.max_conns));
	signal(SIGPIPE, SIG_IGN);
	/* Privileged set-up: the work directory, owned by the user. */
	if (priv_workdir(PP.conf.workdir, PP.user.uid, PP.user.gid, err,
	    sizeof(err)) == -1)
		fatalx("%s", err);
	proc_priv_init(PP.root, &PP.user);
	if (PP.root)
		log_info("processes run as user %s (uid %lu)", PP.user.name,
		    (unsigned long)PP.user.uid);
	else
		log_info("not started as root: no user switch, processes "
		    "run as uid %lu", (unsigned long)PP.user.uid);
	/* Our cgroup, as the jobs will have it: before any privilege goes. */
	cgw = cgweight_check(cgwhy, sizeof(cgwhy));
	start_children(ctl, peer);
	drop_parent();
	if ((PP.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	close(peer[0]);
	close(peer[1]);
	open_channels(ctl);
	for (i = 0; i < 4; i++) {
		sig[i] = evsignal_new(PP.base, sigs[i], on_signal, NULL);
		if (sig[i] == NULL || evsignal_add(sig[i], NULL) == -1)
			fatalx("evsignal");
	}
	on_signal(SIGCHLD, 0, NULL);	/* a child that died already */
	log_info("ccpoold %s started: %u slots, queue %u, sandbox %s, "
	    "trust %s, key %s", VERSION, PP.conf.slots, PP.conf.queue,
	    PP.conf.sandbox, PP.conf.trust, PP.conf.fingerprint);
	log_cgweight(cgw, cgwhy);
	if (PP.conf.distcc_compat && PP.conf.ndistcc_allow > 0)
		log_warnx("WARNING: distcc_compat is on: port %u speaks stock "
		    "distcc's protocol, plaintext and without authentication; "
		    "anyone in distcc_allow (%u networks) can submit compile "
		    "jobs (they still run sandboxed, under the same argv "
		    "policy and limits)", PP.conf.distcc_port,
		    PP.conf.ndistcc_allow);
	for (i = 0, n = 0; i < P_COUNT; i++)
		n += PP.pid[i] > 0;
	if (n > 0)
		event_base_dispatch(PP.base);
	for (i = 0; i < 4; i++)
		event_free(sig[i]);
	for (i = 0; i < P_COUNT; i++)
		ipc_chan_free(PP.chan[i]);
	event_base_free(PP.base);
	log_info("%s", PP.failed ? "stopped after a failure" : "stopped");
	return PP.failed ? 1 : 0;
}
