/*
 * test_roffer.c - an offer in the runner (server/runner_offer.c): the
 * IPC_OFFER payload checked (a malformed one is fatal: the process
 * ends) and made a queue entry; a pulled offer holds a slot (running in
 * fairq, pid 0, its offer kept) and IPC_PULL goes to net with the slots
 * left free and the offers still waiting, on a real socketpair.
 */
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <event2/event.h>

#include "server/runner_offer.c"
#include "tests/unit/inchild.h"

static struct ipc_offer
good_offer(void)
{
	struct ipc_offer io;

	memset(&io, 0, sizeof(io));
	snprintf(io.client, sizeof(io.client), "sha256:client");
	snprintf(io.tcid, sizeof(io.tcid), "gcc-12.2.0-x86_64-linux-gnu-1");
	io.id = 7;
	io.lang = PROTO_LANG_CXX;
	io.size = 4096;
	return io;
}

static void
test_check_new(void)
{
	struct ipc_offer io = good_offer(), got;
	struct offerq_ent *e;

	roffer_check((const uint8_t *)&io, &got);
	e = roffer_new(42, &got);
	CU_ASSERT_EQUAL(e->key, 42);
	CU_ASSERT_STRING_EQUAL(e->client, "sha256:client");
	CU_ASSERT_STRING_EQUAL(e->o.tcid, io.tcid);
	CU_ASSERT_EQUAL(e->o.id, 7);
	CU_ASSERT_EQUAL(e->o.lang, PROTO_LANG_CXX);
	CU_ASSERT_EQUAL(e->o.size, 4096);
	free(e);
}

static struct ipc_offer	 bad;

static int
check_bad(void)
{
	struct ipc_offer got;

	roffer_check((const uint8_t *)&bad, &got);
	return 0;		/* not reached if it is refused */
}

static void
test_malformed(void)
{
	int	 st;

	bad = good_offer();
	memset(bad.tcid, 'a', sizeof(bad.tcid));	/* not terminated */
	st = in_child(check_bad);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) != 0);
	bad = good_offer();
	memset(bad.client, 'c', sizeof(bad.client));
	st = in_child(check_bad);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) != 0);
	bad = good_offer();
	bad.id = 0;
	st = in_child(check_bad);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) != 0);
	bad = good_offer();
	bad.lang = 99;
	st = in_child(check_bad);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) != 0);
	bad = good_offer();
	CU_ASSERT_EQUAL(in_child(check_bad), 0);
}

static void
test_reserve(void)
{
	struct ipc_offer io = good_offer();
	struct event_base *base;
	struct ipc_chan	*ch;
	struct ipc_rules r;
	struct fairq	 fq;
	struct offerq	 oq;
	struct offerq_ent *e, *other;
	struct job_env	 env;
	struct ipc_hdr	 h;
	struct ipc_pull	 pl;
	struct rjob	*j;
	const uint8_t	*p;
	uint8_t		 buf[256];
	size_t		 need;
	ssize_t		 n;
	char		 err[256];
	int		 sv[2];

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CU_ASSERT_FATAL((base = event_base_new()) != NULL);
	memset(&r, 0, sizeof(r));
	ipc_rule_fixed(&r, IPC_PULL, sizeof(struct ipc_pull));
	ch = ipc_chan_new(base, sv[0], &r, NULL, NULL, NULL, err, sizeof(err));
	CU_ASSERT_FATAL(ch != NULL);
	fairq_init(&fq);
	fairq_limits(&fq, 3, 0, 3);
	offerq_init(&oq, 3);
	memset(&env, 0, sizeof(env));
	e = roffer_new(5, &io);
	other = roffer_new(6, &io);
	CU_ASSERT_EQUAL(offerq_push(&oq, other), 0);
	j = roffer_reserve(&fq, &oq, e, &env, ch);
	CU_ASSERT_EQUAL(j->key, 5);
	CU_ASSERT(j->reserved);
	CU_ASSERT_EQUAL(j->pid, 0);
	CU_ASSERT_EQUAL(j->fq.state, FAIRQ_RUNNING);
	CU_ASSERT_PTR_EQUAL(j->fq.owner, j);
	CU_ASSERT_PTR_EQUAL(j->env, &env);
	CU_ASSERT_STRING_EQUAL(j->fq.client, "sha256:client");
	CU_ASSERT_EQUAL(j->offer.id, 7);
	CU_ASSERT_STRING_EQUAL(j->offer.tcid, io.tcid);
	CU_ASSERT_EQUAL(fq.nrunning, 1);
	ipc_flush(ch);
	n = read(sv[1], buf, sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(n, IPC_HDRLEN + (ssize_t)sizeof(pl));
	CU_ASSERT_EQUAL(ipc_parse(&r, buf, (size_t)n, &h, &p, &need, err,
	    sizeof(err)), n);
	CU_ASSERT_EQUAL(h.type, IPC_PULL);
	CU_ASSERT_EQUAL(h.id, 5);
	memcpy(&pl, p, sizeof(pl));
	CU_ASSERT_EQUAL(pl.free_slots, 2);	/* 3 slots, 1 held */
	CU_ASSERT_EQUAL(pl.waiting, 1);
	fairq_remove(&fq, &j->fq);
	CU_ASSERT_EQUAL(fq.nrunning, 0);
	proto_job_free(&j->job);
	free(j);
	offerq_remove(&oq, other);
	free(other);
	ipc_chan_free(ch);
	close(sv[1]);
	event_base_free(base);
}

int
init_roffer_tests(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("roffer", NULL, NULL)) == NULL ||
	    CU_add_test(s, "offer checked, queue entry", test_check_new) ==
	    NULL ||
	    CU_add_test(s, "malformed offer is fatal", test_malformed) ==
	    NULL ||
	    CU_add_test(s, "pull holds a slot", test_reserve) == NULL)
		return -1;
	return 0;
}
