#!/usr/bin/env python3
"""ISSU (issue 13): `issu changeversion PATH` runs loadversion,
runversion, acceptversion and commitversion by itself: the pair ends on
N+1 in Init with every checkpointed object kept; with an incompatible
image it stops before loading, nothing lost. An image whose -V hangs
is refused after 10 s while the pair stays as it was (the check never
stalls the keepalives)."""
import os
import subprocess

import ssotest
from ssotest import run, check
from issuhelp import IssuPair, image, base, next_image, client_range, \
    L2TP_VERSION


def main(pairs):
    n, n1, bad = base(), next_image(), image("ssod-kv5")
    p = IssuPair(name="issu-change")
    pairs.append(p)
    p.up(200)
    p.wait_issu("Init", (n, n), 0)
    e = p.refused(0, "issu", "changeversion", bad)
    check("Incompatible" in e and "stopped before loading" in e, e)
    p.wait_issu("Init", (n, n), 0)
    hang = os.path.join(p.dir, "ssod-hang")
    with open(hang, "w") as f:
        f.write("#!/bin/sh\nexec sleep 60\n")
    os.chmod(hang, 0o755)
    before = p.states(0)["system_switchovers"]
    r = subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "-s",
                        p.sock(0), "-t", "30000", "issu", "loadversion",
                        hang], capture_output=True, text=True, timeout=60)
    check(r.returncode == 1 and "does not answer" in r.stdout, r)
    st = p.states(0)
    check(st["my_state"] == "ACTIVE" and st["peer_state"] == "STANDBY HOT"
          and st["system_switchovers"] == before and
          st["standby_failures"] == 0, st)
    p.wait_issu("Init", (n, n), 0)
    r = p.ctl(0, "issu", "changeversion", n1)
    check(r["result"] == "changeversion started", r)
    s = p.wait_issu("Init", (n1, n1), 1, timeout=120)
    check(s[0]["primary_version"] == n1 and not s[0]["changeversion"], s[0])
    p.wait_same_kv()
    check(p.kv(0)["records"] == 200, p.kv(0))
    check(client_range(p, 0) == (1, L2TP_VERSION) and
          client_range(p, 1) == (1, L2TP_VERSION),
          "builds")


run(main)
