#!/usr/bin/env python3
"""Acceptance 4: redundancy force-switchover loses nothing, including
records written during the handover. A writer keeps writing SYNC records
to whichever unit is active; a write refused during the handover is
retried on the new active; every write that was acknowledged must be on
both units afterwards. Then switch back."""
import threading
import time
from ssotest import Pair, Batch, run, check, wait_for


def writer(p, stop, acked, errors, outcomes):
    """Writes w0, w1, ... one at a time; each is retried on both units
    until one of them says the standby applied it, for up to 60 s (a
    handover, the old active's restart and the re-bulk all fit in that;
    counting attempts instead of time gave up while a fast machine was
    still between the two units' restarts)."""
    conns = {0: Batch(p, 0), 1: Batch(p, 1)}
    i = 0
    while not stop.is_set() and i < 100000:
        key, val = "w%d" % i, "v%d" % i
        deadline = time.monotonic() + 60
        while key not in acked:
            if time.monotonic() > deadline:
                errors.append("write %s never accepted" % key)
                return
            for u in (0, 1):
                rc, r = conns[u].cmd("kv", "set", key, val, "sync")
                o = (u, rc, r.get("result") or r.get("error") or
                     r.get("raw", "")[:60])
                outcomes[o] = outcomes.get(o, 0) + 1
                if rc == 10:
                    conns[u] = Batch(p, u)   # unit restarting
                # durable only once the standby applied it; a write the
                # active took without a standby in sync is retried
                if rc == 0 and r.get("result") == "applied":
                    acked[key] = val
                    break
            else:
                time.sleep(0.01)    # nobody could take it: pace retries
        i += 1
    for c in conns.values():
        c.close()


def main(pairs):
    p = Pair(name="force")
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    p.ctl(0, "kv", "fill", 10000, "base")
    for new_active in (1, 0):
        stop, acked, errors, outcomes = threading.Event(), {}, [], {}
        def body(stop=stop, acked=acked, errors=errors, outcomes=outcomes):
            try:
                writer(p, stop, acked, errors, outcomes)
            except Exception as e:  # noqa: BLE001 - reported by main
                errors.append("writer died: %r" % e)
        t = threading.Thread(target=body)
        t.start()
        wait_for(lambda: len(acked) >= 50, 30, "writes before switchover")
        old = 1 - new_active
        r = p.ctl(old, "redundancy", "force-switchover")
        check("started" in r.get("result", ""), r)
        p.wait_pair(new_active, timeout=40)
        n = len(acked)
        try:
            wait_for(lambda: check(not errors, errors) or
                     len(acked) >= n + 50, 30, "writes after switchover")
        except Exception:
            # (unit, rc, result) -> count: what the writer was told
            print("writer outcomes: %r errors: %r" % (outcomes, errors))
            raise
        stop.set()
        t.join(timeout=60)
        check(not errors, errors)
        p.wait_same_kv()
        for k, v in acked.items():
            r = p.ctl(new_active, "show", "kv", "key", k)
            check(r.get("value") == v, "acked write %s lost" % k)
        st = p.states(new_active)
        check(st["last_switchover_reason"].startswith("manual"), st)
        check(p.kv(new_active)["records"] >= 10000, "base records")


run(main)
