/*
 * fuzz_dccans.c - fuzz harness for the reader of a distccd's answers
 * (agent/dccproto.c), the bytes the agent reads from a plain distccd.
 *
 * The input is a byte stream as it would arrive on the connection: cut
 * into frames of the distcc dialect (small limits) and fed to an answer
 * reader of protocol 1.  A refusal must come with a terminated reason; a
 * complete answer must be one that can be (a wait status of an exit or a
 * signal, an object exactly when the compile was clean, parts within
 * their limits); any violation aborts.  Runs under libFuzzer (make fuzz)
 * or tests/fuzz/standalone.c (make check).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/dccproto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_err(const char *err, size_t errlen)
{
	if (memchr(err, '\0', errlen) == NULL || err[0] == '\0')
		abort();
}

static void
check_ans(const struct dccproto_ans *a, const struct proto_limits *lim)
{
	int	 exited = (a->status & 0x7f) == 0;

	if (a->status > 0xffff || (a->status & 0xff) == 0x7f ||
	    (exited && (a->status & 0xff) != 0) ||
	    (!exited && a->status > 0xff))
		abort();
	if ((a->status == 0) != (a->obj.len > 0))
		abort();
	if (a->errout.len > lim->max_stderr || a->out.len > lim->max_stdout ||
	    a->obj.len > lim->max_output)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_limits	 lim;
	struct proto_dialect	 d;
	struct dccproto_reader	 r;
	struct proto_frame	 f;
	char			 err[256];
	ssize_t			 n;
	int			 rc = PROTO_MORE;

	proto_limits_default(&lim);
	lim.max_stdout = lim.max_stderr = 1 << 12;
	lim.max_output = lim.max_output_z = 1 << 16;
	if (proto_dialect_init(&d, PROTO_DIALECT_DISTCC, &lim, err,
	    sizeof(err)) == -1)
		abort();
	dccproto_reader_init(&r, DCCPROTO_VERSION, &lim);
	while (size > 0 && rc != -1) {
		n = proto_frame_parse(&d, data, size, &f, err, sizeof(err));
		if (n == -1)
			check_err(err, sizeof(err));
		if (n <= 0)
			break;
		rc = dccproto_ans_feed(&r, &f, err, sizeof(err));
		if (rc == -1)
			check_err(err, sizeof(err));
		else if (rc == PROTO_DONE)
			check_ans(&r.ans, &lim);
		data += n;
		size -= (size_t)n;
	}
	dccproto_reader_free(&r);
	return 0;
}
