/*
 * rf.c - redundancy facility: role negotiation, keepalives, IOS state
 * progression, switchover (automatic, manual, cold), epoch fencing.
 *
 * rf_fsm(ev) is the only entry into the state machine and rf_change_state()
 * the only place that assigns sso.rf.state (STYLE.md 5).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/rand.h>

#include "sso_local.h"
#include "render.h"

/* the daemon's one unit; the unit tests make more (sso_unit_new) */
static struct sso_core main_unit;
struct sso_core *sso_unit = &main_unit;


enum rf_event {
	RF_EV_START,		/* sockets open */
	RF_EV_NEGO_TIMEOUT,	/* no peer heard */
	RF_EV_PEER_ACTIVE,	/* peer claims an active state */
	RF_EV_PEER_NEGO,	/* peer negotiating too */
	RF_EV_PEER_DOWN,	/* keepalive threshold missed */
	RF_EV_PHASE,		/* standby progression marker applied */
	RF_EV_BULK_DONE,	/* every client's bulk applied */
	RF_EV_RESYNC,		/* active asked for a full re-bulk */
	RF_EV_HANDOVER,		/* active handed over (manual switchover) */
	RF_EV_PROGRESS,		/* next step of the active progression */
	RF_EV_MAX
};
static const char *const event_names[RF_EV_MAX] = {
	"start", "negotiation timeout", "peer active", "peer negotiating",
	"peer down", "progression", "bulk done", "full resync", "handover",
	"progress"
};

static struct sso_debug dbg_rf = { .name = "redundancy rf" };
static void (*restart_hook)(void);
static const struct sso_rf_issu_ops *issu_ops;	/* issu.c */

enum sso_rf_state sso_rf_state(void) { return sso.rf.state; }
struct ev_loop *sso_loop(void) { return sso.loop; }
int sso_rf_quiesced(void) { return sso.rf.quiesced; }
int sso_rf_via_handover(void) { return sso.rf.via_handover; }
unsigned sso_rf_unit(void) { return sso.conf.unit; }
uint32_t sso_rf_epoch(void) { return sso.rf.epoch; }

static void send_keepalive(void);

static void
rf_change_state(enum sso_rf_state new, enum rf_event ev)
{
	enum sso_rf_state old = sso.rf.state;

	if (old == new)
		return;
	sso.rf.state = new;
	sso.rf.state_since_ms = sso_now_ms();
	sso_log(SSO_NOTICE, "RF", "STATE", "%s -> %s (%s)",
	    sso_rf_state_name(old), sso_rf_state_name(new), event_names[ev]);
	sso_hist_add("%s -> %s (%s)", sso_rf_state_name(old),
	    sso_rf_state_name(new), event_names[ev]);
	/* the hook first: the address it moves is what the clients'
	 * takeover (the L2TP bind) waits for */
	sso_notify_state(new);
	sso_cf_clients_event(SSO_EV_STATE, new, old);
	if (issu_ops)
		issu_ops->state(new, old);
	send_keepalive();	/* tell the peer at once, not at the next tick */
}

void
sso_rf_set_restart_hook(void (*fn)(void))
{
	restart_hook = fn;
}

void
sso_rf_set_issu_ops(const struct sso_rf_issu_ops *ops)
{
	issu_ops = ops;
}

/*
 * Restart this process as a fresh unit (it will negotiate as standby).
 * The same process image is executed again, so the PID (systemd's
 * MAINPID, the pidfile) stays; SSOD_REEXEC tells the new image that it
 * must not daemonize again. The restart hook (ssod's main) hands over
 * what outlives the image: the pidfile lock, the working directory.
 * A failed exec is logged with its reason: the unit never vanishes
 * silently.
 */
void
sso_rf_restart(const char *why)
{
	char self[PATH_MAX];
	const char *img;
	ssize_t n;

	sso_log(SSO_NOTICE, "RF", "RELOAD", "reloading this unit: %s", why);
	if (sso.restart) {	/* a unit test's unit: no process to exec */
		sso.restart(sso.restart_arg, why);
		return;
	}
	/* systemd: the same PID reports READY=1 again once negotiated */
	sso_notify_sd("RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=re-executing: "
	    "%s", (unsigned long long)sso_now_us(), why);
	sso_notify_stop();
	sso.tx->close(sso.tx_arg);
	/* the new incarnation records why it was started */
	setenv("SSOD_RESTART_REASON", why, 1);
	setenv("SSOD_REEXEC", "1", 1);
	/* last: what it hands over (the pidfile lock) must not leak into
	 * the notify script run above */
	if (restart_hook)
		restart_hook();
	/* ISSU: the image the procedure names for this unit (issu.c) */
	if (issu_ops && (img = issu_ops->exec_image()) != NULL) {
		execv(img, sso.argv);
		sso_log(SSO_ERR, "RF", "RELOAD", "cannot exec %s: %s", img,
		    strerror(errno));
	}
	/* the real path, so that ps still shows "ssod" */
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		execv(self, sso.argv);
		sso_log(SSO_ERR, "RF", "RELOAD", "cannot re-exec %s: %s", self,
		    strerror(errno));
	}
	execv("/proc/self/exe", sso.argv);
	sso_fatal("cannot re-exec /proc/self/exe: %s", strerror(errno));
}

static void rf_fsm_progress(void);

static void
progress_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	SSO_UNIT_ENTER(w, rf.progress_timer);
	rf_fsm_progress();
}

static void
schedule_progress(void)
{
	ev_timer_stop(sso.loop, &sso.rf.progress_timer);
	ev_timer_set(&sso.rf.progress_timer, 0., 0.);
	ev_timer_start(sso.loop, &sso.rf.progress_timer);
}

static void
become_active(enum rf_event ev, int stateful, const char *reason)
{
	enum sso_rf_state old = sso.rf.state;

	ev_timer_stop(sso.loop, &sso.rf.nego_timer);
	sso.rf.via_handover = (ev == RF_EV_HANDOVER);
	if (SSO_RF_IS_STANDBY(old)) {
		if (ev == RF_EV_HANDOVER) {
			/* its frames of the old epoch still in flight are
			 * expected (sso_rf_stale) */
			sso.rf.handover_from_boot = sso.rf.peer_boot_id;
			sso.rf.handover_from_epoch = sso.rf.epoch;
			sso.rf.handover_at_ms = sso_now_ms();
		}
		sso.rf.epoch++;
		sso.rf.switchovers++;
		sso.rf.sys_switchovers++;
		sso.rf.last_switchover_wall_ms = sso_wall_ms();
		if (reason != sso.rf.last_reason)
			snprintf(sso.rf.last_reason, sizeof(sso.rf.last_reason),
			    "%s", reason);
		if (!stateful) {
			sso.rf.standby_not_ready++;
			sso_log(SSO_ERR, "RF", "NOT_READY", "standby not ready "
			    "(%s): coming up active without state",
			    sso_rf_state_name(old));
			sso_hist_add("cold takeover: standby not ready (%s)",
			    sso_rf_state_name(old));
		}
		sso_log(SSO_NOTICE, "RF", "SWITCHOVER", "%s switchover, "
		    "epoch %u: %s", stateful ? "stateful" : "cold",
		    sso.rf.epoch, reason);
	}
	if (!stateful)
		sso_cf_reset_clients();
	sso_cf_became_active();
	rf_change_state(stateful ? SSO_RF_ACTIVE_FAST : SSO_RF_ACTIVE, ev);
	if (!stateful && SSO_RF_IS_STANDBY(old))
		sso_cf_clients_event(SSO_EV_COLD_TAKEOVER, sso.rf.state, old);
	if (stateful)
		schedule_progress();
}

/* ACTIVE FAST -> DRAIN -> PRECONFIG -> POSTCONFIG -> ACTIVE, one step per
 * loop iteration so clients run between steps */
static void
rf_fsm_progress(void)
{
	if (sso.rf.state >= SSO_RF_ACTIVE_FAST &&
	    sso.rf.state < SSO_RF_ACTIVE) {
		rf_change_state(sso.rf.state + 1, RF_EV_PROGRESS);
		if (sso.rf.state < SSO_RF_ACTIVE)
			schedule_progress();
	}
}

static void
become_standby(enum rf_event ev)
{
	ev_timer_stop(sso.loop, &sso.rf.nego_timer);
	rf_change_state(SSO_RF_STANDBY_COLD, ev);
	sso_cf_became_standby();
}

static int
i_am_preferred(void)
{
	int pref = sso.conf.preferred >= 0 ? sso.conf.preferred : 0;

	return (unsigned)pref == sso.conf.unit;
}

static void
rf_fsm(enum rf_event ev, enum sso_rf_state arg)
{
	enum sso_rf_state s = sso.rf.state;

	SSO_DEBUG(&dbg_rf, "RF", "event %s in %s", event_names[ev],
	    sso_rf_state_name(s));
	switch (ev) {
	case RF_EV_START:
		rf_change_state(SSO_RF_NEGOTIATION, ev);
		break;
	case RF_EV_NEGO_TIMEOUT:
		if (s != SSO_RF_NEGOTIATION)
			break;
		/* a sender that fails authentication is no peer, whatever
		 * its address (peerauth.c says why): active, and say so */
		if (sso_peerauth_reason()[0])
			sso_hist_add("no authenticated peer within negotiation "
			    "timeout: active (simplex); %.60s",
			    sso_peerauth_reason());
		else
			sso_hist_add("no peer within negotiation timeout: "
			    "active (simplex)");
		become_active(ev, 0, "negotiation timeout");
		break;
	case RF_EV_PEER_ACTIVE:
		if (s == SSO_RF_NEGOTIATION)
			become_standby(ev);
		break;
	case RF_EV_PEER_NEGO:
		if (s == SSO_RF_NEGOTIATION && i_am_preferred())
			become_active(ev, 0, "negotiated active");
		break;
	case RF_EV_PEER_DOWN:
		if (s == SSO_RF_STANDBY_HOT)
			become_active(ev, 1, sso.rf.last_reason);
		else if (SSO_RF_IS_STANDBY(s))
			become_active(ev, 0, sso.rf.last_reason);
		break;
	case RF_EV_PHASE:
		/* a standby fault holds the progression until a re-bulk */
		if (SSO_RF_IS_STANDBY(s) && arg > s &&
		    arg < SSO_RF_STANDBY_HOT && !sso.rf.not_hot_reason[0])
			rf_change_state(arg, ev);
		break;
	case RF_EV_BULK_DONE:
		if (SSO_RF_IS_STANDBY(s) && !sso.rf.not_hot_reason[0])
			rf_change_state(SSO_RF_STANDBY_HOT, ev);
		break;
	case RF_EV_RESYNC:
		if (SSO_RF_IS_STANDBY(s) && s != SSO_RF_STANDBY_COLD)
			rf_change_state(SSO_RF_STANDBY_COLD, ev);
		break;
	case RF_EV_HANDOVER:
		if (s == SSO_RF_STANDBY_HOT)
			become_active(ev, 1, sso.rf.last_reason);
		break;
	default:
		break;
	}
}

/* the events cf.c reports (struct sso_cf_events, registered at init) */
static void
cf_phase(void *arg, enum sso_rf_state st)
{
	(void)arg;
	rf_fsm(RF_EV_PHASE, st);
}

static void
cf_bulk_done(void *arg)
{
	(void)arg;
	rf_fsm(RF_EV_BULK_DONE, 0);
}

void
sso_rf_cold(void)
{
	rf_fsm(RF_EV_RESYNC, 0);
}

static void
rf_not_hot(const char *reason)
{
	if (strcmp(sso.rf.not_hot_reason, reason) != 0) {
		snprintf(sso.rf.not_hot_reason, sizeof(sso.rf.not_hot_reason),
		    "%s", reason);
		if (reason[0]) {
			sso_log(SSO_ERR, "RF", "NOT_HOT", "standby cannot "
			    "reach HOT: %s", reason);
			sso_hist_add("standby not HOT: %s", reason);
		}
	}
	if (reason[0])
		rf_fsm(RF_EV_RESYNC, 0);
}

/* keepalives */

static void
send_keepalive(void)
{
	Sso__Frame f = SSO__FRAME__INIT;

	if (!sso.tx->is_open(sso.tx_arg, SSO_LINK_KA))
		return;
	f.type = SSO__FRAME_TYPE__FT_KEEPALIVE;
	f.has_type = 1;
	f.rf_state = sso.rf.state;
	f.has_rf_state = 1;
	f.ka_seq = ++sso.rf.ka_seq;
	f.has_ka_seq = 1;
	f.preferred = i_am_preferred();
	f.has_preferred = 1;
	f.role_since_ms = sso_now_ms() - sso.rf.state_since_ms;
	f.has_role_since_ms = 1;
	if (SSO_RF_IS_ACTIVE(sso.rf.state)) {
		f.cf_session = sso_cf_ka_session();
		f.has_cf_session = 1;
	}
	f.system_uptime_ms = sso_now_ms() - sso.rf.sys_start_ms;
	f.has_system_uptime_ms = 1;
	f.system_switchovers = sso.rf.sys_switchovers;
	f.has_system_switchovers = 1;
	if (sso.tx->live_port &&
	    (f.liveness_port = sso.tx->live_port(sso.tx_arg)) != 0)
		f.has_liveness_port = 1;
	if (issu_ops)
		issu_ops->ka_fill(&f);
	if (sso_tx(SSO_LINK_KA, &f) == 0)
		sso.rf.ka_tx++;
}

/*
 * The peer is gone: lost (keepalive timeout, restart seen) or stopped in
 * order (a goodbye frame). Only a loss is a failure: counted as peer_down,
 * and as a standby failure when we are the active.
 */
static void
peer_gone(const char *why, int orderly)
{
	uint64_t detect = sso_now_ms() - sso.rf.peer_last_rx_ms;
	char reason[sizeof(sso.rf.last_reason)];

	sso.rf.peer_up = 0;
	sso.rf.peer_state = SSO_RF_DISABLED;
	if (orderly) {
		sso.rf.peer_stops++;
		detect = 0;
		snprintf(reason, sizeof(reason), "peer stopped in order (%s)",
		    why);
	} else {
		sso.rf.peer_downs++;
		if (SSO_RF_IS_ACTIVE(sso.rf.state))
			sso.rf.standby_failures++;
		snprintf(reason, sizeof(reason), "%s (detected in %llu ms)",
		    why, (unsigned long long)detect);
	}
	/* only a standby's loss of its active is a switchover: an active
	 * losing its standby keeps the reason of the switchover shown */
	if (SSO_RF_IS_STANDBY(sso.rf.state)) {
		sso.rf.last_detect_ms = detect;
		memcpy(sso.rf.last_reason, reason, sizeof(reason));
	}
	/* what kept the pair out of HOT went with the peer (a mismatched
	 * standby that died must not leave "configuration differs") */
	sso.rf.not_hot_reason[0] = '\0';
	if (orderly) {
		sso_log(SSO_NOTICE, "RF", "PEER_STOP", "peer unit %u stopped "
		    "in order (%s)", !sso.conf.unit, why);
		sso_hist_add("peer unit %u stopped in order: %s",
		    !sso.conf.unit, why);
	} else {
		sso_log(SSO_ERR, "RF", "PEER_DOWN", "peer unit %u lost: %s",
		    !sso.conf.unit, reason);
		sso_hist_add("peer unit %u down: %s", !sso.conf.unit, reason);
	}
	sso_cf_peer_state(0);
	sso_cf_clients_event(SSO_EV_PEER_DOWN, sso.rf.state, sso.rf.state);
	rf_fsm(RF_EV_PEER_DOWN, 0);
}

static void
ka_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	SSO_UNIT_ENTER(w, rf.ka_timer);
	send_keepalive();
	sso_witness_send();
	sso_cf_tick();
}

/* restarted by every keepalive received: fires threshold x interval after
 * the last one, so detection does not wait for the next send tick */
static void
dead_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	SSO_UNIT_ENTER(w, rf.dead_timer);
	if (!sso.rf.peer_up)
		return;
	if (sso_witness_peer_alive()) {
		/* the inter-RP link is down, the peer is not: taking over
		 * now would make two units serve (RFC 7031 5.2) */
		if (!sso.rf.comm_interrupted) {
			sso.rf.comm_interrupted = 1;
			sso.rf.comm_interruptions++;
			sso_log(SSO_ALERT, "RF", "COMM_INTERRUPTED", "no "
			    "keepalive from unit %u but its witness beacons "
			    "arrive: inter-RP link down, not switching over",
			    !sso.conf.unit);
			sso_hist_add("communication interrupted: peer alive via "
			    "witness, no switchover");
			sso_cf_peer_state(0);
		}
		ev_timer_again(loop, w);	/* look again */
		return;
	}
	sso.rf.ka_missed++;
	peer_gone(sso.rf.comm_interrupted ? "keepalive and witness timeout"
	    : "keepalive timeout", 0);
	sso.rf.comm_interrupted = 0;
}

static void
nego_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	SSO_UNIT_ENTER(w, rf.nego_timer);
	rf_fsm(RF_EV_NEGO_TIMEOUT, 0);
}

/*
 * The pair's uptime and switchover count are the larger of both units'
 * views: a unit that re-executes itself (manual switchover, reload)
 * learns them back from its peer, so both units show the same figures.
 * They start again only when both units were down together.
 */
static void
pair_figures(const Sso__Frame *f)
{
	uint64_t now = sso_now_ms();

	if (f->has_system_uptime_ms && f->system_uptime_ms <= now &&
	    now - f->system_uptime_ms < sso.rf.sys_start_ms)
		sso.rf.sys_start_ms = now - f->system_uptime_ms;
	if (f->has_system_switchovers &&
	    f->system_switchovers > sso.rf.sys_switchovers)
		sso.rf.sys_switchovers = f->system_switchovers;
}

static int
wins_dual_active(uint32_t peer_epoch)
{
	if (sso.rf.epoch != peer_epoch)
		return sso.rf.epoch > peer_epoch;
	return i_am_preferred();
}

/* the standby's view of the active's keepalives (and the other way) */
static void
ka_gap(uint64_t ms)
{
	sso.rf.ka_gap_last_ms = ms;
	if (ms > sso.rf.ka_gap_max_ms)
		sso.rf.ka_gap_max_ms = ms;
	if (ms * 2 > (uint64_t)sso.conf.ka_interval * 3)
		sso.rf.ka_late++;
}

void
sso_rf_rx_keepalive(Sso__Frame *f)
{
	enum sso_rf_state ps = (enum sso_rf_state)f->rf_state;
	int was_up = sso.rf.peer_up;

	/* fencing: a unit that claims to be active with an older epoch is
	 * a stale active; everything else adopts the newer epoch */
	if (SSO_RF_IS_ACTIVE(ps) && f->epoch < sso.rf.epoch &&
	    SSO_RF_IS_ACTIVE(sso.rf.state)) {
		sso_rf_stale(f, "keepalive from a stale active");
		/* it must learn it lost: keep answering with ours */
		send_keepalive();
		return;
	}
	if (was_up && sso.rf.peer_boot_id != f->boot_id &&
	    SSO_RF_IS_STANDBY(sso.rf.state) &&
	    SSO_RF_IS_ACTIVE(sso.rf.peer_state)) {
		/*
		 * The active restarted faster than the dead timer fires (a
		 * process restart, a supervisor): its state is gone and ours
		 * is the only copy. Take over now, as for a lost keepalive;
		 * waiting would let it win the negotiation empty-handed and
		 * wipe our copy with a full resync.
		 */
		peer_gone("peer restarted", 0);
		was_up = 0;
	}
	if (f->epoch > sso.rf.epoch && !SSO_RF_IS_ACTIVE(sso.rf.state))
		sso.rf.epoch = f->epoch;
	/* authenticated by CURVE: where the peer's liveness listener is */
	if (f->has_liveness_port && sso.tx->live_peer)
		sso.tx->live_peer(sso.tx_arg, f->liveness_port);
	sso.rf.ka_rx++;
	if (was_up)
		ka_gap(sso_now_ms() - sso.rf.peer_last_rx_ms);
	else
		sso.rf.ka_gap_max_ms = sso.rf.ka_gap_last_ms = 0;
	sso.rf.peer_last_rx_ms = sso_now_ms();
	pair_figures(f);
	if (sso.rf.comm_interrupted) {
		sso.rf.comm_interrupted = 0;
		sso_log(SSO_NOTICE, "RF", "COMM_RESTORED", "keepalives from "
		    "unit %u again", f->unit);
		sso_hist_add("communication restored");
	}
	ev_timer_again(sso.loop, &sso.rf.dead_timer);
	if (ps != sso.rf.peer_state) {
		sso.rf.peer_state_since_ms = sso_now_ms() -
		    (f->has_role_since_ms ? f->role_since_ms : 0);
		sso_hist_add("peer unit %u: %s", f->unit,
		    sso_rf_state_name(ps));
	}
	sso.rf.peer_state = ps;
	sso.rf.peer_epoch = f->epoch;
	if (issu_ops)
		issu_ops->ka_rx(f);
	if (!was_up || sso.rf.peer_boot_id != f->boot_id) {
		int restarted = was_up && sso.rf.peer_boot_id != f->boot_id;

		sso.rf.peer_boot_id = f->boot_id;
		sso.rf.peer_up = 1;
		sso_log(SSO_NOTICE, "RF", "PEER_UP", "peer unit %u %s (%s)",
		    f->unit, restarted ? "restarted" : "up",
		    sso_rf_state_name(ps));
		sso_hist_add("peer unit %u up (%s)", f->unit,
		    sso_rf_state_name(ps));
		if (restarted)
			sso_cf_peer_state(0);
		sso_cf_peer_state(1);
		sso_cf_clients_event(SSO_EV_PEER_UP, sso.rf.state,
		    sso.rf.state);
	}
	if (SSO_RF_IS_ACTIVE(ps) && SSO_RF_IS_ACTIVE(sso.rf.state) &&
	    !sso.rf.handover_pending) {
		sso.rf.dual_active++;
		sso_log(SSO_CRIT, "RF", "DUAL_ACTIVE", "both units active "
		    "(epoch %u here, %u on peer)", sso.rf.epoch, f->epoch);
		sso_hist_add("dual active detected: epoch %u here, %u peer",
		    sso.rf.epoch, f->epoch);
		if (!wins_dual_active(f->epoch))
			sso_rf_restart("dual active resolution: peer wins "
			    "(higher epoch, or equal epoch and preferred)");
		return;
	}
	if (SSO_RF_IS_ACTIVE(ps) && f->has_cf_session)
		sso_cf_ka_check(f->cf_session);
	if (SSO_RF_IS_ACTIVE(ps))
		rf_fsm(RF_EV_PEER_ACTIVE, 0);
	else if (ps == SSO_RF_NEGOTIATION)
		rf_fsm(RF_EV_PEER_NEGO, 0);
}

/* orderly stop: the goodbye frame */

/*
 * Tell the peer we stop or restart in order, so that the silence that
 * follows is logged as what it is and not counted as a failure. Sent on
 * both links (either may be down). The frame is written by libzmq's I/O
 * thread while this process is about to exit or exec, and ZeroMQ has no
 * "flushed" notification short of zmq_ctx_term (which would wait for the
 * control sockets too): one short bounded pause lets it leave. A goodbye
 * lost anyway degrades to the keepalive timeout it replaces.
 */
static void
send_goodbye(const char *why)
{
	Sso__Frame f = SSO__FRAME__INIT;
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int sent = 0;

	if (!sso.conf.mode_sso)
		return;
	f.type = SSO__FRAME_TYPE__FT_GOODBYE;
	f.has_type = 1;
	f.rf_state = sso.rf.state;
	f.has_rf_state = 1;
	f.reason = (char *)why;
	sent += sso_tx(SSO_LINK_KA, &f) == 0;
	sent += sso_tx(SSO_LINK_CF, &f) == 0;
	sso_hist_add("goodbye to unit %u: %s", !sso.conf.unit, why);
	if (sent)
		nanosleep(&ts, NULL);
}

void
sso_rf_rx_goodbye(Sso__Frame *f)
{
	char why[96];

	/* one per incarnation (it comes on both links); an older one's is
	 * late news */
	if (!sso.rf.peer_up || f->boot_id != sso.rf.peer_boot_id)
		return;
	snprintf(why, sizeof(why), "%s", f->reason && f->reason[0] ?
	    f->reason : "no reason given");
	peer_gone(why, 1);
}

/*
 * The transport's evidence that the peer's process is gone (live.c: its
 * kernel closed the authenticated liveness connection, FIN or RST, with
 * no goodbye before). Its host lives, so nothing can still serve: no
 * reason to wait for the dead timer or to ask the witness. Evidence about
 * an older incarnation, or a peer already down, is late news.
 */
void
sso_rf_peer_process_gone(uint64_t boot_id, const char *why)
{
	if (!sso.rf.peer_up || boot_id != sso.rf.peer_boot_id)
		return;
	sso.rf.fast_detections++;
	sso.rf.comm_interrupted = 0;
	peer_gone(why, 0);
}

/* manual switchover */

static void
handover_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents);

/* why the handover: sent to the peer, which records it */
/* an orderly stop (SIGTERM) hands over, then ends the loop */

static void
send_handover(void)
{
	Sso__Frame f = SSO__FRAME__INIT;

	f.type = SSO__FRAME_TYPE__FT_SWITCHOVER;
	f.has_type = 1;
	f.history_id = sso_cf_history();
	f.has_history_id = 1;
	f.ack = sso_cf_last_seq();
	f.has_ack = 1;
	f.reason = sso.rf.handover_reason;
	/* the standby takes over with the next epoch (become_active) */
	if (sso_tx(SSO_LINK_CF, &f) == 0) {
		sso.rf.handover_pending = 2;
		sso_cf_clients_event(SSO_EV_HANDOVER, sso.rf.state,
		    sso.rf.state);
	}
}

static void
quiesce_end(int ok, const char *why)
{
	ev_timer_stop(sso.loop, &sso.rf.handover_timer);
	sso.rf.handover_pending = 0;
	if (ok)
		return;
	sso.rf.quiesced = 0;
	sso_log(SSO_ERR, "RF", "SWITCHOVER_FAIL", "manual switchover "
	    "aborted: %s", why);
	sso_hist_add("manual switchover aborted: %s", why);
	sso_cf_clients_event(SSO_EV_UNQUIESCE, sso.rf.state, sso.rf.state);
}

/* called from the CF whenever acks progress, and by the timer */
static void
handover_step(void)
{
	if (!sso.rf.quiesced)
		return;
	/* and no client busy with what it would rather finish itself, for
	 * SSO_HANDOVER_BUSY_MS at most (then the successor takes it over) */
	if (sso.rf.handover_pending == 1 && sso_cf_drained() &&
	    (!sso_cf_clients_busy() || sso_now_ms() -
	    sso.rf.handover_start_ms > SSO_HANDOVER_BUSY_MS))
		send_handover();
	if (sso.rf.handover_pending == 2 && SSO_RF_IS_ACTIVE(sso.rf.peer_state)
	    && sso.rf.peer_epoch > sso.rf.epoch) {
		quiesce_end(1, NULL);
		/* the peer serves: what this unit still held goes now */
		sso_cf_clients_event(SSO_EV_HANDED_OVER, sso.rf.state,
		    sso.rf.state);
		if (sso.rf.stop_after_handover) {
			sso_log(SSO_NOTICE, "RF", "STOP", "handed over to unit "
			    "%u: stopping", !sso.conf.unit);
			send_goodbye("SIGTERM, after handing over");
			ev_break(sso.loop, EVBREAK_ALL);
			return;
		}
		sso_hist_add("handed over to unit %u, restarting as standby",
		    !sso.conf.unit);
		send_goodbye("restarting as standby after a manual switchover");
		sso_rf_restart("manual switchover complete");
	}
}

static void
handover_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	SSO_UNIT_ENTER(w, rf.handover_timer);
	handover_step();
	if (!sso.rf.quiesced)
		return;
	if (sso_now_ms() - sso.rf.handover_start_ms > 5000) {
		quiesce_end(0, "standby did not take over in time");
		if (sso.rf.stop_after_handover) {
			send_goodbye("SIGTERM");
			ev_break(sso.loop, EVBREAK_ALL);	/* stop anyway */
		}
	}
}

static void
cf_ack_progress(void *arg)
{
	(void)arg;
	handover_step();
}

/* drain the checkpoint queue, then hand the active role to the standby */
static void
start_handover(const char *reason, const char *local_reason)
{
	snprintf(sso.rf.handover_reason, sizeof(sso.rf.handover_reason), "%s",
	    reason);
	sso.rf.quiesced = 1;
	sso.rf.handover_pending = 1;
	snprintf(sso.rf.last_reason, sizeof(sso.rf.last_reason), "%s",
	    local_reason);
	sso_log(SSO_NOTICE, "RF", "SWITCHOVER", "%s: draining checkpoint "
	    "queue", local_reason);
	sso_hist_add("%s: switchover requested", local_reason);
	sso_cf_clients_event(SSO_EV_QUIESCE, sso.rf.state, sso.rf.state);
	ev_timer_stop(sso.loop, &sso.rf.handover_timer);
	ev_timer_init(&sso.rf.handover_timer, handover_timeout_cb,
	    sso.conf.ka_interval / 1000.0, sso.conf.ka_interval / 1000.0);
	sso.rf.handover_start_ms = sso_now_ms();
	ev_timer_start(sso.loop, &sso.rf.handover_timer);
	handover_step();
}

/*
 * Orderly stop (SIGTERM): an active with a HOT standby hands over first,
 * as `redundancy force-switchover` does, and the loop ends once the peer
 * has taken over (or after 5 s). Returns 0 when there is nothing to hand
 * over and the caller stops at once.
 */
/* a manual switchover without a command reply (the unit tests): -1 when
 * refused for the reasons `redundancy force-switchover` gives */
int
sso_rf_handover(const char *why)
{
	if (sso.rf.state != SSO_RF_ACTIVE || sso.rf.quiesced ||
	    !sso.rf.peer_up || sso.rf.peer_state != SSO_RF_STANDBY_HOT)
		return -1;
	start_handover(why, why);
	return 0;
}

int
sso_rf_stop(void)
{
	if (sso.rf.state != SSO_RF_ACTIVE || !sso.rf.peer_up ||
	    sso.rf.peer_state != SSO_RF_STANDBY_HOT || sso.rf.quiesced) {
		send_goodbye("SIGTERM");	/* the caller stops at once */
		return 0;
	}
	sso.rf.stop_after_handover = 1;
	start_handover("orderly stop of the active (SIGTERM)",
	    "orderly stop (SIGTERM)");
	return 1;
}

static int
cmd_force_switchover(void *arg, const struct sso_args *a,
    struct sso_reply *r)
{
	if (sso.rf.state != SSO_RF_ACTIVE)
		return sso_reply_err(r, SSO_RC_ERROR, "%% This unit is not "
		    "ACTIVE (%s)", sso_rf_state_name(sso.rf.state));
	if (sso.rf.quiesced)
		return sso_reply_err(r, SSO_RC_ERROR, "%% Switchover already "
		    "in progress");
	if (!sso.rf.peer_up || sso.rf.peer_state != SSO_RF_STANDBY_HOT)
		return sso_reply_err(r, SSO_RC_ERROR, "%% Standby not ready "
		    "(peer %s): switchover refused",
		    sso.rf.peer_up ? sso_rf_state_name(sso.rf.peer_state) :
		    "down");
	start_handover("manual switchover (redundancy force-switchover)",
	    "redundancy force-switchover");
	return sso_render_result(r, "switchover started", "Switchover "
	    "started: draining checkpoints, unit %u will take over\n",
	    !sso.conf.unit);
}

static int
cmd_reload_peer(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	Sso__Frame f = SSO__FRAME__INIT;

	if (!SSO_RF_IS_ACTIVE(sso.rf.state))
		return sso_reply_err(r, SSO_RC_ERROR, "%% Only the active "
		    "unit can reload its peer");
	if (!sso.rf.peer_up)
		return sso_reply_err(r, SSO_RC_ERROR, "%% Peer is down");
	f.type = SSO__FRAME_TYPE__FT_RELOAD;
	f.has_type = 1;
	if (sso_tx(SSO_LINK_CF, &f) == -1)
		return sso_reply_err(r, SSO_RC_ERROR, "%% Cannot reach the "
		    "peer: %s", strerror(errno));
	sso_hist_add("reload of peer unit %u requested", !sso.conf.unit);
	return sso_render_result(r, "reload sent", "Reload sent to unit %u\n",
	    !sso.conf.unit);
}

/*
 * A frame of an older epoch is dropped and counted (fencing). Right after
 * a handover to this unit, the old active's frames of the epoch it handed
 * over are still in flight (its keepalives until it sees our new epoch,
 * its last acks): expected, counted as stale_epoch_handover too, but not
 * logged as a bad frame. Anything else of an old epoch, or the same after
 * the old active's handover window (5 s, its own timeout), is a warning.
 */
void
sso_rf_stale(const Sso__Frame *f, const char *what)
{
	sso.rf.stale_epoch++;
	if (sso.rf.handover_from_boot != 0 &&
	    f->boot_id == sso.rf.handover_from_boot &&
	    f->epoch == sso.rf.handover_from_epoch &&
	    sso_now_ms() - sso.rf.handover_at_ms <= 5000) {
		sso.rf.stale_handover++;
		sso.chan.bad[SSO_BAD_EPOCH]++;
		return;
	}
	sso_chan_bad(SSO_BAD_EPOCH, what);
}

void
sso_rf_rx_control(Sso__Frame *f)
{
	if (f->epoch < sso.rf.epoch) {
		sso_rf_stale(f, "control frame");
		return;
	}
	switch (f->type) {
	case SSO__FRAME_TYPE__FT_RELOAD:
		if (SSO_RF_IS_STANDBY(sso.rf.state) &&
		    SSO_RF_IS_ACTIVE(sso.rf.peer_state))
			{
			sso_rf_restart("reload requested by the active unit");
			break;
		}
		sso_chan_bad(SSO_BAD_STATE, "reload while not standby");
		break;
	case SSO__FRAME_TYPE__FT_SWITCHOVER:
		if (sso.rf.state != SSO_RF_STANDBY_HOT) {
			sso_chan_bad(SSO_BAD_STATE, "handover while not HOT");
			rf_not_hot("handover refused: not STANDBY HOT");
			break;
		}
		snprintf(sso.rf.last_reason, sizeof(sso.rf.last_reason),
		    "%s", f->reason ? f->reason : "handover");
		sso.rf.epoch = f->epoch;	/* become_active() adds one */
		rf_fsm(RF_EV_HANDOVER, 0);
		break;
	default:
		sso_chan_bad(SSO_BAD_TYPE, NULL);
		break;
	}
}

/* the snapshot of the show commands (rf_show.c) */

static const char *
comms(void)
{
	if (sso.rf.comm_interrupted)
		return "Interrupted (peer alive via witness)";
	if (!sso.rf.peer_up)
		return "Down";
	/* the checkpoint session, not the TCP link: a link monitor event of
	 * a stale connection could mark a working link down */
	return sso_cf_session_up() ? "Up" : "Up (keepalive only)";
}

/*
 * Why the pair is not HOT: a standby fault, else (no peer accepted) why
 * the peer is not accepted, so two actives caused by wrong keys never
 * show an empty reason (issue 9, item 6).
 */
static const char *
not_hot_reason(void)
{
	if (sso.rf.not_hot_reason[0] || sso.rf.peer_up)
		return sso.rf.not_hot_reason;
	return sso_peerauth_reason();
}

void
sso_rf_get_info(struct sso_rf_info *i)
{
	uint64_t now = sso_now_ms();

	memset(i, 0, sizeof(*i));
	i->unit = sso.conf.unit;
	i->peer_unit = !sso.conf.unit;
	i->mode_sso = sso.conf.mode_sso;
	i->peer_up = sso.rf.peer_up;
	i->quiesced = sso.rf.quiesced;
	i->state = sso.rf.state;
	i->state_name = sso_rf_state_name(sso.rf.state);
	i->peer_state = sso.rf.peer_up ? sso.rf.peer_state : SSO_RF_DISABLED;
	i->peer_state_name = sso_rf_state_name(i->peer_state);
	i->operating_mode = sso.conf.mode_sso && sso.rf.peer_up ?
	    "Stateful Switchover" : "Simplex";
	i->communications = comms();
	i->not_hot_reason = sso.rf.not_hot_reason;
	i->not_hot_or_peer = not_hot_reason();
	i->last_reason = sso.rf.last_reason;
	i->peer_reason = sso_peerauth_reason();
	i->hostname = sso.conf.hostname;
	i->epoch = sso.rf.epoch;
	i->ka_interval = sso.conf.ka_interval;
	i->ka_threshold = sso.conf.ka_threshold;
	i->nclients = sso_cf_nclients();
	i->switchovers = sso.rf.switchovers;
	i->sys_switchovers = sso.rf.sys_switchovers;
	i->standby_not_ready = sso.rf.standby_not_ready;
	i->standby_failures = sso.rf.standby_failures;
	i->peer_stops = sso.rf.peer_stops;
	i->dual_active = sso.rf.dual_active;
	i->detection_ms = sso.rf.last_detect_ms;
	i->peer_auth_failures = sso_peerauth_failures();
	i->system_uptime_ms = now - sso.rf.sys_start_ms;
	i->uptime_ms = now - sso.rf.boot_ms;
	i->state_uptime_ms = now - sso.rf.state_since_ms;
	i->peer_state_uptime_ms = now - sso.rf.peer_state_since_ms;
	i->ka_tx = sso.rf.ka_tx;
	i->ka_rx = sso.rf.ka_rx;
	i->ka_missed = sso.rf.ka_missed;
	i->ka_late = sso.rf.ka_late;
	i->ka_gap_last_ms = sso.rf.ka_gap_last_ms;
	i->ka_gap_max_ms = sso.rf.ka_gap_max_ms;
	i->peer_downs = sso.rf.peer_downs;
	i->stale_epoch = sso.rf.stale_epoch;
	i->stale_handover = sso.rf.stale_handover;
	i->comm_interruptions = sso.rf.comm_interruptions;
	i->peer_process_gone = sso.rf.fast_detections;
	sso_live_counters(&i->liveness_connections, &i->liveness_ends,
	    &i->liveness_refused);
}

static int
cmd_test_cut(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	sso.tx->cut(sso.tx_arg, a->u[0]);
	return sso_render_result(r, "ok", "inter-RP links cut for %u ms\n",
	    a->u[0]);
}

static int
cmd_test_break(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	sso.tx->brk(sso.tx_arg, a->u[0]);
	return sso_render_result(r, "ok", "checkpoint link broken for %u "
	    "ms\n", a->u[0]);
}

static void
cf_not_hot(void *arg, const char *reason)
{
	(void)arg;
	rf_not_hot(reason);
}

static void
cf_cold(void *arg)
{
	(void)arg;
	sso_rf_cold();
}

static void
cf_stale(void *arg, const Sso__Frame *f, const char *what)
{
	(void)arg;
	sso_rf_stale(f, what);
}

static const struct sso_cf_events rf_cf_events = {
	.phase = cf_phase,
	.bulk_done = cf_bulk_done,
	.not_hot = cf_not_hot,
	.cold = cf_cold,
	.ack_progress = cf_ack_progress,
	.stale = cf_stale,
};

/* the state of this unit's RF (no commands: sso_rf_init adds them) */
void
sso_rf_unit_init(void)
{
	uint8_t rnd[8];

	memset(&sso.rf, 0, sizeof(sso.rf));
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		sso_fatal("no random bytes for the boot id");
	memcpy(&sso.rf.boot_id, rnd, sizeof(rnd));
	sso.rf.boot_ms = sso.rf.state_since_ms = sso_now_ms();
	sso.rf.sys_start_ms = sso.rf.boot_ms;
	sso.rf.boot_wall_ms = sso_wall_ms();
	sso.rf.state = SSO_RF_INITIALIZATION;
	sso.rf.peer_state = SSO_RF_DISABLED;
	if (getenv("SSOD_RESTART_REASON") != NULL) {
		sso_hist_add("unit restarted: %s",
		    getenv("SSOD_RESTART_REASON"));
		unsetenv("SSOD_RESTART_REASON");
	}
	sso_cf_set_events(&rf_cf_events, NULL);
}

/* a unit test's unit goes away: its timers off */
void
sso_rf_unit_fini(void)
{
	ev_timer_stop(sso.loop, &sso.rf.ka_timer);
	ev_timer_stop(sso.loop, &sso.rf.dead_timer);
	ev_timer_stop(sso.loop, &sso.rf.nego_timer);
	ev_timer_stop(sso.loop, &sso.rf.progress_timer);
	ev_timer_stop(sso.loop, &sso.rf.handover_timer);
}

void
sso_rf_init(void)
{
	sso_rf_unit_init();
	sso_debug_register(&dbg_rf);
	sso_cmd_register("redundancy force-switchover", cmd_force_switchover,
	    NULL);
	sso_cmd_register("redundancy reload peer", cmd_reload_peer, NULL);
	sso_cmd_register("test checkpoint link break <uint:1-600000>",
	    cmd_test_break, NULL);
	sso_cmd_register("test link cut <uint:1-600000>", cmd_test_cut, NULL);
}

int
sso_rf_start(void)
{
	double iv = sso.conf.ka_interval / 1000.0;

	ev_timer_init(&sso.rf.ka_timer, ka_timer_cb, iv, iv);
	ev_set_priority(&sso.rf.ka_timer, EV_MAXPRI);
	ev_timer_start(sso.loop, &sso.rf.ka_timer);
	ev_timer_init(&sso.rf.dead_timer, dead_timer_cb, 0.,
	    sso.conf.ka_interval * sso.conf.ka_threshold / 1000.0);
	ev_set_priority(&sso.rf.dead_timer, EV_MAXPRI);
	ev_timer_init(&sso.rf.progress_timer, progress_cb, 0., 0.);
	ev_timer_init(&sso.rf.nego_timer, nego_timer_cb,
	    sso.conf.nego_timeout / 1000.0, 0.);
	ev_timer_start(sso.loop, &sso.rf.nego_timer);
	if (!sso.conf.mode_sso) {
		become_active(RF_EV_START, 0, "redundancy mode none");
		return 0;
	}
	rf_fsm(RF_EV_START, 0);
	return 0;
}
