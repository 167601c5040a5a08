/*
 * set.c - the named pools of a configuration, kept sorted by name (show
 * order, binary search). Sets change at configuration time only, so a
 * plain array is enough; lookups by address are a linear walk (a handful
 * of pools), done once per session set-up, never per packet.
 */
#include <stdlib.h>
#include <string.h>

#include "pool.h"

struct pool_set {
	struct pool	**v;
	size_t		  n, cap;
};

struct pool_set *
pool_set_create(void)
{
	return calloc(1, sizeof(struct pool_set));
}

void
pool_set_destroy(struct pool_set *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		pool_destroy(s->v[i]);
	free(s->v);
	free(s);
}

/* index of name, or -(insertion point) - 1 */
static long
find(const struct pool_set *s, const char *name)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(pool_name(s->v[mid]), name);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(long)lo - 1;
}

struct pool *
pool_set_add(struct pool_set *s, const char *name, uint32_t first,
    uint32_t last, const char **why)
{
	struct pool *p;
	size_t i, at;
	long f;

	if (pool_range_check(first, last, why) == -1)
		return NULL;
	if (name == NULL || *name == '\0' || strlen(name) >= POOL_NAME_MAX) {
		if (why)
			*why = "pool name empty or too long";
		return NULL;
	}
	if ((f = find(s, name)) >= 0) {
		if (why)
			*why = "a pool of that name exists";
		return NULL;
	}
	for (i = 0; i < s->n; i++)
		if (first <= pool_last(s->v[i]) &&
		    last >= pool_first(s->v[i])) {
			if (why)
				*why = "range overlaps another pool";
			return NULL;
		}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct pool **v = realloc(s->v, cap * sizeof(*v));

		if (v == NULL) {
			if (why)
				*why = "out of memory";
			return NULL;
		}
		s->v = v;
		s->cap = cap;
	}
	if ((p = pool_create(name, first, last, why)) == NULL)
		return NULL;
	at = (size_t)(-find(s, name) - 1);
	memmove(s->v + at + 1, s->v + at, (s->n - at) * sizeof(*s->v));
	s->v[at] = p;
	s->n++;
	return p;
}

int
pool_set_remove(struct pool_set *s, const char *name)
{
	long f = find(s, name);

	if (f < 0)
		return -1;
	pool_destroy(s->v[f]);
	memmove(s->v + f, s->v + f + 1, (s->n - (size_t)f - 1) *
	    sizeof(*s->v));
	s->n--;
	return 0;
}

struct pool *
pool_set_find(const struct pool_set *s, const char *name)
{
	long f = find(s, name);

	return f < 0 ? NULL : s->v[f];
}

struct pool *
pool_set_lookup(const struct pool_set *s, uint32_t addr)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (pool_contains(s->v[i], addr))
			return s->v[i];
	return NULL;
}

/*
 * RADIUS Framed-IP-Address: the pool holding addr reserves it (exactly
 * that address: pool_take) so it is given to nobody else until
 * pool_set_release(); POOL_OUTSIDE when no pool has it (the caller
 * routes it), POOL_IN_USE when another session holds it.
 */
int
pool_set_reserve(struct pool_set *s, uint32_t addr, struct pool **pp)
{
	struct pool *p = pool_set_lookup(s, addr);

	if (pp != NULL)
		*pp = p;
	return p == NULL ? POOL_OUTSIDE : pool_take(p, addr);
}

int
pool_set_release(struct pool_set *s, uint32_t addr)
{
	struct pool *p = pool_set_lookup(s, addr);

	return p == NULL ? POOL_OUTSIDE : pool_release(p, addr);
}

/* POOL_OK when addr is in a pool and free, else why not */
int
pool_set_check(const struct pool_set *s, uint32_t addr)
{
	const struct pool *p = pool_set_lookup(s, addr);

	return p == NULL ? POOL_OUTSIDE : pool_in_use(p, addr) ? POOL_IN_USE :
	    POOL_OK;
}

size_t
pool_set_count(const struct pool_set *s)
{
	return s->n;
}

struct pool *
pool_set_get(const struct pool_set *s, size_t i)
{
	return i < s->n ? s->v[i] : NULL;
}
