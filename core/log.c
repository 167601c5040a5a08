/*
 * log.c - IOS-style log lines to stderr or syslog, rate limiting, debug
 * categories and the monotonic clock used by every timer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int log_foreground = 1;
static char log_ident[32] = "ssod";	/* openlog keeps the pointer */
static int log_status_fd = -1;		/* daemon start-up: parent's pipe */
static char log_prefix[32];
static enum sso_sev log_max = SSO_DEBUG;
static struct sso_debug *debug_head;

void
sso_log_init(const char *ident, int foreground)
{
	log_foreground = foreground;
	snprintf(log_ident, sizeof(log_ident), "%s", ident);
	if (!foreground)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

const char *
sso_log_ident(void)
{
	return log_ident;
}

void
sso_log_status_fd(int fd)
{
	log_status_fd = fd;
}

void
sso_log_set_level(enum sso_sev max)
{
	log_max = max;
}

void
sso_log_set_prefix(const char *p)
{
	snprintf(log_prefix, sizeof(log_prefix), "%s", p);
}

static void
vlog(enum sso_sev sev, const char *fac, const char *mnem, const char *fmt,
    va_list ap)
{
	char msg[1024];

	if (sev > log_max)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_foreground) {
		struct timespec ts;
		struct tm tm;
		char tbuf[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(tbuf, sizeof(tbuf), "%H:%M:%S", &tm);
		fprintf(stderr, "%s%s.%03ld %%%s-%d-%s: %s\n", log_prefix,
		    tbuf, ts.tv_nsec / 1000000, fac, (int)sev, mnem, msg);
	} else
		syslog((int)sev, "%%%s-%d-%s: %s", fac, (int)sev, mnem, msg);
	/* a daemon's start-up errors also go to the waiting parent, which
	 * prints them on its stderr and exits non-zero */
	if (log_status_fd != -1 && sev <= SSO_ERR) {
		char line[1100];
		int n = snprintf(line, sizeof(line), "%%%s-%d-%s: %s\n", fac,
		    (int)sev, mnem, msg);

		if (n > 0 && write(log_status_fd, line, (size_t)n < sizeof(line)
		    ? (size_t)n : sizeof(line) - 1) < 0)
			log_status_fd = -1;
	}
}

void
sso_log(enum sso_sev sev, const char *fac, const char *mnem,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(sev, fac, mnem, fmt, ap);
	va_end(ap);
}

void
sso_log_rl(struct sso_ratelimit *rl, enum sso_sev sev, const char *fac,
    const char *mnem, const char *fmt, ...)
{
	va_list ap;
	uint64_t now = sso_now_ms();

	if (now - rl->window_start_ms >= 1000) {
		if (rl->suppressed)
			sso_log(sev, fac, mnem, "%u similar messages suppressed",
			    rl->suppressed);
		rl->window_start_ms = now;
		rl->in_window = 0;
		rl->suppressed = 0;
	}
	if (rl->in_window >= 10) {
		rl->suppressed++;
		return;
	}
	rl->in_window++;
	va_start(ap, fmt);
	vlog(sev, fac, mnem, fmt, ap);
	va_end(ap);
}

void
sso_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(SSO_CRIT, "SYS", "FATAL", fmt, ap);
	va_end(ap);
	exit(1);
}

void
sso_debug_register(struct sso_debug *d)
{
	struct sso_debug **x;

	/* appended: listings ("debug ... ?") keep the registration order */
	for (x = &debug_head; *x != NULL; x = &(*x)->next)
		if (*x == d)
			return;
	d->next = NULL;
	*x = d;
}

int
sso_debug_set(const char *name, int on)
{
	struct sso_debug *d;

	for (d = debug_head; d != NULL; d = d->next)
		if (strcmp(d->name, name) == 0) {
			d->on = on;
			return 0;
		}
	return -1;
}

void
sso_debug_all(int on)
{
	struct sso_debug *d;

	for (d = debug_head; d != NULL; d = d->next)
		d->on = on;
}

struct sso_debug *
sso_debug_list(void)
{
	return debug_head;
}

static uint64_t
clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t
sso_now_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}

uint64_t
sso_now_ms(void)
{
	return clock_us(CLOCK_MONOTONIC) / 1000;
}

uint64_t
sso_wall_ms(void)
{
	return clock_us(CLOCK_REALTIME) / 1000;
}
