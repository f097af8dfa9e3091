/*
 * relay.c - a man in the middle for the lab tests: accepts one TCP
 * connection at a time on -l port and relays it to -t host:port, writing
 * every byte it sees (both ways) to -w file, and, with -f N, flipping one
 * bit of the Nth byte from the client.  Shows what an attacker on the
 * path gets to read and what tampering does.  Bounded: exits after -n
 * connections (default 1000) or -T seconds (default 120) in all.
 *
 *   relay -l port -t host:port [-w capture] [-f N] [-n conns] [-T secs]
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
usage(void)
{
	fprintf(stderr, "usage: relay -l port -t host:port [-w capture] "
	    "[-f N] [-n conns] [-T secs]\n");
	exit(2);
}

static int
dial(const char *target)
{
	struct addrinfo	 hints, *res;
	char		 host[256], *colon;
	int		 fd;

	snprintf(host, sizeof(host), "%s", target);
	if ((colon = strrchr(host, ':')) == NULL)
		usage();
	*colon = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
		return -1;
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd != -1 && connect(fd, res->ai_addr, res->ai_addrlen) == -1) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* Relay between a (client) and b (server) until either side closes. */
static void
pump(int a, int b, FILE *cap, long flip, time_t deadline)
{
	struct pollfd	 p[2];
	unsigned char	 buf[65536];
	long		 from_client = 0;
	ssize_t		 n;
	int		 i;

	p[0].fd = a;
	p[1].fd = b;
	p[0].events = p[1].events = POLLIN;
	while (time(NULL) < deadline && poll(p, 2, 1000) >= 0) {
		for (i = 0; i < 2; i++) {
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if ((n = read(p[i].fd, buf, sizeof(buf))) <= 0)
				return;
			if (i == 0 && flip >= from_client &&
			    flip < from_client + n)
				buf[flip - from_client] ^= 0x01;
			if (i == 0)
				from_client += n;
			if (cap != NULL)
				fwrite(buf, 1, (size_t)n, cap);
			if (write(p[1 - i].fd, buf, (size_t)n) != n)
				return;
		}
	}
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin;
	const char	*target = NULL, *capture = NULL;
	long		 flip = -1, conns = 1000, secs = 120;
	FILE		*cap = NULL;
	time_t		 deadline;
	int		 ch, lfd, one = 1, port = 0;

	while ((ch = getopt(argc, argv, "l:t:w:f:n:T:")) != -1) {
		switch (ch) {
		case 'l': port = atoi(optarg); break;
		case 't': target = optarg; break;
		case 'w': capture = optarg; break;
		case 'f': flip = atol(optarg); break;
		case 'n': conns = atol(optarg); break;
		case 'T': secs = atol(optarg); break;
		default: usage();
		}
	}
	if (port <= 0 || port > 65535 || target == NULL)
		usage();
	signal(SIGPIPE, SIG_IGN);
	if (capture != NULL && (cap = fopen(capture, "a")) == NULL) {
		perror(capture);
		return 1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ==
	    -1 || bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 16) == -1) {
		perror("relay: listen");
		return 1;
	}
	deadline = time(NULL) + secs;
	while (conns-- > 0 && time(NULL) < deadline) {
		struct pollfd	 lp = { lfd, POLLIN, 0 };
		int		 a, b;

		if (poll(&lp, 1, 1000) <= 0)
			continue;
		if ((a = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) == -1)
			continue;
		if ((b = dial(target)) != -1) {
			pump(a, b, cap, flip, deadline);
			close(b);
		}
		close(a);
		if (cap != NULL)
			fflush(cap);
	}
	if (cap != NULL)
		fclose(cap);
	return 0;
}
