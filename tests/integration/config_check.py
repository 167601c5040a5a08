#!/usr/bin/env python3
"""`ssod -n` runs every check start-up runs (issue 9 items 17, 20, 24) and
the print-back round trip holds on a configuration using every command
(item 9): file -> ssod -n ok -> show running-config -> ssod -n ok -> the
same running-config."""
import os
import socket
import stat
import subprocess
from ssotest import Pair, run, check, wait_for, free_port
import ssotest


def ssod_n(conf):
    r = subprocess.run([os.path.join(ssotest.BIN, "ssod"), "-n", "-c", conf,
                        "-u", "0"], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def expect_refused(conf, what, line=None):
    rc, out = ssod_n(conf)
    check(rc == 1, "accepted (%s): %s" % (what, out))
    check(what in out, "error %r lacks %r" % (out, what))
    if line:
        check("%s:%d:" % (conf, line) in out, "%r lacks line %d" % (out, line))


EVERY = """hostname RP-EVERY
redundancy
 mode sso
 unit 0 address tcp://127.0.0.1:{p0}
 unit 1 address tcp://127.0.0.1:{p1}
 unit 0 witness 127.0.0.1 {w0}
 unit 1 witness 127.0.0.1 {w1}
 notify /bin/true
 preferred-primary unit 0
 keepalive interval 100 threshold 5
 key secret {d}/unit%u.key peer-public {d}/unit%p.pub
 security curve
 negotiation timeout 1000
 checkpoint backlog 50000
 checkpoint sync-deadline 2000
 checkpoint bulk page 128 window 4096
control socket {d}/ctl/unit%u.ctl
vpdn enable
l2tp listen 127.0.0.1 {lp}
l2tp sso enable
l2tp ack-delay 50
vpdn-group LNS
 accept-dialin
  protocol l2tp
 terminate-from hostname lac1
 local name lns1
 l2tp tunnel password s3cret
 l2tp tunnel hello 30
 l2tp tunnel receive-window 16
 l2tp tunnel retransmit retries 7
 l2tp tunnel retransmit timeout min 2
 l2tp tunnel retransmit timeout max 20
 l2tp tunnel resync 50
 sso enable
 l2tp data reflect
 l2tp tunnel failover recovery-time 5000
vpdn-group LAC
 request-dialin
 protocol l2tp
 initiate-to ip 127.0.0.1 port 1701
 no sso enable
 no l2tp tunnel failover
end
"""


def round_trip(pairs):
    p = Pair(name="every")
    pairs.append(p)
    text = EVERY.format(p0=p.ports[0], p1=p.ports[1], w0=free_port(
        socket.SOCK_DGRAM), w1=free_port(socket.SOCK_DGRAM), d=p.dir,
        lp=free_port(socket.SOCK_DGRAM))
    with open(p.conf, "w") as f:
        f.write(text)
    rc, out = ssod_n(p.conf)
    check(rc == 0, "the full configuration is refused: " + out)
    p.start(0)
    p.wait_state(0, "ACTIVE")
    first = p.ctl(0, "show", "running-config")["running_config"]
    check(first.endswith("!\nend\n"), first)
    # the secret is never printed; it goes back in by hand
    check("s3cret" not in first, "secret printed")
    again = os.path.join(p.dir, "printed.conf")
    with open(again, "w") as f:
        f.write(first.replace("password <hidden>", "password s3cret"))
    rc, out = ssod_n(again)
    check(rc == 0, "printed configuration refused: " + out)
    p.kill(0)
    p.start(0, conf=again)
    p.wait_state(0, "ACTIVE")
    second = p.ctl(0, "show", "running-config")["running_config"]
    check(first == second, "round trip differs:\n%s\n---\n%s"
          % (first, second))
    p.kill(0)


def file_checks(pairs):
    p = Pair(name="ncheck")
    pairs.append(p)
    rc, out = ssod_n(p.conf)
    check(rc == 0, out)
    key = os.path.join(p.dir, "unit0.key")
    # 17: a secret key others can read is refused, -n and start-up alike
    for mode in (0o644, 0o666, 0o640):
        os.chmod(key, mode)
        expect_refused(p.conf, "mode %04o" % mode, line=9)
    if os.geteuid() == 0:
        # owned by another user, even with mode 0600
        os.chmod(key, 0o600)
        os.chown(key, 12345, -1)
        expect_refused(p.conf, "owner uid 12345", line=9)
        os.chown(key, 0, -1)
        os.chmod(key, 0o640)
    p.start(0)
    check(p.procs[0].wait(timeout=20) != 0, "started with a 0640 key")
    with open(p.logs[0]) as f:
        check("chmod 600" in f.read(), "start-up refusal not logged")
    os.chmod(key, 0o600)
    rc, out = ssod_n(p.conf)
    check(rc == 0, out)
    # 20: missing / not Z85 key files
    pub = os.path.join(p.dir, "unit1.pub")
    saved = open(pub).read()
    os.unlink(pub)
    expect_refused(p.conf, "cannot open key", line=9)
    with open(pub, "w") as f:
        f.write("not a key\n")
    expect_refused(p.conf, "not a Z85 CURVE key", line=9)
    with open(pub, "w") as f:
        f.write(saved)
    # 20: a control socket directory start-up would refuse
    ctl = os.path.join(p.dir, "ctl")
    os.makedirs(ctl, exist_ok=True)
    os.chmod(ctl, 0o755)
    expect_refused(p.conf, "mode 0700", line=10)
    os.chmod(ctl, 0o700)
    rc, out = ssod_n(p.conf)
    check(rc == 0, out)
    os.rmdir(ctl)
    rc, out = ssod_n(p.conf)
    check(rc == 0, "a directory start-up creates is refused: " + out)
    check(not os.path.exists(ctl), "-n created the directory")
    text = open(p.conf).read()
    with open(p.conf, "w") as f:
        f.write(text.replace("%s/ctl/" % p.dir, "%s/no/such/" % p.dir))
    expect_refused(p.conf, "cannot be created", line=10)
    # 24: a directory, a missing file, an unreadable one
    expect_refused(p.dir, "is a directory")
    expect_refused(os.path.join(p.dir, "missing.conf"),
                   "No such file or directory")
    with open(p.conf, "w") as f:
        f.write(text)
    if os.geteuid() != 0:
        os.chmod(p.conf, 0)
        expect_refused(p.conf, "Permission denied")
        os.chmod(p.conf, stat.S_IRUSR | stat.S_IWUSR)


def main(pairs):
    file_checks(pairs)
    round_trip(pairs)


run(main)
