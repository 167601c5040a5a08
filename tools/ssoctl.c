/*
 * ssoctl - control tool for ssod.
 *
 *   ssoctl [-s SOCKET] [--json] [-t MS] WORDS...   one command
 *   ssoctl [-s SOCKET] [--json] [-t MS] -b         commands from stdin
 *   ssoctl [-s SOCKET] [--json] monitor            print the event stream
 *   ssoctl keygen [--force] BASENAME               BASENAME.key (0600) and
 *                                                  BASENAME.pub
 * The exit status is the daemon's result code (0 = OK), 2 for a usage
 * error, 10 when the daemon cannot be reached. WORDS given as one quoted
 * argument are split on white space. "WORDS ?" lists what can follow.
 *
 * -b framing: for every input line, the reply body as it is (every line
 * ended by a newline), then one line "%END RC". A body line that begins
 * with "%END" is sent with one more "%" in front (a reader strips one "%"
 * from a line beginning with "%%END"). A streamed reply (many chunks) is
 * printed as its chunks arrive and ends with the same one marker. -b
 * exits with the result code of the first command that failed (0 when all
 * succeeded). Result code 6: refused by the read-only control socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <zmq.h>

#define MAXW	32
#define MAXLINE	4096	/* -b: longest input line, newline included */
#define RC_BADARG	5
#define RC_UNREACHABLE	10

static int json, timeout_ms = 5000;

static void
usage(void)
{
	fprintf(stderr, "usage: ssoctl [-s SOCKET] [--json] [-t MS] WORDS...\n"
	    "       ssoctl [-s SOCKET] [--json] [-t MS] -b\n"
	    "       ssoctl [-s SOCKET] [--json] monitor\n"
	    "       ssoctl keygen [--force] BASENAME\n"
	    "  WORDS ending in \"?\" list the possible next words "
	    "(ssoctl help: all commands)\n"
	    "  -t MS: reply timeout in milliseconds (1 or more, default "
	    "5000)\n");
	exit(2);
}

/* force: replace an existing file (unlinked first, so O_EXCL still holds) */
static int
write_file(const char *path, const char *text, mode_t mode, int force)
{
	int fd;
	size_t len = strlen(text);

	if (force && unlink(path) == -1 && errno != ENOENT) {
		fprintf(stderr, "ssoctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)) == -1) {
		fprintf(stderr, "ssoctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fchmod(fd, mode) == -1 || write(fd, text, len) != (ssize_t)len ||
	    write(fd, "\n", 1) != 1) {
		fprintf(stderr, "ssoctl: %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	return close(fd);
}

/*
 * ssoctl keygen [--force] BASENAME. An existing key file is never replaced
 * without --force: overwriting a unit's secret key locks it out of its
 * peer, so both files are checked before either is written.
 */
static int
keygen(int argc, char **argv)
{
	char pub[41], sec[41], kpath[PATH_MAX], ppath[PATH_MAX];
	const char *base;
	struct stat st;
	int force = 0;

	if (argc == 3 && strcmp(argv[1], "--force") == 0)
		force = 1;
	else if (argc != 2 || argv[1][0] == '-')
		usage();
	base = argv[argc - 1];
	if (snprintf(kpath, sizeof(kpath), "%s.key", base) >=
	    (int)sizeof(kpath) ||
	    snprintf(ppath, sizeof(ppath), "%s.pub", base) >=
	    (int)sizeof(ppath)) {
		fprintf(stderr, "ssoctl: %s: name too long\n", base);
		return 1;
	}
	if (!force && (lstat(kpath, &st) == 0 || lstat(ppath, &st) == 0)) {
		fprintf(stderr, "ssoctl: %s exists: not overwritten (ssoctl "
		    "keygen --force %s replaces the key pair)\n",
		    lstat(kpath, &st) == 0 ? kpath : ppath, base);
		return 1;
	}
	if (zmq_curve_keypair(pub, sec) == -1) {
		fprintf(stderr, "ssoctl: keygen: %s\n", zmq_strerror(errno));
		return 1;
	}
	if (write_file(kpath, sec, 0600, force) == -1 ||
	    write_file(ppath, pub, 0644, force) == -1)
		return 1;
	printf("wrote %s (secret, mode 0600) and %s\n", kpath, ppath);
	return 0;
}

/*
 * Reply output, chunk by chunk. -b: the body as it is, each line ended,
 * "%END" lines stuffed; a line's first bytes may arrive in one chunk and
 * the rest in the next, so up to four are held until it is known whether
 * the line begins with "%END".
 */
struct out {
	int	 framed;
	int	 bol;		/* at the beginning of a line */
	char	 carry[4];
	size_t	 ncarry;
	size_t	 total;
};

static void
out_init(struct out *o, int framed)
{
	memset(o, 0, sizeof(*o));
	o->framed = framed;
	o->bol = 1;
}

static void
out_carry(struct out *o)
{
	if (o->ncarry == 4 && memcmp(o->carry, "%END", 4) == 0)
		putchar('%');
	fwrite(o->carry, 1, o->ncarry, stdout);
	o->ncarry = 0;
	o->bol = 0;
}

static void
out_bytes(struct out *o, const char *p, size_t n)
{
	size_t i;

	o->total += n;
	if (!o->framed) {
		fwrite(p, 1, n, stdout);
		return;
	}
	for (i = 0; i < n; i++) {
		if (o->bol && p[i] != '\n') {
			o->carry[o->ncarry++] = p[i];
			if (o->ncarry == 4)
				out_carry(o);
			continue;
		}
		if (o->bol && o->ncarry)
			out_carry(o);
		putchar(p[i]);
		o->bol = p[i] == '\n';
	}
}

static void
out_end(struct out *o, int rc)
{
	if (o->framed) {
		if (o->ncarry)
			out_carry(o);
		if (!o->bol)
			putchar('\n');
		printf("%%END %d\n", rc);
	} else if (json && o->total > 0)
		putchar('\n');
	fflush(stdout);
}

static void
print_framed(const char *p, size_t n, int rc)
{
	struct out o;

	out_init(&o, 1);
	out_bytes(&o, p, n);
	out_end(&o, rc);
}

/*
 * One request; prints the body as it arrives; returns the daemon's rc or
 * 10. A reply is zero or more chunk messages ["+"][body] and then the end
 * marker [RC][body] (README "Control socket protocol").
 */
/*
 * A unit that restarts (a manual switchover re-executes the old active,
 * issu, redundancy reload) closes its control socket; a request it had
 * not answered is lost with the connection. The socket monitor tells us
 * at once (ZMQ_EVENT_DISCONNECTED) instead of the reply timeout: a
 * `show` is sent again, once, to the restarted unit; anything else is
 * reported as perhaps not run.
 */
static void *mon;		/* the monitor of the current request socket */

static void
mon_drain(void)
{
	char buf[64];

	while (mon != NULL && zmq_recv(mon, buf, sizeof(buf), ZMQ_DONTWAIT) >=
	    0)
		;
}

/* 0: the reply is there; -1: timeout; -2: the connection was lost */
static int
wait_reply(void *req)
{
	zmq_pollitem_t it[2] = { { req, 0, ZMQ_POLLIN, 0 },
	    { mon, 0, ZMQ_POLLIN, 0 } };
	int left = timeout_ms;

	while (left > 0) {
		uint8_t ev[6];
		char addr[256];
		int n;

		n = zmq_poll(it, mon != NULL ? 2 : 1, left < 100 ? left : 100);
		if (n < 0 && errno != EINTR)
			return -1;
		if (it[0].revents & ZMQ_POLLIN)
			return 0;
		if (n > 0 && (it[1].revents & ZMQ_POLLIN)) {
			int r = zmq_recv(mon, ev, sizeof(ev), 0);

			if (r >= 2) {
				uint16_t e;

				memcpy(&e, ev, sizeof(e));
				(void)zmq_recv(mon, addr, sizeof(addr), 0);
				if (e == ZMQ_EVENT_DISCONNECTED)
					return -2;
			}
			continue;
		}
		left -= left < 100 ? left : 100;
	}
	return -1;
}

static int
request(void *req, int argc, char **argv, int framed)
{
	const char *mode = json ? "stream-json" : "stream-text";
	zmq_msg_t m;
	int i, rc, more;
	size_t ml = sizeof(more);
	char tag[16];
	struct out o;

	int resent = 0;

again:
	mon_drain();
	if (zmq_send(req, "", 0, ZMQ_SNDMORE) == -1 ||
	    zmq_send(req, mode, strlen(mode), ZMQ_SNDMORE) == -1)
		return RC_UNREACHABLE;
	for (i = 0; i < argc; i++)
		zmq_send(req, argv[i], strlen(argv[i]), i + 1 < argc ?
		    ZMQ_SNDMORE : 0);
	out_init(&o, framed);
	for (;;) {
		int w = wait_reply(req);

		if (w == -2 && o.total == 0 && !resent &&
		    strcmp(argv[0], "show") == 0) {
			resent = 1;	/* the restarted unit answers it */
			goto again;
		}
		if (w == -2) {
			fprintf(stderr, "ssoctl: the unit closed the connection "
			    "before it answered (restarting?)%s\n",
			    strcmp(argv[0], "show") == 0 ? "" : ": the command "
			    "may or may not have run");
			if (o.total > 0 && !framed)
				putchar('\n');
			return RC_UNREACHABLE;
		}
		/* [empty][tag][body] */
		if (w == -1 || zmq_recv(req, tag, sizeof(tag) - 1, 0) < 0 ||
		    (rc = zmq_recv(req, tag, sizeof(tag) - 1, 0)) < 0) {
			fprintf(stderr, "ssoctl: no answer from ssod: %s\n",
			    zmq_strerror(errno));
			if (o.total > 0 && !framed)
				putchar('\n');
			return RC_UNREACHABLE;
		}
		tag[rc < (int)sizeof(tag) ? rc : (int)sizeof(tag) - 1] = '\0';
		zmq_msg_init(&m);
		zmq_getsockopt(req, ZMQ_RCVMORE, &more, &ml);
		if (more && zmq_msg_recv(&m, req, 0) >= 0)
			out_bytes(&o, zmq_msg_data(&m), zmq_msg_size(&m));
		zmq_msg_close(&m);
		/* a chunk is not the end: the next one follows */
		if (strcmp(tag, "+") != 0)
			break;
	}
	rc = atoi(tag);
	out_end(&o, rc);
	return rc;
}

static void *
connect_req(void *ctx, const char *ep)
{
	/* DEALER, not REQ: a streamed reply is many messages */
	void *s = zmq_socket(ctx, ZMQ_DEALER);
	int linger = 0, hwm = 4;

	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
	zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof(hwm));
	zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout_ms, sizeof(timeout_ms));
	zmq_setsockopt(s, ZMQ_SNDTIMEO, &timeout_ms, sizeof(timeout_ms));
	{
		static int nmon;
		char mep[64];

		snprintf(mep, sizeof(mep), "inproc://ssoctl-mon-%d", nmon++);
		if (mon != NULL)
			zmq_close(mon);
		mon = NULL;
		if (zmq_socket_monitor(s, mep, ZMQ_EVENT_DISCONNECTED) == 0 &&
		    (mon = zmq_socket(ctx, ZMQ_PAIR)) != NULL) {
			zmq_setsockopt(mon, ZMQ_LINGER, &linger,
			    sizeof(linger));
			if (zmq_connect(mon, mep) == -1) {
				zmq_close(mon);
				mon = NULL;
			}
		}
	}
	if (zmq_connect(s, ep) == -1) {
		fprintf(stderr, "ssoctl: %s: %s\n", ep, zmq_strerror(errno));
		exit(RC_UNREACHABLE);
	}
	return s;
}

/* words of a line; -1 when there are more than MAXW */
static int
split(char *line, char **w)
{
	int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(line, " \t\r\n", &save); t;
	    t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == MAXW)
			return -1;
		w[n++] = t;
	}
	return n;
}

/* a reply ssoctl makes itself (input it will not send) */
static int
local_error(int rc, const char *msg)
{
	char body[256];

	if (json)
		snprintf(body, sizeof(body), "{\"error\":\"%s\",\"rc\":%d}",
		    msg, rc);
	else
		snprintf(body, sizeof(body), "%% %s", msg);
	print_framed(body, strlen(body), rc);
	return rc;
}

/*
 * Reads one input line into line; 1 when it was longer than MAXLINE - 1
 * bytes (the rest of it is read and dropped: one error reply, never a
 * second command made of its tail), 0 for a line, -1 at the end.
 */
static int
read_line(char *line)
{
	int c;

	if (fgets(line, MAXLINE, stdin) == NULL)
		return -1;
	if (strchr(line, '\n') != NULL || feof(stdin))
		return 0;
	while ((c = getchar()) != EOF && c != '\n')
		;
	return 1;
}

static int
batch(void *ctx, const char *ep)
{
	char line[MAXLINE], *w[MAXW];
	void *req = connect_req(ctx, ep);
	int n, r, rc, status = 0;

	while ((r = read_line(line)) != -1) {
		if (r == 1)
			rc = local_error(RC_BADARG, "Line too long (more than "
			    "4095 bytes): not run");
		else if ((n = split(line, w)) == 0)
			continue;
		else if (n == -1)
			rc = local_error(RC_BADARG, "Too many words (more "
			    "than 32): not run");
		else if ((rc = request(req, n, w, 1)) == RC_UNREACHABLE) {
			local_error(rc, "no answer from ssod");
			/* a late reply must not pass for the next one */
			zmq_close(req);
			req = connect_req(ctx, ep);
		}
		if (status == 0 && rc != 0)
			status = rc;
	}
	zmq_close(req);
	if (mon != NULL)
		zmq_close(mon);
	mon = NULL;
	return status;
}

static int
monitor(void *ctx, const char *sock)
{
	char ep[4200];
	void *sub = zmq_socket(ctx, ZMQ_SUB);

	snprintf(ep, sizeof(ep), "ipc://%s.events", sock);
	zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0);
	if (zmq_connect(sub, ep) == -1) {
		fprintf(stderr, "ssoctl: %s: %s\n", ep, zmq_strerror(errno));
		return 10;
	}
	for (;;) {
		char buf[2048];
		int n = zmq_recv(sub, buf, sizeof(buf) - 1, 0);

		if (n < 0)
			return 10;
		if (n > (int)sizeof(buf) - 1)
			n = sizeof(buf) - 1;
		buf[n] = '\0';
		if (json)
			puts(buf);
		else {
			/* the text field, printed raw for humans */
			char *t = strstr(buf, "\"text\":\"");

			if (t) {
				t += 8;
				t[strcspn(t, "\"")] = '\0';
			}
			puts(t ? t : buf);
		}
		fflush(stdout);
	}
}

/*
 * Is an ssod listening on sock? ZeroMQ connects in the background and
 * never reports why it could not, so a dead daemon (a socket file nobody
 * accepts on), a directory or a regular file showed up only as a timeout.
 * stat() and one plain AF_UNIX connect() tell at once.
 */
static int
probe(const char *sock)
{
	struct sockaddr_un sun;
	struct stat st;
	const char *why = NULL;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (stat(sock, &st) == -1)
		why = errno == ENOENT ? "no such file" : strerror(errno);
	else if (!S_ISSOCK(st.st_mode))
		why = "not a socket";
	else if (strlen(sock) >= sizeof(sun.sun_path))
		why = "path too long";
	else if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		why = strerror(errno);
	else {
		memcpy(sun.sun_path, sock, strlen(sock));
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
			why = errno == ECONNREFUSED ? "connection refused" :
			    strerror(errno);
		close(fd);
	}
	if (why == NULL)
		return 0;
	fprintf(stderr, "ssoctl: no ssod listening on %s (%s)\n", sock, why);
	return -1;
}

static int
parse_ms(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > INT_MAX)
		usage();
	return (int)v;
}

int
main(int argc, char **argv)
{
	const char *sock = getenv("SSOCTL_SOCKET");
	char ep[4200], *w[MAXW];
	int i, bmode = 0, rc;
	void *ctx, *req;

	if (sock == NULL)
		sock = "/run/ssod/unit0.ctl";
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
			sock = argv[++i];
		else if (strcmp(argv[i], "--json") == 0 ||
		    strcmp(argv[i], "-j") == 0)
			json = 1;
		else if (strcmp(argv[i], "-b") == 0)
			bmode = 1;
		else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			timeout_ms = parse_ms(argv[++i]);
		else
			usage();
	}
	argc -= i;
	argv += i;
	if ((!bmode && argc == 0) || (bmode && argc > 0))
		usage();
	if (strcmp(argv[0] ? argv[0] : "", "keygen") == 0)
		return keygen(argc, argv);
	/* ssoctl "show redundancy states": one argument, several words */
	if (argc == 1 && strpbrk(argv[0], " \t") != NULL) {
		if ((argc = split(argv[0], w)) <= 0)
			usage();
		argv = w;
	}
	if (argc > MAXW) {
		fprintf(stderr, "ssoctl: too many words\n");
		return 2;
	}
	if (probe(sock) == -1)
		return RC_UNREACHABLE;
	ctx = zmq_ctx_new();
	snprintf(ep, sizeof(ep), "ipc://%s", sock);
	if (bmode)
		return batch(ctx, ep);
	if (argc == 1 && strcmp(argv[0], "monitor") == 0)
		return monitor(ctx, sock);
	req = connect_req(ctx, ep);
	rc = request(req, argc, argv, 0);
	zmq_close(req);
	if (mon != NULL)
		zmq_close(mon);
	zmq_ctx_term(ctx);
	return rc;
}
