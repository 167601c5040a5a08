/*
 * sub_codec.h - the subscriber checkpoint record (l2tp_ckpt.proto
 * Subscriber, record type R_SUB) to and from plain values: no daemon
 * state, no I/O, so that emit and apply are one mechanism and a unit
 * test can take a session through export, pack, unpack and restore.
 * sub_ha.c sends and applies the records; this only converts them.
 */
#ifndef L2TP_SUB_CODEC_H
#define L2TP_SUB_CODEC_H

#include <stdint.h>

#include "pool.h"
#include "ppp.h"
#include "radius.h"
#include "l2tp_ckpt.pb-c.h"

#define SUB_FRAMED_ROUTES_MAX	(RAD_ROUTES_MAX + 1)	/* + the netmask's */

/* the accounting identity of a session, checkpointed with it */
struct sub_acct_id {
	char		 sid[40];
	int		 started, stopped, authorized;
	uint32_t	 seq;
	unsigned	 nclass;
	uint8_t		 class_len[RAD_CLASS_MAX];
	uint8_t		 class_val[RAD_CLASS_MAX][RAD_VAL_MAX];
	uint32_t	 interim_s, session_timeout, idle_timeout;
};

/* a subscriber's IP counters */
struct sub_counters {
	uint64_t	 rx_pkts, rx_bytes, tx_pkts, tx_bytes;
};

/*
 * One subscriber as the record carries it. Without `established` the
 * record holds the address alone (the call still negotiates): e, the
 * counters, the accounting identity and the routes are not sent, and
 * decode leaves them zero.
 */
struct sub_ckpt {
	uint16_t	 tid, sid;
	char		 pool[POOL_NAME_MAX];
	uint32_t	 addr;		/* the peer's, host order */
	int		 has_start;	/* decode: start_unix_ms was sent */
	uint64_t	 start_unix_ms;	/* wall clock */
	int		 established;
	uint64_t	 up_unix_ms;	/* wall clock of PPP up; 0: not sent
					 * (an older unit's record) */
	struct ppp_established e;	/* addr_peer is addr */
	int		 has_counters;	/* decode: the record had them */
	struct sub_counters cnt;
	int		 has_acct;
	struct sub_acct_id acct;
	struct rad_route r[SUB_FRAMED_ROUTES_MAX];	/* RADIUS's routes */
	unsigned	 nr;
};

/* what a packed record points into besides the sub_ckpt itself */
struct sub_ckpt_buf {
	L2tpckpt__SubCounters c;
	L2tpckpt__SubAcct ac;
	ProtobufCBinaryData cls[RAD_CLASS_MAX];
	uint32_t	 rnet[SUB_FRAMED_ROUTES_MAX];
	uint32_t	 rplen[SUB_FRAMED_ROUTES_MAX];
	uint32_t	 rmetric[SUB_FRAMED_ROUTES_MAX];
};

/* m points into c and b until they go: pack it (ha_emit) before that;
 * 0, or -1 when c does not fit the record (too many routes or Class) */
int	sub_codec_pack(const struct sub_ckpt *c, L2tpckpt__Subscriber *m,
	    struct sub_ckpt_buf *b);
/* 0, or -1 on a malformed record (c is then undefined) */
int	sub_codec_unpack(const L2tpckpt__Subscriber *m, struct sub_ckpt *c);
/* the IP counters record (R_SUB_COUNTERS and inside R_SUB) */
void	sub_codec_counters_pack(uint16_t tid, uint16_t sid,
	    const struct sub_counters *, L2tpckpt__SubCounters *);
void	sub_codec_counters_unpack(const L2tpckpt__SubCounters *,
	    struct sub_counters *);

#endif
