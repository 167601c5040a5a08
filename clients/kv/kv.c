/*
 * kv.c - demo key/value checkpoint client (see kv.h).
 *
 * Commands (active only for writes):
 *   kv set KEY VALUE [sync]   kv delete KEY   kv fill COUNT PREFIX
 *   show kv [key KEY]
 * Record types: KV_SET (key, value), KV_DEL (key).
 * The table has a fixed number of buckets so that the bulk cursor (a
 * bucket index) stays valid while the table changes during a bulk:
 * objects in buckets already sent reach the standby as live updates.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sso.h"
#include "kv.h"
#include "kv.pb-c.h"

#ifndef KV_VER_MIN
#define KV_VER_MIN	1
#endif
#ifndef KV_VER_MAX
#define KV_VER_MAX	1
#endif

#define KV_BUCKETS	(1u << 18)
#define KV_MAX_KEY	255
#define KV_MAX_VALUE	4096

enum { KV_SET = 1, KV_DEL = 2 };

struct kv_ent {
	struct kv_ent	*next;
	uint64_t	 hash;
	size_t		 vlen;
	char		*value;
	char		 key[];
};

static struct {
	struct kv_ent	**b;
	uint64_t	 count;
	uint64_t	 digest;	/* sum of entry hashes: order-free */
	uint32_t	 bulk_cursor;
	uint64_t	 apply_errors;
	struct sso_client *client;
} kv;

static uint64_t
fnv(const void *p, size_t n, uint64_t h)
{
	const uint8_t *s = p;

	while (n--) {
		h ^= *s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t
ent_digest(const char *key, const char *v, size_t vlen)
{
	uint64_t h = fnv(key, strlen(key) + 1, 0xcbf29ce484222325ULL);

	return fnv(v, vlen, h);
}

static struct kv_ent **
find(const char *key, uint64_t *hp)
{
	uint64_t h = fnv(key, strlen(key), 0xcbf29ce484222325ULL);
	struct kv_ent **pp = &kv.b[h & (KV_BUCKETS - 1)];

	*hp = h;
	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->hash == h && strcmp((*pp)->key, key) == 0)
			break;
	return pp;
}

static int
kv_put(const char *key, const char *value, size_t vlen)
{
	uint64_t h;
	struct kv_ent **pp = find(key, &h), *e;
	char *v;

	if ((v = malloc(vlen + 1)) == NULL)
		return -1;
	memcpy(v, value, vlen);
	v[vlen] = '\0';
	if ((e = *pp) != NULL) {
		kv.digest -= ent_digest(e->key, e->value, e->vlen);
		free(e->value);
	} else {
		if ((e = calloc(1, sizeof(*e) + strlen(key) + 1)) == NULL) {
			free(v);
			return -1;
		}
		strcpy(e->key, key);
		e->hash = h;
		*pp = e;
		kv.count++;
	}
	e->value = v;
	e->vlen = vlen;
	kv.digest += ent_digest(key, v, vlen);
	return 0;
}

static void
kv_del(const char *key)
{
	uint64_t h;
	struct kv_ent **pp = find(key, &h), *e;

	if ((e = *pp) == NULL)
		return;
	*pp = e->next;
	kv.digest -= ent_digest(e->key, e->value, e->vlen);
	kv.count--;
	free(e->value);
	free(e);
}

static void
kv_reset(void *arg)
{
	uint32_t i;

	for (i = 0; i < KV_BUCKETS; i++)
		while (kv.b[i])
			kv_del(kv.b[i]->key);
}

/* checkpoint encoding */

static int
send_rec(uint32_t type, const char *key, const char *value, size_t vlen,
    int flags, sso_cf_done_fn done, void *cbarg)
{
	Kv__KvRecord m = KV__KV_RECORD__INIT;
	uint8_t buf[KV_MAX_KEY + KV_MAX_VALUE + 32];
	size_t len;

	m.key = (char *)key;
	if (value) {
		m.value.data = (uint8_t *)value;
		m.value.len = vlen;
		m.has_value = 1;
	}
	len = kv__kv_record__pack(&m, buf);
	return sso_cf_send(kv.client, type, buf, len, flags, done, cbarg, 0);
}

static int
kv_apply(void *arg, uint32_t version, uint32_t type, const uint8_t *data,
    size_t len)
{
	Kv__KvRecord *m;
	int rc = 0;

	if ((m = kv__kv_record__unpack(NULL, len, data)) == NULL)
		return -1;
	if (m->key == NULL || strlen(m->key) > KV_MAX_KEY)
		rc = -1;
	else if (type == KV_SET && m->has_value && m->value.len <=
	    KV_MAX_VALUE)
		rc = kv_put(m->key, (const char *)m->value.data, m->value.len);
	else if (type == KV_DEL)
		kv_del(m->key);
	else
		rc = -1;
	kv__kv_record__free_unpacked(m, NULL);
	if (rc == -1)
		kv.apply_errors++;
	return rc;
}

static int
kv_bulk(void *arg, int first, unsigned budget)
{
	unsigned sent = 0;
	struct kv_ent *e;

	if (first)
		kv.bulk_cursor = 0;
	while (kv.bulk_cursor < KV_BUCKETS && sent < budget) {
		for (e = kv.b[kv.bulk_cursor]; e; e = e->next, sent++)
			if (send_rec(KV_SET, e->key, e->value, e->vlen,
			    SSO_SEND_ASYNC, NULL, NULL) == -1)
				/* EAGAIN: this bucket again later (SETs are
				 * idempotent); anything else fails the bulk */
				return errno == EAGAIN ? 0 : -1;
		kv.bulk_cursor++;
	}
	return kv.bulk_cursor >= KV_BUCKETS;
}

static void
kv_show(void *arg, struct sso_json *j, struct sso_wbuf *b)
{
	if (j) {
		sso_json_ku64(j, "records", kv.count);
		return;
	}
	sso_wbuf_printf(b, "     kv: %llu records\n",
	    (unsigned long long)kv.count);
}

static void kv_flow_on(void *);

static const struct sso_client_ops kv_ops = {
	.id = KV_CLIENT_ID,
	.name = "kv",
	.priority = 100,
	.ver_min = KV_VER_MIN,
	.ver_max = KV_VER_MAX,
	.phase = SSO_PHASE_BULK,
	.bulk = kv_bulk,
	.apply = kv_apply,
	.reset = kv_reset,
	.show = kv_show,
	.flow_on = kv_flow_on,
};

/* commands */

static const char *const status_names[] = {
	[SSO_CF_APPLIED] = "applied",
	[SSO_CF_NO_STANDBY] = "no_standby",
	[SSO_CF_TIMEOUT] = "timeout",
	[SSO_CF_PEER_DOWN] = "peer_down",
};

static int
writable(struct sso_reply *r)
{
	if (!SSO_RF_IS_ACTIVE(sso_rf_state()))
		return sso_reply_err(r, SSO_RC_ERROR, "%% Not active: writes "
		    "go to the active unit");
	if (sso_rf_quiesced())
		return sso_reply_err(r, SSO_RC_ERROR, "%% Switchover in "
		    "progress: retry on the new active");
	return SSO_RC_OK;
}

static void
set_done(void *cbarg, enum sso_cf_status st)
{
	struct sso_reply *r = cbarg;

	if (r->json)
		sso_wbuf_printf(&r->out, "{\"result\":\"%s\"}",
		    status_names[st]);
	else
		sso_wbuf_printf(&r->out, "%s\n", status_names[st]);
	sso_reply_done(r, SSO_RC_OK);
}

static int
cmd_set(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	int sync = (arg != NULL);
	size_t vlen = strlen(a->s[1]);

	if (writable(r) != SSO_RC_OK)
		return r->rc;
	if (strlen(a->s[0]) > KV_MAX_KEY || vlen > KV_MAX_VALUE)
		return sso_reply_err(r, SSO_RC_BADARG, "%% Key or value too "
		    "long");
	if (kv_put(a->s[0], a->s[1], vlen) == -1)
		return sso_reply_err(r, SSO_RC_ERROR, "%% Out of memory");
	if (send_rec(KV_SET, a->s[0], a->s[1], vlen, sync ? SSO_SEND_SYNC :
	    SSO_SEND_ASYNC, set_done, r) == -1)
		return sso_reply_err(r, SSO_RC_ERROR, "%% Checkpoint refused: "
		    "%s", strerror(errno));
	if (sync)
		return SSO_RC_PENDING;
	sso_wbuf_printf(&r->out, r->json ? "{\"result\":\"queued\"}" :
	    "queued\n");
	return SSO_RC_OK;
}

static int
cmd_delete(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	if (writable(r) != SSO_RC_OK)
		return r->rc;
	kv_del(a->s[0]);
	if (send_rec(KV_DEL, a->s[0], NULL, 0, SSO_SEND_ASYNC, NULL, NULL)
	    == -1)
		return sso_reply_err(r, SSO_RC_ERROR, "%% Checkpoint refused: "
		    "%s", strerror(errno));
	sso_wbuf_printf(&r->out, r->json ? "{\"result\":\"queued\"}" :
	    "queued\n");
	return SSO_RC_OK;
}

/* a fill that met back-pressure resumes from flow_on() */
static struct {
	struct sso_reply *r;
	uint32_t	 i, n;
	char		 prefix[KV_MAX_KEY + 1];
} fill;

static int
fill_run(void)
{
	char key[KV_MAX_KEY + 16], val[KV_MAX_KEY + 32];

	for (; fill.i < fill.n; fill.i++) {
		int vlen;

		snprintf(key, sizeof(key), "%s%u", fill.prefix, fill.i);
		vlen = snprintf(val, sizeof(val), "v%u-%s", fill.i, fill.prefix);
		if (kv_put(key, val, (size_t)vlen) == -1)
			return sso_reply_err(fill.r, SSO_RC_ERROR, "%% Out of "
			    "memory after %u records", fill.i);
		if (send_rec(KV_SET, key, val, (size_t)vlen, SSO_SEND_ASYNC,
		    NULL, NULL) == -1) {
			if (errno == EAGAIN)
				return SSO_RC_PENDING;	/* flow_on resumes */
			return sso_reply_err(fill.r, SSO_RC_ERROR, "%% Stopped "
			    "after %u of %u records: %s", fill.i, fill.n,
			    strerror(errno));
		}
	}
	sso_wbuf_printf(&fill.r->out, fill.r->json ? "{\"result\":\"queued\","
	    "\"records\":%u}" : "%u records queued\n", fill.n);
	return SSO_RC_OK;
}

static void
kv_flow_on(void *arg)
{
	struct sso_reply *r = fill.r;
	int rc;

	if (r == NULL)
		return;
	if (!SSO_RF_IS_ACTIVE(sso_rf_state()))
		rc = sso_reply_err(r, SSO_RC_ERROR, "%% No longer active "
		    "after %u of %u records", fill.i, fill.n);
	else if ((rc = fill_run()) == SSO_RC_PENDING)
		return;
	fill.r = NULL;
	sso_reply_done(r, rc);
}

static int
cmd_fill(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	int rc;

	if (writable(r) != SSO_RC_OK)
		return r->rc;
	if (fill.r != NULL)
		return sso_reply_err(r, SSO_RC_ERROR, "%% A fill is already "
		    "waiting for the standby");
	if (strlen(a->s[1]) > KV_MAX_KEY - 12)
		return sso_reply_err(r, SSO_RC_BADARG, "%% Prefix too long");
	fill.r = r;
	fill.i = 0;
	fill.n = a->u[0];
	snprintf(fill.prefix, sizeof(fill.prefix), "%s", a->s[1]);
	if ((rc = fill_run()) != SSO_RC_PENDING)
		fill.r = NULL;
	return rc;
}

static int
cmd_show(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	if (r->json)
		sso_wbuf_printf(&r->out, "{\"records\":%llu,\"digest\":"
		    "\"%016llx\",\"version\":%u,\"apply_errors\":%llu}",
		    (unsigned long long)kv.count,
		    (unsigned long long)kv.digest, sso_cf_version(kv.client),
		    (unsigned long long)kv.apply_errors);
	else
		sso_wbuf_printf(&r->out, "Records: %llu\nDigest: %016llx\n"
		    "Message version: %u\nApply errors: %llu\n",
		    (unsigned long long)kv.count,
		    (unsigned long long)kv.digest, sso_cf_version(kv.client),
		    (unsigned long long)kv.apply_errors);
	return SSO_RC_OK;
}

static int
cmd_show_key(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	uint64_t h;
	struct kv_ent *e = *find(a->s[0], &h);
	struct sso_json j;

	if (e == NULL)
		return sso_reply_err(r, SSO_RC_ERROR, "%% No such key");
	if (r->json) {
		sso_json_init(&j, &r->out);
		sso_json_obj(&j);
		sso_json_kstr(&j, "key", e->key);
		sso_json_kstr(&j, "value", e->value);
		sso_json_obj_end(&j);
	} else
		sso_wbuf_printf(&r->out, "%s = %s\n", e->key, e->value);
	return SSO_RC_OK;
}

int
kv_client_init(void)
{
	if ((kv.b = calloc(KV_BUCKETS, sizeof(*kv.b))) == NULL)
		return -1;
	kv.client = sso_cf_register(&kv_ops, NULL);
	sso_cmd_register("kv set <word> <word>", cmd_set, NULL);
	sso_cmd_register("kv set <word> <word> sync", cmd_set, &kv);
	sso_cmd_register("kv delete <word>", cmd_delete, NULL);
	sso_cmd_register("kv fill <uint:1-10000000> <word>", cmd_fill, NULL);
	sso_cmd_register("show kv", cmd_show, NULL);
	sso_cmd_register("show kv key <word>", cmd_show_key, NULL);
	return 0;
}
