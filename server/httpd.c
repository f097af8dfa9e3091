/*
 * httpd.c - the status page's HTTP/1.1 server (httpd.h has the contract).
 * Two halves: httpd_parse(), a pure parser of one request head, and the
 * connections: a TLS bufferevent each, a deadline timer, one answer per
 * head.  Start reading at httpd_take() and hc_read().
 */
#include <sys/queue.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

#include "common/log.h"
#include "server/httpd.h"

/* The parser. */

static int
is_tchar(int c)
{
	return isalnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) !=
	    NULL);
}

static ssize_t
bad(int *status, int code, char *err, size_t errlen, const char *why)
{
	*status = code;
	snprintf(err, errlen, "%s", why);
	return -1;
}

/* Does the comma-separated list v (vlen bytes) hold token tok? */
static int
has_token(const char *v, size_t vlen, const char *tok)
{
	size_t	 i = 0, s, e, n = strlen(tok);

	while (i < vlen) {
		while (i < vlen && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < vlen && v[i] != ',')
			i++;
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e - s == n && strncasecmp(v + s, tok, n) == 0)
			return 1;
	}
	return 0;
}

/* One header line (name: value, no line end); 0 or -1 (bad). */
static int
header(const char *l, size_t len, struct httpd_req *r)
{
	size_t	 i, n;
	const char *v;

	for (n = 0; n < len && is_tchar((unsigned char)l[n]); n++)
		;
	if (n == 0 || n == len || l[n] != ':')
		return -1;
	for (i = n + 1; i < len; i++)
		if (((unsigned char)l[i] < 0x20 && l[i] != '\t') ||
		    l[i] == 0x7f)
			return -1;
	v = l + n + 1;
	len -= n + 1;
	while (len > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		len--;
	}
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	if (n == 17 && strncasecmp(l, "transfer-encoding", n) == 0)
		return -1;
	if (n == 14 && strncasecmp(l, "content-length", n) == 0 &&
	    (len != 1 || v[0] != '0'))
		return -1;
	if (n == 10 && strncasecmp(l, "connection", n) == 0) {
		if (has_token(v, len, "close"))
			r->keepalive = 0;
		else if (has_token(v, len, "keep-alive"))
			r->keepalive = 1;
	}
	return 0;
}

/* The request line (no line end): method SP target SP version. */
static ssize_t
request_line(const char *l, size_t len, struct httpd_req *r, int *status,
    char *err, size_t errlen)
{
	const char	*sp1, *sp2, *t, *ver;
	size_t		 mlen, tlen, vlen, i;

	if ((sp1 = memchr(l, ' ', len)) == NULL ||
	    (sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - l))) == NULL)
		return bad(status, 400, err, errlen, "bad request line");
	mlen = (size_t)(sp1 - l);
	t = sp1 + 1;
	tlen = (size_t)(sp2 - t);
	ver = sp2 + 1;
	vlen = len - (size_t)(ver - l);
	for (i = 0; i < mlen; i++)
		if (!is_tchar((unsigned char)l[i]))
			return bad(status, 400, err, errlen, "bad method");
	if (mlen == 0)
		return bad(status, 400, err, errlen, "bad method");
	if (vlen == 8 && memcmp(ver, "HTTP/1.1", 8) == 0)
		r->keepalive = 1;
	else if (vlen == 8 && memcmp(ver, "HTTP/1.0", 8) == 0)
		r->keepalive = 0;
	else if (vlen == 8 && memcmp(ver, "HTTP/", 5) == 0 &&
	    isdigit((unsigned char)ver[5]) && ver[6] == '.' &&
	    isdigit((unsigned char)ver[7]))
		return bad(status, 505, err, errlen, "HTTP version not "
		    "supported");
	else
		return bad(status, 400, err, errlen, "bad HTTP version");
	if (tlen == 0 || t[0] != '/')
		return bad(status, 400, err, errlen, "bad request target");
	if (tlen >= HTTPD_PATH_MAX)
		return bad(status, 414, err, errlen, "request target too long");
	for (i = 0; i < tlen; i++)
		if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f)
			return bad(status, 400, err, errlen, "bad request "
			    "target");
	if (mlen == 4 && memcmp(l, "HEAD", 4) == 0)
		r->head = 1;
	else if (mlen != 3 || memcmp(l, "GET", 3) != 0)
		return bad(status, 405, err, errlen, "only GET and HEAD");
	memcpy(r->path, t, tlen);
	r->path[tlen] = '\0';
	return 0;
}

ssize_t
httpd_parse(const char *buf, size_t len, struct httpd_req *r, int *status,
    char *err, size_t errlen)
{
	const char	*p, *nl, *end;
	size_t		 l, nh = 0;

	memset(r, 0, sizeof(*r));
	*status = 0;
	if (len > HTTPD_HEAD_MAX)
		len = HTTPD_HEAD_MAX;
	/* The head ends with an empty line: is it all here? */
	for (p = buf, end = NULL; (nl = memchr(p, '\n',
	    len - (size_t)(p - buf))) != NULL; p = nl + 1) {
		l = (size_t)(nl - p);
		if (l == 0 || (l == 1 && p[0] == '\r')) {
			end = nl + 1;
			break;
		}
	}
	if (end == NULL)
		return len >= HTTPD_HEAD_MAX ? bad(status, 431, err, errlen,
		    "request head too large") : 0;
	for (p = buf; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		l = (size_t)(nl - p);
		if (l > 0 && p[l - 1] == '\r')
			l--;
		if (memchr(p, '\r', l) != NULL)
			return bad(status, 400, err, errlen, "stray CR");
		if (p == buf) {
			if (request_line(p, l, r, status, err, errlen) == -1)
				return -1;
			continue;
		}
		if (l == 0)
			break;
		if (++nh > HTTPD_HEADERS_MAX)
			return bad(status, 431, err, errlen, "too many header "
			    "lines");
		if (header(p, l, r) == -1)
			return bad(status, 400, err, errlen, "bad header line "
			    "(or a request body)");
	}
	return end - buf;
}

/* The connections. */

struct hconn {
	TAILQ_ENTRY(hconn) entry;
	struct httpd	*h;
	struct bufferevent *bev;
	struct event	*deadline;
	int		 family;
	uint8_t		 addr[16];
	char		 peer[64];
	int		 closing;	/* the last answer is on its way */
};

struct httpd {
	struct event_base *base;
	SSL_CTX		*tls;
	struct httpd_ops ops;
	void		*arg;		/* for ops */
	int		 prio;
	TAILQ_HEAD(, hconn) conns;
	unsigned	 n;
};

static void
hc_free(struct hconn *c)
{
	struct httpd	*h = c->h;

	TAILQ_REMOVE(&h->conns, c, entry);
	h->n--;
	if (c->deadline != NULL)
		event_free(c->deadline);
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	h->ops.closed(h->arg, c->family, c->addr);
	free(c);
}

static void
hc_deadline(struct hconn *c, int secs)
{
	struct timeval	 tv = { secs, 0 };

	evtimer_add(c->deadline, &tv);
}

static const char *
status_text(int code)
{
	switch (code) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 505: return "HTTP Version Not Supported";
	default: return "Internal Server Error";
	}
}

/* Queue one answer; body NULL: a one-line text body saying the status. */
static void
hc_answer(struct hconn *c, int code, const char *body, int head,
    int keepalive)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	char		 text[64];
	const char	*type = "application/json";

	if (body == NULL) {
		snprintf(text, sizeof(text), "%d %s\n", code,
		    status_text(code));
		body = text;
		type = "text/plain";
	}
	if (evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\n"
	    "Content-Type: %s\r\nContent-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n%s"
	    "Connection: %s\r\n\r\n", code, status_text(code), type,
	    strlen(body), code == 405 ? "Allow: GET, HEAD\r\n" : "",
	    keepalive ? "keep-alive" : "close") == -1 ||
	    (!head && evbuffer_add(out, body, strlen(body)) == -1))
		fatalx("evbuffer_add: out of memory");
	if (!keepalive) {
		c->closing = 1;
		bufferevent_disable(c->bev, EV_READ);
	}
}

static void
hc_read(struct bufferevent *bev, void *arg)
{
	struct hconn	*c = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct httpd_req r;
	size_t		 avail;
	ssize_t		 n;
	int		 code;
	char		*body, err[128];

	while (!c->closing && (avail = evbuffer_get_length(in)) > 0) {
		if (avail > HTTPD_HEAD_MAX)
			avail = HTTPD_HEAD_MAX;
		n = httpd_parse((const char *)evbuffer_pullup(in,
		    (ssize_t)avail), avail, &r, &code, err, sizeof(err));
		if (n == 0)
			return;
		if (n == -1) {
			log_debug("%s: status page: %s", c->peer, err);
			hc_answer(c, code, NULL, 0, 0);
			return;
		}
		evbuffer_drain(in, (size_t)n);
		if (strcmp(r.path, "/status") != 0 ||
		    (body = c->h->ops.body(c->h->arg, r.path)) == NULL) {
			hc_answer(c, 404, NULL, r.head, r.keepalive);
		} else {
			hc_answer(c, 200, body, r.head, r.keepalive);
			free(body);
		}
		if (r.keepalive)
			hc_deadline(c, HTTPD_IDLE_S);
	}
}

static void
hc_written(struct bufferevent *bev, void *arg)
{
	struct hconn	*c = arg;

	(void)bev;
	if (c->closing)
		hc_free(c);
}

static void
hc_event(struct bufferevent *bev, short what, void *arg)
{
	struct hconn	*c = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		return;
	log_debug("%s: status connection %s", c->peer,
	    what & BEV_EVENT_TIMEOUT ? "too slow to take its answer" :
	    what & BEV_EVENT_EOF ? "closed" : "failed");
	hc_free(c);
}

static void
hc_expire(evutil_socket_t fd, short what, void *arg)
{
	struct hconn	*c = arg;

	(void)fd;
	(void)what;
	if (c->closing)
		return;		/* the write timeout ends it */
	log_debug("%s: status connection: no request head in time", c->peer);
	hc_free(c);
}

struct httpd *
httpd_new(struct event_base *base, SSL_CTX *tls, const struct httpd_ops *ops,
    void *arg, int prio, char *err, size_t errlen)
{
	struct httpd	*h;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->base = base;
	h->tls = tls;
	h->ops = *ops;
	h->arg = arg;
	h->prio = prio;
	TAILQ_INIT(&h->conns);
	return h;
}

void
httpd_free(struct httpd *h)
{
	struct hconn	*c, *next;

	if (h == NULL)
		return;
	/* hc_free unlinks and frees c: its successor is read first */
	for (c = TAILQ_FIRST(&h->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		hc_free(c);
	}
	free(h);
}

int
httpd_take(struct httpd *h, int fd, int family, const uint8_t *addr,
    const char *peer)
{
	struct hconn	*c;
	struct timeval	 wt = { HTTPD_WRITE_S, 0 };
	SSL		*ssl;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		evutil_closesocket(fd);
		h->ops.closed(h->arg, family, addr);
		return -1;
	}
	c->h = h;
	c->family = family;
	memcpy(c->addr, addr, sizeof(c->addr));
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	TAILQ_INSERT_TAIL(&h->conns, c, entry);
	h->n++;
	if ((c->deadline = evtimer_new(h->base, hc_expire, c)) == NULL ||
	    (ssl = SSL_new(h->tls)) == NULL) {
		evutil_closesocket(fd);
		hc_free(c);
		return -1;
	}
	if ((c->bev = bufferevent_openssl_socket_new(h->base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		/* libevent freed ssl (BEV_OPT_CLOSE_ON_FREE) */
		evutil_closesocket(fd);
		hc_free(c);
		return -1;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
	bufferevent_priority_set(c->bev, h->prio);
	event_priority_set(c->deadline, h->prio);
	bufferevent_setcb(c->bev, hc_read, hc_written, hc_event, c);
	bufferevent_set_timeouts(c->bev, NULL, &wt);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	hc_deadline(c, HTTPD_FIRST_S);
	return 0;
}

void
httpd_drop_oldest(struct httpd *h, int family, const uint8_t *addr)
{
	struct hconn	*c;

	TAILQ_FOREACH(c, &h->conns, entry)
		if (c->family == family && memcmp(c->addr, addr,
		    sizeof(c->addr)) == 0) {
			log_debug("%s: status connection dropped for a "
			    "newcomer", c->peer);
			hc_free(c);
			return;
		}
}

unsigned
httpd_count(const struct httpd *h)
{
	return h->n;
}
