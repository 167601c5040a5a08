/*
 * session.c - call state machines (RFC 2661 7.4 incoming, 7.5 outgoing),
 * for both roles, and the data path (RFC 2661 3.1, 5.4).
 *
 * One FSM covers the four call types; the type picks the messages:
 *
 *   LAC_IC: IDLE -open-> WAIT_TUNNEL -tunnel-up/ICRQ-> WAIT_REPLY
 *           -ICRP/ICCN-> ESTABLISHED
 *   LNS_IC: IDLE -ICRQ/ICRP-> WAIT_CONNECT -ICCN-> ESTABLISHED
 *   LNS_OC: IDLE -open-> WAIT_TUNNEL -tunnel-up/OCRQ-> WAIT_REPLY
 *           -OCRP-> WAIT_CONNECT -OCCN-> ESTABLISHED
 *   LAC_OC: IDLE -OCRQ/OCRP-> WAIT_CS_ANSWER -answer/OCCN-> ESTABLISHED
 *
 * Any state: CDN received -> DEAD; local close -> CDN, DEAD; tunnel down
 * -> DEAD (StopCCN clears calls implicitly, 6.4); a message out of
 * sequence -> CDN, DEAD (7.4.1, 7.4.2, 7.5.1). A session is freed when
 * the engine unwinds; the tunnel's channel delivers the CDN.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l2tp_local.h"

#define L2TP_FRAMING_SYNC	0x00000001
#define L2TP_BEARER_DIGITAL	0x00000002
#define L2TP_TX_SPEED		100000000
#define L2TP_DATA_MAX		65535

const char *const l2tp_session_state_names[L2TP_SS_MAX] = {
	[L2TP_SS_IDLE] = "idle",
	[L2TP_SS_WAIT_TUNNEL] = "wait-tunnel",
	[L2TP_SS_WAIT_REPLY] = "wait-reply",
	[L2TP_SS_WAIT_CONNECT] = "wait-connect",
	[L2TP_SS_WAIT_CS_ANSWER] = "wait-cs-answer",
	[L2TP_SS_ESTABLISHED] = "established",
	[L2TP_SS_DEAD] = "dead",
};

const char *const l2tp_session_ev_names[L2TP_SEV_MAX] = {
	[L2TP_SEV_OPEN] = "open",
	[L2TP_SEV_TUNNEL_UP] = "tunnel-up",
	[L2TP_SEV_RX_ICRQ] = "rx-ICRQ",
	[L2TP_SEV_RX_ICRP] = "rx-ICRP",
	[L2TP_SEV_RX_ICCN] = "rx-ICCN",
	[L2TP_SEV_RX_OCRQ] = "rx-OCRQ",
	[L2TP_SEV_RX_OCRP] = "rx-OCRP",
	[L2TP_SEV_RX_OCCN] = "rx-OCCN",
	[L2TP_SEV_RX_CDN] = "rx-CDN",
	[L2TP_SEV_RX_WEN] = "rx-WEN",
	[L2TP_SEV_RX_SLI] = "rx-SLI",
	[L2TP_SEV_ANSWER] = "answer",
	[L2TP_SEV_CLOSE] = "close",
	[L2TP_SEV_TUNNEL_DOWN] = "tunnel-down",
	[L2TP_SEV_BAD_MSG] = "bad-msg",
	[L2TP_SEV_FO_CLEAR] = "failover-clear",
};

static uint32_t
session_key(uint16_t tid, uint16_t sid)
{
	return (uint32_t)tid << 16 | sid;
}

static struct l2tp_session *
session_new(struct l2tp_tunnel *t, enum l2tp_call_type call, uint16_t sid)
{
	struct l2tp_ctx *ctx = t->ctx;
	struct l2tp_session *s;

	if (sid == 0 && (sid = l2tp_ctx_alloc_sid(ctx, t->local_tid)) == 0)
		return NULL;
	if (l2tp_session_find(ctx, t->local_tid, sid) != NULL ||
	    (s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->tunnel = t;
	s->local_sid = sid;
	s->call = (uint8_t)call;
	s->state = L2TP_SS_IDLE;
	s->data_seq = t->grp.seq_required ? 1 : 0;
	if (l2tp_hash_add(&ctx->sessions, &s->hn,
	    session_key(t->local_tid, sid)) == -1) {
		free(s);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&t->sessions, s, entry);
	t->nsessions++;
	ctx->stats.sessions_created++;
	return s;
}

static void
session_changed(struct l2tp_session *s)
{
	struct l2tp_ctx *ctx = s->tunnel->ctx;

	if (ctx->ops.session_changed != NULL)
		ctx->ops.session_changed(ctx->arg, s);
}

/* unlink and free now (tunnel teardown, reaper) */
void
l2tp_session_destroy(struct l2tp_session *s)
{
	struct l2tp_tunnel *t = s->tunnel;

	if (s->state != L2TP_SS_DEAD) {
		s->state = L2TP_SS_DEAD;	/* ends with its tunnel */
		session_changed(s);
	}

	if (!s->dead) {
		l2tp_hash_del(&t->ctx->sessions, &s->hn);
		TAILQ_REMOVE(&t->sessions, s, entry);
		t->nsessions--;
	}
	t->ctx->stats.sessions_freed++;
	if (s->ext != NULL) {
		free(s->ext->proxy);
		free(s->ext->early);
		free(s->ext);
	}
	free(s);
}

static void
session_report(struct l2tp_session *s, enum l2tp_event ev)
{
	struct l2tp_ctx *ctx = s->tunnel->ctx;

	if (ev == L2TP_EV_SESSION_UP)
		s->known = 1;
	else if (!s->known)
		return;
	if (ctx->ops.session_event != NULL)
		ctx->ops.session_event(ctx->arg, s, ev);
}

static void session_deliver_early(struct l2tp_session *);

static void
session_change_state(struct l2tp_session *s, enum l2tp_session_state ns,
    enum l2tp_session_ev ev)
{
	struct l2tp_tunnel *t = s->tunnel;

	sso_log(ns == L2TP_SS_ESTABLISHED || ns == L2TP_SS_DEAD ? SSO_NOTICE :
	    SSO_INFO, L2TP_FAC, "SESSION_STATE",
	    "session %u/%u (tunnel %u) %s -> %s (%s)", s->local_sid,
	    s->remote_sid, t->local_tid, l2tp_session_state_names[s->state],
	    l2tp_session_state_names[ns], l2tp_session_ev_names[ev]);
	s->state = (uint8_t)ns;
	session_changed(s);
	if (ns == L2TP_SS_ESTABLISHED) {
		session_report(s, L2TP_EV_SESSION_UP);
		session_deliver_early(s);
	}
	else if (ns == L2TP_SS_DEAD) {
		session_report(s, L2TP_EV_SESSION_DOWN);
		l2tp_ctx_reap_session(s);
	}
}

/* ---- builders ---- */

static int
session_send(struct l2tp_tunnel *t, struct l2tp_build *b, int errs)
{
	if (errs || l2tp_ctrl_send(t, b) == -1) {
		l2tp_build_free(b);
		return -1;
	}
	return 0;
}

static int
build_begin(struct l2tp_tunnel *t, struct l2tp_build *b, uint16_t sid,
    uint16_t type)
{
	return l2tp_build_begin(b, t->remote_tid, sid, type, t->grp.password,
	    t->grp.hide_avps) ? 1 : 0;
}

/* CDN to a peer session id, with or without a session of ours */
static int
send_cdn(struct l2tp_tunnel *t, uint16_t peer_sid, uint16_t our_sid,
    uint16_t result, uint16_t error, const char *text)
{
	struct l2tp_build b;
	int errs = build_begin(t, &b, peer_sid, L2TP_MSG_CDN);

	errs += l2tp_build_result(&b, result, error, text);
	errs += l2tp_build_u16(&b, L2TP_AVP_ASSIGNED_SID, our_sid);
	return session_send(t, &b, errs);
}

static int
send_request(struct l2tp_session *s, uint16_t type)
{
	struct l2tp_tunnel *t = s->tunnel;
	struct l2tp_build b;
	int errs = build_begin(t, &b, 0, type);

	errs += l2tp_build_u16(&b, L2TP_AVP_ASSIGNED_SID, s->local_sid);
	errs += l2tp_build_u32(&b, L2TP_AVP_CALL_SERIAL, s->call_serial);
	errs += l2tp_build_u32(&b, L2TP_AVP_BEARER_TYPE, L2TP_BEARER_DIGITAL);
	if (type == L2TP_MSG_OCRQ) {
		errs += l2tp_build_u32(&b, L2TP_AVP_MIN_BPS, 0);
		errs += l2tp_build_u32(&b, L2TP_AVP_MAX_BPS, L2TP_TX_SPEED);
		errs += l2tp_build_u32(&b, L2TP_AVP_FRAMING_TYPE,
		    L2TP_FRAMING_SYNC);
		errs += l2tp_build_str(&b, L2TP_AVP_CALLED_NUMBER,
		    s->tunnel->called ? s->tunnel->called : "");
	}
	return session_send(t, &b, errs);
}

static int
send_reply(struct l2tp_session *s, uint16_t type)
{
	struct l2tp_tunnel *t = s->tunnel;
	struct l2tp_build b;
	int errs = build_begin(t, &b, s->remote_sid, type);

	errs += l2tp_build_u16(&b, L2TP_AVP_ASSIGNED_SID, s->local_sid);
	return session_send(t, &b, errs);
}

static int
send_connected(struct l2tp_session *s, uint16_t type)
{
	struct l2tp_tunnel *t = s->tunnel;
	struct l2tp_build b;
	int errs = build_begin(t, &b, s->remote_sid, type);

	errs += l2tp_build_u32(&b, L2TP_AVP_TX_SPEED, L2TP_TX_SPEED);
	errs += l2tp_build_u32(&b, L2TP_AVP_FRAMING_TYPE, L2TP_FRAMING_SYNC);
	if (t->grp.seq_required)
		errs += l2tp_build_avp(&b, L2TP_AVP_SEQ_REQUIRED, NULL, 0);
	return session_send(t, &b, errs);
}

/* ---- the state machine ---- */

static void
session_close(struct l2tp_session *s, enum l2tp_session_ev ev,
    uint16_t result, uint16_t error, const char *text)
{
	s->last_result = result;
	s->last_error = error;
	(void)send_cdn(s->tunnel, s->remote_sid, s->local_sid, result, error,
	    text);
	session_change_state(s, L2TP_SS_DEAD, ev);
}

static void
session_fsm_error(struct l2tp_session *s, enum l2tp_session_ev ev)
{
	char text[64];

	snprintf(text, sizeof(text), "%s in state %s",
	    l2tp_session_ev_names[ev], l2tp_session_state_names[s->state]);
	session_close(s, ev, L2TP_CDN_GENERAL, L2TP_ERR_NONE, text);
}

/* remote sid from a reply, seq required from a connected message */
static void
session_params(struct l2tp_session *s, const struct l2tp_msg *m)
{
	uint16_t sid, was_sid = s->remote_sid;
	uint8_t was_seq = s->data_seq, was_locked = s->seq_locked;

	if (l2tp_msg_u16(m, L2TP_AVP_ASSIGNED_SID, &sid) == 0 && sid != 0)
		s->remote_sid = sid;
	/* RFC 2661 5.4: sequencing required -> Ns/Nr on all data */
	if (l2tp_msg_has(m, L2TP_AVP_SEQ_REQUIRED))
		s->data_seq = s->seq_locked = 1;
	if (s->remote_sid != was_sid || s->data_seq != was_seq ||
	    s->seq_locked != was_locked)
		session_changed(s);
}

static struct l2tp_session_ext *
session_ext(struct l2tp_session *s)
{
	if (s->ext == NULL)
		s->ext = calloc(1, sizeof(*s->ext));
	return s->ext;
}

/* one byte-string AVP into dst; longer than cap: not usable, absent */
static size_t
proxy_bytes(const struct l2tp_msg *m, unsigned type, uint8_t *dst,
    size_t cap)
{
	struct sso_cur c;
	size_t n;

	if (l2tp_msg_cur(m, type, &c) == -1 || (n = c.len) > cap)
		return 0;
	return sso_cur_get_bytes(&c, dst, n) == -1 ? 0 : n;
}

/* RFC 2661 4.4.5: keep the proxy AVPs of the ICCN for the host */
static void
session_proxy(struct l2tp_session *s, const struct l2tp_msg *m)
{
	const uint64_t any = L2TP_AVPBIT(L2TP_AVP_INIT_RX_LCP) |
	    L2TP_AVPBIT(L2TP_AVP_LAST_TX_LCP) |
	    L2TP_AVPBIT(L2TP_AVP_LAST_RX_LCP) |
	    L2TP_AVPBIT(L2TP_AVP_PROXY_AUTH_TYPE) |
	    L2TP_AVPBIT(L2TP_AVP_PROXY_AUTH_NAME) |
	    L2TP_AVPBIT(L2TP_AVP_PROXY_AUTH_CHAL) |
	    L2TP_AVPBIT(L2TP_AVP_PROXY_AUTH_ID) |
	    L2TP_AVPBIT(L2TP_AVP_PROXY_AUTH_RESP);
	struct l2tp_proxy *p;
	uint16_t v;

	if ((m->present & any) == 0 || session_ext(s) == NULL ||
	    s->ext->proxy != NULL || (p = calloc(1, sizeof(*p))) == NULL)
		return;
	p->init_rx_lcp_len = proxy_bytes(m, L2TP_AVP_INIT_RX_LCP,
	    p->init_rx_lcp, sizeof(p->init_rx_lcp));
	p->last_tx_lcp_len = proxy_bytes(m, L2TP_AVP_LAST_TX_LCP,
	    p->last_tx_lcp, sizeof(p->last_tx_lcp));
	p->last_rx_lcp_len = proxy_bytes(m, L2TP_AVP_LAST_RX_LCP,
	    p->last_rx_lcp, sizeof(p->last_rx_lcp));
	p->has_auth_type = l2tp_msg_u16(m, L2TP_AVP_PROXY_AUTH_TYPE,
	    &p->auth_type) == 0;
	(void)l2tp_msg_str(m, L2TP_AVP_PROXY_AUTH_NAME, p->auth_name,
	    sizeof(p->auth_name));
	p->auth_chal_len = proxy_bytes(m, L2TP_AVP_PROXY_AUTH_CHAL,
	    p->auth_chal, sizeof(p->auth_chal));
	if (l2tp_msg_u16(m, L2TP_AVP_PROXY_AUTH_ID, &v) == 0) {
		p->has_auth_id = 1;
		p->auth_id = (uint8_t)v;
	}
	p->auth_resp_len = proxy_bytes(m, L2TP_AVP_PROXY_AUTH_RESP,
	    p->auth_resp, sizeof(p->auth_resp));
	s->ext->proxy = p;
}

int
l2tp_session_get_proxy(const struct l2tp_session *s, struct l2tp_proxy *p)
{
	if (s->ext == NULL || s->ext->proxy == NULL)
		return -1;
	*p = *s->ext->proxy;
	return 0;
}

static int
session_accept(struct l2tp_session *s)
{
	struct l2tp_ctx *ctx = s->tunnel->ctx;

	s->known = 1;
	if (ctx->ops.session_request == NULL)
		return 0;
	return ctx->ops.session_request(ctx->arg, s);
}

/* one state-specific transition; -1 when ev is out of sequence here */
static int
session_step(struct l2tp_session *s, enum l2tp_session_ev ev,
    const struct l2tp_msg *m)
{
	struct l2tp_tunnel *t = s->tunnel;
	int ic = s->call == L2TP_CALL_LAC_IC || s->call == L2TP_CALL_LNS_IC;
	int rc;

	switch (s->state) {
	case L2TP_SS_IDLE:
		if (ev == L2TP_SEV_OPEN) {
			if (!l2tp_tunnel_accepts_sessions(t)) {
				session_change_state(s, L2TP_SS_WAIT_TUNNEL,
				    ev);
				return 0;
			}
			ev = L2TP_SEV_TUNNEL_UP;
			/* FALLTHROUGH: the tunnel is already open */
		} else if ((ev == L2TP_SEV_RX_ICRQ &&
		    s->call == L2TP_CALL_LNS_IC) ||
		    (ev == L2TP_SEV_RX_OCRQ && s->call == L2TP_CALL_LAC_OC)) {
			session_params(s, m);
			(void)l2tp_msg_u32(m, L2TP_AVP_CALL_SERIAL,
			    &s->call_serial);
			if ((rc = session_accept(s)) < 0) {
				session_close(s, ev, L2TP_CDN_NO_RES_TEMP,
				    L2TP_ERR_NONE, "call refused");
				return 0;
			}
			/* the state the reply leads to first: a host that
			 * checkpoints the reply (DESIGN.md rule 2) has the
			 * session as it will be in the same record batch */
			session_change_state(s, ic ? L2TP_SS_WAIT_CONNECT :
			    L2TP_SS_WAIT_CS_ANSWER, ev);
			if (send_reply(s, ic ? L2TP_MSG_ICRP :
			    L2TP_MSG_OCRP) == -1) {
				session_change_state(s, L2TP_SS_DEAD, ev);
				return 0;
			}
			if (!ic && rc == 0)
				return session_step(s, L2TP_SEV_ANSWER, NULL);
			return 0;
		} else
			return -1;
		/* FALLTHROUGH */
	case L2TP_SS_WAIT_TUNNEL:
		if (ev != L2TP_SEV_TUNNEL_UP)
			return -1;
		if (send_request(s, ic ? L2TP_MSG_ICRQ : L2TP_MSG_OCRQ) == -1) {
			session_change_state(s, L2TP_SS_DEAD, ev);
			return 0;
		}
		session_change_state(s, L2TP_SS_WAIT_REPLY, ev);
		return 0;
	case L2TP_SS_WAIT_REPLY:
		if (ev == L2TP_SEV_RX_ICRP && s->call == L2TP_CALL_LAC_IC) {
			session_params(s, m);
			if (s->remote_sid == 0) {
				session_close(s, ev, L2TP_CDN_GENERAL,
				    L2TP_ERR_SESSION_ID, "no session id");
				return 0;
			}
			if (send_connected(s, L2TP_MSG_ICCN) == -1) {
				session_change_state(s, L2TP_SS_DEAD, ev);
				return 0;
			}
			session_change_state(s, L2TP_SS_ESTABLISHED, ev);
			return 0;
		}
		if (ev == L2TP_SEV_RX_OCRP && s->call == L2TP_CALL_LNS_OC) {
			session_params(s, m);
			session_change_state(s, L2TP_SS_WAIT_CONNECT, ev);
			return 0;
		}
		return -1;
	case L2TP_SS_WAIT_CONNECT:
		if ((ev == L2TP_SEV_RX_ICCN && s->call == L2TP_CALL_LNS_IC) ||
		    (ev == L2TP_SEV_RX_OCCN && s->call == L2TP_CALL_LNS_OC)) {
			session_params(s, m);
			session_proxy(s, m);
			session_change_state(s, L2TP_SS_ESTABLISHED, ev);
			return 0;
		}
		return -1;
	case L2TP_SS_WAIT_CS_ANSWER:
		if (ev != L2TP_SEV_ANSWER)
			return -1;
		if (send_connected(s, L2TP_MSG_OCCN) == -1) {
			session_change_state(s, L2TP_SS_DEAD, ev);
			return 0;
		}
		session_change_state(s, L2TP_SS_ESTABLISHED, ev);
		return 0;
	case L2TP_SS_ESTABLISHED:
		/* RFC 2661 6.13, 6.14: WEN (to LNS), SLI (to LAC) */
		if (ev == L2TP_SEV_RX_WEN || ev == L2TP_SEV_RX_SLI)
			return 0;
		return -1;
	default:
		return -1;
	}
}

/* RFC 2661 4.4.2: CDN result codes, for logs */
static const char *const cdn_results[] = {
	[L2TP_CDN_CARRIER_LOST] = "lost carrier",
	[L2TP_CDN_GENERAL] = "general error",
	[L2TP_CDN_ADMIN] = "administrative reasons",
	[L2TP_CDN_NO_RES_TEMP] = "lack of facilities, temporary",
	[L2TP_CDN_NO_RES_PERM] = "lack of facilities, permanent",
	[L2TP_CDN_BAD_DEST] = "invalid destination",
	[7] = "no carrier", [8] = "busy", [9] = "no dial tone",
	[10] = "timeout", [11] = "no appropriate framing",
};

const char *
l2tp_cdn_result_name(uint16_t r)
{
	if (r < sizeof(cdn_results) / sizeof(cdn_results[0]) &&
	    cdn_results[r] != NULL)
		return cdn_results[r];
	return "unknown result";
}

/*
 * The peer hung up: say how, as it said it. A hang-up for lost carrier
 * or administrative reasons is routine (info); anything else is a
 * notice. Rate-limited: a peer clears calls as fast as it likes.
 */
static void
rx_cdn_log(struct l2tp_session *s, char *text)
{
	uint16_t r = s->last_result;

	sso_log_rl(&s->tunnel->ctx->rl, r == L2TP_CDN_CARRIER_LOST ||
	    r == L2TP_CDN_ADMIN ? SSO_INFO : SSO_NOTICE, L2TP_FAC, "CDN",
	    "session %u/%u (tunnel %u/%u, host %s): CDN result %u (%s) error "
	    "%u%s%s%s", s->local_sid, s->remote_sid, s->tunnel->local_tid,
	    s->tunnel->remote_tid, s->tunnel->peer_name[0] ?
	    s->tunnel->peer_name : "-", r, l2tp_cdn_result_name(r),
	    s->last_error, text[0] ? " message \"" : "",
	    l2tp_printable(text), text[0] ? "\"" : "");
}

int
l2tp_session_fsm(struct l2tp_session *s, enum l2tp_session_ev ev,
    const struct l2tp_msg *m)
{
	char text[96];

	if (s->dead)
		return -1;
	SSO_DEBUG(&l2tp_debug_fsm, L2TP_FAC, "session %u state %s event %s",
	    s->local_sid, l2tp_session_state_names[s->state],
	    l2tp_session_ev_names[ev]);
	switch (ev) {
	case L2TP_SEV_RX_CDN:
		/* 7.4, 7.5: CDN in any state: clean up */
		(void)l2tp_msg_result(m, &s->last_result, &s->last_error,
		    text, sizeof(text));
		rx_cdn_log(s, text);
		session_change_state(s, L2TP_SS_DEAD, ev);
		return 0;
	case L2TP_SEV_TUNNEL_DOWN:
		session_change_state(s, L2TP_SS_DEAD, ev);
		return 0;
	case L2TP_SEV_FO_CLEAR:
		/* RFC 4951 FSR: the peer has no such call; clear it here
		 * without a CDN (there is nobody to tell) */
		s->last_result = L2TP_CDN_GENERAL;
		session_change_state(s, L2TP_SS_DEAD, ev);
		return 0;
	case L2TP_SEV_CLOSE:
		/* before the request left, the peer knows nothing */
		if (s->state == L2TP_SS_IDLE || s->state == L2TP_SS_WAIT_TUNNEL)
			session_change_state(s, L2TP_SS_DEAD, ev);
		else
			session_close(s, ev, s->last_result, s->last_error,
			    s->tunnel->close_text);
		return 0;
	case L2TP_SEV_BAD_MSG:
		snprintf(text, sizeof(text), "%s: %s %u (%s)",
		    l2tp_msg_name(m->type), m->err_text ? m->err_text : "bad",
		    m->err_attr, l2tp_avp_name(m->err_attr));
		session_close(s, ev, L2TP_CDN_GENERAL, m->err_result_error,
		    text);
		return 0;
	default:
		break;
	}
	if (session_step(s, ev, m) == -1) {
		session_fsm_error(s, ev);
		return -1;
	}
	return 0;
}

/* ---- control message dispatch for session scope ---- */

static enum l2tp_session_ev
session_event_of(uint16_t type)
{
	switch (type) {
	case L2TP_MSG_ICRQ: return L2TP_SEV_RX_ICRQ;
	case L2TP_MSG_ICRP: return L2TP_SEV_RX_ICRP;
	case L2TP_MSG_ICCN: return L2TP_SEV_RX_ICCN;
	case L2TP_MSG_OCRQ: return L2TP_SEV_RX_OCRQ;
	case L2TP_MSG_OCRP: return L2TP_SEV_RX_OCRP;
	case L2TP_MSG_OCCN: return L2TP_SEV_RX_OCCN;
	case L2TP_MSG_CDN: return L2TP_SEV_RX_CDN;
	case L2TP_MSG_WEN: return L2TP_SEV_RX_WEN;
	case L2TP_MSG_SLI: return L2TP_SEV_RX_SLI;
	default: return L2TP_SEV_MAX;
	}
}

static void
refused(struct l2tp_tunnel *t, uint16_t peer_sid, const char *why)
{
	if (t->ctx->ops.call_refused != NULL)
		t->ctx->ops.call_refused(t->ctx->arg, t, peer_sid, why);
}

/* ICRQ / OCRQ with session id 0: a new call */
static void
session_new_call(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	int ic = m->type == L2TP_MSG_ICRQ;
	struct l2tp_session *s;
	uint16_t peer_sid = 0;

	(void)l2tp_msg_u16(m, L2TP_AVP_ASSIGNED_SID, &peer_sid);
	if (peer_sid == 0) {
		(void)send_cdn(t, 0, 0, L2TP_CDN_GENERAL, L2TP_ERR_SESSION_ID,
		    "no session id");
		return;
	}
	/* DESIGN.md rule 4: no new calls while resynchronising */
	if (t->state == L2TP_TS_RESYNC) {
		(void)send_cdn(t, peer_sid, 0, L2TP_CDN_NO_RES_TEMP,
		    L2TP_ERR_NONE, "Tunnel in HA resync");
		refused(t, peer_sid, "Tunnel in HA resync");
		return;
	}
	if (ic ? !t->grp.accept_dialin : !t->grp.request_dialin) {
		(void)send_cdn(t, peer_sid, 0, L2TP_CDN_NO_RES_PERM,
		    L2TP_ERR_NONE, ic ? "not an LNS" : "not a LAC");
		refused(t, peer_sid, ic ? "not an LNS" : "not a LAC");
		return;
	}
	if ((s = session_new(t, ic ? L2TP_CALL_LNS_IC : L2TP_CALL_LAC_OC,
	    0)) == NULL) {
		(void)send_cdn(t, peer_sid, 0, L2TP_CDN_NO_RES_TEMP,
		    L2TP_ERR_RESOURCES, NULL);
		refused(t, peer_sid, "no resources");
		return;
	}
	(void)l2tp_session_fsm(s, ic ? L2TP_SEV_RX_ICRQ : L2TP_SEV_RX_OCRQ, m);
}

void
l2tp_session_dispatch(struct l2tp_tunnel *t, const struct l2tp_hdr *h,
    const struct l2tp_msg *m)
{
	struct l2tp_session *s;
	uint16_t peer_sid;

	if ((m->type == L2TP_MSG_ICRQ || m->type == L2TP_MSG_OCRQ) &&
	    h->sid == 0) {
		session_new_call(t, m);
		return;
	}
	if ((s = l2tp_session_find(t->ctx, t->local_tid, h->sid)) == NULL) {
		/* 7.4.2 idle + ICRP: send CDN; otherwise clean up (nothing) */
		if ((m->type == L2TP_MSG_ICRP || m->type == L2TP_MSG_OCRP) &&
		    l2tp_msg_u16(m, L2TP_AVP_ASSIGNED_SID, &peer_sid) == 0)
			(void)send_cdn(t, peer_sid, 0, L2TP_CDN_GENERAL,
			    L2TP_ERR_SESSION_ID, NULL);
		t->ctx->stats.drops[L2TP_DROP_NO_SESSION]++;
		return;
	}
	(void)l2tp_session_fsm(s, session_event_of(m->type), m);
}

void
l2tp_session_bad_msg(struct l2tp_tunnel *t, const struct l2tp_hdr *h,
    const struct l2tp_msg *m)
{
	struct l2tp_session *s = NULL;
	uint16_t peer_sid;
	char text[96];

	if (h->sid != 0)
		s = l2tp_session_find(t->ctx, t->local_tid, h->sid);
	if (s != NULL) {
		(void)l2tp_session_fsm(s, L2TP_SEV_BAD_MSG, m);
		return;
	}
	/* a new call we cannot parse: refuse just that call (RFC 2661 4.1) */
	if (h->sid == 0 && l2tp_msg_u16(m, L2TP_AVP_ASSIGNED_SID,
	    &peer_sid) == 0 && peer_sid != 0) {
		snprintf(text, sizeof(text), "%s: %s %u (%s)",
		    l2tp_msg_name(m->type), m->err_text ? m->err_text : "bad",
		    m->err_attr, l2tp_avp_name(m->err_attr));
		(void)send_cdn(t, peer_sid, 0, L2TP_CDN_GENERAL,
		    m->err_result_error, text);
		return;
	}
	if (h->sid == 0)
		(void)l2tp_tunnel_event(t, L2TP_TEV_BAD_MSG, m);
	else
		t->ctx->stats.drops[L2TP_DROP_NO_SESSION]++;
}

/* ---- RFC 4951 session state synchronisation (FSQ / FSR) ---- */

#define L2TP_FSS_PER_MSG	64	/* 12-octet AVPs per FSQ/FSR */

static int
put_fss(struct l2tp_build *b, uint16_t sender_sid, uint16_t remote_sid)
{
	uint8_t v[6] = { 0, 0, (uint8_t)(sender_sid >> 8),
	    (uint8_t)sender_sid, (uint8_t)(remote_sid >> 8),
	    (uint8_t)remote_sid };

	/* DESIGN.md rule 7: M=0 (the table does not mark it mandatory) */
	return l2tp_build_avp(b, L2TP_AVP_FAILOVER_SESSION, v, sizeof(v))
	    ? 1 : 0;
}

int
l2tp_tunnel_session_query(struct l2tp_tunnel *t)
{
	struct l2tp_session *s;
	struct l2tp_build b;
	unsigned n = 0;
	int errs = 0, rc = 0;

	if (t->dead || t->state != L2TP_TS_ESTABLISHED ||
	    !l2tp_tunnel_fo_negotiated(t))
		return -1;
	l2tp_ctx_enter(t->ctx);
	TAILQ_FOREACH(s, &t->sessions, entry) {
		if (s->dead)
			continue;
		if (n == 0)
			errs = build_begin(t, &b, 0, L2TP_MSG_FSQ);
		errs += put_fss(&b, s->local_sid, s->remote_sid);
		if (++n == L2TP_FSS_PER_MSG) {
			rc |= session_send(t, &b, errs);
			n = 0;
		}
	}
	if (n != 0)
		rc |= session_send(t, &b, errs);
	l2tp_ctx_leave(t->ctx);
	return rc ? -1 : 0;
}

/* our call the peer names in an FSQ: (its sid, what it thinks is ours) */
static struct l2tp_session *
fo_match(struct l2tp_tunnel *t, uint16_t peer_sid, uint16_t our_sid)
{
	struct l2tp_session *s;

	if (our_sid != 0) {
		s = l2tp_session_find(t->ctx, t->local_tid, our_sid);
		return s != NULL && !s->dead && (s->remote_sid == peer_sid ||
		    s->remote_sid == 0) ? s : NULL;
	}
	/* its request had no answer yet: find the call by its id */
	TAILQ_FOREACH(s, &t->sessions, entry)
		if (!s->dead && s->remote_sid == peer_sid)
			return s;
	return NULL;
}

/* FSR: (peer's sid or 0 = "no such call", our sid) */
static void
fo_answer(struct l2tp_tunnel *t, uint16_t peer_sid, uint16_t our_sid)
{
	struct l2tp_session *s = l2tp_session_find(t->ctx, t->local_tid,
	    our_sid);

	if (s == NULL || s->dead)
		return;
	if (peer_sid == 0) {
		sso_log(SSO_NOTICE, L2TP_FAC, "FAILOVER", "tunnel %u session "
		    "%u/%u: unknown to the peer (RFC 4951 FSR), cleared",
		    t->local_tid, s->local_sid, s->remote_sid);
		(void)l2tp_session_fsm(s, L2TP_SEV_FO_CLEAR, NULL);
	} else if (s->remote_sid == 0) {
		s->remote_sid = peer_sid;
		session_changed(s);
	}
}

void
l2tp_session_failover(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	struct l2tp_session *s;
	struct l2tp_build b;
	struct sso_cur it, v;
	uint16_t rsvd = 0, a = 0, z = 0;
	unsigned n = 0, seen = 0;
	int errs = 0;

	if (!l2tp_tunnel_fo_negotiated(t)) {
		t->ctx->stats.drops[L2TP_DROP_FAILOVER]++;
		return;
	}
	l2tp_msg_iter(m, &it);
	while (l2tp_msg_next(&it, L2TP_AVP_FAILOVER_SESSION, &v) == 0) {
		/* RFC 4951: Reserved, Sender Session ID, Remote Session ID */
		if (sso_cur_get_u16(&v, &rsvd) == -1 ||
		    sso_cur_get_u16(&v, &a) == -1 ||
		    sso_cur_get_u16(&v, &z) == -1 || a == 0) {
			if (m->type == L2TP_MSG_FSR && a == 0 && z != 0) {
				seen++;
				fo_answer(t, 0, z);
			}
			continue;
		}
		seen++;
		if (m->type == L2TP_MSG_FSR) {
			fo_answer(t, a, z);
			continue;
		}
		s = fo_match(t, a, z);
		if (n == 0)
			errs = build_begin(t, &b, 0, L2TP_MSG_FSR);
		errs += put_fss(&b, s ? s->local_sid : 0, a);
		if (++n == L2TP_FSS_PER_MSG) {
			(void)session_send(t, &b, errs);
			n = 0;
		}
	}
	if (n != 0)
		(void)session_send(t, &b, errs);
	if (seen == 0)
		t->ctx->stats.drops[L2TP_DROP_FAILOVER]++;
}

void
l2tp_tunnel_sessions_down(struct l2tp_tunnel *t)
{
	struct l2tp_session *s;

	while ((s = TAILQ_FIRST(&t->sessions)) != NULL)
		(void)l2tp_session_fsm(s, L2TP_SEV_TUNNEL_DOWN, NULL);
}

/* ---- data path ---- */

/*
 * LNS: the first PPP frame of a call that arrives before its ICCN (a LAC
 * starts PPP once its ICCN is queued, and the ICCN may wait for the
 * control window while the frame does not): kept, one per session, and
 * delivered right after the call is reported up, so the subscriber's
 * first LCP Configure-Request is not lost to a restart timer.
 */
static int
session_hold_early(struct l2tp_session *s, const struct l2tp_hdr *h,
    const uint8_t *pkt, size_t len)
{
	struct sso_cur c;
	uint8_t *e;

	if (s->call != L2TP_CALL_LNS_IC || s->state != L2TP_SS_WAIT_CONNECT ||
	    (s->ext != NULL && s->ext->early != NULL) ||
	    s->tunnel->grp.data_reflect)
		return -1;
	sso_cur_init(&c, pkt, len);
	if (sso_cur_skip(&c, h->hdr_len) == -1 || c.len == 0 ||
	    c.len > L2TP_EARLY_MAX || session_ext(s) == NULL ||
	    (e = malloc(2 + c.len)) == NULL)
		return -1;
	e[0] = (uint8_t)(c.len >> 8);
	e[1] = (uint8_t)c.len;
	if (sso_cur_get_bytes(&c, e + 2, c.len) == -1) {
		free(e);
		return -1;
	}
	s->ext->early = e;
	return 0;
}

/* the held frame, once the host knows the call is up */
static void
session_deliver_early(struct l2tp_session *s)
{
	struct l2tp_ctx *ctx = s->tunnel->ctx;
	uint8_t *p = s->ext != NULL ? s->ext->early : NULL;
	size_t len;

	if (p == NULL)
		return;
	s->ext->early = NULL;
	len = (size_t)p[0] << 8 | p[1];
	s->rx_pkts++;
	s->rx_bytes += len;
	ctx->stats.rx_data++;
	if (!s->dead && s->state == L2TP_SS_ESTABLISHED &&
	    ctx->ops.data != NULL)
		ctx->ops.data(ctx->arg, s, p + 2, len);
	free(p);
}

int
l2tp_session_data_input(struct l2tp_ctx *ctx, const struct l2tp_hdr *h,
    const uint8_t *pkt, size_t len, enum l2tp_drop *reason)
{
	struct l2tp_session *s;
	struct sso_cur c;

	if ((s = l2tp_session_find(ctx, h->tid, h->sid)) == NULL) {
		*reason = L2TP_DROP_NO_SESSION;
		return -1;
	}
	l2tp_ctrl_touch(s->tunnel);
	if (s->state != L2TP_SS_ESTABLISHED) {
		if (session_hold_early(s, h, pkt, len) == 0)
			return 0;
		s->rx_errors++;
		*reason = L2TP_DROP_NOT_ESTABLISHED;
		return -1;
	}
	sso_cur_init(&c, pkt, len);
	if (sso_cur_skip(&c, h->hdr_len) == -1) {
		s->rx_errors++;
		*reason = L2TP_DROP_SHORT;
		return -1;
	}
	if (h->has_seq) {
		/* RFC 2661 5.4: count gaps and reordering, deliver anyway */
		if (h->ns != s->data_nr)
			s->rx_seq_errors++;
		if (l2tp_seq_le(s->data_nr, h->ns))
			s->data_nr = (uint16_t)(h->ns + 1);
	}
	/* 5.4: the LAC follows the LNS's choice unless it is required */
	if ((s->call == L2TP_CALL_LAC_IC || s->call == L2TP_CALL_LAC_OC) &&
	    !s->seq_locked && s->data_seq != (h->has_seq ? 1 : 0)) {
		s->data_seq = h->has_seq ? 1 : 0;
		session_changed(s);
	}
	s->rx_pkts++;
	s->rx_bytes += c.len;
	ctx->stats.rx_data++;
	if (s->tunnel->grp.data_reflect)
		(void)l2tp_session_send(s, c.p, c.len);
	else if (ctx->ops.data != NULL)
		ctx->ops.data(ctx->arg, s, c.p, c.len);
	return 0;
}

int
l2tp_session_send(struct l2tp_session *s, const uint8_t *p, size_t len)
{
	struct l2tp_tunnel *t = s->tunnel;
	struct l2tp_ctx *ctx = t->ctx;
	struct sso_wbuf *wb = &ctx->txbuf;
	int errs = 0, rc;

	if (s->dead || s->state != L2TP_SS_ESTABLISHED) {
		s->tx_errors++;
		return -1;
	}
	sso_wbuf_reset(wb);
	errs += sso_wbuf_put_u16(wb, L2TP_HDR_L | (s->data_seq ?
	    L2TP_HDR_S : 0) | L2TP_VERSION);
	errs += sso_wbuf_put_u16(wb, 0);
	errs += sso_wbuf_put_u16(wb, t->remote_tid);
	errs += sso_wbuf_put_u16(wb, s->remote_sid);
	if (s->data_seq) {
		errs += sso_wbuf_put_u16(wb, s->data_ns++);
		errs += sso_wbuf_put_u16(wb, 0);	/* Nr reserved (3.1) */
	}
	errs += sso_wbuf_put(wb, p, len);
	if (errs || wb->len > L2TP_DATA_MAX ||
	    sso_wbuf_set_u16(wb, 2, (uint16_t)wb->len) == -1) {
		s->tx_errors++;
		return -1;
	}
	rc = l2tp_ctx_xmit(ctx, wb->buf, wb->len,
	    (struct sockaddr *)&t->peer, t->peer_len);
	if (rc == -1) {
		s->tx_errors++;
		return -1;
	}
	s->tx_pkts++;
	s->tx_bytes += len;
	ctx->stats.tx_data++;
	return 0;
}

/* ---- public API ---- */

static struct l2tp_session *
session_open(struct l2tp_tunnel *t, enum l2tp_call_type call)
{
	struct l2tp_ctx *ctx = t->ctx;
	struct l2tp_session *s;

	if (t->dead || t->state == L2TP_TS_CLOSING ||
	    t->state == L2TP_TS_RESYNC)
		return NULL;
	l2tp_ctx_enter(ctx);
	if ((s = session_new(t, call, 0)) != NULL) {
		s->known = 1;
		s->call_serial = ++ctx->call_serial;
		if (l2tp_session_fsm(s, L2TP_SEV_OPEN, NULL) == -1 || s->dead)
			s = NULL;
	}
	l2tp_ctx_leave(ctx);
	return s;
}

struct l2tp_session *
l2tp_session_open(struct l2tp_tunnel *t)
{
	return session_open(t, L2TP_CALL_LAC_IC);
}

struct l2tp_session *
l2tp_session_open_outgoing(struct l2tp_tunnel *t, const char *called)
{
	struct l2tp_session *s;

	t->called = called;
	s = session_open(t, L2TP_CALL_LNS_OC);
	t->called = NULL;
	return s;
}

int
l2tp_session_answer(struct l2tp_session *s)
{
	int rc;

	if (s->dead)
		return -1;
	l2tp_ctx_enter(s->tunnel->ctx);
	rc = l2tp_session_fsm(s, L2TP_SEV_ANSWER, NULL);
	l2tp_ctx_leave(s->tunnel->ctx);
	return rc;
}

int
l2tp_session_clear(struct l2tp_session *s, uint16_t result, uint16_t error,
    const char *text)
{
	struct l2tp_tunnel *t = s->tunnel;
	int rc;

	if (s->dead)
		return -1;
	l2tp_ctx_enter(t->ctx);
	s->last_result = result ? result : L2TP_CDN_ADMIN;
	s->last_error = error;
	t->close_text = text;
	rc = l2tp_session_fsm(s, L2TP_SEV_CLOSE, NULL);
	t->close_text = NULL;
	l2tp_ctx_leave(t->ctx);
	return rc;
}

struct l2tp_session *
l2tp_session_find(struct l2tp_ctx *ctx, uint16_t tid, uint16_t sid)
{
	uint32_t key = session_key(tid, sid);
	struct l2tp_hnode *n;

	for (n = l2tp_hash_first(&ctx->sessions, key); n != NULL;
	    n = l2tp_hash_next_key(n, key))
		return L2TP_CONTAINER(n, struct l2tp_session, hn);
	return NULL;
}

struct l2tp_session *
l2tp_session_next(struct l2tp_tunnel *t, struct l2tp_session *s)
{
	return s == NULL ? TAILQ_FIRST(&t->sessions) : TAILQ_NEXT(s, entry);
}

struct l2tp_tunnel *
l2tp_session_tunnel(const struct l2tp_session *s)
{
	return s->tunnel;
}

uint16_t
l2tp_session_local_id(const struct l2tp_session *s)
{
	return s->local_sid;
}

void
l2tp_session_get_info(const struct l2tp_session *s,
    struct l2tp_session_info *i)
{
	memset(i, 0, sizeof(*i));
	i->local_tid = s->tunnel->local_tid;
	i->remote_tid = s->tunnel->remote_tid;
	i->local_sid = s->local_sid;
	i->remote_sid = s->remote_sid;
	i->state = s->state;
	i->call = s->call;
	i->call_serial = s->call_serial;
	i->data_seq = s->data_seq;
	i->seq_required = s->seq_locked;
	i->rx_pkts = s->rx_pkts;
	i->rx_bytes = s->rx_bytes;
	i->tx_pkts = s->tx_pkts;
	i->tx_bytes = s->tx_bytes;
	i->rx_errors = s->rx_errors;
	i->rx_seq_errors = s->rx_seq_errors;
	i->tx_errors = s->tx_errors;
	i->last_result = s->last_result;
	i->last_error = s->last_error;
}

struct l2tp_session *
l2tp_session_restore(struct l2tp_tunnel *t, const struct l2tp_session_info *i)
{
	struct l2tp_session *s;

	enum l2tp_session_state st = i->state;

	if (st != L2TP_SS_ESTABLISHED && st != L2TP_SS_WAIT_REPLY &&
	    st != L2TP_SS_WAIT_CONNECT)
		st = L2TP_SS_ESTABLISHED;
	if (i->local_sid == 0 || (i->remote_sid == 0 &&
	    st != L2TP_SS_WAIT_REPLY) || (unsigned)i->call > L2TP_CALL_LAC_OC)
		return NULL;
	if ((s = session_new(t, i->call, i->local_sid)) == NULL)
		return NULL;
	s->remote_sid = i->remote_sid;
	s->call_serial = i->call_serial;
	s->data_seq = i->data_seq ? 1 : 0;
	/* RFC 2661 5.4: required once, sequenced for the session's life */
	if (i->seq_required)
		s->data_seq = s->seq_locked = 1;
	s->known = 1;		/* the host restored it: report its end */
	s->state = st;	/* birth, not a transition */
	sso_log(SSO_INFO, L2TP_FAC, "SESSION_STATE",
	    "session %u/%u (tunnel %u) restored -> %s", s->local_sid,
	    s->remote_sid, t->local_tid, l2tp_session_state_names[st]);
	return s;
}

void *
l2tp_session_get_user(const struct l2tp_session *s)
{
	return s->user;
}

void
l2tp_session_set_user(struct l2tp_session *s, void *u)
{
	s->user = u;
}

size_t
l2tp_session_size(void)
{
	return sizeof(struct l2tp_session);
}

uint16_t
l2tp_ctx_alloc_sid(struct l2tp_ctx *ctx, uint16_t tid)
{
	uint16_t sid = 0;
	unsigned i;

	for (i = 0; i < 65536 + 16; i++) {
		sid = i < 16 ? l2tp_rand16() : (uint16_t)(sid + 1);
		if (sid != 0 && l2tp_session_find(ctx, tid, sid) == NULL)
			return sid;
	}
	return 0;
}
