/*
 * sub_ha.c - subscriber SSO (README "Subscriber SSO"): the PPP state of
 * every subscriber of a protected tunnel is on the standby, so that a
 * switchover keeps the session, its address and its counters, silently.
 *
 * Three record types of the L2TP checkpoint client (ha_local.h):
 *  - R_SUB: the address and its pool, SYNC before the IPCP Nak/Ack that
 *    carries it leaves (rule 1: the standby takes the same address in its
 *    own pool, so no address is ever handed out twice); then, once IPCP
 *    is opened, the ppp_export() state, SYNC before the session is
 *    reported up (rule 2: sub_up_reported(), where accounting Start
 *    goes); then every change of that state (re-challenge), ASYNC;
 *  - R_SUB_COUNTERS: the IP counters, ASYNC, every SUB_HA_COUNTER_S
 *    seconds when they moved; the standby keeps the largest (a kill loses
 *    at most that many seconds of counting, never goes backwards);
 *  - R_SUB_DEL: the subscriber is gone, its address back to the pool.
 * The accounting records and Disconnect/CoA answers have their own
 * record types (sub_ha_acct.c); the standby notes in its subscriber copy
 * whether the session's Start and Stop were made and its last Interim
 * sequence (acct_seen; the accounting identity rides in R_SUB).
 * A new standby gets them in the bulk through a record producer, after
 * the tunnel and its sessions (the queued accounting records first).
 * At takeover (ha_part), after the tunnels and sessions are rebuilt and
 * before the resync releases traffic: the data device is opened (Loopback
 * addresses, pool routes), every established copy becomes a live
 * subscriber in Opened (ppp_restore: it sends nothing; echoes and CHAP
 * re-challenges resume on their schedule). A copy that was still
 * negotiating gives its address back and its call is ended once the
 * resync is over: LCP Terminate-Request and a CDN (sub_orphan), so the
 * client redials at once (rule 4); counted in `show subscriber
 * redundancy`.
 * No secret is ever in a record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ha_local.h"
#include "sub_local.h"
#include "render.h"

#define SUB_HA_COUNTER_S	5	/* counters reach the standby every */
#define SUB_HA_ORPHAN_S		0.2	/* sweep for unfinished calls */

/* the standby's copy of one subscriber */
struct sb_sub {
	TAILQ_ENTRY(sb_sub) entry;
	uint64_t	 seq;		/* the listings' cursor */
	uint16_t	 tid, sid;
	char		 pool[POOL_NAME_MAX];
	uint32_t	 addr;
	int		 established;
	struct ppp_established e;
	uint64_t	 start_unix_ms, up_unix_ms;	/* up: 0 unknown */
	uint64_t	 rx_pkts, rx_bytes, tx_pkts, tx_bytes;
	struct sub_acct_id acct;	/* accounting identity */
	struct rad_route r[SUB_FRAMED_ROUTES_MAX];	/* RADIUS's routes */
	unsigned	 nr;
};
TAILQ_HEAD(sb_sub_list, sb_sub);

/* a SYNC record in flight for subscriber seq */
struct wait {
	uint16_t	 tid, sid;
	uint64_t	 seq;
};

static struct {
	struct sb_sub_list list;
	struct dp_map	 map;		/* tid << 16 | sid -> sb_sub */
	unsigned	 n, n_est;
	uint64_t	 seq;
	ev_timer	 t_counters, t_orphans;
	/* counters */
	uint64_t	 addr_waits, up_waits, counter_records;
	uint64_t	 restored, restore_fail, ended_negotiating,
			 ended_no_session, apply_errors;
	uint64_t	 acct_resent;
} sh;

static uint32_t
key(uint16_t tid, uint16_t sid)
{
	return (uint32_t)tid << 16 | sid;
}

static uint64_t
unix_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int
protected(const struct sub *s)
{
	struct l2tp_tunnel *t = l2tp_tunnel_find(svc.ctx, s->tid);

	return t != NULL && ha_tunnel_protected(t);
}

/* ---- active: records out ---- */

static void
counters_of(const struct sub *s, struct sub_counters *n)
{
	n->rx_pkts = s->rx_pkts;
	n->rx_bytes = s->rx_bytes;
	n->tx_pkts = s->tx_pkts;
	n->tx_bytes = s->tx_bytes;
}

static void
counters_to_pb(const struct sub *s, L2tpckpt__SubCounters *c)
{
	struct sub_counters n;

	counters_of(s, &n);
	sub_codec_counters_pack(s->tid, s->sid, &n, c);
}

/* the record of s: the address alone, or with the established state e */
static int
emit_sub(struct sub *s, uint32_t addr, const struct ppp_established *e,
    void (*done)(void *))
{
	L2tpckpt__Subscriber m;
	struct sub_ckpt c;
	struct sub_ckpt_buf b;
	struct wait *w = NULL;
	uint64_t now = sso_now_ms();
	int rc;

	memset(&c, 0, sizeof(c));
	c.tid = s->tid;
	c.sid = s->sid;
	memcpy(c.pool, s->pool, sizeof(c.pool));
	c.addr = addr;
	c.start_unix_ms = unix_ms() - (now - s->start_ms);
	if (e != NULL) {
		c.established = 1;
		if (s->up_ms != 0)
			c.up_unix_ms = unix_ms() - (now - s->up_ms);
		c.e = *e;
		counters_of(s, &c.cnt);
		c.has_counters = 1;
		c.has_acct = sub_acct_export(s, &c.acct) == 0;
		/* RADIUS's routes: on the new active's TUN again */
		c.nr = sub_framed_routes(s, c.r, SUB_FRAMED_ROUTES_MAX);
	}
	if (sub_codec_pack(&c, &m, &b) == -1)
		return -1;
	if (e != NULL) {
		s->ha_rx_pkts = s->rx_pkts;
		s->ha_tx_pkts = s->tx_pkts;
	}
	if (done != NULL) {
		if ((w = malloc(sizeof(*w))) == NULL)
			return -1;
		w->tid = s->tid;
		w->sid = s->sid;
		w->seq = s->seq;
	}
	rc = ha_emit(&m.base, R_SUB, done, w);
	if (rc != 1)
		free(w);
	return rc;
}

/* the subscriber a completed SYNC record was for, NULL: gone since */
static struct sub *
waited(void *arg)
{
	struct wait *w = arg;
	struct sub *s = sub_up.find(w->tid, w->sid);

	if (s != NULL && (s->seq != w->seq || s->dying))
		s = NULL;
	free(w);
	return s;
}

static void
addr_done(void *arg)
{
	struct sub *s = waited(arg);

	if (s == NULL || !s->ha_wait)
		return;
	s->ha_wait = 0;
	s->ha_sent = 1;
	sso_crash_answer(0);	/* test: the address is on the standby only */
	ppp_ipcp_set_address(s->ppp, s->ha_addr);
}

int
sub_ha_addr(struct sub *s, uint32_t addr)
{
	if (s->ls == NULL || !protected(s))
		return 0;
	s->ha_addr = addr;
	if (emit_sub(s, addr, NULL, addr_done) != 1) {
		s->ha_sent = 1;		/* nothing to wait for */
		return 0;
	}
	s->ha_wait = 1;
	sh.addr_waits++;
	return 1;
}

static void
up_done(void *arg)
{
	struct sub *s = waited(arg);

	if (s != NULL)
		sub_up.up_reported(s);
}

void
sub_ha_up(struct sub *s)
{
	struct ppp_established e;

	if (s->ls == NULL || !protected(s)) {
		sub_up.up_reported(s);
		return;
	}
	sso_crash_answer(1);	/* test: IPCP Acked, not yet up on the standby */
	ppp_export(s->ppp, &e);
	s->ha_sent = 1;
	if (emit_sub(s, s->addr, &e, up_done) == 1)
		sh.up_waits++;
	else
		sub_up.up_reported(s);
}

void
sub_ha_changed(struct sub *s, const struct ppp_established *e)
{
	if (!s->ha_sent || s->dying || s->addr == 0 ||
	    e->lcp_state != PPP_ST_OPENED || e->ipcp_state != PPP_ST_OPENED ||
	    !protected(s))
		return;
	(void)emit_sub(s, s->addr, e, NULL);
}

void
sub_ha_gone(struct sub *s)
{
	L2tpckpt__Ref m = L2TPCKPT__REF__INIT;
	struct pool *p;

	/* an address waiting for the standby was never given to PPP */
	if (s->ha_wait) {
		s->ha_wait = 0;
		if ((p = pool_set_lookup(sub_conf.pools, s->ha_addr)) != NULL)
			(void)pool_release(p, s->ha_addr);
	}
	if (!s->ha_sent)
		return;
	s->ha_sent = 0;
	m.local_tid = s->tid;
	m.local_sid = s->sid;
	m.has_local_tid = m.has_local_sid = 1;
	(void)ha_emit(&m.base, R_SUB_DEL, NULL, NULL);
}

/* lazily: the counters of every subscriber whose counters moved */
static void
counters_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	L2tpckpt__SubCounters c;
	struct sub *s;

	TAILQ_FOREACH(s, &sub_list, entry) {
		if (!s->ha_sent || s->addr == 0 || (s->rx_pkts ==
		    s->ha_rx_pkts && s->tx_pkts == s->ha_tx_pkts))
			continue;
		counters_to_pb(s, &c);
		if (ha_emit(&c.base, R_SUB_COUNTERS, NULL, NULL) == -1)
			break;
		s->ha_rx_pkts = s->rx_pkts;
		s->ha_tx_pkts = s->tx_pkts;
		sh.counter_records++;
	}
}

/* the bulk and a newly protected tunnel: its subscribers */
static int
prod_subs(struct l2tp_tunnel *t)
{
	struct l2tp_session *ls;
	struct ppp_established e;
	struct sub *s;

	for (ls = l2tp_session_next(t, NULL); ls; ls = l2tp_session_next(t,
	    ls)) {
		if ((s = sub_up.find(l2tp_tunnel_local_id(t),
		    l2tp_session_local_id(ls))) == NULL || s->dying)
			continue;
		if (s->ha_wait)
			(void)emit_sub(s, s->ha_addr, NULL, NULL);
		else if (s->addr != 0 && s->mapped) {
			ppp_export(s->ppp, &e);
			s->ha_sent = 1;
			(void)emit_sub(s, s->addr, &e, NULL);
		}
	}
	return 0;
}

/* ---- standby: the copy ---- */

static void
sb_addr_release(struct sb_sub *x)
{
	struct pool *p;

	if (x->addr != 0 && (p = pool_set_lookup(sub_conf.pools, x->addr)) !=
	    NULL)
		(void)pool_release(p, x->addr);
	x->addr = 0;
}

static void
sb_free(struct sb_sub *x)
{
	sb_addr_release(x);
	if (x->established)
		sh.n_est--;
	(void)dp_map_remove(&sh.map, key(x->tid, x->sid));
	TAILQ_REMOVE(&sh.list, x, entry);
	sh.n--;
	free(x);
}

static struct sb_sub *
sb_get(uint32_t tid, uint32_t sid, int create)
{
	struct sb_sub *x;

	if (tid == 0 || tid > 0xffff || sid == 0 || sid > 0xffff)
		return NULL;
	if ((x = dp_map_lookup(&sh.map, key((uint16_t)tid, (uint16_t)sid))) !=
	    NULL || !create)
		return x;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	x->tid = (uint16_t)tid;
	x->sid = (uint16_t)sid;
	x->seq = ++sh.seq;
	if (dp_map_insert(&sh.map, key(x->tid, x->sid), x) == -1) {
		free(x);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&sh.list, x, entry);
	sh.n++;
	return x;
}

size_t
sub_ha_copies(void)
{
	return sh.n;
}

int
sub_ha_copy_next(uint64_t after, struct sub_copy *c)
{
	struct sb_sub *x;

	TAILQ_FOREACH(x, &sh.list, entry) {
		if (x->seq <= after)
			continue;
		c->seq = x->seq;
		c->tid = x->tid;
		c->sid = x->sid;
		c->addr = x->addr;
		c->e = x->established ? &x->e : NULL;
		c->start_unix_ms = x->start_unix_ms;
		c->rx_pkts = x->rx_pkts;
		c->rx_bytes = x->rx_bytes;
		c->tx_pkts = x->tx_pkts;
		c->tx_bytes = x->tx_bytes;
		c->acct_sid = x->acct.sid;
		return 1;
	}
	return 0;
}

/* the standby keeps the largest: a record reordered behind a newer one
 * never takes the counting back */
static void
sb_counters(struct sb_sub *x, const struct sub_counters *c)
{
#define MAX_OF(f)	if (c->f > x->f) x->f = c->f
	MAX_OF(rx_pkts);
	MAX_OF(rx_bytes);
	MAX_OF(tx_pkts);
	MAX_OF(tx_bytes);
#undef MAX_OF
}

/* the accounting identity: what the records seen since say is kept (a
 * Start or Stop made, the last sequence), never lowered by an older
 * record of the subscriber */
static void
sb_acct(struct sb_sub *x, const struct sub_acct_id *n)
{
	struct sub_acct_id *id = &x->acct;
	int same = strcmp(id->sid, n->sid) == 0;
	int started = n->started || (same && id->started);
	int stopped = n->stopped || (same && id->stopped);
	uint32_t seq = !same || n->seq > id->seq ? n->seq : id->seq;

	*id = *n;
	id->started = started;
	id->stopped = stopped;
	id->seq = seq;
}

static int
apply_sub(uint32_t type, const ProtobufCMessage *pm)
{
	const L2tpckpt__Subscriber *m = (const L2tpckpt__Subscriber *)pm;
	struct sub_ckpt c;
	struct sb_sub *x;
	struct pool *p;

	if (sub_codec_unpack(m, &c) == -1 ||
	    (x = sb_get(c.tid, c.sid, 1)) == NULL)
		goto bad;
	if (c.addr != x->addr) {
		sb_addr_release(x);
		/* the same address in our own pool: a refusal here is an
		 * address the pair would hand out twice; outside every pool
		 * it is RADIUS's Framed-IP-Address (nothing to take) */
		if (c.addr != 0 && (p = pool_set_lookup(sub_conf.pools,
		    c.addr)) != NULL && pool_take(p, c.addr) != POOL_OK) {
			sso_log_rl(&svc_rl, SSO_ERR, SUB_FAC, "HA_POOL",
			    "standby: session %u/%u: address not free in a "
			    "pool here", x->tid, x->sid);
			sb_free(x);
			goto bad;
		}
		x->addr = c.addr;
	}
	memcpy(x->pool, c.pool, sizeof(x->pool));
	if (c.has_start)
		x->start_unix_ms = c.start_unix_ms;
	if (!c.established)
		return 0;
	memcpy(x->r, c.r, sizeof(x->r));
	x->nr = c.nr;
	x->e = c.e;
	x->up_unix_ms = c.up_unix_ms;
	if (c.has_counters)
		sb_counters(x, &c.cnt);
	if (c.has_acct)
		sb_acct(x, &c.acct);
	if (!x->established)
		sh.n_est++;
	x->established = 1;
	return 0;
bad:
	sh.apply_errors++;
	return -1;
}

static int
apply_counters(uint32_t type, const ProtobufCMessage *pm)
{
	const L2tpckpt__SubCounters *m = (const L2tpckpt__SubCounters *)pm;
	struct sb_sub *x = sb_get(m->local_tid, m->local_sid, 0);
	struct sub_counters n;

	if (x == NULL)
		return -1;
	sub_codec_counters_unpack(m, &n);
	sb_counters(x, &n);
	return 0;
}

static int
apply_del(uint32_t type, const ProtobufCMessage *pm)
{
	const L2tpckpt__Ref *m = (const L2tpckpt__Ref *)pm;
	struct sb_sub *x = sb_get(m->local_tid, m->local_sid, 0);

	if (x != NULL)
		sb_free(x);
	return 0;	/* a subscriber that never reached us: nothing to do */
}

static void
sb_reset(void)
{
	while (!TAILQ_EMPTY(&sh.list))
		sb_free(TAILQ_FIRST(&sh.list));
	sub_acctq_reset();
	sub_dae_copies_reset();
}

/* ---- takeover ---- */

/* once the resync is over: every LNS call of a template group without
 * PPP state here is ended cleanly */
static void
orphans_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct ha_resync_stats rs;
	struct l2tp_tunnel *t;
	struct l2tp_session *ls, *next;

	ha_resync_stats(&rs);
	if (rs.running)
		return;
	ev_timer_stop(l, w);
	for (t = l2tp_tunnel_next(svc.ctx, NULL); t;
	    t = l2tp_tunnel_next(svc.ctx, t))
		for (ls = l2tp_session_next(t, NULL); ls; ls = next) {
			next = l2tp_session_next(t, ls);
			if (sub_up.find(l2tp_tunnel_local_id(t),
			    l2tp_session_local_id(ls)) == NULL)
				sub_up.orphan(ls);
		}
}

static void
sb_takeover(void)
{
	uint64_t now = sso_now_ms(), unow = unix_ms();
	struct l2tp_session *ls;
	struct sb_sub *x;
	struct sub *s;
	unsigned n = 0, ended = 0;

	/* the device, the Loopback addresses and the pool routes first */
	(void)sub_dp_open();
	/* every accounting record the old active did not see answered goes
	 * again (Acct-Delay-Time: since its event), before the restored
	 * sessions' own, so that an identity met twice is not queued twice */
	sh.acct_resent += sub_acctq_takeover();
	while ((x = TAILQ_FIRST(&sh.list)) != NULL) {
		ls = l2tp_session_find(svc.ctx, x->tid, x->sid);
		s = NULL;
		if (ls != NULL && x->established) {
			/* the address moves from the copy to the subscriber */
			uint32_t a = x->addr;

			x->addr = 0;
			if ((s = sub_up.restore(ls, &x->e)) == NULL) {
				x->addr = a;
				sh.restore_fail++;
			}
		}
		if (s != NULL) {
			/* an address outside the pools, RADIUS's routes */
			(void)sub_framed_restore(s, x->r, x->nr);
			s->rx_pkts = s->ha_rx_pkts = x->rx_pkts;
			s->rx_bytes = x->rx_bytes;
			s->tx_pkts = s->ha_tx_pkts = x->tx_pkts;
			s->tx_bytes = x->tx_bytes;
			if (x->start_unix_ms != 0 && x->start_unix_ms <= unow &&
			    unow - x->start_unix_ms < now)
				s->start_ms = s->up_ms = now - (unow -
				    x->start_unix_ms);
			/* PPP up, when the old active sent it: the session
			 * time (Acct-Session-Time, Session-Timeout, the
			 * interim schedule) counts from there, as it did */
			if (x->up_unix_ms >= x->start_unix_ms &&
			    x->up_unix_ms != 0 && x->up_unix_ms <= unow &&
			    unow - x->up_unix_ms < now)
				s->up_ms = now - (unow - x->up_unix_ms);
			s->ha_sent = 1;
			sub_acct_restore(s, &x->acct);
			sh.restored++;
			n++;
		} else if (ls == NULL)
			sh.ended_no_session++;
		else {
			sh.ended_negotiating++;
			ended++;
		}
		sb_free(x);
	}
	sso_log(SSO_NOTICE, SUB_FAC, "TAKEOVER", "%u subscribers restored "
	    "from checkpoints, %u still negotiating to end", n, ended);
	ev_timer_start(svc.loop, &sh.t_orphans);
}

/* an accounting record reached the standby (sub_ha_acct.c): what has
 * been made for its subscriber */
static void
acct_seen(uint16_t tid, uint16_t sid, const struct rad_acct_rec *rec)
{
	struct sb_sub *x = sb_get(tid, sid, 0);

	if (x == NULL || strcmp(x->acct.sid, rec->session_id) != 0)
		return;
	if (rec->status == RAD_ACCT_START)
		x->acct.started = 1;
	else if (rec->status == RAD_ACCT_STOP)
		x->acct.stopped = 1;
	else if (rec->status == RAD_ACCT_INTERIM && rec->seq > x->acct.seq)
		x->acct.seq = rec->seq;
}

/*
 * show l2tp redundancy: PPP sessions with a copy on the standby and the
 * established ones. The standby counts its copies; the active the
 * subscribers whose records the standby has (ha_sent), established once
 * their up record was applied (reported_up): equal on both units when
 * the checkpoint stream is idle.
 */
static void
sb_counts(uint64_t *en, uint64_t *est)
{
	struct sub *s;

	if (SSO_RF_IS_STANDBY(sso_rf_state())) {
		*en += sh.n;
		*est += sh.n_est;
		return;
	}
	TAILQ_FOREACH(s, &sub_list, entry) {
		if (!s->ha_sent || s->dying || !sso_cf_streaming(ha_client))
			continue;
		(*en)++;
		*est += s->reported_up && s->addr != 0;
	}
}

/* ---- show subscriber redundancy ---- */

static int
cmd_redundancy(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	static const struct sso_detail_style st = { "  ", 26 };
	static const char *const names[] = { "standby_copies",
	    "standby_established", "subscribers", "address_sync_waits",
	    "up_sync_waits", "counter_records", "counter_interval_s",
	    "restored", "restore_failed", "ended_negotiating",
	    "ended_no_l2tp_session", "orphans_ended", "apply_errors",
	    "acct_pending", "acct_checkpoint", "acct_in_flight", "acct_held",
	    "acct_standby_copies", "acct_queue_peak", "acct_queue_bound",
	    "acct_made", "acct_answered", "acct_resent",
	    "acct_resent_at_takeover", "acct_duplicates", "acct_refused",
	    "acct_refused_interims", "acct_probes", "acct_copies_applied",
	    "acct_done_applied", "dae_answer_waits", "dae_answer_copies",
	    "acct_redundancy", "dae_requests", "dae_acks", "dae_naks",
	    "dae_duplicates" };
	struct sso_field f[40];
	uint64_t v[40];
	struct acctq_stats qs;
	struct rad_dae_stats ds;
	struct sub_ha_acct_stats hs;
	struct sso_render rd;
	struct sso_table t;
	size_t n = 0;

	v[n++] = sh.n;
	v[n++] = sh.n_est;
	v[n++] = sub_count;
	v[n++] = sh.addr_waits;
	v[n++] = sh.up_waits;
	v[n++] = sh.counter_records;
	v[n++] = SUB_HA_COUNTER_S;
	v[n++] = sh.restored;
	v[n++] = sh.restore_fail;
	v[n++] = sh.ended_negotiating;
	v[n++] = sh.ended_no_session;
	v[n++] = sub_stats.orphans;
	sub_ha_acct_stats(&hs);
	v[n++] = sh.apply_errors + hs.apply_errors;
	sub_acctq_stats(&qs);
	v[n++] = qs.n[AQ_CKPT] + qs.n[AQ_FLIGHT] + qs.n[AQ_HELD];
	v[n++] = qs.n[AQ_CKPT];
	v[n++] = qs.n[AQ_FLIGHT];
	v[n++] = qs.n[AQ_HELD];
	v[n++] = qs.n[AQ_COPY];
	v[n++] = qs.peak;
	v[n++] = qs.max;
	v[n++] = qs.made;
	v[n++] = qs.answered;
	v[n++] = qs.resent;
	v[n++] = qs.taken_over;
	v[n++] = qs.duplicates;
	v[n++] = qs.refused;
	v[n++] = qs.refused_interims;
	v[n++] = qs.probes;
	v[n++] = hs.acct_copies;
	v[n++] = hs.acct_done;
	v[n++] = hs.dae_waits;
	v[n++] = hs.dae_copies;
	/* 0 best-effort-reuse, 1 ... send-interim, 2 new-session */
	v[n++] = sub_aaa_conf.acct_red == SUB_ACCT_RED_NEW_SESSION ? 2 :
	    sub_aaa_conf.acct_red_interim ? 1 : 0;
	sub_dae_stats(&ds);	/* this unit's server (active only) */
	v[n++] = ds.requests;
	v[n++] = ds.acks;
	v[n++] = ds.naks;
	v[n++] = ds.duplicates;
	_Static_assert(sizeof(names) / sizeof(names[0]) == 37,
	    "one name per value");
	sso_render_reply(&rd, r);
	if (rd.j)
		sso_json_obj(rd.j);
	t = sso_counter_table(f, names, n);
	sso_render_detail(&rd, &t, v, NULL, "Subscriber redundancy:", &st);
	if (rd.j)
		sso_json_obj_end(rd.j);
	return SSO_RC_OK;
}

/* ---- wiring ---- */

static const struct ha_rec sub_recs[] = {
	{ R_SUB, "subscriber", &l2tpckpt__subscriber__descriptor, apply_sub },
	{ R_SUB_COUNTERS, "subscriber counters",
	    &l2tpckpt__sub_counters__descriptor, apply_counters },
	{ R_SUB_DEL, "subscriber delete", &l2tpckpt__ref__descriptor,
	    apply_del },
};
static const struct ha_producer sub_producer = { "subscribers", prod_subs,
    NULL };
/*
 * At a manual switchover the accounting records in flight are answered
 * here before the successor takes over (at most SSO_HANDOVER_BUSY_MS):
 * left to it, it sends them again, and the server logs them twice.
 */
static const struct ha_part sub_part = { "subscribers", sb_reset,
    sb_takeover, sb_counts, sub_acctq_busy };

void
sub_ha_register(void)
{
	static int once;
	size_t i;

	if (!once) {
		TAILQ_INIT(&sh.list);
		if (dp_map_init(&sh.map, 1024) == -1)
			sso_fatal("out of memory");
		for (i = 0; i < sizeof(sub_recs) / sizeof(sub_recs[0]); i++)
			if (ha_rec_register(&sub_recs[i]) == -1)
				sso_fatal("subscriber: checkpoint record type "
				    "%u registered twice", sub_recs[i].type);
		(void)ha_producer_register(&sub_producer);
		sub_ha_acct_register(acct_seen);
		(void)ha_part_register(&sub_part);
		sso_cmd_register("show subscriber redundancy",
		    cmd_redundancy, NULL);
		once = 1;
	}
	ev_timer_stop(svc.loop, &sh.t_counters);
	ev_timer_init(&sh.t_counters, counters_cb, SUB_HA_COUNTER_S,
	    SUB_HA_COUNTER_S);
	ev_timer_start(svc.loop, &sh.t_counters);
	ev_timer_init(&sh.t_orphans, orphans_cb, SUB_HA_ORPHAN_S,
	    SUB_HA_ORPHAN_S);
}
