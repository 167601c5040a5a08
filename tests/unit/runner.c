/*
 * runner.c - main() for every CUnit suite, see runner.h.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "runner.h"

static int
run_one(const char *full)
{
	char suite[256];
	const char *slash = strchr(full, '/');
	CU_pSuite s;
	CU_pTest t;

	if (slash == NULL || (size_t)(slash - full) >= sizeof(suite)) {
		fprintf(stderr, "bad test name %s\n", full);
		return -1;
	}
	memcpy(suite, full, (size_t)(slash - full));
	suite[slash - full] = '\0';
	if ((s = CU_get_suite(suite)) == NULL ||
	    (t = CU_get_test(s, slash + 1)) == NULL) {
		fprintf(stderr, "no test %s\n", full);
		return -1;
	}
	return CU_basic_run_test(s, t) == CUE_SUCCESS ? 0 : -1;
}

int
main(int argc, char **argv)
{
	unsigned failed;
	int rc = 0;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	sso_test_register();
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (argc > 1 && strcmp(argv[1], "--list") == 0) {
		CU_pSuite s;
		CU_pTest t;

		for (s = CU_get_registry()->pSuite; s; s = s->pNext)
			for (t = s->pTest; t; t = t->pNext)
				printf("%s/%s\n", s->pName, t->pName);
		CU_cleanup_registry();
		return 0;
	}
	if (argc > 1)
		rc = run_one(argv[1]);
	else
		CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	if (CU_get_run_summary()->nTestsRun == 0)
		rc = -1;
	CU_cleanup_registry();
	return (rc == 0 && failed == 0) ? 0 : 1;
}
