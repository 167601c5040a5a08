#!/usr/bin/env python3
"""ISSU (issue 13, acceptance 1): loadversion, runversion, acceptversion,
commitversion from N (the pinned base release) to N+1 (this tree's ssod)
while l2tp-peer keeps 20
tunnels x 5 sessions up and churns calls: after every step the active
holds exactly the sessions the peer believes in (same tunnel and session
ids), every tunnel resynced after the runversion switchover, the peer saw
no StopCCN or CDN it did not ask for, and `show issu state` is right on
both units. Then an abort from Run Version under the same load: the
sessions set up while N+1 was active are on N afterwards."""
import time

from ssotest import run, check
from churnkill import Campaign
from issuhelp import base, next_image, wait_issu


def main(pairs):
    n, n1 = base(), next_image()
    c = Campaign(pairs, 20, 5, 10, name="issu-l2tp", keepalive=(100, 20),
                 binaries=(n, n))
    p = c.p
    wait_issu(p, "Init", (n, n), 0)
    before = c.compare()

    t0 = time.monotonic()
    p.ctl(0, "issu", "loadversion", n1)
    wait_issu(p, "Load Version", (n, n1), 0)
    step("loadversion", t0)
    c.compare()

    t0 = time.monotonic()
    p.ctl(0, "issu", "runversion")
    c.active = 1
    p.wait_state(1, "ACTIVE", 30)
    c.resynced(1)
    wait_issu(p, "Run Version", (n, n1), 1)
    step("runversion", t0)
    after = c.compare()
    check(len(before & after) > 0, "no session kept over runversion")
    check(not c.peer_failures(), c.peer_failures())

    p.ctl(1, "issu", "acceptversion")
    c.compare()
    t0 = time.monotonic()
    p.ctl(1, "issu", "commitversion")
    wait_issu(p, "Init", (n1, n1), 1)
    step("commitversion", t0)
    c.compare()
    check(not c.peer_failures(), c.peer_failures())
    report(c.finish())

    # acceptance 3: the sessions set up while N+1 is active and N standby
    # (the N+1 active speaks v1 to it) survive an abort back to N
    c = Campaign(pairs, 20, 5, 10, name="issu-l2tp-abort",
                 keepalive=(100, 20), binaries=(n, n))
    p = c.p
    p.ctl(0, "issu", "loadversion", n1)
    wait_issu(p, "Load Version", (n, n1), 0)
    p.ctl(0, "issu", "runversion")
    c.active = 1
    p.wait_state(1, "ACTIVE", 30)
    c.resynced(1)
    wait_issu(p, "Run Version", (n, n1), 1)
    on_new = c.compare()
    t0 = time.monotonic()
    p.ctl(1, "issu", "abortversion")
    c.active = 0
    p.wait_state(0, "ACTIVE", 30)
    c.resynced(0)
    wait_issu(p, "Init", (n, n), 0)
    step("abortversion (Run Version)", t0)
    back = c.compare()
    check(len(on_new & back) > 0, "no session kept over the abort")
    check(not c.peer_failures(), c.peer_failures())
    report(c.finish())


def step(what, t0):
    """how long a step took until both units showed its end state (a
    report, never asserted)"""
    print("step %s: %d ms to the pair HOT in the new state"
          % (what, (time.monotonic() - t0) * 1000))


def report(r):
    print("peer: %d setups, %d teardowns, %d control messages, %d "
          "retransmitted" % (r["setups"], r["teardowns"], r["ctrl_sent"],
                             r["ctrl_retransmits"]))


run(main)
