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
 *
 * Framed-Route (RFC 2865 5.22, librad's rad_route_parse: "PREFIX/LEN
 * [GW [METRIC...]]") and Framed-IP-Netmask (5.9: with a Framed-IP-Address,
 * the user is a router to ADDR/MASK): each prefix is a route on the TUN
 * to this session (sub_dp_route_add, with the metric) while it is up,
 * removed at its end. Refused, counted in framed_route_bad and logged
 * once per process (then counted only): a bad form, a ninth route, a
 * non-contiguous netmask, a prefix overlapping an `ip local pool` or held
 * by another session. A refused route never fails the session.
 *
 * Subscriber SSO: the routes travel in the subscriber record
 * (sub_framed_routes); a new active restores them with an address outside
 * every pool (sub_framed_restore), on its TUN before traffic is released.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sub_local.h"

struct sub_framed {
	uint32_t	 addr;		/* Framed-IP-Address, host order; 0 */
	int		 pooled;	/* addr lies in a configured pool */
	int		 given;		/* addr handed to PPP (IPCP) */
	int		 route;		/* outside pools: its /32 is on the TUN */
	struct rad_route r[RAD_ROUTES_MAX + 1];	/* + the netmask's */
	unsigned	 nr;
	int		 routes_on;	/* r[] tried on the TUN */
};

static int bad_logged;

/* a refused route: counted; the first one in the process is logged */
static void
route_bad(const struct sub *s, unsigned n, const char *why)
{
	sub_stats.framed_route_bad += n;
	if (bad_logged || n == 0)
		return;
	bad_logged = 1;
	sso_log(SSO_WARNING, SUB_FAC, "FRAMED_ROUTE", "session %u/%u: "
	    "Framed-Route ignored (%s); later ones are only counted "
	    "(framed_route_bad)", s->tid, s->sid, why ? why : "refused");
}

static struct sub_framed *
framed_of(struct sub *s)
{
	if (s->framed == NULL)
		s->framed = calloc(1, sizeof(*s->framed));
	return s->framed;
}

/* the Access-Accept's routes (good ones kept, bad ones counted) */
static int
framed_routes(struct sub *s, const struct rad_authz *az, uint32_t ip)
{
	struct sub_framed *f;
	uint32_t mask = ntohl(az->framed_mask.s_addr);
	int plen = mask != 0 ? rad_mask_plen(mask) : 32;

	if (s->framed != NULL && s->framed->routes_on)
		return 0;	/* a second verdict: the routes stay */
	route_bad(s, az->routes_bad, az->route_why);
	if (plen == -1)
		route_bad(s, 1, "Framed-IP-Netmask not contiguous");
	/* a netmask says something only with the address it goes with */
	if (plen < 1 || plen >= 32 || ip == 0)
		plen = 32;
	if (az->nroutes == 0 && plen == 32)
		return 0;
	if ((f = framed_of(s)) == NULL)
		return -1;
	memcpy(f->r, az->routes, az->nroutes * sizeof(f->r[0]));
	f->nr = az->nroutes;
	if (plen < 32) {
		memset(&f->r[f->nr], 0, sizeof(f->r[0]));
		f->r[f->nr].net = ip & (~0u << (32 - plen));
		f->r[f->nr].plen = (uint8_t)plen;
		f->nr++;
	}
	return 0;
}

/* auth_done PASS: 0, or -1 when the address is another session's */
int
sub_framed_authorized(struct sub *s, const struct rad_authz *az)
{
	struct sub_framed *f;
	struct pool *p;
	uint32_t ip;

	if (az == NULL)
		return 0;
	ip = ntohl(az->framed_ip.s_addr);
	if (ip == 0xfffffffeu || ip == 0xffffffffu)
		ip = 0;
	if (framed_routes(s, az, ip) == -1)
		return -1;
	if (ip == 0)
		return 0;
	if ((f = framed_of(s)) == NULL)
		return -1;
	/* a second verdict for a session holding this address already */
	if (f->given && f->addr == ip)
		return 0;
	if (f->given)
		return -1;	/* a different address mid-session: refused */
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

	sub_dp_routes_del(s);	/* the session's routes end with IPCP */
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

/* a prefix that touches a pool would take its addresses from it */
static int
overlaps_pool(const struct rad_route *r)
{
	uint32_t last = r->net | ~(~0u << (32 - r->plen));
	const struct pool *p;
	size_t i;

	for (i = 0; (p = pool_set_get(sub_conf.pools, i)) != NULL; i++)
		if (r->net <= pool_last(p) && pool_first(p) <= last)
			return 1;
	return 0;
}

static void
routes_up(struct sub *s, struct sub_framed *f)
{
	const struct rad_route *r;
	unsigned i;

	f->routes_on = 1;
	for (i = 0; i < f->nr; i++) {
		r = &f->r[i];
		if (overlaps_pool(r))
			route_bad(s, 1, "prefix overlaps an ip local pool");
		else if (sub_dp_route_add(s, r->net, r->plen, r->metric) == 0)
			sub_stats.framed_routes++;
		else if (errno == EEXIST)
			route_bad(s, 1, "prefix held by another session");
		else
			sso_log_rl(&svc_rl, SSO_ERR, SUB_FAC, "FRAMED_ROUTE",
			    "session %u/%u: route add refused (%s)", s->tid,
			    s->sid, strerror(errno));
	}
}

/* the session is up (reported): the routes RADIUS asked for */
void
sub_framed_up(struct sub *s)
{
	struct sub_framed *f = s->framed;

	if (f == NULL)
		return;
	if (f->given && !f->pooled && !f->route &&
	    sub_dp_host_route(f->addr, 1) == 0)
		f->route = 1;
	if (!f->routes_on)
		routes_up(s, f);
}

void
sub_framed_free(struct sub *s)
{
	struct sub_framed *f = s->framed;

	sub_dp_routes_del(s);
	if (f == NULL)
		return;
	if (f->route)
		(void)sub_dp_host_route(f->addr, 0);
	free(f);
	s->framed = NULL;
}

/* the session's routes for its checkpoint: how many were put in out */
unsigned
sub_framed_routes(const struct sub *s, struct rad_route *out, unsigned max)
{
	const struct sub_framed *f = s->framed;
	unsigned n;

	if (f == NULL)
		return 0;
	n = f->nr < max ? f->nr : max;
	memcpy(out, f->r, n * sizeof(*out));
	return n;
}

/*
 * A session restored by a new active (subscriber SSO): an address
 * outside every pool is RADIUS's (its /32 route, no pool to give it back
 * to), and the routes of its record go on the TUN again.
 */
int
sub_framed_restore(struct sub *s, const struct rad_route *r, unsigned n)
{
	struct sub_framed *f;
	int outside = s->addr != 0 &&
	    pool_set_lookup(sub_conf.pools, s->addr) == NULL;

	if (!outside && n == 0)
		return 0;
	if ((f = framed_of(s)) == NULL)
		return -1;
	if (outside) {
		f->addr = s->addr;
		f->given = 1;
		f->pooled = 0;
	}
	if (n > RAD_ROUTES_MAX + 1)
		n = RAD_ROUTES_MAX + 1;
	memcpy(f->r, r, n * sizeof(*r));
	f->nr = n;
	f->routes_on = 0;
	sub_framed_up(s);
	return 0;
}
