#!/usr/bin/env python3
"""Issue 3 acceptance 5: an ssod pair as LNS holds 10,000 tunnels x 10
sessions from l2tp-peer (SSO_SCALE_TUNNELS to change) without a protocol
error: every session up on the peer and on the active, the standby holds
the same, no failure at the peer, no malformed/window/bad-Nr drop at the
LNS. Prints the active's and the standby's memory per session."""
import json
import os
import subprocess
import tempfile

import ssotest
from ssotest import Pair, run, check, wait_for
from l2tphelp import lns_conf, free_udp_port


rss_kb = ssotest.rss_kb


def main(pairs):
    tunnels = int(os.environ.get("SSO_SCALE_TUNNELS", 10000))
    sessions = 10
    total = tunnels * sessions
    port = free_udp_port()
    p = Pair(name="scale", keepalive=(100, 3),
             extra_top=lns_conf(port).replace(" l2tp tunnel hello 1\n",
                                              " l2tp tunnel hello 60\n"))
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    base = [rss_kb(p.procs[u].pid) for u in (0, 1)]
    errf = tempfile.TemporaryFile("w+")
    peer = subprocess.Popen(
        [os.path.join(ssotest.BIN, "l2tp-peer"), "--server",
         "127.0.0.1:%d" % port, "--tunnels", str(tunnels), "--sessions",
         str(sessions), "--duration", "0", "--hello", "60", "--json"],
        stdout=subprocess.PIPE, stderr=errf, text=True)
    ssotest.track(peer)
    wait_for(lambda: (lambda a, b: a["sessions_total"] == total and
                      b["sessions_ha_established"] == total)(
        p.ctl(0, "show", "l2tp", "redundancy"),
        p.ctl(1, "show", "l2tp", "redundancy")), 600,
        "%d sessions on the active and the standby" % total)
    mem = [rss_kb(p.procs[u].pid) - base[u] for u in (0, 1)]
    r = p.ctl(0, "show", "l2tp", "redundancy")
    check(r["tunnels_ha_established"] == tunnels, r)
    peer.send_signal(15)
    out = peer.stdout.read()
    peer.wait(timeout=120)
    rep = json.loads(out)
    check(peer.returncode == 0 and not rep["failures"], "peer: %r %s"
          % ({k: rep[k] for k in ("tunnels_up", "sessions_up",
                                   "failures_total")},
             (errf.seek(0), errf.read()[-1000:])[1]))
    check(rep["tunnels_up"] == tunnels and rep["sessions_up"] == total, rep)
    c = p.ctl(0, "show", "l2tp", "counters")
    bad = {k: v for k, v in c["drops"].items() if v and k in (
        "malformed", "window", "bad_nr", "length", "ctrl_flags",
        "not_sccrq", "no_tunnel", "no_session")}
    check(not bad, "LNS drops: %r" % bad)
    print("ok: %d tunnels x %d sessions; setup %.0f ms (%.0f setups/s); "
          "RSS growth active %.0f B/session, standby %.0f B/session"
          % (tunnels, sessions, rep["setup_ms"], rep["setups_per_sec"],
             mem[0] * 1024.0 / total, mem[1] * 1024.0 / total))


run(main)
