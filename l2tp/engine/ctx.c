/*
 * ctx.c - the bottom of the engine: the id hash tables, addresses, the
 * enter/leave frames and deferred frees, id allocation, the send and drop
 * exits, and the small tunnel facts the session layer reads. It calls
 * nothing above it: the layers are l2tp.c (dispatch, public context) ->
 * tunnel.c -> session.c -> ctrl.c -> ctx.c, and what goes up (a control
 * message delivered in order, a tunnel event, a destructor) goes through
 * the context's struct l2tp_eng_ops (tools/callgraph l2tp/engine).
 *
 * Ids: local tunnel ids are random, non-zero and unique in the ctx;
 * session ids are random, non-zero and unique within their tunnel
 * (RFC 2661 5.3: 0 is reserved). Lookups go through chained hash tables
 * keyed by tid and by tid<<16|sid, so the cost does not grow with the
 * number of tunnels (scale target 10,000 x 10).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "l2tp_local.h"

static uint32_t
hash_idx(const struct l2tp_hash *h, uint32_t key)
{
	key ^= key >> 16;
	key *= 0x45d9f3bU;
	key ^= key >> 16;
	return key & (h->nbuckets - 1);
}

int
l2tp_hash_init(struct l2tp_hash *h, uint32_t n)
{
	h->nbuckets = n;
	h->count = 0;
	h->b = calloc(n, sizeof(*h->b));
	return h->b == NULL ? -1 : 0;
}

void
l2tp_hash_fini(struct l2tp_hash *h)
{
	free(h->b);
	h->b = NULL;
}

static void
hash_grow(struct l2tp_hash *h)
{
	struct l2tp_hash nh;
	struct l2tp_hnode *n, *next;
	uint32_t i, j;

	if (l2tp_hash_init(&nh, h->nbuckets * 2) == -1)
		return;		/* keep the longer chains */
	for (i = 0; i < h->nbuckets; i++)
		for (n = h->b[i]; n != NULL; n = next) {
			next = n->next;
			j = hash_idx(&nh, n->key);
			n->next = nh.b[j];
			nh.b[j] = n;
		}
	free(h->b);
	h->b = nh.b;
	h->nbuckets = nh.nbuckets;
}

int
l2tp_hash_add(struct l2tp_hash *h, struct l2tp_hnode *n, uint32_t key)
{
	uint32_t i;

	if (h->count >= h->nbuckets * 2)
		hash_grow(h);
	i = hash_idx(h, key);
	n->key = key;
	n->next = h->b[i];
	h->b[i] = n;
	h->count++;
	return 0;
}

void
l2tp_hash_del(struct l2tp_hash *h, struct l2tp_hnode *n)
{
	struct l2tp_hnode **pp;

	for (pp = &h->b[hash_idx(h, n->key)]; *pp != NULL; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			h->count--;
			return;
		}
}

struct l2tp_hnode *
l2tp_hash_first(const struct l2tp_hash *h, uint32_t key)
{
	struct l2tp_hnode *n = h->b[hash_idx(h, key)];

	while (n != NULL && n->key != key)
		n = n->next;
	return n;
}

struct l2tp_hnode *
l2tp_hash_next_key(struct l2tp_hnode *n, uint32_t key)
{
	for (n = n->next; n != NULL && n->key != key; n = n->next)
		;
	return n;
}

int
l2tp_addr_eq(const struct sockaddr *a, const struct sockaddr *b,
    int with_port)
{
	if (a->sa_family != b->sa_family)
		return 0;
	if (a->sa_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a;
		const struct sockaddr_in *y = (const void *)b;

		return x->sin_addr.s_addr == y->sin_addr.s_addr &&
		    (!with_port || x->sin_port == y->sin_port);
	}
	if (a->sa_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a;
		const struct sockaddr_in6 *y = (const void *)b;

		return memcmp(&x->sin6_addr, &y->sin6_addr,
		    sizeof(x->sin6_addr)) == 0 &&
		    (!with_port || x->sin6_port == y->sin6_port);
	}
	return 0;
}

const char *
l2tp_addr_str(const struct sockaddr *sa, char *buf, size_t sz)
{
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (sa == NULL)
		snprintf(buf, sz, "-");
	else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)sa;

		inet_ntop(AF_INET, &x->sin_addr, a, sizeof(a));
		port = ntohs(x->sin_port);
		snprintf(buf, sz, "%s:%u", a, port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)sa;

		inet_ntop(AF_INET6, &x->sin6_addr, a, sizeof(a));
		port = ntohs(x->sin6_port);
		snprintf(buf, sz, "[%s]:%u", a, port);
	} else
		snprintf(buf, sz, "af%d", sa->sa_family);
	return buf;
}

/* the dead objects freed when the engine unwinds (l2tp_ctx_leave), by
 * the destructors of the layers above (struct l2tp_eng_ops) */
void
l2tp_ctx_reap(struct l2tp_ctx *ctx)
{
	struct l2tp_session *s;
	struct l2tp_tunnel *t;

	/* sessions first: they point at their (maybe dead) tunnel */
	while ((s = TAILQ_FIRST(&ctx->reap_sessions)) != NULL) {
		TAILQ_REMOVE(&ctx->reap_sessions, s, entry);
		ctx->eng->session_destroy(s);
	}
	while ((t = TAILQ_FIRST(&ctx->reap_tunnels)) != NULL) {
		TAILQ_REMOVE(&ctx->reap_tunnels, t, entry);
		ctx->eng->tunnel_destroy(t);
	}
}

void
l2tp_ctx_enter(struct l2tp_ctx *ctx)
{
	ctx->depth++;
}

void
l2tp_ctx_leave(struct l2tp_ctx *ctx)
{
	if (--ctx->depth == 0)
		l2tp_ctx_reap(ctx);
}

/* DEAD tunnel: unlink now, free when the engine unwinds */
void
l2tp_ctx_reap_tunnel(struct l2tp_tunnel *t)
{
	struct l2tp_ctx *ctx = t->ctx;

	if (t->dead)
		return;
	t->dead = 1;
	l2tp_hash_del(&ctx->tunnels, &t->hn_local);
	if (t->remote_linked)
		l2tp_hash_del(&ctx->tunnels_remote, &t->hn_remote);
	if (t->pending)
		TAILQ_REMOVE(&ctx->pending, t, pending_entry);
	t->pending = t->remote_linked = 0;
	TAILQ_REMOVE(&ctx->tunnel_list, t, entry);
	TAILQ_INSERT_TAIL(&ctx->reap_tunnels, t, entry);
	ctx->ntunnels--;
	ev_timer_stop(ctx->loop, &t->ctrl.rtx_timer);
	ev_timer_stop(ctx->loop, &t->ctrl.ack_timer);
	ev_timer_stop(ctx->loop, &t->ctrl.hello_timer);
	ev_timer_stop(ctx->loop, &t->linger_timer);
}

void
l2tp_ctx_reap_session(struct l2tp_session *s)
{
	struct l2tp_tunnel *t = s->tunnel;

	if (s->dead)
		return;
	l2tp_hash_del(&t->ctx->sessions, &s->hn);
	TAILQ_REMOVE(&t->sessions, s, entry);
	t->nsessions--;
	s->dead = 1;
	TAILQ_INSERT_TAIL(&t->ctx->reap_sessions, s, entry);
}

uint16_t
l2tp_rand16(void)
{
	uint16_t v = 0;

	if (l2tp_random(&v, sizeof(v)) == -1)
		v = (uint16_t)random();
	return v;
}

uint16_t
l2tp_ctx_alloc_tid(struct l2tp_ctx *ctx)
{
	uint16_t tid;
	unsigned i;

	for (i = 0; i < 65536 + 16; i++) {
		/* random first; then walk, so a full table still ends */
		tid = i < 16 ? l2tp_rand16() : (uint16_t)(tid + 1);
		if (tid != 0 && l2tp_tunnel_find(ctx, tid) == NULL)
			return tid;
	}
	return 0;
}

int
l2tp_ctx_xmit(struct l2tp_ctx *ctx, const uint8_t *buf, size_t len,
    const struct sockaddr *to, socklen_t tolen)
{
	if (ctx->ops.send != NULL)
		return ctx->ops.send(ctx->arg, buf, len, to, tolen);
	return l2tp_ctx_sendto(ctx, buf, len, to, tolen);
}

void
l2tp_ctx_drop(struct l2tp_ctx *ctx, enum l2tp_drop reason, uint32_t value,
    const struct sockaddr *from)
{
	char a[64];

	ctx->stats.drops[reason]++;
	/* duplicates are routine on a lossy path; keep them quiet */
	if (reason == L2TP_DROP_DUPLICATE && !l2tp_debug_packets.on)
		return;
	sso_log_rl(&ctx->rl, SSO_INFO, L2TP_FAC, "DROP", "from %s: %s (%u)",
	    l2tp_addr_str(from, a, sizeof(a)), l2tp_drop_names[reason], value);
}

struct l2tp_tunnel *
l2tp_tunnel_find(struct l2tp_ctx *ctx, uint16_t tid)
{
	struct l2tp_hnode *n = l2tp_hash_first(&ctx->tunnels, tid);

	return n ? L2TP_CONTAINER(n, struct l2tp_tunnel, hn_local) : NULL;
}

int
l2tp_ctx_sendto(struct l2tp_ctx *ctx, const uint8_t *buf, size_t len,
    const struct sockaddr *to, socklen_t tolen)
{
	if (ctx->fd == -1)
		return -1;
	return sendto(ctx->fd, buf, len, 0, to, tolen) == (ssize_t)len ?
	    0 : -1;
}

/* a peer's message text in a log line: printable ASCII only, in place */
char *
l2tp_printable(char *s)
{
	char *p;

	for (p = s; *p; p++)
		if (*p < 0x20 || *p > 0x7e || *p == '"')
			*p = '?';
	return s;
}

int
l2tp_tunnel_fo_negotiated(const struct l2tp_tunnel *t)
{
	return t->grp.failover && t->peer_failover &&
	    (t->peer_fo_flags & L2TP_FAILOVER_CAP_C);
}

int
l2tp_tunnel_accepts_sessions(const struct l2tp_tunnel *t)
{
	return t->state == L2TP_TS_ESTABLISHED;
}
