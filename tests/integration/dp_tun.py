#!/usr/bin/env python3
"""libdp's TUN device in a network namespace of its own (ssot-dp-<random>,
deleted at the end, always): the test program test_dp_tun opens the TUN
through the library and configures it through rtnetlink (link up, MTU,
address, route; a duplicate address and a route with host bits refused),
then reflects what the namespace routes into it, reading and writing in
batches. Checked from inside the namespace:
1. `ip` shows the device up with its MTU, the address and the route;
2. an ICMP echo to an address routed into the TUN is answered (echo request read
   by the library, echo reply written and delivered);
3. 20 UDP datagrams sent at once come back, every one, payloads intact;
4. a DF datagram larger than 1000 bytes to port 9 is answered with the
   library's ICMP fragmentation-needed (next-hop MTU 1000), which the
   kernel accepts: the socket's path MTU becomes 1000 (RFC 1191);
5. when the program ends it deletes the route and the address itself.
Prints SKIP with the reason where namespaces cannot be made."""
import json
import os
import random
import select
import signal
import subprocess
import sys

import ssotest
from ssotest import check, track

IFN = "ssodp0"
ADDR = "10.201.0.1"
NET = "10.202.0.0"
FAR = "10.202.0.5"

# run inside the namespace: three ICMP echoes over a raw socket (ping(8)
# is not installed everywhere), each reply checked for id, sequence, data
PING = r"""
import os, socket, struct
def csum(b):
    b += b"\0" * (len(b) %% 2)
    s = sum(struct.unpack("!%%dH" %% (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.settimeout(10)
ident = os.getpid() & 0xffff
for seq in range(3):
    data = b"ssod-dp-%%d" %% seq
    h = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + data
    h = h[:2] + struct.pack("!H", csum(h)) + h[4:]
    s.sendto(h, ("%s", 0))
    while True:
        pkt, a = s.recvfrom(2048)
        icmp = pkt[(pkt[0] & 15) * 4:]
        t, _, _, i, q = struct.unpack("!BBHHH", icmp[:8])
        if t == 0 and i == ident and q == seq:
            assert a[0] == "%s" and icmp[8:] == data and csum(icmp) == 0
            break
print("ping ok")
""" % (FAR, FAR)

# run inside the namespace: UDP batch echo and the path MTU check
UDP_CLIENT = r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("%s", 0))
s.settimeout(10)
sent = [b"dp-%%03d-" %% i + bytes(range(i, i + 40)) for i in range(20)]
for m in sent:
    s.sendto(m, ("%s", 7))
got = [s.recvfrom(2048) for _ in sent]
assert sorted(m for m, _ in got) == sorted(sent), got
assert all(a == ("%s", 7) for _, a in got), got
t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
t.setsockopt(socket.IPPROTO_IP, 10, 2)    # IP_MTU_DISCOVER = DO (DF set)
t.connect(("%s", 9))
t.send(b"x" * 1200)
import time
for _ in range(100):
    try:
        t.send(b"x" * 1200)
    except OSError:
        pass                              # EMSGSIZE once the MTU is known
    mtu = t.getsockopt(socket.IPPROTO_IP, 14)    # IP_MTU
    if mtu == 1000:
        break
    time.sleep(0.05)
print("udp ok mtu", mtu)
""" % (ADDR, FAR, FAR, FAR)


def sh(*cmd, ok=True):
    r = subprocess.run(list(cmd), capture_output=True, text=True,
                       timeout=30)
    if ok and r.returncode != 0:
        raise ssotest.TestFailure("%s: rc %d: %s" % (" ".join(cmd),
                                                     r.returncode, r.stderr))
    return r


def readline(prog, timeout=30):
    """The next stdout line of prog, with a deadline (never hang)."""
    r, _, _ = select.select([prog.stdout], [], [], timeout)
    if not r:
        raise ssotest.TestFailure("test_dp_tun: no output in %ds" % timeout)
    return prog.stdout.readline().strip()


def main(pairs):
    ns = "ssot-dp-%08x" % random.getrandbits(32)
    if os.geteuid() != 0:
        print("SKIP: not root, cannot create network namespaces")
        return
    r = subprocess.run(["ip", "netns", "add", ns], capture_output=True,
                       text=True)
    if r.returncode != 0:
        print("SKIP: ip netns add failed: %s" % r.stderr.strip())
        return
    prog = None
    # a ctest timeout sends SIGTERM: leave through finally, namespace gone
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        nx = ["ip", "netns", "exec", ns]
        sh(*nx, "ip", "link", "set", "lo", "up")
        prog = track(subprocess.Popen(
            nx + [os.path.join(ssotest.BIN, "test_dp_tun"), IFN, ADDR, "32",
                  NET, "24", "1400"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        line = readline(prog)
        check(line == "ready " + IFN,
              "test_dp_tun: %r %s" % (line, prog.stderr.read()
                                      if prog.poll() is not None else ""))
        link = json.loads(sh(*nx, "ip", "-j", "link", "show", IFN).stdout)[0]
        check("UP" in link["flags"] and link["mtu"] == 1400, link)
        addrs = json.loads(sh(*nx, "ip", "-j", "-4", "addr", "show",
                              IFN).stdout)[0]["addr_info"]
        check([(a["local"], a["prefixlen"]) for a in addrs] == [(ADDR, 32)],
              addrs)
        routes = json.loads(sh(*nx, "ip", "-j", "route", "show", "dev",
                               IFN).stdout)
        check(any(x["dst"] == NET + "/24" for x in routes), routes)
        # 2: ping through the TUN (each reply is a packet the library wrote)
        p = sh(*nx, sys.executable, "-c", PING, ok=False)
        check(p.returncode == 0 and "ping ok" in p.stdout,
              "ping: %s %s" % (p.stdout, p.stderr))
        # 3, 4: UDP batch and the ICMP fragmentation-needed
        u = sh(*nx, sys.executable, "-c", UDP_CLIENT, ok=False)
        check(u.returncode == 0 and "udp ok mtu 1000" in u.stdout,
              "udp: %s %s" % (u.stdout, u.stderr))
        # 5: the program removes what it configured (the device stays
        # until it closes the fd)
        prog.stdin.write("quit\n")
        prog.stdin.flush()
        out = readline(prog)
        check(out.startswith("done"), "test_dp_tun: %r" % out)
        print("test_dp_tun:", out)
        n = dict(kv.split("=") for kv in out.split()[1:])
        check(int(n["icmp"]) >= 1 and int(n["written"]) >= 3 + 20 + 1, n)
        routes = json.loads(sh(*nx, "ip", "-j", "route", "show", "dev",
                               IFN).stdout or "[]")
        check(routes == [], "route left: %s" % routes)
        addrs = json.loads(sh(*nx, "ip", "-j", "-4", "addr", "show",
                              IFN).stdout)
        check(all(a.get("addr_info", []) == [] for a in addrs),
              "address left: %s" % addrs)
        prog.stdin.close()
        check(prog.wait(timeout=30) == 0, "test_dp_tun rc %s: %s"
              % (prog.returncode, prog.stderr.read()))
    finally:
        if prog and prog.poll() is None:
            prog.kill()
            prog.wait(timeout=10)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


if __name__ == "__main__":
    ssotest.run(main)
