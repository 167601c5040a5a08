/*
 * dae.c - Dynamic Authorization Extensions server side (RFC 5176).
 *
 * Disconnect-Request and CoA-Request are accepted from configured clients
 * only (address + key), their Request Authenticator is checked (2.3:
 * MD5 over the packet with 16 zero octets and the key) as is any
 * Message-Authenticator (3.3), and the session action is the service's
 * callback. Answers: ACK, or NAK with Error-Cause (3.5).
 *
 * Duplicates (2.3: same source, Identifier and authenticator; the
 * authenticator covers Event-Timestamp) get the first answer again, byte
 * for byte, from a small cache, without calling the action twice. Each
 * new answer goes to the checkpoint hook before it is sent, and a new
 * active restores the cache from those (rad_dae_restore).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <ev.h>
#include <openssl/crypto.h>

#include "log.h"
#include "rad_local.h"

#define DAE_CLIENTS_MAX	32
#define DAE_CACHE	64

struct dae_client {
	struct in_addr	 addr;
	char		 key[RAD_KEY_MAX + 1];
	struct sso_ratelimit rl;	/* one per client */
};

struct dae_dup {
	int		 used;
	int		 held;	/* its checkpoint is under way: not sent yet */
	struct rad_dae_answer a;
};

struct rad_dae {
	rad_dae_action_cb action;
	void		*arg;
	struct dae_client clients[DAE_CLIENTS_MAX];
	unsigned	 nclients;
	struct dae_dup	 cache[DAE_CACHE];
	unsigned	 cache_next;
	struct rad_dae_stats st;
	unsigned	 window;	/* Event-Timestamp window, s; 0 off */
	int		 ts_required;
	rad_dae_ckpt_cb	 ckpt;
	void		*ckpt_arg;
	struct ev_loop	*loop;
	ev_io		 io;
	int		 fd;
};

struct rad_dae *
rad_dae_new(rad_dae_action_cb action, void *arg)
{
	struct rad_dae *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->action = action;
	d->arg = arg;
	d->fd = -1;
	return d;
}

void
rad_dae_free(struct rad_dae *d)
{
	if (d == NULL)
		return;
	if (d->loop)
		ev_io_stop(d->loop, &d->io);
	OPENSSL_cleanse(d->clients, sizeof(d->clients));
	free(d);
}

int
rad_dae_client_add(struct rad_dae *d, struct in_addr a, const char *key)
{
	struct dae_client *c;

	if (d->nclients >= DAE_CLIENTS_MAX || key[0] == '\0' ||
	    strlen(key) > RAD_KEY_MAX)
		return -1;
	c = &d->clients[d->nclients++];
	c->addr = a;
	strcpy(c->key, key);
	return 0;
}

void
rad_dae_get_stats(const struct rad_dae *d, struct rad_dae_stats *st)
{
	*st = d->st;
}

static struct dae_client *
client_find(struct rad_dae *d, struct in_addr a)
{
	unsigned i;

	for (i = 0; i < d->nclients; i++)
		if (d->clients[i].addr.s_addr == a.s_addr)
			return &d->clients[i];
	return NULL;
}

static struct dae_dup *
dup_find(struct rad_dae *d, const struct sockaddr_in *from,
    const struct rad_pkt *p)
{
	unsigned i;

	for (i = 0; i < DAE_CACHE; i++) {
		struct dae_dup *e = &d->cache[i];

		if (e->used && e->a.id == p->id &&
		    e->a.from.sin_addr.s_addr == from->sin_addr.s_addr &&
		    e->a.from.sin_port == from->sin_port &&
		    memcmp(e->a.auth, p->auth, RAD_AUTH_LEN) == 0)
			return e;
	}
	return NULL;
}

static struct dae_dup *
dup_slot(struct rad_dae *d)
{
	struct dae_dup *e = &d->cache[d->cache_next];

	d->cache_next = (d->cache_next + 1) % DAE_CACHE;
	e->used = 1;
	return e;
}

void
rad_dae_set_ckpt(struct rad_dae *d, rad_dae_ckpt_cb fn, void *arg)
{
	d->ckpt = fn;
	d->ckpt_arg = arg;
}

void
rad_dae_set_time_window(struct rad_dae *d, unsigned seconds, int required)
{
	d->window = seconds;
	d->ts_required = required;
}

/* RFC 5176 3.5: a request outside the window is silently discarded */
static int
fresh(const struct rad_dae *d, const struct rad_pkt *p)
{
	uint32_t ts;
	time_t now;

	if (d->window == 0)
		return 1;
	if (rad_pkt_get_u32(p, RAD_EVENT_TIMESTAMP, &ts) == -1)
		return !d->ts_required;
	now = time(NULL);
	return (uint64_t)(now > ts ? now - ts : ts - now) <= d->window;
}

int
rad_dae_restore(struct rad_dae *d, const struct rad_dae_answer *a)
{
	struct dae_dup *e;

	if (a->rlen < RAD_HDR_LEN || a->rlen > RAD_DAE_ANSWER_MAX)
		return -1;
	e = dup_slot(d);
	e->a = *a;
	e->held = 0;
	return 0;
}

/*
 * Serialized answer (version 1): u8 version, u32 source address, u16
 * source port (both network order as received), u8 id, 16 authenticator,
 * u8 length, the answer.
 */
int
rad_dae_answer_encode(const struct rad_dae_answer *a, struct sso_wbuf *b)
{
	int errs = 0;

	errs += sso_wbuf_put_u8(b, 1);
	errs += sso_wbuf_put(b, &a->from.sin_addr.s_addr, 4);
	errs += sso_wbuf_put(b, &a->from.sin_port, 2);
	errs += sso_wbuf_put_u8(b, a->id);
	errs += sso_wbuf_put(b, a->auth, RAD_AUTH_LEN);
	errs += sso_wbuf_put_u8(b, a->rlen);
	errs += sso_wbuf_put(b, a->reply, a->rlen);
	return errs ? -1 : 0;
}

int
rad_dae_answer_decode(struct rad_dae_answer *a, struct sso_cur *c)
{
	uint8_t ver;

	memset(a, 0, sizeof(*a));
	a->from.sin_family = AF_INET;
	if (sso_cur_get_u8(c, &ver) == -1 || ver != 1 ||
	    sso_cur_get_bytes(c, &a->from.sin_addr.s_addr, 4) == -1 ||
	    sso_cur_get_bytes(c, &a->from.sin_port, 2) == -1 ||
	    sso_cur_get_u8(c, &a->id) == -1 ||
	    sso_cur_get_bytes(c, a->auth, RAD_AUTH_LEN) == -1 ||
	    sso_cur_get_u8(c, &a->rlen) == -1 ||
	    a->rlen < RAD_HDR_LEN || a->rlen > RAD_DAE_ANSWER_MAX ||
	    sso_cur_get_bytes(c, a->reply, a->rlen) == -1)
		return -1;
	return 0;
}

/* ACK or NAK (with Error-Cause) for request p, into out */
static ssize_t
dae_answer(const struct rad_pkt *p, const char *key, int cause, int ma,
    uint8_t *out)
{
	struct rad_pkt a;

	memset(&a, 0, sizeof(a));
	rad_av_init(&a.attrs);
	a.id = p->id;
	if (p->code == RAD_DISCONNECT_REQUEST)
		a.code = cause ? RAD_DISCONNECT_NAK : RAD_DISCONNECT_ACK;
	else
		a.code = cause ? RAD_COA_NAK : RAD_COA_ACK;
	if (cause)
		rad_av_put_u32(&a.attrs, RAD_ERROR_CAUSE, (uint32_t)cause);
	return rad_pkt_encode(&a, key, NULL, ma, p->auth, out);
}

/* the one drop exit (an unknown client is only counted: no log line for
 * whoever sends us datagrams) */
static size_t
dae_drop(struct rad_dae *d, struct dae_client *c,
    const struct sockaddr_in *from, int e)
{
	d->st.drops[e]++;
	sso_log_rl(&c->rl, SSO_INFO, "RADIUS", "DAEDROP",
	    "dynamic-authorization request from %s dropped: %s",
	    inet_ntoa(from->sin_addr), rad_err_name(e));
	return 0;
}

size_t
rad_dae_input(struct rad_dae *d, const struct sockaddr_in *from,
    const uint8_t *buf, size_t len, uint8_t *out)
{
	struct dae_client *c;
	struct rad_pkt p;
	struct dae_dup *e;
	struct sso_cur ma;
	ssize_t n;
	int err, cause;

	if ((c = client_find(d, from->sin_addr)) == NULL) {
		d->st.unknown_client++;
		return 0;
	}
	if ((err = rad_pkt_parse(&p, buf, len)) != RAD_E_OK)
		return dae_drop(d, c, from, err);
	if (p.code != RAD_DISCONNECT_REQUEST && p.code != RAD_COA_REQUEST)
		return dae_drop(d, c, from, RAD_E_CODE);
	if ((err = rad_request_verify(buf, len, c->key)) != RAD_E_OK)
		return dae_drop(d, c, from, err);
	if (!fresh(d, &p))
		return dae_drop(d, c, from, RAD_E_STALE);
	if ((e = dup_find(d, from, &p)) != NULL) {
		d->st.duplicates++;
		/* the first answer is not out yet: it will be, once */
		if (e->held)
			return 0;
		memcpy(out, e->a.reply, e->a.rlen);
		return e->a.rlen;
	}
	d->st.requests++;
	cause = d->action ? d->action(d->arg, p.code, &p) :
	    RAD_EC_SESSION_NOT_FOUND;
	n = dae_answer(&p, c->key, cause,
	    rad_pkt_find(&p, RAD_MESSAGE_AUTHENTICATOR, 0, &ma) == 0, out);
	if (n <= 0 || (size_t)n > RAD_DAE_ANSWER_MAX)
		return 0;
	if (cause)
		d->st.naks++;
	else
		d->st.acks++;
	e = dup_slot(d);
	e->a.from = *from;
	e->a.id = p.id;
	memcpy(e->a.auth, p.auth, RAD_AUTH_LEN);
	memcpy(e->a.reply, out, (size_t)n);
	e->a.rlen = (uint8_t)n;
	e->held = 0;
	/* the answer is an object: on the standby before it is sent; the
	 * hook may hold it until the standby has it (rad_dae_release) */
	if (d->ckpt && d->ckpt(d->ckpt_arg, &e->a) == 1) {
		e->held = 1;
		d->st.held++;
		return 0;
	}
	return (size_t)n;
}

void
rad_dae_release(struct rad_dae *d, const struct rad_dae_answer *a)
{
	unsigned i;

	for (i = 0; i < DAE_CACHE; i++) {
		struct dae_dup *e = &d->cache[i];

		if (e->used && e->held && e->a.id == a->id &&
		    e->a.from.sin_addr.s_addr == a->from.sin_addr.s_addr &&
		    e->a.from.sin_port == a->from.sin_port &&
		    memcmp(e->a.auth, a->auth, RAD_AUTH_LEN) == 0)
			e->held = 0;
	}
	if (d->fd != -1)
		(void)sendto(d->fd, a->reply, a->rlen, 0,
		    (const struct sockaddr *)&a->from, sizeof(a->from));
}

static void
dae_dgram(void *arg, const uint8_t *buf, size_t n,
    const struct sockaddr_in *from)
{
	struct rad_dae *d = arg;
	uint8_t out[RAD_PKT_MAX];
	size_t rl;

	if ((rl = rad_dae_input(d, from, buf, n, out)) > 0)
		(void)sendto(d->fd, out, rl, 0, (const struct sockaddr *)from,
		    sizeof(*from));
}

static void
dae_read(struct ev_loop *loop, ev_io *w, int revents)
{
	struct rad_dae *d = w->data;

	(void)loop;
	(void)revents;
	rad_udp_drain(d->fd, dae_dgram, d);
}

int
rad_dae_start(struct rad_dae *d, struct ev_loop *loop, int fd)
{
	d->loop = loop;
	d->fd = fd;
	ev_io_init(&d->io, dae_read, fd, EV_READ);
	d->io.data = d;
	ev_io_start(loop, &d->io);
	return 0;
}
