/*
 * test_dp_tun.c - the TUN half of tests/integration/dp_tun.py, run inside
 * a network namespace: libdp opens and configures a TUN device, then
 * reflects what the namespace routes into it, in batches:
 *   - ICMP echo request -> echo reply (so ping works through the TUN);
 *   - UDP -> the same datagram with addresses and ports swapped, except to
 *     port 9 (discard) with DF set and longer than 1000 bytes, answered
 *     with dp_icmp_frag_needed(mtu 1000) from the routed prefix's first
 *     address, which the kernel must accept and cache as the path MTU.
 *
 * usage: test_dp_tun IFNAME ADDR PLEN ROUTE RPLEN MTU
 * Prints "ready IFNAME" once configured; at a line (or EOF) on stdin,
 * deletes the route and the address, prints "done read=N written=N
 * icmp=N", and closes the device (which then goes) at EOF on stdin.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include "dp.h"

static uint32_t route_first;
static unsigned long n_read, n_written, n_icmp;

static void
swap(uint8_t *a, uint8_t *b, size_t n)
{
	uint8_t t;
	size_t i;

	for (i = 0; i < n; i++)
		t = a[i], a[i] = b[i], b[i] = t;
}

/* the reply to pkt, built in out; 0 when nothing is to be sent */
static size_t
answer(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap)
{
	size_t hl = (size_t)(pkt[0] & 15) * 4;
	uint32_t sum;
	int n;

	if (len < 20 || len < hl + 8 || len > cap || (pkt[0] >> 4) != 4)
		return 0;
	if (pkt[9] == 17 && (pkt[hl + 2] << 8 | pkt[hl + 3]) == 9 &&
	    dp_too_big(pkt, len, 1000)) {
		n = dp_icmp_frag_needed(pkt, len, route_first, 1000, out, cap);
		if (n > 0)
			n_icmp++;
		return n > 0 ? (size_t)n : 0;
	}
	memcpy(out, pkt, len);
	if (out[9] == 1 && out[hl] == 8) {	/* echo request */
		swap(out + 12, out + 16, 4);
		out[hl] = 0;
		/* RFC 1624: the type byte went from 8 to 0 */
		sum = (uint32_t)(out[hl + 2] << 8 | out[hl + 3]) + 0x0800;
		sum = (sum & 0xffff) + (sum >> 16);
		out[hl + 2] = (uint8_t)(sum >> 8), out[hl + 3] = (uint8_t)sum;
		return len;
	}
	if (out[9] != 17)
		return 0;
	/* the sums over the swapped fields are unchanged: no checksum work */
	swap(out + 12, out + 16, 4);
	swap(out + hl, out + hl + 2, 2);
	return len;
}

static void
serve(int fd, struct dp_batch *in, struct dp_batch *out)
{
	unsigned i;
	size_t n;
	int r;

	if ((r = dp_tun_read_batch(fd, in)) <= 0)
		return;
	n_read += (unsigned long)r;
	out->n = 0;
	for (i = 0; i < in->n; i++) {
		n = answer(in->pkt[i].data, in->pkt[i].len,
		    out->pkt[out->n].data, out->bufsize);
		if (n > 0)
			out->pkt[out->n++].len = n;
	}
	/* a TUN write hands the packet to the stack: it does not block */
	n_written += (unsigned long)dp_tun_write_batch(fd, out);
}

static int
configure(struct dp_nl *nl, const char *ifn, uint32_t a, unsigned plen,
    uint32_t r, unsigned rplen, unsigned mtu)
{
	if (dp_nl_link_set(nl, ifn, 1, mtu) == -1) {
		perror("link");
		return -1;
	}
	if (dp_nl_addr(nl, ifn, 1, a, plen) == -1) {
		perror("address");
		return -1;
	}
	/* a second add is refused: errors reach the caller */
	if (dp_nl_addr(nl, ifn, 1, a, plen) != -1 || errno != EEXIST) {
		fprintf(stderr, "duplicate address not refused\n");
		return -1;
	}
	if (dp_nl_route(nl, ifn, 1, r | 1, rplen) != -1 || errno != EINVAL) {
		fprintf(stderr, "host bits in a route not refused\n");
		return -1;
	}
	if (dp_nl_route(nl, ifn, 1, r, rplen) == -1) {
		perror("route");
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct dp_batch in, out;
	struct in_addr ia, ra;
	struct pollfd pf[2];
	struct dp_nl *nl;
	char ifn[IFNAMSIZ];
	char c;
	int fd;

	if (argc != 7 || inet_pton(AF_INET, argv[2], &ia) != 1 ||
	    inet_pton(AF_INET, argv[4], &ra) != 1) {
		fprintf(stderr, "usage: test_dp_tun IFNAME ADDR PLEN ROUTE "
		    "RPLEN MTU\n");
		return 2;
	}
	route_first = ntohl(ra.s_addr) + 1;
	if ((fd = dp_tun_open(argv[1], ifn)) == -1) {
		perror("tun");
		return 1;
	}
	if ((nl = dp_nl_open()) == NULL || configure(nl, ifn,
	    ntohl(ia.s_addr), (unsigned)atoi(argv[3]), ntohl(ra.s_addr),
	    (unsigned)atoi(argv[5]), (unsigned)atoi(argv[6])) == -1)
		return 1;
	if (dp_batch_init(&in, 32, 2048) == -1 ||
	    dp_batch_init(&out, 32, 2048) == -1)
		return 1;
	printf("ready %s\n", ifn);
	fflush(stdout);
	pf[0].fd = fd, pf[0].events = POLLIN;
	pf[1].fd = 0, pf[1].events = POLLIN;
	for (;;) {
		if (poll(pf, 2, -1) == -1 && errno != EINTR)
			return 1;
		if (pf[0].revents & POLLIN)
			serve(fd, &in, &out);
		if (pf[1].revents & (POLLIN | POLLHUP)) {
			(void)!read(0, &c, 1);	/* a byte or EOF: stop */
			break;
		}
	}
	if (dp_nl_route(nl, ifn, 0, ntohl(ra.s_addr),
	    (unsigned)atoi(argv[5])) == -1 ||
	    dp_nl_addr(nl, ifn, 0, ntohl(ia.s_addr),
	    (unsigned)atoi(argv[3])) == -1) {
		perror("delete");
		return 1;
	}
	printf("done read=%lu written=%lu icmp=%lu\n", n_read, n_written,
	    n_icmp);
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;	/* the test looks at the device meanwhile */
	dp_batch_free(&in);
	dp_batch_free(&out);
	dp_nl_close(nl);
	close(fd);
	return 0;
}
