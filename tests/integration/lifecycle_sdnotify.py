#!/usr/bin/env python3
"""sd_notify as systemd's Type=notify sees it: each unit of a pair run with
-f, NOTIFY_SOCKET pointing at a datagram socket this test reads and
WATCHDOG_USEC set. READY=1 only once the role is negotiated (the active,
the standby once it has found its active), WATCHDOG=1 repeatedly,
RELOADING=1 then READY=1 again across the re-exec of a force-switchover
(same PID), STOPPING=1 at SIGTERM."""
import os
import signal
import socket
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ssotest import Pair, run, check, wait_for  # noqa: E402


class Notify:
    """the notify socket, read all the time as systemd reads it (a full
    datagram queue would block the sender's sd_notify)"""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.s.bind(path)
        self.s.settimeout(0.2)
        self.path = path
        self.msgs = []
        self.lock = threading.Lock()
        t = threading.Thread(target=self._reader, daemon=True)
        t.start()

    def _reader(self):
        while True:
            try:
                m = self.s.recv(4096).decode()
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                self.msgs.append(m)

    def poll(self):
        with self.lock:
            return list(self.msgs)

    def wait(self, pred, what, timeout=30):
        return wait_for(lambda: [m for m in self.poll() if pred(m)], timeout,
                        what, last=lambda: self.msgs[-4:])


def main(pairs):
    p = Pair(name="sdnotify")
    pairs.append(p)
    n = [Notify(os.path.join(p.dir, "notify%d.sock" % u)) for u in (0, 1)]
    env = [{"NOTIFY_SOCKET": n[u].path, "WATCHDOG_USEC": "300000"}
           for u in (0, 1)]
    p.start(0, env=env[0])
    ready = n[0].wait(lambda m: "READY=1" in m, "READY=1 from unit 0")
    # readiness comes with the negotiated role, not before it
    check("STATUS=unit 0 ACTIVE" in ready[0], "READY=1 with %r" % ready[0])
    check(p.state(0) == "ACTIVE", "READY=1 before the role was known")
    p.start(1, env=env[1])
    ready = n[1].wait(lambda m: "READY=1" in m, "READY=1 from unit 1")
    check("STATUS=unit 1 STANDBY" in ready[0], "READY=1 with %r" % ready[0])
    p.wait_pair(0)
    for u in (0, 1):
        n[u].wait(lambda m: m == "WATCHDOG=1", "watchdog pings")
        wait_for(lambda: n[u].poll().count("WATCHDOG=1") >= 4, 20,
                 "repeated watchdog pings from unit %d" % u)
    # a force-switchover re-executes unit 0 in place: RELOADING=1, then
    # READY=1 once it is standby again, from the same process
    pid0 = p.procs[0].pid
    before = len(n[0].poll())
    p.ctl(0, "redundancy", "force-switchover")
    p.wait_pair(1)
    check(p.procs[0].poll() is None and
          p.ctl(0, "show", "version")["pid"] == pid0, "pid changed")
    after = lambda: n[0].poll()[before:]  # noqa: E731
    wait_for(lambda: any(m.startswith("RELOADING=1") for m in after()), 10,
             "RELOADING=1 at the re-exec", last=lambda: after()[-4:])
    wait_for(lambda: any("READY=1" in m and "STANDBY" in m for m in after()),
             30, "READY=1 again after the re-exec", last=lambda: after()[-4:])
    n[0].wait(lambda m: m == "WATCHDOG=1", "pings after the re-exec")
    # SIGTERM of the standby: STOPPING=1
    before = len(n[0].poll())
    p.kill(0, signal.SIGTERM)
    wait_for(lambda: any(m.startswith("STOPPING=1") for m in after()), 10,
             "STOPPING=1", last=lambda: after()[-4:])
    check(p.procs[0].returncode == 0, "rc %r" % p.procs[0].returncode)
    # no NOTIFY_SOCKET: nothing is sent, the unit runs as before; an
    # explicit -p as in the systemd unit (ssod -f ... -p PIDFILE)
    pidfile = os.path.join(p.dir, "explicit.pid")
    p.start(0, args=("-p", pidfile))
    p.wait_pair(1)
    with open(pidfile) as f:
        check(int(f.read()) == p.procs[0].pid, "explicit pidfile")
    check(not os.path.exists(p.pidfile(0)), "default pidfile written too")
    p.kill(0, signal.SIGTERM)
    check(not os.path.exists(pidfile), "explicit pidfile left behind")


run(main)
