/*
 * fuzz_dcc.c - fuzz harness for the distcc listener's request reader and
 * its argv policy (server/dcc_wire.c, server/dcc_args.c; included, as
 * `make fuzz` builds a harness from the library sources only).
 *
 * The input is the bytes a stock distcc client would send.  They are cut
 * into frames with the distcc dialect and fed to the reader under small
 * limits (so the limits are reached); a complete request is made into a
 * ccpool job, which must then pass proto_job_check and ccargs_check, and
 * never name a compiler by a path.  An error must come with a message and
 * a distcc exit code below 128.  Any violation aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/dcc_wire.c"
#include "server/dcc_args.c"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_job(struct dcc_req *r, const struct proto_limits *lim)
{
	static struct ipc_tc tc;
	struct proto_job j;
	uint32_t	 reason;
	char		 err[256], why[256];
	int		 code;

	snprintf(tc.id, sizeof(tc.id), "gcc-12.2.0-x86_64-linux-gnu-"
	    "75e997ec6229");
	snprintf(tc.alias, sizeof(tc.alias), "gcc cc x86_64-linux-gnu-gcc");
	proto_job_init(&j);
	err[0] = '\0';
	if (dcc_req_job(r, &tc, 1, 1, &j, &code, &reason, err,
	    sizeof(err)) == -1) {
		if (err[0] == '\0' || code <= 0 || code >= 128)
			abort();
		proto_job_free(&j);
		return;
	}
	if (proto_job_check(&j, lim, err, sizeof(err)) == -1 ||
	    ccargs_check((int)j.argc, j.argv, why, sizeof(why)) == -1 ||
	    strchr(j.argv[0], '/') != NULL)
		abort();
	proto_job_free(&j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_limits lim;
	struct proto_dialect d;
	struct proto_frame f;
	struct dcc_req	 r;
	char		 err[256];
	ssize_t		 got;
	int		 rc = PROTO_MORE, code;

	proto_limits_default(&lim);
	lim.max_argc = 64;
	lim.max_arg = 256;
	lim.max_args_total = 2048;
	lim.max_input = 1 << 20;
	lim.max_input_z = 1 << 20;
	if (proto_dialect_init(&d, PROTO_DIALECT_DISTCC, &lim, err,
	    sizeof(err)) == -1)
		abort();
	dcc_req_init(&r, &lim);
	while (size > 0 && rc != -1) {
		if ((got = proto_frame_parse(&d, data, size, &f, err,
		    sizeof(err))) <= 0)
			break;
		err[0] = '\0';
		rc = dcc_req_feed(&r, &f, &code, err, sizeof(err));
		if (rc == -1 && (err[0] == '\0' || code <= 0 || code >= 128))
			abort();
		if (rc == PROTO_DONE) {
			if (r.argv == NULL || r.argv[r.argc] != NULL ||
			    r.src.len > lim.max_input)
				abort();
			check_job(&r, &lim);
		}
		data += got;
		size -= (size_t)got;
	}
	dcc_req_free(&r);
	return 0;
}
