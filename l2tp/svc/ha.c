/*
 * ha.c - the L2TP checkpoint client's wiring (DESIGN.md "L2TP over SSO"):
 * the debug categories, the cf client (bulk and flow control from the
 * active room, apply and reset from the standby room, the clients line
 * from the show room), the RF hook that owns the service endpoint, and
 * the svc hooks through which the service reports engine events and its
 * socket being bound (svc.c never calls us by name). The rooms are
 * described in ha_local.h.
 */
#include <string.h>

#include "ha_local.h"

struct sso_debug ha_dbg_cf = { .name = "l2tp redundancy cf" };
struct sso_debug ha_dbg_detail = { .name = "l2tp redundancy detail" };
struct sso_debug ha_dbg_error = { .name = "l2tp redundancy error" };
struct sso_debug ha_dbg_event = { .name = "l2tp redundancy event" };
struct sso_debug ha_dbg_fsm = { .name = "l2tp redundancy fsm" };
struct sso_debug ha_dbg_resync = { .name = "l2tp redundancy resync" };
struct sso_debug ha_dbg_rf = { .name = "l2tp redundancy rf" };
static struct sso_debug *const dbgs[] = { &ha_dbg_cf, &ha_dbg_detail,
    &ha_dbg_error, &ha_dbg_event, &ha_dbg_fsm, &ha_dbg_resync, &ha_dbg_rf };

/* ---- RF events ---- */

static void
ha_rf_event_cb(void *arg, enum sso_rf_event ev, enum sso_rf_state n,
    enum sso_rf_state o)
{
	SSO_DEBUG(&ha_dbg_rf, SVC_FAC, "RF event %d: %s -> %s", ev,
	    sso_rf_state_name(o), sso_rf_state_name(n));
	switch (ev) {
	case SSO_EV_STATE:
		if (SSO_RF_IS_STANDBY(n))
			svc.was_standby = 1;
		/* active from any state: own the service endpoint */
		if (SSO_RF_IS_ACTIVE(n) && !SSO_RF_IS_ACTIVE(o))
			(void)svc_listen();
		break;
	case SSO_EV_QUIESCE:
		/* manual switchover requested: from now on control
		 * messages are left to the successor (the peer retransmits
		 * them to it), so no call is refused while the checkpoint
		 * queue drains; data still passes here */
	case SSO_EV_HANDOVER:
		/* the new active takes the endpoint beside us; data still
		 * passes here until it has */
		svc_handover(1);
		break;
	case SSO_EV_UNQUIESCE:
		svc_handover(0);
		break;
	case SSO_EV_HANDED_OVER:
		svc_unlisten();		/* what is queued here first */
		break;
	case SSO_EV_COLD_TAKEOVER:
		ha_reset(NULL);
		break;
	default:
		break;
	}
}

/* ---- what the service reports ---- */

static void
ha_svc_event(void *arg, enum svc_event ev)
{
	switch (ev) {
	case SVC_EV_SOCKET_BOUND:
		ha_takeover();		/* rebuild + resync, if we hold a copy */
		break;
	default:
		break;
	}
}

static const struct svc_hooks ha_svc_hooks = {
	.event = ha_svc_event,
	.tunnel_event = ha_tunnel_event,
	.session_changed = ha_session_changed,
	.ckpt_send = ha_ckpt_send,
	.ckpt_ack = ha_ckpt_ack,
};

static int
ha_handover_busy(void *arg)
{
	(void)arg;
	return ha_parts_busy();
}

static const struct sso_client_ops ha_ops = {
	.id = HA_CLIENT_ID,
	.name = "l2tp",
	.priority = 50,
	.ver_min = HA_VER_MIN,
	.ver_max = HA_VER_MAX,
	.phase = SSO_PHASE_BULK,
	.bulk = ha_bulk,
	.apply = ha_apply,
	.reset = ha_reset,
	.rf_event = ha_rf_event_cb,
	.flow_on = ha_flow_on,
	.show = ha_show_client,
	.handover_busy = ha_handover_busy,
};

void
ha_init(void)
{
	size_t i;

	for (i = 0; i < sizeof(dbgs) / sizeof(dbgs[0]); i++)
		sso_debug_register(dbgs[i]);
	ha_standby_init();
	ha_active_init();
	ha_client = sso_cf_register(&ha_ops, NULL);
	svc_hooks_register(&ha_svc_hooks, NULL);
}

/* ---- read-only statistics for the metrics collector (svc_counters.h) */

void
ha_get_stats(struct svc_ha_stats *s)
{
	struct ha_active_stats a;
	struct ha_standby_stats sb;
	struct ha_resync_stats rs;

	ha_active_stats(&a);
	ha_standby_stats(&sb);
	ha_resync_stats(&rs);
	memset(s, 0, sizeof(*s));
	s->rx_records = sb.rx_records;
	s->tx_records = a.tx_records;
	s->sync_waits = a.sync_waits;
	s->deferred = a.deferred;
	s->apply_errors = sb.apply_errors;
	s->restore_fail = rs.restore_fail;
	s->unprotected = a.unprotected;
	s->rs_success = rs.rs_success;
	s->rs_fail = rs.rs_fail;
	s->fo_success = rs.fo_success;
	s->fo_fail = rs.fo_fail;
	s->rs_duration_ms = rs.duration_ms;
	s->rs_outstanding = rs.outstanding;
	s->sb_tunnels = sb.tunnels;
	s->rs_running = rs.running;
}
