/*
 * witness.c - second evidence that the peer unit is alive, over the
 * service network, so that a cut inter-RP link is not taken for a dead
 * peer (RFC 7031 section 5: a network partition must not make both
 * units serve).
 *
 *   redundancy
 *    unit 0 witness 192.0.2.10 7410
 *    unit 1 witness 192.0.2.11 7410
 *
 * Each unit binds its own witness address (UDP) and sends a 64-octet
 * beacon to the peer's every keepalive interval: "SSOW", version, unit,
 * boot id, epoch, RF state, sequence, and an HMAC-SHA256 over them keyed
 * with the X25519 secret both units derive from their CURVE keys (so a
 * beacon cannot be forged by anyone without a unit's secret key). When
 * keepalives stop but beacons still arrive, the RF reports
 * "communication interrupted" and does not switch over.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sso_local.h"
#include "buf.h"

#define W_LEN		64
#define W_SIGNED	32
#define W_VERSION	1

static struct {
	int		 fd;
	ev_io		 io;
	uint8_t		 key[32];
	uint64_t	 seq;
	uint64_t	 last_rx_ms, peer_boot;
	uint64_t	 tx, rx, bad;
	struct sso_ratelimit rl;
} w = { .fd = -1 };

static int
sign(const uint8_t *msg, size_t len, uint8_t out[32])
{
	unsigned int olen = 32;

	return HMAC(EVP_sha256(), w.key, sizeof(w.key), msg, len, out,
	    &olen) == NULL ? -1 : 0;
}

static void
rx_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	uint8_t buf[W_LEN + 1], mac[32], magic[4], ver, unit, pad[2];
	uint64_t boot, seq;
	uint32_t epoch, state;
	struct sso_cur c;
	ssize_t n;
	int i;

	for (i = 0; i < 16; i++) {
		if ((n = recv(w.fd, buf, sizeof(buf), MSG_DONTWAIT)) < 0)
			return;
		sso_cur_init(&c, buf, (size_t)n);
		if (n != W_LEN || sso_cur_get_bytes(&c, magic, 4) == -1 ||
		    memcmp(magic, "SSOW", 4) != 0 ||
		    sso_cur_get_u8(&c, &ver) == -1 || ver != W_VERSION ||
		    sso_cur_get_u8(&c, &unit) == -1 ||
		    unit != !sso.conf.unit ||
		    sso_cur_get_bytes(&c, pad, 2) == -1 ||
		    sso_cur_get_u64(&c, &boot) == -1 ||
		    sso_cur_get_u32(&c, &epoch) == -1 ||
		    sso_cur_get_u32(&c, &state) == -1 ||
		    sso_cur_get_u64(&c, &seq) == -1 ||
		    sign(buf, W_SIGNED, mac) == -1 ||
		    CRYPTO_memcmp(mac, buf + W_SIGNED, 32) != 0) {
			w.bad++;
			sso_log_rl(&w.rl, SSO_WARNING, "RF", "WITNESS_BAD",
			    "dropped a witness beacon that does not verify");
			continue;
		}
		w.rx++;
		w.last_rx_ms = sso_now_ms();
		w.peer_boot = boot;
	}
}

void
sso_witness_send(void)
{
	struct sso_wbuf b;
	uint8_t mac[32];
	int errs = 0;

	if (w.fd == -1)
		return;
	sso_wbuf_init(&b, W_LEN);
	errs += sso_wbuf_put(&b, "SSOW", 4);
	errs += sso_wbuf_put_u8(&b, W_VERSION);
	errs += sso_wbuf_put_u8(&b, (uint8_t)sso.conf.unit);
	errs += sso_wbuf_put_u16(&b, 0);
	errs += sso_wbuf_put_u64(&b, sso.rf.boot_id);
	errs += sso_wbuf_put_u32(&b, sso.rf.epoch);
	errs += sso_wbuf_put_u32(&b, sso.rf.state);
	errs += sso_wbuf_put_u64(&b, ++w.seq);
	if (errs == 0 && sign(b.buf, b.len, mac) == 0 &&
	    sso_wbuf_put(&b, mac, sizeof(mac)) == 0 &&
	    sendto(w.fd, b.buf, b.len, MSG_DONTWAIT,
	    (struct sockaddr *)&sso.conf.witness[!sso.conf.unit],
	    sso.conf.witness_len[!sso.conf.unit]) == (ssize_t)b.len)
		w.tx++;
	sso_wbuf_free(&b);
}

int
sso_witness_peer_alive(void)
{
	uint64_t limit = (uint64_t)sso.conf.ka_interval *
	    sso.conf.ka_threshold;

	return w.fd != -1 && w.rx > 0 && w.peer_boot == sso.rf.peer_boot_id &&
	    sso_now_ms() - w.last_rx_ms <= limit;
}

void
sso_witness_counters(uint64_t *tx, uint64_t *rx, uint64_t *bad)
{
	*tx = w.tx;
	*rx = w.rx;
	*bad = w.bad;
}

int
sso_witness_open(void)
{
	const struct sockaddr *me =
	    (struct sockaddr *)&sso.conf.witness[sso.conf.unit];

	if (!sso.conf.witness_len[0] || !sso.conf.witness_len[1])
		return 0;
	if (sso_chan_shared_key(w.key) == -1)
		return -1;
	if ((w.fd = socket(me->sa_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1 ||
	    bind(w.fd, me, sso.conf.witness_len[sso.conf.unit]) == -1) {
		sso_log(SSO_ERR, "RF", "WITNESS", "cannot bind the witness "
		    "address: %s", strerror(errno));
		if (w.fd != -1)
			close(w.fd);
		w.fd = -1;
		return -1;
	}
	ev_io_init(&w.io, rx_cb, w.fd, EV_READ);
	ev_set_priority(&w.io, EV_MAXPRI);
	ev_io_start(sso.loop, &w.io);
	return 0;
}
