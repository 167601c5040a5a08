/*
 * fuzz_ppp.c - libFuzzer target for libppp's input path: LCP, IPCP, PAP
 * and CHAP packets (and their options) fed to a session in various states.
 *
 * Input: byte 0 picks the set-up (bit 0 client role, bits 1-2 the
 * authentication, bit 3 start from proxied LCP built from the input,
 * bit 4 restore a canned established state, i.e. start in Opened;
 * bit 5 verdicts and addresses come later, not at once). Then records
 * [op][len16][bytes]: op 0 a frame into ppp_input(), 1 a timeout (byte:
 * which protocol), 2 the keepalive tick, 3 an authentication verdict,
 * 4 an address, 5 export and restore into a fresh session, 6 close.
 * The session is destroyed per input (LSan checks leaks).
 */
#include <stdint.h>
#include <string.h>

#include "ppp_local.h"

static struct ppp_session *cur;
static int async, want_auth, want_addr;

static int
fz_send(void *arg, const uint8_t *f, size_t len)
{
	/* every frame we send must at least be a well-formed header */
	if (len < 8 || f[0] != 0xff || f[1] != 0x03)
		__builtin_trap();
	return 0;
}

static void
fz_random(void *arg, void *buf, size_t len)
{
	memset(buf, 0x5a, len);
	((uint8_t *)buf)[0] ^= (uint8_t)len;
}

static void
fz_pap(void *arg, const char *u, const char *p)
{
	if (async)
		want_auth = 1;
	else
		ppp_auth_result(cur, strcmp(p, "pw") == 0, NULL);
}

static void
fz_chap(void *arg, const char *u, uint8_t id, const uint8_t *c, size_t cl,
    const uint8_t *r, size_t rl)
{
	if (async)
		want_auth = 1;
	else
		ppp_auth_result(cur, ppp_chap_md5_verify(id, "pw", c, cl, r, rl),
		    NULL);
}

static void
fz_alloc(void *arg, const char *u)
{
	if (async)
		want_addr = 1;
	else
		ppp_ipcp_set_address(cur, 0x0a000002);
}

static const struct ppp_host_ops fz_ops = {
	.send = fz_send, .random = fz_random, .auth_pap = fz_pap,
	.auth_chap = fz_chap, .addr_alloc = fz_alloc,
};

static struct ppp_session *
make(uint8_t mode)
{
	struct ppp_conf c = { .role = (mode & 1) ? PPP_ROLE_CLIENT :
	    PPP_ROLE_LNS, .local_addr = 0x0a000001, .dns = { 0x0a000009 },
	    .want_dns = 1, .rechallenge_s = 5 };

	c.auth[0] = (enum ppp_auth)((mode >> 1) & 3) % 3;
	c.auth[1] = PPP_AUTH_PAP;
	memcpy(c.user, "u", 2);
	memcpy(c.password, "pw", 3);
	return ppp_create(&c, &fz_ops, NULL);
}

static void
restore_canned(struct ppp_session *s)
{
	struct ppp_established e;

	memset(&e, 0, sizeof(e));
	e.role = (uint8_t)s->conf.role;
	e.lcp_state = e.ipcp_state = PPP_ST_OPENED;
	e.mru_ours = e.mru_peer = 1500;
	e.magic_ours = 0x11111111;
	e.magic_peer = 0x22222222;
	e.auth = PPP_AUTH_CHAP;
	e.addr_ours = 0x0a000001;
	e.addr_peer = 0x0a000002;
	e.rechallenge_s = 5;
	memcpy(e.user, "u", 2);
	(void)ppp_restore(s, &e);
}

static void
start_proxy(struct ppp_session *s, const uint8_t *d, size_t n)
{
	struct ppp_proxy p;
	size_t h = n / 2;

	memset(&p, 0, sizeof(p));
	p.init_rx_lcp_len = p.last_rx_lcp_len = h < PPP_OPTS_MAX ? h :
	    PPP_OPTS_MAX;
	memcpy(p.init_rx_lcp, d, p.init_rx_lcp_len);
	memcpy(p.last_rx_lcp, d, p.last_rx_lcp_len);
	p.last_tx_lcp_len = n - h < PPP_OPTS_MAX ? n - h : PPP_OPTS_MAX;
	memcpy(p.last_tx_lcp, d + h, p.last_tx_lcp_len);
	p.auth_type = n > 0 ? d[0] % 6 : 0;
	memcpy(p.auth_name, "u", 2);
	p.auth_chal_len = 16;
	p.auth_resp_len = n > 16 ? 16 : n;
	memcpy(p.auth_resp, d, p.auth_resp_len);
	p.auth_id = n > 1 ? d[1] : 0;
	ppp_start_proxy(s, &p);
}

static void
run_op(uint8_t op, const uint8_t *d, size_t n)
{
	static const uint16_t protos[] = { PPP_PROTO_LCP, PPP_PROTO_IPCP,
	    PPP_PROTO_PAP, PPP_PROTO_CHAP, 0x1234 };
	struct ppp_established e;
	struct ppp_session *r;

	switch (op % 7) {
	case 0:
		ppp_input(cur, d, n);
		break;
	case 1:
		ppp_timeout(cur, protos[(n > 0 ? d[0] : 0) % 5]);
		break;
	case 2:
		(void)ppp_echo_timer(cur);
		break;
	case 3:
		if (want_auth) {
			want_auth = 0;
			ppp_auth_result(cur, n > 0 && (d[0] & 1), "m");
		}
		break;
	case 4:
		if (want_addr) {
			want_addr = 0;
			ppp_ipcp_set_address(cur, n > 0 ? d[0] : 0);
		}
		break;
	case 5:
		ppp_export(cur, &e);
		r = ppp_create(&cur->conf, &fz_ops, NULL);
		if (r != NULL) {
			(void)ppp_restore(r, &e);
			ppp_destroy(r);
		}
		break;
	default:
		ppp_close(cur, PPP_DOWN_ADMIN);
		break;
	}
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sso_cur c;
	uint8_t mode, op;
	uint16_t len;
	uint8_t buf[4096];

	sso_cur_init(&c, data, size);
	if (sso_cur_get_u8(&c, &mode) == -1)
		return 0;
	async = (mode & 0x20) != 0;
	want_auth = want_addr = 0;
	cur = make(mode);
	if (cur == NULL)
		return 0;
	if (mode & 0x10)
		restore_canned(cur);
	else if ((mode & 0x08) && sso_cur_get_u16(&c, &len) == 0) {
		size_t n = len < c.len ? len : c.len;

		(void)sso_cur_get_bytes(&c, buf, n);
		start_proxy(cur, buf, n);
	} else
		ppp_start(cur);
	while (sso_cur_get_u8(&c, &op) == 0 && sso_cur_get_u16(&c, &len) == 0) {
		size_t n = len < c.len ? len : c.len;

		if (n > sizeof(buf))
			n = sizeof(buf);
		(void)sso_cur_get_bytes(&c, buf, n);
		run_op(op, buf, n);
	}
	ppp_destroy(cur);
	cur = NULL;
	return 0;
}
