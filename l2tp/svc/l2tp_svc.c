/*
 * l2tp_svc.c - the L2TP service's entry (l2tp_svc.h): puts the parts
 * together in their order. Kept apart from svc.c so that nothing the
 * parts call (svc.c) calls back into them: the calls between svc.c,
 * conf.c, show.c and the checkpoint client (ha*.c) go one way.
 */
#include "svc_local.h"
#include "svc_counters.h"
#include "sub_local.h"

int
l2tp_svc_init(struct ev_loop *loop)
{
	if (svc_init(loop) == -1)
		return -1;
	svc_conf_register();
	svc_show_register();
	ha_init();		/* registers its svc hooks */
	sub_register();		/* the subscriber part (PPP), its hooks */
	svc_metrics_register();
	svc_cmds_register();
	return 0;
}

int
l2tp_svc_stop(void (*done)(void))
{
	return sub_acct_off(done);
}
