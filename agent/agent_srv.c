/*
 * agent_srv.c - the agent's servers: the host table (fed by discovery or
 * pinned by CCPOOL_HOSTS), placement over it, and the persistent
 * connections that carry jobs.  Everything a server sends is hostile: it
 * goes through proto_frame_parse and the result reader, and anything
 * malformed, oversized, late or out of order fails the job on that
 * server (agent.c then retries elsewhere or has it compiled locally) and
 * closes the connection.  Start reading at srv_send().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>

#include "agent/agent_int.h"
#include "agent/hostspec.h"
#include "common/pin.h"
#include "common/log.h"
#include "discovery/disc_browse.h"

static void	sconn_free(struct sconn *sc);
static struct sconn *sconn_new(struct ahost *h, char *err, size_t errlen);
static void	srv_warm(struct ahost *h);
static void	on_probe(evutil_socket_t, short, void *);
static void	cpu_sample(struct agent *a, uint64_t now);

/* Host table. */

/* One of our jobs on h ended (answered, refused or failed). */
static void
host_job_ended(struct ahost *h)
{
	if (h->inflight > 0)
		h->inflight--;
	if (h->freed < h->slots)
		h->freed++;
}

static struct ahost *
host_find(struct agent *a, const char *name)
{
	size_t	 i;

	for (i = 0; i < a->nhosts; i++)
		if (strcmp(a->hosts[i]->name, name) == 0)
			return a->hosts[i];
	return NULL;
}

static struct ahost *
host_add(struct agent *a, const char *name)
{
	struct ahost	*h, **nh;
	size_t		 cap;

	if (a->nhosts >= DISC_HOSTS_MAX)
		return NULL;
	if (a->nhosts == a->caphosts) {
		cap = a->caphosts ? a->caphosts * 2 : 16;
		if ((nh = reallocarray(a->hosts, cap,
		    sizeof(struct ahost *))) == NULL)
			return NULL;
		a->hosts = nh;
		a->caphosts = cap;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if ((h->probe_ev = evtimer_new(a->base, on_probe, h)) == NULL) {
		free(h);
		return NULL;
	}
	h->a = a;
	snprintf(h->name, sizeof(h->name), "%s", name);
	a->hosts[a->nhosts++] = h;
	return h;
}

/* Close every idle connection of h (it went away or changed address). */
static void
host_drop_idle(struct ahost *h)
{
	while (h->idle != NULL)
		/* sconn_free unlinks it: not a use after free */
		sconn_free(h->idle);	/* NOLINT(clang-analyzer-unix.Malloc) */
}

/* Numeric address text (maybe with %scope) and port to a sockaddr. */
static int
host_set_addr(struct ahost *h, unsigned i, const char *text, uint16_t port)
{
	return disc_addr_sockaddr(text, port, &h->ss[i], &h->sslen[i]);
}

static void
host_where(struct ahost *h, const char *addr)
{
	if (strchr(addr, ':') != NULL)
		snprintf(h->where, sizeof(h->where), "[%s]:%u", addr, h->port);
	else
		snprintf(h->where, sizeof(h->where), "%s:%u", addr, h->port);
}

/*
 * Mark h untrusted (no job goes there) and say so, loudly for what
 * looks like an attack; a reason it had already is not logged again.
 */
static void
untrust(struct ahost *h, int loud, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
untrust(struct ahost *h, int loud, const char *fmt, ...)
{
	char	 why[sizeof(h->untrusted)];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (strcmp(why, h->untrusted) == 0)
		return;
	memcpy(h->untrusted, why, sizeof(h->untrusted));
	if (loud)
		log_warnx("UNTRUSTED server %s: %s", h->name, h->untrusted);
	else
		log_info("untrusted server %s: %s", h->name, h->untrusted);
}

/*
 * The verdict of open mode's policy (common/trust.h) on h showing key
 * fp.  Returns 0, or -1 with err set when known_servers is unreadable.
 */
static int
judge(struct agent *a, struct ahost *h, const char *fp,
    struct trust_verdict *v, char *err, size_t errlen)
{
	struct trust_subject s;
	struct pin_look	 l;

	if (pin_check(a->pins, h->name, fp, &l, err, errlen) == -1)
		return -1;
	s.name = h->name;
	s.fp = fp;
	s.where = h->where;
	s.advertised = !h->pinned;
	trust_decide(&a->tp, &l, &s, mono_ms(), v);
	return 0;
}

/*
 * A verdict the user must hear of goes to the terminal too (the next
 * wrapper prints it), once per server and kind of verdict.
 */
static void
tell(struct ahost *h, const struct trust_verdict *v)
{
	char	 q[TRUST_QUOTE_MAX], line[AGENT_NOTE_LEN];

	if (!v->loud || h->noted == (int)v->act + 1)
		return;
	h->noted = (int)v->act + 1;
	/* one MSG_ frame (proto max_msg): cut what could not fit */
	if (v->act == TRUST_DENY)
		snprintf(line, sizeof(line), "WARNING: untrusted server %s: "
		    "%.700s", trust_quote(q, sizeof(q), h->name), v->why);
	else
		snprintf(line, sizeof(line), "%.1000s", v->why);
	agent_notice(h->a, line);
}

/*
 * Untrust h for verdict v (TRUST_ASK, TRUST_DENY) and tell the user.
 * Returns 0 if v lets h have jobs (h untouched), else -1.
 */
static int
verdict_apply(struct ahost *h, const struct trust_verdict *v)
{
	if (v->act != TRUST_ASK && v->act != TRUST_DENY)
		return 0;
	h->asking = v->act == TRUST_ASK;
	untrust(h, v->loud, "%s", v->why);
	tell(h, v);
	return -1;
}

/*
 * What an advert alone tells about trust; the handshake checks the rest
 * (srv_verify).  Open: the advertised key must not contradict a pin, be
 * refused, or take the Avahi alternative name of a server pinned to
 * another key ("h1 #2"); under CCPOOL_TRUST=explicit it must be pinned.
 * Site: only site servers.
 */
static void
advert_trust(struct agent *a, struct ahost *h)
{
	struct trust_verdict v;
	char	 err[256];

	h->asking = 0;
	if (a->trust == TLS_SITE) {
		if (strcmp(h->sec, "site") != 0)
			untrust(h, 0, "not a member of this site (it says "
			    "\"%s\")", h->sec[0] ? h->sec : "nothing");
		else
			h->untrusted[0] = '\0';
		return;
	}
	if (strcmp(h->sec, "site") == 0) {
		untrust(h, 0, "a site server: it needs a user certificate "
		    "from its CA (ccpool id --install)");
		return;
	}
	if (!ident_fp_valid(h->fp)) {
		untrust(h, 0, "its advert carries no key fingerprint");
		return;
	}
	if (judge(a, h, h->fp, &v, err, sizeof(err)) == -1) {
		untrust(h, 0, "%s", err);
		return;
	}
	if (verdict_apply(h, &v) == 0)
		h->untrusted[0] = '\0';	/* pinned, or pinned at its
						   handshake */
}

/* Has known_servers changed since the last look?  Remembers this one. */
static int
pins_changed(struct agent *a)
{
	struct stat	 st;
	int		 changed;

	if (stat(a->pins, &st) == -1)
		memset(&st, 0, sizeof(st));	/* none: it pins nothing */
	changed = st.st_ino != a->pins_ino || st.st_size != a->pins_size ||
	    st.st_mtim.tv_sec != a->pins_mtime.tv_sec ||
	    st.st_mtim.tv_nsec != a->pins_mtime.tv_nsec;
	a->pins_ino = st.st_ino;
	a->pins_size = st.st_size;
	a->pins_mtime = st.st_mtim;
	return changed;
}

void
srv_pins_check(struct agent *a)
{
	struct trust_verdict v;
	struct ahost	*h;
	size_t		 i;
	char		 err[256];
	int		 was;

	if (a->trust != TLS_OPEN || !pins_changed(a))
		return;
	for (i = 0; i < a->nhosts; i++) {
		h = a->hosts[i];
		was = h->untrusted[0] != '\0';
		if (!h->pinned)
			advert_trust(a, h);
		else if (h->seen[0] == '\0') {
			/* never verified: its first handshake judges it */
			h->untrusted[0] = '\0';
			h->asking = 0;
		} else if (judge(a, h, h->seen, &v, err, sizeof(err)) == -1)
			untrust(h, 0, "%s", err);
		else if (verdict_apply(h, &v) == 0) {
			h->untrusted[0] = '\0';
			h->asking = 0;
		}
		if (h->untrusted[0] != '\0' && !was) {
			/* refused or forgotten: not even an idle connection */
			log_info("%s: no job goes there any more", h->name);
			host_drop_idle(h);
		} else if (h->untrusted[0] == '\0' && was) {
			log_info("%s: trusted now", h->name);
			srv_warm(h);
		}
	}
}

/*
 * The connection to h died without a word (timeout, reset, refused):
 * no job goes there until a probe, a warm-up connection's hello, comes
 * back.  The probe starts once h's backoff (set by the caller's
 * place_failed) is over.
 */
static void
host_lost(struct ahost *h)
{
	struct timeval	 tv = { 0, (suseconds_t)100 * 1000 };

	if (!h->needprobe)
		log_info("%s: no job goes there until it answers again",
		    h->name);
	h->needprobe = 1;
	host_drop_idle(h);	/* as dead as the one that failed */
	evtimer_add(h->probe_ev, &tv);
}

/* Probe timer of h: probe once its backoff is over and nothing hangs. */
static void
on_probe(evutil_socket_t fd, short what, void *arg)
{
	struct ahost	*h = arg;
	struct timeval	 tv = { 0, (suseconds_t)200 * 1000 };
	uint64_t	 now = mono_ms();

	(void)fd;
	(void)what;
	if (!h->needprobe || h->gone || h->untrusted[0] != '\0')
		return;
	if (place_up(&h->bo, now) && h->nconn == 0) {
		srv_warm(h);
		if (h->nconn > 0)
			return;		/* its end re-arms us if it fails */
		place_failed(&h->bo, now);	/* not even a connect */
	}
	if (!place_up(&h->bo, now)) {
		tv.tv_sec = (time_t)((h->bo.down_until - now) / 1000);
		tv.tv_usec = (suseconds_t)((h->bo.down_until - now) % 1000) *
		    1000;
	}
	evtimer_add(h->probe_ev, &tv);
}

/*
 * Open a connection to h ahead of its first job (TCP, TLS, the checks of
 * srv_verify and the hello), so that no compile waits for a handshake.
 * At most AGENT_WARM_MAX connections are opened this way in all; a
 * probe of a host that failed (host_lost) is one too, over the limit.
 */
static void
srv_warm(struct ahost *h)
{
	struct sconn	*sc;
	size_t		 i;
	unsigned	 total = 0;
	char		 err[256];

	if (h->gone || h->untrusted[0] != '\0' || h->nss == 0 ||
	    h->nconn > 0 || !place_up(&h->bo, mono_ms()))
		return;
	for (i = 0; i < h->a->nhosts; i++)
		total += h->a->hosts[i]->nconn;
	if (total >= AGENT_WARM_MAX && !h->needprobe)
		return;
	if ((sc = sconn_new(h, err, sizeof(err))) == NULL) {
		log_debug("%s: %s", h->name, err);
		return;
	}
	if (proto_hello_encode(&sc->pending, PROTO_VERSION) == -1)
		sconn_free(sc);
}

/* Discovery told us about h: copy what placement needs. */
static void
on_disc(enum disc_event ev, const struct disc_host *dh, void *arg)
{
	struct agent	*a = arg;
	struct ahost	*h;
	unsigned	 i, n = 0;

	if (dh->kind != DISC_KIND_CCPOOL)
		return;
	h = host_find(a, dh->name);
	if (ev == DISC_HOST_REMOVE) {
		if (h != NULL) {
			h->gone = 1;
			host_drop_idle(h);
			log_info("host %s left", h->name);
		}
		return;
	}
	if (h == NULL) {
		if ((h = host_add(a, dh->name)) == NULL) {
			log_warnx("host table full or out of memory");
			return;
		}
		log_info("host %s came", h->name);
	} else if (ev == DISC_HOST_ADD || h->gone) {
		/* advertised anew: a restarted server gets a fresh chance
		 * (a failing one that keeps its advert keeps its backoff) */
		place_succeeded(&h->bo);
		log_info("host %s came back", h->name);
	}
	if (dh->port != h->port)
		host_drop_idle(h);
	h->port = dh->port;
	for (i = 0; i < dh->naddr && i < DISC_ADDR_MAX; i++)
		if (host_set_addr(h, n, dh->addr[i].text, dh->port) == 0)
			n++;
	if (n != h->nss)
		host_drop_idle(h);
	h->nss = n;
	if (h->cur >= n)
		h->cur = 0;
	if (n > 0)
		host_where(h, dh->addr[h->cur].text);
	/* an advert from a protocol we cannot speak makes the host unusable */
	h->gone = n == 0 || dh->info.proto < PROTO_VERSION_MIN;
	if (strcmp(h->fp, dh->info.fingerprint) != 0 ||
	    strcmp(h->sec, dh->info.security) != 0 || ev == DISC_HOST_ADD) {
		snprintf(h->fp, sizeof(h->fp), "%s", dh->info.fingerprint);
		snprintf(h->sec, sizeof(h->sec), "%s", dh->info.security);
		host_drop_idle(h);
		advert_trust(a, h);
	}
	h->slots = dh->info.slots;
	h->free_slots = dh->info.free_slots;
	h->queue = dh->info.queue;
	h->freed = 0;	/* the advert counts what ended before it */
	h->cpus = dh->info.cpus;
	h->load = dh->info.load;
	h->ntc = dh->info.ntc <= DISC_TC_MAX ? dh->info.ntc : DISC_TC_MAX;
	for (i = 0; i < h->ntc; i++)
		memcpy(h->tc[i], dh->info.tc[i], DISC_TC_LEN);
	srv_warm(h);
	agent_hosts_changed(a);
}

static void
on_disc_warn(const char *msg, void *arg)
{
	(void)arg;
	log_info("discovery: %s", msg);
}

/* CCPOOL_HOSTS: resolve each entry once, at start. */
static int
pin_hosts(struct agent *a, const char *spec, char *err, size_t errlen)
{
	struct hostspec	 hs[HOSTSPEC_MAX];
	struct addrinfo	 hints, *res, *ai;
	struct ahost	*h;
	char		 name[DISC_NAME_MAX], serv[8], num[NI_MAXHOST];
	int		 n, i, rc;

	if ((n = hostspec_parse(spec, hs, HOSTSPEC_MAX, err, errlen)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%.56s:%u", hs[i].host,
		    hs[i].port);
		if ((h = host_add(a, name)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		h->pinned = 1;
		h->port = hs[i].port;
		h->slots = h->free_slots = hs[i].slots ? hs[i].slots :
		    AGENT_PINNED_SLOTS;
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_NUMERICSERV;
		snprintf(serv, sizeof(serv), "%u", hs[i].port);
		if ((rc = getaddrinfo(hs[i].host, serv, &hints, &res)) != 0) {
			log_warnx("CCPOOL_HOSTS: %s: %s", hs[i].host,
			    gai_strerror(rc));
			h->gone = 1;
			snprintf(h->lasterr, sizeof(h->lasterr), "%s",
			    gai_strerror(rc));
			continue;
		}
		for (ai = res; ai != NULL && h->nss < DISC_ADDR_MAX;
		    ai = ai->ai_next) {
			if (ai->ai_addrlen > sizeof(h->ss[0]))
				continue;
			memcpy(&h->ss[h->nss], ai->ai_addr, ai->ai_addrlen);
			h->sslen[h->nss++] = ai->ai_addrlen;
		}
		freeaddrinfo(res);
		if (h->nss == 0 || getnameinfo((struct sockaddr *)&h->ss[0],
		    h->sslen[0], num, sizeof(num), NULL, 0,
		    NI_NUMERICHOST) != 0) {
			h->gone = 1;
			continue;
		}
		host_where(h, num);
		srv_warm(h);
	}
	return 0;
}

static int
browse(struct agent *a, char *err, size_t errlen)
{
	struct disc_browse_opts	 bo;
	const char		*cluster = getenv("CCPOOL_CLUSTER");

	memset(&bo, 0, sizeof(bo));
	bo.cluster = cluster != NULL && cluster[0] != '\0' ? cluster :
	    "default";
	bo.ccpool = 1;
	bo.no_fail = 1;
	bo.warn = on_disc_warn;
	a->browser = disc_browser_new(a->base, &bo, on_disc, a, err, errlen);
	return a->browser == NULL ? -1 : 0;
}

/*
 * no_fail covers avahi-daemon coming and going, not a missing system
 * bus: then try again now and then (jobs meanwhile compile locally).
 */
static void
on_browse_retry(evutil_socket_t fd, short what, void *arg)
{
	struct agent	*a = arg;
	struct timeval	 tv = { AGENT_BROWSE_RETRY, 0 };
	char		 err[256];

	(void)fd;
	(void)what;
	if (browse(a, err, sizeof(err)) == 0) {
		log_info("discovery started");
		return;
	}
	evtimer_add(a->browse_ev, &tv);
}

/*
 * Open mode's policy: CCPOOL_TRUST (a value we do not know fails closed:
 * explicit) and the first set (trust.h), from the pins the agent starts
 * with.
 */
static void
trust_start(struct agent *a)
{
	const char	*v = getenv("CCPOOL_TRUST");
	enum trust_mode	 mode;
	char		 err[256];
	int		 n;

	if (trust_mode_parse(v, &mode) == -1) {
		log_warnx("CCPOOL_TRUST=%s is neither first-use nor explicit: "
		    "taken as explicit", v);
		mode = TRUST_EXPLICIT;
	}
	if ((n = pin_each(a->pins, NULL, NULL, err, sizeof(err))) == -1)
		log_warnx("%s", err);
	trust_policy_init(&a->tp, mode, n, mono_ms());
	(void)pins_changed(a);	/* as it is now: judged as hosts come */
	if (mode == TRUST_EXPLICIT)
		log_info("trust: explicit (CCPOOL_TRUST): only servers pinned "
		    "with ccpool trust get jobs");
	else if (a->tp.firstset_end != 0)
		log_info("trust: first use; no server pinned yet: the servers "
		    "pinned in the next %d s are the first set, pinned "
		    "quietly; any later one is reported", TRUST_FIRSTSET_MS /
		    1000);
	else
		log_info("trust: first use; %d server%s pinned: a new one is "
		    "reported", n, n == 1 ? "" : "s");
}

/*
 * The user's identity (made on first use), the trust mode it implies,
 * the TLS context and the pin file.  Returns 0, or -1 with err set.
 */
static int
tls_start(struct agent *a, char *err, size_t errlen)
{
	struct ident	 id;
	char		 path[512], crl[512], cn[IDENT_NAME_MAX], host[64];
	const char	*user = getenv("USER");

	if (ident_user_path("identity.pem", path, sizeof(path), err,
	    errlen) == -1 || ident_user_path("crl.pem", crl, sizeof(crl), err,
	    errlen) == -1 || ident_user_path("known_servers", a->pins,
	    sizeof(a->pins), err, errlen) == -1)
		return -1;
	if (gethostname(host, sizeof(host)) == -1)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	snprintf(cn, sizeof(cn), "%.30s@%.30s", user != NULL ? user : "user",
	    host);
	if (ident_load_or_make(&id, path, cn, err, errlen) == -1)
		return -1;
	a->trust = id.cas != NULL && sk_X509_num(id.cas) > 0 ? TLS_SITE :
	    TLS_OPEN;
	if (a->trust == TLS_OPEN)
		trust_start(a);
	memcpy(a->myfp, id.fp, sizeof(a->myfp));
	a->tls = tls_ctx_new(TLS_CLIENT, &id, a->trust, a->trust == TLS_SITE &&
	    access(crl, R_OK) == 0 ? crl : NULL, err, errlen);
	ident_clear(&id);
	if (a->tls == NULL)
		return -1;
	log_info("identity %s (%s mode)", a->myfp, tls_trust_name(a->trust));
	return 0;
}

int
srv_start(struct agent *a, char *err, size_t errlen)
{
	struct timeval	 tv = { AGENT_BROWSE_RETRY, 0 };
	const char	*spec = getenv("CCPOOL_HOSTS");

	cpu_sample(a, mono_ms());
	if (tls_start(a, err, errlen) == -1) {
		a->warm = 1;	/* no identity: every job compiles here */
		return -1;
	}

	if (spec != NULL && spec[0] != '\0') {
		a->pinned = 1;
		a->warm = 1;	/* nothing to wait for */
		return pin_hosts(a, spec, err, errlen);
	}
	if (browse(a, err, errlen) == 0)
		return 0;
	if ((a->browse_ev = evtimer_new(a->base, on_browse_retry, a)) != NULL)
		evtimer_add(a->browse_ev, &tv);
	return -1;
}

void
srv_stop(struct agent *a)
{
	size_t	 i;

	disc_browser_free(a->browser);
	a->browser = NULL;
	if (a->browse_ev != NULL)
		event_free(a->browse_ev);
	a->browse_ev = NULL;
	for (i = 0; i < a->nhosts; i++) {
		host_drop_idle(a->hosts[i]);
		event_free(a->hosts[i]->probe_ev);
		free(a->hosts[i]);
	}
	free(a->hosts);
	a->hosts = NULL;
	a->nhosts = a->caphosts = 0;
	SSL_CTX_free(a->tls);
	a->tls = NULL;
}

/* Toolchains. */

int
srv_has_tc(const struct ahost *h, const char *tcid)
{
	unsigned	 i;

	if (h->pinned) {
		/* no advert: assume it has it until it says otherwise */
		for (i = 0; i < h->nbadtc; i++)
			if (strcmp(h->badtc[i], tcid) == 0)
				return 0;
		return 1;
	}
	for (i = 0; i < h->ntc; i++)
		if (strcmp(h->tc[i], tcid) == 0)
			return 1;
	return 0;
}

void
srv_bad_tc(struct ahost *h, const char *tcid)
{
	if (!h->pinned || !srv_has_tc(h, tcid))
		return;
	if (h->nbadtc == AGENT_BADTC_MAX)
		h->nbadtc--;	/* forget the oldest-but-one; bounded */
	snprintf(h->badtc[h->nbadtc++], sizeof(h->badtc[0]), "%s", tcid);
}

/* Placement. */

static void
fill_cand(struct place_cand *c, const struct ahost *h, const char *tcid)
{
	memset(c, 0, sizeof(*c));
	c->eligible = !h->gone && h->nss > 0 && h->untrusted[0] == '\0' &&
	    !h->needprobe && (tcid == NULL || srv_has_tc(h, tcid));
	c->slots = h->slots;
	/*
	 * The advert lags a second or so: a slot one of our jobs freed since
	 * is free already (without this, every slot turnover waits for the
	 * next advert).
	 */
	c->free_slots = h->free_slots + h->freed < h->slots ?
	    h->free_slots + h->freed : h->slots;
	c->queue = h->queue;
	c->inflight = h->inflight;
	c->down_until = h->bo.down_until;
}

const char *
srv_untrusted_note(struct agent *a, char *buf, size_t len)
{
	struct ahost	*first = NULL;
	size_t		 i, n = 0;
	char		 name[DISC_NAME_MAX * 4], why[sizeof(first->untrusted) * 4];

	buf[0] = '\0';
	for (i = 0; i < a->nhosts; i++)
		if (!a->hosts[i]->gone && a->hosts[i]->untrusted[0] != '\0' &&
		    n++ == 0)
			first = a->hosts[i];
	if (first == NULL)
		return buf;
	log_escape(name, sizeof(name), first->name, strlen(first->name));
	log_escape(why, sizeof(why), first->untrusted,
	    strlen(first->untrusted));
	if (n > 1)
		snprintf(buf, len, " (untrusted: %s: %s, and %zu more)", name,
		    why, n - 1);
	else
		snprintf(buf, len, " (untrusted: %s: %s)", name, why);
	return buf;
}

int
srv_any_for(struct agent *a, const char *tcid)
{
	struct place_cand c;
	uint64_t	 now = mono_ms();
	size_t		 i;

	for (i = 0; i < a->nhosts; i++) {
		fill_cand(&c, a->hosts[i], tcid);
		if (c.eligible && c.slots > 0 && place_up(&a->hosts[i]->bo,
		    now))
			return 1;
	}
	return 0;
}

int
srv_any_usable(struct agent *a)
{
	struct place_cand c;
	uint64_t	 now = mono_ms();
	size_t		 i;

	for (i = 0; i < a->nhosts; i++) {
		fill_cand(&c, a->hosts[i], NULL);
		if (place_free(&c, now) > 0)
			return 1;
	}
	return 0;
}

/*
 * A new sample for the local idle cores, when one is due (srv_start
 * takes the first, so the first job sees a measured window): under a CPU
 * quota (a container, a slice) the quota's usage, in microseconds of
 * quota-sized CPUs; else /proc/stat.
 */
static void
cpu_sample(struct agent *a, uint64_t now)
{
	char		 buf[512];
	uint64_t	 busy, total;
	ssize_t		 n;
	int		 fd;

	if (!aplace_cpu_due(&a->cpu, now))
		return;
	if (a->have_quota && cpuquota_usage_us(&a->quota, &busy) == 0) {
		busy = cpuquota_machine_us(&a->quota, a->cpu.ncpu, busy);
		total = now * 1000 * a->cpu.ncpu;
		aplace_cpu_update(&a->cpu, busy, total, now);
		return;
	}
	if ((fd = open("/proc/stat", O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';		/* the "cpu " line comes first */
	if (cpuquota_parse_procstat(buf, &busy, &total) == 0)
		aplace_cpu_update(&a->cpu, busy, total, now);
}

struct ahost *
srv_pick(struct agent *a, struct ajob *j, int *local)
{
	struct place_cand *c;
	struct place_speed *sp;
	struct place_job pj;
	struct aplace_speeds **t;
	uint64_t	 now = mono_ms();
	double		 base;
	size_t		 i;
	unsigned	 k;
	int		 pick;

	*local = 0;
	if (a->nhosts == 0)
		return NULL;
	c = calloc(a->nhosts, sizeof(*c));
	t = calloc(a->nhosts, sizeof(struct aplace_speeds *));
	if (c == NULL || t == NULL) {
		free(c);
		free(t);
		return NULL;
	}
	for (i = 0; i < a->nhosts; i++)
		t[i] = &a->hosts[i]->spd;
	/* a host never measured is taken as fast as the others */
	base = aplace_base_rate(t, a->nhosts, j->tcid);
	free(t);
	for (i = 0; i < a->nhosts; i++) {
		struct ahost *h = a->hosts[i];

		fill_cand(&c[i], h, j->tcid);
		for (k = 0; k < j->ntried; k++)
			if (j->tried[k] == h)
				c[i].eligible = 0;
		c[i].cpus = h->cpus;
		c[i].load = h->load;
		c[i].rtt_ms = h->srtt_ms;
		sp = aplace_speed(&h->spd, j->tcid, 0);
		c[i].ms_per_kb = sp != NULL && sp->n > 0 ? sp->ms_per_kb :
		    base;
	}
	cpu_sample(a, now);
	aplace_ctx_fill(&a->px, base, aplace_speed(&a->local_spd, j->tcid, 0),
	    a->local_ok ? aplace_local_free(&a->cpu, a->cpu.lrun) : 0,
	    a->cpu.lrun, a->cpu.ncpu);
	pj.in_bytes = j->in_bytes;
	pick = place_choose(c, a->nhosts, &a->px, &pj, now);
	j->stretch = 1;
	if (pick >= 0)
		(void)place_eta(&c[pick], &a->px, &pj, now, &j->stretch);
	free(c);
	if (pick == PLACE_LOCAL) {
		j->stretch = a->px.local_stretch;
		*local = 1;
		return NULL;
	}
	return pick < 0 ? NULL : a->hosts[pick];
}

/* Connections. */

static void	sconn_read(struct bufferevent *, void *);
static void	sconn_event(struct bufferevent *, short, void *);

static void
set_timeouts(struct sconn *sc)
{
	struct timeval	 rd, wr, *rp = &rd, *wp = &wr;

	rd.tv_usec = wr.tv_usec = 0;
	switch (sc->state) {
	case SC_CONNECTING:	/* TCP connect and TLS handshake */
	case SC_HELLO:		/* the hello's answer, just after it */
		rd.tv_sec = wr.tv_sec = AGENT_CONNECT_SEC;
		break;
	case SC_IDLE:
		rd.tv_sec = AGENT_CONN_IDLE;
		wp = NULL;
		break;
	default:
		/* the server sends KEEP while the job waits: silence is death */
		rd.tv_sec = wr.tv_sec = PROTO_KEEPALIVE_TIMEOUT_MS / 1000;
		rd.tv_usec = wr.tv_usec = (suseconds_t)
		    (PROTO_KEEPALIVE_TIMEOUT_MS % 1000) * 1000;
		break;
	}
	bufferevent_set_timeouts(sc->bev, rp, wp);
}

static void
idle_unlink(struct sconn *sc)
{
	struct sconn	**p;

	for (p = &sc->h->idle; *p != NULL; p = &(*p)->next)
		if (*p == sc) {
			*p = sc->next;
			break;
		}
	sc->next = NULL;
}

static void
sconn_free(struct sconn *sc)
{
	if (sc == NULL)
		return;
	if (sc->state == SC_IDLE)
		idle_unlink(sc);
	if (sc->job != NULL)
		host_job_ended(sc->h);
	sc->h->nconn--;
	bufferevent_free(sc->bev);
	proto_result_reader_free(&sc->rr);
	proto_buf_free(&sc->ans);
	proto_buf_free(&sc->pending);
	free(sc);
}

/*
 * Options of a new server socket: close-on-exec (libevent made it), no
 * Nagle delay, data unacknowledged for AGENT_TCP_USER_TIMEOUT_MS fails
 * the connection, and an idle one is probed (AGENT_TCP_KEEP*).  A
 * failure only costs failover speed, so it is not fatal.
 */
static void
sock_opts(int fd)
{
	int	 one = 1, ut = AGENT_TCP_USER_TIMEOUT_MS;
	int	 idle = AGENT_TCP_KEEPIDLE, intvl = AGENT_TCP_KEEPINTVL;
	int	 cnt = AGENT_TCP_KEEPCNT, fl;

	if (fd == -1)
		return;
	if ((fl = fcntl(fd, F_GETFD)) == -1 ||
	    fcntl(fd, F_SETFD, fl | FD_CLOEXEC) == -1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ==
	    -1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ut, sizeof(ut)) ==
	    -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) == -1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle)) ==
	    -1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl,
	    sizeof(intvl)) == -1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt)) == -1)
		log_debug("socket options: %s", strerror(errno));
}

/* Fold the kernel's smoothed RTT of sc's socket into its host's. */
static void
sock_rtt(struct sconn *sc)
{
	struct tcp_info	 ti;
	socklen_t	 len = sizeof(ti);
	int		 fd = bufferevent_getfd(sc->bev);

	if (fd != -1 && getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) ==
	    0 && len >= sizeof(ti) && ti.tcpi_rtt > 0)
		aplace_rtt(&sc->h->srtt_ms, ti.tcpi_rtt / 1000.0);
}

static struct sconn *
sconn_new(struct ahost *h, char *err, size_t errlen)
{
	struct sconn	*sc;
	SSL		*ssl = NULL;

	if ((sc = calloc(1, sizeof(*sc))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	sc->h = h;
	sc->nextid = 1;
	proto_result_reader_init(&sc->rr, 0, 0, &h->a->lim);
	proto_buf_init(&sc->pending);
	if ((ssl = SSL_new(h->a->tls)) == NULL ||
	    (sc->bev = bufferevent_openssl_socket_new(h->a->base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		SSL_free(ssl);
		snprintf(err, errlen, "out of memory");
		free(sc);
		return NULL;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(sc->bev, 1);
	h->nconn++;
	sc->state = SC_CONNECTING;
	bufferevent_setcb(sc->bev, sconn_read, NULL, sconn_event, sc);
	set_timeouts(sc);
	bufferevent_enable(sc->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(sc->bev,
	    (struct sockaddr *)&h->ss[h->cur], (int)h->sslen[h->cur]) == -1) {
		snprintf(err, errlen, "connect %s: %s", h->where,
		    strerror(errno));
		sconn_free(sc);
		return NULL;
	}
	sock_opts(bufferevent_getfd(sc->bev));
	/*
	 * Nothing is written before srv_verify() accepted the server: the
	 * hello and the first job wait in sc->pending.
	 */
	return sc;
}

int
srv_send(struct ahost *h, struct ajob *j, char *err, size_t errlen)
{
	struct sconn	*sc;
	struct proto_buf b;
	uint32_t	 id;
	int		 rc = -1;

	if ((sc = h->idle) != NULL) {
		idle_unlink(sc);
		sc->state = SC_JOB;
		sc->reused = 1;
	} else if ((sc = sconn_new(h, err, errlen)) == NULL)
		return -1;
	id = sc->nextid++;
	if (sc->nextid == 0)
		sc->nextid = 1;
	proto_buf_init(&b);
	if ((sc->state == SC_CONNECTING &&
	    proto_hello_encode(&b, PROTO_VERSION) == -1) ||
	    proto_put_value(&b, "JOB_", id) == -1 ||
	    proto_put_payload(&b, "TCID", j->tcid, strlen(j->tcid)) == -1 ||
	    proto_buf_append(&b, j->fwd.data, j->fwd.len) == -1 ||
	    proto_put_value(&b, "JEND", id) == -1 ||
	    (sc->state == SC_CONNECTING ? proto_buf_append(&sc->pending,
	    b.data, b.len) : bufferevent_write(sc->bev, b.data, b.len)) ==
	    -1) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	proto_result_reader_free(&sc->rr);
	proto_result_reader_init(&sc->rr, id, j->job.want, &h->a->lim);
	proto_buf_reset(&sc->ans);
	sc->got_answer = 0;
	sc->job = j;
	j->sc = sc;
	j->t_sent = mono_ms();
	h->inflight++;
	set_timeouts(sc);
	rc = 0;
out:
	proto_buf_free(&b);
	if (rc == -1)
		sconn_free(sc);
	return rc;
}

void
srv_cancel(struct sconn *sc)
{
	/* the server is in the middle of the job: the connection is lost */
	if (sc != NULL)
		sc->job->sc = NULL;
	sconn_free(sc);
}

void
srv_release(struct sconn *sc)
{
	struct ahost	*h = sc->h;

	if (sc->job != NULL) {
		sc->job->sc = NULL;
		sc->job = NULL;
		host_job_ended(h);
	}
	if (h->gone || evbuffer_get_length(bufferevent_get_input(sc->bev))) {
		sconn_free(sc);
		return;
	}
	sc->state = SC_IDLE;
	sc->next = h->idle;
	h->idle = sc;
	set_timeouts(sc);
}

/*
 * The job on sc failed.  The connection is closed; agent.c decides where
 * the job goes next.
 */
static void
sconn_fail(struct sconn *sc, int fault, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
sconn_fail(struct sconn *sc, int fault, const char *fmt, ...)
{
	struct ajob	*j = sc->job;
	struct ahost	*h = sc->h;
	char		 why[256];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (j != NULL)
		j->sc = NULL;
	sconn_free(sc);
	if (j != NULL)
		agent_job_failed(j, h, fault, why);
	else if (h->needprobe) {
		log_info("%s: probe failed: %s", h->name, why);
		place_failed(&h->bo, mono_ms());
		host_lost(h);
	} else
		log_debug("%s: idle connection: %s", h->name, why);
}

/* A refusal of the job (not of the hello) on sc. */
static void
on_refusal(struct sconn *sc, const struct proto_result *res)
{
	struct ajob	*j = sc->job;
	struct ahost	*h = sc->h;
	char		 msg[300];
	int		 fault;

	log_escape(msg, sizeof(msg), res->msg, strlen(res->msg));
	switch (res->reason) {
	case PROTO_R_TOOLCHAIN:
		srv_bad_tc(h, j->tcid);
		fault = AGENT_F_TC;
		break;
	case PROTO_R_NOTCOMPILE:
	case PROTO_R_POLICY:
	case PROTO_R_TOOLARGE:
		fault = AGENT_F_JOB;	/* any server would say the same */
		break;
	default:		/* busy, shutdown, auth, internal, proto */
		fault = AGENT_F_HOST;
		break;
	}
	if (sc->hello_refused) {
		log_warnx("server %s refused us: %s", h->name, msg);
		sc->job = NULL;
		j->sc = NULL;
		host_job_ended(h);
		sconn_free(sc);
	} else
		/* a refusal ends cleanly: the connection can serve again */
		srv_release(sc);
	agent_job_failed(j, h, fault, msg);
}

/* The answer on sc is complete (its bytes are drained from the input). */
static void
sconn_done(struct sconn *sc)
{
	struct proto_result res;

	struct ajob	*j = sc->job;
	struct place_speed *sp;

	proto_result_init(&res);
	proto_result_reader_take(&sc->rr, &res);
	if (sc->h->needprobe && !sc->hello_refused) {
		/* an answer is as good a sign of life as a probe's */
		log_info("%s answers again", sc->h->name);
		sc->h->needprobe = 0;
	}
	if (res.refused)
		on_refusal(sc, &res);
	else {
		/* a clean compile teaches the host's speed for the toolchain */
		if (res.status == 0 && !sc->hello_refused &&
		    (sp = aplace_speed(&sc->h->spd, j->tcid, 1)) != NULL)
			place_learn(sp, (double)res.compile_ms, j->in_bytes,
			    j->stretch);
		sock_rtt(sc);
		agent_job_answered(j, sc);
		srv_release(sc);
	}
	proto_result_free(&res);
}

/*
 * One frame from the server on sc.  Returns 0 to go on, 1 when the
 * answer is complete, 2 when a warm-up hello was answered, -1 if sc was
 * freed.
 */
static int
sconn_frame(struct sconn *sc, const struct proto_frame *f, const uint8_t *raw)
{
	char		 err[256];
	uint32_t	 version;
	int		 rc;

	switch (sc->state) {
	case SC_CONNECTING:
	case SC_HELLO:
		if (memcmp(f->tok, "CCPL", 4) == 0) {
			if (proto_hello_decode(f, &version, err,
			    sizeof(err)) == -1 ||
			    version < PROTO_VERSION_MIN ||
			    version > PROTO_VERSION) {
				sconn_fail(sc, AGENT_F_HOST, "hello: server "
				    "chose version %u", (unsigned)f->value);
				return -1;
			}
			if (sc->t_hello_us != 0)
				aplace_rtt(&sc->h->srtt_ms, (double)(mono_us() -
				    sc->t_hello_us) / 1000.0);
			if (sc->job == NULL)
				return 2;	/* warmed up: sconn_read idles it */
			sc->state = SC_JOB;
			set_timeouts(sc);
			return 0;
		}
		/* a refused hello (RFSE MSG_ DONE 0): read it for its reason */
		if (sc->job == NULL) {
			sconn_fail(sc, AGENT_F_HOST, "hello refused (%s)",
			    proto_reason_name(f->value));
			return -1;
		}
		proto_result_reader_free(&sc->rr);
		proto_result_reader_init(&sc->rr, 0, 0, &sc->h->a->lim);
		sc->hello_refused = 1;
		sc->state = SC_JOB;
		break;
	case SC_IDLE:
		sconn_fail(sc, AGENT_F_HOST, "%.4s on an idle connection",
		    f->tok);
		return -1;
	case SC_JOB:
		break;
	}
	rc = proto_result_feed(&sc->rr, f, err, sizeof(err));
	if (rc == -1) {
		sconn_fail(sc, AGENT_F_HOST, "bad answer: %s", err);
		return -1;
	}
	if (rc == PROTO_KEEPALIVE)
		return 0;	/* the read timeout restarts by itself */
	sc->got_answer = 1;
	if (proto_buf_append(&sc->ans, raw, f->need) == -1) {
		sconn_fail(sc, AGENT_F_HOST, "out of memory");
		return -1;
	}
	return rc == PROTO_DONE ? 1 : 0;
}

/*
 * Parse whole frames off the front of in.  The header decides the
 * verdict, so a hostile length is refused before its payload arrives.
 */
static void
sconn_read(struct bufferevent *bev, void *arg)
{
	struct sconn	*sc = arg;
	struct ahost	*h;
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct proto_frame f;
	const uint8_t	*p;
	char		 err[256];
	size_t		 need;
	ssize_t		 n;

	for (;;) {
		if ((n = proto_evpull(in, &sc->h->a->dialect, &f, &p, err,
		    sizeof(err))) == -1) {
			sconn_fail(sc, AGENT_F_HOST, "garbage: %s", err);
			return;
		}
		if (n == 0)
			return;
		need = f.need;
		switch (sconn_frame(sc, &f, p)) {
		case -1:
			return;
		case 1:
			evbuffer_drain(in, need);
			sconn_done(sc);
			return;
		case 2:
			evbuffer_drain(in, need);
			h = sc->h;
			if (h->needprobe) {
				log_info("%s answers again", h->name);
				h->needprobe = 0;
				place_succeeded(&h->bo);
			}
			srv_release(sc);	/* may free sc */
			/* verified: held jobs may go there now */
			agent_hosts_changed(h->a);
			return;
		}
		evbuffer_drain(in, need);
	}
}

/*
 * The handshake with sc's server is done: is it who we want?  Open mode:
 * its key is the advertised one, and open mode's policy (trust.h) takes
 * it: pinned already, or pinned now (quietly in the first set, with a
 * warning to the user after it), unless refused, an alternative name of
 * another key, or new under CCPOOL_TRUST=explicit.  Site mode: its
 * certificate is a host certificate of our CA, not revoked.  Returns 0,
 * or -1 after failing the job (sc is freed).
 */
static int
srv_verify(struct sconn *sc)
{
	struct ahost	*h = sc->h;
	struct agent	*a = h->a;
	struct tls_peer	 p;
	struct trust_verdict v;
	char		 why[256];

	if (tls_peer_check(bufferevent_openssl_get_ssl(sc->bev), a->trust, 1,
	    &p, why, sizeof(why)) == -1) {
		untrust(h, 1, "%s", why);
		goto fail;
	}
	if (a->trust == TLS_SITE)
		goto ok;
	if (h->fp[0] != '\0' && strcmp(h->fp, p.fp) != 0) {
		untrust(h, 1, "it holds key %s, not the advertised %s", p.fp,
		    h->fp);
		goto fail;
	}
	memcpy(h->seen, p.fp, sizeof(h->seen));
	if (judge(a, h, p.fp, &v, why, sizeof(why)) == -1) {
		untrust(h, 0, "%s", why);
		goto fail;
	}
	if (verdict_apply(h, &v) == -1)
		goto fail;
	if (v.act == TRUST_PIN || v.act == TRUST_PIN_WARN) {
		if (pin_add(a->pins, h->name, p.fp, why, sizeof(why)) == -1)
			log_warnx("%s", why);
		if (v.act == TRUST_PIN)
			log_info("pinned %s to key %s (%s)", h->name, p.fp,
			    v.why);
		else {
			log_warnx("%s", v.why);
			tell(h, &v);
		}
	}
ok:
	log_debug("%s: TLS with %s", h->name, p.fp);
	return 0;
fail:
	sconn_fail(sc, AGENT_F_HOST, "untrusted: %s", h->untrusted);
	return -1;
}

/*
 * Why sc's connection failed, in doc/client.md's words (tls_conn_why):
 * what libevent saw, errno, the TLS layer's most telling error and the
 * socket's TCP state.  A refused, unreachable or silent server is not a
 * TLS failure.
 */
static const char *
conn_why(struct sconn *sc, short what, int err, char *buf, size_t len)
{
	struct tcp_info	 ti;
	socklen_t	 tl = sizeof(ti);
	unsigned long	 e, ssl = 0;
	int		 fd = bufferevent_getfd(sc->bev), st = -1;

	/* the first kept is the most specific; an OpenSSL one over none */
	while ((e = bufferevent_get_openssl_error(sc->bev)) != 0)
		if (ssl == 0 || (ERR_GET_LIB(ssl) == 0 && ERR_GET_LIB(e) != 0))
			ssl = e;
	if (fd != -1 && getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &tl) == 0)
		st = ti.tcpi_state;
	return tls_conn_why(buf, len, sc->state == SC_CONNECTING,
	    (what & BEV_EVENT_TIMEOUT) != 0, ssl, err, st);
}

static void
sconn_event(struct bufferevent *bev, short what, void *arg)
{
	struct sconn	*sc = arg;
	struct ahost	*h = sc->h;
	int		 err = EVUTIL_SOCKET_ERROR();
	char		 why[160];

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		if (srv_verify(sc) == -1)
			return;
		if (bufferevent_write(sc->bev, sc->pending.data,
		    sc->pending.len) == -1) {
			sconn_fail(sc, AGENT_F_HOST, "out of memory");
			return;
		}
		proto_buf_free(&sc->pending);
		sc->state = SC_HELLO;
		sc->t_hello_us = mono_us();
		set_timeouts(sc);
		return;
	}
	if (sc->state == SC_CONNECTING) {
		/* next time, try the host's next address */
		if (h->nss > 0)
			h->cur = (h->cur + 1) % h->nss;
		if (sc->job != NULL)
			host_lost(h);
		sconn_fail(sc, AGENT_F_HOST, "connect %s: %s", h->where,
		    conn_why(sc, what, err, why, sizeof(why)));
		return;
	}
	if (sc->job == NULL) {
		if (sc->state == SC_HELLO && h->needprobe) {
			sconn_fail(sc, AGENT_F_HOST, "hello: %s",
			    conn_why(sc, what, err, why, sizeof(why)));
			return;
		}
		if (sc->state == SC_IDLE && (what & BEV_EVENT_ERROR) &&
		    err == ETIMEDOUT) {
			/* TCP keepalive: the host vanished while we idled */
			log_info("%s: idle connection timed out", h->name);
			sconn_free(sc);
			place_failed(&h->bo, mono_ms());
			host_lost(h);
			return;
		}
		sconn_free(sc);		/* an idle connection closed or aged */
		return;
	}
	if ((what & BEV_EVENT_TIMEOUT) || err == ETIMEDOUT) {
		/* silent: a frozen process, a dead link, a vanished host */
		host_lost(h);
		sconn_fail(sc, AGENT_F_HOST, "no answer for %d ms",
		    PROTO_KEEPALIVE_TIMEOUT_MS);
		return;
	}
	/*
	 * A reused connection that dies before any answer most likely
	 * timed out idle on the server's side: not the server's fault.
	 */
	if (!(sc->reused && !sc->got_answer))
		host_lost(h);
	sconn_fail(sc, sc->reused && !sc->got_answer ? AGENT_F_STALE :
	    AGENT_F_HOST, "%s", conn_why(sc, what, err, why, sizeof(why)));
}
