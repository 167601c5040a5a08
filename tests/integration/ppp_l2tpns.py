#!/usr/bin/env python3
"""Issue 10 acceptance 4: l2tp-peer's PPP client against an independent
LNS, Debian's l2tpns with FreeRADIUS, in network namespaces (ppphelp.Bed).

l2tpns asks for CHAP first and takes PAP too (radius_authtypes
"chap,pap"); FreeRADIUS holds alice (CHAP) and bob (PAP).
 1. CHAP: 1 tunnel x 8 calls (l2tpns treats a second SCCRQ from the same
    address and port as a duplicate while one opens: one tunnel), each
    gets a distinct pool address and the DNS servers; UDP frames to the
    reflector in the lns namespace come back through l2tpns, none lost,
    none bad (IP and UDP checksums, addresses, ports checked).
 2. PAP (--auth pap: our Nak moves l2tpns off CHAP): the same.
 3. A wrong password is refused (--expect-auth-fail cdn: l2tpns answers a
    rejected password with a bare CDN; the RFC sequence is accepted too).
 4. --tun --default-route: ping from the lac namespace through the
    subscriber session to the reflector's address.
tshark captures the L2TP traffic on the lac side all along: every PPP
frame, from l2tp-peer and from l2tpns, decodes with no malformed or
expert-error mark; a deliberately truncated LCP frame sent at the end
from another port must be flagged by the same filter.
Before the bed: the PPP options' bad usage (exit 2, a message naming
the option).
"""
import os
import subprocess
import time

import ssotest
from ssotest import check, run, wait_for
import ppphelp
from ppphelp import LNS_ADDR, REFLECTOR

RPORT = 44101          # the reflector (brief range 44000-44999)
USERS = [("alice", "alicepw"), ("bob", "bobpw")]


def peer_args(user, pw, *extra):
    return ppphelp.peer_args(LNS_ADDR, user, pw, "--retries", "3",
                             "--rtx-min", "500", *extra)


def wait_master(bed, l2tpns):
    """l2tpns answers tunnels only once it declared itself master
    (cluster_hb_timeout after its start: 1 s in ppphelp's configuration): retry a one-call run until a tunnel comes up."""
    def probe():
        l2tpns.alive()
        rc, out, err = ppphelp.run_peer(
            bed, *peer_args("alice", "alicepw", "--tunnels", "1",
                            "--sessions", "1", "--duration", "0.2",
                            "--setup-timeout", "15", "--retries", "1"),
            timeout=60)
        r = ppphelp.report(rc, out, err, "probe")
        return r["sessions_up"] == 1 and rc == 0 and r
    return wait_for(probe, 90, "l2tpns to accept a tunnel and a PPP call",
                    lambda: l2tpns.text()[-1500:])


def case_data(bed, user, pw, auth, calls=8):
    r = ppphelp.data_run(bed, LNS_ADDR, user, pw, auth, 1, calls,
                         "%s:%d" % (REFLECTOR, RPORT), 400, "--retries", 3,
                         "--rtx-min", 500)
    p = r["ppp"]
    print("%s: %d calls up, %d distinct addresses with DNS, %d UDP frames "
          "reflected through l2tpns, none lost (rtt avg %.3f ms)"
          % (auth.upper(), calls, p["addresses_distinct"],
             r["data_received"], r["rtt_avg_ms"]))
    return r


def case_wrong_password(bed):
    rc, out, err = ppphelp.run_peer(
        bed, *peer_args("alice", "not-alicepw", "--auth", "chap",
                        "--tunnels", "1", "--sessions", "2",
                        "--expect-auth-fail", "cdn", "--setup-timeout",
                        "60"), timeout=120)
    r = ppphelp.report(rc, out, err, "wrong password")
    p = r["ppp"]
    check(rc == 0 and r["failures_total"] == 0,
          "wrong password: %d failures %r / %s"
          % (r["failures_total"], r["failures"][:5], err[-800:]))
    check(p["refused_rfc"] + p["refused_bare_cdn"] == 2 and
          p["ipcp_up"] == 0 and p["auth_ok"] == 0,
          "wrong password: %r" % p)
    check("not-alicepw" not in out + err, "the password was printed")
    print("wrong password: 2 calls refused (%d the RFC way, %d by a bare "
          "CDN)" % (p["refused_rfc"], p["refused_bare_cdn"]))


def case_tun(bed):
    peer = ppphelp.Peer(bed, *peer_args("bob", "bobpw", "--auth", "pap",
                                        "--tunnels", "1", "--sessions", "1",
                                        "--tun", "--default-route",
                                        "--duration", "0"))
    addr = peer.wait("tun ppp0 ", 60, "l2tp-peer --tun to bring ppp0 up")
    rtt = peer.ping(lambda *a: bed.cmd(bed.lac, *a), REFLECTOR, "-I",
                    "ppp0")
    rep = peer.stop()
    check(rep["failures_total"] == 0 and rep["ppp"]["tun_rx"] >= 3 and
          rep["ppp"]["tun_tx"] >= 3, "tun: %r" % rep["ppp"])
    print("--tun: ppp0 %s, ping %s through l2tpns: %s"
          % (addr.split()[2], REFLECTOR, rtt))


def usage():
    """the PPP options' bad usage: exit 2 and a message naming it"""
    peer = os.path.join(ssotest.BIN, "l2tp-peer")
    lac = ["--server", "127.0.0.1", "--tunnels", "1", "--sessions", "1"]
    for argv, says in (
            (lac + ["--user", "x"], "--user needs --ppp"),
            (lac + ["--ppp", "--data-rate", "10"], "needs --reflector"),
            (lac + ["--ppp", "--auth", "md5"], "expected pap or chap"),
            (lac + ["--ppp", "--reflector", "1.2.3.4"], "A.B.C.D:PORT"),
            (lac + ["--ppp", "--expect-auth-fail", "x"], "rfc or cdn"),
            (lac + ["--ppp", "--default-route"], "needs --tun"),
            (["--listen", "127.0.0.1", "--ppp"], "LAC (--server) role"),
            (["--echo", "127.0.0.1:44103", "--json"], "no other option")):
        r = subprocess.run([peer] + argv, capture_output=True, text=True,
                           timeout=10)
        check(r.returncode == 2 and says in r.stderr,
              "l2tp-peer %s: rc %d %r" % (" ".join(argv), r.returncode,
                                          r.stderr))


def main(pairs):
    usage()
    why = ppphelp.netns_unavailable()
    if why:
        print("SKIP: %s" % why)
        return
    why = ppphelp.l2tpns_unavailable()
    check(why is None, "%s" % why)
    check(ppphelp.TSHARK is not None, "tshark not installed")
    bed = ppphelp.Bed("peerl2")
    radius = ppphelp.Radius(bed, USERS)
    l2tpns = ppphelp.L2tpns(bed, "chap,pap")
    refl = ppphelp.Reflector(bed, bed.lns, REFLECTOR, RPORT)
    cap = ppphelp.PppCapture(bed, bed.lac, "veth0")
    try:
        t0 = time.monotonic()
        wait_master(bed, l2tpns)
        print("l2tpns accepted a tunnel after %.1f s" % (time.monotonic()
                                                        - t0))
        case_data(bed, "alice", "alicepw", "chap")
        case_data(bed, "bob", "bobpw", "pap")
        case_wrong_password(bed)
        case_tun(bed)
        echoed = refl.stop()
        check(echoed > 0, "the reflector echoed nothing")
        cap.send_probe(bed, bed.lac, LNS_ADDR)
        cap.stop()
        cap.check_probe()
        ours = cap.check_ppp("udp.dstport == 1701 && udp.srcport != %d"
                             % cap.PROBE_PORT, "l2tp-peer")
        theirs = cap.check_ppp("udp.srcport == 1701", "l2tpns")
        for want in (("LCP", "1"), ("PAP", "1"), ("CHAP", "2"),
                     ("IPCP", "1")):
            check(want in ours, "l2tp-peer sent no %s code %s: %r"
                  % (want[0], want[1], ours))
        for want in (("LCP", "1"), ("CHAP", "1"), ("PAP", "2"),
                     ("IPCP", "3")):
            check(want in theirs, "l2tpns sent no %s code %s: %r"
                  % (want[0], want[1], theirs))
    except Exception:
        print("l2tpns log tail:\n%s" % l2tpns.text()[-3000:])
        raise
    finally:
        cap.cleanup()
        l2tpns.cleanup()
        radius.cleanup()
        bed.cleanup()


if __name__ == "__main__":
    run(main)
