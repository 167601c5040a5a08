#!/usr/bin/env python3
"""librad (through sso-radtest) against a real FreeRADIUS 3 (Debian
freeradius) with its own configuration directory on 127.0.0.1, ports
47100-47199 (this helper's range). Every wait is a condition with a
deadline; no timing assertion.

1. PAP and CHAP accepted; Framed-IP-Address, Framed-Pool, Class,
   Session-Timeout, Idle-Timeout, Acct-Interim-Interval and Cisco-AVPairs
   returned as configured.
2. PAP and CHAP with a wrong password, and a user FreeRADIUS rejects:
   Access-Reject (with its Reply-Message).
3. Accounting Start, Interim-Update and Stop (octets over 2^32 as
   Gigawords, Class echoed): each lands in the detail file exactly once.
4. radclient Disconnect-Request and CoA-Request to sso-radtest's
   dynamic-authorization port: ACK for a live session, NAK with
   Error-Cause 503 (Session-Context-Not-Found) for an unknown one; a
   Disconnect really removes the session (the second one is NAKed).
5. Two servers, the first killed: the request fails over to the second,
   the first is marked dead and skipped; restarted and after its deadtime
   it is used again (revive).
"""
import subprocess

from ssotest import run, check, wait_for
from radhelp import FreeRadius, RadTest, result, KEY

BASE = 47100


def srv(name, r):
    return "%s:127.0.0.1:%d:%d" % (name, r.auth_port, r.acct_port)


def auth_cases(t):
    v, a = result(t.cmd("auth pap alice alicepw"))
    check(v == "accept", "alice PAP: %s" % v)
    check(a.get("Framed-IP-Address") == ["10.99.0.5"], "alice IP: %s" % a)
    check(a.get("Session-Timeout") == ["3600"], "alice timeout: %s" % a)
    check(a.get("Acct-Interim-Interval") == ["300"], "alice interim: %s" % a)
    check(a.get("Class") == ["0x" + b"class-alice".hex()], "alice Class")
    v, a = result(t.cmd("auth chap alice alicepw"))
    check(v == "accept", "alice CHAP: %s" % v)
    v, a = result(t.cmd("auth chap bob bobpw"))
    check(v == "accept", "bob CHAP: %s" % v)
    check(a.get("Framed-Pool") == ["gold"], "bob pool: %s" % a)
    check(a.get("Idle-Timeout") == ["600"], "bob idle: %s" % a)
    check(a.get("Class") == ["0x00ff62"], "bob Class: %s" % a)
    v, a = result(t.cmd("auth pap carol carolpw"))
    check(v == "accept", "carol: %s" % v)
    check(a.get("Cisco-AVPair") == ["ip:dns-servers=192.0.2.1 192.0.2.2",
                                    "vpdn:l2tp-silent-switchover=1"],
          "carol AV pairs: %s" % a)
    # FreeRADIUS delays rejects by reject_delay (1 s): the timeout is 2 s
    for c in ("auth pap alice wrong", "auth chap bob wrong",
              "auth pap nobody x"):
        v, a = result(t.cmd(c))
        check(v == "reject", "%s: %s" % (c, v))
    v, a = result(t.cmd("auth pap mallory x"))
    check(v == "reject" and a.get("Reply-Message") == ["go away"],
          "mallory: %s %s" % (v, a))


def acct_cases(t, r):
    for c in ("acct start sess-1 alice",
              "acct interim sess-1 alice 1000 2000 300",
              "acct stop sess-1 alice 5000000123 4000 600 00ff62"):
        v, _ = result(t.cmd(c))
        check(v == "accounting-response", "%s: %s" % (c, v))

    def mine():
        return [x for x in r.records() if x.get("Acct-Session-Id") == "sess-1"]
    recs = wait_for(lambda: len(mine()) >= 3 and mine(), 10,
                    "three records in the detail file")
    kinds = [x["Acct-Status-Type"] for x in recs]
    check(kinds == ["Start", "Interim-Update", "Stop"],
          "exactly one Start, Interim, Stop: %s" % kinds)
    stop = recs[2]
    check(stop.get("Acct-Input-Octets") == str(5000000123 % 2**32) and
          stop.get("Acct-Input-Gigawords") == "1",
          "Stop octets/gigawords: %s" % stop)
    check(stop.get("Acct-Session-Time") == "600", "Stop time: %s" % stop)
    check(stop.get("Class") == "0x00ff62", "Stop Class: %s" % stop)
    check(stop.get("Acct-Terminate-Cause") == "User-Request",
          "Stop cause: %s" % stop)


def radclient(port, kind, attrs):
    p = subprocess.run(["radclient", "-x", "-t", "3", "-r", "1",
                        "127.0.0.1:%d" % port, kind, KEY],
                       input=attrs + "\n", capture_output=True, text=True,
                       timeout=30)
    return p.stdout + p.stderr


def dae_cases():
    port = BASE + 99
    t = RadTest([], dae_port=port, sessions=["sess-live", "sess-coa"])
    try:
        out = radclient(port, "disconnect", 'Acct-Session-Id = "sess-live"')
        check("Received Disconnect-ACK" in out, "Disconnect ACK: %s" % out)
        t.expect_line("dae Disconnect-Request session=sess-live")
        out = radclient(port, "disconnect", 'Acct-Session-Id = "sess-live"')
        check("Received Disconnect-NAK" in out and
              "Session-Context-Not-Found" in out,
              "second Disconnect: NAK 503: %s" % out)
        out = radclient(port, "disconnect", 'User-Name = "nobody"')
        check("Received Disconnect-NAK" in out and
              "Session-Context-Not-Found" in out,
              "unknown session: NAK 503: %s" % out)
        out = radclient(port, "coa", 'Acct-Session-Id = "sess-coa"\n'
                        'Session-Timeout = 120')
        check("Received CoA-ACK" in out, "CoA ACK: %s" % out)
        line = t.expect_line("dae CoA-Request session=sess-coa")
        check("session-timeout=120" in line, "CoA seen: %s" % line)
        out = radclient(port, "coa", 'Acct-Session-Id = "gone"')
        check("Received CoA-NAK" in out, "CoA NAK: %s" % out)
    finally:
        t.close()


def failover_cases():
    a = FreeRadius(BASE + 11, BASE + 12, name="radA")
    b = FreeRadius(BASE + 21, BASE + 22, name="radB")
    try:
        a.start()
        b.start()
        # margins for a loaded machine: 1 s per try, dead for 6 s
        t = RadTest([srv("A", a), srv("B", b)], timeout_ms=1000,
                    retransmit=1, deadtime_ms=6000)
        v, _ = result(t.cmd("auth pap alice alicepw"))
        check(v == "accept", "A up: %s" % v)
        check(t.stats()["A"]["accepts"] == 1, "A answered first")
        a.kill()
        lines = t.cmd("auth pap alice alicepw")
        v, _ = result(lines)
        check(v == "accept" and "server=B" in lines[0],
              "failover to B: %s" % lines)
        st = t.stats()
        check(st["A"]["state"] == "DEAD" and st["A"]["dead_count"] == 1,
              "A marked dead: %s" % st["A"])
        check(st["A"]["failovers"] == 1, "A failover counted")
        req_a = st["A"]["auth_requests"]
        lines = t.cmd("auth chap bob bobpw")
        check("server=B" in lines[0], "B while A is dead: %s" % lines)
        check(t.stats()["A"]["auth_requests"] == req_a, "A skipped")
        v, _ = result(t.cmd("acct start sess-f alice"))
        check(v == "accounting-response", "acct to B: %s" % v)
        check(len([x for x in b.records()
                   if x.get("Acct-Session-Id") == "sess-f"]) == 1,
              "B's detail has the Start once")
        a.start()
        wait_for(lambda: t.stats()["A"]["state"] == "UP", 20,
                 "A revived after its deadtime")
        lines = t.cmd("auth pap alice alicepw")
        check(result(lines)[0] == "accept" and "server=A" in lines[0],
              "A used again: %s" % lines)
        t.close()
    finally:
        a.cleanup()
        b.cleanup()


def main(pairs):
    r = FreeRadius(BASE + 1, BASE + 2, name="rad1")
    try:
        r.start()
        t = RadTest([srv("R1", r)], timeout_ms=2000, retransmit=1)
        auth_cases(t)
        acct_cases(t, r)
        st = t.stats()["R1"]
        check(st["dropped"] == 0 and st["timeouts"] == 0,
              "no drops, no timeouts: %s" % st)
        t.close()
    finally:
        r.cleanup()
    dae_cases()
    failover_cases()


if __name__ == "__main__":
    run(main)
