/*
 * test_cpl_cap.c - ccpool_mon_capacity() (libccpool/cpl_cap.c) over a
 * stub monitor (the accessors it reads are replaced here):
 *   - only hosts whose ccpool_host_usable() is 1 count, their slots and
 *     free slots summed;
 *   - jobs = usable slots + local CPUs, at least 1; NULL outputs and a
 *     NULL or empty monitor are fine.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

/* the stubs take the accessors' names in the file under test */
#define ccpool_mon_count	stub_mon_count
#define ccpool_mon_host		stub_mon_host
#define ccpool_host_usable	stub_host_usable
#define ccpool_host_slots	stub_host_slots
#define ccpool_host_free_slots	stub_host_free_slots
static long	 stub_ncpu = 4;
#define CPL_CAP_NCPU()		stub_ncpu
#include "libccpool/cpl_cap.c"

struct stub_host {
	int		 usable;
	unsigned	 slots, free;
};

static struct stub_host	 hosts[4];
static size_t		 nhosts;

size_t
stub_mon_count(const struct ccpool_mon *m)
{
	(void)m;
	return nhosts;
}

const struct ccpool_host *
stub_mon_host(const struct ccpool_mon *m, size_t i)
{
	(void)m;
	return i < nhosts ? (const struct ccpool_host *)(void *)&hosts[i] :
	    NULL;
}

int
stub_host_usable(const struct ccpool_host *h)
{
	return ((const struct stub_host *)(const void *)h)->usable;
}

unsigned
stub_host_slots(const struct ccpool_host *h)
{
	return ((const struct stub_host *)(const void *)h)->slots;
}

unsigned
stub_host_free_slots(const struct ccpool_host *h)
{
	return ((const struct stub_host *)(const void *)h)->free;
}

static void
test_capacity(void)
{
	const struct ccpool_mon *m = (const struct ccpool_mon *)(void *)hosts;
	unsigned	 s = 99, f = 99, j = 99;

	nhosts = 0;
	stub_ncpu = 4;
	ccpool_mon_capacity(m, &s, &f, &j);
	CU_ASSERT_EQUAL(s, 0);
	CU_ASSERT_EQUAL(f, 0);
	CU_ASSERT_EQUAL(j, 4);
	hosts[0] = (struct stub_host){ 1, 8, 3 };
	hosts[1] = (struct stub_host){ 0, 16, 16 };	/* untrusted */
	hosts[2] = (struct stub_host){ 1, 4, 4 };
	hosts[3] = (struct stub_host){ 0, 2, 2 };	/* a distccd */
	nhosts = 4;
	ccpool_mon_capacity(m, &s, &f, &j);
	CU_ASSERT_EQUAL(s, 12);
	CU_ASSERT_EQUAL(f, 7);
	CU_ASSERT_EQUAL(j, 16);
	ccpool_mon_capacity(m, NULL, NULL, &j);
	CU_ASSERT_EQUAL(j, 16);
	/* no CPU known, nothing usable: still 1 */
	stub_ncpu = -1;
	nhosts = 0;
	ccpool_mon_capacity(m, &s, NULL, &j);
	CU_ASSERT_EQUAL(j, 1);
	ccpool_mon_capacity(NULL, &s, &f, &j);
	CU_ASSERT_EQUAL(s, 0);
	CU_ASSERT_EQUAL(j, 1);
}

int
init_cpl_cap_tests(void)
{
	CU_pSuite s = CU_add_suite("cpl_cap", NULL, NULL);

	if (s == NULL ||
	    CU_add_test(s, "usable slots and the -j", test_capacity) == NULL)
		return -1;
	return 0;
}
