/*
 * ha_standby.c - the standby's copy of the active's L2TP state: a plain
 * store (no engine object, no socket, no timer) of tunnels by local id,
 * their sessions and their unacked messages, kept by applying the
 * checkpoint records the active sends. Record types are registered in
 * one table ({type, name, wire form, apply}); ha_apply() dispatches
 * through it and counts whatever it cannot apply, unknown types included.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ha_local.h"

static struct {
	struct sb_tun	*sb[65536];
	unsigned	 sb_tunnels;
	const struct ha_rec *recs[HA_REC_TYPES];
	const struct ha_part *parts[4];
	unsigned	 nparts;
	uint64_t	 rx_records, apply_errors;
} hsb;

/* ---- the record type table ---- */

int
ha_rec_register(const struct ha_rec *r)
{
	if (r->type == 0 || r->type >= HA_REC_TYPES || r->pb == NULL ||
	    r->apply == NULL)
		return -1;
	if (hsb.recs[r->type] != NULL)
		return hsb.recs[r->type] == r ? 0 : -1;
	hsb.recs[r->type] = r;
	return 0;
}

const struct ha_rec *
ha_rec_find(uint32_t type)
{
	return type < HA_REC_TYPES ? hsb.recs[type] : NULL;
}

/* ---- the protocol parts' own copies ---- */

int
ha_part_register(const struct ha_part *p)
{
	unsigned i;

	for (i = 0; i < hsb.nparts; i++)
		if (hsb.parts[i] == p)
			return 0;
	if (hsb.nparts >= sizeof(hsb.parts) / sizeof(hsb.parts[0]))
		return -1;
	hsb.parts[hsb.nparts++] = p;
	return 0;
}

void
ha_parts_takeover(void)
{
	unsigned i;

	for (i = 0; i < hsb.nparts; i++)
		if (hsb.parts[i]->takeover != NULL)
			hsb.parts[i]->takeover();
}

int
ha_parts_busy(void)
{
	unsigned i;

	for (i = 0; i < hsb.nparts; i++)
		if (hsb.parts[i]->busy != NULL && hsb.parts[i]->busy())
			return 1;
	return 0;
}

void
ha_parts_counts(uint64_t *en, uint64_t *est)
{
	unsigned i;

	*en = *est = 0;
	for (i = 0; i < hsb.nparts; i++)
		if (hsb.parts[i]->counts != NULL)
			hsb.parts[i]->counts(en, est);
}

/* ---- the store ---- */

struct sb_tun *
ha_sb_get(unsigned tid)
{
	return tid < 65536 ? hsb.sb[tid] : NULL;
}

struct sb_tun *
ha_sb_take(unsigned tid)
{
	struct sb_tun *s = ha_sb_get(tid);

	if (s != NULL) {
		hsb.sb[tid] = NULL;
		hsb.sb_tunnels--;
	}
	return s;
}

void
ha_standby_stats(struct ha_standby_stats *st)
{
	st->rx_records = hsb.rx_records;
	st->apply_errors = hsb.apply_errors;
	st->tunnels = hsb.sb_tunnels;
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

void
ha_sb_free(struct sb_tun *s)
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
	free(s->sess_idx);
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

void
ha_reset(void *arg)
{
	unsigned i;

	for (i = 0; i < 65536; i++)
		if (hsb.sb[i]) {
			ha_sb_free(hsb.sb[i]);
			hsb.sb[i] = NULL;
		}
	hsb.sb_tunnels = 0;
	for (i = 0; i < hsb.nparts; i++)
		if (hsb.parts[i]->reset != NULL)
			hsb.parts[i]->reset();
}

static int
apply_tunnel(uint32_t type, const ProtobufCMessage *pm)
{
	const L2tpckpt__Tunnel *m = (const L2tpckpt__Tunnel *)pm;
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
	if ((s = hsb.sb[m->local_tid]) == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			return -1;
		hsb.sb[m->local_tid] = s;
		hsb.sb_tunnels++;
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

/*
 * A tunnel's sessions: a list in arrival order (what restore and show
 * walk) and an index by session id, so that applying one session record
 * costs the same with 10 sessions in the tunnel as with 10^4 (a bulk of
 * 10^6 sessions used to be quadratic in the sessions per tunnel).
 */
static struct sb_sess *
sb_sess_find(const struct sb_tun *s, uint32_t sid)
{
	struct sb_sess *x;

	if (s->sess_nidx == 0)
		return NULL;
	for (x = s->sess_idx[sid & (s->sess_nidx - 1)]; x; x = x->hnext)
		if (x->sid == sid)
			return x;
	return NULL;
}

static int
sb_sess_grow(struct sb_tun *s)
{
	unsigned n = s->sess_nidx ? s->sess_nidx * 2 : 16, b;
	struct sb_sess **idx, *x;

	if ((idx = calloc(n, sizeof(*idx))) == NULL)
		return -1;
	for (x = s->sessions; x; x = x->next) {
		b = x->sid & (n - 1);
		x->hnext = idx[b];
		idx[b] = x;
	}
	free(s->sess_idx);
	s->sess_idx = idx;
	s->sess_nidx = n;
	return 0;
}

static struct sb_sess *
sb_sess_add(struct sb_tun *s, uint16_t sid)
{
	struct sb_sess *x;
	unsigned b;

	if (s->nsess + 1 > s->sess_nidx && sb_sess_grow(s) == -1)
		return NULL;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	x->sid = sid;
	x->prev = s->sess_tail;
	if (s->sess_tail)
		s->sess_tail->next = x;
	else
		s->sessions = x;
	s->sess_tail = x;
	b = sid & (s->sess_nidx - 1);
	x->hnext = s->sess_idx[b];
	s->sess_idx[b] = x;
	s->nsess++;
	return x;
}

static void
sb_sess_del(struct sb_tun *s, struct sb_sess *x)
{
	struct sb_sess **pp;

	for (pp = &s->sess_idx[x->sid & (s->sess_nidx - 1)]; *pp != x;
	    pp = &(*pp)->hnext)
		;
	*pp = x->hnext;
	if (x->prev)
		x->prev->next = x->next;
	else
		s->sessions = x->next;
	if (x->next)
		x->next->prev = x->prev;
	else
		s->sess_tail = x->prev;
	s->nsess--;
	s->nsess_est -= (x->state == L2TP_SS_ESTABLISHED);
	free(x);
}

static int
session_apply(const L2tpckpt__Session *m)
{
	struct sb_tun *s;
	struct sb_sess *x;

	if (!m->has_local_tid || m->local_tid > 0xffff || !m->has_local_sid ||
	    m->local_sid == 0 || m->local_sid > 0xffff ||
	    m->remote_sid > 0xffff || m->remote_tid > 0xffff ||
	    m->state >= L2TP_SS_MAX || m->call > L2TP_CALL_LAC_OC)
		return -1;
	if ((s = hsb.sb[m->local_tid]) == NULL)
		return 0;	/* the tunnel's bulk record comes later */
	if ((x = sb_sess_find(s, m->local_sid)) == NULL &&
	    (x = sb_sess_add(s, (uint16_t)m->local_sid)) == NULL)
		return -1;
	s->nsess_est -= (x->state == L2TP_SS_ESTABLISHED);
	x->remote_sid = (uint16_t)m->remote_sid;
	x->remote_tid = (uint16_t)m->remote_tid;
	x->state = (uint8_t)m->state;
	x->call = (uint8_t)m->call;
	x->serial = m->call_serial;
	x->data_seq = m->data_seq;
	x->seq_required = m->seq_required;
	s->nsess_est += (x->state == L2TP_SS_ESTABLISHED);
	return 0;
}

static int
apply_session(uint32_t type, const ProtobufCMessage *pm)
{
	(void)type;
	return session_apply((const L2tpckpt__Session *)pm);
}

/* version 3: the sessions a TxMsg or an Nr depends on, applied first */
static int
sessions_apply(L2tpckpt__Session *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == NULL || session_apply(v[i]) == -1)
			return -1;
	return 0;
}

static int
apply_txmsg(uint32_t type, const ProtobufCMessage *pm)
{
	const L2tpckpt__TxMsg *m = (const L2tpckpt__TxMsg *)pm;
	struct sb_tun *s;
	struct ha_msg **pp, *x;
	struct l2tp_ctrl_state cs;

	if (!m->has_local_tid || m->local_tid > 0xffff || !m->has_ns ||
	    m->ns > 0xffff || !m->has_msg || m->msg.len < 12 ||
	    m->msg.len > 4096 || ctrl_from_pb(m->ctrl, &cs) == -1 ||
	    sessions_apply(m->sessions, m->n_sessions) == -1)
		return -1;
	if ((s = hsb.sb[m->local_tid]) == NULL)
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
apply_ref(uint32_t type, const ProtobufCMessage *pm)
{
	const L2tpckpt__Ref *m = (const L2tpckpt__Ref *)pm;
	struct sb_tun *s;
	struct sb_sess *x;
	struct l2tp_ctrl_state cs;

	if (!m->has_local_tid || m->local_tid > 0xffff ||
	    m->local_sid > 0xffff || (m->n_sessions && type != R_PROGRESS))
		return -1;
	if (sessions_apply(m->sessions, m->n_sessions) == -1)
		return -1;
	if ((s = hsb.sb[m->local_tid]) == NULL)
		return 0;
	switch (type) {
	case R_TUNNEL_DEL:
		ha_sb_free(s);
		hsb.sb[m->local_tid] = NULL;
		hsb.sb_tunnels--;
		return 0;
	case R_SESSION_DEL:
		if ((x = sb_sess_find(s, m->local_sid)) != NULL)
			sb_sess_del(s, x);
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

/* the L2TP records; a protocol part registers its own the same way */
static const struct ha_rec l2tp_recs[] = {
	{ R_TUNNEL, "tunnel", &l2tpckpt__tunnel__descriptor, apply_tunnel },
	{ R_TUNNEL_DEL, "tunnel-delete", &l2tpckpt__ref__descriptor,
	    apply_ref },
	{ R_SESSION, "session", &l2tpckpt__session__descriptor,
	    apply_session },
	{ R_SESSION_DEL, "session-delete", &l2tpckpt__ref__descriptor,
	    apply_ref },
	{ R_TXMSG, "unacked-message", &l2tpckpt__tx_msg__descriptor,
	    apply_txmsg },
	{ R_PROGRESS, "progress", &l2tpckpt__ref__descriptor, apply_ref },
};

int
ha_apply(void *arg, uint32_t version, uint32_t type, const uint8_t *data,
    size_t len)
{
	const struct ha_rec *r = ha_rec_find(type);
	ProtobufCMessage *m;
	int rc = -1;

	hsb.rx_records++;
	/* in the native form whatever version the active speaks */
	if (r != NULL && (m = ha_rec_decode(r->pb, type, version, data,
	    len)) != NULL) {
		rc = r->apply(type, m);
		/* the frame's arena when applying a frame (a no-op) */
		protobuf_c_message_free_unpacked(m, sso_cf_rx_allocator());
	}
	if (rc == -1) {
		hsb.apply_errors++;
		SSO_DEBUG(&ha_dbg_error, SVC_FAC, "bad checkpoint record type "
		    "%u", type);
	}
	return rc;
}

void
ha_standby_init(void)
{
	size_t i;

	for (i = 0; i < sizeof(l2tp_recs) / sizeof(l2tp_recs[0]); i++)
		if (ha_rec_register(&l2tp_recs[i]) == -1)
			sso_fatal("l2tp: checkpoint record type %u registered "
			    "twice", l2tp_recs[i].type);
}
