/*
 * fuzz_dp.c - libFuzzer target for libdp's per-packet input path: the
 * MSS clamp and the ICMP fragmentation-needed builder read whatever a
 * subscriber or the network sends. Input: 2 bytes MSS, 2 bytes MTU, then
 * the packet. Besides not crashing, checked here:
 *  - a clamp that reports "nothing done" or "malformed" left the packet
 *    untouched; one that clamped kept a valid TCP checksum valid;
 *  - an ICMP message is at most 576 bytes, both its checksums verify and
 *    it quotes the packet's first bytes.
 * Longer run:
 *   build-asan/tests/fuzz_dp -max_total_time=600 tests/fuzz/corpus/fuzz_dp
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dp.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAXPKT	4096

static uint32_t
sum(uint32_t s, const uint8_t *p, size_t n)
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

/* 1 when pkt is an unfragmented IPv4 TCP segment with a valid checksum */
static int
tcp_valid(const uint8_t *p, size_t len)
{
	size_t hl, tot;

	if (len < 20 || (p[0] >> 4) != 4 || (p[0] & 15) < 5 || p[9] != 6 ||
	    (p[6] & 0x3f) != 0 || p[7] != 0)
		return 0;
	hl = (size_t)(p[0] & 15) * 4;
	tot = (size_t)p[2] << 8 | p[3];
	if (tot > len || tot < hl + 20)
		return 0;
	return fold(sum(sum(6 + (uint32_t)(tot - hl), p + 12, 8), p + hl,
	    tot - hl)) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static uint8_t pkt[MAXPKT], orig[MAXPKT], out[1024];
	uint16_t mss, mtu;
	size_t n;
	int rc, valid;

	if (len < 4 || len - 4 > MAXPKT)
		return 0;
	mss = (uint16_t)(data[0] << 8 | data[1]);
	mtu = (uint16_t)(data[2] << 8 | data[3]);
	n = len - 4;
	memcpy(pkt, data + 4, n);
	memcpy(orig, pkt, n);
	valid = tcp_valid(pkt, n);
	rc = dp_mss_clamp(pkt, n, mss);
	if (rc < -1 || rc > 1)
		__builtin_trap();
	if (rc != 1 && memcmp(pkt, orig, n) != 0)
		__builtin_trap();
	if (rc == 1 && valid && !tcp_valid(pkt, n))
		__builtin_trap();
	(void)dp_too_big(orig, n, mtu);
	rc = dp_icmp_frag_needed(orig, n, 0x0a500001, mtu, out, sizeof(out));
	if (rc > 0) {
		if (rc > 576 || rc < 28 + 20 || fold(sum(0, out, 20)) != 0 ||
		    fold(sum(0, out + 20, (size_t)rc - 20)) != 0 ||
		    memcmp(out + 28, orig, (size_t)rc - 28) != 0)
			__builtin_trap();
	}
	return 0;
}
