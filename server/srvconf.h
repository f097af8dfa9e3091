/*
 * srvconf.h - ccpoold's configuration: defaults, the `key = value` file
 * parser, and the access list.
 *
 * struct srvconf is plain data (no pointers), so the parent can send it
 * whole to its children as one fixed-size IPC_CONF message.  Every key
 * is optional: the defaults need no file.  The keys are listed in
 * doc/server.md and man/ccpoold.8.  Pure library code: no I/O except
 * srvconf_load reading the file.
 */
#ifndef CCPOOL_SRVCONF_H
#define CCPOOL_SRVCONF_H

#include <stddef.h>
#include <stdint.h>

#include "common/proto.h"
#include "discovery/disc_txt.h"

#define SRVCONF_PATH		"/etc/ccpool/ccpoold.conf"
#define SRVCONF_KEYTAB		"/etc/ccpool/ccpoold.keytab"
#define SRVCONF_PORT		3633
#define SRVCONF_STATUS_PORT	3634
#define SRVCONF_DISTCC_PORT	3632	/* stock distccd's */
#define SRVCONF_FILE_MAX	65536	/* bytes in a config file */
#define SRVCONF_LINE_MAX	1024
#define SRVCONF_LISTEN_MAX	8
#define SRVCONF_ALLOW_MAX	64
#define SRVCONF_NAME_MAX	64	/* instance name, incl. NUL */
#define SRVCONF_SLOTS_MAX	1024
#define SRVCONF_QUEUE_MAX	4096

/* An address with a prefix length: one `allow` entry. */
struct srvconf_cidr {
	int		 family;	/* AF_INET or AF_INET6 */
	uint8_t		 addr[16];	/* network byte order */
	unsigned	 prefix;	/* 0..32 or 0..128 */
};

/* A listen address, parsed. */
struct srvconf_addr {
	int		 family;
	uint8_t		 addr[16];
	char		 text[48];	/* as written, for logs */
};

struct srvconf {
	unsigned	 port;		/* jobs */
	unsigned	 status_port;	/* HTTP status; 0: off */
	unsigned	 slots;		/* concurrent compiles */
	unsigned	 queue;		/* waiting jobs beyond the slots */
	unsigned	 load_tolerance;	/* foreign CPU load that costs no
					 * slot, % of one CPU (load.h) */
	unsigned	 memory_pressure; /* memory PSI %: no new job (100: off) */
	unsigned	 max_input_mb;	/* preprocessed source */
	unsigned	 max_output_mb;	/* object (stdout, stderr, deps: 16 MiB) */
	unsigned	 max_mem_mb;	/* RLIMIT_AS of a compile; 0: none */
	unsigned	 job_timeout;	/* seconds of wall time per compile */
	unsigned	 grace;		/* seconds running jobs get at SIGTERM */
	unsigned	 max_conns;	/* client connections at once */
	int		 calibrate;	/* time a compile at start (calib.h) */
	int		 publish;	/* advertise over mDNS */
	int		 distcc_compat;	/* the distcc listener (server/dcc_conn.c) */
	unsigned	 distcc_port;
	char		 cluster[DISC_CLUSTER_MAX];
	char		 name[SRVCONF_NAME_MAX];	/* "": host name */
	char		 workdir[256];	/* parent of the private job dir */
	char		 sandbox[16];	/* job sandbox: "linux" or "none" */
	char		 user[32];	/* the user to run as when started as root */
	char		 trust[8];	/* "auto", "open", "site", "krb5" */
	char		 auth[8];	/* "tls"; "gssapi": kerberos mode */
	char		 keytab[256];	/* kerberos: the service's keys */
	char		 gss_principal[256];	/* "": ccpool/<fqdn> */
	char		 identity[256];	/* key file; "": the default */
	char		 crl[256];	/* site: revocation list; "": none */
	char		 allow_users[512];	/* site: "" or names */
	char		 allow_groups[512];	/* site: "" or names */
	unsigned	 user_max_jobs;	/* per client identity; 0: no cap */
	char		 fingerprint[72];	/* set by the parent */
	char		 dns_update[512];	/* "zone key-file [server]" or
						   "": no DNS-SD registration */
	unsigned	 dns_ttl;	/* TTL of the records registered */
	unsigned	 nlisten;	/* 0: all addresses */
	struct srvconf_addr listen[SRVCONF_LISTEN_MAX];
	unsigned	 nallow;	/* 0: everyone */
	struct srvconf_cidr allow[SRVCONF_ALLOW_MAX];
	unsigned	 ndistcc_allow;	/* 0: no distcc listener */
	struct srvconf_cidr distcc_allow[SRVCONF_ALLOW_MAX];
};

/* Defaults: ncpu slots and queue (at least 1), ports 3633/3634, ... */
void	srvconf_defaults(struct srvconf *c, unsigned ncpu);

/*
 * Apply the text of a config file (len bytes, untrusted: any bytes) on
 * top of *c.  Returns 0, or -1 with err set to "line N: why"; *c is then
 * unchanged.  A key given twice is an error, except listen and allow,
 * which add an entry each.
 */
int	srvconf_parse(struct srvconf *c, const char *text, size_t len,
	    char *err, size_t errlen);

/*
 * Read path and apply it with srvconf_parse.  If the file does not exist
 * and must_exist is 0, returns 0 and leaves *c alone.  -1 with err set on
 * any other failure.
 */
int	srvconf_load(struct srvconf *c, const char *path, int must_exist,
	    char *err, size_t errlen);

/*
 * Whether a peer may use the server: 1 if the allow list is empty or
 * holds a match for addr (family AF_INET: 4 bytes, AF_INET6: 16; an
 * IPv4-mapped IPv6 address also matches IPv4 entries), else 0.
 */
int	srvconf_allowed(const struct srvconf *c, int family,
	    const uint8_t *addr);

/*
 * Whether a stock distcc client at addr may use the distcc listener: 1 if
 * distcc_allow holds a match (as srvconf_allowed), 0 otherwise, and
 * always 0 while the list is empty (it has no default).
 */
int	srvconf_distcc_allowed(const struct srvconf *c, int family,
	    const uint8_t *addr);

/* Whether allow_groups names group. */
int	srvconf_group_listed(const struct srvconf *c, const char *group);

/*
 * Whether a site user called name with groups may compile: 1 if neither
 * allow_users nor allow_groups is set, or name is in allow_users, or one
 * of groups is in allow_groups (lists of names separated by commas or
 * spaces); else 0.
 */
int	srvconf_user_allowed(const struct srvconf *c, const char *name,
	    const char (*groups)[64], size_t ngroups);

/* The protocol limits the configuration implies. */
void	srvconf_limits(const struct srvconf *c, struct proto_limits *lim);

#endif
