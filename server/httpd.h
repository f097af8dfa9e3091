/*
 * httpd.h - the status page's HTTP/1.1 server: one resource, GET /status
 * (and HEAD), over TLS, in the net process.
 *
 * net.c accepts the connection, checks its address and gives it a place
 * (server/gate.h) before handing the descriptor over with httpd_take();
 * from then on httpd owns it: TLS handshake, one request head at a time
 * (HTTPD_HEAD_MAX bytes, within HTTPD_FIRST_S of the connection or
 * HTTPD_IDLE_S of the previous answer), the answer, keep-alive.  When the
 * connection ends httpd calls ops->closed so the place is given back.
 * (libevent 2.1's evhttp, the version of Debian 12, cannot refuse a
 * connection at accept nor bound how many it holds: hence this file.)
 * httpd_parse() is the parser of untrusted bytes; it is fuzzed
 * (tests/fuzz/fuzz_http.c) and unit-tested (tests/unit/test_httpd.c).
 */
#ifndef CCPOOL_HTTPD_H
#define CCPOOL_HTTPD_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <openssl/ssl.h>

#define HTTPD_HEAD_MAX	8192	/* bytes of one request head */
#define HTTPD_PATH_MAX	256	/* bytes of the request target */
#define HTTPD_HEADERS_MAX 64	/* header lines of one request */
#define HTTPD_FIRST_S	3	/* handshake and first request head */
#define HTTPD_IDLE_S	15	/* from an answer to the next head's end */
#define HTTPD_WRITE_S	10	/* for the client to take an answer */

struct httpd_req {
	int	 head;			/* HEAD: the answer has no body */
	int	 keepalive;		/* the connection serves again */
	char	 path[HTTPD_PATH_MAX];	/* the target, printable ASCII */
};

/*
 * Parse the request head at the start of buf (len bytes): the request
 * line, header lines and the empty line that ends them (CRLF or LF).
 * Returns the head's length with *r filled; 0 when the head is not
 * complete yet (more bytes may come); -1 when it is bad, with *status
 * the HTTP status to answer (400, 405, 414, 431, 501, 505) and err the
 * reason.  A request with a body (Content-Length other than 0,
 * Transfer-Encoding) is bad: GET and HEAD have none.
 */
ssize_t	httpd_parse(const char *buf, size_t len, struct httpd_req *r,
	    int *status, char *err, size_t errlen);

struct httpd;

struct httpd_ops {
	/* The body for path (malloc'ed, NUL-terminated), or NULL: 404. */
	char	*(*body)(void *arg, const char *path);
	/* A connection taken with httpd_take ended. */
	void	 (*closed)(void *arg, int family, const uint8_t *addr);
};

/*
 * A server on base answering with ops (called with arg), TLS with tls
 * (not owned), its events at priority prio of base.  Returns NULL with
 * err set.
 */
struct httpd *httpd_new(struct event_base *base, SSL_CTX *tls,
	    const struct httpd_ops *ops, void *arg, int prio, char *err,
	    size_t errlen);
void	httpd_free(struct httpd *);

/*
 * Serve the accepted connection fd (owned from now on, closed on error
 * too) from family/addr, peer as text for the logs.  ops->closed is
 * called exactly once for it, even when this fails.  Returns 0 or -1.
 */
int	httpd_take(struct httpd *, int fd, int family, const uint8_t *addr,
	    const char *peer);

/* Close the oldest connection from family/addr (it calls ops->closed). */
void	httpd_drop_oldest(struct httpd *, int family, const uint8_t *addr);

/* Connections open now. */
unsigned httpd_count(const struct httpd *);

#endif
