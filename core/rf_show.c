/*
 * rf_show.c - the show commands of the redundancy facility (show
 * redundancy, states, history, counters) and of debugging: read only,
 * from the snapshot rf.c exports (sso_rf_get_info). Every form is a field
 * table (render.h): text and JSON come from one declaration. JSON field
 * names are stable (README "Redundancy commands").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sso_local.h"
#include "render.h"

/* the snapshot of one reply: the RF's, and the figures around it */
struct rf_row {
	struct sso_rf_info rf;
	uint64_t	 pid;
	uint64_t	 wtx, wrx, wbad;		/* witness */
	uint64_t	 zap_denied, zap_allowed, hs_fail_ka, hs_fail_cf;
	uint64_t	 non_zmtp, stale, notify_runs, notify_failures;
	const char	*mode, *hw_mode, *conf_mode, *swact, *disabled;
	const char	*last_reason_text;	/* "none" before a switchover */
	char		 my[48], peer[48], unit[16], peer_unit[16];
	char		 ka[80], sw[80], peer_uptime[96];
	const char	*peer_refused;	/* peer down: why not accepted */
};

static void
snap(struct rf_row *x)
{
	struct sso_rf_info *i = &x->rf;

	memset(x, 0, sizeof(*x));
	sso_rf_get_info(i);
	x->pid = (uint64_t)getpid();
	sso_witness_counters(&x->wtx, &x->wrx, &x->wbad);
	x->zap_denied = sso.chan.zap_denied;
	x->zap_allowed = sso.chan.zap_allowed;
	x->hs_fail_ka = sso.chan.st[SSO_LINK_KA].auth_fail;
	x->hs_fail_cf = sso.chan.st[SSO_LINK_CF].auth_fail;
	x->non_zmtp = sso_peerauth_non_zmtp();
	x->stale = sso.chan.st[SSO_LINK_KA].stale +
	    sso.chan.st[SSO_LINK_CF].stale;
	x->notify_runs = sso_notify_runs();
	x->notify_failures = sso_notify_failures();
	x->mode = i->mode_sso ? "sso" : "none";
	x->hw_mode = i->peer_up ? "Duplex" : "Simplex";
	x->conf_mode = i->mode_sso ? "Stateful Switchover" : "None";
	x->swact = SSO_RF_IS_STANDBY(i->state) ? "cannot be initiated from "
	    "this the standby unit" : i->peer_state == SSO_RF_STANDBY_HOT ?
	    "enabled" : "disabled (the peer unit is not yet in STANDBY HOT)";
	x->last_reason_text = i->switchovers ? i->last_reason : "none";
	snprintf(x->my, sizeof(x->my), "%u -%s", i->state, i->state_name);
	snprintf(x->peer, sizeof(x->peer), "%u -%s", i->peer_state,
	    i->peer_state_name);
	snprintf(x->unit, sizeof(x->unit), "unit %u", i->unit);
	snprintf(x->peer_unit, sizeof(x->peer_unit), "unit %u", i->peer_unit);
	snprintf(x->ka, sizeof(x->ka), "%u milliseconds, threshold = %u",
	    i->ka_interval, i->ka_threshold);
	snprintf(x->sw, sizeof(x->sw), "%llu (standby not ready: %llu)",
	    (unsigned long long)i->switchovers,
	    (unsigned long long)i->standby_not_ready);
	if (i->peer_up)	/* else no line (SSO_FLD_NOTEMPTY) */
		sso_render_dur(x->peer_uptime, sizeof(x->peer_uptime),
		    i->peer_state_uptime_ms);
	x->disabled = "Disabled";
	x->peer_refused = i->peer_up ? "" : i->peer_reason;
}

/*
 * show redundancy states (and the JSON of show redundancy). The text
 * lines and the JSON members interleave: a field with both names is one
 * line and one member.
 */
#define R	struct rf_row
static const struct sso_field states_fields[] = {
	SSO_F_STR(R, my, NULL, "my state =", 0),
	SSO_F_STR(R, peer, NULL, "peer state =", 0),
	SSO_F_PSTR(R, hw_mode, NULL, "Mode =", 0),
	SSO_F_UINT(R, rf.unit, "unit", "Unit =", 0),
	SSO_F_UINT(R, rf.peer_unit, "peer_unit", NULL, 0),
	SSO_F_PSTR(R, rf.state_name, "my_state", NULL, 0),
	SSO_F_UINT(R, rf.state, "my_state_num", NULL, 0),
	SSO_F_PSTR(R, rf.peer_state_name, "peer_state", NULL, 0),
	SSO_F_UINT(R, rf.peer_state, "peer_state_num", NULL, 0),
	SSO_F_PSTR(R, mode, "mode", NULL, 0),
	SSO_F_UINT(R, rf.unit, NULL, "Unit ID =", 0),
	SSO_F_PSTR(R, rf.operating_mode, "operating_mode",
	    "Redundancy Mode (Operational) =", 0),
	SSO_F_PSTR(R, conf_mode, NULL, "Redundancy Mode (Configured)  =", 0),
	SSO_F_PSTR(R, disabled, NULL, "Split Mode =", 0),
	SSO_F_PSTR(R, swact, NULL, "Manual Swact =", 0),
	SSO_F_PSTR(R, rf.communications, "communications", "Communications =",
	    0),
	SSO_F_UINT(R, rf.switchovers, "switchovers", NULL, 0),
	SSO_F_UINT(R, rf.nclients, NULL, "client count =", 0),
	SSO_F_STR(R, ka, NULL, " keep_alive timer =", 0),
	SSO_F_UINT(R, rf.epoch, "epoch", "Epoch =", 0),
	SSO_F_STR(R, sw, NULL, "Switchovers =", 0),
	SSO_F_PSTR(R, rf.last_reason, "last_switchover_reason", NULL, 0),
	SSO_F_UINT(R, rf.detection_ms, "detection_ms", NULL, 0),
	SSO_F_UINT(R, rf.standby_not_ready, "standby_not_ready", NULL, 0),
	SSO_F_UINT(R, rf.standby_failures, "standby_failures", NULL, 0),
	SSO_F_UINT(R, rf.peer_stops, "peer_stops", NULL, 0),
	SSO_F_PSTR(R, rf.not_hot_or_peer, "not_hot_reason", NULL, 0),
	SSO_F_PSTR(R, rf.peer_reason, "peer_reason", NULL, 0),
	SSO_F_UINT(R, rf.peer_auth_failures, "peer_auth_failures", NULL, 0),
	SSO_F_UINT(R, rf.sys_switchovers, "system_switchovers", NULL, 0),
	SSO_F_UINT(R, rf.system_uptime_ms, "system_uptime_ms", NULL, 0),
	SSO_F_UINT(R, rf.uptime_ms, "uptime_ms", NULL, 0),
	SSO_F_UINT(R, rf.state_uptime_ms, "state_uptime_ms", NULL, 0),
	SSO_F_UINT(R, rf.ka_interval, "keepalive_interval_ms", NULL, 0),
	SSO_F_UINT(R, rf.ka_threshold, "keepalive_threshold", NULL, 0),
	SSO_F_BOOL(R, rf.quiesced, "quiesced", NULL, 0),
	SSO_F_UINT(R, rf.dual_active, "dual_active", NULL, 0),
	SSO_F_UINT(R, pid, "pid", NULL, 0),
	SSO_F_UINT(R, rf.ka_gap_max_ms, "peer_keepalive_max_gap_ms", NULL, 0),
	SSO_F_UINT(R, rf.ka_gap_last_ms, "peer_keepalive_last_gap_ms", NULL,
	    0),
};
static const struct sso_table states_table = SSO_TABLE(states_fields);

/* IOS aligns the labels of these forms to the right */
static const struct sso_detail_style states_style = { "", -17 };
static const struct sso_detail_style red_style = { "", -32 };

static int
cmd_show_states(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct sso_render rd;
	struct rf_row x;

	snap(&x);
	if (r->json)
		return sso_render_show(r, &states_table, &x);
	sso_render_reply(&rd, r);
	sso_render_detail(&rd, &states_table, &x, NULL, NULL, &states_style);
	if (x.rf.not_hot_or_peer[0])
		sso_wbuf_printf(rd.b, "  Not HOT because: %s\n",
		    x.rf.not_hot_or_peer);
	return SSO_RC_OK;
}

/* show redundancy, text: the IOS form, in four blocks (JSON: states) */
static const struct sso_field system_fields[] = {
	SSO_F_DUR(R, rf.system_uptime_ms, NULL, "Available system uptime =", 0),
	SSO_F_UINT(R, rf.sys_switchovers, NULL,
	    "Switchovers system experienced =", 0),
	SSO_F_UINT(R, rf.standby_failures, NULL, "Standby failures =", 0),
	SSO_F_UINT(R, rf.standby_not_ready, NULL, "Standby not ready =", 0),
	SSO_F_PSTR(R, last_reason_text, NULL, "Last switchover reason =", 0),
};
static const struct sso_field mode_fields[] = {
	SSO_F_PSTR(R, hw_mode, NULL, "Hardware Mode =", 0),
	SSO_F_PSTR(R, mode, NULL, "Configured Redundancy Mode =", 0),
	SSO_F_PSTR(R, rf.operating_mode, NULL, "Operating Redundancy Mode =",
	    0),
	SSO_F_PSTR(R, disabled, NULL, "Maintenance Mode =", 0),
	SSO_F_PSTR(R, rf.communications, NULL, "Communications =", 0),
};
/* the first label is the unit's role (location_label) */
static const struct sso_field current_fields[] = {
	SSO_F_STR(R, unit, NULL, "Location =", 0),
	SSO_F_PSTR(R, rf.state_name, NULL, "Current Software state =", 0),
	SSO_F_DUR(R, rf.state_uptime_ms, NULL, "Uptime in current state =", 0),
	SSO_F_DUR(R, rf.uptime_ms, NULL, "Uptime of process =", 0),
	SSO_F_UINT(R, rf.switchovers, NULL, "Switchovers to this unit =", 0),
	SSO_F_PSTR(R, rf.hostname, NULL, "Hostname =", 0),
};
static const struct sso_field peer_fields[] = {
	SSO_F_STR(R, peer_unit, NULL, "Location =", 0),
	SSO_F_PSTR(R, rf.peer_state_name, NULL, "Current Software state =", 0),
	{ .head = "Uptime in current state =", .flags = SSO_FLD_NOTEMPTY,
	  .type = SSO_FT_STR, .off = offsetof(R, peer_uptime),
	  .size = sizeof(((R *)0)->peer_uptime) },
	{ .head = "Peer not accepted =", .flags = SSO_FLD_NOTEMPTY,
	  .type = SSO_FT_PSTR, .off = offsetof(R, peer_refused),
	  .size = sizeof(const char *) },
	{ .head = "Not HOT because =", .flags = SSO_FLD_NOTEMPTY,
	  .type = SSO_FT_PSTR, .off = offsetof(R, rf.not_hot_reason),
	  .size = sizeof(const char *) },
};
#define NFIELDS(a)	(sizeof(a) / sizeof((a)[0]))

/* the label of a unit's block follows that unit's role (IOS prints
 * "Standby Location" for a standby); a unit with no role yet (peer
 * down, negotiating) has a plain "Location" */
static const char *
location_label(int up, unsigned st)
{
	if (up && SSO_RF_IS_ACTIVE(st))
		return "Active Location =";
	if (up && SSO_RF_IS_STANDBY(st))
		return "Standby Location =";
	return "Location =";
}

static void
unit_block(struct sso_render *rd, const struct sso_field *tf, size_t n,
    const char *label, const struct rf_row *x, const char *heading)
{
	struct sso_field f[8];
	struct sso_table t = { f, n };

	memcpy(f, tf, n * sizeof(f[0]));
	f[0].head = label;
	sso_render_detail(rd, &t, x, NULL, heading, &red_style);
}

static int
cmd_show_redundancy(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	static const struct sso_table system_table = SSO_TABLE(system_fields);
	static const struct sso_table mode_table = SSO_TABLE(mode_fields);
	struct sso_render rd;
	struct rf_row x;

	_Static_assert(NFIELDS(current_fields) <= 8 &&
	    NFIELDS(peer_fields) <= 8, "unit_block: f too small");
	if (r->json)
		return cmd_show_states(arg, a, r);
	snap(&x);
	sso_render_reply(&rd, r);
	/* pair-wide: both units show the same figures (rf.c pair_figures) */
	sso_render_detail(&rd, &system_table, &x, NULL, "Redundant System "
	    "Information :\n------------------------------", &red_style);
	sso_render_detail(&rd, &mode_table, &x, NULL, "", &red_style);
	unit_block(&rd, current_fields, NFIELDS(current_fields),
	    location_label(1, x.rf.state), &x, "\nCurrent Processor "
	    "Information :\n-------------------------------");
	unit_block(&rd, peer_fields, NFIELDS(peer_fields),
	    location_label(x.rf.peer_up, x.rf.peer_state), &x, "\nPeer "
	    "Processor Information :\n----------------------------");
	return SSO_RC_OK;
}

/* show redundancy history: "Mon DD HH:MM:SS.mmm event" lines */
static const char *
hist_time(const void *row, char *buf, size_t len)
{
	const struct sso_hist *h = row;
	time_t t = (time_t)(h->wall_ms / 1000);
	struct tm tm;
	char tb[32];

	localtime_r(&t, &tm);
	strftime(tb, sizeof(tb), "%b %d %H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03u", tb, (unsigned)(h->wall_ms % 1000));
	return buf;
}

static const struct sso_field hist_fields[] = {
	SSO_F_FN(NULL, "Time", 0, hist_time),
	SSO_F_UINT(struct sso_hist, wall_ms, "time_ms", NULL, 0),
	SSO_F_STR(struct sso_hist, text, "event", "Event", 0),
};
static const struct sso_table hist_table = SSO_TABLE(hist_fields);

static int
cmd_show_history(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	unsigned i, start = sso.nhist > SSO_HIST ? sso.nhist - SSO_HIST : 0;
	struct sso_render rd;

	sso_render_reply(&rd, r);
	if (rd.j) {	/* text: the lines alone, no header */
		sso_json_obj(rd.j);
		sso_table_head(&rd, &hist_table, "history");
	}
	for (i = start; i < sso.nhist; i++)
		sso_table_row(&rd, &hist_table, &sso.hist[i % SSO_HIST]);
	sso_table_end(&rd, &hist_table);
	if (rd.j)
		sso_json_obj_end(rd.j);
	return SSO_RC_OK;
}

/* show redundancy counters: the name is the text label and JSON key */
#define CTR(m, name)	SSO_F_UINT(R, m, name, name, 0)
static const struct sso_field counter_fields[] = {
	CTR(rf.ka_tx, "keepalives_sent"),
	CTR(rf.ka_rx, "keepalives_received"),
	CTR(rf.ka_missed, "keepalive_timeouts"),
	CTR(rf.peer_downs, "peer_down"),
	CTR(rf.switchovers, "switchovers"),
	CTR(rf.standby_not_ready, "standby_not_ready"),
	CTR(rf.dual_active, "dual_active"),
	CTR(rf.stale_epoch, "stale_epoch_dropped"),
	CTR(rf.stale_handover, "stale_epoch_handover"),
	CTR(rf.standby_failures, "standby_failures"),
	CTR(rf.peer_stops, "peer_stops"),
	CTR(rf.comm_interruptions, "comm_interruptions"),
	CTR(rf.peer_process_gone, "peer_process_gone"),
	CTR(rf.liveness_connections, "liveness_connections"),
	CTR(rf.liveness_ends, "liveness_ends"),
	CTR(rf.liveness_refused, "liveness_refused"),
	CTR(wtx, "witness_sent"),
	CTR(wrx, "witness_received"),
	CTR(wbad, "witness_bad"),
	CTR(zap_denied, "auth_denied"),
	CTR(zap_allowed, "auth_allowed"),
	CTR(hs_fail_ka, "handshake_failed_ka"),
	CTR(hs_fail_cf, "handshake_failed_cf"),
	CTR(rf.peer_auth_failures, "peer_auth_failures"),
	CTR(non_zmtp, "non_zmtp_connections"),
	CTR(stale, "stale_connection_reopens"),
	CTR(notify_runs, "notify_runs"),
	CTR(notify_failures, "notify_failures"),
	CTR(rf.ka_late, "keepalives_late"),
};
#undef CTR
#undef R
static const struct sso_table counter_table = SSO_TABLE(counter_fields);

static int
cmd_show_counters(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	static const struct sso_detail_style st = { "  ", 24 };
	struct sso_render rd;
	struct rf_row x;

	snap(&x);
	sso_render_reply(&rd, r);
	if (rd.j)
		return sso_render_show(r, &counter_table, &x);
	sso_render_detail(&rd, &counter_table, &x, NULL, "Redundancy Facility "
	    "counters:", &st);
	return SSO_RC_OK;
}

/* a->s[0] is the category's registered name ("redundancy rf") */
static int
cmd_debug(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	const char *kw = strrchr(a->s[0], ' ');
	int on = (arg != NULL);

	if (sso_debug_set(a->s[0], on) == -1)
		return sso_reply_err(r, SSO_RC_BADARG, "%% Unknown debug "
		    "category %s", a->s[0]);
	kw = kw ? kw + 1 : a->s[0];
	return sso_render_debug(r, "Redundancy", kw, on);
}

static int
debug_cmp(const void *a, const void *b)
{
	const struct sso_debug *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* "redundancy" -> "Redundancy", acronyms ("l2tp", "ppp") in capitals */
static void
facility_title(const char *name, size_t len, char *out, size_t outlen)
{
	size_t i;

	snprintf(out, outlen, "%.*s", (int)len, name);
	for (i = 0; out[i]; i++)
		if ((i == 0 || len <= 4) && out[i] >= 'a' && out[i] <= 'z')
			out[i] = (char)(out[i] - 'a' + 'A');
}

/*
 * show debugging: the categories that are on, grouped by facility (the
 * first word of the category's name), as IOS lists them.
 */
static int
cmd_show_debugging(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	const struct sso_debug *d, *on[128];
	struct sso_json j;
	char title[32];
	size_t n = 0, i, fl, prev = 0;

	for (d = sso_debug_list(); d && n < 128; d = d->next)
		if (d->on)
			on[n++] = d;
	qsort(on, n, sizeof(on[0]), debug_cmp);
	if (r->json) {
		sso_json_init(&j, &r->out);
		sso_json_obj(&j);
		sso_json_key(&j, "debugging");
		sso_json_obj(&j);
	}
	for (i = 0; i < n; i++) {
		fl = strcspn(on[i]->name, " ");
		if (i == 0 || fl != prev ||
		    strncmp(on[i]->name, on[i - 1]->name, fl) != 0) {
			if (r->json && i > 0)
				sso_json_arr_end(&j);
			snprintf(title, sizeof(title), "%.*s", (int)fl,
			    on[i]->name);
			if (r->json) {
				sso_json_key(&j, title);
				sso_json_arr(&j);
			} else {
				facility_title(on[i]->name, fl, title,
				    sizeof(title));
				sso_wbuf_printf(&r->out, "%s:\n", title);
			}
		}
		prev = fl;
		if (r->json) {
			sso_json_str(&j, on[i]->name[fl] ? on[i]->name + fl + 1 :
			    on[i]->name);
			continue;
		}
		facility_title(on[i]->name, fl, title, sizeof(title));
		sso_wbuf_printf(&r->out, "  %s%s debugging is on\n", title,
		    on[i]->name + fl);
	}
	if (r->json) {
		if (n > 0)
			sso_json_arr_end(&j);
		sso_json_obj_end(&j);
		sso_json_obj_end(&j);
	}
	return SSO_RC_OK;
}

static int
cmd_undebug_all(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	sso_debug_all(0);
	sso_wbuf_printf(&r->out, r->json ? "{\"debug\":\"all\",\"on\":false}" :
	    "All possible debugging has been turned off\n");
	return SSO_RC_OK;
}

void
sso_rf_show_init(void)
{
	sso_cmd_register("show redundancy", cmd_show_redundancy, NULL);
	sso_cmd_register("show redundancy states", cmd_show_states, NULL);
	sso_cmd_register("show redundancy history", cmd_show_history, NULL);
	sso_cmd_register("show redundancy counters", cmd_show_counters, NULL);
	/* the categories are the registered "redundancy ..." ones (cmd.h) */
	sso_cmd_register("debug redundancy <debug:redundancy>", cmd_debug,
	    &sso);
	sso_cmd_register("undebug redundancy <debug:redundancy>", cmd_debug,
	    NULL);
	sso_cmd_register("show debugging", cmd_show_debugging, NULL);
	sso_cmd_register("undebug all", cmd_undebug_all, NULL);
}
