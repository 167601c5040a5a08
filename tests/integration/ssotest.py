"""ssotest - harness for ssod integration tests.

Starts real ssod processes on loopback with fresh CURVE keys and free
ports, drives them with ssoctl --json, kills them with SIGKILL, and waits
on conditions with deadlines (never sleep-and-hope). Every process it
starts is killed when the test ends, whatever happens.
"""
import argparse
import atexit
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

BIN = None
_procs = []


class TestFailure(Exception):
    pass


def args():
    global BIN
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    a, _ = ap.parse_known_args()
    BIN = a.bin
    return a


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)


def wait_for(pred, timeout, what, last=None):
    """Poll pred() until it returns a true value or the deadline passes;
    last(), if given, describes what was seen in the failure message."""
    describe = last
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = pred()
            if last:
                return last
        except (TestFailure, ValueError, KeyError, TypeError) as e:
            last = e
        time.sleep(0.05)
    if describe:
        try:
            last = describe()
        except Exception as e:  # noqa: BLE001 - only a description
            last = e
    raise TestFailure("timed out after %.0fs waiting for %s (last: %r)"
                      % (timeout, what, last))


def free_port(kind=socket.SOCK_STREAM):
    """A loopback port nobody holds now (TCP by default)."""
    for _ in range(100):
        p = random.randint(20000, 60000)
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind(("127.0.0.1", p))
            return p
        except OSError:
            continue
        finally:
            s.close()
    raise TestFailure("no free port")


_daemon_pidfiles = []


def _cleanup():
    # daemons (no -f) are not our children: find them by their pidfile
    for f in _daemon_pidfiles:
        try:
            with open(f) as fp:
                os.kill(int(fp.read().strip()), signal.SIGKILL)
        except (OSError, ValueError):
            pass
    for p in _procs:
        if p.poll() is None:
            p.kill()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass


atexit.register(_cleanup)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))


def rss_kb(pid):
    """a process's resident set (VmRSS), KiB; 0 when it is gone"""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def track(p):
    _procs.append(p)
    return p


class Pair:
    """Two ssod units sharing one configuration file."""

    def __init__(self, extra_redundancy="", extra_top="", name="pair",
                 keepalive=(100, 5), binaries=("ssod", "ssod"),
                 internal=True):
        # `service internal`: the tests drive the test hooks (test ...,
        # kv fill/bench, SSOD_TEST_CRASH), refused without it
        self.internal = internal
        self.dir = tempfile.mkdtemp(prefix="ssot-%s-" % name)
        os.chmod(self.dir, 0o700)
        self.ports = [free_port(), free_port()]
        self.binaries = list(binaries)
        self.procs = [None, None]
        self.logs = [os.path.join(self.dir, "u%d.log" % u) for u in (0, 1)]
        for u in (0, 1):
            subprocess.run([os.path.join(BIN, "ssoctl"), "keygen",
                            os.path.join(self.dir, "unit%d" % u)],
                           check=True, stdout=subprocess.DEVNULL)
        self.conf = os.path.join(self.dir, "pair.conf")
        self.write_conf(extra_redundancy, extra_top, keepalive)
        atexit.register(self.stop)

    def write_conf(self, extra_redundancy="", extra_top="", keepalive=(100, 5)):
        with open(self.conf, "w") as f:
            f.write("hostname TEST\n"
                    "redundancy\n"
                    " mode sso\n"
                    " unit 0 address tcp://127.0.0.1:%d\n"
                    " unit 1 address tcp://127.0.0.1:%d\n"
                    " preferred-primary unit 0\n"
                    " keepalive interval %d threshold %d\n"
                    " negotiation timeout 2000\n"
                    " key secret %s/unit%%u.key peer-public %s/unit%%p.pub\n"
                    "%s"
                    "control socket %s/ctl/unit%%u.ctl\n%s%s"
                    % (self.ports[0], self.ports[1], keepalive[0],
                       keepalive[1], self.dir, self.dir, extra_redundancy,
                       self.dir,
                       "service internal\n" if getattr(self, "internal",
                                                        True) else "",
                       extra_top))

    def sock(self, u):
        return os.path.join(self.dir, "ctl", "unit%d.ctl" % u)

    def start(self, u, conf=None, env=None, args=()):
        log = open(self.logs[u], "a")
        self.procs[u] = track(subprocess.Popen(
            [os.path.join(BIN, self.binaries[u]), "-f", "-c",
             conf or self.conf, "-u", str(u)] + list(args), stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, **env) if env else None))
        return self.procs[u]

    def pidfile(self, u):
        """the default pidfile, beside the control socket"""
        return os.path.join(self.dir, "ctl", "unit%d.pid" % u)

    def start_daemon(self, u, conf=None, cwd=None, env=None, prefix=()):
        """ssod without -f: returns the parent's CompletedProcess (it
        exits once the daemon has started, or failed to); the daemon is
        killed at exit through its pidfile."""
        if self.pidfile(u) not in _daemon_pidfiles:
            _daemon_pidfiles.append(self.pidfile(u))
        return subprocess.run(
            list(prefix) + [os.path.join(BIN, self.binaries[u]), "-c",
                            conf or self.conf, "-u", str(u)],
            cwd=cwd, capture_output=True, text=True, timeout=60,
            env=dict(os.environ, **env) if env else None)

    def daemon_pid(self, u):
        try:
            with open(self.pidfile(u)) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def kill(self, u, sig=signal.SIGKILL):
        p = self.procs[u]
        if p and p.poll() is None:
            p.send_signal(sig)
            p.wait(timeout=10)

    def stop(self):
        for u in (0, 1):
            self.kill(u)
            if self.pidfile(u) in _daemon_pidfiles:
                pid = self.daemon_pid(u)
                if pid:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass

    def ctl(self, u, *words, ok=True, timeout_ms=5000):
        r = subprocess.run([os.path.join(BIN, "ssoctl"), "-s", self.sock(u),
                            "--json", "-t", str(timeout_ms)] +
                           [str(w) for w in words],
                           capture_output=True, text=True, timeout=20)
        if ok and r.returncode != 0:
            raise TestFailure("ssoctl %s on unit %d: rc %d: %s %s"
                              % (" ".join(map(str, words)), u, r.returncode,
                                 r.stdout, r.stderr))
        try:
            return json.loads(r.stdout) if r.stdout.strip() else {}
        except ValueError:
            raise TestFailure("bad JSON from ssoctl: %r" % r.stdout)

    def try_ctl(self, u, *words, timeout_ms=5000):
        try:
            return self.ctl(u, *words, timeout_ms=timeout_ms)
        except (TestFailure, subprocess.TimeoutExpired):
            return None

    def state(self, u, timeout_ms=5000):
        s = self.try_ctl(u, "show", "redundancy", "states",
                         timeout_ms=timeout_ms)
        return s["my_state"] if s else None

    def states(self, u, timeout_ms=5000):
        return self.ctl(u, "show", "redundancy", "states",
                        timeout_ms=timeout_ms)

    # the waits poll with a 1 s ssoctl timeout: a request that reaches a
    # unit just as it re-executes itself (ISSU, manual switchover) is
    # lost, and a poll waiting out 5 s for it would make the wait, and
    # any duration measured around it, 5 s longer than the pair took
    def wait_state(self, u, state, timeout=30):
        return wait_for(lambda: self.state(u, 1000) == state, timeout,
                        "unit %d to reach %s" % (u, state))

    def wait_pair(self, active, timeout=30):
        """active ACTIVE, the other STANDBY HOT, and both hear each
        other's keepalives (a HOT standby stays HOT through an interrupted
        inter-RP link)."""
        self.wait_state(active, "ACTIVE", timeout)
        self.wait_state(1 - active, "STANDBY HOT", timeout)
        wait_for(lambda: all(self.states(u, 1000)["communications"] == "Up"
                             for u in (0, 1)), timeout,
                 "both units to report communications Up",
                 last=lambda: [self.states(u)["communications"]
                               for u in (0, 1)])

    def kv(self, u):
        return self.ctl(u, "show", "kv")

    def wait_same_kv(self, timeout=30):
        def same():
            a, b = self.kv(0), self.kv(1)
            return a["digest"] == b["digest"] and a["records"] == b["records"] \
                and a
        return wait_for(same, timeout, "identical kv digests on both units")

    def stats(self, u):
        return self.ctl(u, "show", "checkpoint", "statistics")

    def dump_logs(self):
        for u in (0, 1):
            for words in (("show", "redundancy", "states"),
                          ("show", "checkpoint", "statistics"),
                          ("show", "checkpoint", "clients")):
                try:
                    sys.stderr.write("---- unit %d: %s ----\n%s\n" % (
                        u, " ".join(words), self.ctl(u, *words, ok=False)))
                except (TestFailure, OSError,
                        subprocess.TimeoutExpired) as e:
                    sys.stderr.write("---- unit %d: %s: %s\n"
                                     % (u, " ".join(words), e))
            try:
                with open(self.logs[u]) as f:
                    data = f.read()
                sys.stderr.write("---- unit %d log (tail) ----\n%s\n"
                                 % (u, data[-6000:]))
            except OSError:
                pass

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def read_framed(f):
    """One ssoctl -b reply: body lines, then "%END RC" (README, ssoctl).
    Returns (rc, body); (10, "") when ssoctl ended."""
    body = []
    while True:
        line = f.readline()
        if not line:
            return 10, "".join(body)
        if line.startswith("%END "):
            return int(line[5:]), "".join(body)
        if line.startswith("%%END"):
            line = line[1:]
        body.append(line)


class Batch:
    """ssoctl -b: many commands over one connection, one JSON reply each."""

    def __init__(self, pair, u):
        self.p = track(subprocess.Popen(
            [os.path.join(BIN, "ssoctl"), "-s", pair.sock(u), "--json",
             "-t", "5000", "-b"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, bufsize=1))

    def cmd(self, *words):
        try:
            self.p.stdin.write(" ".join(map(str, words)) + "\n")
            self.p.stdin.flush()
        except BrokenPipeError:
            # ssoctl found no unit listening (restarting): as unreachable
            return 10, {}
        rc, body = read_framed(self.p.stdout)
        if rc == 10 and not body:
            return 10, {}
        try:
            return int(rc), json.loads(body) if body.strip() else {}
        except ValueError:
            return int(rc), {"raw": body}

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=10)


def run(main):
    """Run a test body, print a ctest-readable verdict, exit non-zero on
    failure, dump the daemons' logs when something went wrong."""
    args()
    pairs = []
    try:
        main(pairs)
    except Exception as e:  # noqa: BLE001 - any failure fails the test
        # the verdict first as well: a CI excerpt may keep only the head
        verdict = "FAIL: %s: %s" % (type(e).__name__, e)
        print(verdict[:2000], flush=True)
        traceback.print_exc(limit=4, file=sys.stdout)
        for p in pairs:
            p.dump_logs()
        print(verdict)
        print("0 passed, 1 failed")
        _cleanup()
        sys.exit(1)
    for p in pairs:
        p.cleanup()
    print("1 passed, 0 failed")
