/*
 * attr.c - table-driven RADIUS attribute codec (RFC 2865 5, RFC 2866 5,
 * RFC 2869 5, RFC 3579 3, RFC 5176 3).
 *
 * One table gives every known attribute its name, value kind and value
 * length range; rad_attrs_check() is the one loop that enforces them on
 * input. Unknown attributes are skipped (RFC 2865 5: "A RADIUS server MAY
 * ignore Attributes with an unknown Type"), but their Length must still
 * keep them inside the packet. A known attribute at a bad length makes the
 * whole packet invalid (RFC 2865 5 requires the right lengths; we never
 * act on half of an answer).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rad_local.h"

#define S(n)	{ n, RAD_K_STRING, 1, RAD_VAL_MAX }
#define O(n)	{ n, RAD_K_OCTETS, 1, RAD_VAL_MAX }
#define I(n)	{ n, RAD_K_INTEGER, 4, 4 }
#define A(n)	{ n, RAD_K_IPADDR, 4, 4 }

static const struct rad_attr_def attr_defs[RAD_TYPE_MAX] = {
	[RAD_USER_NAME] = S("User-Name"),
	/* RFC 2865 5.2: 16..128 octets, a multiple of 16 (checked on use) */
	[RAD_USER_PASSWORD] = { "User-Password", RAD_K_OCTETS, 16, 128 },
	[RAD_CHAP_PASSWORD] = { "CHAP-Password", RAD_K_OCTETS, 17, 17 },
	[RAD_NAS_IP_ADDRESS] = A("NAS-IP-Address"),
	[RAD_NAS_PORT] = I("NAS-Port"),
	[RAD_SERVICE_TYPE] = I("Service-Type"),
	[RAD_FRAMED_PROTOCOL] = I("Framed-Protocol"),
	[RAD_FRAMED_IP_ADDRESS] = A("Framed-IP-Address"),
	[RAD_FRAMED_IP_NETMASK] = A("Framed-IP-Netmask"),
	[RAD_FRAMED_ROUTING] = I("Framed-Routing"),
	[RAD_FILTER_ID] = S("Filter-Id"),
	[RAD_FRAMED_MTU] = I("Framed-MTU"),
	[RAD_FRAMED_COMPRESSION] = I("Framed-Compression"),
	[RAD_LOGIN_IP_HOST] = A("Login-IP-Host"),
	[RAD_LOGIN_SERVICE] = I("Login-Service"),
	[RAD_LOGIN_TCP_PORT] = I("Login-TCP-Port"),
	[RAD_REPLY_MESSAGE] = S("Reply-Message"),
	[RAD_CALLBACK_NUMBER] = S("Callback-Number"),
	[RAD_CALLBACK_ID] = S("Callback-Id"),
	[RAD_FRAMED_ROUTE] = S("Framed-Route"),
	[RAD_FRAMED_IPX_NETWORK] = I("Framed-IPX-Network"),
	[RAD_STATE] = O("State"),
	[RAD_CLASS] = O("Class"),
	/* 4-octet Vendor-Id and at least one octet of vendor data */
	[RAD_VENDOR_SPECIFIC] = { "Vendor-Specific", RAD_K_VSA, 5,
	    RAD_VAL_MAX },
	[RAD_SESSION_TIMEOUT] = I("Session-Timeout"),
	[RAD_IDLE_TIMEOUT] = I("Idle-Timeout"),
	[RAD_TERMINATION_ACTION] = I("Termination-Action"),
	[RAD_CALLED_STATION_ID] = S("Called-Station-Id"),
	[RAD_CALLING_STATION_ID] = S("Calling-Station-Id"),
	[RAD_NAS_IDENTIFIER] = S("NAS-Identifier"),
	[RAD_PROXY_STATE] = O("Proxy-State"),
	[RAD_ACCT_STATUS_TYPE] = I("Acct-Status-Type"),
	[RAD_ACCT_DELAY_TIME] = I("Acct-Delay-Time"),
	[RAD_ACCT_INPUT_OCTETS] = I("Acct-Input-Octets"),
	[RAD_ACCT_OUTPUT_OCTETS] = I("Acct-Output-Octets"),
	[RAD_ACCT_SESSION_ID] = S("Acct-Session-Id"),
	[RAD_ACCT_AUTHENTIC] = I("Acct-Authentic"),
	[RAD_ACCT_SESSION_TIME] = I("Acct-Session-Time"),
	[RAD_ACCT_INPUT_PACKETS] = I("Acct-Input-Packets"),
	[RAD_ACCT_OUTPUT_PACKETS] = I("Acct-Output-Packets"),
	[RAD_ACCT_TERMINATE_CAUSE] = I("Acct-Terminate-Cause"),
	[RAD_ACCT_MULTI_SESSION_ID] = S("Acct-Multi-Session-Id"),
	[RAD_ACCT_LINK_COUNT] = I("Acct-Link-Count"),
	[RAD_ACCT_INPUT_GIGAWORDS] = I("Acct-Input-Gigawords"),
	[RAD_ACCT_OUTPUT_GIGAWORDS] = I("Acct-Output-Gigawords"),
	[RAD_EVENT_TIMESTAMP] = { "Event-Timestamp", RAD_K_DATE, 4, 4 },
	/* RFC 2865 5.40: Length >= 7, i.e. a value of at least 5 octets */
	[RAD_CHAP_CHALLENGE] = { "CHAP-Challenge", RAD_K_OCTETS, 5,
	    RAD_VAL_MAX },
	[RAD_NAS_PORT_TYPE] = I("NAS-Port-Type"),
	[RAD_PORT_LIMIT] = I("Port-Limit"),
	[RAD_CONNECT_INFO] = S("Connect-Info"),
	[RAD_EAP_MESSAGE] = O("EAP-Message"),
	[RAD_MESSAGE_AUTHENTICATOR] = { "Message-Authenticator", RAD_K_OCTETS,
	    16, 16 },
	[RAD_ACCT_INTERIM_INTERVAL] = I("Acct-Interim-Interval"),
	[RAD_NAS_PORT_ID] = S("NAS-Port-Id"),
	[RAD_FRAMED_POOL] = S("Framed-Pool"),
	[RAD_ERROR_CAUSE] = I("Error-Cause"),
};

const struct rad_attr_def *
rad_attr_def(unsigned type)
{
	if (type >= RAD_TYPE_MAX || attr_defs[type].name == NULL)
		return NULL;
	return &attr_defs[type];
}

const char *
rad_attr_name(unsigned type)
{
	const struct rad_attr_def *d = rad_attr_def(type);

	return d ? d->name : "Unknown";
}

const char *
rad_code_name(unsigned code)
{
	switch (code) {
	case RAD_ACCESS_REQUEST: return "Access-Request";
	case RAD_ACCESS_ACCEPT: return "Access-Accept";
	case RAD_ACCESS_REJECT: return "Access-Reject";
	case RAD_ACCT_REQUEST: return "Accounting-Request";
	case RAD_ACCT_RESPONSE: return "Accounting-Response";
	case RAD_ACCESS_CHALLENGE: return "Access-Challenge";
	case RAD_DISCONNECT_REQUEST: return "Disconnect-Request";
	case RAD_DISCONNECT_ACK: return "Disconnect-ACK";
	case RAD_DISCONNECT_NAK: return "Disconnect-NAK";
	case RAD_COA_REQUEST: return "CoA-Request";
	case RAD_COA_ACK: return "CoA-ACK";
	case RAD_COA_NAK: return "CoA-NAK";
	default: return "Unknown";
	}
}

/* ---- builders ---- */

void
rad_av_init(struct rad_avlist *l)
{
	l->len = 0;
	l->err = 0;
}

int
rad_av_put(struct rad_avlist *l, uint8_t type, const void *v, size_t n)
{
	if (l->err || n > RAD_VAL_MAX || l->len + 2 + n > sizeof(l->buf)) {
		l->err = 1;
		return -1;
	}
	l->buf[l->len++] = type;
	l->buf[l->len++] = (uint8_t)(2 + n);
	if (n > 0)
		memcpy(l->buf + l->len, v, n);
	l->len += n;
	return 0;
}

/* append attributes already in wire form (checked by the caller) */
int
rad_av_put_raw(struct rad_avlist *l, const void *v, size_t n)
{
	if (l->err || l->len + n > sizeof(l->buf)) {
		l->err = 1;
		return -1;
	}
	if (n > 0)
		memcpy(l->buf + l->len, v, n);
	l->len += n;
	return 0;
}

int
rad_av_put_str(struct rad_avlist *l, uint8_t type, const char *s)
{
	return rad_av_put(l, type, s, strlen(s));
}

int
rad_av_put_u32(struct rad_avlist *l, uint8_t type, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	return rad_av_put(l, type, b, sizeof(b));
}

int
rad_av_put_ip(struct rad_avlist *l, uint8_t type, struct in_addr a)
{
	return rad_av_put(l, type, &a.s_addr, 4);	/* already network order */
}

/* RFC 2865 5.26: Vendor-Id, then Vendor type, Vendor length, data */
int
rad_av_put_vsa(struct rad_avlist *l, uint32_t vendor, uint8_t vtype,
    const void *v, size_t n)
{
	uint8_t b[RAD_VAL_MAX];

	if (n > RAD_VAL_MAX - 6) {
		l->err = 1;
		return -1;
	}
	b[0] = (uint8_t)(vendor >> 24);
	b[1] = (uint8_t)(vendor >> 16);
	b[2] = (uint8_t)(vendor >> 8);
	b[3] = (uint8_t)vendor;
	b[4] = vtype;
	b[5] = (uint8_t)(2 + n);
	if (n > 0)
		memcpy(b + 6, v, n);
	return rad_av_put(l, RAD_VENDOR_SPECIFIC, b, 6 + n);
}

int
rad_av_put_avpair(struct rad_avlist *l, const char *kv)
{
	return rad_av_put_vsa(l, RAD_VENDOR_CISCO, RAD_CISCO_AVPAIR, kv,
	    strlen(kv));
}

int
rad_av_put_chap(struct rad_avlist *l, uint8_t ident, const uint8_t resp[16],
    const uint8_t *chal, size_t chal_len)
{
	uint8_t b[17];

	b[0] = ident;
	memcpy(b + 1, resp, 16);
	if (rad_av_put(l, RAD_CHAP_PASSWORD, b, sizeof(b)) == -1)
		return -1;
	return rad_av_put(l, RAD_CHAP_CHALLENGE, chal, chal_len);
}

void
rad_av_del(struct rad_avlist *l, uint8_t type)
{
	size_t i = 0, n;

	/* our own list: every Length was written by rad_av_put */
	while (i + 2 <= l->len) {
		n = l->buf[i + 1];
		if (n < 2 || i + n > l->len)
			return;
		if (l->buf[i] == type) {
			memmove(l->buf + i, l->buf + i + n, l->len - i - n);
			l->len -= n;
		} else
			i += n;
	}
}

/* ---- readers ---- */

void
rad_iter_init(struct rad_iter *it, const uint8_t *attrs, size_t len)
{
	sso_cur_init(&it->c, attrs, len);
}

/* 1: an attribute, 0: end, -1: malformed */
int
rad_iter_next(struct rad_iter *it, uint8_t *type, struct sso_cur *val)
{
	uint8_t l;

	if (it->c.len == 0)
		return 0;
	if (sso_cur_get_u8(&it->c, type) == -1 ||
	    sso_cur_get_u8(&it->c, &l) == -1 || l < 2 ||
	    sso_cur_sub(&it->c, (size_t)l - 2, val) == -1)
		return -1;
	return 1;
}

/* vendors whose VSAs use the RFC 2865 5.26 suggested type/length format */
static int
vsa_check(struct sso_cur v)
{
	uint32_t vendor;
	uint8_t t, l;

	if (sso_cur_get_u32(&v, &vendor) == -1)
		return -1;
	if (vendor != RAD_VENDOR_CISCO && vendor != RAD_VENDOR_MICROSOFT)
		return 0;	/* opaque: not ours to judge */
	while (v.len > 0) {
		if (sso_cur_get_u8(&v, &t) == -1 ||
		    sso_cur_get_u8(&v, &l) == -1 || l < 2 ||
		    sso_cur_skip(&v, (size_t)l - 2) == -1)
			return -1;
		/* Cisco-AVPair and MS DNS: the values we read */
		if (vendor == RAD_VENDOR_CISCO && t == RAD_CISCO_AVPAIR &&
		    l < 3)
			return -1;
		if (vendor == RAD_VENDOR_MICROSOFT && (t == RAD_MS_PRIMARY_DNS ||
		    t == RAD_MS_SECONDARY_DNS) && l != 6)
			return -1;
	}
	return 0;
}

int
rad_attrs_check(const uint8_t *attrs, size_t len, unsigned *bad_type)
{
	struct rad_iter it;
	struct sso_cur v;
	const struct rad_attr_def *d;
	uint8_t type = 0;
	int r;

	rad_iter_init(&it, attrs, len);
	while ((r = rad_iter_next(&it, &type, &v)) == 1) {
		if ((d = rad_attr_def(type)) == NULL)
			continue;
		if (v.len < d->min_len || v.len > d->max_len)
			goto bad;
		if (d->kind == RAD_K_VSA && vsa_check(v) == -1)
			goto bad;
	}
	if (r == 0)
		return 0;
bad:
	if (bad_type)
		*bad_type = type;
	return -1;
}

int
rad_pkt_find(const struct rad_pkt *p, uint8_t type, unsigned nth,
    struct sso_cur *val)
{
	struct rad_iter it;
	uint8_t t;

	rad_iter_init(&it, p->attrs.buf, p->attrs.len);
	while (rad_iter_next(&it, &t, val) == 1)
		if (t == type && nth-- == 0)
			return 0;
	return -1;
}

int
rad_pkt_get_u32(const struct rad_pkt *p, uint8_t type, uint32_t *v)
{
	struct sso_cur c;

	if (rad_pkt_find(p, type, 0, &c) == -1 || c.len != 4)
		return -1;
	return sso_cur_get_u32(&c, v);
}

int
rad_pkt_get_ip(const struct rad_pkt *p, uint8_t type, struct in_addr *a)
{
	struct sso_cur c;

	if (rad_pkt_find(p, type, 0, &c) == -1 || c.len != 4)
		return -1;
	return sso_cur_get_bytes(&c, &a->s_addr, 4);
}

static int
cur_str(struct sso_cur c, char *out, size_t sz)
{
	if (sz == 0 || c.len >= sz || memchr(c.p, 0, c.len) != NULL)
		return -1;
	out[c.len] = '\0';
	return sso_cur_get_bytes(&c, out, c.len);
}

int
rad_pkt_get_str(const struct rad_pkt *p, uint8_t type, char *out, size_t sz)
{
	struct sso_cur c;

	if (rad_pkt_find(p, type, 0, &c) == -1)
		return -1;
	return cur_str(c, out, sz);
}

int
rad_pkt_find_vsa(const struct rad_pkt *p, uint32_t vendor, uint8_t vtype,
    unsigned nth, struct sso_cur *val)
{
	struct rad_iter it;
	struct sso_cur v;
	uint32_t vid;
	uint8_t t, st, sl;

	rad_iter_init(&it, p->attrs.buf, p->attrs.len);
	while (rad_iter_next(&it, &t, &v) == 1) {
		if (t != RAD_VENDOR_SPECIFIC ||
		    sso_cur_get_u32(&v, &vid) == -1 || vid != vendor)
			continue;
		while (sso_cur_get_u8(&v, &st) == 0 &&
		    sso_cur_get_u8(&v, &sl) == 0 && sl >= 2)
			if (sso_cur_sub(&v, (size_t)sl - 2, val) == -1)
				break;
			else if (st == vtype && nth-- == 0)
				return 0;
	}
	return -1;
}

int
rad_pkt_get_avpair(const struct rad_pkt *p, const char *key, char *out,
    size_t sz)
{
	struct sso_cur v;
	char kv[RAD_VAL_MAX + 1];
	size_t kl = strlen(key);
	unsigned i;

	for (i = 0; rad_pkt_find_vsa(p, RAD_VENDOR_CISCO, RAD_CISCO_AVPAIR, i,
	    &v) == 0; i++) {
		if (cur_str(v, kv, sizeof(kv)) == -1)
			continue;
		if (strncmp(kv, key, kl) != 0 || kv[kl] != '=')
			continue;
		if (strlen(kv + kl + 1) >= sz)
			return -1;
		strcpy(out, kv + kl + 1);
		return 0;
	}
	return -1;
}

/* ---- Access-Accept contents ---- */

/* "ip:dns-servers=A B" (Cisco; a space or comma between the two) */
static int
authz_dns_avpair(const struct rad_pkt *p, struct rad_authz *z)
{
	char v[RAD_VAL_MAX + 1], *tok, *save = NULL;
	int n = 0;

	if (rad_pkt_get_avpair(p, "ip:dns-servers", v, sizeof(v)) == -1)
		return 0;
	for (tok = strtok_r(v, " ,", &save); tok != NULL && n < 2;
	    tok = strtok_r(NULL, " ,", &save))
		if (inet_pton(AF_INET, tok, &z->dns[n]) != 1)
			return -1;
		else
			n++;
	return 0;
}

static void
authz_vsas(const struct rad_pkt *p, struct rad_authz *z)
{
	char v[16];
	struct sso_cur c;

	if (rad_pkt_get_avpair(p, "vpdn:l2tp-silent-switchover", v,
	    sizeof(v)) == 0)
		z->l2tp_silent_switchover = atoi(v) != 0;
	if (rad_pkt_get_avpair(p, "vpdn:l2tp-tunnel-resync-packet", v,
	    sizeof(v)) == 0)
		z->l2tp_resync_packets = atoi(v);
	if (z->dns[0].s_addr == 0 && rad_pkt_find_vsa(p, RAD_VENDOR_MICROSOFT,
	    RAD_MS_PRIMARY_DNS, 0, &c) == 0 && c.len == 4)
		(void)sso_cur_get_bytes(&c, &z->dns[0].s_addr, 4);
	if (z->dns[1].s_addr == 0 && rad_pkt_find_vsa(p, RAD_VENDOR_MICROSOFT,
	    RAD_MS_SECONDARY_DNS, 0, &c) == 0 && c.len == 4)
		(void)sso_cur_get_bytes(&c, &z->dns[1].s_addr, 4);
}

/* ---- Framed-Route ---- */

/* up to max decimal digits at *s as *v (<= lim); advances *s */
static int
route_num(const char **s, unsigned max, uint64_t lim, uint64_t *v)
{
	unsigned n = 0;

	*v = 0;
	while (**s >= '0' && **s <= '9') {
		if (++n > max)
			return -1;
		*v = *v * 10 + (uint64_t)(**s - '0');
		(*s)++;
	}
	return n == 0 || *v > lim ? -1 : 0;
}

/* a dotted quad at *s (exactly four decimal octets); advances *s */
static int
route_quad(const char **s, uint32_t *a)
{
	uint64_t v;
	int i;

	*a = 0;
	for (i = 0; i < 4; i++) {
		if (i > 0 && *(*s)++ != '.')
			return -1;
		if (route_num(s, 3, 255, &v) == -1)
			return -1;
		*a = *a << 8 | (uint32_t)v;
	}
	return 0;
}

static int
route_sep(const char **s)
{
	if (**s != ' ' && **s != '\t')
		return **s == '\0' ? 0 : -1;
	while (**s == ' ' || **s == '\t')
		(*s)++;
	return 0;
}

int
rad_route_parse(struct sso_cur val, struct rad_route *r, const char **why)
{
	char buf[RAD_VAL_MAX + 1];
	const char *s = buf;
	uint64_t v;
	uint32_t mask;

	size_t len = val.len;

	memset(r, 0, sizeof(*r));
	*why = len == 0 ? "empty" : "too long";
	if (len == 0 || len > RAD_VAL_MAX ||
	    sso_cur_get_bytes(&val, buf, len) == -1)
		return -1;
	buf[len] = '\0';
	*why = "NUL inside";
	if (strlen(buf) != len)
		return -1;
	while (*s == ' ' || *s == '\t')
		s++;
	*why = "bad prefix";
	if (route_quad(&s, &r->net) == -1)
		return -1;
	*why = "no /length";
	if (*s++ != '/')
		return -1;
	*why = "bad length";
	if (route_num(&s, 2, 32, &v) == -1 || v == 0)
		return -1;
	r->plen = (uint8_t)v;
	mask = ~0u << (32 - r->plen);
	*why = "host bits set";
	if ((r->net & ~mask) != 0)
		return -1;
	*why = "trailing characters";
	if (route_sep(&s) == -1)
		return -1;
	if (*s == '\0')
		return 0;
	*why = "bad gateway";
	if (route_quad(&s, &r->gw) == -1 || route_sep(&s) == -1)
		return -1;
	/* one or more metrics: the first is the route's */
	*why = "bad metric";
	while (*s != '\0') {
		if (route_num(&s, 10, UINT32_MAX, &v) == -1 ||
		    route_sep(&s) == -1)
			return -1;
		if (r->metric == 0)
			r->metric = (uint32_t)v;
	}
	*why = NULL;
	return 0;
}

int
rad_mask_plen(uint32_t mask)
{
	int n = 0;

	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	return n < 32 && (mask << n) != 0 ? -1 : n;
}

static void
authz_routes(const struct rad_pkt *p, struct rad_authz *z)
{
	struct sso_cur c;
	const char *why;
	unsigned i;

	for (i = 0; rad_pkt_find(p, RAD_FRAMED_ROUTE, i, &c) == 0; i++) {
		if (z->nroutes == RAD_ROUTES_MAX) {
			z->routes_bad++;
			z->route_why = "too many Framed-Route";
		} else if (rad_route_parse(c, &z->routes[z->nroutes], &why) ==
		    0)
			z->nroutes++;
		else {
			z->routes_bad++;
			z->route_why = why;
		}
	}
}

int
rad_authz_decode(const struct rad_pkt *p, struct rad_authz *z)
{
	struct sso_cur c;

	memset(z, 0, sizeof(*z));
	z->l2tp_silent_switchover = -1;
	z->l2tp_resync_packets = -1;
	(void)rad_pkt_get_ip(p, RAD_FRAMED_IP_ADDRESS, &z->framed_ip);
	(void)rad_pkt_get_ip(p, RAD_FRAMED_IP_NETMASK, &z->framed_mask);
	if (rad_pkt_find(p, RAD_FRAMED_POOL, 0, &c) == 0 &&
	    rad_pkt_get_str(p, RAD_FRAMED_POOL, z->framed_pool,
	    sizeof(z->framed_pool)) == -1)
		return -1;
	(void)rad_pkt_get_str(p, RAD_FRAMED_ROUTE, z->framed_route,
	    sizeof(z->framed_route));
	authz_routes(p, z);
	(void)rad_pkt_get_u32(p, RAD_SESSION_TIMEOUT, &z->session_timeout);
	(void)rad_pkt_get_u32(p, RAD_IDLE_TIMEOUT, &z->idle_timeout);
	(void)rad_pkt_get_u32(p, RAD_ACCT_INTERIM_INTERVAL,
	    &z->interim_interval);
	(void)rad_pkt_get_str(p, RAD_REPLY_MESSAGE, z->reply_message,
	    sizeof(z->reply_message));
	while (z->nclass < RAD_CLASS_MAX &&
	    rad_pkt_find(p, RAD_CLASS, z->nclass, &c) == 0) {
		z->class_len[z->nclass] = (uint8_t)c.len;
		(void)sso_cur_get_bytes(&c, z->class_val[z->nclass], c.len);
		z->nclass++;
	}
	if (authz_dns_avpair(p, z) == -1)
		return -1;
	authz_vsas(p, z);
	return 0;
}

/* ---- printing (tools, debug) ---- */

static int
fmt_octets(struct sso_cur v, char *out, size_t sz)
{
	size_t o = 0;
	uint8_t b;
	int n;

	n = snprintf(out, sz, "0x");
	o = n > 0 ? (size_t)n : 0;
	while (o + 3 < sz && sso_cur_get_u8(&v, &b) == 0)
		o += (size_t)snprintf(out + o, sz - o, "%02x", b);
	return 0;
}

static int
fmt_string(struct sso_cur v, char *out, size_t sz)
{
	size_t o = 0;
	uint8_t b;

	if (sz < 3)
		return -1;
	out[o++] = '"';
	while (o + 6 < sz && sso_cur_get_u8(&v, &b) == 0) {
		if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\')
			out[o++] = (char)b;
		else
			o += (size_t)snprintf(out + o, sz - o, "\\%03o", b);
	}
	out[o++] = '"';
	out[o] = '\0';
	return 0;
}

static int
fmt_vsa(struct sso_cur v, char *out, size_t sz)
{
	uint32_t vid;
	uint8_t t, l;
	struct sso_cur sub;
	char s[2 * RAD_VAL_MAX + 8];

	if (sso_cur_get_u32(&v, &vid) == -1)
		return -1;
	if (vid == RAD_VENDOR_CISCO && sso_cur_get_u8(&v, &t) == 0 &&
	    t == RAD_CISCO_AVPAIR && sso_cur_get_u8(&v, &l) == 0 && l >= 2 &&
	    sso_cur_sub(&v, (size_t)l - 2, &sub) == 0) {
		(void)fmt_string(sub, s, sizeof(s));
		snprintf(out, sz, "Cisco-AVPair = %s", s);
		return 0;
	}
	(void)fmt_octets(v, s, sizeof(s));
	snprintf(out, sz, "Vendor-%u = %s", vid, s);
	return 0;
}

int
rad_attr_format(uint8_t type, struct sso_cur v, char *out, size_t sz)
{
	const struct rad_attr_def *d = rad_attr_def(type);
	char val[4 * RAD_VAL_MAX + 8];
	struct in_addr a;
	uint32_t u;

	if (d == NULL) {
		(void)fmt_octets(v, val, sizeof(val));
		snprintf(out, sz, "Attr-%u = %s", type, val);
		return 0;
	}
	if (type == RAD_USER_PASSWORD) {
		snprintf(out, sz, "%s = <hidden>", d->name);
		return 0;
	}
	switch (d->kind) {
	case RAD_K_STRING:
		(void)fmt_string(v, val, sizeof(val));
		break;
	case RAD_K_IPADDR:
		if (sso_cur_get_bytes(&v, &a.s_addr, 4) == -1 ||
		    inet_ntop(AF_INET, &a, val, sizeof(val)) == NULL)
			return -1;
		break;
	case RAD_K_INTEGER:
	case RAD_K_DATE:
		if (sso_cur_get_u32(&v, &u) == -1)
			return -1;
		snprintf(val, sizeof(val), "%u", u);
		break;
	case RAD_K_VSA:
		return fmt_vsa(v, out, sz);
	default:
		(void)fmt_octets(v, val, sizeof(val));
		break;
	}
	snprintf(out, sz, "%s = %s", d->name, val);
	return 0;
}
