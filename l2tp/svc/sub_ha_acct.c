/*
 * sub_ha_acct.c - the accounting records and the Disconnect/CoA answers
 * of the subscriber SSO (README "Accounting and Disconnect/CoA across a
 * switchover"), three record types of the L2TP checkpoint client:
 *  - R_ACCT: an accounting record about to be sent, SYNC: the queue
 *    (sub_acctq.c) sends it only once the standby has it; the standby
 *    keeps a copy in its own queue, which a new active sends again;
 *  - R_ACCT_DONE: the server answered it (ASYNC): the copy goes;
 *  - R_DAE_ANSWER: a Disconnect/CoA answer about to be sent, SYNC:
 *    librad holds it until the standby has it (sub_dae.c keeps the
 *    copies for the new active's duplicate cache).
 * A new standby gets every record not answered and the last answers at
 * the start of its bulk. Called by sub_ha.c only (which hands in the
 * hook that updates its subscriber copies): no call circle.
 */
#include <stdlib.h>
#include <string.h>

#include "ha_local.h"
#include "sub_local.h"

static struct sub_ha_acct_stats st;
static void (*seen)(uint16_t, uint16_t, const struct rad_acct_rec *);

static void bulk_dae(const struct rad_dae_answer *);

static int
emit_acct(const struct acctq_rec *r, void (*done)(void *), void *arg)
{
	L2tpckpt__AcctRec m = L2TPCKPT__ACCT_REC__INIT;
	struct sso_wbuf b;
	int rc;

	sso_wbuf_init(&b, 0);
	if (rad_acct_rec_encode(&r->rec, &b) == -1) {
		sso_wbuf_free(&b);
		return -1;
	}
	m.id = r->id;
	m.local_tid = r->tid;
	m.local_sid = r->sid;
	m.rec.data = b.buf;
	m.rec.len = b.len;
	m.has_id = m.has_local_tid = m.has_local_sid = m.has_rec = 1;
	rc = ha_emit(&m.base, R_ACCT, done, arg);
	sso_wbuf_free(&b);
	return rc;
}

static void
acct_ckpt_done(void *arg)
{
	uint64_t id = *(uint64_t *)arg;

	free(arg);
	sub_acctq_ckpt_done(id);
}

/* the queue's checkpoint: 1 while the standby does not have it yet */
static int
q_ckpt(struct acctq_rec *r)
{
	uint64_t *id = malloc(sizeof(*id));
	int rc;

	if (id == NULL)
		return 0;
	*id = r->id;
	if ((rc = emit_acct(r, acct_ckpt_done, id)) != 1)
		free(id);
	if (rc == -1)
		sso_log_rl(&svc_rl, SSO_ERR, SUB_FAC, "ACCT_CKPT", "accounting "
		    "record of session %s not checkpointed: sent anyway",
		    r->rec.session_id);
	return rc == 1;
}

static void
q_done(const struct acctq_rec *r)
{
	L2tpckpt__AcctRec m = L2TPCKPT__ACCT_REC__INIT;

	m.id = r->id;
	m.has_id = 1;
	(void)ha_emit(&m.base, R_ACCT_DONE, NULL, NULL);
}

static int
apply_acct(uint32_t type, const ProtobufCMessage *pm)
{
	const L2tpckpt__AcctRec *m = (const L2tpckpt__AcctRec *)pm;
	struct rad_acct_rec rec;
	struct sso_cur c;

	if (!m->has_id || !m->has_rec || m->local_tid > 0xffff ||
	    m->local_sid > 0xffff)
		goto bad;
	sso_cur_init(&c, m->rec.data, m->rec.len);
	if (rad_acct_rec_decode(&rec, &c) == -1 || c.len != 0 ||
	    sub_acctq_copy(m->id, (uint16_t)m->local_tid,
	    (uint16_t)m->local_sid, &rec) == -1)
		goto bad;
	st.acct_copies++;
	/* the subscriber's copy: what has been made for it */
	if (seen != NULL)
		seen((uint16_t)m->local_tid, (uint16_t)m->local_sid, &rec);
	return 0;
bad:
	st.apply_errors++;
	return -1;
}

static int
apply_acct_done(uint32_t type, const ProtobufCMessage *pm)
{
	const L2tpckpt__AcctRec *m = (const L2tpckpt__AcctRec *)pm;

	if (!m->has_id)
		return -1;
	sub_acctq_copy_done(m->id);
	st.acct_done++;
	return 0;
}

/* the bulk: every record not answered yet */
static int
prod_acct(void)
{
	struct acctq_rec *r;

	for (r = sub_acctq_next(NULL); r != NULL; r = sub_acctq_next(r))
		if (r->state != AQ_COPY)
			(void)emit_acct(r, NULL, NULL);
	/* and the last Disconnect/CoA answers (the duplicate cache) */
	sub_dae_copies_foreach(bulk_dae);
	return 0;
}

static int emit_dae(const struct rad_dae_answer *, void (*)(void *),
    void *);

static void
bulk_dae(const struct rad_dae_answer *a)
{
	(void)emit_dae(a, NULL, NULL);
}

static void
dae_done(void *arg)
{
	struct rad_dae_answer *a = arg;

	sub_dae_release(a);
	free(a);
}

static int
emit_dae(const struct rad_dae_answer *a, void (*done)(void *), void *arg)
{
	L2tpckpt__DaeAnswer m = L2TPCKPT__DAE_ANSWER__INIT;
	struct sso_wbuf b;
	int rc;

	sso_wbuf_init(&b, 0);
	if (rad_dae_answer_encode(a, &b) == -1) {
		sso_wbuf_free(&b);
		return -1;
	}
	m.answer.data = b.buf;
	m.answer.len = b.len;
	m.has_answer = 1;
	rc = ha_emit(&m.base, R_DAE_ANSWER, done, arg);
	sso_wbuf_free(&b);
	return rc;
}

/* librad's hook: 1 holds the answer until the standby has it */
static int
dae_ckpt(const struct rad_dae_answer *a)
{
	struct rad_dae_answer *copy;

	if ((copy = malloc(sizeof(*copy))) == NULL)
		return 0;
	*copy = *a;
	if (emit_dae(a, dae_done, copy) != 1) {
		free(copy);
		return 0;
	}
	st.dae_waits++;
	return 1;
}

static int
apply_dae(uint32_t type, const ProtobufCMessage *pm)
{
	const L2tpckpt__DaeAnswer *m = (const L2tpckpt__DaeAnswer *)pm;
	struct rad_dae_answer a;
	struct sso_cur c;

	if (!m->has_answer)
		goto bad;
	sso_cur_init(&c, m->answer.data, m->answer.len);
	if (rad_dae_answer_decode(&a, &c) == -1 || c.len != 0)
		goto bad;
	sub_dae_copy(&a);
	st.dae_copies++;
	return 0;
bad:
	st.apply_errors++;
	return -1;
}

static const struct ha_rec recs[] = {
	{ R_ACCT, "accounting record", &l2tpckpt__acct_rec__descriptor,
	    apply_acct },
	{ R_ACCT_DONE, "accounting record answered",
	    &l2tpckpt__acct_rec__descriptor, apply_acct_done },
	{ R_DAE_ANSWER, "dynamic-authorization answer",
	    &l2tpckpt__dae_answer__descriptor, apply_dae },
};
static const struct ha_producer producer = { "accounting", NULL, prod_acct };
static const struct acctq_ops q_ops = { .ckpt = q_ckpt, .done = q_done };

void
sub_ha_acct_register(void (*fn)(uint16_t, uint16_t,
    const struct rad_acct_rec *))
{
	size_t i;

	seen = fn;
	for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
		if (ha_rec_register(&recs[i]) == -1)
			sso_fatal("subscriber: checkpoint record type %u "
			    "registered twice", recs[i].type);
	(void)ha_producer_register(&producer);
	sub_acctq_set_ops(&q_ops);
	sub_dae_set_ckpt(dae_ckpt);
}

void
sub_ha_acct_stats(struct sub_ha_acct_stats *out)
{
	*out = st;
}
