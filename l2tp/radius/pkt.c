/*
 * pkt.c - RADIUS packets: header parse, encode, and every authenticator
 * in one place (RFC 2865 3 and 5.2, RFC 2866 3, RFC 3579 3.2,
 * RFC 5176 2.3 and 3.3). MD5 and HMAC-MD5 through OpenSSL EVP; digests
 * are compared in constant time (CRYPTO_memcmp).
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "md5.h"
#include "rad_local.h"

static const uint8_t zero16[RAD_AUTH_LEN];

int
rad_hmac_md5(uint8_t out[16], const char *key, const void *buf, size_t len)
{
	unsigned int olen = 0;

	if (HMAC(EVP_md5(), key, (int)strlen(key), buf, len, out, &olen) ==
	    NULL || olen != 16)
		return -1;
	return 0;
}

int
rad_ct_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

int
rad_random(void *p, size_t n)
{
	return RAND_bytes(p, (int)n) == 1 ? 0 : -1;
}

const char *
rad_err_name(int e)
{
	static const char *const names[RAD_E_MAX] = {
		[RAD_E_OK] = "ok", [RAD_E_SHORT] = "short packet",
		[RAD_E_LENGTH] = "bad length", [RAD_E_ATTR] = "bad attribute",
		[RAD_E_AUTH] = "bad authenticator",
		[RAD_E_MSGAUTH] = "bad message-authenticator",
		[RAD_E_CODE] = "unexpected code",
		[RAD_E_UNKNOWN] = "unknown request",
		[RAD_E_STALE] = "stale event-timestamp",
	};

	return e >= 0 && e < RAD_E_MAX ? names[e] : "unknown";
}

/* ---- User-Password (RFC 2865 5.2) ---- */

int
rad_pw_hide(const char *pw, const char *key, const uint8_t ra[16],
    uint8_t *out, size_t *outlen)
{
	size_t plen = strlen(pw), n, off, i, klen = strlen(key);
	uint8_t b[16];

	if (plen > RAD_PW_MAX)
		return -1;
	n = plen == 0 ? 16 : (plen + 15) & ~(size_t)15;
	memset(out, 0, n);
	memcpy(out, pw, plen);
	for (off = 0; off < n; off += 16) {
		if (sso_md5(b, key, klen, off == 0 ? ra : out + off - 16, 16,
		    NULL, 0, NULL, 0) == -1)
			return -1;
		for (i = 0; i < 16; i++)
			out[off + i] ^= b[i];
	}
	OPENSSL_cleanse(b, sizeof(b));
	*outlen = n;
	return 0;
}

int
rad_pw_unhide(const uint8_t *in, size_t len, const char *key,
    const uint8_t ra[16], char *out, size_t outsz)
{
	size_t off, i, klen = strlen(key);
	uint8_t b[16];

	if (len < 16 || len > RAD_PW_MAX || len % 16 != 0 || outsz <= len)
		return -1;
	for (off = 0; off < len; off += 16) {
		if (sso_md5(b, key, klen, off == 0 ? ra : in + off - 16, 16,
		    NULL, 0, NULL, 0) == -1)
			return -1;
		for (i = 0; i < 16; i++)
			out[off + i] = (char)(in[off + i] ^ b[i]);
	}
	out[len] = '\0';
	OPENSSL_cleanse(b, sizeof(b));
	return 0;
}

/* ---- parse ---- */

int
rad_pkt_parse(struct rad_pkt *p, const void *buf, size_t len)
{
	struct sso_cur c;
	uint16_t l;
	unsigned bad;

	sso_cur_init(&c, buf, len);
	if (sso_cur_get_u8(&c, &p->code) == -1 ||
	    sso_cur_get_u8(&c, &p->id) == -1 ||
	    sso_cur_get_u16(&c, &l) == -1 ||
	    sso_cur_get_bytes(&c, p->auth, RAD_AUTH_LEN) == -1)
		return RAD_E_SHORT;
	if (l < RAD_HDR_LEN || l > RAD_PKT_MAX)
		return RAD_E_LENGTH;
	/* RFC 2865 3: shorter than Length: silently discarded; octets
	 * beyond Length are padding and ignored */
	if (l > len)
		return RAD_E_SHORT;
	p->attrs.len = l - RAD_HDR_LEN;
	p->attrs.err = 0;
	if (sso_cur_get_bytes(&c, p->attrs.buf, p->attrs.len) == -1)
		return RAD_E_SHORT;
	if (rad_attrs_check(p->attrs.buf, p->attrs.len, &bad) == -1)
		return RAD_E_ATTR;
	return RAD_E_OK;
}

/* ---- encode ---- */

static int
is_request(uint8_t code)
{
	return code == RAD_ACCESS_REQUEST || code == RAD_ACCT_REQUEST ||
	    code == RAD_DISCONNECT_REQUEST || code == RAD_COA_REQUEST;
}

static int
put_attr(uint8_t *out, size_t *o, uint8_t type, const void *v, size_t n)
{
	if (n > RAD_VAL_MAX || *o + 2 + n > RAD_PKT_MAX)
		return -1;
	out[(*o)++] = type;
	out[(*o)++] = (uint8_t)(2 + n);
	memcpy(out + *o, v, n);
	*o += n;
	return 0;
}

/*
 * MA first (BlastRADIUS hardening: the attribute the server checks before
 * any other), then the hidden password, then the caller's attributes.
 */
static ssize_t
encode_body(struct rad_pkt *p, const char *key, const char *pw, int msgauth,
    uint8_t *out, size_t *ma_off)
{
	uint8_t hidden[RAD_PW_MAX];
	size_t o = RAD_HDR_LEN, hl;
	int err = 0;

	*ma_off = 0;
	if (msgauth) {
		*ma_off = o + 2;
		err |= put_attr(out, &o, RAD_MESSAGE_AUTHENTICATOR, zero16, 16);
	}
	if (pw != NULL) {
		if (p->code != RAD_ACCESS_REQUEST ||
		    rad_pw_hide(pw, key, p->auth, hidden, &hl) == -1)
			return -1;
		err |= put_attr(out, &o, RAD_USER_PASSWORD, hidden, hl);
		OPENSSL_cleanse(hidden, sizeof(hidden));
	}
	if (p->attrs.err || o + p->attrs.len > RAD_PKT_MAX || err)
		return -1;
	memcpy(out + o, p->attrs.buf, p->attrs.len);
	o += p->attrs.len;
	out[0] = p->code;
	out[1] = p->id;
	out[2] = (uint8_t)(o >> 8);
	out[3] = (uint8_t)o;
	return (ssize_t)o;
}

ssize_t
rad_pkt_encode(struct rad_pkt *p, const char *key, const char *pw,
    int msgauth, const uint8_t *req_auth, uint8_t *out)
{
	size_t ma_off;
	ssize_t n;
	uint8_t d[16];

	if ((n = encode_body(p, key, pw, msgauth, out, &ma_off)) == -1)
		return -1;
	/* the Authenticator field while the MA is computed: RFC 3579 3.2
	 * (Access-Request: its own; replies: the request's), RFC 5176 3.3
	 * and RFC 2866 (other requests: zero) */
	if (p->code == RAD_ACCESS_REQUEST)
		memcpy(out + 4, p->auth, 16);
	else if (is_request(p->code))
		memset(out + 4, 0, 16);
	else if (req_auth != NULL)
		memcpy(out + 4, req_auth, 16);
	else
		return -1;
	if (ma_off) {
		if (rad_hmac_md5(d, key, out, (size_t)n) == -1)
			return -1;
		memcpy(out + ma_off, d, 16);
	}
	if (p->code != RAD_ACCESS_REQUEST) {
		if (sso_md5(d, out, (size_t)n, key, strlen(key), NULL, 0, NULL,
		    0) == -1)
			return -1;
		memcpy(out + 4, d, 16);
		memcpy(p->auth, d, 16);
	}
	return n;
}

/* ---- verify ---- */

/* header Length within the datagram, or -1 */
static ssize_t
hdr_len(const uint8_t *buf, size_t len)
{
	size_t l;

	if (len < RAD_HDR_LEN)
		return -1;
	l = (size_t)buf[2] << 8 | buf[3];
	if (l < RAD_HDR_LEN || l > len || l > RAD_PKT_MAX)
		return -1;
	return (ssize_t)l;
}

/* find the Message-Authenticator's value offset: 0 none, -1 malformed */
static ssize_t
find_ma(const uint8_t *buf, size_t l)
{
	struct rad_iter it;
	struct sso_cur v;
	uint8_t t;
	int r;

	rad_iter_init(&it, buf + RAD_HDR_LEN, l - RAD_HDR_LEN);
	while ((r = rad_iter_next(&it, &t, &v)) == 1)
		if (t == RAD_MESSAGE_AUTHENTICATOR)
			return v.len == 16 ? v.p - buf : -1;
	return r == 0 ? 0 : -1;
}

/* the MA over buf with the Authenticator field replaced by `auth` */
static int
check_ma(const uint8_t *buf, size_t l, const uint8_t auth[16],
    const char *key, int need)
{
	uint8_t tmp[RAD_PKT_MAX], d[16];
	ssize_t off = find_ma(buf, l);

	if (off == -1 || (off == 0 && need))
		return RAD_E_MSGAUTH;
	if (off == 0)
		return RAD_E_OK;
	memcpy(tmp, buf, l);
	memcpy(tmp + 4, auth, 16);
	memset(tmp + off, 0, 16);
	if (rad_hmac_md5(d, key, tmp, l) == -1 ||
	    !rad_ct_equal(d, buf + off, 16))
		return RAD_E_MSGAUTH;
	return RAD_E_OK;
}

/* MD5(Code+Identifier+Length + auth + Attributes + Secret) == buf[4..20] */
static int
check_auth(const uint8_t *buf, size_t l, const uint8_t auth[16],
    const char *key)
{
	uint8_t d[16];

	if (sso_md5(d, buf, 4, auth, 16, buf + RAD_HDR_LEN, l - RAD_HDR_LEN,
	    key, strlen(key)) == -1 || !rad_ct_equal(d, buf + 4, 16))
		return RAD_E_AUTH;
	return RAD_E_OK;
}

int
rad_reply_verify(const uint8_t *buf, size_t len, const uint8_t ra[16],
    const char *key, int need_ma)
{
	ssize_t l = hdr_len(buf, len);
	int e;

	if (l == -1)
		return RAD_E_SHORT;
	if ((e = check_auth(buf, (size_t)l, ra, key)) != RAD_E_OK)
		return e;
	return check_ma(buf, (size_t)l, ra, key, need_ma);
}

int
rad_request_verify(const uint8_t *buf, size_t len, const char *key)
{
	ssize_t l = hdr_len(buf, len);
	int e;

	if (l == -1)
		return RAD_E_SHORT;
	if (buf[0] == RAD_ACCESS_REQUEST)
		return check_ma(buf, (size_t)l, buf + 4, key, 1);
	if ((e = check_auth(buf, (size_t)l, zero16, key)) != RAD_E_OK)
		return e;
	return check_ma(buf, (size_t)l, zero16, key, 0);
}
