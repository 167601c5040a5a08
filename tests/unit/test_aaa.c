/*
 * test_aaa.c - libaaa: the local method (PAP, CHAP-MD5 RFC 1994 vectors,
 * unknown users, wrong lengths), method lists (IOS: ERROR goes to the
 * next method, FAIL is a verdict), a registered asynchronous method
 * answering later, cancellation, the username table kept sorted and
 * wiped, list print-back order.
 */
#include <string.h>

#include "runner.h"
#include "aaa.h"
#include "ppp.h"

struct answer {
	int		 n;
	enum aaa_result	 r;
	char		 msg[64];
};

static void
done(void *arg, enum aaa_result r, const char *msg)
{
	struct answer *a = arg;

	a->n++;
	a->r = r;
	snprintf(a->msg, sizeof(a->msg), "%s", msg);
}

static struct aaa_cred
pap(const char *u, const char *p)
{
	struct aaa_cred c;

	memset(&c, 0, sizeof(c));
	c.type = AAA_CRED_PAP;
	snprintf(c.user, sizeof(c.user), "%s", u);
	snprintf(c.password, sizeof(c.password), "%s", p);
	return c;
}

static struct aaa_cred
chap(const char *u, const char *secret, uint8_t id)
{
	static const uint8_t chal[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
	    12, 13, 14, 15, 16 };
	struct aaa_cred c;

	memset(&c, 0, sizeof(c));
	c.type = AAA_CRED_CHAP;
	snprintf(c.user, sizeof(c.user), "%s", u);
	c.chap_id = id;
	memcpy(c.chal, chal, sizeof(chal));
	c.chal_len = sizeof(chal);
	CU_ASSERT_EQUAL(ppp_chap_md5(id, secret, chal, sizeof(chal), c.resp),
	    0);
	c.resp_len = 16;
	return c;
}

static void
test_local(void)
{
	struct aaa *a = aaa_create();
	struct aaa_cred c;
	struct answer an = { 0 };

	CU_ASSERT_EQUAL(aaa_user_set(a, "alice", "alicepw"), 0);
	CU_ASSERT_EQUAL(aaa_user_set(a, "bob", "b"), 0);
	c = pap("alice", "alicepw");
	CU_ASSERT_EQUAL(aaa_local_verify(a, &c), AAA_PASS);
	c = pap("alice", "alicepw2");
	CU_ASSERT_EQUAL(aaa_local_verify(a, &c), AAA_FAIL);
	c = pap("alice", "alicep");
	CU_ASSERT_EQUAL(aaa_local_verify(a, &c), AAA_FAIL);
	c = pap("alice", "");
	CU_ASSERT_EQUAL(aaa_local_verify(a, &c), AAA_FAIL);
	c = pap("carol", "alicepw");
	CU_ASSERT_EQUAL(aaa_local_verify(a, &c), AAA_FAIL);
	c = chap("bob", "b", 7);
	CU_ASSERT_EQUAL(aaa_local_verify(a, &c), AAA_PASS);
	c.chap_id = 8;			/* the id is in the hash */
	CU_ASSERT_EQUAL(aaa_local_verify(a, &c), AAA_FAIL);
	c = chap("bob", "x", 7);
	CU_ASSERT_EQUAL(aaa_local_verify(a, &c), AAA_FAIL);
	c = chap("bob", "b", 7);
	c.resp_len = 15;		/* RFC 1994: MD5 values are 16 octets */
	CU_ASSERT_EQUAL(aaa_local_verify(a, &c), AAA_FAIL);
	/* the password replaced in place */
	CU_ASSERT_EQUAL(aaa_user_set(a, "alice", "new"), 0);
	c = pap("alice", "new");
	CU_ASSERT_EQUAL(aaa_local_verify(a, &c), AAA_PASS);
	CU_ASSERT_EQUAL(aaa_user_count(a), 2);
	/* without new-model or a list: local, answered at once */
	c = pap("alice", "new");
	CU_ASSERT_PTR_NULL(aaa_auth_start(a, NULL, &c, done, &an));
	CU_ASSERT_EQUAL(an.n, 1);
	CU_ASSERT_EQUAL(an.r, AAA_PASS);
	c = pap("alice", "old");
	CU_ASSERT_PTR_NULL(aaa_auth_start(a, "default", &c, done, &an));
	CU_ASSERT_EQUAL(an.n, 2);
	CU_ASSERT_EQUAL(an.r, AAA_FAIL);
	CU_ASSERT_STRING_EQUAL(an.msg, "Authentication failed");
	CU_ASSERT_EQUAL(aaa_get_stats(a)->pass, 1);
	CU_ASSERT_EQUAL(aaa_get_stats(a)->fail, 1);
	aaa_destroy(a);
}

static void
test_users(void)
{
	struct aaa *a = aaa_create();
	char longname[AAA_NAME_MAX + 1];

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CU_ASSERT_EQUAL(aaa_user_set(a, "m", "1"), 0);
	CU_ASSERT_EQUAL(aaa_user_set(a, "c", "1"), 0);
	CU_ASSERT_EQUAL(aaa_user_set(a, "x", "1"), 0);
	CU_ASSERT_EQUAL(aaa_user_set(a, "a", "1"), 0);
	CU_ASSERT_STRING_EQUAL(aaa_user_get(a, 0), "a");
	CU_ASSERT_STRING_EQUAL(aaa_user_get(a, 1), "c");
	CU_ASSERT_STRING_EQUAL(aaa_user_get(a, 2), "m");
	CU_ASSERT_STRING_EQUAL(aaa_user_get(a, 3), "x");
	CU_ASSERT_PTR_NULL(aaa_user_get(a, 4));
	CU_ASSERT_EQUAL(aaa_user_set(a, longname, "1"), -1);
	CU_ASSERT_EQUAL(aaa_user_set(a, "y", longname), -1);
	CU_ASSERT_EQUAL(aaa_user_set(a, "", "1"), -1);
	CU_ASSERT_EQUAL(aaa_user_set(a, "y", ""), -1);
	CU_ASSERT_EQUAL(aaa_user_remove(a, "c"), 0);
	CU_ASSERT_EQUAL(aaa_user_remove(a, "c"), -1);
	CU_ASSERT_STRING_EQUAL(aaa_user_get(a, 1), "m");
	CU_ASSERT_EQUAL(aaa_user_count(a), 3);
	aaa_destroy(a);
}

/* a server-group method: answers what it is told, now or later */
static struct {
	enum aaa_result	 now;
	struct aaa_req	*held;
	int		 started, cancelled;
	char		 group[AAA_NAME_MAX];
} fake;

static enum aaa_result
fake_start(void *arg, struct aaa_req *r, const struct aaa_method *m,
    const struct aaa_cred *c)
{
	fake.started++;
	snprintf(fake.group, sizeof(fake.group), "%s", m->group);
	if (fake.now == AAA_PENDING)
		fake.held = r;
	return fake.now;
}

static void
fake_cancel(void *arg, struct aaa_req *r)
{
	CU_ASSERT_PTR_EQUAL(r, fake.held);
	fake.cancelled++;
	fake.held = NULL;
}

static const struct aaa_method_ops fake_ops = {
	.name = "fake", .start = fake_start, .cancel = fake_cancel,
};

static void
test_lists(void)
{
	struct aaa *a = aaa_create();
	struct aaa_method m[2], got[AAA_METHODS_MAX];
	struct answer an = { 0 };
	struct aaa_cred c = pap("alice", "alicepw");
	struct aaa_req *r;

	memset(&fake, 0, sizeof(fake));
	CU_ASSERT_EQUAL(aaa_user_set(a, "alice", "alicepw"), 0);
	CU_ASSERT_EQUAL(aaa_method_register(a, AAA_M_GROUP, &fake_ops, NULL),
	    0);
	CU_ASSERT_EQUAL(aaa_method_register(a, AAA_M_LOCAL, &fake_ops, NULL),
	    -1);
	memset(m, 0, sizeof(m));
	m[0].type = AAA_M_GROUP;
	snprintf(m[0].group, sizeof(m[0].group), "RG");
	m[1].type = AAA_M_LOCAL;
	CU_ASSERT_EQUAL(aaa_list_set(a, "default", m, 0), -1);
	CU_ASSERT_EQUAL(aaa_list_set(a, "default", m, 2), 0);
	CU_ASSERT_EQUAL(aaa_list_set(a, "b-list", m + 1, 1), 0);
	CU_ASSERT_STRING_EQUAL(aaa_list_name(a, 0), "b-list");
	CU_ASSERT_STRING_EQUAL(aaa_list_name(a, 1), "default");
	CU_ASSERT_EQUAL(aaa_list_get(a, "default", got, AAA_METHODS_MAX), 2);
	CU_ASSERT_STRING_EQUAL(got[0].group, "RG");
	aaa_set_new_model(a, 1);

	/* the group has no answer (server down): local decides */
	fake.now = AAA_ERROR;
	CU_ASSERT_PTR_NULL(aaa_auth_start(a, NULL, &c, done, &an));
	CU_ASSERT_EQUAL(an.n, 1);
	CU_ASSERT_EQUAL(an.r, AAA_PASS);
	CU_ASSERT_STRING_EQUAL(fake.group, "RG");
	/* the group refuses: a verdict, local is not asked */
	fake.now = AAA_FAIL;
	CU_ASSERT_PTR_NULL(aaa_auth_start(a, NULL, &c, done, &an));
	CU_ASSERT_EQUAL(an.n, 2);
	CU_ASSERT_EQUAL(an.r, AAA_FAIL);
	/* later: pending, answered by the method */
	fake.now = AAA_PENDING;
	r = aaa_auth_start(a, NULL, &c, done, &an);
	CU_ASSERT_PTR_NOT_NULL(r);
	CU_ASSERT_PTR_EQUAL(r, fake.held);
	CU_ASSERT_EQUAL(an.n, 2);
	aaa_method_done(r, AAA_PASS, "Welcome");
	CU_ASSERT_EQUAL(an.n, 3);
	CU_ASSERT_EQUAL(an.r, AAA_PASS);
	CU_ASSERT_STRING_EQUAL(an.msg, "Welcome");
	/* later ERROR: the next method (local) answers */
	r = aaa_auth_start(a, NULL, &c, done, &an);
	aaa_method_done(r, AAA_ERROR, NULL);
	CU_ASSERT_EQUAL(an.n, 4);
	CU_ASSERT_EQUAL(an.r, AAA_PASS);
	/* the session died: cancelled, the callback never comes */
	r = aaa_auth_start(a, NULL, &c, done, &an);
	CU_ASSERT_PTR_NOT_NULL(r);
	aaa_cancel(r);
	CU_ASSERT_EQUAL(fake.cancelled, 1);
	CU_ASSERT_EQUAL(an.n, 4);
	/* a list of one method that errs: ERROR is the answer */
	m[0].type = AAA_M_GROUP;
	CU_ASSERT_EQUAL(aaa_list_set(a, "default", m, 1), 0);
	fake.now = AAA_ERROR;
	CU_ASSERT_PTR_NULL(aaa_auth_start(a, NULL, &c, done, &an));
	CU_ASSERT_EQUAL(an.n, 5);
	CU_ASSERT_EQUAL(an.r, AAA_ERROR);
	/* destroy cancels what is still pending */
	fake.now = AAA_PENDING;
	CU_ASSERT_PTR_NOT_NULL(aaa_auth_start(a, NULL, &c, done, &an));
	aaa_destroy(a);
	CU_ASSERT_EQUAL(fake.cancelled, 2);
	CU_ASSERT_EQUAL(an.n, 5);
}

static void
test_move(void)
{
	struct aaa *a = aaa_create(), *b = aaa_create();
	struct aaa_method m = { .type = AAA_M_LOCAL };
	struct aaa_cred c = pap("u", "p");

	CU_ASSERT_EQUAL(aaa_user_set(a, "u", "p"), 0);
	CU_ASSERT_EQUAL(aaa_list_set(a, "default", &m, 1), 0);
	aaa_set_new_model(a, 1);
	aaa_conf_move(b, a);
	CU_ASSERT_EQUAL(aaa_user_count(a), 0);
	CU_ASSERT_PTR_NULL(aaa_list_name(a, 0));
	CU_ASSERT_FALSE(aaa_new_model(a));
	CU_ASSERT_EQUAL(aaa_local_verify(b, &c), AAA_PASS);
	CU_ASSERT_EQUAL(aaa_local_verify(a, &c), AAA_FAIL);
	CU_ASSERT_TRUE(aaa_new_model(b));
	aaa_destroy(a);
	aaa_destroy(b);
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("aaa", NULL, NULL);

	CU_add_test(s, "local", test_local);
	CU_add_test(s, "users", test_users);
	CU_add_test(s, "lists", test_lists);
	CU_add_test(s, "move", test_move);
}
