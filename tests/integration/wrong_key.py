#!/usr/bin/env python3
"""Acceptance 6: a unit with the wrong CURVE key is refused, the refusal
is counted and logged, it never becomes the standby and none of the
active's state reaches it.

Issue 9 item 6: both units say why the peer is not accepted (peer_reason,
not_hot_reason, `show redundancy`), count it, log the first failure and
then at most one summary a minute, and (the documented choice) the unit
with no authenticated peer carries on alone: it is ACTIVE after the
negotiation timeout instead of being held out of service by a sender it
cannot authenticate."""
import os
import subprocess
from ssotest import Pair, run, check, wait_for, BIN
import ssotest


def main(pairs):
    p = Pair(name="wrongkey")
    pairs.append(p)
    p.start(0)
    p.wait_state(0, "ACTIVE")
    p.ctl(0, "kv", "fill", 1000, "secret")
    # unit 1 gets a fresh key pair that unit 0 does not know
    subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "keygen", "--force",
                    os.path.join(p.dir, "unit1")], check=True,
                   stdout=subprocess.DEVNULL)
    p.start(1)

    def refused():
        c = p.ctl(0, "show", "redundancy", "counters")
        return c["auth_denied"] + c["handshake_failed_ka"] + \
            c["handshake_failed_cf"] > 0 and c
    wait_for(refused, 20, "unit 0 to refuse unit 1's key")
    c1 = wait_for(lambda: p.ctl(1, "show", "redundancy", "counters")
                  ["handshake_failed_ka"] + p.ctl(1, "show", "redundancy",
                  "counters")["handshake_failed_cf"] > 0, 20,
                  "unit 1 to see its handshakes fail")
    check(c1, "counted")
    # it cannot see an active peer: it never becomes a standby
    wait_for(lambda: p.state(1) in ("ACTIVE", "NEGOTIATION"), 20,
             "unit 1 state")
    st0 = p.states(0)
    check(st0["peer_state"] == "DISABLED", "unit 0 sees a peer: %r" % st0)
    check(p.kv(1)["records"] == 0, "state leaked to an unauthenticated unit")
    check(p.stats(1)["records_received"] == 0, "records reached unit 1")
    with open(p.logs[0]) as f:
        check("AUTH_FAIL" in f.read(), "refusal not logged")

    # item 6: the reason, on both units, in JSON and in the text form
    for u in (0, 1):
        st = wait_for(lambda: "fails CURVE authentication" in
                      p.states(u)["peer_reason"] and p.states(u), 20,
                      "unit %d to say why its peer is not accepted" % u)
        check("check key files" in st["peer_reason"], st)
        check(st["not_hot_reason"], "empty not_hot_reason: %r" % st)
        check(st["peer_auth_failures"] > 0, st)
        txt = subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "-s",
                              p.sock(u), "show", "redundancy"],
                             capture_output=True, text=True).stdout
        check("Peer not accepted" in txt and "check key files" in txt, txt)
    check("peer at 127.0.0.1 fails" in p.states(0)["peer_reason"] or
          "peer at tcp://127.0.0.1:%d" % p.ports[1] in
          p.states(0)["peer_reason"], p.states(0))
    # the choice: no authenticated peer, so unit 1 serves alone (loudly)
    p.wait_state(1, "ACTIVE", 20)
    hist = p.ctl(1, "show", "redundancy", "history")["history"]
    check(any("peer not accepted" in h["event"] for h in hist), hist)
    check(any("no authenticated peer within negotiation timeout" in
              h["event"] for h in hist), hist)
    # bounded log volume: dozens of refused handshakes, a few lines
    wait_for(lambda: all(p.ctl(u, "show", "redundancy", "counters")
                         ["peer_auth_failures"] >= 30 for u in (0, 1)), 30,
             "30 refused handshakes on each unit")
    for u in (0, 1):
        with open(p.logs[u]) as f:
            lines = [ln for ln in f if "AUTH_FAIL" in ln]
        n = p.ctl(u, "show", "redundancy", "counters")["peer_auth_failures"]
        check(len(lines) <= 4, "unit %d: %d log lines for %d failures: %r"
              % (u, len(lines), n, lines))


run(main)
