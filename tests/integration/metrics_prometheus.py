#!/usr/bin/env python3
"""Issue 9 acceptance 4: a real Prometheus (Debian's `prometheus`) scrapes
both units of a pair, and its query API returns the RF state of each:
13 (ACTIVE) for the active, 8 (STANDBY HOT) for the standby; after a
forced switchover the roles swap in Prometheus too. Prometheus runs with
its own temporary configuration and storage, on a free loopback port,
and is killed at the end. Skipped (with the reason) when the prometheus
binary is not installed; tools/install-deps installs it."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from ssotest import Pair, run, check, wait_for, free_port, track


def find_prometheus():
    for p in ("/usr/bin/prometheus", shutil.which("prometheus") or ""):
        if p and os.access(p, os.X_OK):
            return p
    return None


class Prometheus:
    def __init__(self, binary, targets):
        self.dir = tempfile.mkdtemp(prefix="ssot-prom-")
        self.port = free_port()
        self.conf = os.path.join(self.dir, "prometheus.yml")
        with open(self.conf, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    "scrape_configs:\n  - job_name: ssod\n"
                    "    static_configs:\n      - targets: [%s]\n"
                    % ", ".join("'%s'" % t for t in targets))
        self.log = os.path.join(self.dir, "prometheus.log")
        self.proc = track(subprocess.Popen(
            [binary, "--config.file=" + self.conf,
             "--storage.tsdb.path=" + os.path.join(self.dir, "data"),
             "--web.listen-address=127.0.0.1:%d" % self.port,
             "--log.level=warn"],
            stdout=open(self.log, "w"), stderr=subprocess.STDOUT,
            cwd=self.dir))

    def query(self, q):
        url = "http://127.0.0.1:%d/api/v1/query?%s" % (
            self.port, urllib.parse.urlencode({"query": q}))
        with urllib.request.urlopen(url, timeout=5) as r:
            d = json.loads(r.read().decode())
        check(d.get("status") == "success", d)
        return d["data"]["result"]

    def rf_states(self):
        """{unit: (state label, value)} as Prometheus has them now."""
        out = {}
        for s in self.query("ssod_rf_state"):
            out[s["metric"]["unit"]] = (s["metric"]["state"],
                                        int(float(s["value"][1])))
        return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)

    def tail(self):
        try:
            with open(self.log) as f:
                return f.read()[-3000:]
        except OSError as e:
            return str(e)


def main(pairs):
    binary = find_prometheus()
    if binary is None:
        print("SKIP: no prometheus binary (Debian package prometheus; "
              "tools/install-deps installs it)")
        return
    mp = [free_port(), free_port()]
    p = Pair(name="prom", extra_top="metrics listen 127.0.0.1 %d unit 0\n"
             "metrics listen 127.0.0.1 %d unit 1\n" % (mp[0], mp[1]))
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    prom = Prometheus(binary, ["127.0.0.1:%d" % port for port in mp])
    try:
        def states_are(want):
            def pred():
                try:
                    return prom.rf_states() == want
                except (urllib.error.URLError, OSError, ValueError):
                    return False
            return pred
        first = {"0": ("ACTIVE", 13), "1": ("STANDBY HOT", 8)}
        wait_for(states_are(first), 90, "Prometheus to have unit 0 ACTIVE "
                 "(13) and unit 1 STANDBY HOT (8)", last=prom.rf_states)
        # the scrape is whole: an L2TP series and a per-client series
        check(prom.query('ssod_cf_client_version{client="kv"}'),
              "no kv client series")
        check(len(prom.query("ssod_l2tp_drops_total")) > 10,
              "the L2TP drops by reason")
        r = p.ctl(0, "redundancy", "force-switchover")
        check("started" in r.get("result", ""), r)
        p.wait_pair(1, timeout=60)
        wait_for(states_are({"0": ("STANDBY HOT", 8), "1": ("ACTIVE", 13)}),
                 90, "Prometheus to see the roles swapped",
                 last=prom.rf_states)
        sw = {s["metric"]["unit"]: float(s["value"][1]) for s in
              prom.query("ssod_rf_switchovers_total")}
        check(sw.get("1", 0) >= 1, sw)
        print("Prometheus at 127.0.0.1:%d saw %r" % (prom.port,
                                                     prom.rf_states()))
    except Exception:
        sys.stderr.write("---- prometheus log ----\n%s\n" % prom.tail())
        raise
    finally:
        prom.stop()


if __name__ == "__main__":
    run(main)
