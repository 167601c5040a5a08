/*
 * runner.h - shared CUnit main for every unit suite.
 * A suite file defines sso_test_register(), which adds its suites and tests.
 * The runner: `--list` prints "Suite/Test" names, one per line; a name runs
 * just that test; no argument runs everything. The exit status is non-zero
 * when any assertion failed (counted before the registry is cleaned up,
 * since CU_basic_run_* itself reports success).
 */
#ifndef SSO_TEST_RUNNER_H
#define SSO_TEST_RUNNER_H

#include <CUnit/CUnit.h>

void	sso_test_register(void);

#endif
