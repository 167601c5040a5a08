"""xl2tpdpeer - Debian's xl2tpd as the L2TP peer of ssod in integration
tests, on loopback.

xl2tpd starts pppd for every call and hangs the call up when pppd exits, so
it runs in a private mount namespace (unshare -m) where pppd-standin (next
to this file) is bind-mounted over /usr/sbin/pppd; the host's pppd is never
touched. Each instance has its own configuration, pid, control (FIFO) and
secrets files in a private temporary directory, listens on 127.0.0.1 on its
own UDP port, logs to a file (-D: foreground, log to stderr), and is killed
with every process it started when the test ends.

What xl2tpd 1.3.18 says, and what the tests read from its log (it has no
status command that works without /var/run/xl2tpd; xl2tpd-control needs
that directory):
  Connection established to A, P.  Local: X, Remote: Y     tunnel up
  Call established with A, [PID: n, ]Local: X, Remote: Y, Serial: S
  Connection closed to A, port P (RESULT), Local: X, Remote: Y   StopCCN rx
  Connection closed to A, serial S (RESULT)                  CDN received
  message type is Hello(6).  Tunnel is T                    Hello received
Limits found here: one call per [lac] section (a second "c NAME" says
"Session 'NAME' already active!"), and "c TUNNEL-ID" (a call on an
existing tunnel without a [lac] section) crashes xl2tpd 1.3.18 (NULL lac
in start_pppd), so an xl2tpd LAC places one call per tunnel; the LNS role
takes any number of calls per tunnel.
"""
import os
import re
import signal
import socket
import subprocess
import tempfile
import time

import ssotest
from ssotest import TestFailure, wait_for, track

HERE = os.path.dirname(os.path.abspath(__file__))
STANDIN = os.path.join(HERE, "pppd-standin")
XL2TPD = "/usr/sbin/xl2tpd"

RE_TUNNEL_UP = re.compile(r"Connection established to ([\d.]+), (\d+)\.  "
                          r"Local: (\d+), Remote: (\d+)")
RE_CALL_UP = re.compile(r"Call established with ([\d.]+), (?:PID: \d+, )?"
                        r"Local: (\d+), Remote: (\d+), Serial: (\d+)")
RE_TUNNEL_CLOSED = re.compile(r"Connection closed to ([\d.]+), port (\d+) "
                              r"\((.*?)\), Local: (\d+), Remote: (\d+)")
RE_CALL_CLOSED = re.compile(r"Connection closed to ([\d.]+), serial (\d+) "
                            r"\((.*?)\)")
RE_HELLO = re.compile(r"message type is Hello\(6\)\.  Tunnel is (\d+)")
# lines that mean a protocol problem between xl2tpd and its peer
RE_TROUBLE = re.compile(r"out of order|maximum retries|Peer tried|"
                        r"too small|wrong size|reserved bits|"
                        r"Reported and actual sizes differ|"
                        r"don't know how to handle mandatory|"
                        r"Invalid AVP|not the right length|"
                        r"challenge response|Assigned.*twice|"
                        r"unable to find call or tunnel", re.I)


def available():
    return os.access(XL2TPD, os.X_OK) and os.path.exists("/usr/sbin/pppd") \
        and os.geteuid() == 0


def free_udp_port():
    return ssotest.free_port(socket.SOCK_DGRAM)


def _ppid(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
        return int(s[s.rindex(")") + 2:].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _pids():
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def descendants(root):
    kids = {}
    for p in _pids():
        pp = _ppid(p)
        if pp is not None:
            kids.setdefault(pp, []).append(p)
    out, todo = [], [root]
    while todo:
        for c in kids.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


class Xl2tpd:
    """One xl2tpd process. lacs: [(section name, LNS port)]; lns: accept
    incoming tunnels ([lns default]); secret: tunnel secret for both
    directions (auth file "* * SECRET"); challenge: ask the peer to
    authenticate (the Challenge AVP)."""

    def __init__(self, lacs=(), lns=False, secret=None, challenge=False,
                 hostname="XL2TPD", name="x"):
        self.dir = tempfile.mkdtemp(prefix="ssot-xl2tpd-%s-" % name)
        os.chmod(self.dir, 0o700)
        self.port = free_udp_port()
        self.hostname = hostname
        self.conf = os.path.join(self.dir, "xl2tpd.conf")
        self.ctlfile = os.path.join(self.dir, "l2tp-control")
        self.pidfile = os.path.join(self.dir, "xl2tpd.pid")
        self.secrets = os.path.join(self.dir, "l2tp-secrets")
        self.logfile = os.path.join(self.dir, "xl2tpd.log")
        self.proc = None
        with open(self.secrets, "w") as f:
            if secret is not None:
                f.write("* * %s\n" % secret)
        os.chmod(self.secrets, 0o600)
        auth = "challenge = %s\n" % ("yes" if challenge else "no")
        ppp = ("require authentication = no\nrefuse pap = yes\n"
               "refuse chap = yes\nppp debug = no\n")
        text = ("[global]\nport = %d\nlisten-addr = 127.0.0.1\n"
                "force userspace = yes\nauth file = %s\n"
                "debug tunnel = yes\ndebug state = yes\n"
                "access control = no\n" % (self.port, self.secrets))
        if lns:
            text += ("[lns default]\nip range = 10.99.0.2-10.99.0.250\n"
                     "local ip = 10.99.0.1\nhostname = %s\n%s%s"
                     % (hostname, auth, ppp))
        for sec, port in lacs:
            text += ("[lac %s]\nlns = 127.0.0.1:%d\nhostname = %s\n"
                     "autodial = no\nredial = no\n%s%s"
                     % (sec, port, hostname, auth, ppp))
        with open(self.conf, "w") as f:
            f.write(text)

    def start(self):
        script = ("mount --bind %s /usr/sbin/pppd && exec %s -D -c %s -p %s "
                  "-C %s -s %s" % (STANDIN, XL2TPD, self.conf, self.pidfile,
                                   self.ctlfile, self.secrets))
        self.proc = track(subprocess.Popen(
            ["unshare", "-m", "--propagation", "private", "sh", "-c",
             script], stdout=open(self.logfile, "a"),
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL))
        wait_for(lambda: self._alive() and "Listening on IP address"
                 in self.log() and os.path.exists(self.ctlfile), 10,
                 "xl2tpd to listen")
        return self

    def _alive(self):
        if self.proc.poll() is not None:
            raise TestFailure("xl2tpd exited with %s: %s"
                              % (self.proc.returncode, self.log()[-2000:]))
        return True

    def log(self):
        try:
            with open(self.logfile, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def control(self, line):
        """One command per open of the FIFO: xl2tpd parses one command per
        read, two commands in one read are garbled."""
        self._alive()
        fd = os.open(self.ctlfile, os.O_WRONLY | os.O_NONBLOCK)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)

    # --- what the log says ---------------------------------------------
    def tunnels_up(self):
        """[(peer port, xl2tpd tid, peer tid)]"""
        return [(int(m[1]), int(m[2]), int(m[3]))
                for m in RE_TUNNEL_UP.findall(self.log())]

    def calls_up(self):
        """[(xl2tpd cid, peer cid, serial)]"""
        return [(int(m[1]), int(m[2]), int(m[3]))
                for m in RE_CALL_UP.findall(self.log())]

    def tunnels_closed(self):
        """[(peer port, result text, xl2tpd tid, peer tid)]"""
        return [(int(m[1]), m[2], int(m[3]), int(m[4]))
                for m in RE_TUNNEL_CLOSED.findall(self.log())]

    def calls_closed(self):
        """[(serial, result text)]"""
        return [(int(m[1]), m[2]) for m in RE_CALL_CLOSED.findall(self.log())]

    def hellos(self, tid=None):
        """Hellos received; xl2tpd's "Tunnel is T" names the peer's tunnel
        id (ssod's local id), so tid filters by the ssod tunnel."""
        return sum(1 for t in RE_HELLO.findall(self.log())
                   if tid is None or int(t) == tid)

    def trouble(self):
        return [ln for ln in self.log().splitlines() if RE_TROUBLE.search(ln)]

    def dial(self, section, timeout=15):
        """c SECTION: a tunnel (if the section has none) and one call."""
        n = len(self.calls_up())
        self.control("c %s" % section)
        return wait_for(lambda: self._alive() and
                        len(self.calls_up()) > n and self.calls_up()[n],
                        timeout, "xl2tpd call on [lac %s]" % section)

    def standins(self):
        """pids of the pppd stand-ins xl2tpd runs (one per live call)."""
        if self.proc is None or self.proc.poll() is not None:
            return []
        return [p for p in descendants(self.proc.pid)
                if _cmdline(p).startswith("cat ")]

    def stop(self):
        if self.proc is None:
            return
        victims = [self.proc.pid] + descendants(self.proc.pid)
        victims += [p for p in _pids() if self.dir in _cmdline(p)]
        for p in set(victims):
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and \
                not all(_gone(p) for p in set(victims)):
            time.sleep(0.05)


def _gone(pid):
    """pid has exited (a zombie counts as gone: its parent reaps it)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
        return s[s.rindex(")") + 2:].startswith("Z")
    except (OSError, ValueError):
        return True
