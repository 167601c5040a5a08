#!/usr/bin/env python3
"""sso-bench ppp-setup-rate and dataplane end to end, tiny (issue 10
acceptance 7): correctness only, no timing assertion. ppp-setup-rate at
2 x 3 CHAP calls, one trial, --aaa local,radius (issue 11; local alone
without freeradius): simplex and pair rates are numbers above zero for
each, their ratio and the RSS figures are there, the radius row has its
peak of requests in flight; dataplane with one short
step per payload: both paths carried the offered stream (a rate above
zero, steps that sent and got some back); switchover-kill --ppp (issue
12) at 1 x 2 subscribers, one trial of the default configuration: both
kept, the recovery figures and the accounting Starts there. Prints SKIP
with the reason where namespaces cannot be made."""
import json
import os
import shutil
import subprocess
import sys

import ssotest
from ssotest import check, run

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, "..", "..", "tools", "sso-bench")


def bench(*args, timeout):
    r = subprocess.run([sys.executable, BENCH] + list(args) +
                       ["--bin", ssotest.BIN, "--json"],
                       capture_output=True, text=True, timeout=timeout)
    check(r.returncode == 0, "sso-bench %s failed: %s %s"
          % (args[0], r.stdout[-2000:], r.stderr[-3000:]))
    if r.stdout.startswith("SKIP"):
        return None, r.stdout.strip()
    rep = json.loads(r.stdout)
    check(len(rep["results"]) >= 1 and "load" in rep["machine"], rep)
    return rep["results"], None


def main(_pairs):
    aaa = "local,radius" if shutil.which("freeradius") else "local"
    rows, skip = bench("ppp-setup-rate", "--trials", "1", "--tunnels", "2",
                       "--sessions", "3", "--aaa", aaa, timeout=300)
    if skip:
        print(skip)
        return
    check([r["aaa"] for r in rows] == aaa.split(","), rows)
    for r in rows:
        check(r["scenario"] == "ppp-setup-rate", r)
        for k in ("simplex_sessions_per_sec", "sso_sessions_per_sec"):
            check(r[k]["min"] > 0, "%s: %r" % (k, r))
        check(r["ratio"] > 0, r)
        for k in ("active_rss_bytes_per_session",
                  "standby_rss_bytes_per_session"):
            check(isinstance(r[k], float), "%s: %r" % (k, r))
        print("ppp-setup-rate (%s): simplex %.0f/s, pair %.0f/s, "
              "RSS/session active %.0f B standby %.0f B" % (
                  r["aaa"], r["simplex_sessions_per_sec"]["avg"],
                  r["sso_sessions_per_sec"]["avg"],
                  r["active_rss_bytes_per_session"],
                  r["standby_rss_bytes_per_session"]))
    if aaa != "local":
        r = rows[1]
        # every call went through FreeRADIUS: at least one on the wire
        check(r["radius_in_flight_peak"] >= 1 and
              r["radius_timeouts"] == 0 and
              r["simplex_ratio_vs_local"] > 0, r)
        print("ppp-setup-rate radius: in flight at peak %d, vs local "
              "simplex %.2f" % (r["radius_in_flight_peak"],
                                r["simplex_ratio_vs_local"]))
    else:
        print("freeradius not installed: --aaa radius not smoked")
    rows, _ = bench("dataplane", "--seconds", "0.5", "--start-rate", "500",
                    "--max-rate", "500", timeout=300)
    check([r["payload"] for r in rows] == [64, 1400], rows)
    for r in rows:
        for who in ("ssod", "raw"):
            st = r[who + "_steps"]
            # one step, or two: a failed step is tried once more
            check(len(st) in (1, 2) and all(
                x["sent"] > 0 and 0 <= x["lost"] < x["sent"] for x in st),
                "%s steps: %r" % (who, st))
        print("dataplane %d B: ssod %d pps, raw TUN loop %d pps (0.5 s at "
              "500 pps)" % (r["payload"], r["ssod_max_pps"],
                            r["raw_tun_max_pps"]))
    if aaa == "local":
        print("freeradius not installed: switchover-kill --ppp not smoked")
        return
    # issue 12: one SIGKILL of the active with PPP subscribers and data
    # through the TUN, default configuration, 1 x 2 subscribers
    rows, _ = bench("switchover-kill", "--ppp", "--trials", "1", "--tunnels",
                    "1", "--sessions", "2", "--rate", "200", "--warmup",
                    "1", "--after", "1.5", "--configs", "default",
                    timeout=300)
    r = rows[0]
    check(r["ppp"] and r["lns"] == "ssod" and r["subscribers"] == 2 and
          r["sessions_kept"] == [2] and r["frames_lost"]["min"] >= 0 and
          r["recovery_timestamp_ms"]["avg"] >= 0 and
          r["accounting_before_event"][0].get("Start") == 2, r)
    print("switchover-kill --ppp: %d of 2 kept, %.0f frames lost, "
          "time-stamp %.0f ms" % (r["sessions_kept"][0],
                                  r["frames_lost"]["avg"],
                                  r["recovery_timestamp_ms"]["avg"]))


run(main)
