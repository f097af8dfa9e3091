/*
 * test_gate.c - the places of unauthenticated connections (server/gate.c):
 * the per-address and global bounds, eviction from the heaviest address
 * only, places given back, IPv4 and IPv6 kept apart.
 */
#include <sys/socket.h>

#include <string.h>

#include <CUnit/CUnit.h>

#include "server/gate.c"

static const uint8_t A[16] = { 10, 0, 0, 1 }, Bq[16] = { 10, 0, 0, 2 },
    C[16] = { 10, 0, 0, 3 };

static void
test_per_addr(void)
{
	static struct gate g;
	struct gate_addr v;
	int	 i;

	gate_init(&g, 100, 3);
	for (i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, A, &v), GATE_ADMIT);
	CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, A, &v), GATE_REFUSE);
	CU_ASSERT_EQUAL(g.full_addr, 1);
	/* another address still gets in */
	CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, Bq, &v), GATE_ADMIT);
	/* the same bytes as IPv6 are another address */
	CU_ASSERT_EQUAL(gate_enter(&g, AF_INET6, A, &v), GATE_ADMIT);
	gate_leave(&g, AF_INET, A);
	CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, A, &v), GATE_ADMIT);
	CU_ASSERT_EQUAL(g.total, 5);
}

static void
test_evict_heaviest(void)
{
	static struct gate g;
	struct gate_addr v;
	int	 i;

	gate_init(&g, 10, 8);
	for (i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, A, &v), GATE_ADMIT);
	CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, Bq, &v), GATE_ADMIT);
	CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, Bq, &v), GATE_ADMIT);
	/* full: a newcomer takes the place of the heaviest address */
	memset(&v, 0, sizeof(v));
	CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, C, &v), GATE_EVICT);
	CU_ASSERT_EQUAL(v.family, AF_INET);
	CU_ASSERT(memcmp(v.addr, A, 4) == 0);
	gate_leave(&g, v.family, v.addr);
	CU_ASSERT_EQUAL(g.total, 10);
	CU_ASSERT_EQUAL(g.evicted, 1);
	/* the heaviest never evicts itself, nor does an equal */
	CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, A, &v), GATE_REFUSE);
	gate_init(&g, 4, 8);
	CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, A, &v), GATE_ADMIT);
	CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, A, &v), GATE_ADMIT);
	CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, Bq, &v), GATE_ADMIT);
	CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, Bq, &v), GATE_ADMIT);
	/* 2 against none: the first of the two heaviest gives way */
	CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, C, &v), GATE_EVICT);
	CU_ASSERT(memcmp(v.addr, A, 4) == 0);
	gate_leave(&g, v.family, v.addr);
	/* A 1, B 2, C 1: no address gains by taking another's place */
	CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, Bq, &v), GATE_REFUSE);
	CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, A, &v), GATE_REFUSE);
	CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, C, &v), GATE_REFUSE);
	CU_ASSERT_EQUAL(g.total, 4);
}

static void
test_leave(void)
{
	static struct gate g;
	struct gate_addr v;
	unsigned i;

	gate_init(&g, GATE_ADDRS_MAX + 10, 1);
	CU_ASSERT_EQUAL(g.total_max, GATE_ADDRS_MAX);
	/* every entry used by a different address, then all given back */
	for (i = 0; i < GATE_ADDRS_MAX; i++) {
		uint8_t a[16] = { 10, 1, (uint8_t)(i >> 8), (uint8_t)i };

		CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, a, &v), GATE_ADMIT);
	}
	CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, A, &v), GATE_REFUSE);
	for (i = 0; i < GATE_ADDRS_MAX; i++) {
		uint8_t a[16] = { 10, 1, (uint8_t)(i >> 8), (uint8_t)i };

		gate_leave(&g, AF_INET, a);
	}
	CU_ASSERT_EQUAL(g.total, 0);
	/* leaving what was never entered changes nothing */
	gate_leave(&g, AF_INET, A);
	CU_ASSERT_EQUAL(g.total, 0);
	CU_ASSERT_EQUAL(gate_enter(&g, AF_INET, A, &v), GATE_ADMIT);
}

int
init_gate_tests(void)
{
	CU_pSuite s = CU_add_suite("gate", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "per address", test_per_addr) ||
	    !CU_add_test(s, "full: the heaviest gives way", test_evict_heaviest) ||
	    !CU_add_test(s, "places given back", test_leave))
		return -1;
	return 0;
}
