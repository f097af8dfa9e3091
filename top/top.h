/*
 * top.h - ccpool-top, the terminal monitor of the cluster: its snapshot
 * (what one frame shows, copied out of libccpool by topsnap.c) and the
 * pure functions that turn a snapshot into lines (topmodel.c) or JSON
 * (topjson.c).  Only topsnap.c and top.c know libccpool; the rest reads
 * the snapshot, so it is tested without the library
 * (tests/unit/test_topmodel.c).
 */
#ifndef CCPOOL_TOP_H
#define CCPOOL_TOP_H

#include <stddef.h>
#include <stdint.h>

#define TOP_STRIP_S	60	/* the activity strip: the last minute */
#define TOP_SLOT_MAX	64	/* slots shown per host */
#define TOP_RECENT_MAX	128	/* recent jobs kept per host */
#define TOP_JOB_MAX	256	/* the user's jobs kept */
#define TOP_LINE_MAX	512	/* bytes of one rendered line */

/* a slot's state, as one character of the strip */
#define TOP_SLOT_IDLE	'.'
#define TOP_SLOT_BUSY	'#'
#define TOP_SLOT_CLOSED	'-'
#define TOP_SLOT_UNKNOWN ' '

struct top_recent {
	unsigned	 slot;
	int64_t		 end_ms;	/* before the page was made */
	int64_t		 ms;		/* how long it compiled */
	int		 ok;
};

struct top_host {
	char		 name[64];
	char		 kind[8];	/* "ccpool", "distcc" */
	char		 trust[80];	/* ccpool_host_trust() */
	int		 usable;
	unsigned	 cpus, slots, free_slots, load;	/* the advert */
	int		 has_status;	/* the fields below are read */
	char		 status_error[128];	/* "" when none */
	int64_t		 age_ms;	/* of the page, -1 when none */
	unsigned	 st_slots, offered, running, queued, queue_max;
	unsigned	 foreign_load;
	size_t		 nslot;		/* per-slot states (schema 2) */
	char		 slot_state[TOP_SLOT_MAX];
	int64_t		 slot_since_ms[TOP_SLOT_MAX];	/* -1: unknown */
	size_t		 nrecent;
	struct top_recent recent[TOP_RECENT_MAX];
	unsigned	 my_jobs;	/* the user's jobs running there */
};

struct top_job {
	uint64_t	 id;
	char		 file[128];
	char		 host[64];	/* "" when local */
	char		 phase[12];	/* ccpool_phase_name() */
	int		 running;	/* not done nor failed */
	int64_t		 start_ms, end_ms;	/* before the answer; end -1 */
	int		 status;	/* exit status, -1 while it runs */
};

enum top_sort {
	TOP_SORT_NAME,		/* by name */
	TOP_SORT_BUSY,		/* most slots in use first */
	TOP_SORT_FREE,		/* most free slots first */
	TOP_SORT_N
};

struct top_snap {
	int		 running;	/* connected to avahi-daemon */
	char		 avahi_error[128];	/* why not, "" if none */
	size_t		 nhost;
	struct top_host	*host;		/* nhost of them, owned */
	int		 has_jobs;	/* the agent answered */
	char		 jobs_error[128];	/* why not, "" if none */
	size_t		 njob;
	struct top_job	 job[TOP_JOB_MAX];	/* oldest first */
	unsigned	 cap_slots, cap_free, cap_jobs;
};

/* one rendered line: what it shows (curses picks an attribute by it) */
enum top_line_kind {
	TOP_L_TITLE, TOP_L_HEAD, TOP_L_HOST, TOP_L_STRIP, TOP_L_JOB,
	TOP_L_NOTE, TOP_L_FOOTER
};

struct top_line {
	enum top_line_kind kind;
	char		 text[TOP_LINE_MAX];
};

/* topmodel.c */
struct top_snap	*top_snap_new(void);
void		 top_snap_free(struct top_snap *s);
/* Room for n hosts (nhost is set to n, the hosts zeroed); -1 on ENOMEM. */
int		 top_snap_hosts(struct top_snap *s, size_t n);
/* Each host's my_jobs: the user's running jobs there. */
void		 top_snap_mine(struct top_snap *s);
void		 top_snap_sort(struct top_snap *s, enum top_sort by);
const char	*top_sort_name(enum top_sort by);
void		 top_bar(char *dst, size_t width, unsigned used,
		    unsigned total);
void		 top_strip(const struct top_host *h, size_t slot,
		    char *dst, size_t width);
size_t		 top_render(const struct top_snap *s, struct top_line *l,
		    size_t nmax, size_t width, size_t height, enum top_sort by);

/* topjson.c: the snapshot as one JSON object, NUL-terminated, malloc'ed */
char		*top_json(const struct top_snap *s);

#endif
