#!/usr/bin/env python3
"""Accounting and Disconnect answers across a SIGKILL of the active
(issue 12 rule 2, issue 11's Accounting-On/Off rule). The pair as LNS in
the namespaces of lns_ppp.py with a real FreeRADIUS on the lns
namespace's loopback (radhelp.py):
1. 6 CHAP calls (carol, RADIUS) up, on the standby, their 6 Starts in
   FreeRADIUS's detail file and answered; one Accounting-On (unit 0's
   start), none from the standby;
2. FreeRADIUS dies (SIGKILL: what the old active sends now never reaches a
   server; a SIGSTOPped server would still read those datagrams from its
   socket buffer later, and log each record twice: see README); with
   records unanswered: a Disconnect-Request (sent from a fixed source
   port by a small client here) clears session A and is answered by the
   active (ACK); session B is cleared by `clear l2tp session`; 2 new calls
   (alice: RADIUS silent, the `local` method) come up; their 2 Stops and 2
   Starts are pending on the active and copied on the standby;
3. SIGKILL of the active; FreeRADIUS restarts; the new active keeps every
   session with its Acct-Session-Id and resends the 4 records; the same
   Disconnect-Request, byte for byte from the same port (a
   retransmission), gets the same answer from the new active's duplicate
   cache, and nothing is cleared again;
4. the calls end; the detail file: exactly one Start and one Stop per
   session over all events, Acct-Delay-Time > 0 on the 4 resent records,
   one Accounting-On and no Accounting-Off in all;
5. SIGTERM of the active with no standby: one Accounting-Off, answered
   before it exits.
Prints SKIP with the reason where namespaces cannot be made."""
import os
import random
import signal
import subprocess
import time

import ssotest
from ssotest import check, track, wait_for
import lns_ppp as L
import lns_ppp_pair as LP
import lns_peer
import radhelp

TAG = "ac%d" % (os.getpid() % 10000)
L.NS = {k: "%s-%s" % (TAG, k) for k in ("lac", "lns", "core")}
L.CTL_PORT = 47100 + 2 * random.randint(0, 49)
AUTH, ACCT, DAE = 47012, 47013, 47799
DAE_SRC = 47798
KEY = radhelp.KEY

RADIUS = radhelp.lns_radius_conf(AUTH, ACCT, fallback_local=True,
                                 dae_port=DAE)


# `aaa accounting redundancy`: best-effort-reuse send-interim here (one
# Interim-Update per restored session after the takeover, the same
# Acct-Session-Id); SSO_ACCT_REDUNDANCY=new-session runs the IOS default
# instead (a Stop for the old id and a Start with a new one per restored
# session)
MODE = os.environ.get("SSO_ACCT_REDUNDANCY", "best-effort-reuse send-interim")
RADIUS += "aaa accounting redundancy %s\n" % MODE


class Unit(LP.Unit):
    TEMPLATE = LP.PAIR_CONF.replace(
        "aaa authentication ppp default local\n", RADIUS.replace("%", "%%"))


def ppp_ha(u):
    r = u.ctl("show", "l2tp", "redundancy")
    return r["ppp_sessions_ha_enabled"], r["ppp_sessions_ha_established"]


def dae_send(req):
    return radhelp.dae_send(L.NS["lns"], DAE_SRC, DAE, req)


def peer(user, pw, tunnels, sessions, errname, d):
    return track(subprocess.Popen(lns_peer.NsBed().cmd(
        L.NS["lac"], os.path.join(ssotest.BIN, "l2tp-peer"), "--server",
        "10.81.0.1", "--bind", "10.81.0.2", "--ppp", "--json", "--hello", "0",
        "--user", user, "--password", pw, "--auth", "chap", "--tunnels",
        tunnels, "--sessions", sessions, "--duration", 0, "--setup-timeout",
        60), stdout=subprocess.PIPE, stderr=open(os.path.join(d, errname),
                                                 "w"), text=True))


def opened(u):
    return [x for x in u.ctl("show", "subscriber", "session", "detail")[
        "sessions"] if x["ipcp_state"] == "Opened"]


def red(u):
    return u.ctl("show", "subscriber", "redundancy")


by_sid = radhelp.by_sid
status = radhelp.status


def main(_pairs):
    L.prologue()
    rad = radhelp.FreeRadius(AUTH, ACCT, name=TAG)
    u0 = Unit(0)
    u1 = Unit(1, u0.dir)
    peers = []
    try:
        rad.start(netns=L.NS["lns"])
        LP.start_pair(u0, u1)
        # 1
        peers.append(peer("carol", "carolpw", 2, 3, "carol.err", u0.dir))
        wait_for(lambda: len(opened(u0)) == 6, 60, "6 calls up")
        wait_for(lambda: red(u1)["standby_established"] == 6, 30,
                 "6 subscribers on the standby")
        wait_for(lambda: ppp_ha(u0) == ppp_ha(u1) == (6, 6), 30,
                 "show l2tp redundancy: 6/6 PPP sessions on both units",
                 last=lambda: (ppp_ha(u0), ppp_ha(u1)))
        wait_for(lambda: len([1 for rs in by_sid(rad).values()
                              if status(rs, "Start")]) == 6 and
                 red(u0)["acct_pending"] == 0, 30, "6 Starts answered")
        on = [r for r in rad.records() if r.get("Acct-Status-Type") ==
              "Accounting-On"]
        check(len(on) == 1, "Accounting-On at the start of the pair: %r"
              % on)
        before = {(x["tunnel_id"], x["session_id"]): x["acct_session_id"]
                  for x in opened(u0)}
        # 2
        rad.kill()
        a, b = sorted(before)[:2]
        req = radhelp.disconnect_request(77, before[a])
        ans = dae_send(req)
        check(ans[0] == 41, "Disconnect-Request: answer code %d" % ans[0])
        u0.ctl("clear", "l2tp", "session", "id", b[0], b[1])
        peers.append(peer("alice", "alicepw", 1, 2, "alice.err", u0.dir))
        wait_for(lambda: len([x for x in opened(u0)
                              if x["username"] == "alice"]) == 2, 60,
                 "2 alice calls up (RADIUS silent: local)")
        wait_for(lambda: red(u0)["acct_pending"] >= 4 and
                 red(u1)["acct_standby_copies"] >= 4 and
                 red(u1)["standby_established"] == 6, 30,
                 "2 Stops and 2 Starts unanswered, on the standby",
                 last=lambda: (red(u0), red(u1)))
        kept = {(x["tunnel_id"], x["session_id"]): x["acct_session_id"]
                for x in opened(u0)}
        # Acct-Delay-Time counts whole seconds of the wall clock: let two
        # pass since the newest pending record was made, so that a resend
        # right at the takeover still shows its delay
        made = time.time()
        wait_for(lambda: time.time() >= made + 2, 5, "two seconds")
        print("before the kill: active %s; standby %s" % (
            {k: v for k, v in red(u0).items() if k.startswith("acct_p")},
            {k: v for k, v in red(u1).items() if k == "acct_standby_copies"}))
        # 3
        u0.proc.kill()
        u0.proc.wait(timeout=10)
        rad.start(netns=L.NS["lns"])
        wait_for(lambda: u1.state() == "ACTIVE", 30, "unit 1 ACTIVE")
        wait_for(lambda: len(opened(u1)) == 6, 30, "6 calls on the new "
                 "active")
        now = {(x["tunnel_id"], x["session_id"]): x["acct_session_id"]
               for x in opened(u1)}
        if MODE == "new-session":
            check(set(now) == set(kept) and not set(now.values()) &
                  set(kept.values()), "new-session: the Acct-Session-Ids "
                  "must all be new: %s -> %s" % (kept, now))
        else:
            check(now == kept, "Acct-Session-Ids changed at the "
                  "switchover: %s -> %s" % (kept, now))
        wait_for(lambda: red(u1)["acct_pending"] == 0, 40, "the resent "
                 "records answered", last=lambda: red(u1))
        ans2 = dae_send(req)
        r1 = red(u1)
        check(ans2 == ans, "the retransmitted Disconnect-Request got "
              "another answer: %s vs %s" % (ans2.hex(), ans.hex()))
        check(r1["dae_duplicates"] == 1 and r1["dae_requests"] == 0,
              "the retransmission was acted on again: %s" % r1)
        check(len(opened(u1)) == 6, "a session cleared by the "
              "retransmission")
        print("after the kill: %d records resent at takeover, Disconnect "
              "retransmission answered from the duplicate cache (%s)" % (
                  r1["acct_resent_at_takeover"], ans2.hex()))
        # 4
        for p in peers:
            p.send_signal(signal.SIGTERM)
        for p in peers:
            p.communicate(timeout=60)
        wait_for(lambda: u1.ctl("show", "subscriber", "session")["total"]
                 == 0 and red(u1)["acct_pending"] == 0, 30, "every call "
                 "ended and its Stop answered", last=lambda: red(u1))
        recs = by_sid(rad)
        sids = set(before.values()) | set(kept.values()) | set(now.values())
        check(len(sids) == (14 if MODE == "new-session" else 8),
              "accounting sessions: %r" % sids)
        for sid in set(kept.values()):
            n = len(status(recs.get(sid, []), "Interim-Update"))
            check(n == (1 if "send-interim" in MODE else 0),
                  "%s after the takeover: %d Interim-Updates for %s"
                  % (MODE, n, sid))
        if MODE == "new-session":
            for sid in set(kept.values()):
                c = status(recs[sid], "Stop")[0].get("Acct-Terminate-Cause")
                check(c == "NAS-Reboot", "new-session: old id's Stop: %s"
                      % c)
        for sid in sids:
            st = [r.get("Acct-Status-Type") for r in recs.get(sid, [])]
            check(st.count("Start") == 1 and st.count("Stop") == 1,
                  "session %s: %r" % (sid, st))
        resent = status(recs[before[a]], "Stop") + \
            status(recs[before[b]], "Stop") + \
            [status(recs[s], "Start")[0] for k, s in kept.items()
             if k not in before]
        delays = [int(r.get("Acct-Delay-Time", "0")) for r in resent]
        check(len(resent) == 4 and all(d > 0 for d in delays),
              "Acct-Delay-Time of the resent records: %r" % delays)
        cause = status(recs[before[a]], "Stop")[0].get(
            "Acct-Terminate-Cause")
        check(cause == "Admin-Reset", "the Disconnect's Stop: %s" % cause)
        sysr = radhelp.system_records(rad)
        check(sysr == ["Accounting-On"], "Accounting-On/Off over the "
              "events: %r" % sysr)
        print("detail file (%s): %d accounting sessions, one Start and "
              "one Stop each; Acct-Delay-Time of the 4 resent records %r; "
              "one Accounting-On, no Accounting-Off" % (MODE, len(sids),
                                                         delays))
        # 5. an orderly stop of the active with no standby: Accounting-Off
        # before it exits (and a sanitizer build reports at exit)
        u1.proc.terminate()
        u1.proc.wait(timeout=20)
        sysr = radhelp.system_records(rad)
        check(sysr == ["Accounting-On", "Accounting-Off"], "SIGTERM of "
              "the active alone: %r" % sysr)
        log = open(u1.log, errors="replace").read()
        check("Sanitizer" not in log, "ssod: %s" % log[log.find(
            "Sanitizer") - 80:][:3000])
        print("SIGTERM of the active with no standby: Accounting-Off "
              "answered before it exited")
    except Exception:
        u0.dump()
        u1.dump()
        print(rad.read_log()[-3000:])
        raise
    finally:
        for p in peers:
            if p.poll() is None:
                p.kill()
        rad.cleanup()
        L.teardown()


if __name__ == "__main__":
    ssotest.run(main)
