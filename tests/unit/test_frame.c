/*
 * test_frame.c - validation of inter-RP frames: every frame type with its
 * required fields accepted, each missing field or bad enum rejected with
 * the right reason; also writes the fuzz seed corpus when asked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "sso_local.h"

static size_t
pack(Sso__Frame *f, uint8_t *buf)
{
	f->has_unit = f->has_epoch = f->has_boot_id = f->has_type = 1;
	f->unit = 1;
	f->boot_id = 42;
	return sso__frame__pack(f, buf);
}

static int
decodes(uint8_t *buf, size_t len, enum sso_bad *why)
{
	Sso__Frame *f = sso_frame_decode(buf, len, why);

	if (f == NULL)
		return 0;
	sso__frame__free_unpacked(f, NULL);
	return 1;
}

static void
save_seed(const char *name, const uint8_t *buf, size_t len)
{
	const char *dir = getenv("SSO_WRITE_CORPUS");
	char path[512];
	FILE *fp;

	if (dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "wb")) != NULL) {
		fwrite(buf, 1, len, fp);
		fclose(fp);
	}
}

static void
test_keepalive(void)
{
	Sso__Frame f = SSO__FRAME__INIT;
	uint8_t buf[256];
	enum sso_bad why;
	size_t len;

	f.type = SSO__FRAME_TYPE__FT_KEEPALIVE;
	len = pack(&f, buf);
	CU_ASSERT_FALSE(decodes(buf, len, &why));	/* no rf_state */
	CU_ASSERT_EQUAL(why, SSO_BAD_FIELD);
	f.has_rf_state = 1;
	f.rf_state = SSO_RF_NSTATES;			/* out of range */
	len = pack(&f, buf);
	CU_ASSERT_FALSE(decodes(buf, len, &why));
	f.rf_state = SSO_RF_ACTIVE;
	len = pack(&f, buf);
	CU_ASSERT_TRUE(decodes(buf, len, &why));
	save_seed("keepalive", buf, len);
	f.unit = 7;
	len = sso__frame__pack(&f, buf);
	CU_ASSERT_FALSE(decodes(buf, len, &why));
}

static void
test_records(void)
{
	Sso__Frame f = SSO__FRAME__INIT;
	Sso__Record r = SSO__RECORD__INIT, *rp = &r;
	uint8_t buf[256], data[] = "payload";
	enum sso_bad why;
	size_t len;

	f.type = SSO__FRAME_TYPE__FT_RECORDS;
	f.records = &rp;
	f.n_records = 1;
	f.history_id = 9;
	f.has_history_id = 1;
	r.has_client = 1;
	r.client = 100;
	len = pack(&f, buf);
	CU_ASSERT_FALSE(decodes(buf, len, &why));	/* record w/o seq */
	r.has_seq = 1;
	r.seq = 1;
	r.has_data = 1;
	r.data.data = data;
	r.data.len = sizeof(data);
	len = pack(&f, buf);
	CU_ASSERT_TRUE(decodes(buf, len, &why));
	save_seed("records", buf, len);
	r.has_kind = 1;
	r.kind = 99;					/* bad enum */
	len = pack(&f, buf);
	CU_ASSERT_FALSE(decodes(buf, len, &why));
	CU_ASSERT_EQUAL(why, SSO_BAD_FIELD);
	/* truncated */
	r.kind = 0;
	len = pack(&f, buf);
	CU_ASSERT_FALSE(decodes(buf, len - 3, &why));
	CU_ASSERT_EQUAL(why, SSO_BAD_DECODE);
}

static void
test_hello_and_types(void)
{
	Sso__Frame f = SSO__FRAME__INIT;
	Sso__Hello h = SSO__HELLO__INIT;
	Sso__ClientInfo ci = SSO__CLIENT_INFO__INIT, *cp = &ci;
	uint8_t buf[256];
	enum sso_bad why;
	size_t len;

	f.type = SSO__FRAME_TYPE__FT_HELLO;
	len = pack(&f, buf);
	CU_ASSERT_FALSE(decodes(buf, len, &why));	/* no hello */
	f.hello = &h;
	h.has_boot_id = h.has_rf_state = 1;
	h.rf_state = SSO_RF_STANDBY_COLD;
	h.clients = &cp;
	h.n_clients = 1;
	ci.has_id = 1;
	ci.id = 100;
	len = pack(&f, buf);
	CU_ASSERT_FALSE(decodes(buf, len, &why));	/* no versions */
	ci.has_ver_min = ci.has_ver_max = 1;
	ci.ver_min = ci.ver_max = 1;
	len = pack(&f, buf);
	CU_ASSERT_TRUE(decodes(buf, len, &why));
	save_seed("hello", buf, len);
	f.hello = NULL;
	f.type = 77;					/* unknown type */
	len = pack(&f, buf);
	CU_ASSERT_FALSE(decodes(buf, len, &why));
	CU_ASSERT_EQUAL(why, SSO_BAD_TYPE);
	f.type = SSO__FRAME_TYPE__FT_ACK;
	len = pack(&f, buf);
	CU_ASSERT_FALSE(decodes(buf, len, &why));
	f.has_ack = f.has_history_id = 1;
	len = pack(&f, buf);
	CU_ASSERT_TRUE(decodes(buf, len, &why));
	save_seed("ack", buf, len);
	CU_ASSERT_FALSE(decodes((uint8_t *)"\xff\xff\xff", 3, &why));
	/* goodbye: the reason is optional */
	f.has_ack = f.has_history_id = 0;
	f.type = SSO__FRAME_TYPE__FT_GOODBYE;
	len = pack(&f, buf);
	CU_ASSERT_TRUE(decodes(buf, len, &why));
	f.reason = "SIGTERM";
	len = pack(&f, buf);
	CU_ASSERT_TRUE(decodes(buf, len, &why));
	save_seed("goodbye", buf, len);
	f.reason = NULL;
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("frame", NULL, NULL);

	CU_add_test(s, "keepalive", test_keepalive);
	CU_add_test(s, "records", test_records);
	CU_add_test(s, "hello_and_types", test_hello_and_types);
}
