#include "runner.h"
#include "pair.h"
void sso_test_register(void) {}
