/*
 * ha_msgver.c - the L2TP checkpoint client's message versions (ISSU).
 * Records are built and applied in the newest form this code knows
 * (HA_MSG_NATIVE); core/msgver.c walks them to the negotiated version
 * through the steps below, one per change of a record's form. To add
 * version 3: a field in l2tp_ckpt.proto, a step {type, 3, down, up} here,
 * HA_MSG_NATIVE and HA_VER_MAX to 3; nothing else tests a version.
 *
 *   1  the first form (tunnels, sessions, unacked messages, progress,
 *      subscribers, counters)
 *   2  Session.seq_required: the peer sent Sequencing Required (RFC 2661
 *      5.4). To a version 1 peer: left out. From one: false, the
 *      session's data sequencing then follows the peer's frames as it
 *      did in version 1 (the default is the old behaviour, never more)
 */
#include "ha_local.h"

static int
session_down_v2(void *rec)
{
	L2tpckpt__Session *m = rec;

	m->has_seq_required = 0;
	m->seq_required = 0;
	return 0;
}

static int
session_up_v2(void *rec)
{
	L2tpckpt__Session *m = rec;

	m->has_seq_required = 1;
	m->seq_required = 0;
	return 0;
}

static const struct sso_msgver_step ha_steps[] = {
	{ R_SESSION, 2, session_down_v2, session_up_v2 },
};

const struct sso_msgver ha_msgver = { HA_MSG_NATIVE, ha_steps,
    sizeof(ha_steps) / sizeof(ha_steps[0]) };
