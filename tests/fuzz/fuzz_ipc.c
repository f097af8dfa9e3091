/*
 * fuzz_ipc.c - fuzz harness for the IPC message reader (common/ipc.c)
 * with ccpoold's own rules (server/ipcrules.c, included).
 *
 * The first input byte picks the receiving channel (enum srv_chan) and
 * whether its limits are the defaults or small ones (so that variable
 * messages reach their cap); the rest is a byte stream as it would
 * arrive on a socketpair.  It is cut into messages with ipc_parse,
 * checking what the parser promises: sizes add up, the payload follows
 * the header, an accepted message obeys its rule, a verdict on a
 * complete header never changes when more bytes arrive, a refusal has a
 * reason, and ipc_compose re-creates exactly the bytes consumed.  Any
 * violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/ipc.h"
#include "server/ipcrules.c"
#include "server/srvconf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NCHAN	((unsigned)SRV_NET_FROM_KAUTH + 1)

static void
pick_rules(uint8_t sel, struct ipc_rules *r)
{
	struct proto_limits lim;

	proto_limits_default(&lim);
	if (sel / NCHAN % 2 == 1) {	/* small: messages reach the cap */
		lim.max_input_z = lim.max_output_z = 1024;
		lim.max_args_total = lim.max_stdout = lim.max_stderr = 256;
		lim.max_deps = lim.max_msg = 64;
		lim.max_argc = 4;
	}
	srv_ipc_rules(r, (enum srv_chan)(sel % NCHAN), &lim);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipc_rules r;
	struct ipc_hdr	 h, h2;
	struct proto_buf b;
	const uint8_t	*p, *p2, *buf;
	size_t		 len, need, need2;
	ssize_t		 n;
	char		 err[160], err2[160];

	if (size < 1)
		return 0;
	pick_rules(data[0], &r);
	buf = data + 1;
	len = size - 1;
	proto_buf_init(&b);
	while (len > 0) {
		err[0] = '\0';
		n = ipc_parse(&r, buf, len, &h, &p, &need, err, sizeof(err));
		if (n == -1) {
			if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) ==
			    NULL || len < IPC_HDRLEN)
				abort();
			/* The header alone gives the same verdict. */
			if (ipc_parse(&r, buf, IPC_HDRLEN, &h2, &p2, &need2,
			    err2, sizeof(err2)) != -1)
				abort();
			break;
		}
		if (n == 0) {
			if (need <= len || need < IPC_HDRLEN)
				abort();
			/* A complete header that passed must still pass. */
			if (len >= IPC_HDRLEN && need == IPC_HDRLEN)
				abort();
			break;
		}
		if ((size_t)n > len || (size_t)n < IPC_HDRLEN ||
		    (size_t)n != IPC_HDRLEN + h.len || p != buf + IPC_HDRLEN ||
		    (size_t)n != need)
			abort();
		if (h.type == IPC_NONE || h.type >= IPC_TYPE_COUNT ||
		    !(r.accept & (1u << h.type)) ||
		    h.len < r.len[h.type].min || h.len > r.len[h.type].max)
			abort();
		/* One byte short: "need more", with the same size. */
		if (ipc_parse(&r, buf, (size_t)n - 1, &h2, &p2, &need2, err2,
		    sizeof(err2)) != 0 || ((size_t)n - 1 >= IPC_HDRLEN &&
		    need2 != (size_t)n))
			abort();
		proto_buf_reset(&b);
		if (ipc_compose(&b, (enum ipc_type)h.type, h.id, p, h.len) ==
		    -1)
			abort();
		if (b.len != (size_t)n || memcmp(b.data, buf, b.len) != 0)
			abort();
		buf += n;
		len -= (size_t)n;
	}
	proto_buf_free(&b);
	return 0;
}
