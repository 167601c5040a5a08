/*
 * ppp.c - the PPP session object: creation, the frame demux (ACFC/PFC),
 * the phases of RFC 1661 3.2 (establish, authenticate, network,
 * terminate), proxy LCP/authentication (RFC 2661 4.4.5) and silent
 * restore. What the protocols use of the session is in link.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ppp_local.h"

/* the phases, called up from the protocols through link.c */
static void	lcp_opened(struct ppp_session *);
static void	lcp_closed(struct ppp_session *);
static void	auth_done(struct ppp_session *, int ok);
static void	network(struct ppp_session *);

static const struct ppp_upcalls phases = {
	lcp_opened, lcp_closed, auth_done, ppp_close
};



struct ppp_session *
ppp_create(const struct ppp_conf *conf, const struct ppp_host_ops *ops,
    void *arg)
{
	struct ppp_session *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->conf = *conf;
	s->conf.user[PPP_NAME_MAX - 1] = '\0';
	s->conf.password[PPP_SECRET_MAX - 1] = '\0';
	s->conf.name[PPP_NAME_MAX - 1] = '\0';
	if (s->conf.mru == 0)
		s->conf.mru = 1500;
	if (s->conf.min_mru == 0)
		s->conf.min_mru = 128;
	if (s->conf.restart_ms == 0)
		s->conf.restart_ms = 3000;	/* RFC 1661 4.6 */
	if (s->conf.max_configure == 0)
		s->conf.max_configure = 10;
	if (s->conf.max_terminate == 0)
		s->conf.max_terminate = 2;
	if (s->conf.max_failure == 0)
		s->conf.max_failure = 5;
	if (s->conf.keepalive_retries == 0)
		s->conf.keepalive_retries = 3;
	s->ops = ops;
	s->arg = arg;
	s->up = &phases;
	sso_wbuf_init(&s->out, 65535 + 8);
	sso_wbuf_init(&s->nak, 65535);
	sso_wbuf_init(&s->rej, 65535);
	ppp_fsm_init(&s->lcp, s, &ppp_lcp_ops);
	ppp_fsm_init(&s->ipcp, s, &ppp_ipcp_ops);
	s->lcp_his.mru = s->lcp_got.mru = 1500;
	ppp_lcp_init_wants(s);
	ppp_ipcp_init_wants(s);
	return s;
}

static void
release_addr(struct ppp_session *s)
{
	if (s->peer_addr != 0 && s->ops->addr_release != NULL)
		s->ops->addr_release(s->arg, s->peer_addr);
	s->peer_addr = 0;
}

void
ppp_destroy(struct ppp_session *s)
{
	if (s == NULL)
		return;
	release_addr(s);
	sso_wbuf_free(&s->out);
	sso_wbuf_free(&s->nak);
	sso_wbuf_free(&s->rej);
	explicit_bzero(s, sizeof(*s));	/* the client password lives here */
	free(s);
}

void
ppp_start(struct ppp_session *s)
{
	s->phase = PPP_PHASE_ESTABLISH;
	ppp_fsm_event(&s->lcp, PPP_FE_UP);
	ppp_fsm_event(&s->lcp, PPP_FE_OPEN);
}

void
ppp_close(struct ppp_session *s, enum ppp_down_reason why)
{
	if (s->down_reason == PPP_DOWN_NONE)
		s->down_reason = why;
	ppp_log(s, PPP_LOG_NEGOTIATION, "close (%s)", ppp_down_name(why));
	if (s->phase == PPP_PHASE_DEAD)
		return;
	s->phase = PPP_PHASE_TERMINATE;
	ppp_fsm_event(&s->lcp, PPP_FE_CLOSE);
	/* nothing left to terminate: the link is dead at once */
	if (s->lcp.state <= PPP_ST_STOPPED && s->phase != PPP_PHASE_DEAD)
		lcp_closed(s);
}

void
ppp_lower_down(struct ppp_session *s)
{
	if (s->down_reason == PPP_DOWN_NONE)
		s->down_reason = PPP_DOWN_LOWER;
	s->phase = PPP_PHASE_TERMINATE;
	if (s->lcp.state >= PPP_ST_CLOSED)
		ppp_fsm_event(&s->lcp, PPP_FE_DOWN);
	s->phase = PPP_PHASE_DEAD;
	release_addr(s);
}

/* LCP tlf: the link is over; the host answers DEAD with a CDN */
static void
lcp_closed(struct ppp_session *s)
{
	if (s->phase == PPP_PHASE_DEAD)
		return;
	s->phase = PPP_PHASE_DEAD;
	if (s->down_reason == PPP_DOWN_NONE)
		s->down_reason = PPP_DOWN_NEGOTIATION;
	release_addr(s);
	ppp_host_event(s, PPP_EV_DEAD, PPP_PROTO_LCP);
}

/* LCP tlu: authenticate if either side asked for it, else network */
static void
lcp_opened(struct ppp_session *s)
{
	s->auth_in_use = s->conf.role == PPP_ROLE_LNS ? s->lcp_got.auth :
	    s->lcp_his.auth;
	s->echo_misses = 0;
	if (s->auth_in_use == PPP_AUTH_NONE) {
		network(s);
		return;
	}
	s->phase = PPP_PHASE_AUTHENTICATE;
	if (s->auth_in_use == PPP_AUTH_PAP)
		ppp_pap_start(s);
	else
		ppp_chap_start(s);
}


static void
auth_done(struct ppp_session *s, int ok)
{
	if (!ok) {
		s->cnt.auth_fail++;
		ppp_log(s, PPP_LOG_AUTH, "authentication failed for \"%s\"",
		    s->user);
		ppp_host_event(s, PPP_EV_AUTH_FAIL, s->auth_in_use ==
		    PPP_AUTH_PAP ? PPP_PROTO_PAP : PPP_PROTO_CHAP);
		ppp_close(s, PPP_DOWN_AUTH);
		return;
	}
	s->cnt.auth_ok++;
	s->authenticated = 1;
	if (s->conf.role == PPP_ROLE_CLIENT)
		snprintf(s->user, sizeof(s->user), "%s", s->conf.user);
	ppp_log(s, PPP_LOG_AUTH, "authenticated \"%s\" (%s)", s->user,
	    ppp_auth_name(s->auth_in_use));
	ppp_host_event(s, PPP_EV_AUTH_OK, s->auth_in_use == PPP_AUTH_PAP ?
	    PPP_PROTO_PAP : PPP_PROTO_CHAP);
	network(s);
}

static void
ipcp_begin(struct ppp_session *s)
{
	ppp_fsm_event(&s->ipcp, PPP_FE_UP);
	ppp_fsm_event(&s->ipcp, PPP_FE_OPEN);
}

/* RFC 1661 3.5: network phase; the LNS needs the peer's address first */
static void
network(struct ppp_session *s)
{
	if (s->phase == PPP_PHASE_NETWORK)
		return;
	s->phase = PPP_PHASE_NETWORK;
	if (s->conf.role == PPP_ROLE_LNS && s->peer_addr == 0) {
		if (s->addr_pending)
			return;
		if (s->ops->addr_alloc == NULL) {
			ppp_close(s, PPP_DOWN_NEGOTIATION);
			return;
		}
		s->addr_pending = 1;
		s->ops->addr_alloc(s->arg, s->user);	/* may answer at once */
		return;
	}
	ipcp_begin(s);
}

void
ppp_ipcp_set_address(struct ppp_session *s, uint32_t addr)
{
	if (!s->addr_pending) {
		/* the session moved on: hand the address straight back */
		if (addr != 0 && s->ops->addr_release != NULL)
			s->ops->addr_release(s->arg, addr);
		return;
	}
	s->addr_pending = 0;
	if (addr == 0) {
		ppp_log(s, PPP_LOG_ERROR, "IPCP: no address for \"%s\"",
		    s->user);
		ppp_close(s, PPP_DOWN_NEGOTIATION);
		return;
	}
	s->peer_addr = addr;
	if (s->phase == PPP_PHASE_NETWORK && s->ipcp.state == PPP_ST_INITIAL) {
		ipcp_begin(s);
		if (s->ipcp_held_len > 0) {
			struct sso_cur c;

			sso_cur_init(&c, s->ipcp_held, s->ipcp_held_len);
			s->ipcp_held_len = 0;
			ppp_fsm_input(&s->ipcp, &c);
		}
	}
}

void
ppp_set_dns(struct ppp_session *s, uint32_t dns0, uint32_t dns1)
{
	s->conf.dns[0] = dns0;
	s->conf.dns[1] = dns1;
}

void
ppp_auth_result(struct ppp_session *s, int ok, const char *msg)
{
	if (s->auth_in_use == PPP_AUTH_PAP)
		ppp_pap_result(s, ok, msg);
	else if (s->auth_in_use == PPP_AUTH_CHAP)
		ppp_chap_result(s, ok, msg);
}

void
ppp_timeout(struct ppp_session *s, uint16_t proto)
{
	switch (proto) {
	case PPP_PROTO_LCP:
		ppp_fsm_timeout(&s->lcp);
		break;
	case PPP_PROTO_IPCP:
		ppp_fsm_timeout(&s->ipcp);
		break;
	case PPP_PROTO_PAP:
		ppp_pap_timeout(s);
		break;
	case PPP_PROTO_CHAP:
		ppp_chap_timeout(s);
		break;
	default:
		PPP_DROP(s, PPP_DROP_STALE_TIMER, proto, 0);
		break;
	}
}

/* RFC 1662 3.2 / RFC 1661 6.5, 6.6: optional FF 03, 1- or 2-octet proto */
static int
frame_proto(struct sso_cur *c, uint16_t *proto)
{
	struct sso_cur peek = *c;
	uint8_t a, b;

	if (sso_cur_get_u8(&peek, &a) == 0 && sso_cur_get_u8(&peek, &b) == 0 &&
	    a == 0xff && b == 0x03)
		*c = peek;
	if (sso_cur_get_u8(c, &a) == -1)
		return -1;
	if (a & 1) {
		*proto = a;	/* compressed: an odd first octet */
		return 0;
	}
	if (sso_cur_get_u8(c, &b) == -1)
		return -1;
	*proto = (uint16_t)(a << 8 | b);
	return 0;
}

void
ppp_input(struct ppp_session *s, const uint8_t *p, size_t len)
{
	struct sso_cur c;
	uint16_t proto;

	sso_cur_init(&c, p, len);
	s->cnt.rx_frames++;
	s->cnt.rx_bytes += len;
	s->rx_seen = 1;
	if (frame_proto(&c, &proto) == -1) {
		PPP_DROP(s, PPP_DROP_SHORT, 0, len);
		return;
	}
	if (proto == PPP_PROTO_LCP) {
		ppp_fsm_input(&s->lcp, &c);
		return;
	}
	if (s->lcp.state != PPP_ST_OPENED) {
		/* RFC 1661 3.4: only LCP before the link is established */
		PPP_DROP(s, PPP_DROP_NOT_OPENED, proto, len);
		return;
	}
	switch (proto) {
	case PPP_PROTO_PAP:
		ppp_pap_input(s, &c);
		break;
	case PPP_PROTO_CHAP:
		ppp_chap_input(s, &c);
		break;
	case PPP_PROTO_IPCP:
		if (s->phase != PPP_PHASE_NETWORK) {
			PPP_DROP(s, PPP_DROP_NOT_OPENED, proto, len);
			break;
		}
		/* the host answers addr_alloc later (a checkpoint, RADIUS):
		 * the peer's packet is kept for IPCP's start (the last one) */
		if (s->addr_pending && s->ipcp.state == PPP_ST_INITIAL &&
		    c.len <= sizeof(s->ipcp_held)) {
			memcpy(s->ipcp_held, c.p, c.len);
			s->ipcp_held_len = c.len;
			break;
		}
		ppp_fsm_input(&s->ipcp, &c);
		break;
	case PPP_PROTO_IP:
		if (s->ipcp.state != PPP_ST_OPENED) {
			PPP_DROP(s, PPP_DROP_NOT_OPENED, proto, len);
			break;
		}
		s->cnt.rx_data++;
		s->cnt.rx_data_bytes += c.len;
		if (s->ops->data != NULL)
			s->ops->data(s->arg, c.p, c.len);
		break;
	default:
		/* RFC 1661 5.7: IPv6CP, CCP, ... are not done here */
		PPP_DROP(s, PPP_DROP_UNKNOWN_PROTO, proto, len);
		(void)ppp_lcp_send_protrej(s, proto, &c);
		break;
	}
}

/* --- proxy LCP and proxy authentication (RFC 2661 4.4.5) --- */

static enum ppp_auth
proxy_auth_type(uint16_t t)
{
	switch (t) {
	case PPP_PROXY_AUTH_CHAP:
		return PPP_AUTH_CHAP;
	case PPP_PROXY_AUTH_PAP:
	case PPP_PROXY_AUTH_TEXT:
		return PPP_AUTH_PAP;
	default:
		return PPP_AUTH_NONE;
	}
}

/* 0 when the LAC's negotiation is one we would have reached ourselves */
static int
proxy_acceptable(struct ppp_session *s, const struct ppp_proxy *p)
{
	struct sso_cur c;

	if (p->init_rx_lcp_len == 0 || p->last_rx_lcp_len == 0 ||
	    p->last_tx_lcp_len == 0 || p->last_tx_lcp_len > PPP_OPTS_MAX ||
	    p->last_rx_lcp_len > PPP_OPTS_MAX)
		return -1;
	/* the client's last request: everything in it must be acceptable */
	sso_cur_init(&c, p->last_rx_lcp, p->last_rx_lcp_len);
	if (ppp_fsm_judge(&s->lcp, &c) != PPP_OPT_ACK)
		return -1;
	/* what the LAC asked for on our behalf: must be ours to take */
	sso_cur_init(&c, p->last_tx_lcp, p->last_tx_lcp_len);
	if (ppp_fsm_take_acked(&s->lcp, &c) == -1)
		return -1;
	if (s->lcp_try.magic != 0 && s->lcp_try.magic == s->lcp_got.magic)
		return -1;	/* looped */
	if (s->conf.auth[0] != PPP_AUTH_NONE &&
	    (s->lcp_got.auth == PPP_AUTH_NONE ||
	    proxy_auth_type(p->auth_type) != s->lcp_got.auth))
		return -1;
	return 0;
}

void
ppp_start_proxy(struct ppp_session *s, const struct ppp_proxy *p)
{
	int rc;

	if (s->conf.role != PPP_ROLE_LNS || s->conf.renegotiate_always ||
	    proxy_acceptable(s, p) == -1) {
		ppp_log(s, PPP_LOG_NEGOTIATION, "proxy LCP not taken: "
		    "renegotiating LCP");
		s->lcp_got.auth = PPP_AUTH_NONE;
		ppp_start(s);
		return;
	}
	s->lcp_his = s->lcp_try;
	s->phase = PPP_PHASE_ESTABLISH;
	ppp_fsm_event(&s->lcp, PPP_FE_UP);	/* Initial -> Closed */
	ppp_fsm_force_opened(&s->lcp, "proxy");
	ppp_host_event(s, PPP_EV_LAYER_UP, PPP_PROTO_LCP);
	s->auth_in_use = s->lcp_got.auth;
	if (s->auth_in_use == PPP_AUTH_NONE) {
		network(s);
		return;
	}
	s->phase = PPP_PHASE_AUTHENTICATE;
	rc = s->auth_in_use == PPP_AUTH_PAP ? ppp_pap_proxy(s, p) :
	    ppp_chap_proxy(s, p);
	if (rc == -1) {
		/* proxied credentials unusable: ask the peer ourselves */
		ppp_log(s, PPP_LOG_AUTH, "proxy authentication incomplete: "
		    "challenging");
		if (s->auth_in_use == PPP_AUTH_PAP)
			ppp_pap_start(s);
		else
			ppp_chap_start(s);
	}
}

/* --- export / restore --- */


/* DESIGN.md "Subscribers" 4: straight into Opened, nothing sent */
int
ppp_restore(struct ppp_session *s, const struct ppp_established *e)
{
	if (s->lcp.state != PPP_ST_INITIAL || e->role != (uint8_t)s->conf.role ||
	    e->lcp_state != PPP_ST_OPENED || e->ipcp_state != PPP_ST_OPENED ||
	    e->user[PPP_NAME_MAX - 1] != '\0')
		return -1;
	s->lcp_got.mru = e->mru_ours;
	s->lcp_his.mru = e->mru_peer;
	s->lcp_got.accm = e->accm_ours;
	s->lcp_his.accm = e->accm_peer;
	s->lcp_got.magic = e->magic_ours;
	s->lcp_his.magic = e->magic_peer;
	s->lcp_got.pfc = e->pfc_ours;
	s->lcp_his.pfc = e->pfc_peer;
	s->lcp_got.acfc = e->acfc_ours;
	s->lcp_his.acfc = e->acfc_peer;
	s->auth_in_use = e->auth <= PPP_AUTH_CHAP ? e->auth : PPP_AUTH_NONE;
	s->authenticated = s->auth_in_use != PPP_AUTH_NONE;
	s->as = s->authenticated ? PPP_AS_DONE : PPP_AS_IDLE;
	s->lcp.id = e->lcp_id;
	s->ipcp.id = e->ipcp_id;
	s->auth_id = e->auth_id;
	s->echo_id = e->echo_id;
	s->echo_misses = e->echo_misses;
	memcpy(s->user, e->user, sizeof(s->user));
	s->ipcp_got.addr = e->addr_ours;
	s->ipcp_his.addr = e->addr_peer;
	if (s->conf.role == PPP_ROLE_LNS) {
		s->peer_addr = e->addr_peer;
		s->ipcp_his.dns[0] = e->dns[0];
		s->ipcp_his.dns[1] = e->dns[1];
	} else {
		s->ipcp_got.dns[0] = e->dns[0];
		s->ipcp_got.dns[1] = e->dns[1];
	}
	s->phase = PPP_PHASE_NETWORK;
	ppp_fsm_force_opened(&s->lcp, "restore");
	ppp_fsm_force_opened(&s->ipcp, "restore");
	if (s->conf.role == PPP_ROLE_LNS && s->auth_in_use == PPP_AUTH_CHAP &&
	    e->rechallenge_s > 0) {
		/* the schedule goes on; a timer is not a packet */
		s->auth_rechallenge = 1;
		s->auth_timer_on = 1;
		ppp_timer(s, PPP_PROTO_CHAP, e->rechallenge_s * 1000u);
	}
	return 0;
}

void
ppp_get_info(const struct ppp_session *s, struct ppp_info *i)
{
	memset(i, 0, sizeof(*i));
	i->phase = s->phase;
	i->lcp_state = s->lcp.state;
	i->ipcp_state = s->ipcp.state;
	i->auth = s->auth_in_use;
	i->down_reason = s->down_reason;
	i->authenticated = s->authenticated;
	memcpy(i->user, s->user, sizeof(i->user));
	i->addr_peer = s->ipcp_his.addr;
	i->addr_ours = s->ipcp_got.addr;
	i->mru_peer = s->lcp_his.mru;
	i->mru_ours = s->lcp_got.mru;
	i->magic_ours = s->lcp_got.magic;
	i->magic_peer = s->lcp_his.magic;
}

const struct ppp_counters *
ppp_get_counters(const struct ppp_session *s)
{
	return &s->cnt;
}
