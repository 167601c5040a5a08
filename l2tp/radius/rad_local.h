/*
 * rad_local.h - librad internals shared by its files.
 */
#ifndef SSO_RAD_LOCAL_H
#define SSO_RAD_LOCAL_H

#include "md5.h"
#include "radius.h"

int	rad_hmac_md5(uint8_t out[16], const char *key, const void *buf,
	    size_t len);
int	rad_ct_equal(const void *a, const void *b, size_t n);

/* read up to a burst of IPv4 datagrams from a non-blocking socket, one
 * call of fn each (the loop's fairness: the rest waits for the next
 * wake-up) */
typedef void (*rad_dgram_fn)(void *arg, const uint8_t *, size_t,
    const struct sockaddr_in *from);
void	rad_udp_drain(int fd, rad_dgram_fn, void *arg);

#endif
