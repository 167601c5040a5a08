/*
 * test_l2tp_ctrl.c - reliable control channel (RFC 2661 5.8, App. A):
 * one engine with a restored (established) tunnel; the test plays the
 * peer by injecting crafted packets and reading what the engine sends.
 * Timers are driven by calling their bodies; the armed timeout is read
 * with ev_timer_remaining() on a loop whose clock does not move.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "runner.h"
#include "l2tp_local.h"

#define OUT_MAX 64

struct out {
	struct l2tp_hdr h;
	int		zlb;
	uint16_t	type;
};

static struct ev_loop *loop;
static struct l2tp_ctx *ctx;
static struct l2tp_tunnel *t;
static struct sockaddr_in peer;
static struct out out[OUT_MAX];
static int nout;

static int
cap_send(void *arg, const uint8_t *buf, size_t len, const struct sockaddr *to,
    socklen_t tl)
{
	enum l2tp_drop why;
	struct out *o;

	CU_ASSERT_FATAL(nout < OUT_MAX);
	o = &out[nout++];
	CU_ASSERT(l2tp_hdr_decode(buf, len, &o->h, &why) == 0);
	o->zlb = o->h.length == o->h.hdr_len;
	o->type = o->zlb ? 0 : (uint16_t)(buf[18] << 8 | buf[19]);
	return 0;
}

/* the armed value, not elapsed time: equal up to float rounding */
static int
near(double a, double b)
{
	return a - b < 1e-6 && b - a < 1e-6;
}

static const struct l2tp_host_ops cap_ops = { .send = cap_send };

static void
setup_with(unsigned rtx_min, unsigned rtx_max, unsigned retries)
{
	struct l2tp_tunnel_info ti;
	struct l2tp_group g;

	if (loop == NULL)
		loop = ev_default_loop(0);
	nout = 0;
	ctx = l2tp_ctx_create(loop, &cap_ops, NULL);
	CU_ASSERT_FATAL(ctx != NULL);
	l2tp_group_defaults(&g);
	g.rtx_min_ms = rtx_min;
	g.rtx_max_ms = rtx_max;
	g.retries = retries;
	g.hello_interval = 0;
	memset(&ti, 0, sizeof(ti));
	peer.sin_family = AF_INET;
	peer.sin_port = htons(L2TP_PORT);
	peer.sin_addr.s_addr = htonl(0x7f000002);
	memcpy(&ti.peer, &peer, sizeof(peer));
	ti.peer_len = sizeof(peer);
	ti.local_tid = 100;
	ti.remote_tid = 200;
	ti.peer_rx_window = 4;
	t = l2tp_tunnel_restore(ctx, &g, &ti);
	CU_ASSERT_FATAL(t != NULL);
}

static void
setup(void)
{
	setup_with(1000, 8000, 5);
}

static void
teardown(void)
{
	l2tp_ctx_destroy(ctx);
	ctx = NULL;
	t = NULL;
}

/* the peer sends a control message (type 0 = ZLB) with Ns/Nr */
static int
peer_send(uint16_t type, uint16_t ns, uint16_t nr)
{
	struct l2tp_build b;
	int rc;

	CU_ASSERT_FATAL(l2tp_build_begin(&b, t->local_tid, 0, type, NULL, 0)
	    == 0);
	CU_ASSERT_FATAL(l2tp_build_finish(&b) == 0);
	l2tp_hdr_set_ns_nr(b.wb.buf, ns, nr);
	rc = l2tp_input(ctx, b.wb.buf, b.wb.len, (struct sockaddr *)&peer,
	    sizeof(peer));
	l2tp_build_free(&b);
	return rc;
}

/* we send a Hello (a message with no other effect) */
static void
we_send(void)
{
	struct l2tp_build b;

	CU_ASSERT_FATAL(l2tp_build_begin(&b, t->remote_tid, 0, L2TP_MSG_HELLO,
	    NULL, 0) == 0);
	CU_ASSERT_FATAL(l2tp_ctrl_send(t, &b) == 0);
}

static void
test_delayed_ack(void)
{
	setup();
	CU_ASSERT(peer_send(L2TP_MSG_HELLO, 0, 0) == 0);
	CU_ASSERT(t->ctrl.rcv_next == 1);
	/* not at once: the ack may ride on a reply (5.8) */
	CU_ASSERT(nout == 0);
	CU_ASSERT(ev_is_active(&t->ctrl.ack_timer));
	CU_ASSERT(near(ev_timer_remaining(loop, &t->ctrl.ack_timer), 0.1));
	l2tp_ctrl_ack_timeout(t);
	CU_ASSERT(nout == 1 && out[0].zlb);
	CU_ASSERT(out[0].h.ns == 0 && out[0].h.nr == 1);
	CU_ASSERT(out[0].h.tid == 200 && out[0].h.sid == 0);
	/* nothing more to ack */
	l2tp_ctrl_ack_timeout(t);
	CU_ASSERT(nout == 1);
	/* never ZLB a ZLB */
	CU_ASSERT(peer_send(L2TP_MSG_ZLB, 1, 0) == 0);
	CU_ASSERT(!ev_is_active(&t->ctrl.ack_timer));
	l2tp_ctrl_ack_timeout(t);
	CU_ASSERT(nout == 1);
	CU_ASSERT(l2tp_ctx_stats(ctx)->rx_zlb == 1);
	teardown();
}

/* the peer's window full (our Receive Window Size, 4): ack at once */
static void
test_window_full_ack(void)
{
	uint16_t i, w;

	setup();
	w = t->ctrl.rx_window;
	CU_ASSERT_FATAL(w >= 2);
	for (i = 0; i + 1 < w; i++)
		CU_ASSERT(peer_send(L2TP_MSG_HELLO, i, 0) == 0);
	/* room left in its window: the ack waits for a reply to ride on */
	CU_ASSERT(nout == 0);
	CU_ASSERT(ev_is_active(&t->ctrl.ack_timer));
	CU_ASSERT(peer_send(L2TP_MSG_HELLO, (uint16_t)(w - 1), 0) == 0);
	CU_ASSERT(nout == 1 && out[0].zlb && out[0].h.nr == w);
	l2tp_ctrl_ack_timeout(t);
	CU_ASSERT(nout == 1);
	teardown();
}

static void
test_piggyback(void)
{
	setup();
	CU_ASSERT(peer_send(L2TP_MSG_HELLO, 0, 0) == 0);
	we_send();
	/* our message carries Nr=1: no ZLB needed */
	CU_ASSERT(nout == 1 && !out[0].zlb && out[0].h.nr == 1);
	CU_ASSERT(out[0].type == L2TP_MSG_HELLO);
	CU_ASSERT(!ev_is_active(&t->ctrl.ack_timer));
	teardown();
}

static void
test_duplicate(void)
{
	setup();
	CU_ASSERT(peer_send(L2TP_MSG_HELLO, 0, 0) == 0);
	l2tp_ctrl_ack_timeout(t);
	CU_ASSERT(nout == 1);
	/* the ZLB was lost; the peer retransmits: ack again at once */
	CU_ASSERT(peer_send(L2TP_MSG_HELLO, 0, 0) == -1);
	CU_ASSERT(nout == 2 && out[1].zlb && out[1].h.nr == 1);
	CU_ASSERT(l2tp_ctx_stats(ctx)->drops[L2TP_DROP_DUPLICATE] == 1);
	CU_ASSERT(l2tp_ctx_stats(ctx)->rx_ctrl == 1);
	/* far in the past (5.8: up to 32767 behind) is a duplicate too */
	CU_ASSERT(peer_send(L2TP_MSG_HELLO, (uint16_t)(1 - 32767), 0) == -1);
	CU_ASSERT(l2tp_ctx_stats(ctx)->drops[L2TP_DROP_DUPLICATE] == 2);
	teardown();
}

static void
test_out_of_order(void)
{
	setup();
	/* window 4: Ns 1..3 queue while 0 is missing */
	CU_ASSERT(peer_send(L2TP_MSG_HELLO, 2, 0) == 0);
	CU_ASSERT(peer_send(L2TP_MSG_HELLO, 1, 0) == 0);
	CU_ASSERT(peer_send(L2TP_MSG_HELLO, 2, 0) == -1);	/* queued */
	CU_ASSERT(l2tp_ctx_stats(ctx)->drops[L2TP_DROP_QUEUED] == 1);
	CU_ASSERT(peer_send(L2TP_MSG_HELLO, 4, 0) == -1);	/* window */
	CU_ASSERT(l2tp_ctx_stats(ctx)->drops[L2TP_DROP_WINDOW] == 1);
	CU_ASSERT(t->ctrl.rcv_next == 0 && t->ctrl.rxq_len == 2);
	CU_ASSERT(peer_send(L2TP_MSG_HELLO, 0, 0) == 0);
	CU_ASSERT(t->ctrl.rcv_next == 3 && t->ctrl.rxq_len == 0);
	CU_ASSERT(l2tp_ctx_stats(ctx)->rx_ctrl == 3);
	l2tp_ctrl_ack_timeout(t);
	CU_ASSERT(nout == 1 && out[0].h.nr == 3);
	teardown();
}

static void
test_wrap(void)
{
	struct l2tp_ctrl_state st;

	setup();
	l2tp_ctrl_export(t, &st);
	st.ns_next = st.snd_una = 65535;
	st.rcv_next = st.nr_wire = 65534;
	CU_ASSERT(l2tp_ctrl_import(t, &st) == 0);
	/* receive 65534, then 0 early, then 65535 */
	CU_ASSERT(peer_send(L2TP_MSG_HELLO, 65534, 65535) == 0);
	CU_ASSERT(peer_send(L2TP_MSG_HELLO, 0, 65535) == 0);
	CU_ASSERT(t->ctrl.rcv_next == 65535 && t->ctrl.rxq_len == 1);
	CU_ASSERT(peer_send(L2TP_MSG_HELLO, 65535, 65535) == 0);
	CU_ASSERT(t->ctrl.rcv_next == 1);
	/* send across the wrap: Ns 65535 then 0 */
	we_send();
	we_send();
	CU_ASSERT(nout == 1);
	CU_ASSERT(out[0].h.ns == 65535 && out[0].h.nr == 1);
	/* cwnd 1 after import: the second waits for the first's ack */
	CU_ASSERT(t->ctrl.txq_len == 2);
	CU_ASSERT(peer_send(L2TP_MSG_ZLB, 1, 0) == 0);
	CU_ASSERT(t->ctrl.txq_len == 1 && t->ctrl.snd_una == 0);
	CU_ASSERT(out[nout - 1].h.ns == 0);
	CU_ASSERT(peer_send(L2TP_MSG_ZLB, 1, 1) == 0);
	CU_ASSERT(t->ctrl.txq_len == 0 && t->ctrl.snd_una == 1);
	teardown();
}

static void
test_bad_nr(void)
{
	setup();
	we_send();
	/* Nr 5 acks what we never sent: counted, message still used */
	CU_ASSERT(peer_send(L2TP_MSG_HELLO, 0, 5) == 0);
	CU_ASSERT(l2tp_ctx_stats(ctx)->drops[L2TP_DROP_BAD_NR] == 1);
	CU_ASSERT(t->ctrl.rcv_next == 1 && t->ctrl.txq_len == 1);
	teardown();
}

static void
test_retransmit_schedule(void)
{
	static const unsigned want[] = { 2000, 4000, 5000, 5000, 5000 };
	unsigned i;

	setup_with(1000, 5000, 5);
	we_send();
	CU_ASSERT(nout == 1 && out[0].h.ns == 0 && out[0].h.nr == 0);
	CU_ASSERT(near(ev_timer_remaining(loop, &t->ctrl.rtx_timer), 1.0));
	for (i = 0; i < 5; i++) {
		if (i == 2)	/* the peer speaks meanwhile: Nr moves */
			CU_ASSERT(peer_send(L2TP_MSG_HELLO, 0, 0) == 0);
		l2tp_ctrl_rtx_timeout(t);
		CU_ASSERT(nout == (int)i + 2);
		/* 5.8: same Ns, current Nr, exponential backoff, capped */
		CU_ASSERT(out[nout - 1].h.ns == 0);
		CU_ASSERT(out[nout - 1].h.nr == (i >= 2 ? 1 : 0));
		CU_ASSERT(t->ctrl.rto_ms == want[i]);
		CU_ASSERT(near(ev_timer_remaining(loop, &t->ctrl.rtx_timer),
		    want[i] / 1000.));
	}
	CU_ASSERT(l2tp_ctx_stats(ctx)->retransmits == 5);
	CU_ASSERT(t->state == L2TP_TS_ESTABLISHED);
	/* the sixth expiry clears the tunnel */
	l2tp_ctrl_rtx_timeout(t);
	CU_ASSERT(t->dead && nout == 6);
	teardown();
	/* an ack resets backoff and retry count */
	setup_with(1000, 8000, 5);
	we_send();
	l2tp_ctrl_rtx_timeout(t);
	l2tp_ctrl_rtx_timeout(t);
	CU_ASSERT(t->ctrl.rto_ms == 4000 && t->ctrl.retries_done == 2);
	we_send();
	CU_ASSERT(peer_send(L2TP_MSG_ZLB, 0, 1) == 0);
	CU_ASSERT(t->ctrl.rto_ms == 1000 && t->ctrl.retries_done == 0);
	CU_ASSERT(ev_is_active(&t->ctrl.rtx_timer));	/* Ns 1 now out */
	CU_ASSERT(peer_send(L2TP_MSG_ZLB, 0, 2) == 0);
	CU_ASSERT(!ev_is_active(&t->ctrl.rtx_timer));
	teardown();
}

static void
test_slow_start(void)
{
	int i;

	setup();
	for (i = 0; i < 10; i++)
		we_send();
	/* Appendix A: cwnd starts at 1 */
	CU_ASSERT(nout == 1 && t->ctrl.cwnd == 1);
	CU_ASSERT(peer_send(L2TP_MSG_ZLB, 0, 1) == 0);
	CU_ASSERT(t->ctrl.cwnd == 2 && nout == 3);
	CU_ASSERT(peer_send(L2TP_MSG_ZLB, 0, 3) == 0);
	/* never beyond the peer's Receive Window (4) */
	CU_ASSERT(t->ctrl.cwnd == 4 && nout == 7);
	/* congestion: ssthresh = cwnd / 2, cwnd = 1 */
	l2tp_ctrl_rtx_timeout(t);
	CU_ASSERT(t->ctrl.cwnd == 1 && t->ctrl.ssthresh == 2);
	CU_ASSERT(nout == 8 && out[7].h.ns == 3);
	CU_ASSERT(peer_send(L2TP_MSG_ZLB, 0, 4) == 0);
	CU_ASSERT(t->ctrl.cwnd == 2);
	/* congestion avoidance: +1 per cwnd acks */
	CU_ASSERT(peer_send(L2TP_MSG_ZLB, 0, 5) == 0);
	CU_ASSERT(t->ctrl.cwnd == 2);
	CU_ASSERT(peer_send(L2TP_MSG_ZLB, 0, 6) == 0);
	CU_ASSERT(t->ctrl.cwnd == 3);
	teardown();
}

/* after a timeout what followed the lost message goes again as soon as
 * the acks reopen the window, not one retransmission timeout each */
static void
test_go_back_n(void)
{
	int i;

	setup();
	for (i = 0; i < 4; i++)
		we_send();
	CU_ASSERT(peer_send(L2TP_MSG_ZLB, 0, 1) == 0);
	CU_ASSERT(nout == 3);			/* Ns 0, then 1 and 2 */
	/* 1 and 2 lost; 1 times out and goes again alone (cwnd 1) */
	l2tp_ctrl_rtx_timeout(t);
	CU_ASSERT(nout == 4 && out[3].h.ns == 1 && t->ctrl.cwnd == 1);
	/* its ack reopens the window: 2 is resent at once, then 3 */
	CU_ASSERT(peer_send(L2TP_MSG_ZLB, 0, 2) == 0);
	CU_ASSERT(nout == 6 && out[4].h.ns == 2 && out[5].h.ns == 3);
	/* an ack of everything empties the queue */
	CU_ASSERT(peer_send(L2TP_MSG_ZLB, 0, 4) == 0);
	CU_ASSERT(t->ctrl.txq_len == 0);
	CU_ASSERT(!ev_is_active(&t->ctrl.rtx_timer));
	teardown();
}

static int
count_msgs(void *arg, uint16_t ns, const uint8_t *b, size_t len)
{
	(*(int *)arg)++;
	return 0;
}

static void
test_export_import(void)
{
	struct l2tp_ctrl_state st, st2;
	int n = 0;

	setup();
	CU_ASSERT(peer_send(L2TP_MSG_HELLO, 0, 0) == 0);
	we_send();
	we_send();
	l2tp_ctrl_export(t, &st);
	CU_ASSERT(st.ns_next == 2 && st.snd_una == 0 && st.rcv_next == 1);
	CU_ASSERT(st.nr_wire == 1 && st.unacked == 2);
	CU_ASSERT(l2tp_ctrl_foreach_msg(t, count_msgs, &n) == 0 && n == 2);
	/* import into itself: queue rebuilt only from import_msg */
	CU_ASSERT(l2tp_ctrl_import(t, &st) == 0);
	CU_ASSERT(t->ctrl.txq_len == 0);
	CU_ASSERT(l2tp_ctrl_import_msg(t, 5, (const uint8_t *)"x", 1) == -1);
	{
		uint8_t m[12] = { 0xc8, 0x02, 0, 12, 0, 200, 0, 0, 0, 0, 0, 0 };

		CU_ASSERT(l2tp_ctrl_import_msg(t, 0, m, sizeof(m)) == 0);
		CU_ASSERT(l2tp_ctrl_import_msg(t, 2, m, sizeof(m)) == -1);
		CU_ASSERT(l2tp_ctrl_import_msg(t, 1, m, sizeof(m)) == 0);
	}
	l2tp_ctrl_export(t, &st2);
	CU_ASSERT(st2.unacked == 2 && st2.ns_next == 2);
	nout = 0;
	l2tp_ctrl_retransmit_all(t);
	CU_ASSERT(nout == 2 && out[0].h.ns == 0 && out[1].h.ns == 1);
	CU_ASSERT(out[0].h.nr == 1);
	st.peer_rx_window = 0;
	CU_ASSERT(l2tp_ctrl_import(t, &st) == -1);
	teardown();
}

static void
test_peer_addr(void)
{
	struct sockaddr_in other = peer;

	setup();
	/* an established tunnel never follows another address */
	other.sin_addr.s_addr = htonl(0x7f000009);
	{
		struct l2tp_build b;

		CU_ASSERT(l2tp_build_begin(&b, t->local_tid, 0, L2TP_MSG_HELLO,
		    NULL, 0) == 0);
		CU_ASSERT(l2tp_build_finish(&b) == 0);
		CU_ASSERT(l2tp_input(ctx, b.wb.buf, b.wb.len,
		    (struct sockaddr *)&other, sizeof(other)) == -1);
		l2tp_build_free(&b);
	}
	CU_ASSERT(l2tp_ctx_stats(ctx)->drops[L2TP_DROP_PEER_ADDR] == 1);
	CU_ASSERT(t->ctrl.rcv_next == 0);
	/* unknown tunnel id */
	t->local_tid ^= 1;
	CU_ASSERT(peer_send(L2TP_MSG_HELLO, 0, 0) == -1);
	t->local_tid ^= 1;
	CU_ASSERT(l2tp_ctx_stats(ctx)->drops[L2TP_DROP_NO_TUNNEL] == 1);
	teardown();
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_ctrl", NULL, NULL);

	CU_add_test(s, "delayed_ack", test_delayed_ack);
	CU_add_test(s, "window_full_ack", test_window_full_ack);
	CU_add_test(s, "piggyback", test_piggyback);
	CU_add_test(s, "duplicate", test_duplicate);
	CU_add_test(s, "out_of_order", test_out_of_order);
	CU_add_test(s, "wrap", test_wrap);
	CU_add_test(s, "bad_nr", test_bad_nr);
	CU_add_test(s, "retransmit_schedule", test_retransmit_schedule);
	CU_add_test(s, "slow_start", test_slow_start);
	CU_add_test(s, "go_back_n", test_go_back_n);
	CU_add_test(s, "export_import", test_export_import);
	CU_add_test(s, "peer_addr", test_peer_addr);
}
