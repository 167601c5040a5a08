/*
 * sso-radtest - drive librad against real RADIUS servers (tests, demos).
 *
 *   sso-radtest [-s NAME:ADDR:AUTHPORT:ACCTPORT]... [-k KEY | -K KEYFILE]
 *               [-t TIMEOUT_MS] [-r RETRANSMIT] [-d DEADTIME_MS] [-w WINDOW]
 *               [-M]
 *               [-D DAEPORT -c CLIENTADDR -S SESSION[,SESSION...]]
 *               [COMMAND ARGS... | -i]
 *
 * Commands (one from the arguments, or one per line on stdin with -i):
 *   auth pap|chap USER PASSWORD    Access-Request; prints the result and
 *                                  the answer's attributes
 *   acct start|interim|stop SESSION-ID USER [IN OUT SECONDS [CLASSHEX]]
 *   flood N USER PASSWORD          N PAP requests at once; prints accepts,
 *                                  the peak in flight and the rate
 *   stats                          per-server statistics, one JSON
 *                                  object a line (`show radius
 *                                  statistics`'s fields)
 *   sleep MS
 * With -D the tool also answers RFC 5176 Disconnect/CoA requests from
 * CLIENTADDR on 127.0.0.1:DAEPORT (key: the same KEY): ACK when the
 * request's Acct-Session-Id or User-Name is one of the -S sessions
 * (a Disconnect removes it), else NAK with Error-Cause 503.
 * -M: answers to Access-Requests must carry a Message-Authenticator.
 * Output is line-oriented ("result ...", "attr ...", "end") for scripts.
 * The key is never printed.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>
#include "log.h"
#include "md5.h"
#include "radius.h"
#include "render.h"

#define MAX_SESS	64

static struct ev_loop *loop;
static struct rad_client *cl;
static struct rad_group *grp;
static char key[RAD_KEY_MAX + 1];
static char sessions[MAX_SESS][64];
static unsigned nsess;
static int interactive, eof, busy, exit_code;
static ev_io in_io;
static ev_timer sleep_tm;
static unsigned flood_n, flood_done, flood_ok, flood_peak;
static uint64_t flood_t0;

static void next_command(void);

static void
usage(void)
{
	fprintf(stderr, "usage: sso-radtest [-s NAME:ADDR:AUTH:ACCT]... "
	    "[-k KEY | -K KEYFILE] [-t MS] [-r N] [-d MS] [-w N] [-M]\n"
	    "       [-D PORT -c ADDR -S SID,...] [-i | COMMAND ...]\n");
	exit(2);
}

static void
print_attrs(const struct rad_pkt *p)
{
	struct rad_iter it;
	struct sso_cur v;
	uint8_t t;
	char line[1100];

	rad_iter_init(&it, p->attrs.buf, p->attrs.len);
	while (rad_iter_next(&it, &t, &v) == 1)
		if (rad_attr_format(t, v, line, sizeof(line)) == 0)
			printf("attr %s\n", line);
}

static void
done_one(void)
{
	printf("end\n");
	fflush(stdout);
	busy = 0;
	next_command();
}

static void
on_result(void *arg, int res, const struct rad_pkt *p, struct rad_server *s)
{
	(void)arg;
	printf("result %s server=%s", rad_result_name(res),
	    s ? rad_server_name(s) : "-");
	if (p)
		printf(" code=%s id=%u", rad_code_name(p->code), p->id);
	printf("\n");
	if (p)
		print_attrs(p);
	if (res != RAD_R_ACCEPT && res != RAD_R_ACCT_OK)
		exit_code = 1;
	done_one();
}

static int
cmd_auth(int argc, char **argv)
{
	struct rad_avlist l;
	uint8_t chal[16], resp[16], id;

	if (argc != 4)
		return -1;
	rad_av_init(&l);
	rad_av_put_str(&l, RAD_USER_NAME, argv[2]);
	rad_av_put_u32(&l, RAD_SERVICE_TYPE, 2);	/* Framed */
	rad_av_put_u32(&l, RAD_FRAMED_PROTOCOL, 1);	/* PPP */
	rad_av_put_u32(&l, RAD_NAS_PORT_TYPE, 5);	/* Virtual */
	rad_av_put_str(&l, RAD_NAS_IDENTIFIER, "sso-radtest");
	if (strcmp(argv[1], "chap") == 0) {
		/* RFC 1994 4.1: MD5(Identifier + secret + Challenge) */
		if (rad_random(chal, sizeof(chal)) == -1 ||
		    rad_random(&id, 1) == -1 ||
		    sso_md5(resp, &id, 1, argv[3], strlen(argv[3]), chal,
		    sizeof(chal), NULL, 0) == -1)
			return -1;
		rad_av_put_chap(&l, id, resp, chal, sizeof(chal));
		return rad_auth_send(grp, &l, NULL, on_result, NULL) ? 0 : -1;
	}
	if (strcmp(argv[1], "pap") != 0)
		return -1;
	return rad_auth_send(grp, &l, argv[3], on_result, NULL) ? 0 : -1;
}

static int
hex_bytes(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned v;

	while (s[0] && s[1] && n < max && sscanf(s, "%2x", &v) == 1) {
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return *s ? -1 : (int)n;
}

static int
cmd_acct(int argc, char **argv)
{
	static const char *const types[] = { "start", "stop", "interim" };
	struct rad_acct_rec r;
	uint8_t cls[RAD_VAL_MAX];
	unsigned i;
	int n;

	if (argc != 4 && argc != 7 && argc != 8)
		return -1;
	for (i = 0; i < 3 && strcmp(argv[1], types[i]) != 0; i++)
		;
	if (i == 3 || rad_acct_rec_init(&r, argv[2], (uint8_t)(i + 1), 0,
	    (uint64_t)time(NULL)) == -1)
		return -1;
	rad_av_put_str(&r.attrs, RAD_USER_NAME, argv[3]);
	rad_av_put_str(&r.attrs, RAD_NAS_IDENTIFIER, "sso-radtest");
	rad_av_put_u32(&r.attrs, RAD_ACCT_AUTHENTIC, 1);	/* RADIUS */
	if (argc >= 7) {
		uint64_t in = strtoull(argv[4], NULL, 10);
		uint64_t out = strtoull(argv[5], NULL, 10);

		/* RFC 2869 5.1/5.2: octets mod 2^32 plus Gigawords */
		rad_av_put_u32(&r.attrs, RAD_ACCT_INPUT_OCTETS, (uint32_t)in);
		rad_av_put_u32(&r.attrs, RAD_ACCT_OUTPUT_OCTETS, (uint32_t)out);
		rad_av_put_u32(&r.attrs, RAD_ACCT_INPUT_GIGAWORDS,
		    (uint32_t)(in >> 32));
		rad_av_put_u32(&r.attrs, RAD_ACCT_OUTPUT_GIGAWORDS,
		    (uint32_t)(out >> 32));
		rad_av_put_u32(&r.attrs, RAD_ACCT_SESSION_TIME,
		    (uint32_t)strtoul(argv[6], NULL, 10));
	}
	if (argc == 8) {
		if ((n = hex_bytes(argv[7], cls, sizeof(cls))) <= 0)
			return -1;
		rad_av_put(&r.attrs, RAD_CLASS, cls, (size_t)n);
	}
	if (i + 1 == RAD_ACCT_STOP)
		rad_av_put_u32(&r.attrs, RAD_ACCT_TERMINATE_CAUSE, 1);
	return rad_acct_send(grp, &r, on_result, NULL) ? 0 : -1;
}

static void
on_flood(void *arg, int res, const struct rad_pkt *p, struct rad_server *s)
{
	uint64_t us;

	(void)arg;
	(void)p;
	(void)s;
	flood_done++;
	flood_ok += res == RAD_R_ACCEPT;
	if (flood_done < flood_n)
		return;
	us = sso_now_us() - flood_t0;
	printf("result flood sent=%u accepts=%u peak_in_flight=%u "
	    "elapsed_ms=%llu rate=%.0f/s\n", flood_n, flood_ok, flood_peak,
	    (unsigned long long)(us / 1000), us ? flood_n * 1e6 / us : 0.);
	if (flood_ok != flood_n)
		exit_code = 1;
	done_one();
}

static int
cmd_flood(int argc, char **argv)
{
	struct rad_avlist l;
	unsigned i;

	if (argc != 4 || (flood_n = (unsigned)atoi(argv[1])) == 0)
		return -1;
	flood_done = flood_ok = 0;
	flood_t0 = sso_now_us();
	for (i = 0; i < flood_n; i++) {
		rad_av_init(&l);
		rad_av_put_str(&l, RAD_USER_NAME, argv[2]);
		rad_av_put_u32(&l, RAD_NAS_PORT, i);
		if (rad_auth_send(grp, &l, argv[3], on_flood, NULL) == NULL)
			return -1;
	}
	flood_peak = rad_client_in_flight(cl);
	return 0;
}

/* one JSON object per server: `show radius statistics`'s field table */
static void
cmd_stats(void)
{
	struct rad_server *s = NULL;
	struct rad_server_stats st;
	struct sso_detail_style ds = { "", 0 };
	struct sso_wbuf b;
	struct sso_json j;
	struct sso_render rd;

	sso_wbuf_init(&b, 0);
	while ((s = rad_server_next(cl, s)) != NULL) {
		rad_server_stats(s, &st);
		sso_wbuf_reset(&b);
		sso_json_init(&j, &b);
		sso_render_init(&rd, &b, &j);
		sso_json_obj(&j);
		sso_render_detail(&rd, rad_stats_table(), &st, NULL, NULL, &ds);
		sso_json_obj_end(&j);
		printf("server %s\n", sso_wbuf_str(&b));
	}
	sso_wbuf_free(&b);
}

static void
sleep_done(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
	done_one();
}

/* run one command; 1 when it completes later (done_one) */
static int
run_command(int argc, char **argv)
{
	if (argc == 0)
		return 0;
	if (strcmp(argv[0], "auth") == 0 && cmd_auth(argc, argv) == 0)
		return 1;
	if (strcmp(argv[0], "acct") == 0 && cmd_acct(argc, argv) == 0)
		return 1;
	if (strcmp(argv[0], "flood") == 0 && cmd_flood(argc, argv) == 0)
		return 1;
	if (strcmp(argv[0], "stats") == 0) {
		cmd_stats();
		printf("end\n");
		return 0;
	}
	if (strcmp(argv[0], "sleep") == 0 && argc == 2) {
		ev_timer_init(&sleep_tm, sleep_done, atoi(argv[1]) / 1000.0,
		    0.);
		ev_timer_start(loop, &sleep_tm);
		return 1;
	}
	printf("error bad command %s\nend\n", argv[0]);
	exit_code = 1;
	return 0;
}

static void
stdin_line(struct ev_loop *l, ev_io *w, int revents)
{
	static char buf[4096];
	static size_t len;
	char *nl, *argv[16], *save = NULL, *tok;
	int argc = 0;
	ssize_t n;

	(void)revents;
	if ((nl = memchr(buf, '\n', len)) == NULL) {
		n = read(w->fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0) {
			ev_io_stop(l, w);
			eof = 1;
			if (!busy)
				ev_break(l, EVBREAK_ALL);
			return;
		}
		len += (size_t)n;
		if ((nl = memchr(buf, '\n', len)) == NULL)
			return;
	}
	*nl = '\0';
	for (tok = strtok_r(buf, " \t", &save); tok && argc < 16;
	    tok = strtok_r(NULL, " \t", &save))
		argv[argc++] = tok;
	busy = run_command(argc, argv);
	fflush(stdout);
	len -= (size_t)(nl + 1 - buf);
	memmove(buf, nl + 1, len);
	if (busy)
		ev_io_stop(l, w);
	else if (memchr(buf, '\n', len))
		ev_feed_event(l, w, EV_READ);
}

static void
next_command(void)
{
	if (interactive && !eof) {
		ev_io_start(loop, &in_io);
		ev_feed_event(loop, &in_io, EV_READ);
	} else if (!busy)
		ev_break(loop, EVBREAK_ALL);
}

/* ---- dynamic authorization ---- */

static int
sess_find(const char *s)
{
	unsigned i;

	for (i = 0; i < nsess; i++)
		if (strcmp(sessions[i], s) == 0)
			return (int)i;
	return -1;
}

static int
dae_action(void *arg, uint8_t code, const struct rad_pkt *req)
{
	char sid[64] = "", user[64] = "";
	uint32_t to = 0;
	int i = -1;

	(void)arg;
	if (rad_pkt_get_str(req, RAD_ACCT_SESSION_ID, sid, sizeof(sid)) == 0)
		i = sess_find(sid);
	if (i < 0 && rad_pkt_get_str(req, RAD_USER_NAME, user,
	    sizeof(user)) == 0)
		i = sess_find(user);
	(void)rad_pkt_get_u32(req, RAD_SESSION_TIMEOUT, &to);
	printf("dae %s session=%s user=%s session-timeout=%u -> %s\n",
	    rad_code_name(code), sid, user, to, i < 0 ? "NAK" : "ACK");
	fflush(stdout);
	if (i < 0)
		return sid[0] || user[0] ? RAD_EC_SESSION_NOT_FOUND :
		    RAD_EC_MISSING_ATTRIBUTE;
	if (code == RAD_DISCONNECT_REQUEST) {
		memmove(sessions[i], sessions[i + 1],
		    (nsess - (unsigned)i - 1) * sizeof(sessions[0]));
		nsess--;
	}
	return 0;
}

static int
dae_open(uint16_t port, const char *client)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct in_addr ca;
	struct rad_dae *d;
	int fd;

	if (inet_pton(AF_INET, client, &ca) != 1)
		return -1;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		return -1;
	if ((d = rad_dae_new(dae_action, NULL)) == NULL ||
	    rad_dae_client_add(d, ca, key) == -1)
		return -1;
	return rad_dae_start(d, loop, fd);
}

static unsigned window = 128;	/* -w; 0: no window */
static int require_ma;	/* -M */

static int
add_server(const char *spec, unsigned timeout, unsigned retr, unsigned dead)
{
	struct rad_server_conf c;
	struct sockaddr_in *sin = (struct sockaddr_in *)&c.addr;
	char buf[128], *name, *addr, *ap, *cp, *save = NULL;
	struct rad_server *s;

	snprintf(buf, sizeof(buf), "%s", spec);
	name = strtok_r(buf, ":", &save);
	addr = strtok_r(NULL, ":", &save);
	ap = strtok_r(NULL, ":", &save);
	cp = strtok_r(NULL, ":", &save);
	if (name == NULL || addr == NULL || ap == NULL || cp == NULL)
		return -1;
	rad_server_conf_init(&c);
	snprintf(c.name, sizeof(c.name), "%s", name);
	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
		return -1;
	c.auth_port = (uint16_t)atoi(ap);
	c.acct_port = (uint16_t)atoi(cp);
	snprintf(c.key, sizeof(c.key), "%s", key);
	c.timeout_ms = timeout;
	c.retransmit = retr;
	c.deadtime_ms = dead;
	c.max_outstanding = window;
	c.require_msgauth = require_ma;
	if ((s = rad_server_add(cl, &c)) == NULL)
		return -1;
	return rad_group_add_server(grp, s);
}

static int
read_key(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL || fgets(key, sizeof(key), f) == NULL) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	n = strlen(key);
	while (n > 0 && isspace((unsigned char)key[n - 1]))
		key[--n] = '\0';
	return 0;
}

int
main(int argc, char **argv)
{
	const char *servers[16], *dae_client = "127.0.0.1";
	unsigned nserv = 0, timeout = 2000, retr = 3, dead = 10000, i;
	int ch, dae_port = 0;
	char *s, *save = NULL;

	sso_log_init("sso-radtest", 1);
	sso_log_set_level(SSO_NOTICE);
	while ((ch = getopt(argc, argv, "s:k:K:t:r:d:D:c:S:w:Mi")) != -1) {
		switch (ch) {
		case 's':
			if (nserv < 16)
				servers[nserv++] = optarg;
			break;
		case 'k':
			snprintf(key, sizeof(key), "%s", optarg);
			break;
		case 'K':
			if (read_key(optarg) == -1)
				usage();
			break;
		case 't': timeout = (unsigned)atoi(optarg); break;
		case 'r': retr = (unsigned)atoi(optarg); break;
		case 'd': dead = (unsigned)atoi(optarg); break;
		case 'D': dae_port = atoi(optarg); break;
		case 'w': window = (unsigned)atoi(optarg); break;
		case 'c': dae_client = optarg; break;
		case 'S':
			for (s = strtok_r(optarg, ",", &save); s && nsess <
			    MAX_SESS; s = strtok_r(NULL, ",", &save))
				snprintf(sessions[nsess++], 64, "%s", s);
			break;
		case 'i': interactive = 1; break;
		case 'M': require_ma = 1; break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (key[0] == '\0' || (nserv == 0 && dae_port == 0) ||
	    (argc == 0 && !interactive && dae_port == 0))
		usage();
	loop = EV_DEFAULT;
	cl = rad_client_new(loop);
	grp = rad_group_add(cl, "default");
	for (i = 0; i < nserv; i++)
		if (add_server(servers[i], timeout, retr, dead) == -1) {
			fprintf(stderr, "sso-radtest: bad server %s\n",
			    servers[i]);
			return 2;
		}
	if (dae_port && dae_open((uint16_t)dae_port, dae_client) == -1) {
		fprintf(stderr, "sso-radtest: dynamic-author port %d: %s\n",
		    dae_port, strerror(errno));
		return 2;
	}
	if (dae_port) {
		printf("dae listening %d\n", dae_port);
		fflush(stdout);
	}
	ev_io_init(&in_io, stdin_line, 0, EV_READ);
	if (interactive)
		ev_io_start(loop, &in_io);
	else if (argc > 0) {
		busy = run_command(argc, argv);
		if (!busy && !dae_port)
			return exit_code;
	}
	ev_run(loop, 0);
	rad_client_free(cl);
	return exit_code;
}
