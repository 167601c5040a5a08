/*
 * ssod - one route processor of an SSO pair.
 *
 *   ssod -c FILE -u UNIT [-f] [-n] [-p PIDFILE]
 *   ssod -V
 *
 * -n checks the configuration and exits (0 when valid, 1 with file:line
 * errors otherwise); -f stays in the foreground and logs to stderr; -V
 * prints the version and the checkpoint clients; -p names the pidfile
 * (default: the control socket's path with .pid for .ctl).
 *
 * Life of the process:
 * - The pidfile is locked (flock) before anything is bound or unlinked: a
 *   second instance of a unit is refused and touches nothing of the
 *   running one. The lock is held for the life of the process and across
 *   its re-executions (the descriptor is handed over in SSOD_PIDFILE_FD).
 * - Without -f the process daemonizes with a double fork; the parent waits
 *   on a pipe until the daemon has started (sockets bound, RF started) and
 *   exits 0, or prints the daemon's start-up errors and exits 1.
 * - A re-execution (switchover, reload) keeps the PID: the new image sees
 *   SSOD_REEXEC and neither forks nor takes the lock again. Every path is
 *   made absolute at start-up and the start-up directory is restored
 *   before the exec, so relative -c, key and socket paths still resolve.
 * - An orderly exit removes the control and event sockets and the
 *   pidfile (only ever this process's own).
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ev.h>

#include "sso_daemon.h"
#include "buf.h"
#include "log.h"
#include "kv.h"
#include "ssoclients.h"
#include "ssod_modules.h"

static struct {
	int		 unit, fg, check;
	int		 reexec;		/* started by sso_rf_restart */
	char		 cwd[PATH_MAX];		/* start-up directory */
	char		 conf[PATH_MAX];	/* -c, absolute */
	char		 pidfile[PATH_MAX];	/* absolute */
	int		 pid_fd;		/* holds the lock */
	int		 status_fd;		/* daemon start-up: parent */
	char		 unit_s[2];
	char		*argv[10];		/* for re-exec */
} run = { .pid_fd = -1, .status_fd = -1 };

static void
usage(void)
{
	fprintf(stderr, "usage: ssod -c FILE -u UNIT [-f] [-n] [-p PIDFILE]\n"
	    "       ssod -V\n");
	exit(2);
}

/* relative to the start-up directory; realpath when the file exists */
static int
abs_path(char *dst, size_t len, const char *src)
{
	char tmp[PATH_MAX];

	if (realpath(src, tmp) != NULL)
		src = tmp;
	if ((size_t)(src[0] == '/' ? snprintf(dst, len, "%s", src) :
	    snprintf(dst, len, "%s/%s", run.cwd, src)) >= len)
		return -1;
	return 0;
}

static void
default_pidfile(void)
{
	const char *ctl = sso_core_ctl_path();
	size_t n = strlen(ctl);

	if (n > 4 && strcmp(ctl + n - 4, ".ctl") == 0)
		n -= 4;
	snprintf(run.pidfile, sizeof(run.pidfile), "%.*s.pid", (int)n, ctl);
}

/* the running instance's pid, for the refusal */
static void
read_pid(int fd, char *out, size_t len)
{
	ssize_t n = pread(fd, out, len - 1, 0);

	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	if (out[0] == '\0')
		snprintf(out, len, "unknown");
}

/* a re-executed image: the lock came with the exec */
static int
inherit_lock(void)
{
	const char *e = getenv("SSOD_PIDFILE_FD");
	int fd;

	if (e == NULL)
		return -1;
	fd = atoi(e);
	unsetenv("SSOD_PIDFILE_FD");
	if (fd < 3 || fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    flock(fd, LOCK_EX | LOCK_NB) == -1)
		return -1;
	return fd;
}

static int
pidfile_lock(int defaulted, char *err, size_t len)
{
	char dir[PATH_MAX], pid[32];
	int fd;

	if (run.pid_fd != -1)		/* came with the re-exec */
		return 0;
	snprintf(dir, sizeof(dir), "%s", run.pidfile);
	/* the default lives in the control socket's directory: same rule */
	if (defaulted && mkdir(dirname(dir), 0700) == -1 && errno != EEXIST) {
		snprintf(err, len, "cannot create %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if ((fd = open(run.pidfile, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0644)) == -1) {
		snprintf(err, len, "pidfile %s: %s", run.pidfile,
		    strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK) {
			read_pid(fd, pid, sizeof(pid));
			snprintf(err, len, "unit %d is already running (pid %s)",
			    run.unit, pid);
		} else
			snprintf(err, len, "pidfile %s: cannot lock: %s",
			    run.pidfile, strerror(errno));
		close(fd);
		return -1;
	}
	run.pid_fd = fd;
	return 0;
}

static void
pidfile_write(void)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	if (ftruncate(run.pid_fd, 0) == -1 ||
	    pwrite(run.pid_fd, buf, (size_t)n, 0) != n)
		sso_log(SSO_WARNING, "SYS", "PIDFILE", "cannot write %s: %s",
		    run.pidfile, strerror(errno));
}

/* orderly exit (or a start-up that failed): remove what is ours */
static void
cleanup(void)
{
	sso_mgmt_close();
	sso_chan_close();
	if (run.pid_fd != -1) {
		unlink(run.pidfile);
		close(run.pid_fd);
		run.pid_fd = -1;
	}
}

/* parent of the daemon: report its start-up, never return */
__attribute__((noreturn)) static void
parent_wait(int fd, pid_t child)
{
	char buf[8192], *line, *next;
	size_t len = 0;
	ssize_t n;
	int ok = 0;

	while (len < sizeof(buf) - 1 && ((n = read(fd, buf + len,
	    sizeof(buf) - 1 - len)) > 0 || (n == -1 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	buf[len] = '\0';
	while (waitpid(child, NULL, 0) == -1 && errno == EINTR)
		;
	for (line = buf; *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (strcmp(line, "ok") == 0)
			ok = 1;
		else
			fprintf(stderr, "ssod: %s\n", line);
	}
	if (!ok && len == 0)
		fprintf(stderr, "ssod: unit %d: the daemon exited during "
		    "start-up\n", run.unit);
	exit(ok ? 0 : 1);
}

/* double fork; the daemon gets the write end of the status pipe */
static void
daemonize(struct ev_loop *loop)
{
	int p[2], null;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		fprintf(stderr, "ssod: cannot daemonize: %s\n",
		    strerror(errno));
		exit(1);
	}
	if (pid > 0) {
		close(p[1]);
		parent_wait(p[0], pid);
	}
	close(p[0]);
	if (setsid() == -1 || (pid = fork()) == -1)
		_exit(1);
	if (pid > 0)
		_exit(0);	/* the daemon is no session leader */
	if ((null = open("/dev/null", O_RDWR)) != -1) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	ev_loop_fork(loop);
	run.status_fd = p[1];
	sso_log_status_fd(p[1]);
}

/* sso_rf_restart is about to exec: hand over the lock and directory */
static void
prepare_reexec(void)
{
	char fd[16];

	if (run.pid_fd != -1 && fcntl(run.pid_fd, F_SETFD, 0) == 0) {
		snprintf(fd, sizeof(fd), "%d", run.pid_fd);
		setenv("SSOD_PIDFILE_FD", fd, 1);
	}
	if (chdir(run.cwd) == -1)
		sso_log(SSO_WARNING, "SYS", "RELOAD", "cannot return to %s: %s",
		    run.cwd, strerror(errno));
}

static struct ev_loop *stop_loop;

static void
stop_done(void)
{
	ev_break(stop_loop, EVBREAK_ALL);
}

static void
stop_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	static int again;

	sso_notify_sd("STOPPING=1\nSTATUS=stopping (signal %d)", w->signum);
	/* the first SIGTERM/SIGINT of an active with a HOT standby hands
	 * over first; a second one stops at once */
	if (!again++ && sso_rf_stop()) {
		sso_log(SSO_NOTICE, "SYS", "STOP", "signal %d: handing over to "
		    "the standby, then stopping", w->signum);
		return;
	}
	sso_log(SSO_NOTICE, "SYS", "STOP", "signal %d: stopping", w->signum);
	/* no standby takes over: the modules' goodbye first (RADIUS
	 * Accounting-Off, bounded); a second signal stops at once */
	stop_loop = loop;
	if (again == 1 && ssod_modules_stop(stop_done) == 1)
		return;
	ev_break(loop, EVBREAK_ALL);
}

/* SIGHUP: reload the configuration (as `ssoctl reload`), keep running */
static void
hup_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	char msg[4096];

	(void)sso_core_reload(msg, sizeof(msg));
}

static void
logged_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	sso_log(SSO_NOTICE, "SYS", "SIGNAL", "signal %d (%s) ignored",
	    w->signum, strsignal(w->signum));
}

/*
 * Signals whose default would end the process. SIGTERM/SIGINT stop it in
 * order; SIGHUP reloads the configuration. An operator's or a stray
 * kill(1) of the others is logged and ignored; SIGPIPE and SIGXFSZ only
 * come with a failed write, which reports EPIPE/EFBIG itself. (notify.c
 * gives its scripts SIGPIPE back.)
 */
static const int logged_sigs[] = {
	SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGIO, SIGPWR
};

static void
signals(struct ev_loop *loop)
{
	static ev_signal sigterm, sigint, sighup;
	static ev_signal logged[sizeof(logged_sigs) / sizeof(logged_sigs[0])];
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	ev_signal_init(&sigterm, stop_cb, SIGTERM);
	ev_signal_init(&sigint, stop_cb, SIGINT);
	ev_signal_start(loop, &sigterm);
	ev_signal_start(loop, &sigint);
	ev_signal_init(&sighup, hup_cb, SIGHUP);
	ev_signal_start(loop, &sighup);
	for (i = 0; i < sizeof(logged) / sizeof(logged[0]); i++) {
		ev_signal_init(&logged[i], logged_cb, logged_sigs[i]);
		ev_signal_start(loop, &logged[i]);
	}
}

static int
parse_args(int argc, char **argv, const char **file, const char **pidfile,
    int *check)
{
	int ch, version = 0;

	while ((ch = getopt(argc, argv, "c:u:p:fnVh")) != -1) {
		switch (ch) {
		case 'c':
			*file = optarg;
			break;
		case 'u':
			if (strcmp(optarg, "0") == 0 || strcmp(optarg, "1") == 0)
				run.unit = optarg[0] - '0';
			else {
				fprintf(stderr, "ssod: -u takes 0 or 1\n");
				exit(2);
			}
			break;
		case 'p':
			*pidfile = optarg;
			break;
		case 'f':
			run.fg = 1;
			break;
		case 'n':
			*check = 1;
			break;
		case 'V':
			version = 1;
			break;
		default:
			usage();
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ssod: unexpected argument \"%s\"\n",
		    argv[optind]);
		usage();
	}
	if (!version && (*file == NULL || run.unit < 0))
		usage();
	return version;
}

/* the command line of the next incarnation: absolute paths only */
static void
reexec_args(const char *argv0)
{
	int n = 0;

	snprintf(run.unit_s, sizeof(run.unit_s), "%d", run.unit);
	run.argv[n++] = (char *)argv0;
	run.argv[n++] = "-c";
	run.argv[n++] = run.conf;
	run.argv[n++] = "-u";
	run.argv[n++] = run.unit_s;
	run.argv[n++] = "-p";
	run.argv[n++] = run.pidfile;
	if (run.fg)
		run.argv[n++] = "-f";
	run.argv[n] = NULL;
}

static void
init_modules(struct ev_loop *loop)
{
	sso_core_init(loop, (unsigned)(run.unit < 0 ? 0 : run.unit), run.argv);
	sso_version_register();
	sso_issu_init();
	if (sso_confsync_init() == -1 || kv_client_init() == -1 ||
	    ssod_modules_init(loop) == -1)
		sso_fatal("cannot initialise the clients");
}

/* start-up error before the loop runs: to stderr, and to syslog (a
 * re-executed daemon has no terminal: it must not vanish silently) */
__attribute__((noreturn)) static void
startup_fail(const char *msg)
{
	if (run.fg || run.check || run.status_fd == -1)
		fprintf(stderr, "ssod: %s\n", msg);
	if (!run.fg && !run.check)
		sso_log(SSO_CRIT, "SYS", "FATAL", "%s", msg);
	if (run.pid_fd != -1) {		/* ours: the lock is held */
		unlink(run.pidfile);
		close(run.pid_fd);
	}
	exit(1);
}

static void
start(struct ev_loop *loop, const char *pidfile)
{
	char err[2 * PATH_MAX];

	if (pidfile != NULL) {
		if (abs_path(run.pidfile, sizeof(run.pidfile), pidfile) == -1)
			startup_fail("pidfile path too long");
	} else
		default_pidfile();
	/* before anything is bound or unlinked */
	if (pidfile_lock(pidfile == NULL, err, sizeof(err)) == -1)
		startup_fail(err);
	if (!run.fg && !run.reexec)
		daemonize(loop);
	pidfile_write();
	sso_rf_set_restart_hook(prepare_reexec);
	signals(loop);
	sso_issu_start();	/* where an ISSU procedure stood */
	if (sso_core_start() == -1 || ssod_modules_start(loop) == -1) {
		sso_log(SSO_CRIT, "SYS", "FATAL", "unit %d: start-up failed",
		    run.unit);
		cleanup();
		exit(1);
	}
	sso_notify_watchdog_start();
	sso_log(SSO_NOTICE, "SYS", "START", "ssod unit %d started (pid %d)",
	    run.unit, (int)getpid());
	if (run.status_fd != -1) {
		sso_log_status_fd(-1);
		if (write(run.status_fd, "ok\n", 3) != 3)
			sso_log(SSO_WARNING, "SYS", "START", "parent gone");
		close(run.status_fd);
		run.status_fd = -1;
	}
	if (!run.fg && chdir("/") == -1)
		sso_log(SSO_WARNING, "SYS", "START", "chdir /: %s",
		    strerror(errno));
}

int
main(int argc, char **argv)
{
	const char *file = NULL, *pidfile = NULL;
	int check = 0;
	char err[2 * PATH_MAX], prefix[16], ident[16];
	struct ev_loop *loop;
	struct sso_wbuf b;

	run.unit = -1;
	run.reexec = getenv("SSOD_REEXEC") != NULL &&
	    getenv("SSOD_PIDFILE_FD") != NULL;
	unsetenv("SSOD_REEXEC");
	if (parse_args(argc, argv, &file, &pidfile, &check)) {
		loop = ev_default_loop(EVFLAG_AUTO);
		init_modules(loop);
		sso_wbuf_init(&b, 0);
		sso_version_print(&b);
		fputs(sso_wbuf_str(&b), stdout);
		sso_wbuf_free(&b);
		return 0;
	}
	if (getcwd(run.cwd, sizeof(run.cwd)) == NULL)
		snprintf(run.cwd, sizeof(run.cwd), "/");
	/* a re-exec holds the lock already: a failure below releases it */
	if (run.reexec && pidfile != NULL &&
	    (run.pid_fd = inherit_lock()) != -1)
		snprintf(run.pidfile, sizeof(run.pidfile), "%s", pidfile);
	if (abs_path(run.conf, sizeof(run.conf), file) == -1) {
		fprintf(stderr, "ssod: %s: path too long\n", file);
		return 1;
	}
	/* one ident per unit: a shared syslog tells the two apart */
	snprintf(ident, sizeof(ident), "ssod-u%d", run.unit);
	sso_log_init(ident, run.fg || check);
	snprintf(prefix, sizeof(prefix), "u%d ", run.unit);
	sso_log_set_prefix(prefix);
	reexec_args(argv[0]);
	loop = ev_default_loop(EVFLAG_AUTO);
	init_modules(loop);
	run.check = check;
	if (sso_core_load(file, err, sizeof(err)) == -1)
		startup_fail(err);
	if (check) {
		printf("%s: configuration OK\n", file);
		return 0;
	}
	sso_fault_check();
	start(loop, pidfile);
	ev_run(loop, 0);
	sso_notify_sd("STOPPING=1\nSTATUS=stopped");
	sso_notify_stop();	/* leaving the active role in order */
	cleanup();
	return 0;
}
