#!/usr/bin/env python3
"""ssod as an LNS against `l2tp-peer --ppp` (issue 10 acceptance 2 and 5),
in the namespaces of lns_ppp.py (lac, lns with a simplex ssod, core with
`l2tp-peer --echo` behind the TUN):
1. CHAP (the template's first choice) and PAP (l2tp-peer --auth pap Naks
   the LNS towards its second choice), 100 tunnels x 10 calls each, UDP
   data from every call's address through the TUN and the core namespace
   and back: every call up, distinct addresses with DNS, nothing lost, no
   failure of the strict client; then every address back in the pool;
2. wrong password: every call refused the RFC way (--expect-auth-fail
   rfc: CHAP Failure, LCP Terminate-Request, CDN);
3. a small run (CHAP, PAP, wrong password) under tshark on the lac side:
   every PPP frame ssod sent decodes as PPP LCP/PAP/CHAP/IPCP inside
   L2TP, none malformed or with an expert error (and a deliberately
   truncated frame is flagged, so the check can fail).
Prints SKIP with the reason where namespaces cannot be made."""
import json
import os

import ssotest
from ssotest import check
import lns_ppp as L
import ppphelp

RPORT = 43008
TUNNELS = int(os.environ.get("LNS_TUNNELS", "100"))
CALLS = int(os.environ.get("LNS_CALLS", "10"))


class NsBed:
    """what ppphelp.PppCapture needs of a bed"""

    def cmd(self, ns, *argv):
        return ["ip", "netns", "exec", ns] + [str(a) for a in argv]


def peer(*args, timeout=300):
    cmd = NsBed().cmd(L.NS["lac"], os.path.join(ssotest.BIN, "l2tp-peer"),
                      "--server", "10.81.0.1", "--bind", "10.81.0.2",
                      "--ppp", "--json", "--hello", "0", *args)
    r = L.sh(*cmd, check_rc=False, timeout=timeout)
    try:
        rep = json.loads(r.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise ssotest.TestFailure("l2tp-peer: no JSON (rc %d): %s / %s"
                                  % (r.returncode, r.stdout[-500:],
                                     r.stderr[-1500:]))
    return r.returncode, rep, r.stderr


def calls(lns, auth, tunnels, sessions, rate):
    n = tunnels * sessions
    rc, r, err = peer("--user", "alice", "--password", "alicepw", "--auth",
                      auth, "--tunnels", tunnels, "--sessions", sessions,
                      "--reflector", "10.82.0.2:%d" % RPORT, "--data-rate",
                      rate, "--duration", "5", "--setup-timeout", "120")
    p = r["ppp"]
    check(rc == 0 and r["failures_total"] == 0, "%s: %d failures: %r / %s"
          % (auth, r["failures_total"], r["failures"][:5], err[-800:]))
    check(r["sessions_up"] == n and p["ipcp_up"] == n and
          p["auth"] == auth and p["auth_ok"] == n,
          "%s: %d of %d calls up: %r" % (auth, r["sessions_up"], n, p))
    check(p["addresses_distinct"] == n and p["dns_got"] == n,
          "%s: addresses / DNS: %r" % (auth, p))
    check(r["data_sent"] > 0 and r["data_lost"] == 0 and
          r["data_bad"] == 0 and r["data_duplicates"] == 0 and
          p["ip_bad"] == 0, "%s: reflected UDP: sent %d received %d lost "
          "%d bad %d" % (auth, r["data_sent"], r["data_received"],
                         r["data_lost"], r["data_bad"]))
    print("%s: %d calls up, %d distinct addresses, %d UDP datagrams "
          "through the TUN and back, none lost (rtt avg %.3f ms)"
          % (auth.upper(), n, p["addresses_distinct"], r["data_received"],
             r["rtt_avg_ms"]))
    L.all_free(lns)


def wrong_password(lns, n):
    rc, r, err = peer("--user", "alice", "--password", "not-alicepw",
                      "--auth", "chap", "--tunnels", "1", "--sessions", n,
                      "--expect-auth-fail", "rfc", "--setup-timeout", "60")
    p = r["ppp"]
    check(rc == 0 and r["failures_total"] == 0 and p["refused_rfc"] == n
          and p["ipcp_up"] == 0, "wrong password: %r %r / %s"
          % (r["failures"][:5], p, err[-800:]))
    print("wrong password: %d calls refused the RFC way" % n)
    L.all_free(lns)


def main(_pairs):
    L.prologue()
    lns = L.Lns()
    refl = None
    try:
        lns.start()
        refl = ppphelp.Reflector(NsBed(), L.NS["core"], "10.82.0.2", RPORT)
        # 3 first (small, captured), then the scale runs
        if ppphelp.TSHARK:
            cap = ppphelp.PppCapture(NsBed(), L.NS["lac"], "lac0")
            try:
                calls(lns, "chap", 1, 5, 200)
                calls(lns, "pap", 1, 5, 200)
                wrong_password(lns, 2)
                cap.send_probe(NsBed(), L.NS["lac"], "10.81.0.1")
                cap.stop()
                cap.check_probe()
                theirs = cap.check_ppp("udp.srcport == 1701 && "
                                       "ip.src == 10.81.0.1", "ssod")
                for want in (("LCP", "1"), ("LCP", "2"), ("LCP", "5"),
                             ("CHAP", "1"), ("CHAP", "3"), ("CHAP", "4"),
                             ("PAP", "2"), ("IPCP", "1"), ("IPCP", "2"),
                             ("IPCP", "3")):
                    check(want in theirs, "ssod sent no %s code %s: %r"
                          % (want[0], want[1], theirs))
            finally:
                cap.cleanup()
        else:
            print("tshark not installed: the frame decoding check is "
                  "skipped")
        calls(lns, "chap", TUNNELS, CALLS, 2000)
        calls(lns, "pap", TUNNELS, CALLS, 2000)
        wrong_password(lns, 10)
        check(refl.stop() > 0, "the reflector echoed nothing")
        refl = None
    except Exception:
        lns.dump()
        raise
    finally:
        if refl is not None:
            refl.stop()
        L.teardown()


if __name__ == "__main__":
    ssotest.run(main)
