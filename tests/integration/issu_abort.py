#!/usr/bin/env python3
"""ISSU (issue 13, acceptance 2 and 3): abortversion from Load Version,
from Run Version and after acceptversion, and a rollback timer of 5 s
expiring: the pair back on N (the pinned base release) with every
checkpointed object kept, including those created while N+1 (this tree's
ssod) was active and N standby (the N+1 active speaks v1 to the N
standby)."""
from ssotest import run, check, wait_for
from issuhelp import IssuPair, base, next_image


def main(pairs):
    n, n1 = base(), next_image()
    p = IssuPair(name="issu-abort")
    pairs.append(p)
    p.up(200)
    p.wait_issu("Init", (n, n), 0)

    # from Load Version: the standby goes back to N
    p.ctl(0, "issu", "loadversion", n1)
    p.wait_issu("Load Version", (n, n1), 0)
    r = p.ctl(0, "issu", "abortversion")
    check(r["issu_state"] == "Init", r)
    p.wait_issu("Init", (n, n), 0)
    p.wait_same_kv()

    # from Run Version: back to the unit on N, the other one reloads N
    p.ctl(0, "issu", "loadversion", n1)
    p.wait_issu("Load Version", (n, n1), 0)
    p.ctl(0, "issu", "runversion")
    p.wait_issu("Run Version", (n, n1), 1)
    p.ctl(1, "kv", "fill", 100, "b")     # created on N+1, N standby
    p.wait_same_kv()
    e = p.refused(0, "issu", "abortversion")
    check("active unit" in e, e)
    p.ctl(1, "issu", "abortversion")
    p.wait_issu("Init", (n, n), 0)
    p.wait_same_kv()
    check(p.kv(0)["records"] == 300, p.kv(0))

    # after acceptversion: the same
    p.ctl(0, "issu", "loadversion", n1)
    p.wait_issu("Load Version", (n, n1), 0)
    p.ctl(0, "issu", "runversion")
    p.wait_issu("Run Version", (n, n1), 1)
    p.ctl(1, "issu", "acceptversion")
    p.ctl(1, "kv", "fill", 100, "c")
    p.ctl(1, "issu", "abortversion")
    p.wait_issu("Init", (n, n), 0)
    p.wait_same_kv()
    check(p.kv(0)["records"] == 400, p.kv(0))

    # the rollback timer (5 s) expiring before acceptversion
    p.ctl(0, "issu", "set", "rollback-timer", 5)
    p.ctl(0, "issu", "loadversion", n1)
    p.wait_issu("Load Version", (n, n1), 0)
    p.ctl(0, "issu", "runversion")
    # Run Version on the new active with the timer running (not waiting
    # for the old unit to be HOT again: 5 s is short on a loaded host)
    s = wait_for(lambda: (lambda s: s["issu_state"] == "Run Version" and
                          s["rollback_remaining_s"] > 0 and s)(
        p.ctl(1, "show", "issu", "state")), 30, "Run Version on unit 1")
    check(s["rollback_remaining_s"] <= 5 and not s["accepted"], s)
    p.ctl(1, "kv", "fill", 100, "d")
    s = p.wait_issu("Init", (n, n), 0, timeout=60)
    check(s[0]["rollback_timer_s"] == 5, s[0])
    check(s[0]["last_event"] == "rollback timer expired" or
          s[0]["last_event"] == "the old image took over", s[0])
    p.wait_same_kv()
    check(p.kv(0)["records"] == 500, p.kv(0))
    check(p.ctl(0, "show", "redundancy", "states")["system_switchovers"] >= 6,
          "switchovers")

run(main)
