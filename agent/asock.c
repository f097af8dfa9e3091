/*
 * asock.c - the socket under a server connection (sconn.c): its TCP
 * options, its timeouts in each state, the kernel's RTT of it, and why it failed in doc/client.md's
 * words.  Reads only what the kernel and the TLS layer say of the
 * socket, never the server's bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>

#include "agent/agent_int.h"
#include "common/log.h"

void
asock_opts(int fd)
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

int
asock_connect(struct bufferevent *bev, const struct ahost *h, char *err,
    size_t errlen)
{
	if (bufferevent_socket_connect(bev,
	    (const struct sockaddr *)&h->ss[h->cur], (int)h->sslen[h->cur]) ==
	    -1) {
		snprintf(err, errlen, "connect %s: %s", h->where,
		    strerror(errno));
		return -1;
	}
	asock_opts(bufferevent_getfd(bev));
	return 0;
}

void
asock_rtt(struct bufferevent *bev, double *srtt)
{
	struct tcp_info	 ti;
	socklen_t	 len = sizeof(ti);
	int		 fd = bufferevent_getfd(bev);

	if (fd != -1 && getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) ==
	    0 && len >= sizeof(ti) && ti.tcpi_rtt > 0)
		aplace_rtt(srtt, ti.tcpi_rtt / 1000.0);
}

const char *
asock_why(struct bufferevent *bev, int connecting, short what, int err,
    char *buf, size_t len)
{
	struct tcp_info	 ti;
	socklen_t	 tl = sizeof(ti);
	unsigned long	 e, ssl = 0;
	int		 fd = bufferevent_getfd(bev), st = -1;

	/* the first kept is the most specific; an OpenSSL one over none */
	while ((e = bufferevent_get_openssl_error(bev)) != 0)
		if (ssl == 0 || (ERR_GET_LIB(ssl) == 0 && ERR_GET_LIB(e) != 0))
			ssl = e;
	if (fd != -1 && getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &tl) == 0)
		st = ti.tcpi_state;
	return tls_conn_why(buf, len, connecting,
	    (what & BEV_EVENT_TIMEOUT) != 0, ssl, err, st);
}

void
asock_timeouts(struct sconn *sc)
{
	struct timeval	 rd, wr, *rp = &rd, *wp = &wr;

	rd.tv_usec = wr.tv_usec = 0;
	switch (sc->state) {
	case SC_CONNECTING:	/* TCP connect and TLS handshake */
	case SC_HELLO:		/* the hello's answer, just after it */
	case SC_GSS:		/* the server's Kerberos answer */
		rd.tv_sec = wr.tv_sec = AGENT_CONNECT_SEC;
		break;
	case SC_IDLE:
	case SC_OFFER:		/* no KEEP: the job is still here */
		rd.tv_sec = AGENT_CONN_IDLE;
		wp = NULL;
		break;
	case SC_DROPPING:	/* the server's end of the offer, at once */
		rd.tv_sec = wr.tv_sec = AGENT_CONNECT_SEC;
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

void
asock_lost(struct ahost *h)
{
	struct timeval	 tv = { 0, (suseconds_t)100 * 1000 };

	if (!h->needprobe)
		log_info("%s: no job goes there until it answers again",
		    h->name);
	h->needprobe = 1;
	evtimer_add(h->probe_ev, &tv);
}
