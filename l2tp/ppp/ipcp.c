/*
 * ipcp.c - RFC 1332 IPCP with the RFC 1877 DNS options. IP-Address and
 * primary/secondary DNS are handled; IP-Compression-Protocol (VJ), the
 * old IP-Addresses option and NBNS (130, 132) are rejected by the walk
 * (no request handler, or no table entry).
 */
#include <string.h>

#include "ppp_local.h"

#define S(f)	((f)->s)

enum { IPCP_ADDRS = 1, IPCP_COMP = 2, IPCP_ADDR = 3, IPCP_DNS1 = 129,
    IPCP_DNS2 = 131 };

void
ppp_ipcp_init_wants(struct ppp_session *s)
{
	memset(&s->ipcp_want, 0, sizeof(s->ipcp_want));
	if (s->conf.role == PPP_ROLE_LNS) {
		/* our own request carries our address (Loopback0) */
		s->ipcp_want.addr = s->conf.local_addr;
		s->ipcp_want.send_addr = s->conf.local_addr != 0;
	} else {
		s->ipcp_want.send_addr = 1;	/* 0.0.0.0: give us one */
		s->ipcp_want.want_dns[0] = s->conf.want_dns != 0;
		s->ipcp_want.want_dns[1] = s->conf.want_dns != 0;
	}
}

static int
put_addr(struct sso_wbuf *b, uint8_t type, uint32_t a)
{
	int errs = 0;

	errs += sso_wbuf_put_u8(b, type);
	errs += sso_wbuf_put_u8(b, 6);
	errs += sso_wbuf_put_u32(b, a);
	return errs;
}

/* --- IP-Address (RFC 1332 3.3) --- */
static int
addr_build(struct ppp_fsm *f, struct sso_wbuf *b)
{
	if (!S(f)->ipcp_want.send_addr)
		return 0;
	return put_addr(b, IPCP_ADDR, S(f)->ipcp_want.addr);
}

static enum ppp_optv
addr_request(struct ppp_fsm *f, struct sso_cur *v, struct sso_wbuf *nak)
{
	struct ppp_session *s = S(f);
	uint32_t a;

	(void)sso_cur_get_u32(v, &a);
	if (s->conf.role == PPP_ROLE_LNS) {
		/* 0.0.0.0 or an address of its own: it gets the assigned one */
		if (a != s->peer_addr) {
			(void)put_addr(nak, IPCP_ADDR, s->peer_addr);
			return PPP_OPT_NAK;
		}
	} else if (a == 0) {
		return PPP_OPT_REJ;	/* we have no address to give */
	}
	s->ipcp_try.addr = a;
	return PPP_OPT_ACK;
}

static void
addr_nak(struct ppp_fsm *f, struct sso_cur *v)
{
	uint32_t a;

	/* the client takes the address it is given; the LNS keeps its own */
	if (S(f)->conf.role == PPP_ROLE_CLIENT &&
	    sso_cur_get_u32(v, &a) == 0 && a != 0)
		S(f)->ipcp_want.addr = a;
}

static void
addr_reject(struct ppp_fsm *f)
{
	S(f)->ipcp_want.send_addr = 0;
	if (S(f)->conf.role == PPP_ROLE_CLIENT) {
		S(f)->down_reason = PPP_DOWN_NEGOTIATION;
		f->fail_closed = 1;	/* no address, no service */
	}
}

static int
addr_ack(struct ppp_fsm *f, struct sso_cur *v)
{
	return sso_cur_get_u32(v, &S(f)->ipcp_got.addr);
}

/* --- primary / secondary DNS (RFC 1877 1.1, 1.3) --- */
static int
dns_build(struct ppp_fsm *f, struct sso_wbuf *b, int i)
{
	if (!S(f)->ipcp_want.want_dns[i])
		return 0;
	return put_addr(b, i == 0 ? IPCP_DNS1 : IPCP_DNS2,
	    S(f)->ipcp_want.dns[i]);
}

static enum ppp_optv
dns_request(struct ppp_fsm *f, struct sso_cur *v, struct sso_wbuf *nak,
    int i)
{
	struct ppp_session *s = S(f);
	uint32_t a;

	(void)sso_cur_get_u32(v, &a);
	if (s->conf.role != PPP_ROLE_LNS || s->conf.dns[i] == 0)
		return PPP_OPT_REJ;	/* none to serve */
	if (a != s->conf.dns[i]) {
		(void)put_addr(nak, i == 0 ? IPCP_DNS1 : IPCP_DNS2,
		    s->conf.dns[i]);
		return PPP_OPT_NAK;
	}
	s->ipcp_try.dns[i] = a;
	return PPP_OPT_ACK;
}

static void
dns_nak(struct ppp_fsm *f, struct sso_cur *v, int i)
{
	(void)sso_cur_get_u32(v, &S(f)->ipcp_want.dns[i]);
}

static int
dns1_build(struct ppp_fsm *f, struct sso_wbuf *b)
{
	return dns_build(f, b, 0);
}

static int
dns2_build(struct ppp_fsm *f, struct sso_wbuf *b)
{
	return dns_build(f, b, 1);
}

static enum ppp_optv
dns1_request(struct ppp_fsm *f, struct sso_cur *v, struct sso_wbuf *nak)
{
	return dns_request(f, v, nak, 0);
}

static enum ppp_optv
dns2_request(struct ppp_fsm *f, struct sso_cur *v, struct sso_wbuf *nak)
{
	return dns_request(f, v, nak, 1);
}

static void
dns1_nak(struct ppp_fsm *f, struct sso_cur *v)
{
	dns_nak(f, v, 0);
}

static void
dns2_nak(struct ppp_fsm *f, struct sso_cur *v)
{
	dns_nak(f, v, 1);
}

static void
dns1_reject(struct ppp_fsm *f)
{
	S(f)->ipcp_want.want_dns[0] = 0;
}

static void
dns2_reject(struct ppp_fsm *f)
{
	S(f)->ipcp_want.want_dns[1] = 0;
}

static int
dns1_ack(struct ppp_fsm *f, struct sso_cur *v)
{
	return sso_cur_get_u32(v, &S(f)->ipcp_got.dns[0]);
}

static int
dns2_ack(struct ppp_fsm *f, struct sso_cur *v)
{
	return sso_cur_get_u32(v, &S(f)->ipcp_got.dns[1]);
}

static const struct ppp_opt ipcp_opts[] = {
	/* RFC 1332 3.1 (deprecated) and 3.2 (VJ): known, always rejected */
	{ .type = IPCP_ADDRS, .name = "IP-Addresses", .min_len = 10,
	  .max_len = 10 },
	{ .type = IPCP_COMP, .name = "IP-Compression-Protocol", .min_len = 4,
	  .max_len = 255 },
	{ .type = IPCP_ADDR, .name = "IP-Address", .min_len = 6, .max_len = 6,
	  .build = addr_build, .request = addr_request, .nak = addr_nak,
	  .reject = addr_reject, .ack = addr_ack },
	{ .type = IPCP_DNS1, .name = "Primary-DNS", .min_len = 6,
	  .max_len = 6, .build = dns1_build, .request = dns1_request,
	  .nak = dns1_nak, .reject = dns1_reject, .ack = dns1_ack },
	{ .type = IPCP_DNS2, .name = "Secondary-DNS", .min_len = 6,
	  .max_len = 6, .build = dns2_build, .request = dns2_request,
	  .nak = dns2_nak, .reject = dns2_reject, .ack = dns2_ack },
};

static void
ipcp_reset_peer(struct ppp_fsm *f)
{
	memset(&S(f)->ipcp_try, 0, sizeof(S(f)->ipcp_try));
}

static void
ipcp_commit_peer(struct ppp_fsm *f)
{
	S(f)->ipcp_his = S(f)->ipcp_try;
}

static void
ipcp_reset_got(struct ppp_fsm *f)
{
	memset(&S(f)->ipcp_got, 0, sizeof(S(f)->ipcp_got));
}

static void
ipcp_reset_ours(struct ppp_fsm *f)
{
	ppp_ipcp_init_wants(S(f));
}

static void
ipcp_up(struct ppp_fsm *f)
{
	struct ppp_session *s = S(f);

	ppp_log(s, PPP_LOG_NEGOTIATION, "IPCP: up, peer %u.%u.%u.%u",
	    s->ipcp_his.addr >> 24, (s->ipcp_his.addr >> 16) & 0xff,
	    (s->ipcp_his.addr >> 8) & 0xff, s->ipcp_his.addr & 0xff);
	ppp_host_event(s, PPP_EV_LAYER_UP, PPP_PROTO_IPCP);
	ppp_ckpt(s);
	ppp_host_event(s, PPP_EV_UP, PPP_PROTO_IPCP);
}

static void
ipcp_down(struct ppp_fsm *f)
{
	ppp_host_event(S(f), PPP_EV_LAYER_DOWN, PPP_PROTO_IPCP);
}

static void
ipcp_started(struct ppp_fsm *f)
{
	ppp_host_event(S(f), PPP_EV_LAYER_STARTED, PPP_PROTO_IPCP);
}

static void
ipcp_finished(struct ppp_fsm *f)
{
	struct ppp_session *s = S(f);

	ppp_host_event(s, PPP_EV_LAYER_FINISHED, PPP_PROTO_IPCP);
	/* the only NCP is gone: the link has nothing left to carry */
	if (s->phase == PPP_PHASE_NETWORK)
		ppp_up_close(s, s->down_reason != PPP_DOWN_NONE ? s->down_reason :
		    PPP_DOWN_NEGOTIATION);
}

const struct ppp_cp_ops ppp_ipcp_ops = {
	.proto = PPP_PROTO_IPCP,
	.name = "IPCP",
	.opts = ipcp_opts,
	.nopts = sizeof(ipcp_opts) / sizeof(ipcp_opts[0]),
	.reset_peer = ipcp_reset_peer,
	.commit_peer = ipcp_commit_peer,
	.reset_got = ipcp_reset_got,
	.reset_ours = ipcp_reset_ours,
	.up = ipcp_up,
	.down = ipcp_down,
	.started = ipcp_started,
	.finished = ipcp_finished,
};
