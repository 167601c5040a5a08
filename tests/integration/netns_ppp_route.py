#!/usr/bin/env python3
"""Subscriber SSO on the network-namespace bed (netns/netbed.py): the
pair as PPP LNS, each unit in its own namespace with its own TUN device,
the L2TP service address 10.77.0.100 and the route to the subscriber pool
following the active through the notify hook (netns/vip-notify: with
SSO_ROUTES it runs `ip route replace 10.80.0.0/24 via THIS_UNIT` in the
peer namespace, which plays the core router). `l2tp-peer --ppp` (strict,
CHAP, LCP echoes) in the peer namespace sends UDP from each call's address
to a reflector beside it, so the reflected half only comes back through
the pool route.
1. at start the pool route points at unit 0; calls up on unit 0 and on the
   standby's copy;
2. SIGKILL of unit 0 (its namespace then powered off): unit 1 takes over,
   the pool route points at unit 1, every call is on unit 1 with the same
   address, the reflected traffic flows again (unit 1's downstream
   counters move: only the moved route brings it);
3. the strict client ends with no failure, its echoes answered.
Prints SKIP where namespaces cannot be made."""
import json
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "netns"))
import ssotest  # noqa: E402
from ssotest import check, track, wait_for  # noqa: E402
import netbed  # noqa: E402
from netbed import Bed, NsPair, VIP, PEER, SVC  # noqa: E402

POOL = "10.80.0.0/24"
RPORT = 49011
N = 10
CONF = """aaa new-model
aaa authentication ppp default local
username alice password alicepw
ip local pool SUBS 10.80.0.10 10.80.0.250
interface Loopback0
 ip address 10.80.0.1 255.255.255.255
interface Virtual-Template1
 ip unnumbered Loopback0
 peer default ip address pool SUBS
 ppp authentication chap
 ppp ipcp dns 10.99.0.1 10.99.0.2
 keepalive 10 3
vpdn enable
l2tp listen %s 1701
vpdn-group lns
 accept-dialin
  protocol l2tp
  virtual-template 1
 l2tp tunnel hello 0
""" % VIP


class RoutePair(NsPair):
    def start(self, u, conf=None):
        env = dict(os.environ, SSO_VIP=VIP + "/24",
                   SSO_VIP_DEV=self.bed.svc_if[u], SSO_ROUTES=POOL,
                   SSO_ROUTE_VIA=SVC[u], SSO_ROUTE_NS=self.bed.ns[2])
        log = open(self.logs[u], "a")
        self.procs[u] = track(subprocess.Popen(
            self.bed.run(u, [os.path.join(ssotest.BIN, self.binaries[u]),
                             "-f", "-c", conf or self.conf, "-u", u]),
            stdout=log, stderr=subprocess.STDOUT, env=env))
        return self.procs[u]


def pool_via(bed):
    r = subprocess.run(["ip", "-n", bed.ns[2], "route", "show", POOL],
                       capture_output=True, text=True)
    return r.stdout.split("via ")[1].split()[0] if "via " in r.stdout \
        else None


def subs(p, u):
    return p.ctl(u, "show", "subscriber", "session", "detail")["sessions"]


def main(pairs):
    why = netbed.unavailable()
    if why:
        print("SKIP: %s" % why)
        print("1 passed, 0 failed")
        return
    bed = Bed()
    for u in (0, 1):
        for k in ("net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0",
                  "net.ipv4.conf.default.rp_filter=0"):
            netbed.sh(*bed.run(u, ["sysctl", "-qw", k]))
    p = RoutePair(bed, extra_top=CONF, name="ss-route")
    pairs.append(p)
    refl = peer = None
    try:
        refl = track(subprocess.Popen(bed.run(2, [os.path.join(
            ssotest.BIN, "l2tp-peer"), "--echo", "%s:%d" % (PEER, RPORT)]),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        p.start(0)
        p.start(1)
        p.wait_pair(0)
        wait_for(lambda: bed.vip_only_on(0), 10, "the address on unit 0")
        # 1
        wait_for(lambda: pool_via(bed) == SVC[0], 10, "the pool route via "
                 "unit 0", last=lambda: pool_via(bed))
        err = open(os.path.join(p.dir, "peer.err"), "w")
        peer = track(subprocess.Popen(bed.run(2, [
            os.path.join(ssotest.BIN, "l2tp-peer"), "--server", VIP,
            "--bind", PEER, "--ppp", "--json", "--hello", "0", "--user",
            "alice", "--password", "alicepw", "--auth", "chap",
            "--tunnels", 2, "--sessions", N // 2, "--reflector",
            "%s:%d" % (PEER, RPORT), "--data-rate", 100, "--duration", 0,
            "--lcp-echo", 1, "--setup-timeout", 60]),
            stdout=subprocess.PIPE, stderr=err, text=True))
        wait_for(lambda: sum(1 for s in subs(p, 0)
                             if s["ipcp_state"] == "Opened") == N, 60,
                 "%d calls up on unit 0" % N,
                 last=lambda: (subs(p, 0)[:2], p.ctl(0, "show", "ppp",
                                                      "counters")))
        wait_for(lambda: p.ctl(1, "show", "subscriber", "redundancy")[
            "standby_established"] == N, 30, "the standby's copies")
        before = sorted((s["tunnel_id"], s["session_id"], s["ipv4"])
                        for s in subs(p, 0))
        wait_for(lambda: sum(s["tx_packets"] for s in subs(p, 0)) > 0, 20,
                 "reflected traffic through unit 0")
        # 2
        p.kill(0)
        bed.power_off(0)
        p.wait_state(1, "ACTIVE", 20)
        wait_for(lambda: pool_via(bed) == SVC[1], 10, "the pool route to "
                 "move to unit 1", last=lambda: pool_via(bed))
        wait_for(lambda: len(subs(p, 1)) == N, 20, "the calls on unit 1")
        after = sorted((s["tunnel_id"], s["session_id"], s["ipv4"])
                       for s in subs(p, 1))
        check(after == before, "calls changed: %s -> %s" % (before, after))
        tx = sum(s["tx_packets"] for s in subs(p, 1))
        wait_for(lambda: sum(s["tx_packets"] for s in subs(p, 1)) > tx + N,
                 30, "reflected traffic back through unit 1 (the moved "
                 "pool route)")
        print("SIGKILL: pool route moved to %s, %d calls kept, reflected "
              "traffic through the new active" % (pool_via(bed), N))
        # 3: the client drains and reports at SIGTERM
        peer.send_signal(signal.SIGTERM)
        out, _ = peer.communicate(timeout=120)
        rep = json.loads(out.strip().splitlines()[-1])
        peer = None
        pp = rep["ppp"]
        print("l2tp-peer: failures %d, up %d, data sent %d lost %d, echoes "
              "%d/%d, longest echo gap %d ms" % (
                  rep["failures_total"], rep["sessions_up"],
                  rep["data_sent"], rep["data_lost"],
                  pp["lcp_echo_answered"], pp["lcp_echo_sent"],
                  pp["lcp_echo_gap_max_ms"]))
        check(rep["failures_total"] == 0 and rep["sessions_up"] == N,
              "strict client: %r" % (rep["failures"][:5],))
        check(pp["lcp_echo_bad_magic"] == 0 and
              pp["lcp_echo_answered"] >= 0.9 * pp["lcp_echo_sent"],
              "LCP echoes: %r" % pp)
    except Exception:
        try:
            print("---- l2tp-peer stderr ----\n%s" % open(os.path.join(
                p.dir, "peer.err")).read()[-2000:])
        except OSError:
            pass
        for u in (0, 1):
            try:
                print("---- unit %d log ----\n%s" % (u, p.log(u)[-3000:]))
            except OSError:
                pass
        raise
    finally:
        for x in (peer, refl):
            if x is not None:
                x.kill()
        p.cleanup()
        pairs.remove(p)
        bed.teardown()


if __name__ == "__main__":
    ssotest.run(main)
