#!/usr/bin/env python3
"""systemd-analyze verify passes clean on dist/systemd/ssod@.service (as
the instance ssod@0.service). systemd is not PID 1 here: verify loads the
unit offline. It checks that ExecStart= names an executable (a temporary
copy points at this build's ssod) and that the Documentation= man pages
exist (MANPATH points at this tree's man/ pages, laid out as man1/5/8).
Also checks the options the daemon's own behaviour relies on: the
re-exec of a manual switchover (execve allowed, no option that forbids
it), and the capabilities and families the README documents."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ssotest  # noqa: E402
from ssotest import check  # noqa: E402

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def settings(text):
    out = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z]+)=(.*)$", line)
        if m:
            out.setdefault(m.group(1), []).append(m.group(2))
    return out


def check_options(text):
    s = settings(text)
    want = {
        "Type": ["notify"], "Restart": ["on-failure"],
        "ExecReload": ["/bin/kill -HUP $MAINPID"],
        "RuntimeDirectory": ["ssod"], "RuntimeDirectoryMode": ["0700"],
        "ProtectSystem": ["strict"], "ProtectHome": ["yes"],
        "NoNewPrivileges": ["yes"], "PrivateTmp": ["yes"],
        "CapabilityBoundingSet": ["CAP_NET_BIND_SERVICE CAP_NET_ADMIN"],
        "AmbientCapabilities": ["CAP_NET_BIND_SERVICE CAP_NET_ADMIN"],
        "RestrictAddressFamilies": ["AF_UNIX AF_INET AF_INET6 AF_NETLINK"],
    }
    for k, v in want.items():
        check(s.get(k) == v, "%s=%r, expected %r" % (k, s.get(k), v))
    check("WatchdogSec" in s, "no WatchdogSec=")
    check(any("-p /run/ssod/unit%i.pid" in x for x in s["ExecStart"]),
          "ExecStart= has no pidfile in the runtime directory")
    # a manual switchover execv()s /proc/self/exe: nothing may deny it
    for f in s.get("SystemCallFilter", []):
        denied = f.startswith("~") and ("execve" in f or "@process" in f)
        check(not denied and (f.startswith("~") or f == "@system-service"),
              "SystemCallFilter=%s may deny execve" % f)
    check("PrivateDevices" not in s, "PrivateDevices= hides /dev/net/tun")

def main(pairs):
    exe = shutil.which("systemd-analyze")
    check(exe is not None, "systemd-analyze missing (tools/install-deps "
          "installs systemd)")
    with open(os.path.join(SRC, "dist", "systemd", "ssod@.service")) as f:
        text = f.read()
    check_options(text)
    tmp = tempfile.mkdtemp(prefix="ssot-unit-")
    try:
        unit = os.path.join(tmp, "ssod@0.service")
        with open(unit, "w") as f:
            f.write(text.replace("@SBINDIR@", os.path.abspath(ssotest.BIN)))
        man = os.path.join(tmp, "man")
        for page in os.listdir(os.path.join(SRC, "man")):
            sect = page.rsplit(".", 1)[1]
            os.makedirs(os.path.join(man, "man" + sect), exist_ok=True)
            shutil.copy(os.path.join(SRC, "man", page),
                        os.path.join(man, "man" + sect, page))
        r = subprocess.run([exe, "verify", unit], capture_output=True,
                           text=True, timeout=30, cwd=tmp,
                           env=dict(os.environ, MANPATH=man))
        out = (r.stdout + r.stderr).strip()
        print("systemd-analyze verify: rc %d %s" % (r.returncode, out))
        # verify loads every unit of the system to resolve dependencies
        # and warns about their files too (Debian's freeradius.service
        # uses MemoryLimit=): only what it says of ours counts
        other = re.compile(r"^/(usr/)?lib/systemd/system/(?!ssod)[^:]+:")
        out = "\n".join(l for l in out.splitlines()
                        if not other.match(l)).strip()
        check(r.returncode == 0 and out == "",
              "systemd-analyze verify is not clean: rc %d: %s"
              % (r.returncode, out))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


ssotest.run(main)
