/*
 * test_ipc.c - typed IPC messages (common/ipc.c) and ccpoold's channel
 * rules (server/proc.c): compose/parse round trips, the header-only
 * verdict on bad types and lengths, partial input, and real channels on a
 * socketpair (delivery in order, a big message, a malformed header is
 * fatal, EOF, the blocking flush used before exit).
 */
#include <sys/socket.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <event2/event.h>

#include "common/ipc.c"
#include "server/proc.c"
#include "server/ipcrules.c"

/* Rules: TC fixed, JOB up to 1 MiB + 1, CANCEL empty. */
static void
rules(struct ipc_rules *r)
{
	memset(r, 0, sizeof(*r));
	ipc_rule_fixed(r, IPC_TC, sizeof(struct ipc_tc));
	ipc_rule_var(r, IPC_JOB, (1u << 20) + 1);
	ipc_rule_fixed(r, IPC_CANCEL, 0);
}

static void
test_roundtrip(void)
{
	struct ipc_rules r;
	struct proto_buf b;
	struct ipc_tc	 tc;
	struct ipc_hdr	 h;
	const uint8_t	*p;
	size_t		 need, off;
	ssize_t		 n;
	char		 err[128];

	rules(&r);
	proto_buf_init(&b);
	memset(&tc, 0, sizeof(tc));
	snprintf(tc.id, sizeof(tc.id), "gcc-12");
	CU_ASSERT(ipc_compose(&b, IPC_TC, 7, &tc, sizeof(tc)) == 0);
	CU_ASSERT(ipc_compose(&b, IPC_JOB, 8, "abc", 3) == 0);
	CU_ASSERT(ipc_compose(&b, IPC_CANCEL, 9, NULL, 0) == 0);
	CU_ASSERT(b.len == 3 * IPC_HDRLEN + sizeof(tc) + 3);

	off = 0;
	n = ipc_parse(&r, b.data, b.len, &h, &p, &need, err, sizeof(err));
	CU_ASSERT_FATAL(n == (ssize_t)(IPC_HDRLEN + sizeof(tc)));
	CU_ASSERT(h.type == IPC_TC && h.id == 7 && h.len == sizeof(tc));
	CU_ASSERT(memcmp(p, &tc, sizeof(tc)) == 0);
	off += (size_t)n;
	n = ipc_parse(&r, b.data + off, b.len - off, &h, &p, &need, err,
	    sizeof(err));
	CU_ASSERT_FATAL(n == IPC_HDRLEN + 3);
	CU_ASSERT(h.type == IPC_JOB && h.id == 8 && memcmp(p, "abc", 3) == 0);
	off += (size_t)n;
	n = ipc_parse(&r, b.data + off, b.len - off, &h, &p, &need, err,
	    sizeof(err));
	CU_ASSERT(n == IPC_HDRLEN && h.type == IPC_CANCEL && h.id == 9 &&
	    h.len == 0);
	proto_buf_free(&b);
}

static void
test_partial(void)
{
	struct ipc_rules r;
	struct proto_buf b;
	struct ipc_hdr	 h;
	const uint8_t	*p;
	size_t		 need, i;
	char		 err[128];

	rules(&r);
	proto_buf_init(&b);
	CU_ASSERT(ipc_compose(&b, IPC_JOB, 1, "0123456789", 10) == 0);
	for (i = 0; i < b.len; i++) {
		CU_ASSERT(ipc_parse(&r, b.data, i, &h, &p, &need, err,
		    sizeof(err)) == 0);
		CU_ASSERT(need == (i < IPC_HDRLEN ? IPC_HDRLEN :
		    IPC_HDRLEN + 10));
	}
	CU_ASSERT(ipc_parse(&r, b.data, b.len, &h, &p, &need, err,
	    sizeof(err)) == (ssize_t)b.len);
	proto_buf_free(&b);
}

/* A bare header; the verdict must come from these 12 bytes alone. */
static ssize_t
parse_hdr(const struct ipc_rules *r, uint32_t type, uint32_t len, char *err,
    size_t errlen)
{
	struct ipc_hdr	 h = { type, len, 1 }, out;
	const uint8_t	*p;
	size_t		 need;

	return ipc_parse(r, (const uint8_t *)&h, IPC_HDRLEN, &out, &p, &need,
	    err, errlen);
}

static void
test_refuses(void)
{
	struct ipc_rules r;
	char		 err[128];

	rules(&r);
	err[0] = '\0';
	CU_ASSERT(parse_hdr(&r, IPC_NONE, 0, err, sizeof(err)) == -1);
	CU_ASSERT(err[0] != '\0');
	CU_ASSERT(parse_hdr(&r, IPC_TYPE_COUNT, 0, err, sizeof(err)) == -1);
	CU_ASSERT(parse_hdr(&r, 0xffffffffu, 0, err, sizeof(err)) == -1);
	/* a known type this receiver does not accept */
	CU_ASSERT(parse_hdr(&r, IPC_CONF, 0, err, sizeof(err)) == -1);
	CU_ASSERT(strstr(err, "conf") != NULL);
	/* fixed size: one byte less, one byte more */
	CU_ASSERT(parse_hdr(&r, IPC_TC, sizeof(struct ipc_tc) - 1, err,
	    sizeof(err)) == -1);
	CU_ASSERT(parse_hdr(&r, IPC_TC, sizeof(struct ipc_tc) + 1, err,
	    sizeof(err)) == -1);
	CU_ASSERT(parse_hdr(&r, IPC_TC, sizeof(struct ipc_tc), err,
	    sizeof(err)) == 0);
	CU_ASSERT(parse_hdr(&r, IPC_CANCEL, 1, err, sizeof(err)) == -1);
	/* variable: over the maximum, refused before any payload */
	CU_ASSERT(parse_hdr(&r, IPC_JOB, (1u << 20) + 2, err, sizeof(err)) ==
	    -1);
	CU_ASSERT(parse_hdr(&r, IPC_JOB, 0xffffffffu, err, sizeof(err)) == -1);
	CU_ASSERT(parse_hdr(&r, IPC_JOB, (1u << 20) + 1, err, sizeof(err)) ==
	    0);
	/* rules for NONE and out-of-range types are ignored */
	ipc_rule_fixed(&r, IPC_NONE, 0);
	ipc_rule_var(&r, IPC_TYPE_COUNT, 10);
	CU_ASSERT(parse_hdr(&r, IPC_NONE, 0, err, sizeof(err)) == -1);
}

static void
test_compose_refuses(void)
{
	struct proto_buf b;

	proto_buf_init(&b);
	CU_ASSERT(ipc_compose(&b, IPC_NONE, 0, NULL, 0) == -1);
	CU_ASSERT(ipc_compose(&b, IPC_TYPE_COUNT, 0, NULL, 0) == -1);
	CU_ASSERT(ipc_compose(&b, IPC_JOB, 0, NULL, 5) == -1);
	CU_ASSERT(b.len == 0);
	CU_ASSERT(strcmp(ipc_type_name(IPC_RESULT), "result") == 0);
	CU_ASSERT(strcmp(ipc_type_name(999), "unknown") == 0);
	proto_buf_free(&b);
}

/* The rules of ccpoold's channels: who may send what. */
static void
test_srv_rules(void)
{
	struct ipc_rules r;
	struct proto_limits lim;
	char		 err[128];

	proto_limits_default(&lim);
	srv_ipc_rules(&r, SRV_RUNNER_FROM_NET, &lim);
	CU_ASSERT(parse_hdr(&r, IPC_JOB, 1000, err, sizeof(err)) == 0);
	CU_ASSERT(parse_hdr(&r, IPC_JOB, srv_job_msg_max(&lim), err,
	    sizeof(err)) == 0);
	CU_ASSERT(parse_hdr(&r, IPC_JOB, srv_job_msg_max(&lim) + 1, err,
	    sizeof(err)) == -1);
	CU_ASSERT(parse_hdr(&r, IPC_CONF, sizeof(struct srvconf), err,
	    sizeof(err)) == -1);	/* net cannot reconfigure the runner */
	CU_ASSERT(parse_hdr(&r, IPC_SHUTDOWN, 0, err, sizeof(err)) == -1);
	CU_ASSERT(srv_job_msg_max(&lim) > lim.max_input_z);

	srv_ipc_rules(&r, SRV_RUNNER_FROM_PARENT, &lim);
	CU_ASSERT(parse_hdr(&r, IPC_CONF, sizeof(struct srvconf), err,
	    sizeof(err)) == 0);
	CU_ASSERT(parse_hdr(&r, IPC_CONF, sizeof(struct srvconf) - 1, err,
	    sizeof(err)) == -1);
	CU_ASSERT(parse_hdr(&r, IPC_JOB, 10, err, sizeof(err)) == -1);

	srv_ipc_rules(&r, SRV_NET_FROM_RUNNER, &lim);
	CU_ASSERT(parse_hdr(&r, IPC_RESULT, srv_result_msg_max(&lim), err,
	    sizeof(err)) == 0);
	CU_ASSERT(parse_hdr(&r, IPC_TC, sizeof(struct ipc_tc), err,
	    sizeof(err)) == -1);

	srv_ipc_rules(&r, SRV_PARENT_FROM_OTHER, &lim);
	CU_ASSERT(r.accept == 0);
	srv_ipc_rules(&r, SRV_PARENT_FROM_RUNNER, &lim);
	CU_ASSERT(parse_hdr(&r, IPC_LOAD, sizeof(struct ipc_load), err,
	    sizeof(err)) == 0);
	CU_ASSERT(parse_hdr(&r, IPC_RESULT, 10, err, sizeof(err)) == -1);
}

/* Channels on a real socketpair. */

struct rx {
	int		 nmsg;
	uint32_t	 types[8];
	uint32_t	 ids[8];
	size_t		 lens[8];
	int		 bigok;
	int		 failed;
	char		 why[160];
	struct event_base *base;
};

static void
rx_msg(struct ipc_chan *c, const struct ipc_hdr *h, const uint8_t *p,
    void *arg)
{
	struct rx	*rx = arg;
	size_t		 i;

	(void)c;
	if (rx->nmsg < 8) {
		rx->types[rx->nmsg] = h->type;
		rx->ids[rx->nmsg] = h->id;
		rx->lens[rx->nmsg] = h->len;
	}
	if (h->len == 1u << 20) {
		rx->bigok = 1;
		for (i = 0; i < h->len; i++)
			if (p[i] != (uint8_t)(i * 7))
				rx->bigok = 0;
	}
	rx->nmsg++;
	if (rx->nmsg == 3)
		event_base_loopbreak(rx->base);
}

static void
rx_fail(struct ipc_chan *c, const char *why, void *arg)
{
	struct rx	*rx = arg;

	(void)c;
	rx->failed++;
	snprintf(rx->why, sizeof(rx->why), "%s", why);
	event_base_loopbreak(rx->base);
}

static void
test_channel(void)
{
	struct event_base *base;
	struct ipc_rules r;
	struct ipc_chan	*a, *b;
	struct ipc_tc	 tc;
	struct ipc_hdr	 bad = { IPC_CONF, 0, 0 };
	struct timeval	 tv = { 5, 0 };
	struct rx	 rx;
	uint8_t		*big;
	char		 err[128];
	int		 sv[2];
	size_t		 i;

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CU_ASSERT_FATAL((base = event_base_new()) != NULL);
	memset(&rx, 0, sizeof(rx));
	rx.base = base;
	rules(&r);
	a = ipc_chan_new(base, sv[0], &r, rx_msg, rx_fail, &rx, err,
	    sizeof(err));
	b = ipc_chan_new(base, sv[1], &r, rx_msg, rx_fail, &rx, err,
	    sizeof(err));
	CU_ASSERT_FATAL(a != NULL && b != NULL);
	big = malloc(1u << 20);
	CU_ASSERT_FATAL(big != NULL);
	for (i = 0; i < 1u << 20; i++)
		big[i] = (uint8_t)(i * 7);
	memset(&tc, 0, sizeof(tc));
	CU_ASSERT(ipc_send(a, IPC_TC, 1, &tc, sizeof(tc)) == 0);
	CU_ASSERT(ipc_send(a, IPC_JOB, 2, big, 1u << 20) == 0);
	CU_ASSERT(ipc_send(a, IPC_CANCEL, 3, NULL, 0) == 0);
	CU_ASSERT(ipc_send(a, IPC_NONE, 3, NULL, 0) == -1);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	CU_ASSERT(rx.nmsg == 3 && rx.failed == 0);
	CU_ASSERT(rx.types[0] == IPC_TC && rx.ids[0] == 1);
	CU_ASSERT(rx.types[1] == IPC_JOB && rx.ids[1] == 2 &&
	    rx.lens[1] == 1u << 20);
	CU_ASSERT(rx.types[2] == IPC_CANCEL && rx.ids[2] == 3);
	CU_ASSERT(rx.bigok);

	/* A type b does not accept: fatal, nothing delivered. */
	rx.nmsg = 0;
	CU_ASSERT(write(sv[0], &bad, sizeof(bad)) == sizeof(bad));
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	CU_ASSERT(rx.failed == 1 && rx.nmsg == 0);
	CU_ASSERT(strstr(rx.why, "unexpected") != NULL);
	ipc_chan_free(b);

	/* ipc_flush writes through a bufferevent's frozen output. */
	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	ipc_chan_free(a);
	a = ipc_chan_new(base, sv[0], &r, rx_msg, rx_fail, &rx, err,
	    sizeof(err));
	CU_ASSERT_FATAL(a != NULL);
	CU_ASSERT(ipc_send(a, IPC_CANCEL, 42, NULL, 0) == 0);
	CU_ASSERT(ipc_pending(a) == IPC_HDRLEN);
	ipc_flush(a);
	CU_ASSERT(ipc_pending(a) == 0);
	memset(&bad, 0, sizeof(bad));
	CU_ASSERT(read(sv[1], &bad, sizeof(bad)) == sizeof(bad));
	CU_ASSERT(bad.type == IPC_CANCEL && bad.id == 42);

	/* EOF is reported as "closed". */
	rx.failed = 0;
	close(sv[1]);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	CU_ASSERT(rx.failed == 1 && strcmp(rx.why, "closed") == 0);
	ipc_chan_free(a);
	ipc_chan_free(NULL);
	free(big);
	event_base_free(base);
}

int
init_ipc_tests(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("ipc", NULL, NULL)) == NULL)
		return -1;
	if (CU_add_test(s, "round trip", test_roundtrip) == NULL ||
	    CU_add_test(s, "partial input", test_partial) == NULL ||
	    CU_add_test(s, "header verdicts", test_refuses) == NULL ||
	    CU_add_test(s, "compose refuses", test_compose_refuses) == NULL ||
	    CU_add_test(s, "ccpoold channel rules", test_srv_rules) == NULL ||
	    CU_add_test(s, "channel on a socketpair", test_channel) == NULL)
		return -1;
	return 0;
}
