/*
 * sub_dp.c - the subscriber data path (DESIGN.md "Subscribers"): one TUN
 * device (IFF_TUN, no packet information) owned by the active unit, the
 * Loopback addresses on it and a route for each pool.
 *
 * It opens when this unit owns the service socket (simplex: at start;
 * a pair: the unit that becomes active) and closes when the socket is
 * handed over; a standby has none. Only when some vpdn-group has a
 * virtual-template: a plain L2TP configuration opens no device.
 *
 * Upstream, an IP frame from a session (its source must be the
 * session's address) is clamped (`ip tcp adjust-mss`) and queued in a
 * batch written to the device once per loop iteration (or when full).
 * Downstream, the device is read in batches; each packet is looked up by
 * destination in the map, clamped, refused with ICMP fragmentation-needed
 * when larger than the peer's MRU with DF set, and sent on the session
 * with the PPP header the peer negotiated (ACFC, PFC). Buffers are
 * allocated once: the packet path never allocates.
 *
 * RADIUS Framed-Route / Framed-IP-Netmask prefixes (sub_framed.c) are
 * routes on the device too, each held by one session: a downstream
 * packet whose destination no session has goes to the session with the
 * longest such prefix holding it, and a session may send from its own
 * prefixes. They are a list scanned on a miss (a few per router
 * subscriber; "where simple").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sub_local.h"

static struct {
	struct ev_loop	*loop;
	int		 fd;
	char		 ifname[IFNAMSIZ];
	ev_io		 rio;
	ev_prepare	 flush;
	struct dp_batch	 rx, tx;
	struct dp_map	 map;		/* peer address -> sub */
	int		 ready;
} dp = { .fd = -1 };

/* a prefix routed to one session (Framed-Route, Framed-IP-Netmask) */
struct sub_route {
	TAILQ_ENTRY(sub_route) link;
	struct sub	*s;
	uint32_t	 net, metric;
	unsigned	 plen;
};
static TAILQ_HEAD(, sub_route) routes = TAILQ_HEAD_INITIALIZER(routes);

static uint32_t
mask_of(unsigned plen)
{
	return plen ? ~0u << (32 - plen) : 0;
}

/* the session with the longest prefix holding addr (only: that one's) */
static struct sub *
route_lookup(uint32_t addr, const struct sub *only)
{
	struct sub_route *r, *best = NULL;

	TAILQ_FOREACH(r, &routes, link)
		if ((addr & mask_of(r->plen)) == r->net && (only == NULL ||
		    r->s == only) && (best == NULL || r->plen > best->plen))
			best = r;
	return best != NULL ? best->s : NULL;
}

const char *const sub_drop_names[SUB_DROP_MAX] = {
	[SUB_DROP_NO_SESSION] = "no_session",
	[SUB_DROP_NOT_IPV4] = "not_ipv4",
	[SUB_DROP_TOO_BIG] = "too_big_icmp_sent",
	[SUB_DROP_TOO_BIG_NO_DF] = "too_big_no_df",
	[SUB_DROP_NOT_UP] = "ip_before_ipcp",
	[SUB_DROP_NO_TUN] = "no_data_device",
	[SUB_DROP_TUN_WRITE] = "device_write",
	[SUB_DROP_TUN_TRUNCATED] = "device_truncated",
	[SUB_DROP_MSS_MALFORMED] = "mss_malformed",
	[SUB_DROP_SEND] = "l2tp_send",
	[SUB_DROP_SPOOF] = "source_not_peer",
};

int
sub_dp_is_open(void)
{
	return dp.fd != -1;
}

static int
any_template(void)
{
	struct svc_group *g;

	TAILQ_FOREACH(g, &svc.groups, entry)
		if (sub_group_vt(g) != NULL)
			return 1;
	return 0;
}

/* IPv4 source and destination, through a cursor: -1 when not IPv4 */
static int
ip_addrs(const uint8_t *pkt, size_t len, uint32_t *src, uint32_t *dst)
{
	struct sso_cur c;
	uint8_t vhl;

	sso_cur_init(&c, pkt, len);
	if (sso_cur_get_u8(&c, &vhl) == -1 || (vhl >> 4) != 4 ||
	    sso_cur_skip(&c, 11) == -1 || sso_cur_get_u32(&c, src) == -1 ||
	    sso_cur_get_u32(&c, dst) == -1)
		return -1;
	return 0;
}

static void
tx_flush(void)
{
	if (dp.fd == -1 || dp.tx.n == 0)
		return;
	(void)dp_tun_write_batch(dp.fd, &dp.tx);
	sub_stats.drops[SUB_DROP_TUN_WRITE] = dp.tx.write_errors;
}

/* queue one packet for the device (copied into a batch buffer) */
static void
tx_queue(const uint8_t *pkt, size_t len)
{
	struct dp_pkt *p;

	if (dp.tx.n == dp.tx.cap)
		tx_flush();
	if (dp.tx.n == dp.tx.cap || len > dp.tx.bufsize) {
		sub_stats.drops[SUB_DROP_TUN_WRITE]++;
		return;
	}
	p = &dp.tx.pkt[dp.tx.n++];
	memcpy(p->data, pkt, len);
	p->len = len;
	sub_stats.tun_tx++;
	sub_stats.tun_tx_bytes += len;
}

static void
flush_cb(struct ev_loop *l, ev_prepare *w, int revents)
{
	tx_flush();
}

void
sub_dp_upstream(struct sub *s, const uint8_t *pkt, size_t len)
{
	uint32_t src, dst;
	uint8_t *q;
	int rc;

	s->rx_pkts++;
	s->rx_bytes += len;
	if (dp.fd == -1) {
		sub_stats.drops[SUB_DROP_NO_TUN]++;
		return;
	}
	if (!s->mapped) {
		sub_stats.drops[SUB_DROP_NOT_UP]++;
		return;
	}
	if (ip_addrs(pkt, len, &src, &dst) == -1) {
		sub_stats.drops[SUB_DROP_NOT_IPV4]++;
		return;
	}
	if (src != s->addr && (s->nroutes == 0 || route_lookup(src, s) !=
	    s)) {
		sub_stats.drops[SUB_DROP_SPOOF]++;
		return;
	}
	tx_queue(pkt, len);
	if (s->adjust_mss == 0 || dp.tx.n == 0)
		return;
	/* clamp in the batch's own copy */
	q = dp.tx.pkt[dp.tx.n - 1].data;
	if ((rc = dp_mss_clamp(q, len, (uint16_t)s->adjust_mss)) == 1)
		sub_stats.mss_clamped++;
	else if (rc == -1)
		sub_stats.drops[SUB_DROP_MSS_MALFORMED]++;
}

/* a too-large packet with DF: ICMP back towards its sender (RFC 1191) */
static void
too_big(struct sub *s, const uint8_t *pkt, size_t len)
{
	static uint8_t icmp[576];
	const struct sub_lo *lo = sub_conf.nlo > 0 ? &sub_conf.lo[0] : NULL;
	int n;

	sub_stats.drops[SUB_DROP_TOO_BIG]++;
	n = dp_icmp_frag_needed(pkt, len, lo ? lo->addr : 0, s->mru_peer,
	    icmp, sizeof(icmp));
	if (n > 0) {
		tx_queue(icmp, (size_t)n);
		sub_stats.icmp_sent++;
	}
}

static void
downstream(uint8_t *pkt, size_t len)
{
	static uint8_t frame[4 + SUB_PKT_MAX];
	struct sub *s;
	uint32_t src, dst;
	size_t h = 0;

	if (ip_addrs(pkt, len, &src, &dst) == -1) {
		sub_stats.drops[SUB_DROP_NOT_IPV4]++;
		return;
	}
	if ((s = dp_map_lookup(&dp.map, dst)) == NULL && !TAILQ_EMPTY(&routes))
		s = route_lookup(dst, NULL);
	if (s == NULL || s->ls == NULL || s->dying) {
		sub_stats.drops[SUB_DROP_NO_SESSION]++;
		return;
	}
	if (s->adjust_mss && dp_mss_clamp(pkt, len, (uint16_t)s->adjust_mss)
	    == 1)
		sub_stats.mss_clamped++;
	if (len > s->mru_peer) {
		if (dp_too_big(pkt, len, s->mru_peer))
			too_big(s, pkt, len);
		else
			sub_stats.drops[SUB_DROP_TOO_BIG_NO_DF]++;
		return;
	}
	/* RFC 1661 6.5, 6.6: compress only what the peer asked for */
	if (!s->acfc) {
		frame[h++] = 0xff;
		frame[h++] = 0x03;
	}
	if (!s->pfc)
		frame[h++] = 0x00;
	frame[h++] = 0x21;
	memcpy(frame + h, pkt, len);
	if (l2tp_session_send(s->ls, frame, h + len) == -1) {
		sub_stats.drops[SUB_DROP_SEND]++;
		return;
	}
	s->tx_pkts++;
	s->tx_bytes += len;
}

/* up to SUB_READ_BATCHES batches per wakeup, then the loop's turn */
static void
read_cb(struct ev_loop *l, ev_io *w, int revents)
{
	uint64_t trunc;
	unsigned b;
	int n, i;

	for (b = 0; b < SUB_READ_BATCHES; b++) {
		trunc = dp.rx.truncated;
		if ((n = dp_tun_read_batch(dp.fd, &dp.rx)) <= 0)
			break;
		sub_stats.drops[SUB_DROP_TUN_TRUNCATED] += dp.rx.truncated -
		    trunc;
		for (i = 0; i < n; i++) {
			sub_stats.tun_rx++;
			sub_stats.tun_rx_bytes += dp.rx.pkt[i].len;
			downstream(dp.rx.pkt[i].data, dp.rx.pkt[i].len);
		}
		if ((unsigned)n < dp.rx.cap)
			break;
	}
	tx_flush();		/* ICMP errors queued meanwhile */
}

int
sub_dp_map(struct sub *s)
{
	if (s->mapped || s->addr == 0)
		return 0;
	if (dp_map_insert(&dp.map, s->addr, s) == -1) {
		sso_log(SSO_ERR, SUB_FAC, "MAP", "session %u/%u: address "
		    "already mapped (%s)", s->tid, s->sid, strerror(errno));
		return -1;
	}
	s->mapped = 1;
	return 0;
}

void
sub_dp_unmap(struct sub *s)
{
	if (!s->mapped)
		return;
	(void)dp_map_remove(&dp.map, s->addr);
	s->mapped = 0;
}

/* a pool's prefix as a connected route through the device */
static int
pool_route(void *arg, uint32_t net, unsigned plen)
{
	return dp_nl_route(arg, dp.ifname, 1, net, plen) == -1 &&
	    errno != EEXIST ? -1 : 0;
}

/*
 * net/plen (host bits clear) through the device for s: -1 with EEXIST
 * when a session already holds that prefix, else the kernel's error
 */
int
sub_dp_route_add(struct sub *s, uint32_t net, unsigned plen, uint32_t metric)
{
	struct sub_route *r;
	struct dp_nl *nl;
	int rc;

	TAILQ_FOREACH(r, &routes, link)
		if (r->net == net && r->plen == plen)
			return errno = EEXIST, -1;
	if (dp.fd == -1)
		return errno = ENODEV, -1;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	if ((nl = dp_nl_open()) == NULL) {
		free(r);
		return -1;
	}
	rc = dp_nl_route_metric(nl, dp.ifname, 1, net, plen, metric);
	dp_nl_close(nl);
	if (rc == -1) {
		free(r);
		return -1;
	}
	r->s = s;
	r->net = net;
	r->plen = plen;
	r->metric = metric;
	TAILQ_INSERT_TAIL(&routes, r, link);
	s->nroutes++;
	return 0;
}

/* every prefix of s off the device and the list */
void
sub_dp_routes_del(struct sub *s)
{
	struct sub_route *r, *next;
	struct dp_nl *nl;

	if (s->nroutes == 0)
		return;
	nl = dp.fd != -1 ? dp_nl_open() : NULL;
	for (r = TAILQ_FIRST(&routes); r != NULL; r = next) {
		next = TAILQ_NEXT(r, link);
		if (r->s != s)
			continue;
		if (nl != NULL)
			(void)dp_nl_route_metric(nl, dp.ifname, 0, r->net,
			    r->plen, r->metric);
		TAILQ_REMOVE(&routes, r, link);
		free(r);
		s->nroutes--;
	}
	if (nl != NULL)
		dp_nl_close(nl);
}

int
sub_dp_host_route(uint32_t addr, int add)
{
	struct dp_nl *nl;
	int rc;

	if (dp.fd == -1 || (nl = dp_nl_open()) == NULL)
		return -1;
	rc = dp_nl_route(nl, dp.ifname, add, addr, 32) == -1 && errno !=
	    (add ? EEXIST : ESRCH) ? -1 : 0;
	dp_nl_close(nl);
	return rc;
}

static int
configure(struct dp_nl *nl)
{
	unsigned mtu = 0;
	struct pool *p;
	size_t i;

	for (i = 0; i < sub_conf.nvt; i++)
		if (sub_conf.vt[i].mtu > mtu)
			mtu = sub_conf.vt[i].mtu;
	/* a burst to many subscribers queues here until we read it: the
	 * default 500 packets overflow at a few hundred sessions */
	if (dp_nl_link_set(nl, dp.ifname, 1, mtu) == -1 ||
	    dp_nl_link_txqlen(nl, dp.ifname, SUB_TXQLEN) == -1)
		return -1;
	for (i = 0; i < sub_conf.nlo; i++)
		if (sub_conf.lo[i].addr && dp_nl_addr(nl, dp.ifname, 1,
		    sub_conf.lo[i].addr, 32) == -1 && errno != EEXIST)
			return -1;
	for (i = 0; (p = pool_set_get(sub_conf.pools, i)) != NULL; i++)
		if (pool_prefixes(pool_first(p), pool_last(p), pool_route,
		    nl) == -1)
			return -1;
	return 0;
}

int
sub_dp_open(void)
{
	char want[IFNAMSIZ];
	struct dp_nl *nl;
	int e;

	if (dp.fd != -1 || !any_template())
		return 0;
	sub_tun_name(want, sizeof(want));
	if ((dp.fd = dp_tun_open(want, dp.ifname)) == -1) {
		sso_log(SSO_ERR, SUB_FAC, "DATA_DEVICE", "cannot open TUN "
		    "device %s: %s (subscribers get no IP path)", want,
		    strerror(errno));
		return -1;
	}
	if ((nl = dp_nl_open()) == NULL || configure(nl) == -1) {
		e = errno;
		dp_nl_close(nl);
		sso_log(SSO_ERR, SUB_FAC, "DATA_DEVICE", "cannot configure %s: "
		    "%s", dp.ifname, strerror(e));
		close(dp.fd);
		dp.fd = -1;
		return -1;
	}
	dp_nl_close(nl);
	ev_io_init(&dp.rio, read_cb, dp.fd, EV_READ);
	ev_io_start(dp.loop, &dp.rio);
	ev_prepare_start(dp.loop, &dp.flush);
	sso_log(SSO_NOTICE, SUB_FAC, "DATA_DEVICE", "data device %s up",
	    dp.ifname);
	return 0;
}

void
sub_dp_close(void)
{
	if (dp.fd == -1)
		return;
	ev_io_stop(dp.loop, &dp.rio);
	ev_prepare_stop(dp.loop, &dp.flush);
	dp.tx.n = 0;
	close(dp.fd);		/* the kernel removes it, addresses, routes */
	dp.fd = -1;
	sso_log(SSO_NOTICE, SUB_FAC, "DATA_DEVICE", "data device %s closed",
	    dp.ifname);
}

const char *
sub_dp_ifname(void)
{
	return dp.fd != -1 ? dp.ifname : "";
}

void
sub_dp_init(struct ev_loop *loop)
{
	sub_dp_close();
	dp.loop = loop;
	if (!dp.ready) {
		if (dp_batch_init(&dp.rx, SUB_BATCH, SUB_PKT_MAX) == -1 ||
		    dp_batch_init(&dp.tx, SUB_BATCH, SUB_PKT_MAX) == -1 ||
		    dp_map_init(&dp.map, 1024) == -1)
			sso_fatal("out of memory");
		dp.ready = 1;
	}
	ev_prepare_init(&dp.flush, flush_cb);
}
