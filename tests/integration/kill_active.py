#!/usr/bin/env python3
"""Acceptance 2 and 3: SIGKILL of the active. The standby becomes ACTIVE,
reports the switchover and a detection time consistent with interval x
threshold; every record completed with SYNC is there. The killed unit
restarts and comes back STANDBY HOT with identical state. The keepalive
detector is the subject here: `liveness off` (fast_detect.py tests the
liveness connection that otherwise sees the crash first)."""
from ssotest import Pair, Batch, run, check, wait_for


def main(pairs):
    p = Pair(name="kill", keepalive=(100, 3),
             extra_redundancy=" liveness off\n")
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    p.ctl(0, "kv", "fill", 20000, "bulk")
    b = Batch(p, 0)
    applied = {}
    for i in range(300):
        rc, r = b.cmd("kv", "set", "sync%d" % i, "val%d" % i, "sync")
        check(rc == 0 and r.get("result") == "applied",
              "sync write %d: %r %r" % (i, rc, r))
        applied["sync%d" % i] = "val%d" % i
    # async writes right before the crash: may lag by what was unacked
    p.ctl(0, "kv", "fill", 5000, "async")
    p.kill(0)
    b.close()
    p.wait_state(1, "ACTIVE")
    st = p.states(1)
    check(st["switchovers"] == 1, "switchovers %r" % st)
    check(st["epoch"] == 1, "epoch %r" % st)
    check("keepalive timeout" in st["last_switchover_reason"], st)
    # detection: at least (threshold-1) intervals of silence, and of the
    # order of interval x threshold (generous bound: this is not a speed
    # test, only that the detector uses the configured timers)
    d = st["detection_ms"]
    check(200 <= d <= 3000, "detection %d ms inconsistent with 100x3" % d)
    check(st["standby_not_ready"] == 0, "cold takeover? %r" % st)
    for k, v in applied.items():
        r = p.ctl(1, "show", "kv", "key", k)
        check(r["value"] == v, "SYNC record %s lost: %r" % (k, r))
    kv1 = p.kv(1)
    check(kv1["records"] >= 20300, "bulk records lost: %r" % kv1)
    # acceptance 3: the killed unit comes back STANDBY HOT, same state
    p.start(0)
    p.wait_pair(1)
    p.wait_same_kv()
    hist = p.ctl(1, "show", "redundancy", "history")["history"]
    check(any("peer unit 0 down" in h["event"] for h in hist), "history")


run(main)
