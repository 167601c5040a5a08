#!/usr/bin/env python3
"""Acceptance 1: the pair comes up ACTIVE / STANDBY HOT, and 10^5 records
written on the active are identical on the standby after bulk + stream; a
standby started afterwards gets them by bulk sync alone."""
from ssotest import Pair, run, check, wait_for


def main(pairs):
    p = Pair(name="bulk")
    pairs.append(p)
    p.start(0)
    p.wait_state(0, "ACTIVE")          # simplex after negotiation timeout
    r = p.ctl(0, "kv", "fill", 100000, "pre")
    check(r["records"] == 100000, "fill wrote %r" % r)
    p.start(1)                          # joins later: bulk sync
    p.wait_pair(0)
    a = p.wait_same_kv()
    check(a["records"] == 100000, "records %r" % a)
    st = p.states(0)
    check(st["peer_state"] == "STANDBY HOT", "peer state %r" % st)
    check(st["communications"] == "Up", "communications %r" % st)
    # streamed updates on top of the bulk
    p.ctl(0, "kv", "fill", 1000, "live")
    p.ctl(0, "kv", "delete", "pre7")
    a = p.wait_same_kv()
    check(a["records"] == 100999, "records after stream %r" % a)
    cl = {c["name"]: c for c in
          p.ctl(1, "show", "checkpoint", "clients")["clients"]}
    check(cl["kv"]["version"] == 1, "clients %r" % cl)
    check(cl["config-sync"]["config_in_sync"], "config not verified")
    check(p.stats(1)["records_received"] >= 101001, "stats")


run(main)
