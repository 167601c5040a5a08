/*
 * ha_resync.c - takeover and resync (DESIGN.md "L2TP over SSO", rules 4
 * and 6). Once the service socket is bound, every copied tunnel is
 * rebuilt with the same ids and endpoint, held in RESYNC (new calls get
 * CDN "Tunnel in HA resync"), and probed, at most `l2tp tunnel resync N`
 * probes outstanding: a Hello at the Ns just below the oldest unacked one
 * is a duplicate for the peer, which answers with a ZLB carrying the Nr
 * and Ns it expects; the engine adopts both (within a window), then we
 * resend whatever of the unacked queue the peer does not have, same Ns,
 * current Nr. With a peer that advertised RFC 4951 failover, a recovery
 * tunnel is tried first.
 *
 * One machine per tunnel (struct ha_t .rs): ha_resync_fsm() is the only
 * entry, ha_resync_change_state() the only place .rs is assigned; every
 * transition is logged `old -> new (event)` under "debug l2tp redundancy
 * fsm" and kept in a short history. The engine and the active side are
 * reached only through the registered struct ha_resync_ops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ha_local.h"

const char *const ha_rs_state_names[RS_MAX] = {
	[RS_NONE] = "none",
	[RS_WAIT] = "wait",
	[RS_PROBING] = "probing",
	[RS_DRAIN] = "drain",
	[RS_RECOVER] = "recover",
};

const char *const ha_rs_event_names[HA_RSE_MAX] = {
	[HA_RSE_RESTORED] = "restored",
	[HA_RSE_START] = "start",
	[HA_RSE_RECOVERY_FAILED] = "recovery-failed",
	[HA_RSE_DRAINED] = "drained",
	[HA_RSE_RESYNCED] = "resynced",
	[HA_RSE_DOWN] = "down",
};

static struct {
	const struct ha_resync_ops *ops;
	struct ha_t	*rs_head, **rs_tail;	/* waiting for a slot */
	unsigned	 rs_outstanding, rs_total, rs_waiting;
	uint64_t	 rs_start_ms, rs_end_ms;
	uint64_t	 rs_success, rs_fail;
	uint64_t	 fo_success, fo_fail;	/* RFC 4951 recoveries */
	uint64_t	 restore_fail;
	int		 rs_running;
	uint64_t	 events[HA_RSE_MAX], transitions;
	struct ha_rs_hist hist[HA_RS_HIST];
} hrs;

static uint16_t
tid_of(const struct ha_t *h)
{
	return h->tid;
}

static void
ha_resync_change_state(struct ha_t *h, enum ha_rs_state to,
    enum ha_rs_event ev)
{
	struct ha_rs_hist *x = &hrs.hist[hrs.transitions++ % HA_RS_HIST];

	x->ms = sso_now_ms();
	x->tid = tid_of(h);
	x->from = (uint8_t)h->rs;
	x->to = (uint8_t)to;
	x->ev = (uint8_t)ev;
	SSO_DEBUG(&ha_dbg_fsm, SVC_FAC, "tunnel %u resync: %s -> %s (%s)",
	    x->tid, ha_rs_state_names[h->rs], ha_rs_state_names[to],
	    ha_rs_event_names[ev]);
	h->rs = to;
}

static void
free_pending(struct ha_t *h)
{
	struct ha_msg *m;

	while ((m = h->pending) != NULL) {
		h->pending = m->next;
		free(m);
	}
}

static void
unlink_waiting(struct ha_t *h)
{
	struct ha_t **pp;

	for (pp = &hrs.rs_head; *pp; pp = &(*pp)->rs_next)
		if (*pp == h) {
			*pp = h->rs_next;
			hrs.rs_waiting--;
			break;
		}
	hrs.rs_tail = &hrs.rs_head;
	while (*hrs.rs_tail)
		hrs.rs_tail = &(*hrs.rs_tail)->rs_next;
	h->rs_next = NULL;
}

/* the probe Hello: a duplicate for the peer, which answers with a ZLB */
static void
send_probe(struct ha_t *h, uint16_t ns, enum ha_rs_event ev, int log)
{
	h->probe = ns;
	ha_resync_change_state(h, RS_PROBING, ev);
	if (hrs.ops->probe(h->t, h->probe) == -1) {
		if (log)
			sso_log(SSO_ERR, SVC_FAC, "RESYNC", "tunnel %u: cannot "
			    "probe", tid_of(h));
		hrs.ops->clear(h->t, "HA resync failed");
	}
}

/* silent failover: probe, or resend first when the probe would wrap */
static void
silent(struct ha_t *h, enum ha_rs_event ev)
{
	struct l2tp_ctrl_state cs;
	struct ha_msg *m;

	hrs.ops->export(h->t, &cs);
	/* just below the oldest unacked Ns: a duplicate for the peer. At 0
	 * that would cross the 16-bit wrap, which a peer comparing without
	 * modulo would take as a future message; then resend the queue
	 * first (same Ns) and probe once it is acked */
	if (cs.snd_una == 0 && h->pending != NULL) {
		for (m = h->pending; m; m = m->next)
			(void)hrs.ops->import_msg(h->t, m->ns, m->buf, m->len);
		free_pending(h);
		hrs.ops->retransmit_all(h->t);
		ha_resync_change_state(h, RS_DRAIN, ev);
		hrs.ops->drain_timer(1);
		return;
	}
	send_probe(h, cs.snd_una == 0 ? 0 : (uint16_t)(cs.snd_una - 1), ev,
	    1);
}

/* a slot is free: RFC 4951 first where both sides advertised it (rule 7) */
static void
start(struct ha_t *h)
{
	if (h->fo_tried || !hrs.ops->failover_negotiated(h->t)) {
		silent(h, HA_RSE_START);
		return;
	}
	h->fo_tried = 1;
	/* in RECOVER before the engine starts: its events may come at once */
	ha_resync_change_state(h, RS_RECOVER, HA_RSE_START);
	if (hrs.ops->recover(h->t) == 0) {
		SSO_DEBUG(&ha_dbg_resync, SVC_FAC, "tunnel %u: RFC 4951 "
		    "recovery", tid_of(h));
		return;
	}
	hrs.fo_fail++;
	hrs.ops->failure(h->t, "RFC 4951 recovery could not start; silent "
	    "failover");
	silent(h, HA_RSE_RECOVERY_FAILED);
}

/* the peer's answer is in: what of the old queue it still lacks goes */
static void
resynced(struct ha_t *h)
{
	struct l2tp_ctrl_state cs;
	struct ha_msg *m;
	int resend = 0;

	if (h->rs == RS_RECOVER)
		hrs.fo_success++;
	hrs.ops->export(h->t, &cs);
	for (m = h->pending; m; m = m->next)
		if (l2tp_seq_le(cs.ns_next, m->ns) &&
		    hrs.ops->import_msg(h->t, m->ns, m->buf, m->len) == 0)
			resend = 1;
	free_pending(h);
	if (resend)
		hrs.ops->retransmit_all(h->t);
	ha_resync_change_state(h, RS_NONE, HA_RSE_RESYNCED);
	hrs.rs_success++;
	hrs.rs_outstanding--;
	SSO_DEBUG(&ha_dbg_resync, SVC_FAC, "tunnel %u resynced", tid_of(h));
	hrs.ops->resynced(h->t);
	ha_resync_kick();	/* the slot is free */
}

/* the tunnel is going: a resync under way failed; the shadow is freed
 * by the caller (ha_active.c), which kicks the next one afterwards */
static void
down(struct ha_t *h)
{
	char why[96];

	if (h->rs != RS_NONE) {
		hrs.rs_fail++;
		if (h->rs != RS_WAIT)
			hrs.rs_outstanding--;
		if (h->rs == RS_RECOVER)
			hrs.fo_fail++;
		if (h->rs == RS_WAIT)
			unlink_waiting(h);
		snprintf(why, sizeof(why), "HA resync failed: tunnel down "
		    "(result %u)", hrs.ops->result(h->t));
		hrs.ops->failure(h->t, why);
		ha_resync_change_state(h, RS_NONE, HA_RSE_DOWN);
	}
	free_pending(h);
}

void
ha_resync_fsm(struct ha_t *h, enum ha_rs_event ev)
{
	if (ev >= HA_RSE_MAX)
		return;
	hrs.events[ev]++;
	switch (ev) {
	case HA_RSE_RESTORED:
		if (h->rs != RS_NONE)
			break;
		hrs.ops->hold(h->t);
		ha_resync_change_state(h, RS_WAIT, ev);
		h->rs_next = NULL;
		*hrs.rs_tail = h;
		hrs.rs_tail = &h->rs_next;
		hrs.rs_waiting++;
		break;
	case HA_RSE_START:
		if (h->rs == RS_WAIT)
			start(h);
		break;
	case HA_RSE_RECOVERY_FAILED:
		if (h->rs != RS_RECOVER)
			break;
		/* RFC 4951 refused or timed out: silent failover instead */
		hrs.fo_fail++;
		hrs.ops->failure(h->t, "RFC 4951 recovery failed; falling "
		    "back to silent failover");
		silent(h, ev);
		break;
	case HA_RSE_DRAINED: {
		struct l2tp_ctrl_state cs;

		if (h->rs != RS_DRAIN)
			break;
		hrs.ops->export(h->t, &cs);
		send_probe(h, cs.ns_next == 0 ? 0 : (uint16_t)(cs.ns_next - 1),
		    ev, 0);
		break;
	}
	case HA_RSE_RESYNCED:
		if (h->rs == RS_PROBING || h->rs == RS_RECOVER)
			resynced(h);
		break;
	case HA_RSE_DOWN:
		down(h);
		break;
	default:
		break;
	}
}

static void
resync_done_check(void)
{
	if (hrs.rs_running && hrs.rs_outstanding == 0 && hrs.rs_head == NULL) {
		hrs.rs_running = 0;
		hrs.rs_end_ms = sso_now_ms();
		sso_log(SSO_NOTICE, SVC_FAC, "RESYNC", "HA resync complete: "
		    "%llu/%llu tunnels (success/fail) in %llu ms",
		    (unsigned long long)hrs.rs_success,
		    (unsigned long long)hrs.rs_fail,
		    (unsigned long long)(hrs.rs_end_ms - hrs.rs_start_ms));
		sso_event("L2TP", "RESYNC_DONE", "resync complete in %llu ms",
		    (unsigned long long)(hrs.rs_end_ms - hrs.rs_start_ms));
	}
}

/* give free probe slots to waiting tunnels, in takeover order */
void
ha_resync_kick(void)
{
	struct ha_t *h;

	while ((h = hrs.rs_head) != NULL &&
	    hrs.rs_outstanding < (h->resync_n ? h->resync_n : 1)) {
		hrs.rs_head = h->rs_next;
		if (hrs.rs_head == NULL)
			hrs.rs_tail = &hrs.rs_head;
		h->rs_next = NULL;
		hrs.rs_waiting--;
		hrs.rs_outstanding++;
		ha_resync_fsm(h, HA_RSE_START);
	}
	resync_done_check();
}

void
ha_takeover(void)
{
	struct ha_standby_stats ss;
	unsigned i, n = 0;

	ha_standby_stats(&ss);
	if (ss.tunnels == 0)
		return;
	hrs.rs_start_ms = sso_now_ms();
	hrs.rs_end_ms = 0;
	hrs.rs_success = hrs.rs_fail = 0;
	hrs.rs_running = 1;
	for (i = 1; i < 65536; i++) {
		struct sb_tun *s = ha_sb_take(i);
		struct ha_t *h;

		if (s == NULL)
			continue;
		h = hrs.ops->restore(s);
		ha_sb_free(s);
		if (h == NULL) {
			hrs.restore_fail++;
			hrs.rs_fail++;
			continue;
		}
		ha_resync_fsm(h, HA_RSE_RESTORED);
		n++;
	}
	hrs.rs_total = n;
	sso_log(SSO_NOTICE, SVC_FAC, "TAKEOVER", "%u tunnels rebuilt from "
	    "checkpoints; resynchronising with the peers", n);
	/* the parts riding on the sessions (subscribers: PPP state, the
	 * data device, its addresses and routes) before any traffic */
	if (hrs.ops->parts_takeover != NULL)
		hrs.ops->parts_takeover();
	ha_resync_kick();
}

void
ha_resync_stats(struct ha_resync_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->rs_success = hrs.rs_success;
	st->rs_fail = hrs.rs_fail;
	st->fo_success = hrs.fo_success;
	st->fo_fail = hrs.fo_fail;
	st->restore_fail = hrs.restore_fail;
	st->start_ms = hrs.rs_start_ms;
	if (hrs.rs_start_ms != 0)
		st->duration_ms = (hrs.rs_end_ms ? hrs.rs_end_ms :
		    sso_now_ms()) - hrs.rs_start_ms;
	st->outstanding = hrs.rs_outstanding;
	st->total = hrs.rs_total;
	st->waiting = hrs.rs_waiting;
	st->running = hrs.rs_running;
	memcpy(st->events, hrs.events, sizeof(st->events));
	st->transitions = hrs.transitions;
}

int
ha_resync_history(unsigned i, struct ha_rs_hist *x)
{
	if (i >= HA_RS_HIST || i >= hrs.transitions)
		return -1;
	*x = hrs.hist[(hrs.transitions - 1 - i) % HA_RS_HIST];
	return 0;
}

void
ha_resync_reset_stats(void)
{
	const struct ha_resync_ops *ops = hrs.ops;

	memset(&hrs, 0, sizeof(hrs));
	hrs.ops = ops;
	hrs.rs_tail = &hrs.rs_head;
}

void
ha_resync_init(const struct ha_resync_ops *ops)
{
	hrs.ops = ops;
	hrs.rs_tail = &hrs.rs_head;
}
