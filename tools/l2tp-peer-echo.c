/*
 * l2tp-peer-echo.c - the reflector of the PPP data path (--echo
 * ADDR:PORT): a UDP echo service. Every datagram goes back to its sender
 * unchanged, in batches of ECHO_BATCH (recvmmsg, then sendmmsg of the
 * same buffers with the senders as destinations), so one core keeps up
 * with well over 10^4 datagrams per second. Blocking, no event loop:
 * SIGINT/SIGTERM interrupt the wait, and it prints "echoed N" and exits.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "l2tp-peer.h"

#define ECHO_BATCH	64
#define ECHO_BUF	65536

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
say_ready(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char a[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET6) {
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->
			    sin6_addr, a, sizeof(a));
			port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		} else {
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->
			    sin_addr, a, sizeof(a));
			port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		}
	}
	fprintf(stderr, "ready echo=%s:%d\n", a, port);
	fflush(stderr);
}

int
peer_echo_run(const struct sockaddr_storage *bind_to, socklen_t len)
{
	static uint8_t buf[ECHO_BATCH][ECHO_BUF];
	static struct sockaddr_storage from[ECHO_BATCH];
	struct mmsghdr msg[ECHO_BATCH];
	struct iovec iov[ECHO_BATCH];
	struct sigaction sa;
	unsigned long long echoed = 0, errors = 0;
	int fd, n, i, sent, sz = 8 << 20;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: the wait ends */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if ((fd = socket(bind_to->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) ==
	    -1 || bind(fd, (const struct sockaddr *)bind_to, len) == -1) {
		fprintf(stderr, "l2tp-peer: --echo: %s\n", strerror(errno));
		return 1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	say_ready(fd);
	while (!stop) {
		memset(msg, 0, sizeof(msg));
		for (i = 0; i < ECHO_BATCH; i++) {
			iov[i].iov_base = buf[i];
			iov[i].iov_len = ECHO_BUF;
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
			msg[i].msg_hdr.msg_name = &from[i];
			msg[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
		/* block for the first, take what else is waiting */
		n = recvmmsg(fd, msg, ECHO_BATCH, MSG_WAITFORONE, NULL);
		if (n <= 0)
			continue;	/* EINTR (stop), or nothing */
		for (i = 0; i < n; i++)
			iov[i].iov_len = msg[i].msg_len;
		for (i = 0; i < n; i += sent) {
			sent = sendmmsg(fd, msg + i, (unsigned)(n - i), 0);
			if (sent <= 0) {	/* skip the one refused */
				errors++;
				sent = 1;
				continue;
			}
			echoed += (unsigned)sent;
		}
	}
	printf("echoed %llu\n", echoed);
	if (errors)
		printf("send errors %llu\n", errors);
	fflush(stdout);
	close(fd);
	return 0;
}
