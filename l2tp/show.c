/*
 * show.c - L2TP/VPDN show, clear and debug commands. Read-only except
 * clear. JSON field names are stable (README "L2TP commands").
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "svc_local.h"
#include "svc_counters.h"

static struct sso_debug dbg_errors = { .name = "l2tp errors" };

static void
tunnel_json(struct sso_json *j, struct l2tp_tunnel *t)
{
	struct l2tp_tunnel_info ti;
	struct l2tp_ctrl_state cs;
	char a[64];
	unsigned port;

	l2tp_tunnel_get_info(t, &ti);
	l2tp_ctrl_export(t, &cs);
	sso_json_obj(j);
	sso_json_ku64(j, "local_id", ti.local_tid);
	sso_json_ku64(j, "remote_id", ti.remote_tid);
	sso_json_kstr(j, "remote_name", ti.peer_name);
	sso_json_kstr(j, "peer_address", svc_sockaddr_text(
	    (struct sockaddr *)&ti.peer, a, sizeof(a), &port));
	sso_json_ku64(j, "peer_port", port);
	sso_json_kstr(j, "state", l2tp_tunnel_state_names[ti.state]);
	sso_json_ku64(j, "ns", cs.ns_next);
	sso_json_ku64(j, "nr", cs.nr_wire);
	sso_json_ku64(j, "sessions", ti.sessions);
	sso_json_kstr(j, "group", ti.group);
	sso_json_kbool(j, "initiator", ti.initiator);
	sso_json_ku64(j, "unacked", cs.unacked);
	sso_json_ku64(j, "receive_window", cs.rx_window);
	sso_json_ku64(j, "peer_receive_window", cs.peer_rx_window);
	sso_json_kbool(j, "peer_failover_capable", ti.peer_failover);
	sso_json_kbool(j, "ha_enabled", ha_tunnel_protected(t));
	sso_json_obj_end(j);
}

static void
tunnel_text(struct sso_wbuf *b, struct l2tp_tunnel *t)
{
	struct l2tp_tunnel_info ti;
	struct l2tp_ctrl_state cs;
	char a[64];
	unsigned port;

	l2tp_tunnel_get_info(t, &ti);
	l2tp_ctrl_export(t, &cs);
	svc_sockaddr_text((struct sockaddr *)&ti.peer, a, sizeof(a), &port);
	sso_wbuf_printf(b, "%-8u %-8u %-16.16s %-11s %-15s %5u %5u %5u %4u/%-4u "
	    "%-3s %s\n", ti.local_tid, ti.remote_tid, ti.peer_name,
	    l2tp_tunnel_state_names[ti.state], a, port,
	    ti.sessions, cs.ns_next, cs.nr_wire, cs.rx_window,
	    ha_tunnel_protected(t) ? "yes" : "no", ti.group);
}

static int
show_tunnels(struct sso_reply *r, struct l2tp_tunnel *only)
{
	struct l2tp_tunnel *t;
	struct sso_json j;

	if (r->json) {
		sso_json_init(&j, &r->out);
		sso_json_obj(&j);
		sso_json_ku64(&j, "total", l2tp_tunnel_count(svc.ctx));
		sso_json_key(&j, "tunnels");
		sso_json_arr(&j);
	} else
		sso_wbuf_printf(&r->out, "L2TP Tunnel Information Total tunnels "
		    "%zu\n\n%-8s %-8s %-16s %-11s %-15s %5s %5s %5s %9s %-3s "
		    "%s\n", l2tp_tunnel_count(svc.ctx), "LocTunID", "RemTunID",
		    "Remote Name", "State", "Remote Address", "Port", "Sessn",
		    "Ns", "Nr/RxWin", "HA", "VPDN Group");
	for (t = only ? only : l2tp_tunnel_next(svc.ctx, NULL); t;
	    t = only ? NULL : l2tp_tunnel_next(svc.ctx, t)) {
		if (r->json)
			tunnel_json(&j, t);
		else
			tunnel_text(&r->out, t);
	}
	if (r->json) {
		sso_json_arr_end(&j);
		sso_json_obj_end(&j);
	}
	return SSO_RC_OK;
}

static int
cmd_tunnel(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct l2tp_tunnel *t = NULL;

	if (a->n == 1 && (t = l2tp_tunnel_find(svc.ctx, (uint16_t)a->u[0]))
	    == NULL)
		return sso_reply_err(r, SSO_RC_ERROR, "%% No tunnel %u",
		    a->u[0]);
	return show_tunnels(r, t);
}

static void
session_out(struct sso_reply *r, struct sso_json *j, struct l2tp_session *s)
{
	struct l2tp_session_info si;

	l2tp_session_get_info(s, &si);
	if (r->json) {
		sso_json_obj(j);
		sso_json_ku64(j, "local_id", si.local_sid);
		sso_json_ku64(j, "remote_id", si.remote_sid);
		sso_json_ku64(j, "tunnel_id", si.local_tid);
		sso_json_ku64(j, "remote_tunnel_id", si.remote_tid);
		sso_json_kstr(j, "state", l2tp_session_state_names[si.state]);
		sso_json_ku64(j, "rx_packets", si.rx_pkts);
		sso_json_ku64(j, "tx_packets", si.tx_pkts);
		sso_json_ku64(j, "rx_bytes", si.rx_bytes);
		sso_json_ku64(j, "tx_bytes", si.tx_bytes);
		sso_json_ku64(j, "rx_errors", si.rx_errors);
		sso_json_ku64(j, "call_serial", si.call_serial);
		sso_json_obj_end(j);
	} else
		sso_wbuf_printf(&r->out, "%-8u %-8u %-8u %-14s %10llu %10llu "
		    "%6u\n", si.local_sid, si.remote_sid, si.local_tid,
		    l2tp_session_state_names[si.state],
		    (unsigned long long)si.rx_pkts,
		    (unsigned long long)si.tx_pkts, si.rx_errors);
}

static size_t
session_count(void)
{
	struct l2tp_tunnel *t;
	size_t n = 0;

	for (t = l2tp_tunnel_next(svc.ctx, NULL); t;
	    t = l2tp_tunnel_next(svc.ctx, t))
		n += l2tp_tunnel_session_count(t);
	return n;
}

static int
cmd_session(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct l2tp_tunnel *t;
	struct l2tp_session *s;
	struct sso_json j;
	size_t n = 0;

	if (a->n == 2 && (s = l2tp_session_find(svc.ctx, (uint16_t)a->u[0],
	    (uint16_t)a->u[1])) == NULL)
		return sso_reply_err(r, SSO_RC_ERROR, "%% No session %u/%u",
		    a->u[0], a->u[1]);
	n = session_count();
	if (r->json) {
		sso_json_init(&j, &r->out);
		sso_json_obj(&j);
		sso_json_ku64(&j, "total", n);
		sso_json_key(&j, "sessions");
		sso_json_arr(&j);
	} else
		sso_wbuf_printf(&r->out, "L2TP Session Information Total "
		    "sessions %zu\n\n%-8s %-8s %-8s %-14s %10s %10s %6s\n", n,
		    "LocID", "RemID", "TunID", "State", "RxPkts", "TxPkts",
		    "RxErr");
	if (a->n == 2)
		session_out(r, &j, l2tp_session_find(svc.ctx,
		    (uint16_t)a->u[0], (uint16_t)a->u[1]));
	else
		for (t = l2tp_tunnel_next(svc.ctx, NULL); t;
		    t = l2tp_tunnel_next(svc.ctx, t))
			for (s = l2tp_session_next(t, NULL); s;
			    s = l2tp_session_next(t, s))
				session_out(r, &j, s);
	if (r->json) {
		sso_json_arr_end(&j);
		sso_json_obj_end(&j);
	}
	return SSO_RC_OK;
}

size_t
svc_counters(struct svc_counter *c)
{
	const struct l2tp_stats *st = l2tp_ctx_stats(svc.ctx);
	const struct svc_counter t[] = {
		{ "rx_control", "control messages received", st->rx_ctrl },
		{ "tx_control", "control messages sent", st->tx_ctrl },
		{ "rx_zlb", "ZLB acknowledgements received", st->rx_zlb },
		{ "tx_zlb", "ZLB acknowledgements sent", st->tx_zlb },
		{ "retransmits", "control messages retransmitted",
		    st->retransmits },
		{ "rx_data", "data packets received", st->rx_data },
		{ "tx_data", "data packets sent", st->tx_data },
		{ "avp_ignored", "unknown AVPs without the M bit ignored",
		    st->avp_ignored },
		{ "avp_hidden", "hidden AVPs decoded", st->avp_hidden },
		{ "tunnels_created", "tunnels created", st->tunnels_created },
		{ "tunnels_freed", "tunnels freed", st->tunnels_freed },
		{ "sessions_created", "sessions created",
		    st->sessions_created },
		{ "sessions_freed", "sessions freed", st->sessions_freed },
		{ "calls_refused_resync", "calls refused during HA resync",
		    svc.calls_refused_resync },
		{ "bind_failures", "failed binds of the service socket",
		    svc.bind_failures },
	};
	size_t n = sizeof(t) / sizeof(t[0]);

	_Static_assert(sizeof(t) / sizeof(t[0]) <= SVC_NCOUNTERS,
	    "SVC_NCOUNTERS too small");
	memcpy(c, t, sizeof(t));
	return n;
}

static int
cmd_counters(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	const struct l2tp_stats *st = l2tp_ctx_stats(svc.ctx);
	struct svc_counter c[SVC_NCOUNTERS];
	size_t i, n = svc_counters(c);
	struct sso_json j;

	if (r->json) {
		sso_json_init(&j, &r->out);
		sso_json_obj(&j);
		for (i = 0; i < n; i++)
			sso_json_ku64(&j, c[i].name, c[i].v);
		sso_json_key(&j, "drops");
		sso_json_obj(&j);
		for (i = 0; i < L2TP_DROP_MAX; i++)
			sso_json_ku64(&j, l2tp_drop_names[i], st->drops[i]);
		sso_json_obj_end(&j);
		sso_json_key(&j, "tunnels_refused");
		sso_json_obj(&j);
		for (i = 0; i < SVC_REFUSE_MAX; i++)
			sso_json_ku64(&j, svc_refusal_names[i],
			    svc_refusals[i]);
		sso_json_obj_end(&j);
		sso_json_obj_end(&j);
		return SSO_RC_OK;
	}
	sso_wbuf_printf(&r->out, "L2TP counters:\n");
	for (i = 0; i < n; i++)
		sso_wbuf_printf(&r->out, "  %-22s %llu\n", c[i].name,
		    (unsigned long long)c[i].v);
	sso_wbuf_printf(&r->out, "Dropped packets, by reason:\n");
	for (i = 0; i < L2TP_DROP_MAX; i++)
		sso_wbuf_printf(&r->out, "  %-22s %llu\n", l2tp_drop_names[i],
		    (unsigned long long)st->drops[i]);
	sso_wbuf_printf(&r->out, "Refused tunnels, by reason:\n");
	for (i = 0; i < SVC_REFUSE_MAX; i++)
		sso_wbuf_printf(&r->out, "  %-22s %llu\n", svc_refusal_names[i],
		    (unsigned long long)svc_refusals[i]);
	return SSO_RC_OK;
}

static int
cmd_vpdn(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	size_t sessions = session_count();
	struct sso_json j;

	if (r->json) {
		sso_json_init(&j, &r->out);
		sso_json_obj(&j);
		sso_json_kbool(&j, "vpdn_enabled", svc.vpdn_enabled);
		sso_json_kbool(&j, "listening", svc.listening);
		sso_json_ku64(&j, "tunnels", l2tp_tunnel_count(svc.ctx));
		sso_json_ku64(&j, "sessions", sessions);
		sso_json_obj_end(&j);
		return SSO_RC_OK;
	}
	sso_wbuf_printf(&r->out, "%% Active L2TP tunnels = %zu, sessions = "
	    "%zu (VPDN %s, service socket %s)\n\n", l2tp_tunnel_count(svc.ctx),
	    sessions, svc.vpdn_enabled ? "enabled" : "disabled",
	    svc.listening ? "bound" : "not bound on this unit");
	return show_tunnels(r, NULL);
}

static int
cmd_history(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	unsigned i, start = svc.nfail > SVC_FAILHIST ? svc.nfail -
	    SVC_FAILHIST : 0;
	struct sso_json j;

	if (r->json) {
		sso_json_init(&j, &r->out);
		sso_json_obj(&j);
		sso_json_key(&j, "failures");
		sso_json_arr(&j);
	} else
		sso_wbuf_printf(&r->out, "%% VPDN user failure table: %u "
		    "entries\n", svc.nfail - start);
	for (i = start; i < svc.nfail; i++) {
		struct svc_failure *f = &svc.fail[i % SVC_FAILHIST];
		time_t tt = (time_t)(f->wall_ms / 1000);
		struct tm tm;
		char tb[32];

		if (r->json) {
			sso_json_obj(&j);
			sso_json_ku64(&j, "time_ms", f->wall_ms);
			sso_json_ku64(&j, "tunnel_id", f->tid);
			sso_json_ku64(&j, "session_id", f->sid);
			sso_json_kstr(&j, "peer", f->peer);
			sso_json_kstr(&j, "reason", f->reason);
			sso_json_obj_end(&j);
			continue;
		}
		localtime_r(&tt, &tm);
		strftime(tb, sizeof(tb), "%b %d %H:%M:%S", &tm);
		sso_wbuf_printf(&r->out, "%s tunnel %u peer %s: %s\n", tb,
		    f->tid, f->peer[0] ? f->peer : "-", f->reason);
	}
	if (r->json) {
		sso_json_arr_end(&j);
		sso_json_obj_end(&j);
	}
	return SSO_RC_OK;
}

static int
cmd_clear_tunnel(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct l2tp_tunnel *t = l2tp_tunnel_find(svc.ctx, (uint16_t)a->u[0]);

	if (t == NULL)
		return sso_reply_err(r, SSO_RC_ERROR, "%% No tunnel %u",
		    a->u[0]);
	if (l2tp_tunnel_clear(t, L2TP_STOPCCN_CLEAR, 0, "administratively "
	    "cleared") == -1)
		return sso_reply_err(r, SSO_RC_ERROR, "%% Cannot clear");
	sso_wbuf_printf(&r->out, r->json ? "{\"result\":\"cleared\"}" :
	    "tunnel %u cleared (StopCCN sent)\n", a->u[0]);
	return SSO_RC_OK;
}

static int
cmd_clear_session(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct l2tp_session *s = l2tp_session_find(svc.ctx, (uint16_t)a->u[0],
	    (uint16_t)a->u[1]);

	if (s == NULL)
		return sso_reply_err(r, SSO_RC_ERROR, "%% No session %u/%u",
		    a->u[0], a->u[1]);
	if (l2tp_session_clear(s, L2TP_CDN_ADMIN, 0, "administratively "
	    "cleared") == -1)
		return sso_reply_err(r, SSO_RC_ERROR, "%% Cannot clear");
	sso_wbuf_printf(&r->out, r->json ? "{\"result\":\"cleared\"}" :
	    "session %u/%u cleared (CDN sent)\n", a->u[0], a->u[1]);
	return SSO_RC_OK;
}

static int
cmd_debug(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	const char *kw = a->s[0] + strlen("l2tp ");
	int on = arg != NULL;

	/* a->s[0] is a registered category's name ("l2tp packets") */
	sso_debug_set(a->s[0], on);
	sso_wbuf_printf(&r->out, r->json ? "{\"debug\":\"%s\",\"on\":%s}" :
	    "L2TP %s debugging is %s\n", kw, on ? "true" : "false");
	return SSO_RC_OK;
}

void
svc_show_register(void)
{
	sso_debug_register(&dbg_errors);
	sso_cmd_register("show l2tp tunnel", cmd_tunnel, NULL);
	sso_cmd_register("show l2tp tunnel all", cmd_tunnel, NULL);
	sso_cmd_register("show l2tp tunnel id <uint:1-65535>", cmd_tunnel,
	    NULL);
	sso_cmd_register("show l2tp session", cmd_session, NULL);
	sso_cmd_register("show l2tp session all", cmd_session, NULL);
	sso_cmd_register("show l2tp session id <uint:1-65535> "
	    "<uint:1-65535>", cmd_session, NULL);
	sso_cmd_register("show l2tp counters", cmd_counters, NULL);
	sso_cmd_register("show vpdn", cmd_vpdn, NULL);
	sso_cmd_register("show vpdn history failure", cmd_history, NULL);
	sso_cmd_register("clear l2tp tunnel id <uint:1-65535>",
	    cmd_clear_tunnel, NULL);
	sso_cmd_register("clear l2tp session id <uint:1-65535> "
	    "<uint:1-65535>", cmd_clear_session, NULL);
	/* the registered "l2tp ..." debug categories (cmd.h <debug:>) */
	sso_cmd_register("debug l2tp <debug:l2tp>", cmd_debug, &svc);
	sso_cmd_register("undebug l2tp <debug:l2tp>", cmd_debug, NULL);
	ha_show_register();
}
