/*
 * fuzz_ipc.c - fuzz harness for the IPC message reader (common/ipc.c).
 *
 * The first input byte picks the receiver's rules (three shapes: fixed
 * structs, a large variable message, nothing accepted); the rest is a
 * byte stream as it would arrive on a socketpair.  It is cut into
 * messages with ipc_parse, checking what the parser promises: sizes add
 * up, the payload follows the header, an accepted message obeys its
 * rule, a verdict on a complete header never changes when more bytes
 * arrive, a refusal has a reason, and ipc_compose re-creates exactly the
 * bytes consumed.  Any violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/ipc.h"
#include "server/srvconf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
pick_rules(uint8_t sel, struct ipc_rules *r)
{
	memset(r, 0, sizeof(*r));
	switch (sel % 3) {
	case 0:		/* what net hears from the parent */
		ipc_rule_fixed(r, IPC_CONF, sizeof(struct srvconf));
		ipc_rule_fixed(r, IPC_SHUTDOWN, 0);
		ipc_rule_fixed(r, IPC_TC, sizeof(struct ipc_tc));
		ipc_rule_fixed(r, IPC_TC_END, 0);
		ipc_rule_fixed(r, IPC_LOAD, sizeof(struct ipc_load));
		break;
	case 1:		/* what the runner hears from net, small cap */
		ipc_rule_var(r, IPC_JOB, 4096);
		ipc_rule_fixed(r, IPC_CANCEL, 0);
		break;
	default:	/* a receiver that accepts nothing */
		break;
	}
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
