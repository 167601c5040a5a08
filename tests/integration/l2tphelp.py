"""l2tphelp - an L2TP test bed of ssod processes: an LNS pair (the product
under test) and a simplex ssod LAC as the peer, on loopback."""
import os
import socket
import random
import subprocess
import tempfile
import ssotest
from ssotest import Pair, check, wait_for, track


def free_udp_port():
    return ssotest.free_port(socket.SOCK_DGRAM)


def lns_conf(port, extra_group="", extra_top=""):
    return ("vpdn enable\nl2tp listen 127.0.0.1 %d\nl2tp ack-delay 1\n%s"
            "vpdn-group lns\n accept-dialin\n  protocol l2tp\n"
            " local name LNS-PAIR\n l2tp tunnel hello 1\n"
            " l2tp data reflect\n%s" % (port, extra_top, extra_group))


class Lac:
    """A simplex ssod as L2TP LAC: the peer of the pair."""

    def __init__(self, lns_port, groups=("lac",), extra=""):
        self.dir = tempfile.mkdtemp(prefix="ssot-lac-")
        os.chmod(self.dir, 0o700)
        self.port = free_udp_port()
        self.conf = os.path.join(self.dir, "lac.conf")
        self.log = os.path.join(self.dir, "lac.log")
        text = ("hostname LAC\nredundancy\n mode none\n"
                "control socket %s/ctl/unit%%u.ctl\nservice internal\n"
                "vpdn enable\n"
                "l2tp listen 127.0.0.1 %d\nl2tp ack-delay 1\n"
                % (self.dir, self.port))
        for g in groups:
            text += ("vpdn-group %s\n request-dialin\n protocol l2tp\n"
                     " initiate-to ip 127.0.0.1 port %d\n local name %s\n"
                     " l2tp tunnel hello 1\n%s" % (g, lns_port,
                                                   g.upper(), extra))
        with open(self.conf, "w") as f:
            f.write(text)
        self.proc = None

    def start(self):
        self.proc = track(subprocess.Popen(
            [os.path.join(ssotest.BIN, "ssod"), "-f", "-c", self.conf, "-u",
             "0"], stdout=open(self.log, "a"), stderr=subprocess.STDOUT))
        wait_for(lambda: self.try_ctl("show", "redundancy", "states"), 20,
                 "the LAC to start")

    def ctl(self, *w):
        r = subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "-s",
                            os.path.join(self.dir, "ctl", "unit0.ctl"),
                            "--json"] + [str(x) for x in w],
                           capture_output=True, text=True, timeout=20)
        if r.returncode != 0:
            raise ssotest.TestFailure("LAC %s: %s" % (" ".join(map(str, w)),
                                                      r.stdout))
        import json
        return json.loads(r.stdout)

    def try_ctl(self, *w):
        try:
            return self.ctl(*w)
        except (ssotest.TestFailure, subprocess.TimeoutExpired):
            return None

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


def session_pairs(ctl, *prefix):
    """{(local_tid, local_sid): (remote_tid, remote_sid)} of established
    sessions as seen by one side."""
    tun = {t["local_id"]: t["remote_id"] for t in
           ctl(*prefix, "show", "l2tp", "tunnel")["tunnels"]}
    out = {}
    for s in ctl(*prefix, "show", "l2tp", "session")["sessions"]:
        if s["state"] == "established":
            out[(s["tunnel_id"], s["local_id"])] = (tun.get(s["tunnel_id"]),
                                                    s["remote_id"])
    return out


def same_sessions(pair_ctl, lac):
    """Both sides agree on the set of established sessions (ids mirrored)."""
    a = session_pairs(pair_ctl)
    b = session_pairs(lac.ctl)
    mirrored = {(rt, rs): (lt, ls) for (lt, ls), (rt, rs) in a.items()}
    return mirrored == b and len(a) > 0 and (a, b)
