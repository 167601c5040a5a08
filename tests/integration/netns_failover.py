#!/usr/bin/env python3
"""Issue 6 on the network-namespace test bed (netns/netbed.py): unit 0,
unit 1 and an L2TP peer in their own namespaces, a bridged service LAN on
which the L2TP address 10.77.0.100 follows the active role (ssod's notify
hook netns/vip-notify: ip addr replace + unsolicited ARP), and a separate
inter-RP link that can be impaired (tc netem, or the TAP relay where the
kernel has no sch_netem) and cut. Prints "SKIP: reason" and passes where
namespaces cannot be made (not root, no CAP_NET_ADMIN, no iproute2).

The peer is a simplex ssod as LAC (4 tunnels x 5 sessions);
SSO_NETNS_PEER=l2tp-peer uses build/bin/l2tp-peer instead (10 x 5, with
session churn during the kill). SSO_NETNS_CASES selects cases (default
abcd), SSO_NETNS_LINK=veth|relay the inter-RP link, SSO_SEED the relay's
seed, SSO_NETEM_SECONDS the length of b (default cases abcdf).

a. SIGKILL of the active (its namespace then "powered off"): the address
   moves to unit 1 (its notify hook ran `active`: counters, log, `ip addr`,
   the peer's ARP entry), the peer's tunnels and sessions survive with the
   same ids, every tunnel resyncs, a new call works; the killed unit
   restarts, runs `standby` and returns STANDBY HOT without the address.
b. Inter-RP link with 5% loss, 5% duplication, 10 ms delay with 25%
   reordering for SSO_NETEM_SECONDS (20) while the kv client is written
   continuously (async, every tenth write sync) and the tunnels are held,
   keepalive 100 ms x 10 (a lossy link's budget): no switchover, the
   standby converges (kv digest, L2TP sessions) once the impairment is
   removed; TCP's repairs and the checkpoint layer's are counted.
c. Inter-RP link cut with a witness over the service LAN: communication
   interrupted on both units, no switchover, the peer undisturbed, the
   address on the active only; after the heal one active, the standby HOT
   again with what was written during the cut (a counted resync), the
   event in `show redundancy history`.
d. The same cut without a witness: the standby takes over (dual active for
   the cut, both hold the address); after the heal the documented
   resolution (higher epoch stays) keeps unit 1 active; unit 0 restarts
   (stop hook: address released), re-bulks and is HOT.
e, f. One-way fault: what unit 1 sends is lost until unit 0 declares it
   down (f: with a witness, communication interrupted); unit 1 still hears
   unit 0 and stays HOT. The active's keepalives say it has no checkpoint
   session with unit 1, which introduces itself again: after the heal the
   standby catches up. e is not run by default (racy by nature, see
   case_oneway).
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "netns"))
import ssotest  # noqa: E402
from ssotest import Batch, run, check, wait_for  # noqa: E402
from l2tphelp import session_pairs  # noqa: E402
import netbed  # noqa: E402
from netbed import Bed, NsPair, NsLac, NOTIFY, VIP, PEER, SVC  # noqa: E402


KA_LOSSY = (100, 10)


class LacPeer:
    """The default peer: an ssod LAC, TUNNELS tunnels x SESSIONS calls."""
    kind = "ssod LAC"

    def __init__(self, bed, tunnels=4, sessions=5):
        self.tunnels, self.lac = tunnels, NsLac(bed, tunnels)
        for g in self.lac.groups:
            self.lac.ctl("l2tp", "dial", g, sessions)
        wait_for(lambda: len(self.sessions()) == tunnels * sessions, 60,
                 "the LAC's %d sessions up" % (tunnels * sessions))

    def sessions(self):
        """{(LNS tunnel id, LNS session id)} of established calls."""
        return set(session_pairs(self.lac.ctl).values())

    def resume(self):
        pass

    def dial(self):
        """A new call on the first tunnel."""
        self.lac.ctl("l2tp", "dial", self.lac.groups[0], 1)

    def failures(self):
        c = self.lac.ctl("show", "l2tp", "counters")
        bad = ["%s %d" % (k, c[k]) for k in ("tunnels_freed",
                                             "sessions_freed") if c[k]]
        return bad + self.lac.ctl("show", "vpdn", "history",
                                  "failure")["failures"]

    def stop(self):
        bad = self.failures()
        self.lac.stop()
        return bad


class ToolPeer:
    """build/bin/l2tp-peer: 10 x 5 with churn; quiesced (SIGUSR1) to
    compare its sessions file with the LNS."""
    kind = "l2tp-peer"

    def __init__(self, bed, tunnels=10, sessions=5, churn=0):
        self.tunnels = tunnels
        self.dir = tempfile.mkdtemp(prefix="ssot-nspeer-")
        self.sfile = os.path.join(self.dir, "sessions")
        self.err = []
        self.proc = ssotest.track(subprocess.Popen(
            bed.run(2, [os.path.join(ssotest.BIN, "l2tp-peer"), "--server",
                        VIP, "--bind", PEER, "--tunnels", tunnels,
                        "--sessions", sessions, "--churn", churn,
                        "--duration", 0, "--hello", 2, "--json",
                        "--sessions-file", self.sfile]),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        threading.Thread(target=lambda: [self.err.append(x.rstrip())
                                         for x in self.proc.stderr],
                         daemon=True).start()
        wait_for(lambda: self.alive() and self.seen("ready"), 60,
                 "l2tp-peer to bring its sessions up")

    def alive(self):
        check(self.proc.poll() is None, "l2tp-peer exited: %r"
              % self.err[-10:])
        return True

    def seen(self, word, n=1):
        return sum(1 for x in self.err if x.startswith(word)) >= n

    def sessions(self):
        n = sum(1 for x in self.err if x.startswith("quiet"))
        self.proc.send_signal(signal.SIGUSR1)
        wait_for(lambda: self.alive() and self.seen("quiet", n + 1), 60,
                 "l2tp-peer to quiesce")
        with open(self.sfile) as f:
            return {tuple(int(v) for v in ln.split()[:2]) for ln in f}

    def resume(self):
        self.proc.send_signal(signal.SIGUSR2)

    def dial(self):
        pass

    def failures(self):
        return [x for x in self.err if x.startswith("failure")]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        out = self.proc.stdout.read()   # stderr is the reader thread's
        self.proc.wait(timeout=60)
        r = json.loads(out)
        return (r.get("failures") or []) + \
            ([] if r.get("tunnels_up") == self.tunnels else
             ["tunnels up %r" % r.get("tunnels_up")])


def make_peer(bed, churn=0):
    if os.environ.get("SSO_NETNS_PEER", "lac") == "l2tp-peer":
        return ToolPeer(bed, churn=churn)
    return LacPeer(bed)


def lns_sessions(p, u):
    return {(s["tunnel_id"], s["local_id"]) for s in
            p.ctl(u, "show", "l2tp", "session")["sessions"]
            if s["state"] == "established"}


def agree(p, peer, u, timeout=20):
    """The LNS unit u holds exactly the established calls the peer holds,
    with the same ids; the peer recorded no failure."""
    want = peer.sessions()
    wait_for(lambda: lns_sessions(p, u) == want, timeout,
             "unit %d to hold the %d sessions the peer holds"
             % (u, len(want)))
    peer.resume()
    check(not peer.failures(), "peer failures: %r" % peer.failures()[:10])
    return want


def ha_converged(p, active, tunnels):
    a = p.ctl(active, "show", "l2tp", "redundancy")
    s = p.ctl(1 - active, "show", "l2tp", "redundancy")
    keys = ("tunnels_ha_established", "sessions_ha_established")
    return all(a[k] == s[k] for k in keys) and \
        a["tunnels_ha_established"] == tunnels and (a, s)


def notified(p, u, role):
    """The unit's log shows a successful run of the hook for role with
    its current epoch."""
    e = p.states(u)["epoch"]
    return ("%%RF-5-NOTIFY: notify %s %s %d %d: exit 0"
            % (NOTIFY, role, u, e)) in p.log(u)


def delta(after, before, *keys):
    return sum(after[k] - before[k] for k in keys)


def start_pair(pairs, bed, name, **kw):
    p = NsPair(bed, extra_top=netbed.lns_conf(), name=name, **kw)
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    wait_for(lambda: bed.vip_only_on(0), 10, "the address on unit 0 only")
    return p


def finish(p, pairs, peer, strict=True):
    bad = peer.stop()
    if strict:
        check(not bad, "peer failures: %r" % bad[:10])
    p.cleanup()
    pairs.remove(p)
    return bad


def case_kill(pairs, bed):
    t = time.monotonic()
    p = start_pair(pairs, bed, "ns-kill")
    peer = make_peer(bed, churn=20)
    n0 = len(agree(p, peer, 0))
    wait_for(lambda: ha_converged(p, 0, peer.tunnels), 20,
             "the standby's copy of the tunnels")
    if peer.kind == "l2tp-peer":
        time.sleep(0.3)     # the stimulus: a kill in the middle of churn
    t_kill = time.monotonic()
    p.kill(0)
    bed.power_off(0)
    p.wait_state(1, "ACTIVE", 20)
    wait_for(lambda: bed.vip_only_on(1), 10, "the address to move to "
             "unit 1")
    moved = time.monotonic() - t_kill
    wait_for(lambda: bed.peer_arp() == bed.mac(1), 10, "the peer's ARP "
             "entry for %s to point at unit 1" % VIP)
    c = p.ctl(1, "show", "redundancy", "counters")
    check(c["notify_runs"] == 2 and c["notify_failures"] == 0,
          "unit 1 hook runs (standby, active): %r" % c)
    wait_for(lambda: notified(p, 1, "active"), 10, "unit 1's active hook "
             "in its log")
    r = wait_for(lambda: (lambda r: r["resync_complete"] and r)(
        p.ctl(1, "show", "l2tp", "redundancy")), 30, "the resync to end")
    check(r["resync_fail"] == 0 and r["resync_success"] == peer.tunnels,
          "resync: %r" % r)
    n = len(agree(p, peer, 1))
    if peer.kind != "l2tp-peer":
        check(n == n0, "sessions %d before the kill, %d after" % (n0, n))
        peer.dial()
        n = len(agree(p, peer, 1))
        check(n == n0 + 1, "a new call after the takeover")
    bed.power_on(0)
    p.start(0)
    p.wait_pair(1, timeout=40)
    wait_for(lambda: notified(p, 0, "standby"), 10, "unit 0's standby "
             "hook after its restart")
    check(bed.vip_only_on(1), "the address left unit 1")
    finish(p, pairs, peer)
    print("ok: a. kill (%s): address on unit 1 %.2f s after the SIGKILL, "
          "%d tunnels resynced in %d ms, %d sessions kept with their ids, "
          "unit 0 back HOT (%.1f s)" % (peer.kind, moved, peer.tunnels,
                                        r["resync_duration_ms"], n0,
                                        time.monotonic() - t))


def write_for(p, secs):
    """Writes to the active for secs seconds (the stimulus' duration):
    kv set, every tenth one sync (applied on the standby before the
    answer). Returns (writes, outcomes)."""
    b, n, out = Batch(p, 0), 0, {}
    end = time.monotonic() + secs
    while time.monotonic() < end:
        words = ["kv", "set", "k%d" % (n % 500), "v%d" % n]
        if n % 10 == 0:
            words.append("sync")
        rc, r = b.cmd(*words)
        o = "%d %s" % (rc, r.get("result") or r.get("error") or "")
        out[o] = out.get(o, 0) + 1
        n += 1
    b.close()
    return n, out


def case_impair(pairs, bed):
    why = bed.can_impair()
    if why:
        print("SKIP: b. impaired link: %s" % why)
        return
    t = time.monotonic()
    # detection budget for a lossy link: a keepalive lost twice in a row
    # waits for TCP's retransmission timer (200 ms, then 400 ms); 100 x 3
    # (the default) gives false switchovers under 5% loss
    p = start_pair(pairs, bed, "ns-impair", keepalive=KA_LOSSY)
    peer = make_peer(bed, churn=20)
    agree(p, peer, 0)
    p.ctl(0, "kv", "fill", 2000, "base")
    p.wait_same_kv()
    before = [p.stats(u) for u in (0, 1)]
    tcp = [bed.tcp_retransmits(u) for u in (0, 1)]
    bed.impair(loss=5, duplicate=5, delay_ms=10, reorder=25)
    secs = float(os.environ.get("SSO_NETEM_SECONDS", 20))
    n, outcomes = write_for(p, secs)
    link = bed.link_stats()
    bed.clear()
    tcp = sum(bed.tcp_retransmits(u) - tcp[u] for u in (0, 1))
    for u in (0, 1):
        st = p.states(u)
        check(st["switchovers"] == 0, "switchover under impairment: %r"
              % st)
    p.wait_pair(0)
    kv = p.wait_same_kv(timeout=60)
    agree(p, peer, 0)
    wait_for(lambda: ha_converged(p, 0, peer.tunnels), 30,
             "the standby's copy of the sessions to converge")
    after = [p.stats(u) for u in (0, 1)]
    if bed.link == "relay":
        check(link["dropped"] and link["duplicated"] and
              link["reordered"], "the impairment did nothing: %r" % link)
    # TCP repairs what the link does (its retransmissions in the units'
    # namespaces); what reaches the checkpoint layer is repaired and
    # counted there: a reconnect of the checkpoint link is followed by a
    # partial or full resync
    check(tcp > 0, "no TCP retransmission: the impairment missed the "
          "inter-RP connections")
    reconnects = delta(after[1], before[1], "link_connects")
    resyncs = delta(after[0], before[0], "partial_resyncs",
                    "full_resyncs")
    check(resyncs >= (1 if reconnects else 0), "%d reconnects of the "
          "checkpoint link, %d resyncs counted" % (reconnects, resyncs))
    check(all(k.startswith("0 ") for k in outcomes), "writes refused "
          "under impairment: %r" % outcomes)
    finish(p, pairs, peer)
    print("ok: b. impaired link (%s) %.0f s: %d writes %r, no switchover, "
          "kv %d records digest %s equal, link %r; TCP retransmissions "
          "%d; checkpoint: retransmits %d, duplicates %d, gaps %d, "
          "reconnects %d, resyncs %d (%.1f s)" % (
              bed.describe(), secs, n, outcomes, kv["records"],
              kv["digest"], link, tcp,
              delta(after[0], before[0], "retransmits"),
              delta(after[1], before[1], "duplicate_records"),
              delta(after[1], before[1], "sequence_gaps"), reconnects,
              resyncs, time.monotonic() - t))


def case_cut(pairs, bed, witness):
    t = time.monotonic()
    w = (" unit 0 witness %s 4790\n unit 1 witness %s 4790\n"
         % (SVC[0], SVC[1])) if witness else ""
    p = start_pair(pairs, bed, "ns-cut%d" % witness, extra_redundancy=w)
    peer = make_peer(bed)
    agree(p, peer, 0)
    p.ctl(0, "kv", "fill", 500, "c")
    p.wait_same_kv()
    before = p.stats(0)
    bed.cut()
    if witness:
        wait_for(lambda: all(p.states(u)["communications"].startswith(
            "Interrupted") for u in (0, 1)), 10,
            "both units to report the interruption")
        p.ctl(0, "kv", "fill", 300, "during")
        agree(p, peer, 0)
        for u in (0, 1):
            check(p.states(u)["switchovers"] == 0, "switchover with a "
                  "witness: %r" % p.states(u))
        check(p.state(0) == "ACTIVE" and p.state(1).startswith("STANDBY"),
              "roles changed during the cut")
        check(bed.vip_only_on(0), "the address is not on the active only")
    else:
        p.wait_state(1, "ACTIVE", 10)   # dual active for the cut
        wait_for(lambda: bed.has_vip(0) and bed.has_vip(1), 10,
                 "both units to hold the address (dual active)")
        epochs = [p.states(u)["epoch"] for u in (0, 1)]
        check(epochs[1] > epochs[0], "epochs %r" % epochs)
    bed.heal()
    active = 0 if witness else 1    # without: the higher epoch stays
    p.wait_pair(active, timeout=60)
    kv = p.wait_same_kv(timeout=60)
    wait_for(lambda: bed.vip_only_on(active), 10,
             "the address on the active only")
    after = p.stats(active)
    resync = "partial resyncs %d, full %d, bulks %d" % (
        delta(after, before, "partial_resyncs"),
        delta(after, before, "full_resyncs"),
        delta(after, before, "initial_bulks")) if witness else \
        "bulks on unit 1 %d" % after["initial_bulks"]
    if witness:
        check(kv["records"] == 800, kv)
        check(delta(after, before, "partial_resyncs", "full_resyncs") >= 1,
              "no resync counted after the cut: %r" % after)
        hist = [h["event"] for u in (0, 1) for h in
                p.ctl(u, "show", "redundancy", "history")["history"]]
        check(any("communication interrupted" in h for h in hist), hist)
        check(any("communication restored" in h for h in hist), hist)
    else:
        # the loser detects it and restarts; the winner fences the
        # stale active's frames by epoch
        hist = [h["event"] for h in
                p.ctl(0, "show", "redundancy", "history")["history"]]
        check(any("dual active resolution" in h for h in hist), hist)
        c = p.ctl(1, "show", "redundancy", "counters")
        check(c["stale_epoch_dropped"] >= 1, "no stale frame fenced: %r" % c)
        check(notified(p, 0, "standby"), "unit 0 after its restart")
    # the dual-active case is disruptive by nature: the peer's view is
    # reported, not required clean
    bad = finish(p, pairs, peer, strict=witness)
    print("ok: %s. cut %s witness: unit %d active, unit %d HOT, %d kv "
          "records equal, %s%s (%.1f s)" % (
              "c" if witness else "d", "with" if witness else "without",
              active, 1 - active, kv["records"], resync,
              "" if witness else ", peer after the split: %r" % (bad[:3],),
              time.monotonic() - t))


def case_oneway(pairs, bed, witness):
    """e (f: with a witness). One-way fault: what unit 1 sends on the
    inter-RP link is lost until unit 0 (active) declares it down (f:
    communication interrupted); unit 1 still hears unit 0 and stays
    STANDBY HOT. After the heal the checkpoint stream must resume: the
    records written meanwhile and afterwards reach the standby.
    Before the standby re-handshook on the active's keepalives (which
    name the standby its checkpoint session serves), both failed: the
    standby stayed HOT and received nothing. e is not in the default
    list, being racy by nature: the one-way loss stalls the other
    direction of the TCP stream after a retransmission timeout, and
    unit 1 may time out too (a switchover: reported as such)."""
    name = "f" if witness else "e"
    why = bed.can_impair()
    if why:
        print("SKIP: %s. one-way fault: %s" % (name, why))
        return
    t = time.monotonic()
    w = (" unit 0 witness %s 4790\n unit 1 witness %s 4790\n"
         % (SVC[0], SVC[1])) if witness else ""
    p = start_pair(pairs, bed, "ns-oneway%d" % witness, extra_redundancy=w)
    p.ctl(0, "kv", "fill", 500, "o")
    p.wait_same_kv()
    before = p.stats(0)
    counter = "comm_interruptions" if witness else "peer_down"
    downs = p.ctl(0, "show", "redundancy", "counters")[counter]
    bed.impair(loss=100, sender=1)
    wait_for(lambda: p.ctl(0, "show", "redundancy", "counters")
             [counter] > downs, 10, "unit 0 to declare unit 1 down")
    # heal at once: a longer one-way loss of a TCP stream stalls the
    # other direction too (no acks, the sender's window fills) and unit
    # 1 would time out as well
    bed.clear()
    p.ctl(0, "kv", "fill", 100, "during")   # before unit 1 is heard again
    wait_for(lambda: p.states(0)["communications"].startswith("Up"), 20,
             "unit 0 to hear unit 1 again")
    wait_for(lambda: p.states(1)["communications"].startswith("Up"), 20,
             "unit 1 to report the link up")
    check(p.state(1) == "STANDBY HOT" and
          p.states(1)["switchovers"] == 0, "unit 1: %r" % p.states(1))
    p.ctl(0, "kv", "fill", 100, "after")
    try:
        kv = p.wait_same_kv(timeout=30)
        check(kv["records"] == 700, kv)
    except ssotest.TestFailure:
        st = p.stats(0)
        raise ssotest.TestFailure(
            "the standby stopped receiving checkpoints after a one-sided "
            "keepalive timeout on the active (unit 0 session_up %s, "
            "link_stalled %s, retransmit_depth %d; unit 1 %s, applied_seq "
            "%d of %d)" % (st["session_up"], st["link_stalled"],
                           st["retransmit_depth"], p.state(1),
                           p.stats(1)["applied_seq"], st["last_seq"]))
    after = p.stats(0)
    rehs = p.stats(1)["session_rehandshakes"]
    p.cleanup()
    pairs.remove(p)
    print("ok: %s. one-way fault: unit 0 declared unit 1 down, no "
          "switchover, the standby caught up (%d records, re-handshakes "
          "%d, partial resyncs %d, full %d) (%.1f s)" % (
              name, kv["records"], rehs,
              delta(after, before, "partial_resyncs"),
              delta(after, before, "full_resyncs"), time.monotonic() - t))


def main(pairs):
    why = netbed.unavailable()
    if why:
        print("SKIP: network namespaces: %s" % why)
        return
    bed = Bed()
    print("bed %s: inter-RP link %s" % (bed.tag, bed.describe()))
    cases = {"a": lambda: case_kill(pairs, bed),
             "b": lambda: case_impair(pairs, bed),
             "c": lambda: case_cut(pairs, bed, witness=True),
             "d": lambda: case_cut(pairs, bed, witness=False),
             "e": lambda: case_oneway(pairs, bed, witness=False),
             "f": lambda: case_oneway(pairs, bed, witness=True)}
    try:
        for c in os.environ.get("SSO_NETNS_CASES", "abcdf"):
            cases[c]()
    except Exception:
        # run() dumps the units' state and logs while they still run;
        # the bed goes at exit (atexit), the logs stay
        for p in pairs:
            print("logs of %s: %s" % (p.dir, " ".join(p.logs)))
        raise
    bed.teardown()


run(main)
