/*
 * sub.c - subscriber session life on the LNS (DESIGN.md "Subscribers").
 *
 * An LNS session of a vpdn-group with `virtual-template N` gets a PPP
 * engine instance (server role) when its ICCN arrives: LCP, then
 * authentication through libaaa, then IPCP with an address from the
 * template's pool; the session is then in the downstream map of the data
 * path (sub_dp.c). Teardown is exact whichever side starts it:
 *  - PPP ends (peer's Terminate, ours after `clear`, authentication
 *    failure, keepalive, negotiation): PPP_EV_DEAD; the CDN goes out from
 *    a deferred step (never inside an engine callback) with a result code
 *    for the reason, and everything is freed;
 *  - the L2TP session ends (CDN from the LAC, tunnel down): the engine
 *    reports it DEAD (session_changed), PPP is told its lower layer is
 *    gone (nothing is sent) and everything is freed at once.
 * The address goes back to its pool through ops->addr_release, which the
 * engine calls exactly once for every address it was given.
 *
 * A standby holds no PPP state (the subscriber-SSO issue adds it): the
 * L2TP checkpoint client keeps the sessions; see README "Subscribers".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "sub_local.h"

struct sub_list sub_list = TAILQ_HEAD_INITIALIZER(sub_list);
size_t sub_count;
struct sub_stats sub_stats;

static struct dp_map by_id;		/* tid << 16 | sid -> sub */
static struct ev_loop *loop;
static uint64_t seq;

static uint32_t
sub_key(uint16_t tid, uint16_t sid)
{
	return (uint32_t)tid << 16 | sid;
}

struct sub *
sub_find(uint16_t tid, uint16_t sid)
{
	return dp_map_lookup(&by_id, sub_key(tid, sid));
}

/* ---- PPP host ops ---- */

static int
h_send(void *arg, const uint8_t *frame, size_t len)
{
	struct sub *s = arg;

	if (s->ls == NULL || l2tp_session_send(s->ls, frame, len) == -1) {
		sub_stats.drops[SUB_DROP_SEND]++;
		return -1;
	}
	return 0;
}

static ev_timer *
timer_of(struct sub *s, uint16_t proto)
{
	switch (proto) {
	case PPP_PROTO_LCP:
		return &s->t_lcp;
	case PPP_PROTO_IPCP:
		return &s->t_ipcp;
	case PPP_PROTO_PAP:
	case PPP_PROTO_CHAP:
		return &s->t_auth;
	default:
		return NULL;
	}
}

static void
h_timer(void *arg, uint16_t proto, uint32_t ms)
{
	struct sub *s = arg;
	ev_timer *t = timer_of(s, proto);

	if (t == NULL)
		return;
	ev_timer_stop(loop, t);
	if (ms == 0 || s->dying)
		return;
	/* the auth timer serves PAP or CHAP: remember which */
	if (t == &s->t_auth)
		s->auth_proto = proto;
	ev_timer_set(t, ms / 1000.0, 0.);
	ev_timer_start(loop, t);
}

static void
timer_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct sub *s = w->data;
	uint16_t proto = w == &s->t_lcp ? PPP_PROTO_LCP : w == &s->t_ipcp ?
	    PPP_PROTO_IPCP : s->auth_proto;

	if (!s->dying)
		ppp_timeout(s->ppp, proto);
}

static void
keepalive_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct sub *s = w->data;

	if (s->dying || ppp_echo_timer(s->ppp) == -1) {
		ev_timer_stop(l, w);
		if (!s->dying)
			sub_stats.keepalive_down++;
	}
}

static void
h_log(void *arg, enum ppp_log_cat cat, const char *line)
{
	struct sub *s = arg;

	if ((unsigned)cat < 4 && sub_dbg[cat].on)
		sso_log(SSO_DEBUG, SUB_FAC, "DEBUG", "session %u/%u: %s",
		    s->tid, s->sid, line);
}

static void
h_random(void *arg, void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = getrandom(p, len, 0)) <= 0)
			sso_fatal("getrandom failed");
		p += n;
		len -= (size_t)n;
	}
}

static void
auth_done(void *arg, enum aaa_result r, const char *msg)
{
	struct sub *s = arg;

	s->areq = NULL;
	/* a Framed-IP-Address of a pool held by another session: refused
	 * (sub_framed.c), PAP Authenticate-Nak or CHAP Failure */
	if (r == AAA_PASS && sub_framed_authorized(s, sub_aaa_authz()) ==
	    -1) {
		r = AAA_FAIL;
		msg = "Framed-IP-Address in use";
	}
	if (r == AAA_PASS) {
		sub_stats.auth_ok++;
		sub_acct_authorized(s);	/* RADIUS's Access-Accept */
	} else
		sub_stats.auth_fail++;
	if (!s->dying)
		ppp_auth_result(s->ppp, r == AAA_PASS, msg);
}

static void
auth_start(struct sub *s, struct aaa_cred *c)
{
	aaa_cancel(s->areq);	/* a re-sent request replaces the old one */
	s->areq = NULL;
	s->areq = aaa_auth_start(sub_conf.aaa, "default", c, auth_done, s);
	explicit_bzero(c, sizeof(*c));
}

static void
h_auth_pap(void *arg, const char *user, const char *pass)
{
	struct aaa_cred c;

	memset(&c, 0, sizeof(c));
	c.type = AAA_CRED_PAP;
	snprintf(c.user, sizeof(c.user), "%s", user);
	snprintf(c.password, sizeof(c.password), "%s", pass);
	auth_start(arg, &c);
}

static void
h_auth_chap(void *arg, const char *user, uint8_t id, const uint8_t *chal,
    size_t clen, const uint8_t *resp, size_t rlen)
{
	struct aaa_cred c;

	memset(&c, 0, sizeof(c));
	c.type = AAA_CRED_CHAP;
	snprintf(c.user, sizeof(c.user), "%s", user);
	c.chap_id = id;
	c.chal_len = clen < sizeof(c.chal) ? clen : sizeof(c.chal);
	memcpy(c.chal, chal, c.chal_len);
	c.resp_len = rlen < sizeof(c.resp) ? rlen : sizeof(c.resp);
	memcpy(c.resp, resp, c.resp_len);
	auth_start(arg, &c);
}

static void
h_addr_alloc(void *arg, const char *user)
{
	struct sub *s = arg;
	struct pool *p;
	uint32_t a = 0;
	int rc;

	/* Framed-IP-Address: a pool's is taken here, else its route */
	if ((rc = sub_framed_addr(s, &a)) == 1) {
		if (pool_set_lookup(sub_conf.pools, a) != NULL &&
		    sub_ha_addr(s, a) == 1)
			return;
		ppp_ipcp_set_address(s->ppp, a);
		return;
	}
	if (rc == -1) {
		ppp_ipcp_set_address(s->ppp, 0);	/* IPCP closes */
		return;
	}
	p = pool_set_find(sub_conf.pools, s->pool);	/* Framed-Pool */
	if (p == NULL || pool_alloc(p, &a) != POOL_OK) {
		sub_stats.addr_fail++;
		sso_log_rl(&svc_rl, SSO_WARNING, SUB_FAC, "NO_ADDRESS",
		    "session %u/%u: no free address in pool %s", s->tid,
		    s->sid, s->pool);
		a = 0;
	}
	/* rule 1: the Nak/Ack carrying it waits for the standby */
	if (a != 0 && sub_ha_addr(s, a) == 1)
		return;
	ppp_ipcp_set_address(s->ppp, a);
}

static void
h_addr_release(void *arg, uint32_t addr)
{
	struct sub *s = arg;
	struct pool *p = pool_set_lookup(sub_conf.pools, addr);

	sub_dp_unmap(s);
	if (sub_framed_release(s, addr))
		return;
	if (p == NULL || pool_release(p, addr) != POOL_OK)
		sso_log(SSO_ERR, SUB_FAC, "POOL", "session %u/%u: address "
		    "release refused (%s)", s->tid, s->sid, p == NULL ?
		    "in no pool" : "not in use");
}

static void
h_data(void *arg, const uint8_t *pkt, size_t len)
{
	sub_dp_upstream(arg, pkt, len);
}

static void
reap_cb(struct ev_loop *l, ev_timer *w, int revents);

/* RFC 2661 4.4.2 CDN result for why PPP ended */
static uint16_t
cdn_result(enum ppp_down_reason r)
{
	switch (r) {
	case PPP_DOWN_KEEPALIVE:
		return L2TP_CDN_CARRIER_LOST;
	case PPP_DOWN_ADMIN:
	case PPP_DOWN_PEER:
		return L2TP_CDN_ADMIN;
	default:
		return L2TP_CDN_GENERAL;
	}
}

static void
h_event(void *arg, enum ppp_event ev, uint16_t proto)
{
	struct sub *s = arg;
	struct ppp_established e;
	struct ppp_info pi;

	switch (ev) {
	case PPP_EV_UP:
		ppp_export(s->ppp, &e);
		s->addr = e.addr_peer;
		s->pfc = e.pfc_peer;
		s->acfc = e.acfc_peer;
		s->mru_peer = e.mru_peer ? e.mru_peer : 1500;
		s->up_ms = sso_now_ms();
		sub_stats.up++;
		if (sub_dp_map(s) == -1)
			ppp_close(s->ppp, PPP_DOWN_ADMIN);
		else
			sub_ha_up(s);	/* then sub_up_reported() */
		break;
	case PPP_EV_LAYER_DOWN:
		if (proto == PPP_PROTO_IPCP)
			sub_dp_unmap(s);
		break;
	case PPP_EV_LAYER_UP:
		if (proto == PPP_PROTO_LCP && !s->keepalive_off &&
		    s->ka_period > 0) {
			ev_timer_set(&s->t_keepalive, s->ka_period,
			    s->ka_period);
			ev_timer_start(loop, &s->t_keepalive);
		}
		break;
	case PPP_EV_DEAD:
		ppp_get_info(s->ppp, &pi);
		s->cdn_result = cdn_result(pi.down_reason);
		s->down_reason = pi.down_reason;
		s->dying = 1;
		ev_timer_stop(loop, &s->t_keepalive);
		ev_timer_set(&s->t_reap, 0., 0.);
		ev_timer_start(loop, &s->t_reap);
		break;
	default:
		break;
	}
}

static void
h_ckpt(void *arg, const struct ppp_established *e)
{
	sub_ha_changed(arg, e);
}

static const struct ppp_host_ops sub_ppp_ops = {
	.send = h_send,
	.timer = h_timer,
	.event = h_event,
	.log = h_log,
	.random = h_random,
	.auth_pap = h_auth_pap,
	.auth_chap = h_auth_chap,
	.addr_alloc = h_addr_alloc,
	.addr_release = h_addr_release,
	.data = h_data,
	.ckpt = h_ckpt,
};

/*
 * The session is up on the standby (or there is none): it may be reported
 * up. The accounting Start goes here (rule 2 of the subscriber SSO).
 */
void
sub_up_reported(struct sub *s)
{
	s->reported_up = 1;
	sub_framed_up(s);	/* Framed-IP-Address's route */
	sub_acct_up(s);		/* Start, timers: after the standby has it */
}

/* ---- life ---- */

static void
sub_free(struct sub *s)
{
	size_t i;

	ev_timer_stop(loop, &s->t_lcp);
	ev_timer_stop(loop, &s->t_ipcp);
	ev_timer_stop(loop, &s->t_auth);
	ev_timer_stop(loop, &s->t_keepalive);
	ev_timer_stop(loop, &s->t_reap);
	aaa_cancel(s->areq);
	s->areq = NULL;
	s->dying = 1;
	sub_ha_gone(s);
	for (i = 0; i < PPP_DROP_MAX; i++)
		sub_stats.ppp_drops[i] += ppp_get_counters(s->ppp)->drops[i];
	sub_acct_down(s);	/* Stop, with the counters */
	ppp_destroy(s->ppp);	/* releases the address (h_addr_release) */
	sub_acct_free(s);
	sub_framed_free(s);
	sub_dp_unmap(s);
	(void)dp_map_remove(&by_id, sub_key(s->tid, s->sid));
	TAILQ_REMOVE(&sub_list, s, entry);
	sub_count--;
	sub_stats.sessions_freed++;
	free(s);
}

/* PPP is over: the CDN (our side ended it), then free */
static void
reap_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct sub *s = w->data;
	struct l2tp_session *ls = s->ls;
	uint16_t result = s->cdn_result;
	struct ppp_info pi;
	char msg[64];

	ppp_get_info(s->ppp, &pi);
	snprintf(msg, sizeof(msg), "PPP %s", ppp_down_name(s->down_reason));
	if (s->down_reason == PPP_DOWN_AUTH)
		svc_failure(s->tid, s->sid, pi.user, "PPP authentication "
		    "failed for user %s", pi.user);
	sso_log(SSO_NOTICE, SUB_FAC, "SESSION_DOWN", "session %u/%u user "
	    "\"%s\": %s, CDN result %u", s->tid, s->sid, pi.user, msg,
	    result);
	/* freed first: the CDN reports the session DEAD (session_changed) */
	s->ls = NULL;
	sub_free(s);
	if (ls != NULL)
		(void)l2tp_session_clear(ls, result, 0, msg);
}

static void
sub_timers_init(struct sub *s)
{
	ev_timer *t[] = { &s->t_lcp, &s->t_ipcp, &s->t_auth, &s->t_keepalive,
	    &s->t_reap };
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ev_timer_init(t[i], i < 3 ? timer_cb : i == 3 ? keepalive_cb :
		    reap_cb, 1., 0.);
		t[i]->data = s;
	}
}

static void
sub_ppp_conf(struct ppp_conf *pc, const struct sub_vt *v,
    const struct svc_group *g)
{
	const struct sub_lo *lo = sub_lo_find(v->unnum_lo);

	memset(pc, 0, sizeof(*pc));
	pc->role = PPP_ROLE_LNS;
	pc->mru = (uint16_t)v->mtu;
	pc->auth[0] = v->auth[0];
	pc->auth[1] = v->auth[1];
	pc->keepalive_retries = (uint8_t)v->ka_retries;
	pc->renegotiate_always = g->lcp_reneg_always;
	pc->local_addr = lo != NULL ? lo->addr : 0;
	pc->dns[0] = v->dns[0];
	pc->dns[1] = v->dns[1];
	snprintf(pc->name, sizeof(pc->name), "%s", g->g.local_name[0] ?
	    g->g.local_name : "ssod");
}

/* RFC 2661 4.4.5: the ICCN's proxy AVPs as libppp takes them */
static int
sub_proxy(struct l2tp_session *ls, struct ppp_proxy *pp)
{
	struct l2tp_proxy lp;

	_Static_assert(L2TP_PROXY_LCP_MAX <= PPP_OPTS_MAX &&
	    L2TP_PROXY_VAL_MAX <= PPP_CHAL_MAX && L2TP_NAME_MAX <=
	    PPP_NAME_MAX, "proxy sizes");
	if (l2tp_session_get_proxy(ls, &lp) == -1)
		return -1;
	memset(pp, 0, sizeof(*pp));
	memcpy(pp->init_rx_lcp, lp.init_rx_lcp, lp.init_rx_lcp_len);
	pp->init_rx_lcp_len = lp.init_rx_lcp_len;
	memcpy(pp->last_tx_lcp, lp.last_tx_lcp, lp.last_tx_lcp_len);
	pp->last_tx_lcp_len = lp.last_tx_lcp_len;
	memcpy(pp->last_rx_lcp, lp.last_rx_lcp, lp.last_rx_lcp_len);
	pp->last_rx_lcp_len = lp.last_rx_lcp_len;
	pp->auth_type = lp.has_auth_type ? lp.auth_type :
	    PPP_PROXY_AUTH_NONE_AVP;
	memcpy(pp->auth_name, lp.auth_name, sizeof(lp.auth_name));
	memcpy(pp->auth_chal, lp.auth_chal, lp.auth_chal_len);
	pp->auth_chal_len = lp.auth_chal_len;
	pp->auth_id = lp.auth_id;
	memcpy(pp->auth_resp, lp.auth_resp, lp.auth_resp_len);
	pp->auth_resp_len = lp.auth_resp_len;
	explicit_bzero(&lp, sizeof(lp));
	return 0;
}

/* a subscriber of LNS session ls from template v of group g, in the
 * tables; NULL (logged) when out of memory */
static struct sub *
sub_new(struct l2tp_session *ls, const struct sub_vt *v,
    const struct svc_group *g)
{
	struct l2tp_session_info si;
	struct ppp_conf pc;
	struct sub *s;

	l2tp_session_get_info(ls, &si);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		goto fail;
	s->ls = ls;
	s->tid = si.local_tid;
	s->sid = si.local_sid;
	snprintf(s->pool, sizeof(s->pool), "%s", v->pool);
	s->mtu = v->mtu;
	s->adjust_mss = v->adjust_mss;
	s->keepalive_off = v->keepalive_off;
	s->ka_period = v->ka_period;
	s->start_ms = sso_now_ms();
	sub_timers_init(s);
	sub_ppp_conf(&pc, v, g);
	if ((s->ppp = ppp_create(&pc, &sub_ppp_ops, s)) == NULL ||
	    dp_map_insert(&by_id, sub_key(s->tid, s->sid), s) == -1) {
		ppp_destroy(s->ppp);
		free(s);
		goto fail;
	}
	s->seq = ++seq;
	TAILQ_INSERT_TAIL(&sub_list, s, entry);
	sub_count++;
	sub_stats.sessions_created++;
	return s;
fail:
	sso_log_rl(&svc_rl, SSO_ERR, SUB_FAC, "NOMEM", "session %u/%u: no "
	    "memory for PPP", si.local_tid, si.local_sid);
	return NULL;
}

/* the template of an LNS incoming call's group, NULL: no PPP here */
static const struct sub_vt *
sub_vt_of(struct l2tp_session *ls, const struct svc_group **g)
{
	struct l2tp_session_info si;
	struct l2tp_tunnel_info ti;

	l2tp_session_get_info(ls, &si);
	if (si.call != L2TP_CALL_LNS_IC)
		return NULL;
	l2tp_tunnel_get_info(l2tp_session_tunnel(ls), &ti);
	return sub_group_vt(*g = svc_group_find(ti.group));
}

/* ICCN: the call is up; PPP starts if its group has a virtual-template */
static void
sub_session_up(struct l2tp_session *ls)
{
	const struct svc_group *g = NULL;
	const struct sub_vt *v;
	struct ppp_proxy pp;
	struct sub *s;

	if ((v = sub_vt_of(ls, &g)) == NULL)
		return;
	/* a template added by a reload: the device opens with its first call */
	if (!sub_dp_is_open() && svc.listening)
		(void)sub_dp_open();
	if ((s = sub_new(ls, v, g)) == NULL) {
		(void)l2tp_session_clear(ls, L2TP_CDN_NO_RES_TEMP,
		    L2TP_ERR_RESOURCES, "no memory for PPP");
		return;
	}
	/* the LAC's proxied LCP/authentication, when it sent them */
	if (sub_proxy(ls, &pp) == 0) {
		sub_stats.proxy_lcp++;
		ppp_start_proxy(s->ppp, &pp);
		explicit_bzero(&pp, sizeof(pp));
	} else
		ppp_start(s->ppp);
}

/*
 * Takeover (sub_ha.c): an established subscriber from the standby copy,
 * straight into Opened and silent (ppp_restore); its address is already
 * taken in the pool. NULL when it cannot be (the caller ends the call).
 */
struct sub *
sub_restore(struct l2tp_session *ls, const struct ppp_established *e)
{
	const struct svc_group *g = NULL;
	const struct sub_vt *v;
	struct sub *s;

	if ((v = sub_vt_of(ls, &g)) == NULL || (s = sub_new(ls, v, g)) ==
	    NULL)
		return NULL;
	if (ppp_restore(s->ppp, e) == -1) {
		/* nothing was set: no address to give back */
		s->ls = NULL;
		sub_free(s);
		return NULL;
	}
	s->addr = e->addr_peer;
	s->pfc = e->pfc_peer;
	s->acfc = e->acfc_peer;
	s->mru_peer = e->mru_peer ? e->mru_peer : 1500;
	s->up_ms = s->start_ms;
	s->reported_up = 1;
	if (!s->keepalive_off && s->ka_period > 0) {
		ev_timer_set(&s->t_keepalive, s->ka_period, s->ka_period);
		ev_timer_start(loop, &s->t_keepalive);
	}
	if (sub_dp_map(s) == -1) {
		ppp_close(s->ppp, PPP_DOWN_ADMIN);
		return s;
	}
	return s;
}

/* ---- the service's hooks ---- */

static void
hk_session_event(void *arg, struct l2tp_session *ls, enum l2tp_event ev)
{
	if (ev == L2TP_EV_SESSION_UP)
		sub_session_up(ls);
}

/* the L2TP session ends (CDN from the LAC, tunnel gone): PPP with it */
static void
hk_session_changed(void *arg, struct l2tp_session *ls)
{
	struct l2tp_session_info si;
	struct sub *s;

	l2tp_session_get_info(ls, &si);
	if (si.state != L2TP_SS_DEAD ||
	    (s = sub_find(si.local_tid, si.local_sid)) == NULL ||
	    s->ls != ls)
		return;
	s->ls = NULL;
	s->dying = 1;
	ppp_lower_down(s->ppp);
	sub_free(s);
}

/*
 * PPP on an LNS session of a template group that has no PPP state here:
 * one this unit took over from the old active (the standby holds no PPP
 * state until the subscriber-SSO issue). DESIGN.md "Subscribers" rule 5:
 * never left hanging: LCP Terminate-Request (RFC 1661 5.5), then the CDN.
 */
void
sub_orphan(struct l2tp_session *ls)
{
	static const uint8_t termreq[] = { 0xff, 0x03, 0xc0, 0x21, 0x05, 0x01,
	    0x00, 0x04 };
	struct l2tp_session_info si;
	struct l2tp_tunnel_info ti;

	l2tp_session_get_info(ls, &si);
	l2tp_tunnel_get_info(l2tp_session_tunnel(ls), &ti);
	if (si.call != L2TP_CALL_LNS_IC || si.state != L2TP_SS_ESTABLISHED ||
	    sub_group_vt(svc_group_find(ti.group)) == NULL)
		return;
	sub_stats.orphans++;
	sso_log_rl(&svc_rl, SSO_NOTICE, SUB_FAC, "ORPHAN", "session %u/%u: "
	    "PPP state lost at the switchover: Terminate-Request and CDN",
	    si.local_tid, si.local_sid);
	(void)l2tp_session_send(ls, termreq, sizeof(termreq));
	(void)l2tp_session_clear(ls, L2TP_CDN_GENERAL, 0, "PPP state lost at "
	    "switchover");
}

static void
hk_data(void *arg, struct l2tp_session *ls, const uint8_t *p, size_t len)
{
	struct sub *s = sub_find(l2tp_tunnel_local_id(l2tp_session_tunnel(ls)),
	    l2tp_session_local_id(ls));

	struct l2tp_tunnel_info ti;

	if (s != NULL && !s->dying) {
		ppp_input(s->ppp, p, len);
		return;
	}
	if (s != NULL)
		return;
	/*
	 * Not while the tunnel resyncs: a CDN queued behind the probe takes
	 * an Ns the adopted sequence gives again, and the peer drops the next
	 * message as a duplicate (a call never answered). The takeover's
	 * sweep (sub_ha.c) ends the call once the resync is over.
	 */
	l2tp_tunnel_get_info(l2tp_session_tunnel(ls), &ti);
	if (ti.state != L2TP_TS_RESYNC)
		sub_orphan(ls);
}

static void
hk_event(void *arg, enum svc_event ev)
{
	switch (ev) {
	case SVC_EV_SOCKET_BOUND:
		(void)sub_dp_open();
		sub_dae_active(1);
		sub_acct_on();	/* first start only, never at a switchover */
		break;
	case SVC_EV_SOCKET_RELEASED:
		sub_dae_active(0);
		sub_dp_close();
		break;
	default:
		break;
	}
}

static const struct svc_hooks sub_hooks = {
	.event = hk_event,
	.session_event = hk_session_event,
	.session_changed = hk_session_changed,
	.data = hk_data,
};

struct sub_upcalls sub_up;

/* `clear l2tp session`: RFC 1661 Terminate-Request first, CDN after */
int
sub_clear(struct sub *s)
{
	if (s->dying)
		return 0;
	ppp_close(s->ppp, PPP_DOWN_ADMIN);
	return 0;
}

void
sub_init(void)
{
	loop = svc.loop;
	while (!TAILQ_EMPTY(&sub_list))
		sub_free(TAILQ_FIRST(&sub_list));
	dp_map_free(&by_id);
	if (dp_map_init(&by_id, 1024) == -1)
		sso_fatal("out of memory");
	memset(&sub_stats, 0, sizeof(sub_stats));
	(void)svc_hooks_register(&sub_hooks, NULL);
}

/* a CoA changed the session's timeouts: its established record again */
static void
acct_changed(struct sub *s)
{
	struct ppp_established e;

	ppp_export(s->ppp, &e);
	sub_ha_changed(s, &e);
}

void
sub_register(void)
{
	sub_up.clear = sub_clear;
	sub_up.find = sub_find;
	sub_up.orphan = sub_orphan;
	sub_up.restore = sub_restore;
	sub_up.up_reported = sub_up_reported;
	sub_up.dae_restart = sub_dae_restart;
	sub_up.acct_stats = sub_acct_stats_print;
	sub_up.acct_changed = acct_changed;
	sub_conf_register();
	sub_aaa_register();
	sub_show_register();
	sub_dp_init(svc.loop);
	sub_init();
	sub_acct_init();
	sub_ha_register();
}
