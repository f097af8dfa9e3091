/*
 * ccpool.h - libccpool, the public client library of ccpool: follow the
 * compile hosts of the LAN (ccpoold servers and stock distccd, found by
 * mDNS/DNS-SD through avahi-daemon) and each ccpoold's status page.
 *
 * Everything runs on the caller's event loop through Avahi's loop
 * abstraction, a const AvahiPoll * (avahi-common/watch.h): GLib programs
 * get one from avahi-glib (avahi_glib_poll_new), libevent programs from
 * ccpool_evpoll_new() below.  The library never blocks that loop, starts
 * no thread, never prints and never exits: errors come back as text in
 * a caller's buffer (err, errlen) or from an accessor.
 *
 * Types are opaque and read through accessor functions, so that new
 * fields do not change the ABI.  The manual is libccpool(3).  Not thread
 * safe: call it from the loop's thread.
 */
#ifndef CCPOOL_CCPOOL_H
#define CCPOOL_CCPOOL_H

#include <stddef.h>
#include <stdint.h>

#include <avahi-common/watch.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version, "0.1.0". */
const char	*ccpool_version(void);

/* --- libevent users: an AvahiPoll over an event_base --- */

struct event_base;
struct ccpool_evpoll;

/*
 * An AvahiPoll driven by base (which stays the caller's).  Free it after
 * every object that uses it.  NULL on out-of-memory.
 */
struct ccpool_evpoll *ccpool_evpoll_new(struct event_base *base);
const AvahiPoll	*ccpool_evpoll_get(struct ccpool_evpoll *p);
void		 ccpool_evpoll_free(struct ccpool_evpoll *p);

/* --- the monitor: the live host list and its status pages --- */

struct ccpool_mon;
struct ccpool_host;
struct ccpool_status;

enum ccpool_event {
	CCPOOL_HOST_JOINED,	/* a host appeared */
	CCPOOL_HOST_CHANGED,	/* its advert changed (slots, load, ...) */
	CCPOOL_HOST_LEFT,	/* it went away; last time h is valid */
	CCPOOL_STATUS,		/* its status page was fetched, or failed */
	CCPOOL_JOBS		/* the user's jobs were read from their
				   agent, or the agent could not be asked
				   (h is NULL) */
};

enum ccpool_kind {
	CCPOOL_KIND_CCPOOL,	/* a ccpoold (_ccpool._tcp) */
	CCPOOL_KIND_DISTCC	/* a distccd (_distcc._tcp) */
};

#define CCPOOL_MON_OPTS_VERSION	2

/*
 * What a monitor follows.  Fill it with ccpool_mon_opts_init() first,
 * then change fields: later versions only add fields at the end, and
 * the library reads only those of the version the struct says.
 */
struct ccpool_mon_opts {
	unsigned	 version;	/* CCPOOL_MON_OPTS_VERSION */
	const char	*cluster;	/* ccpool hosts of this cluster only;
					   NULL (default): every cluster */
	int		 distcc;	/* also stock distccd hosts (default 1) */
	int		 status;	/* fetch status pages (default 1) */
	unsigned	 interval_ms;	/* between two fetches of one host
					   (default 2000, at least 250) */
	unsigned	 timeout_ms;	/* per fetch (default 3000, at least
					   100) */
	int		 no_fail;	/* wait for avahi-daemon when it is
					   not running, survive its restarts
					   (default 0: ccpool_mon_new fails) */
	/* optional: told of dropped adverts and of avahi-daemon coming and
	 * going; msg is escaped, valid during the call */
	void		(*warn)(const char *msg, void *arg);
	void		*warn_arg;
	/* version 2 */
	int		 jobs;		/* follow this user's jobs through
					   their ccpool-agent (default 1);
					   the agent is asked, never
					   started */
	unsigned	 jobs_interval_ms; /* between two asks (default 1000,
					   at least 100) */
};

void		 ccpool_mon_opts_init(struct ccpool_mon_opts *o);

/*
 * Told of every event; h is valid during the call (and until the host
 * leaves).  The callback may read the monitor and its hosts, but must
 * not free the monitor.
 */
typedef void	(*ccpool_mon_cb)(struct ccpool_mon *m, enum ccpool_event ev,
		    const struct ccpool_host *h, void *arg);

/*
 * Start following the hosts on the loop behind api, which must outlive
 * the monitor.  opts may be NULL (the defaults); cb may be NULL (poll
 * with ccpool_mon_count/ccpool_mon_host instead).  Returns NULL with err
 * set when avahi-daemon cannot be reached (unless opts->no_fail), on a
 * bad option or on out-of-memory.
 */
struct ccpool_mon *ccpool_mon_new(const AvahiPoll *api,
		    const struct ccpool_mon_opts *opts, ccpool_mon_cb cb,
		    void *arg, char *err, size_t errlen);

/* Stops every fetch and frees every host; NULL is a no-op. */
void		 ccpool_mon_free(struct ccpool_mon *m);

/* 1 while connected to avahi-daemon and browsing. */
int		 ccpool_mon_running(const struct ccpool_mon *m);

/* Hosts known now, and the i-th (0 <= i < count, in no set order). */
size_t		 ccpool_mon_count(const struct ccpool_mon *m);
const struct ccpool_host *ccpool_mon_host(const struct ccpool_mon *m,
		    size_t i);

/*
 * The cluster as this user can use it now, from the adverts of the hosts
 * whose ccpool_host_usable() is 1: slots offered, slots free, and the -j
 * to give make: every usable slot plus this machine's CPUs (jobs that
 * wait for a slot preprocess here meanwhile), at least 1.  Any pointer
 * may be NULL.
 */
void		 ccpool_mon_capacity(const struct ccpool_mon *m,
		    unsigned *slots, unsigned *free_slots, unsigned *jobs);

/* --- a host: its advert --- */

/* The DNS-SD instance name (unique per kind). */
const char	*ccpool_host_name(const struct ccpool_host *h);
/* The mDNS host name, e.g. "build1.local". */
const char	*ccpool_host_hostname(const struct ccpool_host *h);
enum ccpool_kind ccpool_host_kind(const struct ccpool_host *h);
/* "ccpool" or "distcc". */
const char	*ccpool_kind_name(enum ccpool_kind k);
/* The service port (jobs). */
uint16_t	 ccpool_host_port(const struct ccpool_host *h);
/* Numeric addresses, IPv4 first; an IPv6 link-local one ends %ifname. */
size_t		 ccpool_host_naddr(const struct ccpool_host *h);
const char	*ccpool_host_addr(const struct ccpool_host *h, size_t i);

/* The rest of the advert; "" or 0 for a distccd unless said. */
const char	*ccpool_host_cluster(const struct ccpool_host *h);
/* The security mode it announces: "open" or "site". */
const char	*ccpool_host_security(const struct ccpool_host *h);
/* Its key, "sha256:<64 hex>", or "" when the advert has none. */
const char	*ccpool_host_fingerprint(const struct ccpool_host *h);
/* CPUs (a distccd's too). */
unsigned	 ccpool_host_cpus(const struct ccpool_host *h);
/* Slots offered now (a distccd: its jobs= figure), and free of them. */
unsigned	 ccpool_host_slots(const struct ccpool_host *h);
unsigned	 ccpool_host_free_slots(const struct ccpool_host *h);
/* Foreign load, percent of the machine (0..100). */
unsigned	 ccpool_host_load(const struct ccpool_host *h);
/* Toolchain ids of the advert; a distccd's "cc_machine-cc_version". */
size_t		 ccpool_host_ntoolchains(const struct ccpool_host *h);
const char	*ccpool_host_toolchain(const struct ccpool_host *h,
		    size_t i);
/* The status page's port, 0 when none is advertised. */
uint16_t	 ccpool_host_status_port(const struct ccpool_host *h);

/*
 * What this user's agent makes of the host's advert, by the agent's own
 * rules (CCPOOL_TRUST, the user's pins in ~/.config/ccpool/known_servers,
 * their site identity), read-only: nothing is pinned.  The words are
 * those of `ccpool --hosts` and lsdistcc's TRUST column: "pinned",
 * "site", "new" (would be pinned on first use), "ask" (explicit mode: not
 * pinned), "UNTRUSTED (...)" with the reason, "none (distcc)".
 * ccpool_host_usable() is 1 when the agent would send it jobs.
 */
const char	*ccpool_host_trust(const struct ccpool_host *h);
int		 ccpool_host_usable(const struct ccpool_host *h);

/* --- a host: its status page --- */

/*
 * The last status page fetched, or NULL when none was (not yet, not
 * fetchable, or the last fetch failed: see ccpool_host_status_error).
 * Valid until the next event about h.
 */
const struct ccpool_status *ccpool_host_status(const struct ccpool_host *h);

/*
 * Why the last fetch failed, or why h is not fetched (a distccd, no
 * status port, no key in its advert: the key is pinned, so never
 * unpinned), or NULL after a good fetch and before any.
 */
const char	*ccpool_host_status_error(const struct ccpool_host *h);

/* Milliseconds since that page or error came, -1 if none did yet. */
int64_t		 ccpool_host_status_age_ms(const struct ccpool_host *h);

/* The page's fields (doc/server.md, "Status page"). */
const char	*ccpool_status_name(const struct ccpool_status *s);
const char	*ccpool_status_version(const struct ccpool_status *s);
unsigned	 ccpool_status_protocol(const struct ccpool_status *s);
const char	*ccpool_status_cluster(const struct ccpool_status *s);
int64_t		 ccpool_status_uptime(const struct ccpool_status *s);
int		 ccpool_status_stopping(const struct ccpool_status *s);
/* Configured slots, slots offered now, foreign load in percent. */
unsigned	 ccpool_status_slots(const struct ccpool_status *s);
unsigned	 ccpool_status_offered(const struct ccpool_status *s);
unsigned	 ccpool_status_foreign_load(const struct ccpool_status *s);
/* Jobs running, queued, the queue's size, client connections. */
unsigned	 ccpool_status_running(const struct ccpool_status *s);
unsigned	 ccpool_status_queued(const struct ccpool_status *s);
unsigned	 ccpool_status_queue_max(const struct ccpool_status *s);
unsigned	 ccpool_status_connections(const struct ccpool_status *s);
/* Toolchains: id and compiler ("gcc 12.2.0"). */
size_t		 ccpool_status_ntoolchains(const struct ccpool_status *s);
const char	*ccpool_status_toolchain_id(const struct ccpool_status *s,
		    size_t i);
const char	*ccpool_status_toolchain_compiler(
		    const struct ccpool_status *s, size_t i);
/* Counters since the server started. */
int64_t		 ccpool_status_jobs_done(const struct ccpool_status *s);
int64_t		 ccpool_status_jobs_failed(const struct ccpool_status *s);
int64_t		 ccpool_status_bytes_in(const struct ccpool_status *s);
int64_t		 ccpool_status_bytes_out(const struct ccpool_status *s);

/*
 * Schema 2 (doc/status.md): 1 for a page without the fields below (an
 * older ccpoold), when they read as none.
 */
unsigned	 ccpool_status_schema(const struct ccpool_status *s);

enum ccpool_slot_state {
	CCPOOL_SLOT_IDLE,	/* offered, free */
	CCPOOL_SLOT_BUSY,	/* compiling a job */
	CCPOOL_SLOT_CLOSED,	/* not offered now: the owner's load */
	CCPOOL_SLOT_UNKNOWN	/* i out of range, or a schema 1 page */
};

/* "idle", "busy", "closed", "unknown". */
const char	*ccpool_slot_state_name(enum ccpool_slot_state st);
/*
 * Slot i (0 <= i < ccpool_status_slots()): its state and for how long,
 * in milliseconds before the page was made (-1 when unknown).
 */
enum ccpool_slot_state ccpool_status_slot_state(
		    const struct ccpool_status *s, size_t i);
int64_t		 ccpool_status_slot_since_ms(const struct ccpool_status *s,
		    size_t i);

/*
 * The last jobs the server finished, any user's, newest first: the slot
 * that ran it, when it ended (ms before the page was made), how long it
 * compiled (ms), its toolchain id, 1 if it succeeded.  Never a file
 * name, an argument or a client.
 */
size_t		 ccpool_status_nrecent(const struct ccpool_status *s);
unsigned	 ccpool_status_recent_slot(const struct ccpool_status *s,
		    size_t i);
int64_t		 ccpool_status_recent_end_ms(const struct ccpool_status *s,
		    size_t i);
int64_t		 ccpool_status_recent_ms(const struct ccpool_status *s,
		    size_t i);
const char	*ccpool_status_recent_toolchain(
		    const struct ccpool_status *s, size_t i);
int		 ccpool_status_recent_ok(const struct ccpool_status *s,
		    size_t i);

/*
 * The last minute, one sample a second, oldest first: the foreign load
 * (percent of the machine), memory in use (percent), jobs running.
 */
size_t		 ccpool_status_history_len(const struct ccpool_status *s);
unsigned	 ccpool_status_history_load(const struct ccpool_status *s,
		    size_t i);
unsigned	 ccpool_status_history_mem(const struct ccpool_status *s,
		    size_t i);
unsigned	 ccpool_status_history_running(
		    const struct ccpool_status *s, size_t i);

/* --- the user's own jobs, from their ccpool-agent --- */

struct ccpool_jobs;

enum ccpool_phase {
	CCPOOL_PHASE_WAIT,	/* waiting for a place to run */
	CCPOOL_PHASE_CPP,	/* preprocessing here */
	CCPOOL_PHASE_SEND,	/* sending to the server */
	CCPOOL_PHASE_COMPILE,	/* compiling on the server */
	CCPOOL_PHASE_RECEIVE,	/* the object coming back */
	CCPOOL_PHASE_LOCAL,	/* compiling on this machine */
	CCPOOL_PHASE_DONE,	/* finished, succeeded */
	CCPOOL_PHASE_FAILED	/* finished, failed (the compiler's error
				   or a failure the wrapper fell back from) */
};

/* "wait", "cpp", "send", "compile", "receive", "local", "done", "failed". */
const char	*ccpool_phase_name(enum ccpool_phase p);

/*
 * The last answer of the user's agent (opts.jobs): the jobs running and
 * the last finished ones (up to a few hundred, so that none is missed
 * between two asks), or NULL when there is none; then
 * ccpool_mon_jobs_error() says why ("the agent is not running", ...).
 * Valid until the next CCPOOL_JOBS event.
 */
const struct ccpool_jobs *ccpool_mon_jobs(const struct ccpool_mon *m);
const char	*ccpool_mon_jobs_error(const struct ccpool_mon *m);

/*
 * Jobs, oldest first.  Each: the agent's id (grows by one per job, so a
 * reader sees which it has not seen), the source file as the wrapper
 * named it, the server's DNS-SD name ("" when local), the phase, when it
 * started and ended (ms before the answer came; end -1 while it runs),
 * bytes sent and received, the compiler's exit status (-1 while it runs,
 * and for a job compiled on this machine: the agent does not see that
 * compiler's status).  A job placed here at its hello has no file name
 * yet ("").
 */
size_t		 ccpool_jobs_count(const struct ccpool_jobs *j);
uint64_t	 ccpool_job_id(const struct ccpool_jobs *j, size_t i);
const char	*ccpool_job_file(const struct ccpool_jobs *j, size_t i);
const char	*ccpool_job_host(const struct ccpool_jobs *j, size_t i);
enum ccpool_phase ccpool_job_phase(const struct ccpool_jobs *j, size_t i);
int64_t		 ccpool_job_start_ms(const struct ccpool_jobs *j, size_t i);
int64_t		 ccpool_job_end_ms(const struct ccpool_jobs *j, size_t i);
int64_t		 ccpool_job_bytes_out(const struct ccpool_jobs *j, size_t i);
int64_t		 ccpool_job_bytes_in(const struct ccpool_jobs *j, size_t i);
int		 ccpool_job_status(const struct ccpool_jobs *j, size_t i);
/* Milliseconds since the answer came. */
int64_t		 ccpool_jobs_age_ms(const struct ccpool_jobs *j);

#ifdef __cplusplus
}
#endif

#endif
