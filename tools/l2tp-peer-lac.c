/*
 * l2tp-peer-lac.c - the LAC role of l2tp-peer: N tunnels x M incoming
 * calls (RFC 2661 7.4.1: ICRQ -> ICRP -> ICCN), churn, and the books the
 * strict checks and the sessions file are made from.
 *
 * Pacing: at most --max-inflight (PEER_MAX_OUTSTANDING) tunnel setups
 * and as many call setups are in flight, as a real LAC paces its SCCRQs and ICRQs; a
 * --setup-rate caps call setups per second on top. Tunnels that want
 * calls wait in a FIFO ring and get a receive window's worth of calls
 * per turn (fill_turn), so that no tunnel's window throttles the rest;
 * the 1 ms tick only visits tunnels that need something.
 *
 * The engine reports the end of every call we placed (SESSION_DOWN, also
 * for one refused before it was up). Pending calls are checked every
 * tick as well: one unanswered for 60 s is a failure, and so would be
 * one that vanished without its event (a safety net).
 */
#include <sys/queue.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l2tp-peer.h"

struct lac_tun;

struct lac_call {
	struct lac_tun		*lt;
	struct l2tp_session	*s;
	uint16_t		 tid, sid;	/* ours: find it again */
	int			 up;
	struct peer_ppp		*ppp;		/* --ppp: its link */
	size_t			 idx;		/* in up[] while up */
	double			 started;
	LIST_ENTRY(lac_call)	 pending;	/* while setting up */
};

struct lac_tun {
	struct l2tp_tunnel	*t;
	unsigned		 have;		/* calls up */
	unsigned		 setting_up;	/* calls in flight */
	unsigned		 lost;		/* calls that went down with it */
	unsigned		 done;		/* --expect-auth-fail: refused */
	unsigned		 burst;		/* calls per turn: its window */
	int			 up, closing;
	enum { Q_NONE, Q_RING, Q_REST } queued;
	double			 holdoff;	/* no new call before (mono s) */
};

static struct {
	struct lac_tun	*tun;
	unsigned	 next_tunnel;		/* opened once so far */
	unsigned	 opening;		/* tunnel setups in flight */
	unsigned	*ring;			/* tunnels that want calls */
	size_t		 ring_head, ring_len;
	unsigned	*rest;			/* ... after a failure, resting */
	size_t		 rest_head, rest_len;
	struct lac_call	**up;			/* established calls */
	size_t		 nup, upcap, rr;
	LIST_HEAD(, lac_call) pending;
	unsigned	 outstanding;		/* call setups in flight */
	double		 setup_tokens, churn_tokens;
} L;

/* ---- books ---- */

static void
up_add(struct lac_call *c)
{
	if (L.nup == L.upcap) {
		size_t n = L.upcap ? L.upcap * 2 : 1024;
		struct lac_call **u = realloc(L.up, n * sizeof(*u));

		if (u == NULL)
			peer_oom();
		L.up = u;
		L.upcap = n;
	}
	c->idx = L.nup;
	L.up[L.nup++] = c;
	c->up = 1;
	c->lt->have++;
	peer.sessions_up++;
}

static void
up_del(struct lac_call *c)
{
	struct lac_call *last = L.up[--L.nup];

	L.up[c->idx] = last;
	last->idx = c->idx;
	c->up = 0;
	c->lt->have--;
	peer.sessions_up--;
}

static void
pending_del(struct lac_call *c)
{
	LIST_REMOVE(c, pending);
	c->lt->setting_up--;
	L.outstanding--;
}

/* off every list and freed; the engine session is someone else's now */
static void
call_forget(struct lac_call *c)
{
	if (c->up)
		up_del(c);
	else
		pending_del(c);
	if (c->s != NULL && l2tp_session_get_user(c->s) == c)
		l2tp_session_set_user(c->s, NULL);
	peer_ppp_end(c->ppp);
	free(c);
}

static int
tun_wants(const struct lac_tun *lt)
{
	return lt->t != NULL && lt->up && !lt->closing &&
	    lt->have + lt->setting_up + lt->done < peer.o.sessions;
}

static void
ring_push(struct lac_tun *lt)
{
	if (lt->queued != Q_NONE || !tun_wants(lt))
		return;
	lt->queued = Q_RING;
	L.ring[(L.ring_head + L.ring_len++) % peer.o.tunnels] =
	    (unsigned)(lt - L.tun);
}

static struct lac_tun *
ring_pop(void)
{
	struct lac_tun *lt = &L.tun[L.ring[L.ring_head]];

	L.ring_head = (L.ring_head + 1) % peer.o.tunnels;
	L.ring_len--;
	lt->queued = Q_NONE;
	return lt;
}

/*
 * Resting tunnels wait in their own FIFO, in the order they were put to
 * rest (holdoffs are all PEER_HOLDOFF_S long, so nearly in holdoff
 * order: one may leave a little late, never early). The tick releases
 * the head while it is due: a thousand resting tunnels cost nothing
 * until they are due.
 */
static void
rest_push(struct lac_tun *lt)
{
	lt->queued = Q_REST;
	L.rest[(L.rest_head + L.rest_len++) % peer.o.tunnels] =
	    (unsigned)(lt - L.tun);
}

static void
rest_release(double now)
{
	struct lac_tun *lt;

	while (L.rest_len > 0) {
		lt = &L.tun[L.rest[L.rest_head]];
		if (lt->holdoff > now)
			return;
		L.rest_head = (L.rest_head + 1) % peer.o.tunnels;
		L.rest_len--;
		lt->queued = Q_NONE;
		ring_push(lt);
	}
}

/* a failure on this tunnel: no new call on it for a while */
static void
tun_rest(struct lac_tun *lt, double now)
{
	lt->holdoff = now + PEER_HOLDOFF_S;
	if (lt->queued == Q_NONE && tun_wants(lt))
		rest_push(lt);		/* in the ring: moved when popped */
}

/* ---- calls ---- */

static int
call_start(struct lac_tun *lt, double now)
{
	struct l2tp_session_info si;
	struct lac_call *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		peer_oom();
	if ((c->s = l2tp_session_open(lt->t)) == NULL) {
		peer_fail(l2tp_tunnel_local_id(lt->t), 0, "cannot place a "
		    "call: %s", strerror(errno));
		free(c);
		return -1;
	}
	l2tp_session_get_info(c->s, &si);
	c->lt = lt;
	c->tid = si.local_tid;
	c->sid = si.local_sid;
	c->started = now;
	l2tp_session_set_user(c->s, c);
	LIST_INSERT_HEAD(&L.pending, c, pending);
	lt->setting_up++;
	L.outstanding++;
	if (peer.o.abandon_every &&
	    ++peer.calls_placed % peer.o.abandon_every == 0) {
		/* the ICRQ is out, the ICRP not in: the LNS sees the CDN
		 * while its half of the call waits for our ICCN */
		struct l2tp_session *s = c->s;

		call_forget(c);
		peer.abandoned++;
		(void)l2tp_session_clear(s, L2TP_CDN_ADMIN, 0, "abandoned");
	}
	return 0;
}

/* we hang up (churn): CDN result 3, no event comes back for it */
static void
call_hangup(struct lac_call *c)
{
	struct l2tp_session *s = c->s;
	struct lac_tun *lt = c->lt;

	call_forget(c);
	peer.teardowns++;
	(void)l2tp_session_clear(s, L2TP_CDN_ADMIN, 0, NULL);
	ring_push(lt);
}

/*
 * Calls the LNS never answers, and (safety net) calls gone without an
 * event. The user pointer, not the session pointer, tells ours apart: a
 * freed session's memory and ids may be reused.
 */
static void
pending_check(double now)
{
	struct lac_call *c, *next;
	struct l2tp_session *s;
	struct lac_tun *lt;

	for (c = LIST_FIRST(&L.pending); c != NULL; c = next) {
		next = LIST_NEXT(c, pending);
		lt = c->lt;
		s = l2tp_session_find(peer.ctx, c->tid, c->sid);
		if (s != NULL && l2tp_session_get_user(s) == c &&
		    now - c->started < PEER_CALL_STUCK_S &&
		    !peer_ppp_overdue(c->ppp, now))
			continue;
		c->s = NULL;		/* gone, or about to be */
		if (s == NULL || l2tp_session_get_user(s) != c)
			peer_fail(c->tid, c->sid, "call setup failed: gone "
			    "before it was up, with no event");
		else {
			if (peer_ppp_overdue(c->ppp, now))
				peer_fail(c->tid, c->sid, "ppp: the link "
				    "ended, and no CDN came from the LNS");
			else
				peer_fail(c->tid, c->sid, "call setup not "
				    "answered in %.0f s", PEER_CALL_STUCK_S);
			l2tp_session_set_user(s, NULL);
			(void)l2tp_session_clear(s, L2TP_CDN_GENERAL, 0,
			    "not answered");
		}
		call_forget(c);		/* first: then the tunnel wants one */
		if (peer.o.expect_auth_fail)
			lt->done++;	/* one try per call */
		tun_rest(lt, now);
	}
}

/*
 * One turn of a tunnel: as many calls as the LNS's receive window lets
 * onto the wire at once. Fewer would cost the LNS a ZLB for nearly every
 * ICCN (no ICRP of its own behind it to carry the ack); more
 * would wait in our queue and hold setups in flight that other tunnels
 * could use.
 */
static int
fill_turn(struct lac_tun *lt, double now)
{
	unsigned n;

	for (n = 0; n < lt->burst && tun_wants(lt) &&
	    L.outstanding < peer.o.max_inflight && L.setup_tokens >= 1; n++) {
		if (call_start(lt, now) == -1)
			return -1;
		L.setup_tokens--;
	}
	return 0;
}

/* place calls on the tunnels that want them, a window's worth a turn */
static void
fill(double now, double dt)
{
	double cap = peer.o.setup_rate ? peer.o.setup_rate * 0.1 + 1 : 1e18;
	struct lac_tun *lt;

	L.setup_tokens += peer.o.setup_rate ? dt * peer.o.setup_rate : cap;
	if (L.setup_tokens > cap)
		L.setup_tokens = cap;
	rest_release(now);
	while (L.ring_len > 0 && L.outstanding < peer.o.max_inflight &&
	    L.setup_tokens >= 1) {
		lt = ring_pop();
		if (!tun_wants(lt))
			continue;
		if (lt->holdoff > now) {	/* put to rest while queued */
			rest_push(lt);
			continue;
		}
		if (fill_turn(lt, now) == -1) {
			tun_rest(lt, now);
			continue;
		}
		ring_push(lt);
	}
}

/* tear random calls down at the churn rate; fill() replaces them */
static void
churn(double dt)
{
	double cap = peer.o.churn * 0.1 + 1;

	L.churn_tokens += dt * peer.o.churn;
	if (L.churn_tokens > cap)
		L.churn_tokens = cap;
	while (L.churn_tokens >= 1 && L.nup > 0) {
		call_hangup(L.up[(size_t)random() % L.nup]);
		L.churn_tokens--;
	}
}

/* ---- tunnels ---- */

static void
tun_open(struct lac_tun *lt)
{
	lt->up = lt->closing = 0;
	lt->lost = 0;
	if ((lt->t = l2tp_tunnel_open(peer.ctx, &peer.group)) == NULL) {
		peer_fail(0, 0, "cannot open a tunnel: %s", strerror(errno));
		return;
	}
	L.opening++;
	l2tp_tunnel_set_user(lt->t, lt);
}

/* at most --max-inflight SCCRQs unanswered at a time */
static void
tun_open_more(void)
{
	while (L.next_tunnel < peer.o.tunnels &&
	    L.opening < peer.o.max_inflight && peer.phase <= PEER_PH_RUN)
		tun_open(&L.tun[L.next_tunnel++]);
}

static void
tun_reason(char *buf, size_t len, const struct l2tp_tunnel_info *ti,
    int was_up, unsigned lost)
{
	const char *what = was_up ? "tunnel torn down" : "tunnel setup failed";
	int n;

	if (ti->last_result == 0)
		n = snprintf(buf, len, "%s: no answer after %u "
		    "retransmissions", what, peer.o.retries);
	else
		n = snprintf(buf, len, "%s: StopCCN result %u (%s) error %u",
		    what, ti->last_result, l2tp_stopccn_result_name(ti->last_result),
		    ti->last_error);
	if (lost && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ", %u calls lost with it",
		    lost);
}

static void
tun_down(struct lac_tun *lt, struct l2tp_tunnel *t)
{
	struct l2tp_tunnel_info ti;
	struct lac_call *c, *next;
	char reason[PEER_REASON_MAX];
	int was_up = lt->up;

	if (!was_up)
		L.opening--;
	else
		peer.tunnels_up--;
	/* their SESSION_DOWN came first; this is a safety net */
	for (c = LIST_FIRST(&L.pending); c != NULL; c = next) {
		next = LIST_NEXT(c, pending);
		if (c->lt == lt) {
			lt->lost++;
			call_forget(c);
		}
	}
	l2tp_tunnel_get_info(t, &ti);
	l2tp_tunnel_set_user(t, NULL);
	lt->t = NULL;
	lt->up = 0;
	if (!lt->closing) {
		tun_reason(reason, sizeof(reason), &ti, was_up, lt->lost);
		peer_fail(ti.local_tid, 0, "%s", reason);
		if (peer.o.redial && peer.phase <= PEER_PH_RUN) {
			peer.redials++;
			tun_open(lt);
		}
	}
	tun_open_more();
}

static void
lac_tunnel_event(void *arg, struct l2tp_tunnel *t, enum l2tp_event ev)
{
	struct lac_tun *lt = l2tp_tunnel_get_user(t);
	struct l2tp_tunnel_info ti;

	(void)arg;
	if (lt == NULL)
		return;
	switch (ev) {
	case L2TP_EV_TUNNEL_UP:
		l2tp_tunnel_get_info(t, &ti);
		lt->burst = ti.peer_rx_window ? ti.peer_rx_window : 4;
		lt->up = 1;
		L.opening--;
		peer.tunnels_up++;
		ring_push(lt);
		tun_open_more();
		break;
	case L2TP_EV_TUNNEL_DOWN:
		tun_down(lt, t);
		break;
	default:
		break;
	}
}

static int
tunnel_going(struct l2tp_session *s)
{
	struct l2tp_tunnel_info ti;

	l2tp_tunnel_get_info(l2tp_session_tunnel(s), &ti);
	return ti.state == L2TP_TS_CLOSING || ti.state == L2TP_TS_DEAD;
}

static void
lac_session_event(void *arg, struct l2tp_session *s, enum l2tp_event ev)
{
	struct lac_call *c = l2tp_session_get_user(s);
	struct l2tp_session_info si;
	struct lac_tun *lt;
	int was_up;

	(void)arg;
	if (c == NULL)
		return;
	lt = c->lt;
	if (ev == L2TP_EV_SESSION_UP && peer.o.ppp) {
		/* up for the data once IPCP is: peer_lac_ppp_up() */
		c->ppp = peer_ppp_start(s, c, c->tid, c->sid);
		return;
	}
	if (ev == L2TP_EV_SESSION_UP) {
		pending_del(c);
		up_add(c);
		peer.setups++;
		return;
	}
	if (ev != L2TP_EV_SESSION_DOWN)
		return;
	l2tp_session_get_info(s, &si);
	was_up = c->up;
	c->s = NULL;
	if (peer.o.expect_auth_fail && c->ppp != NULL && !lt->closing &&
	    !tunnel_going(s)) {
		(void)peer_ppp_refused_ok(c->ppp);	/* reports a failure */
		call_forget(c);
		lt->done++;
		return;
	}
	if (peer_ppp_failed(c->ppp)) {	/* said already: not twice */
		call_forget(c);
		tun_rest(lt, peer_mono());
		return;
	}
	call_forget(c);
	if (lt->closing)
		return;
	if (tunnel_going(s)) {		/* the tunnel's failure says it */
		lt->lost++;
		return;
	}
	peer_fail(si.local_tid, si.local_sid, "%s: CDN result %u (%s) error "
	    "%u", was_up ? "call cleared" : "call setup refused",
	    si.last_result, l2tp_cdn_result_name(si.last_result), si.last_error);
	tun_rest(lt, peer_mono());
}

/* --ppp: every frame goes to the call's engine; else the data check */
static void
lac_data(void *arg, struct l2tp_session *s, const uint8_t *buf, size_t len)
{
	struct lac_call *c = l2tp_session_get_user(s);

	if (!peer.o.ppp) {
		peer_data_input(arg, s, buf, len);
		return;
	}
	if (c != NULL)
		peer_ppp_input(c->ppp, buf, len);
}

const struct l2tp_host_ops peer_lac_ops = {
	.tunnel_event = lac_tunnel_event,
	.session_event = lac_session_event,
	.data = lac_data,
};

/* ---- the calls' PPP links ---- */

void
peer_lac_ppp_up(void *call)
{
	struct lac_call *c = call;

	if (c == NULL || c->up)
		return;
	pending_del(c);
	up_add(c);
	peer.setups++;
}

/* the link failed (said already): hang up, the tunnel rests */
void
peer_lac_ppp_down(void *call, int unused)
{
	struct lac_call *c = call;
	struct l2tp_session *s;
	struct lac_tun *lt;

	(void)unused;
	if (c == NULL)
		return;
	s = c->s;
	lt = c->lt;
	call_forget(c);
	if (peer.o.expect_auth_fail)
		lt->done++;
	if (s != NULL)
		(void)l2tp_session_clear(s, L2TP_CDN_ADMIN, 0, "ppp failed");
	tun_rest(lt, peer_mono());
}

struct peer_ppp *
peer_lac_session_ppp(struct l2tp_session *s)
{
	struct lac_call *c = s != NULL ? l2tp_session_get_user(s) : NULL;

	return c != NULL ? c->ppp : NULL;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* no address is held by two calls at once */
void
peer_lac_check_addresses(void)
{
	uint32_t *v;
	size_t i, n = 0;

	if (!peer.o.ppp || L.nup == 0)
		return;
	if ((v = malloc(L.nup * sizeof(*v))) == NULL)
		peer_oom();
	for (i = 0; i < L.nup; i++)
		if (peer_ppp_is_up(L.up[i]->ppp))
			v[n++] = peer_ppp_addr(L.up[i]->ppp);
	qsort(v, n, sizeof(*v), cmp_u32);
	for (i = 1; i < n; i++)
		if (v[i] == v[i - 1])
			peer_fail(0, 0, "ppp: address %u.%u.%u.%u held by two "
			    "calls", v[i] >> 24, (v[i] >> 16) & 0xff,
			    (v[i] >> 8) & 0xff, v[i] & 0xff);
	peer_ppp_stats.distinct = n;
	for (i = 1; i < n; i++)
		if (v[i] == v[i - 1])
			peer_ppp_stats.distinct--;
	free(v);
}

/* ---- the role's entry points ---- */

int
peer_lac_init(void)
{
	L.tun = calloc(peer.o.tunnels, sizeof(*L.tun));
	L.ring = calloc(peer.o.tunnels, sizeof(*L.ring));
	L.rest = calloc(peer.o.tunnels, sizeof(*L.rest));
	if (L.tun == NULL || L.ring == NULL || L.rest == NULL)
		return -1;
	LIST_INIT(&L.pending);
	tun_open_more();
	return 0;
}

void
peer_lac_tick(double now, double dt)
{
	peer_ppp_reap();
	pending_check(now);
	tun_open_more();
	/* replacements keep coming in the drain; not after an early stop */
	if (peer.phase == PEER_PH_SETUP || peer.phase == PEER_PH_RUN ||
	    (peer.phase == PEER_PH_DRAIN && peer.ran))
		fill(now, dt);
	if (peer.phase == PEER_PH_RUN && peer.o.churn && !peer.quiesce)
		churn(dt);
}

/* nothing in flight and every live tunnel holds its M calls */
int
peer_lac_settled(double now)
{
	size_t i;

	(void)now;
	if (L.opening || L.outstanding || L.next_tunnel < peer.o.tunnels)
		return 0;
	for (i = 0; i < L.ring_len; i++)
		if (tun_wants(&L.tun[L.ring[(L.ring_head + i) %
		    peer.o.tunnels]]))
			return 0;
	for (i = 0; i < L.rest_len; i++)
		if (tun_wants(&L.tun[L.rest[(L.rest_head + i) %
		    peer.o.tunnels]]))
			return 0;
	return 1;
}

struct l2tp_session *
peer_lac_next_session(void)
{
	if (L.nup == 0)
		return NULL;
	L.rr = (L.rr + 1) % L.nup;
	return L.up[L.rr]->s;
}

void
peer_lac_close(void)
{
	unsigned i;

	for (i = 0; i < peer.o.tunnels; i++)
		if (L.tun[i].t != NULL && !L.tun[i].closing) {
			L.tun[i].closing = 1;
			(void)l2tp_tunnel_clear(L.tun[i].t, L2TP_STOPCCN_CLEAR,
			    0, NULL);
		}
}

void
peer_lac_free(void)
{
	struct lac_call *c;

	while ((c = LIST_FIRST(&L.pending)) != NULL)
		call_forget(c);
	while (L.nup > 0)
		call_forget(L.up[L.nup - 1]);
	peer_ppp_reap();
	free(L.up);
	free(L.ring);
	free(L.rest);
	free(L.tun);
	memset(&L, 0, sizeof(L));
}
