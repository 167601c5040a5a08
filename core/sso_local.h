/*
 * sso_local.h - private to libssocore: the process-wide RF/CF/channel
 * state and the glue between the modules.
 */
#ifndef SSO_LOCAL_H
#define SSO_LOCAL_H

#include <limits.h>
#include <sys/socket.h>
#include <stdint.h>
#include <ev.h>

#include "sso.h"
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

/* --- chan.c: the two inter-RP connections */
enum sso_link { SSO_LINK_CF, SSO_LINK_KA, SSO_LINK_MAX };

struct sso_linkstat {
	uint64_t	 tx_frames, rx_frames, tx_bytes, rx_bytes;
	uint64_t	 tx_fail;		/* EAGAIN/EHOSTUNREACH */
	uint64_t	 connects, disconnects;
	uint64_t	 handshake_ok, auth_fail;
};

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
	uint64_t	 break_until_ms;	/* test hook: CF link down */
	ev_timer	 break_timer;
	struct sso_ratelimit rl;
};

int	sso_chan_open(void);
int	sso_chan_send(enum sso_link, Sso__Frame *);	/* 0, or -1 (errno) */
int	sso_chan_writable(enum sso_link);
void	sso_chan_want_write(enum sso_link, int);
void	sso_chan_bad(enum sso_bad, const char *detail);
void	sso_chan_break(unsigned ms);	/* test hook: reopen CF link */
void	sso_chan_close(void);
/* the checks start-up makes of a key file (secret: owner-only modes) */
int	sso_chan_key_check(const char *path, int secret, char *err,
	    size_t len);

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
	SSO_CRASH_MAX
};
void	sso_fault_init(void);
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
	int		 have_redundancy;
	struct sockaddr_storage witness[2];	/* unit N witness ADDR PORT */
	socklen_t	 witness_len[2];
	char		 witness_text[2][64];
	unsigned	 witness_port[2];
	char		 notify[PATH_MAX];	/* role-change hook, "" = none */
};

/* --- rf.c: orderly stop (1: handing over, the loop ends later) */
int	sso_rf_stop(void);

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
	uint64_t	 handover_start_ms;
	struct sso_ratelimit rl;
	/* peer_down while active; orderly stops (goodbye) of the peer */
	uint64_t	 standby_failures, peer_stops;
	/* pair-wide figures (keepalive fields 15, 16) */
	uint64_t	 sys_start_ms, sys_switchovers;
	/* frames of the epoch just handed over to us: expected, quiet */
	uint64_t	 handover_from_boot, handover_at_ms, stale_handover;
	uint32_t	 handover_from_epoch;
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
	struct sso_chan	 chan;
	struct sso_hist	 hist[SSO_HIST];
	unsigned	 nhist;
	char		**argv;		/* for restart as standby */
};
extern struct sso_core sso;

void	sso_hist_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void	sso_rf_init(void);
int	sso_rf_start(void);
void	sso_rf_rx_keepalive(Sso__Frame *);
void	sso_rf_rx_control(Sso__Frame *);	/* SWITCHOVER, RELOAD */
void	sso_rf_rx_goodbye(Sso__Frame *);	/* either link */
/* a frame of an older epoch: counted; logged unless the handover to
 * this unit explains it */
void	sso_rf_stale(const Sso__Frame *, const char *what);
void	sso_rf_standby_phase(enum sso_rf_state);	/* CF: marker applied */
void	sso_rf_bulk_done(void);
void	sso_rf_not_hot(const char *reason);
void	sso_rf_cold(void);			/* standby: back to COLD */
void	sso_rf_ack_progress(void);		/* CF: acks moved */
void	sso_rf_restart(const char *why) __attribute__((noreturn));
void	sso_rf_set_restart_hook(void (*)(void));

/* --- cf.c */
void	sso_cf_init(void);
void	sso_cf_rx(Sso__Frame *);
void	sso_cf_peer_state(int up);		/* RF tells: peer up/down */
void	sso_cf_became_active(void);
void	sso_cf_became_standby(void);
void	sso_cf_tick(void);			/* every keepalive interval */
void	sso_cf_writable(void);
int	sso_cf_drained(void);			/* all sent records applied */
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
/* the control socket's directory: owned by us, mode 0700; create: make it
 * when missing (start-up), else only check that it could be made (-n) */
int	sso_mgmt_check_dir(const char *sockpath, int create, char *err,
	    size_t len);

/* --- sso.c: process-level start */
int	sso_core_init(struct ev_loop *, unsigned unit, char **argv);
int	sso_core_start(void);
int	sso_core_load(const char *file, char *err, size_t len);
/* SIGHUP, `ssoctl reload`: re-read the file sso_core_load() read; -1 when
 * nothing changed (msg: file:line), else the settings refused (kept) */
int	sso_core_reload(char *msg, size_t len);
void	sso_core_register(void);	/* config + commands of the core */

#endif
