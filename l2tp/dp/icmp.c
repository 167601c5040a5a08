/*
 * icmp.c - "fragmentation needed and DF set" (RFC 792 type 3 code 4) with
 * the next-hop MTU in the low 16 bits of the unused word (RFC 1191 4),
 * for a packet too large for a subscriber's MRU or the TUN MTU.
 */
#include "dp_local.h"

#define ICMP_QUOTE_MAX	576	/* RFC 1812 4.3.2.3: the whole message */
#define ICMP_TTL	64

struct out {
	uint8_t		*p;
	size_t		 cap, len;
	int		 err;
};

static void
put8(struct out *o, uint8_t v)
{
	if (o->len >= o->cap) {
		o->err = 1;
		return;
	}
	o->p[o->len++] = v;
}

static void
put16(struct out *o, uint16_t v)
{
	put8(o, (uint8_t)(v >> 8));
	put8(o, (uint8_t)v);
}

static void
put32(struct out *o, uint32_t v)
{
	put16(o, (uint16_t)(v >> 16));
	put16(o, (uint16_t)v);
}

static void
set16(struct out *o, size_t off, uint16_t v)
{
	if (off + 2 > o->len) {
		o->err = 1;
		return;
	}
	o->p[off] = (uint8_t)(v >> 8);
	o->p[off + 1] = (uint8_t)v;
}

/* an address no ICMP error may go to or be about (RFC 1122 3.2.2) */
static int
not_unicast(uint32_t a)
{
	return (a >> 24) == 0 || (a >> 24) == 127 || a >= 0xe0000000u;
}

/* RFC 1122 3.2.2: never about an ICMP error message */
static int
is_icmp_error(const struct dp_ip *ip)
{
	struct sso_cur c = ip->payload;
	uint8_t type;

	if (ip->proto != 1)
		return 0;
	if (sso_cur_get_u8(&c, &type) == -1)
		return 1;	/* cannot tell: stay silent */
	return type == 3 || type == 4 || type == 5 || type == 11 ||
	    type == 12;
}

int
dp_too_big(const uint8_t *pkt, size_t len, unsigned mtu)
{
	struct dp_ip ip;

	return len > mtu && dp_ip_parse(pkt, len, &ip) == 0 &&
	    (ip.frag & DP_IP_DF) != 0;
}

int
dp_icmp_frag_needed(const uint8_t *pkt, size_t len, uint32_t src,
    uint16_t mtu, uint8_t *buf, size_t cap)
{
	struct out o = { buf, cap, 0, 0 };
	struct sso_cur q;
	struct dp_ip ip;
	size_t quote, i;
	uint8_t b;

	if (dp_ip_parse(pkt, len, &ip) == -1)
		return -1;
	if ((ip.frag & DP_IP_OFFMASK) != 0 || not_unicast(ip.src) ||
	    not_unicast(ip.dst) || is_icmp_error(&ip))
		return 0;
	quote = ip.tot;
	if (quote > ICMP_QUOTE_MAX - 28)
		quote = ICMP_QUOTE_MAX - 28;
	/* IPv4 header; TOS 0xc0 as RFC 1812 4.3.2.5 asks of ICMP errors */
	put16(&o, 0x45c0);
	put16(&o, (uint16_t)(28 + quote));
	put32(&o, 0);			/* id, flags, fragment offset */
	put8(&o, ICMP_TTL);
	put8(&o, 1);
	put16(&o, 0);			/* header checksum, below */
	put32(&o, src);
	put32(&o, ip.src);
	put8(&o, 3);			/* destination unreachable */
	put8(&o, 4);			/* fragmentation needed, DF set */
	put16(&o, 0);			/* checksum, below */
	put16(&o, 0);			/* unused */
	put16(&o, mtu);			/* RFC 1191 4: next-hop MTU */
	sso_cur_init(&q, pkt, quote);
	for (i = 0; i < quote && sso_cur_get_u8(&q, &b) == 0; i++)
		put8(&o, b);
	if (o.err)
		return -1;
	set16(&o, 10, dp_csum(buf, 20));
	set16(&o, 22, dp_csum(buf + 20, o.len - 20));
	return o.err ? -1 : (int)o.len;
}
