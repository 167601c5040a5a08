#!/usr/bin/env python3
"""Issue 6 acceptance 4 on loopback (the inter-RP link is cut by a test
hook that closes both inter-RP connections of one unit):
- with a witness on the service network: no switchover, both units show
  "communication interrupted", writes go on on the active and the standby
  converges after the link heals (partial or full resync);
- without a witness: the standby takes over (dual active for the length of
  the cut, the documented bound), and when the link heals exactly one unit
  stays active (higher epoch), the other restarts as standby and re-bulks;
  the event is in `show redundancy history`."""
import ssotest
from ssotest import Pair, run, check, wait_for


def main(pairs):
    w0 = ssotest.free_port(ssotest.socket.SOCK_DGRAM)
    w1 = ssotest.free_port(ssotest.socket.SOCK_DGRAM)
    witness = (" unit 0 witness 127.0.0.1 %d\n unit 1 witness 127.0.0.1 %d\n"
               % (w0, w1))
    p = Pair(name="witness", extra_redundancy=witness, keepalive=(100, 3))
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    p.ctl(0, "kv", "fill", 1000, "a")
    p.ctl(1, "test", "link", "cut", 3000)
    wait_for(lambda: p.states(1)["communications"].startswith("Interrupted")
             and p.states(0)["communications"].startswith("Interrupted"), 10,
             "both units to report the interruption")
    p.ctl(0, "kv", "fill", 500, "during")
    for u in (0, 1):
        st = p.states(u)
        check(st["switchovers"] == 0, "switchover during a partition with "
              "a witness on unit %d: %r" % (u, st))
    check(p.state(0) == "ACTIVE" and p.state(1) == "STANDBY HOT", "roles")
    wait_for(lambda: p.states(1)["communications"] == "Up", 20,
             "the link to heal")
    p.wait_pair(0)
    a = p.wait_same_kv()
    check(a["records"] == 1500, a)
    hist = [h["event"] for h in
            p.ctl(1, "show", "redundancy", "history")["history"]]
    check(any("communication interrupted" in h for h in hist), hist)
    c = p.ctl(0, "show", "redundancy", "counters")
    check(c["comm_interruptions"] >= 1 and c["witness_received"] > 0, c)

    # no witness: split brain for the length of the cut, then one active
    q = Pair(name="nowitness", keepalive=(100, 3))
    pairs.append(q)
    q.start(0)
    q.start(1)
    q.wait_pair(0)
    q.ctl(0, "kv", "fill", 1000, "b")
    q.wait_same_kv()
    q.ctl(1, "test", "link", "cut", 2000)
    q.wait_state(1, "ACTIVE", timeout=10)       # took over: dual active
    wait_for(lambda: q.state(0) == "STANDBY HOT" and
             q.state(1) == "ACTIVE", 60,
             "one active after the link heals (higher epoch wins)")
    a = q.wait_same_kv()
    check(a["records"] == 1000, a)
    # the loser restarted itself: its new incarnation says why
    hist = [h["event"] for h in
            q.ctl(0, "show", "redundancy", "history")["history"]]
    check(any("dual active" in h for h in hist),
          "dual active not recorded: %r" % hist)


run(main)
