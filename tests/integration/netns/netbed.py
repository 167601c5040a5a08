"""netbed - a network-namespace test bed for ssod (issue 6).

Three namespaces: unit 0, unit 1 and the L2TP peer. The "service LAN" is a
Linux bridge in the peer's namespace joining a veth from each unit
(10.77.0.10 and .11) and the peer itself (10.77.0.2); the L2TP service
address 10.77.0.100 moves with the active role through ssod's notify hook
(vip-notify: `ip addr replace` + unsolicited ARP). The inter-RP link is a
separate veth pair between the units (10.78.0.1 - 10.78.0.2) on which tests
apply tc netem (loss, duplication, reordering, delay; where the kernel has
sch_netem) or cut it (both ends down: the cable pulled).

Killing a unit with SIGKILL leaves its namespace with the address; the bed
models the dead RP's interface going dark with power_off(u), which takes
the address and the carrier away (power_on(u) restores the carrier).
Everything is torn down at the end, whatever happens."""
import atexit
import os
import random
import shutil
import subprocess

import ssotest
from ssotest import Pair

HERE = os.path.dirname(os.path.abspath(__file__))
NOTIFY = os.path.join(HERE, "vip-notify")
VIP = "10.77.0.100"
PEER = "10.77.0.2"
SVC = ["10.77.0.10", "10.77.0.11"]
RP = ["10.78.0.1", "10.78.0.2"]


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
    if not shutil.which("ip") or not shutil.which("tc"):
        return "iproute2 (ip, tc) not installed"
    name = "ssotprobe%d" % random.randrange(1 << 20)
    r = subprocess.run(["ip", "netns", "add", name], capture_output=True,
                       text=True)
    if r.returncode != 0:
        return "cannot create a network namespace: %s" % r.stderr.strip()
    subprocess.run(["ip", "netns", "del", name], capture_output=True)
    return None


class Bed:
    def __init__(self):
        t = "%05x" % random.randrange(1 << 20)
        self.tag = t
        self.ns = ["ssot%s-u0" % t, "ssot%s-u1" % t, "ssot%s-peer" % t]
        self.svc_if = ["svc0", "svc1"]
        self.rp_if = ["rp0", "rp1"]
        atexit.register(self.teardown)
        for n in self.ns:
            sh("ip", "netns", "add", n)
            sh("ip", "-n", n, "link", "set", "lo", "up")
        peer = self.ns[2]
        sh("ip", "-n", peer, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", peer, "addr", "add", PEER + "/24", "dev", "br0")
        sh("ip", "-n", peer, "link", "set", "br0", "up")
        for u in (0, 1):
            a, b = "s%s%d" % (t, u), "b%s%d" % (t, u)
            sh("ip", "link", "add", a, "type", "veth", "peer", "name", b)
            sh("ip", "link", "set", a, "netns", self.ns[u])
            sh("ip", "link", "set", b, "netns", peer)
            sh("ip", "-n", self.ns[u], "link", "set", a, "name",
               self.svc_if[u])
            sh("ip", "-n", self.ns[u], "addr", "add", SVC[u] + "/24", "dev",
               self.svc_if[u])
            sh("ip", "-n", self.ns[u], "link", "set", self.svc_if[u], "up")
            sh("ip", "-n", peer, "link", "set", b, "master", "br0")
            sh("ip", "-n", peer, "link", "set", b, "up")
        a, b = "r%s0" % t, "r%s1" % t
        sh("ip", "link", "add", a, "type", "veth", "peer", "name", b)
        for u, n in ((0, a), (1, b)):
            sh("ip", "link", "set", n, "netns", self.ns[u])
            sh("ip", "-n", self.ns[u], "link", "set", n, "name",
               self.rp_if[u])
            sh("ip", "-n", self.ns[u], "addr", "add", RP[u] + "/30", "dev",
               self.rp_if[u])
            sh("ip", "-n", self.ns[u], "link", "set", self.rp_if[u], "up")

    def run(self, u, cmd):
        """argv running cmd in namespace u (0, 1, or 2 = peer)."""
        return ["ip", "netns", "exec", self.ns[u]] + [str(c) for c in cmd]

    def has_vip(self, u):
        r = sh("ip", "-n", self.ns[u], "-4", "addr", "show", "dev",
               self.svc_if[u])
        return (VIP + "/") in r.stdout

    def netem(self, spec):
        """tc netem on both ends of the inter-RP link (spec: a list)."""
        for u in (0, 1):
            sh("ip", "netns", "exec", self.ns[u], "tc", "qdisc", "replace",
               "dev", self.rp_if[u], "root", "netem", *spec)

    def netem_available(self):
        """None, or why tc netem cannot be used (kernel without
        sch_netem)."""
        r = sh("ip", "netns", "exec", self.ns[2], "tc", "qdisc", "add",
               "dev", "lo", "root", "netem", "loss", "1%", check=False)
        if r.returncode != 0:
            return r.stderr.strip() or "tc netem failed"
        sh("ip", "netns", "exec", self.ns[2], "tc", "qdisc", "del", "dev",
           "lo", "root", check=False)
        return None

    def heal(self):
        for u in (0, 1):
            sh("ip", "netns", "exec", self.ns[u], "tc", "qdisc", "del",
               "dev", self.rp_if[u], "root", check=False)
            sh("ip", "-n", self.ns[u], "link", "set", self.rp_if[u], "up")

    def cut(self):
        """The inter-RP cable pulled: both ends lose carrier."""
        for u in (0, 1):
            sh("ip", "-n", self.ns[u], "link", "set", self.rp_if[u],
               "down")

    def power_off(self, u):
        """A dead RP: its service interface goes dark (no carrier on the
        LAN, no address)."""
        sh("ip", "-n", self.ns[u], "addr", "del", VIP + "/24", "dev",
           self.svc_if[u], check=False)
        sh("ip", "-n", self.ns[u], "link", "set", self.svc_if[u], "down")

    def power_on(self, u):
        sh("ip", "-n", self.ns[u], "link", "set", self.svc_if[u], "up")

    def teardown(self):
        for n in self.ns:
            # processes still in the namespace are ours: the pair and peer
            r = subprocess.run(["ip", "netns", "pids", n],
                               capture_output=True, text=True)
            for pid in r.stdout.split():
                try:
                    os.kill(int(pid), 9)
                except OSError:
                    pass
            subprocess.run(["ip", "netns", "del", n], capture_output=True)


class NsPair(Pair):
    """An ssod pair whose units live in the bed's namespaces, talk over the
    inter-RP veth and serve L2TP on the floating address."""

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
