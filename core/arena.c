/*
 * arena.c - a bump allocator for what a received frame decodes into.
 *
 * The standby decodes a checkpoint frame (up to 1024 records) and then
 * each record's payload: protobuf-c makes a malloc for every message,
 * repeated field and bytes value, and frees them all again a moment
 * later. From an arena those are a pointer bump each and one reset per
 * frame. Chunks are kept across resets (the first one, and whatever the
 * largest frame needed, up to ARENA_KEEP), so a steady stream makes no
 * malloc at all. Nothing decoded into it may outlive the reset.
 */
#include <stdlib.h>
#include <string.h>

#include "sso_local.h"

#define ARENA_CHUNK	(64u << 10)
#define ARENA_KEEP	(4u << 20)	/* bytes kept across a reset */
#define ARENA_ALIGN	16

struct sso_arena_chunk {
	struct sso_arena_chunk *next;
	size_t		 size, used;
	unsigned char	 mem[] __attribute__((aligned(ARENA_ALIGN)));
};

static struct sso_arena *cur;	/* the frame being applied, or NULL */

static struct sso_arena_chunk *
chunk_new(size_t size)
{
	struct sso_arena_chunk *c;

	if ((c = malloc(sizeof(*c) + size)) == NULL)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

void *
sso_arena_alloc(struct sso_arena *a, size_t len)
{
	struct sso_arena_chunk *c = a->head;
	size_t need = (len + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

	if (need < len)
		return NULL;	/* overflow */
	if (c != NULL && c->size - c->used >= need) {
		void *p = c->mem + c->used;

		c->used += need;
		a->bytes += need;
		return p;
	}
	/* a kept chunk that is free, else a new one */
	if (a->spare != NULL && a->spare->size >= need) {
		c = a->spare;
		a->spare = c->next;
	} else if ((c = chunk_new(need > ARENA_CHUNK ? need : ARENA_CHUNK)) ==
	    NULL)
		return NULL;
	c->used = need;
	c->next = a->head;
	a->head = c;
	a->bytes += need;
	a->chunks++;
	return c->mem;
}

/* everything allocated since the last reset is gone */
void
sso_arena_reset(struct sso_arena *a)
{
	struct sso_arena_chunk *c, *n;
	size_t kept = 0;

	for (c = a->spare; c; c = c->next)
		kept += c->size;
	for (c = a->head; c; c = n) {
		n = c->next;
		if (kept + c->size <= ARENA_KEEP) {
			c->used = 0;
			c->next = a->spare;
			a->spare = c;
			kept += c->size;
		} else
			free(c);
	}
	a->head = NULL;
	a->bytes = 0;
}

void
sso_arena_free(struct sso_arena *a)
{
	struct sso_arena_chunk *c, *n;

	sso_arena_reset(a);
	for (c = a->spare; c; c = n) {
		n = c->next;
		free(c);
	}
	a->spare = NULL;
}

static void *
pb_alloc(void *data, size_t len)
{
	return sso_arena_alloc(data, len);
}

static void
pb_free(void *data, void *p)
{
	(void)data;
	(void)p;	/* freed by the reset */
}

ProtobufCAllocator *
sso_arena_pb(struct sso_arena *a)
{
	a->pb.alloc = pb_alloc;
	a->pb.free = pb_free;
	a->pb.allocator_data = a;
	return &a->pb;
}

void
sso_arena_set_current(struct sso_arena *a)
{
	cur = a;
}

ProtobufCAllocator *
sso_cf_rx_allocator(void)
{
	return cur != NULL ? sso_arena_pb(cur) : NULL;
}
