#!/usr/bin/env python3
"""l2tp-peer against an ssod LNS pair, and as LNS itself: correctness only,
no timing assertion (every wait is a condition with a deadline).

1. The brief's run: 5 tunnels x 4 calls, churn 10/s, 2,000 frames/s for
   3 s: exit 0, 5 tunnels and 20 calls up at the end (churned calls are
   replaced before the report), data reflected with little loss, no
   failure, the sessions file lists the 20 calls.
2. A quiet instant under churn and data (SIGUSR1): the sessions file
   (LNS tid, LNS sid, our tid, our sid) equals the active's established
   sessions; SIGUSR2 resumes; the timeline adds up to the report.
3. Strictness: a CDN and a StopCCN the peer did not ask for (ssoctl clear
   on the LNS) are failures naming the call and the tunnel; exit 1.
4. A wrong tunnel secret: exit 1, a failure naming the tunnel; the right
   one: exit 0.
5. LNS role: l2tp-peer --listen --reflect reflects another l2tp-peer's
   data; both see the same calls at a quiet instant; both exit 0. With
   --refuse-every the refused calls are the LAC's failures, named, and
   the LAC still ends with every call up (it retries after a rest).
6. LNS role against ssod as LAC (`l2tp dial`): the calls come up, the
   peer's sessions file equals the LAC's view, exit 0.
7. Bad usage: exit 2 and a message naming the problem.
"""
import json
import os
import signal
import subprocess
import tempfile
import threading

import ssotest
from ssotest import Pair, run, check, wait_for, track
from l2tphelp import Lac, lns_conf, free_udp_port


def peer_bin():
    return os.path.join(ssotest.BIN, "l2tp-peer")


class Peer:
    """One l2tp-peer; stderr is read by a thread (ready/quiet/failure
    lines), stdout holds the report."""

    def __init__(self, *args):
        self.cmd = [peer_bin()] + [str(a) for a in args]
        self.proc = track(subprocess.Popen(
            self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True))
        self.err = []
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for line in self.proc.stderr:
            self.err.append(line.rstrip())

    def lines(self, prefix):
        return [x for x in self.err if x.startswith(prefix)]

    def wait_line(self, prefix, n=1, timeout=60):
        def seen():
            got = self.lines(prefix)
            if len(got) >= n:
                return got[n - 1]
            if self.proc.poll() is not None:
                raise ssotest.TestFailure("l2tp-peer exited (rc %s) before "
                                          "%r: %s" % (self.proc.returncode,
                                                      prefix, self.err[-20:]))
            return None
        return wait_for(seen, timeout, "l2tp-peer: %r" % prefix)

    def quiet(self, sfile):
        """SIGUSR1, wait for the next 'quiet' line, read the file."""
        n = len(self.lines("quiet")) + 1
        self.proc.send_signal(signal.SIGUSR1)
        self.wait_line("quiet", n)
        return read_sessions(sfile)

    def result(self, timeout=60):
        """The JSON report and the exit status (after the process ends)."""
        out = self.proc.stdout.read()   # stderr is the reader thread's
        self.proc.wait(timeout=timeout)
        self.t.join(timeout=5)
        try:
            return json.loads(out), self.proc.returncode
        except ValueError:
            raise ssotest.TestFailure("no JSON report (rc %s): %r %s"
                                      % (self.proc.returncode, out[-300:],
                                         self.err[-20:]))

    def stop(self, timeout=60):
        self.proc.send_signal(signal.SIGTERM)
        return self.result(timeout)


def read_sessions(path):
    with open(path) as f:
        return {tuple(int(v) for v in ln.split()) for ln in f if ln.strip()}


def lns_pair(pairs, name, group=""):
    port = free_udp_port()
    p = Pair(name=name, keepalive=(100, 3),
             extra_top=lns_conf(port, extra_group=group))
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    return p, port


def lns_sessions(ctl):
    """(tunnel id, session id, peer's tunnel id, peer's session id) of every
    established session, as one ssod sees them."""
    return {(s["tunnel_id"], s["local_id"], s["remote_tunnel_id"],
             s["remote_id"]) for s in ctl("show", "l2tp", "session")
            ["sessions"] if s["state"] == "established"}


def no_tunnel_left(p):
    """The peer's StopCCNs arrived: no live tunnel on the LNS (a closed
    one lingers in 'closing' to ack StopCCN retransmits, RFC 2661 5.7)."""
    wait_for(lambda: all(t["state"] == "closing" for t in
                         p.ctl(0, "show", "l2tp", "tunnel")["tunnels"]), 30,
             "the LNS to hold no live tunnel")


def brief_run(p, port, d):
    """1: the run the tools issue specifies, report checked."""
    sfile = os.path.join(d, "brief.sessions")
    pr = Peer("--server", "127.0.0.1:%d" % port, "--tunnels", 5,
              "--sessions", 4, "--data-rate", 2000, "--duration", 3,
              "--churn", 10, "--json", "--sessions-file", sfile)
    ready = pr.wait_line("ready")
    check("tunnels=5 sessions=20" in ready, ready)
    r, rc = pr.result()
    check(rc == 0 and r["failures"] == [] and r["failures_total"] == 0,
          "exit %d: %r %s" % (rc, r, pr.err[-10:]))
    check(r["tunnels_up"] == 5 and r["sessions_up"] == 20, r)
    check(r["teardowns"] > 0 and r["setups"] == 20 + r["teardowns"], r)
    check(r["data_received"] > 0 and r["data_bad"] == 0 and
          r["data_duplicates"] == 0, r)
    check(r["data_lost"] <= r["data_sent"] // 50, "data lost: %r" % r)
    check(r["offered_rate"] == 2000 and r["frame_size"] == 64 and
          r["data_start_mono_ns"] > 0, r)
    calls = read_sessions(sfile)
    check(len(calls) == 20 and len({c[2:] for c in calls}) == 20 and
          len({c[:2] for c in calls}) == 20, calls)
    no_tunnel_left(p)


def quiet_run(p, port, d):
    """2: at a quiet instant the peer's calls are the active's."""
    sfile, tl = os.path.join(d, "quiet.sessions"), os.path.join(d, "tl")
    pr = Peer("--server", "127.0.0.1:%d" % port, "--tunnels", 5,
              "--sessions", 4, "--churn", 20, "--data-rate", 2000,
              "--duration", 0, "--json", "--sessions-file", sfile,
              "--timeline", tl)
    pr.wait_line("ready")
    for _ in range(2):
        want = pr.quiet(sfile)
        check(len(want) == 20, "quiet with %d calls" % len(want))
        wait_for(lambda: lns_sessions(lambda *w: p.ctl(0, *w)) == want, 20,
                 "the active's sessions to equal the peer's %r"
                 % sorted(want))
        pr.proc.send_signal(signal.SIGUSR2)
        base = p.ctl(0, "show", "l2tp", "counters")["sessions_created"]
        wait_for(lambda: p.ctl(0, "show", "l2tp", "counters")
                 ["sessions_created"] > base + 5, 30,
                 "churn to replace calls after SIGUSR2")
    r, rc = pr.stop()
    check(rc == 0 and r["failures"] == [] and r["tunnels_up"] == 5, r)
    check(r["data_received"] > 0 and r["data_received"] <= r["data_sent"],
          r)
    with open(tl) as f:
        rows = [ln.split() for ln in f]
    check(rows and sum(int(x[1]) for x in rows) == r["data_received"] and
          sum(int(x[2]) for x in rows) == r["data_sent"],
          "the timeline does not add up to the report")
    no_tunnel_left(p)


def strict_run(p, port):
    """3: a CDN and a StopCCN from the LNS are failures with their ids."""
    pr = Peer("--server", "127.0.0.1:%d" % port, "--tunnels", 2,
              "--sessions", 2, "--duration", 0, "--json")
    pr.wait_line("ready")
    s = [x for x in p.ctl(0, "show", "l2tp", "session")["sessions"]
         if x["state"] == "established"][0]
    p.ctl(0, "clear", "l2tp", "session", "id", s["tunnel_id"], s["local_id"])
    call = "tunnel %d session %d:" % (s["remote_tunnel_id"], s["remote_id"])
    wait_for(lambda: [x for x in pr.lines("failure") if call in x], 30,
             "a failure naming the cleared call (%s)" % call)
    t = [x for x in p.ctl(0, "show", "l2tp", "tunnel")["tunnels"]
         if x["local_id"] != s["tunnel_id"] and
         x["state"] == "established"][0]
    p.ctl(0, "clear", "l2tp", "tunnel", "id", t["local_id"])
    tun = "tunnel %d session 0:" % t["remote_id"]
    wait_for(lambda: [x for x in pr.lines("failure") if tun in x], 30,
             "a failure naming the cleared tunnel (%s)" % tun)
    r, rc = pr.stop()
    check(rc == 1, "exit %d after failures: %r" % (rc, r))
    got = {(f["tunnel"], f["session"]) for f in r["failures"]}
    check((s["remote_tunnel_id"], s["remote_id"]) in got and
          (t["remote_id"], 0) in got, r["failures"])
    check(any("CDN" in f["reason"] for f in r["failures"]) and
          any("StopCCN" in f["reason"] for f in r["failures"]),
          r["failures"])
    no_tunnel_left(p)


def auth_runs(pairs):
    """4: tunnel authentication, wrong and right secret."""
    p, port = lns_pair(pairs, "peer-auth", " l2tp tunnel password right-1\n")
    pr = Peer("--server", "127.0.0.1:%d" % port, "--tunnels", 1,
              "--sessions", 1, "--secret", "wrong-1", "--duration", 1,
              "--json")
    r, rc = pr.result()
    check(rc == 1 and r["sessions_up"] == 0 and r["failures"], (rc, r))
    f = r["failures"][0]
    check(f["tunnel"] > 0 and "tunnel setup failed" in f["reason"], f)
    pr = Peer("--server", "127.0.0.1:%d" % port, "--tunnels", 1,
              "--sessions", 2, "--secret", "right-1", "--duration", 1,
              "--json")
    r, rc = pr.result()
    check(rc == 0 and r["sessions_up"] == 2 and r["tunnels_up"] == 1,
          (rc, r, pr.err[-5:]))
    p.cleanup()
    pairs.remove(p)


def listen_port(pr):
    line = pr.wait_line("ready listening=")
    return int(line.rsplit(":", 1)[1])


def lns_role_peer(d):
    """5: l2tp-peer as LNS (reflecting) against l2tp-peer as LAC."""
    lf, cf = os.path.join(d, "lns.sessions"), os.path.join(d, "lac.sessions")
    lns = Peer("--listen", "127.0.0.1:0", "--reflect", "--json",
               "--secret", "s3", "--hello", 1, "--sessions-file", lf)
    port = listen_port(lns)
    lac = Peer("--server", "127.0.0.1:%d" % port, "--tunnels", 3,
               "--sessions", 5, "--data-rate", 1000, "--duration", 0,
               "--secret", "s3", "--churn", 5, "--json",
               "--sessions-file", cf)
    lac.wait_line("ready")
    mine = lac.quiet(cf)
    theirs = lns.quiet(lf)
    check(len(mine) == 15 and {(a, b, c, e) for c, e, a, b in theirs} ==
          mine, "LAC %r LNS %r" % (sorted(mine), sorted(theirs)))
    lac.proc.send_signal(signal.SIGUSR2)
    r, rc = lac.stop()
    check(rc == 0 and r["failures"] == [] and r["sessions_up"] == 15 and
          r["data_received"] > 0, (rc, r))
    wait_for(lambda: lns.quiet(lf) == set(), 30,
             "the LNS peer to hold no call")
    s, rc = lns.stop()
    check(rc == 0 and s["failures"] == [] and s["role"] == "lns" and
          s["tunnels_accepted"] == 3 and s["calls_accepted"] >= 15 and
          s["data_received"] >= s["data_sent"] >= r["data_received"],
          (rc, s))


def refusal_run():
    """5b: calls refused by the LNS (l2tp-peer --refuse-every) are failures
    naming the call; the tunnel rests, retries, and ends up full."""
    lns = Peer("--listen", "127.0.0.1:0", "--refuse-every", 7, "--json")
    port = listen_port(lns)
    lac = Peer("--server", "127.0.0.1:%d" % port, "--tunnels", 3,
               "--sessions", 10, "--duration", 1, "--json")
    r, rc = lac.result()
    s, src = lns.stop()
    check(rc == 1 and r["sessions_up"] == 30 and r["tunnels_up"] == 3,
          (rc, r))
    check(src == 0 and s["calls_refused"] > 0 and
          s["calls_refused"] == r["failures_total"], (s, r))
    check(all(f["tunnel"] > 0 and f["session"] > 0 and
              "call setup refused: CDN result 4" in f["reason"]
              for f in r["failures"]), r["failures"])


def lns_role_ssod(d):
    """6: l2tp-peer as LNS, ssod as LAC (two groups, two tunnels)."""
    lf = os.path.join(d, "lns2.sessions")
    lns = Peer("--listen", "127.0.0.1:0", "--reflect", "--json",
               "--sessions-file", lf)
    port = listen_port(lns)
    lac = Lac(port, groups=("lac", "lac2"))
    try:
        lac.start()
        lac.ctl("l2tp", "dial", "lac", 3)
        lac.ctl("l2tp", "dial", "lac2", 2)
        wait_for(lambda: len(lns_sessions(lac.ctl)) == 5, 30,
                 "the ssod LAC's 5 calls up")
        want = lns_sessions(lac.ctl)
        got = lns.quiet(lf)
        check(got == want, "peer %r LAC %r" % (sorted(got), sorted(want)))
    finally:
        lac.stop()
    s, rc = lns.stop()
    check(rc == 0 and s["failures"] == [] and s["calls_accepted"] == 5 and
          s["tunnels_accepted"] == 2, (rc, s))


def bad_usage(port):
    """7: every bad option: exit 2 and a message that names it."""
    srv = ["--server", "127.0.0.1:%d" % port]
    cases = [
        ([], "--server"),
        (srv + ["--tunnels", "0", "--sessions", "1"], "--tunnels 0"),
        (srv + ["--tunnels", "70000", "--sessions", "1"], "--tunnels 70000"),
        (srv + ["--tunnels", "1"], "--sessions"),
        (srv + ["--tunnels", "1", "--sessions", "1", "--frame-size", "8"],
         "--frame-size 8"),
        (["--server", "no.such.host", "--tunnels", "1", "--sessions", "1"],
         "not an IP address"),
        (["--listen", "127.0.0.1:0", "--churn", "5"], "--churn"),
        (srv + ["--tunnels", "1", "--sessions", "1", "--bogus"], "--bogus"),
    ]
    for args, word in cases:
        b = subprocess.run([peer_bin()] + args, capture_output=True,
                           text=True, timeout=10)
        check(b.returncode == 2 and "l2tp-peer:" in b.stderr and
              word in b.stderr, "%r: exit %d %s" % (args, b.returncode,
                                                    b.stderr))
    h = subprocess.run([peer_bin(), "--help"], capture_output=True,
                       text=True, timeout=10)
    check(h.returncode == 0 and "--sessions-file" in h.stdout and
          "--listen" in h.stdout, h.stdout)


def main(pairs):
    d = tempfile.mkdtemp(prefix="ssot-peer-")
    p, port = lns_pair(pairs, "peer-smoke")
    brief_run(p, port, d)
    quiet_run(p, port, d)
    strict_run(p, port)
    p.cleanup()
    pairs.remove(p)
    auth_runs(pairs)
    lns_role_peer(d)
    refusal_run()
    lns_role_ssod(d)
    bad_usage(free_udp_port())
    print("ok")


run(main)
