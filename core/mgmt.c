/*
 * mgmt.c - control socket (ssoctl) and event stream (ssoctl monitor).
 *
 * Control: a ZeroMQ ROUTER on ipc://PATH. A request is
 * [routing id][empty][mode: "text"|"json"][word]...; the reply is
 * [routing id][empty][result code][body]. ROUTER (not REP) so a handler
 * may answer later (SYNC writes) while other requests are served.
 * Events: a PUB socket on ipc://PATH.events, one JSON object per message.
 * The directory holding both must be accessible to the daemon's user only;
 * we create it 0700 and refuse one that others can open (fail closed).
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

struct pending {
	struct sso_reply r;	/* first: handlers get &p->r */
	size_t		 idlen;
	uint8_t		 id[256];
};

static void *ctl_sock, *pub_sock;
static int ctl_bound, pub_bound;	/* we created the file: we remove it */
static struct sso_evzmq ctl_ev;
static uint64_t ctl_requests, ctl_errors;

int
sso_mgmt_check_dir(const char *path, int create, char *err, size_t len)
{
	char tmp[PATH_MAX], *dir;
	struct stat st;

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
	    (st.st_mode & 077) != 0) {
		snprintf(err, len, "control socket directory %s must be a "
		    "directory owned by uid %u with mode 0700", dir,
		    (unsigned)geteuid());
		return -1;
	}
	return 0;
}

static int
check_dir(const char *path)
{
	char err[PATH_MAX + 128];

	if (sso_mgmt_check_dir(path, 1, err, sizeof(err)) == 0)
		return 0;
	sso_log(SSO_ERR, "MGMT", "SOCKET", "%s", err);
	return -1;
}

static void
send_reply(struct pending *p)
{
	char rc[16];

	snprintf(rc, sizeof(rc), "%d", p->r.rc);
	zmq_send(ctl_sock, p->id, p->idlen, ZMQ_SNDMORE | ZMQ_DONTWAIT);
	zmq_send(ctl_sock, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT);
	zmq_send(ctl_sock, rc, strlen(rc), ZMQ_SNDMORE | ZMQ_DONTWAIT);
	zmq_send(ctl_sock, p->r.out.buf ? p->r.out.buf : (uint8_t *)"",
	    p->r.out.len, ZMQ_DONTWAIT);
	if (p->r.rc != SSO_RC_OK)
		ctl_errors++;
	sso_wbuf_free(&p->r.out);
	free(p);
}

void
sso_reply_done(struct sso_reply *r, int rc)
{
	struct pending *p = (struct pending *)r;

	r->rc = rc;
	send_reply(p);
}

static void
handle(struct pending *p, char **words, int nw)
{
	int rc;

	ctl_requests++;
	rc = sso_cmd_exec(nw, words, &p->r);
	if (rc != SSO_RC_PENDING)
		send_reply(p);
}

#define NPARTS	(SSO_MAXWORDS + 3)

static void
ctl_cb(struct sso_evzmq *z, int revents)
{
	unsigned n;
	int i;

	for (n = 0; n < z->batch; n++) {
		char parts[NPARTS][256];
		size_t plen[NPARTS];
		char *words[SSO_MAXWORDS];
		int np = 0, more = 1, bad = 0, len;
		size_t ml;
		struct pending *p;

		while (more) {
			char junk[256];
			char *dst = np < NPARTS ? parts[np] : junk;

			if ((len = zmq_recv(ctl_sock, dst, 255,
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
			zmq_getsockopt(ctl_sock, ZMQ_RCVMORE, &more, &ml);
		}
		if (np == 0)
			return;
		if ((p = calloc(1, sizeof(*p))) == NULL)
			return;
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
		p->r.json = strcmp(parts[2], "json") == 0;
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

void
sso_event(const char *fac, const char *event, const char *fmt, ...)
{
	struct sso_wbuf b;
	struct sso_json j;
	char text[512];
	va_list ap;

	if (pub_sock == NULL)
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
	zmq_send(pub_sock, b.buf, b.len, ZMQ_DONTWAIT);
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
bind_ipc(int type, const char *path, int *bound)
{
	char ep[PATH_MAX + 16];
	void *s;

	if (in_use(path)) {
		sso_log(SSO_ERR, "MGMT", "SOCKET", "%s is in use by another "
		    "process", path);
		return NULL;
	}
	unlink(path);
	snprintf(ep, sizeof(ep), "ipc://%s", path);
	if ((s = zmq_socket(sso.chan.zctx, type)) == NULL ||
	    zmq_bind(s, ep) == -1) {
		sso_log(SSO_ERR, "MGMT", "SOCKET", "cannot bind %s: %s", ep,
		    zmq_strerror(errno));
		if (s)
			zmq_close(s);
		return NULL;
	}
	*bound = 1;
	chmod(path, 0600);
	return s;
}

int
sso_mgmt_open(void)
{
	char ev[PATH_MAX + 8];

	if (sso.chan.zctx == NULL) {
		if ((sso.chan.zctx = zmq_ctx_new()) == NULL)
			return -1;
		zmq_ctx_set(sso.chan.zctx, ZMQ_BLOCKY, 0);
	}
	if (check_dir(sso.conf.ctl_path) == -1)
		return -1;
	snprintf(ev, sizeof(ev), "%s.events", sso.conf.ctl_path);
	if ((ctl_sock = bind_ipc(ZMQ_ROUTER, sso.conf.ctl_path,
	    &ctl_bound)) == NULL ||
	    (pub_sock = bind_ipc(ZMQ_PUB, ev, &pub_bound)) == NULL)
		return -1;
	ctl_ev.batch = 32;
	/* below the keepalives, above bulk work */
	sso_evzmq_start(&ctl_ev, sso.loop, ctl_sock, 1, ctl_cb, NULL);
	return 0;
}

/* orderly exit: close and remove the files this process created */
void
sso_mgmt_close(void)
{
	char ev[PATH_MAX + 8];

	sso_evzmq_stop(&ctl_ev);
	if (ctl_sock)
		zmq_close(ctl_sock);
	if (pub_sock)
		zmq_close(pub_sock);
	ctl_sock = pub_sock = NULL;
	snprintf(ev, sizeof(ev), "%s.events", sso.conf.ctl_path);
	if (ctl_bound)
		unlink(sso.conf.ctl_path);
	if (pub_bound)
		unlink(ev);
	ctl_bound = pub_bound = 0;
}
