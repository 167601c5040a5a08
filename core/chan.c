/*
 * chan.c - the two inter-RP ZeroMQ connections.
 *
 * SSO_LINK_CF carries checkpoint traffic (hello, records, acks, handover);
 * SSO_LINK_KA carries only RF keepalives, on its own TCP connection and at
 * the highest libev priority, so a bulk sync can never delay them.
 * Each unit binds its own configured address: unit 0's address carries the
 * checkpoint link (unit 0 binds a ROUTER, unit 1 connects a DEALER, as
 * DESIGN.md fixes), unit 1's address carries the keepalive link (unit 1
 * binds, unit 0 connects). Both addresses are then used, and no port is
 * invented.
 *
 * Security (default on, fails closed): CURVE on both links; the binding side
 * is the CURVE server and a ZAP handler thread admits only the configured
 * peer public key. A key that cannot be loaded stops the daemon. Who
 * fails to authenticate, and what a unit does about it, is peerauth.c's.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <zmq.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "sso_local.h"

static const char *const link_names[SSO_LINK_MAX] = { "checkpoint",
    "keepalive" };
static uint8_t my_secret[32], my_public[32], peer_public[32];
/* "debug redundancy chan": one line per frame sent or received */
static struct sso_debug dbg_chan = { .name = "redundancy chan" };
static const char *const frame_names[] = { "?", "keepalive", "hello",
    "records", "ack", "switchover", "reload", "standby-fault", "goodbye" };
#define FRAME_NAME(t)	((unsigned)(t) < sizeof(frame_names) /		\
	sizeof(frame_names[0]) ? frame_names[(unsigned)(t)] : "?")
static char my_secret_z85[41], my_public_z85[41], peer_public_z85[41];

/*
 * A key file: one Z85 line. A secret key must be a regular file that only
 * the daemon's user can read (as OpenSSH refuses a private key with loose
 * modes): any group/other bit or another owner is refused.
 */
static int
read_key(const char *path, int secret, char *z85, uint8_t *bin, char *err,
    size_t len)
{
	struct stat st;
	FILE *fp;
	char line[128];
	size_t n;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, len, "cannot open key %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fileno(fp), &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, len, "key %s: not a regular file", path);
		fclose(fp);
		return -1;
	}
	if (secret && ((st.st_mode & 077) != 0 || st.st_uid != geteuid())) {
		snprintf(err, len, "secret key %s: mode %04o, owner uid %u: a "
		    "secret key must be owned by uid %u and not accessible by "
		    "others (chmod 600)", path, (unsigned)(st.st_mode & 07777),
		    (unsigned)st.st_uid, (unsigned)geteuid());
		fclose(fp);
		return -1;
	}
	if (fgets(line, sizeof(line), fp) == NULL)
		line[0] = '\0';
	fclose(fp);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (n != 40 || zmq_z85_decode(bin, line) == NULL) {
		snprintf(err, len, "%s: not a Z85 CURVE key", path);
		OPENSSL_cleanse(line, sizeof(line));
		return -1;
	}
	memcpy(z85, line, 41);
	OPENSSL_cleanse(line, sizeof(line));
	return 0;
}

int
sso_chan_key_check(const char *path, int secret, char *err, size_t len)
{
	char z85[41];
	uint8_t bin[32];
	int rc = read_key(path, secret, z85, bin, err, len);

	OPENSSL_cleanse(z85, sizeof(z85));
	OPENSSL_cleanse(bin, sizeof(bin));
	return rc;
}

static int
load_keys(void)
{
	char err[400];

	if (read_key(sso.conf.key_secret, 1, my_secret_z85, my_secret, err,
	    sizeof(err)) == -1 ||
	    read_key(sso.conf.key_peer, 0, peer_public_z85, peer_public, err,
	    sizeof(err)) == -1) {
		sso_log(SSO_ERR, "CHAN", "KEY", "%s", err);
		return -1;
	}
	if (zmq_curve_public(my_public_z85, my_secret_z85) == -1) {
		sso_log(SSO_ERR, "CHAN", "KEY", "cannot derive public key");
		return -1;
	}
	zmq_z85_decode(my_public, my_public_z85);
	return 0;
}

/*
 * ZAP handler (RFC 27/ZAP). Runs in its own thread: ZAP requests are made
 * synchronously by libzmq's I/O thread over inproc, which must not be
 * driven through ZMQ_FD in the main loop.
 */

static void *
zap_thread(void *arg)
{
	void *rep = arg;

	for (;;) {
		char part[7][256];
		size_t plen[7];
		int i, more, ok;
		size_t ml = sizeof(more);

		for (i = 0; i < 7; i++) {
			int n = zmq_recv(rep, part[i], sizeof(part[i]), 0);

			if (n == -1) {
				if (errno == ETERM)
					return NULL;
				i = -1;
				break;
			}
			plen[i] = (size_t)n > sizeof(part[i]) ? sizeof(part[i])
			    : (size_t)n;
			zmq_getsockopt(rep, ZMQ_RCVMORE, &more, &ml);
			if (!more)
				break;
		}
		if (i < 0)
			continue;
		/* drain anything beyond the 7 frames we expect */
		while (zmq_getsockopt(rep, ZMQ_RCVMORE, &more, &ml) == 0 &&
		    more) {
			char junk[64];

			zmq_recv(rep, junk, sizeof(junk), 0);
			i = 7;	/* malformed */
		}
		/* version, request id, domain, address, routing id,
		 * mechanism, credentials (RFC 27) */
		ok = (i == 6 && plen[0] == 3 && memcmp(part[0], "1.0", 3) == 0 &&
		    plen[5] == 5 && memcmp(part[5], "CURVE", 5) == 0 &&
		    plen[6] == 32 && memcmp(part[6], peer_public, 32) == 0);
		if (ok)
			__atomic_add_fetch(&sso.chan.zap_allowed, 1,
			    __ATOMIC_RELAXED);
		else {
			__atomic_add_fetch(&sso.chan.zap_denied, 1,
			    __ATOMIC_RELAXED);
			sso_peerauth_zap_refused(part[3], i >= 3 ? plen[3] :
			    0);
		}
		zmq_send(rep, "1.0", 3, ZMQ_SNDMORE);
		zmq_send(rep, part[1], i >= 1 ? plen[1] : 0, ZMQ_SNDMORE);
		zmq_send(rep, ok ? "200" : "400", 3, ZMQ_SNDMORE);
		zmq_send(rep, ok ? "OK" : "Unknown key", ok ? 2 : 11,
		    ZMQ_SNDMORE);
		zmq_send(rep, ok ? "peer" : "", ok ? 4 : 0, ZMQ_SNDMORE);
		zmq_send(rep, "", 0, 0);
	}
}

static int
start_zap(void)
{
	void *rep;
	pthread_t t;

	if ((rep = zmq_socket(sso.chan.zctx, ZMQ_REP)) == NULL ||
	    zmq_bind(rep, "inproc://zeromq.zap.01") == -1) {
		sso_log(SSO_ERR, "CHAN", "ZAP", "cannot start ZAP handler: %s",
		    zmq_strerror(errno));
		return -1;
	}
	if (pthread_create(&t, NULL, zap_thread, rep) != 0)
		return -1;
	pthread_detach(t);
	return 0;
}

static void link_cb(struct sso_evzmq *, int);
static int live_open(void);

static void
setopt_int(void *s, int opt, int v)
{
	if (zmq_setsockopt(s, opt, &v, sizeof(v)) == -1)
		sso_fatal("zmq_setsockopt(%d): %s", opt, zmq_strerror(errno));
}

/* a link's socket and its monitor go */
static void
link_socket_close(enum sso_link l, void *s)
{
	struct sso_chan *c = &sso.chan;

	zmq_socket_monitor(s, NULL, 0);
	if (c->mon[l])
		zmq_close(c->mon[l]);
	c->mon[l] = NULL;
	zmq_close(s);
}

/*
 * How long sent data may stay unacknowledged before the kernel ends the
 * connection (ZMQ_TCP_MAXRT, TCP_USER_TIMEOUT): the keepalive budget and
 * two intervals, as the ZMTP heartbeat timeout it replaces, but at least
 * 2 s, so that a lossy link (a segment and two retransmissions lost, 1.4
 * s with the 200 ms minimum RTO) does not tear down a live connection.
 * A dead peer is the RF's business (keepalives, liveness): this only
 * frees the connection so that a reconnect can begin.
 */
static int
link_maxrt_ms(void)
{
	unsigned ms = sso.conf.ka_interval * (sso.conf.ka_threshold + 2);

	return ms < 2000 ? 2000 : ms > 60000 ? 60000 : (int)ms;
}

/* the port a router link's socket is bound to (for stale_scan()) */
static unsigned
bound_port(void *s)
{
	char ep[256], *colon;
	size_t len = sizeof(ep) - 1;
	unsigned long port;

	if (zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, ep, &len) == -1)
		return 0;
	ep[len < sizeof(ep) ? len : sizeof(ep) - 1] = '\0';
	if ((colon = strrchr(ep, ':')) == NULL)
		return 0;
	port = strtoul(colon + 1, NULL, 10);
	return port > 0 && port < 65536 ? (unsigned)port : 0;
}

/* quiet: a bind that finds the address still in use is not logged */
static int
open_link(enum sso_link l, int quiet)
{
	struct sso_chan *c = &sso.chan;
	unsigned me = sso.conf.unit, peer = !me;
	/* CF: unit 0 binds; KA: unit 1 binds */
	unsigned binder = (l == SSO_LINK_CF) ? 0 : 1;
	int bind = (me == binder), pri = (l == SSO_LINK_KA) ? EV_MAXPRI : 0;
	char myid[16], mon[64];
	static unsigned mon_gen;	/* one endpoint name per monitor */
	void *s;

	snprintf(myid, sizeof(myid), "%s-u%u", l == SSO_LINK_CF ? "cf" : "ka",
	    me);
	snprintf(c->peer_id[l], sizeof(c->peer_id[l]), "%s-u%u",
	    l == SSO_LINK_CF ? "cf" : "ka", peer);
	c->is_router[l] = bind;
	if ((s = zmq_socket(c->zctx, bind ? ZMQ_ROUTER : ZMQ_DEALER)) == NULL)
		return -1;
	setopt_int(s, ZMQ_LINGER, 0);
	setopt_int(s, ZMQ_SNDHWM, 100000);
	setopt_int(s, ZMQ_RCVHWM, 100000);
	setopt_int(s, ZMQ_RECONNECT_IVL, 50);
	setopt_int(s, ZMQ_RECONNECT_IVL_MAX, 500);
	/*
	 * A dead peer's TCP connection must not linger: the kernel ends it
	 * (TCP_USER_TIMEOUT for data left unacknowledged, keepalive probes
	 * for an idle one). Not ZMTP heartbeats: with them libzmq 4.3 aborts
	 * the process on a connection it left behind (see stale_scan()).
	 */
	setopt_int(s, ZMQ_TCP_KEEPALIVE, 1);
	setopt_int(s, ZMQ_TCP_KEEPALIVE_IDLE, 1);	/* seconds */
	setopt_int(s, ZMQ_TCP_KEEPALIVE_INTVL, 1);
	setopt_int(s, ZMQ_TCP_KEEPALIVE_CNT, 3);
	setopt_int(s, ZMQ_TCP_MAXRT, link_maxrt_ms());
	if (sso.conf.security) {
		if (bind) {
			setopt_int(s, ZMQ_CURVE_SERVER, 1);
			zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, my_secret, 32);
			zmq_setsockopt(s, ZMQ_ZAP_DOMAIN, "ssod", 4);
		} else {
			zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, peer_public, 32);
			zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, my_public, 32);
			zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, my_secret, 32);
		}
	}
	/*
	 * Connection and handshake events, read on a timer (inproc), watched
	 * before bind or connect: an event that happens before the monitor
	 * exists is never told. A reopened link used to connect first, and
	 * under load its connection and handshake could be over before the
	 * monitor was there: the reconnect was not counted and the standby
	 * never introduced itself again (it_resync timed out). A new name
	 * for every monitor: a reopened link's socket may get its
	 * predecessor's address.
	 */
	snprintf(mon, sizeof(mon), "inproc://mon-%d-%u", (int)l, ++mon_gen);
	if (zmq_socket_monitor(s, mon, ZMQ_EVENT_CONNECTED |
	    ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED |
	    ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
	    ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
	    ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) == 0) {
		c->mon[l] = zmq_socket(c->zctx, ZMQ_PAIR);
		if (c->mon[l] && zmq_connect(c->mon[l], mon) == -1) {
			zmq_close(c->mon[l]);
			c->mon[l] = NULL;
		}
	}
	if (c->mon[l] == NULL)
		sso_log(SSO_WARNING, "CHAN", "MONITOR", "%s link: no socket "
		    "monitor (%s): its reconnects are not seen",
		    link_names[l], zmq_strerror(errno));
	if (bind) {
		setopt_int(s, ZMQ_ROUTER_MANDATORY, 1);
		/* a restarted peer reconnects with the same id: take it */
		setopt_int(s, ZMQ_ROUTER_HANDOVER, 1);
		if (zmq_bind(s, sso.conf.addr[me]) == -1) {
			int e = errno;

			if (!quiet || e != EADDRINUSE)
				sso_log(SSO_ERR, "CHAN", "BIND", "cannot bind "
				    "%s: %s", sso.conf.addr[me], zmq_strerror(e));
			link_socket_close(l, s);
			errno = e;
			return -1;
		}
		c->bound_port[l] = bound_port(s);
	} else {
		setopt_int(s, ZMQ_IMMEDIATE, 1);
		zmq_setsockopt(s, ZMQ_ROUTING_ID, myid, strlen(myid));
		if (zmq_connect(s, sso.conf.addr[peer]) == -1) {
			sso_log(SSO_ERR, "CHAN", "CONNECT", "cannot connect %s: %s",
			    sso.conf.addr[peer], zmq_strerror(errno));
			link_socket_close(l, s);
			return -1;
		}
	}
	c->sock[l] = s;
	c->nstale[l] = 0;
	c->ev[l].batch = (l == SSO_LINK_CF) ? 64 : 16;
	sso_evzmq_start(&c->ev[l], sso.loop, s, pri, link_cb,
	    (void *)(intptr_t)l);
	return 0;
}

static void
close_link(enum sso_link l)
{
	struct sso_chan *c = &sso.chan;

	if (c->sock[l] == NULL)
		return;
	sso_evzmq_stop(&c->ev[l]);
	link_socket_close(l, c->sock[l]);
	c->sock[l] = NULL;
	sso_peerauth_link_closed(l);
}

static void
mon_drain(enum sso_link l)
{
	struct sso_chan *c = &sso.chan;
	struct sso_linkstat *st = &c->st[l];

	while (c->mon[l]) {
		uint8_t ev[6];
		char addr[256];
		uint16_t id;
		uint32_t val;
		int n, an;

		if ((n = zmq_recv(c->mon[l], ev, sizeof(ev), ZMQ_DONTWAIT)) < 0)
			break;
		an = zmq_recv(c->mon[l], addr, sizeof(addr) - 1, ZMQ_DONTWAIT);
		addr[an < 0 ? 0 : an > (int)sizeof(addr) - 1 ?
		    (int)sizeof(addr) - 1 : an] = '\0';
		if (n < 6)
			continue;
		/* the monitor frame is in host order */
		memcpy(&id, ev, sizeof(id));
		memcpy(&val, ev + 2, sizeof(val));
		switch (id) {
		case ZMQ_EVENT_CONNECTED:
		case ZMQ_EVENT_ACCEPTED:
			st->connects++;
			break;
		case ZMQ_EVENT_DISCONNECTED:
			st->disconnects++;
			break;
		case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
			st->handshake_ok++;
			break;
		case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
		case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
		case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
			st->auth_fail++;
			break;
		default:
			break;
		}
		/* who failed to authenticate, and how (peerauth.c) */
		sso_peerauth_event(l, id, val, addr);
	}
}

static void
mon_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	mon_drain(SSO_LINK_CF);
	mon_drain(SSO_LINK_KA);
	sso_peerauth_report();
}

/*
 * Connections libzmq 4.3 leaves behind. When the peer reconnects with its
 * routing id while the router still holds its old connection,
 * ZMQ_ROUTER_HANDOVER gives the id to the new connection and ends the old
 * one's pipe. A message that still arrives on the old connection then
 * has nowhere to go: its engine stops reading and never closes. After
 * the peer's FIN the socket stays in CLOSE-WAIT (CLOSE after an error)
 * until the ZeroMQ socket is closed, one descriptor lost per event; and
 * with ZMTP heartbeats on, the engine's heartbeat timer writes on it and
 * libzmq aborts the process ("Assertion failed: !_io_error
 * (src/stream_engine_base.cpp:331)", libzmq issue 4364, open upstream).
 * That abort killed the standby in the one-way fault of
 * it_netns_failover; tests/integration/stale_link.py makes it happen at
 * will. Hence no heartbeats (open_link()), and this scan: once a second
 * the binding side looks at its own descriptors for an accepted
 * connection of a router link's port whose peer has closed it; one still
 * there STALE_MS later is one libzmq will never free (a live engine
 * closes at once on the peer's FIN), and closing and reopening the
 * link's socket is the only way to free it. The peer reconnects at once
 * and the checkpoint link resumes from its acknowledged sequence, as
 * after any reconnect. The descriptors are only looked at, never
 * touched: they are libzmq's.
 */
#define STALE_MS	2000
#define REOPEN_MS	5000	/* the old listener gone by then */

static int
stale_state(int fd, unsigned port)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct tcp_info ti;
	socklen_t tl = sizeof(ti);
	int acc = 0;
	socklen_t al = sizeof(acc);
	unsigned p;

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == -1)
		return 0;
	if (ss.ss_family == AF_INET)
		p = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	else if (ss.ss_family == AF_INET6)
		p = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		return 0;
	if (p != port || getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc,
	    &al) == -1 || acc)
		return 0;
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &tl) == -1)
		return 0;
	return ti.tcpi_state == TCP_CLOSE_WAIT || ti.tcpi_state == TCP_CLOSE ||
	    ti.tcpi_state == TCP_LAST_ACK;
}

static void
stale_scan(void)
{
	struct sso_chan *c = &sso.chan;
	struct sso_stale seen[SSO_LINK_MAX][SSO_STALE_MAX];
	unsigned n[SSO_LINK_MAX] = { 0 }, i, l;
	uint64_t now = sso_now_ms(), oldest[SSO_LINK_MAX] = { 0 };
	struct dirent *de;
	DIR *d;

	for (l = 0; l < SSO_LINK_MAX; l++)
		if (c->sock[l] && c->is_router[l] && c->bound_port[l])
			break;
	if (l == SSO_LINK_MAX || (d = opendir("/proc/self/fd")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		char *end;
		long fd = strtol(de->d_name, &end, 10);

		if (*end != '\0' || end == de->d_name || fd == dirfd(d) ||
		    fstat((int)fd, &st) == -1 || !S_ISSOCK(st.st_mode))
			continue;
		for (l = 0; l < SSO_LINK_MAX; l++) {
			uint64_t since = now;

			if (!c->sock[l] || !c->is_router[l] ||
			    !stale_state((int)fd, c->bound_port[l]))
				continue;
			for (i = 0; i < c->nstale[l]; i++)
				if (c->stale[l][i].ino == (uint64_t)st.st_ino)
					since = c->stale[l][i].since_ms;
			if (n[l] < SSO_STALE_MAX) {
				seen[l][n[l]].ino = (uint64_t)st.st_ino;
				seen[l][n[l]++].since_ms = since;
			}
			if (now - since > oldest[l])
				oldest[l] = now - since;
		}
	}
	closedir(d);
	for (l = 0; l < SSO_LINK_MAX; l++) {
		memcpy(c->stale[l], seen[l], n[l] * sizeof(seen[l][0]));
		c->nstale[l] = n[l];
		if (oldest[l] < STALE_MS)
			continue;
		c->st[l].stale++;
		sso_log(SSO_WARNING, "CHAN", "STALE", "%s link: %u connection%s "
		    "closed by the peer but left open by ZeroMQ for %llu ms: "
		    "reopening the link to free %s", link_names[l], n[l],
		    n[l] == 1 ? "" : "s", (unsigned long long)oldest[l],
		    n[l] == 1 ? "it" : "them");
		close_link((enum sso_link)l);
		/* libzmq closes the listener in its I/O thread: bind again
		 * once the address is free */
		c->reopen_until_ms[l] = now + REOPEN_MS;
		ev_timer_stop(sso.loop, &c->reopen_timer[l]);
		ev_timer_set(&c->reopen_timer[l], 0.0, 0.0);
		ev_timer_start(sso.loop, &c->reopen_timer[l]);
	}
}

static void
reopen_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sso_chan *c = &sso.chan;
	enum sso_link l = (enum sso_link)(intptr_t)w->data;

	if (c->sock[l] != NULL)
		return;
	if (open_link(l, 1) == 0)
		return;
	if (errno != EADDRINUSE || sso_now_ms() >= c->reopen_until_ms[l])
		sso_fatal("cannot reopen the %s link: %s", link_names[l],
		    zmq_strerror(errno));
	ev_timer_set(w, 0.02, 0.0);
	ev_timer_start(loop, w);
}

static void
stale_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	stale_scan();
}

void
sso_chan_set_ops(const struct sso_chan_ops *ops, void *arg)
{
	sso.chan.ops = ops;
	sso.chan.ops_arg = arg;
}

/* what a checkpoint frame decodes into, reset after each (arena.c) */
static struct sso_arena rx_arena;

static void
link_cb(struct sso_evzmq *z, int revents)
{
	enum sso_link l = (enum sso_link)(intptr_t)z->arg;
	struct sso_chan *c = &sso.chan;
	unsigned n;

	if (revents & EV_WRITE) {
		if (c->ops)
			c->ops->writable(c->ops_arg, l);
		return;
	}
	for (n = 0; n < z->batch && c->sock[l] == z->sock; n++) {
		zmq_msg_t msg;
		int more = 0, parts = 0, rc;
		size_t ml = sizeof(more);
		Sso__Frame *f;
		enum sso_bad why;
		ProtobufCAllocator *a;

		zmq_msg_init(&msg);
		/* ROUTER: [routing id][frame]; DEALER: [frame] */
		while ((rc = zmq_msg_recv(&msg, z->sock, ZMQ_DONTWAIT)) >= 0) {
			parts++;
			zmq_getsockopt(z->sock, ZMQ_RCVMORE, &more, &ml);
			if (!more)
				break;
			zmq_msg_close(&msg);
			zmq_msg_init(&msg);
		}
		if (rc < 0) {
			zmq_msg_close(&msg);
			break;
		}
		c->st[l].rx_frames++;
		c->st[l].rx_bytes += zmq_msg_size(&msg);
		if (parts != (c->is_router[l] ? 2 : 1)) {
			sso_chan_bad(SSO_BAD_PARTS, NULL);
			zmq_msg_close(&msg);
			continue;
		}
		/* checkpoint frames: one arena for the frame and what the
		 * clients decode from it while applying (arena.c) */
		a = l == SSO_LINK_CF ? sso_arena_pb(&rx_arena) : NULL;
		f = sso_frame_decode_with(zmq_msg_data(&msg),
		    zmq_msg_size(&msg), &why, a);
		zmq_msg_close(&msg);
		if (f == NULL) {
			sso_arena_reset(&rx_arena);
			sso_chan_bad(why, link_names[l]);
			continue;
		}
		SSO_DEBUG(&dbg_chan, "CHAN", "rx %s (%s link) from unit %u "
		    "epoch %u", FRAME_NAME(f->type), link_names[l], f->unit,
		    f->epoch);
		if (a != NULL)
			sso_arena_set_current(&rx_arena);
		if (c->ops)
			c->ops->rx_frame(c->ops_arg, l, f);
		sso_arena_set_current(NULL);
		sso__frame__free_unpacked(f, a);
		sso_arena_reset(&rx_arena);
	}
}

static int
send_msg(enum sso_link l, zmq_msg_t *msg)
{
	struct sso_chan *c = &sso.chan;
	size_t len = zmq_msg_size(msg);

	if (c->is_router[l] && zmq_send(c->sock[l], c->peer_id[l],
	    strlen(c->peer_id[l]), ZMQ_SNDMORE | ZMQ_DONTWAIT) == -1) {
		c->st[l].tx_fail++;
		zmq_msg_close(msg);
		return -1;
	}
	if (zmq_msg_send(msg, c->sock[l], ZMQ_DONTWAIT) == -1) {
		c->st[l].tx_fail++;
		zmq_msg_close(msg);
		return -1;
	}
	c->st[l].tx_frames++;
	c->st[l].tx_bytes += len;
	return 0;
}

/* bytes already encoded (fault injection resends them) */
int
sso_chan_send_raw(enum sso_link l, const uint8_t *buf, size_t len)
{
	zmq_msg_t msg;

	if (sso.chan.sock[l] == NULL) {
		errno = ENOTCONN;
		return -1;
	}
	if (zmq_msg_init_size(&msg, len) == -1)
		return -1;
	memcpy(zmq_msg_data(&msg), buf, len);
	return send_msg(l, &msg);
}

/* the envelope (unit, epoch, boot id) is the sender's: sso_tx() */
int
sso_chan_send(enum sso_link l, Sso__Frame *f)
{
	zmq_msg_t msg;
	size_t len;
	int fault;

	/* an orderly stop follows: the liveness connection's end is none
	 * of a crash */
	if (f->type == SSO__FRAME_TYPE__FT_GOODBYE)
		sso_live_goodbye();
	if (sso.chan.sock[l] == NULL) {
		errno = ENOTCONN;
		return -1;
	}
	len = sso__frame__get_packed_size(f);
	if (zmq_msg_init_size(&msg, len) == -1)
		return -1;
	sso__frame__pack(f, zmq_msg_data(&msg));
	SSO_DEBUG(&dbg_chan, "CHAN", "tx %s (%s link), %zu bytes",
	    FRAME_NAME(f->type), link_names[l], len);
	if ((fault = sso_fault_frame(l, zmq_msg_data(&msg), len)) == 1) {
		zmq_msg_close(&msg);
		return 0;	/* "sent": lost on the way */
	}
	if (fault == 2)
		(void)sso_chan_send_raw(l, zmq_msg_data(&msg), len);
	return send_msg(l, &msg);
}

void
sso_chan_want_write(enum sso_link l, int on)
{
	sso.chan.ev[l].want_write = on;
}

static void
break_end_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	sso_log(SSO_NOTICE, "CHAN", "BREAK", "test hook: checkpoint link "
	    "restored");
	if (open_link(SSO_LINK_CF, 0) == -1)
		sso_fatal("cannot reopen the checkpoint link");
}

/* X25519(our secret, peer public): the same 32 octets on both units */
int
sso_chan_shared_key(uint8_t out[32])
{
	EVP_PKEY *me = NULL, *peer = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t len = 32;
	int rc = -1;

	if (!sso.conf.security) {
		/* no keys: beacons are checked for form only */
		sso_log(SSO_WARNING, "RF", "WITNESS", "security none: witness "
		    "beacons are not authenticated");
		memset(out, 0, 32);
		return 0;
	}
	if ((me = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL,
	    my_secret, 32)) != NULL &&
	    (peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL,
	    peer_public, 32)) != NULL &&
	    (ctx = EVP_PKEY_CTX_new(me, NULL)) != NULL &&
	    EVP_PKEY_derive_init(ctx) == 1 &&
	    EVP_PKEY_derive_set_peer(ctx, peer) == 1 &&
	    EVP_PKEY_derive(ctx, out, &len) == 1 && len == 32)
		rc = 0;
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer);
	EVP_PKEY_free(me);
	if (rc == -1)
		sso_log(SSO_ERR, "RF", "WITNESS", "cannot derive the witness "
		    "key from the CURVE keys");
	return rc;
}

static void
cut_end_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	sso_log(SSO_NOTICE, "CHAN", "CUT", "test hook: inter-RP links "
	    "restored");
	if (open_link(SSO_LINK_KA, 0) == -1 || open_link(SSO_LINK_CF, 0) == -1)
		sso_fatal("cannot reopen the inter-RP links");
}

/* test hook: the inter-RP link is cut (both connections) for ms */
void
sso_chan_cut(unsigned ms)
{
	sso_log(SSO_NOTICE, "CHAN", "CUT", "test hook: inter-RP links cut "
	    "for %u ms", ms);
	close_link(SSO_LINK_CF);
	close_link(SSO_LINK_KA);
	ev_timer_stop(sso.loop, &sso.chan.break_timer);
	ev_timer_init(&sso.chan.break_timer, cut_end_cb, ms / 1000.0, 0);
	ev_timer_start(sso.loop, &sso.chan.break_timer);
}

void
sso_chan_break(unsigned ms)
{
	sso_log(SSO_NOTICE, "CHAN", "BREAK", "test hook: checkpoint link "
	    "broken for %u ms", ms);
	close_link(SSO_LINK_CF);
	ev_timer_stop(sso.loop, &sso.chan.break_timer);
	ev_timer_init(&sso.chan.break_timer, break_end_cb, ms / 1000.0, 0);
	ev_timer_start(sso.loop, &sso.chan.break_timer);
}

int
sso_chan_open(void)
{
	struct sso_chan *c = &sso.chan;
	unsigned l;

	if (c->zctx == NULL)
		return -1;		/* sso_mgmt_open() creates it */
	sso_debug_register(&dbg_chan);
	if (sso.conf.security) {
		if (load_keys() == -1 || start_zap() == -1) {
			sso_log(SSO_CRIT, "CHAN", "SECURITY", "security setup "
			    "failed: refusing to run unprotected");
			return -1;
		}
	} else
		sso_log(SSO_WARNING, "CHAN", "INSECURE", "inter-RP links are "
		    "NOT authenticated or encrypted (security none)");
	if (open_link(SSO_LINK_KA, 0) == -1 || open_link(SSO_LINK_CF, 0) == -1)
		return -1;
	if (sso.conf.liveness && live_open() == -1)
		return -1;
	ev_timer_init(&c->mon_timer, mon_cb, 0.05, 0.05);
	ev_timer_start(sso.loop, &c->mon_timer);
	ev_timer_init(&c->stale_timer, stale_cb, 1.0, 1.0);
	ev_timer_start(sso.loop, &c->stale_timer);
	for (l = 0; l < SSO_LINK_MAX; l++) {
		ev_timer_init(&c->reopen_timer[l], reopen_cb, 0.0, 0.0);
		c->reopen_timer[l].data = (void *)(intptr_t)l;
	}
	return 0;
}

/* the liveness connection's key: the pair's X25519 key (zeros without
 * security, as the witness's) */
static int
live_open(void)
{
	uint8_t key[32];
	int rc;

	memset(key, 0, sizeof(key));
	if (sso.conf.security && sso_chan_shared_key(key) == -1)
		return -1;
	rc = sso_live_open(key);
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

void
sso_chan_close(void)
{
	unsigned l;

	for (l = 0; l < SSO_LINK_MAX; l++)
		ev_timer_stop(sso.loop, &sso.chan.reopen_timer[l]);
	sso_live_close();
	close_link(SSO_LINK_CF);
	close_link(SSO_LINK_KA);
}

/* the daemon's transport for rf.c and cf.c (struct sso_tx_ops) */
static int tx_send(void *arg, enum sso_link l, Sso__Frame *f)
{ (void)arg; return sso_chan_send(l, f); }
static void tx_want_write(void *arg, enum sso_link l, int on)
{ (void)arg; sso_chan_want_write(l, on); }
static int tx_is_open(void *arg, enum sso_link l)
{ (void)arg; return sso.chan.sock[l] != NULL; }
static void tx_brk(void *arg, unsigned ms) { (void)arg; sso_chan_break(ms); }
static void tx_cut(void *arg, unsigned ms) { (void)arg; sso_chan_cut(ms); }
static void tx_close(void *arg) { (void)arg; sso_chan_close(); }
static unsigned tx_live_port(void *arg) { (void)arg; return sso_live_port(); }
static void tx_live_peer(void *arg, unsigned port)
{ (void)arg; sso_live_peer_port(port); }

const struct sso_tx_ops sso_chan_tx = {
	.send = tx_send,
	.want_write = tx_want_write,
	.is_open = tx_is_open,
	.brk = tx_brk,
	.cut = tx_cut,
	.close = tx_close,
	.live_port = tx_live_port,
	.live_peer = tx_live_peer,
};
