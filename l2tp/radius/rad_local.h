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

#endif
