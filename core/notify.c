/*
 * notify.c - the role-change hook (`redundancy / notify PATH`), in the
 * manner of keepalived's notify scripts: the operator's script moves what
 * follows the active role and the core cannot own (a service address and
 * its gratuitous ARP, a route, a firewall rule).
 *
 *   PATH active  UNIT EPOCH    this unit became active: entering ACTIVE
 *                              FAST at a takeover (the start of the
 *                              progression), or ACTIVE directly after a
 *                              negotiation, a cold takeover or simplex
 *   PATH standby UNIT EPOCH    this unit became standby (STANDBY COLD
 *                              after a negotiation or a restart)
 *   PATH stop    UNIT EPOCH    this unit leaves the active role in order
 *                              (manual switchover, reload, dual-active
 *                              loser, SIGTERM/SIGINT exit)
 *
 * EPOCH is the unit's epoch when the run starts (a takeover's new epoch
 * for "active"). A role is announced on a change of role, never on a
 * change of sub-state (ACTIVE FAST -> DRAIN -> ... runs nothing).
 *
 * "active" and "standby" run without blocking the event loop (posix_spawn,
 * reaped by an ev_child); the L2TP service retries its bind until the
 * address is there. Runs never overlap: a role change while a run is in
 * progress is queued, and only the latest queued role is kept. A run that
 * lasts more than 5 s is killed with its process group. "stop" runs
 * synchronously, for at most 2 s, because the process is about to exit or
 * re-execute itself; a run still in progress at that point is given the
 * same 2 s first, so no run outlives this incarnation. Every run is logged
 * once, with its status and duration (%RF-5-NOTIFY, %RF-3-NOTIFY_FAIL),
 * and counted (`show redundancy counters`: notify_runs, notify_failures).
 * A SIGKILLed active runs nothing: the new active's "active" must take
 * the resource over regardless.
 *
 * The service manager is told as well (sd_notify, libsystemd; nothing is
 * sent when NOTIFY_SOCKET is unset): READY=1 once the unit has negotiated
 * its role (active, or a standby that has found its active), STATUS= at
 * every state change, RELOADING=1 before a re-exec (the PID stays; the new
 * image sends READY=1 again when it has negotiated), STOPPING=1 at stop,
 * and WATCHDOG=1 from a loop timer at half of WATCHDOG_USEC.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "sso_local.h"

#define NOTIFY_TIMEOUT_S	5.0
#define NOTIFY_STOP_MS		2000

extern char **environ;

static struct {
	ev_child	 child;
	ev_timer	 timer;
	pid_t		 pid;			/* run in progress, 0 = none */
	char		 args[48];		/* its "ROLE UNIT EPOCH" */
	uint64_t	 start_ms;
	int		 timed_out;
	const char	*queued;		/* next role, latest wins */
	enum sso_rf_state last;			/* role we last announced */
	uint64_t	 runs, failures;
	int		 sd_ready;		/* READY=1 sent */
	ev_timer	 watchdog;
} nt;

void
sso_notify_sd(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(void)sd_notify(0, msg);
}

static void
watchdog_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)sd_notify(0, "WATCHDOG=1");
}

/* the loop pings: a wedged loop is what the watchdog must catch */
void
sso_notify_watchdog_start(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return;
	(void)sd_notify(0, "WATCHDOG=1");
	ev_timer_init(&nt.watchdog, watchdog_cb, (double)usec / 2e6,
	    (double)usec / 2e6);
	ev_timer_start(sso.loop, &nt.watchdog);
	sso_log(SSO_INFO, "SYS", "WATCHDOG", "systemd watchdog: ping every "
	    "%llu ms", (unsigned long long)(usec / 2000));
}

/* readiness: the role is known once active, or standby to an active */
static void
sd_state(enum sso_rf_state new)
{
	const char *ready = "";

	if (!nt.sd_ready && (SSO_RF_IS_ACTIVE(new) ||
	    SSO_RF_IS_STANDBY(new))) {
		nt.sd_ready = 1;
		ready = "READY=1\n";
	}
	sso_notify_sd("%sSTATUS=unit %u %s, epoch %u", ready, sso.conf.unit,
	    sso_rf_state_name(new), sso.rf.epoch);
}

uint64_t
sso_notify_runs(void)
{
	return nt.runs;
}

uint64_t
sso_notify_failures(void)
{
	return nt.failures;
}

/*
 * The script gets no stdin, an empty signal mask, SIGPIPE at its default
 * (ssod ignores it, and an ignored signal survives exec) and its own
 * process group, so that a timeout kills what it started as well.
 */
static pid_t
spawn(const char *role)
{
	char unit[8], epoch[16];
	char *argv[] = { sso.conf.notify, (char *)role, unit, epoch, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	pid_t pid;
	int rc;

	snprintf(unit, sizeof(unit), "%u", sso.conf.unit);
	snprintf(epoch, sizeof(epoch), "%u", sso.rf.epoch);
	snprintf(nt.args, sizeof(nt.args), "%s %s %s", role, unit, epoch);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	nt.runs++;
	if ((rc = posix_spawnattr_init(&at)) != 0)
		goto fail;
	if ((rc = posix_spawn_file_actions_init(&fa)) != 0) {
		posix_spawnattr_destroy(&at);
		goto fail;
	}
	if ((rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) == 0 &&
	    (rc = posix_spawnattr_setpgroup(&at, 0)) == 0 &&
	    (rc = posix_spawnattr_setsigmask(&at, &none)) == 0 &&
	    (rc = posix_spawnattr_setsigdefault(&at, &dfl)) == 0 &&
	    (rc = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO,
	    "/dev/null", O_RDONLY, 0)) == 0)
		rc = posix_spawn(&pid, sso.conf.notify, &fa, &at, argv,
		    environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc != 0)
		goto fail;
	nt.start_ms = sso_now_ms();
	nt.timed_out = 0;
	return pid;
fail:
	nt.failures++;
	sso_log(SSO_ERR, "RF", "NOTIFY_FAIL", "notify %s %s: cannot run: %s",
	    sso.conf.notify, nt.args, strerror(rc));
	return -1;
}

/* the one log line and count of a finished run */
static void
done(int status)
{
	unsigned long long ms = sso_now_ms() - nt.start_ms;

	if (status == -1) {		/* reaped by someone else: a bug */
		nt.failures++;
		sso_log(SSO_ERR, "RF", "NOTIFY_FAIL", "notify %s %s: exit "
		    "status lost (%llu ms)", sso.conf.notify, nt.args, ms);
		return;
	}
	if (!nt.timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		sso_log(SSO_NOTICE, "RF", "NOTIFY", "notify %s %s: exit 0 "
		    "(%llu ms)", sso.conf.notify, nt.args, ms);
		return;
	}
	nt.failures++;
	if (nt.timed_out)
		sso_log(SSO_ERR, "RF", "NOTIFY_FAIL", "notify %s %s: still "
		    "running after %llu ms, killed", sso.conf.notify, nt.args,
		    ms);
	else if (WIFEXITED(status))
		sso_log(SSO_ERR, "RF", "NOTIFY_FAIL", "notify %s %s: exit %d "
		    "(%llu ms)", sso.conf.notify, nt.args,
		    WEXITSTATUS(status), ms);
	else
		sso_log(SSO_ERR, "RF", "NOTIFY_FAIL", "notify %s %s: killed "
		    "by signal %d (%llu ms)", sso.conf.notify, nt.args,
		    WIFSIGNALED(status) ? WTERMSIG(status) : -1, ms);
}

static void start_next(void);

static void
child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	ev_child_stop(loop, w);
	ev_timer_stop(loop, &nt.timer);
	done(w->rstatus);
	nt.pid = 0;
	start_next();
}

static void
timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	if (nt.pid > 0) {
		nt.timed_out = 1;
		kill(-nt.pid, SIGKILL);	/* child_cb reaps, logs, counts */
	}
}

static void
start_next(void)
{
	const char *role = nt.queued;

	if (role == NULL || nt.pid > 0)
		return;
	nt.queued = NULL;
	if ((nt.pid = spawn(role)) <= 0) {
		nt.pid = 0;
		return;
	}
	ev_child_init(&nt.child, child_cb, nt.pid, 0);
	ev_child_start(sso.loop, &nt.child);
	ev_timer_init(&nt.timer, timeout_cb, NOTIFY_TIMEOUT_S, 0);
	ev_timer_start(sso.loop, &nt.timer);
}

/* from rf_change_state: announce a change of role, not of sub-state */
void
sso_notify_state(enum sso_rf_state new)
{
	const char *role;

	sd_state(new);
	if (SSO_RF_IS_ACTIVE(new) && !SSO_RF_IS_ACTIVE(nt.last))
		role = "active";
	else if (SSO_RF_IS_STANDBY(new) && !SSO_RF_IS_STANDBY(nt.last))
		role = "standby";
	else
		return;
	nt.last = new;
	if (sso.conf.notify[0] == '\0')
		return;
	nt.queued = role;
	start_next();
}

/*
 * Outside the loop: wait for pid until the deadline, then kill its group.
 * Returns its wait status, -1 if it cannot be had.
 */
static int
reap_by(pid_t pid, uint64_t deadline_ms)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };
	int status = -1;
	pid_t r;

	while ((r = waitpid(pid, &status, WNOHANG)) != pid) {
		if (r == -1 && errno != EINTR)
			return -1;
		if (sso_now_ms() >= deadline_ms) {
			nt.timed_out = 1;
			kill(-pid, SIGKILL);
			while ((r = waitpid(pid, &status, 0)) == -1 &&
			    errno == EINTR)
				;
			return r == pid ? status : -1;
		}
		nanosleep(&ts, NULL);
	}
	return status;
}

/*
 * The process is about to exit or re-execute itself: finish (or kill) the
 * run in progress, then, if this unit was active, run "stop" and wait.
 */
void
sso_notify_stop(void)
{
	int leaving = SSO_RF_IS_ACTIVE(nt.last);

	nt.last = SSO_RF_INITIALIZATION;
	nt.queued = NULL;
	if (nt.pid > 0) {
		/* libev may have reaped it already, its callback pending */
		if (ev_is_pending(&nt.child))
			done(nt.child.rstatus);
		else
			done(reap_by(nt.pid, sso_now_ms() + NOTIFY_STOP_MS));
		ev_child_stop(sso.loop, &nt.child);
		ev_timer_stop(sso.loop, &nt.timer);
		nt.pid = 0;
	}
	if (!leaving || sso.conf.notify[0] == '\0')
		return;
	if ((nt.pid = spawn("stop")) > 0)
		done(reap_by(nt.pid, sso_now_ms() + NOTIFY_STOP_MS));
	nt.pid = 0;
}
