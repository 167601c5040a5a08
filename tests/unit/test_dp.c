/*
 * test_dp.c - libdp's packet pieces: the downstream table (model check),
 * MSS clamping and ICMP fragmentation-needed on packet vectors, batch
 * read/write over a datagram socket pair standing in for the TUN fd.
 * Every checksum is verified by this file's own RFC 1071 sum over the
 * whole packet (and TCP pseudo-header), never by the library's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runner.h"
#include "dp.h"

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
	(uint32_t)(c) << 8 | (uint32_t)(d))

/* ---- an independent checksum: bytes summed as big-endian words ---- */
static uint32_t
sum_bytes(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		s += (i % 2) ? p[i] : (uint32_t)p[i] << 8;
	return s;
}

static uint16_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* 1 when the IPv4 header checksum of pkt verifies */
static int
ip_ok(const uint8_t *pkt)
{
	return fold(sum_bytes(0, pkt, (size_t)(pkt[0] & 15) * 4)) == 0;
}

/* 1 when the TCP checksum (RFC 9293 3.1 pseudo-header) verifies */
static int
tcp_ok(const uint8_t *pkt, size_t len)
{
	size_t hl = (size_t)(pkt[0] & 15) * 4;
	uint32_t s = 0;

	s = sum_bytes(s, pkt + 12, 8);		/* source, destination */
	s += 6 + (uint32_t)(len - hl);		/* zero, protocol, length */
	return fold(sum_bytes(s, pkt + hl, len - hl)) == 0;
}

static void
set_ip_csum(uint8_t *pkt)
{
	uint16_t c;

	pkt[10] = pkt[11] = 0;
	c = fold(sum_bytes(0, pkt, (size_t)(pkt[0] & 15) * 4));
	pkt[10] = (uint8_t)(c >> 8);
	pkt[11] = (uint8_t)c;
}

static void
set_tcp_csum(uint8_t *pkt, size_t len)
{
	size_t hl = (size_t)(pkt[0] & 15) * 4;
	uint32_t s = 0;
	uint16_t c;

	pkt[hl + 16] = pkt[hl + 17] = 0;
	s = sum_bytes(s, pkt + 12, 8);
	s += 6 + (uint32_t)(len - hl);
	c = fold(sum_bytes(s, pkt + hl, len - hl));
	pkt[hl + 16] = (uint8_t)(c >> 8);
	pkt[hl + 17] = (uint8_t)c;
}

/*
 * A SYN from 10.80.0.20:40000 to 192.0.2.10:443 with Linux's usual
 * options (MSS 1460, SACK permitted, timestamps, NOP, window scale 7),
 * preceded by `lead` NOPs (1 puts the MSS value at an odd offset).
 * Returns the packet length.
 */
static size_t
make_syn(uint8_t *p, int lead, uint16_t mss, uint16_t flags)
{
	static const uint8_t rest[] = { 4, 2, 8, 10, 0, 0, 0x12, 0x34, 0, 0,
	    0, 0, 1, 3, 3, 7 };
	size_t n = 0, optlen, i;

	memset(p, 0, 128);
	p[0] = 0x45;
	p[6] = 0x40;			/* DF */
	p[8] = 64;
	p[9] = 6;
	p[12] = 10, p[13] = 80, p[14] = 0, p[15] = 20;
	p[16] = 192, p[17] = 0, p[18] = 2, p[19] = 10;
	n = 20;
	p[n] = 0x9c, p[n + 1] = 0x40;	/* 40000 */
	p[n + 3] = 0xbb;		/* 443 */
	p[n + 4] = 0xde, p[n + 5] = 0xad, p[n + 6] = 0xbe, p[n + 7] = 0xef;
	p[n + 14] = 0xfa, p[n + 15] = 0xf0;
	optlen = (size_t)lead + 4 + sizeof(rest);
	optlen = (optlen + 3) & ~(size_t)3;
	p[n + 12] = (uint8_t)(((20 + optlen) / 4) << 4 | (flags >> 8));
	p[n + 13] = (uint8_t)flags;
	n += 20;
	for (i = 0; i < (size_t)lead; i++)
		p[n + i] = 1;
	p[n + lead] = 2, p[n + lead + 1] = 4;
	p[n + lead + 2] = (uint8_t)(mss >> 8), p[n + lead + 3] = (uint8_t)mss;
	memcpy(p + n + lead + 4, rest, sizeof(rest));
	n += optlen;			/* padded with EOL (0) */
	p[2] = (uint8_t)(n >> 8), p[3] = (uint8_t)n;
	set_ip_csum(p);
	set_tcp_csum(p, n);
	return n;
}

static void
test_mss_clamp(void)
{
	uint8_t p[128], q[128];
	size_t n, i;
	int lead;

	for (lead = 0; lead < 4; lead++) {
		n = make_syn(p, lead, 1460, 0x002);
		CU_ASSERT(ip_ok(p) && tcp_ok(p, n));
		memcpy(q, p, n);
		CU_ASSERT_EQUAL(dp_mss_clamp(p, n, 1420), 1);
		CU_ASSERT_EQUAL(p[40 + lead + 2] << 8 | p[40 + lead + 3], 1420);
		CU_ASSERT(tcp_ok(p, n));	/* RFC 1624 update is exact */
		CU_ASSERT(ip_ok(p));
		for (i = 0; i < n; i++)	/* only MSS and checksum changed */
			if (i != 36 && i != 37 && i != (size_t)40 + lead + 2 &&
			    i != (size_t)40 + lead + 3)
				CU_ASSERT_EQUAL(p[i], q[i]);
		/* again: already clamped, nothing to do */
		CU_ASSERT_EQUAL(dp_mss_clamp(p, n, 1420), 0);
	}
	/* SYN-ACK (the other direction) as well */
	n = make_syn(p, 1, 1460, 0x012);
	CU_ASSERT_EQUAL(dp_mss_clamp(p, n, 1380), 1);
	CU_ASSERT(tcp_ok(p, n));
	/* lower than the clamp, or not a SYN: untouched */
	n = make_syn(p, 0, 536, 0x002);
	CU_ASSERT_EQUAL(dp_mss_clamp(p, n, 1420), 0);
	n = make_syn(p, 0, 1460, 0x010);
	memcpy(q, p, n);
	CU_ASSERT_EQUAL(dp_mss_clamp(p, n, 1420), 0);
	CU_ASSERT(memcmp(p, q, n) == 0);
}

/* a checksum whose update crosses 0xffff (end-around carry) */
static void
test_mss_carry(void)
{
	uint8_t p[128];
	size_t n;
	unsigned v;
	int bad = 0;

	for (v = 0; v < 65536; v += 251) {
		n = make_syn(p, (int)(v % 3), 0xffff, 0x002);
		p[24] = (uint8_t)(v >> 8), p[25] = (uint8_t)v;	/* seq */
		p[28] = (uint8_t)v, p[29] = (uint8_t)(v >> 8);	/* ack */
		set_ip_csum(p);
		set_tcp_csum(p, n);
		if (dp_mss_clamp(p, n, (uint16_t)(v | 1)) != 1 ||
		    !tcp_ok(p, n))
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void
test_mss_malformed(void)
{
	uint8_t p[128], q[128];
	size_t n, k;

	n = make_syn(p, 0, 1460, 0x002);
	/* every truncation: Total Length no longer fits */
	for (k = 0; k < n; k++) {
		memcpy(q, p, n);
		CU_ASSERT_EQUAL(dp_mss_clamp(q, k, 1400), -1);
	}
	memcpy(q, p, n);
	q[0] = 0x65;				/* IPv6 version */
	CU_ASSERT_EQUAL(dp_mss_clamp(q, n, 1400), -1);
	memcpy(q, p, n);
	q[0] = 0x44;				/* IHL 4 */
	CU_ASSERT_EQUAL(dp_mss_clamp(q, n, 1400), -1);
	memcpy(q, p, n);
	q[32] = 0x42;				/* data offset 4 */
	CU_ASSERT_EQUAL(dp_mss_clamp(q, n, 1400), -1);
	memcpy(q, p, n);
	q[32] = 0xf2;				/* data offset past the end */
	CU_ASSERT_EQUAL(dp_mss_clamp(q, n, 1400), -1);
	memcpy(q, p, n);
	q[41] = 1;				/* option length 1 */
	CU_ASSERT_EQUAL(dp_mss_clamp(q, n, 1400), -1);
	memcpy(q, p, n);
	q[41] = 3;				/* MSS of length 3 */
	CU_ASSERT_EQUAL(dp_mss_clamp(q, n, 1400), -1);
	memcpy(q, p, n);
	q[45] = 40;				/* SACK-perm runs past options */
	CU_ASSERT_EQUAL(dp_mss_clamp(q, n, 1400), -1);
	/* a bad option after the MSS: refused, and the MSS left as it was */
	memcpy(q, p, n);
	q[45] = 0;				/* SACK-perm of length 0 */
	memcpy(p, q, n);
	CU_ASSERT_EQUAL(dp_mss_clamp(q, n, 1400), -1);
	CU_ASSERT(memcmp(p, q, n) == 0);
	/* a later fragment carries no TCP header: left alone */
	memcpy(q, p, n);
	q[6] = 0x00, q[7] = 0x10;
	CU_ASSERT_EQUAL(dp_mss_clamp(q, n, 1400), 0);
	/* UDP */
	memcpy(q, p, n);
	q[9] = 17;
	CU_ASSERT_EQUAL(dp_mss_clamp(q, n, 1400), 0);
	/* options end at EOL before the MSS: no MSS seen */
	memcpy(q, p, n);
	q[40] = 0;
	CU_ASSERT_EQUAL(dp_mss_clamp(q, n, 1400), 0);
}

/* a UDP datagram of len bytes, DF set, 10.80.0.20 -> 192.0.2.1 */
static void
make_udp(uint8_t *p, size_t len, int df)
{
	size_t i;

	memset(p, 0, len);
	p[0] = 0x45;
	p[2] = (uint8_t)(len >> 8), p[3] = (uint8_t)len;
	p[4] = 0x12, p[5] = 0x34;
	p[6] = df ? 0x40 : 0;
	p[8] = 63;
	p[9] = 17;
	p[12] = 10, p[13] = 80, p[14] = 0, p[15] = 20;
	p[16] = 192, p[17] = 0, p[18] = 2, p[19] = 1;
	p[20] = 0x30, p[21] = 0x39, p[22] = 0x00, p[23] = 0x35;
	p[24] = (uint8_t)((len - 20) >> 8), p[25] = (uint8_t)(len - 20);
	for (i = 28; i < len; i++)
		p[i] = (uint8_t)i;
	set_ip_csum(p);
}

static void
test_icmp_frag_needed(void)
{
	static uint8_t p[1500], out[1024];
	int n;

	make_udp(p, 1500, 1);
	CU_ASSERT_EQUAL(dp_too_big(p, 1500, 1400), 1);
	CU_ASSERT_EQUAL(dp_too_big(p, 1500, 1500), 0);
	n = dp_icmp_frag_needed(p, 1500, A(10, 80, 0, 1), 1400, out,
	    sizeof(out));
	CU_ASSERT_EQUAL_FATAL(n, 576);		/* RFC 1812 4.3.2.3 */
	CU_ASSERT(ip_ok(out));
	CU_ASSERT_EQUAL(out[0], 0x45);
	CU_ASSERT_EQUAL(out[2] << 8 | out[3], 576);
	CU_ASSERT_EQUAL(out[9], 1);
	CU_ASSERT(memcmp(out + 12, "\x0a\x50\x00\x01\x0a\x50\x00\x14", 8)
	    == 0);
	CU_ASSERT_EQUAL(out[20], 3);
	CU_ASSERT_EQUAL(out[21], 4);
	CU_ASSERT_EQUAL(out[24] << 8 | out[25], 0);
	CU_ASSERT_EQUAL(out[26] << 8 | out[27], 1400);	/* RFC 1191 4 */
	CU_ASSERT_EQUAL(fold(sum_bytes(0, out + 20, 556)), 0);
	CU_ASSERT(memcmp(out + 28, p, 548) == 0);	/* the quote */
	/* a short packet is quoted whole */
	make_udp(p, 100, 1);
	n = dp_icmp_frag_needed(p, 100, A(10, 80, 0, 1), 68, out,
	    sizeof(out));
	CU_ASSERT_EQUAL_FATAL(n, 128);
	CU_ASSERT(ip_ok(out));
	CU_ASSERT_EQUAL(fold(sum_bytes(0, out + 20, 108)), 0);
	CU_ASSERT(memcmp(out + 28, p, 100) == 0);
	/* no room */
	CU_ASSERT_EQUAL(dp_icmp_frag_needed(p, 100, 1, 68, out, 127), -1);
	/* DF clear: not too big, whatever its size */
	make_udp(p, 1500, 0);
	CU_ASSERT_EQUAL(dp_too_big(p, 1500, 1400), 0);
}

static void
test_icmp_suppressed(void)
{
	static uint8_t p[200], out[1024];
	const uint32_t me = A(10, 80, 0, 1);

	make_udp(p, 200, 1);
	p[9] = 1, p[20] = 3;			/* about an ICMP error */
	CU_ASSERT_EQUAL(dp_icmp_frag_needed(p, 200, me, 68, out, 1024), 0);
	p[20] = 8;				/* an echo request is fine */
	CU_ASSERT_EQUAL(dp_icmp_frag_needed(p, 200, me, 68, out, 1024),
	    228);
	make_udp(p, 200, 1);
	p[7] = 0x20;				/* non-first fragment */
	CU_ASSERT_EQUAL(dp_icmp_frag_needed(p, 200, me, 68, out, 1024), 0);
	make_udp(p, 200, 1);
	p[16] = 224;				/* multicast destination */
	CU_ASSERT_EQUAL(dp_icmp_frag_needed(p, 200, me, 68, out, 1024), 0);
	make_udp(p, 200, 1);
	p[12] = 0, p[13] = 0, p[14] = 0, p[15] = 0;	/* from 0.0.0.0 */
	CU_ASSERT_EQUAL(dp_icmp_frag_needed(p, 200, me, 68, out, 1024), 0);
	make_udp(p, 200, 1);
	CU_ASSERT_EQUAL(dp_icmp_frag_needed(p, 199, me, 68, out, 1024), -1);
	CU_ASSERT_EQUAL(dp_icmp_frag_needed(p, 0, me, 68, out, 1024), -1);
}

static void
test_csum(void)
{
	/* RFC 1071 3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 */
	static const uint8_t v[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
	    0xf6, 0xf7 };

	CU_ASSERT_EQUAL(dp_csum(v, sizeof(v)), (uint16_t)~0xddf2);
	CU_ASSERT_EQUAL(dp_csum(v, 3), fold(sum_bytes(0, v, 3)));
}

/* ---- downstream table ---- */
static void
test_map_model(void)
{
	enum { KEYS = 5000 };
	static void *model[KEYS + 1];
	struct dp_map m;
	uint64_t rng = 88172645463325252ull;
	int k, bad = 0;
	uint32_t key, live = 0;

	CU_ASSERT_FATAL(dp_map_init(&m, 4) == 0);
	for (k = 0; k < 100000; k++) {
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		key = (uint32_t)(rng % KEYS) + 1;
		switch ((rng >> 32) % 3) {
		case 0:
			if (dp_map_insert(&m, A(10, 0, 0, 0) + key,
			    model[key] ? (void *)1 : &model[key]) ==
			    (model[key] ? 0 : -1))
				bad++;
			if (!model[key])
				model[key] = &model[key], live++;
			break;
		case 1:
			if (dp_map_remove(&m, A(10, 0, 0, 0) + key) !=
			    (model[key] ? 0 : -1))
				bad++;
			if (model[key])
				model[key] = NULL, live--;
			break;
		default:
			if (dp_map_lookup(&m, A(10, 0, 0, 0) + key) !=
			    model[key])
				bad++;
		}
		bad += m.n != live;
	}
	for (key = 1; key <= KEYS; key++)
		if (dp_map_lookup(&m, A(10, 0, 0, 0) + key) != model[key])
			bad++;
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(dp_map_insert(&m, 0, &m), -1);
	CU_ASSERT_EQUAL(dp_map_insert(&m, 5, NULL), -1);
	CU_ASSERT_PTR_NULL(dp_map_lookup(&m, 0));
	dp_map_free(&m);
}

/* reserve once, then inserts and lookups never move the table */
static void
test_map_reserve(void)
{
	struct dp_map m;
	struct dp_slot *before;
	uint32_t i;
	int bad = 0;

	CU_ASSERT_FATAL(dp_map_init(&m, 0) == 0);
	CU_ASSERT_FATAL(dp_map_reserve(&m, 100000) == 0);
	before = m.slot;
	for (i = 1; i <= 100000; i++)
		bad += dp_map_insert(&m, A(10, 80, 0, 0) + i,
		    (void *)(uintptr_t)i) != 0;
	CU_ASSERT_PTR_EQUAL(m.slot, before);
	for (i = 1; i <= 100000; i++)
		bad += dp_map_lookup(&m, A(10, 80, 0, 0) + i) !=
		    (void *)(uintptr_t)i;
	CU_ASSERT_EQUAL(dp_map_insert(&m, A(10, 80, 0, 7), &m), -1);
	CU_ASSERT_EQUAL(errno, EEXIST);
	for (i = 1; i <= 100000; i += 2)
		bad += dp_map_remove(&m, A(10, 80, 0, 0) + i) != 0;
	for (i = 1; i <= 100000; i++)
		bad += dp_map_lookup(&m, A(10, 80, 0, 0) + i) !=
		    (i % 2 ? NULL : (void *)(uintptr_t)i);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(m.n, 50000);
	dp_map_free(&m);
}

/* ---- batches over a datagram socket pair (one read = one packet) ---- */
static void
test_batch(void)
{
	struct dp_batch b;
	int sv[2], i, n;
	uint8_t big[300];

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0,
	    sv) == 0);
	CU_ASSERT_FATAL(dp_batch_init(&b, 4, 256) == 0);
	CU_ASSERT_EQUAL(dp_tun_read_batch(sv[1], &b), 0);	/* empty */
	memset(big, 0xab, sizeof(big));
	for (i = 0; i < 6; i++)
		CU_ASSERT(write(sv[0], big, (size_t)(10 + i)) == 10 + i);
	CU_ASSERT(write(sv[0], big, sizeof(big)) == sizeof(big));
	CU_ASSERT(write(sv[0], big, 7) == 7);
	n = dp_tun_read_batch(sv[1], &b);
	CU_ASSERT_EQUAL(n, 4);				/* at most cap */
	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL(b.pkt[i].len, (size_t)(10 + i));
	n = dp_tun_read_batch(sv[1], &b);	/* 14, 15, (300 cut), 7 */
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(b.pkt[0].len, 14);
	CU_ASSERT_EQUAL(b.pkt[1].len, 15);
	CU_ASSERT_EQUAL(b.pkt[2].len, 7);
	CU_ASSERT_EQUAL(b.truncated, 1);
	/* write them back the other way, in order */
	CU_ASSERT_EQUAL(dp_tun_write_batch(sv[1], &b), 3);
	CU_ASSERT_EQUAL(b.n, 0);
	n = dp_tun_read_batch(sv[0], &b);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(b.pkt[0].len, 14);
	CU_ASSERT_EQUAL(b.pkt[2].len, 7);
	dp_batch_free(&b);
	close(sv[0]);
	close(sv[1]);
}

/* a full device: the unwritten rest stays in the batch, in order */
static void
test_batch_would_block(void)
{
	struct dp_batch b;
	int sv[2], sent = 0, w, i, bad = 0;
	unsigned k;

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0,
	    sv) == 0);
	CU_ASSERT_FATAL(dp_batch_init(&b, 64, 2048) == 0);
	for (i = 0; i < 100 && bad == 0; i++) {
		for (k = b.n; k < b.cap; k++) {
			b.pkt[k].len = 1000;
			memset(b.pkt[k].data, 0, 1000);
			b.pkt[k].data[0] = (uint8_t)(sent + k - b.n);
		}
		b.n = b.cap;
		w = dp_tun_write_batch(sv[0], &b);
		if (w < (int)b.cap) {
			/* the first one left is the next in sequence */
			bad += b.n != b.cap - (unsigned)w ||
			    b.pkt[0].data[0] != (uint8_t)(sent + w);
			break;
		}
		sent += w;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(i < 100);		/* the socket did fill up */
	CU_ASSERT_EQUAL(b.write_errors, 0);
	dp_batch_free(&b);
	close(sv[0]);
	close(sv[1]);
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("dp", NULL, NULL);

	CU_add_test(s, "csum", test_csum);
	CU_add_test(s, "mss_clamp", test_mss_clamp);
	CU_add_test(s, "mss_carry", test_mss_carry);
	CU_add_test(s, "mss_malformed", test_mss_malformed);
	CU_add_test(s, "icmp_frag_needed", test_icmp_frag_needed);
	CU_add_test(s, "icmp_suppressed", test_icmp_suppressed);
	CU_add_test(s, "map_model", test_map_model);
	CU_add_test(s, "map_reserve", test_map_reserve);
	CU_add_test(s, "batch", test_batch);
	CU_add_test(s, "batch_would_block", test_batch_would_block);
}
