/*
 * svc.c - the L2TP service inside ssod.
 *
 * One engine context per process. Only the active unit owns the UDP
 * socket (DESIGN.md "same endpoint"): it binds when the unit becomes
 * active and, at a switchover, retries every few milliseconds until the
 * old active has let go of the address (same host) or the address has
 * moved here (separate hosts). The standby owns no socket and sends
 * nothing; the checkpoint client (ha*.c) keeps its copy of every tunnel.
 * It hears from us only through the hooks it registers (svc_hooks): we
 * never call it by name.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ev.h>

#include "svc_local.h"
#include "svc_counters.h"
#include "render.h"

struct svc svc;
struct sso_ratelimit svc_rl;

static struct ev_loop *loop_;

/* registered by the checkpoint client (ha.c) and the subscribers (sub.c) */
static struct {
	const struct svc_hooks *h;
	void		*arg;
} hooks[SVC_HOOKS_MAX];
static size_t nhooks;

int
svc_hooks_register(const struct svc_hooks *h, void *arg)
{
	if (nhooks == SVC_HOOKS_MAX)
		return -1;
	hooks[nhooks].h = h;
	hooks[nhooks++].arg = arg;
	return 0;
}

#define EACH_HOOK(i, fn)	for ((i) = 0; (i) < nhooks; (i)++)	\
	if (hooks[(i)].h->fn != NULL)

static void
svc_event(enum svc_event ev)
{
	size_t i;

	EACH_HOOK(i, event)
		hooks[i].h->event(hooks[i].arg, ev);
}

const char *
svc_sockaddr_text(const struct sockaddr *sa, char *buf, size_t len,
    unsigned *port)
{
	const void *a = NULL;

	*port = 0;
	if (sa->sa_family == AF_INET) {
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
		*port = ntohs(((const struct sockaddr_in *)(const void *)sa)
		    ->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		*port = ntohs(((const struct sockaddr_in6 *)(const void *)sa)
		    ->sin6_port);
	}
	if (a == NULL || inet_ntop(sa->sa_family, a, buf, (socklen_t)len) ==
	    NULL)
		snprintf(buf, len, "?");
	return buf;
}

struct svc_group *
svc_group_find(const char *name)
{
	struct svc_group *g;

	TAILQ_FOREACH(g, &svc.groups, entry)
		if (strcmp(g->g.name, name) == 0)
			return g;
	return NULL;
}

void
svc_failure(uint16_t tid, uint16_t sid, const char *peer, const char *fmt,
    ...)
{
	struct svc_failure *f = &svc.fail[svc.nfail++ % SVC_FAILHIST];
	va_list ap;

	f->wall_ms = sso_wall_ms();
	f->tid = tid;
	f->sid = sid;
	snprintf(f->peer, sizeof(f->peer), "%s", peer ? peer : "");
	va_start(ap, fmt);
	vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
	va_end(ap);
}

/* a detail table of named counters: row i is values[i]
 * (show l2tp counters, show ppp counters) */
struct sso_table
svc_counter_table(struct sso_field *f, const char *const *names, size_t n)
{
	struct sso_table t = { f, n };
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&f[i], 0, sizeof(f[i]));
		f[i].json = f[i].head = names[i];
		f[i].type = SSO_FT_UINT;
		f[i].off = i * sizeof(uint64_t);
		f[i].size = sizeof(uint64_t);
	}
	return t;
}

/* host ops */

const char *const svc_refusal_names[SVC_REFUSE_MAX] = {
	[SVC_REFUSE_NO_GROUP] = "no_group",
	[SVC_REFUSE_TERMINATE_FROM] = "terminate_from",
	[SVC_REFUSE_NO_PROTOCOL] = "no_protocol_l2tp",
	[SVC_REFUSE_NOT_ACTIVE] = "not_active",
	[SVC_REFUSE_VPDN_DISABLED] = "vpdn_disabled",
};
uint64_t svc_refusals[SVC_REFUSE_MAX];

/* a refusal's text; truncated to what the history keeps, on purpose */
static void __attribute__((format(printf, 3, 4)))
say(char *text, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, len, fmt, ap);
	va_end(ap);
}

/*
 * Which vpdn-group accepts an SCCRQ from host `peer` at `addr`: the first
 * accept-dialin group with protocol l2tp whose terminate-from is empty or
 * names the host. Otherwise NULL, the reason in *why and, for the log and
 * `show vpdn history failure`, what did not match in text; the group
 * that came nearest is named (one lacking only protocol l2tp, else the
 * only group whose terminate-from differs).
 */
static const struct l2tp_group *
group_match(const char *peer, const char *addr, enum svc_refusal *why,
    char *text, size_t len)
{
	struct svc_group *g, *noproto = NULL, *other = NULL;
	unsigned nother = 0;

	if (!svc.vpdn_enabled || !SSO_RF_IS_ACTIVE(sso_rf_state()) ||
	    sso_rf_quiesced()) {
		*why = !svc.vpdn_enabled ? SVC_REFUSE_VPDN_DISABLED :
		    SVC_REFUSE_NOT_ACTIVE;
		say(text, len, "%s: host %s from %s", !svc.vpdn_enabled ?
		    "vpdn is not enabled" : sso_rf_quiesced() ? "manual "
		    "switchover under way" : "this unit is not active", peer,
		    addr);
		return NULL;
	}
	TAILQ_FOREACH(g, &svc.groups, entry) {
		if (!g->g.accept_dialin)
			continue;
		if (g->g.terminate_from[0] != '\0' &&
		    strcmp(g->g.terminate_from, peer) != 0) {
			other = other ? other : g;
			nother++;
		} else if (!g->protocol_l2tp)
			noproto = noproto ? noproto : g;
		else
			return &g->g;
	}
	if (noproto != NULL) {
		*why = SVC_REFUSE_NO_PROTOCOL;
		say(text, len, "vpdn-group %s: accept-dialin without "
		    "protocol l2tp (host %s from %s)", noproto->g.name, peer,
		    addr);
	} else if (nother == 1) {
		*why = SVC_REFUSE_TERMINATE_FROM;
		say(text, len, "vpdn-group %s: terminate-from %s does not "
		    "match host %s from %s", other->g.name,
		    other->g.terminate_from, peer, addr);
	} else {
		*why = SVC_REFUSE_NO_GROUP;
		say(text, len, "no vpdn-group accepts host %s from %s",
		    peer, addr);
	}
	return NULL;
}

static const struct l2tp_group *
h_group_lookup(void *arg, const char *peer, const struct sockaddr *from,
    socklen_t fromlen)
{
	enum svc_refusal why;
	char text[8];

	return group_match(peer, "", &why, text, sizeof(text));
}

/*
 * The engine refused an SCCRQ because h_group_lookup() found no group
 * (it then refuses with an unnamed group): the same rules, evaluated
 * again for the same host within the same datagram, say why. Logged at
 * notice whatever the debug settings (rate-limited: a peer may retry at
 * will), counted by reason, recorded in `show vpdn history failure`.
 */
static void
tunnel_refused(const struct l2tp_tunnel_info *ti)
{
	enum svc_refusal why;
	char a[64], text[160];
	unsigned port;

	svc_sockaddr_text((const struct sockaddr *)&ti->peer, a, sizeof(a),
	    &port);
	if (group_match(ti->peer_name, a, &why, text, sizeof(text)) != NULL) {
		/* a group accepts it now: the engine's own reason, logged */
		svc_failure(ti->local_tid, 0, ti->peer_name, "SCCRQ from %s "
		    "refused: result %u error %u", a, ti->last_result,
		    ti->last_error);
		return;
	}
	svc_refusals[why]++;
	sso_log_rl(&svc_rl, SSO_NOTICE, SVC_FAC, "TUNNEL_REFUSED", "tunnel "
	    "%u/%u from %s port %u refused (StopCCN result %u): %s",
	    ti->local_tid, ti->remote_tid, a, port, ti->last_result, text);
	svc_failure(ti->local_tid, 0, ti->peer_name, "%s", text);
}

static void
h_tunnel_event(void *arg, struct l2tp_tunnel *t, enum l2tp_event ev)
{
	struct l2tp_tunnel_info ti;
	size_t i;

	if (ev == L2TP_EV_TUNNEL_DOWN) {
		l2tp_tunnel_get_info(t, &ti);
		/* refused at its SCCRQ by no group of ours (tunnel.c) */
		if (!ti.initiator && ti.group[0] == '\0')
			tunnel_refused(&ti);
		else if (ti.last_result != 0 &&
		    ti.last_result != L2TP_STOPCCN_CLEAR)
			svc_failure(ti.local_tid, 0, ti.peer_name, "tunnel "
			    "down: result %u error %u", ti.last_result,
			    ti.last_error);
	}
	EACH_HOOK(i, tunnel_event)
		hooks[i].h->tunnel_event(hooks[i].arg, t, ev);
}

static void
h_session_changed(void *arg, struct l2tp_session *s)
{
	size_t i;

	EACH_HOOK(i, session_changed)
		hooks[i].h->session_changed(hooks[i].arg, s);
}

static void
h_session_event(void *arg, struct l2tp_session *s, enum l2tp_event ev)
{
	size_t i;

	EACH_HOOK(i, session_event)
		hooks[i].h->session_event(hooks[i].arg, s, ev);
}

static void
h_data(void *arg, struct l2tp_session *s, const uint8_t *p, size_t len)
{
	size_t i;

	EACH_HOOK(i, data)
		hooks[i].h->data(hooks[i].arg, s, p, len);
}

/*
 * DESIGN.md rules 2 and 3: 1 from the hook holds the message or the Nr.
 * One owner of the checkpoints (the first hook set that has them).
 */
static int
h_ckpt_send(void *arg, struct l2tp_tunnel *t, uint16_t ns, int lazy,
    const uint8_t *buf, size_t len)
{
	size_t i;

	EACH_HOOK(i, ckpt_send)
		return hooks[i].h->ckpt_send(hooks[i].arg, t, ns, lazy, buf,
		    len);
	return 0;
}

static int
h_ckpt_ack(void *arg, struct l2tp_tunnel *t, uint16_t nr, int lazy)
{
	size_t i;

	EACH_HOOK(i, ckpt_ack)
		return hooks[i].h->ckpt_ack(hooks[i].arg, t, nr, lazy);
	return 0;
}

static int
h_session_request(void *arg, struct l2tp_session *s)
{
	/* manual switchover under way: no new work (RF QUIESCE) */
	return sso_rf_quiesced() ? -1 : 0;
}

static void
h_call_refused(void *arg, struct l2tp_tunnel *t, uint16_t peer_sid,
    const char *why)
{
	struct l2tp_tunnel_info ti;

	l2tp_tunnel_get_info(t, &ti);
	if (strcmp(why, "Tunnel in HA resync") == 0)
		svc.calls_refused_resync++;
	svc_failure(ti.local_tid, 0, ti.peer_name, "call (peer session %u) "
	    "refused: %s", peer_sid, why);
}

static const struct l2tp_host_ops svc_ops = {
	.send = NULL,			/* the ctx socket, active only */
	.group_lookup = h_group_lookup,
	.tunnel_event = h_tunnel_event,
	.session_event = h_session_event,
	.session_changed = h_session_changed,
	.data = h_data,
	.session_request = h_session_request,
	.call_refused = h_call_refused,
	.ckpt_send = h_ckpt_send,
	.ckpt_ack = h_ckpt_ack,
};

/* the service socket */

static void
bind_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	if (svc_listen() == 0)
		ev_timer_stop(loop, w);
}

int
svc_listen(void)
{
	if (svc.listening)
		return 0;
	if (!svc.have_listen || !svc.vpdn_enabled)
		return 0;
	if (l2tp_ctx_listen(svc.ctx, (struct sockaddr *)&svc.listen,
	    svc.listen_len) == -1) {
		svc.bind_failures++;
		if (!svc.bind_logged)
			sso_log(SSO_WARNING, SVC_FAC, "BIND", "cannot bind "
			    "%s port %u yet (%s): retrying", svc.listen_text,
			    svc.listen_port, strerror(errno));
		svc.bind_logged = 1;
		if (!ev_is_active(&svc.bind_timer)) {
			ev_timer_init(&svc.bind_timer, bind_timer_cb, 0.005,
			    0.005);
			ev_timer_start(svc.loop, &svc.bind_timer);
		}
		return -1;
	}
	svc.listening = 1;
	svc.bind_logged = 0;
	sso_log(SSO_NOTICE, SVC_FAC, "LISTEN", "L2TP service on %s port %u",
	    svc.listen_text, svc.listen_port);
	svc_event(SVC_EV_SOCKET_BOUND);
	return 0;
}

void
svc_unlisten(void)
{
	ev_timer_stop(svc.loop, &svc.bind_timer);
	if (!svc.listening)
		return;
	l2tp_ctx_unlisten(svc.ctx);
	svc.listening = 0;
	sso_log(SSO_NOTICE, SVC_FAC, "LISTEN", "L2TP service socket released");
	svc_event(SVC_EV_SOCKET_RELEASED);
}

/* `l2tp dial GROUP SESSIONS`: LAC role, open a tunnel to the group's LNS
 * (initiate-to) and place that many incoming calls on it */
static int
cmd_dial(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct svc_group *g = svc_group_find(a->s[0]);
	struct l2tp_tunnel *t = NULL, *x;
	struct l2tp_tunnel_info ti;
	uint32_t i;

	if (!SSO_RF_IS_ACTIVE(sso_rf_state()))
		return sso_reply_err(r, SSO_RC_ERROR, "%% Not active");
	if (g == NULL || !g->g.request_dialin || !g->has_initiate)
		return sso_reply_err(r, SSO_RC_BADARG, "%% No vpdn-group %s "
		    "with request-dialin and initiate-to", a->s[0]);
	if (!svc.listening)
		return sso_reply_err(r, SSO_RC_ERROR, "%% L2TP service socket "
		    "not bound (l2tp listen ...)");
	/* reuse a live tunnel of the group */
	for (x = l2tp_tunnel_next(svc.ctx, NULL); x && !t;
	    x = l2tp_tunnel_next(svc.ctx, x)) {
		l2tp_tunnel_get_info(x, &ti);
		if (strcmp(ti.group, g->g.name) == 0 && ti.initiator &&
		    ti.state <= L2TP_TS_ESTABLISHED)
			t = x;
	}
	if (t == NULL && (t = l2tp_tunnel_open(svc.ctx, &g->g)) == NULL)
		return sso_reply_err(r, SSO_RC_ERROR, "%% Cannot open a tunnel");
	for (i = 0; i < a->u[1]; i++)
		if (l2tp_session_open(t) == NULL)
			return sso_reply_err(r, SSO_RC_ERROR, "%% Opened %u of "
			    "%u sessions", i, a->u[1]);
	l2tp_tunnel_get_info(t, &ti);
	sso_wbuf_printf(&r->out, r->json ? "{\"tunnel\":%u,\"sessions\":%u}" :
	    "tunnel %u: %u calls placed\n", ti.local_tid, a->u[1]);
	return SSO_RC_OK;
}

/*
 * `test l2tp hello-burst TUNNEL COUNT`: COUNT Hellos as fast as the peer's
 * window allows. Tests use it to bring Ns and Nr next to the 16-bit wrap
 * and to leave lazily checkpointed Hellos behind at a switchover.
 */
static struct {
	uint16_t	 tid;
	uint32_t	 left;
	ev_timer	 timer;
} burst;

static void
burst_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct l2tp_tunnel *t = l2tp_tunnel_find(svc.ctx, burst.tid);
	struct l2tp_ctrl_state cs;

	while (t != NULL && burst.left > 0) {
		l2tp_ctrl_export(t, &cs);
		if (cs.unacked >= cs.peer_rx_window || l2tp_tunnel_hello(t)
		    == -1)
			return;
		burst.left--;
	}
	ev_timer_stop(loop, w);
}

static int
cmd_burst(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	if (!SSO_RF_IS_ACTIVE(sso_rf_state()))
		return sso_reply_err(r, SSO_RC_ERROR, "%% Not active");
	if (l2tp_tunnel_find(svc.ctx, (uint16_t)a->u[0]) == NULL)
		return sso_reply_err(r, SSO_RC_ERROR, "%% No tunnel %u",
		    a->u[0]);
	burst.tid = (uint16_t)a->u[0];
	burst.left = a->u[1];
	ev_timer_stop(svc.loop, &burst.timer);
	ev_timer_init(&burst.timer, burst_cb, 0.0005, 0.0005);
	ev_timer_start(svc.loop, &burst.timer);
	sso_wbuf_printf(&r->out, r->json ? "{\"result\":\"started\"}" :
	    "sending %u Hellos\n", a->u[1]);
	return SSO_RC_OK;
}

/* the service alone; l2tp_svc_init() (l2tp_svc.c) adds the rest */
int
svc_init(struct ev_loop *loop)
{
	loop_ = loop;
	memset(&svc, 0, sizeof(svc));
	nhooks = 0;		/* registered again after us (l2tp_svc.c) */
	svc.loop = loop;
	svc.sso_enabled = 1;
	svc.ack_delay_ms = 100;
	TAILQ_INIT(&svc.groups);
	if ((svc.ctx = l2tp_ctx_create(loop, &svc_ops, NULL)) == NULL)
		return -1;
	return 0;
}

void
svc_cmds_register(void)
{
	sso_cmd_register("l2tp dial <word> <uint:1-65535>", cmd_dial, NULL);
	sso_cmd_register("test l2tp hello-burst <uint:1-65535> "
	    "<uint:1-1000000>", cmd_burst, NULL);
}

int
l2tp_svc_start(void)
{
	struct svc_group *g;

	/*
	 * With HA a received message is acknowledged only once its effect
	 * is on the standby, so a peer may have a whole window of messages
	 * waiting on checkpoints, all to be resent after a takeover: the
	 * window we advertise is reduced to the resync budget
	 * (`l2tp tunnel resync N`), never raised above the configuration.
	 */
	TAILQ_FOREACH(g, &svc.groups, entry)
		g->g.rx_window = (svc.sso_enabled && g->sso && g->resync <
		    g->rx_window_cfg) ? (uint16_t)g->resync : g->rx_window_cfg;
	/* the socket is opened by ha.c's RF hook when this unit is active */
	if (SSO_RF_IS_ACTIVE(sso_rf_state()))
		(void)svc_listen();
	return 0;
}
