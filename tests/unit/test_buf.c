/*
 * test_buf.c - the bounds-checked cursor and builder.
 */
#include <string.h>

#include "runner.h"
#include "buf.h"

static void
test_cursor_short(void)
{
	const uint8_t b[] = { 0x12, 0x34, 0x56 };
	struct sso_cur c, sub;
	uint16_t v16;
	uint32_t v32;

	sso_cur_init(&c, b, sizeof(b));
	CU_ASSERT_EQUAL(sso_cur_get_u16(&c, &v16), 0);
	CU_ASSERT_EQUAL(v16, 0x1234);
	CU_ASSERT_EQUAL(sso_cur_get_u32(&c, &v32), -1);
	CU_ASSERT_EQUAL(c.len, 1);		/* unchanged on failure */
	CU_ASSERT_EQUAL(sso_cur_sub(&c, 2, &sub), -1);
	CU_ASSERT_EQUAL(sso_cur_sub(&c, 1, &sub), 0);
	CU_ASSERT_EQUAL(c.len, 0);
	CU_ASSERT_EQUAL(sso_cur_skip(&c, 1), -1);
}

static void
test_wbuf(void)
{
	struct sso_wbuf b;
	int errs = 0;

	sso_wbuf_init(&b, 6);
	errs += sso_wbuf_put_u16(&b, 0xabcd);
	errs += sso_wbuf_put_u32(&b, 0x01020304);
	CU_ASSERT_EQUAL(errs, 0);
	CU_ASSERT_EQUAL(b.len, 6);
	CU_ASSERT_EQUAL(b.buf[0], 0xab);
	CU_ASSERT_EQUAL(b.buf[5], 0x04);
	CU_ASSERT_EQUAL(sso_wbuf_put_u8(&b, 1), -1);	/* over max */
	CU_ASSERT_EQUAL(b.err, 1);
	CU_ASSERT_EQUAL(sso_wbuf_set_u16(&b, 5, 1), -1);
	sso_wbuf_free(&b);
	sso_wbuf_init(&b, 0);
	sso_wbuf_printf(&b, "%s-%d", "x", 42);
	CU_ASSERT_STRING_EQUAL(sso_wbuf_str(&b), "x-42");
	CU_ASSERT_EQUAL(sso_wbuf_set_u16(&b, 0, 0x4142), 0);
	CU_ASSERT_STRING_EQUAL(sso_wbuf_str(&b), "AB42");
	sso_wbuf_free(&b);
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("buf", NULL, NULL);

	CU_add_test(s, "cursor_short", test_cursor_short);
	CU_add_test(s, "wbuf", test_wbuf);
}
