/*
 * sso-bench-raw - raw ZeroMQ baselines for sso-bench, measured on the same
 * machine, payloads and security setting as the checkpoint benchmarks.
 *
 *   sso-bench-raw push COUNT SIZE [curve]    PUSH -> PULL throughput
 *   sso-bench-raw reqrep COUNT SIZE [curve]  REQ <-> REP round trip
 *
 * Two processes (fork) over TCP on loopback, like the two ssod units.
 * Prints one JSON object.
 */
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

	if (argc < 4 || (strcmp(argv[1], "push") && strcmp(argv[1], "reqrep"))) {
		fprintf(stderr, "usage: sso-bench-raw {push|reqrep} COUNT SIZE "
		    "[curve]\n");
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
