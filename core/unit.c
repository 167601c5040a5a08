/*
 * unit.c - routes the frames the transport received to rf.c and cf.c by
 * frame type: the owner side of struct sso_chan_ops. The daemon
 * registers sso_unit_chan_ops with chan.c; the unit tests call it from
 * their in-memory transport. Above rf.c and cf.c, which never call it.
 */
#include "sso_local.h"

static void
unit_rx(void *arg, enum sso_link l, Sso__Frame *f)
{
	(void)arg;
	if (f->unit == sso.conf.unit) {
		sso_chan_bad(SSO_BAD_UNIT, "frame claims our own unit number");
		return;
	}
	if (f->type == SSO__FRAME_TYPE__FT_GOODBYE) {
		sso_rf_rx_goodbye(f);	/* sent on both links */
		return;
	}
	if (l == SSO_LINK_KA) {
		if (f->type != SSO__FRAME_TYPE__FT_KEEPALIVE) {
			sso_chan_bad(SSO_BAD_TYPE, "non-keepalive on KA link");
			return;
		}
		sso_rf_rx_keepalive(f);
		return;
	}
	switch (f->type) {
	case SSO__FRAME_TYPE__FT_HELLO:
	case SSO__FRAME_TYPE__FT_RECORDS:
	case SSO__FRAME_TYPE__FT_ACK:
	case SSO__FRAME_TYPE__FT_STANDBY_FAULT:
		sso_cf_rx(f);
		break;
	case SSO__FRAME_TYPE__FT_SWITCHOVER:
	case SSO__FRAME_TYPE__FT_RELOAD:
		sso_rf_rx_control(f);
		break;
	default:
		sso_chan_bad(SSO_BAD_TYPE, "keepalive on checkpoint link");
		break;
	}
}

static void
unit_writable(void *arg, enum sso_link l)
{
	(void)arg;
	if (l == SSO_LINK_CF)
		sso_cf_writable();
}

static void
unit_peer_process_gone(void *arg, uint64_t boot_id, const char *why)
{
	(void)arg;
	sso_rf_peer_process_gone(boot_id, why);
}

const struct sso_chan_ops sso_unit_chan_ops = {
	.rx_frame = unit_rx,
	.writable = unit_writable,
	.peer_process_gone = unit_peer_process_gone,
};
