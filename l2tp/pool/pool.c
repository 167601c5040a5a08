/*
 * pool.c - IPv4 address pools: a bitmap of free addresses (bit set = free)
 * under a 64-ary summary tree (bit set in level k+1 = that word of level k
 * has a free bit), so the lowest free address is found by descending the
 * tree: one count-trailing-zeros per level, at most 4 levels at 2^20.
 * Every update fixes the summary bits on the way up.
 */
#include <stdlib.h>
#include <string.h>

#include "pool.h"

#define LEVELS_MAX	5	/* 2^20 bits -> 16384 -> 256 -> 4 -> 1 words */

struct pool {
	char		 name[POOL_NAME_MAX];
	uint32_t	 first, last, size, used;
	int		 levels;
	uint64_t	*lv[LEVELS_MAX];	/* lv[0]: one bit per address */
	uint32_t	 words[LEVELS_MAX];
};

static const char *const rc_names[] = {
	[0] = "ok", [1] = "pool exhausted", [2] = "address not in pool",
	[3] = "address in use", [4] = "address not in use",
};

const char *
pool_rc_name(int rc)
{
	if (rc > 0 || -rc >= (int)(sizeof(rc_names) / sizeof(rc_names[0])))
		return "unknown";
	return rc_names[-rc];
}

int
pool_range_check(uint32_t first, uint32_t last, const char **why)
{
	static const char *dummy;

	if (why == NULL)
		why = &dummy;
	if (first > last)
		return *why = "first address above last address", -1;
	if (last - first >= POOL_MAX_SIZE)
		return *why = "more than 1048576 addresses", -1;
	/* not assignable to a subscriber: RFC 1122 3.2.1.3, RFC 5771, RFC 1112 */
	if ((first >> 24) == 0 || (last >> 24) == 0)
		return *why = "address in 0.0.0.0/8", -1;
	if (first <= 0x7fffffffu && last >= 0x7f000000u)
		return *why = "address in 127.0.0.0/8", -1;
	if (last >= 0xe0000000u)
		return *why = "multicast or reserved address (224.0.0.0/3)", -1;
	return 0;
}

static void
bit_set(struct pool *p, uint32_t i)
{
	int l;

	for (l = 0; l < p->levels; l++) {
		uint64_t was = p->lv[l][i / 64];

		p->lv[l][i / 64] = was | (1ull << (i % 64));
		if (was != 0)
			break;		/* the summary above already says so */
		i /= 64;
	}
}

static void
bit_clear(struct pool *p, uint32_t i)
{
	int l;

	for (l = 0; l < p->levels; l++) {
		p->lv[l][i / 64] &= ~(1ull << (i % 64));
		if (p->lv[l][i / 64] != 0)
			break;		/* the word still has a free bit */
		i /= 64;
	}
}

static int
bit_test(const struct pool *p, uint32_t i)
{
	return (p->lv[0][i / 64] >> (i % 64)) & 1;
}

struct pool *
pool_create(const char *name, uint32_t first, uint32_t last,
    const char **why)
{
	struct pool *p;
	uint32_t n, i;
	int l;

	if (pool_range_check(first, last, why) == -1)
		return NULL;
	if (name == NULL || *name == '\0' || strlen(name) >= POOL_NAME_MAX) {
		if (why)
			*why = "pool name empty or too long";
		return NULL;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		if (why)
			*why = "out of memory";
		return NULL;
	}
	strcpy(p->name, name);
	p->first = first;
	p->last = last;
	p->size = last - first + 1;
	for (n = p->size, l = 0; ; l++) {
		p->words[l] = (n + 63) / 64;
		if ((p->lv[l] = calloc(p->words[l], sizeof(uint64_t))) == NULL) {
			p->levels = l;
			pool_destroy(p);
			if (why)
				*why = "out of memory";
			return NULL;
		}
		n = p->words[l];
		if (n == 1)
			break;
	}
	p->levels = l + 1;
	for (i = 0; i < p->size; i++)
		bit_set(p, i);
	return p;
}

void
pool_destroy(struct pool *p)
{
	int l;

	if (p == NULL)
		return;
	for (l = 0; l < p->levels; l++)
		free(p->lv[l]);
	free(p);
}

static int
take_index(struct pool *p, uint32_t i, uint32_t *addr)
{
	bit_clear(p, i);
	p->used++;
	if (addr)
		*addr = p->first + i;
	return POOL_OK;
}

int
pool_alloc(struct pool *p, uint32_t *addr)
{
	uint32_t i = 0;
	int l;

	if (p->lv[p->levels - 1][0] == 0)
		return POOL_FULL;
	for (l = p->levels - 1; l >= 0; l--)
		i = i * 64 + (uint32_t)__builtin_ctzll(p->lv[l][i]);
	return take_index(p, i, addr);
}

int
pool_contains(const struct pool *p, uint32_t addr)
{
	return addr >= p->first && addr <= p->last;
}

int
pool_alloc_hint(struct pool *p, uint32_t hint, uint32_t *addr)
{
	if (pool_contains(p, hint) && bit_test(p, hint - p->first))
		return take_index(p, hint - p->first, addr);
	return pool_alloc(p, addr);
}

int
pool_take(struct pool *p, uint32_t addr)
{
	if (!pool_contains(p, addr))
		return POOL_OUTSIDE;
	if (!bit_test(p, addr - p->first))
		return POOL_IN_USE;
	return take_index(p, addr - p->first, NULL);
}

int
pool_release(struct pool *p, uint32_t addr)
{
	if (!pool_contains(p, addr))
		return POOL_OUTSIDE;
	if (bit_test(p, addr - p->first))
		return POOL_NOT_IN_USE;
	bit_set(p, addr - p->first);
	p->used--;
	return POOL_OK;
}

int
pool_mark(struct pool *p, uint32_t addr, int in_use)
{
	if (!pool_contains(p, addr))
		return POOL_OUTSIDE;
	if (in_use && bit_test(p, addr - p->first))
		take_index(p, addr - p->first, NULL);
	else if (!in_use && !bit_test(p, addr - p->first)) {
		bit_set(p, addr - p->first);
		p->used--;
	}
	return POOL_OK;
}

int
pool_in_use(const struct pool *p, uint32_t addr)
{
	return pool_contains(p, addr) && !bit_test(p, addr - p->first);
}

int
pool_next_used(const struct pool *p, uint32_t from, uint32_t *addr)
{
	uint32_t i, w;
	uint64_t used;

	if (from > p->last)
		return -1;
	i = from < p->first ? 0 : from - p->first;
	for (w = i / 64; w < p->words[0]; w++) {
		used = ~p->lv[0][w];
		if (w == i / 64)
			used &= ~0ull << (i % 64);
		if (used == 0)
			continue;
		i = w * 64 + (uint32_t)__builtin_ctzll(used);
		if (i >= p->size)
			return -1;	/* a padding bit past the last address */
		*addr = p->first + i;
		return 0;
	}
	return -1;
}

const char *pool_name(const struct pool *p) { return p->name; }
uint32_t pool_first(const struct pool *p) { return p->first; }
uint32_t pool_last(const struct pool *p) { return p->last; }
uint32_t pool_size(const struct pool *p) { return p->size; }
uint32_t pool_used_count(const struct pool *p) { return p->used; }
uint32_t pool_free_count(const struct pool *p) { return p->size - p->used; }

int
pool_prefixes(uint32_t first, uint32_t last,
    int (*cb)(void *, uint32_t, unsigned), void *arg)
{
	uint64_t a = first, end = last;
	unsigned plen;

	while (a <= end) {
		/* the largest aligned block starting at a that fits */
		for (plen = 0; plen < 32; plen++) {
			uint64_t size = 1ull << (32 - plen);

			if ((a & (size - 1)) == 0 && a + size - 1 <= end)
				break;
		}
		if (cb(arg, (uint32_t)a, plen) == -1)
			return -1;
		a += 1ull << (32 - plen);
	}
	return 0;
}
