/*
 * frame.c - decode and validate one inter-RP frame. The only place where
 * bytes from the other unit are parsed; fuzzed by tests/fuzz/fuzz_frame.c.
 * protobuf-c checks wire structure; here we check what it cannot: enum
 * ranges, required fields per frame type, sizes.
 */
#include "sso_local.h"

const char *const sso_bad_names[SSO_BAD_MAX] = {
	[SSO_BAD_DECODE] = "decode",
	[SSO_BAD_TYPE] = "bad_type",
	[SSO_BAD_FIELD] = "bad_field",
	[SSO_BAD_UNIT] = "wrong_unit",
	[SSO_BAD_EPOCH] = "stale_epoch",
	[SSO_BAD_SIZE] = "oversize",
	[SSO_BAD_PARTS] = "bad_parts",
	[SSO_BAD_STATE] = "unexpected",
	[SSO_BAD_SEQ] = "seq_gap",
	[SSO_BAD_CLIENT] = "unknown_client",
	[SSO_BAD_APPLY] = "apply_error",
};

static int
valid_state(uint32_t s)
{
	return s < SSO_RF_NSTATES;
}

static int
valid(const Sso__Frame *f)
{
	size_t i;

	if (!f->has_type || !f->has_unit || f->unit > 1 || !f->has_epoch ||
	    !f->has_boot_id)
		return 0;
	switch (f->type) {
	case SSO__FRAME_TYPE__FT_KEEPALIVE:
		return f->has_rf_state && valid_state(f->rf_state);
	case SSO__FRAME_TYPE__FT_HELLO:
		if (f->hello == NULL || !f->hello->has_boot_id ||
		    !f->hello->has_rf_state ||
		    !valid_state(f->hello->rf_state))
			return 0;
		for (i = 0; i < f->hello->n_clients; i++)
			if (!f->hello->clients[i]->has_id ||
			    !f->hello->clients[i]->has_ver_min ||
			    !f->hello->clients[i]->has_ver_max)
				return 0;
		return 1;
	case SSO__FRAME_TYPE__FT_RECORDS:
		for (i = 0; i < f->n_records; i++) {
			const Sso__Record *r = f->records[i];

			if (!r->has_seq || !r->has_client)
				return 0;
			if (r->has_kind && r->kind > SSO__RECORD_KIND__REC_PHASE)
				return 0;
		}
		return f->has_history_id;
	case SSO__FRAME_TYPE__FT_ACK:
		return f->has_ack && f->has_history_id;
	case SSO__FRAME_TYPE__FT_SWITCHOVER:
		return f->has_history_id && f->has_ack;
	case SSO__FRAME_TYPE__FT_RELOAD:
	case SSO__FRAME_TYPE__FT_STANDBY_FAULT:
	case SSO__FRAME_TYPE__FT_GOODBYE:	/* reason optional */
		return 1;
	default:
		return -1;
	}
}

Sso__Frame *
sso_frame_decode_with(const uint8_t *buf, size_t len, enum sso_bad *why,
    ProtobufCAllocator *a)
{
	Sso__Frame *f;
	int v;

	if (len > SSO_FRAME_MAX) {
		*why = SSO_BAD_SIZE;
		return NULL;
	}
	if ((f = sso__frame__unpack(a, len, buf)) == NULL) {
		*why = SSO_BAD_DECODE;
		return NULL;
	}
	if ((v = valid(f)) != 1) {
		*why = v == -1 ? SSO_BAD_TYPE : SSO_BAD_FIELD;
		sso__frame__free_unpacked(f, a);
		return NULL;
	}
	return f;
}

Sso__Frame *
sso_frame_decode(const uint8_t *buf, size_t len, enum sso_bad *why)
{
	return sso_frame_decode_with(buf, len, why, NULL);
}
