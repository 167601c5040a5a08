/*
 * mgmt.c - control socket (ssoctl) and event stream (ssoctl monitor).
 *
 * Control: a ZeroMQ ROUTER on ipc://PATH. A request is
 * [routing id][empty][mode][word]...; mode is "text" or "json", or
 * "stream-text"/"stream-json" from a client that reads streamed replies
 * (ssoctl). The reply is [routing id][empty][result code][body]. A
 * streamed reply is first zero or more [routing id][empty]["+"][chunk]
 * messages, then that same final message: the result code is the end
 * marker. A client that did not ask for streaming gets the whole reply in
 * one message. ROUTER (not REP) so a handler may answer later (SYNC
 * writes) while other requests are served.
 * Flow control: ZMQ_ROUTER_MANDATORY with a small send high-water mark,
 * so a chunk that does not fit stays with us (EAGAIN) and the next one is
 * made only once it is handed to ZeroMQ; one chunk per stream per turn of
 * the event loop, so keepalives keep flowing during a long reply.
 * Events: a PUB socket on ipc://PATH.events, one JSON object per message.
 * The directory holding both must be accessible to the daemon's user only;
 * we create it 0700 and refuse one that others can open (fail closed).
 * The read-only socket (control socket PATH read-only) runs show-class
 * commands only (cmd.h): its directory may let its group read and search
 * (0750) and its socket files are 0660, so a monitoring group can connect;
 * nobody else can, and nobody but us can create or replace them.
 */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <zmq.h>

#include "sso_local.h"
#include "render.h"

/* one control socket: the normal one and the read-only one */
struct ctl {
	void		*sock, *pub;
	struct sso_evzmq ev;
	int		 readonly;
	/* we created the file: we remove it */
	char		 path[PATH_MAX], evpath[PATH_MAX + 8];
	int		 sock_bound, pub_bound;
};

struct pending {
	struct sso_reply r;	/* first: handlers get &p->r */
	struct ctl	*c;
	int		 stream;	/* the client reads chunks */
	int		 chunk;		/* r.out holds a chunk not sent yet */
	int		 final;		/* r.out is the end marker's body,
					 * not sent yet (the queue was full) */
	struct pending	*next;		/* streams being sent */
	size_t		 idlen;
	uint8_t		 id[256];
};

#define CTL_HWM		2	/* messages queued per client */
#define CTL_RETRY	0.005	/* s: every client full, try again */

static struct ctl ctl[2];	/* [1]: read-only */
static struct pending *streams;
static ev_timer retry_timer;
static uint64_t ctl_requests, ctl_errors, ctl_denied, ctl_chunks;
static uint64_t ctl_streams_dropped;

int
sso_mgmt_check_dir(const char *path, int flags, char *err, size_t len)
{
	char tmp[PATH_MAX], *dir;
	struct stat st;
	int create = flags & SSO_MGMT_CREATE;
	mode_t deny = (flags & SSO_MGMT_GROUP) ? 027 : 077;

	snprintf(tmp, sizeof(tmp), "%s", path);
	dir = dirname(tmp);
	if (stat(dir, &st) == -1 && errno == ENOENT && !create) {
		/* start-up makes it (one level): can it? */
		char up[PATH_MAX];

		snprintf(up, sizeof(up), "%s", dir);
		if (access(dirname(up), W_OK | X_OK) == 0)
			return 0;
		snprintf(err, len, "control socket directory %s is missing "
		    "and cannot be created: %s", dir, strerror(errno));
		return -1;
	}
	/* both units may start at once and race to create it */
	if (stat(dir, &st) == -1 && (errno != ENOENT ||
	    (mkdir(dir, 0700) == -1 && errno != EEXIST) ||
	    stat(dir, &st) == -1)) {
		snprintf(err, len, "cannot create %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & deny) != 0) {
		snprintf(err, len, "control socket directory %s must be a "
		    "directory owned by uid %u with mode %s", dir,
		    (unsigned)geteuid(), (flags & SSO_MGMT_GROUP) ?
		    "0700 or 0750" : "0700");
		return -1;
	}
	return 0;
}

static int
check_dir(const char *path, int flags)
{
	char err[PATH_MAX + 128];

	if (sso_mgmt_check_dir(path, SSO_MGMT_CREATE | flags, err,
	    sizeof(err)) == 0)
		return 0;
	sso_log(SSO_ERR, "MGMT", "SOCKET", "%s", err);
	return -1;
}

static void
pending_free(struct pending *p)
{
	sso_wbuf_free(&p->r.out);
	free(p);
}

/* one message [id][empty][tag][body]; -1 with errno (EAGAIN: full) */
static int
send_msg(struct pending *p, const char *tag)
{
	void *s = p->c->sock;

	if (zmq_send(s, p->id, p->idlen, ZMQ_SNDMORE | ZMQ_DONTWAIT) == -1)
		return -1;
	/* the rest of a multipart message always follows its first part */
	zmq_send(s, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT);
	zmq_send(s, tag, strlen(tag), ZMQ_SNDMORE | ZMQ_DONTWAIT);
	zmq_send(s, p->r.out.buf ? p->r.out.buf : (uint8_t *)"", p->r.out.len,
	    ZMQ_DONTWAIT);
	return 0;
}

/* the end marker [RC][body]: 1 when the client's queue is full */
static int
try_end(struct pending *p)
{
	char rc[16];

	snprintf(rc, sizeof(rc), "%d", p->r.rc);
	if (send_msg(p, rc) == -1 && errno == EAGAIN)
		return 1;
	/* sent, or the client went away (EHOSTUNREACH) */
	if (p->r.rc != SSO_RC_OK)
		ctl_errors++;
	if (p->r.rc == SSO_RC_DENIED)
		ctl_denied++;
	pending_free(p);
	return 0;
}

static void want_write(void);

/*
 * A reply is never dropped because the client's queue is full (a batch
 * client reading slowly, a reply finished late by sso_reply_done): it
 * waits on the stream list and goes out when the socket has room.
 */
static void
send_reply(struct pending *p)
{
	if (try_end(p) == 0)
		return;
	p->final = 1;
	p->next = streams;
	streams = p;
	want_write();
}

void
sso_reply_done(struct sso_reply *r, int rc)
{
	struct pending *p = (struct pending *)r;

	r->rc = rc;
	send_reply(p);
}

static void
stream_unlink(struct pending *p)
{
	struct pending **pp;

	for (pp = &streams; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			return;
		}
}

/*
 * One step of a streamed reply: send the chunk made last time, or make
 * the next one and send it. 0: sent (or finished), 1: the client's queue
 * is full (try again when it is writable), -1: the stream is gone.
 */
static int
stream_step(struct pending *p)
{
	int rc;

	if (p->final) {
		stream_unlink(p);
		if (try_end(p) == 0)
			return 0;
		p->next = streams;	/* still full: back on the list */
		streams = p;
		return 1;
	}
	if (!p->chunk) {
		rc = sso_reply_next(&p->r);
		if (rc != SSO_RC_STREAM) {
			stream_unlink(p);
			send_reply(p);
			return 0;
		}
		p->chunk = 1;
	}
	if (send_msg(p, "+") == -1) {
		if (errno == EAGAIN)
			return 1;
		/* the client went away (EHOSTUNREACH): nobody to finish for */
		ctl_streams_dropped++;
		stream_unlink(p);
		pending_free(p);
		return -1;
	}
	ctl_chunks++;
	p->chunk = 0;
	sso_wbuf_reset(&p->r.out);
	return 0;
}

/* a socket watches for "writable" while it has streams to send */
static void
want_write(void)
{
	struct pending *p;

	ctl[0].ev.want_write = ctl[1].ev.want_write = 0;
	for (p = streams; p; p = p->next)
		p->c->ev.want_write = 1;
}

/*
 * One chunk per stream of socket c (NULL: of both), then back to the
 * loop. ROUTER says "writable" when any client's queue has room: a socket
 * whose streams are all blocked stops watching and tries again a little
 * later, instead of spinning.
 */
static void
streams_run(struct ctl *c)
{
	struct pending *p, *next;
	int blocked = 0, moved = 0;

	for (p = streams; p; p = next) {
		next = p->next;
		if (c != NULL && p->c != c)
			continue;
		if (stream_step(p) == 1)
			blocked++;
		else
			moved++;
	}
	want_write();
	if (blocked && !moved) {
		if (c != NULL)
			c->ev.want_write = 0;
		else
			ctl[0].ev.want_write = ctl[1].ev.want_write = 0;
		if (!ev_is_active(&retry_timer)) {
			ev_timer_set(&retry_timer, CTL_RETRY, 0.);
			ev_timer_start(sso.loop, &retry_timer);
		}
	}
}

static void
retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	streams_run(NULL);
}

static void
handle(struct pending *p, char **words, int nw)
{
	int rc;

	ctl_requests++;
	p->r.readonly = p->c->readonly;
	rc = sso_cmd_exec(nw, words, &p->r);
	if (rc == SSO_RC_PENDING)
		return;
	if (rc != SSO_RC_STREAM) {
		send_reply(p);
		return;
	}
	if (!p->stream) {
		/* an old client: the whole reply in one message */
		(void)sso_reply_drain(&p->r);
		send_reply(p);
		return;
	}
	p->next = streams;
	streams = p;
	(void)stream_step(p);
	want_write();
}

#define NPARTS	(SSO_MAXWORDS + 3)

/* the request's mode word: sets json and stream; -1 if unknown */
static int
parse_mode(struct pending *p, const char *mode)
{
	if (strncmp(mode, "stream-", 7) == 0) {
		p->stream = 1;
		mode += 7;
	}
	p->r.json = strcmp(mode, "json") == 0;
	return 0;
}

static void
ctl_read(struct ctl *c)
{
	unsigned n;
	int i;

	for (n = 0; n < c->ev.batch; n++) {
		char parts[NPARTS][256];
		size_t plen[NPARTS];
		char *words[SSO_MAXWORDS];
		int np = 0, more = 1, bad = 0, len;
		size_t ml;
		struct pending *p;

		while (more) {
			char junk[256];
			char *dst = np < NPARTS ? parts[np] : junk;

			if ((len = zmq_recv(c->sock, dst, 255,
			    ZMQ_DONTWAIT)) < 0)
				break;
			if (len > 255) {
				bad = 1;	/* truncated word */
				len = 255;
			}
			dst[len] = '\0';
			if (np < NPARTS)
				plen[np++] = (size_t)len;
			else
				bad = 1;
			ml = sizeof(more);
			zmq_getsockopt(c->sock, ZMQ_RCVMORE, &more, &ml);
		}
		if (np == 0)
			return;
		if ((p = calloc(1, sizeof(*p))) == NULL)
			return;
		p->c = c;
		p->idlen = plen[0];
		memcpy(p->id, parts[0], plen[0]);
		sso_wbuf_init(&p->r.out, 0);
		p->r.priv = p;
		if (np < 3 || plen[1] != 0) {
			p->r.rc = SSO_RC_ERROR;
			sso_wbuf_printf(&p->r.out, "%% malformed request\n");
			send_reply(p);
			continue;
		}
		(void)parse_mode(p, parts[2]);
		if (bad) {
			sso_reply_err(&p->r, SSO_RC_BADARG, "%% Too many or "
			    "too long words");
			send_reply(p);
			continue;
		}
		for (i = 3; i < np; i++)
			words[i - 3] = parts[i];
		handle(p, words, np - 3);
	}
}

static void
ctl_cb(struct sso_evzmq *z, int revents)
{
	struct ctl *c = z->arg;

	if (revents & EV_READ)
		ctl_read(c);
	if ((revents & EV_WRITE) && streams != NULL)
		streams_run(c);
}

/* show control: the control sockets' own counters */
struct ctl_info {
	const char	*path, *ro_path;
	uint64_t	 requests, errors, denied, chunks, dropped;
	unsigned	 streaming;
	size_t		 chunk_bytes;
};

static const struct sso_field ctl_fields[] = {
	SSO_F_PSTR(struct ctl_info, path, "socket", "Control socket:", 0),
	SSO_F_PSTR(struct ctl_info, ro_path, "read_only_socket",
	    "Read-only socket:", 0),
	SSO_F_UINT(struct ctl_info, requests, "requests", "Requests:", 0),
	SSO_F_UINT(struct ctl_info, errors, "errors", "Failed requests:", 0),
	SSO_F_UINT(struct ctl_info, denied, "denied", "Denied (read-only):",
	    0),
	SSO_F_UINT(struct ctl_info, chunks, "chunks_sent", "Chunks sent:", 0),
	SSO_F_UINT(struct ctl_info, dropped, "streams_dropped",
	    "Streams dropped:", 0),
	SSO_F_UINT(struct ctl_info, streaming, "streaming", "Streaming now:",
	    0),
	SSO_F_UINT(struct ctl_info, chunk_bytes, "chunk_bytes",
	    "Chunk size (bytes):", 0),
};
static const struct sso_table ctl_table = SSO_TABLE(ctl_fields);

static int
cmd_show_control(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct ctl_info ci;
	struct pending *p;

	memset(&ci, 0, sizeof(ci));
	ci.path = sso.conf.ctl_path;
	ci.ro_path = sso.conf.ro_path[0] ? sso.conf.ro_path : NULL;
	ci.requests = ctl_requests;
	ci.errors = ctl_errors;
	ci.denied = ctl_denied;
	ci.chunks = ctl_chunks;
	ci.dropped = ctl_streams_dropped;
	ci.chunk_bytes = SSO_CHUNK_BYTES;
	for (p = streams; p; p = p->next)
		ci.streaming++;
	return sso_render_show(r, &ctl_table, &ci);
}

void
sso_mgmt_register(void)
{
	sso_cmd_register("show control", cmd_show_control, NULL);
}

void
sso_event(const char *fac, const char *event, const char *fmt, ...)
{
	struct sso_wbuf b;
	struct sso_json j;
	char text[512];
	va_list ap;
	int i;

	if (ctl[0].pub == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	sso_wbuf_init(&b, 0);
	sso_json_init(&j, &b);
	sso_json_obj(&j);
	sso_json_ku64(&j, "time_ms", sso_wall_ms());
	sso_json_ku64(&j, "unit", sso.conf.unit);
	sso_json_kstr(&j, "facility", fac);
	sso_json_kstr(&j, "event", event);
	sso_json_kstr(&j, "text", text);
	sso_json_obj_end(&j);
	for (i = 0; i < 2; i++)
		if (ctl[i].pub)
			zmq_send(ctl[i].pub, b.buf, b.len, ZMQ_DONTWAIT);
	sso_wbuf_free(&b);
}

/*
 * Is a process listening on the socket file at path? The pidfile lock
 * already keeps a second instance of this unit out; this also keeps out a
 * misconfigured other unit that names the same path: we never unlink a
 * socket somebody is serving.
 */
static int
in_use(const char *path)
{
	struct sockaddr_un sun;
	int fd, rc;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return 0;
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	return rc == 0;
}

static void *
bind_sock(int type, const char *path, mode_t mode, int *bound)
{
	char ep[PATH_MAX + 16];
	void *s = NULL;
	int one = 1, hwm = CTL_HWM;

	if (in_use(path)) {
		sso_log(SSO_ERR, "MGMT", "SOCKET", "%s is in use by another "
		    "process", path);
		return NULL;
	}
	unlink(path);
	snprintf(ep, sizeof(ep), "ipc://%s", path);
	if ((s = zmq_socket(sso.chan.zctx, type)) == NULL)
		goto fail;
	if (type == ZMQ_ROUTER &&
	    (zmq_setsockopt(s, ZMQ_ROUTER_MANDATORY, &one, sizeof(one)) ||
	    zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof(hwm))))
		goto fail;
	if (zmq_bind(s, ep) == -1)
		goto fail;
	*bound = 1;
	chmod(path, mode);
	return s;
fail:
	sso_log(SSO_ERR, "MGMT", "SOCKET", "cannot bind %s: %s", ep,
	    zmq_strerror(errno));
	if (s)
		zmq_close(s);
	return NULL;
}

static int
ctl_open(struct ctl *c, const char *path, int readonly)
{
	mode_t mode = readonly ? 0660 : 0600;

	if (check_dir(path, readonly ? SSO_MGMT_GROUP : 0) == -1)
		return -1;
	snprintf(c->path, sizeof(c->path), "%s", path);
	snprintf(c->evpath, sizeof(c->evpath), "%s.events", path);
	c->readonly = readonly;
	if ((c->sock = bind_sock(ZMQ_ROUTER, c->path, mode,
	    &c->sock_bound)) == NULL ||
	    (c->pub = bind_sock(ZMQ_PUB, c->evpath, mode,
	    &c->pub_bound)) == NULL)
		return -1;
	c->ev.batch = 32;
	/* below the keepalives, above bulk work */
	sso_evzmq_start(&c->ev, sso.loop, c->sock, 1, ctl_cb, c);
	return 0;
}

int
sso_mgmt_open(void)
{
	if (sso.chan.zctx == NULL) {
		if ((sso.chan.zctx = zmq_ctx_new()) == NULL)
			return -1;
		zmq_ctx_set(sso.chan.zctx, ZMQ_BLOCKY, 0);
	}
	ev_timer_init(&retry_timer, retry_cb, CTL_RETRY, 0.);
	ev_set_priority(&retry_timer, 1);
	if (ctl_open(&ctl[0], sso.conf.ctl_path, 0) == -1)
		return -1;
	if (sso.conf.ro_path[0] &&
	    ctl_open(&ctl[1], sso.conf.ro_path, 1) == -1)
		return -1;
	return 0;
}

/* orderly exit: close and remove the files this process created */
void
sso_mgmt_close(void)
{
	struct pending *p;
	int i;

	while ((p = streams) != NULL) {
		streams = p->next;
		pending_free(p);
	}
	if (sso.loop)
		ev_timer_stop(sso.loop, &retry_timer);
	for (i = 0; i < 2; i++) {
		sso_evzmq_stop(&ctl[i].ev);
		if (ctl[i].sock)
			zmq_close(ctl[i].sock);
		if (ctl[i].pub)
			zmq_close(ctl[i].pub);
		ctl[i].sock = ctl[i].pub = NULL;
		if (ctl[i].sock_bound)
			unlink(ctl[i].path);
		if (ctl[i].pub_bound)
			unlink(ctl[i].evpath);
		ctl[i].sock_bound = ctl[i].pub_bound = 0;
	}
}
