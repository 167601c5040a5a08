"""churnkill - switchovers of an ssod LNS pair at random instants while
l2tp-peer (the load generator, as LAC) keeps setting sessions up and
tearing them down; after every event the new active must hold exactly the
sessions the peer believes in (no ghost, no loss), every tunnel's resync
must have succeeded, the peer must have seen no failure (no StopCCN or CDN
it did not ask for, no retransmission exhausted), and the unit that was
killed must come back STANDBY HOT.

The comparison is made at a quiet instant: SIGUSR1 makes l2tp-peer stop
starting new setups/teardowns, wait for the outstanding ones and write the
sessions it believes in; SIGUSR2 resumes the churn."""
import json
import os
import random
import signal
import subprocess
import tempfile
import threading
import time

import ssotest
from ssotest import Pair, check, wait_for, track
from l2tphelp import lns_conf, free_udp_port


class Campaign:
    def __init__(self, pairs, tunnels, sessions, churn, name="churn",
                 keepalive=(100, 3), binaries=("ssod", "ssod"),
                 peer_args=()):
        self.tunnels, self.sessions = tunnels, sessions
        self.port = free_udp_port()
        self.p = Pair(name=name, keepalive=keepalive,
                      extra_top=lns_conf(self.port), binaries=binaries)
        pairs.append(self.p)
        self.p.start(0)
        self.p.start(1)
        self.p.wait_pair(0, timeout=60)
        self.active = 0
        self.dir = tempfile.mkdtemp(prefix="ssot-churn-")
        self.sfile = os.path.join(self.dir, "sessions")
        self.err = []
        self.t_ready = None
        self.peer = track(subprocess.Popen(
            [os.path.join(ssotest.BIN, "l2tp-peer"), "--server",
             "127.0.0.1:%d" % self.port, "--tunnels", str(tunnels),
             "--sessions", str(sessions), "--churn", str(churn),
             "--duration", "0", "--hello", "5", "--json",
             # a peer that retransmits after 300 ms (RFC 2661 leaves the
             # timer to the implementation): what it sent into the outage
             # arrives sooner, the campaign runs faster
             "--rtx-min", "300",
             # every 20th call hung up between its ICRQ and the ICRP:
             # the LNS's half dies in wait-connect, and the standby's
             # copy must drop it too (no ghost after a switchover)
             "--abandon-every", "20",
             "--sessions-file", self.sfile] + list(peer_args),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        threading.Thread(target=self._read, daemon=True).start()
        wait_for(lambda: self._alive() and self._seen("ready"), 300,
                 "l2tp-peer to bring %d x %d sessions up"
                 % (tunnels, sessions))
        self.events = {}

    def _read(self):
        for line in self.peer.stderr:
            if line.startswith("ready") and self.t_ready is None:
                self.t_ready = time.monotonic()   # the data phase's 0
            self.err.append(line.rstrip())

    def _seen(self, word, n=1):
        return sum(1 for x in self.err if x.startswith(word)) >= n

    def _alive(self):
        if self.peer.poll() is not None:
            raise ssotest.TestFailure("l2tp-peer exited (%s): %s"
                                      % (self.peer.returncode,
                                         "\n".join(self.err[-20:])))
        return True

    def peer_failures(self):
        return [x for x in self.err if "fail" in x.lower()]

    def peer_sessions(self):
        with open(self.sfile) as f:
            return {tuple(int(v) for v in line.split()[:2])
                    for line in f if line.strip()}

    def lns_sessions(self, u):
        """(tunnel id, session id) of every established session, ids as
        the LNS allocated them."""
        r = self.p.ctl(u, "show", "l2tp", "session")
        return {(s["tunnel_id"], s["local_id"]) for s in r["sessions"]
                if s["state"] == "established"}

    def compare(self):
        """At a quiet instant, the active's sessions are the peer's."""
        n = sum(1 for x in self.err if x.startswith("quiet"))
        self.peer.send_signal(signal.SIGUSR1)
        wait_for(lambda: self._alive() and self._seen("quiet", n + 1), 60,
                 "l2tp-peer to quiesce")
        want = self.peer_sessions()
        got = wait_for(lambda: (lambda s: s == want and s)(
            self.lns_sessions(self.active)), 20,
            "the active's sessions to equal the %d the peer holds"
            % len(want))
        check(len(got) > 0, "no session at all")
        # nothing else on the active, and the standby's copy holds the
        # same calls: no call that died in setup left behind
        n = len(want)
        wait_for(lambda: (lambda a, s: a["sessions_ha_enabled"] == n and
                          s["sessions_ha_enabled"] == n and
                          s["sessions_ha_established"] == n)(
            self.p.ctl(self.active, "show", "l2tp", "redundancy"),
            self.p.ctl(1 - self.active, "show", "l2tp", "redundancy")),
            20, "both units to hold exactly the %d sessions" % n,
            last=lambda: [{k: v for k, v in self.p.ctl(
                u, "show", "l2tp", "redundancy").items()
                if k.startswith("sessions")} for u in (0, 1)])
        self.peer.send_signal(signal.SIGUSR2)
        return got

    def resynced(self, u):
        def ok():
            r = self.p.ctl(u, "show", "l2tp", "redundancy", timeout_ms=1000)
            return r["resync_complete"] and r["resync_fail"] == 0 and \
                r["resync_success"] == self.tunnels and r
        return wait_for(ok, 30, "every tunnel resynced on unit %d" % u)

    def event(self, kind, rng):
        """One event at a random instant of the churn."""
        old = self.active
        time.sleep(rng.uniform(0, 0.5))   # the random instant
        t = time.monotonic()
        if kind == "kill":
            self.p.kill(old)
            self.active = 1 - old
            self.p.wait_state(self.active, "ACTIVE", 30)
            self.p.start(old)
        elif kind == "manual":
            r = self.p.ctl(old, "redundancy", "force-switchover")
            check("started" in r.get("result", ""), r)
            self.active = 1 - old
            self.p.wait_state(self.active, "ACTIVE", 30)
        elif kind == "reload-standby":
            self.p.ctl(old, "redundancy", "reload", "peer")
        else:
            raise ValueError(kind)
        if self.active != old:
            self.resynced(self.active)
        self.p.wait_pair(self.active, timeout=60)
        self.last_ms = (time.monotonic() - t) * 1000   # event -> pair HOT
        self.events[kind] = self.events.get(kind, 0) + 1
        check(not self.peer_failures(), "l2tp-peer failures: %r"
              % self.peer_failures()[:10])
        return self.compare()

    def finish(self):
        """Stop the peer; its report must list no failure."""
        self.peer.send_signal(signal.SIGTERM)
        out = self.peer.stdout.read()   # stderr is the reader thread's
        self.peer.wait(timeout=120)
        r = json.loads(out)
        check(not r.get("failures"), "l2tp-peer failures: %r"
              % r.get("failures", [])[:10])
        check(r["tunnels_up"] == self.tunnels, "tunnels lost: %r" % r)
        return r


def campaign(pairs, tunnels, sessions, churn, plan, rng, name="churn",
             progress=None):
    """Run the events of plan (a list of kinds) at random instants."""
    c = Campaign(pairs, tunnels, sessions, churn, name=name)
    c.compare()
    for i, kind in enumerate(plan):
        n = len(c.event(kind, rng))
        if progress:
            progress(i, kind, n, c)
    return c, c.finish()
