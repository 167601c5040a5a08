/*
 * sub_show.c - subscriber commands: show ppp all, show ppp counters,
 * show subscriber session [detail] [username U], show ip local pool
 * [NAME], debug ppp {negotiation|authentication|error|packet}. Every
 * table is one field table (render.h); the session tables stream.
 * No password or CHAP value is ever shown.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sub_local.h"
#include "render.h"

struct sso_debug sub_dbg[4] = {
	[PPP_LOG_NEGOTIATION] = { .name = "ppp negotiation" },
	[PPP_LOG_AUTH] = { .name = "ppp authentication" },
	[PPP_LOG_ERROR] = { .name = "ppp error" },
	[PPP_LOG_PACKET] = { .name = "ppp packet" },
};

static const char *
ip_text(uint32_t a, char *buf, size_t len)
{
	struct in_addr in = { htonl(a) };

	if (a == 0 || inet_ntop(AF_INET, &in, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "-");
	return buf;
}

/* ---- one session's snapshot ---- */
struct sub_row {
	uint16_t	 tunnel_id, session_id;
	char		 username[PPP_NAME_MAX];
	char		 ipv4[INET_ADDRSTRLEN];
	const char	*lcp_state, *ipcp_state, *auth, *phase;
	uint16_t	 mru;
	uint32_t	 magic_local, magic_peer;
	uint64_t	 uptime_ms;
	uint64_t	 rx_packets, tx_packets, rx_bytes, tx_bytes;
	char		 iface[24];
	char		 protos[48];
	const char	*stage;
	char		 dns[2 * INET_ADDRSTRLEN];	/* served by IPCP */
	char		 acct_sid[40];	/* Acct-Session-Id */
};

/* the DNS servers IPCP agreed with the peer, "-" when none */
static void
sub_snap_dns(const struct sub *s, char *buf, size_t len)
{
	struct ppp_established e;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	ppp_export(s->ppp, &e);
	ip_text(e.dns[0], a, sizeof(a));
	if (e.dns[1])
		snprintf(buf, len, "%s %s", a, ip_text(e.dns[1], b,
		    sizeof(b)));
	else
		snprintf(buf, len, "%s", a);
}

static void
sub_snap(const struct sub *s, struct sub_row *r)
{
	struct ppp_info pi;
	int up;

	memset(r, 0, sizeof(*r));
	ppp_get_info(s->ppp, &pi);
	r->tunnel_id = s->tid;
	r->session_id = s->sid;
	snprintf(r->username, sizeof(r->username), "%s", pi.user);
	ip_text(pi.addr_peer, r->ipv4, sizeof(r->ipv4));
	sub_snap_dns(s, r->dns, sizeof(r->dns));
	snprintf(r->acct_sid, sizeof(r->acct_sid), "%s", sub_acct_sid(s));
	r->lcp_state = ppp_state_name(pi.lcp_state);
	r->ipcp_state = ppp_state_name(pi.ipcp_state);
	r->auth = pi.auth == PPP_AUTH_PAP ? "pap" : pi.auth ==
	    PPP_AUTH_CHAP ? "chap" : "none";
	r->phase = ppp_phase_name(pi.phase);
	r->mru = pi.mru_peer;
	r->magic_local = pi.magic_ours;
	r->magic_peer = pi.magic_peer;
	r->uptime_ms = sso_now_ms() - s->start_ms;
	r->rx_packets = s->rx_pkts;
	r->tx_packets = s->tx_pkts;
	r->rx_bytes = s->rx_bytes;
	r->tx_bytes = s->tx_bytes;
	snprintf(r->iface, sizeof(r->iface), "Vi%u/%u", s->tid, s->sid);
	/* IOS: + open, * negotiating, - failed */
	up = pi.lcp_state == PPP_ST_OPENED;
	snprintf(r->protos, sizeof(r->protos), "LCP%c %s%s%sIPCP%c",
	    up ? '+' : '*', pi.auth == PPP_AUTH_NONE ? "" : pi.auth ==
	    PPP_AUTH_PAP ? "PAP" : "CHAP", pi.auth == PPP_AUTH_NONE ? "" :
	    pi.authenticated ? "+" : s->dying ? "-" : "*",
	    pi.auth == PPP_AUTH_NONE ? "" : " ",
	    pi.ipcp_state == PPP_ST_OPENED ? '+' : '*');
	r->stage = pi.ipcp_state == PPP_ST_OPENED ? "LocalT" : r->phase;
}

/* a standby's copy in the same row: "-" states while it holds only the
 * address (the call still negotiates on the active) */
static void
copy_snap(const struct sub_copy *c, struct sub_row *r)
{
	const struct ppp_established *e = c->e;
	struct timespec ts;
	uint64_t now;

	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	r->tunnel_id = c->tid;
	r->session_id = c->sid;
	ip_text(c->addr, r->ipv4, sizeof(r->ipv4));
	r->uptime_ms = c->start_unix_ms != 0 && now > c->start_unix_ms ?
	    now - c->start_unix_ms : 0;
	r->rx_packets = c->rx_pkts;
	r->tx_packets = c->tx_pkts;
	r->rx_bytes = c->rx_bytes;
	r->tx_bytes = c->tx_bytes;
	snprintf(r->iface, sizeof(r->iface), "Vi%u/%u", c->tid, c->sid);
	r->lcp_state = r->ipcp_state = r->phase = r->stage = "-";
	r->auth = "none";
	snprintf(r->dns, sizeof(r->dns), "-");
	snprintf(r->protos, sizeof(r->protos), "standby copy");
	if (e == NULL)
		return;
	snprintf(r->username, sizeof(r->username), "%s", e->user);
	snprintf(r->acct_sid, sizeof(r->acct_sid), "%s", c->acct_sid);
	r->lcp_state = ppp_state_name(e->lcp_state);
	r->ipcp_state = ppp_state_name(e->ipcp_state);
	r->phase = ppp_phase_name(e->phase);
	r->stage = "Standby";
	r->auth = e->auth == PPP_AUTH_PAP ? "pap" : e->auth ==
	    PPP_AUTH_CHAP ? "chap" : "none";
	r->mru = e->mru_peer;
	r->magic_local = e->magic_ours;
	r->magic_peer = e->magic_peer;
	if (e->dns[0] != 0) {
		char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

		ip_text(e->dns[0], a, sizeof(a));
		if (e->dns[1])
			snprintf(r->dns, sizeof(r->dns), "%s %s", a,
			    ip_text(e->dns[1], b, sizeof(b)));
		else
			snprintf(r->dns, sizeof(r->dns), "%s", a);
	}
}

#define R	struct sub_row
/* show subscriber session: the text columns, every JSON field */
static const struct sso_field sub_fields[] = {
	SSO_F_UINT(R, tunnel_id, "tunnel_id", "TunID", -6),
	SSO_F_UINT(R, session_id, "session_id", "SessID", -6),
	{ .json = "username", .head = "Username", .width = -20,
	  .flags = SSO_FLD_TRUNC, .type = SSO_FT_STR,
	  .off = offsetof(R, username), .size = PPP_NAME_MAX },
	SSO_F_STR(R, ipv4, "ipv4", "IPv4", -15),
	SSO_F_PSTR(R, lcp_state, "lcp_state", "LCP", -8),
	SSO_F_PSTR(R, ipcp_state, "ipcp_state", "IPCP", -8),
	SSO_F_PSTR(R, auth, "auth", "Auth", -4),
	SSO_F_UINT(R, mru, "mru", NULL, 0),
	SSO_F_UINT(R, magic_local, "magic_local", NULL, 0),
	SSO_F_UINT(R, magic_peer, "magic_peer", NULL, 0),
	SSO_F_MS(R, uptime_ms, "uptime_ms", "Uptime", 10),
	SSO_F_UINT(R, rx_packets, "rx_packets", NULL, 0),
	SSO_F_UINT(R, tx_packets, "tx_packets", NULL, 0),
	SSO_F_UINT(R, rx_bytes, "rx_bytes", NULL, 0),
	SSO_F_UINT(R, tx_bytes, "tx_bytes", NULL, 0),
};
static const struct sso_table sub_table = SSO_TABLE(sub_fields);

/* the detail form: the same JSON, every field labelled in text */
static const struct sso_field detail_fields[] = {
	SSO_F_UINT(R, tunnel_id, "tunnel_id", "Tunnel ID:", 0),
	SSO_F_UINT(R, session_id, "session_id", "Session ID:", 0),
	SSO_F_STR(R, username, "username", "Username:", 0),
	SSO_F_STR(R, ipv4, "ipv4", "IPv4 address:", 0),
	SSO_F_STR(R, dns, "dns", "DNS servers:", 0),
	SSO_F_STR(R, acct_sid, "acct_session_id", "Acct-Session-Id:", 0),
	SSO_F_PSTR(R, phase, NULL, "Phase:", 0),
	SSO_F_PSTR(R, lcp_state, "lcp_state", "LCP state:", 0),
	SSO_F_PSTR(R, ipcp_state, "ipcp_state", "IPCP state:", 0),
	SSO_F_PSTR(R, auth, "auth", "Authentication:", 0),
	SSO_F_UINT(R, mru, "mru", "Peer MRU:", 0),
	SSO_F_UINT(R, magic_local, "magic_local", "Magic (local):", 0),
	SSO_F_UINT(R, magic_peer, "magic_peer", "Magic (peer):", 0),
	SSO_F_MS(R, uptime_ms, "uptime_ms", "Uptime:", 0),
	SSO_F_UINT(R, rx_packets, "rx_packets", "Rx packets:", 0),
	SSO_F_UINT(R, tx_packets, "tx_packets", "Tx packets:", 0),
	SSO_F_UINT(R, rx_bytes, "rx_bytes", "Rx bytes:", 0),
	SSO_F_UINT(R, tx_bytes, "tx_bytes", "Tx bytes:", 0),
};
static const struct sso_table detail_table = SSO_TABLE(detail_fields);

/* show ppp all (IOS) */
static const struct sso_field ppp_fields[] = {
	SSO_F_STR(R, iface, "interface", "Interface/ID", -13),
	SSO_F_STR(R, protos, "protocols", "OPEN+ Nego* Fail-", -21),
	SSO_F_PSTR(R, stage, "stage", "Stage", -12),
	SSO_F_STR(R, ipv4, "peer_address", "Peer Address", -15),
	{ .json = "peer_name", .head = "Peer Name", .width = -20,
	  .flags = SSO_FLD_TRUNC, .type = SSO_FT_STR,
	  .off = offsetof(R, username), .size = PPP_NAME_MAX },
	SSO_F_UINT(R, tunnel_id, "tunnel_id", NULL, 0),
	SSO_F_UINT(R, session_id, "session_id", NULL, 0),
};
static const struct sso_table ppp_table = SSO_TABLE(ppp_fields);
#undef R

/* sarg of a session listing */
struct listing {
	const struct sso_table *t;
	int		 detail;
};
static const struct listing l_ppp = { &ppp_table, 0 };
static const struct listing l_sub = { &sub_table, 0 };
static const struct listing l_detail = { &detail_table, 1 };

/*
 * `username U`: a reply's arguments do not outlive its first chunk, so
 * the filter travels in the reply's cursor as a 64-bit FNV-1a hash of
 * the name (pos[1], never 0) and its length (pos[2]).
 */
static uint64_t
name_hash(const char *n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (*n != '\0')
		h = (h ^ (uint8_t)*n++) * 0x100000001b3ull;
	return h | 1;
}

/* one row of a session listing, unless the username filter drops it */
static void
session_row(struct sso_render *rd, const struct sso_reply *r,
    const struct listing *l, const struct sub_row *row)
{
	static const struct sso_detail_style st = { "  ", 16 };
	uint64_t want = r->pos[1], wlen = r->pos[2];

	if (want != 0 && (strlen(row->username) != wlen ||
	    name_hash(row->username) != want))
		return;
	if (rd->j) {
		sso_json_obj(rd->j);
		sso_render_detail(rd, l->t, row, NULL, NULL, &st);
		sso_json_obj_end(rd->j);
	} else if (l->detail) {
		char head[64];

		snprintf(head, sizeof(head), "Session %u/%u",
		    row->tunnel_id, row->session_id);
		sso_render_detail(rd, l->t, row, NULL, head, &st);
	} else
		sso_table_row(rd, l->t, row);
}

/* the live sessions (cursor pos[0]), then a standby's copies (pos[3]) */
static int
sessions_next(struct sso_reply *r)
{
	const struct listing *l = r->sarg;
	size_t total = sub_count + sub_ha_copies();
	struct sso_render rd;
	struct sub_row row;
	struct sub_copy c;
	struct sub *s;

	sso_render_reply(&rd, r);
	if (r->phase == 0) {
		if (rd.j) {
			sso_json_obj(rd.j);
			sso_json_ku64(rd.j, "total", total);
			sso_json_key(rd.j, "sessions");
			sso_json_arr(rd.j);
		} else
			sso_wbuf_printf(rd.b, "%% Subscriber sessions: %zu%s\n\n",
			    total, sub_count == 0 && total != 0 ? " (standby "
			    "copies)" : "");
		if (!l->detail && !rd.j)
			sso_table_head(&rd, l->t, NULL);
		r->phase = 1;
	}
	TAILQ_FOREACH(s, &sub_list, entry) {
		if (s->seq <= r->pos[0])
			continue;
		if (!sso_reply_room(r))
			return SSO_RC_STREAM;
		r->pos[0] = s->seq;
		sub_snap(s, &row);
		session_row(&rd, r, l, &row);
	}
	while (sub_ha_copy_next(r->pos[3], &c)) {
		if (!sso_reply_room(r))
			return SSO_RC_STREAM;
		r->pos[3] = c.seq;
		copy_snap(&c, &row);
		session_row(&rd, r, l, &row);
	}
	if (rd.j) {
		sso_json_arr_end(rd.j);
		sso_json_obj_end(rd.j);
	}
	return SSO_RC_OK;
}

static int
cmd_ppp_all(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	return sso_reply_stream(r, sessions_next, (void *)&l_ppp);
}

static int
cmd_sub(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	const struct listing *l = arg != NULL ? &l_detail : &l_sub;

	if (a->n == 1) {
		r->pos[1] = name_hash(a->s[0]);
		r->pos[2] = strlen(a->s[0]);
	}
	return sso_reply_stream(r, sessions_next, (void *)l);
}

/* ---- show ip local pool ---- */
struct pool_row {
	char		 pool[POOL_NAME_MAX];
	char		 begin[INET_ADDRSTRLEN], end[INET_ADDRSTRLEN];
	uint32_t	 free, in_use;
};

#define P	struct pool_row
static const struct sso_field pool_fields[] = {
	SSO_F_STR(P, pool, "pool", " Pool", -24),
	SSO_F_STR(P, begin, "begin", "Begin", -15),
	SSO_F_STR(P, end, "end", "End", -15),
	SSO_F_UINT(P, free, "free", "Free", 8),
	SSO_F_UINT(P, in_use, "in_use", "In use", 8),
};
#undef P
static const struct sso_table pool_table = SSO_TABLE(pool_fields);

static int
cmd_pool(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct sso_render rd;
	struct pool_row row;
	struct pool *p;
	size_t i;

	if (a->n == 1 && pool_set_find(sub_conf.pools, a->s[0]) == NULL)
		return sso_reply_err(r, SSO_RC_ERROR, "%% No ip local pool %s",
		    a->s[0]);
	sso_render_reply(&rd, r);
	if (rd.j)
		sso_json_obj(rd.j);
	sso_table_head(&rd, &pool_table, "pools");
	for (i = 0; (p = pool_set_get(sub_conf.pools, i)) != NULL; i++) {
		if (a->n == 1 && strcmp(pool_name(p), a->s[0]) != 0)
			continue;
		memset(&row, 0, sizeof(row));
		snprintf(row.pool, sizeof(row.pool), "%s%s", rd.j ? "" : " ",
		    pool_name(p));
		ip_text(pool_first(p), row.begin, sizeof(row.begin));
		ip_text(pool_last(p), row.end, sizeof(row.end));
		row.free = pool_free_count(p);
		row.in_use = pool_used_count(p);
		sso_table_row(&rd, &pool_table, &row);
	}
	sso_table_end(&rd, &pool_table);
	if (rd.j)
		sso_json_obj_end(rd.j);
	return SSO_RC_OK;
}

/* ---- show ppp counters ---- */

#define NCTR	32
static int
cmd_counters(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	static const struct sso_detail_style st = { "  ", 24 };
	static const char *const ev_names[] = { "sessions", "sessions_created",
	    "sessions_freed", "up", "auth_ok", "auth_fail", "address_fail",
	    "keepalive_down", "mss_clamped", "icmp_sent", "device_rx",
	    "device_tx", "device_rx_bytes", "device_tx_bytes",
	    "orphans_ended", "proxy_lcp", "framed_in_use", "framed_routes",
	    "framed_route_bad" };
	const char *ppp_names[PPP_DROP_MAX];
	struct sso_field f[NCTR];
	uint64_t v[NCTR];
	struct sso_render rd;
	struct sso_table t;
	struct sub *s;
	size_t i, n = 0;

	_Static_assert(PPP_DROP_MAX <= NCTR && SUB_DROP_MAX <= NCTR,
	    "NCTR too small");
	v[n++] = sub_count;
	v[n++] = sub_stats.sessions_created;
	v[n++] = sub_stats.sessions_freed;
	v[n++] = sub_stats.up;
	v[n++] = sub_stats.auth_ok;
	v[n++] = sub_stats.auth_fail;
	v[n++] = sub_stats.addr_fail;
	v[n++] = sub_stats.keepalive_down;
	v[n++] = sub_stats.mss_clamped;
	v[n++] = sub_stats.icmp_sent;
	v[n++] = sub_stats.tun_rx;
	v[n++] = sub_stats.tun_tx;
	v[n++] = sub_stats.tun_rx_bytes;
	v[n++] = sub_stats.tun_tx_bytes;
	v[n++] = sub_stats.orphans;
	v[n++] = sub_stats.proxy_lcp;
	v[n++] = sub_stats.framed_in_use;
	v[n++] = sub_stats.framed_routes;
	v[n++] = sub_stats.framed_route_bad;
	_Static_assert(sizeof(ev_names) / sizeof(ev_names[0]) == 19,
	    "one name per value");
	sso_render_reply(&rd, r);
	if (rd.j)
		sso_json_obj(rd.j);
	t = sso_counter_table(f, ev_names, n);
	sso_render_detail(&rd, &t, v, NULL, "PPP counters:", &st);
	/* libppp's reasons: the freed sessions' plus the live ones' */
	for (i = 0; i < PPP_DROP_MAX; i++) {
		ppp_names[i] = ppp_drop_name((unsigned)i);
		v[i] = sub_stats.ppp_drops[i];
	}
	TAILQ_FOREACH(s, &sub_list, entry)
		for (i = 0; i < PPP_DROP_MAX; i++)
			v[i] += ppp_get_counters(s->ppp)->drops[i];
	t = sso_counter_table(f, ppp_names, PPP_DROP_MAX);
	sso_render_detail(&rd, &t, v, "ppp_drops", "PPP frames dropped, by "
	    "reason:", &st);
	for (i = 0; i < SUB_DROP_MAX; i++)
		v[i] = sub_stats.drops[i];
	t = sso_counter_table(f, sub_drop_names, SUB_DROP_MAX);
	sso_render_detail(&rd, &t, v, "data_drops", "IP packets dropped, by "
	    "reason:", &st);
	if (rd.j)
		sso_json_obj_end(rd.j);
	return SSO_RC_OK;
}

static int
cmd_debug(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	int on = arg != NULL;

	sso_debug_set(a->s[0], on);
	sso_wbuf_printf(&r->out, r->json ? "{\"debug\":\"%s\",\"on\":%s}" :
	    "PPP %s debugging is %s\n", a->s[0] + strlen("ppp "),
	    on ? "true" : "false");
	return SSO_RC_OK;
}

void
sub_show_register(void)
{
	size_t i;

	for (i = 0; i < sizeof(sub_dbg) / sizeof(sub_dbg[0]); i++)
		sso_debug_register(&sub_dbg[i]);
	sso_cmd_register("show ppp all", cmd_ppp_all, NULL);
	sso_cmd_register("show ppp counters", cmd_counters, NULL);
	sso_cmd_register("show subscriber session", cmd_sub, NULL);
	sso_cmd_register("show subscriber session detail", cmd_sub,
	    (void *)&l_detail);
	sso_cmd_register("show subscriber session username <word>", cmd_sub,
	    NULL);
	sso_cmd_register("show subscriber session detail username <word>",
	    cmd_sub, (void *)&l_detail);
	sso_cmd_register("show ip local pool", cmd_pool, NULL);
	sso_cmd_register("show ip local pool <word>", cmd_pool, NULL);
	sso_cmd_register("debug ppp <debug:ppp>", cmd_debug, &sub_dbg);
	sso_cmd_register("undebug ppp <debug:ppp>", cmd_debug, NULL);
}
