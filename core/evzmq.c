/*
 * evzmq.c - a ZeroMQ socket in a libev loop.
 *
 * ZMQ_FD only signals *changes* of ZMQ_EVENTS (edge-triggered), and a
 * send or recv on the socket may consume the edge. So the socket's real
 * state is re-read with ZMQ_EVENTS before every poll (ev_prepare) and after
 * it (ev_check): if work is pending an ev_idle keeps the loop from
 * blocking, and the callback drains in bounded batches so one busy socket
 * cannot starve the others (DESIGN.md "libev integration").
 * Never used with inproc:// sockets.
 */
#include <zmq.h>

#include "sso_local.h"

static int
zevents(struct sso_evzmq *z)
{
	int ev = 0;
	size_t len = sizeof(ev);

	if (zmq_getsockopt(z->sock, ZMQ_EVENTS, &ev, &len) == -1)
		return 0;
	return ev;
}

static int
pending(struct sso_evzmq *z)
{
	int ev = zevents(z);

	return (ev & ZMQ_POLLIN) || (z->want_write && (ev & ZMQ_POLLOUT));
}

static void
prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct sso_evzmq *z = w->data;

	if (pending(z))
		ev_idle_start(loop, &z->idle);
	else
		ev_idle_stop(loop, &z->idle);
}

static void
check_cb(struct ev_loop *loop, ev_check *w, int revents)
{
	struct sso_evzmq *z = w->data;
	int ev;

	ev_idle_stop(loop, &z->idle);
	ev = zevents(z);
	if (ev & ZMQ_POLLIN)
		z->cb(z, EV_READ);
	if (z->want_write && (zevents(z) & ZMQ_POLLOUT))
		z->cb(z, EV_WRITE);
}

static void
noop_cb(struct ev_loop *loop, void *w, int revents)
{
	/* the work happens in check_cb; these only wake the loop */
}

void
sso_evzmq_start(struct sso_evzmq *z, struct ev_loop *loop, void *sock,
    int priority, void (*cb)(struct sso_evzmq *, int), void *arg)
{
	int fd;
	size_t len = sizeof(fd);

	z->sock = sock;
	z->loop = loop;
	z->cb = cb;
	z->arg = arg;
	if (z->batch == 0)
		z->batch = 256;
	if (zmq_getsockopt(sock, ZMQ_FD, &fd, &len) == -1)
		sso_fatal("zmq_getsockopt(ZMQ_FD): %s", zmq_strerror(errno));
	ev_io_init(&z->io, (void (*)(struct ev_loop *, ev_io *, int))noop_cb,
	    fd, EV_READ);
	ev_prepare_init(&z->prep, prepare_cb);
	ev_check_init(&z->chk, check_cb);
	ev_idle_init(&z->idle,
	    (void (*)(struct ev_loop *, ev_idle *, int))noop_cb);
	z->prep.data = z->chk.data = z;
	ev_set_priority(&z->io, priority);
	ev_set_priority(&z->prep, priority);
	ev_set_priority(&z->chk, priority);
	ev_set_priority(&z->idle, priority);
	ev_io_start(loop, &z->io);
	ev_prepare_start(loop, &z->prep);
	ev_check_start(loop, &z->chk);
}

void
sso_evzmq_stop(struct sso_evzmq *z)
{
	if (z->loop == NULL)
		return;
	ev_io_stop(z->loop, &z->io);
	ev_prepare_stop(z->loop, &z->prep);
	ev_check_stop(z->loop, &z->chk);
	ev_idle_stop(z->loop, &z->idle);
	z->loop = NULL;
}
