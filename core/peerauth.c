/*
 * peerauth.c - senders that fail to authenticate on the inter-RP links
 * (issue 9, items 6 and 23): who they are, how they failed, what is shown,
 * counted and logged. chan.c feeds it the ZAP refusals (from its ZAP
 * thread) and every monitor event of its links (from the main loop).
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <zmq.h>

#include "sso_local.h"

static const char *const link_names[SSO_LINK_MAX] = { "checkpoint",
    "keepalive" };

/*
 * Authentication failures (issue 9, items 6 and 23), one record per kind.
 * A wrong key on either unit used to give two silent actives and ten log
 * lines a second forever; now each unit says why it does not accept its
 * peer (`show redundancy`: peer_reason), counts it, logs the first failure
 * of an episode at once and then one summary a minute with the count.
 *
 * Where each kind is learnt: the binding side of a link learns the source
 * address from the ZAP request (the sender's key is not the peer's); the
 * connecting side from the monitor events of its connection to the peer's
 * configured address (the peer refused our key, or closed during the
 * handshake). A binding side whose handshake does not decrypt (the sender
 * holds a wrong copy of our public key) or is not ZMTP at all only has the
 * monitor events, which libzmq 4.3 reports with our own bound endpoint
 * (the v1 monitor has no remote address): it names that endpoint, and the
 * source too when the accepted socket could still be read (acc_source).
 *
 * Behaviour (the choice): a unit never changes role because of an
 * unauthenticated sender, not even one on the peer's configured address.
 * It goes on as if the peer were absent (so after the negotiation timeout
 * it is ACTIVE, and both units may be), and says so loudly on both units.
 * The other way, holding a unit out of service while its peer's address
 * fails authentication, would let anything that can open a TCP connection
 * from that address (or a stale process there) pin the pair out of
 * service; an address is not an identity, the CURVE key is.
 *
 * The ZAP thread only records (under af_mu); the main loop logs.
 */
enum af_kind {
	PA_KEY_REFUSED,		/* ZAP: sender's key is not the peer's */
	PA_KEY_REJECTED,	/* the peer's ZAP refused our key */
	PA_CRYPTO,		/* handshake does not decrypt: wrong keys */
	PA_CLOSED,		/* peer closed the handshake (its key?) */
	PA_NOT_ZMTP,		/* not a ZeroMQ sender at all */
	PA_MAX
};

struct af_rec {
	uint64_t	 total, pending;	/* pending: not logged yet */
	uint64_t	 last_ms, log_ms;	/* log_ms 0: episode not begun */
	int		 is_peer;		/* from the configured peer */
	enum sso_link	 link;
	char		 src[160];
};

#define PA_SUMMARY_MS	60000	/* one summary line a minute at most */
#define PA_RECENT_MS	5000	/* peer_reason shown this long after */

static pthread_mutex_t af_mu = PTHREAD_MUTEX_INITIALIZER;
static struct af_rec af[PA_MAX];
static uint64_t af_ok_ms[SSO_LINK_MAX];	/* last handshake that worked */
static char af_reason[400];

static void
af_note(enum af_kind k, enum sso_link l, int is_peer, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
af_note(enum af_kind k, enum sso_link l, int is_peer, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&af_mu);
	af[k].total++;
	af[k].pending++;
	af[k].last_ms = sso_now_ms();
	af[k].is_peer = is_peer;
	af[k].link = l;
	va_start(ap, fmt);
	vsnprintf(af[k].src, sizeof(af[k].src), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&af_mu);
}

/* the text of a failure; cut at len (the source address is the long
 * part), the length it wanted returned as snprintf does */
static int
af_text(enum af_kind k, const struct af_rec *a, char *buf, size_t len)
{
	switch (k) {
	case PA_KEY_REFUSED:
		return snprintf(buf, len, "%s fails CURVE authentication: "
		    "its public key is not the one in %.160s: check key files",
		    a->src, sso.conf.key_peer);
	case PA_KEY_REJECTED:
		return snprintf(buf, len, "%s fails CURVE authentication: "
		    "it refuses this unit's key: check key files", a->src);
	case PA_CRYPTO:
		return snprintf(buf, len, "%s fails CURVE authentication: the "
		    "handshake does not decrypt with the configured keys: "
		    "check key files", a->src);
	case PA_CLOSED:
		return snprintf(buf, len, "%s fails CURVE authentication: "
		    "it closed the connection during the handshake (our key "
		    "file for it or its own is wrong?): check key files",
		    a->src);
	case PA_NOT_ZMTP:
	default:
		return snprintf(buf, len, "%s: not a ZeroMQ (ZMTP) sender, "
		    "dropped (not an authentication failure)", a->src);
	}
}

/* main loop: the first failure of an episode at once, then summaries */
static void
af_report(void)
{
	uint64_t now = sso_now_ms();
	char text[400];
	int k;

	for (k = 0; k < PA_MAX; k++) {
		struct af_rec a;
		int first;

		pthread_mutex_lock(&af_mu);
		if (af[k].pending == 0 && af[k].log_ms != 0 &&
		    now - af[k].log_ms >= PA_SUMMARY_MS)
			af[k].log_ms = 0;	/* quiet a minute: over */
		first = af[k].log_ms == 0;
		a = af[k];
		if (a.pending == 0 || (!first &&
		    now - af[k].log_ms < PA_SUMMARY_MS)) {
			pthread_mutex_unlock(&af_mu);
			continue;
		}
		af[k].pending = 0;
		af[k].log_ms = now;
		pthread_mutex_unlock(&af_mu);
		(void)af_text(k, &a, text, sizeof(text));
		if (!first)
			sso_log(SSO_WARNING, "CHAN", "AUTH_FAIL", "%s link: %llu "
			    "more in the last %llu s (%llu in all): %s",
			    link_names[a.link], (unsigned long long)a.pending,
			    (unsigned long long)(now - a.log_ms) / 1000,
			    (unsigned long long)a.total, text);
		else if (k == PA_NOT_ZMTP)
			sso_log(SSO_WARNING, "CHAN", "NOT_ZMTP", "%s link: %s",
			    link_names[a.link], text);
		else {
			sso_log(SSO_CRIT, "CHAN", "AUTH_FAIL", "%s link: %s; "
			    "this unit does not accept that sender and carries "
			    "on as if the peer were absent (both units may be "
			    "ACTIVE)", link_names[a.link], text);
			sso_hist_add("peer not accepted: %.80s", text);
		}
	}
}

/* a handshake worked: the episode of failures on that link is over */
static void
af_handshake_ok(enum sso_link l)
{
	int k, ended = 0;

	pthread_mutex_lock(&af_mu);
	af_ok_ms[l] = sso_now_ms();
	for (k = 0; k < PA_NOT_ZMTP; k++)
		if (af[k].link == l && af[k].log_ms != 0) {
			af[k].log_ms = 0;
			af[k].pending = 0;
			ended = 1;
		}
	pthread_mutex_unlock(&af_mu);
	if (ended)
		sso_log(SSO_NOTICE, "CHAN", "PEER_AUTH_OK", "%s link: the peer "
		    "authenticates again", link_names[l]);
}

const char *
sso_peerauth_reason(void)
{
	uint64_t now = sso_now_ms();
	int k;

	af_reason[0] = '\0';
	pthread_mutex_lock(&af_mu);
	for (k = 0; k < PA_NOT_ZMTP; k++)
		if (af[k].total && af[k].is_peer &&
		    now - af[k].last_ms <= PA_RECENT_MS &&
		    af[k].last_ms > af_ok_ms[af[k].link]) {
			(void)af_text(k, &af[k], af_reason, sizeof(af_reason));
			break;
		}
	pthread_mutex_unlock(&af_mu);
	return af_reason;
}

uint64_t
sso_peerauth_failures(void)
{
	uint64_t n = 0;
	int k;

	pthread_mutex_lock(&af_mu);
	for (k = 0; k < PA_NOT_ZMTP; k++)
		n += af[k].total;
	pthread_mutex_unlock(&af_mu);
	return n;
}

uint64_t
sso_peerauth_non_zmtp(void)
{
	uint64_t n;

	pthread_mutex_lock(&af_mu);
	n = af[PA_NOT_ZMTP].total;
	pthread_mutex_unlock(&af_mu);
	return n;
}

/* is a ZAP source address (an IP, no port) the configured peer's host? */
static int
from_peer_host(const char *addr, size_t len)
{
	const char *cfg = sso.conf.addr[!sso.conf.unit], *h, *e;

	if (strncmp(cfg, "tcp://", 6) != 0 || len == 0)
		return 1;	/* ipc://: no address to tell apart */
	h = cfg + 6;
	if ((e = strrchr(h, ':')) == NULL)
		e = h + strlen(h);
	if (*h == '[' && e > h + 1 && e[-1] == ']') {
		h++;
		e--;
	}
	return (size_t)(e - h) == len && memcmp(h, addr, len) == 0;
}

#define ACC_MAX	16
struct acc {
	int	 fd;
	char	 src[80];	/* "from ADDR:PORT " when known, else "" */
};
static struct acc acc[SSO_LINK_MAX][ACC_MAX];
static unsigned acc_n[SSO_LINK_MAX];

/*
 * Binding side: connections accepted and not yet through a handshake
 * (success or failure), oldest first. A ZMTP sender always produces a
 * handshake event; a connection that is gone before any (libzmq drops a
 * non-ZMTP greeting without one) was not a ZeroMQ peer. Handshake events
 * carry no descriptor, so they resolve the oldest pending connection.
 */

static void
acc_drop(enum sso_link l, unsigned i)
{
	memmove(&acc[l][i], &acc[l][i + 1], (acc_n[l] - i - 1) *
	    sizeof(acc[l][0]));
	acc_n[l]--;
}

/*
 * The source of an accepted connection, while it is still open: the
 * monitor event carries its descriptor, read here up to 50 ms later. A
 * descriptor already closed and reused would name someone else, so the
 * address counts only if the socket is TCP and its local port is the
 * one this link listens on; else the source stays unnamed.
 */
static void
acc_source(enum sso_link l, int fd, char *out, size_t len)
{
	struct sockaddr_storage ss, ls;
	socklen_t sl = sizeof(ss), ll = sizeof(ls);
	char ep[256], host[64], *port;
	size_t el = sizeof(ep);
	unsigned lport, rport;
	const void *a;

	out[0] = '\0';
	if (getpeername(fd, (struct sockaddr *)&ss, &sl) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ls, &ll) == -1 ||
	    ss.ss_family != ls.ss_family ||
	    zmq_getsockopt(sso.chan.sock[l], ZMQ_LAST_ENDPOINT, ep, &el) == -1 ||
	    (port = strrchr(ep, ':')) == NULL)
		return;
	if (ss.ss_family == AF_INET) {
		a = &((struct sockaddr_in *)&ss)->sin_addr;
		rport = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		lport = ntohs(((struct sockaddr_in *)&ls)->sin_port);
	} else if (ss.ss_family == AF_INET6) {
		a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
		rport = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		lport = ntohs(((struct sockaddr_in6 *)&ls)->sin6_port);
	} else
		return;
	if (strtoul(port + 1, NULL, 10) != lport ||
	    inet_ntop(ss.ss_family, a, host, sizeof(host)) == NULL)
		return;
	snprintf(out, len, "from %s%s%s:%u ", ss.ss_family == AF_INET6 ?
	    "[" : "", host, ss.ss_family == AF_INET6 ? "]" : "", rport);
}

static void
acc_push(enum sso_link l, int fd)
{
	if (acc_n[l] == ACC_MAX)
		acc_drop(l, 0);
	acc[l][acc_n[l]].fd = fd;
	acc_source(l, fd, acc[l][acc_n[l]].src, sizeof(acc[l][0].src));
	acc_n[l]++;
}

/* a handshake event resolves the oldest pending connection; its source
 * is named only when it was the only one (events carry no descriptor) */
static void
acc_pop(enum sso_link l, char *src, size_t len)
{
	snprintf(src, len, "%s", acc_n[l] == 1 ? acc[l][0].src : "");
	if (acc_n[l] > 0)
		acc_drop(l, 0);
}

/* 1 if fd was pending (its source, maybe "", copied to src) */
static int
acc_remove(enum sso_link l, int fd, char *src, size_t len)
{
	unsigned i;

	for (i = 0; i < acc_n[l]; i++)
		if (acc[l][i].fd == fd) {
			snprintf(src, len, "%s", acc[l][i].src);
			acc_drop(l, i);
			return 1;
		}
	return 0;
}

/*
 * A failed handshake seen by the monitor. Connecting side: addr is the
 * peer's configured address. Binding side: addr is our own endpoint, and
 * a key refused by our ZAP handler was already recorded with its source.
 */
static void
mon_failure(enum sso_link l, uint16_t id, uint32_t val, const char *addr,
    const char *src)
{
	int bound = sso.chan.is_router[l];

	if (id == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
		if (!bound)
			af_note(PA_KEY_REJECTED, l, 1, "peer at %s", addr);
		return;
	}
	if (id == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL &&
	    val == ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC) {
		if (bound)
			af_note(PA_CRYPTO, l, 1, "a connection %sto our "
			    "endpoint %s", src, addr);
		else
			af_note(PA_CRYPTO, l, 1, "peer at %s", addr);
		return;
	}
	if (id == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL && !bound) {
		af_note(PA_CLOSED, l, 1, "peer at %s", addr);
		return;
	}
	/* anything else broke ZMTP itself, before any authentication: not
	 * a ZeroMQ peer (libzmq's v1 monitor names only our endpoint) */
	if (id == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
		af_note(PA_NOT_ZMTP, l, 0, "a connection %sto %s%s (ZMTP "
		    "protocol error 0x%x)", src, bound ? "our endpoint " : "",
		    addr, (unsigned)val);
	else
		af_note(PA_NOT_ZMTP, l, 0, "a connection %sto %s%s (ended "
		    "during the ZMTP greeting: %s)", src, bound ?
		    "our endpoint " : "", addr, strerror((int)val));
}

void
sso_peerauth_zap_refused(const char *addr, size_t len)
{
	int peer = from_peer_host(addr, len);

	/* which link: the one this unit binds (ZAP does not say) */
	af_note(PA_KEY_REFUSED, sso.conf.unit == 0 ? SSO_LINK_CF :
	    SSO_LINK_KA, peer, "%s at %.*s%s", peer ? "peer" : "a sender",
	    (int)len, addr, peer ? "" : " (not the configured peer address)");
}

void
sso_peerauth_event(enum sso_link l, uint16_t id, uint32_t val,
    const char *addr)
{
	char src[80];

	switch (id) {
	case ZMQ_EVENT_ACCEPTED:
		acc_push(l, (int)val);
		break;
	case ZMQ_EVENT_DISCONNECTED:
		if (acc_remove(l, (int)val, src, sizeof(src)))
			af_note(PA_NOT_ZMTP, l, 0, "a connection %sto our "
			    "endpoint %s (closed before any ZMTP handshake)",
			    src, addr);
		break;
	case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
		acc_pop(l, src, sizeof(src));
		af_handshake_ok(l);
		break;
	case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
	case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
	case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
		acc_pop(l, src, sizeof(src));
		mon_failure(l, id, val, addr, src);
		break;
	default:
		break;
	}
}

void
sso_peerauth_report(void)
{
	af_report();
}

void
sso_peerauth_link_closed(enum sso_link l)
{
	acc_n[l] = 0;
}
