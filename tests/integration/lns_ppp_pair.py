#!/usr/bin/env python3
"""ssod as an LNS pair terminating PPP (issue 10), in the namespaces of
lns_ppp.py (lac, lns, core; both units in the lns namespace, as the
loopback pair tests run them):
1. only the active owns a data device: ssosub0 (unit 0) exists with the
   Loopback0 address and the pool routes, the standby's ssosub1 does not;
2. CHAP calls T x N through the active: all up, distinct addresses, every
   datagram reflected, every address back;
3. with calls up, the active is killed (SIGKILL): the new active (unit 1)
   opens ssosub1 with the same address and routes; the old device is gone;
4. subscriber SSO (issue 12): the standby held every subscriber (same
   addresses, pools in use equal on both units, and `show subscriber
   session` there lists the copies with the same fields); on the new active they
   are all there, with the same users, addresses and both magic numbers;
   the client's own Terminate-Request is answered as on any live session
   (the LNS sends no Terminate-Request of its own), and a CDN ends it;
5. new calls through the new active: all up, reflected, every address back.
Prints SKIP with the reason where namespaces cannot be made."""
import os
import subprocess
import sys

import ssotest
from ssotest import check, track, wait_for
import lns_ppp as L

PAIR_CONF = L.CONF.replace(
    " mode none\n", " mode sso\n").replace(
    " security none\n", " preferred-primary unit 0\n"
    " keepalive interval 100 threshold 5\n negotiation timeout 2000\n"
    " security none\n")


class Unit(L.Lns):
    TEMPLATE = PAIR_CONF

    def __init__(self, u, d=None):
        self.u = u
        super().__init__()
        if d is not None:
            self.dir, self.conf = d, os.path.join(d, "lns.conf")
        self.log = os.path.join(self.dir, "u%d.log" % u)

    def start(self):
        self.proc = track(subprocess.Popen(
            ["ip", "netns", "exec", L.NS["lns"],
             os.path.join(ssotest.BIN, "ssod"), "-f", "-c", self.conf, "-u",
             str(self.u)], stdout=open(self.log, "a"),
            stderr=subprocess.STDOUT))

    def sock(self):
        return os.path.join(self.dir, "unit%d.ctl" % self.u)

    def state(self):
        return self.try_ctl("show", "redundancy", "states").get("my_state")


def start_pair(u0, u1):
    """unit 0 ACTIVE and listening, unit 1 STANDBY HOT"""
    u0.start()
    wait_for(lambda: u0.state() == "ACTIVE", 30, "unit 0 ACTIVE")
    u1.start()
    wait_for(lambda: u1.state() == "STANDBY HOT", 60, "unit 1 STANDBY HOT")
    wait_for(lambda: u0.try_ctl("show", "vpdn").get("listening"), 20,
             "the active to listen")


def dev(name):
    r = L.nsx("lns", "ip", "-4", "addr", "show", "dev", name,
              check_rc=False)
    return r.stdout if r.returncode == 0 else None


def check_dev(name):
    addr = wait_for(lambda: dev(name), 30, "%s to exist" % name)
    check("10.80.0.1/32" in addr, "%s lacks 10.80.0.1/32: %s" % (name, addr))
    routes = L.nsx("lns", "ip", "route", "show", "dev", name).stdout
    check("10.80.1.0/24" in routes and "10.80.0.10/31" in routes,
          "%s: pool routes missing: %s" % (name, routes))


def main(_pairs):
    L.prologue()
    u0 = Unit(0)
    u1 = Unit(1, u0.dir)
    try:
        start_pair(u0, u1)
        # 1
        check_dev("ssosub0")
        check(dev("ssosub1") is None, "the standby has a data device")
        # 2
        L.run_calls(u0, "alice", "alicepw", "pair CHAP")
        # 3
        kept = L.keep_calls(u0, 3)

        def subs(u):
            return sorted((x["tunnel_id"], x["session_id"], x["username"],
                           x["ipv4"]) for x in u.ctl(
                               "show", "subscriber", "session")["sessions"])
        before = subs(u0)
        magics = {(x["tunnel_id"], x["session_id"]): (x["magic_local"],
                                                      x["magic_peer"])
                  for x in u0.ctl("show", "subscriber", "session",
                                  "detail")["sessions"]}
        wait_for(lambda: u1.ctl("show", "subscriber", "redundancy")[
            "standby_established"] == 3, 30, "3 subscribers on the standby")
        check(u1.pool() == u0.pool(), "pools differ: %s vs %s" % (
            u1.pool(), u0.pool()))
        # the standby lists its copies with the same fields
        check(subs(u1) == before, "the standby's copies: %s vs %s" % (
            subs(u1), before))
        for x in u1.ctl("show", "subscriber", "session",
                        "detail")["sessions"]:
            k = (x["tunnel_id"], x["session_id"])
            check((x["magic_local"], x["magic_peer"]) == magics[k] and
                  x["lcp_state"] == x["ipcp_state"] == "Opened",
                  "%s: the standby's copy differs: %s" % (k, x))
        u0.proc.kill()
        u0.proc.wait(timeout=10)
        wait_for(lambda: u1.state() == "ACTIVE", 30, "unit 1 ACTIVE")
        check_dev("ssosub1")
        wait_for(lambda: dev("ssosub0") is None, 10, "ssosub0 to go")
        # 4
        wait_for(lambda: u1.ctl("show", "l2tp", "session")["total"] == 3,
                 30, "the 3 L2TP sessions on the new active")
        after = subs(u1)
        check(after == before, "subscribers changed at the switchover: "
              "%s -> %s" % (before, after))
        for x in u1.ctl("show", "subscriber", "session",
                        "detail")["sessions"]:
            k = (x["tunnel_id"], x["session_id"])
            check((x["magic_local"], x["magic_peer"]) == magics[k],
                  "%s: magic numbers changed" % (k,))
        red = u1.ctl("show", "subscriber", "redundancy")
        check(red["restored"] == 3 and red["ended_negotiating"] == 0,
              "restore counters: %s" % red)
        r = L.end_kept(kept, "calls across the switchover")
        check(r["cdn"] == 3 and r["terminated_by_lns"] == 0,
              "kept calls: no Terminate-Request from the LNS, CDNs: %s" % r)
        check(u1.ctl("show", "ppp", "counters")["orphans_ended"] == 0,
              "no orphans")
        L.all_free(u1)
        # 5
        L.run_calls(u1, "alice", "alicepw", "after takeover")
    except Exception:
        u0.dump()
        u1.dump()
        raise
    finally:
        L.teardown()


if __name__ == "__main__":
    ssotest.run(main)
