/*
 * l2tp-peer-tun.c - --tun: once a call's IPCP is up, its IP packets go to
 * and from a TUN device (IFF_TUN, no packet-information header) named
 * pppN in l2tp-peer's own network namespace, so that ping, iperf3 or any
 * program runs through the subscriber session. The device carries the
 * call's address (/32), is up with MTU 1500 (the LNS's MRU; the MRU we
 * announce is the default 1500 too), and has a route to the LNS's
 * address (point-to-point); --default-route adds a default route through
 * the first call's device. The device goes away with its fd when the
 * call ends. Setup uses libdp (the LNS data path's TUN and rtnetlink).
 */
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dp.h"
#include "l2tp-peer.h"

#define TUN_MAX		64
#define TUN_MTU		1500
#define TUN_BURST	64		/* reads per wake-up */

struct tun_dev {
	int		 fd;
	ev_io		 io;
	struct peer_ppp	*p;
	char		 name[16];
};

static struct tun_dev	 tuns[TUN_MAX];
static struct dp_nl	*nl;
static unsigned		 made;		/* devices made so far (names) */
static uint8_t		 rbuf[65536];

static void
tun_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct tun_dev *t = w->data;
	ssize_t n;
	int i;

	(void)loop;
	(void)revents;
	for (i = 0; i < TUN_BURST; i++) {
		if ((n = read(t->fd, rbuf, sizeof(rbuf))) <= 0)
			return;		/* EAGAIN: all read */
		peer_ppp_stats.tun_rx++;
		/* IPCP only: the kernel's IPv6 chatter stays here */
		if (rbuf[0] >> 4 != 4 ||
		    peer_ppp_send_ip(t->p, rbuf, (size_t)n) == -1)
			peer_ppp_stats.tun_drops++;
	}
}

static void
ip_fail(const char *what, const char *name)
{
	fprintf(stderr, "l2tp-peer: %s %s: %s\n", what, name, strerror(errno));
}

int
peer_tun_attach(struct peer_ppp *p)
{
	struct tun_dev *t = NULL;
	char want[16];
	uint32_t peer_addr = peer_ppp_peer_addr(p);
	const struct sockaddr_in *lns = (const struct sockaddr_in *)
	    &peer.o.server;
	int i, first = peer_ppp_stats.tuns == 0 && made == 0;

	for (i = 0; i < TUN_MAX; i++)
		if (tuns[i].p == NULL) {
			t = &tuns[i];
			break;
		}
	if (t == NULL)
		return -1;
	/* l2tpns gives its L2TP address as its IPCP one: a route to it
	 * through the device would send the tunnel into itself */
	if (peer.o.server.ss_family == AF_INET &&
	    ntohl(lns->sin_addr.s_addr) == peer_addr)
		peer_addr = 0;
	if (nl == NULL && (nl = dp_nl_open()) == NULL) {
		ip_fail("rtnetlink", "");
		return -1;
	}
	snprintf(want, sizeof(want), "ppp%u", made++);
	if ((t->fd = dp_tun_open(want, t->name)) == -1) {
		ip_fail("cannot open TUN device", want);
		return -1;
	}
	if (dp_nl_link_set(nl, t->name, 1, TUN_MTU) == -1 ||
	    dp_nl_addr(nl, t->name, 1, peer_ppp_addr(p), 32) == -1 ||
	    (peer_addr != 0 && dp_nl_route(nl, t->name, 1, peer_addr, 32) ==
	    -1 && errno != EEXIST) ||
	    (first && peer.o.default_route &&
	    dp_nl_route(nl, t->name, 1, 0, 0) == -1)) {
		ip_fail("cannot configure", t->name);
		close(t->fd);
		return -1;
	}
	t->p = p;
	ev_io_init(&t->io, tun_read_cb, t->fd, EV_READ);
	t->io.data = t;
	ev_io_start(peer.loop, &t->io);
	peer_ppp_set_tun(p, i);
	peer_ppp_stats.tuns++;
	fprintf(stderr, "tun %s %u.%u.%u.%u\n", t->name,
	    peer_ppp_addr(p) >> 24, (peer_ppp_addr(p) >> 16) & 0xff,
	    (peer_ppp_addr(p) >> 8) & 0xff, peer_ppp_addr(p) & 0xff);
	fflush(stderr);
	return 0;
}

void
peer_tun_detach(struct peer_ppp *p)
{
	int i = peer_ppp_tun(p);

	if (i < 0 || i >= TUN_MAX || tuns[i].p != p)
		return;
	ev_io_stop(peer.loop, &tuns[i].io);
	close(tuns[i].fd);
	tuns[i].p = NULL;
	peer_ppp_set_tun(p, -1);
	peer_ppp_stats.tuns--;
}

/* an IP packet from the LNS to the device (dropped if it would block) */
void
peer_tun_write(struct peer_ppp *p, const uint8_t *pkt, size_t len)
{
	int i = peer_ppp_tun(p);

	if (i < 0 || i >= TUN_MAX || tuns[i].p != p ||
	    write(tuns[i].fd, pkt, len) != (ssize_t)len) {
		peer_ppp_stats.tun_drops++;
		return;
	}
	peer_ppp_stats.tun_tx++;
}
