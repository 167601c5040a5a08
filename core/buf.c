/*
 * buf.c - bounds-checked cursor and builder, see buf.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

int
sso_cur_get_bytes(struct sso_cur *c, void *dst, size_t n)
{
	if (c->len < n)
		return -1;
	if (n > 0)
		memcpy(dst, c->p, n);
	c->p += n;
	c->len -= n;
	return 0;
}

int
sso_cur_skip(struct sso_cur *c, size_t n)
{
	if (c->len < n)
		return -1;
	c->p += n;
	c->len -= n;
	return 0;
}

int
sso_cur_sub(struct sso_cur *c, size_t n, struct sso_cur *sub)
{
	if (c->len < n)
		return -1;
	sso_cur_init(sub, c->p, n);
	c->p += n;
	c->len -= n;
	return 0;
}

int
sso_cur_get_u8(struct sso_cur *c, uint8_t *v)
{
	return sso_cur_get_bytes(c, v, 1);
}

int
sso_cur_get_u16(struct sso_cur *c, uint16_t *v)
{
	uint8_t b[2];

	if (sso_cur_get_bytes(c, b, sizeof(b)) == -1)
		return -1;
	*v = (uint16_t)(b[0] << 8 | b[1]);
	return 0;
}

int
sso_cur_get_u32(struct sso_cur *c, uint32_t *v)
{
	uint8_t b[4];

	if (sso_cur_get_bytes(c, b, sizeof(b)) == -1)
		return -1;
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
	return 0;
}

int
sso_cur_get_u64(struct sso_cur *c, uint64_t *v)
{
	uint32_t hi, lo;
	struct sso_cur save = *c;

	if (sso_cur_get_u32(c, &hi) == -1 || sso_cur_get_u32(c, &lo) == -1) {
		*c = save;
		return -1;
	}
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

void
sso_wbuf_init(struct sso_wbuf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void
sso_wbuf_free(struct sso_wbuf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
}

void
sso_wbuf_reset(struct sso_wbuf *b)
{
	b->len = 0;
	b->err = 0;
}

int
sso_wbuf_reserve(struct sso_wbuf *b, size_t n)
{
	size_t ncap;
	uint8_t *nb;

	if (b->err)
		return -1;
	if (n > SIZE_MAX - b->len - 1 || (b->max && b->len + n > b->max)) {
		b->err = 1;
		return -1;
	}
	if (b->len + n + 1 <= b->cap)	/* +1 keeps room for sso_wbuf_str */
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < b->len + n + 1)
		ncap *= 2;
	if ((nb = realloc(b->buf, ncap)) == NULL) {
		b->err = 1;
		return -1;
	}
	b->buf = nb;
	b->cap = ncap;
	return 0;
}

int
sso_wbuf_put(struct sso_wbuf *b, const void *p, size_t n)
{
	if (sso_wbuf_reserve(b, n) == -1)
		return -1;
	if (n > 0)
		memcpy(b->buf + b->len, p, n);
	b->len += n;
	return 0;
}

int
sso_wbuf_put_u8(struct sso_wbuf *b, uint8_t v)
{
	return sso_wbuf_put(b, &v, 1);
}

int
sso_wbuf_put_u16(struct sso_wbuf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return sso_wbuf_put(b, x, sizeof(x));
}

int
sso_wbuf_put_u32(struct sso_wbuf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	return sso_wbuf_put(b, x, sizeof(x));
}

int
sso_wbuf_put_u64(struct sso_wbuf *b, uint64_t v)
{
	int errs = 0;

	errs += sso_wbuf_put_u32(b, (uint32_t)(v >> 32));
	errs += sso_wbuf_put_u32(b, (uint32_t)v);
	return errs ? -1 : 0;
}

int
sso_wbuf_set_u16(struct sso_wbuf *b, size_t off, uint16_t v)
{
	if (b->err || off > b->len || b->len - off < 2)
		return -1;
	b->buf[off] = (uint8_t)(v >> 8);
	b->buf[off + 1] = (uint8_t)v;
	return 0;
}

int
sso_wbuf_printf(struct sso_wbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || sso_wbuf_reserve(b, (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	vsnprintf((char *)b->buf + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

const char *
sso_wbuf_str(struct sso_wbuf *b)
{
	if (sso_wbuf_reserve(b, 0) == -1 && b->buf == NULL)
		return "";
	b->buf[b->len] = '\0';
	return (const char *)b->buf;
}
