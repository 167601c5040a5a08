/*
 * test_radius.c - librad: RFC 2865 7.1 packets and the 7.2 request as vectors, User-Password
 * hiding at 16/17/128 octets, Message-Authenticator, response and request
 * authenticators, every table attribute at its length -1/+1, accounting
 * records, the RFC 5176 codec with its duplicate cache, and the client on
 * a real libev loop against fake servers on loopback UDP: identifier wrap
 * and extra source ports, the retransmit schedule, failover, dead marking
 * and revive, the dead criterion, the max_outstanding window.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>
#include <openssl/hmac.h>

#include "runner.h"
#include "log.h"
#include "render.h"
#include "rad_local.h"

static size_t
unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned v;

	while (*s) {
		if (*s == ' ' || *s == '\n') {
			s++;
			continue;
		}
		if (sscanf(s, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* RFC 2865 7.1: User Telnet to Specified Host (secret "xyzzy5461") */
static const char rfc71_req[] =
    "01 00 00 38 0f 40 3f 94 73 97 80 57 bd 83 d5 cb"
    "98 f4 22 7a 01 06 6e 65 6d 6f 02 12 0d be 70 8d"
    "93 d4 13 ce 31 96 e4 3f 78 2a 0a ee 04 06 c0 a8"
    "01 10 05 06 00 00 00 03";
static const char rfc71_resp[] =
    "02 00 00 26 86 fe 22 0e 76 24 ba 2a 10 05 f6 bf"
    "9b 55 e0 b2 06 06 00 00 00 01 0f 06 00 00 00 00"
    "0e 06 c0 a8 01 03";
/* RFC 2865 7.2: Framed User Authenticating with CHAP */
static const char rfc72_req[] =
    "01 01 00 47 2a ee 86 f0 8d 0d 55 96 9c a5 97 8e"
    "0d 33 67 a2 01 08 66 6c 6f 70 73 79 03 13 16 e9"
    "75 57 c3 16 18 58 95 f2 93 ff 63 44 07 72 75 04"
    "06 c0 a8 01 10 05 06 00 00 00 14 06 06 00 00 00"
    "02 07 06 00 00 00 01";
#define KEY	"xyzzy5461"

static void
test_rfc71_request(void)
{
	uint8_t want[128], out[RAD_PKT_MAX], hidden[RAD_PW_MAX];
	size_t wl = unhex(rfc71_req, want), hl;
	struct rad_pkt p;
	struct in_addr nas;
	char pw[RAD_PW_MAX + 1], user[16];
	uint32_t port;
	struct sso_cur v;

	/* build it: the same bytes as the RFC */
	memset(&p, 0, sizeof(p));
	p.code = RAD_ACCESS_REQUEST;
	p.id = 0;
	memcpy(p.auth, want + 4, 16);
	rad_av_init(&p.attrs);
	rad_av_put_str(&p.attrs, RAD_USER_NAME, "nemo");
	CU_ASSERT_EQUAL(rad_pw_hide("arctangent", KEY, p.auth, hidden, &hl), 0);
	CU_ASSERT_EQUAL(hl, 16);
	rad_av_put(&p.attrs, RAD_USER_PASSWORD, hidden, hl);
	inet_pton(AF_INET, "192.168.1.16", &nas);
	rad_av_put_ip(&p.attrs, RAD_NAS_IP_ADDRESS, nas);
	rad_av_put_u32(&p.attrs, RAD_NAS_PORT, 3);
	CU_ASSERT_EQUAL(rad_pkt_encode(&p, KEY, NULL, 0, NULL, out),
	    (ssize_t)wl);
	CU_ASSERT_EQUAL(memcmp(out, want, wl), 0);

	/* parse it back: the server's view */
	CU_ASSERT_EQUAL(rad_pkt_parse(&p, want, wl), RAD_E_OK);
	CU_ASSERT_EQUAL(rad_pkt_get_str(&p, RAD_USER_NAME, user, sizeof(user)),
	    0);
	CU_ASSERT_STRING_EQUAL(user, "nemo");
	CU_ASSERT_EQUAL(rad_pkt_find(&p, RAD_USER_PASSWORD, 0, &v), 0);
	CU_ASSERT_EQUAL(rad_pw_unhide(v.p, v.len, KEY, p.auth, pw, sizeof(pw)),
	    0);
	CU_ASSERT_STRING_EQUAL(pw, "arctangent");
	CU_ASSERT_EQUAL(rad_pkt_get_u32(&p, RAD_NAS_PORT, &port), 0);
	CU_ASSERT_EQUAL(port, 3);
	/* the server's Access-Request: only a Message-Authenticator can be
	 * checked, and there is none */
	CU_ASSERT_EQUAL(rad_request_verify(want, wl, KEY), RAD_E_MSGAUTH);
}

static void
test_rfc71_response(void)
{
	uint8_t req[128], want[128], out[RAD_PKT_MAX];
	size_t rl = unhex(rfc71_req, req), wl = unhex(rfc71_resp, want);
	struct rad_pkt p;
	struct in_addr host;
	uint32_t v;

	(void)rl;
	CU_ASSERT_EQUAL(rad_reply_verify(want, wl, req + 4, KEY, 0), RAD_E_OK);
	CU_ASSERT_EQUAL(rad_reply_verify(want, wl, req + 4, KEY, 1),
	    RAD_E_MSGAUTH);
	CU_ASSERT_EQUAL(rad_reply_verify(want, wl, req + 4, "xyzzy5462", 0),
	    RAD_E_AUTH);
	CU_ASSERT_EQUAL(rad_pkt_parse(&p, want, wl), RAD_E_OK);
	CU_ASSERT_EQUAL(p.code, RAD_ACCESS_ACCEPT);
	CU_ASSERT_EQUAL(rad_pkt_get_u32(&p, RAD_SERVICE_TYPE, &v), 0);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(rad_pkt_get_ip(&p, RAD_LOGIN_IP_HOST, &host), 0);
	CU_ASSERT_EQUAL(ntohl(host.s_addr), 0xc0a80103);

	/* build it as a server would: same bytes */
	memset(&p, 0, sizeof(p));
	p.code = RAD_ACCESS_ACCEPT;
	rad_av_put_u32(&p.attrs, RAD_SERVICE_TYPE, 1);
	rad_av_put_u32(&p.attrs, RAD_LOGIN_SERVICE, 0);
	rad_av_put_ip(&p.attrs, RAD_LOGIN_IP_HOST, host);
	CU_ASSERT_EQUAL(rad_pkt_encode(&p, KEY, NULL, 0, req + 4, out),
	    (ssize_t)wl);
	CU_ASSERT_EQUAL(memcmp(out, want, wl), 0);
	/* a reply must not be encodable without its request's authenticator */
	CU_ASSERT_EQUAL(rad_pkt_encode(&p, KEY, NULL, 0, NULL, out), -1);
}

/*
 * RFC 2865 7.2's request as a vector; its Access-Accept is rebuilt from
 * the attributes the RFC lists (Service-Type Framed, Framed-Protocol PPP,
 * Framed-IP-Address 255.255.255.254, Framed-Routing None,
 * Framed-Compression VJ, Framed-MTU 1500) and checked both ways.
 */
static void
test_rfc72_chap(void)
{
	uint8_t req[128], resp[RAD_PKT_MAX];
	size_t rl = unhex(rfc72_req, req);
	struct rad_pkt p;
	struct sso_cur v;
	uint8_t ident;
	struct in_addr ip;
	uint32_t mtu;
	ssize_t n;
	size_t pl;

	CU_ASSERT_EQUAL(rad_pkt_parse(&p, req, rl), RAD_E_OK);
	CU_ASSERT_EQUAL(p.id, 1);
	CU_ASSERT_EQUAL(rad_pkt_find(&p, RAD_CHAP_PASSWORD, 0, &v), 0);
	CU_ASSERT_EQUAL(v.len, 17);
	CU_ASSERT_EQUAL(sso_cur_get_u8(&v, &ident), 0);
	CU_ASSERT_EQUAL(ident, 0x16);
	/* no CHAP-Challenge: the Request Authenticator is the challenge */
	CU_ASSERT_EQUAL(rad_pkt_find(&p, RAD_CHAP_CHALLENGE, 0, &v), -1);
	CU_ASSERT_EQUAL(rad_pkt_get_u32(&p, RAD_NAS_PORT, &mtu), 0);
	CU_ASSERT_EQUAL(mtu, 20);

	memset(&p, 0, sizeof(p));
	p.code = RAD_ACCESS_ACCEPT;
	p.id = 1;
	rad_av_put_u32(&p.attrs, RAD_SERVICE_TYPE, 2);
	rad_av_put_u32(&p.attrs, RAD_FRAMED_PROTOCOL, 1);
	ip.s_addr = htonl(0xfffffffe);
	rad_av_put_ip(&p.attrs, RAD_FRAMED_IP_ADDRESS, ip);
	rad_av_put_u32(&p.attrs, RAD_FRAMED_ROUTING, 0);
	rad_av_put_u32(&p.attrs, RAD_FRAMED_COMPRESSION, 1);
	rad_av_put_u32(&p.attrs, RAD_FRAMED_MTU, 1500);
	n = rad_pkt_encode(&p, KEY, NULL, 0, req + 4, resp);
	CU_ASSERT_EQUAL_FATAL(n, 56);	/* the RFC's Length: 0x38 */
	pl = (size_t)n;
	CU_ASSERT_EQUAL(rad_reply_verify(resp, pl, req + 4, KEY, 0), RAD_E_OK);
	CU_ASSERT_EQUAL(rad_pkt_parse(&p, resp, pl), RAD_E_OK);
	CU_ASSERT_EQUAL(rad_pkt_get_ip(&p, RAD_FRAMED_IP_ADDRESS, &ip), 0);
	CU_ASSERT_EQUAL(ip.s_addr, htonl(0xfffffffe));
	CU_ASSERT_EQUAL(rad_pkt_get_u32(&p, RAD_FRAMED_MTU, &mtu), 0);
	CU_ASSERT_EQUAL(mtu, 1500);
	/* one flipped octet anywhere breaks the Response Authenticator */
	resp[pl - 1] ^= 1;
	CU_ASSERT_EQUAL(rad_reply_verify(resp, pl, req + 4, KEY, 0), RAD_E_AUTH);
	resp[pl - 1] ^= 1;
	resp[1] ^= 1;
	CU_ASSERT_EQUAL(rad_reply_verify(resp, pl, req + 4, KEY, 0), RAD_E_AUTH);
	resp[1] ^= 1;
	/* against another request's authenticator */
	req[4] ^= 1;
	CU_ASSERT_EQUAL(rad_reply_verify(resp, pl, req + 4, KEY, 0), RAD_E_AUTH);
	req[4] ^= 1;
	/* Length beyond the datagram */
	CU_ASSERT_EQUAL(rad_reply_verify(resp, pl - 1, req + 4, KEY, 0),
	    RAD_E_SHORT);
}

/* independent: c1 = p1 ^ MD5(S + RA), c2 = p2 ^ MD5(S + c1), ... */
static void
pw_reference(const char *pw, size_t n, const uint8_t ra[16], uint8_t *out)
{
	uint8_t b[16];
	size_t off, i;
	EVP_MD_CTX *x = EVP_MD_CTX_new();

	memset(out, 0, n);
	memcpy(out, pw, strlen(pw));
	for (off = 0; off < n; off += 16) {
		EVP_DigestInit_ex(x, EVP_md5(), NULL);
		EVP_DigestUpdate(x, KEY, strlen(KEY));
		EVP_DigestUpdate(x, off ? out + off - 16 : ra, 16);
		EVP_DigestFinal_ex(x, b, NULL);
		for (i = 0; i < 16; i++)
			out[off + i] ^= b[i];
	}
	EVP_MD_CTX_free(x);
}

static void
test_password_hiding(void)
{
	static const size_t lens[] = { 16, 17, 128 };
	uint8_t ra[16], got[RAD_PW_MAX], want[RAD_PW_MAX];
	char pw[RAD_PW_MAX + 2], back[RAD_PW_MAX + 1];
	size_t i, n;

	memset(ra, 0xa5, sizeof(ra));
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(pw, 0, sizeof(pw));
		for (n = 0; n < lens[i]; n++)
			pw[n] = (char)('a' + n % 26);
		CU_ASSERT_EQUAL(rad_pw_hide(pw, KEY, ra, got, &n), 0);
		CU_ASSERT_EQUAL(n, (lens[i] + 15) / 16 * 16);
		pw_reference(pw, n, ra, want);
		CU_ASSERT_EQUAL(memcmp(got, want, n), 0);
		CU_ASSERT_EQUAL(rad_pw_unhide(got, n, KEY, ra, back,
		    sizeof(back)), 0);
		CU_ASSERT_STRING_EQUAL(back, pw);
	}
	memset(pw, 'x', 129);
	pw[129] = '\0';
	CU_ASSERT_EQUAL(rad_pw_hide(pw, KEY, ra, got, &n), -1);
	CU_ASSERT_EQUAL(rad_pw_unhide(got, 15, KEY, ra, back, sizeof(back)),
	    -1);
	CU_ASSERT_EQUAL(rad_pw_unhide(got, 24, KEY, ra, back, sizeof(back)),
	    -1);
}

static void
test_message_authenticator(void)
{
	struct rad_pkt p;
	uint8_t out[RAD_PKT_MAX], tmp[RAD_PKT_MAX], d[16], rep[RAD_PKT_MAX];
	ssize_t n, m;
	unsigned int dl;

	memset(&p, 0, sizeof(p));
	p.code = RAD_ACCESS_REQUEST;
	p.id = 7;
	rad_random(p.auth, 16);
	rad_av_put_str(&p.attrs, RAD_USER_NAME, "bob");
	n = rad_pkt_encode(&p, KEY, "hello", 1, NULL, out);
	CU_ASSERT_FATAL(n > 0);
	/* MA is the first attribute; recompute it independently */
	CU_ASSERT_EQUAL(out[20], RAD_MESSAGE_AUTHENTICATOR);
	CU_ASSERT_EQUAL(out[21], 18);
	memcpy(tmp, out, (size_t)n);
	memset(tmp + 22, 0, 16);
	HMAC(EVP_md5(), KEY, (int)strlen(KEY), tmp, (size_t)n, d, &dl);
	CU_ASSERT_EQUAL(memcmp(d, out + 22, 16), 0);
	CU_ASSERT_EQUAL(rad_request_verify(out, (size_t)n, KEY), RAD_E_OK);
	out[n - 1] ^= 1;
	CU_ASSERT_EQUAL(rad_request_verify(out, (size_t)n, KEY), RAD_E_MSGAUTH);
	out[n - 1] ^= 1;

	/* a reply with an MA: computed over the request's authenticator */
	memset(&p, 0, sizeof(p));
	p.code = RAD_ACCESS_REJECT;
	p.id = 7;
	rad_av_put_str(&p.attrs, RAD_REPLY_MESSAGE, "no");
	m = rad_pkt_encode(&p, KEY, NULL, 1, out + 4, rep);
	CU_ASSERT_FATAL(m > 0);
	CU_ASSERT_EQUAL(rad_reply_verify(rep, (size_t)m, out + 4, KEY, 1),
	    RAD_E_OK);
	/* a forged MA with a correct Response Authenticator: still refused */
	rep[22] ^= 1;
	memset(&p, 0, sizeof(p));
	memcpy(tmp, rep, (size_t)m);
	memcpy(tmp + 4, out + 4, 16);
	sso_md5(d, tmp, (size_t)m, KEY, strlen(KEY), NULL, 0, NULL, 0);
	memcpy(rep + 4, d, 16);
	CU_ASSERT_EQUAL(rad_reply_verify(rep, (size_t)m, out + 4, KEY, 0),
	    RAD_E_MSGAUTH);
	/* MA with a bad length is malformed */
	CU_ASSERT_EQUAL(rad_pkt_parse(&p, rep, (size_t)m), RAD_E_OK);
}

/* one packet with a single attribute of value length n */
static int
parse_one(uint8_t type, size_t n, const uint8_t *val)
{
	uint8_t b[RAD_PKT_MAX];
	struct rad_pkt p;
	size_t l = RAD_HDR_LEN + 2 + n;

	memset(b, 0, sizeof(b));
	b[0] = RAD_ACCESS_ACCEPT;
	b[2] = (uint8_t)(l >> 8);
	b[3] = (uint8_t)l;
	b[20] = type;
	b[21] = (uint8_t)(2 + n);
	if (val)
		memcpy(b + 22, val, n);
	else
		memset(b + 22, 'a', n);
	return rad_pkt_parse(&p, b, l);
}

static void
test_attr_lengths(void)
{
	unsigned t, checked = 0;
	const struct rad_attr_def *d;
	uint8_t vsa[RAD_VAL_MAX];

	for (t = 0; t < RAD_TYPE_MAX; t++) {
		if ((d = rad_attr_def(t)) == NULL) {
			/* unknown: skipped at any length */
			CU_ASSERT_EQUAL(parse_one((uint8_t)t, 0, NULL), RAD_E_OK);
			continue;
		}
		memset(vsa, 'a', sizeof(vsa));
		if (d->kind == RAD_K_VSA)	/* vendor 0x61616161: opaque */
			vsa[0] = 0;
		CU_ASSERT_EQUAL(parse_one((uint8_t)t, d->min_len, vsa),
		    RAD_E_OK);
		CU_ASSERT_EQUAL(parse_one((uint8_t)t, d->max_len, vsa),
		    RAD_E_OK);
		if (d->min_len > 0)
			CU_ASSERT_EQUAL(parse_one((uint8_t)t, d->min_len - 1,
			    vsa), RAD_E_ATTR);
		if (d->max_len < RAD_VAL_MAX)
			CU_ASSERT_EQUAL(parse_one((uint8_t)t, d->max_len + 1,
			    vsa), RAD_E_ATTR);
		checked++;
	}
	CU_ASSERT(checked >= 56);	/* every row of the table */
}

static void
test_packet_structure(void)
{
	uint8_t b[64];
	struct rad_pkt p;

	memset(b, 0, sizeof(b));
	b[0] = 2;
	b[3] = 19;
	CU_ASSERT_EQUAL(rad_pkt_parse(&p, b, 20), RAD_E_LENGTH);
	CU_ASSERT_EQUAL(rad_pkt_parse(&p, b, 19), RAD_E_SHORT);
	b[3] = 30;	/* Length beyond the datagram */
	CU_ASSERT_EQUAL(rad_pkt_parse(&p, b, 29), RAD_E_SHORT);
	b[2] = 0x10;
	b[3] = 1;	/* 4097 */
	CU_ASSERT_EQUAL(rad_pkt_parse(&p, b, 64), RAD_E_LENGTH);
	/* attribute Length 0, 1, and running past Length */
	b[2] = 0;
	b[3] = 24;
	b[20] = 1;
	b[21] = 0;
	CU_ASSERT_EQUAL(rad_pkt_parse(&p, b, 24), RAD_E_ATTR);
	b[21] = 1;
	CU_ASSERT_EQUAL(rad_pkt_parse(&p, b, 24), RAD_E_ATTR);
	b[21] = 5;
	CU_ASSERT_EQUAL(rad_pkt_parse(&p, b, 64), RAD_E_ATTR);
	b[21] = 4;
	CU_ASSERT_EQUAL(rad_pkt_parse(&p, b, 64), RAD_E_OK);	/* padding */
	CU_ASSERT_EQUAL(p.attrs.len, 4);
	/* Cisco VSA with a sub-attribute running past the VSA */
	memcpy(b + 20, "\x1a\x09\x00\x00\x00\x09\x01\x05" "ab", 10);
	b[3] = 30;
	CU_ASSERT_EQUAL(rad_pkt_parse(&p, b, 30), RAD_E_ATTR);
	b[27] = 4;
	b[21] = 10;
	CU_ASSERT_EQUAL(rad_pkt_parse(&p, b, 30), RAD_E_OK);
	/* MS DNS must be 4 octets */
	memcpy(b + 20, "\x1a\x0a\x00\x00\x01\x37\x1c\x04\x01\x02", 10);
	CU_ASSERT_EQUAL(rad_pkt_parse(&p, b, 30), RAD_E_ATTR);
}

/* parse text as a Framed-Route value of exactly len octets */
static int
route_of(const char *text, size_t len, struct rad_route *r, const char **why)
{
	struct sso_cur c;

	sso_cur_init(&c, (const uint8_t *)text, len);
	return rad_route_parse(c, r, why);
}

/* RFC 2865 5.22: good forms, and each bad form refused with its reason */
static void
test_framed_route(void)
{
	static const struct {
		const char	*text, *why;
	} bad[] = {
		{ "", "empty" },
		{ "10.1.0.0", "no /length" },
		{ "10.1.0.0/", "bad length" },
		{ "10.1.0.0/0", "bad length" },
		{ "10.1.0.0/33", "bad length" },
		{ "10.1.0.0/240", "bad length" },
		{ "10.1.0.1/24", "host bits set" },
		{ "10.1.0/24", "bad prefix" },
		{ "10.1.0.0.0/24", "no /length" },
		{ "10.1.256.0/24", "bad prefix" },
		{ "10.1.0.0/24x", "trailing characters" },
		{ "a.b.c.d/24", "bad prefix" },
		{ "10.1.0.0/24 gw", "bad gateway" },
		{ "10.1.0.0/24 1.2.3", "bad gateway" },
		{ "10.1.0.0/24 1.2.3.4 x", "bad metric" },
		{ "10.1.0.0/24 1.2.3.4 1 -2", "bad metric" },
		{ "10.1.0.0/24 1.2.3.4 99999999999", "bad metric" },
		{ "10.1.0.0/24 1.2.3.4 4294967296", "bad metric" },
		{ "-10.1.0.0/24", "bad prefix" },
		{ "0x0a.1.0.0/24", "bad prefix" },
		{ "1000.1.0.0/24", "bad prefix" },
	};
	struct rad_route r;
	const char *why;
	char big[RAD_VAL_MAX + 2];
	size_t i;

	CU_ASSERT_EQUAL(route_of("192.0.2.0/24", 12, &r, &why), 0);
	CU_ASSERT_EQUAL(r.net, 0xc0000200u);
	CU_ASSERT_EQUAL(r.plen, 24);
	CU_ASSERT_EQUAL(r.gw, 0);
	CU_ASSERT_EQUAL(r.metric, 0);
	CU_ASSERT_EQUAL(route_of("198.51.100.0/22 0.0.0.0 1", 25, &r, &why),
	    0);
	CU_ASSERT_EQUAL(r.net, 0xc6336400u);
	CU_ASSERT_EQUAL(r.plen, 22);
	CU_ASSERT_EQUAL(r.metric, 1);
	/* several metrics (RFC 2865 5.22 "one or more"), spaces around */
	CU_ASSERT_EQUAL(route_of("  10.7.7.7/32  10.99.0.5 4294967295 7 ",
	    38, &r, &why), 0);
	CU_ASSERT_EQUAL(r.net, 0x0a070707u);
	CU_ASSERT_EQUAL(r.plen, 32);
	CU_ASSERT_EQUAL(r.gw, 0x0a630005u);
	CU_ASSERT_EQUAL(r.metric, 4294967295u);
	CU_ASSERT_EQUAL(route_of("10.0.0.0/8 1.2.3.4", 18, &r, &why), 0);
	CU_ASSERT_EQUAL(r.plen, 8);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		CU_ASSERT_EQUAL(route_of(bad[i].text, strlen(bad[i].text), &r,
		    &why), -1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(why);
		if (strcmp(why, bad[i].why) != 0)
			fprintf(stderr, "%s: %s, not %s\n", bad[i].text, why,
			    bad[i].why);
		CU_ASSERT_STRING_EQUAL(why, bad[i].why);
	}
	/* lengths: the value's octets only (no NUL needed, none inside) */
	CU_ASSERT_EQUAL(route_of("192.0.2.0/24 junk", 12, &r, &why), 0);
	CU_ASSERT_EQUAL(route_of("192.0.2.0/24", 11, &r, &why), -1);
	CU_ASSERT_STRING_EQUAL(why, "host bits set");	/* 192.0.2.0/2 */
	CU_ASSERT_EQUAL(route_of("192.0.2.0/24", 10, &r, &why), -1);
	CU_ASSERT_EQUAL(route_of("192.0.2.0/24\0 1", 15, &r, &why), -1);
	CU_ASSERT_STRING_EQUAL(why, "NUL inside");
	memset(big, ' ', sizeof(big));
	memcpy(big, "192.0.2.0/24", 12);
	CU_ASSERT_EQUAL(route_of(big, RAD_VAL_MAX, &r, &why), 0);
	CU_ASSERT_EQUAL(route_of(big, RAD_VAL_MAX + 1, &r, &why), -1);
	CU_ASSERT_STRING_EQUAL(why, "too long");
	/* Framed-IP-Netmask */
	CU_ASSERT_EQUAL(rad_mask_plen(0xffffff00u), 24);
	CU_ASSERT_EQUAL(rad_mask_plen(0xffffffffu), 32);
	CU_ASSERT_EQUAL(rad_mask_plen(0x80000000u), 1);
	CU_ASSERT_EQUAL(rad_mask_plen(0), 0);
	CU_ASSERT_EQUAL(rad_mask_plen(0xff00ff00u), -1);
	CU_ASSERT_EQUAL(rad_mask_plen(0x00ffffffu), -1);
	CU_ASSERT_EQUAL(rad_mask_plen(0xfffffffeu), 31);
}

/* every Framed-Route of an Access-Accept: good ones kept (up to 8), bad
 * ones and those past the eighth counted */
static void
test_authz_routes(void)
{
	struct rad_pkt p;
	struct rad_authz z;
	char t[32];
	int i;

	memset(&p, 0, sizeof(p));
	p.code = RAD_ACCESS_ACCEPT;
	rad_av_put_str(&p.attrs, RAD_FRAMED_ROUTE, "10.1.0.0/16 0.0.0.0 5");
	rad_av_put_str(&p.attrs, RAD_FRAMED_ROUTE, "10.2.0.1/16");
	rad_av_put_str(&p.attrs, RAD_FRAMED_ROUTE, "192.0.2.0/24");
	CU_ASSERT_EQUAL(rad_authz_decode(&p, &z), 0);
	CU_ASSERT_EQUAL(z.nroutes, 2);
	CU_ASSERT_EQUAL(z.routes_bad, 1);
	CU_ASSERT_STRING_EQUAL(z.route_why, "host bits set");
	CU_ASSERT_EQUAL(z.routes[0].net, 0x0a010000u);
	CU_ASSERT_EQUAL(z.routes[0].metric, 5);
	CU_ASSERT_EQUAL(z.routes[1].net, 0xc0000200u);
	CU_ASSERT_STRING_EQUAL(z.framed_route, "10.1.0.0/16 0.0.0.0 5");
	rad_av_init(&p.attrs);
	for (i = 0; i < RAD_ROUTES_MAX + 2; i++) {
		snprintf(t, sizeof(t), "10.%d.0.0/16", i + 1);
		rad_av_put_str(&p.attrs, RAD_FRAMED_ROUTE, t);
	}
	CU_ASSERT_EQUAL(rad_authz_decode(&p, &z), 0);
	CU_ASSERT_EQUAL(z.nroutes, RAD_ROUTES_MAX);
	CU_ASSERT_EQUAL(z.routes_bad, 2);
	CU_ASSERT_EQUAL(z.routes[RAD_ROUTES_MAX - 1].net,
	    (uint32_t)(10 << 24 | RAD_ROUTES_MAX << 16));
}

static void
test_authz(void)
{
	struct rad_pkt p;
	struct rad_authz z;
	struct in_addr a;
	uint8_t ms[4] = { 10, 9, 9, 9 };

	memset(&p, 0, sizeof(p));
	p.code = RAD_ACCESS_ACCEPT;
	inet_pton(AF_INET, "198.51.100.7", &a);
	rad_av_put_ip(&p.attrs, RAD_FRAMED_IP_ADDRESS, a);
	rad_av_put_str(&p.attrs, RAD_FRAMED_POOL, "gold");
	rad_av_put_u32(&p.attrs, RAD_SESSION_TIMEOUT, 3600);
	rad_av_put_u32(&p.attrs, RAD_IDLE_TIMEOUT, 600);
	rad_av_put_u32(&p.attrs, RAD_ACCT_INTERIM_INTERVAL, 300);
	rad_av_put(&p.attrs, RAD_CLASS, "\x00\x01" "c1", 4);
	rad_av_put_str(&p.attrs, RAD_CLASS, "c2");
	rad_av_put_avpair(&p.attrs, "ip:dns-servers=192.0.2.1 192.0.2.2");
	rad_av_put_avpair(&p.attrs, "vpdn:l2tp-silent-switchover=1");
	rad_av_put_avpair(&p.attrs, "vpdn:l2tp-tunnel-resync-packet=12");
	rad_av_put_vsa(&p.attrs, RAD_VENDOR_MICROSOFT, RAD_MS_PRIMARY_DNS, ms,
	    4);
	CU_ASSERT_EQUAL(rad_attrs_check(p.attrs.buf, p.attrs.len, NULL), 0);
	CU_ASSERT_EQUAL(rad_authz_decode(&p, &z), 0);
	CU_ASSERT_EQUAL(z.framed_ip.s_addr, a.s_addr);
	CU_ASSERT_STRING_EQUAL(z.framed_pool, "gold");
	CU_ASSERT_EQUAL(z.session_timeout, 3600);
	CU_ASSERT_EQUAL(z.idle_timeout, 600);
	CU_ASSERT_EQUAL(z.interim_interval, 300);
	CU_ASSERT_EQUAL(z.nclass, 2);
	CU_ASSERT_EQUAL(z.class_len[0], 4);
	CU_ASSERT_EQUAL(memcmp(z.class_val[0], "\x00\x01" "c1", 4), 0);
	/* the Cisco form wins over the Microsoft one */
	CU_ASSERT_EQUAL(ntohl(z.dns[0].s_addr), 0xc0000201);
	CU_ASSERT_EQUAL(ntohl(z.dns[1].s_addr), 0xc0000202);
	CU_ASSERT_EQUAL(z.l2tp_silent_switchover, 1);
	CU_ASSERT_EQUAL(z.l2tp_resync_packets, 12);
	rad_av_init(&p.attrs);
	rad_av_put_vsa(&p.attrs, RAD_VENDOR_MICROSOFT, RAD_MS_PRIMARY_DNS, ms,
	    4);
	CU_ASSERT_EQUAL(rad_authz_decode(&p, &z), 0);
	CU_ASSERT_EQUAL(ntohl(z.dns[0].s_addr), 0x0a090909);
	CU_ASSERT_EQUAL(z.l2tp_silent_switchover, -1);
	rad_av_init(&p.attrs);
	rad_av_put_avpair(&p.attrs, "ip:dns-servers=nonsense");
	CU_ASSERT_EQUAL(rad_authz_decode(&p, &z), -1);
}

static void
test_acct_record(void)
{
	struct rad_acct_rec r, back;
	struct rad_avlist l;
	struct sso_wbuf b;
	struct sso_cur c;
	struct rad_pkt p;
	uint32_t v;
	char sid[64];

	CU_ASSERT_EQUAL(rad_acct_rec_init(&r, "0000002a", RAD_ACCT_STOP, 3,
	    1000), 0);
	rad_av_put_str(&r.attrs, RAD_USER_NAME, "alice");
	rad_av_put_u32(&r.attrs, RAD_ACCT_SESSION_TIME, 77);
	rad_av_put_u32(&r.attrs, RAD_ACCT_DELAY_TIME, 99);	/* replaced */
	sso_wbuf_init(&b, 0);
	CU_ASSERT_EQUAL(rad_acct_rec_encode(&r, &b), 0);
	CU_ASSERT(memmem(b.buf, b.len, KEY, strlen(KEY)) == NULL);
	sso_cur_init(&c, b.buf, b.len);
	CU_ASSERT_EQUAL(rad_acct_rec_decode(&back, &c), 0);
	CU_ASSERT_EQUAL(c.len, 0);
	CU_ASSERT_STRING_EQUAL(back.session_id, "0000002a");
	CU_ASSERT_EQUAL(back.status, RAD_ACCT_STOP);
	CU_ASSERT_EQUAL(back.seq, 3);
	CU_ASSERT_EQUAL(back.event_time, 1000);
	CU_ASSERT_EQUAL(back.attrs.len, r.attrs.len);
	/* every truncation fails cleanly */
	for (size_t n = 0; n < b.len; n++) {
		sso_cur_init(&c, b.buf, n);
		CU_ASSERT_EQUAL(rad_acct_rec_decode(&back, &c), -1);
	}
	sso_wbuf_free(&b);
	/* as sent 5 s after the event: one Acct-Delay-Time of 5 */
	CU_ASSERT_EQUAL(rad_acct_rec_attrs(&r, 1005, &l), 0);
	memset(&p, 0, sizeof(p));
	p.attrs = l;
	CU_ASSERT_EQUAL(rad_pkt_get_u32(&p, RAD_ACCT_DELAY_TIME, &v), 0);
	CU_ASSERT_EQUAL(v, 5);
	CU_ASSERT_EQUAL(rad_pkt_find(&p, RAD_ACCT_DELAY_TIME, 1, &c), -1);
	CU_ASSERT_EQUAL(rad_pkt_get_u32(&p, RAD_ACCT_STATUS_TYPE, &v), 0);
	CU_ASSERT_EQUAL(v, RAD_ACCT_STOP);
	CU_ASSERT_EQUAL(rad_pkt_get_str(&p, RAD_ACCT_SESSION_ID, sid,
	    sizeof(sid)), 0);
	CU_ASSERT_STRING_EQUAL(sid, "0000002a");
	CU_ASSERT_EQUAL(rad_acct_rec_init(&r, "", RAD_ACCT_START, 0, 0), -1);
}

/* ---- RFC 5176 ---- */

static int dae_calls;

static int
dae_action(void *arg, uint8_t code, const struct rad_pkt *req)
{
	char sid[64];

	(void)arg;
	(void)code;
	dae_calls++;
	if (rad_pkt_get_str(req, RAD_ACCT_SESSION_ID, sid, sizeof(sid)) == -1)
		return RAD_EC_MISSING_ATTRIBUTE;
	return strcmp(sid, "live") == 0 ? 0 : RAD_EC_SESSION_NOT_FOUND;
}

static ssize_t
dae_request(uint8_t code, uint8_t id, const char *sid, const char *key,
    uint8_t *out, uint8_t ra[16])
{
	struct rad_pkt p;
	ssize_t n;

	memset(&p, 0, sizeof(p));
	p.code = code;
	p.id = id;
	rad_av_put_str(&p.attrs, RAD_ACCT_SESSION_ID, sid);
	rad_av_put_u32(&p.attrs, RAD_EVENT_TIMESTAMP, 1700000000u + id);
	n = rad_pkt_encode(&p, key, NULL, 0, NULL, out);
	memcpy(ra, p.auth, 16);
	return n;
}

static struct sso_wbuf ckpt_buf;
static unsigned ckpt_n;

static int
dae_ckpt(void *arg, const struct rad_dae_answer *a)
{
	ckpt_n++;
	sso_wbuf_reset(&ckpt_buf);
	CU_ASSERT_EQUAL(rad_dae_answer_encode(a, &ckpt_buf), 0);
	return arg != NULL;	/* hold when asked to */
}

/* a checkpointed answer makes a new active answer a retransmitted
 * request identically, without running the action again */
static void
test_dae_checkpoint(void)
{
	struct rad_dae *d = rad_dae_new(dae_action, NULL), *d2;
	struct sockaddr_in from = { .sin_family = AF_INET };
	struct rad_dae_answer a;
	struct rad_dae_stats st;
	uint8_t req[RAD_PKT_MAX], out[RAD_PKT_MAX], out2[RAD_PKT_MAX], ra[16];
	struct sso_cur c;
	ssize_t n;
	size_t rl, i;

	from.sin_addr.s_addr = htonl(0x7f000001);
	from.sin_port = htons(40001);
	rad_dae_client_add(d, from.sin_addr, "dkey");
	rad_dae_set_ckpt(d, dae_ckpt, NULL);
	sso_wbuf_init(&ckpt_buf, 0);
	ckpt_n = 0;
	dae_calls = 0;
	n = dae_request(RAD_DISCONNECT_REQUEST, 9, "live", "dkey", req, ra);
	rl = rad_dae_input(d, &from, req, (size_t)n, out);
	CU_ASSERT_FATAL(rl > 0);
	CU_ASSERT_EQUAL(ckpt_n, 1);
	CU_ASSERT(memmem(ckpt_buf.buf, ckpt_buf.len, "dkey", 4) == NULL);
	/* the duplicate on the same unit: no second checkpoint */
	CU_ASSERT_EQUAL(rad_dae_input(d, &from, req, (size_t)n, out2), rl);
	CU_ASSERT_EQUAL(ckpt_n, 1);

	/* the new active */
	d2 = rad_dae_new(dae_action, NULL);
	rad_dae_client_add(d2, from.sin_addr, "dkey");
	sso_cur_init(&c, ckpt_buf.buf, ckpt_buf.len);
	CU_ASSERT_EQUAL_FATAL(rad_dae_answer_decode(&a, &c), 0);
	CU_ASSERT_EQUAL(c.len, 0);
	CU_ASSERT_EQUAL(rad_dae_restore(d2, &a), 0);
	memset(out2, 0, sizeof(out2));
	CU_ASSERT_EQUAL(rad_dae_input(d2, &from, req, (size_t)n, out2), rl);
	CU_ASSERT_EQUAL(memcmp(out, out2, rl), 0);
	CU_ASSERT_EQUAL(dae_calls, 1);
	rad_dae_get_stats(d2, &st);
	CU_ASSERT_EQUAL(st.duplicates, 1);
	CU_ASSERT_EQUAL(st.requests, 0);
	/* another source port is another request */
	from.sin_port = htons(40002);
	CU_ASSERT(rad_dae_input(d2, &from, req, (size_t)n, out2) > 0);
	CU_ASSERT_EQUAL(dae_calls, 2);
	for (i = 0; i < ckpt_buf.len; i++) {
		sso_cur_init(&c, ckpt_buf.buf, i);
		CU_ASSERT_EQUAL(rad_dae_answer_decode(&a, &c), -1);
	}
	sso_wbuf_free(&ckpt_buf);
	rad_dae_free(d);
	rad_dae_free(d2);
}

/* a held answer (its checkpoint under way) is not sent, nor is one to a
 * duplicate of its request; released, it goes once and duplicates get
 * it from the cache, and the action ran once */
static void
test_dae_hold(void)
{
	struct rad_dae *d = rad_dae_new(dae_action, NULL);
	struct sockaddr_in from = { .sin_family = AF_INET };
	struct rad_dae_answer a;
	struct rad_dae_stats st;
	uint8_t req[RAD_PKT_MAX], out[RAD_PKT_MAX], ra[16];
	struct sso_cur c;
	ssize_t n;

	from.sin_addr.s_addr = htonl(0x7f000001);
	from.sin_port = htons(40003);
	rad_dae_client_add(d, from.sin_addr, "dkey");
	rad_dae_set_ckpt(d, dae_ckpt, (void *)1);
	sso_wbuf_init(&ckpt_buf, 0);
	ckpt_n = 0;
	dae_calls = 0;
	n = dae_request(RAD_DISCONNECT_REQUEST, 11, "live", "dkey", req, ra);
	CU_ASSERT_EQUAL(rad_dae_input(d, &from, req, (size_t)n, out), 0);
	CU_ASSERT_EQUAL(ckpt_n, 1);
	CU_ASSERT_EQUAL(dae_calls, 1);
	/* the retransmission while held: nothing, no second action */
	CU_ASSERT_EQUAL(rad_dae_input(d, &from, req, (size_t)n, out), 0);
	CU_ASSERT_EQUAL(dae_calls, 1);
	CU_ASSERT_EQUAL(ckpt_n, 1);
	sso_cur_init(&c, ckpt_buf.buf, ckpt_buf.len);
	CU_ASSERT_EQUAL_FATAL(rad_dae_answer_decode(&a, &c), 0);
	rad_dae_release(d, &a);		/* no socket: only unheld */
	CU_ASSERT_EQUAL(rad_dae_input(d, &from, req, (size_t)n, out), a.rlen);
	CU_ASSERT_EQUAL(memcmp(out, a.reply, a.rlen), 0);
	CU_ASSERT_EQUAL(dae_calls, 1);
	rad_dae_get_stats(d, &st);
	CU_ASSERT_EQUAL(st.held, 1);
	CU_ASSERT_EQUAL(st.duplicates, 2);
	sso_wbuf_free(&ckpt_buf);
	rad_dae_free(d);
}

static void
test_dae(void)
{
	struct rad_dae *d = rad_dae_new(dae_action, NULL);
	struct sockaddr_in from = { .sin_family = AF_INET };
	struct rad_dae_stats st;
	uint8_t req[RAD_PKT_MAX], out[RAD_PKT_MAX], out2[RAD_PKT_MAX], ra[16];
	struct rad_pkt p;
	uint32_t cause;
	ssize_t n;
	size_t rl, rl2;

	inet_pton(AF_INET, "127.0.0.1", &from.sin_addr);
	from.sin_port = htons(40000);
	CU_ASSERT_EQUAL(rad_dae_client_add(d, from.sin_addr, "dkey"), 0);
	dae_calls = 0;

	/* Disconnect for a live session: ACK */
	n = dae_request(RAD_DISCONNECT_REQUEST, 1, "live", "dkey", req, ra);
	CU_ASSERT_EQUAL(rad_request_verify(req, (size_t)n, "dkey"), RAD_E_OK);
	rl = rad_dae_input(d, &from, req, (size_t)n, out);
	CU_ASSERT_FATAL(rl >= RAD_HDR_LEN);
	CU_ASSERT_EQUAL(out[0], RAD_DISCONNECT_ACK);
	CU_ASSERT_EQUAL(out[1], 1);
	CU_ASSERT_EQUAL(rad_reply_verify(out, rl, ra, "dkey", 0), RAD_E_OK);
	/* the same request again: the same answer, no second action */
	rl2 = rad_dae_input(d, &from, req, (size_t)n, out2);
	CU_ASSERT_EQUAL(rl2, rl);
	CU_ASSERT_EQUAL(memcmp(out, out2, rl), 0);
	CU_ASSERT_EQUAL(dae_calls, 1);

	/* unknown session: NAK with Error-Cause 503 */
	n = dae_request(RAD_DISCONNECT_REQUEST, 2, "gone", "dkey", req, ra);
	rl = rad_dae_input(d, &from, req, (size_t)n, out);
	CU_ASSERT_FATAL(rl >= RAD_HDR_LEN);
	CU_ASSERT_EQUAL(out[0], RAD_DISCONNECT_NAK);
	CU_ASSERT_EQUAL(rad_reply_verify(out, rl, ra, "dkey", 0), RAD_E_OK);
	CU_ASSERT_EQUAL(rad_pkt_parse(&p, out, rl), RAD_E_OK);
	CU_ASSERT_EQUAL(rad_pkt_get_u32(&p, RAD_ERROR_CAUSE, &cause), 0);
	CU_ASSERT_EQUAL(cause, RAD_EC_SESSION_NOT_FOUND);

	/* CoA: ACK / NAK codes */
	n = dae_request(RAD_COA_REQUEST, 3, "live", "dkey", req, ra);
	rl = rad_dae_input(d, &from, req, (size_t)n, out);
	CU_ASSERT_EQUAL(rl > 0 ? out[0] : 0, RAD_COA_ACK);
	n = dae_request(RAD_COA_REQUEST, 4, "none", "dkey", req, ra);
	rl = rad_dae_input(d, &from, req, (size_t)n, out);
	CU_ASSERT_EQUAL(rl > 0 ? out[0] : 0, RAD_COA_NAK);

	/* wrong key, unknown client, wrong code: dropped, no answer */
	n = dae_request(RAD_DISCONNECT_REQUEST, 5, "live", "other", req, ra);
	CU_ASSERT_EQUAL(rad_dae_input(d, &from, req, (size_t)n, out), 0);
	from.sin_addr.s_addr = htonl(0x7f000002);
	n = dae_request(RAD_DISCONNECT_REQUEST, 6, "live", "dkey", req, ra);
	CU_ASSERT_EQUAL(rad_dae_input(d, &from, req, (size_t)n, out), 0);
	from.sin_addr.s_addr = htonl(0x7f000001);
	n = dae_request(RAD_ACCT_REQUEST, 7, "live", "dkey", req, ra);
	CU_ASSERT_EQUAL(rad_dae_input(d, &from, req, (size_t)n, out), 0);
	/* replay protection: dae_request's Event-Timestamps are from 2023 */
	rad_dae_set_time_window(d, 300, 0);
	n = dae_request(RAD_DISCONNECT_REQUEST, 8, "live", "dkey", req, ra);
	CU_ASSERT_EQUAL(rad_dae_input(d, &from, req, (size_t)n, out), 0);
	{
		struct rad_pkt q;

		memset(&q, 0, sizeof(q));
		q.code = RAD_DISCONNECT_REQUEST;
		q.id = 9;
		rad_av_put_str(&q.attrs, RAD_ACCT_SESSION_ID, "live");
		rad_av_put_u32(&q.attrs, RAD_EVENT_TIMESTAMP,
		    (uint32_t)time(NULL));
		n = rad_pkt_encode(&q, "dkey", NULL, 0, NULL, req);
		CU_ASSERT(rad_dae_input(d, &from, req, (size_t)n, out) > 0);
		/* without Event-Timestamp: taken unless required */
		rad_av_init(&q.attrs);
		rad_av_put_str(&q.attrs, RAD_ACCT_SESSION_ID, "live");
		q.id = 10;
		n = rad_pkt_encode(&q, "dkey", NULL, 0, NULL, req);
		CU_ASSERT(rad_dae_input(d, &from, req, (size_t)n, out) > 0);
		rad_dae_set_time_window(d, 300, 1);
		q.id = 11;
		n = rad_pkt_encode(&q, "dkey", NULL, 0, NULL, req);
		CU_ASSERT_EQUAL(rad_dae_input(d, &from, req, (size_t)n, out), 0);
		rad_dae_set_time_window(d, 0, 0);
	}
	rad_dae_get_stats(d, &st);
	CU_ASSERT_EQUAL(st.drops[RAD_E_STALE], 2);
	CU_ASSERT_EQUAL(st.requests, 6);
	CU_ASSERT_EQUAL(st.acks, 4);
	CU_ASSERT_EQUAL(st.naks, 2);
	CU_ASSERT_EQUAL(st.duplicates, 1);
	CU_ASSERT_EQUAL(st.unknown_client, 1);
	CU_ASSERT_EQUAL(st.drops[RAD_E_AUTH], 1);
	CU_ASSERT_EQUAL(st.drops[RAD_E_CODE], 1);
	CU_ASSERT_EQUAL(dae_calls, 6);
	rad_dae_free(d);
}

/* ---- client against fake servers on loopback ---- */

#define FS_MAX	1024
struct fake_srv {
	int		 fd;
	uint16_t	 port;
	ev_io		 io;
	int		 answer;	/* 0 silent, else the code to answer */
	int		 check;	/* verify requests with key "k" */
	int		 no_ma;	/* answers without Message-Authenticator */
	unsigned	 n;
	uint8_t		 ids[FS_MAX];
	uint16_t	 sport[FS_MAX];
	uint8_t		 first[RAD_PKT_MAX];	/* first datagram, as is */
	size_t		 first_len;
	int		 same_as_first;	/* later datagrams identical */
	uint8_t		 auths[8][16];
};

static void
fs_read(struct ev_loop *loop, ev_io *w, int revents)
{
	struct fake_srv *f = w->data;
	uint8_t b[RAD_PKT_MAX], out[RAD_PKT_MAX];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	struct rad_pkt p, a;
	ssize_t n, m;

	(void)loop;
	(void)revents;
	while ((n = recvfrom(f->fd, b, sizeof(b), 0, (struct sockaddr *)&from,
	    &fl)) > 0) {
		CU_ASSERT_EQUAL_FATAL(rad_pkt_parse(&p, b, (size_t)n), RAD_E_OK);
		if (f->n == 0) {
			memcpy(f->first, b, (size_t)n);
			f->first_len = (size_t)n;
			f->same_as_first = 1;
		} else if ((size_t)n != f->first_len ||
		    memcmp(b, f->first, (size_t)n) != 0)
			f->same_as_first = 0;
		if (f->n < FS_MAX) {
			f->ids[f->n] = p.id;
			f->sport[f->n] = ntohs(from.sin_port);
		}
		if (f->n < 8)
			memcpy(f->auths[f->n], p.auth, 16);
		f->n++;
		if (f->check)
			CU_ASSERT_EQUAL(rad_request_verify(b, (size_t)n, "k"),
			    RAD_E_OK);
		if (!f->answer)
			continue;
		{
			char u[16];

			if (rad_pkt_get_str(&p, RAD_USER_NAME, u, sizeof(u)) ==
			    0 && strcmp(u, "drop") == 0)
				continue;
		}
		memset(&a, 0, sizeof(a));
		a.code = p.code == RAD_ACCT_REQUEST ? RAD_ACCT_RESPONSE :
		    (uint8_t)f->answer;
		a.id = p.id;
		rad_av_put_str(&a.attrs, RAD_REPLY_MESSAGE, "hi");
		m = rad_pkt_encode(&a, "k", NULL, !f->no_ma, p.auth, out);
		sendto(f->fd, out, (size_t)m, 0, (struct sockaddr *)&from, fl);
	}
}

static void
fs_open(struct ev_loop *loop, struct fake_srv *f, int answer)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);

	memset(f, 0, sizeof(*f));
	f->answer = answer;
	f->check = 1;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	CU_ASSERT_FATAL(f->fd >= 0);
	CU_ASSERT_FATAL(bind(f->fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	getsockname(f->fd, (struct sockaddr *)&sin, &sl);
	f->port = ntohs(sin.sin_port);
	ev_io_init(&f->io, fs_read, f->fd, EV_READ);
	f->io.data = f;
	ev_io_start(loop, &f->io);
}

static void
fs_close(struct ev_loop *loop, struct fake_srv *f)
{
	ev_io_stop(loop, &f->io);
	close(f->fd);
}

/* a server entry for fake server f (key "k"); no window: the tests count
 * datagrams */
static void
conf_for(struct rad_server_conf *c, const char *name,
    const struct fake_srv *f, unsigned timeout_ms, unsigned retransmit,
    unsigned deadtime_ms)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&c->addr;

	rad_server_conf_init(c);
	snprintf(c->name, sizeof(c->name), "%s", name);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->auth_port = c->acct_port = f->port;
	strcpy(c->key, "k");
	c->timeout_ms = timeout_ms;
	c->retransmit = retransmit;
	c->deadtime_ms = deadtime_ms;
	c->max_outstanding = 0;
}

struct result {
	unsigned	 done;
	int		 res;
	struct rad_server *srv;
	char		 msg[32];
};

static void
on_done(void *arg, int res, const struct rad_pkt *p, struct rad_server *s)
{
	struct result *r = arg;

	r->done++;
	r->res = res;
	r->srv = s;
	if (p)
		(void)rad_pkt_get_str(p, RAD_REPLY_MESSAGE, r->msg,
		    sizeof(r->msg));
}

static void
tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
}

/* run the loop until *c >= target or 10 s pass (a deadline, not a timing
 * assertion); returns whether the condition came true */
static int
run_until(struct ev_loop *loop, unsigned *c, unsigned target)
{
	uint64_t end = sso_now_ms() + 10000;
	ev_timer tick;	/* wakes the loop even when nothing else would */

	ev_timer_init(&tick, tick_cb, 0.1, 0.1);
	ev_timer_start(loop, &tick);
	while (*c < target && sso_now_ms() < end)
		ev_run(loop, EVRUN_ONCE);
	ev_timer_stop(loop, &tick);
	return *c >= target;
}

static struct rad_avlist *
user_attrs(const char *user)
{
	static struct rad_avlist l;

	rad_av_init(&l);
	rad_av_put_str(&l, RAD_USER_NAME, user);
	return &l;
}

/* the set-up of most client tests: a loop, a client, group "RG", one
 * fake server f (more can be added) */
struct fx {
	struct ev_loop	*loop;
	struct rad_client *cl;
	struct rad_group *g;
	struct fake_srv	 f;
	struct result	 r;
	struct rad_server_stats st;
};

static void
fx_open(struct fx *x, int answer)
{
	memset(x, 0, sizeof(*x));
	x->loop = ev_loop_new(EVFLAG_AUTO);
	x->cl = rad_client_new(x->loop);
	fs_open(x->loop, &x->f, answer);
	x->g = rad_group_add(x->cl, "RG");
}

static void
fx_close(struct fx *x)
{
	rad_client_free(x->cl);
	fs_close(x->loop, &x->f);
	ev_loop_destroy(x->loop);
}

static void
fx_server(struct fx *x, const char *name, struct fake_srv *f,
    unsigned timeout_ms, unsigned retransmit, unsigned deadtime_ms)
{
	struct rad_server_conf c;

	conf_for(&c, name, f, timeout_ms, retransmit, deadtime_ms);
	CU_ASSERT_EQUAL(rad_group_add_server(x->g, rad_server_add(x->cl, &c)),
	    0);
}

/* one Access-Request for user, run to its end: the result, -1 if none */
static int
fx_auth(struct fx *x, const char *user)
{
	x->r.done = 0;
	CU_ASSERT_PTR_NOT_NULL(rad_auth_send(x->g, user_attrs(user), "pw",
	    on_done, &x->r));
	return run_until(x->loop, &x->r.done, 1) ? x->r.res : -1;
}

static int
fx_acct(struct fx *x, const char *sid)
{
	struct rad_acct_rec rec;

	rad_acct_rec_init(&rec, sid, RAD_ACCT_START, 0, 0);
	x->r.done = 0;
	CU_ASSERT_PTR_NOT_NULL(rad_acct_send(x->g, &rec, on_done, &x->r));
	return run_until(x->loop, &x->r.done, 1) ? x->r.res : -1;
}

static const struct rad_server_stats *
fx_stats(struct fx *x, const char *name)
{
	rad_server_stats(rad_server_find(x->cl, name), &x->st);
	return &x->st;
}

static void
test_client_accept(void)
{
	struct fx x;
	const struct rad_server_stats *st;

	fx_open(&x, RAD_ACCESS_ACCEPT);
	fx_server(&x, "R1", &x.f, 2000, 3, 10000);
	CU_ASSERT_EQUAL(fx_auth(&x, "u"), RAD_R_ACCEPT);
	CU_ASSERT_STRING_EQUAL(x.r.msg, "hi");
	CU_ASSERT_STRING_EQUAL(rad_server_name(x.r.srv), "R1");
	/* the password is never in clear in the datagram */
	CU_ASSERT(memmem(x.f.first, x.f.first_len, "pw", 2) == NULL);
	CU_ASSERT_EQUAL(fx_acct(&x, "s1"), RAD_R_ACCT_OK);
	st = fx_stats(&x, "R1");
	CU_ASSERT_EQUAL(st->auth_requests, 1);
	CU_ASSERT_EQUAL(st->auth_accepts, 1);
	CU_ASSERT_EQUAL(st->acct_requests, 1);
	CU_ASSERT_EQUAL(st->acct_responses, 1);
	CU_ASSERT_EQUAL(st->latency_n, 2);
	CU_ASSERT_EQUAL(st->in_flight, 0);
	CU_ASSERT_EQUAL(st->state, RAD_SRV_UP);

	/* cancelled: no callback even when the answer comes */
	x.r.done = 0;
	rad_req_cancel(rad_auth_send(x.g, user_attrs("u"), "pw", on_done,
	    &x.r));
	CU_ASSERT(run_until(x.loop, &x.f.n, 3));
	ev_run(x.loop, EVRUN_NOWAIT);
	CU_ASSERT_EQUAL(x.r.done, 0);
	CU_ASSERT_EQUAL(rad_client_in_flight(x.cl), 0);
	fx_close(&x);
}

static void
test_identifier_wrap(void)
{
	struct fx x;
	static struct result r[300];
	unsigned i, done = 0, ports = 0;
	uint16_t p0;
	const struct rad_server_stats *st;

	fx_open(&x, 0);	/* silent first: all 300 stay in flight */
	fx_server(&x, "R1", &x.f, 5000, 0, 0);
	/* in batches the fake server's receive buffer can hold */
	for (i = 0; i < 300; i++) {
		CU_ASSERT_PTR_NOT_NULL(rad_auth_send(x.g, user_attrs("u"), NULL,
		    on_done, &r[i]));
		if (i % 50 == 49)
			CU_ASSERT(run_until(x.loop, &x.f.n, i + 1));
	}
	/* 256 identifiers on the first source port, then a second port */
	p0 = x.f.sport[0];
	for (i = 0; i < 256; i++) {
		CU_ASSERT_EQUAL(x.f.sport[i], p0);
		CU_ASSERT_EQUAL(x.f.ids[i], i);
	}
	for (i = 256; i < 300; i++) {
		CU_ASSERT_NOT_EQUAL(x.f.sport[i], p0);
		CU_ASSERT_EQUAL(x.f.ids[i], i - 256);
	}
	st = fx_stats(&x, "R1");
	CU_ASSERT_EQUAL(st->sockets, 2);
	CU_ASSERT_EQUAL(st->in_flight, 300);
	CU_ASSERT_EQUAL(st->in_flight_max, 300);
	CU_ASSERT_EQUAL(rad_client_in_flight(x.cl), 300);
	fx_close(&x);

	/* one at a time: identifiers go round 0..255 and wrap to 0 again on
	 * the same port (round-robin: a freed id is reused last) */
	fx_open(&x, RAD_ACCESS_ACCEPT);
	fx_server(&x, "R1", &x.f, 5000, 0, 0);
	for (i = 0; i < 260; i++)
		done += fx_auth(&x, "u") == RAD_R_ACCEPT;
	CU_ASSERT_EQUAL(done, 260);
	for (i = 0; i < 260; i++) {
		CU_ASSERT_EQUAL(x.f.ids[i], i & 0xff);
		ports += x.f.sport[i] != x.f.sport[0];
	}
	CU_ASSERT_EQUAL(ports, 0);
	fx_close(&x);
}

static void
test_retransmit_schedule(void)
{
	struct fx x;
	const struct rad_server_stats *st;

	fx_open(&x, 0);
	fx_server(&x, "R1", &x.f, 30, 2, 0);
	CU_ASSERT_EQUAL(fx_auth(&x, "u"), RAD_R_TIMEOUT);
	/* 1 + retransmit 2 = 3 datagrams, byte for byte the same */
	CU_ASSERT_EQUAL(x.f.n, 3);
	CU_ASSERT(x.f.same_as_first);
	st = fx_stats(&x, "R1");
	CU_ASSERT_EQUAL(st->auth_requests, 1);
	CU_ASSERT_EQUAL(st->timeouts, 3);
	CU_ASSERT_EQUAL(st->retransmits, 2);
	CU_ASSERT_EQUAL(st->dead_count, 0);	/* deadtime 0: never dead */

	/* accounting: each retransmission has a new id and authenticator */
	x.f.n = 0;
	CU_ASSERT_EQUAL(fx_acct(&x, "s1"), RAD_R_TIMEOUT);
	CU_ASSERT_EQUAL(x.f.n, 3);
	CU_ASSERT_NOT_EQUAL(x.f.ids[0], x.f.ids[1]);
	CU_ASSERT_NOT_EQUAL(x.f.ids[1], x.f.ids[2]);
	CU_ASSERT_NOT_EQUAL(memcmp(x.f.auths[0], x.f.auths[1], 16), 0);
	fx_close(&x);
}

static void
test_failover_dead_revive(void)
{
	struct fx x;
	struct fake_srv b;
	const struct rad_server_stats *st;
	uint64_t end;
	int alive = 0;

	fx_open(&x, 0);		/* A = x.f, "killed": never answers */
	fs_open(x.loop, &b, RAD_ACCESS_ACCEPT);
	/* timeouts: short where none is answered, long where an answer is
	 * expected (a loaded machine must not turn it into a timeout) */
	fx_server(&x, "A", &x.f, 300, 1, 2000);
	fx_server(&x, "B", &b, 1000, 1, 2000);
	CU_ASSERT_EQUAL(fx_auth(&x, "u"), RAD_R_ACCEPT);
	CU_ASSERT_STRING_EQUAL(rad_server_name(x.r.srv), "B");
	CU_ASSERT_EQUAL(x.f.n, 2);
	CU_ASSERT_EQUAL(b.n, 1);
	st = fx_stats(&x, "A");
	CU_ASSERT_EQUAL(st->state, RAD_SRV_DEAD);
	CU_ASSERT_EQUAL(st->dead_count, 1);
	CU_ASSERT_EQUAL(st->failovers, 1);

	/* while A is dead, requests go straight to B */
	CU_ASSERT_EQUAL(fx_auth(&x, "u"), RAD_R_ACCEPT);
	CU_ASSERT_STRING_EQUAL(rad_server_name(x.r.srv), "B");
	CU_ASSERT_EQUAL(x.f.n, 2);

	/* revive: after the deadtime A is up (wait with a deadline), tried
	 * first again, and answers */
	for (end = sso_now_ms() + 10000; !alive && sso_now_ms() < end;) {
		alive = fx_stats(&x, "A")->state == RAD_SRV_UP;
		ev_run(x.loop, EVRUN_NOWAIT);
		usleep(10000);
	}
	CU_ASSERT(alive);
	x.f.answer = RAD_ACCESS_ACCEPT;
	CU_ASSERT_EQUAL(fx_auth(&x, "u"), RAD_R_ACCEPT);
	CU_ASSERT_STRING_EQUAL(rad_server_name(x.r.srv), "A");
	CU_ASSERT_EQUAL(x.f.n, 3);

	/* both silent: every server tried once, then timeout */
	x.f.answer = b.answer = 0;
	x.f.n = b.n = 0;
	CU_ASSERT_EQUAL(fx_auth(&x, "u"), RAD_R_TIMEOUT);
	CU_ASSERT_EQUAL(x.f.n, 2);
	CU_ASSERT_EQUAL(b.n, 2);
	fs_close(x.loop, &b);
	fx_close(&x);
}

/* max_outstanding: a burst waits in the queue, none is lost or resent */
static void
test_window(void)
{
	struct fx x;
	struct rad_server_conf c;
	const struct rad_server_stats *st;
	static struct result r[500];
	unsigned i, done = 0, ok = 0;
	uint64_t end;

	fx_open(&x, RAD_ACCESS_ACCEPT);
	conf_for(&c, "R1", &x.f, 5000, 3, 60000);
	c.max_outstanding = 16;
	rad_group_add_server(x.g, rad_server_add(x.cl, &c));
	memset(r, 0, sizeof(r));
	for (i = 0; i < 500; i++)
		CU_ASSERT_PTR_NOT_NULL(rad_auth_send(x.g, user_attrs("u"), "p",
		    on_done, &r[i]));
	st = fx_stats(&x, "R1");
	CU_ASSERT_EQUAL(st->in_flight, 16);
	CU_ASSERT_EQUAL(st->queued, 484);
	CU_ASSERT_EQUAL(rad_client_in_flight(x.cl), 500);
	for (end = sso_now_ms() + 10000; rad_client_in_flight(x.cl) > 0 &&
	    sso_now_ms() < end;)
		ev_run(x.loop, EVRUN_ONCE);
	for (i = 0; i < 500; i++) {
		done += r[i].done;
		ok += r[i].res == RAD_R_ACCEPT;
	}
	CU_ASSERT_EQUAL(done, 500);
	CU_ASSERT_EQUAL(ok, 500);
	CU_ASSERT_EQUAL(x.f.n, 500);
	st = fx_stats(&x, "R1");
	CU_ASSERT_EQUAL(st->retransmits, 0);
	/* the peak is max_outstanding: the queue never exceeds it */
	CU_ASSERT_EQUAL(st->in_flight, 0);
	CU_ASSERT_EQUAL(st->in_flight_max, 16);
	CU_ASSERT_EQUAL(st->queued, 0);
	CU_ASSERT_EQUAL(st->sockets, 1);	/* never more than 16 ids used */
	/* requests still queued are freed with the client (LSan: no leak) */
	for (i = 0; i < 20; i++)
		rad_auth_send(x.g, user_attrs("u"), "p", on_done, &r[i]);
	CU_ASSERT_EQUAL(fx_stats(&x, "R1")->queued, 4);
	fx_close(&x);
}

/* a server that answers others while one request goes unanswered is busy,
 * not dead: the request fails over, the server stays up */
static void
test_dead_criterion(void)
{
	struct fx x;
	struct result ok = { 0 };
	const struct rad_server_stats *st;

	fx_open(&x, RAD_ACCESS_ACCEPT);
	fx_server(&x, "R1", &x.f, 500, 1, 5000);
	CU_ASSERT_PTR_NOT_NULL(rad_auth_send(x.g, user_attrs("drop"), "p",
	    on_done, &x.r));
	CU_ASSERT_PTR_NOT_NULL(rad_auth_send(x.g, user_attrs("u"), "p",
	    on_done, &ok));
	CU_ASSERT(run_until(x.loop, &x.r.done, 1));
	CU_ASSERT_EQUAL(ok.res, RAD_R_ACCEPT);
	CU_ASSERT_EQUAL(x.r.res, RAD_R_TIMEOUT);
	st = fx_stats(&x, "R1");
	CU_ASSERT_EQUAL(st->state, RAD_SRV_UP);
	CU_ASSERT_EQUAL(st->dead_count, 0);
	CU_ASSERT_EQUAL(st->failovers, 1);
	/* silent since the request was sent: dead */
	CU_ASSERT_EQUAL(fx_auth(&x, "drop"), RAD_R_TIMEOUT);
	st = fx_stats(&x, "R1");
	CU_ASSERT_EQUAL(st->state, RAD_SRV_DEAD);
	CU_ASSERT_EQUAL(st->dead_count, 1);
	fx_close(&x);
}

/* answers that fail the authenticator check are dropped and counted */
static void
test_client_bad_answers(void)
{
	struct fx x;
	struct rad_server_conf c;
	const struct rad_server_stats *st;

	fx_open(&x, RAD_ACCESS_ACCEPT);
	x.f.check = 0;
	conf_for(&c, "R1", &x.f, 30, 1, 60000);
	strcpy(c.key, "wrong");	/* the fake signs with "k" */
	rad_group_add_server(x.g, rad_server_add(x.cl, &c));
	CU_ASSERT_EQUAL(fx_auth(&x, "u"), RAD_R_TIMEOUT);
	st = fx_stats(&x, "R1");
	CU_ASSERT_EQUAL(x.f.n, 2);
	CU_ASSERT_EQUAL(st->bad_packets, 2);
	CU_ASSERT_EQUAL(st->drops[RAD_E_AUTH], 2);
	CU_ASSERT_EQUAL(st->timeouts, 2);
	fx_close(&x);

	/* require_msgauth: an answer without one is dropped, with one taken */
	fx_open(&x, RAD_ACCESS_ACCEPT);
	x.f.no_ma = 1;
	conf_for(&c, "R1", &x.f, 500, 0, 60000);
	c.require_msgauth = 1;
	rad_group_add_server(x.g, rad_server_add(x.cl, &c));
	CU_ASSERT_EQUAL(fx_auth(&x, "u"), RAD_R_TIMEOUT);
	CU_ASSERT_EQUAL(fx_stats(&x, "R1")->drops[RAD_E_MSGAUTH], 1);
	x.f.no_ma = 0;
	CU_ASSERT_EQUAL(fx_auth(&x, "u"), RAD_R_ACCEPT);
	/* accounting answers carry none and need none */
	x.f.no_ma = 1;
	CU_ASSERT_EQUAL(fx_acct(&x, "s1"), RAD_R_ACCT_OK);
	fx_close(&x);
}

/* the show tables render snapshots; a key can never appear */
static void
test_show_tables(void)
{
	struct fx x;
	struct rad_server_stats st;
	struct sso_wbuf b;
	struct sso_json j;
	struct sso_render rd;
	struct sso_detail_style ds = { "  ", 30 };
	const char *txt;

	fx_open(&x, RAD_ACCESS_ACCEPT);
	fx_server(&x, "R1", &x.f, 2000, 3, 1000);
	CU_ASSERT_EQUAL(fx_auth(&x, "u"), RAD_R_ACCEPT);
	st = *fx_stats(&x, "R1");
	st.latency_sum_us = 1500;	/* a fixed average: 1.500 ms */
	st.latency_n = 1;
	st.drops[RAD_E_AUTH] = 2;

	sso_wbuf_init(&b, 0);
	sso_render_init(&rd, &b, NULL);
	sso_table_head(&rd, rad_servers_table(), NULL);
	sso_table_row(&rd, rad_servers_table(), &st);
	sso_table_end(&rd, rad_servers_table());
	txt = sso_wbuf_str(&b);
	CU_ASSERT(strncmp(txt, "Server     Address          Auth  Acct "
	    "State  AuthReq", 53) == 0);
	CU_ASSERT(strstr(txt, "R1         127.0.0.1") != NULL);
	CU_ASSERT(strstr(txt, " UP ") != NULL);
	CU_ASSERT(strstr(txt, "1.500") != NULL);

	sso_wbuf_reset(&b);
	sso_render_detail(&rd, rad_stats_table(), &st, NULL, NULL, &ds);
	txt = sso_wbuf_str(&b);
	CU_ASSERT(strstr(txt, "  Access-Accepts:") != NULL);
	CU_ASSERT(strstr(txt, "    bad authenticator:") != NULL);

	sso_wbuf_reset(&b);
	sso_json_init(&j, &b);
	sso_render_init(&rd, &b, &j);
	sso_json_obj(&j);
	sso_render_detail(&rd, rad_stats_table(), &st, "server", NULL, &ds);
	sso_json_obj_end(&j);
	txt = sso_wbuf_str(&b);
	CU_ASSERT(strstr(txt, "\"accepts\":1") != NULL);
	CU_ASSERT(strstr(txt, "\"drop_authenticator\":2") != NULL);
	CU_ASSERT(strstr(txt, "\"state\":\"UP\"") != NULL);
	CU_ASSERT(strstr(txt, "\"avg_latency_ms\":\"1.500\"") != NULL);
	sso_wbuf_free(&b);
	fx_close(&x);
}

/* every log line of a bad day (drops, timeouts, dead, revive, debug
 * radius on) and not one holds the key or the password */
static void
test_no_secret_in_logs(void)
{
	static const char key[] = "s3cr3t-KEY", pw[] = "pw-S3CRET";
	struct fx x;
	struct rad_server_conf c;
	char log[65536];
	FILE *tmp = tmpfile();
	int saved = dup(2);
	size_t n;

	CU_ASSERT_FATAL(tmp != NULL && saved >= 0);
	fflush(stderr);
	dup2(fileno(tmp), 2);
	sso_log_set_level(SSO_DEBUG);
	fx_open(&x, RAD_ACCESS_ACCEPT);	/* registers "debug radius" */
	CU_ASSERT_EQUAL(sso_debug_set("radius", 1), 0);
	x.f.check = 0;
	conf_for(&c, "R1", &x.f, 30, 1, 50);
	strcpy(c.key, key);	/* the fake signs with "k": every answer bad */
	rad_group_add_server(x.g, rad_server_add(x.cl, &c));
	x.r.done = 0;
	rad_auth_send(x.g, user_attrs("u"), pw, on_done, &x.r);
	CU_ASSERT(run_until(x.loop, &x.r.done, 1));
	CU_ASSERT_EQUAL(x.r.res, RAD_R_TIMEOUT);
	usleep(60000);	/* past the deadtime: the revive is logged */
	CU_ASSERT_EQUAL(fx_auth(&x, "u"), RAD_R_TIMEOUT);
	fx_close(&x);

	sso_debug_set("radius", 0);
	sso_log_set_level(SSO_ERR);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(log, 1, sizeof(log) - 1, tmp);
	log[n] = '\0';
	fclose(tmp);
	CU_ASSERT(strstr(log, "%RADIUS-4-DEAD") != NULL);
	CU_ASSERT(strstr(log, "%RADIUS-5-ALIVE") != NULL);
	CU_ASSERT(strstr(log, "bad authenticator") != NULL);
	CU_ASSERT(strstr(log, "Access-Request id") != NULL);	/* debug */
	CU_ASSERT(strstr(log, key) == NULL);
	CU_ASSERT(strstr(log, pw) == NULL);
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("radius", NULL, NULL);

	sso_log_init("test_radius", 1);
	sso_log_set_level(SSO_ERR);
	CU_add_test(s, "rfc2865_7_1_request", test_rfc71_request);
	CU_add_test(s, "rfc2865_7_1_response", test_rfc71_response);
	CU_add_test(s, "rfc2865_7_2_chap", test_rfc72_chap);
	CU_add_test(s, "password_hiding", test_password_hiding);
	CU_add_test(s, "message_authenticator", test_message_authenticator);
	CU_add_test(s, "attr_lengths", test_attr_lengths);
	CU_add_test(s, "packet_structure", test_packet_structure);
	CU_add_test(s, "authz", test_authz);
	CU_add_test(s, "framed_route", test_framed_route);
	CU_add_test(s, "authz_routes", test_authz_routes);
	CU_add_test(s, "acct_record", test_acct_record);
	CU_add_test(s, "dae", test_dae);
	CU_add_test(s, "dae_checkpoint", test_dae_checkpoint);
	CU_add_test(s, "dae_hold", test_dae_hold);
	CU_add_test(s, "client_accept", test_client_accept);
	CU_add_test(s, "identifier_wrap", test_identifier_wrap);
	CU_add_test(s, "retransmit_schedule", test_retransmit_schedule);
	CU_add_test(s, "failover_dead_revive", test_failover_dead_revive);
	CU_add_test(s, "client_bad_answers", test_client_bad_answers);
	CU_add_test(s, "window", test_window);
	CU_add_test(s, "dead_criterion", test_dead_criterion);
	CU_add_test(s, "show_tables", test_show_tables);
	CU_add_test(s, "no_secret_in_logs", test_no_secret_in_logs);
}
