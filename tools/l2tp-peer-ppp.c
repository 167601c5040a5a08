/*
 * l2tp-peer-ppp.c - the PPP client of l2tp-peer (--ppp): one libppp engine
 * in the client role per call, started once the call is up (ICCN sent):
 * LCP, PAP or CHAP-MD5 (--auth), IPCP asking for 0.0.0.0 and DNS, taking
 * the address the LNS Naks with. No second PPP implementation: every
 * protocol decision is libppp's; this file is its host (frames out on
 * the L2TP session, restart timers on the loop) and the strict checks.
 *
 * Strict (each one a failure, "failure T: ..." on stderr):
 *  - an LCP Terminate-Request from the LNS we did not cause;
 *  - a Nak loop: more than PEER_PPP_MAX_NAKS Configure-Naks in one
 *    negotiation of LCP or IPCP;
 *  - an address change we did not ask for: an IPCP Nak or a renegotiation
 *    that moves us off the address we were given;
 *  - authentication refused (unless --expect-auth-fail), the link dying,
 *    IPCP going down.
 * --expect-auth-fail rfc: each call must be refused the RFC way, in this
 * order: PAP Authenticate-Nak or CHAP Failure, LCP Terminate-Request from
 * the LNS, then its CDN. --expect-auth-fail cdn: a CDN from the LNS with
 * no PPP verdict (l2tpns's way) is accepted too.
 *
 * Data (--reflector ADDR:PORT): the frames of l2tp-peer-data.c travel as
 * IPv4/UDP payload from the call's address to the reflector, with correct
 * IP and UDP checksums; what comes back is checked the same way (version,
 * header and UDP checksums, addresses, ports) before its payload is.
 * --tun: each call's IP packets go to and from a TUN device pppN in our
 * namespace (l2tp-peer-tun.c).
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dp.h"
#include "l2tp-peer.h"
#include "ppp.h"

#define PEER_PPP_MAX_NAKS	4	/* Configure-Naks per negotiation */
#define PEER_PPP_CDN_WAIT_S	5.0	/* link over: the LNS's CDN within */
#define PEER_PPP_PASSIVE_S	0.2	/* LCP waits this for the LNS's */
#define IP_HDR			20
#define UDP_HDR			8
#define PPP_HDR			4	/* FF 03 00 21 */

enum { T_LCP, T_IPCP, T_PAP, T_CHAP, T_MAX };

struct peer_ppp {
	struct ppp_session	*ps;
	struct l2tp_session	*ls;		/* NULL once the call is gone */
	void			*call;		/* the LAC's, for its books */
	uint16_t		 tid, sid;
	ev_timer		 timer[T_MAX];
	ev_timer		 start;		/* ppp_start at the latest */
	int			 started;
	uint32_t		 addr, peer_addr, dns[2];
	uint32_t		 nak_addr;	/* first address Nak'd to us */
	unsigned		 naks[2];	/* LCP, IPCP this negotiation */
	int			 up, ever_up, failed;
	int			 verdict_rx;	/* PAP Nak / CHAP Failure */
	int			 term_rx;	/* Terminate-Request from LNS */
	int			 verdict_then_term;
	int			 dead;
	double			 dead_at;
	int			 tun;		/* --tun: index, -1 none */
	ev_timer		 echo;		/* --lcp-echo */
	uint8_t			 echo_id;
	double			 echo_last;	/* last answer (or up) */
	struct peer_ppp		*next_zombie;
};

struct peer_ppp_stats peer_ppp_stats;

static struct peer_ppp	*zombies;
#define TXBUF_MAX		(PPP_HDR + 65535)

static int
tidx(uint16_t proto)
{
	switch (proto) {
	case PPP_PROTO_LCP: return T_LCP;
	case PPP_PROTO_IPCP: return T_IPCP;
	case PPP_PROTO_PAP: return T_PAP;
	default: return T_CHAP;
	}
}

static void
ip_str(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
}

static void
ppp_failure(struct peer_ppp *p, const char *what)
{
	p->failed = 1;
	peer_fail(p->tid, p->sid, "ppp: %s", what);
}

/* ---- host ops ---- */

static int
h_send(void *arg, const uint8_t *frame, size_t len)
{
	struct peer_ppp *p = arg;

	if (p->ls == NULL)
		return -1;
	peer_ppp_stats.frames_tx++;
	return l2tp_session_send(p->ls, frame, len);
}

static void
h_timer(void *arg, uint16_t proto, uint32_t ms)
{
	struct peer_ppp *p = arg;
	ev_timer *w = &p->timer[tidx(proto)];

	ev_timer_stop(peer.loop, w);
	if (ms == 0)
		return;
	ev_timer_set(w, ms / 1000.0, 0);
	ev_timer_start(peer.loop, w);
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	static const uint16_t proto[T_MAX] = { PPP_PROTO_LCP, PPP_PROTO_IPCP,
	    PPP_PROTO_PAP, PPP_PROTO_CHAP };
	struct peer_ppp *p = w->data;

	(void)loop;
	(void)revents;
	if (p->ps != NULL && !p->dead)
		ppp_timeout(p->ps, proto[w - p->timer]);
}

static void
h_random(void *arg, void *buf, size_t len)
{
	uint8_t *b = buf;
	size_t i;

	(void)arg;
	for (i = 0; i < len; i++)
		b[i] = (uint8_t)random();
}

static void
ppp_up(struct peer_ppp *p)
{
	struct ppp_info in;
	char a[16], b[16], m[64];

	ppp_get_info(p->ps, &in);
	if (p->ever_up && in.addr_ours != p->addr) {
		ip_str(p->addr, a, sizeof(a));
		ip_str(in.addr_ours, b, sizeof(b));
		snprintf(m, sizeof(m), "address changed from %s to %s", a, b);
		ppp_failure(p, m);
	}
	if (in.addr_ours == 0) {
		ppp_failure(p, "IPCP up with no address");
		return;
	}
	p->addr = in.addr_ours;
	p->peer_addr = in.addr_peer;
	p->naks[0] = p->naks[1] = 0;
	if (p->up)
		return;
	p->up = 1;
	peer_ppp_stats.ipcp_up++;
	if (p->ever_up)
		return;
	p->ever_up = 1;
	if (peer.o.expect_auth_fail) {
		ppp_failure(p, "link up, but a refused authentication was "
		    "expected");
		peer_lac_ppp_down(p->call, 0);
		return;
	}
	peer_ppp_stats.addresses++;
	if (peer.o.lcp_echo > 0) {
		p->echo_last = peer_mono();
		ev_timer_set(&p->echo, peer.o.lcp_echo, peer.o.lcp_echo);
		ev_timer_start(peer.loop, &p->echo);
	}
	{
		struct ppp_established e;

		ppp_export(p->ps, &e);
		p->dns[0] = e.dns[0];
		p->dns[1] = e.dns[1];
		if (e.dns[0] != 0)
			peer_ppp_stats.dns++;
	}
	if (peer.o.tun && peer_tun_attach(p) == -1) {
		ppp_failure(p, "cannot set up its TUN device");
		peer_lac_ppp_down(p->call, 0);
		return;
	}
	peer_lac_ppp_up(p->call);
}

static void
ppp_dead(struct peer_ppp *p)
{
	struct ppp_info in;
	char m[96];

	ppp_get_info(p->ps, &in);
	p->dead = 1;
	p->dead_at = peer_mono();
	if (p->up)
		p->up = 0;
	if (peer.o.expect_auth_fail && in.down_reason == PPP_DOWN_AUTH) {
		/* the LNS's CDN must follow: lac_session_event judges it */
		return;
	}
	if (p->failed) {
		peer_lac_ppp_down(p->call, 0);
		return;
	}
	snprintf(m, sizeof(m), "link down (%s)", ppp_down_name(in.down_reason));
	ppp_failure(p, m);
	peer_lac_ppp_down(p->call, 0);
}

static void
h_event(void *arg, enum ppp_event ev, uint16_t proto)
{
	struct peer_ppp *p = arg;

	switch (ev) {
	case PPP_EV_AUTH_OK:
		peer_ppp_stats.auth_ok++;
		break;
	case PPP_EV_AUTH_FAIL:
		peer_ppp_stats.auth_fail++;
		if (!peer.o.expect_auth_fail)
			ppp_failure(p, "authentication refused");
		break;
	case PPP_EV_UP:
		ppp_up(p);
		break;
	case PPP_EV_LAYER_DOWN:
		if (proto == PPP_PROTO_IPCP && p->up && !p->dead) {
			p->up = 0;
			if (!p->failed)
				ppp_failure(p, "IPCP went down");
		}
		break;
	case PPP_EV_DEAD:
		ppp_dead(p);
		break;
	default:
		break;
	}
}

static void
h_log(void *arg, enum ppp_log_cat cat, const char *line)
{
	struct peer_ppp *p = arg;

	if (peer.o.ppp_debug)
		fprintf(stderr, "ppp %u/%u [%d]: %s\n", p->tid, p->sid, cat,
		    line);
}

/* ---- IPv4/UDP (RFC 791, RFC 768) ---- */

/* the ones-complement sum of a and b, as a checksum field */
static uint16_t
csum2(const void *a, size_t alen, const void *b, size_t blen)
{
	uint32_t s = (uint16_t)~dp_csum(a, alen) + (uint32_t)(uint16_t)
	    ~dp_csum(b, blen);

	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* the UDP pseudo-header (RFC 768), into a buffer kept for it */
static const uint8_t *
pseudo(uint32_t src, uint32_t dst, size_t ulen)
{
	static struct sso_wbuf w;

	if (w.buf == NULL)
		sso_wbuf_init(&w, 12);
	sso_wbuf_reset(&w);
	(void)sso_wbuf_put_u32(&w, src);
	(void)sso_wbuf_put_u32(&w, dst);
	(void)sso_wbuf_put_u8(&w, 0);
	(void)sso_wbuf_put_u8(&w, 17);
	(void)sso_wbuf_put_u16(&w, (uint16_t)ulen);
	return w.buf;
}

/* the frame being built: PPP header, then what goes after it */
static struct sso_wbuf *
frame_begin(void)
{
	static struct sso_wbuf w;

	if (w.buf == NULL)
		sso_wbuf_init(&w, TXBUF_MAX);
	sso_wbuf_reset(&w);
	(void)sso_wbuf_put_u8(&w, 0xff);
	(void)sso_wbuf_put_u8(&w, 0x03);
	(void)sso_wbuf_put_u16(&w, PPP_PROTO_IP);
	return &w;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

int
peer_ppp_send_udp(struct peer_ppp *p, const uint8_t *data, size_t len)
{
	static uint16_t ipid;
	struct sso_wbuf *w;
	size_t ulen = UDP_HDR + len, tlen = IP_HDR + ulen;
	uint16_t c;
	int errs = 0;

	if (p == NULL || !p->up || p->ls == NULL || tlen > 65535)
		return -1;
	w = frame_begin();
	errs += sso_wbuf_put_u8(w, 0x45);		/* IPv4, 5 words */
	errs += sso_wbuf_put_u8(w, 0);
	errs += sso_wbuf_put_u16(w, (uint16_t)tlen);
	errs += sso_wbuf_put_u16(w, ipid++);
	errs += sso_wbuf_put_u16(w, 0);		/* no flags, offset 0 */
	errs += sso_wbuf_put_u8(w, 64);
	errs += sso_wbuf_put_u8(w, 17);
	errs += sso_wbuf_put_u16(w, 0);		/* checksum, below */
	errs += sso_wbuf_put_u32(w, p->addr);
	errs += sso_wbuf_put_u32(w, peer.o.reflector_addr);
	errs += sso_wbuf_put_u16(w, peer.o.reflector_port);
	errs += sso_wbuf_put_u16(w, peer.o.reflector_port);
	errs += sso_wbuf_put_u16(w, (uint16_t)ulen);
	errs += sso_wbuf_put_u16(w, 0);		/* checksum, below */
	errs += sso_wbuf_put(w, data, len);
	if (errs)
		return -1;
	(void)sso_wbuf_set_u16(w, PPP_HDR + 10, dp_csum(w->buf + PPP_HDR,
	    IP_HDR));
	c = csum2(pseudo(p->addr, peer.o.reflector_addr, ulen), 12,
	    w->buf + PPP_HDR + IP_HDR, ulen);
	/* RFC 768: a computed 0 is sent as all ones (0 means "none") */
	(void)sso_wbuf_set_u16(w, PPP_HDR + IP_HDR + 6, c == 0 ? 0xffff : c);
	peer_ppp_stats.ip_tx++;
	peer_ppp_stats.frames_tx++;
	return l2tp_session_send(p->ls, w->buf, w->len);
}

/* an IP packet to the host: the reflected UDP of ours, or the TUN's */
static void
h_data(void *arg, const uint8_t *pkt, size_t len)
{
	struct peer_ppp *p = arg;
	size_t ihl, tlen, ulen;

	peer_ppp_stats.ip_rx++;
	if (p->tun >= 0) {
		peer_tun_write(p, pkt, len);
		return;
	}
	if (len < IP_HDR || pkt[0] >> 4 != 4)
		goto bad;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	tlen = get16(pkt + 2);
	if (ihl < IP_HDR || tlen < ihl + UDP_HDR || tlen > len ||
	    dp_csum(pkt, ihl) != 0 || pkt[9] != 17 ||
	    (get16(pkt + 6) & 0x3fff) != 0)	/* MF or an offset */
		goto bad;
	if (get32(pkt + 12) != peer.o.reflector_addr ||
	    get32(pkt + 16) != p->addr)
		goto bad;
	ulen = get16(pkt + ihl + 4);
	if (ulen != tlen - ihl || get16(pkt + ihl) != peer.o.reflector_port ||
	    get16(pkt + ihl + 2) != peer.o.reflector_port)
		goto bad;
	if (get16(pkt + ihl + 6) != 0 && csum2(pseudo(get32(pkt + 12),
	    p->addr, ulen), 12, pkt + ihl, ulen) != 0)
		goto bad;
	peer_data_frame(pkt + ihl + UDP_HDR, ulen - UDP_HDR);
	return;
bad:
	peer_ppp_stats.ip_bad++;
	peer.data.bad++;
}

static const struct ppp_host_ops peer_ppp_ops = {
	.send = h_send,
	.timer = h_timer,
	.event = h_event,
	.log = h_log,
	.random = h_random,
	.data = h_data,
};

/* --lcp-echo: an Echo-Request with our magic (RFC 1661 5.8) */
static void
echo_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct peer_ppp *p = w->data;
	struct ppp_info in;
	uint8_t f[12] = { 0xff, 0x03, 0xc0, 0x21, 9, 0, 0, 8 };

	if (p->ls == NULL || !p->up)
		return;
	ppp_get_info(p->ps, &in);
	f[5] = ++p->echo_id;
	f[8] = (uint8_t)(in.magic_ours >> 24);
	f[9] = (uint8_t)(in.magic_ours >> 16);
	f[10] = (uint8_t)(in.magic_ours >> 8);
	f[11] = (uint8_t)in.magic_ours;
	if (h_send(p, f, sizeof(f)) == 0)
		peer_ppp_stats.echo_tx++;
}

/* an Echo-Reply: the LNS's magic, as negotiated; the gap since the last */
static void
echo_reply(struct peer_ppp *p, struct sso_cur *c)
{
	struct ppp_info in;
	uint32_t m;
	double now = peer_mono(), gap;
	char x[64];

	if (peer.o.lcp_echo <= 0 || !p->ever_up || sso_cur_get_u32(c, &m) ==
	    -1)
		return;
	ppp_get_info(p->ps, &in);
	if (m != in.magic_peer) {
		peer_ppp_stats.echo_bad++;
		snprintf(x, sizeof(x), "LCP Echo-Reply with magic %08x, not "
		    "%08x", m, in.magic_peer);
		ppp_failure(p, x);
		return;
	}
	peer_ppp_stats.echo_ok++;
	gap = now - p->echo_last;
	if (gap > peer_ppp_stats.echo_gap_max)
		peer_ppp_stats.echo_gap_max = gap;
	p->echo_last = now;
}

/* ---- what the LNS sends, seen before the engine takes it ---- */

static void
peek(struct peer_ppp *p, const uint8_t *f, size_t len)
{
	struct sso_cur c, o;
	uint16_t proto;
	uint8_t b, code, type, olen;
	uint32_t a;
	char m[80], x[16], y[16];

	sso_cur_init(&c, f, len);
	if (len >= 2 && f[0] == 0xff && f[1] == 0x03)
		(void)sso_cur_skip(&c, 2);
	if (sso_cur_get_u8(&c, &b) == -1)
		return;
	proto = b;
	if (!(b & 1)) {
		if (sso_cur_get_u8(&c, &b) == -1)
			return;
		proto = (uint16_t)(proto << 8 | b);
	}
	if (sso_cur_get_u8(&c, &code) == -1 || sso_cur_skip(&c, 3) == -1)
		return;		/* the engine counts the bad ones */
	if (proto == PPP_PROTO_LCP && code == 5) {
		peer_ppp_stats.term_rx++;
		if (!p->term_rx && p->verdict_rx)
			p->verdict_then_term = 1;
		p->term_rx = 1;
		if (!peer.o.expect_auth_fail && !p->failed && !p->dead)
			ppp_failure(p, "LCP Terminate-Request from the LNS");
		return;
	}
	if (proto == PPP_PROTO_LCP && code == 10) {
		echo_reply(p, &c);
		return;
	}
	if ((proto == PPP_PROTO_PAP && code == 3) ||
	    (proto == PPP_PROTO_CHAP && code == 4)) {
		p->verdict_rx = 1;
		return;
	}
	if ((proto != PPP_PROTO_LCP && proto != PPP_PROTO_IPCP) || code != 3)
		return;
	if (++p->naks[proto == PPP_PROTO_IPCP] == PEER_PPP_MAX_NAKS + 1) {
		snprintf(m, sizeof(m), "Nak loop: %u Configure-Naks for %s",
		    PEER_PPP_MAX_NAKS + 1, proto == PPP_PROTO_LCP ? "LCP" :
		    "IPCP");
		ppp_failure(p, m);
	}
	if (proto != PPP_PROTO_IPCP)
		return;
	/* IP-Address in an IPCP Nak: the first one given is ours to keep */
	while (sso_cur_get_u8(&c, &type) == 0 && sso_cur_get_u8(&c, &olen) == 0
	    && olen >= 2 && sso_cur_sub(&c, olen - 2u, &o) == 0) {
		if (type != 3 || olen != 6 || sso_cur_get_u32(&o, &a) == -1)
			continue;
		if (p->nak_addr == 0)
			p->nak_addr = a;
		else if (a != p->nak_addr || (p->ever_up && a != p->addr)) {
			ip_str(p->ever_up ? p->addr : p->nak_addr, x,
			    sizeof(x));
			ip_str(a, y, sizeof(y));
			snprintf(m, sizeof(m), "IPCP Nak moves the address "
			    "from %s to %s", x, y);
			ppp_failure(p, m);
		}
	}
}

/* ---- the call's entry points ---- */

/*
 * LCP starts when the LNS's first PPP frame comes (its Configure-Request:
 * it has our ICCN then), or PEER_PPP_PASSIVE_S after the call came up,
 * whichever is first. Sent at once, our first Configure-Request could
 * reach the LNS before the ICCN (the engine sends the ICCN after it read
 * the ICRP, and behind other control messages of the tunnel) and be
 * dropped, costing a whole restart interval.
 */
static void
lcp_begin(struct peer_ppp *p)
{
	ev_timer_stop(peer.loop, &p->start);
	if (p->started || p->ps == NULL || p->dead)
		return;
	p->started = 1;
	ppp_start(p->ps);
}

static void
start_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	lcp_begin(w->data);
}

struct peer_ppp *
peer_ppp_start(struct l2tp_session *ls, void *call, uint16_t tid,
    uint16_t sid)
{
	struct ppp_conf conf;
	struct peer_ppp *p;
	int i;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		peer_oom();
	memset(&conf, 0, sizeof(conf));
	conf.role = PPP_ROLE_CLIENT;
	conf.want_dns = 1;
	conf.auth[0] = peer.o.auth;
	snprintf(conf.user, sizeof(conf.user), "%s", peer.o.user);
	snprintf(conf.password, sizeof(conf.password), "%s", peer.o.password);
	snprintf(conf.name, sizeof(conf.name), "%s", peer.o.user);
	p->ls = ls;
	p->call = call;
	p->tid = tid;
	p->sid = sid;
	p->tun = -1;
	for (i = 0; i < T_MAX; i++) {
		ev_init(&p->timer[i], timer_cb);
		p->timer[i].data = p;
	}
	if ((p->ps = ppp_create(&conf, &peer_ppp_ops, p)) == NULL)
		peer_oom();
	explicit_bzero(&conf, sizeof(conf));
	peer_ppp_stats.started++;
	ev_timer_init(&p->start, start_cb, PEER_PPP_PASSIVE_S, 0);
	ev_timer_init(&p->echo, echo_cb, 1., 0.);
	p->echo.data = p;
	p->start.data = p;
	ev_timer_start(peer.loop, &p->start);
	return p;
}

void
peer_ppp_input(struct peer_ppp *p, const uint8_t *f, size_t len)
{
	if (p == NULL || p->ps == NULL || p->dead)
		return;
	peer_ppp_stats.frames_rx++;
	lcp_begin(p);		/* the LNS's first frame: it has the ICCN */
	peek(p, f, len);
	ppp_input(p->ps, f, len);
}

/* the call is gone (CDN either way, tunnel down): freed off the loop */
void
peer_ppp_end(struct peer_ppp *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < T_MAX; i++)
		ev_timer_stop(peer.loop, &p->timer[i]);
	ev_timer_stop(peer.loop, &p->start);
	ev_timer_stop(peer.loop, &p->echo);
	if (p->tun >= 0)
		peer_tun_detach(p);
	p->ls = NULL;
	p->call = NULL;
	p->up = 0;
	p->dead = 1;
	p->next_zombie = zombies;
	zombies = p;
}

/* engines are destroyed here, never inside one of their callbacks */
void
peer_ppp_reap(void)
{
	struct peer_ppp *p;

	while ((p = zombies) != NULL) {
		zombies = p->next_zombie;
		if (p->ps != NULL) {
			ppp_lower_down(p->ps);
			ppp_destroy(p->ps);
		}
		free(p);
	}
}

/*
 * --expect-auth-fail: the CDN came; was it the RFC sequence (verdict,
 * Terminate-Request, CDN), or at least a bare CDN where that is allowed?
 * 1: refused as expected (counted), 0: a failure (reported here).
 */
int
peer_ppp_refused_ok(struct peer_ppp *p)
{
	if (p->failed || p->ever_up)
		return 0;
	if (p->verdict_rx && p->verdict_then_term) {
		peer_ppp_stats.refused_rfc++;
		return 1;
	}
	if (peer.o.expect_auth_fail == PEER_AUTHFAIL_CDN && !p->verdict_rx &&
	    !p->term_rx) {
		peer_ppp_stats.refused_bare++;
		return 1;
	}
	ppp_failure(p, !p->verdict_rx ? "CDN with no PAP Nak / CHAP Failure "
	    "before it" : !p->term_rx ? "no LCP Terminate-Request between the "
	    "authentication failure and the CDN" : "LCP Terminate-Request "
	    "before the authentication verdict");
	return 0;
}

/* the link ended on our side long ago and the LNS sent no CDN */
int
peer_ppp_overdue(const struct peer_ppp *p, double now)
{
	return p != NULL && p->dead && now - p->dead_at > PEER_PPP_CDN_WAIT_S;
}

int
peer_ppp_failed(const struct peer_ppp *p)
{
	return p != NULL && p->failed;
}

int
peer_ppp_is_up(const struct peer_ppp *p)
{
	return p != NULL && p->up;
}

uint32_t
peer_ppp_addr(const struct peer_ppp *p)
{
	return p != NULL ? p->addr : 0;
}

uint32_t
peer_ppp_peer_addr(const struct peer_ppp *p)
{
	return p != NULL ? p->peer_addr : 0;
}

int
peer_ppp_tun(const struct peer_ppp *p)
{
	return p->tun;
}

void
peer_ppp_set_tun(struct peer_ppp *p, int idx)
{
	p->tun = idx;
}

/* an IP packet from the TUN device out on the call */
int
peer_ppp_send_ip(struct peer_ppp *p, const uint8_t *pkt, size_t len)
{
	struct sso_wbuf *w;

	if (p == NULL || !p->up || p->ls == NULL || len > 65535)
		return -1;
	w = frame_begin();
	if (sso_wbuf_put(w, pkt, len) == -1)
		return -1;
	peer_ppp_stats.ip_tx++;
	peer_ppp_stats.frames_tx++;
	return l2tp_session_send(p->ls, w->buf, w->len);
}
