/*
 * test_l2tp_ckpt.c - the L2TP checkpoint client's message versions (ISSU,
 * issue 13; l2tp/svc/ha_msgver.c over core/msgver.c): a session record
 * v2 -> v1 -> v2 keeps every v1 field and comes back with version 2's
 * Sequencing Required at its documented default (false); a v1 reader
 * drops what v2 added; records whose form never changed are the same
 * bytes in both versions; the standby copy keeps seq_required from a v2
 * active and takes the default from a v1 one; the core's walk refuses
 * versions out of range and runs steps one version at a time.
 */
#include <errno.h>
#include <string.h>

#include "runner.h"
#include "ha_local.h"

static void
session_full(L2tpckpt__Session *m)
{
	*m = (L2tpckpt__Session)L2TPCKPT__SESSION__INIT;
	m->local_tid = 7;
	m->local_sid = 4242;
	m->remote_sid = 99;
	m->state = L2TP_SS_ESTABLISHED;
	m->call = L2TP_CALL_LAC_IC;
	m->call_serial = 123456;
	m->data_seq = 1;
	m->remote_tid = 17;
	m->seq_required = 1;
	m->has_local_tid = m->has_local_sid = m->has_remote_sid = 1;
	m->has_state = m->has_call = m->has_call_serial = 1;
	m->has_data_seq = m->has_remote_tid = m->has_seq_required = 1;
}

/* every v1 field of a and b equal */
static void
same_v1(const L2tpckpt__Session *a, const L2tpckpt__Session *b)
{
	CU_ASSERT_EQUAL(a->local_tid, b->local_tid);
	CU_ASSERT_EQUAL(a->local_sid, b->local_sid);
	CU_ASSERT_EQUAL(a->remote_sid, b->remote_sid);
	CU_ASSERT_EQUAL(a->state, b->state);
	CU_ASSERT_EQUAL(a->call, b->call);
	CU_ASSERT_EQUAL(a->call_serial, b->call_serial);
	CU_ASSERT_EQUAL(a->data_seq, b->data_seq);
	CU_ASSERT_EQUAL(a->remote_tid, b->remote_tid);
	CU_ASSERT_EQUAL(a->has_local_tid, b->has_local_tid);
	CU_ASSERT_EQUAL(a->has_data_seq, b->has_data_seq);
	CU_ASSERT_EQUAL(a->has_remote_tid, b->has_remote_tid);
}

static L2tpckpt__Session *
decode(uint32_t v, const uint8_t *buf, int n)
{
	return (L2tpckpt__Session *)ha_rec_decode(
	    &l2tpckpt__session__descriptor, R_SESSION, v, buf, (size_t)n);
}

static void
test_session_v2_v1_v2(void)
{
	L2tpckpt__Session m, orig, *d2, *d1, *back;
	uint8_t b2[256], b1[256], bb[256];
	int n2, n1, nb;

	session_full(&m);
	orig = m;
	n2 = ha_rec_encode(&m.base, R_SESSION, 2, b2, sizeof(b2));
	CU_ASSERT_FATAL(n2 > 0);
	CU_ASSERT_FATAL((d2 = decode(2, b2, n2)) != NULL);
	same_v1(d2, &orig);
	CU_ASSERT(d2->has_seq_required && d2->seq_required);
	/* to a v1 peer: v2's field left out, every v1 field kept */
	n1 = ha_rec_encode(&d2->base, R_SESSION, 1, b1, sizeof(b1));
	CU_ASSERT_FATAL(n1 > 0 && n1 < n2);
	CU_ASSERT_FATAL((d1 = decode(1, b1, n1)) != NULL);
	same_v1(d1, &orig);
	/* upgraded: the documented default, sequencing follows the peer */
	CU_ASSERT(d1->has_seq_required && !d1->seq_required);
	/* and back to v2: the same v1 fields, the v2 bytes of the default */
	nb = ha_rec_encode(&d1->base, R_SESSION, 2, bb, sizeof(bb));
	CU_ASSERT_FATAL(nb == n1 + 2);
	CU_ASSERT_FATAL((back = decode(2, bb, nb)) != NULL);
	same_v1(back, &orig);
	CU_ASSERT(back->has_seq_required && !back->seq_required);
	/* a v1 reader of v2 bytes: what v2 added is not taken */
	protobuf_c_message_free_unpacked(&d1->base, NULL);
	CU_ASSERT_FATAL((d1 = decode(1, b2, n2)) != NULL);
	same_v1(d1, &orig);
	CU_ASSERT(!d1->seq_required);
	protobuf_c_message_free_unpacked(&d1->base, NULL);
	protobuf_c_message_free_unpacked(&d2->base, NULL);
	protobuf_c_message_free_unpacked(&back->base, NULL);
}

/* a record whose form did not change: the same bytes in both versions */
static void
test_unchanged_types(void)
{
	L2tpckpt__Ref r = L2TPCKPT__REF__INIT;
	uint8_t b1[64], b2[64];
	int n1, n2;

	r.local_tid = 3;
	r.local_sid = 5;
	r.has_local_tid = r.has_local_sid = 1;
	n2 = ha_rec_encode(&r.base, R_SESSION_DEL, 2, b2, sizeof(b2));
	n1 = ha_rec_encode(&r.base, R_SESSION_DEL, 1, b1, sizeof(b1));
	CU_ASSERT_FATAL(n1 > 0 && n1 == n2);
	CU_ASSERT(memcmp(b1, b2, (size_t)n1) == 0);
	/* versions this code does not know */
	CU_ASSERT_EQUAL(ha_rec_encode(&r.base, R_SESSION_DEL, 0, b1,
	    sizeof(b1)), -1);
	CU_ASSERT_EQUAL(ha_rec_encode(&r.base, R_SESSION_DEL, 4, b1,
	    sizeof(b1)), -1);
	CU_ASSERT_PTR_NULL(ha_rec_decode(&l2tpckpt__ref__descriptor,
	    R_SESSION_DEL, 4, b1, (size_t)n1));
	CU_ASSERT_EQUAL(ha_rec_encode(&r.base, R_SESSION_DEL, 2, b1, 2), -1);
}

/* the standby copy: seq_required from a v2 active, default from a v1 */
/* the accounting records are version 2's: not said to a version 1 peer */
static void
test_acct_not_in_v1(void)
{
	L2tpckpt__AcctRec a = L2TPCKPT__ACCT_REC__INIT;
	L2tpckpt__DaeAnswer d = L2TPCKPT__DAE_ANSWER__INIT;
	uint8_t buf[256];

	a.id = 7;
	a.has_id = 1;
	CU_ASSERT(ha_rec_encode(&a.base, R_ACCT, 2, buf, sizeof(buf)) > 0);
	errno = 0;
	CU_ASSERT_EQUAL(ha_rec_encode(&a.base, R_ACCT, 1, buf, sizeof(buf)),
	    -1);
	CU_ASSERT_EQUAL(errno, EOPNOTSUPP);
	CU_ASSERT_EQUAL(ha_rec_encode(&a.base, R_ACCT_DONE, 1, buf,
	    sizeof(buf)), -1);
	CU_ASSERT_EQUAL(ha_rec_encode(&d.base, R_DAE_ANSWER, 1, buf,
	    sizeof(buf)), -1);
	CU_ASSERT(ha_rec_encode(&d.base, R_DAE_ANSWER, 2, buf, sizeof(buf))
	    >= 0);
}

/* tunnel 7 to 127.0.0.1:1701, group "g", its ctrl state c at 1/1/1 */
static void
tunnel_rec(L2tpckpt__Tunnel *t, L2tpckpt__Ctrl *c)
{
	static uint8_t addr[4] = { 127, 0, 0, 1 };

	*c = (L2tpckpt__Ctrl)L2TPCKPT__CTRL__INIT;
	*t = (L2tpckpt__Tunnel)L2TPCKPT__TUNNEL__INIT;
	c->ns_next = c->snd_una = c->rcv_next = 1;
	c->has_ns_next = c->has_snd_una = c->has_rcv_next = 1;
	t->local_tid = 7;
	t->remote_tid = 17;
	t->has_local_tid = t->has_remote_tid = 1;
	t->group = "g";
	t->peer_addr.data = addr;
	t->peer_addr.len = 4;
	t->has_peer_addr = 1;
	t->peer_port = 1701;
	t->has_peer_port = 1;
	t->ctrl = c;
}

static void
test_standby_copy(void)
{
	L2tpckpt__Tunnel t;
	L2tpckpt__Ctrl c;
	L2tpckpt__Session m;
	uint8_t buf[512];
	struct sb_tun *s;
	struct sb_sess *x;
	int n;

	tunnel_rec(&t, &c);
	for (uint32_t v = 1; v <= HA_MSG_NATIVE; v++) {
		ha_reset(NULL);
		n = ha_rec_encode(&t.base, R_TUNNEL, v, buf, sizeof(buf));
		CU_ASSERT_FATAL(ha_apply(NULL, v, R_TUNNEL, buf, (size_t)n) ==
		    0);
		session_full(&m);
		n = ha_rec_encode(&m.base, R_SESSION, v, buf, sizeof(buf));
		CU_ASSERT_FATAL(ha_apply(NULL, v, R_SESSION, buf, (size_t)n) ==
		    0);
		CU_ASSERT_FATAL((s = ha_sb_get(7)) != NULL);
		CU_ASSERT_FATAL((x = s->sessions) != NULL);
		CU_ASSERT_EQUAL(x->sid, 4242);
		CU_ASSERT_EQUAL(x->serial, 123456);
		CU_ASSERT_EQUAL(x->data_seq, 1);
		CU_ASSERT_EQUAL(x->seq_required, v >= 2);
	}
	ha_reset(NULL);
}

static struct sb_sess *
sb_find(struct sb_tun *s, uint16_t sid)
{
	struct sb_sess *x;

	for (x = s->sessions; x != NULL && x->sid != sid; x = x->next)
		;
	return x;
}

/*
 * Version 3: the sessions a control message or an Nr depends on inside its
 * record, applied before it; never said to an older peer (refused, not
 * dropped: the emitter sends them as records of their own there), and a
 * record without them the same bytes in versions 2 and 3.
 */
static void
test_merged_v3(void)
{
	L2tpckpt__Tunnel t;
	L2tpckpt__Ctrl c;
	L2tpckpt__TxMsg tx = L2TPCKPT__TX_MSG__INIT;
	L2tpckpt__Ref pr = L2TPCKPT__REF__INIT;
	L2tpckpt__Session a, b, *v[2] = { &a, &b };
	uint8_t msg[20] = { 0xc8, 0x02 };
	uint8_t buf[1024], b2[1024];
	struct sb_tun *s;
	struct sb_sess *x;
	int n, n2;

	ha_reset(NULL);
	tunnel_rec(&t, &c);
	n = ha_rec_encode(&t.base, R_TUNNEL, 3, buf, sizeof(buf));
	CU_ASSERT_FATAL(ha_apply(NULL, 3, R_TUNNEL, buf, (size_t)n) == 0);
	/* an ICRP answering an ICRQ: the new call inside the message */
	session_full(&a);
	session_full(&b);
	b.local_sid = 4243;
	b.state = L2TP_SS_WAIT_CONNECT;
	c.ns_next = 2;
	c.rcv_next = 2;
	tx.local_tid = 7;
	tx.ns = 1;
	tx.msg.data = msg;
	tx.msg.len = sizeof(msg);
	tx.has_local_tid = tx.has_ns = tx.has_msg = 1;
	tx.ctrl = &c;
	tx.sessions = v;
	tx.n_sessions = 2;
	n = ha_rec_encode(&tx.base, R_TXMSG, 3, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0);
	/* not to a version 2 peer, and not read by one */
	errno = 0;
	CU_ASSERT_EQUAL(ha_rec_encode(&tx.base, R_TXMSG, 2, b2, sizeof(b2)),
	    -1);
	CU_ASSERT_EQUAL(errno, EOPNOTSUPP);
	CU_ASSERT_PTR_NULL(ha_rec_decode(&l2tpckpt__tx_msg__descriptor,
	    R_TXMSG, 2, buf, (size_t)n));
	CU_ASSERT_EQUAL(ha_apply(NULL, 2, R_TXMSG, buf, (size_t)n), -1);
	CU_ASSERT_FATAL((s = ha_sb_get(7)) != NULL);
	CU_ASSERT_PTR_NULL(s->sessions);	/* nothing of it applied */
	CU_ASSERT_EQUAL(ha_apply(NULL, 3, R_TXMSG, buf, (size_t)n), 0);
	CU_ASSERT_FATAL((x = sb_find(s, 4242)) != NULL);
	CU_ASSERT_EQUAL(x->state, L2TP_SS_ESTABLISHED);
	CU_ASSERT_EQUAL(x->remote_sid, 99);
	CU_ASSERT_FATAL((x = sb_find(s, 4243)) != NULL);
	CU_ASSERT_EQUAL(x->state, L2TP_SS_WAIT_CONNECT);
	CU_ASSERT_EQUAL(s->nsess, 2);
	CU_ASSERT_EQUAL(s->cs.rcv_next, 2);
	CU_ASSERT_FATAL(s->txq != NULL);
	CU_ASSERT_EQUAL(s->txq->ns, 1);
	/* without sessions: the bytes of version 2 */
	tx.n_sessions = 0;
	n = ha_rec_encode(&tx.base, R_TXMSG, 3, buf, sizeof(buf));
	n2 = ha_rec_encode(&tx.base, R_TXMSG, 2, b2, sizeof(b2));
	CU_ASSERT_FATAL(n > 0 && n == n2);
	CU_ASSERT(memcmp(buf, b2, (size_t)n) == 0);
	/* the ICCN's effect inside the progress record with its Nr */
	b.state = L2TP_SS_ESTABLISHED;
	c.rcv_next = 3;
	pr.local_tid = 7;
	pr.has_local_tid = 1;
	pr.ctrl = &c;
	pr.sessions = &v[1];
	pr.n_sessions = 1;
	n = ha_rec_encode(&pr.base, R_PROGRESS, 3, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(ha_rec_encode(&pr.base, R_PROGRESS, 2, b2,
	    sizeof(b2)), -1);
	CU_ASSERT_EQUAL(ha_apply(NULL, 3, R_PROGRESS, buf, (size_t)n), 0);
	CU_ASSERT_EQUAL(sb_find(s, 4243)->state, L2TP_SS_ESTABLISHED);
	CU_ASSERT_EQUAL(s->nsess_est, 2);
	CU_ASSERT_EQUAL(s->cs.rcv_next, 3);
	/* sessions only in a progress record; a bad one refuses it */
	n = ha_rec_encode(&pr.base, R_SESSION_DEL, 3, buf, sizeof(buf));
	CU_ASSERT_EQUAL(ha_apply(NULL, 3, R_SESSION_DEL, buf, (size_t)n), -1);
	b.local_sid = 0;
	c.rcv_next = 4;
	n = ha_rec_encode(&pr.base, R_PROGRESS, 3, buf, sizeof(buf));
	CU_ASSERT_EQUAL(ha_apply(NULL, 3, R_PROGRESS, buf, (size_t)n), -1);
	CU_ASSERT_EQUAL(s->cs.rcv_next, 3);
	CU_ASSERT_EQUAL(s->nsess, 2);
	ha_reset(NULL);
}

/* the core's walk alone: one version at a time, in both directions */
static int log_n;
static uint32_t walk_log[8];

static int st_down3(void *r) { (void)r; walk_log[log_n++] = 30; return 0; }
static int st_up3(void *r) { (void)r; walk_log[log_n++] = 3; return 0; }
static int st_down2(void *r) { (void)r; walk_log[log_n++] = 20; return 0; }
static int st_up2(void *r) { (void)r; walk_log[log_n++] = 2; return 0; }
static int st_refuse(void *r) { (void)r; return -1; }

static void
test_core_walk(void)
{
	static const struct sso_msgver_step steps[] = {
		{ 1, 3, st_down3, st_up3 },
		{ SSO_MSGVER_ANY, 2, st_down2, st_up2 },
		{ 9, 2, st_refuse, NULL },
	};
	static const struct sso_msgver mv = { 3, steps, 3 };

	log_n = 0;
	CU_ASSERT_EQUAL(sso_msgver_down(&mv, 1, 1, NULL), 0);
	CU_ASSERT_EQUAL(log_n, 2);
	CU_ASSERT(walk_log[0] == 30 && walk_log[1] == 20);
	log_n = 0;
	/* up from 1: normalized to 1 first, then 2 and 3 added */
	CU_ASSERT_EQUAL(sso_msgver_up(&mv, 1, 1, NULL), 0);
	CU_ASSERT_EQUAL(log_n, 4);
	CU_ASSERT(walk_log[2] == 2 && walk_log[3] == 3);
	log_n = 0;
	CU_ASSERT_EQUAL(sso_msgver_down(&mv, 5, 2, NULL), 0);
	CU_ASSERT_EQUAL(log_n, 0);	/* type 5 has no v3 step */
	CU_ASSERT_EQUAL(sso_msgver_down(&mv, 9, 1, NULL), -1);
	CU_ASSERT_EQUAL(sso_msgver_down(&mv, 1, 0, NULL), -1);
	CU_ASSERT_EQUAL(sso_msgver_up(&mv, 1, 4, NULL), -1);
	CU_ASSERT_EQUAL(sso_msgver_target(&mv, 0), 1);
	CU_ASSERT_EQUAL(sso_msgver_target(&mv, 2), 2);
	CU_ASSERT_EQUAL(sso_msgver_target(&mv, 7), 3);
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_ckpt", NULL, NULL);

	ha_standby_init();
	CU_add_test(s, "session_v2_v1_v2", test_session_v2_v1_v2);
	CU_add_test(s, "unchanged_types", test_unchanged_types);
	CU_add_test(s, "acct_not_in_v1", test_acct_not_in_v1);
	CU_add_test(s, "standby_copy", test_standby_copy);
	CU_add_test(s, "merged_v3", test_merged_v3);
	CU_add_test(s, "core_walk", test_core_walk);
}
