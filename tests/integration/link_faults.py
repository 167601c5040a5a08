#!/usr/bin/env python3
"""Issue 6 acceptance 3 (short form for CI): the checkpoint link loses,
duplicates and reorders frames (5% each, both directions) while writes
go on; the standby stays consistent (digest), the repairs are counted,
and there is no false switchover. The one-minute version is the same
test with SSO_FAULT_SECONDS=60."""
import os
import time
from ssotest import Pair, Batch, run, check, wait_for


def main(pairs):
    seconds = float(os.environ.get("SSO_FAULT_SECONDS", "10"))
    p = Pair(name="faults", keepalive=(100, 5))
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    for u in (0, 1):
        p.ctl(u, "test", "checkpoint", "fault", "drop", 5)
        p.ctl(u, "test", "checkpoint", "fault", "duplicate", 5)
        p.ctl(u, "test", "checkpoint", "fault", "delay", 5, 20)
    b = Batch(p, 0)
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        rc, r = b.cmd("kv", "set", "k%d" % (n % 5000), "v%d" % n)
        check(rc == 0, "write refused: %r" % r)
        if n % 50 == 0:
            b.cmd("kv", "fill", 200, "f%d-" % (n % 7))
        n += 1
    b.close()
    for u in (0, 1):
        p.ctl(u, "test", "checkpoint", "fault", "off")
    p.wait_same_kv(timeout=60)
    s0, s1 = p.stats(0), p.stats(1)
    repaired = s0["partial_resyncs"] + s0["retransmits"] + \
        s1["duplicate_records"] + s1["sequence_gaps"]
    check(repaired > 0, "no repair counted: %r %r" % (s0, s1))
    for u in (0, 1):
        st = p.states(u)
        check(st["switchovers"] == 0, "false switchover on unit %d" % u)
    check(p.state(0) == "ACTIVE" and p.state(1) == "STANDBY HOT",
          "roles changed")
    f = p.ctl(0, "show", "test", "faults")
    check(f["dropped"] > 0 and f["duplicated"] > 0 and f["delayed"] > 0, f)


run(main)
