/*
 * ssod - one route processor of an SSO pair.
 *
 *   ssod -c FILE -u UNIT [-f] [-n]
 *
 * -n checks the configuration and exits (0 when valid, 1 with file:line
 * errors otherwise); -f stays in the foreground and logs to stderr.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ev.h>

#include "sso_daemon.h"
#include "log.h"
#include "kv.h"
#include "ssoclients.h"
#include "ssod_modules.h"

static void
usage(void)
{
	fprintf(stderr, "usage: ssod -c FILE -u UNIT [-f] [-n]\n");
	exit(2);
}

static void
stop_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	static int again;

	/* the first SIGTERM/SIGINT of an active with a HOT standby hands
	 * over first; a second one stops at once */
	if (!again++ && sso_rf_stop()) {
		sso_log(SSO_NOTICE, "SYS", "STOP", "signal %d: handing over to "
		    "the standby, then stopping", w->signum);
		return;
	}
	sso_log(SSO_NOTICE, "SYS", "STOP", "signal %d: stopping", w->signum);
	ev_break(loop, EVBREAK_ALL);
}

/* SIGHUP: reload the configuration (as `ssoctl reload`), keep running */
static void
hup_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	char msg[4096];

	(void)sso_core_reload(msg, sizeof(msg));
}

int
main(int argc, char **argv)
{
	const char *file = NULL;
	int ch, fg = 0, check = 0, unit = -1;
	char err[600], prefix[16];
	struct ev_loop *loop;
	ev_signal sigterm, sigint, sighup;
	char **args;

	/* getopt may permute argv: keep the original for re-exec */
	if ((args = calloc((size_t)argc + 1, sizeof(*args))) == NULL)
		return 1;
	memcpy(args, argv, (size_t)argc * sizeof(*args));
	while ((ch = getopt(argc, argv, "c:u:fnh")) != -1) {
		switch (ch) {
		case 'c':
			file = optarg;
			break;
		case 'u':
			if (strcmp(optarg, "0") == 0 || strcmp(optarg, "1") == 0)
				unit = optarg[0] - '0';
			else {
				fprintf(stderr, "ssod: -u takes 0 or 1\n");
				return 2;
			}
			break;
		case 'f':
			fg = 1;
			break;
		case 'n':
			check = 1;
			break;
		default:
			usage();
		}
	}
	if (file == NULL || unit < 0)
		usage();
	sso_log_init("ssod", fg || check);
	snprintf(prefix, sizeof(prefix), "u%d ", unit);
	sso_log_set_prefix(prefix);
	loop = ev_default_loop(EVFLAG_AUTO);
	sso_core_init(loop, (unsigned)unit, args);
	if (sso_confsync_init() == -1 || kv_client_init() == -1 || ssod_modules_init(loop) == -1)
		sso_fatal("cannot initialise the clients");
	if (sso_core_load(file, err, sizeof(err)) == -1) {
		fprintf(stderr, "ssod: %s\n", err);
		return 1;
	}
	if (check) {
		printf("%s: configuration OK\n", file);
		return 0;
	}
	if (!fg && daemon(0, 0) == -1)
		sso_fatal("daemon: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	ev_signal_init(&sigterm, stop_cb, SIGTERM);
	ev_signal_init(&sigint, stop_cb, SIGINT);
	ev_signal_start(loop, &sigterm);
	ev_signal_start(loop, &sigint);
	ev_signal_init(&sighup, hup_cb, SIGHUP);
	ev_signal_start(loop, &sighup);
	if (sso_core_start() == -1 || ssod_modules_start(loop) == -1)
		sso_fatal("start-up failed");
	sso_log(SSO_NOTICE, "SYS", "START", "ssod unit %d started (pid %d)",
	    unit, (int)getpid());
	ev_run(loop, 0);
	sso_core_close();
	return 0;
}
