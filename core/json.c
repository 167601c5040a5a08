/*
 * json.c - minimal streaming JSON writer for show commands (--json).
 * Field names are stable snake_case; see README "JSON fields".
 */
#include <inttypes.h>
#include <stdio.h>

#include "cmd.h"

void
sso_json_init(struct sso_json *j, struct sso_wbuf *b)
{
	j->b = b;
	j->depth = 0;
	j->need_comma = 0;
}

static void
sep(struct sso_json *j)
{
	if (j->need_comma & (1u << j->depth))
		sso_wbuf_put_u8(j->b, ',');
	j->need_comma |= 1u << j->depth;
}

static void
open_(struct sso_json *j, char c)
{
	sep(j);
	sso_wbuf_put_u8(j->b, (uint8_t)c);
	j->depth++;
	j->need_comma &= ~(1u << j->depth);
}

static void
close_(struct sso_json *j, char c)
{
	j->depth--;
	sso_wbuf_put_u8(j->b, (uint8_t)c);
}

void sso_json_obj(struct sso_json *j) { open_(j, '{'); }
void sso_json_obj_end(struct sso_json *j) { close_(j, '}'); }
void sso_json_arr(struct sso_json *j) { open_(j, '['); }
void sso_json_arr_end(struct sso_json *j) { close_(j, ']'); }

/*
 * UTF-8 validation (RFC 3629 4, Unicode 15 table 3-7 "well-formed byte
 * sequences"). Peer-supplied strings (an L2TP Host Name, a PPP user name)
 * reach show output as raw bytes; one invalid byte would make the whole
 * reply invalid JSON (RFC 8259 8.1 requires UTF-8). Each ill-formed
 * sequence becomes one U+FFFD per "maximal subpart" (Unicode 3.9, U+FFFD
 * substitution of maximal subparts, as WHATWG's decoder and Python do):
 * the longest prefix that could start a well-formed sequence is replaced,
 * and decoding resumes at the first byte that broke it.
 *
 * utf8_len() returns the length of the well-formed sequence at s (> 0), or
 * minus the length of the maximal subpart to replace (< 0). s is
 * NUL-terminated and NUL is never a continuation byte, so a truncated
 * sequence stops at the terminator and never reads past it.
 */
static int
utf8_len(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	int n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong below U+0800 */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates U+D800-DFFF */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;	/* overlong below U+10000 */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else
		return -1;	/* 80-C1 (continuation, overlong lead), F5-FF */
	if (s[1] < lo || s[1] > hi)
		return -1;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return -i;
	return n;
}

static void
put_string(struct sso_wbuf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int n;

	sso_wbuf_put_u8(b, '"');
	while (s && *s) {
		unsigned char c = *s;

		n = utf8_len(s);
		if (n < 0) {
			/* U+FFFD REPLACEMENT CHARACTER */
			sso_wbuf_put(b, "\xef\xbf\xbd", 3);
			s += -n;
		} else if (n > 1) {
			sso_wbuf_put(b, s, (size_t)n);
			s += n;
		} else {
			if (c == '"' || c == '\\') {
				sso_wbuf_put_u8(b, '\\');
				sso_wbuf_put_u8(b, c);
			} else if (c < 0x20 || c == 0x7f)
				sso_wbuf_printf(b, "\\u%04x", c);
			else
				sso_wbuf_put_u8(b, c);
			s++;
		}
	}
	sso_wbuf_put_u8(b, '"');
}

void
sso_json_key(struct sso_json *j, const char *k)
{
	sep(j);
	put_string(j->b, k);
	sso_wbuf_put_u8(j->b, ':');
	/* the value that follows must not add a comma */
	j->need_comma &= ~(1u << j->depth);
}

void
sso_json_str(struct sso_json *j, const char *s)
{
	sep(j);
	if (s == NULL)
		sso_wbuf_printf(j->b, "null");
	else
		put_string(j->b, s);
}

void
sso_json_u64(struct sso_json *j, uint64_t v)
{
	sep(j);
	sso_wbuf_printf(j->b, "%" PRIu64, v);
}

void
sso_json_i64(struct sso_json *j, int64_t v)
{
	sep(j);
	sso_wbuf_printf(j->b, "%" PRId64, v);
}

void
sso_json_bool(struct sso_json *j, int v)
{
	sep(j);
	sso_wbuf_printf(j->b, "%s", v ? "true" : "false");
}

void
sso_json_null(struct sso_json *j)
{
	sep(j);
	sso_wbuf_printf(j->b, "null");
}

void
sso_json_kstr(struct sso_json *j, const char *k, const char *v)
{
	sso_json_key(j, k);
	sso_json_str(j, v);
}

void
sso_json_ku64(struct sso_json *j, const char *k, uint64_t v)
{
	sso_json_key(j, k);
	sso_json_u64(j, v);
}

void
sso_json_kbool(struct sso_json *j, const char *k, int v)
{
	sso_json_key(j, k);
	sso_json_bool(j, v);
}
