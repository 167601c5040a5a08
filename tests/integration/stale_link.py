#!/usr/bin/env python3
"""A connection libzmq leaves behind on a router link is freed, and never
aborts the daemon.

libzmq 4.3.4 (Debian 12): when the peer reconnects with its routing id
while the router still holds its old connection, ZMQ_ROUTER_HANDOVER gives
the id to the new connection and ends the old one's pipe; a message that
still arrives on the old connection stops its engine's reading for good.
After the peer closes it, the socket stays in CLOSE-WAIT, and with ZMTP
heartbeats on, libzmq then aborts the process ("Assertion failed:
!_io_error (src/stream_engine_base.cpp:331)"): it killed the standby in
it_netns_failover's one-way fault. Here a ZMTP client (NULL mechanism, so
`security none`) plays unit 0's keepalive DEALER towards unit 1, which
binds the keepalive link's ROUTER, and makes exactly that sequence, three
times: unit 1 must live, count a reopen of the link, log it, and hold no
CLOSE-WAIT connection on its port once it has (chan.c stale_scan())."""
import os
import socket
import struct
from ssotest import Pair, run, check, wait_for

SIGNATURE = b"\xff" + b"\x00" * 8 + b"\x7f"


def greeting():
    # ZMTP 3.0: signature, version 3.0, mechanism NULL, as-server 0
    return SIGNATURE + b"\x03\x00" + b"NULL".ljust(20, b"\x00") + \
        b"\x00" + b"\x00" * 31


def prop(name, value):
    return bytes([len(name)]) + name + struct.pack(">I", len(value)) + value


def frame(body, flags):
    if len(body) < 256:
        return bytes([flags, len(body)]) + body
    return bytes([flags | 0x02]) + struct.pack(">Q", len(body)) + body


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise OSError("closed by the unit during the handshake")
        b += c
    return b


def zmtp_dealer(port, identity):
    """a connected ZMTP 3.0 DEALER with the given routing id"""
    def connect():
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=10)
        except ConnectionRefusedError:
            return None     # the unit is binding the link again
    s = wait_for(connect, 30, "unit 1's keepalive port to accept")
    s.sendall(greeting())
    check(recv_exact(s, 64)[:1] == b"\xff", "not a ZMTP greeting")
    s.sendall(frame(b"\x05READY" + prop(b"Socket-Type", b"DEALER") +
                    prop(b"Identity", identity), 0x04))
    flags = recv_exact(s, 1)[0]
    size = recv_exact(s, 8 if flags & 0x02 else 1)
    size = struct.unpack(">Q", size)[0] if flags & 0x02 else size[0]
    body = recv_exact(s, size)
    check(flags & 0x04 and body.startswith(b"\x05READY"),
          "no READY from the unit: %r" % body[:32])
    return s


def close_wait(port):
    """this host's connections to port in CLOSE-WAIT (the unit's side)"""
    n = 0
    for f in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(f).read().splitlines()[1:]
        except OSError:
            continue
        for ln in lines:
            w = ln.split()
            if int(w[1].rsplit(":", 1)[1], 16) == port and w[3] == "08":
                n += 1
    return n


def decoded(p):
    """frames unit 1 could not decode (ours are not protobuf)"""
    alive(p)
    return p.stats(1)["bad_frames"]["decode"]


class Died(Exception):
    """not retried by wait_for: the unit is gone"""


def alive(p):
    if p.procs[1].poll() is not None:
        raise Died("unit 1 died (rc %r): %s" % (
            p.procs[1].poll(), open(p.logs[1]).read()[-600:]))


def reopens(p):
    alive(p)
    return p.ctl(1, "show", "redundancy", "counters")[
        "stale_connection_reopens"]


def main(pairs):
    p = Pair(name="stale", extra_redundancy=" security none\n")
    pairs.append(p)
    p.start(1)
    port = p.ports[1]           # unit 1 binds the keepalive link
    wait_for(lambda: p.states(1).get("my_state"), 30, "unit 1 to answer")
    for i in range(3):
        old = zmtp_dealer(port, b"ka-u0")
        n = decoded(p)
        old.sendall(frame(b"x", 0))
        wait_for(lambda: decoded(p) > n, 30, "unit 1 to read from old")
        new = zmtp_dealer(port, b"ka-u0")      # handover: old pipe ends
        n = decoded(p)
        new.sendall(frame(b"y", 0))
        # read from the new connection: the handover has been made
        wait_for(lambda: decoded(p) > n, 30, "unit 1 to read from new")
        # a message on the old connection now has no pipe: libzmq stops
        # reading it; the FIN that follows is never taken up
        old.sendall(frame(b"z", 0) * 3)
        old.close()
        wait_for(lambda: reopens(p) >= i + 1, 30,
                 "unit 1 to reopen the keepalive link (round %d)" % i,
                 last=lambda: (reopens(p), close_wait(port)))
        alive(p)
        wait_for(lambda: close_wait(port) == 0, 30,
                 "no CLOSE-WAIT connection left on port %d" % port)
        new.close()
    check(p.procs[1].poll() is None, "unit 1 died")
    with open(p.logs[1]) as f:
        text = f.read()
    check("%CHAN-4-STALE: keepalive link: 1 connection closed by the peer "
          "but left open by ZeroMQ" in text, text[-2000:])
    check("Assertion failed" not in text, text[-2000:])
    # the link still serves: the unit still accepts its peer's id
    s = zmtp_dealer(port, b"ka-u0")
    s.close()
    check(p.procs[1].poll() is None, "unit 1 died after the last round")
    return p


if __name__ == "__main__":
    run(main)
