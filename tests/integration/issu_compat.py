#!/usr/bin/env python3
"""ISSU (issue 13, acceptance 4): a new image whose base client (kv built
as base, 5-6 against 1-1) has no common version: loadversion reports
Incompatible, the standby stays out of STANDBY HOT, runversion is
refused, abortversion brings it back, nothing is lost. An optional client
with no common version: Base-level, runversion allowed, that client not
synced."""
from ssotest import run, check, wait_for
from issuhelp import IssuPair, image, base


def main(pairs):
    n, bad = base(), image("ssod-kv5")
    p = IssuPair(name="issu-base")
    pairs.append(p)
    p.up(100)
    p.wait_issu("Init", (n, n), 0)
    r = p.ctl(0, "issu", "loadversion", bad)
    check("Incompatible" in r["message"] and "kv" in r["message"], r)
    wait_for(lambda: p.issu(0)["units"][1]["current_version"] == bad, 30,
             "unit 1 on the incompatible image")
    m = wait_for(lambda: (lambda m: m["compatibility"] == "Incompatible"
                          and m)(p.ctl(0, "show", "issu", "comp-matrix")),
                 30, "comp-matrix Incompatible")
    check("kv" in m["reason"] and m["loaded_image_compatibility"] ==
          "Incompatible", m)
    check(p.state(1) != "STANDBY HOT", p.state(1))
    e = p.refused(0, "issu", "runversion")
    check("STANDBY HOT" in e or "Incompatible" in e, e)
    neg = {c["name"]: c for c in p.ctl(0, "show", "issu",
                                        "negotiated")["clients"]}
    check(neg["kv"]["result"] == "Incompatible", neg)
    p.ctl(0, "issu", "abortversion")
    p.wait_issu("Init", (n, n), 0)
    p.wait_same_kv()
    check(p.kv(1)["records"] == 100, p.kv(1))

    o, o5 = image("ssod-kvopt"), image("ssod-kvopt5")
    q = IssuPair(name="issu-opt", binaries=("ssod-kvopt", "ssod-kvopt"))
    pairs.append(q)
    q.up(100)
    cl = {c["name"]: c for c in q.ctl(0, "show", "issu",
                                       "clients")["clients"]}
    check(cl["kv"]["kind"] == "optional" and cl["l2tp"]["kind"] == "base",
          cl)
    r = q.ctl(0, "issu", "loadversion", o5)
    check("Base-level" in r["message"], r)
    q.wait_issu("Load Version", (o, o5), 0)
    m = q.ctl(0, "show", "issu", "comp-matrix")
    check(m["compatibility"] == "Base-level" and "kv" in m["reason"], m)
    check(q.kv(1)["records"] == 0, q.kv(1))     # not synced
    q.ctl(0, "issu", "runversion")
    q.wait_issu("Run Version", (o, o5), 1)
    q.ctl(1, "issu", "abortversion")
    q.wait_issu("Init", (o, o), 0)


run(main)
