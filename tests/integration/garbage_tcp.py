#!/usr/bin/env python3
"""Issue 9 item 23: garbage TCP on an inter-RP port is not reported as a
wrong key. A running pair receives non-ZMTP bytes on both units' bound
ports: each unit counts a non-ZMTP connection and logs it once as such
(naming the link, the endpoint it arrived on and, when the sender was
still connected as the unit looked, its address), no authentication
failure is counted or shown, and the pair stays HOT."""
import socket
from ssotest import Pair, run, check, wait_for


def log(p, u):
    with open(p.logs[u]) as f:
        return f.read()


def garbage(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n" * 4)
    try:
        while s.recv(4096):     # until the unit drops us
            pass
    except OSError:
        pass
    s.close()


def connects(p):
    return p.stats(0)["link_connects"]


def main(pairs):
    p = Pair(name="garbage")
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)

    # a silent sender, seen while it is still connected: named by its
    # address (unit 0 binds the checkpoint port, ports[0])
    n = connects(p)
    s = socket.create_connection(("127.0.0.1", p.ports[0]), timeout=5)
    me = s.getsockname()[1]
    wait_for(lambda: connects(p) > n, 20, "unit 0 to see the connection")
    s.close()
    wait_for(lambda: p.ctl(0, "show", "redundancy", "counters")
             ["non_zmtp_connections"] >= 1, 20,
             "unit 0 to count the non-ZMTP sender")
    want = "checkpoint link: a connection from 127.0.0.1:%d to our " \
        "endpoint tcp://127.0.0.1:%d" % (me, p.ports[0])
    wait_for(lambda: want in log(p, 0), 20, "the source named",
             last=lambda: log(p, 0)[-1500:])

    # garbage on unit 1's keepalive port
    garbage(p.ports[1])
    wait_for(lambda: p.ctl(1, "show", "redundancy", "counters")
             ["non_zmtp_connections"] >= 1, 20,
             "unit 1 to count the non-ZMTP sender")
    want = "to our endpoint tcp://127.0.0.1:%d" % p.ports[1]
    wait_for(lambda: "keepalive link: a connection" in log(p, 1) and
             want in log(p, 1), 20, "unit 1 to log it",
             last=lambda: log(p, 1)[-1500:])

    # more garbage on unit 0 within the minute: counted, not logged again
    garbage(p.ports[0])
    wait_for(lambda: p.ctl(0, "show", "redundancy", "counters")
             ["non_zmtp_connections"] >= 2, 20, "second sender counted")
    check(log(p, 0).count("NOT_ZMTP") == 1, "logged twice in a minute")

    for u in (0, 1):
        c = p.ctl(u, "show", "redundancy", "counters")
        check(c["peer_auth_failures"] == 0, "counted as auth: %r" % c)
        text = log(p, u)
        check("NOT_ZMTP" in text and "not a ZeroMQ (ZMTP) sender" in text,
              text[-2000:])
        check("fails CURVE authentication" not in text and
              "wrong key" not in text, "reported as a key problem")
        check(p.states(u)["peer_reason"] == "", p.states(u))
    p.wait_pair(0)


run(main)
