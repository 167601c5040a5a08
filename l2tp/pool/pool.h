/*
 * pool.h - libpool: IPv4 address pools (`ip local pool NAME FIRST LAST`).
 *
 * Exactness is the contract (DESIGN.md "Subscribers", SSO rule 1): an
 * address is handed out at most once until it is released, and a release
 * of an address not in use is refused, so a bookkeeping error shows as an
 * error instead of a duplicate lease. A pool is a bitmap of free addresses
 * with a summary tree over it (64-ary, at most 4 levels for 2^20
 * addresses): allocate, take, release and mark are O(log64 n) and touch
 * no allocator after pool_create(). Addresses are host-order uint32_t.
 *
 * The standby copy does not allocate: it applies the active's decisions
 * with pool_mark(), which is idempotent so a replayed checkpoint record
 * is harmless.
 */
#ifndef POOL_H
#define POOL_H

#include <stddef.h>
#include <stdint.h>

#define POOL_NAME_MAX	64		/* with the NUL */
#define POOL_MAX_SIZE	(1u << 20)	/* addresses in one pool */

enum pool_rc {
	POOL_OK		= 0,
	POOL_FULL	= -1,	/* no free address */
	POOL_OUTSIDE	= -2,	/* address not in this pool */
	POOL_IN_USE	= -3,	/* take: already given out */
	POOL_NOT_IN_USE	= -4,	/* release: not given out (double release) */
};

struct pool;
struct pool_set;

/* NULL when the range is not acceptable: *why says why (static text) */
struct pool	*pool_create(const char *name, uint32_t first, uint32_t last,
		    const char **why);
void		 pool_destroy(struct pool *);
/* the range check pool_create() applies, for configuration parsers */
int		 pool_range_check(uint32_t first, uint32_t last,
		    const char **why);

/* the lowest free address */
int		 pool_alloc(struct pool *, uint32_t *addr);
/* hint if it is in the pool and free (a returning subscriber), else lowest */
int		 pool_alloc_hint(struct pool *, uint32_t hint, uint32_t *addr);
/* exactly addr (RADIUS Framed-IP-Address, restore): POOL_IN_USE if taken */
int		 pool_take(struct pool *, uint32_t addr);
int		 pool_release(struct pool *, uint32_t addr);
/* standby: set addr's state as the active decided (idempotent) */
int		 pool_mark(struct pool *, uint32_t addr, int in_use);
int		 pool_in_use(const struct pool *, uint32_t addr);
int		 pool_contains(const struct pool *, uint32_t addr);

const char	*pool_name(const struct pool *);
uint32_t	 pool_first(const struct pool *);
uint32_t	 pool_last(const struct pool *);
uint32_t	 pool_size(const struct pool *);
uint32_t	 pool_free_count(const struct pool *);
uint32_t	 pool_used_count(const struct pool *);
/* the lowest address in use >= from: 0 and *addr, or -1 when none */
int		 pool_next_used(const struct pool *, uint32_t from,
		    uint32_t *addr);
const char	*pool_rc_name(int rc);
/*
 * FIRST..LAST as the fewest prefixes (the routes of a pool), lowest
 * first: cb(arg, network, prefix length) for each; a cb returning -1
 * stops the walk and is returned.
 */
int		 pool_prefixes(uint32_t first, uint32_t last,
		    int (*cb)(void *, uint32_t net, unsigned plen), void *arg);

/*
 * A set of named pools (the configuration's `ip local pool` lines).
 * Ranges of two pools never overlap: an address belongs to one pool, so
 * it can only be given once. Iteration is in name order (show).
 */
struct pool_set	*pool_set_create(void);
void		 pool_set_destroy(struct pool_set *);
/* NULL with *why on a bad range, a duplicate name or an overlap */
struct pool	*pool_set_add(struct pool_set *, const char *name,
		    uint32_t first, uint32_t last, const char **why);
int		 pool_set_remove(struct pool_set *, const char *name);
struct pool	*pool_set_find(const struct pool_set *, const char *name);
/* the pool holding addr, or NULL */
struct pool	*pool_set_lookup(const struct pool_set *, uint32_t addr);
/* Framed-IP-Address: take exactly addr in the pool holding it (*pp);
 * POOL_OUTSIDE: in no pool, POOL_IN_USE: held by another */
int		 pool_set_reserve(struct pool_set *, uint32_t addr,
		    struct pool **pp);
int		 pool_set_release(struct pool_set *, uint32_t addr);
/* POOL_OK: in a pool and free; POOL_OUTSIDE or POOL_IN_USE */
int		 pool_set_check(const struct pool_set *, uint32_t addr);
size_t		 pool_set_count(const struct pool_set *);
/* the i-th pool in name order, NULL past the end */
struct pool	*pool_set_get(const struct pool_set *, size_t i);

#endif
