/*
 * pair.c - the in-memory pair of units described in pair.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "pair.h"

struct wpkt {
	struct wpkt	*next;
	int		 to;
	enum sso_link	 link;
	size_t		 len;
	uint8_t		 buf[];
};

struct tside T[2];
pair_filter_fn pair_filter;
int pair_cut[SSO_LINK_MAX];
unsigned pair_cf_cap;
struct ev_loop *pair_loop;

static struct wpkt *wire, **wire_tail = &wire;
static struct wpkt *held, **held_tail = &held;
static uint32_t vmin[2], vmax[2];

/* ---- the transport (struct sso_tx_ops) */

static unsigned
cf_in_flight(int to)
{
	struct wpkt *p;
	unsigned n = 0;

	for (p = wire; p; p = p->next)
		n += p->to == to && p->link == SSO_LINK_CF;
	return n;
}

static void
enqueue(struct wpkt ***tail, int to, enum sso_link l, const uint8_t *buf,
    size_t len)
{
	struct wpkt *p = malloc(sizeof(*p) + len);

	CU_ASSERT_FATAL(p != NULL);
	p->next = NULL;
	p->to = to;
	p->link = l;
	p->len = len;
	memcpy(p->buf, buf, len);
	**tail = p;
	*tail = &p->next;
}

static int
fx_send(void *arg, enum sso_link l, Sso__Frame *f)
{
	int from = (int)(intptr_t)arg, to = 1 - from;
	enum pair_verdict v = PAIR_PASS;
	uint8_t *buf;
	size_t len;

	if (l == SSO_LINK_CF && pair_cf_cap != 0 &&
	    cf_in_flight(to) >= pair_cf_cap) {
		errno = EAGAIN;		/* ZeroMQ's high-water mark */
		return -1;
	}
	if (T[from].dead)
		return 0;
	T[from].tx_frames[l]++;
	if (T[to].u == NULL || T[to].dead || pair_cut[l])
		return 0;		/* lost, as ZeroMQ loses it */
	if (pair_filter)
		v = pair_filter(to, l, f);
	if (v == PAIR_DROP)
		return 0;
	len = sso__frame__get_packed_size(f);
	CU_ASSERT_FATAL((buf = malloc(len ? len : 1)) != NULL);
	sso__frame__pack(f, buf);
	if (v == PAIR_HOLD)
		enqueue(&held_tail, to, l, buf, len);
	else
		enqueue(&wire_tail, to, l, buf, len);
	if (v == PAIR_DUP)
		enqueue(&wire_tail, to, l, buf, len);
	free(buf);
	return 0;
}

static void
fx_want_write(void *arg, enum sso_link l, int on)
{
	if (l == SSO_LINK_CF)
		T[(intptr_t)arg].want_write = on;
}

static int
fx_is_open(void *arg, enum sso_link l)
{
	(void)arg;
	(void)l;
	return 1;
}

static void
fx_brk(void *arg, unsigned ms)
{
	(void)arg;
	(void)ms;
	pair_cut[SSO_LINK_CF] = 1;
}

static void
fx_cut(void *arg, unsigned ms)
{
	(void)arg;
	(void)ms;
	pair_cut[SSO_LINK_CF] = pair_cut[SSO_LINK_KA] = 1;
}

static void
fx_close(void *arg)
{
	(void)arg;
}

static const struct sso_tx_ops fx_tx = {
	.send = fx_send,
	.want_write = fx_want_write,
	.is_open = fx_is_open,
	.brk = fx_brk,
	.cut = fx_cut,
	.close = fx_close,
};

/* one round: what is on the wire now reaches its unit; frames held back
 * by the filter go out after it (overtaken: reordered) */
static int
deliver(void)
{
	struct wpkt *list = wire, *p;
	int n = 0, i;

	wire = NULL;
	wire_tail = &wire;
	while ((p = list) != NULL) {
		Sso__Frame *f;
		enum sso_bad why;

		list = p->next;
		if (T[p->to].u != NULL && !T[p->to].dead) {
			f = sso_frame_decode(p->buf, p->len, &why);
			CU_ASSERT_FATAL(f != NULL);
			sso_unit_enter(T[p->to].u);
			T[p->to].u->chan.st[p->link].rx_frames++;
			sso_unit_chan_ops.rx_frame(T[p->to].u, p->link, f);
			sso__frame__free_unpacked(f, NULL);
			n++;
		}
		free(p);
	}
	if (held != NULL) {
		*wire_tail = held;
		wire_tail = held_tail;
		held = NULL;
		held_tail = &held;
	}
	for (i = 0; i < 2; i++)
		if (T[i].u && T[i].want_write && (pair_cf_cap == 0 ||
		    cf_in_flight(1 - i) < pair_cf_cap)) {
			sso_unit_enter(T[i].u);
			sso_unit_chan_ops.writable(T[i].u, SSO_LINK_CF);
		}
	return n;
}

/* ---- the test client */

static int
tc_bulk(void *arg, int first, unsigned budget)
{
	struct tside *s = arg;
	uint32_t rec[2];

	if (first) {
		s->bulk_pos = 0;
		s->bulks++;
	}
	for (; budget > 0 && s->bulk_pos < s->nval; budget--) {
		rec[0] = s->bulk_pos;
		rec[1] = s->val[s->bulk_pos];
		if (sso_cf_send(s->cl, 1, rec, sizeof(rec), SSO_SEND_ASYNC,
		    NULL, NULL, 0) == -1)
			return errno == EAGAIN ? 0 : -1;
		s->bulk_pos++;
	}
	return s->bulk_pos >= s->nval;
}

static int
tc_apply(void *arg, uint32_t version, uint32_t type, const uint8_t *data,
    size_t len)
{
	struct tside *s = arg;
	uint32_t rec[2];

	(void)version;
	if (type != 1 || len != sizeof(rec)) {
		s->apply_errors++;
		return -1;
	}
	memcpy(rec, data, sizeof(rec));
	if (rec[0] >= TC_MAX) {
		s->apply_errors++;
		return -1;
	}
	s->val[rec[0]] = rec[1];
	if (rec[0] >= s->nval)
		s->nval = rec[0] + 1;
	s->applied++;
	return 0;
}

static void
tc_reset(void *arg)
{
	struct tside *s = arg;

	memset(s->val, 0, sizeof(s->val));
	s->nval = 0;
	s->resets++;
}

static void
tc_rf_event(void *arg, enum sso_rf_event ev, enum sso_rf_state n,
    enum sso_rf_state o)
{
	struct tside *s = arg;

	(void)n;
	(void)o;
	if ((unsigned)ev < 8)
		s->ev[ev]++;
}

static void
tc_flow_on(void *arg)
{
	((struct tside *)arg)->flow_on++;
}

static void
on_restart(void *arg, const char *why)
{
	struct tside *s = arg;

	/* the process would exec now: the unit is gone from here on */
	if (s->restarted++ == 0)
		snprintf(s->restart_why, sizeof(s->restart_why), "%s", why);
	s->dead = 1;
	sso_rf_unit_fini();
}

/* ---- set-up */

static void
unit_make(int i)
{
	struct tside *s = &T[i];
	struct sso_core *u;

	u = sso_unit_new(pair_loop, (unsigned)i, &fx_tx, (void *)(intptr_t)i);
	u->conf.ka_interval = 50;
	u->conf.ka_threshold = 10;	/* 500 ms: a loaded test host */
	u->conf.nego_timeout = 600;
	u->conf.sync_deadline = 400;
	u->conf.backlog = 1000;
	u->restart = on_restart;
	u->restart_arg = s;
	s->u = u;
	s->ops = (struct sso_client_ops){
		.id = TC_ID, .name = "test", .priority = 10,
		.ver_min = vmin[i], .ver_max = vmax[i],
		.phase = SSO_PHASE_BULK,
		.bulk = tc_bulk, .apply = tc_apply, .reset = tc_reset,
		.rf_event = tc_rf_event, .flow_on = tc_flow_on,
	};
	s->cl = sso_cf_register(&s->ops, s);
}

void
pair_setup(uint32_t min0, uint32_t max0, uint32_t min1, uint32_t max1)
{
	memset(T, 0, sizeof(T));
	memset(pair_cut, 0, sizeof(pair_cut));
	pair_filter = NULL;
	pair_cf_cap = 0;
	vmin[0] = min0;
	vmax[0] = max0;
	vmin[1] = min1;
	vmax[1] = max1;
	CU_ASSERT_FATAL((pair_loop = ev_loop_new(EVFLAG_AUTO)) != NULL);
	unit_make(0);
	unit_make(1);
}

void
pair_start(int i)
{
	sso_unit_enter(T[i].u);
	CU_ASSERT_FATAL(sso_rf_start() == 0);
}

void
pair_start_both(void)
{
	pair_start(0);
	pair_start(1);
}

void
pair_kill(int i)
{
	sso_unit_free(T[i].u);
	T[i].u = NULL;
	T[i].cl = NULL;
}

void
pair_restart(int i)
{
	struct tside keep = T[i];

	memset(&T[i], 0, sizeof(T[i]));
	T[i].restarted = keep.restarted;
	unit_make(i);
	pair_start(i);
}

void
pair_teardown(void)
{
	struct wpkt *p;
	int i;

	for (i = 0; i < 2; i++)
		if (T[i].u)
			pair_kill(i);
	while ((p = wire) != NULL) {
		wire = p->next;
		free(p);
	}
	while ((p = held) != NULL) {
		held = p->next;
		free(p);
	}
	wire_tail = &wire;
	held_tail = &held;
	ev_loop_destroy(pair_loop);
	pair_loop = NULL;
}

int
pair_run(int (*cond)(void *), void *arg, unsigned ms)
{
	uint64_t end = sso_now_ms() + ms;

	for (;;) {
		int i;

		deliver();
		for (i = 0; i < 2; i++)
			if (T[i].u && T[i].dead)
				pair_kill(i);
		if (cond && cond(arg))
			return 1;
		if (sso_now_ms() >= end)
			return cond == NULL;
		ev_run(pair_loop, wire || held ? EVRUN_NOWAIT : EVRUN_ONCE);
	}
}

void
pair_run_for(unsigned ms)
{
	(void)pair_run(NULL, NULL, ms);
}

void
pair_cf_reconnect(void)
{
	int i;

	for (i = 0; i < 2; i++)
		if (T[i].u)
			T[i].u->chan.st[SSO_LINK_CF].connects++;
}

enum sso_rf_state
pair_state(int i)
{
	return T[i].u ? T[i].u->rf.state : SSO_RF_UNKNOWN;
}

int
pair_both_settled(void *arg)
{
	int a;

	(void)arg;
	for (a = 0; a < 2; a++)
		if (pair_state(a) == SSO_RF_ACTIVE &&
		    pair_state(1 - a) == SSO_RF_STANDBY_HOT &&
		    T[a].u->rf.peer_state == SSO_RF_STANDBY_HOT &&
		    T[1 - a].u->rf.peer_state == SSO_RF_ACTIVE)
			return 1;
	return 0;
}

int
pair_is_active(void *which)
{
	return pair_state((int)(intptr_t)which) == SSO_RF_ACTIVE;
}

int
pair_send(int i, uint32_t value, int flags, sso_cf_done_fn done,
    void *cbarg)
{
	struct tside *s = &T[i];
	uint32_t rec[2];

	CU_ASSERT_FATAL(s->nval < TC_MAX);
	rec[0] = s->nval;
	rec[1] = value;
	s->val[s->nval++] = value;
	sso_unit_enter(s->u);
	if (sso_cf_send(s->cl, 1, rec, sizeof(rec), flags, done, cbarg,
	    0) == 0)
		return 0;
	s->nval--;		/* not taken: the object is not changed */
	return -1;
}

/* the standby holds what the active holds */
int
pair_synced(void *arg)
{
	int a = pair_state(0) == SSO_RF_ACTIVE ? 0 : 1;

	(void)arg;
	return T[a].u && T[1 - a].u && T[a].nval == T[1 - a].nval &&
	    memcmp(T[a].val, T[1 - a].val, T[a].nval * sizeof(uint32_t)) == 0;
}

/* both started, unit 0 active with nval objects, unit 1 HOT with them */
void
pair_settle(unsigned nval)
{
	unsigned i;

	pair_start_both();
	/* the client makes its state once active (coming up active without
	 * a standby's state resets it); bulk or records carry it over */
	CU_ASSERT_FATAL(pair_run(pair_is_active, (void *)0, PAIR_SETTLE_MS));
	for (i = 0; i < nval; i++)
		CU_ASSERT_EQUAL(pair_send(0, 1000 + i, SSO_SEND_ASYNC, NULL,
		    NULL), 0);
	CU_ASSERT_FATAL(pair_run(pair_both_settled, NULL, PAIR_SETTLE_MS));
	CU_ASSERT_FATAL(pair_run(pair_synced, NULL, PAIR_SETTLE_MS));
}


/* one delivery round and one loop iteration that does not wait */
void
pair_step(void)
{
	deliver();
	ev_run(pair_loop, EVRUN_NOWAIT);
}
