#!/usr/bin/env python3
"""ISSU (issue 13, acceptance 5): SIGKILL of the active and of the
standby in each ISSU state. A switchover or a restart happens as usual
and both units then show one consistent state: a killed unit restarted
from the old binary finds the procedure in its state file and in the
active's keepalives, and reloads from the image the procedure names."""
from ssotest import run, check
from issuhelp import IssuPair, image

N, N1 = None, None


def pair(pairs, name, state):
    """a fresh pair in `state` (unit 0 primary), kv filled"""
    p = IssuPair(name="issu-kill-" + name)
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    p.ctl(0, "kv", "fill", 100, "a")
    if state in ("Load Version", "Run Version", "Committed"):
        p.ctl(0, "issu", "loadversion", N1)
        p.wait_issu("Load Version", (N, N1), 0)
    if state in ("Run Version", "Committed"):
        p.ctl(0, "issu", "runversion")
        p.wait_issu("Run Version", (N, N1), 1)
    if state == "Committed":
        p.ctl(1, "issu", "commitversion")
        p.wait_issu("Init", (N1, N1), 1)
    p.ctl(1 if state in ("Run Version", "Committed") else 0,
          "kv", "fill", 50, "b")
    p.wait_same_kv()
    return p


def restart(p, u):
    p.kill(u)
    p.start(u)      # the old binary, as a supervisor would


def main(pairs):
    global N, N1
    N, N1 = image("ssod"), image("ssod-next")
    # Init: as without ISSU
    p = pair(pairs, "init", "Init")
    restart(p, 0)
    p.wait_issu("Init", (N, N), 1)
    p.stop()
    # Load Version, standby killed: it reloads N+1 again
    p = pair(pairs, "lv-sb", "Load Version")
    restart(p, 1)
    p.wait_issu("Load Version", (N, N1), 0)
    p.wait_same_kv()
    p.stop()
    # Load Version, active killed: N+1 takes over: Run Version
    p = pair(pairs, "lv-act", "Load Version")
    restart(p, 0)
    s = p.wait_issu("Run Version", (N, N1), 1)
    check(s[1]["rollback_remaining_s"] > 0, s[1])
    p.wait_same_kv()
    check(p.kv(0)["records"] == 150, p.kv(0))
    p.stop()
    # Run Version, standby (N) killed
    p = pair(pairs, "rv-sb", "Run Version")
    restart(p, 0)
    p.wait_issu("Run Version", (N, N1), 1)
    p.wait_same_kv()
    p.stop()
    # Run Version, active (N+1) killed: N takes over, ISSU aborted
    p = pair(pairs, "rv-act", "Run Version")
    restart(p, 1)
    p.wait_issu("Init", (N, N), 0)
    p.wait_same_kv()
    check(p.kv(1)["records"] == 150, p.kv(1))
    p.stop()
    # committed, the standby killed and restarted from N: reloads N+1
    p = pair(pairs, "commit", "Committed")
    restart(p, 0)
    p.wait_issu("Init", (N1, N1), 1)
    p.wait_same_kv()
    p.stop()


run(main)
