/*
 * runner.c - the one CUnit runner.  Registers every suite listed in
 * tests/unit/suites.h and runs them; the exit status is the number of
 * failed assertions (0: all passed), capped at 255.
 *
 * Usage: runner [suite-name]   (run only that suite)
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "tests/unit/suites.h"

int
main(int argc, char *argv[])
{
	unsigned int failures;

	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "runner: %s\n", CU_get_error_msg());
		return 255;
	}
#define X(m)								\
	if (init_##m##_tests() != 0) {					\
		fprintf(stderr, "runner: cannot register %s: %s\n", #m,	\
		    CU_get_error_msg());				\
		CU_cleanup_registry();					\
		return 255;						\
	}
	UNIT_SUITES
#undef X
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (argc > 1) {
		CU_pSuite s = CU_get_suite(argv[1]);
		if (s == NULL) {
			fprintf(stderr, "runner: no suite %s\n", argv[1]);
			CU_cleanup_registry();
			return 255;
		}
		CU_basic_run_suite(s);
	} else
		CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures > 255 ? 255 : (int)failures;
}
