/*
 * live.c - the liveness connection: one plain TCP connection beside the
 * two ZeroMQ links, whose end says that the peer PROCESS is gone.
 *
 * Why not ZeroMQ's own connections: libzmq hides a FIN or RST behind its
 * reconnects, and its monitor reports a disconnect without saying whether
 * the peer's kernel closed the connection or a heartbeat timed out. Here
 * the socket is ours, so the reason is known exactly:
 *
 *   - read() returns 0 (FIN) or fails with ECONNRESET (RST) on a connection
 *     that was authenticated and on which the peer did not announce a
 *     close: the peer's kernel closed it because the process died or
 *     exited while its host lives. That is the evidence, and the only one.
 *   - anything else (a handshake that never completes, a local error such
 *     as ENETUNREACH or ETIMEDOUT, a refused connect, a reconnect) is no
 *     evidence: the keepalive dead timer and the witness decide, as they
 *     did before. A dead host, a cut link, a hung or stopped process send
 *     no FIN, and so still wait for the timer.
 *   - an orderly stop or restart announces itself first: a goodbye octet
 *     ('G', sent when the RF goodbye frame goes out and when the
 *     transport closes before an exec) or a close octet ('C', this side
 *     drops the connection while it lives on). The end that follows is
 *     then no evidence.
 *
 * Unit 0 listens on its own address (the host of its checkpoint link) on
 * `liveness port` or, by default, a port the kernel picks; it tells its
 * peer the port in its keepalives (Frame.liveness_port), which CURVE
 * authenticates. Unit 1 connects to it. The connection is authenticated
 * at connect with the pair's keys: each side sends a hello (magic,
 * version, unit, boot id, a fresh nonce), then an HMAC-SHA256 over its
 * own hello and the peer's nonce under the X25519 key of the pair (the
 * witness's key); a stranger can open a connection but never arm one, so
 * it cannot fake an end. With `security none` the key is all zeros and the
 * proof checks form only, as everything else on the links.
 *
 * `liveness off` turns the whole mechanism off (detection by the timer
 * only).
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "sso_local.h"
#include "buf.h"

#define LIVE_MAGIC	0x53534f4cu		/* "SSOL" */
#define LIVE_VERSION	1
#define LIVE_NONCE	16
#define LIVE_HELLO_LEN	(4 + 1 + 1 + 8 + LIVE_NONCE)
#define LIVE_PROOF_LEN	32
#define LIVE_SLOTS	4		/* connections being authenticated */
#define LIVE_HANDSHAKE_MS 2000
#define LIVE_BYE	'G'		/* orderly stop or restart follows */
#define LIVE_CLOSE	'C'		/* this side drops it, and lives */

enum live_state { LIVE_FREE, LIVE_CONNECTING, LIVE_HELLO, LIVE_PROOF,
    LIVE_ARMED };

struct live_conn {
	enum live_state	 state;
	int		 fd;
	ev_io		 io;
	uint64_t	 since_ms;
	uint8_t		 my_nonce[LIVE_NONCE], peer_nonce[LIVE_NONCE];
	uint64_t	 peer_boot;
	int		 peer_bye;	/* the peer announced its close */
	uint8_t		 in[LIVE_HELLO_LEN + LIVE_PROOF_LEN];
	size_t		 inlen;
};

static struct {
	int		 on;
	int		 stopping;	/* goodbye sent: no new connection */
	uint8_t		 key[32];
	int		 lfd;		/* unit 0: the listener */
	ev_io		 lio;
	unsigned	 port;		/* unit 0: ours; unit 1: the peer's */
	struct sockaddr_storage peer;	/* unit 1: unit 0's host */
	socklen_t	 peer_len;
	ev_timer	 timer;
	struct live_conn c[LIVE_SLOTS];
	uint64_t	 evidence, handshakes, refused;
} live = { .lfd = -1 };

static const char live_label[] = "ssod liveness v1";

static void live_io_cb(struct ev_loop *, ev_io *, int);

static void
conn_close(struct live_conn *c, int announce)
{
	uint8_t b = LIVE_CLOSE;

	if (c->state == LIVE_FREE)
		return;
	if (announce && c->state == LIVE_ARMED)
		(void)send(c->fd, &b, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	ev_io_stop(sso.loop, &c->io);
	close(c->fd);
	c->fd = -1;
	c->state = LIVE_FREE;
}

static struct live_conn *
conn_new(int fd, enum live_state st)
{
	struct live_conn *c, *old = NULL;
	int i;

	for (i = 0; i < LIVE_SLOTS; i++) {
		c = &live.c[i];
		if (c->state == LIVE_FREE)
			break;
		if (c->state != LIVE_ARMED && (old == NULL ||
		    c->since_ms < old->since_ms))
			old = c;
		c = NULL;
	}
	if (c == NULL) {
		if (old == NULL) {
			close(fd);
			return NULL;
		}
		conn_close(old, 0);	/* the oldest handshake gives way */
		c = old;
	}
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->state = st;
	c->since_ms = sso_now_ms();
	if (RAND_bytes(c->my_nonce, sizeof(c->my_nonce)) != 1)
		sso_fatal("no random bytes");
	ev_io_init(&c->io, live_io_cb, fd, st == LIVE_CONNECTING ? EV_WRITE :
	    EV_READ);
	ev_set_priority(&c->io, EV_MAXPRI);
	c->io.data = c;
	ev_io_start(sso.loop, &c->io);
	return c;
}

static int
send_all(struct live_conn *c, const uint8_t *p, size_t len)
{
	/* a fresh connection's buffer takes a few dozen octets at once */
	return send(c->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t)len
	    ? 0 : -1;
}

static int
send_hello(struct live_conn *c)
{
	struct sso_wbuf b;
	int errs = 0, rc;

	sso_wbuf_init(&b, 64);
	errs += sso_wbuf_put_u32(&b, LIVE_MAGIC);
	errs += sso_wbuf_put_u8(&b, LIVE_VERSION);
	errs += sso_wbuf_put_u8(&b, (uint8_t)sso.conf.unit);
	errs += sso_wbuf_put_u64(&b, sso.rf.boot_id);
	errs += sso_wbuf_put(&b, c->my_nonce, sizeof(c->my_nonce));
	rc = errs ? -1 : send_all(c, b.buf, b.len);
	sso_wbuf_free(&b);
	return rc;
}

/* HMAC(key, label | unit | boot | its nonce | the other's nonce) */
static void
proof(uint8_t out[32], unsigned unit, uint64_t boot, const uint8_t *n1,
    const uint8_t *n2)
{
	uint8_t msg[sizeof(live_label) + 1 + 8 + 2 * LIVE_NONCE];
	unsigned int len = 32;
	size_t o = 0;
	int i;

	memcpy(msg, live_label, sizeof(live_label));
	o += sizeof(live_label);
	msg[o++] = (uint8_t)unit;
	for (i = 7; i >= 0; i--)
		msg[o++] = (uint8_t)(boot >> (i * 8));
	memcpy(msg + o, n1, LIVE_NONCE);
	o += LIVE_NONCE;
	memcpy(msg + o, n2, LIVE_NONCE);
	o += LIVE_NONCE;
	if (HMAC(EVP_sha256(), live.key, sizeof(live.key), msg, o, out,
	    &len) == NULL || len != 32)
		sso_fatal("HMAC-SHA256 failed");
}

/* the peer's hello: 0 done, -1 refused */
static int
rx_hello(struct live_conn *c)
{
	struct sso_cur cur;
	uint32_t magic;
	uint8_t ver, unit, p[32];

	sso_cur_init(&cur, c->in, LIVE_HELLO_LEN);
	if (sso_cur_get_u32(&cur, &magic) == -1 ||
	    sso_cur_get_u8(&cur, &ver) == -1 ||
	    sso_cur_get_u8(&cur, &unit) == -1 ||
	    sso_cur_get_u64(&cur, &c->peer_boot) == -1 ||
	    sso_cur_get_bytes(&cur, c->peer_nonce, LIVE_NONCE) == -1 ||
	    magic != LIVE_MAGIC || ver != LIVE_VERSION ||
	    unit != !sso.conf.unit)
		return -1;
	proof(p, sso.conf.unit, sso.rf.boot_id, c->my_nonce, c->peer_nonce);
	c->state = LIVE_PROOF;
	return send_all(c, p, sizeof(p));
}

static int
rx_proof(struct live_conn *c)
{
	uint8_t want[32];
	int i;

	proof(want, !sso.conf.unit, c->peer_boot, c->peer_nonce, c->my_nonce);
	if (CRYPTO_memcmp(want, c->in + LIVE_HELLO_LEN, 32) != 0)
		return -1;
	/* one armed connection: a newer one replaces the older */
	for (i = 0; i < LIVE_SLOTS; i++)
		if (&live.c[i] != c && live.c[i].state == LIVE_ARMED)
			conn_close(&live.c[i], 1);
	c->state = LIVE_ARMED;
	live.handshakes++;
	sso_log(SSO_INFO, "CHAN", "LIVENESS", "liveness connection with unit "
	    "%u up", !sso.conf.unit);
	return 0;
}

/* the peer's kernel ended an armed connection nobody announced */
static void
evidence(struct live_conn *c, const char *why)
{
	uint64_t boot = c->peer_boot;

	conn_close(c, 0);
	live.evidence++;
	if (sso.chan.ops && sso.chan.ops->peer_process_gone)
		sso.chan.ops->peer_process_gone(sso.chan.ops_arg, boot, why);
}

static void
rx_armed(struct live_conn *c)
{
	uint8_t b[16];
	ssize_t n, i;

	for (;;) {
		n = recv(c->fd, b, sizeof(b), MSG_DONTWAIT);
		if (n > 0) {
			for (i = 0; i < n; i++) {
				if (b[i] != LIVE_BYE && b[i] != LIVE_CLOSE) {
					conn_close(c, 1);	/* not ours */
					return;
				}
				c->peer_bye = 1;
			}
			continue;
		}
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (c->peer_bye)
			conn_close(c, 0);
		else if (n == 0)
			evidence(c, "peer process gone (connection closed)");
		else if (errno == ECONNRESET)
			evidence(c, "peer process gone (connection reset)");
		else
			conn_close(c, 0);	/* a local error: no evidence */
		return;
	}
}

static void
rx_handshake(struct live_conn *c)
{
	size_t want = c->state == LIVE_HELLO ? LIVE_HELLO_LEN :
	    LIVE_HELLO_LEN + LIVE_PROOF_LEN;
	ssize_t n;

	while (c->state == LIVE_HELLO || c->state == LIVE_PROOF) {
		n = recv(c->fd, c->in + c->inlen, want - c->inlen,
		    MSG_DONTWAIT);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			conn_close(c, 0);
			return;
		}
		c->inlen += (size_t)n;
		if (c->inlen < want)
			continue;
		if ((c->state == LIVE_HELLO ? rx_hello(c) : rx_proof(c)) ==
		    -1) {
			live.refused++;
			sso_log(SSO_WARNING, "CHAN", "LIVENESS", "liveness "
			    "connection refused: not the configured peer");
			conn_close(c, 0);
			return;
		}
		want = LIVE_HELLO_LEN + LIVE_PROOF_LEN;
	}
	if (c->state == LIVE_ARMED)
		rx_armed(c);	/* a close may already follow the proof */
}

static void
live_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct live_conn *c = w->data;
	int err = 0;
	socklen_t el = sizeof(err);

	if (c->state == LIVE_CONNECTING) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el) == -1 ||
		    err != 0) {
			conn_close(c, 0);	/* refused: no evidence */
			return;
		}
		ev_io_stop(loop, w);
		ev_io_set(w, c->fd, EV_READ);
		ev_io_start(loop, w);
		c->state = LIVE_HELLO;
		if (send_hello(c) == -1)
			conn_close(c, 0);
		return;
	}
	if (c->state == LIVE_ARMED)
		rx_armed(c);
	else
		rx_handshake(c);
}

static void
accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct live_conn *c;
	int fd;

	while ((fd = accept4(live.lfd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) != -1) {
		if (live.stopping) {
			close(fd);
			continue;
		}
		if ((c = conn_new(fd, LIVE_HELLO)) != NULL &&
		    send_hello(c) == -1)
			conn_close(c, 0);
	}
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	uint64_t now = sso_now_ms();
	int i;

	for (i = 0; i < LIVE_SLOTS; i++)
		if (live.c[i].state != LIVE_FREE &&
		    live.c[i].state != LIVE_ARMED &&
		    now - live.c[i].since_ms > LIVE_HANDSHAKE_MS)
			conn_close(&live.c[i], 0);
}

/* "tcp://HOST:PORT" -> HOST (brackets of an IPv6 address removed) */
static int
addr_host(const char *addr, char *host, size_t len)
{
	const char *hp = addr + 6, *colon;
	size_t hl;

	if (strncmp(addr, "tcp://", 6) != 0 ||
	    (colon = strrchr(hp, ':')) == NULL)
		return -1;
	hl = (size_t)(colon - hp);
	if (hl >= 2 && hp[0] == '[' && hp[hl - 1] == ']') {
		hp++;
		hl -= 2;
	}
	if (hl == 0 || hl >= len)
		return -1;
	memcpy(host, hp, hl);
	host[hl] = '\0';
	return 0;
}

static int
resolve(const char *host, unsigned port, int passive,
    struct sockaddr_storage *ss, socklen_t *sl)
{
	struct addrinfo hints, *res;
	char ps[8];

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
	snprintf(ps, sizeof(ps), "%u", port);
	if (getaddrinfo(host, ps, &hints, &res) != 0)
		return -1;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sl = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int
listen_open(const char *host)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int one = 1;

	if (resolve(host, sso.conf.liveness_port, 1, &ss, &sl) == -1 ||
	    (live.lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return -1;
	setsockopt(live.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(live.lfd, (struct sockaddr *)&ss, sl) == -1 ||
	    listen(live.lfd, LIVE_SLOTS) == -1 ||
	    getsockname(live.lfd, (struct sockaddr *)&ss, &sl) == -1) {
		close(live.lfd);
		live.lfd = -1;
		return -1;
	}
	live.port = ntohs(ss.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	ev_io_init(&live.lio, accept_cb, live.lfd, EV_READ);
	ev_io_start(sso.loop, &live.lio);
	return 0;
}

/*
 * Start-up (chan.c, after the ZeroMQ links). Not being able to listen is
 * logged and leaves detection to the timer: the pair stays as safe as
 * without this mechanism, only slower on a process crash.
 */
int
sso_live_open(const uint8_t key[32])
{
	char host[256];

	if (!sso.conf.liveness)
		return 0;
	if (addr_host(sso.conf.addr[0], host, sizeof(host)) == -1) {
		sso_log(SSO_NOTICE, "CHAN", "LIVENESS", "unit 0's address %s is "
		    "not tcp://: a dead peer process is detected by the "
		    "keepalive timer only", sso.conf.addr[0]);
		return 0;
	}
	memcpy(live.key, key, sizeof(live.key));
	if (sso.conf.unit == 0 && listen_open(host) == -1) {
		sso_log(SSO_WARNING, "CHAN", "LIVENESS", "cannot listen on %s "
		    "port %u: %s; a dead peer process is detected by the "
		    "keepalive timer only", host, sso.conf.liveness_port,
		    strerror(errno));
		return 0;
	}
	if (sso.conf.unit == 1 && resolve(host, 0, 0, &live.peer,
	    &live.peer_len) == -1) {
		sso_log(SSO_WARNING, "CHAN", "LIVENESS", "cannot resolve %s; a "
		    "dead peer process is detected by the keepalive timer "
		    "only", host);
		return 0;
	}
	ev_timer_init(&live.timer, timer_cb, 0.5, 0.5);
	ev_timer_start(sso.loop, &live.timer);
	live.on = 1;
	return 0;
}

/* unit 0: the port its keepalives advertise (0: none) */
unsigned
sso_live_port(void)
{
	return live.on && !live.stopping && sso.conf.unit == 0 ? live.port : 0;
}

static int
have_conn(void)
{
	int i;

	for (i = 0; i < LIVE_SLOTS; i++)
		if (live.c[i].state != LIVE_FREE)
			return 1;
	return 0;
}

/* unit 1: unit 0's keepalive advertised its port; connect if we are not */
void
sso_live_peer_port(unsigned port)
{
	struct sockaddr_storage ss = live.peer;
	int fd, i;

	if (!live.on || live.stopping || sso.conf.unit != 1 || port == 0 ||
	    port > 65535)
		return;
	if (port != live.port) {
		/* a new incarnation of the peer: the old one's is stale */
		for (i = 0; i < LIVE_SLOTS; i++)
			conn_close(&live.c[i], 1);
		live.port = port;
	}
	if (have_conn())
		return;
	if (ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return;
	if (connect(fd, (struct sockaddr *)&ss, live.peer_len) == -1 &&
	    errno != EINPROGRESS) {
		close(fd);	/* retried at the next keepalive */
		return;
	}
	(void)conn_new(fd, LIVE_CONNECTING);
}

/*
 * An orderly stop or restart follows (the RF goodbye frame goes out, or
 * the transport closes before an exec): tell the peer, so the end of the
 * connection is not taken for a crash, and open no other.
 */
void
sso_live_goodbye(void)
{
	uint8_t b = LIVE_BYE;
	int i;

	live.stopping = 1;
	for (i = 0; i < LIVE_SLOTS; i++)
		if (live.c[i].state == LIVE_ARMED)
			(void)send(live.c[i].fd, &b, 1, MSG_NOSIGNAL |
			    MSG_DONTWAIT);
}

void
sso_live_close(void)
{
	int i;

	sso_live_goodbye();
	for (i = 0; i < LIVE_SLOTS; i++)
		conn_close(&live.c[i], 0);
	if (live.lfd != -1) {
		ev_io_stop(sso.loop, &live.lio);
		close(live.lfd);
		live.lfd = -1;
	}
	ev_timer_stop(sso.loop, &live.timer);
	live.on = 0;
}

void
sso_live_counters(uint64_t *armed, uint64_t *evid, uint64_t *refused)
{
	*armed = live.handshakes;
	*evid = live.evidence;
	*refused = live.refused;
}
