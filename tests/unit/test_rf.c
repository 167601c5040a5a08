/*
 * test_rf.c - the redundancy facility of two units in one process
 * (pair.h): negotiation, progression to STANDBY HOT, switchover on peer
 * loss, manual switchover (handover), restart of a unit. Every case looks
 * at both units.
 */
#include <string.h>

#include "runner.h"
#include "pair.h"

#define SETTLE_MS	PAIR_SETTLE_MS

/* both started at once: the preferred (lower) unit is active */
static void
test_negotiation_preferred(void)
{
	pair_setup(1, 1, 1, 1);
	pair_settle(0);
	CU_ASSERT_EQUAL(pair_state(0), SSO_RF_ACTIVE);
	CU_ASSERT_EQUAL(pair_state(1), SSO_RF_STANDBY_HOT);
	CU_ASSERT(T[0].u->rf.peer_up);
	CU_ASSERT(T[1].u->rf.peer_up);
	CU_ASSERT_EQUAL(T[0].u->rf.peer_state, SSO_RF_STANDBY_HOT);
	CU_ASSERT_EQUAL(T[1].u->rf.peer_state, SSO_RF_ACTIVE);
	CU_ASSERT_EQUAL(T[0].u->rf.epoch, T[1].u->rf.epoch);
	CU_ASSERT_EQUAL(T[1].u->rf.peer_boot_id, T[0].u->rf.boot_id);
	CU_ASSERT(T[0].ev[SSO_EV_PEER_UP] >= 1);
	CU_ASSERT(T[1].ev[SSO_EV_PEER_UP] >= 1);
	pair_teardown();
}

/* unit 1 configured preferred wins although it is the higher unit */
static void
test_negotiation_configured(void)
{
	pair_setup(1, 1, 1, 1);
	T[0].u->conf.preferred = 1;
	T[1].u->conf.preferred = 1;
	pair_start_both();
	CU_ASSERT_FATAL(pair_run(pair_both_settled, NULL, SETTLE_MS));
	CU_ASSERT_EQUAL(pair_state(1), SSO_RF_ACTIVE);
	CU_ASSERT_EQUAL(pair_state(0), SSO_RF_STANDBY_HOT);
	pair_teardown();
}

/* alone: active (simplex) after the negotiation timeout; the peer that
 * comes later becomes its standby */
static void
test_negotiation_simplex(void)
{
	uint32_t epoch;

	pair_setup(1, 1, 1, 1);
	pair_start(1);
	CU_ASSERT_FATAL(pair_run(pair_is_active, (void *)1, SETTLE_MS));
	CU_ASSERT_FALSE(T[1].u->rf.peer_up);
	CU_ASSERT_EQUAL(pair_state(0), SSO_RF_INITIALIZATION);
	epoch = T[1].u->rf.epoch;
	pair_start(0);
	CU_ASSERT_FATAL(pair_run(pair_both_settled, NULL, SETTLE_MS));
	CU_ASSERT_EQUAL(pair_state(1), SSO_RF_ACTIVE);	/* no preemption */
	CU_ASSERT_EQUAL(pair_state(0), SSO_RF_STANDBY_HOT);
	CU_ASSERT_EQUAL(T[1].u->rf.epoch, epoch);
	CU_ASSERT_EQUAL(T[0].u->rf.epoch, epoch);
	pair_teardown();
}

/* a client with state: the standby reaches HOT only with all of it */
static void
test_progression_hot(void)
{
	pair_setup(1, 1, 1, 1);
	pair_settle(700);
	CU_ASSERT_EQUAL(T[0].bulks, 1);
	CU_ASSERT_EQUAL(T[1].nval, 700);
	CU_ASSERT_EQUAL(memcmp(T[0].val, T[1].val, 700 * sizeof(uint32_t)), 0);
	CU_ASSERT_EQUAL(T[1].apply_errors, 0);
	CU_ASSERT(sso_cf_streaming(T[0].cl));
	CU_ASSERT_EQUAL(sso_cf_version(T[0].cl), 1);
	CU_ASSERT_EQUAL(sso_cf_version(T[1].cl), 1);
	CU_ASSERT_STRING_EQUAL(T[0].u->rf.not_hot_reason, "");
	pair_teardown();
}

/* the active dies: the standby takes over with the next epoch and the
 * checkpointed state; the restarted unit becomes the new standby */
static void
test_switchover_peer_down(void)
{
	uint32_t epoch;
	unsigned i;

	pair_setup(1, 1, 1, 1);
	pair_settle(50);
	for (i = 0; i < 10; i++)
		CU_ASSERT_EQUAL(pair_send(0, 7000 + i, SSO_SEND_ASYNC, NULL,
		    NULL), 0);
	epoch = T[0].u->rf.epoch;
	CU_ASSERT_FATAL(pair_run(pair_synced, NULL, SETTLE_MS));
	pair_kill(0);
	CU_ASSERT_FATAL(pair_run(pair_is_active, (void *)1, SETTLE_MS));
	CU_ASSERT_EQUAL(T[1].u->rf.epoch, epoch + 1);
	CU_ASSERT_EQUAL(T[1].u->rf.switchovers, 1);
	CU_ASSERT_FALSE(T[1].u->rf.peer_up);
	CU_ASSERT(T[1].ev[SSO_EV_PEER_DOWN] >= 1);
	CU_ASSERT_EQUAL(T[1].nval, 60);
	CU_ASSERT_EQUAL(T[1].val[59], 7009);
	/* unit 0 comes back as a new process: standby of unit 1 */
	pair_restart(0);
	CU_ASSERT_FATAL(pair_run(pair_both_settled, NULL, SETTLE_MS));
	CU_ASSERT_FATAL(pair_run(pair_synced, NULL, SETTLE_MS));
	CU_ASSERT_EQUAL(pair_state(1), SSO_RF_ACTIVE);
	CU_ASSERT_EQUAL(pair_state(0), SSO_RF_STANDBY_HOT);
	CU_ASSERT_EQUAL(T[0].u->rf.epoch, epoch + 1);
	CU_ASSERT_EQUAL(T[0].nval, 60);
	CU_ASSERT_EQUAL(memcmp(T[0].val, T[1].val, 60 * sizeof(uint32_t)), 0);
	pair_teardown();
}

static int
handed_over(void *arg)
{
	(void)arg;
	return pair_state(1) == SSO_RF_ACTIVE && T[0].restarted &&
	    T[0].u == NULL;
}

/* manual switchover: the active drains, hands over, restarts as standby */
static void
test_manual_switchover(void)
{
	uint32_t epoch;
	uint64_t boot0;

	pair_setup(1, 1, 1, 1);
	pair_settle(30);
	epoch = T[0].u->rf.epoch;
	boot0 = T[0].u->rf.boot_id;
	CU_ASSERT_EQUAL(pair_send(0, 555, SSO_SEND_ASYNC, NULL, NULL), 0);
	sso_unit_enter(T[0].u);		/* `redundancy force-switchover` */
	CU_ASSERT_EQUAL(sso_rf_handover("manual switchover (test)"), 0);
	CU_ASSERT(T[0].u->rf.quiesced);
	CU_ASSERT(T[0].ev[SSO_EV_QUIESCE] >= 1);
	CU_ASSERT_FATAL(pair_run(handed_over, NULL, SETTLE_MS));
	CU_ASSERT_STRING_EQUAL(T[0].restart_why, "manual switchover complete");
	CU_ASSERT_EQUAL(T[1].u->rf.epoch, epoch + 1);
	CU_ASSERT_EQUAL(T[1].nval, 31);
	CU_ASSERT_EQUAL(T[1].val[30], 555);
	CU_ASSERT_EQUAL(T[0].ev[SSO_EV_HANDOVER], 1);
	/* the old active restarts (here: a fresh unit), standby of unit 1 */
	pair_restart(0);
	CU_ASSERT_NOT_EQUAL(T[0].u->rf.boot_id, boot0);
	CU_ASSERT_FATAL(pair_run(pair_both_settled, NULL, SETTLE_MS));
	CU_ASSERT_FATAL(pair_run(pair_synced, NULL, SETTLE_MS));
	CU_ASSERT_EQUAL(pair_state(0), SSO_RF_STANDBY_HOT);
	CU_ASSERT_EQUAL(T[0].nval, 31);
	CU_ASSERT_EQUAL(T[0].val[30], 555);
	pair_teardown();
}

/* a handover is refused while the standby is not HOT */
static void
test_manual_switchover_refused(void)
{
	pair_setup(1, 1, 1, 1);
	pair_start(0);
	CU_ASSERT_FATAL(pair_run(pair_is_active, (void *)0, SETTLE_MS));
	sso_unit_enter(T[0].u);
	CU_ASSERT_EQUAL(sso_rf_handover("test"), -1);
	CU_ASSERT_FALSE(T[0].u->rf.quiesced);
	CU_ASSERT_EQUAL(pair_state(1), SSO_RF_INITIALIZATION);
	pair_teardown();
}

static int
goodbye_heard(void *arg)
{
	(void)arg;
	return T[1].u->rf.peer_stops > 0;
}

/* orderly stop (SIGTERM) of the active with a HOT standby hands over */
static void
test_orderly_stop(void)
{
	pair_setup(1, 1, 1, 1);
	pair_settle(5);
	sso_unit_enter(T[0].u);
	CU_ASSERT_EQUAL(sso_rf_stop(), 1);
	CU_ASSERT_FATAL(pair_run(pair_is_active, (void *)1, SETTLE_MS));
	CU_ASSERT_EQUAL(T[0].restarted, 0);	/* stops, no restart */
	CU_ASSERT(T[0].u->rf.epoch < T[1].u->rf.epoch);
	CU_ASSERT(pair_run(goodbye_heard, NULL, SETTLE_MS));
	CU_ASSERT_EQUAL(T[1].u->rf.peer_stops, 1);	/* its goodbye */
	CU_ASSERT_FALSE(T[1].u->rf.peer_up);
	CU_ASSERT_EQUAL(pair_state(1), SSO_RF_ACTIVE);
	pair_teardown();
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("rf", NULL, NULL);

	CU_add_test(s, "negotiation_preferred", test_negotiation_preferred);
	CU_add_test(s, "negotiation_configured", test_negotiation_configured);
	CU_add_test(s, "negotiation_simplex", test_negotiation_simplex);
	CU_add_test(s, "progression_hot", test_progression_hot);
	CU_add_test(s, "switchover_peer_down", test_switchover_peer_down);
	CU_add_test(s, "manual_switchover", test_manual_switchover);
	CU_add_test(s, "manual_switchover_refused",
	    test_manual_switchover_refused);
	CU_add_test(s, "orderly_stop", test_orderly_stop);
}
