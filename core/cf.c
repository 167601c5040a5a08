/*
 * cf.c - checkpoint facility: client registry, ordered reliable record
 * stream from the active to the standby, bulk sync, version negotiation.
 *
 * Delivery does not trust ZeroMQ (it drops on peer death and reconnect):
 * every record has a per-history sequence number and stays in the
 * sender's backlog until the standby's cumulative "applied" ack covers it.
 * The standby applies strictly in order; a gap makes it re-handshake, and
 * the sender resends from what the standby says it applied (partial
 * resync) if the backlog still covers it, else the standby re-bulks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>

#include "sso_local.h"
#include "metrics.h"

#define CF_PROTO_VERSION	1
#define CF_FRAME_RECORDS	1024		/* records per frame at most */
#define CF_FRAME_BYTES		(256u << 10)	/* bytes per frame, soft */
#define CF_HOLD_MS		3		/* a send waits for an ack at most */
#define CF_MAX_RECORD		(1u << 20)	/* one record's payload */

struct rec {
	struct rec	*next;
	struct rec	*sync_next;	/* pending SYNC list */
	uint64_t	 seq;
	uint64_t	 deadline_ms;
	sso_cf_done_fn	 done;
	void		*cbarg;
	uint32_t	 client, type, version, kind;
	size_t		 len;
	uint8_t		 data[];
};

/* sso_cf_wait: released by the ack that covers seq */
struct cf_wait {
	struct cf_wait	*next;
	uint64_t	 seq;
	uint64_t	 deadline_ms;
	struct sso_client *c;
	sso_cf_done_fn	 done;
	void		*cbarg;
};

struct sso_client {
	const struct sso_client_ops *ops;
	void		*arg;
	uint32_t	 version;	/* negotiated, 0 = none */
	uint32_t	 peer_min, peer_max;	/* the peer's range, 0: unknown */
	int		 streaming;	/* active: standby gets our records */
	int		 blocked;	/* got EAGAIN, owes a flow_on() */
	uint64_t	 tx_msgs, tx_bytes, rx_msgs, rx_bytes, errors;
	uint64_t	 pending;	/* SYNC sends not completed */
	uint64_t	 bulks, bulk_records;
	struct sso_client *next;
};

/* this unit's CF state: sso.cf (struct sso_cf, sso_local.h) */
#define cf	(sso.ckpt)

static struct sso_debug dbg_cf = { .name = "redundancy cf" };

static void flush(void);
static void bulk_kick(void);

/* registry */

struct sso_client *
sso_cf_register(const struct sso_client_ops *ops, void *arg)
{
	struct sso_client *c, **pp;

	for (c = cf.clients; c; c = c->next)
		if (c->ops->id == ops->id)
			sso_fatal("checkpoint client id %u registered twice "
			    "(%s, %s)", ops->id, c->ops->name, ops->name);
	if (ops->ver_min == 0 || ops->ver_min > ops->ver_max)
		sso_fatal("checkpoint client %s: bad version range", ops->name);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		sso_fatal("out of memory");
	c->ops = ops;
	c->arg = arg;
	for (pp = &cf.clients; *pp && (*pp)->ops->priority <= ops->priority;
	    pp = &(*pp)->next)
		;
	c->next = *pp;
	*pp = c;
	cf.nclients++;
	return c;
}

static struct sso_client *
client_by_id(uint32_t id)
{
	struct sso_client *c;

	for (c = cf.clients; c; c = c->next)
		if (c->ops->id == id)
			return c;
	return NULL;
}

uint32_t sso_cf_version(const struct sso_client *c) { return c->version; }
int sso_cf_streaming(const struct sso_client *c) { return c->streaming; }
uint64_t sso_cf_last_seq(void) { return cf.last_seq; }
uint64_t sso_cf_history(void) { return cf.history; }

int
sso_cf_drained(void)
{
	return cf.acked == cf.last_seq;
}

/* a client would rather finish something before the handover */
int
sso_cf_clients_busy(void)
{
	struct sso_client *c;

	for (c = cf.clients; c; c = c->next)
		if (c->ops->handover_busy && c->ops->handover_busy(c->arg))
			return 1;
	return 0;
}

void
sso_cf_clients_event(enum sso_rf_event ev, enum sso_rf_state n,
    enum sso_rf_state o)
{
	struct sso_client *c;

	for (c = cf.clients; c; c = c->next)
		if (c->ops->rf_event)
			c->ops->rf_event(c->arg, ev, n, o);
}

void
sso_cf_reset_clients(void)
{
	struct sso_client *c;

	for (c = cf.clients; c; c = c->next)
		if (c->ops->reset)
			c->ops->reset(c->arg);
}

/* sender: backlog */

static void
sync_complete(struct rec *r, enum sso_cf_status st)
{
	struct sso_client *c = client_by_id(r->client);
	sso_cf_done_fn done = r->done;

	r->done = NULL;
	if (c)
		c->pending--;
	if (st == SSO_CF_TIMEOUT)
		cf.sync_timeouts++;
	done(r->cbarg, st);
}

static void
sync_unlink(struct rec *r, struct rec *prev)
{
	if (prev)
		prev->sync_next = r->sync_next;
	else
		cf.sync_head = r->sync_next;
	if (cf.sync_tail == r)
		cf.sync_tail = prev;
	r->sync_next = NULL;
}

static void
wait_complete(struct cf_wait *w, enum sso_cf_status st)
{
	w->c->pending--;
	if (st == SSO_CF_TIMEOUT)
		cf.sync_timeouts++;
	w->done(w->cbarg, st);
	free(w);
}

static struct cf_wait *
wait_pop(void)
{
	struct cf_wait *w = cf.wait_head;

	if ((cf.wait_head = w->next) == NULL)
		cf.wait_tail = NULL;
	return w;
}

/* complete every pending SYNC with st (standby lost or state discarded) */
static void
sync_fail_all(enum sso_cf_status st)
{
	struct rec *r;

	while ((r = cf.sync_head) != NULL) {
		sync_unlink(r, NULL);
		if (r->done)
			sync_complete(r, st);
	}
	while (cf.wait_head != NULL)
		wait_complete(wait_pop(), st);
}

static void
free_head(void)
{
	struct rec *r = cf.head;

	cf.head = r->next;
	if (cf.head == NULL)
		cf.tail = NULL;
	if (cf.next_send == r)
		cf.next_send = cf.head;
	cf.nrec--;
	cf.nbytes -= r->len;
	free(r);
}

static void
drop_backlog(void)
{
	sync_fail_all(SSO_CF_PEER_DOWN);
	while (cf.head)
		free_head();
	cf.next_send = NULL;
	cf.acked = cf.last_seq;
}

static void
flow_release(int force)
{
	struct sso_client *c;

	if (!force && cf.nrec > sso.conf.backlog / 2)
		return;
	for (c = cf.clients; c; c = c->next)
		if (c->blocked) {
			c->blocked = 0;
			if (c->ops->flow_on)
				c->ops->flow_on(c->arg);
		}
}

static void
stop_streaming(void)
{
	struct sso_client *c;

	for (c = cf.clients; c; c = c->next)
		c->streaming = 0;
	cf.bulk_running = 0;
	ev_idle_stop(sso.loop, &cf.bulk_idle);
}

static struct rec *
rec_new(uint32_t client, uint32_t kind, uint32_t type, uint32_t version,
    const void *data, size_t len)
{
	struct rec *r;

	if ((r = malloc(sizeof(*r) + len)) == NULL)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->seq = ++cf.last_seq;
	r->client = client;
	r->kind = kind;
	r->type = type;
	r->version = version;
	r->len = len;
	if (len)
		memcpy(r->data, data, len);
	if (cf.tail)
		cf.tail->next = r;
	else
		cf.head = r;
	cf.tail = r;
	if (cf.next_send == NULL)
		cf.next_send = r;
	cf.nrec++;
	cf.nbytes += len;
	ev_prepare_start(sso.loop, &cf.flush_prep);
	return r;
}

static int
link_stalled(void)
{
	uint64_t rto = sso.conf.ka_interval * (sso.conf.ka_threshold + 2);

	if (rto < 1000)
		rto = 1000;
	return !cf.session_up || !sso.rf.peer_up ||
	    (cf.acked != cf.last_seq && sso_now_ms() - cf.last_progress_ms >
	    rto);
}

int
sso_cf_send(struct sso_client *c, uint32_t type, const void *data,
    size_t len, int flags, sso_cf_done_fn done, void *cbarg,
    uint32_t deadline_ms)
{
	struct rec *r;

	if (!SSO_RF_IS_ACTIVE(sso.rf.state)) {
		errno = EPERM;
		return -1;
	}
	if (len > CF_MAX_RECORD) {
		c->errors++;
		errno = EMSGSIZE;
		return -1;
	}
	if (!c->streaming) {
		if ((flags & SSO_SEND_SYNC) && done)
			done(cbarg, SSO_CF_NO_STANDBY);
		return 0;
	}
	if (cf.nrec >= sso.conf.backlog) {
		if (!link_stalled()) {
			/* the standby is alive but slow: push back */
			c->blocked = 1;
			cf.eagain++;
			errno = EAGAIN;
			return -1;
		}
		/* the link is down: the backlog cannot cover the gap any
		 * more; the standby will re-bulk when it comes back */
		cf.overflows++;
		cf.overflowed = 1;
		sso_log_rl(&cf.rl, SSO_WARNING, "CF", "OVERFLOW", "backlog of "
		    "%u records overflowed while the standby is unreachable; "
		    "it will need a full resync", sso.conf.backlog);
		drop_backlog();
		stop_streaming();
		if ((flags & SSO_SEND_SYNC) && done)
			done(cbarg, SSO_CF_NO_STANDBY);
		return 0;
	}
	if ((r = rec_new(c->ops->id, SSO__RECORD_KIND__REC_DATA, type,
	    c->version, data, len)) == NULL) {
		c->errors++;
		errno = ENOMEM;
		return -1;
	}
	c->tx_msgs++;
	c->tx_bytes += len;
	if ((flags & SSO_SEND_SYNC) && done) {
		if (!sso.rf.peer_up) {
			done(cbarg, SSO_CF_NO_STANDBY);
			return 0;
		}
		r->done = done;
		r->cbarg = cbarg;
		r->deadline_ms = sso_now_ms() + (deadline_ms ? deadline_ms :
		    sso.conf.sync_deadline);
		if (cf.sync_tail)
			cf.sync_tail->sync_next = r;
		else
			cf.sync_head = r;
		cf.sync_tail = r;
		c->pending++;
	}
	return 0;
}

int
sso_cf_wait(struct sso_client *c, sso_cf_done_fn done, void *cbarg,
    uint32_t deadline_ms)
{
	struct cf_wait *w;

	if (!SSO_RF_IS_ACTIVE(sso.rf.state)) {
		errno = EPERM;
		return -1;
	}
	if (!c->streaming || !sso.rf.peer_up) {
		done(cbarg, SSO_CF_NO_STANDBY);
		return 0;
	}
	if (cf.acked == cf.last_seq) {
		/* everything queued so far is applied already */
		cf.waits_now++;
		done(cbarg, SSO_CF_APPLIED);
		return 0;
	}
	if ((w = malloc(sizeof(*w))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	w->next = NULL;
	w->seq = cf.last_seq;
	w->deadline_ms = sso_now_ms() + (deadline_ms ? deadline_ms :
	    sso.conf.sync_deadline);
	w->c = c;
	w->done = done;
	w->cbarg = cbarg;
	if (cf.wait_tail)
		cf.wait_tail->next = w;
	else
		cf.wait_head = w;
	cf.wait_tail = w;
	c->pending++;
	cf.waits++;
	return 0;
}

static void
marker(uint32_t kind, uint32_t client, uint32_t type)
{
	if (rec_new(client, kind, type, 0, NULL, 0) == NULL)
		sso_fatal("out of memory");
}

/*
 * sender: put records on the wire.
 * Group commit, clocked by the standby's acks: while a frame is in flight
 * (sent, not acked), the records made since wait for its ack and then
 * leave together, unless a full frame is ready. At a low rate nothing is
 * in flight and a record leaves at the end of the iteration that made it;
 * at a high rate a frame carries what one round trip brought, so frames,
 * acks and the wakeups of both units' I/O threads stay at one per round
 * trip instead of one per loop iteration. Nothing changes in the order or
 * in what an ack means; a resend (hello, the no-progress timer) starts
 * from the oldest unacked record and is never held. A send waits at most
 * CF_HOLD_MS after the frame in flight left (hold_timer): an ack that
 * does not come (a frame lost) delays the records behind it no more than
 * that, and the standby then sees the gap at once.
 */
static int
flush_held(void)
{
	uint64_t age;

	if (cf.next_send == NULL || cf.head == cf.next_send ||
	    cf.last_seq - cf.next_send->seq + 1 >= CF_FRAME_RECORDS)
		return 0;
	if ((age = sso_now_ms() - cf.last_tx_ms) >= CF_HOLD_MS)
		return 0;
	if (!ev_is_active(&cf.hold_timer)) {
		ev_timer_set(&cf.hold_timer, (double)(CF_HOLD_MS - age) /
		    1000.0, 0.);
		ev_timer_start(sso.loop, &cf.hold_timer);
	}
	return 1;
}

static void
flush(void)
{
	static Sso__Record recs[CF_FRAME_RECORDS];
	static Sso__Record *ptrs[CF_FRAME_RECORDS];

	while (cf.session_up && cf.next_send) {
		Sso__Frame f = SSO__FRAME__INIT;
		struct rec *r = cf.next_send;
		size_t n = 0, bytes = 0;

		if (flush_held()) {
			cf.flush_held++;
			break;		/* rx_ack flushes */
		}

		for (; r && n < CF_FRAME_RECORDS && bytes < CF_FRAME_BYTES;
		    r = r->next, n++) {
			Sso__Record *x = &recs[n];

			sso__record__init(x);
			x->seq = r->seq;
			x->has_seq = 1;
			x->client = r->client;
			x->has_client = 1;
			if (r->type) {
				x->type = r->type;
				x->has_type = 1;
			}
			if (r->version) {
				x->version = r->version;
				x->has_version = 1;
			}
			if (r->kind) {
				x->kind = r->kind;
				x->has_kind = 1;
			}
			if (r->len) {
				x->data.data = r->data;
				x->data.len = r->len;
				x->has_data = 1;
			}
			ptrs[n] = x;
			bytes += r->len + 16;
		}
		f.type = SSO__FRAME_TYPE__FT_RECORDS;
		f.has_type = 1;
		f.history_id = cf.history;
		f.has_history_id = 1;
		f.n_records = n;
		f.records = ptrs;
		sso_crash_point(SSO_CRASH_BEFORE_CKPT_SEND);
		if (sso_tx(SSO_LINK_CF, &f) == -1) {
			/* HWM or no route: keep them, retry when writable */
			sso.tx->want_write(sso.tx_arg, SSO_LINK_CF,
			    errno == EAGAIN);
			return;
		}
		cf.records_tx += n;
		cf.next_send = r;
		cf.last_tx_ms = sso_now_ms();
		sso_crash_point(SSO_CRASH_AFTER_CKPT_SEND);
	}
	sso.tx->want_write(sso.tx_arg, SSO_LINK_CF, 0);
}

static void
flush_prep_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	SSO_UNIT_ENTER(w, ckpt.flush_prep);
	ev_prepare_stop(loop, w);
	flush();
}

static void
hold_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	SSO_UNIT_ENTER(w, ckpt.hold_timer);
	flush();
}

void
sso_cf_writable(void)
{
	flush();
}

/* sender: bulk sync, one client at a time, phase by phase */

static const enum sso_rf_state phase_state[] = {
	[SSO_PHASE_CONFIG] = SSO_RF_STANDBY_COLD_CONFIG,
	[SSO_PHASE_FILESYS] = SSO_RF_STANDBY_COLD_FILESYS,
	[SSO_PHASE_BULK] = SSO_RF_STANDBY_COLD_BULK,
};

static struct sso_client *
next_bulk_client(struct sso_client *after, int phase)
{
	struct sso_client *c = after ? after->next : cf.clients;

	/* version 0: an optional client the peer cannot take (ISSU) */
	for (; c; c = c->next)
		if ((int)c->ops->phase == phase && c->version != 0)
			return c;
	return NULL;
}

static void
bulk_step(void)
{
	unsigned budget = sso.conf.bulk_page;
	struct sso_client *c;
	int rc;

	while (cf.bulk_running) {
		/* pace: never more than a window of unacked records */
		if (cf.last_seq - cf.acked >= sso.conf.bulk_window) {
			ev_idle_stop(sso.loop, &cf.bulk_idle);
			return;
		}
		if ((c = cf.bulk_client) == NULL) {
			/* start of a phase */
			if (cf.bulk_phase > SSO_PHASE_BULK) {
				marker(SSO__RECORD_KIND__REC_BULK_DONE, 0, 0);
				cf.bulk_running = 0;
				sso_log(SSO_NOTICE, "CF", "BULK_DONE", "bulk "
				    "sync to the standby complete (%llu "
				    "records)", (unsigned long long)cf.last_seq);
				break;
			}
			marker(SSO__RECORD_KIND__REC_PHASE, 0,
			    phase_state[cf.bulk_phase]);
			cf.bulk_client = next_bulk_client(NULL,
			    cf.bulk_phase);
			if (cf.bulk_client == NULL) {
				cf.bulk_phase++;
				continue;
			}
			cf.bulk_first = 1;
			c = cf.bulk_client;
		}
		if (cf.bulk_first) {
			marker(SSO__RECORD_KIND__REC_BULK_BEGIN, c->ops->id, 0);
			c->streaming = 1;
			c->bulks++;
		}
		rc = c->ops->bulk ? c->ops->bulk(c->arg, cf.bulk_first,
		    budget) : 1;
		cf.bulk_first = 0;
		if (rc == 0)
			return;		/* more next time round */
		if (rc == -1) {
			c->errors++;
			sso_log(SSO_ERR, "CF", "BULK_FAIL", "client %s failed "
			    "its bulk sync", c->ops->name);
		}
		marker(SSO__RECORD_KIND__REC_BULK_END, c->ops->id, 0);
		cf.bulk_client = next_bulk_client(c, cf.bulk_phase);
		cf.bulk_first = 1;
		if (cf.bulk_client == NULL) {
			cf.bulk_phase++;
			cf.bulk_client = NULL;
		}
	}
	ev_idle_stop(sso.loop, &cf.bulk_idle);
}

static void
bulk_idle_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	SSO_UNIT_ENTER(w, ckpt.bulk_idle);
	bulk_step();
}

static void
bulk_kick(void)
{
	if (cf.bulk_running)
		ev_idle_start(sso.loop, &cf.bulk_idle);
}

static void
bulk_start(void)
{
	stop_streaming();
	cf.bulk_running = 1;
	cf.bulk_phase = SSO_PHASE_CONFIG;
	cf.bulk_client = NULL;
	bulk_kick();
}

/* version negotiation: both sides compute the same verdict */

static int
negotiate(const Sso__Hello *h, char *why, size_t whylen)
{
	struct sso_client *c;
	size_t i;
	int ok = 1;

	why[0] = '\0';
	for (c = cf.clients; c; c = c->next) {
		const Sso__ClientInfo *p = NULL;
		uint32_t lo, hi;

		for (i = 0; i < h->n_clients; i++)
			if (h->clients[i]->id == c->ops->id)
				p = h->clients[i];
		c->version = 0;
		c->peer_min = c->peer_max = 0;
		if (p == NULL) {
			snprintf(why, whylen, "client %s (id %u) is not "
			    "registered on the peer", c->ops->name, c->ops->id);
			ok = 0;
			continue;
		}
		lo = p->ver_min > c->ops->ver_min ? p->ver_min :
		    c->ops->ver_min;
		hi = p->ver_max < c->ops->ver_max ? p->ver_max :
		    c->ops->ver_max;
		c->peer_min = p->ver_min;
		c->peer_max = p->ver_max;
		/* ISSU: an optional client with no common version stops
		 * syncing (version 0: no bulk, no records); the pair goes
		 * on without it (Base-level, issu.c) */
		if (lo > hi && c->ops->optional) {
			sso_log(SSO_WARNING, "CF", "VERSION", "optional client "
			    "%s (id %u): no common message version (here "
			    "%u-%u, peer %u-%u): not synced", c->ops->name,
			    c->ops->id, c->ops->ver_min, c->ops->ver_max,
			    p->ver_min, p->ver_max);
			continue;
		}
		if (lo > hi) {
			snprintf(why, whylen, "client %s (id %u): no common "
			    "message version (here %u-%u, peer %u-%u)",
			    c->ops->name, c->ops->id, c->ops->ver_min,
			    c->ops->ver_max, p->ver_min, p->ver_max);
			ok = 0;
			continue;
		}
		c->version = hi;
	}
	for (i = 0; i < h->n_clients; i++)
		if (client_by_id(h->clients[i]->id) == NULL) {
			snprintf(why, whylen, "peer client %s (id %u) is not "
			    "registered here", h->clients[i]->name ?
			    h->clients[i]->name : "?", h->clients[i]->id);
			ok = 0;
		}
	return ok;
}

static void
send_hello(int resync_full, uint64_t peer_boot)
{
	Sso__Frame f = SSO__FRAME__INIT;
	Sso__Hello h = SSO__HELLO__INIT;
	Sso__ClientInfo ci[64], *cp[64];
	struct sso_client *c;
	size_t n = 0;

	for (c = cf.clients; c && n < 64; c = c->next, n++) {
		sso__client_info__init(&ci[n]);
		ci[n].id = c->ops->id;
		ci[n].has_id = 1;
		ci[n].name = (char *)c->ops->name;
		ci[n].ver_min = c->ops->ver_min;
		ci[n].has_ver_min = 1;
		ci[n].ver_max = c->ops->ver_max;
		ci[n].has_ver_max = 1;
		cp[n] = &ci[n];
	}
	h.clients = cp;
	h.n_clients = n;
	h.boot_id = sso.rf.boot_id;
	h.has_boot_id = 1;
	h.unit = sso.conf.unit;
	h.has_unit = 1;
	h.rf_state = sso.rf.state;
	h.has_rf_state = 1;
	h.proto_version = CF_PROTO_VERSION;
	h.has_proto_version = 1;
	if (SSO_RF_IS_ACTIVE(sso.rf.state)) {
		h.history_id = cf.history;
		h.applied_seq = resync_full ? cf.last_seq : cf.acked;
		h.resync_full = resync_full;
		h.has_resync_full = 1;
		h.peer_boot_id = peer_boot;
		h.has_peer_boot_id = 1;
	} else {
		h.history_id = cf.rx_history;
		h.applied_seq = cf.applied;
	}
	h.has_history_id = h.has_applied_seq = 1;
	f.type = SSO__FRAME_TYPE__FT_HELLO;
	f.has_type = 1;
	f.hello = &h;
	if (sso_tx(SSO_LINK_CF, &f) == 0)
		cf.hellos_tx++;
}

/*
 * active: the standby applied everything up to seq. Every SYNC record
 * and every wait it covers completes, in seq order (a wait after the
 * records before it), and the records leave the backlog.
 */
static void
ack_to(uint64_t seq)
{
	struct rec *r;

	cf.acked = seq;
	while ((r = cf.head) != NULL && r->seq <= seq) {
		while (cf.wait_head != NULL && cf.wait_head->seq < r->seq)
			wait_complete(wait_pop(), SSO_CF_APPLIED);
		if (cf.sync_head == r) {
			sync_unlink(r, NULL);
			if (r->done)
				sync_complete(r, SSO_CF_APPLIED);
		}
		free_head();
	}
	while (cf.wait_head != NULL && cf.wait_head->seq <= seq)
		wait_complete(wait_pop(), SSO_CF_APPLIED);
}

/* active: a standby (re)introduces itself */
static void
rx_hello_active(const Sso__Hello *h)
{
	char why[200];
	uint64_t first = cf.head ? cf.head->seq : cf.last_seq + 1;
	int covers, known = (h->boot_id == cf.session_peer);

	if (!SSO_RF_IS_STANDBY(h->rf_state)) {
		sso_chan_bad(SSO_BAD_STATE, "hello from a non-standby peer");
		return;
	}
	cf.answered = h->boot_id;
	cf.compat = negotiate(h, why, sizeof(why));
	if (!cf.compat) {
		snprintf(sso.rf.not_hot_reason, sizeof(sso.rf.not_hot_reason),
		    "%s", why);
		cf.session_up = 0;
		stop_streaming();
		send_hello(1, h->boot_id);
		return;
	}
	sso.rf.not_hot_reason[0] = '\0';
	covers = h->history_id == cf.history && cf.history != 0 &&
	    !cf.overflowed && h->applied_seq <= cf.last_seq &&
	    h->applied_seq + 1 >= first && h->applied_seq >= cf.acked;
	cf.session_peer = h->boot_id;
	cf.session_up = 1;
	cf.last_progress_ms = sso_now_ms();
	if (covers) {
		/* what it says it applied is acked: its waiters complete
		 * (freeing the records alone left them on the SYNC list) */
		ack_to(h->applied_seq);
		cf.next_send = cf.head;
		if (known && h->applied_seq < cf.last_seq) {
			cf.partial_resyncs++;
			sso_log(SSO_NOTICE, "CF", "RESYNC", "partial resync: "
			    "resending %llu records from seq %llu",
			    (unsigned long long)(cf.last_seq - h->applied_seq),
			    (unsigned long long)h->applied_seq + 1);
			sso_hist_add("checkpoint partial resync from seq %llu",
			    (unsigned long long)h->applied_seq + 1);
		}
		send_hello(0, h->boot_id);
		flush();
		return;
	}
	if (h->history_id != 0 && h->applied_seq != 0) {
		cf.full_resyncs++;
		sso_log(SSO_NOTICE, "CF", "RESYNC", "full resync: the backlog "
		    "does not cover the standby's gap");
		sso_hist_add("checkpoint full resync (re-bulk)");
	} else
		cf.initial_bulks++;
	drop_backlog();
	cf.overflowed = 0;
	send_hello(1, h->boot_id);
	bulk_start();
}

/* standby: the active answered our hello */
static void
rx_hello_standby(const Sso__Hello *h)
{
	char why[200];

	if (!h->has_peer_boot_id || h->peer_boot_id != sso.rf.boot_id)
		return;		/* an answer to an earlier incarnation */
	if (!negotiate(h, why, sizeof(why))) {
		cf.ev->not_hot(cf.ev_arg, why);
		cf.hello_done = 1;	/* retried when the peer changes */
		return;
	}
	if (h->resync_full) {
		sso_log(SSO_NOTICE, "CF", "RESYNC", "active requests a full "
		    "bulk sync");
		sso_cf_reset_clients();
		cf.rx_history = h->history_id;
		cf.applied = h->applied_seq;
		sso.rf.not_hot_reason[0] = '\0';
		cf.ev->cold(cf.ev_arg);
	}
	cf.hello_done = 1;
}

void
sso_cf_standby_fault(struct sso_client *c, const char *reason)
{
	Sso__Frame f = SSO__FRAME__INIT;
	char why[512];

	snprintf(why, sizeof(why), "client %s: %s", c->ops->name, reason);
	c->errors++;
	cf.ev->not_hot(cf.ev_arg, why);
	f.type = SSO__FRAME_TYPE__FT_STANDBY_FAULT;
	f.has_type = 1;
	f.reason = why;
	sso_tx(SSO_LINK_CF, &f);
}

static void
rx_standby_fault(Sso__Frame *f)
{
	if (!SSO_RF_IS_ACTIVE(sso.rf.state))
		return;
	snprintf(sso.rf.not_hot_reason, sizeof(sso.rf.not_hot_reason), "%s",
	    f->reason ? f->reason : "unknown standby fault");
	sso_log(SSO_ERR, "CF", "STANDBY_FAULT", "standby cannot reach HOT: "
	    "%s", sso.rf.not_hot_reason);
	sso_hist_add("standby fault: %s", sso.rf.not_hot_reason);
}

static void
send_ack(void)
{
	Sso__Frame f = SSO__FRAME__INIT;

	f.type = SSO__FRAME_TYPE__FT_ACK;
	f.has_type = 1;
	f.ack = cf.applied;
	f.has_ack = 1;
	f.history_id = cf.rx_history;
	f.has_history_id = 1;
	sso_crash_point(SSO_CRASH_BEFORE_ACK);
	if (sso_tx(SSO_LINK_CF, &f) == 0) {
		cf.acks_tx++;
		cf.ack_due = 0;
		sso_crash_point(SSO_CRASH_AFTER_ACK);
	}
}


static void
ack_prep_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	SSO_UNIT_ENTER(w, ckpt.ack_prep);
	/* one cumulative ack per loop iteration, after the batch */
	ev_prepare_stop(loop, w);
	if (cf.ack_due)
		send_ack();
}

static int
apply_record(const Sso__Record *r)
{
	struct sso_client *c;
	uint32_t kind = r->has_kind ? r->kind : SSO__RECORD_KIND__REC_DATA;

	switch (kind) {
	case SSO__RECORD_KIND__REC_PHASE:
		if (r->type > SSO_RF_STANDBY_COLD &&
		    r->type < SSO_RF_STANDBY_HOT)
			cf.ev->phase(cf.ev_arg, (enum sso_rf_state)r->type);
		return 0;
	case SSO__RECORD_KIND__REC_BULK_DONE:
		cf.ev->bulk_done(cf.ev_arg);
		return 0;
	case SSO__RECORD_KIND__REC_BULK_BEGIN:
	case SSO__RECORD_KIND__REC_BULK_END:
		if ((c = client_by_id(r->client)) != NULL)
			c->bulks += (kind == SSO__RECORD_KIND__REC_BULK_END);
		return 0;
	default:
		break;
	}
	if ((c = client_by_id(r->client)) == NULL) {
		sso_chan_bad(SSO_BAD_CLIENT, NULL);
		return 0;
	}
	c->rx_msgs++;
	c->rx_bytes += r->data.len;
	if (c->ops->apply(c->arg, r->has_version ? r->version : c->version,
	    r->type, r->data.data, r->data.len) == -1) {
		c->errors++;
		sso_chan_bad(SSO_BAD_APPLY, c->ops->name);
	}
	return 0;
}

static void
rx_records(Sso__Frame *f)
{
	size_t i;

	if (!SSO_RF_IS_STANDBY(sso.rf.state) || !cf.hello_done ||
	    f->history_id != cf.rx_history) {
		/* in flight while we re-handshake: the resync resends them */
		cf.ignored++;
		return;
	}
	for (i = 0; i < f->n_records; i++) {
		const Sso__Record *r = f->records[i];

		if (r->seq <= cf.applied) {
			cf.dup_records++;
			cf.ack_due = 1;		/* re-ack duplicates */
			continue;
		}
		if (r->seq != cf.applied + 1) {
			cf.gaps++;
			sso_chan_bad(SSO_BAD_SEQ, "re-handshaking");
			cf.hello_done = 0;
			send_hello(0, 0);
			break;
		}
		if (sso.rf.state == SSO_RF_STANDBY_COLD_BULK)
			sso_crash_point(SSO_CRASH_MID_BULK);
		apply_record(r);
		cf.applied = r->seq;
		cf.records_rx++;
		cf.ack_due = 1;
		if (!SSO_RF_IS_STANDBY(sso.rf.state))
			break;
	}
	if (cf.ack_due)
		ev_prepare_start(sso.loop, &cf.ack_prep);
}

static void
rx_ack(Sso__Frame *f)
{

	if (!SSO_RF_IS_ACTIVE(sso.rf.state) || f->history_id != cf.history)
		return;
	cf.acks_rx++;
	if (f->ack > cf.last_seq) {
		sso_chan_bad(SSO_BAD_SEQ, "ack beyond what was sent");
		return;
	}
	if (f->ack <= cf.acked)
		return;
	ack_to(f->ack);
	cf.last_progress_ms = sso_now_ms();
	if (cf.next_send != NULL)	/* what waited for this ack */
		ev_prepare_start(sso.loop, &cf.flush_prep);
	flow_release(0);
	bulk_kick();
	cf.ev->ack_progress(cf.ev_arg);
}

void
sso_cf_rx(Sso__Frame *f)
{
	if (f->epoch < sso.rf.epoch && f->type != SSO__FRAME_TYPE__FT_HELLO &&
	    f->type != SSO__FRAME_TYPE__FT_ACK) {
		cf.ev->stale(cf.ev_arg, f, "checkpoint frame");
		return;
	}
	switch (f->type) {
	case SSO__FRAME_TYPE__FT_HELLO:
		cf.hellos_rx++;
		if (SSO_RF_IS_ACTIVE(sso.rf.state))
			rx_hello_active(f->hello);
		else if (SSO_RF_IS_STANDBY(sso.rf.state))
			rx_hello_standby(f->hello);
		break;
	case SSO__FRAME_TYPE__FT_RECORDS:
		rx_records(f);
		break;
	case SSO__FRAME_TYPE__FT_ACK:
		rx_ack(f);
		break;
	case SSO__FRAME_TYPE__FT_STANDBY_FAULT:
		rx_standby_fault(f);
		break;
	default:
		sso_chan_bad(SSO_BAD_TYPE, NULL);
		break;
	}
}

/* RF hooks */

void
sso_cf_peer_state(int up)
{
	if (up)
		return;
	/* the standby is gone: nobody to wait for; keep the backlog for a
	 * partial resync if the same standby comes back */
	cf.session_up = 0;
	cf.hello_done = 0;
	cf.answered = 0;
	sync_fail_all(SSO_CF_PEER_DOWN);
	cf.next_send = cf.head;
	flow_release(1);	/* no one to wait for: let writers go on */
}

void
sso_cf_became_active(void)
{
	uint8_t rnd[8];

	drop_backlog();
	stop_streaming();
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		sso_fatal("no random bytes");
	memcpy(&cf.history, rnd, sizeof(rnd));
	cf.history |= 1;
	cf.last_seq = cf.acked = 0;
	cf.session_up = 0;
	cf.session_peer = 0;
	cf.answered = 0;
	cf.overflowed = 0;
	cf.hello_done = 0;
	cf.rx_history = 0;
	cf.applied = 0;
}

/* active: a standby's hello answered; standby: the active answered */
int
sso_cf_session_up(void)
{
	return SSO_RF_IS_ACTIVE(sso.rf.state) ? cf.session_up : cf.hello_done;
}

/* active: what its keepalives say of the checkpoint session */
uint64_t
sso_cf_ka_session(void)
{
	return cf.answered;
}

/*
 * standby: an active's keepalive. A keepalive timeout seen by the active
 * alone (a one-way fault) ends its checkpoint session while ours looks
 * up: nothing would be streamed to us again, and we would stay HOT with
 * a stale copy. Introduce ourselves again; the backlog resyncs the gap.
 */
void
sso_cf_ka_check(uint64_t session)
{
	if (!SSO_RF_IS_STANDBY(sso.rf.state) || !cf.hello_done ||
	    session == sso.rf.boot_id) {
		cf.ka_mismatch = 0;
		return;
	}
	/* two in a row: one sent before the active answered our hello may
	 * overtake the answer (keepalives have their own connection) */
	if (++cf.ka_mismatch < 2)
		return;
	cf.ka_mismatch = 0;
	cf.rehellos++;
	sso_log(SSO_NOTICE, "CF", "REHELLO", "the active has no checkpoint "
	    "session with this unit: re-handshaking");
	sso_hist_add("checkpoint session lost by the active: re-handshake");
	cf.hello_done = 0;
	send_hello(0, 0);
}

void
sso_cf_became_standby(void)
{
	drop_backlog();
	stop_streaming();
	cf.session_up = 0;
	cf.hello_done = 0;
	cf.rx_history = 0;
	cf.applied = 0;
	cf.history = 0;
}

void
sso_cf_tick(void)
{
	uint64_t now = sso_now_ms();
	struct rec *r, *prev, *nx;
	struct cf_wait *w, **wp;
	uint64_t connects = sso.chan.st[SSO_LINK_CF].connects +
	    sso.chan.st[SSO_LINK_CF].handshake_ok;

	if (connects != cf.seen_connects) {
		/* the checkpoint link was (re)established */
		cf.seen_connects = connects;
		cf.hello_done = 0;
	}
	if (SSO_RF_IS_STANDBY(sso.rf.state) && sso.rf.peer_up &&
	    SSO_RF_IS_ACTIVE(sso.rf.peer_state) && !cf.hello_done)
		send_hello(0, 0);
	if (SSO_RF_IS_STANDBY(sso.rf.state) && cf.hello_done && cf.applied)
		send_ack();	/* also a liveness signal for the active */
	if (!SSO_RF_IS_ACTIVE(sso.rf.state))
		return;
	/* deadlines of SYNC sends */
	for (prev = NULL, r = cf.sync_head; r; r = nx) {
		nx = r->sync_next;
		if (r->done && now >= r->deadline_ms) {
			sync_unlink(r, prev);
			sync_complete(r, SSO_CF_TIMEOUT);
			continue;
		}
		prev = r;
	}
	for (wp = &cf.wait_head; (w = *wp) != NULL; ) {
		if (now < w->deadline_ms) {
			cf.wait_tail = w;
			wp = &w->next;
			continue;
		}
		*wp = w->next;
		wait_complete(w, SSO_CF_TIMEOUT);
	}
	if (cf.wait_head == NULL)
		cf.wait_tail = NULL;
	/* no ack progress: resend what is unacked */
	if (cf.session_up && cf.head && cf.next_send != cf.head &&
	    now - cf.last_progress_ms > 1000) {
		cf.retransmits++;
		cf.next_send = cf.head;
		cf.last_progress_ms = now;
		flush();
	}
	bulk_kick();
}

unsigned
sso_cf_nclients(void)
{
	return cf.nclients;
}

int
sso_cf_compat_ok(void)
{
	return cf.compat;
}

void
sso_cf_set_events(const struct sso_cf_events *ev, void *arg)
{
	cf.ev = ev;
	cf.ev_arg = arg;
}

/* the state of this unit's CF (no commands: sso_cf_init adds them) */
void
sso_cf_unit_init(void)
{
	ev_idle_init(&cf.bulk_idle, bulk_idle_cb);
	ev_set_priority(&cf.bulk_idle, EV_MINPRI);
	ev_prepare_init(&cf.flush_prep, flush_prep_cb);
	ev_init(&cf.hold_timer, hold_cb);
	ev_prepare_init(&cf.ack_prep, ack_prep_cb);
}

/* a unit test's unit goes away: watchers off, records and clients freed
 * (SYNC sends still waiting are told PEER_DOWN) */
void
sso_cf_unit_fini(void)
{
	struct sso_client *c;

	ev_idle_stop(sso.loop, &cf.bulk_idle);
	ev_prepare_stop(sso.loop, &cf.flush_prep);
	ev_timer_stop(sso.loop, &cf.hold_timer);
	ev_prepare_stop(sso.loop, &cf.ack_prep);
	drop_backlog();
	while ((c = cf.clients) != NULL) {
		cf.clients = c->next;
		free(c);
	}
	cf.nclients = 0;
}

void
sso_cf_init(void)
{
	sso_debug_register(&dbg_cf);
	sso_cf_unit_init();
}

/* ---- read-only snapshots for the metrics exporter (metrics.h) ---- */

void
sso_cf_get_stats(struct sso_cf_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->history = SSO_RF_IS_ACTIVE(sso.rf.state) ? cf.history :
	    cf.rx_history;
	s->last_seq = cf.last_seq;
	s->acked = cf.acked;
	s->applied = cf.applied;
	s->backlog_records = cf.nrec;
	s->backlog_bytes = cf.nbytes;
	s->records_tx = cf.records_tx;
	s->records_rx = cf.records_rx;
	s->acks_tx = cf.acks_tx;
	s->acks_rx = cf.acks_rx;
	s->initial_bulks = cf.initial_bulks;
	s->partial_resyncs = cf.partial_resyncs;
	s->full_resyncs = cf.full_resyncs;
	s->retransmits = cf.retransmits;
	s->flush_held = cf.flush_held;
	s->dup_records = cf.dup_records;
	s->gaps = cf.gaps;
	s->overflows = cf.overflows;
	s->sync_timeouts = cf.sync_timeouts;
	s->eagain = cf.eagain;
	s->rehellos = cf.rehellos;
	s->waits = cf.waits;
	s->waits_now = cf.waits_now;
	s->session_up = sso_cf_session_up();
	s->backlog_limit = sso.conf.backlog;
	s->hellos_tx = cf.hellos_tx;
	s->hellos_rx = cf.hellos_rx;
	s->ignored = cf.ignored;
	s->link_stalled = SSO_RF_IS_ACTIVE(sso.rf.state) && link_stalled();
}

const struct sso_client *
sso_cf_client_next(const struct sso_client *c)
{
	return c ? c->next : cf.clients;
}

void
sso_cf_client_get_stats(const struct sso_client *c,
    struct sso_cf_client_stats *s)
{
	s->name = c->ops->name;
	s->id = c->ops->id;
	s->version = c->version;
	s->ver_min = c->ops->ver_min;
	s->ver_max = c->ops->ver_max;
	s->peer_min = c->peer_min;
	s->peer_max = c->peer_max;
	s->optional = c->ops->optional;
	s->streaming = c->streaming;
	s->tx_msgs = c->tx_msgs;
	s->tx_bytes = c->tx_bytes;
	s->rx_msgs = c->rx_msgs;
	s->rx_bytes = c->rx_bytes;
	s->errors = c->errors;
	s->pending = c->pending;
	s->bulks = c->bulks;
	s->priority = c->ops->priority;
	s->show = c->ops->show;
	s->show_arg = c->arg;
}

/* the client registry, for `show version` (version.c) */
void
sso_cf_foreach_client(void (*fn)(void *, const struct sso_client_ops *),
    void *arg)
{
	struct sso_client *c;

	for (c = cf.clients; c != NULL; c = c->next)
		fn(arg, c->ops);
}

uint32_t
sso_cf_proto_version(void)
{
	return CF_PROTO_VERSION;
}
