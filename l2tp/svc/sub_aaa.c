/*
 * sub_aaa.c - RADIUS for the LNS (issue 11): configuration, the librad
 * client and the libaaa "group" method.
 *
 *   radius server NAME
 *    address ipv4 A auth-port N acct-port N
 *    key KEY                      (printed as <hidden>, never logged)
 *    timeout SECONDS              (per try, default 5)
 *    retransmit N                 (extra tries, default 3)
 *    deadtime SECONDS             (revive time, default 60; 0: never dead)
 *   aaa group server radius GROUP
 *    server name NAME             (order = failover order)
 *   aaa accounting network default start-stop group GROUP
 *   aaa accounting update periodic MINUTES
 *   aaa accounting update periodic-seconds SECONDS   (test-only, >= 1)
 *   aaa accounting redundancy best-effort-reuse [send-interim]  (default)
 *   aaa accounting redundancy new-session
 *   aaa accounting redundancy suppress system-records
 *   aaa server radius dynamic-author
 *    client A server-key KEY
 *    port N                       (default 3799)
 *
 * The client is built from the settings at first use and again after a
 * reload that changed them (requests then in flight are answered ERROR:
 * the next method of their list is tried). An Access-Accept's
 * authorisation is handed to the session through sub_aaa_authz() while
 * libaaa delivers the PASS (auth_done in sub.c runs inside that call).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sub_local.h"
#include "render.h"

struct sub_aaa_conf sub_aaa_conf;
struct sso_debug sub_rad_dbg = { .name = "radius" };

static struct {
	struct rad_client *cl;
	int		 dirty;
	TAILQ_HEAD(, rad_pend) pend;
	const struct rad_authz *authz;	/* during a PASS delivery */
} rt = { .dirty = 1 };

struct rad_pend {
	TAILQ_ENTRY(rad_pend) entry;
	struct aaa_req	*areq;		/* auth: libaaa's request */
	struct rad_req	*rreq;
	struct sso_reply *reply;	/* test aaa group */
	uint64_t	 t0;
};

/* ---- configuration ---- */

static struct sub_rad_srv *
sub_rad_srv_find(const char *name)
{
	size_t i;

	for (i = 0; i < sub_aaa_conf.nsrv; i++)
		if (strcmp(sub_aaa_conf.srv[i].c.name, name) == 0)
			return &sub_aaa_conf.srv[i];
	return NULL;
}

static struct sub_rad_grp *
sub_rad_grp_find(const char *name)
{
	size_t i;

	for (i = 0; i < sub_aaa_conf.ngrp; i++)
		if (strcmp(sub_aaa_conf.grp[i].name, name) == 0)
			return &sub_aaa_conf.grp[i];
	return NULL;
}

static int
secret_ok(struct sso_conf_ctx *ctx, const char *k)
{
	if (strcmp(k, "<hidden>") == 0)
		return sso_conf_err(ctx, "\"<hidden>\" is what show "
		    "running-config prints instead of the key: put the real "
		    "key in the file");
	if (strlen(k) > RAD_KEY_MAX)
		return sso_conf_err(ctx, "key longer than %d characters",
		    RAD_KEY_MAX);
	return 0;
}

static int
c_server(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	struct sub_rad_srv *s;

	if (strlen(a->s[0]) >= sizeof(s->c.name))
		return sso_conf_err(ctx, "radius server name longer than %zu "
		    "characters", sizeof(s->c.name) - 1);
	if ((s = sub_rad_srv_find(a->s[0])) == NULL) {
		if (sub_aaa_conf.nsrv == SUB_RAD_SRV_MAX)
			return sso_conf_err(ctx, "at most %d radius servers",
			    SUB_RAD_SRV_MAX);
		s = &sub_aaa_conf.srv[sub_aaa_conf.nsrv++];
		memset(s, 0, sizeof(*s));
		rad_server_conf_init(&s->c);
		snprintf(s->c.name, sizeof(s->c.name), "%s", a->s[0]);
	}
	s->line = ctx->line;
	ctx->block = s;
	return 0;
}

static int
is_srv(const void *b)
{
	return b >= (const void *)&sub_aaa_conf.srv[0] &&
	    b < (const void *)&sub_aaa_conf.srv[SUB_RAD_SRV_MAX];
}

static int
is_grp(const void *b)
{
	return b >= (const void *)&sub_aaa_conf.grp[0] &&
	    b < (const void *)&sub_aaa_conf.grp[SUB_RAD_GRP_MAX];
}

enum scmd { S_ADDRESS, S_KEY, S_TIMEOUT, S_RETRANSMIT, S_DEADTIME };

static int
c_scmd(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	struct sub_rad_srv *s = ctx->block;
	struct sockaddr_in *sin;

	if (s == NULL || !is_srv(s))
		return sso_conf_err(ctx, "not inside a radius server");
	switch ((enum scmd)(intptr_t)arg) {
	case S_ADDRESS:
		sin = (struct sockaddr_in *)&s->c.addr;
		memset(&s->c.addr, 0, sizeof(s->c.addr));
		if (no) {
			s->has_addr = 0;
			return 0;
		}
		if (inet_pton(AF_INET, a->s[0], &sin->sin_addr) != 1)
			return sso_conf_err(ctx, "address ipv4 %s: not an IPv4 "
			    "address", a->s[0]);
		sin->sin_family = AF_INET;
		s->c.auth_port = (uint16_t)a->u[1];
		s->c.acct_port = (uint16_t)a->u[2];
		s->has_addr = 1;
		s->line_addr = ctx->line;
		return 0;
	case S_KEY:
		if (no) {
			explicit_bzero(s->c.key, sizeof(s->c.key));
			return 0;
		}
		if (secret_ok(ctx, a->s[0]) == -1)
			return -1;
		snprintf(s->c.key, sizeof(s->c.key), "%s", a->s[0]);
		return 0;
	case S_TIMEOUT:
		s->c.timeout_ms = no ? 5000 : (unsigned)a->u[0] * 1000;
		return 0;
	case S_RETRANSMIT:
		s->c.retransmit = no ? 3 : (unsigned)a->u[0];
		return 0;
	case S_DEADTIME:
		s->c.deadtime_ms = no ? 60000 : (unsigned)a->u[0] * 1000;
		return 0;
	}
	return -1;
}

static int
c_group(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	struct sub_rad_grp *g;

	if (strlen(a->s[0]) >= sizeof(g->name))
		return sso_conf_err(ctx, "server group name too long");
	if ((g = sub_rad_grp_find(a->s[0])) == NULL) {
		if (sub_aaa_conf.ngrp == SUB_RAD_GRP_MAX)
			return sso_conf_err(ctx, "at most %d server groups",
			    SUB_RAD_GRP_MAX);
		g = &sub_aaa_conf.grp[sub_aaa_conf.ngrp++];
		memset(g, 0, sizeof(*g));
		snprintf(g->name, sizeof(g->name), "%s", a->s[0]);
	}
	g->line = ctx->line;
	ctx->block = g;
	return 0;
}

static int
c_dae(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	sub_aaa_conf.dae_on = !no;
	sub_aaa_conf.ndae = 0;
	ctx->block = &sub_aaa_conf.dae_on;
	return 0;
}

enum acmd { A_SERVER_NAME, A_CLIENT, A_PORT };

static int
c_acmd(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	enum acmd cmd = (enum acmd)(intptr_t)arg;
	struct sub_rad_grp *g = ctx->block;
	struct sub_dae_client *c;
	size_t i;

	if (cmd == A_SERVER_NAME) {
		if (g == NULL || !is_grp(g))
			return sso_conf_err(ctx, "server name: only inside aaa "
			    "group server radius");
		if (strlen(a->s[0]) >= sizeof(g->srv[0]))
			return sso_conf_err(ctx, "radius server name too long");
		for (i = 0; i < g->nsrv; i++)
			if (strcmp(g->srv[i], a->s[0]) == 0)
				break;
		if (no) {
			if (i < g->nsrv) {
				memmove(&g->srv[i], &g->srv[i + 1],
				    (g->nsrv - i - 1) * sizeof(g->srv[0]));
				g->nsrv--;
			}
			return 0;
		}
		if (i < g->nsrv)
			return 0;
		if (g->nsrv == SUB_RAD_GRP_SRV_MAX)
			return sso_conf_err(ctx, "at most %d servers in a "
			    "group", SUB_RAD_GRP_SRV_MAX);
		g->line_srv[g->nsrv] = ctx->line;
		snprintf(g->srv[g->nsrv++], sizeof(g->srv[0]), "%s", a->s[0]);
		return 0;
	}
	if (ctx->block != &sub_aaa_conf.dae_on)
		return sso_conf_err(ctx, "only inside aaa server radius "
		    "dynamic-author");
	if (cmd == A_PORT) {
		sub_aaa_conf.dae_port = no ? SUB_DAE_PORT : (uint16_t)a->u[0];
		return 0;
	}
	if (sub_aaa_conf.ndae == SUB_DAE_CLIENTS_MAX)
		return sso_conf_err(ctx, "at most %d dynamic-author clients",
		    SUB_DAE_CLIENTS_MAX);
	c = &sub_aaa_conf.dae[sub_aaa_conf.ndae];
	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, a->s[0], &c->addr) != 1)
		return sso_conf_err(ctx, "client %s: not an IPv4 address",
		    a->s[0]);
	if (secret_ok(ctx, a->s[1]) == -1)
		return -1;
	snprintf(c->key, sizeof(c->key), "%s", a->s[1]);
	sub_aaa_conf.ndae++;
	return 0;
}

static int
c_acct(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	if (no) {
		sub_aaa_conf.acct_group[0] = '\0';
		return 0;
	}
	if (strlen(a->s[0]) >= sizeof(sub_aaa_conf.acct_group))
		return sso_conf_err(ctx, "group name too long");
	snprintf(sub_aaa_conf.acct_group, sizeof(sub_aaa_conf.acct_group),
	    "%s", a->s[0]);
	sub_aaa_conf.line_acct = ctx->line;
	return 0;
}

static int
c_update(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	if (no)
		sub_aaa_conf.interim_s = 0;
	else
		sub_aaa_conf.interim_s = (unsigned)a->u[0] *
		    (unsigned)(intptr_t)arg;
	return 0;
}

/* arg: 0 best-effort-reuse, 1 ... send-interim, 2 new-session,
 * 3 suppress system-records (beside either of the others, as IOS) */
static int
c_redundancy(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	switch ((intptr_t)arg) {
	case 0:
	case 1:
		sub_aaa_conf.acct_red = SUB_ACCT_RED_REUSE;
		sub_aaa_conf.acct_red_interim = !no && (intptr_t)arg == 1;
		break;
	case 2:
		sub_aaa_conf.acct_red = no ? SUB_ACCT_RED_REUSE :
		    SUB_ACCT_RED_NEW_SESSION;
		sub_aaa_conf.acct_red_interim = 0;
		break;
	default:
		sub_aaa_conf.acct_red_suppress = !no;
		break;
	}
	return 0;
}

/* the list check in sub_conf.c: `group NAME` must be defined */
int
sub_aaa_group_known(const char *name)
{
	return sub_rad_grp_find(name) != NULL;
}

static int
check_aaa(struct sso_conf_ctx *ctx, void *arg)
{
	struct sub_rad_grp *g;
	struct sub_rad_srv *s;
	size_t i, j;

	for (i = 0; i < sub_aaa_conf.nsrv; i++) {
		s = &sub_aaa_conf.srv[i];
		ctx->line = s->line;
		if (!s->has_addr)
			return sso_conf_err(ctx, "radius server %s: no address "
			    "ipv4", s->c.name);
		if (s->c.key[0] == '\0')
			return sso_conf_err(ctx, "radius server %s: no key",
			    s->c.name);
	}
	for (i = 0; i < sub_aaa_conf.ngrp; i++) {
		g = &sub_aaa_conf.grp[i];
		for (j = 0; j < g->nsrv; j++)
			if (sub_rad_srv_find(g->srv[j]) == NULL) {
				ctx->line = g->line_srv[j];
				return sso_conf_err(ctx, "aaa group server "
				    "radius %s: no radius server %s", g->name,
				    g->srv[j]);
			}
	}
	if (sub_aaa_conf.acct_group[0] &&
	    sub_rad_grp_find(sub_aaa_conf.acct_group) == NULL) {
		ctx->line = sub_aaa_conf.line_acct;
		return sso_conf_err(ctx, "aaa accounting: no aaa group server "
		    "radius %s", sub_aaa_conf.acct_group);
	}
	return 0;
}

static void
print_aaa(void *arg, struct sso_wbuf *b)
{
	const struct sub_aaa_conf *c = &sub_aaa_conf;
	const struct sockaddr_in *sin;
	char x[INET_ADDRSTRLEN];
	size_t i, j;

	for (i = 0; i < c->nsrv; i++) {
		sin = (const struct sockaddr_in *)&c->srv[i].c.addr;
		sso_wbuf_printf(b, "radius server %s\n", c->srv[i].c.name);
		if (c->srv[i].has_addr)
			sso_wbuf_printf(b, " address ipv4 %s auth-port %u "
			    "acct-port %u\n", inet_ntop(AF_INET,
			    &sin->sin_addr, x, sizeof(x)),
			    c->srv[i].c.auth_port, c->srv[i].c.acct_port);
		/* never the key (no secret in show output) */
		if (c->srv[i].c.key[0])
			sso_wbuf_printf(b, " key <hidden>\n");
		sso_wbuf_printf(b, " timeout %u\n retransmit %u\n",
		    c->srv[i].c.timeout_ms / 1000, c->srv[i].c.retransmit);
		if (c->srv[i].c.deadtime_ms != 60000)
			sso_wbuf_printf(b, " deadtime %u\n",
			    c->srv[i].c.deadtime_ms / 1000);
	}
	for (i = 0; i < c->ngrp; i++) {
		sso_wbuf_printf(b, "aaa group server radius %s\n",
		    c->grp[i].name);
		for (j = 0; j < c->grp[i].nsrv; j++)
			sso_wbuf_printf(b, " server name %s\n",
			    c->grp[i].srv[j]);
	}
	if (c->acct_group[0])
		sso_wbuf_printf(b, "aaa accounting network default start-stop "
		    "group %s\n", c->acct_group);
	if (c->interim_s % 60 == 0 && c->interim_s)
		sso_wbuf_printf(b, "aaa accounting update periodic %u\n",
		    c->interim_s / 60);
	else if (c->interim_s)
		sso_wbuf_printf(b, "aaa accounting update periodic-seconds "
		    "%u\n", c->interim_s);
	if (c->acct_red == SUB_ACCT_RED_NEW_SESSION)
		sso_wbuf_printf(b, "aaa accounting redundancy new-session\n");
	else if (c->acct_red_interim)
		sso_wbuf_printf(b, "aaa accounting redundancy best-effort-reuse "
		    "send-interim\n");
	if (c->acct_red_suppress)
		sso_wbuf_printf(b, "aaa accounting redundancy suppress "
		    "system-records\n");
	if (c->dae_on) {
		sso_wbuf_printf(b, "aaa server radius dynamic-author\n");
		for (i = 0; i < c->ndae; i++)
			sso_wbuf_printf(b, " client %s server-key <hidden>\n",
			    inet_ntop(AF_INET, &c->dae[i].addr, x, sizeof(x)));
		sso_wbuf_printf(b, " port %u\n", c->dae_port);
	}
	if (c->nsrv || c->ngrp || c->acct_group[0] || c->interim_s ||
	    c->dae_on || c->acct_red || c->acct_red_interim ||
	    c->acct_red_suppress)
		sso_wbuf_printf(b, "!\n");
}

/* ---- reload: the client is rebuilt when the settings changed ---- */

static void rt_teardown(void);

static void
aaa_defaults(void)
{
	explicit_bzero(&sub_aaa_conf, sizeof(sub_aaa_conf));
	sub_aaa_conf.dae_port = SUB_DAE_PORT;
}

static void *
aaa_save(void *arg)
{
	struct sub_aaa_conf *o;

	if ((o = malloc(sizeof(*o))) == NULL)
		sso_fatal("out of memory");
	memcpy(o, &sub_aaa_conf, sizeof(*o));
	aaa_defaults();
	return o;
}

static void
aaa_commit(void *arg, void *saved)
{
	struct sub_aaa_conf *o = saved;
	int rad_same = o->nsrv == sub_aaa_conf.nsrv && o->ngrp ==
	    sub_aaa_conf.ngrp && memcmp(o->srv, sub_aaa_conf.srv,
	    sizeof(o->srv)) == 0 && memcmp(o->grp, sub_aaa_conf.grp,
	    sizeof(o->grp)) == 0;
	int dae_same = o->dae_on == sub_aaa_conf.dae_on && o->ndae ==
	    sub_aaa_conf.ndae && o->dae_port == sub_aaa_conf.dae_port &&
	    memcmp(o->dae, sub_aaa_conf.dae, sizeof(o->dae)) == 0;

	explicit_bzero(o, sizeof(*o));
	free(o);
	if (!rad_same)
		rt_teardown();
	if (!dae_same)
		sub_up.dae_restart();
}

static void
aaa_rollback(void *arg, void *saved)
{
	memcpy(&sub_aaa_conf, saved, sizeof(sub_aaa_conf));
	explicit_bzero(saved, sizeof(sub_aaa_conf));
	free(saved);
}

static const struct sso_conf_module aaa_module = {
	.name = "radius",
	.save = aaa_save,
	.commit = aaa_commit,
	.rollback = aaa_rollback,
};

/* ---- the client ---- */

struct rad_client *
sub_rad_client(void)
{
	struct rad_server *srv;
	struct rad_group *g;
	size_t i, j;

	if (!rt.dirty)
		return rt.cl;
	rt.dirty = 0;
	if ((rt.cl = rad_client_new(svc.loop)) == NULL)
		return NULL;
	for (i = 0; i < sub_aaa_conf.nsrv; i++)
		if (rad_server_add(rt.cl, &sub_aaa_conf.srv[i].c) == NULL)
			sso_log(SSO_ERR, SUB_FAC, "RADIUS", "radius server %s: "
			    "cannot be used", sub_aaa_conf.srv[i].c.name);
	for (i = 0; i < sub_aaa_conf.ngrp; i++) {
		if ((g = rad_group_add(rt.cl, sub_aaa_conf.grp[i].name)) ==
		    NULL)
			continue;
		for (j = 0; j < sub_aaa_conf.grp[i].nsrv; j++)
			if ((srv = rad_server_find(rt.cl,
			    sub_aaa_conf.grp[i].srv[j])) != NULL)
				(void)rad_group_add_server(g, srv);
	}
	return rt.cl;
}

struct rad_group *
sub_rad_group(const char *name)
{
	struct rad_client *cl = sub_rad_client();

	return cl != NULL && name != NULL && name[0] ? rad_group_find(cl,
	    name) : NULL;
}

static void
rt_teardown(void)
{
	struct rad_pend *p;

	while ((p = TAILQ_FIRST(&rt.pend)) != NULL) {
		TAILQ_REMOVE(&rt.pend, p, entry);
		rad_req_cancel(p->rreq);
		if (p->areq != NULL)
			aaa_method_done(p->areq, AAA_ERROR, "RADIUS "
			    "reconfigured");
		if (p->reply != NULL) {
			sso_wbuf_printf(&p->reply->out, "%% RADIUS "
			    "reconfigured\n");
			sso_reply_done(p->reply, SSO_RC_ERROR);
		}
		free(p);
	}
	rad_client_free(rt.cl);	/* accounting in flight: not answered */
	rt.cl = NULL;
	rt.dirty = 1;
}

/* attributes for an Access-Request of cred */
static int
auth_attrs(struct rad_avlist *av, const struct aaa_cred *c)
{
	rad_av_init(av);
	(void)rad_av_put_str(av, RAD_USER_NAME, c->user);
	(void)rad_av_put_u32(av, RAD_SERVICE_TYPE, 2);	/* Framed */
	(void)rad_av_put_u32(av, RAD_FRAMED_PROTOCOL, 1);	/* PPP */
	(void)rad_av_put_u32(av, RAD_NAS_PORT_TYPE, 5);	/* Virtual */
	(void)rad_av_put_str(av, RAD_NAS_IDENTIFIER, "ssod");
	if (c->type == AAA_CRED_CHAP) {
		if (c->resp_len != 16)
			return -1;
		(void)rad_av_put_chap(av, c->chap_id, c->resp, c->chal,
		    c->chal_len);
	}
	return av->err ? -1 : 0;
}

/* each attribute of an answer as "Name = value" (never a password: an
 * answer carries none; the Message-Authenticator is left out) */
static void
pkt_attrs(const struct rad_pkt *p, void (*emit)(void *, const char *),
    void *arg)
{
	struct rad_iter it;
	struct sso_cur v;
	uint8_t t;
	char line[300];

	rad_iter_init(&it, p->attrs.buf, p->attrs.len);
	while (rad_iter_next(&it, &t, &v) == 1)
		if (t != RAD_MESSAGE_AUTHENTICATOR &&
		    rad_attr_format(t, v, line, sizeof(line)) >= 0)
			emit(arg, line);
}

static void
debug_line(void *arg, const char *line)
{
	SSO_DEBUG(&sub_rad_dbg, SUB_FAC, "RADIUS:  %s", line);
}

static void
debug_pkt(const char *what, const struct rad_pkt *p)
{
	if (!sub_rad_dbg.on || p == NULL)
		return;
	SSO_DEBUG(&sub_rad_dbg, SUB_FAC, "RADIUS: %s %s id %u", what,
	    rad_code_name(p->code), p->id);
	pkt_attrs(p, debug_line, NULL);
}

static void
auth_cb(void *arg, int result, const struct rad_pkt *pkt,
    struct rad_server *srv)
{
	struct rad_pend *p = arg;
	struct aaa_req *areq = p->areq;
	struct rad_authz az;
	char msg[RAD_VAL_MAX + 1];

	TAILQ_REMOVE(&rt.pend, p, entry);
	free(p);
	debug_pkt("received", pkt);
	switch (result) {
	case RAD_R_ACCEPT:
		memset(&az, 0, sizeof(az));
		if (rad_authz_decode(pkt, &az) == -1) {
			aaa_method_done(areq, AAA_FAIL, "Authorization "
			    "failed");
			return;
		}
		rt.authz = &az;
		aaa_method_done(areq, AAA_PASS, az.reply_message[0] ?
		    az.reply_message : "Authentication succeeded");
		rt.authz = NULL;
		return;
	case RAD_R_REJECT:
	case RAD_R_CHALLENGE:	/* no challenge method for PPP: refused */
		if (pkt == NULL || rad_pkt_get_str(pkt, RAD_REPLY_MESSAGE, msg,
		    sizeof(msg)) == -1)
			snprintf(msg, sizeof(msg), "Authentication failed");
		aaa_method_done(areq, AAA_FAIL, msg);
		return;
	default:
		sso_log_rl(&svc_rl, SSO_WARNING, SUB_FAC, "RADIUS_TIMEOUT",
		    "no RADIUS server answered (%s)", rad_result_name(result));
		aaa_method_done(areq, AAA_ERROR, "RADIUS: no answer");
	}
}

static enum aaa_result
m_start(void *arg, struct aaa_req *areq, const struct aaa_method *m,
    const struct aaa_cred *c)
{
	struct rad_group *g = sub_rad_group(m->group);
	struct rad_avlist av;
	struct rad_pend *p;

	if (g == NULL || auth_attrs(&av, c) == -1 ||
	    (p = calloc(1, sizeof(*p))) == NULL)
		return AAA_ERROR;
	p->areq = areq;
	p->t0 = sso_now_ms();
	TAILQ_INSERT_TAIL(&rt.pend, p, entry);
	p->rreq = rad_auth_send(g, &av, c->type == AAA_CRED_PAP ?
	    c->password : NULL, auth_cb, p);
	if (p->rreq == NULL) {
		TAILQ_REMOVE(&rt.pend, p, entry);
		free(p);
		return AAA_ERROR;
	}
	SSO_DEBUG(&sub_rad_dbg, SUB_FAC, "RADIUS: Access-Request user \"%s\" "
	    "(%s) to group %s", c->user, c->type == AAA_CRED_PAP ? "PAP" :
	    "CHAP", m->group);
	return AAA_PENDING;
}

static void
m_cancel(void *arg, struct aaa_req *areq)
{
	struct rad_pend *p;

	TAILQ_FOREACH(p, &rt.pend, entry)
		if (p->areq == areq) {
			TAILQ_REMOVE(&rt.pend, p, entry);
			rad_req_cancel(p->rreq);
			free(p);
			return;
		}
}

static const struct aaa_method_ops group_ops = {
	.name = "group",
	.start = m_start,
	.cancel = m_cancel,
};

const struct rad_authz *
sub_aaa_authz(void)
{
	return rt.authz;
}

/* ---- commands ---- */

static void
srv_rows(struct sso_render *rd, const struct sso_table *t, int detail)
{
	static const struct sso_detail_style st = { "  ", 24 };
	struct rad_client *cl = sub_rad_client();
	struct rad_server_stats ss;
	struct rad_server *srv = NULL;
	char head[160];

	if (!detail)
		sso_table_head(rd, t, "servers");
	else if (rd->j) {
		sso_json_key(rd->j, "servers");
		sso_json_arr(rd->j);
	}
	while (cl != NULL && (srv = rad_server_next(cl, srv)) != NULL) {
		rad_server_stats(srv, &ss);
		if (!detail) {
			sso_table_row(rd, t, &ss);
			continue;
		}
		snprintf(head, sizeof(head), "RADIUS server %s (%s):",
		    ss.name, ss.addr);
		if (rd->j)
			sso_json_obj(rd->j);
		sso_render_detail(rd, t, &ss, NULL, head, &st);
		if (rd->j)
			sso_json_obj_end(rd->j);
	}
	if (!detail)
		sso_table_end(rd, t);
	else if (rd->j)
		sso_json_arr_end(rd->j);
}

static int
cmd_servers(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct sso_render rd;
	int detail = arg != NULL;

	sso_render_reply(&rd, r);
	if (rd.j)
		sso_json_obj(rd.j);
	srv_rows(&rd, detail ? rad_stats_table() : rad_servers_table(),
	    detail);
	if (detail)
		sub_up.acct_stats(&rd);
	if (rd.j)
		sso_json_obj_end(rd.j);
	return SSO_RC_OK;
}

static void
reply_line(void *arg, const char *line)
{
	sso_wbuf_printf(arg, "  %s\n", line);
}

static void
test_cb(void *arg, int result, const struct rad_pkt *pkt,
    struct rad_server *srv)
{
	struct rad_pend *p = arg;
	struct sso_reply *r = p->reply;

	TAILQ_REMOVE(&rt.pend, p, entry);
	debug_pkt("received", pkt);
	sso_wbuf_printf(&r->out, "%s: %s from %s in %llu ms\n",
	    result == RAD_R_ACCEPT ? "User successfully authenticated" :
	    result == RAD_R_REJECT ? "User rejected" : "No answer",
	    rad_result_name(result), srv != NULL ? rad_server_name(srv) : "-",
	    (unsigned long long)(sso_now_ms() - p->t0));
	if (pkt != NULL) {
		sso_wbuf_printf(&r->out, "USER ATTRIBUTES\n");
		pkt_attrs(pkt, reply_line, &r->out);
	}
	free(p);
	sso_reply_done(r, result == RAD_R_ACCEPT || result == RAD_R_REJECT ?
	    SSO_RC_OK : SSO_RC_ERROR);
}

/* test aaa group RG USER PASSWORD: one Access-Request (PAP) */
static int
cmd_test(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct rad_group *g = sub_rad_group(a->s[0]);
	struct aaa_cred c;
	struct rad_avlist av;
	struct rad_pend *p;

	if (g == NULL)
		return sso_reply_err(r, SSO_RC_ERROR, "%% No aaa group server "
		    "radius %s", a->s[0]);
	memset(&c, 0, sizeof(c));
	c.type = AAA_CRED_PAP;
	snprintf(c.user, sizeof(c.user), "%s", a->s[1]);
	if (auth_attrs(&av, &c) == -1 || (p = calloc(1, sizeof(*p))) == NULL)
		return sso_reply_err(r, SSO_RC_ERROR, "%% cannot build the "
		    "request");
	p->reply = r;
	p->t0 = sso_now_ms();
	TAILQ_INSERT_TAIL(&rt.pend, p, entry);
	if ((p->rreq = rad_auth_send(g, &av, a->s[2], test_cb, p)) == NULL) {
		TAILQ_REMOVE(&rt.pend, p, entry);
		free(p);
		return sso_reply_err(r, SSO_RC_ERROR, "%% cannot send");
	}
	return SSO_RC_PENDING;
}

/* debug radius / undebug radius: one category, "radius" */
static int
cmd_debug(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	int on = arg != NULL;

	(void)sso_debug_set(sub_rad_dbg.name, on);
	sso_wbuf_printf(&r->out, r->json ? "{\"debug\":\"radius\",\"on\":%s}" :
	    "RADIUS debugging is %s\n", on ? "true" : "false");
	return SSO_RC_OK;
}

#define ONCE	SSO_CONF_ONCE
#define S(pat, flags, what) \
	sso_conf_register("radius", pat, flags, c_scmd, (void *)(intptr_t)what)
#define A(pat, flags, what) \
	sso_conf_register("aaa", pat, flags, c_acmd, (void *)(intptr_t)what)

void
sub_aaa_register(void)
{
	TAILQ_INIT(&rt.pend);
	aaa_defaults();
	if (aaa_method_register(sub_conf.aaa, AAA_M_GROUP, &group_ops,
	    NULL) == -1)
		sso_fatal("aaa: cannot register the group method");
	sso_conf_register(NULL, "radius server <word>", SSO_CONF_BLOCK | ONCE |
	    SSO_CONF_SEL, c_server, NULL);
	S("address ipv4 <word> auth-port <uint:1-65535> acct-port "
	    "<uint:1-65535>", SSO_CONF_NO | ONCE, S_ADDRESS);
	S("address", SSO_CONF_NO | ONCE, S_ADDRESS);
	S("key <word>", SSO_CONF_NO | ONCE, S_KEY);
	S("key", SSO_CONF_NO | ONCE, S_KEY);
	S("timeout <uint:1-1000>", SSO_CONF_NO | ONCE, S_TIMEOUT);
	S("timeout", SSO_CONF_NO | ONCE, S_TIMEOUT);
	S("retransmit <uint:0-100>", SSO_CONF_NO | ONCE, S_RETRANSMIT);
	S("retransmit", SSO_CONF_NO | ONCE, S_RETRANSMIT);
	/* seconds a silent server stays dead (0: never marked dead) */
	S("deadtime <uint:0-3600>", SSO_CONF_NO | ONCE, S_DEADTIME);
	S("deadtime", SSO_CONF_NO | ONCE, S_DEADTIME);
	sso_conf_register(NULL, "aaa group server radius <word>",
	    SSO_CONF_BLOCK | ONCE | SSO_CONF_SEL, c_group, NULL);
	A("server name <word>", SSO_CONF_NO | ONCE | SSO_CONF_SEL,
	    A_SERVER_NAME);
	sso_conf_register(NULL, "aaa server radius dynamic-author",
	    SSO_CONF_BLOCK | SSO_CONF_NO | ONCE, c_dae, NULL);
	A("client <word> server-key <word>", ONCE | SSO_CONF_SEL, A_CLIENT);
	A("port <uint:1-65535>", SSO_CONF_NO | ONCE, A_PORT);
	A("port", SSO_CONF_NO | ONCE, A_PORT);
	sso_conf_register(NULL, "aaa accounting network default start-stop "
	    "group <word>", SSO_CONF_NO | ONCE, c_acct, NULL);
	sso_conf_register(NULL, "aaa accounting update periodic "
	    "<uint:1-71582>", SSO_CONF_NO | ONCE, c_update, (void *)60);
	/* test-only: below IOS's one minute */
	sso_conf_register(NULL, "aaa accounting update periodic-seconds "
	    "<uint:1-4294967>", SSO_CONF_NO | ONCE, c_update, (void *)1);
	sso_conf_register(NULL, "aaa accounting redundancy best-effort-reuse",
	    SSO_CONF_NO | ONCE, c_redundancy, (void *)0);
	sso_conf_register(NULL, "aaa accounting redundancy best-effort-reuse "
	    "send-interim", SSO_CONF_NO | ONCE, c_redundancy, (void *)1);
	sso_conf_register(NULL, "aaa accounting redundancy new-session",
	    SSO_CONF_NO | ONCE, c_redundancy, (void *)2);
	sso_conf_register(NULL, "aaa accounting redundancy suppress "
	    "system-records", SSO_CONF_NO | ONCE, c_redundancy, (void *)3);
	sso_conf_printer(8, print_aaa, NULL);
	sso_conf_validator(check_aaa, NULL);
	sso_conf_module(&aaa_module, NULL);
	sso_debug_register(&sub_rad_dbg);
	sso_cmd_register("debug radius", cmd_debug, &sub_rad_dbg);
	sso_cmd_register("undebug radius", cmd_debug, NULL);
	sso_cmd_register("show aaa servers", cmd_servers, NULL);
	sso_cmd_register("show radius statistics", cmd_servers, (void *)1);
	sso_cmd_register_class("test aaa group <word> <word> <word>",
	    SSO_CMD_ACTION, cmd_test, NULL);
}
