/*
 * tun.c - the TUN device and batch I/O. IFF_NO_PI: no 4-byte packet
 * information header, every read or write is exactly one IPv4 packet
 * (Documentation/networking/tuntap.rst). TUN has no recvmmsg, so a batch
 * is a loop of read()s into buffers allocated once by dp_batch_init().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_tun.h>

#include "dp.h"

int
dp_tun_open(const char *name, char *ifname)
{
	struct ifreq ifr;
	int fd, e;

	if (name && strlen(name) >= IFNAMSIZ)
		return errno = ENAMETOOLONG, -1;
	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	if (name)
		memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		e = errno;
		close(fd);
		return errno = e, -1;
	}
	if (ifname) {
		memcpy(ifname, ifr.ifr_name, IFNAMSIZ);
		ifname[IFNAMSIZ - 1] = '\0';
	}
	return fd;
}

int
dp_batch_init(struct dp_batch *b, unsigned cap, size_t bufsize)
{
	unsigned i;

	memset(b, 0, sizeof(*b));
	if (cap == 0 || bufsize == 0)
		return errno = EINVAL, -1;
	b->pkt = calloc(cap, sizeof(*b->pkt));
	b->mem = calloc(cap, bufsize);
	if (b->pkt == NULL || b->mem == NULL) {
		dp_batch_free(b);
		return errno = ENOMEM, -1;
	}
	for (i = 0; i < cap; i++)
		b->pkt[i].data = b->mem + (size_t)i * bufsize;
	b->cap = cap;
	b->bufsize = bufsize;
	return 0;
}

void
dp_batch_free(struct dp_batch *b)
{
	free(b->pkt);
	free(b->mem);
	memset(b, 0, sizeof(*b));
}

int
dp_tun_read_batch(int fd, struct dp_batch *b)
{
	ssize_t r;

	b->n = 0;
	while (b->n < b->cap) {
		r = read(fd, b->pkt[b->n].data, b->bufsize);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return b->n > 0 ? (int)b->n : -1;
		}
		if (r == 0)
			break;
		if ((size_t)r >= b->bufsize) {
			b->truncated++;	/* may have been cut: drop it */
			continue;
		}
		b->pkt[b->n++].len = (size_t)r;
	}
	return (int)b->n;
}

/* keep packets [from, n) at the front, each in its own buffer */
static void
keep_rest(struct dp_batch *b, unsigned from)
{
	unsigned i;

	for (i = 0; from + i < b->n; i++) {
		struct dp_pkt t = b->pkt[i];

		b->pkt[i] = b->pkt[from + i];
		b->pkt[from + i] = t;
	}
	b->n -= from;
}

int
dp_tun_write_batch(int fd, struct dp_batch *b)
{
	unsigned i = 0;
	ssize_t r;

	while (i < b->n) {
		r = write(fd, b->pkt[i].data, b->pkt[i].len);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			/* refused for good (EINVAL, EIO...): drop, not retry */
			b->write_errors++;
		}
		i++;
	}
	keep_rest(b, i);
	return (int)i;
}
