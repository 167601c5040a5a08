/*
 * test_l2tp_avp.c - codec: header, AVP table limits, hidden AVPs,
 * golden bytes for every message type (tests/vectors/l2tp/NAME.hex),
 * M-bit / vendor / reserved-bit handling, modulo-2^16 helpers.
 *
 * L2TP_WRITE_VECTORS=1 in the environment rewrites the golden files
 * (and the fuzz seed corpus) instead of comparing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runner.h"
#include "l2tp_local.h"

#define VEC_DIR		"tests/vectors/l2tp"
#define CORPUS_DIR	"tests/fuzz/corpus/fuzz_l2tp_packet"

static uint8_t scratch[65536];

/* ---- helpers ---- */

static int
decode_buf(const uint8_t *p, size_t len, const char *secret,
    struct l2tp_msg *m, struct l2tp_hdr *h)
{
	enum l2tp_drop why;
	struct sso_cur c;

	if (l2tp_hdr_decode(p, len, h, &why) == -1)
		return -2;
	sso_cur_init(&c, p, h->length);
	CU_ASSERT_FATAL(sso_cur_skip(&c, h->hdr_len) == 0);
	return l2tp_msg_decode(m, &c, secret, scratch, sizeof(scratch));
}

/* a message with Message Type + one raw AVP of the given value length */
static void
one_avp(struct l2tp_build *b, uint16_t msgtype, uint16_t type, int mbit,
    size_t vlen)
{
	static const uint8_t z[L2TP_AVP_VAL_MAX];

	CU_ASSERT_FATAL(l2tp_build_begin(b, 1, 0, msgtype, NULL, 0) == 0);
	CU_ASSERT_FATAL(l2tp_build_avp_raw(b, type, mbit, 0, z, vlen) == 0);
	CU_ASSERT_FATAL(l2tp_build_finish(b) == 0);
}

/* ---- header ---- */

static void
test_header(void)
{
	/* control: T L S, ver 2, len 12, tid 0x1234 sid 0x5678 ns 1 nr 2 */
	const uint8_t ctl[] = { 0xc8, 0x02, 0x00, 0x0c, 0x12, 0x34, 0x56,
	    0x78, 0x00, 0x01, 0x00, 0x02 };
	/* data: L O P, len, offset 2 + pad, payload ff 03 */
	const uint8_t data[] = { 0x43, 0x02, 0x00, 0x0e, 0x00, 0x07, 0x00,
	    0x09, 0x00, 0x02, 0xaa, 0xbb, 0xff, 0x03 };
	/* minimal data: no L, no S */
	const uint8_t min[] = { 0x00, 0x02, 0x00, 0x01, 0x00, 0x02, 0x7e };
	uint8_t bad[sizeof(data)];
	size_t cl = sizeof(ctl);
	struct l2tp_hdr h;
	enum l2tp_drop why;
	size_t i;

	CU_ASSERT(l2tp_hdr_decode(ctl, sizeof(ctl), &h, &why) == 0);
	CU_ASSERT(h.ctrl && h.tid == 0x1234 && h.sid == 0x5678);
	CU_ASSERT(h.ns == 1 && h.nr == 2 && h.hdr_len == 12 && h.length == 12);
	CU_ASSERT(l2tp_hdr_decode(data, sizeof(data), &h, &why) == 0);
	CU_ASSERT(!h.ctrl && h.prio && h.has_off && h.hdr_len == 12);
	CU_ASSERT(h.tid == 7 && h.sid == 9);
	CU_ASSERT(l2tp_hdr_decode(min, sizeof(min), &h, &why) == 0);
	CU_ASSERT(h.hdr_len == 6 && h.length == sizeof(min));
	/* every truncation of the control header fails as short */
	for (i = 0; i < sizeof(ctl); i++) {
		CU_ASSERT(l2tp_hdr_decode(ctl, i, &h, &why) == -1);
		CU_ASSERT(why == L2TP_DROP_SHORT || why == L2TP_DROP_LENGTH);
	}
	/* version 3 / L2F version 1 */
	memcpy(bad, ctl, cl);
	bad[1] = 0x03;
	CU_ASSERT(l2tp_hdr_decode(bad, cl, &h, &why) == -1);
	CU_ASSERT(why == L2TP_DROP_VERSION);
	/* control without S */
	memcpy(bad, ctl, cl);
	bad[0] = 0xc0;
	CU_ASSERT(l2tp_hdr_decode(bad, cl, &h, &why) == -1);
	CU_ASSERT(why == L2TP_DROP_CTRL_FLAGS);
	/* control with O */
	memcpy(bad, ctl, cl);
	bad[0] = 0xca;
	CU_ASSERT(l2tp_hdr_decode(bad, cl, &h, &why) == -1);
	/* length beyond the datagram; length shorter than the header */
	memcpy(bad, ctl, cl);
	bad[3] = 0x0d;
	CU_ASSERT(l2tp_hdr_decode(bad, cl, &h, &why) == -1);
	CU_ASSERT(why == L2TP_DROP_LENGTH);
	bad[3] = 0x08;
	CU_ASSERT(l2tp_hdr_decode(bad, cl, &h, &why) == -1);
	/* offset pointing past the end */
	memcpy(bad, data, sizeof(data));
	bad[9] = 0x40;
	CU_ASSERT(l2tp_hdr_decode(bad, sizeof(data), &h, &why) == -1);
}

/* ---- AVP table: every entry at min-1 and max+1 ---- */

static void
test_table_limits(void)
{
	struct l2tp_build b;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	unsigned type, n = 0;

	for (type = 0; type < L2TP_AVP_TYPE_MAX; type++) {
		const struct l2tp_avp_def *d = l2tp_avp_def(type);

		if (d == NULL || type == L2TP_AVP_MSG_TYPE)
			continue;
		n++;
		CU_ASSERT(l2tp_avp_len_ok(type, d->min_len) == 0);
		CU_ASSERT(l2tp_avp_len_ok(type, d->max_len) == 0);
		CU_ASSERT(l2tp_avp_len_ok(type, d->max_len + 1u) == -1);
		if (d->min_len > 0)
			CU_ASSERT(l2tp_avp_len_ok(type, d->min_len - 1u) == -1);
		/* the builder refuses what the table forbids */
		if (d->max_len < L2TP_AVP_VAL_MAX) {
			uint8_t z[L2TP_AVP_VAL_MAX] = { 0 };

			CU_ASSERT(l2tp_build_begin(&b, 1, 0, L2TP_MSG_HELLO,
			    NULL, 0) == 0);
			CU_ASSERT(l2tp_build_avp(&b, (uint16_t)type, z,
			    d->max_len + 1u) == -1);
			CU_ASSERT(l2tp_build_finish(&b) == -1);
			l2tp_build_free(&b);
		}
		/* on the wire, with M=1: fatal, error 2 (length) */
		if (d->max_len < L2TP_AVP_VAL_MAX) {
			one_avp(&b, L2TP_MSG_HELLO, (uint16_t)type, 1,
			    d->max_len + 1u);
			CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, "", &m, &h) ==
			    -1);
			CU_ASSERT(m.err_result_error == L2TP_ERR_LENGTH);
			CU_ASSERT(m.err_attr == type);
			l2tp_build_free(&b);
		}
		if (d->min_len > 0) {
			one_avp(&b, L2TP_MSG_HELLO, (uint16_t)type, 1,
			    d->min_len - 1u);
			CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, "", &m, &h) ==
			    -1);
			CU_ASSERT(m.err_result_error == L2TP_ERR_LENGTH);
			l2tp_build_free(&b);
			/* the same with M=0: ignored, counted (RFC 2661 7.1) */
			one_avp(&b, L2TP_MSG_HELLO, (uint16_t)type, 0,
			    d->min_len - 1u);
			CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, "", &m, &h) ==
			    0);
			CU_ASSERT(m.ignored == 1 && !l2tp_msg_has(&m, type));
			l2tp_build_free(&b);
		}
	}
	CU_ASSERT(n == 42);	/* 0..39 minus 20, 76..79, minus type 0 */
}

static void
test_unknown_avps(void)
{
	struct l2tp_build b;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	uint8_t v[2] = { 0, 1 };

	/* unknown type, M=1: error 8 (RFC 2661 4.4.2) */
	one_avp(&b, L2TP_MSG_HELLO, 20, 1, 4);
	CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, "", &m, &h) == -1);
	CU_ASSERT(m.err_result_error == L2TP_ERR_UNKNOWN_MAVP);
	CU_ASSERT(m.err_attr == 20);
	l2tp_build_free(&b);
	/* unknown type, M=0: ignored */
	one_avp(&b, L2TP_MSG_HELLO, 999, 0, 4);
	CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, "", &m, &h) == 0);
	CU_ASSERT(m.ignored == 1);
	l2tp_build_free(&b);
	/* vendor AVP with a known type number: unknown (vendor != 0) */
	CU_ASSERT(l2tp_build_begin(&b, 1, 0, L2TP_MSG_HELLO, NULL, 0) == 0);
	sso_wbuf_put_u16(&b.wb, L2TP_AVP_M | 8);
	sso_wbuf_put_u16(&b.wb, 9);	/* vendor 9 */
	sso_wbuf_put_u16(&b.wb, L2TP_AVP_ASSIGNED_TID);
	sso_wbuf_put(&b.wb, v, 2);
	CU_ASSERT(l2tp_build_finish(&b) == 0);
	CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, "", &m, &h) == -1);
	CU_ASSERT(m.err_result_error == L2TP_ERR_UNKNOWN_MAVP);
	l2tp_build_free(&b);
	/* a reserved bit set: unrecognized (4.1); M=0 so ignored */
	CU_ASSERT(l2tp_build_begin(&b, 1, 0, L2TP_MSG_HELLO, NULL, 0) == 0);
	sso_wbuf_put_u16(&b.wb, 0x0400 | 8);
	sso_wbuf_put_u16(&b.wb, 0);
	sso_wbuf_put_u16(&b.wb, L2TP_AVP_ASSIGNED_TID);
	sso_wbuf_put(&b.wb, v, 2);
	CU_ASSERT(l2tp_build_finish(&b) == 0);
	CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, "", &m, &h) == 0);
	CU_ASSERT(m.ignored == 1 && !l2tp_msg_has(&m, L2TP_AVP_ASSIGNED_TID));
	l2tp_build_free(&b);
	/* AVP length below 6, and AVP overrunning the message */
	CU_ASSERT(l2tp_build_begin(&b, 1, 0, L2TP_MSG_HELLO, NULL, 0) == 0);
	sso_wbuf_put_u16(&b.wb, 5);
	sso_wbuf_put_u16(&b.wb, 0);
	CU_ASSERT(l2tp_build_finish(&b) == 0);
	CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, "", &m, &h) == -1);
	l2tp_build_free(&b);
	CU_ASSERT(l2tp_build_begin(&b, 1, 0, L2TP_MSG_HELLO, NULL, 0) == 0);
	sso_wbuf_put_u16(&b.wb, 40);
	sso_wbuf_put_u16(&b.wb, 0);
	sso_wbuf_put_u16(&b.wb, 7);
	CU_ASSERT(l2tp_build_finish(&b) == 0);
	CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, "", &m, &h) == -1);
	CU_ASSERT(m.err_result_error == L2TP_ERR_LENGTH);
	l2tp_build_free(&b);
	/* first AVP not Message Type */
	CU_ASSERT(l2tp_build_begin(&b, 1, 0, L2TP_MSG_ZLB, NULL, 0) == 0);
	CU_ASSERT(l2tp_build_u16(&b, L2TP_AVP_ASSIGNED_TID, 5) == 0);
	CU_ASSERT(l2tp_build_finish(&b) == 0);
	CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, "", &m, &h) == -1);
	l2tp_build_free(&b);
	/* value checks: tunnel id 0, window 0, result length 3 */
	one_avp(&b, L2TP_MSG_HELLO, L2TP_AVP_ASSIGNED_TID, 1, 2);
	CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, "", &m, &h) == -1);
	CU_ASSERT(m.err_result_error == L2TP_ERR_RANGE);
	l2tp_build_free(&b);
	one_avp(&b, L2TP_MSG_HELLO, L2TP_AVP_RX_WINDOW, 1, 2);
	CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, "", &m, &h) == -1);
	l2tp_build_free(&b);
	one_avp(&b, L2TP_MSG_HELLO, L2TP_AVP_RESULT_CODE, 1, 3);
	CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, "", &m, &h) == -1);
	l2tp_build_free(&b);
	/* required AVP missing: SCCRQ with only a Message Type */
	CU_ASSERT(l2tp_build_begin(&b, 0, 0, L2TP_MSG_SCCRQ, NULL, 0) == 0);
	CU_ASSERT(l2tp_build_finish(&b) == 0);
	CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, "", &m, &h) == -1);
	CU_ASSERT(m.err_attr == L2TP_AVP_PROTO_VERSION);
	l2tp_build_free(&b);
}

/* ---- hidden AVPs (RFC 2661 4.3) ---- */

static void
test_hidden(void)
{
	const char *secret = "s3cret";
	uint8_t chal[40], got[40];
	struct l2tp_build b;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct sso_cur c;
	uint16_t sid;
	size_t i, n;

	for (i = 0; i < sizeof(chal); i++)
		chal[i] = (uint8_t)(i * 7 + 1);
	/* 1, 14, 15, 16, 17, 40 octets: across the 16-octet MD5 blocks */
	for (n = 1; n <= sizeof(chal); n += (n < 17 ? 13 : 23)) {
		CU_ASSERT(l2tp_build_begin(&b, 1, 0, L2TP_MSG_SCCRP, secret,
		    1) == 0);
		CU_ASSERT(l2tp_build_u16(&b, L2TP_AVP_PROTO_VERSION, 0x100) == 0);
		CU_ASSERT(l2tp_build_str(&b, L2TP_AVP_HOST_NAME, "lns") == 0);
		CU_ASSERT(l2tp_build_u32(&b, L2TP_AVP_FRAMING_CAP, 3) == 0);
		CU_ASSERT(l2tp_build_u16(&b, L2TP_AVP_ASSIGNED_TID, 77) == 0);
		CU_ASSERT(l2tp_build_avp(&b, L2TP_AVP_CHALLENGE, chal, n) == 0);
		CU_ASSERT(l2tp_build_u16(&b, L2TP_AVP_ASSIGNED_SID, 0xbeef) == 0);
		CU_ASSERT(l2tp_build_finish(&b) == 0);
		/* the plain challenge bytes must not appear when n >= 4 */
		if (n >= 4)
			CU_ASSERT(memmem(b.wb.buf, b.wb.len, chal, n) == NULL);
		CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, secret, &m, &h) == 0);
		CU_ASSERT(m.hidden == 4);	/* fcap, tid, chal, sid */
		CU_ASSERT(l2tp_msg_cur(&m, L2TP_AVP_CHALLENGE, &c) == 0);
		CU_ASSERT(c.len == n);
		CU_ASSERT(sso_cur_get_bytes(&c, got, n) == 0);
		CU_ASSERT(memcmp(got, chal, n) == 0);
		CU_ASSERT(l2tp_msg_u16(&m, L2TP_AVP_ASSIGNED_SID, &sid) == 0);
		CU_ASSERT(sid == 0xbeef);
		/* Host Name / Protocol Version are never hidden */
		CU_ASSERT(memmem(b.wb.buf, b.wb.len, "lns", 3) != NULL);
		/* wrong secret: garbage length -> fatal (M=1) or wrong value */
		if (decode_buf(b.wb.buf, b.wb.len, "other", &m, &h) == 0 &&
		    l2tp_msg_cur(&m, L2TP_AVP_CHALLENGE, &c) == 0 && c.len == n) {
			CU_ASSERT(sso_cur_get_bytes(&c, got, n) == 0);
			CU_ASSERT(memcmp(got, chal, n) != 0);
		}
		/* no secret at all: hidden M=1 AVPs are fatal */
		CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, "", &m, &h) == -1);
		/* first pass (NULL secret) skips them and says so */
		CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, NULL, &m, &h) == 0);
		CU_ASSERT(m.hidden_pending);
		l2tp_build_free(&b);
	}
	/* hidden AVP before any Random Vector: undecodable */
	CU_ASSERT(l2tp_build_begin(&b, 1, 0, L2TP_MSG_HELLO, NULL, 0) == 0);
	CU_ASSERT(l2tp_build_avp_raw(&b, L2TP_AVP_ASSIGNED_SID, 1, 0,
	    "\x00\x02\x00\x05", 4) == 0);
	b.wb.buf[b.wb.len - 10] |= 0x40;	/* set H on that AVP */
	CU_ASSERT(l2tp_build_finish(&b) == 0);
	CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, secret, &m, &h) == -1);
	l2tp_build_free(&b);
	/* H on an AVP that may not be hidden */
	one_avp(&b, L2TP_MSG_HELLO, L2TP_AVP_RX_WINDOW, 1, 4);
	b.wb.buf[12 + 8] |= 0x40;
	CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, secret, &m, &h) == -1);
	l2tp_build_free(&b);
}

/* RFC 2661 4.3 example structure: known-answer check of the chain */
static void
test_hide_kat(void)
{
	const uint8_t rv[4] = { 1, 2, 3, 4 };
	uint8_t buf[20], out[20], b1[16], b2[16];
	const uint8_t t[2] = { 0, 14 };
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)i;
	CU_ASSERT(l2tp_avp_hide(14, "k", rv, sizeof(rv), buf, sizeof(buf)) == 0);
	/* b1 = MD5(type + S + RV); b2 = MD5(S + c1) */
	CU_ASSERT(l2tp_md5(b1, t, 2, "k", 1, rv, 4) == 0);
	for (i = 0; i < 16; i++)
		CU_ASSERT(buf[i] == (uint8_t)(i ^ b1[i]));
	CU_ASSERT(l2tp_md5(b2, "k", 1, buf, 16, NULL, 0) == 0);
	for (i = 16; i < 20; i++)
		CU_ASSERT(buf[i] == (uint8_t)(i ^ b2[i - 16]));
	CU_ASSERT(l2tp_avp_unhide(14, "k", rv, sizeof(rv), buf, out,
	    sizeof(out)) == 0);
	for (i = 0; i < sizeof(out); i++)
		CU_ASSERT(out[i] == i);
}

static void
test_chap(void)
{
	/* MD5(0x02 || "secret" || 0x01..0x10), computed independently */
	uint8_t chal[16], r[16], want[16], id = 2;
	size_t i;

	for (i = 0; i < 16; i++)
		chal[i] = (uint8_t)(i + 1);
	CU_ASSERT(l2tp_chap_response(r, 2, "secret", chal, 16) == 0);
	CU_ASSERT(l2tp_md5(want, &id, 1, "secret", 6, chal, 16) == 0);
	CU_ASSERT(memcmp(r, want, 16) == 0);
	CU_ASSERT(l2tp_chap_response(r, 3, "secret", chal, 16) == 0);
	CU_ASSERT(memcmp(r, want, 16) != 0);
}

/* ---- golden messages ---- */

static void
put_all(struct l2tp_build *b, uint16_t type)
{
	static const uint8_t resp[16] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
	    0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00 };
	static const uint8_t lcp[] = { 0x01, 0x04, 0x05, 0xdc, 0x05, 0x06,
	    0x12, 0x34, 0x56, 0x78 };
	static const uint8_t cerr[26] = { 0, 0, 0, 0, 0, 1, 0, 0, 0, 2,
	    0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 6 };
	static const uint8_t accm[10] = { 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0,
	    0, 0 };
	static const uint8_t fo4[6] = { 0, 2, 0, 0, 0x27, 0x10 };
	static const uint8_t pair[6] = { 0, 0, 0x12, 0x34, 0x56, 0x78 };
	static const uint8_t q931[5] = { 0, 16, 1, 'h', 'i' };

	switch (type) {
	case L2TP_MSG_SCCRQ:
	case L2TP_MSG_SCCRP:
		l2tp_build_u16(b, L2TP_AVP_PROTO_VERSION, 0x0100);
		l2tp_build_u32(b, L2TP_AVP_FRAMING_CAP, 3);
		l2tp_build_u32(b, L2TP_AVP_BEARER_CAP, 3);
		l2tp_build_u16(b, L2TP_AVP_FIRMWARE_REV, 0x0100);
		l2tp_build_str(b, L2TP_AVP_HOST_NAME, type == 1 ? "lac" : "lns");
		l2tp_build_str(b, L2TP_AVP_VENDOR_NAME, "ssod");
		l2tp_build_u16(b, L2TP_AVP_ASSIGNED_TID, type == 1 ? 0x0101 :
		    0x0202);
		l2tp_build_u16(b, L2TP_AVP_RX_WINDOW, 4);
		l2tp_build_avp(b, L2TP_AVP_CHALLENGE, resp, 16);
		l2tp_build_avp(b, L2TP_AVP_FAILOVER_CAP, fo4, 6);
		if (type == L2TP_MSG_SCCRQ) {
			l2tp_build_u64(b, L2TP_AVP_TIE_BREAKER,
			    0x0102030405060708ULL);
			l2tp_build_avp(b, L2TP_AVP_TUNNEL_RECOVERY, pair, 6);
		} else
			l2tp_build_avp(b, L2TP_AVP_CHALLENGE_RESP, resp, 16);
		break;
	case L2TP_MSG_SCCCN:
		l2tp_build_avp(b, L2TP_AVP_CHALLENGE_RESP, resp, 16);
		break;
	case L2TP_MSG_STOPCCN:
		l2tp_build_u16(b, L2TP_AVP_ASSIGNED_TID, 0x0101);
		l2tp_build_result(b, 1, 0, "bye");
		break;
	case L2TP_MSG_HELLO:
		l2tp_build_avp(b, L2TP_AVP_SUGGESTED_SEQ, pair, 6);
		break;
	case L2TP_MSG_OCRQ:
		l2tp_build_u16(b, L2TP_AVP_ASSIGNED_SID, 0x0303);
		l2tp_build_u32(b, L2TP_AVP_CALL_SERIAL, 42);
		l2tp_build_u32(b, L2TP_AVP_MIN_BPS, 9600);
		l2tp_build_u32(b, L2TP_AVP_MAX_BPS, 100000000);
		l2tp_build_u32(b, L2TP_AVP_BEARER_TYPE, 2);
		l2tp_build_u32(b, L2TP_AVP_FRAMING_TYPE, 1);
		l2tp_build_str(b, L2TP_AVP_CALLED_NUMBER, "5551234");
		l2tp_build_str(b, L2TP_AVP_SUB_ADDRESS, "7");
		break;
	case L2TP_MSG_OCRP:
		l2tp_build_u16(b, L2TP_AVP_ASSIGNED_SID, 0x0404);
		l2tp_build_u32(b, L2TP_AVP_PHYS_CHANNEL, 5);
		break;
	case L2TP_MSG_OCCN:
	case L2TP_MSG_ICCN:
		l2tp_build_u32(b, L2TP_AVP_TX_SPEED, 100000000);
		l2tp_build_u32(b, L2TP_AVP_FRAMING_TYPE, 1);
		l2tp_build_u32(b, L2TP_AVP_RX_SPEED, 50000000);
		l2tp_build_avp(b, L2TP_AVP_SEQ_REQUIRED, NULL, 0);
		if (type == L2TP_MSG_OCCN)
			break;
		l2tp_build_avp(b, L2TP_AVP_INIT_RX_LCP, lcp, sizeof(lcp));
		l2tp_build_avp(b, L2TP_AVP_LAST_TX_LCP, lcp, sizeof(lcp));
		l2tp_build_avp(b, L2TP_AVP_LAST_RX_LCP, lcp, sizeof(lcp));
		l2tp_build_u16(b, L2TP_AVP_PROXY_AUTH_TYPE, 2);
		l2tp_build_str(b, L2TP_AVP_PROXY_AUTH_NAME, "user");
		l2tp_build_avp(b, L2TP_AVP_PROXY_AUTH_CHAL, resp, 16);
		l2tp_build_u16(b, L2TP_AVP_PROXY_AUTH_ID, 7);
		l2tp_build_avp(b, L2TP_AVP_PROXY_AUTH_RESP, resp, 16);
		l2tp_build_str(b, L2TP_AVP_PRIVATE_GROUP, "grp");
		break;
	case L2TP_MSG_ICRQ:
		l2tp_build_u16(b, L2TP_AVP_ASSIGNED_SID, 0x0505);
		l2tp_build_u32(b, L2TP_AVP_CALL_SERIAL, 43);
		l2tp_build_u32(b, L2TP_AVP_BEARER_TYPE, 2);
		l2tp_build_u32(b, L2TP_AVP_PHYS_CHANNEL, 6);
		l2tp_build_str(b, L2TP_AVP_CALLING_NUMBER, "5550001");
		l2tp_build_str(b, L2TP_AVP_CALLED_NUMBER, "5550002");
		l2tp_build_str(b, L2TP_AVP_SUB_ADDRESS, "9");
		break;
	case L2TP_MSG_ICRP:
		l2tp_build_u16(b, L2TP_AVP_ASSIGNED_SID, 0x0606);
		break;
	case L2TP_MSG_CDN:
		l2tp_build_result(b, 2, 8, "unknown AVP 99");
		l2tp_build_u16(b, L2TP_AVP_ASSIGNED_SID, 0x0707);
		l2tp_build_avp(b, L2TP_AVP_Q931_CAUSE, q931, sizeof(q931));
		l2tp_build_avp(b, L2TP_AVP_FAILOVER_SESSION, pair, 6);
		break;
	case L2TP_MSG_WEN:
		l2tp_build_avp(b, L2TP_AVP_CALL_ERRORS, cerr, sizeof(cerr));
		break;
	case L2TP_MSG_SLI:
		l2tp_build_avp(b, L2TP_AVP_ACCM, accm, sizeof(accm));
		break;
	default:
		break;
	}
}

static int
read_hex(const char *path, uint8_t *out, size_t max, size_t *len)
{
	FILE *f = fopen(path, "r");
	unsigned v;
	int c;

	if (f == NULL)
		return -1;
	*len = 0;
	while ((c = fgetc(f)) != EOF) {
		if (c == '#') {
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		if (c == ' ' || c == '\n' || c == '\t')
			continue;
		ungetc(c, f);
		if (fscanf(f, "%2x", &v) != 1 || *len >= max) {
			fclose(f);
			return -1;
		}
		out[(*len)++] = (uint8_t)v;
	}
	fclose(f);
	return 0;
}

static void
write_vec(const char *name, const uint8_t *p, size_t len)
{
	char path[256];
	FILE *f;
	size_t i;

	mkdir("tests/vectors", 0755);
	mkdir(VEC_DIR, 0755);
	snprintf(path, sizeof(path), VEC_DIR "/%s.hex", name);
	if ((f = fopen(path, "w")) == NULL)
		return;
	fprintf(f, "# RFC 2661 %s, built by test_l2tp_avp golden\n", name);
	for (i = 0; i < len; i++)
		fprintf(f, "%02x%s", p[i], (i % 16 == 15 || i == len - 1) ?
		    "\n" : " ");
	fclose(f);
	snprintf(path, sizeof(path), CORPUS_DIR "/%s", name);
	if ((f = fopen(path, "wb")) != NULL) {
		fwrite(p, 1, len, f);
		fclose(f);
	}
}

static void
test_golden(void)
{
	static const uint16_t types[] = { 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12,
	    14, 15, 16 };
	int write = getenv("L2TP_WRITE_VECTORS") != NULL;
	uint8_t want[4096];
	uint64_t seen = 0, all = 0;
	struct l2tp_build b;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	size_t i, wlen = 0;
	unsigned t;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		uint16_t ty = types[i];
		const struct l2tp_msg_def *md = l2tp_msg_def(ty);

		CU_ASSERT_FATAL(md != NULL);
		CU_ASSERT(l2tp_build_begin(&b, 0x1234, md->scope ==
		    L2TP_SCOPE_SESSION ? 0x5678 : 0, ty, NULL, 0) == 0);
		put_all(&b, ty);
		CU_ASSERT_FATAL(l2tp_build_finish(&b) == 0);
		l2tp_hdr_set_ns_nr(b.wb.buf, 1, 2);
		if (write)
			write_vec(md->name, b.wb.buf, b.wb.len);
		else {
			char path[256];

			snprintf(path, sizeof(path), VEC_DIR "/%s.hex",
			    md->name);
			CU_ASSERT_FATAL(read_hex(path, want, sizeof(want),
			    &wlen) == 0);
			CU_ASSERT(wlen == b.wb.len);
			CU_ASSERT(wlen == b.wb.len &&
			    memcmp(want, b.wb.buf, wlen) == 0);
		}
		/* decodes, with every required AVP, and nothing ignored */
		CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, "", &m, &h) == 0);
		CU_ASSERT(m.type == ty && m.type_mbit && m.ignored == 0);
		CU_ASSERT((m.present & md->required) == md->required);
		CU_ASSERT(h.ns == 1 && h.nr == 2 && h.tid == 0x1234);
		seen |= m.present;
		l2tp_build_free(&b);
	}
	/* every AVP in the table appears in some golden message */
	for (t = 0; t < L2TP_AVP_TYPE_MAX; t++)
		if (l2tp_avp_def(t) != NULL && t != L2TP_AVP_RANDOM_VECTOR)
			all |= L2TP_AVPBIT(t);
	CU_ASSERT((seen & all) == all);
}

static void
test_accessors(void)
{
	struct l2tp_build b;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	uint16_t r, e;
	char text[8], name[4];

	CU_ASSERT(l2tp_build_begin(&b, 1, 0, L2TP_MSG_STOPCCN, NULL, 0) == 0);
	CU_ASSERT(l2tp_build_u16(&b, L2TP_AVP_ASSIGNED_TID, 9) == 0);
	CU_ASSERT(l2tp_build_result(&b, 2, 8, "a long message") == 0);
	CU_ASSERT(l2tp_build_str(&b, L2TP_AVP_HOST_NAME, "hostname") == 0);
	CU_ASSERT(l2tp_build_finish(&b) == 0);
	CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, "", &m, &h) == 0);
	CU_ASSERT(l2tp_msg_result(&m, &r, &e, text, sizeof(text)) == 0);
	CU_ASSERT(r == 2 && e == 8 && strcmp(text, "a long ") == 0);
	CU_ASSERT(l2tp_msg_str(&m, L2TP_AVP_HOST_NAME, name, sizeof(name))
	    == 0);
	CU_ASSERT(strcmp(name, "hos") == 0);
	CU_ASSERT(l2tp_msg_u16(&m, L2TP_AVP_ASSIGNED_SID, &r) == -1);
	l2tp_build_free(&b);
	/* result code without error code */
	CU_ASSERT(l2tp_build_begin(&b, 1, 0, L2TP_MSG_STOPCCN, NULL, 0) == 0);
	CU_ASSERT(l2tp_build_u16(&b, L2TP_AVP_ASSIGNED_TID, 9) == 0);
	CU_ASSERT(l2tp_build_result(&b, 1, 0, NULL) == 0);
	CU_ASSERT(l2tp_build_finish(&b) == 0);
	CU_ASSERT(b.wb.len == 12 + 8 + 8 + 8);
	CU_ASSERT(decode_buf(b.wb.buf, b.wb.len, "", &m, &h) == 0);
	CU_ASSERT(l2tp_msg_result(&m, &r, &e, NULL, 0) == 0);
	CU_ASSERT(r == 1 && e == 0);
	l2tp_build_free(&b);
	CU_ASSERT(strcmp(l2tp_msg_name(L2TP_MSG_ICCN), "ICCN") == 0);
	CU_ASSERT(strcmp(l2tp_msg_name(5), "unknown") == 0);
	CU_ASSERT(strcmp(l2tp_avp_name(79), "Failover Session State") == 0);
}

static void
test_seq(void)
{
	/* RFC 2661 5.8 example: last 15 -> 0..15 and 32784..65535 are <= */
	CU_ASSERT(l2tp_seq_le(0, 15) && l2tp_seq_le(15, 15));
	CU_ASSERT(l2tp_seq_le(32784, 15) && l2tp_seq_le(65535, 15));
	CU_ASSERT(!l2tp_seq_le(16, 15) && !l2tp_seq_le(32783, 15));
	/* around the wrap */
	CU_ASSERT(l2tp_seq_lt(65535, 0));
	CU_ASSERT(l2tp_seq_lt(65530, 3));
	CU_ASSERT(!l2tp_seq_lt(3, 65530));
	CU_ASSERT(!l2tp_seq_lt(7, 7));
	CU_ASSERT(l2tp_seq_dist(65534, 2) == 4);
	CU_ASSERT(l2tp_seq_dist(2, 65534) == 65532);
	/* the 32768 boundary: exactly half way is "greater" per 5.8 */
	CU_ASSERT(!l2tp_seq_le(0, 32768));
	CU_ASSERT(l2tp_seq_le(1, 32768));
}

/* the pool in front of RAND_bytes: every length, no byte served twice */
static void
test_random(void)
{
	uint8_t a[64], b[64], big[300];
	unsigned i, same = 0;
	size_t n;

	for (n = 1; n <= sizeof(a); n++) {
		memset(a, 0, sizeof(a));
		memset(b, 0, sizeof(b));
		CU_ASSERT_FATAL(l2tp_random(a, n) == 0);
		CU_ASSERT_FATAL(l2tp_random(b, n) == 0);
		if (n >= 8)
			CU_ASSERT(memcmp(a, b, n) != 0);
		for (i = (unsigned)n; i < sizeof(a); i++)
			CU_ASSERT(a[i] == 0 && b[i] == 0);	/* no overrun */
	}
	/* across refills (256 bytes a pool): 2-byte draws stay distinct
	 * in sequence far more often than not */
	for (i = 0; i < 1000; i++) {
		CU_ASSERT_FATAL(l2tp_random(a, 2) == 0);
		CU_ASSERT_FATAL(l2tp_random(b, 2) == 0);
		same += memcmp(a, b, 2) == 0;
	}
	CU_ASSERT(same < 10);
	/* larger than the pool serves: straight from the DRBG */
	memset(big, 0, sizeof(big));
	CU_ASSERT(l2tp_random(big, sizeof(big)) == 0);
	for (i = 0, n = 0; i < sizeof(big); i++)
		n += big[i] == 0;
	CU_ASSERT(n < 20);
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_avp", NULL, NULL);

	CU_add_test(s, "header", test_header);
	CU_add_test(s, "table_limits", test_table_limits);
	CU_add_test(s, "unknown_avps", test_unknown_avps);
	CU_add_test(s, "hidden", test_hidden);
	CU_add_test(s, "hide_kat", test_hide_kat);
	CU_add_test(s, "chap", test_chap);
	CU_add_test(s, "golden", test_golden);
	CU_add_test(s, "accessors", test_accessors);
	CU_add_test(s, "seq", test_seq);
	CU_add_test(s, "random", test_random);
}
