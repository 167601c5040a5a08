"""netbed - a network-namespace test bed for ssod (issue 6).

Three namespaces per bed, named ssot-TAG-u0, ssot-TAG-u1 and ssot-TAG-peer
(TAG unique per run: our pid and random bits):

  service LAN 10.77.0.0/24   a Linux bridge (br0) in the peer namespace
                             joins a veth from each unit (svc0 10.77.0.10,
                             svc1 10.77.0.11); the peer's own address,
                             10.77.0.2, is on the bridge. The L2TP service
                             address 10.77.0.100/24 belongs to the active:
                             ssod's notify hook (vip-notify) adds it with
                             `ip addr replace` and unsolicited ARP, and
                             removes it on standby/stop.
  inter-RP link 10.78.0.0/30 rp0 (10.78.0.1, unit 0) - rp1 (10.78.0.2,
                             unit 1), point to point, carrying both
                             ZeroMQ links. Where the kernel has sch_netem
                             it is a veth pair and impair() applies
                             `tc qdisc ... netem` on both ends; otherwise
                             (this project's machine) it is two TAP
                             devices joined by linkrelay.py, which applies
                             the same loss/duplicate/delay/reorder in
                             user space. SSO_NETNS_LINK=veth|relay forces
                             one. cut() pulls the cable (both ends down),
                             heal() plugs it back and clears impairments.

A SIGKILLed unit cannot run its `stop` hook, so its namespace keeps the
service address; power_off(u) models the dead RP: its service interface
loses the address and goes down (no carrier). The new active's `active`
hook takes the address over regardless and its unsolicited ARP steers the
peer and the bridge.

Everything is torn down at the end, whatever happens (atexit as well):
the processes in the bed's namespaces (ours: the bed's names are unique)
are killed, then the namespaces deleted, which deletes every interface.
"""
import atexit
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

import ssotest
from ssotest import Pair

HERE = os.path.dirname(os.path.abspath(__file__))
NOTIFY = os.path.join(HERE, "vip-notify")
RELAY = os.path.join(HERE, "linkrelay.py")
VIP = "10.77.0.100"
PEER = "10.77.0.2"
SVC = ["10.77.0.10", "10.77.0.11"]
RP = ["10.78.0.1", "10.78.0.2"]
L2TP_PORT = 1701


def sh(*cmd, check=True):
    r = subprocess.run([str(c) for c in cmd], capture_output=True,
                       text=True, timeout=30)
    if check and r.returncode != 0:
        raise ssotest.TestFailure("%s: %s" % (" ".join(map(str, cmd)),
                                             r.stderr.strip()))
    return r


def unavailable():
    """Why the bed cannot be built here, or None."""
    if os.geteuid() != 0:
        return "not root"
    for tool in ("ip", "tc"):
        if not shutil.which(tool):
            return "iproute2 (%s) not installed" % tool
    name = "ssot-probe-%x" % random.randrange(1 << 32)
    r = subprocess.run(["ip", "netns", "add", name], capture_output=True,
                       text=True)
    if r.returncode != 0:
        return "cannot create a network namespace: %s" % r.stderr.strip()
    try:
        r = subprocess.run(["ip", "-n", name, "link", "add", "br0", "type",
                            "bridge"], capture_output=True, text=True)
        if r.returncode != 0:
            return "cannot create a bridge: %s" % r.stderr.strip()
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)
    return None


def netem_missing(ns):
    """None, or why tc netem cannot be used (kernel without sch_netem)."""
    r = sh("ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", "lo",
           "root", "netem", "loss", "1%", check=False)
    if r.returncode != 0:
        return r.stderr.strip() or "tc netem failed"
    sh("ip", "netns", "exec", ns, "tc", "qdisc", "del", "dev", "lo", "root",
       check=False)
    return None


class Bed:
    def __init__(self, link=None, prefix="ssot"):
        self.tag = "%x%02x" % (os.getpid(), random.randrange(256))
        self.ns = ["%s-%s-%s" % (prefix, self.tag, n) for n in ("u0", "u1",
                                                            "peer")]
        self.svc_if = ["svc0", "svc1"]
        self.rp_if = ["rp0", "rp1"]
        self.relay = None
        self.made = []
        atexit.register(self.teardown)
        for n in self.ns:
            sh("ip", "netns", "add", n)
            self.made.append(n)
            sh("ip", "-n", n, "link", "set", "lo", "up")
        self._service_lan()
        link = link or os.environ.get("SSO_NETNS_LINK")
        self.netem_why = netem_missing(self.ns[2])
        if link is None:
            link = "relay" if self.netem_why else "veth"
        self.link = link
        if link == "veth":
            sh("ip", "-n", self.ns[0], "link", "add", "rp0", "type", "veth",
               "peer", "name", "rp1", "netns", self.ns[1])
        elif link == "relay":
            self._relay_link()
        else:
            raise ssotest.TestFailure("SSO_NETNS_LINK: veth or relay")
        for u in (0, 1):
            sh("ip", "-n", self.ns[u], "addr", "add", RP[u] + "/30", "dev",
               self.rp_if[u])
            sh("ip", "-n", self.ns[u], "link", "set", self.rp_if[u], "up")

    def _service_lan(self):
        peer = self.ns[2]
        sh("ip", "-n", peer, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", peer, "addr", "add", PEER + "/24", "dev", "br0")
        sh("ip", "-n", peer, "link", "set", "br0", "up")
        for u in (0, 1):
            lan = "lan%d" % u
            sh("ip", "-n", peer, "link", "add", lan, "type", "veth", "peer",
               "name", self.svc_if[u], "netns", self.ns[u])
            sh("ip", "-n", peer, "link", "set", lan, "master", "br0")
            sh("ip", "-n", peer, "link", "set", lan, "up")
            sh("ip", "-n", self.ns[u], "addr", "add", SVC[u] + "/24", "dev",
               self.svc_if[u])
            sh("ip", "-n", self.ns[u], "link", "set", self.svc_if[u], "up")

    def _relay_link(self):
        """Two TAPs made by linkrelay.py in the peer namespace, then moved
        to the units' namespaces (the relay's descriptors follow them)."""
        self.relay = ssotest.track(subprocess.Popen(
            self.run(2, [sys.executable, RELAY] +
                     (["--seed", os.environ["SSO_SEED"]]
                      if os.environ.get("SSO_SEED") else []) +
                     self.rp_if),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            bufsize=1))
        line = self.relay.stdout.readline()
        if not line.startswith("ready"):
            raise ssotest.TestFailure("linkrelay did not start: %r" % line)
        self.relay_seed = int(line.split()[1])
        for u in (0, 1):
            sh("ip", "-n", self.ns[2], "link", "set", self.rp_if[u], "netns",
               self.ns[u])

    def _relay(self, cmd):
        self.relay.stdin.write(cmd + "\n")
        self.relay.stdin.flush()
        r = json.loads(self.relay.stdout.readline())
        if "error" in r:
            raise ssotest.TestFailure("linkrelay %s: %s" % (cmd, r["error"]))
        return r

    def describe(self):
        if self.link == "veth":
            return "veth + tc netem"
        return "TAP relay, seed %d (%s)" % (
            self.relay_seed, "tc netem unavailable: %s" % self.netem_why
            if self.netem_why else "forced")

    def run(self, u, cmd):
        """argv running cmd in namespace u (0, 1, or 2 = peer)."""
        return ["ip", "netns", "exec", self.ns[u]] + [str(c) for c in cmd]

    def has_vip(self, u):
        r = sh("ip", "-n", self.ns[u], "-4", "addr", "show", "dev",
               self.svc_if[u])
        return (VIP + "/") in r.stdout

    def vip_only_on(self, u):
        return self.has_vip(u) and not self.has_vip(1 - u)

    def mac(self, u):
        r = sh("ip", "-n", self.ns[u], "-j", "link", "show", "dev",
               self.svc_if[u])
        return json.loads(r.stdout)[0]["address"]

    def peer_arp(self):
        """The peer's neighbour entry for the service address (MAC or
        None)."""
        r = sh("ip", "-n", self.ns[2], "-j", "neigh", "show", VIP,
               check=False)
        try:
            return json.loads(r.stdout)[0].get("lladdr")
        except (ValueError, IndexError):
            return None

    def impair(self, loss=0, duplicate=0, delay_ms=0, reorder=0,
               sender=None):
        """The inter-RP link as netem does it: loss, duplicate and reorder
        in percent, delay in ms; in both directions, or only in what unit
        `sender` sends (a one-way fault)."""
        ends = (0, 1) if sender is None else (sender,)
        if self.link == "relay":
            return self._relay("impair dir=%s loss=%s duplicate=%s "
                               "delay=%s reorder=%s" % (
                                   "both" if sender is None else sender,
                                   loss, duplicate, delay_ms, reorder))
        spec = ["loss", "%s%%" % loss, "duplicate", "%s%%" % duplicate]
        if delay_ms:
            spec += ["delay", "%sms" % delay_ms]
            if reorder:
                spec += ["reorder", "%s%%" % reorder, "50%"]
        for u in ends:
            sh("ip", "netns", "exec", self.ns[u], "tc", "qdisc", "replace",
               "dev", self.rp_if[u], "root", "netem", *spec)
        return {"ok": True}

    def link_stats(self):
        """What the impairment did: the relay's counters, or netem's."""
        if self.link == "relay":
            return self._relay("stats")
        out = {}
        for u in (0, 1):
            r = sh("ip", "netns", "exec", self.ns[u], "tc", "-s", "qdisc",
                   "show", "dev", self.rp_if[u], check=False)
            out["rp%d" % u] = " ".join(r.stdout.split())
        return out

    def can_impair(self):
        """None, or why impair() cannot work (veth forced, no netem)."""
        if self.link == "veth" and self.netem_why:
            return "veth link and tc netem unavailable (%s)" % self.netem_why
        return None

    def tcp_retransmits(self, u):
        """RetransSegs of namespace u's TCP (what the kernel repaired
        under the impairment)."""
        r = sh("ip", "netns", "exec", self.ns[u], "cat", "/proc/net/snmp")
        rows = [ln.split()[1:] for ln in r.stdout.splitlines()
                if ln.startswith("Tcp:")]
        return int(dict(zip(rows[0], rows[1]))["RetransSegs"])

    def clear(self):
        if self.link == "relay":
            self._relay("clear")
            return
        for u in (0, 1):
            sh("ip", "netns", "exec", self.ns[u], "tc", "qdisc", "del",
               "dev", self.rp_if[u], "root", check=False)

    def cut(self):
        """The inter-RP cable pulled: both ends lose carrier."""
        for u in (0, 1):
            sh("ip", "-n", self.ns[u], "link", "set", self.rp_if[u], "down")

    def heal(self):
        """The cable back, without impairment."""
        self.clear()
        for u in (0, 1):
            sh("ip", "-n", self.ns[u], "link", "set", self.rp_if[u], "up")

    def power_off(self, u):
        """A dead RP (after SIGKILL): its service interface goes dark,
        without the address the dead process could not release."""
        sh("ip", "-n", self.ns[u], "addr", "del", VIP + "/24", "dev",
           self.svc_if[u], check=False)
        sh("ip", "-n", self.ns[u], "link", "set", self.svc_if[u], "down")

    def power_on(self, u):
        sh("ip", "-n", self.ns[u], "link", "set", self.svc_if[u], "up")

    def teardown(self):
        """Kill what runs in the bed's namespaces (only our processes:
        the names are this run's), then delete them. Idempotent."""
        if self.relay and self.relay.poll() is None:
            self.relay.kill()
            self.relay.wait(timeout=10)
        for n in self.made:
            r = subprocess.run(["ip", "netns", "pids", n],
                               capture_output=True, text=True)
            for pid in r.stdout.split():
                try:
                    os.kill(int(pid), 9)
                except (OSError, ValueError):
                    pass
        for n in self.made:
            subprocess.run(["ip", "netns", "del", n], capture_output=True)
        self.made = []


class NsPair(Pair):
    """An ssod pair whose units live in the bed's namespaces, talk over the
    inter-RP link and serve L2TP on the floating address; the notify hook
    is vip-notify. The control sockets stay in the pair's directory (the
    namespaces share the file system)."""

    def __init__(self, bed, extra_redundancy="", extra_top="", name="ns",
                 keepalive=(100, 3)):
        self.bed = bed
        Pair.__init__(self, extra_redundancy=" notify %s\n%s"
                      % (NOTIFY, extra_redundancy), extra_top=extra_top,
                      name=name, keepalive=keepalive)

    def write_conf(self, extra_redundancy="", extra_top="",
                   keepalive=(100, 3)):
        Pair.write_conf(self, extra_redundancy, extra_top, keepalive)
        with open(self.conf) as f:
            text = f.read()
        for u in (0, 1):
            text = text.replace("tcp://127.0.0.1:%d" % self.ports[u],
                                "tcp://%s:%d" % (RP[u], self.ports[u]))
        with open(self.conf, "w") as f:
            f.write(text)

    def start(self, u, conf=None):
        env = dict(os.environ, SSO_VIP=VIP + "/24",
                   SSO_VIP_DEV=self.bed.svc_if[u])
        log = open(self.logs[u], "a")
        self.procs[u] = ssotest.track(subprocess.Popen(
            self.bed.run(u, [os.path.join(ssotest.BIN, self.binaries[u]),
                             "-f", "-c", conf or self.conf, "-u", u]),
            stdout=log, stderr=subprocess.STDOUT, env=env))
        return self.procs[u]

    def log(self, u):
        with open(self.logs[u]) as f:
            return f.read()


def lns_conf(hello=2):
    """The pair as L2TP LNS on the service address."""
    return ("vpdn enable\nl2tp listen %s %d\nl2tp ack-delay 1\n"
            "vpdn-group lns\n accept-dialin\n  protocol l2tp\n"
            " local name LNS-NS\n l2tp tunnel hello %d\n"
            " l2tp data reflect\n" % (VIP, L2TP_PORT, hello))


class NsLac:
    """A simplex ssod as L2TP LAC in the peer namespace: one tunnel per
    vpdn-group (lac0, lac1, ...) to the service address."""

    def __init__(self, bed, tunnels, hello=1):
        self.bed = bed
        self.dir = tempfile.mkdtemp(prefix="ssot-nslac-")
        os.chmod(self.dir, 0o700)
        self.groups = ["lac%d" % i for i in range(tunnels)]
        self.conf = os.path.join(self.dir, "lac.conf")
        self.logfile = os.path.join(self.dir, "lac.log")
        text = ("hostname LAC\nredundancy\n mode none\n"
                "control socket %s/ctl/unit%%u.ctl\nservice internal\n"
                "vpdn enable\n"
                "l2tp listen %s %d\nl2tp ack-delay 1\n"
                % (self.dir, PEER, L2TP_PORT))
        for g in self.groups:
            text += ("vpdn-group %s\n request-dialin\n protocol l2tp\n"
                     " initiate-to ip %s port %d\n local name %s\n"
                     " l2tp tunnel hello %d\n" % (g, VIP, L2TP_PORT,
                                                  g.upper(), hello))
        with open(self.conf, "w") as f:
            f.write(text)
        self.proc = ssotest.track(subprocess.Popen(
            bed.run(2, [os.path.join(ssotest.BIN, "ssod"), "-f", "-c",
                        self.conf, "-u", 0]),
            stdout=open(self.logfile, "a"), stderr=subprocess.STDOUT))
        ssotest.wait_for(lambda: self.try_ctl("show", "redundancy",
                                              "states"), 20,
                         "the LAC to start")

    def ctl(self, *w):
        r = subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "-s",
                            os.path.join(self.dir, "ctl", "unit0.ctl"),
                            "--json", "-t", "5000"] + [str(x) for x in w],
                           capture_output=True, text=True, timeout=20)
        if r.returncode != 0:
            raise ssotest.TestFailure("LAC %s: %s %s" % (
                " ".join(map(str, w)), r.stdout, r.stderr))
        return json.loads(r.stdout) if r.stdout.strip() else {}

    def try_ctl(self, *w):
        try:
            return self.ctl(*w)
        except (ssotest.TestFailure, subprocess.TimeoutExpired):
            return None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)
