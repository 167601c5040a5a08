#!/usr/bin/env python3
"""Subscriber SSO (issue 12 acceptance 2): PPP sessions, addresses and
accounting survive every kind of switchover, silently. The pair as LNS in
the namespaces of lns_ppp.py (lac, lns, core with a UDP reflector behind
the TUN), a real FreeRADIUS on the lns namespace's loopback (radhelp.py:
CHAP, accounting start-stop with an Interim-Update every 10 s, dynamic
authorization), `aaa accounting redundancy` left at its default
(best-effort-reuse). `l2tp-peer --ppp` (strict: an LCP Configure-Request
or Terminate-Request from the LNS, IPCP going down or an address change
is a failure) brings up CHAP calls T x M (100 x 10; 10 x 10 under the
sanitizers: SSO_TUNNELS) with reflected UDP through the TUN and LCP
echoes every second, and keeps them up across:
1. SIGKILL of the active;
2. the killed unit back as standby (the bulk);
3. `redundancy force-switchover` to it;
4. a Disconnect-Request for one session, answered (ACK) by the active,
   then the forced switchover back: the same Disconnect-Request again,
   byte for byte from the same port (a retransmission), gets the same
   answer from the new active's copy of the duplicate cache and clears
   nothing;
5. `redundancy reload peer`: the standby re-executes and takes the bulk
   again.
After every event: every session is there with the same tunnel/session
ids, user, address, both magic numbers and Acct-Session-Id (on the new
active, and on the standby's copies once it is back), the pools agree on
both units, `show l2tp redundancy` counts the same PPP sessions on both,
and reflected traffic flows both ways through the active's device. At the
end: new calls get addresses no live subscriber has; the client saw no
failure but the Disconnect's one Terminate-Request, its echoes were
answered with the LNS's magic (longest gap reported); FreeRADIUS's detail
file holds exactly one Start and one Stop per session over all events,
Interim-Updates went on after the last switchover, and no Accounting-On/Off
but the pair's first start's On. Then a SIGKILL of the active during
setup churn (rule 5). Prints SKIP with the reason where namespaces cannot
be made."""
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
import radhelp

TAG = "ss%d" % (os.getpid() % 10000)
L.NS = {k: "%s-%s" % (TAG, k) for k in ("lac", "lns", "core")}
L.CTL_PORT = 49100 + 2 * random.randint(0, 49)
RPORT = 49007
AUTH, ACCT, DAE = 49012, 49013, 49799
DAE_SRC = 49798
TUNNELS = int(os.environ.get("SSO_TUNNELS", "100"))
CALLS = int(os.environ.get("SSO_CALLS", "10"))
N = TUNNELS * CALLS
INTERIM_S = 10

RADIUS = radhelp.lns_radius_conf(AUTH, ACCT, interim_s=INTERIM_S,
                                 dae_port=DAE)


class Unit(LP.Unit):
    TEMPLATE = LP.PAIR_CONF.replace(
        "aaa authentication ppp default local\n", RADIUS.replace("%", "%%"))


# what must not change across a switchover (issu_ppp.py, whose base image
# has no accounting, leaves the last one out)
SUB_FIELDS = ("tunnel_id", "session_id", "username", "ipv4", "magic_local",
              "magic_peer", "acct_session_id")


def subs(u):
    return sorted(tuple(x[k] for k in SUB_FIELDS) for x in u.ctl(
        "show", "subscriber", "session", "detail")["sessions"])


def rx_total(u, key="rx_packets"):
    return sum(x[key] for x in u.ctl(
        "show", "subscriber", "session", "detail")["sessions"])


def red(u):
    return u.ctl("show", "subscriber", "redundancy")


def ppp_ha(u):
    r = u.ctl("show", "l2tp", "redundancy")
    return r["ppp_sessions_ha_enabled"], r["ppp_sessions_ha_established"]


def on_standby(act, sb, view, what):
    """sb holds a copy of every subscriber of view, the same fields; the
    pools and `show l2tp redundancy` agree with the active's"""
    n = len(view)
    wait_for(lambda: red(sb)["standby_established"] == n, 60,
             "%s: %d subscribers on the standby" % (what, n),
             last=lambda: red(sb))
    wait_for(lambda: ppp_ha(act) == ppp_ha(sb) == (n, n), 30,
             "%s: show l2tp redundancy: %d/%d PPP sessions on both units"
             % (what, n, n), last=lambda: (ppp_ha(act), ppp_ha(sb)))
    check(sb.pool() == act.pool(), "%s: pools differ: standby %s, active "
          "%s" % (what, sb.pool(), act.pool()))
    copies = subs(sb)
    check(copies == view, "%s: the standby's copies differ: first "
          "differences %s" % (what, sorted(set(copies) ^ set(view))[:4]))


def survived(view, new, what, old=None):
    n = len(view)
    wait_for(lambda: new.state() == "ACTIVE", 30, "%s: new ACTIVE" % what)
    wait_for(lambda: len(new.ctl("show", "subscriber", "session",
                                 "detail")["sessions"]) == n, 30,
             "%s: %d subscribers on the new active" % (what, n))
    now = subs(new)
    check(now == view, "%s: subscribers changed: %d before, %d after, "
          "first differences %s" % (what, len(view), len(now),
                                    sorted(set(view) ^ set(now))[:4]))
    # traffic resumes through the new active's TUN, counters never back
    rx0 = rx_total(new)
    wait_for(lambda: rx_total(new) > rx0, 30,
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
    print("%s: %d subscribers kept (ids, users, addresses, magic numbers, "
          "Acct-Session-Ids); %s" % (what, n, red(new)))


def opened(u):
    return [x for x in u.ctl("show", "subscriber", "session", "detail")[
        "sessions"] if x["ipcp_state"] == "Opened" and x["acct_session_id"]]


def uptime(u):
    return u.try_ctl("show", "redundancy").get("uptime_ms")


def interims(rad):
    return {sid: len(radhelp.status(rs, "Interim-Update"))
            for sid, rs in radhelp.by_sid(rad).items()}


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
        "--user", "carol", "--password", "carolpw", "--auth", "chap",
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
    rad = radhelp.FreeRadius(AUTH, ACCT, name=TAG)
    u0 = Unit(0)
    u1 = Unit(1, u0.dir)
    refl = peerp = None
    try:
        rad.start(netns=L.NS["lns"])
        refl = ppphelp.Reflector(lns_peer.NsBed(), L.NS["core"], "10.82.0.2",
                                 RPORT)
        LP.start_pair(u0, u1)
        err = open(os.path.join(u0.dir, "peer.err"), "w")
        peerp = track(subprocess.Popen(lns_peer.NsBed().cmd(
            L.NS["lac"], os.path.join(ssotest.BIN, "l2tp-peer"), "--server",
            "10.81.0.1", "--bind", "10.81.0.2", "--ppp", "--json", "--hello",
            "0", "--user", "carol", "--password", "carolpw", "--auth",
            "chap", "--tunnels", TUNNELS, "--sessions", CALLS, "--reflector",
            "10.82.0.2:%d" % RPORT, "--data-rate", 200, "--duration", 0,
            "--lcp-echo", 1,
            "--setup-timeout", 120), stdout=subprocess.PIPE, stderr=err,
            text=True))
        wait_for(lambda: len(opened(u0)) == N, 120, "%d subscribers up" % N)
        wait_for(lambda: len(radhelp.by_sid(rad)) == N and
                 red(u0)["acct_pending"] == 0, 60,
                 "%d Starts in the detail file, answered" % N,
                 last=lambda: (len(radhelp.by_sid(rad)), red(u0)))
        view = subs(u0)
        check(len(set(x[6] for x in view)) == N, "Acct-Session-Ids not "
              "unique")
        on_standby(u0, u1, view, "setup")
        # 1
        u0.proc.kill()
        u0.proc.wait(timeout=10)
        survived(view, u1, "SIGKILL of the active")
        # 2
        u0.start()
        wait_for(lambda: u0.state() == "STANDBY HOT", 60,
                 "unit 0 back STANDBY HOT")
        on_standby(u1, u0, view, "the killed unit back as standby")
        # 3
        print("force-switchover: %s" % u1.ctl("redundancy",
                                              "force-switchover"))
        survived(view, u0, "forced switchover", u1)
        on_standby(u0, u1, view, "after the forced switchover")
        # 4: a Disconnect-Request, then the switchover back, then the same
        # request again
        gone = view[0]
        req = radhelp.disconnect_request(77, gone[6])
        ans = radhelp.dae_send(L.NS["lns"], DAE_SRC, DAE, req)
        check(ans[0] == 41, "Disconnect-Request: answer code %d" % ans[0])
        # the client replaces the call the LNS ended (--sessions M per
        # tunnel): the rest unchanged, the new call up with its Start
        wait_for(lambda: gone not in subs(u0) and len(opened(u0)) == N and
                 red(u0)["acct_pending"] == 0, 60, "the Disconnect's "
                 "session cleared on the active, its replacement up",
                 last=lambda: (len(opened(u0)), red(u0)["acct_pending"]))
        now = subs(u0)
        check(set(view) - set(now) == {gone} and len(now) == N,
              "the Disconnect changed other sessions: %s" % sorted(
                  set(view) ^ set(now))[:4])
        view = now
        on_standby(u0, u1, view, "after the Disconnect")
        print("force-switchover back: %s" % u0.ctl("redundancy",
                                                   "force-switchover"))
        survived(view, u1, "forced switchover back", u0)
        ans2 = radhelp.dae_send(L.NS["lns"], DAE_SRC, DAE, req)
        r1 = red(u1)
        check(ans2 == ans, "the retransmitted Disconnect-Request got "
              "another answer: %s vs %s" % (ans2.hex(), ans.hex()))
        check(r1["dae_duplicates"] == 1 and r1["dae_requests"] == 0,
              "the retransmission was acted on again: %s" % r1)
        check(subs(u1) == view, "a session cleared by the retransmission")
        print("Disconnect-Request retransmitted across the switchover: "
              "answered once (%s), the session cleared once" % ans2.hex())
        last_switchover = interims(rad)
        # 5
        up = uptime(u0)
        print("reload peer: %s" % u1.ctl("redundancy", "reload", "peer"))
        wait_for(lambda: (uptime(u0) or up) < up, 30,
                 "unit 0 re-executed")
        wait_for(lambda: u0.state() == "STANDBY HOT", 60,
                 "unit 0 STANDBY HOT after its reload")
        on_standby(u1, u0, view, "standby reload")
        # Interim-Updates go on after the last switchover (a full interval
        # from the takeover)
        sids = [x[6] for x in view]

        def waiting():
            now = interims(rad)
            return [s for s in sids if now.get(s, 0) <=
                    last_switchover.get(s, 0)]
        wait_for(lambda: not waiting(), 2 * INTERIM_S + 30,
                 "an Interim-Update of every session after the last "
                 "switchover", last=lambda: len(waiting()))
        # new calls after the events get addresses no live subscriber has
        n_new = 5
        lac = track(subprocess.Popen(
            ["ip", "netns", "exec", L.NS["lac"], os.path.join(
                ssotest.BIN, "lns_lac"), "-l", "10.81.0.1", "-b", "10.81.0.2",
             "-r", "10.82.0.2:%d" % RPORT, "-t", "1", "-n", str(n_new), "-u",
             "carol", "-p", "carolpw", "-c", "1", "-k"],
            stdout=subprocess.PIPE, text=True))
        wait_for(lambda: len(opened(u1)) == N + n_new, 60,
                 "%d new calls up" % n_new)
        addrs = [x["ipv4"] for x in u1.ctl("show", "subscriber",
                                           "session")["sessions"]]
        check(len(set(addrs)) == len(addrs) == N + n_new,
              "an address handed out twice: %d addresses, %d distinct"
              % (len(addrs), len(set(addrs))))
        r = L.end_kept(lac, "new calls after the events")
        check(r["up"] == n_new and r["terminated_by_lns"] == 0,
              "new calls: %s" % r)
        # the client drains and reports at SIGTERM
        peerp.send_signal(signal.SIGTERM)
        out, _ = peerp.communicate(timeout=180)
        rep = json.loads(out.strip().splitlines()[-1])
        peerp = None
        print("l2tp-peer: failures %d %r, sessions up %d, data sent %d "
              "received %d lost %d" % (rep["failures_total"],
                                       rep["failures"][:3],
                                       rep["sessions_up"], rep["data_sent"],
                                       rep["data_received"],
                                       rep["data_lost"]))
        # one failure: the Disconnect's Terminate-Request (the client
        # replaced the call); no Configure-Request, no other
        # Terminate-Request from the LNS
        check(rep["failures_total"] == 1 and rep["failures"][0][
            "reason"] == "ppp: LCP Terminate-Request from the LNS",
            "the strict client saw failures other than the Disconnect's: "
            "%r" % (rep["failures"][:5],))
        check(rep["sessions_up"] == N, "%d of %d calls up at the end"
              % (rep["sessions_up"], N))
        # the kill costs the detection time, the switchovers nothing: at
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
        L.all_free(u1)
        # the detail file over all events
        wait_for(lambda: red(u1)["acct_pending"] == 0, 60, "every Stop "
                 "answered", last=lambda: red(u1))
        recs = radhelp.by_sid(rad)
        # the calls, the Disconnect's replacement, the new calls
        check(len(recs) == N + 1 + n_new, "%d accounting sessions, "
              "expected %d" % (len(recs), N + 1 + n_new))
        for sid, rs in recs.items():
            st = [x.get("Acct-Status-Type") for x in rs]
            check(st.count("Start") == 1 and st.count("Stop") == 1,
                  "session %s: %d Starts, %d Stops" % (
                      sid, st.count("Start"), st.count("Stop")))
        cause = radhelp.status(recs[gone[6]], "Stop")[0].get(
            "Acct-Terminate-Cause")
        check(cause == "Admin-Reset", "the Disconnect's Stop: %s" % cause)
        n_int = sum(interims(rad).values())
        sysr = radhelp.system_records(rad)
        check(sysr == ["Accounting-On"], "Accounting-On/Off over the "
              "events: %r" % sysr)
        print("detail file: %d accounting sessions, exactly one Start and "
              "one Stop each over all events, %d Interim-Updates, one "
              "Accounting-On, no Accounting-Off" % (len(recs), n_int))
        # rule 5
        churn_kill(u1, u0)
    except Exception:
        u0.dump()
        u1.dump()
        print(rad.read_log()[-3000:])
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
        rad.cleanup()
        L.teardown()


if __name__ == "__main__":
    ssotest.run(main)
