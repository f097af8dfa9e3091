/*
 * agent_int.h - the agent's internal types and the functions its files
 * export to each other:
 *
 *   agent.c     set-up, the event loop, take-down (agent_main)
 *   ajob.c      wrapper connections and their jobs
 *   aoffer.c    a job's offers to servers (late binding)
 *   ajstat.c    the JOBS query: the jobs' phases (ajtab.c keeps them)
 *   areport.c   what the user is told: notices, host list, reasons
 *   ahost.c     the host table: discovery feed, CCPOOL_HOSTS, probes
 *   sconn.c     server connections: the state machine of one
 *   soffer.c    the frames of an offer on one
 *   asock.c     the socket under a server connection
 *   atrust.c    identity and TLS context, trust and pins of servers
 *   aplace.c    placement inputs and the pick (aplace.h, place.h)
 *   agent_tc.c  toolchain identification cache
 *
 * A file calls only files below it in this list; the server side
 * (ahost.c and below) reports back up through the callbacks of struct
 * agent_cb, never by name, so no two files call each other.
 *
 * A job (struct ajob) is one wrapper connection: hello, one job request,
 * one answer.  A server (struct ahost) comes from discovery or from
 * CCPOOL_HOSTS and owns its connections (struct sconn); an idle
 * connection waits on its host's list for the next job, so a compile pays
 * no connect and no handshake.
 */
#ifndef CCPOOL_AGENT_INT_H
#define CCPOOL_AGENT_INT_H

#include <sys/socket.h>
#include <sys/types.h>
#include <stdint.h>
#include <time.h>

#include <event2/util.h>
#include <gssapi/gssapi.h>
#include <openssl/ssl.h>

#include "agent/agent.h"
#include "agent/ajtab.h"
#include "agent/aplace.h"
#include "agent/place.h"
#include "common/trust.h"
#include "common/ident.h"
#include "common/kgss.h"
#include "common/proto.h"
#include "common/tls.h"
#include "discovery/disc_hosts.h"
#include "common/cpuquota.h"
#include "common/mono.h"

struct event_base;
struct event;
struct bufferevent;
struct disc_browser;

#define AGENT_PINNED_SLOTS	4	/* CCPOOL_HOSTS entry without /N */
#define AGENT_BADTC_MAX		8	/* toolchains a pinned host refused */
#define AGENT_CONNECT_SEC	3	/* TCP connect timeout */
#define AGENT_KRB_RETRY_MS	30000	/* a Kerberos failure holds a host */
#define AGENT_BROWSE_RETRY	10	/* s between tries to start discovery */
#define AGENT_WARM_MAX		16	/* connections opened ahead of jobs */
#define AGENT_SLOT_WAIT_MS	30000	/* a job waits this long for a slot */
#define AGENT_SLOT_POLL_MS	50	/* how often waiting jobs try again */
#define AGENT_OFFERS		8	/* servers a job is offered to */
#define AGENT_OFFER_FACTOR	1	/* then maybe here, x local time */
#define AGENT_OFFER_MIN_MS	100	/* ... at least */
#define AGENT_NOTES_MAX		8	/* notices waiting for a wrapper */
#define AGENT_NOTE_LEN		1024	/* a MSG_ frame's most, with NUL */
/*
 * TCP on server connections: unacknowledged data fails the connection
 * after AGENT_TCP_USER_TIMEOUT_MS (a write to a vanished host), and an
 * idle connection is probed after AGENT_TCP_KEEPIDLE s, every
 * AGENT_TCP_KEEPINTVL s, AGENT_TCP_KEEPCNT times.
 */
#define AGENT_TCP_USER_TIMEOUT_MS	1500
#define AGENT_TCP_KEEPIDLE	5
#define AGENT_TCP_KEEPINTVL	2
#define AGENT_TCP_KEEPCNT	2

struct ajob;
struct adcc_conn;
struct adcc_host;
struct sconn;
struct ahost;
struct agent;

/*
 * What job j's server did, for agent_cb.job_failed: what to do next.
 */
enum {
	AGENT_F_HOST,	/* the server's fault: back off, try another */
	AGENT_F_STALE,	/* a reused connection had died: same server again */
	AGENT_F_TC,	/* the server lacks the toolchain: try another */
	AGENT_F_JOB	/* the job itself was refused: compile locally */
};

/*
 * How the server side (ahost.c, atrust.c, sconn.c) reports to the
 * agent's jobs: the only way up, so no file below calls the files that
 * drive it.  agent_main() sets a->cb before the first host or connection
 * exists; every callback runs from the event loop.
 */
struct agent_cb {
	/* A host changed (came, got free slots): held jobs may go. */
	void	(*hosts_changed)(struct agent *a);
	/*
	 * A line (printable) the user must see on the terminal: the next
	 * wrapper that says hello prints it on its stderr.  At most
	 * AGENT_NOTES_MAX wait; more are counted and pointed to the log.
	 */
	void	(*notice)(struct agent *a, const char *text);
	/*
	 * The server answered job j (its raw frames in sc->ans); sc goes
	 * back to its host after the call (the callee clears j->sc).
	 */
	void	(*job_answered)(struct ajob *j, struct sconn *sc);
	/*
	 * Job j failed on server h (its connection is gone or back idle,
	 * j->sc is NULL); fault (AGENT_F_*) says what to do next; why
	 * (printable) for the log and, under CCPOOL_VERBOSE, the user.
	 */
	void	(*job_failed)(struct ajob *j, struct ahost *h, int fault,
		    const char *why);
	/*
	 * Server sc pulled job j, offered there (sconn_offer): the callee
	 * sends it there (sconn_take_offer) or withdraws the offer
	 * (sconn_withdraw), at once.
	 */
	void	(*offer_pulled)(struct ajob *j, struct sconn *sc);
	/*
	 * The offer of j on sc is over without a pull (refused, or the
	 * connection failed: then sc is being freed); the callee forgets
	 * sc and must not touch it.
	 */
	void	(*offer_lost)(struct ajob *j, struct sconn *sc,
		    const char *why);
};

/* One connection to a server. */
struct sconn {
	struct sconn		*next;		/* host's idle list */
	struct ahost		*h;
	struct bufferevent	*bev;
	/* kerberos servers: HELLO, then GSS (its token answered) */
	/* late binding: OFFER (pulled: JOB), or DROPPING (until the
	 * server's refusal that ends a withdrawn offer) */
	enum { SC_CONNECTING, SC_HELLO, SC_GSS, SC_IDLE, SC_JOB, SC_OFFER,
	    SC_DROPPING } state;
	int			 reused;	/* served a job before */
	int			 got_answer;	/* a frame of this job's answer */
	int			 hello_refused;	/* the server refused us */
	uint32_t		 nextid;
	struct ajob		*job;
	struct ajob		*offer;		/* offered here, not pulled */
	uint32_t		 offer_id;	/* its id on this connection */
	int			 dropping;	/* withdrawn before the hello */
	int			 held;		/* counted in h->nheld */
	int			 pst;		/* PULL reader's state */
	struct proto_pull	 pull;
	struct proto_buf	 pending;	/* job frames until verified */
	struct proto_result_reader rr;
	struct proto_buf	 ans;		/* raw answer frames, no KEEP */
	uint64_t		 t_hello_us;	/* hello sent (RTT sample) */
	struct adcc_conn	*dcc;		/* to a plain distccd: adcc.c */
	gss_ctx_id_t		 gctx;		/* agss.c, during the exchange */
	uint8_t			 cb[KGSS_CB_LEN];	/* its binding */
};

/* One server. */
struct ahost {
	struct agent		*a;
	char			 name[DISC_NAME_MAX];
	char			 where[DISC_ADDRSTR + 8];	/* "addr:port" */
	struct sockaddr_storage	 ss[DISC_ADDR_MAX];
	socklen_t		 sslen[DISC_ADDR_MAX];
	unsigned		 nss;
	unsigned		 cur;		/* address in use */
	uint16_t		 port;
	int			 pinned;	/* from CCPOOL_HOSTS */
	int			 gone;		/* left the LAN */
	char			 fp[IDENT_FP_LEN];	/* advertised key */
	char			 seen[IDENT_FP_LEN];	/* its last handshake's */
	char			 sec[DISC_SEC_MAX];	/* advertised mode */
	char			 krb[DISC_KRB_MAX];	/* sec krb5: principal */
	uint64_t		 krb_retry;	/* ms: Kerberos failed, retry */
	char			 untrusted[512];	/* "": may get jobs */
	int			 asking;	/* waits for `ccpool trust` */
	int			 noted;		/* trust_act + 1 told the user */
	unsigned		 slots, free_slots, queue;
	unsigned		 cpus, load;	/* advertised */
	unsigned		 speed;		/* advertised KiB/s; 0: none */
	unsigned		 proto;		/* advertised version; 0: none */
	unsigned		 waiting;	/* offers queued, as last told */
	double			 srtt_ms;	/* smoothed RTT; 0: unmeasured */
	struct aplace_speeds	 spd;		/* learned, per toolchain */
	/*
	 * The connection died (timeout, reset, refused): no job goes there
	 * until a probe (a warm-up connection's hello) has come back.
	 */
	int			 needprobe;
	struct event		*probe_ev;
	unsigned		 ntc;
	char			 tc[DISC_TC_MAX][DISC_TC_LEN];
	unsigned		 nbadtc;
	char			 badtc[AGENT_BADTC_MAX][PROTO_TCID_MAX + 1];
	unsigned		 inflight;	/* our jobs there */
	/*
	 * Our offers there, standing or withdrawn, that the server has not
	 * ended: a lower bound of its queue when its advert is stale.
	 */
	unsigned		 nheld;
	unsigned		 freed;		/* of ours ended since the advert */
	struct place_backoff	 bo;
	struct sconn		*idle;
	unsigned		 nconn;
	unsigned long		 ndone, nfail;
	char			 lasterr[160];
	struct adcc_host	*dcc;	/* a plain distccd (adcc.c); NULL: ours */
};

/* One wrapper connection and its job. */
struct ajob {
	struct ajob		*next;
	struct agent		*a;
	struct bufferevent	*bev;
	/* AJ_LOCAL: placed here; the wrapper's compiler holds the socket
	 * open until it exits */
	enum { AJ_HELLO, AJ_HELD, AJ_JOB, AJ_RUN, AJ_LOCAL, AJ_CLOSING,
	    AJ_DEAD }		 state;
	int			 query;		/* CCPL 0: --hosts, -j */
	struct proto_job_reader	 jr;
	struct proto_job	 job;
	struct proto_buf	 fwd;		/* LANG .. ZDTI frames as sent */
	struct proto_buf	 fbuf;		/* the frame being handled */
	char			 tcid[PROTO_TCID_MAX + 1];
	unsigned		 ntried;
	struct ahost		*tried[AGENT_MAX_TRIES];
	int			 stale_retry;	/* a reused conn died: once */
	struct sconn		*sc;
	/* late binding: the servers it is offered to, until one pulls */
	struct sconn		*offers[AGENT_OFFERS];
	unsigned		 noffers;
	int			 offered;	/* once: then placed as before */
	int			 widened;	/* aoffer_widen done */
	struct event		*offer_ev;	/* no pull in time: place it */
	uint64_t		 offer_until;	/* ms: then placed as before */
	uint64_t		 t0;		/* ms, job received */
	uint64_t		 t_sent;	/* ms, sent to its current server */
	uint64_t		 in_bytes;	/* preprocessed source */
	double			 stretch;	/* contention placement assumed */
	uint64_t		 hkey;		/* its file's history (place.h) */
	double			 cost;		/* ... its cost there, else its
						 * code's guess; 0: none */
	uint64_t		 code_bytes;	/* CODE from the wrapper */
	int			 has_code;	/* ... once, before JEND */
	uint64_t		 wait_until;	/* ms: waiting for a slot; 0: no */
	uint64_t		 wait_round;	/* last on_wait round that tried */
	/* the JOBS query (ajtab.h, ajstat.c) */
	struct ajrec		 rec;		/* this job, once it is one */
	uint32_t		 rstatus;	/* the answer's wait status */
	int			 monitor;	/* a JOBS query, not a wrapper */
};

struct agent {
	const struct agent_cb	*cb;		/* reports of the server side */
	struct event_base	*base;
	struct event		*listen_ev;
	struct event		*idle_ev;
	struct event		*cold_ev;
	struct event		*sig_ev[2];
	int			 lfd;
	char			 sockpath[256];
	struct disc_browser	*browser;
	struct event		*browse_ev;	/* retries disc_browser_new */
	int			 pinned;	/* CCPOOL_HOSTS in use */
	int			 dcc_ok;	/* CCPOOL_DISTCC=1: distccd hosts */
	struct ahost		**hosts;
	size_t			 nhosts, caphosts;
	struct ajob		*jobs;
	unsigned		 njobs;
	uint64_t		 start_ms;
	int			 warm;		/* cold start over */
	unsigned		 idle_sec;
	struct proto_dialect	 dialect;
	struct proto_dialect	 wdialect;	/* wrappers': + JOBS */
	struct proto_limits	 lim;
	struct agent_tc		*tc;
	struct event		*wait_ev;	/* jobs waiting for a slot */
	SSL_CTX			*tls;
	enum tls_trust		 trust;
	char			 myfp[IDENT_FP_LEN];
	char			 pins[512];	/* known_servers file */
	struct trust_policy	 tp;		/* CCPOOL_TRUST, the first set */
	struct timespec		 pins_mtime;	/* the file as last judged by */
	off_t			 pins_size;
	ino_t			 pins_ino;
	/* for the user's terminal: each goes with the next hello's answer */
	char			 notes[AGENT_NOTES_MAX][AGENT_NOTE_LEN];
	unsigned		 nnotes, notes_lost;
	struct aplace_cpu	 cpu;		/* local idle cores */
	struct cpuquota		 quota;		/* ... under this quota */
	int			 have_quota;
	struct aplace_speeds	 local_spd;	/* local compile speed */
	struct place_ctx	 px;		/* placement's random state... */
	struct place_hist	 hist;		/* each file's compile cost */
	int			 local_ok;	/* CCPOOL_LOCAL_FIRST not 0 */
	int			 late;		/* CCPOOL_LATE=1: offers */
	/* the last job's toolchain and (averaged) size: what a hello is
	 * placed as, before its preprocessing (ajob_hello) */
	char			 last_tcid[PROTO_TCID_MAX + 1];
	uint64_t		 last_in_bytes;
	/* running means over the jobs that came with CODE: their input and
	 * code bytes (place_ctx.code_frac is their ratio) */
	uint64_t		 code_in, code_sum;
	/* the user's jobs, for JOBS (ajtab.h); idle exit's deadline (ms, 0:
	 * none yet), which a JOBS query does not move */
	struct ajtab		*jtab;
	uint64_t		 idle_at;
};


/* ajob.c: wrapper connections and jobs. */
/* The listening socket's callback: a wrapper connects (arg: agent). */
void		 ajob_accept(evutil_socket_t lfd, short what, void *arg);
/*
 * Drop a wrapper connection and its job.  The memory goes at the next
 * loop turn, so callers up the stack may still look at j->state (which
 * is AJ_DEAD from now on) but must do nothing else with it.
 */
void		 ajob_free(struct ajob *j);
/* Idle exit: armed whenever no wrapper is connected, else disarmed. */
void		 ajob_idle_arm(struct agent *a);
/* a->wait_ev's callback: waiting jobs try again, the longest first. */
void		 ajob_wait(evutil_socket_t fd, short what, void *arg);
/* The agent_cb callbacks (see there). */
void		 ajob_hosts_changed(struct agent *a);
void		 ajob_answered(struct ajob *j, struct sconn *sc);
void		 ajob_failed(struct ajob *j, struct ahost *h, int fault,
		    const char *why);
void		 ajob_pulled(struct ajob *j, struct sconn *sc);
void		 ajob_offer_lost(struct ajob *j, struct sconn *sc,
		    const char *why);

/* aoffer.c: late binding of one job. */
/*
 * Offer j to a few servers (once per job: j->offered is set either way);
 * expired (arg: j) runs if none pulls it in time.  0 if offered, -1 if
 * not (late binding off, tried before, an idle local core would finish
 * first, no server takes offers).
 */
int		 aoffer_start(struct ajob *j,
		    void (*expired)(evutil_socket_t, short, void *));
/* Withdraw j's offers (none: nothing) and stop waiting for a pull. */
void		 aoffer_withdraw(struct ajob *j);
/*
 * sc pulled j: 1 if j went there (the other offers withdrawn), 0 if the
 * pull came too late (sc's offer withdrawn), -1 if sending failed (j
 * must be placed again).
 */
int		 aoffer_pulled(struct ajob *j, struct sconn *sc);
/* j's offer on sc ended unpulled: 1 if none is left (place j now). */
int		 aoffer_lost(struct ajob *j, struct sconn *sc, const char *why);
/*
 * Withdraw j's offers on servers found silent since they were made
 * (asock_lost: they would never pull): the number of offers left.
 */
unsigned	 aoffer_prune(struct ajob *j);
/*
 * Once per job, when its pull is overdue: offer j also to every other
 * server that may take it, however far behind the best it looked (the
 * best may be a frozen server whose advert still says it is free).
 */
void		 aoffer_widen(struct ajob *j);

/* ajstat.c: the JOBS query. */
/*
 * The phase of each running job from what the agent sees of it (waiting
 * for a place, its bytes going to the server, the server compiling, the
 * answer coming, placed here), then the answer to JOBS into b
 * (ajtab_encode).  Returns 0, or -1 when out of memory.
 */
int		 ajstat_answer(struct agent *a, struct proto_buf *b);

/* areport.c: what the user is told.  Buffers are the caller's. */
/* agent_cb.notice: queue a line for the next wrapper's hello. */
void		 areport_notice(struct agent *a, const char *text);
/*
 * The notices waiting for the user (areport_notice) go to b as MSG_
 * frames, ahead of a hello's answer: the wrapper prints them on its
 * stderr.  Returns 0, or -1 when out of memory (then they wait on).
 */
int		 areport_put_notices(struct agent *a, struct proto_buf *b);
/*
 * One MSG_ frame per host to b, `ccpool --hosts`'s tab separated lines.
 * Returns 0, or -1 when out of memory.
 */
int		 areport_hosts(struct agent *a, struct proto_buf *b);
/*
 * Why no server takes a job of toolchain tcid (NULL: of any) now, in
 * doc/client.md's words, into buf: none known, none with the toolchain,
 * every one that has it down (with a cause heard) or untrusted, or all
 * full.  waited: the job waited for a slot (AGENT_SLOT_WAIT_MS).
 * Returns buf.
 */
const char	*areport_none_why(struct agent *a, const char *tcid, int waited,
		    char *buf, size_t len);
/*
 * Where a job was compiled, for the wrapper: h's name (and address), a
 * tab, the reason, naming prev when the job was resent from it.
 * Returns buf.
 */
#define AREPORT_WHERE_LEN	((size_t)DISC_NAME_MAX * 4 + \
	    (DISC_ADDRSTR + 8) + 8 + 260)
const char	*areport_where(const struct ahost *h, const struct ahost *prev,
		    char *buf, size_t len);

/* ahost.c: the host table. */
/*
 * Fill the table: CCPOOL_HOSTS if set (resolved now), else discovery
 * (retried every AGENT_BROWSE_RETRY s when it cannot start).  Returns 0,
 * or -1 with err set.
 */
int		 ahost_start(struct agent *a, char *err, size_t errlen);
/* Free the table, its idle connections and discovery. */
void		 ahost_stop(struct agent *a);
/*
 * Judge every server again if known_servers changed since it was last
 * read (`ccpool trust`, `ccpool forget` while the agent runs); called at
 * each wrapper's hello, so one stat() per job.
 */
void		 ahost_pins_check(struct agent *a);

/* atrust.c: identity, TLS and trust. */
/*
 * The user's identity (made on first use), the trust mode it implies,
 * the TLS context (a->tls) and the pin file; in open mode the policy of
 * CCPOOL_TRUST and the first set.  Returns 0, or -1 with err set.
 */
int		 atrust_start(struct agent *a, char *err, size_t errlen);
/* Free the TLS context (after every connection is gone). */
void		 atrust_stop(struct agent *a);
/*
 * What an advert alone tells about trust; the handshake checks the rest
 * (atrust_verify).  Open: the advertised key must not contradict a pin,
 * be refused, or take the Avahi alternative name of a server pinned to
 * another key ("h1 #2"); under CCPOOL_TRUST=explicit it must be pinned.
 * Site: only site servers.  Sets or clears h->untrusted.
 */
void		 atrust_advert(struct agent *a, struct ahost *h);
/* Has known_servers changed since the last look?  Remembers this one. */
int		 atrust_pins_changed(struct agent *a);
/*
 * Judge h again after known_servers changed: by its advert, or by the
 * key of its last handshake when pinned by CCPOOL_HOSTS (never verified:
 * trusted until its first handshake).  Sets or clears h->untrusted.
 */
void		 atrust_rejudge(struct agent *a, struct ahost *h);
/*
 * The handshake with h (ssl) is done: is it who we want?  Open mode:
 * its key is the advertised one, and open mode's policy (trust.h) takes
 * it: pinned already, or pinned now (quietly in the first set, with a
 * warning to the user after it), unless refused, an alternative name of
 * another key, or new under CCPOOL_TRUST=explicit.  Site mode: its
 * certificate is a host certificate of our CA, not revoked.  Returns 0,
 * or -1 with h->untrusted set (the caller fails the connection).
 */
int		 atrust_verify(struct ahost *h, SSL *ssl);
/*
 * "" or " (untrusted: NAME: why[, and N more])" for a message saying why
 * a job stays local, so CCPOOL_VERBOSE shows rogue or changed servers.
 * Writes to buf (len bytes) and returns it.
 */
const char	*atrust_note(struct agent *a, char *buf, size_t len);

/*
 * Kerberos failed on h (why: for the user): no job goes there for
 * AGENT_KRB_RETRY_MS, the user hears why once, and the next job after
 * that tries again (a kinit meanwhile is all it takes).
 */
void		 atrust_krb_failed(struct ahost *h, const char *why);

/* agss.c: kerberos mode's GSS-API exchange on a server connection. */
/*
 * The first token for sc's server (h->krb), bound to ssl, appended to
 * out as a GSS_ frame.  Returns 0, or -1 with err set in the user's
 * words ("no Kerberos ticket (run kinit)", ...).
 */
int		 agss_start(struct sconn *sc, SSL *ssl, struct proto_buf *out,
		    char *err, size_t errlen);
/*
 * The server's answer f (a GSS_ frame): 0 if it completes mutual
 * authentication, else -1 with err set.  The context is freed.
 */
int		 agss_finish(struct sconn *sc, const struct proto_frame *f,
		    char *err, size_t errlen);
/* Free sc's context, if any. */
void		 agss_free(struct sconn *sc);
/*
 * The handshake is verified: write the hello.  To a Kerberos server the
 * first token goes with it, and the held frames wait for its answer
 * (authed); to any other they follow at once.  0; -1 out of memory; -2
 * Kerberos failed (err in the user's words).
 */
int		 agss_hello(struct sconn *sc, char *err, size_t errlen);

/* sconn.c: server connections. */
/*
 * Send job j to h, on an idle connection or a new one (its frames wait
 * until the handshake is verified).  Returns 0, or -1 with err set.
 */
int		 sconn_send(struct ahost *h, struct ajob *j, char *err,
		    size_t errlen);
/*
 * Offer job j to h (late binding, h->proto >= PROTO_VERSION_OFFERS), on
 * an idle connection or a new one.  Returns the connection, or NULL with
 * err set.  It reports a pull or the offer's end through agent_cb.
 */
struct sconn	*sconn_offer(struct ahost *h, struct ajob *j, char *err,
		    size_t errlen);
/* sc pulled its offer: send the job there.  0, or -1 with err set. */
int		 sconn_take_offer(struct sconn *sc, char *err,
		    size_t errlen);
/*
 * Withdraw sc's offer (DROP): the connection serves again once the
 * server has ended the offer; no callback about it comes any more.
 */
void		 sconn_withdraw(struct sconn *sc);
/* The job's wrapper went away: sc (NULL: none) is closed mid-job. */
void		 sconn_cancel(struct sconn *sc);
/* sc's job is over: back to its host's idle list (or closed). */
void		 sconn_release(struct sconn *sc);
/*
 * Open a connection to h ahead of its first job (TCP, TLS, the checks of
 * atrust_verify and the hello), so that no compile waits for a
 * handshake.  At most AGENT_WARM_MAX connections are opened this way in
 * all; a probe of a host that failed (h->needprobe) is one too, over the
 * limit.
 */
void		 sconn_warm(struct ahost *h);
/* Close every idle connection of h (it went away or changed address). */
void		 sconn_drop_idle(struct ahost *h);

/* soffer.c: the frames of an offer (late binding) on a connection. */
/* OFFR .. SIZE of job j under id, appended to b: 0, or -1 (err). */
int		 soffer_encode(const struct ajob *j, uint32_t id,
		    struct proto_buf *b, char *err, size_t errlen);
/*
 * A frame of a PULL on sc (sc->pst, sc->pull): PROTO_MORE, PROTO_DONE
 * (the server's free slots and offers waiting noted on its host), or -1
 * with err set for a malformed pull or one of another offer.
 */
int		 soffer_pull(struct sconn *sc, const struct proto_frame *f,
		    char *err, size_t errlen);

/* asock.c: the socket under a server connection. */
/*
 * Options of a new server socket: close-on-exec (libevent made it), no
 * Nagle delay, data unacknowledged for AGENT_TCP_USER_TIMEOUT_MS fails
 * the connection, and an idle one is probed (AGENT_TCP_KEEP*).  A
 * failure only costs failover speed, so it is not fatal.
 */
void		 asock_opts(int fd);
/*
 * Connect bev to h's address in use (h->cur), then set asock_opts on its
 * socket.  0, or -1 with err set.
 */
int		 asock_connect(struct bufferevent *bev, const struct ahost *h,
		    char *err, size_t errlen);
/*
 * sc's read and write timeouts for its state: the handshake and a
 * withdrawn offer's end AGENT_CONNECT_SEC, an idle connection or an
 * offer AGENT_CONN_IDLE (reading only), a job the keepalive's.
 */
void		 asock_timeouts(struct sconn *sc);
/* Fold the kernel's smoothed RTT of bev's socket into *srtt. */
void		 asock_rtt(struct bufferevent *bev, double *srtt);
/*
 * Why bev's connection failed, in doc/client.md's words (tls_conn_why):
 * what libevent saw (what; connecting: before the handshake ended),
 * errno (err), the TLS layer's most telling error and the socket's TCP
 * state.  A refused, unreachable or silent server is not a TLS failure.
 * Writes to buf and returns it.
 */
const char	*asock_why(struct bufferevent *bev, int connecting, short what,
		    int err, char *buf, size_t len);
/*
 * Server h went silent or refused (timeout, reset, refused): no job
 * goes there until a probe (a warm-up connection's hello; for a
 * distccd, adcc's check) comes back, once its backoff (the caller's
 * place_failed) is over.
 */
void		 asock_lost(struct ahost *h);

/* agent_tc.c: toolchain id of the compiler at path, cached. */
struct agent_tc;
struct agent_tc	*agent_tc_new(void);
void		 agent_tc_free(struct agent_tc *c);
int		 agent_tc_lookup(struct agent_tc *c, const char *path,
		    char *tcid, size_t tcidlen, char *err, size_t errlen);

#endif
