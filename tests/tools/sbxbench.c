/*
 * sbxbench.c - what a job sandbox costs per job: spawns /bin/true N times
 * (default 200) under sbx_none and under sbx_linux, each from spawn() to
 * the reaped exit, and prints the median and 90th percentile of both and
 * their difference.  Run by `make bench`; as root or not (the linux
 * sandbox runs root's jobs as nobody, others' as themselves).
 *
 *   sbxbench [-n count]
 *
 * Exit status: 0, 1 if the linux sandbox cannot run here (printed).
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server/sandbox.h"

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Run /bin/true n times under ops; times (ms) into t.  -1 on failure. */
static int
bench(const struct sandbox_ops *ops, const char *top, int n, double *t)
{
	struct sbx_spec	 s;
	char		 dir[256], f[300], err[256], *argv[2];
	double		 t0;
	pid_t		 pid;
	int		 i, st;

	argv[0] = (char *)"/bin/true";
	argv[1] = NULL;
	for (i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "%s/%s%d", top, ops->name, i);
		if (mkdir(dir, 0700) == -1) {
			fprintf(stderr, "sbxbench: %s: %s\n", dir,
			    strerror(errno));
			return -1;
		}
		memset(&s, 0, sizeof(s));
		s.dir = dir;
		s.path = argv[0];
		s.argv = argv;
		s.out_file = "out";
		s.err_file = "err";
		s.cpu_sec = 10;
		s.fsize = 1 << 20;
		s.as_bytes = 1ull << 30;
		t0 = now_ms();
		if ((pid = ops->spawn(&s, err, sizeof(err))) == -1) {
			fprintf(stderr, "sbxbench: %s: %s\n", ops->name, err);
			return -1;
		}
		while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
			;
		t[i] = now_ms() - t0;
		if (st != 0) {
			fprintf(stderr, "sbxbench: %s: /bin/true: status "
			    "%#x\n", ops->name, st);
			return -1;
		}
		snprintf(f, sizeof(f), "%s/out", dir);
		(void)unlink(f);
		snprintf(f, sizeof(f), "%s/err", dir);
		(void)unlink(f);
		(void)rmdir(dir);
	}
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	return 0;
}

int
main(int argc, char *argv[])
{
	char		 top[] = "/tmp/ccpool-sbxbench.XXXXXX", err[256];
	double		*a, *b;
	int		 n = 200, c, rc = 1;

	while ((c = getopt(argc, argv, "n:")) != -1)
		if (c == 'n' && (n = atoi(optarg)) > 0 && n <= 100000)
			continue;
		else {
			fprintf(stderr, "usage: sbxbench [-n count]\n");
			return 2;
		}
	if (sbx_linux.check(err, sizeof(err)) == -1) {
		fprintf(stderr, "sbxbench: the linux sandbox cannot run here: "
		    "%s\n", err);
		return 1;
	}
	if ((a = calloc((size_t)n, sizeof(*a))) == NULL ||
	    (b = calloc((size_t)n, sizeof(*b))) == NULL ||
	    mkdtemp(top) == NULL || chmod(top, 0755) == -1) {
		perror("sbxbench");
		return 1;
	}
	if (bench(&sbx_none, top, n, a) == 0 &&
	    bench(&sbx_linux, top, n, b) == 0) {
		printf("sandbox setup, /bin/true spawn to reap, %d runs:\n", n);
		printf("  none:  median %.3f ms  p90 %.3f ms\n", a[n / 2],
		    a[n * 9 / 10]);
		printf("  linux: median %.3f ms  p90 %.3f ms\n", b[n / 2],
		    b[n * 9 / 10]);
		printf("  linux costs %.3f ms more per job (median; target "
		    "<= 2 ms)\n", b[n / 2] - a[n / 2]);
		rc = 0;
	}
	(void)rmdir(top);
	free(a);
	free(b);
	return rc;
}
