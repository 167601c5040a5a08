/*
 * notify.c - the role-change hook (`redundancy / notify PATH`), in the
 * manner of keepalived's notify scripts: the operator's script moves what
 * follows the active role and the core cannot own (a service address and
 * its gratuitous ARP, a route, a firewall rule).
 *
 *   PATH active  UNIT EPOCH    this unit became active (takeover start)
 *   PATH standby UNIT EPOCH    this unit became standby
 *   PATH stop    UNIT EPOCH    this unit leaves the active role in order
 *                              (manual switchover, reload, SIGTERM)
 *
 * "active" and "standby" run asynchronously: the event loop never waits
 * for them (the L2TP service retries its bind until the address is
 * there). One run at a time; a role change while a run is in progress is
 * queued, and only the latest queued role is kept. A run that lasts more
 * than 5 s is killed. "stop" runs synchronously (at most 2 s) because the
 * process is about to exit or re-execute itself. Every run and its status
 * is logged and counted (`show redundancy counters`). A SIGKILLed active
 * runs nothing: the new active's "active" must take over regardless.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sso_local.h"

#define NOTIFY_TIMEOUT_S	5.0
#define NOTIFY_STOP_MS		2000

extern char **environ;

static struct {
	ev_child	 child;
	ev_timer	 timer;
	pid_t		 pid;
	const char	*running;		/* role of the run in progress */
	const char	*queued;		/* next role, latest wins */
	enum sso_rf_state last;			/* role we last announced */
	uint64_t	 runs, failures;
} nt;

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

static pid_t
spawn(const char *role)
{
	char unit[8], epoch[24];
	char *argv[] = { sso.conf.notify, (char *)role, unit, epoch, NULL };
	pid_t pid;
	int rc;

	snprintf(unit, sizeof(unit), "%u", sso.conf.unit);
	snprintf(epoch, sizeof(epoch), "%llu",
	    (unsigned long long)sso.rf.epoch);
	if ((rc = posix_spawn(&pid, sso.conf.notify, NULL, NULL, argv,
	    environ)) != 0) {
		nt.runs++;
		nt.failures++;
		sso_log(SSO_ERR, "RF", "NOTIFY_FAIL", "notify %s %s: cannot "
		    "run: %s", sso.conf.notify, role, strerror(rc));
		return -1;
	}
	nt.runs++;
	return pid;
}

static void
done(int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		sso_log(SSO_NOTICE, "RF", "NOTIFY", "notify %s %s: done",
		    sso.conf.notify, nt.running);
	else {
		nt.failures++;
		sso_log(SSO_ERR, "RF", "NOTIFY_FAIL", "notify %s %s: %s %d",
		    sso.conf.notify, nt.running, WIFEXITED(status) ?
		    "exit status" : "killed by signal", WIFEXITED(status) ?
		    WEXITSTATUS(status) : WTERMSIG(status));
	}
}

static void start_next(void);

static void
child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	(void)revents;
	ev_child_stop(loop, w);
	ev_timer_stop(loop, &nt.timer);
	done(w->rstatus);
	nt.pid = 0;
	nt.running = NULL;
	start_next();
}

static void
timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	if (nt.pid > 0) {
		sso_log(SSO_ERR, "RF", "NOTIFY_FAIL", "notify %s %s: still "
		    "running after %.0f s, killed", sso.conf.notify, nt.running,
		    NOTIFY_TIMEOUT_S);
		kill(nt.pid, SIGKILL);	/* child_cb reaps and counts it */
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
	nt.running = role;
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

/* the unit leaves the active role in order: run "stop" and wait for it */
void
sso_notify_stop(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	pid_t pid;
	int status, waited;

	if (!SSO_RF_IS_ACTIVE(nt.last) || sso.conf.notify[0] == '\0')
		return;
	nt.last = SSO_RF_INITIALIZATION;
	if (nt.pid > 0) {		/* an async run still going: end it */
		ev_child_stop(sso.loop, &nt.child);
		ev_timer_stop(sso.loop, &nt.timer);
		kill(nt.pid, SIGKILL);
		(void)waitpid(nt.pid, NULL, 0);
		nt.pid = 0;
	}
	nt.queued = NULL;
	if ((pid = spawn("stop")) <= 0)
		return;
	nt.running = "stop";
	for (waited = 0; waited < NOTIFY_STOP_MS; waited += 10) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid) {
			done(status);
			return;
		}
		if (r == -1 && errno != EINTR)
			return;
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	(void)waitpid(pid, &status, 0);
	done(status);
}
