/*
 * test_cpl_jobs.c - libccpool's reader of the agent's JOBS answer
 * (libccpool/cpl_jobs.c) and its client (cpl_jobc.c):
 *   - a good answer parses, every proper prefix of it asks for more;
 *   - malformed answers are refused with a reason and no crash: a
 *     refusal, a wrong first frame, a line with a field missing or too
 *     many, a bad phase or number, a control byte, DONE not 0, a token
 *     out of place, bytes after DONE, too many jobs;
 *   - the accessors answer safely out of range and for NULL;
 *   - with no agent (no socket directory) the client says the agent is
 *     not running, and creates nothing.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <event2/event.h>

#include "libccpool/cpl_jobs.c"
#include "tests/unit/tmpdir.h"

/* An answer: CCPL v, the lines as MSG_ frames, DONE d. */
static void
answer(struct proto_buf *b, uint32_t v, const char *const *lines,
    uint32_t d)
{
	size_t	 i;

	proto_buf_init(b);
	CU_ASSERT_EQUAL_FATAL(proto_put_value(b, "CCPL", v), 0);
	for (i = 0; lines != NULL && lines[i] != NULL; i++)
		CU_ASSERT_EQUAL_FATAL(proto_put_payload(b, "MSG_", lines[i],
		    strlen(lines[i])), 0);
	CU_ASSERT_EQUAL_FATAL(proto_put_value(b, "DONE", d), 0);
}

static int
parse(const struct proto_buf *b, char *err, size_t errlen)
{
	struct ccpool_jobs j;
	int		 rc;

	err[0] = '\0';
	rc = cpl_jobs_parse(b->data, b->len, &j, err, errlen);
	if (rc == 1)
		cpl_jobs_clear(&j);
	return rc;
}

static const char *const good[] = {
	"7\tdone\t900\t400\t4000\t800\t0\th1\tsrc/a.c",
	"8\tcompile\t100\t-1\t5000\t0\t-1\th2\tb.c",
	"9\twait\t5\t-1\t0\t0\t-1\t\t",
	NULL
};

static void
test_good(void)
{
	struct proto_buf b;
	struct ccpool_jobs j;
	char		 err[256];
	size_t		 n;

	answer(&b, 1, good, 0);
	CU_ASSERT_EQUAL_FATAL(cpl_jobs_parse(b.data, b.len, &j, err,
	    sizeof(err)), 1);
	CU_ASSERT_EQUAL(ccpool_jobs_count(&j), 3);
	CU_ASSERT_EQUAL(ccpool_job_id(&j, 0), 7);
	CU_ASSERT_EQUAL(ccpool_job_phase(&j, 0), CCPOOL_PHASE_DONE);
	CU_ASSERT_STRING_EQUAL(ccpool_job_host(&j, 0), "h1");
	CU_ASSERT_STRING_EQUAL(ccpool_job_file(&j, 0), "src/a.c");
	CU_ASSERT_EQUAL(ccpool_job_end_ms(&j, 0), 400);
	CU_ASSERT_EQUAL(ccpool_job_status(&j, 0), 0);
	CU_ASSERT_EQUAL(ccpool_job_phase(&j, 1), CCPOOL_PHASE_COMPILE);
	CU_ASSERT_EQUAL(ccpool_job_end_ms(&j, 1), -1);
	CU_ASSERT_STRING_EQUAL(ccpool_job_file(&j, 2), "");
	/* out of range, NULL */
	CU_ASSERT_EQUAL(ccpool_job_id(&j, 3), 0);
	CU_ASSERT_STRING_EQUAL(ccpool_job_file(&j, 99), "");
	CU_ASSERT_STRING_EQUAL(ccpool_job_host(NULL, 0), "");
	CU_ASSERT_EQUAL(ccpool_jobs_count(NULL), 0);
	CU_ASSERT_EQUAL(ccpool_job_status(&j, 3), -1);
	CU_ASSERT_EQUAL(ccpool_jobs_age_ms(NULL), -1);
	cpl_jobs_clear(&j);
	/* every proper prefix: more, please */
	for (n = 0; n < b.len; n++)
		CU_ASSERT_EQUAL(cpl_jobs_parse(b.data, n, &j, err,
		    sizeof(err)), 0);
	proto_buf_free(&b);
	/* none at all */
	answer(&b, 1, NULL, 0);
	CU_ASSERT_EQUAL(parse(&b, err, sizeof(err)), 1);
	proto_buf_free(&b);
}

static void
test_phase_names(void)
{
	CU_ASSERT_STRING_EQUAL(ccpool_phase_name(CCPOOL_PHASE_WAIT), "wait");
	CU_ASSERT_STRING_EQUAL(ccpool_phase_name(CCPOOL_PHASE_CPP), "cpp");
	CU_ASSERT_STRING_EQUAL(ccpool_phase_name(CCPOOL_PHASE_RECEIVE),
	    "receive");
	CU_ASSERT_STRING_EQUAL(ccpool_phase_name(CCPOOL_PHASE_LOCAL), "local");
	CU_ASSERT_STRING_EQUAL(ccpool_phase_name(CCPOOL_PHASE_FAILED),
	    "failed");
	CU_ASSERT_STRING_EQUAL(ccpool_phase_name((enum ccpool_phase)42),
	    "unknown");
}

/* One bad line in an otherwise good answer is refused with a reason. */
static void
bad_line(const char *line)
{
	const char	*lines[] = { good[0], line, NULL };
	struct proto_buf b;
	char		 err[256];

	answer(&b, 1, lines, 0);
	CU_ASSERT_EQUAL(parse(&b, err, sizeof(err)), -1);
	CU_ASSERT(strncmp(err, "job 2: ", 7) == 0);
	proto_buf_free(&b);
}

static void
test_bad_lines(void)
{
	bad_line("");
	bad_line("1\tdone\t1\t1\t1\t1\t0\th1");		/* 8 fields */
	bad_line("1\tdone\t1\t1\t1\t1\t0\th1\ta.c\tx");	/* 10 */
	bad_line("1\tbaking\t1\t1\t1\t1\t0\th1\ta.c");
	bad_line("x\tdone\t1\t1\t1\t1\t0\th1\ta.c");
	bad_line("-1\tdone\t1\t1\t1\t1\t0\th1\ta.c");
	bad_line("1\tdone\t-5\t1\t1\t1\t0\th1\ta.c");
	bad_line("1\tdone\t1\t-2\t1\t1\t0\th1\ta.c");
	bad_line("1\tdone\t1\t1\t-1\t1\t0\th1\ta.c");
	bad_line("1\tdone\t1\t1\t1\t1\t256\th1\ta.c");
	bad_line("1\tdone\t1\t1\t1\t1\t 0\th1\ta.c");
	bad_line("1\tdone\t1\t1\t1\t1\t0x1\th1\ta.c");
	bad_line("1\tdone\t99999999999999999999\t1\t1\t1\t0\th1\ta.c");
	bad_line("1\tdone\t1\t1\t1\t1\t0\th1\ta\033.c");
	bad_line("1\tdone\t1\t1\t1\t1\t0\th1\ta\n.c");
	bad_line("1\tdone\t1\t1\t1\t1\t0\th1\t\xc3\xa9.c");
}

static void
test_bad_frames(void)
{
	struct proto_buf b;
	char		 err[256];

	/* a refusal */
	proto_buf_init(&b);
	proto_put_value(&b, "RFSE", 1);
	proto_put_payload(&b, "MSG_", "no", 2);
	proto_put_value(&b, "DONE", 0);
	CU_ASSERT_EQUAL(parse(&b, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "refused"));
	proto_buf_free(&b);
	/* CCPL 2, DONE 1 */
	answer(&b, 2, good, 0);
	CU_ASSERT_EQUAL(parse(&b, err, sizeof(err)), -1);
	proto_buf_free(&b);
	answer(&b, 1, good, 1);
	CU_ASSERT_EQUAL(parse(&b, err, sizeof(err)), -1);
	proto_buf_free(&b);
	/* bytes after DONE */
	answer(&b, 1, good, 0);
	proto_put_value(&b, "DONE", 0);
	CU_ASSERT_EQUAL(parse(&b, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "after DONE"));
	proto_buf_free(&b);
	/* a token out of place, garbage */
	proto_buf_init(&b);
	proto_put_value(&b, "CCPL", 1);
	proto_put_value(&b, "STAT", 0);
	CU_ASSERT_EQUAL(parse(&b, err, sizeof(err)), -1);
	proto_buf_free(&b);
	proto_buf_init(&b);
	proto_buf_append(&b, "HTTP/1.1 200 OK\r\n", 17);
	CU_ASSERT_EQUAL(parse(&b, err, sizeof(err)), -1);
	CU_ASSERT(err[0] != '\0');
	proto_buf_free(&b);
}

static void
test_too_many(void)
{
	struct proto_buf b;
	char		 err[256];
	size_t		 i;

	proto_buf_init(&b);
	proto_put_value(&b, "CCPL", 1);
	for (i = 0; i <= CPL_JOBS_MAX; i++)
		proto_put_payload(&b, "MSG_", good[1], strlen(good[1]));
	proto_put_value(&b, "DONE", 0);
	CU_ASSERT_EQUAL(parse(&b, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "more than"));
	proto_buf_free(&b);
}

static int	 told;
static char	 told_err[CPL_ERR_MAX];

static void
on_told(const struct ccpool_jobs *j, const char *err, void *arg)
{
	(void)arg;
	told++;
	snprintf(told_err, sizeof(told_err), "%s", j == NULL ? err : "");
}

static void
test_not_running(void)
{
	struct event_base *base;
	struct ccpool_evpoll *p;
	struct cpl_jobc	*c;
	struct stat	 st;
	char		 dir[64], sub[128], *old;
	int		 i;

	tmpdir_make(dir, sizeof(dir), "jobc");
	old = getenv("XDG_RUNTIME_DIR") ? strdup(getenv("XDG_RUNTIME_DIR")) :
	    NULL;
	setenv("XDG_RUNTIME_DIR", dir, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(base = event_base_new());
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = ccpool_evpoll_new(base));
	told = 0;
	CU_ASSERT_PTR_NOT_NULL_FATAL(c = cpl_jobc_new(ccpool_evpoll_get(p),
	    100, on_told, NULL));
	for (i = 0; i < 50 && told == 0; i++)
		event_base_loop(base, EVLOOP_ONCE);
	CU_ASSERT_EQUAL(told, 1);
	CU_ASSERT_STRING_EQUAL(told_err, CPL_JOBS_NOT_RUNNING);
	CU_ASSERT_PTR_NULL(cpl_jobc_jobs(c));
	CU_ASSERT_STRING_EQUAL(cpl_jobc_error(c), CPL_JOBS_NOT_RUNNING);
	/* nothing was made on the way */
	snprintf(sub, sizeof(sub), "%s/ccpool", dir);
	CU_ASSERT_EQUAL(stat(sub, &st), -1);
	/* asked again after the interval */
	for (i = 0; i < 50 && told < 2; i++)
		event_base_loop(base, EVLOOP_ONCE);
	CU_ASSERT_EQUAL(told, 2);
	cpl_jobc_free(c);
	ccpool_evpoll_free(p);
	event_base_free(base);
	if (old != NULL)
		setenv("XDG_RUNTIME_DIR", old, 1);
	else
		unsetenv("XDG_RUNTIME_DIR");
	free(old);
	tmpdir_remove(dir);
}

int
init_cpl_jobs_tests(void)
{
	CU_pSuite s = CU_add_suite("cpl_jobs", NULL, NULL);

	if (s == NULL ||
	    CU_add_test(s, "a good answer, its prefixes", test_good) == NULL ||
	    CU_add_test(s, "phase names", test_phase_names) == NULL ||
	    CU_add_test(s, "bad lines", test_bad_lines) == NULL ||
	    CU_add_test(s, "bad frames", test_bad_frames) == NULL ||
	    CU_add_test(s, "too many jobs", test_too_many) == NULL ||
	    CU_add_test(s, "no agent: not running, nothing made",
	    test_not_running) == NULL)
		return -1;
	return 0;
}
