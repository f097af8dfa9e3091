/*
 * flood.c - the lab's connection flood: holds -i idle TCP connections
 * (connected, nothing sent) and -s half-handshake ones (a whole TLS
 * ClientHello sent, then silence) to host:port, and opens a new one
 * whenever the server closes one: at once after it held the connection,
 * a second later when it closed it within half a second (refused at
 * accept), so the flood holds connections rather than burning CPU on
 * connects.  What an attacker on the LAN does to lock clients out of a
 * server (tests/lab/t_flood.sh).  Bounded: runs -T seconds (default 60)
 * or until SIGTERM, then prints what it did and exits 0.
 *
 *   flood -a addr -p port [-i idle] [-s half] [-T secs]
 *
 * Output, one line: "flood: N connects, M refused at once, K closed later"
 * (refused at once: within half a second).
 */
#include <sys/resource.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>

#define MAXCONN	8192

struct fc {
	int	 fd;
	int	 half;		/* sends a ClientHello */
	int	 sent;		/* it did */
	SSL	*ssl;
	double	 t_open;
	double	 t_retry;	/* closed at once: reopen from then */
};

static struct sockaddr_in to;
static SSL_CTX *ctx;
static unsigned long nconnect, nrefused, nclosed;
static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: flood -a addr -p port [-i idle] [-s half] "
	    "[-T secs]\n");
	exit(2);
}

static void
fc_close(struct fc *c)
{
	if (c->ssl != NULL)
		SSL_free(c->ssl);	/* closes nothing: the fd is ours */
	c->ssl = NULL;
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->sent = 0;
}

static void
fc_open(struct fc *c)
{
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (c->fd == -1)
		return;
	nconnect++;
	c->t_open = now();
	if (connect(c->fd, (struct sockaddr *)&to, sizeof(to)) == -1 &&
	    errno != EINPROGRESS) {
		nrefused++;
		fc_close(c);
		c->t_retry = now() + 1;
	}
}

/* Connected: a half-handshake connection sends its ClientHello once. */
static void
fc_hello(struct fc *c)
{
	if (!c->half || c->sent)
		return;
	c->sent = 1;
	if ((c->ssl = SSL_new(ctx)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1)
		return;
	(void)SSL_connect(c->ssl);	/* WANT_READ: never called again */
}

int
main(int argc, char *argv[])
{
	static struct fc conns[MAXCONN];
	static struct pollfd pfd[MAXCONN];
	struct rlimit	 rl;
	unsigned long	 idle = 0, half = 0, n, i;
	double		 secs = 60, end;
	const char	*addr = NULL;
	int		 ch, port = 0;
	char		 buf[4096];

	while ((ch = getopt(argc, argv, "a:p:i:s:T:")) != -1) {
		switch (ch) {
		case 'a': addr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'i': idle = strtoul(optarg, NULL, 10); break;
		case 's': half = strtoul(optarg, NULL, 10); break;
		case 'T': secs = atof(optarg); break;
		default: usage();
		}
	}
	n = idle + half;
	if (addr == NULL || port <= 0 || n == 0 || n > MAXCONN || secs <= 0 ||
	    secs > 600)
		usage();
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &to.sin_addr) != 1)
		usage();
	rl.rlim_cur = rl.rlim_max = n + 64;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
		perror("flood: setrlimit");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_term);	/* lab_kill: say what was done */
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return 1;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	for (i = 0; i < n; i++) {
		conns[i].fd = -1;
		conns[i].half = i >= idle;
		fc_open(&conns[i]);
	}
	end = now() + secs;
	while (!stop && now() < end) {
		for (i = 0; i < n; i++) {
			pfd[i].fd = conns[i].fd;
			pfd[i].events = POLLIN | (conns[i].half &&
			    !conns[i].sent ? POLLOUT : 0);
			pfd[i].revents = 0;
		}
		if (poll(pfd, n, 100) == -1 && errno != EINTR)
			break;
		for (i = 0; i < n; i++) {
			struct fc *c = &conns[i];
			ssize_t	 r;

			if (c->fd == -1) {
				if (now() >= c->t_retry)
					fc_open(c);
				continue;
			}
			if (pfd[i].revents & POLLOUT)
				fc_hello(c);
			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			/* Whatever the server says is drained, unread. */
			r = read(c->fd, buf, sizeof(buf));
			if (r > 0 || (r == -1 && errno == EAGAIN))
				continue;
			fc_close(c);
			if (now() - c->t_open < 0.5) {
				nrefused++;
				c->t_retry = now() + 1;
			} else {
				nclosed++;
				fc_open(c);
			}
		}
	}
	printf("flood: %lu connects, %lu refused at once, %lu closed later\n",
	    nconnect, nrefused, nclosed);
	fflush(stdout);
	return 0;
}
