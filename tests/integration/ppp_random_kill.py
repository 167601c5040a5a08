#!/usr/bin/env python3
"""Issue 12 acceptance 4: the random-kill campaign with PPP subscribers.
SSO_KILLS (default 200) SIGKILLs of the active at random instants while
`l2tp-peer --ppp` (strict, CHAP) sets calls up and tears them down (10
tunnels x 10 calls, 50 changes/s), the LNS pair in network namespaces
(pppchurn.py). After every kill the new active's subscribers are the
calls the peer holds, the standby's copies too, every address is held
once and none leaked, both pools agree, and the peer saw nothing but the
clean end of calls caught negotiating. Then SSO_MANUALS (default 50)
forced switchovers at random instants, with the same checks (a call
caught negotiating by a manual switchover is ended by the new active;
its CDN once went out during the tunnel's resync and took an Ns the
resync gave again, so the peer dropped the next message, an ICRP, as a
duplicate: a call never answered). The seed is printed (SSO_SEED replays
the same instants). Label campaign: the normal build only.
With FreeRADIUS (Debian `freeradius`, installed by tools/install-deps)
the pair authenticates and accounts through it, and at the end its detail
file holds a Start and a Stop for every session, a second one only as a
resend of the same record after a kill (its answer died with the unit;
counted), and no Accounting-On/Off but the pair's first On.
Prints SKIP with the reason where namespaces cannot be made."""
import os
import random

import shutil

import ssotest
import lns_ppp as L
import radhelp
from pppchurn import campaign


def main(_pairs):
    L.prologue()
    seed = int(os.environ.get("SSO_SEED", random.randrange(1 << 30)))
    kills = int(os.environ.get("SSO_KILLS", 200))
    manuals = int(os.environ.get("SSO_MANUALS", 50))
    print("seed %d, %d kills, %d forced switchovers" % (seed, kills,
                                                       manuals))

    def progress(i, n, c):
        if (i + 1) % 20 == 0:
            print("ok: %d kills, %d calls agree on the peer and both units"
                  % (i + 1, n))
    rad = None
    if shutil.which("freeradius"):
        rad = radhelp.FreeRadius(45012, 45013, name="prk")
        rad.start(netns=L.NS["lns"])
    try:
        c, r = campaign(kills, 10, 10, 50, random.Random(seed), progress,
                        manuals, rad)
        if rad is not None:
            n, resent = c.accounting()
            print("accounting (FreeRADIUS detail file): %d sessions, each "
                  "with its Start and its Stop, %d records logged twice "
                  "(resent after a kill: the same record), one "
                  "Accounting-On, no Accounting-Off" % (n, resent))
        print("peer: %d setups, %d teardowns during %d kills and %d forced "
              "switchovers; %d calls caught negotiating ended cleanly (LCP "
              "Terminate-Request, CDN), %d counted by the new actives; no "
              "other failure" % (r["setups"], r["teardowns"], kills,
                                 manuals, r["failures_total"], c.ended))
    finally:
        if rad is not None:
            rad.cleanup()
        L.teardown()


if __name__ == "__main__":
    ssotest.run(main)
