#!/usr/bin/env python3
"""Subscriber SSO (issue 12): PPP sessions survive a switchover, silently.
The pair as LNS in the namespaces of lns_ppp.py (lac, lns, core with a
UDP reflector behind the TUN); `l2tp-peer --ppp` (strict: an LCP
Configure-Request or Terminate-Request from the LNS, IPCP going down or an
address change is a failure) brings up CHAP calls T x M with reflected UDP
through the TUN and keeps them up across:
1. SIGKILL of the active: every subscriber is on the new active with the
   same tunnel/session ids, user, address and both magic numbers; the
   pools agree with the old active's; reflected traffic resumes (the new
   active's counters move, from no less than the checkpointed values);
2. the killed unit back as standby: it gets every subscriber in the bulk
   (standby_established), its pool equals the active's;
3. `redundancy force-switchover`: the same again on the unit that comes
   back;
4. new calls after the events get addresses no live subscriber has;
5. the strict client ends with no failure; its LCP echoes (--lcp-echo 1)
   were answered with the LNS's magic throughout; every address comes
   back.
Prints SKIP with the reason where namespaces cannot be made."""
import json
import os
import signal
import random
import subprocess

import ssotest
from ssotest import check, track, wait_for
import lns_ppp as L
import lns_ppp_pair as LP
import ppphelp
import lns_peer

TAG = "ss%d" % (os.getpid() % 10000)
L.NS = {k: "%s-%s" % (TAG, k) for k in ("lac", "lns", "core")}
L.CTL_PORT = 49100 + 2 * random.randint(0, 49)
RPORT = 49007
TUNNELS = int(os.environ.get("SSO_TUNNELS", "10"))
CALLS = int(os.environ.get("SSO_CALLS", "10"))
N = TUNNELS * CALLS


def subs(u):
    return sorted((x["tunnel_id"], x["session_id"], x["username"], x["ipv4"],
                   x["magic_local"], x["magic_peer"])
                  for x in u.ctl("show", "subscriber", "session",
                                 "detail")["sessions"])


def rx_total(u, key="rx_packets"):
    return sum(x[key] for x in u.ctl(
        "show", "subscriber", "session", "detail")["sessions"])


def on_standby(u, n):
    wait_for(lambda: u.ctl("show", "subscriber", "redundancy")[
        "standby_established"] == n, 60, "%d subscribers on the standby" % n,
        last=lambda: u.ctl("show", "subscriber", "redundancy"))


def survived(old_view, new, what, rx_before, old=None):
    wait_for(lambda: new.state() == "ACTIVE", 30, "%s: new ACTIVE" % what)
    wait_for(lambda: len(new.ctl("show", "subscriber", "session",
                                 "detail")["sessions"]) == N, 30,
             "%s: %d subscribers on the new active" % (what, N))
    now = subs(new)
    check(now == old_view, "%s: subscribers changed: %d before, %d after, "
          "first differences %s" % (what, len(old_view), len(now),
                                    sorted(set(old_view) ^ set(now))[:4]))
    # traffic resumes through the new active's TUN, counters never back
    wait_for(lambda: rx_total(new) > rx_before, 30,
             "%s: reflected traffic through the new active" % what)
    # and back through its TUN once the old active has let go of the
    # service (its device, and any route left on it, gone): the pool
    # routes must be on the new active's device, not only the old one's
    if old is not None:
        wait_for(lambda: (old.state() or "").startswith("STANDBY"), 60,
                 "%s: the old active back as standby" % what)
    tx0 = rx_total(new, "tx_packets")
    wait_for(lambda: rx_total(new, "tx_packets") > tx0 + 50, 30,
             "%s: reflected traffic back to the subscribers through the "
             "new active's device" % what)
    red = new.ctl("show", "subscriber", "redundancy")
    print("%s: %d subscribers kept, same ids, users, addresses, magic "
          "numbers; %s" % (what, N, red))


def churn_kill(act, sb):
    """SIGKILL of the active during setup churn: the calls that were up
    stay up (no failure but the ends of calls caught negotiating); those
    negotiating end cleanly (LCP Terminate-Request + CDN) or complete;
    none hangs: once the client is gone, no subscriber, no address left"""
    wait_for(lambda: sb.state() == "STANDBY HOT", 60, "the standby HOT")
    err = open(os.path.join(act.dir, "churn.err"), "w")
    p = track(subprocess.Popen(lns_peer.NsBed().cmd(
        L.NS["lac"], os.path.join(ssotest.BIN, "l2tp-peer"), "--server",
        "10.81.0.1", "--bind", "10.81.0.2", "--ppp", "--json", "--hello", "0",
        "--user", "alice", "--password", "alicepw", "--auth", "chap",
        "--tunnels", 5, "--sessions", 10, "--churn", 40, "--duration", 12,
        "--setup-timeout", 60), stdout=subprocess.PIPE, stderr=err,
        text=True))
    created = act.ctl("show", "ppp", "counters")["sessions_created"]
    wait_for(lambda: act.ctl("show", "ppp", "counters")[
        "sessions_created"] > created + 100, 60, "churn under way")
    act.proc.kill()
    act.proc.wait(timeout=10)
    wait_for(lambda: sb.state() == "ACTIVE", 30, "new ACTIVE after the "
             "churn kill")
    out, _ = p.communicate(timeout=180)
    rep = json.loads(out.strip().splitlines()[-1])
    red = sb.ctl("show", "subscriber", "redundancy")
    pc = sb.ctl("show", "ppp", "counters")
    print("churn kill: peer failures %d %r; sessions up at the end %d; "
          "new active: %s, orphans_ended %d" % (
              rep["failures_total"], rep["failures"][:6],
              rep["sessions_up"], red, pc["orphans_ended"]))
    check(red["restored"] > 0, "no subscriber restored: %s" % red)
    # a call caught negotiating may be ended (LCP Terminate-Request + CDN,
    # which the strict client counts) but nothing else may fail, and every
    # call ended is one the new active counted as ended
    other = [f for f in rep["failures"]
             if f["reason"] != "ppp: LCP Terminate-Request from the LNS"]
    check(not other, "churn kill: failures other than the clean end of a "
          "negotiating call: %r" % other[:5])
    check(rep["failures_total"] <= pc["orphans_ended"],
          "churn kill: %d calls ended, %d counted by the new active"
          % (rep["failures_total"], pc["orphans_ended"]))
    check(rep["sessions_up"] == 50, "churn kill: %d of 50 calls up at the "
          "end (replacements complete, none hangs)" % rep["sessions_up"])
    L.all_free(sb)
    check(sb.ctl("show", "l2tp", "session")["total"] == 0,
          "L2TP sessions left after the client ended")
    return rep, red


def main(_pairs):
    L.prologue()
    u0 = LP.Unit(0)
    u1 = LP.Unit(1, u0.dir)
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
            "--lcp-echo", 1,
            "--setup-timeout", 60), stdout=subprocess.PIPE, stderr=err,
            text=True))
        wait_for(lambda: sum(1 for s in u0.ctl("show", "subscriber",
                                                "session")["sessions"]
                             if s["ipcp_state"] == "Opened") == N, 60,
                 "%d subscribers up" % N)
        on_standby(u1, N)
        check(u1.pool() == u0.pool(), "pools differ on the standby: %s vs %s"
              % (u1.pool(), u0.pool()))
        # 1
        view, pool = subs(u0), u0.pool()
        rx = rx_total(u0)
        u0.proc.kill()
        u0.proc.wait(timeout=10)
        survived(view, u1, "SIGKILL of the active", 0)
        check(u1.pool() == pool, "pool after the kill: %s, was %s"
              % (u1.pool(), pool))
        # 2
        u0.start()
        wait_for(lambda: u0.state() == "STANDBY HOT", 60,
                 "unit 0 back STANDBY HOT")
        on_standby(u0, N)
        check(u0.pool() == u1.pool(), "pools differ after the bulk: %s vs "
              "%s" % (u0.pool(), u1.pool()))
        # 3
        rx = rx_total(u1)
        r = u1.ctl("redundancy", "force-switchover")
        print("force-switchover: %s" % r)
        survived(view, u0, "forced switchover", 0, u1)
        check(u0.pool() == pool, "pool after the forced switchover: %s, was "
              "%s" % (u0.pool(), pool))
        # 4
        n_new = 5
        lac = track(subprocess.Popen(
            ["ip", "netns", "exec", L.NS["lac"], os.path.join(
                ssotest.BIN, "lns_lac"), "-l", "10.81.0.1", "-b", "10.81.0.2",
             "-r", "10.82.0.2:%d" % RPORT, "-t", "1", "-n", str(n_new), "-u",
             "alice", "-p", "alicepw", "-c", "1", "-k"],
            stdout=subprocess.PIPE, text=True))
        wait_for(lambda: sum(1 for s in u0.ctl("show", "subscriber",
                                                "session")["sessions"]
                             if s["ipcp_state"] == "Opened") == N + n_new, 60,
                 "%d new calls up" % n_new)
        addrs = [x["ipv4"] for x in u0.ctl("show", "subscriber",
                                           "session")["sessions"]]
        check(len(set(addrs)) == len(addrs) == N + n_new,
              "an address handed out twice: %d addresses, %d distinct"
              % (len(addrs), len(set(addrs))))
        r = L.end_kept(lac, "new calls after the events")
        check(r["up"] == n_new and r["terminated_by_lns"] == 0,
              "new calls: %s" % r)
        # 5: the client drains and reports at SIGTERM
        peerp.send_signal(signal.SIGTERM)
        out, _ = peerp.communicate(timeout=180)
        rep = json.loads(out.strip().splitlines()[-1])
        peerp = None
        print("l2tp-peer: failures %d, sessions up %d, data sent %d "
              "received %d lost %d" % (rep["failures_total"],
                                       rep["sessions_up"], rep["data_sent"],
                                       rep["data_received"],
                                       rep["data_lost"]))
        check(rep["failures_total"] == 0, "the strict client saw failures: "
              "%r" % (rep["failures"][:5],))
        check(rep["sessions_up"] == N, "%d of %d calls up at the end"
              % (rep["sessions_up"], N))
        # the kill costs the detection time, the switchover nothing: at
        # 200 frames/s a loss of 5 % is seconds without traffic (a route
        # left on a dead device loses everything after the event)
        check(rep["data_lost"] <= 0.05 * rep["data_sent"],
              "reflected frames lost: %d of %d" % (rep["data_lost"],
                                                   rep["data_sent"]))
        p = rep["ppp"]
        print("LCP echoes from the client: sent %d, answered %d with the "
              "LNS's magic, %d with another; longest gap between answers "
              "of one call %d ms" % (p["lcp_echo_sent"],
                                     p["lcp_echo_answered"],
                                     p["lcp_echo_bad_magic"],
                                     p["lcp_echo_gap_max_ms"]))
        # the echoes go on being answered after each event: a new active
        # that dropped them would leave half of them unanswered
        check(p["lcp_echo_bad_magic"] == 0 and p["lcp_echo_sent"] > 0 and
              p["lcp_echo_answered"] >= 0.9 * p["lcp_echo_sent"],
              "LCP echoes: %r" % p)
        L.all_free(u0)
        # 6
        churn_kill(u0, u1)
    except Exception:
        u0.dump()
        u1.dump()
        if peerp is not None:
            peerp.kill()
            try:
                print("l2tp-peer: %s" % peerp.communicate(timeout=10)[0])
            except Exception:
                pass
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
