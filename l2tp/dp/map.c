/*
 * map.c - the downstream table: IPv4 destination -> session, an open-
 * addressing hash with linear probing and backward-shift deletion (no
 * tombstones, so lookups stay short after churn). Address 0 marks an
 * empty slot: 0.0.0.0 is never a subscriber address. The load stays at
 * most 1/2; only insert and reserve grow the table, never lookup.
 */
#include <errno.h>
#include <stdlib.h>

#include "dp.h"

struct dp_slot {
	uint32_t	 key;
	void		*val;
};

/* murmur3's finalizer: pool addresses are sequential, so mix every bit */
static uint32_t
mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static uint32_t
pow2_for(uint32_t n)
{
	uint32_t cap = 16;

	while (cap < 2 * n && cap < (1u << 31))
		cap <<= 1;
	return cap;
}

int
dp_map_init(struct dp_map *m, uint32_t hint)
{
	uint32_t cap = pow2_for(hint);

	m->n = 0;
	m->mask = cap - 1;
	if ((m->slot = calloc(cap, sizeof(*m->slot))) == NULL)
		return -1;
	return 0;
}

void
dp_map_free(struct dp_map *m)
{
	free(m->slot);
	m->slot = NULL;
	m->n = 0;
}

static void
place(struct dp_slot *slot, uint32_t mask, uint32_t key, void *val)
{
	uint32_t i = mix(key) & mask;

	while (slot[i].key != 0)
		i = (i + 1) & mask;
	slot[i].key = key;
	slot[i].val = val;
}

int
dp_map_reserve(struct dp_map *m, uint32_t n)
{
	uint32_t cap = pow2_for(n), i;
	struct dp_slot *s;

	if (cap <= m->mask + 1)
		return 0;
	if ((s = calloc(cap, sizeof(*s))) == NULL)
		return -1;
	for (i = 0; i <= m->mask; i++)
		if (m->slot[i].key != 0)
			place(s, cap - 1, m->slot[i].key, m->slot[i].val);
	free(m->slot);
	m->slot = s;
	m->mask = cap - 1;
	return 0;
}

void *
dp_map_lookup(const struct dp_map *m, uint32_t key)
{
	uint32_t i = mix(key) & m->mask;

	if (key == 0)
		return NULL;
	for (; m->slot[i].key != 0; i = (i + 1) & m->mask)
		if (m->slot[i].key == key)
			return m->slot[i].val;
	return NULL;
}

int
dp_map_insert(struct dp_map *m, uint32_t key, void *val)
{
	if (key == 0 || val == NULL)
		return errno = EINVAL, -1;
	if (dp_map_lookup(m, key) != NULL)
		return errno = EEXIST, -1;
	if (dp_map_reserve(m, m->n + 1) == -1)
		return -1;
	place(m->slot, m->mask, key, val);
	m->n++;
	return 0;
}

int
dp_map_remove(struct dp_map *m, uint32_t key)
{
	uint32_t i = mix(key) & m->mask, j, home;

	if (key == 0)
		return -1;
	while (m->slot[i].key != key) {
		if (m->slot[i].key == 0)
			return -1;
		i = (i + 1) & m->mask;
	}
	/*
	 * Backward shift (Knuth 6.4 algorithm R): move up every later entry
	 * of the run whose home slot does not lie cyclically in (i, j].
	 */
	for (j = (i + 1) & m->mask; m->slot[j].key != 0;
	    j = (j + 1) & m->mask) {
		home = mix(m->slot[j].key) & m->mask;
		if (((j - home) & m->mask) >= ((j - i) & m->mask)) {
			m->slot[i] = m->slot[j];
			i = j;
		}
	}
	m->slot[i].key = 0;
	m->slot[i].val = NULL;
	m->n--;
	return 0;
}
