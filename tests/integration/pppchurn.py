"""pppchurn - switchovers of the ssod LNS pair terminating PPP, at random
instants, while `l2tp-peer --ppp` (strict) keeps setting calls up and
tearing them down: churnkill.py's campaign with subscribers. The pair of
lns_ppp_pair.py in the namespaces of lns_ppp.py (made by the caller: the
prologue).

After every event, at a quiet instant (SIGUSR1: the peer starts nothing
new, finishes what it has outstanding and writes the calls it holds;
SIGUSR2 resumes):
- the active's subscribers, all with IPCP opened, are exactly the calls
  the peer holds, and so are the standby's established copies;
- every address is held once, the pool's in-use count equals the
  subscribers (none leaked), and both units' pools agree;
- the peer saw no failure but the clean end of a call caught negotiating
  at a kill (LCP Terminate-Request from the LNS, then its CDN: rule 5),
  and every such end is one the new active counted (orphans_ended).
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import ssotest
from ssotest import check, wait_for, track
import lns_ppp as L
import lns_ppp_pair as LP
import lns_peer

# the one failure a strict client may see at a kill during setup
NEGOTIATING_END = "LCP Terminate-Request from the LNS"

RADIUS = """radius server R1
 address ipv4 127.0.0.1 auth-port %d acct-port %d
 key %s
 timeout 1
 retransmit 2
aaa group server radius RG
 server name R1
aaa authentication ppp default group RG
aaa accounting network default start-stop group RG
"""


def radius_unit(rad):
    """the pair's unit authenticating and accounting with FreeRADIUS
    (radhelp.FreeRadius, started in the lns namespace)"""
    block = RADIUS % (rad.auth_port, rad.acct_port, rad.key)

    class Unit(LP.Unit):
        TEMPLATE = LP.PAIR_CONF.replace(
            "aaa authentication ppp default local\n",
            block.replace("%", "%%"))
    return Unit


class PppCampaign:
    def __init__(self, tunnels, sessions, churn, rad=None):
        self.tunnels, self.sessions = tunnels, sessions
        self.rad = rad
        unit = radius_unit(rad) if rad is not None else LP.Unit
        user = ("carol", "carolpw") if rad is not None else \
            ("alice", "alicepw")
        self.u = [unit(0)]
        self.u.append(unit(1, self.u[0].dir))
        LP.start_pair(*self.u)
        self.active = 0
        self.dir = tempfile.mkdtemp(prefix="ssot-pppchurn-")
        self.sfile = os.path.join(self.dir, "sessions")
        self.err = []
        self.peer = track(subprocess.Popen(lns_peer.NsBed().cmd(
            L.NS["lac"], os.path.join(ssotest.BIN, "l2tp-peer"), "--server",
            "10.81.0.1", "--bind", "10.81.0.2", "--ppp", "--json", "--user",
            user[0], "--password", user[1], "--auth", "chap", "--tunnels",
            tunnels, "--sessions", sessions, "--churn", churn, "--duration",
            0, "--hello", 5, "--rtx-min", 300, "--setup-timeout", 60,
            "--sessions-file", self.sfile), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True))
        threading.Thread(target=self._read, daemon=True).start()
        wait_for(lambda: self._alive() and self._seen("ready"), 120,
                 "l2tp-peer to bring %d x %d calls up" % (tunnels, sessions))
        self.events = 0
        self.ended = 0      # calls caught negotiating, ended by the LNS
        self.orph = {}
        self.gen = [0, 0]

    def _read(self):
        for line in self.peer.stderr:
            self.err.append(line.rstrip())

    def _seen(self, word, n=1):
        return sum(1 for x in self.err if x.startswith(word)) >= n

    def _alive(self):
        if self.peer.poll() is not None:
            raise ssotest.TestFailure("l2tp-peer exited (%s): %s" % (
                self.peer.returncode, "\n".join(self.err[-20:])))
        return True

    def failures(self):
        return [x for x in self.err if x.startswith("failure")]

    def other_failures(self):
        return [x for x in self.failures() if NEGOTIATING_END not in x]

    def note_orphans(self):
        """calls each unit process ended as negotiating (a counter of the
        process image: kept per unit and generation, which a kill or a
        reload starts anew, so that a gone one's still counts)"""
        for u in self.u:
            if u.proc.poll() is None:
                self.orph[(u.u, self.gen[u.u])] = u.ctl(
                    "show", "ppp", "counters")["orphans_ended"]
        self.ended = sum(self.orph.values())

    def peer_calls(self):
        with open(self.sfile) as f:
            return {tuple(int(v) for v in line.split()[:2])
                    for line in f if line.strip()}

    def subs(self, u):
        return self.u[u].ctl("show", "subscriber", "session")["sessions"]

    def compare(self):
        n = sum(1 for x in self.err if x.startswith("quiet"))
        self.peer.send_signal(signal.SIGUSR1)
        wait_for(lambda: self._alive() and self._seen("quiet", n + 1), 60,
                 "l2tp-peer to quiesce")
        want = self.peer_calls()

        def on(u, opened):
            return {(x["tunnel_id"], x["session_id"]) for x in self.subs(u)
                    if x["ipcp_state"] == opened}
        wait_for(lambda: on(self.active, "Opened") == want and
                 len(self.subs(self.active)) == len(want), 20,
                 "the active's subscribers to equal the %d calls the peer "
                 "holds" % len(want),
                 last=lambda: (len(want), len(self.subs(self.active))))
        wait_for(lambda: on(1 - self.active, "Opened") == want and
                 len(self.subs(1 - self.active)) == len(want), 20,
                 "the standby's copies to equal them",
                 last=lambda: len(self.subs(1 - self.active)))
        addrs = [x["ipv4"] for x in self.subs(self.active)]
        check(len(set(addrs)) == len(addrs), "an address held twice")
        a = self.u[self.active].pool()
        wait_for(lambda: self.u[1 - self.active].pool() == a, 20,
                 "both units' pools to agree", last=lambda: (
                     a, self.u[1 - self.active].pool()))
        check(a[1] == len(addrs), "%d addresses in use for %d subscribers"
              % (a[1], len(addrs)))
        self.peer.send_signal(signal.SIGUSR2)
        return want

    def event(self, kind, rng):
        """One event at a random instant of the churn: "kill" (SIGKILL of
        the active, the unit back as standby), "manual" (redundancy
        force-switchover) or "reload-standby" (redundancy reload peer)"""
        old = self.active
        self.note_orphans()
        time.sleep(rng.uniform(0, 0.5))     # the random instant
        t = time.monotonic()
        if kind == "kill":
            self.u[old].proc.kill()
            self.u[old].proc.wait(timeout=10)
            self.gen[old] += 1
            self.active = 1 - old
        elif kind == "manual":
            r = self.u[old].ctl("redundancy", "force-switchover")
            check("started" in r.get("result", ""), r)
            self.gen[old] += 1      # it re-executes itself as standby
            self.active = 1 - old
        elif kind == "reload-standby":
            self.u[old].ctl("redundancy", "reload", "peer")
            self.gen[1 - old] += 1
        else:
            raise ValueError(kind)
        new = self.u[self.active]
        wait_for(lambda: new.state() == "ACTIVE", 30, "unit %d ACTIVE"
                 % new.u)
        if kind == "kill":
            self.u[old].start()
        sb = self.u[1 - self.active]
        wait_for(lambda: sb.proc.poll() is None and sb.state() ==
                 "STANDBY HOT", 60, "unit %d STANDBY HOT" % sb.u)
        if self.active != old:
            wait_for(lambda: (lambda r: r["resync_complete"] and
                              r["resync_fail"] == 0)(
                new.ctl("show", "l2tp", "redundancy")), 30, "the resync")
        self.last_ms = (time.monotonic() - t) * 1000
        self.events += 1
        check(not self.other_failures(), "l2tp-peer failures: %r"
              % self.other_failures()[:10])
        got = self.compare()
        self.note_orphans()
        return got

    def kill(self, rng):
        return self.event("kill", rng)

    def finish(self):
        self.note_orphans()
        self.peer.send_signal(signal.SIGTERM)
        out = self.peer.stdout.read()
        self.peer.wait(timeout=120)
        r = json.loads(out.strip().splitlines()[-1])
        other = [f for f in r.get("failures", [])
                 if NEGOTIATING_END not in f.get("reason", "")]
        check(not other, "l2tp-peer failures: %r" % other[:10])
        check(r["failures_total"] <= self.ended,
              "%d calls ended by the LNS, %d counted as ended negotiating"
              % (r["failures_total"], self.ended))
        return r

    def accounting(self):
        """after the peer ended every call: FreeRADIUS's detail file holds
        one Start and one Stop per session (a record the server took but
        whose answer died with a unit comes again: the same record, its
        Acct-Delay-Time no smaller; counted, never a second record), no
        session without its Stop, and no Accounting-On/Off but the pair's
        first start's On"""
        act = self.u[self.active]
        wait_for(lambda: act.ctl("show", "subscriber", "redundancy")[
            "acct_pending"] == 0, 60, "every accounting record answered",
            last=lambda: act.ctl("show", "subscriber", "redundancy"))
        by = {}
        onoff = []
        for r in self.rad.records():
            st = r.get("Acct-Status-Type")
            if st in ("Accounting-On", "Accounting-Off"):
                onoff.append(st)
                continue
            by.setdefault(r.get("Acct-Session-Id"), []).append(r)
        resent = 0
        for sid, rs in by.items():
            starts = [r for r in rs if r.get("Acct-Status-Type") == "Start"]
            stops = [r for r in rs if r.get("Acct-Status-Type") == "Stop"]
            check(len(starts) >= 1 and len(stops) >= 1,
                  "session %s: %d Starts, %d Stops" % (sid, len(starts),
                                                       len(stops)))
            def same(a, b):
                skip = ("Timestamp", "Acct-Delay-Time")
                return {k: v for k, v in a.items() if k not in skip} == \
                    {k: v for k, v in b.items() if k not in skip}
            for group in (starts, stops):
                for r in group[1:]:
                    # a resend of the same record (its answer died with a
                    # unit), never a second record of the session
                    check(same(r, group[0]) and int(r.get(
                        "Acct-Delay-Time", "0")) >= int(group[0].get(
                            "Acct-Delay-Time", "0")),
                          "session %s: a second %s that is no resend: %r"
                          % (sid, r.get("Acct-Status-Type"), rs))
                    resent += 1
        check(onoff == ["Accounting-On"], "Accounting-On/Off: %r" % onoff)
        return len(by), resent

    def dump(self):
        for u in self.u:
            u.dump()
        sys_err = "\n".join(self.err[-30:])
        print("---- l2tp-peer stderr (tail) ----\n%s" % sys_err)
        # whole logs kept past the teardown, for the post-mortem
        keep = tempfile.mkdtemp(prefix="pppchurn-fail-")
        for u in self.u:
            try:
                shutil.copy(u.log, keep)
            except OSError:
                pass
        with open(os.path.join(keep, "peer.err"), "w") as f:
            f.write("\n".join(self.err))
        for u in self.u:
            for what in (("show", "l2tp", "session"),
                         ("show", "l2tp", "tunnel"),
                         ("show", "l2tp", "counters")):
                with open(os.path.join(keep, "u%d-%s.json" % (
                        u.u, "-".join(what[1:]))), "w") as f:
                    f.write(json.dumps(u.try_ctl(*what), indent=1))
        if self.peer.poll() is None:
            self.peer.send_signal(signal.SIGTERM)
            try:
                out, _ = self.peer.communicate(timeout=30)
                with open(os.path.join(keep, "peer.json"), "w") as f:
                    f.write(out)
            except subprocess.TimeoutExpired:
                pass
        print("---- whole logs in %s ----" % keep)


def campaign(kills, tunnels, sessions, churn, rng, progress=None,
             manuals=0, rad=None):
    c = PppCampaign(tunnels, sessions, churn, rad)
    try:
        c.compare()
        for i in range(kills):
            n = len(c.kill(rng))
            if progress:
                progress(i, n, c)
        for i in range(manuals):
            c.event("manual", rng)
        return c, c.finish()
    except Exception:
        c.dump()
        raise
