/*
 * udp.c - the datagram read loop shared by the client's sockets and the
 * RFC 5176 listener.
 */
#include <sys/socket.h>

#include "rad_local.h"

#define RAD_RECV_BURST	64

void
rad_udp_drain(int fd, rad_dgram_fn fn, void *arg)
{
	uint8_t buf[RAD_PKT_MAX];
	struct sockaddr_in from;
	socklen_t fl;
	ssize_t n;
	int i;

	for (i = 0; i < RAD_RECV_BURST; i++) {
		fl = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		    &fl);
		if (n < 0)
			return;
		if (fl == sizeof(from) && from.sin_family == AF_INET)
			fn(arg, buf, (size_t)n, &from);
	}
}
