#!/usr/bin/env python3
"""Issue 12 acceptance 6: the LNS pair (lns_ppp_pair.py's, in the
namespaces of lns_ppp.py) holds 10^5 PPP subscribers with SSO: 1,000
tunnels x 100 CHAP calls from `l2tp-peer --ppp` (SSO_PPP_SCALE_TUNNELS to
change), no failure at the strict client; the standby holds every one;
a SIGKILL of the active keeps every subscriber (same ids, users and
addresses on the new active); the killed unit comes back STANDBY HOT with
every subscriber in its bulk. Prints the setup time, the RSS per
subscriber on both units, the takeover time and the COLD -> HOT bulk time
(measured, never asserted). Label scale: the normal build only.
Prints SKIP with the reason where namespaces cannot be made."""
import json
import os
import signal
import subprocess
import time

import ssotest
from ssotest import check, track, wait_for
import lns_ppp as L
import lns_ppp_pair as LP
import lns_peer

TUNNELS = int(os.environ.get("SSO_PPP_SCALE_TUNNELS", "1000"))
CALLS = 100
N = TUNNELS * CALLS
# a pool for 10^5 (131,070 addresses), no traffic: no route needed
CONF = LP.PAIR_CONF.replace(
    "ip local pool SUBS 10.80.0.10 10.80.3.250\n",
    "ip local pool SUBS 10.100.0.1 10.101.255.254\n").replace(
    " keepalive %(ka)s\n", " keepalive 60 3\n")


class Unit(LP.Unit):
    TEMPLATE = CONF


rss_kb = ssotest.rss_kb


def red(u):
    return u.ctl("show", "subscriber", "redundancy")


def view(u):
    return sorted((x["tunnel_id"], x["session_id"], x["username"],
                   x["ipv4"]) for x in u.ctl("show", "subscriber",
                                             "session")["sessions"])


def main(_pairs):
    L.prologue()
    u0 = Unit(0)
    u1 = Unit(1, u0.dir)
    peer = None
    try:
        LP.start_pair(u0, u1)
        base = [rss_kb(u.proc.pid) for u in (u0, u1)]
        err = open(os.path.join(u0.dir, "peer.err"), "w")
        t0 = time.monotonic()
        peer = track(subprocess.Popen(lns_peer.NsBed().cmd(
            L.NS["lac"], os.path.join(ssotest.BIN, "l2tp-peer"), "--server",
            "10.81.0.1", "--bind", "10.81.0.2", "--ppp", "--json", "--hello",
            "0", "--user", "alice", "--password", "alicepw", "--auth",
            "chap", "--tunnels", TUNNELS, "--sessions", CALLS, "--duration",
            0, "--setup-timeout", 300), stdout=subprocess.PIPE, stderr=err,
            text=True))
        wait_for(lambda: red(u0)["subscribers"] == N and
                 red(u1)["standby_established"] == N, 900,
                 "%d subscribers on the active and the standby" % N,
                 last=lambda: (red(u0)["subscribers"],
                               red(u1)["standby_established"]))
        setup_s = time.monotonic() - t0
        mem = [(rss_kb(u.proc.pid) - b) * 1024.0 / N
               for u, b in zip((u0, u1), base)]
        check(u0.pool() == u1.pool(), "pools differ: %s vs %s"
              % (u0.pool(), u1.pool()))
        before = view(u0)
        check(len(set(x[3] for x in before)) == N, "addresses not unique")
        # SIGKILL of the active at 10^5
        t1 = time.monotonic()
        u0.proc.kill()
        u0.proc.wait(timeout=30)
        wait_for(lambda: u1.state() == "ACTIVE", 60, "unit 1 ACTIVE")
        wait_for(lambda: red(u1)["subscribers"] == N, 300,
                 "%d subscribers restored on unit 1" % N,
                 last=lambda: red(u1))
        takeover_s = time.monotonic() - t1
        check(view(u1) == before, "subscribers changed at the kill")
        r = red(u1)
        check(r["restored"] == N and r["ended_negotiating"] == 0,
              "restore counters: %s" % r)
        # the killed unit back: COLD -> HOT with every subscriber
        t2 = time.monotonic()
        u0.start()
        wait_for(lambda: u0.state() == "STANDBY HOT" and
                 red(u0)["standby_established"] == N, 600,
                 "unit 0 back STANDBY HOT with %d subscribers" % N,
                 last=lambda: (u0.state(), red(u0)))
        bulk_s = time.monotonic() - t2
        check(u0.pool() == u1.pool(), "pools differ after the bulk")
        peer.send_signal(signal.SIGTERM)
        out, _ = peer.communicate(timeout=600)
        rep = json.loads(out.strip().splitlines()[-1])
        peer = None
        check(rep["failures_total"] == 0 and rep["sessions_up"] == N,
              "the strict client: %d failures %r, %d up" % (
                  rep["failures_total"], rep["failures"][:5],
                  rep["sessions_up"]))
        print("%d PPP subscribers (%d x %d): setup %.1f s (%.0f/s, both "
              "units); RSS per subscriber active %.0f B, standby %.0f B; "
              "SIGKILL of the active: every one restored in %.1f s; the "
              "killed unit back STANDBY HOT with all in %.1f s" % (
                  N, TUNNELS, CALLS, setup_s, N / setup_s, mem[0], mem[1],
                  takeover_s, bulk_s))
    except Exception:
        u0.dump()
        u1.dump()
        raise
    finally:
        if peer is not None:
            peer.kill()
        L.teardown()


if __name__ == "__main__":
    ssotest.run(main)
