#!/usr/bin/env python3
"""Issue 9 item 16: the l2tp line of `show redundancy clients` says what
each unit holds: the active "N tunnels, M sessions held (active)", the
standby "N tunnels, M sessions in the standby copy"."""
import os
import subprocess
from ssotest import Pair, run, check, wait_for
from l2tphelp import Lac, lns_conf, free_udp_port, same_sessions
import ssotest


def l2tp_line(p, u):
    txt = subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "-s",
                          p.sock(u), "show", "redundancy", "clients"],
                         capture_output=True, text=True).stdout
    for ln in txt.splitlines():
        if ln.strip().startswith("l2tp:"):
            return ln.strip()
    return txt


def main(pairs):
    port = free_udp_port()
    p = Pair(name="l2tpshow", extra_top=lns_conf(port))
    pairs.append(p)
    lac = Lac(port, groups=("lac", "lac2"))
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    lac.start()
    lac.ctl("l2tp", "dial", "lac", 2)
    lac.ctl("l2tp", "dial", "lac2", 1)
    wait_for(lambda: same_sessions(lambda *w: p.ctl(0, *w), lac) and
             len(same_sessions(lambda *w: p.ctl(0, *w), lac)[0]) == 3, 30,
             "3 sessions up on both sides")
    tunnels = len(p.ctl(0, "show", "l2tp", "tunnel")["tunnels"])
    check(tunnels == 2, "tunnels %d" % tunnels)
    want = "l2tp: %d tunnels, 3 sessions" % tunnels
    wait_for(lambda: l2tp_line(p, 0) == want + " held (active)", 20,
             "the active's l2tp line", last=lambda: l2tp_line(p, 0))
    wait_for(lambda: l2tp_line(p, 1) == want + " in the standby copy", 20,
             "the standby's l2tp line", last=lambda: l2tp_line(p, 1))
    cl = {c["name"]: c for c in
          p.ctl(0, "show", "redundancy", "clients")["clients"]}
    check(cl["l2tp"]["l2tp_role"] == "active" and
          cl["l2tp"]["l2tp_tunnels"] == tunnels and
          cl["l2tp"]["l2tp_sessions"] == 3, cl)


run(main)
