/*
 * show.c - L2TP/VPDN show, clear and debug commands. Read-only except
 * clear. JSON field names are stable (README "L2TP commands").
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "svc_local.h"
#include "svc_counters.h"
#include "render.h"
#include "sub_local.h"

static struct sso_debug dbg_errors = { .name = "l2tp errors" };

/*
 * Every table below is declared once (render.h): the text columns and the
 * JSON fields of a row come from the same entry. Tables stream (cmd.h):
 * a chunk resumes at the next id greater than the last one sent, so a
 * tunnel or session deleted between two chunks is simply not listed.
 */

static const char *
tunnel_state(unsigned v)
{
	return v < L2TP_TS_MAX ? l2tp_tunnel_state_names[v] : NULL;
}

static const char *
session_state(unsigned v)
{
	return v < L2TP_SS_MAX ? l2tp_session_state_names[v] : NULL;
}

/* snapshot of one tunnel */
struct tunnel_row {
	struct l2tp_tunnel_info ti;
	struct l2tp_ctrl_state cs;
	char		 addr[64];
	unsigned	 port;
	int		 ha;
};

static const char *
tunnel_nr_win(const void *row, char *buf, size_t len)
{
	const struct tunnel_row *t = row;

	snprintf(buf, len, "%4u/%-4u", t->cs.nr_wire, t->cs.rx_window);
	return buf;
}

#define TR	struct tunnel_row
static const struct sso_field tunnel_fields[] = {
	SSO_F_UINT(TR, ti.local_tid, "local_id", "LocTunID", -8),
	SSO_F_UINT(TR, ti.remote_tid, "remote_id", "RemTunID", -8),
	{ .json = "remote_name", .head = "Remote Name", .width = -16,
	  .flags = SSO_FLD_TRUNC, .type = SSO_FT_STR,
	  .off = offsetof(TR, ti.peer_name), .size = L2TP_NAME_MAX },
	SSO_F_ENUM(TR, ti.state, "state", "State", -11, tunnel_state),
	SSO_F_STR(TR, addr, "peer_address", "Remote Address", -15),
	SSO_F_UINT(TR, port, "peer_port", "Port", 5),
	SSO_F_UINT(TR, ti.sessions, "sessions", "Sessn", 5),
	SSO_F_UINT(TR, cs.ns_next, "ns", "Ns", 5),
	SSO_F_UINT(TR, cs.nr_wire, "nr", NULL, 0),
	SSO_F_FN(NULL, "Nr/RxWin", 9, tunnel_nr_win),
	SSO_F_BOOL(TR, ti.initiator, "initiator", NULL, 0),
	SSO_F_UINT(TR, cs.unacked, "unacked", NULL, 0),
	SSO_F_UINT(TR, cs.rx_window, "receive_window", NULL, 0),
	SSO_F_UINT(TR, cs.peer_rx_window, "peer_receive_window", NULL, 0),
	SSO_F_BOOL(TR, ti.peer_failover, "peer_failover_capable", NULL, 0),
	SSO_F_BOOL(TR, ha, "ha_enabled", "HA", -3),
	SSO_F_STR(TR, ti.group, "group", "VPDN Group", -10),
};
#undef TR
static const struct sso_table tunnel_table = SSO_TABLE(tunnel_fields);

static void
tunnel_snap(struct l2tp_tunnel *t, struct tunnel_row *row)
{
	memset(row, 0, sizeof(*row));
	l2tp_tunnel_get_info(t, &row->ti);
	l2tp_ctrl_export(t, &row->cs);
	svc_sockaddr_text((struct sockaddr *)&row->ti.peer, row->addr,
	    sizeof(row->addr), &row->port);
	row->ha = ha_tunnel_protected(t);
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

/* show vpdn: the summary (JSON: all of it; text: a line above the table) */
struct vpdn_row {
	int		 enabled, listening;
	size_t		 tunnels, sessions;
};

#define VR	struct vpdn_row
static const struct sso_field vpdn_fields[] = {
	SSO_F_BOOL(VR, enabled, "vpdn_enabled", NULL, 0),
	SSO_F_BOOL(VR, listening, "listening", NULL, 0),
	SSO_F_UINT(VR, tunnels, "tunnels", NULL, 0),
	SSO_F_UINT(VR, sessions, "sessions", NULL, 0),
};
#undef VR
static const struct sso_table vpdn_table = SSO_TABLE(vpdn_fields);

static int vpdn_text;	/* sarg of the tunnel table under show vpdn */

/*
 * The tunnel table, ids pos[0] + 1 .. pos[1] (pos[1] 0: all). phase 0:
 * the lines above the table still to write.
 */
static int
tunnels_next(struct sso_reply *r)
{
	struct sso_render rd;
	struct tunnel_row row;
	struct l2tp_tunnel *t;
	uint64_t id, hi = r->pos[1] ? r->pos[1] : UINT16_MAX;

	sso_render_reply(&rd, r);
	if (r->phase == 0) {
		if (r->sarg == &vpdn_text)
			sso_wbuf_printf(rd.b, "%% Active L2TP tunnels = %zu, "
			    "sessions = %zu (VPDN %s, service socket %s)\n\n",
			    l2tp_tunnel_count(svc.ctx), session_count(),
			    svc.vpdn_enabled ? "enabled" : "disabled",
			    svc.listening ? "bound" : "not bound on this unit");
		if (rd.j) {
			sso_json_obj(rd.j);
			sso_json_ku64(rd.j, "total", l2tp_tunnel_count(svc.ctx));
		} else
			sso_wbuf_printf(rd.b, "L2TP Tunnel Information Total "
			    "tunnels %zu\n\n", l2tp_tunnel_count(svc.ctx));
		sso_table_head(&rd, &tunnel_table, "tunnels");
		r->phase = 1;
	}
	for (id = r->pos[0] + 1; id <= hi; id++) {
		if ((t = l2tp_tunnel_find(svc.ctx, (uint16_t)id)) == NULL)
			continue;
		if (!sso_reply_room(r))
			return SSO_RC_STREAM;
		tunnel_snap(t, &row);
		sso_table_row(&rd, &tunnel_table, &row);
		r->pos[0] = id;
	}
	sso_table_end(&rd, &tunnel_table);
	if (rd.j)
		sso_json_obj_end(rd.j);
	return SSO_RC_OK;
}

static int
cmd_tunnel(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	if (a->n == 1 && l2tp_tunnel_find(svc.ctx, (uint16_t)a->u[0]) == NULL)
		return sso_reply_err(r, SSO_RC_ERROR, "%% No tunnel %u",
		    a->u[0]);
	if (a->n == 1) {
		r->pos[0] = a->u[0] - 1;
		r->pos[1] = a->u[0];
	}
	return sso_reply_stream(r, tunnels_next, NULL);
}

#define SR	struct l2tp_session_info
static const struct sso_field session_fields[] = {
	SSO_F_UINT(SR, local_sid, "local_id", "LocID", -8),
	SSO_F_UINT(SR, remote_sid, "remote_id", "RemID", -8),
	SSO_F_UINT(SR, local_tid, "tunnel_id", "TunID", -8),
	SSO_F_UINT(SR, remote_tid, "remote_tunnel_id", NULL, 0),
	SSO_F_ENUM(SR, state, "state", "State", -14, session_state),
	SSO_F_UINT(SR, rx_pkts, "rx_packets", "RxPkts", 10),
	SSO_F_UINT(SR, tx_pkts, "tx_packets", "TxPkts", 10),
	SSO_F_UINT(SR, rx_bytes, "rx_bytes", NULL, 0),
	SSO_F_UINT(SR, tx_bytes, "tx_bytes", NULL, 0),
	SSO_F_UINT(SR, rx_errors, "rx_errors", "RxErr", 6),
	SSO_F_UINT(SR, call_serial, "call_serial", NULL, 0),
};
#undef SR
static const struct sso_table session_table = SSO_TABLE(session_fields);

static void
sessions_head(struct sso_render *rd, size_t n)
{
	if (rd->j) {
		sso_json_obj(rd->j);
		sso_json_ku64(rd->j, "total", n);
	} else
		sso_wbuf_printf(rd->b, "L2TP Session Information Total "
		    "sessions %zu\n\n", n);
	sso_table_head(rd, &session_table, "sessions");
}

static void
sessions_end(struct sso_render *rd)
{
	sso_table_end(rd, &session_table);
	if (rd->j)
		sso_json_obj_end(rd->j);
}

static int
sid_cmp(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* the sessions of t with an id above *last, in id order, while room */
static int
tunnel_sessions(struct sso_reply *r, struct sso_render *rd,
    struct l2tp_tunnel *t, uint64_t *last)
{
	static uint16_t sids[UINT16_MAX];
	struct l2tp_session_info si;
	struct l2tp_session *s;
	size_t n = 0, i;

	for (s = l2tp_session_next(t, NULL); s && n < UINT16_MAX;
	    s = l2tp_session_next(t, s)) {
		l2tp_session_get_info(s, &si);
		if (si.local_sid > *last)
			sids[n++] = si.local_sid;
	}
	qsort(sids, n, sizeof(sids[0]), sid_cmp);
	for (i = 0; i < n; i++) {
		if ((s = l2tp_session_find(svc.ctx, l2tp_tunnel_local_id(t),
		    sids[i])) == NULL)
			continue;
		if (!sso_reply_room(r))
			return SSO_RC_STREAM;
		l2tp_session_get_info(s, &si);
		sso_table_row(rd, &session_table, &si);
		*last = sids[i];
	}
	return SSO_RC_OK;
}

/* every session: pos[0] the tunnel id reached, pos[1] the last sid sent */
static int
sessions_next(struct sso_reply *r)
{
	struct sso_render rd;
	struct l2tp_tunnel *t;
	uint64_t tid;

	sso_render_reply(&rd, r);
	if (r->phase == 0) {
		sessions_head(&rd, session_count());
		r->phase = 1;
	}
	for (tid = r->pos[0] ? r->pos[0] : 1; tid <= UINT16_MAX;
	    tid++, r->pos[1] = 0) {
		if ((t = l2tp_tunnel_find(svc.ctx, (uint16_t)tid)) == NULL)
			continue;
		r->pos[0] = tid;
		if (tunnel_sessions(r, &rd, t, &r->pos[1]) == SSO_RC_STREAM)
			return SSO_RC_STREAM;
	}
	sessions_end(&rd);
	return SSO_RC_OK;
}

static int
cmd_session(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct l2tp_session_info si;
	struct l2tp_session *s;
	struct sso_render rd;

	if (a->n != 2)
		return sso_reply_stream(r, sessions_next, NULL);
	if ((s = l2tp_session_find(svc.ctx, (uint16_t)a->u[0],
	    (uint16_t)a->u[1])) == NULL)
		return sso_reply_err(r, SSO_RC_ERROR, "%% No session %u/%u",
		    a->u[0], a->u[1]);
	sso_render_reply(&rd, r);
	sessions_head(&rd, session_count());
	l2tp_session_get_info(s, &si);
	sso_table_row(&rd, &session_table, &si);
	sessions_end(&rd);
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

#define NCTR_MAX	64
static int
cmd_counters(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	static const struct sso_detail_style st = { "  ", 22 };
	const struct l2tp_stats *st_l2tp = l2tp_ctx_stats(svc.ctx);
	struct svc_counter c[SVC_NCOUNTERS];
	struct sso_field f[NCTR_MAX];
	const char *names[NCTR_MAX];
	uint64_t v[NCTR_MAX];
	size_t i, n = svc_counters(c);
	struct sso_render rd;
	struct sso_table t;

	_Static_assert(L2TP_DROP_MAX <= NCTR_MAX && SVC_REFUSE_MAX <=
	    NCTR_MAX && SVC_NCOUNTERS <= NCTR_MAX, "NCTR_MAX too small");
	sso_render_reply(&rd, r);
	if (rd.j)
		sso_json_obj(rd.j);
	for (i = 0; i < n; i++) {
		names[i] = c[i].name;
		v[i] = c[i].v;
	}
	t = svc_counter_table(f, names, n);
	sso_render_detail(&rd, &t, v, NULL, "L2TP counters:", &st);
	for (i = 0; i < L2TP_DROP_MAX; i++)
		v[i] = st_l2tp->drops[i];
	t = svc_counter_table(f, l2tp_drop_names, L2TP_DROP_MAX);
	sso_render_detail(&rd, &t, v, "drops", "Dropped packets, by reason:",
	    &st);
	for (i = 0; i < SVC_REFUSE_MAX; i++)
		v[i] = svc_refusals[i];
	t = svc_counter_table(f, svc_refusal_names, SVC_REFUSE_MAX);
	sso_render_detail(&rd, &t, v, "tunnels_refused", "Refused tunnels, by "
	    "reason:", &st);
	if (rd.j)
		sso_json_obj_end(rd.j);
	return SSO_RC_OK;
}

static int
cmd_vpdn(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct vpdn_row v = { svc.vpdn_enabled, svc.listening,
	    l2tp_tunnel_count(svc.ctx), session_count() };

	/* text: a line above the tunnel table; JSON: the summary only */
	if (!r->json)
		return sso_reply_stream(r, tunnels_next, &vpdn_text);
	return sso_render_show(r, &vpdn_table, &v);
}

static const char *
failure_time(const void *row, char *buf, size_t len)
{
	const struct svc_failure *f = row;
	time_t tt = (time_t)(f->wall_ms / 1000);
	struct tm tm;

	localtime_r(&tt, &tm);
	strftime(buf, len, "%b %d %H:%M:%S", &tm);
	return buf;
}

static const char *
failure_peer(const void *row, char *buf, size_t len)
{
	const struct svc_failure *f = row;

	snprintf(buf, len, "%s", f->peer[0] ? f->peer : "-");
	return buf;
}

#define FR	struct svc_failure
static const struct sso_field failure_fields[] = {
	SSO_F_FN(NULL, "Time", -15, failure_time),
	SSO_F_UINT(FR, wall_ms, "time_ms", NULL, 0),
	SSO_F_UINT(FR, tid, "tunnel_id", "Tunnel", -6),
	SSO_F_UINT(FR, sid, "session_id", NULL, 0),
	SSO_F_STR(FR, peer, "peer", NULL, 0),
	SSO_F_FN(NULL, "Peer", -15, failure_peer),
	SSO_F_STR(FR, reason, "reason", "Reason", -6),
};
#undef FR
static const struct sso_table failure_table = SSO_TABLE(failure_fields);

static int
cmd_history(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	unsigned i, start = svc.nfail > SVC_FAILHIST ? svc.nfail -
	    SVC_FAILHIST : 0;
	struct sso_render rd;

	sso_render_reply(&rd, r);
	if (rd.j)
		sso_json_obj(rd.j);
	else
		sso_wbuf_printf(rd.b, "%% VPDN user failure table: %u "
		    "entries\n", svc.nfail - start);
	sso_table_head(&rd, &failure_table, "failures");
	for (i = start; i < svc.nfail; i++)
		sso_table_row(&rd, &failure_table,
		    &svc.fail[i % SVC_FAILHIST]);
	sso_table_end(&rd, &failure_table);
	if (rd.j)
		sso_json_obj_end(rd.j);
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

	struct sub *sub = sub_find((uint16_t)a->u[0], (uint16_t)a->u[1]);

	if (s == NULL)
		return sso_reply_err(r, SSO_RC_ERROR, "%% No session %u/%u",
		    a->u[0], a->u[1]);
	/* a PPP subscriber: LCP Terminate-Request first, the CDN after */
	if (sub != NULL && sub_clear(sub) == 0) {
		sso_wbuf_printf(&r->out, r->json ?
		    "{\"result\":\"terminating\"}" : "session %u/%u: LCP "
		    "Terminate-Request sent, CDN follows\n", a->u[0], a->u[1]);
		return SSO_RC_OK;
	}
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
