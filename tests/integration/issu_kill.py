#!/usr/bin/env python3
"""ISSU (issue 13, acceptance 5): SIGKILL of the active and of the
standby in each ISSU state. A switchover or a restart happens as usual
and both units then show one consistent state: a killed unit restarted
from the old binary finds the procedure in its state file and in the
active's keepalives, and reloads from the image the procedure names."""
from ssotest import run, check
from issuhelp import IssuPair, base, next_image

# (state the pair is in, unit killed, state after, images after, active
# after); "n"/"n1" stand for N and N+1, unit 0 is the primary
CASES = [
    ("Init", 0, "Init", ("n", "n"), 1),
    ("Load Version", 1, "Load Version", ("n", "n1"), 0),   # standby
    # the active (N) dies: N+1 takes over, as runversion would
    ("Load Version", 0, "Run Version", ("n", "n1"), 1),
    ("Run Version", 0, "Run Version", ("n", "n1"), 1),     # standby
    # the active (N+1) dies: N takes over, the procedure is aborted
    ("Run Version", 1, "Init", ("n", "n"), 0),
    # committed; the standby restarted from N reloads N+1
    ("Committed", 0, "Init", ("n1", "n1"), 1),
]


def pair(pairs, i, state, img):
    """a fresh pair in `state`, kv written on the active of that state"""
    p = IssuPair(name="issu-kill-%d" % i).up(100)
    pairs.append(p)
    if state != "Init":
        p.ctl(0, "issu", "loadversion", img["n1"])
        p.wait_issu("Load Version", (img["n"], img["n1"]), 0)
    if state in ("Run Version", "Committed"):
        p.ctl(0, "issu", "runversion")
        p.wait_issu("Run Version", (img["n"], img["n1"]), 1)
    if state == "Committed":
        p.ctl(1, "issu", "commitversion")
        p.wait_issu("Init", (img["n1"], img["n1"]), 1)
    p.ctl(1 if state in ("Run Version", "Committed") else 0,
          "kv", "fill", 50, "b")
    p.wait_same_kv()
    return p


def main(pairs):
    img = {"n": base(), "n1": next_image()}
    for i, (state, killed, after, images, active) in enumerate(CASES):
        p = pair(pairs, i, state, img)
        p.kill(killed)
        p.start(killed)     # the old binary, as a supervisor would
        s = p.wait_issu(after, tuple(img[x] for x in images), active)
        if after == "Run Version":
            check(s[active]["rollback_remaining_s"] > 0, s[active])
        p.wait_same_kv()
        check(p.kv(active)["records"] == 150, p.kv(active))
        print("ok: %s, unit %d killed: %s, unit %d active"
              % (state, killed, after, active))
        p.stop()


run(main)
