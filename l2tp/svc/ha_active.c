/*
 * ha_active.c - the active side of the L2TP checkpoint client: tunnels and
 * sessions survive a switchover with peers that know nothing about
 * failover (DESIGN.md "L2TP over SSO").
 *
 *  - rule 2, checkpoint before send: every new control message (Ns and
 *    bytes, with the channel state) is a SYNC record; the engine holds the
 *    message until the standby has applied it (l2tp_ctrl_send_release);
 *  - rule 3, checkpoint before ack: when a received message has been
 *    processed, its effects (session records) and the new Nr go to the
 *    standby; the Nr reaches the wire only once the standby applied it.
 *    The Nr is checkpointed once per loop iteration and tunnel, after
 *    every message of the iteration (batch_cb): as a SYNC record of its
 *    own (R_PROGRESS), or, when our last record of the tunnel already
 *    carries that Nr (a reply: the ICRP answering an ICRQ carries the
 *    ctrl state with rcv_next past it), as a wait on the stream
 *    (sso_cf_wait: released once everything sent so far is applied);
 *  - the releases the standby's acks allow are applied once per loop
 *    iteration and tunnel too, the Nr before the messages, so that a
 *    released reply carries the released Nr (as without SSO) instead of
 *    leaving with the old one and a ZLB after it;
 *  - rule 4: Hellos (sent or received) are checkpointed lazily (ASYNC);
 *    the gap they may leave is closed by the resync (ha_resync.c).
 *  A tunnel is protected once it is established (LNS) or once we send the
 *    SCCCN that establishes it (LAC), if `l2tp sso enable` and the group's
 *    `sso enable` are on. Tunnels in setup are not protected (as in the
 *    seed: only fully established tunnels survive).
 *  What a protected tunnel carries comes from the registered record
 *    producers (the tunnel, its sessions, its unacked queue), both when it
 *    becomes protected and in a bulk.
 *  At takeover a tunnel is rebuilt here from the standby copy
 *    (restore_one) and handed to the resync machine, which reaches the
 *    engine through the ops at the end of this file.
 * Secrets are never checkpointed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ev.h>

#include "ha_local.h"

#define HA_PRODUCERS	8

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
	void		(*fn)(void *);	/* a protocol part's (ha_emit) */
	void		*arg;
};

struct sso_client *ha_client;

static void dirty_flush(struct ha_t *);
static size_t dirty_take(struct ha_t *, L2tpckpt__Session ***);
static void dirty_flush_all(void);

static struct {
	uint32_t	 gen;
	struct ha_def	*defer, **defer_tail;
	uint32_t	 bulk_tid;
	const struct ha_producer *prod[HA_PRODUCERS];
	unsigned	 nprod;
	ev_timer	 drain_timer;
	/* once per loop iteration: Nr checkpoints due, releases to apply */
	struct ha_t	*ack_due, *rel, *dirty_tun;
	ev_check	 batch;		/* after the iteration's input */
	ev_idle		 kick;		/* queued after batch ran: no poll */
	uint64_t	 refused;	/* records lost to a hard refusal */
	/* counters */
	uint64_t	 tx_records, sync_waits, deferred, unprotected;
	uint64_t	 ack_stream_waits;
	int		 emitting, done_now;
} ha;

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

static int
group_protected(const char *name)
{
	struct svc_group *g = svc_group_find(name);

	return svc.sso_enabled && g != NULL && g->sso;
}

int
ha_tunnel_protected(const struct l2tp_tunnel *t)
{
	return ha_of(t) != NULL;
}

/* ---- emitting records (ordered; back-pressure queues, never drops) ---- */

static void
batch_kick(void)
{
	if (!ev_is_active(&ha.batch)) {
		/* for good, unreferenced: it never keeps the loop alive */
		ev_check_start(svc.loop, &ha.batch);
		ev_unref(svc.loop);
	}
	if (!ev_is_active(&ha.kick))
		ev_idle_start(svc.loop, &ha.kick);
}

/* the standby has it: Nr (ack) or Ns v may go, at the end of the
 * iteration with whatever else the tunnel was allowed meanwhile */
static void
rel_queue(struct ha_t *h, int ack, uint16_t v)
{
	if (ack) {
		if (!h->rel_has_nr || l2tp_seq_lt(h->rel_nr, v))
			h->rel_nr = v;
		h->rel_has_nr = 1;
	} else {
		if (!h->rel_has_ns || l2tp_seq_lt(h->rel_ns, v))
			h->rel_ns = v;
		h->rel_has_ns = 1;
	}
	if (!h->rel_queued) {
		h->rel_queued = 1;
		h->rel_next = ha.rel;
		ha.rel = h;
		batch_kick();
	}
}

static void
release(struct ha_cb *cb)
{
	struct l2tp_tunnel *t;
	struct ha_t *h;

	if (cb->fn != NULL) {
		cb->fn(cb->arg);
		free(cb);
		return;
	}
	t = l2tp_tunnel_find(svc.ctx, cb->tid);
	h = t ? ha_of(t) : NULL;
	if (h != NULL && h->gen == cb->gen)
		rel_queue(h, cb->ack, cb->v);
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
	rc = sso_cf_send(ha_client, type, data, len, cb ? SSO_SEND_SYNC :
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
		ha.refused++;
		sso_log_rl(&svc_rl, SSO_ERR, SVC_FAC, "CKPT_FAIL",
		    "checkpoint refused: %s", strerror(errno));
		if (cb)
			free(cb);
		return 0;
	}
	defer(type, data, len, cb);
	return cb ? 1 : 0;
}

void
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

/* m in the native form (HA_MSG_NATIVE); said in the negotiated version */
static int
emit_pb(ProtobufCMessage *m, uint32_t type, struct ha_cb *cb)
{
	const struct ha_rec *r = ha_rec_find(type);
	uint8_t buf[HA_REC_MAX];
	int len;

	/* only registered types, in their registered wire form */
	if (r == NULL || r->pb != m->descriptor) {
		free(cb);
		errno = EINVAL;
		return -1;
	}
	if ((len = ha_rec_encode(m, type, sso_msgver_target(&ha_msgver,
	    sso_cf_version(ha_client)), buf, sizeof(buf))) == -1) {
		free(cb);
		/* a record the standby's release has not (ISSU, a pair of two
		 * releases): nothing to send, nothing to wait for */
		return errno == EOPNOTSUPP ? 0 : -1;
	}
	return emit(type, buf, (size_t)len, cb);
}

int
ha_emit(ProtobufCMessage *m, uint32_t type, void (*done)(void *),
    void *arg)
{
	struct ha_cb *cb = NULL;

	dirty_flush_all();	/* a part's record may refer to a session */
	if (done != NULL) {
		if ((cb = calloc(1, sizeof(*cb))) == NULL)
			return -1;
		cb->fn = done;
		cb->arg = arg;
	}
	return emit_pb(m, type, cb);
}

/*
 * A record carrying the tunnel's ctrl state (rcv_next) was emitted: the
 * standby will know that Nr once everything sent so far is applied, if
 * the record went (not refused). A deferred record counts: waits are
 * used only when nothing is deferred.
 */
static void
ck_sent(struct l2tp_tunnel *t, uint16_t rcv_next, uint64_t refused, int rc)
{
	struct ha_t *h = ha_of(t);

	if (h == NULL)
		return;
	h->ck_valid = rc != -1 && refused == ha.refused;
	h->ck_rcv = rcv_next;
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
	uint64_t refused;
	int rc;

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
	refused = ha.refused;
	rc = emit_pb(&m.base, R_TUNNEL, NULL);
	ck_sent(t, cs.rcv_next, refused, rc);
	return rc;
}

static void
session_to_pb(const struct l2tp_session_info *si, L2tpckpt__Session *m)
{
	l2tpckpt__session__init(m);
	m->local_tid = si->local_tid;
	m->local_sid = si->local_sid;
	m->remote_sid = si->remote_sid;
	m->remote_tid = si->remote_tid;
	m->state = si->state;
	m->call = si->call;
	m->call_serial = si->call_serial;
	m->data_seq = si->data_seq;
	m->seq_required = si->seq_required;
	m->has_local_tid = m->has_local_sid = m->has_remote_sid = 1;
	m->has_remote_tid = m->has_state = m->has_call = 1;
	m->has_call_serial = m->has_data_seq = m->has_seq_required = 1;
}

/* si: the session's info, just read by the caller */
static void
emit_session(const struct l2tp_session_info *si)
{
	L2tpckpt__Session m;

	session_to_pb(si, &m);
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
	uint64_t refused;
	int rc;

	if (ha_of(t) != NULL)	/* the sessions it depends on, first */
		m.n_sessions = dirty_take(ha_of(t), &m.sessions);
	refused = ha.refused;
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
	rc = emit_pb(&m.base, R_TXMSG, cb);
	ck_sent(t, cs.rcv_next, refused, rc);
	return rc;
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

/* a session's view as the standby last got it: 1 if it changed (and is
 * now taken as the standby's) */
static int
session_moved(struct ha_s *hs, struct l2tp_session_info *si, int force)
{
	l2tp_session_get_info(hs->s, si);
	if (!force && hs->state == si->state && hs->remote_sid ==
	    si->remote_sid && hs->data_seq == si->data_seq &&
	    hs->seq_required == si->seq_required)
		return 0;
	hs->state = (uint8_t)si->state;
	hs->remote_sid = si->remote_sid;
	hs->data_seq = (uint8_t)si->data_seq;
	hs->seq_required = (uint8_t)si->seq_required;
	return 1;
}

/* ... sent if it changed */
static void
sync_session(struct ha_s *hs, int force)
{
	struct l2tp_session_info si;

	if (session_moved(hs, &si, force))
		emit_session(&si);
}

/*
 * A session's changes within one loop iteration go in one record (an
 * ICRQ makes three: its peer's id, the ICRP, WAIT_CONNECT), sent before
 * the tunnel's next ctrl record (the message or ack that depends on them,
 * so the standby still has them first), before any protocol part's
 * record (ha_emit), or at the end of the iteration (batch_run).
 */
static void
dirty_flush(struct ha_t *h)
{
	struct ha_s *hs;

	while ((hs = h->dirty) != NULL) {
		h->dirty = hs->dnext;
		hs->dnext = NULL;
		hs->dirty = 0;
		sync_session(hs, 0);
	}
}

/*
 * The tunnel's changed sessions for the record about to carry its ctrl
 * state (TxMsg, R_PROGRESS), if the negotiated version has room for them
 * there (3): at most HA_MERGE_MAX, the others (and all of them to an
 * older peer) go ahead as records of their own. Valid until the next
 * call.
 */
#define HA_MERGE_MAX	64

static size_t
dirty_take(struct ha_t *h, L2tpckpt__Session ***out)
{
	static L2tpckpt__Session m[HA_MERGE_MAX], *p[HA_MERGE_MAX];
	struct l2tp_session_info si;
	struct ha_s *hs;
	size_t n = 0, left = 0;

	*out = NULL;
	if (!ha_rec_merges()) {
		dirty_flush(h);
		return 0;
	}
	for (hs = h->dirty; hs != NULL; hs = hs->dnext)
		left++;
	while ((hs = h->dirty) != NULL) {
		h->dirty = hs->dnext;
		hs->dnext = NULL;
		hs->dirty = 0;
		if (left-- > HA_MERGE_MAX)
			sync_session(hs, 0);
		else if (session_moved(hs, &si, 0)) {
			session_to_pb(&si, &m[n]);
			p[n] = &m[n];
			n++;
		}
	}
	*out = p;
	return n;
}

static void
dirty_flush_all(void)
{
	struct ha_t *h;

	while ((h = ha.dirty_tun) != NULL) {
		ha.dirty_tun = h->dirty_next;
		h->dirty_next = NULL;
		h->dirty_queued = 0;
		dirty_flush(h);
	}
}

static void
dirty_add(struct ha_t *h, struct ha_s *hs)
{
	if (hs->dirty)
		return;
	hs->dirty = 1;
	hs->dnext = h->dirty;
	h->dirty = hs;
	if (!h->dirty_queued) {
		h->dirty_queued = 1;
		h->dirty_next = ha.dirty_tun;
		ha.dirty_tun = h;
		batch_kick();
	}
}

static void
dirty_del(struct ha_t *h, struct ha_s *hs)
{
	struct ha_s **pp;

	for (pp = &h->dirty; *pp != NULL; pp = &(*pp)->dnext)
		if (*pp == hs) {
			*pp = hs->dnext;
			break;
		}
	hs->dnext = NULL;
	hs->dirty = 0;
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

/* ---- record producers: what a protected tunnel carries ---- */

int
ha_producer_register(const struct ha_producer *p)
{
	unsigned i;

	for (i = 0; i < ha.nprod; i++)
		if (ha.prod[i] == p)
			return 0;
	if (ha.nprod >= HA_PRODUCERS)
		return -1;
	ha.prod[ha.nprod++] = p;
	return 0;
}

static int
prod_sessions(struct l2tp_tunnel *t)
{
	sync_sessions(t);
	return 0;
}

static int
prod_queue(struct l2tp_tunnel *t)
{
	(void)l2tp_ctrl_foreach_msg(t, queued_cb, t);
	return 0;
}

/* in this order: the standby needs the tunnel before its sessions */
static const struct ha_producer l2tp_producers[] = {
	{ "tunnel", emit_tunnel, NULL },
	{ "sessions", prod_sessions, NULL },
	{ "unacked queue", prod_queue, NULL },
};

/* everything of a tunnel. bulk: -1 (EAGAIN) when the tunnel record was
 * refused, the rest is left for the next round */
static int
produce(struct l2tp_tunnel *t, int bulk)
{
	unsigned i;

	for (i = 0; i < ha.nprod; i++)
		if (ha.prod[i]->tunnel != NULL && ha.prod[i]->tunnel(t) ==
		    -1 && bulk && i == 0 && errno == EAGAIN)
			return -1;
	return 0;
}

static struct ha_t *
attach(struct l2tp_tunnel *t)
{
	struct ha_t *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->gen = ++ha.gen;
	h->tid = l2tp_tunnel_local_id(t);
	h->t = t;
	l2tp_tunnel_set_user(t, h);
	return h;
}

/* start protecting a tunnel: its state, sessions and queue go across */
static struct ha_t *
announce(struct l2tp_tunnel *t)
{
	struct ha_t *h;

	if ((h = attach(t)) == NULL)
		return NULL;
	(void)produce(t, 0);
	SSO_DEBUG(&ha_dbg_event, SVC_FAC, "tunnel %u now HA-protected",
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

/*
 * Rule 3: the Nr is held and checkpointed at the end of the loop
 * iteration (batch_cb), once for every message the iteration brought.
 * No lazy ack, even for a Hello: an Nr the peer saw but the standby does
 * not know is a message the peer never retransmits and the new active
 * waits for forever, and a receiver cannot tell a Hello it did not
 * checkpoint from anything else (a Hello costs one checkpoint per tunnel
 * per hello interval).
 */
int
ha_ckpt_ack(void *arg, struct l2tp_tunnel *t, uint16_t nr, int lazy)
{
	struct ha_t *h = ha_of(t);

	(void)lazy;
	if (h == NULL || !sso_cf_streaming(ha_client))
		return 0;	/* nobody to wait for: acknowledge now */
	h->ack_nr = nr;
	if (!h->ack_due) {
		h->ack_due = 1;
		h->ack_next = ha.ack_due;
		ha.ack_due = h;
		batch_kick();
	}
	return 1;
}

/* the held Nr of one tunnel goes to the standby */
static void
ack_checkpoint(struct ha_t *h)
{
	L2tpckpt__Ref m = L2TPCKPT__REF__INIT;
	L2tpckpt__Ctrl c;
	struct l2tp_ctrl_state cs;
	struct ha_cb *cb;
	uint64_t refused;
	int rc;

	/* the effects before the Nr: in its record, or ahead of it */
	if (h->dirty != NULL)
		m.n_sessions = dirty_take(h, &m.sessions);
	if ((cb = calloc(1, sizeof(*cb))) != NULL) {
		cb->gen = h->gen;
		cb->tid = h->tid;
		cb->v = h->ack_nr;
		cb->ack = 1;
	}
	/* our last record of the tunnel already says rcv_next = Nr: wait
	 * for it (and everything before) instead of a record of our own */
	if (cb != NULL && ha.defer == NULL && h->ck_valid &&
	    h->ck_rcv == h->ack_nr && m.n_sessions == 0) {
		ha.emitting = 1;
		ha.done_now = 0;
		rc = sso_cf_wait(ha_client, sync_done, cb, 0);
		ha.emitting = 0;
		if (rc == 0) {
			ha.ack_stream_waits++;
			if (ha.done_now)
				rel_queue(h, 1, h->ack_nr);
			else
				ha.sync_waits++;
			return;
		}
	}
	l2tp_ctrl_export(h->t, &cs);
	cs.rcv_next = h->ack_nr;
	ctrl_to_pb(&cs, &c);
	m.local_tid = h->tid;
	m.has_local_tid = 1;
	m.ctrl = &c;
	refused = ha.refused;
	rc = emit_pb(&m.base, R_PROGRESS, cb);
	ck_sent(h->t, cs.rcv_next, refused, rc);
	if (rc != 1)
		rel_queue(h, 1, h->ack_nr);	/* no standby wait: now */
}

/* once per loop iteration, after its input: Nr checkpoints, releases */
static void
batch_run(void)
{
	struct ha_t *h;

	ev_idle_stop(svc.loop, &ha.kick);
	while (ha.ack_due != NULL || ha.rel != NULL || ha.dirty_tun != NULL) {
		/* a tunnel's Nr takes its changed sessions along (in its
		 * record, or ahead of it); the other tunnels' go alone */
		while ((h = ha.ack_due) != NULL) {
			ha.ack_due = h->ack_next;
			h->ack_next = NULL;
			h->ack_due = 0;
			ack_checkpoint(h);
		}
		dirty_flush_all();
		while ((h = ha.rel) != NULL) {
			uint16_t nr = h->rel_nr, ns = h->rel_ns;
			int has_nr = h->rel_has_nr, has_ns = h->rel_has_ns;

			ha.rel = h->rel_next;
			h->rel_next = NULL;
			h->rel_queued = h->rel_has_nr = h->rel_has_ns = 0;
			(void)l2tp_ctrl_release(h->t, has_nr ? &nr : NULL,
			    has_ns ? &ns : NULL);
		}
	}
}

static void
batch_cb(struct ev_loop *loop, ev_check *w, int revents)
{
	if (ha.ack_due != NULL || ha.rel != NULL || ha.dirty_tun != NULL)
		batch_run();
}

static void
kick_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	batch_run();
}

static void
list_unlink(struct ha_t **head, struct ha_t *h, size_t off)
{
	struct ha_t **pp;

	for (pp = head; *pp != NULL; pp = (struct ha_t **)((char *)*pp + off))
		if (*pp == h) {
			*pp = *(struct ha_t **)((char *)h + off);
			return;
		}
}

/* the shadow goes with its tunnel; late completions find nothing */
static void
detach(struct l2tp_tunnel *t, struct ha_t *h)
{
	ha_resync_fsm(h, HA_RSE_DOWN);
	emit_ref(R_TUNNEL_DEL, h->tid, 0);
	while (h->dirty != NULL)
		dirty_del(h, h->dirty);
	if (h->dirty_queued)
		list_unlink(&ha.dirty_tun, h, offsetof(struct ha_t,
		    dirty_next));
	if (h->ack_due)
		list_unlink(&ha.ack_due, h, offsetof(struct ha_t, ack_next));
	if (h->rel_queued)
		list_unlink(&ha.rel, h, offsetof(struct ha_t, rel_next));
	h->gen = 0;
	l2tp_tunnel_set_user(t, NULL);
	free(h);
	ha_resync_kick();
}

void
ha_tunnel_event(void *arg, struct l2tp_tunnel *t, enum l2tp_event ev)
{
	struct ha_t *h = ha_of(t);
	struct l2tp_tunnel_info ti;

	switch (ev) {
	case L2TP_EV_TUNNEL_UP:
		l2tp_tunnel_get_info(t, &ti);
		if (h == NULL && group_protected(ti.group))
			(void)announce(t);
		else if (h == NULL)
			ha.unprotected++;
		break;
	case L2TP_EV_TUNNEL_RECOVERY_FAILED:
		if (h != NULL)
			ha_resync_fsm(h, HA_RSE_RECOVERY_FAILED);
		break;
	case L2TP_EV_TUNNEL_RESYNCED:
		if (h != NULL)
			ha_resync_fsm(h, HA_RSE_RESYNCED);
		break;
	case L2TP_EV_TUNNEL_DOWN:
		if (h != NULL)
			detach(t, h);
		break;
	default:
		break;
	}
}

/*
 * The engine changed a session (O(1): the tunnel's other sessions are not
 * looked at). The record goes before the tunnel's next ctrl record, so
 * before the message that depends on it (dirty_flush). Its end: the
 * standby drops its copy, whether the call ever came up or not.
 */
void
ha_session_changed(void *arg, struct l2tp_session *s)
{
	struct ha_t *h = ha_of(l2tp_session_tunnel(s));
	int protected = h != NULL;
	struct ha_s *hs = l2tp_session_get_user(s);
	struct l2tp_session_info si;

	l2tp_session_get_info(s, &si);
	if (si.state == L2TP_SS_DEAD) {
		if (hs == NULL)
			return;
		if (hs->dirty && h != NULL)
			dirty_del(h, hs);
		if (protected && hs->state != 0xff)
			emit_ref(R_SESSION_DEL, si.local_tid, si.local_sid);
		l2tp_session_set_user(s, NULL);
		free(hs);
		return;
	}
	/* unprotected: announce() sends them all */
	if (protected && (hs = hs_of(s)) != NULL)
		dirty_add(h, hs);
}

/* ---- bulk (active): every registered producer for every tunnel ---- */

int
ha_bulk(void *arg, int first, unsigned budget)
{
	unsigned n = 0, i;

	if (first) {
		ha.bulk_tid = 1;
		for (i = 0; i < ha.nprod; i++)
			if (ha.prod[i]->all != NULL)
				(void)ha.prod[i]->all();
	}
	if (ha.defer != NULL)
		return 0;		/* back-pressure: later */
	for (; ha.bulk_tid <= 0xffff && n < budget; ha.bulk_tid++) {
		struct l2tp_tunnel *t = l2tp_tunnel_find(svc.ctx,
		    (uint16_t)ha.bulk_tid);

		if (t == NULL || ha_of(t) == NULL)
			continue;
		if (produce(t, 1) == -1)
			return 0;
		n += 1 + l2tp_tunnel_session_count(t);
		if (ha.defer != NULL) {
			ha.bulk_tid++;
			return 0;
		}
	}
	return ha.bulk_tid > 0xffff;
}

/* ---- a tunnel rebuilt from the standby copy (takeover) ---- */

static struct ha_t *
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
		si.seq_required = x->seq_required;
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
			hs->seq_required = x->seq_required;
		}
	}
	if ((h = attach(t)) == NULL)
		return NULL;	/* stays up, unprotected: counted failed */
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
	return h;
}

/* ---- the resync machine's view of the engine (ha_resync.c) ---- */

static void
rs_hold(struct l2tp_tunnel *t)
{
	(void)l2tp_tunnel_resync_hold(t);
}

static int
rs_failover_negotiated(struct l2tp_tunnel *t)
{
	struct l2tp_tunnel_info ti;

	l2tp_tunnel_get_info(t, &ti);
	return ti.failover_negotiated;
}

static void
rs_clear(struct l2tp_tunnel *t, const char *why)
{
	(void)l2tp_tunnel_clear(t, L2TP_STOPCCN_GENERAL, 0, why);
}

static void
rs_resynced(struct l2tp_tunnel *t)
{
	emit_tunnel(t);		/* the new standby's view */
}

static void
rs_failure(struct l2tp_tunnel *t, const char *why)
{
	struct l2tp_tunnel_info ti;

	l2tp_tunnel_get_info(t, &ti);
	svc_failure(ti.local_tid, 0, ti.peer_name, "%s", why);
}

static unsigned
rs_result(struct l2tp_tunnel *t)
{
	struct l2tp_tunnel_info ti;

	l2tp_tunnel_get_info(t, &ti);
	return ti.last_result;
}

static void
rs_drain_timer(int on)
{
	if (on)
		ev_timer_start(svc.loop, &ha.drain_timer);
	else
		ev_timer_stop(svc.loop, &ha.drain_timer);
}

static const struct ha_resync_ops rs_engine_ops = {
	.restore = restore_one,
	.hold = rs_hold,
	.export = l2tp_ctrl_export,
	.failover_negotiated = rs_failover_negotiated,
	.recover = l2tp_tunnel_recover,
	.probe = l2tp_tunnel_resync,
	.import_msg = l2tp_ctrl_import_msg,
	.retransmit_all = l2tp_ctrl_retransmit_all,
	.clear = rs_clear,
	.resynced = rs_resynced,
	.failure = rs_failure,
	.result = rs_result,
	.drain_timer = rs_drain_timer,
	.parts_takeover = ha_parts_takeover,
};

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
		ha_resync_fsm(h, HA_RSE_DRAINED);
	}
	if (!waiting)
		ev_timer_stop(loop, w);
}

void
ha_active_stats(struct ha_active_stats *st)
{
	st->tx_records = ha.tx_records;
	st->sync_waits = ha.sync_waits;
	st->deferred = ha.deferred;
	st->unprotected = ha.unprotected;
	st->ack_stream_waits = ha.ack_stream_waits;
	st->streaming = sso_cf_streaming(ha_client);
}

void
ha_active_init(void)
{
	size_t i;

	ha.defer_tail = &ha.defer;
	for (i = 0; i < sizeof(l2tp_producers) / sizeof(l2tp_producers[0]);
	    i++)
		(void)ha_producer_register(&l2tp_producers[i]);
	ev_timer_init(&ha.drain_timer, drain_cb, 0.05, 0.05);
	/* lowest priority: after the iteration's input and checkpoint acks,
	 * before the checkpoint facility's flush (the next prepare) */
	ev_check_init(&ha.batch, batch_cb);
	ev_set_priority(&ha.batch, EV_MINPRI);
	ev_idle_init(&ha.kick, kick_cb);
	ev_set_priority(&ha.kick, EV_MINPRI);
	ha_resync_init(&rs_engine_ops);
}
