/*
 * ha_show.c - `show l2tp redundancy` (summary, all, detail, id), its
 * debug commands, and the l2tp line of `show redundancy clients`: read
 * only, from the snapshots the other rooms export.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ha_local.h"

/* the counters of the three rooms, read once per reply */
struct ha_snap {
	struct ha_active_stats a;
	struct ha_standby_stats sb;
	struct ha_resync_stats rs;
};

static void
snap(struct ha_snap *x)
{
	ha_active_stats(&x->a);
	ha_standby_stats(&x->sb);
	ha_resync_stats(&x->rs);
}

/* DESIGN.md rule 7: RFC 4951 only where both sides advertised C */
static const char *
ha_support_of(const char *group, int peer_failover, uint16_t flags)
{
	struct svc_group *g = svc_group_find(group);

	return g != NULL && g->g.failover && peer_failover &&
	    (flags & L2TP_FAILOVER_CAP_C) ? "RFC 4951 Failover" :
	    "Silent Failover";
}

struct ha_counts {
	uint64_t	 tun_total, tun_en, tun_est, tun_rs;
	uint64_t	 ses_total, ses_en, ses_est;
};

static void
count(struct ha_counts *c)
{
	struct l2tp_tunnel *t;
	unsigned i;

	memset(c, 0, sizeof(*c));
	if (SSO_RF_IS_STANDBY(sso_rf_state())) {
		/* the copy: everything in it is HA-enabled and -established
		 * (the standby has no unprotected tunnels to total) */
		for (i = 1; i < 65536; i++)
			if (ha_sb_get(i)) {
				c->tun_en++;
				c->ses_en += ha_sb_get(i)->nsess;
				c->ses_est += ha_sb_get(i)->nsess_est;
			}
		c->tun_est = c->tun_en;
		return;
	}
	for (t = l2tp_tunnel_next(svc.ctx, NULL); t;
	    t = l2tp_tunnel_next(svc.ctx, t)) {
		struct l2tp_tunnel_info ti;
		struct ha_t *h = ha_of(t);
		struct l2tp_session *s;

		l2tp_tunnel_get_info(t, &ti);
		c->tun_total++;
		c->ses_total += ti.sessions;
		if (h == NULL)
			continue;
		c->tun_en++;
		c->tun_est += (h->rs == RS_NONE);
		c->tun_rs += (h->rs != RS_NONE);
		for (s = l2tp_session_next(t, NULL); s;
		    s = l2tp_session_next(t, s)) {
			struct l2tp_session_info si;

			l2tp_session_get_info(s, &si);
			c->ses_en++;
			c->ses_est += (si.state == L2TP_SS_ESTABLISHED);
		}
	}
}

static void
summary(struct sso_reply *r, struct sso_json *j)
{
	struct ha_counts c;
	struct ha_snap x;
	int standby = SSO_RF_IS_STANDBY(sso_rf_state());
	int messaging, standby_up;

	snap(&x);
	messaging = svc.sso_enabled && (standby ?
	    sso_rf_state() >= SSO_RF_STANDBY_COLD_BULK : x.a.streaming);
	standby_up = standby || x.a.streaming;
	count(&c);
	if (j) {
		sso_json_kstr(j, "ha_support", "Silent Failover");
		sso_json_kbool(j, "checkpoint_messaging", messaging);
		sso_json_kbool(j, "standby_up", standby_up);
		sso_json_ku64(j, "recv_msg_count", x.sb.rx_records);
		sso_json_ku64(j, "tunnels_total", c.tun_total);
		sso_json_ku64(j, "tunnels_ha_enabled", c.tun_en);
		sso_json_ku64(j, "tunnels_ha_established", c.tun_est);
		sso_json_ku64(j, "tunnels_resync", c.tun_rs);
		sso_json_ku64(j, "sessions_total", c.ses_total);
		sso_json_ku64(j, "sessions_ha_enabled", c.ses_en);
		sso_json_ku64(j, "sessions_ha_established", c.ses_est);
		sso_json_ku64(j, "resync_success", x.rs.rs_success);
		sso_json_ku64(j, "resync_fail", x.rs.rs_fail);
		sso_json_ku64(j, "rfc4951_recovery_success", x.rs.fo_success);
		sso_json_ku64(j, "rfc4951_recovery_fail", x.rs.fo_fail);
		sso_json_ku64(j, "resync_duration_ms", x.rs.duration_ms);
		sso_json_kbool(j, "resync_complete", !x.rs.running);
		sso_json_ku64(j, "checkpoints_sent", x.a.tx_records);
		sso_json_ku64(j, "checkpoint_waits", x.a.sync_waits);
		sso_json_ku64(j, "checkpoints_deferred", x.a.deferred);
		sso_json_ku64(j, "apply_errors", x.sb.apply_errors);
		sso_json_ku64(j, "calls_refused_resync",
		    svc.calls_refused_resync);
		return;
	}
	sso_wbuf_printf(&r->out, "L2TP HA support: Silent Failover\n"
	    "L2TP HA Status:\n  Checkpoint Messaging on: %s\n"
	    "  Standby RP is up: %s\n  Recv'd Message Count: %llu\n",
	    messaging ? "TRUE" : "FALSE", standby_up ? "TRUE" : "FALSE",
	    (unsigned long long)x.sb.rx_records);
	if (!standby_up)
		sso_wbuf_printf(&r->out, "No HA CC of Session data to display "
		    "until Standby RP is up.\n");
	if (standby)
		sso_wbuf_printf(&r->out, "L2TP Tunnels: %llu/%llu "
		    "(HA-enabled/HA-est)\nL2TP Sessions: %llu/%llu "
		    "(HA-enabled/HA-est)\n", (unsigned long long)c.tun_en,
		    (unsigned long long)c.tun_est,
		    (unsigned long long)c.ses_en,
		    (unsigned long long)c.ses_est);
	else
		sso_wbuf_printf(&r->out, "L2TP Tunnels: %llu/%llu/%llu/%llu "
		    "(total/HA-enabled/HA-est/resync)\nL2TP Sessions: "
		    "%llu/%llu/%llu (total/HA-enabled/HA-est)\n",
		    (unsigned long long)c.tun_total,
		    (unsigned long long)c.tun_en,
		    (unsigned long long)c.tun_est,
		    (unsigned long long)c.tun_rs,
		    (unsigned long long)c.ses_total,
		    (unsigned long long)c.ses_en,
		    (unsigned long long)c.ses_est);
	if (!standby && x.rs.start_ms)
		sso_wbuf_printf(&r->out, "L2TP Resynced Tunnels: %llu/%llu "
		    "(success/fail)\nResync duration %.2f secs (%s)\n",
		    (unsigned long long)x.rs.rs_success,
		    (unsigned long long)x.rs.rs_fail, x.rs.duration_ms / 1000.0,
		    x.rs.running ? "in progress" : "complete");
	if (!standby && (x.rs.fo_success || x.rs.fo_fail))
		sso_wbuf_printf(&r->out, "L2TP RFC 4951 Recoveries: %llu/%llu "
		    "(success/fail)\n", (unsigned long long)x.rs.fo_success,
		    (unsigned long long)x.rs.fo_fail);
}

static void
tunnels_out(struct sso_reply *r, struct sso_json *j, uint32_t only_tid,
    uint32_t only_sid, int sessions, int detail)
{
	unsigned i;

	if (j) {
		sso_json_key(j, "tunnels");
		sso_json_arr(j);
	} else
		sso_wbuf_printf(&r->out, "L2TP HA CC Check Point Status:\n"
		    "%-10s %-6s %-6s %-16s %-16s %s\n", "State", "LocID",
		    "RemID", "Remote Name", "Class/Group", "Num. Sessions");
	for (i = 1; i < 65536; i++) {
		struct l2tp_tunnel *t = NULL;
		struct sb_tun *s = NULL;
		struct l2tp_tunnel_info ti;
		const char *st, *hs;

		if (only_tid && i != only_tid)
			continue;
		if (SSO_RF_IS_STANDBY(sso_rf_state())) {
			if ((s = ha_sb_get(i)) == NULL)
				continue;
			st = "est";
		} else {
			if ((t = l2tp_tunnel_find(svc.ctx, (uint16_t)i))
			    == NULL || ha_of(t) == NULL)
				continue;
			l2tp_tunnel_get_info(t, &ti);
			st = ha_of(t)->rs == RS_RECOVER ? "recover" :
			    ha_of(t)->rs != RS_NONE ? "resync" : "est";
		}
		hs = s ? ha_support_of(s->group, s->peer_failover,
		    s->fo_flags) : ha_support_of(ti.group, ti.peer_failover,
		    ti.peer_failover_flags);
		if (j) {
			sso_json_obj(j);
			sso_json_kstr(j, "state", st);
			sso_json_ku64(j, "local_id", i);
			sso_json_ku64(j, "remote_id", s ? s->remote_tid :
			    ti.remote_tid);
			sso_json_kstr(j, "remote_name", s ? s->peer_name :
			    ti.peer_name);
			sso_json_kstr(j, "group", s ? s->group : ti.group);
			sso_json_ku64(j, "sessions", s ? s->nsess :
			    ti.sessions);
			sso_json_kstr(j, "ha_support", hs);
			sso_json_ku64(j, "peer_failover_flags", s ?
			    s->fo_flags : ti.peer_failover_flags);
			sso_json_ku64(j, "peer_recovery_ms", s ? s->recovery_ms :
			    ti.peer_recovery_ms);
		} else
			sso_wbuf_printf(&r->out, "%-10s %-6u %-6u %-16.16s "
			    "%-16.16s %u\n", st, i, s ? s->remote_tid :
			    ti.remote_tid, s ? s->peer_name : ti.peer_name,
			    s ? s->group : ti.group, s ? s->nsess :
			    ti.sessions);
		if (!j && detail)
			sso_wbuf_printf(&r->out, "  L2TP HA support: %s\n", hs);
		if (sessions) {
			if (j) {
				sso_json_key(j, "session_list");
				sso_json_arr(j);
			} else
				sso_wbuf_printf(&r->out, "  L2TP HA Session "
				    "Status:\n  %-6s %-6s %-6s %-12s\n",
				    "LocID", "RemID", "TunID", "State");
			if (s) {
				struct sb_sess *x;

				for (x = s->sessions; x; x = x->next) {
					if (only_sid && x->sid != only_sid)
						continue;
					if (j) {
						sso_json_obj(j);
						sso_json_ku64(j, "local_id",
						    x->sid);
						sso_json_ku64(j, "remote_id",
						    x->remote_sid);
						sso_json_kstr(j, "state",
						    l2tp_session_state_names[
						    x->state]);
						sso_json_obj_end(j);
					} else
						sso_wbuf_printf(&r->out,
						    "  %-6u %-6u %-6u %s\n",
						    x->sid, x->remote_sid, i,
						    l2tp_session_state_names[
						    x->state]);
				}
			} else {
				struct l2tp_session *ss;

				for (ss = l2tp_session_next(t, NULL); ss;
				    ss = l2tp_session_next(t, ss)) {
					struct l2tp_session_info si;

					l2tp_session_get_info(ss, &si);
					if (only_sid && si.local_sid !=
					    only_sid)
						continue;
					if (j) {
						sso_json_obj(j);
						sso_json_ku64(j, "local_id",
						    si.local_sid);
						sso_json_ku64(j, "remote_id",
						    si.remote_sid);
						sso_json_kstr(j, "state",
						    l2tp_session_state_names[
						    si.state]);
						sso_json_obj_end(j);
					} else if (detail)
						sso_wbuf_printf(&r->out,
						    "\n  Local session ID : %u\n"
						    "  Remote session ID : %u\n"
						    "  Local CC ID : %u\n"
						    "  Waiting for VPDN "
						    "application : No\n"
						    "  Waiting for L2TP protocol "
						    ": %s\n", si.local_sid,
						    si.remote_sid, i,
						    si.state ==
						    L2TP_SS_ESTABLISHED ? "No" :
						    "Yes");
					else
						sso_wbuf_printf(&r->out,
						    "  %-6u %-6u %-6u %s\n",
						    si.local_sid, si.remote_sid,
						    i, l2tp_session_state_names[
						    si.state]);
				}
			}
			if (j)
				sso_json_arr_end(j);
		}
		if (j)
			sso_json_obj_end(j);
	}
	if (j)
		sso_json_arr_end(j);
}

enum { SH_SUMMARY, SH_ALL, SH_DETAIL, SH_ID, SH_DETAIL_ID };

static int
cmd_show(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	int what = (int)(intptr_t)arg;
	struct sso_json j, *jp = NULL;
	uint32_t tid = a->n > 0 ? a->u[0] : 0, sid = a->n > 1 ? a->u[1] : 0;

	if (r->json) {
		sso_json_init(&j, &r->out);
		sso_json_obj(&j);
		jp = &j;
	}
	if (what == SH_SUMMARY || what == SH_ALL || what == SH_DETAIL)
		summary(r, jp);
	if (what != SH_SUMMARY)
		tunnels_out(r, jp, tid, sid, what != SH_SUMMARY,
		    what == SH_DETAIL || what == SH_DETAIL_ID);
	if (jp)
		sso_json_obj_end(jp);
	return SSO_RC_OK;
}

static int
cmd_debug(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	const char *kw = a->s[0] + strlen("l2tp redundancy ");
	int on = arg != NULL;

	/* a->s[0] is a registered category ("l2tp redundancy cf") */
	sso_debug_set(a->s[0], on);
	sso_wbuf_printf(&r->out, r->json ? "{\"debug\":\"%s\",\"on\":%s}" :
	    "L2TP redundancy %s debugging is %s\n", kw, on ? "true" :
	    "false");
	return SSO_RC_OK;
}

void
ha_show_register(void)
{
	static const char *const roots[] = { "l2tp", "vpdn" };
	char p[160];
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "show %s redundancy", roots[i]);
		sso_cmd_register(p, cmd_show, (void *)SH_SUMMARY);
		snprintf(p, sizeof(p), "show %s redundancy all", roots[i]);
		sso_cmd_register(p, cmd_show, (void *)SH_ALL);
		snprintf(p, sizeof(p), "show %s redundancy detail", roots[i]);
		sso_cmd_register(p, cmd_show, (void *)SH_DETAIL);
		snprintf(p, sizeof(p), "show %s redundancy id <uint:1-65535>",
		    roots[i]);
		sso_cmd_register(p, cmd_show, (void *)SH_ID);
		snprintf(p, sizeof(p), "show %s redundancy id <uint:1-65535> "
		    "<uint:1-65535>", roots[i]);
		sso_cmd_register(p, cmd_show, (void *)SH_ID);
		snprintf(p, sizeof(p), "show %s redundancy detail id "
		    "<uint:1-65535> <uint:1-65535>", roots[i]);
		sso_cmd_register(p, cmd_show, (void *)SH_DETAIL_ID);
		/* the registered "l2tp redundancy ..." categories */
		snprintf(p, sizeof(p), "debug %s redundancy "
		    "<debug:l2tp.redundancy>", roots[i]);
		sso_cmd_register(p, cmd_debug, (void *)"on");
		snprintf(p, sizeof(p), "undebug %s redundancy "
		    "<debug:l2tp.redundancy>", roots[i]);
		sso_cmd_register(p, cmd_debug, NULL);
	}
}

/*
 * The l2tp line of `show redundancy clients`: an active says what it
 * holds (its live tunnels and sessions), a standby what its copy holds;
 * one unit's figure alone read as the other's (issue 9, item 16).
 */
void
ha_show_client(void *arg, struct sso_json *j, struct sso_wbuf *b)
{
	int active = SSO_RF_IS_ACTIVE(sso_rf_state());
	unsigned tunnels = 0, sessions = 0, i;
	struct l2tp_tunnel *t;
	struct ha_snap x;

	snap(&x);
	if (active && svc.ctx != NULL) {
		for (t = l2tp_tunnel_next(svc.ctx, NULL); t != NULL;
		    t = l2tp_tunnel_next(svc.ctx, t)) {
			tunnels++;
			sessions += l2tp_tunnel_session_count(t);
		}
	} else if (!active) {
		tunnels = x.sb.tunnels;
		for (i = 0; i < 65536; i++)
			if (ha_sb_get(i))
				sessions += ha_sb_get(i)->nsess;
	}
	if (j) {
		sso_json_ku64(j, "tunnels_checkpointed", x.sb.tunnels);
		sso_json_kstr(j, "l2tp_role", active ? "active" : "standby");
		sso_json_ku64(j, "l2tp_tunnels", tunnels);
		sso_json_ku64(j, "l2tp_sessions", sessions);
		return;
	}
	sso_wbuf_printf(b, "     l2tp: %u tunnels, %u sessions %s\n", tunnels,
	    sessions, active ? "held (active)" : "in the standby copy");
}
