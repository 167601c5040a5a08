/*
 * dp.h - libdp: the LNS's IPv4 data path pieces that need no session.
 *
 *  - a TUN device (IFF_TUN | IFF_NO_PI: every read/write is one bare IPv4
 *    packet) and its configuration through rtnetlink (libmnl): link up and
 *    MTU, addresses, routes;
 *  - batch read/write of packets into buffers allocated once;
 *  - the downstream table: IPv4 destination -> opaque session pointer
 *    (open addressing; lookups never allocate, inserts grow the table at
 *    session set-up, outside the packet path);
 *  - TCP MSS clamping on SYNs (`ip tcp adjust-mss`), with the checksum
 *    updated incrementally (RFC 1624);
 *  - ICMP destination unreachable / fragmentation needed with the next-hop
 *    MTU (RFC 792, RFC 1191) for a too-large packet with DF set.
 *
 * Packet functions parse through core/buf.h cursors and never read or
 * write outside [pkt, pkt + len). Addresses are host-order uint32_t.
 */
#ifndef DP_H
#define DP_H

#include <stddef.h>
#include <stdint.h>

/* ---- TUN device ---- */

/*
 * Open (creating if needed) TUN device name ("" lets the kernel choose);
 * the fd is non-blocking and close-on-exec. The actual name goes to
 * ifname (IFNAMSIZ bytes) when not NULL. -1 with errno on failure.
 */
int	dp_tun_open(const char *name, char *ifname);

/* ---- rtnetlink (one request at a time, each acknowledged) ---- */
struct dp_nl;

struct dp_nl	*dp_nl_open(void);
void		 dp_nl_close(struct dp_nl *);
/* link up (or down) and, when mtu != 0, its MTU */
int		 dp_nl_link_set(struct dp_nl *, const char *ifname, int up,
		    unsigned mtu);
/* the device's transmit queue (for a TUN: packets waiting for our read) */
int		 dp_nl_link_txqlen(struct dp_nl *, const char *ifname,
		    unsigned qlen);
/* add or delete addr/plen on ifname; -1 with errno (EEXIST, ...) */
int		 dp_nl_addr(struct dp_nl *, const char *ifname, int add,
		    uint32_t addr, unsigned plen);
/* a connected route dst/plen through ifname (scope link) */
int		 dp_nl_route(struct dp_nl *, const char *ifname, int add,
		    uint32_t dst, unsigned plen);
int		 dp_nl_route_metric(struct dp_nl *, const char *ifname,
		    int add, uint32_t dst, unsigned plen, uint32_t metric);

/* ---- batches ---- */
struct dp_pkt {
	uint8_t		*data;	/* bufsize bytes, allocated once */
	size_t		 len;
};

struct dp_batch {
	struct dp_pkt	*pkt;
	unsigned	 n;	/* packets held */
	unsigned	 cap;
	size_t		 bufsize;
	uint8_t		*mem;
	uint64_t	 truncated;	/* reads that filled a whole buffer */
	uint64_t	 write_errors;	/* packets the device refused */
};

/* cap buffers of bufsize bytes (bufsize > the device MTU) */
int	dp_batch_init(struct dp_batch *, unsigned cap, size_t bufsize);
void	dp_batch_free(struct dp_batch *);
/*
 * Read up to cap packets (until EAGAIN) into b, replacing its contents;
 * returns the count (0: nothing waiting), -1 with errno on a read error.
 * A packet that fills a whole buffer may have been cut: it is dropped and
 * counted in truncated.
 */
int	dp_tun_read_batch(int fd, struct dp_batch *b);
/*
 * Write b's packets in order; returns how many were consumed: all, or
 * fewer when the device would block (the rest stay in b, moved to the
 * front). A packet the device refuses (EINVAL, EIO) is dropped and
 * counted in write_errors, so one bad packet cannot wedge the batch.
 */
int	dp_tun_write_batch(int fd, struct dp_batch *b);

/* ---- downstream table: IPv4 address -> session ---- */
struct dp_map {
	struct dp_slot	*slot;
	uint32_t	 mask;	/* capacity - 1 (a power of two) */
	uint32_t	 n;
};

int	 dp_map_init(struct dp_map *, uint32_t capacity_hint);
void	 dp_map_free(struct dp_map *);
/* room for n entries without growing (call at configuration time) */
int	 dp_map_reserve(struct dp_map *, uint32_t n);
/* -1: addr 0, val NULL, addr present (EEXIST) or no memory */
int	 dp_map_insert(struct dp_map *, uint32_t addr, void *val);
int	 dp_map_remove(struct dp_map *, uint32_t addr);
/* the packet path: no allocation, NULL when absent */
void	*dp_map_lookup(const struct dp_map *, uint32_t addr);

/* ---- per-packet helpers ---- */

/* RFC 1071 Internet checksum of len bytes (for tests and builders) */
uint16_t dp_csum(const void *, size_t len);

/*
 * Clamp the MSS option of an IPv4 TCP SYN (or SYN-ACK) to mss, fixing the
 * TCP checksum (RFC 1624 eqn 3). 1: clamped, 0: nothing to change (not a
 * first-fragment TCP SYN, no MSS option, MSS already <= mss), -1: the
 * packet is malformed (bad IPv4 header, TCP header or option lengths).
 */
int	dp_mss_clamp(uint8_t *pkt, size_t len, uint16_t mss);

/* 1 when an IPv4 packet of len bytes exceeds mtu and has DF set */
int	dp_too_big(const uint8_t *pkt, size_t len, unsigned mtu);

/*
 * Build into out (cap bytes) the ICMP fragmentation-needed message (type
 * 3 code 4, next-hop MTU, RFC 1191 4) from src (our address) to the sender
 * of pkt, quoting its header and as much of its data as fits in 576 bytes
 * (RFC 1812 4.3.2.3). Returns the message length, 0 when no ICMP error may
 * be sent about pkt (RFC 1122 3.2.2: an ICMP error, a non-first fragment,
 * a multicast/broadcast or unspecified address), -1 when pkt is malformed
 * or out too small.
 */
int	dp_icmp_frag_needed(const uint8_t *pkt, size_t len, uint32_t src,
	    uint16_t mtu, uint8_t *out, size_t cap);

#endif
