/*
 * tunnel.c - control connection state machine (RFC 2661 7.2.1), tunnel
 * authentication (5.1.1, 4.4.3), tie breaker (4.4.3) and the delivery of
 * in-order control messages from ctrl.c to the tunnel or session FSMs.
 *
 * l2tp_tunnel_fsm() is the only entry; t->state changes only in
 * tunnel_change_state(), which logs "old -> new (event)".
 *
 * States: IDLE -> WAIT_CTL_REPLY (we sent SCCRQ) or WAIT_CTL_CONN (we
 * sent SCCRP) -> ESTABLISHED [<-> RESYNC after an HA takeover] ->
 * CLOSING (StopCCN sent or received; the channel keeps running so the
 * StopCCN is delivered or its retransmissions acked, RFC 2661 5.7) ->
 * DEAD (unlinked, freed when the engine unwinds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l2tp_local.h"

#define L2TP_FRAMING_CAP	0x00000003	/* sync | async */
#define L2TP_BEARER_CAP		0x00000003	/* analog | digital */
#define L2TP_PROTO_VERSION	0x0100		/* 4.4.3: Ver 1, Rev 0 */
#define L2TP_FIRMWARE_REV	0x0100
#define L2TP_VENDOR_NAME	"ssod"
#define L2TP_FAILOVER_RECOVERY_MS 10000	/* RFC 4951 default we use */

const char *const l2tp_tunnel_state_names[L2TP_TS_MAX] = {
	[L2TP_TS_IDLE] = "idle",
	[L2TP_TS_WAIT_CTL_REPLY] = "wait-ctl-reply",
	[L2TP_TS_WAIT_CTL_CONN] = "wait-ctl-conn",
	[L2TP_TS_ESTABLISHED] = "established",
	[L2TP_TS_RESYNC] = "resync",
	[L2TP_TS_CLOSING] = "closing",
	[L2TP_TS_DEAD] = "dead",
};

const char *const l2tp_tunnel_ev_names[L2TP_TEV_MAX] = {
	[L2TP_TEV_OPEN] = "open",
	[L2TP_TEV_RX_SCCRQ] = "rx-SCCRQ",
	[L2TP_TEV_RX_SCCRP] = "rx-SCCRP",
	[L2TP_TEV_RX_SCCCN] = "rx-SCCCN",
	[L2TP_TEV_RX_STOPCCN] = "rx-StopCCN",
	[L2TP_TEV_CLOSE] = "close",
	[L2TP_TEV_CTRL_FAIL] = "ctrl-fail",
	[L2TP_TEV_BAD_MSG] = "bad-msg",
	[L2TP_TEV_TIE_LOST] = "tie-lost",
	[L2TP_TEV_TX_DONE] = "tx-done",
	[L2TP_TEV_LINGER_DONE] = "linger-done",
	[L2TP_TEV_RESYNC] = "resync",
	[L2TP_TEV_RESYNC_DONE] = "resync-done",
};

/* RFC 2661 4.4.2: StopCCN result codes, for logs */
static const char *const stopccn_results[] = {
	[L2TP_STOPCCN_CLEAR] = "general request to clear",
	[L2TP_STOPCCN_GENERAL] = "general error",
	[L2TP_STOPCCN_EXISTS] = "control channel already exists",
	[L2TP_STOPCCN_NOT_AUTH] = "requester not authorized",
	[L2TP_STOPCCN_BAD_VERSION] = "protocol version not supported",
	[L2TP_STOPCCN_SHUTDOWN] = "requester being shut down",
	[L2TP_STOPCCN_FSM] = "finite state machine error",
};

const char *
l2tp_stopccn_result_name(uint16_t r)
{
	if (r < sizeof(stopccn_results) / sizeof(stopccn_results[0]) &&
	    stopccn_results[r] != NULL)
		return stopccn_results[r];
	return "unknown result";
}

const char *
l2tp_tunnel_secret(const struct l2tp_tunnel *t)
{
	return t->grp.password;
}

/*
 * refused: an incoming tunnel refused at its SCCRQ (idle -> closing).
 * It never came up, but the host is told it went down all the same, with
 * its peer, host name and result: only the host knows which of its rules
 * refused it and can say so (`show vpdn history failure`).
 */
static void
tunnel_report(struct l2tp_tunnel *t, enum l2tp_event ev, int refused)
{
	struct l2tp_ctx *ctx = t->ctx;

	/* an RFC 4951 recovery tunnel is plumbing, not a tunnel to report */
	if (t->fo_old_tid != 0)
		return;
	if (ev == L2TP_EV_TUNNEL_UP)
		t->up_reported = 1;
	else {
		if (t->down_reported || (!t->up_reported && !t->initiator &&
		    !refused))
			return;
		t->down_reported = 1;
	}
	if (ctx->ops.tunnel_event != NULL)
		ctx->ops.tunnel_event(ctx->arg, t, ev);
}

static void
linger_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct l2tp_tunnel *t = w->data;
	struct l2tp_ctx *ctx = t->ctx;

	l2tp_ctx_enter(ctx);
	(void)l2tp_tunnel_fsm(t, L2TP_TEV_LINGER_DONE, NULL);
	l2tp_ctx_leave(ctx);
}

struct l2tp_tunnel *
l2tp_tunnel_new(struct l2tp_ctx *ctx, const struct l2tp_group *g,
    const struct sockaddr *peer, socklen_t peer_len, uint16_t tid)
{
	struct l2tp_tunnel *t;

	if (peer_len > sizeof(t->peer))
		return NULL;
	if (tid == 0 && (tid = l2tp_ctx_alloc_tid(ctx)) == 0)
		return NULL;
	if (l2tp_tunnel_find(ctx, tid) != NULL ||
	    (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->ctx = ctx;
	t->grp = *g;
	t->grp.name[sizeof(t->grp.name) - 1] = '\0';
	t->grp.password[sizeof(t->grp.password) - 1] = '\0';
	t->grp.local_name[sizeof(t->grp.local_name) - 1] = '\0';
	if (t->grp.rtx_min_ms == 0)
		t->grp.rtx_min_ms = 1000;
	if (t->grp.rtx_max_ms < t->grp.rtx_min_ms)
		t->grp.rtx_max_ms = t->grp.rtx_min_ms;
	memcpy(&t->peer, peer, peer_len);
	t->peer_len = peer_len;
	t->local_tid = tid;
	t->state = L2TP_TS_IDLE;
	TAILQ_INIT(&t->sessions);
	l2tp_ctrl_init(t);
	ev_timer_init(&t->linger_timer, linger_cb, 0., 0.);
	t->linger_timer.data = t;
	if (l2tp_hash_add(&ctx->tunnels, &t->hn_local, tid) == -1) {
		free(t);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&ctx->tunnel_list, t, entry);
	ctx->ntunnels++;
	ctx->stats.tunnels_created++;
	return t;
}

/* remote tid known: index it so a retransmitted SCCRQ finds us */
void
l2tp_tunnel_remote_link(struct l2tp_tunnel *t)
{
	if (t->remote_linked || t->remote_tid == 0)
		return;
	if (l2tp_hash_add(&t->ctx->tunnels_remote, &t->hn_remote,
	    t->remote_tid) == 0)
		t->remote_linked = 1;
}

void
l2tp_tunnel_destroy(struct l2tp_tunnel *t)
{
	struct l2tp_session *s;

	while ((s = TAILQ_FIRST(&t->sessions)) != NULL)
		l2tp_session_destroy(s);
	l2tp_ctrl_fini(t);
	ev_timer_stop(t->ctx->loop, &t->linger_timer);
	t->ctx->stats.tunnels_freed++;
	free(t);
}

/* ---- builders ---- */

static int
tunnel_send(struct l2tp_tunnel *t, struct l2tp_build *b, int errs)
{
	if (errs || l2tp_ctrl_send(t, b) == -1) {
		l2tp_build_free(b);
		return -1;
	}
	return 0;
}

static int
put_common(struct l2tp_tunnel *t, struct l2tp_build *b)
{
	int errs = 0;

	errs += l2tp_build_u16(b, L2TP_AVP_PROTO_VERSION, L2TP_PROTO_VERSION);
	errs += l2tp_build_u32(b, L2TP_AVP_FRAMING_CAP, L2TP_FRAMING_CAP);
	if (t->grp.request_dialin)
		errs += l2tp_build_u32(b, L2TP_AVP_BEARER_CAP,
		    L2TP_BEARER_CAP);
	errs += l2tp_build_u16(b, L2TP_AVP_FIRMWARE_REV, L2TP_FIRMWARE_REV);
	errs += l2tp_build_str(b, L2TP_AVP_HOST_NAME,
	    t->grp.local_name[0] ? t->grp.local_name : "ssod");
	errs += l2tp_build_str(b, L2TP_AVP_VENDOR_NAME, L2TP_VENDOR_NAME);
	errs += l2tp_build_u16(b, L2TP_AVP_ASSIGNED_TID, t->local_tid);
	errs += l2tp_build_u16(b, L2TP_AVP_RX_WINDOW, t->ctrl.rx_window);
	if (t->grp.password[0] != '\0') {
		t->challenge_len = sizeof(t->challenge);
		errs += l2tp_random(t->challenge, sizeof(t->challenge)) ? 1 : 0;
		errs += l2tp_build_avp(b, L2TP_AVP_CHALLENGE, t->challenge,
		    t->challenge_len);
	}
	if (t->grp.failover) {
		uint32_t rt = t->grp.recovery_ms ? t->grp.recovery_ms :
		    L2TP_FAILOVER_RECOVERY_MS;
		/*
		 * RFC 4951: C = our control channel survives a failover (the
		 * standby holds it, checkpoint before send/ack). D = 0: data
		 * channel sequence numbers (Ns/Nr of sessions with sequencing)
		 * are not checkpointed per packet, so the peer must not count
		 * on them after a failover.
		 */
		uint8_t fc[6] = { 0, L2TP_FAILOVER_CAP_C, (uint8_t)(rt >> 24),
		    (uint8_t)(rt >> 16), (uint8_t)(rt >> 8), (uint8_t)rt };

		/* DESIGN.md rule 7: RFC 4951 AVPs go with M=0 */
		errs += l2tp_build_avp(b, L2TP_AVP_FAILOVER_CAP, fc, sizeof(fc));
	}
	return errs;
}

/* RFC 4951 Tunnel Recovery / Suggested Control Sequence: rsvd + 2 x 16 */
static int
put_fo_pair(struct l2tp_build *b, uint16_t type, uint16_t a, uint16_t z)
{
	uint8_t v[6] = { 0, 0, (uint8_t)(a >> 8), (uint8_t)a,
	    (uint8_t)(z >> 8), (uint8_t)z };

	return l2tp_build_avp(b, type, v, sizeof(v)) ? 1 : 0;
}

static int
send_sccrq(struct l2tp_tunnel *t)
{
	struct l2tp_build b;
	int errs;

	errs = l2tp_build_begin(&b, 0, 0, L2TP_MSG_SCCRQ, t->grp.password,
	    t->grp.hide_avps) ? 1 : 0;
	errs += put_common(t, &b);
	/* always: makes one tunnel per LAC-LNS pair (RFC 2661 4.4.3) */
	errs += l2tp_random(&t->tie_breaker, sizeof(t->tie_breaker)) ? 1 : 0;
	errs += l2tp_build_u64(&b, L2TP_AVP_TIE_BREAKER, t->tie_breaker);
	if (t->fo_old_tid != 0) {
		struct l2tp_tunnel *o = l2tp_tunnel_find(t->ctx, t->fo_old_tid);

		/* RFC 4951: Recover Tunnel ID (ours), Recover Remote ID */
		if (o == NULL)
			errs++;
		else
			errs += put_fo_pair(&b, L2TP_AVP_TUNNEL_RECOVERY,
			    o->local_tid, o->remote_tid);
	}
	return tunnel_send(t, &b, errs);
}

/* RFC 2661 4.4.3: the CHAP id is the Message Type of the response */
static int
put_response(struct l2tp_tunnel *t, struct l2tp_build *b, uint8_t id,
    const struct l2tp_msg *m)
{
	uint8_t chal[L2TP_AVP_VAL_MAX], resp[16];
	struct sso_cur c;
	size_t n;

	if (l2tp_msg_cur(m, L2TP_AVP_CHALLENGE, &c) == -1)
		return 0;
	n = c.len;
	if (sso_cur_get_bytes(&c, chal, n) == -1 ||
	    l2tp_chap_response(resp, id, t->grp.password, chal, n) == -1)
		return 1;
	return l2tp_build_avp(b, L2TP_AVP_CHALLENGE_RESP, resp, sizeof(resp))
	    ? 1 : 0;
}

static int
send_sccrp(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	struct l2tp_build b;
	int errs;

	errs = l2tp_build_begin(&b, t->remote_tid, 0, L2TP_MSG_SCCRP,
	    t->grp.password, t->grp.hide_avps) ? 1 : 0;
	errs += put_common(t, &b);
	errs += put_response(t, &b, L2TP_MSG_SCCRP, m);
	if (t->fo_old_tid != 0) {
		struct l2tp_tunnel *o = l2tp_tunnel_find(t->ctx, t->fo_old_tid);

		/*
		 * RFC 4951: Suggested Ns = the Ns we expect next on the old
		 * tunnel; Suggested Nr = our oldest unacknowledged Ns, so
		 * nothing we sent into the failure is skipped.
		 */
		if (o == NULL)
			errs++;
		else
			errs += put_fo_pair(&b, L2TP_AVP_SUGGESTED_SEQ,
			    o->ctrl.rcv_next, o->ctrl.snd_una);
	}
	return tunnel_send(t, &b, errs);
}

static int
send_scccn(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	struct l2tp_build b;
	int errs;

	errs = l2tp_build_begin(&b, t->remote_tid, 0, L2TP_MSG_SCCCN,
	    t->grp.password, t->grp.hide_avps) ? 1 : 0;
	errs += put_response(t, &b, L2TP_MSG_SCCCN, m);
	return tunnel_send(t, &b, errs);
}

static int
send_stopccn(struct l2tp_tunnel *t, uint16_t result, uint16_t error,
    const char *text)
{
	struct l2tp_build b;
	int errs;

	t->last_result = result;
	t->last_error = error;
	t->stop_sent = 1;
	errs = l2tp_build_begin(&b, t->remote_tid, 0, L2TP_MSG_STOPCCN,
	    t->grp.password, 0) ? 1 : 0;
	errs += l2tp_build_u16(&b, L2TP_AVP_ASSIGNED_TID, t->local_tid);
	errs += l2tp_build_result(&b, result, error, text);
	return tunnel_send(t, &b, errs);
}

/* ---- checks on received establishment messages ---- */

/* record the peer's parameters from SCCRQ/SCCRP; result code or 0 */
static uint16_t
peer_params(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	uint16_t ver = 0, win, tid;
	uint64_t tb;

	if (l2tp_msg_u16(m, L2TP_AVP_PROTO_VERSION, &ver) == -1 ||
	    ver != L2TP_PROTO_VERSION)
		return L2TP_STOPCCN_BAD_VERSION;
	if (l2tp_msg_u16(m, L2TP_AVP_ASSIGNED_TID, &tid) == 0 &&
	    t->remote_tid == 0) {
		t->remote_tid = tid;
		l2tp_tunnel_remote_link(t);
	}
	(void)l2tp_msg_str(m, L2TP_AVP_HOST_NAME, t->peer_name,
	    sizeof(t->peer_name));
	(void)l2tp_msg_u32(m, L2TP_AVP_FRAMING_CAP, &t->peer_framing_cap);
	(void)l2tp_msg_u32(m, L2TP_AVP_BEARER_CAP, &t->peer_bearer_cap);
	if (l2tp_msg_u16(m, L2TP_AVP_RX_WINDOW, &win) == 0) {
		t->ctrl.peer_rx_window = win;
		t->ctrl.ssthresh = win;
	}
	if (l2tp_msg_u64(m, L2TP_AVP_TIE_BREAKER, &tb) == 0)
		t->peer_tie_breaker = tb;
	t->peer_failover = l2tp_msg_has(m, L2TP_AVP_FAILOVER_CAP);
	if (t->peer_failover) {
		struct sso_cur c;
		uint32_t rt = 0;
		uint16_t fl = 0;

		if (l2tp_msg_cur(m, L2TP_AVP_FAILOVER_CAP, &c) == 0 &&
		    sso_cur_get_u16(&c, &fl) == 0 &&
		    sso_cur_get_u32(&c, &rt) == 0) {
			t->peer_fo_flags = fl & (L2TP_FAILOVER_CAP_C |
			    L2TP_FAILOVER_CAP_D);
			t->peer_recovery_ms = rt;
		}
	}
	/* a challenge we cannot answer: not authorized (5.1.1) */
	if (l2tp_msg_has(m, L2TP_AVP_CHALLENGE) && t->grp.password[0] == '\0')
		return L2TP_STOPCCN_NOT_AUTH;
	return 0;
}

/* RFC 2661 5.1.1: the response to our challenge must match */
static int
auth_ok(const struct l2tp_tunnel *t, uint8_t id, const struct l2tp_msg *m)
{
	uint8_t want[16], got[16];
	struct sso_cur c;

	if (t->challenge_len == 0)
		return 1;
	if (l2tp_msg_cur(m, L2TP_AVP_CHALLENGE_RESP, &c) == -1 ||
	    sso_cur_get_bytes(&c, got, sizeof(got)) == -1 ||
	    l2tp_chap_response(want, id, t->grp.password, t->challenge,
	    t->challenge_len) == -1)
		return 0;
	return memcmp(want, got, sizeof(want)) == 0;
}

/* ---- RFC 4951 failover: recovery tunnels ---- */

struct l2tp_tunnel *
l2tp_tunnel_fo_lookup(struct l2tp_ctx *ctx, const struct l2tp_msg *m,
    const struct sockaddr *from)
{
	struct l2tp_tunnel *t;
	uint16_t theirs, ours;

	/* Recover Tunnel ID is the sender's id, Recover Remote ours */
	if (l2tp_msg_u16_at(m, L2TP_AVP_TUNNEL_RECOVERY, 2, &theirs) == -1 ||
	    l2tp_msg_u16_at(m, L2TP_AVP_TUNNEL_RECOVERY, 4, &ours) == -1 ||
	    (t = l2tp_tunnel_find(ctx, ours)) == NULL || t->dead ||
	    t->remote_tid != theirs || t->fo_old_tid != 0 ||
	    t->state != L2TP_TS_ESTABLISHED || !l2tp_tunnel_fo_negotiated(t) ||
	    !l2tp_addr_eq(from, (struct sockaddr *)&t->peer, 0))
		return NULL;
	return t;
}

/* peer side: an SCCRQ with Tunnel Recovery; 0 when we take part */
static int
fo_peer_accept(struct l2tp_tunnel *r, const struct l2tp_msg *m)
{
	struct l2tp_tunnel *o, *busy;

	if ((o = l2tp_tunnel_fo_lookup(r->ctx, m,
	    (struct sockaddr *)&r->peer)) == NULL)
		return -1;
	/* one recovery at a time; a dead attempt does not block */
	if (o->fo_rec_tid != 0 && (busy = l2tp_tunnel_find(r->ctx,
	    o->fo_rec_tid)) != NULL && busy->state != L2TP_TS_CLOSING)
		return -1;
	r->fo_old_tid = o->local_tid;
	o->fo_rec_tid = r->local_tid;
	/* the peer cannot hear the old tunnel until it is recovered */
	o->fo_hold = 1;
	ev_timer_stop(o->ctx->loop, &o->ctrl.rtx_timer);
	ev_timer_stop(o->ctx->loop, &o->ctrl.hello_timer);
	sso_log(SSO_NOTICE, L2TP_FAC, "FAILOVER", "tunnel %u/%u: peer "
	    "recovering it (RFC 4951) over tunnel %u", o->local_tid,
	    o->remote_tid, r->local_tid);
	return 0;
}

/* peer side: the recovery tunnel is done (ok) or gone: resume */
static void
fo_peer_release(struct l2tp_tunnel *r, int ok)
{
	struct l2tp_tunnel *o = l2tp_tunnel_find(r->ctx, r->fo_old_tid);

	if (o == NULL || o->fo_rec_tid != r->local_tid)
		return;
	o->fo_rec_tid = 0;
	o->fo_hold = 0;
	o->ctrl.retries_done = 0;
	o->ctrl.rto_ms = o->grp.rtx_min_ms;
	sso_log(SSO_NOTICE, L2TP_FAC, "FAILOVER", "tunnel %u/%u: peer "
	    "recovery %s", o->local_tid, o->remote_tid, ok ? "complete" :
	    "abandoned");
	l2tp_ctrl_start_hello(o);
	/* what we sent into the failure goes again, at once */
	l2tp_ctrl_retransmit_all(o);
	if (ok)
		(void)l2tp_tunnel_session_query(o);
}

/* recovering side: the recovery tunnel died before the SCCRP */
static void
fo_recover_failed(struct l2tp_tunnel *r)
{
	struct l2tp_tunnel *o = l2tp_tunnel_find(r->ctx, r->fo_old_tid);

	if (o == NULL || o->fo_rec_tid != r->local_tid)
		return;
	o->fo_rec_tid = 0;
	sso_log(SSO_WARNING, L2TP_FAC, "FAILOVER", "tunnel %u/%u: RFC 4951 "
	    "recovery failed (result %u)", o->local_tid, o->remote_tid,
	    r->last_result);
	if (o->ctx->ops.tunnel_event != NULL && !o->dead)
		o->ctx->ops.tunnel_event(o->ctx->arg, o,
		    L2TP_EV_TUNNEL_RECOVERY_FAILED);
}

static void
fo_unlink(struct l2tp_tunnel *r)
{
	if (r->fo_old_tid == 0)
		return;
	if (r->initiator)
		fo_recover_failed(r);
	else
		fo_peer_release(r, 0);
}

/* ---- the state machine ---- */

static void
tunnel_change_state(struct l2tp_tunnel *t, enum l2tp_tunnel_state ns,
    enum l2tp_tunnel_ev ev)
{
	struct l2tp_session *s, *next;
	enum l2tp_tunnel_state os = t->state;
	/* only an SCCRQ reaches an idle incoming tunnel (l2tp.c) */
	int refused = os == L2TP_TS_IDLE && !t->initiator;

	if (t->pending && ns != L2TP_TS_WAIT_CTL_REPLY) {
		TAILQ_REMOVE(&t->ctx->pending, t, pending_entry);
		t->pending = 0;
	}
	sso_log(ns == L2TP_TS_ESTABLISHED || ns == L2TP_TS_DEAD ? SSO_NOTICE :
	    SSO_INFO, L2TP_FAC, "TUNNEL_STATE", "tunnel %u/%u %s -> %s (%s)",
	    t->local_tid, t->remote_tid, l2tp_tunnel_state_names[os],
	    l2tp_tunnel_state_names[ns], l2tp_tunnel_ev_names[ev]);
	t->state = ns;
	switch (ns) {
	case L2TP_TS_ESTABLISHED:
		if (os == L2TP_TS_RESYNC)
			break;
		l2tp_ctrl_start_hello(t);
		tunnel_report(t, L2TP_EV_TUNNEL_UP, 0);
		/* RFC 2661 7.4.1: tunnel-open event to waiting sessions */
		for (s = TAILQ_FIRST(&t->sessions); s != NULL; s = next) {
			next = TAILQ_NEXT(s, entry);
			(void)l2tp_session_fsm(s, L2TP_SEV_TUNNEL_UP, NULL);
		}
		break;
	case L2TP_TS_CLOSING:
		ev_timer_stop(t->ctx->loop, &t->ctrl.hello_timer);
		fo_unlink(t);
		l2tp_tunnel_sessions_down(t);
		tunnel_report(t, L2TP_EV_TUNNEL_DOWN, refused);
		/*
		 * The host checkpoints live tunnels only and forgets this one
		 * on TUNNEL_DOWN: what it still holds (the StopCCN queued just
		 * before this, an Nr) would never be released, the StopCCN
		 * never sent. Nothing left to protect: release it all.
		 */
		(void)l2tp_ctrl_send_release(t, (uint16_t)(t->ctrl.ns_next - 1));
		(void)l2tp_ctrl_ack_release(t, t->ctrl.rcv_next);
		ev_timer_set(&t->linger_timer, t->ctx->linger_ms / 1000., 0.);
		ev_timer_start(t->ctx->loop, &t->linger_timer);
		break;
	case L2TP_TS_DEAD:
		fo_unlink(t);
		l2tp_tunnel_sessions_down(t);
		tunnel_report(t, L2TP_EV_TUNNEL_DOWN, refused);
		l2tp_ctx_reap_tunnel(t);
		break;
	default:
		break;
	}
}

/* StopCCN with the reason, then CLOSING (RFC 2661 7.2.1 "clean up") */
static void
tunnel_stop(struct l2tp_tunnel *t, enum l2tp_tunnel_ev ev, uint16_t result,
    uint16_t error, const char *text)
{
	if (send_stopccn(t, result, error, text) == -1) {
		tunnel_change_state(t, L2TP_TS_DEAD, ev);
		return;
	}
	tunnel_change_state(t, L2TP_TS_CLOSING, ev);
}

static void
tunnel_bad_msg(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	char text[96];

	snprintf(text, sizeof(text), "%s: %s %u (%s)",
	    l2tp_msg_name(m->type), m->err_text ? m->err_text : "bad message",
	    m->err_attr, l2tp_avp_name(m->err_attr));
	sso_log_rl(&t->ctx->rl, SSO_WARNING, L2TP_FAC, "BAD_MSG",
	    "tunnel %u/%u: %s", t->local_tid, t->remote_tid, text);
	tunnel_stop(t, L2TP_TEV_BAD_MSG, L2TP_STOPCCN_GENERAL,
	    m->err_result_error, text);
}

/*
 * A refused SCCRQ, for a reason of the engine's own (the host's rules are
 * explained by the host, told by tunnel_report): logged whatever the
 * debug settings, rate-limited because a peer can repeat it at will.
 */
static void
sccrq_refused(struct l2tp_tunnel *t, uint16_t rc, const char *why)
{
	char a[64];

	sso_log_rl(&t->ctx->rl, SSO_NOTICE, L2TP_FAC, "TUNNEL_REFUSED",
	    "tunnel %u/%u: SCCRQ from %s host %s refused (StopCCN result %u "
	    "%s): %s", t->local_tid, t->remote_tid,
	    l2tp_addr_str((struct sockaddr *)&t->peer, a, sizeof(a)),
	    t->peer_name[0] ? t->peer_name : "-", rc,
	    l2tp_stopccn_result_name(rc), why);
}

static void
rx_sccrq(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	uint16_t rc = peer_params(t, m);

	/* RFC 4951: recovery for a tunnel we cannot recover: refuse it */
	if (rc == 0 && l2tp_msg_has(m, L2TP_AVP_TUNNEL_RECOVERY) &&
	    fo_peer_accept(t, m) == -1) {
		t->ctx->stats.drops[L2TP_DROP_FAILOVER]++;
		sccrq_refused(t, L2TP_STOPCCN_GENERAL, "tunnel recovery for no "
		    "failover tunnel of ours");
		tunnel_stop(t, L2TP_TEV_RX_SCCRQ, L2TP_STOPCCN_GENERAL, 0,
		    "tunnel recovery refused: no such failover tunnel");
		return;
	}
	if (rc == L2TP_STOPCCN_BAD_VERSION)
		sccrq_refused(t, rc, "protocol version is not 1.0");
	else if (rc == L2TP_STOPCCN_NOT_AUTH)
		sccrq_refused(t, rc, "peer sent a challenge and the group has "
		    "no tunnel password");
	/* l2tp.c refuses unknown peers by handing us no accept_dialin */
	if (rc == 0 && !t->grp.accept_dialin)
		rc = L2TP_STOPCCN_NOT_AUTH;
	if (rc != 0) {
		tunnel_stop(t, L2TP_TEV_RX_SCCRQ, rc,
		    rc == L2TP_STOPCCN_BAD_VERSION ? L2TP_PROTO_VERSION : 0,
		    NULL);
		return;
	}
	if (send_sccrp(t, m) == -1) {
		tunnel_change_state(t, L2TP_TS_DEAD, L2TP_TEV_RX_SCCRQ);
		return;
	}
	tunnel_change_state(t, L2TP_TS_WAIT_CTL_CONN, L2TP_TEV_RX_SCCRQ);
}

/*
 * RFC 4951 recovering side: the SCCRP of our recovery tunnel r. Adopt
 * the Suggested Control Sequence on the old tunnel, finish and tear down
 * r (SCCCN then StopCCN), then reconcile sessions (FSQ).
 */
static void
fo_recovered(struct l2tp_tunnel *r, const struct l2tp_msg *m)
{
	struct l2tp_tunnel *o = l2tp_tunnel_find(r->ctx, r->fo_old_tid);
	uint16_t ns, nr;

	if (o == NULL || o->fo_rec_tid != r->local_tid ||
	    l2tp_msg_u16_at(m, L2TP_AVP_SUGGESTED_SEQ, 2, &ns) == -1 ||
	    l2tp_msg_u16_at(m, L2TP_AVP_SUGGESTED_SEQ, 4, &nr) == -1) {
		r->ctx->stats.drops[L2TP_DROP_FAILOVER]++;
		tunnel_stop(r, L2TP_TEV_RX_SCCRP, L2TP_STOPCCN_GENERAL, 0,
		    "tunnel recovery: no Suggested Control Sequence");
		return;
	}
	if (send_scccn(r, m) == -1) {
		tunnel_change_state(r, L2TP_TS_DEAD, L2TP_TEV_RX_SCCRP);
		return;
	}
	tunnel_change_state(r, L2TP_TS_ESTABLISHED, L2TP_TEV_RX_SCCRP);
	o->fo_rec_tid = 0;	/* adopted: r's end is no failure */
	tunnel_stop(r, L2TP_TEV_CLOSE, L2TP_STOPCCN_CLEAR, 0,
	    "RFC 4951 recovery complete");
	sso_log(SSO_NOTICE, L2TP_FAC, "FAILOVER", "tunnel %u/%u recovered "
	    "(RFC 4951): Ns %u Nr %u suggested", o->local_tid, o->remote_tid,
	    ns, nr);
	l2tp_ctrl_recover(o, ns, nr);
	(void)l2tp_tunnel_fsm(o, L2TP_TEV_RESYNC_DONE, NULL);
	if (!o->dead && o->state == L2TP_TS_ESTABLISHED)
		(void)l2tp_tunnel_session_query(o);
}

static void
rx_sccrp(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	uint16_t rc = peer_params(t, m);

	if (rc == 0 && !auth_ok(t, L2TP_MSG_SCCRP, m))
		rc = L2TP_STOPCCN_NOT_AUTH;
	if (rc != 0) {
		tunnel_stop(t, L2TP_TEV_RX_SCCRP, rc, 0, rc ==
		    L2TP_STOPCCN_NOT_AUTH ? "authentication failed" : NULL);
		return;
	}
	if (t->fo_old_tid != 0) {
		fo_recovered(t, m);
		return;
	}
	if (send_scccn(t, m) == -1) {
		tunnel_change_state(t, L2TP_TS_DEAD, L2TP_TEV_RX_SCCRP);
		return;
	}
	tunnel_change_state(t, L2TP_TS_ESTABLISHED, L2TP_TEV_RX_SCCRP);
}

static void
rx_stopccn(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	uint16_t tid;

	char text[128], a[64];

	(void)l2tp_msg_result(m, &t->last_result, &t->last_error, text,
	    sizeof(text));
	/* we may not know the peer's id yet; we need it to ack (5.7) */
	if (t->remote_tid == 0 &&
	    l2tp_msg_u16(m, L2TP_AVP_ASSIGNED_TID, &tid) == 0)
		t->remote_tid = tid;
	/* why the peer closed is its to say: log what it said (6.4) */
	sso_log_rl(&t->ctx->rl, SSO_NOTICE, L2TP_FAC, "STOPCCN", "tunnel "
	    "%u/%u: StopCCN from %s host %s: result %u (%s) error %u%s%s%s",
	    t->local_tid, t->remote_tid,
	    l2tp_addr_str((struct sockaddr *)&t->peer, a, sizeof(a)),
	    t->peer_name[0] ? t->peer_name : "-", t->last_result,
	    l2tp_stopccn_result_name(t->last_result), t->last_error,
	    text[0] ? " message \"" : "", l2tp_printable(text),
	    text[0] ? "\"" : "");
	if (t->state != L2TP_TS_CLOSING) {
		/* our own queue is moot now; keep acking the peer */
		struct l2tp_txmsg *x;

		while ((x = TAILQ_FIRST(&t->ctrl.txq)) != NULL) {
			TAILQ_REMOVE(&t->ctrl.txq, x, entry);
			t->ctrl.txq_len--;
			free(x);
		}
		ev_timer_stop(t->ctx->loop, &t->ctrl.rtx_timer);
		tunnel_change_state(t, L2TP_TS_CLOSING, L2TP_TEV_RX_STOPCCN);
	}
}

int
l2tp_tunnel_fsm(struct l2tp_tunnel *t, enum l2tp_tunnel_ev ev,
    const struct l2tp_msg *m)
{
	if (t->dead)
		return -1;
	SSO_DEBUG(&l2tp_debug_fsm, L2TP_FAC, "tunnel %u state %s event %s",
	    t->local_tid, l2tp_tunnel_state_names[t->state],
	    l2tp_tunnel_ev_names[ev]);
	/* events that mean the same in every live state */
	switch (ev) {
	case L2TP_TEV_RX_STOPCCN:
		rx_stopccn(t, m);
		return 0;
	case L2TP_TEV_CTRL_FAIL:
		sso_log(SSO_WARNING, L2TP_FAC, "TUNNEL_TIMEOUT",
		    "tunnel %u/%u: peer not answering after %u retries",
		    t->local_tid, t->remote_tid, t->grp.retries);
		tunnel_change_state(t, L2TP_TS_DEAD, ev);
		return 0;
	case L2TP_TEV_TIE_LOST:
		/* RFC 2661 4.4.3: the loser silently discards its tunnel */
		tunnel_change_state(t, L2TP_TS_DEAD, ev);
		return 0;
	default:
		break;
	}
	switch (t->state) {
	case L2TP_TS_IDLE:
		switch (ev) {
		case L2TP_TEV_OPEN:
			t->initiator = 1;
			if (send_sccrq(t) == -1) {
				tunnel_change_state(t, L2TP_TS_DEAD, ev);
				return -1;
			}
			tunnel_change_state(t, L2TP_TS_WAIT_CTL_REPLY, ev);
			return 0;
		case L2TP_TEV_RX_SCCRQ:
			rx_sccrq(t, m);
			return 0;
		case L2TP_TEV_BAD_MSG:
			tunnel_bad_msg(t, m);
			return 0;
		case L2TP_TEV_CLOSE:
			tunnel_change_state(t, L2TP_TS_DEAD, ev);
			return 0;
		default:
			/* 7.2.1: idle + SCCRP/SCCCN: StopCCN, clean up */
			tunnel_stop(t, ev, L2TP_STOPCCN_FSM, 0, NULL);
			return 0;
		}
	case L2TP_TS_WAIT_CTL_REPLY:
		switch (ev) {
		case L2TP_TEV_RX_SCCRP:
			rx_sccrp(t, m);
			return 0;
		case L2TP_TEV_BAD_MSG:
			tunnel_bad_msg(t, m);
			return 0;
		case L2TP_TEV_CLOSE:
			tunnel_stop(t, ev, t->last_result, t->last_error,
			    t->close_text);
			return 0;
		case L2TP_TEV_TX_DONE:
			return 0;
		default:
			tunnel_stop(t, ev, L2TP_STOPCCN_FSM, 0, NULL);
			return 0;
		}
	case L2TP_TS_WAIT_CTL_CONN:
		switch (ev) {
		case L2TP_TEV_RX_SCCCN:
			if (!auth_ok(t, L2TP_MSG_SCCCN, m)) {
				tunnel_stop(t, ev, L2TP_STOPCCN_NOT_AUTH, 0,
				    "authentication failed");
				return 0;
			}
			tunnel_change_state(t, L2TP_TS_ESTABLISHED, ev);
			if (t->fo_old_tid != 0)
				fo_peer_release(t, 1);
			return 0;
		case L2TP_TEV_BAD_MSG:
			tunnel_bad_msg(t, m);
			return 0;
		case L2TP_TEV_CLOSE:
			tunnel_stop(t, ev, t->last_result, t->last_error,
			    t->close_text);
			return 0;
		case L2TP_TEV_TX_DONE:
			return 0;
		default:
			tunnel_stop(t, ev, L2TP_STOPCCN_FSM, 0, NULL);
			return 0;
		}
	case L2TP_TS_ESTABLISHED:
	case L2TP_TS_RESYNC:
		switch (ev) {
		case L2TP_TEV_RX_SCCRQ:
		case L2TP_TEV_RX_SCCRP:
		case L2TP_TEV_RX_SCCCN:
		case L2TP_TEV_OPEN:
			/* 7.2.1: established + SCCRQ/SCCRP/SCCCN */
			tunnel_stop(t, ev, L2TP_STOPCCN_FSM, 0, NULL);
			return 0;
		case L2TP_TEV_BAD_MSG:
			tunnel_bad_msg(t, m);
			return 0;
		case L2TP_TEV_CLOSE:
			tunnel_stop(t, ev, t->last_result, t->last_error,
			    t->close_text);
			return 0;
		case L2TP_TEV_RESYNC:
			tunnel_change_state(t, L2TP_TS_RESYNC, ev);
			return 0;
		case L2TP_TEV_RESYNC_DONE:
			if (t->state == L2TP_TS_RESYNC) {
				tunnel_change_state(t, L2TP_TS_ESTABLISHED, ev);
				if (t->ctx->ops.tunnel_event != NULL)
					t->ctx->ops.tunnel_event(t->ctx->arg, t,
					    L2TP_EV_TUNNEL_RESYNCED);
			}
			return 0;
		case L2TP_TEV_TX_DONE:
			return 0;
		default:
			return -1;
		}
	case L2TP_TS_CLOSING:
		switch (ev) {
		case L2TP_TEV_TX_DONE:
			/* our StopCCN is acknowledged: clean up */
			if (t->stop_sent)
				tunnel_change_state(t, L2TP_TS_DEAD, ev);
			return 0;
		case L2TP_TEV_LINGER_DONE:
			tunnel_change_state(t, L2TP_TS_DEAD, ev);
			return 0;
		default:
			/* everything else is moot while closing */
			t->ctx->stats.drops[L2TP_DROP_CLOSING]++;
			return 0;
		}
	case L2TP_TS_DEAD:
	default:
		return -1;
	}
}

/* ---- in-order control message from ctrl.c ---- */

void
l2tp_tunnel_deliver(struct l2tp_tunnel *t, const struct l2tp_hdr *h,
    const uint8_t *pkt, size_t len)
{
	struct l2tp_ctx *ctx = t->ctx;
	const struct l2tp_msg_def *md;
	struct l2tp_msg m;
	struct sso_cur c;
	int rc;

	sso_cur_init(&c, pkt, len);
	if (sso_cur_skip(&c, h->hdr_len) == -1)
		return;
	rc = l2tp_msg_decode(&m, &c, t->grp.password, ctx->scratch,
	    sizeof(ctx->scratch));
	ctx->stats.avp_ignored += m.ignored;
	ctx->stats.avp_hidden += m.hidden;
	SSO_DEBUG(&l2tp_debug_packets, L2TP_FAC, "tunnel %u rx %s Ns %u Nr %u",
	    t->local_tid, l2tp_msg_name(m.type), h->ns, h->nr);
	if (m.type != L2TP_MSG_HELLO)
		t->ctrl.rx_strict = 1;	/* its ack needs a checkpoint */
	md = l2tp_msg_def(m.type);
	if (rc == -1) {
		if (md != NULL && md->scope == L2TP_SCOPE_SESSION &&
		    (t->state == L2TP_TS_ESTABLISHED ||
		    t->state == L2TP_TS_RESYNC))
			l2tp_session_bad_msg(t, h, &m);
		else
			(void)l2tp_tunnel_fsm(t, L2TP_TEV_BAD_MSG, &m);
		return;
	}
	if (md == NULL) {
		/* RFC 2661 4.4.1: unknown type, M set -> clear the tunnel */
		if (m.type_mbit) {
			m.err = 1;
			m.err_result_error = L2TP_ERR_UNKNOWN_MAVP;
			m.err_attr = L2TP_AVP_MSG_TYPE;
			m.err_text = "unknown mandatory message type";
			(void)l2tp_tunnel_fsm(t, L2TP_TEV_BAD_MSG, &m);
		} else
			ctx->stats.drops[L2TP_DROP_UNKNOWN_MSG]++;
		return;
	}
	switch (m.type) {
	case L2TP_MSG_SCCRQ:
		(void)l2tp_tunnel_fsm(t, L2TP_TEV_RX_SCCRQ, &m);
		break;
	case L2TP_MSG_SCCRP:
		(void)l2tp_tunnel_fsm(t, L2TP_TEV_RX_SCCRP, &m);
		break;
	case L2TP_MSG_SCCCN:
		(void)l2tp_tunnel_fsm(t, L2TP_TEV_RX_SCCCN, &m);
		break;
	case L2TP_MSG_STOPCCN:
		(void)l2tp_tunnel_fsm(t, L2TP_TEV_RX_STOPCCN, &m);
		break;
	case L2TP_MSG_HELLO:
		break;		/* the channel acks it; that is all (6.5) */
	case L2TP_MSG_FSQ:
	case L2TP_MSG_FSR:
		if (t->state == L2TP_TS_ESTABLISHED)
			l2tp_session_failover(t, &m);
		else
			ctx->stats.drops[L2TP_DROP_FAILOVER]++;
		break;
	default:
		if (t->state == L2TP_TS_ESTABLISHED ||
		    t->state == L2TP_TS_RESYNC)
			l2tp_session_dispatch(t, h, &m);
		else if (t->state == L2TP_TS_CLOSING)
			ctx->stats.drops[L2TP_DROP_CLOSING]++;
		else {
			/* a call before the tunnel is up: out of sequence */
			m.err = 1;
			m.err_result_error = L2TP_ERR_NONE;
			m.err_text = "session message before tunnel is up";
			tunnel_stop(t, L2TP_TEV_BAD_MSG, L2TP_STOPCCN_FSM, 0,
			    m.err_text);
		}
		break;
	}
}

/* ---- public API ---- */

struct l2tp_tunnel *
l2tp_tunnel_open(struct l2tp_ctx *ctx, const struct l2tp_group *g)
{
	struct l2tp_tunnel *t;

	if (g->initiate_to_len == 0)
		return NULL;
	l2tp_ctx_enter(ctx);
	t = l2tp_tunnel_new(ctx, g, (const struct sockaddr *)&g->initiate_to,
	    g->initiate_to_len, 0);
	if (t != NULL) {
		TAILQ_INSERT_TAIL(&ctx->pending, t, pending_entry);
		t->pending = 1;
		if (l2tp_tunnel_fsm(t, L2TP_TEV_OPEN, NULL) == -1)
			t = NULL;
	}
	l2tp_ctx_leave(ctx);
	return t;
}

int
l2tp_tunnel_clear(struct l2tp_tunnel *t, uint16_t result, uint16_t error,
    const char *text)
{
	int rc;

	if (t->dead || t->state == L2TP_TS_CLOSING)
		return -1;
	l2tp_ctx_enter(t->ctx);
	t->last_result = result ? result : L2TP_STOPCCN_CLEAR;
	t->last_error = error;
	t->close_text = text;
	rc = l2tp_tunnel_fsm(t, L2TP_TEV_CLOSE, NULL);
	t->close_text = NULL;
	l2tp_ctx_leave(t->ctx);
	return rc;
}

void
l2tp_tunnel_get_info(const struct l2tp_tunnel *t, struct l2tp_tunnel_info *i)
{
	memset(i, 0, sizeof(*i));
	i->local_tid = t->local_tid;
	i->remote_tid = t->remote_tid;
	i->state = t->state;
	i->initiator = t->initiator;
	snprintf(i->group, sizeof(i->group), "%s", t->grp.name);
	snprintf(i->peer_name, sizeof(i->peer_name), "%s", t->peer_name);
	memcpy(&i->peer, &t->peer, t->peer_len);
	i->peer_len = t->peer_len;
	i->peer_rx_window = t->ctrl.peer_rx_window;
	i->peer_framing_cap = t->peer_framing_cap;
	i->peer_bearer_cap = t->peer_bearer_cap;
	i->peer_failover = t->peer_failover;
	i->sessions = t->nsessions;
	i->last_result = t->last_result;
	i->last_error = t->last_error;
	i->peer_failover_flags = t->peer_fo_flags;
	i->peer_recovery_ms = t->peer_recovery_ms;
	i->recovery = t->fo_old_tid != 0;
	i->failover_negotiated = l2tp_tunnel_fo_negotiated(t);
}

void *
l2tp_tunnel_get_user(const struct l2tp_tunnel *t)
{
	return t->user;
}

void
l2tp_tunnel_set_user(struct l2tp_tunnel *t, void *u)
{
	t->user = u;
}

size_t
l2tp_tunnel_size(void)
{
	return sizeof(struct l2tp_tunnel);
}

struct l2tp_tunnel *
l2tp_tunnel_restore(struct l2tp_ctx *ctx, const struct l2tp_group *g,
    const struct l2tp_tunnel_info *i)
{
	struct l2tp_tunnel *t;

	if (i->local_tid == 0 || i->remote_tid == 0)
		return NULL;
	l2tp_ctx_enter(ctx);
	t = l2tp_tunnel_new(ctx, g, (const struct sockaddr *)&i->peer,
	    i->peer_len, i->local_tid);
	if (t != NULL) {
		t->remote_tid = i->remote_tid;
		t->initiator = i->initiator;
		snprintf(t->peer_name, sizeof(t->peer_name), "%s",
		    i->peer_name);
		t->peer_framing_cap = i->peer_framing_cap;
		t->peer_bearer_cap = i->peer_bearer_cap;
		t->peer_failover = i->peer_failover;
		t->peer_fo_flags = i->peer_failover_flags;
		t->peer_recovery_ms = i->peer_recovery_ms;
		if (i->peer_rx_window != 0)
			t->ctrl.peer_rx_window = t->ctrl.ssthresh =
			    i->peer_rx_window;
		l2tp_tunnel_remote_link(t);
		t->up_reported = 1;	/* the active reported it */
		sso_log(SSO_NOTICE, L2TP_FAC, "TUNNEL_STATE",
		    "tunnel %u/%u restored -> established", t->local_tid,
		    t->remote_tid);
		t->state = L2TP_TS_ESTABLISHED;	/* birth, not a transition */
		l2tp_ctrl_start_hello(t);
	}
	l2tp_ctx_leave(ctx);
	return t;
}

int
l2tp_tunnel_resync_hold(struct l2tp_tunnel *t)
{
	if (t->dead || t->state != L2TP_TS_ESTABLISHED)
		return -1;
	l2tp_ctx_enter(t->ctx);
	(void)l2tp_tunnel_fsm(t, L2TP_TEV_RESYNC, NULL);
	l2tp_ctx_leave(t->ctx);
	return 0;
}

int
l2tp_tunnel_recover(struct l2tp_tunnel *t)
{
	struct l2tp_tunnel *r;
	int rc = -1;

	if (t->dead || (t->state != L2TP_TS_ESTABLISHED &&
	    t->state != L2TP_TS_RESYNC) || !l2tp_tunnel_fo_negotiated(t) ||
	    t->fo_rec_tid != 0 || t->fo_old_tid != 0)
		return -1;
	l2tp_ctx_enter(t->ctx);
	if (t->state == L2TP_TS_ESTABLISHED)
		(void)l2tp_tunnel_fsm(t, L2TP_TEV_RESYNC, NULL);
	t->ctrl.resync = 0;	/* hold: nothing answered until adopted */
	r = l2tp_tunnel_new(t->ctx, &t->grp, (struct sockaddr *)&t->peer,
	    t->peer_len, 0);
	if (r != NULL) {
		r->fo_old_tid = t->local_tid;
		t->fo_rec_tid = r->local_tid;
		sso_log(SSO_NOTICE, L2TP_FAC, "FAILOVER", "tunnel %u/%u: RFC "
		    "4951 recovery over tunnel %u", t->local_tid,
		    t->remote_tid, r->local_tid);
		if (l2tp_tunnel_fsm(r, L2TP_TEV_OPEN, NULL) == 0)
			rc = 0;
		else
			t->fo_rec_tid = 0;
	}
	l2tp_ctx_leave(t->ctx);
	return rc;
}

int
l2tp_tunnel_resync(struct l2tp_tunnel *t, uint16_t probe_ns)
{
	struct l2tp_build b;
	int rc = -1;

	if (t->dead || (t->state != L2TP_TS_ESTABLISHED &&
	    t->state != L2TP_TS_RESYNC) || !TAILQ_EMPTY(&t->ctrl.txq))
		return -1;
	l2tp_ctx_enter(t->ctx);
	if (t->state == L2TP_TS_ESTABLISHED)
		(void)l2tp_tunnel_fsm(t, L2TP_TEV_RESYNC, NULL);
	t->ctrl.resync = 1;
	t->ctrl.resync_ns = probe_ns;
	t->ctrl.ns_next = t->ctrl.snd_una = t->ctrl.snd_nxt = probe_ns;
	if (l2tp_build_begin(&b, t->remote_tid, 0, L2TP_MSG_HELLO, NULL, 0)
	    == 0 && l2tp_ctrl_send(t, &b) == 0)
		rc = 0;
	else
		l2tp_build_free(&b);
	l2tp_ctx_leave(t->ctx);
	return rc;
}

uint16_t
l2tp_tunnel_local_id(const struct l2tp_tunnel *t)
{
	return t->local_tid;
}

unsigned
l2tp_tunnel_session_count(const struct l2tp_tunnel *t)
{
	return t->nsessions;
}
