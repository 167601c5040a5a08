/*
 * conf.c - L2TP/VPDN configuration commands (the seed's IOS forms):
 *
 *   vpdn enable
 *   l2tp listen ADDRESS [PORT]            (default port 1701)
 *   [no] l2tp sso enable                  (default on)
 *   l2tp ack-delay MS                     (delayed ZLB ack, default 100)
 *   vpdn-group NAME
 *    accept-dialin | request-dialin
 *    protocol l2tp
 *    terminate-from hostname HOST
 *    initiate-to ip ADDRESS [port PORT]
 *    local name NAME
 *    l2tp tunnel password SECRET
 *    l2tp tunnel hello SECONDS            (0 = off; default 60)
 *    l2tp tunnel receive-window N         (default 4)
 *    l2tp tunnel retransmit retries N     (default 5)
 *    l2tp tunnel retransmit timeout {min|max} SECONDS  (default 1 / 8)
 *    l2tp tunnel resync N                 (default 20)
 *    [no] sso enable                      (default on)
 *    l2tp data reflect                    (test mode: echo session payload)
 *    [no] l2tp tunnel failover [recovery-time MS]  (RFC 4951, default off;
 *                                          recovery time default 10000)
 *    virtual-template N                   (PPP on every session: sub*.c)
 *    lcp renegotiation {always|on-mismatch}  (proxy LCP from the LAC)
 * IOS nests "protocol l2tp" under accept-dialin; any indentation depth
 * inside a vpdn-group is accepted here.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc_local.h"

static int
parse_addr(const char *text, unsigned port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*len = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, text, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*s6);
		return 0;
	}
	return -1;
}

static int
c_vpdn(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	svc.vpdn_enabled = !no;
	return 0;
}

static int
c_listen(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	unsigned port = a->n > 1 ? a->u[1] : L2TP_PORT;

	if (parse_addr(a->s[0], port, &svc.listen, &svc.listen_len) == -1)
		return sso_conf_err(ctx, "l2tp listen %s: not an IPv4 or IPv6 "
		    "address", a->s[0]);
	snprintf(svc.listen_text, sizeof(svc.listen_text), "%s", a->s[0]);
	svc.listen_port = port;
	svc.have_listen = 1;
	return 0;
}

static int
c_ackdelay(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	svc.ack_delay_ms = a->u[0];
	l2tp_ctx_set_ack_delay(svc.ctx, a->u[0]);
	return 0;
}

static int
c_sso(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	svc.sso_enabled = !no;
	return 0;
}

static int
c_group(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	struct svc_group *g;

	if (strlen(a->s[0]) >= L2TP_NAME_MAX)
		return sso_conf_err(ctx, "vpdn-group name too long (max %d)",
		    L2TP_NAME_MAX - 1);
	if ((g = svc_group_find(a->s[0])) == NULL) {
		if ((g = calloc(1, sizeof(*g))) == NULL)
			return sso_conf_err(ctx, "out of memory");
		l2tp_group_defaults(&g->g);
		snprintf(g->g.name, sizeof(g->g.name), "%s", a->s[0]);
		g->sso = 1;
		g->resync = SVC_RESYNC_DEFAULT;
		g->rx_window_cfg = g->g.rx_window;
		TAILQ_INSERT_TAIL(&svc.groups, g, entry);
	}
	g->line = ctx->line;
	ctx->block = g;
	return 0;
}

enum gcmd {
	G_ACCEPT, G_REQUEST, G_PROTOCOL, G_TERMINATE, G_INITIATE,
	G_INITIATE_PORT, G_LOCAL, G_PASSWORD, G_HELLO, G_WINDOW, G_RETRIES,
	G_TIMEOUT, G_RESYNC, G_SSO, G_REFLECT, G_FAILOVER, G_VTEMPLATE,
	G_LCP_RENEG
};

static int
c_gcmd(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	struct svc_group *g = ctx->block;
	struct sockaddr_storage ss;
	socklen_t len;

	if (g == NULL)
		return sso_conf_err(ctx, "not inside a vpdn-group");
	switch ((enum gcmd)(intptr_t)arg) {
	case G_ACCEPT:
		g->g.accept_dialin = !no;
		g->line_accept = ctx->line;
		break;
	case G_REQUEST:
		g->g.request_dialin = !no;
		g->line_request = ctx->line;
		break;
	case G_PROTOCOL:
		g->protocol_l2tp = !no;
		g->line_protocol = ctx->line;
		break;
	case G_TERMINATE:
		if (strlen(a->s[0]) >= L2TP_NAME_MAX)
			return sso_conf_err(ctx, "host name too long");
		snprintf(g->g.terminate_from, sizeof(g->g.terminate_from),
		    "%s", no ? "" : a->s[0]);
		break;
	case G_INITIATE:
	case G_INITIATE_PORT:
		if (parse_addr(a->s[0], a->n > 1 ? a->u[1] : L2TP_PORT, &ss,
		    &len) == -1)
			return sso_conf_err(ctx, "initiate-to ip %s: not an IP "
			    "address", a->s[0]);
		memcpy(&g->g.initiate_to, &ss, sizeof(ss));
		g->g.initiate_to_len = len;
		snprintf(g->initiate_text, sizeof(g->initiate_text), "%s",
		    a->s[0]);
		g->initiate_port = a->n > 1 ? a->u[1] : L2TP_PORT;
		g->has_initiate = 1;
		break;
	case G_LOCAL:
		if (strlen(a->s[0]) >= L2TP_NAME_MAX)
			return sso_conf_err(ctx, "local name too long");
		snprintf(g->g.local_name, sizeof(g->g.local_name), "%s",
		    a->s[0]);
		break;
	case G_PASSWORD:
		if (no) {
			g->g.password[0] = '\0';
			break;
		}
		if (a->n == 0)
			return sso_conf_err(ctx, "l2tp tunnel password: expected "
			    "the secret (\"no l2tp tunnel password\" removes "
			    "it)");
		if (strcmp(a->s[0], "<hidden>") == 0)
			return sso_conf_err(ctx, "\"<hidden>\" is what show "
			    "running-config prints instead of the secret: put "
			    "the real tunnel password in the file");
		if (strlen(a->s[0]) >= L2TP_SECRET_MAX)
			return sso_conf_err(ctx, "tunnel password longer than "
			    "%d characters", L2TP_SECRET_MAX - 1);
		snprintf(g->g.password, sizeof(g->g.password), "%s", a->s[0]);
		break;
	case G_HELLO:
		g->g.hello_interval = a->u[0];
		break;
	case G_WINDOW:
		g->rx_window_cfg = g->g.rx_window = (uint16_t)a->u[0];
		break;
	case G_RETRIES:
		g->g.retries = a->u[0];
		break;
	case G_TIMEOUT:
		if (a->u[0] == 0)
			g->g.rtx_min_ms = a->u[1] * 1000;
		else
			g->g.rtx_max_ms = a->u[1] * 1000;
		g->line_timeout = ctx->line;	/* min <= max: check_groups */
		break;
	case G_RESYNC:
		g->resync = a->u[0];
		break;
	case G_SSO:
		g->sso = !no;
		break;
	case G_REFLECT:
		g->g.data_reflect = !no;
		break;
	case G_FAILOVER:
		g->g.failover = !no;
		if (!no)
			g->g.recovery_ms = a->n > 0 ? a->u[0] : 10000;
		break;
	case G_VTEMPLATE:
		g->vtemplate = no ? 0 : a->u[0];
		g->line_vt = ctx->line;	/* the template exists: sub_conf.c */
		break;
	case G_LCP_RENEG:
		g->lcp_reneg_set = !no;
		g->lcp_reneg_always = !no && a->u[0] == 0;
		break;
	}
	return 0;
}

static void
print_l2tp(void *arg, struct sso_wbuf *b)
{
	struct svc_group *g;

	if (svc.vpdn_enabled)
		sso_wbuf_printf(b, "vpdn enable\n");
	if (svc.have_listen)
		sso_wbuf_printf(b, "l2tp listen %s %u\n", svc.listen_text,
		    svc.listen_port);
	sso_wbuf_printf(b, "%sl2tp sso enable\n", svc.sso_enabled ? "" :
	    "no ");
	sso_wbuf_printf(b, "l2tp ack-delay %u\n", svc.ack_delay_ms);
	TAILQ_FOREACH(g, &svc.groups, entry) {
		sso_wbuf_printf(b, "!\nvpdn-group %s\n", g->g.name);
		if (g->g.accept_dialin)
			sso_wbuf_printf(b, " accept-dialin\n");
		if (g->g.request_dialin)
			sso_wbuf_printf(b, " request-dialin\n");
		if (g->protocol_l2tp)
			sso_wbuf_printf(b, " protocol l2tp\n");
		if (g->g.terminate_from[0])
			sso_wbuf_printf(b, " terminate-from hostname %s\n",
			    g->g.terminate_from);
		if (g->has_initiate)
			sso_wbuf_printf(b, " initiate-to ip %s port %u\n",
			    g->initiate_text, g->initiate_port);
		if (g->g.local_name[0])
			sso_wbuf_printf(b, " local name %s\n", g->g.local_name);
		/* never print the secret (no secret in show output); the
		 * parser refuses this placeholder with a clear error */
		if (g->g.password[0])
			sso_wbuf_printf(b, " l2tp tunnel password <hidden>\n");
		sso_wbuf_printf(b, " l2tp tunnel hello %u\n",
		    g->g.hello_interval);
		sso_wbuf_printf(b, " l2tp tunnel receive-window %u\n",
		    g->rx_window_cfg);
		sso_wbuf_printf(b, " l2tp tunnel retransmit retries %u\n",
		    g->g.retries);
		sso_wbuf_printf(b, " l2tp tunnel retransmit timeout min %u\n",
		    g->g.rtx_min_ms / 1000);
		sso_wbuf_printf(b, " l2tp tunnel retransmit timeout max %u\n",
		    g->g.rtx_max_ms / 1000);
		sso_wbuf_printf(b, " l2tp tunnel resync %u\n", g->resync);
		sso_wbuf_printf(b, " %ssso enable\n", g->sso ? "" : "no ");
		if (g->g.data_reflect)
			sso_wbuf_printf(b, " l2tp data reflect\n");
		if (g->g.failover)
			sso_wbuf_printf(b, " l2tp tunnel failover recovery-time "
			    "%u\n", g->g.recovery_ms);
		if (g->vtemplate)
			sso_wbuf_printf(b, " virtual-template %u\n",
			    g->vtemplate);
		if (g->lcp_reneg_set)
			sso_wbuf_printf(b, " lcp renegotiation %s\n",
			    g->lcp_reneg_always ? "always" : "on-mismatch");
	}
	sso_wbuf_printf(b, "!\n");
}

/* cross-line checks of each vpdn-group */
static int
check_groups(struct sso_conf_ctx *ctx, void *arg)
{
	struct svc_group *g;

	TAILQ_FOREACH(g, &svc.groups, entry) {
		if (g->g.accept_dialin && g->g.request_dialin) {
			ctx->line = g->line_accept > g->line_request ?
			    g->line_accept : g->line_request;
			return sso_conf_err(ctx, "vpdn-group %s: both "
			    "accept-dialin (line %d) and request-dialin (line "
			    "%d): a group is either the LNS or the LAC side",
			    g->g.name, g->line_accept, g->line_request);
		}
		if (g->g.rtx_min_ms > g->g.rtx_max_ms) {
			ctx->line = g->line_timeout;
			return sso_conf_err(ctx, "vpdn-group %s: retransmit "
			    "timeout min %u s is above max %u s", g->g.name,
			    g->g.rtx_min_ms / 1000, g->g.rtx_max_ms / 1000);
		}
		if (g->g.accept_dialin && !g->protocol_l2tp) {
			ctx->line = g->line_accept;
			return sso_conf_err(ctx, "vpdn-group %s: accept-dialin "
			    "without \"protocol l2tp\" accepts no tunnel",
			    g->g.name);
		}
	}
	return 0;
}

/* reload: the service's settings */

struct svc_saved {
	int		 vpdn_enabled, sso_enabled, have_listen;
	unsigned	 ack_delay_ms, listen_port;
	struct sockaddr_storage listen;
	socklen_t	 listen_len;
	char		 listen_text[80];
	struct svc_groups groups;
};

static void
groups_free(struct svc_groups *h)
{
	struct svc_group *g;

	while ((g = TAILQ_FIRST(h)) != NULL) {
		TAILQ_REMOVE(h, g, entry);
		explicit_bzero(g->g.password, sizeof(g->g.password));
		free(g);
	}
}

static void
groups_move(struct svc_groups *to, struct svc_groups *from)
{
	struct svc_group *g;

	TAILQ_INIT(to);
	while ((g = TAILQ_FIRST(from)) != NULL) {
		TAILQ_REMOVE(from, g, entry);
		TAILQ_INSERT_TAIL(to, g, entry);
	}
}

static void *
svc_save(void *arg)
{
	struct svc_saved *o;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		sso_fatal("out of memory");
	o->vpdn_enabled = svc.vpdn_enabled;
	o->sso_enabled = svc.sso_enabled;
	o->have_listen = svc.have_listen;
	o->ack_delay_ms = svc.ack_delay_ms;
	o->listen_port = svc.listen_port;
	o->listen = svc.listen;
	o->listen_len = svc.listen_len;
	memcpy(o->listen_text, svc.listen_text, sizeof(o->listen_text));
	groups_move(&o->groups, &svc.groups);
	/* the defaults of l2tp_svc_init() */
	svc.vpdn_enabled = svc.have_listen = 0;
	svc.sso_enabled = 1;
	svc.ack_delay_ms = 100;
	svc.listen_port = 0;
	svc.listen_len = 0;
	svc.listen_text[0] = '\0';
	memset(&svc.listen, 0, sizeof(svc.listen));
	return o;
}

static void
svc_restore_top(const struct svc_saved *o)
{
	svc.vpdn_enabled = o->vpdn_enabled;
	svc.sso_enabled = o->sso_enabled;
	svc.have_listen = o->have_listen;
	svc.ack_delay_ms = o->ack_delay_ms;
	svc.listen_port = o->listen_port;
	svc.listen = o->listen;
	svc.listen_len = o->listen_len;
	memcpy(svc.listen_text, o->listen_text, sizeof(svc.listen_text));
}

static void
keep_groups(struct svc_saved *o, struct sso_conf_reload *rl,
    const char *why)
{
	struct svc_group *og, *ng, *next;
	char key[L2TP_NAME_MAX + 16];

	for (og = TAILQ_FIRST(&o->groups); og; og = next) {
		next = TAILQ_NEXT(og, entry);
		snprintf(key, sizeof(key), "vpdn-group %s", og->g.name);
		if ((ng = svc_group_find(og->g.name)) == NULL) {
			/* its tunnels' checkpoints are found by group name */
			sso_conf_refuse(rl, key, "removing a vpdn-group %s",
			    why);
			TAILQ_REMOVE(&o->groups, og, entry);
			TAILQ_INSERT_TAIL(&svc.groups, og, entry);
		} else if (ng->sso != og->sso) {
			sso_conf_refuse(rl, key, "sso enable %s", why);
			ng->sso = og->sso;
		}
	}
	/* as l2tp_svc_start(): with HA the advertised window is the resync
	 * budget, never above the configured one */
	TAILQ_FOREACH(ng, &svc.groups, entry)
		ng->g.rx_window = (svc.sso_enabled && ng->sso && ng->resync <
		    ng->rx_window_cfg) ? (uint16_t)ng->resync :
		    ng->rx_window_cfg;
}

static void
svc_keep(void *arg, void *saved, struct sso_conf_reload *rl)
{
	struct svc_saved *o = saved;
	const char *why = "cannot change at run time (restart needed), "
	    "keeping the running value";

	if (svc.have_listen != o->have_listen || svc.listen_port !=
	    o->listen_port || strcmp(svc.listen_text, o->listen_text) != 0) {
		sso_conf_refuse(rl, "l2tp listen", "%s", why);
		svc.have_listen = o->have_listen;
		svc.listen_port = o->listen_port;
		svc.listen = o->listen;
		svc.listen_len = o->listen_len;
		memcpy(svc.listen_text, o->listen_text,
		    sizeof(svc.listen_text));
	}
	/* the socket is bound (or not) at the takeover */
	if (svc.vpdn_enabled != o->vpdn_enabled) {
		sso_conf_refuse(rl, "vpdn enable", "%s", why);
		svc.vpdn_enabled = o->vpdn_enabled;
	}
	/* the checkpoint client is registered at start-up */
	if (svc.sso_enabled != o->sso_enabled) {
		sso_conf_refuse(rl, "l2tp sso enable", "%s", why);
		svc.sso_enabled = o->sso_enabled;
	}
	keep_groups(o, rl, why);
}

static void
svc_commit(void *arg, void *saved)
{
	struct svc_saved *o = saved;

	/* running tunnels keep the copy of the group they started with */
	groups_free(&o->groups);
	free(o);
	l2tp_ctx_set_ack_delay(svc.ctx, svc.ack_delay_ms);
}

static void
svc_rollback(void *arg, void *saved)
{
	struct svc_saved *o = saved;

	groups_free(&svc.groups);
	groups_move(&svc.groups, &o->groups);
	svc_restore_top(o);
	free(o);
	l2tp_ctx_set_ack_delay(svc.ctx, svc.ack_delay_ms);
}

static const struct sso_conf_module svc_module = {
	.name = "l2tp",
	.save = svc_save,
	.keep = svc_keep,
	.commit = svc_commit,
	.rollback = svc_rollback,
};

#define ONCE	SSO_CONF_ONCE
#define G(pat, flags, what) \
	sso_conf_register("vpdn-group", pat, flags, c_gcmd, (void *)(intptr_t)what)

void
svc_conf_register(void)
{
	sso_conf_register(NULL, "vpdn enable", SSO_CONF_NO | ONCE, c_vpdn,
	    NULL);
	sso_conf_register(NULL, "l2tp listen <word>", ONCE, c_listen, NULL);
	sso_conf_register(NULL, "l2tp listen <word> <uint:1-65535>", ONCE,
	    c_listen, NULL);
	sso_conf_register(NULL, "l2tp sso enable", SSO_CONF_NO | ONCE, c_sso,
	    NULL);
	sso_conf_register(NULL, "l2tp ack-delay <uint:0-1000>", ONCE,
	    c_ackdelay, NULL);
	sso_conf_register(NULL, "vpdn-group <word>", SSO_CONF_BLOCK | ONCE |
	    SSO_CONF_SEL, c_group, NULL);
	G("accept-dialin", SSO_CONF_NO | ONCE, G_ACCEPT);
	G("request-dialin", SSO_CONF_NO | ONCE, G_REQUEST);
	G("protocol l2tp", SSO_CONF_NO | ONCE, G_PROTOCOL);
	G("terminate-from hostname <word>", SSO_CONF_NO | ONCE, G_TERMINATE);
	G("initiate-to ip <word>", ONCE, G_INITIATE);
	G("initiate-to ip <word> port <uint:1-65535>", ONCE, G_INITIATE_PORT);
	G("local name <word>", ONCE, G_LOCAL);
	G("l2tp tunnel password <word>", SSO_CONF_NO | ONCE, G_PASSWORD);
	G("l2tp tunnel password", SSO_CONF_NO | ONCE, G_PASSWORD);
	G("l2tp tunnel hello <uint:0-1000>", ONCE, G_HELLO);
	G("l2tp tunnel receive-window <uint:1-1024>", ONCE, G_WINDOW);
	G("l2tp tunnel retransmit retries <uint:1-1000>", ONCE, G_RETRIES);
	G("l2tp tunnel retransmit timeout {min|max} <uint:1-60>",
	    ONCE | SSO_CONF_SEL, G_TIMEOUT);
	G("l2tp tunnel resync <uint:1-10000>", ONCE, G_RESYNC);
	G("sso enable", SSO_CONF_NO | ONCE, G_SSO);
	G("l2tp data reflect", SSO_CONF_NO | ONCE, G_REFLECT);
	G("l2tp tunnel failover", SSO_CONF_NO | ONCE, G_FAILOVER);
	G("l2tp tunnel failover recovery-time <uint:100-600000>",
	    SSO_CONF_NO | ONCE, G_FAILOVER);
	G("virtual-template <uint:1-200>", SSO_CONF_NO | ONCE, G_VTEMPLATE);
	G("lcp renegotiation {always|on-mismatch}", SSO_CONF_NO | ONCE,
	    G_LCP_RENEG);
	sso_conf_printer(10, print_l2tp, NULL);
	sso_conf_validator(check_groups, NULL);
	sso_conf_module(&svc_module, NULL);
}
