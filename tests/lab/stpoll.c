/*
 * stpoll.c - a lab load generator for bench_status.sh: N status clients,
 * each GETting one ccpoold status page every interval, the server's key
 * pinned as libccpool pins it, in one process (libcurl multi).  Every
 * poll is a new connection and a whole TLS handshake (the worst case: a
 * monitor that keeps its connection costs the server less).  Bounded in
 * time (-t) and in polls per client (-c); SIGTERM ends it early,
 * after the polls in flight.  At the end it prints one line:
 * answers (200 with a body), failures, latency median and maximum, and
 * the first failure's reason.
 *
 * usage: stpoll -u URL -k sha256//PIN [-n clients] [-i ms] [-t s] [-c n]
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#define MAXC	1000

struct client {
	CURL		*e;
	uint64_t	 due, started;
	unsigned	 polls;
	int		 busy;
	size_t		 got;
};

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static size_t
sink(char *p, size_t size, size_t n, void *arg)
{
	struct client	*c = arg;

	(void)p;
	c->got += size * n;
	return size * n;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	 x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
usage(void)
{
	fprintf(stderr, "usage: stpoll -u URL -k sha256//PIN [-n clients] "
	    "[-i ms] [-t s] [-c polls]\n");
	exit(2);
}

static CURL *
easy(struct client *c, const char *url, const char *pin, char *errbuf)
{
	CURL	*e = curl_easy_init();

	if (e == NULL)
		return NULL;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(e, CURLOPT_PINNEDPUBLICKEY, pin);
	curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(e, CURLOPT_PRIVATE, c);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	return e;
}

int
main(int argc, char *argv[])
{
	static struct client cl[MAXC];
	static char	 errbuf[MAXC][CURL_ERROR_SIZE];
	static uint64_t	 lat[MAXC * 600];
	const char	*url = NULL, *pin = NULL;
	char		 first[CURL_ERROR_SIZE + 32] = "";
	unsigned	 n = 50, ival = 1000, secs = 60, maxp = 600;
	unsigned long	 ok = 0, bad = 0, nlat = 0;
	uint64_t	 t0, end, now, wait;
	CURLM		*m;
	CURLMsg		*msg;
	int		 ch, running, left;
	unsigned	 i;

	while ((ch = getopt(argc, argv, "u:k:n:i:t:c:")) != -1) {
		switch (ch) {
		case 'u': url = optarg; break;
		case 'k': pin = optarg; break;
		case 'n': n = (unsigned)atoi(optarg); break;
		case 'i': ival = (unsigned)atoi(optarg); break;
		case 't': secs = (unsigned)atoi(optarg); break;
		case 'c': maxp = (unsigned)atoi(optarg); break;
		default: usage();
		}
	}
	if (url == NULL || pin == NULL || n == 0 || n > MAXC || ival == 0 ||
	    maxp == 0 || maxp > 600)
		usage();
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((m = curl_multi_init()) == NULL)
		return 1;
	t0 = now_ms();
	end = t0 + (uint64_t)secs * 1000;
	for (i = 0; i < n; i++) {
		if ((cl[i].e = easy(&cl[i], url, pin, errbuf[i])) == NULL)
			return 1;
		cl[i].due = t0 + (uint64_t)i * ival / n;	/* spread */
	}
	for (;;) {
		now = now_ms();
		if (stop && end > now)
			end = now;
		wait = 100;
		for (i = 0; i < n; i++) {
			struct client *c = &cl[i];

			if (c->busy || c->polls >= maxp || now >= end)
				continue;
			if (c->due <= now) {
				c->busy = 1;
				c->got = 0;
				c->started = now;
				c->polls++;
				c->due += ival;
				errbuf[i][0] = '\0';
				curl_multi_add_handle(m, c->e);
			} else if (c->due - now < wait)
				wait = c->due - now;
		}
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			struct client *c;
			long	 code = 0;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&c);
			curl_easy_getinfo(c->e, CURLINFO_RESPONSE_CODE, &code);
			if (msg->data.result == CURLE_OK && code == 200 &&
			    c->got > 0) {
				ok++;
				if (nlat < sizeof(lat) / sizeof(lat[0]))
					lat[nlat++] = now_ms() - c->started;
			} else {
				bad++;
				if (first[0] == '\0')
					snprintf(first, sizeof(first),
					    "%s (HTTP %ld)",
					    errbuf[c - cl][0] ? errbuf[c - cl] :
					    curl_easy_strerror(
					    msg->data.result), code);
			}
			curl_multi_remove_handle(m, c->e);
			c->busy = 0;
		}
		if (running == 0 && now_ms() >= end)
			break;
		curl_multi_poll(m, NULL, 0, (int)wait, NULL);
	}
	qsort(lat, nlat, sizeof(lat[0]), cmp_u64);
	printf("stpoll: %u clients every %u ms for %.1f s: %lu answers, "
	    "%lu failures, latency median %llu ms max %llu ms%s%s\n", n, ival,
	    (double)(now_ms() - t0) / 1000, ok, bad,
	    nlat ? (unsigned long long)lat[nlat / 2] : 0ULL,
	    nlat ? (unsigned long long)lat[nlat - 1] : 0ULL,
	    first[0] ? "; first failure: " : "", first);
	for (i = 0; i < n; i++)
		curl_easy_cleanup(cl[i].e);
	curl_multi_cleanup(m);
	curl_global_cleanup();
	return 0;
}
