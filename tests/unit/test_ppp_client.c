/*
 * test_ppp_client.c - libppp's client side as l2tp-peer --ppp drives it:
 * the authentication protocol it accepts (conf.auth: a client asked for
 * PAP Naks a CHAP request towards PAP and the reverse; NONE takes either).
 */
#include <string.h>

#include "runner.h"
#include "ppp.h"

static uint8_t	last[256];
static size_t	last_len;

static int
cx_send(void *arg, const uint8_t *f, size_t len)
{
	(void)arg;
	CU_ASSERT_FATAL(len <= sizeof(last));
	memcpy(last, f, len);
	last_len = len;
	return 0;
}

static void
cx_timer(void *arg, uint16_t proto, uint32_t ms)
{
	(void)arg;
	(void)proto;
	(void)ms;
}

static void
cx_event(void *arg, enum ppp_event ev, uint16_t proto)
{
	(void)arg;
	(void)ev;
	(void)proto;
}

static void
cx_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	memset(buf, 0x5a, len);
}

static const struct ppp_host_ops ops = {
	.send = cx_send, .timer = cx_timer, .event = cx_event,
	.random = cx_random,
};

/* the LNS's Configure-Request: CHAP-MD5 or PAP, and a magic number */
static const uint8_t req_chap[] = { 0xff, 0x03, 0xc0, 0x21, 1, 7, 0, 15,
    3, 5, 0xc2, 0x23, 5, 5, 6, 0x11, 0x22, 0x33, 0x44 };
static const uint8_t req_pap[] = { 0xff, 0x03, 0xc0, 0x21, 1, 8, 0, 14,
    3, 4, 0xc0, 0x23, 5, 6, 0x11, 0x22, 0x33, 0x44 };

static struct ppp_session *
client(enum ppp_auth a)
{
	struct ppp_conf c = { .role = PPP_ROLE_CLIENT, .want_dns = 1,
	    .auth = { a, PPP_AUTH_NONE } };
	struct ppp_session *s;

	strcpy(c.user, "alice");
	strcpy(c.password, "alicepw");
	s = ppp_create(&c, &ops, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	ppp_start(s);
	return s;
}

static void
answer(struct ppp_session *s, const uint8_t *req, size_t len, uint8_t code)
{
	last_len = 0;
	ppp_input(s, req, len);
	CU_ASSERT_FATAL(last_len >= 8);
	CU_ASSERT_EQUAL(last[2], 0xc0);
	CU_ASSERT_EQUAL(last[3], 0x21);
	CU_ASSERT_EQUAL(last[4], code);
	CU_ASSERT_EQUAL(last[5], req[5]);	/* the request's identifier */
}

static void
test_pap_only(void)
{
	struct ppp_session *s = client(PPP_AUTH_PAP);
	static const uint8_t nak[] = { 3, 4, 0xc0, 0x23 };

	/* CHAP asked: Nak suggesting PAP (RFC 1661 6.2), only that option */
	answer(s, req_chap, sizeof(req_chap), 3);
	CU_ASSERT_EQUAL(last_len, 8 + sizeof(nak));
	CU_ASSERT_EQUAL(memcmp(last + 8, nak, sizeof(nak)), 0);
	answer(s, req_pap, sizeof(req_pap), 2);	/* PAP: Ack */
	CU_ASSERT_EQUAL(last_len, sizeof(req_pap));
	ppp_destroy(s);
}

static void
test_chap_only(void)
{
	struct ppp_session *s = client(PPP_AUTH_CHAP);
	static const uint8_t nak[] = { 3, 5, 0xc2, 0x23, 5 };

	answer(s, req_pap, sizeof(req_pap), 3);
	CU_ASSERT_EQUAL(last_len, 8 + sizeof(nak));
	CU_ASSERT_EQUAL(memcmp(last + 8, nak, sizeof(nak)), 0);
	answer(s, req_chap, sizeof(req_chap), 2);
	ppp_destroy(s);
}

static void
test_any(void)
{
	struct ppp_session *s = client(PPP_AUTH_NONE);

	answer(s, req_chap, sizeof(req_chap), 2);
	ppp_destroy(s);
	s = client(PPP_AUTH_NONE);
	answer(s, req_pap, sizeof(req_pap), 2);
	ppp_destroy(s);
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("ppp_client", NULL, NULL);

	CU_add_test(s, "pap_only", test_pap_only);
	CU_add_test(s, "chap_only", test_chap_only);
	CU_add_test(s, "any", test_any);
}
