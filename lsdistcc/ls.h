/*
 * ls.h - what the parts of lsdistcc share: one row per host listed.
 * lsdistcc.c collects rows (from mDNS or DNS), ls_probe.c measures them,
 * ls_print.c prints them.
 */
#ifndef CCPOOL_LS_H
#define CCPOOL_LS_H

#include <stdint.h>
#include <stdio.h>

#include "discovery/disc_hosts.h"

struct event_base;

struct ls_row {
	char		 name[DISC_HOSTNAME_MAX];
	const char	*kind;		/* "ccpool", "distcc", "dns" */
	char		 addr[DISC_ADDRSTR];
	uint16_t	 port;
	int		 known;		/* figures below come from an advert */
	unsigned	 cpus, slots, free_slots, load;
	unsigned	 speed;		/* advertised KiB/s; 0: none */
	char		 toolchains[DISC_TC_MAX * DISC_TC_LEN];
	char		 security[DISC_SEC_MAX];
	char		 principal[DISC_KRB_MAX];	/* sec krb5 */
	char		 cluster[DISC_CLUSTER_MAX];
	char		 id[DISC_FPR_MAX];
	char		 trust[160];	/* ls_trust() */
	int		 statused;	/* --status was asked */
	int		 has_status;	/* the figures below are set */
	char		 status_err[256];	/* or why not */
	unsigned	 st_running, st_queued, st_queue_max;
	unsigned	 st_slots, st_offered, st_load;
	long long	 st_done, st_failed, st_uptime;
	char		 st_version[32];
	int		 probed;	/* -p was asked */
	int		 up;		/* TCP connect succeeded */
	double		 rtt_ms;
};

/*
 * --status: browse mDNS through libccpool on base for settle seconds
 * (cluster: only that cluster's ccpool hosts), then wait, at most a
 * fetch's timeout, until every ccpool server's status page came or
 * failed; a row per host, with its status, into *rows and *n.  0, or
 * -1 with err set (no avahi-daemon, out of memory).
 */
int	ls_status_rows(struct event_base *base, double settle,
	    const char *cluster, struct ls_row **rows, size_t *n, char *err,
	    size_t errlen);

/* Fill row from a discovered host. */
void	ls_row_from_host(struct ls_row *row, const struct disc_host *h);

/*
 * Connect to every row's addr:port at once on base, at most timeout_ms
 * each; sets up and rtt_ms.  Returns 0, or -1 on out-of-memory.
 */
int	ls_probe(struct event_base *base, struct ls_row *rows, size_t n,
	    int timeout_ms);

/*
 * DNS mode: add a row per name that resolves.  A name with one %d is a
 * pattern tried from 1 upwards until 3 names in a row fail to resolve
 * (at most 1000).  Returns rows added, or -1 with err set.
 */
int	ls_dns_rows(const char *name, uint16_t port, struct ls_row **rows,
	    size_t *n, char *err, size_t errlen);

/*
 * Fill each row's trust with what this user's agent would make of it
 * from its advert: pinned, new, new (run: ccpool trust NAME) under
 * CCPOOL_TRUST=explicit, site, or UNTRUSTED (why) (common/trust.h).
 * Reads the user's identity and pins; changes nothing.
 */
void	ls_trust(struct ls_row *rows, size_t n);

void	ls_sort(struct ls_row *rows, size_t n);
void	ls_print_table(FILE *f, const struct ls_row *rows, size_t n);
int	ls_print_json(FILE *f, const struct ls_row *rows, size_t n);
void	ls_print_hosts(FILE *f, const struct ls_row *rows, size_t n);

#endif
