/*
 * issu_show.c - the show commands of the ISSU procedure (issu.c): one
 * field table per form (render.h), text and JSON from it.
 *
 *   show issu state [detail]   per unit: RF state, ISSU state, primary,
 *                              secondary and current version (detail:
 *                              the build, the rollback timer)
 *   show issu rollback-timer   show issu clients   show issu negotiated
 *   show issu comp-matrix
 */
#include <stdio.h>
#include <string.h>

#include "sso_local.h"
#include "metrics.h"
#include "render.h"
#include "issu_local.h"

#define issu		sso_issu
#define state_name	issu_state_name

/* --- show */

struct unit_row {
	unsigned	 unit;
	const char	*where;
	const char	*rf_state;
	const char	*issu_state;
	const char	*mode;
	const char	*primary, *secondary, *current, *build;
	int		 accepted;
	uint64_t	 rollback_remaining_s;
	const char	*last_event;
};

#define UR(m, js, hd)	SSO_F_PSTR(struct unit_row, m, js, hd, 0)
/* the short form is the first eight, detail all of them */
static const struct sso_field unit_fields[] = {
	SSO_F_UINT(struct unit_row, unit, "unit", "Unit", 0),
	UR(where, "location", "Location"),
	UR(rf_state, "rf_state", "RF State"),
	UR(issu_state, "issu_state", "ISSU State"),
	UR(mode, "operating_mode", "Operating Mode"),
	UR(primary, "primary_version", "Primary Version"),
	UR(secondary, "secondary_version", "Secondary Version"),
	UR(current, "current_version", "Current Version"),
	UR(build, "build", "Build"),
	SSO_F_BOOL(struct unit_row, accepted, "accepted", "Accepted", 0),
	SSO_F_UINT(struct unit_row, rollback_remaining_s,
	    "rollback_remaining_s", "Rollback Remaining (s)", 0),
	UR(last_event, "last_event", "Last Change"),
};
static const struct sso_table unit_table = { unit_fields, 8 };
static const struct sso_table unit_detail_table = SSO_TABLE(unit_fields);

static uint64_t
remaining_s(void)
{
	uint64_t now = sso_now_ms();

	if (issu.r.deadline_ms == 0 || issu.r.accepted)
		return 0;
	return issu.r.deadline_ms > now ?
	    (issu.r.deadline_ms - now + 999) / 1000 : 0;
}

static const char *
dash(const char *s)
{
	return s && s[0] ? s : "-";
}

static void
unit_rows(struct unit_row u[2])
{
	int peer = sso.rf.peer_up && issu.peer_known;

	memset(u, 0, 2 * sizeof(*u));
	u[0].unit = sso.conf.unit;
	u[0].where = "this unit";
	u[0].rf_state = sso_rf_state_name(sso.rf.state);
	u[0].issu_state = state_name(issu.r.state);
	u[0].current = issu.image;
	u[0].build = issu.build;
	u[1].unit = !sso.conf.unit;
	u[1].where = "peer unit";
	u[1].rf_state = sso.rf.peer_up ? sso_rf_state_name(sso.rf.peer_state)
	    : "DISABLED";
	u[1].issu_state = peer ? state_name(issu.peer_state) : "Unknown";
	u[1].current = peer ? issu.peer_image : "-";
	u[1].build = peer ? issu.peer_build : "-";
	for (int i = 0; i < 2; i++) {
		/* the pair shares one record: the active's */
		u[i].mode = sso.conf.mode_sso && sso.rf.peer_up ?
		    "Stateful Switchover" : "Simplex";
		u[i].primary = dash(issu.r.primary);
		u[i].secondary = dash(issu.r.secondary);
		u[i].accepted = issu.r.accepted;
		u[i].rollback_remaining_s = remaining_s();
		u[i].last_event = issu_event_name(issu.r.last_ev);
	}
}

static int
show_state(struct sso_reply *r, int detail)
{
	static const struct sso_detail_style st = { "  ", 24 };
	const struct sso_table *t = detail ? &unit_detail_table : &unit_table;
	struct sso_render rd;
	struct unit_row u[2];
	struct sso_json j;

	unit_rows(u);
	if (r->json) {
		sso_json_init(&j, &r->out);
		sso_render_init(&rd, &r->out, &j);
		sso_json_obj(&j);
		sso_json_kstr(&j, "issu_state", state_name(issu.r.state));
		sso_json_ku64(&j, "issu_state_num", issu.r.state);
		sso_json_kstr(&j, "current_version", issu.image);
		sso_json_kstr(&j, "primary_version", issu.r.primary);
		sso_json_kstr(&j, "secondary_version", issu.r.secondary);
		sso_json_kstr(&j, "build", issu.build);
		sso_json_kbool(&j, "accepted", issu.r.accepted);
		sso_json_kbool(&j, "changeversion", issu.r.autorun);
		sso_json_kstr(&j, "changeversion_stopped", issu.auto_failed);
		sso_json_ku64(&j, "new_unit", issu.r.new_unit);
		sso_json_ku64(&j, "rollback_timer_s", issu.r.rollback_s);
		sso_json_ku64(&j, "rollback_remaining_s", remaining_s());
		sso_json_ku64(&j, "gen", issu.r.gen);
		sso_json_kstr(&j, "last_event", issu_event_name(issu.r.last_ev));
		sso_json_ku64(&j, "aborts", issu.aborts);
		sso_json_ku64(&j, "rollbacks", issu.rollbacks);
		sso_json_key(&j, "units");
		sso_json_arr(&j);
		for (int i = 0; i < 2; i++) {
			sso_json_obj(&j);
			sso_render_detail(&rd, t, &u[i], NULL, NULL, &st);
			sso_json_obj_end(&j);
		}
		sso_json_arr_end(&j);
		sso_json_obj_end(&j);
		return SSO_RC_OK;
	}
	sso_render_init(&rd, &r->out, NULL);
	for (int i = 0; i < 2; i++) {
		sso_render_detail(&rd, t, &u[i], NULL, NULL, &st);
		sso_wbuf_printf(&r->out, "\n");
	}
	return SSO_RC_OK;
}

static int
cmd_show_state(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	return show_state(r, 0);
}

static int
cmd_show_state_detail(void *arg, const struct sso_args *a,
    struct sso_reply *r)
{
	return show_state(r, 1);
}

/* one row's detail form: labels padded in text, an object in JSON */
static int
show_detail(struct sso_reply *r, const struct sso_table *t, const void *row)
{
	static const struct sso_detail_style st = { "", 30 };
	struct sso_render rd;

	if (r->json)
		return sso_render_show(r, t, row);
	sso_render_init(&rd, &r->out, NULL);
	sso_render_detail(&rd, t, row, NULL, NULL, &st);
	return SSO_RC_OK;
}

struct timer_row {
	const char	*process;
	unsigned	 configured_s;
	uint64_t	 remaining_s;
};
static const struct sso_field timer_fields[] = {
	SSO_F_PSTR(struct timer_row, process, "rollback_state",
	    "Rollback Process State", 0),
	SSO_F_UINT(struct timer_row, configured_s, "rollback_timer_s",
	    "Configured Rollback Time (s)", 0),
	SSO_F_UINT(struct timer_row, remaining_s, "rollback_remaining_s",
	    "Automatic Rollback Time (s)", 0),
};
static const struct sso_table timer_table = SSO_TABLE(timer_fields);

static int
cmd_show_timer(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct timer_row t = { "Not in progress", issu.r.rollback_s, 0 };

	if (issu.r.state == ISSU_RUN && issu.r.accepted)
		t.process = "Stopped (accepted)";
	else if (issu.r.state == ISSU_RUN && issu.r.deadline_ms) {
		t.process = "In progress";
		t.remaining_s = remaining_s();
	}
	return show_detail(r, &timer_table, &t);
}

struct client_row {
	uint32_t	 id;
	const char	*name;
	uint32_t	 ver_min, ver_max, version, peer_min, peer_max;
	const char	*kind;
	const char	*result;
};
static const struct sso_field client_fields[] = {
	SSO_F_UINT(struct client_row, id, "id", "ID", -6),
	SSO_F_PSTR(struct client_row, name, "name", "Name", -16),
	SSO_F_UINT(struct client_row, ver_min, "version_min", "Min", 4),
	SSO_F_UINT(struct client_row, ver_max, "version_max", "Max", 4),
	SSO_F_PSTR(struct client_row, kind, "kind", "Kind", -8),
};
static const struct sso_field nego_fields[] = {
	SSO_F_UINT(struct client_row, id, "id", "ID", -6),
	SSO_F_PSTR(struct client_row, name, "name", "Name", -16),
	SSO_F_PSTR(struct client_row, kind, "kind", "Kind", -8),
	SSO_F_UINT(struct client_row, version, "version", "Negotiated", 10),
	SSO_F_UINT(struct client_row, peer_min, "peer_version_min", "PeerMin",
	    7),
	SSO_F_UINT(struct client_row, peer_max, "peer_version_max", "PeerMax",
	    7),
	SSO_F_PSTR(struct client_row, result, "result", "Result", -12),
};
static const struct sso_table client_table = SSO_TABLE(client_fields);
static const struct sso_table nego_table = SSO_TABLE(nego_fields);

static void
client_row(const struct sso_client *c, struct client_row *row)
{
	struct sso_cf_client_stats s;

	sso_cf_client_get_stats(c, &s);
	row->id = s.id;
	row->name = s.name;
	row->ver_min = s.ver_min;
	row->ver_max = s.ver_max;
	row->version = s.version;
	row->peer_min = s.peer_min;
	row->peer_max = s.peer_max;
	row->kind = s.optional ? "optional" : "base";
	row->result = s.peer_max == 0 ? "Unknown" : s.version ? "Compatible" :
	    s.optional ? "Not synced" : "Incompatible";
}

static int
show_clients(struct sso_reply *r, const struct sso_table *t)
{
	const struct sso_client *c;
	struct client_row row;
	struct sso_render rd;
	struct sso_json j;

	if (r->json) {
		sso_json_init(&j, &r->out);
		sso_render_init(&rd, &r->out, &j);
		sso_json_obj(&j);
		sso_table_head(&rd, t, "clients");
	} else {
		sso_render_init(&rd, &r->out, NULL);
		sso_table_head(&rd, t, NULL);
	}
	for (c = sso_cf_client_next(NULL); c; c = sso_cf_client_next(c)) {
		client_row(c, &row);
		sso_table_row(&rd, t, &row);
	}
	sso_table_end(&rd, t);
	if (r->json)
		sso_json_obj_end(&j);
	return SSO_RC_OK;
}

static int
cmd_show_clients(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	return show_clients(r, &client_table);
}

static int
cmd_show_negotiated(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	return show_clients(r, &nego_table);
}

struct matrix_row {
	unsigned	 peer_unit;
	const char	*peer_build;
	const char	*compat;
	const char	*reason;
	const char	*load_compat;
	const char	*load_reason;
};
static const struct sso_field matrix_fields[] = {
	SSO_F_UINT(struct matrix_row, peer_unit, "peer_unit", "Peer unit", 0),
	SSO_F_PSTR(struct matrix_row, peer_build, "peer_build", "Peer build",
	    0),
	SSO_F_PSTR(struct matrix_row, compat, "compatibility",
	    "Compatibility", 0),
	SSO_F_PSTR(struct matrix_row, reason, "reason", "Reason", 0),
	SSO_F_PSTR(struct matrix_row, load_compat, "loaded_image_compatibility",
	    "Loaded image (-V)", 0),
	SSO_F_PSTR(struct matrix_row, load_reason, "loaded_image_reason",
	    "Loaded image reason", 0),
};
static const struct sso_table matrix_table = SSO_TABLE(matrix_fields);

static int
cmd_show_matrix(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	char why[600];
	struct matrix_row m;

	m.peer_unit = !sso.conf.unit;
	m.peer_build = sso.rf.peer_up && issu.peer_known ? issu.peer_build :
	    "-";
	m.compat = issu_compat_name(issu_peer_verdict(why, sizeof(why)));
	m.reason = dash(why);
	m.load_compat = issu.r.state == ISSU_LOAD ?
	    issu_compat_name(issu.load_compat) : "-";
	m.load_reason = issu.r.state == ISSU_LOAD ? dash(issu.load_why) : "-";
	return show_detail(r, &matrix_table, &m);
}

/* the daemon's unit: commands and identity (unit tests never call it) */
void
sso_issu_init(void)
{
	issu_core_init();
	sso_cmd_register("show issu state", cmd_show_state, NULL);
	sso_cmd_register("show issu state detail", cmd_show_state_detail,
	    NULL);
	sso_cmd_register("show issu rollback-timer", cmd_show_timer, NULL);
	sso_cmd_register("show issu clients", cmd_show_clients, NULL);
	sso_cmd_register("show issu negotiated", cmd_show_negotiated, NULL);
	sso_cmd_register("show issu comp-matrix", cmd_show_matrix, NULL);
}
