/*
 * ppp.h - libppp: a pure-protocol PPP engine (RFC 1661 LCP, RFC 1334 PAP,
 * RFC 1994 CHAP-MD5, RFC 1332 IPCP with RFC 1877 DNS, RFC 2661 4.4.5
 * proxy LCP and proxy authentication).
 *
 * The engine has no sockets, no timers and no globals, and does no I/O:
 *  - a PPP frame (from the address/control field or the protocol field
 *    on; ACFC and PFC forms are accepted) comes in through ppp_input();
 *  - frames go out through ops->send(), always as FF 03 + 2-octet
 *    protocol + information, so the host only prepends its L2TP header;
 *  - each control protocol has one restart timer that the host runs:
 *    ops->timer(proto, ms) starts it (ms == 0 stops it) and the host calls
 *    ppp_timeout(s, proto) when it fires;
 *  - authentication, address assignment and randomness are host ops;
 *    verdicts and addresses may come back later (ppp_auth_result(),
 *    ppp_ipcp_set_address()).
 * One engine instance is one PPP link. It plays the LNS side (the
 * authenticator, which assigns the peer's address) or the client side
 * (it authenticates and takes an address), so two instances can talk.
 *
 * A session pointer stays valid inside every host callback; a host must
 * not call ppp_destroy() from inside a callback (defer it, as on DEAD).
 */
#ifndef PPP_H
#define PPP_H

#include <stddef.h>
#include <stdint.h>

struct ppp_session;

/* protocol field values (RFC 1700 / assigned numbers) */
enum {
	PPP_PROTO_IP = 0x0021,
	PPP_PROTO_IPCP = 0x8021,
	PPP_PROTO_LCP = 0xc021,
	PPP_PROTO_PAP = 0xc023,
	PPP_PROTO_CHAP = 0xc223
};

/* RFC 1661 4.2: the automaton's states */
enum ppp_fsm_state {
	PPP_ST_INITIAL = 0,
	PPP_ST_STARTING,
	PPP_ST_CLOSED,
	PPP_ST_STOPPED,
	PPP_ST_CLOSING,
	PPP_ST_STOPPING,
	PPP_ST_REQSENT,
	PPP_ST_ACKRCVD,
	PPP_ST_ACKSENT,
	PPP_ST_OPENED,
	PPP_ST_MAX
};
const char *ppp_state_name(unsigned);

enum ppp_role {
	PPP_ROLE_LNS = 0,	/* authenticator, assigns the peer's address */
	PPP_ROLE_CLIENT		/* authenticates itself, takes an address */
};

enum ppp_auth {
	PPP_AUTH_NONE = 0,
	PPP_AUTH_PAP,
	PPP_AUTH_CHAP		/* CHAP with MD5 (algorithm 5) */
};
const char *ppp_auth_name(unsigned);

/* session phases (RFC 1661 3.2) */
enum ppp_phase {
	PPP_PHASE_DEAD = 0,
	PPP_PHASE_ESTABLISH,
	PPP_PHASE_AUTHENTICATE,
	PPP_PHASE_NETWORK,
	PPP_PHASE_TERMINATE
};
const char *ppp_phase_name(unsigned);

/* what the engine tells its host (ops->event) */
enum ppp_event {
	PPP_EV_LAYER_UP,	/* tlu of proto */
	PPP_EV_LAYER_DOWN,	/* tld */
	PPP_EV_LAYER_STARTED,	/* tls */
	PPP_EV_LAYER_FINISHED,	/* tlf */
	PPP_EV_AUTH_OK,		/* peer (or we) authenticated */
	PPP_EV_AUTH_FAIL,
	PPP_EV_UP,		/* IPCP opened: the link carries IP */
	PPP_EV_DEAD		/* LCP finished: the host ends the call (CDN) */
};
const char *ppp_event_name(unsigned);

/* why a link went down (ppp_info.down_reason, PPP_EV_DEAD) */
enum ppp_down_reason {
	PPP_DOWN_NONE = 0,
	PPP_DOWN_ADMIN,		/* ppp_close() */
	PPP_DOWN_PEER,		/* peer's Terminate-Request */
	PPP_DOWN_AUTH,		/* authentication failed */
	PPP_DOWN_KEEPALIVE,	/* RETRIES echoes unanswered */
	PPP_DOWN_NEGOTIATION,	/* Max-Configure / Max-Failure / refused */
	PPP_DOWN_LOOPBACK,	/* looped-back link (magic numbers) */
	PPP_DOWN_LOWER,		/* ppp_lower_down() */
	PPP_DOWN_MAX
};
const char *ppp_down_name(unsigned);

/* log categories, as `debug ppp {negotiation|authentication|error|packet}` */
enum ppp_log_cat {
	PPP_LOG_NEGOTIATION = 0,
	PPP_LOG_AUTH,
	PPP_LOG_ERROR,
	PPP_LOG_PACKET
};

/* every reason a frame or packet is dropped has its own counter */
enum ppp_drop {
	PPP_DROP_SHORT = 0,	/* frame shorter than its protocol field */
	PPP_DROP_BAD_LENGTH,	/* control packet Length vs frame */
	PPP_DROP_BAD_OPTION,	/* option list does not parse */
	PPP_DROP_BAD_ID,	/* reply that answers no request of ours */
	PPP_DROP_BAD_ACK,	/* Configure-Ack differs from our request */
	PPP_DROP_UNKNOWN_CODE,	/* answered with Code-Reject */
	PPP_DROP_UNKNOWN_PROTO,	/* answered with Protocol-Reject */
	PPP_DROP_NOT_OPENED,	/* packet for a layer that is not up */
	PPP_DROP_ILLEGAL_EVENT,	/* a '-' cell of RFC 1661 4.1 */
	PPP_DROP_LOOPED_ECHO,	/* echo carrying our own magic */
	PPP_DROP_BAD_MAGIC,	/* echo magic is not the peer's */
	PPP_DROP_DISCARD,	/* Discard-Request */
	PPP_DROP_AUTH_BAD,	/* malformed PAP/CHAP packet */
	PPP_DROP_AUTH_STATE,	/* PAP/CHAP packet not expected now */
	PPP_DROP_STALE_TIMER,	/* timeout for a timer not running */
	PPP_DROP_DUPLICATE,	/* a request/ack seen already (re-acked) */
	PPP_DROP_MAX
};
const char *ppp_drop_name(unsigned);

struct ppp_counters {
	uint64_t	 rx_frames, rx_bytes, tx_frames, tx_bytes;
	uint64_t	 rx_data, rx_data_bytes;	/* IP frames passed up */
	uint64_t	 echo_tx, echo_rx, echo_reply_rx;
	uint64_t	 loops;		/* our magic seen in a CONFREQ */
	uint64_t	 auth_ok, auth_fail, rechallenges;
	uint64_t	 drops[PPP_DROP_MAX];
};

#define PPP_NAME_MAX		64	/* user name, with NUL */
#define PPP_SECRET_MAX		64	/* password / CHAP secret, with NUL */
#define PPP_CHAL_MAX		64	/* challenge and response values */
#define PPP_MSG_MAX		64	/* PAP/CHAP message text, with NUL */
#define PPP_OPTS_MAX		255	/* proxied LCP option bytes */

/* per-instance configuration, copied at ppp_create() */
struct ppp_conf {
	enum ppp_role	 role;
	uint16_t	 mru;		/* ours; 0 = 1500 */
	uint16_t	 min_mru;	/* smallest peer MRU accepted; 0 = 128 */
	enum ppp_auth	 auth[2];	/* LNS: accepted, in order of preference;
					 * client: the ones it accepts (Nak
					 * suggests auth[0]), NONE: any */
	uint32_t	 rechallenge_s;	/* CHAP re-challenge period, 0 = off */
	uint32_t	 restart_ms;	/* 0 = 3000 */
	uint8_t		 max_configure;	/* 0 = 10 */
	uint8_t		 max_terminate;	/* 0 = 2 */
	uint8_t		 max_failure;	/* 0 = 5 */
	uint8_t		 keepalive_retries;	/* 0 = 3 */
	uint8_t		 want_pfc, want_acfc;	/* ask the peer for them */
	int		 renegotiate_always;	/* lcp renegotiation always */
	uint32_t	 local_addr;	/* ours (Loopback0), host order */
	uint32_t	 dns[2];	/* LNS: served to the peer, 0 = none */
	int		 want_dns;	/* client: ask for DNS servers */
	char		 user[PPP_NAME_MAX];	/* client credentials */
	char		 password[PPP_SECRET_MAX];
	char		 name[PPP_NAME_MAX];	/* our CHAP name */
};

/*
 * The negotiated state of an established link: plain data, fixed sizes,
 * no pointers, no secrets (a later issue checkpoints exactly this).
 */
struct ppp_established {
	uint8_t		 role;
	uint8_t		 phase;
	uint8_t		 lcp_state, ipcp_state;
	uint16_t	 mru_ours, mru_peer;	/* what each side receives */
	uint32_t	 accm_ours, accm_peer;
	uint32_t	 magic_ours, magic_peer;
	uint8_t		 pfc_ours, pfc_peer, acfc_ours, acfc_peer;
	uint8_t		 auth;		/* enum ppp_auth in use */
	uint8_t		 lcp_id, ipcp_id, auth_id, echo_id;
	char		 user[PPP_NAME_MAX];
	uint32_t	 addr_ours, addr_peer;	/* host order */
	uint32_t	 dns[2];
	uint32_t	 rechallenge_s;	/* CHAP re-challenge period */
	uint32_t	 echo_misses;	/* echoes unanswered so far */
};

/*
 * Values a LAC proxied in the ICCN (RFC 2661 4.4.5); each *_len 0 means
 * the AVP was absent. LCP fields are option lists (the CONFREQ body
 * from its first option on).
 */
enum {
	PPP_PROXY_AUTH_NONE_AVP = 0,	/* AVP 29 absent */
	PPP_PROXY_AUTH_TEXT = 1,
	PPP_PROXY_AUTH_CHAP = 2,
	PPP_PROXY_AUTH_PAP = 3,
	PPP_PROXY_AUTH_NONE = 4,
	PPP_PROXY_AUTH_MSCHAP = 5
};
struct ppp_proxy {
	uint8_t		 init_rx_lcp[PPP_OPTS_MAX];	/* AVP 26 */
	size_t		 init_rx_lcp_len;
	uint8_t		 last_tx_lcp[PPP_OPTS_MAX];	/* AVP 27 */
	size_t		 last_tx_lcp_len;
	uint8_t		 last_rx_lcp[PPP_OPTS_MAX];	/* AVP 28 */
	size_t		 last_rx_lcp_len;
	uint16_t	 auth_type;			/* AVP 29 */
	char		 auth_name[PPP_NAME_MAX];	/* AVP 30 */
	uint8_t		 auth_chal[PPP_CHAL_MAX];	/* AVP 31 */
	size_t		 auth_chal_len;
	uint8_t		 auth_id;			/* AVP 32 */
	uint8_t		 auth_resp[PPP_CHAL_MAX];	/* AVP 33 */
	size_t		 auth_resp_len;
};

struct ppp_host_ops {
	/* a whole frame (FF 03, protocol, information) */
	int	(*send)(void *arg, const uint8_t *frame, size_t len);
	/* start (ms > 0) or stop (ms == 0) proto's restart timer */
	void	(*timer)(void *arg, uint16_t proto, uint32_t ms);
	void	(*event)(void *arg, enum ppp_event ev, uint16_t proto);
	void	(*log)(void *arg, enum ppp_log_cat, const char *line);
	/* fill buf with unpredictable bytes (challenges, magic numbers) */
	void	(*random)(void *arg, void *buf, size_t len);
	/*
	 * LNS: verify credentials; answer now or later with
	 * ppp_auth_result(). PAP gets the password, CHAP the identifier,
	 * challenge and response, so a RADIUS client can verify either.
	 */
	void	(*auth_pap)(void *arg, const char *user, const char *pass);
	void	(*auth_chap)(void *arg, const char *user, uint8_t id,
		    const uint8_t *chal, size_t clen, const uint8_t *resp,
		    size_t rlen);
	/*
	 * LNS: an address for the peer is needed (after authentication);
	 * answer now or later with ppp_ipcp_set_address(). release is
	 * called once for every address set, when the session lets it go.
	 */
	void	(*addr_alloc)(void *arg, const char *user);
	void	(*addr_release)(void *arg, uint32_t addr);
	/* IP frame (information field) received while IPCP is opened */
	void	(*data)(void *arg, const uint8_t *pkt, size_t len);
	/* the established state changed (LCP/IPCP opened, re-auth, down) */
	void	(*ckpt)(void *arg, const struct ppp_established *);
};

struct ppp_session *ppp_create(const struct ppp_conf *,
		    const struct ppp_host_ops *, void *arg);
void		 ppp_destroy(struct ppp_session *);	/* releases the address */

/* lower layer (the L2TP session) up: LCP Up + Open */
void		 ppp_start(struct ppp_session *);
/* begin from the LAC's proxied LCP/authentication instead (LNS only) */
void		 ppp_start_proxy(struct ppp_session *, const struct ppp_proxy *);
/* administrative close: LCP Terminate, then PPP_EV_DEAD */
void		 ppp_close(struct ppp_session *, enum ppp_down_reason);
/* lower layer gone (CDN): no packet is sent */
void		 ppp_lower_down(struct ppp_session *);

/* one frame from the peer; the engine never keeps the pointer */
void		 ppp_input(struct ppp_session *, const uint8_t *, size_t);
/* proto's restart timer fired */
void		 ppp_timeout(struct ppp_session *, uint16_t proto);
/*
 * LCP keepalive (`keepalive PERIOD RETRIES`): the host calls this every
 * PERIOD seconds; an echo goes out when nothing was received during the
 * period, and after RETRIES unanswered the link is closed. Returns 0, or
 * -1 when it closed the link.
 */
int		 ppp_echo_timer(struct ppp_session *);

/* LNS: the verdict for ops->auth_pap/auth_chap (msg: text for the peer) */
void		 ppp_auth_result(struct ppp_session *, int ok, const char *msg);
/* LNS: the peer's address (host order), 0 = none available (closes) */
void		 ppp_ipcp_set_address(struct ppp_session *, uint32_t addr);
/* LNS: the DNS servers IPCP serves from now on (RADIUS's authorisation,
 * given before IPCP starts); 0 = none */
void		 ppp_set_dns(struct ppp_session *, uint32_t dns0, uint32_t dns1);

/*
 * RFC 1994 4.1 MD5 response: MD5(id || secret || challenge), compared in
 * constant time with resp. For hosts verifying CHAP with local secrets.
 */
int		 ppp_chap_md5(uint8_t id, const char *secret, const uint8_t *chal,
		    size_t clen, uint8_t out[16]);
int		 ppp_chap_md5_verify(uint8_t id, const char *secret,
		    const uint8_t *chal, size_t clen, const uint8_t *resp,
		    size_t rlen);

/* state export / restore (SSO): restore goes straight to Opened, silent */
void		 ppp_export(const struct ppp_session *, struct ppp_established *);
int		 ppp_restore(struct ppp_session *, const struct ppp_established *);

struct ppp_info {
	enum ppp_phase	 phase;
	enum ppp_fsm_state lcp_state, ipcp_state;
	enum ppp_auth	 auth;
	enum ppp_down_reason down_reason;
	int		 authenticated;
	char		 user[PPP_NAME_MAX];
	uint32_t	 addr_peer, addr_ours;
	uint16_t	 mru_peer, mru_ours;
	uint32_t	 magic_ours, magic_peer;
};
void		 ppp_get_info(const struct ppp_session *, struct ppp_info *);
const struct ppp_counters *ppp_get_counters(const struct ppp_session *);

#endif
