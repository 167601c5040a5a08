/*
 * test_pool.c - libpool: exactness against a trivially correct model (an
 * array of flags, lowest free found by a linear scan) over 10^5 random
 * operations, and the edges: one-address pool, full pool, a range across
 * x.x.x.255, bad ranges, the standby's idempotent marks, pool sets.
 */
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "pool.h"

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
	(uint32_t)(c) << 8 | (uint32_t)(d))

/* deterministic xorshift: the run is reproducible */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

struct model {
	uint8_t		*used;
	uint32_t	 n, count;
};

static long
model_lowest(const struct model *m)
{
	uint32_t i;

	for (i = 0; i < m->n; i++)
		if (!m->used[i])
			return i;
	return -1;
}

/* one random operation on both; returns the number of disagreements */
static int
step(struct pool *p, struct model *m, uint32_t base)
{
	uint32_t a, i = rnd(m->n), got;
	long low;
	int rc, bad = 0;

	switch (rnd(6)) {
	case 0:		/* lowest free */
	case 1:
		low = model_lowest(m);
		rc = pool_alloc(p, &got);
		if (low < 0)
			bad += rc != POOL_FULL;
		else {
			bad += rc != POOL_OK || got != base + (uint32_t)low;
			m->used[low] = 1, m->count++;
		}
		break;
	case 2:		/* hint */
		low = m->used[i] ? model_lowest(m) : (long)i;
		rc = pool_alloc_hint(p, base + i, &got);
		if (low < 0)
			bad += rc != POOL_FULL;
		else {
			bad += rc != POOL_OK || got != base + (uint32_t)low;
			m->used[low] = 1, m->count++;
		}
		break;
	case 3:		/* a specific address */
		rc = pool_take(p, base + i);
		bad += rc != (m->used[i] ? POOL_IN_USE : POOL_OK);
		if (!m->used[i])
			m->used[i] = 1, m->count++;
		break;
	default:	/* release, including double releases */
		rc = pool_release(p, base + i);
		bad += rc != (m->used[i] ? POOL_OK : POOL_NOT_IN_USE);
		if (m->used[i])
			m->used[i] = 0, m->count--;
		break;
	}
	bad += pool_used_count(p) != m->count;
	bad += pool_free_count(p) != m->n - m->count;
	a = base + rnd(m->n);
	bad += pool_in_use(p, a) != m->used[a - base];
	return bad;
}

/* every address in use, in order, and nothing else */
static int
walk_matches(const struct pool *p, const struct model *m, uint32_t base)
{
	uint32_t a = 0, seen = 0, i;

	while (pool_next_used(p, a, &a) == 0) {
		i = a - base;
		if (i >= m->n || !m->used[i])
			return 0;
		seen++;
		if (a == 0xffffffffu)
			break;
		a++;
	}
	return seen == m->count;
}

static void
model_run(uint32_t base, uint32_t n, int ops)
{
	struct model m = { calloc(n, 1), n, 0 };
	struct pool *p = pool_create("M", base, base + n - 1, NULL);
	int k, bad = 0;

	CU_ASSERT_FATAL(p != NULL && m.used != NULL);
	for (k = 0; k < ops; k++) {
		bad += step(p, &m, base);
		if (k % 5000 == 0 && !walk_matches(p, &m, base))
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(walk_matches(p, &m, base));
	free(m.used);
	pool_destroy(p);
}

static void
test_model(void)
{
	/* small: the pool fills and empties often; 3 levels at 5000 */
	model_run(A(10, 80, 0, 10), 37, 30000);
	model_run(A(10, 80, 0, 10), 5000, 40000);
	/* a 4-level tree across word and level boundaries */
	model_run(A(100, 64, 0, 0), 262145, 30000);
}

static void
test_single(void)
{
	struct pool *p = pool_create("ONE", A(10, 0, 0, 1), A(10, 0, 0, 1),
	    NULL);
	uint32_t a;

	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT_EQUAL(pool_size(p), 1);
	CU_ASSERT_EQUAL(pool_alloc(p, &a), POOL_OK);
	CU_ASSERT_EQUAL(a, A(10, 0, 0, 1));
	CU_ASSERT_EQUAL(pool_alloc(p, &a), POOL_FULL);
	CU_ASSERT_EQUAL(pool_take(p, A(10, 0, 0, 1)), POOL_IN_USE);
	CU_ASSERT_EQUAL(pool_take(p, A(10, 0, 0, 2)), POOL_OUTSIDE);
	CU_ASSERT_EQUAL(pool_release(p, A(10, 0, 0, 1)), POOL_OK);
	CU_ASSERT_EQUAL(pool_release(p, A(10, 0, 0, 1)), POOL_NOT_IN_USE);
	CU_ASSERT_EQUAL(pool_release(p, A(10, 0, 0, 0)), POOL_OUTSIDE);
	CU_ASSERT_EQUAL(pool_free_count(p), 1);
	CU_ASSERT_STRING_EQUAL(pool_rc_name(POOL_NOT_IN_USE),
	    "address not in use");
	pool_destroy(p);
}

/* the largest pool fills completely, every address once, then empties */
static void
test_full_max(void)
{
	uint32_t first = A(100, 64, 0, 0), last = first + POOL_MAX_SIZE - 1;
	struct pool *p = pool_create("BIG", first, last, NULL);
	uint32_t a, i, bad = 0;

	CU_ASSERT_FATAL(p != NULL);
	for (i = 0; i < POOL_MAX_SIZE; i++)
		if (pool_alloc(p, &a) != POOL_OK || a != first + i)
			bad++;
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(pool_alloc(p, &a), POOL_FULL);
	CU_ASSERT_EQUAL(pool_alloc_hint(p, first, &a), POOL_FULL);
	CU_ASSERT_EQUAL(pool_free_count(p), 0);
	CU_ASSERT_EQUAL(pool_release(p, first + 777777), POOL_OK);
	CU_ASSERT_EQUAL(pool_alloc(p, &a), POOL_OK);
	CU_ASSERT_EQUAL(a, first + 777777);
	for (i = POOL_MAX_SIZE; i-- > 0; )
		if (pool_release(p, first + i) != POOL_OK)
			bad++;
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(pool_used_count(p), 0);
	CU_ASSERT_EQUAL(pool_next_used(p, 0, &a), -1);
	pool_destroy(p);
}

static void
test_wrap_255(void)
{
	struct pool *p = pool_create("W", A(10, 80, 0, 250), A(10, 80, 3, 5),
	    NULL);
	uint32_t a, n = 0, expect = A(10, 80, 0, 250);

	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT_EQUAL(pool_size(p), 6 + 256 * 2 + 6);
	while (pool_alloc(p, &a) == POOL_OK) {
		CU_ASSERT_EQUAL(a, expect);
		expect++, n++;
	}
	CU_ASSERT_EQUAL(n, pool_size(p));
	CU_ASSERT(pool_in_use(p, A(10, 80, 0, 255)));
	CU_ASSERT(pool_in_use(p, A(10, 80, 1, 0)));
	CU_ASSERT_EQUAL(pool_next_used(p, A(10, 80, 2, 255), &a), 0);
	CU_ASSERT_EQUAL(a, A(10, 80, 2, 255));
	CU_ASSERT_EQUAL(pool_next_used(p, A(10, 80, 3, 6), &a), -1);
	pool_destroy(p);
}

static void
test_bad_ranges(void)
{
	const char *why = NULL;

	CU_ASSERT_PTR_NULL(pool_create("X", A(10, 0, 0, 2), A(10, 0, 0, 1),
	    &why));
	CU_ASSERT_STRING_EQUAL(why, "first address above last address");
	CU_ASSERT_PTR_NULL(pool_create("X", A(10, 0, 0, 0),
	    A(10, 0, 0, 0) + POOL_MAX_SIZE, &why));
	CU_ASSERT_STRING_EQUAL(why, "more than 1048576 addresses");
	CU_ASSERT_PTR_NOT_NULL(why);
	CU_ASSERT_PTR_NULL(pool_create("X", A(0, 0, 0, 1), A(1, 0, 0, 1),
	    &why));
	CU_ASSERT_PTR_NULL(pool_create("X", A(126, 255, 255, 0),
	    A(127, 0, 0, 1), &why));
	CU_ASSERT_STRING_EQUAL(why, "address in 127.0.0.0/8");
	CU_ASSERT_PTR_NULL(pool_create("X", A(223, 255, 255, 0),
	    A(224, 0, 0, 1), &why));
	CU_ASSERT_PTR_NULL(pool_create("X", 0xffffffffu, 0xffffffffu, &why));
	CU_ASSERT_PTR_NULL(pool_create("", A(10, 0, 0, 1), A(10, 0, 0, 1),
	    &why));
	CU_ASSERT_PTR_NULL(pool_create(NULL, A(10, 0, 0, 1), A(10, 0, 0, 1),
	    NULL));
	CU_ASSERT_EQUAL(pool_range_check(A(10, 0, 0, 0),
	    A(10, 0, 0, 0) + POOL_MAX_SIZE - 1, NULL), 0);
}

/* the standby applies the active's records, possibly twice */
static void
test_mark(void)
{
	struct pool *p = pool_create("S", A(10, 1, 0, 1), A(10, 1, 0, 100),
	    NULL);
	uint32_t a;

	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT_EQUAL(pool_mark(p, A(10, 1, 0, 1), 1), POOL_OK);
	CU_ASSERT_EQUAL(pool_mark(p, A(10, 1, 0, 1), 1), POOL_OK);
	CU_ASSERT_EQUAL(pool_mark(p, A(10, 1, 0, 50), 1), POOL_OK);
	CU_ASSERT_EQUAL(pool_used_count(p), 2);
	CU_ASSERT_EQUAL(pool_mark(p, A(10, 1, 1, 1), 1), POOL_OUTSIDE);
	/* after a takeover the new active never hands them out again */
	CU_ASSERT_EQUAL(pool_alloc(p, &a), POOL_OK);
	CU_ASSERT_EQUAL(a, A(10, 1, 0, 2));
	CU_ASSERT_EQUAL(pool_alloc_hint(p, A(10, 1, 0, 50), &a), POOL_OK);
	CU_ASSERT_EQUAL(a, A(10, 1, 0, 3));
	CU_ASSERT_EQUAL(pool_mark(p, A(10, 1, 0, 50), 0), POOL_OK);
	CU_ASSERT_EQUAL(pool_mark(p, A(10, 1, 0, 50), 0), POOL_OK);
	CU_ASSERT_EQUAL(pool_used_count(p), 3);
	CU_ASSERT_EQUAL(pool_alloc_hint(p, A(10, 1, 0, 50), &a), POOL_OK);
	CU_ASSERT_EQUAL(a, A(10, 1, 0, 50));
	pool_destroy(p);
}

static void
test_set(void)
{
	struct pool_set *s = pool_set_create();
	const char *why = NULL;

	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT_PTR_NOT_NULL(pool_set_add(s, "SUBS", A(10, 80, 0, 10),
	    A(10, 80, 3, 250), &why));
	CU_ASSERT_PTR_NOT_NULL(pool_set_add(s, "A", A(10, 90, 0, 1),
	    A(10, 90, 0, 9), &why));
	CU_ASSERT_PTR_NULL(pool_set_add(s, "SUBS", A(10, 70, 0, 1),
	    A(10, 70, 0, 2), &why));
	CU_ASSERT_STRING_EQUAL(why, "a pool of that name exists");
	CU_ASSERT_PTR_NULL(pool_set_add(s, "B", A(10, 80, 3, 250),
	    A(10, 80, 4, 0), &why));
	CU_ASSERT_STRING_EQUAL(why, "range overlaps another pool");
	CU_ASSERT_PTR_NULL(pool_set_add(s, "C", A(10, 90, 0, 5),
	    A(10, 80, 0, 1), &why));
	CU_ASSERT_PTR_NOT_NULL(pool_set_add(s, "M", A(10, 80, 4, 0),
	    A(10, 80, 4, 0), &why));
	CU_ASSERT_EQUAL(pool_set_count(s), 3);
	CU_ASSERT_STRING_EQUAL(pool_name(pool_set_get(s, 0)), "A");
	CU_ASSERT_STRING_EQUAL(pool_name(pool_set_get(s, 1)), "M");
	CU_ASSERT_STRING_EQUAL(pool_name(pool_set_get(s, 2)), "SUBS");
	CU_ASSERT_PTR_NULL(pool_set_get(s, 3));
	CU_ASSERT_PTR_EQUAL(pool_set_lookup(s, A(10, 80, 1, 0)),
	    pool_set_find(s, "SUBS"));
	CU_ASSERT_PTR_NULL(pool_set_lookup(s, A(10, 80, 0, 9)));
	CU_ASSERT_EQUAL(pool_set_remove(s, "M"), 0);
	CU_ASSERT_EQUAL(pool_set_remove(s, "M"), -1);
	CU_ASSERT_PTR_NULL(pool_set_find(s, "M"));
	CU_ASSERT_EQUAL(pool_set_count(s), 2);
	pool_set_destroy(s);
}

/*
 * RADIUS Framed-IP-Address inside a pool: reserved there (never allocated
 * to another while held), refused while held, free again once released;
 * outside every pool: POOL_OUTSIDE (the session gets a route instead)
 */
static void
test_set_framed(void)
{
	struct pool_set *s = pool_set_create();
	const char *why = NULL;
	struct pool *p, *got = NULL;
	uint32_t a, i;

	CU_ASSERT_FATAL(s != NULL);
	p = pool_set_add(s, "SUBS", A(10, 80, 0, 1), A(10, 80, 0, 4), &why);
	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT_PTR_NOT_NULL(pool_set_add(s, "B", A(10, 90, 0, 1),
	    A(10, 90, 0, 1), &why));
	CU_ASSERT_EQUAL(pool_set_check(s, A(10, 80, 0, 3)), POOL_OK);
	CU_ASSERT_EQUAL(pool_set_reserve(s, A(10, 80, 0, 3), &got), POOL_OK);
	CU_ASSERT_PTR_EQUAL(got, p);
	CU_ASSERT_EQUAL(pool_used_count(p), 1);
	/* a second session with the same Framed-IP-Address: refused */
	CU_ASSERT_EQUAL(pool_set_check(s, A(10, 80, 0, 3)), POOL_IN_USE);
	CU_ASSERT_EQUAL(pool_set_reserve(s, A(10, 80, 0, 3), NULL),
	    POOL_IN_USE);
	CU_ASSERT_EQUAL(pool_used_count(p), 1);
	/* the pool's own allocations go round it */
	for (i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(pool_alloc(p, &a), POOL_OK);
		CU_ASSERT_NOT_EQUAL(a, A(10, 80, 0, 3));
	}
	CU_ASSERT_EQUAL(pool_alloc(p, &a), POOL_FULL);
	CU_ASSERT_EQUAL(pool_alloc_hint(p, A(10, 80, 0, 3), &a), POOL_FULL);
	/* the end of the session gives it back, once */
	CU_ASSERT_EQUAL(pool_set_release(s, A(10, 80, 0, 3)), POOL_OK);
	CU_ASSERT_EQUAL(pool_set_release(s, A(10, 80, 0, 3)),
	    POOL_NOT_IN_USE);
	CU_ASSERT_EQUAL(pool_alloc(p, &a), POOL_OK);
	CU_ASSERT_EQUAL(a, A(10, 80, 0, 3));
	CU_ASSERT_EQUAL(pool_set_release(s, a), POOL_OK);
	/* another pool's address, in its own pool */
	CU_ASSERT_EQUAL(pool_set_reserve(s, A(10, 90, 0, 1), &got), POOL_OK);
	CU_ASSERT_STRING_EQUAL(pool_name(got), "B");
	CU_ASSERT_EQUAL(pool_set_check(s, A(10, 90, 0, 1)), POOL_IN_USE);
	/* outside every pool: a per-session route, nothing reserved */
	CU_ASSERT_EQUAL(pool_set_check(s, A(10, 80, 0, 5)), POOL_OUTSIDE);
	CU_ASSERT_EQUAL(pool_set_reserve(s, A(10, 80, 0, 5), &got),
	    POOL_OUTSIDE);
	CU_ASSERT_PTR_NULL(got);
	CU_ASSERT_EQUAL(pool_set_release(s, A(10, 80, 0, 5)), POOL_OUTSIDE);
	CU_ASSERT_EQUAL(pool_set_reserve(s, A(192, 0, 2, 7), NULL),
	    POOL_OUTSIDE);
	pool_set_destroy(s);
}

struct pfx {
	uint32_t	 net[64];
	unsigned	 plen[64], n;
};

static int
pfx_cb(void *arg, uint32_t net, unsigned plen)
{
	struct pfx *p = arg;

	if (p->n == 64)
		return -1;
	p->net[p->n] = net;
	p->plen[p->n++] = plen;
	return 0;
}

/* the routes of a pool: fewest prefixes covering exactly the range */
static void
test_prefixes(void)
{
	struct pfx p;
	uint64_t next;
	unsigned i;

	memset(&p, 0, sizeof(p));
	CU_ASSERT_EQUAL(pool_prefixes(A(10, 80, 0, 10), A(10, 80, 3, 250),
	    pfx_cb, &p), 0);
	CU_ASSERT_EQUAL(p.n, 15);
	CU_ASSERT(p.net[0] == A(10, 80, 0, 10) && p.plen[0] == 31);
	CU_ASSERT(p.net[6] == A(10, 80, 1, 0) && p.plen[6] == 24);
	CU_ASSERT(p.net[14] == A(10, 80, 3, 250) && p.plen[14] == 32);
	/* contiguous, in order, each aligned */
	for (i = 0, next = A(10, 80, 0, 10); i < p.n; i++) {
		uint64_t size = 1ull << (32 - p.plen[i]);

		CU_ASSERT(p.net[i] == next && (p.net[i] & (size - 1)) == 0);
		next = p.net[i] + size;
	}
	CU_ASSERT_EQUAL(next, (uint64_t)A(10, 80, 3, 250) + 1);
	memset(&p, 0, sizeof(p));
	CU_ASSERT_EQUAL(pool_prefixes(A(10, 0, 0, 0), A(10, 255, 255, 255),
	    pfx_cb, &p), 0);
	CU_ASSERT(p.n == 1 && p.plen[0] == 8);
	memset(&p, 0, sizeof(p));
	CU_ASSERT_EQUAL(pool_prefixes(A(10, 1, 1, 1), A(10, 1, 1, 1), pfx_cb,
	    &p), 0);
	CU_ASSERT(p.n == 1 && p.plen[0] == 32);
	/* the top of the address space does not wrap */
	memset(&p, 0, sizeof(p));
	CU_ASSERT_EQUAL(pool_prefixes(A(255, 255, 255, 254),
	    A(255, 255, 255, 255), pfx_cb, &p), 0);
	CU_ASSERT(p.n == 1 && p.plen[0] == 31);
	/* a callback's -1 stops the walk */
	p.n = 64;
	CU_ASSERT_EQUAL(pool_prefixes(A(10, 1, 1, 1), A(10, 1, 1, 1), pfx_cb,
	    &p), -1);
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("pool", NULL, NULL);

	CU_add_test(s, "model", test_model);
	CU_add_test(s, "single", test_single);
	CU_add_test(s, "full_max", test_full_max);
	CU_add_test(s, "wrap_255", test_wrap_255);
	CU_add_test(s, "bad_ranges", test_bad_ranges);
	CU_add_test(s, "mark", test_mark);
	CU_add_test(s, "set", test_set);
	CU_add_test(s, "set_framed", test_set_framed);
	CU_add_test(s, "prefixes", test_prefixes);
}
