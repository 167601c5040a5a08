#!/usr/bin/env python3
"""Issue 4 acceptance 2 and 4: 1,000 tunnels x 10 sessions from l2tp-peer,
sessions set up and torn down at a steady rate (100/s); SIGKILL of the
active at a random instant, a standby reload, a second SIGKILL and a forced
switchover, all under that load. After each: the sessions on the new active
are exactly the sessions the peer believes in (no ghost, no loss), resync
success = 1,000 tunnels and fail = 0 after each switchover, the
killed/reloaded unit is STANDBY HOT again, and the peer saw no teardown it
did not ask for."""
import os
import random
from ssotest import run
from churnkill import campaign


def main(pairs):
    seed = int(os.environ.get("SSO_SEED", random.randrange(1 << 30)))
    print("seed %d" % seed)

    def progress(i, kind, n, c):
        print("ok: %s -> unit %d active, %d sessions agree"
              % (kind, c.active, n))
    _, r = campaign(pairs, int(os.environ.get("CHURN_TUNNELS", 1000)), 10,
                    100, ["kill", "reload-standby", "kill", "manual"],
                    random.Random(seed), name="churn1k", progress=progress)
    print("peer: %d setups, %d teardowns, %d control messages, %d "
          "retransmitted" % (r["setups"], r["teardowns"], r["ctrl_sent"],
                             r["ctrl_retransmits"]))


run(main)
