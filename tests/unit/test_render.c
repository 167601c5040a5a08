/*
 * test_render.c - the one renderer (core/render.c): text alignment, JSON
 * names and values, the detail form, awkward strings, and streamed
 * replies: every chunk size gives the same output as one whole reply;
 * command classes and the read-only refusal.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "render.h"

struct row {
	uint16_t	 id;
	uint32_t	 count;
	int32_t		 delta;
	char		 name[16];
	const char	*note;
	int		 up;
	unsigned	 state;
	uint64_t	 age_ms;
	uint64_t	 digest;
	struct sockaddr_storage addr;
};

static const char *
state_name(unsigned v)
{
	static const char *const n[] = { "idle", "established" };

	return v < 2 ? n[v] : NULL;
}

static const char *
pair_fn(const void *row, char *buf, size_t len)
{
	const struct row *r = row;

	snprintf(buf, len, "%u/%u", r->id, r->count);
	return buf;
}

static const struct sso_field fields[] = {
	SSO_F_UINT(struct row, id, "id", "ID", -5),
	SSO_F_STR(struct row, name, "name", "Name", -6),
	SSO_F_UINT(struct row, count, "count", "Count", 6),
	SSO_F_INT(struct row, delta, "delta", "Delta", 6),
	SSO_F_ENUM(struct row, state, "state", "State", -11, state_name),
	SSO_F_BOOL(struct row, up, "up", "Up", -3),
	SSO_F_MS(struct row, age_ms, "age_ms", NULL, 0),
	SSO_F_HEX(struct row, digest, "digest", NULL, 0),
	SSO_F_IP(struct row, addr, "address", "Address", -9),
	SSO_F_FN(NULL, "Id/Cnt", 7, pair_fn),
	SSO_F_PSTR(struct row, note, "note", "Note", -4),
};
static const struct sso_table table = SSO_TABLE(fields);

static struct row rows[5];	/* five sample rows */

static void
make_rows(void)
{
	size_t i;

	memset(rows, 0, sizeof(rows));
	for (i = 0; i < 5; i++) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&rows[i].addr;

		rows[i].id = (uint16_t)(i + 1);
		rows[i].count = (uint32_t)(i * 1000);
		rows[i].delta = -(int32_t)i;
		snprintf(rows[i].name, sizeof(rows[i].name), "n%zu", i);
		rows[i].note = i % 2 ? "odd" : NULL;
		rows[i].up = (int)(i % 2);
		rows[i].state = (unsigned)(i % 3);	/* 2 has no name */
		rows[i].age_ms = i * 10;
		rows[i].digest = 0xabcdefULL + i;
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(0x7f000001u + (uint32_t)i);
	}
}

static void
test_text(void)
{
	struct sso_wbuf b;
	struct sso_render rd;

	make_rows();
	sso_wbuf_init(&b, 0);
	sso_render_init(&rd, &b, NULL);
	sso_table_head(&rd, &table, NULL);
	sso_table_row(&rd, &table, &rows[1]);
	sso_table_row(&rd, &table, &rows[2]);
	sso_table_end(&rd, &table);
	CU_ASSERT_STRING_EQUAL(sso_wbuf_str(&b),
	    "ID    Name    Count  Delta State       Up  Address    Id/Cnt Note\n"
	    "2     n1       1000     -1 established yes 127.0.0.2  2/1000 odd\n"
	    "3     n2       2000     -2 ?           no  127.0.0.3  3/2000 -\n");
	sso_wbuf_free(&b);
}

static void
test_json(void)
{
	struct sso_wbuf b;
	struct sso_json j;
	struct sso_render rd;

	make_rows();
	sso_wbuf_init(&b, 0);
	sso_json_init(&j, &b);
	sso_render_init(&rd, &b, &j);
	sso_json_obj(&j);
	sso_json_ku64(&j, "total", 2);
	sso_table_head(&rd, &table, "rows");
	sso_table_row(&rd, &table, &rows[1]);
	sso_table_row(&rd, &table, &rows[2]);
	sso_table_end(&rd, &table);
	sso_json_obj_end(&j);
	CU_ASSERT_STRING_EQUAL(sso_wbuf_str(&b),
	    "{\"total\":2,\"rows\":["
	    "{\"id\":2,\"name\":\"n1\",\"count\":1000,\"delta\":-1,"
	    "\"state\":\"established\",\"up\":true,\"age_ms\":10,"
	    "\"digest\":\"0000000000abcdf0\",\"address\":\"127.0.0.2\","
	    "\"note\":\"odd\"},"
	    "{\"id\":3,\"name\":\"n2\",\"count\":2000,\"delta\":-2,"
	    "\"state\":\"?\",\"up\":false,\"age_ms\":20,"
	    "\"digest\":\"0000000000abcdf1\",\"address\":\"127.0.0.3\","
	    "\"note\":null}]}");
	sso_wbuf_free(&b);
}

static void
test_detail(void)
{
	static const struct sso_detail_style st = { "  ", 8 };
	struct sso_wbuf b;
	struct sso_json j;
	struct sso_render rd;

	make_rows();
	sso_wbuf_init(&b, 0);
	sso_render_init(&rd, &b, NULL);
	sso_render_detail(&rd, &table, &rows[3], NULL, "Row:", &st);
	CU_ASSERT_STRING_EQUAL(sso_wbuf_str(&b), "Row:\n"
	    "  ID       4\n  Name     n3\n  Count    3000\n  Delta    -3\n"
	    "  State    idle\n  Up       yes\n  Address  127.0.0.4\n"
	    "  Id/Cnt   4/3000\n  Note     odd\n");
	sso_wbuf_reset(&b);
	sso_json_init(&j, &b);
	sso_render_init(&rd, &b, &j);
	sso_json_obj(&j);
	sso_render_detail(&rd, &table, &rows[0], "first", "ignored", &st);
	sso_json_obj_end(&j);
	CU_ASSERT_STRING_EQUAL(sso_wbuf_str(&b), "{\"first\":{\"id\":1,"
	    "\"name\":\"n0\",\"count\":0,\"delta\":0,\"state\":\"idle\","
	    "\"up\":false,\"age_ms\":0,\"digest\":\"0000000000abcdef\","
	    "\"address\":\"127.0.0.1\",\"note\":null}}");
	sso_wbuf_free(&b);
}

/* the IOS forms: right-aligned "label = value", uptimes, lines left out
 * when empty, indented tables, a row's own lines / members, counters */
struct ios_row {
	unsigned	 unit;
	uint64_t	 up_ms;
	int		 on;
	const char	*why;
	uint64_t	 ctr[2];
};

static const char *
on_off(unsigned v)
{
	return v ? "Enabled" : "Disabled";
}

static const struct sso_field ios_fields[] = {
	SSO_F_UINT(struct ios_row, unit, "unit", "Unit =", 0),
	SSO_F_DUR(struct ios_row, up_ms, "uptime_ms", "Uptime =", 0),
	SSO_F_BOOLN(struct ios_row, on, "on", "A much longer label =", 0,
	    on_off),
	{ .json = "why", .head = "Not HOT because =", .type = SSO_FT_PSTR,
	  .flags = SSO_FLD_NOTEMPTY, .off = offsetof(struct ios_row, why),
	  .size = sizeof(const char *) },
};
static const struct sso_table ios_table = SSO_TABLE(ios_fields);
/* indented by two, the header padded to its last column's width */
static const struct sso_field ios_line_fields[] = {
	SSO_F_INDENT,
	SSO_F_UINT(struct ios_row, unit, "unit", "Unit", -5),
	{ .json = "why", .head = "Why", .width = -6, .type = SSO_FT_PSTR,
	  .flags = SSO_FLD_HEADPAD, .off = offsetof(struct ios_row, why),
	  .size = sizeof(const char *) },
};
static const struct sso_table ios_line = SSO_TABLE(ios_line_fields);

static void
ios_more(void *arg, struct sso_render *rd)
{
	if (rd->j)
		sso_json_kstr(rd->j, "more", arg);
	else
		sso_wbuf_printf(rd->b, "  more: %s\n", (const char *)arg);
}

static void
test_ios_forms(void)
{
	static const struct sso_detail_style st = { "", -10 };
	static const char *const names[] = { "sent", "received_late" };
	struct ios_row v = { 3, 90061001, 0, "", { 7, 8 } };
	struct sso_field f[2];
	struct sso_table ct;
	struct sso_wbuf b;
	struct sso_json j;
	struct sso_render rd;
	struct sso_reply r;

	sso_wbuf_init(&b, 0);
	sso_render_init(&rd, &b, NULL);
	sso_render_detail(&rd, &ios_table, &v, NULL, NULL, &st);
	/* labels right-aligned to 8, a longer one not cut; no empty line */
	CU_ASSERT_STRING_EQUAL(sso_wbuf_str(&b), "    Unit = 3\n"
	    "  Uptime = 1 days, 1 hours, 1 minutes, 1.001 seconds\n"
	    "A much longer label = Disabled\n");
	sso_wbuf_reset(&b);
	v.why = "config differs";
	v.on = 1;
	sso_render_detail(&rd, &ios_table, &v, NULL, "", &st);
	CU_ASSERT_STRING_EQUAL(sso_wbuf_str(&b), "\n    Unit = 3\n"
	    "  Uptime = 1 days, 1 hours, 1 minutes, 1.001 seconds\n"
	    "A much longer label = Enabled\nNot HOT because = config "
	    "differs\n");
	/* an indented table with the header padded to the end (the rows
	 * are not), its rows followed by their own lines; a row alone */
	sso_wbuf_reset(&b);
	v.up_ms = 5;
	sso_table_head(&rd, &ios_line, NULL);
	sso_table_row_more(&rd, &ios_line, &v, ios_more, "x");
	sso_table_row(&rd, &ios_table, &v);
	CU_ASSERT_STRING_EQUAL(sso_wbuf_str(&b),
	    "  Unit  Why   \n"
	    "  3     config differs\n  more: x\n"
	    "3 0 days, 0 hours, 0 minutes, 0.005 seconds Enabled "
	    "config differs\n");
	/* counters: the name is the label and the key */
	sso_wbuf_reset(&b);
	ct = sso_counter_table(f, names, 2);
	sso_render_detail(&rd, &ct, v.ctr, NULL, "Counters:", &(const struct
	    sso_detail_style){ "  ", 10 });
	CU_ASSERT_STRING_EQUAL(sso_wbuf_str(&b), "Counters:\n"
	    "  sent       7\n  received_late 8\n");
	/* JSON: the same declarations, typed */
	sso_wbuf_reset(&b);
	sso_json_init(&j, &b);
	sso_render_init(&rd, &b, &j);
	sso_json_obj(&j);
	sso_table_head(&rd, &ios_line, "rows");
	sso_table_row_more(&rd, &ios_line, &v, ios_more, "x");
	sso_table_end(&rd, &ios_line);
	sso_render_detail(&rd, &ct, v.ctr, "counters", NULL, NULL);
	sso_render_detail(&rd, &ios_table, &v, "detail", NULL, &st);
	sso_json_obj_end(&j);
	CU_ASSERT_STRING_EQUAL(sso_wbuf_str(&b), "{\"rows\":[{\"unit\":3,"
	    "\"why\":\"config differs\",\"more\":\"x\"}],"
	    "\"counters\":{\"sent\":7,\"received_late\":8},"
	    "\"detail\":{\"unit\":3,\"uptime_ms\":5,\"on\":true,"
	    "\"why\":\"config differs\"}}");
	sso_wbuf_free(&b);
	/* an action's one-line answer */
	for (int json = 0; json < 2; json++) {
		memset(&r, 0, sizeof(r));
		sso_wbuf_init(&r.out, 0);
		r.json = json;
		CU_ASSERT_EQUAL(sso_render_result(&r, "reload sent", "Reload "
		    "sent to unit %u\n", 1), SSO_RC_OK);
		CU_ASSERT_STRING_EQUAL(sso_wbuf_str(&r.out), json ?
		    "{\"result\":\"reload sent\"}" : "Reload sent to unit 1\n");
		sso_wbuf_free(&r.out);
	}
}

/* a peer-supplied name: quotes, backslash, newline, a fake end marker */
static void
test_awkward(void)
{
	struct sso_wbuf b;
	struct sso_json j;
	struct sso_render rd;
	const char *s;

	make_rows();
	/* fills the array: no NUL inside it */
	memcpy(rows[0].name, "a\"b\\c\n%END 0\tzz", 16);
	rows[0].note = "x\x01y";
	sso_wbuf_init(&b, 0);
	sso_json_init(&j, &b);
	sso_render_init(&rd, &b, &j);
	sso_table_head(&rd, &table, NULL);
	sso_table_row(&rd, &table, &rows[0]);
	sso_table_end(&rd, &table);
	s = sso_wbuf_str(&b);
	CU_ASSERT_PTR_NOT_NULL(strstr(s,
	    "\"name\":\"a\\\"b\\\\c\\u000a%END 0\\u0009zz\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"note\":\"x\\u0001y\""));
	sso_wbuf_reset(&b);
	sso_render_init(&rd, &b, NULL);
	sso_table_row(&rd, &table, &rows[0]);
	s = sso_wbuf_str(&b);
	/* one line, the control characters shown as '?' */
	CU_ASSERT_EQUAL(strchr(s, '\n'), s + strlen(s) - 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "a\"b\\c?%END 0?zz "));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, " x?y\n"));
	sso_wbuf_free(&b);
}

/* a streamed table of NROWS rows, cursor = last id sent */
#define NROWS	23
static struct row big[NROWS];
static int deleted = -1;	/* row deleted after the first chunk */

static int
stream_rows(struct sso_reply *r)
{
	struct sso_render rd;
	size_t i;

	sso_render_reply(&rd, r);
	if (r->phase == 0) {
		if (rd.j)
			sso_json_obj(rd.j);
		sso_table_head(&rd, &table, "rows");
		r->phase = 1;
	}
	for (i = 0; i < NROWS; i++) {
		if (big[i].id <= r->pos[0] || (int)i == deleted)
			continue;
		if (!sso_reply_room(r))
			return SSO_RC_STREAM;
		sso_table_row(&rd, &table, &big[i]);
		r->pos[0] = big[i].id;
	}
	sso_table_end(&rd, &table);
	if (rd.j)
		sso_json_obj_end(rd.j);
	return SSO_RC_OK;
}

static int
h_stream(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	return sso_reply_stream(r, stream_rows, arg);
}

/* run "show big" in chunks of rows (0: whole); the chunks concatenated */
static char *
run_chunked(int json, unsigned nrows, size_t bytes, int *nchunks)
{
	char w0[] = "show", w1[] = "big", *w[] = { w0, w1 };
	struct sso_reply r;
	struct sso_wbuf all;
	char *s;
	int rc;

	memset(&r, 0, sizeof(r));
	r.json = json;
	r.chunk_rows = nrows;
	r.chunk_bytes = bytes;
	sso_wbuf_init(&r.out, 0);
	sso_wbuf_init(&all, 0);
	*nchunks = 0;
	CU_ASSERT_EQUAL(sso_cmd_exec(2, w, &r), SSO_RC_STREAM);
	do {
		rc = sso_reply_next(&r);
		if (nrows)
			CU_ASSERT(r.rows <= nrows);
		sso_wbuf_put(&all, r.out.buf, r.out.len);
		sso_wbuf_reset(&r.out);
		(*nchunks)++;
		if (deleted == -2)
			deleted = 5;	/* gone before the second chunk */
	} while (rc == SSO_RC_STREAM);
	CU_ASSERT_EQUAL(rc, SSO_RC_OK);
	CU_ASSERT_EQUAL(r.rc, SSO_RC_OK);
	sso_wbuf_free(&r.out);
	s = strdup(sso_wbuf_str(&all));
	sso_wbuf_free(&all);
	return s;
}

static void
test_chunks(void)
{
	char *whole, *part;
	unsigned n, json;
	int chunks;
	size_t i;

	make_rows();
	for (i = 0; i < NROWS; i++) {
		big[i] = rows[i % 5];
		big[i].id = (uint16_t)(i * 3 + 1);
	}
	sso_cmd_reset();
	sso_cmd_register("show big", h_stream, NULL);
	for (json = 0; json < 2; json++) {
		whole = run_chunked((int)json, 0, 0, &chunks);
		CU_ASSERT_EQUAL(chunks, 1);
		for (n = 1; n <= NROWS + 1; n++) {
			part = run_chunked((int)json, n, 0, &chunks);
			CU_ASSERT_STRING_EQUAL(part, whole);
			/* a chunk of n rows; the last one closes the table */
			CU_ASSERT_EQUAL(chunks, (int)((NROWS + n - 1) / n));
			free(part);
		}
		/* a byte budget smaller than one row: one row per chunk */
		part = run_chunked((int)json, 0, 1, &chunks);
		CU_ASSERT_STRING_EQUAL(part, whole);
		CU_ASSERT_EQUAL(chunks, NROWS);
		free(part);
		free(whole);
	}
	/* a row deleted between chunks is left out, the rest resumes */
	whole = run_chunked(0, 0, 0, &chunks);
	deleted = -2;
	part = run_chunked(0, 4, 0, &chunks);
	CU_ASSERT_PTR_NULL(strstr(part, "\n16 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(whole, "\n16 "));
	CU_ASSERT_EQUAL(strlen(part) + strlen(strstr(whole, "\n16 ")) -
	    strlen(strstr(whole, "\n19 ")), strlen(whole));
	deleted = -1;
	free(part);
	free(whole);
	sso_cmd_reset();
}

static int
h_ok(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	sso_wbuf_printf(&r->out, "ran\n");
	return SSO_RC_OK;
}

static int
exec_ro(const char *line, int readonly, char *out, size_t len)
{
	char buf[128], *w[8], *save = NULL, *t;
	struct sso_reply r;
	int n = 0, rc;

	snprintf(buf, sizeof(buf), "%s", line);
	for (t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	memset(&r, 0, sizeof(r));
	r.readonly = readonly;
	sso_wbuf_init(&r.out, 0);
	rc = sso_cmd_exec(n, w, &r);
	snprintf(out, len, "%s", sso_wbuf_str(&r.out));
	sso_wbuf_free(&r.out);
	return rc;
}

static int
gate_refuse(struct sso_reply *r)
{
	return sso_reply_err(r, SSO_RC_ERROR, "%% Test commands need "
	    "'service internal' in the configuration");
}

static void
test_classes(void)
{
	char out[256], w0[] = "te", w1[] = "x", w2[] = "show", w3[] = "y";
	char *tw[] = { w0, w1 }, *sw[] = { w2, w3 };

	sso_cmd_reset();
	sso_cmd_register("show y", h_ok, NULL);
	sso_cmd_register("test x", h_ok, NULL);
	sso_cmd_register("clear y", h_ok, NULL);
	sso_cmd_register("debug y", h_ok, NULL);
	sso_cmd_register_class("show z reset", SSO_CMD_ACTION, h_ok, NULL);
	sso_cmd_register_class("ping", SSO_CMD_SHOW, h_ok, NULL);
	CU_ASSERT_EQUAL(sso_cmd_class(2, sw), SSO_CMD_SHOW);
	CU_ASSERT_EQUAL(sso_cmd_class(2, tw), SSO_CMD_TEST);
	CU_ASSERT_EQUAL(sso_cmd_class(1, tw), -1);
	CU_ASSERT_EQUAL(exec_ro("show y", 1, out, sizeof(out)), SSO_RC_OK);
	CU_ASSERT_STRING_EQUAL(out, "ran\n");
	CU_ASSERT_EQUAL(exec_ro("ping", 1, out, sizeof(out)), SSO_RC_OK);
	CU_ASSERT_EQUAL(exec_ro("test x", 1, out, sizeof(out)),
	    SSO_RC_DENIED);
	CU_ASSERT_STRING_EQUAL(out, "% Not allowed on the read-only control "
	    "socket: \"test x\" is a test command\n");
	CU_ASSERT_EQUAL(exec_ro("cl y", 1, out, sizeof(out)), SSO_RC_DENIED);
	CU_ASSERT_EQUAL(exec_ro("debug y", 1, out, sizeof(out)),
	    SSO_RC_DENIED);
	CU_ASSERT_EQUAL(exec_ro("show z reset", 1, out, sizeof(out)),
	    SSO_RC_DENIED);
	CU_ASSERT_STRING_EQUAL(out, "% Not allowed on the read-only control "
	    "socket: \"show z reset\" is an action command\n");
	/* the normal socket runs actions; a test-class command goes through
	 * the class's gate (fault.c registers `service internal` there) */
	CU_ASSERT_EQUAL(exec_ro("clear y", 0, out, sizeof(out)), SSO_RC_OK);
	CU_ASSERT_EQUAL(exec_ro("test x", 0, out, sizeof(out)), SSO_RC_OK);
	sso_cmd_set_gate(SSO_CMD_TEST, gate_refuse);
	CU_ASSERT_EQUAL(exec_ro("test x", 0, out, sizeof(out)), SSO_RC_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "service internal"));
	CU_ASSERT_EQUAL(exec_ro("clear y", 0, out, sizeof(out)), SSO_RC_OK);
	/* help is read-only, and says the class */
	CU_ASSERT_EQUAL(exec_ro("cl ?", 1, out, sizeof(out)), SSO_RC_OK);
	sso_cmd_reset();
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("render", NULL, NULL);

	CU_add_test(s, "text_alignment", test_text);
	CU_add_test(s, "json_names_values", test_json);
	CU_add_test(s, "detail_form", test_detail);
	CU_add_test(s, "ios_forms", test_ios_forms);
	CU_add_test(s, "awkward_strings", test_awkward);
	CU_add_test(s, "chunk_boundaries", test_chunks);
	CU_add_test(s, "command_classes", test_classes);
}
