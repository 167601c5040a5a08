/*
 * dp_local.h - libdp internals: the IPv4 header as the packet helpers see
 * it, parsed once through a cursor.
 */
#ifndef DP_LOCAL_H
#define DP_LOCAL_H

#include "buf.h"
#include "dp.h"

#define DP_IP_DF	0x4000
#define DP_IP_MF	0x2000
#define DP_IP_OFFMASK	0x1fff

struct dp_ip {
	size_t		 hlen;		/* header bytes (IHL * 4) */
	size_t		 tot;		/* Total Length, <= the buffer */
	uint16_t	 frag;		/* flags + fragment offset */
	uint8_t		 proto, tos;
	uint32_t	 src, dst;
	struct sso_cur	 payload;	/* tot - hlen bytes after the header */
};

/* 0, or -1 when pkt is not a well-formed IPv4 header within len */
int	dp_ip_parse(const uint8_t *pkt, size_t len, struct dp_ip *);
/* one's complement sum of len bytes added to sum (not folded) */
uint32_t dp_csum_add(uint32_t sum, const void *, size_t len);
uint16_t dp_csum_fold(uint32_t sum);

#endif
