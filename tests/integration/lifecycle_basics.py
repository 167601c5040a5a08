#!/usr/bin/env python3
"""Process lifecycle in the foreground (-f): ssod -V, show version, extra
arguments, the pidfile and its lock (a second unit 0 is refused before it
touches the running one, which stays manageable and switchable), the same
PID across a force-switchover, signals that must not end the process,
test commands refused without `service internal`, and no file left behind
by an orderly stop."""
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ssotest  # noqa: E402
from ssotest import Pair, run, check, wait_for  # noqa: E402


def ssoctl(p, u, *words):
    r = subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "-s", p.sock(u),
                        "-t", "5000"] + [str(w) for w in words],
                       capture_output=True, text=True, timeout=20)
    return r.returncode, r.stdout + r.stderr


def version_checks(p):
    ssod = os.path.join(ssotest.BIN, "ssod")
    r = subprocess.run([ssod, "-V"], capture_output=True, text=True,
                       timeout=20)
    check(r.returncode == 0, "ssod -V: rc %d %s" % (r.returncode, r.stderr))
    for want in ("ssod version ", "(commit ", "Built ", "Inter-RP protocol "
                 "version 1", "config-sync", "kv ", "l2tp "):
        check(want in r.stdout, "ssod -V lacks %r: %s" % (want, r.stdout))
    # extra arguments are refused with usage, exit 2
    r = subprocess.run([ssod, "-c", p.conf, "-u", "0", "stray"],
                       capture_output=True, text=True, timeout=20)
    check(r.returncode == 2 and "unexpected argument" in r.stderr and
          "usage:" in r.stderr, "extra argument: rc %d %r"
          % (r.returncode, r.stderr))
    v = p.ctl(0, "show", "version")
    for k in ("version", "commit", "build_date", "compiler"):
        check(isinstance(v.get(k), str) and v[k], "show version %s: %r"
              % (k, v))
    check(v["protocol_version"] == 1 and v["unit"] == 0 and
          v["pid"] == p.procs[0].pid, "show version: %r" % v)
    check(v["syslog_ident"] == "ssod-u0", "syslog ident %r" % v)
    names = {c["name"]: c for c in v["clients"]}
    check({"kv", "l2tp", "config-sync"} <= set(names) and
          all(c["version_min"] <= c["version_max"] and c["id"] > 0
              for c in v["clients"]), "clients %r" % v["clients"])
    check(v["service_internal"] is True, v)
    rc, text = ssoctl(p, 0, "show", "version")
    check(rc == 0 and "ssod version %s (commit %s)" % (v["version"],
          v["commit"]) in text and "syslog ident ssod-u0" in text and
          "Test commands (service internal): enabled" in text, text)
    check(p.ctl(1, "show", "version")["syslog_ident"] == "ssod-u1", "u1")


def lock_checks(p):
    """A second unit 0 is refused and leaves the running one intact."""
    pid0 = p.procs[0].pid
    with open(p.pidfile(0)) as f:
        check(int(f.read()) == pid0, "pidfile holds the running pid")
    r = subprocess.run([os.path.join(ssotest.BIN, "ssod"), "-f", "-c",
                        p.conf, "-u", "0"], capture_output=True, text=True,
                       timeout=30)
    check(r.returncode != 0 and "unit 0 is already running (pid %d)" % pid0
          in r.stderr, "second unit 0: rc %d %r" % (r.returncode, r.stderr))
    check(os.path.exists(p.sock(0)) and
          os.path.exists(p.sock(0) + ".events"), "sockets removed")
    check(p.ctl(0, "show", "redundancy", "states")["my_state"] == "ACTIVE",
          "the running unit stopped answering")
    # same PID across the re-exec of a force-switchover (-f mode)
    p.ctl(0, "redundancy", "force-switchover")
    p.wait_pair(1)
    check(p.procs[0].poll() is None, "unit 0 exited at its re-exec")
    check(p.daemon_pid(0) == pid0 and
          p.ctl(0, "show", "version")["pid"] == pid0,
          "pid changed across the re-exec")
    p.ctl(1, "redundancy", "force-switchover")
    p.wait_pair(0)


def signal_checks(p):
    """The signals a daemon may get from outside do not end it."""
    logged = [signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM,
              signal.SIGVTALRM, signal.SIGPROF, signal.SIGIO, signal.SIGPWR]
    for s in logged + [signal.SIGPIPE, signal.SIGXFSZ]:
        p.procs[0].send_signal(s)
    for s in logged:
        wait_for(lambda: "signal %d (" % s in open(p.logs[0]).read(), 10,
                 "the log line of signal %d" % s)
    check(p.procs[0].poll() is None, "a signal ended the process")
    check(p.ctl(0, "show", "redundancy", "states")["my_state"] == "ACTIVE",
          "not active after the signals")


def stop_checks(p):
    """SIGTERM: the unit's sockets and pidfile go, the other unit's stay."""
    p.kill(1, signal.SIGTERM)
    check(p.procs[1].returncode == 0, "rc %r" % p.procs[1].returncode)
    for f in (p.sock(1), p.sock(1) + ".events", p.pidfile(1)):
        check(not os.path.exists(f), "%s left behind" % f)
    for f in (p.sock(0), p.sock(0) + ".events", p.pidfile(0)):
        check(os.path.exists(f), "%s of the other unit removed" % f)
    p.kill(0, signal.SIGTERM)
    check(os.listdir(os.path.join(p.dir, "ctl")) == [],
          "left behind: %r" % os.listdir(os.path.join(p.dir, "ctl")))


def internal_checks(pairs):
    """Without `service internal` every test hook is refused."""
    q = Pair(name="nointernal", internal=False)
    pairs.append(q)
    q.start(0)
    q.wait_state(0, "ACTIVE")
    for words in (("test", "link", "cut", 100),
                  ("test", "checkpoint", "link", "break", 100),
                  ("test", "checkpoint", "fault", "drop", 5),
                  ("test", "crash", "before-ack"),
                  ("kv", "fill", 10, "x"),
                  ("kv", "bench", "async", 10, 10),
                  ("test", "l2tp", "hello-burst", 1, 1)):
        rc, text = ssoctl(q, 0, *words)
        check(rc == 1 and "% Test commands need 'service internal' in the "
              "configuration" in text, "%s: rc %d %r" % (words, rc, text))
    check(q.ctl(0, "show", "version")["service_internal"] is False, "flag")
    rc, text = ssoctl(q, 0, "show", "version")
    check("Test commands (service internal): disabled" in text, text)
    check("service internal" not in
          q.ctl(0, "show", "running-config")["running_config"], "printed")
    # SSOD_TEST_CRASH is a test hook too: ignored, and said so
    q.kill(0)
    q.start(0, env={"SSOD_TEST_CRASH": "before-ack"})
    wait_for(lambda: "SSOD_TEST_CRASH ignored" in open(q.logs[0]).read(),
             20, "SSOD_TEST_CRASH to be refused")
    q.wait_state(0, "ACTIVE")
    shared_socket_checks(q)


def shared_socket_checks(q):
    """A unit configured with the other unit's control socket (a typo, no
    %u) fails to start and leaves the running unit's sockets alone."""
    with open(q.conf) as f:
        text = f.read().replace("ctl/unit%u.ctl", "ctl/unit0.ctl")
    shared = os.path.join(q.dir, "shared.conf")
    with open(shared, "w") as f:
        f.write(text)
    r = subprocess.run([os.path.join(ssotest.BIN, "ssod"), "-f", "-c",
                        shared, "-u", "1", "-p",
                        os.path.join(q.dir, "u1.pid")],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode != 0 and "%s is in use by another process"
          % q.sock(0) in r.stderr, "rc %d %r" % (r.returncode, r.stderr))
    check(os.path.exists(q.sock(0) + ".events"), "events socket removed")
    check(q.ctl(0, "show", "version")["unit"] == 0, "unit 0 unreachable")


def main(pairs):
    p = Pair(name="life")
    pairs.append(p)
    p.start(0)
    p.wait_state(0, "ACTIVE")
    p.start(1)
    p.wait_pair(0)
    check("service internal" in
          p.ctl(0, "show", "running-config")["running_config"], "print-back")
    version_checks(p)
    lock_checks(p)
    signal_checks(p)
    stop_checks(p)
    internal_checks(pairs)


run(main)
