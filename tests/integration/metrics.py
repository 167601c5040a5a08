#!/usr/bin/env python3
"""Issue 9 "Metrics": the Prometheus endpoint seen with plain urllib.
Off by default (a unit without `metrics listen` listens on nothing but its
inter-RP address); with it, GET /metrics answers the text format 0.0.4
with both units' RF state, other paths are 404 and other methods 405;
`metrics listen ADDR PORT unit N` gives each unit of a pair sharing one
file its own port (IPv4 and IPv6); bad addresses fail `ssod -n` with
file:line."""
import os
import subprocess
import urllib.error
import urllib.request
import ssotest
from ssotest import Pair, run, check, wait_for, free_port


def listening_ports(pid):
    """TCP ports the process listens on (from /proc, IPv4 and IPv6)."""
    inodes = set()
    fd_dir = "/proc/%d/fd" % pid
    for fd in os.listdir(fd_dir):
        try:
            link = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            next(f)
            for line in f:
                cols = line.split()
                if cols[3] == "0A" and cols[9] in inodes:
                    ports.add(int(cols[1].rsplit(":", 1)[1], 16))
    return ports


def get(url, method="GET"):
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()


def samples(text, name):
    """{labels-string: value} of one metric in an exposition."""
    out = {}
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            key, _, val = line.rpartition(" ")
            out[key[len(name):]] = float(val)
    return out


def check_bad_config(p):
    for bad, why in (("metrics listen 999.1.1.1 9464", "not an IPv4 or IPv6"),
                     ("metrics listen 127.0.0.1 0", ""),
                     ("metrics listen 127.0.0.1 70000", ""),
                     ("metrics listen 127.0.0.1 9464\n"
                      "metrics listen 127.0.0.1 9465", "given twice")):
        conf = os.path.join(p.dir, "bad.conf")
        with open(p.conf) as f, open(conf, "w") as g:
            g.write(f.read() + bad + "\n")
        r = subprocess.run([os.path.join(ssotest.BIN, "ssod"), "-n", "-c",
                            conf, "-u", "0"], capture_output=True, text=True)
        check(r.returncode != 0 and "bad.conf:" in r.stderr and
              why in r.stderr, (bad, r.returncode, r.stderr))


def main(pairs):
    # off by default: nothing but the inter-RP address listens (the
    # liveness listener, also inter-RP, is off here: its port is the
    # kernel's choice, see fast_detect.py)
    p = Pair(name="metrics-off", extra_redundancy=" liveness off\n")
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    for u in (0, 1):
        ports = listening_ports(p.procs[u].pid)
        check(ports == {p.ports[u]}, "unit %d listens on %r, expected only "
              "its inter-RP port %d" % (u, ports, p.ports[u]))
    threads_off = [len(os.listdir("/proc/%d/task" % p.procs[u].pid))
                   for u in (0, 1)]
    check_bad_config(p)
    p.cleanup()
    pairs.remove(p)

    mp = [free_port(), free_port()]
    p = Pair(name="metrics", extra_top="metrics listen 127.0.0.1 %d unit 0\n"
             "metrics listen ::1 %d unit 1\n" % (mp[0], mp[1]),
             extra_redundancy=" liveness off\n")
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    urls = ["http://127.0.0.1:%d" % mp[0], "http://[::1]:%d" % mp[1]]
    # the HTTP server runs on the loop thread: no thread of its own
    for u in (0, 1):
        get(urls[u] + "/metrics")
        n = len(os.listdir("/proc/%d/task" % p.procs[u].pid))
        check(n == threads_off[u], "unit %d has %d threads with metrics, "
              "%d without" % (u, n, threads_off[u]))
    for u, want in ((0, 13), (1, 8)):
        check(listening_ports(p.procs[u].pid) == {p.ports[u], mp[u]},
              listening_ports(p.procs[u].pid))
        code, ctype, body = get(urls[u] + "/metrics")
        check(code == 200, (code, body[:200]))
        check(ctype.startswith("text/plain") and "version=0.0.4" in ctype,
              ctype)
        st = samples(body, "ssod_rf_state")
        name = "ACTIVE" if want == 13 else "STANDBY HOT"
        check(st == {'{unit="%d",state="%s"}' % (u, name): want}, st)
        check(body.count("# HELP ssod_rf_state ") == 1, "one HELP")
        for fam in ("ssod_rf_switchovers_total", "ssod_rf_epoch",
                    "ssod_cf_backlog_depth", "ssod_cf_partial_resyncs_total",
                    "ssod_l2tp_drops_total", "ssod_l2tp_tunnels",
                    "ssod_l2tp_tunnels_refused_total",
                    "ssod_l2tp_resync_success_total",
                    "ssod_chan_bad_frames_total"):
            check(samples(body, fam), "no %s in the scrape" % fam)
        kv = samples(body, "ssod_cf_client_version")
        check(kv.get('{unit="%d",client="kv"}' % u, 0) > 0, kv)
        comm = samples(body, "ssod_rf_communications_up")
        check(list(comm.values()) == [1.0], comm)
        code, _, _ = get(urls[u] + "/")
        check(code == 404, "GET / answered %d" % code)
        code, _, _ = get(urls[u] + "/metrics/x")
        check(code == 404, "GET /metrics/x answered %d" % code)
        code, _, _ = get(urls[u] + "/metrics", method="POST")
        check(code == 405, "POST /metrics answered %d" % code)
        code, _, _ = get(urls[u] + "/metrics", method="HEAD")
        check(code == 200, "HEAD /metrics answered %d" % code)
    # the counters of the scrape move with the pair: a write reaches kv
    before = samples(get(urls[0] + "/metrics")[2],
                     "ssod_cf_client_msgs_sent_total")
    p.ctl(0, "kv", "set", "a", "b", "sync")
    after = samples(get(urls[0] + "/metrics")[2],
                    "ssod_cf_client_msgs_sent_total")
    key = '{unit="0",client="kv"}'
    check(after[key] == before[key] + 1, (before, after))
    wait_for(lambda: samples(get(urls[1] + "/metrics")[2],
                             "ssod_cf_client_msgs_received_total")
             .get('{unit="1",client="kv"}', 0) >= 1, 10,
             "the standby's kv receive counter")


if __name__ == "__main__":
    run(main)
