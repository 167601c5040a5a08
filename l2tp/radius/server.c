/*
 * server.c - RADIUS servers and groups for the client (client.c): their
 * configuration, alive/dead state with the revive time, statistics
 * snapshots, the window queue, and the UDP sockets with their 256
 * identifiers each (RFC 2865 3: an answer is matched by source port and
 * Identifier). Identifiers are handed out round-robin so a freed one is
 * reused as late as possible; when every identifier of every socket is
 * taken another socket is opened (up to the client's max_sockets).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "rad_local.h"

void
rad_server_conf_init(struct rad_server_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->auth_port = 1812;
	c->acct_port = 1813;
	c->timeout_ms = 5000;
	c->retransmit = 3;
	c->deadtime_ms = 60000;
	c->max_outstanding = 128;	/* fits a default socket buffer */
}


struct rad_server *
rad_server_add(struct rad_client *cl, const struct rad_server_conf *conf)
{
	struct rad_server *s, **tail;

	if (conf->addr.ss_family != AF_INET || conf->key[0] == '\0' ||
	    rad_server_find(cl, conf->name) != NULL)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->cl = cl;
	s->conf = *conf;
	s->state = RAD_SRV_UP;
	TAILQ_INIT(&s->queue);
	ev_init(&s->kick, NULL);	/* client.c sets the callback */
	s->kick.data = s;
	for (tail = &cl->servers; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = s;
	return s;
}


struct rad_server *
rad_server_find(struct rad_client *cl, const char *name)
{
	struct rad_server *s;

	for (s = cl->servers; s != NULL; s = s->next)
		if (strcmp(s->conf.name, name) == 0)
			return s;
	return NULL;
}


struct rad_server *
rad_server_next(struct rad_client *cl, struct rad_server *s)
{
	return s == NULL ? cl->servers : s->next;
}


const char *
rad_server_name(const struct rad_server *s)
{
	return s->conf.name;
}


/* revive: a dead server whose deadtime is over is up again */
int
rad_srv_alive(struct rad_server *s)
{
	if (s->state == RAD_SRV_DEAD && sso_now_ms() >= s->dead_until_ms) {
		s->state = RAD_SRV_UP;
		sso_log(SSO_NOTICE, "RADIUS", "ALIVE",
		    "RADIUS server %s is up again (deadtime over)",
		    s->conf.name);
	}
	return s->state == RAD_SRV_UP;
}


void
rad_srv_dead(struct rad_server *s)
{
	if (s->conf.deadtime_ms == 0 || s->state == RAD_SRV_DEAD)
		return;
	s->state = RAD_SRV_DEAD;
	s->dead_until_ms = sso_now_ms() + s->conf.deadtime_ms;
	s->st.dead_count++;
	sso_log(SSO_WARNING, "RADIUS", "DEAD",
	    "RADIUS server %s is not responding, marked dead for %u ms",
	    s->conf.name, s->conf.deadtime_ms);
}


void
rad_server_stats(const struct rad_server *s, struct rad_server_stats *st)
{
	const struct sockaddr_in *sin = (const void *)&s->conf.addr;
	uint64_t now = sso_now_ms();

	*st = s->st;
	snprintf(st->name, sizeof(st->name), "%s", s->conf.name);
	if (inet_ntop(AF_INET, &sin->sin_addr, st->addr, sizeof(st->addr))
	    == NULL)
		st->addr[0] = '\0';
	st->auth_port = s->conf.auth_port;
	st->acct_port = s->conf.acct_port;
	st->state = s->state == RAD_SRV_DEAD && now < s->dead_until_ms ?
	    RAD_SRV_DEAD : RAD_SRV_UP;
	st->dead_for_ms = st->state == RAD_SRV_DEAD ? s->dead_until_ms - now :
	    0;
	st->sockets = s->nsocks;
}


void
rad_srv_queue_add(struct rad_server *s, struct rad_req *r)
{
	r->queued = 1;
	TAILQ_INSERT_TAIL(&s->queue, r, qlink);
	s->st.queued++;
}


void
rad_srv_queue_del(struct rad_server *s, struct rad_req *r)
{
	TAILQ_REMOVE(&s->queue, r, qlink);
	r->queued = 0;
	s->st.queued--;
}


int
rad_srv_window_full(const struct rad_server *s)
{
	return s->conf.max_outstanding &&
	    s->st.in_flight >= s->conf.max_outstanding;
}


struct rad_group *
rad_group_add(struct rad_client *cl, const char *name)
{
	struct rad_group *g;

	if (strlen(name) >= sizeof(g->name) || rad_group_find(cl, name))
		return NULL;
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	strcpy(g->name, name);
	g->cl = cl;
	g->next = cl->groups;
	cl->groups = g;
	return g;
}


struct rad_group *
rad_group_find(struct rad_client *cl, const char *name)
{
	struct rad_group *g;

	for (g = cl->groups; g != NULL; g = g->next)
		if (strcmp(g->name, name) == 0)
			return g;
	return NULL;
}


int
rad_group_add_server(struct rad_group *g, struct rad_server *s)
{
	if (g->n >= RAD_GROUP_MAX)
		return -1;
	g->srv[g->n++] = s;
	return 0;
}


static struct rad_sock *
sock_open(struct rad_server *s)
{
	struct rad_client *cl = s->cl;
	struct rad_sock *k;
	struct sockaddr_in any = { .sin_family = AF_INET };
	int fd, rcvbuf = 1 << 20;

	if (s->nsocks >= cl->max_socks)
		return NULL;
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return NULL;
	/* room for a window of answers arriving at once (best effort:
	 * capped by net.core.rmem_max) */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)(cl->has_src ? &cl->src : &any),
	    sizeof(any)) == -1 || (k = calloc(1, sizeof(*k))) == NULL) {
		close(fd);
		return NULL;
	}
	k->srv = s;
	k->fd = fd;
	ev_io_init(&k->io, cl->sock_cb, fd, EV_READ);
	k->io.data = k;
	ev_io_start(cl->loop, &k->io);
	k->next = s->socks;
	s->socks = k;
	s->nsocks++;
	return k;
}


int
rad_srv_id_alloc(struct rad_req *r, struct rad_server *s)
{
	struct rad_sock *k;
	unsigned i, id;

	for (k = s->socks; k != NULL && k->used >= 256; k = k->next)
		;
	if (k == NULL && (k = sock_open(s)) == NULL)
		return -1;
	for (i = 0; i < 256; i++) {
		id = (k->next_id + i) & 0xff;
		if (k->ids[id] == NULL)
			break;
	}
	k->ids[id] = r;
	k->next_id = (id + 1) & 0xff;	/* identifier wrap: 255 -> 0 */
	k->used++;
	r->sock = k;
	r->id = (uint8_t)id;
	return 0;
}


void
rad_srv_id_free(struct rad_req *r)
{
	if (r->sock == NULL)
		return;
	r->sock->ids[r->id] = NULL;
	r->sock->used--;
	r->sock = NULL;
}

/* every server (its sockets, wiped key) and group */
void
rad_srv_free_all(struct rad_client *cl)
{
	struct rad_server *s, *sn;
	struct rad_sock *k, *kn;
	struct rad_group *g, *gn;

	for (s = cl->servers; s != NULL; s = sn) {
		sn = s->next;
		ev_timer_stop(cl->loop, &s->kick);
		for (k = s->socks; k != NULL; k = kn) {
			kn = k->next;
			ev_io_stop(cl->loop, &k->io);
			close(k->fd);
			free(k);
		}
		OPENSSL_cleanse(s->conf.key, sizeof(s->conf.key));
		free(s);
	}
	for (g = cl->groups; g != NULL; g = gn) {
		gn = g->next;
		free(g);
	}
}
