/*
 * md5.h - MD5 over up to four byte strings (OpenSSL EVP), the one helper
 * behind L2TP hiding and CHAP (RFC 2661 4.3, RFC 1994 4.1), PPP CHAP and
 * the RADIUS authenticators (RFC 2865 3, 5.2). A part with length 0 is
 * skipped (its pointer may be NULL).
 */
#ifndef SSO_MD5_H
#define SSO_MD5_H

#include <stddef.h>
#include <stdint.h>

int	sso_md5(uint8_t out[16], const void *a, size_t alen, const void *b,
	    size_t blen, const void *c, size_t clen, const void *d,
	    size_t dlen);

#endif
