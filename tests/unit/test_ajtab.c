/*
 * test_ajtab.c - the agent's job table (agent/ajtab.c) and its JOBS
 * answer, read back by libccpool's parser (cpl_jobs_parse):
 *   - ids grow by one, the running list keeps its order when a job in
 *     the middle ends, ending twice is a no-op;
 *   - the ring keeps the last AJTAB_RING finished jobs, the oldest go;
 *   - the answer lists the ring and the running jobs by id, times as ms
 *     before it was made (end -1 while running), and parses back;
 *   - names: escaped (no tab, no control byte), a long one keeps its end;
 *   - wait statuses become exit statuses (128 + signal).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "agent/ajtab.c"
#include "libccpool/cpl.h"

static struct ajtab tab;

static void
test_ids_and_list(void)
{
	struct ajrec	 a, b, c;

	ajtab_init(&tab);
	ajtab_start(&tab, &a, "a.c", JOBLINE_WAIT, 100);
	ajtab_start(&tab, &b, "b.c", JOBLINE_WAIT, 110);
	ajtab_start(&tab, &c, NULL, JOBLINE_LOCAL, 120);
	CU_ASSERT_EQUAL(a.id, 1);
	CU_ASSERT_EQUAL(b.id, 2);
	CU_ASSERT_EQUAL(c.id, 3);
	CU_ASSERT_STRING_EQUAL(c.file, "");
	CU_ASSERT_EQUAL(tab.nrun, 3);
	ajtab_end(&tab, &b, JOBLINE_DONE, 0, 200);
	CU_ASSERT_EQUAL(tab.nrun, 2);
	CU_ASSERT_PTR_EQUAL(tab.head, &a);
	CU_ASSERT_PTR_EQUAL(a.next, &c);
	CU_ASSERT_PTR_EQUAL(c.prev, &a);
	CU_ASSERT_EQUAL(tab.nring, 1);
	ajtab_end(&tab, &b, JOBLINE_FAILED, 1, 300);	/* again: nothing */
	CU_ASSERT_EQUAL(tab.nring, 1);
	CU_ASSERT_EQUAL(tab.ring[0].phase, JOBLINE_DONE);
	ajtab_end(&tab, &a, JOBLINE_FAILED, -1, 300);
	ajtab_end(&tab, &c, JOBLINE_DONE, -1, 300);
	CU_ASSERT_PTR_NULL(tab.head);
	CU_ASSERT_PTR_NULL(tab.tail);
	CU_ASSERT_EQUAL(tab.nrun, 0);
}

static void
test_ring(void)
{
	struct ajrec	 r;
	unsigned	 i;

	ajtab_init(&tab);
	for (i = 0; i < AJTAB_RING + 44; i++) {
		ajtab_start(&tab, &r, "x.c", JOBLINE_WAIT, i);
		ajtab_end(&tab, &r, JOBLINE_DONE, 0, i + 1);
	}
	CU_ASSERT_EQUAL(tab.nring, AJTAB_RING);
	/* the oldest kept is job 45 */
	CU_ASSERT_EQUAL(tab.ring[tab.first].id, 45);
	CU_ASSERT_EQUAL(tab.ring[(tab.first + AJTAB_RING - 1) % AJTAB_RING].id,
	    AJTAB_RING + 44);
}

static void
test_encode(void)
{
	struct ajrec	 a, b, c;
	struct proto_buf buf;
	struct ccpool_jobs j;
	char		 err[256];

	ajtab_init(&tab);
	ajtab_start(&tab, &a, "src/a.c", JOBLINE_WAIT, 1000);
	ajtab_start(&tab, &b, "b\tc.c", JOBLINE_WAIT, 1100);
	ajtab_start(&tab, &c, "c.c", JOBLINE_WAIT, 1200);
	ajtab_host(&b, "h2");
	b.bytes_out = 4000;
	b.bytes_in = 900;
	ajtab_end(&tab, &b, JOBLINE_FAILED, ajtab_exit_status(1 << 8), 1500);
	c.phase = JOBLINE_SEND;
	ajtab_host(&c, "h1");
	proto_buf_init(&buf);
	CU_ASSERT_EQUAL_FATAL(ajtab_encode(&tab, 2000, &buf), 0);
	CU_ASSERT_EQUAL_FATAL(cpl_jobs_parse(buf.data, buf.len, &j, err,
	    sizeof(err)), 1);
	CU_ASSERT_EQUAL_FATAL(j.n, 3);
	/* by id: a (running), b (finished), c (running) */
	CU_ASSERT_EQUAL(ccpool_job_id(&j, 0), 1);
	CU_ASSERT_STRING_EQUAL(ccpool_job_file(&j, 0), "src/a.c");
	CU_ASSERT_EQUAL(ccpool_job_phase(&j, 0), CCPOOL_PHASE_WAIT);
	CU_ASSERT_EQUAL(ccpool_job_start_ms(&j, 0), 1000);
	CU_ASSERT_EQUAL(ccpool_job_end_ms(&j, 0), -1);
	CU_ASSERT_EQUAL(ccpool_job_status(&j, 0), -1);
	CU_ASSERT_STRING_EQUAL(ccpool_job_host(&j, 0), "");
	CU_ASSERT_EQUAL(ccpool_job_id(&j, 1), 2);
	CU_ASSERT_STRING_EQUAL(ccpool_job_file(&j, 1), "b\\x09c.c");
	CU_ASSERT_STRING_EQUAL(ccpool_job_host(&j, 1), "h2");
	CU_ASSERT_EQUAL(ccpool_job_phase(&j, 1), CCPOOL_PHASE_FAILED);
	CU_ASSERT_EQUAL(ccpool_job_start_ms(&j, 1), 900);
	CU_ASSERT_EQUAL(ccpool_job_end_ms(&j, 1), 500);
	CU_ASSERT_EQUAL(ccpool_job_status(&j, 1), 1);
	CU_ASSERT_EQUAL(ccpool_job_bytes_out(&j, 1), 4000);
	CU_ASSERT_EQUAL(ccpool_job_bytes_in(&j, 1), 900);
	CU_ASSERT_EQUAL(ccpool_job_phase(&j, 2), CCPOOL_PHASE_SEND);
	CU_ASSERT_STRING_EQUAL(ccpool_job_host(&j, 2), "h1");
	cpl_jobs_clear(&j);
	proto_buf_free(&buf);
}

/* The biggest answer stays within the bound ajtab.h gives, and parses. */
static void
test_bounds(void)
{
	static struct ajrec run[AJTAB_RUN_MAX + 10];
	struct ajrec	 r;
	struct proto_buf buf;
	struct ccpool_jobs j;
	char		 name[5000], err[256];
	unsigned	 i;

	memset(name, 0x01, sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ajtab_init(&tab);
	for (i = 0; i < AJTAB_RING; i++) {
		ajtab_start(&tab, &r, name, JOBLINE_WAIT, 0);
		ajtab_host(&r, name);
		r.bytes_out = r.bytes_in = UINT64_MAX / 4;
		ajtab_end(&tab, &r, JOBLINE_FAILED, 255, 1);
	}
	for (i = 0; i < AJTAB_RUN_MAX + 10; i++)
		ajtab_start(&tab, &run[i], name, JOBLINE_WAIT, 0);
	proto_buf_init(&buf);
	CU_ASSERT_EQUAL_FATAL(ajtab_encode(&tab, UINT64_MAX / 2, &buf), 0);
	CU_ASSERT(buf.len <= (size_t)(AJTAB_RING + AJTAB_RUN_MAX) *
	    (JOBLINE_MAX + 12) + 24);
	CU_ASSERT(buf.len <= CPL_JOBS_MAX_BYTES);
	CU_ASSERT_EQUAL_FATAL(cpl_jobs_parse(buf.data, buf.len, &j, err,
	    sizeof(err)), 1);
	CU_ASSERT_EQUAL(j.n, AJTAB_RING + AJTAB_RUN_MAX);
	CU_ASSERT_EQUAL(strncmp(ccpool_job_file(&j, 0), "...\\x01", 7), 0);
	CU_ASSERT(strlen(ccpool_job_file(&j, 0)) < JOBLINE_FILE_MAX);
	cpl_jobs_clear(&j);
	proto_buf_free(&buf);
}

static void
test_escape(void)
{
	char	 d[JOBLINE_FILE_MAX], big[600];

	jobline_escape(d, sizeof(d), "dir/x.c");
	CU_ASSERT_STRING_EQUAL(d, "dir/x.c");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[sizeof(big) - 2] = 'Z';
	jobline_escape(d, sizeof(d), big);
	CU_ASSERT_EQUAL(strncmp(d, "...", 3), 0);
	CU_ASSERT_EQUAL(d[strlen(d) - 1], 'Z');
	CU_ASSERT(strlen(d) < sizeof(d));
	/* a long name that fits escaped stays whole */
	memset(big, 'b', 200);
	big[200] = '\0';
	jobline_escape(d, sizeof(d), big);
	CU_ASSERT_STRING_EQUAL(d, big);
	/* cut at an escape: never half of one */
	memset(big, 0x01, 100);
	big[100] = 'z';
	big[101] = '\0';
	jobline_escape(d, sizeof(d), big);
	CU_ASSERT_EQUAL(strlen(d), 3 + 63 * 4 + 1);
	CU_ASSERT_EQUAL(strncmp(d, "...\\x01\\x01", 11), 0);
	CU_ASSERT_EQUAL(d[strlen(d) - 1], 'z');
}

static void
test_status(void)
{
	CU_ASSERT_EQUAL(ajtab_exit_status(0), 0);
	CU_ASSERT_EQUAL(ajtab_exit_status(1 << 8), 1);
	CU_ASSERT_EQUAL(ajtab_exit_status(255 << 8), 255);
	CU_ASSERT_EQUAL(ajtab_exit_status(9), 137);
	CU_ASSERT_EQUAL(ajtab_exit_status(11 | 0x80), 139);
}

int
init_ajtab_tests(void)
{
	CU_pSuite s = CU_add_suite("ajtab", NULL, NULL);

	if (s == NULL ||
	    CU_add_test(s, "ids and the running list", test_ids_and_list) ==
	    NULL ||
	    CU_add_test(s, "the ring of finished jobs", test_ring) == NULL ||
	    CU_add_test(s, "the answer, read back", test_encode) == NULL ||
	    CU_add_test(s, "the largest answer", test_bounds) == NULL ||
	    CU_add_test(s, "names escaped and bounded", test_escape) == NULL ||
	    CU_add_test(s, "exit statuses", test_status) == NULL)
		return -1;
	return 0;
}
