#!/usr/bin/env python3
"""ISSU (issue 13, acceptance 1 and 3) with the two real builds, N (the
pinned base release, issuhelp.base()) and N+1 (this tree's ssod), under
reflected data and call churn from l2tp-peer (10 tunnels x 4 sessions,
1000 frames/s reflected by the LNS, 4 calls/s churned):

1. loadversion, runversion, abortversion from Run Version: the sessions
   set up while N+1 was active and N standby (N+1 speaking L2TP v1 to it)
   are all on N afterwards, churn held off across the abort so that each
   one is accounted for;
2. loadversion, runversion, acceptversion, commitversion: after every
   step the active holds exactly the sessions the peer believes in (same
   tunnel and session ids), every tunnel resynced after each switchover,
   no StopCCN or CDN the peer did not ask for, `show issu state` right on
   both units; at the end L2TP's newest version negotiated.

Frames lost per step (sent in the step's window minus received in it,
from l2tp-peer's per-ms timeline; churned calls lose frames too, so a
window with no step is printed as the baseline) and each step's duration
are printed, never asserted."""
import atexit
import os
import shutil
import signal
import tempfile
import time

from ssotest import run, check, wait_for
from churnkill import Campaign
from issuhelp import base, next_image, wait_issu, negotiated, L2TP_VERSION

RATE = 1000


def main(pairs):
    n, n1 = base(), next_image()
    print("N = %s\nN+1 = %s" % (n, n1))
    tl_dir = tempfile.mkdtemp(prefix="ssot-issu-data-")
    atexit.register(shutil.rmtree, tl_dir, True)
    timeline = os.path.join(tl_dir, "timeline")
    c = Campaign(pairs, 10, 4, 4, name="issu-data", keepalive=(100, 20),
                 binaries=(n, n),
                 peer_args=["--data-rate", str(RATE), "--timeline",
                            timeline])
    p = c.p
    steps = []

    def step(name, fn):
        t0 = time.monotonic()
        fn()
        steps.append((name, t0, time.monotonic()))

    wait_issu(p, "Init", (n, n), 0)
    before = c.compare()
    t0 = time.monotonic()
    time.sleep(1)           # the baseline window: churn and data only
    steps.append(("(none: baseline)", t0, time.monotonic()))

    def load():
        p.ctl(0, "issu", "loadversion", n1)
        wait_issu(p, "Load Version", (n, n1), 0)

    def runv():
        p.ctl(0, "issu", "runversion")
        c.active = 1
        p.wait_state(1, "ACTIVE", 30)
        c.resynced(1)
        wait_issu(p, "Run Version", (n, n1), 1)

    # 1. sessions set up on N+1 (active) with N standby survive the abort
    step("loadversion", load)
    c.compare()
    step("runversion", runv)
    created = set()

    def some_created():
        created.update(c.compare() - before)
        return created
    wait_for(some_created, 30, "calls set up while N+1 is active")
    check(negotiated(p, 1)["version"] == 1, negotiated(p, 1))
    on_new = quiesce(c)     # no churn across the abort: all accounted for
    created &= on_new
    check(created, "no call set up on N+1 still up")

    def abort():
        p.ctl(1, "issu", "abortversion")
        c.active = 0
        p.wait_state(0, "ACTIVE", 30)
        c.resynced(0)
        wait_issu(p, "Init", (n, n), 0)
    step("abortversion", abort)
    back = wait_for(lambda: (lambda s: s == on_new and s)(
        c.lns_sessions(0)), 20, "N active with the %d calls of N+1"
        % len(on_new), last=lambda: c.lns_sessions(0) ^ on_new)
    check(created <= back, created - back)
    check(c.peer_sessions() == on_new, "the peer lost calls")
    resume(c)
    print("abort: %d calls set up while N+1 was active, all on N after"
          % len(created))
    check(not c.peer_failures(), c.peer_failures())

    # 2. the whole procedure
    step("loadversion", load)
    c.compare()
    step("runversion", runv)
    c.compare()
    step("acceptversion", lambda: p.ctl(1, "issu", "acceptversion"))
    c.compare()

    def commit():
        p.ctl(1, "issu", "commitversion")
        wait_issu(p, "Init", (n1, n1), 1)
    step("commitversion", commit)
    c.compare()
    for u in (0, 1):
        check(negotiated(p, u)["version"] == L2TP_VERSION,
              negotiated(p, u))
    check(not c.peer_failures(), c.peer_failures())
    r = c.finish()
    report(c, r, steps, timeline)


def quiesce(c):
    """l2tp-peer holds its churn; the calls up then (equal on the
    active, checked)"""
    k = sum(1 for x in c.err if x.startswith("quiet"))
    c.peer.send_signal(signal.SIGUSR1)
    wait_for(lambda: c._alive() and c._seen("quiet", k + 1), 60,
             "l2tp-peer to quiesce")
    want = c.peer_sessions()
    wait_for(lambda: c.lns_sessions(c.active) == want, 20,
             "the active's calls to be the peer's")
    return want


def resume(c):
    c.peer.send_signal(signal.SIGUSR2)


def report(c, r, steps, timeline):
    rx, tx = {}, {}
    with open(timeline) as f:
        for line in f:
            ms, a, b = (int(x) for x in line.split())
            rx[ms], tx[ms] = a, b
    print("peer: %d frames sent, %d received, %d lost; %d setups, %d "
          "teardowns" % (r["data_sent"], r["data_received"], r["data_lost"],
                         r["setups"], r["teardowns"]))
    for name, t0, t1 in steps:
        a = int((t0 - c.t_ready) * 1000)
        b = int((t1 - c.t_ready) * 1000)
        sent = sum(tx.get(i, 0) for i in range(a, b + 1))
        got = sum(rx.get(i, 0) for i in range(a, b + 1))
        print("step %-18s %6d ms: %6d frames sent, %6d lost"
              % (name, b - a, sent, max(0, sent - got)))


run(main)
