/*
 * sso_local.h - private to libssocore: the state of a unit (RF, CF,
 * channel) and the glue between the modules.
 *
 * Layering (one way; tools/callgraph, a ctest entry, fails on a cycle):
 *
 *   sso.c (start-up, configuration)   unit.c (routes received frames)
 *        |                                  |
 *        v                                  v
 *   rf.c (roles, keepalives, switchover) --calls--> cf.c (records, bulk)
 *        |         ^ struct sso_cf_events          |
 *        |         +-------------------------------+
 *        v                                         v
 *   the unit's transport hook (struct sso_tx_ops): chan.c (ZeroMQ) in
 *   the daemon, an in-memory pair in tests/unit/test_rf.c and test_cf.c
 *
 * A lower module never names an upper one: chan.c hands what it received
 * to its owner through struct sso_chan_ops (unit.c), cf.c tells rf.c what
 * happened through the struct sso_cf_events rf.c registered, and rf.c and
 * cf.c send through the unit's struct sso_tx_ops. hist.c (history ring,
 * drop counters) sits below all of them.
 */
#ifndef SSO_LOCAL_H
#define SSO_LOCAL_H

#include <limits.h>
#include <sys/socket.h>
#include <stdint.h>
#include <ev.h>

#include "sso.h"
#include "sso_daemon.h"
#include "log.h"
#include "sso.pb-c.h"

/* --- evzmq.c: ZeroMQ socket in a libev loop (ZMQ_FD is edge-triggered) */
struct sso_evzmq {
	void		*sock;
	struct ev_loop	*loop;
	ev_io		 io;
	ev_prepare	 prep;
	ev_check	 chk;
	ev_idle		 idle;
	int		 want_write;
	unsigned	 batch;		/* messages per callback at most */
	/* called with EV_READ when a message is waiting, EV_WRITE when
	 * want_write is set and the socket can take one */
	void		(*cb)(struct sso_evzmq *, int revents);
	void		*arg;
};
void	sso_evzmq_start(struct sso_evzmq *, struct ev_loop *, void *sock,
	    int priority, void (*cb)(struct sso_evzmq *, int), void *arg);
void	sso_evzmq_stop(struct sso_evzmq *);

/* --- frame.c: decoding and validation of inter-RP frames */
enum sso_bad {
	SSO_BAD_DECODE,		/* protobuf could not parse it */
	SSO_BAD_TYPE,		/* missing or unknown frame type */
	SSO_BAD_FIELD,		/* required field missing / out of range */
	SSO_BAD_UNIT,		/* not from the configured peer unit */
	SSO_BAD_EPOCH,		/* stale epoch (fenced) */
	SSO_BAD_SIZE,		/* too large */
	SSO_BAD_PARTS,		/* unexpected multipart shape */
	SSO_BAD_STATE,		/* not expected in our state */
	SSO_BAD_SEQ,		/* record sequence gap */
	SSO_BAD_CLIENT,		/* record for an unknown client */
	SSO_BAD_APPLY,		/* client refused to apply a record */
	SSO_BAD_MAX
};
extern const char *const sso_bad_names[SSO_BAD_MAX];
#define SSO_FRAME_MAX	(64u << 20)
Sso__Frame *sso_frame_decode(const uint8_t *, size_t, enum sso_bad *);
/* the same, allocating from a (NULL: malloc); free with the same */
Sso__Frame *sso_frame_decode_with(const uint8_t *, size_t, enum sso_bad *,
	    ProtobufCAllocator *a);

/* --- arena.c: a bump allocator, reset once per received frame */
struct sso_arena_chunk;
struct sso_arena {
	struct sso_arena_chunk *head;	/* in use, newest first */
	struct sso_arena_chunk *spare;	/* kept by the last reset */
	size_t		 bytes;		/* allocated since the reset */
	uint64_t	 chunks;	/* chunks taken (new or spare) */
	ProtobufCAllocator pb;
};
void	*sso_arena_alloc(struct sso_arena *, size_t);
void	 sso_arena_reset(struct sso_arena *);
void	 sso_arena_free(struct sso_arena *);
ProtobufCAllocator *sso_arena_pb(struct sso_arena *);
/* the arena of the frame being dispatched (sso_cf_rx_allocator), or NULL */
void	 sso_arena_set_current(struct sso_arena *);

/* --- chan.c: the two inter-RP connections */
enum sso_link { SSO_LINK_CF, SSO_LINK_KA, SSO_LINK_MAX };

struct sso_linkstat {
	uint64_t	 tx_frames, rx_frames, tx_bytes, rx_bytes;
	uint64_t	 tx_fail;		/* EAGAIN/EHOSTUNREACH */
	uint64_t	 connects, disconnects;
	uint64_t	 handshake_ok, auth_fail;
	uint64_t	 stale;			/* reopened: a connection
						 * libzmq left open (chan.c) */
};

/* an accepted connection seen closed by its peer, not yet freed */
struct sso_stale {
	uint64_t	 ino;		/* the socket's inode */
	uint64_t	 since_ms;
};
#define SSO_STALE_MAX	8

struct sso_chan {
	void		*zctx;
	void		*sock[SSO_LINK_MAX];
	void		*mon[SSO_LINK_MAX];
	int		 is_router[SSO_LINK_MAX];
	char		 peer_id[SSO_LINK_MAX][16];
	struct sso_evzmq ev[SSO_LINK_MAX];
	struct sso_linkstat st[SSO_LINK_MAX];
	uint64_t	 bad[SSO_BAD_MAX];
	uint64_t	 zap_denied, zap_allowed;
	ev_timer	 mon_timer;
	unsigned	 bound_port[SSO_LINK_MAX];	/* router links */
	struct sso_stale stale[SSO_LINK_MAX][SSO_STALE_MAX];
	unsigned	 nstale[SSO_LINK_MAX];
	ev_timer	 stale_timer;
	ev_timer	 reopen_timer[SSO_LINK_MAX];
	uint64_t	 reopen_until_ms[SSO_LINK_MAX];
	uint64_t	 break_until_ms;	/* test hook: CF link down */
	ev_timer	 break_timer;
	struct sso_ratelimit rl;
	const struct sso_chan_ops *ops;	/* the owner: unit.c */
	void		*ops_arg;
};

/* what chan.c hands to its owner (registered before sso_chan_open) */
struct sso_chan_ops {
	/* a decoded frame from the peer (freed when this returns) */
	void	(*rx_frame)(void *arg, enum sso_link, Sso__Frame *);
	/* the link can take frames again after sso_chan_want_write(l, 1) */
	void	(*writable)(void *arg, enum sso_link);
	/* live.c: the peer's kernel ended the authenticated liveness
	 * connection of the peer incarnation boot_id, unannounced */
	void	(*peer_process_gone)(void *arg, uint64_t boot_id,
		    const char *why);
};
void	sso_chan_set_ops(const struct sso_chan_ops *, void *arg);

/*
 * How rf.c and cf.c send: the unit's transport. The daemon binds it to
 * sso_chan_tx (chan.c); unit tests to an in-memory pair. send() gets a
 * frame whose envelope (unit, epoch, boot id) sso_tx() has filled in.
 */
struct sso_tx_ops {
	int	(*send)(void *arg, enum sso_link, Sso__Frame *); /* 0/-1 errno */
	void	(*want_write)(void *arg, enum sso_link, int on);
	int	(*is_open)(void *arg, enum sso_link);	/* socket there? */
	void	(*brk)(void *arg, unsigned ms);	/* test hook: CF link down */
	void	(*cut)(void *arg, unsigned ms);	/* test hook: both links */
	void	(*close)(void *arg);		/* before exec/exit */
	/* optional (NULL: none): the liveness port our keepalives advertise
	 * (0: none), and the one the peer's advertised */
	unsigned (*live_port)(void *arg);
	void	(*live_peer)(void *arg, unsigned port);
};
extern const struct sso_tx_ops sso_chan_tx;	/* arg unused */

int	sso_chan_open(void);
int	sso_chan_send(enum sso_link, Sso__Frame *);	/* 0, or -1 (errno) */
int	sso_chan_writable(enum sso_link);
void	sso_chan_want_write(enum sso_link, int);
/* hist.c: count and log a dropped peer frame (the DROP counters) */
void	sso_chan_bad(enum sso_bad, const char *detail);
void	sso_chan_break(unsigned ms);	/* test hook: reopen CF link */
void	sso_chan_close(void);
/* the checks start-up makes of a key file (secret: owner-only modes) */
int	sso_chan_key_check(const char *path, int secret, char *err,
	    size_t len);

/* --- live.c: the liveness connection (a dead peer process, at once) */
int	sso_live_open(const uint8_t key[32]);
unsigned sso_live_port(void);
void	sso_live_peer_port(unsigned port);
void	sso_live_goodbye(void);		/* an orderly stop follows */
void	sso_live_close(void);
void	sso_live_counters(uint64_t *armed, uint64_t *evidence,
	    uint64_t *refused);

/* --- peerauth.c: senders failing authentication on the inter-RP links */
void	sso_peerauth_zap_refused(const char *addr, size_t len); /* ZAP thread */
void	sso_peerauth_event(enum sso_link, uint16_t id, uint32_t value,
	    const char *endpoint);		/* every monitor event */
void	sso_peerauth_report(void);		/* main loop: log lines */
void	sso_peerauth_link_closed(enum sso_link);
/* why the configured peer is not accepted ("" when nothing recent) */
const char *sso_peerauth_reason(void);
uint64_t sso_peerauth_failures(void);
uint64_t sso_peerauth_non_zmtp(void);

/* --- fault.c: fault injection for the reliability tests */
enum sso_crash {
	SSO_CRASH_NONE,
	SSO_CRASH_BEFORE_CKPT_SEND,	/* active: records packed, not sent */
	SSO_CRASH_AFTER_CKPT_SEND,	/* active: records handed to ZeroMQ */
	SSO_CRASH_BEFORE_ACK,		/* standby: applied, ack not sent */
	SSO_CRASH_AFTER_ACK,		/* standby: ack sent */
	SSO_CRASH_MID_BULK,		/* standby: applying a bulk */
	SSO_CRASH_BEFORE_ANSWER,	/* client: safe answer not yet sent */
	SSO_CRASH_AFTER_ANSWER,		/* client: safe answer sent */
	SSO_CRASH_MAX
};
/* raw: how held and duplicated frames go out (sso_chan_send_raw) */
/* the test class's gate (`service internal`), registered with the
 * command grammar by sso_fault_init(): 0 when allowed, else the rc */
int	sso_test_refused(struct sso_reply *);
void	sso_fault_init(int (*raw)(enum sso_link, const uint8_t *, size_t));
void	sso_crash_point(enum sso_crash);
int	sso_fault_frame(enum sso_link, const uint8_t *, size_t);
int	sso_chan_send_raw(enum sso_link, const uint8_t *, size_t);
/* `service internal`: test hooks allowed (default off) */
int	sso_service_internal(void);
void	sso_fault_check(void);	/* after the configuration is loaded */

/* --- version.c: `ssod -V`, `show version` */
void	sso_version_register(void);
void	sso_version_print(struct sso_wbuf *);
const char *sso_version_string(void);
const char *sso_version_commit(void);
const char *sso_version_compiler(void);

/* --- issu.c: the ISSU procedure, above rf.c (registers its hooks) */
void	sso_issu_init(void);		/* the daemon: commands, identity */
void	sso_issu_start(void);		/* configuration loaded: state file */

/* --- configuration of the pair (rf.c owns it) */
struct sso_config {
	char		 hostname[64];
	int		 mode_sso;
	unsigned	 unit;			/* -u */
	char		 addr[2][256];
	int		 preferred;		/* -1 = lower unit */
	unsigned	 ka_interval, ka_threshold;
	unsigned	 nego_timeout;
	int		 security;		/* 1 = CURVE (default) */
	char		 key_secret[PATH_MAX], key_peer[PATH_MAX];
	char		 key_secret_raw[PATH_MAX], key_peer_raw[PATH_MAX];
	unsigned	 backlog;		/* records kept for resync */
	unsigned	 sync_deadline;		/* ms */
	unsigned	 bulk_page;		/* records per bulk call */
	unsigned	 bulk_window;		/* unacked records while bulking */
	char		 ctl_path[PATH_MAX], ctl_path_raw[PATH_MAX];
	/* control socket PATH read-only ("" = none), its line in the file */
	char		 ro_path[PATH_MAX], ro_path_raw[PATH_MAX];
	int		 ro_line;
	int		 have_redundancy;
	struct sockaddr_storage witness[2];	/* unit N witness ADDR PORT */
	socklen_t	 witness_len[2];
	char		 witness_text[2][64];
	unsigned	 witness_port[2];
	char		 notify[PATH_MAX];	/* role-change hook, "" = none */
	int		 liveness;		/* live.c on (default) */
	unsigned	 liveness_port;		/* unit 0 listens, 0 = any */
};


/* --- notify.c: the role-change hook */
void	sso_notify_state(enum sso_rf_state);
void	sso_notify_stop(void);
uint64_t sso_notify_runs(void);
uint64_t sso_notify_failures(void);
/* systemd (sd_notify; nothing happens when NOTIFY_SOCKET is unset) */
void	sso_notify_sd(const char *fmt, ...) __attribute__((format(printf, 1,
	    2)));
void	sso_notify_watchdog_start(void);

/* --- witness.c */
int	sso_witness_open(void);
void	sso_witness_send(void);
int	sso_witness_peer_alive(void);
void	sso_witness_counters(uint64_t *, uint64_t *, uint64_t *);
int	sso_chan_shared_key(uint8_t out[32]);
void	sso_chan_cut(unsigned ms);	/* test hook: both links */

/* --- rf.c */
struct sso_rf {
	enum sso_rf_state state;
	uint64_t	 state_since_ms;
	uint64_t	 boot_ms, boot_wall_ms;
	uint64_t	 boot_id;
	uint32_t	 epoch;
	int		 quiesced;
	/* peer */
	uint64_t	 peer_boot_id;
	enum sso_rf_state peer_state;
	uint64_t	 peer_state_since_ms;
	uint32_t	 peer_epoch;
	uint64_t	 peer_last_rx_ms;
	int		 peer_up;
	/* the time between two keepalives of the peer while it is up: the
	 * last, the longest since it came up, how many over 1.5 intervals */
	uint64_t	 ka_gap_last_ms, ka_gap_max_ms, ka_late;
	uint64_t	 ka_seq;
	/* counters and history */
	uint64_t	 switchovers, standby_not_ready, ka_tx, ka_rx, ka_missed;
	uint64_t	 dual_active, peer_downs, stale_epoch;
	int		 comm_interrupted;	/* KA lost, witness alive */
	uint64_t	 comm_interruptions;
	char		 last_reason[128];
	uint64_t	 last_switchover_wall_ms;
	uint64_t	 last_detect_ms;	/* peer loss detection time */
	char		 not_hot_reason[512];	/* why the pair is not HOT */
	ev_timer	 ka_timer, dead_timer, nego_timer, progress_timer, handover_timer;
	int		 handover_pending;
	int		 via_handover;	/* active through the peer's handover */
	uint64_t	 handover_start_ms;
	struct sso_ratelimit rl;
	/* peer_down while active; orderly stops (goodbye) of the peer */
	uint64_t	 standby_failures, peer_stops;
	/* peer losses seen through the liveness connection (live.c) */
	uint64_t	 fast_detections;
	/* pair-wide figures (keepalive fields 15, 16) */
	uint64_t	 sys_start_ms, sys_switchovers;
	/* frames of the epoch just handed over to us: expected, quiet */
	uint64_t	 handover_from_boot, handover_at_ms, stale_handover;
	uint32_t	 handover_from_epoch;
	char		 handover_reason[96];	/* sent with the SWITCHOVER */
	int		 stop_after_handover;	/* SIGTERM: stop, not standby */
};

/*
 * A snapshot of the RF for its show commands (rf_show.c): plain values,
 * the strings point into the unit (valid until the loop runs again).
 */
struct sso_rf_info {
	unsigned	 unit, peer_unit;
	int		 mode_sso, peer_up, quiesced;
	unsigned	 state, peer_state;	/* peer: DISABLED while down */
	const char	*state_name, *peer_state_name;
	const char	*operating_mode, *communications;
	const char	*not_hot_reason;	/* of this unit */
	const char	*not_hot_or_peer;	/* ... or why no peer accepted */
	const char	*last_reason, *peer_reason, *hostname;
	uint32_t	 epoch;
	unsigned	 ka_interval, ka_threshold, nclients;
	uint64_t	 switchovers, sys_switchovers, standby_not_ready;
	uint64_t	 standby_failures, peer_stops, dual_active;
	uint64_t	 detection_ms, peer_auth_failures;
	/* ages, ms */
	uint64_t	 system_uptime_ms, uptime_ms, state_uptime_ms;
	uint64_t	 peer_state_uptime_ms;
	/* keepalives */
	uint64_t	 ka_tx, ka_rx, ka_missed, ka_late;
	uint64_t	 ka_gap_last_ms, ka_gap_max_ms;
	uint64_t	 peer_downs, stale_epoch, stale_handover;
	uint64_t	 comm_interruptions;
	/* live.c: the fast path, its connections, ends taken as evidence,
	 * handshakes refused */
	uint64_t	 peer_process_gone, liveness_connections;
	uint64_t	 liveness_ends, liveness_refused;
};
void	sso_rf_get_info(struct sso_rf_info *);
void	sso_rf_show_init(void);		/* rf_show.c: the show commands */

/* --- cf.c: the checkpoint facility of a unit */
struct rec;
struct cf_wait;
struct sso_cf {
	struct sso_client *clients;
	unsigned	 nclients;
	/* sender (active) */
	struct rec	*head, *tail, *next_send;
	struct rec	*sync_head, *sync_tail;
	struct cf_wait	*wait_head, *wait_tail;	/* sso_cf_wait, seq order */
	uint64_t	 last_seq, acked;
	uint64_t	 nrec, nbytes;
	uint64_t	 history;
	int		 session_up;
	uint64_t	 session_peer;	/* standby boot id of the session */
	uint64_t	 answered;	/* boot id whose hello we answered */
	int		 overflowed;
	uint64_t	 last_progress_ms;
	int		 compat;	/* versions agree with the peer */
	/* bulk */
	int		 bulk_running;
	int		 bulk_phase;
	struct sso_client *bulk_client;
	int		 bulk_first;
	ev_idle		 bulk_idle;
	ev_prepare	 flush_prep;
	ev_timer	 hold_timer;	/* a held send's time limit */
	uint64_t	 last_tx_ms;	/* the newest records frame sent */
	ev_prepare	 ack_prep;
	/* receiver (standby) */
	uint64_t	 rx_history, applied;
	int		 hello_done;
	int		 ka_mismatch;	/* active's keepalives without us */
	int		 ack_due;
	uint64_t	 seen_connects;
	/* counters */
	uint64_t	 partial_resyncs, full_resyncs, initial_bulks;
	uint64_t	 retransmits, dup_records, gaps, overflows;
	uint64_t	 records_tx, records_rx, acks_tx, acks_rx;
	uint64_t	 hellos_tx, hellos_rx, eagain;
	uint64_t	 sync_timeouts, ignored, rehellos;
	uint64_t	 waits, waits_now;	/* sso_cf_wait: queued, at once */
	uint64_t	 flush_held;	/* flushes held for an ack */
	struct sso_ratelimit rl;
	/* the module above (rf.c), told through events only */
	const struct sso_cf_events *ev;
	void		*ev_arg;
};

/* RF history ring for `show redundancy history` */
#define SSO_HIST	256
struct sso_hist {
	uint64_t	 wall_ms;
	char		 text[120];
};

struct sso_core {
	struct ev_loop	*loop;
	struct sso_config conf;
	struct sso_rf	 rf;
	struct sso_cf	 ckpt;		/* cf.c: its "cf" */
	struct sso_chan	 chan;
	struct sso_hist	 hist[SSO_HIST];
	unsigned	 nhist;
	char		**argv;		/* for restart as standby */
	const struct sso_tx_ops *tx;	/* how rf.c and cf.c send */
	void		*tx_arg;
	/* set: sso_rf_restart() calls it instead of exec (unit tests) */
	void		(*restart)(void *arg, const char *why);
	void		*restart_arg;
};
/*
 * The unit the core is working for: module state lives in one struct
 * sso_core, reached through this pointer as `sso`. The daemon has one unit
 * and never moves it; with more (tests/unit/test_rf.c), every entry into
 * the core sets it: the unit's timers (SSO_UNIT_ENTER), frame delivery
 * and client calls (sso_unit_enter()).
 */
extern struct sso_core *sso_unit;
#define sso	(*sso_unit)
#define SSO_UNIT_ENTER(w, member) (sso_unit = (struct sso_core *)	\
	(void *)((char *)(w) - offsetof(struct sso_core, member)))
static inline void sso_unit_enter(struct sso_core *u) { sso_unit = u; }

/* rf.c and cf.c send a frame: the envelope, then the unit's transport */
static inline int
sso_tx(enum sso_link l, Sso__Frame *f)
{
	f->unit = sso.conf.unit;
	f->has_unit = 1;
	f->epoch = sso.rf.epoch;
	f->has_epoch = 1;
	f->boot_id = sso.rf.boot_id;
	f->has_boot_id = 1;
	return sso.tx->send(sso.tx_arg, l, f);
}

/* --- unit.c: received frames to rf.c / cf.c by type; sso.c: units */
extern const struct sso_chan_ops sso_unit_chan_ops;	/* arg: the unit */
/*
 * One more unit in this process (the unit tests): configured with the
 * defaults of a unit in a pair, sending through tx, its RF and CF state
 * initialised, not started. Current when this returns; set the conf
 * fields, register clients, then sso_rf_start().
 */
struct sso_core *sso_unit_new(struct ev_loop *, unsigned unit,
	    const struct sso_tx_ops *tx, void *tx_arg);
void	sso_unit_free(struct sso_core *);

void	sso_hist_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void	sso_rf_init(void);		/* the unit's state and the commands */
void	sso_rf_unit_init(void);		/* the unit's state only */
void	sso_rf_unit_fini(void);
int	sso_rf_start(void);
void	sso_rf_rx_keepalive(Sso__Frame *);
void	sso_rf_rx_control(Sso__Frame *);	/* SWITCHOVER, RELOAD */
void	sso_rf_rx_goodbye(Sso__Frame *);	/* either link */
/* the liveness connection ended: that peer incarnation's process is gone */
void	sso_rf_peer_process_gone(uint64_t boot_id, const char *why);
/* a frame of an older epoch: counted; logged unless the handover to
 * this unit explains it */
void	sso_rf_stale(const Sso__Frame *, const char *what);
void	sso_rf_cold(void);			/* standby: back to COLD */
int	sso_rf_handover(const char *why);	/* manual switchover */
/* exec this process again; returns only for a unit with a restart hook
 * (struct sso_core.restart: the unit tests) */
void	sso_rf_restart(const char *why);
void	sso_rf_set_restart_hook(void (*)(void));
/* what rf.c tells the ISSU procedure (issu.c registers it; none in the
 * unit tests) */
struct sso_rf_issu_ops {
	void	(*state)(enum sso_rf_state new, enum sso_rf_state old);
	void	(*ka_fill)(Sso__Frame *);	/* keepalive fields 17-27 */
	void	(*ka_rx)(const Sso__Frame *);
	const char *(*exec_image)(void);	/* to restart from; NULL: self */
};
void	sso_rf_set_issu_ops(const struct sso_rf_issu_ops *);

/* --- cf.c */
/* what cf.c tells the module above it (rf.c registers these) */
struct sso_cf_events {
	void	(*phase)(void *arg, enum sso_rf_state);	/* marker applied */
	void	(*bulk_done)(void *arg);		/* standby: bulk in */
	void	(*not_hot)(void *arg, const char *reason);
	void	(*cold)(void *arg);			/* standby: re-bulk */
	void	(*ack_progress)(void *arg);		/* active: acks moved */
	void	(*stale)(void *arg, const Sso__Frame *, const char *what);
};
void	sso_cf_set_events(const struct sso_cf_events *, void *arg);
void	sso_cf_init(void);		/* the unit's state and the commands */
void	sso_cf_show_init(void);		/* cf_show.c: the show commands */
void	sso_cf_unit_init(void);
void	sso_cf_unit_fini(void);
void	sso_cf_rx(Sso__Frame *);
void	sso_cf_peer_state(int up);		/* RF tells: peer up/down */
void	sso_cf_became_active(void);
void	sso_cf_became_standby(void);
void	sso_cf_tick(void);			/* every keepalive interval */
void	sso_cf_writable(void);
int	sso_cf_drained(void);			/* all sent records applied */
int	sso_cf_clients_busy(void);	/* a client's handover_busy() */
uint64_t sso_cf_last_seq(void);
uint64_t sso_cf_history(void);
uint64_t sso_cf_ka_session(void);	/* active: for its keepalives */
int	sso_cf_session_up(void);	/* checkpoint session established */
void	sso_cf_ka_check(uint64_t session);	/* standby: active's view */
void	sso_cf_clients_event(enum sso_rf_event, enum sso_rf_state,
	    enum sso_rf_state);
void	sso_cf_reset_clients(void);
int	sso_cf_compat_ok(void);
unsigned sso_cf_nclients(void);
void	sso_cf_foreach_client(void (*)(void *, const struct sso_client_ops *),
	    void *);
uint32_t sso_cf_proto_version(void);	/* of the hello exchange */

/* --- mgmt.c */
int	sso_mgmt_open(void);
void	sso_mgmt_close(void);
void	sso_mgmt_register(void);	/* show control */
/* the control socket's directory: owned by us, mode 0700; create: make it
 * when missing (start-up), else only check that it could be made (-n).
 * With SSO_MGMT_GROUP (the read-only socket) the directory may also let
 * its group in (0750, read and search only) */
#define SSO_MGMT_CREATE	0x1
#define SSO_MGMT_GROUP	0x2
int	sso_mgmt_check_dir(const char *sockpath, int flags, char *err,
	    size_t len);

/* --- sso.c: process-level start (and sso_daemon.h) */
void	sso_core_register(void);	/* config + commands of the core */

#endif
