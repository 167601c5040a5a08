/*
 * l2tp_local.h - libl2tp internals shared by avp.c, msg.c, ctrl.c,
 * tunnel.c, session.c and l2tp.c. Unit tests include it too.
 */
#ifndef L2TP_LOCAL_H
#define L2TP_LOCAL_H

#include <sys/queue.h>
#include <stdint.h>

#include <ev.h>

#include "buf.h"
#include "log.h"
#include "l2tp.h"

#define L2TP_FAC		"L2TP"
#define L2TP_HDR_CTRL_LEN	12	/* T L S: flags ver len tid sid ns nr */
#define L2TP_AVP_HDR_LEN	6
#define L2TP_AVP_LEN_MAX	1023	/* RFC 2661 4.1: 10-bit length */
#define L2TP_AVP_VAL_MAX	(L2TP_AVP_LEN_MAX - L2TP_AVP_HDR_LEN)
#define L2TP_MSG_LEN_MAX	4096	/* largest control message we build */
#define L2TP_RV_LEN		16	/* random vector we send */

/* header flag bits (RFC 2661 3.1), first 16-bit word */
#define L2TP_HDR_T		0x8000
#define L2TP_HDR_L		0x4000
#define L2TP_HDR_S		0x0800
#define L2TP_HDR_O		0x0200
#define L2TP_HDR_P		0x0100
#define L2TP_HDR_VER_MASK	0x000f
#define L2TP_VERSION		2

/* AVP flag bits (RFC 2661 4.1), first 16-bit word */
#define L2TP_AVP_M		0x8000
#define L2TP_AVP_H		0x4000
#define L2TP_AVP_RSVD		0x3c00
#define L2TP_AVP_LEN_MASK	0x03ff

/* ---- header ---- */
struct l2tp_hdr {
	uint16_t	flags;		/* the whole first word */
	int		ctrl;		/* T */
	int		has_len, has_seq, has_off, prio;
	uint16_t	length;		/* L: total message length */
	uint16_t	tid, sid;
	uint16_t	ns, nr;		/* S */
	uint16_t	hdr_len;	/* bytes before payload / AVPs */
};
/* decode; on failure returns -1 and sets *reason to an l2tp_drop */
int	l2tp_hdr_decode(const uint8_t *, size_t, struct l2tp_hdr *,
	    enum l2tp_drop *reason);

/* ---- AVP table (avp.c) ---- */
#define L2TP_AVPF_NOHIDE	0x01	/* H bit MUST be 0 */
#define L2TP_AVPF_MBIT		0x02	/* we send it with M=1 */

struct l2tp_avp_def {
	const char	*name;
	uint16_t	 min_len, max_len;	/* attribute value, unhidden */
	uint8_t		 flags;
	/* value check beyond length; NULL = length is enough */
	int		(*validate)(struct sso_cur *);
};
/* NULL when the type is unknown (not in the table) */
const struct l2tp_avp_def *l2tp_avp_def(unsigned type);
/* 0 when len is acceptable for type */
int	l2tp_avp_len_ok(unsigned type, size_t len);

/* index of a known AVP in the decoded message: 0..39, 76..79 -> 40..43 */
#define L2TP_AVP_NIDX		44
int	l2tp_avp_index(unsigned type);		/* -1: unknown */
#define L2TP_AVPIDX(type)	((type) < 40 ? (unsigned)(type) :	\
				    (unsigned)(type) - 76 + 40)
#define L2TP_AVPBIT(type)	(1ULL << L2TP_AVPIDX(type))

struct l2tp_bytes {
	const uint8_t	*p;
	uint16_t	 len;
};

/* a decoded control message: slices into the packet or into scratch */
struct l2tp_msg {
	uint16_t	 type;		/* Message Type value, 0 = ZLB */
	int		 type_mbit;
	uint64_t	 present;	/* L2TP_AVPBIT() of decoded AVPs */
	struct l2tp_bytes val[L2TP_AVP_NIDX];
	unsigned	 ignored;	/* non-mandatory AVPs skipped */
	unsigned	 hidden;	/* hidden AVPs revealed */
	int		 hidden_pending;	/* hidden but no secret given */
	/* fatal decode error: what to put in the StopCCN/CDN */
	int		 err;
	uint16_t	 err_result_error;	/* general error code */
	uint16_t	 err_attr;
	const char	*err_text;
	struct l2tp_bytes avps;	/* the whole AVP area, for repeated AVPs */
};
/*
 * Decode the AVPs of a control message (cursor positioned after the
 * header). secret may be NULL: hidden AVPs are then left out and
 * hidden_pending set. scratch receives revealed hidden values and must be
 * at least as large as the AVP area. Returns 0, or -1 with m->err set.
 */
int	l2tp_msg_decode(struct l2tp_msg *, struct sso_cur *, const char *secret,
	    uint8_t *scratch, size_t scratchsz);
int	l2tp_msg_has(const struct l2tp_msg *, unsigned type);
int	l2tp_msg_u16(const struct l2tp_msg *, unsigned type, uint16_t *);
int	l2tp_msg_u16_at(const struct l2tp_msg *, unsigned type, size_t off,
	    uint16_t *);
int	l2tp_msg_u32(const struct l2tp_msg *, unsigned type, uint32_t *);
int	l2tp_msg_u64(const struct l2tp_msg *, unsigned type, uint64_t *);
int	l2tp_msg_cur(const struct l2tp_msg *, unsigned type, struct sso_cur *);
/* copy a string AVP, NUL terminated, truncated to dstsz-1; -1 if absent */
int	l2tp_msg_str(const struct l2tp_msg *, unsigned type, char *, size_t);
/*
 * Repeated AVPs (RFC 4951 Failover Session State): start with
 * l2tp_msg_iter(), then each call yields the next unhidden vendor-0 AVP
 * of `type` whose length the table accepts; -1 at the end.
 */
void	l2tp_msg_iter(const struct l2tp_msg *, struct sso_cur *it);
int	l2tp_msg_next(struct sso_cur *it, unsigned type, struct sso_cur *val);
/* Result Code AVP */
int	l2tp_msg_result(const struct l2tp_msg *, uint16_t *result,
	    uint16_t *error, char *text, size_t textsz);

/* ---- message table (msg.c) ---- */
enum l2tp_scope { L2TP_SCOPE_NONE, L2TP_SCOPE_TUNNEL, L2TP_SCOPE_SESSION };
struct l2tp_msg_def {
	const char	*name;
	uint64_t	 required;	/* L2TP_AVPBIT()s that MUST be present */
	enum l2tp_scope	 scope;
};
const struct l2tp_msg_def *l2tp_msg_def(unsigned type);

/* ---- builder (avp.c) ---- */
struct l2tp_build {
	struct sso_wbuf	 wb;
	const char	*secret;	/* for hidden AVPs; NULL = never hide */
	int		 hide;		/* hide hideable AVPs */
	int		 rv_done;
	uint8_t		 rv[L2TP_RV_LEN];
};
/* control header (Ns/Nr zero, filled by ctrl) + Message Type AVP */
int	l2tp_build_begin(struct l2tp_build *, uint16_t tid, uint16_t sid,
	    uint16_t type, const char *secret, int hide);
int	l2tp_build_avp(struct l2tp_build *, uint16_t type, const void *,
	    size_t);
/* raw form for tests and odd cases: explicit M and H, vendor 0 */
int	l2tp_build_avp_raw(struct l2tp_build *, uint16_t type, int mbit,
	    int hide, const void *, size_t);
int	l2tp_build_u16(struct l2tp_build *, uint16_t type, uint16_t);
int	l2tp_build_u32(struct l2tp_build *, uint16_t type, uint32_t);
int	l2tp_build_u64(struct l2tp_build *, uint16_t type, uint64_t);
int	l2tp_build_str(struct l2tp_build *, uint16_t type, const char *);
int	l2tp_build_result(struct l2tp_build *, uint16_t result,
	    uint16_t error, const char *text);
/* set the Length field; 0 or -1 (any earlier error), buffer kept */
int	l2tp_build_finish(struct l2tp_build *);
void	l2tp_build_free(struct l2tp_build *);
/* our own bytes: write Ns/Nr into a built control header */
void	l2tp_hdr_set_ns_nr(uint8_t *, uint16_t ns, uint16_t nr);

/* MD5 over up to 3 parts (EVP); 0/-1 */
int	l2tp_md5(uint8_t out[16], const void *a, size_t alen, const void *b,
	    size_t blen, const void *c, size_t clen);
/* CHAP-style response, RFC 2661 4.4.3: MD5(id || secret || challenge) */
int	l2tp_chap_response(uint8_t out[16], uint8_t id, const char *secret,
	    const uint8_t *chal, size_t chal_len);
/* RFC 2661 4.3 hiding, in place over buf (subformat) */
int	l2tp_avp_hide(uint16_t type, const char *secret, const uint8_t *rv,
	    size_t rvlen, uint8_t *buf, size_t len);
int	l2tp_avp_unhide(uint16_t type, const char *secret, const uint8_t *rv,
	    size_t rvlen, const uint8_t *in, uint8_t *out, size_t len);
int	l2tp_random(void *, size_t);

/* ---- hash (l2tp.c): intrusive chained table keyed by uint32 ---- */
struct l2tp_hnode {
	struct l2tp_hnode *next;
	uint32_t	   key;
};
struct l2tp_hash {
	struct l2tp_hnode **b;
	uint32_t	    nbuckets;	/* power of two */
	uint32_t	    count;
};
int	l2tp_hash_init(struct l2tp_hash *, uint32_t nbuckets);
void	l2tp_hash_fini(struct l2tp_hash *);
int	l2tp_hash_add(struct l2tp_hash *, struct l2tp_hnode *, uint32_t key);
void	l2tp_hash_del(struct l2tp_hash *, struct l2tp_hnode *);
struct l2tp_hnode *l2tp_hash_first(const struct l2tp_hash *, uint32_t key);
struct l2tp_hnode *l2tp_hash_next_key(struct l2tp_hnode *, uint32_t key);
#define L2TP_CONTAINER(p, type, member)					\
	((type *)(void *)((char *)(p) - offsetof(type, member)))

/* ---- reliable control channel (ctrl.c) ---- */
enum l2tp_txstate { L2TP_TX_HELD, L2TP_TX_READY, L2TP_TX_SENT };
struct l2tp_txmsg {
	TAILQ_ENTRY(l2tp_txmsg) entry;
	uint16_t	 ns;
	uint16_t	 len;
	uint8_t		 state;		/* enum l2tp_txstate */
	uint8_t		 buf[];
};
TAILQ_HEAD(l2tp_txq, l2tp_txmsg);

struct l2tp_rxmsg {
	TAILQ_ENTRY(l2tp_rxmsg) entry;
	uint16_t	 ns;
	uint16_t	 len;
	uint8_t		 buf[];
};
TAILQ_HEAD(l2tp_rxq, l2tp_rxmsg);

struct l2tp_ctrl {
	struct l2tp_txq	 txq;		/* held, ready and sent, Ns order */
	struct l2tp_txq	 deferq;	/* built behind a resync probe: no Ns
					 * yet (numbered once it is adopted) */
	struct l2tp_rxq	 rxq;		/* out of order, Ns order */
	unsigned	 txq_len, rxq_len, deferq_len;
	uint16_t	 ns_next;	/* Ns of the next new message */
	uint16_t	 snd_una;	/* oldest unacked */
	uint16_t	 snd_nxt;	/* next never-transmitted Ns */
	uint16_t	 rcv_next;	/* next in-order Ns expected */
	uint16_t	 nr_wire;	/* Nr we may put on the wire */
	uint16_t	 nr_last_sent;	/* Nr of the last packet we sent */
	uint16_t	 rx_window, peer_rx_window;
	uint16_t	 cwnd, ssthresh, cwnd_acks;
	uint16_t	 retries_done;
	unsigned	 rto_ms;
	int		 in_input;	/* defer flush until input is done */
	int		 resync;	/* waiting for the probe's answer */
	int		 rx_strict;	/* non-Hello delivered since last ack */
	uint16_t	 resync_ns;
	ev_timer	 rtx_timer;
	ev_timer	 ack_timer;
	ev_timer	 hello_timer;
};

void	l2tp_ctrl_init(struct l2tp_tunnel *);
void	l2tp_ctrl_fini(struct l2tp_tunnel *);
void	l2tp_ctrl_start_hello(struct l2tp_tunnel *);
void	l2tp_ctrl_touch(struct l2tp_tunnel *);	/* peer heard: hello rearm */
/* queue a built message (takes the buffer); 0/-1 */
int	l2tp_ctrl_send(struct l2tp_tunnel *, struct l2tp_build *);
/* a control packet for this tunnel (whole datagram, header decoded) */
int	l2tp_ctrl_input(struct l2tp_tunnel *, const struct l2tp_hdr *,
	    const uint8_t *, size_t, enum l2tp_drop *);
void	l2tp_ctrl_flush(struct l2tp_tunnel *);
int	l2tp_ctrl_send_zlb(struct l2tp_tunnel *);
/* timer bodies, callable from tests */
void	l2tp_ctrl_rtx_timeout(struct l2tp_tunnel *);
void	l2tp_ctrl_ack_timeout(struct l2tp_tunnel *);
void	l2tp_ctrl_hello_timeout(struct l2tp_tunnel *);

/* ---- tunnel (tunnel.c) ---- */
enum l2tp_tunnel_ev {
	L2TP_TEV_OPEN,
	L2TP_TEV_RX_SCCRQ,
	L2TP_TEV_RX_SCCRP,
	L2TP_TEV_RX_SCCCN,
	L2TP_TEV_RX_STOPCCN,
	L2TP_TEV_CLOSE,		/* admin clear */
	L2TP_TEV_CTRL_FAIL,	/* retransmissions exhausted */
	L2TP_TEV_BAD_MSG,	/* malformed/unknown mandatory -> StopCCN */
	L2TP_TEV_TIE_LOST,	/* silently discard (RFC 2661 4.4.3) */
	L2TP_TEV_TX_DONE,	/* send queue drained (StopCCN acked) */
	L2TP_TEV_LINGER_DONE,
	L2TP_TEV_RESYNC,
	L2TP_TEV_RESYNC_DONE,
	L2TP_TEV_MAX
};
extern const char *const l2tp_tunnel_ev_names[L2TP_TEV_MAX];

struct l2tp_tunnel {
	struct l2tp_hnode  hn_local;	/* ctx->tunnels by local tid */
	struct l2tp_hnode  hn_remote;	/* ctx->tunnels_remote by remote tid */
	TAILQ_ENTRY(l2tp_tunnel) entry;	/* ctx->tunnel_list / reap */
	TAILQ_ENTRY(l2tp_tunnel) pending_entry;	/* ctx->pending */
	struct l2tp_ctx	  *ctx;
	struct l2tp_group  grp;
	enum l2tp_tunnel_state state;
	uint16_t	   local_tid, remote_tid;
	uint8_t		   initiator;
	uint8_t		   dead;
	uint8_t		   up_reported, down_reported;
	uint8_t		   remote_linked;	/* in ctx->tunnels_remote */
	uint8_t		   pending;	/* in ctx->pending (wait-ctl-reply) */
	uint8_t		   stop_sent;	/* we sent the StopCCN */
	struct sockaddr_storage peer;
	socklen_t	   peer_len;
	char		   peer_name[L2TP_NAME_MAX];
	uint32_t	   peer_framing_cap, peer_bearer_cap;
	int		   peer_failover;
	/* RFC 4951 */
	uint16_t	   peer_fo_flags;	/* L2TP_FAILOVER_CAP_* */
	uint32_t	   peer_recovery_ms;
	uint16_t	   fo_old_tid;	/* recovery tunnel: the one it recovers */
	uint16_t	   fo_rec_tid;	/* recovered/held: its recovery tunnel */
	uint8_t		   fo_hold;	/* peer side: peer recovering, quiet */
	uint64_t	   tie_breaker, peer_tie_breaker;
	uint8_t		   challenge[16];	/* we sent, 0 len = none */
	uint8_t		   challenge_len;
	uint16_t	   last_result, last_error;
	const char	  *close_text;	/* transient, for l2tp_tunnel_clear */
	const char	  *called;	/* transient, for OCRQ */
	struct l2tp_ctrl   ctrl;
	ev_timer	   linger_timer;
	TAILQ_HEAD(, l2tp_session) sessions;
	unsigned	   nsessions;
	void		  *user;
};

int	l2tp_tunnel_fsm(struct l2tp_tunnel *, enum l2tp_tunnel_ev,
	    const struct l2tp_msg *);
/* tid 0: allocate a random free one */
struct l2tp_tunnel *l2tp_tunnel_new(struct l2tp_ctx *, const struct l2tp_group *,
	    const struct sockaddr *, socklen_t, uint16_t tid);
/* a delivered, in-order, non-ZLB control message (whole packet) */
void	l2tp_tunnel_deliver(struct l2tp_tunnel *, const struct l2tp_hdr *,
	    const uint8_t *, size_t);
void	l2tp_tunnel_destroy(struct l2tp_tunnel *);	/* free now */
int	l2tp_tunnel_accepts_sessions(const struct l2tp_tunnel *);
/* RFC 4951: we and the peer advertised control channel failover */
int	l2tp_tunnel_fo_negotiated(const struct l2tp_tunnel *);
/* RFC 4951 peer side: the established tunnel a Tunnel Recovery AVP
 * names for this peer address, or NULL */
struct l2tp_tunnel *l2tp_tunnel_fo_lookup(struct l2tp_ctx *,
	    const struct l2tp_msg *, const struct sockaddr *);
/* RFC 4951 recovering side: adopt the Suggested Control Sequence */
void	l2tp_ctrl_recover(struct l2tp_tunnel *, uint16_t ns, uint16_t nr);
const char *l2tp_tunnel_secret(const struct l2tp_tunnel *);
void	l2tp_tunnel_remote_link(struct l2tp_tunnel *);

/* ---- session (session.c) ---- */
enum l2tp_session_ev {
	L2TP_SEV_OPEN,
	L2TP_SEV_TUNNEL_UP,
	L2TP_SEV_RX_ICRQ,
	L2TP_SEV_RX_ICRP,
	L2TP_SEV_RX_ICCN,
	L2TP_SEV_RX_OCRQ,
	L2TP_SEV_RX_OCRP,
	L2TP_SEV_RX_OCCN,
	L2TP_SEV_RX_CDN,
	L2TP_SEV_RX_WEN,
	L2TP_SEV_RX_SLI,
	L2TP_SEV_ANSWER,	/* LAC outgoing: bearer answered */
	L2TP_SEV_CLOSE,		/* local close / bearer drop */
	L2TP_SEV_TUNNEL_DOWN,
	L2TP_SEV_BAD_MSG,
	L2TP_SEV_FO_CLEAR,	/* RFC 4951 FSR: the peer has no such call */
	L2TP_SEV_MAX
};
extern const char *const l2tp_session_ev_names[L2TP_SEV_MAX];

struct l2tp_session {
	struct l2tp_hnode  hn;		/* ctx->sessions by tid<<16|sid */
	TAILQ_ENTRY(l2tp_session) entry;	/* tunnel->sessions / reap */
	struct l2tp_tunnel *tunnel;
	uint32_t	   call_serial;
	uint16_t	   local_sid, remote_sid;
	uint8_t		   state;	/* enum l2tp_session_state */
	uint8_t		   call;	/* enum l2tp_call_type */
	uint8_t		   data_seq;	/* we send Ns/Nr on data */
	uint8_t		   seq_locked;	/* Sequencing Required seen */
	uint8_t		   known;	/* host has seen it: report down */
	uint8_t		   dead;
	uint16_t	   data_ns, data_nr;
	uint16_t	   last_result, last_error;
	uint32_t	   rx_errors, rx_seq_errors, tx_errors;
	uint64_t	   rx_pkts, rx_bytes, tx_pkts, tx_bytes;
	void		  *user;
	struct l2tp_session_ext *ext;	/* rarely needed parts, or NULL */
};

/* kept apart so that a session stays small (test_l2tp_fsm sizes) */
struct l2tp_session_ext {
	struct l2tp_proxy *proxy;	/* RFC 2661 4.4.5, from the ICCN */
	uint8_t		  *early;	/* LNS: one PPP frame before the ICCN,
					 * its length in the first 2 octets */
};
#define L2TP_EARLY_MAX	1600	/* the largest early frame kept */

int	l2tp_session_fsm(struct l2tp_session *, enum l2tp_session_ev,
	    const struct l2tp_msg *);
/* session-scope control message on an established tunnel */
void	l2tp_session_dispatch(struct l2tp_tunnel *, const struct l2tp_hdr *,
	    const struct l2tp_msg *);
/* session-scope message that failed to decode: CDN with its error */
void	l2tp_session_bad_msg(struct l2tp_tunnel *, const struct l2tp_hdr *,
	    const struct l2tp_msg *);
int	l2tp_session_data_input(struct l2tp_ctx *, const struct l2tp_hdr *,
	    const uint8_t *, size_t, enum l2tp_drop *);
void	l2tp_session_destroy(struct l2tp_session *);	/* free now */
void	l2tp_tunnel_sessions_down(struct l2tp_tunnel *);
/* RFC 4951 FSQ / FSR received on an established tunnel */
void	l2tp_session_failover(struct l2tp_tunnel *, const struct l2tp_msg *);

/* ---- context (l2tp.c) ---- */
extern struct sso_debug l2tp_debug_packets;	/* "l2tp packets" */
extern struct sso_debug l2tp_debug_fsm;		/* "l2tp events" */

TAILQ_HEAD(l2tp_tunnel_list, l2tp_tunnel);
TAILQ_HEAD(l2tp_session_list, l2tp_session);

/*
 * What goes up the engine's layers (ctx.c): the ctx calls these instead
 * of naming the functions, so no file calls one above it by name.
 */
struct l2tp_eng_ops {
	void	(*deliver)(struct l2tp_tunnel *, const struct l2tp_hdr *,
		    const uint8_t *, size_t);
	int	(*tunnel_fsm)(struct l2tp_tunnel *, enum l2tp_tunnel_ev,
		    const struct l2tp_msg *);
	void	(*session_destroy)(struct l2tp_session *);
	void	(*tunnel_destroy)(struct l2tp_tunnel *);
};

struct l2tp_ctx {
	struct ev_loop	*loop;
	const struct l2tp_eng_ops *eng;
	struct l2tp_host_ops ops;
	void		*arg;
	struct l2tp_hash tunnels;	/* by local tid */
	struct l2tp_hash tunnels_remote;	/* by remote tid (SCCRQ dup) */
	struct l2tp_hash sessions;	/* by local tid << 16 | local sid */
	struct l2tp_tunnel_list tunnel_list;
	struct l2tp_tunnel_list pending;	/* our SCCRQs awaiting SCCRP */
	struct l2tp_tunnel_list reap_tunnels;
	struct l2tp_session_list reap_sessions;
	unsigned	 ntunnels;
	int		 depth;		/* engine frames on the stack */
	unsigned	 ack_delay_ms;
	unsigned	 linger_ms;
	uint32_t	 call_serial;
	int		 debug;
	int		 fd;
	int		 handing_over;	/* l2tp_ctx_handover(): data only */
	ev_io		 io;
	struct l2tp_stats stats;
	struct sso_ratelimit rl;
	struct sso_wbuf	 txbuf;		/* data messages, reused */
	uint8_t		 scratch[65536];	/* revealed hidden AVPs */
	uint8_t		 rxbuf[65536];	/* socket reads */
};

/* a tunnel event raised from below the tunnel layer (ctrl.c, session.c) */
static inline int
l2tp_tunnel_event(struct l2tp_tunnel *t, enum l2tp_tunnel_ev ev,
    const struct l2tp_msg *m)
{
	return t->ctx->eng->tunnel_fsm(t, ev, m);
}

void	l2tp_ctx_enter(struct l2tp_ctx *);
void	l2tp_ctx_reap(struct l2tp_ctx *);	/* free the dead now */
uint16_t l2tp_rand16(void);
void	l2tp_ctx_leave(struct l2tp_ctx *);	/* reaps at depth 0 */
int	l2tp_ctx_xmit(struct l2tp_ctx *, const uint8_t *, size_t,
	    const struct sockaddr *, socklen_t);
void	l2tp_ctx_drop(struct l2tp_ctx *, enum l2tp_drop, uint32_t value,
	    const struct sockaddr *);
void	l2tp_ctx_reap_tunnel(struct l2tp_tunnel *);
void	l2tp_ctx_reap_session(struct l2tp_session *);
uint16_t l2tp_ctx_alloc_tid(struct l2tp_ctx *);
uint16_t l2tp_ctx_alloc_sid(struct l2tp_ctx *, uint16_t tid);
const char *l2tp_addr_str(const struct sockaddr *, char *, size_t);
/* same address (and port when with_port) */
int	l2tp_addr_eq(const struct sockaddr *, const struct sockaddr *,
	    int with_port);

#endif
