/*
 * traymodel.h - what ccpool-tray shows, as plain data: a snapshot of the
 * monitor (tray_snap: hosts, their status pages, the user's jobs) and the
 * pure functions over it (state and icon, label, menu lines, Gantt bars,
 * the differences worth a notification, the dump).  No GTK and no call
 * into libccpool here: tray/traysnap.c fills a snapshot from the library,
 * the GTK files only draw what these functions return, and the unit tests
 * (tests/unit/test_traymodel.c) build snapshots by hand.
 *
 * Times in a snapshot are milliseconds before the snapshot was taken
 * ("now"), already corrected for the age of the page they came from.
 */
#ifndef CCPOOL_TRAYMODEL_H
#define CCPOOL_TRAYMODEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <ccpool.h>

#define TRAY_WINDOW_MS	60000	/* the Gantt strip: the last minute */
#define TRAY_SLOTS_MAX	64	/* slots drawn per host */
#define TRAY_RECENT_MAX	64	/* finished jobs kept per host */
#define TRAY_NAME_MAX	64
#define TRAY_TEXT_MAX	128

enum tray_state {
	TRAY_NONE,		/* no host at all */
	TRAY_IDLE,		/* hosts, none of the user's jobs running */
	TRAY_WORKING,		/* the user's jobs are running */
	TRAY_WARNING		/* an UNTRUSTED host, or the agent died
				   under running jobs */
};

struct tray_recent {
	unsigned	 slot;
	int64_t		 end_ms;	/* before now */
	int64_t		 ms;		/* how long it compiled */
	int		 ok;
};

struct tray_host {
	char		 name[TRAY_NAME_MAX];
	char		 trust[TRAY_TEXT_MAX];
	char		 fingerprint[TRAY_TEXT_MAX];
	int		 distcc;
	int		 usable;
	/* the advert */
	unsigned	 slots, free_slots, load;
	/* the status page, when has_status */
	int		 has_status;
	char		 status_err[TRAY_TEXT_MAX];
	unsigned	 st_slots, offered, running, queued, queue_max;
	size_t		 nslot;
	enum ccpool_slot_state slot[TRAY_SLOTS_MAX];
	int64_t		 since_ms[TRAY_SLOTS_MAX];	/* -1: unknown */
	size_t		 nrecent;
	struct tray_recent recent[TRAY_RECENT_MAX];
};

struct tray_job {
	uint64_t	 id;
	char		 file[TRAY_TEXT_MAX];
	char		 host[TRAY_NAME_MAX];	/* "" when local */
	enum ccpool_phase phase;
	int64_t		 start_ms;	/* before now */
	int64_t		 end_ms;	/* before now; -1 while it runs */
	int		 status;
};

struct tray_snap {
	struct tray_host *host;		/* sorted by name (tray_snap_sort) */
	size_t		 nhost, hcap;
	struct tray_job	*job;		/* oldest first */
	size_t		 njob, jcap;
	int		 jobs_ok;	/* the agent answered */
	int		 agent_died;	/* it stopped answering while jobs
					   of its last answer ran */
	char		 jobs_err[TRAY_TEXT_MAX];
	unsigned	 cap_slots, cap_free, cap_jobs;
	int		 mon_running;
};

/* The differences between two snapshots worth telling the user. */
enum tray_ev_kind { TRAY_EV_JOINED, TRAY_EV_LEFT, TRAY_EV_TRUST };
struct tray_event {
	enum tray_ev_kind kind;
	char		 name[TRAY_NAME_MAX];
	char		 was[TRAY_TEXT_MAX];	/* TRAY_EV_TRUST: before */
	char		 now[TRAY_TEXT_MAX];	/* TRAY_EV_TRUST: after */
};

/* One bar of the Gantt strip: row, from..to ms before now (from >= to). */
enum tray_bar_kind {
	TRAY_BAR_BUSY,		/* a slot compiling now */
	TRAY_BAR_CLOSED,	/* a slot not offered */
	TRAY_BAR_OK,		/* a finished job */
	TRAY_BAR_FAILED,	/* a failed one */
	TRAY_BAR_PHASE		/* one of the user's jobs: see phase */
};
struct tray_bar {
	size_t		 row;
	int64_t		 from_ms, to_ms;
	enum tray_bar_kind kind;
	enum ccpool_phase phase;
};

/* traymodel.c */
void		 tray_snap_init(struct tray_snap *s);
void		 tray_snap_clear(struct tray_snap *s);	/* frees, reinits */
/* A zeroed slot at the end, NULL on out-of-memory. */
struct tray_host *tray_snap_add_host(struct tray_snap *s);
struct tray_job	*tray_snap_add_job(struct tray_snap *s);
void		 tray_snap_sort(struct tray_snap *s);
const struct tray_host *tray_snap_find(const struct tray_snap *s,
		    const char *name);
int		 tray_job_running(const struct tray_job *j);
int		 tray_host_untrusted(const struct tray_host *h);
enum tray_state	 tray_state(const struct tray_snap *s);
const char	*tray_state_name(enum tray_state st);
const char	*tray_state_icon(enum tray_state st);
/* "5 hosts · 18/24 slots free" and the like, into buf. */
void		 tray_label(const struct tray_snap *s, char *buf, size_t len);
/* One menu line per host and per running job. */
void		 tray_host_line(const struct tray_host *h, char *buf,
		    size_t len);
void		 tray_job_line(const struct tray_job *j, char *buf,
		    size_t len);
/* Up to max events from old to new; returns how many. */
size_t		 tray_diff(const struct tray_snap *old,
		    const struct tray_snap *new_, struct tray_event *ev,
		    size_t max);

/* traybars.c */
/* The bars of h's slots in the last window_ms, rows 0..nslot-1. */
size_t		 tray_host_bars(const struct tray_host *h, int64_t window_ms,
		    struct tray_bar *out, size_t max);
/* The user's jobs of the last window_ms in rows row0.. (*nrows of them). */
size_t		 tray_job_bars(const struct tray_snap *s, int64_t window_ms,
		    size_t row0, struct tray_bar *out, size_t max,
		    size_t *nrows);

/* traydump.c: the model as the window shows it, for tests and scripts. */
void		 tray_dump_text(const struct tray_snap *s, FILE *f);
int		 tray_dump_json(const struct tray_snap *s, FILE *f);

#endif
