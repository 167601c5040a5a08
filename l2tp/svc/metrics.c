/*
 * metrics.c - the L2TP service's Prometheus collector (core/metrics.h):
 * tunnels and sessions by state, every counter of `show l2tp counters`,
 * drops and refusals by reason, and the HA resync statistics of
 * `show l2tp redundancy`. Runs on the loop thread like a show command.
 */
#include <stdio.h>
#include <string.h>

#include "svc_local.h"
#include "svc_counters.h"
#include "metrics.h"

static void
collect_objects(struct sso_mw *w)
{
	uint64_t tun[L2TP_TS_MAX] = { 0 }, ses[L2TP_SS_MAX] = { 0 };
	struct l2tp_tunnel *t;
	struct l2tp_session *s;
	int i;

	for (t = l2tp_tunnel_next(svc.ctx, NULL); t;
	    t = l2tp_tunnel_next(svc.ctx, t)) {
		struct l2tp_tunnel_info ti;

		l2tp_tunnel_get_info(t, &ti);
		if (ti.state < L2TP_TS_MAX)
			tun[ti.state]++;
		for (s = l2tp_session_next(t, NULL); s;
		    s = l2tp_session_next(t, s)) {
			struct l2tp_session_info si;

			l2tp_session_get_info(s, &si);
			if (si.state < L2TP_SS_MAX)
				ses[si.state]++;
		}
	}
	sso_mw_family(w, "ssod_l2tp_tunnels", SSO_METRIC_GAUGE, "L2TP tunnels "
	    "held by the engine, by state (the active's)");
	for (i = 0; i < L2TP_TS_MAX; i++)
		sso_mw_sample(w, tun[i], "state", l2tp_tunnel_state_names[i],
		    NULL);
	sso_mw_family(w, "ssod_l2tp_sessions", SSO_METRIC_GAUGE, "L2TP "
	    "sessions held by the engine, by state");
	for (i = 0; i < L2TP_SS_MAX; i++)
		sso_mw_sample(w, ses[i], "state", l2tp_session_state_names[i],
		    NULL);
	sso_mw_gauge(w, "ssod_l2tp_listening", "1 while this unit owns the "
	    "L2TP service socket", (uint64_t)(svc.listening != 0));
}

static void
collect_counters(struct sso_mw *w)
{
	const struct l2tp_stats *st = l2tp_ctx_stats(svc.ctx);
	struct svc_counter c[SVC_NCOUNTERS];
	size_t i, n = svc_counters(c);
	char name[96];

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "ssod_l2tp_%s_total", c[i].name);
		sso_mw_counter(w, name, c[i].help, c[i].v);
	}
	sso_mw_family(w, "ssod_l2tp_drops_total", SSO_METRIC_COUNTER, "L2TP "
	    "datagrams dropped, by reason (show l2tp counters)");
	for (i = 0; i < L2TP_DROP_MAX; i++)
		sso_mw_sample(w, st->drops[i], "reason", l2tp_drop_names[i],
		    NULL);
	sso_mw_family(w, "ssod_l2tp_tunnels_refused_total",
	    SSO_METRIC_COUNTER, "SCCRQs refused by the vpdn-group rules, by "
	    "reason");
	for (i = 0; i < SVC_REFUSE_MAX; i++)
		sso_mw_sample(w, svc_refusals[i], "reason",
		    svc_refusal_names[i], NULL);
}

static void
collect_ha(struct sso_mw *w)
{
	struct svc_ha_stats h;
	size_t i;

	ha_get_stats(&h);
	const struct { const char *name, *help; uint64_t v; } c[] = {
		{ "ssod_l2tp_ha_records_sent_total", "L2TP checkpoint records "
		    "sent (active)", h.tx_records },
		{ "ssod_l2tp_ha_records_received_total", "L2TP checkpoint "
		    "records received (standby)", h.rx_records },
		{ "ssod_l2tp_ha_checkpoint_waits_total", "sends and acks that "
		    "waited for the standby", h.sync_waits },
		{ "ssod_l2tp_ha_checkpoints_deferred_total", "checkpoints "
		    "deferred by back-pressure", h.deferred },
		{ "ssod_l2tp_ha_apply_errors_total", "records the standby could "
		    "not apply", h.apply_errors },
		{ "ssod_l2tp_ha_restore_failures_total", "tunnels a new active "
		    "could not restore", h.restore_fail },
		{ "ssod_l2tp_ha_unprotected_total", "tunnels up in a group "
		    "without SSO", h.unprotected },
		{ "ssod_l2tp_resync_success_total", "tunnels resynchronised "
		    "after a takeover", h.rs_success },
		{ "ssod_l2tp_resync_fail_total", "tunnels lost during resync",
		    h.rs_fail },
		{ "ssod_l2tp_rfc4951_recovery_success_total", "RFC 4951 "
		    "recoveries that succeeded", h.fo_success },
		{ "ssod_l2tp_rfc4951_recovery_fail_total", "RFC 4951 "
		    "recoveries that failed", h.fo_fail },
	};

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		sso_mw_counter(w, c[i].name, c[i].help, c[i].v);
	sso_mw_gauge(w, "ssod_l2tp_resync_in_progress", "1 while tunnels "
	    "are resynchronising after a takeover",
	    (uint64_t)(h.rs_running != 0));
	sso_mw_gauge(w, "ssod_l2tp_resync_outstanding", "tunnels probing "
	    "their peer right now", h.rs_outstanding);
	sso_mw_gauge(w, "ssod_l2tp_resync_duration_milliseconds", "duration "
	    "of the last (or running) resync", h.rs_duration_ms);
	sso_mw_gauge(w, "ssod_l2tp_standby_tunnels", "tunnels in the "
	    "standby copy (standby)", h.sb_tunnels);
}

static void
collect(void *arg, struct sso_mw *w)
{
	collect_objects(w);
	collect_counters(w);
	collect_ha(w);
}

static const struct sso_metrics_ops l2tp_metrics_ops = {
	.name = "l2tp",
	.collect = collect,
};

void
svc_metrics_register(void)
{
	(void)sso_metrics_register(&l2tp_metrics_ops, NULL);
}
