#!/usr/bin/env python3
"""Issue 9 items 13 and 15: orderly events are logged as what they are,
and the pair-wide figures are the same on both units.

13: an orderly stop announces itself (goodbye frame): a SIGTERM of the
standby shows on the active as %RF-5-PEER_STOP, a history entry and the
peer_stops counter, never as a keepalive timeout nor a standby failure;
a manual switchover logs no BADFRAME for the old active's frames of the
epoch it handed over (counted as stale_epoch_handover); the old active's
re-exec and a SIGTERM handover are PEER_STOP on the new active, not
PEER_DOWN.
15: after switchovers and a re-exec both units show the same
system_switchovers, and the re-executed unit's system uptime is the
pair's, not its process's."""
import signal
import subprocess
import os
from ssotest import Pair, run, check, wait_for
import ssotest


def log(p, u):
    with open(p.logs[u]) as f:
        return f.read()


def counters(p, u):
    return p.ctl(u, "show", "redundancy", "counters")


def no_failures(p, u):
    c = counters(p, u)
    check(c["keepalive_timeouts"] == 0 and c["peer_down"] == 0 and
          c["standby_failures"] == 0, "unit %d counted a failure: %r"
          % (u, c))
    text = log(p, u)
    check("PEER_DOWN" not in text and "BADFRAME" not in text,
          "unit %d logged a failure:\n%s" % (u, text[-3000:]))


def main(pairs):
    p = Pair(name="orderly")
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)

    # the standby stops in order
    p.kill(1, signal.SIGTERM)
    wait_for(lambda: counters(p, 0)["peer_stops"] == 1, 20,
             "unit 0 to see unit 1 stop in order")
    check("%RF-5-PEER_STOP: peer unit 1 stopped in order (SIGTERM)"
          in log(p, 0), log(p, 0)[-2000:])
    hist = p.ctl(0, "show", "redundancy", "history")["history"]
    check(any("stopped in order" in h["event"] for h in hist), hist)
    st = p.states(0)
    check(st["peer_state"] == "DISABLED" and st["not_hot_reason"] == "", st)
    no_failures(p, 0)

    # a manual switchover: no BADFRAME, the re-exec is an orderly event
    p.start(1)
    p.wait_pair(0)
    r = p.ctl(0, "redundancy", "force-switchover")
    check("started" in r.get("result", ""), r)
    p.wait_pair(1, timeout=40)
    wait_for(lambda: counters(p, 1)["peer_stops"] >= 1, 20,
             "unit 1 to see unit 0 restart in order")
    check("restarting as standby after a manual switchover" in log(p, 1),
          log(p, 1)[-2000:])
    c1 = counters(p, 1)
    no_failures(p, 1)
    check(c1["stale_epoch_handover"] == c1["stale_epoch_dropped"], c1)

    # item 15: one pair, one set of figures, whatever re-executed
    def same_figures():
        a, b = p.states(0), p.states(1)
        return a["system_switchovers"] == b["system_switchovers"] == 1 \
            and (a, b)
    a, b = wait_for(same_figures, 20, "the same system_switchovers")
    check(a["switchovers"] == 0 and b["switchovers"] == 1, (a, b))
    check(a["system_uptime_ms"] > a["uptime_ms"] + 500,
          "unit 0's system uptime restarted with its process: %r" % a)
    check(abs(a["system_uptime_ms"] - b["system_uptime_ms"]) < 5000, (a, b))
    txt = subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "-s",
                          p.sock(0), "show", "redundancy"],
                         capture_output=True, text=True).stdout
    check("Switchovers system experienced = 1" in txt and
          "Switchovers to this unit = 0" in txt, txt)

    # SIGTERM of the active: it hands over, then says goodbye
    p.kill(1, signal.SIGTERM)
    p.wait_state(0, "ACTIVE", 30)
    wait_for(lambda: "stopped in order (SIGTERM, after handing over)"
             in log(p, 0), 20, "unit 0 to log unit 1's orderly stop")
    c0 = counters(p, 0)
    check(c0["keepalive_timeouts"] == 0 and c0["standby_failures"] == 0,
          c0)
    check("keepalive timeout" not in log(p, 0), log(p, 0)[-3000:])
    check("BADFRAME" not in log(p, 0), log(p, 0)[-3000:])
    check(p.states(0)["system_switchovers"] == 2, p.states(0))


run(main)
