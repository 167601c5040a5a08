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

static void
put_string(struct sso_wbuf *b, const char *s)
{
	sso_wbuf_put_u8(b, '"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			sso_wbuf_put_u8(b, '\\');
			sso_wbuf_put_u8(b, c);
		} else if (c < 0x20)
			sso_wbuf_printf(b, "\\u%04x", c);
		else
			sso_wbuf_put_u8(b, c);
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
