/*
 * test_arena.c - the per-frame bump allocator (core/arena.c): alignment,
 * large requests, chunks kept across resets, and a checkpoint frame
 * decoded into it by protobuf-c, intact until the reset.
 */
#include <stdint.h>
#include <string.h>

#include "runner.h"
#include "sso_local.h"

static void
test_alloc_reset(void)
{
	struct sso_arena a;
	unsigned char *p, *q, *big;
	uint64_t chunks;
	int i;

	memset(&a, 0, sizeof(a));
	p = sso_arena_alloc(&a, 1);
	q = sso_arena_alloc(&a, 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	CU_ASSERT_EQUAL((uintptr_t)p % 16, 0);
	CU_ASSERT_EQUAL((uintptr_t)q % 16, 0);
	CU_ASSERT(q != p);
	CU_ASSERT(q >= p + 16);	/* no overlap */
	/* larger than a chunk: a chunk of its own */
	big = sso_arena_alloc(&a, 1u << 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, 1, 1u << 20);
	CU_ASSERT_EQUAL(a.chunks, 2);
	CU_ASSERT(a.bytes >= (1u << 20) + 32);
	/* a reset keeps the chunks: the same load takes no new one */
	sso_arena_reset(&a);
	CU_ASSERT_EQUAL(a.bytes, 0);
	chunks = a.chunks;
	for (i = 0; i < 3; i++) {
		CU_ASSERT_PTR_NOT_NULL(sso_arena_alloc(&a, 100));
		CU_ASSERT_PTR_NOT_NULL(sso_arena_alloc(&a, 1u << 20));
		sso_arena_reset(&a);
	}
	CU_ASSERT(a.chunks - chunks <= 6);	/* spares taken, not new */
	CU_ASSERT_PTR_NULL(sso_arena_alloc(&a, SIZE_MAX));	/* overflow */
	sso_arena_free(&a);
	CU_ASSERT_PTR_NULL(a.head);
	CU_ASSERT_PTR_NULL(a.spare);
}

static void
test_frame_decode(void)
{
	struct sso_arena a;
	Sso__Frame f = SSO__FRAME__INIT, *g;
	Sso__Record r[3], *rp[3];
	uint8_t data[3][40], buf[1024];
	enum sso_bad why;
	size_t len, i;

	memset(&a, 0, sizeof(a));
	for (i = 0; i < 3; i++) {
		sso__record__init(&r[i]);
		r[i].seq = 10 + i;
		r[i].has_seq = 1;
		r[i].client = 7;
		r[i].has_client = 1;
		memset(data[i], (int)i + 1, sizeof(data[i]));
		r[i].data.data = data[i];
		r[i].data.len = sizeof(data[i]);
		r[i].has_data = 1;
		rp[i] = &r[i];
	}
	f.type = SSO__FRAME_TYPE__FT_RECORDS;
	f.has_type = 1;
	f.history_id = 99;
	f.has_history_id = 1;
	f.records = rp;
	f.n_records = 3;
	f.has_unit = f.has_epoch = f.has_boot_id = 1;
	f.unit = 1;
	f.boot_id = 42;
	len = sso__frame__pack(&f, buf);
	CU_ASSERT_PTR_NULL(sso_cf_rx_allocator());	/* outside a frame */
	g = sso_frame_decode_with(buf, len, &why, sso_arena_pb(&a));
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT(a.bytes > 0);		/* it came from the arena */
	sso_arena_set_current(&a);
	CU_ASSERT(sso_cf_rx_allocator() == &a.pb);
	sso_arena_set_current(NULL);
	CU_ASSERT_EQUAL(g->n_records, 3);
	for (i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(g->records[i]->seq, 10 + i);
		CU_ASSERT_EQUAL(g->records[i]->data.len, 40);
		CU_ASSERT(memcmp(g->records[i]->data.data, data[i], 40) == 0);
	}
	sso__frame__free_unpacked(g, sso_arena_pb(&a));	/* a no-op */
	/* a frame that does not decode leaves nothing to free by hand */
	buf[0] ^= 0xff;
	(void)sso_frame_decode_with(buf, 3, &why, sso_arena_pb(&a));
	sso_arena_free(&a);
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("arena", NULL, NULL);

	CU_add_test(s, "alloc_reset", test_alloc_reset);
	CU_add_test(s, "frame_decode", test_frame_decode);
}
