#!/usr/bin/env python3
"""Issue 9 item 14: configuration-mismatch reporting. A standby whose
configuration differs from the active's says so (never "not verified
yet" while it reports the difference); both units show both versions of
the differing line, each with the file:line of its own unit's file (not
the running-config line); once the mismatched standby is gone the
active's not_hot_reason is empty again."""
import os
import subprocess
from ssotest import Pair, run, check, wait_for
import ssotest


def main(pairs):
    q = Pair(name="confmis")
    pairs.append(q)
    with open(q.conf) as f:
        base = f.read()
    # the same running configuration line 1, at file line 3 on unit 0
    # and at file line 6 on unit 1
    with open(q.conf, "w") as f:
        f.write("!\n!\n" + base)
    other = q.conf + ".1"
    with open(other, "w") as g:
        g.write("!\n!\n!\n!\n!\n" + base.replace("hostname TEST",
                                                  "hostname OTHER"))
    q.start(0)
    q.start(1, conf=other)
    q.wait_state(0, "ACTIVE")
    want_a = 'the active has "hostname TEST" (%s:3)' % q.conf
    want_m = 'this unit has "hostname OTHER" (%s:6)' % other
    for u in (1, 0):
        st = wait_for(lambda: "configuration differs" in
                      q.states(u)["not_hot_reason"] and q.states(u), 30,
                      "unit %d to report the difference" % u)
        r = st["not_hot_reason"]
        check("running-config line 1" in r and want_a in r and want_m in r,
              "unit %d: %r" % (u, r))
    cl = {c["name"]: c for c in
          q.ctl(1, "show", "redundancy", "clients")["clients"]}
    check(cl["config-sync"]["config_state"] == "differs" and
          want_m in cl["config-sync"]["config_difference"], cl)
    txt = subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "-s",
                          q.sock(1), "show", "redundancy", "clients"],
                         capture_output=True, text=True).stdout
    check("not verified yet" not in txt and "config: configuration "
          "differs" in txt, txt)
    # the mismatched standby dies: nothing keeps the pair out of HOT now
    q.kill(1)
    st = wait_for(lambda: q.states(0)["peer_state"] == "DISABLED" and
                  q.states(0), 20, "unit 0 to lose unit 1")
    check(st["not_hot_reason"] == "", st)


run(main)
