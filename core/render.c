/*
 * render.c - field tables to aligned text, JSON and the detail form (see
 * render.h). Values are read from the row by offset and size only, so a
 * module's snapshot struct needs no accessor per column.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "render.h"

void
sso_render_init(struct sso_render *rd, struct sso_wbuf *b,
    struct sso_json *j)
{
	rd->b = b;
	rd->j = j;
}

void
sso_render_reply(struct sso_render *rd, struct sso_reply *r)
{
	/* the writer's state lives in the reply: a streamed reply's chunks
	 * are one document; it is set up by the first chunk only */
	if (r->json && r->j.b == NULL)
		sso_json_init(&r->j, &r->out);
	sso_render_init(rd, &r->out, r->json ? &r->j : NULL);
}

static uint64_t
get_uint(const struct sso_field *f, const void *row)
{
	const uint8_t *p = (const uint8_t *)row + f->off;
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64 = 0;

	switch (f->size) {
	case 1:
		memcpy(&v8, p, 1);
		return v8;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	case 4:
		memcpy(&v32, p, 4);
		return v32;
	case 8:
		memcpy(&v64, p, 8);
		return v64;
	default:
		return 0;
	}
}

/* the same bytes, sign-extended from their size */
static int64_t
get_int(const struct sso_field *f, const void *row)
{
	uint64_t u = get_uint(f, row);

	switch (f->size) {
	case 1:
		return (int8_t)u;
	case 2:
		return (int16_t)u;
	case 4:
		return (int32_t)u;
	default:
		return (int64_t)u;
	}
}

/* a char array of the row, NUL-terminated within its size or cut there */
static const char *
get_str(const struct sso_field *f, const void *row, char *buf, size_t len)
{
	const char *s = (const char *)row + f->off;
	size_t n = strnlen(s, f->size);

	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

static const char *
get_pstr(const struct sso_field *f, const void *row)
{
	const char *s;

	memcpy(&s, (const uint8_t *)row + f->off, sizeof(s));
	return s;
}

static const char *
get_ip(const struct sso_field *f, const void *row, char *buf, size_t len)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, (const uint8_t *)row + f->off,
	    f->size < sizeof(ss) ? f->size : sizeof(ss));
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
		    buf, (socklen_t)len);
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    buf, (socklen_t)len);
	else
		snprintf(buf, len, "-");
	return buf;
}

static const char *
enum_name(const struct sso_field *f, const void *row)
{
	const char *s = f->name ? f->name((unsigned)get_uint(f, row)) : NULL;

	return s ? s : "?";
}

const char *
sso_render_dur(char *buf, size_t len, uint64_t ms)
{
	uint64_t s = ms / 1000;

	snprintf(buf, len, "%" PRIu64 " days, %" PRIu64 " hours, %" PRIu64
	    " minutes, %" PRIu64 ".%03" PRIu64 " seconds", s / 86400,
	    s / 3600 % 24, s / 60 % 60, s % 60, ms % 1000);
	return buf;
}

const char *
sso_render_text(const struct sso_field *f, const void *row, char *buf,
    size_t len)
{
	const char *s;

	switch (f->type) {
	case SSO_FT_UINT:
		snprintf(buf, len, "%" PRIu64, get_uint(f, row));
		return buf;
	case SSO_FT_INT:
		snprintf(buf, len, "%" PRId64, get_int(f, row));
		return buf;
	case SSO_FT_STR:
		return get_str(f, row, buf, len);
	case SSO_FT_PSTR:
		s = get_pstr(f, row);
		return s ? s : "-";
	case SSO_FT_BOOL:
		if (f->name)
			return f->name(get_int(f, row) != 0);
		return get_int(f, row) ? "yes" : "no";
	case SSO_FT_ENUM:
		return enum_name(f, row);
	case SSO_FT_MS:
		snprintf(buf, len, "%" PRIu64 " ms", get_uint(f, row));
		return buf;
	case SSO_FT_IP:
		return get_ip(f, row, buf, len);
	case SSO_FT_HEX:
		snprintf(buf, len, "%016" PRIx64, get_uint(f, row));
		return buf;
	case SSO_FT_DUR:
		return sso_render_dur(buf, len, get_uint(f, row));
	case SSO_FT_FN:
		buf[0] = '\0';
		return f->get ? f->get(row, buf, len) : buf;
	default:
		return "";
	}
}

static void
json_value(struct sso_json *j, const struct sso_field *f, const void *row)
{
	char buf[256];

	switch (f->type) {
	case SSO_FT_UINT:
	case SSO_FT_MS:
	case SSO_FT_DUR:
		sso_json_u64(j, get_uint(f, row));
		return;
	case SSO_FT_INT:
		sso_json_i64(j, get_int(f, row));
		return;
	case SSO_FT_BOOL:
		sso_json_bool(j, get_int(f, row) != 0);
		return;
	case SSO_FT_PSTR:
		sso_json_str(j, get_pstr(f, row));
		return;
	case SSO_FT_STR:
		/* the whole array: no 255-byte cut for a long name */
		{
			const char *s = (const char *)row + f->off;
			char big[1024];
			size_t n = strnlen(s, f->size);

			if (n >= sizeof(big))
				n = sizeof(big) - 1;
			memcpy(big, s, n);
			big[n] = '\0';
			sso_json_str(j, big);
		}
		return;
	default:
		sso_json_str(j, sso_render_text(f, row, buf, sizeof(buf)));
		return;
	}
}

/* value into the text buffer, control characters as '?' */
static void
put_text(struct sso_wbuf *b, const char *s, int width, int trunc, int last)
{
	size_t n = strlen(s), i, w = (size_t)(width < 0 ? -width : width);

	if (trunc && n > w)
		n = w;
	if (width > 0)
		for (i = n; i < w; i++)
			sso_wbuf_put_u8(b, ' ');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		sso_wbuf_put_u8(b, c < 0x20 || c == 0x7f ? '?' : c);
	}
	if (width < 0 && !last)
		for (i = n; i < w; i++)
			sso_wbuf_put_u8(b, ' ');
}

static int
last_text(const struct sso_table *t)
{
	int i;

	for (i = (int)t->n - 1; i >= 0; i--)
		if (t->f[i].head != NULL)
			return i;
	return -1;
}

void
sso_table_head(struct sso_render *rd, const struct sso_table *t,
    const char *key)
{
	size_t i;
	int last = last_text(t), first = 1;

	if (rd->j) {
		if (key)
			sso_json_key(rd->j, key);
		sso_json_arr(rd->j);
		return;
	}
	for (i = 0; i < t->n; i++) {
		if (t->f[i].head == NULL)
			continue;
		if (!first)
			sso_wbuf_put_u8(rd->b, ' ');
		first = 0;
		put_text(rd->b, t->f[i].head, t->f[i].width, 0,
		    (int)i == last && !(t->f[i].flags & SSO_FLD_HEADPAD));
	}
	sso_wbuf_put_u8(rd->b, '\n');
}

/* the JSON members of a row (its json fields, in table order) */
static void
json_members(struct sso_json *j, const struct sso_table *t, const void *row)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (t->f[i].json == NULL)
			continue;
		sso_json_key(j, t->f[i].json);
		json_value(j, &t->f[i], row);
	}
}

void
sso_table_row(struct sso_render *rd, const struct sso_table *t,
    const void *row)
{
	sso_table_row_more(rd, t, row, NULL, NULL);
}

void
sso_table_row_more(struct sso_render *rd, const struct sso_table *t,
    const void *row, void (*more)(void *, struct sso_render *), void *arg)
{
	char buf[256];
	size_t i;
	int last = last_text(t), first = 1;

	if (rd->j) {
		sso_json_obj(rd->j);
		json_members(rd->j, t, row);
		if (more)
			more(arg, rd);
		sso_json_obj_end(rd->j);
		return;
	}
	for (i = 0; i < t->n; i++) {
		const struct sso_field *f = &t->f[i];

		if (f->head == NULL)
			continue;
		if (!first)
			sso_wbuf_put_u8(rd->b, ' ');
		first = 0;
		put_text(rd->b, sso_render_text(f, row, buf, sizeof(buf)),
		    f->width, f->flags & SSO_FLD_TRUNC, (int)i == last);
	}
	sso_wbuf_put_u8(rd->b, '\n');
	if (more)
		more(arg, rd);
}

void
sso_table_end(struct sso_render *rd, const struct sso_table *t)
{
	(void)t;
	if (rd->j)
		sso_json_arr_end(rd->j);
}

int
sso_render_show(struct sso_reply *r, const struct sso_table *t,
    const void *row)
{
	struct sso_render rd;

	sso_render_reply(&rd, r);
	if (rd.j)
		sso_json_obj(rd.j);
	sso_render_detail(&rd, t, row, NULL, NULL, NULL);
	if (rd.j)
		sso_json_obj_end(rd.j);
	return SSO_RC_OK;
}

void
sso_render_detail(struct sso_render *rd, const struct sso_table *t,
    const void *row, const char *key, const char *heading,
    const struct sso_detail_style *st)
{
	static const struct sso_detail_style plain = { "", 0 };
	char buf[256];
	const char *v;
	size_t i;

	if (st == NULL)
		st = &plain;
	if (rd->j) {
		if (key) {
			sso_json_key(rd->j, key);
			sso_json_obj(rd->j);
		}
		json_members(rd->j, t, row);
		if (key)
			sso_json_obj_end(rd->j);
		return;
	}
	if (heading)
		sso_wbuf_printf(rd->b, "%s\n", heading);
	for (i = 0; i < t->n; i++) {
		const struct sso_field *f = &t->f[i];

		if (f->head == NULL)
			continue;
		v = sso_render_text(f, row, buf, sizeof(buf));
		if ((f->flags & SSO_FLD_NOTEMPTY) && v[0] == '\0')
			continue;
		sso_wbuf_printf(rd->b, "%s", st->indent);
		/* put_text: a positive width pads on the left */
		put_text(rd->b, f->head, -st->labelw, 0, 0);
		sso_wbuf_put_u8(rd->b, ' ');
		put_text(rd->b, v, 0, 0, 1);
		sso_wbuf_put_u8(rd->b, '\n');
	}
}

struct sso_table
sso_counter_table(struct sso_field *f, const char *const *names, size_t n)
{
	struct sso_table t = { f, n };
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&f[i], 0, sizeof(f[i]));
		f[i].json = f[i].head = names[i];
		f[i].type = SSO_FT_UINT;
		f[i].off = i * sizeof(uint64_t);
		f[i].size = sizeof(uint64_t);
	}
	return t;
}

int
sso_render_result(struct sso_reply *r, const char *result, const char *fmt,
    ...)
{
	struct sso_render rd;
	char line[512];
	va_list ap;

	sso_render_reply(&rd, r);
	if (rd.j) {
		sso_json_obj(rd.j);
		sso_json_kstr(rd.j, "result", result);
		sso_json_obj_end(rd.j);
		return SSO_RC_OK;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	sso_wbuf_printf(rd.b, "%s", line);
	return SSO_RC_OK;
}

int
sso_render_debug(struct sso_reply *r, const char *facility, const char *kw,
    int on)
{
	struct sso_render rd;

	sso_render_reply(&rd, r);
	if (rd.j) {
		sso_json_obj(rd.j);
		sso_json_kstr(rd.j, "debug", kw);
		sso_json_kbool(rd.j, "on", on);
		sso_json_obj_end(rd.j);
	} else
		sso_wbuf_printf(rd.b, "%s %s debugging is %s\n", facility, kw,
		    on ? "true" : "false");
	return SSO_RC_OK;
}
