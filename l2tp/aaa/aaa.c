/*
 * aaa.c - method lists, the username table and the request walk (aaa.h).
 */
#include <stdlib.h>
#include <string.h>

#include "aaa.h"
#include "ppp.h"

#define AAA_LISTS_MAX	16

struct aaa_user {
	char		 name[AAA_NAME_MAX];
	char		 password[AAA_SECRET_MAX];
};

struct aaa_list {
	char		 name[AAA_NAME_MAX];
	struct aaa_method m[AAA_METHODS_MAX];
	size_t		 n;
};

struct aaa_reg {
	const struct aaa_method_ops *ops;
	void		*arg;
};

struct aaa_req {
	struct aaa	*aaa;
	struct aaa_cred	 cred;
	struct aaa_method m[AAA_METHODS_MAX];
	size_t		 n, next;	/* methods, the one being asked */
	aaa_done_fn	 done;
	void		*arg;
	int		 pending;	/* a method holds it */
	int		 in_walk;	/* walk() is on the stack */
	struct aaa_req	*prev, *nextreq;
};

struct aaa {
	int		 new_model;
	struct aaa_user	*users;		/* sorted by name */
	size_t		 nusers;
	struct aaa_list	 lists[AAA_LISTS_MAX];	/* sorted by name */
	size_t		 nlists;
	struct aaa_reg	 reg[AAA_M_MAX];
	struct aaa_req	*reqs;		/* pending */
	struct aaa_stats st;
};

static const char *const result_names[AAA_RESULT_MAX] = {
	[AAA_PASS] = "pass", [AAA_FAIL] = "fail", [AAA_ERROR] = "error",
	[AAA_PENDING] = "pending",
};

const char *
aaa_result_name(unsigned r)
{
	return r < AAA_RESULT_MAX ? result_names[r] : "?";
}

static void
wipe_users(struct aaa *a)
{
	if (a->users != NULL)
		explicit_bzero(a->users, a->nusers * sizeof(*a->users));
	free(a->users);
	a->users = NULL;
	a->nusers = 0;
}

struct aaa *
aaa_create(void)
{
	return calloc(1, sizeof(struct aaa));
}

static void
req_unlink(struct aaa_req *r)
{
	struct aaa *a = r->aaa;

	if (r->prev != NULL)
		r->prev->nextreq = r->nextreq;
	else if (a->reqs == r)
		a->reqs = r->nextreq;
	if (r->nextreq != NULL)
		r->nextreq->prev = r->prev;
	r->prev = r->nextreq = NULL;
}

static void
req_free(struct aaa_req *r)
{
	explicit_bzero(&r->cred, sizeof(r->cred));
	free(r);
}

void
aaa_destroy(struct aaa *a)
{
	if (a == NULL)
		return;
	while (a->reqs != NULL)
		aaa_cancel(a->reqs);
	wipe_users(a);
	free(a);
}

int
aaa_method_register(struct aaa *a, enum aaa_method_type t,
    const struct aaa_method_ops *ops, void *arg)
{
	if ((unsigned)t >= AAA_M_MAX || t == AAA_M_LOCAL || ops == NULL ||
	    ops->start == NULL)
		return -1;
	a->reg[t].ops = ops;
	a->reg[t].arg = arg;
	return 0;
}

void
aaa_set_new_model(struct aaa *a, int on)
{
	a->new_model = on;
}

int
aaa_new_model(const struct aaa *a)
{
	return a->new_model;
}

static struct aaa_list *
list_find(const struct aaa *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->nlists; i++)
		if (strcmp(a->lists[i].name, name) == 0)
			return (struct aaa_list *)&a->lists[i];
	return NULL;
}

int
aaa_list_set(struct aaa *a, const char *name, const struct aaa_method *m,
    size_t n)
{
	struct aaa_list *l;
	size_t i;

	if (n == 0 || n > AAA_METHODS_MAX || strlen(name) >= AAA_NAME_MAX ||
	    name[0] == '\0')
		return -1;
	if ((l = list_find(a, name)) == NULL) {
		if (a->nlists == AAA_LISTS_MAX)
			return -1;
		/* keep name order: shift the ones after it */
		for (i = a->nlists; i > 0 && strcmp(a->lists[i - 1].name,
		    name) > 0; i--)
			a->lists[i] = a->lists[i - 1];
		l = &a->lists[i];
		a->nlists++;
		memset(l, 0, sizeof(*l));
		memcpy(l->name, name, strlen(name) + 1);
	}
	memcpy(l->m, m, n * sizeof(*m));
	l->n = n;
	return 0;
}

size_t
aaa_list_get(const struct aaa *a, const char *name, struct aaa_method *out,
    size_t max)
{
	const struct aaa_list *l = list_find(a, name);
	size_t n;

	if (l == NULL)
		return 0;
	n = l->n < max ? l->n : max;
	memcpy(out, l->m, n * sizeof(*out));
	return n;
}

const char *
aaa_list_name(const struct aaa *a, size_t i)
{
	return i < a->nlists ? a->lists[i].name : NULL;
}

/* index of user, or -(insertion point + 1) */
static long
user_find(const struct aaa *a, const char *user)
{
	size_t lo = 0, hi = a->nusers;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(a->users[mid].name, user);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(long)lo - 1;
}

int
aaa_user_set(struct aaa *a, const char *user, const char *password)
{
	struct aaa_user *nu;
	long i;
	size_t at;

	if (user[0] == '\0' || strlen(user) >= AAA_NAME_MAX ||
	    password[0] == '\0' || strlen(password) >= AAA_SECRET_MAX)
		return -1;
	if ((i = user_find(a, user)) >= 0) {
		explicit_bzero(a->users[i].password, AAA_SECRET_MAX);
		memcpy(a->users[i].password, password, strlen(password) + 1);
		return 0;
	}
	at = (size_t)(-i - 1);
	/* grow by copying so a freed table is always wiped first */
	if ((nu = calloc(a->nusers + 1, sizeof(*nu))) == NULL)
		return -1;
	if (a->nusers > 0) {
		memcpy(nu, a->users, at * sizeof(*nu));
		memcpy(nu + at + 1, a->users + at, (a->nusers - at) *
		    sizeof(*nu));
	}
	memcpy(nu[at].name, user, strlen(user) + 1);
	memcpy(nu[at].password, password, strlen(password) + 1);
	at = a->nusers + 1;
	wipe_users(a);
	a->users = nu;
	a->nusers = at;
	return 0;
}

int
aaa_user_remove(struct aaa *a, const char *user)
{
	long i = user_find(a, user);

	if (i < 0)
		return -1;
	explicit_bzero(&a->users[i], sizeof(a->users[i]));
	memmove(&a->users[i], &a->users[i + 1], (a->nusers - (size_t)i - 1) *
	    sizeof(a->users[0]));
	a->nusers--;
	explicit_bzero(&a->users[a->nusers], sizeof(a->users[0]));
	return 0;
}

size_t
aaa_user_count(const struct aaa *a)
{
	return a->nusers;
}

const char *
aaa_user_get(const struct aaa *a, size_t i)
{
	return i < a->nusers ? a->users[i].name : NULL;
}

void
aaa_conf_move(struct aaa *to, struct aaa *from)
{
	wipe_users(to);
	to->new_model = from->new_model;
	to->users = from->users;
	to->nusers = from->nusers;
	memcpy(to->lists, from->lists, sizeof(to->lists));
	to->nlists = from->nlists;
	from->users = NULL;
	from->nusers = 0;
	from->nlists = 0;
	from->new_model = 0;
}

/* the local method: the username table */
enum aaa_result
aaa_local_verify(const struct aaa *a, const struct aaa_cred *c)
{
	const struct aaa_user *u;
	size_t pl, ul;
	long i;
	int ok;

	if ((i = user_find(a, c->user)) < 0)
		return AAA_FAIL;	/* IOS: local is authoritative */
	u = &a->users[i];
	if (c->type == AAA_CRED_CHAP)
		return ppp_chap_md5_verify(c->chap_id, u->password, c->chal,
		    c->chal_len, c->resp, c->resp_len) == 1 ? AAA_PASS :
		    AAA_FAIL;
	/* PAP: constant time over the stored password's length */
	pl = strlen(u->password);
	ul = strnlen(c->password, sizeof(c->password));
	ok = ul == pl;
	{
		unsigned char d = 0;
		size_t k;

		for (k = 0; k < pl; k++)
			d |= (unsigned char)(u->password[k] ^
			    (k < ul ? c->password[k] : 0));
		ok = ok && d == 0;
	}
	return ok ? AAA_PASS : AAA_FAIL;
}

static const char *
result_msg(enum aaa_result r, const char *msg)
{
	if (msg != NULL && msg[0] != '\0')
		return msg;
	return r == AAA_PASS ? "Authentication succeeded" :
	    "Authentication failed";
}

/* the verdict: unlink, count, answer, free */
static void
finish(struct aaa_req *r, enum aaa_result res, const char *msg)
{
	struct aaa *a = r->aaa;

	req_unlink(r);
	if (res == AAA_PASS)
		a->st.pass++;
	else if (res == AAA_FAIL)
		a->st.fail++;
	else
		a->st.error++;
	r->done(r->arg, res == AAA_PASS ? AAA_PASS : res, result_msg(res,
	    msg));
	req_free(r);
}

/*
 * Ask the methods from r->next on. Returns 1 when r was answered (and
 * freed), 0 when a method holds it.
 */
static int
walk(struct aaa_req *r)
{
	struct aaa *a = r->aaa;
	enum aaa_result res = AAA_ERROR;

	while (r->next < r->n) {
		const struct aaa_method *m = &r->m[r->next++];
		const struct aaa_reg *g = &a->reg[m->type];

		if (m->type == AAA_M_LOCAL)
			res = aaa_local_verify(a, &r->cred);
		else if (g->ops != NULL) {
			r->pending = 1;
			r->in_walk = 1;
			res = g->ops->start(g->arg, r, m, &r->cred);
			r->in_walk = 0;
			if (res == AAA_PENDING)
				return 0;
			r->pending = 0;
		} else
			res = AAA_ERROR;	/* no such method here */
		if ((unsigned)m->type < AAA_M_MAX && (unsigned)res <
		    AAA_RESULT_MAX)
			a->st.by_method[m->type][res]++;
		if (res == AAA_PASS || res == AAA_FAIL)
			break;
	}
	finish(r, res == AAA_PASS || res == AAA_FAIL ? res : AAA_ERROR, NULL);
	return 1;
}

struct aaa_req *
aaa_auth_start(struct aaa *a, const char *list, const struct aaa_cred *c,
    aaa_done_fn done, void *arg)
{
	struct aaa_list *l = NULL;
	struct aaa_req *r;

	a->st.requests++;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		a->st.error++;
		done(arg, AAA_ERROR, "Out of resources");
		return NULL;
	}
	r->aaa = a;
	r->cred = *c;
	r->done = done;
	r->arg = arg;
	if (a->new_model)
		l = list_find(a, list != NULL ? list : "default");
	if (l != NULL) {
		memcpy(r->m, l->m, l->n * sizeof(l->m[0]));
		r->n = l->n;
	} else {
		r->m[0].type = AAA_M_LOCAL;
		r->n = 1;
	}
	r->nextreq = a->reqs;
	if (a->reqs != NULL)
		a->reqs->prev = r;
	a->reqs = r;
	return walk(r) ? NULL : r;
}

void
aaa_method_done(struct aaa_req *r, enum aaa_result res, const char *msg)
{
	struct aaa *a = r->aaa;
	const struct aaa_method *m = &r->m[r->next - 1];

	/* from inside start(): its return value is the answer (aaa.h) */
	if (!r->pending || r->in_walk)
		return;
	r->pending = 0;
	if ((unsigned)res < AAA_RESULT_MAX && (unsigned)m->type < AAA_M_MAX)
		a->st.by_method[m->type][res]++;
	if (res == AAA_PASS || res == AAA_FAIL) {
		finish(r, res, msg);
		return;
	}
	(void)walk(r);		/* ERROR: the next method */
}

void
aaa_cancel(struct aaa_req *r)
{
	struct aaa *a;

	if (r == NULL)
		return;
	a = r->aaa;
	if (r->pending && a->reg[r->m[r->next - 1].type].ops != NULL &&
	    a->reg[r->m[r->next - 1].type].ops->cancel != NULL)
		a->reg[r->m[r->next - 1].type].ops->cancel(
		    a->reg[r->m[r->next - 1].type].arg, r);
	a->st.cancelled++;
	req_unlink(r);
	req_free(r);
}

const struct aaa_stats *
aaa_get_stats(const struct aaa *a)
{
	return &a->st;
}
