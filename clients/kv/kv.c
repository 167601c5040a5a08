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
#include "log.h"
#include <ev.h>
#include "kv.h"
#include "kv.pb-c.h"
#include "render.h"

#ifndef KV_VER_MIN
#define KV_VER_MIN	1
#endif
#ifndef KV_VER_MAX
#define KV_VER_MAX	1
#endif
/* ISSU: a base client by default (a pair with no common kv version stays
 * out of STANDBY HOT); the ISSU tests build it optional too */
#ifndef KV_OPTIONAL
#define KV_OPTIONAL	0
#endif

#define KV_BUCKETS	(1u << 18)
#define KV_MAX_KEY	KV_MSG_MAX_KEY
#define KV_MAX_VALUE	KV_MSG_MAX_VALUE

/* KV_BENCH: opaque payload for sso-bench; the standby only counts it */
enum { KV_SET = 1, KV_DEL = 2, KV_BENCH = 3 };

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
	uint64_t	 bench_rx;
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

/* checkpoint encoding: the codec (kv.h) */

uint64_t
kv_msg_digest(const char *key, const void *value, size_t vlen)
{
	return ent_digest(key, value, vlen);
}

/*
 * ISSU: version 2 adds the digest. Down to v1: dropped; up from v1:
 * computed from key and value (so a v1 record is checked like a v2 one,
 * trivially). The only place the kv client's versions differ.
 */
static int
kv_down_v2(void *rec)
{
	Kv__KvRecord *r = rec;

	r->has_digest = 0;
	r->digest = 0;
	return 0;
}

static int
kv_up_v2(void *rec)
{
	Kv__KvRecord *r = rec;

	if (r->has_value) {
		r->digest = ent_digest(r->key, r->value.data ?
		    (const char *)r->value.data : "", r->value.len);
		r->has_digest = 1;
	}
	return 0;
}

static const struct sso_msgver_step kv_steps[] = {
	{ SSO_MSGVER_ANY, 2, kv_down_v2, kv_up_v2 },
};
static const struct sso_msgver kv_mv = { KV_MSG_NATIVE, kv_steps,
    sizeof(kv_steps) / sizeof(kv_steps[0]) };

int
kv_msg_pack(uint32_t version, const struct kv_msg *m, uint8_t *buf,
    size_t len)
{
	Kv__KvRecord r = KV__KV_RECORD__INIT;

	if (m->key == NULL || strlen(m->key) > KV_MAX_KEY ||
	    m->vlen > KV_MAX_VALUE)
		return -1;
	r.key = (char *)m->key;
	if (m->value) {
		r.value.data = (uint8_t *)m->value;
		r.value.len = m->vlen;
		r.has_value = 1;
		r.digest = m->digest;
		r.has_digest = 1;
	}
	/* the native form, said in the peer's version */
	if (sso_msgver_down(&kv_mv, 0, version, &r) == -1 ||
	    kv__kv_record__get_packed_size(&r) > len)
		return -1;
	return (int)kv__kv_record__pack(&r, buf);
}

int
kv_msg_unpack(uint32_t version, const uint8_t *data, size_t len,
    struct kv_msg *m, void **hold)
{
	Kv__KvRecord *r;

	*hold = NULL;
	if (version < 1 || version > KV_MSG_NATIVE ||
	    (r = kv__kv_record__unpack(NULL, len, data)) == NULL)
		return -1;
	if (r->key == NULL || strlen(r->key) > KV_MAX_KEY ||
	    (r->has_value && r->value.len > KV_MAX_VALUE)) {
		kv__kv_record__free_unpacked(r, NULL);
		return -1;
	}
	/* a v1 record: its digest computed; a v2 one: checked */
	if (sso_msgver_up(&kv_mv, 0, version, r) == -1 ||
	    (r->has_value && r->has_digest && (r->digest !=
	    ent_digest(r->key, r->value.data ? (const char *)r->value.data :
	    "", r->value.len)))) {
		kv__kv_record__free_unpacked(r, NULL);
		return -1;
	}
	m->key = r->key;
	/* an empty value is a value: never NULL when present */
	m->value = !r->has_value ? NULL : r->value.data ? r->value.data :
	    (const uint8_t *)"";
	m->vlen = r->has_value ? r->value.len : 0;
	m->digest = !r->has_value ? 0 : r->has_digest ? r->digest :
	    ent_digest(m->key, (const char *)m->value, m->vlen);
	*hold = r;
	return 0;
}

void
kv_msg_free(void *hold)
{
	if (hold)
		kv__kv_record__free_unpacked(hold, NULL);
}

static int
send_rec(uint32_t type, const char *key, const char *value, size_t vlen,
    int flags, sso_cf_done_fn done, void *cbarg)
{
	struct kv_msg m = { key, (const uint8_t *)value, vlen, 0 };
	uint8_t buf[KV_MAX_KEY + KV_MAX_VALUE + 48];
	int len;

	if (value)
		m.digest = ent_digest(key, value, vlen);
	/* no standby, or one that takes none (optional, ISSU): version 0 */
	if ((len = kv_msg_pack(sso_msgver_target(&kv_mv,
	    sso_cf_version(kv.client)), &m, buf, sizeof(buf))) == -1) {
		errno = EMSGSIZE;
		return -1;
	}
	return sso_cf_send(kv.client, type, buf, (size_t)len, flags, done,
	    cbarg, 0);
}

static int
kv_apply(void *arg, uint32_t version, uint32_t type, const uint8_t *data,
    size_t len)
{
	struct kv_msg m;
	void *hold;
	int rc = 0;

	if (type == KV_BENCH) {
		kv.bench_rx++;
		return 0;
	}
	if (kv_msg_unpack(version, data, len, &m, &hold) == -1)
		rc = -1;
	else if (type == KV_SET && m.value)
		rc = kv_put(m.key, (const char *)m.value, m.vlen);
	else if (type == KV_DEL)
		kv_del(m.key);
	else
		rc = -1;
	kv_msg_free(hold);
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

/* show kv and the kv line of show redundancy: one snapshot */
struct kv_info {
	uint64_t	 records, digest, apply_errors;
	unsigned	 version;
};

static const char *
kv_records_text(const void *row, char *buf, size_t len)
{
	const struct kv_info *k = row;

	snprintf(buf, len, "%llu records", (unsigned long long)k->records);
	return buf;
}

#define KI	struct kv_info
static const struct sso_field kv_fields[] = {
	SSO_F_UINT(KI, records, "records", "Records:", 0),
	SSO_F_HEX(KI, digest, "digest", "Digest:", 0),
	SSO_F_UINT(KI, version, "version", "Message version:", 0),
	SSO_F_UINT(KI, apply_errors, "apply_errors", "Apply errors:", 0),
};
static const struct sso_field kv_line_fields[] = {
	SSO_F_UINT(KI, records, "records", NULL, 0),
	SSO_F_FN(NULL, "kv:", 0, kv_records_text),
};
#undef KI
static const struct sso_table kv_table = SSO_TABLE(kv_fields);
static const struct sso_table kv_line_table = SSO_TABLE(kv_line_fields);

static void
kv_info(struct kv_info *k)
{
	memset(k, 0, sizeof(*k));
	k->records = kv.count;
	k->digest = kv.digest;
	k->apply_errors = kv.apply_errors;
	k->version = kv.client ? sso_cf_version(kv.client) : 0;
}

static void
kv_show(void *arg, struct sso_json *j, struct sso_wbuf *b)
{
	static const struct sso_detail_style st = { "     ", 0 };
	struct sso_render rd;
	struct kv_info k;

	kv_info(&k);
	sso_render_init(&rd, b, j);
	sso_render_detail(&rd, &kv_line_table, &k, NULL, NULL, &st);
}

static void kv_flow_on(void *);

static const struct sso_client_ops kv_ops = {
	.id = KV_CLIENT_ID,
	.name = "kv",
	.priority = 100,
	.ver_min = KV_VER_MIN,
	.ver_max = KV_VER_MAX,
	.optional = KV_OPTIONAL,
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

static struct {
	struct sso_reply *r;
	int		 sync;
	uint32_t	 i, n, size;
	uint64_t	 t0, t_send;
	uint32_t	*lat;		/* us, sync mode */
	uint8_t		*payload;
} bench;

static void bench_next(void);

/*
 * Long jobs (fill, async bench) run in slices of JOB_SLICE records from
 * an idle watcher, so that the loop keeps serving keepalives and the
 * checkpoint link in between; a slice stopped by back-pressure waits for
 * flow_on().
 */
#define JOB_SLICE	2048
enum job_rc { JOB_DONE, JOB_MORE, JOB_BLOCKED };

static struct {
	struct sso_reply *r;
	uint32_t	 i, n;
	char		 prefix[KV_MAX_KEY + 1];
} fill;

static ev_idle job_idle;

static enum job_rc
fill_run(int *rc)
{
	char key[KV_MAX_KEY + 16], val[KV_MAX_KEY + 32];
	uint32_t end = fill.n - fill.i > JOB_SLICE ? fill.i + JOB_SLICE :
	    fill.n;

	for (; fill.i < end; fill.i++) {
		int vlen;

		snprintf(key, sizeof(key), "%s%u", fill.prefix, fill.i);
		vlen = snprintf(val, sizeof(val), "v%u-%s", fill.i, fill.prefix);
		if (kv_put(key, val, (size_t)vlen) == -1) {
			*rc = sso_reply_err(fill.r, SSO_RC_ERROR, "%% Out of "
			    "memory after %u records", fill.i);
			return JOB_DONE;
		}
		if (send_rec(KV_SET, key, val, (size_t)vlen, SSO_SEND_ASYNC,
		    NULL, NULL) == -1) {
			if (errno == EAGAIN)
				return JOB_BLOCKED;
			*rc = sso_reply_err(fill.r, SSO_RC_ERROR, "%% Stopped "
			    "after %u of %u records: %s", fill.i, fill.n,
			    strerror(errno));
			return JOB_DONE;
		}
	}
	if (fill.i < fill.n)
		return JOB_MORE;
	sso_wbuf_printf(&fill.r->out, fill.r->json ? "{\"result\":\"queued\","
	    "\"records\":%u}" : "%u records queued\n", fill.n);
	*rc = SSO_RC_OK;
	return JOB_DONE;
}

static void
fill_step(void)
{
	struct sso_reply *r = fill.r;
	enum job_rc jr;
	int rc = SSO_RC_OK;

	if (!SSO_RF_IS_ACTIVE(sso_rf_state())) {
		rc = sso_reply_err(r, SSO_RC_ERROR, "%% No longer active "
		    "after %u of %u records", fill.i, fill.n);
		jr = JOB_DONE;
	} else
		jr = fill_run(&rc);
	if (jr == JOB_MORE)
		return;
	ev_idle_stop(sso_loop(), &job_idle);
	if (jr == JOB_DONE) {
		fill.r = NULL;
		sso_reply_done(r, rc);
	}
}

static void
job_kick(void)
{
	ev_idle_start(sso_loop(), &job_idle);
}

static void
kv_flow_on(void *arg)
{
	if (fill.r != NULL || (bench.r != NULL && !bench.sync))
		job_kick();
}

static int
cmd_fill(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	if (writable(r) != SSO_RC_OK)
		return r->rc;
	if (fill.r != NULL || bench.r != NULL)
		return sso_reply_err(r, SSO_RC_ERROR, "%% Busy: a fill or "
		    "bench is running");
	if (strlen(a->s[1]) > KV_MAX_KEY - 12)
		return sso_reply_err(r, SSO_RC_BADARG, "%% Prefix too long");
	fill.r = r;
	fill.i = 0;
	fill.n = a->u[0];
	snprintf(fill.prefix, sizeof(fill.prefix), "%s", a->s[1]);
	job_kick();
	return SSO_RC_PENDING;
}

static int
cmd_show(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct kv_info k;

	kv_info(&k);
	return sso_render_show(r, &kv_table, &k);
}

struct kv_pair {
	const char	*key, *value;
};

static int
cmd_show_key(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	uint64_t h;
	struct kv_ent *e = *find(a->s[0], &h);
	struct kv_pair row;
	char label[300];
	/* text: "KEY = VALUE", the key as the label */
	struct sso_field f[] = {
		SSO_F_PSTR(struct kv_pair, key, "key", NULL, 0),
		SSO_F_PSTR(struct kv_pair, value, "value", label, 0),
	};
	struct sso_table t = SSO_TABLE(f);

	if (e == NULL)
		return sso_reply_err(r, SSO_RC_ERROR, "%% No such key");
	row.key = e->key;
	row.value = e->value;
	snprintf(label, sizeof(label), "%s =", e->key);
	return sso_render_show(r, &t, &row);
}

/*
 * Benchmarks for sso-bench (tools/sso-bench): the same code path as any
 * client, with opaque payloads the standby counts but does not store.
 *   kv bench async COUNT SIZE: COUNT-1 ASYNC records and a last SYNC one;
 *     answers when the standby has applied them all (ordered stream).
 *   kv bench sync COUNT SIZE: one SYNC record at a time; answers the
 *     latency percentiles of send -> applied.
 */

static int
u32cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void
bench_finish(int rc, const char *err)
{
	struct sso_reply *r = bench.r;
	uint64_t us = sso_now_us() - bench.t0;

	bench.r = NULL;
	if (rc != SSO_RC_OK)
		sso_reply_err(r, rc, "%% bench: %s after %u records", err,
		    bench.i);
	else if (!bench.sync)
		sso_wbuf_printf(&r->out, "{\"records\":%u,\"size\":%u,"
		    "\"elapsed_us\":%llu,\"records_per_sec\":%.0f}", bench.n,
		    bench.size, (unsigned long long)us,
		    bench.n * 1e6 / (us ? us : 1));
	else {
		qsort(bench.lat, bench.n, sizeof(*bench.lat), u32cmp);
		sso_wbuf_printf(&r->out, "{\"records\":%u,\"size\":%u,"
		    "\"elapsed_us\":%llu,\"p50_us\":%u,\"p99_us\":%u,"
		    "\"p999_us\":%u,\"max_us\":%u}", bench.n, bench.size,
		    (unsigned long long)us, bench.lat[bench.n / 2],
		    bench.lat[(size_t)bench.n * 99 / 100],
		    bench.lat[(size_t)bench.n * 999 / 1000],
		    bench.lat[bench.n - 1]);
	}
	free(bench.lat);
	free(bench.payload);
	bench.lat = NULL;
	bench.payload = NULL;
	sso_reply_done(r, rc);
}

static void
bench_done(void *cbarg, enum sso_cf_status st)
{
	if (bench.r == NULL)
		return;
	if (st != SSO_CF_APPLIED) {
		bench_finish(SSO_RC_ERROR, status_names[st]);
		return;
	}
	if (bench.sync) {
		bench.lat[bench.i] = (uint32_t)(sso_now_us() - bench.t_send);
		if (++bench.i < bench.n) {
			bench_next();
			return;
		}
	}
	bench_finish(SSO_RC_OK, NULL);
}

static void
bench_next(void)
{
	uint32_t slice = 0;

	while (bench.i < bench.n) {
		if (!bench.sync && slice++ == JOB_SLICE)
			return;		/* job_idle comes back */
		int last = bench.sync || bench.i + 1 == bench.n;

		bench.t_send = sso_now_us();
		if (sso_cf_send(kv.client, KV_BENCH, bench.payload, bench.size,
		    last ? SSO_SEND_SYNC : SSO_SEND_ASYNC, bench_done, NULL, 60000)
		    == -1) {
			ev_idle_stop(sso_loop(), &job_idle);
			if (errno != EAGAIN)
				bench_finish(SSO_RC_ERROR, strerror(errno));
			return;		/* EAGAIN: flow_on resumes */
		}
		if (bench.sync)
			return;		/* bench_done sends the next */
		if (last) {
			ev_idle_stop(sso_loop(), &job_idle);
			return;		/* bench_done finishes */
		}
		bench.i++;
	}
}

static int
cmd_bench(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	if (writable(r) != SSO_RC_OK)
		return r->rc;
	if (bench.r != NULL || fill.r != NULL)
		return sso_reply_err(r, SSO_RC_ERROR, "%% Busy");
	if (!sso_cf_streaming(kv.client))
		return sso_reply_err(r, SSO_RC_ERROR, "%% No standby in sync");
	memset(&bench, 0, sizeof(bench));
	bench.sync = (arg != NULL);
	bench.n = a->u[0];
	bench.size = a->u[1];
	if ((bench.payload = calloc(1, bench.size)) == NULL ||
	    (bench.sync && (bench.lat = calloc(bench.n,
	    sizeof(*bench.lat))) == NULL)) {
		free(bench.payload);
		return sso_reply_err(r, SSO_RC_ERROR, "%% Out of memory");
	}
	bench.r = r;
	bench.t0 = sso_now_us();
	if (bench.sync)
		bench_next();
	else
		job_kick();
	return SSO_RC_PENDING;
}

static void
job_idle_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	if (fill.r != NULL)
		fill_step();
	else if (bench.r != NULL && !bench.sync)
		bench_next();
	else
		ev_idle_stop(loop, w);
}

int
kv_client_init(void)
{
	ev_idle_init(&job_idle, job_idle_cb);
	if ((kv.b = calloc(KV_BUCKETS, sizeof(*kv.b))) == NULL)
		return -1;
	kv.client = sso_cf_register(&kv_ops, NULL);
	sso_cmd_register("kv set <word> <word>", cmd_set, NULL);
	sso_cmd_register("kv set <word> <word> sync", cmd_set, &kv);
	sso_cmd_register("kv delete <word>", cmd_delete, NULL);
	/* load generators: test class (service internal, not read-only) */
	sso_cmd_register_class("kv fill <uint:1-10000000> <word>",
	    SSO_CMD_TEST, cmd_fill, NULL);
	sso_cmd_register_class("kv bench async <uint:1-100000000> "
	    "<uint:1-65536>", SSO_CMD_TEST, cmd_bench, NULL);
	sso_cmd_register_class("kv bench sync <uint:1-10000000> "
	    "<uint:1-65536>", SSO_CMD_TEST, cmd_bench, &kv);
	sso_cmd_register("show kv", cmd_show, NULL);
	sso_cmd_register("show kv key <word>", cmd_show_key, NULL);
	return 0;
}
