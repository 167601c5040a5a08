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
4. what a switchover does to PPP today (the subscriber-SSO issue makes
   them survive): the L2TP sessions are on the new active, their PPP state
   is not; the first PPP frame of such a call (here the client's
   Terminate-Request) is answered with LCP Terminate-Request and a CDN,
   so no call is left hanging;
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
    def __init__(self, u, d=None):
        self.u = u
        super().__init__()
        if d is not None:
            self.dir, self.conf = d, os.path.join(d, "lns.conf")
        self.log = os.path.join(self.dir, "u%d.log" % u)

    def write(self, auth):
        with open(self.conf, "w") as f:
            f.write(PAIR_CONF % {"ctl": L.CTL_PORT, "ctl1": L.CTL_PORT + 1,
                                 "dir": self.dir, "auth": auth})

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
        u0.start()
        wait_for(lambda: u0.state() == "ACTIVE", 30, "unit 0 ACTIVE")
        u1.start()
        wait_for(lambda: u1.state() == "STANDBY HOT", 60,
                 "unit 1 STANDBY HOT")
        wait_for(lambda: u0.try_ctl("show", "vpdn").get("listening"), 20,
                 "the active to listen")
        # 1
        check_dev("ssosub0")
        check(dev("ssosub1") is None, "the standby has a data device")
        # 2
        L.run_calls(u0, "alice", "alicepw", "pair CHAP")
        # 3
        kept = L.keep_calls(u0, 3)
        u0.proc.kill()
        u0.proc.wait(timeout=10)
        wait_for(lambda: u1.state() == "ACTIVE", 30, "unit 1 ACTIVE")
        check_dev("ssosub1")
        wait_for(lambda: dev("ssosub0") is None, 10, "ssosub0 to go")
        # 4
        wait_for(lambda: u1.ctl("show", "l2tp", "session")["total"] == 3,
                 30, "the 3 L2TP sessions on the new active")
        check(u1.ctl("show", "subscriber", "session")["total"] == 0,
              "PPP state on the new active before issue 12")
        r = L.end_kept(kept, "calls across the switchover")
        check(r["cdn"] == 3 and r["terminated_by_lns"] == 3,
              "orphaned calls: Terminate-Request and CDN: %s" % r)
        check(u1.ctl("show", "ppp", "counters")["orphans_ended"] == 3,
              "orphans counted")
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
