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
    cl = {c["name"]: c for c in
          p.ctl(0, "show", "checkpoint", "clients")["clients"]}
    # config-sync negotiated its highest version (2 since it sends the
    # file:line of each line), kv none
    check(cl["kv"]["version"] == 0 and cl["config-sync"]["version"] ==
          cl["config-sync"]["version_max"] == 2, cl)
    check(p.kv(1)["records"] == 0, "records applied despite mismatch")
    # a forced switchover must be refused: the standby is not ready
    r = p.ctl(0, "redundancy", "force-switchover", ok=False)
    check("Standby not ready" in r.get("error", ""), r)

    # the configuration-sync client: a standby whose configuration differs
    # from the active's is held out of HOT, and both units say where
    q = Pair(name="confdiff")
    pairs.append(q)
    other = q.conf + ".1"
    with open(q.conf) as f, open(other, "w") as g:
        g.write(f.read().replace("hostname TEST", "hostname OTHER"))
    q.start(0)
    q.start(1, conf=other)
    q.wait_state(0, "ACTIVE")
    st1 = wait_for(lambda: "configuration differs" in
                   q.states(1)["not_hot_reason"] and q.states(1), 30,
                   "unit 1 to report the configuration difference")
    check("line 1" in st1["not_hot_reason"], st1)
    check(st1["my_state"] != "STANDBY HOT", st1)
    wait_for(lambda: "configuration differs" in
             q.states(0)["not_hot_reason"], 30, "unit 0 to show it too")


run(main)
