/*
 * l2tp.c - the top of the engine: context creation and destruction,
 * datagram dispatch (the one receive function with a single DROP exit),
 * UDP socket helpers. The id tables, deferred frees and id allocation
 * are ctx.c's (the bottom layer, see there).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "l2tp_local.h"

#define L2TP_RX_BATCH	64	/* datagrams per socket wakeup */

struct sso_debug l2tp_debug_packets = { "l2tp packets", 0, NULL };
struct sso_debug l2tp_debug_fsm = { "l2tp events", 0, NULL };

const char *const l2tp_drop_names[L2TP_DROP_MAX] = {
	[L2TP_DROP_SHORT] = "short",
	[L2TP_DROP_VERSION] = "version",
	[L2TP_DROP_LENGTH] = "length",
	[L2TP_DROP_CTRL_FLAGS] = "ctrl_flags",
	[L2TP_DROP_NO_TUNNEL] = "no_tunnel",
	[L2TP_DROP_NO_SESSION] = "no_session",
	[L2TP_DROP_NOT_SCCRQ] = "not_sccrq",
	[L2TP_DROP_MALFORMED] = "malformed",
	[L2TP_DROP_PEER_ADDR] = "peer_addr",
	[L2TP_DROP_DUPLICATE] = "duplicate",
	[L2TP_DROP_WINDOW] = "window",
	[L2TP_DROP_QUEUED] = "queued",
	[L2TP_DROP_BAD_NR] = "bad_nr",
	[L2TP_DROP_NOT_ESTABLISHED] = "not_established",
	[L2TP_DROP_TIE_BREAKER] = "tie_breaker",
	[L2TP_DROP_REFUSED] = "refused",
	[L2TP_DROP_NOMEM] = "nomem",
	[L2TP_DROP_CLOSING] = "closing",
	[L2TP_DROP_UNKNOWN_MSG] = "unknown_msg",
	[L2TP_DROP_RESYNC_HOLD] = "resync_hold",
	[L2TP_DROP_FAILOVER] = "failover",
	[L2TP_DROP_HANDOVER] = "handover",
};

/* ---- context ---- */

/* the layers' entry points the ones below them reach (l2tp_local.h) */
static const struct l2tp_eng_ops eng_ops = {
	.deliver = l2tp_tunnel_deliver,
	.tunnel_fsm = l2tp_tunnel_fsm,
	.session_destroy = l2tp_session_destroy,
	.tunnel_destroy = l2tp_tunnel_destroy,
};

void
l2tp_group_defaults(struct l2tp_group *g)
{
	memset(g, 0, sizeof(*g));
	g->hello_interval = 60;		/* RFC 2661 6.5 recommended */
	g->rx_window = 4;
	g->retries = 5;			/* RFC 2661 5.8 recommended */
	g->rtx_min_ms = 1000;
	g->rtx_max_ms = 8000;		/* 5.8: cap no less than 8 s */
	g->recovery_ms = 10000;		/* RFC 4951 Recovery Time */
}

struct l2tp_ctx *
l2tp_ctx_create(struct ev_loop *loop, const struct l2tp_host_ops *ops,
    void *arg)
{
	struct l2tp_ctx *ctx;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	ctx->loop = loop;
	ctx->eng = &eng_ops;
	if (ops != NULL)
		ctx->ops = *ops;
	ctx->arg = arg;
	ctx->fd = -1;
	ctx->ack_delay_ms = 100;
	ctx->linger_ms = 31000;		/* RFC 2661 5.7: full cycle */
	TAILQ_INIT(&ctx->tunnel_list);
	TAILQ_INIT(&ctx->pending);
	TAILQ_INIT(&ctx->reap_tunnels);
	TAILQ_INIT(&ctx->reap_sessions);
	sso_wbuf_init(&ctx->txbuf, 0);
	if (l2tp_hash_init(&ctx->tunnels, 256) == -1 ||
	    l2tp_hash_init(&ctx->tunnels_remote, 256) == -1 ||
	    l2tp_hash_init(&ctx->sessions, 1024) == -1) {
		l2tp_hash_fini(&ctx->tunnels);
		l2tp_hash_fini(&ctx->tunnels_remote);
		l2tp_hash_fini(&ctx->sessions);
		free(ctx);
		return NULL;
	}
	sso_debug_register(&l2tp_debug_packets);
	sso_debug_register(&l2tp_debug_fsm);
	return ctx;
}

void
l2tp_ctx_destroy(struct l2tp_ctx *ctx)
{
	struct l2tp_tunnel *t;

	if (ctx == NULL)
		return;
	l2tp_ctx_reap(ctx);
	while ((t = TAILQ_FIRST(&ctx->tunnel_list)) != NULL) {
		TAILQ_REMOVE(&ctx->tunnel_list, t, entry);
		l2tp_tunnel_destroy(t);
	}
	if (ctx->fd != -1) {
		ev_io_stop(ctx->loop, &ctx->io);
		close(ctx->fd);
	}
	l2tp_hash_fini(&ctx->tunnels);
	l2tp_hash_fini(&ctx->tunnels_remote);
	l2tp_hash_fini(&ctx->sessions);
	sso_wbuf_free(&ctx->txbuf);
	free(ctx);
}

const struct l2tp_stats *
l2tp_ctx_stats(const struct l2tp_ctx *ctx)
{
	return &ctx->stats;
}

void
l2tp_ctx_set_ack_delay(struct l2tp_ctx *ctx, unsigned ms)
{
	ctx->ack_delay_ms = ms;
}

void
l2tp_ctx_set_linger(struct l2tp_ctx *ctx, unsigned ms)
{
	ctx->linger_ms = ms;
}

/* ---- tunnels ---- */

static struct l2tp_tunnel *
tunnel_find_remote(struct l2tp_ctx *ctx, uint16_t rtid,
    const struct sockaddr *from)
{
	struct l2tp_hnode *n;
	struct l2tp_tunnel *t;

	for (n = l2tp_hash_first(&ctx->tunnels_remote, rtid); n != NULL;
	    n = l2tp_hash_next_key(n, rtid)) {
		t = L2TP_CONTAINER(n, struct l2tp_tunnel, hn_remote);
		if (l2tp_addr_eq(from, (struct sockaddr *)&t->peer, 1))
			return t;
	}
	return NULL;
}

struct l2tp_tunnel *
l2tp_tunnel_next(struct l2tp_ctx *ctx, struct l2tp_tunnel *t)
{
	return t == NULL ? TAILQ_FIRST(&ctx->tunnel_list) :
	    TAILQ_NEXT(t, entry);
}

size_t
l2tp_tunnel_count(const struct l2tp_ctx *ctx)
{
	return ctx->ntunnels;
}

/*
 * RFC 2661 4.4.3 tie breaker: an SCCRQ from a peer we sent an SCCRQ to.
 * Returns 1 when the received SCCRQ must be discarded (we win or tie).
 */
static int
tie_break(struct l2tp_ctx *ctx, const struct l2tp_msg *m,
    const struct sockaddr *from)
{
	struct l2tp_tunnel *t, *next;
	uint64_t theirs;
	int discard = 0;

	if (l2tp_msg_u64(m, L2TP_AVP_TIE_BREAKER, &theirs) == -1)
		return 0;
	for (t = TAILQ_FIRST(&ctx->pending); t != NULL; t = next) {
		next = TAILQ_NEXT(t, pending_entry);
		if (!l2tp_addr_eq(from, (struct sockaddr *)&t->peer, 0))
			continue;
		/* the lower value wins; equal: both discard */
		if (t->tie_breaker <= theirs)
			discard = 1;
		if (theirs <= t->tie_breaker)
			(void)l2tp_tunnel_fsm(t, L2TP_TEV_TIE_LOST, NULL);
	}
	return discard;
}

/* a control message with tunnel id 0: only an SCCRQ may open a tunnel */
static int
input_new_tunnel(struct l2tp_ctx *ctx, const struct l2tp_hdr *h,
    const uint8_t *buf, size_t len, const struct sockaddr *from,
    socklen_t fromlen, enum l2tp_drop *reason)
{
	const struct l2tp_group *g = NULL;
	struct l2tp_group refuse, recover;
	struct l2tp_tunnel *t, *old;
	struct l2tp_msg m;
	struct sso_cur c;
	char host[L2TP_NAME_MAX] = "";
	uint16_t rtid;

	sso_cur_init(&c, buf, len);
	*reason = L2TP_DROP_NOT_SCCRQ;
	if (sso_cur_skip(&c, h->hdr_len) == -1 || c.len == 0)
		return -1;
	/* first pass without secret: Host Name is never hidden (4.4.3) */
	if (l2tp_msg_decode(&m, &c, NULL, ctx->scratch,
	    sizeof(ctx->scratch)) == -1 || m.type != L2TP_MSG_SCCRQ)
		return -1;
	*reason = L2TP_DROP_MALFORMED;
	if (h->ns != 0 || h->sid != 0 ||
	    l2tp_msg_str(&m, L2TP_AVP_HOST_NAME, host, sizeof(host)) == -1)
		return -1;
	if (ctx->ops.group_lookup != NULL)
		g = ctx->ops.group_lookup(ctx->arg, host, from, fromlen);
	/* second pass: Assigned Tunnel ID may be hidden (4.3) */
	if (m.hidden_pending) {
		sso_cur_init(&c, buf, len);
		if (g == NULL || sso_cur_skip(&c, h->hdr_len) == -1 ||
		    l2tp_msg_decode(&m, &c, g->password, ctx->scratch,
		    sizeof(ctx->scratch)) == -1)
			return -1;
	}
	if (l2tp_msg_u16(&m, L2TP_AVP_ASSIGNED_TID, &rtid) == -1)
		return -1;
	/* our SCCRP was lost: the retransmitted SCCRQ is a duplicate */
	if ((t = tunnel_find_remote(ctx, rtid, from)) != NULL)
		return l2tp_ctrl_input(t, h, buf, len, reason);
	*reason = L2TP_DROP_TIE_BREAKER;
	if (tie_break(ctx, &m, from))
		return -1;
	/* RFC 4951: a recovery tunnel for one of ours, whatever our role
	 * in it; its group answers (tunnel.c checks the rest) */
	if (l2tp_msg_has(&m, L2TP_AVP_TUNNEL_RECOVERY) &&
	    (old = l2tp_tunnel_fo_lookup(ctx, &m, from)) != NULL) {
		recover = old->grp;
		recover.accept_dialin = 1;
		recover.terminate_from[0] = '\0';
		g = &recover;
	}
	if (g == NULL || !g->accept_dialin || (g->terminate_from[0] != '\0' &&
	    strcmp(g->terminate_from, host) != 0)) {
		/* refuse through the FSM so the StopCCN is delivered */
		ctx->stats.drops[L2TP_DROP_REFUSED]++;
		l2tp_group_defaults(&refuse);
		g = &refuse;
	}
	*reason = L2TP_DROP_NOMEM;
	if ((t = l2tp_tunnel_new(ctx, g, from, fromlen, 0)) == NULL)
		return -1;
	t->remote_tid = rtid;
	l2tp_tunnel_remote_link(t);
	return l2tp_ctrl_input(t, h, buf, len, reason);
}

#define DROP(r, v)	do { reason = (r); value = (v); goto drop; } while (0)

int
l2tp_input(struct l2tp_ctx *ctx, const uint8_t *buf, size_t len,
    const struct sockaddr *from, socklen_t fromlen)
{
	enum l2tp_drop reason = L2TP_DROP_SHORT;
	struct l2tp_tunnel *t;
	struct l2tp_hdr h;
	uint32_t value = 0;
	int rc = 0;

	l2tp_ctx_enter(ctx);
	if (l2tp_hdr_decode(buf, len, &h, &reason) == -1)
		DROP(reason, (uint32_t)len);
	len = h.length;		/* RFC 2661 3.1: Length trims padding */
	if (!h.ctrl) {
		if (l2tp_session_data_input(ctx, &h, buf, len, &reason) == -1)
			DROP(reason, (uint32_t)h.tid << 16 | h.sid);
		goto out;
	}
	if (ctx->handing_over)
		DROP(L2TP_DROP_HANDOVER, h.ns);
	if (h.tid == 0) {
		if (input_new_tunnel(ctx, &h, buf, len, from, fromlen,
		    &reason) == -1)
			DROP(reason, h.ns);
		goto out;
	}
	if ((t = l2tp_tunnel_find(ctx, h.tid)) == NULL)
		DROP(L2TP_DROP_NO_TUNNEL, h.tid);
	if (!l2tp_addr_eq(from, (struct sockaddr *)&t->peer, 1)) {
		/* RFC 2661 8.1: the SCCRP may come from another port */
		if (t->state != L2TP_TS_WAIT_CTL_REPLY || fromlen >
		    sizeof(t->peer) || !l2tp_addr_eq(from,
		    (struct sockaddr *)&t->peer, 0))
			DROP(L2TP_DROP_PEER_ADDR, h.tid);
		memcpy(&t->peer, from, fromlen);
		t->peer_len = fromlen;
	}
	if (l2tp_ctrl_input(t, &h, buf, len, &reason) == -1)
		DROP(reason, h.ns);
out:
	l2tp_ctx_leave(ctx);
	return rc;
drop:
	l2tp_ctx_drop(ctx, reason, value, from);
	rc = -1;
	goto out;
}

/* ---- UDP socket ---- */

/* up to L2TP_RX_BATCH datagrams; returns how many were read */
static int
sock_read(struct l2tp_ctx *ctx)
{
	struct sockaddr_storage from;
	socklen_t fromlen;
	ssize_t n;
	int i;

	for (i = 0; i < L2TP_RX_BATCH; i++) {
		fromlen = sizeof(from);
		n = recvfrom(ctx->fd, ctx->rxbuf, sizeof(ctx->rxbuf), 0,
		    (struct sockaddr *)&from, &fromlen);
		if (n < 0)
			break;	/* EAGAIN, or an ICMP error: next wakeup */
		(void)l2tp_input(ctx, ctx->rxbuf, (size_t)n,
		    (struct sockaddr *)&from, fromlen);
	}
	return i;
}

static void
sock_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)sock_read(w->data);
}

/* join: bind beside a predecessor's socket and take its traffic */
static int
ctx_listen(struct l2tp_ctx *ctx, const struct sockaddr *sa, socklen_t salen,
    int join)
{
	/* cBPF: the group's socket number 1, the one that joins after the
	 * predecessor's (number 0); alone, it falls back to the hash */
	struct sock_filter to_second[] = { BPF_STMT(BPF_RET | BPF_K, 1) };
	struct sock_fprog prog = { 1, to_second };
	int fd, sockbuf = 8 << 20, one = 1;

	if (ctx->fd != -1)
		return -1;
	if ((fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return -1;
	/*
	 * One socket carries every tunnel: a burst of SCCRQs or of
	 * retransmissions after a takeover must not overflow the default
	 * buffer. Best effort: FORCE needs CAP_NET_ADMIN, the plain option
	 * is capped by net.core.rmem_max.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sockbuf,
	    sizeof(sockbuf)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sockbuf,
		    sizeof(sockbuf));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sockbuf,
	    sizeof(sockbuf)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sockbuf,
		    sizeof(sockbuf));
	/*
	 * No SO_REUSEADDR, and SO_REUSEPORT before bind() only to join: on a
	 * shared host a new active must not receive beside the old one
	 * unless the old one hands over; it retries until the old one lets
	 * go. The caller reports the error (errno is kept). Set after
	 * bind(), SO_REUSEPORT lets a successor join later.
	 */
	if ((join && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
	    sizeof(one)) == -1) || bind(fd, sa, salen) == -1) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (join)
		(void)setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF,
		    &prog, sizeof(prog));
	ctx->fd = fd;
	ctx->handing_over = 0;
	ev_io_init(&ctx->io, sock_cb, fd, EV_READ);
	ctx->io.data = ctx;
	ev_io_start(ctx->loop, &ctx->io);
	return fd;
}

int
l2tp_ctx_listen(struct l2tp_ctx *ctx, const struct sockaddr *sa,
    socklen_t salen)
{
	return ctx_listen(ctx, sa, salen, 0);
}

int
l2tp_ctx_listen_join(struct l2tp_ctx *ctx, const struct sockaddr *sa,
    socklen_t salen)
{
	return ctx_listen(ctx, sa, salen, 1);
}

void
l2tp_ctx_handover(struct l2tp_ctx *ctx, int on)
{
	ctx->handing_over = on;
}

void
l2tp_ctx_unlisten(struct l2tp_ctx *ctx)
{
	if (ctx->fd == -1)
		return;
	/* what reached a socket being handed over is still ours to pass */
	while (ctx->handing_over && sock_read(ctx) == L2TP_RX_BATCH)
		;
	ev_io_stop(ctx->loop, &ctx->io);
	close(ctx->fd);
	ctx->fd = -1;
	ctx->handing_over = 0;
}
