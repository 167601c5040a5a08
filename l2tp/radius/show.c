/*
 * show.c - field tables for the RADIUS show commands (rendered by
 * core/render.c): rows are rad_server_stats snapshots, so the commands
 * (`show aaa servers`, `show radius statistics`, in the service) only
 * take snapshots and render. Nothing here can reach a key: the snapshot
 * has none.
 */
#include <stdio.h>

#include "render.h"
#include "rad_local.h"

static const char *
srv_state_name(unsigned s)
{
	return s == RAD_SRV_DEAD ? "DEAD" : "UP";
}

static const char *
avg_latency(const void *row, char *buf, size_t len)
{
	const struct rad_server_stats *st = row;
	uint64_t us = st->latency_n ? st->latency_sum_us / st->latency_n : 0;

	snprintf(buf, len, "%llu.%03llu", (unsigned long long)(us / 1000),
	    (unsigned long long)(us % 1000));
	return buf;
}

#define ST	struct rad_server_stats
#define DROP(e, js, hd) { .json = (js), .head = (hd), .width = 0,	\
	.type = SSO_FT_UINT, .off = offsetof(ST, drops[e]),		\
	.size = sizeof(uint64_t) }

/* `show aaa servers`: one line per server */
static const struct sso_field server_fields[] = {
	SSO_F_STR(ST, name, "name", "Server", -10),
	SSO_F_STR(ST, addr, "address", "Address", -15),
	SSO_F_UINT(ST, auth_port, "auth_port", "Auth", 5),
	SSO_F_UINT(ST, acct_port, "acct_port", "Acct", 5),
	SSO_F_ENUM(ST, state, "state", "State", -5, srv_state_name),
	SSO_F_UINT(ST, auth_requests, "auth_requests", "AuthReq", 8),
	SSO_F_UINT(ST, auth_accepts, "accepts", "Accept", 8),
	SSO_F_UINT(ST, auth_rejects, "rejects", "Reject", 8),
	SSO_F_UINT(ST, acct_requests, "acct_requests", "AcctReq", 8),
	SSO_F_UINT(ST, acct_responses, "acct_responses", "AcctRsp", 8),
	SSO_F_UINT(ST, timeouts, "timeouts", "Timeout", 8),
	SSO_F_UINT(ST, retransmits, "retransmits", "Retrans", 8),
	SSO_F_FN("avg_latency_ms", "AvgMs", 9, avg_latency),
};

/* `show radius statistics`: every counter, detail form */
static const struct sso_field stats_fields[] = {
	SSO_F_STR(ST, name, "name", "Server:", 0),
	SSO_F_STR(ST, addr, "address", "Address:", 0),
	SSO_F_UINT(ST, auth_port, "auth_port", "Auth port:", 0),
	SSO_F_UINT(ST, acct_port, "acct_port", "Acct port:", 0),
	SSO_F_ENUM(ST, state, "state", "State:", 0, srv_state_name),
	SSO_F_MS(ST, dead_for_ms, "dead_for_ms", "Dead for:", 0),
	SSO_F_UINT(ST, dead_count, "dead_count", "Dead count:", 0),
	SSO_F_UINT(ST, auth_requests, "auth_requests", "Access-Requests:", 0),
	SSO_F_UINT(ST, auth_accepts, "accepts", "Access-Accepts:", 0),
	SSO_F_UINT(ST, auth_rejects, "rejects", "Access-Rejects:", 0),
	SSO_F_UINT(ST, auth_challenges, "challenges", "Access-Challenges:", 0),
	SSO_F_UINT(ST, acct_requests, "acct_requests",
	    "Accounting-Requests:", 0),
	SSO_F_UINT(ST, acct_responses, "acct_responses",
	    "Accounting-Responses:", 0),
	SSO_F_UINT(ST, timeouts, "timeouts", "Timeouts:", 0),
	SSO_F_UINT(ST, retransmits, "retransmits", "Retransmissions:", 0),
	SSO_F_UINT(ST, failovers, "failovers", "Failovers:", 0),
	SSO_F_UINT(ST, in_flight, "in_flight", "In flight:", 0),
	SSO_F_UINT(ST, in_flight_max, "in_flight_max", "In flight (peak):", 0),
	SSO_F_UINT(ST, queued, "queued", "Queued:", 0),
	SSO_F_UINT(ST, sockets, "source_ports", "Source ports:", 0),
	SSO_F_FN("avg_latency_ms", "Average latency (ms):", 0, avg_latency),
	SSO_F_UINT(ST, bad_packets, "dropped", "Dropped answers:", 0),
	DROP(RAD_E_SHORT, "drop_short", "  short packet:"),
	DROP(RAD_E_LENGTH, "drop_length", "  bad length:"),
	DROP(RAD_E_ATTR, "drop_attribute", "  bad attribute:"),
	DROP(RAD_E_AUTH, "drop_authenticator", "  bad authenticator:"),
	DROP(RAD_E_MSGAUTH, "drop_message_authenticator",
	    "  bad message-authenticator:"),
	DROP(RAD_E_CODE, "drop_code", "  unexpected code:"),
	DROP(RAD_E_UNKNOWN, "drop_unknown", "  unknown request:"),
};
#undef DROP
#undef ST

static const struct sso_table server_table = SSO_TABLE(server_fields);
static const struct sso_table stats_table = SSO_TABLE(stats_fields);

const struct sso_table *
rad_servers_table(void)
{
	return &server_table;
}

const struct sso_table *
rad_stats_table(void)
{
	return &stats_table;
}
