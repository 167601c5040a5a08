/*
 * radius.h - librad: RADIUS codec, non-blocking client on libev,
 * accounting records and the dynamic-authorization (RFC 5176) server codec.
 *
 * Codec (attr.c, pkt.c): a packet is a wire-format byte array; it is
 * validated once on entry (rad_pkt_parse: Length against the datagram,
 * every attribute and VSA length against one table) and then read through
 * bounds-checked cursors. Authenticators, User-Password hiding and
 * Message-Authenticator live in pkt.c and nowhere else.
 *
 * Client (client.c): servers with auth/acct ports, key, timeout and
 * retransmit; groups of ordered servers; per-server UDP sockets with 256
 * identifiers each (more source ports are opened when identifiers run
 * out); retransmission, failover, dead marking with a revive time and
 * statistics. Never a blocking call: requests complete through a callback.
 *
 * Keys (shared secrets) are never logged, shown or written into an
 * accounting record's serialized form.
 */
#ifndef SSO_RADIUS_H
#define SSO_RADIUS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "buf.h"

#define RAD_PKT_MAX	4096	/* RFC 2865 3: maximum packet length */
#define RAD_HDR_LEN	20
#define RAD_AUTH_LEN	16
#define RAD_ATTRS_MAX	(RAD_PKT_MAX - RAD_HDR_LEN)
#define RAD_VAL_MAX	253	/* one attribute's value */
#define RAD_KEY_MAX	128
#define RAD_PW_MAX	128	/* RFC 2865 5.2 */

enum rad_code {
	RAD_ACCESS_REQUEST = 1,
	RAD_ACCESS_ACCEPT = 2,
	RAD_ACCESS_REJECT = 3,
	RAD_ACCT_REQUEST = 4,
	RAD_ACCT_RESPONSE = 5,
	RAD_ACCESS_CHALLENGE = 11,
	RAD_DISCONNECT_REQUEST = 40,	/* RFC 5176 */
	RAD_DISCONNECT_ACK = 41,
	RAD_DISCONNECT_NAK = 42,
	RAD_COA_REQUEST = 43,
	RAD_COA_ACK = 44,
	RAD_COA_NAK = 45,
};

enum rad_type {
	RAD_USER_NAME = 1,
	RAD_USER_PASSWORD = 2,
	RAD_CHAP_PASSWORD = 3,
	RAD_NAS_IP_ADDRESS = 4,
	RAD_NAS_PORT = 5,
	RAD_SERVICE_TYPE = 6,
	RAD_FRAMED_PROTOCOL = 7,
	RAD_FRAMED_IP_ADDRESS = 8,
	RAD_FRAMED_IP_NETMASK = 9,
	RAD_FRAMED_ROUTING = 10,
	RAD_FILTER_ID = 11,
	RAD_FRAMED_MTU = 12,
	RAD_FRAMED_COMPRESSION = 13,
	RAD_LOGIN_IP_HOST = 14,
	RAD_LOGIN_SERVICE = 15,
	RAD_LOGIN_TCP_PORT = 16,
	RAD_REPLY_MESSAGE = 18,
	RAD_CALLBACK_NUMBER = 19,
	RAD_CALLBACK_ID = 20,
	RAD_FRAMED_ROUTE = 22,
	RAD_FRAMED_IPX_NETWORK = 23,
	RAD_STATE = 24,
	RAD_CLASS = 25,
	RAD_VENDOR_SPECIFIC = 26,
	RAD_SESSION_TIMEOUT = 27,
	RAD_IDLE_TIMEOUT = 28,
	RAD_TERMINATION_ACTION = 29,
	RAD_CALLED_STATION_ID = 30,
	RAD_CALLING_STATION_ID = 31,
	RAD_NAS_IDENTIFIER = 32,
	RAD_PROXY_STATE = 33,
	RAD_ACCT_STATUS_TYPE = 40,	/* RFC 2866 */
	RAD_ACCT_DELAY_TIME = 41,
	RAD_ACCT_INPUT_OCTETS = 42,
	RAD_ACCT_OUTPUT_OCTETS = 43,
	RAD_ACCT_SESSION_ID = 44,
	RAD_ACCT_AUTHENTIC = 45,
	RAD_ACCT_SESSION_TIME = 46,
	RAD_ACCT_INPUT_PACKETS = 47,
	RAD_ACCT_OUTPUT_PACKETS = 48,
	RAD_ACCT_TERMINATE_CAUSE = 49,
	RAD_ACCT_MULTI_SESSION_ID = 50,
	RAD_ACCT_LINK_COUNT = 51,
	RAD_ACCT_INPUT_GIGAWORDS = 52,	/* RFC 2869 */
	RAD_ACCT_OUTPUT_GIGAWORDS = 53,
	RAD_EVENT_TIMESTAMP = 55,
	RAD_CHAP_CHALLENGE = 60,
	RAD_NAS_PORT_TYPE = 61,
	RAD_PORT_LIMIT = 62,
	RAD_CONNECT_INFO = 77,
	RAD_EAP_MESSAGE = 79,
	RAD_MESSAGE_AUTHENTICATOR = 80,	/* RFC 3579 3.2 */
	RAD_ACCT_INTERIM_INTERVAL = 85,
	RAD_NAS_PORT_ID = 87,
	RAD_FRAMED_POOL = 88,
	RAD_ERROR_CAUSE = 101,		/* RFC 5176 3.5 */
	RAD_TYPE_MAX = 256
};

enum rad_kind {
	RAD_K_OCTETS, RAD_K_STRING, RAD_K_IPADDR, RAD_K_INTEGER, RAD_K_DATE,
	RAD_K_VSA
};

/* one row of the attribute table: value length range (octets) */
struct rad_attr_def {
	const char	*name;
	uint8_t		 kind;		/* enum rad_kind */
	uint8_t		 min_len;
	uint8_t		 max_len;
};

const struct rad_attr_def *rad_attr_def(unsigned type);	/* NULL: unknown */
const char *rad_attr_name(unsigned type);
const char *rad_code_name(unsigned code);

#define RAD_VENDOR_CISCO	9
#define RAD_VENDOR_MICROSOFT	311
#define RAD_CISCO_AVPAIR	1
#define RAD_MS_PRIMARY_DNS	28	/* RFC 2548-era MS VSAs (ipaddr) */
#define RAD_MS_SECONDARY_DNS	29

/* Acct-Status-Type (RFC 2866 5.1) */
enum rad_acct_status {
	RAD_ACCT_START = 1, RAD_ACCT_STOP = 2, RAD_ACCT_INTERIM = 3,
	RAD_ACCT_ON = 7, RAD_ACCT_OFF = 8
};

/* Error-Cause (RFC 5176 3.5) */
enum rad_error_cause {
	RAD_EC_RESIDUAL_REMOVED = 201,
	RAD_EC_UNSUPPORTED_ATTRIBUTE = 401,
	RAD_EC_MISSING_ATTRIBUTE = 402,
	RAD_EC_NAS_ID_MISMATCH = 403,
	RAD_EC_INVALID_REQUEST = 404,
	RAD_EC_UNSUPPORTED_SERVICE = 405,
	RAD_EC_UNSUPPORTED_EXTENSION = 406,
	RAD_EC_INVALID_ATTRIBUTE_VALUE = 407,
	RAD_EC_ADMIN_PROHIBITED = 501,
	RAD_EC_SESSION_NOT_FOUND = 503,
	RAD_EC_SESSION_NOT_REMOVABLE = 504,
	RAD_EC_RESOURCES_UNAVAILABLE = 506,
};

/* ---- attribute lists (wire format, no header) ---- */

struct rad_avlist {
	uint8_t		 buf[RAD_ATTRS_MAX];
	size_t		 len;
	int		 err;		/* sticky: a put failed (too long) */
};

void	rad_av_init(struct rad_avlist *);
int	rad_av_put(struct rad_avlist *, uint8_t type, const void *, size_t);
int	rad_av_put_str(struct rad_avlist *, uint8_t type, const char *);
int	rad_av_put_raw(struct rad_avlist *, const void *, size_t);
int	rad_av_put_u32(struct rad_avlist *, uint8_t type, uint32_t);
int	rad_av_put_ip(struct rad_avlist *, uint8_t type, struct in_addr);
int	rad_av_put_vsa(struct rad_avlist *, uint32_t vendor, uint8_t vtype,
	    const void *, size_t);
/* Cisco-AVPair "key=value" (vendor 9, attribute 1) */
int	rad_av_put_avpair(struct rad_avlist *, const char *kv);
/* RFC 2865 5.3/5.40: CHAP-Password (ident + 16-octet response) and
 * CHAP-Challenge (always sent, so the request authenticator stays random) */
int	rad_av_put_chap(struct rad_avlist *, uint8_t ident,
	    const uint8_t resp[16], const uint8_t *chal, size_t chal_len);
/* remove every instance of type (used to replace Acct-Delay-Time) */
void	rad_av_del(struct rad_avlist *, uint8_t type);

/* walk: each call gives the next attribute's type and value cursor */
struct rad_iter {
	struct sso_cur	 c;
};
void	rad_iter_init(struct rad_iter *, const uint8_t *attrs, size_t len);
int	rad_iter_next(struct rad_iter *, uint8_t *type, struct sso_cur *val);

/*
 * Validate an attribute region: every attribute has Length >= 2 inside the
 * region, known attributes have a value length in their table range, VSAs
 * carry a vendor id and, for vendors with the common type/length format
 * (Cisco, Microsoft), well-formed sub-attributes. Unknown attributes are
 * accepted (and skipped by the readers). Returns 0, or -1 with *bad_type
 * set to the offending attribute type.
 */
int	rad_attrs_check(const uint8_t *attrs, size_t len, unsigned *bad_type);

/* ---- packets ---- */

struct rad_pkt {
	uint8_t		 code;
	uint8_t		 id;
	uint8_t		 auth[RAD_AUTH_LEN];
	struct rad_avlist attrs;
};

/* drop reasons of rad_pkt_parse and the verifiers (counted by callers) */
enum rad_err {
	RAD_E_OK = 0,
	RAD_E_SHORT,		/* below 20 octets or Length > datagram */
	RAD_E_LENGTH,		/* Length outside 20..4096 */
	RAD_E_ATTR,		/* bad attribute or VSA length */
	RAD_E_AUTH,		/* authenticator mismatch */
	RAD_E_MSGAUTH,		/* Message-Authenticator bad or missing */
	RAD_E_CODE,		/* unexpected code */
	RAD_E_UNKNOWN,		/* no request with this id/source */
	RAD_E_STALE,		/* Event-Timestamp outside the window */
	RAD_E_MAX
};
const char *rad_err_name(int);

/* parse a datagram (octets past Length are ignored, RFC 2865 3) */
int	rad_pkt_parse(struct rad_pkt *, const void *buf, size_t len);
int	rad_pkt_find(const struct rad_pkt *, uint8_t type, unsigned nth,
	    struct sso_cur *val);
int	rad_pkt_get_u32(const struct rad_pkt *, uint8_t type, uint32_t *);
int	rad_pkt_get_ip(const struct rad_pkt *, uint8_t type, struct in_addr *);
/* copy a string attribute, NUL-terminated; -1 when absent or too long */
int	rad_pkt_get_str(const struct rad_pkt *, uint8_t type, char *, size_t);
int	rad_pkt_find_vsa(const struct rad_pkt *, uint32_t vendor,
	    uint8_t vtype, unsigned nth, struct sso_cur *val);
/* value of the Cisco-AVPair "key=value" with this key, NUL-terminated */
int	rad_pkt_get_avpair(const struct rad_pkt *, const char *key, char *,
	    size_t);

/* crypto primitives (OpenSSL EVP) */
int	rad_random(void *, size_t);
/*
 * RFC 2865 5.2: c1 = p1 ^ MD5(S + RA), ci = pi ^ MD5(S + c(i-1)); the
 * password is padded with NULs to a multiple of 16 (1..128 octets).
 */
int	rad_pw_hide(const char *pw, const char *key, const uint8_t ra[16],
	    uint8_t *out, size_t *outlen);
int	rad_pw_unhide(const uint8_t *in, size_t len, const char *key,
	    const uint8_t ra[16], char *out, size_t outsz);

/*
 * Encode a packet to wire format in out (RAD_PKT_MAX bytes).
 * - Access-Request: the Request Authenticator is p->auth (random, set by
 *   the caller with rad_random); `pw` (may be NULL) is hidden into a
 *   User-Password placed first. A Message-Authenticator (RFC 3579 3.2) is
 *   added when `msgauth` is set.
 * - Accounting-Request, Disconnect-Request, CoA-Request (RFC 2866 3,
 *   RFC 5176 2.3): Authenticator = MD5(Code+Id+Length+16 zero+attrs+key),
 *   stored back into p->auth.
 * - Replies: `req_auth` is the request's authenticator; the Response
 *   Authenticator is MD5(Code+Id+Length+RequestAuth+attrs+key).
 * Returns the length, -1 when too long.
 */
ssize_t	rad_pkt_encode(struct rad_pkt *, const char *key, const char *pw,
	    int msgauth, const uint8_t *req_auth, uint8_t *out);
/* check a reply against the request's authenticator; a Message-
 * Authenticator, when present, must be right; `need_ma` makes it required */
int	rad_reply_verify(const uint8_t *buf, size_t len, const uint8_t ra[16],
	    const char *key, int need_ma);
/* check an Accounting/Disconnect/CoA request's authenticator and any MA */
int	rad_request_verify(const uint8_t *buf, size_t len, const char *key);

/* ---- what an Access-Accept authorises (the attributes we honour) ---- */

/*
 * Framed-Route (RFC 2865 5.22), IPv4: "PREFIX/LEN [GATEWAY [METRIC...]]",
 * tokens separated by spaces. PREFIX is a dotted quad with no host bits
 * set, LEN 1..32 (a default route through one subscriber is refused),
 * GATEWAY a dotted quad (0.0.0.0: the user's address; any gateway means
 * the session here: the route is on the TUN), METRIC decimal, the first
 * one used. Anything else is a bad form: refused with a reason.
 */
#define RAD_ROUTES_MAX	8
struct rad_route {
	uint32_t	 net;		/* host order */
	uint8_t		 plen;
	uint32_t	 gw;		/* 0: none given or 0.0.0.0 */
	uint32_t	 metric;	/* 0: none given */
};
int	rad_route_parse(struct sso_cur val, struct rad_route *,
	    const char **why);
/* a contiguous netmask's prefix length (Framed-IP-Netmask), else -1 */
int	rad_mask_plen(uint32_t mask);

#define RAD_CLASS_MAX	4
struct rad_authz {
	struct in_addr	 framed_ip;	/* 0: none */
	struct in_addr	 framed_mask;
	char		 framed_pool[64];
	char		 framed_route[RAD_VAL_MAX + 1];	/* first one, raw */
	struct rad_route routes[RAD_ROUTES_MAX];	/* the good ones */
	unsigned	 nroutes;
	unsigned	 routes_bad;	/* bad forms and those past the max */
	const char	*route_why;	/* the last bad one's reason */
	uint32_t	 session_timeout;	/* 0: none */
	uint32_t	 idle_timeout;
	uint32_t	 interim_interval;
	struct in_addr	 dns[2];	/* Cisco-AVPair ip:dns-servers= or MS */
	int		 l2tp_silent_switchover;	/* -1: not given */
	int		 l2tp_resync_packets;		/* -1: not given */
	unsigned	 nclass;
	uint8_t		 class_len[RAD_CLASS_MAX];
	uint8_t		 class_val[RAD_CLASS_MAX][RAD_VAL_MAX];
	char		 reply_message[RAD_VAL_MAX + 1];
};
/* fill from a parsed Access-Accept; 0, or -1 on an unusable value */
int	rad_authz_decode(const struct rad_pkt *, struct rad_authz *);

/* print one attribute "Name = value" (tools, debug; never a password) */
int	rad_attr_format(uint8_t type, struct sso_cur val, char *, size_t);

/* ---- accounting records (issue 12: checkpointed before sent) ---- */

/*
 * An accounting record is a plain struct with an identity (Acct-Session-Id,
 * status type, sequence) and the attributes to send, never the key. The
 * service checkpoints rad_acct_rec_encode()'s bytes before the record is
 * sent; a new active decodes them and sends again: Acct-Delay-Time is
 * derived from event_time (wall clock) at each transmission.
 */
struct rad_acct_rec {
	char		 session_id[64];
	uint8_t		 status;	/* enum rad_acct_status */
	uint32_t	 seq;		/* per session: 0 Start, 1.. Interims */
	uint64_t	 event_time;	/* wall-clock seconds of the event */
	struct rad_avlist attrs;	/* without Acct-Status-Type/-Session-Id
					   /-Delay-Time: added when sent */
};
int	rad_acct_rec_init(struct rad_acct_rec *, const char *session_id,
	    uint8_t status, uint32_t seq, uint64_t event_time);
int	rad_acct_rec_encode(const struct rad_acct_rec *, struct sso_wbuf *);
int	rad_acct_rec_decode(struct rad_acct_rec *, struct sso_cur *);
/* the attributes as sent at wall time `now` (Acct-Delay-Time = now - t) */
int	rad_acct_rec_attrs(const struct rad_acct_rec *, uint64_t now,
	    struct rad_avlist *out);

/* ---- client ---- */

struct ev_loop;
struct rad_client;
struct rad_server;
struct rad_group;
struct rad_req;

struct rad_server_conf {
	char		 name[32];
	struct sockaddr_storage addr;	/* port ignored */
	uint16_t	 auth_port;	/* default 1812 */
	uint16_t	 acct_port;	/* default 1813 */
	char		 key[RAD_KEY_MAX + 1];
	unsigned	 timeout_ms;	/* per try, default 5000 */
	unsigned	 retransmit;	/* extra tries, default 3 */
	unsigned	 deadtime_ms;	/* revive time, default 60000; 0: never dead */
	int		 require_msgauth; /* Access-Accept/Reject/Challenge must
					     carry a Message-Authenticator
					     (BlastRADIUS, CVE-2024-3596) */
	unsigned	 max_outstanding; /* requests on the wire at once
					     (default 128), 0: no limit but the
					     sockets; more wait in a queue
					     (not lost in a burst) */
};
void	rad_server_conf_init(struct rad_server_conf *);

enum rad_srv_state { RAD_SRV_UP, RAD_SRV_DEAD };

struct rad_server_stats {
	char		 name[32];
	char		 addr[64];	/* "127.0.0.1" */
	uint16_t	 auth_port, acct_port;
	int		 state;		/* enum rad_srv_state */
	uint64_t	 dead_for_ms;	/* remaining dead time */
	uint64_t	 auth_requests, auth_accepts, auth_rejects,
			 auth_challenges;
	uint64_t	 acct_requests, acct_responses;
	uint64_t	 timeouts;	/* tries that got no answer */
	uint64_t	 retransmits;
	uint64_t	 failovers;	/* requests moved away from this server */
	uint64_t	 dead_count;	/* times marked dead */
	uint64_t	 bad_packets;	/* dropped answers, all reasons */
	uint64_t	 drops[RAD_E_MAX];	/* per reason (rad_err_name) */
	uint64_t	 latency_sum_us, latency_n;
	unsigned	 in_flight;
	unsigned	 in_flight_max;	/* the peak since the server was added */
	unsigned	 queued;	/* waiting for max_outstanding */
	unsigned	 sockets;
};

enum rad_result {
	RAD_R_ACCEPT, RAD_R_REJECT, RAD_R_CHALLENGE, RAD_R_ACCT_OK,
	RAD_R_TIMEOUT,		/* every server tried and silent */
	RAD_R_ERROR		/* could not build or send */
};
const char *rad_result_name(int);

/* field tables over rad_server_stats rows (core/render.h): `show aaa
 * servers` (one line per server) and `show radius statistics` (detail) */
struct sso_table;
const struct sso_table *rad_servers_table(void);
const struct sso_table *rad_stats_table(void);

/* the reply (NULL unless an answer came) is valid during the call only;
 * `srv` is the server that answered or was tried last. The callback may
 * send and cancel other requests, not free the client. */
typedef void (*rad_done_cb)(void *arg, int result, const struct rad_pkt *,
    struct rad_server *srv);

struct rad_client *rad_client_new(struct ev_loop *);
void	rad_client_free(struct rad_client *);	/* cancels everything */
/* bind source sockets to this address (default: any) */
void	rad_client_set_source(struct rad_client *, const struct sockaddr_in *);
/* at most this many sockets (x256 identifiers) per server, default 64 */
void	rad_client_set_max_sockets(struct rad_client *, unsigned);
struct rad_server *rad_server_add(struct rad_client *,
	    const struct rad_server_conf *);
struct rad_server *rad_server_find(struct rad_client *, const char *name);
const char *rad_server_name(const struct rad_server *);
void	rad_server_stats(const struct rad_server *, struct rad_server_stats *);
/* iterate servers in configuration order (NULL to start) */
struct rad_server *rad_server_next(struct rad_client *, struct rad_server *);
struct rad_group *rad_group_add(struct rad_client *, const char *name);
struct rad_group *rad_group_find(struct rad_client *, const char *name);
int	rad_group_add_server(struct rad_group *, struct rad_server *);
unsigned rad_client_in_flight(const struct rad_client *);

/*
 * Access-Request: attrs without User-Password/Message-Authenticator; pw
 * (PAP, may be NULL for CHAP) is kept in memory only until the request
 * ends (it is re-hidden for each server: keys differ) and wiped then.
 */
struct rad_req *rad_auth_send(struct rad_group *, const struct rad_avlist *,
	    const char *pw, rad_done_cb, void *arg);
/* Accounting-Request for a record (copied) */
struct rad_req *rad_acct_send(struct rad_group *, const struct rad_acct_rec *,
	    rad_done_cb, void *arg);
/* before its callback ran (afterwards the handle is gone): no callback */
void	rad_req_cancel(struct rad_req *);

/* ---- dynamic authorization server (RFC 5176) ---- */

struct rad_dae;
/*
 * The service's action: return 0 to ACK, or an Error-Cause to NAK.
 * code is RAD_DISCONNECT_REQUEST or RAD_COA_REQUEST.
 */
typedef int (*rad_dae_action_cb)(void *arg, uint8_t code,
    const struct rad_pkt *req);

struct rad_dae_stats {
	uint64_t	 requests, acks, naks, duplicates;
	uint64_t	 held;		/* answers held for their checkpoint */
	uint64_t	 drops[RAD_E_MAX];
	uint64_t	 unknown_client;
};

/*
 * A Disconnect/CoA answer as an object (issue 12): the request's identity
 * (source, Identifier, Request Authenticator) and the answer's bytes,
 * which hold no key. The checkpoint hook gets each new answer before it
 * is sent; a new active restores them, so a retransmitted request is
 * answered identically after a switchover, and the action (a session
 * cleared) is never run twice.
 */
#define RAD_DAE_ANSWER_MAX	64
struct rad_dae_answer {
	struct sockaddr_in from;
	uint8_t		 id;
	uint8_t		 auth[RAD_AUTH_LEN];
	uint8_t		 reply[RAD_DAE_ANSWER_MAX];
	uint8_t		 rlen;
};
/* returns 1 to hold the answer until rad_dae_release() (the standby has
 * it), 0 to send it now; a duplicate of a held request is not answered */
typedef int (*rad_dae_ckpt_cb)(void *arg, const struct rad_dae_answer *);
int	rad_dae_answer_encode(const struct rad_dae_answer *, struct sso_wbuf *);
int	rad_dae_answer_decode(struct rad_dae_answer *, struct sso_cur *);

struct rad_dae *rad_dae_new(rad_dae_action_cb, void *arg);
void	rad_dae_set_ckpt(struct rad_dae *, rad_dae_ckpt_cb, void *arg);
/* replay protection (RFC 5176 3.5): a request whose Event-Timestamp is
 * more than `seconds` away from our wall clock is dropped; with
 * `required`, one without Event-Timestamp is too. 0 (default): off */
void	rad_dae_set_time_window(struct rad_dae *, unsigned seconds,
	    int required);
/* a held answer may go now: sent to its requester */
void	rad_dae_release(struct rad_dae *, const struct rad_dae_answer *);
/* put a checkpointed answer into the duplicate cache (new active) */
int	rad_dae_restore(struct rad_dae *, const struct rad_dae_answer *);
void	rad_dae_free(struct rad_dae *);
int	rad_dae_client_add(struct rad_dae *, struct in_addr, const char *key);
/*
 * One datagram from `from`: returns the reply length written to out
 * (RAD_PKT_MAX bytes), or 0 when the input is dropped (unknown client,
 * bad authenticator, malformed). Duplicates (same source, identifier and
 * authenticator, RFC 5176 2.3) get the first answer again, byte for byte.
 */
size_t	rad_dae_input(struct rad_dae *, const struct sockaddr_in *from,
	    const uint8_t *buf, size_t len, uint8_t *out);
void	rad_dae_get_stats(const struct rad_dae *, struct rad_dae_stats *);
/* serve a bound UDP socket on the loop (reads, answers) */
int	rad_dae_start(struct rad_dae *, struct ev_loop *, int fd);

#endif
