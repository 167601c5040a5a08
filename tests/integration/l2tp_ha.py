#!/usr/bin/env python3
"""Issue 4 acceptance 1, 3, 4, 5 with an ssod LAC as the peer: tunnels and
sessions survive SIGKILL of the active, a restart of the killed unit, a
forced switchover and the switch back; the peer never sees a teardown; the
sequence numbers cross the 16-bit wrap around the switchovers, with lazily
checkpointed Hellos in flight; new sessions and Hellos work afterwards;
show l2tp redundancy agrees on both units."""
from ssotest import Pair, run, check, wait_for
from l2tphelp import Lac, lns_conf, free_udp_port, same_sessions


def lac_clean(lac):
    c = lac.ctl("show", "l2tp", "counters")
    f = lac.ctl("show", "vpdn", "history", "failure")["failures"]
    check(c["tunnels_freed"] == 0, "peer lost a tunnel: %r" % c)
    check(c["sessions_freed"] == 0, "peer lost a session: %r" % c)
    check(f == [], "peer recorded failures: %r" % f)
    return c


def wait_resynced(p, u, tunnels):
    return wait_for(lambda: (lambda r: r["resync_complete"] and
                             r["resync_success"] == tunnels and
                             r["resync_fail"] == 0 and r)(
        p.ctl(u, "show", "l2tp", "redundancy")), 30,
        "resync of %d tunnels on unit %d" % (tunnels, u))


def ha_counts_match(p, active):
    a = p.ctl(active, "show", "l2tp", "redundancy")
    s = p.ctl(1 - active, "show", "l2tp", "redundancy")
    keys = ("tunnels_ha_enabled", "tunnels_ha_established",
            "sessions_ha_enabled", "sessions_ha_established")
    return all(a[k] == s[k] for k in keys) and a["tunnels_ha_enabled"] > 0 \
        and (a, s)


def main(pairs):
    port = free_udp_port()
    # a wide window both ways: the Hello bursts to the Ns wrap go fast
    win = " l2tp tunnel receive-window 64\n"
    p = Pair(name="l2tpha", extra_top=lns_conf(port, extra_group=win))
    pairs.append(p)
    lac = Lac(port, groups=("lac", "lac2"), extra=win)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    lac.start()
    lac.ctl("l2tp", "dial", "lac", 5)
    lac.ctl("l2tp", "dial", "lac2", 5)
    wait_for(lambda: same_sessions(lambda *w: p.ctl(0, *w), lac) and
             len(same_sessions(lambda *w: p.ctl(0, *w), lac)[0]) == 10, 30,
             "10 sessions up on both sides")
    wait_for(lambda: ha_counts_match(p, 0), 20, "matching HA counts")
    # bring both sides' Ns next to the 16-bit wrap: Hellos both ways
    lt = lac.ctl("show", "l2tp", "tunnel")["tunnels"][0]
    pt = p.ctl(0, "show", "l2tp", "tunnel")["tunnels"]
    target = 65536 - 40
    lac.ctl("test", "l2tp", "hello-burst", lt["local_id"], target - lt["ns"])
    for t in pt:
        if t["remote_id"] == lt["local_id"]:
            p.ctl(0, "test", "l2tp", "hello-burst", t["local_id"],
                  target - t["ns"])
    wait_for(lambda: lac.ctl("show", "l2tp", "tunnel", "id",
                             lt["local_id"])["tunnels"][0]["ns"] >= target,
             120, "the LAC's Ns near 65535")
    active, expected = 0, 10
    steps = ["kill", "restart", "force", "force", "kill"]
    for step in steps:
        if step == "restart":
            p.start(1 - active)
            p.wait_pair(active, timeout=40)
            wait_for(lambda: ha_counts_match(p, active), 30,
                     "matching HA counts after restart")
            continue
        # Hellos in flight (lazily checkpointed) at the switchover
        for t in p.ctl(active, "show", "l2tp", "tunnel")["tunnels"]:
            p.ctl(active, "test", "l2tp", "hello-burst", t["local_id"], 30)
        lac.ctl("test", "l2tp", "hello-burst", lt["local_id"], 30)
        if step == "kill":
            p.kill(active)
        else:
            p.ctl(active, "redundancy", "force-switchover")
        active = 1 - active
        p.wait_state(active, "ACTIVE", timeout=30)
        wait_resynced(p, active, 2)
        wait_for(lambda: same_sessions(lambda *w: p.ctl(active, *w), lac)
                 and len(same_sessions(lambda *w: p.ctl(active, *w),
                                       lac)[0]) == expected, 30,
                 "the same %d sessions on both sides after %s" % (expected,
                                                                   step))
        before = lac_clean(lac)
        # Hellos flow and are answered (the LAC would clear otherwise)
        wait_for(lambda: lac.ctl("show", "l2tp", "counters")["rx_zlb"] >
                 before["rx_zlb"] + 2, 30, "Hellos answered by the new active")
        # a new call works on the resynced tunnel
        lac.ctl("l2tp", "dial", "lac", 1)
        expected += 1
        wait_for(lambda: len(same_sessions(lambda *w: p.ctl(active, *w),
                                           lac)[0]) == expected, 30,
                 "a new session after %s" % step)
        lac_clean(lac)
        if step == "force":
            p.wait_pair(active, timeout=40)
        st = p.ctl(active, "show", "l2tp", "redundancy")
        check(st["resync_duration_ms"] >= 0 and st["resync_complete"], st)
    # the wrap really happened on the LAC's side
    ns = lac.ctl("show", "l2tp", "tunnel", "id",
                 lt["local_id"])["tunnels"][0]["ns"]
    check(ns < target, "Ns did not wrap (%d)" % ns)
    lac.stop()


run(main)
