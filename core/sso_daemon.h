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
/* after the loop ended: leave the role in order, close the sockets and
 * remove the control socket */
void	sso_core_close(void);

/* rf.c: orderly stop (1: handing over, the loop ends later) */
int	sso_rf_stop(void);

#endif
