/*
 * l2tp.h - libl2tp: RFC 2661 L2TP (v2) LAC/LNS control plane engine.
 *
 * The engine is I/O agnostic and runs on a libev loop:
 *  - datagrams come in through l2tp_input(), whoever owns the socket;
 *  - datagrams go out through the host's send() callback (or, when send
 *    is NULL, through the UDP socket opened with l2tp_ctx_listen());
 *  - every timer is an ev_timer on the loop given to l2tp_ctx_create(),
 *    so time is libev's monotonic clock.
 *
 * Ownership is a tree: ctx -> tunnels -> sessions. Destroying a tunnel
 * frees its sessions; destroying the ctx frees everything. Objects that
 * die while the engine is on the stack are reaped when it returns, so a
 * pointer handed to a host callback is valid for that callback.
 *
 * HA hooks (DESIGN.md "L2TP over SSO"), all optional (NULL = no HA):
 *  - ckpt_send: "checkpoint before send". Called once for every new
 *    control message (its Ns and bytes) before it first goes on the wire.
 *    Return 0 to send at once, 1 to hold it until the host calls
 *    l2tp_ctrl_send_release() (messages leave in Ns order, so a held
 *    message holds the ones behind it), -1 to fail the tunnel.
 *  - ckpt_ack: "checkpoint before ack". Called after a received message
 *    has been processed, with the Nr that would acknowledge it. Return 0
 *    to acknowledge at once, 1 to keep the Nr on the wire where it is
 *    until l2tp_ctrl_ack_release(). Duplicates are still acked (with the
 *    Nr already released), so the peer never sees an Nr above what the
 *    standby has.
 *  - State export/import (l2tp_ctrl_export / l2tp_ctrl_import,
 *    l2tp_tunnel_restore / l2tp_session_restore) and a resync entry point
 *    (l2tp_tunnel_resync) let a standby rebuild a tunnel after takeover.
 */
#ifndef L2TP_H
#define L2TP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct ev_loop;
struct l2tp_ctx;
struct l2tp_tunnel;
struct l2tp_session;

#define L2TP_PORT		1701
#define L2TP_NAME_MAX		64	/* host names, group names (with NUL) */
#define L2TP_SECRET_MAX		64
#define L2TP_NUMBER_MAX		32	/* called number (with NUL) */

/* RFC 2661 3.2: control message types */
enum l2tp_msg_type {
	L2TP_MSG_ZLB = 0,	/* not a real type: no Message Type AVP */
	L2TP_MSG_SCCRQ = 1,
	L2TP_MSG_SCCRP = 2,
	L2TP_MSG_SCCCN = 3,
	L2TP_MSG_STOPCCN = 4,
	L2TP_MSG_HELLO = 6,
	L2TP_MSG_OCRQ = 7,
	L2TP_MSG_OCRP = 8,
	L2TP_MSG_OCCN = 9,
	L2TP_MSG_ICRQ = 10,
	L2TP_MSG_ICRP = 11,
	L2TP_MSG_ICCN = 12,
	L2TP_MSG_CDN = 14,
	L2TP_MSG_WEN = 15,
	L2TP_MSG_SLI = 16,
	L2TP_MSG_FSQ = 21,	/* RFC 4951 Failover Session Query */
	L2TP_MSG_FSR = 22,	/* RFC 4951 Failover Session Response */
	L2TP_MSG_MAX = 23
};
const char *l2tp_msg_name(unsigned type);

/* RFC 2661 4.4: attribute types (vendor 0), plus RFC 4951 failover */
enum l2tp_avp_type {
	L2TP_AVP_MSG_TYPE = 0,
	L2TP_AVP_RESULT_CODE = 1,
	L2TP_AVP_PROTO_VERSION = 2,
	L2TP_AVP_FRAMING_CAP = 3,
	L2TP_AVP_BEARER_CAP = 4,
	L2TP_AVP_TIE_BREAKER = 5,
	L2TP_AVP_FIRMWARE_REV = 6,
	L2TP_AVP_HOST_NAME = 7,
	L2TP_AVP_VENDOR_NAME = 8,
	L2TP_AVP_ASSIGNED_TID = 9,
	L2TP_AVP_RX_WINDOW = 10,
	L2TP_AVP_CHALLENGE = 11,
	L2TP_AVP_Q931_CAUSE = 12,
	L2TP_AVP_CHALLENGE_RESP = 13,
	L2TP_AVP_ASSIGNED_SID = 14,
	L2TP_AVP_CALL_SERIAL = 15,
	L2TP_AVP_MIN_BPS = 16,
	L2TP_AVP_MAX_BPS = 17,
	L2TP_AVP_BEARER_TYPE = 18,
	L2TP_AVP_FRAMING_TYPE = 19,
	L2TP_AVP_CALLED_NUMBER = 21,
	L2TP_AVP_CALLING_NUMBER = 22,
	L2TP_AVP_SUB_ADDRESS = 23,
	L2TP_AVP_TX_SPEED = 24,
	L2TP_AVP_PHYS_CHANNEL = 25,
	L2TP_AVP_INIT_RX_LCP = 26,
	L2TP_AVP_LAST_TX_LCP = 27,
	L2TP_AVP_LAST_RX_LCP = 28,
	L2TP_AVP_PROXY_AUTH_TYPE = 29,
	L2TP_AVP_PROXY_AUTH_NAME = 30,
	L2TP_AVP_PROXY_AUTH_CHAL = 31,
	L2TP_AVP_PROXY_AUTH_ID = 32,
	L2TP_AVP_PROXY_AUTH_RESP = 33,
	L2TP_AVP_CALL_ERRORS = 34,
	L2TP_AVP_ACCM = 35,
	L2TP_AVP_RANDOM_VECTOR = 36,
	L2TP_AVP_PRIVATE_GROUP = 37,
	L2TP_AVP_RX_SPEED = 38,
	L2TP_AVP_SEQ_REQUIRED = 39,
	L2TP_AVP_FAILOVER_CAP = 76,	/* RFC 4951 */
	L2TP_AVP_TUNNEL_RECOVERY = 77,
	L2TP_AVP_SUGGESTED_SEQ = 78,
	L2TP_AVP_FAILOVER_SESSION = 79,
	L2TP_AVP_TYPE_MAX = 80
};
const char *l2tp_avp_name(unsigned type);

/* RFC 2661 4.4.2 result codes (StopCCN and CDN) and general error codes */
enum {
	L2TP_STOPCCN_CLEAR = 1,
	L2TP_STOPCCN_GENERAL = 2,
	L2TP_STOPCCN_EXISTS = 3,
	L2TP_STOPCCN_NOT_AUTH = 4,
	L2TP_STOPCCN_BAD_VERSION = 5,
	L2TP_STOPCCN_SHUTDOWN = 6,
	L2TP_STOPCCN_FSM = 7
};
enum {
	L2TP_CDN_CARRIER_LOST = 1,
	L2TP_CDN_GENERAL = 2,
	L2TP_CDN_ADMIN = 3,
	L2TP_CDN_NO_RES_TEMP = 4,
	L2TP_CDN_NO_RES_PERM = 5,
	L2TP_CDN_BAD_DEST = 6
};
enum {
	L2TP_ERR_NONE = 0,
	L2TP_ERR_NO_TUNNEL = 1,
	L2TP_ERR_LENGTH = 2,
	L2TP_ERR_RANGE = 3,
	L2TP_ERR_RESOURCES = 4,
	L2TP_ERR_SESSION_ID = 5,
	L2TP_ERR_VENDOR = 6,
	L2TP_ERR_TRY_ANOTHER = 7,
	L2TP_ERR_UNKNOWN_MAVP = 8
};

/* ---- sequence numbers: RFC 2661 5.8, modulo 2^16 ---- */
/*
 * a <= b when a lies in b and the 32767 values before it (RFC 2661 5.8:
 * "if the last received number was 15, then 0..15 and 32784..65535 are
 * less than or equal").
 */
static inline int
l2tp_seq_le(uint16_t a, uint16_t b)
{
	return (uint16_t)(b - a) <= 32767;
}
static inline int
l2tp_seq_lt(uint16_t a, uint16_t b)
{
	return a != b && l2tp_seq_le(a, b);
}
/* distance from a forward to b, modulo 2^16 */
static inline uint16_t
l2tp_seq_dist(uint16_t a, uint16_t b)
{
	return (uint16_t)(b - a);
}

/* ---- configuration: one 'vpdn-group', filled by the host ---- */
struct l2tp_group {
	char		name[L2TP_NAME_MAX];
	int		accept_dialin;		/* LNS: accept tunnels/ICRQs */
	int		request_dialin;		/* LAC: initiate tunnels */
	char		local_name[L2TP_NAME_MAX];	/* our Host Name AVP */
	char		terminate_from[L2TP_NAME_MAX];	/* "" = any peer */
	struct sockaddr_storage initiate_to;	/* LAC: LNS address+port */
	socklen_t	initiate_to_len;
	char		password[L2TP_SECRET_MAX];	/* "" = no auth */
	unsigned	hello_interval;		/* seconds, 0 = off (def 60) */
	uint16_t	rx_window;		/* our Receive Window (def 4) */
	unsigned	retries;		/* retransmissions (def 5) */
	unsigned	rtx_min_ms;		/* first timeout (def 1000) */
	unsigned	rtx_max_ms;		/* backoff cap (def 8000) */
	int		data_reflect;		/* echo data back on session */
	int		hide_avps;		/* hide hideable AVPs we send */
	int		failover;		/* advertise RFC 4951 (M=0) */
	int		seq_required;		/* ask for data sequencing */
	unsigned	recovery_ms;		/* RFC 4951 Recovery Time we
						 * advertise (def 10000) */
};

/* RFC 4951 Failover Capability AVP flag bits */
#define L2TP_FAILOVER_CAP_C	0x0001	/* control channel failover */
#define L2TP_FAILOVER_CAP_D	0x0002	/* data channel failover */
/* fill defaults: hello 60, window 4, retries 5, rtx 1000..8000 ms */
void	l2tp_group_defaults(struct l2tp_group *);

/* ---- events reported to the host ---- */
enum l2tp_event {
	L2TP_EV_TUNNEL_UP,
	L2TP_EV_TUNNEL_DOWN,
	L2TP_EV_SESSION_UP,
	L2TP_EV_SESSION_DOWN,
	L2TP_EV_TUNNEL_RESYNCED,	/* resync after takeover complete */
	L2TP_EV_TUNNEL_RECOVERY_FAILED	/* RFC 4951 recovery refused or
					 * timed out; tunnel still RESYNC */
};

struct l2tp_host_ops {
	/* transmit one datagram; NULL: use the ctx socket (l2tp_ctx_listen) */
	int	(*send)(void *arg, const uint8_t *buf, size_t len,
		    const struct sockaddr *to, socklen_t tolen);
	/*
	 * LNS: an SCCRQ arrived from host name `peer` at `from`. Return the
	 * group that accepts it (copied by the engine) or NULL to refuse
	 * (StopCCN, result 4). NULL hook: every SCCRQ is refused.
	 */
	const struct l2tp_group *(*group_lookup)(void *arg, const char *peer,
		    const struct sockaddr *from, socklen_t fromlen);
	/* tunnel/session went up or down; may be NULL */
	void	(*tunnel_event)(void *arg, struct l2tp_tunnel *,
		    enum l2tp_event);
	void	(*session_event)(void *arg, struct l2tp_session *,
		    enum l2tp_event);
	/*
	 * What l2tp_session_get_info() reports changed: every state change
	 * (a call that never came up included), the peer's session id or
	 * data sequencing learnt, and once with state DEAD when the session
	 * ends (with its tunnel too), before it is freed. For a host that
	 * keeps a copy of every session (the checkpoint client); may be
	 * NULL. A restored session (l2tp_session_restore) is not reported.
	 */
	void	(*session_changed)(void *arg, struct l2tp_session *);
	/*
	 * New incoming call (LNS: ICRQ) or outgoing call request (LAC:
	 * OCRQ). Return 0 to accept, -1 to refuse (CDN result 4). For an
	 * OCRQ, return 1 to accept but answer later with
	 * l2tp_session_answer(). NULL: accept, answer at once.
	 */
	int	(*session_request)(void *arg, struct l2tp_session *);
	/* a new call was refused with a CDN (reason as in the CDN); may be
	 * NULL. Feeds `show vpdn history failure`. */
	void	(*call_refused)(void *arg, struct l2tp_tunnel *,
		    uint16_t peer_sid, const char *reason);
	/* PPP payload received on an established session (not in reflect) */
	void	(*data)(void *arg, struct l2tp_session *, const uint8_t *,
		    size_t);
	/* HA: see the top of this file */
	/* lazy: the message is a Hello (DESIGN.md rule 4 allows a lazy
	 * checkpoint for messages that change no state) */
	int	(*ckpt_send)(void *arg, struct l2tp_tunnel *, uint16_t ns,
		    int lazy, const uint8_t *buf, size_t len);
	/* lazy: every message this Nr acknowledges was a Hello */
	int	(*ckpt_ack)(void *arg, struct l2tp_tunnel *, uint16_t nr,
		    int lazy);
};

/* ---- drop reasons: one counter each (STYLE.md 4) ---- */
enum l2tp_drop {
	L2TP_DROP_SHORT,		/* truncated header */
	L2TP_DROP_VERSION,		/* Ver != 2 (L2F, v3...) */
	L2TP_DROP_LENGTH,		/* Length field vs datagram */
	L2TP_DROP_CTRL_FLAGS,		/* control without L/S, with O/P */
	L2TP_DROP_NO_TUNNEL,		/* unknown tunnel id */
	L2TP_DROP_NO_SESSION,		/* unknown session id (data) */
	L2TP_DROP_NOT_SCCRQ,		/* tunnel id 0 but not an SCCRQ */
	L2TP_DROP_MALFORMED,		/* undecodable new-tunnel request */
	L2TP_DROP_PEER_ADDR,		/* from an address not the peer's */
	L2TP_DROP_DUPLICATE,		/* control Ns already received */
	L2TP_DROP_WINDOW,		/* control Ns beyond receive window */
	L2TP_DROP_QUEUED,		/* out of order Ns already queued */
	L2TP_DROP_BAD_NR,		/* Nr acks what we never sent */
	L2TP_DROP_NOT_ESTABLISHED,	/* data on a session not up */
	L2TP_DROP_TIE_BREAKER,		/* SCCRQ lost against ours */
	L2TP_DROP_REFUSED,		/* no group accepts the SCCRQ */
	L2TP_DROP_NOMEM,		/* allocation failure */
	L2TP_DROP_CLOSING,		/* message for a closing tunnel */
	L2TP_DROP_UNKNOWN_MSG,		/* unknown message type, M=0 */
	L2TP_DROP_RESYNC_HOLD,		/* takeover: before our probe */
	L2TP_DROP_FAILOVER,		/* RFC 4951 message not negotiated,
					 * malformed or for no tunnel */
	L2TP_DROP_HANDOVER,		/* control while handing the socket
				 * over: the successor gets the retransmit */
	L2TP_DROP_MAX
};
extern const char *const l2tp_drop_names[L2TP_DROP_MAX];

struct l2tp_stats {
	uint64_t	drops[L2TP_DROP_MAX];
	uint64_t	rx_ctrl, tx_ctrl, rx_zlb, tx_zlb, retransmits;
	uint64_t	rx_data, tx_data;
	uint64_t	avp_ignored;	/* unknown/malformed with M=0 */
	uint64_t	avp_hidden;	/* hidden AVPs decoded */
	uint64_t	tunnels_created, tunnels_freed;
	uint64_t	sessions_created, sessions_freed;
};

/* ---- context ---- */
struct l2tp_ctx *l2tp_ctx_create(struct ev_loop *, const struct l2tp_host_ops *,
	    void *arg);
void	l2tp_ctx_destroy(struct l2tp_ctx *);
const struct l2tp_stats *l2tp_ctx_stats(const struct l2tp_ctx *);
/* delayed-ack timer (RFC 2661 5.8 lets a ZLB wait for a piggy-back) */
void	l2tp_ctx_set_ack_delay(struct l2tp_ctx *, unsigned ms);	/* def 100 */
/* how long a closed tunnel keeps acking StopCCN retransmits (def 31 s) */
void	l2tp_ctx_set_linger(struct l2tp_ctx *, unsigned ms);

/* one received datagram (UDP payload); returns 0, or -1 when dropped */
int	l2tp_input(struct l2tp_ctx *, const uint8_t *buf, size_t len,
	    const struct sockaddr *from, socklen_t fromlen);

/* UDP socket helpers: bind, non-blocking, CLOEXEC, feeding l2tp_input */
int	l2tp_ctx_listen(struct l2tp_ctx *, const struct sockaddr *,
	    socklen_t);			/* returns the fd or -1 */
/*
 * Hitless handover of the socket between two processes of one host: the
 * successor binds beside the socket its predecessor still reads
 * (SO_REUSEPORT; l2tp_ctx_listen() leaves its socket joinable by a
 * process of the same user that asks to) and steers every datagram to
 * itself from then on. The predecessor, l2tp_ctx_handover(ctx, 1), still
 * passes data but drops control messages (their retransmission reaches
 * the successor), and l2tp_ctx_unlisten() reads what is queued first.
 */
int	l2tp_ctx_listen_join(struct l2tp_ctx *, const struct sockaddr *,
	    socklen_t);
void	l2tp_ctx_handover(struct l2tp_ctx *, int on);
void	l2tp_ctx_unlisten(struct l2tp_ctx *);	/* close the socket */
int	l2tp_ctx_sendto(struct l2tp_ctx *, const uint8_t *, size_t,
	    const struct sockaddr *, socklen_t);

/* ---- tunnels ---- */
enum l2tp_tunnel_state {
	L2TP_TS_IDLE,
	L2TP_TS_WAIT_CTL_REPLY,
	L2TP_TS_WAIT_CTL_CONN,
	L2TP_TS_ESTABLISHED,
	L2TP_TS_RESYNC,
	L2TP_TS_CLOSING,
	L2TP_TS_DEAD,
	L2TP_TS_MAX
};
extern const char *const l2tp_tunnel_state_names[L2TP_TS_MAX];

/* send a Hello now (tests and tools: moves Ns quickly) */
int	l2tp_tunnel_hello(struct l2tp_tunnel *);
/* LAC role: create a tunnel to group->initiate_to and send SCCRQ */
struct l2tp_tunnel *l2tp_tunnel_open(struct l2tp_ctx *, const struct l2tp_group *);
/* send StopCCN (result, error, message may be 0/NULL) and close */
int	l2tp_tunnel_clear(struct l2tp_tunnel *, uint16_t result,
	    uint16_t error, const char *msg);
struct l2tp_tunnel *l2tp_tunnel_find(struct l2tp_ctx *, uint16_t local_tid);
/* iterate: first with NULL, then with the previous tunnel */
struct l2tp_tunnel *l2tp_tunnel_next(struct l2tp_ctx *, struct l2tp_tunnel *);
size_t	l2tp_tunnel_count(const struct l2tp_ctx *);

struct l2tp_tunnel_info {
	uint16_t	local_tid, remote_tid;
	enum l2tp_tunnel_state state;
	int		initiator;		/* we sent the SCCRQ */
	char		group[L2TP_NAME_MAX];
	char		peer_name[L2TP_NAME_MAX];
	struct sockaddr_storage peer;
	socklen_t	peer_len;
	uint16_t	peer_rx_window;
	uint32_t	peer_framing_cap, peer_bearer_cap;
	int		peer_failover;		/* peer sent Failover Cap. */
	unsigned	sessions;
	uint16_t	last_result, last_error;	/* why it closed */
	/* RFC 4951 (added fields) */
	uint16_t	peer_failover_flags;	/* L2TP_FAILOVER_CAP_* */
	uint32_t	peer_recovery_ms;	/* peer's Recovery Time */
	int		recovery;		/* a recovery tunnel (77) */
	int		failover_negotiated;	/* both sides, C bit */
};
void	l2tp_tunnel_get_info(const struct l2tp_tunnel *, struct l2tp_tunnel_info *);
uint16_t l2tp_tunnel_local_id(const struct l2tp_tunnel *);
unsigned l2tp_tunnel_session_count(const struct l2tp_tunnel *);
void	*l2tp_tunnel_get_user(const struct l2tp_tunnel *);
void	l2tp_tunnel_set_user(struct l2tp_tunnel *, void *);

/* ---- reliable control channel state (RFC 2661 5.8), for HA ---- */
struct l2tp_ctrl_state {
	uint16_t	ns_next;	/* Ns for the next new message */
	uint16_t	snd_una;	/* oldest unacknowledged Ns */
	uint16_t	rcv_next;	/* next Ns expected from the peer */
	uint16_t	nr_wire;	/* Nr we put on the wire (<= rcv_next) */
	uint16_t	rx_window;	/* ours */
	uint16_t	peer_rx_window;
	uint16_t	cwnd, ssthresh;
	unsigned	unacked;	/* messages in the send queue */
};
void	l2tp_ctrl_export(const struct l2tp_tunnel *, struct l2tp_ctrl_state *);
/* walk the send queue (unacked and not yet sent), oldest first */
int	l2tp_ctrl_foreach_msg(const struct l2tp_tunnel *,
	    int (*cb)(void *, uint16_t ns, const uint8_t *, size_t), void *);
/* standby: adopt state, then queue messages with their original Ns */
int	l2tp_ctrl_import(struct l2tp_tunnel *, const struct l2tp_ctrl_state *);
int	l2tp_ctrl_import_msg(struct l2tp_tunnel *, uint16_t ns,
	    const uint8_t *, size_t);
/* HA completions: message ns checkpointed / effect up to nr checkpointed */
int	l2tp_ctrl_send_release(struct l2tp_tunnel *, uint16_t ns);
int	l2tp_ctrl_ack_release(struct l2tp_tunnel *, uint16_t nr);
/* both at once (NULL: not that one), Nr first, one flush */
int	l2tp_ctrl_release(struct l2tp_tunnel *, const uint16_t *nr,
	    const uint16_t *ns);
/* takeover: retransmit the whole unacked queue now (same Ns, current Nr) */
void	l2tp_ctrl_retransmit_all(struct l2tp_tunnel *);

/*
 * Standby rebuild: create an established tunnel with the given ids and
 * peer (from l2tp_tunnel_get_info on the active); no message is sent.
 */
struct l2tp_tunnel *l2tp_tunnel_restore(struct l2tp_ctx *,
	    const struct l2tp_group *, const struct l2tp_tunnel_info *);
/*
 * Resync entry point (DESIGN.md rule 4): enter RESYNC and probe with a
 * Hello sent at Ns = probe_ns. When the peer's reply arrives, its Nr
 * becomes our Ns and its Ns our Nr if they lie within the window of
 * what we had; the tunnel returns to ESTABLISHED. New calls are refused
 * (CDN, "Tunnel in HA resync") meanwhile.
 */
int	l2tp_tunnel_resync(struct l2tp_tunnel *, uint16_t probe_ns);
/*
 * Enter RESYNC (new calls refused) without probing yet: a host that
 * paces its probes holds the tunnels that wait their turn; a later
 * l2tp_tunnel_resync() sends the probe.
 */
int	l2tp_tunnel_resync_hold(struct l2tp_tunnel *);
/*
 * RFC 4951 control channel recovery (only when failover_negotiated in
 * l2tp_tunnel_info): hold the tunnel in RESYNC and open a recovery
 * tunnel to the same peer (SCCRQ with Tunnel Recovery naming this
 * tunnel). From the SCCRP's Suggested Control Sequence our Ns and Nr are
 * adopted, the recovery tunnel is torn down (SCCCN, StopCCN), the tunnel
 * returns to ESTABLISHED (L2TP_EV_TUNNEL_RESYNCED) and a Failover Session
 * Query reconciles its sessions. On refusal or timeout the host gets
 * L2TP_EV_TUNNEL_RECOVERY_FAILED and may fall back to l2tp_tunnel_resync.
 */
int	l2tp_tunnel_recover(struct l2tp_tunnel *);
/* RFC 4951 5: send FSQ for every session of an established tunnel */
int	l2tp_tunnel_session_query(struct l2tp_tunnel *);

/* ---- sessions ---- */
enum l2tp_session_state {
	L2TP_SS_IDLE,
	L2TP_SS_WAIT_TUNNEL,
	L2TP_SS_WAIT_REPLY,
	L2TP_SS_WAIT_CONNECT,
	L2TP_SS_WAIT_CS_ANSWER,
	L2TP_SS_ESTABLISHED,
	L2TP_SS_DEAD,
	L2TP_SS_MAX
};
extern const char *const l2tp_session_state_names[L2TP_SS_MAX];

enum l2tp_call_type {
	L2TP_CALL_LAC_IC,	/* we are LAC, incoming call: ICRQ -> */
	L2TP_CALL_LNS_IC,	/* we are LNS, incoming call: <- ICRQ */
	L2TP_CALL_LNS_OC,	/* we are LNS, outgoing call: OCRQ -> */
	L2TP_CALL_LAC_OC	/* we are LAC, outgoing call: <- OCRQ */
};

/* LAC: incoming call on the tunnel (sent when it is established) */
struct l2tp_session *l2tp_session_open(struct l2tp_tunnel *);
/* LNS: ask the LAC to place an outgoing call */
struct l2tp_session *l2tp_session_open_outgoing(struct l2tp_tunnel *,
	    const char *called_number);
/* LAC: the outgoing call was answered (after session_request said 1) */
int	l2tp_session_answer(struct l2tp_session *);
/* send CDN and free; result 0 means "administrative" (3) */
int	l2tp_session_clear(struct l2tp_session *, uint16_t result,
	    uint16_t error, const char *msg);
struct l2tp_session *l2tp_session_find(struct l2tp_ctx *, uint16_t local_tid,
	    uint16_t local_sid);
struct l2tp_session *l2tp_session_next(struct l2tp_tunnel *,
	    struct l2tp_session *);
struct l2tp_tunnel *l2tp_session_tunnel(const struct l2tp_session *);
/* our session id (the packet path: no l2tp_session_get_info copy) */
uint16_t l2tp_session_local_id(const struct l2tp_session *);
/* PPP frame out on the session (adds the data header) */
int	l2tp_session_send(struct l2tp_session *, const uint8_t *, size_t);

struct l2tp_session_info {
	uint16_t	local_tid, local_sid, remote_tid, remote_sid;
	enum l2tp_session_state state;
	enum l2tp_call_type call;
	uint32_t	call_serial;
	int		data_seq;		/* sending Ns/Nr on data */
	int		seq_required;		/* the peer sent Sequencing
						 * Required (RFC 2661 5.4):
						 * data_seq stays on */
	uint64_t	rx_pkts, rx_bytes, tx_pkts, tx_bytes;
	uint32_t	rx_errors, rx_seq_errors, tx_errors;
	uint16_t	last_result, last_error;
};
void	l2tp_session_get_info(const struct l2tp_session *,
	    struct l2tp_session_info *);
/*
 * Standby rebuild of a session: ESTABLISHED, or one still being set up
 * (WAIT_REPLY: our ICRQ/OCRQ sent, remote id may be 0; WAIT_CONNECT: our
 * ICRP/OCRP sent), so that the peer's next message completes it.
 */
struct l2tp_session *l2tp_session_restore(struct l2tp_tunnel *,
	    const struct l2tp_session_info *);
void	*l2tp_session_get_user(const struct l2tp_session *);
void	l2tp_session_set_user(struct l2tp_session *, void *);

/*
 * RFC 2661 4.4.5: the proxy LCP and proxy authentication AVPs (26-33) an
 * ICCN carried, kept with the session for the host's PPP. The LCP values
 * are CONFREQ bodies from their first option on; a length 0 means the
 * AVP was absent. AVP 32's value is its second octet (the first is 0).
 */
#define L2TP_PROXY_LCP_MAX	255
#define L2TP_PROXY_VAL_MAX	64
struct l2tp_proxy {
	uint8_t		init_rx_lcp[L2TP_PROXY_LCP_MAX];	/* 26 */
	size_t		init_rx_lcp_len;
	uint8_t		last_tx_lcp[L2TP_PROXY_LCP_MAX];	/* 27 */
	size_t		last_tx_lcp_len;
	uint8_t		last_rx_lcp[L2TP_PROXY_LCP_MAX];	/* 28 */
	size_t		last_rx_lcp_len;
	int		has_auth_type;
	uint16_t	auth_type;				/* 29 */
	char		auth_name[L2TP_NAME_MAX];		/* 30 */
	uint8_t		auth_chal[L2TP_PROXY_VAL_MAX];		/* 31 */
	size_t		auth_chal_len;
	int		has_auth_id;
	uint8_t		auth_id;				/* 32 */
	uint8_t		auth_resp[L2TP_PROXY_VAL_MAX];		/* 33 */
	size_t		auth_resp_len;
};
/* 0 and *p filled when the ICCN carried any of them, else -1 */
int	l2tp_session_get_proxy(const struct l2tp_session *, struct l2tp_proxy *);

/* size of one session object, for capacity planning / show memory */
size_t	l2tp_session_size(void);
size_t	l2tp_tunnel_size(void);

/* RFC 2661 4.4.2: names of the StopCCN and CDN result codes, for log
 * lines and reports ("unknown result" outside the RFC's tables) */
const char *l2tp_stopccn_result_name(uint16_t);
const char *l2tp_cdn_result_name(uint16_t);
/* a peer's message text in a log line: every byte but printable ASCII
 * (and '"') replaced by '?', in place */
char	*l2tp_printable(char *);

#endif
