/*
 * cpl_status.h - a ccpoold status page (doc/server.md, "Status page")
 * as a typed struct, and its parser.
 *
 * The page comes from any host that advertises itself on the LAN (its
 * key is pinned, but a pinned key only says who sent the bytes, not that
 * they are sane), so the parser is strict: every field it keeps has the
 * type and range the schema gives, strings are bounded, valid UTF-8 and
 * free of control characters, or the whole page is refused with a reason.
 * Keys it does not know are skipped, so the server may add fields.
 *
 * Schema 2 (doc/status.md) adds slot_states, recent and history, read
 * when "schema" is 2 or more and then required, as strictly; only what
 * fits is kept (the first CPL_SLOT_STATES_MAX slots, the newest
 * CPL_RECENT_MAX jobs, the last CPL_HIST_MAX samples), a state word we do
 * not know reads as CPL_SLOT_OTHER, and a history at another interval
 * than one second is skipped: a later server may say more.
 */
#ifndef CCPOOL_CPL_STATUS_H
#define CCPOOL_CPL_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "discovery/disc_txt.h"

#define CPL_STATUS_MAX		65536		/* bytes of JSON we read */
#define CPL_NAME_MAX		256		/* name, incl. NUL */
#define CPL_VERSION_MAX		32
#define CPL_COMPILER_MAX	64
#define CPL_REFUSED_MAX		16		/* refusal reasons kept */
#define CPL_REASON_MAX		16
#define CPL_COUNT_MAX		(INT64_C(1) << 53)	/* counters */
#define CPL_SLOTS_MAX		DISC_LIMIT_CPUS * 4	/* slots, queues */
#define CPL_CONNS_MAX		1000000
#define CPL_SLOT_STATES_MAX	256		/* slot_states kept */
#define CPL_RECENT_MAX		32		/* recent jobs kept */
#define CPL_HIST_MAX		60		/* history samples kept */
#define CPL_HIST_INTERVAL_MS	1000		/* the one we understand */

/* A slot's state (schema 2); CPL_SLOT_OTHER: a word we do not know. */
enum cpl_slot_state { CPL_SLOT_IDLE, CPL_SLOT_BUSY, CPL_SLOT_CLOSED,
	CPL_SLOT_OTHER };

struct cpl_slot {
	uint8_t		 state;		/* enum cpl_slot_state */
	int64_t		 since_ms;
};

struct cpl_recent {
	unsigned	 slot;
	int64_t		 end_ms, ms;
	char		 tc[DISC_TC_LEN];
	int		 ok;
};

struct cpl_sample {
	uint8_t		 load, mem;	/* percent */
	unsigned	 running;
};

struct cpl_tc {
	char		 id[DISC_TC_LEN];
	char		 compiler[CPL_COMPILER_MAX];
};

struct cpl_refused {
	char		 reason[CPL_REASON_MAX];
	int64_t		 count;
};

struct cpl_status {
	char		 name[CPL_NAME_MAX];
	char		 version[CPL_VERSION_MAX];
	unsigned	 protocol;
	char		 cluster[DISC_CLUSTER_MAX];
	int64_t		 uptime_s;
	int		 stopping;
	unsigned	 slots, offered, foreign_load;
	unsigned	 running, queued, queue_max, connections;
	unsigned	 ntc;
	struct cpl_tc	 tc[DISC_TC_MAX];
	/* counters */
	int64_t		 conns_total, jobs_done, jobs_failed;
	int64_t		 bytes_in, bytes_out;
	unsigned	 nrefused;
	struct cpl_refused refused[CPL_REFUSED_MAX];
	/* schema 2 (doc/status.md); all zero for schema 1 */
	unsigned	 schema;	/* 1 when the page has none */
	unsigned	 nslot;		/* the first CPL_SLOT_STATES_MAX */
	struct cpl_slot	 slot[CPL_SLOT_STATES_MAX];
	unsigned	 nrecent;	/* newest first */
	struct cpl_recent recent[CPL_RECENT_MAX];
	unsigned	 nhist;		/* oldest first; 0 when the page's
					 * interval is not 1 s */
	struct cpl_sample hist[CPL_HIST_MAX];
};

/*
 * Parse len bytes of untrusted JSON (no NUL needed; at most
 * CPL_STATUS_MAX) into *out.  Returns 0, or -1 with err saying why: not
 * JSON, trailing bytes, too deep, a required key missing, a wrong type, a
 * number out of range, a bad string.  *out is unspecified on failure.
 * Pure: no I/O, no globals.
 */
int	cpl_status_parse(const char *json, size_t len, struct cpl_status *out,
	    char *err, size_t errlen);

#endif
