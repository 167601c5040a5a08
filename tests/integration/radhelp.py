"""A real FreeRADIUS for tests: its own configuration directory, copied
from the package's /etc/freeradius/3.0 into a temporary directory and
edited there (the system's configuration is never touched), listening on
127.0.0.1 on the ports the test gives, in the foreground (-X: the log is a
file in the temporary directory), killed at the end.

The package's own service is never used: in containers policy-rc.d stops
it from starting at install time; on a systemd host tools/install-deps
disables it (`systemctl disable --now freeradius`). Nothing here uses the
default ports 1812/1813.

Also: sso-radtest (tools/sso-radtest.c) as a child speaking its
line protocol, and the detail-file reader for accounting checks.
"""
import hashlib
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

import ssotest
from ssotest import check, wait_for, track

SYSCONF = "/etc/freeradius/3.0"
KEY = "testing123"

# users: PAP and CHAP both work from Cleartext-Password
USERS = """
alice   Cleartext-Password := "alicepw"
        Framed-IP-Address = 10.99.0.5,
        Session-Timeout = 3600,
        Acct-Interim-Interval = 300,
        Class = "class-alice"

bob     Cleartext-Password := "bobpw"
        Framed-Pool = "gold",
        Idle-Timeout = 600,
        Class = 0x00ff62

carol   Cleartext-Password := "carolpw"
        Cisco-AVPair = "ip:dns-servers=192.0.2.1 192.0.2.2",
        Cisco-AVPair += "vpdn:l2tp-silent-switchover=1"

dave    Cleartext-Password := "davepw"
        Framed-IP-Address = 10.80.0.200,
        Framed-Route = "10.98.0.0/24 0.0.0.0 7",
        Framed-Route += "10.97.0.1/24"

mallory Auth-Type := Reject
        Reply-Message = "go away"
"""

SITE = """
server default {
listen {
        type = auth
        ipaddr = 127.0.0.1
        port = %(auth)d
}
listen {
        type = acct
        ipaddr = 127.0.0.1
        port = %(acct)d
}
authorize {
        preprocess
        chap
        files
        pap
}
authenticate {
        Auth-Type PAP {
                pap
        }
        Auth-Type CHAP {
                chap
        }
}
preacct {
        preprocess
}
accounting {
        detail
        ok
}
post-auth {
        Post-Auth-Type REJECT {
                ok
        }
}
}
"""

DETAIL = """
detail {
        filename = %(path)s
        escape_filenames = no
        permissions = 0600
        header = "%%t"
}
"""

KEEP_MODS = {"always", "chap", "detail", "expr", "files", "pap",
             "preprocess", "attr_filter", "unpack", "utf8"}


class FreeRadius:
    def __init__(self, auth_port, acct_port, key=KEY, name="rad",
                 users=USERS):
        self.users = users
        self.auth_port = auth_port
        self.acct_port = acct_port
        self.key = key
        self.dir = tempfile.mkdtemp(prefix="radius-%s-" % name)
        self.raddb = os.path.join(self.dir, "raddb")
        self.detail = os.path.join(self.dir, "detail")
        self.log = os.path.join(self.dir, "radiusd.log")
        self.p = None
        self._configure()

    def _write(self, rel, text):
        with open(os.path.join(self.raddb, rel), "w") as f:
            f.write(text)

    def _configure(self):
        shutil.copytree(SYSCONF, self.raddb, symlinks=True)
        conf = os.path.join(self.raddb, "radiusd.conf")
        with open(conf) as f:
            text = f.read()
        # our own directories; no privilege drop (the temp dir is ours)
        text = re.sub(r"(?m)^(\s*)logdir = .*$",
                      r"\1logdir = %s" % self.dir, text)
        text = re.sub(r"(?m)^(\s*)run_dir = .*$",
                      r"\1run_dir = %s" % self.dir, text)
        text = re.sub(r"(?m)^(\s*)(user|group) = .*$", r"\1#\2", text)
        with open(conf, "w") as f:
            f.write(text)
        for d in ("sites-enabled", "mods-enabled"):
            for n in os.listdir(os.path.join(self.raddb, d)):
                if d == "sites-enabled" or n not in KEEP_MODS:
                    os.unlink(os.path.join(self.raddb, d, n))
        os.unlink(os.path.join(self.raddb, "mods-enabled", "detail"))
        self._write("mods-enabled/detail", DETAIL % {"path": self.detail})
        self._write("sites-enabled/default",
                    SITE % {"auth": self.auth_port, "acct": self.acct_port})
        self._write("clients.conf", "client localhost {\n"
                    "  ipaddr = 127.0.0.1\n  secret = %s\n"
                    "  require_message_authenticator = no\n}\n" % self.key)
        self._write("mods-config/files/authorize", self.users)

    def start(self, debug=True, netns=None):
        """debug: -X (every packet in the log, one thread); else the
        normal threaded server logging to the file (benchmarks);
        netns: run inside that network namespace (its loopback)"""
        logf = open(self.log, "ab")
        flags = ["-X"] if debug else ["-f", "-l", "stdout"]
        pre = ["ip", "netns", "exec", netns] if netns else []
        self.p = track(subprocess.Popen(
            pre + ["freeradius", "-f"] + flags + ["-d", self.raddb],
            stdout=logf, stderr=subprocess.STDOUT))
        logf.close()
        wait_for(lambda: self.p.poll() is not None or
                 "Ready to process requests" in self.read_log(),
                 20, "FreeRADIUS started", last=lambda: self.read_log()[-2000:])
        check(self.p.poll() is None,
              "FreeRADIUS exited: %s" % self.read_log()[-2000:])

    def kill(self):
        if self.p and self.p.poll() is None:
            self.p.send_signal(signal.SIGKILL)
            self.p.wait(timeout=10)

    def read_log(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def records(self):
        """The detail file as a list of {attribute: value} dicts."""
        try:
            with open(self.detail, errors="replace") as f:
                text = f.read()
        except OSError:
            return []
        recs = []
        for block in text.split("\n\n"):
            r = {}
            for line in block.splitlines():
                m = re.match(r"^\s+([\w-]+) = (.*)$", line)
                if m:
                    r[m.group(1)] = m.group(2).strip().strip('"')
            if r:
                recs.append(r)
        return recs

    def cleanup(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def radtest_bin():
    return os.path.join(ssotest.BIN, "sso-radtest")


class RadTest:
    """sso-radtest -i: one command per line, answers end with 'end'."""

    def __init__(self, servers, key=KEY, timeout_ms=500, retransmit=1,
                 deadtime_ms=2000, dae_port=None, sessions=None, window=0):
        argv = [radtest_bin(), "-i", "-k", key, "-t", str(timeout_ms),
                "-r", str(retransmit), "-d", str(deadtime_ms),
                "-w", str(window)]
        for s in servers:
            argv += ["-s", s]
        if dae_port:
            argv += ["-D", str(dae_port), "-c", "127.0.0.1"]
            if sessions:
                argv += ["-S", ",".join(sessions)]
        self.p = track(subprocess.Popen(argv, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True,
                                        bufsize=1))
        self.lines = []
        if dae_port:
            self.expect_line("dae listening")

    def expect_line(self, prefix, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.p.stdout.readline()
            check(line != "", "sso-radtest ended before %r" % prefix)
            self.lines.append(line.rstrip("\n"))
            if line.startswith(prefix):
                return line.rstrip("\n")
        raise ssotest.TestFailure("no %r from sso-radtest" % prefix)

    def cmd(self, text, timeout=30):
        """Send one command; return its output lines up to 'end'."""
        self.p.stdin.write(text + "\n")
        self.p.stdin.flush()
        out = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.p.stdout.readline()
            check(line != "", "sso-radtest ended during %r" % text)
            line = line.rstrip("\n")
            self.lines.append(line)
            if line == "end":
                return out
            out.append(line)
        raise ssotest.TestFailure("no answer to %r" % text)

    def stats(self):
        """{server name: {field: value}} from the stats command (the
        JSON form of `show radius statistics`'s field table)."""
        res = {}
        for line in self.cmd("stats"):
            if line.startswith("server "):
                st = json.loads(line[7:])
                res[st["name"]] = st
        return res

    def close(self):
        try:
            self.p.stdin.close()
            self.p.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.p.kill()


def result(lines):
    """('accept', {attr: [values]}) from an auth/acct answer."""
    verdict, attrs = None, {}
    for line in lines:
        if line.startswith("result "):
            verdict = line.split()[1]
        elif line.startswith("attr "):
            k, _, v = line[5:].partition(" = ")
            attrs.setdefault(k, []).append(v.strip('"'))
    return verdict, attrs


# ---- Disconnect-Request (RFC 5176) and the detail file, for the SSO tests

# a Disconnect-Request client from a fixed source port, inside a
# namespace: sends the given bytes until answered (the same bytes are a
# retransmission, RFC 5176 2.3), prints the answer in hex
DAECLIENT = r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(1.0)
req = bytes.fromhex(sys.argv[3])
for _ in range(20):
    s.sendto(req, ("127.0.0.1", int(sys.argv[2])))
    try:
        print(s.recvfrom(4096)[0].hex())
        break
    except socket.timeout:
        pass
"""


def disconnect_request(ident, acct_sid, key=KEY):
    """RFC 5176 2.3: Request Authenticator = MD5(Code + Identifier +
    Length + 16 zero octets + attributes + secret)"""
    v = acct_sid.encode()
    attrs = bytes([44, 2 + len(v)]) + v     # Acct-Session-Id
    hdr = struct.pack("!BBH", 40, ident, 20 + len(attrs))
    auth = hashlib.md5(hdr + bytes(16) + attrs + key.encode()).digest()
    return hdr + auth + attrs


def dae_send(netns, src_port, dae_port, req):
    """req from 127.0.0.1:src_port to the LNS's dynamic-author port in
    netns until answered: the answer's bytes"""
    r = subprocess.run(["ip", "netns", "exec", netns, sys.executable,
                        "-c", DAECLIENT, str(src_port), str(dae_port),
                        req.hex()], capture_output=True, text=True,
                       timeout=60)
    check(r.stdout.strip(), "no answer to the Disconnect-Request: %s"
          % r.stderr)
    return bytes.fromhex(r.stdout.strip())


def by_sid(rad):
    """the detail file's session records (no Accounting-On/Off) by
    Acct-Session-Id"""
    out = {}
    for r in rad.records():
        if r.get("Acct-Status-Type") in ("Accounting-On", "Accounting-Off"):
            continue
        out.setdefault(r.get("Acct-Session-Id"), []).append(r)
    return out


def status(rs, st):
    return [r for r in rs if r.get("Acct-Status-Type") == st]


def system_records(rad):
    """Accounting-On/Off in the order the server logged them"""
    return [r.get("Acct-Status-Type") for r in rad.records()
            if r.get("Acct-Status-Type") in ("Accounting-On",
                                             "Accounting-Off")]


def lns_radius_conf(auth_port, acct_port, key=KEY, fallback_local=False,
                    interim_s=0, dae_port=0):
    """ssod's configuration lines for one FreeRADIUS on 127.0.0.1:
    authentication (then the local users if fallback_local) and start-stop
    accounting through it, an Interim every interim_s seconds, dynamic
    authorization on dae_port (0: none)"""
    text = ("radius server R1\n"
            " address ipv4 127.0.0.1 auth-port %d acct-port %d\n"
            " key %s\n timeout 1\n retransmit 2\n deadtime 0\n"
            "aaa group server radius RG\n server name R1\n"
            "aaa authentication ppp default group RG%s\n"
            "aaa accounting network default start-stop group RG\n"
            % (auth_port, acct_port, key,
               " local" if fallback_local else ""))
    if interim_s:
        text += "aaa accounting update periodic-seconds %d\n" % interim_s
    if dae_port:
        text += ("aaa server radius dynamic-author\n"
                 " client 127.0.0.1 server-key %s\n port %d\n"
                 % (key, dae_port))
    return text
