#!/usr/bin/env python3
"""Issue 9 item 23: garbage TCP on an inter-RP port is not reported as a
wrong key. A running pair receives non-ZMTP bytes on both units' bound
ports: each unit counts a non-ZMTP connection and logs it once as such
(naming the link and the endpoint it arrived on), no authentication
failure is counted or shown, and the pair stays HOT."""
import socket
from ssotest import Pair, run, check, wait_for


def garbage(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n" * 4)
    try:
        while s.recv(4096):     # until the unit drops us
            pass
    except OSError:
        pass
    s.close()


def main(pairs):
    p = Pair(name="garbage")
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    for port in p.ports:
        garbage(port)
    # unit 0 binds the checkpoint port (ports[0]), unit 1 the keepalive
    for u, link in ((0, "checkpoint"), (1, "keepalive")):
        wait_for(lambda: p.ctl(u, "show", "redundancy", "counters")
                 ["non_zmtp_connections"] >= 1, 20,
                 "unit %d to count the non-ZMTP sender" % u)
        c = p.ctl(u, "show", "redundancy", "counters")
        check(c["peer_auth_failures"] == 0, "counted as auth: %r" % c)
        with open(p.logs[u]) as f:
            log = f.read()
        want = "%s link: a connection to our endpoint tcp://127.0.0.1:%d" \
            % (link, p.ports[u])
        check("NOT_ZMTP" in log and want in log, "unit %d log: %s"
              % (u, log[-2000:]))
        check("fails CURVE authentication" not in log and
              "wrong key" not in log, "reported as a key problem")
        st = p.states(u)
        check(st["peer_reason"] == "", st)
    p.wait_pair(0)
    # a second burst within the minute is counted, not logged again
    for port in p.ports:
        garbage(port)
    wait_for(lambda: p.ctl(0, "show", "redundancy", "counters")
             ["non_zmtp_connections"] >= 2, 20, "second burst counted")
    with open(p.logs[0]) as f:
        check(f.read().count("NOT_ZMTP") == 1, "logged twice in a minute")


run(main)
