#!/usr/bin/env python3
"""Every man page under man/ lints clean: mandoc -Tlint -Wwarning prints
nothing and exits 0 (any warning fails); and the five pages the README
names are there."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ssotest  # noqa: E402
from ssotest import check  # noqa: E402

MAN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "man")
PAGES = ["l2tp-peer.1", "sso-bench.1", "ssod.conf.5", "ssoctl.8", "ssod.8"]


def main(pairs):
    exe = shutil.which("mandoc")
    check(exe is not None, "mandoc missing (tools/install-deps installs it)")
    have = sorted(os.listdir(MAN))
    check(have == sorted(PAGES), "man/ holds %r, expected %r"
          % (have, sorted(PAGES)))
    bad = []
    for page in PAGES:
        path = os.path.join(MAN, page)
        check(os.path.getsize(path) > 0, "%s is empty" % page)
        r = subprocess.run([exe, "-Tlint", "-Wwarning", path],
                           capture_output=True, text=True, timeout=30)
        out = (r.stdout + r.stderr).strip()
        print("mandoc -Tlint -Wwarning %s: rc %d%s"
              % (page, r.returncode, "\n" + out if out else ""))
        if r.returncode != 0 or out:
            bad.append(page)
    check(not bad, "lint warnings in %s" % ", ".join(bad))


ssotest.run(main)
