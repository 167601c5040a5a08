#!/usr/bin/env python3
"""Run-time reload (issue 9 item 3): SIGHUP and `ssoctl reload` on a running
pair. A changed L2TP hello applies and show running-config shows it; a
changed unit address is refused with a logged reason naming its line while
the unit keeps running and stays manageable; a file with a syntax error
changes nothing and says file:line; the pair is STANDBY HOT again once both
units run the same configuration, whichever unit reloads first; every
process keeps its pid."""
import os
import signal
import socket
from ssotest import Pair, run, check, wait_for, free_port


def l2tp_top(port, hello):
    return ("vpdn enable\n"
            "l2tp listen 127.0.0.1 %d\n"
            "vpdn-group lns\n"
            " accept-dialin\n"
            "  protocol l2tp\n"
            " l2tp tunnel hello %d\n" % (port, hello))


def running(p, u):
    return p.ctl(u, "show", "running-config")["running_config"]


def log_of(p, u):
    with open(p.logs[u]) as f:
        return f.read()


def main(pairs):
    port = free_port(socket.SOCK_DGRAM)
    p = Pair(name="reload", extra_top=l2tp_top(port, 60))
    pairs.append(p)
    p.start(0)
    p.wait_state(0, "ACTIVE")
    p.start(1)
    p.wait_pair(0)
    pids = [p.procs[0].pid, p.procs[1].pid]

    # 1. SIGHUP the active: the new hello applies
    p.write_conf(extra_top=l2tp_top(port, 15))
    p.procs[0].send_signal(signal.SIGHUP)
    wait_for(lambda: " l2tp tunnel hello 15\n" in running(p, 0), 20,
             "unit 0 to run hello 15 after SIGHUP")
    check("configuration reloaded from" in log_of(p, 0), log_of(p, 0))
    # the standby now differs: config-sync says so, the pair is not HOT
    wait_for(lambda: "configuration differs" in
             p.states(0)["not_hot_reason"], 20,
             "the active to report the configuration difference",
             last=lambda: p.states(0))
    # 2. `ssoctl reload` on the standby: same configuration, HOT again
    r = p.ctl(1, "reload")
    check(r["reloaded"] and r["refused"] == 0, r)
    check(" l2tp tunnel hello 15\n" in running(p, 1), running(p, 1))
    p.wait_pair(0)

    # 3. a changed unit address is refused, the rest applies
    good = open(p.conf).read()
    text = good.replace("127.0.0.1:%d" % p.ports[1],
                        "127.0.0.1:%d" % free_port())
    text = text.replace("hello 15", "hello 25")
    with open(p.conf, "w") as f:
        f.write(text)
    r = p.ctl(0, "reload")
    check(r["reloaded"] and r["refused"] == 1, r)
    check(":5: unit 1 address: cannot change at run time" in r["message"],
          r)
    rc0 = running(p, 0)
    check(" l2tp tunnel hello 25\n" in rc0, rc0)
    check("127.0.0.1:%d\n" % p.ports[1] in rc0, "address changed: " + rc0)
    check("not applied: " in log_of(p, 0) and "unit 1 address" in
          log_of(p, 0), "refusal not logged")
    p.states(0)     # still manageable
    # the standby (same file) refuses the same line; HOT again after it
    r = p.ctl(1, "reload")
    check(r["reloaded"] and r["refused"] == 1, r)
    p.wait_pair(0)

    # 4. a syntax error changes nothing and names file:line (both ways)
    before = running(p, 0)
    with open(p.conf, "w") as f:
        f.write(text.replace("hello 25", "hello 35") + "bogus words\n")
    r = p.ctl(0, "reload", ok=False)
    check(not r.get("reloaded", True), r)
    where = "%s:%d:" % (p.conf, text.count("\n") + 1)
    check(where in r["message"] and "nothing changed" in r["message"], r)
    check(running(p, 0) == before, "a bad file changed the configuration")
    p.procs[0].send_signal(signal.SIGHUP)
    wait_for(lambda: "reload refused, nothing changed: " + where in
             log_of(p, 0), 20, "the SIGHUP refusal in the log")
    check(running(p, 0) == before, "a bad file changed the configuration")

    # 5. the other order: the standby first (it compares with the active's
    # old configuration: not HOT), then the active: HOT again
    with open(p.conf, "w") as f:
        f.write(text.replace("hello 25", "hello 45"))
    r = p.ctl(1, "reload")
    check(r["reloaded"], r)
    wait_for(lambda: "configuration differs" in
             p.states(1)["not_hot_reason"], 20,
             "the standby to find the configurations different",
             last=lambda: p.states(1))
    p.procs[0].send_signal(signal.SIGHUP)
    wait_for(lambda: " l2tp tunnel hello 45\n" in running(p, 0), 20,
             "unit 0 to run hello 45 after SIGHUP")
    p.wait_pair(0)

    # same processes, still a pair
    check([p.procs[0].pid, p.procs[1].pid] == pids, "a unit was restarted")
    check(all(p.procs[u].poll() is None for u in (0, 1)), "a unit died")
    p.wait_pair(0)


run(main)
