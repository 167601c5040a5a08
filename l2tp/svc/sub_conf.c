/*
 * sub_conf.c - the subscriber configuration (issue 10's IOS forms):
 *
 *   aaa new-model
 *   aaa authentication ppp LIST METHOD...    (METHOD: local | group NAME)
 *   username USER password PASSWORD
 *   ip local pool NAME FIRST LAST
 *   subscriber data-device NAME              (TUN name; default ssosubU)
 *   interface LoopbackN
 *    ip address ADDRESS MASK
 *   interface Virtual-TemplateN
 *    ip unnumbered LoopbackN
 *    peer default ip address pool NAME
 *    ppp authentication {chap|pap} [{chap|pap}]   (order = preference)
 *    ppp ipcp dns A [B]
 *    [no] keepalive [PERIOD [RETRIES]]         (default 10 s, 5 retries)
 *    mtu N                                     (default 1500)
 *    ip tcp adjust-mss N
 * and in a vpdn-group (conf.c): virtual-template N, lcp renegotiation.
 *
 * A method list is parsed from the rest of the line so that `group RG`
 * (the RADIUS issue) is one more method keyword, not a new pattern.
 * Passwords are printed as <hidden> (as `l2tp tunnel password`) and
 * that placeholder is refused when read back.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sub_local.h"

struct sub_conf sub_conf;

struct sub_vt *
sub_vt_find(unsigned num)
{
	size_t i;

	for (i = 0; i < sub_conf.nvt; i++)
		if (sub_conf.vt[i].num == num)
			return &sub_conf.vt[i];
	return NULL;
}

struct sub_lo *
sub_lo_find(unsigned num)
{
	size_t i;

	for (i = 0; i < sub_conf.nlo; i++)
		if (sub_conf.lo[i].num == num)
			return &sub_conf.lo[i];
	return NULL;
}

const struct sub_vt *
sub_group_vt(const struct svc_group *g)
{
	return g != NULL && g->vtemplate != 0 ? sub_vt_find(g->vtemplate) :
	    NULL;
}

const char *
sub_tun_name(char *buf, size_t len)
{
	if (sub_conf.tun_name[0] != '\0')
		snprintf(buf, len, "%s", sub_conf.tun_name);
	else
		snprintf(buf, len, "ssosub%u", sso_rf_unit());
	return buf;
}

static int
parse_ip(const char *text, uint32_t *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, text, &in) != 1)
		return -1;
	*a = ntohl(in.s_addr);
	return 0;
}

static const char *
ip_text(uint32_t a, char *buf, size_t len)
{
	struct in_addr in = { htonl(a) };

	if (inet_ntop(AF_INET, &in, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

/* a contiguous netmask's prefix length, -1 when not contiguous */
static int
mask_plen(uint32_t m)
{
	int n = 0;

	while (n < 32 && (m & (0x80000000u >> n)))
		n++;
	return (n == 32 ? 0 : (m << n)) == 0 ? n : -1;
}

static int
c_newmodel(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	aaa_set_new_model(sub_conf.aaa, !no);
	return 0;
}

/* METHOD...: local | group NAME, at most AAA_METHODS_MAX */
static int
c_authen(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	struct aaa_method m[AAA_METHODS_MAX];
	char words[256], *w, *save = NULL;
	size_t n = 0;

	if (strlen(a->s[0]) >= AAA_NAME_MAX)
		return sso_conf_err(ctx, "method list name too long");
	snprintf(words, sizeof(words), "%s", a->s[1]);
	memset(m, 0, sizeof(m));
	for (w = strtok_r(words, " \t", &save); w != NULL;
	    w = strtok_r(NULL, " \t", &save)) {
		if (n == AAA_METHODS_MAX)
			return sso_conf_err(ctx, "at most %d methods in a "
			    "method list", AAA_METHODS_MAX);
		if (strcasecmp(w, "local") == 0)
			m[n++].type = AAA_M_LOCAL;
		else if (strcasecmp(w, "group") == 0) {
			if ((w = strtok_r(NULL, " \t", &save)) == NULL)
				return sso_conf_err(ctx, "group: expected a "
				    "server group name");
			if (strlen(w) >= AAA_NAME_MAX)
				return sso_conf_err(ctx, "group name too long");
			m[n].type = AAA_M_GROUP;
			snprintf(m[n++].group, AAA_NAME_MAX, "%s", w);
		} else
			return sso_conf_err(ctx, "unknown method \"%s\" "
			    "(expected local or group NAME)", w);
	}
	if (aaa_list_set(sub_conf.aaa, a->s[0], m, n) == -1)
		return sso_conf_err(ctx, "too many method lists");
	sub_conf.line_auth = ctx->line;
	return 0;
}

static int
c_username(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	if (no) {
		(void)aaa_user_remove(sub_conf.aaa, a->s[0]);
		return 0;
	}
	if (strlen(a->s[0]) >= AAA_NAME_MAX)
		return sso_conf_err(ctx, "user name longer than %d characters",
		    AAA_NAME_MAX - 1);
	if (strcmp(a->s[1], "<hidden>") == 0)
		return sso_conf_err(ctx, "\"<hidden>\" is what show "
		    "running-config prints instead of the password: put the "
		    "real password in the file");
	if (strlen(a->s[1]) >= AAA_SECRET_MAX)
		return sso_conf_err(ctx, "password longer than %d characters",
		    AAA_SECRET_MAX - 1);
	if (aaa_user_set(sub_conf.aaa, a->s[0], a->s[1]) == -1)
		return sso_conf_err(ctx, "out of memory");
	return 0;
}

static int
c_pool(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	uint32_t first, last;
	const char *why = NULL;

	if (no)
		return pool_set_remove(sub_conf.pools, a->s[0]) == -1 ?
		    sso_conf_err(ctx, "no ip local pool %s", a->s[0]) : 0;
	if (strlen(a->s[0]) >= POOL_NAME_MAX)
		return sso_conf_err(ctx, "pool name longer than %d characters",
		    POOL_NAME_MAX - 1);
	if (parse_ip(a->s[1], &first) == -1 || parse_ip(a->s[2], &last) ==
	    -1)
		return sso_conf_err(ctx, "ip local pool %s: %s is not an IPv4 "
		    "address", a->s[0], parse_ip(a->s[1], &first) == -1 ?
		    a->s[1] : a->s[2]);
	if (pool_set_add(sub_conf.pools, a->s[0], first, last, &why) == NULL)
		return sso_conf_err(ctx, "ip local pool %s %s %s: %s", a->s[0],
		    a->s[1], a->s[2], why ? why : "refused");
	return 0;
}

static int
c_tun(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	size_t i, n = strlen(a->s[0]);

	if (no) {
		sub_conf.tun_name[0] = '\0';
		return 0;
	}
	if (n == 0 || n >= IFNAMSIZ)
		return sso_conf_err(ctx, "data-device %s: an interface name "
		    "has 1 to %d characters", a->s[0], IFNAMSIZ - 1);
	for (i = 0; i < n; i++)
		if (a->s[0][i] == '/' || a->s[0][i] == '%' ||
		    a->s[0][i] == ':')
			return sso_conf_err(ctx, "data-device %s: '%c' is not "
			    "allowed in an interface name", a->s[0],
			    a->s[0][i]);
	memcpy(sub_conf.tun_name, a->s[0], n + 1);
	sub_conf.line_tun = ctx->line;
	return 0;
}

/* "Loopback0", "Virtual-Template1" (any case): kind and number */
static int
iface_parse(const char *name, const char *kind, unsigned *num)
{
	size_t k = strlen(kind);
	char *end;
	unsigned long v;

	if (strncasecmp(name, kind, k) != 0 || name[k] < '0' ||
	    name[k] > '9')
		return -1;
	v = strtoul(name + k, &end, 10);
	if (*end != '\0' || v > SUB_VT_NUM_MAX)
		return -1;
	*num = (unsigned)v;
	return 0;
}

static void
vt_defaults(struct sub_vt *v, unsigned num)
{
	memset(v, 0, sizeof(*v));
	v->num = num;
	/* IOS: no ppp authentication line, no authentication */
	v->ka_period = SUB_KA_PERIOD;
	v->ka_retries = SUB_KA_RETRIES;
	v->mtu = SUB_MTU;
}

static int
c_iface(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	unsigned num;

	if (iface_parse(a->s[0], "Loopback", &num) == 0) {
		struct sub_lo *l = sub_lo_find(num);

		if (l == NULL) {
			if (sub_conf.nlo == SUB_LO_MAX)
				return sso_conf_err(ctx, "at most %d Loopback "
				    "interfaces", SUB_LO_MAX);
			l = &sub_conf.lo[sub_conf.nlo++];
			memset(l, 0, sizeof(*l));
			l->num = num;
		}
		l->line = ctx->line;
		ctx->block = l;
		return 0;
	}
	if (iface_parse(a->s[0], "Virtual-Template", &num) == 0 && num > 0) {
		struct sub_vt *v = sub_vt_find(num);

		if (v == NULL) {
			if (sub_conf.nvt == SUB_VT_MAX)
				return sso_conf_err(ctx, "at most %d "
				    "Virtual-Template interfaces", SUB_VT_MAX);
			v = &sub_conf.vt[sub_conf.nvt++];
			vt_defaults(v, num);
		}
		v->line = ctx->line;
		ctx->block = v;
		return 0;
	}
	return sso_conf_err(ctx, "interface %s: only LoopbackN (0-%d) and "
	    "Virtual-TemplateN (1-%d) exist here", a->s[0], SUB_VT_NUM_MAX,
	    SUB_VT_NUM_MAX);
}

enum icmd {
	I_ADDRESS, I_UNNUMBERED, I_POOL, I_AUTH, I_DNS, I_KEEPALIVE, I_MTU,
	I_MSS
};

static int
is_lo(const void *block)
{
	return block >= (const void *)&sub_conf.lo[0] &&
	    block < (const void *)&sub_conf.lo[SUB_LO_MAX];
}

static int
c_lo(struct sso_conf_ctx *ctx, int no, const struct sso_args *a)
{
	struct sub_lo *l = ctx->block;
	uint32_t addr, mask;
	int plen;

	if (no) {
		l->addr = l->mask = 0;
		return 0;
	}
	if (parse_ip(a->s[0], &addr) == -1 || parse_ip(a->s[1], &mask) == -1)
		return sso_conf_err(ctx, "ip address %s %s: expected an IPv4 "
		    "address and mask", a->s[0], a->s[1]);
	if ((plen = mask_plen(mask)) <= 0)
		return sso_conf_err(ctx, "ip address %s %s: not a contiguous "
		    "netmask", a->s[0], a->s[1]);
	if (addr == 0 || (addr >> 24) == 127 || (addr >> 28) >= 14)
		return sso_conf_err(ctx, "ip address %s: not a unicast "
		    "address", a->s[0]);
	l->addr = addr;
	l->mask = mask;
	l->plen = (unsigned)plen;
	return 0;
}

static int
c_vt(struct sso_conf_ctx *ctx, enum icmd cmd, int no,
    const struct sso_args *a)
{
	struct sub_vt *v = ctx->block;
	unsigned num;
	int i;

	switch (cmd) {
	case I_UNNUMBERED:
		if (no) {
			v->unnumbered = 0;
			break;
		}
		if (iface_parse(a->s[0], "Loopback", &num) == -1)
			return sso_conf_err(ctx, "ip unnumbered %s: expected "
			    "LoopbackN", a->s[0]);
		v->unnumbered = 1;
		v->unnum_lo = num;
		v->line_unnum = ctx->line;
		break;
	case I_POOL:
		if (no) {
			v->pool[0] = '\0';
			break;
		}
		if (strlen(a->s[0]) >= POOL_NAME_MAX)
			return sso_conf_err(ctx, "pool name too long");
		snprintf(v->pool, sizeof(v->pool), "%s", a->s[0]);
		v->line_pool = ctx->line;
		break;
	case I_AUTH:
		if (no) {
			v->auth[0] = v->auth[1] = PPP_AUTH_NONE;
			break;
		}
		if (a->n == 2 && a->u[0] == a->u[1])
			return sso_conf_err(ctx, "ppp authentication %s given "
			    "twice", a->s[0]);
		for (i = 0; i < 2; i++)
			v->auth[i] = i < a->n ? (a->u[i] == 0 ? PPP_AUTH_CHAP :
			    PPP_AUTH_PAP) : PPP_AUTH_NONE;
		break;
	case I_DNS:
		v->dns[0] = v->dns[1] = 0;
		if (no)
			break;
		for (i = 0; i < a->n; i++)
			if (parse_ip(a->s[i], &v->dns[i]) == -1 ||
			    v->dns[i] == 0)
				return sso_conf_err(ctx, "ppp ipcp dns %s: not "
				    "an IPv4 address", a->s[i]);
		break;
	case I_KEEPALIVE:
		v->keepalive_off = no;
		v->ka_period = a->n > 0 ? a->u[0] : SUB_KA_PERIOD;
		v->ka_retries = a->n > 1 ? a->u[1] : SUB_KA_RETRIES;
		break;
	case I_MTU:
		v->mtu = no ? SUB_MTU : a->u[0];
		break;
	case I_MSS:
		v->adjust_mss = no ? 0 : a->u[0];
		break;
	default:
		break;
	}
	return 0;
}

static int
c_icmd(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	enum icmd cmd = (enum icmd)(intptr_t)arg;

	if (ctx->block == NULL)
		return sso_conf_err(ctx, "not inside an interface");
	if (cmd == I_ADDRESS) {
		if (!is_lo(ctx->block))
			return sso_conf_err(ctx, "ip address: a Virtual-Template "
			    "takes its address with ip unnumbered LoopbackN");
		return c_lo(ctx, no, a);
	}
	if (is_lo(ctx->block))
		return sso_conf_err(ctx, "this command belongs to an interface "
		    "Virtual-TemplateN, not a Loopback");
	return c_vt(ctx, cmd, no, a);
}

/* ---- print-back ---- */

static void
print_methods(struct sso_wbuf *b, const char *list)
{
	struct aaa_method m[AAA_METHODS_MAX];
	size_t i, n = aaa_list_get(sub_conf.aaa, list, m, AAA_METHODS_MAX);

	sso_wbuf_printf(b, "aaa authentication ppp %s", list);
	for (i = 0; i < n; i++)
		if (m[i].type == AAA_M_LOCAL)
			sso_wbuf_printf(b, " local");
		else
			sso_wbuf_printf(b, " group %s", m[i].group);
	sso_wbuf_printf(b, "\n");
}

static void
print_vt(struct sso_wbuf *b, const struct sub_vt *v)
{
	char x[INET_ADDRSTRLEN], y[INET_ADDRSTRLEN];

	sso_wbuf_printf(b, "interface Virtual-Template%u\n", v->num);
	if (v->unnumbered)
		sso_wbuf_printf(b, " ip unnumbered Loopback%u\n", v->unnum_lo);
	if (v->pool[0])
		sso_wbuf_printf(b, " peer default ip address pool %s\n",
		    v->pool);
	if (v->auth[0] != PPP_AUTH_NONE)
		sso_wbuf_printf(b, " ppp authentication %s%s%s\n",
		    v->auth[0] == PPP_AUTH_CHAP ? "chap" : "pap",
		    v->auth[1] == PPP_AUTH_NONE ? "" : " ",
		    v->auth[1] == PPP_AUTH_NONE ? "" : v->auth[1] ==
		    PPP_AUTH_CHAP ? "chap" : "pap");
	if (v->dns[0])
		sso_wbuf_printf(b, " ppp ipcp dns %s%s%s\n", ip_text(v->dns[0],
		    x, sizeof(x)), v->dns[1] ? " " : "", v->dns[1] ?
		    ip_text(v->dns[1], y, sizeof(y)) : "");
	if (v->keepalive_off)
		sso_wbuf_printf(b, " no keepalive\n");
	else
		sso_wbuf_printf(b, " keepalive %u %u\n", v->ka_period,
		    v->ka_retries);
	sso_wbuf_printf(b, " mtu %u\n", v->mtu);
	if (v->adjust_mss)
		sso_wbuf_printf(b, " ip tcp adjust-mss %u\n", v->adjust_mss);
}

static void
print_sub(void *arg, struct sso_wbuf *b)
{
	char x[INET_ADDRSTRLEN], y[INET_ADDRSTRLEN];
	const char *name;
	struct pool *p;
	size_t i;

	if (aaa_new_model(sub_conf.aaa))
		sso_wbuf_printf(b, "aaa new-model\n");
	for (i = 0; (name = aaa_list_name(sub_conf.aaa, i)) != NULL; i++)
		print_methods(b, name);
	/* never the password (no secret in show output) */
	for (i = 0; (name = aaa_user_get(sub_conf.aaa, i)) != NULL; i++)
		sso_wbuf_printf(b, "username %s password <hidden>\n", name);
	for (i = 0; (p = pool_set_get(sub_conf.pools, i)) != NULL; i++)
		sso_wbuf_printf(b, "ip local pool %s %s %s\n", pool_name(p),
		    ip_text(pool_first(p), x, sizeof(x)), ip_text(pool_last(p),
		    y, sizeof(y)));
	if (sub_conf.tun_name[0])
		sso_wbuf_printf(b, "subscriber data-device %s\n",
		    sub_conf.tun_name);
	for (i = 0; i < sub_conf.nlo; i++) {
		sso_wbuf_printf(b, "interface Loopback%u\n",
		    sub_conf.lo[i].num);
		if (sub_conf.lo[i].addr)
			sso_wbuf_printf(b, " ip address %s %s\n",
			    ip_text(sub_conf.lo[i].addr, x, sizeof(x)),
			    ip_text(sub_conf.lo[i].mask, y, sizeof(y)));
	}
	for (i = 0; i < sub_conf.nvt; i++)
		print_vt(b, &sub_conf.vt[i]);
	if (aaa_new_model(sub_conf.aaa) || aaa_user_count(sub_conf.aaa) ||
	    pool_set_count(sub_conf.pools) || sub_conf.nlo || sub_conf.nvt ||
	    sub_conf.tun_name[0])
		sso_wbuf_printf(b, "!\n");
}

/* ---- cross-line checks ---- */

static int
check_vt(struct sso_conf_ctx *ctx, const struct sub_vt *v)
{
	const struct sub_lo *l;

	if (v->unnumbered && ((l = sub_lo_find(v->unnum_lo)) == NULL ||
	    l->addr == 0)) {
		ctx->line = v->line_unnum;
		return sso_conf_err(ctx, "interface Virtual-Template%u: ip "
		    "unnumbered Loopback%u, which has no ip address", v->num,
		    v->unnum_lo);
	}
	if (v->pool[0] && pool_set_find(sub_conf.pools, v->pool) == NULL) {
		ctx->line = v->line_pool;
		return sso_conf_err(ctx, "interface Virtual-Template%u: no ip "
		    "local pool %s", v->num, v->pool);
	}
	return 0;
}

static int
check_sub(struct sso_conf_ctx *ctx, void *arg)
{
	const struct sub_vt *v;
	struct svc_group *g;
	size_t i;

	struct aaa_method m[AAA_METHODS_MAX];
	const char *name;
	size_t j, n;

	/* `group NAME` of a method list: an aaa group server radius */
	for (i = 0; (name = aaa_list_name(sub_conf.aaa, i)) != NULL; i++) {
		n = aaa_list_get(sub_conf.aaa, name, m, AAA_METHODS_MAX);
		for (j = 0; j < n; j++)
			if (m[j].type == AAA_M_GROUP &&
			    !sub_aaa_group_known(m[j].group)) {
				ctx->line = sub_conf.line_auth;
				return sso_conf_err(ctx, "aaa authentication "
				    "ppp %s: no aaa group server radius %s",
				    name, m[j].group);
			}
	}
	for (i = 0; i < sub_conf.nvt; i++)
		if (check_vt(ctx, &sub_conf.vt[i]) == -1)
			return -1;
	TAILQ_FOREACH(g, &svc.groups, entry) {
		if (g->vtemplate == 0)
			continue;
		ctx->line = g->line_vt;
		if ((v = sub_vt_find(g->vtemplate)) == NULL)
			return sso_conf_err(ctx, "vpdn-group %s: virtual-template "
			    "%u: no interface Virtual-Template%u", g->g.name,
			    g->vtemplate, g->vtemplate);
		if (!g->g.accept_dialin)
			return sso_conf_err(ctx, "vpdn-group %s: virtual-template "
			    "needs accept-dialin (the LNS side)", g->g.name);
		if (g->g.data_reflect)
			return sso_conf_err(ctx, "vpdn-group %s: l2tp data "
			    "reflect and virtual-template exclude each other",
			    g->g.name);
		if (!v->unnumbered)
			return sso_conf_err(ctx, "vpdn-group %s: interface "
			    "Virtual-Template%u has no ip unnumbered LoopbackN "
			    "(our IPCP address)", g->g.name, v->num);
		if (v->pool[0] == '\0')
			return sso_conf_err(ctx, "vpdn-group %s: interface "
			    "Virtual-Template%u has no peer default ip address "
			    "pool", g->g.name, v->num);
	}
	return 0;
}

/* ---- reload ---- */

struct sub_saved {
	struct aaa	*aaa;		/* settings only */
	struct pool_set	*pools;
	struct sub_lo	 lo[SUB_LO_MAX];
	size_t		 nlo;
	struct sub_vt	 vt[SUB_VT_MAX];
	size_t		 nvt;
	char		 tun_name[IFNAMSIZ];
};

static void
conf_defaults(void)
{
	sub_conf.nlo = sub_conf.nvt = 0;
	memset(sub_conf.lo, 0, sizeof(sub_conf.lo));
	memset(sub_conf.vt, 0, sizeof(sub_conf.vt));
	sub_conf.tun_name[0] = '\0';
	sub_conf.line_tun = sub_conf.line_auth = 0;
}

static void *
sub_save(void *arg)
{
	struct sub_saved *o;

	if ((o = calloc(1, sizeof(*o))) == NULL || (o->aaa = aaa_create()) ==
	    NULL || (o->pools = pool_set_create()) == NULL)
		sso_fatal("out of memory");
	aaa_conf_move(o->aaa, sub_conf.aaa);
	/* the running pools keep their leases: swapped, not copied */
	pool_set_destroy(o->pools);
	o->pools = sub_conf.pools;
	if ((sub_conf.pools = pool_set_create()) == NULL)
		sso_fatal("out of memory");
	memcpy(o->lo, sub_conf.lo, sizeof(o->lo));
	o->nlo = sub_conf.nlo;
	memcpy(o->vt, sub_conf.vt, sizeof(o->vt));
	o->nvt = sub_conf.nvt;
	memcpy(o->tun_name, sub_conf.tun_name, sizeof(o->tun_name));
	conf_defaults();
	return o;
}

static int
pools_same(const struct pool_set *a, const struct pool_set *b)
{
	struct pool *x, *y;
	size_t i;

	if (pool_set_count(a) != pool_set_count(b))
		return 0;
	for (i = 0; (x = pool_set_get(a, i)) != NULL; i++) {
		y = pool_set_get(b, i);
		if (y == NULL || strcmp(pool_name(x), pool_name(y)) != 0 ||
		    pool_first(x) != pool_first(y) || pool_last(x) !=
		    pool_last(y))
			return 0;
	}
	return 1;
}

static void
sub_keep(void *arg, void *saved, struct sso_conf_reload *rl)
{
	struct sub_saved *o = saved;
	const char *why = "cannot change at run time (restart needed), "
	    "keeping the running value";

	/* leases live in the running pools: they stay, changed or not */
	if (!pools_same(o->pools, sub_conf.pools))
		sso_conf_refuse(rl, "ip local pool", "%s", why);
	/* the TUN's address and routes are set when it opens */
	if (o->nlo != sub_conf.nlo || memcmp(o->lo, sub_conf.lo,
	    sizeof(o->lo)) != 0) {
		sso_conf_refuse(rl, "interface Loopback", "%s", why);
		memcpy(sub_conf.lo, o->lo, sizeof(o->lo));
		sub_conf.nlo = o->nlo;
	}
	if (strcmp(o->tun_name, sub_conf.tun_name) != 0) {
		sso_conf_refuse(rl, "subscriber data-device", "%s", why);
		memcpy(sub_conf.tun_name, o->tun_name, sizeof(o->tun_name));
	}
}

static void
sub_commit(void *arg, void *saved)
{
	struct sub_saved *o = saved;

	/* the running pool set stays (keep() refused any change) */
	pool_set_destroy(sub_conf.pools);
	sub_conf.pools = o->pools;
	aaa_destroy(o->aaa);
	free(o);
}

static void
sub_rollback(void *arg, void *saved)
{
	struct sub_saved *o = saved;

	aaa_conf_move(sub_conf.aaa, o->aaa);
	pool_set_destroy(sub_conf.pools);
	sub_conf.pools = o->pools;
	memcpy(sub_conf.lo, o->lo, sizeof(o->lo));
	sub_conf.nlo = o->nlo;
	memcpy(sub_conf.vt, o->vt, sizeof(o->vt));
	sub_conf.nvt = o->nvt;
	memcpy(sub_conf.tun_name, o->tun_name, sizeof(o->tun_name));
	aaa_destroy(o->aaa);
	free(o);
}

static const struct sso_conf_module sub_module = {
	.name = "subscriber",
	.save = sub_save,
	.keep = sub_keep,
	.commit = sub_commit,
	.rollback = sub_rollback,
};

#define ONCE	SSO_CONF_ONCE
#define I(pat, flags, what) \
	sso_conf_register("interface", pat, flags, c_icmd, (void *)(intptr_t)what)

void
sub_conf_register(void)
{
	if ((sub_conf.aaa = aaa_create()) == NULL ||
	    (sub_conf.pools = pool_set_create()) == NULL)
		sso_fatal("out of memory");
	sso_conf_register(NULL, "aaa new-model", SSO_CONF_NO | ONCE,
	    c_newmodel, NULL);
	sso_conf_register(NULL, "aaa authentication ppp <word> <line>",
	    ONCE | SSO_CONF_SEL, c_authen, NULL);
	sso_conf_register(NULL, "username <word> password <word>",
	    SSO_CONF_NO | ONCE | SSO_CONF_SEL, c_username, NULL);
	sso_conf_register(NULL, "ip local pool <word> <word> <word>",
	    ONCE | SSO_CONF_SEL, c_pool, NULL);
	sso_conf_register(NULL, "subscriber data-device <word>",
	    SSO_CONF_NO | ONCE, c_tun, NULL);
	sso_conf_register(NULL, "interface <word>", SSO_CONF_BLOCK | ONCE |
	    SSO_CONF_SEL, c_iface, NULL);
	I("ip address <word> <word>", SSO_CONF_NO | ONCE, I_ADDRESS);
	I("ip unnumbered <word>", SSO_CONF_NO | ONCE, I_UNNUMBERED);
	I("peer default ip address pool <word>", SSO_CONF_NO | ONCE, I_POOL);
	I("ppp authentication {chap|pap}", SSO_CONF_NO | ONCE, I_AUTH);
	I("ppp authentication {chap|pap} {chap|pap}", SSO_CONF_NO | ONCE,
	    I_AUTH);
	I("ppp ipcp dns <word>", SSO_CONF_NO | ONCE, I_DNS);
	I("ppp ipcp dns <word> <word>", SSO_CONF_NO | ONCE, I_DNS);
	I("keepalive", SSO_CONF_NO | ONCE, I_KEEPALIVE);
	I("keepalive <uint:1-32767>", SSO_CONF_NO | ONCE, I_KEEPALIVE);
	I("keepalive <uint:1-32767> <uint:1-255>", SSO_CONF_NO | ONCE,
	    I_KEEPALIVE);
	I("mtu <uint:128-1500>", SSO_CONF_NO | ONCE, I_MTU);
	I("ip tcp adjust-mss <uint:500-1460>", SSO_CONF_NO | ONCE, I_MSS);
	sso_conf_printer(9, print_sub, NULL);
	sso_conf_validator(check_sub, NULL);
	sso_conf_module(&sub_module, NULL);
}
