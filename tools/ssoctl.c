/*
 * ssoctl - control tool for ssod.
 *
 *   ssoctl [-s SOCKET] [--json] [-t MS] WORDS...   one command
 *   ssoctl [-s SOCKET] [--json] -b                 commands from stdin,
 *                                                  one reply line each
 *   ssoctl [-s SOCKET] [--json] monitor            print the event stream
 *   ssoctl keygen BASENAME                         BASENAME.key (0600) and
 *                                                  BASENAME.pub
 * The exit status is the daemon's result code (0 = OK), 10 when the daemon
 * cannot be reached.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zmq.h>

#define MAXW	32

static int json, timeout_ms = 5000;

static void
usage(void)
{
	fprintf(stderr, "usage: ssoctl [-s SOCKET] [--json] [-t MS] WORDS...\n"
	    "       ssoctl [-s SOCKET] [--json] -b\n"
	    "       ssoctl [-s SOCKET] [--json] monitor\n"
	    "       ssoctl keygen BASENAME\n");
	exit(2);
}

static int
write_file(const char *path, const char *text, mode_t mode)
{
	int fd;
	size_t len = strlen(text);

	unlink(path);
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

static int
keygen(const char *base)
{
	char pub[41], sec[41], path[4096];

	if (zmq_curve_keypair(pub, sec) == -1) {
		fprintf(stderr, "ssoctl: keygen: %s\n", zmq_strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s.key", base);
	if (write_file(path, sec, 0600) == -1)
		return 1;
	snprintf(path, sizeof(path), "%s.pub", base);
	if (write_file(path, pub, 0644) == -1)
		return 1;
	printf("wrote %s.key (secret, mode 0600) and %s.pub\n", base, base);
	return 0;
}

/* one request; prints the body; returns the daemon's rc or 10 */
static int
request(void *req, int argc, char **argv, int oneline)
{
	zmq_msg_t m;
	int i, rc, more;
	size_t ml = sizeof(more);
	char rcbuf[16];

	if (zmq_send(req, json ? "json" : "text", 4, ZMQ_SNDMORE) == -1)
		return 10;
	for (i = 0; i < argc; i++)
		zmq_send(req, argv[i], strlen(argv[i]), i + 1 < argc ?
		    ZMQ_SNDMORE : 0);
	rc = zmq_recv(req, rcbuf, sizeof(rcbuf) - 1, 0);
	if (rc < 0) {
		fprintf(stderr, "ssoctl: no answer from ssod: %s\n",
		    zmq_strerror(errno));
		return 10;
	}
	rcbuf[rc < (int)sizeof(rcbuf) ? rc : (int)sizeof(rcbuf) - 1] = '\0';
	zmq_msg_init(&m);
	zmq_getsockopt(req, ZMQ_RCVMORE, &more, &ml);
	if (more && zmq_msg_recv(&m, req, 0) >= 0) {
		const char *p = zmq_msg_data(&m);
		size_t n = zmq_msg_size(&m);

		if (oneline) {
			printf("%s ", rcbuf);
			for (size_t k = 0; k < n; k++)
				putchar(p[k] == '\n' ? ' ' : p[k]);
			putchar('\n');
		} else {
			fwrite(p, 1, n, stdout);
			if (json && n > 0)
				putchar('\n');
		}
		fflush(stdout);
	}
	zmq_msg_close(&m);
	return atoi(rcbuf);
}

static void *
connect_req(void *ctx, const char *ep)
{
	void *s = zmq_socket(ctx, ZMQ_REQ);
	int linger = 0;

	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
	zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout_ms, sizeof(timeout_ms));
	zmq_setsockopt(s, ZMQ_SNDTIMEO, &timeout_ms, sizeof(timeout_ms));
	if (zmq_connect(s, ep) == -1) {
		fprintf(stderr, "ssoctl: %s: %s\n", ep, zmq_strerror(errno));
		exit(10);
	}
	return s;
}

static int
split(char *line, char **w)
{
	int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(line, " \t\r\n", &save); t && n < MAXW;
	    t = strtok_r(NULL, " \t\r\n", &save))
		w[n++] = t;
	return n;
}

static int
batch(void *ctx, const char *ep)
{
	char line[4096], *w[MAXW];
	void *req = connect_req(ctx, ep);
	int n, rc = 0;

	while (fgets(line, sizeof(line), stdin)) {
		if ((n = split(line, w)) == 0)
			continue;
		if ((rc = request(req, n, w, 1)) == 10) {
			/* the REQ socket is stuck after a lost reply */
			printf("10 {\"error\":\"no answer\"}\n");
			fflush(stdout);
			zmq_close(req);
			req = connect_req(ctx, ep);
		}
	}
	zmq_close(req);
	return 0;
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

int
main(int argc, char **argv)
{
	const char *sock = getenv("SSOCTL_SOCKET");
	char ep[4200];
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
			timeout_ms = atoi(argv[++i]);
		else
			usage();
	}
	argc -= i;
	argv += i;
	if (!bmode && argc == 0)
		usage();
	if (argc == 2 && strcmp(argv[0], "keygen") == 0)
		return keygen(argv[1]);
	ctx = zmq_ctx_new();
	snprintf(ep, sizeof(ep), "ipc://%s", sock);
	if (access(sock, F_OK) == -1) {
		fprintf(stderr, "ssoctl: %s: %s (is ssod running?)\n", sock,
		    strerror(errno));
		return 10;
	}
	if (bmode)
		return batch(ctx, ep);
	if (argc == 1 && strcmp(argv[0], "monitor") == 0)
		return monitor(ctx, sock);
	if (argc > MAXW) {
		fprintf(stderr, "ssoctl: too many words\n");
		return 2;
	}
	req = connect_req(ctx, ep);
	rc = request(req, argc, argv, 0);
	zmq_close(req);
	zmq_ctx_term(ctx);
	return rc;
}
