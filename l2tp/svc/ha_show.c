/*
 * ha_show.c - `show l2tp redundancy` (summary, all, detail, id), its
 * debug commands, and the l2tp line of `show redundancy clients`: read
 * only, from the snapshots the other rooms export.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ha_local.h"
#include "render.h"

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
	uint64_t	 ppp_en, ppp_est;	/* subscribers (sub_ha.c) */
};

static void
count(struct ha_counts *c)
{
	struct l2tp_tunnel *t;
	unsigned i;

	memset(c, 0, sizeof(*c));
	ha_parts_counts(&c->ppp_en, &c->ppp_est);
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

static const char *
true_false(unsigned v)
{
	return v ? "TRUE" : "FALSE";
}

/* the summary of show l2tp redundancy [all | detail] */
struct sum_row {
	struct ha_snap	 x;
	struct ha_counts c;
	const char	*support;
	int		 messaging, standby_up, complete;
	uint64_t	 refused;
};

#define SR	struct sum_row
static const struct sso_field support_fields[] = {
	SSO_F_PSTR(SR, support, "ha_support", "L2TP HA support:", 0),
};
/* text: the lines under "L2TP HA Status:"; JSON: all of it */
static const struct sso_field status_fields[] = {
	SSO_F_BOOLN(SR, messaging, "checkpoint_messaging",
	    "  Checkpoint Messaging on:", 0, true_false),
	SSO_F_BOOLN(SR, standby_up, "standby_up", "  Standby RP is up:", 0,
	    true_false),
	SSO_F_UINT(SR, x.sb.rx_records, "recv_msg_count",
	    "  Recv'd Message Count:", 0),
	SSO_F_UINT(SR, c.tun_total, "tunnels_total", NULL, 0),
	SSO_F_UINT(SR, c.tun_en, "tunnels_ha_enabled", NULL, 0),
	SSO_F_UINT(SR, c.tun_est, "tunnels_ha_established", NULL, 0),
	SSO_F_UINT(SR, c.tun_rs, "tunnels_resync", NULL, 0),
	SSO_F_UINT(SR, c.ses_total, "sessions_total", NULL, 0),
	SSO_F_UINT(SR, c.ses_en, "sessions_ha_enabled", NULL, 0),
	SSO_F_UINT(SR, c.ses_est, "sessions_ha_established", NULL, 0),
	SSO_F_UINT(SR, c.ppp_en, "ppp_sessions_ha_enabled", NULL, 0),
	SSO_F_UINT(SR, c.ppp_est, "ppp_sessions_ha_established", NULL, 0),
	SSO_F_UINT(SR, x.rs.rs_success, "resync_success", NULL, 0),
	SSO_F_UINT(SR, x.rs.rs_fail, "resync_fail", NULL, 0),
	SSO_F_UINT(SR, x.rs.fo_success, "rfc4951_recovery_success", NULL, 0),
	SSO_F_UINT(SR, x.rs.fo_fail, "rfc4951_recovery_fail", NULL, 0),
	SSO_F_UINT(SR, x.rs.duration_ms, "resync_duration_ms", NULL, 0),
	SSO_F_BOOL(SR, complete, "resync_complete", NULL, 0),
	SSO_F_UINT(SR, x.a.tx_records, "checkpoints_sent", NULL, 0),
	SSO_F_UINT(SR, x.a.sync_waits, "checkpoint_waits", NULL, 0),
	SSO_F_UINT(SR, x.a.ack_stream_waits, "acks_without_record", NULL, 0),
	SSO_F_UINT(SR, x.a.deferred, "checkpoints_deferred", NULL, 0),
	SSO_F_UINT(SR, x.sb.apply_errors, "apply_errors", NULL, 0),
	SSO_F_UINT(SR, refused, "calls_refused_resync", NULL, 0),
};
#undef SR
static const struct sso_table support_table = SSO_TABLE(support_fields);
static const struct sso_table status_table = SSO_TABLE(status_fields);

static void
summary(struct sso_render *rd)
{
	int standby = SSO_RF_IS_STANDBY(sso_rf_state());
	struct sum_row v;
	struct sso_wbuf *b = rd->b;

	memset(&v, 0, sizeof(v));
	snap(&v.x);
	count(&v.c);
	v.support = "Silent Failover";
	v.messaging = svc.sso_enabled && (standby ?
	    sso_rf_state() >= SSO_RF_STANDBY_COLD_BULK : v.x.a.streaming);
	v.standby_up = standby || v.x.a.streaming;
	v.complete = !v.x.rs.running;
	v.refused = svc.calls_refused_resync;
	sso_render_detail(rd, &support_table, &v, NULL, NULL, NULL);
	sso_render_detail(rd, &status_table, &v, NULL, "L2TP HA Status:",
	    NULL);
	if (rd->j)
		return;
	/* the text's own lines: figures of the JSON above, in IOS's words */
	if (!v.standby_up)
		sso_wbuf_printf(b, "No HA CC of Session data to display "
		    "until Standby RP is up.\n");
	if (standby)
		sso_wbuf_printf(b, "L2TP Tunnels: %llu/%llu "
		    "(HA-enabled/HA-est)\nL2TP Sessions: %llu/%llu "
		    "(HA-enabled/HA-est)\n", (unsigned long long)v.c.tun_en,
		    (unsigned long long)v.c.tun_est,
		    (unsigned long long)v.c.ses_en,
		    (unsigned long long)v.c.ses_est);
	else
		sso_wbuf_printf(b, "L2TP Tunnels: %llu/%llu/%llu/%llu "
		    "(total/HA-enabled/HA-est/resync)\nL2TP Sessions: "
		    "%llu/%llu/%llu (total/HA-enabled/HA-est)\n",
		    (unsigned long long)v.c.tun_total,
		    (unsigned long long)v.c.tun_en,
		    (unsigned long long)v.c.tun_est,
		    (unsigned long long)v.c.tun_rs,
		    (unsigned long long)v.c.ses_total,
		    (unsigned long long)v.c.ses_en,
		    (unsigned long long)v.c.ses_est);
	sso_wbuf_printf(b, "PPP Sessions: %llu/%llu (HA-enabled/HA-est)\n",
	    (unsigned long long)v.c.ppp_en, (unsigned long long)v.c.ppp_est);
	if (!standby && v.x.rs.start_ms)
		sso_wbuf_printf(b, "L2TP Resynced Tunnels: %llu/%llu "
		    "(success/fail)\nResync duration %.2f secs (%s)\n",
		    (unsigned long long)v.x.rs.rs_success,
		    (unsigned long long)v.x.rs.rs_fail,
		    v.x.rs.duration_ms / 1000.0,
		    v.x.rs.running ? "in progress" : "complete");
	if (!standby && (v.x.rs.fo_success || v.x.rs.fo_fail))
		sso_wbuf_printf(b, "L2TP RFC 4951 Recoveries: %llu/%llu "
		    "(success/fail)\n", (unsigned long long)v.x.rs.fo_success,
		    (unsigned long long)v.x.rs.fo_fail);
}

/* one checkpointed tunnel: the active's live one or the standby's copy */
struct tun_row {
	const char	*state, *support;
	unsigned	 tid, remote_tid, sessions;
	uint16_t	 fo_flags;
	uint32_t	 recovery_ms;
	const char	*name, *group;
	/* what follows the row (tunnel_more) */
	struct l2tp_tunnel *t;
	struct sb_tun	*s;
	uint32_t	 only_sid;
	int		 sessions_too, detail;
};

#define TR	struct tun_row
static const struct sso_field tun_fields[] = {
	SSO_F_PSTR(TR, state, "state", "State", -10),
	SSO_F_UINT(TR, tid, "local_id", "LocID", -6),
	SSO_F_UINT(TR, remote_tid, "remote_id", "RemID", -6),
	{ .json = "remote_name", .head = "Remote Name", .width = -16,
	  .flags = SSO_FLD_TRUNC, .type = SSO_FT_PSTR,
	  .off = offsetof(TR, name), .size = sizeof(const char *) },
	{ .json = "group", .head = "Class/Group", .width = -16,
	  .flags = SSO_FLD_TRUNC, .type = SSO_FT_PSTR,
	  .off = offsetof(TR, group), .size = sizeof(const char *) },
	SSO_F_UINT(TR, sessions, "sessions", "Num. Sessions", 0),
	SSO_F_PSTR(TR, support, "ha_support", NULL, 0),
	SSO_F_UINT(TR, fo_flags, "peer_failover_flags", NULL, 0),
	SSO_F_UINT(TR, recovery_ms, "peer_recovery_ms", NULL, 0),
};
#undef TR
static const struct sso_table tun_table = SSO_TABLE(tun_fields);

/* one session of a tunnel's list */
struct ses_row {
	unsigned	 sid, remote_sid, tid;
	const char	*state, *waiting;
	const char	*vpdn;		/* waiting for the VPDN application */
};

#define SE	struct ses_row
static const struct sso_field ses_fields[] = {
	SSO_F_INDENT,
	SSO_F_UINT(SE, sid, "local_id", "LocID", -6),
	SSO_F_UINT(SE, remote_sid, "remote_id", "RemID", -6),
	SSO_F_UINT(SE, tid, NULL, "TunID", -6),
	{ .json = "state", .head = "State", .width = -12,
	  .flags = SSO_FLD_HEADPAD, .type = SSO_FT_PSTR,
	  .off = offsetof(SE, state), .size = sizeof(const char *) },
};
/* the active's detail form of a session (text) */
static const struct sso_field ses_detail_fields[] = {
	SSO_F_UINT(SE, sid, NULL, "Local session ID :", 0),
	SSO_F_UINT(SE, remote_sid, NULL, "Remote session ID :", 0),
	SSO_F_UINT(SE, tid, NULL, "Local CC ID :", 0),
	SSO_F_PSTR(SE, vpdn, NULL, "Waiting for VPDN application :", 0),
	SSO_F_PSTR(SE, waiting, NULL, "Waiting for L2TP protocol :", 0),
};
#undef SE
static const struct sso_table ses_table = SSO_TABLE(ses_fields);
static const struct sso_table ses_detail_table = SSO_TABLE(ses_detail_fields);

static void
session_out(struct sso_render *rd, const struct tun_row *tr,
    const struct ses_row *sr)
{
	static const struct sso_detail_style st = { "  ", 0 };

	if (tr->only_sid && sr->sid != tr->only_sid)
		return;
	if (rd->j || !tr->detail || tr->s != NULL)
		sso_table_row(rd, &ses_table, sr);
	else
		sso_render_detail(rd, &ses_detail_table, sr, NULL, "", &st);
}

/* after a tunnel's row: its HA support line (detail), its sessions */
static void
tunnel_more(void *arg, struct sso_render *rd)
{
	const struct tun_row *tr = arg;
	struct ses_row sr;

	if (!rd->j && tr->detail)
		sso_wbuf_printf(rd->b, "  L2TP HA support: %s\n", tr->support);
	if (!tr->sessions_too)
		return;
	if (!rd->j)
		sso_wbuf_printf(rd->b, "  L2TP HA Session Status:\n");
	sso_table_head(rd, &ses_table, "session_list");
	memset(&sr, 0, sizeof(sr));
	sr.tid = tr->tid;
	sr.vpdn = "No";
	if (tr->s) {
		struct sb_sess *x;

		for (x = tr->s->sessions; x; x = x->next) {
			sr.sid = x->sid;
			sr.remote_sid = x->remote_sid;
			sr.state = l2tp_session_state_names[x->state];
			session_out(rd, tr, &sr);
		}
	} else {
		struct l2tp_session *ss;
		struct l2tp_session_info si;

		for (ss = l2tp_session_next(tr->t, NULL); ss;
		    ss = l2tp_session_next(tr->t, ss)) {
			l2tp_session_get_info(ss, &si);
			sr.sid = si.local_sid;
			sr.remote_sid = si.remote_sid;
			sr.state = l2tp_session_state_names[si.state];
			sr.waiting = si.state == L2TP_SS_ESTABLISHED ? "No" :
			    "Yes";
			session_out(rd, tr, &sr);
		}
	}
	sso_table_end(rd, &ses_table);
}

static void
tunnels_out(struct sso_render *rd, uint32_t only_tid, uint32_t only_sid,
    int sessions, int detail)
{
	struct tun_row tr;
	unsigned i;

	if (!rd->j)
		sso_wbuf_printf(rd->b, "L2TP HA CC Check Point Status:\n");
	sso_table_head(rd, &tun_table, "tunnels");
	for (i = 1; i < 65536; i++) {
		struct l2tp_tunnel_info ti;

		if (only_tid && i != only_tid)
			continue;
		memset(&tr, 0, sizeof(tr));
		if (SSO_RF_IS_STANDBY(sso_rf_state())) {
			if ((tr.s = ha_sb_get(i)) == NULL)
				continue;
			tr.state = "est";
			tr.remote_tid = tr.s->remote_tid;
			tr.name = tr.s->peer_name;
			tr.group = tr.s->group;
			tr.sessions = tr.s->nsess;
			tr.fo_flags = tr.s->fo_flags;
			tr.recovery_ms = tr.s->recovery_ms;
			tr.support = ha_support_of(tr.s->group,
			    tr.s->peer_failover, tr.s->fo_flags);
		} else {
			if ((tr.t = l2tp_tunnel_find(svc.ctx, (uint16_t)i))
			    == NULL || ha_of(tr.t) == NULL)
				continue;
			l2tp_tunnel_get_info(tr.t, &ti);
			tr.state = ha_of(tr.t)->rs == RS_RECOVER ? "recover" :
			    ha_of(tr.t)->rs != RS_NONE ? "resync" : "est";
			tr.remote_tid = ti.remote_tid;
			tr.name = ti.peer_name;
			tr.group = ti.group;
			tr.sessions = ti.sessions;
			tr.fo_flags = ti.peer_failover_flags;
			tr.recovery_ms = ti.peer_recovery_ms;
			tr.support = ha_support_of(ti.group, ti.peer_failover,
			    ti.peer_failover_flags);
		}
		tr.tid = i;
		tr.only_sid = only_sid;
		tr.sessions_too = sessions;
		tr.detail = detail;
		sso_table_row_more(rd, &tun_table, &tr, tunnel_more, &tr);
	}
	sso_table_end(rd, &tun_table);
}

enum { SH_SUMMARY, SH_ALL, SH_DETAIL, SH_ID, SH_DETAIL_ID };

static int
cmd_show(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	int what = (int)(intptr_t)arg;
	uint32_t tid = a->n > 0 ? a->u[0] : 0, sid = a->n > 1 ? a->u[1] : 0;
	struct sso_render rd;

	sso_render_reply(&rd, r);
	if (rd.j)
		sso_json_obj(rd.j);
	if (what == SH_SUMMARY || what == SH_ALL || what == SH_DETAIL)
		summary(&rd);
	if (what != SH_SUMMARY)
		tunnels_out(&rd, tid, sid, what != SH_SUMMARY,
		    what == SH_DETAIL || what == SH_DETAIL_ID);
	if (rd.j)
		sso_json_obj_end(rd.j);
	return SSO_RC_OK;
}

static int
cmd_debug(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	const char *kw = a->s[0] + strlen("l2tp redundancy ");
	int on = arg != NULL;

	/* a->s[0] is a registered category ("l2tp redundancy cf") */
	sso_debug_set(a->s[0], on);
	return sso_render_debug(r, "L2TP redundancy", kw, on);
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
struct client_row {
	unsigned	 checkpointed, tunnels, sessions;
	const char	*role;
	char		 line[96];
};

#define CR	struct client_row
static const struct sso_field client_fields[] = {
	SSO_F_UINT(CR, checkpointed, "tunnels_checkpointed", NULL, 0),
	SSO_F_PSTR(CR, role, "l2tp_role", NULL, 0),
	SSO_F_UINT(CR, tunnels, "l2tp_tunnels", NULL, 0),
	SSO_F_UINT(CR, sessions, "l2tp_sessions", NULL, 0),
	SSO_F_STR(CR, line, NULL, "l2tp:", 0),
};
#undef CR
static const struct sso_table client_table = SSO_TABLE(client_fields);

void
ha_show_client(void *arg, struct sso_json *j, struct sso_wbuf *b)
{
	static const struct sso_detail_style st = { "     ", 0 };
	struct client_row v;
	struct sso_render rd;
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
	v.checkpointed = x.sb.tunnels;
	v.role = active ? "active" : "standby";
	v.tunnels = tunnels;
	v.sessions = sessions;
	snprintf(v.line, sizeof(v.line), "%u tunnels, %u sessions %s",
	    tunnels, sessions, active ? "held (active)" :
	    "in the standby copy");
	sso_render_init(&rd, b, j);
	sso_render_detail(&rd, &client_table, &v, NULL, NULL, &st);
}
