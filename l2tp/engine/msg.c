/*
 * msg.c - L2TP header codec (RFC 2661 3.1) and the control message table
 * (RFC 2661 3.2 and 6.x): name, the AVPs that MUST be present, and
 * whether the message belongs to the tunnel or to a session (which
 * decides between StopCCN and CDN when it is malformed, RFC 2661 4.1).
 */
#include <stddef.h>

#include "l2tp_local.h"

#define B(t)	L2TP_AVPBIT(L2TP_AVP_##t)
#define T	L2TP_SCOPE_TUNNEL
#define S	L2TP_SCOPE_SESSION

static const struct l2tp_msg_def msg_defs[L2TP_MSG_MAX] = {
	/* RFC 2661 6.1 */
	[L2TP_MSG_SCCRQ] = { "SCCRQ", B(MSG_TYPE) | B(PROTO_VERSION) |
	    B(HOST_NAME) | B(FRAMING_CAP) | B(ASSIGNED_TID), T },
	/* 6.2 */
	[L2TP_MSG_SCCRP] = { "SCCRP", B(MSG_TYPE) | B(PROTO_VERSION) |
	    B(HOST_NAME) | B(FRAMING_CAP) | B(ASSIGNED_TID), T },
	/* 6.3 */
	[L2TP_MSG_SCCCN] = { "SCCCN", B(MSG_TYPE), T },
	/* 6.4 */
	[L2TP_MSG_STOPCCN] = { "StopCCN", B(MSG_TYPE) | B(ASSIGNED_TID) |
	    B(RESULT_CODE), T },
	/* 6.5 */
	[L2TP_MSG_HELLO] = { "HELLO", B(MSG_TYPE), T },
	/* 6.9 */
	[L2TP_MSG_OCRQ] = { "OCRQ", B(MSG_TYPE) | B(ASSIGNED_SID) |
	    B(CALL_SERIAL) | B(MIN_BPS) | B(MAX_BPS) | B(BEARER_TYPE) |
	    B(FRAMING_TYPE) | B(CALLED_NUMBER), S },
	/* 6.10 */
	[L2TP_MSG_OCRP] = { "OCRP", B(MSG_TYPE) | B(ASSIGNED_SID), S },
	/* 6.11 */
	[L2TP_MSG_OCCN] = { "OCCN", B(MSG_TYPE) | B(TX_SPEED) |
	    B(FRAMING_TYPE), S },
	/* 6.6 */
	[L2TP_MSG_ICRQ] = { "ICRQ", B(MSG_TYPE) | B(ASSIGNED_SID) |
	    B(CALL_SERIAL), S },
	/* 6.7 */
	[L2TP_MSG_ICRP] = { "ICRP", B(MSG_TYPE) | B(ASSIGNED_SID), S },
	/* 6.8 */
	[L2TP_MSG_ICCN] = { "ICCN", B(MSG_TYPE) | B(TX_SPEED) |
	    B(FRAMING_TYPE), S },
	/* 6.12 */
	[L2TP_MSG_CDN] = { "CDN", B(MSG_TYPE) | B(RESULT_CODE) |
	    B(ASSIGNED_SID), S },
	/* 6.13 */
	[L2TP_MSG_WEN] = { "WEN", B(MSG_TYPE) | B(CALL_ERRORS), S },
	/* 6.14 */
	[L2TP_MSG_SLI] = { "SLI", B(MSG_TYPE) | B(ACCM), S },
	/* RFC 4951: Failover Session State AVPs are checked by the handler
	 * (none valid: a counted drop, not a StopCCN) */
	[L2TP_MSG_FSQ] = { "FSQ", B(MSG_TYPE), T },
	[L2TP_MSG_FSR] = { "FSR", B(MSG_TYPE), T },
};

const struct l2tp_msg_def *
l2tp_msg_def(unsigned type)
{
	if (type >= L2TP_MSG_MAX || msg_defs[type].name == NULL)
		return NULL;
	return &msg_defs[type];
}

const char *
l2tp_msg_name(unsigned type)
{
	const struct l2tp_msg_def *d;

	if (type == L2TP_MSG_ZLB)
		return "ZLB";
	d = l2tp_msg_def(type);
	return d ? d->name : "unknown";
}

/*
 * RFC 2661 3.1. Control messages MUST have L and S and MUST NOT have O;
 * reserved bits are ignored on receipt; Ver other than 2 is discarded.
 * A Length shorter than the datagram trims it; a longer one is an error.
 */
int
l2tp_hdr_decode(const uint8_t *buf, size_t len, struct l2tp_hdr *h,
    enum l2tp_drop *reason)
{
	struct sso_cur c;
	uint16_t off;

	sso_cur_init(&c, buf, len);
	*h = (struct l2tp_hdr){ 0 };
	*reason = L2TP_DROP_SHORT;
	if (sso_cur_get_u16(&c, &h->flags) == -1)
		return -1;
	if ((h->flags & L2TP_HDR_VER_MASK) != L2TP_VERSION) {
		*reason = L2TP_DROP_VERSION;
		return -1;
	}
	h->ctrl = (h->flags & L2TP_HDR_T) != 0;
	h->has_len = (h->flags & L2TP_HDR_L) != 0;
	h->has_seq = (h->flags & L2TP_HDR_S) != 0;
	h->has_off = (h->flags & L2TP_HDR_O) != 0;
	h->prio = (h->flags & L2TP_HDR_P) != 0;
	if (h->ctrl && (!h->has_len || !h->has_seq || h->has_off)) {
		*reason = L2TP_DROP_CTRL_FLAGS;
		return -1;
	}
	if (h->has_len && sso_cur_get_u16(&c, &h->length) == -1)
		return -1;
	if (sso_cur_get_u16(&c, &h->tid) == -1 ||
	    sso_cur_get_u16(&c, &h->sid) == -1)
		return -1;
	if (h->has_seq && (sso_cur_get_u16(&c, &h->ns) == -1 ||
	    sso_cur_get_u16(&c, &h->nr) == -1))
		return -1;
	if (h->has_off && (sso_cur_get_u16(&c, &off) == -1 ||
	    sso_cur_skip(&c, off) == -1))
		return -1;
	h->hdr_len = (uint16_t)(len - c.len);
	if (!h->has_len)
		h->length = len > UINT16_MAX ? UINT16_MAX : (uint16_t)len;
	if (h->length > len || h->length < h->hdr_len) {
		*reason = L2TP_DROP_LENGTH;
		return -1;
	}
	return 0;
}

/*
 * Our own control header, built by l2tp_build_begin(): Ns at byte 8 and
 * Nr at byte 10. Ns is fixed once assigned; Nr is refreshed on every
 * (re)transmission (RFC 2661 5.8).
 */
void
l2tp_hdr_set_ns_nr(uint8_t *p, uint16_t ns, uint16_t nr)
{
	p[8] = (uint8_t)(ns >> 8);
	p[9] = (uint8_t)ns;
	p[10] = (uint8_t)(nr >> 8);
	p[11] = (uint8_t)nr;
}
