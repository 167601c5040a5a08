"""ppphelp - PPP test beds: network namespaces, l2tpns + FreeRADIUS as an
independent LNS, the UDP reflector, and a tshark check of every PPP frame.

Bed (names unique per run: peer-<pid>-<rand>-lac / -lns):

  lac namespace   veth 10.61.0.2/24 ------ veth 10.61.0.1/24  lns namespace
  (l2tp-peer)                                (l2tpns, FreeRADIUS on lo,
                                              the reflector on 10.62.0.1,
                                              an address on lo)

l2tpns reads its files from a fixed /etc/l2tpns: they are written to
/etc/netns/<lns namespace>/l2tpns, which `ip netns exec` bind-mounts
there (removed at the end). FreeRADIUS runs from a copy of the system's
configuration under a temp dir (`freeradius -d DIR`), with our users file
and a client entry for l2tpns; /etc/freeradius is never written.

PppCapture: tshark in a namespace on one interface (the L2TP traffic),
then every frame carrying PPP (LCP/PAP/CHAP/IPCP inside L2TP) is checked:
none malformed, none with an expert error; counts per protocol and code,
per direction (by UDP source address).
"""
import atexit
import ipaddress
import json
import os
import random
import shutil
import signal
import subprocess
import tempfile

import ssotest
from ssotest import TestFailure, check, track, wait_for
from l2tp_tshark import Capture

LAC_ADDR = "10.61.0.2"
LNS_ADDR = "10.61.0.1"
REFLECTOR = "10.62.0.1"
POOL = "10.63.0.0/24"
RADIUS_SECRET = "peer-radius-secret"
TSHARK = shutil.which("tshark")

# the one virtual server: local users, PAP and CHAP-MD5, nothing else
SITE = """server default {
  listen {
    type = auth
    ipaddr = 127.0.0.1
    port = 1812
  }
  authorize {
    files
    pap
    chap
  }
  authenticate {
    Auth-Type PAP {
      pap
    }
    Auth-Type CHAP {
      chap
    }
  }
  post-auth {
  }
}
"""


def sh(*cmd, check_rc=True, timeout=30):
    r = subprocess.run([str(c) for c in cmd], capture_output=True,
                       text=True, timeout=timeout)
    if check_rc and r.returncode != 0:
        raise TestFailure("%s: %s" % (" ".join(map(str, cmd)),
                                      r.stderr.strip()))
    return r


def netns_unavailable():
    """Why two namespaces with a veth cannot be made here, or None."""
    if os.geteuid() != 0:
        return "not root"
    if not shutil.which("ip"):
        return "iproute2 not installed"
    name = "peer-probe-%x" % random.randrange(1 << 32)
    r = subprocess.run(["ip", "netns", "add", name], capture_output=True,
                       text=True)
    if r.returncode != 0:
        return "cannot create a network namespace: %s" % r.stderr.strip()
    try:
        r = subprocess.run(["ip", "-n", name, "link", "add", "name", "pva", "type",
                            "veth", "peer", "name", "pvb"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            return "cannot create a veth pair: %s" % r.stderr.strip()
        if not os.path.exists("/dev/net/tun"):
            return "no /dev/net/tun"
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)
    return None


def l2tpns_unavailable():
    for tool in ("l2tpns", "freeradius"):
        if not shutil.which(tool):
            return "%s not installed (tools/install-deps)" % tool
    return None


class Bed:
    """Two namespaces joined by a veth; the lns one has the reflector's
    address on lo."""

    def __init__(self, tag="peer", lac=LAC_ADDR, lns=LNS_ADDR, core=None,
                 pool=None):
        """core=(lns side, core side) adds a third namespace behind the
        lns one (veth 2/24 each side), routing pool through the lns."""
        self.tag = "%s-%d-%04x" % (tag, os.getpid(), random.randrange(1 << 16))
        self.lac = self.tag + "-lac"
        self.lns = self.tag + "-lns"
        self.core = self.tag + "-core" if core else None
        self.etc = []
        self.tmp = tempfile.mkdtemp(prefix=self.tag + "-")
        atexit.register(self.cleanup)
        for ns in (self.lac, self.lns, self.core):
            if ns:
                sh("ip", "netns", "add", ns)
                sh("ip", "-n", ns, "link", "set", "lo", "up")
        self.link(self.lac, "veth0", lac, self.lns, "veth1", lns)
        if core:
            self.link(self.lns, "core0", core[0], self.core, "core1",
                      core[1])
            sh("ip", "-n", self.core, "route", "add", pool, "via", core[0])
        sh("ip", "-n", self.lns, "addr", "add", REFLECTOR + "/32", "dev", "lo")
        sh("ip", "netns", "exec", self.lns, "sysctl", "-qw",
           "net.ipv4.ip_forward=1")

    def link(self, ns_a, dev_a, addr_a, ns_b, dev_b, addr_b):
        """a veth between two namespaces, /24 addresses, permanent
        neighbours (no loss of a first burst while ARP resolves)"""
        sh("ip", "-n", ns_a, "link", "add", dev_a, "type", "veth", "peer",
           "name", dev_b, "netns", ns_b)
        for ns, dev, a in ((ns_a, dev_a, addr_a), (ns_b, dev_b, addr_b)):
            sh("ip", "-n", ns, "addr", "add", a + "/24", "dev", dev)
            sh("ip", "-n", ns, "link", "set", dev, "up")
        mac = {}
        for ns, dev in ((ns_a, dev_a), (ns_b, dev_b)):
            mac[dev] = sh("ip", "-n", ns, "-br", "link", "show", "dev",
                          dev).stdout.split()[2]
        for ns, dev, a, other in ((ns_a, dev_a, addr_b, dev_b),
                                  (ns_b, dev_b, addr_a, dev_a)):
            sh("ip", "-n", ns, "neigh", "replace", a, "lladdr", mac[other],
               "dev", dev, "nud", "permanent")

    def cmd(self, ns, *argv):
        return ["ip", "netns", "exec", ns] + [str(a) for a in argv]

    def etc_dir(self, ns, name):
        """/etc/netns/NS/NAME: seen as /etc/NAME inside NS."""
        d = os.path.join("/etc/netns", ns, name)
        os.makedirs(d, exist_ok=True)
        self.etc.append(os.path.join("/etc/netns", ns))
        return d

    def pids_in(self, ns):
        r = sh("ip", "netns", "pids", ns, check_rc=False)
        return [int(p) for p in r.stdout.split()]

    def cleanup(self):
        names = [ns for ns in (self.lac, self.lns, self.core) if ns]
        for ns in names:
            for pid in self.pids_in(ns):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        for ns in names:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        for d in self.etc:
            shutil.rmtree(d, ignore_errors=True)
        self.etc = []
        shutil.rmtree(self.tmp, ignore_errors=True)


class Reflector:
    """l2tp-peer --echo in a namespace."""

    def __init__(self, bed, ns, addr, port):
        self.err = tempfile.NamedTemporaryFile(prefix="peer-echo-",
                                               delete=False)
        self.out = tempfile.NamedTemporaryFile(prefix="peer-echo-",
                                               delete=False)
        self.proc = track(subprocess.Popen(
            bed.cmd(ns, os.path.join(ssotest.BIN, "l2tp-peer"), "--echo",
                    "%s:%d" % (addr, port)),
            stdout=self.out, stderr=self.err, stdin=subprocess.DEVNULL))
        wait_for(lambda: "ready echo=" in self._read(self.err.name), 10,
                 "the reflector to be ready", lambda: self._read(
                     self.err.name))

    @staticmethod
    def _read(path):
        with open(path, errors="replace") as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=10)
        out = self._read(self.out.name)
        check(self.proc.returncode == 0, "the reflector exited %d: %s"
              % (self.proc.returncode, self._read(self.err.name)[-800:]))
        for f in (self.out.name, self.err.name):
            os.unlink(f)
        for ln in out.splitlines():
            if ln.startswith("echoed "):
                return int(ln.split()[1])
        return 0


class Radius:
    """FreeRADIUS in the lns namespace on 127.0.0.1, from a private copy
    of the system configuration with our users and client."""

    def __init__(self, bed, users):
        self.dir = tempfile.mkdtemp(prefix="peer-radius-")
        raddb = os.path.join(self.dir, "raddb")
        shutil.copytree("/etc/freeradius/3.0", raddb, symlinks=True)
        # what we do not need and what wants files we lack (TLS certs)
        for rel in ("mods-enabled/eap", "sites-enabled/inner-tunnel"):
            p = os.path.join(raddb, rel)
            if os.path.lexists(p):
                os.unlink(p)
        os.makedirs(os.path.join(self.dir, "log"))
        os.makedirs(os.path.join(self.dir, "run"))
        conf = os.path.join(raddb, "radiusd.conf")
        with open(conf) as f:
            lines = f.read().splitlines()
        out = []
        for ln in lines:
            s = ln.strip()
            if s.startswith("raddbdir ="):
                ln = "raddbdir = %s" % raddb
            elif s.startswith("logdir ="):
                ln = "logdir = %s/log" % self.dir
            elif s.startswith("run_dir ="):
                ln = "run_dir = %s/run" % self.dir
            elif s.startswith("user =") or s.startswith("group ="):
                ln = "#" + ln
            out.append(ln)
        with open(conf, "w") as f:
            f.write("\n".join(out) + "\n")
        with open(os.path.join(raddb, "clients.conf"), "w") as f:
            f.write("client l2tpns {\n ipaddr = 127.0.0.1\n secret = %s\n}\n"
                    % RADIUS_SECRET)
        site = os.path.join(raddb, "sites-enabled", "default")
        os.unlink(site)
        with open(site, "w") as f:
            f.write(SITE)
        with open(os.path.join(raddb, "mods-config", "files", "authorize"),
                  "w") as f:
            for u, pw in users:
                f.write('%s Cleartext-Password := "%s"\n' % (u, pw))
        self.log = os.path.join(self.dir, "radiusd.out")
        self.proc = track(subprocess.Popen(
            bed.cmd(bed.lns, "freeradius", "-f", "-X", "-d", raddb),
            stdout=open(self.log, "w"), stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL))
        wait_for(self.ready, 30, "FreeRADIUS to be ready",
                 lambda: self.text()[-1500:])

    def text(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def ready(self):
        if self.proc.poll() is not None:
            raise TestFailure("freeradius exited: %s" % self.text()[-3000:])
        return "Ready to process requests" in self.text()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class L2tpns:
    """Debian's l2tpns in the lns namespace: TUN only, RADIUS on
    127.0.0.1, our pool; authtypes is "pap", "chap" or "pap,chap"."""

    def __init__(self, bed, authtypes, bind=LNS_ADDR, secret=RADIUS_SECRET,
                 radius_port=1812, pool=POOL):
        self.bed = bed
        etc = bed.etc_dir(bed.lns, "l2tpns")
        self.logdir = tempfile.mkdtemp(prefix="peer-l2tpns-")
        self.logfile = os.path.join(self.logdir, "l2tpns.log")
        with open(os.path.join(etc, "startup-config"), "w") as f:
            f.write("\n".join([
                "set debug 3",
                'set log_file "%s"' % self.logfile,
                'set pid_file "%s/l2tpns.pid"' % self.logdir,
                'set bind_address %s' % bind,
                'set cluster_interface veth1',
                # no peer to elect: master after 1 s, not the default 15 s
                'set cluster_hb_timeout 10',
                'set primary_dns 10.99.0.1',
                'set secondary_dns 10.99.0.2',
                'set primary_radius 127.0.0.1',
                'set primary_radius_port %d' % radius_port,
                'set radius_secret "%s"' % secret,
                'set radius_accounting no',
                'set radius_authtypes "%s"' % authtypes,
                'set cli_bind_address 127.0.0.1',
                'set ppp_keepalive yes',
                'set allow_duplicate_users yes',
                'set random_device "/dev/urandom"',
                ""]))
        with open(os.path.join(etc, "ip_pool"), "w") as f:
            f.write(pool + "\n")
        with open(os.path.join(etc, "users"), "w") as f:
            f.write("")
        self.proc = track(subprocess.Popen(
            bed.cmd(bed.lns, "l2tpns", "-c", "/etc/l2tpns/startup-config"),
            stdout=open(os.path.join(self.logdir, "stdout"), "w"),
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL))

    def text(self):
        try:
            with open(self.logfile, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def alive(self):
        if self.proc.poll() is not None:
            raise TestFailure("l2tpns exited (%s): %s" % (
                self.proc.returncode, self.text()[-3000:]))
        return True

    def cleanup(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.logdir, ignore_errors=True)


class PppCapture(Capture):
    """tshark on one interface of a namespace (l2tp_tshark's Capture:
    stop, read, cleanup); checks every PPP frame inside L2TP (UDP port
    1701 either way)."""

    PROTOS = {"lcp": "LCP", "pap": "PAP", "chap": "CHAP", "ipcp": "IPCP"}

    def __init__(self, bed, ns, iface, port=1701):
        self.dir = tempfile.mkdtemp(prefix="peer-tshark-")
        self.pcap = os.path.join(self.dir, "ppp.pcapng")
        self.err = os.path.join(self.dir, "tshark.err")
        self.port = port
        self.ports = [port]
        # -w in a directory tshark (dumpcap) can write as root
        os.chmod(self.dir, 0o777)
        self.proc = track(subprocess.Popen(
            bed.cmd(ns, TSHARK, "-n", "-i", iface, "-f",
                    "udp port %d" % port, "-w", self.pcap),
            stdout=subprocess.DEVNULL, stderr=open(self.err, "w"),
            stdin=subprocess.DEVNULL))
        wait_for(lambda: self._alive() and "Capturing on" in self._err(),
                 20, "tshark to start capturing")
        self.marker(bed, ns, iface)

    MARK_PORT = 44198

    def marker(self, bed, ns, iface):
        """tshark says "Capturing on" a little before it captures: a
        datagram (empty, to iface's subnet broadcast, port 1701, from
        MARK_PORT) is sent until it is in the file, so what follows is
        captured. Nothing bound to a unicast address receives it."""
        out = sh(*bed.cmd(ns, "ip", "-4", "-o", "addr", "show", "dev",
                          iface)).stdout.split()
        check("inet" in out, "no IPv4 address on %s: %r" % (iface, out))
        brd = ipaddress.ip_interface(out[out.index("inet") + 1]).network
        code = ("import socket; s=socket.socket(socket.AF_INET,"
                "socket.SOCK_DGRAM); s.setsockopt(socket.SOL_SOCKET,"
                "socket.SO_BROADCAST, 1); s.bind(('', %d)); "
                "s.sendto(b'', ('%s', %d))"
                % (self.MARK_PORT, brd.broadcast_address, self.port))

        def seen():
            sh(*bed.cmd(ns, "python3", "-c", code))
            return self.read("udp.srcport == %d" % self.MARK_PORT)
        wait_for(seen, 20, "tshark to capture a marker datagram")

    CODE = {"lcp": "ppp.code", "pap": "pap.code", "chap": "chap.code",
            "ipcp": "ppp.code"}

    def check_ppp(self, direction, what):
        """Every PPP frame matching direction (a display filter, e.g.
        "udp.dstport == 1701") decodes: none malformed or with an expert
        error. Returns {(protocol, code): count} of its control frames."""
        ours = "(%s) && l2tp && ppp" % direction
        bad = "_ws.malformed || _ws.expert.severity >= \"Error\""
        broken = self.read("(%s) && (%s)" % (ours, bad),
                           "_ws.expert.message", "_ws.col.info")
        check(not broken, "%s: malformed / expert error in PPP frames: %r"
              % (what, broken[:10]))
        seen = {}
        for proto, name in self.PROTOS.items():
            for row in self.read("(%s) && %s" % (ours, proto),
                                 self.CODE[proto]):
                code = row[1] if len(row) > 1 else "?"
                seen[(name, code)] = seen.get((name, code), 0) + 1
        data = self.read("(%s) && !(%s)" % (ours, " || ".join(self.PROTOS)))
        print("tshark: %s sent %d PPP control frames %s and %d other PPP "
              "frames (IP), all well-formed"
              % (what, sum(seen.values()), sorted(seen.items()), len(data)))
        return seen

    PROBE_PORT = 44199

    def send_probe(self, bed, ns, dst):
        """A bad frame the check must see: an L2TP data message carrying
        an LCP Configure-Request whose Length (20) overruns the frame."""
        pkt = bytes([0x00, 0x02, 0x00, 0x01, 0x00, 0x01,     # L2TP data
                     0xff, 0x03, 0xc0, 0x21,                 # PPP, LCP
                     0x01, 0x01, 0x00, 0x14, 0x01, 0x04, 0x05, 0xdc])
        code = ("import socket,sys; s=socket.socket(socket.AF_INET,"
                "socket.SOCK_DGRAM); s.bind(('', %d)); "
                "s.sendto(bytes.fromhex(sys.argv[1]), ('%s', %d))"
                % (self.PROBE_PORT, dst, self.port))
        sh(*bed.cmd(ns, "python3", "-c", code, pkt.hex()))
        # in the file before the capture stops (the last frames too)
        wait_for(lambda: self.read("udp.srcport == %d" % self.PROBE_PORT),
                 20, "tshark to write the probe frame")

    def check_probe(self):
        """The check flags the probe (run after stop())."""
        bad = "_ws.malformed || _ws.expert.severity >= \"Error\""
        seen = self.read("udp.srcport == %d && l2tp && ppp && (%s)"
                         % (self.PROBE_PORT, bad), "_ws.col.info")
        check(seen, "the deliberately truncated LCP frame was not flagged "
              "by the check")

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def peer_args(server, user, pw, *extra):
    """l2tp-peer's PPP client options, JSON report"""
    return ["--server", server, "--ppp", "--user", user, "--password", pw,
            "--json"] + [str(a) for a in extra]


def report(rc, out, err, what):
    """l2tp-peer's --json report (its last line of stdout)"""
    try:
        return json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise TestFailure("%s: no JSON report (rc %d): %s / %s"
                          % (what, rc, out[-500:], err[-1500:]))


def data_run(bed, server, user, pw, auth, tunnels, calls, reflector, rate,
             *extra):
    """tunnels x calls PPP calls with UDP frames to the reflector for 3 s:
    no failure, every call up and authenticated, distinct addresses, DNS
    on each, every frame back and well-formed. Returns the report."""
    n = tunnels * calls
    rc, out, err = run_peer(
        bed, *peer_args(server, user, pw, "--auth", auth, "--tunnels",
                        tunnels, "--sessions", calls, "--reflector",
                        reflector, "--data-rate", rate, "--duration", 3,
                        "--setup-timeout", 60, *extra), timeout=120)
    r = report(rc, out, err, auth)
    p = r["ppp"]
    check(rc == 0 and r["failures_total"] == 0,
          "%s: %d failures: %r / %s" % (auth, r["failures_total"],
                                       r["failures"][:5], err[-800:]))
    check(r["sessions_up"] == n and p["ipcp_up"] == n,
          "%s: %d of %d calls up" % (auth, r["sessions_up"], n))
    check(p["auth"] == auth and p["auth_ok"] == n and
          p["auth_failures"] == 0, "%s: auth figures %r" % (auth, p))
    check(p["addresses_distinct"] == n and p["dns_got"] == n,
          "%s: addresses / DNS: %r" % (auth, p))
    check(r["data_sent"] > 0 and r["data_lost"] == 0 and
          r["data_bad"] == 0 and r["data_duplicates"] == 0 and
          p["ip_bad"] == 0,
          "%s: reflected UDP: sent %d received %d bad %d (ip_bad %d)"
          % (auth, r["data_sent"], r["data_received"], r["data_bad"],
             p["ip_bad"]))
    return r


class Peer:
    """l2tp-peer in the background in the lac namespace (a --tun or
    --duration 0 run): its stderr in a file, waited on by text, stopped
    with SIGTERM for its report."""

    def __init__(self, bed, *argv):
        self.errf = tempfile.TemporaryFile(mode="w+")
        self.proc = track(subprocess.Popen(
            bed.cmd(bed.lac, os.path.join(ssotest.BIN, "l2tp-peer"), *argv),
            stdout=subprocess.PIPE, stderr=self.errf,
            stdin=subprocess.DEVNULL, text=True))

    def err(self):
        self.errf.seek(0)
        return self.errf.read()

    def wait(self, text, timeout, what):
        """the stderr line that starts with text (the process alive)"""
        def seen():
            check(self.proc.poll() is None, "l2tp-peer exited (%s): %s"
                  % (self.proc.returncode, self.err()[-1500:]))
            return [ln for ln in self.err().splitlines() if text in ln]
        return wait_for(seen, timeout, what, self.err)[0]

    def ping(self, ns_cmd, dst, *opts):
        """3 pings through the session: none lost; the rtt line"""
        r = subprocess.run(ns_cmd("ping", "-c", "3", "-i", "0.2", "-W", "2",
                                  *opts, dst), capture_output=True,
                           text=True, timeout=30)
        check(r.returncode == 0 and " 0% packet loss" in r.stdout,
              "ping %s through the session failed: %s %s"
              % (dst, r.stdout, r.stderr))
        return [ln for ln in r.stdout.splitlines() if "min/avg" in ln]

    def stop(self, want_rc=0):
        """SIGTERM: the report; the exit status must be want_rc"""
        self.proc.send_signal(signal.SIGTERM)
        out, _ = self.proc.communicate(timeout=30)
        rep = report(self.proc.returncode, out, self.err(), "l2tp-peer")
        check(self.proc.returncode == want_rc, "l2tp-peer exited %d, not %d:"
              " failures %r / %s" % (self.proc.returncode, want_rc,
                                    rep["failures"][:5], self.err()[-800:]))
        return rep


def run_peer(bed, *argv, timeout=120):
    """l2tp-peer in the lac namespace to the end; (rc, report, stderr)."""
    cmd = bed.cmd(bed.lac, os.path.join(ssotest.BIN, "l2tp-peer"), *argv)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return r.returncode, r.stdout, r.stderr
