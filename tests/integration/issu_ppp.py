#!/usr/bin/env python3
"""ISSU (issue 13) with PPP subscribers: the LNS pair of lns_ppp_sso.py
(namespaces lac, lns, core; a UDP reflector behind the TUN) started on N
(the pinned base release, issuhelp.base()); `l2tp-peer --ppp` (strict: an
LCP Configure-Request or Terminate-Request from the LNS, IPCP going down
or an address change is a failure) brings up CHAP calls 4 x 5 with
reflected UDP and LCP echoes, and keeps them through loadversion (unit 1
on N+1, this tree's ssod), runversion (N+1 active with N standby: the
subscribers checkpointed in L2TP v1) and abortversion from Run Version
(back on N), then the whole procedure (loadversion, runversion,
acceptversion, commitversion: both units on N+1): after each step every subscriber is on the active with the
same tunnel/session ids, user, address and both magic numbers, the
standby holds them all, `show issu state` is right on both units; at the
end the client saw no failure, its echoes were answered, and the frames
lost are printed. Prints SKIP where namespaces cannot be made."""
import json
import os
import random
import signal
import subprocess
import time

import ssotest
from ssotest import check, track, wait_for
import lns_ppp as L
import lns_ppp_pair as LP
import lns_ppp_sso as LS
import ppphelp
import lns_peer
from issuhelp import base, next_image, wait_issu

TAG = "is%d" % (os.getpid() % 10000)
L.NS = {k: "%s-%s" % (TAG, k) for k in ("lac", "lns", "core")}
L.CTL_PORT = 49300 + 2 * random.randint(0, 49)
RPORT = 49017
TUNNELS, CALLS = 4, 5
N = TUNNELS * CALLS
LS.SUB_FIELDS = LS.SUB_FIELDS[:-1]


def on_standby(u, n):
    wait_for(lambda: u.ctl("show", "subscriber", "redundancy")[
        "standby_established"] == n, 60, "%d subscribers on the standby" % n,
        last=lambda: u.ctl("show", "subscriber", "redundancy"))


class Unit(LP.Unit):
    def __init__(self, u, image, d=None):
        self.image = image
        super().__init__(u, d)

    def start(self):
        self.proc = track(subprocess.Popen(
            ["ip", "netns", "exec", L.NS["lns"], self.image, "-f", "-c",
             self.conf, "-u", str(self.u)], stdout=open(self.log, "a"),
            stderr=subprocess.STDOUT))

    def poll(self, *w):
        """a show for a wait: 1 s of ssoctl timeout (a request reaching
        the unit as it re-executes is lost: 5 s would be counted in the
        step's duration), None when not answered"""
        r = subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "-s",
                            self.sock(), "--json", "-t", "1000"] +
                           [str(x) for x in w], capture_output=True,
                           text=True, timeout=30)
        return json.loads(r.stdout) if r.returncode == 0 else None

    def state(self):
        s = self.poll("show", "redundancy", "states")
        return s.get("my_state") if s else None


class View:
    """the two units as issuhelp.wait_issu wants a pair"""

    def __init__(self, units):
        self.units = units

    def ctl(self, u, *w):
        if w[0] == "show":
            r = self.units[u].poll(*w)
            if r is None:
                raise ssotest.TestFailure("no answer from unit %d" % u)
            return r
        return self.units[u].ctl(*w)

    def wait_pair(self, active, timeout):
        wait_for(lambda: self.units[active].state() == "ACTIVE" and
                 self.units[1 - active].state() == "STANDBY HOT", timeout,
                 "unit %d ACTIVE, the other STANDBY HOT" % active)


def main(_pairs):
    n, n1 = base(), next_image()
    print("N = %s\nN+1 = %s" % (n, n1))
    L.prologue()
    u0 = Unit(0, n)
    u1 = Unit(1, n, u0.dir)
    v = View((u0, u1))
    refl = peerp = None
    try:
        refl = ppphelp.Reflector(lns_peer.NsBed(), L.NS["core"], "10.82.0.2",
                                 RPORT)
        LP.start_pair(u0, u1)
        err = open(os.path.join(u0.dir, "peer.err"), "w")
        peerp = track(subprocess.Popen(lns_peer.NsBed().cmd(
            L.NS["lac"], os.path.join(ssotest.BIN, "l2tp-peer"), "--server",
            "10.81.0.1", "--bind", "10.81.0.2", "--ppp", "--json", "--hello",
            "0", "--user", "alice", "--password", "alicepw", "--auth",
            "chap", "--tunnels", TUNNELS, "--sessions", CALLS, "--reflector",
            "10.82.0.2:%d" % RPORT, "--data-rate", 200, "--duration", 0,
            "--lcp-echo", 1, "--setup-timeout", 60),
            stdout=subprocess.PIPE, stderr=err, text=True))
        wait_for(lambda: sum(1 for s in u0.ctl("show", "subscriber",
                                                "session")["sessions"]
                             if s["ipcp_state"] == "Opened") == N, 60,
                 "%d subscribers up" % N)
        on_standby(u1, N)
        wait_issu(v, "Init", (n, n), 0)
        view, pool = LS.subs(u0), u0.pool()

        t0 = time.monotonic()
        u0.ctl("issu", "loadversion", n1)
        wait_issu(v, "Load Version", (n, n1), 0)
        on_standby(u1, N)
        check(LS.subs(u0) == view, "subscribers changed at loadversion")
        print("loadversion: %d ms" % ((time.monotonic() - t0) * 1000))

        t0 = time.monotonic()
        u0.ctl("issu", "runversion")
        LS.survived(view, u1, "runversion", u0)
        wait_issu(v, "Run Version", (n, n1), 1)
        on_standby(u0, N)       # N+1 active: v1 records to N
        check(u1.pool() == pool, "pool after runversion: %s, was %s"
              % (u1.pool(), pool))
        print("runversion: %d ms" % ((time.monotonic() - t0) * 1000))

        t0 = time.monotonic()
        u1.ctl("issu", "abortversion")
        LS.survived(view, u0, "abortversion", u1)
        wait_issu(v, "Init", (n, n), 0)
        on_standby(u1, N)
        check(u0.pool() == pool, "pool after abortversion: %s, was %s"
              % (u0.pool(), pool))
        print("abortversion: %d ms" % ((time.monotonic() - t0) * 1000))

        # the whole procedure: load, run, accept, commit (both on N+1)
        t0 = time.monotonic()
        u0.ctl("issu", "loadversion", n1)
        wait_issu(v, "Load Version", (n, n1), 0)
        on_standby(u1, N)
        check(LS.subs(u0) == view, "subscribers changed at loadversion")
        u0.ctl("issu", "runversion")
        LS.survived(view, u1, "runversion (2)", u0)
        wait_issu(v, "Run Version", (n, n1), 1)
        on_standby(u0, N)
        u1.ctl("issu", "acceptversion")
        check(LS.subs(u1) == view, "subscribers changed at acceptversion")
        u1.ctl("issu", "commitversion")
        wait_issu(v, "Init", (n1, n1), 1)
        on_standby(u0, N)
        check(LS.subs(u1) == view, "subscribers changed at commitversion")
        check(u1.pool() == pool and u0.pool() == pool, "pools after "
              "commitversion: %s %s, were %s" % (u0.pool(), u1.pool(),
                                                 pool))
        print("load, run, accept, commit: %d ms, every subscriber kept, "
              "both units on N+1" % ((time.monotonic() - t0) * 1000))

        peerp.send_signal(signal.SIGTERM)
        out, _ = peerp.communicate(timeout=180)
        rep = json.loads(out.strip().splitlines()[-1])
        peerp = None
        p = rep["ppp"]
        print("l2tp-peer: failures %d, sessions up %d, data sent %d "
              "received %d lost %d; LCP echoes sent %d answered %d"
              % (rep["failures_total"], rep["sessions_up"], rep["data_sent"],
                 rep["data_received"], rep["data_lost"], p["lcp_echo_sent"],
                 p["lcp_echo_answered"]))
        check(rep["failures_total"] == 0, "the strict client saw failures: "
              "%r" % (rep["failures"][:5],))
        check(rep["sessions_up"] == N, "%d of %d calls up at the end"
              % (rep["sessions_up"], N))
        check(p["lcp_echo_bad_magic"] == 0 and p["lcp_echo_sent"] > 0 and
              p["lcp_echo_answered"] >= 0.9 * p["lcp_echo_sent"],
              "LCP echoes: %r" % p)
        L.all_free(u0)
    except Exception:
        u0.dump()
        u1.dump()
        if peerp is not None:
            peerp.kill()
        try:
            print("peer stderr: %s" % open(os.path.join(
                u0.dir, "peer.err")).read()[-3000:])
        except OSError:
            pass
        raise
    finally:
        if refl is not None:
            refl.stop()
        L.teardown()


if __name__ == "__main__":
    ssotest.run(main)
