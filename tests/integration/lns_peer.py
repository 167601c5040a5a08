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
   truncated frame is flagged, so the check can fail);
4. l2tp-peer --tun: ping and a 10 s iperf3 TCP run from the subscriber's
   device to the core namespace through ssod (MSS clamped).
Prints SKIP with the reason where namespaces cannot be made."""
import json
import os
import shutil
import signal
import subprocess

import ssotest
from ssotest import check, track, wait_for
import lns_ppp as L
import ppphelp

RPORT = 43008
TUNNELS = int(os.environ.get("LNS_TUNNELS", "100"))
# seconds of iperf3 (the README's throughput row: LNS_IPERF_S=10)
IPERF_S = int(os.environ.get("LNS_IPERF_S", "3"))
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


def tun(lns):
    """l2tp-peer --tun: ping and a 10 s iperf3 TCP run from the subscriber
    (device ppp0 in the lac namespace) to the core namespace through
    ssod's TUN; the MSS is clamped to `ip tcp adjust-mss 1420`."""
    errf = open(os.path.join(lns.dir, "tun.err"), "w+")
    proc = track(subprocess.Popen(
        NsBed().cmd(L.NS["lac"], os.path.join(ssotest.BIN, "l2tp-peer"),
                    "--server", "10.81.0.1", "--bind", "10.81.0.2", "--ppp",
                    "--json", "--hello", "0", "--user", "alice",
                    "--password", "alicepw", "--tunnels", "1", "--sessions",
                    "1", "--tun", "--duration", "0"),
        stdout=subprocess.PIPE, stderr=errf, stdin=subprocess.DEVNULL,
        text=True))

    def err():
        errf.seek(0)
        return errf.read()
    wait_for(lambda: proc.poll() is None and "tun ppp0 " in err(), 60,
             "l2tp-peer --tun to bring ppp0 up", err)
    L.nsx("lac", "ip", "route", "replace", "10.82.0.0/24", "dev", "ppp0")
    r = L.nsx("lac", "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.82.0.2",
              check_rc=False)
    check(r.returncode == 0 and " 0% packet loss" in r.stdout,
          "ping through the subscriber session: %s %s" % (r.stdout,
                                                          r.stderr))
    rtt = [ln for ln in r.stdout.splitlines() if "min/avg" in ln]
    print("--tun: ping 10.82.0.2 through ssod: %s" % rtt)
    if shutil.which("iperf3"):
        srv = track(subprocess.Popen(NsBed().cmd(
            L.NS["core"], "iperf3", "-s", "-1", "-B", "10.82.0.2", "-p",
            "43010"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for(lambda: "43010" in L.nsx("core", "ss", "-ltn").stdout, 10,
                 "iperf3 to listen")
        r = L.nsx("lac", "iperf3", "-c", "10.82.0.2", "-p", "43010", "-t",
                  str(IPERF_S), "-J", check_rc=False, timeout=60)
        srv.wait(timeout=20)
        j = json.loads(r.stdout)
        check("error" not in j, "iperf3: %s" % j.get("error"))
        bps = j["end"]["sum_received"]["bits_per_second"]
        print("--tun: iperf3 TCP %d s subscriber -> core through ssod: "
              "%.1f Mbit/s received" % (IPERF_S, bps / 1e6))
        check(bps > 0, "iperf3 moved nothing")
        check(lns.ctl("show", "ppp", "counters")["mss_clamped"] > 0,
              "no TCP SYN was clamped (ip tcp adjust-mss 1420)")
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    rep = json.loads(out.strip().splitlines()[-1])
    check(rep["failures_total"] == 0, "tun: failures %r"
          % rep["failures"][:5])
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
                # the capture is live once it holds the probe frame
                cap.send_probe(NsBed(), L.NS["lac"], "10.81.0.1")
                wait_for(lambda: cap.read("udp.srcport == %d"
                                          % cap.PROBE_PORT), 20,
                         "tshark to capture the probe frame")
                calls(lns, "chap", 1, 5, 200)
                calls(lns, "pap", 1, 5, 200)
                wrong_password(lns, 2)
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
        tun(lns)
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
