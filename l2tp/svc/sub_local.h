/*
 * sub_local.h - private to the subscriber (PPP) part of the L2TP service:
 *   sub_conf.c   aaa / username / ip local pool / interface configuration;
 *   sub.c        session life: an LNS session of a group with
 *                virtual-template gets a PPP engine instance at ICCN;
 *   sub_dp.c     the TUN device of the active unit, up- and downstream;
 *   sub_show.c   show ppp, show subscriber, show ip local pool, debug ppp;
 *   sub_ha.c     subscriber SSO records, the standby's copies, takeover;
 *   sub_codec.c  the subscriber record to and from plain values (pure);
 *   sub_ha_acct.c  accounting records and DAE answers as checkpoints;
 *   sub_acctq.c  the accounting queue (ops: checkpoint, RADIUS client);
 *   sub_acct.c, sub_aaa.c, sub_dae.c  RADIUS authorisation, accounting,
 *                dynamic authorization.
 * Calls go one way: show -> sub -> dp -> conf; every file -> svc.c. The
 * service reaches sub.c only through the hooks it registers (svc_hooks).
 */
#ifndef L2TP_SUB_LOCAL_H
#define L2TP_SUB_LOCAL_H

#include <net/if.h>
#include <stdint.h>
#include <sys/queue.h>
#include <ev.h>

#include "svc_local.h"
#include "aaa.h"
#include "dp.h"
#include "pool.h"
#include "ppp.h"
#include "radius.h"
#include "sub_codec.h"

#define SUB_FAC		"PPP"
#define SUB_VT_MAX	16	/* interface Virtual-Template definitions */
#define SUB_LO_MAX	8	/* interface LoopbackN definitions */
#define SUB_VT_NUM_MAX	200
#define SUB_BATCH	64	/* packets per TUN read/write batch */
#define SUB_PKT_MAX	2048	/* > every MTU we configure (mtu <= 1500) */
#define SUB_READ_BATCHES 8	/* device reads per wakeup, at most */
#define SUB_TXQLEN	10000	/* the device's queue towards us, packets */

/* interface LoopbackN */
struct sub_lo {
	unsigned	 num;
	int		 line;
	uint32_t	 addr, mask;	/* host order; 0: no ip address */
	unsigned	 plen;
};

/* interface Virtual-TemplateN: what a PPP session is cloned from */
struct sub_vt {
	unsigned	 num;
	int		 line;
	int		 unnumbered;	/* ip unnumbered LoopbackN */
	unsigned	 unnum_lo;
	int		 line_unnum;
	char		 pool[POOL_NAME_MAX];	/* peer default ip address pool */
	int		 line_pool;
	enum ppp_auth	 auth[2];	/* ppp authentication, preference */
	uint32_t	 dns[2];	/* ppp ipcp dns */
	int		 keepalive_off;	/* no keepalive */
	unsigned	 ka_period, ka_retries;
	unsigned	 mtu;
	unsigned	 adjust_mss;	/* 0: off */
};

struct sub_conf {
	struct aaa	*aaa;		/* settings + requests (libaaa) */
	struct pool_set	*pools;
	struct sub_lo	 lo[SUB_LO_MAX];
	size_t		 nlo;
	struct sub_vt	 vt[SUB_VT_MAX];
	size_t		 nvt;
	char		 tun_name[IFNAMSIZ];	/* "" = derived from the unit */
	int		 line_tun;
	/* file lines for the cross-line checks */
	int		 line_auth;
};
extern struct sub_conf sub_conf;

#define SUB_KA_PERIOD	10	/* IOS: keepalive 10, 5 retries */
#define SUB_KA_RETRIES	5
#define SUB_MTU		1500

void	sub_conf_register(void);
struct sub_vt *sub_vt_find(unsigned num);
struct sub_lo *sub_lo_find(unsigned num);
/* the template a group's sessions use, NULL: plain L2TP (today) */
const struct sub_vt *sub_group_vt(const struct svc_group *);
/* the TUN device name: sub_conf.tun_name or the default for this unit */
const char *sub_tun_name(char *buf, size_t len);

/* drops and events of the subscriber part, beside libppp's ppp_drop */
enum sub_drop {
	SUB_DROP_NO_SESSION = 0,	/* downstream: no session has dst */
	SUB_DROP_NOT_IPV4,		/* downstream: not an IPv4 packet */
	SUB_DROP_TOO_BIG,		/* > peer MRU with DF: ICMP sent */
	SUB_DROP_TOO_BIG_NO_DF,		/* > peer MRU, DF clear */
	SUB_DROP_NOT_UP,		/* upstream IP before IPCP opened */
	SUB_DROP_NO_TUN,		/* upstream with no TUN (standby) */
	SUB_DROP_TUN_WRITE,		/* the device refused a packet */
	SUB_DROP_TUN_TRUNCATED,		/* a read filled a whole buffer */
	SUB_DROP_MSS_MALFORMED,		/* TCP SYN the clamp rejected */
	SUB_DROP_SEND,			/* the L2TP session refused a frame */
	SUB_DROP_SPOOF,			/* upstream source is not the peer's */
	SUB_DROP_MAX
};
extern const char *const sub_drop_names[SUB_DROP_MAX];

struct sub_stats {
	uint64_t	 drops[SUB_DROP_MAX];
	uint64_t	 ppp_drops[PPP_DROP_MAX];	/* of every session */
	uint64_t	 sessions_created, sessions_freed, up, auth_ok,
			 auth_fail, addr_fail, keepalive_down, proxy_lcp,
			 proxy_renegotiated, mss_clamped, icmp_sent,
			 orphans, framed_in_use, framed_route_bad,
			 framed_routes;
	uint64_t	 tun_rx, tun_tx, tun_rx_bytes, tun_tx_bytes;
};
extern struct sub_stats sub_stats;

/* one subscriber: a PPP link over one L2TP session */
struct sub {
	TAILQ_ENTRY(sub) entry;
	uint64_t	 seq;		/* creation order: show's cursor */
	struct l2tp_session *ls;
	uint16_t	 tid, sid;
	struct ppp_session *ppp;
	char		 pool[POOL_NAME_MAX];
	uint16_t	 auth_proto;	/* PAP or CHAP: what t_auth is for */
	int		 keepalive_off;
	enum ppp_down_reason down_reason;
	unsigned	 mtu, adjust_mss;
	uint32_t	 addr;		/* peer address once IPCP is up */
	int		 mapped;	/* in the downstream map */
	uint8_t		 pfc, acfc;	/* we may compress towards the peer */
	uint16_t	 mru_peer;
	ev_timer	 t_lcp, t_ipcp, t_auth;
	ev_timer	 t_keepalive;
	unsigned	 ka_period;
	ev_timer	 t_reap;	/* deferred destroy (not in callbacks) */
	struct aaa_req	*areq;
	uint64_t	 start_ms;
	uint64_t	 up_ms;
	uint16_t	 cdn_result;	/* for the CDN when PPP is dead */
	int		 dying;
	uint64_t	 rx_pkts, rx_bytes, tx_pkts, tx_bytes;	/* IP */
	/* subscriber SSO (sub_ha.c) */
	int		 reported_up;	/* up on the standby first */
	uint8_t		 ha_sent;	/* the standby has a copy */
	uint8_t		 ha_wait;	/* address record in flight */
	uint32_t	 ha_addr;	/* the address it is for */
	uint64_t	 ha_rx_pkts, ha_tx_pkts;	/* last sent */
	struct sub_acct	*acct;		/* RADIUS authorisation, accounting */
	struct sub_framed *framed;	/* RADIUS's addresses (sub_framed.c) */
	unsigned	 nroutes;	/* its prefixes on the TUN (sub_dp.c) */
};
TAILQ_HEAD(sub_list, sub);
extern struct sub_list sub_list;
extern size_t sub_count;

void	sub_init(void);
struct sub *sub_find(uint16_t tid, uint16_t sid);
/* clear l2tp session: LCP Terminate-Request first, then the CDN */
int	sub_clear(struct sub *);

/* an LNS call of a template group with no PPP state here: LCP
 * Terminate-Request, then the CDN (counted in orphans) */
void	sub_orphan(struct l2tp_session *);
struct sub *sub_restore(struct l2tp_session *, const struct ppp_established *);
void	sub_up_reported(struct sub *);

/* subscriber SSO (sub_ha.c): 1 from sub_ha_addr: wait for the standby,
 * then ppp_ipcp_set_address() */
int	sub_ha_addr(struct sub *, uint32_t addr);
void	sub_ha_up(struct sub *);
void	sub_ha_changed(struct sub *, const struct ppp_established *);
void	sub_ha_gone(struct sub *);
void	sub_ha_register(void);
/* the standby's copies, for `show subscriber session` there: the first
 * one made after cursor `after` (0: none left); e is NULL while the
 * copy holds only the address (the call negotiates on the active) */
struct sub_copy {
	uint64_t	 seq;
	uint16_t	 tid, sid;
	uint32_t	 addr;
	const struct ppp_established *e;
	uint64_t	 start_unix_ms;
	uint64_t	 rx_pkts, rx_bytes, tx_pkts, tx_bytes;
	const char	*acct_sid;	/* "" before the accounting identity */
};
size_t	sub_ha_copies(void);
int	sub_ha_copy_next(uint64_t after, struct sub_copy *);

/* sub_ha_acct.c: accounting records and DAE answers on the standby; fn
 * tells sub_ha.c's subscriber copies what record was made */
struct sub_ha_acct_stats {
	uint64_t	 acct_copies, acct_done, dae_copies, dae_waits,
			 apply_errors;
};
void	sub_ha_acct_register(void (*fn)(uint16_t, uint16_t,
	    const struct rad_acct_rec *));
void	sub_ha_acct_stats(struct sub_ha_acct_stats *);

/*
 * Upcalls: what the layers below sub.c (RADIUS configuration, accounting,
 * dynamic authorization) ask of the layers above them, set by
 * sub_register(), so that no file names one above it (tools/callgraph,
 * STYLE.md 14): sub.c -> sub_dae.c -> sub_acct.c -> sub_aaa.c, and
 * sub.c -> sub_ha.c.
 */
struct sso_render;
struct sub_upcalls {
	int	(*clear)(struct sub *);			/* sub.c */
	struct sub *(*find)(uint16_t tid, uint16_t sid);	/* sub.c */
	void	(*orphan)(struct l2tp_session *);	/* sub.c */
	struct sub *(*restore)(struct l2tp_session *,
		    const struct ppp_established *);	/* sub.c */
	void	(*up_reported)(struct sub *);		/* sub.c */
	void	(*dae_restart)(void);			/* sub_dae.c */
	void	(*acct_stats)(struct sso_render *);	/* sub_acct.c */
	/* the accounting identity changed (CoA): the standby's copy too */
	void	(*acct_changed)(struct sub *);		/* sub.c */
};
extern struct sub_upcalls sub_up;

/* data path (sub_dp.c) */
int	sub_dp_open(void);	/* this unit became active */
void	sub_dp_close(void);
int	sub_dp_is_open(void);
const char *sub_dp_ifname(void);	/* "" when closed */
void	sub_dp_upstream(struct sub *, const uint8_t *pkt, size_t len);
int	sub_dp_map(struct sub *);	/* IPCP up: addr -> s */
void	sub_dp_unmap(struct sub *);
void	sub_dp_init(struct ev_loop *);

/* debug categories (sub_show.c registers them) */
extern struct sso_debug sub_dbg[4];	/* enum ppp_log_cat order */
void	sub_show_register(void);

/* RADIUS (sub_aaa.c: configuration, client, group method, commands) */
#define SUB_RAD_SRV_MAX		16
#define SUB_RAD_GRP_MAX		8
#define SUB_RAD_GRP_SRV_MAX	8
#define SUB_DAE_CLIENTS_MAX	8
#define SUB_DAE_PORT		3799
struct sub_rad_srv {
	struct rad_server_conf c;
	int		 has_addr;
	int		 line, line_addr;
};
struct sub_rad_grp {
	char		 name[AAA_NAME_MAX];
	char		 srv[SUB_RAD_GRP_SRV_MAX][32];
	int		 line_srv[SUB_RAD_GRP_SRV_MAX];
	size_t		 nsrv;
	int		 line;
};
struct sub_dae_client {
	struct in_addr	 addr;
	char		 key[RAD_KEY_MAX + 1];
};
struct sub_aaa_conf {
	struct sub_rad_srv srv[SUB_RAD_SRV_MAX];
	size_t		 nsrv;
	struct sub_rad_grp grp[SUB_RAD_GRP_MAX];
	size_t		 ngrp;
	char		 acct_group[AAA_NAME_MAX];	/* "": no accounting */
	int		 line_acct;
	unsigned	 interim_s;	/* 0: no Interim-Update */
	int		 dae_on;
	struct sub_dae_client dae[SUB_DAE_CLIENTS_MAX];
	size_t		 ndae;
	uint16_t	 dae_port;
	/* aaa accounting redundancy (enum sub_acct_red) */
	int		 acct_red;
	int		 acct_red_interim;	/* best-effort-reuse send-interim */
	int		 acct_red_suppress;	/* suppress system-records */
};
extern struct sub_aaa_conf sub_aaa_conf;
extern struct sso_debug sub_rad_dbg;
void	sub_aaa_register(void);
int	sub_aaa_group_known(const char *);
struct rad_client *sub_rad_client(void);
struct rad_group *sub_rad_group(const char *);
/* the Access-Accept's authorisation while libaaa delivers its PASS */
const struct rad_authz *sub_aaa_authz(void);

/* sub_acct.c: a session's authorisation and accounting */
struct sso_render;
const char *sub_acct_session_id(struct sub *);
const char *sub_acct_sid(const struct sub *);	/* show: "" when none */
void	sub_acct_authorized(struct sub *);
void	sub_acct_up(struct sub *);
void	sub_acct_down(struct sub *);
void	sub_acct_free(struct sub *);
void	sub_acct_set_cause(struct sub *, unsigned);
void	sub_acct_coa(struct sub *, int, uint32_t, int, uint32_t);
int	sub_acct_match(struct sub *, const char *sid, const char *user,
	    uint32_t ip);
void	sub_acct_on(void);

/* sub_acctq.c: the unit's accounting queue (records checkpointed before
 * they are sent, resent by a new active) */
#define ACCTQ_MAX	16384	/* above: Interim-Updates refused */
#define ACCTQ_HARD	(2 * ACCTQ_MAX)	/* above: every record refused */
#define ACCTQ_PROBE_S	10	/* held records: one probe every */

enum acctq_state {
	AQ_CKPT,	/* SYNC checkpoint to the standby under way */
	AQ_FLIGHT,	/* with the RADIUS client */
	AQ_HELD,	/* no server answered: probed, never dropped */
	AQ_COPY,	/* the standby's copy */
	AQ_MAX
};
extern const char *const acctq_state_names[AQ_MAX];

struct acctq_rec {
	TAILQ_ENTRY(acctq_rec) entry;
	uint64_t	 id;		/* the queue's, unique on the pair */
	uint16_t	 tid, sid;	/* 0: Accounting-On/Off */
	enum acctq_state state;
	void		*req;		/* the sender's handle */
	unsigned	 sends;
	struct rad_acct_rec rec;	/* identity, event time, attributes */
};

/* what the queue plugs into: the checkpoint channel (sub_ha.c) and the
 * RADIUS client (sub_acct.c); NULL members are left as they are */
struct acctq_ops {
	/* SYNC: 1 when sub_acctq_ckpt_done(id) comes later, 0 not needed */
	int	(*ckpt)(struct acctq_rec *);
	void	(*done)(const struct acctq_rec *);	/* answered (ASYNC) */
	/* 0: sent, sub_acctq_answer() follows; -1: cannot now (held) */
	int	(*send)(struct acctq_rec *);
	void	(*cancel)(struct acctq_rec *);
};

struct acctq_stats {
	unsigned	 n[AQ_MAX], total, peak, max;
	uint64_t	 made, answered, resent, taken_over, duplicates,
			 refused, refused_interims, held_events, probes;
};

void	sub_acctq_init(struct ev_loop *);
void	sub_acctq_set_ops(const struct acctq_ops *);
/* 0 queued, 1 same identity already queued (not again), -1 refused */
int	sub_acctq_add(uint16_t tid, uint16_t sid, const struct rad_acct_rec *);
void	sub_acctq_ckpt_done(uint64_t id);
void	sub_acctq_answer(struct acctq_rec *, int ok);
void	sub_acctq_probe(void);
/* a manual switchover waits for these answers (ha_part busy) */
int	sub_acctq_busy(void);
struct acctq_rec *sub_acctq_find(const char *session_id, uint8_t status,
	    uint32_t seq);
struct acctq_rec *sub_acctq_by_id(uint64_t id);
struct acctq_rec *sub_acctq_next(struct acctq_rec *);
int	sub_acctq_copy(uint64_t id, uint16_t tid, uint16_t sid,
	    const struct rad_acct_rec *);
void	sub_acctq_copy_done(uint64_t id);
unsigned sub_acctq_takeover(void);
void	sub_acctq_reset(void);
void	sub_acctq_clear(void);
void	sub_acctq_stats(struct acctq_stats *);
void	sub_acctq_set_limit(unsigned max);	/* tests; 0: ACCTQ_MAX */

/* the accounting identity of a session (struct sub_acct_id, sub_codec.h),
 * checkpointed with it */
/* 0 when the session has an accounting identity */
int	sub_acct_export(struct sub *, struct sub_acct_id *);
/* a restored session takes it (and the redundancy policy applies) */
void	sub_acct_restore(struct sub *, const struct sub_acct_id *);
/* `aaa accounting redundancy` */
enum sub_acct_red {
	SUB_ACCT_RED_REUSE = 0,		/* best-effort-reuse (default) */
	SUB_ACCT_RED_NEW_SESSION	/* new-session */
};
/* an orderly stop: Accounting-Off, then fn() once answered (or not) */
int	sub_acct_off(void (*fn)(void));
void	sub_acct_init(void);
void	sub_acct_stats_print(struct sso_render *);

/* sub_dae.c: RFC 5176 on the active unit */
void	sub_dae_active(int on);
void	sub_dae_restart(void);
void	sub_dae_stats(struct rad_dae_stats *);
/* subscriber SSO: answers checkpointed before they are sent (the hook
 * returns 1 to hold one until sub_dae_release), the standby's copies */
void	sub_dae_set_ckpt(int (*)(const struct rad_dae_answer *));
void	sub_dae_release(const struct rad_dae_answer *);
void	sub_dae_copy(const struct rad_dae_answer *);
void	sub_dae_copies_reset(void);
void	sub_dae_copies_foreach(void (*)(const struct rad_dae_answer *));

/* sub_framed.c: Framed-IP-Address (in a pool: reserved there; outside:
 * a /32 route on the TUN) */
int	sub_framed_authorized(struct sub *, const struct rad_authz *);
int	sub_framed_addr(struct sub *, uint32_t *);
int	sub_framed_release(struct sub *, uint32_t addr);
void	sub_framed_up(struct sub *);
void	sub_framed_free(struct sub *);
unsigned sub_framed_routes(const struct sub *, struct rad_route *,
	    unsigned max);
int	sub_framed_restore(struct sub *, const struct rad_route *, unsigned);

/* sub_dp.c: a /32 route on the TUN (Framed-IP-Address outside pools);
 * a prefix routed to a session (Framed-Route, Framed-IP-Netmask) */
int	sub_dp_host_route(uint32_t addr, int add);
int	sub_dp_route_add(struct sub *, uint32_t net, unsigned plen,
	    uint32_t metric);
void	sub_dp_routes_del(struct sub *);

#endif
