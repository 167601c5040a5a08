/*
 * sub_acctq.c - the unit's accounting queue (subscriber SSO rule 2):
 * every accounting record (Start, Interim-Update, Stop, Accounting-On/Off)
 * is an object with an identity (Acct-Session-Id, Acct-Status-Type,
 * sequence) and a queue id, and lives here from the moment it is made
 * until the server answers it:
 *
 *   made -> CKPT (SYNC checkpoint to the standby under way)
 *        -> FLIGHT (rad_acct_send: retransmits, failover, in librad)
 *        -> answered: a "done" record (ASYNC) to the standby, freed;
 *        -> not answered by any server: HELD; a probe every
 *           ACCTQ_PROBE_S seconds sends the oldest held record again,
 *           and once one is answered every held record goes again.
 *
 * The standby keeps a COPY of each record until its "done" arrives. A new
 * active sends every copy again (sub_acctq_takeover): the Acct-Delay-Time
 * of each transmission is the time since the record's event (librad
 * derives it from event_time), so a resent record says how late it is.
 * One record per identity: a second one with the same identity is not
 * queued (counted as duplicates), which is what keeps a Start or a Stop
 * from being made twice when a restored session and a copy meet.
 *
 * Bound (README "Accounting across a switchover"): ACCTQ_MAX records;
 * above it Interim-Updates are refused (the next one and the Stop carry
 * the same totals), Start/Stop/On/Off are queued up to ACCTQ_HARD, above
 * which they are refused too; every refusal is counted and logged, never
 * silent. Held records are never dropped.
 *
 * The queue knows neither the checkpoint channel nor the RADIUS client:
 * sub_ha.c and sub_acct.c plug them in through struct acctq_ops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sub_local.h"

TAILQ_HEAD(acctq_list, acctq_rec);

static struct {
	struct acctq_list list;
	struct dp_map	 by_id;		/* (uint32_t)id -> rec */
	struct acctq_ops ops;
	struct ev_loop	*loop;
	ev_timer	 t_probe;
	uint64_t	 next_id;
	unsigned	 n[AQ_MAX];
	unsigned	 total;
	unsigned	 max;		/* ACCTQ_MAX; hard bound twice it */
	struct acctq_stats st;
	int		 init;
} q;

const char *const acctq_state_names[AQ_MAX] = {
	[AQ_CKPT] = "checkpoint", [AQ_FLIGHT] = "in-flight",
	[AQ_HELD] = "held", [AQ_COPY] = "standby-copy",
};

static void
set_state(struct acctq_rec *r, enum acctq_state s)
{
	q.n[r->state]--;
	r->state = s;
	q.n[s]++;
}

void
sub_acctq_set_ops(const struct acctq_ops *o)
{
	if (o->ckpt != NULL)
		q.ops.ckpt = o->ckpt;
	if (o->done != NULL)
		q.ops.done = o->done;
	if (o->send != NULL)
		q.ops.send = o->send;
	if (o->cancel != NULL)
		q.ops.cancel = o->cancel;
}

static void probe_cb(struct ev_loop *, ev_timer *, int);

void
sub_acctq_init(struct ev_loop *loop)
{
	if (!q.init) {
		TAILQ_INIT(&q.list);
		if (dp_map_init(&q.by_id, 256) == -1)
			sso_fatal("out of memory");
		q.max = ACCTQ_MAX;
		q.init = 1;
	}
	if (q.loop != NULL)
		ev_timer_stop(q.loop, &q.t_probe);
	q.loop = loop;
	ev_timer_init(&q.t_probe, probe_cb, ACCTQ_PROBE_S, ACCTQ_PROBE_S);
	if (loop != NULL)
		ev_timer_start(loop, &q.t_probe);
}

static struct acctq_rec *
rec_new(uint64_t id, uint16_t tid, uint16_t sid,
    const struct rad_acct_rec *rec, enum acctq_state s)
{
	struct acctq_rec *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->id = id;
	r->tid = tid;
	r->sid = sid;
	r->rec = *rec;
	r->state = s;
	if (dp_map_insert(&q.by_id, (uint32_t)id, r) == -1) {
		free(r);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&q.list, r, entry);
	q.n[s]++;
	q.total++;
	if (q.total > q.st.peak)
		q.st.peak = q.total;
	return r;
}

static void
rec_free(struct acctq_rec *r)
{
	if (r->state == AQ_FLIGHT && r->req != NULL && q.ops.cancel != NULL)
		q.ops.cancel(r);
	(void)dp_map_remove(&q.by_id, (uint32_t)r->id);
	TAILQ_REMOVE(&q.list, r, entry);
	q.n[r->state]--;
	q.total--;
	explicit_bzero(r, sizeof(*r));
	free(r);
}

struct acctq_rec *
sub_acctq_find(const char *session_id, uint8_t status, uint32_t seq)
{
	struct acctq_rec *r;

	TAILQ_FOREACH(r, &q.list, entry)
		if (r->rec.status == status && r->rec.seq == seq &&
		    strcmp(r->rec.session_id, session_id) == 0)
			return r;
	return NULL;
}

struct acctq_rec *
sub_acctq_by_id(uint64_t id)
{
	struct acctq_rec *r = dp_map_lookup(&q.by_id, (uint32_t)id);

	return r != NULL && r->id == id ? r : NULL;
}

/* to the server: FLIGHT, or HELD when it cannot go now */
static void
launch(struct acctq_rec *r)
{
	if (r->state != AQ_FLIGHT)
		set_state(r, AQ_FLIGHT);
	r->sends++;
	if (r->sends > 1)
		q.st.resent++;
	if (q.ops.send == NULL || q.ops.send(r) == -1) {
		r->req = NULL;
		set_state(r, AQ_HELD);
	}
}

static int
refuse(const struct rad_acct_rec *rec, const char *why)
{
	q.st.refused++;
	sso_log_rl(&svc_rl, SSO_ERR, SUB_FAC, "ACCT_REFUSED", "accounting "
	    "record (session %s, status %u) not queued: %s", rec->session_id,
	    rec->status, why);
	return -1;
}

int
sub_acctq_add(uint16_t tid, uint16_t sid, const struct rad_acct_rec *rec)
{
	struct acctq_rec *r;

	if (!q.init)
		sub_acctq_init(NULL);
	if (sub_acctq_find(rec->session_id, rec->status, rec->seq) != NULL) {
		q.st.duplicates++;
		return 1;
	}
	if (q.total >= q.max && rec->status == RAD_ACCT_INTERIM) {
		q.st.refused_interims++;
		return refuse(rec, "queue full (Interim-Update)");
	}
	if (q.total >= 2 * q.max)
		return refuse(rec, "queue full");
	if ((r = rec_new(++q.next_id, tid, sid, rec, AQ_CKPT)) == NULL)
		return refuse(rec, "out of memory");
	q.st.made++;
	/* rule 2: on the standby before the server can see it */
	if (q.ops.ckpt != NULL && q.ops.ckpt(r) == 1)
		return 0;
	launch(r);
	return 0;
}

void
sub_acctq_ckpt_done(uint64_t id)
{
	struct acctq_rec *r = sub_acctq_by_id(id);

	if (r != NULL && r->state == AQ_CKPT)
		launch(r);
}

static void
release_held(void)
{
	struct acctq_rec *r, *next;

	for (r = TAILQ_FIRST(&q.list); r != NULL; r = next) {
		next = TAILQ_NEXT(r, entry);
		if (r->state == AQ_HELD)
			launch(r);
	}
}

void
sub_acctq_answer(struct acctq_rec *r, int ok)
{
	r->req = NULL;
	if (!ok) {
		/* every server was tried: held, probed, never dropped */
		q.st.held_events++;
		set_state(r, AQ_HELD);
		return;
	}
	q.st.answered++;
	if (q.ops.done != NULL)
		q.ops.done(r);
	rec_free(r);
	if (q.n[AQ_HELD] > 0)
		release_held();	/* a server answers again */
}

/* one held record at a time while nothing is in flight */
void
sub_acctq_probe(void)
{
	struct acctq_rec *r;

	if (q.n[AQ_HELD] == 0 || q.n[AQ_FLIGHT] > 0)
		return;
	TAILQ_FOREACH(r, &q.list, entry)
		if (r->state == AQ_HELD) {
			q.st.probes++;
			launch(r);
			return;
		}
}

static void
probe_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	sub_acctq_probe();
}

/* ---- standby ---- */

int
sub_acctq_copy(uint64_t id, uint16_t tid, uint16_t sid,
    const struct rad_acct_rec *rec)
{
	if (!q.init)
		sub_acctq_init(NULL);
	if (id == 0 || sub_acctq_by_id(id) != NULL ||
	    dp_map_lookup(&q.by_id, (uint32_t)id) != NULL ||
	    q.total >= 2 * q.max)
		return -1;
	if (rec_new(id, tid, sid, rec, AQ_COPY) == NULL)
		return -1;
	if (id > q.next_id)
		q.next_id = id;
	return 0;
}

void
sub_acctq_copy_done(uint64_t id)
{
	struct acctq_rec *r = sub_acctq_by_id(id);

	if (r != NULL && r->state == AQ_COPY)
		rec_free(r);
}

/* a new active: every record the old one did not see answered goes again */
unsigned
sub_acctq_takeover(void)
{
	struct acctq_rec *r, *next;
	unsigned n = 0;

	for (r = TAILQ_FIRST(&q.list); r != NULL; r = next) {
		next = TAILQ_NEXT(r, entry);
		if (r->state != AQ_COPY)
			continue;
		r->sends = 1;	/* the old active sent it, or was about to */
		q.st.taken_over++;
		n++;
		launch(r);
	}
	return n;
}

/* a standby's re-bulk follows: everything goes (a record still live
 * here from a time this unit was active is a copy on the active now) */
void
sub_acctq_reset(void)
{
	sub_acctq_clear();
}

void
sub_acctq_clear(void)
{
	if (!q.init)
		return;
	while (!TAILQ_EMPTY(&q.list))
		rec_free(TAILQ_FIRST(&q.list));
}

struct acctq_rec *
sub_acctq_next(struct acctq_rec *r)
{
	if (!q.init)
		return NULL;
	return r == NULL ? TAILQ_FIRST(&q.list) : TAILQ_NEXT(r, entry);
}

/* the unit tests' smaller bound (0: ACCTQ_MAX) */
/* records being checkpointed or waiting for the server's answer (held
 * ones, with no server answering, do not count: nothing to wait for) */
int
sub_acctq_busy(void)
{
	return q.n[AQ_CKPT] + q.n[AQ_FLIGHT] > 0;
}

void
sub_acctq_set_limit(unsigned max)
{
	if (!q.init)
		sub_acctq_init(NULL);
	q.max = max ? max : ACCTQ_MAX;
}

void
sub_acctq_stats(struct acctq_stats *st)
{
	unsigned i;

	*st = q.st;
	st->max = q.max;
	for (i = 0; i < AQ_MAX; i++)
		st->n[i] = q.n[i];
	st->total = q.total;
}
