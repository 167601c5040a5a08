#!/usr/bin/env python3
"""Issue 14: detection of a dead peer PROCESS by the end of the liveness
connection (live.c), and only that.

1. SIGKILL of the active (unit 0, the listening side) on a live host: the
   standby takes over through the fast path; its history and reason say
   "peer process gone", every SYNC record is there.
2. The same for an active unit 1 (the connecting side).
3. A stranger connecting to the liveness port, sending garbage and
   closing: no switchover (it never authenticates).
4. SIGSTOP of the active: its sockets stay open, no FIN: taken over by
   the keepalive timer, never by the fast path.
5. A manual switchover and an orderly stop (SIGTERM) stay orderly: no
   "peer process gone" anywhere.
6. `liveness off`: a SIGKILL waits for the keepalive timer."""
import os
import signal
import socket
import subprocess
from ssotest import Pair, Batch, run, check, wait_for


def reason(p, u):
    return p.states(u)["last_switchover_reason"]


def history(p, u):
    return [h["event"] for h in
            p.ctl(u, "show", "redundancy", "history")["history"]]


def liveness_port(p):
    """unit 0's listening TCP ports minus its ZeroMQ one"""
    pid = p.procs[0].pid
    out = subprocess.run(["ss", "-Hltnp"], capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        if "pid=%d," % pid in line:
            port = int(line.split()[3].rsplit(":", 1)[1])
            if port not in p.ports:
                return port
    return None


def sync_writes(p, u, n, tag):
    b = Batch(p, u)
    for i in range(n):
        rc, r = b.cmd("kv", "set", "%s%d" % (tag, i), "v%d" % i, "sync")
        check(rc == 0 and r.get("result") == "applied", (i, rc, r))
    b.close()


def check_kept(p, u, n, tag):
    for i in (0, n // 2, n - 1):
        r = p.ctl(u, "show", "kv", "key", "%s%d" % (tag, i))
        check(r.get("value") == "v%d" % i, "SYNC record lost: %r" % r)


def kill_fast(p, old, tag):
    """SIGKILL of the active unit old: taken over through the fast path,
    every SYNC record kept"""
    new = 1 - old
    sync_writes(p, old, 200, tag)
    p.kill(old)
    p.wait_state(new, "ACTIVE")
    check(reason(p, new).startswith("peer process gone"), p.states(new))
    check(any("peer process gone" in h for h in history(p, new)),
          "history")
    check(p.states(new)["standby_not_ready"] == 0, p.states(new))
    c = p.ctl(new, "show", "redundancy", "counters")
    check(c["peer_process_gone"] >= 1 and c["liveness_ends"] >= 1, c)
    check_kept(p, new, 200, tag)
    print("ok: SIGKILL of unit %d: %s" % (old, reason(p, new)))


def main(pairs):
    p = Pair(name="perf-fast", keepalive=(100, 3))
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    # 1: SIGKILL of unit 0, the listener; 2: of unit 1, the connecting side
    kill_fast(p, 0, "a")
    p.start(0)
    p.wait_pair(1)
    kill_fast(p, 1, "b")
    p.start(1)
    p.wait_pair(0)
    # 3: a stranger on the liveness port
    port = liveness_port(p)
    check(port is not None, "no liveness listener on unit 0")
    for junk in (b"", b"SSOL\x01\x01" + b"\0" * 24 + b"x" * 32,
                 b"GET / HTTP/1.0\r\n\r\n"):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        if junk:
            s.sendall(junk)
        s.close()
    sw = p.states(1)["switchovers"]
    p.ctl(0, "kv", "set", "after-stranger", "1", "sync")
    wait_for(lambda: p.ctl(0, "show", "redundancy", "counters")
             ["liveness_refused"] >= 1, 10, "the forged hello refused")
    check(p.state(0) == "ACTIVE" and p.state(1) == "STANDBY HOT" and
          p.states(1)["switchovers"] == sw, "stranger: %r" % p.states(1))
    print("ok: a stranger's connections change nothing")
    # 4: SIGSTOP: no FIN, the timer decides
    p.procs[0].send_signal(signal.SIGSTOP)
    try:
        p.wait_state(1, "ACTIVE")
        r = reason(p, 1)
    finally:
        p.procs[0].send_signal(signal.SIGCONT)
    check(r.startswith("keepalive timeout"), "SIGSTOP: %s" % r)
    print("ok: SIGSTOP of the active: %s" % r)
    # the stopped unit loses the dual-active resolution and comes back
    wait_for(lambda: p.state(0) == "STANDBY HOT", 60, "unit 0 back HOT")
    p.wait_pair(1)
    # 5: orderly: manual switchover, then SIGTERM with handover
    n1 = len(history(p, 1))
    p.ctl(1, "redundancy", "force-switchover")
    p.wait_state(0, "ACTIVE")
    p.wait_pair(0)
    p.kill(0, signal.SIGTERM)
    p.wait_state(1, "ACTIVE")
    check(reason(p, 1).startswith("orderly stop"), p.states(1))
    for u in (0, 1):
        if p.procs[u].poll() is None:
            h = history(p, u)[n1 if u == 1 else 0:]
            check(not any("peer process gone" in e for e in h),
                  "orderly event taken for a crash on unit %d: %r" % (u, h))
    print("ok: manual switchover and SIGTERM stay orderly")
    p.cleanup()
    # 6: liveness off
    q = Pair(name="perf-fastoff", keepalive=(100, 3),
             extra_redundancy=" liveness off\n")
    pairs.append(q)
    q.start(0)
    q.start(1)
    q.wait_pair(0)
    q.kill(0)
    q.wait_state(1, "ACTIVE")
    check(reason(q, 1).startswith("keepalive timeout"), q.states(1))
    print("ok: liveness off: %s" % reason(q, 1))


run(main)
