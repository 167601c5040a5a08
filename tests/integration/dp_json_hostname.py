#!/usr/bin/env python3
"""JSON for any input (issue 15): a peer's L2TP Host Name with invalid
UTF-8 (0xff, an overlong "/", a lone surrogate, a truncated sequence) is
shown by `show l2tp tunnel` and, from the checkpointed copy, by `show l2tp
redundancy all` on both units of an LNS pair as strictly valid
UTF-8 JSON, each ill-formed part replaced by U+FFFD exactly as Python's
own decoder does (Unicode "maximal subpart" practice)."""
import json
import os
import subprocess

import ssotest
from ssotest import Pair, check, wait_for, track
from l2tphelp import lns_conf, free_udp_port

NAME = b"lac\xff\xc0\xaf\xed\xa0\x80-\xe2\x82" + b"\xc3\xa9"


def ctl_strict(p, u, *words):
    """ssoctl --json, bytes decoded strictly: invalid UTF-8 is a failure."""
    r = subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "-s", p.sock(u),
                        "--json", "-t", "5000"] + list(words),
                       capture_output=True, timeout=20)
    check(r.returncode == 0, "ssoctl rc %d: %r" % (r.returncode, r.stderr))
    return json.loads(r.stdout.decode("utf-8", "strict"))


def main(pairs):
    port = free_udp_port()
    p = Pair(name="dpjson", keepalive=(100, 3), extra_top=lns_conf(port))
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    peer = track(subprocess.Popen(
        [os.path.join(ssotest.BIN, "l2tp-peer").encode(), b"--server",
         b"127.0.0.1:%d" % port, b"--tunnels", b"1", b"--sessions", b"1", b"--duration", b"300",
         b"--hostname", NAME], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL))
    want = NAME.decode("utf-8", "replace")
    check(want.count("\ufffd") == 7, repr(want))
    # the active's engine view, then the checkpointed copy on both units
    for u, words in ((0, ("show", "l2tp", "tunnel")),
                     (0, ("show", "l2tp", "redundancy", "all")),
                     (1, ("show", "l2tp", "redundancy", "all"))):
        def shown():
            t = ctl_strict(p, u, *words)["tunnels"]
            return t[0]["remote_name"] if t else None
        got = wait_for(shown, 30, "unit %d: %s" % (u, " ".join(words)))
        check(got == want, "unit %d %s: %r, want %r"
              % (u, " ".join(words), got, want))
    peer.terminate()
    peer.wait(timeout=30)


if __name__ == "__main__":
    ssotest.run(main)
