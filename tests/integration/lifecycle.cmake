# process lifecycle and operations (issue 9: pidfile and lock, daemon
# start-up status, re-exec with one PID, signals, service internal,
# version, sd_notify)
sso_itest(lifecycle_basics)
sso_itest(lifecycle_daemon)
sso_itest(lifecycle_sdnotify)
