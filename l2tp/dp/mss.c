/*
 * mss.c - TCP MSS clamping (`ip tcp adjust-mss N`) on SYN segments in
 * either direction, so that subscriber TCP never needs fragments or PMTU
 * discovery across the PPP MTU. The option walk follows RFC 9293 3.2;
 * the checksum is updated incrementally (RFC 1624 eqn 3).
 */
#include "dp_local.h"

#define TCP_SYN		0x02
#define TCPOPT_EOL	0
#define TCPOPT_NOP	1
#define TCPOPT_MSS	2

static uint16_t
swap16(uint16_t v)
{
	return (uint16_t)(v << 8 | v >> 8);
}

/* RFC 1624 eqn 3: HC' = ~(~HC + ~m + m') */
static uint16_t
csum_replace(uint16_t hc, uint16_t m, uint16_t m1)
{
	uint32_t sum = (uint16_t)~hc;

	sum += (uint16_t)~m;
	sum += m1;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
put16(uint8_t *pkt, size_t off, uint16_t v)
{
	pkt[off] = (uint8_t)(v >> 8);
	pkt[off + 1] = (uint8_t)v;
}

/*
 * Rewrite the MSS value at byte offset off (checked by the caller) and
 * fix the checksum at csum_off. A value at an odd offset straddles two
 * checksum words: its bytes count swapped (RFC 1071 2(B), byte order
 * independence), so the update uses the swapped values.
 */
static void
rewrite(uint8_t *pkt, size_t off, size_t csum_off, uint16_t old,
    uint16_t mss)
{
	uint16_t hc = (uint16_t)(pkt[csum_off] << 8 | pkt[csum_off + 1]);

	if (off % 2)
		hc = csum_replace(hc, swap16(old), swap16(mss));
	else
		hc = csum_replace(hc, old, mss);
	put16(pkt, off, mss);
	put16(pkt, csum_off, hc);
}

/*
 * Walk the options in oc (optlen bytes from pkt offset base); rewrite
 * only when apply is set. The caller validates first (apply 0) and
 * rewrites in a second walk, so a malformed option after the MSS never
 * leaves a half-changed packet.
 */
static int
walk_options(uint8_t *pkt, struct sso_cur oc_, size_t base, size_t optlen,
    size_t csum_off, uint16_t mss, int apply)
{
	struct sso_cur *oc = &oc_;
	struct sso_cur val;
	uint8_t kind, olen;
	uint16_t v;
	size_t off;
	int changed = 0;

	while (sso_cur_get_u8(oc, &kind) == 0) {
		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP)
			continue;
		if (sso_cur_get_u8(oc, &olen) == -1 || olen < 2)
			return -1;
		off = base + (optlen - oc->len);	/* the option's value */
		if (sso_cur_sub(oc, olen - 2u, &val) == -1)
			return -1;
		if (kind != TCPOPT_MSS)
			continue;
		if (olen != 4 || sso_cur_get_u16(&val, &v) == -1)
			return -1;
		if (v > mss) {
			if (apply)
				rewrite(pkt, off, csum_off, v, mss);
			changed = 1;
		}
	}
	return changed;
}

int
dp_mss_clamp(uint8_t *pkt, size_t len, uint16_t mss)
{
	struct dp_ip ip;
	struct sso_cur tcp, oc;
	uint16_t sport, dport, offfl, win, sum;
	uint32_t seq, ack;
	size_t doff;
	int rc;

	if (dp_ip_parse(pkt, len, &ip) == -1)
		return -1;
	if (ip.proto != 6 || (ip.frag & DP_IP_OFFMASK) != 0)
		return 0;	/* not TCP, or no TCP header in this fragment */
	tcp = ip.payload;
	if (sso_cur_get_u16(&tcp, &sport) == -1 ||
	    sso_cur_get_u16(&tcp, &dport) == -1 ||
	    sso_cur_get_u32(&tcp, &seq) == -1 ||
	    sso_cur_get_u32(&tcp, &ack) == -1 ||
	    sso_cur_get_u16(&tcp, &offfl) == -1 ||
	    sso_cur_get_u16(&tcp, &win) == -1 ||
	    sso_cur_get_u16(&tcp, &sum) == -1 ||
	    sso_cur_skip(&tcp, 2) == -1)
		return (ip.frag & DP_IP_MF) ? 0 : -1;
	if ((offfl & TCP_SYN) == 0)
		return 0;
	doff = (size_t)(offfl >> 12) * 4;
	if (doff < 20 || sso_cur_sub(&tcp, doff - 20, &oc) == -1)
		return (ip.frag & DP_IP_MF) && doff >= 20 ? 0 : -1;
	if ((rc = walk_options(pkt, oc, ip.hlen + 20, doff - 20,
	    ip.hlen + 16, mss, 0)) != 1)
		return rc;
	return walk_options(pkt, oc, ip.hlen + 20, doff - 20, ip.hlen + 16,
	    mss, 1);
}
