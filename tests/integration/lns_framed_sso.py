#!/usr/bin/env python3
"""RADIUS's addresses and routes across a SIGKILL of the active (issue 12:
per-session routes on the standby). The pair as LNS in the namespaces of
lns_ppp.py, authenticating with a real FreeRADIUS (radhelp.py's users):
alice's Framed-IP-Address 10.99.0.5 lies outside every pool (a /32 route
on the TUN), dave's 10.80.0.200 inside pool SUBS, with his Framed-Route
10.98.0.0/24 metric 7. Both calls up and on the standby; SIGKILL of the
active: on the new active both subscribers are restored with their
addresses, the /32 of alice and dave's Framed-Route are on the new
active's device, the pools agree; when the calls end the routes go and
every address is back. Prints SKIP with the reason where namespaces
cannot be made."""
import os
import random
import signal
import subprocess

import ssotest
from ssotest import check, track, wait_for
import lns_ppp as L
import lns_ppp_pair as LP
import lns_peer
import radhelp

TAG = "fr%d" % (os.getpid() % 10000)
L.NS = {k: "%s-%s" % (TAG, k) for k in ("lac", "lns", "core")}
L.CTL_PORT = 46100 + 2 * random.randint(0, 49)
AUTH, ACCT = 46012, 46013

RADIUS = """radius server R1
 address ipv4 127.0.0.1 auth-port %d acct-port %d
 key %s
 timeout 1
 retransmit 2
aaa group server radius RG
 server name R1
aaa authentication ppp default group RG
""" % (AUTH, ACCT, radhelp.KEY)


class Unit(LP.Unit):
    TEMPLATE = LP.PAIR_CONF.replace(
        "aaa authentication ppp default local\n", RADIUS.replace("%", "%%"))


def peer(user, pw, d):
    return track(subprocess.Popen(lns_peer.NsBed().cmd(
        L.NS["lac"], os.path.join(ssotest.BIN, "l2tp-peer"), "--server",
        "10.81.0.1", "--bind", "10.81.0.2", "--ppp", "--json", "--hello", "0",
        "--user", user, "--password", pw, "--auth", "chap", "--tunnels", 1,
        "--sessions", 1, "--duration", 0, "--setup-timeout", 60),
        stdout=subprocess.PIPE, stderr=open(os.path.join(d, user + ".err"),
                                            "w"), text=True))


def subs(u):
    return sorted((x["username"], x["ipv4"]) for x in u.ctl(
        "show", "subscriber", "session")["sessions"]
        if x["ipcp_state"] == "Opened")


def route(prefix):
    return L.nsx("lns", "ip", "route", "show", prefix).stdout.strip()


def main(_pairs):
    L.prologue()
    rad = radhelp.FreeRadius(AUTH, ACCT, name=TAG)
    u0 = Unit(0)
    u1 = Unit(1, u0.dir)
    peers = []
    want = [("alice", "10.99.0.5"), ("dave", "10.80.0.200")]
    try:
        rad.start(netns=L.NS["lns"])
        LP.start_pair(u0, u1)
        peers.append(peer("alice", "alicepw", u0.dir))
        peers.append(peer("dave", "davepw", u0.dir))
        wait_for(lambda: subs(u0) == want, 60, "alice and dave up",
                 last=lambda: subs(u0))
        wait_for(lambda: subs(u1) == want, 30, "both on the standby",
                 last=lambda: subs(u1))
        check("ssosub0" in route("10.99.0.5") and "metric 7" in
              route("10.98.0.0/24"), "routes on unit 0: %r %r" % (
                  route("10.99.0.5"), route("10.98.0.0/24")))
        u0.proc.kill()
        u0.proc.wait(timeout=10)
        wait_for(lambda: u1.state() == "ACTIVE", 30, "unit 1 ACTIVE")
        wait_for(lambda: subs(u1) == want, 30, "both restored on unit 1",
                 last=lambda: subs(u1))
        wait_for(lambda: "ssosub1" in route("10.99.0.5") and "ssosub1" in
                 route("10.98.0.0/24") and "metric 7" in
                 route("10.98.0.0/24"), 30, "alice's /32 and dave's "
                 "Framed-Route on the new active's device",
                 last=lambda: (route("10.99.0.5"), route("10.98.0.0/24")))
        free, in_use = u1.pool()
        check(in_use == 1, "pool SUBS: %d in use (dave's only)" % in_use)
        for p in peers:
            p.send_signal(signal.SIGTERM)
            p.communicate(timeout=60)
        L.all_free(u1)
        wait_for(lambda: route("10.99.0.5") == "" and
                 route("10.98.0.0/24") == "", 20, "the routes gone",
                 last=lambda: (route("10.99.0.5"), route("10.98.0.0/24")))
        print("SIGKILL of the active: alice (Framed-IP-Address outside the "
              "pools) and dave (in pool SUBS, Framed-Route 10.98.0.0/24 "
              "metric 7) restored on unit 1 with their /32 and their "
              "route on ssosub1; both gone at the end, every address back")
    except Exception:
        u0.dump()
        u1.dump()
        raise
    finally:
        rad.kill()
        L.teardown()


if __name__ == "__main__":
    ssotest.run(main)
