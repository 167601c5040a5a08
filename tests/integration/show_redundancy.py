#!/usr/bin/env python3
"""Issue 9 items 7 and 8: what `show redundancy` says.

7: the location label of each block follows the role of the unit it
describes: on the active, "Active Location" (itself) and "Standby
Location" (its peer); on the standby the other way round; a peer that is
down has a plain "Location" (no role).
8: "Standby failures" counts the standby lost while this unit is active
(two SIGKILLs of the standby: 2); standby_not_ready keeps its own line."""
import os
import subprocess
from ssotest import Pair, run, check, wait_for
import ssotest


def show(p, u):
    r = subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "-s",
                        p.sock(u), "show", "redundancy"],
                       capture_output=True, text=True, timeout=20)
    check(r.returncode == 0, r)
    cur, _, peer = r.stdout.partition("Peer Processor Information")
    return r.stdout, cur.partition("Current Processor Information")[2], peer


def line(block, label):
    for ln in block.splitlines():
        if ln.strip().startswith(label + " ="):
            return ln.split("=", 1)[1].strip()
    return None


def main(pairs):
    p = Pair(name="showred")
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    for u, me, peer in ((0, "Active", "Standby"), (1, "Standby", "Active")):
        txt, cur, pb = show(p, u)
        check(line(cur, me + " Location") == "unit %d" % u, txt)
        check(line(pb, peer + " Location") == "unit %d" % (1 - u), txt)
        check(line(cur, "Current Software state") ==
              ("ACTIVE" if u == 0 else "STANDBY HOT"), txt)
        check("Active Location" not in (pb if u == 0 else cur) and
              "Standby Location" not in (cur if u == 0 else pb), txt)

    for n in (1, 2):
        p.kill(1)
        wait_for(lambda: p.states(0)["peer_state"] == "DISABLED", 20,
                 "unit 0 to lose unit 1")
        st = p.states(0)
        check(st["standby_failures"] == n, st)
        check(st["standby_not_ready"] == 0 and st["switchovers"] == 0, st)
        txt, cur, pb = show(p, 0)
        check(line(txt, "Standby failures") == str(n), txt)
        check(line(txt, "Standby not ready") == "0", txt)
        check(line(pb, "Location") == "unit 1", txt)
        check(line(cur, "Active Location") == "unit 0", txt)
        c = p.ctl(0, "show", "redundancy", "counters")
        check(c["standby_failures"] == n, c)
        p.start(1)
        p.wait_pair(0)


run(main)
