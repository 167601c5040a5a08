#!/usr/bin/env python3
"""sso-bench switchover-kill end to end, small (tools issue, acceptance 3):
correctness only, no timing assertion. The pair and l2tp-peer start, the
active is SIGKILLed under a data stream, the report has the seed-004
fields, the peer kept every session (no failure), the timeline adds up,
and the PNG exists when gnuplot is installed."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import ssotest
from ssotest import run, check

HERE = os.path.dirname(os.path.abspath(__file__))


def main(pairs):
    out = tempfile.mkdtemp(prefix="ssot-bench-")
    r = subprocess.run([sys.executable, os.path.join(HERE, "..", "..",
                                                     "tools", "sso-bench"),
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
