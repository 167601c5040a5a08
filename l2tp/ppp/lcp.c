/*
 * lcp.c - RFC 1661 LCP: its option handlers (MRU, ACCM, Authentication-
 * Protocol, Magic-Number, PFC, ACFC; everything else is rejected by the
 * walk), the codes past 7 (Protocol-Reject, Echo, Discard) and the
 * keepalive logic. The automaton itself is fsm.c.
 */
#include <string.h>

#include "ppp_local.h"

#define S(f)	((f)->s)

static const struct ppp_lcp_opts lcp_defaults = {
	.mru = 1500, .accm = 0xffffffffu, .magic = 0, .auth = PPP_AUTH_NONE,
};

void
ppp_lcp_init_wants(struct ppp_session *s)
{
	s->lcp_want = lcp_defaults;
	s->lcp_want.mru = s->conf.mru;
	s->lcp_want.magic = ppp_random32(s);
	s->lcp_want.pfc = s->conf.want_pfc != 0;
	s->lcp_want.acfc = s->conf.want_acfc != 0;
	s->auth_idx = 0;
	if (s->conf.role == PPP_ROLE_LNS)
		s->lcp_want.auth = s->conf.auth[0];
}

static int
put_auth(struct sso_wbuf *b, enum ppp_auth a)
{
	int errs = 0;

	if (a == PPP_AUTH_PAP) {
		errs += sso_wbuf_put_u8(b, 3);
		errs += sso_wbuf_put_u8(b, 4);
		errs += sso_wbuf_put_u16(b, PPP_PROTO_PAP);
	} else if (a == PPP_AUTH_CHAP) {
		errs += sso_wbuf_put_u8(b, 3);
		errs += sso_wbuf_put_u8(b, 5);
		errs += sso_wbuf_put_u16(b, PPP_PROTO_CHAP);
		errs += sso_wbuf_put_u8(b, 5);	/* RFC 1994 2: MD5 */
	}
	return errs;
}

/* Authentication-Protocol value -> ours, or NONE when we cannot do it */
static enum ppp_auth
parse_auth(struct sso_cur *v)
{
	uint16_t proto;
	uint8_t alg;

	if (sso_cur_get_u16(v, &proto) == -1)
		return PPP_AUTH_NONE;
	if (proto == PPP_PROTO_PAP && v->len == 0)
		return PPP_AUTH_PAP;
	if (proto == PPP_PROTO_CHAP && sso_cur_get_u8(v, &alg) == 0 &&
	    alg == 5 && v->len == 0)
		return PPP_AUTH_CHAP;
	return PPP_AUTH_NONE;	/* MS-CHAP, EAP, ...: not supported */
}

/* --- MRU (RFC 1661 6.1) --- */
static int
mru_build(struct ppp_fsm *f, struct sso_wbuf *b)
{
	int errs = 0;

	if (S(f)->lcp_want.mru == 1500)
		return 0;	/* the default needs no option */
	errs += sso_wbuf_put_u8(b, 1);
	errs += sso_wbuf_put_u8(b, 4);
	errs += sso_wbuf_put_u16(b, S(f)->lcp_want.mru);
	return errs;
}

static enum ppp_optv
mru_request(struct ppp_fsm *f, struct sso_cur *v, struct sso_wbuf *nak)
{
	uint16_t mru;

	(void)sso_cur_get_u16(v, &mru);
	if (mru < S(f)->conf.min_mru) {
		(void)sso_wbuf_put_u8(nak, 1);
		(void)sso_wbuf_put_u8(nak, 4);
		(void)sso_wbuf_put_u16(nak, S(f)->conf.min_mru);
		return PPP_OPT_NAK;
	}
	S(f)->lcp_try.mru = mru;
	return PPP_OPT_ACK;
}

static void
mru_nak(struct ppp_fsm *f, struct sso_cur *v)
{
	uint16_t mru;

	if (sso_cur_get_u16(v, &mru) == 0 && mru >= S(f)->conf.min_mru)
		S(f)->lcp_want.mru = mru;
}

static void
mru_reject(struct ppp_fsm *f)
{
	S(f)->lcp_want.mru = 1500;
}

static int
mru_ack(struct ppp_fsm *f, struct sso_cur *v)
{
	uint16_t mru;

	if (sso_cur_get_u16(v, &mru) == -1 || mru < S(f)->conf.min_mru)
		return -1;
	S(f)->lcp_got.mru = mru;
	return 0;
}

/* --- ACCM (RFC 1662 7.1): meaningless on L2TP, accepted as given --- */
static enum ppp_optv
accm_request(struct ppp_fsm *f, struct sso_cur *v, struct sso_wbuf *nak)
{
	(void)sso_cur_get_u32(v, &S(f)->lcp_try.accm);
	return PPP_OPT_ACK;
}

static int
accm_ack(struct ppp_fsm *f, struct sso_cur *v)
{
	return sso_cur_get_u32(v, &S(f)->lcp_got.accm);
}

/* --- Authentication-Protocol (RFC 1661 6.2) --- */
static int
auth_build(struct ppp_fsm *f, struct sso_wbuf *b)
{
	return put_auth(b, S(f)->lcp_want.auth);
}

static int
auth_allowed(const struct ppp_session *s, enum ppp_auth a)
{
	return a != PPP_AUTH_NONE && (s->conf.auth[0] == a ||
	    s->conf.auth[1] == a);
}

static enum ppp_optv
auth_request(struct ppp_fsm *f, struct sso_cur *v, struct sso_wbuf *nak)
{
	enum ppp_auth a = parse_auth(v);

	/* the LNS never authenticates itself to a subscriber */
	if (S(f)->conf.role == PPP_ROLE_LNS)
		return PPP_OPT_REJ;
	if (a == PPP_AUTH_NONE || (S(f)->conf.auth[0] != PPP_AUTH_NONE &&
	    !auth_allowed(S(f), a))) {
		/* RFC 1661 6.2: Nak with the protocol we would rather use
		 * (the client's conf.auth[0] when it names one) */
		(void)put_auth(nak, S(f)->conf.auth[0] != PPP_AUTH_NONE ?
		    S(f)->conf.auth[0] : PPP_AUTH_CHAP);
		return PPP_OPT_NAK;
	}
	S(f)->lcp_try.auth = a;
	return PPP_OPT_ACK;
}

static void
auth_nak(struct ppp_fsm *f, struct sso_cur *v)
{
	struct ppp_session *s = S(f);
	enum ppp_auth a = parse_auth(v);

	if (s->conf.role != PPP_ROLE_LNS)
		return;
	if (auth_allowed(s, a)) {
		s->lcp_want.auth = a;
		return;
	}
	/* the peer suggests nothing we accept: offer our next one */
	if (s->auth_idx + 1 < 2 && s->conf.auth[s->auth_idx + 1] !=
	    PPP_AUTH_NONE && s->conf.auth[s->auth_idx + 1] !=
	    s->lcp_want.auth) {
		s->auth_idx++;
		s->lcp_want.auth = s->conf.auth[s->auth_idx];
		return;
	}
	ppp_log(s, PPP_LOG_AUTH, "peer accepts none of our authentication "
	    "protocols");
	s->down_reason = PPP_DOWN_AUTH;
	f->fail_closed = 1;
}

static void
auth_reject(struct ppp_fsm *f)
{
	struct ppp_session *s = S(f);

	if (s->lcp_want.auth == PPP_AUTH_NONE)
		return;
	/* security fails closed: we required authentication */
	ppp_log(s, PPP_LOG_AUTH, "peer refused to authenticate");
	s->down_reason = PPP_DOWN_AUTH;
	f->fail_closed = 1;
}

static int
auth_ack(struct ppp_fsm *f, struct sso_cur *v)
{
	enum ppp_auth a = parse_auth(v);

	if (!auth_allowed(S(f), a))
		return -1;
	S(f)->lcp_got.auth = a;
	return 0;
}

/* --- Magic-Number (RFC 1661 6.4) --- */
static int
magic_build(struct ppp_fsm *f, struct sso_wbuf *b)
{
	int errs = 0;

	if (S(f)->lcp_want.magic == 0)
		return 0;
	errs += sso_wbuf_put_u8(b, 5);
	errs += sso_wbuf_put_u8(b, 6);
	errs += sso_wbuf_put_u32(b, S(f)->lcp_want.magic);
	return errs;
}

static enum ppp_optv
magic_request(struct ppp_fsm *f, struct sso_cur *v, struct sso_wbuf *nak)
{
	struct ppp_session *s = S(f);
	uint32_t m;

	(void)sso_cur_get_u32(v, &m);
	if (m != 0 && m != s->lcp_want.magic) {
		s->lcp_try.magic = m;
		return PPP_OPT_ACK;
	}
	if (m != 0) {
		/* RFC 1661 6.4: our own magic came back: maybe a loop */
		s->cnt.loops++;
		ppp_log(s, PPP_LOG_NEGOTIATION, "LCP: our magic 0x%08x in the "
		    "peer's request (loop-back?)", m);
	}
	(void)sso_wbuf_put_u8(nak, 5);
	(void)sso_wbuf_put_u8(nak, 6);
	/* a different number; never loop on a host random that repeats */
	m = ppp_random32(s);
	if (m == s->lcp_want.magic)
		m = m + 1 != 0 ? m + 1 : 1;
	(void)sso_wbuf_put_u32(nak, m);
	return PPP_OPT_NAK;
}

static void
magic_nak(struct ppp_fsm *f, struct sso_cur *v)
{
	/* RFC 1661 6.4: pick a different number for the next request */
	S(f)->lcp_want.magic = ppp_random32(S(f));
}

static void
magic_reject(struct ppp_fsm *f)
{
	S(f)->lcp_want.magic = 0;
}

static int
magic_ack(struct ppp_fsm *f, struct sso_cur *v)
{
	return sso_cur_get_u32(v, &S(f)->lcp_got.magic);
}

/* --- PFC and ACFC (RFC 1661 6.5, 6.6): flags --- */
static int
flag_build(struct sso_wbuf *b, uint8_t type, int on)
{
	int errs = 0;

	if (!on)
		return 0;
	errs += sso_wbuf_put_u8(b, type);
	errs += sso_wbuf_put_u8(b, 2);
	return errs;
}

static int
pfc_build(struct ppp_fsm *f, struct sso_wbuf *b)
{
	return flag_build(b, 7, S(f)->lcp_want.pfc);
}

static enum ppp_optv
pfc_request(struct ppp_fsm *f, struct sso_cur *v, struct sso_wbuf *nak)
{
	S(f)->lcp_try.pfc = 1;
	return PPP_OPT_ACK;
}

static void
pfc_reject(struct ppp_fsm *f)
{
	S(f)->lcp_want.pfc = 0;
}

static int
pfc_ack(struct ppp_fsm *f, struct sso_cur *v)
{
	S(f)->lcp_got.pfc = 1;
	return 0;
}

static int
acfc_build(struct ppp_fsm *f, struct sso_wbuf *b)
{
	return flag_build(b, 8, S(f)->lcp_want.acfc);
}

static enum ppp_optv
acfc_request(struct ppp_fsm *f, struct sso_cur *v, struct sso_wbuf *nak)
{
	S(f)->lcp_try.acfc = 1;
	return PPP_OPT_ACK;
}

static void
acfc_reject(struct ppp_fsm *f)
{
	S(f)->lcp_want.acfc = 0;
}

static int
acfc_ack(struct ppp_fsm *f, struct sso_cur *v)
{
	S(f)->lcp_got.acfc = 1;
	return 0;
}

/* lengths are whole options (type and length octets included) */
static const struct ppp_opt lcp_opts[] = {
	{ .type = 1, .name = "MRU", .min_len = 4, .max_len = 4,
	  .build = mru_build, .request = mru_request, .nak = mru_nak,
	  .reject = mru_reject, .ack = mru_ack },
	{ .type = 2, .name = "ACCM", .min_len = 6, .max_len = 6,
	  .request = accm_request, .ack = accm_ack },
	{ .type = 3, .name = "Auth-Protocol", .min_len = 4, .max_len = 5,
	  .build = auth_build, .request = auth_request, .nak = auth_nak,
	  .reject = auth_reject, .ack = auth_ack },
	{ .type = 5, .name = "Magic-Number", .min_len = 6, .max_len = 6,
	  .build = magic_build, .request = magic_request, .nak = magic_nak,
	  .reject = magic_reject, .ack = magic_ack },
	{ .type = 7, .name = "PFC", .min_len = 2, .max_len = 2,
	  .build = pfc_build, .request = pfc_request, .reject = pfc_reject,
	  .ack = pfc_ack },
	{ .type = 8, .name = "ACFC", .min_len = 2, .max_len = 2,
	  .build = acfc_build, .request = acfc_request,
	  .reject = acfc_reject, .ack = acfc_ack },
};

static void
lcp_reset_peer(struct ppp_fsm *f)
{
	S(f)->lcp_try = lcp_defaults;
}

static void
lcp_commit_peer(struct ppp_fsm *f)
{
	S(f)->lcp_his = S(f)->lcp_try;
}

static void
lcp_reset_got(struct ppp_fsm *f)
{
	S(f)->lcp_got = lcp_defaults;
}

static void
lcp_reset_ours(struct ppp_fsm *f)
{
	ppp_lcp_init_wants(S(f));
}

static void
lcp_up(struct ppp_fsm *f)
{
	ppp_host_event(S(f), PPP_EV_LAYER_UP, PPP_PROTO_LCP);
	ppp_up_lcp_opened(S(f));
}

static void
lcp_down(struct ppp_fsm *f)
{
	struct ppp_session *s = S(f);

	ppp_host_event(s, PPP_EV_LAYER_DOWN, PPP_PROTO_LCP);
	if (s->phase != PPP_PHASE_TERMINATE)
		s->phase = PPP_PHASE_ESTABLISH;
	/* RFC 1661 3.4: the NCPs and authentication go with LCP */
	ppp_auth_stop(s);
	if (s->ipcp.state >= PPP_ST_CLOSED)
		ppp_fsm_event(&s->ipcp, PPP_FE_DOWN);
	ppp_fsm_event(&s->ipcp, PPP_FE_CLOSE);
	s->authenticated = 0;
	ppp_ckpt(s);
}

static void
lcp_started(struct ppp_fsm *f)
{
	ppp_host_event(S(f), PPP_EV_LAYER_STARTED, PPP_PROTO_LCP);
}

static void
lcp_finished(struct ppp_fsm *f)
{
	ppp_host_event(S(f), PPP_EV_LAYER_FINISHED, PPP_PROTO_LCP);
	ppp_up_lcp_closed(S(f));
}

/* ser: RFC 1661 5.8, the reply carries our magic and the peer's data */
static void
lcp_ser(struct ppp_fsm *f)
{
	struct ppp_session *s = S(f);
	struct sso_cur c = f->rx;
	uint8_t buf[4 + 1500];
	size_t n;

	if (sso_cur_skip(&c, 4) == -1)
		return;
	n = c.len < sizeof(buf) - 4 ? c.len : sizeof(buf) - 4;
	buf[0] = (uint8_t)(s->lcp_got.magic >> 24);
	buf[1] = (uint8_t)(s->lcp_got.magic >> 16);
	buf[2] = (uint8_t)(s->lcp_got.magic >> 8);
	buf[3] = (uint8_t)s->lcp_got.magic;
	(void)sso_cur_get_bytes(&c, buf + 4, n);
	(void)ppp_send_cp(s, PPP_PROTO_LCP, PPP_ECHOREP, f->rx_id, buf, n + 4);
}

/* echo magic checks: -1 when the packet is to be dropped */
static int
echo_magic_ok(struct ppp_fsm *f, struct sso_cur *data)
{
	struct ppp_session *s = S(f);
	struct sso_cur c = *data;
	uint32_t m;

	if (sso_cur_get_u32(&c, &m) == -1) {
		PPP_DROP(s, PPP_DROP_BAD_LENGTH, PPP_PROTO_LCP, data->len);
		return -1;
	}
	if (m != 0 && m == s->lcp_got.magic) {
		PPP_DROP(s, PPP_DROP_LOOPED_ECHO, PPP_PROTO_LCP, m);
		return -1;
	}
	if (m != 0 && s->lcp_his.magic != 0 && m != s->lcp_his.magic) {
		PPP_DROP(s, PPP_DROP_BAD_MAGIC, PPP_PROTO_LCP, m);
		return -1;
	}
	return 0;
}

static void
rx_protrej(struct ppp_fsm *f, struct sso_cur *data)
{
	struct ppp_session *s = S(f);
	uint16_t proto;

	if (f->state != PPP_ST_OPENED) {
		PPP_DROP(s, PPP_DROP_NOT_OPENED, PPP_PROTO_LCP, PPP_PROTREJ);
		return;
	}
	if (sso_cur_get_u16(data, &proto) == -1) {
		PPP_DROP(s, PPP_DROP_BAD_LENGTH, PPP_PROTO_LCP, 0);
		return;
	}
	ppp_log(s, PPP_LOG_ERROR, "peer rejected protocol 0x%04x", proto);
	if (proto == PPP_PROTO_LCP) {
		ppp_fsm_event(f, PPP_FE_RXJ_M);	/* RFC 1661 5.7 */
		return;
	}
	ppp_fsm_event(f, PPP_FE_RXJ_P);
	if (proto == PPP_PROTO_IPCP) {
		ppp_fsm_event(&s->ipcp, PPP_FE_RXJ_M);
	} else if ((proto == PPP_PROTO_PAP && s->auth_in_use == PPP_AUTH_PAP) ||
	    (proto == PPP_PROTO_CHAP && s->auth_in_use == PPP_AUTH_CHAP)) {
		if (!s->authenticated)
			ppp_up_auth_done(s, 0);
	}
}

static int
lcp_extra_code(struct ppp_fsm *f, uint8_t code, uint8_t id,
    struct sso_cur *data)
{
	struct ppp_session *s = S(f);

	switch (code) {
	case PPP_PROTREJ:
		rx_protrej(f, data);
		return 0;
	case PPP_ECHOREQ:
		if (f->state == PPP_ST_OPENED && echo_magic_ok(f, data) == -1)
			return 0;
		s->cnt.echo_rx++;
		ppp_fsm_event(f, PPP_FE_RXR);
		return 0;
	case PPP_ECHOREP:
		if (f->state != PPP_ST_OPENED) {
			PPP_DROP(s, PPP_DROP_NOT_OPENED, PPP_PROTO_LCP, code);
			return 0;
		}
		if (echo_magic_ok(f, data) == -1)
			return 0;
		s->cnt.echo_reply_rx++;
		s->echo_misses = 0;
		return 0;
	case PPP_DISCREQ:
		PPP_DROP(s, PPP_DROP_DISCARD, PPP_PROTO_LCP, data->len);
		return 0;
	default:
		return -1;
	}
}

const struct ppp_cp_ops ppp_lcp_ops = {
	.proto = PPP_PROTO_LCP,
	.name = "LCP",
	.opts = lcp_opts,
	.nopts = sizeof(lcp_opts) / sizeof(lcp_opts[0]),
	.reset_peer = lcp_reset_peer,
	.commit_peer = lcp_commit_peer,
	.reset_got = lcp_reset_got,
	.reset_ours = lcp_reset_ours,
	.up = lcp_up,
	.down = lcp_down,
	.started = lcp_started,
	.finished = lcp_finished,
	.extra_code = lcp_extra_code,
	.ser = lcp_ser,
};

/* RFC 1661 5.7: the protocol and as much of the frame as fits */
int
ppp_lcp_send_protrej(struct ppp_session *s, uint16_t proto,
    struct sso_cur *info)
{
	uint8_t buf[2 + 1500];
	size_t max = s->lcp_his.mru > 6 ? s->lcp_his.mru - 6u : 0;
	size_t n = info->len;

	if (max > sizeof(buf) - 2)
		max = sizeof(buf) - 2;
	if (n > max)
		n = max;
	buf[0] = (uint8_t)(proto >> 8);
	buf[1] = (uint8_t)proto;
	(void)sso_cur_get_bytes(info, buf + 2, n);
	return ppp_send_cp(s, PPP_PROTO_LCP, PPP_PROTREJ, s->lcp.id++, buf,
	    n + 2);
}

int
ppp_echo_timer(struct ppp_session *s)
{
	uint8_t m[4];

	if (s->lcp.state != PPP_ST_OPENED)
		return 0;
	if (s->rx_seen) {
		/* IOS keepalive: a busy link needs no echo */
		s->rx_seen = 0;
		s->echo_misses = 0;
		return 0;
	}
	if (s->echo_misses >= s->conf.keepalive_retries) {
		ppp_log(s, PPP_LOG_ERROR, "LCP: %u echoes unanswered",
		    s->echo_misses);
		ppp_up_close(s, PPP_DOWN_KEEPALIVE);
		return -1;
	}
	m[0] = (uint8_t)(s->lcp_got.magic >> 24);
	m[1] = (uint8_t)(s->lcp_got.magic >> 16);
	m[2] = (uint8_t)(s->lcp_got.magic >> 8);
	m[3] = (uint8_t)s->lcp_got.magic;
	s->echo_misses++;
	s->cnt.echo_tx++;
	(void)ppp_send_cp(s, PPP_PROTO_LCP, PPP_ECHOREQ, s->echo_id++, m, 4);
	return 0;
}
