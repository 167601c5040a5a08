/*
 * test_json.c - the JSON writer emits valid UTF-8 JSON for any input bytes.
 *
 * Every output is checked by a strict validator written here independently
 * of core/json.c: a JSON string grammar (RFC 8259 7: only the defined
 * escapes, no raw control characters) over a UTF-8 decoder that computes
 * the code point and rejects overlongs, surrogates and values above
 * U+10FFFF by value (json.c uses Unicode's byte-range table instead).
 */
#include <stdio.h>
#include <string.h>

#include "runner.h"
#include "buf.h"
#include "cmd.h"

#define FFFD "\xef\xbf\xbd"

/* decode one UTF-8 sequence; returns its length, -1 when ill-formed */
static int
ref_utf8(const unsigned char *s, size_t len, unsigned long *cpp)
{
	static const unsigned long min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	unsigned long cp;
	size_t n, i;

	if (s[0] < 0x80)
		n = 1, cp = s[0];
	else if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07;
	else
		return -1;
	if (n > len)
		return -1;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*cpp = cp;
	return (int)n;
}

/* is s[0..len) valid UTF-8 as a whole? */
static int
ref_valid(const unsigned char *s, size_t len)
{
	unsigned long cp;
	size_t i = 0;
	int n;

	while (i < len) {
		if ((n = ref_utf8(s + i, len - i, &cp)) < 0)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

static int
hex4(const unsigned char *s, size_t len)
{
	size_t i;

	if (len < 4)
		return 0;
	for (i = 0; i < 4; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}

/*
 * Strict check of one JSON string literal at s: returns its length
 * including both quotes, -1 when it is not a valid string.
 */
static long
ref_json_string(const unsigned char *s, size_t len)
{
	unsigned long cp;
	size_t i = 1;
	int n;

	if (len < 2 || s[0] != '"')
		return -1;
	while (i < len) {
		if (s[i] == '"')
			return (long)i + 1;
		if (s[i] == '\\') {
			if (i + 1 >= len)
				return -1;
			if (strchr("\"\\/bfnrt", s[i + 1]) && s[i + 1]) {
				i += 2;
				continue;
			}
			if (s[i + 1] != 'u' || !hex4(s + i + 2, len - i - 2))
				return -1;
			i += 6;
			continue;
		}
		if (s[i] < 0x20)
			return -1;	/* RFC 8259 7: must be escaped */
		if ((n = ref_utf8(s + i, len - i, &cp)) < 0)
			return -1;
		i += (size_t)n;
	}
	return -1;
}

/* write {"S":"S","a":["S","x"]} into b (caller frees b) */
static void
write_doc(struct sso_wbuf *b, const char *s)
{
	struct sso_json j;

	sso_wbuf_init(b, 0);
	sso_json_init(&j, b);
	sso_json_obj(&j);
	sso_json_kstr(&j, s, s);
	sso_json_key(&j, "a");
	sso_json_arr(&j);
	sso_json_str(&j, s);
	sso_json_str(&j, "x");
	sso_json_arr_end(&j);
	sso_json_obj_end(&j);
}

/* the document is {"S":"S","a":["S","x"]} with three valid strings */
static int
doc_valid(struct sso_wbuf *b)
{
	const unsigned char *p = b->buf;
	size_t len = b->len, i = 0;
	long n;
	int k;

	if (b->err || len < 2 || p[i++] != '{')
		return 0;
	for (k = 0; k < 2; k++) {	/* "S":"S", then "a": */
		if ((n = ref_json_string(p + i, len - i)) < 0)
			return 0;
		i += (size_t)n;
		if (i >= len || p[i++] != ':')
			return 0;
		if (k == 1)
			break;
		if ((n = ref_json_string(p + i, len - i)) < 0)
			return 0;
		i += (size_t)n;
		if (i >= len || p[i++] != ',')
			return 0;
	}
	if (i >= len || p[i++] != '[')
		return 0;
	if ((n = ref_json_string(p + i, len - i)) < 0)
		return 0;
	i += (size_t)n;
	return len - i == 6 && memcmp(p + i, ",\"x\"]}", 6) == 0;
}

/* the writer's string form of s (quotes stripped), into out */
static void
render(const char *s, char *out, size_t outlen)
{
	struct sso_wbuf b;
	struct sso_json j;

	sso_wbuf_init(&b, 0);
	sso_json_init(&j, &b);
	sso_json_str(&j, s);
	CU_ASSERT_FATAL(b.len >= 2 && b.len - 2 < outlen);
	memcpy(out, b.buf + 1, b.len - 2);
	out[b.len - 2] = '\0';
	CU_ASSERT(ref_json_string(b.buf, b.len) == (long)b.len);
	sso_wbuf_free(&b);
}

static int
check_one(const unsigned char *in, size_t len)
{
	char s[16];
	struct sso_wbuf b;
	int ok;

	memcpy(s, in, len);
	s[len] = '\0';
	write_doc(&b, s);
	ok = doc_valid(&b);
	sso_wbuf_free(&b);
	return ok;
}

static void
test_every_byte(void)
{
	unsigned char in[2] = { 0, 0 };
	char out[64];
	int c, bad = 0;

	for (c = 1; c < 256; c++) {
		in[0] = (unsigned char)c;
		if (!check_one(in, 1))
			bad++;
		render((const char *)in, out, sizeof(out));
		if (c >= 0x80)	/* no byte >= 0x80 stands alone */
			CU_ASSERT_STRING_EQUAL(out, FFFD);
	}
	CU_ASSERT_EQUAL(bad, 0);
	render("\x01\x1f\x7f\"\\/", out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "\\u0001\\u001f\\u007f\\\"\\\\/");
}

static void
test_every_pair(void)
{
	unsigned char in[3] = { 0, 0, 0 };
	char out[64];
	int a, c, bad = 0, changed = 0;

	for (a = 1; a < 256; a++)
		for (c = 1; c < 256; c++) {
			in[0] = (unsigned char)a;
			in[1] = (unsigned char)c;
			if (!check_one(in, 2))
				bad++;
			if (a < 0x80 || c < 0x80)
				continue;
			/* a valid pair passes unchanged, else it is replaced */
			render((const char *)in, out, sizeof(out));
			if (ref_valid(in, 2) != (memcmp(out, in, 2) == 0 &&
			    out[2] == '\0'))
				changed++;
		}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(changed, 0);
}

/* three-byte forms around every boundary of the lead/continuation ranges */
static void
test_triples(void)
{
	static const unsigned char t[] = { 0x01, 0x41, 0x7f, 0x80, 0x8f,
	    0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xff };
	unsigned char in[4] = { 0, 0, 0, 0 };
	char out[64];
	size_t a, b, c;
	int bad = 0;

	for (a = 0; a < sizeof(t); a++)
		for (b = 0; b < sizeof(t); b++)
			for (c = 0; c < sizeof(t); c++) {
				in[0] = t[a], in[1] = t[b], in[2] = t[c];
				if (!check_one(in, 3))
					bad++;
				render((const char *)in, out, sizeof(out));
				/* valid with nothing to escape: unchanged */
				if (ref_valid(in, 3) && in[0] >= 0x80 &&
				    in[1] != 0x7f && in[2] != 0x7f &&
				    in[1] > 0x1f && in[2] > 0x1f &&
				    strcmp(out, (const char *)in) != 0)
					bad++;
			}
	CU_ASSERT_EQUAL(bad, 0);
}

/* every scalar value passes through byte for byte */
static void
test_every_code_point(void)
{
	unsigned char in[5];
	char out[64];
	unsigned long cp;
	size_t n;
	int bad = 0;

	for (cp = 0x80; cp <= 0x10ffff; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		if (cp < 0x800) {
			in[0] = (unsigned char)(0xc0 | (cp >> 6)), n = 2;
		} else if (cp < 0x10000) {
			in[0] = (unsigned char)(0xe0 | (cp >> 12));
			in[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
			n = 3;
		} else {
			in[0] = (unsigned char)(0xf0 | (cp >> 18));
			in[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
			in[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
			n = 4;
		}
		in[n - 1] = (unsigned char)(0x80 | (cp & 0x3f));
		in[n] = '\0';
		render((const char *)in, out, sizeof(out));
		if (strcmp(out, (const char *)in) != 0)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/*
 * Markus Kuhn's UTF-8 decoder stress test (sections 3-5), with the
 * replacement count Unicode's "maximal subpart" practice gives (the same
 * as Python's bytes.decode('utf-8', 'replace')).
 */
static const struct {
	const char	*name, *in, *out;
} kuhn[] = {
	{ "overlong / 2", "\xc0\xaf", FFFD FFFD },
	{ "overlong / 3", "\xe0\x80\xaf", FFFD FFFD FFFD },
	{ "overlong / 4", "\xf0\x80\x80\xaf", FFFD FFFD FFFD FFFD },
	{ "overlong / 5", "\xf8\x80\x80\x80\xaf", FFFD FFFD FFFD FFFD FFFD },
	{ "overlong / 6", "\xfc\x80\x80\x80\x80\xaf",
	    FFFD FFFD FFFD FFFD FFFD FFFD },
	{ "max overlong 2", "\xc1\xbf", FFFD FFFD },
	{ "max overlong 3", "\xe0\x9f\xbf", FFFD FFFD FFFD },
	{ "max overlong 4", "\xf0\x8f\xbf\xbf", FFFD FFFD FFFD FFFD },
	{ "overlong NUL 2", "\xc0\x80", FFFD FFFD },
	{ "lone high surrogate", "\xed\xa0\x80", FFFD FFFD FFFD },
	{ "lone low surrogate", "\xed\xbf\xbf", FFFD FFFD FFFD },
	{ "surrogate pair", "\xed\xa0\x80\xed\xb0\x80",
	    FFFD FFFD FFFD FFFD FFFD FFFD },
	{ "above U+10FFFF", "\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD },
	{ "5-byte U+200000", "\xf8\x88\x80\x80\x80",
	    FFFD FFFD FFFD FFFD FFFD },
	{ "6-byte U+4000000", "\xfc\x84\x80\x80\x80\x80",
	    FFFD FFFD FFFD FFFD FFFD FFFD },
	{ "stray continuation", "a\x80" "b\xbf", "a" FFFD "b" FFFD },
	{ "truncated 2 at end", "x\xc3", "x" FFFD },
	{ "truncated 3", "\xe2\x82x", FFFD "x" },
	{ "truncated 4 by 1", "\xf0\x9f\x98", FFFD },
	{ "truncated 4 by 2", "\xf0\x9f" "a", FFFD "a" },
	{ "lead then ASCII", "\xc3" "A", FFFD "A" },
	{ "fe ff", "\xfe\xff", FFFD FFFD },
	{ "valid mix", "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80",
	    "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80" },
	{ "U+FFFD itself", FFFD, FFFD },
	{ "max U+10FFFF", "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf" },
	{ "U+D7FF U+E000", "\xed\x9f\xbf\xee\x80\x80",
	    "\xed\x9f\xbf\xee\x80\x80" },
	{ "host\\xff name", "lac\xff-1", "lac" FFFD "-1" },
};

static void
test_kuhn(void)
{
	char out[64];
	size_t i;

	for (i = 0; i < sizeof(kuhn) / sizeof(kuhn[0]); i++) {
		render(kuhn[i].in, out, sizeof(out));
		if (strcmp(out, kuhn[i].out) != 0)
			fprintf(stderr, "kuhn %s: wrong replacement\n",
			    kuhn[i].name);
		CU_ASSERT_STRING_EQUAL(out, kuhn[i].out);
		CU_ASSERT(check_one((const unsigned char *)kuhn[i].in,
		    strlen(kuhn[i].in)));
	}
}

static void
test_null_and_empty(void)
{
	struct sso_wbuf b;
	struct sso_json j;

	sso_wbuf_init(&b, 0);
	sso_json_init(&j, &b);
	sso_json_obj(&j);
	sso_json_kstr(&j, "n", NULL);
	sso_json_kstr(&j, "e", "");
	sso_json_obj_end(&j);
	CU_ASSERT_STRING_EQUAL(sso_wbuf_str(&b), "{\"n\":null,\"e\":\"\"}");
	sso_wbuf_free(&b);
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("json", NULL, NULL);

	CU_add_test(s, "every_byte", test_every_byte);
	CU_add_test(s, "every_pair", test_every_pair);
	CU_add_test(s, "triples", test_triples);
	CU_add_test(s, "every_code_point", test_every_code_point);
	CU_add_test(s, "kuhn", test_kuhn);
	CU_add_test(s, "null_and_empty", test_null_and_empty);
}
