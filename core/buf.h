/*
 * buf.h - bounds-checked byte cursor (reader) and growable builder (writer).
 *
 * Wire bytes are read only through struct sso_cur: every getter returns -1
 * on short input and leaves the cursor where it was, so a parser can never
 * read past the end of a packet (STYLE.md 2). Builders accumulate errors:
 * errs += sso_wbuf_put_u16(b, v); check once at the end (STYLE.md 6).
 */
#ifndef SSO_BUF_H
#define SSO_BUF_H

#include <stddef.h>
#include <stdint.h>

struct sso_cur {
	const uint8_t	*p;
	size_t		 len;	/* bytes left */
};

static inline void
sso_cur_init(struct sso_cur *c, const void *p, size_t len)
{
	c->p = p;
	c->len = len;
}

int	sso_cur_get_u8(struct sso_cur *, uint8_t *);
int	sso_cur_get_u16(struct sso_cur *, uint16_t *);	/* network order */
int	sso_cur_get_u32(struct sso_cur *, uint32_t *);	/* network order */
int	sso_cur_get_u64(struct sso_cur *, uint64_t *);	/* network order */
int	sso_cur_get_bytes(struct sso_cur *, void *, size_t);
int	sso_cur_skip(struct sso_cur *, size_t);
/* split off the next n bytes as a sub-cursor */
int	sso_cur_sub(struct sso_cur *, size_t, struct sso_cur *);

struct sso_wbuf {
	uint8_t		*buf;
	size_t		 len;	/* bytes written */
	size_t		 cap;
	size_t		 max;	/* hard limit, 0 = none */
	int		 err;	/* sticky: set once a put failed */
};

void	sso_wbuf_init(struct sso_wbuf *, size_t max);
void	sso_wbuf_free(struct sso_wbuf *);
void	sso_wbuf_reset(struct sso_wbuf *);
int	sso_wbuf_reserve(struct sso_wbuf *, size_t);
int	sso_wbuf_put_u8(struct sso_wbuf *, uint8_t);
int	sso_wbuf_put_u16(struct sso_wbuf *, uint16_t);
int	sso_wbuf_put_u32(struct sso_wbuf *, uint32_t);
int	sso_wbuf_put_u64(struct sso_wbuf *, uint64_t);
int	sso_wbuf_put(struct sso_wbuf *, const void *, size_t);
/* overwrite a u16 already written at offset off (lengths known late) */
int	sso_wbuf_set_u16(struct sso_wbuf *, size_t off, uint16_t);
int	sso_wbuf_printf(struct sso_wbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* NUL-terminate without counting the NUL in len; returns the string */
const char *sso_wbuf_str(struct sso_wbuf *);

#endif
