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
 *      did in version 1 (the default is the old behaviour, never more).
 *      And accounting SSO (sub_ha_acct.c): the record types R_ACCT,
 *      R_ACCT_DONE, R_DAE_ANSWER, not said at all to a version 1 peer
 *      (ha_rec_encode: EOPNOTSUPP; the emitter then has nothing to wait
 *      for): accounting goes on unprotected while the pair runs two
 *      releases, as in version 1. Subscriber.acct (the accounting
 *      identity, field 27) needs no step: a version 1 peer skips a field
 *      it does not know, and a version 1 sender never sets it (a new
 *      active then makes a new Acct-Session-Id, version 1's behaviour).
 *   3  TxMsg.sessions and Ref.sessions (R_PROGRESS): the sessions a
 *      control message or an Nr depends on travel inside its record
 *      instead of one R_SESSION record each (issue 14: a call's setup
 *      is one record and a share of a progress record, not three). A
 *      step cannot split one record into several, so this is the one
 *      version test outside the steps: the emitter asks ha_rec_merges()
 *      and, to an older peer, sends the sessions as their own records
 *      first (the down step refuses a record that still carries them:
 *      never silently dropped). From an older peer: none.
 */
#include <errno.h>

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

static int
txmsg_down_v3(void *rec)
{
	return ((L2tpckpt__TxMsg *)rec)->n_sessions ? -1 : 0;
}

static int
txmsg_up_v3(void *rec)
{
	L2tpckpt__TxMsg *m = rec;

	m->n_sessions = 0;
	return 0;
}

static int
ref_down_v3(void *rec)
{
	return ((L2tpckpt__Ref *)rec)->n_sessions ? -1 : 0;
}

static int
ref_up_v3(void *rec)
{
	L2tpckpt__Ref *m = rec;

	m->n_sessions = 0;
	return 0;
}

/* a record type version 1 has not: not said to a version 1 peer */
static int
not_in_v1(void *rec)
{
	(void)rec;
	return -1;
}

static const struct sso_msgver_step ha_steps[] = {
	{ R_SESSION, 2, session_down_v2, session_up_v2 },
	{ R_ACCT, 2, not_in_v1, NULL },
	{ R_ACCT_DONE, 2, not_in_v1, NULL },
	{ R_DAE_ANSWER, 2, not_in_v1, NULL },
	{ R_TXMSG, 3, txmsg_down_v3, txmsg_up_v3 },
	{ R_PROGRESS, 3, ref_down_v3, ref_up_v3 },
};

const struct sso_msgver ha_msgver = { HA_MSG_NATIVE, ha_steps,
    sizeof(ha_steps) / sizeof(ha_steps[0]) };

/* the negotiated version carries sessions inside TxMsg and R_PROGRESS */
int
ha_rec_merges(void)
{
	return sso_msgver_target(&ha_msgver, sso_cf_version(ha_client)) >= 3;
}

/* the codec both sides use (and the unit and fuzz tests) */

int
ha_rec_encode(ProtobufCMessage *m, uint32_t type, uint32_t version,
    uint8_t *buf, size_t cap)
{
	size_t len;

	if (version < 1 || version > HA_MSG_NATIVE) {
		errno = EINVAL;
		return -1;
	}
	/* a step refuses: the record cannot be said in that version */
	if (sso_msgver_down(&ha_msgver, type, version, m) == -1) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if ((len = protobuf_c_message_get_packed_size(m)) > cap) {
		errno = EMSGSIZE;
		return -1;
	}
	return (int)protobuf_c_message_pack(m, buf);
}

ProtobufCMessage *
ha_rec_decode(const ProtobufCMessageDescriptor *pb, uint32_t type,
    uint32_t version, const uint8_t *data, size_t len)
{
	ProtobufCMessage *m;

	if (version < 1 || version > HA_MSG_NATIVE ||
	    (m = protobuf_c_message_unpack(pb, sso_cf_rx_allocator(), len,
	    data)) == NULL)
		return NULL;
	if (sso_msgver_up(&ha_msgver, type, version, m) == -1) {
		protobuf_c_message_free_unpacked(m, sso_cf_rx_allocator());
		return NULL;
	}
	return m;
}
