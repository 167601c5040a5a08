/*
 * sub_framed.c - the addresses RADIUS gave a session (RFC 2865 5.8).
 *
 * Framed-IP-Address:
 *  - inside a configured pool (any `ip local pool`, whatever the
 *    template's): the address is reserved in that pool for the session's
 *    life, exactly as an allocated one (pool_take at IPCP time, released
 *    through ops->addr_release, checkpointed to the standby, which takes
 *    it in its own pool). An address already in use is refused at the
 *    Access-Accept: PAP Authenticate-Nak (RFC 1334 2.2.1) or CHAP Failure
 *    (RFC 1994 4.2) "Framed-IP-Address in use", then LCP Terminate and the
 *    CDN; counted in framed_in_use. Two sessions accepted together for
 *    one address: the second is refused at IPCP time (no address: IPCP
 *    closes, LCP Terminate, CDN), counted the same way.
 *  - outside every pool: a /32 route on the TUN while the session is up.
 *  - 255.255.255.254 (the NAS picks) and 255.255.255.255 (the peer asks):
 *    the template's pool, as without the attribute.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "sub_local.h"

struct sub_framed {
	uint32_t	 addr;		/* Framed-IP-Address, host order; 0 */
	int		 pooled;	/* addr lies in a configured pool */
	int		 given;		/* addr handed to PPP (IPCP) */
	int		 route;		/* outside pools: its /32 is on the TUN */
};

static struct sub_framed *
framed_of(struct sub *s)
{
	if (s->framed == NULL)
		s->framed = calloc(1, sizeof(*s->framed));
	return s->framed;
}

/* auth_done PASS: 0, or -1 when the address is another session's */
int
sub_framed_authorized(struct sub *s, const struct rad_authz *az)
{
	struct sub_framed *f;
	struct pool *p;
	uint32_t ip;

	if (az == NULL || az->framed_ip.s_addr == 0)
		return 0;
	ip = ntohl(az->framed_ip.s_addr);
	if (ip == 0xfffffffeu || ip == 0xffffffffu)
		return 0;
	if ((f = framed_of(s)) == NULL)
		return -1;
	f->addr = ip;
	p = pool_set_lookup(sub_conf.pools, ip);
	f->pooled = p != NULL;
	if (p != NULL && pool_in_use(p, ip)) {
		sub_stats.framed_in_use++;
		sso_log_rl(&svc_rl, SSO_WARNING, SUB_FAC, "FRAMED_IN_USE",
		    "session %u/%u: Framed-IP-Address of pool %s already in "
		    "use: refused", s->tid, s->sid, pool_name(p));
		f->addr = 0;
		return -1;
	}
	return 0;
}

/*
 * h_addr_alloc: 1 with *addr when RADIUS gave the address (a pool's is
 * taken here), -1 when it is a pool's and already taken (refused), 0
 * when the template's pool decides
 */
int
sub_framed_addr(struct sub *s, uint32_t *addr)
{
	struct sub_framed *f = s->framed;

	if (f == NULL || f->addr == 0)
		return 0;
	if (f->pooled) {
		if (pool_set_reserve(sub_conf.pools, f->addr, NULL) !=
		    POOL_OK) {
			sub_stats.framed_in_use++;
			sso_log_rl(&svc_rl, SSO_WARNING, SUB_FAC,
			    "FRAMED_IN_USE", "session %u/%u: Framed-IP-Address"
			    " taken by another session: refused", s->tid,
			    s->sid);
			return -1;
		}
	}
	f->given = 1;
	*addr = f->addr;
	return 1;
}

/* h_addr_release: 1 when addr was outside every pool (nothing to give
 * back), 0 when the caller returns it to its pool */
int
sub_framed_release(struct sub *s, uint32_t addr)
{
	struct sub_framed *f = s->framed;

	if (f == NULL || !f->given || f->addr != addr)
		return 0;
	f->given = 0;
	if (f->pooled)
		return 0;
	if (f->route)
		(void)sub_dp_host_route(addr, 0);
	f->route = 0;
	return 1;
}

/* the session is up (reported): the routes RADIUS asked for */
void
sub_framed_up(struct sub *s)
{
	struct sub_framed *f = s->framed;

	if (f == NULL || !f->given)
		return;
	if (!f->pooled && !f->route && sub_dp_host_route(f->addr, 1) == 0)
		f->route = 1;
}

void
sub_framed_free(struct sub *s)
{
	struct sub_framed *f = s->framed;

	if (f == NULL)
		return;
	if (f->route)
		(void)sub_dp_host_route(f->addr, 0);
	free(f);
	s->framed = NULL;
}
