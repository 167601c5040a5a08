#!/usr/bin/env python3
"""Issue 4 scope, RFC 4951 end to end: an ssod LNS pair and an ssod LAC
(the peer), both with `l2tp tunnel failover`, so both advertise Failover
Capability. SIGKILL of the active under Hellos both ways, then a forced
switchover back: each time the new active recovers every tunnel the RFC
4951 way (recovery tunnel, Suggested Control Sequence, Failover Session
Query), not by the silent probe; the LAC keeps every tunnel and session
and records no failure; sessions are identical on both sides afterwards
and a new call works."""
from ssotest import Pair, run, check, wait_for
from l2tphelp import Lac, lns_conf, free_udp_port, same_sessions


def lac_clean(lac):
    """The peer lost no tunnel or session and recorded no failure."""
    c = lac.ctl("show", "l2tp", "counters")
    f = lac.ctl("show", "vpdn", "history", "failure")["failures"]
    check(c["tunnels_freed"] == 0 and c["sessions_freed"] == 0,
          "the LAC lost something: %r" % c)
    check(f == [], "the LAC recorded failures: %r" % f)

FO = " l2tp tunnel failover recovery-time 5000\n"


def main(pairs):
    port = free_udp_port()
    p = Pair(name="rfc4951", keepalive=(100, 3),
             extra_top=lns_conf(port, extra_group=FO))
    pairs.append(p)
    lac = Lac(port, groups=("lac",), extra=FO)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    lac.start()
    lac.ctl("l2tp", "dial", "lac", 4)
    wait_for(lambda: (lambda s: s and len(s[0]) == 4)(
        same_sessions(lambda *w: p.ctl(0, *w), lac)), 30,
        "4 sessions up on both sides")
    wait_for(lambda: p.ctl(1, "show", "l2tp", "redundancy")
             ["sessions_ha_established"] == 4, 20, "the standby's copy")
    det = p.ctl(0, "show", "l2tp", "redundancy", "detail")
    check("RFC 4951" in str(det), "tunnel not shown as RFC 4951: %r" % det)
    active, n = 0, 4
    for step in ("kill", "force"):
        lt = lac.ctl("show", "l2tp", "tunnel")["tunnels"][0]
        lac.ctl("test", "l2tp", "hello-burst", lt["local_id"], 5)
        if step == "kill":
            p.kill(active)
        else:
            r = p.ctl(active, "redundancy", "force-switchover")
            check("started" in r.get("result", ""), r)
        active = 1 - active
        p.wait_state(active, "ACTIVE", 20)
        r = wait_for(lambda: (lambda r: r["resync_complete"] and
                              r["rfc4951_recovery_success"] == 1 and
                              r["rfc4951_recovery_fail"] == 0 and r)(
            p.ctl(active, "show", "l2tp", "redundancy")), 30,
            "RFC 4951 recovery of the tunnel on unit %d" % active)
        wait_for(lambda: (lambda s: s and len(s[0]) == n)(
            same_sessions(lambda *w: p.ctl(active, *w), lac)), 30,
            "the %d sessions on both sides after the %s" % (n, step))
        lac_clean(lac)
        lac.ctl("l2tp", "dial", "lac", 1)
        n += 1
        wait_for(lambda: (lambda s: s and len(s[0]) == n)(
            same_sessions(lambda *w: p.ctl(active, *w), lac)), 30,
            "a new call after the %s" % step)
        if step == "kill":
            p.start(1 - active)
            p.wait_pair(active, timeout=40)
            wait_for(lambda: p.ctl(1 - active, "show", "l2tp", "redundancy")
                     ["sessions_ha_established"] == n, 20,
                     "the restarted standby's copy")
        print("ok: %s -> unit %d recovered the tunnel by RFC 4951, %d "
              "sessions" % (step, active, n))


run(main)
