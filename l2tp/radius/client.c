/*
 * client.c - non-blocking RADIUS client on libev: the requests.
 *
 * A request is one timer and, while on the wire, one identifier of one
 * of its server's sockets (server.c); nothing blocks.
 *
 * Retransmission: an Access-Request is resent byte for byte (same
 * Identifier and Request Authenticator, RFC 2865 3 and RFC 5080 2.2.1).
 * An Accounting-Request is rebuilt with the current Acct-Delay-Time, and
 * therefore has a new Request Authenticator and takes a new Identifier
 * (RFC 2866 5.2: "changing the Acct-Delay-Time causes the Identifier to
 * change").
 *
 * Failover: after timeout x (1 + retransmit) without an answer the request
 * moves to the next server of its group, in configuration order. The
 * server is marked dead for its deadtime only if it answered nothing at
 * all since that request was first sent to it (a busy server that drops
 * one request is not dead; FreeRADIUS's proxy "zombie" rule); dead
 * servers are skipped until their deadtime is over (then they are up
 * again: revive). A request tries each server at most once; if every
 * server of the group is dead when it starts, the first is tried anyway.
 *
 * Window: with max_outstanding set, at most that many requests are on the
 * wire to a server at once; the others wait in its FIFO queue (their
 * timeout starts when they are sent), so a burst of thousands of requests
 * does not overflow the server's socket and turn into retransmissions.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>
#include <openssl/crypto.h>

#include "log.h"
#include "rad_local.h"

static struct sso_debug rad_debug = { "radius", 0, NULL };

static void	req_timeout(struct ev_loop *, ev_timer *, int);
static void	sock_read(struct ev_loop *, ev_io *, int);
static int	req_start_server(struct rad_req *);
static void	server_kick_cb(struct ev_loop *, ev_timer *, int);
static void	req_done(struct rad_req *, int, const struct rad_pkt *);

const char *
rad_result_name(int r)
{
	switch (r) {
	case RAD_R_ACCEPT: return "accept";
	case RAD_R_REJECT: return "reject";
	case RAD_R_CHALLENGE: return "challenge";
	case RAD_R_ACCT_OK: return "accounting-response";
	case RAD_R_TIMEOUT: return "timeout";
	case RAD_R_ERROR: return "error";
	default: return "unknown";
	}
}

struct rad_client *
rad_client_new(struct ev_loop *loop)
{
	static int registered;
	struct rad_client *cl;

	if (!registered) {
		sso_debug_register(&rad_debug);
		registered = 1;
	}
	if ((cl = calloc(1, sizeof(*cl))) == NULL)
		return NULL;
	cl->loop = loop;
	cl->sock_cb = sock_read;
	cl->max_socks = 64;
	TAILQ_INIT(&cl->reqs);
	return cl;
}

void
rad_client_set_source(struct rad_client *cl, const struct sockaddr_in *sin)
{
	cl->src = *sin;
	cl->src.sin_port = 0;
	cl->has_src = 1;
}

void
rad_client_set_max_sockets(struct rad_client *cl, unsigned n)
{
	cl->max_socks = n ? n : 1;
}

unsigned
rad_client_in_flight(const struct rad_client *cl)
{
	return cl->in_flight;
}

/* ---- servers and groups ---- */

/* a slot was freed: drain the queue from the loop, not from inside the
 * call that freed it (that may be a user's callback) */
static void
server_slot_freed(struct rad_server *s)
{
	s->st.in_flight--;
	if (!TAILQ_EMPTY(&s->queue)) {
		ev_set_cb(&s->kick, server_kick_cb);
		ev_timer_set(&s->kick, 0., 0.);
		ev_timer_start(s->cl->loop, &s->kick);
	}
}

/* ---- sockets and identifiers ---- */

/* ---- requests ---- */

static struct rad_req *
req_new(struct rad_group *g, uint8_t code, const uint8_t *attrs, size_t alen,
    rad_done_cb cb, void *arg)
{
	struct rad_client *cl = g->cl;
	struct rad_req *r;

	if (g->n == 0 || (r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->attrs = malloc(alen ? alen : 1)) == NULL) {
		free(r);
		return NULL;
	}
	memcpy(r->attrs, attrs, alen);
	r->alen = alen;
	r->cl = cl;
	r->grp = g;
	r->code = code;
	r->cb = cb;
	r->arg = arg;
	ev_init(&r->tm, req_timeout);
	r->tm.data = r;
	TAILQ_INSERT_TAIL(&cl->reqs, r, link);
	cl->in_flight++;
	return r;
}

/* take a request off the loop and free it (no callback) */
static void
req_free(struct rad_req *r)
{
	struct rad_client *cl = r->cl;

	ev_timer_stop(cl->loop, &r->tm);
	if (r->queued)
		rad_srv_queue_del(r->srv, r);
	if (r->on_srv)
		server_slot_freed(r->srv);
	rad_srv_id_free(r);
	TAILQ_REMOVE(&cl->reqs, r, link);
	cl->in_flight--;
	if (r->pw) {
		OPENSSL_cleanse(r->pw, strlen(r->pw));
		free(r->pw);
	}
	OPENSSL_cleanse(r->wire, r->wlen);
	free(r->attrs);
	free(r);
}

static void
req_done(struct rad_req *r, int result, const struct rad_pkt *reply)
{
	rad_done_cb cb = r->cb;
	void *arg = r->arg;
	struct rad_server *srv = r->srv;

	req_free(r);
	if (cb)
		cb(arg, result, reply, srv);
}

void
rad_req_cancel(struct rad_req *r)
{
	if (r != NULL)
		req_free(r);
}

static int
wall_seconds(uint64_t *t)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		return -1;
	*t = (uint64_t)ts.tv_sec;
	return 0;
}

/* build this transmission's bytes (and take an identifier) */
static int
req_build(struct rad_req *r)
{
	struct rad_server *s = r->srv;
	struct rad_pkt p;
	uint64_t now, delay;
	ssize_t n;

	if (r->sock == NULL && rad_srv_id_alloc(r, s) == -1)
		return -1;
	memset(&p, 0, sizeof(p));
	p.code = r->code;
	p.id = r->id;
	rad_av_init(&p.attrs);
	if (rad_av_put_raw(&p.attrs, r->attrs, r->alen) == -1)
		return -1;
	if (r->code == RAD_ACCT_REQUEST) {
		if (wall_seconds(&now) == -1)
			return -1;
		delay = now > r->event_time ? now - r->event_time : 0;
		rad_av_put_u32(&p.attrs, RAD_ACCT_DELAY_TIME,
		    delay > UINT32_MAX ? UINT32_MAX : (uint32_t)delay);
	} else if (rad_random(p.auth, sizeof(p.auth)) == -1)
		return -1;
	n = rad_pkt_encode(&p, s->conf.key, r->pw,
	    r->code == RAD_ACCESS_REQUEST, NULL, r->wire);
	if (n == -1)
		return -1;
	r->wlen = (size_t)n;
	memcpy(r->ra, p.auth, sizeof(r->ra));
	return 0;
}

static int
req_transmit(struct rad_req *r)
{
	struct rad_server *s = r->srv;
	struct sockaddr_in to = *(const struct sockaddr_in *)&s->conf.addr;
	double t = s->conf.timeout_ms / 1000.0;

	to.sin_port = htons(r->code == RAD_ACCT_REQUEST ? s->conf.acct_port :
	    s->conf.auth_port);
	if (sendto(r->sock->fd, r->wire, r->wlen, 0, (struct sockaddr *)&to,
	    sizeof(to)) == -1 && errno != EAGAIN && errno != ENOBUFS &&
	    errno != ECONNREFUSED)
		sso_log_rl(&s->rl, SSO_WARNING, "RADIUS", "SEND",
		    "server %s: sendto: %s", s->conf.name, strerror(errno));
	r->sent_us = sso_now_us();
	r->tries++;
	SSO_DEBUG(&rad_debug, "RADIUS", "%s id %u to %s try %u (%zu octets)",
	    rad_code_name(r->code), r->id, s->conf.name, r->tries, r->wlen);
	ev_timer_set(&r->tm, t, 0.);
	ev_timer_start(r->cl->loop, &r->tm);
	return 0;
}

/* next server of the group for this request, or -1 */
static int
req_pick(struct rad_req *r)
{
	struct rad_group *g = r->grp;
	unsigned i, first = g->n;

	for (i = 0; i < g->n; i++) {
		if (r->tried & (1u << i))
			continue;
		if (first == g->n)
			first = i;
		if (rad_srv_alive(g->srv[i]))
			return (int)i;
	}
	/* every untried server is dead: try the first only at the start */
	return r->tried == 0 && first < g->n ? (int)first : -1;
}

/* first transmission to r->srv; -1 when it cannot be built */
static int
req_send_first(struct rad_req *r)
{
	struct rad_server *s = r->srv;

	r->tries = 0;
	if (req_build(r) == -1) {
		rad_srv_id_free(r);
		return -1;
	}
	if (++s->st.in_flight > s->st.in_flight_max)
		s->st.in_flight_max = s->st.in_flight;
	r->on_srv = 1;
	if (r->code == RAD_ACCT_REQUEST)
		s->st.acct_requests++;
	else
		s->st.auth_requests++;
	r->first_sent_us = sso_now_us();
	return req_transmit(r);
}

/* to the next server of the group: sent, or queued for its window */
static int
req_start_server(struct rad_req *r)
{
	int i;

	while ((i = req_pick(r)) != -1) {
		r->tried |= 1u << i;
		r->gidx = (unsigned)i;
		r->srv = r->grp->srv[i];
		if (rad_srv_window_full(r->srv)) {
			rad_srv_queue_add(r->srv, r);
			return 0;
		}
		if (req_send_first(r) == 0)
			return 0;
	}
	return -1;
}

static void
server_kick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct rad_server *s = w->data;
	struct rad_req *r;

	(void)loop;
	(void)revents;
	while ((r = TAILQ_FIRST(&s->queue)) != NULL && !rad_srv_window_full(s)) {
		rad_srv_queue_del(s, r);
		if (req_send_first(r) == 0)
			continue;
		if (req_start_server(r) == -1)
			req_done(r, RAD_R_ERROR, NULL);
	}
}

static void
req_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct rad_req *r = w->data;
	struct rad_server *s = r->srv;

	(void)loop;
	(void)revents;
	s->st.timeouts++;
	if (r->tries <= s->conf.retransmit) {
		s->st.retransmits++;
		if (r->code == RAD_ACCT_REQUEST) {
			/* RFC 2866 5.2: new delay, new authenticator, new id */
			rad_srv_id_free(r);
			if (req_build(r) == -1) {
				req_done(r, RAD_R_ERROR, NULL);
				return;
			}
		}
		req_transmit(r);
		return;
	}
	/* dead only if silent since this request was first sent to it */
	if (s->last_answer_us <= r->first_sent_us)
		rad_srv_dead(s);
	s->st.failovers++;
	r->on_srv = 0;
	server_slot_freed(s);
	rad_srv_id_free(r);
	if (req_start_server(r) == -1) {
		r->srv = s;
		req_done(r, RAD_R_TIMEOUT, NULL);
	}
}

static struct rad_req *
req_submit(struct rad_req *r)
{
	if (req_start_server(r) == -1) {
		req_free(r);
		return NULL;
	}
	return r;
}

struct rad_req *
rad_auth_send(struct rad_group *g, const struct rad_avlist *attrs,
    const char *pw, rad_done_cb cb, void *arg)
{
	struct rad_req *r;

	if (attrs->err || (pw != NULL && strlen(pw) > RAD_PW_MAX))
		return NULL;
	if ((r = req_new(g, RAD_ACCESS_REQUEST, attrs->buf, attrs->len, cb,
	    arg)) == NULL)
		return NULL;
	if (pw != NULL && (r->pw = strdup(pw)) == NULL) {
		req_free(r);
		return NULL;
	}
	return req_submit(r);
}

struct rad_req *
rad_acct_send(struct rad_group *g, const struct rad_acct_rec *rec,
    rad_done_cb cb, void *arg)
{
	struct rad_avlist *l;
	struct rad_req *r;

	if ((l = malloc(sizeof(*l))) == NULL)
		return NULL;
	/* the record's attributes with status and session id; the delay is
	 * added at each transmission */
	if (rad_acct_rec_attrs(rec, rec->event_time, l) == -1) {
		free(l);
		return NULL;
	}
	rad_av_del(l, RAD_ACCT_DELAY_TIME);
	r = req_new(g, RAD_ACCT_REQUEST, l->buf, l->len, cb, arg);
	free(l);
	if (r == NULL)
		return NULL;
	r->event_time = rec->event_time;
	return req_submit(r);
}

/* ---- answers ---- */

static int
reply_code_ok(uint8_t req, uint8_t code)
{
	if (req == RAD_ACCT_REQUEST)
		return code == RAD_ACCT_RESPONSE;
	return code == RAD_ACCESS_ACCEPT || code == RAD_ACCESS_REJECT ||
	    code == RAD_ACCESS_CHALLENGE;
}

static void
sock_answer(struct rad_sock *k, const uint8_t *buf, size_t n,
    const struct sockaddr_in *from)
{
	struct rad_server *s = k->srv;
	const struct sockaddr_in *sa = (const void *)&s->conf.addr;
	struct rad_req *r;
	struct rad_pkt p;
	int e, res;

	if (n < RAD_HDR_LEN || from->sin_addr.s_addr != sa->sin_addr.s_addr ||
	    (r = k->ids[buf[1]]) == NULL ||
	    from->sin_port != htons(r->code == RAD_ACCT_REQUEST ?
	    s->conf.acct_port : s->conf.auth_port)) {
		e = RAD_E_UNKNOWN;	/* late (after a timeout) or forged */
		goto drop;
	}
	if ((e = rad_pkt_parse(&p, buf, n)) != RAD_E_OK ||
	    (e = rad_reply_verify(buf, n, r->ra, s->conf.key,
	    s->conf.require_msgauth && r->code == RAD_ACCESS_REQUEST)) !=
	    RAD_E_OK)
		goto drop;
	if (!reply_code_ok(r->code, p.code)) {
		e = RAD_E_CODE;
		goto drop;
	}
	s->last_answer_us = sso_now_us();
	s->st.latency_sum_us += s->last_answer_us - r->sent_us;
	s->st.latency_n++;
	switch (p.code) {
	case RAD_ACCESS_ACCEPT:
		s->st.auth_accepts++;
		res = RAD_R_ACCEPT;
		break;
	case RAD_ACCESS_REJECT:
		s->st.auth_rejects++;
		res = RAD_R_REJECT;
		break;
	case RAD_ACCESS_CHALLENGE:
		s->st.auth_challenges++;
		res = RAD_R_CHALLENGE;
		break;
	default:
		s->st.acct_responses++;
		res = RAD_R_ACCT_OK;
		break;
	}
	SSO_DEBUG(&rad_debug, "RADIUS", "%s id %u from %s",
	    rad_code_name(p.code), p.id, s->conf.name);
	req_done(r, res, &p);
	return;
drop:
	s->st.bad_packets++;
	s->st.drops[e]++;
	sso_log_rl(&s->rl, SSO_INFO, "RADIUS", "DROP",
	    "answer from server %s dropped: %s", s->conf.name,
	    rad_err_name(e));
}

static void
sock_dgram(void *arg, const uint8_t *buf, size_t n,
    const struct sockaddr_in *from)
{
	sock_answer(arg, buf, n, from);
}

static void
sock_read(struct ev_loop *loop, ev_io *w, int revents)
{
	struct rad_sock *k = w->data;

	(void)loop;
	(void)revents;
	rad_udp_drain(k->fd, sock_dgram, k);
}

void
rad_client_free(struct rad_client *cl)
{
	if (cl == NULL)
		return;
	while (!TAILQ_EMPTY(&cl->reqs))
		req_free(TAILQ_FIRST(&cl->reqs));
	rad_srv_free_all(cl);
	free(cl);
}
