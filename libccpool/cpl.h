/*
 * cpl.h - libccpool's insides, shared by its files (never installed).
 *
 * cpl_mon.c is the monitor: it feeds the browser's events to the model
 * (cpl_model.c: hosts, which to fetch when, what a fetch gave), starts
 * fetches through cpl_fetch.c (libcurl multi over the AvahiPoll) and
 * tells the caller.  cpl_status.c parses a page, cpl_access.c holds the
 * public accessors, cpl_evpoll.c wraps disc_poll.  The model and the
 * parser are pure: no I/O, no clock (the time is passed in).
 */
#ifndef CCPOOL_CPL_H
#define CCPOOL_CPL_H

#include <stdint.h>

#include <openssl/x509.h>

#include "discovery/disc_hosts.h"
#include "libccpool/ccpool.h"
#include "libccpool/cpl_status.h"

#define CPL_ERR_MAX	256
#define CPL_PIN_MAX	64		/* "sha256//" + 44 base64 + NUL */
#define CPL_URL_MAX	(DISC_ADDRSTR + 48)
#define CPL_INFLIGHT_MAX 32		/* fetches at once, all hosts */
#define CPL_NO_TIME	UINT64_MAX

struct ccpool_status {
	struct cpl_status	 s;
};

struct cpl_req;

struct ccpool_host {
	struct disc_host	 d;		/* the merged advert */
	char			 dtc[DISC_TC_LEN];	/* a distccd's compiler */
	/* cpl_trust.c: the verdict, for this key and mode, as of tv_gen */
	uint64_t		 tv_gen;	/* 0: not judged */
	char			 tv_fp[DISC_FPR_MAX];
	char			 tv_sec[DISC_SEC_MAX];
	char			 tv_word[160];
	int			 tv_usable;
	int			 fetchable;	/* pin and url are set */
	int			 site;		/* verified against the site CA */
	char			 pin[CPL_PIN_MAX];	/* curl's form */
	char			 url[CPL_URL_MAX];
	int			 has_status;	/* st holds the last page */
	struct ccpool_status	 st;
	char			 why[CPL_ERR_MAX];	/* "" or the error */
	uint64_t		 when;		/* of st or why; CPL_NO_TIME */
	uint64_t		 due;		/* next fetch, not before */
	struct cpl_req		*req;		/* in flight, or NULL */
};

struct cpl_model {
	struct ccpool_host	**v;
	size_t			 n, cap;
	unsigned		 interval_ms;
	int			 status;	/* fetch at all */
	unsigned		 inflight;
	int			 site;		/* the user has the site CA */
	char			 site_why[CPL_ERR_MAX];	/* why not */
};

/* An empty model fetching every interval_ms (status 0: never). */
void	cpl_model_init(struct cpl_model *m, int status, unsigned interval_ms);
/*
 * Whether this user has the site CA (cpl_site_load); if not, why tells
 * why a site server's page is not fetched.  Call before hosts come.
 */
void	cpl_model_site(struct cpl_model *m, int site, const char *why);
/* Frees every host; in-flight requests must have been cancelled. */
void	cpl_model_clear(struct cpl_model *m);

/*
 * Apply a browser event at time now.  Returns the ccpool_event to tell,
 * or -1 on out-of-memory or a removal of a host not in the model.
 * *hp is the host.  On CCPOOL_HOST_LEFT it is out of the model: the
 * caller cancels its request (cpl_fetch_cancel, cpl_model_ended), tells,
 * then cpl_host_free()s it.  *refetch is 1 when what was fetched no
 * longer holds (new key, address or port) and a request is in flight:
 * the caller cancels it the same way.  The page is dropped then and the
 * host is due now.
 */
int	cpl_model_apply(struct cpl_model *m, enum disc_event ev,
	    const struct disc_host *dh, uint64_t now, struct ccpool_host **hp,
	    int *refetch);

/*
 * The next host to fetch at now: fetchable, none in flight for it, due,
 * and fewer than CPL_INFLIGHT_MAX in flight.  NULL when none; *next is
 * then the earliest time one will be (CPL_NO_TIME: none waits on time).
 */
struct ccpool_host *cpl_model_due(const struct cpl_model *m, uint64_t now,
	    uint64_t *next);

/* A fetch of h starts at now (req) or ends (req NULL); counts in flight. */
void	cpl_model_started(struct cpl_model *m, struct ccpool_host *h,
	    struct cpl_req *req, uint64_t now);
void	cpl_model_ended(struct cpl_model *m, struct ccpool_host *h);

/*
 * What a fetch of h gave at now: fail (the transport's error) or the
 * body of len bytes, parsed here.  Keeps the page, or the error (and
 * drops the old page: a monitor must not show stale figures as fresh).
 */
void	cpl_host_result(struct ccpool_host *h, const char *body, size_t len,
	    const char *fail, uint64_t now);

void	cpl_host_free(struct ccpool_host *h);

/*
 * The status URL of address text (numeric, an IPv6 one maybe with
 * %scope) and port into buf.  0, or -1 if it does not fit.
 */
int	cpl_url(const char *addr, unsigned port, char *buf, size_t len);

/* --- cpl_jobs.c, cpl_jobc.c: the user's jobs from their agent --- */

#define CPL_JOBS_MAX_BYTES	((size_t)2 << 20)	/* an answer's most */
#define CPL_JOBS_MAX		2048		/* jobs in one answer */
#define CPL_JOBS_TIMEOUT_MS	5000		/* for one answer */
#define CPL_JOBS_NOT_RUNNING	"the agent is not running (it starts " \
	"with the first compile)"

struct jobline;

struct ccpool_jobs {
	struct jobline		*v;
	size_t			 n;
	uint64_t		 when;		/* ms (mono_ms) it came */
};

/*
 * Parse the agent's answer to JOBS, buf of len bytes (untrusted): CCPL 1,
 * a MSG_ per job (common/jobline.h), DONE 0.  Returns 1 with *out filled
 * (the caller frees it with cpl_jobs_free), 0 when more bytes are needed
 * (a prefix of an answer), -1 with err set for anything else (a refusal,
 * a frame out of place, a bad line, more than CPL_JOBS_MAX jobs, bytes
 * after DONE).  Pure: no I/O, no clock (out->when is 0).
 */
int	cpl_jobs_parse(const uint8_t *buf, size_t len, struct ccpool_jobs *out,
	    char *err, size_t errlen);
/* Free what cpl_jobs_parse filled (not j itself); NULL is a no-op. */
void	cpl_jobs_clear(struct ccpool_jobs *j);

struct cpl_jobc;

/* Told after every ask: a new answer (j) or why none (err). */
typedef void	(*cpl_jobc_cb)(const struct ccpool_jobs *j, const char *err,
		    void *arg);

/*
 * Ask this user's agent for their jobs every interval_ms, the first time
 * at once, on api's loop, never blocking it and never starting the
 * agent.  NULL on out-of-memory.
 */
struct cpl_jobc *cpl_jobc_new(const AvahiPoll *api, unsigned interval_ms,
	    cpl_jobc_cb cb, void *arg);
/* Stops the ask in flight (no callback).  NULL is a no-op. */
void	cpl_jobc_free(struct cpl_jobc *c);
/* The last answer (NULL: none) and the last error (NULL: none). */
const struct ccpool_jobs *cpl_jobc_jobs(const struct cpl_jobc *c);
const char *cpl_jobc_error(const struct cpl_jobc *c);

/* --- cpl_site.c: the cluster CA of this user's identity --- */

struct ident;

/*
 * A store of id's CA certificates and the revocation list in the PEM
 * file crl (NULL, or a file that does not exist: none) for verifying a
 * site server's chain.  NULL with why (len bytes) when id holds no CA
 * (not a site member) or the list is unreadable.  The caller frees it.
 */
X509_STORE *cpl_site_store(const struct ident *id, const char *crl,
	    char *why, size_t len);
/* The same from the user's identity.pem and crl.pem (ident_user_path). */
X509_STORE *cpl_site_load(char *why, size_t len);

/* --- cpl_fetch.c: HTTPS GETs, libcurl multi driven by an AvahiPoll --- */

struct cpl_fetch;

/* body/len on a 200 answer, else fail says why; owner as started. */
typedef void	(*cpl_fetch_done)(void *owner, const char *body, size_t len,
		    const char *fail, void *arg);

struct cpl_fetch *cpl_fetch_new(const AvahiPoll *api, cpl_fetch_done cb,
	    void *arg, char *err, size_t errlen);
/* Cancels what is in flight (no callback). NULL is a no-op. */
void	cpl_fetch_free(struct cpl_fetch *f);
/* The site CA for site fetches; f owns store from now (NULL: none). */
void	cpl_fetch_set_site(struct cpl_fetch *f, X509_STORE *store);

/*
 * GET url over TLS, the server's key pinned (pin in curl's
 * "sha256//<base64>" form; mandatory), the name not checked, at most
 * timeout_ms and CPL_STATUS_MAX bytes.  site: the server's chain must
 * also verify to the site CA (cpl_fetch_set_site; none: an error), for
 * a server (serverAuth), and not be revoked.  The callback comes later, from
 * the loop, never from inside this call.  NULL with err on failure.
 */
struct cpl_req *cpl_fetch_start(struct cpl_fetch *f, const char *url,
	    const char *pin, int site, unsigned timeout_ms, void *owner, char *err,
	    size_t errlen);
/* Stop req (no callback). */
void	cpl_fetch_cancel(struct cpl_fetch *f, struct cpl_req *req);

#endif
