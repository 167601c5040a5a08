#!/usr/bin/env python3
"""cmake --install into a temporary DESTDIR gives exactly the FHS layout the
README documents: once under /usr/local (the unit and the configuration as
examples only, nothing in /etc), once under /usr (what the Debian package
holds: the unit in lib/systemd/system, /etc/ssod/ssod.conf). No test-only
binary (ssod-kv5) is installed; the links resolve inside the tree; the
unit names the installed ssod; installed sso-bench finds its harness."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ssotest  # noqa: E402
from ssotest import check  # noqa: E402

COMMON = [
    "bin/l2tp-peer", "bin/sso-bench", "bin/ssoctl",
    "libexec/ssod/l2tp-peer", "libexec/ssod/l2tphelp.py",
    "libexec/ssod/sso-bench", "libexec/ssod/sso-bench-raw",
    "libexec/ssod/ssoctl", "libexec/ssod/ssod", "libexec/ssod/ssotest.py",
    "sbin/ssod",
    "share/doc/ssod/README.md", "share/doc/ssod/examples/ssod.conf",
    "share/man/man1/l2tp-peer.1", "share/man/man1/sso-bench.1",
    "share/man/man5/ssod.conf.5",
    "share/man/man8/ssoctl.8", "share/man/man8/ssod.8",
]
LINKS = {
    "bin/sso-bench": "libexec/ssod/sso-bench",
    "libexec/ssod/ssod": "sbin/ssod",
    "libexec/ssod/ssoctl": "bin/ssoctl",
    "libexec/ssod/l2tp-peer": "bin/l2tp-peer",
}


def files_under(root):
    out = []
    for d, _, names in os.walk(root):
        for n in names:
            out.append(os.path.relpath(os.path.join(d, n), root))
    return sorted(out)


def install(build, destdir, prefix):
    r = subprocess.run(["cmake", "--install", build, "--prefix", prefix],
                       env=dict(os.environ, DESTDIR=destdir),
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, "cmake --install --prefix %s: %s%s"
          % (prefix, r.stdout, r.stderr))


def check_tree(root, prefix, extra):
    """root: DESTDIR; prefix: /usr/local or /usr; extra: files outside
    COMMON, relative to root."""
    want = sorted([os.path.join(prefix, f).lstrip("/") for f in COMMON]
                  + extra)
    got = files_under(root)
    check(got == want, "prefix %s: installed files differ:\n  missing %r\n"
          "  unexpected %r" % (prefix, sorted(set(want) - set(got)),
                               sorted(set(got) - set(want))))
    top = os.path.join(root, prefix.lstrip("/"))
    for link, target in LINKS.items():
        p = os.path.join(top, link)
        check(os.path.islink(p), "%s is not a link" % link)
        check(os.path.realpath(p) == os.path.realpath(
            os.path.join(top, target)), "%s does not resolve to %s (%s)"
              % (link, target, os.readlink(p)))
    for exe in ("sbin/ssod", "bin/ssoctl", "bin/l2tp-peer",
                "libexec/ssod/sso-bench-raw", "libexec/ssod/sso-bench"):
        check(os.access(os.path.join(top, exe), os.X_OK),
              "%s not executable" % exe)
    return top


def check_unit(path, sbindir):
    with open(path) as f:
        text = f.read()
    check("ExecStart=%s/ssod -f -c /etc/ssod/ssod.conf -u %%i" % sbindir
          in text, "unit %s does not run %s/ssod: %s" % (path, sbindir, text))
    check("@SBINDIR@" not in text, "unsubstituted @SBINDIR@ in %s" % path)


def main(pairs):
    build = os.path.dirname(os.path.abspath(ssotest.BIN))
    tmp = tempfile.mkdtemp(prefix="ssot-install-")
    try:
        local = os.path.join(tmp, "local")
        install(build, local, "/usr/local")
        top = check_tree(local, "/usr/local", [
            "usr/local/share/doc/ssod/examples/ssod@.service"])
        check_unit(os.path.join(top, "share/doc/ssod/examples/ssod@.service"),
                   "/usr/local/sbin")
        check(not os.path.exists(os.path.join(local, "etc")),
              "an install under /usr/local wrote into /etc")
        # the installed sso-bench runs from its own directory (its imports)
        r = subprocess.run([sys.executable, os.path.join(top, "bin",
                                                          "sso-bench"),
                            "--help"], capture_output=True, text=True,
                           timeout=30)
        check(r.returncode == 0 and "cf-throughput" in r.stdout,
              "installed sso-bench --help: rc %d %s" % (r.returncode,
                                                         r.stderr))
        # and runs a short scenario with the sso-bench-raw installed beside
        # it, the ssod and ssoctl its links lead to
        r = subprocess.run([sys.executable, os.path.join(top, "bin",
                                                          "sso-bench"),
                            "cf-throughput", "--trials", "1", "--records",
                            "2000", "--json"], capture_output=True,
                           text=True, timeout=180, cwd=tmp)
        check(r.returncode == 0 and json.loads(r.stdout)["results"],
              "installed sso-bench cf-throughput: rc %d %s %s"
              % (r.returncode, r.stdout[-500:], r.stderr[-2000:]))

        usr = os.path.join(tmp, "usr")
        install(build, usr, "/usr")
        check_tree(usr, "/usr", ["etc/ssod/ssod.conf",
                                 "usr/lib/systemd/system/ssod@.service"])
        check_unit(os.path.join(usr, "usr/lib/systemd/system/ssod@.service"),
                   "/usr/sbin")
        with open(os.path.join(usr, "etc/ssod/ssod.conf")) as f:
            check("key secret /etc/ssod/unit%u.key" in f.read(),
                  "/etc/ssod/ssod.conf is not the example configuration")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


ssotest.run(main)
