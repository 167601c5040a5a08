/*
 * ppp_local.h - libppp internals: the RFC 1661 automaton shared by LCP and
 * IPCP, the option handler tables, and the session object.
 */
#ifndef PPP_LOCAL_H
#define PPP_LOCAL_H

#include "buf.h"
#include "ppp.h"

/* RFC 1661 5: packet codes (LCP uses all, IPCP 1-7) */
enum {
	PPP_CONFREQ = 1,
	PPP_CONFACK = 2,
	PPP_CONFNAK = 3,
	PPP_CONFREJ = 4,
	PPP_TERMREQ = 5,
	PPP_TERMACK = 6,
	PPP_CODEREJ = 7,
	PPP_PROTREJ = 8,
	PPP_ECHOREQ = 9,
	PPP_ECHOREP = 10,
	PPP_DISCREQ = 11
};

/* RFC 1661 4.3: events */
enum ppp_fsm_event {
	PPP_FE_UP = 0,
	PPP_FE_DOWN,
	PPP_FE_OPEN,
	PPP_FE_CLOSE,
	PPP_FE_TO_P,		/* TO+ */
	PPP_FE_TO_M,		/* TO- */
	PPP_FE_RCR_P,		/* RCR+ */
	PPP_FE_RCR_M,		/* RCR- */
	PPP_FE_RCA,
	PPP_FE_RCN,
	PPP_FE_RTR,
	PPP_FE_RTA,
	PPP_FE_RUC,
	PPP_FE_RXJ_P,		/* RXJ+ */
	PPP_FE_RXJ_M,		/* RXJ- */
	PPP_FE_RXR,
	PPP_FE_MAX
};
extern const char *const ppp_fsm_event_names[PPP_FE_MAX];

/* RFC 1661 4.4: actions, as bits of a table cell */
enum {
	PPP_A_TLU = 1 << 0,
	PPP_A_TLD = 1 << 1,
	PPP_A_TLS = 1 << 2,
	PPP_A_TLF = 1 << 3,
	PPP_A_IRC = 1 << 4,
	PPP_A_ZRC = 1 << 5,
	PPP_A_SCR = 1 << 6,
	PPP_A_SCA = 1 << 7,
	PPP_A_SCN = 1 << 8,
	PPP_A_STR = 1 << 9,
	PPP_A_STA = 1 << 10,
	PPP_A_SCJ = 1 << 11,
	PPP_A_SER = 1 << 12,
	PPP_A_ILLEGAL = 1 << 15	/* '-' */
};
struct ppp_fsm_cell {
	uint16_t	 actions;
	uint8_t		 next;
};
/* the RFC 1661 4.1 table, [event][state] */
extern const struct ppp_fsm_cell ppp_fsm_table[PPP_FE_MAX][PPP_ST_MAX];

/* an option handler's verdict on a peer's option (worst one wins) */
enum ppp_optv { PPP_OPT_ACK = 0, PPP_OPT_NAK = 1, PPP_OPT_REJ = 2 };

struct ppp_fsm;

/*
 * One configuration option: the walk in fsm.c checks the length against
 * [min_len, max_len] (whole option, type and length included) and hands
 * the value as a bounded cursor. A missing handler means "not done".
 */
struct ppp_opt {
	uint8_t		 type;
	const char	*name;
	uint8_t		 min_len, max_len;
	/* append our option to the request, if we want it */
	int		(*build)(struct ppp_fsm *, struct sso_wbuf *);
	/* peer's option: verdict; on NAK append the suggested option */
	enum ppp_optv	(*request)(struct ppp_fsm *, struct sso_cur *,
			    struct sso_wbuf *nak);
	/* peer naked / rejected our option */
	void		(*nak)(struct ppp_fsm *, struct sso_cur *);
	void		(*reject)(struct ppp_fsm *);
	/* peer acked our option: take it (-1: not acceptable, proxy LCP) */
	int		(*ack)(struct ppp_fsm *, struct sso_cur *);
};

/* per control protocol: its options and layer callbacks */
struct ppp_cp_ops {
	uint16_t	 proto;
	const char	*name;
	const struct ppp_opt *opts;
	size_t		 nopts;
	/* a CONFREQ is about to be parsed: reset the peer's candidate */
	void		(*reset_peer)(struct ppp_fsm *);
	/* we sent a CONFACK: the candidate becomes the peer's options */
	void		(*commit_peer)(struct ppp_fsm *);
	/* our acked options are about to be taken: defaults first */
	void		(*reset_got)(struct ppp_fsm *);
	/* a new negotiation starts (irc before scr): fresh wishes */
	void		(*reset_ours)(struct ppp_fsm *);
	void		(*up)(struct ppp_fsm *);
	void		(*down)(struct ppp_fsm *);
	void		(*started)(struct ppp_fsm *);
	void		(*finished)(struct ppp_fsm *);
	/* codes past 7 (LCP: 8-11); returns 0 handled, -1 unknown code */
	int		(*extra_code)(struct ppp_fsm *, uint8_t code, uint8_t id,
			    struct sso_cur *);
	/* ser: answer the Echo-Request in f->rx (LCP only) */
	void		(*ser)(struct ppp_fsm *);
	/* Code-Reject of code: RXJ+ (1) or RXJ- (0) */
	int		(*rxj_ok)(struct ppp_fsm *, uint8_t code);
};

#define PPP_REQ_MAX	64	/* our own request's options fit in this */

struct ppp_fsm {
	struct ppp_session *s;
	const struct ppp_cp_ops *ops;
	enum ppp_fsm_state state;
	int		 restart;	/* restart counter */
	int		 timer_on;
	uint8_t		 id;		/* next identifier to use */
	uint8_t		 req_id;	/* of our last Configure-Request */
	uint8_t		 term_id;
	uint8_t		 req[PPP_REQ_MAX];	/* its options */
	size_t		 req_len;
	int		 seen_ack;	/* our request got its Ack already */
	/* the peer's request we last acked, to spot its duplicates */
	int		 acked_valid;
	uint8_t		 acked_id;
	uint8_t		 acked[PPP_OPTS_MAX];
	size_t		 acked_len;
	unsigned	 naks_sent;	/* since the last Ack we sent */
	int		 fail_closed;	/* an option refused: give up */
	/* the packet being handled, for scj / sta / sca / scn */
	uint8_t		 rx_code, rx_id;
	struct sso_cur	 rx;		/* its data (after the header) */
	struct sso_cur	 rxpkt;		/* the whole packet, for scj */
	enum ppp_optv	 rx_verdict;
};

void	ppp_fsm_init(struct ppp_fsm *, struct ppp_session *,
	    const struct ppp_cp_ops *);
void	ppp_fsm_event(struct ppp_fsm *, enum ppp_fsm_event);
void	ppp_fsm_input(struct ppp_fsm *, struct sso_cur *);
void	ppp_fsm_timeout(struct ppp_fsm *);
/* straight to Opened without actions (restore, proxy LCP) */
void	ppp_fsm_force_opened(struct ppp_fsm *, const char *why);
/* parse a CONFREQ option list with the request handlers, no reply */
enum ppp_optv ppp_fsm_judge(struct ppp_fsm *, struct sso_cur *);
/* take an acked option list of ours with the ack handlers (-1: refused) */
int	ppp_fsm_take_acked(struct ppp_fsm *, struct sso_cur *);

/* LCP's view of the options, one set per direction */
struct ppp_lcp_opts {
	uint16_t	 mru;
	uint32_t	 accm;
	uint32_t	 magic;		/* 0 = none */
	enum ppp_auth	 auth;
	uint8_t		 pfc, acfc;
};
struct ppp_ipcp_opts {
	uint32_t	 addr;
	uint32_t	 dns[2];
	uint8_t		 want_dns[2];	/* client: still asking */
	uint8_t		 send_addr;	/* IP-Address goes in our request */
};

/* authentication protocol state (PAP or CHAP, either side) */
enum ppp_auth_state {
	PPP_AS_IDLE = 0,
	PPP_AS_WAIT_PEER,	/* LNS: challenge sent / waiting for the request */
	PPP_AS_PENDING,		/* LNS: host is verifying */
	PPP_AS_DONE,		/* verdict sent (success) */
	PPP_AS_FAILED,
	PPP_AS_CLIENT_WAIT	/* client: request/response sent */
};

#define PPP_IPCP_HELD_MAX	128	/* an IPCP Configure-Request, at most */

/* the session's phases (ppp.c), which the protocols call up to */
struct ppp_upcalls {
	void	(*lcp_opened)(struct ppp_session *);	/* LCP tlu */
	void	(*lcp_closed)(struct ppp_session *);	/* LCP tlf */
	void	(*auth_done)(struct ppp_session *, int ok);
	void	(*close)(struct ppp_session *, enum ppp_down_reason);
};

struct ppp_session {
	struct ppp_conf	 conf;
	const struct ppp_host_ops *ops;
	const struct ppp_upcalls *up;	/* ppp.c's phases */
	void		*arg;
	enum ppp_phase	 phase;
	enum ppp_down_reason down_reason;
	struct ppp_fsm	 lcp, ipcp;
	struct ppp_lcp_opts lcp_want, lcp_got, lcp_his, lcp_try;
	struct ppp_ipcp_opts ipcp_want, ipcp_got, ipcp_his, ipcp_try;
	unsigned	 auth_idx;	/* index into conf.auth we propose */
	/* authentication */
	enum ppp_auth_state as;
	enum ppp_auth	 auth_in_use;
	int		 authenticated;
	char		 user[PPP_NAME_MAX];
	uint8_t		 auth_id;
	uint8_t		 chal[16];
	int		 auth_restart;
	int		 auth_timer_on;
	int		 auth_rechallenge;	/* the timer waits a re-challenge */
	char		 auth_msg[PPP_MSG_MAX];
	uint8_t		 resp[1 + 16 + PPP_NAME_MAX];	/* client's last */
	size_t		 resp_len;
	/* address */
	int		 addr_pending;	/* ops->addr_alloc asked */
	uint32_t	 peer_addr;	/* LNS: assigned, 0 = none yet */
	/* the peer's last IPCP packet while the address is pending: taken
	 * once IPCP starts, so its Configure-Request waits for no restart */
	uint8_t		 ipcp_held[PPP_IPCP_HELD_MAX];
	size_t		 ipcp_held_len;
	/* keepalive */
	uint8_t		 echo_id;
	unsigned	 echo_misses;
	int		 rx_seen;	/* a frame came in since the last tick */
	struct ppp_counters cnt;
	struct sso_wbuf	 out;		/* frames being sent */
	struct sso_wbuf	 nak, rej;	/* CONFREQ reply scratch */
};

extern const struct ppp_cp_ops ppp_lcp_ops;
extern const struct ppp_cp_ops ppp_ipcp_ops;

void	ppp_log(struct ppp_session *, enum ppp_log_cat, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	ppp_drop(struct ppp_session *, enum ppp_drop, uint16_t proto,
	    unsigned value);
#define PPP_DROP(s, reason, proto, value) ppp_drop((s), (reason), (proto), \
	    (unsigned)(value))
/* RFC 1661 5: Code, Identifier, Length of a control packet (LCP, IPCP,
 * PAP, CHAP), its data cut into a sub-cursor; returns Length, or -1 after
 * counting the packet as a bad length */
int	ppp_hdr_get(struct ppp_session *, uint16_t proto, struct sso_cur *,
	    uint8_t *code, uint8_t *id, struct sso_cur *data);
int	ppp_send_cp(struct ppp_session *, uint16_t proto, uint8_t code,
	    uint8_t id, const void *data, size_t len);
void	ppp_timer(struct ppp_session *, uint16_t proto, uint32_t ms);
uint32_t ppp_random32(struct ppp_session *);
void	ppp_ckpt(struct ppp_session *);
void	ppp_host_event(struct ppp_session *, enum ppp_event, uint16_t);

/* session phase progress: up to ppp.c through s->up (link.c) */
void	ppp_up_lcp_opened(struct ppp_session *);
void	ppp_up_lcp_closed(struct ppp_session *);
void	ppp_up_auth_done(struct ppp_session *, int ok);
void	ppp_up_close(struct ppp_session *, enum ppp_down_reason);

/* lcp.c */
void	ppp_lcp_init_wants(struct ppp_session *);
int	ppp_lcp_send_protrej(struct ppp_session *, uint16_t proto,
	    struct sso_cur *info);
/* ipcp.c */
void	ppp_ipcp_init_wants(struct ppp_session *);
/* pap.c / chap.c */
void	ppp_pap_input(struct ppp_session *, struct sso_cur *);
void	ppp_pap_start(struct ppp_session *);
void	ppp_pap_timeout(struct ppp_session *);
void	ppp_pap_result(struct ppp_session *, int ok, const char *msg);
int	ppp_pap_proxy(struct ppp_session *, const struct ppp_proxy *);
void	ppp_chap_input(struct ppp_session *, struct sso_cur *);
void	ppp_chap_start(struct ppp_session *);
void	ppp_chap_timeout(struct ppp_session *);
void	ppp_chap_result(struct ppp_session *, int ok, const char *msg);
int	ppp_chap_proxy(struct ppp_session *, const struct ppp_proxy *);
void	ppp_auth_stop(struct ppp_session *);

#endif
