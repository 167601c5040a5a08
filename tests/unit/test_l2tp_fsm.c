/*
 * test_l2tp_fsm.c - tunnel and session state machines, end to end: two
 * engines (side 0 "lac", side 1 "lns") wired back to back through their
 * send callbacks in one process. Packets queue on a "wire" and pump()
 * delivers them; a filter can lose them. Timers are driven by calling
 * the timer bodies (or ev_run NOWAIT for the zero-delay ack timer), never
 * by sleeping.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "l2tp_local.h"

#define WIRE_MAX	512

struct pkt {
	int	 to;
	size_t	 len;
	uint8_t	 buf[2048];
};

struct side {
	struct l2tp_ctx	*ctx;
	struct sockaddr_in addr;
	struct l2tp_group grp;
	int		 refuse_groups;
	int		 session_answer;	/* session_request result */
	int		 tun_up, tun_down, ses_up, ses_down;
	uint16_t	 t_result, t_error, s_result, s_error;	/* at down */
	int		 hold_send, hold_ack;	/* HA hooks return 1 */
	unsigned	 ckpt_sends, ckpt_acks;
	uint64_t	 rx_data, rx_bytes;
	struct l2tp_session *last_session;
};

static struct ev_loop *loop;
static struct side S[2];
static struct pkt wire[WIRE_MAX];
static int nwire;
static int (*filter)(int to, const uint8_t *, size_t);
static unsigned sent_to[2];

static int
fx_send(void *arg, const uint8_t *buf, size_t len, const struct sockaddr *to,
    socklen_t tolen)
{
	int from = (int)(intptr_t)arg;

	CU_ASSERT_FATAL(nwire < WIRE_MAX && len <= sizeof(wire[0].buf));
	sent_to[1 - from]++;
	if (filter != NULL && filter(1 - from, buf, len))
		return 0;	/* lost on the wire */
	wire[nwire].to = 1 - from;
	wire[nwire].len = len;
	memcpy(wire[nwire].buf, buf, len);
	nwire++;
	return 0;
}

static const struct l2tp_group *
fx_group(void *arg, const char *peer, const struct sockaddr *from,
    socklen_t fl)
{
	struct side *s = &S[(intptr_t)arg];

	return s->refuse_groups ? NULL : &s->grp;
}

static void
fx_tunnel(void *arg, struct l2tp_tunnel *t, enum l2tp_event ev)
{
	struct side *s = &S[(intptr_t)arg];

	if (ev == L2TP_EV_TUNNEL_UP)
		s->tun_up++;
	else {
		s->tun_down++;
		s->t_result = t->last_result;
		s->t_error = t->last_error;
	}
}

static void
fx_session(void *arg, struct l2tp_session *ss, enum l2tp_event ev)
{
	struct side *s = &S[(intptr_t)arg];

	if (ev == L2TP_EV_SESSION_UP) {
		s->ses_up++;
		s->last_session = ss;
	} else {
		s->ses_down++;
		s->s_result = ss->last_result;
		s->s_error = ss->last_error;
		if (s->last_session == ss)
			s->last_session = NULL;
	}
}

static int
fx_request(void *arg, struct l2tp_session *ss)
{
	S[(intptr_t)arg].last_session = ss;
	return S[(intptr_t)arg].session_answer;
}

static void
fx_data(void *arg, struct l2tp_session *ss, const uint8_t *p, size_t len)
{
	S[(intptr_t)arg].rx_data++;
	S[(intptr_t)arg].rx_bytes += len;
}

static int
fx_ckpt_send(void *arg, struct l2tp_tunnel *t, uint16_t ns, int lazy,
    const uint8_t *b,
    size_t len)
{
	struct side *s = &S[(intptr_t)arg];

	s->ckpt_sends++;
	return s->hold_send ? 1 : 0;
}

static int
fx_ckpt_ack(void *arg, struct l2tp_tunnel *t, uint16_t nr, int lazy)
{
	struct side *s = &S[(intptr_t)arg];

	s->ckpt_acks++;
	return s->hold_ack ? 1 : 0;
}

static const struct l2tp_host_ops fx_ops = {
	.send = fx_send,
	.group_lookup = fx_group,
	.tunnel_event = fx_tunnel,
	.session_event = fx_session,
	.session_request = fx_request,
	.data = fx_data,
	.ckpt_send = fx_ckpt_send,
	.ckpt_ack = fx_ckpt_ack,
};

static void
side_ctx(int i)
{
	S[i].ctx = l2tp_ctx_create(loop, &fx_ops, (void *)(intptr_t)i);
	CU_ASSERT_FATAL(S[i].ctx != NULL);
	l2tp_ctx_set_ack_delay(S[i].ctx, 0);
}

static int
setup(void)
{
	int i;

	if (loop == NULL)
		loop = ev_default_loop(0);
	memset(S, 0, sizeof(S));
	nwire = 0;
	filter = NULL;
	sent_to[0] = sent_to[1] = 0;
	for (i = 0; i < 2; i++) {
		S[i].addr.sin_family = AF_INET;
		S[i].addr.sin_port = htons(L2TP_PORT);
		S[i].addr.sin_addr.s_addr = htonl(0x7f000001 + (uint32_t)i);
		l2tp_group_defaults(&S[i].grp);
		snprintf(S[i].grp.local_name, sizeof(S[i].grp.local_name),
		    i == 0 ? "lac" : "lns");
		side_ctx(i);
	}
	S[0].grp.request_dialin = 1;
	memcpy(&S[0].grp.initiate_to, &S[1].addr, sizeof(S[1].addr));
	S[0].grp.initiate_to_len = sizeof(S[1].addr);
	S[1].grp.accept_dialin = 1;
	return 0;
}

static int
teardown(void)
{
	l2tp_ctx_destroy(S[0].ctx);
	l2tp_ctx_destroy(S[1].ctx);
	S[0].ctx = S[1].ctx = NULL;
	return 0;
}

/* deliver everything on the wire (and zero-delay acks) until quiet */
static void
pump(void)
{
	int rounds;

	for (rounds = 0; rounds < 1000; rounds++) {
		ev_run(loop, EVRUN_NOWAIT);
		if (nwire == 0)
			break;
		struct pkt p = wire[0];

		memmove(wire, wire + 1, sizeof(wire[0]) * (size_t)--nwire);
		(void)l2tp_input(S[p.to].ctx, p.buf, p.len,
		    (struct sockaddr *)&S[1 - p.to].addr, sizeof(S[0].addr));
	}
	CU_ASSERT(rounds < 1000);
}

static struct l2tp_tunnel *
only_tunnel(int i)
{
	return l2tp_tunnel_next(S[i].ctx, NULL);
}

static struct l2tp_tunnel *
bring_up(void)
{
	struct l2tp_tunnel *t = l2tp_tunnel_open(S[0].ctx, &S[0].grp);

	CU_ASSERT_FATAL(t != NULL);
	pump();
	CU_ASSERT_FATAL(t->state == L2TP_TS_ESTABLISHED);
	CU_ASSERT_FATAL(only_tunnel(1) != NULL);
	CU_ASSERT_FATAL(only_tunnel(1)->state == L2TP_TS_ESTABLISHED);
	return t;
}

/* ---- tunnels ---- */

static void
test_tunnel_up(void)
{
	struct l2tp_tunnel_info a, b;
	struct l2tp_tunnel *t;

	setup();
	t = bring_up();
	l2tp_tunnel_get_info(t, &a);
	l2tp_tunnel_get_info(only_tunnel(1), &b);
	CU_ASSERT(a.remote_tid == b.local_tid && b.remote_tid == a.local_tid);
	CU_ASSERT(strcmp(a.peer_name, "lns") == 0);
	CU_ASSERT(strcmp(b.peer_name, "lac") == 0);
	CU_ASSERT(a.initiator && !b.initiator);
	CU_ASSERT(b.peer_bearer_cap == 3 && a.peer_framing_cap == 3);
	CU_ASSERT(S[0].tun_up == 1 && S[1].tun_up == 1);
	CU_ASSERT(l2tp_tunnel_find(S[0].ctx, a.local_tid) == t);
	CU_ASSERT(l2tp_tunnel_count(S[0].ctx) == 1);
	/* the SCCCN was acked: nothing left to send on either side */
	CU_ASSERT(TAILQ_EMPTY(&t->ctrl.txq));
	CU_ASSERT(TAILQ_EMPTY(&only_tunnel(1)->ctrl.txq));
	/* a Hello after idle is acked by a ZLB (RFC 2661 6.5) */
	l2tp_ctrl_hello_timeout(t);
	CU_ASSERT(t->ctrl.txq_len == 1);
	pump();
	CU_ASSERT(t->ctrl.txq_len == 0);
	CU_ASSERT(l2tp_ctx_stats(S[1].ctx)->tx_zlb >= 1);
	teardown();
}

static void
test_tunnel_auth(void)
{
	struct l2tp_tunnel *t;

	setup();
	strcpy(S[0].grp.password, "pw");
	strcpy(S[1].grp.password, "pw");
	S[0].grp.hide_avps = S[1].grp.hide_avps = 1;
	t = bring_up();
	CU_ASSERT(l2tp_ctx_stats(S[1].ctx)->avp_hidden > 0);
	CU_ASSERT(l2tp_ctx_stats(S[0].ctx)->avp_hidden > 0);
	/* hidden session AVPs too */
	CU_ASSERT(l2tp_session_open(t) != NULL);
	pump();
	CU_ASSERT(S[0].ses_up == 1 && S[1].ses_up == 1);
	teardown();
}

static void
test_tunnel_auth_fail(void)
{
	struct l2tp_tunnel *t;

	setup();
	strcpy(S[0].grp.password, "a");
	strcpy(S[1].grp.password, "b");
	t = l2tp_tunnel_open(S[0].ctx, &S[0].grp);
	CU_ASSERT(t != NULL);
	pump();
	/* LAC found a bad response in SCCRP: StopCCN result 4 */
	CU_ASSERT(l2tp_tunnel_count(S[0].ctx) == 0);
	CU_ASSERT(S[0].t_result == L2TP_STOPCCN_NOT_AUTH);
	CU_ASSERT(S[0].tun_up == 0 && S[0].tun_down == 1);
	CU_ASSERT(only_tunnel(1) == NULL ||
	    only_tunnel(1)->state == L2TP_TS_CLOSING);
	teardown();
	/* peer challenges but we have no secret */
	setup();
	strcpy(S[0].grp.password, "a");
	t = l2tp_tunnel_open(S[0].ctx, &S[0].grp);
	CU_ASSERT(t != NULL);
	pump();
	CU_ASSERT(S[1].tun_up == 0);
	CU_ASSERT(only_tunnel(1) == NULL ||
	    only_tunnel(1)->last_result == L2TP_STOPCCN_NOT_AUTH);
	CU_ASSERT(S[0].tun_down == 1 && S[0].t_result == L2TP_STOPCCN_NOT_AUTH);
	teardown();
	/* we challenge (LNS) and the LAC answers wrongly in SCCCN */
	setup();
	strcpy(S[1].grp.password, "b");
	strcpy(S[0].grp.password, "c");
	t = l2tp_tunnel_open(S[0].ctx, &S[0].grp);
	CU_ASSERT(t != NULL);
	pump();
	CU_ASSERT(S[1].tun_up == 0);
	teardown();
}

static void
test_tunnel_refused(void)
{
	struct l2tp_tunnel *t;

	setup();
	S[1].refuse_groups = 1;
	t = l2tp_tunnel_open(S[0].ctx, &S[0].grp);
	CU_ASSERT(t != NULL);
	pump();
	/* we received the StopCCN: down, lingering to ack it (5.7) */
	CU_ASSERT(S[0].tun_down == 1 && t->state == L2TP_TS_CLOSING);
	CU_ASSERT(S[0].t_result == L2TP_STOPCCN_NOT_AUTH);
	CU_ASSERT(l2tp_ctx_stats(S[1].ctx)->drops[L2TP_DROP_REFUSED] == 1);
	teardown();
	/* terminate-from names someone else */
	setup();
	strcpy(S[1].grp.terminate_from, "somebody");
	t = l2tp_tunnel_open(S[0].ctx, &S[0].grp);
	CU_ASSERT(t != NULL);
	pump();
	CU_ASSERT(S[0].tun_down == 1 &&
	    S[0].t_result == L2TP_STOPCCN_NOT_AUTH);
	teardown();
}

static void
test_tunnel_clear(void)
{
	struct l2tp_tunnel *t, *p;

	setup();
	t = bring_up();
	p = only_tunnel(1);
	CU_ASSERT(l2tp_tunnel_clear(t, 0, 0, "admin") == 0);
	CU_ASSERT(t->state == L2TP_TS_CLOSING);
	pump();
	/* our StopCCN was acked: clean up; the peer lingers (5.7) */
	CU_ASSERT(l2tp_tunnel_count(S[0].ctx) == 0);
	CU_ASSERT(p->state == L2TP_TS_CLOSING);
	CU_ASSERT(p->last_result == L2TP_STOPCCN_CLEAR);
	CU_ASSERT(S[1].tun_down == 1 && S[0].tun_down == 1);
	/* a retransmitted StopCCN is still acked while lingering */
	ev_invoke(loop, &p->linger_timer, EV_TIMER);
	CU_ASSERT(l2tp_tunnel_count(S[1].ctx) == 0);
	teardown();
}

static int
lose_all_to_lns(int to, const uint8_t *b, size_t len)
{
	return to == 1;
}

static void
test_tunnel_retries(void)
{
	struct l2tp_tunnel *t;
	unsigned i;

	setup();
	S[0].grp.retries = 3;
	filter = lose_all_to_lns;
	t = l2tp_tunnel_open(S[0].ctx, &S[0].grp);
	CU_ASSERT(sent_to[1] == 1);
	for (i = 0; i < 3; i++) {
		l2tp_ctrl_rtx_timeout(t);
		CU_ASSERT(sent_to[1] == 2 + i);
		CU_ASSERT(!t->dead);
	}
	l2tp_ctrl_rtx_timeout(t);	/* 4th expiry: cleared (5.8) */
	CU_ASSERT(t->dead);
	CU_ASSERT(S[0].tun_down == 1);
	/* freed when the engine next unwinds */
	l2tp_ctx_enter(S[0].ctx);
	l2tp_ctx_leave(S[0].ctx);
	CU_ASSERT(l2tp_tunnel_count(S[0].ctx) == 0);
	teardown();
}

static void
test_tie_breaker(void)
{
	struct l2tp_tunnel *a, *b;
	int up0, up1;

	setup();
	/* both ends are LAC and LNS and open towards each other */
	S[1].grp.request_dialin = S[0].grp.accept_dialin = 1;
	memcpy(&S[1].grp.initiate_to, &S[0].addr, sizeof(S[0].addr));
	S[1].grp.initiate_to_len = sizeof(S[0].addr);
	a = l2tp_tunnel_open(S[0].ctx, &S[0].grp);
	b = l2tp_tunnel_open(S[1].ctx, &S[1].grp);
	CU_ASSERT_FATAL(a != NULL && b != NULL);
	pump();
	/* exactly one tunnel survives, established on both sides */
	CU_ASSERT(l2tp_tunnel_count(S[0].ctx) == 1);
	CU_ASSERT(l2tp_tunnel_count(S[1].ctx) == 1);
	up0 = only_tunnel(0)->state == L2TP_TS_ESTABLISHED;
	up1 = only_tunnel(1)->state == L2TP_TS_ESTABLISHED;
	CU_ASSERT(up0 && up1);
	CU_ASSERT(l2tp_ctx_stats(S[0].ctx)->drops[L2TP_DROP_TIE_BREAKER] +
	    l2tp_ctx_stats(S[1].ctx)->drops[L2TP_DROP_TIE_BREAKER] == 1);
	teardown();
}

static void
test_tunnel_fsm_errors(void)
{
	struct l2tp_tunnel *t, *p;
	struct l2tp_build b;

	/* SCCCN on an established tunnel: StopCCN result 7 (7.2.1) */
	setup();
	t = bring_up();
	p = only_tunnel(1);
	CU_ASSERT(l2tp_build_begin(&b, t->remote_tid, 0, L2TP_MSG_SCCCN, NULL,
	    0) == 0);
	CU_ASSERT(l2tp_ctrl_send(t, &b) == 0);
	pump();
	CU_ASSERT(S[1].tun_down == 1 && S[1].t_result == L2TP_STOPCCN_FSM);
	CU_ASSERT(S[0].tun_down == 1 && S[0].t_result == L2TP_STOPCCN_FSM);
	(void)p;
	teardown();
	/* unknown mandatory AVP in a tunnel message: StopCCN 2/8 */
	setup();
	t = bring_up();
	CU_ASSERT(l2tp_build_begin(&b, t->remote_tid, 0, L2TP_MSG_HELLO, NULL,
	    0) == 0);
	CU_ASSERT(l2tp_build_avp_raw(&b, 99, 1, 0, "x", 1) == 0);
	CU_ASSERT(l2tp_ctrl_send(t, &b) == 0);
	pump();
	CU_ASSERT(S[0].tun_down == 1);
	CU_ASSERT(S[0].t_result == L2TP_STOPCCN_GENERAL);
	CU_ASSERT(S[0].t_error == L2TP_ERR_UNKNOWN_MAVP);
	teardown();
	/* unknown AVP without M: ignored, tunnel stays */
	setup();
	t = bring_up();
	CU_ASSERT(l2tp_build_begin(&b, t->remote_tid, 0, L2TP_MSG_HELLO, NULL,
	    0) == 0);
	CU_ASSERT(l2tp_build_avp_raw(&b, 99, 0, 0, "x", 1) == 0);
	CU_ASSERT(l2tp_ctrl_send(t, &b) == 0);
	pump();
	CU_ASSERT(t->state == L2TP_TS_ESTABLISHED);
	CU_ASSERT(l2tp_ctx_stats(S[1].ctx)->avp_ignored == 1);
	/* unknown message type, M=0: ignored but acked */
	CU_ASSERT(l2tp_build_begin(&b, t->remote_tid, 0, 0, NULL, 0) == 0);
	CU_ASSERT(l2tp_build_avp_raw(&b, 0, 0, 0, "\x00\x63", 2) == 0);
	CU_ASSERT(l2tp_ctrl_send(t, &b) == 0);
	pump();
	CU_ASSERT(t->state == L2TP_TS_ESTABLISHED && t->ctrl.txq_len == 0);
	CU_ASSERT(l2tp_ctx_stats(S[1].ctx)->drops[L2TP_DROP_UNKNOWN_MSG] == 1);
	/* unknown message type, M=1: the tunnel is cleared (4.4.1) */
	CU_ASSERT(l2tp_build_begin(&b, t->remote_tid, 0, 0, NULL, 0) == 0);
	CU_ASSERT(l2tp_build_avp_raw(&b, 0, 1, 0, "\x00\x63", 2) == 0);
	CU_ASSERT(l2tp_ctrl_send(t, &b) == 0);
	pump();
	CU_ASSERT(S[0].tun_down == 1 && S[0].t_error == L2TP_ERR_UNKNOWN_MAVP);
	teardown();
}

/* ---- sessions ---- */

static void
test_session_lac_ic(void)
{
	struct l2tp_session_info a, b;
	struct l2tp_session *s, *p;
	struct l2tp_tunnel *t;
	uint8_t frame[100];

	setup();
	S[1].grp.data_reflect = 1;
	t = bring_up();
	s = l2tp_session_open(t);
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT(s->state == L2TP_SS_WAIT_REPLY);
	pump();
	CU_ASSERT(s->state == L2TP_SS_ESTABLISHED);
	CU_ASSERT(S[0].ses_up == 1 && S[1].ses_up == 1);
	p = S[1].last_session;
	CU_ASSERT_FATAL(p != NULL);
	l2tp_session_get_info(s, &a);
	l2tp_session_get_info(p, &b);
	CU_ASSERT(a.remote_sid == b.local_sid && b.remote_sid == a.local_sid);
	CU_ASSERT(a.call == L2TP_CALL_LAC_IC && b.call == L2TP_CALL_LNS_IC);
	CU_ASSERT(a.call_serial == b.call_serial);
	CU_ASSERT(l2tp_session_find(S[1].ctx, b.local_tid, b.local_sid) == p);
	CU_ASSERT(l2tp_session_next(t, NULL) == s);
	CU_ASSERT(l2tp_session_tunnel(s) == t);
	/* data: LAC -> LNS reflects -> LAC's data callback */
	memset(frame, 0xab, sizeof(frame));
	CU_ASSERT(l2tp_session_send(s, frame, sizeof(frame)) == 0);
	CU_ASSERT(l2tp_session_send(s, frame, 10) == 0);
	pump();
	l2tp_session_get_info(s, &a);
	l2tp_session_get_info(p, &b);
	CU_ASSERT(b.rx_pkts == 2 && b.rx_bytes == 110);
	CU_ASSERT(b.tx_pkts == 2 && a.rx_pkts == 2);
	CU_ASSERT(S[0].rx_data == 2 && S[0].rx_bytes == 110);
	CU_ASSERT(S[1].rx_data == 0);	/* reflect, not delivered */
	/* data for an unknown session is dropped and counted */
	p->remote_sid ^= 0x5555;
	CU_ASSERT(l2tp_session_send(p, frame, 4) == 0);
	pump();
	CU_ASSERT(l2tp_ctx_stats(S[0].ctx)->drops[L2TP_DROP_NO_SESSION] == 1);
	p->remote_sid ^= 0x5555;
	/* LNS clears: CDN, the LAC session goes away */
	CU_ASSERT(l2tp_session_clear(p, 0, 0, "bye") == 0);
	pump();
	CU_ASSERT(S[0].ses_down == 1 && S[1].ses_down == 1);
	CU_ASSERT(t->nsessions == 0 && only_tunnel(1)->nsessions == 0);
	CU_ASSERT(l2tp_ctx_stats(S[0].ctx)->sessions_freed == 1);
	teardown();
}

static int
drop_to_lac(int to, const uint8_t *b, size_t len)
{
	return to == 0;
}

/*
 * RFC 2661 4.4.5: the ICCN's proxy AVPs are kept with the LNS session;
 * and the first PPP frame that overtakes the ICCN is held for it
 */
static void
test_session_proxy_avps(void)
{
	static const uint8_t lcp[] = { 1, 4, 5, 0xd4, 5, 6, 1, 2, 3, 4 };
	static const uint8_t chal[16] = { 9, 8, 7, 6, 5, 4, 3, 2, 1 };
	static const uint8_t resp[16] = { 0xaa, 0xbb };
	struct l2tp_session *s, *p;
	struct l2tp_tunnel *t;
	struct l2tp_proxy px;
	struct l2tp_build b;
	uint8_t big[300];

	setup();
	t = bring_up();
	filter = drop_to_lac;	/* the LAC never sees the ICRP: our ICCN */
	s = l2tp_session_open(t);
	pump();
	p = S[1].last_session;
	CU_ASSERT_FATAL(s != NULL && p != NULL);
	CU_ASSERT(p->state == L2TP_SS_WAIT_CONNECT);
	CU_ASSERT(l2tp_session_get_proxy(p, &px) == -1);
	/* a PPP frame before the ICCN: held (one), delivered once it is up */
	{
		uint8_t d[14] = { 0x40, 0x02, 0, 14 };
		const struct l2tp_stats *st = l2tp_ctx_stats(S[1].ctx);
		uint64_t ne = st->drops[L2TP_DROP_NOT_ESTABLISHED];

		d[4] = (uint8_t)(only_tunnel(1)->local_tid >> 8);
		d[5] = (uint8_t)only_tunnel(1)->local_tid;
		d[6] = (uint8_t)(p->local_sid >> 8);
		d[7] = (uint8_t)p->local_sid;
		memcpy(d + 8, "\xff\x03\xc0\x21\x01\x01", 6);
		CU_ASSERT(l2tp_input(S[1].ctx, d, sizeof(d), (struct sockaddr *)
		    &S[0].addr, sizeof(S[0].addr)) == 0);
		CU_ASSERT(S[1].rx_data == 0 && st->drops[
		    L2TP_DROP_NOT_ESTABLISHED] == ne);
		/* a second one is not held */
		CU_ASSERT(l2tp_input(S[1].ctx, d, sizeof(d), (struct sockaddr *)
		    &S[0].addr, sizeof(S[0].addr)) == -1);
		CU_ASSERT(st->drops[L2TP_DROP_NOT_ESTABLISHED] == ne + 1);
	}
	memset(big, 1, sizeof(big));
	CU_ASSERT(l2tp_build_begin(&b, t->remote_tid, p->local_sid,
	    L2TP_MSG_ICCN, NULL, 0) == 0);
	CU_ASSERT(l2tp_build_u32(&b, L2TP_AVP_TX_SPEED, 1000000) == 0);
	CU_ASSERT(l2tp_build_u32(&b, L2TP_AVP_FRAMING_TYPE, 3) == 0);
	CU_ASSERT(l2tp_build_avp_raw(&b, L2TP_AVP_INIT_RX_LCP, 0, 0, lcp,
	    sizeof(lcp)) == 0);
	CU_ASSERT(l2tp_build_avp_raw(&b, L2TP_AVP_LAST_TX_LCP, 0, 0, lcp,
	    4) == 0);
	/* longer than any CONFREQ body: not usable, treated as absent */
	CU_ASSERT(l2tp_build_avp_raw(&b, L2TP_AVP_LAST_RX_LCP, 0, 0, big,
	    sizeof(big)) == 0);
	CU_ASSERT(l2tp_build_avp_raw(&b, L2TP_AVP_PROXY_AUTH_TYPE, 0, 0,
	    "\0\2", 2) == 0);
	CU_ASSERT(l2tp_build_avp_raw(&b, L2TP_AVP_PROXY_AUTH_NAME, 0, 0,
	    "alice", 5) == 0);
	CU_ASSERT(l2tp_build_avp_raw(&b, L2TP_AVP_PROXY_AUTH_CHAL, 0, 0, chal,
	    sizeof(chal)) == 0);
	CU_ASSERT(l2tp_build_avp_raw(&b, L2TP_AVP_PROXY_AUTH_ID, 0, 0,
	    "\0\x2a", 2) == 0);
	CU_ASSERT(l2tp_build_avp_raw(&b, L2TP_AVP_PROXY_AUTH_RESP, 0, 0, resp,
	    sizeof(resp)) == 0);
	CU_ASSERT(l2tp_ctrl_send(t, &b) == 0);
	pump();
	CU_ASSERT(p->state == L2TP_SS_ESTABLISHED);
	CU_ASSERT(S[1].rx_data == 1 && S[1].rx_bytes == 6);
	CU_ASSERT_FATAL(l2tp_session_get_proxy(p, &px) == 0);
	CU_ASSERT(px.init_rx_lcp_len == sizeof(lcp) &&
	    memcmp(px.init_rx_lcp, lcp, sizeof(lcp)) == 0);
	CU_ASSERT(px.last_tx_lcp_len == 4);
	CU_ASSERT(px.last_rx_lcp_len == 0);
	CU_ASSERT(px.has_auth_type && px.auth_type == 2);
	CU_ASSERT_STRING_EQUAL(px.auth_name, "alice");
	CU_ASSERT(px.auth_chal_len == 16 && px.auth_chal[0] == 9);
	CU_ASSERT(px.has_auth_id && px.auth_id == 0x2a);
	CU_ASSERT(px.auth_resp_len == 16 && px.auth_resp[1] == 0xbb);
	filter = NULL;
	teardown();
}

static void
test_session_wait_tunnel(void)
{
	struct l2tp_tunnel *t;
	struct l2tp_session *s, *s2;

	setup();
	t = l2tp_tunnel_open(S[0].ctx, &S[0].grp);
	s = l2tp_session_open(t);
	s2 = l2tp_session_open(t);
	CU_ASSERT_FATAL(s != NULL && s2 != NULL);
	CU_ASSERT(s->state == L2TP_SS_WAIT_TUNNEL);
	/* close one before the tunnel is up: nothing on the wire for it */
	CU_ASSERT(l2tp_session_clear(s2, 0, 0, NULL) == 0);
	pump();
	CU_ASSERT(s->state == L2TP_SS_ESTABLISHED);
	CU_ASSERT(S[1].ses_up == 1 && t->nsessions == 1);
	teardown();
}

static void
test_session_lns_oc(void)
{
	struct l2tp_session *s;
	struct l2tp_tunnel *t;

	setup();
	t = bring_up();
	(void)t;
	s = l2tp_session_open_outgoing(only_tunnel(1), "5551234");
	CU_ASSERT_FATAL(s != NULL);
	pump();
	CU_ASSERT(s->state == L2TP_SS_ESTABLISHED);
	CU_ASSERT(S[0].ses_up == 1);
	CU_ASSERT(S[0].last_session->call == L2TP_CALL_LAC_OC);
	teardown();
	/* deferred answer */
	setup();
	S[0].session_answer = 1;
	t = bring_up();
	s = l2tp_session_open_outgoing(only_tunnel(1), "5551234");
	pump();
	CU_ASSERT(s->state == L2TP_SS_WAIT_CONNECT);
	CU_ASSERT_FATAL(S[0].last_session != NULL);
	CU_ASSERT(S[0].last_session->state == L2TP_SS_WAIT_CS_ANSWER);
	CU_ASSERT(l2tp_session_answer(S[0].last_session) == 0);
	pump();
	CU_ASSERT(s->state == L2TP_SS_ESTABLISHED);
	teardown();
	/* bearer failure while waiting: CDN */
	setup();
	S[0].session_answer = 1;
	t = bring_up();
	s = l2tp_session_open_outgoing(only_tunnel(1), "5551234");
	pump();
	CU_ASSERT(l2tp_session_clear(S[0].last_session, L2TP_CDN_CARRIER_LOST,
	    0, NULL) == 0);
	pump();
	CU_ASSERT(S[1].ses_down == 1 && only_tunnel(1)->nsessions == 0);
	teardown();
	/* a LAC-only peer refuses ICRQ; an LNS-only peer refuses OCRQ */
	setup();
	S[0].grp.request_dialin = 0;
	S[0].grp.accept_dialin = 0;
	bring_up();
	s = l2tp_session_open_outgoing(only_tunnel(1), "1");
	pump();
	CU_ASSERT(s != NULL && S[1].ses_down == 1);
	CU_ASSERT(S[1].s_result == L2TP_CDN_NO_RES_PERM);
	teardown();
}

static void
test_session_refused(void)
{
	struct l2tp_session *s;
	struct l2tp_tunnel *t;

	setup();
	S[1].session_answer = -1;
	t = bring_up();
	s = l2tp_session_open(t);
	pump();
	CU_ASSERT(s != NULL && S[0].s_result == L2TP_CDN_NO_RES_TEMP);
	CU_ASSERT(S[0].ses_down == 1 && S[1].ses_up == 0);
	CU_ASSERT(t->state == L2TP_TS_ESTABLISHED);
	teardown();
}

static void
test_session_bad_msg(void)
{
	struct l2tp_session *s, *p;
	struct l2tp_tunnel *t;
	struct l2tp_build b;

	setup();
	t = bring_up();
	s = l2tp_session_open(t);
	pump();
	p = S[1].last_session;
	/* WEN and SLI are accepted on an established session */
	CU_ASSERT(l2tp_build_begin(&b, t->remote_tid, s->remote_sid,
	    L2TP_MSG_WEN, NULL, 0) == 0);
	CU_ASSERT(l2tp_build_avp(&b, L2TP_AVP_CALL_ERRORS,
	    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 26) == 0);
	CU_ASSERT(l2tp_ctrl_send(t, &b) == 0);
	CU_ASSERT(l2tp_build_begin(&b, only_tunnel(1)->remote_tid, p->remote_sid,
	    L2TP_MSG_SLI, NULL, 0) == 0);
	CU_ASSERT(l2tp_build_avp(&b, L2TP_AVP_ACCM,
	    "\0\0\xff\xff\xff\xff\0\0\0\0", 10) == 0);
	CU_ASSERT(l2tp_ctrl_send(only_tunnel(1), &b) == 0);
	pump();
	CU_ASSERT(s->state == L2TP_SS_ESTABLISHED);
	CU_ASSERT(p->state == L2TP_SS_ESTABLISHED);
	/* unknown mandatory AVP in a session message: CDN 2/8 (4.1) */
	CU_ASSERT(l2tp_build_begin(&b, t->remote_tid, s->remote_sid,
	    L2TP_MSG_WEN, NULL, 0) == 0);
	CU_ASSERT(l2tp_build_avp_raw(&b, 98, 1, 0, "x", 1) == 0);
	CU_ASSERT(l2tp_ctrl_send(t, &b) == 0);
	pump();
	CU_ASSERT(S[0].ses_down == 1 && S[1].ses_down == 1);
	CU_ASSERT(S[0].s_result == L2TP_CDN_GENERAL);
	CU_ASSERT(S[0].s_error == L2TP_ERR_UNKNOWN_MAVP);
	CU_ASSERT(t->nsessions == 0);
	CU_ASSERT(t->state == L2TP_TS_ESTABLISHED);
	/* an out-of-sequence ICCN for an established session: CDN */
	s = l2tp_session_open(t);
	pump();
	CU_ASSERT(l2tp_build_begin(&b, t->remote_tid, s->remote_sid,
	    L2TP_MSG_ICRP, NULL, 0) == 0);
	CU_ASSERT(l2tp_build_u16(&b, L2TP_AVP_ASSIGNED_SID, 5) == 0);
	CU_ASSERT(l2tp_ctrl_send(t, &b) == 0);
	pump();
	CU_ASSERT(S[0].ses_down == 2 && t->nsessions == 0);
	CU_ASSERT(S[0].s_result == L2TP_CDN_GENERAL);
	/* a malformed new call: just that call is refused */
	CU_ASSERT(l2tp_build_begin(&b, t->remote_tid, 0, L2TP_MSG_ICRQ, NULL,
	    0) == 0);
	CU_ASSERT(l2tp_build_u16(&b, L2TP_AVP_ASSIGNED_SID, 77) == 0);
	CU_ASSERT(l2tp_build_u32(&b, L2TP_AVP_CALL_SERIAL, 1) == 0);
	CU_ASSERT(l2tp_build_avp_raw(&b, 97, 1, 0, "x", 1) == 0);
	CU_ASSERT(l2tp_ctrl_send(t, &b) == 0);
	pump();
	CU_ASSERT(t->state == L2TP_TS_ESTABLISHED);
	CU_ASSERT(only_tunnel(1)->nsessions == 0);
	teardown();
}

static void
test_tunnel_clear_sessions(void)
{
	struct l2tp_tunnel *t;
	int i;

	setup();
	t = bring_up();
	for (i = 0; i < 5; i++)
		CU_ASSERT(l2tp_session_open(t) != NULL);
	pump();
	CU_ASSERT(S[0].ses_up == 5 && S[1].ses_up == 5);
	/* StopCCN clears every call implicitly (RFC 2661 6.4) */
	CU_ASSERT(l2tp_tunnel_clear(only_tunnel(1), L2TP_STOPCCN_SHUTDOWN, 0,
	    NULL) == 0);
	pump();
	CU_ASSERT(S[0].ses_down == 5 && S[1].ses_down == 5);
	CU_ASSERT(t->state == L2TP_TS_CLOSING && t->nsessions == 0);
	CU_ASSERT(l2tp_session_open(t) == NULL);
	teardown();
}

/* ---- HA hooks, restore and resync ---- */

/* a standby context holding the LNS tunnel rebuilt from its checkpoint */
static struct l2tp_tunnel *
standby_rebuild(struct l2tp_ctx **standby, const struct l2tp_tunnel_info *ti)
{
	struct l2tp_tunnel *nt;

	*standby = l2tp_ctx_create(loop, &fx_ops, (void *)(intptr_t)1);
	l2tp_ctx_set_ack_delay(*standby, 0);
	nt = l2tp_tunnel_restore(*standby, &S[1].grp, ti);
	CU_ASSERT_FATAL(nt != NULL);
	return nt;
}

/* switchover: the active vanishes, the standby's context serves */
static struct l2tp_tunnel *
take_over(const struct l2tp_tunnel_info *ti, const struct l2tp_ctrl_state *st)
{
	struct l2tp_ctx *standby;
	struct l2tp_tunnel *nt = standby_rebuild(&standby, ti);

	CU_ASSERT(l2tp_ctrl_import(nt, st) == 0);
	l2tp_ctx_destroy(S[1].ctx);
	S[1].ctx = standby;
	return nt;
}

static void
test_ha_hold_send(void)
{
	struct l2tp_tunnel *t;

	setup();
	S[0].hold_send = 1;
	t = l2tp_tunnel_open(S[0].ctx, &S[0].grp);
	/* checkpoint before send: nothing on the wire yet */
	CU_ASSERT(S[0].ckpt_sends == 1 && sent_to[1] == 0);
	CU_ASSERT(l2tp_ctrl_send_release(t, t->ctrl.ns_next - 1) == 0);
	CU_ASSERT(sent_to[1] == 1);
	pump();	/* SCCRP arrives, SCCCN is held */
	CU_ASSERT(t->state == L2TP_TS_ESTABLISHED);
	CU_ASSERT(only_tunnel(1)->state == L2TP_TS_WAIT_CTL_CONN);
	CU_ASSERT(l2tp_ctrl_send_release(t, t->ctrl.ns_next - 1) == 0);
	pump();
	CU_ASSERT(only_tunnel(1)->state == L2TP_TS_ESTABLISHED);
	CU_ASSERT(l2tp_ctrl_send_release(t, 0) == -1);	/* nothing held */
	teardown();
}

static void
test_ha_hold_ack(void)
{
	struct l2tp_tunnel *t, *p;
	struct l2tp_ctrl_state st;

	setup();
	t = bring_up();
	p = only_tunnel(1);
	S[1].hold_ack = 1;
	l2tp_ctrl_hello_timeout(t);
	pump();
	/* processed but not acked: Nr on the wire stays behind */
	l2tp_ctrl_export(p, &st);
	CU_ASSERT(l2tp_seq_dist(st.nr_wire, st.rcv_next) == 1);
	CU_ASSERT(t->ctrl.txq_len == 1);
	/* the peer retransmits; the duplicate is acked with the old Nr */
	l2tp_ctrl_rtx_timeout(t);
	pump();
	CU_ASSERT(t->ctrl.txq_len == 1);
	CU_ASSERT(l2tp_ctx_stats(S[1].ctx)->drops[L2TP_DROP_DUPLICATE] == 1);
	/* never an Nr above what the peer sent */
	CU_ASSERT(l2tp_ctrl_ack_release(p, st.rcv_next + 1) == -1);
	CU_ASSERT(l2tp_ctrl_ack_release(p, st.rcv_next) == 0);
	pump();
	CU_ASSERT(t->ctrl.txq_len == 0);
	teardown();
}

/*
 * Both HA completions at once (l2tp_ctrl_release): the Nr is released
 * first, so the held message carries it and no ZLB goes on its own.
 */
static void
test_ha_release_both(void)
{
	struct l2tp_tunnel *t, *p;
	struct l2tp_ctrl_state st;
	uint64_t zlb;
	uint16_t nr, ns, stale;

	setup();
	t = bring_up();
	p = only_tunnel(1);
	S[1].hold_ack = 1;
	S[1].hold_send = 1;
	l2tp_ctrl_hello_timeout(t);	/* p holds its Nr */
	pump();
	l2tp_ctrl_hello_timeout(p);	/* and its own message */
	pump();
	l2tp_ctrl_export(p, &st);
	CU_ASSERT(l2tp_seq_dist(st.nr_wire, st.rcv_next) == 1);
	CU_ASSERT(t->ctrl.txq_len == 1);
	zlb = l2tp_ctx_stats(S[1].ctx)->tx_zlb;
	/* never an Nr above what the peer sent: nothing changes */
	nr = (uint16_t)(st.rcv_next + 1);
	ns = (uint16_t)(p->ctrl.ns_next - 1);
	CU_ASSERT(l2tp_ctrl_release(p, &nr, &ns) == -1);
	CU_ASSERT(p->ctrl.nr_wire == st.nr_wire);
	nr = st.rcv_next;
	CU_ASSERT(l2tp_ctrl_release(p, &nr, &ns) == 0);
	CU_ASSERT(p->ctrl.nr_wire == st.rcv_next);
	CU_ASSERT(p->ctrl.nr_last_sent == st.rcv_next);	/* on the message */
	CU_ASSERT(l2tp_ctx_stats(S[1].ctx)->tx_zlb == zlb);
	pump();
	CU_ASSERT(t->ctrl.txq_len == 0);	/* acked by p's message */
	/* a stale Nr (acknowledged since) is left alone */
	stale = (uint16_t)(st.rcv_next - 1);
	CU_ASSERT(l2tp_ctrl_release(p, &stale, NULL) == 0);
	CU_ASSERT(p->ctrl.nr_wire == st.rcv_next);
	teardown();
}

static int
copy_msg(void *arg, uint16_t ns, const uint8_t *b, size_t len)
{
	struct l2tp_tunnel *nt = arg;

	return l2tp_ctrl_import_msg(nt, ns, b, len);
}

/* the LNS dies; a standby rebuilt from exported state carries on */
static void
test_ha_restore(void)
{
	struct l2tp_tunnel_info ti;
	struct l2tp_session_info si;
	struct l2tp_ctrl_state st;
	struct l2tp_tunnel *t, *p, *nt;
	struct l2tp_session *s, *ns;
	struct l2tp_ctx *standby;

	setup();
	t = bring_up();
	s = l2tp_session_open(t);
	pump();
	p = only_tunnel(1);
	/* the active queues a CDN that the peer never sees */
	filter = lose_all_to_lns;
	filter = NULL;
	l2tp_tunnel_get_info(p, &ti);
	l2tp_session_get_info(S[1].last_session, &si);
	nt = standby_rebuild(&standby, &ti);
	ns = l2tp_session_restore(nt, &si);
	CU_ASSERT_FATAL(ns != NULL);
	/* a message the active checkpointed but never sent */
	S[1].hold_send = 1;
	CU_ASSERT(l2tp_session_clear(S[1].last_session, 0, 0, NULL) == 0);
	l2tp_ctrl_export(p, &st);
	CU_ASSERT(st.unacked == 1);
	CU_ASSERT(l2tp_ctrl_import(nt, &st) == 0);
	CU_ASSERT(l2tp_ctrl_foreach_msg(p, copy_msg, nt) == 0);
	/* switchover: the active vanishes */
	l2tp_ctx_destroy(S[1].ctx);
	S[1].ctx = standby;
	S[1].hold_send = 0;
	l2tp_ctrl_retransmit_all(nt);
	pump();
	/* the LAC saw the CDN with the same Ns and acked it */
	CU_ASSERT(S[0].ses_down == 1 && t->nsessions == 0);
	CU_ASSERT(nt->ctrl.txq_len == 0);
	CU_ASSERT(nt->state == L2TP_TS_ESTABLISHED);
	/* and the rebuilt tunnel takes new calls */
	s = l2tp_session_open(t);
	pump();
	CU_ASSERT(s->state == L2TP_SS_ESTABLISHED);
	teardown();
}

/* lazily checkpointed Hellos: the standby's Ns is behind; resync */
/*
 * A call the peer placed just before the switchover never reached the
 * old active: the peer's ZLB answering the probe carries an Ns beyond
 * ours; the new active must not adopt it (the ICRQ would be skipped as a
 * duplicate, the call never answered) but take the retransmitted ICRQ.
 */
static void
test_ha_resync_peer_inflight(void)
{
	struct l2tp_tunnel_info ti;
	struct l2tp_ctrl_state st;
	struct l2tp_tunnel *t, *p, *nt;
	struct l2tp_session *s;

	setup();
	t = bring_up();
	p = only_tunnel(1);
	l2tp_tunnel_get_info(p, &ti);
	l2tp_ctrl_export(p, &st);	/* checkpoint */
	s = l2tp_session_open(t);	/* ICRQ ... */
	ev_run(loop, EVRUN_NOWAIT);
	nwire = 0;			/* ... lost with the active */
	nt = take_over(&ti, &st);
	CU_ASSERT(l2tp_tunnel_resync(nt, (uint16_t)(st.ns_next - 1)) == 0);
	pump();
	CU_ASSERT(nt->state == L2TP_TS_ESTABLISHED);
	CU_ASSERT(nt->ctrl.rcv_next == st.rcv_next);
	CU_ASSERT(s->state != L2TP_SS_ESTABLISHED);
	/* the peer's retransmission is the ICRQ the new active takes */
	l2tp_ctrl_rtx_timeout(t);
	pump();
	CU_ASSERT(s->state == L2TP_SS_ESTABLISHED);
	CU_ASSERT(l2tp_tunnel_session_count(nt) == 1);
	CU_ASSERT(t->ctrl.txq_len == 0);
	teardown();
}

/*
 * A message built behind the resync probe (the CDN of a call caught
 * negotiating at the switchover) waits for the peer's answer and takes
 * the Ns after it: numbered at once, it took the Ns the adopted sequence
 * gave again, and the peer dropped the next message (an ICRP) as a
 * duplicate: a call never answered.
 */
static void
test_ha_resync_behind_probe(void)
{
	struct l2tp_tunnel_info ti;
	struct l2tp_ctrl_state st;
	struct l2tp_tunnel *t, *p, *nt;
	struct l2tp_session *s;
	struct l2tp_build b;

	setup();
	t = bring_up();
	p = only_tunnel(1);
	l2tp_tunnel_get_info(p, &ti);
	l2tp_ctrl_export(p, &st);	/* checkpoint */
	nt = take_over(&ti, &st);
	CU_ASSERT(l2tp_tunnel_resync(nt, (uint16_t)(st.ns_next - 1)) == 0);
	CU_ASSERT_FATAL(l2tp_build_begin(&b, ti.remote_tid, 0,
	    L2TP_MSG_HELLO, NULL, 0) == 0);
	CU_ASSERT(l2tp_ctrl_send(nt, &b) == 0);
	CU_ASSERT(nt->ctrl.deferq_len == 1 && nt->ctrl.txq_len == 1);
	pump();
	CU_ASSERT(nt->state == L2TP_TS_ESTABLISHED);
	CU_ASSERT(nt->ctrl.deferq_len == 0 && nt->ctrl.txq_len == 0);
	/* the peer took it, and expects what we send next */
	CU_ASSERT(t->ctrl.rcv_next == nt->ctrl.ns_next);
	s = l2tp_session_open(t);
	pump();
	CU_ASSERT(s->state == L2TP_SS_ESTABLISHED);
	teardown();
}

static void
test_ha_resync(void)
{
	struct l2tp_tunnel_info ti;
	struct l2tp_ctrl_state st;
	struct l2tp_tunnel *t, *p, *nt;
	struct l2tp_session *s;
	uint16_t real_ns;

	/* lazily checkpointed Hellos left the standby's Ns behind */

	setup();
	t = bring_up();
	p = only_tunnel(1);
	l2tp_tunnel_get_info(p, &ti);
	/* the peer's Hello is acked only once checkpointed (no lazy ack) */
	l2tp_ctrl_hello_timeout(t);
	pump();
	l2tp_ctrl_export(p, &st);	/* checkpoint */
	/* two of our Hellos after the checkpoint (lazy) */
	l2tp_ctrl_hello_timeout(p);
	pump();
	l2tp_ctrl_hello_timeout(p);
	pump();
	real_ns = p->ctrl.ns_next;
	nt = take_over(&ti, &st);
	/* probe just below the estimate: a duplicate for the peer */
	CU_ASSERT(l2tp_tunnel_resync(nt, (uint16_t)(st.ns_next - 1)) == 0);
	CU_ASSERT(nt->state == L2TP_TS_RESYNC);
	/* the peer acks the duplicate probe with a ZLB: its Nr is adopted,
	 * our Nr stays the checkpointed one */
	pump();
	CU_ASSERT(nt->state == L2TP_TS_ESTABLISHED);
	CU_ASSERT(nt->ctrl.ns_next == real_ns);
	CU_ASSERT(nt->ctrl.rcv_next == st.rcv_next);
	CU_ASSERT(nt->ctrl.rcv_next == t->ctrl.ns_next);
	/* afterwards the channel works: a new call comes up */
	s = l2tp_session_open(t);
	pump();
	CU_ASSERT(s->state == L2TP_SS_ESTABLISHED);
	CU_ASSERT(t->state == L2TP_TS_ESTABLISHED);
	teardown();
}

static void
test_resync_refuses_calls(void)
{
	struct l2tp_tunnel *t, *p;
	struct l2tp_session *s;

	setup();
	t = bring_up();
	p = only_tunnel(1);
	/* enter RESYNC and keep the probe from being answered */
	filter = lose_all_to_lns;
	CU_ASSERT(l2tp_tunnel_resync(p, p->ctrl.ns_next) == 0);
	filter = NULL;
	nwire = 0;
	CU_ASSERT(p->state == L2TP_TS_RESYNC);
	p->ctrl.resync_ns = (uint16_t)(p->ctrl.resync_ns + 1000);
	s = l2tp_session_open(t);
	pump();
	/* refused, but the CDN waits behind the probe for our Ns */
	CU_ASSERT(p->ctrl.deferq_len == 1 && S[0].ses_down == 0);
	p->ctrl.resync_ns = (uint16_t)(p->ctrl.resync_ns - 1000);
	/* the lost probe is retransmitted and answered; then the CDN goes,
	 * in order */
	l2tp_ctrl_rtx_timeout(p);
	pump();
	CU_ASSERT(p->state == L2TP_TS_ESTABLISHED);
	CU_ASSERT(s != NULL && S[0].ses_down == 1);
	CU_ASSERT(S[0].s_result == L2TP_CDN_NO_RES_TEMP);
	teardown();
}

static void
test_sizes(void)
{
	/* keep per-session memory small: 10,000 x 10 target */
	CU_ASSERT(l2tp_session_size() <= 128);
	CU_ASSERT(strcmp(l2tp_tunnel_state_names[L2TP_TS_RESYNC], "resync")
	    == 0);
	CU_ASSERT(strcmp(l2tp_session_state_names[L2TP_SS_WAIT_CS_ANSWER],
	    "wait-cs-answer") == 0);
	CU_ASSERT(strcmp(l2tp_drop_names[L2TP_DROP_BAD_NR], "bad_nr") == 0);
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_fsm", NULL, NULL);

	CU_add_test(s, "tunnel_up", test_tunnel_up);
	CU_add_test(s, "tunnel_auth", test_tunnel_auth);
	CU_add_test(s, "tunnel_auth_fail", test_tunnel_auth_fail);
	CU_add_test(s, "tunnel_refused", test_tunnel_refused);
	CU_add_test(s, "tunnel_clear", test_tunnel_clear);
	CU_add_test(s, "tunnel_retries", test_tunnel_retries);
	CU_add_test(s, "tie_breaker", test_tie_breaker);
	CU_add_test(s, "tunnel_fsm_errors", test_tunnel_fsm_errors);
	CU_add_test(s, "session_lac_ic", test_session_lac_ic);
	CU_add_test(s, "session_proxy_avps", test_session_proxy_avps);
	CU_add_test(s, "session_wait_tunnel", test_session_wait_tunnel);
	CU_add_test(s, "session_lns_oc", test_session_lns_oc);
	CU_add_test(s, "session_refused", test_session_refused);
	CU_add_test(s, "session_bad_msg", test_session_bad_msg);
	CU_add_test(s, "tunnel_clear_sessions", test_tunnel_clear_sessions);
	CU_add_test(s, "ha_hold_send", test_ha_hold_send);
	CU_add_test(s, "ha_resync_behind_probe", test_ha_resync_behind_probe);
	CU_add_test(s, "ha_resync_peer_inflight",
	    test_ha_resync_peer_inflight);
	CU_add_test(s, "ha_hold_ack", test_ha_hold_ack);
	CU_add_test(s, "ha_release_both", test_ha_release_both);
	CU_add_test(s, "ha_restore", test_ha_restore);
	CU_add_test(s, "ha_resync", test_ha_resync);
	CU_add_test(s, "resync_refuses_calls", test_resync_refuses_calls);
	CU_add_test(s, "sizes", test_sizes);
}
