/*
 * ssod_modules.c - hooks for modules linked into ssod beyond the core.
 * The L2TP service registers here once it is integrated.
 */
#include "ssod_modules.h"

int
ssod_modules_init(struct ev_loop *loop)
{
	return 0;
}

int
ssod_modules_start(struct ev_loop *loop)
{
	return 0;
}
