#!/usr/bin/env python3
"""Issue 4 acceptance 1: Debian's xl2tpd, a peer that knows nothing of
failover, keeps every tunnel and call across a switchover of the ssod pair.

LNS role (xl2tpd is the LAC) and LAC role (xl2tpd is the LNS), each through
three events: SIGKILL of the active (unit 0 -> 1; the killed unit restarts
and comes back STANDBY HOT), `redundancy force-switchover` (1 -> 0) and a
switch back (0 -> 1). After every event:
  - the new active serves the same tunnels and sessions, with the same ids,
    established, and its standby holds the same again;
  - xl2tpd logged no StopCCN and no CDN, its calls' pppd stand-ins are all
    still running, and it logged no protocol trouble;
  - the resync of every tunnel succeeded (show l2tp redundancy);
  - later Hellos from the new active are received and acked without
    retransmission;
  - a new call works (LNS role: a new tunnel with its call from another
    [lac] section; LAC role: `l2tp dial` adds a call on the old tunnel).
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "xl2tpd"))
from ssotest import run, check, wait_for  # noqa: E402
import xl2tpdpeer  # noqa: E402
from xl2tpdpeer import Xl2tpd, free_udp_port  # noqa: E402
from l2tp_xl2tpd import (lns_group, lac_group, pair_with, tunnels,  # noqa
                         sessions, standby_has, hellos_acked)

RE_DUP = re.compile(r"out of order control packet on tunnel \d+ "
                    r"\(got (\d+), expected (\d+)\)")


def no_trouble(x, switchovers):
    """xl2tpd logs the new active's resync probe (a copy of a message it
    already received: a duplicate, which RFC 2661 5.8 has it acknowledge
    and not process) as "out of order (got N, expected M)" with N behind
    M. One such line per tunnel per switchover is the silent-failover
    resync working. Any other trouble, or an Ns ahead of what xl2tpd
    expects (a message it would have to queue or drop), fails."""
    t = x.trouble()
    dups = []
    for ln in t:
        m = RE_DUP.search(ln)
        if m and 0 < (int(m[2]) - int(m[1])) % 65536 < 32768:
            dups.append(ln)
    other = [ln for ln in t if ln not in dups]
    check(not other, "xl2tpd reports protocol trouble: %r" % other[:10])
    check(len(dups) <= switchovers * 8, "too many duplicates: %r" % dups)


# (what, unit that acts, unit that is active afterwards)
EVENTS = [("kill", 0, 1), ("force", 1, 0), ("force", 0, 1)]


def established(p, u):
    t = {k: (v["remote_id"], v["state"]) for k, v in tunnels(p, u).items()}
    s = {k: (v["remote_id"], v["state"]) for k, v in sessions(p, u).items()}
    return t, s


def switch(p, what, actor, active):
    if what == "kill":
        p.kill(actor)
        p.wait_state(active, "ACTIVE", 20)
    else:
        r = p.ctl(actor, "redundancy", "force-switchover")
        check("started" in r.get("result", ""), r)
        p.wait_state(active, "ACTIVE", 20)


def survived(p, x, active, before, calls, switchovers):
    """The new active holds exactly what the old one held; xl2tpd noticed
    nothing."""
    def resynced():
        r = p.ctl(active, "show", "l2tp", "redundancy")
        return r["resync_complete"] and r["resync_fail"] == 0 and \
            r["resync_success"] == len(before[0]) and r
    wait_for(resynced, 20, "resync of %d tunnels on unit %d"
             % (len(before[0]), active))
    after = established(p, active)
    check(after == before, "unit %d after the switchover holds %r, the old "
          "active held %r" % (active, after, before))
    check(not x.tunnels_closed(), "xl2tpd tore a tunnel down: %r"
          % x.tunnels_closed())
    check(not x.calls_closed(), "xl2tpd hung a call up: %r"
          % x.calls_closed())
    check(len(x.standins()) == calls, "xl2tpd runs %d pppd stand-ins, "
          "%d calls were up" % (len(x.standins()), calls))
    no_trouble(x, switchovers)


def rejoin(p, what, actor, active):
    """The killed unit restarts; every unit ends up in the pair again."""
    if what == "kill":
        p.start(actor)
    p.wait_pair(active, timeout=40)


def lns_case(pairs):
    port = free_udp_port()
    p = pair_with(pairs, "xl2tpd-ha-lns", port, lns_group())
    spare = ["c", "d", "e"]
    x = Xl2tpd(lacs=[(n, port) for n in ["a", "b"] + spare],
               hostname="XLAC-HA", name="halac")
    try:
        x.start()
        x.dial("a")
        x.dial("b")
        calls = 2
        wait_for(lambda: (lambda t, s: len(t) == 2 and len(s) == 2 and all(
            v[1] == "established" for v in list(t.values()) +
            list(s.values())))(*established(p, 0)), 15,
            "two tunnels and two sessions established on unit 0")
        standby_has(p, 2, 2)
        for n, (what, actor, active) in enumerate(EVENTS):
            before = established(p, 1 - active)
            switch(p, what, actor, active)
            survived(p, x, active, before, calls, n + 1)
            rejoin(p, what, actor, active)
            standby_has(p, len(before[0]), len(before[1]))
            hellos_acked(p, x, sorted(before[0]), n=2, u=active)
            # a new tunnel and call on the new active
            x.dial(spare.pop(0))
            calls += 1
            wait_for(lambda: (lambda t, s: len(t) == calls and
                              len(s) == calls and all(
                                  v[1] == "established" for v in
                                  list(t.values()) + list(s.values())))(
                *established(p, active)), 15,
                "%d tunnels and sessions on unit %d" % (calls, active))
            standby_has(p, calls, calls)
            print("ok: lns %s -> unit %d active, %d calls" % (what, active,
                                                              calls))
    except Exception:
        sys.stderr.write("---- xl2tpd log ----\n%s\n" % x.log()[-6000:])
        raise
    finally:
        x.stop()
    p.cleanup()
    pairs.remove(p)


def lac_case(pairs):
    x = Xl2tpd(lns=True, hostname="XLNS-HA", name="halns")
    port = free_udp_port()
    p = pair_with(pairs, "xl2tpd-ha-lac", port, lac_group(x.port))
    try:
        x.start()
        tid = p.ctl(0, "l2tp", "dial", "lac", 2)["tunnel"]
        calls = 2
        wait_for(lambda: len(x.calls_up()) == 2 and len(x.standins()) == 2,
                 15, "two calls on xl2tpd")
        wait_for(lambda: (lambda t, s: list(t) == [tid] and len(s) == 2 and
                          all(v[1] == "established" for v in
                              list(t.values()) + list(s.values())))(
            *established(p, 0)), 15, "ssod tunnel %d with two sessions" % tid)
        standby_has(p, 1, 2)
        for n, (what, actor, active) in enumerate(EVENTS):
            before = established(p, 1 - active)
            switch(p, what, actor, active)
            survived(p, x, active, before, calls, n + 1)
            rejoin(p, what, actor, active)
            standby_has(p, 1, calls)
            hellos_acked(p, x, [tid], n=2, u=active)
            # another call on the resynced tunnel, placed by the new active
            p.ctl(active, "l2tp", "dial", "lac", 1)
            calls += 1
            wait_for(lambda: len(x.calls_up()) == calls and
                     len(x.standins()) == calls, 15,
                     "call %d on xl2tpd" % calls)
            wait_for(lambda: (lambda t, s: list(t) == [tid] and
                              len(s) == calls and all(
                                  v[1] == "established"
                                  for v in s.values()))(
                *established(p, active)), 15,
                "%d sessions on unit %d" % (calls, active))
            standby_has(p, 1, calls)
            print("ok: lac %s -> unit %d active, %d calls" % (what, active,
                                                              calls))
    except Exception:
        sys.stderr.write("---- xl2tpd log ----\n%s\n" % x.log()[-6000:])
        raise
    finally:
        x.stop()
    p.cleanup()
    pairs.remove(p)


def main(pairs):
    if not xl2tpdpeer.available():
        print("SKIP: xl2tpd (and pppd) not installed, or not root")
        return
    lns_case(pairs)
    lac_case(pairs)


if __name__ == "__main__":
    run(main)
