/*
 * test_wrap.c - the wrapper's capture of a command's output (run_capture
 * in client/run.c): stdout through a memory file and stderr through a
 * pipe, both whole and in order, the exit status as is, and an output
 * over the limit refused rather than kept (the file size limit stops the
 * command, whatever it writes to).
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include <CUnit/CUnit.h>

#include "client/run.c"

/* Run sh -c script with limit max; the status, out and errout filled. */
static int
sh(const char *script, size_t max, struct proto_buf *out,
    struct proto_buf *errout, char *err, size_t errlen)
{
	char	*const argv[] = { (char *)"sh", (char *)"-c", (char *)script,
	    NULL };

	proto_buf_reset(out);
	proto_buf_reset(errout);
	err[0] = '\0';
	return run_capture("/bin/sh", argv, out, errout, max, err, errlen);
}

static int
is(const struct proto_buf *b, const char *s)
{
	return b->len == strlen(s) && memcmp(b->data, s, b->len) == 0;
}

static void
test_capture(void)
{
	struct proto_buf out, eo;
	char	 err[256];
	int	 st;

	proto_buf_init(&out);
	proto_buf_init(&eo);
	st = sh("printf 'one\\n'; printf 'warn' >&2; printf 'two'", 1 << 20,
	    &out, &eo, err, sizeof(err));
	CU_ASSERT(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CU_ASSERT(is(&out, "one\ntwo"));
	CU_ASSERT(is(&eo, "warn"));

	/* appended to what the buffers hold: here, nothing; then a status */
	st = sh("printf x; exit 3", 100, &out, &eo, err, sizeof(err));
	CU_ASSERT(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 3);
	CU_ASSERT(is(&out, "x"));
	CU_ASSERT(eo.len == 0);

	/* nothing at all */
	st = sh("true", 100, &out, &eo, err, sizeof(err));
	CU_ASSERT(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CU_ASSERT(out.len == 0 && eo.len == 0);

	/* exactly the limit is fine */
	st = sh("head -c 4096 /dev/zero", 4096, &out, &eo, err, sizeof(err));
	CU_ASSERT(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CU_ASSERT(out.len == 4096);
	proto_buf_free(&out);
	proto_buf_free(&eo);
}

static void
test_over(void)
{
	struct proto_buf out, eo;
	char	 err[256];

	proto_buf_init(&out);
	proto_buf_init(&eo);
	/* stdout over: the file size limit stops the writer */
	CU_ASSERT(sh("head -c 1000000 /dev/zero; echo done >&2", 4096, &out,
	    &eo, err, sizeof(err)) == -1);
	CU_ASSERT(strstr(err, "output over 4096 bytes") != NULL);
	CU_ASSERT(out.len == 0);

	/* stderr over: the pipe is closed on it */
	CU_ASSERT(sh("head -c 1000000 /dev/zero >&2", 4096, &out, &eo, err,
	    sizeof(err)) == -1);
	CU_ASSERT(strstr(err, "output over") != NULL);

	/* a program that cannot run: status 127, its complaint on stderr */
	{
		char *const argv[] = { (char *)"nothing", NULL };

		proto_buf_reset(&out);
		proto_buf_reset(&eo);
		CU_ASSERT(run_capture("/nonexistent/ccpool-test", argv, &out,
		    &eo, 4096, err, sizeof(err)) == 127 << 8);
		CU_ASSERT(memmem(eo.data, eo.len, "nonexistent", 11) != NULL);
	}
	proto_buf_free(&out);
	proto_buf_free(&eo);
}

int
init_wrap_tests(void)
{
	CU_pSuite s = CU_add_suite("wrap", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "capture stdout, stderr, status", test_capture) ||
	    !CU_add_test(s, "output over the limit", test_over))
		return -1;
	return 0;
}
