/*
 * md5.c - see md5.h.
 */
#include <openssl/evp.h>

#include "md5.h"

int
sso_md5(uint8_t out[16], const void *a, size_t alen, const void *b,
    size_t blen, const void *c, size_t clen, const void *d, size_t dlen)
{
	EVP_MD_CTX *x;
	unsigned int olen = 0;
	int ok;

	if ((x = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(x, EVP_md5(), NULL) == 1 &&
	    (alen == 0 || EVP_DigestUpdate(x, a, alen) == 1) &&
	    (blen == 0 || EVP_DigestUpdate(x, b, blen) == 1) &&
	    (clen == 0 || EVP_DigestUpdate(x, c, clen) == 1) &&
	    (dlen == 0 || EVP_DigestUpdate(x, d, dlen) == 1) &&
	    EVP_DigestFinal_ex(x, out, &olen) == 1 && olen == 16;
	EVP_MD_CTX_free(x);
	return ok ? 0 : -1;
}
