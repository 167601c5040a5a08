/*
 * ha_local.h - private to the L2TP checkpoint client, in four rooms plus
 * the wiring (DESIGN.md "L2TP over SSO"):
 *   ha_active.c   active side: shadows on engine objects, records out,
 *                 engine hooks, bulk, a tunnel rebuilt from the copy;
 *   ha_standby.c  standby copy: the record type table, apply, the store;
 *   ha_resync.c   takeover and resync: one explicit FSM per tunnel;
 *   ha_show.c     show l2tp redundancy, the clients line;
 *   ha.c          ha_init(): registers the rooms with cf and svc.
 * Calls go one way only: ha.c -> rooms; show -> active/resync/standby;
 * active -> resync -> standby; every room -> svc.c; never back (svc.c
 * reaches us only through the hooks ha.c registers, resync reaches the
 * engine and the active side only through struct ha_resync_ops).
 */
#ifndef L2TP_HA_LOCAL_H
#define L2TP_HA_LOCAL_H

#include <stdint.h>

#include "svc_local.h"
#include "svc_counters.h"
#include "l2tp_ckpt.pb-c.h"

#define HA_CLIENT_ID	20
/* the message versions this build advertises (ssod-v1, the stand-in for
 * release N where no git history is, is built with HA_VER_MAX=1), and
 * the newest this code knows: records are built in that form and said
 * in the negotiated version through ha_msgver (ha_msgver.c) */
#define HA_VER_MIN	1
#ifndef HA_VER_MAX
#define HA_VER_MAX	3
#endif
#define HA_MSG_NATIVE	3

/* record types on the wire (values are part of the checkpoint format) */
enum ha_rec_type {
	R_TUNNEL = 1, R_TUNNEL_DEL = 2, R_SESSION = 3, R_SESSION_DEL = 4,
	R_TXMSG = 5, R_PROGRESS = 6,
	R_SUB = 7, R_SUB_COUNTERS = 8, R_SUB_DEL = 9,	/* sub_ha.c */
	R_ACCT = 10, R_ACCT_DONE = 11, R_DAE_ANSWER = 12	/* sub_ha.c */
};
#define HA_REC_TYPES	32	/* room for the PPP/AAA records to come */
#define HA_REC_MAX	8192	/* a control message (<= 4096) and its state */

/*
 * A record type: its wire form (the protobuf message both encode and
 * decode use) and how the standby applies it. A protocol part adds its
 * state by registering types here (and a producer below), not by adding
 * a branch to ha_apply().
 */
extern const struct sso_msgver ha_msgver;
/* m (native form) in version `version` into buf: its length, or -1
 * (errno EINVAL: no such version, EMSGSIZE: over cap). m is downgraded
 * in place */
int	ha_rec_encode(ProtobufCMessage *m, uint32_t type, uint32_t version,
	    uint8_t *buf, size_t cap);
/* a record of version `version` in the native form (free it with
 * protobuf_c_message_free_unpacked), or NULL */
ProtobufCMessage *ha_rec_decode(const ProtobufCMessageDescriptor *,
	    uint32_t type, uint32_t version, const uint8_t *, size_t);
/* the negotiated version has TxMsg.sessions and Ref.sessions (3) */
int	ha_rec_merges(void);

struct ha_rec {
	uint32_t	 type;
	const char	*name;
	const ProtobufCMessageDescriptor *pb;
	int		(*apply)(uint32_t type, const ProtobufCMessage *);
};
int	ha_rec_register(const struct ha_rec *);
const struct ha_rec *ha_rec_find(uint32_t type);

/*
 * A record producer: everything of one protocol part a protected tunnel
 * carries, sent when the tunnel becomes protected and in every bulk.
 * Returns -1 (errno EAGAIN) when back-pressure stopped it.
 */
struct ha_producer {
	const char	*name;
	int		(*tunnel)(struct l2tp_tunnel *);	/* may be NULL */
	/* state of no tunnel (accounting records), once at the start of
	 * every bulk; may be NULL */
	int		(*all)(void);
};
int	ha_producer_register(const struct ha_producer *);

/*
 * A protocol part's own standby copy beside the tunnels: emptied with
 * the store (reset) and turned into live state at takeover, after the
 * tunnels and their sessions are rebuilt and BEFORE the resync releases
 * traffic (the data path must exist when the peers' frames come).
 */
struct ha_part {
	const char	*name;
	void		(*reset)(void);
	void		(*takeover)(void);
	/* what `show l2tp redundancy` counts of the part: objects with a
	 * copy on the standby, established ones (equal on both units);
	 * may be NULL */
	void		(*counts)(uint64_t *enabled, uint64_t *established);
	/* active, at a manual switchover: nonzero while it has work in
	 * flight it would rather finish than leave to the successor (the
	 * core's handover_busy); may be NULL */
	int		(*busy)(void);
};
int	ha_part_register(const struct ha_part *);
int	ha_parts_busy(void);
void	ha_parts_takeover(void);
/* the sum over the parts (PPP sessions today) */
void	ha_parts_counts(uint64_t *enabled, uint64_t *established);

/*
 * A record of a protocol part: SYNC when done != NULL. Returns 1 when the
 * standby has it not yet (done(arg) is called exactly once, later), 0
 * when there is nothing to wait for (done is not called), -1 on error.
 */
int	ha_emit(ProtobufCMessage *, uint32_t type,
	    void (*done)(void *), void *arg);

/* ---- shadows hung on engine objects (active side) ---- */

struct ha_msg {
	struct ha_msg	*next;
	uint16_t	 ns, len;
	uint8_t		 buf[];
};

/* the resync of one tunnel after takeover (see ha_resync.c) */
enum ha_rs_state {
	RS_NONE,	/* not resyncing (or done) */
	RS_WAIT,	/* rebuilt, waiting for a probe slot */
	RS_PROBING,	/* probe Hello out, waiting for the peer's ZLB */
	RS_DRAIN,	/* queue resent first (Ns at the wrap), then probe */
	RS_RECOVER,	/* RFC 4951 recovery tunnel under way */
	RS_MAX
};
enum ha_rs_event {
	HA_RSE_RESTORED,	/* rebuilt from the copy at takeover */
	HA_RSE_START,		/* a probe slot is free */
	HA_RSE_RECOVERY_FAILED,	/* RFC 4951 refused, timed out, or not
				 * started */
	HA_RSE_DRAINED,		/* the resent queue is acked */
	HA_RSE_RESYNCED,	/* the engine adopted the peer's answer */
	HA_RSE_DOWN,		/* the tunnel went down */
	HA_RSE_MAX
};
extern const char *const ha_rs_state_names[RS_MAX];
extern const char *const ha_rs_event_names[HA_RSE_MAX];

struct ha_t {
	uint32_t	 gen;		/* identifies the tunnel in callbacks */
	uint16_t	 tid;		/* its local id, for logs */
	enum ha_rs_state rs;		/* only ha_resync_change_state() */
	uint16_t	 probe;
	unsigned	 resync_n;	/* group's l2tp tunnel resync */
	int		 fo_tried;	/* RFC 4951 recovery attempted */
	struct ha_msg	*pending;	/* standby's unacked queue, to resend */
	struct ha_t	*rs_next;	/* resync wait list */
	struct l2tp_tunnel *t;
	/*
	 * Once per loop iteration (ha_active.c batch_cb): the Nr to
	 * checkpoint (rule 3), and the releases the standby's acks allowed,
	 * applied together so a released message carries the released Nr.
	 */
	struct ha_t	*ack_next, *rel_next, *dirty_next;
	struct ha_s	*dirty;		/* sessions changed, not yet sent */
	uint16_t	 ack_nr;	/* the latest Nr to checkpoint */
	uint16_t	 ck_rcv;	/* rcv_next of our last ctrl record */
	uint16_t	 rel_nr, rel_ns;
	uint8_t		 ack_due, ck_valid, rel_queued, rel_has_nr, rel_has_ns;
	uint8_t		 dirty_queued;
};

/* what the standby was last sent of a session (protected tunnels) */
struct ha_s {
	struct l2tp_session *s;
	struct ha_s	*dnext;		/* on its tunnel's dirty list */
	uint8_t		 dirty;
	uint8_t		 state, data_seq, seq_required;
	uint16_t	 remote_sid;
};

static inline struct ha_t *
ha_of(const struct l2tp_tunnel *t)
{
	return l2tp_tunnel_get_user(t);
}

/* ---- the standby copy (ha_standby.c) ---- */

struct sb_sess {
	struct sb_sess	*next, *prev;	/* the tunnel's, in arrival order */
	struct sb_sess	*hnext;		/* its bucket in the tunnel's index */
	uint16_t	 sid, remote_sid, remote_tid;
	uint8_t		 state, call, data_seq, seq_required;
	uint32_t	 serial;
};

struct sb_tun {
	uint16_t	 tid, remote_tid;
	int		 initiator, peer_failover;
	uint16_t	 fo_flags;	/* peer's RFC 4951 C/D bits */
	uint32_t	 recovery_ms;
	char		 group[L2TP_NAME_MAX], peer_name[L2TP_NAME_MAX];
	struct sockaddr_storage peer;
	socklen_t	 peer_len;
	uint32_t	 framing, bearer;
	struct l2tp_ctrl_state cs;
	struct ha_msg	*txq;		/* sorted by Ns, from snd_una */
	struct sb_sess	*sessions, *sess_tail;
	struct sb_sess	**sess_idx;	/* by sid; sess_nidx buckets (2^k) */
	unsigned	 sess_nidx;
	unsigned	 nsess, nsess_est;
};

struct ha_standby_stats {
	uint64_t	 rx_records, apply_errors;
	unsigned	 tunnels;
};

void	ha_standby_init(void);
int	ha_apply(void *, uint32_t version, uint32_t type, const uint8_t *,
	    size_t);
void	ha_reset(void *);
struct sb_tun *ha_sb_get(unsigned tid);		/* NULL: none */
struct sb_tun *ha_sb_take(unsigned tid);	/* out of the store */
void	ha_sb_free(struct sb_tun *);
void	ha_standby_stats(struct ha_standby_stats *);

/* ---- the active side (ha_active.c) ---- */

struct ha_active_stats {
	uint64_t	 tx_records, sync_waits, deferred, unprotected;
	uint64_t	 ack_stream_waits;	/* acks with no record of their own */
	int		 streaming;	/* the standby takes records */
};

void	ha_active_init(void);
int	ha_ckpt_send(void *, struct l2tp_tunnel *, uint16_t, int,
	    const uint8_t *, size_t);
int	ha_ckpt_ack(void *, struct l2tp_tunnel *, uint16_t, int);
void	ha_tunnel_event(void *, struct l2tp_tunnel *, enum l2tp_event);
void	ha_session_changed(void *, struct l2tp_session *);
int	ha_bulk(void *, int first, unsigned budget);
void	ha_flow_on(void *);
void	ha_active_stats(struct ha_active_stats *);
extern struct sso_client *ha_client;

/* ---- takeover and resync (ha_resync.c) ---- */

/*
 * What the resync machine does to the engine and the active side, so it
 * can be driven alone (tests/unit/test_l2tp_ha.c). ha_active.c registers
 * the real ones.
 */
struct ha_resync_ops {
	/* rebuild one tunnel from the copy, shadow attached (NULL: not) */
	struct ha_t *(*restore)(struct sb_tun *);
	void	(*hold)(struct l2tp_tunnel *);	/* refuse calls: RESYNC */
	void	(*export)(const struct l2tp_tunnel *, struct l2tp_ctrl_state *);
	int	(*failover_negotiated)(struct l2tp_tunnel *);
	int	(*recover)(struct l2tp_tunnel *);	/* RFC 4951 */
	int	(*probe)(struct l2tp_tunnel *, uint16_t ns);
	int	(*import_msg)(struct l2tp_tunnel *, uint16_t ns,
		    const uint8_t *, size_t);
	void	(*retransmit_all)(struct l2tp_tunnel *);
	void	(*clear)(struct l2tp_tunnel *, const char *why);
	void	(*resynced)(struct l2tp_tunnel *);  /* the new standby's view */
	void	(*failure)(struct l2tp_tunnel *, const char *why);
	unsigned (*result)(struct l2tp_tunnel *);	/* last result code */
	void	(*drain_timer)(int on);
	/* the protocol parts' copies go live (NULL: none) */
	void	(*parts_takeover)(void);
};

/* one transition, kept for `old -> new (event)` and the tests */
struct ha_rs_hist {
	uint64_t	 ms;
	uint16_t	 tid;
	uint8_t		 from, to, ev;
};
#define HA_RS_HIST	64

struct ha_resync_stats {
	uint64_t	 rs_success, rs_fail, fo_success, fo_fail;
	uint64_t	 restore_fail;
	uint64_t	 start_ms, duration_ms;
	unsigned	 outstanding, total, waiting;
	int		 running;
	uint64_t	 events[HA_RSE_MAX];
	uint64_t	 transitions;
};

void	ha_resync_init(const struct ha_resync_ops *);
void	ha_resync_fsm(struct ha_t *, enum ha_rs_event);
void	ha_resync_kick(void);
void	ha_resync_drain(void);		/* the drain timer's tick */
void	ha_takeover(void);		/* socket is up: rebuild + resync */
void	ha_resync_stats(struct ha_resync_stats *);
/* i-th most recent transition (0 = last); -1 when not kept */
int	ha_resync_history(unsigned i, struct ha_rs_hist *);
void	ha_resync_reset_stats(void);	/* tests */

/* ---- show (ha_show.c) ---- */

void	ha_show_client(void *, struct sso_json *, struct sso_wbuf *);

/* ---- debug categories (ha.c) ---- */

extern struct sso_debug ha_dbg_cf, ha_dbg_detail, ha_dbg_error,
    ha_dbg_event, ha_dbg_fsm, ha_dbg_resync, ha_dbg_rf;

#endif
