#!/usr/bin/env python3
"""Issue 6 acceptance 1: random-kill campaign. 200 iterations (SSO_KILLS to
change), each SIGKILLing the active at a random instant while l2tp-peer
sets sessions up and tears them down (20 tunnels x 10 sessions, 50
changes/s). After every switchover the new active holds exactly the
sessions the peer believes in, every tunnel resynced, the peer saw no
teardown it did not ask for, and the killed unit is back STANDBY HOT. The
seed is printed (SSO_SEED replays the same instants)."""
import os
import random
from ssotest import run
from churnkill import campaign


def main(pairs):
    seed = int(os.environ.get("SSO_SEED", random.randrange(1 << 30)))
    kills = int(os.environ.get("SSO_KILLS", 200))
    print("seed %d, %d kills" % (seed, kills))

    def progress(i, kind, n, c):
        if (i + 1) % 20 == 0:
            print("ok: %d kills, %d sessions agree" % (i + 1, n))
    _, r = campaign(pairs, 20, 10, 50, ["kill"] * kills,
                    random.Random(seed), name="rkill", progress=progress)
    print("peer: %d setups, %d teardowns during %d kills, no failure"
          % (r["setups"], r["teardowns"], kills))


run(main)
