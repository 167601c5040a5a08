#!/usr/bin/env python3
"""ssod as an LNS terminating PPP (issue 10), in network namespaces of its
own (lnsT-lac, lnsT-lns, lnsT-core; T unique per run; deleted at the end,
always):

  lac  10.81.0.2 --- 10.81.0.1  lns  10.82.0.1 --- 10.82.0.2  core
                                 TUN ssosub0: 10.80.0.1/32 (Loopback0),
                                 routes for pool SUBS 10.80.0.10-10.80.3.250

A simplex ssod in the lns namespace; the test LAC (lns_lac: libl2tp LAC +
libppp clients) in the lac namespace; a UDP echo reflector in the core
namespace. Checked:
1. CHAP (the template's first choice), T tunnels x N calls: every call up,
   every call a distinct pool address, `show ip local pool` counts them in
   use, `show subscriber session` and `show ppp all` list them with the
   issue's JSON fields, every UDP datagram reflected through the TUN and
   the core namespace comes back (none lost);
2. our LCP Terminate ends every call with a CDN from the LNS, and every
   address is back (`show ip local pool`: all free, no session left);
3. PAP (after a reload to `ppp authentication pap`) likewise;
4. a wrong password is refused as the RFCs say: CHAP Failure / PAP Nak,
   then the LNS's LCP Terminate-Request, then a CDN; no address taken;
5. `clear l2tp session id T S` sends LCP Terminate-Request (the client
   sees the LNS terminate) and then the CDN;
6. `show ppp counters`, `show l2tp counters` answer, the running-config
   never shows a password, nor the log (with debug ppp authentication);
7. keepalive: a subscriber that stops answering is ended after RETRIES
   unanswered Echo-Requests, CDN result 1;
8. a CDN from the LAC while PPP is up frees the session and its address.
Prints SKIP with the reason where namespaces cannot be made."""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import ssotest
from ssotest import check, track, wait_for

TAG = "lns%d%d" % (os.getpid() % 1000, random.randint(0, 99))
NS = {k: "%s-%s" % (TAG, k) for k in ("lac", "lns", "core")}
REFL_PORT = 43007
CTL_PORT = 43100 + random.randint(0, 99)
TUNNELS = int(os.environ.get("LNS_TUNNELS", "100"))
CALLS = int(os.environ.get("LNS_CALLS", "10"))
COUNT = 5

REFLECTOR = r"""
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# SO_RCVBUFFORCE (root): past net.core.rmem_max, for a burst of 5000
s.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_RCVBUFFORCE", 33),
             8 << 20)
s.bind(("10.82.0.2", %d))
while True:
    d, a = s.recvfrom(4096)
    try:
        s.sendto(d, a)
    except OSError:
        pass  # counted as lost by the client; the reflector stays
""" % REFL_PORT


def sh(*cmd, check_rc=True, timeout=60):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                       timeout=timeout)
    if check_rc and r.returncode != 0:
        raise ssotest.TestFailure("%s: %s" % (" ".join(map(str, cmd)),
                                              r.stderr.strip()))
    return r


def nsx(ns, *cmd, **kw):
    """cmd in namespace ns (sh's keywords: check_rc, timeout)"""
    return sh("ip", "netns", "exec", NS[ns], *cmd, **kw)


def teardown():
    for ns in NS.values():
        r = subprocess.run(["ip", "netns", "pids", ns], capture_output=True,
                           text=True)
        for pid in r.stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    while DIRS:
        shutil.rmtree(DIRS.pop(), ignore_errors=True)


def bed():
    for ns in NS.values():
        sh("ip", "netns", "add", ns)
    sh("ip", "link", "add", "lac0", "netns", NS["lac"], "type", "veth",
       "peer", "name", "lns0", "netns", NS["lns"])
    sh("ip", "link", "add", "core1", "netns", NS["core"], "type", "veth",
       "peer", "name", "core0", "netns", NS["lns"])
    for ns, dev, addr in (("lac", "lac0", "10.81.0.2/24"),
                          ("lns", "lns0", "10.81.0.1/24"),
                          ("lns", "core0", "10.82.0.1/24"),
                          ("core", "core1", "10.82.0.2/24")):
        nsx(ns, "ip", "addr", "add", addr, "dev", dev)
        nsx(ns, "ip", "link", "set", dev, "up")
    for ns in NS:
        nsx(ns, "ip", "link", "set", "lo", "up")
    nsx("core", "ip", "route", "add", "10.80.0.0/16", "via", "10.82.0.1")
    # permanent neighbours: a burst forwarded while ARP resolves would
    # overflow the kernel's unresolved queue (the bed's loss, not ssod's)
    mac = {}
    for ns, dev in (("lac", "lac0"), ("lns", "lns0"), ("lns", "core0"),
                    ("core", "core1")):
        mac[dev] = json.loads(nsx(ns, "ip", "-j", "link", "show", "dev",
                                  dev).stdout)[0]["address"]
    for ns, dev, ip, peer in (("lac", "lac0", "10.81.0.1", "lns0"),
                              ("lns", "lns0", "10.81.0.2", "lac0"),
                              ("lns", "core0", "10.82.0.2", "core1"),
                              ("core", "core1", "10.82.0.1", "core0")):
        nsx(ns, "ip", "neigh", "replace", ip, "lladdr", mac[peer], "dev",
            dev, "nud", "permanent")
    nsx("lns", "sysctl", "-qw", "net.ipv4.ip_forward=1")


CONF = """hostname LNS
redundancy
 mode none
 unit 0 address tcp://127.0.0.1:%(ctl)d
 unit 1 address tcp://127.0.0.1:%(ctl1)d
 security none
control socket %(dir)s/unit%%u.ctl
aaa new-model
aaa authentication ppp default local
username alice password alicepw
ip local pool SUBS 10.80.0.10 10.80.3.250
interface Loopback0
 ip address 10.80.0.1 255.255.255.255
interface Virtual-Template1
 ip unnumbered Loopback0
 peer default ip address pool SUBS
 ppp authentication %(auth)s
 ppp ipcp dns 10.99.0.1 10.99.0.2
 keepalive %(ka)s
 mtu 1460
 ip tcp adjust-mss 1420
vpdn enable
l2tp listen 10.81.0.1 1701
vpdn-group lns
 accept-dialin
  protocol l2tp
  virtual-template 1
 l2tp tunnel hello 0
 l2tp tunnel receive-window 64
"""

POOL_SIZE = (3 * 256 + 250) - 10 + 1
DIRS = []       # the daemons' directories, removed by teardown()


class Lns:
    TEMPLATE = CONF

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ssot-lns-")
        os.chmod(self.dir, 0o700)
        DIRS.append(self.dir)
        self.conf = os.path.join(self.dir, "lns.conf")
        self.log = os.path.join(self.dir, "lns.log")
        self.write("chap pap")
        self.proc = None

    def write(self, auth, ka="10 3"):
        with open(self.conf, "w") as f:
            f.write(self.TEMPLATE % {"ctl": CTL_PORT, "ctl1": CTL_PORT + 1,
                            "dir": self.dir, "auth": auth, "ka": ka})

    def start(self):
        self.proc = track(subprocess.Popen(
            ["ip", "netns", "exec", NS["lns"],
             os.path.join(ssotest.BIN, "ssod"), "-f", "-c", self.conf, "-u",
             "0"], stdout=open(self.log, "a"), stderr=subprocess.STDOUT))
        wait_for(lambda: self.try_ctl("show", "vpdn").get("listening"), 20,
                 "the LNS to listen")

    def sock(self):
        return os.path.join(self.dir, "unit0.ctl")

    def ctl(self, *w, json_=True):
        r = subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "-s",
                            self.sock()] +
                           (["--json"] if json_ else []) +
                           [str(x) for x in w],
                           capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise ssotest.TestFailure("ssoctl %s: rc %d %s %s" % (
                " ".join(map(str, w)), r.returncode, r.stdout, r.stderr))
        return json.loads(r.stdout) if json_ else r.stdout

    def try_ctl(self, *w):
        try:
            return self.ctl(*w) or {}
        except (ssotest.TestFailure, subprocess.TimeoutExpired, ValueError):
            return {}

    def pool(self):
        p = self.ctl("show", "ip", "local", "pool", "SUBS")["pools"][0]
        return p["free"], p["in_use"]

    def dump(self):
        try:
            with open(self.log) as f:
                sys.stderr.write("---- LNS log (tail) ----\n%s\n"
                                 % f.read()[-8000:])
        except OSError:
            pass


def lac(*args, timeout=240):
    r = nsx("lac", os.path.join(ssotest.BIN, "lns_lac"), "-l", "10.81.0.1",
            "-b", "10.81.0.2", "-r", "10.82.0.2:%d" % REFL_PORT, *args,
            timeout=timeout)
    try:
        return json.loads(r.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise ssotest.TestFailure("lns_lac said %r %r" % (r.stdout,
                                                          r.stderr))


def all_free(lns):
    wait_for(lambda: lns.pool() == (POOL_SIZE, 0) and
             lns.ctl("show", "subscriber", "session")["total"] == 0, 30,
             "every address back in the pool, no subscriber left",
             last=lambda: (lns.pool(), lns.ctl("show", "subscriber",
                                               "session")["total"]))


def run_calls(lns, user, pw, what):
    n = TUNNELS * CALLS
    r = lac("-t", TUNNELS, "-n", CALLS, "-u", user, "-p", pw, "-c", COUNT,
            "-w", 180)
    print("%s: %s" % (what, r))
    check(r["calls"] == n and r["up"] == n, "%s: %d of %d calls up" % (
        what, r["up"], n))
    check(r["distinct_addresses"] == n, "%s: %d distinct addresses for %d "
          "calls" % (what, r["distinct_addresses"], n))
    if r["echoes"] != n * COUNT or r["calls_all_echoed"] != n:
        c = lns.ctl("show", "ppp", "counters")
        snmp = {ns: [ln for ln in nsx(ns, "cat", "/proc/net/snmp").stdout
                     .splitlines() if ln.startswith("Udp:")][-1]
                for ns in NS}
        raise ssotest.TestFailure(
            "%s: %d of %d datagrams reflected; LNS device rx %d tx %d, "
            "drops %r; UDP %r; %s" % (
                what, r["echoes"], n * COUNT, c["device_rx"],
                c["device_tx"], {k: v for k, v in c["data_drops"].items()
                                 if v}, snmp,
                nsx("lns", "ip", "-s", "link", "show", "ssosub0",
                    check_rc=False).stdout))
    check(r["cdn"] == n, "%s: %d CDNs for %d calls" % (what, r["cdn"], n))
    all_free(lns)


def keepalive(lns):
    """`keepalive 1 2` (a reload: new calls take it): a subscriber that
    stops answering (its process stopped) is ended after 2 unanswered
    Echo-Requests, CDN result 1 (loss of carrier), its address back"""
    lns.write("pap", ka="1 2")
    lns.ctl("reload")
    before = lns.ctl("show", "ppp", "counters")["keepalive_down"]
    p = keep_calls(lns, 1)
    p.send_signal(signal.SIGSTOP)
    try:
        wait_for(lambda: lns.ctl("show", "subscriber", "session")["total"]
                 == 0, 30, "the silent subscriber to be ended")
    finally:
        p.send_signal(signal.SIGCONT)
    check(lns.ctl("show", "ppp", "counters")["keepalive_down"] ==
          before + 1, "keepalive_down not counted")
    r = end_kept(p, "keepalive")
    check(r["cdn"] == 1 and r["first_cdn_result"] == 1,
          "keepalive: CDN result 1 expected: %s" % r)
    all_free(lns)
    lns.write("pap")
    lns.ctl("reload")


def keep_calls(lns, n_calls, *extra):
    """calls held up by lns_lac -k: the show commands while they are up"""
    p = track(subprocess.Popen(
        ["ip", "netns", "exec", NS["lac"], os.path.join(ssotest.BIN,
                                                        "lns_lac"),
         "-l", "10.81.0.1", "-b", "10.81.0.2", "-r", "10.82.0.2:%d"
         % REFL_PORT, "-t", "1", "-n", str(n_calls), "-u", "alice", "-p",
         "alicepw", "-c", "1", "-k"] + list(extra), stdout=subprocess.PIPE,
        text=True))
    wait_for(lambda: sum(1 for s in lns.ctl("show", "subscriber",
                                            "session")["sessions"]
                         if s["ipcp_state"] == "Opened") == n_calls, 30,
             "%d subscribers with IPCP opened" % n_calls)
    return p


def end_kept(p, what):
    """end the calls of keep_calls(): SIGTERM, our Terminates, the CDNs"""
    p.send_signal(signal.SIGTERM)
    out, _ = p.communicate(timeout=90)
    r = json.loads(out.strip().splitlines()[-1])
    print("%s: %s" % (what, r))
    return r


def refused(r, what):
    """no call up, the RFC's answer (CHAP Failure / PAP Nak), then the
    LNS's Terminate-Request, then a CDN, for every call"""
    print("%s: %s" % (what, r))
    n = r["calls"]
    check(n > 0 and r["up"] == 0 and r["auth_fail"] == n and
          r["terminated_by_lns"] == n and r["cdn"] == n,
          "%s: refusal, Terminate, CDN: %s" % (what, r))


def prologue():
    """the namespaces, or SKIP (and exit) where they cannot be made"""
    if os.geteuid() != 0 or shutil.which("ip") is None:
        print("SKIP: needs root and iproute2 for network namespaces")
        print("1 passed, 0 failed")
        sys.exit(0)
    try:
        bed()
    except ssotest.TestFailure as e:
        teardown()
        print("SKIP: cannot build the namespaces: %s" % e)
        print("1 passed, 0 failed")
        sys.exit(0)
    track(subprocess.Popen(["ip", "netns", "exec", NS["core"],
                            sys.executable, "-c", REFLECTOR]))


def main(_pairs):
    prologue()
    lns = Lns()
    try:
        lns.start()
        # the TUN is up with Loopback0's address and the pool's routes
        addr = nsx("lns", "ip", "-4", "addr", "show", "dev", "ssosub0").stdout
        check("10.80.0.1/32" in addr, "ssosub0 lacks 10.80.0.1/32: %s" % addr)
        routes = nsx("lns", "ip", "route", "show", "dev", "ssosub0").stdout
        check("10.80.1.0/24" in routes and "10.80.0.10/31" in routes,
              "pool routes missing: %s" % routes)
        check(lns.pool() == (POOL_SIZE, 0), "pool not all free at start")

        # 1, 2: CHAP
        run_calls(lns, "alice", "alicepw", "CHAP")

        # shows while calls are up
        p = keep_calls(lns, 3)
        subs = lns.ctl("show", "subscriber", "session")["sessions"]
        want = {"tunnel_id", "session_id", "username", "ipv4", "lcp_state",
                "ipcp_state", "auth", "mru", "magic_local", "magic_peer",
                "uptime_ms", "rx_packets", "tx_packets", "rx_bytes",
                "tx_bytes"}
        check(set(subs[0]) == want, "show subscriber session fields: %s"
              % sorted(subs[0]))
        check(all(s["username"] == "alice" and s["auth"] == "chap" and
                  s["lcp_state"] == "Opened" and s["ipv4"].startswith(
                      "10.80.") and s["magic_local"] != 0 for s in subs),
              "subscriber rows: %s" % subs)
        check(lns.pool() == (POOL_SIZE - 3, 3), "pool in use: %s"
              % (lns.pool(),))
        text = lns.ctl("show", "ppp", "all", json_=False)
        check("Interface/ID" in text and text.count("LocalT") == 3 and
              "alice" in text, "show ppp all:\n%s" % text)
        one = lns.ctl("show", "subscriber", "session", "detail", "username",
                      "alice")
        check(len(one["sessions"]) == 3, "detail username: %s" % one)
        check(len(lns.ctl("show", "subscriber", "session", "username",
                          "nobody")["sessions"]) == 0, "username filter")
        # 5: clear l2tp session: Terminate-Request first, then the CDN
        s0 = subs[0]
        lns.ctl("clear", "l2tp", "session", "id", s0["tunnel_id"],
                s0["session_id"])
        wait_for(lambda: lns.ctl("show", "subscriber", "session")["total"]
                 == 2, 20, "the cleared subscriber to go")
        r = end_kept(p, "kept calls")
        check(r["terminated_by_lns"] == 1 and r["cdn"] == 3,
              "clear: the LNS's Terminate-Request then CDN: %s" % r)
        all_free(lns)

        # 4: wrong password, CHAP
        refused(lac("-t", "1", "-n", "2", "-u", "alice", "-p", "wrong", "-c",
                    "0"), "CHAP wrong password")
        all_free(lns)

        # 3: PAP after a reload; authentication debugging on, so that the
        # log check below (no password) sees every PAP request logged
        lns.write("pap")
        lns.ctl("reload")
        check(lns.ctl("debug", "ppp", "authentication")["on"] is True,
              "debug ppp authentication")
        run_calls(lns, "alice", "alicepw", "PAP")
        refused(lac("-t", "1", "-n", "2", "-u", "mallory", "-p", "x", "-c",
                    "0"), "PAP unknown user")
        all_free(lns)

        keepalive(lns)

        # 8: the LAC hangs up (CDN) under live PPP: everything is freed
        p = keep_calls(lns, 3, "-C")
        r = end_kept(p, "CDN from the LAC")
        check(r["cdn"] == 3 and r["terminated_by_lns"] == 0,
              "CDN from the LAC: %s" % r)
        all_free(lns)

        # 6: counters and no password anywhere
        c = lns.ctl("show", "ppp", "counters")
        check(c["auth_fail"] >= 4 and "ppp_drops" in c and "data_drops" in c,
              "show ppp counters: %s" % c)
        check("drops" in lns.ctl("show", "l2tp", "counters"), "l2tp counters")
        rc = lns.ctl("show", "running-config", json_=False)
        check("alicepw" not in rc and "username alice password <hidden>" in
              rc, "running-config shows the password:\n%s" % rc)
        with open(lns.log) as f:
            log = f.read()
        check("PAP: request from \"alice\"" in log, "debug ppp "
              "authentication logged no PAP request")
        check("alicepw" not in log, "a password in the log")
    except Exception:
        lns.dump()
        raise
    finally:
        teardown()


if __name__ == "__main__":
    ssotest.run(main)
