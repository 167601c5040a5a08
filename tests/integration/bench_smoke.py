#!/usr/bin/env python3
"""sso-bench switchover-kill end to end, small (tools issue, acceptance 3):
correctness only, no timing assertion. The pair and l2tp-peer start, the
active is SIGKILLed under a data stream, the report has the seed-004
fields, the peer kept every session (no failure), the timeline adds up,
and the PNG exists when gnuplot is installed. Then setup-rate, tiny, with
its window and setups in flight given (the bench checks the window both
configurations advertise), and a window it refuses."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import ssotest
from ssotest import run, check

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, "..", "..", "tools", "sso-bench")


def setup_rate():
    r = subprocess.run([sys.executable, BENCH, "setup-rate", "--bin",
                        ssotest.BIN, "--trials", "1", "--tunnels", "3",
                        "--sessions", "4", "--window", "8", "--inflight",
                        "5", "--json"], capture_output=True, text=True,
                       timeout=200)
    check(r.returncode == 0, "setup-rate failed: %s %s"
          % (r.stdout[-2000:], r.stderr[-2000:]))
    row = json.loads(r.stdout)["results"][0]
    check(row["scenario"] == "setup-rate" and row["window"] == 8 and
          row["inflight"] == 5 and "--window 8 --inflight 5" in
          row["command"], row)
    check(row["sso_setups_per_sec"]["min"] > 0 and
          row["no_sso_setups_per_sec"]["min"] > 0 and row["ratio"] > 0, row)
    r = subprocess.run([sys.executable, BENCH, "setup-rate", "--bin",
                        ssotest.BIN, "--window", "21"], capture_output=True,
                       text=True, timeout=60)
    check(r.returncode != 0 and "--window 1-20" in r.stderr,
          "window 21 accepted: %s %s" % (r.stdout, r.stderr))


def main(pairs):
    setup_rate()
    out = tempfile.mkdtemp(prefix="ssot-bench-")
    r = subprocess.run([sys.executable, BENCH,
                        "switchover-kill", "--bin", ssotest.BIN,
                        "--trials", "1", "--tunnels", "4", "--sessions",
                        "3", "--rate", "1000", "--warmup", "0.5",
                        "--after", "1.5", "--configs", "default",
                        "--out", out, "--json"],
                       capture_output=True, text=True, timeout=200)
    check(r.returncode == 0, "sso-bench failed: %s %s" % (r.stdout[-2000:],
                                                         r.stderr[-2000:]))
    rep = json.loads(r.stdout)
    rows = rep["results"]
    check(len(rows) == 1 and rows[0]["scenario"] == "switchover-kill", rows)
    row = rows[0]
    for k in ("offered_rate_fps", "frame_size", "frames_lost",
              "recovery_frame_loss_ms", "recovery_timestamp_ms", "trials"):
        check(k in row, "report lacks %s: %r" % (k, row))
    check(row["peer_failures"] == 0, "the peer lost something: %r" % row)
    check(row["frames_lost"]["max"] >= 0 and
          row["recovery_timestamp_ms"]["min"] >= 0, row)
    if shutil.which("gnuplot"):
        check(row["png"] and os.path.getsize(row["png"]) > 0,
              "no PNG: %r" % row)
    shutil.rmtree(out, ignore_errors=True)


run(main)
