/*
 * test_kv.c - the kv client's checkpoint codec across message versions
 * (ISSU, issue 13): v2 -> v1 -> v2 keeps every v1 field and gets the v2
 * digest back, a v2 record with a wrong digest is refused, a v1 reader
 * ignores what v2 added, and fuzzed input of both versions (truncations,
 * flipped bytes, random bytes) never crashes and never yields a key or
 * value beyond the limits.
 */
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "kv.h"

static const char *const keys[] = { "a", "key-2", "", "k\x01y" };
static const char *const values[] = { "v", "", "value with spaces", NULL };

static void
test_roundtrip(void)
{
	uint8_t buf[8192], buf1[8192];
	struct kv_msg m, out, back;
	void *h, *h1;
	int n, n1;

	for (size_t i = 0; i < 4; i++) {
		m.key = keys[i];
		m.value = (const uint8_t *)values[i];
		m.vlen = values[i] ? strlen(values[i]) : 0;
		m.digest = values[i] ? kv_msg_digest(m.key, m.value, m.vlen) : 0;
		/* v2 as is */
		n = kv_msg_pack(2, &m, buf, sizeof(buf));
		CU_ASSERT_FATAL(n >= 0);
		CU_ASSERT_FATAL(kv_msg_unpack(2, buf, (size_t)n, &out, &h) == 0);
		CU_ASSERT_STRING_EQUAL(out.key, m.key);
		CU_ASSERT_EQUAL(out.vlen, m.vlen);
		CU_ASSERT_EQUAL(out.value == NULL, m.value == NULL);
		CU_ASSERT_EQUAL(out.digest, m.digest);
		/* downgraded for a v1 peer: shorter, the same v1 fields */
		n1 = kv_msg_pack(1, &out, buf1, sizeof(buf1));
		CU_ASSERT_FATAL(n1 >= 0);
		CU_ASSERT(m.value == NULL ? n1 == n : n1 < n);
		/* upgraded back: the v2 form again, digest computed */
		CU_ASSERT_FATAL(kv_msg_unpack(1, buf1, (size_t)n1, &back,
		    &h1) == 0);
		CU_ASSERT_STRING_EQUAL(back.key, m.key);
		CU_ASSERT_EQUAL(back.vlen, m.vlen);
		if (m.value)
			CU_ASSERT(memcmp(back.value, m.value, m.vlen) == 0);
		CU_ASSERT_EQUAL(back.digest, m.digest);
		CU_ASSERT_EQUAL(kv_msg_pack(2, &back, buf1, sizeof(buf1)), n);
		CU_ASSERT(memcmp(buf1, buf, (size_t)n) == 0);
		/* a v1 reader of a v2 record: what v2 added is ignored */
		kv_msg_free(h1);
		CU_ASSERT_FATAL(kv_msg_unpack(1, buf, (size_t)n, &back,
		    &h1) == 0);
		CU_ASSERT_STRING_EQUAL(back.key, m.key);
		kv_msg_free(h1);
		kv_msg_free(h);
	}
}

static void
test_refusals(void)
{
	uint8_t buf[8192];
	struct kv_msg m = { "k", (const uint8_t *)"v", 1, 0 }, out;
	char big[5000];
	void *h;
	int n;

	m.digest = kv_msg_digest("k", "v", 1) ^ 1;	/* wrong */
	n = kv_msg_pack(2, &m, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(kv_msg_unpack(2, buf, (size_t)n, &out, &h), -1);
	CU_ASSERT_PTR_NULL(h);
	/* the v1 form carries no digest to be wrong */
	n = kv_msg_pack(1, &m, buf, sizeof(buf));
	CU_ASSERT_EQUAL(kv_msg_unpack(1, buf, (size_t)n, &out, &h), 0);
	kv_msg_free(h);
	CU_ASSERT_EQUAL(kv_msg_pack(0, &m, buf, sizeof(buf)), -1);
	CU_ASSERT_EQUAL(kv_msg_pack(3, &m, buf, sizeof(buf)), -1);
	CU_ASSERT_EQUAL(kv_msg_unpack(3, buf, (size_t)n, &out, &h), -1);
	CU_ASSERT_EQUAL(kv_msg_pack(2, &m, buf, 2), -1);	/* no room */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	m.key = big;
	CU_ASSERT_EQUAL(kv_msg_pack(2, &m, buf, sizeof(buf)), -1);
}

/* whatever the bytes, no crash, and what is accepted is within bounds */
static void
fuzz_one(const uint8_t *p, size_t len)
{
	struct kv_msg out;
	void *h;

	for (uint32_t v = 1; v <= 2; v++)
		if (kv_msg_unpack(v, p, len, &out, &h) == 0) {
			CU_ASSERT(strlen(out.key) <= KV_MSG_MAX_KEY);
			CU_ASSERT(out.vlen <= KV_MSG_MAX_VALUE);
			kv_msg_free(h);
		}
}

static void
test_fuzz(void)
{
	uint8_t buf[512], mut[512];
	struct kv_msg m = { "fuzz-key", (const uint8_t *)"fuzz-value", 10,
	    0 };
	unsigned seed = 13;
	int n;

	m.digest = kv_msg_digest(m.key, m.value, m.vlen);
	for (uint32_t v = 1; v <= 2; v++) {
		n = kv_msg_pack(v, &m, buf, sizeof(buf));
		CU_ASSERT_FATAL(n > 0);
		for (int cut = 0; cut <= n; cut++)	/* every truncation */
			fuzz_one(buf, (size_t)cut);
		for (int i = 0; i < 20000; i++) {	/* flipped bytes */
			memcpy(mut, buf, (size_t)n);
			mut[rand_r(&seed) % (unsigned)n] ^=
			    (uint8_t)(1u + rand_r(&seed) % 255u);
			mut[rand_r(&seed) % (unsigned)n] =
			    (uint8_t)rand_r(&seed);
			fuzz_one(mut, (size_t)n);
		}
	}
	for (int i = 0; i < 20000; i++) {		/* random bytes */
		size_t len = (size_t)(rand_r(&seed) % sizeof(mut));

		for (size_t k = 0; k < len; k++)
			mut[k] = (uint8_t)rand_r(&seed);
		fuzz_one(mut, len);
	}
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("kv_codec", NULL, NULL);

	CU_add_test(s, "v2_v1_v2", test_roundtrip);
	CU_add_test(s, "refusals", test_refusals);
	CU_add_test(s, "fuzz", test_fuzz);
}
