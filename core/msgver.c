/*
 * msgver.c - ISSU message evolution: a record walked from one message
 * version to another through the steps its client declared (sso.h).
 *
 * Steps are applied one version at a time, so that a client adding
 * version 3 writes the 3 <-> 2 step only and every older peer is still
 * reached through the 2 <-> 1 step. Calls nothing else in core/: a
 * leaf, usable from a client's codec and from unit tests alone.
 */
#include <stddef.h>

#include "sso.h"

static int
step_run(const struct sso_msgver *mv, uint32_t type, uint32_t v, int down,
    void *rec)
{
	const struct sso_msgver_step *st;
	size_t i;

	for (i = 0; i < mv->nsteps; i++) {
		st = &mv->steps[i];
		if (st->version != v || (st->type != SSO_MSGVER_ANY &&
		    st->type != type))
			continue;
		if (down && st->down && st->down(rec) == -1)
			return -1;
		if (!down && st->up && st->up(rec) == -1)
			return -1;
	}
	return 0;
}

int
sso_msgver_down(const struct sso_msgver *mv, uint32_t type, uint32_t to,
    void *rec)
{
	uint32_t v;

	if (to < 1 || to > mv->native)
		return -1;
	for (v = mv->native; v > to; v--)
		if (step_run(mv, type, v, 1, rec) == -1)
			return -1;
	return 0;
}

int
sso_msgver_up(const struct sso_msgver *mv, uint32_t type, uint32_t from,
    void *rec)
{
	uint32_t v;

	if (from < 1 || from > mv->native)
		return -1;
	/* first away with what a version-`from` sender cannot have meant
	 * (fields of later versions in its record: unknown to it), then
	 * each later version's addition filled in */
	for (v = mv->native; v > from; v--)
		if (step_run(mv, type, v, 1, rec) == -1)
			return -1;
	for (v = from + 1; v <= mv->native; v++)
		if (step_run(mv, type, v, 0, rec) == -1)
			return -1;
	return 0;
}

uint32_t
sso_msgver_target(const struct sso_msgver *mv, uint32_t v)
{
	if (v == 0)
		return 1;
	return v > mv->native ? mv->native : v;
}
