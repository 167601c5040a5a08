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
 * Per packet: one TUN write and one TUN read, as ssod's data path does for
 * each reflected datagram, without its UDP socket, L2TP or PPP.
 *
 * Prints one JSON object.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

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
#define TUN_BATCH	64

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t
get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static unsigned
ip_csum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* the packet as l2tp-peer --ppp --reflector sends it (UDP checksum 0) */
static void
tun_build(uint8_t *pkt, size_t size, uint32_t src, uint32_t dst,
    unsigned port, uint64_t seq)
{
	size_t len = TUN_HDR + size;

	memset(pkt, 0, TUN_HDR);
	pkt[0] = 0x45;
	put16(pkt + 2, (unsigned)len);
	put16(pkt + 4, (unsigned)(seq & 0xffff));
	pkt[8] = 64;
	pkt[9] = 17;
	memcpy(pkt + 12, &src, 4);
	memcpy(pkt + 16, &dst, 4);
	put16(pkt + 10, ip_csum(pkt, 20));
	put16(pkt + 20, 40000);
	put16(pkt + 22, port);
	put16(pkt + 24, (unsigned)(size + 8));
	put64(pkt + TUN_HDR, seq);
	put64(pkt + TUN_HDR + 8, now_us());
}

struct tun_run {
	uint64_t	sent, received, bad, send_errors, rtt_sum_us;
};

/* read what is there: a reply is the right length, UDP from the
 * reflector's port, with a sequence number we sent */
static void
tun_drain(int fd, uint8_t *buf, size_t bufsz, size_t size, unsigned port,
    struct tun_run *r)
{
	ssize_t n;

	while ((n = read(fd, buf, bufsz)) > 0) {
		if ((size_t)n != TUN_HDR + size || buf[9] != 17 ||
		    (unsigned)(buf[20] << 8 | buf[21]) != port ||
		    get64(buf + TUN_HDR) >= r->sent) {
			r->bad++;
			continue;
		}
		r->received++;
		r->rtt_sum_us += now_us() - get64(buf + TUN_HDR + 8);
	}
}

static int
tun_open(const char *dev)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);

	if (fd == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
tun_main(int argc, char **argv)
{
	uint8_t pkt[1500], buf[2048];
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
	    size + TUN_HDR > (long)sizeof(pkt) || secs <= 0 || secs > 3600)
		return 2;
	if ((fd = tun_open(argv[2])) == -1) {
		fprintf(stderr, "sso-bench-raw: %s: %s\n", argv[2],
		    strerror(errno));
		return 1;
	}
	memset(pkt, 0xa5, sizeof(pkt));
	pfd.fd = fd;
	pfd.events = POLLIN;
	t0 = now_us();
	end = t0 + (uint64_t)(secs * 1e6);
	while ((t = now_us()) < end) {
		uint64_t due = (t - t0) * (uint64_t)rate / 1000000u + 1;

		for (int i = 0; r.sent < due && i < TUN_BATCH; i++) {
			tun_build(pkt, (size_t)size, src.s_addr, dst.s_addr,
			    (unsigned)port, r.sent);
			if (write(fd, pkt, TUN_HDR + (size_t)size) < 0)
				r.send_errors++;
			r.sent++;	/* offered: a failed write is a loss */
		}
		tun_drain(fd, buf, sizeof(buf), (size_t)size, (unsigned)port,
		    &r);
		if (r.sent >= due)
			(void)poll(&pfd, 1, 1);
	}
	for (t = now_us(); now_us() < t + 500000;) {
		(void)poll(&pfd, 1, 50);
		tun_drain(fd, buf, sizeof(buf), (size_t)size, (unsigned)port,
		    &r);
	}
	printf("{\"mode\":\"tun\",\"offered_pps\":%ld,\"size\":%ld,"
	    "\"seconds\":%.3f,\"sent\":%llu,\"received\":%llu,\"lost\":%llu,"
	    "\"bad\":%llu,\"send_errors\":%llu,\"rtt_avg_ms\":%.3f}\n", rate,
	    size, secs, (unsigned long long)r.sent,
	    (unsigned long long)r.received,
	    (unsigned long long)(r.sent > r.received ? r.sent - r.received : 0),
	    (unsigned long long)r.bad, (unsigned long long)r.send_errors,
	    r.received ? r.rtt_sum_us / 1000.0 / (double)r.received : 0);
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
