/*
 * sso-bench-raw - raw ZeroMQ baselines for sso-bench, measured on the same
 * machine, payloads and security setting as the checkpoint benchmarks.
 *
 *   sso-bench-raw push COUNT SIZE [curve]    PUSH -> PULL throughput
 *   sso-bench-raw reqrep COUNT SIZE [curve]  REQ <-> REP round trip
 *
 * Two processes (fork) over TCP on loopback, like the two ssod units.
 *
 *   sso-bench-raw tun DEV SRC DST PORT RATE SIZE SECONDS
 *
 * The data-plane baseline of `sso-bench dataplane`: one TUN echo loop
 * without PPP or L2TP. IPv4/UDP packets from SRC to DST:PORT (an
 * `l2tp-peer --echo` reflector behind the kernel's routing), SIZE bytes of
 * UDP payload (sequence number, send time, fill: l2tp-peer's data frame),
 * are written to the existing TUN device DEV at RATE per second for
 * SECONDS, and the reflected packets read back from it; 500 ms of drain.
 * Before, uncounted, packets until one comes back (2 s at most).
 * Per packet: one TUN write and one TUN read in batches of 64 through
 * libdp's dp_tun_write_batch()/dp_tun_read_batch(), as ssod's data path
 * does for each reflected datagram, without its UDP socket, L2TP or PPP.
 *
 * Prints one JSON object.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "buf.h"
#include "dp.h"

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

static char srv_pub[41], srv_sec[41], cli_pub[41], cli_sec[41];

static void *
mksock(void *ctx, int type, int server, int curve)
{
	void *s = zmq_socket(ctx, type);
	int one = 1, hwm = 100000, linger = 0;

	zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof(hwm));
	zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof(hwm));
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
	if (curve && server) {
		zmq_setsockopt(s, ZMQ_CURVE_SERVER, &one, sizeof(one));
		zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, srv_sec, 40);
	} else if (curve) {
		zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, srv_pub, 40);
		zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, cli_pub, 40);
		zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, cli_sec, 40);
	}
	return s;
}

static int
cmpu(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* ---- tun: the data-plane baseline ---- */

#define TUN_HDR		28		/* IPv4 + UDP */
#define TUN_FRAME_HDR	16		/* sequence number, send time */
#define TUN_BATCH	64		/* ssod's batch: SUB_BATCH */

/* the packet as l2tp-peer --ppp --reflector sends it, UDP checksum 0
 * (RFC 768: none) */
static int
tun_build(struct sso_wbuf *w, const uint8_t *fill, size_t size,
    uint32_t src, uint32_t dst, uint16_t port, uint64_t seq)
{
	int errs = 0;

	sso_wbuf_reset(w);
	errs += sso_wbuf_put_u8(w, 0x45);
	errs += sso_wbuf_put_u8(w, 0);
	errs += sso_wbuf_put_u16(w, (uint16_t)(TUN_HDR + size));
	errs += sso_wbuf_put_u16(w, (uint16_t)seq);
	errs += sso_wbuf_put_u16(w, 0);
	errs += sso_wbuf_put_u8(w, 64);
	errs += sso_wbuf_put_u8(w, 17);
	errs += sso_wbuf_put_u16(w, 0);		/* checksum, below */
	errs += sso_wbuf_put_u32(w, src);
	errs += sso_wbuf_put_u32(w, dst);
	errs += sso_wbuf_put_u16(w, port);
	errs += sso_wbuf_put_u16(w, port);
	errs += sso_wbuf_put_u16(w, (uint16_t)(size + 8));
	errs += sso_wbuf_put_u16(w, 0);
	errs += sso_wbuf_put_u64(w, seq);
	errs += sso_wbuf_put_u64(w, now_us());
	errs += sso_wbuf_put(w, fill, size - TUN_FRAME_HDR);
	if (errs)
		return -1;
	return sso_wbuf_set_u16(w, 10, dp_csum(w->buf, 20));
}

struct tun_run {
	uint64_t	sent, received, bad, send_errors, rtt_sum_us;
};

/* a reply: IPv4/UDP from the reflector's port, our length, a sequence
 * number we sent */
static void
tun_reply(const uint8_t *pkt, size_t len, size_t size, uint16_t port,
    struct tun_run *r)
{
	struct sso_cur c;
	uint8_t vhl, proto;
	uint16_t sport;
	uint64_t seq, ts;

	sso_cur_init(&c, pkt, len);
	if (len != TUN_HDR + size || sso_cur_get_u8(&c, &vhl) == -1 ||
	    vhl != 0x45 || sso_cur_skip(&c, 8) == -1 ||
	    sso_cur_get_u8(&c, &proto) == -1 || proto != 17 ||
	    sso_cur_skip(&c, 10) == -1 || sso_cur_get_u16(&c, &sport) == -1 ||
	    sport != port || sso_cur_skip(&c, 6) == -1 ||
	    sso_cur_get_u64(&c, &seq) == -1 || sso_cur_get_u64(&c, &ts) == -1 ||
	    seq >= r->sent) {
		r->bad++;
		return;
	}
	r->received++;
	r->rtt_sum_us += now_us() - ts;
}

static void
tun_drain(int fd, struct dp_batch *in, size_t size, uint16_t port,
    struct tun_run *r)
{
	while (dp_tun_read_batch(fd, in) > 0)
		for (unsigned i = 0; i < in->n; i++)
			tun_reply(in->pkt[i].data, in->pkt[i].len, size, port, r);
}

/* up to TUN_BATCH packets due by now, written as one batch */
static int
tun_send(int fd, struct dp_batch *out, struct sso_wbuf *w,
    const uint8_t *fill, size_t size, uint32_t src, uint32_t dst,
    uint16_t port, uint64_t due, struct tun_run *r)
{
	out->n = 0;
	while (r->sent < due && out->n < out->cap) {
		if (tun_build(w, fill, size, src, dst, port, r->sent) == -1)
			return -1;
		memcpy(out->pkt[out->n].data, w->buf, w->len);
		out->pkt[out->n++].len = w->len;
		r->sent++;		/* offered: a packet not taken is lost */
	}
	if (out->n > 0 && dp_tun_write_batch(fd, out) >= 0)
		r->send_errors += out->n;	/* the rest stay: dropped */
	r->send_errors += out->write_errors;
	out->write_errors = 0;
	return 0;
}

/*
 * Until one packet comes back (2 s at most), not counted: the kernel
 * activates a TUN device's queue only some time after a reader attaches
 * (link watch), and replies dropped before that are the bed's, not the
 * loop's.
 */
static int
tun_warmup(int fd, struct dp_batch *in, struct dp_batch *out,
    struct sso_wbuf *w, const uint8_t *fill, size_t size, uint32_t src,
    uint32_t dst, uint16_t port)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct tun_run r = { 0 };
	uint64_t t0 = now_us();

	while (r.received == 0 && now_us() < t0 + 2000000) {
		if (tun_send(fd, out, w, fill, size, src, dst, port, r.sent + 1,
		    &r) == -1)
			return -1;
		(void)poll(&pfd, 1, 10);
		tun_drain(fd, in, size, port, &r);
	}
	if (r.received == 0)
		return -1;
	for (t0 = now_us(); now_us() < t0 + 100000;) {	/* the late ones */
		(void)poll(&pfd, 1, 20);
		tun_drain(fd, in, size, port, &r);
	}
	return 0;
}

static int
tun_main(int argc, char **argv)
{
	static uint8_t fill[1500];
	struct dp_batch in, out;
	struct sso_wbuf w;
	struct tun_run r = { 0 };
	struct in_addr src, dst;
	long port, rate, size;
	double secs;
	uint64_t t0, t, end;
	struct pollfd pfd;
	int fd;

	if (argc != 9 || inet_pton(AF_INET, argv[3], &src) != 1 ||
	    inet_pton(AF_INET, argv[4], &dst) != 1) {
		fprintf(stderr, "usage: sso-bench-raw tun DEV SRC DST PORT RATE "
		    "SIZE SECONDS\n");
		return 2;
	}
	port = atol(argv[5]);
	rate = atol(argv[6]);
	size = atol(argv[7]);
	secs = atof(argv[8]);
	if (port <= 0 || port > 65535 || rate <= 0 || size < TUN_FRAME_HDR ||
	    size + TUN_HDR > (long)sizeof(fill) || secs <= 0 || secs > 3600)
		return 2;
	if ((fd = dp_tun_open(argv[2], NULL)) == -1) {
		fprintf(stderr, "sso-bench-raw: %s: %s\n", argv[2],
		    strerror(errno));
		return 1;
	}
	memset(fill, 0xa5, sizeof(fill));
	sso_wbuf_init(&w, sizeof(fill));
	if (dp_batch_init(&in, TUN_BATCH, 2048) == -1 ||
	    dp_batch_init(&out, TUN_BATCH, 2048) == -1)
		return 1;
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (tun_warmup(fd, &in, &out, &w, fill, (size_t)size,
	    ntohl(src.s_addr), ntohl(dst.s_addr), (uint16_t)port) == -1) {
		fprintf(stderr, "sso-bench-raw: nothing came back from %s in "
		    "2 s\n", argv[4]);
		return 1;
	}
	t0 = now_us();
	end = t0 + (uint64_t)(secs * 1e6);
	while ((t = now_us()) < end) {
		uint64_t due = (t - t0) * (uint64_t)rate / 1000000u + 1;

		if (tun_send(fd, &out, &w, fill, (size_t)size,
		    ntohl(src.s_addr), ntohl(dst.s_addr), (uint16_t)port, due,
		    &r) == -1)
			return 1;
		tun_drain(fd, &in, (size_t)size, (uint16_t)port, &r);
		if (r.sent >= due)
			(void)poll(&pfd, 1, 1);
	}
	for (t = now_us(); now_us() < t + 500000;) {
		(void)poll(&pfd, 1, 50);
		tun_drain(fd, &in, (size_t)size, (uint16_t)port, &r);
	}
	printf("{\"mode\":\"tun\",\"offered_pps\":%ld,\"size\":%ld,"
	    "\"seconds\":%.3f,\"sent\":%llu,\"received\":%llu,\"lost\":%llu,"
	    "\"bad\":%llu,\"send_errors\":%llu,\"rtt_avg_ms\":%.3f}\n", rate,
	    size, secs, (unsigned long long)r.sent,
	    (unsigned long long)r.received,
	    (unsigned long long)(r.sent > r.received ? r.sent - r.received : 0),
	    (unsigned long long)r.bad, (unsigned long long)r.send_errors,
	    r.received ? r.rtt_sum_us / 1000.0 / (double)r.received : 0);
	dp_batch_free(&in);
	dp_batch_free(&out);
	sso_wbuf_free(&w);
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	char ep[256], *buf;
	long count, size;
	int curve, fds[2], st, tmo = 30000;
	size_t eplen;
	struct pollfd pfd;
	pid_t pid;
	void *ctx, *s;
	uint64_t t0, t1;

	if (argc > 1 && strcmp(argv[1], "tun") == 0)
		return tun_main(argc, argv);
	if (argc < 4 || (strcmp(argv[1], "push") && strcmp(argv[1], "reqrep"))) {
		fprintf(stderr, "usage: sso-bench-raw {push|reqrep} COUNT SIZE "
		    "[curve]\n       sso-bench-raw tun DEV SRC DST PORT RATE "
		    "SIZE SECONDS\n");
		return 2;
	}
	count = atol(argv[2]);
	size = atol(argv[3]);
	curve = argc > 4 && strcmp(argv[4], "curve") == 0;
	if (count <= 0 || size <= 0 || size > (1 << 20))
		return 2;
	zmq_curve_keypair(srv_pub, srv_sec);
	zmq_curve_keypair(cli_pub, cli_sec);
	buf = calloc(1, (size_t)size);
	if (pipe(fds) == -1 || buf == NULL)
		return 1;
	if ((pid = fork()) == 0) {
		/* receiver / replier */
		ctx = zmq_ctx_new();
		s = mksock(ctx, strcmp(argv[1], "push") == 0 ? ZMQ_PULL :
		    ZMQ_REP, 1, curve);
		/* an ephemeral port: no collision with anything running */
		zmq_setsockopt(s, ZMQ_RCVTIMEO, &tmo, sizeof(tmo));
		eplen = sizeof(ep);
		if (zmq_bind(s, "tcp://127.0.0.1:*") == -1 ||
		    zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, ep, &eplen) == -1)
			_exit(1);
		if (write(fds[1], ep, sizeof(ep)) != (ssize_t)sizeof(ep))
			_exit(1);
		for (long i = 0; i < count; i++) {
			if (zmq_recv(s, buf, (size_t)size, 0) < 0)
				_exit(1);	/* 30 s of silence: give up */
			if (strcmp(argv[1], "reqrep") == 0)
				zmq_send(s, buf, (size_t)size, 0);
		}
		if (write(fds[1], "d", 1) != 1)
			_exit(1);
		zmq_close(s);
		zmq_ctx_term(ctx);
		_exit(0);
	}
	if (read(fds[0], ep, sizeof(ep)) != (ssize_t)sizeof(ep)) {
		fprintf(stderr, "sso-bench-raw: receiver did not start\n");
		return 1;
	}
	ep[sizeof(ep) - 1] = '\0';
	close(fds[1]);		/* EOF on the pipe if the receiver dies */
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	ctx = zmq_ctx_new();
	if (strcmp(argv[1], "push") == 0) {
		s = mksock(ctx, ZMQ_PUSH, 0, curve);
		zmq_connect(s, ep);
		/* warm up the connection (handshake) outside the timing */
		zmq_send(s, buf, (size_t)size, 0);
		t0 = now_us();
		for (long i = 1; i < count; i++)
			zmq_send(s, buf, (size_t)size, 0);
		if (poll(&pfd, 1, 120000) != 1 || read(fds[0], buf, 1) != 1) {
			fprintf(stderr, "sso-bench-raw: receiver failed\n");
			kill(pid, SIGKILL);
			return 1;
		}
		t1 = now_us();
		printf("{\"mode\":\"push\",\"records\":%ld,\"size\":%ld,"
		    "\"curve\":%s,\"elapsed_us\":%llu,\"records_per_sec\":%.0f}\n",
		    count, size, curve ? "true" : "false",
		    (unsigned long long)(t1 - t0),
		    (count - 1) * 1e6 / (double)(t1 - t0 ? t1 - t0 : 1));
	} else {
		uint32_t *lat = calloc((size_t)count, sizeof(*lat));

		s = mksock(ctx, ZMQ_REQ, 0, curve);
		zmq_setsockopt(s, ZMQ_RCVTIMEO, &tmo, sizeof(tmo));
		zmq_connect(s, ep);
		t0 = now_us();
		for (long i = 0; i < count; i++) {
			uint64_t a = now_us();

			zmq_send(s, buf, (size_t)size, 0);
			if (zmq_recv(s, buf, (size_t)size, 0) < 0) {
				fprintf(stderr, "sso-bench-raw: no reply\n");
				kill(pid, SIGKILL);
				return 1;
			}
			lat[i] = (uint32_t)(now_us() - a);
		}
		t1 = now_us();
		/* the first round trip includes the handshake: drop it */
		qsort(lat + 1, (size_t)count - 1, sizeof(*lat), cmpu);
		printf("{\"mode\":\"reqrep\",\"records\":%ld,\"size\":%ld,"
		    "\"curve\":%s,\"elapsed_us\":%llu,\"p50_us\":%u,\"p99_us\":%u,"
		    "\"p999_us\":%u,\"max_us\":%u}\n", count, size,
		    curve ? "true" : "false", (unsigned long long)(t1 - t0),
		    lat[1 + (count - 1) / 2], lat[1 + (count - 1) * 99 / 100],
		    lat[1 + (count - 1) * 999 / 1000], lat[count - 1]);
		free(lat);
	}
	zmq_close(s);
	zmq_ctx_term(ctx);
	waitpid(pid, &st, 0);
	free(buf);
	return 0;
}
