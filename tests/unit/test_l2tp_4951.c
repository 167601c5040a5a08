/*
 * test_l2tp_4951.c - RFC 4951 failover: the four AVPs (76-79) and the
 * FSQ/FSR messages on the wire, their length checks, and recovery end to
 * end: two engines back to back in one process (side 0 "lac", side 1
 * "lns"), the LNS "fails over" (its state exported and imported into a
 * fresh context, as ha.c does) and recovers with a capable peer through
 * a recovery tunnel, or falls back to silent failover when the peer did
 * not advertise the capability. Timers are driven by calling the timer
 * bodies or ev_run NOWAIT, never by sleeping.
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
	int		 tun_up, tun_down, resynced, rec_failed;
	int		 ses_up, ses_down;
	struct l2tp_session *last_session;
};

static struct ev_loop *loop;
static struct side S[2];
static struct pkt wire[WIRE_MAX];
static int nwire;
/* every datagram ever sent, for golden byte checks */
static struct pkt seen[WIRE_MAX];
static int nseen;

static int
fx_send(void *arg, const uint8_t *buf, size_t len, const struct sockaddr *to,
    socklen_t tolen)
{
	int from = (int)(intptr_t)arg;

	CU_ASSERT_FATAL(nwire < WIRE_MAX && len <= sizeof(wire[0].buf));
	wire[nwire].to = 1 - from;
	wire[nwire].len = len;
	memcpy(wire[nwire].buf, buf, len);
	if (nseen < WIRE_MAX)
		seen[nseen++] = wire[nwire];
	nwire++;
	return 0;
}

static const struct l2tp_group *
fx_group(void *arg, const char *peer, const struct sockaddr *from,
    socklen_t fl)
{
	return &S[(intptr_t)arg].grp;
}

static void
fx_tunnel(void *arg, struct l2tp_tunnel *t, enum l2tp_event ev)
{
	struct side *s = &S[(intptr_t)arg];

	switch (ev) {
	case L2TP_EV_TUNNEL_UP:
		s->tun_up++;
		break;
	case L2TP_EV_TUNNEL_DOWN:
		s->tun_down++;
		break;
	case L2TP_EV_TUNNEL_RESYNCED:
		s->resynced++;
		break;
	case L2TP_EV_TUNNEL_RECOVERY_FAILED:
		s->rec_failed++;
		break;
	default:
		break;
	}
}

static void
fx_session(void *arg, struct l2tp_session *ss, enum l2tp_event ev)
{
	struct side *s = &S[(intptr_t)arg];

	if (ev == L2TP_EV_SESSION_UP) {
		s->ses_up++;
		s->last_session = ss;
	} else
		s->ses_down++;
}

static int
fx_request(void *arg, struct l2tp_session *ss)
{
	S[(intptr_t)arg].last_session = ss;
	return 0;
}

static const struct l2tp_host_ops fx_ops = {
	.send = fx_send,
	.group_lookup = fx_group,
	.tunnel_event = fx_tunnel,
	.session_event = fx_session,
	.session_request = fx_request,
};

static void
setup(int fo_lac, int fo_lns)
{
	int i;

	if (loop == NULL)
		loop = ev_default_loop(0);
	memset(S, 0, sizeof(S));
	nwire = nseen = 0;
	for (i = 0; i < 2; i++) {
		S[i].addr.sin_family = AF_INET;
		S[i].addr.sin_port = htons(L2TP_PORT);
		S[i].addr.sin_addr.s_addr = htonl(0x7f000001 + (uint32_t)i);
		l2tp_group_defaults(&S[i].grp);
		snprintf(S[i].grp.local_name, sizeof(S[i].grp.local_name),
		    i == 0 ? "lac" : "lns");
		S[i].ctx = l2tp_ctx_create(loop, &fx_ops, (void *)(intptr_t)i);
		CU_ASSERT_FATAL(S[i].ctx != NULL);
		l2tp_ctx_set_ack_delay(S[i].ctx, 0);
	}
	S[0].grp.request_dialin = 1;
	memcpy(&S[0].grp.initiate_to, &S[1].addr, sizeof(S[1].addr));
	S[0].grp.initiate_to_len = sizeof(S[1].addr);
	S[1].grp.accept_dialin = 1;
	S[0].grp.failover = fo_lac;
	S[1].grp.failover = fo_lns;
	S[0].grp.recovery_ms = 5000;
}

static void
teardown(void)
{
	l2tp_ctx_destroy(S[0].ctx);
	l2tp_ctx_destroy(S[1].ctx);
	S[0].ctx = S[1].ctx = NULL;
}

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
bring_up(void)
{
	struct l2tp_tunnel *t = l2tp_tunnel_open(S[0].ctx, &S[0].grp);

	CU_ASSERT_FATAL(t != NULL);
	pump();
	CU_ASSERT_FATAL(t->state == L2TP_TS_ESTABLISHED);
	CU_ASSERT_FATAL(l2tp_tunnel_next(S[1].ctx, NULL) != NULL);
	return t;
}

/* the Message Type of a datagram we captured (0xffff: ZLB/other) */
static uint16_t
pkt_type(const struct pkt *p)
{
	if (p->len < L2TP_HDR_CTRL_LEN + 8)
		return 0xffff;
	return (uint16_t)(p->buf[L2TP_HDR_CTRL_LEN + 6] << 8 |
	    p->buf[L2TP_HDR_CTRL_LEN + 7]);
}

/* the first captured message of `type` towards side `to` */
static const struct pkt *
find_sent(int to, uint16_t type)
{
	int i;

	for (i = 0; i < nseen; i++)
		if (seen[i].to == to && pkt_type(&seen[i]) == type)
			return &seen[i];
	return NULL;
}

static int
has_bytes(const struct pkt *p, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; p != NULL && i + n <= p->len; i++)
		if (memcmp(p->buf + i, b, n) == 0)
			return 1;
	return 0;
}

/* ---- golden bytes ---- */

static void
test_advertise_golden(void)
{
	/* M=0 H=0 length 12, vendor 0, type 76, C bit, Recovery Time 5000 */
	static const uint8_t fc[12] = { 0x00, 0x0c, 0x00, 0x00, 0x00, 0x4c,
	    0x00, 0x01, 0x00, 0x00, 0x13, 0x88 };
	struct l2tp_tunnel_info a, b;
	struct l2tp_tunnel *t;

	setup(1, 1);
	S[1].grp.recovery_ms = 20000;
	t = bring_up();
	CU_ASSERT(has_bytes(find_sent(1, L2TP_MSG_SCCRQ), fc, sizeof(fc)));
	l2tp_tunnel_get_info(t, &a);
	l2tp_tunnel_get_info(l2tp_tunnel_next(S[1].ctx, NULL), &b);
	CU_ASSERT(a.peer_failover && a.failover_negotiated);
	CU_ASSERT(a.peer_failover_flags == L2TP_FAILOVER_CAP_C);
	CU_ASSERT(a.peer_recovery_ms == 20000);
	CU_ASSERT(b.peer_recovery_ms == 5000 && b.failover_negotiated);
	CU_ASSERT(!a.recovery && !b.recovery);
	teardown();
}

static void
test_not_advertised_by_default(void)
{
	struct l2tp_tunnel_info a, b;
	struct l2tp_tunnel *t;
	const struct pkt *p;
	size_t i;

	setup(0, 1);
	t = bring_up();
	p = find_sent(1, L2TP_MSG_SCCRQ);
	CU_ASSERT_FATAL(p != NULL);
	/* no AVP type 76 anywhere in our SCCRQ */
	for (i = L2TP_HDR_CTRL_LEN; i + L2TP_AVP_HDR_LEN <= p->len;) {
		size_t len = (size_t)((p->buf[i] << 8 | p->buf[i + 1]) &
		    L2TP_AVP_LEN_MASK);

		CU_ASSERT(!(p->buf[i + 4] == 0 && p->buf[i + 5] == 76));
		if (len < L2TP_AVP_HDR_LEN)
			break;
		i += len;
	}
	l2tp_tunnel_get_info(t, &a);
	l2tp_tunnel_get_info(l2tp_tunnel_next(S[1].ctx, NULL), &b);
	/* the LNS advertised, we did not: negotiated on neither side */
	CU_ASSERT(a.peer_failover && !a.failover_negotiated);
	CU_ASSERT(!b.peer_failover && !b.failover_negotiated);
	CU_ASSERT(l2tp_tunnel_recover(t) == -1);
	CU_ASSERT(l2tp_tunnel_session_query(t) == -1);
	teardown();
}

static void
test_fsq_golden(void)
{
	struct l2tp_tunnel *t;
	struct l2tp_session *s;
	const struct pkt *q, *r;
	uint8_t fss[12] = { 0x00, 0x0c, 0x00, 0x00, 0x00, 0x4f, 0, 0 };
	uint16_t lsid, rsid;

	setup(1, 1);
	t = bring_up();
	s = l2tp_session_open(t);
	pump();
	CU_ASSERT_FATAL(s != NULL && s->state == L2TP_SS_ESTABLISHED);
	lsid = s->local_sid;
	rsid = s->remote_sid;
	CU_ASSERT(l2tp_tunnel_session_query(t) == 0);
	pump();
	q = find_sent(1, L2TP_MSG_FSQ);
	r = find_sent(0, L2TP_MSG_FSR);
	CU_ASSERT_FATAL(q != NULL && r != NULL);
	/* header: T L S ver 2, tunnel id = peer's, session id 0 */
	CU_ASSERT(q->buf[0] == 0xc8 && q->buf[1] == 0x02);
	CU_ASSERT(q->buf[6] == 0 && q->buf[7] == 0);
	/* Message Type AVP: M=1 length 8, type 0, value 21 */
	CU_ASSERT(q->buf[12] == 0x80 && q->buf[13] == 0x08 &&
	    q->buf[19] == L2TP_MSG_FSQ);
	/* FSS: reserved, sender (our) session id, remote session id */
	fss[8] = (uint8_t)(lsid >> 8);
	fss[9] = (uint8_t)lsid;
	fss[10] = (uint8_t)(rsid >> 8);
	fss[11] = (uint8_t)rsid;
	CU_ASSERT(has_bytes(q, fss, sizeof(fss)));
	/* FSR: the peer's view, mirrored */
	fss[8] = (uint8_t)(rsid >> 8);
	fss[9] = (uint8_t)rsid;
	fss[10] = (uint8_t)(lsid >> 8);
	fss[11] = (uint8_t)lsid;
	CU_ASSERT(has_bytes(r, fss, sizeof(fss)));
	CU_ASSERT(r->buf[19] == L2TP_MSG_FSR);
	/* both have it: nothing cleared */
	CU_ASSERT(S[0].ses_down == 0 && S[1].ses_down == 0);
	CU_ASSERT(strcmp(l2tp_msg_name(L2TP_MSG_FSQ), "FSQ") == 0);
	CU_ASSERT(strcmp(l2tp_msg_name(L2TP_MSG_FSR), "FSR") == 0);
	teardown();
}

/* ---- lengths: every RFC 4951 AVP is exactly 6 octets of value ---- */

static int
decode_one(uint16_t type, int mbit, size_t vlen, struct l2tp_msg *m)
{
	static uint8_t val[16];
	struct l2tp_build b;
	struct sso_cur c;
	int rc;

	CU_ASSERT_FATAL(l2tp_build_begin(&b, 1, 0, L2TP_MSG_HELLO, NULL,
	    0) == 0);
	CU_ASSERT_FATAL(l2tp_build_avp_raw(&b, type, mbit, 0, val,
	    vlen) == 0);
	CU_ASSERT_FATAL(l2tp_build_finish(&b) == 0);
	sso_cur_init(&c, b.wb.buf + L2TP_HDR_CTRL_LEN,
	    b.wb.len - L2TP_HDR_CTRL_LEN);
	rc = l2tp_msg_decode(m, &c, NULL, NULL, 0);
	l2tp_build_free(&b);
	return rc;
}

static void
test_avp_lengths(void)
{
	static const uint16_t types[] = { L2TP_AVP_FAILOVER_CAP,
	    L2TP_AVP_TUNNEL_RECOVERY, L2TP_AVP_SUGGESTED_SEQ,
	    L2TP_AVP_FAILOVER_SESSION };
	struct l2tp_msg m;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		CU_ASSERT(l2tp_avp_len_ok(types[i], 6) == 0);
		CU_ASSERT(l2tp_avp_len_ok(types[i], 5) == -1);
		CU_ASSERT(l2tp_avp_len_ok(types[i], 7) == -1);
		CU_ASSERT(l2tp_avp_len_ok(types[i], 0) == -1);
		/* exact: recorded */
		CU_ASSERT(decode_one(types[i], 0, 6, &m) == 0);
		CU_ASSERT(l2tp_msg_has(&m, types[i]));
		/* M=0, one octet short or long: ignored, counted */
		CU_ASSERT(decode_one(types[i], 0, 5, &m) == 0);
		CU_ASSERT(!l2tp_msg_has(&m, types[i]) && m.ignored == 1);
		CU_ASSERT(decode_one(types[i], 0, 7, &m) == 0);
		CU_ASSERT(!l2tp_msg_has(&m, types[i]) && m.ignored == 1);
		/* M=1 and malformed: the message fails (length error) */
		CU_ASSERT(decode_one(types[i], 1, 5, &m) == -1);
		CU_ASSERT(m.err_result_error == L2TP_ERR_LENGTH);
		CU_ASSERT(decode_one(types[i], 1, 7, &m) == -1);
	}
}

/* repeated Failover Session State AVPs: the iterator skips bad ones */
static void
test_fss_iter(void)
{
	static const uint8_t ok1[6] = { 0, 0, 0, 1, 0, 2 };
	static const uint8_t ok2[6] = { 0, 0, 0, 3, 0, 4 };
	static const uint8_t bad[7] = { 0 };
	struct l2tp_build b;
	struct l2tp_msg m;
	struct sso_cur c, it, v;
	uint16_t x, y, z;
	int n = 0;

	CU_ASSERT_FATAL(l2tp_build_begin(&b, 1, 0, L2TP_MSG_FSQ, NULL,
	    0) == 0);
	CU_ASSERT(l2tp_build_avp_raw(&b, 79, 0, 0, ok1, 6) == 0);
	CU_ASSERT(l2tp_build_avp_raw(&b, 79, 0, 0, bad, 7) == 0);
	CU_ASSERT(l2tp_build_avp_raw(&b, 79, 0, 0, ok2, 6) == 0);
	CU_ASSERT_FATAL(l2tp_build_finish(&b) == 0);
	sso_cur_init(&c, b.wb.buf + L2TP_HDR_CTRL_LEN,
	    b.wb.len - L2TP_HDR_CTRL_LEN);
	CU_ASSERT(l2tp_msg_decode(&m, &c, NULL, NULL, 0) == 0);
	CU_ASSERT(m.type == L2TP_MSG_FSQ && m.ignored == 1);
	l2tp_msg_iter(&m, &it);
	while (l2tp_msg_next(&it, 79, &v) == 0) {
		CU_ASSERT(sso_cur_get_u16(&v, &x) == 0 &&
		    sso_cur_get_u16(&v, &y) == 0 &&
		    sso_cur_get_u16(&v, &z) == 0 && v.len == 0);
		CU_ASSERT(n != 0 || (y == 1 && z == 2));
		CU_ASSERT(n != 1 || (y == 3 && z == 4));
		n++;
	}
	CU_ASSERT(n == 2);
	l2tp_build_free(&b);
}

/* an FSQ without a valid Failover Session State: counted, not fatal */
static void
test_fsq_malformed(void)
{
	static const uint8_t bad[5] = { 0 };
	struct l2tp_tunnel *t, *p;
	struct l2tp_build b;

	setup(1, 1);
	t = bring_up();
	p = l2tp_tunnel_next(S[1].ctx, NULL);
	CU_ASSERT_FATAL(l2tp_build_begin(&b, t->remote_tid, 0, L2TP_MSG_FSQ,
	    NULL, 0) == 0);
	CU_ASSERT(l2tp_build_avp_raw(&b, 79, 0, 0, bad, sizeof(bad)) == 0);
	CU_ASSERT(l2tp_ctrl_send(t, &b) == 0);
	pump();
	CU_ASSERT(l2tp_ctx_stats(S[1].ctx)->drops[L2TP_DROP_FAILOVER] == 1);
	CU_ASSERT(p->state == L2TP_TS_ESTABLISHED);
	CU_ASSERT(t->state == L2TP_TS_ESTABLISHED && t->ctrl.txq_len == 0);
	CU_ASSERT(S[0].tun_down == 0 && S[1].tun_down == 0);
	teardown();
}

/* ---- recovery end to end ---- */

struct snap {
	struct l2tp_tunnel_info ti;
	struct l2tp_ctrl_state st;
	struct l2tp_session_info si[8];
	int nsi;
};

static void
snapshot(struct l2tp_tunnel *p, struct snap *sn)
{
	struct l2tp_session *s;

	memset(sn, 0, sizeof(*sn));
	l2tp_tunnel_get_info(p, &sn->ti);
	l2tp_ctrl_export(p, &sn->st);
	for (s = l2tp_session_next(p, NULL); s && sn->nsi < 8;
	    s = l2tp_session_next(p, s))
		l2tp_session_get_info(s, &sn->si[sn->nsi++]);
}

/* the LNS dies; a fresh context rebuilt from the snapshot serves */
static struct l2tp_tunnel *
take_over(const struct snap *sn)
{
	struct l2tp_ctx *standby;
	struct l2tp_tunnel *nt;
	int i;

	standby = l2tp_ctx_create(loop, &fx_ops, (void *)(intptr_t)1);
	CU_ASSERT_FATAL(standby != NULL);
	l2tp_ctx_set_ack_delay(standby, 0);
	nt = l2tp_tunnel_restore(standby, &S[1].grp, &sn->ti);
	CU_ASSERT_FATAL(nt != NULL);
	for (i = 0; i < sn->nsi; i++)
		CU_ASSERT(l2tp_session_restore(nt, &sn->si[i]) != NULL);
	CU_ASSERT(l2tp_ctrl_import(nt, &sn->st) == 0);
	l2tp_ctx_destroy(S[1].ctx);
	S[1].ctx = standby;
	nwire = 0;		/* whatever was in flight died with it */
	return nt;
}

static void
test_recovery(void)
{
	struct l2tp_tunnel *t, *p, *nt;
	struct l2tp_session *a, *x, *y, *z;
	struct snap sn;
	uint16_t a_sid, x_sid, x_rsid, y_sid;

	setup(1, 1);
	t = bring_up();
	p = l2tp_tunnel_next(S[1].ctx, NULL);
	a = l2tp_session_open(t);
	x = l2tp_session_open(t);
	pump();
	CU_ASSERT_FATAL(a->state == L2TP_SS_ESTABLISHED &&
	    x->state == L2TP_SS_ESTABLISHED);
	a_sid = a->local_sid;
	x_sid = x->local_sid;
	x_rsid = x->remote_sid;
	snapshot(p, &sn);
	CU_ASSERT(sn.ti.failover_negotiated && sn.nsi == 2);
	/* after the last checkpoint: X cleared by the LAC (acked by the
	 * old active), two Hellos of the old active, a new call Y */
	CU_ASSERT(l2tp_session_clear(x, 0, 0, NULL) == 0);
	pump();
	l2tp_ctrl_hello_timeout(p);
	pump();
	l2tp_ctrl_hello_timeout(p);
	pump();
	y = l2tp_session_open(t);
	pump();
	CU_ASSERT_FATAL(y->state == L2TP_SS_ESTABLISHED);
	y_sid = y->local_sid;
	CU_ASSERT(t->nsessions == 2 && S[0].ses_down == 1);

	nt = take_over(&sn);
	CU_ASSERT(nt->nsessions == 2);
	CU_ASSERT(l2tp_tunnel_recover(nt) == 0);
	CU_ASSERT(nt->state == L2TP_TS_RESYNC);
	CU_ASSERT(l2tp_tunnel_recover(nt) == -1);	/* one at a time */
	pump();
	/* recovered: same tunnel, sequence numbers adopted */
	CU_ASSERT(nt->state == L2TP_TS_ESTABLISHED);
	CU_ASSERT(S[1].resynced == 1 && S[1].rec_failed == 0);
	CU_ASSERT(nt->ctrl.ns_next == t->ctrl.rcv_next);
	CU_ASSERT(nt->ctrl.rcv_next == t->ctrl.ns_next);
	CU_ASSERT(nt->ctrl.txq_len == 0 && t->ctrl.txq_len == 0);
	CU_ASSERT(find_sent(0, L2TP_MSG_SCCRQ) != NULL);	/* recovery */
	CU_ASSERT(find_sent(1, L2TP_MSG_STOPCCN) == NULL);	/* LAC: none */
	/* nothing torn down, no tunnel event for the recovery tunnel */
	CU_ASSERT(t->state == L2TP_TS_ESTABLISHED);
	CU_ASSERT(S[0].tun_up == 1 && S[0].tun_down == 0);
	CU_ASSERT(S[1].tun_down == 0);
	CU_ASSERT(t->fo_hold == 0 && t->fo_rec_tid == 0);
	/* sessions reconciled by FSQ/FSR, silently (no CDN) */
	CU_ASSERT(find_sent(1, L2TP_MSG_FSQ) != NULL);
	CU_ASSERT(find_sent(0, L2TP_MSG_FSQ) != NULL);
	CU_ASSERT(l2tp_session_find(S[1].ctx, nt->local_tid, x_rsid) == NULL);
	CU_ASSERT(nt->nsessions == 1 && t->nsessions == 1);
	CU_ASSERT(l2tp_session_find(S[0].ctx, t->local_tid, a_sid) != NULL);
	CU_ASSERT(l2tp_session_find(S[0].ctx, t->local_tid, y_sid) == NULL);
	CU_ASSERT(l2tp_session_find(S[0].ctx, t->local_tid, x_sid) == NULL);
	/* the channel works both ways afterwards */
	z = l2tp_session_open(t);
	pump();
	CU_ASSERT(z != NULL && z->state == L2TP_SS_ESTABLISHED);
	CU_ASSERT(l2tp_tunnel_hello(nt) == 0);
	pump();
	CU_ASSERT(nt->ctrl.txq_len == 0 && t->ctrl.txq_len == 0);
	CU_ASSERT(l2tp_ctx_stats(S[0].ctx)->drops[L2TP_DROP_FAILOVER] == 0);
	teardown();
}

/* the peer's unacked message at the failure is not lost */
static void
test_recovery_peer_unacked(void)
{
	struct l2tp_tunnel *t, *p, *nt;
	struct l2tp_session *s;
	struct snap sn;

	setup(1, 1);
	t = bring_up();
	p = l2tp_tunnel_next(S[1].ctx, NULL);
	snapshot(p, &sn);
	s = l2tp_session_open(t);	/* ICRQ lost with the active */
	ev_run(loop, EVRUN_NOWAIT);
	nt = take_over(&sn);
	CU_ASSERT(t->ctrl.txq_len == 1);
	/* the LAC's retransmissions wait while the peer recovers */
	CU_ASSERT(l2tp_tunnel_recover(nt) == 0);
	pump();
	CU_ASSERT(nt->state == L2TP_TS_ESTABLISHED);
	/* its ICRQ went again at once and the call came up */
	CU_ASSERT(s->state == L2TP_SS_ESTABLISHED);
	CU_ASSERT(nt->nsessions == 1 && t->ctrl.txq_len == 0);
	teardown();
}

/* a peer that did not advertise: no recovery tunnel, silent failover */
static void
test_silent_when_not_capable(void)
{
	struct l2tp_tunnel *t, *p, *nt;
	struct l2tp_session *s;
	struct snap sn;

	setup(0, 1);		/* the LAC (the peer) is not capable */
	t = bring_up();
	p = l2tp_tunnel_next(S[1].ctx, NULL);
	snapshot(p, &sn);
	CU_ASSERT(!sn.ti.failover_negotiated);
	nt = take_over(&sn);
	CU_ASSERT(l2tp_tunnel_recover(nt) == -1);
	CU_ASSERT(nt->state == L2TP_TS_ESTABLISHED && nt->fo_rec_tid == 0);
	CU_ASSERT(l2tp_tunnel_resync(nt, (uint16_t)(sn.st.ns_next - 1)) == 0);
	pump();
	CU_ASSERT(nt->state == L2TP_TS_ESTABLISHED && S[1].resynced == 1);
	/* nothing RFC 4951 went on the wire */
	CU_ASSERT(find_sent(0, L2TP_MSG_SCCRQ) == NULL);
	CU_ASSERT(find_sent(0, L2TP_MSG_FSQ) == NULL);
	CU_ASSERT(l2tp_tunnel_count(S[1].ctx) == 1);
	s = l2tp_session_open(t);
	pump();
	CU_ASSERT(s->state == L2TP_SS_ESTABLISHED);
	teardown();
}

/* the peer refuses the recovery: failure reported, old tunnel kept */
static void
test_recovery_refused(void)
{
	struct l2tp_tunnel *t, *p, *nt;
	struct snap sn;

	setup(1, 1);
	t = bring_up();
	p = l2tp_tunnel_next(S[1].ctx, NULL);
	snapshot(p, &sn);
	nt = take_over(&sn);
	t->grp.failover = 0;	/* the peer lost its capability meanwhile */
	CU_ASSERT(l2tp_tunnel_recover(nt) == 0);
	pump();
	CU_ASSERT(S[1].rec_failed == 1 && S[1].resynced == 0);
	CU_ASSERT(nt->state == L2TP_TS_RESYNC && nt->fo_rec_tid == 0);
	CU_ASSERT(l2tp_ctx_stats(S[0].ctx)->drops[L2TP_DROP_FAILOVER] == 1);
	CU_ASSERT(t->state == L2TP_TS_ESTABLISHED && t->fo_hold == 0);
	/* the host falls back to the silent probe */
	CU_ASSERT(l2tp_tunnel_resync(nt, (uint16_t)(sn.st.ns_next - 1)) == 0);
	pump();
	CU_ASSERT(nt->state == L2TP_TS_ESTABLISHED && S[1].resynced == 1);
	teardown();
}

/*
 * ISSU, L2TP checkpoint version 2: a LAC call whose LNS sent Sequencing
 * Required (RFC 2661 5.4) is restored on the new active with
 * seq_required, and keeps Ns/Nr on its data when the LNS's frames come
 * unsequenced; restored from a version 1 record (the default, false) it
 * follows the LNS's choice, as before version 2.
 */
static void
test_seq_required_restored(void)
{
	struct l2tp_tunnel_info ti;
	struct l2tp_session_info si, out;
	struct l2tp_tunnel *t;
	struct l2tp_session *x;
	/* data, no L, no S: tunnel 7, session 33, one PPP octet pair */
	uint8_t frame[] = { 0x00, 0x02, 0x00, 0x07, 0x00, 0x21, 0xff, 0x03 };

	for (int req = 0; req <= 1; req++) {
		setup(0, 0);
		memset(&ti, 0, sizeof(ti));
		ti.local_tid = 7;
		ti.remote_tid = 70;
		ti.initiator = 1;
		memcpy(&ti.peer, &S[1].addr, sizeof(S[1].addr));
		ti.peer_len = sizeof(S[1].addr);
		CU_ASSERT_FATAL((t = l2tp_tunnel_restore(S[0].ctx, &S[0].grp,
		    &ti)) != NULL);
		memset(&si, 0, sizeof(si));
		si.local_tid = 7;
		si.local_sid = 33;
		si.remote_sid = 330;
		si.state = L2TP_SS_ESTABLISHED;
		si.call = L2TP_CALL_LAC_IC;
		si.data_seq = 1;
		si.seq_required = req;
		CU_ASSERT_FATAL((x = l2tp_session_restore(t, &si)) != NULL);
		l2tp_session_get_info(x, &out);
		CU_ASSERT(out.data_seq == 1 && out.seq_required == req);
		(void)l2tp_input(S[0].ctx, frame, sizeof(frame),
		    (const struct sockaddr *)&S[1].addr, sizeof(S[1].addr));
		l2tp_session_get_info(x, &out);
		CU_ASSERT_EQUAL(out.rx_pkts, 1);
		CU_ASSERT_EQUAL(out.data_seq, req);
		teardown();
	}
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_4951", NULL, NULL);

	CU_add_test(s, "advertise_golden", test_advertise_golden);
	CU_add_test(s, "not_advertised_by_default",
	    test_not_advertised_by_default);
	CU_add_test(s, "fsq_golden", test_fsq_golden);
	CU_add_test(s, "avp_lengths", test_avp_lengths);
	CU_add_test(s, "fss_iter", test_fss_iter);
	CU_add_test(s, "fsq_malformed", test_fsq_malformed);
	CU_add_test(s, "recovery", test_recovery);
	CU_add_test(s, "recovery_peer_unacked", test_recovery_peer_unacked);
	CU_add_test(s, "silent_when_not_capable",
	    test_silent_when_not_capable);
	CU_add_test(s, "recovery_refused", test_recovery_refused);
	CU_add_test(s, "seq_required_restored", test_seq_required_restored);
}
