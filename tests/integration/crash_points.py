#!/usr/bin/env python3
"""Issue 6 acceptance 2 and 5 (core part): a unit SIGKILLs itself at each
named point of the checkpoint path; afterwards every write the standby
had applied is on the surviving unit, the killed unit comes back STANDBY
HOT with the same state, and a standby killed in the middle of its bulk
restarts the bulk cleanly and never claims HOT with partial state."""
from ssotest import Pair, Batch, run, check, wait_for


def write_until_dead(p, active, victim, prefix):
    """SYNC writes on the active until the victim process is gone."""
    b = Batch(p, active)
    applied = {}
    for i in range(100000):
        if p.procs[victim].poll() is not None:
            break
        rc, r = b.cmd("kv", "set", "%s%d" % (prefix, i), "v%d" % i, "sync")
        if rc == 0 and r.get("result") == "applied":
            applied["%s%d" % (prefix, i)] = "v%d" % i
        if rc == 10:
            break
    b.close()
    wait_for(lambda: p.procs[victim].poll() is not None, 30,
             "unit %d to crash" % victim)
    return applied


def check_applied(p, u, applied):
    for k, v in applied.items():
        r = p.ctl(u, "show", "kv", "key", k)
        check(r.get("value") == v, "applied write %s lost on unit %d"
              % (k, u))


def main(pairs):
    p = Pair(name="crash", keepalive=(100, 3))
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    p.ctl(0, "kv", "fill", 2000, "base")
    active = 0
    cases = [("before-ckpt-send", "active"), ("after-ckpt-send", "active"),
             ("before-ack", "standby"), ("after-ack", "standby")]
    for point, who in cases:
        standby = 1 - active
        victim = active if who == "active" else standby
        p.ctl(victim, "test", "crash", point, "after", 20)
        applied = write_until_dead(p, active, victim, point)
        check(p.procs[victim].returncode == -9,
              "unit %d did not die by SIGKILL (%r)" % (victim,
                                                       p.procs[victim].returncode))
        survivor = 1 - victim
        p.wait_state(survivor, "ACTIVE", timeout=30)
        check_applied(p, survivor, applied)
        st = p.states(survivor)
        check(st["standby_not_ready"] == 0, "cold takeover at %s" % point)
        p.start(victim)
        p.wait_pair(survivor, timeout=60)
        p.wait_same_kv()
        active = survivor
    # the standby dies in the middle of its bulk, then restarts
    standby = 1 - active
    p.ctl(active, "kv", "fill", 60000, "big")
    p.wait_same_kv()
    # armed before it starts: arming over the control socket once the
    # bulk had begun raced the bulk (a fast bulk finished first)
    p.kill(standby)
    p.start(standby, env={"SSOD_TEST_CRASH": "mid-bulk:30000"})
    wait_for(lambda: p.procs[standby].poll() is not None, 60,
             "the standby to die mid-bulk")
    hist = p.ctl(active, "show", "redundancy", "history")["history"]
    check(not any("unit %d: STANDBY HOT" % standby in h["event"]
                  for h in hist[-5:]), "standby claimed HOT before dying")
    p.start(standby)
    p.wait_pair(active, timeout=60)
    a = p.wait_same_kv()
    check(a["records"] >= 62000, "records %r" % a)


run(main)
