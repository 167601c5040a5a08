#!/usr/bin/env python3
"""Daemon mode (no -f): a start-up failure exits non-zero with the error on
stderr and leaves nothing behind; a pair started with relative paths (-c,
keys, control socket) survives force-switchovers, the old active coming
back as standby with the same PID; both log to syslog as ssod-u0/ssod-u1
(read from a test /dev/log in a private mount namespace); SIGTERM removes
the sockets and the pidfile."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ssotest  # noqa: E402
from ssotest import Pair, run, check, wait_for  # noqa: E402


def alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    # a zombie is gone for our purpose
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def start_failure(p):
    key = os.path.join(p.dir, "unit0.key")
    os.rename(key, key + ".away")
    r = p.start_daemon(0)
    os.rename(key + ".away", key)
    check(r.returncode != 0, "daemon started without its key: rc 0")
    check("cannot open key" in r.stderr,
          "start-up error not on stderr: %r" % r.stderr)
    ctl = os.path.join(p.dir, "ctl")
    left = os.listdir(ctl) if os.path.isdir(ctl) else []
    check(left == [], "a failed start left %r" % left)
    # a failure only the daemon itself can see (the configuration checks
    # pass): its inter-RP port is taken, so its bind fails after the fork
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", p.ports[0]))
    s.listen(1)
    try:
        r = p.start_daemon(0)
    finally:
        s.close()
    check(r.returncode != 0, "daemon started without its port: rc 0")
    check("start-up failed" in r.stderr,
          "daemon start-up error not on stderr: %r" % r.stderr)
    left = os.listdir(ctl) if os.path.isdir(ctl) else []
    check(left == [], "a failed start left %r" % left)


def relative_conf(p):
    """the pair's configuration with every path relative to p.dir"""
    with open(p.conf) as f:
        text = f.read().replace(p.dir + "/", "")
    with open(os.path.join(p.dir, "rel.conf"), "w") as f:
        f.write(text)
    check("key secret unit%u.key" in text and "control socket ctl/" in text,
          text)
    return "rel.conf"


def switch(p, old, pids):
    p.ctl(old, "redundancy", "force-switchover")
    p.wait_pair(1 - old, timeout=60)
    for u in (0, 1):
        check(p.daemon_pid(u) == pids[u] and alive(pids[u]),
              "unit %d: pid %r, was %d" % (u, p.daemon_pid(u), pids[u]))
        check(p.ctl(u, "show", "version")["pid"] == pids[u],
              "unit %d answers from another pid" % u)


def syslog_ns(p, conf, u):
    """Start unit u as a daemon in a mount namespace whose /dev/log is a
    datagram socket this test reads: the ident must be ssod-uN."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        print("syslog part skipped: needs root and unshare")
        p.start_daemon(u, conf=conf, cwd=p.dir)
        return None
    stage = os.path.join(p.dir, "devstage")
    os.mkdir(stage)
    devs = ("null", "zero", "random", "urandom")
    for d in devs:
        open(os.path.join(stage, d), "w").close()
    logsock = os.path.join(p.dir, "syslog.sock")
    s = Syslog(logsock)
    script = "set -e\n"
    for d in devs:
        script += "mount --bind /dev/%s %s/%s\n" % (d, stage, d)
    script += "mount -t tmpfs none /dev\n"
    for d in devs:
        script += "touch /dev/%s; mount --bind %s/%s /dev/%s\n" % (
            d, stage, d, d)
    script += "touch /dev/log; mount --bind %s /dev/log\n" % logsock
    script += 'exec "$@"\n'
    r = p.start_daemon(u, conf=conf, cwd=p.dir,
                       prefix=("unshare", "-m", "sh", "-c", script, "sh"))
    check(r.returncode == 0, "daemon in the namespace: rc %d %r"
          % (r.returncode, r.stderr))
    wait_syslog(s, "ssod-u%d[%d]: %%SYS-5-START" % (u, p.daemon_pid(u)))
    return s


class Syslog:
    """/dev/log for the namespace: read all the time (a full queue would
    block the daemon's syslog() calls)"""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.s.bind(path)
        self.s.settimeout(0.2)
        self.seen = []
        self.running = True
        self.t = threading.Thread(target=self.loop, daemon=True)
        self.t.start()

    def loop(self):
        while self.running:
            try:
                self.seen.append(self.s.recv(8192).decode(errors="replace"))
            except socket.timeout:
                pass
            except OSError:
                return

    def close(self):
        self.running = False
        self.t.join(timeout=5)
        self.s.close()


def wait_syslog(s, text):
    wait_for(lambda: any(text in m for m in list(s.seen)), 20,
             "syslog line %r" % text, last=lambda: s.seen[-3:])


def reexec_failure(p, conf, s, pids):
    """A re-exec that cannot start (its configuration is gone) does not
    vanish silently: it says why in syslog and releases its pidfile."""
    path = os.path.join(p.dir, conf)
    os.rename(path, path + ".away")
    p.ctl(0, "redundancy", "reload", "peer")
    wait_for(lambda: not alive(pids[1]), 30, "unit 1 to fail its re-exec")
    if s is not None:
        wait_syslog(s, "ssod-u1[%d]: %%SYS-2-FATAL: cannot read configuration file %s" % (pids[1], path))
        s.close()
    check(not os.path.exists(p.pidfile(1)), "stale pidfile of unit 1")
    os.rename(path + ".away", path)


def stop(p, u, pid):
    os.kill(pid, signal.SIGTERM)
    wait_for(lambda: not alive(pid), 30, "unit %d to exit" % u)
    for f in (p.sock(u), p.sock(u) + ".events", p.pidfile(u)):
        check(not os.path.exists(f), "%s left behind" % f)


def main(pairs):
    p = Pair(name="daemon")
    pairs.append(p)
    start_failure(p)
    conf = relative_conf(p)
    r = p.start_daemon(0, conf=conf, cwd=p.dir)
    check(r.returncode == 0, "unit 0: rc %d %r" % (r.returncode, r.stderr))
    p.wait_state(0, "ACTIVE")
    s = syslog_ns(p, conf, 1)
    p.wait_pair(0)
    pids = [p.daemon_pid(0), p.daemon_pid(1)]
    check(all(pids) and pids[0] != pids[1], "pids %r" % pids)
    # the old active re-executes from / with relative paths resolved
    switch(p, 0, pids)
    switch(p, 1, pids)
    reexec_failure(p, conf, s, pids)
    stop(p, 0, pids[0])


run(main)
