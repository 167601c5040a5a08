/*
 * avp.c - table-driven AVP codec (RFC 2661 4.1-4.4, RFC 4951 5).
 *
 * One table describes every known attribute: name, the length range of
 * its (unhidden) value, whether it may be hidden, whether we send it
 * mandatory, and an optional value check. One loop, l2tp_msg_decode(),
 * enforces lengths, the M and H bits, vendor ids and unknown types, and
 * records each known AVP as a slice; accessors read slices through a
 * bounds-checked cursor. The builder is the mirror image.
 *
 * Errors follow RFC 2661 7.1: an unknown or malformed AVP with M=0 is
 * ignored (and counted); with M=1 the message fails and the caller clears
 * the tunnel (StopCCN) or session (CDN) with Result 2 and the error code
 * we store (8 for an unknown mandatory AVP, 4.4.2; 2 for a bad length;
 * 3 for a bad value).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "l2tp_local.h"
#include "md5.h"

static int
v_nonzero16(struct sso_cur *c)
{
	uint16_t v;

	return sso_cur_get_u16(c, &v) == -1 || v == 0 ? -1 : 0;
}

/* RFC 2661 4.4.2: 2, or 4 + optional message; never 3 */
static int
v_result(struct sso_cur *c)
{
	return c->len == 3 ? -1 : 0;
}

/* RFC 2661 4.4.5: the most significant octet MUST be 0 */
static int
v_proxy_id(struct sso_cur *c)
{
	uint8_t hi;

	return sso_cur_get_u8(c, &hi) == -1 || hi != 0 ? -1 : 0;
}

#define VMAX	L2TP_AVP_VAL_MAX
#define NH	L2TP_AVPF_NOHIDE
#define MB	L2TP_AVPF_MBIT

/* RFC 2661 4.4 lengths are "Length" minus the 6-octet AVP header. */
static const struct l2tp_avp_def avp_defs[L2TP_AVP_TYPE_MAX] = {
	[L2TP_AVP_MSG_TYPE] = { "Message Type", 2, 2, NH | MB, NULL },
	[L2TP_AVP_RESULT_CODE] = { "Result Code", 2, VMAX, NH | MB, v_result },
	[L2TP_AVP_PROTO_VERSION] = { "Protocol Version", 2, 2, NH | MB, NULL },
	[L2TP_AVP_FRAMING_CAP] = { "Framing Capabilities", 4, 4, MB, NULL },
	[L2TP_AVP_BEARER_CAP] = { "Bearer Capabilities", 4, 4, MB, NULL },
	[L2TP_AVP_TIE_BREAKER] = { "Tie Breaker", 8, 8, NH, NULL },
	[L2TP_AVP_FIRMWARE_REV] = { "Firmware Revision", 2, 2, 0, NULL },
	[L2TP_AVP_HOST_NAME] = { "Host Name", 1, VMAX, NH | MB, NULL },
	[L2TP_AVP_VENDOR_NAME] = { "Vendor Name", 0, VMAX, 0, NULL },
	[L2TP_AVP_ASSIGNED_TID] = { "Assigned Tunnel ID", 2, 2, MB,
	    v_nonzero16 },
	[L2TP_AVP_RX_WINDOW] = { "Receive Window Size", 2, 2, NH | MB,
	    v_nonzero16 },	/* 5.8: a window of 0 is invalid */
	[L2TP_AVP_CHALLENGE] = { "Challenge", 1, VMAX, MB, NULL },
	[L2TP_AVP_Q931_CAUSE] = { "Q.931 Cause Code", 3, VMAX, NH | MB, NULL },
	[L2TP_AVP_CHALLENGE_RESP] = { "Challenge Response", 16, 16, MB, NULL },
	[L2TP_AVP_ASSIGNED_SID] = { "Assigned Session ID", 2, 2, MB, NULL },
	[L2TP_AVP_CALL_SERIAL] = { "Call Serial Number", 4, 4, MB, NULL },
	[L2TP_AVP_MIN_BPS] = { "Minimum BPS", 4, 4, MB, NULL },
	[L2TP_AVP_MAX_BPS] = { "Maximum BPS", 4, 4, MB, NULL },
	[L2TP_AVP_BEARER_TYPE] = { "Bearer Type", 4, 4, MB, NULL },
	[L2TP_AVP_FRAMING_TYPE] = { "Framing Type", 4, 4, MB, NULL },
	[L2TP_AVP_CALLED_NUMBER] = { "Called Number", 0, VMAX, MB, NULL },
	[L2TP_AVP_CALLING_NUMBER] = { "Calling Number", 0, VMAX, MB, NULL },
	[L2TP_AVP_SUB_ADDRESS] = { "Sub-Address", 0, VMAX, MB, NULL },
	[L2TP_AVP_TX_SPEED] = { "Tx Connect Speed", 4, 4, MB, NULL },
	[L2TP_AVP_PHYS_CHANNEL] = { "Physical Channel ID", 4, 4, 0, NULL },
	[L2TP_AVP_INIT_RX_LCP] = { "Initial Received LCP CONFREQ", 0, VMAX, 0,
	    NULL },
	[L2TP_AVP_LAST_TX_LCP] = { "Last Sent LCP CONFREQ", 0, VMAX, 0, NULL },
	[L2TP_AVP_LAST_RX_LCP] = { "Last Received LCP CONFREQ", 0, VMAX, 0,
	    NULL },
	[L2TP_AVP_PROXY_AUTH_TYPE] = { "Proxy Authen Type", 2, 2, 0, NULL },
	[L2TP_AVP_PROXY_AUTH_NAME] = { "Proxy Authen Name", 0, VMAX, 0, NULL },
	[L2TP_AVP_PROXY_AUTH_CHAL] = { "Proxy Authen Challenge", 1, VMAX, 0,
	    NULL },
	[L2TP_AVP_PROXY_AUTH_ID] = { "Proxy Authen ID", 2, 2, 0, v_proxy_id },
	[L2TP_AVP_PROXY_AUTH_RESP] = { "Proxy Authen Response", 0, VMAX, 0,
	    NULL },
	[L2TP_AVP_CALL_ERRORS] = { "Call Errors", 26, 26, MB, NULL },
	[L2TP_AVP_ACCM] = { "ACCM", 10, 10, MB, NULL },
	[L2TP_AVP_RANDOM_VECTOR] = { "Random Vector", 1, VMAX, NH | MB, NULL },
	[L2TP_AVP_PRIVATE_GROUP] = { "Private Group ID", 0, VMAX, 0, NULL },
	[L2TP_AVP_RX_SPEED] = { "Rx Connect Speed", 4, 4, 0, NULL },
	[L2TP_AVP_SEQ_REQUIRED] = { "Sequencing Required", 0, 0, NH | MB,
	    NULL },
	/*
	 * RFC 4951: Failover Capability = flags(16, D=0x2 C=0x1) + Recovery
	 * Time(32); the other three = reserved(16) + two 16-bit fields.
	 * Value length exactly 6 (AVP length 12). DESIGN.md rule 7: we send
	 * them with M=0; received with either M.
	 */
	[L2TP_AVP_FAILOVER_CAP] = { "Failover Capability", 6, 6, NH, NULL },
	[L2TP_AVP_TUNNEL_RECOVERY] = { "Tunnel Recovery", 6, 6, NH, NULL },
	[L2TP_AVP_SUGGESTED_SEQ] = { "Suggested Control Sequence", 6, 6, NH,
	    NULL },
	[L2TP_AVP_FAILOVER_SESSION] = { "Failover Session State", 6, 6, NH,
	    NULL },
};

const struct l2tp_avp_def *
l2tp_avp_def(unsigned type)
{
	if (type >= L2TP_AVP_TYPE_MAX || avp_defs[type].name == NULL)
		return NULL;
	return &avp_defs[type];
}

const char *
l2tp_avp_name(unsigned type)
{
	const struct l2tp_avp_def *d = l2tp_avp_def(type);

	return d ? d->name : "unknown";
}

int
l2tp_avp_index(unsigned type)
{
	if (l2tp_avp_def(type) == NULL)
		return -1;
	return L2TP_AVPIDX(type);
}

int
l2tp_avp_len_ok(unsigned type, size_t len)
{
	const struct l2tp_avp_def *d = l2tp_avp_def(type);

	if (d == NULL || len < d->min_len || len > d->max_len)
		return -1;
	return 0;
}

/* ---- crypto helpers ---- */

int
l2tp_md5(uint8_t out[16], const void *a, size_t alen, const void *b,
    size_t blen, const void *c, size_t clen)
{
	return sso_md5(out, a, alen, b, blen, c, clen, NULL, 0);
}

int
l2tp_chap_response(uint8_t out[16], uint8_t id, const char *secret,
    const uint8_t *chal, size_t chal_len)
{
	return l2tp_md5(out, &id, 1, secret, strlen(secret), chal, chal_len);
}

/*
 * Random bytes (tunnel and session ids, Random Vectors, challenges) from
 * OpenSSL's DRBG through a small pool: RAND_bytes() costs some 6,000
 * instructions a call whatever the length (its locking and parameter
 * lookups), which was a sixth of an ICRQ's handling for the two bytes of
 * a session id. Bytes handed out are wiped from the pool; one process,
 * one thread (the event loop).
 */
#define RAND_POOL	256

int
l2tp_random(void *p, size_t n)
{
	static uint8_t pool[RAND_POOL];
	static size_t avail;

	if (n > RAND_POOL / 4)
		return RAND_bytes(p, (int)n) == 1 ? 0 : -1;
	if (avail < n) {
		if (RAND_bytes(pool, RAND_POOL) != 1)
			return -1;
		avail = RAND_POOL;
	}
	avail -= n;
	memcpy(p, pool + avail, n);
	OPENSSL_cleanse(pool + avail, n);
	return 0;
}

/*
 * RFC 2661 4.3: b1 = MD5(type || S || RV), c1 = p1 ^ b1,
 * bi = MD5(S || c(i-1)), ci = pi ^ bi. `buf` holds the subformat in
 * clear on entry and the ciphertext on return.
 */
int
l2tp_avp_hide(uint16_t type, const char *secret, const uint8_t *rv,
    size_t rvlen, uint8_t *buf, size_t len)
{
	uint8_t t[2] = { (uint8_t)(type >> 8), (uint8_t)type }, b[16];
	size_t off, i, slen = strlen(secret);

	for (off = 0; off < len; off += 16) {
		if (off == 0) {
			if (l2tp_md5(b, t, 2, secret, slen, rv, rvlen) == -1)
				return -1;
		} else if (l2tp_md5(b, secret, slen, buf + off - 16, 16,
		    NULL, 0) == -1)
			return -1;
		for (i = 0; i < 16 && off + i < len; i++)
			buf[off + i] ^= b[i];
	}
	return 0;
}

int
l2tp_avp_unhide(uint16_t type, const char *secret, const uint8_t *rv,
    size_t rvlen, const uint8_t *in, uint8_t *out, size_t len)
{
	uint8_t t[2] = { (uint8_t)(type >> 8), (uint8_t)type }, b[16];
	size_t off, i, slen = strlen(secret);

	for (off = 0; off < len; off += 16) {
		/* the chain runs over ciphertext, which `in` still holds */
		if (off == 0) {
			if (l2tp_md5(b, t, 2, secret, slen, rv, rvlen) == -1)
				return -1;
		} else if (l2tp_md5(b, secret, slen, in + off - 16, 16,
		    NULL, 0) == -1)
			return -1;
		for (i = 0; i < 16 && off + i < len; i++)
			out[off + i] = in[off + i] ^ b[i];
	}
	return 0;
}

/* ---- decoding ---- */

static int
msg_fail(struct l2tp_msg *m, uint16_t error, uint16_t attr, const char *why)
{
	m->err = 1;
	m->err_result_error = error;
	m->err_attr = attr;
	m->err_text = why;
	return -1;
}

/*
 * Reveal a hidden value into scratch (RFC 2661 4.3). Returns 0 and the
 * clear value in *out, or -1 when it cannot be revealed.
 */
static int
avp_reveal(uint16_t type, struct sso_cur *val, const char *secret,
    const struct l2tp_bytes *rv, uint8_t *scratch, size_t *used,
    size_t scratchsz, struct sso_cur *out)
{
	struct sso_cur sub;
	uint8_t *dst = scratch + *used;
	size_t n = val->len;
	uint16_t olen;

	if (rv->p == NULL || n < 2 || scratchsz - *used < n)
		return -1;
	/* the cursor hands us the exact bytes of the value */
	if (l2tp_avp_unhide(type, secret, rv->p, rv->len, val->p, dst, n) == -1)
		return -1;
	sso_cur_init(&sub, dst, n);
	if (sso_cur_get_u16(&sub, &olen) == -1 || olen > sub.len)
		return -1;
	*used += n;
	sso_cur_init(out, sub.p, olen);
	return 0;
}

/*
 * One AVP: header already read. Returns 0 (recorded or ignored) or -1
 * (fatal: message error set).
 */
static int
avp_one(struct l2tp_msg *m, uint16_t flags, uint16_t vendor, uint16_t type,
    struct sso_cur *val, const char *secret, struct l2tp_bytes *rv,
    uint8_t *scratch, size_t *used, size_t scratchsz)
{
	const struct l2tp_avp_def *d = vendor == 0 ? l2tp_avp_def(type) : NULL;
	int mbit = (flags & L2TP_AVP_M) != 0;
	struct sso_cur v = *val, chk;
	const char *why = NULL;
	uint16_t ecode = L2TP_ERR_RANGE;

	/* RFC 2661 4.1: reserved bits set = unrecognized */
	if (d == NULL || (flags & L2TP_AVP_RSVD)) {
		if (mbit)
			return msg_fail(m, L2TP_ERR_UNKNOWN_MAVP, type,
			    "unknown mandatory AVP");
		m->ignored++;
		return 0;
	}
	if (flags & L2TP_AVP_H) {
		if (d->flags & L2TP_AVPF_NOHIDE)
			why = "AVP may not be hidden";
		else if (secret == NULL || secret[0] == '\0') {
			m->hidden_pending = 1;
			if (secret == NULL)
				return 0;	/* second pass with secret */
			why = "hidden AVP without shared secret";
		} else if (avp_reveal(type, val, secret, rv, scratch, used,
		    scratchsz, &v) == -1)
			why = "hidden AVP undecodable";
		else
			m->hidden++;
	}
	if (why == NULL && (v.len < d->min_len || v.len > d->max_len)) {
		why = "bad AVP length";
		ecode = L2TP_ERR_LENGTH;
	}
	chk = v;
	if (why == NULL && d->validate != NULL && d->validate(&chk) == -1)
		why = "AVP value out of range";
	if (why != NULL) {
		/* RFC 2661 7.1: malformed with M=0 is ignored */
		if (mbit)
			return msg_fail(m, ecode, type, why);
		m->ignored++;
		return 0;
	}
	if (type == L2TP_AVP_RANDOM_VECTOR) {
		rv->p = v.p;
		rv->len = (uint16_t)v.len;
	}
	m->val[L2TP_AVPIDX(type)].p = v.p;
	m->val[L2TP_AVPIDX(type)].len = (uint16_t)v.len;
	m->present |= L2TP_AVPBIT(type);
	return 0;
}

int
l2tp_msg_decode(struct l2tp_msg *m, struct sso_cur *c, const char *secret,
    uint8_t *scratch, size_t scratchsz)
{
	struct l2tp_bytes rv = { NULL, 0 };
	const struct l2tp_msg_def *md;
	size_t used = 0;
	int first = 1;

	memset(m, 0, sizeof(*m));
	if (c->len == 0)
		return 0;	/* ZLB */
	m->avps.p = c->p;
	m->avps.len = (uint16_t)(c->len > UINT16_MAX ? UINT16_MAX : c->len);
	while (c->len > 0) {
		uint16_t flags, vendor, type, len;
		struct sso_cur val;

		if (sso_cur_get_u16(c, &flags) == -1 ||
		    (len = flags & L2TP_AVP_LEN_MASK) < L2TP_AVP_HDR_LEN ||
		    sso_cur_get_u16(c, &vendor) == -1 ||
		    sso_cur_get_u16(c, &type) == -1 ||
		    sso_cur_sub(c, len - L2TP_AVP_HDR_LEN, &val) == -1)
			return msg_fail(m, L2TP_ERR_LENGTH, 0,
			    "AVP overruns message");
		if (first) {
			/* RFC 2661 4.4.1: Message Type first, never hidden */
			if (vendor != 0 || type != L2TP_AVP_MSG_TYPE ||
			    (flags & L2TP_AVP_H) || val.len != 2 ||
			    sso_cur_get_u16(&val, &m->type) == -1)
				return msg_fail(m, L2TP_ERR_RANGE, type,
				    "first AVP is not Message Type");
			m->type_mbit = (flags & L2TP_AVP_M) != 0;
			m->present |= L2TP_AVPBIT(L2TP_AVP_MSG_TYPE);
			first = 0;
			continue;
		}
		if (avp_one(m, flags, vendor, type, &val, secret, &rv,
		    scratch, &used, scratchsz) == -1)
			return -1;
	}
	if ((md = l2tp_msg_def(m->type)) == NULL)
		return 0;	/* caller decides on the M bit of the type */
	if (secret == NULL && m->hidden_pending)
		return 0;	/* required check after the second pass */
	if ((m->present & md->required) != md->required) {
		unsigned t;

		for (t = 0; t < L2TP_AVP_TYPE_MAX; t++)
			if (l2tp_avp_def(t) != NULL &&
			    (md->required & L2TP_AVPBIT(t)) &&
			    !(m->present & L2TP_AVPBIT(t)))
				break;
		return msg_fail(m, L2TP_ERR_RANGE, (uint16_t)t,
		    "required AVP missing");
	}
	return 0;
}

/* ---- accessors: every read goes through a cursor ---- */

void
l2tp_msg_iter(const struct l2tp_msg *m, struct sso_cur *it)
{
	sso_cur_init(it, m->avps.p, m->avps.p ? m->avps.len : 0);
}

int
l2tp_msg_next(struct sso_cur *it, unsigned type, struct sso_cur *val)
{
	uint16_t flags, vendor, t, len;

	while (it->len > 0) {
		if (sso_cur_get_u16(it, &flags) == -1 ||
		    (len = flags & L2TP_AVP_LEN_MASK) < L2TP_AVP_HDR_LEN ||
		    sso_cur_get_u16(it, &vendor) == -1 ||
		    sso_cur_get_u16(it, &t) == -1 ||
		    sso_cur_sub(it, len - L2TP_AVP_HDR_LEN, val) == -1) {
			it->len = 0;
			return -1;
		}
		if (vendor == 0 && t == type && !(flags & L2TP_AVP_H) &&
		    !(flags & L2TP_AVP_RSVD) &&
		    l2tp_avp_len_ok(type, val->len) == 0)
			return 0;
	}
	return -1;
}

int
l2tp_msg_has(const struct l2tp_msg *m, unsigned type)
{
	return l2tp_avp_def(type) != NULL &&
	    (m->present & L2TP_AVPBIT(type)) != 0;
}

int
l2tp_msg_cur(const struct l2tp_msg *m, unsigned type, struct sso_cur *c)
{
	if (!l2tp_msg_has(m, type))
		return -1;
	sso_cur_init(c, m->val[L2TP_AVPIDX(type)].p,
	    m->val[L2TP_AVPIDX(type)].len);
	return 0;
}

int
l2tp_msg_u16(const struct l2tp_msg *m, unsigned type, uint16_t *v)
{
	return l2tp_msg_u16_at(m, type, 0, v);
}

/* a 16-bit field at byte offset off (RFC 4951 AVPs, ACCM, ...) */
int
l2tp_msg_u16_at(const struct l2tp_msg *m, unsigned type, size_t off,
    uint16_t *v)
{
	struct sso_cur c;

	if (l2tp_msg_cur(m, type, &c) == -1 || sso_cur_skip(&c, off) == -1)
		return -1;
	return sso_cur_get_u16(&c, v);
}

int
l2tp_msg_u32(const struct l2tp_msg *m, unsigned type, uint32_t *v)
{
	struct sso_cur c;

	if (l2tp_msg_cur(m, type, &c) == -1)
		return -1;
	return sso_cur_get_u32(&c, v);
}

int
l2tp_msg_u64(const struct l2tp_msg *m, unsigned type, uint64_t *v)
{
	struct sso_cur c;

	if (l2tp_msg_cur(m, type, &c) == -1)
		return -1;
	return sso_cur_get_u64(&c, v);
}

int
l2tp_msg_str(const struct l2tp_msg *m, unsigned type, char *dst, size_t sz)
{
	struct sso_cur c;
	size_t n;

	if (sz == 0 || l2tp_msg_cur(m, type, &c) == -1)
		return -1;
	n = c.len < sz - 1 ? c.len : sz - 1;
	if (sso_cur_get_bytes(&c, dst, n) == -1)
		return -1;
	dst[n] = '\0';
	return 0;
}

int
l2tp_msg_result(const struct l2tp_msg *m, uint16_t *result, uint16_t *error,
    char *text, size_t textsz)
{
	struct sso_cur c;
	size_t n;

	*error = 0;
	if (text != NULL && textsz > 0)
		text[0] = '\0';
	if (l2tp_msg_cur(m, L2TP_AVP_RESULT_CODE, &c) == -1 ||
	    sso_cur_get_u16(&c, result) == -1)
		return -1;
	if (sso_cur_get_u16(&c, error) == -1)
		return 0;
	if (text != NULL && textsz > 0) {
		n = c.len < textsz - 1 ? c.len : textsz - 1;
		if (sso_cur_get_bytes(&c, text, n) == 0)
			text[n] = '\0';
	}
	return 0;
}

/* ---- building ---- */

int
l2tp_build_begin(struct l2tp_build *b, uint16_t tid, uint16_t sid,
    uint16_t type, const char *secret, int hide)
{
	int errs = 0;

	memset(b, 0, sizeof(*b));
	sso_wbuf_init(&b->wb, L2TP_MSG_LEN_MAX);
	b->secret = secret != NULL && secret[0] != '\0' ? secret : NULL;
	b->hide = hide && b->secret != NULL;
	errs += sso_wbuf_put_u16(&b->wb, L2TP_HDR_T | L2TP_HDR_L |
	    L2TP_HDR_S | L2TP_VERSION);
	errs += sso_wbuf_put_u16(&b->wb, 0);	/* length, set in finish */
	errs += sso_wbuf_put_u16(&b->wb, tid);
	errs += sso_wbuf_put_u16(&b->wb, sid);
	errs += sso_wbuf_put_u16(&b->wb, 0);	/* Ns, set by ctrl */
	errs += sso_wbuf_put_u16(&b->wb, 0);	/* Nr, set by ctrl */
	if (type != L2TP_MSG_ZLB)
		errs += l2tp_build_u16(b, L2TP_AVP_MSG_TYPE, type);
	return errs ? -1 : 0;
}

int
l2tp_build_avp_raw(struct l2tp_build *b, uint16_t type, int mbit, int hide,
    const void *val, size_t len)
{
	uint8_t sub[2 + L2TP_AVP_VAL_MAX];
	const uint8_t *out = val;
	size_t olen = len;
	int errs = 0;

	if (hide) {
		if (b->secret == NULL || len + 2 > L2TP_AVP_VAL_MAX) {
			b->wb.err = 1;
			return -1;
		}
		if (!b->rv_done) {
			/* RFC 2661 4.3: Random Vector precedes hidden AVPs */
			if (l2tp_random(b->rv, sizeof(b->rv)) == -1 ||
			    l2tp_build_avp_raw(b, L2TP_AVP_RANDOM_VECTOR, 1, 0,
			    b->rv, sizeof(b->rv)) == -1) {
				b->wb.err = 1;
				return -1;
			}
			b->rv_done = 1;
		}
		sub[0] = (uint8_t)(len >> 8);
		sub[1] = (uint8_t)len;
		if (len > 0)
			memcpy(sub + 2, val, len);
		olen = len + 2;
		if (l2tp_avp_hide(type, b->secret, b->rv, sizeof(b->rv), sub,
		    olen) == -1) {
			b->wb.err = 1;
			return -1;
		}
		out = sub;
	}
	if (olen > L2TP_AVP_VAL_MAX) {
		b->wb.err = 1;
		return -1;
	}
	errs += sso_wbuf_put_u16(&b->wb, (uint16_t)((mbit ? L2TP_AVP_M : 0) |
	    (hide ? L2TP_AVP_H : 0) | (olen + L2TP_AVP_HDR_LEN)));
	errs += sso_wbuf_put_u16(&b->wb, 0);	/* vendor: IETF */
	errs += sso_wbuf_put_u16(&b->wb, type);
	errs += sso_wbuf_put(&b->wb, out, olen);
	return errs ? -1 : 0;
}

/* table-checked: length within range, M bit and hiding per the table */
int
l2tp_build_avp(struct l2tp_build *b, uint16_t type, const void *val,
    size_t len)
{
	const struct l2tp_avp_def *d = l2tp_avp_def(type);

	if (d == NULL || l2tp_avp_len_ok(type, len) == -1) {
		b->wb.err = 1;
		return -1;
	}
	return l2tp_build_avp_raw(b, type, (d->flags & L2TP_AVPF_MBIT) != 0,
	    b->hide && !(d->flags & L2TP_AVPF_NOHIDE), val, len);
}

int
l2tp_build_u16(struct l2tp_build *b, uint16_t type, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return l2tp_build_avp(b, type, x, sizeof(x));
}

int
l2tp_build_u32(struct l2tp_build *b, uint16_t type, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	return l2tp_build_avp(b, type, x, sizeof(x));
}

int
l2tp_build_u64(struct l2tp_build *b, uint16_t type, uint64_t v)
{
	uint8_t x[8];
	int i;

	for (i = 0; i < 8; i++)
		x[i] = (uint8_t)(v >> (56 - 8 * i));
	return l2tp_build_avp(b, type, x, sizeof(x));
}

int
l2tp_build_str(struct l2tp_build *b, uint16_t type, const char *s)
{
	return l2tp_build_avp(b, type, s, strlen(s));
}

int
l2tp_build_result(struct l2tp_build *b, uint16_t result, uint16_t error,
    const char *text)
{
	uint8_t x[4 + 128];
	size_t n = 2, tl = text ? strlen(text) : 0;

	if (tl > 128)
		tl = 128;
	x[0] = (uint8_t)(result >> 8);
	x[1] = (uint8_t)result;
	if (error != 0 || tl > 0) {
		x[2] = (uint8_t)(error >> 8);
		x[3] = (uint8_t)error;
		n = 4;
		if (tl > 0)
			memcpy(x + 4, text, tl);
		n += tl;
	}
	return l2tp_build_avp(b, L2TP_AVP_RESULT_CODE, x, n);
}

int
l2tp_build_finish(struct l2tp_build *b)
{
	if (b->wb.err || b->wb.len > UINT16_MAX)
		return -1;
	return sso_wbuf_set_u16(&b->wb, 2, (uint16_t)b->wb.len);
}

void
l2tp_build_free(struct l2tp_build *b)
{
	sso_wbuf_free(&b->wb);
}
