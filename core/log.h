/*
 * log.h - IOS-style logging: "%FACILITY-SEVERITY-MNEMONIC: text".
 *
 * Severity numbers are syslog's (0 emerg .. 7 debug). Messages go to stderr
 * (foreground) or syslog. Peer-caused faults use sso_log_rl(), which allows
 * a burst and then suppresses, reporting how many were suppressed.
 * Debug output is switched per category at run time (`debug ...`).
 */
#ifndef SSO_LOG_H
#define SSO_LOG_H

#include <stdint.h>

enum sso_sev {
	SSO_EMERG, SSO_ALERT, SSO_CRIT, SSO_ERR, SSO_WARNING, SSO_NOTICE,
	SSO_INFO, SSO_DEBUG
};

struct sso_ratelimit {
	uint64_t	window_start_ms;
	unsigned	in_window;
	unsigned	suppressed;
};

void	sso_log_init(const char *ident, int foreground);
void	sso_log_set_prefix(const char *);	/* e.g. "u0 " for tests */
const char *sso_log_ident(void);	/* the syslog ident, e.g. "ssod-u0" */
/* daemon start-up: copy errors to fd too (-1: stop) */
void	sso_log_status_fd(int fd);
/* drop messages less severe than max (tools; ssod logs everything) */
void	sso_log_set_level(enum sso_sev max);
void	sso_log(enum sso_sev, const char *fac, const char *mnem,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* rate limited: at most 10 per second per limiter */
void	sso_log_rl(struct sso_ratelimit *, enum sso_sev, const char *fac,
	    const char *mnem, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
__attribute__((noreturn)) void	sso_fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/*
 * Debug categories. A module registers a name once and gets a flag it
 * tests cheaply before formatting. The name is what an operator types
 * after "debug" ("redundancy rf", "l2tp packets"): its first word is the
 * facility `show debugging` groups by, and the debug commands take their
 * keywords from the registry (cmd.h <debug:GROUP>), so a category is
 * accepted exactly when it is registered.
 */
struct sso_debug {
	const char	*name;
	int		 on;
	struct sso_debug *next;
};
void	sso_debug_register(struct sso_debug *);
int	sso_debug_set(const char *name, int on);	/* -1: unknown name */
void	sso_debug_all(int on);
struct sso_debug *sso_debug_list(void);
#define SSO_DEBUG(d, fac, ...)	do {					\
	if ((d)->on) sso_log(SSO_DEBUG, fac, "DEBUG", __VA_ARGS__);	\
} while (0)

uint64_t sso_now_ms(void);	/* CLOCK_MONOTONIC */
uint64_t sso_now_us(void);	/* CLOCK_MONOTONIC */
uint64_t sso_wall_ms(void);	/* CLOCK_REALTIME, for display only */

#endif
