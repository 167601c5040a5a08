/*
 * test_l2tp_ha.c - the L2TP checkpoint client's resync machine
 * (l2tp/svc/ha_resync.c) driven alone through its ops, with fake tunnels:
 * every transition by its event, the transition log, and the behaviour
 * it has always had (probe Ns just below the oldest unacked, at most
 * `l2tp tunnel resync N` probes outstanding, calls held off while
 * resyncing, resync end); and the record type table (ha_standby.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"
#include "ha_local.h"

/* ---- fake tunnels: what the engine was asked to do ---- */

struct fake {
	struct l2tp_ctrl_state cs;
	uint16_t	 tid;
	int		 negotiated, recover_rc, probe_rc;
	int		 holds, recovers, probes, retransmits, clears, resynced;
	int		 imported, held_at_probe;
	uint16_t	 last_probe, imported_ns[8];
	unsigned	 result;
};

#define T(f)	((struct l2tp_tunnel *)(void *)(f))
#define F(t)	((struct fake *)(void *)(t))

static struct fake fakes[16];
static struct ha_t hts[16];
static int nfake, timer_on, restore_n, max_outstanding;
static unsigned resync_n_cfg = 1;
static char last_failure[128];

static struct ha_t *
new_tunnel(uint16_t tid, uint16_t snd_una, uint16_t ns_next)
{
	struct fake *f = &fakes[nfake];
	struct ha_t *h = &hts[nfake++];

	memset(f, 0, sizeof(*f));
	memset(h, 0, sizeof(*h));
	f->tid = tid;
	f->cs.snd_una = snd_una;
	f->cs.ns_next = ns_next;
	h->t = T(f);
	h->tid = tid;
	h->gen = tid;
	h->resync_n = resync_n_cfg;
	return h;
}

static void
add_pending(struct ha_t *h, uint16_t ns)
{
	struct ha_msg *m = calloc(1, sizeof(*m) + 12), **pp;

	m->ns = ns;
	m->len = 12;
	for (pp = &h->pending; *pp; pp = &(*pp)->next)
		;
	*pp = m;
}

static struct ha_t *
f_restore(struct sb_tun *s)
{
	restore_n++;
	return new_tunnel(s->tid, s->cs.snd_una, s->cs.ns_next);
}

static void
f_hold(struct l2tp_tunnel *t)
{
	F(t)->holds++;
}

static void
f_export(const struct l2tp_tunnel *t, struct l2tp_ctrl_state *cs)
{
	*cs = ((const struct fake *)(const void *)t)->cs;
}

static int
f_negotiated(struct l2tp_tunnel *t)
{
	return F(t)->negotiated;
}

static int
f_recover(struct l2tp_tunnel *t)
{
	F(t)->recovers++;
	return F(t)->recover_rc;
}

static int
f_probe(struct l2tp_tunnel *t, uint16_t ns)
{
	struct ha_resync_stats st;

	F(t)->probes++;
	F(t)->last_probe = ns;
	F(t)->held_at_probe = F(t)->holds;
	ha_resync_stats(&st);
	if (st.outstanding > (unsigned)max_outstanding)
		max_outstanding = (int)st.outstanding;
	return F(t)->probe_rc;
}

static int
f_import(struct l2tp_tunnel *t, uint16_t ns, const uint8_t *b, size_t len)
{
	struct fake *f = F(t);

	if (f->imported < 8)
		f->imported_ns[f->imported] = ns;
	f->imported++;
	return 0;
}

static void
f_retransmit(struct l2tp_tunnel *t)
{
	F(t)->retransmits++;
}

static void
f_clear(struct l2tp_tunnel *t, const char *why)
{
	F(t)->clears++;
}

static void
f_resynced(struct l2tp_tunnel *t)
{
	F(t)->resynced++;
}

static void
f_failure(struct l2tp_tunnel *t, const char *why)
{
	snprintf(last_failure, sizeof(last_failure), "%s", why);
}

static unsigned
f_result(struct l2tp_tunnel *t)
{
	return F(t)->result;
}

static void
f_timer(int on)
{
	timer_on = on;
}

static const struct ha_resync_ops fops = {
	.restore = f_restore, .hold = f_hold, .export = f_export,
	.failover_negotiated = f_negotiated, .recover = f_recover,
	.probe = f_probe, .import_msg = f_import,
	.retransmit_all = f_retransmit, .clear = f_clear,
	.resynced = f_resynced, .failure = f_failure, .result = f_result,
	.drain_timer = f_timer,
};

static void
reset(void)
{
	ha_resync_init(&fops);
	ha_resync_reset_stats();
	ha_reset(NULL);
	nfake = timer_on = restore_n = max_outstanding = 0;
	resync_n_cfg = 1;
	last_failure[0] = '\0';
}

/* the i-th most recent transition is from -> to (ev) on tunnel tid */
static int
was(unsigned i, uint16_t tid, enum ha_rs_state from, enum ha_rs_state to,
    enum ha_rs_event ev)
{
	struct ha_rs_hist x;

	return ha_resync_history(i, &x) == 0 && x.tid == tid &&
	    x.from == from && x.to == to && x.ev == ev;
}

static uint64_t
transitions(void)
{
	struct ha_resync_stats st;

	ha_resync_stats(&st);
	return st.transitions;
}

/* restored and given its slot */
static struct ha_t *
started(uint16_t tid, uint16_t snd_una, uint16_t ns_next)
{
	struct ha_t *h = new_tunnel(tid, snd_una, ns_next);

	ha_resync_fsm(h, HA_RSE_RESTORED);
	ha_resync_kick();
	return h;
}

/* ---- tests ---- */

static void
test_names(void)
{
	int i;

	for (i = 0; i < RS_MAX; i++)
		CU_ASSERT_PTR_NOT_NULL(ha_rs_state_names[i]);
	for (i = 0; i < HA_RSE_MAX; i++)
		CU_ASSERT_PTR_NOT_NULL(ha_rs_event_names[i]);
	CU_ASSERT_STRING_EQUAL(ha_rs_state_names[RS_PROBING], "probing");
	CU_ASSERT_STRING_EQUAL(ha_rs_event_names[HA_RSE_DRAINED], "drained");
}

/* none -> wait (restored): calls held off; wait -> probing (start) with
 * the probe's Ns just below the oldest unacked message */
static void
test_restored_start_probe(void)
{
	struct ha_t *h;
	struct ha_resync_stats st;

	reset();
	h = new_tunnel(7, 100, 104);
	ha_resync_fsm(h, HA_RSE_RESTORED);
	CU_ASSERT_EQUAL(h->rs, RS_WAIT);
	CU_ASSERT_EQUAL(F(h->t)->holds, 1);
	CU_ASSERT_EQUAL(F(h->t)->probes, 0);
	CU_ASSERT(was(0, 7, RS_NONE, RS_WAIT, HA_RSE_RESTORED));
	ha_resync_kick();
	CU_ASSERT_EQUAL(h->rs, RS_PROBING);
	CU_ASSERT_EQUAL(F(h->t)->probes, 1);
	CU_ASSERT_EQUAL(F(h->t)->last_probe, 99);
	CU_ASSERT_EQUAL(h->probe, 99);
	CU_ASSERT_EQUAL(F(h->t)->held_at_probe, 1);
	CU_ASSERT(was(0, 7, RS_WAIT, RS_PROBING, HA_RSE_START));
	CU_ASSERT(was(1, 7, RS_NONE, RS_WAIT, HA_RSE_RESTORED));
	ha_resync_stats(&st);
	CU_ASSERT_EQUAL(st.outstanding, 1);
	CU_ASSERT_EQUAL(st.events[HA_RSE_RESTORED], 1);
	CU_ASSERT_EQUAL(st.events[HA_RSE_START], 1);
	CU_ASSERT_EQUAL(st.transitions, 2);
}

/* the probe never crosses the 16-bit wrap: at snd_una 0 the queue is
 * resent first (wait -> drain), then probed (drain -> probing) */
static void
test_drain_at_wrap(void)
{
	struct ha_t *h;

	reset();
	h = new_tunnel(8, 0, 2);
	add_pending(h, 0);
	add_pending(h, 1);
	ha_resync_fsm(h, HA_RSE_RESTORED);
	ha_resync_kick();
	CU_ASSERT_EQUAL(h->rs, RS_DRAIN);
	CU_ASSERT(was(0, 8, RS_WAIT, RS_DRAIN, HA_RSE_START));
	CU_ASSERT_EQUAL(F(h->t)->imported, 2);
	CU_ASSERT_EQUAL(F(h->t)->imported_ns[0], 0);
	CU_ASSERT_EQUAL(F(h->t)->imported_ns[1], 1);
	CU_ASSERT_EQUAL(F(h->t)->retransmits, 1);
	CU_ASSERT_EQUAL(F(h->t)->probes, 0);
	CU_ASSERT_PTR_NULL(h->pending);
	CU_ASSERT(timer_on);
	/* the peer acked them: Ns 2 next, so the probe is 1 */
	F(h->t)->cs.snd_una = 2;
	ha_resync_fsm(h, HA_RSE_DRAINED);
	CU_ASSERT_EQUAL(h->rs, RS_PROBING);
	CU_ASSERT_EQUAL(F(h->t)->last_probe, 1);
	CU_ASSERT(was(0, 8, RS_DRAIN, RS_PROBING, HA_RSE_DRAINED));
}

/* nothing unacked at 0: probe 0 directly */
static void
test_zero_nothing_pending(void)
{
	struct ha_t *h;

	reset();
	h = started(9, 0, 0);
	CU_ASSERT_EQUAL(h->rs, RS_PROBING);
	CU_ASSERT_EQUAL(F(h->t)->last_probe, 0);
	CU_ASSERT_EQUAL(F(h->t)->retransmits, 0);
}

/* probing -> none (resynced): what the peer lacks of the old queue (Ns
 * at or above the adopted next Ns) is resent; the slot is freed */
static void
test_resynced_resends(void)
{
	struct ha_t *h;
	struct ha_resync_stats st;

	reset();
	h = new_tunnel(10, 5, 8);
	add_pending(h, 5);
	add_pending(h, 6);
	add_pending(h, 7);
	ha_resync_fsm(h, HA_RSE_RESTORED);
	ha_resync_kick();
	CU_ASSERT_EQUAL(F(h->t)->last_probe, 4);
	F(h->t)->cs.ns_next = 6;	/* the peer had 5 */
	ha_resync_fsm(h, HA_RSE_RESYNCED);
	CU_ASSERT_EQUAL(h->rs, RS_NONE);
	CU_ASSERT(was(0, 10, RS_PROBING, RS_NONE, HA_RSE_RESYNCED));
	CU_ASSERT_EQUAL(F(h->t)->imported, 2);
	CU_ASSERT_EQUAL(F(h->t)->imported_ns[0], 6);
	CU_ASSERT_EQUAL(F(h->t)->imported_ns[1], 7);
	CU_ASSERT_EQUAL(F(h->t)->retransmits, 1);
	CU_ASSERT_EQUAL(F(h->t)->resynced, 1);
	CU_ASSERT_PTR_NULL(h->pending);
	ha_resync_stats(&st);
	CU_ASSERT_EQUAL(st.rs_success, 1);
	CU_ASSERT_EQUAL(st.outstanding, 0);
}

/* RFC 4951 first with a capable peer: wait -> recover -> none */
static void
test_recover_ok(void)
{
	struct ha_t *h;
	struct ha_resync_stats st;

	reset();
	h = new_tunnel(11, 20, 21);
	F(h->t)->negotiated = 1;
	ha_resync_fsm(h, HA_RSE_RESTORED);
	ha_resync_kick();
	CU_ASSERT_EQUAL(h->rs, RS_RECOVER);
	CU_ASSERT(was(0, 11, RS_WAIT, RS_RECOVER, HA_RSE_START));
	CU_ASSERT_EQUAL(F(h->t)->recovers, 1);
	CU_ASSERT_EQUAL(F(h->t)->probes, 0);
	ha_resync_fsm(h, HA_RSE_RESYNCED);
	CU_ASSERT_EQUAL(h->rs, RS_NONE);
	CU_ASSERT(was(0, 11, RS_RECOVER, RS_NONE, HA_RSE_RESYNCED));
	ha_resync_stats(&st);
	CU_ASSERT_EQUAL(st.fo_success, 1);
	CU_ASSERT_EQUAL(st.rs_success, 1);
}

/* recover -> probing (recovery-failed): silent failover, once */
static void
test_recover_failed(void)
{
	struct ha_t *h;
	struct ha_resync_stats st;

	reset();
	h = new_tunnel(12, 30, 31);
	F(h->t)->negotiated = 1;
	ha_resync_fsm(h, HA_RSE_RESTORED);
	ha_resync_kick();
	ha_resync_fsm(h, HA_RSE_RECOVERY_FAILED);
	CU_ASSERT_EQUAL(h->rs, RS_PROBING);
	CU_ASSERT(was(0, 12, RS_RECOVER, RS_PROBING,
	    HA_RSE_RECOVERY_FAILED));
	CU_ASSERT_EQUAL(F(h->t)->last_probe, 29);
	CU_ASSERT_EQUAL(F(h->t)->recovers, 1);
	CU_ASSERT_STRING_EQUAL(last_failure, "RFC 4951 recovery failed; "
	    "falling back to silent failover");
	ha_resync_stats(&st);
	CU_ASSERT_EQUAL(st.fo_fail, 1);
	/* a second failure report changes nothing */
	ha_resync_fsm(h, HA_RSE_RECOVERY_FAILED);
	CU_ASSERT_EQUAL(F(h->t)->probes, 1);
}

/* the recovery tunnel cannot even start: straight on to probing */
static void
test_recover_cannot_start(void)
{
	struct ha_t *h;
	struct ha_resync_stats st;

	reset();
	h = new_tunnel(13, 40, 41);
	F(h->t)->negotiated = 1;
	F(h->t)->recover_rc = -1;
	ha_resync_fsm(h, HA_RSE_RESTORED);
	ha_resync_kick();
	CU_ASSERT_EQUAL(h->rs, RS_PROBING);
	CU_ASSERT(was(0, 13, RS_RECOVER, RS_PROBING,
	    HA_RSE_RECOVERY_FAILED));
	CU_ASSERT(was(1, 13, RS_WAIT, RS_RECOVER, HA_RSE_START));
	CU_ASSERT_EQUAL(F(h->t)->last_probe, 39);
	ha_resync_stats(&st);
	CU_ASSERT_EQUAL(st.fo_fail, 1);
}

/* a probe the engine cannot send clears the tunnel */
static void
test_probe_fails(void)
{
	struct ha_t *h;

	reset();
	h = new_tunnel(14, 3, 4);
	F(h->t)->probe_rc = -1;
	ha_resync_fsm(h, HA_RSE_RESTORED);
	ha_resync_kick();
	CU_ASSERT_EQUAL(h->rs, RS_PROBING);
	CU_ASSERT_EQUAL(F(h->t)->clears, 1);
}

/* -> none (down) from each resyncing state, with the right counters */
static void
test_down(void)
{
	static const enum ha_rs_state where[] = { RS_WAIT, RS_PROBING,
	    RS_DRAIN, RS_RECOVER };
	struct ha_resync_stats st;
	size_t i;

	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		struct ha_t *h, *other;

		reset();
		other = started(1, 10, 11);	/* takes the one slot */
		h = new_tunnel(2, where[i] == RS_DRAIN ? 0 : 10, 11);
		if (where[i] == RS_DRAIN)
			add_pending(h, 0);
		F(h->t)->negotiated = where[i] == RS_RECOVER;
		F(h->t)->result = 2;
		ha_resync_fsm(h, HA_RSE_RESTORED);
		if (where[i] != RS_WAIT) {
			ha_resync_fsm(other, HA_RSE_RESYNCED);	/* frees it */
			CU_ASSERT_EQUAL(h->rs, where[i]);
		}
		CU_ASSERT_EQUAL(h->rs, where[i]);
		ha_resync_fsm(h, HA_RSE_DOWN);
		CU_ASSERT_EQUAL(h->rs, RS_NONE);
		CU_ASSERT(was(0, 2, where[i], RS_NONE, HA_RSE_DOWN));
		CU_ASSERT_STRING_EQUAL(last_failure, "HA resync failed: "
		    "tunnel down (result 2)");
		ha_resync_stats(&st);
		CU_ASSERT_EQUAL(st.rs_fail, 1);
		CU_ASSERT_EQUAL(st.waiting, 0);
		CU_ASSERT_EQUAL(st.outstanding, where[i] == RS_WAIT ? 1 : 0);
		CU_ASSERT_EQUAL(st.fo_fail, where[i] == RS_RECOVER ? 1 : 0);
		CU_ASSERT_PTR_NULL(h->pending);
		/* a waiting tunnel that went is never probed */
		ha_resync_fsm(other, HA_RSE_RESYNCED);
		ha_resync_kick();
		CU_ASSERT_EQUAL(F(h->t)->probes, where[i] == RS_PROBING);
	}
	/* down outside a resync: nothing counted, no transition */
	reset();
	{
		struct ha_t *h = new_tunnel(3, 1, 1);
		uint64_t n = transitions();

		ha_resync_fsm(h, HA_RSE_DOWN);
		ha_resync_stats(&st);
		CU_ASSERT_EQUAL(st.rs_fail, 0);
		CU_ASSERT_EQUAL(transitions(), n);
		CU_ASSERT_STRING_EQUAL(last_failure, "");
	}
}

/* events that do not apply to a state change nothing */
static void
test_ignored_events(void)
{
	struct ha_t *w, *p;
	uint64_t n;

	reset();
	p = started(1, 10, 11);
	w = new_tunnel(2, 10, 11);
	ha_resync_fsm(w, HA_RSE_RESTORED);
	n = transitions();
	ha_resync_fsm(w, HA_RSE_RESYNCED);
	ha_resync_fsm(w, HA_RSE_DRAINED);
	ha_resync_fsm(w, HA_RSE_RECOVERY_FAILED);
	ha_resync_fsm(w, HA_RSE_RESTORED);
	ha_resync_fsm(p, HA_RSE_START);
	ha_resync_fsm(p, HA_RSE_DRAINED);
	ha_resync_fsm(p, HA_RSE_RECOVERY_FAILED);
	ha_resync_fsm(p, HA_RSE_RESTORED);
	ha_resync_fsm(p, HA_RSE_MAX);
	CU_ASSERT_EQUAL(transitions(), n);
	CU_ASSERT_EQUAL(w->rs, RS_WAIT);
	CU_ASSERT_EQUAL(p->rs, RS_PROBING);
	CU_ASSERT_EQUAL(F(p->t)->probes, 1);
	CU_ASSERT_EQUAL(F(w->t)->holds, 1);
}

/* a tunnel's standby copy, as the active sends it */
static void
copy_tunnel(uint16_t tid, uint16_t snd_una, uint16_t ns_next)
{
	L2tpckpt__Tunnel m = L2TPCKPT__TUNNEL__INIT;
	L2tpckpt__Ctrl c = L2TPCKPT__CTRL__INIT;
	uint8_t addr[4] = { 127, 0, 0, 1 }, buf[512];
	size_t len;

	c.ns_next = ns_next;
	c.snd_una = snd_una;
	c.rcv_next = 1;
	c.has_ns_next = c.has_snd_una = c.has_rcv_next = 1;
	m.local_tid = tid;
	m.has_local_tid = 1;
	m.remote_tid = tid + 1000;
	m.has_remote_tid = 1;
	m.group = "g";
	m.peer_addr.data = addr;
	m.peer_addr.len = 4;
	m.has_peer_addr = 1;
	m.peer_port = 1701;
	m.has_peer_port = 1;
	m.ctrl = &c;
	len = protobuf_c_message_pack(&m.base, buf);
	CU_ASSERT_EQUAL(ha_apply(NULL, 1, R_TUNNEL, buf, len), 0);
}

/* takeover: every copied tunnel rebuilt and held; at most `l2tp tunnel
 * resync N` probes out; the resync ends when the last one is done */
static void
test_takeover_window_and_end(void)
{
	struct ha_resync_stats st;
	int i, rounds = 0;

	reset();
	resync_n_cfg = 2;
	for (i = 1; i <= 5; i++)
		copy_tunnel((uint16_t)(i * 10), (uint16_t)(100 + i),
		    (uint16_t)(102 + i));
	ha_takeover();
	CU_ASSERT_EQUAL(restore_n, 5);
	CU_ASSERT_PTR_NULL(ha_sb_get(10));
	ha_resync_stats(&st);
	CU_ASSERT(st.running);
	CU_ASSERT_EQUAL(st.total, 5);
	CU_ASSERT_EQUAL(st.outstanding, 2);
	CU_ASSERT_EQUAL(st.waiting, 3);
	for (i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(fakes[i].holds, 1);
	/* answer every probe as it goes out, oldest first */
	while (rounds++ < 10) {
		int any = 0;

		for (i = 0; i < nfake; i++)
			if (hts[i].rs == RS_PROBING) {
				ha_resync_fsm(&hts[i], HA_RSE_RESYNCED);
				any = 1;
				break;
			}
		if (!any)
			break;
	}
	for (i = 0; i < 5; i++) {
		CU_ASSERT_EQUAL(fakes[i].probes, 1);
		CU_ASSERT_EQUAL(fakes[i].held_at_probe, 1);
		CU_ASSERT_EQUAL(fakes[i].last_probe, 100 + i);
		CU_ASSERT_EQUAL(hts[i].rs, RS_NONE);
	}
	CU_ASSERT(max_outstanding <= 2);
	ha_resync_stats(&st);
	CU_ASSERT(!st.running);
	CU_ASSERT_EQUAL(st.rs_success, 5);
	CU_ASSERT_EQUAL(st.rs_fail, 0);
	CU_ASSERT_EQUAL(st.outstanding, 0);
	/* no copy: a later bind starts nothing */
	ha_takeover();
	CU_ASSERT_EQUAL(restore_n, 5);
}

/* `old -> new (event)` under "debug l2tp redundancy fsm" */
static void
test_transition_log(void)
{
	char path[] = "/tmp/test_l2tp_ha.XXXXXX", line[4096];
	int fd = mkstemp(path), saved = dup(2), found = 0;
	FILE *f;

	CU_ASSERT_FATAL(fd != -1 && saved != -1);
	reset();
	sso_log_init("test_l2tp_ha", 1);
	ha_dbg_fsm.on = 1;
	fflush(stderr);
	dup2(fd, 2);
	(void)started(77, 50, 51);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	ha_dbg_fsm.on = 0;
	f = fdopen(fd, "r");
	rewind(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		found += strstr(line, "tunnel 77 resync: none -> wait "
		    "(restored)") != NULL;
		found += strstr(line, "tunnel 77 resync: wait -> probing "
		    "(start)") != NULL;
	}
	fclose(f);
	unlink(path);
	CU_ASSERT_EQUAL(found, 2);
}

/* ---- the record type table ---- */

static int ext_applied;

static int
ext_apply(uint32_t type, const ProtobufCMessage *m)
{
	ext_applied++;
	return 0;
}

static void
test_record_table(void)
{
	static const struct ha_rec ext = { 20, "ext",
	    &l2tpckpt__ref__descriptor, ext_apply };
	static const struct ha_rec dup = { R_TUNNEL, "dup",
	    &l2tpckpt__ref__descriptor, ext_apply };
	L2tpckpt__Ref r = L2TPCKPT__REF__INIT;
	struct ha_standby_stats st;
	uint8_t buf[64];
	size_t len;
	uint64_t errs;

	reset();
	CU_ASSERT_STRING_EQUAL(ha_rec_find(R_TUNNEL)->name, "tunnel");
	CU_ASSERT_STRING_EQUAL(ha_rec_find(R_PROGRESS)->name, "progress");
	CU_ASSERT_PTR_NULL(ha_rec_find(20));
	CU_ASSERT_PTR_NULL(ha_rec_find(1000));
	CU_ASSERT_EQUAL(ha_rec_register(&dup), -1);
	r.local_tid = 1;
	r.has_local_tid = 1;
	len = protobuf_c_message_pack(&r.base, buf);
	ha_standby_stats(&st);
	errs = st.apply_errors;
	/* unknown types are counted errors */
	CU_ASSERT_EQUAL(ha_apply(NULL, 1, 20, buf, len), -1);
	CU_ASSERT_EQUAL(ha_apply(NULL, 1, 1000, buf, len), -1);
	ha_standby_stats(&st);
	CU_ASSERT_EQUAL(st.apply_errors, errs + 2);
	/* a new part adds a type, not a branch */
	CU_ASSERT_EQUAL(ha_rec_register(&ext), 0);
	CU_ASSERT_EQUAL(ha_rec_register(&ext), 0);
	CU_ASSERT_EQUAL(ha_apply(NULL, 1, 20, buf, len), 0);
	CU_ASSERT_EQUAL(ext_applied, 1);
	/* garbage for a known type: counted */
	memset(buf, 0xff, sizeof(buf));
	CU_ASSERT_EQUAL(ha_apply(NULL, 1, R_SESSION, buf, 16), -1);
	ha_standby_stats(&st);
	CU_ASSERT_EQUAL(st.apply_errors, errs + 3);
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("l2tp_ha", NULL, NULL);

	ha_standby_init();
	CU_add_test(s, "names", test_names);
	CU_add_test(s, "restored_start_probe", test_restored_start_probe);
	CU_add_test(s, "drain_at_wrap", test_drain_at_wrap);
	CU_add_test(s, "zero_nothing_pending", test_zero_nothing_pending);
	CU_add_test(s, "resynced_resends", test_resynced_resends);
	CU_add_test(s, "recover_ok", test_recover_ok);
	CU_add_test(s, "recover_failed", test_recover_failed);
	CU_add_test(s, "recover_cannot_start", test_recover_cannot_start);
	CU_add_test(s, "probe_fails", test_probe_fails);
	CU_add_test(s, "down", test_down);
	CU_add_test(s, "ignored_events", test_ignored_events);
	CU_add_test(s, "takeover_window_and_end",
	    test_takeover_window_and_end);
	CU_add_test(s, "transition_log", test_transition_log);
	CU_add_test(s, "record_table", test_record_table);
}
