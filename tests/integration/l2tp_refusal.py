#!/usr/bin/env python3
"""Issue 9 defect 21: a refused tunnel is explained. For each reason an
LNS (a simplex ssod) refuses the SCCRQ of an ssod LAC whose host name is
LAC-1; the LNS must log the reason at notice level without any debug
switched on, record it in `show vpdn history failure` (peer host name,
address, what did not match) and count it in `show l2tp counters`.
The LAC logs the StopCCN it received (result, error). Then an accepted
tunnel: a CDN and a StopCCN the LNS receives are logged with their
result, error and message."""
import os
import shutil
import subprocess
import tempfile
import ssotest
from ssotest import run, check, wait_for, track
from l2tphelp import Lac, free_udp_port


class Lns:
    """A simplex ssod as LNS, with the vpdn-groups of one case."""

    def __init__(self, groups):
        self.dir = tempfile.mkdtemp(prefix="ssot-refuse-")
        os.chmod(self.dir, 0o700)
        self.port = free_udp_port()
        self.conf = os.path.join(self.dir, "lns.conf")
        self.log = os.path.join(self.dir, "lns.log")
        with open(self.conf, "w") as f:
            f.write("hostname LNS\nredundancy\n mode none\n"
                    "control socket %s/ctl/unit%%u.ctl\nvpdn enable\n"
                    "l2tp listen 127.0.0.1 %d\nl2tp ack-delay 1\n%s"
                    % (self.dir, self.port, groups))
        self.proc = None

    def check_conf(self):
        r = subprocess.run([os.path.join(ssotest.BIN, "ssod"), "-n", "-c",
                            self.conf, "-u", "0"], capture_output=True,
                           text=True)
        return r.returncode == 0, r.stdout + r.stderr

    def start(self):
        self.proc = track(subprocess.Popen(
            [os.path.join(ssotest.BIN, "ssod"), "-f", "-c", self.conf, "-u",
             "0"], stdout=open(self.log, "a"), stderr=subprocess.STDOUT))
        wait_for(lambda: self.try_ctl("show", "vpdn")["listening"], 20,
                 "the LNS to listen")

    ctl = Lac.ctl
    try_ctl = Lac.try_ctl

    def stop(self):
        Lac.stop(self)
        shutil.rmtree(self.dir, ignore_errors=True)

    def text(self):
        with open(self.log) as f:
            return f.read()


def lac_for(lns):
    return Lac(lns.port, groups=("lac-1",))


def refusal_case(lns_groups, reason, expect):
    lns = Lns(lns_groups)
    ok, out = lns.check_conf()
    if not ok:
        # defect 19 may make this configuration an -n error instead
        print("case %s: configuration refused by -n (%s): the run-time "
              "refusal cannot happen" % (reason, out.strip()))
        return
    lns.start()
    lac = lac_for(lns)
    lac.start()
    try:
        lac.ctl("l2tp", "dial", "lac-1", 1)
        hist = wait_for(lambda: [f for f in lns.ctl(
            "show", "vpdn", "history", "failure")["failures"]
            if expect in f["reason"]], 20,
            "the refusal (%s) in show vpdn history failure" % reason,
            last=lambda: lns.ctl("show", "vpdn", "history", "failure"))
        check(hist[0]["peer"] == "LAC-1", hist)
        check("127.0.0.1" in hist[0]["reason"], hist)
        check(hist[0]["tunnel_id"] != 0, hist)
        line = wait_for(lambda: [l for l in lns.text().splitlines()
                                 if "%VPDN-5-TUNNEL_REFUSED:" in l and
                                 expect in l], 10,
                        "the refusal's log line")
        check("StopCCN result 4" in line[0], line)
        cnt = lns.ctl("show", "l2tp", "counters")
        check(cnt["tunnels_refused"][reason] == 1, cnt["tunnels_refused"])
        check(sum(cnt["tunnels_refused"].values()) == 1,
              cnt["tunnels_refused"])
        check(cnt["drops"]["refused"] == 1, cnt["drops"])
        # the LAC says what it was told
        wait_for(lambda: [l for l in open(lac.log).read().splitlines()
                          if "%L2TP-5-STOPCCN:" in l and
                          "result 4 (requester not authorized)" in l], 10,
                 "the LAC's StopCCN log line")
        print("case %s: %s" % (reason, line[0]))
    finally:
        lac.stop()
        shutil.rmtree(lac.dir, ignore_errors=True)
        lns.stop()


def accepted_case():
    lns = Lns("vpdn-group lns\n accept-dialin\n  protocol l2tp\n"
              " local name LNS-1\n terminate-from hostname LAC-1\n")
    lns.start()
    lac = lac_for(lns)
    lac.start()
    try:
        r = lac.ctl("l2tp", "dial", "lac-1", 2)
        tid = r["tunnel"]
        sess = wait_for(lambda: [s for s in lac.ctl(
            "show", "l2tp", "session")["sessions"]
            if s["state"] == "established"], 20, "two calls up",
            last=lambda: lac.ctl("show", "l2tp", "session"))
        wait_for(lambda: len([s for s in lac.ctl(
            "show", "l2tp", "session")["sessions"]
            if s["state"] == "established"]) == 2, 20, "two calls up")
        check(lns.ctl("show", "vpdn", "history", "failure")["failures"]
              == [], "an accepted tunnel is no failure")
        lac.ctl("clear", "l2tp", "session", "id", tid, sess[0]["local_id"])
        wait_for(lambda: [l for l in lns.text().splitlines()
                          if "%L2TP-6-CDN:" in l and "host LAC-1" in l and
                          "CDN result 3 (administrative reasons) error 0 "
                          "message \"administratively cleared\"" in l], 10,
                 "the LNS's CDN log line")
        lac.ctl("clear", "l2tp", "tunnel", "id", tid)
        line = wait_for(lambda: [l for l in lns.text().splitlines()
                                 if "%L2TP-5-STOPCCN:" in l], 10,
                        "the LNS's StopCCN log line")
        check("from 127.0.0.1:" in line[0], line)
        check("host LAC-1: result 1 (general request to clear) error 0 "
              "message \"administratively cleared\"" in line[0], line)
        print("accepted: %s" % line[0])
    finally:
        lac.stop()
        shutil.rmtree(lac.dir, ignore_errors=True)
        lns.stop()


def main(pairs):
    # the only group names another host
    refusal_case("vpdn-group lns\n accept-dialin\n  protocol l2tp\n"
                 " terminate-from hostname LAC-2\n", "terminate_from",
                 "vpdn-group lns: terminate-from LAC-2 does not match host "
                 "LAC-1 from 127.0.0.1")
    # two groups, neither for this host; and no accept-dialin group
    refusal_case("vpdn-group a\n accept-dialin\n  protocol l2tp\n"
                 " terminate-from hostname LAC-2\n"
                 "vpdn-group b\n accept-dialin\n  protocol l2tp\n"
                 " terminate-from hostname LAC-3\n", "no_group",
                 "no vpdn-group accepts host LAC-1 from 127.0.0.1")
    refusal_case("vpdn-group lac\n request-dialin\n  protocol l2tp\n"
                 " initiate-to ip 127.0.0.1 port 9\n", "no_group",
                 "no vpdn-group accepts host LAC-1 from 127.0.0.1")
    # the group for this host lacks protocol l2tp
    refusal_case("vpdn-group lns\n accept-dialin\n"
                 " terminate-from hostname LAC-1\n", "no_protocol_l2tp",
                 "vpdn-group lns: accept-dialin without protocol l2tp "
                 "(host LAC-1 from 127.0.0.1)")
    accepted_case()


if __name__ == "__main__":
    run(main)
