#!/usr/bin/env python3
"""The active's process stopped and restarted by a supervisor.
SIGTERM: an orderly stop, the active hands over to the HOT standby first
(as redundancy force-switchover does), then exits. SIGKILL and an
immediate restart, faster than the dead timer can fire: the standby takes
over with its copy ("peer restarted") instead of letting the restarted
unit win the negotiation empty-handed and wipe the standby with a full
resync (which it used to do); the liveness connection usually sees the
crash first ("peer process gone"). Every record is still there each time and
the restarted unit returns STANDBY HOT."""
import signal
from ssotest import Pair, run, check


def main(pairs):
    p = Pair(name="restart", keepalive=(100, 3))
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    p.ctl(0, "kv", "fill", 5000, "r")
    want = p.wait_same_kv()
    active = 0
    for sig in (signal.SIGTERM, signal.SIGKILL):
        old, new = active, 1 - active
        p.kill(old, sig)
        p.start(old)                # at once: inside the dead timer
        p.wait_pair(new, timeout=30)
        st = p.states(new)
        want_reason = (("orderly stop",) if sig == signal.SIGTERM else
                       ("peer restarted", "peer process gone"))
        check(st["last_switchover_reason"].startswith(want_reason), st)
        got = p.wait_same_kv()
        check(got["records"] == want["records"] and
              got["digest"] == want["digest"],
              "state lost in the restart: %r -> %r" % (want, got))
        active = new
        print("ok: %s + restart of unit %d: unit %d took over, %d records"
              % (sig.name, old, new, got["records"]))


run(main)
