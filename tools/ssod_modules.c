/*
 * ssod_modules.c - modules linked into ssod beyond the core: the L2TP
 * service (l2tp/svc/l2tp_svc.h).
 */
#include "ssod_modules.h"
#include "l2tp_svc.h"

int
ssod_modules_init(struct ev_loop *loop)
{
	return l2tp_svc_init(loop);
}

int
ssod_modules_start(struct ev_loop *loop)
{
	return l2tp_svc_start();
}

int
ssod_modules_stop(void (*done)(void))
{
	return l2tp_svc_stop(done);
}
