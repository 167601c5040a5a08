#!/usr/bin/env python3
"""Acceptance 7: a client with no common message version (unit 1 runs a
build whose kv client speaks 5-6, unit 0 speaks 1-1) keeps the pair out
of STANDBY HOT, and both units show why."""
from ssotest import Pair, run, check, wait_for


def main(pairs):
    p = Pair(name="version", binaries=("ssod", "ssod-kv5"))
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_state(0, "ACTIVE")
    p.ctl(0, "kv", "fill", 100, "x")
    st1 = wait_for(lambda: "no common message version" in
                   p.states(1)["not_hot_reason"] and p.states(1), 30,
                   "unit 1 to report the version mismatch")
    check(st1["my_state"] != "STANDBY HOT", st1)
    st0 = wait_for(lambda: "no common message version" in
                   p.states(0)["not_hot_reason"] and p.states(0), 30,
                   "unit 0 to report the version mismatch")
    check("here 1-1, peer 5-6" in st0["not_hot_reason"], st0)
    check(st0["peer_state"] != "STANDBY HOT", st0)
    check(p.kv(1)["records"] == 0, "records applied despite mismatch")
    # a forced switchover must be refused: the standby is not ready
    r = p.ctl(0, "redundancy", "force-switchover", ok=False)
    check("Standby not ready" in r.get("error", ""), r)


run(main)
