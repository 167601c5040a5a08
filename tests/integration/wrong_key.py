#!/usr/bin/env python3
"""Acceptance 6: a unit with the wrong CURVE key is refused, the refusal
is counted and logged, it never becomes the standby and none of the
active's state reaches it."""
import os
import subprocess
from ssotest import Pair, run, check, wait_for, BIN
import ssotest


def main(pairs):
    p = Pair(name="wrongkey")
    pairs.append(p)
    p.start(0)
    p.wait_state(0, "ACTIVE")
    p.ctl(0, "kv", "fill", 1000, "secret")
    # unit 1 gets a fresh key pair that unit 0 does not know
    subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "keygen", "--force",
                    os.path.join(p.dir, "unit1")], check=True,
                   stdout=subprocess.DEVNULL)
    p.start(1)

    def refused():
        c = p.ctl(0, "show", "redundancy", "counters")
        return c["auth_denied"] + c["handshake_failed_ka"] + \
            c["handshake_failed_cf"] > 0 and c
    wait_for(refused, 20, "unit 0 to refuse unit 1's key")
    c1 = wait_for(lambda: p.ctl(1, "show", "redundancy", "counters")
                  ["handshake_failed_ka"] + p.ctl(1, "show", "redundancy",
                  "counters")["handshake_failed_cf"] > 0, 20,
                  "unit 1 to see its handshakes fail")
    check(c1, "counted")
    # it cannot see an active peer: it never becomes a standby
    wait_for(lambda: p.state(1) in ("ACTIVE", "NEGOTIATION"), 20,
             "unit 1 state")
    st0 = p.states(0)
    check(st0["peer_state"] == "DISABLED", "unit 0 sees a peer: %r" % st0)
    check(p.kv(1)["records"] == 0, "state leaked to an unauthenticated unit")
    check(p.stats(1)["records_received"] == 0, "records reached unit 1")
    with open(p.logs[0]) as f:
        check("AUTH_FAIL" in f.read(), "refusal not logged")


run(main)
