#!/usr/bin/env python3
"""Issue 12 acceptance 1 (pool part): the LNS pair of lns_ppp_pair.py is
killed at every crash point of the checkpoint path and at the two of the
subscriber code (before the IPCP Nak/Ack carrying an address leaves, and
after our IPCP Ack, before the subscriber is up on the standby) while
calls are being set up; whatever dies when, no address is ever held by
two subscribers:
- on the survivor, every subscriber's address is distinct and the pool's
  in-use count equals the subscribers holding one (none leaked);
- the killed unit comes back STANDBY HOT with the same pool usage;
- a second batch of calls set up beside the survivors gets addresses
  distinct from theirs and from each other;
- once every call is ended, every address is back in both units' pools.
The victims alternate (the survivor of one round is the active of the
next). A standby killed in the middle of its bulk (SSOD_TEST_CRASH) comes
back and holds the same pool usage. Label campaign: runs once, normal
build only. Prints SKIP with the reason where namespaces cannot be made.
"""
import os
import signal
import subprocess

import ssotest
from ssotest import check, track, wait_for
import lns_ppp as L
import lns_ppp_pair as P

CONF = P.PAIR_CONF.replace("aaa new-model\n",
                           "service internal\naaa new-model\n")

# (victim: "active" or "standby", point, pass)
ROUNDS = (("active", "before-ckpt-send", 5),
          ("active", "after-ckpt-send", 5),
          ("standby", "before-ack", 5),
          ("standby", "after-ack", 5),
          ("active", "before-answer", 2),
          ("active", "after-answer", 2))
CALLS = 6


class Unit(P.Unit):
    TEMPLATE = CONF

    def start(self, env=None):
        self.proc = track(subprocess.Popen(
            ["ip", "netns", "exec", L.NS["lns"],
             os.path.join(ssotest.BIN, "ssod"), "-f", "-c", self.conf, "-u",
             str(self.u)], stdout=open(self.log, "a"),
            stderr=subprocess.STDOUT, env=env))


def dial(n):
    """n calls held up by lns_lac -k (not waited for: a unit dies)"""
    return track(subprocess.Popen(
        ["ip", "netns", "exec", L.NS["lac"],
         os.path.join(ssotest.BIN, "lns_lac"), "-l", "10.81.0.1", "-b",
         "10.81.0.2", "-r", "10.82.0.2:%d" % L.REFL_PORT, "-t", "1", "-n",
         str(n), "-u", "alice", "-p", "alicepw", "-c", "1", "-k", "-w",
         "60"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True))


def subs(u):
    return u.ctl("show", "subscriber", "session")["sessions"]


def settled(u):
    """every subscriber of the unit opened: none negotiating"""
    s = subs(u)
    return s if all(x["ipcp_state"] == "Opened" for x in s) else None


def unique(u, what):
    snap = []

    def ok():
        x = settled(u)
        snap[:] = [x]
        return x is not None
    # a call left negotiating ends at the LNS's PPP timeout (30 s)
    wait_for(ok, 90, "%s: the calls to settle" % what)
    s = snap[0]
    addrs = [x["ipv4"] for x in s]
    check(len(addrs) == len(set(addrs)), "%s: an address held twice: %s"
          % (what, sorted(addrs)))
    free, in_use = u.pool()
    check(in_use == len(addrs), "%s: %d addresses in use for %d "
          "subscribers" % (what, in_use, len(addrs)))
    return s


def hot(act, stb):
    wait_for(lambda: stb.state() == "STANDBY HOT", 60, "unit %d STANDBY "
             "HOT" % stb.u)
    wait_for(lambda: stb.pool() == act.pool(), 30, "the same pool usage "
             "on both units", last=lambda: (act.pool(), stb.pool()))


def end(p):
    p.send_signal(signal.SIGTERM)
    p.communicate(timeout=90)


def all_free(u):
    """every address back, no subscriber left: the calls the LAC ended,
    and any it gave up on when the killed unit took its tunnel state with
    it, which the LNS's keepalive (10 s x 3) reclaims"""
    wait_for(lambda: u.pool() == (L.POOL_SIZE, 0) and
             u.ctl("show", "subscriber", "session")["total"] == 0, 90,
             "every address back in the pool, no subscriber left",
             last=lambda: (u.pool(), u.ctl("show", "subscriber",
                                           "session")["sessions"]))


def kill_round(units, act, victim, point, n):
    stb = units[1 - act.u]
    vic = act if victim == "active" else stb
    other = stb if vic is act else act
    vic.ctl("test", "crash", point, "after", n)
    lac1 = dial(CALLS)
    wait_for(lambda: vic.proc.poll() is not None, 30, "unit %d to die at "
             "%s" % (vic.u, point))
    wait_for(lambda: other.state() == "ACTIVE", 30, "unit %d ACTIVE"
             % other.u)
    vic.start()
    hot(other, vic)
    first = unique(other, "%s on unit %d" % (point, vic.u))
    # a second batch (its own tunnel) beside the survivors
    old = set(x["tunnel_id"] for x in first)
    lac2 = dial(CALLS)
    wait_for(lambda: len([x for x in subs(other) if x["tunnel_id"] not in
                          old and x["ipcp_state"] == "Opened"]) == CALLS,
             30, "the second batch up")
    both = unique(other, "%s, second batch" % point)
    check(set(x["ipv4"] for x in first) <= set(x["ipv4"] for x in both),
          "%s: survivors lost their addresses" % point)
    hot(other, vic)
    end(lac1)
    end(lac2)
    all_free(other)
    wait_for(lambda: vic.pool() == (L.POOL_SIZE, 0), 30, "the standby's "
             "pool all free", last=vic.pool)
    print("%-16s victim unit %d (%s): %d calls kept on unit %d, second "
          "batch %d: addresses unique, all back" % (
              point, vic.u, victim, len(first), other.u,
              len(both) - len(first)))
    return other


def mid_bulk(act, stb):
    lac = dial(CALLS)
    wait_for(lambda: len([x for x in subs(act) if x["ipcp_state"] ==
                          "Opened"]) == CALLS, 30, "calls up")
    hot(act, stb)
    stb.proc.kill()
    stb.proc.wait(timeout=10)
    stb.start(env=dict(os.environ, SSOD_TEST_CRASH="mid-bulk"))
    wait_for(lambda: stb.proc.poll() is not None, 30, "the standby to die "
             "mid-bulk")
    stb.start()
    hot(act, stb)
    a = sorted(x["ipv4"] for x in unique(act, "mid-bulk"))
    b = sorted(x["ipv4"] for x in subs(stb))
    check(a == b, "the standby's copies differ: %s vs %s" % (a, b))
    end(lac)
    all_free(act)
    print("mid-bulk         standby unit %d died in its bulk, came back "
          "HOT with the same %d subscribers" % (stb.u, len(a)))


def main(_pairs):
    L.prologue()
    u0 = Unit(0)
    u1 = Unit(1, u0.dir)
    units = (u0, u1)
    try:
        P.start_pair(u0, u1)
        act = u0
        for victim, point, n in ROUNDS:
            act = kill_round(units, act, victim, point, n)
        mid_bulk(act, units[1 - act.u])
    except Exception:
        u0.dump()
        u1.dump()
        raise
    finally:
        L.teardown()


if __name__ == "__main__":
    ssotest.run(main)
