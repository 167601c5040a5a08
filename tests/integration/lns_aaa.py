#!/usr/bin/env python3
"""ssod's LNS with RADIUS (issue 11) against a real FreeRADIUS, in the
namespaces of lns_ppp.py (names prefixed aaa; FreeRADIUS on the lns
namespace's loopback, its own configuration directory from radhelp.py):
1. PAP and CHAP calls of `l2tp-peer --ppp` authenticated by RADIUS
   (method list `group RG local`, no local user alice): up, with alice's
   Framed-IP-Address (outside every pool) and bob's Framed-Pool gold;
   dave's Framed-IP-Address inside pool SUBS is reserved there, and a
   second dave while the first holds it is refused the RFC way (counted
   in framed_in_use); the address is free again at the end; dave's
   Framed-Route 10.98.0.0/24 metric 7 is a route on the TUN while he is
   up, his bad one (host bits set) counted in framed_route_bad;
2. mallory (Auth-Type := Reject) refused the RFC way, and the reject is
   final (a local user mallory exists and is not tried);
3. the detail file: per session exactly one Start and one Stop with the
   same Acct-Session-Id, Class echoed, Stop's octets/packets/time; carol
   (no Acct-Interim-Interval) gets Interim-Updates at the test-only
   `aaa accounting update periodic-seconds`;
4. radclient Disconnect-Request by Acct-Session-Id clears a live session
   (ACK, Stop with Admin-Reset); CoA-Request Session-Timeout changes one
   (ACK, the session ends with Session-Timeout); unknown session: NAK with
   Error-Cause 503;
5. `show aaa servers`, `show radius statistics`, `test aaa group`,
   `debug radius` answer; no password or key in the log;
   the running-config never shows a key;
6. one server of two killed: requests fail over to the second, the first
   is marked DEAD; restarted, it is tried again after its deadtime."""
import json
import os
import random
import signal
import subprocess
import time

import ssotest
from ssotest import check, track, wait_for
import lns_ppp as L
import radhelp

TAG = "aaa%d%d" % (os.getpid() % 1000, random.randint(0, 99))
L.NS.update({k: "%s-%s" % (TAG, k) for k in ("lac", "lns", "core")})
AUTH, ACCT, DAE = 48012, 48013, 48799
AUTH2, ACCT2 = 48022, 48023
CTL = 48100 + random.randint(0, 99)
KEY = radhelp.KEY

# lns_ppp's head (hostname, simplex redundancy, control socket), then ours
CONF = L.CONF[:L.CONF.index("aaa new-model")] + """aaa new-model
radius server R1
 address ipv4 127.0.0.1 auth-port %(auth)d acct-port %(acct)d
 key %(key)s
 timeout 1
 retransmit 1
 deadtime 3
radius server R2
 address ipv4 127.0.0.1 auth-port %(auth2)d acct-port %(acct2)d
 key %(key)s
aaa group server radius RG
 server name R1
 server name R2
aaa authentication ppp default group RG local
aaa accounting network default start-stop group RG
aaa accounting update periodic-seconds 2
aaa server radius dynamic-author
 client 127.0.0.1 server-key %(key)s
 port %(dae)d
username mallory password mallorypw
ip local pool SUBS 10.80.0.10 10.80.0.250
ip local pool gold 10.80.1.10 10.80.1.20
interface Loopback0
 ip address 10.80.0.1 255.255.255.255
interface Virtual-Template1
 ip unnumbered Loopback0
 peer default ip address pool SUBS
 ppp authentication chap pap
 ppp ipcp dns 10.99.1.1 10.99.1.2
 keepalive 10 3
vpdn enable
l2tp listen 10.81.0.1 1701
vpdn-group lns
 accept-dialin
  protocol l2tp
  virtual-template 1
 l2tp tunnel hello 0
"""


class Lns(L.Lns):
    def write(self, auth):
        with open(self.conf, "w") as f:
            f.write(CONF % {"ctl": CTL, "ctl1": CTL + 1, "dir": self.dir,
                            "auth": AUTH, "acct": ACCT, "dae": DAE,
                            "auth2": AUTH2, "acct2": ACCT2,
                            "key": KEY})


def peer_proc(user, pw, auth, *extra):
    return track(subprocess.Popen(
        ["ip", "netns", "exec", L.NS["lac"],
         os.path.join(ssotest.BIN, "l2tp-peer"), "--server", "10.81.0.1",
         "--bind", "10.81.0.2", "--ppp", "--json", "--hello", "0", "--user",
         user, "--password", pw, "--auth", auth, "--tunnels", "1",
         "--sessions", "1", *extra], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True))


def sessions(lns):
    return [s for s in lns.ctl("show", "subscriber", "session")["sessions"]
            if s["ipcp_state"] == "Opened"]


def one_up(lns, user):
    wait_for(lambda: [s for s in sessions(lns) if s["username"] == user],
             30, "%s's session up" % user)
    return [s for s in sessions(lns) if s["username"] == user][0]


def none_left(lns):
    wait_for(lambda: lns.ctl("show", "subscriber", "session")["total"] == 0,
             30, "no subscriber left")


def recs(rad, user):
    return [r for r in rad.records() if r.get("User-Name") == user]


def radclient(code, *attrs):
    text = "\n".join(attrs) + "\n"
    r = subprocess.run(["ip", "netns", "exec", L.NS["lns"], "radclient",
                        "-x", "-r", "2", "-t", "2", "127.0.0.1:%d" % DAE,
                        code, KEY], input=text, capture_output=True,
                       text=True, timeout=30)
    return r.stdout + r.stderr


def stop_peer(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
    try:
        p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()


def main(_pairs):
    L.prologue()
    rad = radhelp.FreeRadius(AUTH, ACCT, name=TAG)
    rad2 = radhelp.FreeRadius(AUTH2, ACCT2, name=TAG + "b")
    lns = Lns()
    try:
        rad.start(netns=L.NS["lns"])
        rad2.start(netns=L.NS["lns"])
        lns.start()
        # 1. PAP and CHAP through RADIUS, Framed-IP-Address
        for auth in ("pap", "chap"):
            p = peer_proc("alice", "alicepw", auth, "--duration", "60")
            s = one_up(lns, "alice")
            check(s["ipv4"] == "10.99.0.5", "alice (%s) got %s, not her "
                  "Framed-IP-Address 10.99.0.5" % (auth, s["ipv4"]))
            r = L.nsx("lns", "ip", "route", "show", "10.99.0.5")
            check("10.99.0.5" in r.stdout, "no route for 10.99.0.5: %r"
                  % r.stdout)
            print("%s: alice up with Framed-IP-Address 10.99.0.5 (route "
                  "on the TUN)" % auth.upper())
            if auth == "pap":
                out = radclient("disconnect", 'Acct-Session-Id = "nope"')
                check("Disconnect-NAK" in out and ("503" in out or
                      "Session-Context-Not-Found" in out),
                      "unknown session: %s" % out)
                print("Disconnect for an unknown session: NAK 503")
                out = radclient("disconnect", 'User-Name = "alice"')
                check("Disconnect-ACK" in out, "disconnect: %s" % out)
                none_left(lns)
                print("Disconnect-Request User-Name alice: ACK, cleared")
            else:
                out = radclient("coa", 'User-Name = "alice"',
                                "Session-Timeout = 1")
                check("CoA-ACK" in out, "coa: %s" % out)
                none_left(lns)
                print("CoA-Request Session-Timeout 1: ACK, session ended")
            stop_peer(p)
        # bob: Framed-Pool gold, UDP through the TUN for the counters
        p = peer_proc("bob", "bobpw", "chap", "--duration", "4",
                      "--reflector", "10.82.0.2:%d" % L.REFL_PORT,
                      "--data-rate", "50")
        s = one_up(lns, "bob")
        check(s["ipv4"].startswith("10.80.1."), "bob got %s, not from pool "
              "gold" % s["ipv4"])
        print("bob up with %s from Framed-Pool gold" % s["ipv4"])
        check(lns.ctl("show", "ip", "local", "pool", "gold")["pools"][0]
              ["in_use"] == 1, "pool gold shows no lease")
        out, err = p.communicate(timeout=60)
        bob = json.loads(out.strip().splitlines()[-1])
        check(bob["data_sent"] > 0 and bob["data_received"] > 0,
              "bob's data: %r / %s" % (bob, err[-500:]))
        none_left(lns)
        # dave: Framed-IP-Address 10.80.0.200 inside pool SUBS
        def subs_in_use():
            return lns.ctl("show", "ip", "local", "pool", "SUBS")["pools"][
                0]["in_use"]
        p = peer_proc("dave", "davepw", "pap", "--duration", "60")
        s = one_up(lns, "dave")
        check(s["ipv4"] == "10.80.0.200" and subs_in_use() == 1,
              "dave got %s, pool SUBS %d in use" % (s["ipv4"],
                                                    subs_in_use()))
        def froute():
            return L.nsx("lns", "ip", "route", "show", "10.98.0.0/24"
                         ).stdout
        r = froute()
        check("metric 7" in r and "dev" in r, "no Framed-Route 10.98.0.0/24"
              " metric 7 on the TUN: %r" % r)
        c = lns.ctl("show", "ppp", "counters")
        check(c["framed_routes"] == 1 and c["framed_route_bad"] >= 1,
              "framed route counters: %r" % c)
        p2 = peer_proc("dave", "davepw", "chap", "--expect-auth-fail",
                       "rfc", "--setup-timeout", "30")
        out, err = p2.communicate(timeout=60)
        check(p2.returncode == 0, "second dave: rc %d %s %s" % (
            p2.returncode, out[-500:], err[-500:]))
        n = lns.ctl("show", "ppp", "counters")["framed_in_use"]
        check(n == 1 and subs_in_use() == 1, "framed_in_use %d, SUBS %d "
              "in use" % (n, subs_in_use()))
        stop_peer(p)
        none_left(lns)
        check(subs_in_use() == 0, "10.80.0.200 not released")
        check(froute().strip() == "", "Framed-Route left: %r" % froute())
        print("dave: Framed-IP-Address 10.80.0.200 reserved in pool SUBS; "
              "a second dave refused the RFC way (framed_in_use 1); "
              "released at the end; Framed-Route 10.98.0.0/24 metric 7 on "
              "the TUN while up, a bad one counted")
        # carol: Interims at the configured 2 s, Cisco-AVPair DNS
        p = peer_proc("carol", "carolpw", "pap", "--duration", "60")
        one_up(lns, "carol")
        d = lns.ctl("show", "subscriber", "session", "detail", json_=False)
        check("192.0.2.1 192.0.2.2" in d, "carol's DNS servers "
              "(Cisco-AVPair ip:dns-servers) not served: %s" % d)
        print("carol: IPCP served the DNS servers of her Cisco-AVPair")
        wait_for(lambda: sum(1 for r in recs(rad, "carol")
                             if r.get("Acct-Status-Type") ==
                             "Interim-Update") >= 2, 30,
                 "two Interim-Updates for carol")
        out = radclient("disconnect", 'User-Name = "carol"')
        check("Disconnect-ACK" in out, "disconnect carol: %s" % out)
        none_left(lns)
        stop_peer(p)
        # 2. rejected: final, the local mallory is not tried
        p = peer_proc("mallory", "mallorypw", "pap", "--expect-auth-fail",
                      "rfc", "--setup-timeout", "30")
        out, err = p.communicate(timeout=60)
        check(p.returncode == 0, "mallory: rc %d %s %s" % (p.returncode,
                                                           out[-500:],
                                                           err[-500:]))
        print("mallory: Access-Reject, refused the RFC way (local user "
              "not tried)")
        # 3. the detail file
        wait_for(lambda: sum(1 for r in rad.records() if
                             r.get("Acct-Status-Type") == "Stop") >= 4, 20,
                 "4 Stop records")
        for user, n, cls in (("alice", 2, "0x" + b"class-alice".hex()),
                             ("bob", 1, "0x00ff62"), ("carol", 1, None)):
            rs = recs(rad, user)
            ids = sorted(set(r["Acct-Session-Id"] for r in rs))
            # l2tp-peer redials a cleared call: more sessions may follow
            check(len(ids) >= n, "%s: %d sessions in the detail file: %r"
                  % (user, len(ids), ids))
            for sid in ids:
                mine = [r for r in rs if r["Acct-Session-Id"] == sid]
                st = [r["Acct-Status-Type"] for r in mine]
                check(st.count("Start") == 1 and st.count("Stop") == 1,
                      "%s %s: %r" % (user, sid, st))
                stop = [r for r in mine if r["Acct-Status-Type"] ==
                        "Stop"][0]
                for a in ("Acct-Session-Time", "Acct-Input-Octets",
                          "Acct-Output-Packets", "Acct-Terminate-Cause"):
                    check(a in stop, "%s Stop without %s: %r" % (user, a,
                                                                 stop))
                if cls:
                    check(all(r.get("Class") == cls for r in mine),
                          "%s: Class not echoed: %r" % (user, mine))
        on = [r for r in rad.records() if r.get("Acct-Status-Type") ==
              "Accounting-On"]
        check(len(on) == 1, "Accounting-On records: %r" % on)
        stop = [r for r in recs(rad, "bob") if r["Acct-Status-Type"] ==
                "Stop"][0]
        check(int(stop["Acct-Input-Packets"]) >= bob["data_sent"] and
              int(stop["Acct-Output-Packets"]) >= bob["data_received"] and
              int(stop["Acct-Input-Octets"]) >= 28 * bob["data_sent"] and
              int(stop["Acct-Output-Octets"]) >= 28 * bob["data_received"],
              "bob's Stop counters %r against l2tp-peer's %d sent / %d "
              "received" % (stop, bob["data_sent"], bob["data_received"]))
        print("bob's Stop: %s/%s packets, %s/%s octets in/out (l2tp-peer "
              "sent %d, received %d)" % (
                  stop["Acct-Input-Packets"], stop["Acct-Output-Packets"],
                  stop["Acct-Input-Octets"], stop["Acct-Output-Octets"],
                  bob["data_sent"], bob["data_received"]))
        causes = [r["Acct-Terminate-Cause"] for r in recs(rad, "alice")
                  if r["Acct-Status-Type"] == "Stop"]
        check("Admin-Reset" in causes and "Session-Timeout" in causes,
              "alice's Stop causes: %r" % causes)
        print("detail file: one Start and one Stop per session, Class "
              "echoed, causes %r, carol's Interims" % causes)
        # 5. commands
        t = lns.ctl("show", "aaa", "servers", json_=False)
        print(t)
        check("R1" in t, "show aaa servers: %s" % t)
        t = lns.ctl("show", "radius", "statistics", json_=False)
        check("R1" in t, "show radius statistics: %s" % t)
        check(lns.ctl("debug", "radius")["on"] is True, "debug radius")
        t = lns.ctl("test", "aaa", "group", "RG", "alice", "alicepw",
                    json_=False)
        print(t)
        wait_for(lambda: "Access-Accept id" in open(lns.log).read(), 10,
                 "debug radius to log the answer")
        log = open(lns.log).read()
        check("alicepw" not in log and "bobpw" not in log and KEY not in
              log, "a password or key in ssod's log")
        lns.ctl("undebug", "radius")
        check("Framed-IP-Address" in t and "success" in t,
              "test aaa group: %s" % t)
        rc = lns.ctl("show", "running-config", json_=False)
        check(KEY not in rc and "key <hidden>" in rc, "running-config "
              "shows the key")
        # 6. failover, dead marking, revival
        def srv():
            return {x["name"]: x for x in
                    lns.ctl("show", "radius", "statistics")["servers"]}
        before = srv()
        rad.kill()
        p = peer_proc("alice", "alicepw", "pap", "--duration", "60",
                      "--setup-timeout", "60")
        one_up(lns, "alice")
        now = srv()
        check(now["R1"]["state"] == "DEAD" and now["R1"]["dead_count"] >= 1
              and now["R2"]["accepts"] > before["R2"]["accepts"],
              "failover: %r" % now)
        print("R1 killed: alice up through R2, R1 DEAD (failovers %d)"
              % now["R1"]["failovers"])
        out = radclient("disconnect", 'User-Name = "alice"')
        check("Disconnect-ACK" in out, "disconnect: %s" % out)
        none_left(lns)
        stop_peer(p)
        rad.start(netns=L.NS["lns"])
        wait_for(lambda: srv()["R1"]["state"] == "UP", 20,
                 "R1 revived after its deadtime")
        n1 = srv()["R1"]["accepts"]
        t = lns.ctl("test", "aaa", "group", "RG", "alice", "alicepw",
                    json_=False)
        check("from R1" in t and srv()["R1"]["accepts"] == n1 + 1,
              "R1 not used after its revival: %s" % t)
        print("R1 restarted: UP again after its deadtime, answering")
        # an orderly stop: a sanitizer build reports at exit
        lns.proc.terminate()
        lns.proc.wait(timeout=20)
        log = open(lns.log, errors="replace").read()
        check("Sanitizer" not in log, "ssod: %s" % log[log.find(
            "Sanitizer") - 80:][:3000])
    except Exception:
        lns.dump()
        try:
            print(lns.ctl("show", "radius", "statistics", json_=False))
            print(lns.ctl("show", "subscriber", "session", json_=False))
        except Exception as e:
            print("no statistics: %s" % e)
        print(rad.read_log()[-3000:])
        raise
    finally:
        rad.cleanup()
        rad2.cleanup()
        L.teardown()


if __name__ == "__main__":
    ssotest.run(main)
