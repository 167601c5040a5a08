/*
 * lns_lac.c - a small LAC with PPP clients for the LNS integration tests
 * (until l2tp-peer --ppp is used for the scale runs): libl2tp as the LAC,
 * one libppp instance (client role) per call. Each call: ICRQ/ICRP/ICCN,
 * LCP, PAP or CHAP (whatever the LNS asks for), IPCP; then COUNT UDP
 * datagrams from the assigned address to the reflector, each expected
 * back; then LCP Terminate from our side, and the CDN from the LNS.
 * Prints one JSON object with what happened, exits 0 when it could run
 * (the test judges the numbers).
 *
 * usage: lns_lac -l LNS_IP -b BIND_IP [-P PORT] [-t TUNNELS] [-n CALLS]
 *        -u USER -p PASS [-r REFLECTOR_IP:PORT] [-c COUNT] [-w SECONDS]
 *        [-k] (keep the calls up until SIGTERM, then end them)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ev.h>

#include "l2tp.h"
#include "log.h"
#include "ppp.h"

struct call {
	struct l2tp_session *ls;
	struct ppp_session *ppp;
	ev_timer	 t[3];		/* LCP, IPCP, auth */
	uint16_t	 auth_proto;
	uint32_t	 addr;
	int		 up, auth_fail, dead, cdn, term_by_peer;
	uint16_t	 cdn_result;
	unsigned	 echoed;
	uint16_t	 tid, sid;
};

static struct {
	struct ev_loop	*loop;
	struct l2tp_ctx	*ctx;
	struct l2tp_group g;
	unsigned	 tunnels, calls, count, wait_s;
	int		 keep, cdn_end;
	char		 user[64], pass[64];
	uint32_t	 refl_addr;
	uint16_t	 refl_port;
	struct call	*c;
	unsigned	 nc, opened;
	unsigned	 up, failed, finished, echoes, sent, closing;
	ev_timer	 deadline, poll;
	ev_signal	 sig;
	int		 phase;		/* 0 setting up, 1 closing, 2 done */
} L;

static uint16_t
csum(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* PPP IP frame: FF 03 00 21, IPv4, UDP, "lns-lac TID SID N" */
static void
send_udp(struct call *c, unsigned n)
{
	uint8_t f[4 + 20 + 8 + 64];
	uint8_t *ip = f + 4, *udp = ip + 20;
	int pl = snprintf((char *)udp + 8, 64, "lns-lac %u %u %u", c->tid,
	    c->sid, n);
	size_t ulen = 8 + (size_t)pl, tot = 20 + ulen;
	uint8_t ph[12];

	memset(f, 0, sizeof(f));
	f[0] = 0xff; f[1] = 0x03; f[2] = 0x00; f[3] = 0x21;
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)tot);
	put16(ip + 4, (uint16_t)n);
	ip[8] = 64;
	ip[9] = 17;
	put32(ip + 12, c->addr);
	put32(ip + 16, L.refl_addr);
	put16(ip + 10, csum(ip, 20, 0));
	/* never port 0: the reflector's sendto() refuses it (EINVAL) */
	put16(udp, (uint16_t)(10000 + c->sid % 50000));
	put16(udp + 2, L.refl_port);
	put16(udp + 4, (uint16_t)ulen);
	memcpy(ph, ip + 12, 8);
	ph[8] = 0; ph[9] = 17;
	put16(ph + 10, (uint16_t)ulen);
	{
		uint32_t s = 0;
		size_t i;

		for (i = 0; i < 12; i += 2)
			s += (uint32_t)ph[i] << 8 | ph[i + 1];
		put16(udp + 6, csum(udp, ulen, s));
	}
	if (l2tp_session_send(c->ls, f, 4 + tot) == 0)
		L.sent++;
}

static void check_done(void);

static int
h_send(void *arg, const uint8_t *frame, size_t len)
{
	struct call *c = arg;

	return c->ls ? l2tp_session_send(c->ls, frame, len) : -1;
}

static ev_timer *
tmr(struct call *c, uint16_t proto)
{
	return proto == PPP_PROTO_LCP ? &c->t[0] : proto == PPP_PROTO_IPCP ?
	    &c->t[1] : &c->t[2];
}

static void
h_timer(void *arg, uint16_t proto, uint32_t ms)
{
	struct call *c = arg;
	ev_timer *t = tmr(c, proto);

	ev_timer_stop(L.loop, t);
	if (t == &c->t[2])
		c->auth_proto = proto;
	if (ms == 0)
		return;
	ev_timer_set(t, ms / 1000.0, 0.);
	ev_timer_start(L.loop, t);
}

static void
timer_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct call *c = w->data;

	if (c->ppp != NULL)
		ppp_timeout(c->ppp, w == &c->t[0] ? PPP_PROTO_LCP :
		    w == &c->t[1] ? PPP_PROTO_IPCP : c->auth_proto);
}

static void
h_event(void *arg, enum ppp_event ev, uint16_t proto)
{
	struct call *c = arg;
	struct ppp_info pi;
	unsigned i;

	switch (ev) {
	case PPP_EV_UP:
		ppp_get_info(c->ppp, &pi);
		c->addr = pi.addr_ours;
		c->up = 1;
		L.up++;
		for (i = 0; L.refl_addr && i < L.count; i++)
			send_udp(c, i);
		check_done();
		break;
	case PPP_EV_AUTH_FAIL:
		c->auth_fail = 1;
		break;
	case PPP_EV_DEAD:
		ppp_get_info(c->ppp, &pi);
		c->dead = 1;
		if (!c->up)
			L.failed++;
		check_done();
		break;
	default:
		break;
	}
}

static void
h_random(void *arg, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len--)
		*p++ = (uint8_t)random();
}

static void
h_data(void *arg, const uint8_t *pkt, size_t len)
{
	struct call *c = arg;

	/* IPv4 + UDP from the reflector back to us */
	if (len < 28 || pkt[9] != 17 || (pkt[0] >> 4) != 4)
		return;
	if (((uint32_t)pkt[12] << 24 | (uint32_t)pkt[13] << 16 |
	    (uint32_t)pkt[14] << 8 | pkt[15]) != L.refl_addr)
		return;
	c->echoed++;
	L.echoes++;
	check_done();
}

static const struct ppp_host_ops ppp_ops = {
	.send = h_send, .timer = h_timer, .event = h_event,
	.random = h_random, .data = h_data,
};

static void
l_session_event(void *arg, struct l2tp_session *s, enum l2tp_event ev)
{
	struct call *c = l2tp_session_get_user(s);
	struct l2tp_session_info si;
	struct ppp_conf pc;
	int i;

	if (c == NULL)
		return;
	if (ev == L2TP_EV_SESSION_UP) {
		l2tp_session_get_info(s, &si);
		c->tid = si.local_tid;
		c->sid = si.local_sid;
		memset(&pc, 0, sizeof(pc));
		pc.role = PPP_ROLE_CLIENT;
		pc.want_dns = 1;
		snprintf(pc.user, sizeof(pc.user), "%s", L.user);
		snprintf(pc.password, sizeof(pc.password), "%s", L.pass);
		for (i = 0; i < 3; i++) {
			ev_timer_init(&c->t[i], timer_cb, 1., 0.);
			c->t[i].data = c;
		}
		if ((c->ppp = ppp_create(&pc, &ppp_ops, c)) != NULL)
			ppp_start(c->ppp);
	} else if (ev == L2TP_EV_SESSION_DOWN) {
		l2tp_session_get_info(s, &si);
		c->cdn = 1;
		c->cdn_result = si.last_result;
		c->ls = NULL;
		if (c->ppp != NULL && !c->dead) {
			struct ppp_info pi;

			ppp_get_info(c->ppp, &pi);
			if (!c->up)
				L.failed++;
			c->dead = 1;
		}
		for (i = 0; i < 3; i++)
			ev_timer_stop(L.loop, &c->t[i]);
		L.finished++;
		check_done();
	}
}

static void
l_data(void *arg, struct l2tp_session *s, const uint8_t *p, size_t len)
{
	struct call *c = l2tp_session_get_user(s);
	size_t o = len >= 2 && p[0] == 0xff && p[1] == 0x03 ? 2 : 0;

	if (c == NULL || c->ppp == NULL)
		return;
	/* an LCP Terminate-Request from the LNS (RFC 1661 5.5) */
	if (len >= o + 3 && p[o] == 0xc0 && p[o + 1] == 0x21 && p[o + 2] == 5)
		c->term_by_peer = 1;
	ppp_input(c->ppp, p, len);
}

/* calls placed on a tunnel still opening go out when it is up */
static int
open_calls(struct l2tp_tunnel *t)
{
	struct l2tp_session *s;
	unsigned i;

	for (i = 0; i < L.calls && L.opened < L.nc; i++) {
		if ((s = l2tp_session_open(t)) == NULL)
			return -1;
		L.c[L.opened].ls = s;
		l2tp_session_set_user(s, &L.c[L.opened++]);
	}
	return 0;
}

static const struct l2tp_host_ops l_ops = {
	.session_event = l_session_event,
	.data = l_data,
};

static void
close_all(void)
{
	unsigned i;

	L.phase = 1;
	for (i = 0; i < L.opened; i++) {
		if (L.c[i].ppp == NULL || L.c[i].dead || L.c[i].cdn)
			continue;
		/* -C: the LAC hangs up (CDN result 3), nothing at the PPP level */
		if (L.cdn_end && L.c[i].ls != NULL)
			(void)l2tp_session_clear(L.c[i].ls, L2TP_CDN_ADMIN, 0,
			    "lns_lac hangs up");
		else
			ppp_close(L.c[i].ppp, PPP_DOWN_ADMIN);
	}
}

static void
report(void)
{
	unsigned i, j, dist = 0, cdn = 0, cdn_admin = 0, authf = 0, term = 0;
	unsigned full = 0;

	for (i = 0; i < L.opened; i++) {
		struct call *c = &L.c[i];
		int dup = 0;

		for (j = 0; j < i && c->addr; j++)
			if (L.c[j].addr == c->addr)
				dup = 1;
		dist += c->addr && !dup;
		cdn += c->cdn;
		cdn_admin += c->cdn && c->cdn_result == L2TP_CDN_ADMIN;
		authf += c->auth_fail;
		term += c->term_by_peer;
		full += c->up && c->echoed >= L.count;
	}
	printf("{\"calls\":%u,\"up\":%u,\"failed\":%u,\"distinct_addresses\":%u,"
	    "\"sent\":%u,\"echoes\":%u,\"calls_all_echoed\":%u,"
	    "\"cdn\":%u,\"cdn_admin\":%u,\"auth_fail\":%u,"
	    "\"terminated_by_lns\":%u,\"first_cdn_result\":%u}\n", L.opened,
	    L.up, L.failed, dist, L.sent, L.echoes, full, cdn, cdn_admin,
	    authf, term, L.opened ? L.c[0].cdn_result : 0);
	fflush(stdout);
}

static void
check_done(void)
{
	if (L.phase == 0 && L.opened == L.nc && L.up + L.failed == L.nc &&
	    L.echoes >= L.up * L.count && !L.keep)
		close_all();
	if (L.finished == L.nc && L.phase < 2) {
		L.phase = 2;
		report();
		ev_break(L.loop, EVBREAK_ALL);
	}
}

static void
deadline_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	if (L.phase == 0) {
		close_all();
		ev_timer_set(w, 20., 0.);
		ev_timer_start(l, w);
		return;
	}
	report();
	ev_break(l, EVBREAK_ALL);
}

static void
sig_cb(struct ev_loop *l, ev_signal *w, int revents)
{
	L.keep = 0;
	close_all();
	/* calls whose tunnel died with a unit never finish: report anyway */
	ev_timer_stop(l, &L.deadline);
	ev_timer_set(&L.deadline, 20., 0.);
	ev_timer_start(l, &L.deadline);
}

static void
usage(void)
{
	fprintf(stderr, "usage: lns_lac -l LNS_IP -b BIND_IP [-P PORT] "
	    "[-t TUNNELS] [-n CALLS] -u USER -p PASS [-r IP:PORT] [-c COUNT] "
	    "[-w SECONDS] [-k] [-C]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in lns = { .sin_family = AF_INET }, me = {
	    .sin_family = AF_INET };
	unsigned port = L2TP_PORT, i;
	struct in_addr ra;
	char *colon;
	int ch;

	L.tunnels = 1;
	L.calls = 1;
	L.count = 5;
	L.wait_s = 60;
	while ((ch = getopt(argc, argv, "l:b:P:t:n:u:p:r:c:w:kC")) != -1) {
		switch (ch) {
		case 'l': if (inet_pton(AF_INET, optarg, &lns.sin_addr) != 1)
				usage();
			break;
		case 'b': if (inet_pton(AF_INET, optarg, &me.sin_addr) != 1)
				usage();
			break;
		case 'P': port = (unsigned)atoi(optarg); break;
		case 't': L.tunnels = (unsigned)atoi(optarg); break;
		case 'n': L.calls = (unsigned)atoi(optarg); break;
		case 'u': snprintf(L.user, sizeof(L.user), "%s", optarg); break;
		case 'p': snprintf(L.pass, sizeof(L.pass), "%s", optarg); break;
		case 'r':
			if ((colon = strchr(optarg, ':')) == NULL)
				usage();
			*colon = '\0';
			if (inet_pton(AF_INET, optarg, &ra) != 1)
				usage();
			L.refl_addr = ntohl(ra.s_addr);
			L.refl_port = (uint16_t)atoi(colon + 1);
			break;
		case 'c': L.count = (unsigned)atoi(optarg); break;
		case 'w': L.wait_s = (unsigned)atoi(optarg); break;
		case 'k': L.keep = 1; break;
		case 'C': L.cdn_end = 1; break;
		default: usage();
		}
	}
	if (!L.refl_addr)
		L.count = 0;
	sso_log_init("lns_lac", 1);
	sso_log_set_level(getenv("LNS_LAC_DEBUG") ? SSO_DEBUG : SSO_WARNING);
	if (getenv("LNS_LAC_DEBUG"))
		sso_debug_all(1);
	srandom((unsigned)getpid());
	L.loop = ev_default_loop(0);
	L.nc = L.tunnels * L.calls;
	if ((L.c = calloc(L.nc, sizeof(*L.c))) == NULL ||
	    (L.ctx = l2tp_ctx_create(L.loop, &l_ops, NULL)) == NULL)
		return 1;
	lns.sin_port = htons((uint16_t)port);
	if (l2tp_ctx_listen(L.ctx, (struct sockaddr *)&me, sizeof(me)) == -1) {
		perror("bind");
		return 1;
	}
	l2tp_group_defaults(&L.g);
	snprintf(L.g.name, sizeof(L.g.name), "lac");
	snprintf(L.g.local_name, sizeof(L.g.local_name), "lns-lac");
	L.g.request_dialin = 1;
	L.g.rx_window = 16;
	memcpy(&L.g.initiate_to, &lns, sizeof(lns));
	L.g.initiate_to_len = sizeof(lns);
	for (i = 0; i < L.tunnels; i++) {
		struct l2tp_tunnel *t = l2tp_tunnel_open(L.ctx, &L.g);

		if (t == NULL || open_calls(t) == -1)
			return 1;
	}
	ev_timer_init(&L.deadline, deadline_cb, L.wait_s, 0.);
	if (!L.keep)
		ev_timer_start(L.loop, &L.deadline);
	ev_signal_init(&L.sig, sig_cb, SIGTERM);
	ev_signal_start(L.loop, &L.sig);
	ev_run(L.loop, 0);
	for (i = 0; i < L.opened; i++)
		ppp_destroy(L.c[i].ppp);
	l2tp_ctx_destroy(L.ctx);
	free(L.c);
	return 0;
}
