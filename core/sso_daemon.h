/*
 * sso_daemon.h - what the daemon's main() (tools/ssod.c) calls to run the
 * process's unit: start-up, configuration, orderly stop. The state itself
 * stays private to libssocore (sso_local.h).
 */
#ifndef SSO_DAEMON_H
#define SSO_DAEMON_H

#include <stddef.h>
#include <ev.h>

/* sso.c: the process's unit */
int	sso_core_init(struct ev_loop *, unsigned unit, char **argv);
int	sso_core_start(void);
int	sso_core_load(const char *file, char *err, size_t len);
/* SIGHUP, `ssoctl reload`: re-read the file sso_core_load() read; -1 when
 * nothing changed (msg: file:line), else the settings refused (kept) */
int	sso_core_reload(char *msg, size_t len);
/* the control socket's path as configured (the pidfile is named after it) */
const char *sso_core_ctl_path(void);

/* the other start-up and stop steps main() takes (declared again, with
 * their descriptions, in sso_local.h) */
struct sso_wbuf;
void	sso_fault_check(void);
void	sso_version_register(void);
void	sso_issu_init(void);		/* issu.c: ISSU commands */
void	sso_issu_start(void);		/* after sso_core_load */
void	sso_version_print(struct sso_wbuf *);
void	sso_notify_sd(const char *fmt, ...) __attribute__((format(printf, 1,
	    2)));
void	sso_notify_watchdog_start(void);
void	sso_notify_stop(void);
void	sso_rf_set_restart_hook(void (*)(void));
void	sso_mgmt_close(void);
void	sso_chan_close(void);

/* rf.c: orderly stop (1: handing over, the loop ends later) */
int	sso_rf_stop(void);

#endif
