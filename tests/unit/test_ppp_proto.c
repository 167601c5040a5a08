/*
 * test_ppp_proto.c - libppp protocols: option codec golden vectors, every
 * option at its length -1/+1, magic-number loop-back, PAP and CHAP
 * vectors, IPCP with DNS, proxy LCP/authentication, two engines back to
 * back (client and LNS) through a lossy, duplicating wire, export/restore.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "ppp_b2b.h"

/* --- back to back --- */

static void
test_b2b_chap(void)
{
	b2b_run(PPP_AUTH_CHAP, 0);
	/* admin close: Terminate both ways, both dead, address released */
	ppp_close(SD[0].s, PPP_DOWN_ADMIN);
	b2b_pump(100);
	CU_ASSERT_EQUAL(SD[0].dead, 1);
	CU_ASSERT_EQUAL(SD[1].dead, 1);
	CU_ASSERT_EQUAL(SD[0].released, 1);
	b2b_teardown();
	CU_ASSERT_EQUAL(SD[0].released, 1);	/* exactly once */
}

static void
test_b2b_pap(void)
{
	b2b_run(PPP_AUTH_PAP, 0);
	b2b_teardown();
}

static void
test_b2b_lossy(void)
{
	b2b_run(PPP_AUTH_CHAP, 1);
	b2b_teardown();
	b2b_run(PPP_AUTH_PAP, 1);
	b2b_teardown();
}

/*
 * The host answers addr_alloc later (the subscriber checkpoint of the
 * address, RADIUS): the client's IPCP Configure-Request that came in the
 * meantime is answered when IPCP starts, with no restart timer.
 */
static void
test_async_address(void)
{
	struct ppp_conf l = b2b_lns_conf(PPP_AUTH_CHAP, PPP_AUTH_NONE);
	struct ppp_conf c = b2b_client_conf("alicepw");
	struct ppp_info li, ci;

	b2b_setup(&l, &c);
	SD[0].async_addr = 1;
	ppp_start(SD[0].s);
	ppp_start(SD[1].s);
	b2b_pump_wire();
	CU_ASSERT_EQUAL(SD[0].addr_asked, 1);
	ppp_get_info(SD[0].s, &li);
	CU_ASSERT_EQUAL(li.ipcp_state, PPP_ST_INITIAL);
	ppp_ipcp_set_address(SD[0].s, 0x0a500010);
	b2b_pump_wire();
	ppp_get_info(SD[0].s, &li);
	ppp_get_info(SD[1].s, &ci);
	CU_ASSERT_EQUAL(li.ipcp_state, PPP_ST_OPENED);
	CU_ASSERT_EQUAL(ci.ipcp_state, PPP_ST_OPENED);
	CU_ASSERT_EQUAL(ci.addr_ours, 0x0a500010);
	b2b_teardown();
}

static void
test_b2b_no_auth(void)
{
	b2b_run(PPP_AUTH_NONE, 0);
	b2b_teardown();
}

static void
test_wrong_password(void)
{
	struct ppp_conf l = b2b_lns_conf(PPP_AUTH_CHAP, PPP_AUTH_NONE);
	struct ppp_conf c = b2b_client_conf("wrong");

	b2b_setup(&l, &c);
	ppp_start(SD[0].s);
	ppp_start(SD[1].s);
	b2b_pump(1000);
	CU_ASSERT_EQUAL(SD[0].auth_fail, 1);
	CU_ASSERT_EQUAL(SD[1].auth_fail, 1);
	CU_ASSERT_EQUAL(SD[0].up, 0);
	CU_ASSERT_EQUAL(SD[0].dead, 1);
	CU_ASSERT_EQUAL(SD[0].s->down_reason, PPP_DOWN_AUTH);
	CU_ASSERT_EQUAL(SD[0].released, 0);	/* never had one */
	b2b_teardown();

	l = b2b_lns_conf(PPP_AUTH_PAP, PPP_AUTH_NONE);
	b2b_setup(&l, &c);
	ppp_start(SD[0].s);
	ppp_start(SD[1].s);
	b2b_pump(1000);
	CU_ASSERT_EQUAL(SD[0].auth_fail, 1);
	CU_ASSERT_EQUAL(SD[0].dead, 1);
	b2b_teardown();
}

/* the client cannot do CHAP... it can; a LNS offering PAP then CHAP */
static void
test_auth_nak_fallback(void)
{
	struct ppp_conf l = b2b_lns_conf(PPP_AUTH_CHAP, PPP_AUTH_PAP);
	/* Nak of our CHAP suggesting PAP: we switch to PAP */
	static const uint8_t nak[] = { 0xff, 0x03, 0xc0, 0x21, 3, 0, 0, 8,
	    3, 4, 0xc0, 0x23 };
	uint8_t f[sizeof(nak)];

	b2b_setup(&l, NULL);
	ppp_start(SD[0].s);
	CU_ASSERT_EQUAL(SD[0].s->lcp_want.auth, PPP_AUTH_CHAP);
	memcpy(f, nak, sizeof(f));
	f[5] = SD[0].s->lcp.req_id;
	b2b_input(0, f, sizeof(f));
	CU_ASSERT_EQUAL(SD[0].s->lcp_want.auth, PPP_AUTH_PAP);
	/* last request carries c023 */
	CU_ASSERT_EQUAL(SD[0].last[4], PPP_CONFREQ);
	b2b_teardown();
}

/* --- codec golden vectors --- */

static void
test_golden_lcp(void)
{
	struct ppp_conf l = b2b_lns_conf(PPP_AUTH_CHAP, PPP_AUTH_NONE);
	/* a real client CONFREQ: MRU 1492, ACCM 0, magic, PFC, ACFC */
	static const uint8_t req[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x01,
	    0x00, 0x18, 0x01, 0x04, 0x05, 0xd4, 0x02, 0x06, 0x00, 0x00, 0x00,
	    0x00, 0x05, 0x06, 0x3c, 0x9e, 0x1a, 0x4b, 0x07, 0x02, 0x08, 0x02 };
	/* with MRRU (17) and Endpoint Discriminator (19): rejected, in order */
	static const uint8_t req2[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x02,
	    0x00, 0x11, 0x11, 0x04, 0x05, 0xdc, 0x01, 0x04, 0x05, 0xd4, 0x13,
	    0x05, 0x01, 0x02, 0x03 };
	static const uint8_t rej2[] = { 0xff, 0x03, 0xc0, 0x21, 0x04, 0x02,
	    0x00, 0x0d, 0x11, 0x04, 0x05, 0xdc, 0x13, 0x05, 0x01, 0x02,
	    0x03 };
	uint8_t ack[sizeof(req)];
	size_t i;

	b2b_setup(&l, NULL);
	ppp_start(SD[0].s);
	/* our request: CHAP-MD5 and a magic number */
	CU_ASSERT_EQUAL(SD[0].last_len, 8 + 5 + 6);
	CU_ASSERT_EQUAL(SD[0].last[8], 3);
	CU_ASSERT_EQUAL(SD[0].last[9], 5);
	CU_ASSERT_EQUAL(SD[0].last[10], 0xc2);
	CU_ASSERT_EQUAL(SD[0].last[11], 0x23);
	CU_ASSERT_EQUAL(SD[0].last[12], 5);
	CU_ASSERT_EQUAL(SD[0].last[13], 5);
	b2b_input(0, req, sizeof(req));
	memcpy(ack, req, sizeof(ack));
	ack[4] = 0x02;
	CU_ASSERT_EQUAL(SD[0].last_len, sizeof(ack));
	CU_ASSERT(memcmp(SD[0].last, ack, sizeof(ack)) == 0);
	CU_ASSERT_EQUAL(SD[0].s->lcp_his.mru, 1492);
	CU_ASSERT_EQUAL(SD[0].s->lcp_his.magic, 0x3c9e1a4b);
	CU_ASSERT(SD[0].s->lcp_his.pfc && SD[0].s->lcp_his.acfc);
	b2b_input(0, req2, sizeof(req2));
	CU_ASSERT_EQUAL(SD[0].last_len, sizeof(rej2));
	for (i = 0; i < sizeof(rej2) && i < SD[0].last_len; i++)
		CU_ASSERT_EQUAL(SD[0].last[i], rej2[i]);
	/* PFC/ACFC framing: 1-octet protocol, no FF 03, still LCP? no:
	 * LCP is C021 (even first octet): a compressed IP frame is 0x21 */
	b2b_teardown();
}

static void
test_golden_ipcp_dns(void)
{
	struct ppp_conf l = b2b_lns_conf(PPP_AUTH_NONE, PPP_AUTH_NONE);
	/* client asks 0.0.0.0 and DNS 0.0.0.0 twice, plus NBNS 130 and VJ */
	static const uint8_t req[] = { 0xff, 0x03, 0x80, 0x21, 0x01, 0x01,
	    0x00, 0x22, 0x02, 0x06, 0x00, 0x2d, 0x0f, 0x01, 0x03, 0x06, 0, 0,
	    0, 0, 0x81, 0x06, 0, 0, 0, 0, 0x82, 0x06, 0, 0, 0, 0, 0x83, 0x06,
	    0, 0, 0, 0 };
	static const uint8_t rej[] = { 0xff, 0x03, 0x80, 0x21, 0x04, 0x01,
	    0x00, 0x10, 0x02, 0x06, 0x00, 0x2d, 0x0f, 0x01, 0x82, 0x06, 0, 0,
	    0, 0 };
	static const uint8_t req2[] = { 0xff, 0x03, 0x80, 0x21, 0x01, 0x02,
	    0x00, 0x16, 0x03, 0x06, 0, 0, 0, 0, 0x81, 0x06, 0, 0, 0, 0, 0x83,
	    0x06, 0, 0, 0, 0 };
	static const uint8_t nak2[] = { 0xff, 0x03, 0x80, 0x21, 0x03, 0x02,
	    0x00, 0x16, 0x03, 0x06, 10, 80, 0, 16, 0x81, 0x06, 10, 99, 0, 1,
	    0x83, 0x06, 10, 99, 0, 2 };
	uint8_t req3[sizeof(nak2)];
	static const uint8_t lcpreq[] = { 0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4 };
	uint8_t f[32];

	b2b_setup(&l, NULL);
	ppp_start(SD[0].s);
	b2b_input(0, lcpreq, sizeof(lcpreq));
	memcpy(f, SD[0].last, 8);
	/* ack our LCP request */
	f[0] = 0xff; f[1] = 3; f[2] = 0xc0; f[3] = 0x21; f[4] = 2;
	f[5] = SD[0].s->lcp.req_id;
	f[6] = 0; f[7] = (uint8_t)(4 + SD[0].s->lcp.req_len);
	memcpy(f + 8, SD[0].s->lcp.req, SD[0].s->lcp.req_len);
	b2b_input(0, f, 8 + SD[0].s->lcp.req_len);
	CU_ASSERT_EQUAL_FATAL(SD[0].s->lcp.state, PPP_ST_OPENED);
	CU_ASSERT_EQUAL(SD[0].s->ipcp.state, PPP_ST_REQSENT);
	/* our IPCP request carries our address (Loopback0) */
	CU_ASSERT_EQUAL(SD[0].last[2], 0x80);
	CU_ASSERT_EQUAL(SD[0].last[8], 3);
	CU_ASSERT_EQUAL(SD[0].last[10], 10);
	CU_ASSERT_EQUAL(SD[0].last[13], 1);
	b2b_input(0, req, sizeof(req));
	CU_ASSERT_EQUAL(SD[0].last_len, sizeof(rej));
	CU_ASSERT(memcmp(SD[0].last, rej, sizeof(rej)) == 0);
	b2b_input(0, req2, sizeof(req2));
	CU_ASSERT_EQUAL(SD[0].last_len, sizeof(nak2));
	CU_ASSERT(memcmp(SD[0].last, nak2, sizeof(nak2)) == 0);
	/* the client takes the suggestions: Ack */
	memcpy(req3, nak2, sizeof(req3));
	req3[4] = 1;
	req3[5] = 3;
	b2b_input(0, req3, sizeof(req3));
	CU_ASSERT_EQUAL(SD[0].last[4], PPP_CONFACK);
	CU_ASSERT_EQUAL(SD[0].s->ipcp_his.addr, 0x0a500010);
	CU_ASSERT_EQUAL(SD[0].s->ipcp.state, PPP_ST_ACKSENT);
	b2b_teardown();
}

/* every LCP/IPCP option at min_len-1 and max_len+1 is rejected */
static void
test_option_lengths(void)
{
	const struct ppp_cp_ops *cps[] = { &ppp_lcp_ops, &ppp_ipcp_ops };
	struct ppp_conf l = b2b_lns_conf(PPP_AUTH_NONE, PPP_AUTH_NONE);
	size_t k, i;
	int d;

	b2b_setup(&l, NULL);
	for (k = 0; k < 2; k++)
		for (i = 0; i < cps[k]->nopts; i++)
			for (d = -1; d <= 1; d += 2) {
				const struct ppp_opt *o = &cps[k]->opts[i];
				int len = d < 0 ? o->min_len - 1 : o->max_len + 1;
				uint8_t b[300] = { 0 };
				struct sso_cur c;
				struct ppp_fsm *f = k == 0 ? &SD[0].s->lcp :
				    &SD[0].s->ipcp;

				if (len < 2 || len > 255)
					continue;	/* cannot be written */
				b[0] = o->type;
				b[1] = (uint8_t)len;
				sso_cur_init(&c, b, (size_t)len);
				CU_ASSERT_EQUAL(ppp_fsm_judge(f, &c),
				    PPP_OPT_REJ);
				CU_ASSERT_EQUAL(SD[0].s->rej.len, (size_t)len);
			}
	/* an option running past the packet: the list is malformed */
	{
		uint8_t b[] = { 1, 6, 5, 0xdc };
		struct sso_cur c;

		sso_cur_init(&c, b, sizeof(b));
		CU_ASSERT(ppp_fsm_judge(&SD[0].s->lcp, &c) > PPP_OPT_REJ);
	}
	b2b_teardown();
}

/* --- magic numbers --- */

static void
test_magic_loopback(void)
{
	struct ppp_conf l = b2b_lns_conf(PPP_AUTH_NONE, PPP_AUTH_NONE);
	uint8_t f[] = { 0xff, 0x03, 0xc0, 0x21, 1, 9, 0, 10, 5, 6, 0, 0, 0, 0 };
	uint32_t m;

	b2b_setup(&l, NULL);
	ppp_start(SD[0].s);
	m = SD[0].s->lcp_want.magic;
	f[10] = (uint8_t)(m >> 24); f[11] = (uint8_t)(m >> 16);
	f[12] = (uint8_t)(m >> 8); f[13] = (uint8_t)m;
	b2b_input(0, f, sizeof(f));
	CU_ASSERT_EQUAL(SD[0].s->cnt.loops, 1);
	CU_ASSERT_EQUAL(SD[0].last[4], PPP_CONFNAK);
	CU_ASSERT_EQUAL(SD[0].last[8], 5);
	CU_ASSERT(memcmp(SD[0].last + 10, f + 10, 4) != 0);
	/* zero is no magic number either: Nak */
	memset(f + 10, 0, 4);
	b2b_input(0, f, sizeof(f));
	CU_ASSERT_EQUAL(SD[0].last[4], PPP_CONFNAK);
	CU_ASSERT_EQUAL(SD[0].s->cnt.loops, 1);
	b2b_teardown();
}

static void
test_echo(void)
{
	uint8_t echo[] = { 0xff, 0x03, 0xc0, 0x21, 9, 7, 0, 12, 0, 0, 0, 0,
	    'a', 'b', 'c', 'd' };
	uint32_t m;

	b2b_run(PPP_AUTH_NONE, 0);
	/* an echo request with the peer's magic gets a reply with ours */
	m = SD[0].s->lcp_his.magic;
	echo[8] = (uint8_t)(m >> 24); echo[9] = (uint8_t)(m >> 16);
	echo[10] = (uint8_t)(m >> 8); echo[11] = (uint8_t)m;
	SD[0].sent = 0;
	b2b_input(0, echo, sizeof(echo));
	CU_ASSERT_EQUAL(SD[0].sent, 1);
	CU_ASSERT_EQUAL(SD[0].last[4], PPP_ECHOREP);
	CU_ASSERT_EQUAL(SD[0].last[5], 7);
	m = SD[0].s->lcp_got.magic;
	CU_ASSERT_EQUAL(SD[0].last[8], (uint8_t)(m >> 24));
	CU_ASSERT(memcmp(SD[0].last + 12, "abcd", 4) == 0);
	/* our own magic: dropped, counted */
	echo[8] = (uint8_t)(m >> 24); echo[9] = (uint8_t)(m >> 16);
	echo[10] = (uint8_t)(m >> 8); echo[11] = (uint8_t)m;
	SD[0].sent = 0;
	b2b_input(0, echo, sizeof(echo));
	CU_ASSERT_EQUAL(SD[0].sent, 0);
	CU_ASSERT_EQUAL(SD[0].s->cnt.drops[PPP_DROP_LOOPED_ECHO], 1);
	/* keepalive: busy link no echo; idle -> echo answered by the peer */
	b2b_wire_clear();
	CU_ASSERT_EQUAL(ppp_echo_timer(SD[0].s), 0);	/* rx seen */
	CU_ASSERT_EQUAL(ppp_echo_timer(SD[0].s), 0);
	CU_ASSERT_EQUAL(SD[0].s->cnt.echo_tx, 1);
	b2b_pump(10);
	CU_ASSERT_EQUAL(SD[0].s->cnt.echo_reply_rx, 1);
	CU_ASSERT_EQUAL(SD[0].s->echo_misses, 0);
	/* the peer is gone: RETRIES (3) echoes, then down */
	ppp_destroy(SD[1].s);
	SD[1].s = NULL;
	SD[0].s->rx_seen = 0;
	CU_ASSERT_EQUAL(ppp_echo_timer(SD[0].s), 0);
	CU_ASSERT_EQUAL(ppp_echo_timer(SD[0].s), 0);
	CU_ASSERT_EQUAL(ppp_echo_timer(SD[0].s), 0);
	CU_ASSERT_EQUAL(ppp_echo_timer(SD[0].s), -1);
	CU_ASSERT_EQUAL(SD[0].s->down_reason, PPP_DOWN_KEEPALIVE);
	CU_ASSERT_EQUAL(SD[0].last[4], PPP_TERMREQ);
	b2b_teardown();
}

static void
test_protocol_and_code_reject(void)
{
	static const uint8_t v6cp[] = { 0xff, 0x03, 0x80, 0x57, 1, 1, 0, 4 };
	static const uint8_t code[] = { 0xff, 0x03, 0xc0, 0x21, 42, 1, 0, 4 };
	static const uint8_t ip_pfc[] = { 0x21, 0x45, 0, 0, 20 };

	b2b_run(PPP_AUTH_NONE, 0);
	b2b_input(0, v6cp, sizeof(v6cp));
	CU_ASSERT_EQUAL(SD[0].last[4], PPP_PROTREJ);
	CU_ASSERT_EQUAL(SD[0].last[8], 0x80);
	CU_ASSERT_EQUAL(SD[0].last[9], 0x57);
	CU_ASSERT_EQUAL(SD[0].s->cnt.drops[PPP_DROP_UNKNOWN_PROTO], 1);
	b2b_input(0, code, sizeof(code));
	CU_ASSERT_EQUAL(SD[0].last[4], PPP_CODEREJ);
	CU_ASSERT_EQUAL(SD[0].last[8], 42);
	CU_ASSERT_EQUAL(SD[0].s->cnt.drops[PPP_DROP_UNKNOWN_CODE], 1);
	/* PFC/no-ACFC IP frame reaches the host */
	b2b_input(0, ip_pfc, sizeof(ip_pfc));
	CU_ASSERT_EQUAL(SD[0].s->cnt.rx_data, 1);
	CU_ASSERT_EQUAL(SD[0].s->cnt.rx_data_bytes, 4);
	b2b_teardown();
}

/* --- CHAP and PAP vectors --- */

static void
test_chap_vector(void)
{
	/* RFC 1994: MD5(id || secret || challenge), computed here with EVP */
	static const uint8_t chal[16] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
	    0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10 };
	/* fixed vector: id 0x2a, secret "alicepw" */
	uint8_t out[16], want[16], buf[1 + 7 + 16];
	unsigned n;
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	buf[0] = 0x2a;
	memcpy(buf + 1, "alicepw", 7);
	memcpy(buf + 8, chal, 16);
	EVP_DigestInit_ex(c, EVP_md5(), NULL);
	EVP_DigestUpdate(c, buf, sizeof(buf));
	EVP_DigestFinal_ex(c, want, &n);
	EVP_MD_CTX_free(c);
	CU_ASSERT_EQUAL(ppp_chap_md5(0x2a, "alicepw", chal, 16, out), 0);
	CU_ASSERT(memcmp(out, want, 16) == 0);
	CU_ASSERT(ppp_chap_md5_verify(0x2a, "alicepw", chal, 16, want, 16));
	CU_ASSERT(!ppp_chap_md5_verify(0x2b, "alicepw", chal, 16, want, 16));
	CU_ASSERT(!ppp_chap_md5_verify(0x2a, "alicepw", chal, 16, want, 15));
	want[15] ^= 1;
	CU_ASSERT(!ppp_chap_md5_verify(0x2a, "alicepw", chal, 16, want, 16));
	/* fixed vector: MD5(0x01 || "secret" || 00..0f) */
	{
		static const uint8_t ch2[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
		    10, 11, 12, 13, 14, 15 };
		/* md5sum of the same 23 octets */
		static const uint8_t fixed[16] = { 0x74, 0x0e, 0x86, 0x46,
		    0x3b, 0xda, 0x3a, 0x4d, 0x70, 0x17, 0xd6, 0xe0, 0xfb, 0xa0,
		    0x69, 0x9d };

		CU_ASSERT_EQUAL(ppp_chap_md5(1, "secret", ch2, 16, out), 0);
		CU_ASSERT(memcmp(out, fixed, 16) == 0);
	}
}

static void
test_pap_vectors(void)
{
	struct ppp_conf l = b2b_lns_conf(PPP_AUTH_PAP, PPP_AUTH_NONE);
	/* Authenticate-Request "alice"/"alicepw", then a truncated one */
	static const uint8_t req[] = { 0xff, 0x03, 0xc0, 0x23, 1, 5, 0, 18,
	    5, 'a', 'l', 'i', 'c', 'e', 7, 'a', 'l', 'i', 'c', 'e', 'p', 'w' };
	static const uint8_t bad[] = { 0xff, 0x03, 0xc0, 0x23, 1, 6, 0, 10,
	    5, 'a', 'l', 'i', 'c', 'e' };
	static const uint8_t lcpreq[] = { 0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4 };
	uint8_t f[32];

	b2b_setup(&l, NULL);
	SD[0].async_auth = 1;
	ppp_start(SD[0].s);
	b2b_input(0, lcpreq, sizeof(lcpreq));
	f[0] = 0xff; f[1] = 3; f[2] = 0xc0; f[3] = 0x21; f[4] = 2;
	f[5] = SD[0].s->lcp.req_id; f[6] = 0;
	f[7] = (uint8_t)(4 + SD[0].s->lcp.req_len);
	memcpy(f + 8, SD[0].s->lcp.req, SD[0].s->lcp.req_len);
	b2b_input(0, f, 8 + SD[0].s->lcp.req_len);
	CU_ASSERT_EQUAL_FATAL(SD[0].s->phase, PPP_PHASE_AUTHENTICATE);
	b2b_input(0, bad, sizeof(bad));
	CU_ASSERT_EQUAL(SD[0].s->cnt.drops[PPP_DROP_AUTH_BAD], 1);
	CU_ASSERT_EQUAL(SD[0].auth_calls, 0);
	b2b_input(0, req, sizeof(req));
	CU_ASSERT_EQUAL(SD[0].auth_calls, 1);
	b2b_input(0, req, sizeof(req));	/* retransmission while pending */
	CU_ASSERT_EQUAL(SD[0].auth_calls, 1);
	CU_ASSERT_EQUAL(SD[0].pending_auth, 1);
	ppp_auth_result(SD[0].s, 1, "hello alice");
	CU_ASSERT_EQUAL(SD[0].auth_ok, 1);
	/* the Ack went out before IPCP's request: find it by the buffer */
	CU_ASSERT_EQUAL(SD[0].s->phase, PPP_PHASE_NETWORK);
	CU_ASSERT_EQUAL(SD[0].last[2], 0x80);	/* IPCP request after it */
	b2b_input(0, req, sizeof(req));	/* retransmission after: same Ack */
	CU_ASSERT_EQUAL(SD[0].last[2], 0xc0);
	CU_ASSERT_EQUAL(SD[0].last[3], 0x23);
	CU_ASSERT_EQUAL(SD[0].last[4], 2);
	CU_ASSERT_EQUAL(SD[0].last[5], 5);
	CU_ASSERT_EQUAL(SD[0].last[8], 11);
	CU_ASSERT(memcmp(SD[0].last + 9, "hello alice", 11) == 0);
	b2b_teardown();
}

static void
test_chap_rechallenge(void)
{
	struct ppp_conf l = b2b_lns_conf(PPP_AUTH_CHAP, PPP_AUTH_NONE);
	struct ppp_conf c = b2b_client_conf("alicepw");

	l.rechallenge_s = 60;
	b2b_setup(&l, &c);
	ppp_start(SD[0].s);
	ppp_start(SD[1].s);
	b2b_pump(1000);
	CU_ASSERT_EQUAL_FATAL(SD[0].up, 1);
	CU_ASSERT_EQUAL(SD[0].timer[3], 60000);
	SD[0].timer[3] = 0;
	ppp_timeout(SD[0].s, PPP_PROTO_CHAP);
	b2b_pump(100);
	CU_ASSERT_EQUAL(SD[0].s->cnt.rechallenges, 1);
	CU_ASSERT_EQUAL(SD[0].auth_calls, 2);
	CU_ASSERT_EQUAL(SD[0].s->as, PPP_AS_DONE);
	CU_ASSERT_EQUAL(SD[0].s->ipcp.state, PPP_ST_OPENED);
	CU_ASSERT_EQUAL(SD[0].up, 1);
	b2b_teardown();
}

/* --- proxy LCP / proxy authentication --- */

static void
proxy_fill(struct ppp_proxy *p, int chap, const char *pw)
{
	/* LAC -> client: MRU 1460, CHAP-MD5, magic; client -> LAC: magic */
	static const uint8_t tx_chap[] = { 1, 4, 0x05, 0xb4, 3, 5, 0xc2, 0x23,
	    5, 5, 6, 0x11, 0x22, 0x33, 0x44 };
	static const uint8_t tx_pap[] = { 1, 4, 0x05, 0xb4, 3, 4, 0xc0, 0x23,
	    5, 6, 0x11, 0x22, 0x33, 0x44 };
	static const uint8_t rx[] = { 1, 4, 0x05, 0xd4, 5, 6, 0x55, 0x66,
	    0x77, 0x88 };
	size_t i;

	memset(p, 0, sizeof(*p));
	memcpy(p->init_rx_lcp, rx, sizeof(rx));
	p->init_rx_lcp_len = sizeof(rx);
	memcpy(p->last_rx_lcp, rx, sizeof(rx));
	p->last_rx_lcp_len = sizeof(rx);
	if (chap) {
		memcpy(p->last_tx_lcp, tx_chap, sizeof(tx_chap));
		p->last_tx_lcp_len = sizeof(tx_chap);
		p->auth_type = PPP_PROXY_AUTH_CHAP;
		for (i = 0; i < 16; i++)
			p->auth_chal[i] = (uint8_t)(i * 7);
		p->auth_chal_len = 16;
		p->auth_id = 9;
		ppp_chap_md5(9, pw, p->auth_chal, 16, p->auth_resp);
		p->auth_resp_len = 16;
	} else {
		memcpy(p->last_tx_lcp, tx_pap, sizeof(tx_pap));
		p->last_tx_lcp_len = sizeof(tx_pap);
		p->auth_type = PPP_PROXY_AUTH_PAP;
		p->auth_resp_len = strlen(pw);
		memcpy(p->auth_resp, pw, p->auth_resp_len);
		p->auth_id = 3;
	}
	snprintf(p->auth_name, sizeof(p->auth_name), "alice");
}

static void
test_proxy_accepted(void)
{
	struct ppp_conf l = b2b_lns_conf(PPP_AUTH_CHAP, PPP_AUTH_PAP);
	struct ppp_proxy p;
	int chap;

	for (chap = 0; chap < 2; chap++) {
		b2b_setup(&l, NULL);
		proxy_fill(&p, chap, "alicepw");
		ppp_start_proxy(SD[0].s, &p);
		CU_ASSERT_EQUAL(SD[0].s->lcp.state, PPP_ST_OPENED);
		CU_ASSERT_EQUAL(SD[0].s->lcp_got.mru, 1460);
		CU_ASSERT_EQUAL(SD[0].s->lcp_his.mru, 1492);
		CU_ASSERT_EQUAL(SD[0].s->lcp_got.magic, 0x11223344);
		CU_ASSERT_EQUAL(SD[0].s->lcp_his.magic, 0x55667788);
		CU_ASSERT_EQUAL(SD[0].auth_ok, 1);
		CU_ASSERT_EQUAL(SD[0].s->auth_in_use,
		    chap ? PPP_AUTH_CHAP : PPP_AUTH_PAP);
		/* straight to IPCP: the last frame is IPCP's request */
		CU_ASSERT_EQUAL(SD[0].s->ipcp.state, PPP_ST_REQSENT);
		CU_ASSERT_EQUAL(SD[0].last[2], 0x80);
		b2b_teardown();
	}
}

static void
test_proxy_chap_failed(void)
{
	struct ppp_conf l = b2b_lns_conf(PPP_AUTH_CHAP, PPP_AUTH_NONE);
	struct ppp_proxy p;

	b2b_setup(&l, NULL);
	proxy_fill(&p, 1, "wrongpw");
	ppp_start_proxy(SD[0].s, &p);
	CU_ASSERT_EQUAL(SD[0].auth_fail, 1);
	CU_ASSERT_EQUAL(SD[0].s->down_reason, PPP_DOWN_AUTH);
	CU_ASSERT_EQUAL(SD[0].s->lcp.state, PPP_ST_CLOSING);
	CU_ASSERT_EQUAL(SD[0].last[2], 0xc0);
	CU_ASSERT_EQUAL(SD[0].last[4], PPP_TERMREQ);
	b2b_teardown();
}

static void
test_proxy_refused(void)
{
	struct ppp_conf l = b2b_lns_conf(PPP_AUTH_CHAP, PPP_AUTH_NONE);
	struct ppp_proxy p;

	/* PAP proxied but we accept only CHAP: renegotiate LCP */
	b2b_setup(&l, NULL);
	proxy_fill(&p, 0, "alicepw");
	ppp_start_proxy(SD[0].s, &p);
	CU_ASSERT_EQUAL(SD[0].s->lcp.state, PPP_ST_REQSENT);
	CU_ASSERT_EQUAL(SD[0].last[4], PPP_CONFREQ);
	CU_ASSERT_EQUAL(SD[0].auth_calls, 0);
	b2b_teardown();
	/* MRU too small in the client's request */
	b2b_setup(&l, NULL);
	proxy_fill(&p, 1, "alicepw");
	p.last_rx_lcp[2] = 0;
	p.last_rx_lcp[3] = 64;
	ppp_start_proxy(SD[0].s, &p);
	CU_ASSERT_EQUAL(SD[0].s->lcp.state, PPP_ST_REQSENT);
	b2b_teardown();
	/* lcp renegotiation always */
	l.renegotiate_always = 1;
	b2b_setup(&l, NULL);
	proxy_fill(&p, 1, "alicepw");
	ppp_start_proxy(SD[0].s, &p);
	CU_ASSERT_EQUAL(SD[0].s->lcp.state, PPP_ST_REQSENT);
	b2b_teardown();
	/* and the renegotiation then completes with a real client */
	l.renegotiate_always = 0;
	{
		struct ppp_conf c = b2b_client_conf("alicepw");

		b2b_setup(&l, &c);
		proxy_fill(&p, 0, "alicepw");
		ppp_start_proxy(SD[0].s, &p);
		ppp_start(SD[1].s);
		b2b_pump(1000);
		CU_ASSERT_EQUAL(SD[0].up, 1);
		CU_ASSERT_EQUAL(SD[0].s->auth_in_use, PPP_AUTH_CHAP);
		b2b_teardown();
	}
}

/* --- export / restore --- */

static void
test_export_restore(void)
{
	struct ppp_established e, e2;
	struct ppp_session *r;
	struct side saved;
	uint8_t echo[] = { 0xff, 0x03, 0xc0, 0x21, 9, 7, 0, 8, 0, 0, 0, 0 };
	uint32_t m;

	b2b_run(PPP_AUTH_CHAP, 0);
	ppp_export(SD[0].s, &e);
	CU_ASSERT_EQUAL(e.lcp_state, PPP_ST_OPENED);
	CU_ASSERT_STRING_EQUAL(e.user, "alice");
	saved = SD[0];
	/* a standby's fresh instance, same configuration */
	SD[0].sent = 0;
	SD[0].ckpts = 0;
	r = ppp_create(&SD[0].s->conf, &b2b_ops, &SD[0]);
	CU_ASSERT_EQUAL(ppp_restore(r, &e), 0);
	CU_ASSERT_EQUAL(SD[0].sent, 0);	/* nothing sent */
	ppp_export(r, &e2);
	CU_ASSERT(memcmp(&e, &e2, sizeof(e)) == 0);
	CU_ASSERT_EQUAL(ppp_restore(r, &e), -1);	/* only once */
	/* echoes answered at once with the same magic */
	m = e.magic_peer;
	echo[8] = (uint8_t)(m >> 24); echo[9] = (uint8_t)(m >> 16);
	echo[10] = (uint8_t)(m >> 8); echo[11] = (uint8_t)m;
	ppp_input(r, echo, sizeof(echo));
	CU_ASSERT_EQUAL(SD[0].sent, 1);
	CU_ASSERT_EQUAL(SD[0].last[4], PPP_ECHOREP);
	m = e.magic_ours;
	CU_ASSERT_EQUAL(SD[0].last[11], (uint8_t)m);
	ppp_destroy(r);
	(void)saved;
	b2b_teardown();
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("ppp_proto", NULL, NULL);

	CU_add_test(s, "b2b_chap", test_b2b_chap);
	CU_add_test(s, "b2b_pap", test_b2b_pap);
	CU_add_test(s, "b2b_no_auth", test_b2b_no_auth);
	CU_add_test(s, "b2b_lossy", test_b2b_lossy);
	CU_add_test(s, "wrong_password", test_wrong_password);
	CU_add_test(s, "auth_nak_fallback", test_auth_nak_fallback);
	CU_add_test(s, "golden_lcp", test_golden_lcp);
	CU_add_test(s, "golden_ipcp_dns", test_golden_ipcp_dns);
	CU_add_test(s, "option_lengths", test_option_lengths);
	CU_add_test(s, "magic_loopback", test_magic_loopback);
	CU_add_test(s, "echo", test_echo);
	CU_add_test(s, "protocol_and_code_reject",
	    test_protocol_and_code_reject);
	CU_add_test(s, "chap_vector", test_chap_vector);
	CU_add_test(s, "pap_vectors", test_pap_vectors);
	CU_add_test(s, "chap_rechallenge", test_chap_rechallenge);
	CU_add_test(s, "proxy_accepted", test_proxy_accepted);
	CU_add_test(s, "proxy_chap_failed", test_proxy_chap_failed);
	CU_add_test(s, "proxy_refused", test_proxy_refused);
	CU_add_test(s, "export_restore", test_export_restore);
	CU_add_test(s, "async_address", test_async_address);
}
