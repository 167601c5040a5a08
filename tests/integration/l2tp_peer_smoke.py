#!/usr/bin/env python3
"""l2tp-peer against an ssod LNS pair (tools issue, acceptance 3: a short
correctness run, no timing assertion).

1. 5 tunnels x 4 sessions with churn and a data stream: every session
   comes up, data is reflected back, at a quiet instant (SIGUSR1) the
   peer's sessions file equals the active's established sessions; the
   report (JSON) lists no failure and exit status is 0.
2. A wrong tunnel secret: exit status 1 and a failure naming the tunnel.
3. Bad usage: exit status 2 and a message.
"""
import json
import os
import signal
import subprocess
import tempfile
import threading

import ssotest
from ssotest import Pair, run, check, wait_for, track
from l2tphelp import lns_conf, free_udp_port


def peer(port, *extra):
    return [os.path.join(ssotest.BIN, "l2tp-peer"), "--server",
            "127.0.0.1:%d" % port] + [str(x) for x in extra]


def lns(pairs, name, group=""):
    port = free_udp_port()
    p = Pair(name=name, keepalive=(100, 3),
             extra_top=lns_conf(port, extra_group=group))
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    return p, port


def established(p):
    return {(s["tunnel_id"], s["local_id"]) for s in
            p.ctl(0, "show", "l2tp", "session")["sessions"]
            if s["state"] == "established"}


def main(pairs):
    p, port = lns(pairs, "peer-smoke")
    d = tempfile.mkdtemp(prefix="ssot-peer-")
    sfile, tl = os.path.join(d, "sessions"), os.path.join(d, "timeline")
    pr = track(subprocess.Popen(
        peer(port, "--tunnels", 5, "--sessions", 4, "--churn", 10,
             "--data-rate", 2000, "--duration", 0, "--json",
             "--sessions-file", sfile, "--timeline", tl),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    err = []
    threading.Thread(target=lambda: [err.append(x.rstrip())
                                     for x in pr.stderr], daemon=True).start()
    wait_for(lambda: any(x.startswith("ready") for x in err), 30,
             "l2tp-peer ready")
    check("sessions=20" in [x for x in err if x.startswith("ready")][0],
          err)
    pr.send_signal(signal.SIGUSR1)
    wait_for(lambda: any(x.startswith("quiet") for x in err), 30,
             "l2tp-peer quiet")
    with open(sfile) as f:
        want = {tuple(int(v) for v in ln.split()[:2]) for ln in f}
    wait_for(lambda: established(p) == want, 20,
             "the LNS's sessions to equal the peer's %r" % sorted(want))
    pr.send_signal(signal.SIGUSR2)
    wait_for(lambda: p.ctl(0, "show", "l2tp", "counters")
             ["sessions_created"] > 25, 30, "churn to replace sessions")
    pr.send_signal(signal.SIGTERM)
    out = pr.stdout.read()      # stderr is the reader thread's
    pr.wait(timeout=60)
    r = json.loads(out)
    check(pr.returncode == 0, "exit %d: %r %r" % (pr.returncode, r, err))
    check(r["tunnels_up"] == 5 and r["failures"] == [] and
          r["teardowns"] > 0 and r["setups"] > 20, r)
    check(r["data_sent"] > 0 and r["data_received"] > 0 and
          r["data_received"] <= r["data_sent"], r)
    with open(tl) as f:
        rows = [ln.split() for ln in f]
    check(rows and sum(int(x[1]) for x in rows) == r["data_received"],
          "timeline does not add up to the frames received")
    p.cleanup()
    pairs.remove(p)

    # a wrong tunnel secret is a failure naming the tunnel
    p, port = lns(pairs, "peer-auth", " l2tp tunnel password right-one\n")
    r = subprocess.run(peer(port, "--tunnels", 1, "--sessions", 1,
                            "--secret", "wrong-one", "--duration", 1,
                            "--json"), capture_output=True, text=True,
                       timeout=60)
    # the peer finds the LNS's challenge response wrong and clears the
    # tunnel; with no tunnel left it reports and exits
    check(r.returncode == 1, "wrong secret: exit %d %s" % (r.returncode,
                                                          r.stderr[-500:]))
    rep = json.loads(r.stdout)
    check(rep["failures"] and rep["failures"][0]["tunnel"] > 0 and
          rep["sessions_up"] == 0, rep)
    ok = subprocess.run(peer(port, "--tunnels", 1, "--sessions", 2,
                             "--secret", "right-one", "--duration", 1,
                             "--json"), capture_output=True, text=True,
                        timeout=60)
    check(ok.returncode == 0 and json.loads(ok.stdout)["sessions_up"] == 2,
          "right secret: %s %s" % (ok.stdout, ok.stderr[-500:]))

    # bad usage
    for args in (["--tunnels", "0", "--sessions", "1"],
                 ["--tunnels", "1", "--sessions", "1", "--frame-size", "8"],
                 ["--tunnels", "70000", "--sessions", "1"]):
        b = subprocess.run(peer(port, *args), capture_output=True, text=True,
                           timeout=10)
        check(b.returncode == 2 and "l2tp-peer:" in b.stderr,
              "%r: exit %d %s" % (args, b.returncode, b.stderr))
    b = subprocess.run([os.path.join(ssotest.BIN, "l2tp-peer"), "--tunnels",
                        "1", "--sessions", "1"], capture_output=True,
                       text=True, timeout=10)
    check(b.returncode == 2 and "--server" in b.stderr, b.stderr)


run(main)
