/*
 * test_cf.c - the checkpoint facility of two units in one process
 * (pair.h): ordered delivery through loss, duplication and reordering,
 * partial and full resync, SYNC completion (APPLIED, TIMEOUT, PEER_DOWN,
 * NO_STANDBY), waits on the stream, back-pressure, version negotiation. Every case looks at
 * both units.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "runner.h"
#include "pair.h"
#include "metrics.h"

#define MS	PAIR_SETTLE_MS

static struct sso_cf_stats
stats(int i)
{
	struct sso_cf_stats s;

	sso_unit_enter(T[i].u);
	sso_cf_get_stats(&s);
	return s;
}

/* ---- loss, duplication, reordering */

static unsigned nrec_frames;

static enum pair_verdict
lossy(int to, enum sso_link l, const Sso__Frame *f)
{
	if (to != 1 || l != SSO_LINK_CF ||
	    f->type != SSO__FRAME_TYPE__FT_RECORDS)
		return PAIR_PASS;
	nrec_frames++;
	if (nrec_frames % 7 == 3)
		return PAIR_DROP;
	if (nrec_frames % 5 == 1)
		return PAIR_DUP;
	if (nrec_frames % 4 == 2)
		return PAIR_HOLD;
	return PAIR_PASS;
}

/* the active has put n records on the wire (first sends and resends) */
static int
sent_at_least(void *arg)
{
	return stats(0).records_tx >= (uint64_t)(uintptr_t)arg;
}

static void
test_records_lossy(void)
{
	struct sso_cf_stats a, s;
	unsigned i;
	uint64_t tx;

	pair_setup(1, 1, 1, 1);
	pair_settle(10);
	nrec_frames = 0;
	pair_filter = lossy;
	for (i = 0; i < 200; i++) {
		tx = stats(0).records_tx;
		CU_ASSERT_EQUAL(pair_send(0, 5000 + i, SSO_SEND_ASYNC, NULL,
		    NULL), 0);
		/* each on the wire before the next is made: a frame per
		 * record, or per resend (a held send waits for the ack of
		 * the frame in flight, or CF_HOLD_MS after a loss) */
		CU_ASSERT(pair_run(sent_at_least, (void *)(uintptr_t)(tx + 1),
		    MS));
	}
	CU_ASSERT(pair_run(pair_synced, NULL, MS));
	pair_filter = NULL;
	CU_ASSERT(nrec_frames > 20);
	CU_ASSERT_EQUAL(T[1].nval, 210);
	CU_ASSERT_EQUAL(T[1].val[209], 5199);
	CU_ASSERT_EQUAL(T[1].apply_errors, 0);
	a = stats(0);
	s = stats(1);
	CU_ASSERT(s.gaps > 0 || s.dup_records > 0);
	CU_ASSERT_EQUAL(a.full_resyncs, 0);
	CU_ASSERT_EQUAL(pair_state(1), SSO_RF_STANDBY_HOT);
	CU_ASSERT_EQUAL(pair_state(0), SSO_RF_ACTIVE);
	pair_teardown();
}

/* ---- resync after a break of the checkpoint link */

static void
test_partial_resync(void)
{
	unsigned i, resets;

	pair_setup(1, 1, 1, 1);
	pair_settle(20);
	resets = T[1].resets;
	pair_cut[SSO_LINK_CF] = 1;
	for (i = 0; i < 30; i++)
		CU_ASSERT_EQUAL(pair_send(0, 9000 + i, SSO_SEND_ASYNC, NULL,
		    NULL), 0);
	pair_run_for(200);
	CU_ASSERT_EQUAL(T[1].nval, 20);		/* nothing got through */
	pair_cut[SSO_LINK_CF] = 0;
	pair_cf_reconnect();
	CU_ASSERT(pair_run(pair_synced, NULL, MS));
	CU_ASSERT_EQUAL(stats(0).partial_resyncs, 1);	/* from the backlog */
	CU_ASSERT_EQUAL(stats(0).full_resyncs, 0);
	CU_ASSERT_EQUAL(T[1].resets, resets);		/* no re-bulk */
	CU_ASSERT_EQUAL(T[0].bulks, 1);
	CU_ASSERT_EQUAL(T[1].val[49], 9029);
	CU_ASSERT_EQUAL(pair_state(1), SSO_RF_STANDBY_HOT);
	pair_teardown();
}

static void
test_full_resync(void)
{
	unsigned i, resets;
	uint64_t end;
	int rc;

	pair_setup(1, 1, 1, 1);
	pair_settle(20);
	resets = T[1].resets;
	T[0].u->conf.backlog = 10;
	pair_cut[SSO_LINK_CF] = 1;
	for (i = 0; i < 10; i++)
		CU_ASSERT_EQUAL(pair_send(0, 100 + i, SSO_SEND_ASYNC, NULL,
		    NULL), 0);
	/* the backlog is full: back-pressure while the standby may still
	 * ack; once acks have not moved for the stall time (and before the
	 * retransmission restarts that clock) the backlog gives up */
	CU_ASSERT_EQUAL(pair_send(0, 200, SSO_SEND_ASYNC, NULL, NULL), -1);
	end = sso_now_ms() + 4000;
	while ((rc = pair_send(0, 200, SSO_SEND_ASYNC, NULL, NULL)) == -1 &&
	    sso_now_ms() < end) {
		struct timespec ms = { 0, 1000000 };

		nanosleep(&ms, NULL);	/* poll the window, do not spin */
		pair_step();
	}
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(stats(0).overflows, 1);
	CU_ASSERT_EQUAL(T[1].nval, 20);
	pair_cut[SSO_LINK_CF] = 0;
	pair_cf_reconnect();
	CU_ASSERT(pair_run(pair_synced, NULL, MS));
	CU_ASSERT(pair_run(pair_both_settled, NULL, MS));
	CU_ASSERT_EQUAL(stats(0).full_resyncs, 1);	/* gap not covered */
	CU_ASSERT_EQUAL(stats(0).partial_resyncs, 0);
	CU_ASSERT_EQUAL(T[0].bulks, 2);
	CU_ASSERT_EQUAL(T[1].resets, resets + 1);
	CU_ASSERT_EQUAL(T[1].nval, 31);
	CU_ASSERT_EQUAL(T[1].val[30], 200);
	pair_teardown();
}

/* ---- SYNC sends */

struct done {
	int		 calls;
	enum sso_cf_status st;
	int		 standby_had_it;
	unsigned	 idx;
};

static void
on_done(void *arg, enum sso_cf_status st)
{
	struct done *d = arg;

	d->calls++;
	d->st = st;
	d->standby_had_it = T[1].u && !T[1].dead && T[1].nval > d->idx &&
	    T[1].val[d->idx] == 4711;
}

static int
done_called(void *arg)
{
	return ((struct done *)arg)->calls > 0;
}

static enum pair_verdict
no_records(int to, enum sso_link l, const Sso__Frame *f)
{
	(void)l;
	return to == 1 && f->type == SSO__FRAME_TYPE__FT_RECORDS ?
	    PAIR_DROP : PAIR_PASS;
}

static void
test_sync_applied(void)
{
	struct done d = { .idx = 5 };

	pair_setup(1, 1, 1, 1);
	pair_settle(5);
	CU_ASSERT_EQUAL(pair_send(0, 4711, SSO_SEND_SYNC, on_done, &d), 0);
	CU_ASSERT_EQUAL(d.calls, 0);
	CU_ASSERT(pair_run(done_called, &d, MS));
	CU_ASSERT_EQUAL(d.calls, 1);
	CU_ASSERT_EQUAL(d.st, SSO_CF_APPLIED);
	CU_ASSERT(d.standby_had_it);	/* applied before the answer */
	CU_ASSERT_EQUAL(T[1].applied >= 6, 1);
	pair_run_for(100);
	CU_ASSERT_EQUAL(d.calls, 1);	/* exactly once */
	pair_teardown();
}

/*
 * Group commit: SYNC records made in one loop iteration travel in one
 * frame, and one cumulative ack releases every waiter (issue 14).
 */
static unsigned gc_records_frames, gc_records, gc_acks_to_active;
static unsigned gc_done, gc_done_ack[64];

static enum pair_verdict
gc_count(int to, enum sso_link l, const Sso__Frame *f)
{
	if (l != SSO_LINK_CF)
		return PAIR_PASS;
	if (to == 1 && f->type == SSO__FRAME_TYPE__FT_RECORDS) {
		gc_records_frames++;
		gc_records += (unsigned)f->n_records;
	}
	if (to == 0 && f->type == SSO__FRAME_TYPE__FT_ACK)
		gc_acks_to_active++;
	return PAIR_PASS;
}

static void
gc_on_done(void *arg, enum sso_cf_status st)
{
	CU_ASSERT_EQUAL(st, SSO_CF_APPLIED);
	if (gc_done < 64)
		gc_done_ack[gc_done] = gc_acks_to_active;
	gc_done++;
	(void)arg;
}

static int
gc_all_done(void *arg)
{
	return gc_done == (unsigned)(uintptr_t)arg;
}

static void
test_sync_group_commit(void)
{
	unsigned i, n = 50;

	pair_setup(1, 1, 1, 1);
	pair_settle(5);
	gc_records_frames = gc_records = gc_acks_to_active = gc_done = 0;
	pair_filter = gc_count;
	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL(pair_send(0, 100 + i, SSO_SEND_SYNC,
		    gc_on_done, NULL), 0);
	CU_ASSERT_EQUAL(gc_done, 0);
	CU_ASSERT(pair_run(gc_all_done, (void *)(uintptr_t)n, MS));
	CU_ASSERT_EQUAL(gc_records_frames, 1);	/* one frame ... */
	CU_ASSERT_EQUAL(gc_records, n);		/* ... with all of them */
	for (i = 1; i < n; i++)			/* one ack released all */
		CU_ASSERT_EQUAL(gc_done_ack[i], gc_done_ack[0]);
	CU_ASSERT(gc_done_ack[0] >= 1);
	CU_ASSERT(pair_synced(NULL));
	pair_filter = NULL;
	pair_teardown();
}

/*
 * ... clocked by the acks: while a frame is in flight, the records made in
 * later iterations wait for its ack and then leave together; an ack that
 * never comes (the first one is lost here) holds them CF_HOLD_MS at most.
 */
static unsigned gc_drop_acks;

static enum pair_verdict
gc_clock(int to, enum sso_link l, const Sso__Frame *f)
{
	if (gc_drop_acks && l == SSO_LINK_CF && to == 0 &&
	    f->type == SSO__FRAME_TYPE__FT_ACK) {
		gc_drop_acks--;
		return PAIR_DROP;
	}
	return gc_count(to, l, f);
}

static void
test_sync_ack_clocked(void)
{
	unsigned i, n = 10, base;
	uint64_t tx, held;

	pair_setup(1, 1, 1, 1);
	pair_settle(5);
	base = T[1].nval;
	gc_records_frames = gc_records = gc_acks_to_active = gc_done = 0;
	gc_drop_acks = 1;
	pair_filter = gc_clock;
	tx = stats(0).records_tx;
	CU_ASSERT_EQUAL(pair_send(0, 300, SSO_SEND_SYNC, gc_on_done, NULL),
	    0);
	CU_ASSERT(pair_run(sent_at_least, (void *)(uintptr_t)(tx + 1), MS));
	held = stats(0).flush_held;
	for (i = 1; i < n; i++) {
		CU_ASSERT_EQUAL(pair_send(0, 300 + i, SSO_SEND_SYNC,
		    gc_on_done, NULL), 0);
		pair_step();		/* each made in an iteration of its own */
	}
	CU_ASSERT(stats(0).flush_held > held);	/* waiting for the ack */
	CU_ASSERT(pair_run(gc_all_done, (void *)(uintptr_t)n, MS));
	CU_ASSERT_EQUAL(gc_drop_acks, 0);
	CU_ASSERT(gc_records_frames < n);	/* not a frame each */
	CU_ASSERT_EQUAL(gc_records, n);
	CU_ASSERT_EQUAL(T[1].nval, base + n);
	for (i = 0; i < n && base + i < TC_MAX; i++)
		CU_ASSERT_EQUAL(T[1].val[base + i], 300 + i);
	CU_ASSERT_EQUAL(stats(0).retransmits, 0);
	CU_ASSERT(pair_synced(NULL));
	pair_filter = NULL;
	pair_teardown();
}

static void
test_sync_timeout(void)
{
	struct done d = { .idx = 3 };

	pair_setup(1, 1, 1, 1);
	pair_settle(3);
	pair_filter = no_records;
	CU_ASSERT_EQUAL(pair_send(0, 4711, SSO_SEND_SYNC, on_done, &d), 0);
	CU_ASSERT(pair_run(done_called, &d, MS));
	CU_ASSERT_EQUAL(d.st, SSO_CF_TIMEOUT);
	CU_ASSERT_FALSE(d.standby_had_it);
	CU_ASSERT_EQUAL(stats(0).sync_timeouts, 1);
	/* the record stays queued: it arrives once the link carries it */
	pair_filter = NULL;
	CU_ASSERT(pair_run(pair_synced, NULL, MS));
	CU_ASSERT_EQUAL(T[1].val[3], 4711);
	CU_ASSERT_EQUAL(d.calls, 1);
	pair_teardown();
}

static void
test_sync_peer_down(void)
{
	struct done d = { .idx = 3 };

	pair_setup(1, 1, 1, 1);
	pair_settle(3);
	T[0].u->conf.sync_deadline = 60000;
	pair_filter = no_records;
	CU_ASSERT_EQUAL(pair_send(0, 4711, SSO_SEND_SYNC, on_done, &d), 0);
	pair_run_for(100);
	CU_ASSERT_EQUAL(d.calls, 0);
	pair_kill(1);
	CU_ASSERT(pair_run(done_called, &d, MS));
	CU_ASSERT_EQUAL(d.st, SSO_CF_PEER_DOWN);
	CU_ASSERT_FALSE(T[0].u->rf.peer_up);
	CU_ASSERT_EQUAL(pair_state(0), SSO_RF_ACTIVE);
	/* the standby comes back and gets the object by bulk */
	pair_filter = NULL;
	pair_restart(1);
	CU_ASSERT(pair_run(pair_both_settled, NULL, MS));
	CU_ASSERT(pair_run(pair_synced, NULL, MS));
	CU_ASSERT_EQUAL(T[1].val[3], 4711);
	CU_ASSERT_EQUAL(d.calls, 1);
	pair_teardown();
}

static void
test_sync_no_standby(void)
{
	struct done d = { .idx = 0 };

	pair_setup(1, 1, 1, 1);
	pair_start(0);
	CU_ASSERT_FATAL(pair_run(pair_is_active, (void *)0, MS));
	CU_ASSERT_EQUAL(pair_send(0, 4711, SSO_SEND_SYNC, on_done, &d), 0);
	CU_ASSERT_EQUAL(d.calls, 1);	/* at once */
	CU_ASSERT_EQUAL(d.st, SSO_CF_NO_STANDBY);
	CU_ASSERT_EQUAL(pair_state(1), SSO_RF_INITIALIZATION);
	/* the standby that comes later gets it by bulk */
	pair_start(1);
	CU_ASSERT(pair_run(pair_both_settled, NULL, MS));
	CU_ASSERT(pair_run(pair_synced, NULL, MS));
	CU_ASSERT_EQUAL(T[1].val[0], 4711);
	pair_teardown();
}

/*
 * A wait on the stream (sso_cf_wait): no record of its own, released by
 * the ack that covers everything queued before it.
 */
static void
wait_in(int i)
{
	sso_unit_enter(T[i].u);
}

static void
test_stream_wait(void)
{
	struct done d = { .idx = 7 }, now = { .idx = 0 };
	uint64_t sent;
	unsigned i;

	pair_setup(1, 1, 1, 1);
	pair_settle(5);
	for (i = 0; i < 3; i++)		/* ASYNC: objects 5, 6, 7 */
		CU_ASSERT_EQUAL(pair_send(0, 4711, SSO_SEND_ASYNC, NULL,
		    NULL), 0);
	sent = stats(0).last_seq;
	wait_in(0);
	CU_ASSERT_EQUAL(sso_cf_wait(T[0].cl, on_done, &d, 0), 0);
	CU_ASSERT_EQUAL(d.calls, 0);
	CU_ASSERT_EQUAL(stats(0).last_seq, sent);	/* no record */
	CU_ASSERT(pair_run(done_called, &d, MS));
	CU_ASSERT_EQUAL(d.st, SSO_CF_APPLIED);
	CU_ASSERT(d.standby_had_it);	/* the last one before the answer */
	CU_ASSERT_EQUAL(stats(0).waits, 1);
	/* nothing unacked: at once */
	wait_in(0);
	CU_ASSERT_EQUAL(sso_cf_wait(T[0].cl, on_done, &now, 0), 0);
	CU_ASSERT_EQUAL(now.calls, 1);
	CU_ASSERT_EQUAL(now.st, SSO_CF_APPLIED);
	CU_ASSERT_EQUAL(stats(0).waits_now, 1);
	pair_run_for(100);
	CU_ASSERT_EQUAL(d.calls, 1);	/* exactly once */
	/* a standby cannot wait */
	wait_in(1);
	CU_ASSERT_EQUAL(sso_cf_wait(T[1].cl, on_done, &now, 0), -1);
	CU_ASSERT_EQUAL(errno, EPERM);
	pair_teardown();
}

static void
test_stream_wait_fail(void)
{
	struct done t = { .idx = 0 }, down = { .idx = 0 }, none = { .idx = 0 };

	pair_setup(1, 1, 1, 1);
	pair_settle(3);
	pair_filter = no_records;
	CU_ASSERT_EQUAL(pair_send(0, 4711, SSO_SEND_ASYNC, NULL, NULL), 0);
	wait_in(0);
	CU_ASSERT_EQUAL(sso_cf_wait(T[0].cl, on_done, &t, 0), 0);
	CU_ASSERT(pair_run(done_called, &t, MS));
	CU_ASSERT_EQUAL(t.st, SSO_CF_TIMEOUT);
	CU_ASSERT_EQUAL(stats(0).sync_timeouts, 1);
	T[0].u->conf.sync_deadline = 60000;
	wait_in(0);
	CU_ASSERT_EQUAL(sso_cf_wait(T[0].cl, on_done, &down, 0), 0);
	pair_run_for(50);
	CU_ASSERT_EQUAL(down.calls, 0);
	pair_kill(1);
	CU_ASSERT(pair_run(done_called, &down, MS));
	CU_ASSERT_EQUAL(down.st, SSO_CF_PEER_DOWN);
	CU_ASSERT_EQUAL(down.calls, 1);
	/* no standby: at once */
	wait_in(0);
	CU_ASSERT_EQUAL(sso_cf_wait(T[0].cl, on_done, &none, 0), 0);
	CU_ASSERT_EQUAL(none.calls, 1);
	CU_ASSERT_EQUAL(none.st, SSO_CF_NO_STANDBY);
	pair_filter = NULL;
	pair_teardown();
}

/* ---- back-pressure */

static int
flowed(void *arg)
{
	(void)arg;
	return T[0].flow_on > 0 && pair_synced(NULL);
}

static void
test_backpressure(void)
{
	unsigned i, ok = 0, again = 0;

	pair_setup(1, 1, 1, 1);
	pair_settle(0);
	T[0].u->conf.backlog = 8;
	for (i = 0; i < 20; i++) {
		errno = 0;
		if (pair_send(0, 300 + i, SSO_SEND_ASYNC, NULL, NULL) == 0)
			ok++;
		else {
			CU_ASSERT_EQUAL(errno, EAGAIN);
			again++;
		}
	}
	CU_ASSERT_EQUAL(ok, 8);
	CU_ASSERT_EQUAL(again, 12);
	CU_ASSERT_EQUAL(stats(0).eagain, 12);
	CU_ASSERT_EQUAL(T[0].flow_on, 0);
	CU_ASSERT(pair_run(flowed, NULL, MS));
	CU_ASSERT_EQUAL(T[0].flow_on, 1);	/* once for the blocked client */
	CU_ASSERT_EQUAL(T[1].nval, 8);
	CU_ASSERT_EQUAL(pair_send(0, 999, SSO_SEND_ASYNC, NULL, NULL), 0);
	CU_ASSERT(pair_run(pair_synced, NULL, MS));
	CU_ASSERT_EQUAL(T[1].val[8], 999);
	CU_ASSERT_EQUAL(pair_state(1), SSO_RF_STANDBY_HOT);
	pair_teardown();
}

/* ---- version negotiation */

static void
test_version_common(void)
{
	pair_setup(1, 3, 2, 5);
	pair_settle(4);
	CU_ASSERT_EQUAL(sso_cf_version(T[0].cl), 3);
	CU_ASSERT_EQUAL(sso_cf_version(T[1].cl), 3);
	CU_ASSERT_EQUAL(T[1].nval, 4);
	pair_teardown();
}

static void
test_version_none(void)
{
	pair_setup(1, 1, 2, 2);
	pair_start_both();
	CU_ASSERT_FATAL(pair_run(pair_is_active, (void *)0, MS));
	CU_ASSERT_EQUAL(pair_send(0, 1, SSO_SEND_ASYNC, NULL, NULL), 0);
	pair_run_for(1500);
	CU_ASSERT_EQUAL(pair_state(0), SSO_RF_ACTIVE);
	CU_ASSERT(SSO_RF_IS_STANDBY(pair_state(1)));
	CU_ASSERT_NOT_EQUAL(pair_state(1), SSO_RF_STANDBY_HOT);
	CU_ASSERT_PTR_NOT_NULL(strstr(T[0].u->rf.not_hot_reason,
	    "no common message version"));
	CU_ASSERT_FALSE(sso_cf_streaming(T[0].cl));
	CU_ASSERT_EQUAL(T[1].nval, 0);
	CU_ASSERT_EQUAL(sso_cf_version(T[0].cl), 0);
	pair_teardown();
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("cf", NULL, NULL);

	CU_add_test(s, "records_lossy", test_records_lossy);
	CU_add_test(s, "partial_resync", test_partial_resync);
	CU_add_test(s, "full_resync", test_full_resync);
	CU_add_test(s, "sync_applied", test_sync_applied);
	CU_add_test(s, "sync_group_commit", test_sync_group_commit);
	CU_add_test(s, "sync_ack_clocked", test_sync_ack_clocked);
	CU_add_test(s, "sync_timeout", test_sync_timeout);
	CU_add_test(s, "sync_peer_down", test_sync_peer_down);
	CU_add_test(s, "sync_no_standby", test_sync_no_standby);
	CU_add_test(s, "stream_wait", test_stream_wait);
	CU_add_test(s, "stream_wait_fail", test_stream_wait_fail);
	CU_add_test(s, "backpressure", test_backpressure);
	CU_add_test(s, "version_common", test_version_common);
	CU_add_test(s, "version_none", test_version_none);
}
