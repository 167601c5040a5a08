/*
 * ppp_b2b.c - two libppp engines back to back for the unit suites
 * (test_ppp_proto.c, test_sub_codec.c): SD[0] an LNS, SD[1] a client,
 * host ops that put every frame on an in-memory wire (lossy and
 * duplicating when `lossy` is set), a simulated clock for the restart
 * timers, CHAP/PAP verified against alice/alicepw, 10.80.0.16 handed out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ppp_b2b.h"

#define WIRE_MAX	256
struct side SD[2];
static struct { int to; size_t len; uint8_t b[1600]; } wire[WIRE_MAX];
static int nwire;
int lossy;
static uint64_t now_ms;	/* simulated: b2b_pump() jumps to the next timer */
static unsigned wire_count;

static int
tidx(uint16_t proto)
{
	switch (proto) {
	case PPP_PROTO_LCP: return 0;
	case PPP_PROTO_IPCP: return 1;
	case PPP_PROTO_PAP: return 2;
	default: return 3;
	}
}

static int
fx_send(void *arg, const uint8_t *f, size_t len)
{
	struct side *sd = arg;
	int to = sd == &SD[0] ? 1 : 0;

	CU_ASSERT_FATAL(len <= sizeof(sd->last));
	memcpy(sd->last, f, len);
	sd->last_len = len;
	sd->sent++;
	wire_count++;
	if (lossy && wire_count % 3 == 0)
		return 0;	/* lost */
	CU_ASSERT_FATAL(nwire + 2 < WIRE_MAX);
	wire[nwire].to = to;
	wire[nwire].len = len;
	memcpy(wire[nwire].b, f, len);
	nwire++;
	if (lossy && wire_count % 4 == 0) {	/* duplicated */
		wire[nwire] = wire[nwire - 1];
		nwire++;
	}
	return 0;
}

static void
fx_timer(void *arg, uint16_t proto, uint32_t ms)
{
	((struct side *)arg)->timer[tidx(proto)] = ms;
	((struct side *)arg)->due[tidx(proto)] = now_ms + ms;
}

static void
fx_event(void *arg, enum ppp_event ev, uint16_t proto)
{
	struct side *sd = arg;

	if (ev == PPP_EV_UP)
		sd->up++;
	else if (ev == PPP_EV_DEAD)
		sd->dead++;
	else if (ev == PPP_EV_AUTH_OK)
		sd->auth_ok++;
	else if (ev == PPP_EV_AUTH_FAIL)
		sd->auth_fail++;
}

static void
fx_random(void *arg, void *buf, size_t len)
{
	struct side *sd = arg;
	uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		sd->rnd ^= sd->rnd << 13;
		sd->rnd ^= sd->rnd >> 17;
		sd->rnd ^= sd->rnd << 5;
		b[i] = (uint8_t)sd->rnd;
	}
}

static void
fx_pap(void *arg, const char *user, const char *pass)
{
	struct side *sd = arg;

	sd->auth_calls++;
	if (sd->async_auth) {
		sd->pending_auth = strcmp(user, "alice") == 0 &&
		    strcmp(pass, "alicepw") == 0 ? 1 : 2;
		return;
	}
	ppp_auth_result(sd->s, strcmp(user, "alice") == 0 &&
	    strcmp(pass, "alicepw") == 0, NULL);
}

static void
fx_chap(void *arg, const char *user, uint8_t id, const uint8_t *chal,
    size_t clen, const uint8_t *resp, size_t rlen)
{
	struct side *sd = arg;
	int ok = strcmp(user, "alice") == 0 &&
	    ppp_chap_md5_verify(id, "alicepw", chal, clen, resp, rlen);

	sd->auth_calls++;
	ppp_auth_result(sd->s, ok, ok ? NULL : "bad password");
}

static void
fx_alloc(void *arg, const char *user)
{
	struct side *sd = arg;

	if (sd->async_addr) {
		sd->addr_asked = 1;
		return;
	}
	ppp_ipcp_set_address(sd->s, 0x0a500010);
}

static void
fx_release(void *arg, uint32_t a)
{
	((struct side *)arg)->released++;
}

static void
fx_ckpt(void *arg, const struct ppp_established *e)
{
	((struct side *)arg)->ckpts++;
}

/* PPP_TEST_LOG=1 prints the engines' logs (debugging a failure) */
static void
fx_log(void *arg, enum ppp_log_cat cat, const char *line)
{
	if (getenv("PPP_TEST_LOG") != NULL)
		printf("[%d] %s\n", arg == &SD[0] ? 0 : 1, line);
}

const struct ppp_host_ops b2b_ops = {
	.log = fx_log,
	.send = fx_send, .timer = fx_timer, .event = fx_event,
	.random = fx_random, .auth_pap = fx_pap, .auth_chap = fx_chap,
	.addr_alloc = fx_alloc, .addr_release = fx_release, .ckpt = fx_ckpt,
};

struct ppp_conf
b2b_lns_conf(enum ppp_auth a0, enum ppp_auth a1)
{
	struct ppp_conf c = { .role = PPP_ROLE_LNS, .auth = { a0, a1 },
	    .local_addr = 0x0a500001, .dns = { 0x0a630001, 0x0a630002 } };

	return c;
}

struct ppp_conf
b2b_client_conf(const char *pw)
{
	struct ppp_conf c = { .role = PPP_ROLE_CLIENT, .want_dns = 1 };

	snprintf(c.user, sizeof(c.user), "alice");
	snprintf(c.password, sizeof(c.password), "%s", pw);
	return c;
}

void
b2b_setup(const struct ppp_conf *lns, const struct ppp_conf *cli)
{
	memset(SD, 0, sizeof(SD));
	nwire = 0;
	lossy = 0;
	wire_count = 0;
	SD[0].rnd = 0x1234567;
	SD[1].rnd = 0x7654321;
	SD[0].s = ppp_create(lns, &b2b_ops, &SD[0]);
	if (cli != NULL)
		SD[1].s = ppp_create(cli, &b2b_ops, &SD[1]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(SD[0].s);
}

void
b2b_teardown(void)
{
	ppp_destroy(SD[0].s);
	ppp_destroy(SD[1].s);
	SD[0].s = SD[1].s = NULL;
}

/* the first frame on the wire to its engine; 0 when the wire is empty */
static int
deliver_one(void)
{
	int to;
	size_t len;
	uint8_t b[1600];

	if (nwire == 0)
		return 0;
	to = wire[0].to;
	len = wire[0].len;
	memcpy(b, wire[0].b, len);
	memmove(&wire[0], &wire[1], sizeof(wire[0]) * (size_t)(nwire - 1));
	nwire--;
	if (SD[to].s != NULL)
		ppp_input(SD[to].s, b, len);
	return 1;
}

void
b2b_pump(int rounds)
{
	static const uint16_t p[] = { PPP_PROTO_LCP, PPP_PROTO_IPCP,
	    PPP_PROTO_PAP, PPP_PROTO_CHAP };
	int r, i, t, bi, bt;

	for (r = 0; r < rounds; r++) {
		if (deliver_one())
			continue;
		bi = bt = -1;
		for (i = 0; i < 2; i++)
			for (t = 0; t < 4; t++)
				/* restart timers only, not re-challenges */
				if (SD[i].s != NULL && SD[i].timer[t] != 0 &&
				    SD[i].timer[t] <= 30000 && (bi < 0 ||
				    SD[i].due[t] < SD[bi].due[bt])) {
					bi = i;
					bt = t;
				}
		if (bi < 0)
			return;
		now_ms = SD[bi].due[bt];
		SD[bi].timer[bt] = 0;
		ppp_timeout(SD[bi].s, p[bt]);
	}
}

void
b2b_input(int side, const uint8_t *f, size_t len)
{
	ppp_input(SD[side].s, f, len);
}


void
b2b_run(enum ppp_auth a, int loss)
{
	struct ppp_conf l = b2b_lns_conf(a, PPP_AUTH_NONE);
	struct ppp_conf c = b2b_client_conf("alicepw");
	struct ppp_info li, ci;

	b2b_setup(&l, &c);
	lossy = loss;
	ppp_start(SD[0].s);
	ppp_start(SD[1].s);
	b2b_pump(5000);
	lossy = 0;
	b2b_pump(5000);
	ppp_get_info(SD[0].s, &li);
	ppp_get_info(SD[1].s, &ci);
	CU_ASSERT_EQUAL(li.lcp_state, PPP_ST_OPENED);
	CU_ASSERT_EQUAL(li.ipcp_state, PPP_ST_OPENED);
	CU_ASSERT_EQUAL(ci.ipcp_state, PPP_ST_OPENED);
	CU_ASSERT_EQUAL(SD[0].up, 1);
	CU_ASSERT_EQUAL(SD[1].up, 1);
	CU_ASSERT_EQUAL(li.auth, a);
	if (a != PPP_AUTH_NONE)
		CU_ASSERT_STRING_EQUAL(li.user, "alice");
	CU_ASSERT_EQUAL(li.addr_peer, 0x0a500010);
	CU_ASSERT_EQUAL(ci.addr_ours, 0x0a500010);
	CU_ASSERT_EQUAL(ci.addr_peer, 0x0a500001);
	CU_ASSERT_EQUAL(SD[1].s->ipcp_got.dns[0], 0x0a630001);
	CU_ASSERT_EQUAL(SD[1].s->ipcp_got.dns[1], 0x0a630002);
	CU_ASSERT_EQUAL(li.magic_peer, ci.magic_ours);
	CU_ASSERT_EQUAL(li.magic_ours, ci.magic_peer);
	CU_ASSERT_NOT_EQUAL(li.magic_ours, 0);
}

void
b2b_pump_wire(void)
{
	while (deliver_one())
		;
}

void
b2b_wire_clear(void)
{
	nwire = 0;
}
