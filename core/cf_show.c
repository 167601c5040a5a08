/*
 * cf_show.c - show checkpoint clients / statistics (and show redundancy
 * clients): read only, from the snapshots cf.c exports (metrics.h), each
 * form one field table (render.h) for text and JSON. JSON field names are
 * stable (README "Redundancy commands").
 */
#include <stdio.h>
#include <string.h>

#include "sso_local.h"
#include "metrics.h"
#include "render.h"

static const char *
client_ver(const void *row, char *buf, size_t len)
{
	const struct sso_cf_client_stats *c = row;

	snprintf(buf, len, "%u-%u", c->ver_min, c->ver_max);
	return buf;
}

#define C	struct sso_cf_client_stats
static const struct sso_field client_fields[] = {
	SSO_F_UINT(C, id, "id", "id", -4),
	SSO_F_PSTR(C, name, "name", "name", -16),
	SSO_F_INT(C, priority, "priority", "prio", -4),
	SSO_F_UINT(C, ver_min, "version_min", NULL, 0),
	SSO_F_UINT(C, ver_max, "version_max", NULL, 0),
	SSO_F_FN(NULL, "ver", -7, client_ver),
	SSO_F_UINT(C, version, "version", "neg", -5),
	SSO_F_BOOL(C, streaming, "streaming", NULL, 0),
	SSO_F_UINT(C, tx_msgs, "msgs_sent", "tx_msgs", 10),
	SSO_F_UINT(C, tx_bytes, "bytes_sent", "tx_bytes", 12),
	SSO_F_UINT(C, rx_msgs, "msgs_received", "rx_msgs", 10),
	SSO_F_UINT(C, rx_bytes, "bytes_received", "rx_bytes", 12),
	SSO_F_UINT(C, pending, "pending", "pending", 7),
	SSO_F_UINT(C, errors, "errors", "errors", 6),
	SSO_F_UINT(C, bulks, "bulks", NULL, 0),
};
#undef C
static const struct sso_table client_table = SSO_TABLE(client_fields);

/* the client's own members (JSON) or lines (text) after its row */
static void
client_more(void *arg, struct sso_render *rd)
{
	const struct sso_cf_client_stats *c = arg;

	if (c->show)
		c->show(c->show_arg, rd->j, rd->j ? NULL : rd->b);
}

static int
cmd_show_clients(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct sso_cf_client_stats cs;
	const struct sso_client *c;
	struct sso_rf_info rf;
	struct sso_render rd;

	sso_render_reply(&rd, r);
	if (rd.j)
		sso_json_obj(rd.j);
	sso_table_head(&rd, &client_table, "clients");
	for (c = sso_cf_client_next(NULL); c; c = sso_cf_client_next(c)) {
		sso_cf_client_get_stats(c, &cs);
		sso_table_row_more(&rd, &client_table, &cs, client_more, &cs);
	}
	sso_table_end(&rd, &client_table);
	if (rd.j) {
		sso_json_obj_end(rd.j);
		return SSO_RC_OK;
	}
	sso_rf_get_info(&rf);
	if (rf.not_hot_reason[0])
		sso_wbuf_printf(rd.b, "Not HOT because: %s\n",
		    rf.not_hot_reason);
	return SSO_RC_OK;
}

/* the statistics of the checkpoint facility and of its link */
struct stats_row {
	struct sso_cf_stats cf;
	struct sso_linkstat link;	/* of the checkpoint link */
	uint64_t	 zap_denied, hs_fail;
};

#define S	struct stats_row
#define CTR(m, name)	SSO_F_UINT(S, m, name, name, 0)
static const struct sso_field stats_fields[] = {
	CTR(cf.history, "history_id"),
	CTR(cf.last_seq, "last_seq"),
	CTR(cf.acked, "acked_seq"),
	CTR(cf.applied, "applied_seq"),
	CTR(cf.backlog_records, "retransmit_depth"),
	CTR(cf.backlog_bytes, "retransmit_bytes"),
	CTR(cf.backlog_limit, "backlog_limit"),
	CTR(cf.records_tx, "records_sent"),
	CTR(cf.records_rx, "records_received"),
	CTR(cf.acks_tx, "acks_sent"),
	CTR(cf.acks_rx, "acks_received"),
	CTR(cf.hellos_tx, "hellos_sent"),
	CTR(cf.hellos_rx, "hellos_received"),
	CTR(cf.initial_bulks, "initial_bulks"),
	CTR(cf.partial_resyncs, "partial_resyncs"),
	CTR(cf.full_resyncs, "full_resyncs"),
	CTR(cf.retransmits, "retransmits"),
	CTR(cf.dup_records, "duplicate_records"),
	CTR(cf.gaps, "sequence_gaps"),
	CTR(cf.overflows, "backlog_overflows"),
	CTR(cf.eagain, "flow_control_refusals"),
	CTR(cf.sync_timeouts, "sync_timeouts"),
	CTR(cf.ignored, "records_ignored"),
	CTR(cf.rehellos, "session_rehandshakes"),
	CTR(cf.waits, "stream_waits"),
	CTR(cf.waits_now, "stream_waits_at_once"),
	CTR(cf.flush_held, "sends_held_for_ack"),
	CTR(link.tx_frames, "frames_sent"),
	CTR(link.rx_frames, "frames_received"),
	CTR(link.tx_bytes, "bytes_sent"),
	CTR(link.rx_bytes, "bytes_received"),
	CTR(link.tx_fail, "send_failures"),
	CTR(link.connects, "link_connects"),
	CTR(link.disconnects, "link_disconnects"),
	CTR(zap_denied, "auth_denied"),
	CTR(hs_fail, "handshake_failures"),
	SSO_F_BOOL(S, cf.session_up, "session_up", NULL, 0),
	SSO_F_BOOL(S, cf.link_stalled, "link_stalled", NULL, 0),
};
#undef CTR
#undef S
static const struct sso_table stats_table = SSO_TABLE(stats_fields);

static int
cmd_show_stats(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	static const struct sso_detail_style st = { "  ", 24 };
	struct sso_field f[SSO_BAD_MAX];
	struct stats_row x;
	struct sso_render rd;
	struct sso_table bad;

	memset(&x, 0, sizeof(x));
	sso_cf_get_stats(&x.cf);
	x.link = sso.chan.st[SSO_LINK_CF];
	x.zap_denied = sso.chan.zap_denied;
	x.hs_fail = x.link.auth_fail + sso.chan.st[SSO_LINK_KA].auth_fail;
	bad = sso_counter_table(f, sso_bad_names, SSO_BAD_MAX);
	sso_render_reply(&rd, r);
	if (rd.j)
		sso_json_obj(rd.j);
	sso_render_detail(&rd, &stats_table, &x, NULL, "Checkpoint channel "
	    "statistics:", &st);
	sso_render_detail(&rd, &bad, sso.chan.bad, "bad_frames", "Bad frames "
	    "dropped, by reason:", &st);
	if (rd.j)
		sso_json_obj_end(rd.j);
	return SSO_RC_OK;
}

void
sso_cf_show_init(void)
{
	sso_cmd_register("show checkpoint clients", cmd_show_clients, NULL);
	sso_cmd_register("show redundancy clients", cmd_show_clients, NULL);
	sso_cmd_register("show checkpoint statistics", cmd_show_stats, NULL);
}
