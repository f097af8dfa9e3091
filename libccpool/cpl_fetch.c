/*
 * cpl_fetch.c - HTTPS GETs of status pages with libcurl's multi
 * interface, every socket and timer on the caller's AvahiPoll; see cpl.h.
 *
 * libcurl tells us which sockets to watch (sock_cb: an AvahiWatch each,
 * kept with curl_multi_assign) and when to call it back (timer_cb: one
 * AvahiTimeout); the loop calls us (watch_cb, timeout_cb), we hand the
 * event to curl_multi_socket_action and collect finished transfers in
 * drain().  Nothing ever waits: the caller's loop runs on.
 *
 * Every page is fetched with the server's key pinned to its advert's;
 * a site server's chain must verify to the site CA as well (ssl_ctx_cb
 * puts that CA, and only it, in the handshake's store).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <avahi-common/timeval.h>
#include <curl/curl.h>
#include <openssl/ssl.h>

#include "libccpool/cpl.h"

struct cpl_req {
	struct cpl_req		*next, **prevp;	/* f->reqs */
	struct cpl_fetch	*f;
	CURL			*e;
	void			*owner;
	char			*body;
	size_t			 len;
	int			 toobig;
	char			 errbuf[CURL_ERROR_SIZE];
};

struct cpl_fetch {
	const AvahiPoll		*api;
	CURLM			*multi;
	AvahiTimeout		*timer;
	struct cpl_req		*reqs;		/* in flight */
	cpl_fetch_done		 cb;
	void			*arg;
	int			 global;	/* curl_global_init done */
	X509_STORE		*site;		/* the site CA, or NULL */
};

static void
req_free(struct cpl_req *r)
{
	if (r == NULL)
		return;
	if (r->prevp != NULL) {
		if ((*r->prevp = r->next) != NULL)
			r->next->prevp = r->prevp;
	}
	if (r->e != NULL) {
		curl_multi_remove_handle(r->f->multi, r->e);
		curl_easy_cleanup(r->e);
	}
	free(r->body);
	free(r);
}

/* Collect finished transfers and tell the owner of each. */
static void
drain(struct cpl_fetch *f)
{
	CURLMsg		*msg;
	struct cpl_req	*r;
	char		 why[CPL_ERR_MAX];
	long		 code = 0;
	int		 left;

	while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		if (curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
		    (char **)&r) != CURLE_OK || r == NULL)
			continue;
		curl_easy_getinfo(r->e, CURLINFO_RESPONSE_CODE, &code);
		if (r->toobig)
			snprintf(why, sizeof(why), "status page larger than "
			    "%d bytes", CPL_STATUS_MAX);
		else if (msg->data.result != CURLE_OK)
			snprintf(why, sizeof(why), "%s", r->errbuf[0] != '\0' ?
			    r->errbuf : curl_easy_strerror(msg->data.result));
		else if (code != 200)
			snprintf(why, sizeof(why), "HTTP status %ld", code);
		else
			why[0] = '\0';
		f->cb(r->owner, r->body != NULL ? r->body : "", r->len,
		    why[0] != '\0' ? why : NULL, f->arg);
		req_free(r);
	}
}

static void
watch_cb(AvahiWatch *w, int fd, AvahiWatchEvent ev, void *arg)
{
	struct cpl_fetch *f = arg;
	int		 flags = 0, running;

	(void)w;
	if (ev & AVAHI_WATCH_IN)
		flags |= CURL_CSELECT_IN;
	if (ev & AVAHI_WATCH_OUT)
		flags |= CURL_CSELECT_OUT;
	if (ev & (AVAHI_WATCH_ERR | AVAHI_WATCH_HUP))
		flags |= CURL_CSELECT_ERR;
	/* w may be freed in here (sock_cb, CURL_POLL_REMOVE) */
	curl_multi_socket_action(f->multi, fd, flags, &running);
	drain(f);
}

static int
sock_cb(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct cpl_fetch *f = userp;
	AvahiWatch	*w = socketp;
	AvahiWatchEvent	 ev = 0;

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (w != NULL) {
			f->api->watch_free(w);
			curl_multi_assign(f->multi, s, NULL);
		}
		return 0;
	}
	if (what & CURL_POLL_IN)
		ev |= AVAHI_WATCH_IN;
	if (what & CURL_POLL_OUT)
		ev |= AVAHI_WATCH_OUT;
	if (w != NULL) {
		f->api->watch_update(w, ev);
		return 0;
	}
	if ((w = f->api->watch_new(f->api, s, ev, watch_cb, f)) == NULL)
		return -1;	/* curl fails that transfer */
	curl_multi_assign(f->multi, s, w);
	return 0;
}

static int
timer_cb(CURLM *multi, long ms, void *userp)
{
	struct cpl_fetch *f = userp;
	struct timeval	 tv;

	(void)multi;
	if (ms < 0)
		f->api->timeout_update(f->timer, NULL);
	else
		f->api->timeout_update(f->timer, avahi_elapse_time(&tv,
		    (unsigned)(ms > 86400000 ? 86400000 : ms), 0));
	return 0;
}

static void
timeout_cb(AvahiTimeout *t, void *arg)
{
	struct cpl_fetch *f = arg;
	int		 running;

	f->api->timeout_update(t, NULL);	/* curl re-arms it */
	curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	drain(f);
}

static size_t
write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct cpl_req	*r = arg;
	char		*b;

	n *= size;
	if (n > CPL_STATUS_MAX - r->len) {
		r->toobig = 1;
		return 0;	/* curl aborts the transfer */
	}
	if ((b = realloc(r->body, r->len + n + 1)) == NULL)
		return 0;
	memcpy(b + r->len, p, n);
	r->len += n;
	b[r->len] = '\0';
	r->body = b;
	return n;
}

struct cpl_fetch *
cpl_fetch_new(const AvahiPoll *api, cpl_fetch_done cb, void *arg, char *err,
    size_t errlen)
{
	struct cpl_fetch *f;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->api = api;
	f->cb = cb;
	f->arg = arg;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "libcurl: cannot initialise");
		goto fail;
	}
	f->global = 1;
	if ((f->multi = curl_multi_init()) == NULL ||
	    (f->timer = api->timeout_new(api, NULL, timeout_cb, f)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
	return f;
fail:
	cpl_fetch_free(f);
	return NULL;
}

void
cpl_fetch_free(struct cpl_fetch *f)
{
	struct cpl_req	*r, *next;

	if (f == NULL)
		return;
	/* what is still in flight goes without a callback; req_free
	 * unlinks and frees r, so its successor is read first */
	for (r = f->reqs; r != NULL; r = next) {
		next = r->next;
		req_free(r);
	}
	if (f->multi != NULL)
		curl_multi_cleanup(f->multi);	/* closes sockets: sock_cb */
	if (f->timer != NULL)
		f->api->timeout_free(f->timer);
	if (f->global)
		curl_global_cleanup();
	X509_STORE_free(f->site);
	free(f);
}

void
cpl_fetch_set_site(struct cpl_fetch *f, X509_STORE *store)
{
	X509_STORE_free(f->site);
	f->site = store;
}

/*
 * libcurl's OpenSSL context of a site fetch, before its handshake: the
 * site CA becomes its whole store (no system CA), so that the chain
 * verifies to it, for a server, and not revoked.
 */
static CURLcode
ssl_ctx_cb(CURL *e, void *sslctx, void *arg)
{
	struct cpl_fetch *f = arg;

	(void)e;
	if (f->site == NULL)
		return CURLE_SSL_CACERT_BADFILE;
	SSL_CTX_set1_cert_store((SSL_CTX *)sslctx, f->site);
	return CURLE_OK;
}

/* The options of one GET; CURLE_OK or the first that failed. */
static CURLcode
setopts(struct cpl_req *r, const char *url, const char *pin, int site,
    unsigned timeout_ms)
{
	CURL		*e = r->e;
	CURLcode	 c;

#define OPT(o, v)	if ((c = curl_easy_setopt(e, o, v)) != CURLE_OK) \
				return c
	OPT(CURLOPT_URL, url);
	OPT(CURLOPT_PROTOCOLS_STR, "https");
	OPT(CURLOPT_NOPROXY, "*");	/* a LAN address, never a proxy */
	OPT(CURLOPT_NOSIGNAL, 1L);
	OPT(CURLOPT_FOLLOWLOCATION, 0L);
	OPT(CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	OPT(CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	OPT(CURLOPT_MAXFILESIZE, (long)CPL_STATUS_MAX);
	OPT(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	/*
	 * Open mode's keys are self-signed: no chain, no name to check.
	 * The pin is the check, and it is mandatory: libcurl refuses a key
	 * whose SubjectPublicKeyInfo hashes to anything else.  A site
	 * server's chain must verify to the site CA too (ssl_ctx_cb); its
	 * name is a DNS-SD instance, not in the certificate: not checked.
	 */
	OPT(CURLOPT_SSL_VERIFYPEER, site ? 1L : 0L);
	OPT(CURLOPT_SSL_VERIFYHOST, 0L);
	OPT(CURLOPT_SSL_SESSIONID_CACHE, 0L);	/* every handshake whole */
	if (site) {
		OPT(CURLOPT_CAINFO, NULL);
		OPT(CURLOPT_CAPATH, NULL);
		OPT(CURLOPT_SSL_CTX_FUNCTION, ssl_ctx_cb);
		OPT(CURLOPT_SSL_CTX_DATA, r->f);
	}
	OPT(CURLOPT_PINNEDPUBLICKEY, pin);
	OPT(CURLOPT_USERAGENT, "libccpool/" VERSION);
	OPT(CURLOPT_ERRORBUFFER, r->errbuf);
	OPT(CURLOPT_WRITEFUNCTION, write_cb);
	OPT(CURLOPT_WRITEDATA, r);
	OPT(CURLOPT_PRIVATE, r);
#undef OPT
	return CURLE_OK;
}

struct cpl_req *
cpl_fetch_start(struct cpl_fetch *f, const char *url, const char *pin,
    int site, unsigned timeout_ms, void *owner, char *err, size_t errlen)
{
	struct cpl_req	*r;
	CURLcode	 c;
	CURLMcode	 mc;

	if (pin == NULL || strncmp(pin, "sha256//", 8) != 0) {
		snprintf(err, errlen, "no key to pin");
		return NULL;
	}
	if (site && f->site == NULL) {
		snprintf(err, errlen, "a site server: no site CA to verify "
		    "it against");
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->e = curl_easy_init()) == NULL) {
		free(r);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->f = f;
	r->owner = owner;
	if ((c = setopts(r, url, pin, site, timeout_ms)) != CURLE_OK) {
		snprintf(err, errlen, "libcurl: %s", curl_easy_strerror(c));
		curl_easy_cleanup(r->e);
		free(r);
		return NULL;
	}
	if ((mc = curl_multi_add_handle(f->multi, r->e)) != CURLM_OK) {
		snprintf(err, errlen, "libcurl: %s", curl_multi_strerror(mc));
		curl_easy_cleanup(r->e);
		free(r);
		return NULL;
	}
	if ((r->next = f->reqs) != NULL)
		r->next->prevp = &r->next;
	f->reqs = r;
	r->prevp = &f->reqs;
	return r;
}

void
cpl_fetch_cancel(struct cpl_fetch *f, struct cpl_req *req)
{
	(void)f;
	req_free(req);
}
