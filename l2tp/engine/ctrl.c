/*
 * ctrl.c - reliable delivery of control messages (RFC 2661 5.8 and
 * Appendix A), one channel per tunnel.
 *
 * Send side: every new message gets the next Ns and joins the send queue
 * (txq) in Ns order. A message is HELD while the host checkpoints it
 * (ckpt_send hook, DESIGN.md rule 2), READY when it may go, SENT once it
 * went. Messages leave in Ns order while the window min(cwnd, peer's
 * Receive Window) allows; the head is retransmitted with exponential
 * backoff and the current Nr; slow start / congestion avoidance follow
 * Appendix A. Nr in anything received frees what it acknowledges.
 *
 * Receive side: rcv_next is the next Ns we expect. An in-order message is
 * delivered to the tunnel, then out-of-order ones queued within our
 * receive window are drained. Duplicates are acknowledged at once (5.8:
 * "MUST be acknowledged"). The Nr we put on the wire (nr_wire) trails
 * rcv_next while the host checkpoints the effect (ckpt_ack hook, rule 3).
 * A pending acknowledgement rides on the next message, or a ZLB after
 * the ack delay; a ZLB is never acknowledged.
 *
 * All sequence arithmetic is modulo 2^16 (l2tp_seq_*).
 */
#include <stdlib.h>
#include <string.h>

#include "l2tp_local.h"

#define L2TP_TXQ_MAX		256	/* queued control messages per tunnel */
#define L2TP_RESYNC_SPAN	64	/* how far resync may move Ns / Nr */

static void
rtx_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct l2tp_tunnel *t = w->data;
	struct l2tp_ctx *ctx = t->ctx;

	l2tp_ctx_enter(ctx);
	l2tp_ctrl_rtx_timeout(t);
	l2tp_ctx_leave(ctx);
}

static void
ack_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct l2tp_tunnel *t = w->data;
	struct l2tp_ctx *ctx = t->ctx;

	l2tp_ctx_enter(ctx);
	l2tp_ctrl_ack_timeout(t);
	l2tp_ctx_leave(ctx);
}

static void
hello_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct l2tp_tunnel *t = w->data;
	struct l2tp_ctx *ctx = t->ctx;

	l2tp_ctx_enter(ctx);
	l2tp_ctrl_hello_timeout(t);
	l2tp_ctx_leave(ctx);
}

void
l2tp_ctrl_init(struct l2tp_tunnel *t)
{
	struct l2tp_ctrl *c = &t->ctrl;

	memset(c, 0, sizeof(*c));
	TAILQ_INIT(&c->txq);
	TAILQ_INIT(&c->deferq);
	TAILQ_INIT(&c->rxq);
	c->rx_window = t->grp.rx_window ? t->grp.rx_window : 4;
	/* RFC 2661 4.4.3: without the AVP the peer's window is 4 */
	c->peer_rx_window = 4;
	c->cwnd = 1;			/* Appendix A: start in slow start */
	c->ssthresh = c->peer_rx_window;
	c->rto_ms = t->grp.rtx_min_ms;
	ev_timer_init(&c->rtx_timer, rtx_cb, 0., 0.);
	ev_timer_init(&c->ack_timer, ack_cb, 0., 0.);
	ev_timer_init(&c->hello_timer, hello_cb, 0., 0.);
	c->rtx_timer.data = c->ack_timer.data = c->hello_timer.data = t;
}

static void
rxq_clear(struct l2tp_ctrl *c)
{
	struct l2tp_rxmsg *r;

	while ((r = TAILQ_FIRST(&c->rxq)) != NULL) {
		TAILQ_REMOVE(&c->rxq, r, entry);
		free(r);
	}
	c->rxq_len = 0;
}

static void
txq_clear(struct l2tp_ctrl *c)
{
	struct l2tp_txmsg *m;

	while ((m = TAILQ_FIRST(&c->txq)) != NULL) {
		TAILQ_REMOVE(&c->txq, m, entry);
		free(m);
	}
	c->txq_len = 0;
}

void
l2tp_ctrl_fini(struct l2tp_tunnel *t)
{
	struct l2tp_ctrl *c = &t->ctrl;
	struct ev_loop *loop = t->ctx->loop;
	struct l2tp_txmsg *m;

	ev_timer_stop(loop, &c->rtx_timer);
	ev_timer_stop(loop, &c->ack_timer);
	ev_timer_stop(loop, &c->hello_timer);
	txq_clear(c);
	rxq_clear(c);
	while ((m = TAILQ_FIRST(&c->deferq)) != NULL) {
		TAILQ_REMOVE(&c->deferq, m, entry);
		free(m);
	}
	c->deferq_len = 0;
}

void
l2tp_ctrl_start_hello(struct l2tp_tunnel *t)
{
	struct l2tp_ctrl *c = &t->ctrl;

	if (t->grp.hello_interval == 0)
		return;
	c->hello_timer.repeat = (ev_tstamp)t->grp.hello_interval;
	ev_timer_again(t->ctx->loop, &c->hello_timer);
}

/* RFC 2661 5.5: Hello after an interval without anything from the peer */
void
l2tp_ctrl_touch(struct l2tp_tunnel *t)
{
	if (ev_is_active(&t->ctrl.hello_timer))
		ev_timer_again(t->ctx->loop, &t->ctrl.hello_timer);
}

static void
rtx_arm(struct l2tp_tunnel *t)
{
	struct l2tp_ctrl *c = &t->ctrl;

	ev_timer_stop(t->ctx->loop, &c->rtx_timer);
	ev_timer_set(&c->rtx_timer, c->rto_ms / 1000., 0.);
	ev_timer_start(t->ctx->loop, &c->rtx_timer);
}

static void
ctrl_xmit(struct l2tp_tunnel *t, struct l2tp_txmsg *m)
{
	struct l2tp_ctrl *c = &t->ctrl;

	/* RFC 2661 5.8: same Ns, Nr updated to the next expected */
	l2tp_hdr_set_ns_nr(m->buf, m->ns, c->nr_wire);
	c->nr_last_sent = c->nr_wire;
	m->state = L2TP_TX_SENT;
	t->ctx->stats.tx_ctrl++;
	(void)l2tp_ctx_xmit(t->ctx, m->buf, m->len,
	    (struct sockaddr *)&t->peer, t->peer_len);
}

static int
window_open(const struct l2tp_ctrl *c, uint16_t ns)
{
	uint16_t w = c->cwnd < c->peer_rx_window ? c->cwnd : c->peer_rx_window;

	return l2tp_seq_dist(c->snd_una, ns) < w;
}

/* send what the window and checkpoints allow; arm timers */
void
l2tp_ctrl_flush(struct l2tp_tunnel *t)
{
	struct l2tp_ctrl *c = &t->ctrl;
	struct l2tp_txmsg *m;

	if (c->in_input || t->dead)
		return;
	TAILQ_FOREACH(m, &c->txq, entry) {
		if (m->state == L2TP_TX_SENT)
			continue;
		if (m->state == L2TP_TX_HELD || !window_open(c, m->ns))
			break;
		ctrl_xmit(t, m);
		if (l2tp_seq_le(c->snd_nxt, m->ns))	/* not a resend */
			c->snd_nxt = (uint16_t)(m->ns + 1);
	}
	m = TAILQ_FIRST(&c->txq);
	if (m != NULL && m->state == L2TP_TX_SENT &&
	    !ev_is_active(&c->rtx_timer))
		rtx_arm(t);
	if (c->nr_last_sent == c->nr_wire)
		ev_timer_stop(t->ctx->loop, &c->ack_timer);
	else if (l2tp_seq_dist(c->nr_last_sent, c->rcv_next) >= c->rx_window)
		/*
		 * The peer's send window (our Receive Window Size) is full:
		 * it can send nothing until we acknowledge, so waiting the ack
		 * delay for a message to carry the Nr only stalls it (one
		 * tunnel with many calls set up at ack-delay/window calls/s)
		 */
		(void)l2tp_ctrl_send_zlb(t);
	else if (!ev_is_active(&c->ack_timer)) {
		ev_timer_set(&c->ack_timer, t->ctx->ack_delay_ms / 1000., 0.);
		ev_timer_start(t->ctx->loop, &c->ack_timer);
	}
}

/* the Message Type of a message we built (first AVP, RFC 2661 4.4.1) */
static uint16_t
own_msg_type(const uint8_t *buf, size_t len)
{
	struct sso_cur c;
	uint16_t type = 0xffff;

	sso_cur_init(&c, buf, len);
	if (sso_cur_skip(&c, L2TP_HDR_CTRL_LEN + L2TP_AVP_HDR_LEN) == -1 ||
	    sso_cur_get_u16(&c, &type) == -1)
		return 0xffff;
	return type;
}

/* m takes the next Ns; checkpointed before it may go (rule 2) */
static int
txq_add(struct l2tp_tunnel *t, struct l2tp_txmsg *m)
{
	struct l2tp_ctrl *c = &t->ctrl;
	const struct l2tp_host_ops *ops = &t->ctx->ops;
	int rc = 0;

	m->ns = c->ns_next++;
	m->state = L2TP_TX_READY;
	l2tp_hdr_set_ns_nr(m->buf, m->ns, c->nr_wire);
	TAILQ_INSERT_TAIL(&c->txq, m, entry);
	c->txq_len++;
	/* DESIGN.md rule 2: on the standby before it is on the wire */
	if (ops->ckpt_send != NULL &&
	    (rc = ops->ckpt_send(t->ctx->arg, t, m->ns,
	    own_msg_type(m->buf, m->len) == L2TP_MSG_HELLO, m->buf,
	    m->len)) == 1)
		m->state = L2TP_TX_HELD;
	return rc;
}

int
l2tp_ctrl_send(struct l2tp_tunnel *t, struct l2tp_build *b)
{
	struct l2tp_ctrl *c = &t->ctrl;
	struct l2tp_txmsg *m;
	int rc;

	if (l2tp_build_finish(b) == -1 ||
	    c->txq_len + c->deferq_len >= L2TP_TXQ_MAX ||
	    (m = malloc(sizeof(*m) + b->wb.len)) == NULL) {
		l2tp_build_free(b);
		return -1;
	}
	memcpy(m->buf, b->wb.buf, b->wb.len);
	m->len = (uint16_t)b->wb.len;
	l2tp_build_free(b);
	/*
	 * Behind a silent resync's probe, our Ns is not known until the
	 * peer answers (it may move to the peer's Nr, and the old queue is
	 * resent from there): a message numbered now would take an Ns the
	 * adopted sequence gives again, and the peer would drop the later
	 * one as a duplicate. It waits, unnumbered, until then.
	 */
	if (c->resync && !TAILQ_EMPTY(&c->txq)) {
		TAILQ_INSERT_TAIL(&c->deferq, m, entry);
		c->deferq_len++;
		return 0;
	}
	rc = txq_add(t, m);
	l2tp_ctrl_flush(t);
	return rc < 0 ? -1 : 0;
}

int
l2tp_ctrl_send_release(struct l2tp_tunnel *t, uint16_t ns)
{
	struct l2tp_txmsg *m;
	int found = 0;

	l2tp_ctx_enter(t->ctx);
	TAILQ_FOREACH(m, &t->ctrl.txq, entry)
		if (m->state == L2TP_TX_HELD && l2tp_seq_le(m->ns, ns)) {
			m->state = L2TP_TX_READY;
			found = 1;
		}
	l2tp_ctrl_flush(t);
	l2tp_ctx_leave(t->ctx);
	return found ? 0 : -1;
}

int
l2tp_ctrl_ack_release(struct l2tp_tunnel *t, uint16_t nr)
{
	struct l2tp_ctrl *c = &t->ctrl;

	/* DESIGN.md rule 5: never an Nr above what the peer sent */
	if (!l2tp_seq_le(c->nr_wire, nr) || !l2tp_seq_le(nr, c->rcv_next))
		return -1;
	l2tp_ctx_enter(t->ctx);
	c->nr_wire = nr;
	l2tp_ctrl_flush(t);
	l2tp_ctx_leave(t->ctx);
	return 0;
}

/*
 * The completions of one checkpoint ack together (either may be NULL):
 * the Nr first, so that a message released with it carries it instead of
 * leaving with the old Nr and a ZLB behind it, then one flush. -1 (and
 * nothing changed) for an Nr above rcv_next (rule 5); an Nr below the one
 * on the wire is stale (acknowledged since) and left alone.
 */
int
l2tp_ctrl_release(struct l2tp_tunnel *t, const uint16_t *nr,
    const uint16_t *ns)
{
	struct l2tp_ctrl *c = &t->ctrl;
	struct l2tp_txmsg *m;

	if (nr != NULL && !l2tp_seq_le(*nr, c->rcv_next))
		return -1;
	l2tp_ctx_enter(t->ctx);
	if (nr != NULL && l2tp_seq_lt(c->nr_wire, *nr))
		c->nr_wire = *nr;
	if (ns != NULL)
		TAILQ_FOREACH(m, &c->txq, entry)
			if (m->state == L2TP_TX_HELD &&
			    l2tp_seq_le(m->ns, *ns))
				m->state = L2TP_TX_READY;
	l2tp_ctrl_flush(t);
	l2tp_ctx_leave(t->ctx);
	return 0;
}

int
l2tp_ctrl_send_zlb(struct l2tp_tunnel *t)
{
	struct l2tp_ctrl *c = &t->ctrl;
	struct l2tp_build b;

	if (l2tp_build_begin(&b, t->remote_tid, 0, L2TP_MSG_ZLB, NULL, 0) == -1 ||
	    l2tp_build_finish(&b) == -1) {
		l2tp_build_free(&b);
		return -1;
	}
	/* RFC 2661 5.8: a ZLB takes no slot, Ns is the next one */
	l2tp_hdr_set_ns_nr(b.wb.buf, c->ns_next, c->nr_wire);
	c->nr_last_sent = c->nr_wire;
	ev_timer_stop(t->ctx->loop, &c->ack_timer);
	t->ctx->stats.tx_zlb++;
	(void)l2tp_ctx_xmit(t->ctx, b.wb.buf, b.wb.len,
	    (struct sockaddr *)&t->peer, t->peer_len);
	l2tp_build_free(&b);
	return 0;
}

/* Appendix A: one new acknowledgement */
static void
cwnd_ack(struct l2tp_ctrl *c)
{
	if (c->cwnd < c->ssthresh)
		c->cwnd++;
	else if (++c->cwnd_acks >= c->cwnd) {
		c->cwnd++;
		c->cwnd_acks = 0;
	}
	if (c->cwnd > c->peer_rx_window)
		c->cwnd = c->peer_rx_window;
}

/* Nr from the peer frees what it acknowledges; -1 if it is impossible */
static int
ctrl_ack(struct l2tp_tunnel *t, uint16_t nr)
{
	struct l2tp_ctrl *c = &t->ctrl;
	struct l2tp_txmsg *m;
	unsigned acked = 0;

	if (!l2tp_seq_le(c->snd_una, nr) || !l2tp_seq_le(nr, c->snd_nxt))
		return -1;
	/* READY below snd_nxt: sent once, waiting to be resent (go-back-N) */
	while ((m = TAILQ_FIRST(&c->txq)) != NULL &&
	    m->state != L2TP_TX_HELD && l2tp_seq_lt(m->ns, nr)) {
		TAILQ_REMOVE(&c->txq, m, entry);
		c->txq_len--;
		free(m);
		cwnd_ack(c);
		acked++;
	}
	if (acked == 0)
		return 0;
	c->snd_una = nr;
	c->retries_done = 0;
	c->rto_ms = t->grp.rtx_min_ms;
	ev_timer_stop(t->ctx->loop, &c->rtx_timer);
	m = TAILQ_FIRST(&c->txq);
	if (m != NULL && m->state == L2TP_TX_SENT)
		rtx_arm(t);
	if (m == NULL)
		(void)l2tp_tunnel_event(t, L2TP_TEV_TX_DONE, NULL);
	return 0;
}

/* rcv_next moved: release the Nr now, or when the host says (rule 3) */
static void
ack_advance(struct l2tp_tunnel *t)
{
	struct l2tp_ctrl *c = &t->ctrl;
	const struct l2tp_host_ops *ops = &t->ctx->ops;

	int lazy = !c->rx_strict;

	c->rx_strict = 0;
	if (ops->ckpt_ack == NULL ||
	    ops->ckpt_ack(t->ctx->arg, t, c->rcv_next, lazy) == 0)
		c->nr_wire = c->rcv_next;
}

static int
rxq_insert(struct l2tp_ctrl *c, uint16_t ns, const uint8_t *pkt, size_t len)
{
	struct l2tp_rxmsg *r, *pos;

	TAILQ_FOREACH(pos, &c->rxq, entry) {
		if (pos->ns == ns)
			return -1;
		if (l2tp_seq_lt(ns, pos->ns))
			break;
	}
	if ((r = malloc(sizeof(*r) + len)) == NULL)
		return -1;
	r->ns = ns;
	r->len = (uint16_t)len;
	memcpy(r->buf, pkt, len);
	if (pos != NULL)
		TAILQ_INSERT_BEFORE(pos, r, entry);
	else
		TAILQ_INSERT_TAIL(&c->rxq, r, entry);
	c->rxq_len++;
	return 0;
}

/* deliver in order, then whatever the queue now makes in order */
static void
ctrl_deliver(struct l2tp_tunnel *t, const struct l2tp_hdr *h,
    const uint8_t *pkt, size_t len)
{
	struct l2tp_ctrl *c = &t->ctrl;
	struct l2tp_rxmsg *r;
	struct l2tp_hdr qh;
	enum l2tp_drop why;

	c->rcv_next++;
	t->ctx->eng->deliver(t, h, pkt, len);
	while (!t->dead && (r = TAILQ_FIRST(&c->rxq)) != NULL &&
	    l2tp_seq_le(r->ns, c->rcv_next)) {
		TAILQ_REMOVE(&c->rxq, r, entry);
		c->rxq_len--;
		if (r->ns == c->rcv_next &&
		    l2tp_hdr_decode(r->buf, r->len, &qh, &why) == 0) {
			c->rcv_next++;
			t->ctx->stats.rx_ctrl++;
			t->ctx->eng->deliver(t, &qh, r->buf, qh.length);
		}
		free(r);
	}
	ack_advance(t);
}

/*
 * Resync (DESIGN.md rule 4): the peer answered our probe. Its Nr is the
 * Ns it expects from us; a ZLB's Ns is the Ns it will send next.
 */
static void
ctrl_resync_adopt(struct l2tp_tunnel *t, const struct l2tp_hdr *h)
{
	struct l2tp_ctrl *c = &t->ctrl;
	struct l2tp_txmsg *m;

	if (!l2tp_seq_le(c->resync_ns, h->nr) ||
	    l2tp_seq_dist(c->resync_ns, h->nr) > L2TP_RESYNC_SPAN)
		return;		/* not an answer we can trust; keep probing */
	/* the probe itself is answered (or moot): Ns continues at peer's Nr */
	txq_clear(c);
	c->ns_next = c->snd_una = c->snd_nxt = h->nr;
	ev_timer_stop(t->ctx->loop, &c->rtx_timer);
	/*
	 * Our Nr stays what the checkpoint says. Every Nr the old active put
	 * on the wire was checkpointed first (rule 3, Hellos included), so
	 * whatever the peer sent from rcv_next on was never acknowledged and
	 * the peer retransmits it. Adopting the peer's Ns (a ZLB's is its
	 * next new one) would skip those: a CDN and an ICRQ in flight at the
	 * kill were lost that way (a ghost session, a call never answered).
	 */
	c->resync = 0;
	c->retries_done = 0;
	c->rto_ms = t->grp.rtx_min_ms;
	(void)l2tp_tunnel_event(t, L2TP_TEV_RESYNC_DONE, NULL);
	/* the old queue is back in (the host's resync-done): what was
	 * built behind the probe is numbered after it */
	while (!t->dead && (m = TAILQ_FIRST(&c->deferq)) != NULL) {
		TAILQ_REMOVE(&c->deferq, m, entry);
		c->deferq_len--;
		(void)txq_add(t, m);
	}
}

/*
 * RFC 4951 recovering side: the peer's Suggested Control Sequence. Its
 * Suggested Ns is what it expects from us next: what we queued below it
 * arrived; the rest is renumbered from it if there is a gap. Its
 * Suggested Nr is its oldest unacknowledged Ns: we move our Nr up to it
 * (the old active acknowledged that far) but never down (what we already
 * processed, and checkpointed, comes again as duplicates and is acked).
 */
void
l2tp_ctrl_recover(struct l2tp_tunnel *t, uint16_t ns, uint16_t nr)
{
	struct l2tp_ctrl *c = &t->ctrl;
	struct l2tp_txmsg *m;
	uint16_t next = ns;

	while ((m = TAILQ_FIRST(&c->txq)) != NULL && l2tp_seq_lt(m->ns, ns)) {
		TAILQ_REMOVE(&c->txq, m, entry);
		c->txq_len--;
		free(m);
	}
	TAILQ_FOREACH(m, &c->txq, entry) {
		m->ns = next++;
		m->state = m->state == L2TP_TX_HELD ? L2TP_TX_HELD :
		    L2TP_TX_READY;
		l2tp_hdr_set_ns_nr(m->buf, m->ns, c->nr_wire);
	}
	c->ns_next = next;
	c->snd_una = c->snd_nxt = ns;
	if (l2tp_seq_lt(c->rcv_next, nr) &&
	    l2tp_seq_dist(c->rcv_next, nr) <= L2TP_RESYNC_SPAN) {
		c->rcv_next = nr;
		rxq_clear(c);
	}
	if (l2tp_seq_lt(c->nr_wire, nr) && l2tp_seq_le(nr, c->rcv_next))
		c->nr_wire = nr;
	c->resync = 0;
	c->retries_done = 0;
	c->rto_ms = t->grp.rtx_min_ms;
	ev_timer_stop(t->ctx->loop, &c->rtx_timer);
}

int
l2tp_ctrl_input(struct l2tp_tunnel *t, const struct l2tp_hdr *h,
    const uint8_t *pkt, size_t len, enum l2tp_drop *reason)
{
	struct l2tp_ctrl *c = &t->ctrl;
	int zlb = len == h->hdr_len, rc = 0, dup_ack = 0;
	uint16_t before = c->nr_last_sent;

	/*
	 * Held for resync (takeover, our probe not sent yet): we do not know
	 * our Ns yet, so nothing may be answered, not even a CDN refusing a
	 * call. Not acked either: the peer retransmits after the resync.
	 */
	if (t->state == L2TP_TS_RESYNC && !c->resync) {
		*reason = L2TP_DROP_RESYNC_HOLD;
		return -1;
	}
	l2tp_ctrl_touch(t);
	c->in_input++;
	if (c->resync)
		ctrl_resync_adopt(t, h);
	if (ctrl_ack(t, h->nr) == -1)
		t->ctx->stats.drops[L2TP_DROP_BAD_NR]++;	/* still use Ns */
	if (zlb) {
		t->ctx->stats.rx_zlb++;
	} else if (h->ns == c->rcv_next) {
		t->ctx->stats.rx_ctrl++;
		ctrl_deliver(t, h, pkt, len);
	} else if (l2tp_seq_lt(h->ns, c->rcv_next)) {
		/* RFC 2661 5.8: duplicates MUST be acknowledged */
		*reason = L2TP_DROP_DUPLICATE;
		dup_ack = 1;
		rc = -1;
	} else if (l2tp_seq_dist(c->rcv_next, h->ns) >= c->rx_window) {
		*reason = L2TP_DROP_WINDOW;
		rc = -1;
	} else if (rxq_insert(c, h->ns, pkt, len) == -1) {
		*reason = L2TP_DROP_QUEUED;
		rc = -1;
	}
	c->in_input--;
	if (t->dead)
		return rc;
	l2tp_ctrl_flush(t);
	/* a StopCCN receiver acks at once (RFC 2661 5.7); so do dups */
	if ((dup_ack && c->nr_last_sent == before) ||
	    (t->state == L2TP_TS_CLOSING && c->nr_last_sent != c->nr_wire))
		(void)l2tp_ctrl_send_zlb(t);
	return rc;
}

void
l2tp_ctrl_rtx_timeout(struct l2tp_tunnel *t)
{
	struct l2tp_ctrl *c = &t->ctrl;
	struct l2tp_txmsg *m = TAILQ_FIRST(&c->txq), *n;

	if (m == NULL || m->state != L2TP_TX_SENT || t->dead)
		return;
	/* RFC 4951: the peer is recovering this tunnel; wait for it */
	if (t->fo_hold) {
		rtx_arm(t);
		return;
	}
	/* RFC 2661 5.8: after N retransmissions the tunnel is cleared */
	if (c->retries_done >= t->grp.retries) {
		(void)l2tp_tunnel_event(t, L2TP_TEV_CTRL_FAIL, NULL);
		return;
	}
	c->retries_done++;
	t->ctx->stats.retransmits++;
	/* Appendix A: congestion - half the window to ssthresh, cwnd 1 */
	c->ssthresh = c->cwnd / 2 ? c->cwnd / 2 : 1;
	c->cwnd = 1;
	c->cwnd_acks = 0;
	ctrl_xmit(t, m);
	/*
	 * Go-back-N: what was sent after it is presumed lost with it and
	 * goes again as the acks reopen the window, instead of each message
	 * waiting out its own timeout (after an outage the messages sent
	 * into it used to trickle out one per second).
	 */
	for (n = TAILQ_NEXT(m, entry); n != NULL; n = TAILQ_NEXT(n, entry))
		if (n->state == L2TP_TX_SENT)
			n->state = L2TP_TX_READY;
	c->rto_ms = c->rto_ms * 2 > t->grp.rtx_max_ms ? t->grp.rtx_max_ms :
	    c->rto_ms * 2;
	rtx_arm(t);
	ev_timer_stop(t->ctx->loop, &c->ack_timer);
}

void
l2tp_ctrl_ack_timeout(struct l2tp_tunnel *t)
{
	if (!t->dead && t->ctrl.nr_last_sent != t->ctrl.nr_wire)
		(void)l2tp_ctrl_send_zlb(t);
}

void
l2tp_ctrl_hello_timeout(struct l2tp_tunnel *t)
{
	struct l2tp_build b;

	/*
	 * Anything outstanding already proves the path; RFC 2661 6.5. Not
	 * while handing the socket over either: a Hello is checkpointed
	 * lazily, and one sent after the handover takes an Ns the new
	 * active (resynced already) gives its next message too, which the
	 * peer then discards as a duplicate (an ICRP lost that way leaves
	 * a session that never completes).
	 */
	if (t->dead || t->state != L2TP_TS_ESTABLISHED || t->fo_hold ||
	    t->ctx->handing_over || !TAILQ_EMPTY(&t->ctrl.txq))
		return;
	if (l2tp_build_begin(&b, t->remote_tid, 0, L2TP_MSG_HELLO, NULL, 0)
	    == -1 || l2tp_ctrl_send(t, &b) == -1)
		l2tp_build_free(&b);
}

int
l2tp_tunnel_hello(struct l2tp_tunnel *t)
{
	struct l2tp_build b;
	int rc = -1;

	if (t->dead || t->state != L2TP_TS_ESTABLISHED)
		return -1;
	l2tp_ctx_enter(t->ctx);
	if (l2tp_build_begin(&b, t->remote_tid, 0, L2TP_MSG_HELLO, NULL, 0)
	    == 0 && l2tp_ctrl_send(t, &b) == 0)
		rc = 0;
	else
		l2tp_build_free(&b);
	l2tp_ctx_leave(t->ctx);
	return rc;
}

/* ---- HA: export / import / takeover ---- */

void
l2tp_ctrl_export(const struct l2tp_tunnel *t, struct l2tp_ctrl_state *s)
{
	const struct l2tp_ctrl *c = &t->ctrl;

	s->ns_next = c->ns_next;
	s->snd_una = c->snd_una;
	s->rcv_next = c->rcv_next;
	s->nr_wire = c->nr_wire;
	s->rx_window = c->rx_window;
	s->peer_rx_window = c->peer_rx_window;
	s->cwnd = c->cwnd;
	s->ssthresh = c->ssthresh;
	s->unacked = c->txq_len;
}

int
l2tp_ctrl_foreach_msg(const struct l2tp_tunnel *t,
    int (*cb)(void *, uint16_t, const uint8_t *, size_t), void *arg)
{
	const struct l2tp_txmsg *m;

	TAILQ_FOREACH(m, &t->ctrl.txq, entry)
		if (cb(arg, m->ns, m->buf, m->len) == -1)
			return -1;
	return 0;
}

int
l2tp_ctrl_import(struct l2tp_tunnel *t, const struct l2tp_ctrl_state *s)
{
	struct l2tp_ctrl *c = &t->ctrl;

	if (s->peer_rx_window == 0 || s->rx_window == 0)
		return -1;
	txq_clear(c);
	rxq_clear(c);
	ev_timer_stop(t->ctx->loop, &c->rtx_timer);
	c->ns_next = c->snd_nxt = s->ns_next;
	c->snd_una = s->snd_una;
	c->rcv_next = s->rcv_next;
	/* what the old active may have acked is all we may claim */
	c->nr_wire = c->nr_last_sent = s->nr_wire;
	c->rx_window = s->rx_window;
	c->peer_rx_window = s->peer_rx_window;
	c->cwnd = s->cwnd ? s->cwnd : 1;
	c->ssthresh = s->ssthresh ? s->ssthresh : s->peer_rx_window;
	c->retries_done = 0;
	c->rto_ms = t->grp.rtx_min_ms;
	return 0;
}

int
l2tp_ctrl_import_msg(struct l2tp_tunnel *t, uint16_t ns, const uint8_t *buf,
    size_t len)
{
	struct l2tp_ctrl *c = &t->ctrl;
	struct l2tp_txmsg *m, *last = TAILQ_LAST(&c->txq, l2tp_txq);

	if (len < L2TP_HDR_CTRL_LEN || len > L2TP_MSG_LEN_MAX ||
	    c->txq_len >= L2TP_TXQ_MAX ||
	    (last != NULL && ns != (uint16_t)(last->ns + 1)))
		return -1;
	if ((m = malloc(sizeof(*m) + len)) == NULL)
		return -1;
	memcpy(m->buf, buf, len);
	m->len = (uint16_t)len;
	m->ns = ns;
	m->state = L2TP_TX_READY;
	TAILQ_INSERT_TAIL(&c->txq, m, entry);
	c->txq_len++;
	if (last == NULL)
		c->snd_una = c->snd_nxt = ns;
	if (l2tp_seq_le(c->ns_next, ns))
		c->ns_next = (uint16_t)(ns + 1);
	return 0;
}

/* DESIGN.md rule 2: after takeover, same Ns, current Nr, all at once */
void
l2tp_ctrl_retransmit_all(struct l2tp_tunnel *t)
{
	struct l2tp_ctrl *c = &t->ctrl;
	struct l2tp_txmsg *m;

	l2tp_ctx_enter(t->ctx);
	TAILQ_FOREACH(m, &c->txq, entry) {
		if (m->state == L2TP_TX_HELD)
			break;
		ctrl_xmit(t, m);
		c->snd_nxt = (uint16_t)(m->ns + 1);
	}
	if (TAILQ_FIRST(&c->txq) != NULL)
		rtx_arm(t);
	l2tp_ctx_leave(t->ctx);
}
