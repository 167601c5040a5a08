/*
 * ip.c - IPv4 header parsing and the Internet checksum (RFC 1071).
 */
#include "dp_local.h"

uint32_t
dp_csum_add(uint32_t sum, const void *p, size_t len)
{
	struct sso_cur c;
	uint16_t w;
	uint8_t b;

	sso_cur_init(&c, p, len);
	while (sso_cur_get_u16(&c, &w) == 0)
		sum += w;
	if (sso_cur_get_u8(&c, &b) == 0)
		sum += (uint32_t)b << 8;	/* odd length: pad with zero */
	return sum;
}

uint16_t
dp_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t
dp_csum(const void *p, size_t len)
{
	uint32_t sum = 0;
	struct sso_cur c;
	uint16_t w;
	uint8_t b;

	/* the same as dp_csum_add, folded as it goes so len is unbounded */
	sso_cur_init(&c, p, len);
	while (sso_cur_get_u16(&c, &w) == 0) {
		sum += w;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (sso_cur_get_u8(&c, &b) == 0)
		sum += (uint32_t)b << 8;
	return dp_csum_fold(sum);
}

/* RFC 791 3.1 */
int
dp_ip_parse(const uint8_t *pkt, size_t len, struct dp_ip *ip)
{
	struct sso_cur c, hdr;
	uint16_t tot, id, sum;
	uint8_t vihl, ttl;

	sso_cur_init(&c, pkt, len);
	if (sso_cur_get_u8(&c, &vihl) == -1 || (vihl >> 4) != 4 ||
	    (vihl & 0x0f) < 5)
		return -1;
	ip->hlen = (size_t)(vihl & 0x0f) * 4;
	if (sso_cur_get_u8(&c, &ip->tos) == -1 ||
	    sso_cur_get_u16(&c, &tot) == -1 || tot < ip->hlen || tot > len ||
	    sso_cur_get_u16(&c, &id) == -1 ||
	    sso_cur_get_u16(&c, &ip->frag) == -1 ||
	    sso_cur_get_u8(&c, &ttl) == -1 ||
	    sso_cur_get_u8(&c, &ip->proto) == -1 ||
	    sso_cur_get_u16(&c, &sum) == -1 ||
	    sso_cur_get_u32(&c, &ip->src) == -1 ||
	    sso_cur_get_u32(&c, &ip->dst) == -1 ||
	    sso_cur_sub(&c, ip->hlen - 20, &hdr) == -1)
		return -1;
	ip->tot = tot;
	/* a buffer longer than Total Length carries link padding: ignore */
	return sso_cur_sub(&c, tot - ip->hlen, &ip->payload);
}
