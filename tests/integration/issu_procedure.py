#!/usr/bin/env python3
"""ISSU (issue 13): loadversion, runversion, acceptversion, commitversion
from N (the pinned base release, issuhelp.base()) to N+1 (this tree's
ssod: L2TP client 1-3 against N's 1-1) with checkpointed state kept, the PID of
each unit kept across its re-executions, `show issu state` right on both
units at every step, and the IOS refusals of commands in the wrong
state; the issu commands refused on the read-only socket."""
import os
import shutil
import subprocess

import ssotest
from ssotest import run, check
from issuhelp import IssuPair, base, next_image, client_range, negotiated, \
    L2TP_VERSION


def main(pairs):
    n, n1 = base(), next_image()
    p = IssuPair(name="issu-proc")
    pairs.append(p)
    ro_dir = os.path.join(p.dir, "mon")
    os.mkdir(ro_dir, 0o750)
    os.chmod(ro_dir, 0o750)
    p.write_conf(extra_top="control socket %s/unit%%u.ro read-only\n"
                 % ro_dir)
    p.up(300)
    # the issu commands are actions: refused on the read-only socket
    ro = os.path.join(ro_dir, "unit0.ro")
    for words in (["issu", "loadversion", n1], ["issu", "abortversion"],
                  ["issu", "set", "rollback-timer", "5"],
                  ["issu", "changeversion", n1], ["issu", "runversion"]):
        r = subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "-s", ro]
                           + words, capture_output=True, text=True,
                           timeout=20)
        check(r.returncode == 6 and "read-only" in r.stdout, (words, r))
    r = subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "-s", ro,
                        "show", "issu", "state"], capture_output=True,
                       text=True, timeout=20)
    check(r.returncode == 0 and "ISSU State" in r.stdout, r)
    s = p.wait_issu("Init", (n, n), 0)
    check(s[0]["rollback_timer_s"] == 2700, s[0])
    pids = [p.pid(0), p.pid(1)]

    # wrong state: IOS's message form
    e = p.refused(0, "issu", "runversion")
    check(e.startswith("% ISSU state should be [ load version ] to run"), e)
    for cmd in ("acceptversion", "commitversion"):
        e = p.refused(0, "issu", cmd)
        check(e.startswith("% ISSU state should be [ run version ]"), e)
    e = p.refused(0, "issu", "abortversion")
    check(e.startswith("% ISSU state should be ["), e)
    e = p.refused(1, "issu", "loadversion", n1)
    check("active unit" in e, e)
    e = p.refused(0, "issu", "loadversion", "/nonexistent/ssod")
    check("No such file" in e, e)
    e = p.refused(0, "issu", "loadversion", p.conf)
    check("not an executable" in e, e)
    w = os.path.join(p.dir, "ssod-w")
    shutil.copy(n1, w)
    os.chmod(w, 0o777)
    e = p.refused(0, "issu", "loadversion", w)
    check("writable by others" in e, e)
    e = p.refused(0, "issu", "set", "rollback-timer", 7201)
    p.ctl(0, "issu", "set", "rollback-timer", 600)

    # loadversion: unit 1 re-executes itself from N+1
    r = p.ctl(0, "issu", "loadversion", n1)
    check("Compatible" in r["message"], r)
    s = p.wait_issu("Load Version", (n, n1), 0)
    check(s[0]["primary_version"] == n and s[0]["secondary_version"] == n1,
          s[0])
    check(s[1]["primary_version"] == n and s[1]["secondary_version"] == n1,
          s[1])
    check(s[1]["rollback_timer_s"] == 600, s[1])
    check(client_range(p, 1) == (1, L2TP_VERSION) and
          client_range(p, 0) == (1, 1),
          "builds: l2tp %r on unit 0, %r on unit 1"
          % (client_range(p, 0), client_range(p, 1)))
    check(p.pid(1) == pids[1], "unit 1 changed its PID")
    p.wait_same_kv()
    e = p.refused(0, "issu", "set", "rollback-timer", 100)
    check(e == "% ISSU state should be [ init ] to set the rollback timer",
          e)
    e = p.refused(0, "issu", "loadversion", n1)
    check(e.startswith("% ISSU state should be [ init ]"), e)
    m = p.ctl(0, "show", "issu", "comp-matrix")
    check(m["compatibility"] == "Compatible", m)
    # N+1 speaks L2TP 1-3, N 1-1: version 1, N+1 downgrading
    neg = negotiated(p, 0)
    check(neg["peer_version_max"] == L2TP_VERSION and neg["version"] == 1,
          neg)

    # runversion: a manual switchover to N+1; unit 0 comes back on N
    p.ctl(0, "issu", "runversion")
    s = p.wait_issu("Run Version", (n, n1), 1)
    check(0 < s[1]["rollback_remaining_s"] <= 600, s[1])
    t = p.ctl(1, "show", "issu", "rollback-timer")
    check(t["rollback_state"] == "In progress", t)
    check(p.pid(0) == pids[0], "unit 0 changed its PID")
    p.wait_same_kv()
    p.ctl(1, "kv", "fill", 50, "b")      # written by N+1, applied by N
    p.wait_same_kv()
    check(p.kv(0)["records"] == 350, p.kv(0))

    p.ctl(1, "issu", "acceptversion")
    t = p.ctl(1, "show", "issu", "rollback-timer")
    check(t["rollback_state"] == "Stopped (accepted)", t)

    # commitversion: unit 0 reloads from N+1 as well
    p.ctl(1, "issu", "commitversion")
    s = p.wait_issu("Init", (n1, n1), 1)
    check(s[0]["primary_version"] == n1 and s[0]["secondary_version"] == "",
          s[0])
    check(client_range(p, 0) == (1, L2TP_VERSION), "unit 0 not on N+1")
    check(p.pid(0) == pids[0] and p.pid(1) == pids[1], "PIDs changed")
    p.wait_same_kv()
    check(p.kv(1)["records"] == 350, p.kv(1))
    # both on N+1: the L2TP client speaks its newest version
    p.ctl(1, "kv", "fill", 50, "c")
    p.wait_same_kv()
    for u in (0, 1):
        check(negotiated(p, u)["version"] == L2TP_VERSION,
              negotiated(p, u))
        check(p.kv(u)["apply_errors"] == 0, p.kv(u))


run(main)
