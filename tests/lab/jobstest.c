/*
 * jobstest.c - the user's jobs and the cluster as libccpool sees them,
 * for the lab (t_jobs.sh).
 *
 * usage: jobstest [-t seconds]     a monitor (ccpool_mon_new, jobs on,
 *                                  no status pages) for that long (2)
 *        jobstest -s socket        JOBS 1 straight to that socket
 *
 * The monitor prints "host NAME TRUST usable U" per host,
 * "capacity SLOTS FREE JOBS", then the last answer of the user's agent:
 * "job ID PHASE HOST FILE status S out N in N" per job (HOST "-" when
 * none), or "jobs-error: WHY".  Exit 0 with an answer, 3 without, 1 on
 * other errors.  -s prints the same job lines, or "error: WHY" (exit 3).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/proto.h"
#include "libccpool/ccpool.h"
#include "libccpool/cpl.h"

static void
print_jobs(const struct ccpool_jobs *j)
{
	size_t	 i;

	for (i = 0; i < ccpool_jobs_count(j); i++)
		printf("job %llu %s %s %s status %d out %lld in %lld\n",
		    (unsigned long long)ccpool_job_id(j, i),
		    ccpool_phase_name(ccpool_job_phase(j, i)),
		    ccpool_job_host(j, i)[0] ? ccpool_job_host(j, i) : "-",
		    ccpool_job_file(j, i), ccpool_job_status(j, i),
		    (long long)ccpool_job_bytes_out(j, i),
		    (long long)ccpool_job_bytes_in(j, i));
}

/* -s: the request by hand, blocking. */
static int
direct(const char *path)
{
	struct sockaddr_un sun;
	struct proto_buf in, req;
	struct ccpool_jobs j;
	char		 err[256];
	ssize_t		 n;
	int		 s, rc = 0;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(s, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		printf("error: connect: %s\n", strerror(errno));
		return 3;
	}
	proto_buf_init(&in);
	proto_buf_init(&req);
	if (proto_put_value(&req, "JOBS", 1) == -1 ||
	    write(s, req.data, req.len) != (ssize_t)req.len) {
		printf("error: write: %s\n", strerror(errno));
		return 3;
	}
	while (rc == 0) {
		if (proto_buf_reserve(&in, 65536) == -1)
			return 1;
		if ((n = read(s, in.data + in.len, 65536)) <= 0) {
			printf("error: %s\n", n == 0 ? "closed" :
			    strerror(errno));
			return 3;
		}
		in.len += (size_t)n;
		rc = cpl_jobs_parse(in.data, in.len, &j, err, sizeof(err));
	}
	if (rc == -1) {
		printf("error: %s\n", err);
		return 3;
	}
	print_jobs(&j);
	cpl_jobs_clear(&j);
	close(s);
	return 0;
}

static void
on_event(struct ccpool_mon *m, enum ccpool_event ev,
    const struct ccpool_host *h, void *arg)
{
	(void)m;
	(void)ev;
	(void)h;
	(void)arg;
}

int
main(int argc, char *argv[])
{
	struct ccpool_mon_opts o;
	struct event_base *base;
	struct ccpool_evpoll *p;
	struct ccpool_mon *m;
	struct timeval	 tv = { 2, 0 };
	const struct ccpool_host *h;
	char		 err[256];
	unsigned	 s, f, jobs;
	size_t		 i;
	int		 c;

	while ((c = getopt(argc, argv, "s:t:")) != -1)
		switch (c) {
		case 's':
			return direct(optarg);
		case 't':
			tv.tv_sec = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: jobstest [-t s] [-s socket]\n");
			return 1;
		}
	if ((base = event_base_new()) == NULL ||
	    (p = ccpool_evpoll_new(base)) == NULL)
		return 1;
	ccpool_mon_opts_init(&o);
	o.status = 0;
	o.no_fail = 1;
	o.jobs_interval_ms = 200;
	if ((m = ccpool_mon_new(ccpool_evpoll_get(p), &o, on_event, NULL,
	    err, sizeof(err))) == NULL) {
		printf("error: %s\n", err);
		return 1;
	}
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	for (i = 0; i < ccpool_mon_count(m); i++) {
		h = ccpool_mon_host(m, i);
		printf("host %s %s usable %d\n", ccpool_host_name(h),
		    ccpool_host_trust(h), ccpool_host_usable(h));
	}
	ccpool_mon_capacity(m, &s, &f, &jobs);
	printf("capacity %u %u %u\n", s, f, jobs);
	c = 0;
	if (ccpool_mon_jobs(m) != NULL)
		print_jobs(ccpool_mon_jobs(m));
	else {
		printf("jobs-error: %s\n", ccpool_mon_jobs_error(m));
		c = 3;
	}
	ccpool_mon_free(m);
	ccpool_evpoll_free(p);
	event_base_free(base);
	return c;
}
