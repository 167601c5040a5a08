#!/usr/bin/env python3
"""Issue 12 acceptance 4: the random-kill campaign with PPP subscribers.
SSO_KILLS (default 200) SIGKILLs of the active at random instants while
`l2tp-peer --ppp` (strict, CHAP) sets calls up and tears them down (10
tunnels x 10 calls, 50 changes/s), the LNS pair in network namespaces
(pppchurn.py). After every kill the new active's subscribers are the
calls the peer holds, the standby's copies too, every address is held
once and none leaked, both pools agree, and the peer saw nothing but the
clean end of calls caught negotiating. The seed is printed (SSO_SEED
replays the same instants). Label campaign: the normal build only.
Prints SKIP with the reason where namespaces cannot be made."""
import os
import random

import ssotest
import lns_ppp as L
from pppchurn import campaign


def main(_pairs):
    L.prologue()
    seed = int(os.environ.get("SSO_SEED", random.randrange(1 << 30)))
    kills = int(os.environ.get("SSO_KILLS", 200))
    print("seed %d, %d kills" % (seed, kills))

    def progress(i, n, c):
        if (i + 1) % 20 == 0:
            print("ok: %d kills, %d calls agree on the peer and both units"
                  % (i + 1, n))
    try:
        c, r = campaign(kills, 10, 10, 50, random.Random(seed), progress)
        print("peer: %d setups, %d teardowns during %d kills; %d calls "
              "caught negotiating ended cleanly (LCP Terminate-Request, "
              "CDN), %d counted by the new actives; no other failure" % (
                  r["setups"], r["teardowns"], kills, r["failures_total"],
                  c.ended))
    finally:
        L.teardown()


if __name__ == "__main__":
    ssotest.run(main)
