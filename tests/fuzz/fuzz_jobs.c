/*
 * fuzz_jobs.c - fuzz harness for libccpool's reader of the agent's JOBS
 * answer (cpl_jobs_parse, libccpool/cpl_jobs.c, and jobline_parse,
 * common/jobline.c).
 *
 * Every input is parsed.  A refusal must come with a terminated reason;
 * an answer accepted must hold what the parser promises: at most
 * CPL_JOBS_MAX jobs, each with a known phase, figures in range, names
 * terminated, printable and without a tab.  Any violation aborts.  Runs
 * under libFuzzer (make fuzz) or tests/fuzz/standalone.c (make check).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/jobline.h"
#include "libccpool/cpl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
name_ok(const char *s, size_t cap)
{
	const char	*p;

	if (memchr(s, '\0', cap) == NULL)
		abort();
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ccpool_jobs j;
	const struct jobline *l;
	char		 err[128];
	size_t		 i;
	int		 rc;

	memset(err, 'x', sizeof(err));
	rc = cpl_jobs_parse(data, size, &j, err, sizeof(err));
	if (rc == -1) {
		if (memchr(err, '\0', sizeof(err)) == NULL || err[0] == '\0')
			abort();	/* reason not given */
		return 0;
	}
	if (rc == 0) {
		if (j.n != 0 || j.v != NULL)
			abort();
		return 0;
	}
	if (rc != 1 || j.n > CPL_JOBS_MAX)
		abort();
	for (i = 0; i < j.n; i++) {
		l = &j.v[i];
		if ((unsigned)l->phase >= JOBLINE_NPHASES || l->start_ms < 0 ||
		    l->end_ms < -1 || l->bytes_out < 0 || l->bytes_in < 0 ||
		    l->status < -1 || l->status > 255)
			abort();
		name_ok(l->host, sizeof(l->host));
		name_ok(l->file, sizeof(l->file));
		if (strcmp(ccpool_phase_name((enum ccpool_phase)l->phase),
		    "unknown") == 0)
			abort();
	}
	cpl_jobs_clear(&j);
	return 0;
}
