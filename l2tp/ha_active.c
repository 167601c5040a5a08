/*
 * ha.c - the L2TP checkpoint client: tunnels and sessions survive a
 * switchover with peers that know nothing about failover (DESIGN.md
 * "L2TP over SSO").
 *
 * Active unit:
 *  - rule 2, checkpoint before send: every new control message (Ns and
 *    bytes, with the channel state) is a SYNC record; the engine holds the
 *    message until the standby has applied it (l2tp_ctrl_send_release);
 *  - rule 3, checkpoint before ack: when a received message has been
 *    processed, its effects (session records) and the new Nr go as a SYNC
 *    record; the Nr reaches the wire only once the standby applied it;
 *  - rule 4: Hellos (sent or received) are checkpointed lazily (ASYNC);
 *    the gap they may leave is closed by the resync below.
 *  A tunnel is protected once it is established (LNS) or once we send the
 *    SCCCN that establishes it (LAC), if `l2tp sso enable` and the group's
 *    `sso enable` are on. Tunnels in setup are not protected (as in the
 *    seed: only fully established tunnels survive).
 * Standby unit: keeps a plain copy (no engine object, no socket, no
 *    timer): tunnels by local id, their sessions, their unacked messages.
 * Takeover: once the service socket is bound, every copied tunnel is
 *    rebuilt with the same ids and endpoint, held in RESYNC (new calls get
 *    CDN "Tunnel in HA resync"), and probed, at most `l2tp tunnel resync
 *    N` probes outstanding: a Hello at the Ns just below the oldest
 *    unacked one is a duplicate for the peer, which answers with a ZLB
 *    carrying the Nr and Ns it expects; we adopt both (within a window),
 *    then resend whatever of the unacked queue the peer does not have,
 *    same Ns, current Nr.
 * Secrets are never checkpointed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ev.h>

#include "svc_local.h"
#include "svc_counters.h"
#include "l2tp_ckpt.pb-c.h"

#define HA_CLIENT_ID	20
#define HA_VER_MIN	1
#define HA_VER_MAX	1

enum ha_rec {
	R_TUNNEL = 1, R_TUNNEL_DEL = 2, R_SESSION = 3, R_SESSION_DEL = 4,
	R_TXMSG = 5, R_PROGRESS = 6
};

/* ---- active side: shadows hung on engine objects ---- */

/* RS_RECOVER: RFC 4951 recovery tunnel under way (capable peers only) */
enum ha_resync { RS_NONE, RS_WAIT, RS_PROBING, RS_DRAIN, RS_RECOVER };

struct ha_msg {
	struct ha_msg	*next;
	uint16_t	 ns, len;
	uint8_t		 buf[];
};

struct ha_t {
	uint32_t	 gen;		/* identifies the tunnel in callbacks */
	enum ha_resync	 rs;
	uint16_t	 probe;
	unsigned	 resync_n;	/* group's l2tp tunnel resync */
	int		 fo_tried;	/* RFC 4951 recovery attempted */
	struct ha_msg	*pending;	/* standby's unacked queue, to resend */
	struct ha_t	*rs_next;	/* resync wait list */
	struct l2tp_tunnel *t;
};

/* what the standby was last sent of a session (protected tunnels) */
struct ha_s {
	struct l2tp_session *s;
	uint8_t		 state, data_seq;
	uint16_t	 remote_sid;
};

/* ---- standby side: the copy ---- */

struct sb_sess {
	struct sb_sess	*next;
	uint16_t	 sid, remote_sid, remote_tid;
	uint8_t		 state, call, data_seq;
	uint32_t	 serial;
};

struct sb_tun {
	uint16_t	 tid, remote_tid;
	int		 initiator, peer_failover;
	uint16_t	 fo_flags;	/* peer's RFC 4951 C/D bits */
	uint32_t	 recovery_ms;
	char		 group[L2TP_NAME_MAX], peer_name[L2TP_NAME_MAX];
	struct sockaddr_storage peer;
	socklen_t	 peer_len;
	uint32_t	 framing, bearer;
	struct l2tp_ctrl_state cs;
	struct ha_msg	*txq;		/* sorted by Ns, from snd_una */
	struct sb_sess	*sessions;
	unsigned	 nsess, nsess_est;
};

/* a record refused by back-pressure, sent again on flow_on() */
struct ha_def {
	struct ha_def	*next;
	uint32_t	 type;
	struct ha_cb	*cb;
	size_t		 len;
	uint8_t		 data[];
};

/* completion of a SYNC record */
struct ha_cb {
	uint32_t	 gen;
	uint16_t	 tid, v;
	int		 ack;		/* 1: release Nr v, 0: release Ns v */
};

static struct {
	struct sso_client *client;
	uint32_t	 gen;
	struct sb_tun	*sb[65536];
	unsigned	 sb_tunnels;
	struct ha_def	*defer, **defer_tail;
	uint32_t	 bulk_tid;
	/* resync after takeover */
	struct ha_t	*rs_head, **rs_tail;
	unsigned	 rs_outstanding, rs_total;
	uint64_t	 rs_start_ms, rs_end_ms;
	uint64_t	 rs_success, rs_fail;
	uint64_t	 fo_success, fo_fail;	/* RFC 4951 recoveries */
	int		 rs_running;
	ev_timer	 drain_timer;
	/* counters */
	uint64_t	 rx_records, tx_records, sync_waits, deferred;
	uint64_t	 restore_fail, apply_errors, unprotected;
	int		 emitting, done_now;
} ha;

static struct sso_debug dbg_cf = { .name = "l2tp redundancy cf" };
static struct sso_debug dbg_detail = { .name = "l2tp redundancy detail" };
static struct sso_debug dbg_error = { .name = "l2tp redundancy error" };
static struct sso_debug dbg_event = { .name = "l2tp redundancy event" };
static struct sso_debug dbg_fsm = { .name = "l2tp redundancy fsm" };
static struct sso_debug dbg_resync = { .name = "l2tp redundancy resync" };
static struct sso_debug dbg_rf = { .name = "l2tp redundancy rf" };
static struct sso_debug *const dbgs[] = { &dbg_cf, &dbg_detail, &dbg_error,
    &dbg_event, &dbg_fsm, &dbg_resync, &dbg_rf };

static void resync_kick(void);
static void probe(struct ha_t *);

/* DESIGN.md rule 7: RFC 4951 only where both sides advertised C */
static const char *
ha_support_of(const char *group, int peer_failover, uint16_t flags)
{
	struct svc_group *g = svc_group_find(group);

	return g != NULL && g->g.failover && peer_failover &&
	    (flags & L2TP_FAILOVER_CAP_C) ? "RFC 4951 Failover" :
	    "Silent Failover";
}

/* ---- helpers ---- */

static void
ctrl_to_pb(const struct l2tp_ctrl_state *cs, L2tpckpt__Ctrl *c)
{
	l2tpckpt__ctrl__init(c);
	c->ns_next = cs->ns_next;
	c->snd_una = cs->snd_una;
	c->rcv_next = cs->rcv_next;
	c->rx_window = cs->rx_window;
	c->peer_rx_window = cs->peer_rx_window;
	c->cwnd = cs->cwnd;
	c->ssthresh = cs->ssthresh;
	c->has_ns_next = c->has_snd_una = c->has_rcv_next = 1;
	c->has_rx_window = c->has_peer_rx_window = 1;
	c->has_cwnd = c->has_ssthresh = 1;
}

/* from the standby's copy; only values that fit 16 bits are accepted */
static int
ctrl_from_pb(const L2tpckpt__Ctrl *c, struct l2tp_ctrl_state *cs)
{
	if (c == NULL || !c->has_ns_next || !c->has_snd_una ||
	    !c->has_rcv_next || c->ns_next > 0xffff || c->snd_una > 0xffff ||
	    c->rcv_next > 0xffff || c->rx_window > 0xffff ||
	    c->peer_rx_window > 0xffff || c->cwnd > 0xffff ||
	    c->ssthresh > 0xffff)
		return -1;
	cs->ns_next = (uint16_t)c->ns_next;
	cs->snd_una = (uint16_t)c->snd_una;
	cs->rcv_next = cs->nr_wire = (uint16_t)c->rcv_next;
	cs->rx_window = (uint16_t)c->rx_window;
	cs->peer_rx_window = (uint16_t)c->peer_rx_window;
	cs->cwnd = (uint16_t)c->cwnd;
	cs->ssthresh = (uint16_t)c->ssthresh;
	return 0;
}

static int
group_protected(const char *name)
{
	struct svc_group *g = svc_group_find(name);

	return svc.sso_enabled && g != NULL && g->sso;
}

static struct ha_t *
ha_of(const struct l2tp_tunnel *t)
{
	return l2tp_tunnel_get_user(t);
}

int
ha_tunnel_protected(const struct l2tp_tunnel *t)
{
	return ha_of(t) != NULL;
}

/* ---- emitting records (ordered; back-pressure queues, never drops) ---- */

static void
release(struct ha_cb *cb)
{
	struct l2tp_tunnel *t = l2tp_tunnel_find(svc.ctx, cb->tid);
	struct ha_t *h = t ? ha_of(t) : NULL;

	if (h != NULL && h->gen == cb->gen) {
		if (cb->ack)
			(void)l2tp_ctrl_ack_release(t, cb->v);
		else
			(void)l2tp_ctrl_send_release(t, cb->v);
	}
	free(cb);
}

static void
sync_done(void *arg, enum sso_cf_status st)
{
	struct ha_cb *cb = arg;

	if (st == SSO_CF_TIMEOUT)
		sso_log_rl(&svc_rl, SSO_WARNING, SVC_FAC, "CKPT_TIMEOUT",
		    "tunnel %u: standby did not apply a checkpoint in time; "
		    "sending anyway", cb->tid);
	if (ha.emitting) {
		/* completed inside sso_cf_send (no standby): not held */
		ha.done_now = 1;
		free(cb);
		return;
	}
	release(cb);
}

/* returns 1 when a SYNC record is now pending (hold), 0 otherwise */
static int
emit_raw(uint32_t type, const uint8_t *data, size_t len, struct ha_cb *cb)
{
	int rc;

	ha.emitting = 1;
	ha.done_now = 0;
	rc = sso_cf_send(ha.client, type, data, len, cb ? SSO_SEND_SYNC :
	    SSO_SEND_ASYNC, cb ? sync_done : NULL, cb, 0);
	ha.emitting = 0;
	if (rc == -1)
		return -1;
	ha.tx_records++;
	if (cb == NULL || ha.done_now)
		return 0;
	ha.sync_waits++;
	return 1;
}

static void
defer(uint32_t type, const uint8_t *data, size_t len, struct ha_cb *cb)
{
	struct ha_def *d = malloc(sizeof(*d) + len);

	if (d == NULL) {
		sso_log(SSO_ERR, SVC_FAC, "NOMEM", "cannot queue a checkpoint");
		if (cb)
			release(cb);
		return;
	}
	d->next = NULL;
	d->type = type;
	d->cb = cb;
	d->len = len;
	memcpy(d->data, data, len);
	*ha.defer_tail = d;
	ha.defer_tail = &d->next;
	ha.deferred++;
}

/* send a packed record; SYNC when cb != NULL. 1: caller must hold */
static int
emit(uint32_t type, const uint8_t *data, size_t len, struct ha_cb *cb)
{
	int rc;

	if (ha.defer == NULL && (rc = emit_raw(type, data, len, cb)) != -1)
		return rc;
	if (ha.defer == NULL && errno != EAGAIN) {
		sso_log_rl(&svc_rl, SSO_ERR, SVC_FAC, "CKPT_FAIL",
		    "checkpoint refused: %s", strerror(errno));
		if (cb)
			free(cb);
		return 0;
	}
	defer(type, data, len, cb);
	return cb ? 1 : 0;
}

static void
ha_flow_on(void *arg)
{
	struct ha_def *d;

	while ((d = ha.defer) != NULL) {
		int rc = emit_raw(d->type, d->data, d->len, d->cb);

		if (rc == -1 && errno == EAGAIN)
			return;
		if (rc == 0 && d->cb)
			release(d->cb);		/* completed at once */
		ha.defer = d->next;
		if (ha.defer == NULL)
			ha.defer_tail = &ha.defer;
		free(d);
	}
}

#define HA_REC_MAX	8192	/* a control message (<= 4096) and its state */

static int
emit_pb(const ProtobufCMessage *m, uint32_t type, struct ha_cb *cb)
{
	uint8_t buf[HA_REC_MAX];
	size_t len = protobuf_c_message_get_packed_size(m);

	if (len > sizeof(buf)) {
		free(cb);
		errno = EMSGSIZE;
		return -1;
	}
	protobuf_c_message_pack(m, buf);
	return emit(type, buf, len, cb);
}

static int
emit_tunnel(struct l2tp_tunnel *t)
{
	L2tpckpt__Tunnel m = L2TPCKPT__TUNNEL__INIT;
	L2tpckpt__Ctrl c;
	struct l2tp_tunnel_info ti;
	struct l2tp_ctrl_state cs;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ti.peer;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ti.peer;

	l2tp_tunnel_get_info(t, &ti);
	l2tp_ctrl_export(t, &cs);
	ctrl_to_pb(&cs, &c);
	m.local_tid = ti.local_tid;
	m.remote_tid = ti.remote_tid;
	m.initiator = ti.initiator;
	m.group = ti.group;
	m.peer_name = ti.peer_name;
	if (ti.peer.ss_family == AF_INET) {
		m.peer_addr.data = (uint8_t *)&s4->sin_addr;
		m.peer_addr.len = 4;
		m.peer_port = ntohs(s4->sin_port);
	} else {
		m.peer_addr.data = (uint8_t *)&s6->sin6_addr;
		m.peer_addr.len = 16;
		m.peer_port = ntohs(s6->sin6_port);
	}
	m.peer_framing_cap = ti.peer_framing_cap;
	m.peer_bearer_cap = ti.peer_bearer_cap;
	m.peer_failover = ti.peer_failover;
	m.has_local_tid = m.has_remote_tid = m.has_initiator = 1;
	m.has_peer_addr = m.has_peer_port = m.has_peer_framing_cap = 1;
	m.has_peer_bearer_cap = m.has_peer_failover = 1;
	m.peer_failover_flags = ti.peer_failover_flags;
	m.peer_recovery_ms = ti.peer_recovery_ms;
	m.has_peer_failover_flags = m.has_peer_recovery_ms = 1;
	m.ctrl = &c;
	return emit_pb(&m.base, R_TUNNEL, NULL);
}

static void
emit_session(struct l2tp_session *s)
{
	L2tpckpt__Session m = L2TPCKPT__SESSION__INIT;
	struct l2tp_session_info si;

	l2tp_session_get_info(s, &si);
	m.local_tid = si.local_tid;
	m.local_sid = si.local_sid;
	m.remote_sid = si.remote_sid;
	m.remote_tid = si.remote_tid;
	m.state = si.state;
	m.call = si.call;
	m.call_serial = si.call_serial;
	m.data_seq = si.data_seq;
	m.has_local_tid = m.has_local_sid = m.has_remote_sid = 1;
	m.has_remote_tid = m.has_state = m.has_call = 1;
	m.has_call_serial = m.has_data_seq = 1;
	(void)emit_pb(&m.base, R_SESSION, NULL);
}

static void
emit_ref(uint32_t type, uint16_t tid, uint16_t sid)
{
	L2tpckpt__Ref m = L2TPCKPT__REF__INIT;

	m.local_tid = tid;
	m.has_local_tid = 1;
	if (sid) {
		m.local_sid = sid;
		m.has_local_sid = 1;
	}
	(void)emit_pb(&m.base, type, NULL);
}

static int
emit_txmsg(struct l2tp_tunnel *t, uint16_t ns, const uint8_t *buf,
    size_t len, struct ha_cb *cb)
{
	L2tpckpt__TxMsg m = L2TPCKPT__TX_MSG__INIT;
	L2tpckpt__Ctrl c;
	struct l2tp_ctrl_state cs;

	l2tp_ctrl_export(t, &cs);
	ctrl_to_pb(&cs, &c);
	m.local_tid = l2tp_tunnel_local_id(t);
	m.has_local_tid = 1;
	m.ns = ns;
	m.has_ns = 1;
	m.msg.data = (uint8_t *)buf;
	m.msg.len = len;
	m.has_msg = 1;
	m.ctrl = &c;
	return emit_pb(&m.base, R_TXMSG, cb);
}

static int
queued_cb(void *arg, uint16_t ns, const uint8_t *buf, size_t len)
{
	return emit_txmsg(arg, ns, buf, len, NULL) == -1 ? -1 : 0;
}

static struct ha_s *
hs_of(struct l2tp_session *s)
{
	struct ha_s *hs = l2tp_session_get_user(s);

	if (hs == NULL && (hs = calloc(1, sizeof(*hs))) != NULL) {
		hs->s = s;
		hs->state = 0xff;	/* never sent */
		l2tp_session_set_user(s, hs);
	}
	return hs;
}

/* a session's view as the standby last got it, sent if it changed */
static void
sync_session(struct ha_s *hs, int force)
{
	struct l2tp_session_info si;

	l2tp_session_get_info(hs->s, &si);
	if (force || hs->state != si.state || hs->remote_sid !=
	    si.remote_sid || hs->data_seq != si.data_seq) {
		hs->state = (uint8_t)si.state;
		hs->remote_sid = si.remote_sid;
		hs->data_seq = (uint8_t)si.data_seq;
		emit_session(hs->s);
	}
}

/* every session of a tunnel that becomes protected, or for a bulk;
 * afterwards each change goes across as it happens (ha_session_changed) */
static void
sync_sessions(struct l2tp_tunnel *t)
{
	struct l2tp_session *s;
	struct ha_s *hs;

	for (s = l2tp_session_next(t, NULL); s; s = l2tp_session_next(t, s))
		if ((hs = hs_of(s)) != NULL)
			sync_session(hs, 1);
}

/* start protecting a tunnel: its state, sessions and queue go across */
static struct ha_t *
announce(struct l2tp_tunnel *t)
{
	struct ha_t *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->gen = ++ha.gen;
	h->t = t;
	l2tp_tunnel_set_user(t, h);
	emit_tunnel(t);
	sync_sessions(t);
	(void)l2tp_ctrl_foreach_msg(t, queued_cb, t);
	SSO_DEBUG(&dbg_event, SVC_FAC, "tunnel %u now HA-protected",
	    l2tp_tunnel_local_id(t));
	return h;
}

/* ---- engine hooks (active) ---- */

int
ha_ckpt_send(void *arg, struct l2tp_tunnel *t, uint16_t ns, int lazy,
    const uint8_t *buf, size_t len)
{
	struct ha_t *h = ha_of(t);
	struct ha_cb *cb = NULL;
	struct l2tp_tunnel_info ti;

	if (h == NULL) {
		l2tp_tunnel_get_info(t, &ti);
		/* LNS: at establishment; LAC: the SCCCN that establishes.
		 * Never an RFC 4951 recovery tunnel: it lives for one
		 * exchange and the standby has nothing to take over there */
		if (!group_protected(ti.group) || ti.remote_tid == 0 ||
		    ti.recovery ||
		    (ti.state != L2TP_TS_ESTABLISHED && !ti.initiator) ||
		    (h = announce(t)) == NULL)
			return 0;
	}
	if (!lazy && (cb = calloc(1, sizeof(*cb))) != NULL) {
		cb->gen = h->gen;
		cb->tid = l2tp_tunnel_local_id(t);
		cb->v = ns;
	}
	return emit_txmsg(t, ns, buf, len, cb) == 1 ? 1 : 0;
}

int
ha_ckpt_ack(void *arg, struct l2tp_tunnel *t, uint16_t nr, int lazy)
{
	L2tpckpt__Ref m = L2TPCKPT__REF__INIT;
	L2tpckpt__Ctrl c;
	struct l2tp_ctrl_state cs;
	struct ha_t *h = ha_of(t);
	struct ha_cb *cb = NULL;

	if (h == NULL)
		return 0;
	l2tp_ctrl_export(t, &cs);
	cs.rcv_next = nr;
	ctrl_to_pb(&cs, &c);
	m.local_tid = l2tp_tunnel_local_id(t);
	m.has_local_tid = 1;
	m.ctrl = &c;
	/*
	 * No lazy ack, even for a Hello: an Nr the peer saw but the standby
	 * does not know is a message the peer never retransmits and the new
	 * active waits for forever, and a receiver cannot tell a Hello it
	 * did not checkpoint from anything else (a Hello costs one
	 * checkpoint per tunnel per hello interval).
	 */
	(void)lazy;
	if ((cb = calloc(1, sizeof(*cb))) != NULL) {
		cb->gen = h->gen;
		cb->tid = (uint16_t)m.local_tid;
		cb->v = nr;
		cb->ack = 1;
	}
	return emit_pb(&m.base, R_PROGRESS, cb) == 1 ? 1 : 0;
}

void
ha_tunnel_event(struct l2tp_tunnel *t, enum l2tp_event ev)
{
	struct ha_t *h = ha_of(t);
	struct l2tp_tunnel_info ti;

	l2tp_tunnel_get_info(t, &ti);
	switch (ev) {
	case L2TP_EV_TUNNEL_UP:
		if (h == NULL && group_protected(ti.group))
			(void)announce(t);
		else if (h == NULL)
			ha.unprotected++;
		break;
	case L2TP_EV_TUNNEL_RECOVERY_FAILED:
		if (h == NULL || h->rs != RS_RECOVER)
			break;
		/* RFC 4951 refused or timed out: silent failover instead */
		ha.fo_fail++;
		svc_failure(ti.local_tid, 0, ti.peer_name, "RFC 4951 recovery "
		    "failed; falling back to silent failover");
		probe(h);
		break;
	case L2TP_EV_TUNNEL_RESYNCED:
		if (h == NULL || (h->rs != RS_PROBING && h->rs != RS_RECOVER))
			break;
		if (h->rs == RS_RECOVER)
			ha.fo_success++;
		{
			struct l2tp_ctrl_state cs;
			struct ha_msg *m, *n;
			int resend = 0;

			/* what of the old queue the peer still lacks */
			l2tp_ctrl_export(t, &cs);
			for (m = h->pending; m; m = n) {
				n = m->next;
				if (l2tp_seq_le(cs.ns_next, m->ns) &&
				    l2tp_ctrl_import_msg(t, m->ns, m->buf,
				    m->len) == 0)
					resend = 1;
				free(m);
			}
			h->pending = NULL;
			if (resend)
				l2tp_ctrl_retransmit_all(t);
		}
		h->rs = RS_NONE;
		ha.rs_success++;
		ha.rs_outstanding--;
		SSO_DEBUG(&dbg_resync, SVC_FAC, "tunnel %u resynced",
		    ti.local_tid);
		emit_tunnel(t);		/* the new standby's view */
		resync_kick();
		break;
	case L2TP_EV_TUNNEL_DOWN:
		if (h == NULL)
			break;
		if (h->rs != RS_NONE) {
			ha.rs_fail++;
			if (h->rs == RS_PROBING || h->rs == RS_DRAIN ||
			    h->rs == RS_RECOVER)
				ha.rs_outstanding--;
			if (h->rs == RS_RECOVER)
				ha.fo_fail++;
			svc_failure(ti.local_tid, 0, ti.peer_name, "HA resync "
			    "failed: tunnel down (result %u)", ti.last_result);
		}
		emit_ref(R_TUNNEL_DEL, ti.local_tid, 0);
		while (h->pending) {
			struct ha_msg *m = h->pending;

			h->pending = m->next;
			free(m);
		}
		h->gen = 0;	/* late completions find nothing */
		if (h->rs == RS_WAIT) {
			struct ha_t **pp;

			for (pp = &ha.rs_head; *pp; pp = &(*pp)->rs_next)
				if (*pp == h) {
					*pp = h->rs_next;
					break;
				}
			ha.rs_tail = &ha.rs_head;
			while (*ha.rs_tail)
				ha.rs_tail = &(*ha.rs_tail)->rs_next;
		}
		l2tp_tunnel_set_user(t, NULL);
		free(h);
		resync_kick();
		break;
	default:
		break;
	}
}

/*
 * The engine changed a session (O(1): the tunnel's other sessions are not
 * looked at). The record goes at once, so before the message that depends
 * on it (the SYNC record of the send or ack under way). Its end: the
 * standby drops its copy, whether the call ever came up or not.
 */
void
ha_session_changed(struct l2tp_session *s)
{
	int protected = ha_of(l2tp_session_tunnel(s)) != NULL;
	struct ha_s *hs = l2tp_session_get_user(s);
	struct l2tp_session_info si;

	l2tp_session_get_info(s, &si);
	if (si.state == L2TP_SS_DEAD) {
		if (hs == NULL)
			return;
		if (protected && hs->state != 0xff)
			emit_ref(R_SESSION_DEL, si.local_tid, si.local_sid);
		l2tp_session_set_user(s, NULL);
		free(hs);
		return;
	}
	/* unprotected: announce() sends them all */
	if (protected && (hs = hs_of(s)) != NULL)
		sync_session(hs, 0);
}

/* ---- bulk (active) ---- */

static int
ha_bulk(void *arg, int first, unsigned budget)
{
	unsigned n = 0;

	if (first)
		ha.bulk_tid = 1;
	if (ha.defer != NULL)
		return 0;		/* back-pressure: later */
	for (; ha.bulk_tid <= 0xffff && n < budget; ha.bulk_tid++) {
		struct l2tp_tunnel *t = l2tp_tunnel_find(svc.ctx,
		    (uint16_t)ha.bulk_tid);

		if (t == NULL || ha_of(t) == NULL)
			continue;
		if (emit_tunnel(t) == -1 && errno == EAGAIN)
			return 0;
		sync_sessions(t);
		(void)l2tp_ctrl_foreach_msg(t, queued_cb, t);
		n += 1 + l2tp_tunnel_session_count(t);
		if (ha.defer != NULL) {
			ha.bulk_tid++;
			return 0;
		}
	}
	return ha.bulk_tid > 0xffff;
}

/* ---- standby: applying records ---- */

static void
sb_free(struct sb_tun *s)
{
	while (s->txq) {
		struct ha_msg *m = s->txq;

		s->txq = m->next;
		free(m);
	}
	while (s->sessions) {
		struct sb_sess *x = s->sessions;

		s->sessions = x->next;
		free(x);
	}
	free(s);
}

static void
sb_prune(struct sb_tun *s)
{
	/* the peer acked everything before snd_una */
	while (s->txq && l2tp_seq_lt(s->txq->ns, s->cs.snd_una)) {
		struct ha_msg *m = s->txq;

		s->txq = m->next;
		free(m);
	}
}

static void
ha_reset(void *arg)
{
	unsigned i;

	for (i = 0; i < 65536; i++)
		if (ha.sb[i]) {
			sb_free(ha.sb[i]);
			ha.sb[i] = NULL;
		}
	ha.sb_tunnels = 0;
}

static int
apply_tunnel(const L2tpckpt__Tunnel *m)
{
	struct sb_tun *s;
	struct l2tp_ctrl_state cs;
	struct sockaddr_in *s4;
	struct sockaddr_in6 *s6;

	if (!m->has_local_tid || m->local_tid == 0 || m->local_tid > 0xffff ||
	    m->remote_tid > 0xffff || m->group == NULL ||
	    strlen(m->group) >= L2TP_NAME_MAX || (m->peer_name &&
	    strlen(m->peer_name) >= L2TP_NAME_MAX) || m->peer_port > 0xffff ||
	    (m->peer_addr.len != 4 && m->peer_addr.len != 16) ||
	    ctrl_from_pb(m->ctrl, &cs) == -1)
		return -1;
	if ((s = ha.sb[m->local_tid]) == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			return -1;
		ha.sb[m->local_tid] = s;
		ha.sb_tunnels++;
	}
	s->tid = (uint16_t)m->local_tid;
	s->remote_tid = (uint16_t)m->remote_tid;
	s->initiator = m->initiator;
	s->peer_failover = m->peer_failover;
	s->fo_flags = (uint16_t)(m->peer_failover_flags &
	    (L2TP_FAILOVER_CAP_C | L2TP_FAILOVER_CAP_D));
	s->recovery_ms = m->peer_recovery_ms;
	snprintf(s->group, sizeof(s->group), "%s", m->group);
	snprintf(s->peer_name, sizeof(s->peer_name), "%s",
	    m->peer_name ? m->peer_name : "");
	memset(&s->peer, 0, sizeof(s->peer));
	if (m->peer_addr.len == 4) {
		s4 = (struct sockaddr_in *)&s->peer;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, m->peer_addr.data, 4);
		s4->sin_port = htons((uint16_t)m->peer_port);
		s->peer_len = sizeof(*s4);
	} else {
		s6 = (struct sockaddr_in6 *)&s->peer;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, m->peer_addr.data, 16);
		s6->sin6_port = htons((uint16_t)m->peer_port);
		s->peer_len = sizeof(*s6);
	}
	s->framing = m->peer_framing_cap;
	s->bearer = m->peer_bearer_cap;
	s->cs = cs;
	sb_prune(s);
	return 0;
}

static struct sb_sess **
sb_sess_find(struct sb_tun *s, uint32_t sid)
{
	struct sb_sess **pp;

	for (pp = &s->sessions; *pp; pp = &(*pp)->next)
		if ((*pp)->sid == sid)
			break;
	return pp;
}

static void
sb_count(struct sb_tun *s)
{
	struct sb_sess *x;

	s->nsess = s->nsess_est = 0;
	for (x = s->sessions; x; x = x->next) {
		s->nsess++;
		s->nsess_est += (x->state == L2TP_SS_ESTABLISHED);
	}
}

static int
apply_session(const L2tpckpt__Session *m)
{
	struct sb_tun *s;
	struct sb_sess **pp, *x;

	if (!m->has_local_tid || m->local_tid > 0xffff || !m->has_local_sid ||
	    m->local_sid == 0 || m->local_sid > 0xffff ||
	    m->remote_sid > 0xffff || m->remote_tid > 0xffff ||
	    m->state >= L2TP_SS_MAX || m->call > L2TP_CALL_LAC_OC)
		return -1;
	if ((s = ha.sb[m->local_tid]) == NULL)
		return 0;	/* the tunnel's bulk record comes later */
	pp = sb_sess_find(s, m->local_sid);
	if ((x = *pp) == NULL) {
		if ((x = calloc(1, sizeof(*x))) == NULL)
			return -1;
		*pp = x;
	}
	x->sid = (uint16_t)m->local_sid;
	x->remote_sid = (uint16_t)m->remote_sid;
	x->remote_tid = (uint16_t)m->remote_tid;
	x->state = (uint8_t)m->state;
	x->call = (uint8_t)m->call;
	x->serial = m->call_serial;
	x->data_seq = m->data_seq;
	sb_count(s);
	return 0;
}

static int
apply_txmsg(const L2tpckpt__TxMsg *m)
{
	struct sb_tun *s;
	struct ha_msg **pp, *x;
	struct l2tp_ctrl_state cs;

	if (!m->has_local_tid || m->local_tid > 0xffff || !m->has_ns ||
	    m->ns > 0xffff || !m->has_msg || m->msg.len < 12 ||
	    m->msg.len > 4096 || ctrl_from_pb(m->ctrl, &cs) == -1)
		return -1;
	if ((s = ha.sb[m->local_tid]) == NULL)
		return 0;
	s->cs = cs;
	/* keep Ns order from snd_una; replace a message with the same Ns */
	for (pp = &s->txq; *pp && l2tp_seq_lt((*pp)->ns, (uint16_t)m->ns);
	    pp = &(*pp)->next)
		;
	if (*pp && (*pp)->ns == m->ns) {
		x = *pp;
		*pp = x->next;
		free(x);
	}
	if ((x = malloc(sizeof(*x) + m->msg.len)) == NULL)
		return -1;
	x->ns = (uint16_t)m->ns;
	x->len = (uint16_t)m->msg.len;
	memcpy(x->buf, m->msg.data, m->msg.len);
	x->next = *pp;
	*pp = x;
	sb_prune(s);
	return 0;
}

static int
apply_ref(uint32_t type, const L2tpckpt__Ref *m)
{
	struct sb_tun *s;
	struct sb_sess **pp, *x;
	struct l2tp_ctrl_state cs;

	if (!m->has_local_tid || m->local_tid > 0xffff || m->local_sid > 0xffff)
		return -1;
	if ((s = ha.sb[m->local_tid]) == NULL)
		return 0;
	switch (type) {
	case R_TUNNEL_DEL:
		sb_free(s);
		ha.sb[m->local_tid] = NULL;
		ha.sb_tunnels--;
		return 0;
	case R_SESSION_DEL:
		pp = sb_sess_find(s, m->local_sid);
		if ((x = *pp) != NULL) {
			*pp = x->next;
			free(x);
		}
		sb_count(s);
		return 0;
	case R_PROGRESS:
		if (ctrl_from_pb(m->ctrl, &cs) == -1)
			return -1;
		s->cs = cs;
		sb_prune(s);
		return 0;
	default:
		return -1;
	}
}

static int
ha_apply(void *arg, uint32_t version, uint32_t type, const uint8_t *data,
    size_t len)
{
	int rc = -1;

	ha.rx_records++;
	switch (type) {
	case R_TUNNEL: {
		L2tpckpt__Tunnel *m = l2tpckpt__tunnel__unpack(NULL, len, data);

		if (m) {
			rc = apply_tunnel(m);
			l2tpckpt__tunnel__free_unpacked(m, NULL);
		}
		break;
	}
	case R_SESSION: {
		L2tpckpt__Session *m = l2tpckpt__session__unpack(NULL, len,
		    data);

		if (m) {
			rc = apply_session(m);
			l2tpckpt__session__free_unpacked(m, NULL);
		}
		break;
	}
	case R_TXMSG: {
		L2tpckpt__TxMsg *m = l2tpckpt__tx_msg__unpack(NULL, len, data);

		if (m) {
			rc = apply_txmsg(m);
			l2tpckpt__tx_msg__free_unpacked(m, NULL);
		}
		break;
	}
	case R_TUNNEL_DEL:
	case R_SESSION_DEL:
	case R_PROGRESS: {
		L2tpckpt__Ref *m = l2tpckpt__ref__unpack(NULL, len, data);

		if (m) {
			rc = apply_ref(type, m);
			l2tpckpt__ref__free_unpacked(m, NULL);
		}
		break;
	}
	default:
		break;
	}
	if (rc == -1) {
		ha.apply_errors++;
		SSO_DEBUG(&dbg_error, SVC_FAC, "bad checkpoint record type %u",
		    type);
	}
	return rc;
}

/* ---- takeover ---- */

static void
resync_done_check(void)
{
	if (ha.rs_running && ha.rs_outstanding == 0 && ha.rs_head == NULL) {
		ha.rs_running = 0;
		ha.rs_end_ms = sso_now_ms();
		sso_log(SSO_NOTICE, SVC_FAC, "RESYNC", "HA resync complete: "
		    "%llu/%llu tunnels (success/fail) in %llu ms",
		    (unsigned long long)ha.rs_success,
		    (unsigned long long)ha.rs_fail,
		    (unsigned long long)(ha.rs_end_ms - ha.rs_start_ms));
		sso_event("L2TP", "RESYNC_DONE", "resync complete in %llu ms",
		    (unsigned long long)(ha.rs_end_ms - ha.rs_start_ms));
	}
}

/* send the probe of one waiting tunnel (see the top of this file) */
static void
probe(struct ha_t *h)
{
	struct l2tp_ctrl_state cs;
	struct l2tp_tunnel_info ti;

	/* DESIGN.md rule 7: RFC 4951 only with a peer that advertised it */
	l2tp_tunnel_get_info(h->t, &ti);
	if (!h->fo_tried && ti.failover_negotiated) {
		h->fo_tried = 1;
		h->rs = RS_RECOVER;
		if (l2tp_tunnel_recover(h->t) == 0) {
			SSO_DEBUG(&dbg_resync, SVC_FAC, "tunnel %u: RFC 4951 "
			    "recovery", ti.local_tid);
			return;
		}
		ha.fo_fail++;
		svc_failure(ti.local_tid, 0, ti.peer_name, "RFC 4951 recovery "
		    "could not start; silent failover");
	}
	l2tp_ctrl_export(h->t, &cs);
	/* just below the oldest unacked Ns: a duplicate for the peer. At 0
	 * that would cross the 16-bit wrap, which a peer comparing without
	 * modulo would take as a future message; then resend the queue
	 * first (same Ns) and probe once it is acked */
	if (cs.snd_una == 0 && h->pending != NULL) {
		struct ha_msg *m;

		for (m = h->pending; m; m = m->next)
			(void)l2tp_ctrl_import_msg(h->t, m->ns, m->buf, m->len);
		while (h->pending) {
			m = h->pending;
			h->pending = m->next;
			free(m);
		}
		l2tp_ctrl_retransmit_all(h->t);
		h->rs = RS_DRAIN;
		ev_timer_start(svc.loop, &ha.drain_timer);
		return;
	}
	h->probe = cs.snd_una == 0 ? 0 : (uint16_t)(cs.snd_una - 1);
	h->rs = RS_PROBING;
	if (l2tp_tunnel_resync(h->t, h->probe) == -1) {
		sso_log(SSO_ERR, SVC_FAC, "RESYNC", "tunnel %u: cannot probe",
		    l2tp_tunnel_local_id(h->t));
		(void)l2tp_tunnel_clear(h->t, L2TP_STOPCCN_GENERAL, 0,
		    "HA resync failed");
	}
}

static void
resync_kick(void)
{
	struct ha_t *h;

	while ((h = ha.rs_head) != NULL &&
	    ha.rs_outstanding < (h->resync_n ? h->resync_n : 1)) {
		ha.rs_head = h->rs_next;
		if (ha.rs_head == NULL)
			ha.rs_tail = &ha.rs_head;
		h->rs_next = NULL;
		ha.rs_outstanding++;
		probe(h);
	}
	resync_done_check();
}

/* RS_DRAIN tunnels: probe once the resent queue is acked */
static void
drain_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct l2tp_tunnel *t;
	int waiting = 0;

	for (t = l2tp_tunnel_next(svc.ctx, NULL); t;
	    t = l2tp_tunnel_next(svc.ctx, t)) {
		struct ha_t *h = ha_of(t);
		struct l2tp_ctrl_state cs;

		if (h == NULL || h->rs != RS_DRAIN)
			continue;
		l2tp_ctrl_export(t, &cs);
		if (cs.unacked != 0) {
			waiting = 1;
			continue;
		}
		h->probe = cs.ns_next == 0 ? 0 : (uint16_t)(cs.ns_next - 1);
		h->rs = RS_PROBING;
		if (l2tp_tunnel_resync(t, h->probe) == -1)
			(void)l2tp_tunnel_clear(t, L2TP_STOPCCN_GENERAL, 0,
			    "HA resync failed");
	}
	if (!waiting)
		ev_timer_stop(loop, w);
}

static struct l2tp_tunnel *
restore_one(struct sb_tun *s)
{
	struct svc_group *g = svc_group_find(s->group);
	struct l2tp_tunnel_info ti;
	struct l2tp_tunnel *t;
	struct sb_sess *x;
	struct ha_t *h;
	struct ha_msg *m, **tail;

	if (g == NULL) {
		svc_failure(s->tid, 0, s->peer_name, "not restored: vpdn-group "
		    "%s is not configured here", s->group);
		return NULL;
	}
	memset(&ti, 0, sizeof(ti));
	ti.local_tid = s->tid;
	ti.remote_tid = s->remote_tid;
	ti.state = L2TP_TS_ESTABLISHED;
	ti.initiator = s->initiator;
	snprintf(ti.group, sizeof(ti.group), "%s", s->group);
	snprintf(ti.peer_name, sizeof(ti.peer_name), "%s", s->peer_name);
	memcpy(&ti.peer, &s->peer, sizeof(ti.peer));
	ti.peer_len = s->peer_len;
	ti.peer_rx_window = s->cs.peer_rx_window;
	ti.peer_framing_cap = s->framing;
	ti.peer_bearer_cap = s->bearer;
	ti.peer_failover = s->peer_failover;
	ti.peer_failover_flags = s->fo_flags;
	ti.peer_recovery_ms = s->recovery_ms;
	if ((t = l2tp_tunnel_restore(svc.ctx, &g->g, &ti)) == NULL ||
	    l2tp_ctrl_import(t, &s->cs) == -1) {
		svc_failure(s->tid, 0, s->peer_name, "not restored: engine "
		    "refused the checkpointed tunnel");
		if (t)
			(void)l2tp_tunnel_clear(t, L2TP_STOPCCN_GENERAL, 0,
			    NULL);
		return NULL;
	}
	for (x = s->sessions; x; x = x->next) {
		struct l2tp_session_info si;
		struct l2tp_session *ss;
		struct ha_s *hs;

		memset(&si, 0, sizeof(si));
		si.local_tid = s->tid;
		si.local_sid = x->sid;
		si.remote_sid = x->remote_sid;
		si.remote_tid = x->remote_tid;
		si.state = x->state;
		si.call = x->call;
		si.call_serial = x->serial;
		si.data_seq = x->data_seq;
		if ((ss = l2tp_session_restore(t, &si)) == NULL) {
			svc_failure(s->tid, x->sid, s->peer_name, "session not "
			    "restored");
			continue;
		}
		/* what the standby that will follow gets in its bulk */
		if ((hs = hs_of(ss)) != NULL) {
			hs->state = x->state;
			hs->remote_sid = x->remote_sid;
			hs->data_seq = x->data_seq;
		}
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return t;
	h->gen = ++ha.gen;
	h->t = t;
	h->resync_n = g->resync;
	/* the unacked queue, kept aside until the probe tells what the
	 * peer has */
	tail = &h->pending;
	while ((m = s->txq) != NULL) {
		s->txq = m->next;
		if (l2tp_seq_le(s->cs.snd_una, m->ns) &&
		    l2tp_seq_lt(m->ns, s->cs.ns_next)) {
			m->next = NULL;
			*tail = m;
			tail = &m->next;
		} else
			free(m);
	}
	l2tp_tunnel_set_user(t, h);
	return t;
}

void
ha_takeover(void)
{
	unsigned i, n = 0;

	if (ha.sb_tunnels == 0)
		return;
	ha.rs_start_ms = sso_now_ms();
	ha.rs_end_ms = 0;
	ha.rs_success = ha.rs_fail = 0;
	ha.rs_running = 1;
	for (i = 1; i < 65536; i++) {
		struct sb_tun *s = ha.sb[i];
		struct l2tp_tunnel *t;
		struct ha_t *h;

		if (s == NULL)
			continue;
		ha.sb[i] = NULL;
		if ((t = restore_one(s)) == NULL || (h = ha_of(t)) == NULL) {
			ha.restore_fail++;
			ha.rs_fail++;
			sb_free(s);
			continue;
		}
		sb_free(s);
		(void)l2tp_tunnel_resync_hold(t);
		h->rs = RS_WAIT;
		*ha.rs_tail = h;
		ha.rs_tail = &h->rs_next;
		n++;
	}
	ha.sb_tunnels = 0;
	ha.rs_total = n;
	sso_log(SSO_NOTICE, SVC_FAC, "TAKEOVER", "%u tunnels rebuilt from "
	    "checkpoints; resynchronising with the peers", n);
	resync_kick();
}

/* ---- RF events ---- */

static void
ha_rf_event_cb(void *arg, enum sso_rf_event ev, enum sso_rf_state n,
    enum sso_rf_state o)
{
	SSO_DEBUG(&dbg_rf, SVC_FAC, "RF event %d: %s -> %s", ev,
	    sso_rf_state_name(o), sso_rf_state_name(n));
	switch (ev) {
	case SSO_EV_STATE:
		/* active from any state: own the service endpoint */
		if (SSO_RF_IS_ACTIVE(n) && !SSO_RF_IS_ACTIVE(o))
			(void)svc_listen();
		break;
	case SSO_EV_HANDOVER:
		/* manual switchover: the new active takes the endpoint */
		svc_unlisten();
		break;
	case SSO_EV_COLD_TAKEOVER:
		ha_reset(NULL);
		break;
	default:
		break;
	}
}

/* ---- show l2tp redundancy ---- */

struct ha_counts {
	uint64_t	 tun_total, tun_en, tun_est, tun_rs;
	uint64_t	 ses_total, ses_en, ses_est;
};

static void
count(struct ha_counts *c)
{
	struct l2tp_tunnel *t;
	unsigned i;

	memset(c, 0, sizeof(*c));
	if (SSO_RF_IS_STANDBY(sso_rf_state())) {
		/* the copy: everything in it is HA-enabled and -established
		 * (the standby has no unprotected tunnels to total) */
		for (i = 1; i < 65536; i++)
			if (ha.sb[i]) {
				c->tun_en++;
				c->ses_en += ha.sb[i]->nsess;
				c->ses_est += ha.sb[i]->nsess_est;
			}
		c->tun_est = c->tun_en;
		return;
	}
	for (t = l2tp_tunnel_next(svc.ctx, NULL); t;
	    t = l2tp_tunnel_next(svc.ctx, t)) {
		struct l2tp_tunnel_info ti;
		struct ha_t *h = ha_of(t);
		struct l2tp_session *s;

		l2tp_tunnel_get_info(t, &ti);
		c->tun_total++;
		c->ses_total += ti.sessions;
		if (h == NULL)
			continue;
		c->tun_en++;
		c->tun_est += (h->rs == RS_NONE);
		c->tun_rs += (h->rs != RS_NONE);
		for (s = l2tp_session_next(t, NULL); s;
		    s = l2tp_session_next(t, s)) {
			struct l2tp_session_info si;

			l2tp_session_get_info(s, &si);
			c->ses_en++;
			c->ses_est += (si.state == L2TP_SS_ESTABLISHED);
		}
	}
}

static uint64_t
resync_ms(void)
{
	if (ha.rs_start_ms == 0)
		return 0;
	return (ha.rs_end_ms ? ha.rs_end_ms : sso_now_ms()) - ha.rs_start_ms;
}

static void
summary(struct sso_reply *r, struct sso_json *j)
{
	struct ha_counts c;
	int standby = SSO_RF_IS_STANDBY(sso_rf_state());
	int messaging = svc.sso_enabled && (standby ?
	    sso_rf_state() >= SSO_RF_STANDBY_COLD_BULK :
	    sso_cf_streaming(ha.client));
	int standby_up = standby || sso_cf_streaming(ha.client);

	count(&c);
	if (j) {
		sso_json_kstr(j, "ha_support", "Silent Failover");
		sso_json_kbool(j, "checkpoint_messaging", messaging);
		sso_json_kbool(j, "standby_up", standby_up);
		sso_json_ku64(j, "recv_msg_count", ha.rx_records);
		sso_json_ku64(j, "tunnels_total", c.tun_total);
		sso_json_ku64(j, "tunnels_ha_enabled", c.tun_en);
		sso_json_ku64(j, "tunnels_ha_established", c.tun_est);
		sso_json_ku64(j, "tunnels_resync", c.tun_rs);
		sso_json_ku64(j, "sessions_total", c.ses_total);
		sso_json_ku64(j, "sessions_ha_enabled", c.ses_en);
		sso_json_ku64(j, "sessions_ha_established", c.ses_est);
		sso_json_ku64(j, "resync_success", ha.rs_success);
		sso_json_ku64(j, "resync_fail", ha.rs_fail);
		sso_json_ku64(j, "rfc4951_recovery_success", ha.fo_success);
		sso_json_ku64(j, "rfc4951_recovery_fail", ha.fo_fail);
		sso_json_ku64(j, "resync_duration_ms", resync_ms());
		sso_json_kbool(j, "resync_complete", !ha.rs_running);
		sso_json_ku64(j, "checkpoints_sent", ha.tx_records);
		sso_json_ku64(j, "checkpoint_waits", ha.sync_waits);
		sso_json_ku64(j, "checkpoints_deferred", ha.deferred);
		sso_json_ku64(j, "apply_errors", ha.apply_errors);
		sso_json_ku64(j, "calls_refused_resync",
		    svc.calls_refused_resync);
		return;
	}
	sso_wbuf_printf(&r->out, "L2TP HA support: Silent Failover\n"
	    "L2TP HA Status:\n  Checkpoint Messaging on: %s\n"
	    "  Standby RP is up: %s\n  Recv'd Message Count: %llu\n",
	    messaging ? "TRUE" : "FALSE", standby_up ? "TRUE" : "FALSE",
	    (unsigned long long)ha.rx_records);
	if (!standby_up)
		sso_wbuf_printf(&r->out, "No HA CC of Session data to display "
		    "until Standby RP is up.\n");
	if (standby)
		sso_wbuf_printf(&r->out, "L2TP Tunnels: %llu/%llu "
		    "(HA-enabled/HA-est)\nL2TP Sessions: %llu/%llu "
		    "(HA-enabled/HA-est)\n", (unsigned long long)c.tun_en,
		    (unsigned long long)c.tun_est,
		    (unsigned long long)c.ses_en,
		    (unsigned long long)c.ses_est);
	else
		sso_wbuf_printf(&r->out, "L2TP Tunnels: %llu/%llu/%llu/%llu "
		    "(total/HA-enabled/HA-est/resync)\nL2TP Sessions: "
		    "%llu/%llu/%llu (total/HA-enabled/HA-est)\n",
		    (unsigned long long)c.tun_total,
		    (unsigned long long)c.tun_en,
		    (unsigned long long)c.tun_est,
		    (unsigned long long)c.tun_rs,
		    (unsigned long long)c.ses_total,
		    (unsigned long long)c.ses_en,
		    (unsigned long long)c.ses_est);
	if (!standby && ha.rs_start_ms)
		sso_wbuf_printf(&r->out, "L2TP Resynced Tunnels: %llu/%llu "
		    "(success/fail)\nResync duration %.2f secs (%s)\n",
		    (unsigned long long)ha.rs_success,
		    (unsigned long long)ha.rs_fail, resync_ms() / 1000.0,
		    ha.rs_running ? "in progress" : "complete");
	if (!standby && (ha.fo_success || ha.fo_fail))
		sso_wbuf_printf(&r->out, "L2TP RFC 4951 Recoveries: %llu/%llu "
		    "(success/fail)\n", (unsigned long long)ha.fo_success,
		    (unsigned long long)ha.fo_fail);
}

static void
tunnels_out(struct sso_reply *r, struct sso_json *j, uint32_t only_tid,
    uint32_t only_sid, int sessions, int detail)
{
	unsigned i;

	if (j) {
		sso_json_key(j, "tunnels");
		sso_json_arr(j);
	} else
		sso_wbuf_printf(&r->out, "L2TP HA CC Check Point Status:\n"
		    "%-10s %-6s %-6s %-16s %-16s %s\n", "State", "LocID",
		    "RemID", "Remote Name", "Class/Group", "Num. Sessions");
	for (i = 1; i < 65536; i++) {
		struct l2tp_tunnel *t = NULL;
		struct sb_tun *s = NULL;
		struct l2tp_tunnel_info ti;
		const char *st, *hs;

		if (only_tid && i != only_tid)
			continue;
		if (SSO_RF_IS_STANDBY(sso_rf_state())) {
			if ((s = ha.sb[i]) == NULL)
				continue;
			st = "est";
		} else {
			if ((t = l2tp_tunnel_find(svc.ctx, (uint16_t)i))
			    == NULL || ha_of(t) == NULL)
				continue;
			l2tp_tunnel_get_info(t, &ti);
			st = ha_of(t)->rs == RS_RECOVER ? "recover" :
			    ha_of(t)->rs != RS_NONE ? "resync" : "est";
		}
		hs = s ? ha_support_of(s->group, s->peer_failover,
		    s->fo_flags) : ha_support_of(ti.group, ti.peer_failover,
		    ti.peer_failover_flags);
		if (j) {
			sso_json_obj(j);
			sso_json_kstr(j, "state", st);
			sso_json_ku64(j, "local_id", i);
			sso_json_ku64(j, "remote_id", s ? s->remote_tid :
			    ti.remote_tid);
			sso_json_kstr(j, "remote_name", s ? s->peer_name :
			    ti.peer_name);
			sso_json_kstr(j, "group", s ? s->group : ti.group);
			sso_json_ku64(j, "sessions", s ? s->nsess :
			    ti.sessions);
			sso_json_kstr(j, "ha_support", hs);
			sso_json_ku64(j, "peer_failover_flags", s ?
			    s->fo_flags : ti.peer_failover_flags);
			sso_json_ku64(j, "peer_recovery_ms", s ? s->recovery_ms :
			    ti.peer_recovery_ms);
		} else
			sso_wbuf_printf(&r->out, "%-10s %-6u %-6u %-16.16s "
			    "%-16.16s %u\n", st, i, s ? s->remote_tid :
			    ti.remote_tid, s ? s->peer_name : ti.peer_name,
			    s ? s->group : ti.group, s ? s->nsess :
			    ti.sessions);
		if (!j && detail)
			sso_wbuf_printf(&r->out, "  L2TP HA support: %s\n", hs);
		if (sessions) {
			if (j) {
				sso_json_key(j, "session_list");
				sso_json_arr(j);
			} else
				sso_wbuf_printf(&r->out, "  L2TP HA Session "
				    "Status:\n  %-6s %-6s %-6s %-12s\n",
				    "LocID", "RemID", "TunID", "State");
			if (s) {
				struct sb_sess *x;

				for (x = s->sessions; x; x = x->next) {
					if (only_sid && x->sid != only_sid)
						continue;
					if (j) {
						sso_json_obj(j);
						sso_json_ku64(j, "local_id",
						    x->sid);
						sso_json_ku64(j, "remote_id",
						    x->remote_sid);
						sso_json_kstr(j, "state",
						    l2tp_session_state_names[
						    x->state]);
						sso_json_obj_end(j);
					} else
						sso_wbuf_printf(&r->out,
						    "  %-6u %-6u %-6u %s\n",
						    x->sid, x->remote_sid, i,
						    l2tp_session_state_names[
						    x->state]);
				}
			} else {
				struct l2tp_session *ss;

				for (ss = l2tp_session_next(t, NULL); ss;
				    ss = l2tp_session_next(t, ss)) {
					struct l2tp_session_info si;

					l2tp_session_get_info(ss, &si);
					if (only_sid && si.local_sid !=
					    only_sid)
						continue;
					if (j) {
						sso_json_obj(j);
						sso_json_ku64(j, "local_id",
						    si.local_sid);
						sso_json_ku64(j, "remote_id",
						    si.remote_sid);
						sso_json_kstr(j, "state",
						    l2tp_session_state_names[
						    si.state]);
						sso_json_obj_end(j);
					} else if (detail)
						sso_wbuf_printf(&r->out,
						    "\n  Local session ID : %u\n"
						    "  Remote session ID : %u\n"
						    "  Local CC ID : %u\n"
						    "  Waiting for VPDN "
						    "application : No\n"
						    "  Waiting for L2TP protocol "
						    ": %s\n", si.local_sid,
						    si.remote_sid, i,
						    si.state ==
						    L2TP_SS_ESTABLISHED ? "No" :
						    "Yes");
					else
						sso_wbuf_printf(&r->out,
						    "  %-6u %-6u %-6u %s\n",
						    si.local_sid, si.remote_sid,
						    i, l2tp_session_state_names[
						    si.state]);
				}
			}
			if (j)
				sso_json_arr_end(j);
		}
		if (j)
			sso_json_obj_end(j);
	}
	if (j)
		sso_json_arr_end(j);
}

enum { SH_SUMMARY, SH_ALL, SH_DETAIL, SH_ID, SH_DETAIL_ID };

static int
cmd_show(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	int what = (int)(intptr_t)arg;
	struct sso_json j, *jp = NULL;
	uint32_t tid = a->n > 0 ? a->u[0] : 0, sid = a->n > 1 ? a->u[1] : 0;

	if (r->json) {
		sso_json_init(&j, &r->out);
		sso_json_obj(&j);
		jp = &j;
	}
	if (what == SH_SUMMARY || what == SH_ALL || what == SH_DETAIL)
		summary(r, jp);
	if (what != SH_SUMMARY)
		tunnels_out(r, jp, tid, sid, what != SH_SUMMARY,
		    what == SH_DETAIL || what == SH_DETAIL_ID);
	if (jp)
		sso_json_obj_end(jp);
	return SSO_RC_OK;
}

static int
cmd_debug(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	const char *kw = a->s[0] + strlen("l2tp redundancy ");
	int on = arg != NULL;

	/* a->s[0] is a registered category ("l2tp redundancy cf") */
	sso_debug_set(a->s[0], on);
	sso_wbuf_printf(&r->out, r->json ? "{\"debug\":\"%s\",\"on\":%s}" :
	    "L2TP redundancy %s debugging is %s\n", kw, on ? "true" :
	    "false");
	return SSO_RC_OK;
}

void
ha_show_register(void)
{
	static const char *const roots[] = { "l2tp", "vpdn" };
	char p[160];
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "show %s redundancy", roots[i]);
		sso_cmd_register(p, cmd_show, (void *)SH_SUMMARY);
		snprintf(p, sizeof(p), "show %s redundancy all", roots[i]);
		sso_cmd_register(p, cmd_show, (void *)SH_ALL);
		snprintf(p, sizeof(p), "show %s redundancy detail", roots[i]);
		sso_cmd_register(p, cmd_show, (void *)SH_DETAIL);
		snprintf(p, sizeof(p), "show %s redundancy id <uint:1-65535>",
		    roots[i]);
		sso_cmd_register(p, cmd_show, (void *)SH_ID);
		snprintf(p, sizeof(p), "show %s redundancy id <uint:1-65535> "
		    "<uint:1-65535>", roots[i]);
		sso_cmd_register(p, cmd_show, (void *)SH_ID);
		snprintf(p, sizeof(p), "show %s redundancy detail id "
		    "<uint:1-65535> <uint:1-65535>", roots[i]);
		sso_cmd_register(p, cmd_show, (void *)SH_DETAIL_ID);
		/* the registered "l2tp redundancy ..." categories */
		snprintf(p, sizeof(p), "debug %s redundancy "
		    "<debug:l2tp.redundancy>", roots[i]);
		sso_cmd_register(p, cmd_debug, &ha);
		snprintf(p, sizeof(p), "undebug %s redundancy "
		    "<debug:l2tp.redundancy>", roots[i]);
		sso_cmd_register(p, cmd_debug, NULL);
	}
}

/*
 * The l2tp line of `show redundancy clients`: an active says what it
 * holds (its live tunnels and sessions), a standby what its copy holds;
 * one unit's figure alone read as the other's (issue 9, item 16).
 */
static void
ha_show_client(void *arg, struct sso_json *j, struct sso_wbuf *b)
{
	int active = SSO_RF_IS_ACTIVE(sso_rf_state());
	unsigned tunnels = 0, sessions = 0, i;
	struct l2tp_tunnel *t;

	if (active && svc.ctx != NULL) {
		for (t = l2tp_tunnel_next(svc.ctx, NULL); t != NULL;
		    t = l2tp_tunnel_next(svc.ctx, t)) {
			tunnels++;
			sessions += l2tp_tunnel_session_count(t);
		}
	} else if (!active) {
		tunnels = ha.sb_tunnels;
		for (i = 0; i < 65536; i++)
			if (ha.sb[i])
				sessions += ha.sb[i]->nsess;
	}
	if (j) {
		sso_json_ku64(j, "tunnels_checkpointed", ha.sb_tunnels);
		sso_json_kstr(j, "l2tp_role", active ? "active" : "standby");
		sso_json_ku64(j, "l2tp_tunnels", tunnels);
		sso_json_ku64(j, "l2tp_sessions", sessions);
		return;
	}
	sso_wbuf_printf(b, "     l2tp: %u tunnels, %u sessions %s\n", tunnels,
	    sessions, active ? "held (active)" : "in the standby copy");
}

static const struct sso_client_ops ha_ops = {
	.id = HA_CLIENT_ID,
	.name = "l2tp",
	.priority = 50,
	.ver_min = HA_VER_MIN,
	.ver_max = HA_VER_MAX,
	.phase = SSO_PHASE_BULK,
	.bulk = ha_bulk,
	.apply = ha_apply,
	.reset = ha_reset,
	.rf_event = ha_rf_event_cb,
	.flow_on = ha_flow_on,
	.show = ha_show_client,
};

void
ha_init(void)
{
	size_t i;

	ha.defer_tail = &ha.defer;
	ha.rs_tail = &ha.rs_head;
	for (i = 0; i < sizeof(dbgs) / sizeof(dbgs[0]); i++)
		sso_debug_register(dbgs[i]);
	ev_timer_init(&ha.drain_timer, drain_cb, 0.05, 0.05);
	ha.client = sso_cf_register(&ha_ops, NULL);
}

/* ---- read-only statistics for the metrics collector (svc_counters.h) */

void
ha_get_stats(struct svc_ha_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->rx_records = ha.rx_records;
	s->tx_records = ha.tx_records;
	s->sync_waits = ha.sync_waits;
	s->deferred = ha.deferred;
	s->apply_errors = ha.apply_errors;
	s->restore_fail = ha.restore_fail;
	s->unprotected = ha.unprotected;
	s->rs_success = ha.rs_success;
	s->rs_fail = ha.rs_fail;
	s->fo_success = ha.fo_success;
	s->fo_fail = ha.fo_fail;
	s->rs_duration_ms = resync_ms();
	s->rs_outstanding = ha.rs_outstanding;
	s->sb_tunnels = ha.sb_tunnels;
	s->rs_running = ha.rs_running;
}
