#!/usr/bin/env python3
"""Acceptance 5: a checkpoint-link break shorter than the backlog is
healed by a partial resync (no bulk); one longer than the backlog forces
a full re-bulk. Both counted; state converges each time."""
from ssotest import Pair, run, check, wait_for

CONF = " checkpoint backlog 2000\n checkpoint bulk page 100 window 1000\n"


def main(pairs):
    p = Pair(name="resync", extra_redundancy=CONF)
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    p.ctl(0, "kv", "fill", 5000, "base")
    p.wait_same_kv()
    s0 = p.stats(0)
    # short break: 300 records while the standby's link is down
    p.ctl(1, "test", "checkpoint", "link", "break", 1000)
    p.ctl(0, "kv", "fill", 300, "short")
    wait_for(lambda: p.stats(0)["partial_resyncs"] > s0["partial_resyncs"],
             30, "a partial resync")
    p.wait_same_kv()
    s1 = p.stats(0)
    check(s1["full_resyncs"] == s0["full_resyncs"], "unexpected full resync")
    check(p.state(1) == "STANDBY HOT", "standby left HOT")
    # long break: more records than the backlog holds
    p.ctl(1, "test", "checkpoint", "link", "break", 4000)
    p.ctl(0, "kv", "fill", 10, "probe")     # unacked: the link can stall
    wait_for(lambda: p.stats(0)["link_stalled"], 20, "the active to see "
             "the checkpoint link stalled")
    r = p.ctl(0, "kv", "fill", 5000, "long")
    check(r["records"] == 5000, r)
    wait_for(lambda: p.stats(0)["full_resyncs"] > s1["full_resyncs"], 30,
             "a full resync")
    p.wait_pair(0)
    a = p.wait_same_kv()
    check(a["records"] == 10310, "records %r" % a)
    check(p.stats(0)["backlog_overflows"] >= 1, "overflow not counted")


run(main)
