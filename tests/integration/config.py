#!/usr/bin/env python3
"""Configuration: -n check mode, file:line errors for bad values, unknown
commands and structure, print-back round trip, fail-closed security."""
import os
import subprocess
import tempfile
from ssotest import Pair, run, check, wait_for
import ssotest


def ssod_check(text):
    d = tempfile.mkdtemp(prefix="ssot-conf-")
    f = os.path.join(d, "c.conf")
    with open(f, "w") as fp:
        fp.write(text)
    r = subprocess.run([os.path.join(ssotest.BIN, "ssod"), "-n", "-c", f,
                        "-u", "0"], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr, f


GOOD = """hostname RP-PAIR
redundancy
 mode sso
 unit 0 address tcp://127.0.0.1:7400
 unit 1 address tcp://127.0.0.1:7401
 preferred-primary unit 0
 keepalive interval 100 threshold 3
 key secret KEYS/unit%u.key peer-public KEYS/unit%p.pub
control socket KEYS/ctl/unit%u.ctl
"""


def make_keys():
    """-n checks the key files as start-up does: real ones, mode 0600"""
    d = tempfile.mkdtemp(prefix="ssot-keys-")
    os.chmod(d, 0o700)
    for u in (0, 1):
        subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "keygen",
                        os.path.join(d, "unit%d" % u)], check=True,
                       stdout=subprocess.DEVNULL)
    return d


def main(pairs):
    global GOOD
    GOOD = GOOD.replace("KEYS", make_keys())
    rc, out, _ = ssod_check(GOOD)
    check(rc == 0 and "configuration OK" in out, out)
    bad = [
        (GOOD.replace("interval 100", "interval 5"), ":7:", "expected 10-10000"),
        (GOOD.replace("unit 1 address", "unit 2 address"), ":5:", "Invalid"),
        (GOOD.replace(" mode sso", " mode hot"), ":3:", "Invalid input"),
        (GOOD + "bogus command\n", ":10:", "Invalid input"),
        (GOOD.replace("tcp://127.0.0.1:7401", "127.0.0.1:7401"), ":5:",
         "expected tcp://"),
        (GOOD.replace(" key secret", "! key secret"), "key secret", "required"),
        (" mode sso\n", ":1:", "outside of a block"),
    ]
    for text, where, what in bad:
        rc, out, _ = ssod_check(text)
        check(rc == 1, "accepted bad config: %s" % out)
        check(where in out and what in out, "error %r lacks %r/%r"
              % (out, where, what))
    # a running pair prints its configuration back; it parses again
    p = Pair(name="conf")
    pairs.append(p)
    p.start(0)
    p.wait_state(0, "ACTIVE")
    rc_text = p.ctl(0, "show", "running-config")["running_config"]
    check("keepalive interval 100 threshold 5" in rc_text, rc_text)
    check("unit%u.key" in rc_text, "key path not printed as configured")
    rc, out, _ = ssod_check(rc_text.replace("end\n", ""))
    check(rc == 0, "printed config does not parse: %s" % out)
    # fail closed: a missing key file stops the daemon at start-up
    os.unlink(os.path.join(p.dir, "unit1.key"))
    p.start(1)
    rc = p.procs[1].wait(timeout=20)
    check(rc != 0, "started without its key")
    with open(p.logs[1]) as f:
        log = f.read()
    check("refusing to run unprotected" in log, log)


run(main)
