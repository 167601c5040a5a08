#!/usr/bin/env python3
"""Issue 3 acceptance 2 and 3: interoperability with a real peer, Debian's
xl2tpd 1.3.18, on loopback, against an ssod pair (active + standby).

1. xl2tpd as LAC, ssod as LNS, no tunnel authentication: two tunnels with
   one call each come up (xl2tpd places one call per [lac] section), both
   sides agree on every id; ssod's Hellos (every 2 s) are acked for several
   intervals, no retransmission, nothing dropped; the standby holds the
   same tunnels and sessions; `clear l2tp session id` sends a CDN and
   xl2tpd drops the call (its pppd is terminated), the tunnel stays;
   `clear l2tp tunnel id` sends a StopCCN and xl2tpd drops the tunnel.
2. The same with tunnel authentication (same secret both sides, xl2tpd
   also challenges ssod); then a wrong secret is refused, by ssod and by
   xl2tpd.
3. xl2tpd as LNS, ssod as LAC (`l2tp dial lac 2`): one tunnel with two
   calls up on both sides, Hellos acked, clear session / clear tunnel.
Every xl2tpd log line that means a protocol problem fails the test.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "xl2tpd"))
from ssotest import Pair, run, check, wait_for  # noqa: E402
import xl2tpdpeer  # noqa: E402
from xl2tpdpeer import Xl2tpd, free_udp_port  # noqa: E402

HELLO = 1          # ssod's Hello interval in these tests (seconds)
SECRET = "s3cr3t-tunnel"


def lns_group(password=None):
    return ("vpdn-group lns\n accept-dialin\n  protocol l2tp\n"
            " local name LNS-PAIR\n l2tp tunnel hello %d\n"
            " l2tp data reflect\n%s"
            % (HELLO, " l2tp tunnel password %s\n" % password
               if password else ""))


def lac_group(xport, password=None):
    return ("vpdn-group lac\n request-dialin\n protocol l2tp\n"
            " initiate-to ip 127.0.0.1 port %d\n local name LAC-PAIR\n"
            " l2tp tunnel hello %d\n%s"
            % (xport, HELLO, " l2tp tunnel password %s\n" % password
               if password else ""))


def pair_with(pairs, name, port, groups):
    p = Pair(name=name, extra_top="vpdn enable\nl2tp listen 127.0.0.1 %d\n%s"
             % (port, groups))
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    return p


def tunnels(p, u=0):
    return {t["local_id"]: t for t in
            p.ctl(u, "show", "l2tp", "tunnel")["tunnels"]}


def sessions(p, u=0):
    return {(s["tunnel_id"], s["local_id"]): s for s in
            p.ctl(u, "show", "l2tp", "session")["sessions"]}


def counters(p, u=0):
    return p.ctl(u, "show", "l2tp", "counters")


def no_drops(p, u=0):
    c = counters(p, u)
    drops = {k: v for k, v in c.get("drops", {}).items() if v}
    check(not drops, "ssod unit %d dropped packets: %r" % (u, drops))
    return c


def no_trouble(x):
    t = x.trouble()
    check(not t, "xl2tpd reports protocol trouble: %r" % t[:10])


def standby_has(p, want_tunnels, want_sessions):
    """The standby's copy: same tunnel and session ids as the active."""
    def same():
        r0 = p.ctl(0, "show", "l2tp", "redundancy")
        r1 = p.ctl(1, "show", "l2tp", "redundancy")
        keys = ("tunnels_ha_established", "sessions_ha_established")
        return r0[keys[0]] == want_tunnels and r0[keys[1]] == want_sessions \
            and all(r0[k] == r1[k] for k in keys) and (r0, r1)
    return wait_for(same, 20, "the standby to hold %d tunnels / %d sessions"
                    % (want_tunnels, want_sessions))


def hellos_acked(p, x, tids, n=3, u=0):
    """ssod sends n more Hellos on every tunnel, xl2tpd receives them and
    acks them (ssod's Ns advances, nothing stays unacked, no retransmit),
    the tunnels stay established."""
    t0 = tunnels(p, u)
    c0 = counters(p, u)
    h0 = {t: x.hellos(t) for t in tids}

    def done():
        t1 = tunnels(p, u)
        for t in tids:
            check(t in t1 and t1[t]["state"] == "established",
                  "tunnel %d left established: %r" % (t, t1.get(t)))
            if x.hellos(t) < h0[t] + n:
                return False
            if (t1[t]["ns"] - t0[t]["ns"]) % 65536 < n or t1[t]["unacked"]:
                return False
        return t1
    wait_for(done, HELLO * (n + 3) + 5, "%d Hellos acked on tunnels %r"
             % (n, tids))
    c1 = counters(p, u)
    check(c1["tx_control"] - c0["tx_control"] >= n * len(tids),
          "tx_control grew by %d only" % (c1["tx_control"] - c0["tx_control"]))
    check(c1["rx_zlb"] + c1["rx_control"] > c0["rx_zlb"] + c0["rx_control"],
          "ssod received no acks: %r -> %r" % (c0, c1))
    check(c1["retransmits"] == c0["retransmits"],
          "retransmissions while xl2tpd was up: %r -> %r" % (c0, c1))


def lns_case(pairs, password=None, challenge=False, port=None):
    """xl2tpd as LAC; the ssod pair answers (LNS role) on port."""
    tag = "auth" if password else "noauth"
    port = port or free_udp_port()
    p = pair_with(pairs, "xl2tpd-lns-" + tag, port, lns_group(password))
    x = Xl2tpd(lacs=[("a", port), ("b", port)], secret=password,
               challenge=challenge, hostname="XLAC-" + tag, name="lac")
    try:
        x.start()
        x.dial("a")
        x.dial("b")
        # xl2tpd: two tunnels, two calls, each call's stand-in pppd running
        xt = wait_for(lambda: len(x.tunnels_up()) == 2 and x.tunnels_up(),
                      10, "two tunnels in the xl2tpd log")
        xc = x.calls_up()
        check(len(xc) == 2, "xl2tpd calls: %r" % xc)
        wait_for(lambda: len(x.standins()) == 2, 10,
                 "two pppd stand-ins (live calls) under xl2tpd")
        # ssod: the same two tunnels and two sessions, ids mirrored
        t = wait_for(lambda: (lambda d: len(d) == 2 and all(
            v["state"] == "established" and v["sessions"] == 1
            for v in d.values()) and d)(tunnels(p)), 10,
            "two established tunnels with one session each on the active")
        s = wait_for(lambda: (lambda d: len(d) == 2 and all(
            v["state"] == "established" for v in d.values()) and d)(
            sessions(p)), 10, "two established sessions on the active")
        for (pport, xtid, stid) in xt:
            check(pport == port, "xl2tpd connected to port %d" % pport)
            check(stid in t and t[stid]["remote_id"] == xtid,
                  "tunnel ids disagree: xl2tpd %d->%d, ssod %r"
                  % (xtid, stid, t))
            check(t[stid]["remote_name"] == x.hostname and
                  t[stid]["peer_port"] == x.port and
                  t[stid]["peer_address"] == "127.0.0.1",
                  "ssod's view of the peer: %r" % t[stid])
        mirrored = sorted((v["remote_id"], k[1]) for k, v in s.items())
        check(mirrored == sorted((a, b) for a, b, _ in xc),
              "session ids disagree: ssod %r xl2tpd %r" % (mirrored, xc))
        standby_has(p, 2, 2)
        hellos_acked(p, x, sorted(t))
        no_drops(p)
        no_trouble(x)

        # clear one session: CDN, xl2tpd drops the call, the tunnel stays
        (tid, sid), sess = sorted(s.items())[0]
        serial = [c[2] for c in xc if c[0] == sess["remote_id"]][0]
        p.ctl(0, "clear", "l2tp", "session", "id", tid, sid)
        closed = wait_for(lambda: x.calls_closed(), 10,
                          "xl2tpd to log the CDN")
        check([c[0] for c in closed] == [serial],
              "xl2tpd closed calls %r, expected serial %d" % (closed, serial))
        wait_for(lambda: len(x.standins()) == 1, 10,
                 "xl2tpd to terminate the cleared call's pppd")
        wait_for(lambda: (tid, sid) not in sessions(p) and
                 len(sessions(p)) == 1, 10, "ssod to free the session")
        check(tunnels(p)[tid]["state"] == "established",
              "tunnel %d not established after the CDN" % tid)
        standby_has(p, 2, 1)

        # clear the other tunnel: StopCCN, xl2tpd drops it and its call
        other = [k for k in t if k != tid][0]
        p.ctl(0, "clear", "l2tp", "tunnel", "id", other)
        tc = wait_for(lambda: x.tunnels_closed(), 10,
                      "xl2tpd to log the StopCCN")
        check(len(tc) == 1 and tc[0][3] == other and tc[0][0] == port and
              tc[0][2] == t[other]["remote_id"],
              "xl2tpd closed tunnels %r, expected ssod tunnel %d" % (tc, other))
        wait_for(lambda: not x.standins(), 10,
                 "xl2tpd to terminate the last pppd")
        wait_for(lambda: list(tunnels(p)) == [tid], 15,
                 "ssod to free tunnel %d" % other)
        # the first tunnel is still served: Hellos acked after the clears
        hellos_acked(p, x, [tid], n=2)
        p.ctl(0, "clear", "l2tp", "tunnel", "id", tid)
        wait_for(lambda: len(x.tunnels_closed()) == 2, 10,
                 "xl2tpd to log the second StopCCN")
        wait_for(lambda: not tunnels(p) and not sessions(p), 15,
                 "ssod to free every tunnel")
        standby_has(p, 0, 0)
        no_drops(p)
        no_trouble(x)
        c = counters(p)
        check(c["tunnels_created"] == 2 and c["tunnels_freed"] == 2 and
              c["sessions_created"] == 2 and c["sessions_freed"] == 2,
              "ssod counters: %r" % c)
    except Exception:
        sys.stderr.write("---- xl2tpd log ----\n%s\n" % x.log()[-6000:])
        raise
    finally:
        x.stop()
    if password:
        wrong_secret(p, port, password, challenge=False)
        wrong_secret(p, port, password, challenge=True)
    p.cleanup()
    pairs.remove(p)


def wrong_secret(p, port, password, challenge):
    """A peer with another secret gets no tunnel. challenge=False: ssod
    finds xl2tpd's Challenge Response wrong (SCCCN); True: xl2tpd finds
    ssod's wrong (SCCRP)."""
    c0 = counters(p)
    x = Xl2tpd(lacs=[("bad", port)], secret=password + "-not",
               challenge=challenge, hostname="XBAD", name="bad")
    try:
        x.start()
        x.control("c bad")
        if challenge:
            what = "xl2tpd to refuse ssod's challenge response"
            wait_for(lambda: "uthenticat" in x.log() and x.log(), 15, what)
            check(not x.tunnels_up(), "xl2tpd brought a tunnel up with a "
                  "wrong secret: %r" % x.tunnels_up())
        else:
            # xl2tpd says "established" once it sent its SCCCN; ssod's
            # StopCCN follows
            what = "ssod to refuse xl2tpd's challenge response (StopCCN)"
            closed = wait_for(lambda: x.tunnels_closed(), 15, what)
            check(closed[0][1] == "authentication failed",
                  "xl2tpd was told %r" % (closed,))
        # whoever refused, the other side lets go too: nothing stays up
        # (a StopCCN received keeps the tunnel in closing for a full
        # retransmission cycle, RFC 2661 5.7)
        wait_for(lambda: all(t["state"] in ("closing",)
                             for t in tunnels(p).values()), 20,
                 "no live tunnel left on ssod")
        check(not x.calls_up(), "xl2tpd placed a call with a wrong secret")
        c1 = counters(p)
        check(c1["sessions_created"] == c0["sessions_created"],
              "a session was created with a wrong secret")
        check(c1["tunnels_created"] == c0["tunnels_created"] + 1,
              "ssod did not see the attempt: %r -> %r" % (c0, c1))
    except Exception:
        sys.stderr.write("---- xl2tpd log ----\n%s\n" % x.log()[-6000:])
        raise
    finally:
        x.stop()


def lac_case(pairs, password=None, port=None):
    """xl2tpd as LNS; the ssod pair dials (LAC role) from port."""
    tag = "auth" if password else "noauth"
    x = Xl2tpd(lns=True, secret=password, challenge=bool(password),
               hostname="XLNS-" + tag, name="lns")
    port = port or free_udp_port()
    p = pair_with(pairs, "xl2tpd-lac-" + tag, port,
                  lac_group(x.port, password))
    try:
        x.start()
        r = p.ctl(0, "l2tp", "dial", "lac", 2)
        tid = r["tunnel"]
        xc = wait_for(lambda: len(x.calls_up()) == 2 and x.calls_up(), 15,
                      "two calls in the xl2tpd log")
        xt = x.tunnels_up()
        check(len(xt) == 1 and xt[0][2] == tid and xt[0][0] == port,
              "xl2tpd tunnels %r, expected one from ssod tunnel %d port %d"
              % (xt, tid, port))
        wait_for(lambda: len(x.standins()) == 2, 10,
                 "two pppd stand-ins (live calls) under xl2tpd")
        t = wait_for(lambda: (lambda d: tid in d and d[tid]["state"] ==
                              "established" and d[tid]["sessions"] == 2 and
                              d)(tunnels(p)), 10,
                     "ssod tunnel %d established with 2 sessions" % tid)
        check(len(t) == 1 and t[tid]["remote_id"] == xt[0][1] and
              t[tid]["initiator"] and t[tid]["remote_name"] == x.hostname
              and t[tid]["peer_port"] == x.port,
              "ssod's view of the tunnel: %r (xl2tpd %r)" % (t, xt))
        s = wait_for(lambda: (lambda d: len(d) == 2 and all(
            v["state"] == "established" for v in d.values()) and d)(
            sessions(p)), 10, "two established sessions on ssod")
        mirrored = sorted((v["remote_id"], k[1]) for k, v in s.items())
        check(mirrored == sorted((a, b) for a, b, _ in xc),
              "session ids disagree: ssod %r xl2tpd %r" % (mirrored, xc))
        standby_has(p, 1, 2)
        hellos_acked(p, x, [tid])
        no_drops(p)
        no_trouble(x)

        (_, sid), sess = sorted(s.items())[0]
        serial = [c[2] for c in xc if c[0] == sess["remote_id"]][0]
        p.ctl(0, "clear", "l2tp", "session", "id", tid, sid)
        closed = wait_for(lambda: x.calls_closed(), 10,
                          "xl2tpd to log the CDN")
        check([c[0] for c in closed] == [serial],
              "xl2tpd closed calls %r, expected serial %d" % (closed, serial))
        wait_for(lambda: len(x.standins()) == 1, 10,
                 "xl2tpd to terminate the cleared call's pppd")
        wait_for(lambda: list(sessions(p)) != [] and (tid, sid) not in
                 sessions(p), 10, "ssod to free the session")
        standby_has(p, 1, 1)
        # another call on the same tunnel after the CDN
        p.ctl(0, "l2tp", "dial", "lac", 1)
        wait_for(lambda: len(x.calls_up()) == 3 and len(x.standins()) == 2,
                 10, "a third call on xl2tpd")
        wait_for(lambda: len(sessions(p)) == 2 and all(
            v["state"] == "established" for v in sessions(p).values()), 10,
            "two established sessions on ssod again")
        check(list(tunnels(p)) == [tid], "a new tunnel for the third call")

        p.ctl(0, "clear", "l2tp", "tunnel", "id", tid)
        tc = wait_for(lambda: x.tunnels_closed(), 10,
                      "xl2tpd to log the StopCCN")
        check(len(tc) == 1 and tc[0][3] == tid and tc[0][2] == xt[0][1],
              "xl2tpd closed tunnels %r, expected %d" % (tc, tid))
        wait_for(lambda: not x.standins(), 10,
                 "xl2tpd to terminate every pppd")
        wait_for(lambda: not tunnels(p) and not sessions(p), 15,
                 "ssod to free the tunnel")
        standby_has(p, 0, 0)
        no_drops(p)
        no_trouble(x)
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
    only = os.environ.get("L2TP_XL2TPD_ONLY")   # debugging: one case
    cases = [("lns", lambda: lns_case(pairs)),
             ("lns-auth", lambda: lns_case(pairs, SECRET, challenge=True)),
             ("lac", lambda: lac_case(pairs)),
             ("lac-auth", lambda: lac_case(pairs, SECRET))]
    for name, case in cases:
        if only and name != only:
            continue
        case()
        print("ok: %s" % name)


if __name__ == "__main__":
    run(main)
