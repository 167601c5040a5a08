/*
 * sub_codec.c - the subscriber checkpoint record to and from struct
 * sub_ckpt (sub_codec.h). The wire format is l2tp_ckpt.proto's
 * Subscriber as sub_ha.c has always sent it; every record apply refuses
 * is refused here, before anything of it is used.
 */
#include <stdio.h>
#include <string.h>

#include "sub_codec.h"

#define F_PFC_OURS	1u	/* Subscriber.flags */
#define F_PFC_PEER	2u
#define F_ACFC_OURS	4u
#define F_ACFC_PEER	8u

void
sub_codec_counters_pack(uint16_t tid, uint16_t sid,
    const struct sub_counters *n, L2tpckpt__SubCounters *c)
{
	l2tpckpt__sub_counters__init(c);
	c->local_tid = tid;
	c->local_sid = sid;
	c->rx_pkts = n->rx_pkts;
	c->rx_bytes = n->rx_bytes;
	c->tx_pkts = n->tx_pkts;
	c->tx_bytes = n->tx_bytes;
	c->has_local_tid = c->has_local_sid = 1;
	c->has_rx_pkts = c->has_rx_bytes = c->has_tx_pkts = 1;
	c->has_tx_bytes = 1;
}

void
sub_codec_counters_unpack(const L2tpckpt__SubCounters *c,
    struct sub_counters *n)
{
	n->rx_pkts = c->rx_pkts;
	n->rx_bytes = c->rx_bytes;
	n->tx_pkts = c->tx_pkts;
	n->tx_bytes = c->tx_bytes;
}

/* ppp_export()'s state: the user points into e */
static void
pack_e(const struct ppp_established *e, L2tpckpt__Subscriber *m)
{
	m->role = e->role;
	m->mru_ours = e->mru_ours;
	m->mru_peer = e->mru_peer;
	m->accm_ours = e->accm_ours;
	m->accm_peer = e->accm_peer;
	m->magic_ours = e->magic_ours;
	m->magic_peer = e->magic_peer;
	m->flags = (e->pfc_ours ? F_PFC_OURS : 0) |
	    (e->pfc_peer ? F_PFC_PEER : 0) |
	    (e->acfc_ours ? F_ACFC_OURS : 0) |
	    (e->acfc_peer ? F_ACFC_PEER : 0);
	m->auth = e->auth;
	m->ids = (uint32_t)e->lcp_id << 24 | (uint32_t)e->ipcp_id << 16 |
	    (uint32_t)e->auth_id << 8 | e->echo_id;
	m->user = (char *)e->user;
	m->addr_ours = e->addr_ours;
	m->dns1 = e->dns[0];
	m->dns2 = e->dns[1];
	m->rechallenge_s = e->rechallenge_s;
	m->echo_misses = e->echo_misses;
	m->has_role = m->has_mru_ours = 1;
	m->has_mru_peer = m->has_accm_ours = m->has_accm_peer = 1;
	m->has_magic_ours = m->has_magic_peer = m->has_flags = 1;
	m->has_auth = m->has_ids = m->has_addr_ours = m->has_dns1 = 1;
	m->has_dns2 = m->has_rechallenge_s = m->has_echo_misses = 1;
}

static int
pack_acct(const struct sub_acct_id *id, L2tpckpt__SubAcct *ac,
    ProtobufCBinaryData *cls)
{
	unsigned i;

	if (id->nclass > RAD_CLASS_MAX)
		return -1;
	l2tpckpt__sub_acct__init(ac);
	ac->session_id = (char *)id->sid;
	ac->started = id->started;
	ac->stopped = id->stopped;
	ac->seq = id->seq;
	for (i = 0; i < id->nclass; i++) {
		cls[i].data = (uint8_t *)id->class_val[i];
		cls[i].len = id->class_len[i];
	}
	ac->n_class_ = id->nclass;
	ac->class_ = cls;
	ac->interim_s = id->interim_s;
	ac->session_timeout = id->session_timeout;
	ac->idle_timeout = id->idle_timeout;
	ac->authorized = id->authorized;
	ac->has_started = ac->has_stopped = ac->has_seq = 1;
	ac->has_interim_s = ac->has_session_timeout = 1;
	ac->has_idle_timeout = ac->has_authorized = 1;
	return 0;
}

int
sub_codec_pack(const struct sub_ckpt *c, L2tpckpt__Subscriber *m,
    struct sub_ckpt_buf *b)
{
	unsigned i;

	l2tpckpt__subscriber__init(m);
	m->local_tid = c->tid;
	m->local_sid = c->sid;
	m->pool = (char *)c->pool;
	m->addr = c->addr;
	m->has_local_tid = m->has_local_sid = m->has_addr = 1;
	m->start_unix_ms = c->start_unix_ms;
	m->has_start_unix_ms = 1;
	if (!c->established)
		return 0;
	if (c->nr > SUB_FRAMED_ROUTES_MAX)
		return -1;
	m->established = 1;
	m->has_established = 1;
	if (c->up_unix_ms) {
		m->up_unix_ms = c->up_unix_ms;
		m->has_up_unix_ms = 1;
	}
	pack_e(&c->e, m);
	sub_codec_counters_pack(c->tid, c->sid, &c->cnt, &b->c);
	m->counters = &b->c;
	if (c->has_acct) {
		if (pack_acct(&c->acct, &b->ac, b->cls) == -1)
			return -1;
		m->acct = &b->ac;
	}
	/* one entry per route in the three lists */
	for (i = 0; i < c->nr; i++) {
		b->rnet[i] = c->r[i].net;
		b->rplen[i] = c->r[i].plen;
		b->rmetric[i] = c->r[i].metric;
	}
	m->n_route_net = m->n_route_plen = m->n_route_metric = c->nr;
	m->route_net = b->rnet;
	m->route_plen = b->rplen;
	m->route_metric = b->rmetric;
	return 0;
}

/* what is refused whether the record is established or not */
static int
check(const L2tpckpt__Subscriber *m)
{
	size_t i;

	/* RADIUS's routes, one entry per route in the three lists; a
	 * version 1 unit sends no route_metric */
	if (m->n_route_net != m->n_route_plen || m->n_route_net >
	    SUB_FRAMED_ROUTES_MAX || (m->n_route_metric != 0 &&
	    m->n_route_metric != m->n_route_net))
		return -1;
	for (i = 0; i < m->n_route_net; i++)
		if (m->route_plen[i] < 1 || m->route_plen[i] > 32)
			return -1;
	if (!m->has_local_tid || !m->has_local_sid || m->local_tid == 0 ||
	    m->local_tid > 0xffff || m->local_sid == 0 ||
	    m->local_sid > 0xffff)
		return -1;
	if (m->pool == NULL || strlen(m->pool) >= POOL_NAME_MAX ||
	    (m->user != NULL && strlen(m->user) >= PPP_NAME_MAX) ||
	    m->mru_ours > 0xffff || m->mru_peer > 0xffff || m->role > 0xff ||
	    m->auth > 0xff)
		return -1;
	return 0;
}

/* as ppp_restore() wants it: Opened, in the network phase */
static void
unpack_e(const L2tpckpt__Subscriber *m, struct ppp_established *e)
{
	memset(e, 0, sizeof(*e));
	e->role = (uint8_t)m->role;
	e->phase = PPP_PHASE_NETWORK;
	e->lcp_state = e->ipcp_state = PPP_ST_OPENED;
	e->mru_ours = (uint16_t)m->mru_ours;
	e->mru_peer = (uint16_t)m->mru_peer;
	e->accm_ours = m->accm_ours;
	e->accm_peer = m->accm_peer;
	e->magic_ours = m->magic_ours;
	e->magic_peer = m->magic_peer;
	e->pfc_ours = (m->flags & F_PFC_OURS) != 0;
	e->pfc_peer = (m->flags & F_PFC_PEER) != 0;
	e->acfc_ours = (m->flags & F_ACFC_OURS) != 0;
	e->acfc_peer = (m->flags & F_ACFC_PEER) != 0;
	e->auth = (uint8_t)m->auth;
	e->lcp_id = (uint8_t)(m->ids >> 24);
	e->ipcp_id = (uint8_t)(m->ids >> 16);
	e->auth_id = (uint8_t)(m->ids >> 8);
	e->echo_id = (uint8_t)m->ids;
	if (m->user != NULL)
		snprintf(e->user, sizeof(e->user), "%s", m->user);
	e->addr_ours = m->addr_ours;
	e->addr_peer = m->addr;
	e->dns[0] = m->dns1;
	e->dns[1] = m->dns2;
	e->rechallenge_s = m->rechallenge_s;
	e->echo_misses = m->echo_misses;
}

static int
unpack_acct(const L2tpckpt__SubAcct *m, struct sub_acct_id *id)
{
	size_t i;

	if (m->session_id == NULL || m->session_id[0] == '\0' ||
	    strlen(m->session_id) >= sizeof(id->sid) ||
	    m->n_class_ > RAD_CLASS_MAX)
		return -1;
	for (i = 0; i < m->n_class_; i++)
		if (m->class_[i].len > RAD_VAL_MAX)
			return -1;
	snprintf(id->sid, sizeof(id->sid), "%s", m->session_id);
	id->started = m->started;
	id->stopped = m->stopped;
	id->seq = m->seq;
	for (i = 0; i < m->n_class_; i++) {
		id->class_len[i] = (uint8_t)m->class_[i].len;
		memcpy(id->class_val[i], m->class_[i].data,
		    m->class_[i].len);
	}
	id->nclass = (unsigned)m->n_class_;
	id->interim_s = m->interim_s;
	id->session_timeout = m->session_timeout;
	id->idle_timeout = m->idle_timeout;
	id->authorized = m->authorized;
	return 0;
}

int
sub_codec_unpack(const L2tpckpt__Subscriber *m, struct sub_ckpt *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	if (check(m) == -1)
		return -1;
	c->tid = (uint16_t)m->local_tid;
	c->sid = (uint16_t)m->local_sid;
	snprintf(c->pool, sizeof(c->pool), "%s", m->pool);
	c->addr = m->addr;
	c->has_start = m->has_start_unix_ms;
	c->start_unix_ms = m->has_start_unix_ms ? m->start_unix_ms : 0;
	if (!m->established)
		return 0;
	c->established = 1;
	c->up_unix_ms = m->has_up_unix_ms ? m->up_unix_ms : 0;
	unpack_e(m, &c->e);
	if (m->counters != NULL) {
		c->has_counters = 1;
		sub_codec_counters_unpack(m->counters, &c->cnt);
	}
	if (m->acct != NULL) {
		if (unpack_acct(m->acct, &c->acct) == -1)
			return -1;
		c->has_acct = 1;
	}
	for (i = 0; i < m->n_route_net; i++) {
		c->r[i].net = m->route_net[i];
		c->r[i].plen = (uint8_t)m->route_plen[i];
		c->r[i].metric = m->n_route_metric ? m->route_metric[i] : 0;
	}
	c->nr = (unsigned)m->n_route_net;
	return 0;
}
