/*
 * test_sub_acctq.c - the accounting queue (l2tp/svc/sub_acctq.c) driven
 * through fake checkpoint and RADIUS ops: a record's identity (a second
 * one is not queued), checkpoint before send, "done" on the answer, held
 * and probed when no server answers, the standby's copies resent by a new
 * active with Acct-Delay-Time grown by the time since the record's event,
 * and the bound (Interim-Updates refused first, counted, never silent).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "sub_local.h"

static struct {
	int		 ckpt_hold;	/* the fake standby answers later */
	int		 send_fail;
	unsigned	 ckpts, sends, dones, cancels;
	uint64_t	 last_ckpt, last_done;
	struct acctq_rec *last_sent;
	struct rad_avlist wire;		/* attributes as last sent */
} f;

static int
f_ckpt(struct acctq_rec *r)
{
	f.ckpts++;
	f.last_ckpt = r->id;
	return f.ckpt_hold;
}

static void
f_done(const struct acctq_rec *r)
{
	f.dones++;
	f.last_done = r->id;
}

/* as librad sends it: the attributes with Acct-Delay-Time for now */
static int
f_send(struct acctq_rec *r)
{
	if (f.send_fail)
		return -1;
	f.sends++;
	f.last_sent = r;
	r->req = r;
	CU_ASSERT_EQUAL(rad_acct_rec_attrs(&r->rec, sso_wall_ms() / 1000,
	    &f.wire), 0);
	return 0;
}

static void
f_cancel(struct acctq_rec *r)
{
	f.cancels++;
}

static const struct acctq_ops ops = { f_ckpt, f_done, f_send, f_cancel };

static void
reset(void)
{
	sub_acctq_clear();
	memset(&f, 0, sizeof(f));
	sub_acctq_set_ops(&ops);
	sub_acctq_set_limit(0);
}

static void
mk(struct rad_acct_rec *r, const char *sid, uint8_t status, uint32_t seq,
    uint64_t t)
{
	CU_ASSERT_EQUAL_FATAL(rad_acct_rec_init(r, sid, status, seq, t), 0);
	CU_ASSERT_EQUAL(rad_av_put_str(&r->attrs, RAD_USER_NAME, "alice"), 0);
}

static uint32_t
delay_of(const struct rad_avlist *l)
{
	struct rad_iter it;
	struct sso_cur v;
	uint8_t type;
	uint32_t d = UINT32_MAX;

	rad_iter_init(&it, l->buf, l->len);
	while (rad_iter_next(&it, &type, &v) == 1)
		if (type == RAD_ACCT_DELAY_TIME)
			CU_ASSERT_EQUAL(sso_cur_get_u32(&v, &d), 0);
	return d;
}

/* one record per identity; on the standby before it is sent */
static void
test_identity(void)
{
	struct rad_acct_rec r;
	struct acctq_stats st;
	struct acctq_rec *q;

	reset();
	f.ckpt_hold = 1;
	mk(&r, "S1", RAD_ACCT_START, 0, sso_wall_ms() / 1000);
	CU_ASSERT_EQUAL(sub_acctq_add(1, 2, &r), 0);
	CU_ASSERT_EQUAL(f.ckpts, 1);
	CU_ASSERT_EQUAL(f.sends, 0);	/* not before the standby has it */
	q = sub_acctq_find("S1", RAD_ACCT_START, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	CU_ASSERT_EQUAL(q->state, AQ_CKPT);
	CU_ASSERT_EQUAL(q->tid, 1);
	CU_ASSERT_EQUAL(q->sid, 2);
	/* the same identity again (a restored session meeting a copy) */
	CU_ASSERT_EQUAL(sub_acctq_add(1, 2, &r), 1);
	CU_ASSERT_EQUAL(f.ckpts, 1);
	/* another sequence is another record */
	mk(&r, "S1", RAD_ACCT_INTERIM, 1, sso_wall_ms() / 1000);
	CU_ASSERT_EQUAL(sub_acctq_add(1, 2, &r), 0);
	sub_acctq_ckpt_done(q->id);
	CU_ASSERT_EQUAL(f.sends, 1);
	CU_ASSERT_EQUAL(q->state, AQ_FLIGHT);
	CU_ASSERT_EQUAL(delay_of(&f.wire), 0);
	/* answered: "done" to the standby, gone */
	sub_acctq_answer(q, 1);
	CU_ASSERT_EQUAL(f.dones, 1);
	CU_ASSERT_PTR_NULL(sub_acctq_find("S1", RAD_ACCT_START, 0));
	sub_acctq_stats(&st);
	CU_ASSERT_EQUAL(st.duplicates, 1);
	CU_ASSERT_EQUAL(st.made, 2);
	CU_ASSERT_EQUAL(st.answered, 1);
	CU_ASSERT_EQUAL(st.n[AQ_CKPT], 1);
	CU_ASSERT_EQUAL(st.total, 1);
	/* no standby: sent at once */
	f.ckpt_hold = 0;
	mk(&r, "S2", RAD_ACCT_START, 0, sso_wall_ms() / 1000);
	CU_ASSERT_EQUAL(sub_acctq_add(3, 4, &r), 0);
	CU_ASSERT_EQUAL(f.sends, 2);
	reset();
}

/* no server answers: held, probed one at a time, never dropped; once
 * one is answered the others go again */
static void
test_held_probe(void)
{
	struct rad_acct_rec r;
	struct acctq_rec *a, *b;
	struct acctq_stats st;

	reset();
	mk(&r, "H1", RAD_ACCT_START, 0, sso_wall_ms() / 1000);
	CU_ASSERT_EQUAL(sub_acctq_add(1, 1, &r), 0);
	mk(&r, "H2", RAD_ACCT_START, 0, sso_wall_ms() / 1000);
	CU_ASSERT_EQUAL(sub_acctq_add(1, 2, &r), 0);
	a = sub_acctq_find("H1", RAD_ACCT_START, 0);
	b = sub_acctq_find("H2", RAD_ACCT_START, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	sub_acctq_answer(a, 0);
	sub_acctq_answer(b, 0);
	CU_ASSERT_EQUAL(a->state, AQ_HELD);
	CU_ASSERT_EQUAL(b->state, AQ_HELD);
	sub_acctq_probe();
	CU_ASSERT_EQUAL(f.sends, 3);
	CU_ASSERT_EQUAL(a->state, AQ_FLIGHT);
	CU_ASSERT_EQUAL(b->state, AQ_HELD);
	sub_acctq_probe();		/* one in flight: no second probe */
	CU_ASSERT_EQUAL(f.sends, 3);
	sub_acctq_answer(a, 1);		/* the server is back */
	CU_ASSERT_EQUAL(f.sends, 4);
	CU_ASSERT_EQUAL(b->state, AQ_FLIGHT);
	/* a send that cannot start (no group) is held too */
	f.send_fail = 1;
	mk(&r, "H3", RAD_ACCT_STOP, UINT32_MAX, sso_wall_ms() / 1000);
	CU_ASSERT_EQUAL(sub_acctq_add(1, 3, &r), 0);
	CU_ASSERT_EQUAL(sub_acctq_find("H3", RAD_ACCT_STOP, UINT32_MAX)->state,
	    AQ_HELD);
	sub_acctq_stats(&st);
	CU_ASSERT_EQUAL(st.held_events, 2);
	CU_ASSERT_EQUAL(st.probes, 1);
	CU_ASSERT_EQUAL(st.n[AQ_HELD], 1);
	CU_ASSERT_EQUAL(st.resent, 2);
	reset();
}

/* the standby's copies: a new active sends each again, later, with
 * Acct-Delay-Time from the record's event; a "done" copy is gone */
static void
test_takeover_resend(void)
{
	struct rad_acct_rec r, d;
	struct sso_wbuf b;
	struct sso_cur c;
	struct acctq_stats st;
	struct acctq_rec *q;
	uint64_t now = sso_wall_ms() / 1000;

	reset();
	/* what the standby received: encoded as the active checkpoints it */
	mk(&r, "T1", RAD_ACCT_START, 0, now - 30);
	sso_wbuf_init(&b, 0);
	CU_ASSERT_EQUAL_FATAL(rad_acct_rec_encode(&r, &b), 0);
	sso_cur_init(&c, b.buf, b.len);
	CU_ASSERT_EQUAL_FATAL(rad_acct_rec_decode(&d, &c), 0);
	CU_ASSERT_EQUAL(sub_acctq_copy(7, 1, 2, &d), 0);
	CU_ASSERT_EQUAL(sub_acctq_copy(7, 1, 2, &d), -1);	/* same id */
	mk(&r, "T1", RAD_ACCT_STOP, UINT32_MAX, now - 5);
	CU_ASSERT_EQUAL(sub_acctq_copy(8, 1, 2, &r), 0);
	mk(&r, "T2", RAD_ACCT_START, 0, now);
	CU_ASSERT_EQUAL(sub_acctq_copy(9, 1, 3, &r), 0);
	sub_acctq_copy_done(9);		/* answered before the kill */
	CU_ASSERT_PTR_NULL(sub_acctq_find("T2", RAD_ACCT_START, 0));
	CU_ASSERT_EQUAL(f.sends, 0);	/* the standby sends nothing */
	CU_ASSERT_EQUAL(sub_acctq_takeover(), 2);
	CU_ASSERT_EQUAL(f.sends, 2);
	CU_ASSERT(delay_of(&f.wire) >= 5);	/* the Stop, sent last */
	q = sub_acctq_find("T1", RAD_ACCT_START, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	CU_ASSERT_EQUAL(q->state, AQ_FLIGHT);
	CU_ASSERT_EQUAL(rad_acct_rec_attrs(&q->rec, now, &f.wire), 0);
	CU_ASSERT(delay_of(&f.wire) >= 30);
	/* the restored session's own Start meets the copy: not again */
	mk(&r, "T1", RAD_ACCT_START, 0, now);
	CU_ASSERT_EQUAL(sub_acctq_add(1, 2, &r), 1);
	/* new ids continue past the old active's */
	mk(&r, "T1", RAD_ACCT_INTERIM, 1, now);
	CU_ASSERT_EQUAL(sub_acctq_add(1, 2, &r), 0);
	CU_ASSERT(sub_acctq_find("T1", RAD_ACCT_INTERIM, 1)->id > 9);
	sub_acctq_answer(q, 1);
	CU_ASSERT_EQUAL(f.last_done, 7);
	sub_acctq_stats(&st);
	CU_ASSERT_EQUAL(st.taken_over, 2);
	CU_ASSERT_EQUAL(st.n[AQ_COPY], 0);
	/* a standby's re-bulk: everything goes, the active has it all */
	mk(&r, "T3", RAD_ACCT_START, 0, now);
	CU_ASSERT_EQUAL(sub_acctq_copy(20, 1, 4, &r), 0);
	sub_acctq_reset();
	CU_ASSERT_PTR_NULL(sub_acctq_find("T3", RAD_ACCT_START, 0));
	CU_ASSERT_PTR_NULL(sub_acctq_find("T1", RAD_ACCT_INTERIM, 1));
	CU_ASSERT_EQUAL(f.cancels, 2);	/* the Stop and Interim in flight */
	sso_wbuf_free(&b);
	reset();
}

/* the bound: Interim-Updates refused first, then everything; counted */
static void
test_bound(void)
{
	struct rad_acct_rec r;
	struct acctq_stats st;
	char sid[16];
	unsigned i;

	reset();
	f.send_fail = 1;	/* every server dead: all held */
	sub_acctq_set_limit(4);
	for (i = 0; i < 4; i++) {
		snprintf(sid, sizeof(sid), "B%u", i);
		mk(&r, sid, RAD_ACCT_INTERIM, 1, 1);
		CU_ASSERT_EQUAL(sub_acctq_add(1, (uint16_t)i, &r), 0);
	}
	mk(&r, "B9", RAD_ACCT_INTERIM, 1, 1);
	CU_ASSERT_EQUAL(sub_acctq_add(1, 9, &r), -1);
	for (i = 0; i < 4; i++) {
		snprintf(sid, sizeof(sid), "B%u", i);
		mk(&r, sid, RAD_ACCT_STOP, UINT32_MAX, 1);
		CU_ASSERT_EQUAL(sub_acctq_add(1, (uint16_t)i, &r), 0);
	}
	mk(&r, "B9", RAD_ACCT_STOP, UINT32_MAX, 1);
	CU_ASSERT_EQUAL(sub_acctq_add(1, 9, &r), -1);
	sub_acctq_stats(&st);
	CU_ASSERT_EQUAL(st.total, 8);
	CU_ASSERT_EQUAL(st.n[AQ_HELD], 8);
	CU_ASSERT_EQUAL(st.refused, 2);
	CU_ASSERT_EQUAL(st.refused_interims, 1);
	CU_ASSERT_EQUAL(st.peak, 8);
	CU_ASSERT_EQUAL(st.max, 4);
	/* a standby copy beyond the hard bound is an apply error */
	CU_ASSERT_EQUAL(sub_acctq_copy(100, 1, 1, &r), -1);
	reset();
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("sub_acctq", NULL, NULL);

	sso_log_init("test_sub_acctq", 1);
	sso_log_set_level(SSO_CRIT);
	sub_acctq_init(NULL);
	CU_add_test(s, "identity", test_identity);
	CU_add_test(s, "held_probe", test_held_probe);
	CU_add_test(s, "takeover_resend", test_takeover_resend);
	CU_add_test(s, "bound", test_bound);
}
