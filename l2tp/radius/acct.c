/*
 * acct.c - accounting records (RFC 2866) as plain objects for checkpoints.
 *
 * A record's identity is (Acct-Session-Id, Acct-Status-Type, sequence);
 * its serialized form is that identity, the event time and the attribute
 * bytes, never the key: the service writes it to the standby before the
 * first transmission, and a new active resends it. Acct-Delay-Time is not
 * stored: it is computed at each transmission from the event time
 * (RFC 2866 5.2), which is why a retransmission carries a new
 * Request Authenticator and a new Identifier (RFC 2866 3 and 5.2).
 *
 * Serialized form (version 1): u8 version, u8 status, u32 seq,
 * u64 event_time, u8 id_len, id, u16 attrs_len, attrs.
 */
#include <stdio.h>
#include <string.h>

#include "rad_local.h"

#define ACCT_REC_VERSION	1

int
rad_acct_rec_init(struct rad_acct_rec *r, const char *session_id,
    uint8_t status, uint32_t seq, uint64_t event_time)
{
	memset(r, 0, sizeof(*r));
	if (strlen(session_id) >= sizeof(r->session_id) ||
	    session_id[0] == '\0')
		return -1;
	strcpy(r->session_id, session_id);
	r->status = status;
	r->seq = seq;
	r->event_time = event_time;
	rad_av_init(&r->attrs);
	return 0;
}

int
rad_acct_rec_encode(const struct rad_acct_rec *r, struct sso_wbuf *b)
{
	size_t il = strlen(r->session_id);
	int errs = 0;

	if (r->attrs.err)
		return -1;
	errs += sso_wbuf_put_u8(b, ACCT_REC_VERSION);
	errs += sso_wbuf_put_u8(b, r->status);
	errs += sso_wbuf_put_u32(b, r->seq);
	errs += sso_wbuf_put_u64(b, r->event_time);
	errs += sso_wbuf_put_u8(b, (uint8_t)il);
	errs += sso_wbuf_put(b, r->session_id, il);
	errs += sso_wbuf_put_u16(b, (uint16_t)r->attrs.len);
	errs += sso_wbuf_put(b, r->attrs.buf, r->attrs.len);
	return errs ? -1 : 0;
}

int
rad_acct_rec_decode(struct rad_acct_rec *r, struct sso_cur *c)
{
	uint8_t ver, il;
	uint16_t al;

	memset(r, 0, sizeof(*r));
	if (sso_cur_get_u8(c, &ver) == -1 || ver != ACCT_REC_VERSION ||
	    sso_cur_get_u8(c, &r->status) == -1 ||
	    sso_cur_get_u32(c, &r->seq) == -1 ||
	    sso_cur_get_u64(c, &r->event_time) == -1 ||
	    sso_cur_get_u8(c, &il) == -1 || il == 0 ||
	    il >= sizeof(r->session_id) ||
	    sso_cur_get_bytes(c, r->session_id, il) == -1 ||
	    memchr(r->session_id, 0, il) != NULL ||
	    sso_cur_get_u16(c, &al) == -1 || al > sizeof(r->attrs.buf) ||
	    sso_cur_get_bytes(c, r->attrs.buf, al) == -1)
		return -1;
	r->attrs.len = al;
	return rad_attrs_check(r->attrs.buf, al, NULL);
}

int
rad_acct_rec_attrs(const struct rad_acct_rec *r, uint64_t now,
    struct rad_avlist *out)
{
	uint64_t delay = now > r->event_time ? now - r->event_time : 0;

	rad_av_init(out);
	rad_av_put_u32(out, RAD_ACCT_STATUS_TYPE, r->status);
	rad_av_put_str(out, RAD_ACCT_SESSION_ID, r->session_id);
	rad_av_put_raw(out, r->attrs.buf, r->attrs.len);
	rad_av_del(out, RAD_ACCT_DELAY_TIME);
	rad_av_put_u32(out, RAD_ACCT_DELAY_TIME,
	    delay > UINT32_MAX ? UINT32_MAX : (uint32_t)delay);
	return out->err ? -1 : 0;
}
