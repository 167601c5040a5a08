#!/usr/bin/env python3
"""Issue 15 acceptance 4: a read-only control socket for monitoring
systems (`control socket PATH read-only`).

1. The pair runs with a normal and a read-only socket (its own directory,
   mode 0750, socket files 0660): show commands answer there, in text,
   --json and -b, and `?` help too.
2. Action and test commands are refused there before they run, with
   result code 6 (SSO_RC_DENIED, ssoctl exit status 6) and a message
   naming the read-only socket: redundancy force-switchover, clear, test,
   debug, reload; the unit is still active, debugging still off, and the
   refusals are counted (show control).
3. The normal socket still runs them.
4. A read-only directory others can open is refused at start-up and by
   -n, naming the configuration line; the two paths must differ.
"""
import json
import os
import stat
import subprocess

import ssotest
from ssotest import Pair, run, check, wait_for

REFUSED = [
    ["redundancy", "force-switchover"],
    ["clear", "l2tp", "tunnel", "id", "1"],
    ["test", "checkpoint", "fault", "drop", "50"],
    ["debug", "redundancy", "rf"],
    ["reload"],
]


def ssoctl(sock, *words, stdin=None):
    r = subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "-s", sock,
                        "-t", "5000"] + list(words), capture_output=True,
                       text=True, timeout=20, input=stdin)
    return r.returncode, r.stdout, r.stderr


def main(pairs):
    p = Pair(name="ro")
    ro_dir = os.path.join(p.dir, "mon")
    os.mkdir(ro_dir, 0o750)
    os.chmod(ro_dir, 0o750)
    p.write_conf(extra_top="control socket %s/unit%%u.ro read-only\n"
                 % ro_dir)
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    ro = os.path.join(ro_dir, "unit0.ro")
    check(stat.S_IMODE(os.stat(ro).st_mode) == 0o660,
          "read-only socket mode %o" % os.stat(ro).st_mode)
    check(stat.S_IMODE(os.stat(p.sock(0)).st_mode) == 0o600,
          "control socket mode %o" % os.stat(p.sock(0)).st_mode)

    # 1. show commands answer
    rc, out, err = ssoctl(ro, "--json", "show", "redundancy")
    check(rc == 0 and json.loads(out)["my_state"] == "ACTIVE", (rc, out))
    rc, out, err = ssoctl(ro, "show", "running-config")
    check(rc == 0 and "control socket %s/unit%%u.ro read-only" % ro_dir
          in out, out)
    rc, out, err = ssoctl(ro, "--json", "show", "control")
    c = json.loads(out)
    check(rc == 0 and c["read_only_socket"] == ro and
          c["socket"] == p.sock(0), c)
    rc, out, err = ssoctl(ro, "show", "?")
    check(rc == 0 and "redundancy" in out, out)
    rc, out, err = ssoctl(ro, "-b", stdin="show redundancy states\n")
    check(rc == 0 and out.endswith("%END 0\n"), out)

    # 2. actions and tests refused, with result code 6
    for words in REFUSED:
        rc, out, err = ssoctl(ro, *words)
        check(rc == 6 and "read-only control socket" in out,
              "%s: rc %d %r" % (" ".join(words), rc, out))
        rc, out, err = ssoctl(ro, "--json", *words)
        j = json.loads(out)
        check(rc == 6 and j["rc"] == 6 and "read-only" in j["error"],
              (words, rc, out))
    rc, out, err = ssoctl(ro, "-b", stdin="debug redundancy rf\n"
                          "show redundancy states\n")
    check(rc == 6 and "%END 6\n" in out and out.endswith("%END 0\n"), out)
    check(p.state(0) == "ACTIVE", p.state(0))
    rc, out, err = ssoctl(p.sock(0), "--json", "show", "debugging")
    check(rc == 0 and json.loads(out) == {"debugging": {}}, out)
    c = p.ctl(0, "show", "control")
    check(c["denied"] >= 2 * len(REFUSED) + 1, c)

    # 3. the normal socket runs them
    rc, out, err = ssoctl(p.sock(0), "debug", "redundancy", "rf")
    check(rc == 0, (rc, out))
    rc, out, err = ssoctl(p.sock(0), "clear", "l2tp", "tunnel", "id", "1")
    check(rc == 1 and "No tunnel" in out, (rc, out))
    rc, out, err = ssoctl(p.sock(0), "redundancy", "force-switchover")
    check(rc == 0, (rc, out))
    p.wait_pair(1)

    # 4. start-up checks: a read-only directory others can open; one path
    os.chmod(ro_dir, 0o755)
    r = subprocess.run([os.path.join(ssotest.BIN, "ssod"), "-n", "-c",
                        p.conf, "-u", "0"], capture_output=True, text=True,
                       timeout=20)
    line = [n + 1 for n, x in enumerate(open(p.conf)) if "read-only" in x]
    check(r.returncode != 0 and "pair.conf:%d:" % line[0] in r.stderr +
          r.stdout and
          "0700 or 0750" in r.stderr + r.stdout, (r.returncode, r.stderr))
    os.chmod(ro_dir, 0o750)
    p.write_conf(extra_top="control socket %s/ctl/unit%%u.ctl read-only\n"
                 % p.dir)
    r = subprocess.run([os.path.join(ssotest.BIN, "ssod"), "-n", "-c",
                        p.conf, "-u", "0"], capture_output=True, text=True,
                       timeout=20)
    check(r.returncode != 0 and "must differ" in r.stderr + r.stdout,
          (r.returncode, r.stderr))


run(main)
